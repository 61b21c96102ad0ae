"""Per-stride curves for the clinical report: sole pitch over the gait cycle, toe height in swing.

``strides.csv`` holds one number per stride and metric; the report's pitch and toe-height
plots need the time course. :func:`stride_curves` recomputes it for every stride of a
finished analysis, from the aligned recording and the engine's strides, with the engine's own
strapdown kernel (:func:`footdrop.gait._kernels.strapdown_window`) and the same definitions
(CONTRACT.md):

* **pitch** (deg): the relative sole pitch (pitch minus its value at the mid-stance of the
  same stride), from initial contact (IC, 0 %) to the next IC (100 %). Between IC and the
  mid-stance the orientation is integrated backwards from the level mid-stance, so the curve
  starts at the stride's foot strike angle; from the mid-stance on it is the strapdown
  orientation of the window to the next mid-stance.
* **toe height** (m): the height of the toe point above its height at the mid-stance before
  the swing, from final contact (FC, 0 % of swing) to the next IC (100 %).

Each curve is resampled to :data:`CURVE_POINTS` points by linear interpolation. A stride
whose mid-stances cannot be found again (no still sample in a stance) gets NaN curves.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numba import njit

from footdrop.gait._kernels import (
    DEG,
    _pitch,
    qexp,
    qmul,
    qrot,
    rest_span,
    stance_gravity,
    strapdown_window,
)
from footdrop.gait.engine import frame_samples
from footdrop.gait.stance import detect_stance
from footdrop.recording import Recording

#: Points per normalised curve (every 2 % of the cycle or of swing).
CURVE_POINTS = 51


@njit(cache=True, inline="always")
def _interp(values, first, lo, hi, n_points, out):
    """Resample ``values`` (sample ``first`` at index 0) at ``n_points`` from ``lo`` to
    ``hi`` (fractional sample indices) into ``out``."""
    n = values.shape[0]
    for i in range(n_points):
        t = lo + (hi - lo) * i / (n_points - 1) - first
        k = int(np.floor(t))
        k = min(max(k, 0), n - 2)
        f = min(max(t - k, 0.0), 1.0)
        out[i] = values[k] * (1.0 - f) + values[k + 1] * f


@njit(cache=True)
def _curves(acc, gyr, fs, gravity, toe, heel, events, n_points, level_max_m, pre_roll_s):
    """Pitch and toe-height curves of each stride.

    ``events`` has one row per stride: IC, FC, next IC (fractional sample indices), the
    mid-stances before and after the swing, the first and last moving sample of the swing,
    the sample from which the foot is settled after landing, and the stretches of stance
    around the two mid-stances that give gravity (-1 in the first column: skip the
    stride).
    """
    ns = events.shape[0]
    pitch_out = np.full((ns, n_points), np.nan)
    toe_out = np.full((ns, n_points), np.nan)
    longest = 2
    for s in range(ns):
        if events[s, 0] >= 0:
            longest = max(longest, int(events[s, 4]) - int(np.floor(events[s, 0])) + 2)
    quat = np.empty((longest, 4))
    vel = np.empty((longest, 3))
    pos = np.empty((longest, 3))
    pitch = np.empty(longest)
    height = np.empty(longest)
    dt = 1.0 / fs
    for s in range(ns):
        ic, fc, nic = events[s, 0], events[s, 1], events[s, 2]
        if ic < 0:
            continue
        ms0, ms1 = int(events[s, 3]), int(events[s, 4])
        move0, move1, settled = int(events[s, 5]), int(events[s, 6]), int(events[s, 7])
        first = int(np.floor(ic))
        finite = True
        for k in range(first, ms1 + 1):
            for c in range(3):
                if not (np.isfinite(acc[k, c]) and np.isfinite(gyr[k, c])):
                    finite = False
        if not finite or ms1 - ms0 < 4:
            continue
        up = np.empty(6)
        up[0], up[1], up[2] = stance_gravity(acc, gyr, fs, ms0, int(events[s, 8]),
                                             int(events[s, 9]))
        up[3], up[4], up[5] = stance_gravity(acc, gyr, fs, ms1, int(events[s, 10]),
                                             int(events[s, 11]))
        m = ms1 - ms0 + 1
        strapdown_window(acc, gyr, fs, ms0, ms1, gravity, move0, move1, settled,
                             int(nic + 0.5), quat, vel, pos, level_max_m, pre_roll_s, toe, heel,
                             up)
        p0 = _pitch(quat[0, 0], quat[0, 1], quat[0, 2], quat[0, 3])
        # loading response: orientation integrated backwards from the mid-stance
        w, x, y, z = quat[0, 0], quat[0, 1], quat[0, 2], quat[0, 3]
        pitch[ms0 - first] = 0.0
        for k in range(ms0, first, -1):
            dw, dx, dy, dz = qexp(-(gyr[k - 1, 0] + gyr[k, 0]) * 0.5 * DEG * dt,
                                  -(gyr[k - 1, 1] + gyr[k, 1]) * 0.5 * DEG * dt,
                                  -(gyr[k - 1, 2] + gyr[k, 2]) * 0.5 * DEG * dt)
            w, x, y, z = qmul(w, x, y, z, dw, dx, dy, dz)
            pitch[k - 1 - first] = _pitch(w, x, y, z) - p0
        for k in range(m):
            pitch[ms0 - first + k] = _pitch(quat[k, 0], quat[k, 1], quat[k, 2],
                                            quat[k, 3]) - p0
            height[k] = pos[k, 2] + qrot(quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3],
                                         toe[0], toe[1], toe[2])[2]
        h0 = height[0]
        for k in range(m):
            height[k] -= h0
        _interp(pitch[:ms1 - first + 1], first, ic, nic, n_points, pitch_out[s])
        _interp(height[:m], ms0, fc, nic, n_points, toe_out[s])
    return pitch_out, toe_out


def _events(strides: pd.DataFrame, phases: Any, t0: float, fs: float, offset: int, n: int,
            settle_s: float) -> np.ndarray:
    """The rows of ``events`` for :func:`_curves` (see there) for one sensor segment."""
    score, swings = phases.score, phases.swings
    out = np.full((len(strides), 12), -1.0)
    for row, (ic_s, fc_s, nic_s) in enumerate(
            strides[["ic_s", "fc_s", "next_ic_s"]].to_numpy(float)):
        ic, fc, nic = ((t - t0) * fs - offset for t in (ic_s, fc_s, nic_s))
        j = int(np.searchsorted(swings[:, 0], fc, side="right")) - 1 if len(swings) else -1
        if not (0 <= ic < fc < nic < n - 1) or j < 0 or swings[j, 1] <= fc:
            continue
        stance0 = score[int(np.ceil(ic)):int(fc) + 1]
        stop = swings[j + 1, 0] if j + 1 < len(swings) else min(n, swings[j, 1] + int(1.5 * fs))
        stance1 = score[int(np.ceil(nic)):stop]
        if not (stance0.size and stance1.size and np.isfinite(stance0).any()
                and np.isfinite(stance1).any()):
            continue
        ms0 = int(np.ceil(ic)) + int(np.argmin(stance0))
        ms1 = int(np.ceil(nic)) + int(np.argmin(stance1))
        move0, move1 = int(swings[j, 0]), int(swings[j, 1]) - 1
        settled = min(ms1, max(move1, int(nic + 0.5) + int(round(settle_s * fs))))
        if not ms0 < move0 <= move1 < ms1:
            continue
        prev_end = int(swings[j - 1, 1]) if j > 0 else 0
        rest0 = rest_span(ms0, prev_end, move0 - 1, fs)
        rest1 = rest_span(ms1, move1 + 1, stop - 1, fs)
        out[row] = (ic, fc, nic, ms0, ms1, move0, move1, settled, *rest0, *rest1)
    return out


def stride_curves(recording: Recording, engine: Any,
                  n_points: int = CURVE_POINTS) -> dict[str, np.ndarray]:
    """Normalised pitch and toe-height curves of every stride of a finished analysis.

    ``engine`` is a :class:`footdrop.gait.engine.GaitAnalysis` after ``analyze(recording)``
    (its strides, geometry, sensor yaw and parameters are reused). Returns ``side`` and
    ``stride_id`` (one entry per row of ``engine.strides_``, same order), ``pitch_deg``
    (n × ``n_points``, IC to next IC), ``toe_height_m`` (n × ``n_points``, FC to next IC),
    ``cycle_pct`` and ``swing_pct`` (the normalised time axes, 0-100).
    """
    strides = engine.strides_
    pitch = np.full((len(strides), n_points), np.nan)
    toe_h = np.full((len(strides), n_points), np.nan)
    for side in ("left", "right"):
        placement = f"{side}_foot"
        mask = (strides["side"] == side).to_numpy() if len(strides) else np.zeros(0, bool)
        if placement not in recording or not mask.any():
            continue
        sensor = recording[placement]
        geometry = engine.geometry_[side]
        # the engine's frame (mounting roll levelled, sensor yaw): the rotation it still
        # applies to these samples, None when negligible or done in place
        rot = geometry.get("frame_rotation")
        turn = None if rot is None else np.asarray(rot, dtype=float)
        toe = np.asarray(geometry["toe_vector_m"], dtype=float)
        heel = np.asarray(geometry["heel_vector_m"], dtype=float)
        rows = np.flatnonzero(mask)
        for start, stop in sensor.segments:
            if stop - start < int(2 * sensor.fs):
                continue
            ic_idx = (strides["ic_s"].to_numpy(float)[rows] - sensor.t0) * sensor.fs
            here = rows[(ic_idx >= start) & (ic_idx < stop)]
            if not here.size:
                continue
            acc, gyr = frame_samples(sensor, start, stop, turn)
            # the engine's own phases (mid-air pauses joined), when it kept them
            phases = getattr(engine, "phases_", {}).get((side, start))
            if phases is None:
                phases = detect_stance(acc, gyr, sensor.fs)
            events = _events(strides.iloc[here], phases, sensor.t0, sensor.fs, start,
                             stop - start, engine.settle_s)
            p, h = _curves(acc, gyr, float(sensor.fs), float(phases.gravity), toe, heel, events,
                           n_points, float(engine.stairs_threshold_m), float(engine.pre_roll_s))
            pitch[here], toe_h[here] = p, h
    axis = np.linspace(0.0, 100.0, n_points)
    return {"side": strides["side"].to_numpy().astype("U5") if len(strides) else
            np.zeros(0, "U5"),
            "stride_id": strides["stride_id"].to_numpy(int) if len(strides) else
            np.zeros(0, int),
            "pitch_deg": pitch.astype(np.float32), "toe_height_m": toe_h.astype(np.float32),
            "cycle_pct": axis, "swing_pct": axis.copy()}
