"""``simulate()``: a gait protocol in, a Recording with its exact per-stride truth out."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footdrop.contract import DEFAULT_HEEL_OFFSET, DEFAULT_TOE_OFFSET
from footdrop.errors import ConfigError
from footdrop.recording import Recording, Sensor
from footdrop.simulate import sensors as sens
from footdrop.simulate.body import BODY_STREAMS, BodyModel, ankle_point, simulate_body
from footdrop.simulate.foot import FootModel
from footdrop.simulate.gait import GaitPlanner, Plan, parse_protocol
from footdrop.simulate.geometry import body_rates, euler_matrix, random_rotation, rotation
from footdrop.simulate.params import GaitSpec, SideSpec
from footdrop.simulate.pelvis import BodySpec
from footdrop.simulate.truth import side_labels, stride_truth

SIDES = ("left", "right")


@dataclass
class SimulationResult:
    """What :func:`simulate` returns.

    ``recording`` is analysis-ready (short gaps interpolated, long gaps split into segments,
    clipping flagged, as the readers deliver a file); ``raw_recording`` holds the samples as
    the simulated sensors produced them (missing samples NaN). ``truth`` has one row per
    stride with every CONTRACT.md ``strides.csv`` column plus flags; ``labels`` per side;
    ``kinematics`` per side, at the output rate: ``t``, ``heel``, ``toe``, ``sensor``
    positions (m, world), ``R`` (foot → world), ``pitch``/``roll``/``yaw`` (deg), ``swing``.

    With body sensors: ``body_kinematics`` per placement (``lower_back``, ``left_shank``,
    ``right_shank``) at the output rate: ``t``, ``sensor``, ``R`` (segment → world),
    ``omega_dps``, ``mount``; for the lower back also ``origin`` (midpoint of the hip joints),
    ``height``, ``lateral`` (m) and ``obliquity``/``tilt``/``rotation``/``heading`` (deg);
    for a shank ``ankle``, ``knee``, ``hip`` (m), ``knee_flexion`` and ``shank_angle`` (deg)
    and ``hip_gap`` (m: how far the thigh, at that knee flexion, ends short of the hip-joint
    centre along the ankle → hip line; negative beyond it).
    ``body_truth`` has one row per stride of ``truth`` with the pelvis and shank measures
    of :func:`footdrop.simulate.body.body_truth`; ``body`` is the model.
    """

    recording: Recording
    truth: pd.DataFrame
    labels: dict[str, Any]
    params: dict[str, Any]
    raw_recording: Recording
    kinematics: dict[str, dict[str, np.ndarray]] = field(repr=False)
    plan: Plan = field(repr=False)
    models: dict[str, FootModel] = field(repr=False)
    body_truth: pd.DataFrame | None = field(default=None, repr=False)
    body_kinematics: dict[str, dict[str, np.ndarray]] = field(default_factory=dict, repr=False)
    body: BodyModel | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        sides = ", ".join(f"{s}: {v['n_strides']} strides, {v['severity']}"
                          for s, v in self.labels.items())
        return f"<SimulationResult {self.recording!r} [{sides}]>"


def _offsets(side: str, toe, heel) -> tuple[float, np.ndarray]:
    """Sole length and the sensor position relative to the heel point, in the foot frame."""
    toe, heel = np.asarray(toe, float), np.asarray(heel, float)
    if toe.shape != (3,) or heel.shape != (3,):
        raise ConfigError("toe and heel offsets must be three numbers (forward, lateral, up)",
                          fix="write e.g. toe_offset=(0.19, -0.06, -0.055)")
    if np.abs(toe[1:] - heel[1:]).max() > 1e-3:
        raise ConfigError(f"{side}: the toe {tuple(toe)} and heel {tuple(heel)} offsets must "
                          "differ only in the forward part (the sole is straight and flat)",
                          fix="give the same lateral and up values for toe and heel")
    length = toe[0] - heel[0]
    if not 0.12 <= length <= 0.40:
        raise ConfigError(f"{side}: sole length {length:.3f} m (toe minus heel, forward) is "
                          "implausible", fix="give the offsets in metres")
    mirror = np.array([1.0, 1.0 if side == "left" else -1.0, 1.0])
    return float(length), -heel * mirror


def _mounting(value, side: str, rng: np.random.Generator) -> np.ndarray:
    if isinstance(value, dict):
        value = value.get(side, "identity")
    if value is None or (isinstance(value, str) and value == "identity"):
        return np.eye(3)
    if isinstance(value, str) and value == "random":
        return random_rotation(rng)
    arr = np.asarray(value, float)
    if arr.shape == (3,):
        return euler_matrix(*arr)
    if arr.shape == (3, 3) and np.allclose(arr @ arr.T, np.eye(3), atol=1e-6):
        return arr
    raise ConfigError(f"cannot read the mounting {value!r}",
                      fix="use 'identity', 'random', (roll, pitch, yaw) in deg or a 3x3 rotation")


def simulate(*, speed: float = 1.2, n_strides: int | None = None,
             duration_s: float | None = None, protocol: list | None = None, turns: int = 0,
             stand_s: float = 2.0, cadence_spm: float | None = None,
             stride_length_m: float | None = None, stance_fraction: float | None = None,
             left: Any = None, right: Any = None, fatigue: float = 0.0,
             variability: float = 1.0, step_width_m: float = 0.10, toe_out_deg: float = 5.0,
             scuff_depth_m: float = 0.002, fs: float = 100.0,
             toe_offset=DEFAULT_TOE_OFFSET, heel_offset=DEFAULT_HEEL_OFFSET,
             left_toe_offset=None, right_toe_offset=None, left_heel_offset=None,
             right_heel_offset=None, mounting: Any = "identity", noise: Any = "typical",
             ring_hz: float = 60.0, ring_zeta: float = 0.25, causal_filter: bool = False,
             lower_back: bool = False, shanks: bool = False, lower_back_height_m: float = 1.0,
             shank_sensor_offset=(0.0, 0.05, 0.20), body: dict | None = None,
             seed: int = 0) -> SimulationResult:
    """Simulate both feet's IMUs for a walking protocol, with exact per-stride truth.

    Parameters (all optional)
    -------------------------
    speed
        Walking speed, 0.2–2.0 m/s. Cadence, stride length and stance fraction default from it
        (``cadence_spm``, ``stride_length_m``, ``stance_fraction`` override).
    n_strides, duration_s, turns, stand_s
        The default protocol: stand ``stand_s``, walk ``n_strides`` strides per foot (or for
        ``duration_s``) in ``turns + 1`` straight legs joined by 180° turns, stand again.
    protocol
        Instead, a list of segments: ``("stand", s)``, ``("sit", s)``,
        ``("weight_shift", s)``, ``("walk", strides)``, ``("turn", deg)``,
        ``("stairs", steps, {"direction": "down"})`` or dicts with a ``kind`` key.
    left, right
        Per side: a severity (``"none"``, ``"mild"``, ``"moderate"``, ``"severe"`` or 0–1)
        or a dict ``{"severity", "steppage" / "steppage_m", "circumduction" /
        "circumduction_m", "hip_hiking" (True or a level 0–1) / "hip_hiking_deg",
        "scuff_rate"}``. Hip hiking raises this side of the pelvis in its swings (and the
        swing foot with it); see :class:`~footdrop.simulate.params.SideSpec`.
    fatigue
        0–1: severity rises by up to ``0.3·fatigue`` and speed falls by up to
        ``15 %·fatigue`` over the walk.
    variability
        Scale of the stride-to-stride variability (0: none, 1: typical healthy: stride time
        SD about 2 %, stride length SD about 3 %, with a slow drift of the speed).
    fs
        Output sampling rate, Hz (any).
    toe_offset, heel_offset (and per-side overrides)
        Sensor → toe / heel vectors (forward, lateral, up), m; default a sensor on the lateral
        side of the shoe as in the gaitmap example.
    mounting
        Sensor → foot rotation: ``"identity"`` (the sensor axes are the foot frame), ``"random"``,
        ``(roll, pitch, yaw)`` in deg, a 3×3 matrix, or a dict per side. It applies to the
        body sensors too (sensor → segment), each drawing its own random rotation; in a dict
        they are keyed by placement (``lower_back``, ``left_shank``, ``right_shank``) and
        default to ``"identity"``.
    noise
        ``"none"`` (exact signals), ``"typical"``, ``"high"``, a :class:`SensorErrors` or a
        dict of its fields (optionally with ``"preset"``).
    ring_hz, ring_zeta
        The damped ringing of the shoe and the sensor mount after an impact (landing,
        scuff), Hz and damping ratio. With the landing speeds of :mod:`.steps` the defaults
        give a heel-strike transient of about 100 m/s² at 1.3 m/s and 204.8 Hz, as in real
        shoe IMUs.
    causal_filter
        Low-pass the signals before decimation with a causal filter, like an IMU's own (the
        signals then lag the truth by a few ms); the default is zero phase.
    lower_back, shanks
        Also simulate a lower-back sensor (``lower_back``, on the sacrum) and a sensor on each
        shank (``left_shank``, ``right_shank``), from a pelvis and two-link leg model driven
        by the feet (:mod:`footdrop.simulate.pelvis`, :mod:`footdrop.simulate.body`). Their
        axes are the segment's (x forward, y left, z up; for a shank z along it) turned by
        the mounting; their frame is ``"sensor"``.
    lower_back_height_m
        Height of the lower-back sensor above the floor when standing (0.85–1.4 m).
    shank_sensor_offset
        Shank sensor position from the ankle joint in the shank frame (forward, lateral, up)
        in m, lateral = away from the other leg; default the lateral shank at mid-length.
    body
        Overrides of :class:`~footdrop.simulate.pelvis.BodySpec` fields (``thigh_m``,
        ``shank_m``, ``lower_back_depth_m``, ``sit_height_m``, ...).
    seed
        Everything is reproducible for a given seed. The feet's signals do not depend on
        whether body sensors are simulated.
    """
    params = {k: v for k, v in locals().items()}
    if not 0.2 <= speed <= 2.0:
        raise ConfigError(f"speed {speed} m/s is outside 0.2–2.0 m/s",
                          fix="give a walking speed between 0.2 and 2.0 m/s")
    if not (fs > 0 and np.isfinite(fs)):
        raise ConfigError(f"sampling rate {fs} Hz is not positive", fix="give fs in Hz")
    errors = sens.SensorErrors.parse(noise)
    seq = np.random.SeedSequence(seed)
    rng_gait, rng_mount, rng_noise = (np.random.default_rng(s) for s in seq.spawn(3))
    geo = {}
    for side in SIDES:
        toe = params[f"{side}_toe_offset"]
        heel = params[f"{side}_heel_offset"]
        toe = toe_offset if toe is None else toe
        heel = heel_offset if heel is None else heel
        geo[side] = _offsets(side, toe, heel)
    if abs(geo["left"][0] - geo["right"][0]) > 1e-3:
        raise ConfigError("the two feet have different sole lengths",
                          fix="give toe and heel offsets that span the same length")
    spec = GaitSpec(speed=speed, cadence_spm=cadence_spm, stride_length_m=stride_length_m,
                    stance_fraction=stance_fraction, step_width_m=step_width_m,
                    toe_out_deg=toe_out_deg, variability=variability, fatigue=fatigue,
                    sole_length=geo["left"][0], scuff_depth_m=scuff_depth_m,
                    left=SideSpec.parse(left), right=SideSpec.parse(right))
    segments = parse_protocol(protocol, n_strides=n_strides, duration_s=duration_s,
                              turns=turns, stand_s=stand_s, speed=speed,
                              stride_time=spec.stride_time(speed))
    plan = GaitPlanner(spec, rng_gait).plan(segments)

    k = sens.internal_factor(fs)
    n_out = int(np.ceil(plan.duration_s * fs))
    t_int = np.arange(n_out * k) / (k * fs)
    mounts = {s: _mounting(mounting, s, rng_mount) for s in SIDES}
    identity = all(np.allclose(m, np.eye(3)) for m in mounts.values())
    raw, truths, kin, models, notes = {}, [], {}, {}, []
    bspec = _body_spec(body, lower_back_height_m, shank_sensor_offset) \
        if lower_back or shanks else None
    feet: dict[str, dict[str, np.ndarray]] = {}
    for side in SIDES:
        model = FootModel(plan.feet[side])
        models[side] = model
        ev = model.evaluate(t_int)
        R = rotation(ev["yaw"], ev["pitch"], ev["roll"])
        omega = body_rates(ev["pitch"], ev["roll"], ev["d_yaw"], ev["d_pitch"], ev["d_roll"])
        r_s = geo[side][1]
        pos = ev["heel"] + R @ r_s
        dt = t_int[1] - t_int[0]
        jumps, taps = _impacts(model, r_s, plan, side)
        ring = sens.ringing(t_int, jumps + taps, ring_hz, ring_zeta)
        steps = sens.velocity_jumps(t_int, jumps)
        acc, gyr = sens.imu_signals(R, omega, pos - steps, dt, mounts[side])
        acc = sens.band_limit(acc, sens.transient_force(R, ring + steps, dt, mounts[side]),
                              k, fs, causal_filter)
        gyr = sens.decimate(gyr, k, fs, causal_filter)
        pos = pos + ring
        del ring, steps
        truths.append(stride_truth(model, plan, t_int, ev))
        if bspec is not None:
            feet[side] = {"ankle": ankle_point(model, t_int, ev), "pitch": ev["pitch"]}
        kin[side] = {"t": t_int[::k], "heel": ev["heel"][::k], "toe": ev["toe"][::k],
                     "sensor": pos[::k], "R": R[::k], "omega_dps": np.rad2deg(omega[::k]),
                     "pitch": np.rad2deg(ev["pitch"][::k]), "roll": np.rad2deg(ev["roll"][::k]),
                     "yaw": np.rad2deg(ev["yaw"][::k]), "swing": ev["swing"][::k],
                     "mount": mounts[side]}
        del ev, R, omega, pos
        acc, gyr, note = sens.apply_errors(acc, gyr, fs, errors, rng_noise)
        notes += [f"{side}_foot: {n}" for n in note]
        raw[f"{side}_foot"] = Sensor(
            placement=f"{side}_foot", fs=float(fs), acc=acc, gyr=gyr, t0=0.0, clock="main",
            frame="foot" if identity else "sensor", name=f"sim_{side}_foot",
            units={"acc": "m/s^2", "gyr": "deg/s"})
    truth = pd.concat(truths, ignore_index=True)
    body_model, body_truth, body_kin = None, None, {}
    if bspec is not None:
        body_model = BodyModel(plan, models, spec, bspec)
        children = seq.spawn(1)[0].spawn(len(BODY_STREAMS))
        streams, body_mounts = {}, {}
        for placement, i in BODY_STREAMS.items():
            r_mount, r_noise = (np.random.default_rng(s) for s in children[i].spawn(2))
            body_mounts[placement] = _mounting(mounting, placement, r_mount)
            streams[placement] = r_noise
        body_raw, body_kin, body_truth, body_notes = simulate_body(
            body_model, t_int, feet, truth, lower_back=lower_back, shanks=shanks, k=k, fs=fs,
            causal=causal_filter, errors=errors, streams=streams, mounts=body_mounts,
            ring_hz=ring_hz, ring_zeta=ring_zeta)
        raw.update(body_raw)
        notes += body_notes
        del feet
    labels = {side: side_labels(getattr(spec, side), truth[truth.side == side],
                                [s.severity for s in plan.steps if s.side == side])
              for side in SIDES}
    meta = {"simulator": {"schema": "footdrop.simulation/1", "seed": seed,
                          "params": _jsonable(params), "sole_length_m": spec.sole_length}}
    raw_rec = Recording(sensors=raw, source=[], format="simulation", metadata=meta,
                        warnings=notes)
    rec = raw_rec.copy()
    from footdrop.preprocess.gaps import repair_gaps
    from footdrop.preprocess.quality import flag_clipping

    repair_gaps(rec)
    flag_clipping(rec)
    return SimulationResult(rec, truth, labels, _jsonable(params), raw_rec, kin, plan, models,
                            body_truth, body_kin, body_model)


def _body_spec(body: dict | None, height: float, shank_offset) -> BodySpec:
    try:
        spec = BodySpec(**(body or {}))
    except TypeError as exc:
        raise ConfigError(f"bad body parameters {body!r}: {exc}",
                          fix="use the fields of footdrop.simulate.pelvis.BodySpec") from exc
    if not 0.85 <= float(height) <= 1.4:
        raise ConfigError(f"lower-back sensor height {height} m is implausible",
                          fix="give the sensor's height above the floor when standing, "
                              "0.85-1.4 m")
    off = np.asarray(shank_offset, float)
    if off.shape != (3,) or not 0.02 <= off[2] <= spec.shank_m or np.abs(off[:2]).max() > 0.15:
        raise ConfigError(f"shank sensor offset {tuple(np.ravel(off))} is implausible",
                          fix="give (forward, lateral, up) from the ankle in m, e.g. "
                              "(0, 0.05, 0.2)")
    spec.lower_back_height_m, spec.shank_sensor = float(height), tuple(off.tolist())
    return spec


def _impacts(model: FootModel, r_s: np.ndarray, plan: Plan, side: str):
    """Sensor-point velocity jumps ``(time, Δv)`` at every IC, and the small taps ``(time,
    Δv)`` of scuffs (which ring the mount without a jump of the model's velocity)."""
    out = []
    dt = 1e-5

    def point(t, force):
        ev = model.evaluate(t, force)
        R = rotation(ev["yaw"], ev["pitch"], ev["roll"])
        return (ev["heel"] + R @ r_s).reshape(3, -1, 3)

    tc = model.ic_times
    if len(tc):
        pre = point(np.concatenate([tc - 2 * dt, tc - dt, tc]), "swing")
        post = point(np.concatenate([tc, tc + dt, tc + 2 * dt]), "contact")
        v_pre = (3 * pre[2] - 4 * pre[1] + pre[0]) / (2 * dt)
        v_post = (-3 * post[0] + 4 * post[1] - post[2]) / (2 * dt)
        out += list(zip(tc, v_post - v_pre, strict=True))
    taps = []
    for st in plan.steps:
        if st.side == side and st.scuff:
            sw = next(s for s in model.plan.swings if abs(s.t0 - st.fc) < 1e-9)
            tc = sw.t0 + sw.shape.s_mtc * (sw.t1 - sw.t0)
            yaw = model.fp_yaw[sw.fp1]
            taps.append((tc, np.array([-0.15 * np.cos(yaw), -0.15 * np.sin(yaw), 0.1])))
    return out, taps


def _jsonable(x: Any) -> Any:
    if isinstance(x, dict):
        return {str(k): _jsonable(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_jsonable(v) for v in x]
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, SideSpec | sens.SensorErrors | BodySpec):
        return _jsonable(asdict(x))
    if isinstance(x, str | int | float | bool) or x is None:
        return x
    return repr(x)


def write_gaitmap_csv(recording: Recording, path: Path) -> Path:
    """Both feet in the gaitmap example layout: two header rows (sensor, axis), sample index.

    The layout (``left_sensor`` / ``right_sensor`` column blocks, as in the gaitmap example
    data) holds foot sensors only; lower-back and shank sensors are left out (they are in
    the BIDS-Motion files).
    """
    cols, data = [], []
    names = {"left_foot": "left_sensor", "right_foot": "right_sensor"}
    present = [p for p in names if p in recording]
    for kind in ("acc", "gyr"):
        for j, axis in enumerate("xyz"):
            for p in present:
                cols.append((names[p], f"{kind}_{axis}"))
                data.append(getattr(recording[p], kind)[:, j])
    df = pd.DataFrame(np.column_stack(data), columns=pd.MultiIndex.from_tuples(
        cols, names=["sensor", "axis"]))
    df.index.name = None
    with open(path, "w", newline="") as fh:
        fh.write("sensor," + ",".join(c[0] for c in cols) + "\n")
        fh.write("axis," + ",".join(c[1] for c in cols) + "\n")
        df.to_csv(fh, header=False, float_format="%.9g", na_rep="")
    return path


def write_simulation(result: SimulationResult, out_dir: str | Path, *,
                     overwrite: bool = False) -> dict[str, Any]:
    """Write the recording (BIDS-Motion and gaitmap-style CSV), ``truth.csv``, ``labels.json``.

    The files hold the raw samples (missing ones empty / ``n/a``), so the readers see what a
    real sensor would give. BIDS-Motion holds every sensor (feet, lower back, shanks); the
    gaitmap-style CSV only the feet. With body sensors, ``body_truth.csv`` holds the
    per-stride pelvis and shank truth. Returns the paths written.
    """
    from footdrop.io import write_bids

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    csv = out / "imu_gaitmap.csv"
    files = [out / "truth.csv", out / "labels.json", csv]
    if result.body_truth is not None:
        files.append(out / "body_truth.csv")
    existing = [p for p in files if p.exists()]
    if existing and not overwrite:
        raise ConfigError(f"{existing[0].name} already exists", file=existing[0],
                          fix="pass --overwrite (overwrite=True in Python) or choose another "
                          "folder")
    bids = write_bids(result.raw_recording, out / "bids" / "sub-01" / "motion",
                      overwrite=overwrite)
    write_gaitmap_csv(result.raw_recording, csv)
    result.truth.to_csv(files[0], index=False, float_format="%.9g", na_rep="")
    fs = next(iter(result.raw_recording.sensors.values())).fs
    doc = {"schema": "footdrop.simulation/1", "fs_hz": fs,
           "frame": next(iter(result.raw_recording.sensors.values())).frame,
           "sides": result.labels, "params": result.params,
           "mounting": {s: k["mount"].tolist() for s, k in
                        {**result.kinematics, **result.body_kinematics}.items()},
           "files": {"bids": [str(p.relative_to(out)) for p in bids],
                     "gaitmap_csv": csv.name, "truth": "truth.csv"},
           "warnings": result.raw_recording.warnings}
    paths = {"bids": bids, "gaitmap_csv": csv, "truth": files[0], "labels": files[1]}
    if result.body_truth is not None:
        result.body_truth.to_csv(files[3], index=False, float_format="%.9g", na_rep="")
        doc["files"]["body_truth"] = files[3].name
        paths["body_truth"] = files[3]
    files[1].write_text(json.dumps(doc, indent=2, allow_nan=False) + "\n")
    return paths


def simulate_cli(out: Path, *, overwrite: bool = False, **params: Any) -> dict[str, Any]:
    """For the CLI: simulate with ``params`` and write everything into ``out``."""
    result = simulate(**params)
    paths = write_simulation(result, out, overwrite=overwrite)
    return {"paths": paths, "labels": result.labels, "n_strides": len(result.truth),
            "duration_s": result.recording.duration_s}
