"""Speed of the gait engine against the gait-engine issue's targets.

* Engine, warm, per minute of two-foot data, on the gaitmap mocap trial (``imu_sample.csv``,
  204.8 Hz) tiled end to end to 10 and 60 minutes: at least 100x faster than gaitmap
  (``benchmarks/results/gaitmap.json``, measured on the same machine; see
  ``benchmarks/gaitmap/README.md``). Timed like gaitmap: from an already read and aligned
  recording to the stride table and summary. The end-to-end time (read the tiled CSV, align,
  analyse) is printed for information.
* ``footdrop analyze`` on a 1-minute file, cold (a fresh process per run, numba's on-disk
  cache populated as after installation): under 2 s. The very first run with an empty numba
  cache is reported separately.
* A 24-hour two-foot 100 Hz recording that is mostly not walking (bouts of the mocap trial,
  resampled to 100 Hz, between long still periods with slow posture changes), read from
  ``.npy`` files and analysed in a fresh process: under 60 s and under 1 GB peak memory,
  with the strides found compared to the strides inserted.

Ratios are anchor / measured (above 1 meets the target); for gaitmap the ratio is gaitmap's
s/min / footdrop's s/min against the 100x target.

Run: ``python benchmarks/bench_gait.py`` (``--write`` updates the gait-speed section of
``docs/benchmarks.md``; ``--profile`` prints where the engine spends its time on the
60-minute tiling). Generated inputs are cached in ``benchmarks/_work`` (git-ignored).
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import io as _io
import json
import os
import pstats
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

import footdrop
from footdrop import io
from footdrop.gait.engine import GaitAnalysis
from footdrop.preprocess.alignment import align_to_foot
from footdrop.recording import Recording, Sensor
from footdrop.validation import write_section

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "benchmarks" / "_work"
GAITMAP_JSON = ROOT / "benchmarks" / "results" / "gaitmap.json"
DOCS = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- gait-speed:start -->", "<!-- gait-speed:end -->"
FS = 204.8  # the mocap trial
FS_DAY = 100.0
FEET = ("left_foot", "right_foot")

SPEEDUP_TARGET = 100.0  # x faster than gaitmap, warm, per minute of two-foot data
CLI_ANCHOR_S = 2.0
DAY_ANCHOR_S = 60.0
DAY_ANCHOR_MB = 1000.0  # 1 GB = 10^9 bytes

# the 24-h recording (bump DAY_VERSION when the generator changes: the files are cached)
DAY_VERSION = 2
DAY_SEED = 20261124
DAY_BOUTS = 140  # x 38.7 s of the mocap trial = 1.5 h of walking
DAY_MIN_GAP_S = 20.0
DAY_POSTURE_EVERY_S = 600.0  # mean interval between slow posture changes while still
ACC_NOISE, GYR_NOISE = 0.035, 0.3  # m/s², deg/s: the trial's own standing noise


# ------------------------------------------------------------------------------ data


def trial_path(data_dir: Path) -> Path:
    path = data_dir / "gaitmap-example" / "imu_sample.csv"
    if not path.exists():
        sys.exit(f"bench_gait: {path} not found (pass --data-dir DIR holding "
                 "gaitmap-example/imu_sample.csv)")
    return path


def read_trial(data_dir: Path) -> Recording:
    return io.read(trial_path(data_dir), fs=FS)


def tile(rec: Recording, minutes: float) -> Recording:
    """Both feet's arrays repeated end to end along time, cut to ``minutes``."""
    sensors = {}
    for placement, s in rec.sensors.items():
        n = int(round(minutes * 60 * s.fs))
        reps = -(-n // s.n_samples)
        sensors[placement] = Sensor(
            placement=placement, fs=s.fs, acc=np.tile(s.acc, (reps, 1))[:n],
            gyr=np.tile(s.gyr, (reps, 1))[:n], units=dict(s.units), name=s.name,
        )
    return Recording(sensors=sensors, source=list(rec.source), format="tiled",
                     warnings=list(rec.warnings))


def write_gaitmap_csv(rec: Recording, path: Path) -> Path:
    """Write a two-foot recording as a gaitmap-style CSV (like ``imu_sample.csv``)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    left, right = rec["left_foot"], rec["right_foot"]
    n = left.n_samples
    cols, names, axes = {"i": pa.array(np.arange(n))}, [], []
    for kind in ("acc", "gyr"):
        for j, a in enumerate("xyz"):
            for s, name in ((left, "left_sensor"), (right, "right_sensor")):
                cols[f"{name}_{kind}_{a}"] = pa.array(getattr(s, kind)[:, j])
                names.append(name)
                axes.append(f"{kind}_{a}")
    tmp = path.with_suffix(".tmp")
    with open(tmp, "wb") as fh:
        fh.write(("sensor," + ",".join(names) + "\naxis," + ",".join(axes) + "\n").encode())
        pacsv.write_csv(pa.table(cols), fh, pacsv.WriteOptions(include_header=False))
    tmp.replace(path)
    return path


def tiled_csv(trial: Recording, minutes: float) -> Path:
    path = WORK / f"gait_trial_tiled_{minutes:g}min.csv"
    if not path.exists():
        WORK.mkdir(exist_ok=True)
        write_gaitmap_csv(tile(trial, minutes), path)
    return path


def resampled_bout(trial: Recording) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The mocap trial (standing, walking, standing) resampled from 204.8 to 100 Hz."""
    from scipy.signal import resample_poly

    up, down = 125, 256  # 100 / 204.8
    assert abs(FS * up / down - FS_DAY) < 1e-9
    return {p: tuple(resample_poly(getattr(s, k), up, down, axis=0, padtype="line")
                     for k in ("acc", "gyr"))
            for p, s in trial.sensors.items()}


def _rotate(v: np.ndarray, axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rodrigues: rotate the vector ``v`` about the unit ``axis`` by each of ``angle`` (rad)."""
    c, s = np.cos(angle)[:, None], np.sin(angle)[:, None]
    return v * c + np.cross(axis, v) * s + axis * (axis @ v) * (1 - c)


def _turn(g: np.ndarray, axis: np.ndarray, angle: float, d: int,
          scale_end: float = 1.0) -> tuple[np.ndarray, np.ndarray]:
    """acc and gyr of a foot turning slowly (raised-cosine profile over ``d`` samples)."""
    x = np.arange(1, d + 1) / d
    prof = angle * 0.5 * (1 - np.cos(np.pi * x))
    rate = angle * np.pi / (2 * d / FS_DAY) * np.sin(np.pi * x)  # rad/s
    acc = _rotate(g, axis, prof) * (1 + (scale_end - 1) * x)[:, None]
    # gravity turns by +angle in the sensor's axes when the foot turns by -angle
    return acc, -np.degrees(rate)[:, None] * axis


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v)


def _still(n: int, g_from: np.ndarray, g_to: np.ndarray, rng: np.random.Generator,
           acc: np.ndarray, gyr: np.ndarray) -> None:
    """Fill ``acc``/``gyr`` (n rows) with a still foot: gravity plus sensor noise.

    About every 10 min (Poisson) the foot turns slowly (over 2–6 s) to a new resting
    posture, tilted 5–35° from ``g_from`` about a random horizontal axis, or back to
    ``g_from``; in its last seconds it turns back to ``g_to``, the posture in which the next
    walking bout starts. The gyroscope sees the matching angular rate (below 30 deg/s).
    """
    fs = FS_DAY
    tail = int(8 * fs)
    events: list[tuple[int, int]] = []
    k = rng.poisson(n / fs / DAY_POSTURE_EVERY_S)
    if k and n > tail + int(10 * fs):
        end = 0
        for t in np.sort(rng.integers(int(5 * fs), n - tail, size=k)):
            d = int(rng.uniform(2, 6) * fs)
            if t >= end and t + d <= n - tail:
                events.append((int(t), d))
                end = t + d
    g = np.array(g_from, dtype=float)
    pos = 0
    for t, d in events:
        acc[pos:t] = g
        gyr[pos:t] = 0.0
        if rng.random() < 0.3:
            target = g_from
        else:
            tilt_axis = _unit(np.cross(g_from, rng.normal(size=3)))
            target = _rotate(g_from, tilt_axis, np.radians([rng.uniform(5, 35)]))[0]
        cross = np.cross(g, target)
        if np.linalg.norm(cross) < 1e-9:
            cross = np.cross(g, rng.normal(size=3)) * 1e-6
        angle = float(np.arctan2(np.linalg.norm(cross), g @ target))
        acc[t:t + d], gyr[t:t + d] = _turn(g, _unit(cross), angle, d)
        g = acc[t + d - 1].copy()
        pos = t + d
    acc[pos:n] = g
    gyr[pos:n] = 0.0
    d = min(int(3 * fs), n - pos - int(2 * fs))
    cross = np.cross(g, g_to)
    if d > 2 and np.linalg.norm(cross) > 1e-9:
        t = n - int(2 * fs) - d
        angle = float(np.arctan2(np.linalg.norm(cross), g @ g_to))
        scale = np.linalg.norm(g_to) / np.linalg.norm(g)
        acc[t:t + d], gyr[t:t + d] = _turn(g, _unit(cross), angle, d, scale)
        acc[t + d:n] = g_to
    acc[:n] += rng.normal(0.0, ACC_NOISE, (n, 3))
    gyr[:n] += rng.normal(0.0, GYR_NOISE, (n, 3)) + rng.normal(0.0, 0.1, 3)  # + small bias


def day_dir() -> Path:
    return WORK / f"gait_day24h_v{DAY_VERSION}"


def build_day(trial: Recording) -> Path:
    """Write (once) the 24-h two-foot 100 Hz recording as .npy files plus a manifest."""
    out = day_dir()
    if (out / "manifest.json").exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    bout = resampled_bout(trial)
    nb = bout["left_foot"][0].shape[0]
    n = int(24 * 3600 * FS_DAY)
    rng = np.random.default_rng(DAY_SEED)
    still_total = n - DAY_BOUTS * nb
    min_gap = int(DAY_MIN_GAP_S * FS_DAY)
    share = rng.dirichlet(np.full(DAY_BOUTS + 1, 0.4))
    gaps = min_gap + np.floor(share * (still_total - (DAY_BOUTS + 1) * min_gap)).astype(int)
    gaps[-1] += still_total - gaps.sum()
    starts = gaps[:-1].cumsum() + np.arange(DAY_BOUTS) * nb
    bouts = [(int(s), int(s + nb)) for s in starts]
    for placement in FEET:
        b_acc, b_gyr = bout[placement]
        g_start = b_acc[: int(0.5 * FS_DAY)].mean(axis=0)  # standing before walking
        g_end = b_acc[-int(0.5 * FS_DAY):].mean(axis=0)  # standing after walking
        # float32, as a day-long logger stores its 16-bit samples: half the memory
        acc = np.empty((n, 3), dtype=np.float32)
        gyr = np.empty((n, 3), dtype=np.float32)
        prev = 0
        for i, (a, b) in enumerate([*bouts, (n, n)]):
            _still(a - prev, g_start if i == 0 else g_end, g_start, rng, acc[prev:a],
                   gyr[prev:a])
            if b > a:
                acc[a:b], gyr[a:b] = b_acc, b_gyr
            prev = b
        np.save(out / f"{placement}_acc.npy", acc)
        np.save(out / f"{placement}_gyr.npy", gyr)
        del acc, gyr
    manifest = {
        "version": DAY_VERSION, "seed": DAY_SEED, "fs": FS_DAY, "n_samples": n,
        "bouts": bouts, "bout_samples": nb, "walking_s": DAY_BOUTS * nb / FS_DAY,
        "source": "gaitmap imu_sample.csv resampled 204.8 -> 100 Hz (resample_poly 125/256)",
    }
    (out / "manifest.json").write_text(json.dumps(manifest) + "\n")
    return out


def load_day(path: Path) -> Recording:
    """Load the 24-h .npy files into a recording (declared m/s² and deg/s)."""
    fs = json.loads((path / "manifest.json").read_text())["fs"]
    sensors = {p: Sensor(placement=p, fs=fs, acc=np.load(path / f"{p}_acc.npy"),
                         gyr=np.load(path / f"{p}_gyr.npy"), name=p) for p in FEET}
    return Recording(sensors=sensors, source=[str(path)], format="npy")


def check_like_read(rec: Recording) -> Recording:
    """The checks :func:`footdrop.io.read` applies to every input after its reader."""
    from footdrop.preprocess.gaps import check_duration, repair_gaps
    from footdrop.preprocess.quality import flag_clipping
    from footdrop.preprocess.units import standardise_units

    standardise_units(rec, None)
    repair_gaps(rec)
    flag_clipping(rec)
    check_duration(rec)
    return rec


# ------------------------------------------------------------------------------ timing


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1000.0  # KiB (Linux) -> MB


def day_child(path: Path) -> None:
    """In a fresh process: read, align and analyse the 24-h recording; print JSON."""
    import tracemalloc

    stages, rss = {}, {"imports": _maxrss_mb()}
    t0 = t = time.perf_counter()
    rec = load_day(path)
    stages["load .npy"] = time.perf_counter() - t
    rss["load .npy"] = _maxrss_mb()
    t = time.perf_counter()
    rec = check_like_read(rec)
    stages["read checks"] = time.perf_counter() - t
    rss["read checks"] = _maxrss_mb()
    t = time.perf_counter()
    rec = align_to_foot(rec, copy=False)  # as footdrop.load and the CLI do
    stages["align"] = time.perf_counter() - t
    rss["align"] = _maxrss_mb()
    t = time.perf_counter()
    strides, summary = footdrop.analyze(rec, copy=False)  # as the CLI: the recording is ours
    stages["engine"] = time.perf_counter() - t
    rss["engine"] = _maxrss_mb()
    total = time.perf_counter() - t0
    # the engine's own working memory (numpy allocations), outside the timed region
    tracemalloc.start()
    footdrop.analyze(rec)
    engine_peak = tracemalloc.get_traced_memory()[1] / 1e6
    tracemalloc.stop()
    manifest = json.loads((path / "manifest.json").read_text())
    fs = manifest["fs"]
    bouts = np.asarray(manifest["bouts"], float) / fs
    ic = strides["ic_s"].to_numpy()
    k = np.searchsorted(bouts[:, 0], ic, side="right") - 1
    inside = (k >= 0) & (ic < bouts[np.maximum(k, 0), 1])
    out = {
        "stages_s": stages, "total_s": total, "maxrss_mb": rss,
        "engine_traced_peak_mb": engine_peak,
        "data_mb": sum(s.acc.nbytes + s.gyr.nbytes for s in rec.sensors.values()) / 1e6,
        "strides": {side: int((strides["side"] == side).sum()) for side in ("left", "right")},
        "strides_outside_bouts": int((~inside).sum()),
        "warnings": summary["warnings"],
    }
    print(json.dumps(out))


# Runs a command and prints its ru_maxrss (KiB) on stderr. The benchmark process is large
# when it starts the 24-h run, and Linux carries a process's memory high-water mark across
# exec (and a vfork child's across its parent's), so the 24-h process is forked from this
# small launcher instead: its RUSAGE_CHILDREN peak is that of the 24-h process alone.
LAUNCHER = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")


def run_day(path: Path, trial: Recording) -> dict:
    """Time the 24-h child process; compare its strides with the inserted ones."""
    manifest = json.loads((path / "manifest.json").read_text())
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", LAUNCHER, sys.executable, __file__,
                           "--day-child", str(path)],
                          check=True, capture_output=True, text=True)
    wall = time.perf_counter() - t
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_s"] = wall
    res["children_maxrss_mb"] = int(proc.stderr.strip().splitlines()[-1]) / 1000.0
    # inserted: the strides the engine finds on one bout analysed alone, times the bouts
    bout = resampled_bout(trial)
    one = Recording(sensors={p: Sensor(placement=p, fs=FS_DAY, acc=a, gyr=g)
                             for p, (a, g) in bout.items()}, format="bout")
    strides, _ = footdrop.analyze(align_to_foot(one))
    per_bout = {side: int((strides["side"] == side).sum()) for side in ("left", "right")}
    res["inserted"] = {side: c * len(manifest["bouts"]) for side, c in per_bout.items()}
    res["per_bout"] = per_bout
    res["n_bouts"] = len(manifest["bouts"])
    res["walking_h"] = manifest["walking_s"] / 3600
    res["gaitmap_per_bout"] = _gaitmap_trial_strides()
    return res


def _gaitmap_trial_strides() -> dict | None:
    try:
        data = json.loads(GAITMAP_JSON.read_text())
        return data["strides_un_tiled"]["strides_per_foot"]
    except (OSError, KeyError, ValueError):
        return None


def time_engine(rec: Recording, repeats: int, *, assess: bool = False
                ) -> tuple[list[float], dict[str, int]]:
    """Warm time on an aligned recording: one warm-up call, then ``repeats``.

    The gait engine alone (``GaitAnalysis``: strides, events and every contract metric) is
    what gaitmap's pipeline does; ``assess=True`` times ``footdrop.analyze``, which adds the
    foot-drop assessment, asymmetry and fatigability (information)."""
    def once():
        if assess:
            return footdrop.analyze(rec)[0]
        return GaitAnalysis().analyze(rec).strides_

    strides = once()
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        strides = once()
        times.append(time.perf_counter() - t)
    return times, {side: int((strides["side"] == side).sum()) for side in ("left", "right")}


def time_end_to_end(path: Path, repeats: int) -> dict[str, list[float]]:
    """Read the tiled CSV, align, analyse (split into stages)."""
    out: dict[str, list[float]] = {"read": [], "align": [], "engine": [], "total": []}
    for _ in range(repeats):
        t0 = time.perf_counter()
        rec = io.read(path, fs=FS)
        t1 = time.perf_counter()
        rec = align_to_foot(rec, copy=False)
        t2 = time.perf_counter()
        footdrop.analyze(rec)
        t3 = time.perf_counter()
        for k, v in zip(out, (t1 - t0, t2 - t1, t3 - t2, t3 - t0), strict=True):
            out[k].append(v)
    return out


def cli_command(path: Path, out: Path) -> list[str]:
    script = Path(sys.executable).parent / "footdrop"
    head = [str(script)] if script.exists() else [sys.executable, "-m", "footdrop.cli"]
    return [*head, "analyze", str(path), "--fs", str(FS), "--out", str(out)]


def time_cli(path: Path, repeats: int, numba_cache: Path | None = None) -> list[float]:
    """``footdrop analyze`` wall time, a fresh process per run.

    With ``numba_cache`` each run gets a new empty ``NUMBA_CACHE_DIR`` below it: the first
    run after installation, with no compiled kernel on disk (equivalent to deleting
    ``__pycache__/*.nbi`` and ``*.nbc`` under ``src/footdrop``, without touching the tree).
    """
    times = []
    for i in range(repeats):
        env = dict(os.environ)
        if numba_cache is not None:
            cache = numba_cache / f"run{i}"
            cache.mkdir(parents=True)
            env["NUMBA_CACHE_DIR"] = str(cache)
        t = time.perf_counter()
        subprocess.run(cli_command(path, WORK / "gait_cli_out"), check=True,
                       capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    return times


def time_import(repeats: int) -> list[float]:
    """Fresh-process start-up alone: interpreter + importing the CLI and the engine."""
    code = "import footdrop.cli, footdrop.gait.analyze, footdrop.preprocess.alignment"
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        times.append(time.perf_counter() - t)
    return times


# ------------------------------------------------------------------------------ profile


def profile_engine(rec: Recording, top: int = 25) -> str:
    """Where the engine's time goes on ``rec`` (aligned): stages, then cProfile."""
    from footdrop.gait import analyze as g_analyze
    from footdrop.gait import engine as g_engine

    footdrop.analyze(rec)  # warm-up
    spent: dict[str, float] = {}

    def timed(name, fn):
        def wrapper(*a, **k):
            t = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                spent[name] = spent.get(name, 0.0) + time.perf_counter() - t
        return wrapper

    patches = [
        (g_engine, "detect_stance", "detect_stance (numpy/scipy, Python)"),
        (g_engine, "window_metrics", "window_metrics (numba kernel)"),
        (g_engine.GaitAnalysis, "_strides_from_windows", "_strides_from_windows (pandas)"),
        (g_analyze, "summarize", "summarize (pandas)"),
    ]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    repeats = 5
    try:
        for obj, attr, name in patches:
            setattr(obj, attr, timed(name, getattr(obj, attr)))
        t = time.perf_counter()
        for _ in range(repeats):
            footdrop.analyze(rec)
        total = (time.perf_counter() - t) / repeats
    finally:
        for obj, attr, fn in saved:
            setattr(obj, attr, fn)
    lines = [f"engine stages, mean of {repeats} warm calls ({total * 1e3:.1f} ms per call):"]
    for name, s in spent.items():
        lines.append(f"  {name:<42} {s / repeats * 1e3:8.1f} ms  {s / repeats / total:6.1%}")
    rest = total - sum(spent.values()) / repeats
    lines.append(f"  {'rest (concat, copies, glue)':<42} {rest * 1e3:8.1f} ms  {rest / total:6.1%}")
    prof = cProfile.Profile()
    prof.enable()
    footdrop.analyze(rec)
    prof.disable()
    buf = _io.StringIO()
    stats = pstats.Stats(prof, stream=buf)
    stats.sort_stats("tottime").print_stats(top)
    lines.append("\ncProfile, one warm call, by own time (numba kernels count as their "
                 "Python caller's own time):")
    lines.append(buf.getvalue().split("\n", 4)[-1].rstrip())
    lines.append("\n" + line_profile(rec, top))
    return "\n".join(lines)


def line_profile(rec: Recording, top: int = 25) -> str:
    """Per-line wall time of the ``footdrop/gait`` Python code during one warm call.

    A ``sys.settrace`` tracer (no extra package): a line's time includes the calls it makes
    (numba kernels, numpy), and the tracer's own overhead (~1 µs per traced line) inflates
    lines that run in Python loops, so read it for where the time goes, not exact costs.
    """
    import linecache
    from collections import defaultdict

    gait_dir = str(Path(footdrop.__file__).parent / "gait")
    spent: dict[tuple[str, int], float] = defaultdict(float)
    hits: dict[tuple[str, int], int] = defaultdict(int)
    current: dict[int, tuple[tuple[str, int], float]] = {}
    clock = time.perf_counter

    def local(frame, event, arg):
        now = clock()
        prev = current.pop(id(frame), None)
        if prev is not None:
            spent[prev[0]] += now - prev[1]
        if event == "line":
            key = (frame.f_code.co_filename, frame.f_lineno)
            hits[key] += 1
            current[id(frame)] = (key, clock())
        return local

    def tracer(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(gait_dir) else None

    footdrop.analyze(rec)
    t = clock()
    sys.settrace(tracer)
    try:
        footdrop.analyze(rec)
    finally:
        sys.settrace(None)
    total = clock() - t
    out = [f"line level (settrace, one warm call, {total * 1e3:.0f} ms traced; times include "
           "callees):", f"  {'ms':>7} {'hits':>7}  line"]
    for (fname, lineno), sec in sorted(spent.items(), key=lambda kv: -kv[1])[:top]:
        code = linecache.getline(fname, lineno).strip()[:70]
        out.append(f"  {sec * 1e3:7.1f} {hits[(fname, lineno)]:7d}  "
                   f"{Path(fname).name}:{lineno}  {code}")
    return "\n".join(out)


# ------------------------------------------------------------------------------ report


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _fmt_times(xs: list[float], unit: str = "s", scale: float = 1.0, digits: int = 3) -> str:
    if len(xs) == 1:
        return f"{xs[0] * scale:.{digits}f} {unit} (n = 1)"
    return (f"{_med(xs) * scale:.{digits}f} {unit} (min {min(xs) * scale:.{digits}f}, "
            f"n = {len(xs)})")


def load_gaitmap() -> dict:
    data = json.loads(GAITMAP_JSON.read_text())
    return {
        "trial": data["warm"]["trial"]["s_per_min"],
        "10min": data["warm"]["10min"]["s_per_min"],
        "60min": data["warm"]["60min"]["s_per_min"],
        "10min_best": data["warm"]["10min"]["s_per_min_best"],
        "60min_best": data["warm"]["60min"]["s_per_min_best"],
        "extrapolated": any(data["warm"][k].get("extrapolated") for k in ("10min", "60min")),
        "strides_10min": data["warm"]["10min"]["strides_per_foot"],
        "strides_60min": data["warm"]["60min"]["strides_per_foot"],
        "version": data["versions"]["gaitmap"],
        "created": data["created_utc"],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    ap.add_argument("--profile", action="store_true", help="profile the 60-min engine run")
    ap.add_argument("--cli-runs", type=int, default=5)
    ap.add_argument("--cli-first-runs", type=int, default=1)
    ap.add_argument("--skip-day", action="store_true", help="skip the 24-h recording")
    ap.add_argument("--day-child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.day_child:
        day_child(args.day_child)
        return

    t_start = time.perf_counter()
    load_before = os.getloadavg()
    WORK.mkdir(exist_ok=True)
    gm = load_gaitmap()
    trial = read_trial(args.data_dir)
    rows: list[tuple[str, str, str, str, str]] = []  # what, measured, anchor, ratio, meets
    notes: list[str] = []

    def row(what, measured, anchor, ratio, target=None):
        """One table row; ``target`` None marks a row reported for information."""
        meets = "—" if target is None else ("yes" if ratio >= target else "**no**")
        rows.append((what, measured, anchor, f"{ratio:.1f}×", meets))
        verdict = "info" if target is None else ("meets" if ratio >= target else "MISSES")
        print(f"{what:<70} {measured:<30} anchor {anchor:<30} ratio {ratio:7.1f}x {verdict}",
              flush=True)

    # --- engine, warm, on aligned tiled recordings
    aligned_trial = align_to_foot(trial)
    footdrop.analyze(aligned_trial)  # imports, numba cache load
    t_trial, s_trial = time_engine(aligned_trial, repeats=11)
    trial_min = trial["left_foot"].duration_s / 60
    spm = _med(t_trial) / trial_min
    row("engine, warm, mocap trial untiled (0.65 min), s/min — information",
        f"{spm * 1e3:.2f} ms/min ({_med(t_trial) * 1e3:.1f} ms)",
        f"gaitmap {gm['trial'] * 1e3:.0f} ms/min", gm["trial"] / spm)
    notes.append(f"untiled trial: footdrop finds {s_trial['left']} + {s_trial['right']} "
                 "strides (left + right)")
    engine_res = {}
    for minutes, repeats in ((10, 11), (60, 7)):
        rec = align_to_foot(tile(trial, minutes))
        times, strides = time_engine(rec, repeats)
        spm = _med(times) / minutes
        engine_res[minutes] = (times, strides)
        key = f"{minutes}min"
        row(f"engine, warm, trial tiled to {minutes} min, s/min (target ≥ 100× gaitmap)",
            f"{spm * 1e3:.2f} ms/min ({_med(times):.3f} s)",
            f"gaitmap {gm[key] * 1e3:.0f} ms/min", gm[key] / spm, SPEEDUP_TARGET)
        best = min(times) / minutes
        notes.append(f"{minutes} min: engine {_fmt_times(times)}; best of the repeats "
                     f"{best * 1e3:.2f} ms/min, {gm[key + '_best'] / best:.0f}× gaitmap's best "
                     f"({gm[key + '_best'] * 1e3:.0f} ms/min); strides left/right "
                     f"{strides['left']}/{strides['right']} (gaitmap "
                     f"{gm['strides_' + key]['left_sensor']}/"
                     f"{gm['strides_' + key]['right_sensor']})")
        a_times, _ = time_engine(rec, 3, assess=True)
        notes.append(f"{minutes} min: `footdrop.analyze` with the foot-drop assessment "
                     f"{_med(a_times):.3f} s ({_med(a_times) / minutes * 1e3:.2f} ms/min, "
                     f"{gm[key] / (_med(a_times) / minutes):.0f}× gaitmap's pipeline, which "
                     "has no assessment)")
        if args.profile and minutes == 60:
            print("\n" + profile_engine(rec) + "\n", flush=True)
        del rec

    # --- end to end: read a tiled CSV, align, analyse (information)
    for minutes, repeats in ((10, 3), (60, 3)):
        path = tiled_csv(trial, minutes)
        e2e = time_end_to_end(path, repeats)
        spm = _med(e2e["total"]) / minutes
        row(f"end to end (read CSV + align + engine), trial tiled to {minutes} min, s/min "
            "— information", f"{spm * 1e3:.1f} ms/min ({_med(e2e['total']):.2f} s)",
            f"gaitmap {gm[f'{minutes}min'] * 1e3:.0f} ms/min (excl. reading)",
            gm[f"{minutes}min"] / spm)
        notes.append(
            f"end to end {minutes} min: read {_med(e2e['read']):.2f} s, align "
            f"{_med(e2e['align']):.2f} s, engine {_med(e2e['engine']):.3f} s "
            f"(medians of {repeats}; CSV {path.stat().st_size / 1e6:.0f} MB)")

    # --- 24 h, mostly still, in a fresh process
    day = None
    if not args.skip_day:
        t = time.perf_counter()
        built = not (day_dir() / "manifest.json").exists()
        path = build_day(trial)
        if built:
            notes.append(f"24-h recording generated in {time.perf_counter() - t:.1f} s "
                         f"({sum(f.stat().st_size for f in path.glob('*.npy')) / 1e6:.0f} MB "
                         "of .npy)")
        day = run_day(path, trial)
        row("24 h two-foot 100 Hz, 1.5 h walking: read .npy + checks + align + engine, "
            "process wall", f"{day['wall_s']:.1f} s", f"{DAY_ANCHOR_S:g} s",
            DAY_ANCHOR_S / day["wall_s"], 1.0)
        peak = day["children_maxrss_mb"]
        row("24 h: peak memory (ru_maxrss of the process)", f"{peak:.0f} MB",
            f"{DAY_ANCHOR_MB:g} MB", DAY_ANCHOR_MB / peak, 1.0)
        st, rss = day["stages_s"], day["maxrss_mb"]
        notes.append(
            "24 h stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in st.items())
            + f" (in-process {day['total_s']:.1f} s; the rest of the wall time is start-up "
            "and imports); peak RSS " + ", ".join(f"after {k} {v:.0f} MB" for k, v in rss.items())
            + f"; the two feet's acc + gyr are {day['data_mb']:.0f} MB; the engine's own "
            f"numpy allocations peak at {day['engine_traced_peak_mb']:.0f} MB (tracemalloc, "
            f"separate call); launcher's RUSAGE_CHILDREN {day['children_maxrss_mb']:.0f} MB")
        found, ins = day["strides"], day["inserted"]
        gm_b = day["gaitmap_per_bout"]
        notes.append(
            f"24 h strides: found left/right {found['left']}/{found['right']} vs inserted "
            f"{ins['left']}/{ins['right']} ({day['n_bouts']} bouts × {day['per_bout']['left']}/"
            f"{day['per_bout']['right']} found on one bout alone"
            + (f"; gaitmap finds {gm_b['left_sensor']}/{gm_b['right_sensor']} on the trial"
               if gm_b else "")
            + f"); strides with IC outside the walking bouts: {day['strides_outside_bouts']}")
        print(notes[-2] + "\n" + notes[-1], flush=True)

    # --- CLI, cold
    minute = tiled_csv(trial, 1)
    with tempfile.TemporaryDirectory(prefix="footdrop-numba-") as tmp:
        first = time_cli(minute, args.cli_first_runs, numba_cache=Path(tmp))
    time_cli(minute, 1)  # make sure the in-tree cache matches the current kernels
    cold = time_cli(minute, args.cli_runs)
    row("`footdrop analyze`, 1-min two-foot CSV, cold process, numba cache on disk",
        _fmt_times(cold), f"{CLI_ANCHOR_S:g} s", CLI_ANCHOR_S / _med(cold), 1.0)
    row("`footdrop analyze`, 1-min CSV, very first run, numba cache empty — information",
        _fmt_times(first), f"{CLI_ANCHOR_S:g} s", CLI_ANCHOR_S / _med(first))
    imp = time_import(3)
    notes.append(f"of the cold CLI time, interpreter start-up + imports alone take "
                 f"{_fmt_times(imp)}")
    total = time.perf_counter() - t_start
    stamp = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load = ", ".join(f"{x:.2f}" for x in load_before) + " → " + ", ".join(
        f"{x:.2f}" for x in os.getloadavg())
    notes.append(f"run {stamp}, footdrop {footdrop.__version__}, {os.cpu_count()} CPUs, "
                 f"load average (1/5/15 min) {load}; benchmark wall time {total:.0f} s; "
                 "engine times vary by ~10 % between runs on this machine")
    print("\n" + "\n".join(f"- {n}" for n in notes))
    print(f"\ngaitmap {gm['version']} timings from {GAITMAP_JSON.name} ({gm['created']})"
          + (" — some EXTRAPOLATED" if gm["extrapolated"] else ""))
    if args.write:
        write_docs(rows, notes, gm, day)
        print(f"updated {DOCS.relative_to(ROOT)}")


def write_docs(rows, notes, gm, day) -> None:
    lines = [
        START,
        "## Gait engine speed (gait-engine issue)",
        "",
        "`python benchmarks/bench_gait.py --write` times the gait engine against gaitmap's "
        f"pipeline (gaitmap {gm['version']}, `benchmarks/results/gaitmap.json`, same machine) "
        "and the issue's anchors. Engine times are warm (after one warm-up call, median of "
        "the repeats), from an already read and aligned recording to the stride table and "
        "summary, like gaitmap's timed region; the mocap trial (`imu_sample.csv`, two feet, "
        "204.8 Hz, 38.7 s, starts and ends standing) is tiled end to end. The ratio is "
        "anchor / measured, and for gaitmap its s/min / footdrop's s/min (target ≥ 100×).",
        "",
        "| what | measured | anchor | ratio | meets |",
        "|---|---|---|---|---|",
        *[f"| {' | '.join(r)} |" for r in rows],
        "",
        *[f"- {n}" for n in notes],
    ]
    if day is not None:
        lines += [
            "",
            f"The 24-h recording: {day['n_bouts']} copies of the mocap trial resampled to "
            f"100 Hz (`scipy.signal.resample_poly`, {day['walking_h']:.2f} h of walking) "
            "between still periods of random length (≥ 20 s, up to hours): gravity at the "
            "posture the trial stands in, sensor noise like the trial's (0.035 m/s², "
            "0.3 deg/s), a slow posture change (5–35° over 2–6 s) about every 10 min and a "
            "slow return to the standing posture before each bout. It is written once to "
            "`.npy` files in `benchmarks/_work` and read, checked as `footdrop.io.read` checks "
            "every input, aligned and analysed in a fresh process; the memory is that "
            "process's `ru_maxrss`. Inserted strides = strides found on one bout analysed "
            "alone × bouts.",
        ]
    lines.append(END)
    section = "\n".join(lines) + "\n"
    write_section(DOCS, section.rstrip("\n"), START, END, title="# Benchmarks\n")


if __name__ == "__main__":
    with contextlib.suppress(BrokenPipeError):
        main()
