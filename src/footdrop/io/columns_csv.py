"""Column-named CSV files: one sensor per file (``perfoot-csv``), or any layout with a map.

``perfoot-csv`` is the layout of the gaitmap MS example: a header row with ``acc_x`` …
``gyr_z`` and optionally a sample counter (``index``/``sample``) or a time column
(``time_s``). The side comes from ``--left``/``--right`` or from the file name.

``generic-csv`` takes a column map, on the command line or in a TOML/JSON file::

    fs = 100                     # Hz, optional when a time column is mapped
    placement = "left_foot"      # for unqualified channel names
    delimiter = ";"              # optional, guessed otherwise
    skip_rows = 0                # lines before the header
    [columns]
    time = "Timestamp"
    acc_x = "AccX"               # or "left_foot.acc_x" = "LAccX" for several sensors
    [units]
    acc = "g"
    gyr = "rad/s"
    time = "ms"                  # s, ms, us or ns
"""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import numpy as np

from footdrop.errors import ConfigError, ReadError
from footdrop.io._csv import guess_delimiter, numeric_block, read_table
from footdrop.io._registry import Reader, head_text, read_head, register
from footdrop.preprocess.gaps import (
    check_fs_against_times,
    estimate_fs,
    fill_grid,
    rows_to_grid,
)
from footdrop.recording import (
    ACC_COLUMNS,
    GYR_COLUMNS,
    MAG_COLUMNS,
    PLACEMENTS,
    Recording,
    Sensor,
)

CHANNELS = ACC_COLUMNS + GYR_COLUMNS
_COUNTER_NAMES = ("index", "sample", "sample_number", "packetcounter", "packet_counter")
_TIME_NAMES = ("time_s", "time", "t", "timestamp")
_TIME_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "µs": 1e-6, "ns": 1e-9}
_SIDE_PATTERNS = {
    "left_foot": re.compile(r"(^|[^a-z])(left|lf|lfoot|l_foot)([^a-z]|$)", re.I),
    "right_foot": re.compile(r"(^|[^a-z])(right|rf|rfoot|r_foot)([^a-z]|$)", re.I),
}


def placement_from_name(path: Path) -> str | None:
    """``left_foot``/``right_foot`` when the file name says so unambiguously."""
    hits = [p for p, pat in _SIDE_PATTERNS.items() if pat.search(path.stem)]
    return hits[0] if len(hits) == 1 else None


def _header_tokens(head: bytes) -> list[str] | None:
    text = head_text(head)
    if not text or not text.strip():
        return None
    first = text.splitlines()[0]
    delim = guess_delimiter(text)
    return [t.strip().strip('"') for t in first.split(delim)]


def _sniff_perfoot(path: Path, head: bytes) -> bool:
    """Exactly the lower-case ``acc_x`` … ``gyr_z`` names (XSens writes ``Acc_X``)."""
    tokens = _header_tokens(head)
    return tokens is not None and set(CHANNELS) <= set(tokens)


def _stamps(df, path, fs: float | None, time_scale: float = 1.0, time_col: str | None = None):
    """Per-row stamps and samples-per-stamp from a counter or a time column."""
    lower = {str(c).lower(): c for c in df.columns}
    if time_col is None:
        counter = next((lower[n] for n in _COUNTER_NAMES if n in lower), None)
        if counter is not None:
            if fs is None:
                return None, None, None
            return numeric_block(df, [counter], path)[:, 0], fs, counter
        time_col = next((lower[n] for n in _TIME_NAMES if n in lower), None)
    if time_col is None:
        return None, None, None
    t = numeric_block(df, [time_col], path)[:, 0] * time_scale
    finite = t[np.isfinite(t)]
    if fs is None:
        if finite.size < 2:
            raise ReadError("too few time stamps to find the sampling rate", file=path,
                            fix="pass --fs")
        fs = estimate_fs(finite)
    else:
        try:
            check_fs_against_times(fs, finite)
        except ConfigError as err:
            raise err.with_file(path) from None
    return t, fs, time_col


def _sensor_from_block(block, stamps, per_stamp, fs, placement, units, name, what):
    if stamps is None:
        grid_block, gaps, dups = block, [], 0
    else:
        grid = rows_to_grid(stamps, block, samples_per_stamp=per_stamp, what=what)
        grid_block, gaps, dups = fill_grid(grid, block), grid.gaps, grid.n_duplicates
    mag = grid_block[:, 6:9] if grid_block.shape[1] >= 9 else None
    sensor = Sensor(
        placement=placement,
        fs=float(fs),
        acc=grid_block[:, :3],
        gyr=grid_block[:, 3:6],
        mag=mag,
        units=dict(units),
        name=name,
    )
    return sensor, gaps, dups


def _note_grid(rec: Recording, placement: str, gaps, dups: int, fs: float) -> None:
    if gaps:
        n = sum(b - a for a, b in gaps)
        rec.warn(
            f"{placement}: {len(gaps)} gap(s) in the time stamps, {n} samples "
            f"({n / fs:.2f} s) missing; placed by time stamp, missing samples set to NaN"
        )
    if dups:
        rec.warn(f"{placement}: {dups} exact duplicate row(s) dropped")


def read_perfoot_csv(
    path: Path, *, fs: float | None = None, placement: str | None = None, **_: Any
) -> Recording:
    """Read one sensor from a CSV with ``acc_x`` … ``gyr_z`` columns."""
    df = read_table(path, sep=guess_delimiter(head_text(read_head(path)) or ","))
    df.columns = [str(c).strip() for c in df.columns]
    rename = {c: c.lower() for c in df.columns if c.lower() in CHANNELS}
    df = df.rename(columns=rename)
    stamps, fs_found, stamp_col = _stamps(df, path, fs)
    if fs_found is None:
        if fs is None:
            raise ConfigError(
                "this file does not state its sampling rate",
                file=path,
                fix="pass --fs with the rate in Hz (e.g. --fs 102.4 for the gaitmap MS example)",
            )
        fs_found = fs
    placement = placement or placement_from_name(path) or "unknown"
    cols = list(CHANNELS) + (list(MAG_COLUMNS) if set(MAG_COLUMNS) <= set(df.columns) else [])
    block = numeric_block(df, cols, path)
    per_stamp = 1.0 if stamp_col and stamp_col.lower() in _COUNTER_NAMES else fs_found
    what = "sample counter" if per_stamp == 1.0 else "time stamp"
    sensor, gaps, dups = _sensor_from_block(
        block, stamps, per_stamp, fs_found, placement, {"acc": None, "gyr": None}, path.stem, what
    )
    sensor.clock = str(path)
    if stamps is not None and stamp_col.lower() in _COUNTER_NAMES:
        sensor.extra["sample_number"] = np.arange(sensor.n_samples) + stamps[0]
    rec = Recording(sensors={placement: sensor}, source=[str(path)], format="perfoot-csv")
    if placement == "unknown":
        rec.warn(f"{path.name}: the side is not known; pass it with --left FILE or --right FILE")
    if stamps is None:
        rec.warn(f"{path.name}: no time stamps or counter; samples assumed contiguous")
    _note_grid(rec, placement, gaps, dups, fs_found)
    return rec


# --------------------------------------------------------------------------- generic CSV


def load_column_map(spec: str | Path | dict | None) -> dict[str, Any]:
    """Parse a column map from a dict, a TOML/JSON file, or ``"key=value,..."`` text.

    Text keys: channel names (``acc_x`` or ``left_foot.acc_x``), ``time``, and settings
    ``fs``, ``placement``, ``acc_unit``, ``gyr_unit``, ``time_unit``, ``delimiter``,
    ``skip_rows``.
    """
    if spec is None:
        raise ConfigError(
            "generic-csv needs a column map",
            fix="pass --columns 'acc_x=AccX,acc_y=AccY,...,time=t' or --columns map.toml",
        )
    if isinstance(spec, dict):
        cfg = dict(spec)
    elif Path(str(spec)).suffix.lower() in (".toml", ".json"):
        path = Path(str(spec))
        if not path.is_file():
            raise ConfigError("column-map file not found", file=path,
                              fix="check the path given to --columns")
        try:
            text = path.read_text()
            cfg = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
        except (tomllib.TOMLDecodeError, json.JSONDecodeError, UnicodeDecodeError) as err:
            raise ConfigError(f"cannot parse the column map ({err})", file=path,
                              fix="fix the syntax of the file") from None
    else:
        cfg = {"columns": {}, "units": {}}
        for item in filter(None, (p.strip() for p in str(spec).split(","))):
            if "=" not in item:
                raise ConfigError(f"column-map entry {item!r} has no '='",
                                  fix="write entries as name=column, separated by commas")
            key, value = (s.strip() for s in item.split("=", 1))
            if key in ("acc_unit", "gyr_unit", "time_unit"):
                cfg["units"][key[:-5]] = value
            elif key in ("fs", "placement", "delimiter", "skip_rows"):
                cfg[key] = value
            else:
                cfg["columns"][key] = value
    cfg.setdefault("columns", {})
    cfg.setdefault("units", {})
    if "fs" in cfg and cfg["fs"] is not None:
        try:
            cfg["fs"] = float(cfg["fs"])
        except ValueError:
            raise ConfigError(f"fs {cfg['fs']!r} is not a number", fix="give fs in Hz") from None
    return cfg


def read_generic_csv(
    path: Path,
    *,
    columns: str | Path | dict | None = None,
    fs: float | None = None,
    placement: str | None = None,
    **_: Any,
) -> Recording:
    """Read any delimited text file through a column map (see module docs)."""
    cfg = load_column_map(columns)
    fs = fs if fs is not None else cfg.get("fs")
    default_placement = placement or cfg.get("placement") or placement_from_name(path) or "unknown"
    groups: dict[str, dict[str, str]] = {}
    time_col = None
    for key, col in cfg["columns"].items():
        if key == "time":
            time_col = col
            continue
        plc, _, ch = key.rpartition(".")
        plc = plc or default_placement
        if ch not in CHANNELS + MAG_COLUMNS:
            raise ConfigError(f"unknown channel {key!r} in the column map",
                              fix="use acc_x … gyr_z, mag_x … mag_z or time")
        if plc not in PLACEMENTS:
            raise ConfigError(f"unknown placement {plc!r} in the column map",
                              fix="use one of " + ", ".join(PLACEMENTS))
        groups.setdefault(plc, {})[ch] = col
    for plc, chans in groups.items():
        missing = [c for c in CHANNELS if c not in chans]
        if missing:
            raise ConfigError(f"the column map for {plc} lacks {', '.join(missing)}",
                              fix="map all six acc and gyr channels")
    if not groups:
        raise ConfigError("the column map maps no channel", fix="map acc_x … gyr_z")
    head = head_text(read_head(path)) or ""
    delimiter = cfg.get("delimiter") or guess_delimiter(head)
    delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
    df = read_table(path, sep=delimiter, skiprows=int(cfg.get("skip_rows", 0) or 0))
    df.columns = [str(c).strip() for c in df.columns]
    time_unit = cfg["units"].get("time", "s")
    if time_unit not in _TIME_UNITS:
        raise ConfigError(f"unknown time unit {time_unit!r}", fix="use s, ms, us or ns")
    stamps, fs_found, _ = (
        _stamps(df, path, fs, _TIME_UNITS[time_unit], time_col) if time_col else (None, fs, None)
    )
    if fs_found is None:
        raise ConfigError("no sampling rate: the map gives neither fs nor a time column",
                          file=path, fix="pass --fs or map a time column")
    units = {"acc": cfg["units"].get("acc"), "gyr": cfg["units"].get("gyr")}
    rec = Recording(sensors={}, source=[str(path)], format="generic-csv")
    header_lines = 1 + int(cfg.get("skip_rows", 0) or 0)
    for plc, chans in groups.items():
        names = [chans[c] for c in CHANNELS] + (
            [chans[c] for c in MAG_COLUMNS] if all(c in chans for c in MAG_COLUMNS) else []
        )
        block = numeric_block(df, names, path, header_lines=header_lines)
        sensor, gaps, dups = _sensor_from_block(
            block, stamps, fs_found, fs_found, plc, units, plc, "time stamp"
        )
        rec.sensors[plc] = sensor
        _note_grid(rec, plc, gaps, dups, fs_found)
    if stamps is None:
        rec.warn(f"{path.name}: no time column mapped; samples assumed contiguous")
    return rec


register(
    Reader(
        name="perfoot-csv",
        description="CSV with acc_x..gyr_z columns, one sensor per file (--left/--right)",
        sniff=_sniff_perfoot,
        read=read_perfoot_csv,
        needs_fs=True,
    )
)
register(
    Reader(
        name="generic-csv",
        description="any delimited text with a column map (--columns)",
        sniff=lambda path, head: False,  # never auto-detected: it needs a map
        read=read_generic_csv,
    )
)
