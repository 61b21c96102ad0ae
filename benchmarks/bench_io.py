"""Reading speed against the foundation issue's anchors.

* Read and align a 1-hour two-foot 204.8 Hz gaitmap-style CSV (the bundled MS example
  tiled), warm: anchor 5 s.
* ``footdrop info`` on a 1-minute file, cold (a fresh process each run): anchor 1.5 s.

Prints each measurement and its ratio to the anchor (anchor / measured: above 1 meets it).
Run: ``python benchmarks/bench_io.py``. Results are recorded in ``docs/benchmarks.md``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from footdrop import io
from footdrop.preprocess.alignment import align_to_foot

WORK = Path(__file__).resolve().parent / "_work"
FS = 204.8


def tiled_gaitmap_csv(minutes: float) -> Path:
    """Write (once) a two-foot gaitmap-style CSV of ``minutes`` built from the example."""
    path = WORK / f"tiled_{minutes:g}min.csv"
    if path.exists():
        return path
    WORK.mkdir(exist_ok=True)
    ex = io.read_example()
    left, right = ex["left_foot"], ex["right_foot"]
    n = int(minutes * 60 * FS)
    reps = -(-n // left.n_samples)
    blocks = []
    for i in range(3):  # interleave left/right per axis, like the gaitmap example
        for s in (left, right):
            blocks.append(np.tile(s.acc[:, i], reps)[:n])
    for i in range(3):
        for s in (left, right):
            blocks.append(np.tile(s.gyr[:, i], reps)[:n])
    data = np.column_stack([np.arange(n)] + blocks)
    names = [s for _ in range(6) for s in ("left_sensor", "right_sensor")]
    axes = [f"{k}_{a}" for k in ("acc", "gyr") for a in "xyz" for _ in range(2)]
    with open(path, "w") as fh:
        fh.write("sensor," + ",".join(names) + "\n")
        fh.write("axis," + ",".join(axes) + "\n")
        np.savetxt(fh, data, delimiter=",", fmt=["%d"] + ["%.10g"] * 12)
    return path


def time_read_align(path: Path, repeats: int = 3) -> list[float]:
    times = []
    for _ in range(repeats):
        t = time.perf_counter()
        rec = io.read(path, fs=FS)
        align_to_foot(rec)
        times.append(time.perf_counter() - t)
    return times


def time_cold_info(path: Path, repeats: int = 5) -> list[float]:
    times = []
    env = dict(os.environ)
    for _ in range(repeats):
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "footdrop.cli", "info", str(path), "--fs", str(FS)],
            check=True, capture_output=True, env=env,
        )
        times.append(time.perf_counter() - t)
    return times


def report(name: str, times: list[float], anchor_s: float) -> None:
    med = statistics.median(times)
    print(
        f"{name:<48} median {med:7.3f} s  (min {min(times):.3f}, n={len(times)})  "
        f"anchor {anchor_s:g} s  ratio {anchor_s / med:6.1f}x"
    )


def main() -> None:
    hour = tiled_gaitmap_csv(60)
    minute = tiled_gaitmap_csv(1)
    time_read_align(minute, repeats=1)  # warm-up: imports, numba compilation
    report("read + align, 1 h two-foot 204.8 Hz CSV (warm)", time_read_align(hour), 5.0)
    report("footdrop info, 1 min two-foot CSV (cold process)", time_cold_info(minute), 1.5)


if __name__ == "__main__":
    main()
