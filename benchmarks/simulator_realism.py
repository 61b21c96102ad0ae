"""Realism of the gait simulator: simulated normal gait against real healthy recordings.

Two real data sets are each compared with simulated normal gait at the same walking speed,
sampling rate and sensor position:

* the gaitmap example trial (two IMUs on the lateral side of the shoes, 204.8 Hz) with its
  synchronised foot markers, which give the real sole pitch and the real heights of the
  sole points below the heel (FCC) and toe (TOE) markers;
* a few Voisard et al. healthy trials (instep XSens sensors, 100 Hz; no optical reference).

The IMU signals of both sides go through the same processing: the footdrop engine finds the
strides (IC, FC), curves are time-normalised per stride (IC to next IC = 0–100 % of the gait
cycle, or FC to next IC = 0–100 % of swing), and ranges are taken over the samples of steady,
straight strides. Kinematic curves come from the markers (real) and from the simulator's model
(``SimulationResult.kinematics``, exact).

Run ``python benchmarks/simulator_realism.py [--data ../shared/data] [--write]``. ``--write``
saves the figures under ``docs/img/simulator/`` and replaces the section between
``<!-- realism:start -->`` and ``<!-- realism:end -->`` of ``docs/simulator.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

import footdrop
from footdrop.preprocess.alignment import align_to_foot
from footdrop.simulate import simulate
from footdrop.validation import MocapReference, read_mocap, write_section
from footdrop.validation import _kinematics as kin
from footdrop.validation.annotations import load_voisard_events, read_voisard_trial

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "simulator.md"
IMG_REL = "img/simulator"
START, END = "<!-- realism:start -->", "<!-- realism:end -->"
SIDES = ("left", "right")
GAITMAP_FS = 204.8
VOISARD_FS = 100.0
VOISARD_TRIALS = ("1-1", "2-1", "3-1", "4-1", "5-1")
#: Engine offsets for the instep sensors of the Voisard data (the engine's own instep
#: default), given to the simulator too so that both sides carry the sensor at one place.
INSTEP = {"toe_offset": (0.15, 0.0, -0.08), "heel_offset": (-0.11, 0.0, -0.08)}
N_PHASE = 101
PHASE = np.linspace(0.0, 100.0, N_PHASE)
#: Window around IC for the heel-strike close-up, s.
IC_WINDOW = (-0.10, 0.20)
#: Signal columns. The right foot is mirrored so that both feet pool: reflecting y (left ↔
#: right) flips acc_y (a vector) and gyr_x, gyr_z (an axial vector: -MIRROR), keeps gyr_y.
AXES = ("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z")
MIRROR = np.array([1.0, -1.0, 1.0])
#: An accelerometer axis this close to ±16 g is at its rail (saturated).
RAIL = 0.98 * 16 * 9.80665
REAL, SIM = "#1f77b4", "#d62728"


# ---------------------------------------------------------------------------------- data
@dataclass
class Foot:
    """One foot: IMU samples in the foot frame, engine strides, and reference kinematics."""

    t: np.ndarray  # IMU sample times, s
    acc: np.ndarray  # (n, 3) m/s², right foot mirrored
    gyr: np.ndarray  # (n, 3) deg/s, right foot mirrored
    strides: pd.DataFrame  # engine strides of steady straight walking
    all_strides: pd.DataFrame  # every engine stride (mid-stances for the gyro pitch)
    ref: pd.DataFrame | None = None  # reference strides (markers / simulator truth)
    kin_t: np.ndarray | None = None  # times of the reference kinematics, s
    pitch: np.ndarray | None = None  # sole pitch, deg (toes up positive)
    toe_z: np.ndarray | None = None  # height of the toe sole point, m
    heel_z: np.ndarray | None = None  # height of the heel sole point, m


@dataclass
class Walk:
    """Both feet of one data set (or of several pooled trials)."""

    name: str
    fs: float
    speed: float  # median gait speed of the steady strides, m/s
    feet: list[tuple[str, Foot]] = field(default_factory=list)  # (side, foot) pairs


def steady(strides: pd.DataFrame) -> pd.DataFrame:
    """Straight strides of steady walking: level (not turning), with a final contact, a
    stride time within 15 % and a stride length within 25 % of the median (this drops
    starting and stopping, e.g. the simulator's closing half step)."""
    if "level_walking" in strides:
        s = strides[strides["level_walking"].astype(bool)]
    else:
        s = strides[~strides["turning"].astype(bool)]
    s = s[np.isfinite(s["fc_s"]) & np.isfinite(s["next_ic_s"])]
    if s.empty:
        return s
    keep = np.ones(len(s), bool)
    for col, tol in (("stride_time_s", 0.15), ("stride_length_m", 0.25)):
        x = s[col].to_numpy(float)
        if not np.isfinite(x).any():
            continue
        med = np.nanmedian(x)
        keep &= ~(np.abs(x - med) > tol * med)  # NaN lengths are kept
    return s[keep].reset_index(drop=True)


def imu_foot(rec: footdrop.Recording, strides: pd.DataFrame, side: str) -> Foot:
    """The side's sensor samples (mirrored for the right foot) and its engine strides."""
    s = rec[f"{side}_foot"]
    right = side == "right"
    mine = strides[strides["side"] == side]
    return Foot(t=s.t0 + np.arange(len(s.acc)) / s.fs,
                acc=s.acc * (MIRROR if right else 1.0),
                gyr=s.gyr * (-MIRROR if right else 1.0),
                strides=steady(mine), all_strides=mine.reset_index(drop=True))


def gaitmap_walk(data: Path) -> Walk:
    """The gaitmap example trial with its markers as the kinematic reference."""
    ex = data / "gaitmap-example"
    rec = footdrop.load(ex / "imu_sample.csv", fs=GAITMAP_FS)
    strides, _ = footdrop.analyze(rec)
    markers = read_mocap(ex / "mocap_sample.csv")
    ref = MocapReference().extract(markers)
    walk = Walk("gaitmap example", GAITMAP_FS, np.nan)
    for side in SIDES:
        foot = imu_foot(rec, strides, side)
        pre = "L_" if side == "left" else "R_"
        heel, toe, lat = (kin.fill_gaps(markers[pre + m], 10) for m in ("FCC", "TOE", "FM5"))
        # the sole points below the heel and toe markers (rigid foot, from the reference)
        R = kin.foot_frame(heel, toe, lat, side)
        sole = ref.sole_points_[side]
        foot.kin_t = np.arange(len(heel)) / markers.fs
        foot.pitch = kin.pitch_deg(heel, toe)
        foot.toe_z = (toe + kin.to_lab(R, sole["toe"]))[:, 2]
        foot.heel_z = (heel + kin.to_lab(R, sole["heel"]))[:, 2]
        foot.ref = steady(ref.strides_[ref.strides_["side"] == side])
        walk.feet.append((side, foot))
    walk.speed = float(pd.concat([f.ref for _, f in walk.feet])["gait_speed_mps"].median())
    return walk


def simulated_walk(name: str, speed: float, fs: float, *, n_strides: int, seed: int,
                   engine: dict | None = None, **sim_kw) -> Walk:
    """Normal gait from the simulator, analysed by the engine like a real recording."""
    res = simulate(speed=speed, n_strides=n_strides, fs=fs, seed=seed, **sim_kw)
    strides, _ = footdrop.analyze(res.recording, **(engine or {}))
    walk = Walk(name, fs, np.nan)
    for side in SIDES:
        foot = imu_foot(res.recording, strides, side)
        k = res.kinematics[side]
        foot.kin_t, foot.pitch = k["t"], k["pitch"]
        foot.toe_z, foot.heel_z = k["toe"][:, 2], k["heel"][:, 2]
        foot.ref = steady(res.truth[res.truth["side"] == side])
        walk.feet.append((side, foot))
    walk.speed = float(pd.concat([f.ref for _, f in walk.feet])["gait_speed_mps"].median())
    return walk


def voisard_walks(root: Path, trials: tuple[str, ...], seed: int = 0) -> tuple[Walk, Walk]:
    """Real Voisard trials and, per trial, simulated gait at that trial's speed (pooled)."""
    real = Walk(f"Voisard {', '.join(trials)}", VOISARD_FS, np.nan)
    sim = Walk("simulated", VOISARD_FS, np.nan)
    speeds = []
    for k, trial in enumerate(trials):
        rec = align_to_foot(read_voisard_trial(root, trial))
        strides, _ = footdrop.analyze(rec, **INSTEP)
        feet = [(side, imu_foot(rec, strides, side)) for side in SIDES]
        v = float(pd.concat([f.strides for _, f in feet])["gait_speed_mps"].median())
        if not np.isfinite(v):
            continue
        speeds.append(v)
        real.feet += feet
        one = simulated_walk("sim", float(np.clip(v, 0.3, 1.9)), VOISARD_FS, n_strides=12,
                             seed=seed + k, engine=INSTEP, **INSTEP)
        sim.feet += one.feet
    real.speed = float(np.median(speeds)) if speeds else np.nan
    sim.speed = float(pd.concat([f.ref for _, f in sim.feet])["gait_speed_mps"].median())
    return real, sim


# ---------------------------------------------------------------------------------- curves
def grid(start: np.ndarray, stop: np.ndarray, n: int = N_PHASE) -> np.ndarray:
    """``(strides, n)`` times spread evenly from each start to its stop."""
    u = np.linspace(0.0, 1.0, n)
    return start[:, None] + (stop - start)[:, None] * u[None, :]


def sample(t: np.ndarray, x: np.ndarray, times: np.ndarray) -> np.ndarray:
    """Linear interpolation of ``x(t)`` at an array of times (NaN outside)."""
    return np.interp(times.ravel(), t, x, left=np.nan, right=np.nan).reshape(times.shape)


def stance_mid(foot: Foot) -> np.ndarray:
    """Mid-stance of each engine stride: the stillest sample of its stance (50 ms mean |gyr|)."""
    fs = 1.0 / np.median(np.diff(foot.t))
    w = max(1, int(round(0.05 * fs)))
    g = np.convolve(np.linalg.norm(foot.gyr, axis=1), np.ones(w) / w, mode="same")
    out = []
    for ic, fc in foot.all_strides[["ic_s", "fc_s"]].to_numpy():
        a, b = np.searchsorted(foot.t, [ic, fc])
        out.append(foot.t[a + int(np.argmin(g[a:b]))] if b > a else np.nan)
    return np.asarray(out)


def gyro_pitch(foot: Foot) -> np.ndarray:
    """Sole pitch (deg) integrated from ``gyr_y``, zero at every mid-stance (the drift is
    removed linearly between mid-stances): the sensor's own view of the pitch curve."""
    theta = np.concatenate([[0.0], np.cumsum(-0.5 * (foot.gyr[1:, 1] + foot.gyr[:-1, 1])
                                              * np.diff(foot.t))])
    ms = stance_mid(foot)
    ms = np.sort(ms[np.isfinite(ms)])
    if len(ms) < 2:
        return np.full_like(theta, np.nan)
    return theta - np.interp(foot.t, ms, np.interp(ms, foot.t, theta))


def imu_curves(walk: Walk) -> dict[str, np.ndarray]:
    """Per-stride gait-cycle curves of every axis and of the gyro pitch (engine events)."""
    out: dict[str, list[np.ndarray]] = {a: [] for a in (*AXES, "acc_norm", "gyro_pitch")}
    for _, foot in walk.feet:
        if foot.strides.empty:
            continue
        g = grid(foot.strides["ic_s"].to_numpy(), foot.strides["next_ic_s"].to_numpy())
        for j in range(3):
            out[AXES[j]].append(sample(foot.t, foot.acc[:, j], g))
            out[AXES[3 + j]].append(sample(foot.t, foot.gyr[:, j], g))
        out["acc_norm"].append(sample(foot.t, np.linalg.norm(foot.acc, axis=1), g))
        out["gyro_pitch"].append(sample(foot.t, gyro_pitch(foot), g))
    return {k: np.vstack(v) for k, v in out.items() if v}


def ic_curves(walk: Walk, fs: float) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Signals around each reference IC (absolute time), for the heel-strike close-up."""
    lag = np.arange(int(np.floor(IC_WINDOW[0] * fs)), int(np.ceil(IC_WINDOW[1] * fs)) + 1) / fs
    out: dict[str, list[np.ndarray]] = {a: [] for a in AXES}
    for _, foot in walk.feet:
        ev = foot.ref if foot.ref is not None else foot.strides
        times = ev["ic_s"].to_numpy()[:, None] + lag[None, :]
        for j in range(3):
            out[AXES[j]].append(sample(foot.t, foot.acc[:, j], times))
            out[AXES[3 + j]].append(sample(foot.t, foot.gyr[:, j], times))
    return lag, {k: np.vstack(v) for k, v in out.items()}


def kin_curves(walk: Walk) -> dict[str, np.ndarray]:
    """Reference curves: relative sole pitch over the gait cycle, toe and heel heights over
    swing (relative to mid-stance, as in CONTRACT.md)."""
    out: dict[str, list[np.ndarray]] = {"pitch": [], "toe": [], "heel": []}
    for _, foot in walk.feet:
        r = foot.ref
        if r is None or r.empty or foot.pitch is None:
            continue
        ms = r["ms_s"].to_numpy()
        g = grid(r["ic_s"].to_numpy(), r["next_ic_s"].to_numpy())
        p0 = sample(foot.kin_t, foot.pitch, ms[:, None])
        out["pitch"].append(sample(foot.kin_t, foot.pitch, g) - p0)
        sw = grid(r["fc_s"].to_numpy(), r["next_ic_s"].to_numpy())
        for name, z in (("toe", foot.toe_z), ("heel", foot.heel_z)):
            out[name].append(sample(foot.kin_t, z, sw) - sample(foot.kin_t, z, ms[:, None]))
    return {k: np.vstack(v) for k, v in out.items() if v}


# ---------------------------------------------------------------------------------- metrics
def _mtc(h: np.ndarray, prominence: float = 0.001) -> float:
    """CONTRACT MTC of a toe-height curve over swing: the lowest local minimum between the
    first early-swing maximum and the largest value of the second half; NaN if none."""
    if len(h) < 5 or not np.isfinite(h).all():
        return np.nan
    half = len(h) // 2
    late = half + int(np.argmax(h[half:]))
    peaks, _ = find_peaks(h[: late + 1], prominence=prominence)
    peaks = peaks[peaks < late]
    if not len(peaks):
        return np.nan
    trough, _ = find_peaks(-h[peaks[0]: late + 1], prominence=prominence)
    return float(h[peaks[0] + trough].min()) if len(trough) else np.nan


def kin_metrics(walk: Walk) -> pd.DataFrame:
    """Per reference stride: stance fraction, angles, sole-point clearances, stride length.

    Measured the same way on the markers and on the simulator's model (sole points; heights
    on a 0.5 %-of-swing grid), so the two columns compare like with like."""
    rows = []
    for _, foot in walk.feet:
        r = foot.ref
        if r is None or r.empty or foot.pitch is None:
            continue
        ms = r["ms_s"].to_numpy()
        p0 = sample(foot.kin_t, foot.pitch, ms)
        sw = grid(r["fc_s"].to_numpy(), r["next_ic_s"].to_numpy(), 201)
        toe = sample(foot.kin_t, foot.toe_z, sw) - sample(foot.kin_t, foot.toe_z, ms[:, None])
        heel = (sample(foot.kin_t, foot.heel_z, sw)
                - sample(foot.kin_t, foot.heel_z, ms[:, None]))
        rows.append(pd.DataFrame({
            "stance_pct": 100 * r["stance_time_s"] / r["stride_time_s"],
            "stride_time_s": r["stride_time_s"],
            "stride_length_m": r["stride_length_m"],
            "gait_speed_mps": r["gait_speed_mps"],
            "strike_deg": sample(foot.kin_t, foot.pitch, r["ic_s"].to_numpy()) - p0,
            "toe_off_deg": sample(foot.kin_t, foot.pitch, r["fc_s"].to_numpy()) - p0,
            "min_pitch_deg": np.nanmin(sample(foot.kin_t, foot.pitch, sw), axis=1) - p0,
            "max_toe_m": np.nanmax(toe[:, 100:], axis=1),
            "mtc_m": [_mtc(h) for h in toe],
            "max_heel_m": np.nanmax(heel, axis=1),
        }))
    return pd.concat(rows, ignore_index=True)


def imu_metrics(walk: Walk) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per engine stride: stance fraction, gyr_y peaks, impact peak, and the engine's own
    metrics; and the per-axis ranges (p1, p99) over the samples of these strides."""
    rows, samples = [], []
    for _, foot in walk.feet:
        st = foot.strides
        if st.empty:
            continue
        norm = np.linalg.norm(foot.acc, axis=1)
        gnorm = np.linalg.norm(foot.gyr, axis=1)
        gy = foot.gyr[:, 1]
        ms = stance_mid(foot)
        ms = dict(zip(foot.all_strides["ic_s"], ms, strict=True))
        fs = 1.0 / np.median(np.diff(foot.t))
        for s in st.itertuples():
            a, f, b = np.searchsorted(foot.t, [s.ic_s, s.fc_s, s.next_ic_s])
            trough = f + int(np.argmin(gy[f:b]))
            m = np.searchsorted(foot.t, ms.get(s.ic_s, s.ic_s))
            # the landing impact: the |acc| peak within 50 ms of IC, and its direction
            near = np.flatnonzero(np.abs(foot.t - s.ic_s) <= 0.05)
            k = near[np.argmax(norm[near])]
            rail = np.abs(foot.acc[near]).max() >= RAIL
            w = int(0.05 * fs)
            j = f + w + int(np.argmax(norm[f + w:b - w])) if b - f > 2 * w + 1 else None
            mid = slice(a + int(0.3 * (f - a)), a + int(0.6 * (f - a)))
            rows.append({
                "stance_pct": 100 * s.stance_time_s / s.stride_time_s,
                "swing_gyr_y": float(gy[trough]),
                "push_gyr_y": float(gy[m:trough].max()) if trough > m else np.nan,
                "impact_acc": float(norm[k]), "impact_acc_x": float(foot.acc[k, 0]),
                "impact_acc_y": float(foot.acc[k, 1]), "impact_acc_z": float(foot.acc[k, 2]),
                "frac_rail": float(rail),
                "swing_acc": float(norm[j]) if j is not None else np.nan,
                "swing_acc_at": (100 * (foot.t[j] - s.fc_s) / s.swing_time_s
                                 if j is not None else np.nan),
                "swing_acc_x": float(foot.acc[j, 0]) if j is not None else np.nan,
                "swing_acc_z": float(foot.acc[j, 2]) if j is not None else np.nan,
                "still_gyr": float(gnorm[mid].mean()),
                "peak_gyr": float(gnorm[a:b].max()),
                "stride_length_m": s.stride_length_m, "gait_speed_mps": s.gait_speed_mps,
                "strike_deg": s.foot_strike_angle_deg, "toe_off_deg": s.toe_off_angle_deg,
                "mtc_m": s.min_toe_clearance_m, "max_toe_m": s.max_toe_clearance_m,
                "max_heel_m": s.max_heel_clearance_m,
            })
            samples.append(np.column_stack([foot.acc[a:b], foot.gyr[a:b], norm[a:b],
                                            np.linalg.norm(foot.gyr[a:b], axis=1)]))
    x = np.vstack(samples)
    names = [*AXES, "|acc|", "|gyr|"]
    ranges = pd.DataFrame({"p1": np.nanpercentile(x, 1, axis=0),
                           "p99": np.nanpercentile(x, 99, axis=0),
                           "min": np.nanmin(x, axis=0), "max": np.nanmax(x, axis=0)},
                          index=names)
    return pd.DataFrame(rows), ranges


@dataclass
class Comparison:
    """Real against simulated gait for one data set."""

    real: Walk
    sim: Walk
    real_imu: pd.DataFrame
    sim_imu: pd.DataFrame
    real_ranges: pd.DataFrame
    sim_ranges: pd.DataFrame
    real_kin: pd.DataFrame | None  # from the markers (None without an optical reference)
    sim_kin: pd.DataFrame  # from the simulator's model
    real_stance_ref: pd.Series | None = None  # stance % from the reference events

    def summary(self) -> dict[str, float]:
        """Headline medians, for tests and the printed table."""
        out = {
            "speed_real": self.real.speed, "speed_sim": self.sim.speed,
            "stance_pct_real": float(self.real_imu["stance_pct"].median()),
            "stance_pct_sim": float(self.sim_imu["stance_pct"].median()),
            "swing_gyr_y_real": float(self.real_imu["swing_gyr_y"].median()),
            "swing_gyr_y_sim": float(self.sim_imu["swing_gyr_y"].median()),
            "push_gyr_y_real": float(self.real_imu["push_gyr_y"].median()),
            "push_gyr_y_sim": float(self.sim_imu["push_gyr_y"].median()),
            "acc_p99_real": float(self.real_ranges.loc["|acc|", "p99"]),
            "acc_p99_sim": float(self.sim_ranges.loc["|acc|", "p99"]),
            "stance_pct_ref_real": float(self.real_stance_ref.median()),
            "stance_pct_ref_sim": float(self.sim_kin["stance_pct"].median()),
        }
        if self.real_kin is not None:
            for key in ("stance_pct", "strike_deg", "toe_off_deg", "mtc_m", "max_toe_m",
                        "max_heel_m", "stride_length_m"):
                out[f"ref_{key}_real"] = float(self.real_kin[key].median())
                out[f"ref_{key}_sim"] = float(self.sim_kin[key].median())
        return out


def compare_gaitmap(data: Path, seed: int = 0) -> Comparison:
    """The gaitmap example against normal gait simulated at its speed, 204.8 Hz, with the
    simulator's default lateral sensor position (that of this trial's sensors)."""
    real = gaitmap_walk(data)
    sim = simulated_walk("simulated", real.speed, GAITMAP_FS, n_strides=30, seed=seed)
    return _compare(real, sim)


def compare_voisard(data: Path, trials: tuple[str, ...] = VOISARD_TRIALS,
                    seed: int = 0) -> Comparison:
    """Voisard trials (instep sensors, 100 Hz) against simulated gait at each trial's speed."""
    root = data / "voisard-healthy"
    real, sim = voisard_walks(root, trials, seed)
    return _compare(real, sim, voisard_stance(root, trials))


def voisard_stance(root: Path, trials: tuple[str, ...]) -> pd.Series:
    """Stance % of the annotated strides (hand-checked heel strikes and toe-offs) of the
    trials: straight (in the trial, off the U-turn), steady as in :func:`steady`."""
    out = []
    for trial in trials:
        ev = load_voisard_events(root, trial)
        for _, e in ev.groupby("side"):
            e = e.sort_values("ic_s")
            ic, fc = e["ic_s"].to_numpy(), e["fc_s"].to_numpy()
            ok = (e["in_trial"] & ~e["in_uturn"]).to_numpy()
            # stride k runs from the heel strike of swing k to that of swing k + 1, whose
            # toe-off ends its stance
            st = pd.DataFrame({"stride_time_s": ic[1:] - ic[:-1],
                               "stance_time_s": fc[1:] - ic[:-1], "turning": ~(ok[1:] & ok[:-1]),
                               "fc_s": fc[1:], "next_ic_s": ic[1:],
                               "stride_length_m": np.nan})
            st = steady(st)
            out.append(100 * st["stance_time_s"] / st["stride_time_s"])
    return pd.concat(out, ignore_index=True)


def _compare(real: Walk, sim: Walk, stance_ref: pd.Series | None = None) -> Comparison:
    ri, rr = imu_metrics(real)
    si, sr = imu_metrics(sim)
    real_kin = kin_metrics(real) if all(f.pitch is not None for _, f in real.feet) else None
    if stance_ref is None and real_kin is not None:
        stance_ref = real_kin["stance_pct"]
    return Comparison(real, sim, ri, si, rr, sr, real_kin, kin_metrics(sim), stance_ref)


# ---------------------------------------------------------------------------------- figures
def _band(ax, x: np.ndarray, y: np.ndarray, color: str, label: str) -> None:
    """Mean ± SD over strides."""
    m, s = np.nanmean(y, axis=0), np.nanstd(y, axis=0)
    ax.fill_between(x, m - s, m + s, color=color, alpha=0.2, lw=0)
    ax.plot(x, m, color=color, lw=1.6, label=f"{label} (n={len(y)})")


def _new(nrows: int, ncols: int, w: float, h: float):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(nrows, ncols, figsize=(w, h), squeeze=False)
    for ax in axes.ravel():
        ax.grid(alpha=0.3, lw=0.5)
        ax.tick_params(labelsize=8)
    return plt, fig, axes


def _save(plt, fig, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=72)
    plt.close(fig)
    return path


def figure_sagittal(c: Comparison, path: Path) -> Path:
    """Sole pitch (markers vs model, and from the gyroscope) and gyr_y over the gait cycle."""
    rk, sk = kin_curves(c.real), kin_curves(c.sim)
    ri, si = imu_curves(c.real), imu_curves(c.sim)
    plt, fig, ax = _new(1, 3, 12.0, 3.6)
    _band(ax[0, 0], PHASE, rk["pitch"], REAL, "real, markers")
    _band(ax[0, 0], PHASE, sk["pitch"], SIM, "simulated, model")
    ax[0, 0].set_title("sole pitch (reference kinematics)", fontsize=9)
    _band(ax[0, 1], PHASE, ri["gyro_pitch"], REAL, "real IMU")
    _band(ax[0, 1], PHASE, si["gyro_pitch"], SIM, "simulated IMU")
    ax[0, 1].set_title("sole pitch integrated from gyr_y", fontsize=9)
    _band(ax[0, 2], PHASE, ri["gyr_y"], REAL, "real IMU")
    _band(ax[0, 2], PHASE, si["gyr_y"], SIM, "simulated IMU")
    ax[0, 2].set_title("gyr_y (+ = toes down)", fontsize=9)
    for a, unit in zip(ax[0], ("deg", "deg", "deg/s"), strict=True):
        a.set_xlabel("% gait cycle (IC to next IC)", fontsize=8)
        a.set_ylabel(unit, fontsize=8)
        a.legend(fontsize=7, loc="lower left")
    fig.suptitle(f"{c.real.name} ({c.real.speed:.2f} m/s) vs simulated normal gait "
                 f"({c.sim.speed:.2f} m/s); mean ± SD", fontsize=10)
    return _save(plt, fig, path)


def figure_axes(c: Comparison, path: Path, title: str) -> Path:
    """All six IMU axes over the gait cycle, mean ± SD."""
    ri, si = imu_curves(c.real), imu_curves(c.sim)
    plt, fig, ax = _new(2, 3, 11.0, 5.2)
    for k, name in enumerate(AXES):
        a = ax.flat[k]
        _band(a, PHASE, ri[name], REAL, "real")
        _band(a, PHASE, si[name], SIM, "simulated")
        a.set_title(name + (" (m/s²)" if name.startswith("acc") else " (deg/s)"), fontsize=9)
        if k >= 3:
            a.set_xlabel("% gait cycle (IC to next IC)", fontsize=8)
    ax[0, 0].legend(fontsize=7)
    fig.suptitle(title, fontsize=10)
    return _save(plt, fig, path)


def figure_clearance(c: Comparison, path: Path) -> Path:
    """Toe and heel sole-point heights over swing, markers vs model."""
    rk, sk = kin_curves(c.real), kin_curves(c.sim)
    plt, fig, ax = _new(1, 2, 10.0, 3.6)
    for a, name in zip(ax[0], ("toe", "heel"), strict=True):
        _band(a, PHASE, 100 * rk[name], REAL, "real, sole point below marker")
        _band(a, PHASE, 100 * sk[name], SIM, "simulated, model")
        a.axhline(0.0, color="k", lw=0.6)
        a.set_title(f"{name} sole-point height above its mid-stance height", fontsize=9)
        a.set_xlabel("% swing (FC to next IC)", fontsize=8)
        a.set_ylabel("cm", fontsize=8)
        a.legend(fontsize=7, loc="upper right")
    return _save(plt, fig, path)


def figure_impact(c: Comparison, path: Path) -> Path:
    """The IMU signals from 100 ms before to 200 ms after the reference IC, median and
    10–90 % of strides, at the recording's own rate."""
    lag_r, r = ic_curves(c.real, c.real.fs)
    lag_s, s = ic_curves(c.sim, c.sim.fs)
    plt, fig, ax = _new(2, 3, 11.0, 5.2)
    for k, name in enumerate(AXES):
        a = ax.flat[k]
        for lag, y, col, lab in ((lag_r, r[name], REAL, "real"), (lag_s, s[name], SIM,
                                                                  "simulated")):
            lo, med, hi = np.nanpercentile(y, [10, 50, 90], axis=0)
            a.fill_between(1000 * lag, lo, hi, color=col, alpha=0.2, lw=0, step="mid")
            a.plot(1000 * lag, med, color=col, lw=1.2, drawstyle="steps-mid", label=lab)
        a.axvline(0.0, color="k", lw=0.6)
        a.set_title(name + (" (m/s²)" if name.startswith("acc") else " (deg/s)"), fontsize=9)
        if k >= 3:
            a.set_xlabel("ms from IC (markers / model)", fontsize=8)
    ax[0, 0].legend(fontsize=7)
    fig.suptitle("Heel strike close-up, gaitmap example (204.8 Hz): median and 10-90 % "
                 "of strides", fontsize=10)
    return _save(plt, fig, path)


# ---------------------------------------------------------------------------------- report
def _cell(x: pd.Series, scale: float = 1.0, digits: int = 1) -> str:
    """Median ± SD; a ``frac_`` column (0/1 per stride) as the percentage of strides."""
    if x.name is not None and str(x.name).startswith("frac_"):
        return f"{scale * x.mean():.{digits}f}" if x.notna().any() else "—"
    x = x.dropna() * scale
    if x.empty:
        return "—"
    return f"{x.median():.{digits}f} ± {x.std(ddof=1):.{digits}f}" if len(x) > 1 else \
        f"{x.median():.{digits}f}"


#: (label, column, scale, unit, digits) of the per-stride rows.
IMU_ROWS = [
    ("stance (engine events)", "stance_pct", 1.0, "% of stride", 1),
    ("peak swing gyr_y (toes-up)", "swing_gyr_y", 1.0, "deg/s", 0),
    ("peak push-off gyr_y (toes-down)", "push_gyr_y", 1.0, "deg/s", 0),
    ("peak \\|gyr\\| per stride", "peak_gyr", 1.0, "deg/s", 0),
    ("mean \\|gyr\\| in mid-stance (30–60 % of stance)", "still_gyr", 1.0, "deg/s", 1),
    ("landing impact: peak \\|acc\\| within 50 ms of IC", "impact_acc", 1.0, "m/s²", 0),
    ("… its acc_x (+ forward)", "impact_acc_x", 1.0, "m/s²", 0),
    ("… its acc_y (+ lateral, both feet)", "impact_acc_y", 1.0, "m/s²", 0),
    ("… its acc_z (+ up)", "impact_acc_z", 1.0, "m/s²", 0),
    ("strides with an acc axis at the ±16 g rail near IC", "frac_rail", 100.0, "%", 0),
    ("peak \\|acc\\| in swing (FC + 50 ms to IC − 50 ms)", "swing_acc", 1.0, "m/s²", 0),
    ("… at", "swing_acc_at", 1.0, "% of swing", 0),
    ("… its acc_x", "swing_acc_x", 1.0, "m/s²", 0),
    ("… its acc_z", "swing_acc_z", 1.0, "m/s²", 0),
]
KIN_ROWS = [
    ("stance (reference events)", "stance_pct", 1.0, "% of stride", 1),
    ("gait speed", "gait_speed_mps", 1.0, "m/s", 2),
    ("stride time", "stride_time_s", 1.0, "s", 3),
    ("stride length", "stride_length_m", 1.0, "m", 3),
    ("foot strike angle", "strike_deg", 1.0, "deg", 1),
    ("toe-off angle", "toe_off_deg", 1.0, "deg", 1),
    ("lowest pitch (early swing)", "min_pitch_deg", 1.0, "deg", 1),
    ("max toe clearance", "max_toe_m", 100.0, "cm", 1),
    ("min toe clearance (MTC)", "mtc_m", 1000.0, "mm", 1),
    ("max heel clearance", "max_heel_m", 100.0, "cm", 1),
]
ENGINE_ROWS = [
    ("stride length", "stride_length_m", 1.0, "m", 3),
    ("foot strike angle", "strike_deg", 1.0, "deg", 1),
    ("toe-off angle", "toe_off_deg", 1.0, "deg", 1),
    ("max toe clearance", "max_toe_m", 100.0, "cm", 1),
    ("min toe clearance (MTC)", "mtc_m", 1000.0, "mm", 1),
    ("max heel clearance", "max_heel_m", 100.0, "cm", 1),
]


def _rows(spec, a: pd.DataFrame, b: pd.DataFrame) -> str:
    return "\n".join(f"| {lab} | {unit} | {_cell(a[col], sc, d)} | {_cell(b[col], sc, d)} |"
                     for lab, col, sc, unit, d in spec)


def _range_rows(a: pd.DataFrame, b: pd.DataFrame) -> str:
    out = []
    for name in a.index:
        unit = "m/s²" if "acc" in name else "deg/s"
        out.append(f"| {name.replace('|', chr(92) + '|')} | {unit} | "
                   f"{a.loc[name, 'p1']:.0f} … {a.loc[name, 'p99']:.0f} | "
                   f"{b.loc[name, 'p1']:.0f} … {b.loc[name, 'p99']:.0f} | "
                   f"{a.loc[name, 'min']:.0f} … {a.loc[name, 'max']:.0f} | "
                   f"{b.loc[name, 'min']:.0f} … {b.loc[name, 'max']:.0f} |")
    return "\n".join(out)


def _n(walk: Walk) -> int:
    return sum(len(f.strides) for _, f in walk.feet)


def render(g: Comparison, v: Comparison | None, figs: dict[str, str]) -> str:
    """The generated section of docs/simulator.md."""
    n_ref = sum(len(f.ref) for _, f in g.real.feet)
    n_sim_ref = sum(len(f.ref) for _, f in g.sim.feet)
    text = f"""{START}
## Realism: simulated normal gait against real healthy recordings

Generated by `python benchmarks/simulator_realism.py --write` (footdrop {footdrop.__version__},
simulator seed 0); do not edit this section by hand. Both sides go through the same code: the
footdrop engine finds the strides in the IMU data (real and simulated alike), the curves are
time-normalised per stride (IC to next IC, or FC to next IC for swing), and only steady
straight strides count (no turns; stride time within 15 % and stride length within 25 % of the
median, which drops starting and stopping). The right foot is mirrored (acc_y, gyr_x, gyr_z
negated) so that both feet pool: +acc_y is lateral and +gyr_x eversion on both. Cells are
median ± SD over strides.

### gaitmap example: lateral sensors at 204.8 Hz, with motion capture

Real: `imu_sample.csv` (a healthy adult, 2 × 20 m, IMUs on the lateral side of both shoes) and
its synchronised markers. Simulated: `simulate(speed={g.real.speed:.2f}, n_strides=30,
fs=204.8, seed=0)`, i.e. normal gait at the trial's median speed from the markers, with the
simulator's default lateral sensor position and its default (`"typical"`) sensor errors.
{_n(g.real)} real and {_n(g.sim)} simulated strides from the engine; {n_ref} real strides from
the markers (`MocapReference`) and {n_sim_ref} from the simulator's truth.

![Sole pitch and gyr_y over the gait cycle]({figs['sagittal']})

The left panel is the reference kinematics: the pitch of the heel-marker → toe-marker line
(real) and of the model's sole (simulated), relative to mid-stance. The middle panel is the
same angle as the IMU sees it, integrated from gyr_y between mid-stances with the same code
for both.

![All IMU axes over the gait cycle]({figs['axes']})

![Toe and heel clearance over swing]({figs['clearance']})

Clearance is that of sole points on both sides: for the real foot, the points of the rigid
marker body that lie below the TOE and FCC markers on the floor at foot flat (the reference's
sole points), so both curves start at 0 at mid-stance. The rigid-body assumption is the
reference's; it breaks while the real shoe bends at push-off (see below).

![Heel strike close-up]({figs['impact']})

The close-up is aligned on the reference IC (markers; the simulator's truth) and resampled at
the recording's own rate, so a transient shorter than a sample period shows as one or two steps.

**Reference kinematics** (markers vs the simulator's model, measured by the same code):

| metric | unit | real (markers) | simulated (model) |
|---|---|---:|---:|
{_rows(KIN_ROWS, g.real_kin, g.sim_kin)}

**IMU signals** (engine events on both):

| metric | unit | real | simulated |
|---|---|---:|---:|
{_rows(IMU_ROWS, g.real_imu, g.sim_imu)}

**What the engine measures** from each (default lateral offsets on both, which are the sole
points of this trial's geometry):

| metric | unit | real | simulated |
|---|---|---:|---:|
{_rows(ENGINE_ROWS, g.real_imu, g.sim_imu)}

**Signal ranges** over the samples of these strides (p1 … p99, and min … max):

| signal | unit | real p1 … p99 | simulated p1 … p99 | real min … max | simulated min … max |
|---|---|---:|---:|---:|---:|
{_range_rows(g.real_ranges, g.sim_ranges)}
"""
    if v is not None:
        text += f"""
### Voisard et al.: instep sensors at 100 Hz

Real: trials {', '.join(VOISARD_TRIALS)} of the Voisard et al. healthy data set (XSens MTw on
the instep, 100 Hz; AGPL-3.0, read from `../shared/data`, not vendored), aligned to the foot
frame by footdrop. Simulated: per trial, `simulate(speed=<the trial's median engine speed>,
n_strides=12, fs=100, toe_offset={INSTEP['toe_offset']}, heel_offset={INSTEP['heel_offset']})`
(the engine's instep default), pooled. There is no optical reference, and the real sensors'
position on the shoe is not known, so only the IMU signals and the engine's results compare;
the stance fraction is also taken from the data set's hand-checked events. The engine's
toe-offs on these data come about 30 ms before the annotated ones (`validation.md`), which is
why its real stance fraction is lower than the annotated one.
Median speed: real {v.real.speed:.2f} m/s, simulated {v.sim.speed:.2f} m/s; {_n(v.real)} real
and {_n(v.sim)} simulated strides.

![Voisard: all IMU axes over the gait cycle]({figs['voisard']})

| metric | unit | real | simulated |
|---|---|---:|---:|
| stance (reference events: annotations / simulator truth) | % of stride | \
{_cell(v.real_stance_ref)} | {_cell(v.sim_kin["stance_pct"])} |
{_rows(IMU_ROWS, v.real_imu, v.sim_imu)}
{_rows(ENGINE_ROWS[:3], v.real_imu, v.sim_imu)}

| signal | unit | real p1 … p99 | simulated p1 … p99 | real min … max | simulated min … max |
|---|---|---:|---:|---:|---:|
{_range_rows(v.real_ranges, v.sim_ranges)}
"""
    return text + END


def print_summary(name: str, c: Comparison) -> None:
    s = c.summary()
    keys = sorted({k.rsplit("_", 1)[0] for k in s})
    print(f"\n{name}: {_n(c.real)} real / {_n(c.sim)} simulated engine strides")
    print(f"{'metric':28s} {'real':>10s} {'simulated':>10s}")
    for k in keys:
        print(f"{k:28s} {s[k + '_real']:10.4g} {s[k + '_sim']:10.4g}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--write", action="store_true",
                        help="write docs/simulator.md and docs/img/simulator/*.png")
    parser.add_argument("--seed", type=int, default=0, help="simulator seed")
    args = parser.parse_args(argv)
    if not (args.data / "gaitmap-example" / "mocap_sample.csv").is_file():
        print(f"simulator_realism: {args.data}/gaitmap-example not found; pass --data DIR "
              "(the folder holding gaitmap-example/ and voisard-healthy/)", file=sys.stderr)
        return 2
    t = time.perf_counter()
    np.seterr(all="ignore")
    g = compare_gaitmap(args.data, args.seed)
    v = None
    if (args.data / "voisard-healthy").is_dir():
        v = compare_voisard(args.data, seed=args.seed)
    else:
        print("simulator_realism: voisard-healthy not found; skipped", file=sys.stderr)
    print_summary("gaitmap example (lateral, 204.8 Hz)", g)
    if v is not None:
        print_summary("Voisard (instep, 100 Hz)", v)
    if args.write:
        img = DOC.parent / IMG_REL
        img.mkdir(parents=True, exist_ok=True)
        figure_sagittal(g, img / "gaitmap_sagittal.png")
        figure_axes(g, img / "gaitmap_axes.png", "gaitmap example (lateral sensors, 204.8 Hz) "
                    "vs simulated: IMU axes over the gait cycle, mean ± SD")
        figure_clearance(g, img / "gaitmap_clearance.png")
        figure_impact(g, img / "gaitmap_heel_strike.png")
        figs = {"sagittal": f"{IMG_REL}/gaitmap_sagittal.png",
                "axes": f"{IMG_REL}/gaitmap_axes.png",
                "clearance": f"{IMG_REL}/gaitmap_clearance.png",
                "impact": f"{IMG_REL}/gaitmap_heel_strike.png"}
        if v is not None:
            figure_axes(v, img / "voisard_axes.png", "Voisard trials (instep sensors, 100 Hz) "
                        "vs simulated: IMU axes over the gait cycle, mean ± SD")
            figs["voisard"] = f"{IMG_REL}/voisard_axes.png"
        write_section(DOC, render(g, v, figs), START, END, title="# Gait simulator\n")
        print(f"\nwrote {DOC.relative_to(REPO)} and {len(figs)} figures in "
              f"{img.relative_to(REPO)}")
    print(f"({time.perf_counter() - t:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
