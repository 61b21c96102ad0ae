"""BIDS-Motion (BEP029, BIDS 1.9): read and write IMU recordings losslessly.

Layout written by :func:`write_bids`: one *tracking system* per group of sensors that share
a clock, a rate, a length and a start time, as three files in the folder ``out``::

    sub-01[_ses-X]_task-walking_tracksys-<label>_motion.tsv    no header, one column a channel
    sub-01[_ses-X]_task-walking_tracksys-<label>_channels.tsv  name component type tracked_point
                                                               units placement sampling_frequency
    sub-01[_ses-X]_task-walking_tracksys-<label>_motion.json   BIDS keys + a "footdrop" key

Numbers are written in the shortest form that parses back to the same bits (so every
sample survives, -0.0 included); missing samples are ``n/a``. Everything else in the
:class:`~footdrop.recording.Recording` goes into the ``"footdrop"`` key of the sidecar
(recording-level fields only in the first tracking system's sidecar), with NaN, tuples,
numpy arrays and datetimes tagged so they come back as they were.

:func:`read_bids` takes a folder or any one of the three files. It reads the named
tracking system *and its siblings* (same subject, session, task, acq and run; pass
``siblings=False`` for one only), so a recording whose feet were on separate clocks comes
back whole. Files without a ``"footdrop"`` key (any BIDS-Motion dataset) are read best
effort: one sensor per tracked point with ACCEL and GYRO x/y/z channels, placement guessed
from the tracked-point name, units from ``channels.tsv``, ``t0 = 0``, axes in the sensor frame.

The tagged JSON is in :mod:`footdrop.io._tagged_json`, the handling of a tracking system's
files in :mod:`footdrop.io._bids_files`, and the reading of foreign datasets in
:mod:`footdrop.io._bids_foreign`.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from footdrop.errors import ConfigError, ReadError
from footdrop.io._bids_files import (
    FIX_PAIR,
    KINDS,
    NULLS,
    SUFFIXES,
    load_sidecars,
    motion_files,
    read_columns,
)
from footdrop.io._bids_foreign import acq_time, foreign_sensors
from footdrop.io._bids_foreign import placement_from_tracked_point as placement_from_tracked_point
from footdrop.io._registry import HEAD_BYTES, Reader, head_text, register
from footdrop.io._tagged_json import encode
from footdrop.recording import Recording, Sensor

SCHEMA_VERSION = 1
_LABEL = re.compile(r"[A-Za-z0-9]+")
_HEAD_KEYS = {"order", "source", "format", "start_time", "metadata", "reference", "warnings",
              "tracksys"}

# ----------------------------------------------------------------------------- writing


def _tracked_point(placement: str) -> str:
    """``left_foot`` -> ``LeftFoot`` (alphanumeric, as BIDS examples spell tracked points)."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", placement)) or "X"


def _disk_dtype(arr: np.ndarray, where: str) -> np.dtype:
    """dtype an extra channel is written as; bool as 0/1, small floats as float32."""
    kind, size = arr.dtype.kind, arr.dtype.itemsize
    if kind == "b":
        return np.dtype(np.uint8)
    if kind in "iu" or (kind == "f" and size in (4, 8)):
        return arr.dtype.newbyteorder("=")
    if kind == "f" and size < 4:
        return np.dtype(np.float32)
    raise ConfigError(f"{where} has dtype {arr.dtype}, which cannot be written losslessly",
                      fix="convert the channel to float64 or an integer type")


def _layout(members: list[tuple[Any, Sensor]], tps: dict[Any, str]):
    """Columns (name, 1-D array, type, component, tracked point, units, placement) and specs."""
    cols, specs = [], []
    for key, s in members:
        n, tp = s.n_samples, tps[key]
        spec: dict[str, Any] = {
            "key": key, "placement": s.placement, "name": s.name, "fs": float(s.fs),
            "t0": float(s.t0), "clock": s.clock, "frame": s.frame, "n_samples": n,
            "units": s.units, "channels": {}, "extra": [], "extra_units": s.extra_units,
            "segments": [[int(a), int(b)] for a, b in s.segments],
            "clipped": [[str(c), int(a), int(b)] for c, a, b in s.clipped],
            "alignment": s.alignment,
        }
        for kind, short, btype in KINDS:
            arr = getattr(s, kind)
            if arr is None:
                continue
            if arr.shape != (n, 3):
                raise ConfigError(f"{key} {kind} has shape {arr.shape}, expected ({n}, 3)",
                                  fix="give acc, gyr and mag one row per sample")
            names = [f"{tp}_{short}_{a}" for a in "xyz"]
            spec["channels"][kind] = names
            unit = s.units.get(kind)
            cols += [(nm, np.asarray(arr[:, j], dtype=float), btype, "xyz"[j], tp, unit,
                      s.placement) for j, nm in enumerate(names)]
        for name, arr in s.extra.items():
            arr = np.asarray(arr)
            if arr.ndim == 0 or arr.shape[0] != n:
                raise ConfigError(f"extra channel {name!r} of {key} has shape {arr.shape}, "
                                  f"not {n} rows", fix="give extra channels one row per sample")
            disk = _disk_dtype(arr, f"extra channel {name!r} of {key}")
            flat = arr.reshape(n, -1)
            safe = re.sub(r"\s", "_", str(name))
            names = [f"{tp}_{safe}"] if arr.ndim == 1 else [
                f"{tp}_{safe}_{j}" for j in range(flat.shape[1])]
            spec["extra"].append({"name": name, "channels": names, "shape": list(arr.shape[1:]),
                                  "dtype": arr.dtype.str})
            cols += [(nm, flat[:, j].astype(disk), "MISC", "n/a", tp,
                      s.extra_units.get(name), s.placement) for j, nm in enumerate(names)]
        specs.append(spec)
    names = [c[0] for c in cols]
    dup = next((nm for nm in names if names.count(nm) > 1), None)
    if dup is not None:
        raise ConfigError(f"two channels would both be named {dup!r}",
                          fix="rename the extra channel that clashes")
    return cols, specs


def _stage(final: Path, temps: list[tuple[Path, Path]], write) -> None:
    """Write ``final``'s content to a temporary file beside it (renamed in place later)."""
    fd, name = tempfile.mkstemp(dir=final.parent, prefix=f".{final.name}.", suffix=".tmp")
    os.close(fd)
    temps.append((Path(name), final))
    write(Path(name))


def _write_tracksys(paths, members, tps, task: str, block: dict, temps) -> None:
    """Stage one tracking system's motion.tsv, channels.tsv and motion.json."""
    (fs, n), label = (members[0][1].fs, members[0][1].n_samples), block["tracksys"]
    cols, specs = _layout(members, tps)
    table = pa.table({f"c{j}": pa.array(c[1], from_pandas=True) for j, c in enumerate(cols)})
    options = pacsv.WriteOptions(include_header=False, delimiter="\t", null_string="n/a",
                                 quoting_style="none")
    _stage(paths[0], temps, lambda tmp: pacsv.write_csv(table, str(tmp), options))
    chans = pd.DataFrame(
        [(c[0], c[3], c[2], c[4], "n/a" if c[5] is None else str(c[5]), c[6], repr(float(fs)))
         for c in cols],
        columns=["name", "component", "type", "tracked_point", "units", "placement",
                 "sampling_frequency"])
    _stage(paths[1], temps, lambda tmp: chans.to_csv(tmp, sep="\t", index=False,
                                                     lineterminator="\n"))
    types = [c[2] for c in cols]
    meta: dict[str, Any] = {
        "TaskName": task, "TrackingSystemName": "IMU " + ", ".join(tps[k] for k, _ in members),
        "SamplingFrequency": float(fs), "RecordingDuration": n / fs,
        "MotionChannelCount": len(cols), "TrackedPointsCount": len(members),
        "MissingValues": "n/a",
        **{f"{t}ChannelCount": types.count(t) for t in ("ACCEL", "GYRO", "MAGN", "MISC")
           if t in types},
        "footdrop": {**block, "sensors": encode(specs, f"tracking system {label}")},
    }
    text = json.dumps(meta, indent=1, ensure_ascii=False, allow_nan=False) + "\n"
    _stage(paths[2], temps, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_bids(
    recording: Recording,
    out: str | os.PathLike,
    *,
    subject: str = "01",
    session: str | None = None,
    task: str = "walking",
    overwrite: bool = False,
) -> list[Path]:
    """Write a recording as BIDS-Motion files, losslessly.

    Parameters
    ----------
    recording
        The recording; every array and field survives :func:`read_bids`.
    out
        Folder to write into (created if needed), e.g. ``bids/sub-01/motion``.
    subject, session, task
        BIDS labels (alphanumeric) used in the file names.
    overwrite
        Replace the files of an earlier write of the same subject/session/task (its other
        tracking systems are removed too). Without it, existing files are an error.

    Returns
    -------
    list of Path
        The files written: motion.tsv, channels.tsv and motion.json per tracking system.

    Raises
    ------
    ConfigError
        On invalid labels, files that exist, or content that cannot be written losslessly.
    """
    for what, label in (("subject", subject), ("session", session), ("task", task)):
        if label is not None and not _LABEL.fullmatch(str(label)):
            raise ConfigError(f"the BIDS {what} label {label!r} is not alphanumeric",
                              fix=f"give a {what} label made of letters and digits only")
    if not recording.sensors:
        raise ConfigError("the recording holds no sensor", fix="read a recording first")
    bad_fs = [k for k, s in recording.sensors.items() if not (np.isfinite(s.fs) and s.fs > 0)]
    if bad_fs:
        raise ConfigError(f"{bad_fs[0]} has sampling rate {recording[bad_fs[0]].fs}",
                          fix="set a positive sampling rate in Hz")
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise ConfigError("this is a file, not a folder", file=out,
                          fix="name a folder to write the BIDS-Motion files into")
    out.mkdir(parents=True, exist_ok=True)
    prefix = f"sub-{subject}" + (f"_ses-{session}" if session else "") + f"_task-{task}"
    groups: dict[tuple, list[tuple[Any, Sensor]]] = {}
    tps: dict[Any, str] = {}
    for key, s in recording.sensors.items():
        tp = _tracked_point(s.placement)
        tps[key] = tp if tp not in tps.values() else f"{tp}{len(tps) + 1}"
        group = (s.clock, float(s.fs), s.n_samples, float(s.t0))
        groups.setdefault(group, []).append((key, s))
    labels: list[str] = []
    for members in groups.values():
        label = "imu" if len(groups) == 1 else "imu" + "".join(tps[k] for k, _ in members)
        labels.append(label if label not in labels else f"{label}{len(labels) + 1}")
    targets = [out / f"{prefix}_tracksys-{lb}{sfx}" for lb in labels for sfx in SUFFIXES]
    stale = [p for p in out.glob(f"{prefix}_tracksys-*")
             if p.name.endswith(SUFFIXES) and p not in targets]
    existing = [p for p in targets if p.exists()] + stale
    if existing and not overwrite:
        more = f" (and {len(existing) - 1} more file(s) of this recording)" if existing[1:] else ""
        raise ConfigError(f"{existing[0].name} already exists{more}", file=existing[0],
                          fix="pass overwrite=True (--overwrite) to replace it, or choose "
                          "another folder, subject, session or task")
    head = encode({  # the keys of _HEAD_KEYS
        "order": list(recording.sensors), "source": recording.source,
        "format": recording.format, "start_time": recording.start_time,
        "metadata": recording.metadata, "reference": recording.reference,
        "warnings": recording.warnings, "tracksys": labels,
    }, "recording")
    temps: list[tuple[Path, Path]] = []
    try:
        for i, (label, members) in enumerate(zip(labels, groups.values(), strict=True)):
            block = {"version": SCHEMA_VERSION, "tracksys": label}
            block.update({"recording": head} if i == 0 else {})
            _write_tracksys(targets[3 * i: 3 * i + 3], members, tps, task, block, temps)
        for tmp, final in temps:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise
    for p in stale:
        p.unlink(missing_ok=True)
    return targets


# ----------------------------------------------------------------------------- reading


def _stack(cols: list[np.ndarray], index: dict[str, int], names: list[str], file: Path):
    missing = [nm for nm in names if nm not in index]
    if missing:
        raise ReadError(f"channels.tsv lacks channel(s) {', '.join(missing)} that the sidecar "
                        "names", file=file, fix=FIX_PAIR)
    return np.column_stack([cols[index[nm]] for nm in names])


def _footdrop_sensors(motion: Path, block: dict, chans: pd.DataFrame) -> list[tuple]:
    if not isinstance(block.get("version"), int) or block["version"] > SCHEMA_VERSION:
        raise ReadError(f"written by a newer footdrop (format {block.get('version')!r})",
                        file=motion, fix="update footdrop to read it")
    index = {nm: j for j, nm in enumerate(chans["name"])}
    dtypes = [np.dtype(float)] * len(index)
    for spec in block["sensors"]:
        for e in spec["extra"]:
            disk = _disk_dtype(np.empty(0, np.dtype(e["dtype"])), e["name"])
            for nm in e["channels"]:
                if nm in index:
                    dtypes[index[nm]] = disk
    cols = read_columns(motion, dtypes)
    out = []
    for spec in block["sensors"]:
        n = spec["n_samples"]
        if len(cols[0]) != n:
            raise ReadError(f"the file has {len(cols[0])} rows but its sidecar says {n}",
                            file=motion, fix="the file is truncated or edited; write it again")
        core = {k: _stack(cols, index, names, motion).astype(float)
                for k, names in spec["channels"].items()}
        extra = {}
        for e in spec["extra"]:
            shape, dtype = (n, *e["shape"]), np.dtype(e["dtype"])
            extra[e["name"]] = (_stack(cols, index, e["channels"], motion).astype(dtype)
                                .reshape(shape) if e["channels"] else np.empty(shape, dtype))
        sensor = Sensor(
            placement=spec["placement"], fs=spec["fs"], acc=core["acc"], gyr=core["gyr"],
            mag=core.get("mag"), t0=spec["t0"], clock=spec["clock"], frame=spec["frame"],
            units=spec["units"], name=spec["name"], extra=extra,
            extra_units=spec["extra_units"], alignment=spec["alignment"],
            clipped=[tuple(c) for c in spec["clipped"]])
        sensor.segments = [tuple(s) for s in spec["segments"]]  # __post_init__ fills empty
        out.append((spec["key"], sensor))
    return out


def read_bids(path: str | os.PathLike, *, siblings: bool = True, **_: Any) -> Recording:
    """Read a BIDS-Motion recording (a folder, or one of its files and its siblings).

    Parameters
    ----------
    path
        A folder holding one recording's ``*_motion.tsv`` files, or a ``*_motion.tsv``,
        ``*_channels.tsv`` or ``*_motion.json`` file.
    siblings
        Also read the other tracking systems of the same subject/session/task/acq/run.

    Returns
    -------
    Recording
        Exactly as written by :func:`write_bids`; for other datasets, one sensor per
        tracked point with accelerometer and gyroscope, in the units of ``channels.tsv``.
    """
    motions = motion_files(Path(path), siblings)
    rec = Recording(sensors={}, source=[str(m) for m in motions], format="bids")
    head, pairs, foreign = None, [], {}
    for motion in motions:
        sidecar, chans = load_sidecars(motion)
        block = sidecar.get("footdrop")
        if isinstance(block, dict) and "sensors" in block:
            try:
                pairs += _footdrop_sensors(motion, block, chans)
                head = block.get("recording", head)
                lacking = _HEAD_KEYS - set(head or _HEAD_KEYS)
                if lacking:
                    raise KeyError(", ".join(sorted(lacking)))
            except (KeyError, TypeError, ValueError, IndexError) as err:
                raise ReadError(f"the \"footdrop\" entry of the sidecar is damaged ({err!r})",
                                file=motion.with_name(motion.name[:-4] + ".json"),
                                fix="write the dataset again from the original") from None
        else:
            foreign[motion.name] = sidecar
            pairs += foreign_sensors(motion, sidecar, chans, rec)
    for key, sensor in pairs:
        if key in rec.sensors:
            rec.warn(f"a second {key} sensor ({sensor.name}) was found and skipped")
            continue
        rec.sensors[key] = sensor
    if not rec.sensors:
        raise ReadError("no tracked point has accelerometer and gyroscope x/y/z channels",
                        file=motions[0], fix="check the type and component columns of "
                        "channels.tsv (ACCEL and GYRO, x/y/z)")
    if head is not None:
        new = rec.warnings
        rec.sensors = {k: rec.sensors[k] for k in head["order"] if k in rec.sensors} | {
            k: s for k, s in rec.sensors.items() if k not in head["order"]}
        rec.source, rec.format, rec.start_time = head["source"], head["format"], head["start_time"]
        rec.metadata, rec.reference = head["metadata"], head["reference"]
        rec.warnings = list(head["warnings"])
        for w in new:
            rec.warn(w)
        missing = [t for t in head["tracksys"] if not any(f"_tracksys-{t}_" in m.name
                                                          for m in motions)]
        if missing and siblings:
            rec.warn(f"tracking system(s) {', '.join(missing)} of this recording not found")
    if foreign:
        rec.metadata.setdefault("bids", {}).update(foreign)
        rec.start_time = rec.start_time or acq_time(motions[0])
    return rec


def _sniff(path: Path, head: bytes) -> bool:
    if path.is_dir():
        return any(path.glob("*_motion.tsv"))
    stem = next((path.name[: -len(s)] for s in SUFFIXES if path.name.endswith(s)), None)
    if stem is None or not all(path.with_name(stem + s).is_file() for s in SUFFIXES):
        return False
    text = head_text(head) or ""
    if path.name.endswith("_motion.json"):
        return text.lstrip().startswith("{")
    lines = text.splitlines()
    if path.name.endswith("_channels.tsv"):
        return bool(lines) and {"name", "type"} <= set(lines[0].strip().split("\t"))
    lines = lines[:-1] if len(head) >= HEAD_BYTES and len(lines) > 1 else lines
    if not lines:
        return False
    for line in lines[:20]:
        for cell in line.split("\t"):
            if cell.strip() not in NULLS:
                try:
                    float(cell)
                except ValueError:
                    return False
    return True


register(
    Reader(
        name="bids",
        description="BIDS-Motion folder or *_motion.tsv with channels.tsv and motion.json",
        sniff=_sniff,
        read=read_bids,
    )
)
