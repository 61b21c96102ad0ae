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
from numba import njit


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
    max_stance_s: float = 1.5,
    min_toes_up_dps: float = 50.0,
    min_still_s: float = 0.03,
    max_hover_s: float = 0.15,
    hover_pitch_deg: float = 20.0,
) -> StancePhases:
    """Find still samples, swings and one mid-stance per stance phase.

    A swing must also turn the foot toes-up (gyr_y below ``-min_toes_up_dps``, foot frame):
    every real swing brings the foot back from its heel-up toe-off, whereas the roll-over
    onto a flat foot after a landing turns it toes-down only.

    A still run shorter than ``min_still_s`` is movement: a slow swing with a dropped foot
    (0.3 m/s) can carry the foot forward for 20-40 ms without turning, and a zero-velocity
    update there would cut the stride short.

    A still run shorter than ``max_hover_s`` whose acceleration points more than
    ``hover_pitch_deg`` away from the standing foot's, in the sagittal plane, is movement too:
    the foot is not flat on the floor there. A slow foot (first and last steps, turns)
    decelerates just above the floor before it lands; a foot gliding, or braking gently,
    turns no faster and feels little more than gravity, so the rate and magnitude tests
    alone take the glide for a stance, and the landing after it for a swing of its own (the
    detectors compared by Skog et al. test that the foot turns slowly and feels gravity
    alone, so none of them can tell such a glide from rest). The sole is flat in a stance (a ramp
    tilts it a few degrees). On the Voisard recordings, 165 of the 170 still runs shorter
    than 0.15 s that were the only stance between two swings lay within 16° of flat; the
    other 5 (22-49°: the foot pitched and braking) were all glides, followed 20-90 ms
    after their end by the landing impact where the annotations put the heel strike.
    """
    w = max(3, int(round(window_s * fs)))
    gnorm, anorm, g_s, a_s = _smoothed_norms(acc, gyr, w)
    quiet = np.isfinite(anorm) & (g_s < still_gyr_dps)
    # (medians from at most ~20 000 of the quiet samples: a day has millions)
    step = max(1, int(np.count_nonzero(quiet)) // 20000)
    q = np.flatnonzero(quiet[::step]) * step
    gravity = float(np.median(anorm[q])) if q.size else 9.81
    # sagittal direction of the acceleration (deg) of the standing foot
    flat = (float(np.degrees(np.median(np.arctan2(acc[q, 0], acc[q, 2]))))
            if q.size else 0.0)
    still, swings = _swings(gnorm, anorm, g_s, a_s, np.ascontiguousarray(gyr[:, 1]), gravity,
                            still_gyr_dps, still_acc_ms2, int(round(min_swing_s * fs)),
                            min_swing_peak_dps, min_toes_up_dps, int(round(1.5 * fs)),
                            max(1, int(round(min_still_s * fs))), acc,
                            int(round(max_hover_s * fs)), flat, hover_pitch_deg)
    score = np.where(still, g_s, np.float32(np.inf))
    windows, keep = stance_windows(score, swings, fs, max_stance_s=max_stance_s)
    return StancePhases(still=still, swings=swings[keep], windows=windows[keep],
                        gravity=gravity, score=score)


@njit(cache=True)
def _smoothed_norms(acc, gyr, w):
    """|gyr|, |acc| and their centred moving means over ``w`` samples (NaN-aware).

    float32 outputs (a day at 100 Hz is 8.6 million samples); the moving sums run in
    float64 and are updated sample by sample, without cumulative-sum arrays.
    """
    n = acc.shape[0]
    gnorm = np.empty(n, dtype=np.float32)
    anorm = np.empty(n, dtype=np.float32)
    for k in range(n):
        gnorm[k] = np.sqrt(gyr[k, 0] ** 2 + gyr[k, 1] ** 2 + gyr[k, 2] ** 2)
        anorm[k] = np.sqrt(acc[k, 0] ** 2 + acc[k, 1] ** 2 + acc[k, 2] ** 2)
    g_s = np.empty(n, dtype=np.float32)
    a_s = np.empty(n, dtype=np.float32)
    half = w // 2
    sg = 0.0
    sa = 0.0
    lo = 0
    hi = 0
    for k in range(n):
        new_lo = max(0, k - half)
        new_hi = min(n, k - half + w)
        while hi < new_hi:
            ok = np.isfinite(gnorm[hi]) and np.isfinite(anorm[hi])
            sg += gnorm[hi] if ok else 1e6  # missing data is never still
            sa += anorm[hi] if ok else 0.0
            hi += 1
        while lo < new_lo:
            ok = np.isfinite(gnorm[lo]) and np.isfinite(anorm[lo])
            sg -= gnorm[lo] if ok else 1e6
            sa -= anorm[lo] if ok else 0.0
            lo += 1
        g_s[k] = sg / (hi - lo)
        a_s[k] = sa / (hi - lo)
    return gnorm, anorm, g_s, a_s


@njit(cache=True)
def _swings(gnorm, anorm, g_s, a_s, gyr_y, gravity, still_gyr, still_acc, min_len, min_peak,
            min_toes_up, long_run, min_still, acc, max_hover, flat_deg, hover_deg):
    """Still mask, and the moving runs that are swings: long and fast enough, bounded by
    still samples on both sides and free of missing data."""
    n = gnorm.shape[0]
    still = np.empty(n, dtype=np.bool_)
    for k in range(n):
        still[k] = (np.isfinite(gnorm[k]) and np.isfinite(anorm[k]) and g_s[k] < still_gyr
                    and abs(a_s[k] - gravity) < still_acc)
    # still runs too short to be a stance are movement; this comes before the long-movement
    # test below, because a fast walker's rolling stance dips below the threshold for one
    # or two samples at a time: the movement is only long once those dips are filled
    _fill_short_still(still, min_still)
    # a movement longer than long_run spans several strides of a fast walker who rolls
    # over the foot without ever going below the still threshold: inside it, take a
    # doubled threshold
    k = 0
    while k < n:
        if still[k]:
            k += 1
            continue
        start = k
        while k < n and not still[k]:
            k += 1
        if k - start > long_run:
            for j in range(start, k):
                still[j] = (np.isfinite(gnorm[j]) and np.isfinite(anorm[j])
                            and g_s[j] < 2.0 * still_gyr and abs(a_s[j] - gravity) < still_acc)
    _fill_short_still(still, min_still)
    # a short still run with the foot far from flat is a glide before a landing, not a stance
    k = 0
    while k < n:
        if not still[k]:
            k += 1
            continue
        start = k
        sx = 0.0
        sz = 0.0
        while k < n and still[k]:
            sx += acc[k, 0]
            sz += acc[k, 2]
            k += 1
        if start > 0 and k < n and k - start < max_hover:
            off = np.arctan2(sx, sz) * 180.0 / np.pi - flat_deg
            if abs(off) > hover_deg:
                for j in range(start, k):
                    still[j] = False
    out = np.empty((n // 2 + 1, 2), dtype=np.int64)
    count = 0
    k = 0
    while k < n:
        if still[k]:
            k += 1
            continue
        start = k
        peak = 0.0
        toes_up = 0.0
        gap = False
        while k < n and not still[k]:
            if np.isfinite(gnorm[k]) and np.isfinite(anorm[k]):
                peak = max(peak, gnorm[k])
                toes_up = min(toes_up, gyr_y[k])
            else:
                gap = True
            k += 1
        if (start > 0 and k < n and not gap and k - start >= min_len and peak >= min_peak
                and toes_up <= -min_toes_up):
            out[count, 0] = start
            out[count, 1] = k
            count += 1
    return still, out[:count].copy()


@njit(cache=True)
def _fill_short_still(still, min_still):
    """Turn still runs shorter than ``min_still`` samples into movement (in place), except
    at the recording's ends."""
    n = still.shape[0]
    k = 0
    while k < n:
        if not still[k]:
            k += 1
            continue
        start = k
        while k < n and still[k]:
            k += 1
        if start > 0 and k < n and k - start < min_still:
            for j in range(start, k):
                still[j] = False


def stance_windows(
    score: np.ndarray, swings: np.ndarray, fs: float, *, max_stance_s: float = 1.5
) -> tuple[np.ndarray, np.ndarray]:
    """Mid-stance before and after each swing, and which swings have both.

    ``score`` is the smoothed angular rate where still, +inf elsewhere. In walking,
    consecutive windows share their mid-stance; in a stance longer than
    ``2 * max_stance_s`` (standing, sitting) each side takes its own mid-stance within
    ``max_stance_s`` of the swing, so no window spans a rest.
    """
    windows = _stance_windows(score, swings, int(round(max_stance_s * fs)))
    return windows, (windows >= 0).all(axis=1)


@njit(cache=True)
def _stance_windows(score, swings, reach):
    n = score.shape[0]
    k = swings.shape[0]
    windows = np.full((k, 2), -1, dtype=np.int64)
    for i in range(k + 1):  # stance i lies between swing i-1 and swing i
        s = 0 if i == 0 else swings[i - 1, 1]
        e = n if i == k else swings[i, 0]
        long = (e - s) > 2 * reach
        if i > 0:
            windows[i - 1, 1] = _argmin(score, s, s + reach if long else e)
        if i < k:
            windows[i, 0] = _argmin(score, e - reach if long else s, e)
    return windows


@njit(cache=True)
def _argmin(score, lo, hi):
    best = -1
    for k in range(max(lo, 0), min(hi, score.shape[0])):
        if np.isfinite(score[k]) and (best < 0 or score[k] < score[best]):
            best = k
    return best
