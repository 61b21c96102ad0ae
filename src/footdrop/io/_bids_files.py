"""The files of a BIDS-Motion tracking system: names, siblings, sidecars and the data table.

A tracking system is three files sharing a stem (``*_motion.tsv``, ``*_channels.tsv``,
``*_motion.json``); the tracking systems of one recording share every file-name entity but
``tracksys``. :mod:`footdrop.io.bids` reads its own files and foreign datasets through these.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from footdrop.errors import ReadError
from footdrop.io._tagged_json import decode

SUFFIXES = ("_motion.tsv", "_channels.tsv", "_motion.json")
#: Core channel kinds: Sensor attribute, channel-name part, BIDS channel type.
KINDS = (("acc", "ACC", "ACCEL"), ("gyr", "GYR", "GYRO"), ("mag", "MAG", "MAGN"))
NULLS = ["n/a", "N/A", "NaN", "nan", ""]
FIX_PAIR = "keep *_motion.tsv, *_channels.tsv and *_motion.json of a tracking system together"


def _entities(motion: Path) -> tuple[str, ...]:
    """File-name entities of a tracking system except ``tracksys``: one recording's key."""
    stem = motion.name[: -len("_motion.tsv")]
    return tuple(p for p in stem.split("_") if not p.startswith("tracksys-"))


def motion_files(path: Path, siblings: bool) -> list[Path]:
    """The ``*_motion.tsv`` files to read for ``path`` (a folder or one of the files)."""
    if path.is_dir():
        found = sorted(path.glob("*_motion.tsv")) or sorted(path.rglob("*_motion.tsv"))
        if not found:
            raise ReadError("no *_motion.tsv file in this folder", file=path,
                            fix="name a BIDS-Motion folder or one of its *_motion.tsv files")
        groups: dict[tuple, list[Path]] = {}
        for f in found:
            groups.setdefault(_entities(f), []).append(f)
        if len(groups) > 1:
            names = "; ".join("_".join(k) for k in list(groups)[:5])
            raise ReadError(f"this folder holds {len(groups)} recordings ({names})", file=path,
                            fix="name one *_motion.tsv file (its other tracking systems come "
                            "with it)")
        return next(iter(groups.values()))
    stem = next((path.name[: -len(s)] for s in SUFFIXES if path.name.endswith(s)), None)
    if stem is None:
        raise ReadError("not a BIDS-Motion file name", file=path,
                        fix="name a *_motion.tsv, *_channels.tsv or *_motion.json file")
    motion = path.with_name(stem + "_motion.tsv")
    if not motion.is_file():
        raise ReadError(f"the data file {motion.name} is missing", file=path, fix=FIX_PAIR)
    if not siblings:
        return [motion]
    return sorted(p for p in motion.parent.glob("*_motion.tsv")
                  if _entities(p) == _entities(motion))


def load_sidecars(motion: Path) -> tuple[dict, pd.DataFrame]:
    """The decoded ``motion.json`` and the ``channels.tsv`` table (as text) of ``motion``."""
    stem = motion.name[: -len("_motion.tsv")]
    jpath, cpath = motion.with_name(stem + "_motion.json"), motion.with_name(stem + "_channels.tsv")
    for p in (jpath, cpath):
        if not p.is_file():
            raise ReadError(f"{p.name} is missing", file=motion, fix=FIX_PAIR)
    try:
        sidecar = json.loads(jpath.read_text(encoding="utf-8"), object_hook=decode)
    except (json.JSONDecodeError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        raise ReadError(f"invalid JSON ({err})", file=jpath,
                        fix="repair the sidecar or write the dataset again") from None
    if not isinstance(sidecar, dict):
        raise ReadError("the sidecar is not a JSON object", file=jpath, fix="repair the sidecar")
    try:
        chans = pd.read_csv(cpath, sep="\t", dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise ReadError(f"cannot parse channels.tsv ({str(err).strip()[:100]})", file=cpath,
                        fix="repair the table: a header row, then one tab-separated row per "
                        "channel") from None
    missing = [c for c in ("name", "type") if c not in chans.columns]
    if missing or chans.empty:
        raise ReadError(f"channels.tsv lacks {', '.join(missing) or 'rows'}", file=cpath,
                        fix="list every channel with name, component, type, tracked_point, "
                        "units")
    return sidecar, chans


def read_columns(motion: Path, dtypes: list[np.dtype]) -> list[np.ndarray]:
    """The columns of a headerless motion.tsv, parsed exactly, n/a as NaN."""
    k = len(dtypes)
    if motion.stat().st_size == 0:
        return [np.empty(0, d) for d in dtypes]
    names = [f"c{j}" for j in range(k)]
    try:
        table = pacsv.read_csv(
            motion,
            read_options=pacsv.ReadOptions(column_names=names),
            parse_options=pacsv.ParseOptions(delimiter="\t"),
            convert_options=pacsv.ConvertOptions(
                column_types={nm: pa.from_numpy_dtype(d) for nm, d in zip(names, dtypes,
                                                                            strict=True)},
                null_values=NULLS, strings_can_be_null=True),
        )
    except pa.ArrowInvalid as err:
        msg = str(err).strip().splitlines()[0]
        hit = re.search(r"CSV column #(\d+)", msg)
        if hit is None:
            raise ReadError(f"the rows do not have the {k} columns channels.tsv lists ({msg})",
                            file=motion, fix=f"check the file is complete; {FIX_PAIR}") from None
        col, where = int(hit.group(1)), ""
        try:
            cells = pd.read_csv(motion, sep="\t", header=None, usecols=[col], dtype=str,
                                keep_default_na=False)[col]
            ok = cells.isin(NULLS) | pd.to_numeric(cells.where(~cells.isin(NULLS)),
                                                    errors="coerce").notna()
            row = int(np.flatnonzero(~ok.to_numpy())[0])
            where = f" {cells.iloc[row][:30]!r} at line {row + 1}"
        except (ValueError, IndexError, pd.errors.ParserError):
            pass
        raise ReadError(f"non-numeric value{where} in column {col + 1}", file=motion,
                        fix="repair that cell (numbers only, n/a for missing)") from None
    return [np.array(table.column(j).to_numpy(zero_copy_only=False)) for j in range(k)]
