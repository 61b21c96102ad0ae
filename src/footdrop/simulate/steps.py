"""How each step looks: push-off, swing keyframes and landing, from speed and severity.

Normal values follow the speed (healthy adults at 1.25 m/s: strike angle ~26°, toe-off ~-62°,
pitch rate ~500 deg/s at toe-off, MTC ~1.3 cm, heel lifted ~25 cm in early swing). Foot-drop
severity ``sev`` in [0, 1] reduces dorsiflexion continuously: the strike angle goes from a heel
strike through a flat-foot landing (moderate) to a toe-first landing (severe), the MTC and the
late-swing toe lift fall, the push-off weakens, and the landing is more inverted. Each value
varies from stride to stride with ``GaitSpec.variability``.

The shapes follow healthy recordings (the gaitmap example's shoe IMUs and markers, see
docs/simulator.md): the push-off rate reaches a plateau about 60 ms before FC and peaks at
FC; in late swing the foot brakes hardest about 50 ms before IC and inverts (roll rate
about -150 deg/s), then lands inverted and turned out, and everts (about +300 deg/s, 30 ms
after IC) and turns back during the loading; the landing point meets the floor at about
0.36 m/s at 1.3 m/s (less in flat-foot and toe-first landings), which the shoe and the heel
pad stop within a few milliseconds (the impact, :mod:`.sensors`).
"""

from __future__ import annotations

import numpy as np

from footdrop.simulate.geometry import rate_bump
from footdrop.simulate.params import HIP_WIDTH_M, GaitSpec
from footdrop.simulate.timeline import Landing, SwingShape, Takeoff

D = np.deg2rad
#: Late swing (see step_shape): where the lowest sole point has come down to z_late, its
#: fall rate there (fraction of the landing's vertical speed), the least z_late (fraction
#: of the landing speed times the time left), the landing point's vertical acceleration.
S_LATE = 0.8
V_LATE = 0.1
LATE_GUARD = 0.3
A_PRE_Z = 0.0
#: Push-off with a plateau of the pitch rate before FC (False: a single peak at FC, the
#: shape before the realism review; kept to tell the two apart in engine tests).
PLATEAU = True


def step_shape(sp: GaitSpec, rng: np.random.Generator, side: str, v: float, sev: float,
               T: float, t_sw: float, kind: str, floors: tuple[float, float, float]):
    """Takeoff, swing shape, landing and whether the swing scuffs, for one step.

    ``v`` speed (m/s), ``sev`` foot-drop severity, ``T`` stride and ``t_sw`` swing time (s),
    ``kind`` of step (init, walk, turn, stairs, close), ``floors`` = (floor left, floor
    landed on, distance between the two footprints).
    """
    var = sp.variability
    spec_side = getattr(sp, side)
    sgn = 1.0 if side == "left" else -1.0
    n = lambda sd: sd * var * rng.standard_normal()  # noqa: E731
    to_deg = max(-(22.0 + 32.0 * v) * (1 - 0.35 * sev) + n(2.0), -78.0)
    strike_n = float(np.clip(6.0 + 16.0 * v, 5.0, 32.0))
    strike = strike_n - sev * (strike_n + 12.0) + n(1.5)
    mid = -(14.0 + 5.0 * v) - 15.0 * sev + n(2.0)
    mtc = max(0.002, (0.010 + 0.003 * v) * (1 - 0.75 * sev) + n(0.002))
    z_peak = max(0.005, (0.008 + 0.012 * v) * (1 - 0.3 * sev) + n(0.002))  # ankle rise
    scuff = bool(rng.random() < spec_side.scuffs) and kind in ("walk", "turn")
    if scuff:
        mtc = -sp.scuff_depth_m
    rise = floors[1] - floors[0]
    if kind == "stairs":
        to_deg = -25.0 + n(2.0) if rise > 0 else -15.0 + n(2.0)
        strike = -3.0 if rise > 0 else -20.0
    elif kind in ("init", "close"):
        to_deg *= 0.8
    to_deg = min(to_deg, -8.0)
    if abs(strike) < 0.5:
        strike = 0.0
    scale = min(1.0, v)  # out-of-plane motion grows with speed
    tau = 0.06 * t_sw  # the pitch stops falling this long after FC
    if kind == "stairs" or not PLATEAU:  # a short push-off that peaks at FC
        push_s, peak_s, rho = 0.23 * T, 0.0, 1.0
        peak = 2.0 * D(to_deg) / push_s
        alpha_pre = 0.0
    else:
        # heel-off to FC: the pitch rate rises to a plateau peak_s before FC, then grows by
        # rho to its peak at FC (the shoe unbending as the toe lets go), after which it
        # falls fast (to.alpha)
        push_s = 0.2 * T
        q = float(np.clip(0.3 + n(0.05), 0.15, 0.45))
        rho = float(np.clip(1.18 + n(0.04), 1.05, 1.3))
        peak_s = q * push_s
        peak = D(to_deg) / (push_s * ((1 - q) / 2 + q * (2 + rho) / 3))
        alpha_pre = 2 * (rho - 1) * peak / peak_s
    rate = rho * peak
    takeoff = Takeoff(D(to_deg), rate, push_s, alpha=-rate / tau, plateau_rate=peak,
                      plateau_s=peak_s, alpha_pre=alpha_pre,
                      roll=sgn * D(4.0) * scale, roll_rate=sgn * D(100.0) * scale,
                      yaw=-sgn * D(5.0) * scale, yaw_rate=-sgn * D(120.0) * scale)
    # hip hiking raises the swing hip (about the stance hip), and the swing foot with it
    hike = D(spec_side.hip_hiking_deg)
    hike_lift = HIP_WIDTH_M * np.sin(hike)
    # the landing point's vertical speed at IC: it grows with speed, is lower for flat-foot
    # and toe-first landings, and varies much from step to step (the impact with it)
    if kind != "stairs":
        v_pre_z = -(0.1 + 0.2 * v) * (1 - 0.3 * sev) * float(np.exp(np.clip(n(0.35), -1, 1)))
    else:
        v_pre_z = -0.2
    a_pre_z = A_PRE_Z if kind != "stairs" else 0.0
    # late swing: the lowest sole point glides down to z_late at s_late (higher with foot
    # drop), falling at v_late, then onto the floor at v_pre_z
    s_late = S_LATE
    v_late = V_LATE * v_pre_z
    z_late = 0.003 + 0.02 * min(1.0, sev / 0.7)
    z_late = max(z_late, LATE_GUARD * abs(v_pre_z) * (1 - s_late) * t_sw)
    roll = -sgn * D(12.0 + 4.0 * sev) * scale
    roll_bump = sgn * D(4.0) * scale
    shape = SwingShape(
        overshoot=0.5 * abs(rate) * tau, mid_pitch=D(max(mid, to_deg + 5.0)), z_peak=z_peak,
        mtc=mtc, z_late=z_late, v_late=v_late, s_mtc=0.5 + n(0.02), s_late=s_late,
        lift=0.0 if scuff else spec_side.steppage_m + hike_lift,  # a scuff: the lift failed
        hike=0.0 if scuff else hike,
        lateral=0.02 + spec_side.circumduction_m + n(0.005),
        roll_bump=roll_bump, invert_s=0.5 * t_sw, invert_end_s=0.02, scuff=scuff)
    if kind == "stairs":
        shape.toe_path = stair_path(sp.stair_riser_m, *floors)
        shape.mid_pitch, shape.lateral = D(-10.0), 0.005
        roll = roll_bump = shape.roll_bump = 0.0
        takeoff.alpha, takeoff.yaw, takeoff.yaw_rate = 0.0, 0.0, 0.0
        shape.overshoot = D(2.0)
    if strike > 0:
        rocker = float(np.clip(0.0055 * strike, 0.03, 0.16) * np.clip(np.sqrt(1.25 / v),
                                                                      0.8, 1.5))
        rate_pre = -D(50.0) * strike / 26.0
    elif strike < 0:
        rocker = float(np.clip(0.006 * -strike, 0.03, 0.12))
        rate_pre = D(20.0)
    else:
        rocker, rate_pre = 0.0, 0.0
    # the pitch rate rises from rate_pre to rate_post in rise_s (the foot tips onto the
    # floor), then the foot rolls over to flat by rocker_s
    rise_s = min(0.02, 0.35 * rocker)
    rate_post = (-1.3 * (D(strike) + 0.5 * rise_s * rate_pre) / (rocker - 0.35 * rise_s)
                 if rocker > 0 else 0.0)
    v_pre_h = (0.1 + 0.4 * v) * (1 - 0.5 * sev) if kind != "stairs" else 0.2
    a_pre_h = -(6.0 + 16.0 * v) if kind != "stairs" else -2.0
    # the impact stops the landing point along the sole's normal: the vertical speed and,
    # for a heel strike, part of the forward one; then it slides to rest (friction)
    v_post_h = max(v_pre_h - abs(v_pre_z) * min(np.tan(max(D(strike), 0.0)), 0.5), 0.0)
    slide_s = 0.035
    # the late-swing inversion to `roll` at IC: a sin² roll-rate bump from invert_s before
    # IC to invert_end_s after it, starting from roll_bump (held since 30 % of swing)
    width = shape.invert_s + shape.invert_end_s
    full = rate_bump(shape.invert_s, 0.0, width, 1.0)[0]
    w_roll = (roll - roll_bump) / full if full > 0 else 0.0
    _, roll_rate, roll_acc = rate_bump(shape.invert_s, 0.0, width, w_roll)
    shape.invert_rate = float(w_roll)
    # the foot lands turned out and turns back onto its footprint during the roll-over
    # (less after a short one)
    yaw_k = sgn * scale * min(1.0, rocker / 0.1)
    landing = Landing(
        pitch=D(strike), rate_pre=rate_pre, rate_post=rate_post, rocker_s=rocker,
        v_pre_h=v_pre_h, v_pre_z=v_pre_z, a_pre_h=a_pre_h, a_pre_z=a_pre_z,
        a_brake_h=1.3 * a_pre_h if kind != "stairs" else 0.0, brake_s=0.05,
        v_post_h=v_post_h, a_post_h=-v_post_h / slide_s, slide_s=slide_s, rise_s=rise_s,
        roll=roll, roll_rate=float(roll_rate), roll_acc=float(roll_acc),
        yaw=D(7.0) * yaw_k, yaw_rate=D(10.0) * yaw_k, yaw_acc=-D(1000.0) * yaw_k,
        settle_s=0.065)
    if kind == "stairs":
        landing.roll_rate = landing.roll_acc = 0.0
    return takeoff, shape, landing, scuff


def stair_path(riser: float, floor0: float, floor1: float, dist: float):
    """Toe keyframes (s, metres forward, height) that clear the step edges."""
    if floor1 >= floor0:  # up: lift above the next step first, then reach forward
        return [(0.3, 0.01, min(floor0 + riser, floor1) + 0.05),
                (0.6, 0.55 * dist, floor1 + 0.06), (0.85, dist - 0.01, floor1 + 0.02)]
    # down: off the edge first, then down steeply onto the toes
    return [(0.35, min(0.32, 0.5 * dist), floor0 + 0.04),
            (0.65, dist - 0.03, floor1 + 0.16), (0.85, dist - 0.005, floor1 + 0.05)]
