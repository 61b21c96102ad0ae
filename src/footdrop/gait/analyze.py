"""``footdrop.analyze``: recording in, CONTRACT.md tables out."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footdrop.contract import STRIDE_COLUMNS, SUMMARY_SCHEMA
from footdrop.gait.engine import GaitAnalysis
from footdrop.recording import Recording

#: ``schema`` value of ``session.json``.
SESSION_SCHEMA = "footdrop.session/1"
_MEDIAN_COLUMNS = [c for c in STRIDE_COLUMNS if c not in ("side", "stride_id", "toe_scuff")]


def summarize(strides: pd.DataFrame, warnings: list[str],
              clearance_trusted: dict[str, bool] | None = None,
              hip_hiking: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """``summary.json`` content: per side the stride count, level-walking medians and the
    foot-drop assessment (:mod:`footdrop.assess`); asymmetry between the sides.
    ``hip_hiking`` is ``HipHikingAssessment.sides_`` when a lower-back sensor was worn."""
    from footdrop.assess.foot_drop import FootDropAssessment
    from footdrop.assess.walk import asymmetry, fatigability

    fda = FootDropAssessment(clearance_trusted=clearance_trusted).assess(strides)
    sides: dict[str, Any] = {}
    all_warnings = list(warnings) + fda.warnings_
    for side in ("left", "right"):
        rows = strides[strides["side"] == side] if len(strides) else strides
        level = rows[rows["level_walking"].astype(bool)] if len(rows) else rows
        median = {
            c: _num(level[c].median()) if len(level) else None for c in _MEDIAN_COLUMNS
        }
        entry: dict[str, Any] = {
            "n_strides": int(len(rows)),
            "n_level_strides": int(len(level)),
            "n_turning_strides": int(rows["turning"].sum()) if len(rows) else 0,
            "n_stair_strides": int(rows["stairs"].sum()) if len(rows) else 0,
            "n_strides_without_mtc": int(rows["min_toe_clearance_m"].isna().sum())
            if len(rows) else 0,
            "toe_scuffs": int(rows["toe_scuff"].sum()) if len(rows) else 0,
            "median": median,
            "foot_drop": fda.sides_[side]["foot_drop"],
            "compensation": fda.sides_[side]["compensation"],
            "toe_scuff_times_s": fda.sides_[side]["toe_scuff_times_s"],
            "fatigability": fatigability(strides, side),
            "warnings": [w for w in all_warnings if w.startswith(f"{side}:")],
        }
        if len(rows) == 0:
            msg = f"{side}: no strides found (no {side}-foot sensor, or no walking detected)"
            entry["warnings"].append(msg)
            if msg not in all_warnings:
                all_warnings.append(msg)
        if hip_hiking and side in hip_hiking:
            hh = hip_hiking[side]
            entry["compensation"]["hip_hiking"] = hh["hip_hiking"]
            entry["compensation"]["hip_hiking_obliquity_rise_deg"] = hh["obliquity_rise_deg"]
            entry["compensation"]["evidence"] += list(hh["evidence"])
        sides[side] = entry
    foot_drop = {side: sides[side]["foot_drop"] for side in sides}
    return {"schema": SUMMARY_SCHEMA, "sides": sides,
            "asymmetry": asymmetry(strides, foot_drop), "warnings": all_warnings}


def analyze(recording: Recording, **params: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Strides and summary of an aligned recording (see :class:`GaitAnalysis` for params)."""
    engine = GaitAnalysis(**params).analyze(recording)
    return engine.strides_, _summary_of(recording, engine)


def _summary_of(recording: Recording, engine: GaitAnalysis) -> dict[str, Any]:
    warnings = list(recording.warnings) + engine.warnings_
    trusted = {side: g["clearance_trusted"] for side, g in engine.geometry_.items()}
    hip = None
    if "lower_back" in recording.sensors and len(engine.strides_):
        from footdrop.assess.hip_hiking import HipHikingAssessment

        hha = HipHikingAssessment().assess(recording, engine.strides_)
        hip = hha.sides_
        warnings += hha.warnings_
    return summarize(engine.strides_, warnings, trusted, hip)


def analyze_session(recording: Recording, *, person: str | None = None,
                    session: str | None = None, date: str | None = None, **params: Any
                    ) -> tuple[pd.DataFrame, dict[str, Any], dict[str, Any],
                               dict[str, np.ndarray]]:
    """As :func:`analyze`, plus what the clinical report needs: ``(strides, summary,
    session_info, curves)``.

    ``session_info`` (``session.json``) holds the identifiers and date as given (None when
    not given: never invented), the source files, sensors, duration, walking time, software
    version and sensor geometry; ``curves`` the per-stride pitch and toe-height curves of
    :func:`footdrop.gait.curves.stride_curves`.
    """
    from footdrop.gait.curves import stride_curves

    engine = GaitAnalysis(**params).analyze(recording)
    summary = _summary_of(recording, engine)
    info = session_info(recording, engine.strides_, person=person, session=session, date=date,
                        geometry=engine.geometry_)
    return engine.strides_, summary, info, stride_curves(recording, engine)


def session_info(recording: Recording, strides: pd.DataFrame, *, person: str | None = None,
                 session: str | None = None, date: str | None = None,
                 geometry: dict[str, Any] | None = None) -> dict[str, Any]:
    """``session.json`` content: who and when (as given), what was recorded, by which
    software. ``walking_time_s`` is, for the foot with more, the time covered by its strides
    (IC to next IC, overlaps counted once)."""
    from datetime import UTC, datetime

    from footdrop import __version__

    walking = 0.0
    for side in ("left", "right"):
        rows = strides[strides["side"] == side] if len(strides) else strides
        spans = sorted(zip(rows["ic_s"].to_numpy(float), rows["next_ic_s"].to_numpy(float),
                           strict=True)) if len(rows) else []
        total, end = 0.0, -np.inf
        for a, b in spans:
            total += max(0.0, b - max(a, end))
            end = max(end, b)
        walking = max(walking, total)
    return {
        "schema": SESSION_SCHEMA,
        "person": person or None, "session": session or None, "date": date or None,
        "recording_start": recording.start_time.isoformat() if recording.start_time else None,
        "source": [Path(s).name for s in recording.source],
        "format": recording.format,
        "sensors": [{"placement": p, "name": s.name or None, "fs_hz": float(s.fs),
                     "duration_s": round(float(s.duration_s), 3)}
                    for p, s in recording.sensors.items()],
        "synchronised": bool(recording.synchronised),
        "duration_s": round(float(recording.duration_s), 3),
        "walking_time_s": round(walking, 3),
        "geometry": json.loads(json.dumps(geometry or {}, default=str)),
        "software": {"name": "footdrop", "version": __version__},
        "analysed_at": datetime.now(UTC).replace(microsecond=0).isoformat(),
    }


def write_outputs(strides: pd.DataFrame, summary: dict[str, Any], out: str | Path, *,
                  session: dict[str, Any] | None = None,
                  curves: dict[str, np.ndarray] | None = None) -> list[Path]:
    """Write ``strides.csv`` and ``summary.json`` atomically into ``out``; with ``session``
    also ``session.json``, with ``curves`` also ``curves.npz`` (see :func:`analyze_session`).
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "strides.csv", out / "summary.json"]
    _atomic_write(paths[0], strides.to_csv(index=False, float_format="%.10g", na_rep=""))
    _atomic_write(paths[1], json.dumps(summary, indent=2, allow_nan=False) + "\n")
    if session is not None:
        paths.append(out / "session.json")
        _atomic_write(paths[-1], json.dumps(session, indent=2, allow_nan=False) + "\n")
    if curves is not None:
        paths.append(out / "curves.npz")
        _atomic_write_npz(paths[-1], curves)
    return paths


def _atomic_write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez_compressed(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _num(x: Any) -> float | None:
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)
