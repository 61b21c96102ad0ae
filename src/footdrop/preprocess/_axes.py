"""Axis and rotation helpers of the foot alignment (:mod:`footdrop.preprocess.alignment`).

The 24 proper signed axis permutations and snapping an estimated rotation to the nearest of
them (step 5 of the method), yaw about the vertical (step 6), levelling (step 7), how a
snapped mapping departs from a declared foot frame (step 8) and how it reads, and the vector
helpers these and the estimation share.
"""

from __future__ import annotations

import numpy as np
from numba import njit
from scipy.spatial.transform import Rotation

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
# vectors


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def horizontal(v: np.ndarray, up: np.ndarray) -> np.ndarray:
    return v - np.dot(v, up) * up


def yaw_between(a: np.ndarray, b: np.ndarray, up: np.ndarray) -> float:
    """Signed angle (deg) from ``a`` to ``b`` about ``up``, counter-clockwise positive."""
    a, b = horizontal(a, up), horizontal(b, up)
    return float(np.degrees(np.arctan2(np.dot(np.cross(a, b), up), np.dot(a, b))))


def rotate_about(v: np.ndarray, axis: np.ndarray, deg: float) -> np.ndarray:
    return Rotation.from_rotvec(np.radians(deg) * unit(axis)).apply(v)


def rotate(v: np.ndarray, rot: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """``v @ rot.T`` for ``(n, 3)`` samples, row by row with no temporary arrays (``out`` may
    be ``v`` itself); a NaN anywhere in a row makes the whole row NaN."""
    v = np.asarray(v)
    v = np.ascontiguousarray(v, dtype=v.dtype if v.dtype == np.float32 else np.float64)
    if out is None:
        out = np.empty_like(v)
    _rotate_rows(v, np.ascontiguousarray(rot, dtype=float), out)
    return out


@njit(cache=True)
def _rotate_rows(v, rot, out):
    for k in range(v.shape[0]):
        x, y, z = v[k, 0], v[k, 1], v[k, 2]
        for i in range(3):
            out[k, i] = rot[i, 0] * x + rot[i, 1] * y + rot[i, 2] * z


# --------------------------------------------------------------------------------------
# axis permutations and levelling


def snap(r_est: np.ndarray) -> np.ndarray:
    scores = np.einsum("kij,ij->k", _PERMUTATIONS, r_est)
    return _PERMUTATIONS[int(np.argmax(scores))].astype(float)


def snap_up_only(up: np.ndarray, declared: np.ndarray | None) -> np.ndarray:
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


def tilt_angles(gravity: np.ndarray) -> dict[str, float]:
    """Elevation (deg) of the x and y axes above the horizontal, given the gravity reading."""
    g = gravity / np.linalg.norm(gravity)
    return {
        "pitch": round(float(np.degrees(np.arcsin(np.clip(g[0], -1.0, 1.0)))), 2),
        "roll": round(float(np.degrees(np.arcsin(np.clip(g[1], -1.0, 1.0)))), 2),
    }


def flip_kind(snapped: np.ndarray) -> str | None:
    """How a snapped mapping departs from a declared foot frame, or None if it does not."""
    if np.allclose(snapped, np.eye(3)):
        return None
    if snapped[2, 2] == -1:
        return "upside down"
    if snapped[2, 2] == 1:
        return "back to front"
    return "axes permuted"


def level_rotation(r0: np.ndarray, up: np.ndarray, level: str) -> np.ndarray:
    if level == "none":
        return r0
    y0 = r0[1]
    if level == "pitch" and abs(np.dot(y0, up)) < 0.95:
        z = unit(up - np.dot(up, y0) * y0)
        y = y0
    else:  # full (or pitch with a y axis too close to vertical to pitch about)
        z = up
        y = unit(horizontal(y0, up))
    return np.array([np.cross(y, z), y, z])
