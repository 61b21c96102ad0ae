"""A two-link leg (thigh, shank) from the hip-joint centre to the ankle joint.

The knee lies in the plane through the hip, the ankle and a given forward direction, bending
forwards. Its flexion comes from one of two sources:

* **the inverse kinematics of the hip–ankle distance** (:func:`soft_flexion`), used at rest
  (standing, sitting, weight shifting) and on stairs. Near full extension that angle is
  ill-conditioned (the whole range 0–5° changes the hip–ankle distance by under 1 mm) while
  the pelvis is a smooth model, not a leg-length-exact one. ``y = 1 − cos(knee)`` of the
  exact solution is therefore passed through a softplus,
  ``y' = y_min + s · log(1 + exp((y − y_min) / s))`` with ``y_min = 1 − cos 2°`` and
  ``s = 0.02``: within 0.5° above 20° of flexion, a leg that would have to stretch keeps a
  nearly straight knee;
* **the walking knee curve** of :mod:`.knee`, keyed on the gait events.

Given the flexion, :func:`knee_for_flexion` places the shank: rigid, from the ankle joint (which
the foot model moves) to the knee, turned against the ankle → hip line by the angle that a
thigh and a shank of the body's lengths make at that flexion. The thigh then ends on the
ankle → hip line at the distance the flexion gives; where that is not the pelvis's hip-joint
centre (the pelvis is a smooth model and the walking knee is keyed, not solved), the gap along
that line is returned (positive: the thigh ends short of the hip).
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
    """Hip-to-ankle distance at which :func:`soft_flexion` gives the knee flexion ``knee``
    (rad, above :data:`MIN_KNEE`)."""
    y_min = 1 - np.cos(MIN_KNEE)
    y_eff = 1 - np.cos(knee)
    y = y_min + KNEE_SOFTNESS * np.log(np.expm1((y_eff - y_min) / KNEE_SOFTNESS))
    return float(np.sqrt((thigh + shank) ** 2 - 2 * thigh * shank * y))


def exact_flexion(d: np.ndarray, thigh: float, shank: float) -> np.ndarray:
    """Knee flexion (rad) of the two-link leg whose hip and ankle are ``d`` apart; 0 where
    the leg would have to stretch."""
    y = ((thigh + shank) ** 2 - np.asarray(d, float) ** 2) / (2 * thigh * shank)
    return np.arccos(1 - np.clip(y, 0.0, 2.0))


def soft_flexion(d: np.ndarray, thigh: float, shank: float) -> np.ndarray:
    """Knee flexion (rad) from the hip–ankle distances ``d``, softly limited near full
    extension (see the module docstring); the ankle comes no closer than about
    ``|thigh − shank|``."""
    y = _soft(((thigh + shank) ** 2 - np.asarray(d, float) ** 2) / (2 * thigh * shank))
    return np.arccos(1 - np.minimum(y, 1.9))


def knee_for_flexion(hip: np.ndarray, ankle: np.ndarray, forward: np.ndarray, thigh: float,
                     shank: float, flex: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Knee positions ``(n, 3)`` of the leg from the ankles towards the hip-joint centres
    ``(n, 3)``, bending towards ``forward`` ``(n, 3)`` with the flexions ``flex`` (rad), and
    the gap (m) between the thigh's end and the hip-joint centre along the ankle → hip line
    (positive: short of the hip)."""
    v = hip - ankle
    d = np.linalg.norm(v, axis=-1)
    u = v / d[:, None]
    d_eff = np.sqrt(thigh**2 + shank**2 + 2 * thigh * shank * np.cos(flex))
    a = (d_eff**2 + shank**2 - thigh**2) / (2 * d_eff)
    b = np.sqrt(np.maximum(shank**2 - a**2, 0.0))
    n = unit(forward - np.sum(forward * u, axis=-1, keepdims=True) * u)
    return ankle + a[:, None] * u + b[:, None] * n, d - d_eff
