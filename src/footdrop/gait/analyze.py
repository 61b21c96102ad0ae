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

_MEDIAN_COLUMNS = [c for c in STRIDE_COLUMNS if c not in ("side", "stride_id", "toe_scuff")]


def summarize(strides: pd.DataFrame, warnings: list[str],
              clearance_trusted: dict[str, bool] | None = None) -> dict[str, Any]:
    """``summary.json`` content: per side the stride count, level-walking medians and the
    foot-drop assessment (:mod:`footdrop.assess`); asymmetry between the sides."""
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
        sides[side] = entry
    foot_drop = {side: sides[side]["foot_drop"] for side in sides}
    return {"schema": SUMMARY_SCHEMA, "sides": sides,
            "asymmetry": asymmetry(strides, foot_drop), "warnings": all_warnings}


def analyze(recording: Recording, **params: Any) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Strides and summary of an aligned recording (see :class:`GaitAnalysis` for params)."""
    engine = GaitAnalysis(**params).analyze(recording)
    warnings = list(recording.warnings) + engine.warnings_
    trusted = {side: g["clearance_trusted"] for side, g in engine.geometry_.items()}
    return engine.strides_, summarize(engine.strides_, warnings, trusted)


def write_outputs(strides: pd.DataFrame, summary: dict[str, Any], out: str | Path) -> list[Path]:
    """Write ``strides.csv`` and ``summary.json`` atomically into ``out``."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "strides.csv", out / "summary.json"]
    _atomic_write(paths[0], strides.to_csv(index=False, float_format="%.10g", na_rep=""))
    _atomic_write(paths[1], json.dumps(summary, indent=2, allow_nan=False) + "\n")
    return paths


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
