"""How each step looks: push-off, swing keyframes and landing, from speed and severity.

Normal values follow the speed (healthy adults at 1.25 m/s: strike angle ~26°, toe-off ~-62°,
pitch rate ~500 deg/s at toe-off, MTC ~1.3 cm, heel lifted ~25 cm in early swing). Foot-drop
severity ``sev`` in [0, 1] reduces dorsiflexion continuously: the strike angle goes from a heel
strike through a flat-foot landing (moderate) to a toe-first landing (severe), the MTC and the
late-swing toe lift fall, the push-off weakens, and the landing is more inverted. Each value
varies from stride to stride with ``GaitSpec.variability``.
"""

from __future__ import annotations

import numpy as np

from footdrop.simulate.params import HIP_WIDTH_M, GaitSpec
from footdrop.simulate.timeline import Landing, SwingShape, Takeoff

D = np.deg2rad


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
    push_s = 0.23 * T
    scale = min(1.0, v)  # out-of-plane motion grows with speed
    rate = 2.0 * D(to_deg) / push_s
    tau = 0.06 * t_sw  # the pitch stops falling this long after FC
    takeoff = Takeoff(D(to_deg), rate, push_s, alpha=-rate / tau,
                      roll=sgn * D(4.0) * scale, roll_rate=sgn * D(100.0) * scale,
                      yaw=-sgn * D(5.0) * scale, yaw_rate=-sgn * D(120.0) * scale)
    # hip hiking raises the swing hip (about the stance hip), and the swing foot with it
    hike = D(spec_side.hip_hiking_deg)
    hike_lift = HIP_WIDTH_M * np.sin(hike)
    v_pre_z = -(0.08 + 0.06 * v) if kind != "stairs" else -0.2
    s_late = 0.8
    z_late = 0.008 + 0.017 * min(1.0, sev / 0.7)
    z_late = max(z_late, 0.7 * abs(v_pre_z) * (1 - s_late) * t_sw)
    shape = SwingShape(
        overshoot=0.5 * abs(rate) * tau, mid_pitch=D(max(mid, to_deg + 5.0)), z_peak=z_peak,
        mtc=mtc, z_late=z_late, s_mtc=0.5 + n(0.02), s_late=s_late,
        lift=0.0 if scuff else spec_side.steppage_m + hike_lift,  # a scuff: the lift failed
        hike=0.0 if scuff else hike,
        lateral=0.02 + spec_side.circumduction_m + n(0.005),
        yaw_bump=sgn * D(10.0) * scale, roll_bump=sgn * D(3.0) * scale,
        roll_late=-sgn * D(10.0 + 4.0 * sev) * scale, scuff=scuff)
    if kind == "stairs":
        shape.toe_path = stair_path(sp.stair_riser_m, *floors)
        shape.mid_pitch, shape.lateral, shape.yaw_bump = D(-10.0), 0.005, 0.0
        shape.roll_bump = shape.roll_late = 0.0
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
    v_pre_h = 0.8 * v * (1 - 0.5 * sev) if kind != "stairs" else 0.2
    roll = -sgn * D(11.0 + 4.0 * sev) * scale
    yaw_ic = sgn * D(10.0) * scale if rocker > 0 else 0.0
    landing = Landing(
        pitch=D(strike), rate_pre=rate_pre,
        rate_post=-1.3 * D(strike) / rocker if rocker > 0 else 0.0, rocker_s=rocker,
        v_pre_h=v_pre_h, v_pre_z=v_pre_z, a_pre_h=-12.0 * v if kind != "stairs" else -2.0,
        v_post_h=0.4 * v_pre_h, slide_s=0.03, roll=roll, roll_rate_post=-1.6 * roll / 0.05,
        yaw=yaw_ic, yaw_rate_post=-1.6 * yaw_ic / min(rocker, 0.05) if rocker > 0 else 0.0,
        settle_s=0.05)
    return takeoff, shape, landing, scuff

def stair_path(riser: float, floor0: float, floor1: float, dist: float):
    """Toe keyframes (s, metres forward, height) that clear the step edges."""
    if floor1 >= floor0:  # up: lift above the next step first, then reach forward
        return [(0.3, 0.01, min(floor0 + riser, floor1) + 0.05),
                (0.6, 0.55 * dist, floor1 + 0.06), (0.85, dist - 0.01, floor1 + 0.02)]
    # down: off the edge first, then down steeply onto the toes
    return [(0.35, min(0.32, 0.5 * dist), floor0 + 0.04),
            (0.65, dist - 0.03, floor1 + 0.16), (0.85, dist - 0.005, floor1 + 0.05)]
