"""XSens / Movella MT Manager text exports (``.txt``/``.csv``), one sensor per file.

Layout: optional header lines (``Acquisition frequency: 100 Hz`` as in the Voisard et al.
data set, or MT Manager's ``// Update Rate: 100.0Hz``, ``// DeviceId: ...`` lines), then a
column header row and one row per packet, separated by tabs, semicolons or commas.

* Samples are placed by ``PacketCounter`` (wraps at 65536) or, without it, by
  ``SampleTimeFine`` (10 kHz ticks, wraps at 2**32): dropped packets become NaN rows.
* Units are MT Manager's: ``Acc_*`` m/s², ``Gyr_*`` rad/s, ``Mag_*`` normalised (a.u.).
  ``Quat_*``, ``Roll/Pitch/Yaw`` and ``FreeAcc_*`` are kept in :attr:`Sensor.extra`.
* Placement from the name suffix ``_lf``/``_rf``/``_lb``, or the ``placement`` option.
* Voisard et al. (IPOL 2023): the sibling ``<subject>-<trial>.json`` gives the participant
  (``rec.metadata``) and the gait events (``rec.reference``). ``LeftFootEvents`` and
  ``RightFootEvents`` are ``[toe_off, heel_strike]`` pairs, one per swing. The JSON counts
  samples by PacketCounter; the reader shifts them to sample indices of this file's grid
  (index = PacketCounter - first PacketCounter) and keeps the shift in
  ``reference["index_offset"]``.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np

from footdrop.errors import ConfigError, ReadError
from footdrop.io._csv import numeric_block, read_table
from footdrop.io._registry import Reader, head_text, register
from footdrop.preprocess.gaps import estimate_fs, fill_grid, rows_to_grid
from footdrop.recording import PLACEMENTS, Recording, Sensor

COUNTER_WRAP = 65536
SAMPLE_TIME_WRAP = 2**32
SAMPLE_TIME_HZ = 10_000.0
MAX_HEADER_LINES = 500

_RATE_RE = re.compile(
    r"(?:acquisition frequency|update rate|output rate|sampl\w* (?:rate|frequency))"
    r"\s*[:=]\s*([0-9]+(?:[.,][0-9]+)?)\s*hz",
    re.I,
)
_DEVICE_RE = re.compile(r"device\s*id\s*[:=]\s*([0-9a-f]{6,})", re.I)
_NAME_DEVICE_RE = re.compile(r"MT_([0-9A-F]{8})", re.I)
_SUFFIX_RE = re.compile(r"^(?P<base>.+)_(?P<suffix>lf|rf|lb)$", re.I)
_SUFFIX_PLACEMENT = {"lf": "left_foot", "rf": "right_foot", "lb": "lower_back"}
_MT_KEYS = (
    "update rate", "filter profile", "option flags", "firmware version", "device id",
    "deviceid", "mt manager", "xda version", "start time", "productcode", "product code",
)
#: Channel groups: output key -> file column names (matched case-insensitively).
_CHANNELS = {
    "acc": ("Acc_X", "Acc_Y", "Acc_Z"),
    "gyr": ("Gyr_X", "Gyr_Y", "Gyr_Z"),
    "mag": ("Mag_X", "Mag_Y", "Mag_Z"),
}
_EXTRAS = {
    "quat": (("Quat_q0", "Quat_q1", "Quat_q2", "Quat_q3"), "1"),
    "euler": (("Roll", "Pitch", "Yaw"), "deg"),
    "free_acc": (("FreeAcc_X", "FreeAcc_Y", "FreeAcc_Z"), "m/s^2"),
    "free_acc_enu": (("FreeAcc_E", "FreeAcc_N", "FreeAcc_U"), "m/s^2"),
}
_STAMPS = ("PacketCounter", "SampleTimeFine")


@dataclass
class XsensHeader:
    """What the lines above the column header say."""

    n_lines: int  # lines before the column header row
    columns: list[str]
    sep: str
    decimal: str
    fs: float | None = None
    device_id: str | None = None
    start_time: datetime | None = None
    fields: dict[str, str] = field(default_factory=dict)


def _is_preamble(line: str) -> bool:
    s = line.strip()
    return not s or s.startswith("//") or s.lower().startswith("acquisition frequency")


def parse_header(path: Path) -> XsensHeader:
    """Read the header lines and the column row of an MT Manager export."""
    lines: list[str] = []
    with open(path, encoding="utf-8-sig", errors="replace") as fh:
        for raw in fh:
            lines.append(raw.rstrip("\r\n"))
            if not _is_preamble(lines[-1]) or len(lines) > MAX_HEADER_LINES:
                break
        data_line = fh.readline().rstrip("\r\n")
    if not lines or _is_preamble(lines[-1]):
        raise ReadError("no column header row found after the header lines", file=path,
                        fix="check that the export finished and holds data columns")
    pre, header = lines[:-1], lines[-1]
    sep = max(("\t", ";", ","), key=header.count)
    if header.count(sep) == 0:
        raise ReadError(f"the column header {header[:60]!r} has a single column", file=path,
                        fix="export as tab-, semicolon- or comma-separated text")
    decimal = "."
    if sep != "," and re.search(r"\d,\d", data_line) and not re.search(r"\d\.\d", data_line):
        decimal = ","
    hdr = XsensHeader(len(pre), [c.strip().strip('"') for c in header.split(sep)], sep, decimal)
    for line in pre:
        text = line.strip().lstrip("/").strip()
        key, colon, value = text.partition(":")
        if colon:
            hdr.fields[key.strip()] = value.strip()
        if hdr.fs is None and (m := _RATE_RE.search(text)):
            hdr.fs = float(m.group(1).replace(",", "."))
        if hdr.device_id is None and (m := _DEVICE_RE.search(text)):
            hdr.device_id = m.group(1).upper()
        if key.strip().lower() == "start time" and hdr.start_time is None:
            with contextlib.suppress(ValueError):  # "Unknown" or a locale-specific format
                hdr.start_time = datetime.fromisoformat(value.strip())
    return hdr


def _sniff(path: Path, head: bytes) -> bool:
    text = head_text(head)
    if not text:
        return False
    lines = text.splitlines()[:MAX_HEADER_LINES]
    first = next((ln.strip() for ln in lines if ln.strip()), "")
    if first.lower().startswith("acquisition frequency"):
        return True
    comments = [ln.lstrip("/ ").lower() for ln in lines if ln.strip().startswith("//")]
    if any(c.startswith(_MT_KEYS) for c in comments):
        return True
    header = next((ln for ln in lines if not _is_preamble(ln)), "")
    tokens = {t.strip().strip('"').lower() for t in re.split(r"[\t;,]", header)}
    return "acc_x" in tokens and bool(tokens & {"packetcounter", "sampletimefine"})


def _placement(path: Path, placement: str | None) -> tuple[str, re.Match | None]:
    m = _SUFFIX_RE.match(path.stem)
    if placement:
        if placement not in PLACEMENTS:
            raise ConfigError(f"unknown placement {placement!r}",
                              fix="use one of " + ", ".join(PLACEMENTS))
        return placement, m
    return (_SUFFIX_PLACEMENT[m.group("suffix").lower()] if m else "unknown"), m


def _resolve_fs(path: Path, hdr: XsensHeader, fs: float | None, stf: np.ndarray | None):
    """Rate and where it came from; ConfigError on contradiction or when unknown."""
    if fs is not None and hdr.fs is not None and abs(float(fs) - hdr.fs) > 1e-6 * hdr.fs:
        raise ConfigError(
            f"--fs {float(fs):g} Hz contradicts the file header, which states {hdr.fs:g} Hz",
            file=path, fix=f"drop --fs (the header rate is used) or set it to {hdr.fs:g}")
    measured = None
    if stf is not None and np.isfinite(stf).sum() >= 2:
        ticks = np.unwrap(stf[np.isfinite(stf)], period=SAMPLE_TIME_WRAP)
        measured = round(estimate_fs(ticks / SAMPLE_TIME_HZ), 3)
    given, source = (hdr.fs, "header") if hdr.fs is not None else (fs, "--fs")
    if given is not None:
        if measured is not None and abs(measured - given) > 0.01 * measured:
            raise ConfigError(
                f"the rate from the {source} ({float(given):g} Hz) contradicts SampleTimeFine, "
                f"which shows {measured:g} Hz", file=path,
                fix=f"check the export; pass --fs {measured:g} if SampleTimeFine is right")
        return float(given), source
    if measured is not None:
        return measured, "SampleTimeFine"
    raise ConfigError(
        "this file does not state its sampling rate (no 'Update Rate' or 'Acquisition "
        "frequency' header line, no SampleTimeFine column)",
        file=path, fix="pass --fs with the output rate set in MT Manager, e.g. --fs 100")


def _describe_gaps(gaps: list[tuple[int, int]], fs: float) -> str:
    where = ", ".join(f"{a / fs:.2f} s ({b - a})" for a, b in gaps[:5])
    return where + ("" if len(gaps) <= 5 else f" and {len(gaps) - 5} more")


def read_xsens(
    path: Path, *, fs: float | None = None, placement: str | None = None, **_: Any
) -> Recording:
    """Read one MT Manager text export.

    Parameters
    ----------
    path
        The exported ``.txt``/``.csv`` file.
    fs
        Rate in Hz, only needed when the header states none; must agree with the header.
    placement
        Where the sensor was worn; overrides the ``_lf``/``_rf``/``_lb`` name suffix.

    Returns
    -------
    Recording
        One sensor on its PacketCounter grid, in the file's units (m/s², rad/s).
    """
    path = Path(path)
    hdr = parse_header(path)
    lookup = {c.lower(): c for c in hdr.columns if c}
    missing = [c for key in ("acc", "gyr") for c in _CHANNELS[key] if c.lower() not in lookup]
    if missing:
        raise ReadError(
            f"missing column(s) {', '.join(missing)} (found: {', '.join(hdr.columns[:20])})",
            file=path, fix="export 'Acceleration' (Acc) and 'Rate of Turn' (Gyr) in MT "
            "Manager's export settings")
    groups = {k: [lookup[c.lower()] for c in cols] for k, cols in _CHANNELS.items()
              if all(c.lower() in lookup for c in cols)}
    extras = {k: [lookup[c.lower()] for c in cols] for k, (cols, _u) in _EXTRAS.items()
              if all(c.lower() in lookup for c in cols)}
    stamp_cols = {s: lookup[s.lower()] for s in _STAMPS if s.lower() in lookup}
    wanted = {c for cols in (*groups.values(), *extras.values()) for c in cols}
    wanted |= set(stamp_cols.values())
    df = read_table(path, sep=hdr.sep, skiprows=hdr.n_lines, decimal=hdr.decimal,
                    index_col=False, usecols=lambda c: str(c).strip().strip('"') in wanted)
    df.columns = [str(c).strip().strip('"') for c in df.columns]
    header_lines = hdr.n_lines + 1
    stamps = {s: numeric_block(df, [c], path, header_lines=header_lines)[:, 0]
              for s, c in stamp_cols.items()}
    stf = stamps.get("SampleTimeFine")
    fs_used, fs_source = _resolve_fs(path, hdr, fs, stf)
    order = list(groups) + list(extras)
    blocks = [numeric_block(df, (groups | extras)[k], path, header_lines=header_lines)
              for k in order]
    values = np.hstack(blocks)
    counter = stamps.get("PacketCounter")
    if counter is not None and np.isfinite(counter).any():
        what, grid = "PacketCounter", rows_to_grid(
            counter, values, samples_per_stamp=1.0, wrap=COUNTER_WRAP, what="PacketCounter")
    elif stf is not None and np.isfinite(stf).any():
        what, grid = "SampleTimeFine", rows_to_grid(
            stf, values, samples_per_stamp=fs_used / SAMPLE_TIME_HZ, wrap=SAMPLE_TIME_WRAP,
            what="SampleTimeFine")
    else:
        raise ReadError(
            "no PacketCounter or SampleTimeFine column: dropped packets cannot be found",
            file=path, fix="re-export with 'Packet Counter' or 'Sample Time Fine' enabled, "
            "or read it with --format generic-csv if the rows are known to be contiguous")
    placed = fill_grid(grid, values)
    arrays, col = {}, 0
    for k, block in zip(order, blocks, strict=True):
        arrays[k] = np.ascontiguousarray(placed[:, col:col + block.shape[1]])
        col += block.shape[1]
    where, match = _placement(path, placement)
    sensor = Sensor(
        placement=where,
        fs=float(fs_used),
        acc=arrays["acc"],
        gyr=arrays["gyr"],
        mag=arrays.get("mag"),
        clock=str(path),
        frame="sensor",
        units={"acc": "m/s^2", "gyr": "rad/s", **({"mag": "a.u."} if "mag" in arrays else {})},
        name=hdr.device_id or _device_from_name(path) or path.stem,
    )
    for k in extras:
        sensor.extra[k] = arrays[k]
        sensor.extra_units[k] = _EXTRAS[k][1]
    if what == "PacketCounter":
        sensor.extra["packet_counter"] = grid.first_stamp + np.arange(grid.n_grid)
        sensor.extra_units["packet_counter"] = "count (unwrapped)"
    rec = Recording(
        sensors={where: sensor}, source=[str(path)], format="xsens", start_time=hdr.start_time,
        metadata={"fs_source": fs_source, "placed_by": what,
                  **({"device_id": hdr.device_id} if hdr.device_id else {}),
                  **({"xsens_header": hdr.fields} if hdr.fields else {})},
    )
    if fs_source == "SampleTimeFine":
        rec.warn(f"{path.name}: no rate in the header; {fs_used:g} Hz derived from SampleTimeFine")
    if where == "unknown":
        rec.warn(f"{path.name}: the placement is not known (no _lf/_rf/_lb suffix); pass the file "
                 "with --left FILE or --right FILE")
    if grid.gaps:
        n = sum(b - a for a, b in grid.gaps)
        rec.warn(
            f"{where}: {len(grid.gaps)} gap(s) of dropped packets in {path.name}, {n} samples "
            f"({n / fs_used:.2f} s) missing, largest {max(b - a for a, b in grid.gaps)}, at "
            f"{_describe_gaps(grid.gaps, fs_used)}; placed "
            f"by {what}, missing samples set to NaN")
    if grid.n_duplicates:
        rec.warn(f"{where}: {grid.n_duplicates} exact duplicate row(s) dropped")
    if match:
        first = int(grid.first_stamp) if what == "PacketCounter" else 0
        _add_voisard(rec, path.with_name(match.group("base") + ".json"), first)
    return rec


def _device_from_name(path: Path) -> str | None:
    m = _NAME_DEVICE_RE.search(path.stem)
    return m.group(1).upper() if m else None


def _add_voisard(rec: Recording, json_path: Path, offset: int) -> None:
    """Participant and gait events from a Voisard et al. sibling JSON, if there is one."""
    if not json_path.is_file():
        return
    try:
        info = json.loads(json_path.read_text())
        if not isinstance(info, dict):
            raise ValueError("not a JSON object")
    except (ValueError, OSError, UnicodeDecodeError) as err:
        rec.warn(f"{json_path.name}: cannot read the participant/event file ({err}); ignored")
        return
    names = {"Subject": "subject", "Trial": "trial", "Age": "age_years", "Gender": "gender",
             "Height": "height_cm", "Weight": "weight_kg"}
    rec.metadata.update({new: info[old] for old, new in names.items() if old in info})
    ref: dict[str, Any] = {}
    try:
        for key in ("TrialBoundaries", "UTurnBoundaries"):
            if key in info:
                ref[key] = [int(v) - offset for v in info[key]]
        for key in ("LeftFootEvents", "RightFootEvents"):
            if key in info:
                ref[key] = [[int(to) - offset, int(hs) - offset] for to, hs in info[key]]
    except (TypeError, ValueError) as err:
        rec.warn(f"{json_path.name}: malformed event lists ({err}); events ignored")
        return
    if ref:
        ref.update(source=str(json_path), event_format="[toe_off, heel_strike] per swing",
                   index="sample index on this file's grid", index_offset=offset)
        rec.reference.update(ref)


register(
    Reader(
        name="xsens",
        description="XSens/Movella MT Manager text export (PacketCounter, Acc_*, Gyr_*)",
        sniff=_sniff,
        read=read_xsens,
    )
)
