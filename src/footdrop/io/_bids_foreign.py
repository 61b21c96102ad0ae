"""Best-effort reading of BIDS-Motion files that footdrop did not write (no "footdrop" key).

One sensor per tracked point that has complete ACCEL and GYRO x/y/z channels (and MAGN when
complete); its other channels, and those without a tracked point, become extra channels.
The placement is guessed from the tracked-point name (:func:`placement_from_tracked_point`),
units come from ``channels.tsv``, ``t0 = 0``, axes stay in the sensor frame, and
:func:`acq_time` looks for the start time in a ``*_scans.tsv`` nearby.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from footdrop.errors import ReadError
from footdrop.io._bids_files import KINDS, NULLS, read_columns
from footdrop.recording import Recording, Sensor

_SIDES = {"left": "left", "l": "left", "lt": "left", "right": "right", "r": "right",
          "rt": "right"}
_BODY = {"foot": "foot", "feet": "foot", "shoe": "foot", "toe": "foot", "heel": "foot",
         "ankle": "shank", "shank": "shank", "shin": "shank", "tibia": "shank",
         "wrist": "wrist", "hand": "wrist"}
_BACK = {"back", "lumbar", "pelvis", "sacrum", "waist", "l5", "lowerback", "hip", "hips"}
_COMPACT = {"lf": "left_foot", "rf": "right_foot", "lfoot": "left_foot", "rfoot": "right_foot"}


def placement_from_tracked_point(name: str) -> str | None:
    """``LeftFoot``, ``left_foot``, ``foot_left``, ``L_Foot``, ``LF`` -> ``left_foot``."""
    tokens = [t.lower() for t in re.findall(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+", name)]
    joined = "".join(tokens)
    if joined in _COMPACT:
        return _COMPACT[joined]
    if joined in _BACK or any(t in _BACK for t in tokens):
        return "lower_back"
    sides = {_SIDES[t] for t in tokens if t in _SIDES}
    body = {_BODY[t] for t in tokens if t in _BODY}
    if len(sides) == 1 and len(body) == 1:
        return f"{sides.pop()}_{body.pop()}"
    return None


def _fs_of(sidecar: dict, chans: pd.DataFrame, motion: Path) -> float:
    values = [sidecar.get("SamplingFrequency")]
    if "sampling_frequency" in chans.columns:
        values += list(dict.fromkeys(chans["sampling_frequency"]))
    for v in values:
        try:
            fs = float(v)
        except (TypeError, ValueError):
            continue
        if np.isfinite(fs) and fs > 0:
            return fs
    raise ReadError("the sidecar gives no SamplingFrequency", file=motion.with_name(
        motion.name.replace("_motion.tsv", "_motion.json")),
        fix="add \"SamplingFrequency\": <Hz> to the motion.json")


def foreign_sensors(motion: Path, sidecar: dict, chans: pd.DataFrame, rec: Recording):
    """``(placement, Sensor)`` pairs of one tracking system; skipped points warn on ``rec``."""
    fs = _fs_of(sidecar, chans, motion)
    cols = read_columns(motion, [np.dtype(float)] * len(chans))
    get = {c: chans[c].str.strip() if c in chans.columns else pd.Series([""] * len(chans))
           for c in ("name", "type", "component", "tracked_point", "units")}
    comp = [c.lower() if c else (nm[-1].lower() if len(nm) > 1 and nm[-2] in "_-." else "")
            for c, nm in zip(get["component"], get["name"], strict=True)]
    tps = [tp if tp not in NULLS else None for tp in get["tracked_point"]]
    label = next((p[9:] for p in motion.name.split("_") if p.startswith("tracksys-")), "")
    out = []
    for tp in dict.fromkeys(t for t in tps if t is not None):
        rows = [j for j, t in enumerate(tps) if t == tp]
        core: dict[str, np.ndarray] = {}
        units: dict[str, str | None] = {}
        used: set[int] = set()
        for kind, _, btype in KINDS:
            pick = {a: [j for j in rows if get["type"][j].upper() == btype and comp[j] == a]
                    for a in "xyz"}
            if all(len(v) == 1 for v in pick.values()):
                idx = [pick[a][0] for a in "xyz"]
                used.update(idx)
                core[kind] = np.column_stack([cols[j] for j in idx])
                found = {get["units"][j] for j in idx} - set(NULLS)
                units[kind] = found.pop() if len(found) == 1 else None
        if "acc" not in core or "gyr" not in core:
            rec.warn(f"{motion.name}: tracked point {tp} has no complete ACCEL and GYRO x/y/z "
                     "channels; skipped")
            continue
        placement = placement_from_tracked_point(tp) or "unknown"
        if placement == "unknown":
            rec.warn(f"{motion.name}: cannot tell where tracked point {tp!r} is worn; "
                     "read as placement 'unknown'")
        rest = [j for j in rows if j not in used] + [j for j, t in enumerate(tps) if t is None]
        sensor = Sensor(
            placement=placement, fs=fs, acc=core["acc"], gyr=core["gyr"], mag=core.get("mag"),
            clock=f"bids:{label or motion.name}", units=units, name=tp,
            extra={get["name"][j]: cols[j].copy() for j in rest},
            extra_units={get["name"][j]: get["units"][j] for j in rest
                         if get["units"][j] not in NULLS})
        out.append((placement, sensor))
    return out


def acq_time(motion: Path) -> datetime | None:
    """``acq_time`` of this file from a ``*_scans.tsv`` up to two folders above, if any."""
    for folder in (motion.parent, motion.parent.parent, motion.parent.parent.parent):
        for scans in folder.glob("*_scans.tsv"):
            try:
                tab = pd.read_csv(scans, sep="\t", dtype=str, keep_default_na=False)
                hit = tab[tab["filename"].str.endswith(motion.name)]["acq_time"]
                return datetime.fromisoformat(hit.iloc[0]) if len(hit) else None
            except (KeyError, ValueError, pd.errors.ParserError):
                return None
    return None
