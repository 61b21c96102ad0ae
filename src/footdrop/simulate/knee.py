"""The knee in walking: a flexion curve keyed on each foot's gait events.

In level walking (Perry & Burnfield, *Gait Analysis*, 2nd ed. 2010; Winter, *Biomechanics and
Motor Control of Human Movement*, 4th ed. 2009) the knee flexes by 15–20° in the loading
response, extends to a few degrees in mid and terminal stance, starts flexing again around heel
rise and is at about 35–40° at toe-off, still flexing fast (300–400 deg/s); its swing peak of
about 60–65° comes at 70–73 % of the cycle, and it is nearly straight again just before the
next initial contact.

Solved from the hip–ankle distance (:func:`.leg.soft_flexion`), as it still is at rest and on
stairs, the simulator's knee gets walking wrong: its smooth pelvis and its independently keyed
feet put the hip too far from the ankle in terminal stance, so the knee stays locked until
well after heel-off and then unlocks abruptly, and the shank's forward rotation peaked 80–170
ms before toe-off. In walking the flexion is therefore keyed per foot, on that foot's events
(IC, heel-off HO = FC − push-off time, FC, next IC; ``T`` the stride time, ``v`` the step's
speed), as a C2 quintic keyframe curve (:class:`.geometry.Keys`) with these keys:

* IC: :data:`IC_DEG`;
* loading response, 25 % of the stance after IC: :data:`LOADING_DEG` at ``v``, rate 0;
* heel-off: :data:`STANCE_MIN_DEG`, rate and acceleration 0;
* **push-off, HO to FC: the knee flexes with the heel rise,**
  ``k = STANCE_MIN_DEG + (k_fc − STANCE_MIN_DEG) · x ** PUSH_OFF_EXPONENT`` with
  ``x = pitch / pitch at FC`` (the foot's own sole pitch, 0 at HO, 1 at FC). The knee's rate
  thus rises with the foot's push-off rate, and both peak at FC, where the floor lets go of the
  foot. ``k_fc`` is the leg geometry's flexion at FC (the exact inverse kinematics,
  :func:`.leg.exact_flexion`), kept within :data:`TOE_OFF_BAND` of :data:`TOE_OFF_DEG` at
  ``v``;
* FC: ``k_fc`` with the push-off's rate; the acceleration is 0 just after FC (the rate
  peaks there and falls off towards the swing peak);
* swing peak: the geometry's largest flexion in the swing, within :data:`SWING_PEAK_BAND` of
  :data:`SWING_PEAK_DEG` at ``v`` (so a steppage lift, which raises the foot, flexes the knee
  more), at the geometry's time within :data:`PEAK_AT` of the swing; rate 0;
* terminal swing, 4 % of ``T`` before the next IC: :data:`EXTENDED_DEG`, rate 0.

Where the keyed flexion differs from the leg's geometry, the thigh does not end at the
pelvis's hip-joint centre (:func:`.leg.knee_for_flexion`, the gap is returned); the shank,
which carries the sensor, always sits on the ankle joint. The walking curve covers each run of
level or turning steps of a foot and fades in over :data:`RAMP_S` before its first heel-off
and out after its last loading response (plus 0.2 s to settle); at rest and on stairs the knee
is the inverse kinematics'.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PPoly

from footdrop.simulate.foot import FootModel
from footdrop.simulate.gait import Plan
from footdrop.simulate.geometry import Keys
from footdrop.simulate.leg import exact_flexion

D = np.deg2rad
#: Speeds (m/s) at which the speed-dependent values below are given (interpolated between,
#: held outside).
SPEEDS = [0.2, 0.6, 1.2, 2.0]
IC_DEG = 5.0
LOADING_DEG = [6.0, 11.0, 18.0, 23.0]
STANCE_MIN_DEG = 4.0
TOE_OFF_DEG = [25.0, 32.0, 38.0, 42.0]
TOE_OFF_BAND = (-3.0, 7.0)
SWING_PEAK_DEG = [48.0, 55.0, 62.0, 66.0]
SWING_PEAK_BAND = (-8.0, 20.0)
EXTENDED_DEG = 2.0
#: Shape of the push-off flexion against the heel rise (1: proportional to the pitch).
PUSH_OFF_EXPONENT = 1.5
#: The swing peak at the geometry's time, within these fractions of the swing.
PEAK_AT = (0.25, 0.42)
#: The walking curve fades in and out over this time, s.
RAMP_S = 0.3
SETTLE_S = 0.2


@dataclass
class _Curve:
    flex: PPoly  # walking flexion, rad
    weight: PPoly  # 1 in walking, 0 at rest and on stairs
    t0: float
    t1: float
    pushes: tuple[np.ndarray, ...]  # heel-off, FC, flexion at HO, gained to FC, pitch at FC


def _steps(plan: Plan, model: FootModel) -> list[tuple[bool, float]]:
    """Per swing of this foot: whether it gets the walking knee (a level or turning step)
    and the step's speed."""
    info = {round(s.fc, 9): s for s in plan.steps if s.side == model.plan.side}
    out = []
    for sw in model.plan.swings:
        st = info.get(round(sw.t0, 9))
        kind, v = (st.kind, st.speed) if st is not None else ("walk", 1.0)
        out.append((kind != "stairs" and sw.shape.toe_path is None, v))
    return out


class KneeCurves:
    """The walking knee flexion of each side; see the module docstring.

    ``distance(side, t)`` gives the hip–ankle distance (m) of that side at times ``t``.
    ``keyed[side]`` lists, per keyed swing, its FC and IC times and the keyed values.
    """

    def __init__(self, plan: Plan, models: dict[str, FootModel], distance, thigh: float,
                 shank: float) -> None:
        self.models = models
        self.keyed: dict[str, list[dict[str, float]]] = {}
        self.curves = {side: self._build(plan, model, lambda t, s=side: distance(s, t),
                                         thigh, shank, side)
                       for side, model in models.items()}

    def _build(self, plan, model, distance, thigh, shank, side) -> _Curve | None:
        fp = model.plan
        runs: list[list[int]] = []
        steps = _steps(plan, model)
        for j, (ok, _) in enumerate(steps):
            if not ok or fp.contacts[j].takeoff is None:
                continue
            if runs and runs[-1][-1] == j - 1 and fp.contacts[j].kind == "walk":
                runs[-1].append(j)
            else:
                runs.append([j])
        self.keyed[side] = []
        if not runs:
            return None
        run_keys, pushes = [], []
        for run in runs:
            keys = []
            for j in run:
                keys += self._stride(fp, j, steps[j][1], distance, thigh, shank, side, pushes)
            run_keys.append(keys)
        flex, weight = Keys(), Keys()
        k_rest = D(STANCE_MIN_DEG)
        for i, keys in enumerate(run_keys):
            # fade in before the first heel-off and out after the last loading response;
            # shorter ramps where two runs come close, none (one curve) closer than 0.1 s
            gap_before = keys[0][0] - (run_keys[i - 1][-1][0] + SETTLE_S) if i else np.inf
            gap_after = (run_keys[i + 1][0][0] - (keys[-1][0] + SETTLE_S)
                         if i + 1 < len(run_keys) else np.inf)
            if gap_before >= 0.1:
                r = min(RAMP_S, 0.5 * gap_before - 0.01)
                flex.add(keys[0][0] - r, k_rest, 0.0, 0.0)
                weight.add(keys[0][0] - r, 0.0, 0.0, 0.0)
                weight.add(keys[0][0], 1.0, 0.0, 0.0)
            for key in keys:
                flex.add(*key)
            if gap_after >= 0.1:
                r = min(RAMP_S, 0.5 * gap_after - 0.01)
                t_set = keys[-1][0] + SETTLE_S
                flex.add(t_set, k_rest, 0.0, 0.0)
                flex.add(t_set + r, k_rest, 0.0, 0.0)
                weight.add(t_set, 1.0, 0.0, 0.0)
                weight.add(t_set + r, 0.0, 0.0, 0.0)
        pushes_arr = tuple(np.array(x, float) for x in zip(*pushes, strict=True))
        return _Curve(flex.build(), weight.build(), flex.t[0], flex.t[-1], pushes_arr)

    def _stride(self, fp, j, v, distance, thigh, shank, side, pushes) -> list[tuple]:
        """Keys from the heel-off before swing ``j`` to the loading response after it."""
        sw, c, c1 = fp.swings[j], fp.contacts[j], fp.contacts[j + 1]
        to = c.takeoff
        fc, ic1 = sw.t0, sw.t1
        T = ic1 - c.t0 if c.kind == "walk" and c.landing is not None else (ic1 - fc) / 0.38
        ho = c.t1 - to.push_s
        ts = np.linspace(fc, ic1, 81)
        geo = np.rad2deg(exact_flexion(distance(ts), thigh, shank))
        i_pk = int(np.argmax(geo))
        tb_pk = float(np.interp(v, SPEEDS, SWING_PEAK_DEG))
        k_pk = float(np.clip(geo[i_pk], tb_pk + SWING_PEAK_BAND[0], tb_pk + SWING_PEAK_BAND[1]))
        t_pk = float(np.clip(ts[i_pk], fc + PEAK_AT[0] * (ic1 - fc), fc + PEAK_AT[1] * (ic1 - fc)))
        tb_fc = float(np.interp(v, SPEEDS, TOE_OFF_DEG))
        k_fc = float(np.clip(geo[0], tb_fc + TOE_OFF_BAND[0], tb_fc + TOE_OFF_BAND[1]))
        k_fc = min(k_fc, k_pk - 10.0)
        # push-off: k = k_ho + dk x^g, x = pitch / pitch at FC; its rate at FC follows
        dk = D(k_fc - STANCE_MIN_DEG)
        r_fc = dk * PUSH_OFF_EXPONENT * to.rate / to.pitch
        pushes.append((ho, fc, D(STANCE_MIN_DEG), dk, to.pitch))
        t_ext = ic1 - min(0.04 * T, 0.3 * (ic1 - t_pk))
        # loading response after the next IC, before that contact's own heel-off
        stance = c1.t1 - c1.t0 if c1.kind == "walk" and c1.takeoff is not None else 0.62 * T
        t_lr = ic1 + 0.25 * stance
        if c1.takeoff is not None:
            t_lr = min(t_lr, ic1 + 0.5 * (c1.t1 - c1.takeoff.push_s - ic1))
        k_lr = float(np.interp(v, SPEEDS, LOADING_DEG))
        self.keyed[side].append({"fc": fc, "ic": ic1, "knee_fc_deg": k_fc,
                                 "knee_rate_fc_dps": float(np.rad2deg(r_fc)),
                                 "knee_peak_deg": k_pk, "knee_peak_s": t_pk,
                                 "geometry_fc_deg": float(geo[0]),
                                 "geometry_peak_deg": float(geo[i_pk])})
        return [(ho, D(STANCE_MIN_DEG), 0.0, 0.0), (fc, D(k_fc), r_fc, 0.0),
                (t_pk, D(k_pk), 0.0, None), (t_ext, D(EXTENDED_DEG), 0.0, None),
                (ic1, D(IC_DEG), None, None), (t_lr, D(k_lr), 0.0, None)]

    def flexion(self, side: str, t: np.ndarray, soft: np.ndarray) -> np.ndarray:
        """Knee flexion (rad) at times ``t``: the walking curve, blended into ``soft`` (the
        inverse kinematics' flexion at those times) at rest and on stairs."""
        c = self.curves.get(side)
        if c is None:
            return soft
        t = np.asarray(t, float)
        tc = np.clip(t, c.t0, c.t1)
        w = np.clip(c.weight(tc), 0.0, 1.0)
        flex = c.flex(tc)
        ho, fc, k0, dk, p_fc = c.pushes
        i = np.searchsorted(ho, t) - 1
        m = (i >= 0) & (t < fc[np.maximum(i, 0)])
        if m.any():  # push-off: the flexion follows the heel rise
            i = i[m]
            x = np.clip(self.models[side].evaluate(t[m])["pitch"] / p_fc[i], 0.0, 1.0)
            flex[m] = k0[i] + dk[i] * x**PUSH_OFF_EXPONENT
        return soft + w * (flex - soft)
