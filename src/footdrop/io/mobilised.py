"""Mobilise-D ``data.mat`` files (MATLAB v5/v7), e.g. the Mobilise-D technical validation study.

Structure: ``data.TimeMeasureN.<Test>.<Trial>`` with ``StartDateTime``, ``TimeZone``,
``SU.<Sensor>.{Acc, Gyr, Mag, Bar, Timestamp, Fs}`` and ``Standards.<System>`` (INDIP,
Stereophoto) holding per-bout reference parameters.

* One test/trial is read per call (options ``test``, ``trial``, ``time_measure``); the
  default is the first one, with a warning naming the others. All are listed in
  ``rec.metadata["available_trials"]`` as ``"Test/Trial"``.
* Units: Acc in g and Gyr in deg/s (Mobilise-D convention; the pipeline converts and checks
  them). Bar is kept in ``Sensor.extra["bar"]`` in hPa when its values lie in the range of
  air pressure. Mag is kept with unit ``"unknown"``: third-party loaders label it µT, but
  the example files disagree (|Mag| ≈ 20 for HA-001 and ≈ 250 for MS-001, the latter far
  above the 25-65 µT of the Earth's field), so no unit is asserted.
* Samples are placed by ``Timestamp`` (unix seconds) when it is regular at ``Fs``; gaps
  become NaN and are reported.
* ``rec.reference[<System>]`` is the Standards struct as plain dicts and lists: e.g.
  ``rec.reference["INDIP"]["MicroWB"][i]["InitialContact_Event"]``. ``MicroWB`` and
  ``ContinuousWalkingPeriod`` are always lists of bouts, and per-event/per-stride fields
  always lists. Event times are in seconds from the start of the trial's recording (its
  first sample), as in the file; INDIP ``Stride_InitialContacts`` are sample numbers.
* ``infoForAlgo.mat`` beside ``data.mat`` adds the participant to ``rec.metadata``.
"""

from __future__ import annotations

import contextlib
import re
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np

from footdrop.errors import ConfigError, ReadError, SignalError
from footdrop.io._registry import Reader, register
from footdrop.preprocess.gaps import estimate_fs, fill_grid, rows_to_grid
from footdrop.recording import Recording, Sensor

_MAT_V5 = b"MATLAB 5.0 MAT-file"
_MAT_V73 = b"MATLAB 7.3 MAT-file"
_PLACEMENTS = {
    "lowerback": "lower_back", "leftfoot": "left_foot", "rightfoot": "right_foot",
    "leftshank": "left_shank", "rightshank": "right_shank", "leftwrist": "left_wrist",
    "rightwrist": "right_wrist",
}
_BOUT_LISTS = ("MicroWB", "ContinuousWalkingPeriod")
_PER_ITEM = ("InitialContact_", "FinalContact_", "Stride_", "Step_", "Stance_", "Swing_",
             "SingleSupport_", "DoubleSupport_", "Turn_", "Break_", "Incline_")
_INFO_NAMES = {
    "Height": "height_cm", "Weight": "weight_kg", "SensorHeight": "sensor_height_cm",
    "FootSize": "foot_length_cm", "Handedness": "handedness", "WalkingAid_01": "walking_aid",
    "SensorType_SU": "sensor_type", "SensorAttachment_SU": "sensor_attachment",
}
_FIX_FILE = "check that the file is a complete Mobilise-D data.mat (MATLAB v7)"



def _is_struct(obj: Any) -> bool:
    """A MATLAB struct as loaded with ``struct_as_record=False`` (duck-typed, no import)."""
    return hasattr(obj, "_fieldnames")

def _sniff(path: Path, head: bytes) -> bool:
    if head.startswith(_MAT_V73):
        return path.name.lower() == "data.mat"
    if not head.startswith(_MAT_V5):
        return False
    if path.name.lower() == "data.mat":
        return True
    body = head[128:]
    if body[:4] == b"\x0f\x00\x00\x00":  # miCOMPRESSED: peek into the first variable
        try:
            body = zlib.decompressobj().decompress(body[8:])
        except zlib.error:
            return False
    name = (b"\x01\x00\x04\x00data", b"\x01\x00\x00\x00\x04\x00\x00\x00data")
    return any(n in body[:120] for n in name) and b"TimeMeasure" in body


def _fields(obj: Any) -> list[str]:
    return list(obj._fieldnames) if _is_struct(obj) else []


def to_plain(obj: Any) -> Any:
    """MATLAB structs and arrays as dicts, lists, floats, ints and strings."""
    if _is_struct(obj):
        return {f: to_plain(getattr(obj, f)) for f in obj._fieldnames}
    if isinstance(obj, np.ndarray):
        if obj.dtype == object:
            return [to_plain(x) for x in obj]
        if obj.dtype.kind in "iuf":
            return obj.astype(float).tolist()
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, bytes):
        return obj.decode("utf-8", "replace")
    return obj


def _bout(bout: Any) -> Any:
    """Per-event and per-stride fields of one bout always as lists."""
    if not isinstance(bout, dict):
        return bout
    for key, value in bout.items():
        if not key.startswith(_PER_ITEM) or key.endswith(("_Number", "_Flag")):
            continue
        if not isinstance(value, list):
            bout[key] = [value]
        elif key == "Stride_InitialContacts" and len(value) == 2 and not isinstance(
            value[0], list
        ):
            bout[key] = [value]  # one stride, squeezed from (1, 2)
    return bout


def _standards(node: Any) -> dict[str, Any]:
    out = {}
    for system in _fields(node):
        plain = to_plain(getattr(node, system))
        if isinstance(plain, dict):
            for key, value in plain.items():
                if key in _BOUT_LISTS or (isinstance(value, list) and value
                                          and all(isinstance(v, dict) for v in value)):
                    value = value if isinstance(value, list) else [value]
                    plain[key] = [_bout(b) for b in value]
        out[system] = plain
    return out


def _load(path: Path, what: str = "data.mat") -> dict[str, Any]:
    try:
        from scipy.io import loadmat  # imported here: it slows every CLI start

        return loadmat(path, squeeze_me=True, struct_as_record=False)
    except NotImplementedError:
        raise ReadError(f"{what} is a MATLAB v7.3 (HDF5) file, which cannot be read",
                        file=path, fix="re-save it in MATLAB with save(name, '-v7')") from None
    except MemoryError:
        raise
    except Exception as err:  # scipy raises many types on corrupt input
        raise ReadError(
            f"cannot read the MAT-file ({type(err).__name__}: {str(err)[:80]})",
            file=path, fix=_FIX_FILE + "; a truncated copy cannot be read") from None


def _pick(name: str | None, options: list[str], kind: str, path: Path, context: str) -> str:
    if name is None:
        return options[0]
    wanted = f"{kind}{name}" if str(name).isdigit() else str(name)
    hit = next((o for o in options if o.lower() == wanted.lower()), None)
    if hit is None:
        raise ConfigError(f"{kind.lower()} {name!r} is not in this file{context}",
                          file=path, fix=f"use one of {', '.join(options)}")
    return hit


def _rate(fs_node: Any, channel: str) -> float | None:
    value = getattr(fs_node, channel, None) if _is_struct(fs_node) else fs_node
    try:
        value = float(np.asarray(value, dtype=float).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        return None
    return value if np.isfinite(value) and value > 0 else None


def _array(node: Any, name: str, n: int | None, cols: int, path: Path, where: str):
    value = getattr(node, name, None)
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    arr = arr.reshape(-1, cols) if arr.ndim == 1 and cols > 1 and arr.size == cols else arr
    ok = arr.ndim == (2 if cols > 1 else 1) and (cols == 1 or arr.shape[1] == cols)
    if not ok or (n is not None and arr.shape[0] != n):
        raise ReadError(f"{where}.{name} has shape {arr.shape}, expected ({n or 'n'}, {cols})",
                        file=path, fix=_FIX_FILE)
    return arr


def _grid_stamps(ts, fs: float, n: int, rec: Recording, label: str):
    """Sample positions from Timestamp, or None (contiguous rows) with a warning."""
    if ts is None:
        rec.warn(f"{label}: no Timestamp; samples assumed contiguous")
        return None
    if n < 2:
        return None
    if ts.shape != (n,):
        rec.warn(f"{label}: Timestamp has {ts.size} values for {n} samples; ignored")
        return None
    step = np.nanmedian(np.diff(ts)) * fs
    scale = 1.0 if 0.5 < step < 2 else 1e-3 if 500 < step < 2000 else None
    if scale is None:
        rec.warn(f"{label}: Timestamp steps do not match Fs = {fs:g} Hz; samples assumed "
                 "contiguous")
        return None
    return (ts - ts[0]) * scale


def _sensor(group: str, name: str, node: Any, fs_kw: float | None, clock: str,
            rec: Recording, path: Path) -> Sensor:
    where = f"{group}.{name}"
    acc = _array(node, "Acc", None, 3, path, where)
    if acc is None or getattr(node, "Gyr", None) is None:
        raise ReadError(f"{where} has no Acc or no Gyr", file=path, fix=_FIX_FILE)
    n = acc.shape[0]
    gyr = _array(node, "Gyr", n, 3, path, where)
    fs_node = getattr(node, "Fs", None)
    fs_acc, fs_gyr = _rate(fs_node, "Acc"), _rate(fs_node, "Gyr")
    if fs_acc and fs_gyr and fs_acc != fs_gyr:
        raise ReadError(f"{where}: Acc ({fs_acc:g} Hz) and Gyr ({fs_gyr:g} Hz) rates differ",
                        file=path, fix="resample one of them before reading")
    fs = fs_acc or fs_gyr
    if fs_kw is not None and fs is not None and abs(float(fs_kw) - fs) > 1e-6 * fs:
        raise ConfigError(f"--fs {float(fs_kw):g} Hz contradicts {where}.Fs = {fs:g} Hz",
                          file=path, fix=f"drop --fs or set it to {fs:g}")
    ts = _array(node, "Timestamp", None, 1, path, where)
    fs = fs or (float(fs_kw) if fs_kw is not None else None)
    if fs is None:
        if ts is None or ts.size < 2:
            raise ConfigError(f"{where} states no Fs and has no Timestamp", file=path,
                              fix="pass --fs with the rate in Hz")
        fs = round(estimate_fs(ts), 3)
    channels = {"acc": acc, "gyr": gyr}
    for key, cols in (("Mag", 3), ("Bar", 1)):
        try:
            arr = _array(node, key, n, cols, path, where)
        except ReadError:
            rec.warn(f"{where}.{key} does not match Acc in length or shape; not kept")
            continue
        rate = _rate(fs_node, key)
        if arr is not None and rate not in (None, fs):
            rec.warn(f"{where}.{key} is sampled at {rate:g} Hz, not {fs:g} Hz; not kept")
        elif arr is not None:
            channels[key.lower()] = arr.reshape(n, -1)
    stamps = _grid_stamps(ts, fs, n, rec, where)
    values = np.hstack(list(channels.values()))
    if stamps is not None:
        try:
            grid = rows_to_grid(stamps, values, samples_per_stamp=fs, what="Timestamp")
        except SignalError as err:
            rec.warn(f"{where}: Timestamp not usable ({err.problem}); samples assumed "
                     "contiguous")
        else:
            values = fill_grid(grid, values)
            if grid.gaps:
                miss = sum(b - a for a, b in grid.gaps)
                at = ", ".join(f"{a / fs:.2f} s ({b - a})" for a, b in grid.gaps[:5])
                rec.warn(f"{where}: {len(grid.gaps)} gap(s) in Timestamp, {miss} samples "
                         f"({miss / fs:.2f} s) missing, at {at}; set to NaN")
            if grid.n_duplicates:
                rec.warn(f"{where}: {grid.n_duplicates} exact duplicate sample(s) dropped")
    placed, col = {}, 0
    for key, arr in channels.items():
        width = arr.shape[1]
        placed[key] = np.ascontiguousarray(values[:, col:col + width])
        col += width
    key = re.sub(r"[^a-z]", "", name.lower())
    sensor = Sensor(
        placement=_PLACEMENTS.get(key, "unknown"), fs=float(fs), acc=placed["acc"],
        gyr=placed["gyr"], mag=placed.get("mag"), clock=clock, frame="sensor",
        units={"acc": "g", "gyr": "deg/s", **({"mag": "unknown"} if "mag" in placed else {})},
        name=where,
    )
    if "bar" in placed:
        bar = placed["bar"][:, 0]
        med = float(np.nanmedian(bar)) if np.isfinite(bar).any() else float("nan")
        sensor.extra["bar"] = bar
        sensor.extra_units["bar"] = "hPa" if 300 <= med <= 1100 else "unknown"
    return sensor


def _start_time(value: Any, tz_name: str | None, rec: Recording) -> datetime | None:
    """StartDateTime as an aware datetime: ISO text, unix time (s or ms) or MATLAB datenum."""
    tz = None
    if tz_name:
        try:
            tz = ZoneInfo(str(tz_name))
        except (ZoneInfoNotFoundError, ValueError):
            rec.warn(f"unknown TimeZone {tz_name!r}; start time kept in UTC")
    value = to_plain(value)
    start = None
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            start = datetime.fromisoformat(value.strip())
    elif isinstance(value, int | float) and np.isfinite(value):
        if 1e8 < value < 1e11:
            start = datetime.fromtimestamp(value, UTC)
        elif 1e11 < value < 1e14:
            start = datetime.fromtimestamp(value / 1000, UTC)
        elif 5e5 < value < 1e6:  # days since 0000-01-00, local time of TimeZone
            start = datetime(1, 1, 1) + timedelta(days=value - 367)
            start = start.replace(tzinfo=tz or UTC)
    if start is None or not 1990 <= start.year <= 2100:
        rec.warn(f"StartDateTime {str(value)[:40]!r} is not a date footdrop understands; "
                 "start time unknown")
        return None
    if start.tzinfo is None:
        start = start.replace(tzinfo=tz or UTC)
    return start.astimezone(tz) if tz else start


def _participant(path: Path, tm_name: str, rec: Recording) -> None:
    info_path = path.with_name("infoForAlgo.mat")
    if not info_path.is_file():
        return
    try:
        info = _load(info_path, "infoForAlgo.mat").get("infoForAlgo")
    except ReadError as err:
        rec.warn(f"{info_path.name}: {err.problem}; participant data not read")
        return
    node = getattr(info, tm_name, None) if tm_name in _fields(info) else info
    plain = to_plain(node)
    if not isinstance(plain, dict):
        rec.warn(f"{info_path.name}: unexpected structure; participant data not read")
        return
    rec.metadata["infoForAlgo"] = plain
    for old, new in _INFO_NAMES.items():
        if old in plain:
            rec.metadata[new] = bool(plain[old]) if new == "walking_aid" else plain[old]


def read_mobilised(
    path: Path, *, fs: float | None = None, placement: str | None = None,
    test: str | None = None, trial: str | None = None, time_measure: str | None = None,
    **_: Any,
) -> Recording:
    """Read one test/trial of a Mobilise-D ``data.mat``.

    Parameters
    ----------
    path
        The ``data.mat`` file.
    fs
        Rate in Hz; only used when the file states none, and must agree with ``Fs``.
    placement
        Ignored: placements come from the sensor names (LowerBack → lower_back, ...).
    test, trial, time_measure
        Which recording to read, e.g. ``test="Test5", trial="Trial1"`` (``"5"``, ``"1"``
        also work). Default: the first of each, with a warning listing the others.

    Returns
    -------
    Recording
        All SU sensors of the trial in g and deg/s, with the Standards in ``reference``.
    """
    path = Path(path)
    data = _load(path).get("data")
    tms = [f for f in _fields(data) if f.startswith("TimeMeasure")]
    if not tms:
        raise ReadError("no 'data' struct with TimeMeasure* fields (not a Mobilise-D "
                        "data.mat)", file=path, fix=_FIX_FILE)
    tm_name = _pick(time_measure, tms, "TimeMeasure", path, "")
    tm = getattr(data, tm_name)
    trials = {t: [r for r in _fields(getattr(tm, t)) if _fields(getattr(getattr(tm, t), r))]
              for t in _fields(tm)}
    trials = {t: rs for t, rs in trials.items() if rs}
    available = [f"{t}/{r}" for t, rs in trials.items() for r in rs]
    if not available:
        raise ReadError(f"data.{tm_name} holds no test with a trial", file=path, fix=_FIX_FILE)
    test_name = _pick(test, list(trials), "Test", path, "")
    trial_name = _pick(trial, trials[test_name], "Trial", path, f" under {test_name}")
    node = getattr(getattr(tm, test_name), trial_name)
    rec = Recording(sensors={}, source=[str(path)], format="mobilised")
    chosen = f"{test_name}/{trial_name}"
    defaulted = (test is None and len(available) > 1) or (
        trial is None and len(trials[test_name]) > 1)
    if defaulted:
        others = ", ".join(a for a in available if a != chosen)
        rec.warn(f"{path.name}: read {chosen}; the file also holds {others} "
                 "(choose with --test/--trial)")
    clock = f"{path}:{tm_name}/{chosen}"
    groups = [g for g in _fields(node) if g == "SU" or g.startswith("SU_")]
    for group in sorted(groups, key=lambda g: g != "SU"):
        for name in _fields(getattr(node, group)):
            if not _fields(getattr(getattr(node, group), name)):
                continue  # not a sensor struct
            sensor = _sensor(group, name, getattr(getattr(node, group), name), fs,
                             f"{clock}/{group}", rec, path)
            if sensor.placement in rec.sensors:
                rec.warn(f"{sensor.name}: a {sensor.placement} sensor was already read "
                         f"({rec.sensors[sensor.placement].name}); not kept")
                continue
            rec.sensors[sensor.placement] = sensor
    if not rec.sensors:
        raise ReadError(f"{tm_name}/{chosen} has no SU sensor data", file=path,
                        fix=_FIX_FILE)
    tz_name = to_plain(getattr(node, "TimeZone", None))
    tz_name = tz_name if isinstance(tz_name, str) and tz_name else None
    if "StartDateTime" in _fields(node):
        rec.start_time = _start_time(node.StartDateTime, tz_name, rec)
    rec.metadata.update(time_measure=tm_name, test=test_name, trial=trial_name,
                        available_trials=available, available_time_measures=tms,
                        timezone=tz_name)
    if "Standards" in _fields(node):
        rec.reference.update(_standards(node.Standards))
    _participant(path, tm_name, rec)
    return rec


register(
    Reader(
        name="mobilised",
        description="Mobilise-D data.mat (MATLAB v7), one test/trial (--test/--trial)",
        sniff=_sniff,
        read=read_mobilised,
    )
)
