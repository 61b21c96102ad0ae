"""Methods, validated accuracy and limits (fixed text), and the per-stride appendix."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from footdrop.assess.norms import NORMS
from footdrop.report.model import Section, Table, fmt

DISCLAIMER = ("This report supports clinical judgement; it is not a diagnosis. Read the "
              "numbers together with the clinical examination.")

#: Validated accuracy, quoted from docs/validation.md (footdrop 0.1.0); a test checks that
#: the numbers still appear there. (metric, accuracy, reference)
ACCURACY: tuple[tuple[str, str, str], ...] = (
    ("Stride detection", "F1 100% (47 strides)", "optical motion capture, gaitmap trial"),
    ("Stride detection", "F1 99.1% (1600 strides)", "Voisard et al. 2023, 10 healthy adults"),
    ("Initial contact timing", "bias +3.2 ms, MAE 5.3 ms", "optical motion capture"),
    ("Stride length", "bias -0.0 cm, MAE 1.2 cm", "optical motion capture"),
    ("Foot strike angle", "bias +0.3°, SD 1.0°", "optical motion capture"),
    ("Minimum toe clearance", "bias -4.5 mm, SD 7.3 mm", "optical motion capture"),
    ("Foot-drop detection", "sensitivity 100% (360 sides, all severities)",
     "gait simulator, unseen seeds"),
    ("Foot-drop detection", "0 false calls on 118 healthy sides",
     "Voisard et al. 2023; gaitmap example"),
)


def accuracy_table() -> Table:
    return Table(title="Validated accuracy", columns=["Measure", "Accuracy", "Against"],
                 rows=[list(r) for r in ACCURACY], id="accuracy",
                 note="From docs/validation.md. Bias = mean error; MAE = mean absolute error; "
                      "SD = standard deviation of the error per stride.")


def methods_sections(info: dict[str, Any], multi: bool) -> list[Section]:
    """How the numbers were made, and their limits."""
    geometry = info.get("geometry") or {}
    offsets = {g.get("toe_offset") for g in geometry.values()} if geometry else set()
    offset_text = ("The toe and heel points were given (--toe-offset)." if offsets == {"given"}
                   else "The toe and heel points were not given; defaults for the sensor's "
                   "mounting were used, so clearances may be off by several millimetres."
                   if offsets else "The sensor-to-toe geometry is not recorded for this "
                   "session.")
    sections = [
        Section("Methods", paragraphs=[
            "One inertial sensor (IMU) on each shoe. Each sensor is rotated into the foot "
            "frame; every stride is integrated from one mid-stance to the next (strapdown "
            "orientation with zero-velocity updates at both ends, as in Mariani et al. 2010). "
            "Initial contact is the onset of the landing impact, final contact the push-off "
            "peak of the sagittal angular rate. Each foot is analysed on its own clock. "
            + offset_text,
            "Medians are over level-walking strides (turns and stairs excluded). Foot drop is "
            "called when the landing is flat or toes first, or when a weak heel strike "
            "comes with a sign in swing (less toe lift than the other foot, steppage, or low "
            "or missing toe clearance); severity follows the landing: reduced heel strike "
            "(mild), flat foot (moderate), toes first (severe).",
            "Normal ranges: foot strike angle (7.4 + 11.3·v) ± 8° at speed v, lateral "
            "excursion, toe-lift ratio: fitted on healthy adults (Voisard et al. 2023, "
            "subjects 1–5); mid-swing pitch (−12 − 5·v) ± 8°: gaitmap motion capture and "
            f"the simulator; minimum toe clearance {_mtc_range()}: Begg et al. 2007, Mariani "
            "et al. 2012. Fatigability compares the first and last minute of walking (first "
            "and last fifth of the strides in walks under 3 minutes); a decline of 15% or "
            "more is flagged (Leone et al. 2016).",
        ]),
    ]
    if multi:
        sections[0].paragraphs.append(
            "Change between sessions: difference of the session medians with a 95% bootstrap "
            "confidence interval over strides. It is clinically important when the whole "
            "interval lies beyond the MCID: for gait speed 0.05 m/s or 20% (Street et al. "
            "2015; Hobart et al. 2013); for the other measures footdrop's own thresholds, "
            "several times its measurement error (5° strike angle, 5 mm MTC, 0.05 m stride "
            "length, 10 percentage points of scuffs), not published MCIDs.")
    sections.append(Section("Limits", items=[
        "Toe clearances depend on where the toe point is taken; compare sessions only with "
        "the same shoes, sensor mounting and offsets.",
        "Hip hiking needs a lower-back sensor and is not assessed from foot sensors.",
        "Foot-drop thresholds were set on healthy recordings and simulated foot drop; no "
        "recording of real foot drop with a reference was available to confirm them.",
        "Confidence intervals cover stride-to-stride variation only, not the systematic "
        "error of the method; the walk must hold enough strides (30 per foot or more).",
        "The normal bands of the curves come from a gait simulator, not a measured "
        "population; the measured normal ranges are drawn on them where they exist.",
    ]))
    return sections


def _mtc_range() -> str:
    lo, hi = NORMS["min_toe_clearance_m"].range(None)
    return f"{lo * 1000:.0f}–{hi * 1000:.0f} mm"


# ------------------------------------------------------------------ appendix
STRIDE_COLUMNS = ["#", "IC (s)", "Stride (s)", "Length (m)", "Speed (m/s)", "Strike (°)",
                  "Mid-swing pitch (°)", "MTC (mm)", "Toe lift (mm)", "Lateral (cm)", "Flags"]


def stride_flags(row: pd.Series, strike_low: float) -> tuple[list[str], bool]:
    """Flags of one stride, and whether they highlight it: a toe scuff, no minimum toe
    clearance, or a strike angle below the normal range (signs of foot drop in this
    stride). Turns and stairs are marked only as excluded from the medians."""
    flags, alert = [], False
    if int(row.get("toe_scuff", 0) or 0):
        flags.append("scuff")
    mtc = row.get("min_toe_clearance_m")
    if mtc is None or not np.isfinite(mtc):
        flags.append("no MTC")
    strike = row.get("foot_strike_angle_deg")
    if strike is not None and np.isfinite(strike) and strike < strike_low:
        flags.append("low strike")
    alert = bool(flags)
    if bool(row.get("turning", False)):
        flags.append("turn")
    if bool(row.get("stairs", False)):
        flags.append("stairs")
    return flags, alert


def stride_tables(strides: pd.DataFrame, summary: dict[str, Any]) -> list[Table]:
    """One table per foot: every stride, flagged ones highlighted."""
    tables = []
    for side in ("left", "right"):
        rows_df = strides[strides["side"] == side].sort_values("ic_s")
        if not len(rows_df):
            continue
        speed = ((summary["sides"].get(side) or {}).get("median") or {}).get("gait_speed_mps")
        strike_low = NORMS["foot_strike_angle_deg"].range(speed)[0]
        rows, flags = [], []
        for _, r in rows_df.iterrows():
            f, alert = stride_flags(r, strike_low)
            rows.append([str(int(r["stride_id"])), fmt(r["ic_s"], 1), fmt(r["stride_time_s"], 2),
                         fmt(r["stride_length_m"], 2), fmt(r["gait_speed_mps"], 2),
                         fmt(r["foot_strike_angle_deg"], 0), fmt(r["mid_swing_pitch_deg"], 0),
                         fmt(r["min_toe_clearance_m"], 0, 1000),
                         fmt(r["max_toe_clearance_m"], 0, 1000),
                         fmt(r["lateral_excursion_m"], 1, 100),
                         ("⚑ " if alert else "") + ", ".join(f)])
            flags.append(alert)
        n_flag = sum(flags)
        tables.append(Table(
            title=f"{side.capitalize()} foot: {len(rows)} strides, {n_flag} flagged",
            columns=list(STRIDE_COLUMNS), rows=rows, flags=flags, id=f"strides-{side}",
            align="r" * (len(STRIDE_COLUMNS) - 1) + "l",
            note=(f"Flagged (⚑, highlighted): a toe scuff, no distinct MTC, or a strike "
                  f"angle below {strike_low:.0f}° (the normal range at this foot's speed). "
                  "Turns and stairs are excluded from the medians.")))
    return tables
