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

import numpy as np

from footdrop.simulate.geometry import Keys, body_rates, bump, rotation, sole_dir
from footdrop.simulate.timeline import Contact, FootPlan, Landing, Swing

#: The point the foot turns about right after toe-off (the ankle): (fraction of the sole
#: length in front of the heel, height above the sole in m).
ANKLE = (0.25, 0.08)


def _contact_keys(c: Contact, yaw: float, ck: dict[str, Keys]) -> None:
    ld, to = c.landing, c.takeoff
    d = np.array([np.cos(yaw), np.sin(yaw)])
    if ld is not None:
        ck["pitch"].add(c.t0, ld.pitch, ld.rate_post, 0.0)
        ck["pitch"].add(c.t0 + ld.rocker_s, 0.0, 0.0, 0.0)
        ck["roll"].add(c.t0, ld.roll, ld.roll_rate_post, 0.0)
        ck["roll"].add(c.t0 + ld.settle_s, 0.0, 0.0, 0.0)
        ck["yaw"].add(c.t0, yaw + ld.yaw, ld.yaw_rate_post, 0.0)
        ck["yaw"].add(c.t0 + max(min(ld.rocker_s, ld.settle_s), 1e-3), yaw, 0.0, 0.0)
        for key, comp in (("ox", 0), ("oy", 1)):
            ck[key].add(c.t0, -ld.slide_m * d[comp], ld.v_post_h * d[comp], 0.0)
            ck[key].add(c.t0 + ld.slide_s, 0.0, 0.0, 0.0)
    else:
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw), ("ox", 0.0), ("oy", 0.0)):
            ck[key].add(c.t0, v, 0.0, 0.0)
    for t, p in c.pitch_keys:
        ck["pitch"].add(t, p, 0.0, 0.0)
    if to is not None:
        t_ho = c.t1 - to.push_s
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw)):
            ck[key].add(t_ho, v, 0.0, 0.0)
        ck["pitch"].add(c.t1, to.pitch, to.rate, 0.0)
        ck["roll"].add(c.t1, to.roll, to.roll_rate, 0.0)
        ck["yaw"].add(c.t1, yaw + to.yaw, to.yaw_rate, 0.0)
    else:
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw)):
            ck[key].add(c.t1, v, 0.0, 0.0)
    for key in ("ox", "oy"):
        ck[key].add(c.t1, 0.0, 0.0, 0.0)


def _shift(z, angles, du: float, dv: float):
    """Height (and its first two time derivatives, each possibly None) of the foot point
    displaced by ``du`` along the sole and ``dv`` perpendicular to it (up), from a point's."""
    th, dth, ddth = angles
    sp, cp = np.sin(th), np.cos(th)
    h, dh, ddh = z
    out = h + du * sp + dv * cp
    d1 = None if dh is None else dh + (du * cp - dv * sp) * dth
    d2 = None if ddh is None else (ddh + du * (cp * ddth - sp * dth**2)
                                   - dv * (sp * ddth + cp * dth**2))
    return out, d1, d2


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
        self.c_fp = np.array([c.fp for c in plan.contacts])
        self.s_t0 = np.array([s.t0 for s in plan.swings])
        self.s_t1 = np.array([s.t1 for s in plan.swings])
        self._build()

    # ------------------------------------------------------------------ construction
    def _pivot_at(self, fp: int, w: float) -> np.ndarray:
        return self.fp_heel[fp] if w == 0.0 else self.fp_toe[fp]

    def _build(self) -> None:
        ck = {k: Keys() for k in ("pitch", "yaw", "roll", "ox", "oy")}
        sk = {k: Keys() for k in ("pitch", "yaw", "roll", "hx", "hy", "hz")}
        for c in self.plan.contacts:
            _contact_keys(c, self.fp_yaw[c.fp], ck)
        self.c_keys = {k: v.build() for k, v in ck.items()}
        self.s_keys = {}
        n = len(self.plan.swings)
        self.lat_dir, self.lift, self.lateral = np.zeros((n, 2)), np.zeros(n), np.zeros(n)
        if not n:
            return
        for k, sw in enumerate(self.plan.swings):
            to, ld = self.plan.contacts[k].takeoff, self.plan.contacts[k + 1].landing
            shape, T, kp = sw.shape, sw.t1 - sw.t0, sk["pitch"]
            kp.add(sw.t0, to.pitch, to.rate, to.alpha)
            kp.add(sw.t0 + shape.s_min * T, to.pitch - shape.overshoot, 0.0)
            kp.add(sw.t0 + shape.s_mtc * T, shape.mid_pitch)
            if ld.rate_pre < 0:
                tail = (1.0 - shape.s_max) * T
                kp.add(sw.t1 - tail, ld.pitch - 0.5 * ld.rate_pre * tail, 0.0)
            kp.add(sw.t1, ld.pitch, ld.rate_pre, 0.0)
        self.s_keys["pitch"] = sk.pop("pitch").build()
        for k, sw in enumerate(self.plan.swings):
            self._swing_keys(k, sw, sk)
        self.s_keys.update({k: v.build() for k, v in sk.items()})

    def _swing_keys(self, k: int, sw: Swing, sk: dict[str, Keys]) -> None:
        L, pitch = self.L, self.s_keys["pitch"]
        to, ld = self.plan.contacts[k].takeoff, self.plan.contacts[k + 1].landing
        shape, T = sw.shape, sw.t1 - sw.t0
        y0, y1 = self.fp_yaw[sw.fp0], self.fp_yaw[sw.fp1]
        floor0, floor1 = self.fp_heel[sw.fp0, 2], self.fp_heel[sw.fp1, 2]
        at = lambda s: sw.t0 + s * T  # noqa: E731
        # --- yaw and roll
        sk["yaw"].add(sw.t0, y0 + to.yaw, to.yaw_rate, 0.0)
        sk["yaw"].add(at(0.6), 0.4 * y0 + 0.6 * y1 + shape.yaw_bump)
        sk["yaw"].add(sw.t1, y1 + ld.yaw, ld.yaw_rate_pre, 0.0)
        sk["roll"].add(sw.t0, to.roll, to.roll_rate, 0.0)
        sk["roll"].add(at(0.3), shape.roll_bump, 0.0)
        sk["roll"].add(at(0.8), shape.roll_late, 0.0)
        sk["roll"].add(sw.t1, ld.roll, ld.roll_rate_pre, 0.0)
        # --- heel at FC: rotation about the toe of footprint fp0. When the toe lets go, the
        # pitch acceleration jumps to to.alpha while the ankle's acceleration stays continuous
        e, de, dde = sole_dir(to.pitch, y0 + to.yaw, to.rate, to.yaw_rate)
        h0 = self.fp_toe[sw.fp0] - L * e
        v0, dde_fc = -L * de, dde
        e_p = sole_dir(to.pitch + np.pi / 2, y0 + to.yaw)[0]  # up, perpendicular to the sole
        ua, va = ANKLE[0] * L, ANKLE[1]
        # with the heel very high the foot turns about a lower point, so the toe still rises
        c = (L - ua) * np.cos(to.pitch) + va * np.sin(to.pitch)
        if c < 0.03 and np.sin(to.pitch) < 0:
            va = float(np.clip((0.03 - (L - ua) * np.cos(to.pitch)) / np.sin(to.pitch), 0, va))
        a0 = -L * dde + to.alpha * (-ua * e_p + va * e)
        # --- heel just before IC: the landing point arriving at its footprint
        w = ld.pivot_w
        d1 = np.array([np.cos(y1), np.sin(y1), 0.0])
        p1 = self._pivot_at(sw.fp1, w) - ld.slide_m * d1
        e, de, dde = sole_dir(ld.pitch, y1 + ld.yaw, ld.rate_pre, ld.yaw_rate_pre)
        h1 = p1 - w * L * e
        v1 = ld.v_pre_h * d1 + np.array([0, 0, ld.v_pre_z]) - w * L * de
        a1 = ld.a_pre_h * d1 - w * L * dde
        # --- bumps: lateral swing-out and steppage lift
        dxy = (h1 - h0)[:2]
        dist = np.hypot(*dxy)
        fwd = dxy / dist if dist > 0.05 else d1[:2]
        sign = 1.0 if self.plan.side == "left" else -1.0
        self.lat_dir[k] = sign * np.array([-fwd[1], fwd[0]])
        self.lift[k], self.lateral[k] = shape.lift, shape.lateral
        if shape.toe_path is not None:
            self._stair_keys(sw, sk, (h0, v0, a0), (h1, v1, a1), y1, ld)
            return
        for key, j in (("hx", 0), ("hy", 1)):
            sk[key].add(sw.t0, h0[j], v0[j], a0[j])
            sk[key].add(sw.t1, h1[j], v1[j], a1[j])
        # --- heel height: the ankle's height curve (continuous with its path before FC,
        # rising a little, then carrying the toe through its MTC) until the sole is
        # horizontal, then the heel's own curve down to IC
        s = shape.s_mtc + np.linspace(0.0, 1.0, 201) * (1 - shape.s_mtc)
        up = np.flatnonzero(pitch(at(s)) >= 0)
        s_x = s[up[0]] if len(up) else None
        if s_x is not None and (s_x > 0.93 or s_x < shape.s_mtc + 0.05):
            s_x = None
        ang = lambda tk: tuple(pitch(tk, i) for i in range(3))  # noqa: E731
        floor = max(floor0, floor1)
        key = Keys()
        du, dv = ua, va  # the keyed point is the ankle
        z_a0 = _shift((h0[2], v0[2], (-L * dde_fc)[2]), (to.pitch, to.rate, 0.0), ua, va)
        key.add(sw.t0, *z_a0)
        key.add(at(shape.s_peak), z_a0[0] + shape.z_peak, 0.0)
        key.add(at(shape.s_mtc), *_shift((floor + shape.mtc, 0.0, None),
                                          ang(float(at(shape.s_mtc))), ua - L, va))
        slope = 0.0
        if s_x is not None:
            s_next, z_next = s_x, floor + max(shape.mtc, 0.0) + shape.z_cross
            slope = 0.5 * L * float(pitch(at(s_x), 1))  # the toe rises, the heel falls
        else:
            th = float(pitch(at(shape.s_late)))
            s_next, z_next = shape.s_late, floor1 + shape.z_late + L * max(np.sin(th), 0.0)
        # after its minimum the toe rises steadily to the next keyframe (guided when far)
        z_m, span = floor + shape.mtc, (s_next - shape.s_mtc) * T
        for q in (1 / 3, 2 / 3) if s_next - shape.s_mtc > 0.1 else ():
            tq = at(shape.s_mtc + q * (s_next - shape.s_mtc))
            zq = z_m + (z_next - z_m) * (3 - 2 * q) * q * q + (q - 1) * q * q * slope * span
            zq = max(zq, z_m + 0.2 * q * (z_next - z_m))
            key.add(tq, *_shift((zq, None, None), ang(float(tq)), du - L, dv))
        if s_x is not None:
            key.add(at(s_x), *_shift((z_next, slope, None), ang(float(at(s_x))), du - L, dv))
            s_end = s_x
        else:
            tl = at(shape.s_late)
            key.add(tl, *_shift((z_next, None, None), ang(float(tl)), du - L, dv))
            key.add(sw.t1, *_shift((h1[2], v1[2], a1[2]), (ld.pitch, ld.rate_pre, 0.0), du, dv))
            s_end = 1.0
        curve = key.build()
        sk["hz"].add(sw.t0, h0[2], v0[2], a0[2])
        n = max(3, int(np.ceil(s_end / 0.04)))
        tk = at(np.linspace(0.0, s_end, n + 1)[1:])
        sk["hz"].extend(tk, *_shift(tuple(curve(tk, i) for i in range(3)), ang(tk), -du, -dv))
        if s_x is not None:  # the heel takes over where the sole is horizontal
            tx = np.array([at(s_x)])
            heel = Keys()
            heel.extend(tx, *_shift(tuple(curve(tx, i) for i in range(3)), ang(tx), -du, -dv))
            s_late = max(shape.s_late, s_x + 0.4 * (1 - s_x))
            z_late = min(shape.z_late, 0.6 * (z_next - floor1))  # still coming down
            z_late = max(z_late, 0.7 * abs(ld.v_pre_z) * (1 - s_late) * T)
            heel.add(at(s_late), floor1 + z_late)
            heel.add(sw.t1, h1[2], v1[2], a1[2])
            heel_curve = heel.build()
            n = max(2, int(np.ceil((1 - s_x) / 0.04)))
            tk = at(np.linspace(s_x, 1.0, n + 1)[1:-1])
            sk["hz"].extend(tk, *(heel_curve(tk, i) for i in range(3)))
            sk["hz"].add(sw.t1, h1[2], v1[2], a1[2])

    def _stair_keys(self, sw: Swing, sk: dict[str, Keys], fc, ic, yaw: float,
                    ld: Landing) -> None:
        """Stairs: the toe follows keyframes in x (along the swing) and z, clear of the steps."""
        L, pitch = self.L, self.s_keys["pitch"]
        (h0, v0, a0), (h1, v1, a1) = fc, ic
        T = sw.t1 - sw.t0
        u = np.array([np.cos(yaw), np.sin(yaw)])
        toe0 = self.fp_toe[sw.fp0]
        e, de, dde = sole_dir(ld.pitch, yaw + ld.yaw, ld.rate_pre, ld.yaw_rate_pre)
        toe1, vt1, at1 = h1 + L * e, v1 + L * de, a1 + L * dde
        dist = float((toe1 - toe0)[:2] @ u)
        px, pz = Keys(), Keys()
        px.add(sw.t0, 0.0, 0.0, 0.0)
        pz.add(sw.t0, toe0[2], 0.0, 0.0)
        for s_k, p_k, z_k in sw.shape.toe_path:
            px.add(sw.t0 + s_k * T, p_k)
            pz.add(sw.t0 + s_k * T, z_k)
        px.add(sw.t1, dist, float(vt1[:2] @ u), float(at1[:2] @ u))
        pz.add(sw.t1, toe1[2], vt1[2], at1[2])
        px, pz = px.build(), pz.build()
        for key, j in (("hx", 0), ("hy", 1)):
            sk[key].add(sw.t0, h0[j], v0[j], a0[j])
        sk["hz"].add(sw.t0, h0[2], v0[2], a0[2])
        tk = sw.t0 + np.linspace(0.0, 1.0, 26)[1:-1] * T
        th, dth, ddth = (pitch(tk, i) for i in range(3))
        sp, cp = np.sin(th), np.cos(th)
        p, dp, ddp = (px(tk, i) for i in range(3))
        along = (p - L * cp, dp + L * sp * dth, ddp + L * (cp * dth**2 + sp * ddth))
        for key, j in (("hx", 0), ("hy", 1)):
            sk[key].extend(tk, toe0[j] + along[0] * u[j], along[1] * u[j], along[2] * u[j])
        sk["hz"].extend(tk, *_shift(tuple(pz(tk, i) for i in range(3)), (th, dth, ddth),
                                    -L, 0.0))
        for key, j in (("hx", 0), ("hy", 1), ("hz", 2)):
            sk[key].add(sw.t1, h1[j], v1[j], a1[j])

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
            idx = np.clip(np.searchsorted(self.c_t0, t + 1e-9, side="right") - 1, 0, None)
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
        fp = self.c_fp[ci]
        o = np.stack([self.c_keys["ox"](t), self.c_keys["oy"](t), 0 * t], 1)
        e = sole_dir(pitch, yaw)[0]
        on_toe = (pitch < 0)[:, None]
        return np.where(on_toe, self.fp_toe[fp] - self.L * e, self.fp_heel[fp]) + o

    def _swing_heel(self, t, si, pitch):
        s = (t - self.s_t0[si]) / (self.s_t1[si] - self.s_t0[si])
        b = bump(s)
        xy = np.stack([self.s_keys["hx"](t), self.s_keys["hy"](t)], 1)
        xy += (self.lateral[si] * b)[:, None] * self.lat_dir[si]
        return np.column_stack([xy, self.s_keys["hz"](t) + self.lift[si] * b])

    def pose(self, t: np.ndarray, force: str | None = None):
        """``(heel, R, omega_body)`` at times ``t``: heel (n, 3), foot → world rotation
        (n, 3, 3), angular velocity in the foot frame (n, 3) in rad/s."""
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
