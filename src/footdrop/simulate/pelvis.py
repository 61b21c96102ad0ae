"""The pelvis (lower back), driven by the feet's timelines.

The pelvis frame has its origin midway between the two hip-joint centres and axes x forward,
y to the left, z up; its orientation is ``Rz(yaw) · Ry(-tilt) · Rx(obliquity)`` with the
angle conventions of :mod:`.geometry`: ``tilt`` > 0 is a posterior tilt (the x axis rises),
``obliquity`` > 0 raises the left side, ``yaw`` is the heading plus the pelvic rotation.

Motion, all C2 in time (the signals are second derivatives of it):

* **Progression and heading.** The mean of the two feet's footprints (a point 40 % of the sole
  length ahead of the heel, the footprint heading and floor height; in a swing interpolated
  between the footprints it leaves and lands on) smoothed with a Gaussian of ~0.3 s. The pelvis
  so moves on at the walking speed, turns with the feet, climbs stairs with them, and stands
  exactly still when the feet do.
* **Walking.** A step phase ``Φ`` (an integer at each initial contact, even for the left foot,
  a C2 curve through them) drives, with amplitudes from the speed of each step that ramp in at
  gait initiation and out at the closing step:

  - vertical: two oscillations per stride, lowest in the middle of double support, highest in
    mid single support; 2.2 cm peak to peak at 0.7 m/s, 3.1 cm at 1.2 m/s, 3.8 cm at 1.6 m/s
    (1.0–4.2 cm over 0.2–2 m/s), the top 1.5 cm below the standing height (0.91 m for the
    hip-joint centres: the two-link legs with the knees flexed 4°, over ankles 8 cm high).
    That is about 0.8 of the centre-of-mass excursion Orendurff et al. (2004, J Rehabil Res
    Dev 41:829) measured (2.7 cm at 0.7 m/s, 4.8 cm at 1.6 m/s), the lower end of published
    ranges, so that legs of 0.42 + 0.40 m reach the floor with plausible knee angles;
  - lateral: one sway per stride towards the stance foot, peak in mid single support, 0.45 of
    the step width peak to peak at 0.7 m/s falling to 0.3 at 1.6 m/s (3.7 cm at 1.2 m/s and
    the default 10 cm step width; Orendurff et al. 2004: the medio-lateral excursion falls
    with speed);
  - forward: 10 % of the step length ahead of the feet's mean (at contact the leading heel is
    about 0.25–0.3 m ahead of the hips, as hip and knee angles of normal gait put it), and the
    speed fluctuates by ±8 % twice per stride, fastest when lowest (the inverted pendulum
    trades height for speed);
  - obliquity ±4° at 1.2 m/s (±1.5° at 0.2, ±5° at 2 m/s), one cycle per stride: the stance
    side is highest at the end of loading response, so the swing side drops in early swing;
  - rotation ±4° at 1.2 m/s (±2° to ±6°), the side of the leading leg forward at contact;
  - tilt ±2°, two cycles per stride, most anterior in late single support.

  Perry & Burnfield, Gait Analysis (2nd ed., 2010), give about 4° of tilt arc, 4° of
  obliquity either side of level and 10° of rotation for free walking. The hip–ankle
  distance this gives is not leg-length exact: solved from it (:mod:`.leg`), the knee stays
  nearly straight in terminal stance up to well after heel-off, so in walking the knee is
  keyed on the gait events instead (:mod:`.knee`).
* **Hip hiking** (``SwingShape.hike``): in that swing the pelvis turns about the stance hip so
  that the swing side rises by ``hike · bump(s)`` (``s`` the swing fraction), on top of the
  normal obliquity; the pelvis centre rises by ``(w/2) sin`` of that and the swing foot is
  lifted by ``w sin(hike)`` (:mod:`.steps`), ``w`` the hip width.
* **Rest segments.** Standing: still. Sitting (segments of 2 s or more): the hip joints move
  0.42 m back and down to 0.50 m above the floor with a 15° posterior tilt in ~1.6 s, stay,
  and come back. Weight shifting: the pelvis follows the feet, rising with the mean ankle
  height and moving 0.15 m per rad of mean foot pitch backwards (rocking onto the heels moves
  the body back, onto the toes forwards).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import PPoly, make_interp_spline
from scipy.ndimage import gaussian_filter1d

from footdrop.simulate.foot import ANKLE, FootModel
from footdrop.simulate.gait import Plan
from footdrop.simulate.geometry import Keys, bump, rotation
from footdrop.simulate.leg import reach
from footdrop.simulate.params import HIP_WIDTH_M, GaitSpec

D = np.deg2rad
SIDES = ("left", "right")
#: Speed (m/s) → amplitudes; see the module docstring for the sources.
_V = [0.2, 0.7, 1.2, 1.6, 2.0]
VERTICAL_PP_M = [0.010, 0.022, 0.031, 0.038, 0.042]
LATERAL_PP_PER_STEP_WIDTH = [0.5, 0.45, 0.367, 0.3, 0.28]
OBLIQUITY_DEG = [1.5, 3.0, 4.0, 4.5, 5.0]
ROTATION_DEG = [2.0, 3.0, 4.0, 5.0, 6.0]
TILT_DEG = [1.0, 1.5, 2.0, 2.2, 2.5]
SURGE = 0.08  # forward speed fluctuation, fraction of the speed
LEAD = 0.10  # walking: the pelvis ahead of the feet's mean, fraction of the step length


@dataclass
class BodySpec:
    """Body geometry for the lower-back and shank sensors (lengths in m, angles in deg)."""

    lower_back_height_m: float = 1.0  # sensor height above the floor when standing
    lower_back_depth_m: float = 0.10  # sensor behind the hip-joint centres
    hip_width_m: float = HIP_WIDTH_M  # between the hip-joint centres
    thigh_m: float = 0.42  # hip-joint centre to knee
    shank_m: float = 0.40  # knee to ankle joint
    stand_knee_deg: float = 4.0  # knee flexion when standing
    pelvis_ahead: float = 0.40  # hips above this fraction of the sole ahead of the heel
    lowering_m: float = 0.015  # walking: top of the vertical oscillation below standing
    sit_height_m: float = 0.50  # hip-joint centres above the floor when sitting
    sit_back_m: float = 0.42  # hip-joint centres behind their standing place when sitting
    sit_tilt_deg: float = 15.0  # posterior pelvic tilt when sitting
    shank_sensor: tuple[float, float, float] = (0.0, 0.05, 0.20)  # (forward, lateral, up)
    # from the ankle joint in the shank frame; lateral = away from the other leg


def flat_curve(t: np.ndarray, Y: np.ndarray) -> PPoly:
    """The C2 curve through the rows of ``Y`` at the times ``t`` with zero slope and curvature
    at every key: quintic smooth steps between them."""
    t, Y = np.asarray(t, float), np.asarray(Y, float)
    h = np.diff(t).reshape((-1,) + (1,) * (Y.ndim - 1))
    dy = np.diff(Y, axis=0)
    c = np.zeros((6,) + dy.shape)
    c[0], c[1], c[2], c[5] = 6 * dy / h**5, -15 * dy / h**4, 10 * dy / h**3, Y[:-1]
    return PPoly(c, t)


def _span(t: np.ndarray, a: float, b: float) -> slice:
    """The samples of the increasing times ``t`` strictly inside (a, b)."""
    return slice(int(np.searchsorted(t, a, side="right")), int(np.searchsorted(t, b)))


def _track(models: dict[str, FootModel], t: np.ndarray, ahead: float) -> np.ndarray:
    """Mean over the feet of (x, y, heading, floor) of the footprint under each foot; in a
    swing interpolated from the footprint left to the one landed on."""
    out = np.zeros((len(t), 4))
    for model in models.values():
        yaw = model.fp_yaw
        ref = model.fp_heel[:, :2] + ahead * model.L * np.stack([np.cos(yaw), np.sin(yaw)], 1)
        V = np.column_stack([ref, yaw, model.fp_heel[:, 2]])
        swing, idx = model.phase_of(t)
        val = V[model.c_fp[np.where(swing, 0, idx)]]
        if swing.any():
            si = idx[swing]
            fp0 = np.array([s.fp0 for s in model.plan.swings])[si]
            fp1 = np.array([s.fp1 for s in model.plan.swings])[si]
            s = ((t[swing] - model.s_t0[si]) / (model.s_t1[si] - model.s_t0[si]))[:, None]
            val[swing] = (1 - s) * V[fp0] + s * V[fp1]
        out += val / len(models)
    return out


@dataclass
class _Bout:
    t0: float  # the pelvis starts to move
    t1: float  # the pelvis is back at rest
    phase: PPoly
    amp: PPoly  # columns: lowering, vertical, lateral, surge, obliquity, rotation, tilt, lead
    psi: float  # double-support fraction of a step


class PelvisModel:
    """Pose of the pelvis at any time of a :class:`Plan`."""

    def __init__(self, plan: Plan, models: dict[str, FootModel], spec: GaitSpec,
                 body: BodySpec) -> None:
        self.plan, self.models, self.spec, self.body = plan, models, spec, body
        L = spec.sole_length
        self.ua, self.va = ANKLE[0] * L, ANKLE[1]
        horiz2 = ((body.pelvis_ahead * L - self.ua) ** 2
                  + (0.5 * body.hip_width_m - 0.5 * spec.step_width_m) ** 2)
        chain = reach(body.thigh_m, body.shank_m, D(body.stand_knee_deg))
        #: Height of the hip-joint centres above the floor when standing, m.
        self.h_stand = self.va + float(np.sqrt(chain**2 - horiz2))
        # progression, heading and floor: smoothed on a 10 ms grid, then a quintic spline
        tc = np.arange(-3.0, plan.duration_s + 3.0, 0.01)
        sigma = float(np.clip(0.27 * spec.stride_time(spec.speed), 0.2, 0.5)) / 0.01
        smooth = gaussian_filter1d(_track(models, tc, body.pelvis_ahead), sigma, axis=0,
                                   mode="nearest", truncate=5.0)
        self.track = make_interp_spline(tc, smooth, k=5, axis=0)
        self.bouts = [self._bout(b) for b in sorted({s.bout for s in plan.steps})]

    def _bout(self, bout: int) -> _Bout:
        steps = [s for s in self.plan.steps if s.bout == bout]
        ic = np.array([s.ic for s in steps])
        fc = np.array([s.fc for s in steps])
        n = len(steps)
        dt0 = ic[1] - ic[0] if n > 1 else 0.5
        dtn = ic[-1] - ic[-2] if n > 1 else 0.5
        t0, t1 = fc[0] - 0.15, ic[-1] + 0.25
        off = 0 if steps[0].side == "left" else 1
        keys = Keys()
        keys.add(min(ic[0] - dt0, t0 - 0.05), off - 1.0)
        for j, tj in enumerate(ic):
            keys.add(tj, off + float(j))
        keys.add(max(ic[-1] + dtn, t1 + 0.05), off + float(n))
        ds = (fc[1:] - ic[:-1]) / np.maximum(np.diff(ic), 1e-3) if n > 1 else np.array([0.2])
        psi = float(np.clip(np.mean(ds), 0.05, 0.45))
        v = np.array([s.speed for s in steps[: max(n - 1, 1)]])
        T = np.diff(ic) if n > 1 else np.array([0.5])
        rows = np.column_stack([
            np.full(len(v), self.body.lowering_m),
            0.5 * np.interp(v, _V, VERTICAL_PP_M),
            0.5 * self.spec.step_width_m * np.interp(v, _V, LATERAL_PP_PER_STEP_WIDTH),
            SURGE * v * T[: len(v)] / (2 * np.pi),
            D(np.interp(v, _V, OBLIQUITY_DEG)),
            D(np.interp(v, _V, ROTATION_DEG)),
            D(np.interp(v, _V, TILT_DEG)),
            LEAD * v * T[: len(v)],
        ])
        zero = np.zeros((1, rows.shape[1]))
        kt = np.r_[t0, ic[: len(v)], t1]
        return _Bout(t0, t1, keys.build(), flat_curve(kt, np.vstack([zero, rows, zero])), psi)

    # ------------------------------------------------------------------ evaluation
    def evaluate(self, t: np.ndarray, feet: dict[str, dict[str, np.ndarray]] | None = None
                 ) -> dict[str, np.ndarray]:
        """Pose at the increasing times ``t``. ``feet[side]`` holds the ``ankle`` positions
        ``(n, 3)`` and sole ``pitch`` (rad) at ``t``, needed for weight shifting (else it is
        skipped).

        Returns ``origin`` (hip-joint midpoint), ``hip_left``/``hip_right``, ``sensor``
        (lower-back sensor point), ``R`` (pelvis → world), ``forward`` (horizontal unit
        vector of the pelvis yaw), ``yaw``/``tilt``/``obliquity``/``rotation``/``heading``
        (rad), ``floor``, ``height`` (origin above the floor) and ``lateral`` (origin left
        of the smoothed path), all per time.
        """
        t = np.asarray(t, float)
        n = len(t)
        tr = self.track(t)
        heading, floor = tr[:, 2], tr[:, 3]
        dx, dy, dz = np.zeros(n), np.zeros(n), np.zeros(n)
        roll, rot, tilt = np.zeros(n), np.zeros(n), np.zeros(n)
        for b in self.bouts:
            m = _span(t, b.t0, b.t1)
            if m.start == m.stop:
                continue
            ph = b.phase(t[m])
            a = b.amp(t[m])
            th = 2 * np.pi * (ph - 0.5 * b.psi)
            dz[m] -= a[:, 0] + a[:, 1] * (1 + np.cos(th))
            dy[m] += a[:, 2] * np.cos(np.pi * (ph - 0.5 * b.psi - 0.5))
            dx[m] += a[:, 3] * np.sin(th)
            roll[m] += a[:, 4] * np.cos(np.pi * (ph - b.psi))
            rot[m] -= a[:, 5] * np.cos(np.pi * ph)
            tilt[m] -= a[:, 6] * np.cos(2 * np.pi * (ph - 0.9))
            dx[m] += a[:, 7]
        w2 = 0.5 * self.body.hip_width_m
        for side, model in self.models.items():
            sgn = 1.0 if side == "left" else -1.0
            for sw in model.plan.swings:
                if sw.shape.hike == 0.0:
                    continue
                m = _span(t, sw.t0, sw.t1)
                e = sw.shape.hike * bump((t[m] - sw.t0) / (sw.t1 - sw.t0))
                roll[m] += sgn * e  # about the stance hip: the centre rises and shifts
                dz[m] += w2 * np.sin(e)
                dy[m] += sgn * w2 * (np.cos(e) - 1)
        self._rests(t, feet, floor, dx, dz, tilt)
        cy, sy = np.cos(heading), np.sin(heading)
        origin = np.column_stack([tr[:, 0] + dx * cy - dy * sy, tr[:, 1] + dx * sy + dy * cy,
                                  floor + self.h_stand + dz])
        yaw = heading + rot
        R = rotation(yaw, tilt, roll)
        b = self.body
        out = {"origin": origin, "R": R, "yaw": yaw, "tilt": tilt, "obliquity": roll,
               "rotation": rot, "heading": heading, "floor": floor,
               "height": origin[:, 2] - floor, "lateral": dy,
               "forward": np.column_stack([np.cos(yaw), np.sin(yaw), np.zeros(n)])}
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            out[f"hip_{side}"] = origin + R[:, :, 1] * (sgn * w2)
        s_local = np.array([-b.lower_back_depth_m, 0.0, b.lower_back_height_m - self.h_stand])
        out["sensor"] = origin + R @ s_local
        return out

    def _rests(self, t, feet, floor, dx, dz, tilt) -> None:
        """Sitting down and standing up; weight shifting (in place)."""
        b = self.body
        for r in self.plan.rests:
            d = r.t1 - r.t0
            m = _span(t, r.t0, r.t1)
            if m.start == m.stop:
                continue
            if r.kind == "sit" and d >= 2.0:
                tr = min(1.6, 0.45 * (d - 0.2))
                k = [r.t0 + 0.1, r.t0 + 0.1 + tr, r.t1 - 0.1 - tr, r.t1 - 0.1]
                s = flat_curve(k, np.array([0.0, 1.0, 1.0, 0.0]))(np.clip(t[m], k[0], k[-1]))
                dx[m] -= b.sit_back_m * s
                dz[m] -= (self.h_stand - b.sit_height_m) * s
                tilt[m] += D(b.sit_tilt_deg) * s
            elif r.kind == "weight_shift" and feet:
                # up to the last rocking key: the feet are flat and still there
                keys = [k for fp in self.plan.feet.values() for c in fp.contacts
                        for k, _ in c.pitch_keys if r.t0 <= k <= r.t1]
                if not keys:
                    continue
                m = _span(t, r.t0, max(keys))
                pitch = np.mean([f["pitch"][m] for f in feet.values()], axis=0)
                ankle_z = np.mean([f["ankle"][m, 2] for f in feet.values()], axis=0)
                dx[m] -= 0.15 * pitch
                dz[m] += ankle_z - floor[m] - self.va
