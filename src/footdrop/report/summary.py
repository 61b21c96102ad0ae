"""The summary box of each foot and the headline above them, from ``summary.json``."""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from footdrop.assess.compare import METRICS, SessionComparison
from footdrop.assess.norms import NORMS
from footdrop.report.model import KEY_METRICS, Change, KeyMetric, Row, SideBox, fmt
from footdrop.report.session import SessionData

#: Metrics whose change since the previous session the summary shows.
CHANGE_METRICS = ("gait_speed_mps", "foot_strike_angle_deg", "min_toe_clearance_m",
                  "toe_scuff_rate")
#: Toe lift before landing: the lower side reaches at least this share of the higher in
#: healthy people (footdrop.assess.foot_drop, Voisard subjects 1-5).
TOE_LIFT_RATIO = 0.75
_FATIGUE_LABELS = {"gait_speed_mps": "speed", "stride_length_m": "stride length",
                   "min_toe_clearance_m": "MTC", "foot_strike_angle_deg": "strike angle"}


def _range_row(metric: KeyMetric, value: float | None, speed: float | None) -> Row:
    row = Row(metric.label, metric.text(value), key=f"median.{metric.key}")
    if metric.norm is None or value is None:
        row.normal = "—" if value is not None else ""
        row.status = "info" if value is not None else "na"
        return row
    lo, hi = NORMS[metric.norm].range(speed)
    lo_t, hi_t = (fmt(x, metric.decimals, metric.scale) for x in (lo, hi))
    row.normal = f"{lo_t} to {hi_t}{metric.unit}"
    shown = round(value * metric.scale, metric.decimals)
    if shown < float(lo_t):
        row.status, row.note = "out", "below"
    elif shown > float(hi_t):
        row.status, row.note = "out", "above"
    else:
        row.status = "in"
    return row


def side_box(summary: dict[str, Any], side: str, trusted: bool = True) -> SideBox:
    """The summary box of ``side`` (without the change since the previous session)."""
    entry = summary["sides"].get(side) or {}
    other = summary["sides"].get("right" if side == "left" else "left") or {}
    fd = entry.get("foot_drop") or {}
    n, n_level = entry.get("n_strides", 0), entry.get("n_level_strides", 0)
    detected = fd.get("detected")
    if detected is True:
        verdict, status = f"Foot drop: {fd.get('severity')}", "out"
    elif detected is False:
        verdict, status = "No foot drop", "in"
    else:
        verdict, status = "Foot drop not assessed", "na"
    score = ("" if fd.get("score") is None else
             f"score {fmt(fd['score'], 2)} (foot drop from 0.50)")
    box = SideBox(side=side, verdict=verdict, status=status, score=score,
                  strides=f"{n} strides, {n_level} on level ground" if n else "no strides")
    med = entry.get("median") or {}
    speed = med.get("gait_speed_mps")
    for metric in KEY_METRICS:
        value = med.get(metric.key)
        if metric.key == "max_toe_clearance_m":
            box.metrics.append(_toe_lift_row(metric, value,
                                             (other.get("median") or {}).get(metric.key)))
            continue
        row = _range_row(metric, value, speed)
        if metric.key == "min_toe_clearance_m" and not trusted and row.status != "na":
            row.status, row.note = "na", "toe point not known: not judged"
        box.metrics.append(row)
    box.findings = (_findings(entry, n) if n else
                    [Row("Findings", "none: no strides on this foot", status="na")])
    box.notes = [w.split(": ", 1)[-1] for w in entry.get("warnings", [])
                 if "not assessed" in w or "no strides" in w or "no walking" in w]
    return box


def _toe_lift_row(metric: KeyMetric, value: float | None, other: float | None) -> Row:
    """Toe lift before landing (late-swing toe clearance) as a share of the other foot's:
    judged against the share, as the absolute height depends on the toe point."""
    row = Row(metric.label, "n/a", key=f"median.{metric.key}",
              normal=f"≥ {TOE_LIFT_RATIO * 100:.0f}%")
    if value is None or other is None or not other > 0:
        row.status = "na"
        row.normal = ""
        return row
    ratio = value / other
    row.value = f"{ratio * 100:.0f}%"
    row.status = "in" if ratio >= TOE_LIFT_RATIO else "out"
    row.note = "" if row.status == "in" else "below"
    return row


def _findings(entry: dict[str, Any], n: int) -> list[Row]:
    comp = entry.get("compensation") or {}
    rows = []
    for key, label in (("steppage", "Steppage"), ("circumduction", "Circumduction")):
        flag = comp.get(key)
        rows.append(Row(label, "n/a" if flag is None else "yes" if flag else "no",
                        status="na" if flag is None else "out" if flag else "in",
                        key=f"compensation.{key}"))
    hip = comp.get("hip_hiking")
    rows.append(Row("Hip hiking", "not assessed (no lower-back sensor)" if hip is None
                    else "yes" if hip else "no",
                    status="na" if hip is None else "out" if hip else "in",
                    key="compensation.hip_hiking"))
    scuffs = entry.get("toe_scuffs", 0)
    rows.append(Row("Toe scuffs", f"{scuffs} of {n} strides"
                    + (f" ({100 * scuffs / n:.0f}%)" if n else ""), key="toe_scuffs"))
    no_mtc = entry.get("n_strides_without_mtc", 0)
    rows.append(Row("Strides without MTC", f"{no_mtc} of {n}", key="n_strides_without_mtc"))
    rows.append(_fatigue_row(entry.get("fatigability") or {}))
    return rows


def _fatigue_row(fat: dict[str, Any]) -> Row:
    if not fat.get("assessed"):
        return Row("Fatigability", f"not assessed ({fat.get('reason', 'no data')})",
                   status="na", key="fatigability")
    metrics = fat.get("metrics") or {}
    declined = [f"{_FATIGUE_LABELS.get(k, k)} {fmt(m.get('change_pct'), 0, signed=True)}%"
                for k, m in metrics.items() if m.get("declined")]
    basis = re.sub(r"first and last (\w+) of the strides \(walk of (\d+) s\)",
                   r"first vs last \1 of the strides, \2-s walk",
                   fat.get("basis", "")).replace("first and last minute", "first vs last minute")
    if declined:
        return Row("Fatigability", "decline: " + ", ".join(declined), status="out",
                   note=basis, key="fatigability")
    speed = metrics.get("gait_speed_mps") or {}
    text = "no decline ≥ 15%"
    if speed.get("change_pct") is not None:
        text += f" (speed {fmt(speed['change_pct'], 0, signed=True)}%)"
    return Row("Fatigability", text, status="in", note=basis, key="fatigability")


# ------------------------------------------------------------------ change since previous
def compare_previous(previous: SessionData, current: SessionData) -> SessionComparison:
    """The comparison of ``current`` against ``previous`` (footdrop.assess.compare)."""
    return SessionComparison(metrics=list(CHANGE_METRICS), seed=0).compare(
        previous.strides, current.strides, label_a=previous.label, label_b=current.label)


def add_changes(box: SideBox, comparison: SessionComparison) -> None:
    """Fill ``box.changes`` from a comparison with the previous session."""
    rows = comparison.changes_[comparison.changes_["side"] == box.side]
    for r in rows.to_dict("records"):
        metric = METRICS[r["metric"]]
        unit = "%" if metric.rate else metric.change_unit
        scale, d = metric.scale, metric.decimals
        ci = ("" if not np.isfinite(r["ci_low"]) else
              f" [{fmt(r['ci_low'], d, scale, signed=True)}, "
              f"{fmt(r['ci_high'], d, scale, signed=True)}]")
        if not np.isfinite(r["ci_low"]):
            verdict, status = "too few strides", "na"
        elif r["passes_mcid"]:
            status = "better" if r["direction"] == "better" else "worse"
            verdict = f"{status}, beyond MCID"
        elif r["direction"] in ("better", "worse"):
            verdict, status = f"{r['direction']}, within MCID", "same"
        else:
            verdict, status = "no clear change", "same"
        label = metric.short or metric.label
        shown = "%" if metric.rate else metric.shown
        box.changes.append(Change(
            label=label[0].upper() + label[1:], before=fmt(r["median_a"], d, scale),
            now=fmt(r["median_b"], d, scale) + shown,
            change=fmt(r["change"], d, scale, signed=True) + unit.replace(
                " percentage points", " pp") + ci,
            verdict=verdict, status=status,
            mcid=fmt(r["mcid"], d, scale) + unit.replace(" percentage points", " pp")))
    box.change_note = (f"Since {comparison.label_a_}: median of each session, 95% CI of "
                       "the change; MCID = minimal clinically important difference.")


# ------------------------------------------------------------------ headline
def headline(summary: dict[str, Any], boxes: list[SideBox]) -> list[str]:
    """A few sentences that answer the clinician's questions (PRODUCT.md) at a glance."""
    sides = summary["sides"]
    found = [b for b in boxes if b.status == "out"]
    if found:
        lines = ["Foot drop: " + "; ".join(
            f"{b.side} {b.verdict.split(': ')[1]}" for b in found) + "."]
    elif all(b.status == "in" for b in boxes):
        lines = ["No foot drop on either side."]
    else:
        lines = ["Foot drop: " + "; ".join(f"{b.side} {b.verdict[0].lower()}{b.verdict[1:]}"
                                           for b in boxes) + "."]
    asym = summary.get("asymmetry") or {}
    if asym.get("more_affected_side"):
        lines.append(f"More affected side: {asym['more_affected_side']}; "
                     f"{asym.get('reason', '')}.")
    comp = [f"{name} on the {side}" for side in ("left", "right")
            for name in ("steppage", "circumduction")
            if ((sides.get(side) or {}).get("compensation") or {}).get(name)]
    lines.append("Compensation: " + ", ".join(comp) + "." if comp
                 else "No steppage or circumduction.")
    scuffs = [f"{side} {(sides.get(side) or {}).get('toe_scuffs', 0)} of "
              f"{(sides.get(side) or {}).get('n_strides', 0)} strides"
              if (sides.get(side) or {}).get("n_strides") else f"{side} no strides"
              for side in ("left", "right")]
    lines.append("Toe scuffs: " + ", ".join(scuffs) + ".")
    tired = [f"{b.side} {r.value.removeprefix('decline: ')}" for b in boxes for r in b.findings
             if r.label == "Fatigability" and r.status == "out"]
    lines.append("Decline over the walk (15% or more): " + "; ".join(tired) + "." if tired
                 else "No decline of 15% or more over the walk.")
    changes = [f"{b.side} {c.label if c.label == 'MTC' else c.label.lower()} "
               f"{c.change.split(' [')[0]} ({c.status})" for b in boxes for c in b.changes
               if c.status in ("better", "worse")]
    if any(b.changes for b in boxes):
        lines.append("Since the previous session, beyond the MCID: " + "; ".join(changes) + "."
                     if changes else "No clinically important change since the previous "
                     "session.")
    return lines
