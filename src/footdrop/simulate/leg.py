"""A two-link leg (thigh, shank) from the hip-joint centre to the ankle joint.

The knee solves the inverse kinematics in the plane through the hip, the ankle and a given
forward direction, bending forwards. Near full extension the knee angle is ill-conditioned
(the whole range 0–5° changes the hip–ankle distance by under 1 mm) while the pelvis is a
smooth model, not a leg-length-exact one. ``y = 1 − cos(knee)`` of the exact solution is
therefore passed through a softplus, ``y' = y_min + s · log(1 + exp((y − y_min) / s))``
with ``y_min = 1 − cos 2°`` and ``s = 0.02``: within 0.5° above 20° of flexion, a leg that would
have to stretch keeps a nearly straight knee, and the knee decelerates smoothly into
extension (at terminal swing) instead of stopping dead. The thigh then stops short of the
hip by the few millimetres the leg lacks; the shank, which carries the sensor, stays rigid
from the knee to the ankle.
"""

from __future__ import annotations

import numpy as np

MIN_KNEE = np.deg2rad(2.0)
KNEE_SOFTNESS = 0.02  # width of the soft limit, in units of 1 - cos(knee)


def unit(v: np.ndarray) -> np.ndarray:
    """Rows of ``v`` scaled to unit length."""
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def _soft(y: np.ndarray) -> np.ndarray:
    y_min = 1 - np.cos(MIN_KNEE)
    return y_min + KNEE_SOFTNESS * np.logaddexp(0.0, (y - y_min) / KNEE_SOFTNESS)


def reach(thigh: float, shank: float, knee: float) -> float:
    """Hip-to-ankle distance at which :func:`knee_ik` gives the knee flexion ``knee`` (rad,
    above :data:`MIN_KNEE`)."""
    y_min = 1 - np.cos(MIN_KNEE)
    y_eff = 1 - np.cos(knee)
    y = y_min + KNEE_SOFTNESS * np.log(np.expm1((y_eff - y_min) / KNEE_SOFTNESS))
    return float(np.sqrt((thigh + shank) ** 2 - 2 * thigh * shank * y))


def knee_ik(hip: np.ndarray, ankle: np.ndarray, forward: np.ndarray, thigh: float,
            shank: float) -> tuple[np.ndarray, np.ndarray]:
    """Knee positions ``(n, 3)`` and flexions (rad) of the two-link leg from the hip-joint
    centres to the ankles ``(n, 3)``, bending towards ``forward`` ``(n, 3)``."""
    v = ankle - hip
    d = np.linalg.norm(v, axis=-1)
    u = v / d[:, None]
    span = thigh + shank
    y = _soft((span**2 - d**2) / (2 * thigh * shank))  # 1 - cos(knee)
    y = np.minimum(y, 1.9)  # the ankle cannot come closer than |thigh - shank|
    d_eff = np.sqrt(span**2 - 2 * thigh * shank * y)
    a = (d_eff**2 + thigh**2 - shank**2) / (2 * d_eff)
    b = np.sqrt(np.maximum(thigh**2 - a**2, 0.0))
    n = unit(forward - np.sum(forward * u, axis=-1, keepdims=True) * u)
    return hip + a[:, None] * u + b[:, None] * n, np.arccos(1 - y)
