"""Kinematic model of one foot: a rigid sole moving stride by stride.

A foot's timeline alternates *contacts* and *swings*. In a contact the sole rests on a
footprint (a flat pose on the floor: heel point and heading). Its pitch may still change, and
the foot then turns about the sole point that stays on the floor: about the heel while the toes
are up (heel rocker after a heel strike, toes raised while sitting or rocking), about the toe
while the heel is up (push-off, the toe rocker after a toe-first landing, heel raised). Right
after a landing the pivot may slide a few millimetres on the floor before it stops. In a
swing, the heel's horizontal path, the height of the lowest sole point (see
:func:`geometry.toe_weight`) and the three angles are C2 quintic keyframe curves that match
the contact before them at final contact (FC) exactly, position, velocity and acceleration.

Initial contact (IC) is an impact: the pivot point arrives with a downward (and forward)
velocity that the floor stops, and the pitch rate changes; velocity and angular rate jump
there, as in a rigid-body impact. Everything else is smooth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from footdrop.simulate.geometry import Keys, bump, keyed_offset, rotation, sole_dir, toe_weight


@dataclass
class Footprint:
    """A flat foot on the floor: heel point (world, m; its z is the floor) and heading (rad)."""

    heel: np.ndarray
    yaw: float


@dataclass
class Landing:
    """How a swing ends: the impact at IC and the roll-over to foot flat that follows."""

    pitch: float  # sole pitch at IC, rad (>0 heel strike, 0 flat, <0 toe first)
    rate_pre: float  # pitch rate just before IC, rad/s
    rate_post: float  # pitch rate just after IC, rad/s
    rocker_s: float  # IC → foot flat
    v_pre_h: float  # forward speed of the landing point before IC, m/s
    v_pre_z: float  # vertical speed of the landing point before IC (<0), m/s
    a_pre_h: float  # forward acceleration of the landing point before IC, m/s²
    v_post_h: float = 0.0  # forward slide speed right after IC, m/s
    slide_s: float = 0.03  # duration of the slide
    roll: float = 0.0  # roll at IC, rad (sign already for this foot)
    roll_rate_post: float = 0.0
    roll_s: float = 0.06  # IC → roll back to zero

    @property
    def pivot_w(self) -> float:
        """Landing point along the sole: 0 heel, 1 toe."""
        return 1.0 if self.pitch < 0 else 0.0

    @property
    def slide_m(self) -> float:
        return 0.5 * self.v_post_h * self.slide_s


@dataclass
class Takeoff:
    """How a contact ends: heel-off and rotation about the toe up to FC."""

    pitch: float  # sole pitch at FC (<0), rad
    rate: float  # pitch rate at FC (<0), rad/s
    push_s: float  # heel-off → FC


@dataclass
class SwingShape:
    """Keyframes of a swing, as fractions ``s`` of the swing time and heights in m."""

    overshoot: float  # pitch keeps falling after FC by this much (rad), at s_min
    mid_pitch: float  # pitch at s_mtc, rad
    z_peak: float  # early-swing toe peak height above the floor left
    mtc: float  # toe height at the minimum (negative: a scuff into the floor)
    z_late: float  # height of the lowest sole point at s_late above the floor landed on
    s_min: float = 0.06
    s_peak: float = 0.15
    s_mtc: float = 0.5
    s_late: float = 0.8
    s_max: float = 0.94
    lift: float = 0.0  # steppage: extra lift of the whole foot, bump-shaped, m
    lateral: float = 0.02  # lateral swing-out of the foot (circumduction), bump-shaped, m
    yaw_bump: float = 0.0  # toes turning out in mid-swing, rad (sign already for this foot)
    roll_bump: float = 0.0  # early-swing eversion, rad (sign already for this foot)
    scuff: bool = False
    clear_z: float | None = None  # stairs: height (world) the foot must pass above mid-swing
    s_rise: float | None = None  # stairs: progress of the heel's forward path at s_mtc


@dataclass
class Contact:
    t0: float
    t1: float
    fp: int
    landing: Landing | None = None  # None: the contact starts the recording
    takeoff: Takeoff | None = None  # None: the contact ends the recording
    pitch_keys: list[tuple[float, float]] = field(default_factory=list)  # rest keys (t, rad)
    kind: str = "walk"  # "walk" or "rest" (standing, sitting, weight shifting)


@dataclass
class Swing:
    t0: float
    t1: float
    fp0: int
    fp1: int
    shape: SwingShape


@dataclass
class FootPlan:
    side: str
    length: float  # sole length, heel → toe, m
    footprints: list[Footprint]
    contacts: list[Contact]
    swings: list[Swing]  # swing k goes from contacts[k] to contacts[k + 1]


class FootModel:
    """Pose of one foot at any time, from its :class:`FootPlan`."""

    def __init__(self, plan: FootPlan) -> None:
        self.plan = plan
        self.L = plan.length
        fps = plan.footprints
        self.fp_heel = np.array([f.heel for f in fps], float)
        self.fp_yaw = np.array([f.yaw for f in fps], float)
        self.fp_toe = self.fp_heel + self.L * np.stack(
            [np.cos(self.fp_yaw), np.sin(self.fp_yaw), 0 * self.fp_yaw], 1)
        self.c_t0 = np.array([c.t0 for c in plan.contacts])
        self.s_t0 = np.array([s.t0 for s in plan.swings])
        self.s_t1 = np.array([s.t1 for s in plan.swings])
        self._build()

    # ------------------------------------------------------------------ construction
    def _pivot_at(self, fp: int, w: float) -> np.ndarray:
        return self.fp_heel[fp] if w == 0.0 else self.fp_toe[fp]

    def _build(self) -> None:
        L = self.L
        ck = {k: Keys() for k in ("pitch", "yaw", "roll", "ox", "oy")}
        sk = {k: Keys() for k in ("pitch", "yaw", "roll", "hx", "hy", "zp")}
        lat_dir, lift, lateral = [], [], []
        for c in self.plan.contacts:
            yaw = self.fp_yaw[c.fp]
            d = np.array([np.cos(yaw), np.sin(yaw)])
            ld, to = c.landing, c.takeoff
            if ld is not None:
                ck["pitch"].add(c.t0, ld.pitch, ld.rate_post, 0.0)
                if ld.rocker_s > 0:
                    ck["pitch"].add(c.t0 + ld.rocker_s, 0.0, 0.0, 0.0)
                ck["roll"].add(c.t0, ld.roll, ld.roll_rate_post, 0.0)
                ck["roll"].add(c.t0 + ld.roll_s, 0.0, 0.0, 0.0)
                for key, comp in (("ox", 0), ("oy", 1)):
                    ck[key].add(c.t0, -ld.slide_m * d[comp], ld.v_post_h * d[comp], 0.0)
                    ck[key].add(c.t0 + ld.slide_s, 0.0, 0.0, 0.0)
            else:
                ck["pitch"].add(c.t0, 0.0, 0.0, 0.0)
                for key in ("roll", "ox", "oy"):
                    ck[key].add(c.t0, 0.0, 0.0, 0.0)
            for t, p in c.pitch_keys:
                ck["pitch"].add(t, p, 0.0, 0.0)
            if to is not None:
                ck["pitch"].add(c.t1 - to.push_s, 0.0, 0.0, 0.0)
                ck["pitch"].add(c.t1, to.pitch, to.rate, 0.0)
            else:
                ck["pitch"].add(c.t1, 0.0, 0.0, 0.0)
            for key in ("roll", "ox", "oy"):
                ck[key].add(c.t1, 0.0, 0.0, 0.0)
            ck["yaw"].add(c.t0, yaw, 0.0, 0.0)
            ck["yaw"].add(c.t1, yaw, 0.0, 0.0)

        for k, sw in enumerate(self.plan.swings):
            c0, c1 = self.plan.contacts[k], self.plan.contacts[k + 1]
            to, ld, sh = c0.takeoff, c1.landing
            shape = sw.shape
            T = sw.t1 - sw.t0
            y0, y1 = self.fp_yaw[sw.fp0], self.fp_yaw[sw.fp1]
            floor0, floor1 = self.fp_heel[sw.fp0, 2], self.fp_heel[sw.fp1, 2]
            # --- pitch
            ck_p = sk["pitch"]
            ck_p.add(sw.t0, to.pitch, to.rate, 0.0)
            ck_p.add(sw.t0 + shape.s_min * T, to.pitch - shape.overshoot, 0.0)
            ck_p.add(sw.t0 + shape.s_mtc * T, shape.mid_pitch)
            if ld.rate_pre < 0:
                tail = (1.0 - shape.s_max) * T
                ck_p.add(sw.t1 - tail, ld.pitch - 0.5 * ld.rate_pre * tail, 0.0)
            ck_p.add(sw.t1, ld.pitch, ld.rate_pre, 0.0)
            # --- yaw and roll
            sk["yaw"].add(sw.t0, y0, 0.0, 0.0)
            sk["yaw"].add(sw.t0 + 0.45 * T, 0.5 * (y0 + y1) + shape.yaw_bump)
            sk["yaw"].add(sw.t1, y1, 0.0, 0.0)
            sk["roll"].add(sw.t0, 0.0, 0.0, 0.0)
            sk["roll"].add(sw.t0 + 0.3 * T, shape.roll_bump, 0.0)
            sk["roll"].add(sw.t1, ld.roll, 0.0, 0.0)
            # --- heel at FC: rotation about the toe of footprint fp0
            e, de, dde = sole_dir(to.pitch, y0, to.rate, 0.0, 0.0, 0.0)
            h0 = self.fp_toe[sw.fp0] - L * e
            v0, a0 = -L * de, -L * dde
            # --- heel just before IC: landing point arriving at its footprint
            w = ld.pivot_w
            d1 = np.array([np.cos(y1), np.sin(y1), 0.0])
            p1 = self._pivot_at(sw.fp1, w) - ld.slide_m * d1
            e, de, dde = sole_dir(ld.pitch, y1, ld.rate_pre, 0.0, 0.0, 0.0)
            h1 = p1 - w * L * e
            v1 = ld.v_pre_h * d1 + np.array([0, 0, ld.v_pre_z]) - w * L * de
            a1 = ld.a_pre_h * d1 - w * L * dde
            if shape.s_rise is None:
                for key, j in (("hx", 0), ("hy", 1)):
                    sk[key].add(sw.t0, h0[j], v0[j], a0[j])
                    sk[key].add(sw.t1, h1[j], v1[j], a1[j])
            else:  # stairs: lift first, then move forward
                hm = h0 + shape.s_rise * (h1 - h0)
                for key, j in (("hx", 0), ("hy", 1)):
                    sk[key].add(sw.t0, h0[j], v0[j], a0[j])
                    sk[key].add(sw.t0 + shape.s_mtc * T, hm[j])
                    sk[key].add(sw.t1, h1[j], v1[j], a1[j])
            # --- height of the keyed (lowest) sole point
            g0 = keyed_offset(to.pitch, to.rate, 0.0, L, 1.0)
            g1 = keyed_offset(ld.pitch, ld.rate_pre, 0.0, L, w)
            z = sk["zp"]
            z.add(sw.t0, floor0 + g0[0], g0[1], g0[2])
            if shape.clear_z is None:
                z.add(sw.t0 + shape.s_peak * T, floor0 + shape.z_peak, 0.0)
                z.add(sw.t0 + shape.s_mtc * T, max(floor0, floor1) + shape.mtc, 0.0)
            else:
                z.add(sw.t0 + shape.s_peak * T, floor0 + shape.z_peak)
                z.add(sw.t0 + shape.s_mtc * T, shape.clear_z, 0.0)
            z.add(sw.t0 + shape.s_late * T, floor1 + shape.z_late)
            z.add(sw.t1, floor1 + g1[0], ld.v_pre_z + g1[1], g1[2])
            # --- bumps: lateral swing-out and steppage lift
            dxy = (h1 - h0)[:2]
            n = np.hypot(*dxy)
            fwd = dxy / n if n > 0.05 else d1[:2]
            sign = 1.0 if self.plan.side == "left" else -1.0
            lat_dir.append(sign * np.array([-fwd[1], fwd[0]]))
            lift.append(shape.lift)
            lateral.append(shape.lateral)
        self.c_keys = {k: v.build() for k, v in ck.items()}
        self.s_keys = {k: v.build() for k, v in sk.items()} if self.plan.swings else {}
        self.lat_dir = np.array(lat_dir).reshape(-1, 2)
        self.lift = np.array(lift)
        self.lateral = np.array(lateral)

    # ------------------------------------------------------------------ evaluation
    def phase_of(self, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per time: True in a swing, and the index of the contact or swing."""
        t = np.asarray(t, float)
        ci = np.clip(np.searchsorted(self.c_t0, t, side="right") - 1, 0, len(self.c_t0) - 1)
        if len(self.s_t0) == 0:
            return np.zeros(t.shape, bool), ci
        si = np.clip(np.searchsorted(self.s_t0, t, side="right") - 1, 0, len(self.s_t0) - 1)
        swing = (t >= self.s_t0[si]) & (t < self.s_t1[si])
        return swing, np.where(swing, si, ci)

    def evaluate(self, t: np.ndarray, force: str | None = None) -> dict[str, np.ndarray]:
        """Pose at times ``t``: heel and toe points, angles and their rates (rad, rad/s).

        ``force="contact"`` or ``"swing"`` evaluates the given phase's formulas (for the
        one-sided limits at an impact), with the contact or swing that holds or precedes ``t``.
        """
        t = np.asarray(t, float)
        swing, idx = self.phase_of(t)
        if force == "contact":
            swing = np.zeros_like(swing)
            idx = np.clip(np.searchsorted(self.c_t0, t - 1e-12, side="right") - 1, 0, None)
        elif force == "swing":
            swing = np.ones_like(swing)
            idx = np.clip(np.searchsorted(self.s_t0, t, side="left") - 1, 0, None)
        n = t.shape[0]
        out = {k: np.empty(n) for k in ("pitch", "yaw", "roll", "d_pitch", "d_yaw", "d_roll")}
        heel = np.empty((n, 3))
        for is_swing, keys in ((False, self.c_keys), (True, self.s_keys)):
            m = swing == is_swing
            if not m.any():
                continue
            tm = t[m]
            for name in ("pitch", "yaw", "roll"):
                out[name][m] = keys[name](tm)
                out["d_" + name][m] = keys[name](tm, 1)
            if is_swing:
                heel[m] = self._swing_heel(tm, idx[m], out["pitch"][m])
            else:
                heel[m] = self._contact_heel(tm, idx[m], out["pitch"][m], out["yaw"][m])
        e = sole_dir(out["pitch"], out["yaw"])[0]
        out["heel"] = heel
        out["toe"] = heel + self.L * e
        out["swing"] = swing
        out["index"] = idx
        return out

    def _contact_heel(self, t, ci, pitch, yaw):
        fp = np.array([c.fp for c in self.plan.contacts])[ci]
        o = np.stack([self.c_keys["ox"](t), self.c_keys["oy"](t), 0 * t], 1)
        e = sole_dir(pitch, yaw)[0]
        on_toe = (pitch < 0)[:, None]
        return np.where(on_toe, self.fp_toe[fp] - self.L * e, self.fp_heel[fp]) + o

    def _swing_heel(self, t, si, pitch):
        s = (t - self.s_t0[si]) / (self.s_t1[si] - self.s_t0[si])
        b = bump(s)
        xy = np.stack([self.s_keys["hx"](t), self.s_keys["hy"](t)], 1)
        xy += (self.lateral[si] * b)[:, None] * self.lat_dir[si]
        zp = self.s_keys["zp"](t) + self.lift[si] * b
        w = toe_weight(pitch)[0]
        return np.column_stack([xy, zp - w * self.L * np.sin(pitch)])

    def pose(self, t: np.ndarray, force: str | None = None):
        """``(heel, R, omega_body)`` at times ``t``: heel (n, 3), foot → world rotation
        (n, 3, 3), angular velocity in the foot frame (n, 3) in rad/s."""
        from footdrop.simulate.geometry import body_rates

        ev = self.evaluate(t, force)
        R = rotation(ev["yaw"], ev["pitch"], ev["roll"])
        w = body_rates(ev["pitch"], ev["roll"], ev["d_yaw"], ev["d_pitch"], ev["d_roll"])
        return ev, R, w

    @property
    def ic_times(self) -> np.ndarray:
        return np.array([c.t0 for c in self.plan.contacts if c.landing is not None])

    @property
    def fc_times(self) -> np.ndarray:
        return np.array([c.t1 for c in self.plan.contacts if c.takeoff is not None])
