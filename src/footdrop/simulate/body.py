"""Lower-back and shank sensors: the pelvis (:mod:`.pelvis`), a two-link leg per side, their
IMU signals and their per-stride truth.

**Leg.** Thigh from the hip-joint centre (the pelvis origin ± half the hip width along the
pelvis y axis) to the knee, shank from the knee to the ankle joint (:func:`ankle_point`: 8 cm
above the sole, a quarter of the sole length ahead of the heel, :data:`.foot.ANKLE`). The knee
lies in the plane through the hip, the ankle and the pelvis's forward direction, bending
forwards. In walking its flexion is a curve keyed on the foot's gait events, which flexes the
knee with the heel rise in push-off (:mod:`.knee`); at rest and on stairs it solves the
two-link inverse kinematics of the hip–ankle distance, softly limited near full extension
(:mod:`.leg`). The shank always sits on the ankle joint; where the flexion and the hip–ankle
distance disagree, the thigh ends short of (or beyond) the hip-joint centre (``hip_gap``).

**Shank frame and sensor.** z from the ankle to the knee, x forwards (the pelvis's forward
direction made perpendicular to z), y = z × x (to the left). The sensor sits at
``BodySpec.shank_sensor`` = (forward, lateral, up) from the ankle in that frame (default
0, 5 cm lateral, 20 cm up: the lateral shank at mid-length). The shank angle is the sagittal
inclination of the ankle → knee axis from vertical, positive with the knee ahead of the ankle
(the tibia leaning forward over the planted foot).

**Signals** are derived as for the feet (:mod:`.sensors`): specific force from the second
difference of the sensor point, angular rate from the orientation (:func:`sensors.angular_rate`),
then the same decimation and sensor errors. At each initial contact the ankle's velocity jumps
(the foot model's impact); the shank sensor then rings like the shoe mount (``ring_hz``,
``ring_zeta``), which keeps its velocity continuous. The pelvis has no impacts (it is C2).
Each body sensor draws its mounting and its errors from its own child of the seed, so the feet's
signals do not change when body sensors are added.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from footdrop.recording import Sensor
from footdrop.simulate import sensors as sens
from footdrop.simulate.foot import ANKLE, FootModel
from footdrop.simulate.gait import Plan
from footdrop.simulate.geometry import rotation
from footdrop.simulate.knee import KneeCurves
from footdrop.simulate.leg import knee_for_flexion, soft_flexion, unit
from footdrop.simulate.params import GaitSpec
from footdrop.simulate.pelvis import BodySpec, PelvisModel

SIDES = ("left", "right")
#: Child index of the seed per body sensor (so each sensor's random streams are fixed).
BODY_STREAMS = {"lower_back": 0, "left_shank": 1, "right_shank": 2}


def ankle_point(model: FootModel, t: np.ndarray, ev: dict[str, np.ndarray]) -> np.ndarray:
    """Ankle joint ``(n, 3)`` at times ``t`` from the foot pose ``ev`` (of
    :meth:`FootModel.evaluate`): :data:`.foot.ANKLE` in the foot's sagittal plane.

    The foot's roll, and its heading offsets around landing and push-off, are movements of the
    foot under the ankle (subtalar joint), so the ankle takes the sole pitch of the foot but
    the heading of its footprint, placed from the sole point the foot lands on and pivots
    about after the landing (heel or toe). In a swing, heading and sole point blend (C2) from
    the footprint left to the one landed on. So the ankle's velocity jumps at an impact only
    in the sagittal plane, and only as much as the foot's landing point and pitch rate do.
    """
    swing, idx = model.phase_of(t)
    w_c = np.array([c.landing.pivot_w if c.landing is not None else 0.0
                    for c in model.plan.contacts])
    ci = np.where(swing, 0, idx)
    yaw, w = model.fp_yaw[model.c_fp[ci]], w_c[ci]
    if swing.any():
        si = idx[swing]
        fp0 = np.array([s.fp0 for s in model.plan.swings])[si]
        fp1 = np.array([s.fp1 for s in model.plan.swings])[si]
        s = (t[swing] - model.s_t0[si]) / (model.s_t1[si] - model.s_t0[si])
        b = s**3 * (10 - 15 * s + 6 * s * s)
        yaw[swing] = model.fp_yaw[fp0] + b * (model.fp_yaw[fp1] - model.fp_yaw[fp0])
        w[swing] = w_c[si] + b * (w_c[si + 1] - w_c[si])
    R = rotation(yaw, ev["pitch"], np.zeros_like(yaw))
    q = ev["heel"] + w[:, None] * (ev["toe"] - ev["heel"])
    a = np.zeros((len(t), 3))
    a[:, 0], a[:, 2] = ANKLE[0] * model.L - w * model.L, ANKLE[1]
    return q + np.einsum("nij,nj->ni", R, a)


def shank_pose(knee: np.ndarray, ankle: np.ndarray, forward: np.ndarray,
               offset: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shank → world rotations ``(n, 3, 3)``, sensor points ``(n, 3)`` and sagittal angles
    (rad, knee ahead of the ankle positive)."""
    z = unit(knee - ankle)
    x = unit(forward - np.sum(forward * z, axis=-1, keepdims=True) * z)
    R = np.stack([x, np.cross(z, x), z], axis=-1)
    angle = np.arctan2(np.sum(z * forward, axis=-1), z[:, 2])
    return R, ankle + R @ offset, angle


class BodyModel:
    """Pelvis and legs of a simulated walk; evaluates the body sensors' poses."""

    def __init__(self, plan: Plan, models: dict[str, FootModel], spec: GaitSpec,
                 body: BodySpec) -> None:
        self.plan, self.models, self.body = plan, models, body
        self.pelvis = PelvisModel(plan, models, spec, body)
        off = np.asarray(body.shank_sensor, float)
        self.offsets = {s: off * [1.0, 1.0 if s == "left" else -1.0, 1.0] for s in SIDES}
        self._knee: KneeCurves | None = None

    @property
    def knee(self) -> KneeCurves:
        """The walking knee curves (:mod:`.knee`), built on first use."""
        if self._knee is None:
            def distance(side: str, t: np.ndarray) -> np.ndarray:
                model = self.models[side]
                ankle = ankle_point(model, t, model.evaluate(t))
                return np.linalg.norm(self.pelvis.evaluate(t)[f"hip_{side}"] - ankle, axis=1)

            self._knee = KneeCurves(self.plan, self.models, distance, self.body.thigh_m,
                                    self.body.shank_m)
        return self._knee

    def shank(self, side: str, t: np.ndarray, ankle: np.ndarray, pel: dict[str, np.ndarray]):
        """Knee, flexion, shank rotation, sensor point, sagittal angle and the thigh's gap to
        the hip (:func:`.leg.knee_for_flexion`) for one side at times ``t``."""
        b = self.body
        hip = pel[f"hip_{side}"]
        soft = soft_flexion(np.linalg.norm(hip - ankle, axis=1), b.thigh_m, b.shank_m)
        flex = self.knee.flexion(side, t, soft)
        knee, gap = knee_for_flexion(hip, ankle, pel["forward"], b.thigh_m, b.shank_m, flex)
        R, pos, angle = shank_pose(knee, ankle, pel["forward"], self.offsets[side])
        return knee, flex, R, pos, angle, gap

    def shank_impacts(self, side: str) -> list[tuple[float, np.ndarray]]:
        """Velocity jumps ``(time, Δv)`` of the shank sensor at the initial contacts (the
        pelvis is smooth there, so it is held at its pose at the contact)."""
        model = self.models[side]
        tc = model.ic_times
        if not len(tc):
            return []
        dt = 1e-5
        pel = self.pelvis.evaluate(tc)
        rep = {k: np.tile(v, (3,) + (1,) * (v.ndim - 1)) for k, v in pel.items()
               if k in (f"hip_{side}", "forward")}

        def point(t, force):
            ankle = ankle_point(model, t, model.evaluate(t, force))
            return self.shank(side, t, ankle, rep)[3].reshape(3, -1, 3)

        pre = point(np.concatenate([tc - 2 * dt, tc - dt, tc]), "swing")
        post = point(np.concatenate([tc, tc + dt, tc + 2 * dt]), "contact")
        v_pre = (3 * pre[2] - 4 * pre[1] + pre[0]) / (2 * dt)
        v_post = (-3 * post[0] + 4 * post[1] - post[2]) / (2 * dt)
        return list(zip(tc, v_post - v_pre, strict=True))


def simulate_body(model: BodyModel, t: np.ndarray, feet: dict[str, dict[str, np.ndarray]],
                  truth: pd.DataFrame, *, lower_back: bool, shanks: bool, k: int, fs: float,
                  causal: bool, errors: sens.SensorErrors, streams: dict[str, Any],
                  mounts: dict[str, np.ndarray], ring_hz: float, ring_zeta: float
                  ) -> tuple[dict[str, Sensor], dict[str, dict[str, np.ndarray]], pd.DataFrame,
                             list[str]]:
    """Signals of the body sensors on the internal grid ``t`` (``k`` samples per output
    sample). ``feet[side]`` has the ``ankle`` and ``pitch`` at ``t``; ``streams[placement]``
    is that sensor's noise generator; ``mounts[placement]`` its sensor → segment rotation.

    Returns the raw sensors, their kinematics at the output rate, the per-stride body truth
    (for the strides of ``truth``, measured on the internal grid) and the notes.
    """
    dt = t[1] - t[0]
    pel = model.pelvis.evaluate(t, feet)
    raw, kin, notes = {}, {}, []
    deg = {n: np.rad2deg(pel[n]) for n in ("obliquity", "tilt", "rotation", "heading")}
    fine = {"pelvis": {"t": t, "height": pel["height"], "lateral": pel["lateral"], **deg}}

    def emit(placement: str, R: np.ndarray, pos: np.ndarray, extra: dict,
             jumps: list | None = None) -> None:
        omega = sens.angular_rate(R, dt)
        transient = None
        if jumps is not None:  # the impacts' velocity jumps go with the transient
            ring = sens.ringing(t, jumps, ring_hz, ring_zeta)
            steps = sens.velocity_jumps(t, jumps)
            transient = sens.transient_force(R, ring + steps, dt, mounts[placement])
            pos_smooth, pos = pos - steps, pos + ring
        else:
            pos_smooth = pos
        acc, gyr = sens.imu_signals(R, omega, pos_smooth, dt, mounts[placement])
        acc = sens.band_limit(acc, transient, k, fs, causal)
        gyr = sens.decimate(gyr, k, fs, causal)
        kin[placement] = {"t": t[::k], "sensor": pos[::k], "R": R[::k],
                          "omega_dps": np.rad2deg(omega[::k]), "mount": mounts[placement],
                          **{key: v[::k] for key, v in extra.items()}}
        acc, gyr, note = sens.apply_errors(acc, gyr, fs, errors, streams[placement])
        notes.extend(f"{placement}: {n}" for n in note)
        raw[placement] = Sensor(placement=placement, fs=float(fs), acc=acc, gyr=gyr, t0=0.0,
                                clock="main", frame="sensor", name=f"sim_{placement}",
                                units={"acc": "m/s^2", "gyr": "deg/s"})

    if lower_back:
        emit("lower_back", pel["R"], pel["sensor"],
             {"origin": pel["origin"], "height": pel["height"], "lateral": pel["lateral"],
              **deg})
    if shanks:
        for side in SIDES:
            ankle = feet[side]["ankle"]
            knee, flex, R, pos, angle, gap = model.shank(side, t, ankle, pel)
            extra = {"knee_flexion": np.rad2deg(flex), "shank_angle": np.rad2deg(angle),
                     "hip_gap": gap}
            fine[f"{side}_shank"] = {"t": t, **extra}
            emit(f"{side}_shank", R, pos,
                 {"ankle": ankle, "knee": knee, "hip": pel[f"hip_{side}"], **extra},
                 model.shank_impacts(side))
    return raw, kin, body_truth(truth, fine, model.models), notes


def _ptp(x: np.ndarray) -> float:
    return float(np.ptp(x)) if len(x) else np.nan


def body_truth(truth: pd.DataFrame, kin: dict[str, dict[str, np.ndarray]],
               models: dict[str, FootModel]) -> pd.DataFrame:
    """Per stride (the rows of the stride truth): pelvis excursions over the stride (IC to
    next IC), the elevation of this side of the pelvis during its swing (obliquity, positive
    with this side up: maximum, minimum and at mid-swing, where hip hiking peaks), the hip
    hiking modelled in that swing and, with shank sensors, the shank angle and knee flexion
    (at IC, at FC, largest in stance and in swing).
    Angles deg, lengths m. ``kin`` holds per-time ``pelvis`` and ``{side}_shank`` arrays."""
    hike = {s: {round(sw.t0, 9): np.rad2deg(sw.shape.hike) for sw in m.plan.swings}
            for s, m in models.items()}
    rows = []
    for r in truth.itertuples(index=False):
        row: dict[str, Any] = {"side": r.side, "stride_id": r.stride_id, "ic_s": r.ic_s,
                               "fc_s": r.fc_s, "next_ic_s": r.next_ic_s,
                               "hip_hike_deg": hike[r.side].get(round(r.fc_s, 9), 0.0)}
        sgn = 1.0 if r.side == "left" else -1.0
        if "pelvis" in kin:
            k = kin["pelvis"]
            a, b, c = np.searchsorted(k["t"], [r.ic_s, r.fc_s, r.next_ic_s])
            elev = sgn * k["obliquity"][b:c]
            row.update({
                "pelvis_vertical_range_m": _ptp(k["height"][a:c]),
                "pelvis_lateral_range_m": _ptp(k["lateral"][a:c]),
                "pelvis_obliquity_range_deg": _ptp(k["obliquity"][a:c]),
                "pelvis_obliquity_swing_max_deg": float(elev.max()) if len(elev) else np.nan,
                "pelvis_obliquity_swing_min_deg": float(elev.min()) if len(elev) else np.nan,
                "pelvis_obliquity_mid_swing_deg": sgn * float(np.interp(
                    0.5 * (r.fc_s + r.next_ic_s), k["t"], k["obliquity"])),
                "pelvis_rotation_range_deg": _ptp(k["rotation"][a:c]),
                "pelvis_tilt_range_deg": _ptp(k["tilt"][a:c]),
            })
        key = f"{r.side}_shank"
        if key in kin:
            k = kin[key]
            a, b, c = np.searchsorted(k["t"], [r.ic_s, r.fc_s, r.next_ic_s])
            ang = k["shank_angle"][a:c]
            row.update({
                "shank_angle_min_deg": float(ang.min()), "shank_angle_max_deg": float(ang.max()),
                "shank_angle_range_deg": _ptp(ang),
                "shank_angle_ic_deg": float(np.interp(r.ic_s, k["t"], k["shank_angle"])),
                "knee_flexion_ic_deg": float(np.interp(r.ic_s, k["t"], k["knee_flexion"])),
                "knee_flexion_fc_deg": float(np.interp(r.fc_s, k["t"], k["knee_flexion"])),
                "knee_flexion_max_stance_deg": float(k["knee_flexion"][a:b].max()),
                "knee_flexion_max_swing_deg": float(k["knee_flexion"][b:c].max()),
            })
        rows.append(row)
    return pd.DataFrame(rows)
