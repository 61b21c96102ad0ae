"""Rigid-sole geometry, rotations and smooth keyframe curves used by the foot model.

Conventions (CONTRACT.md): world frame x, y horizontal, z up; foot frame x forward along the
sole, y to the left, z up. The foot orientation is ``R = Rz(yaw) · Ry(-pitch) · Rx(roll)``
(foot → world), where ``pitch`` is the sole pitch of CONTRACT.md (toes up positive), so the
sole direction is ``e = (cos pitch cos yaw, cos pitch sin yaw, sin pitch)``. The sole is the
segment from the heel point (origin of the foot model) to the toe point at ``L·e``; roll
turns the foot about that segment and so never moves a sole point.
"""

from __future__ import annotations

import numpy as np
from scipy.interpolate import PPoly


# ----------------------------------------------------------------------------- rotations
def rotation(yaw: np.ndarray, pitch: np.ndarray, roll: np.ndarray) -> np.ndarray:
    """``(n, 3, 3)`` foot → world rotations from yaw, sole pitch and roll (rad)."""
    cz, sz = np.cos(yaw), np.sin(yaw)
    cb, sb = np.cos(-pitch), np.sin(-pitch)
    cx, sx = np.cos(roll), np.sin(roll)
    R = np.empty(np.shape(yaw) + (3, 3))
    R[..., 0, 0] = cz * cb
    R[..., 0, 1] = cz * sb * sx - sz * cx
    R[..., 0, 2] = cz * sb * cx + sz * sx
    R[..., 1, 0] = sz * cb
    R[..., 1, 1] = sz * sb * sx + cz * cx
    R[..., 1, 2] = sz * sb * cx - cz * sx
    R[..., 2, 0] = -sb
    R[..., 2, 1] = cb * sx
    R[..., 2, 2] = cb * cx
    return R


def body_rates(pitch, roll, d_yaw, d_pitch, d_roll) -> np.ndarray:
    """Angular velocity in the foot frame ``(n, 3)`` (rad/s) from the angles and their rates."""
    b, db = -pitch, -d_pitch
    cb, sb = np.cos(b), np.sin(b)
    cx, sx = np.cos(roll), np.sin(roll)
    return np.stack([d_roll - d_yaw * sb,
                     db * cx + d_yaw * cb * sx,
                     -db * sx + d_yaw * cb * cx], axis=-1)


def random_rotation(rng: np.random.Generator) -> np.ndarray:
    """A rotation matrix drawn uniformly (Shoemake's quaternion method)."""
    u1, u2, u3 = rng.random(3)
    a, b = np.sqrt(1 - u1), np.sqrt(u1)
    x, y = a * np.sin(2 * np.pi * u2), a * np.cos(2 * np.pi * u2)
    z, w = b * np.sin(2 * np.pi * u3), b * np.cos(2 * np.pi * u3)
    return np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])


def euler_matrix(roll_deg: float, pitch_deg: float, yaw_deg: float) -> np.ndarray:
    """Sensor → foot mounting rotation from roll, pitch (about y, right-handed) and yaw, deg."""
    r, p, y = np.deg2rad([roll_deg, pitch_deg, yaw_deg])
    rz = np.array([[np.cos(y), -np.sin(y), 0], [np.sin(y), np.cos(y), 0], [0, 0, 1]])
    ry = np.array([[np.cos(p), 0, np.sin(p)], [0, 1, 0], [-np.sin(p), 0, np.cos(p)]])
    rx = np.array([[1, 0, 0], [0, np.cos(r), -np.sin(r)], [0, np.sin(r), np.cos(r)]])
    return rz @ ry @ rx


# ----------------------------------------------------------------------------- the sole
def sole_dir(pitch, yaw, d_pitch=0.0, d_yaw=0.0, dd_pitch=0.0, dd_yaw=0.0):
    """Sole direction ``e`` and its first and second time derivatives, each ``(..., 3)``."""
    cp, sp, cy, sy = np.cos(pitch), np.sin(pitch), np.cos(yaw), np.sin(yaw)
    e = np.stack([cp * cy, cp * sy, sp], -1)
    e_p = np.stack([-sp * cy, -sp * sy, cp], -1)
    e_y = np.stack([-cp * sy, cp * cy, 0 * cp], -1)
    e_yy = np.stack([-cp * cy, -cp * sy, 0 * cp], -1)
    e_py = np.stack([sp * sy, -sp * cy, 0 * cp], -1)
    dp, dy = np.asarray(d_pitch)[..., None], np.asarray(d_yaw)[..., None]
    ddp, ddy = np.asarray(dd_pitch)[..., None], np.asarray(dd_yaw)[..., None]
    de = e_p * dp + e_y * dy
    dde = -e * dp**2 + 2 * e_py * dp * dy + e_yy * dy**2 + e_p * ddp + e_y * ddy
    return e, de, dde


def bump(s: np.ndarray) -> np.ndarray:
    """``sin³(πs)`` on [0, 1], 0 outside: a swing-long bump with zero slope and curvature at
    both ends (so it can be added to a C2 trajectory without breaking it)."""
    s = np.clip(s, 0.0, 1.0)
    return np.sin(np.pi * s) ** 3


def rate_bump(t, t0: float, width: float, peak: float):
    """An angle whose rate is the bump ``peak · sin²(π (t - t0) / width)`` on
    ``[t0, t0 + width]`` (zero outside): the angle gained since ``t0``, its rate and its
    acceleration at times ``t``. The rate and the acceleration start and end at zero, so the
    angle is C2; the whole bump adds ``peak · width / 2``."""
    u = np.clip((np.asarray(t, float) - t0) / width, 0.0, 1.0)
    w = 2 * np.pi * u
    angle = peak * width * (u / 2 - np.sin(w) / (4 * np.pi))
    rate = peak * np.sin(np.pi * u) ** 2
    acc = peak * np.pi / width * np.sin(w)
    return angle, rate, acc


# ----------------------------------------------------------------------------- keyframes
class Keys:
    """Keyframes ``(t, value, first derivative, second derivative)`` → a C2 piecewise quintic.

    Missing first derivatives are estimated without overshoot (zero at local extrema, else a
    weighted harmonic mean of the neighbouring slopes); missing second derivatives are the
    mean of the end curvatures of the cubic Hermite pieces on either side.
    """

    def __init__(self) -> None:
        self.t: list[float] = []
        self.y: list[float] = []
        self.d1: list[float | None] = []
        self.d2: list[float | None] = []

    def add(self, t: float, y: float, d1: float | None = None, d2: float | None = None) -> None:
        if self.t and t <= self.t[-1] + 1e-9:
            if abs(t - self.t[-1]) < 1e-9 and abs(y - self.y[-1]) < 1e-12 and d1 == self.d1[-1]:
                return  # the same knot twice (shared boundary of two phases)
            raise ValueError(f"keyframes out of order: {t} after {self.t[-1]}")
        self.t.append(float(t))
        self.y.append(float(y))
        self.d1.append(None if d1 is None else float(d1))
        self.d2.append(None if d2 is None else float(d2))

    def extend(self, t: np.ndarray, y: np.ndarray, d1: np.ndarray, d2: np.ndarray) -> None:
        """Add many keyframes at once (all derivatives given)."""
        for row in zip(np.asarray(t, float), y, d1, d2, strict=True):
            self.add(*row)

    def build(self) -> PPoly:
        t = np.asarray(self.t)
        y = np.asarray(self.y)
        if len(t) == 1:
            t, y = np.r_[t, t + 1.0], np.r_[y, y]
            self.d1, self.d2 = [0.0, 0.0], [0.0, 0.0]
        h = np.diff(t)
        m = np.diff(y) / h
        d1 = np.array([np.nan if v is None else v for v in self.d1])
        miss = np.isnan(d1)
        if miss.any():
            est = np.zeros_like(y)
            est[0], est[-1] = m[0], m[-1]
            ml, mr, hl, hr = m[:-1], m[1:], h[:-1], h[1:]
            same = ml * mr > 0
            w1, w2 = 2 * hr + hl, hr + 2 * hl
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
                hm = (w1 + w2) / (w1 / ml + w2 / mr)
            est[1:-1] = np.where(same, hm, 0.0)
            d1[miss] = est[miss]
        d2 = np.array([np.nan if v is None else v for v in self.d2])
        miss = np.isnan(d2)
        if miss.any():
            dy = np.diff(y)
            a_start = (6 * dy / h**2 - (4 * d1[:-1] + 2 * d1[1:]) / h)  # at left end of piece
            a_end = (-6 * dy / h**2 + (2 * d1[:-1] + 4 * d1[1:]) / h)  # at right end
            est = np.empty_like(y)
            est[0], est[-1] = a_start[0], a_end[-1]
            est[1:-1] = 0.5 * (a_end[:-1] + a_start[1:])
            d2[miss] = est[miss]
        return quintic_hermite(t, y, d1, d2)


def quintic_hermite(t, y, d1, d2) -> PPoly:
    """The C2 piecewise quintic through values, slopes and curvatures at the knots ``t``."""
    h = np.diff(t)
    dy = np.diff(y)
    v0, v1, a0, a1 = d1[:-1] * h, d1[1:] * h, d2[:-1] * h**2, d2[1:] * h**2
    c3 = 10 * dy - 6 * v0 - 4 * v1 - 1.5 * a0 + 0.5 * a1
    c4 = -15 * dy + 8 * v0 + 7 * v1 + 1.5 * a0 - a1
    c5 = 6 * dy - 3 * v0 - 3 * v1 - 0.5 * a0 + 0.5 * a1
    c = np.stack([c5 / h**5, c4 / h**4, c3 / h**3, 0.5 * d2[:-1], d1[:-1], y[:-1]])
    return PPoly(c, t)
