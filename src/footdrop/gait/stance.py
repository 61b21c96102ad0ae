"""Stance and swing from a foot IMU: zero-velocity detection and mid-stance.

A sample is *still* when the angular-rate magnitude, smoothed over a short window, is low and
the acceleration magnitude is close to gravity; this is the angular-rate energy detector of
Skog et al. (IEEE TBME 2010) in its simplest, threshold form. A *swing* is a run of non-still
samples that is long enough and turns fast enough; shorter or slower movements (rocking on
the foot, weight shifts) stay part of the stance around them. Each swing gets a window from
the mid-stance before it to the mid-stance after it: the stillest sample of the stance
(minimum angular rate, as in Rampp et al., IEEE TBME 2015, and Mariani et al., J Biomech
2010). In walking, consecutive windows share their mid-stance; a long rest between two
swings gets one mid-stance near each end, so no window spans a rest.
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
    swings: np.ndarray  # (k, 2) start/stop of each swing (moving samples)
    windows: np.ndarray  # (k, 2) mid-stance before and after each swing
    gravity: float  # median |acc| over still samples (m/s²)
    score: np.ndarray  # smoothed |gyr| where still, +inf elsewhere


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
    max_stance_s: float = 0.5,
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
    score = np.where(still, g_s, np.inf)
    windows, keep = stance_windows(score, swings, fs, max_stance_s=max_stance_s)
    return StancePhases(still=still, swings=swings[keep], windows=windows[keep],
                        gravity=gravity, score=score)


def stance_windows(
    score: np.ndarray, swings: np.ndarray, fs: float, *, max_stance_s: float = 0.5
) -> tuple[np.ndarray, np.ndarray]:
    """Mid-stance before and after each swing, and which swings have both.

    ``score`` is the smoothed angular rate where still, +inf elsewhere. In walking,
    consecutive windows share their mid-stance; in a stance longer than
    ``2 * max_stance_s`` (standing, sitting) each side takes its own mid-stance within
    ``max_stance_s`` of the swing, so no window spans a rest.
    """
    n = score.shape[0]
    stance = np.concatenate([[0], swings.ravel(), [n]]).reshape(-1, 2)
    reach = int(round(max_stance_s * fs))
    windows = np.full((swings.shape[0], 2), -1, dtype=np.int64)
    for i, (s, e) in enumerate(stance):  # one per stance phase, not per sample
        long = (e - s) > 2 * reach
        if i > 0:  # end of the window of swing i-1
            windows[i - 1, 1] = _argmin(score, s, s + reach if long else e)
        if i < swings.shape[0]:  # start of the window of swing i
            windows[i, 0] = _argmin(score, e - reach if long else s, e)
    return windows, (windows >= 0).all(axis=1)


def _argmin(score: np.ndarray, lo: int, hi: int) -> int:
    seg = score[lo:hi]
    if seg.size == 0 or not np.isfinite(seg).any():
        return -1
    return lo + int(np.argmin(seg))


def _run_max(x: np.ndarray, runs: np.ndarray) -> np.ndarray:
    """Maximum of ``x`` over each ``[start, stop)`` run (runs sorted, disjoint)."""
    idx = runs.ravel()
    red = np.maximum.reduceat(x, idx[idx < x.size]) if idx.size else np.array([])
    return red[::2][: runs.shape[0]]


def _run_any(mask: np.ndarray, runs: np.ndarray) -> np.ndarray:
    counts = np.concatenate([[0], np.cumsum(mask)])
    return (counts[runs[:, 1]] - counts[runs[:, 0]]) > 0
