"""Mounting alignment: rotate foot IMUs from their own axes into the foot frame.

The foot frame is that of CONTRACT.md (gaitmap convention): x forward along the sole, y to
the left for both feet, z up; acc_z ≈ +9.81 m/s² with the foot flat and still. Nothing here
needs a standing period: everything is found from ordinary walking. Only the ``left_foot``
and ``right_foot`` sensors are aligned; other sensors keep their axes and ``frame``.

Method
------
1. **Phases.** Stance samples have a low angular rate (0.1 s mean of |gyr| below
   ``stance_gyr_dps``) and a steady |acc| within 10 % of the sensor's own gravity reading,
   within 1.5 s of a swing (|gyr| > 100 deg/s), so that sitting or standing far from walking
   does not count. Motion windows are the runs between two stance periods (0.2–3 s:
   push-off, swing and loading of one stride).
2. **Up.** The mean stance acceleration. With too little stance, all still samples are used;
   with none, the mean acceleration (``gravity_source`` says which).
3. **Mediolateral axis.** The principal axis of the angular rate in the motion windows,
   projected on the horizontal plane (the foot's pitch rotation dominates). Its sign comes
   from the swing: in the middle of each motion window the foot turns toes-up, a negative
   rate about the foot's y axis (with y to the left, a positive rotation about y lowers the
   toes). Two more cues are checked and reported: the mean pitch over the window is
   toes-down (the integrated rate about y is positive), and so the mean acceleration leans
   towards -x. On the labelled real recordings (gaitmap example and MS example, both feet;
   Voisard subjects 1–10, 58 trials × 2 feet: 120 sides) all three cues had the expected
   sign on all 120 sides; the mid-swing rate was at least 131 deg/s in size.
4. **Heading estimate.** The gyro principal axis is not quite the foot's y axis: on the real
   data it lies towards the toe-out side (seen from above: left foot clockwise, right foot
   counter-clockwise; mean −11° and +13° relative to the device axes, spread about ±12°;
   gaitmap example −17°/+20°). The estimate of the foot y axis is therefore the principal
   axis turned back by 12° (``_ML_OFFSET_DEG``). Its error is still about ±15°.
5. **Snap.** The estimated rotation (y from 4, z up, x = y × z) is snapped to the nearest of
   the 24 proper signed axis permutations of the device. A sensor mounted roughly along the
   foot's axes thus keeps its own axes exactly: ``imu_sample_not_rotated.csv`` of the gaitmap
   example comes out as ``imu_sample.csv`` with ``level="none"``, and the imprecise heading
   estimate cannot turn a well-mounted sensor.
6. **Yaw.** The residual yaw of the snapped y axis from the estimate is reported
   (``residual_yaw_deg``). With ``heading="auto"`` (default) it is corrected when it exceeds
   ``max_yaw_deg`` (35°: a sensor strapped diagonally) and the rotation axis is clear
   (principal/second eigenvalue ≥ 3); ``"snap"`` never corrects, ``"estimate"`` always
   does. Above ``warn_yaw_deg`` (25°) a warning is given. On the real data the residual was
   at most 32° (median 8°), so nothing was corrected; 6 of 116 Voisard sides were warned.
7. **Level.** ``level="pitch"`` (default) rotates about the foot y axis until the stance
   gravity has no x component (the sole's x axis is horizontal at foot flat) and keeps the
   mounting roll; ``"full"`` also removes the roll (stance gravity exactly on +z);
   ``"none"`` keeps the snapped axes. The gaitmap example's sensors sit on the lateral side
   of the shoe with ~15° of roll, which the gaitmap frame keeps: ``"pitch"`` reproduces it
   (per-channel correlation ≥ 0.994), ``"full"`` does not (acc_y 0.88, gyr_z 0.71). The
   Voisard instep sensors are pitched 19–46° nose-up (levelled out by either mode) and
   rolled up to 25°, so with ``"pitch"`` their stance acc_z can read as little as 0.93 g;
   use ``"full"`` where acc_z itself must read g in stance.
8. **Declared frames.** A sensor declared to be in the foot frame (``frame == "foot"``) whose
   snapped mapping is not the identity is reported, by name when it is upside down (z
   pointed down in stance) or back to front (x pointed backwards), and corrected.

Left/right check
----------------
With y to the left for both feet, mirror-symmetric motion gives the same sign of gyr_y but
opposite signs of gyr_x, gyr_z and acc_y. In a frame built from the motion alone (stance
gravity on z, gyro principal axis on y, so independent of the mounting), three mirror-odd
features are taken per foot, as medians over the motion windows without turns (|yaw| > 20°
within the window): the mean roll angle (the foot tilts onto its outer edge, "inverts", in
swing: negative for a left foot), the mean product gyr_x·acc_x (positive for a left foot)
and acc_y in mid-swing (negative for a left foot). Each is divided by its typical size and
the three are summed into a ``side_score``: positive means "moves like a left foot".

On the labelled real data the score had the sign of its label on 108 of 120 sides (left
55/60, right 53/60; one Voisard side had too few straight strides to score). Four of the 11
misses are Voisard trials 4-1 and 4-2, where every feature contradicts the labels of both
feet with a clear margin (scores −2.7/+6.0 and −3.9/+5.2): the sensors were very likely worn
on the other feet in those two trials. The other misses (6-3 and 6-4 both feet, 6-5 left,
6-6 right, 9-1 right) have small scores. The verdict is "swapped" only when both feet
contradict their labels by more than ``side_margin`` (default 1.0), "consistent" when both
agree by that margin, "cannot tell" otherwise. On the real recordings: swapped 2 (4-1, 4-2),
consistent 42, cannot tell 16 of 60. Nothing is swapped automatically; a warning is given.

All estimation is vectorised numpy over samples; the only Python loops run over the 24
candidate axis permutations. One hour of two-foot 204.8 Hz data takes about 0.4–0.6 s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.ndimage import uniform_filter1d
from scipy.spatial.transform import Rotation

from footdrop.errors import ConfigError
from footdrop.preprocess.gaps import nan_runs
from footdrop.recording import FOOT_PLACEMENTS, Recording, Sensor

__all__ = [
    "HEADINGS",
    "LEVELS",
    "FootAlignment",
    "align_to_foot",
    "mapping_text",
    "side_verdict",
    "signed_permutations",
]

GRAVITY = 9.80665
LEVELS = ("pitch", "full", "none")
HEADINGS = ("auto", "snap", "estimate")

_SWING_GYR_DPS = 100.0  # a sample this fast is movement (a swing)
_WALK_MARGIN_S = 1.5  # stance must lie this close to a swing
_STANCE_WINDOW_S = 0.1  # moving window of the stance test
_MIN_STANCE_S = 0.5  # less stance than this: fall back to quiet samples, then to the mean
_WINDOW_S = (0.2, 3.0)  # shortest and longest motion window
_MID = (0.3, 0.7)  # "middle of the swing": this part of each motion window
_MIN_WINDOWS = 3  # fewer motion windows: no heading estimate
_MAX_WINDOWS = 1000  # more motion windows: use an even spread of this many
_MIN_SIDE_WINDOWS = 5  # fewer straight motion windows: no left/right verdict
_TURN_DEG = 20.0  # windows turning more than this are left out of the side features
_SIGN_RATE_DPS = 20.0  # mid-swing rate below this: the swing sign cue is weak
_MIN_ANISOTROPY = 3.0  # principal/second eigenvalue needed to correct the heading
_WARN_TILT_DEG = 45.0  # with level="none", a tilt larger than this is worth a warning
#: Heading of the gyro principal axis relative to the foot y axis, measured on the real data
#: (see the module docstring); positive = counter-clockwise seen from above.
_ML_OFFSET_DEG = {"left_foot": -12.0, "right_foot": 12.0}
#: Typical sizes of the three side features on the real data (deg, (deg/s)(m/s²)/100, m/s²).
_SIDE_SCALES = np.array([6.6, 2.4, 1.26])
_AXES = "xyz"


def signed_permutations() -> np.ndarray:
    """The 24 proper (det = +1) signed axis permutations, as ``(24, 3, 3)`` integer arrays."""
    out = []
    for perm in ((0, 1, 2), (0, 2, 1), (1, 0, 2), (1, 2, 0), (2, 0, 1), (2, 1, 0)):
        for signs in np.ndindex(2, 2, 2):
            m = np.zeros((3, 3), dtype=int)
            for row, (col, s) in enumerate(zip(perm, signs, strict=True)):
                m[row, col] = 1 - 2 * s
            if round(np.linalg.det(m)) == 1:
                out.append(m)
    return np.array(out)


_PERMUTATIONS = signed_permutations()


# --------------------------------------------------------------------------------------
# phases


@dataclass
class _Phases:
    valid: np.ndarray
    stance: np.ndarray
    windows: np.ndarray  # (k, 2) motion windows
    gravity_source: str
    n_gravity: int
    g_norm: float


def _moving_mean(x: np.ndarray, n: int) -> np.ndarray:
    return uniform_filter1d(x, size=max(int(n), 1), axis=0, mode="nearest")


def _rotate(v: np.ndarray, rot: np.ndarray) -> np.ndarray:
    """``v @ rot.T`` for ``(n, 3)`` samples, without BLAS (whose threading makes tall-skinny
    products slow and erratic); a NaN anywhere in a row makes the whole row NaN."""
    return v[:, :1] * rot[:, 0] + v[:, 1:2] * rot[:, 1] + v[:, 2:] * rot[:, 2]


def _dot(v: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``v @ u`` for ``(n, 3)`` samples and one vector."""
    return v[:, 0] * u[0] + v[:, 1] * u[1] + v[:, 2] * u[2]


def _norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->i", v, v))


def _find_phases(acc: np.ndarray, gyr: np.ndarray, fs: float, stance_gyr_dps: float,
                 valid: np.ndarray) -> _Phases:
    gn = np.where(valid, _norm(gyr), 1e4)
    an = np.where(valid, _norm(acc), 0.0)
    w = max(3, int(round(_STANCE_WINDOW_S * fs)))
    gm = _moving_mean(gn, w)
    am = _moving_mean(an, w)
    asd = np.sqrt(np.maximum(_moving_mean(an * an, w) - am * am, 0.0))
    quiet = valid & (gm < stance_gyr_dps)
    g_norm = float(np.median(an[quiet])) if quiet.sum() > 10 else GRAVITY
    still = quiet & (np.abs(am - g_norm) < 0.1 * g_norm) & (asd < 0.1 * g_norm)
    swing = valid & (gn > _SWING_GYR_DPS)
    near = 2 * int(round(_WALK_MARGIN_S * fs)) + 1
    walk = _moving_mean(swing.astype(float), near) > 0.5 / near
    stance = still & walk
    windows = _motion_windows(stance, walk & valid, fs)

    min_n = max(int(_MIN_STANCE_S * fs), 5)
    if stance.sum() >= min_n:
        source, mask = "stance", stance
    elif still.sum() >= min_n:
        source, mask = "still samples", still
    else:
        source, mask = "mean acceleration", valid
    return _Phases(valid, mask, windows, source, int(mask.sum()), g_norm)


def _motion_windows(stance: np.ndarray, moving_ok: np.ndarray, fs: float) -> np.ndarray:
    """Runs of movement bounded on both sides by stance."""
    runs = nan_runs(moving_ok & ~stance)
    if len(runs) == 0:
        return runs.reshape(0, 2)
    n = len(stance)
    a, b = runs[:, 0], runs[:, 1]
    ok = (a > 0) & (b < n)
    ok &= stance[np.clip(a - 1, 0, n - 1)] & stance[np.clip(b, 0, n - 1)]
    length = b - a
    ok &= (length >= _WINDOW_S[0] * fs) & (length <= _WINDOW_S[1] * fs)
    return runs[ok]


@dataclass
class _Windowed:
    """Samples of all motion windows, concatenated."""

    idx: np.ndarray  # sample index
    wid: np.ndarray  # window number
    rel: np.ndarray  # position within the window, 0..1
    starts: np.ndarray  # position of each window's first sample in idx
    n_windows: int


def _windowed(windows: np.ndarray) -> _Windowed:
    lengths = windows[:, 1] - windows[:, 0]
    k = len(windows)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if k else np.zeros(0, int)
    wid = np.repeat(np.arange(k), lengths)
    offset = np.arange(int(lengths.sum())) - starts[wid] if k else np.zeros(0, int)
    idx = windows[wid, 0] + offset if k else np.zeros(0, int)
    rel = offset / lengths[wid] if k else np.zeros(0)
    return _Windowed(idx, wid, rel, starts, k)


def _window_sum(values: np.ndarray, w: _Windowed) -> np.ndarray:
    """Per-window sums of per-sample ``values`` (1-D or (n, m))."""
    return np.add.reduceat(values, w.starts, axis=0)


def _window_integral(rates: np.ndarray, w: _Windowed, fs: float) -> np.ndarray:
    """Integral of ``rates`` (samples of the windows) from each window's start, in deg."""
    cs = np.cumsum(rates, axis=0) / fs
    start_value = cs[w.starts] - rates[w.starts] / fs
    return cs - start_value[w.wid]


# --------------------------------------------------------------------------------------
# estimation


@dataclass
class _Estimate:
    up: np.ndarray  # unit up axis, sensor coordinates
    gravity: np.ndarray  # mean acc used for it
    phases: _Phases
    ml: np.ndarray | None = None  # signed mediolateral (y-left) axis, sensor coordinates
    anisotropy: float = float("nan")
    sign_cues: dict[str, float] = field(default_factory=dict)
    sign_votes: int = 0  # how many of the three sign cues agree with the chosen sign
    tilt_forward: np.ndarray | None = None  # forward axis from the toes-down lean
    windows: np.ndarray | None = None  # motion windows used for the estimates


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _horizontal(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    return v - np.dot(v, up) * up


def _yaw_between(a: np.ndarray, b: np.ndarray, up: np.ndarray) -> float:
    """Signed angle (deg) from ``a`` to ``b`` about ``up``, counter-clockwise positive."""
    a, b = _horizontal(a, up), _horizontal(b, up)
    return float(np.degrees(np.arctan2(np.dot(np.cross(a, b), up), np.dot(a, b))))


def _rotate_about(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    return Rotation.from_rotvec(np.radians(deg) * _unit(axis)).apply(v)


def _estimate(acc: np.ndarray, gyr: np.ndarray, fs: float, stance_gyr_dps: float,
              valid: np.ndarray) -> _Estimate:
    ph = _find_phases(acc, gyr, fs, stance_gyr_dps, valid)
    gravity = acc[ph.stance].mean(axis=0)
    up = _unit(gravity)
    est = _Estimate(up=up, gravity=gravity, phases=ph)
    if len(ph.windows) < _MIN_WINDOWS:
        return est
    if len(ph.windows) > _MAX_WINDOWS:  # long recordings: an even spread is plenty
        pick = np.unique(np.linspace(0, len(ph.windows) - 1, _MAX_WINDOWS).astype(int))
        est.windows = ph.windows[pick]
    else:
        est.windows = ph.windows

    w = _windowed(est.windows)
    g = gyr[w.idx]
    a = acc[w.idx]
    gh = g - np.outer(_dot(g, up), up)
    evals, evecs = np.linalg.eigh(gh.T @ gh)
    ml = _unit(_horizontal(evecs[:, -1], up))
    est.anisotropy = float(evals[-1] / max(evals[-2], 1e-12))

    # sign cues, each positive when ``ml`` points to the foot's left
    mid = (w.rel >= _MID[0]) & (w.rel < _MID[1])
    rate = _dot(g, ml)
    per_window = _window_sum(np.where(mid, rate, 0.0), w) / np.maximum(
        _window_sum(mid.astype(float), w), 1
    )
    swing_rate = float(np.median(per_window))  # toes-up: negative about y-left
    pitch = _window_integral(rate, w, fs)
    mean_pitch = float(pitch.mean())  # toes-down on average: positive
    forward = np.cross(ml, up)
    lean = float(-(a.mean(axis=0) - gravity) @ forward)  # leans toes-down: positive
    cues = {"swing_rate_dps": swing_rate, "mean_pitch_deg": mean_pitch, "lean_mps2": lean}
    votes = np.array([-np.sign(swing_rate), np.sign(mean_pitch), np.sign(lean)])
    if abs(swing_rate) >= _SIGN_RATE_DPS or votes[1] != votes[2]:
        sign = votes[0] if votes[0] != 0 else 1.0
    else:
        sign = votes[1]
    est.ml = sign * ml
    est.sign_cues = {k: round(float(v * sign), 3) for k, v in cues.items()}
    est.sign_votes = int((votes == sign).sum())
    lean_vec = _horizontal(-(a.mean(axis=0) - gravity), up)
    if np.linalg.norm(lean_vec) > 0.2:
        est.tilt_forward = _unit(lean_vec)
    return est


def _snap(r_est: np.ndarray) -> np.ndarray:
    scores = np.einsum("kij,ij->k", _PERMUTATIONS, r_est)
    return _PERMUTATIONS[int(np.argmax(scores))].astype(float)


def _snap_up_only(up: np.ndarray, declared: np.ndarray | None) -> np.ndarray:
    """No heading information: z nearest to up, otherwise closest to ``declared``."""
    ref = np.eye(3) if declared is None else declared
    zs = _PERMUTATIONS[:, 2, :] @ up
    best = zs.max()
    cands = _PERMUTATIONS[zs > best - 1e-9]
    scores = np.einsum("kij,ij->k", cands, ref)
    return cands[int(np.argmax(scores))].astype(float)


def mapping_text(rot: np.ndarray) -> str:
    """``"x←-y, y←z, z←x"``: which sensor axis (and sign) became each foot axis."""
    parts = []
    for i in range(3):
        j = int(np.argmax(np.abs(rot[i])))
        sign = "-" if rot[i, j] < 0 else ""
        parts.append(f"{_AXES[i]}←{sign}{_AXES[j]}")
    return ", ".join(parts)


def _tilt(gravity: np.ndarray) -> dict[str, float]:
    """Elevation (deg) of the x and y axes above the horizontal, given the gravity reading."""
    g = gravity / np.linalg.norm(gravity)
    return {
        "pitch": round(float(np.degrees(np.arcsin(np.clip(g[0], -1.0, 1.0)))), 2),
        "roll": round(float(np.degrees(np.arcsin(np.clip(g[1], -1.0, 1.0)))), 2),
    }


def _flip_kind(snapped: np.ndarray) -> str | None:
    """How a snapped mapping departs from a declared foot frame, or None if it does not."""
    if np.allclose(snapped, np.eye(3)):
        return None
    if snapped[2, 2] == -1:
        return "upside down"
    if snapped[2, 2] == 1:
        return "back to front"
    return "axes permuted"


def _level(r0: np.ndarray, up: np.ndarray, level: str) -> np.ndarray:
    if level == "none":
        return r0
    y0 = r0[1]
    if level == "pitch" and abs(np.dot(y0, up)) < 0.95:
        z = _unit(up - np.dot(up, y0) * y0)
        y = y0
    else:  # full (or pitch with a y axis too close to vertical to pitch about)
        z = up
        y = _unit(_horizontal(y0, up))
    return np.array([np.cross(y, z), y, z])


# --------------------------------------------------------------------------------------
# left/right features


def _side_features(
    acc: np.ndarray, gyr: np.ndarray, fs: float, est: _Estimate
) -> dict[str, Any] | None:
    """Mirror-odd features in a frame built from the motion alone (see module docstring)."""
    if est.ml is None:
        return None
    y = est.ml
    z = est.up
    r = np.array([np.cross(y, z), y, z])
    w = _windowed(est.windows)
    g = _rotate(gyr[w.idx], r)
    a = _rotate(acc[w.idx], r)
    counts = np.bincount(w.wid, minlength=w.n_windows).astype(float)
    angle = _window_integral(g, w, fs)
    net_yaw = _window_sum(g[:, 2], w) / fs
    straight = np.abs(net_yaw) <= _TURN_DEG
    if straight.sum() < _MIN_SIDE_WINDOWS:
        return {"n_windows": int(straight.sum()), "side_score": None}
    roll = _window_sum(angle[:, 0], w) / counts
    gxax = _window_sum(g[:, 0] * a[:, 0], w) / counts / 100.0
    mid = ((w.rel >= _MID[0]) & (w.rel < _MID[1])).astype(float)
    ay = _window_sum(a[:, 1] * mid, w) / np.maximum(_window_sum(mid, w), 1)
    feats = np.array([np.median(roll[straight]), np.median(gxax[straight]),
                      np.median(ay[straight])])
    score = float(np.sum(feats * np.array([-1.0, 1.0, -1.0]) / _SIDE_SCALES))
    return {
        "n_windows": int(straight.sum()),
        "swing_roll_deg": round(float(feats[0]), 2),
        "gyr_x_acc_x": round(float(feats[1]), 3),
        "mid_swing_acc_y_mps2": round(float(feats[2]), 3),
        "side_score": round(score, 2),
    }


def side_verdict(left_score: float | None, right_score: float | None,
                 margin: float = 1.0) -> str:
    """``"consistent"``, ``"swapped"`` or ``"cannot tell"`` from the two side scores."""
    if left_score is None or right_score is None:
        return "cannot tell"
    if left_score > margin and right_score < -margin:
        return "consistent"
    if left_score < -margin and right_score > margin:
        return "swapped"
    return "cannot tell"


# --------------------------------------------------------------------------------------
# public API


class FootAlignment:
    """Rotate the foot sensors of a recording into the foot frame of CONTRACT.md.

    Parameters
    ----------
    level
        ``"pitch"`` (default): level the sole's x axis at foot flat, keep the mounting roll;
        ``"full"``: stance gravity exactly on +z; ``"none"``: keep the snapped device axes.
    heading
        ``"auto"`` (default): keep the snapped device axes unless the estimated residual yaw
        exceeds ``max_yaw_deg`` with a clear rotation axis; ``"snap"``: never correct the
        yaw; ``"estimate"``: always turn to the motion-based heading estimate.
    max_yaw_deg
        Residual yaw (deg) above which ``heading="auto"`` corrects the heading.
    warn_yaw_deg
        Residual yaw (deg) above which a warning is given.
    stance_gyr_dps
        Angular rate (deg/s, 0.1 s mean) below which a sample can be stance.
    check_sides
        Score both feet for left/right plausibility and warn when they look swapped.
    side_margin
        Side score both feet must exceed to call their labels consistent or swapped.

    Attributes
    ----------
    recording_
        Aligned copy of the recording.
    rotations_
        Placement → 3×3 rotation matrix of this step (sensor → foot: ``v_foot = R @ v``).
    report_
        Placement → evidence: the JSON-ready ``Sensor.alignment`` and the left/right verdict.
    side_check_
        Left/right verdict (``"consistent"``, ``"swapped"``, ``"cannot tell"`` or
        ``"not checked"``) and the two side scores.
    """

    def __init__(
        self,
        level: str = "pitch",
        heading: str = "auto",
        max_yaw_deg: float = 35.0,
        warn_yaw_deg: float = 25.0,
        stance_gyr_dps: float = 40.0,
        check_sides: bool = True,
        side_margin: float = 1.0,
    ) -> None:
        self.level = level
        self.heading = heading
        self.max_yaw_deg = max_yaw_deg
        self.warn_yaw_deg = warn_yaw_deg
        self.stance_gyr_dps = stance_gyr_dps
        self.check_sides = check_sides
        self.side_margin = side_margin

    def align(self, recording: Recording) -> FootAlignment:
        """Align the foot sensors of ``recording`` (a copy); other sensors are untouched."""
        if self.level not in LEVELS:
            raise ConfigError(f"unknown alignment level {self.level!r}",
                              fix="use one of " + ", ".join(LEVELS))
        if self.heading not in HEADINGS:
            raise ConfigError(f"unknown alignment heading {self.heading!r}",
                              fix="use one of " + ", ".join(HEADINGS))
        rec = recording.copy()
        self.rotations_: dict[str, np.ndarray] = {}
        self.report_: dict[str, dict[str, Any]] = {}
        scores: dict[str, float | None] = {}
        for placement in FOOT_PLACEMENTS:
            if placement not in rec.sensors:
                continue
            result = self._align_sensor(rec, rec.sensors[placement])
            if result is None:
                continue
            rot, info = result
            self.rotations_[placement] = rot
            if info.get("side_features"):
                scores[placement] = info["side_features"].get("side_score")
            self.report_[placement] = dict(info)
        self.side_check_ = self._check_sides(rec, scores)
        for placement, info in self.report_.items():
            info["side_check"] = self.side_check_["verdict"]
            rec.sensors[placement].alignment["side_check"] = self.side_check_["verdict"]
        self.recording_ = rec
        return self

    # ----------------------------------------------------------------------------------

    def _align_sensor(self, rec: Recording, sensor: Sensor):
        name = sensor.placement
        acc, gyr = sensor.acc, sensor.gyr
        valid = np.isfinite(acc).all(axis=1) & np.isfinite(gyr).all(axis=1)
        if valid.sum() < max(int(sensor.fs), 10):
            rec.warn(f"{name}: too few valid samples to find how the sensor is mounted; "
                     "left in its own axes")
            return None
        declared_foot = sensor.frame == "foot"
        est = _estimate(acc, gyr, sensor.fs, self.stance_gyr_dps, valid)
        up = est.up
        notes: list[str] = []

        # coarse: snap the estimated foot axes to the device axes
        if est.ml is not None:
            ml = est.ml
            if declared_foot and est.sign_votes < 2 and ml[1] < 0:
                ml = -ml
                notes.append("the swing cues disagree on which way is forward, so the "
                             "declared forward direction was kept")
            foot_y = _rotate_about(ml, up, -_ML_OFFSET_DEG.get(name, 0.0))
            snapped = _snap(np.array([np.cross(foot_y, up), foot_y, up]))
        else:
            foot_y = None
            snapped = _snap_up_only(up, np.eye(3) if declared_foot else None)
            notes.append("too little walking to tell which way is forward; "
                         + ("the declared forward direction was kept" if declared_foot
                            else "the sensor's own axes nearest to the foot frame were kept"))

        # heading: residual yaw of the snapped y axis from the estimate
        yaw_est = None
        yaw_applied = 0.0
        if foot_y is not None:
            yaw_est = _yaw_between(snapped[1], foot_y, up)
            clear = est.anisotropy >= _MIN_ANISOTROPY
            if self.heading == "estimate" or (
                self.heading == "auto" and abs(yaw_est) > self.max_yaw_deg and clear
            ):
                yaw_applied = yaw_est
        q = Rotation.from_rotvec(np.radians(yaw_applied) * up).as_matrix()
        r0 = snapped @ q.T
        rot = _level(r0, up, self.level)

        mounting = _tilt(r0 @ est.gravity)
        step = Rotation.from_matrix(rot @ r0.T).as_rotvec(degrees=True)  # about foot axes
        residual = _tilt(rot @ est.gravity)
        flip = _flip_kind(snapped) if declared_foot else None
        info: dict[str, Any] = {
            "method": "stance gravity + gyro principal axis, snapped to the device axes",
            "level": self.level,
            "heading": self.heading,
            "input_frame": sensor.frame,
            "rotation": np.round(rot, 6).tolist(),
            "snapped_rotation": snapped.astype(int).tolist(),
            "axis_mapping": mapping_text(snapped),
            "flip": flip,
            "gravity_source": est.phases.gravity_source,
            "n_gravity_samples": est.phases.n_gravity,
            "n_motion_windows": int(len(est.phases.windows)),
            "gravity_sensor_mps2": [round(float(v), 4) for v in est.gravity],
            "mounting_tilt_deg": mounting,
            "levelling_rotation_deg": [round(float(v), 2) for v in step],
            "residual_tilt_deg": residual,
            "yaw_correction_deg": round(float(yaw_applied), 2),
            "residual_yaw_deg": None if yaw_est is None else round(yaw_est - yaw_applied, 1),
            "gyro_axis_anisotropy": None if foot_y is None else round(est.anisotropy, 2),
            "sign_cues": est.sign_cues,
            "sign_cues_agreeing": est.sign_votes if foot_y is not None else None,
        }
        if est.tilt_forward is not None:
            info["lean_heading_deg"] = round(_yaw_between(rot[0], est.tilt_forward, up), 1)
        if sensor.alignment and "rotation" in sensor.alignment:
            before = np.asarray(sensor.alignment.get("rotation_from_device",
                                                     sensor.alignment["rotation"]))
            info["rotation_from_device"] = np.round(rot @ before, 6).tolist()
        if self.check_sides:
            info["side_features"] = _side_features(acc, gyr, sensor.fs, est)
        self._warn(rec, name, info, declared_foot, notes)

        sensor.acc = _rotate(acc, rot)
        sensor.gyr = _rotate(gyr, rot)
        if sensor.mag is not None:
            sensor.mag = _rotate(sensor.mag, rot)
        sensor.frame = "foot"
        sensor.alignment = info
        return rot, info

    def _warn(self, rec: Recording, name: str, info: dict[str, Any], declared_foot: bool,
              notes: list[str]) -> None:
        mapping = info["axis_mapping"]
        if declared_foot and info["flip"]:
            what = {"upside down": "the sensor is upside down (its z axis pointed down "
                                   "in stance)",
                    "back to front": "the sensor is back to front (its x axis pointed "
                                     "backwards)"}.get(info["flip"], "its axes do not match")
            head = (f"{name}: the data were declared to be in the foot frame, but {what}; "
                    f"remapped ({mapping})")
        elif mapping == "x←x, y←y, z←z":
            head = (f"{name}: declared foot frame confirmed" if declared_foot
                    else f"{name}: sensor axes already matched the foot frame")
        else:
            head = f"{name}: sensor axes mapped to the foot frame ({mapping})"
        steps = []
        if info["yaw_correction_deg"]:
            steps.append(f"turned by {abs(info['yaw_correction_deg']):.0f}° about the vertical "
                         "(the sensor looks strapped at an angle)")
        tilt = info["mounting_tilt_deg"]
        step = info["levelling_rotation_deg"]
        if self.level != "none":
            words = []
            if abs(step[1]) >= 0.05:
                words.append(f"{abs(step[1]):.1f}° in pitch (its x axis pointed "
                             f"{'up' if tilt['pitch'] > 0 else 'down'} at foot flat)")
            if self.level == "full" and abs(step[0]) >= 0.05:
                words.append(f"{abs(step[0]):.1f}° in roll (its y axis pointed "
                             f"{'up' if tilt['roll'] > 0 else 'down'})")
            steps.append("levelled by " + " and ".join(words) if words else "already level")
        text = head + (", then " + ", then ".join(steps) if steps else "")
        if info["gravity_source"] != "stance":
            text += f"; gravity taken from the {info['gravity_source']} (little walking found)"
        info["description"] = text[len(name) + 2:]
        rec.warn(text)
        for note in notes:
            rec.warn(f"{name}: {note}")
        yaw = info["residual_yaw_deg"]
        turned = None if yaw is None else yaw + info["yaw_correction_deg"]
        if turned is not None and abs(turned) > self.warn_yaw_deg:
            if info["yaw_correction_deg"]:
                did = "the heading was corrected"
            elif self.heading == "snap":
                did = "not corrected (heading='snap')"
            elif abs(turned) > self.max_yaw_deg:
                did = "not corrected: the foot's rotation axis is too unclear"
            else:
                did = f"not corrected (below {self.max_yaw_deg:.0f}°; the estimate is ±15°)"
            rec.warn(f"{name}: the sensor may be turned by about {abs(turned):.0f}° about the "
                     f"vertical from the foot's long axis; {did}")
        if self.level == "none":
            worst = max(abs(v) for v in info["residual_tilt_deg"].values())
            if worst > _WARN_TILT_DEG:
                rec.warn(f"{name}: the sensor is tilted by {worst:.0f}° from level and "
                         "level='none' keeps that tilt")
        if info["sign_cues_agreeing"] is not None and info["sign_cues_agreeing"] < 2:
            rec.warn(f"{name}: which way is forward is uncertain (the swing cues disagree)")

    def _check_sides(self, rec: Recording, scores: dict[str, float | None]) -> dict[str, Any]:
        left, right = scores.get("left_foot"), scores.get("right_foot")
        out = {"verdict": side_verdict(left, right, self.side_margin),
               "left_score": left, "right_score": right, "margin": self.side_margin}
        if not self.check_sides or not {"left_foot", "right_foot"} <= set(self.rotations_):
            out["verdict"] = "not checked"
        elif out["verdict"] == "swapped":
            rec.warn("left and right look swapped: the left_foot sensor moves like a right foot "
                     f"(side score {left:+.1f}) and the right_foot sensor like a left foot "
                     f"({right:+.1f}); check which sensor was worn on which foot. "
                     "Nothing was swapped")
        return out


def align_to_foot(recording: Recording, **params: Any) -> Recording:
    """Aligned copy of ``recording``; ``params`` are those of :class:`FootAlignment`."""
    return FootAlignment(**params).align(recording).recording_
