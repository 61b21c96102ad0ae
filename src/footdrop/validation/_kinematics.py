"""Small rigid-body and signal helpers shared by the motion-capture reference and the geometry fit.

Conventions: marker arrays are ``(n, 3)`` in metres in the lab frame with z up. A foot's
*marker frame* has its origin at the heel marker, x along heel → toe marker, z perpendicular to
the plane of the heel, toe and lateral (5th metatarsal) markers pointing up, y = z × x (to the
left). Rotation matrices are stored as ``(n, 3, 3)`` with the frame's axes as columns, so
``R @ v_local`` is a lab vector.
"""

from __future__ import annotations

import numpy as np
from scipy.signal import butter, filtfilt


def runs(mask: np.ndarray) -> np.ndarray:
    """``(k, 2)`` array of ``[start, stop)`` index pairs of the True runs of a boolean array."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    d = np.diff(m.astype(np.int8))
    return np.stack([np.flatnonzero(d == 1), np.flatnonzero(d == -1)], axis=1)


def fill_gaps(x: np.ndarray, max_gap: int) -> np.ndarray:
    """Linearly interpolate NaN runs of at most ``max_gap`` samples per column (not at the ends)."""
    x = np.array(x, dtype=float, copy=True)
    cols = x.reshape(len(x), -1)
    for c in range(cols.shape[1]):
        col = cols[:, c]
        bad = ~np.isfinite(col)
        if not bad.any() or bad.all():
            continue
        good = np.flatnonzero(~bad)
        for a, b in runs(bad):
            if b - a <= max_gap and a > 0 and b < len(col):
                col[a:b] = np.interp(np.arange(a, b), good, col[good])
    return x


def lowpass(x: np.ndarray, cutoff_hz: float, fs: float, order: int = 4) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0 (needs finite input)."""
    b, a = butter(order, cutoff_hz / (fs / 2.0))
    return filtfilt(b, a, x, axis=0)


def foot_frame(heel: np.ndarray, toe: np.ndarray, lateral: np.ndarray, side: str) -> np.ndarray:
    """Marker frame of one foot, ``(n, 3, 3)``: x heel → toe, z up out of the marker plane, y left.

    ``lateral`` is the marker on the outside of the foot (5th metatarsal head): to the left of the
    heel–toe line on the left foot, to the right on the right foot.
    """
    x = toe - heel
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    a = lateral - heel
    z = np.cross(x, a) if side == "left" else np.cross(a, x)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    y = np.cross(z, x)
    return np.stack([x, y, z], axis=2)


def to_local(R: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Lab vectors ``(n, 3)`` expressed in the frames ``R`` ``(n, 3, 3)``."""
    return np.einsum("nji,nj->ni", R, v)


def to_lab(R: np.ndarray, v_local: np.ndarray) -> np.ndarray:
    """A constant local vector (3,) or local vectors (n, 3) expressed in the lab frame."""
    if v_local.ndim == 1:
        return np.einsum("nij,j->ni", R, v_local)
    return np.einsum("nij,nj->ni", R, v_local)


def orthonormalize(A: np.ndarray) -> np.ndarray:
    """Nearest rotation matrix to ``A`` (SVD)."""
    U, _, Vt = np.linalg.svd(A)
    D = np.diag([1.0, 1.0, np.sign(np.linalg.det(U @ Vt))])
    return U @ D @ Vt


def sole_frame(R: np.ndarray) -> np.ndarray:
    """Foot frame with z vertical: x the horizontal projection of the marker x-axis, y left."""
    x = R[:, :, 0].copy()
    x[:, 2] = 0.0
    x = x / np.linalg.norm(x, axis=1, keepdims=True)
    z = np.zeros_like(x)
    z[:, 2] = 1.0
    return np.stack([x, np.cross(z, x), z], axis=2)


def pitch_deg(heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Angle of the heel → toe vector above the horizontal, in degrees (toes up positive)."""
    d = toe - heel
    return np.degrees(np.arctan2(d[:, 2], np.linalg.norm(d[:, :2], axis=1)))


def heading_deg(heel: np.ndarray, toe: np.ndarray) -> np.ndarray:
    """Horizontal direction of the heel → toe vector in the lab, in degrees."""
    d = toe - heel
    return np.degrees(np.arctan2(d[:, 1], d[:, 0]))


def speed_xy(p: np.ndarray, fs: float) -> np.ndarray:
    """Horizontal speed by central differences."""
    return np.linalg.norm(np.gradient(p[:, :2], axis=0), axis=1) * fs


def crossing(y: np.ndarray, i: int, level: float) -> float:
    """Fractional index where ``y`` crosses ``level`` between samples ``i - 1`` and ``i``."""
    a, b = y[i - 1], y[i]
    if not (np.isfinite(a) and np.isfinite(b)) or a == b:
        return float(i)
    return float(np.clip((i - 1) + (level - a) / (b - a), i - 1, i))


def parabolic_min(y: np.ndarray, j: int) -> float:
    """Fractional index of the minimum of ``y`` near sample ``j`` (3-point parabola)."""
    if j <= 0 or j >= len(y) - 1:
        return float(j)
    a, b, c = y[j - 1], y[j], y[j + 1]
    den = a - 2 * b + c
    return float(j + (0.5 * (a - c) / den if den > 0 else 0.0))


def interp_at(t_s: float, y: np.ndarray, fs: float) -> float:
    """Linear interpolation of a sampled signal at time ``t_s`` (s); NaN outside."""
    if not np.isfinite(t_s):
        return float("nan")
    return float(np.interp(t_s * fs, np.arange(len(y)), y, left=np.nan, right=np.nan))
