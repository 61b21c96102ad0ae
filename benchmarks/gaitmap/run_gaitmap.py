"""Time gaitmap's standard foot pipeline on the gaitmap example trial (benchmark only).

Runs INSIDE the benchmark-only venv made by ``benchmarks/gaitmap/setup_env.sh``; gaitmap is
never a dependency of footdrop and nothing here is imported by footdrop.

Pipeline (gaitmap's documented example pipeline, all algorithm parameters at their defaults):
sensor frame -> ``convert_to_fbf`` (foot body frame) -> ``BarthDtw`` -> ``RamppEventDetection``
-> ``StrideLevelTrajectory`` (on sensor-frame data, min_vel stride list) ->
``TemporalParameterCalculation`` + ``SpatialParameterCalculation``. Both feet are passed as one
multi-sensor dataset, which gaitmap processes foot by foot.

Timed: everything from the sensor-frame DataFrame to the parameter tables (CSV parsing and tiling
are not timed). See README.md next to this file.

Usage: ``benchmarks/_work/gaitmap-venv/bin/python benchmarks/gaitmap/run_gaitmap.py [--help]``
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
DEFAULT_DATA_DIR = REPO / ".." / "shared" / "data"
DEFAULT_OUT_DIR = REPO / "benchmarks" / "results"
EXAMPLE_REL = Path("gaitmap-example") / "imu_sample.csv"
FS = 204.8  # Hz, gaitmap example data
SENSORS = ("left_sensor", "right_sensor")
STAGES = ("to_body_frame", "barth_dtw", "rampp_events", "trajectory", "temporal", "spatial")


def fail(msg: str, code: int = 2) -> None:
    print(f"run_gaitmap: error: {msg}", file=sys.stderr)
    raise SystemExit(code)


def import_gaitmap():
    try:
        from gaitmap.event_detection import RamppEventDetection
        from gaitmap.parameters import SpatialParameterCalculation, TemporalParameterCalculation
        from gaitmap.stride_segmentation import BarthDtw
        from gaitmap.trajectory_reconstruction import StrideLevelTrajectory
        from gaitmap.utils.coordinate_conversion import convert_to_fbf
    except ImportError as e:
        fail(
            f"cannot import gaitmap ({e}). Run `bash benchmarks/gaitmap/setup_env.sh` and use "
            "benchmarks/_work/gaitmap-venv/bin/python to run this script."
        )
    return {
        "convert_to_fbf": convert_to_fbf,
        "BarthDtw": BarthDtw,
        "RamppEventDetection": RamppEventDetection,
        "StrideLevelTrajectory": StrideLevelTrajectory,
        "TemporalParameterCalculation": TemporalParameterCalculation,
        "SpatialParameterCalculation": SpatialParameterCalculation,
    }


def example_csv(data_dir: Path) -> Path:
    path = data_dir / EXAMPLE_REL
    if not data_dir.is_dir():
        fail(
            f"shared data directory not found: {data_dir} (pass --data-dir; expected "
            f"<data-dir>/{EXAMPLE_REL})"
        )
    if not path.is_file():
        fail(f"gaitmap example data not found: {path} (pass --data-dir)")
    return path


def load_trial(path: Path):
    """Two-foot sensor-frame DataFrame as gaitmap's own example loader builds it."""
    import pandas as pd

    data = pd.read_csv(path, header=[0, 1], index_col=0)
    got = set(data.columns.get_level_values(0))
    if got != set(SENSORS):
        fail(f"{path}: expected sensors {SENSORS}, found {sorted(got)}")
    data.index = data.index / FS  # seconds, like gaitmap.example_data
    return data


def tile(data, minutes: float):
    """The trial concatenated end to end (both feet together) to ``minutes`` of data."""
    import numpy as np

    n = int(round(minutes * 60 * FS))
    out = data.iloc[np.arange(n) % len(data)].copy()
    out.index = np.arange(n) / FS
    return out


def run_pipeline(gm, data):
    """The standard pipeline on a two-foot sensor-frame dataset; returns results + stage times."""
    t = {}
    t0 = time.perf_counter()
    bf = gm["convert_to_fbf"](data, left_like="left_", right_like="right_")
    t1 = time.perf_counter()
    dtw = gm["BarthDtw"]().segment(data=bf, sampling_rate_hz=FS)
    t2 = time.perf_counter()
    ed = gm["RamppEventDetection"]().detect(
        data=bf, stride_list=dtw.stride_list_, sampling_rate_hz=FS
    )
    t3 = time.perf_counter()
    traj = gm["StrideLevelTrajectory"]().estimate(
        data=data, stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=FS
    )
    t4 = time.perf_counter()
    temporal = gm["TemporalParameterCalculation"]().calculate(
        stride_event_list=ed.min_vel_event_list_, sampling_rate_hz=FS
    )
    t5 = time.perf_counter()
    spatial = gm["SpatialParameterCalculation"]().calculate(
        stride_event_list=ed.min_vel_event_list_,
        positions=traj.position_,
        orientations=traj.orientation_,
        sampling_rate_hz=FS,
    )
    t6 = time.perf_counter()
    marks = (t0, t1, t2, t3, t4, t5, t6)
    for i, name in enumerate(STAGES):
        t[name] = marks[i + 1] - marks[i]
    res = {
        "segmented": {s: len(dtw.stride_list_[s]) for s in SENSORS},
        "strides": {s: len(ed.min_vel_event_list_[s]) for s in SENSORS},
        "events": ed.min_vel_event_list_,
        "temporal": temporal.parameters_,
        "spatial": spatial.parameters_,
    }
    return t6 - t0, t, res


def timed(gm, data):
    gc.collect()
    wall, stages, res = run_pipeline(gm, data)
    return wall, stages, res


# --------------------------------------------------------------------------- cold (subprocess)


def cold_child(data_dir: Path) -> None:
    """In a fresh process: import, then first call (incl. numba JIT), then a second call."""
    t0 = time.perf_counter()
    gm = import_gaitmap()
    t_import = time.perf_counter() - t0
    data = load_trial(example_csv(data_dir))
    first, first_stages, res = timed(gm, data)
    second, _, _ = timed(gm, data)
    print(
        json.dumps(
            {
                "import_s": t_import,
                "first_call_s": first,
                "first_call_stages_s": first_stages,
                "second_call_s": second,
                "strides": res["strides"],
            }
        )
    )


def measure_cold(data_dir: Path, runs_per_cache_state: int) -> dict:
    """Fresh processes with numba's on-disk cache empty, then with it populated."""
    out = {}
    with tempfile.TemporaryDirectory(prefix="gaitmap-numba-cache-") as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache)
        for state in ("empty_numba_disk_cache", "populated_numba_disk_cache"):
            runs = []
            n = 1 if state == "empty_numba_disk_cache" else runs_per_cache_state
            for _ in range(n):
                cmd = [sys.executable, str(Path(__file__).resolve()), "--cold-child"]
                cmd += ["--data-dir", str(data_dir)]
                p = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
                if p.returncode != 0:
                    fail(f"cold child failed:\n{p.stderr}")
                runs.append(json.loads(p.stdout.strip().splitlines()[-1]))
            out[state] = runs
            print(
                f"cold ({state}): first call {runs[0]['first_call_s']:.3f} s, "
                f"import {runs[0]['import_s']:.3f} s, second call {runs[0]['second_call_s']:.3f} s",
                flush=True,
            )
    return out


# --------------------------------------------------------------------------- reporting


def machine_info() -> dict:
    model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        nproc = int(subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip())
    except (OSError, ValueError):
        nproc = None
    mem_gib = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_gib = round(int(line.split()[1]) / 1024**2, 1)
    except OSError:
        pass
    return {
        "nproc": nproc,
        "os_cpu_count": os.cpu_count(),
        "cpu_model": model,
        "mem_total_gib": mem_gib,
        "platform": platform.platform(),
    }


def versions() -> dict:
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": platform.python_version()}
    for pkg in ("gaitmap", "gaitmap_mad", "numpy", "pandas", "scipy", "numba", "tpcp"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            out[pkg] = None
    return out


def numba_info() -> dict:
    import numba

    layer = None
    with contextlib.suppress(ValueError):  # raised when no parallel kernel has run
        layer = numba.threading_layer()
    return {"num_threads": numba.config.NUMBA_NUM_THREADS, "threading_layer": layer}


def _median_index(values) -> int:
    return sorted(range(len(values)), key=values.__getitem__)[(len(values) - 1) // 2]


def size_entry(label, minutes, n_samples, runs, extrapolated_from=None) -> dict:
    walls = [r[0] for r in runs]
    med = statistics.median(walls)
    entry = {
        "label": label,
        "minutes_of_two_foot_data": minutes,
        "n_samples_per_foot": n_samples,
        "wall_times_s": walls,
        "median_wall_s": med,
        "s_per_min": med / minutes,
        "min_wall_s": min(walls),
        "s_per_min_best": min(walls) / minutes,
        "stage_times_s_of_median_run": runs[_median_index(walls)][1],
        "dtw_segments_per_foot": runs[0][2],
        "strides_per_foot": runs[0][3],
        "extrapolated": extrapolated_from is not None,
    }
    if extrapolated_from is not None:
        entry["extrapolated_from"] = extrapolated_from
    return entry


def measure(gm, data, minutes, repeats, label):
    runs = []
    for i in range(repeats):
        wall, stages, res = timed(gm, data)
        runs.append((wall, stages, res["segmented"], res["strides"]))
        del res
        print(
            f"  {label} run {i + 1}/{repeats}: {wall:.3f} s ({wall / minutes:.3f} s/min), "
            f"strides {runs[-1][3]}",
            flush=True,
        )
    return size_entry(label, minutes, len(data), runs)


def write_strides_csv(res, path: Path) -> None:
    import pandas as pd

    frames = []
    for s in SENSORS:
        ev = res["events"][s]
        df = ev[["start", "end", "ic", "tc", "min_vel", "pre_ic"]].copy()
        df["stride_length_m"] = res["spatial"][s]["stride_length"]
        df["stride_time_s"] = res["temporal"][s]["stride_time"]
        df["swing_time_s"] = res["temporal"][s]["swing_time"]
        df["stance_time_s"] = res["temporal"][s]["stance_time"]
        df["gait_velocity_m_s"] = res["spatial"][s]["gait_velocity"]
        df = df.reset_index()
        df.insert(0, "foot", s.split("_")[0])
        frames.append(df)
    out = pd.concat(frames, ignore_index=True)
    out.to_csv(path, index=False, float_format="%.6g")


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--data-dir",
        type=Path,
        default=DEFAULT_DATA_DIR,
        help="shared data directory holding gaitmap-example/imu_sample.csv "
        "(default: ../shared/data relative to the repo root)",
    )
    ap.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR, help="results directory")
    ap.add_argument("--repeats-trial", type=int, default=5, help="warm repeats, un-tiled trial")
    ap.add_argument("--repeats-10", type=int, default=5, help="warm repeats, 10-minute tiling")
    ap.add_argument("--repeats-60", type=int, default=3, help="warm repeats, 60-minute tiling")
    ap.add_argument("--cold-runs", type=int, default=3, help="cold processes, populated cache")
    ap.add_argument(
        "--max-run-s",
        type=float,
        default=240.0,
        help="if one 60-min run is predicted (from 10 min) to exceed this, time a smaller "
        "tiling instead and extrapolate linearly (labelled as extrapolated)",
    )
    ap.add_argument("--cold-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    data_dir = args.data_dir.resolve()

    if args.cold_child:
        cold_child(data_dir)
        return

    csv_path = example_csv(data_dir)  # fail early and clearly when the data is absent
    gm = import_gaitmap()  # ... and when not run inside the gaitmap venv
    t_start = time.perf_counter()
    load_before = os.getloadavg()

    print("cold runs (fresh processes) ...", flush=True)
    cold = measure_cold(data_dir, args.cold_runs)

    trial = load_trial(csv_path)
    trial_min = len(trial) / FS / 60
    timed(gm, trial)  # warm-up: JIT compile in this process

    results = {}
    print(f"warm, un-tiled trial ({trial_min:.3f} min) ...", flush=True)
    results["trial"] = measure(gm, trial, trial_min, args.repeats_trial, "trial")

    print("warm, 10 min ...", flush=True)
    d10 = tile(trial, 10)
    results["10min"] = measure(gm, d10, 10.0, args.repeats_10, "10min")
    del d10
    gc.collect()

    predicted_60 = results["10min"]["median_wall_s"] * 6
    if predicted_60 <= args.max_run_s:
        print(f"warm, 60 min (predicted {predicted_60:.1f} s per run) ...", flush=True)
        d60 = tile(trial, 60)
        results["60min"] = measure(gm, d60, 60.0, args.repeats_60, "60min")
        del d60
    else:
        minutes = max(10.0, round(args.max_run_s / results["10min"]["s_per_min"]))
        minutes = min(minutes, 59.0)
        print(
            f"60 min predicted at {predicted_60:.0f} s > --max-run-s; timing {minutes:g} min "
            "and extrapolating",
            flush=True,
        )
        dn = tile(trial, minutes)
        part = measure(gm, dn, minutes, 1, f"{minutes:g}min")
        del dn
        results[f"{minutes:g}min"] = part
        est = dict(part)
        est.update(
            label="60min",
            minutes_of_two_foot_data=60.0,
            n_samples_per_foot=int(round(60 * 60 * FS)),
            wall_times_s=[],
            median_wall_s=part["s_per_min"] * 60,
            min_wall_s=part["s_per_min_best"] * 60,
            extrapolated=True,
            extrapolated_from=f"{minutes:g}min (linear in data length; gaitmap scales "
            "somewhat super-linearly, so this likely underestimates)",
            stage_times_s_of_median_run=None,
            dtw_segments_per_foot=None,
            strides_per_foot=None,
        )
        results["60min"] = est
    gc.collect()

    # Accuracy reference on the un-tiled trial.
    _, _, res = timed(gm, trial)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    strides_csv = args.out_dir / "gaitmap_strides.csv"
    write_strides_csv(res, strides_csv)

    report = {
        "tool": "gaitmap",
        "created_utc": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "versions": versions(),
        "machine": machine_info(),
        "numba": numba_info(),
        "loadavg_1_5_15": {"before": load_before, "after": os.getloadavg()},
        "data": {
            "file": str(EXAMPLE_REL),
            "sampling_rate_hz": FS,
            "n_samples_per_foot": len(trial),
            "minutes": trial_min,
            "frame": "gaitmap sensor frame (as shipped); converted with convert_to_fbf for "
            "BarthDtw/RamppEventDetection, sensor frame for StrideLevelTrajectory",
            "tiling": "trial rows repeated end to end (both feet together), cut to N minutes",
        },
        "pipeline": [
            "gaitmap.utils.coordinate_conversion.convert_to_fbf(left_like='left_', "
            "right_like='right_')",
            "gaitmap.stride_segmentation.BarthDtw() [defaults]",
            "gaitmap.event_detection.RamppEventDetection() [defaults]",
            "gaitmap.trajectory_reconstruction.StrideLevelTrajectory() [defaults: "
            "SimpleGyroIntegration + ForwardBackwardIntegration] on min_vel_event_list_",
            "gaitmap.parameters.TemporalParameterCalculation()",
            "gaitmap.parameters.SpatialParameterCalculation()",
        ],
        "timed_region": "from the two-foot sensor-frame DataFrame to both parameter tables; "
        "CSV parsing and tiling excluded; one call processes both feet",
        "cold": {
            "note": "fresh Python process per run: import time, then first pipeline call on the "
            "un-tiled trial (includes numba JIT), then a second call in the same process. "
            "NUMBA_CACHE_DIR points to a temporary dir: first with it empty (first-ever run, "
            "full JIT), then populated (typical later invocation; gaitmap caches some kernels).",
            "first_call_s_empty_cache": cold["empty_numba_disk_cache"][0]["first_call_s"],
            "first_call_s_populated_cache_median": statistics.median(
                r["first_call_s"] for r in cold["populated_numba_disk_cache"]
            ),
            "import_s_median": statistics.median(
                r["import_s"] for runs in cold.values() for r in runs
            ),
            "runs": cold,
        },
        "warm": results,
        "strides_un_tiled": {
            "dtw_segments_per_foot": res["segmented"],
            "strides_per_foot": res["strides"],
            "csv": str(
                strides_csv.relative_to(REPO) if strides_csv.is_relative_to(REPO) else strides_csv
            ),
            "csv_note": "gaitmap's min_vel_event_list_ (min_vel to next min_vel; the strides the "
            "parameters are computed on); all event columns in samples from trial start",
        },
        "total_benchmark_wall_s": None,
    }
    report["total_benchmark_wall_s"] = time.perf_counter() - t_start
    out_json = args.out_dir / "gaitmap.json"
    out_json.write_text(json.dumps(report, indent=2) + "\n")

    print()
    print(
        f"gaitmap {report['versions']['gaitmap']} / gaitmap_mad "
        f"{report['versions']['gaitmap_mad']} on {report['machine']['cpu_model']} "
        f"(nproc {report['machine']['nproc']})"
    )
    print(
        f"cold first call: {report['cold']['first_call_s_empty_cache']:.2f} s (empty numba "
        f"cache), {report['cold']['first_call_s_populated_cache_median']:.2f} s (populated); "
        f"import {report['cold']['import_s_median']:.2f} s"
    )
    for key, e in results.items():
        tag = " (EXTRAPOLATED)" if e["extrapolated"] else ""
        print(
            f"warm {key}: {e['s_per_min']:.3f} s per minute of two-foot data{tag}; "
            f"strides {e['strides_per_foot']}"
        )
    print(f"un-tiled strides per foot: {res['strides']} (DTW segments {res['segmented']})")
    print(f"wrote {out_json} and {strides_csv} in {report['total_benchmark_wall_s']:.0f} s")


if __name__ == "__main__":
    main()
