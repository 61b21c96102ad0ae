"""The gait engine: from aligned foot sensors to the per-stride table of CONTRACT.md.

Pipeline per foot (each foot on its own clock):

1. stance and swing (:mod:`footdrop.gait.stance`), one mid-stance per stance phase;
2. strapdown integration of every mid-stance to mid-stance window with a tilt correction
   and a zero-velocity update at both ends (per-stride de-drifting, as in Mariani et al.,
   J Biomech 2010; Peruzzi et al., J Biomech 2011), in :mod:`footdrop.gait._kernels`;
3. events in each window: final contact (FC) at the push-off peak of the sagittal angular
   rate, initial contact (IC) at the onset of the landing impact, which exists whichever
   part of the foot lands first;
4. strides IC to next IC from pairs of consecutive windows, with the contract's metrics,
   walking-bout membership, and turning and stair flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial.transform import Rotation

from footdrop.contract import DEFAULT_OFFSETS, STRIDE_COLUMNS
from footdrop.errors import ConfigError
from footdrop.gait._kernels import WINDOW_FIELDS, stance_tilt_range, window_metrics
from footdrop.gait.stance import StancePhases, detect_stance, stance_windows
from footdrop.preprocess._axes import rotate
from footdrop.recording import FOOT_PLACEMENTS, Recording, Sensor

EXTRA_COLUMNS = ["bout_id", "turning", "stairs", "level_walking", "heading_change_deg",
                 "heading_deg", "height_change_m", "mid_swing_lift_m"]

#: Typical toe-out (foot progression angle) of adult walking, deg: the foot's long axis
#: points this much outwards from the walking direction (healthy adults walk with about
#: 5-10 degrees of toe-out).
TYPICAL_TOE_OUT_DEG = 7.0

#: A sensor whose axes sat pitched more than this at foot flat is taken to be on the instep.
INSTEP_PITCH_DEG = 12.0


def mounting_of(sensor: Sensor) -> str:
    """``"instep"`` or ``"lateral"``, from the tilt found by the alignment."""
    tilt = (sensor.alignment or {}).get("mounting_tilt_deg") or {}
    return "instep" if abs(tilt.get("pitch", 0.0)) > INSTEP_PITCH_DEG else "lateral"


@dataclass
class _Side:
    toe: np.ndarray
    heel: np.ndarray


def offsets_for_shoe(
    shoe_length_m: float, mounting: str = "lateral"
) -> dict[str, tuple[float, float, float]]:
    """Toe and heel offsets for a shoe of the given length, sensor at the default place.

    The forward parts keep the default's ratio of toe to heel distance; the lateral and
    vertical parts keep their defaults.
    """
    if not 0.12 <= shoe_length_m <= 0.40:
        raise ConfigError(f"shoe length {shoe_length_m:g} m is implausible",
                          fix="give the shoe length in metres, e.g. --shoe-length 0.27")
    toe, heel = DEFAULT_OFFSETS[mounting]["toe"], DEFAULT_OFFSETS[mounting]["heel"]
    share = -heel[0] / (toe[0] - heel[0])
    return {
        "toe_offset": ((1 - share) * shoe_length_m, *toe[1:]),
        "heel_offset": (-share * shoe_length_m, *heel[1:]),
    }


def _vector(value: Any, name: str) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if arr.shape != (3,) or not np.isfinite(arr).all():
        raise ConfigError(f"{name} must be three numbers (forward, lateral, up) in m, "
                          f"got {value!r}",
                          fix=f"write e.g. --{name.replace('_', '-')} 0.17,-0.04,-0.045")
    if np.abs(arr).max() > 0.5:
        raise ConfigError(f"{name} {tuple(arr)} is over 0.5 m from the sensor",
                          fix="give the offset in metres, not centimetres or millimetres")
    return arr


class GaitAnalysis:
    """Strides, events and per-stride metrics of both feet.

    Parameters
    ----------
    toe_offset, heel_offset
        Sensor-to-toe and sensor-to-heel vectors (forward, lateral, up) in m, lateral
        meaning away from the other foot; used for both feet unless overridden. None
        takes :data:`DEFAULT_OFFSETS` for the mounting the alignment found (instep when
        the sensor sat pitched more than 12° at foot flat, else lateral), with a warning.
    left_toe_offset, right_toe_offset, left_heel_offset, right_heel_offset
        Per-side overrides.
    sensor_yaw_deg
        Angle (deg) by which the sensor's x axis points outwards (towards the little toe)
        from the foot's long axis (heel to toe), seen from above, when it is known from a
        calibration; 0 trusts the aligned axes. Nothing in the IMU signal tells a yawed
        sensor from a toed-out foot, yet a yaw of 10° shrinks a 65° toe-off angle by 1.7°.
        The sensor data are turned by it about the stance vertical before anything else,
        so the offsets are then in the foot's own axes.
        None (default) lets ``auto_yaw_deg`` decide; 0 trusts the aligned axes.
    left_sensor_yaw_deg, right_sensor_yaw_deg
        Per-side overrides.
    copy
        False lets the engine turn the foot sensors' samples into its frame (roll levelled,
        yaw removed) in place instead of working on copies: for day-long recordings that the
        caller owns (the CLI does this). The sensors' ``alignment`` then records it.
    auto_yaw_deg
        Without a given yaw, the sensor's yaw is estimated from the direction its foot
        travels over straight strides, less a typical toe-out of 7° (on the gaitmap trial
        this gave 7.8° and 9.7° where the markers show 9.5° and 9.6°); when it exceeds this
        many degrees, the data are turned back and analysed again, with a warning. None
        disables it (the aligned axes are trusted).
    min_stride_length_m
        A stride's swing must move the foot at least this far (no strides from weight
        shifts or shuffling on the spot).
    min_step_length_m
        Movements that displace the foot less than this are not swings at all; they are
        merged into the stance around them. A swing between the two limits (the first
        half step of gait initiation) can still provide the initial contact of a stride.
    stride_time_range_s
        Plausible stride times; windows outside are not strides.
    turning_threshold_deg
        Heading change over a stride above which it is flagged as turning.
    stairs_threshold_m
        Height change over a stride above which it may be a stair stride (a stride on
        stairs climbs two steps, 25–35 cm); it is flagged when a neighbouring stride
        changes height the same way. Smaller changes are taken as integration drift on
        level ground and removed.
    ic_jerk_fraction, landing_rise_fraction
        The landing starts when the swing's toes-up rotation rate has fallen to
        ``landing_rise_fraction`` of its peak; IC is the first sample after that whose jerk
        reaches ``ic_jerk_fraction`` of the landing's peak jerk.
    strong_impact_fraction
        The swing's toes-up trough and the landing search end at the first impact in the
        last three fifths of the movement whose jerk reaches this fraction of the largest
        there (after a toe-first landing the heel drops with a fast toes-up rotation).
    pre_roll_s
        Velocity is integrated from this long before the movement starts (but not before
        the opening mid-stance): a slow heel-off moves the foot before it turns fast.
    settle_s
        The foot is taken to be still no sooner than this long after IC (and not before
        its rotation has died down): the end of the zero-velocity update.
    scuff_height_m, scuff_jerk
        A swing scuffs when a sole point in mid-swing is below ``scuff_height_m`` (its
        height is relative to its own stance height, so -1 cm allows for the ~1 cm error
        of a foot trajectory), or an impact of at least ``scuff_jerk`` m/s³ occurs there.

    Attributes
    ----------
    strides_ : pandas.DataFrame
        One row per stride, the CONTRACT.md columns plus bout, turning and stair flags.
    windows_ : dict
        Per side, the raw mid-stance-to-mid-stance window results.
    phases_ : dict
        Per (side, first sample of the segment), the final stance phases of that segment
        (:class:`footdrop.gait.stance.StancePhases`, in segment samples), with swings paused
        in mid-air joined and movements that went nowhere merged into the stance.
    geometry_ : dict
        Per side: the mounting found, whether the toe and heel offsets were given or
        defaults, whether clearances are trusted (offsets given, or the validated lateral
        defaults), the toe vector used, the sensor yaw, and ``frame_rotation``: the rotation
        still to apply to the sensor's samples to reach the engine's frame (None when
        negligible or already applied in place with ``copy=False``).
    warnings_ : list of str
    """

    def __init__(
        self,
        toe_offset: tuple[float, float, float] | None = None,
        heel_offset: tuple[float, float, float] | None = None,
        left_toe_offset: tuple[float, float, float] | None = None,
        right_toe_offset: tuple[float, float, float] | None = None,
        left_heel_offset: tuple[float, float, float] | None = None,
        right_heel_offset: tuple[float, float, float] | None = None,
        sensor_yaw_deg: float | None = None,
        left_sensor_yaw_deg: float | None = None,
        right_sensor_yaw_deg: float | None = None,
        auto_yaw_deg: float | None = 3.0,
        copy: bool = True,
        min_stride_length_m: float = 0.10,
        min_step_length_m: float = 0.05,
        stride_time_range_s: tuple[float, float] = (0.5, 4.0),
        turning_threshold_deg: float = 20.0,
        stairs_threshold_m: float = 0.25,
        ic_jerk_fraction: float = 0.3,
        landing_rise_fraction: float = 0.1,
        settle_s: float = 0.3,
        pre_roll_s: float = 0.1,
        strong_impact_fraction: float = 0.6,
        scuff_height_m: float = -0.01,
        scuff_jerk: float = 10000.0,
    ) -> None:
        self.toe_offset = toe_offset
        self.heel_offset = heel_offset
        self.left_toe_offset = left_toe_offset
        self.right_toe_offset = right_toe_offset
        self.left_heel_offset = left_heel_offset
        self.right_heel_offset = right_heel_offset
        self.sensor_yaw_deg = sensor_yaw_deg
        self.auto_yaw_deg = auto_yaw_deg
        self.copy = copy
        self.left_sensor_yaw_deg = left_sensor_yaw_deg
        self.right_sensor_yaw_deg = right_sensor_yaw_deg
        self.min_stride_length_m = min_stride_length_m
        self.min_step_length_m = min_step_length_m
        self.stride_time_range_s = stride_time_range_s
        self.turning_threshold_deg = turning_threshold_deg
        self.stairs_threshold_m = stairs_threshold_m
        self.ic_jerk_fraction = ic_jerk_fraction
        self.landing_rise_fraction = landing_rise_fraction
        self.settle_s = settle_s
        self.pre_roll_s = pre_roll_s
        self.strong_impact_fraction = strong_impact_fraction
        self.scuff_height_m = scuff_height_m
        self.scuff_jerk = scuff_jerk

    # ------------------------------------------------------------------ geometry
    def _geometry(self, side: str, sensor: Sensor) -> _Side:
        mount = mounting_of(sensor)
        vectors = {}
        record: dict[str, Any] = {"mounting": mount}
        for point in ("toe", "heel"):
            given = getattr(self, f"{side}_{point}_offset") or getattr(self, f"{point}_offset")
            record[f"{point}_offset"] = "given" if given is not None else "default"
            if given is None:
                given = DEFAULT_OFFSETS[mount][point]
                self.warnings_.append(
                    f"{side}: {point} offset not given; default for a sensor on the {mount} "
                    f"of the shoe used: {given} m (forward, lateral, up)")
            vectors[point] = _vector(given, f"{side}_{point}_offset")
        # clearances are trusted where the toe point is known: given, or the lateral
        # default that was validated against motion capture (docs/validation.md)
        record["clearance_trusted"] = record["toe_offset"] == "given" or mount == "lateral"
        self.geometry_[side] = record
        mirror = np.array([1.0, 1.0 if side == "left" else -1.0, 1.0])  # lateral → ±y
        geo = _Side(toe=vectors["toe"] * mirror, heel=vectors["heel"] * mirror)
        record["toe_vector_m"] = [float(v) for v in geo.toe]  # in the engine's (y-left) axes
        record["heel_vector_m"] = [float(v) for v in geo.heel]
        return geo

    # ------------------------------------------------------------------ action
    def analyze(self, recording: Recording) -> GaitAnalysis:
        """Run the engine on every foot sensor of ``recording`` (in the foot frame)."""
        frames = []
        self.windows_: dict[str, np.ndarray] = {}
        self.phases_: dict[tuple[str, int], StancePhases] = {}
        self.geometry_: dict[str, dict[str, Any]] = {}
        self.warnings_: list[str] = []
        self._phase_cache: dict[tuple[int, int], StancePhases] = {}
        self._up_cache: dict[int, np.ndarray] = {}
        for placement in FOOT_PLACEMENTS:
            side = placement.split("_")[0]
            if placement not in recording:
                self.warnings_.append(f"{side}: no {placement} sensor in the recording")
                continue
            sensor = recording[placement]
            if sensor.frame != "foot":
                raise ConfigError(
                    f"the {placement} sensor is not in the foot frame",
                    fix="align it first (footdrop.load or preprocess.alignment.align_to_foot)",
                )
            frames.append(self._analyze_sensor(sensor, side))
        strides = pd.concat(frames, ignore_index=True) if frames else _empty()
        self.strides_ = strides
        return self

    def _given_yaw(self, side: str) -> float | None:
        yaw = getattr(self, f"{side}_sensor_yaw_deg")
        yaw = self.sensor_yaw_deg if yaw is None else yaw
        if yaw is None:
            return None
        if not np.isfinite(yaw) or abs(yaw) > 90:
            raise ConfigError(f"{side} sensor yaw {yaw!r} deg is not an angle within ±90°",
                              fix="give the angle of the sensor's x axis from the foot's "
                                  "long axis, outwards positive")
        self.geometry_[side]["sensor_yaw_deg"] = float(yaw)
        return float(yaw)

    def _rotation(self, side: str, sensor: Sensor, yaw: float) -> np.ndarray | None:
        """Rotation into the engine's frame: the mounting roll levelled out (the stance
        gravity in the x-z plane, so that gyr_y is the foot's own sagittal rate however the
        sensor sits on the shoe's side), then the x axis turned back by ``yaw`` (deg,
        outwards positive) about the vertical. None when both are negligible."""
        up = self._up_cache.get(id(sensor))
        if up is None:  # the same samples, not yet turned in place: once per sensor
            up = self._up_cache[id(sensor)] = _stance_up(sensor)
        roll = np.arctan2(up[1], up[2])
        rot = Rotation.from_rotvec([roll, 0.0, 0.0])  # turns up into the x-z plane
        if abs(np.degrees(roll)) < 0.5 and abs(yaw) < 0.1:
            return None
        level_up = rot.apply(up)
        # the sensor's x axis, in foot axes, lies turned outwards about the stance vertical:
        # towards +y (the left) on the left foot, towards -y on the right
        sign = 1.0 if side == "left" else -1.0
        turn = Rotation.from_rotvec(np.radians(sign * yaw) * level_up)
        return (turn * rot).as_matrix()

    def _analyze_sensor(self, sensor: Sensor, side: str) -> pd.DataFrame:
        geo = self._geometry(side, sensor)
        given = self._given_yaw(side)
        turn = self._turn(side, sensor, given or 0.0)
        if given is None and self.auto_yaw_deg is not None:
            # a quick look at up to 40 swings spread over the recording gives the yaw
            yaw = self._travel_yaw(self._probe(sensor, geo, turn), side)
            if yaw is not None:
                self.warnings_.append(
                    f"{side}: the sensor's x axis points {abs(yaw):.0f}° "
                    f"{'outwards' if yaw > 0 else 'inwards'} from the walking direction (less "
                    f"a typical toe-out of {TYPICAL_TOE_OUT_DEG:.0f}°): turned back before "
                    "the analysis; give --sensor-yaw if the mounting is known")
                self.geometry_[side]["sensor_yaw_deg"] = round(float(yaw), 1)
                # in place, the samples are roll-levelled already: turn by the yaw alone
                turn = (self._turn(side, sensor, yaw) if not self.copy
                        else self._rotation(side, sensor, yaw))
        # what a later pass over the same samples must still apply (None: nothing, or
        # already done in place)
        self.geometry_[side]["frame_rotation"] = None if turn is None else turn.tolist()
        return self._collect(self._segments(sensor, side, geo, turn), side)

    def _probe(self, sensor: Sensor, geo: _Side, turn: np.ndarray | None,
               n_max: int = 40) -> np.ndarray:
        """Window results of at most ``n_max`` swings evenly spread over the segments."""
        parts = []
        for start, stop in sensor.segments:
            if stop - start < int(2 * sensor.fs):
                continue
            acc, gyr = frame_samples(sensor, start, stop, turn)
            phases = detect_stance(acc, gyr, sensor.fs)
            # a turn about the vertical leaves the stance detection as it is (it rests on
            # rate and acceleration magnitudes): the full pass reuses it
            self._phase_cache[(id(sensor), start)] = phases
            if phases.windows.shape[0] < 2:
                continue
            pick = np.unique(np.linspace(0, len(phases.windows) - 1, n_max).astype(int))
            sub = StancePhases(still=phases.still, swings=phases.swings[pick],
                               windows=phases.windows[pick], gravity=phases.gravity,
                               score=phases.score)
            parts.append(self._windows(acc, gyr, sensor.fs, sub, geo))
        return np.vstack(parts) if parts else np.empty((0, len(WINDOW_FIELDS)))

    def _travel_yaw(self, win: np.ndarray, side: str) -> float | None:
        """Outward yaw of the sensor from the walking direction of its straight strides
        (window results ``win``), when it exceeds ``auto_yaw_deg``; else None."""
        if not len(win):
            return None
        f = {name: win[:, i] for i, name in enumerate(WINDOW_FIELDS)}
        ok = (f["length"] > 0.3) & (np.abs(f["heading_change"]) < 10.0) & np.isfinite(
            f["travel_dir"])
        # the alignment has already pointed x forwards: a window travelling more than 60°
        # off it is an artefact (a slow swing split in mid-air integrates from a false rest)
        # or a step sideways, and a yaw is only taken when most windows agree
        forward = ok & (np.abs(f["travel_dir"]) < 60.0)
        if forward.sum() < max(4, 0.75 * ok.sum()):
            return None
        ok = forward
        # a well-mounted sensor sees its foot travel inwards by the toe-out angle:
        # towards -y on the left foot, +y on the right
        inward = np.median(f["travel_dir"][ok]) * (-1.0 if side == "left" else 1.0)
        yaw = float(inward - TYPICAL_TOE_OUT_DEG)
        return yaw if abs(yaw) > self.auto_yaw_deg else None

    def _turn(self, side: str, sensor: Sensor, yaw: float) -> np.ndarray | None:
        """The rotation for :meth:`_segments`; with ``copy=False`` applied to the sensor's
        samples in place here (and recorded), so that nothing is left to do there."""
        rot = self._rotation(side, sensor, yaw)
        if rot is None or self.copy:
            return rot
        rotate(sensor.acc, rot, out=sensor.acc)
        rotate(sensor.gyr, rot, out=sensor.gyr)
        self._up_cache[id(sensor)] = rot @ self._up_cache[id(sensor)]  # turned with them
        if sensor.mag is not None:
            rotate(sensor.mag, rot, out=sensor.mag)
        info = dict(sensor.alignment or {})
        done = np.asarray(info.get("engine_rotation", np.eye(3)))
        info["engine_rotation"] = np.round(rot @ done, 6).tolist()
        sensor.alignment = info
        return None

    def _segments(self, sensor, side, geo, turn) -> list[pd.DataFrame]:
        rows = []
        for start, stop in sensor.segments:
            if stop - start < int(2 * sensor.fs):
                continue
            acc, gyr = frame_samples(sensor, start, stop, turn)
            phases = self._phase_cache.pop((id(sensor), start), None)
            if phases is None:
                phases = detect_stance(acc, gyr, sensor.fs)
            if phases.windows.shape[0] < 2:
                continue
            win = self._windows(acc, gyr, sensor.fs, phases, geo)
            # movements that went nowhere (rocking, weight shifts) belong to the stance:
            # drop them and measure the real swings again across the merged stance
            no_step = win[:, WINDOW_FIELDS.index("length")] < self.min_step_length_m
            if no_step.any():
                swings = phases.swings[~no_step]
                windows, keep = stance_windows(phases.score, swings, sensor.fs)
                phases.swings, phases.windows = swings[keep], windows[keep]
                win = self._windows(acc, gyr, sensor.fs, phases, geo)
            # a slow swing that turns too slowly for a moment in mid-air (foot drop at
            # 0.3-0.4 m/s, steppage) looks like two swings around a brief "stance": the
            # first rises and the second comes down by centimetres before drift removal
            # (again once joined: when most strides split, the walk's stride length that
            # tells a half from a whole is only known after the first joins)
            for _ in range(3):
                merged = _merge_hovers(phases.swings, win, sensor.fs,
                                       stance_tilt_range(acc, phases.swings))
                if merged is None:
                    break
                windows, keep = stance_windows(phases.score, merged, sensor.fs)
                phases.swings, phases.windows = merged[keep], windows[keep]
                win = self._windows(acc, gyr, sensor.fs, phases, geo)
            self.phases_[(side, start)] = phases
            prev = self.windows_.get(side)
            self.windows_[side] = win if prev is None or not rows else np.vstack([prev, win])
            rows.append(self._strides_from_windows(win, phases, sensor, start, side))
        return rows

    def _collect(self, rows: list[pd.DataFrame], side: str) -> pd.DataFrame:
        if not rows:
            self.warnings_.append(f"{side}: no walking found")
            return _empty()
        df = pd.concat(rows, ignore_index=True)
        if df.empty:
            self.warnings_.append(f"{side}: no complete stride found")
        return df

    def _windows(self, acc, gyr, fs, phases, geo) -> np.ndarray:
        return window_metrics(acc, gyr, fs, phases.windows, phases.swings, phases.gravity,
                              geo.toe, geo.heel, self.ic_jerk_fraction,
                              self.landing_rise_fraction, self.stairs_threshold_m,
                              self.settle_s, self.strong_impact_fraction, self.pre_roll_s)

    def _strides_from_windows(self, win, phases, sensor, offset, side) -> pd.DataFrame:
        f = {name: win[:, i] for i, name in enumerate(WINDOW_FIELDS)}
        fs = sensor.fs
        swing_s = (phases.swings[:, 1] - phases.swings[:, 0]) / fs
        lo, hi = self.stride_time_range_s
        landed = np.isfinite(f["ic"]) & (swing_s <= hi)
        stepped = landed & (f["length"] >= self.min_stride_length_m)
        # stride k = IC of window w-1 to IC of window w, with FC and swing of window w;
        # the two windows must share their mid-stance (continuous walking)
        shared = phases.windows[1:, 0] == phases.windows[:-1, 1]
        stride_time = (f["ic"][1:] - f["ic"][:-1]) / fs
        pair = stepped[1:] & landed[:-1] & shared & (stride_time >= lo) & (stride_time <= hi)
        w = np.flatnonzero(pair) + 1
        if w.size == 0:
            return _empty()
        t = lambda idx: sensor.t0 + (idx + offset) / fs  # noqa: E731
        ic = t(f["ic"][w - 1])
        fc = t(f["fc"][w])
        nxt = t(f["ic"][w])
        stride_time = nxt - ic
        length = f["length"][w]
        turning = np.abs(f["heading_change"][w]) > self.turning_threshold_deg
        # a stair stride rises or falls past the threshold like one of its neighbours (a
        # flight has several); a lone large height change is integration drift
        dz = f["dz"][w]
        up, down = dz > self.stairs_threshold_m, dz < -self.stairs_threshold_m
        near_up = np.r_[False, up[:-1]] | np.r_[up[1:], False]
        near_down = np.r_[False, down[:-1]] | np.r_[down[1:], False]
        stairs = (up & near_up) | (down & near_down)
        scuff = (f["min_sole"][w] <= self.scuff_height_m) | (
            f["swing_impact"][w] >= self.scuff_jerk)
        # walking bouts: runs of consecutive valid windows
        breaks = np.concatenate([[True], np.diff(w) != 1])
        bout = np.cumsum(breaks) - 1
        df = pd.DataFrame(
            {
                "side": side,
                "stride_id": np.arange(w.size),
                "ic_s": ic,
                "fc_s": fc,
                "next_ic_s": nxt,
                "stride_time_s": stride_time,
                "stance_time_s": fc - ic,
                "swing_time_s": nxt - fc,
                "stride_length_m": length,
                "gait_speed_mps": length / stride_time,
                "foot_strike_angle_deg": f["strike_pitch"][w - 1],
                "toe_off_angle_deg": f["toe_off_pitch"][w],
                "mid_swing_pitch_deg": f["mid_swing_pitch"][w],
                "min_toe_clearance_m": f["mtc"][w],
                "max_toe_clearance_m": f["max_toe"][w],
                "max_heel_clearance_m": f["max_heel"][w],
                "mid_swing_lift_m": f["mid_swing_lift"][w],
                "lateral_excursion_m": f["lateral"][w],
                "toe_scuff": scuff.astype(int),
                "bout_id": bout,
                "turning": turning,
                "stairs": stairs,
                "level_walking": ~turning & ~stairs,
                "heading_change_deg": f["heading_change"][w],
                "heading_deg": _bout_heading(f["heading_change"][w], bout),
                "height_change_m": f["dz"][w],
            }
        )
        return df


def frame_samples(sensor: Sensor, start: int, stop: int,
                  turn: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """Contiguous acc and gyr of samples ``start:stop``, turned by ``turn`` (the rotation
    into the engine's frame still to apply, or None)."""
    acc = np.ascontiguousarray(sensor.acc[start:stop])
    gyr = np.ascontiguousarray(sensor.gyr[start:stop])
    if turn is not None:
        acc, gyr = rotate(acc, turn), rotate(gyr, turn)
    return acc, gyr


def _stance_up(sensor: Sensor) -> np.ndarray:
    """Unit stance vertical in sensor axes, from the stillest fifth of (at most ~5 000)
    samples."""
    step = max(1, sensor.acc.shape[0] // 5000)
    acc, gyr = sensor.acc[::step], sensor.gyr[::step]
    ok = np.isfinite(acc).all(axis=1) & np.isfinite(gyr).all(axis=1)
    g = np.sqrt(np.einsum("ij,ij->i", gyr, gyr))
    still = ok & (g < np.percentile(g[ok], 20)) if ok.any() else ok
    up = (np.mean(acc[still], axis=0, dtype=np.float64) if still.any()
          else np.array([0.0, 0.0, 1.0]))
    return up / np.linalg.norm(up)


def _merge_hovers(swings: np.ndarray, win: np.ndarray, fs: float,
                  tilt_range: np.ndarray, lift_m: float = 0.02,
                  high_m: float = 0.05, max_gap_s: float = 0.2, gap_fraction: float = 0.4,
                  tilt_deg: float = 10.0) -> np.ndarray | None:
    """Swings with each mid-air pause joined, or None when there is none.

    Swings w and w+1 are one when the "stance" between them lasts at most ``max_gap_s``
    and less than ``gap_fraction`` of this walk's usual stance, and the foot ends swing w
    at least half ``lift_m`` higher than it started and swing w+1 at least ``lift_m``
    lower, twice ``lift_m`` apart, or
    swing w at least ``high_m`` higher whatever follows (net heights before the level-ground
    drift removal; what follows a pause is integrated from a false rest), and one of the
    two moves the foot less than 0.6 times as far as this walk's longer strides (90th
    percentile). A real stance is on the
    floor and, in one walk, lasts about as long as its neighbours; a fast walker's brief
    stance lies between two full strides.
    """
    if len(swings) < 3:
        return None
    rise = win[:, WINDOW_FIELDS.index("end_rise")]
    gap = swings[1:, 0] - swings[:-1, 1]
    walking = gap[gap <= 2.0 * fs]
    # (its longer stances: most of them can be mid-air pauses in a slow walk)
    usual = float(np.percentile(walking, 75)) if walking.size else 0.0
    high = (((rise[:-1] >= 0.5 * lift_m) & (rise[1:] <= -lift_m)
             & (rise[:-1] - rise[1:] >= 2.0 * lift_m)) | (rise[:-1] >= high_m))
    # (the heights are integrated from a false rest, so a foot pausing while it tilts by
    # more than tilt_deg, which no foot on the floor does, is in the air whatever they say)
    high |= tilt_range > tilt_deg
    # and one of the two moves the foot much less far than this walk's strides do
    length = win[:, WINDOW_FIELDS.index("length")]
    # (the walk's strides: its longer windows, as split halves can be half of them)
    short = np.minimum(length[:-1], length[1:]) < 0.6 * float(np.nanpercentile(length, 90))
    pause = high & short & (gap <= max_gap_s * fs) & (gap < gap_fraction * usual)
    if not pause.any():
        return None
    out = []
    w = 0
    while w < len(swings):
        if w + 1 < len(swings) and pause[w]:
            out.append((swings[w, 0], swings[w + 1, 1]))
            w += 2
        else:
            out.append((swings[w, 0], swings[w, 1]))
            w += 1
    return np.asarray(out, dtype=swings.dtype)


def _bout_heading(change: np.ndarray, bout: np.ndarray) -> np.ndarray:
    """Heading (deg) at the end of each stride's swing, relative to the direction the foot
    pointed at the first mid-stance of its bout (cumulative gyro heading, drifts slowly)."""
    if change.size == 0:
        return change.copy()
    total = np.cumsum(change)
    first = np.r_[True, bout[1:] != bout[:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(bout.size), 0))
    return total - (total[start] - change[start])


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float) for c in STRIDE_COLUMNS + EXTRA_COLUMNS})
