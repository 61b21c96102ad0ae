"""Stance and swing from a foot IMU: zero-velocity detection and mid-stance.

A sample is *still* when the angular-rate magnitude, smoothed over a short window, is low and
the acceleration magnitude is close to gravity; this is the angular-rate energy detector of
Skog et al. (IEEE TBME 2010) in its simplest, threshold form. A *swing* is a run of non-still
samples that is long enough and turns fast enough; shorter or slower movements (rocking on
the foot, weight shifts) stay part of the stance around them, so each stance between two
swings has exactly one mid-stance: its stillest sample (minimum angular rate, as in
Rampp et al., IEEE TBME 2015, and Mariani et al., J Biomech 2010).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from footdrop.preprocess.gaps import nan_runs


@dataclass
class StancePhases:
    """Result of :func:`detect_stance` (sample indices)."""

    still: np.ndarray  # boolean per sample
    swings: np.ndarray  # (k, 2) start/stop of each swing
    mid_stance: np.ndarray  # (k + 1,) one per stance, before, between and after the swings
    gravity: float  # median |acc| over still samples (m/s²)


def detect_stance(
    acc: np.ndarray,
    gyr: np.ndarray,
    fs: float,
    *,
    window_s: float = 0.05,
    still_gyr_dps: float = 45.0,
    still_acc_ms2: float = 2.0,
    min_swing_s: float = 0.15,
    min_swing_peak_dps: float = 100.0,
) -> StancePhases:
    """Find still samples, swings and one mid-stance per stance phase."""
    n = acc.shape[0]
    gnorm = np.linalg.norm(gyr, axis=1)
    anorm = np.linalg.norm(acc, axis=1)
    finite = np.isfinite(gnorm) & np.isfinite(anorm)
    w = max(3, int(round(window_s * fs)))
    g_s = uniform_filter1d(np.where(finite, gnorm, 1e6), w)
    a_s = uniform_filter1d(np.where(finite, anorm, 0.0), w)
    gravity = float(np.median(anorm[finite & (g_s < still_gyr_dps)])) if finite.any() else 9.81
    if not np.isfinite(gravity):
        gravity = 9.81
    still = finite & (g_s < still_gyr_dps) & (np.abs(a_s - gravity) < still_acc_ms2)
    moving = nan_runs(~still)
    if moving.size:
        dur = moving[:, 1] - moving[:, 0]
        peak = _run_max(np.where(finite, gnorm, 0.0), moving)
        is_swing = (dur >= min_swing_s * fs) & (peak >= min_swing_peak_dps)
        touches_gap = _run_any(~finite, moving)  # movement next to missing data: no swing
        swings = moving[is_swing & ~touches_gap & (moving[:, 0] > 0) & (moving[:, 1] < n)]
    else:
        swings = np.empty((0, 2), dtype=np.int64)
    bounds = np.concatenate([[0], swings.ravel(), [n]]).reshape(-1, 2)
    mid = np.empty(bounds.shape[0], dtype=np.int64)
    score = np.where(still, g_s, np.inf)
    for i, (s, e) in enumerate(bounds):  # one per stance phase, not per sample
        seg = score[s:e]
        mid[i] = s + int(np.argmin(seg)) if seg.size and np.isfinite(seg).any() else -1
    return StancePhases(still=still, swings=swings, mid_stance=mid, gravity=gravity)


def _run_max(x: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Maximum of ``x`` over each ``[start, stop)`` run (runs sorted, disjoint)."""
    idx = runs.ravel()
    red = np.maximum.reduceat(x, idx[idx < x.size]) if idx.size else np.array([])
    return red[::2][: runs.shape[0]]


def _run_any(mask: np.ndarray, runs: np.ndarray) -> np.ndarray:
    counts = np.concatenate([[0], np.cumsum(mask)])
    return (counts[runs[:, 1]] - counts[runs[:, 0]]) > 0
