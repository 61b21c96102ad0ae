"""Reading and writing recordings.

:func:`read` is the one entry point: it finds the format from the content (or takes
``format``), runs the format's reader, then applies the same checks to every format: units
checked against the signal and converted, samples placed on the time grid, short gaps
interpolated and long ones split, saturated ranges flagged, and the duration checked.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from footdrop.errors import ConfigError, FootdropError, ReadError
from footdrop.io import bids, columns_csv, gaitmap_csv, mobilised, xsens  # noqa: F401  (register)
from footdrop.io._registry import READERS, Reader, detect_format
from footdrop.io.bids import write_bids
from footdrop.preprocess.gaps import MAX_INTERPOLATED_GAP_S, MIN_DURATION_S, check_duration
from footdrop.preprocess.gaps import repair_gaps as _repair_gaps
from footdrop.preprocess.quality import flag_clipping
from footdrop.preprocess.units import standardise_units
from footdrop.recording import Recording

__all__ = ["READERS", "Reader", "detect_format", "read", "read_example", "write_bids"]


def _check_file(path: Path) -> None:
    if not path.exists():
        raise ReadError("file not found", file=path, fix="check the path and the file name")
    if path.is_dir():
        if any(path.glob("*_motion.tsv")):
            return  # a BIDS-Motion folder
        raise ReadError("this is a folder, not a recording", file=path,
                        fix="name a file inside it")
    if path.stat().st_size == 0:
        raise ReadError("the file is empty", file=path,
                        fix="check that the export or the copy finished")


def read_raw(
    path: str | Path,
    *,
    format: str | None = None,
    placement: str | None = None,
    **options: Any,
) -> Recording:
    """Run one file's reader: a recording on its time grid, in the file's own units."""
    path = Path(path)
    _check_file(path)
    name = format or detect_format(path)
    if name not in READERS:
        raise ConfigError(f"unknown format {name!r}", fix="use one of " + ", ".join(READERS))
    try:
        return READERS[name].read(path, placement=placement, **options)
    except FootdropError as err:
        raise err.with_file(path) from None
    except (MemoryError, KeyboardInterrupt):
        raise
    except Exception as err:  # a malformed file must give a clean message, never a crash
        raise ReadError(
            f"cannot read the file as {name} ({type(err).__name__}: {str(err)[:120]})",
            file=path,
            fix="check that the file is complete and of this format, or pass --format",
        ) from None


def read(
    paths: str | Path | Sequence[str | Path] = (),
    *,
    left: str | Path | None = None,
    right: str | Path | None = None,
    format: str | None = None,
    fs: float | None = None,
    columns: str | Path | dict | None = None,
    units: dict[str, dict[str, str | None]] | None = None,
    max_interpolated_gap_s: float = MAX_INTERPOLATED_GAP_S,
    min_duration_s: float | None = MIN_DURATION_S,
    **options: Any,
) -> Recording:
    """Read one recording from one or more files.

    Parameters
    ----------
    paths
        File(s) of any supported format; several files are merged into one recording,
        each file keeping its own clock.
    left, right
        Files holding one foot each (e.g. the per-foot CSV of the gaitmap MS example).
    format
        Reader name (see :data:`READERS`); detected from the content when None.
    fs
        Sampling rate in Hz, for formats that do not store it.
    columns
        Column map for ``generic-csv``.
    units
        Unit overrides, e.g. ``{"*": {"gyr": "rad/s"}}``; they must agree with the signal.
    min_duration_s
        Raise :class:`~footdrop.errors.SignalError` when no valid stretch is this long;
        None disables the check.

    Returns
    -------
    Recording
        In internal units (m/s², deg/s), with gaps repaired or marked and warnings recorded.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    inputs: list[tuple[Path, str | None]] = [(Path(p), None) for p in paths]
    inputs += [(Path(p), side) for p, side in ((left, "left_foot"), (right, "right_foot")) if p]
    if not inputs:
        raise ConfigError("no input file given", fix="name a file, or use --left/--right")
    parts = []
    for path, side in inputs:
        part = read_raw(path, format=format, placement=side, fs=fs, columns=columns, **options)
        try:
            standardise_units(part, units)
            _repair_gaps(part, max_interpolated_gap_s=max_interpolated_gap_s)
            flag_clipping(part)
            if min_duration_s is not None:
                check_duration(part, min_duration_s=min_duration_s)
        except FootdropError as err:
            raise err.with_file(path) from None
        parts.append(part)
    return _merge(parts)


def _merge(parts: list[Recording]) -> Recording:
    if len(parts) == 1:
        return parts[0]
    rec = Recording(
        sensors={},
        format="+".join(dict.fromkeys(p.format for p in parts)),
        metadata={},
    )
    for part in parts:
        for placement, sensor in part.sensors.items():
            if placement in rec.sensors:
                raise ConfigError(
                    f"two inputs both hold a {placement} sensor "
                    f"({rec.sensors[placement].name} and {sensor.name})",
                    file=part.source[0] if part.source else None,
                    fix="give each side once (--left FILE --right FILE)",
                )
            rec.sensors[placement] = sensor
        rec.source += part.source
        rec.warnings += [w for w in part.warnings if w not in rec.warnings]
        rec.metadata.update(part.metadata)
        rec.start_time = rec.start_time or part.start_time
    # references are kept per source file: sample-index events refer to that file's grid
    with_ref = [p for p in parts if p.reference]
    if len(with_ref) == 1:
        rec.reference = with_ref[0].reference
    elif with_ref:
        rec.reference = {p.source[0] if p.source else str(i): p.reference
                         for i, p in enumerate(with_ref)}
    return rec


def example_info() -> dict[str, Any]:
    """The bundled example's manifest (file names, rate, description)."""
    ref = resources.files("footdrop") / "data" / "example.json"
    return json.loads(ref.read_text())


def example_paths() -> dict[str, Path]:
    """Paths of the bundled MS example's two per-foot files."""
    info = example_info()
    base = Path(str(resources.files("footdrop") / "data"))
    return {"left": base / info["left"], "right": base / info["right"]}


def read_example(**kwargs: Any) -> Recording:
    """The bundled recording of a person with MS (gaitmap example data, MIT licence)."""
    info = example_info()
    paths = example_paths()
    rec = read(left=paths["left"], right=paths["right"], format=info["format"],
               fs=info["fs"], **kwargs)
    rec.metadata.setdefault("example", info["description"])
    return rec
