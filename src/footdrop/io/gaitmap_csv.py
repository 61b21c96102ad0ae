"""gaitmap-style CSV: two header rows (``sensor``, ``axis``) and a sample-number index.

Some gaitmap files leave the first cell of the two header rows empty; they are accepted when
the first row names ``*_sensor`` columns and the second ``acc_*``/``gyr_*`` axes.

The format is that of the gaitmap library's example data: the first header row names the
sensor of each column (``left_sensor``, ``right_sensor``), the second the axis (``acc_x`` …
``gyr_z``). Units are m/s² and deg/s by convention but not stated; the file has no rate, so
``fs`` must be given.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from footdrop.errors import ConfigError
from footdrop.io._csv import numeric_block, read_table
from footdrop.io._registry import Reader, head_text, register
from footdrop.preprocess.gaps import fill_grid, rows_to_grid
from footdrop.recording import ACC_COLUMNS, GYR_COLUMNS, Recording, Sensor

SENSOR_PLACEMENTS = {
    "left_sensor": "left_foot",
    "right_sensor": "right_foot",
    "left_foot": "left_foot",
    "right_foot": "right_foot",
}


def _sniff(path: Path, head: bytes) -> bool:
    text = head_text(head)
    if text is None:
        return False
    lines = text.splitlines()
    if len(lines) < 2:
        return False
    sensors = [t.strip() for t in lines[0].split(",")[1:]]
    axes = {t.strip() for t in lines[1].split(",")[1:]}
    named = lines[0].split(",")[0].strip() == "sensor" and lines[1].split(",")[0].strip() == "axis"
    paired = bool(sensors) and all(t.endswith("_sensor") for t in sensors)
    return (named or paired) and {"acc_x", "gyr_x"} <= axes


def read_gaitmap_csv(path: Path, *, fs: float | None = None, **_: object) -> Recording:
    """Read a gaitmap-style CSV. ``fs`` (Hz) is required: the format does not store it."""
    if fs is None:
        raise ConfigError(
            "gaitmap-style CSV files do not state their sampling rate",
            file=path,
            fix="pass --fs with the rate in Hz (e.g. --fs 204.8 for the gaitmap example)",
        )
    df = read_table(path, header=[0, 1], index_col=0)
    df.columns = df.columns.set_names(["sensor", "axis"])
    names = list(dict.fromkeys(df.columns.get_level_values(0)))
    stamps = numeric_block(df.reset_index(), [df.index.name or "index"], path, header_lines=2)
    sensors = {}
    for name in names:
        cols = [(name, c) for c in ACC_COLUMNS + GYR_COLUMNS]
        block = numeric_block(df, cols, path, header_lines=2)
        grid = rows_to_grid(stamps[:, 0], block, samples_per_stamp=1.0, what="sample number")
        block = fill_grid(grid, block)
        placement = SENSOR_PLACEMENTS.get(name.lower(), name)
        sensors[placement] = Sensor(
            placement=placement,
            fs=float(fs),
            acc=block[:, :3],
            gyr=block[:, 3:],
            t0=0.0,
            units={"acc": None, "gyr": None},
            name=name,
            extra={"sample_number": np.arange(grid.n_grid) + grid.first_stamp},
        )
        rec_gaps = grid.gaps
    rec = Recording(sensors=sensors, source=[str(path)], format="gaitmap-csv")
    if rec_gaps:
        n = sum(b - a for a, b in rec_gaps)
        rec.warn(f"{len(rec_gaps)} gap(s) in the sample numbers, {n} samples missing")
    if grid.n_duplicates:
        rec.warn(f"{grid.n_duplicates} exact duplicate row(s) dropped")
    return rec


register(
    Reader(
        name="gaitmap-csv",
        description="gaitmap-style CSV, two header rows (sensor, axis); needs --fs",
        sniff=_sniff,
        read=read_gaitmap_csv,
        needs_fs=True,
    )
)
