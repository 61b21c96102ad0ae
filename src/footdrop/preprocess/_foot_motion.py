"""Evidence from ordinary walking for the foot alignment: phases, motion windows, axes.

Stance and motion windows (step 1 of :mod:`footdrop.preprocess.alignment`), the up axis from
the stance gravity (step 2) and the signed mediolateral axis from the gyro principal axis and
three swing cues (step 3). The per-window sums and integrals over the concatenated samples of
the motion windows also serve the left/right check (:mod:`footdrop.preprocess.side_check`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numba import njit

from footdrop.preprocess._axes import horizontal, unit
from footdrop.preprocess.gaps import nan_runs

GRAVITY = 9.80665

_SWING_GYR_DPS = 100.0  # a sample this fast is movement (a swing)
_WALK_MARGIN_S = 1.5  # stance must lie this close to a swing
_STANCE_WINDOW_S = 0.1  # moving window of the stance test
_MIN_STANCE_S = 0.5  # less stance than this: fall back to quiet samples, then to the mean
_WINDOW_S = (0.2, 3.0)  # shortest and longest motion window
MID_SWING = (0.3, 0.7)  # "middle of the swing": this part of each motion window
_MIN_WINDOWS = 3  # fewer motion windows: no heading estimate
_MAX_WINDOWS = 1000  # more motion windows: use an even spread of this many
_SIGN_RATE_DPS = 20.0  # mid-swing rate below this: the swing sign cue is weak


# --------------------------------------------------------------------------------------
# phases


@dataclass
class Phases:
    """Stance, motion windows and where the gravity reading came from."""

    valid: np.ndarray
    stance: np.ndarray
    windows: np.ndarray  # (k, 2) motion windows
    gravity_source: str
    n_gravity: int
    g_norm: float


def _moving_mean(x: np.ndarray, n: int) -> np.ndarray:
    """Centred moving mean of a 1-D array over ``n`` samples, edges padded with the end
    values (``scipy.ndimage.uniform_filter1d(mode="nearest")``), in ``x``'s float type but
    with no float64 copy of a day-long array."""
    x = np.ascontiguousarray(x)
    if x.dtype not in (np.float32, np.float64):
        x = x.astype(np.float64)
    return _running_mean(x, max(int(n), 1))


@njit(cache=True)
def _running_mean(x, n):
    m = x.shape[0]
    out = np.empty_like(x)
    if m == 0:
        return out
    lo = -(n // 2)  # window [k + lo, k + lo + n - 1], indices clamped to the ends
    total = 0.0
    for j in range(lo, lo + n):
        total += x[min(max(j, 0), m - 1)]
    for k in range(m):
        out[k] = total / n
        total += x[min(max(k + lo + n, 0), m - 1)] - x[min(max(k + lo, 0), m - 1)]
    return out


def _dot(v: np.ndarray, u: np.ndarray) -> np.ndarray:
    """``v @ u`` for ``(n, 3)`` samples and one vector."""
    return v[:, 0] * u[0] + v[:, 1] * u[1] + v[:, 2] * u[2]


def _norm(v: np.ndarray) -> np.ndarray:
    return np.sqrt(np.einsum("ij,ij->i", v, v))


def _find_phases(acc: np.ndarray, gyr: np.ndarray, fs: float, stance_gyr_dps: float,
                 valid: np.ndarray) -> Phases:
    # per-sample work in float32, in place where possible: a day at 100 Hz is 8.6 million
    # samples, and every float64 temporary would cost 69 MB
    gn = _norm(gyr).astype(np.float32, copy=False)
    gn[~valid] = 1e4
    an = _norm(acc).astype(np.float32, copy=False)
    an[~valid] = 0.0
    w = max(3, int(round(_STANCE_WINDOW_S * fs)))
    quiet = valid & (_moving_mean(gn, w) < stance_gyr_dps)
    g_norm = float(np.median(an[quiet])) if quiet.sum() > 10 else GRAVITY
    am = _moving_mean(an, w)
    var = _moving_mean(np.square(an, out=an), w)  # an is not needed after this
    del an
    var -= am * am
    np.maximum(var, 0.0, out=var)
    still = quiet & (np.sqrt(var, out=var) < 0.1 * g_norm)
    del var
    am -= g_norm
    still &= np.abs(am, out=am) < 0.1 * g_norm
    del am
    swing = valid & (gn > _SWING_GYR_DPS)
    del gn
    near = 2 * int(round(_WALK_MARGIN_S * fs)) + 1
    walk = _moving_mean(swing.astype(np.float32), near) > 0.5 / near
    stance = still & walk
    windows = _motion_windows(stance, walk & valid, fs)

    min_n = max(int(_MIN_STANCE_S * fs), 5)
    if stance.sum() >= min_n:
        source, mask = "stance", stance
    elif still.sum() >= min_n:
        source, mask = "still samples", still
    else:
        source, mask = "mean acceleration", valid
    return Phases(valid, mask, windows, source, int(mask.sum()), g_norm)


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
class Windowed:
    """Samples of all motion windows, concatenated."""

    idx: np.ndarray  # sample index
    wid: np.ndarray  # window number
    rel: np.ndarray  # position within the window, 0..1
    starts: np.ndarray  # position of each window's first sample in idx
    n_windows: int


def windowed(windows: np.ndarray) -> Windowed:
    """The samples of the ``(k, 2)`` motion ``windows``, concatenated."""
    lengths = windows[:, 1] - windows[:, 0]
    k = len(windows)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if k else np.zeros(0, int)
    wid = np.repeat(np.arange(k), lengths)
    offset = np.arange(int(lengths.sum())) - starts[wid] if k else np.zeros(0, int)
    idx = windows[wid, 0] + offset if k else np.zeros(0, int)
    rel = offset / lengths[wid] if k else np.zeros(0)
    return Windowed(idx, wid, rel, starts, k)


def window_sum(values: np.ndarray, w: Windowed) -> np.ndarray:
    """Per-window sums of per-sample ``values`` (1-D or (n, m))."""
    return np.add.reduceat(values, w.starts, axis=0)


def window_integral(rates: np.ndarray, w: Windowed, fs: float) -> np.ndarray:
    """Integral of ``rates`` (samples of the windows) from each window's start, in deg."""
    cs = np.cumsum(rates, axis=0) / fs
    start_value = cs[w.starts] - rates[w.starts] / fs
    return cs - start_value[w.wid]


# --------------------------------------------------------------------------------------
# estimation


@dataclass
class Estimate:
    """What the walking tells about one sensor's axes."""

    up: np.ndarray  # unit up axis, sensor coordinates
    gravity: np.ndarray  # mean acc used for it
    phases: Phases
    ml: np.ndarray | None = None  # signed mediolateral (y-left) axis, sensor coordinates
    anisotropy: float = float("nan")
    sign_cues: dict[str, float] = field(default_factory=dict)
    sign_votes: int = 0  # how many of the three sign cues agree with the chosen sign
    tilt_forward: np.ndarray | None = None  # forward axis from the toes-down lean
    windows: np.ndarray | None = None  # motion windows used for the estimates


def estimate(acc: np.ndarray, gyr: np.ndarray, fs: float, stance_gyr_dps: float,
              valid: np.ndarray) -> Estimate:
    """Up and signed mediolateral axes of one sensor from its walking (steps 1–3)."""
    ph = _find_phases(acc, gyr, fs, stance_gyr_dps, valid)
    gravity = acc[ph.stance].mean(axis=0)
    up = unit(gravity)
    est = Estimate(up=up, gravity=gravity, phases=ph)
    if len(ph.windows) < _MIN_WINDOWS:
        return est
    if len(ph.windows) > _MAX_WINDOWS:  # long recordings: an even spread is plenty
        pick = np.unique(np.linspace(0, len(ph.windows) - 1, _MAX_WINDOWS).astype(int))
        est.windows = ph.windows[pick]
    else:
        est.windows = ph.windows

    w = windowed(est.windows)
    g = gyr[w.idx]
    a = acc[w.idx]
    gh = g - np.outer(_dot(g, up), up)
    evals, evecs = np.linalg.eigh(gh.T @ gh)
    ml = unit(horizontal(evecs[:, -1], up))
    est.anisotropy = float(evals[-1] / max(evals[-2], 1e-12))

    # sign cues, each positive when ``ml`` points to the foot's left
    mid = (w.rel >= MID_SWING[0]) & (w.rel < MID_SWING[1])
    rate = _dot(g, ml)
    per_window = window_sum(np.where(mid, rate, 0.0), w) / np.maximum(
        window_sum(mid.astype(float), w), 1
    )
    swing_rate = float(np.median(per_window))  # toes-up: negative about y-left
    pitch = window_integral(rate, w, fs)
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
    lean_vec = horizontal(-(a.mean(axis=0) - gravity), up)
    if np.linalg.norm(lean_vec) > 0.2:
        est.tilt_forward = unit(lean_vec)
    return est
