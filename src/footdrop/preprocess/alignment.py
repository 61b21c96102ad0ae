"""Mounting alignment: rotate foot IMUs from their own axes into the foot frame.

The foot frame is that of CONTRACT.md (gaitmap convention): x forward along the sole, y to
the left for both feet, z up; acc_z ≈ +9.81 m/s² with the foot flat and still. Nothing here
needs a standing period: everything is found from ordinary walking. Only the ``left_foot``
and ``right_foot`` sensors are aligned; other sensors keep their axes and ``frame``.

Method
------
1. **Phases.** Stance samples have a low angular rate (0.1 s mean of |gyr| below
   ``stance_gyr_dps``) and a steady |acc| within 10 % of the sensor's own gravity reading,
   within 1.5 s of a swing (|gyr| > 100 deg/s), so that sitting or standing far from walking
   does not count. Motion windows are the runs between two stance periods (0.2–3 s:
   push-off, swing and loading of one stride).
2. **Up.** The mean stance acceleration. With too little stance, all still samples are used;
   with none, the mean acceleration (``gravity_source`` says which).
3. **Mediolateral axis.** The principal axis of the angular rate in the motion windows,
   projected on the horizontal plane (the foot's pitch rotation dominates). Its sign comes
   from the swing: in the middle of each motion window the foot turns toes-up, a negative
   rate about the foot's y axis (with y to the left, a positive rotation about y lowers the
   toes). Two more cues are checked and reported: the mean pitch over the window is
   toes-down (the integrated rate about y is positive), and so the mean acceleration leans
   towards -x. On the labelled real recordings (gaitmap example and MS example, both feet;
   Voisard subjects 1–10, 58 trials × 2 feet: 120 sides) all three cues had the expected
   sign on all 120 sides; the mid-swing rate was at least 131 deg/s in size.
4. **Heading estimate.** The gyro principal axis is not quite the foot's y axis: on the real
   data it lies towards the toe-out side (seen from above: left foot clockwise, right foot
   counter-clockwise; mean −11° and +13° relative to the device axes, spread about ±12°;
   gaitmap example −17°/+20°). The estimate of the foot y axis is therefore the principal
   axis turned back by 12° (``_ML_OFFSET_DEG``). Its error is still about ±15°.
5. **Snap.** The estimated rotation (y from 4, z up, x = y × z) is snapped to the nearest of
   the 24 proper signed axis permutations of the device. A sensor mounted roughly along the
   foot's axes thus keeps its own axes exactly: ``imu_sample_not_rotated.csv`` of the gaitmap
   example comes out as ``imu_sample.csv`` with ``level="none"``, and the imprecise heading
   estimate cannot turn a well-mounted sensor.
6. **Yaw.** The residual yaw of the snapped y axis from the estimate is reported
   (``residual_yaw_deg``). With ``heading="auto"`` (default) it is corrected when it exceeds
   ``max_yaw_deg`` (35°: a sensor strapped diagonally) and the rotation axis is clear
   (principal/second eigenvalue ≥ 3); ``"snap"`` never corrects, ``"estimate"`` always
   does. Above ``warn_yaw_deg`` (25°) a warning is given. On the real data the residual was
   at most 32° (median 8°), so nothing was corrected; 6 of 116 Voisard sides were warned.
7. **Level.** ``level="pitch"`` (default) rotates about the foot y axis until the stance
   gravity has no x component (the sole's x axis is horizontal at foot flat) and keeps the
   mounting roll; ``"full"`` also removes the roll (stance gravity exactly on +z);
   ``"none"`` keeps the snapped axes. The gaitmap example's sensors sit on the lateral side
   of the shoe with ~15° of roll, which the gaitmap frame keeps: ``"pitch"`` reproduces it
   (per-channel correlation ≥ 0.994), ``"full"`` does not (acc_y 0.88, gyr_z 0.71). The
   Voisard instep sensors are pitched 19–46° nose-up (levelled out by either mode) and
   rolled up to 25°, so with ``"pitch"`` their stance acc_z can read as little as 0.93 g;
   use ``"full"`` where acc_z itself must read g in stance.
8. **Declared frames.** A sensor declared to be in the foot frame (``frame == "foot"``) whose
   snapped mapping is not the identity is reported, by name when it is upside down (z
   pointed down in stance) or back to front (x pointed backwards), and corrected.

The left/right check (``check_sides``) is described in :mod:`footdrop.preprocess.side_check`.

All estimation is vectorised numpy over samples; the only Python loops run over the 24
candidate axis permutations. One hour of two-foot 204.8 Hz data takes about 0.4–0.6 s.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from scipy.spatial.transform import Rotation

from footdrop.errors import ConfigError
from footdrop.preprocess._axes import (
    flip_kind,
    level_rotation,
    mapping_text,
    rotate,
    rotate_about,
    signed_permutations,
    snap,
    snap_up_only,
    tilt_angles,
    yaw_between,
)
from footdrop.preprocess._foot_motion import GRAVITY as GRAVITY
from footdrop.preprocess._foot_motion import estimate
from footdrop.preprocess.side_check import side_features, side_verdict
from footdrop.recording import FOOT_PLACEMENTS, Recording, Sensor

__all__ = [
    "HEADINGS",
    "LEVELS",
    "FootAlignment",
    "align_to_foot",
    "mapping_text",
    "side_verdict",
    "signed_permutations",
]

LEVELS = ("pitch", "full", "none")
HEADINGS = ("auto", "snap", "estimate")

_MIN_ANISOTROPY = 3.0  # principal/second eigenvalue needed to correct the heading
_WARN_TILT_DEG = 45.0  # with level="none", a tilt larger than this is worth a warning
#: Heading of the gyro principal axis relative to the foot y axis, measured on the real data
#: (see the module docstring); positive = counter-clockwise seen from above.
_ML_OFFSET_DEG = {"left_foot": -12.0, "right_foot": 12.0}


# --------------------------------------------------------------------------------------
# public API


class FootAlignment:
    """Rotate the foot sensors of a recording into the foot frame of CONTRACT.md.

    Parameters
    ----------
    level
        ``"pitch"`` (default): level the sole's x axis at foot flat, keep the mounting roll;
        ``"full"``: stance gravity exactly on +z; ``"none"``: keep the snapped device axes.
    heading
        ``"auto"`` (default): keep the snapped device axes unless the estimated residual yaw
        exceeds ``max_yaw_deg`` with a clear rotation axis; ``"snap"``: never correct the
        yaw; ``"estimate"``: always turn to the motion-based heading estimate.
    max_yaw_deg
        Residual yaw (deg) above which ``heading="auto"`` corrects the heading.
    warn_yaw_deg
        Residual yaw (deg) above which a warning is given.
    stance_gyr_dps
        Angular rate (deg/s, 0.1 s mean) below which a sample can be stance.
    check_sides
        Score both feet for left/right plausibility and warn when they look swapped.
    side_margin
        Side score both feet must exceed to call their labels consistent or swapped.
    copy
        Work on a copy (default). ``False`` rotates the given recording in place, which
        halves the memory needed for long recordings.

    Attributes
    ----------
    recording_
        The aligned recording (a copy unless ``copy=False``).
    rotations_
        Placement → 3×3 rotation matrix of this step (sensor → foot: ``v_foot = R @ v``).
    report_
        Placement → evidence: the JSON-ready ``Sensor.alignment`` and the left/right verdict.
    side_check_
        Left/right verdict (``"consistent"``, ``"swapped"``, ``"cannot tell"`` or
        ``"not checked"``) and the two side scores.
    """

    def __init__(
        self,
        level: str = "pitch",
        heading: str = "auto",
        max_yaw_deg: float = 35.0,
        warn_yaw_deg: float = 25.0,
        stance_gyr_dps: float = 40.0,
        check_sides: bool = True,
        side_margin: float = 1.0,
        copy: bool = True,
    ) -> None:
        self.level = level
        self.heading = heading
        self.max_yaw_deg = max_yaw_deg
        self.warn_yaw_deg = warn_yaw_deg
        self.stance_gyr_dps = stance_gyr_dps
        self.check_sides = check_sides
        self.side_margin = side_margin
        self.copy = copy

    def align(self, recording: Recording) -> FootAlignment:
        """Align the foot sensors of ``recording`` (a copy unless ``copy=False``); other
        sensors are untouched."""
        if self.level not in LEVELS:
            raise ConfigError(f"unknown alignment level {self.level!r}",
                              fix="use one of " + ", ".join(LEVELS))
        if self.heading not in HEADINGS:
            raise ConfigError(f"unknown alignment heading {self.heading!r}",
                              fix="use one of " + ", ".join(HEADINGS))
        rec = recording.copy() if self.copy else recording
        self.rotations_: dict[str, np.ndarray] = {}
        self.report_: dict[str, dict[str, Any]] = {}
        scores: dict[str, float | None] = {}
        for placement in FOOT_PLACEMENTS:
            if placement not in rec.sensors:
                continue
            result = self._align_sensor(rec, rec.sensors[placement])
            if result is None:
                continue
            rot, info = result
            self.rotations_[placement] = rot
            if info.get("side_features"):
                scores[placement] = info["side_features"].get("side_score")
            self.report_[placement] = dict(info)
        self.side_check_ = self._check_sides(rec, scores)
        for placement, info in self.report_.items():
            info["side_check"] = self.side_check_["verdict"]
            rec.sensors[placement].alignment["side_check"] = self.side_check_["verdict"]
        self.recording_ = rec
        return self

    # ----------------------------------------------------------------------------------

    def _align_sensor(self, rec: Recording, sensor: Sensor):
        name = sensor.placement
        acc, gyr = sensor.acc, sensor.gyr
        valid = np.isfinite(acc).all(axis=1) & np.isfinite(gyr).all(axis=1)
        if valid.sum() < max(int(sensor.fs), 10):
            rec.warn(f"{name}: too few valid samples to find how the sensor is mounted; "
                     "left in its own axes")
            return None
        declared_foot = sensor.frame == "foot"
        est = estimate(acc, gyr, sensor.fs, self.stance_gyr_dps, valid)
        up = est.up
        notes: list[str] = []

        # coarse: snap the estimated foot axes to the device axes
        if est.ml is not None:
            ml = est.ml
            if declared_foot and est.sign_votes < 2 and ml[1] < 0:
                ml = -ml
                notes.append("the swing cues disagree on which way is forward, so the "
                             "declared forward direction was kept")
            foot_y = rotate_about(ml, up, -_ML_OFFSET_DEG.get(name, 0.0))
            snapped = snap(np.array([np.cross(foot_y, up), foot_y, up]))
        else:
            foot_y = None
            snapped = snap_up_only(up, np.eye(3) if declared_foot else None)
            notes.append("too little walking to tell which way is forward; "
                         + ("the declared forward direction was kept" if declared_foot
                            else "the sensor's own axes nearest to the foot frame were kept"))

        # heading: residual yaw of the snapped y axis from the estimate
        yaw_est = None
        yaw_applied = 0.0
        if foot_y is not None:
            yaw_est = yaw_between(snapped[1], foot_y, up)
            clear = est.anisotropy >= _MIN_ANISOTROPY
            if self.heading == "estimate" or (
                self.heading == "auto" and abs(yaw_est) > self.max_yaw_deg and clear
            ):
                yaw_applied = yaw_est
        q = Rotation.from_rotvec(np.radians(yaw_applied) * up).as_matrix()
        r0 = snapped @ q.T
        rot = level_rotation(r0, up, self.level)

        mounting = tilt_angles(r0 @ est.gravity)
        step = Rotation.from_matrix(rot @ r0.T).as_rotvec(degrees=True)  # about foot axes
        residual = tilt_angles(rot @ est.gravity)
        flip = flip_kind(snapped) if declared_foot else None
        info: dict[str, Any] = {
            "method": "stance gravity + gyro principal axis, snapped to the device axes",
            "level": self.level,
            "heading": self.heading,
            "input_frame": sensor.frame,
            "rotation": np.round(rot, 6).tolist(),
            "snapped_rotation": snapped.astype(int).tolist(),
            "axis_mapping": mapping_text(snapped),
            "flip": flip,
            "gravity_source": est.phases.gravity_source,
            "n_gravity_samples": est.phases.n_gravity,
            "n_motion_windows": int(len(est.phases.windows)),
            "gravity_sensor_mps2": [round(float(v), 4) for v in est.gravity],
            "mounting_tilt_deg": mounting,
            "levelling_rotation_deg": [round(float(v), 2) for v in step],
            "residual_tilt_deg": residual,
            "yaw_correction_deg": round(float(yaw_applied), 2),
            "residual_yaw_deg": None if yaw_est is None else round(yaw_est - yaw_applied, 1),
            "gyro_axis_anisotropy": None if foot_y is None else round(est.anisotropy, 2),
            "sign_cues": est.sign_cues,
            "sign_cues_agreeing": est.sign_votes if foot_y is not None else None,
        }
        if est.tilt_forward is not None:
            info["lean_heading_deg"] = round(yaw_between(rot[0], est.tilt_forward, up), 1)
        if sensor.alignment and "rotation" in sensor.alignment:
            before = np.asarray(sensor.alignment.get("rotation_from_device",
                                                     sensor.alignment["rotation"]))
            info["rotation_from_device"] = np.round(rot @ before, 6).tolist()
        if self.check_sides:
            info["side_features"] = side_features(acc, gyr, sensor.fs, est)
        self._warn(rec, name, info, declared_foot, notes)

        sensor.acc = rotate(acc, rot, out=None if self.copy else acc)
        sensor.gyr = rotate(gyr, rot, out=None if self.copy else gyr)
        if sensor.mag is not None:
            sensor.mag = rotate(sensor.mag, rot)
        sensor.frame = "foot"
        sensor.alignment = info
        return rot, info

    def _warn(self, rec: Recording, name: str, info: dict[str, Any], declared_foot: bool,
              notes: list[str]) -> None:
        mapping = info["axis_mapping"]
        if declared_foot and info["flip"]:
            what = {"upside down": "the sensor is upside down (its z axis pointed down "
                                   "in stance)",
                    "back to front": "the sensor is back to front (its x axis pointed "
                                     "backwards)"}.get(info["flip"], "its axes do not match")
            head = (f"{name}: the data were declared to be in the foot frame, but {what}; "
                    f"remapped ({mapping})")
        elif mapping == "x←x, y←y, z←z":
            head = (f"{name}: declared foot frame confirmed" if declared_foot
                    else f"{name}: sensor axes already matched the foot frame")
        else:
            head = f"{name}: sensor axes mapped to the foot frame ({mapping})"
        steps = []
        if info["yaw_correction_deg"]:
            steps.append(f"turned by {abs(info['yaw_correction_deg']):.0f}° about the vertical "
                         "(the sensor looks strapped at an angle)")
        tilt = info["mounting_tilt_deg"]
        step = info["levelling_rotation_deg"]
        if self.level != "none":
            words = []
            if abs(step[1]) >= 0.05:
                words.append(f"{abs(step[1]):.1f}° in pitch (its x axis pointed "
                             f"{'up' if tilt['pitch'] > 0 else 'down'} at foot flat)")
            if self.level == "full" and abs(step[0]) >= 0.05:
                words.append(f"{abs(step[0]):.1f}° in roll (its y axis pointed "
                             f"{'up' if tilt['roll'] > 0 else 'down'})")
            steps.append("levelled by " + " and ".join(words) if words else "already level")
        text = head + (", then " + ", then ".join(steps) if steps else "")
        if info["gravity_source"] != "stance":
            text += f"; gravity taken from the {info['gravity_source']} (little walking found)"
        info["description"] = text[len(name) + 2:]
        rec.warn(text)
        for note in notes:
            rec.warn(f"{name}: {note}")
        yaw = info["residual_yaw_deg"]
        turned = None if yaw is None else yaw + info["yaw_correction_deg"]
        if turned is not None and abs(turned) > self.warn_yaw_deg:
            if info["yaw_correction_deg"]:
                did = "the heading was corrected"
            elif self.heading == "snap":
                did = "not corrected (heading='snap')"
            elif abs(turned) > self.max_yaw_deg:
                did = "not corrected: the foot's rotation axis is too unclear"
            else:
                did = f"not corrected (below {self.max_yaw_deg:.0f}°; the estimate is ±15°)"
            rec.warn(f"{name}: the sensor may be turned by about {abs(turned):.0f}° about the "
                     f"vertical from the foot's long axis; {did}")
        if self.level == "none":
            worst = max(abs(v) for v in info["residual_tilt_deg"].values())
            if worst > _WARN_TILT_DEG:
                rec.warn(f"{name}: the sensor is tilted by {worst:.0f}° from level and "
                         "level='none' keeps that tilt")
        if info["sign_cues_agreeing"] is not None and info["sign_cues_agreeing"] < 2:
            rec.warn(f"{name}: which way is forward is uncertain (the swing cues disagree)")

    def _check_sides(self, rec: Recording, scores: dict[str, float | None]) -> dict[str, Any]:
        left, right = scores.get("left_foot"), scores.get("right_foot")
        out = {"verdict": side_verdict(left, right, self.side_margin),
               "left_score": left, "right_score": right, "margin": self.side_margin}
        if not self.check_sides or not {"left_foot", "right_foot"} <= set(self.rotations_):
            out["verdict"] = "not checked"
        elif out["verdict"] == "swapped":
            rec.warn("left and right look swapped: the left_foot sensor moves like a right foot "
                     f"(side score {left:+.1f}) and the right_foot sensor like a left foot "
                     f"({right:+.1f}); check which sensor was worn on which foot. "
                     "Nothing was swapped")
        return out


def align_to_foot(recording: Recording, **params: Any) -> Recording:
    """Aligned copy of ``recording``; ``params`` are those of :class:`FootAlignment`."""
    return FootAlignment(**params).align(recording).recording_
