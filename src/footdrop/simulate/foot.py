"""Kinematic model of one foot: a rigid sole moving stride by stride.

A foot's timeline alternates *contacts* and *swings*. In a contact the sole rests on a
footprint (a flat pose on the floor: heel point and heading). Its pitch may still change, and
the foot then turns about the sole point that stays on the floor: about the heel while the toes
are up (heel rocker after a heel strike, toes raised while sitting or rocking), about the toe
while the heel is up (push-off, the toe rocker after a toe-first landing, heel raised). Right
after a landing the pivot may slide a few millimetres on the floor before it stops. In a
swing, the heel's horizontal path, the height of the ankle (a point above the sole, see
:data:`ANKLE`; the heel's height follows from it and the pitch) and the three angles are C2
quintic keyframe curves that match the contact before them at final contact (FC) exactly, in
position and velocity, and in acceleration where the floor lets go (FC: the pitch
acceleration changes there, the ankle's does not).

Initial contact (IC) is an impact of the landing point only: it arrives with a downward (and
forward) velocity that the floor stops, so its velocity jumps there. The foot's rotation does
not jump: the pitch, roll and yaw rates are continuous through IC (the pitch rate then rises
within ``Landing.rise_s`` as the foot tips onto the floor; the landing inversion turns into
eversion). Everything else is smooth. In walking stance the foot moves a little: a
band-limited roll and yaw of a few tenths of a degree (soft tissue, shoe, sway), which moves
no sole point.
"""

from __future__ import annotations

import numpy as np

from footdrop.simulate.geometry import Keys, body_rates, bump, rate_bump, rotation, sole_dir
from footdrop.simulate.timeline import Contact, FootPlan, Landing, Swing

#: The point the foot turns about right after toe-off (the ankle): (fraction of the sole
#: length in front of the heel, height above the sole in m).
ANKLE = (0.25, 0.08)
#: Size of the stance motion's yaw (turning in) relative to its roll (eversion).
SWAY_YAW = 0.5
#: After its minimum (MTC) the toe is at least this much higher by ``SwingShape.s_down``, m.
TOE_RISE_M = 0.01


def _contact_keys(c: Contact, yaw: float, sign: float, ck: dict[str, Keys]) -> None:
    """Keys of one contact; ``sign`` is +1 for the left foot, -1 for the right."""
    ld, to = c.landing, c.takeoff
    d = np.array([np.cos(yaw), np.sin(yaw)])
    still = c.t0  # from here on the foot is flat, turned and rolled back onto its footprint
    if ld is not None:
        if ld.rocker_s > 0:
            ck["pitch"].add(c.t0, ld.pitch, ld.rate_pre, 0.0)
            if ld.rise_s > 0:
                p_r = ld.pitch + 0.5 * ld.rise_s * (ld.rate_pre + ld.rate_post)
                ck["pitch"].add(c.t0 + ld.rise_s, p_r, ld.rate_post, 0.0)
            ck["pitch"].add(c.t0 + ld.rocker_s, 0.0, 0.0, 0.0)
        else:
            ck["pitch"].add(c.t0, 0.0, 0.0, 0.0)
        ck["roll"].add(c.t0, ld.roll, ld.roll_rate, ld.roll_acc)
        if ld.roll or ld.roll_rate or ld.roll_acc:
            ck["roll"].add(c.t0 + ld.settle_s, 0.0, 0.0, 0.0)
        ck["yaw"].add(c.t0, yaw + ld.yaw, ld.yaw_rate, ld.yaw_acc)
        if ld.yaw or ld.yaw_rate:
            ck["yaw"].add(c.t0 + ld.yaw_s, yaw, 0.0, 0.0)
        for key, comp in (("ox", 0), ("oy", 1)):
            ck[key].add(c.t0, -ld.slide_m * d[comp], ld.v_post_h * d[comp],
                        ld.a_post_h * d[comp])
            ck[key].add(c.t0 + ld.slide_s, 0.0, 0.0, 0.0)
        still = c.t0 + max(ld.rocker_s, ld.settle_s, ld.slide_s)
    else:
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw), ("ox", 0.0), ("oy", 0.0)):
            ck[key].add(c.t0, v, 0.0, 0.0)
    for t, p in c.pitch_keys:
        ck["pitch"].add(t, p, 0.0, 0.0)
    if to is not None:
        t_ho = c.t1 - to.push_s
        if ld is not None and c.kind == "walk" and c.sway_seed is not None and c.sway_sd > 0:
            _sway_keys(c, still + 0.02, t_ho - 0.02, yaw, sign, ck)
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw)):
            ck[key].add(t_ho, v, 0.0, 0.0)
        if to.plateau_s > 0:  # the pitch rate reaches a plateau before FC
            p_pl = 0.5 * to.plateau_rate * (to.push_s - to.plateau_s)
            ck["pitch"].add(c.t1 - to.plateau_s, p_pl, to.plateau_rate, 0.0)
        ck["pitch"].add(c.t1, to.pitch, to.rate, to.alpha_pre)
        ck["roll"].add(c.t1, to.roll, to.roll_rate, 0.0)
        ck["yaw"].add(c.t1, yaw + to.yaw, to.yaw_rate, 0.0)
    else:
        for key, v in (("pitch", 0.0), ("roll", 0.0), ("yaw", yaw)):
            ck[key].add(c.t1, v, 0.0, 0.0)
    for key in ("ox", "oy"):
        ck[key].add(c.t1, 0.0, 0.0, 0.0)


def _sway_keys(c: Contact, a: float, b: float, yaw: float, sign: float,
               ck: dict[str, Keys]) -> None:
    """The foot's slow motion while it is flat in walking stance: it everts (pronates) and
    turns in a little and back, a smooth hump in roll and yaw from rest at ``a`` to rest at
    ``b``, largest (and momentarily still) at mid-stance, where the truth takes the foot flat
    and a zero-velocity update finds it still. The roll is ``c.sway_sd`` times a random
    factor, the yaw :data:`SWAY_YAW` of that. Roll turns the foot about its sole line and yaw
    about the heel, which stays on its footprint, so no sole point moves but the toe, by
    about a millimetre along the floor."""
    ms = 0.5 * (c.t0 + c.landing.rocker_s + c.t1 - c.takeoff.push_s)  # as truth.mid_stance
    if not a + 0.05 < ms < b - 0.05:
        return
    size = c.sway_sd * np.random.default_rng(c.sway_seed).uniform(0.6, 1.4)
    for key, base, amp in (("roll", 0.0, sign * size), ("yaw", yaw, -sign * SWAY_YAW * size)):
        ck[key].add(a, base, 0.0, 0.0)
        ck[key].add(ms, base + amp, 0.0, None)
        ck[key].add(b, base, 0.0, 0.0)


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
        sk = {k: Keys() for k in ("pitch", "yaw", "roll", "hx", "hy", "hz", "az")}
        for c in self.plan.contacts:
            _contact_keys(c, self.fp_yaw[c.fp], 1.0 if self.plan.side == "left" else -1.0, ck)
        self.c_keys = {k: v.build() for k, v in ck.items()}
        self.s_keys = {}
        n = len(self.plan.swings)
        self.lat_dir, self.lift, self.lateral = np.zeros((n, 2)), np.zeros(n), np.zeros(n)
        #: per swing: the ankle point (along the sole, up) whose height is keyed, or NaN
        #: where the heel's height is keyed instead (stairs)
        self.ankle_uv = np.full((n, 2), np.nan)
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
        self.s_keys.update({k: v.build() for k, v in sk.items() if v.t})

    def _swing_keys(self, k: int, sw: Swing, sk: dict[str, Keys]) -> None:
        L, pitch = self.L, self.s_keys["pitch"]
        to, ld = self.plan.contacts[k].takeoff, self.plan.contacts[k + 1].landing
        shape, T = sw.shape, sw.t1 - sw.t0
        y0, y1 = self.fp_yaw[sw.fp0], self.fp_yaw[sw.fp1]
        floor0, floor1 = self.fp_heel[sw.fp0, 2], self.fp_heel[sw.fp1, 2]
        at = lambda s: sw.t0 + s * T  # noqa: E731
        # --- yaw: from the push-off's toe-in the foot turns out through the swing to the
        # landing's offset, which it reaches with a small rate (no reversal before IC)
        sk["yaw"].add(sw.t0, y0 + to.yaw, to.yaw_rate, 0.0)
        sk["yaw"].add(at(0.55), 0.5 * (y0 + y1) + to.yaw + 0.75 * (ld.yaw - to.yaw))
        sk["yaw"].add(sw.t1, y1 + ld.yaw, ld.yaw_rate, ld.yaw_acc)
        # --- roll: eversion after push-off, held, then the late-swing inversion (a sin²
        # rate bump) that reaches the landing's roll with its rate and acceleration
        t_a = sw.t1 - shape.invert_s
        sk["roll"].add(sw.t0, to.roll, to.roll_rate, 0.0)
        if t_a > at(0.3) + 1e-3:
            sk["roll"].add(at(0.3), shape.roll_bump, 0.0, 0.0)
        width = shape.invert_s + shape.invert_end_s
        tk = np.linspace(t_a, sw.t1, 7)[:-1]
        ang, rate, acc = rate_bump(tk, t_a, width, shape.invert_rate)
        sk["roll"].extend(tk, shape.roll_bump + ang, rate, acc)
        sk["roll"].add(sw.t1, ld.roll, ld.roll_rate, ld.roll_acc)
        # --- heel at FC: rotation about the toe of footprint fp0. When the toe lets go, the
        # pitch acceleration changes (alpha_pre → alpha) while the ankle's stays continuous
        e, de, dde_c = sole_dir(to.pitch, y0 + to.yaw, to.rate, to.yaw_rate, to.alpha_pre)
        h0 = self.fp_toe[sw.fp0] - L * e
        v0 = -L * de
        e_p = sole_dir(to.pitch + np.pi / 2, y0 + to.yaw)[0]  # up, perpendicular to the sole
        ua, va = ANKLE[0] * L, ANKLE[1]
        # with the heel very high the foot turns about a lower point, so the toe still rises
        c = (L - ua) * np.cos(to.pitch) + va * np.sin(to.pitch)
        if c < 0.03 and np.sin(to.pitch) < 0:
            va = float(np.clip((0.03 - (L - ua) * np.cos(to.pitch)) / np.sin(to.pitch), 0, va))
        a0 = -L * dde_c - (to.alpha - to.alpha_pre) * (ua * e_p - va * e)
        # --- heel just before IC: the landing point arriving at its footprint
        w = ld.pivot_w
        d1 = np.array([np.cos(y1), np.sin(y1), 0.0])
        p1 = self._pivot_at(sw.fp1, w) - ld.slide_m * d1
        e, de, dde = sole_dir(ld.pitch, y1 + ld.yaw, ld.rate_pre, ld.yaw_rate)
        h1 = p1 - w * L * e
        v1 = ld.v_pre_h * d1 + np.array([0, 0, ld.v_pre_z]) - w * L * de
        a1 = ld.a_pre_h * d1 + np.array([0, 0, ld.a_pre_z]) - w * L * dde
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
        tau = ld.brake_s
        if w == 0 and ld.a_brake_h < 0 and tau < 0.35 * T:
            # the heel brakes hardest tau before IC (acceleration linear from there to IC)
            a_k, a_1 = ld.a_brake_h, ld.a_pre_h
            v_k = ld.v_pre_h - tau * (a_k + a_1) / 2
            x_k = -(v_k * tau + tau**2 * (2 * a_k + a_1) / 6)
            for key, j in (("hx", 0), ("hy", 1)):
                sk[key].add(sw.t1 - tau, h1[j] + x_k * d1[j], v_k * d1[j], a_k * d1[j])
        for key, j in (("hx", 0), ("hy", 1)):
            sk[key].add(sw.t1, h1[j], v1[j], a1[j])
        # --- height: the ankle's (continuous with its path before FC), rising a little,
        # carrying the toe through its MTC, then lowering the lowest sole point to z_late
        # above the floor at s_late and the landing point onto it at IC. The heel's height
        # is the ankle's minus the pitch's share, evaluated exactly (no resampling).
        ang = lambda tk: tuple(pitch(tk, i) for i in range(3))  # noqa: E731
        floor = max(floor0, floor1)
        z_a0 = _shift((h0[2], v0[2], (-L * dde_c)[2]), (to.pitch, to.rate, to.alpha_pre), ua, va)
        t_m, t_l = float(at(shape.s_mtc)), float(at(shape.s_late))
        z_m = floor + shape.mtc
        low = 0.0 if pitch(t_l) >= 0 else L  # the lowest sole point at s_late: heel or toe
        head = [(sw.t0, *z_a0), (at(shape.s_peak), z_a0[0] + shape.z_peak, 0.0, None),
                (t_m, *_shift((z_m, 0.0, None), ang(t_m), ua - L, va))]
        z_late = shape.z_late
        for _ in range(8):  # raise z_late until the sole stays clear of the floor to IC
            tail = [(t_l, *_shift((floor1 + z_late, shape.v_late, None), ang(t_l),
                                  ua - low, va)),
                    (sw.t1, *_shift((h1[2], v1[2], a1[2]), (ld.pitch, ld.rate_pre, 0.0),
                                    ua, va))]
            rows = head + tail
            if not self._toe_climbs(rows, t_m, t_l, z_m, ua, va):
                rows = head + self._toe_guides(shape, T, at, z_m, floor1, ua, va) + tail
            # (a scuffing swing touches the floor at its MTC on purpose: check after it)
            start = t_m if shape.mtc > 0 else 0.5 * (t_m + t_l)
            if self._clear_to_landing(rows, start, sw.t1, floor1, ua, va):
                break
            z_late = 1.5 * z_late + 0.002
        for row in rows:
            sk["az"].add(*row)
        self.ankle_uv[k] = (ua, va)

    def _toe_climbs(self, rows, t_m: float, t_l: float, z_m: float, ua: float,
                    va: float) -> bool:
        """Whether, with the ankle keys ``rows``, the toe stays above its MTC height from
        the MTC to s_late (so that it rises out of its minimum and the sole stays clear)."""
        key = Keys()
        for row in rows:
            key.add(*row)
        t = np.linspace(t_m, t_l, 60)[1:]
        th = self.s_keys["pitch"](t)
        toe = key.build()(t) + (self.L - ua) * np.sin(th) - va * np.cos(th)
        return bool(np.all(toe >= z_m - 1e-5))

    def _clear_to_landing(self, rows, start: float, t1: float, floor1: float, ua: float,
                          va: float) -> bool:
        """Whether, with the ankle keys ``rows``, the lowest sole point stays above the
        floor landed on from ``start`` to IC."""
        key = Keys()
        for row in rows:
            key.add(*row)
        t = np.linspace(start, t1, 120)[1:-1]
        th = self.s_keys["pitch"](t)
        heel = key.build()(t) - ua * np.sin(th) - va * np.cos(th)
        low = heel + self.L * np.minimum(np.sin(th), 0.0)
        return bool(np.all(low > floor1))

    def _toe_guides(self, shape, T: float, at, z_m: float, floor1: float, ua: float,
                    va: float) -> list[tuple]:
        """Ankle keys that take the toe up from its MTC along a cubic, to at least
        :data:`TOE_RISE_M` above it (and the lowest sole point z_late + z_down above the
        floor) at ``shape.s_down``, with the slope towards s_late there."""
        L, pitch = self.L, self.s_keys["pitch"]
        ang = lambda tk: tuple(pitch(tk, i) for i in range(3))  # noqa: E731
        s_d = min(shape.s_down, shape.s_mtc + 0.7 * (shape.s_late - shape.s_mtc))
        toe_z = [floor1 + z + L * max(np.sin(float(pitch(at(s)))), 0.0) for s, z in
                 ((s_d, shape.z_late + shape.z_down), (shape.s_late, shape.z_late))]
        toe_z[0] = max(toe_z[0], z_m + TOE_RISE_M)
        span = (s_d - shape.s_mtc) * T
        slope = max((toe_z[1] - toe_z[0]) / ((shape.s_late - s_d) * T), 0.0)
        rows = []
        for q in (1 / 3, 2 / 3):
            h01, h11 = 3 * q * q - 2 * q**3, q**3 - q * q
            zq = z_m + h01 * (toe_z[0] - z_m) + h11 * span * slope
            dq = (6 * q - 6 * q * q) * (toe_z[0] - z_m) / span + (3 * q * q - 2 * q) * slope
            tq = float(at(shape.s_mtc + q * (s_d - shape.s_mtc)))
            rows.append((tq, *_shift((zq, dq, None), ang(tq), ua - L, va)))
        t_d = float(at(s_d))
        rows.append((t_d, *_shift((toe_z[0], slope, None), ang(t_d), ua - L, va)))
        return rows

    def _stair_keys(self, sw: Swing, sk: dict[str, Keys], fc, ic, yaw: float,
                    ld: Landing) -> None:
        """Stairs: the toe follows keyframes in x (along the swing) and z, clear of the steps."""
        L, pitch = self.L, self.s_keys["pitch"]
        (h0, v0, a0), (h1, v1, a1) = fc, ic
        T = sw.t1 - sw.t0
        u = np.array([np.cos(yaw), np.sin(yaw)])
        toe0 = self.fp_toe[sw.fp0]
        e, de, dde = sole_dir(ld.pitch, yaw + ld.yaw, ld.rate_pre, ld.yaw_rate)
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
        z = np.empty(len(t))
        ua, va = self.ankle_uv[si, 0], self.ankle_uv[si, 1]
        by_ankle = np.isfinite(ua)
        if by_ankle.any():
            m = by_ankle
            z[m] = self.s_keys["az"](t[m]) - ua[m] * np.sin(pitch[m]) - va[m] * np.cos(pitch[m])
        if not by_ankle.all():
            m = ~by_ankle
            z[m] = self.s_keys["hz"](t[m])
        return np.column_stack([xy, z + self.lift[si] * b])

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
