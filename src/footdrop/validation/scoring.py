"""Score estimated strides (CONTRACT ``strides.csv`` columns) against a reference stride table.

Matching: within each side, estimated and reference strides are paired one-to-one by nearest
initial contact (``ic_s``), closest pairs first, if they are within ``tolerance_s``.

Detection counts use straight-walking reference strides only (``turning`` False):
- TP: an estimated stride matched to a straight reference stride;
- FN: a straight reference stride with no match;
- FP: an estimated stride with no match, unless its IC falls inside a turning reference stride
  (then it is not counted) or outside the span of the reference strides of its side (when
  ``within_reference_span``, the default: the reference does not cover that time);
- an estimated stride matched to a turning reference stride is neither TP nor FP.

Errors are estimate − reference over the TP pairs. Bias is their mean, MAE the mean absolute
error, SD the sample standard deviation (ddof = 1), n the number of pairs with both values.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd


@dataclass(frozen=True)
class Metric:
    label: str
    column: str
    scale: float
    unit: str
    targets: dict = field(default_factory=dict)  # keys: abs_bias, mae, sd


#: Metrics scored, with the targets of the issue (in the metric's display unit).
METRICS = (
    Metric("IC timing", "ic_s", 1000.0, "ms", {"abs_bias": 10.0, "mae": 15.0}),
    Metric("FC timing", "fc_s", 1000.0, "ms", {"abs_bias": 10.0, "mae": 15.0}),
    Metric("stride length", "stride_length_m", 100.0, "cm", {"abs_bias": 1.0, "mae": 2.0}),
    Metric("foot strike angle", "foot_strike_angle_deg", 1.0, "deg", {"abs_bias": 1.0, "sd": 2.0}),
    Metric("toe-off angle", "toe_off_angle_deg", 1.0, "deg", {"abs_bias": 1.0, "sd": 2.0}),
    Metric("max heel clearance", "max_heel_clearance_m", 100.0, "cm", {"abs_bias": 1.0}),
    Metric("min toe clearance (MTC)", "min_toe_clearance_m", 1000.0, "mm", {"abs_bias": 5.0}),
    Metric("stride time", "stride_time_s", 1000.0, "ms"),
    Metric("stance time", "stance_time_s", 1000.0, "ms"),
    Metric("swing time", "swing_time_s", 1000.0, "ms"),
    Metric("gait speed", "gait_speed_mps", 100.0, "cm/s"),
    Metric("max toe clearance", "max_toe_clearance_m", 1000.0, "mm"),
    Metric("mid-swing pitch", "mid_swing_pitch_deg", 1.0, "deg"),
    Metric("lateral excursion", "lateral_excursion_m", 100.0, "cm"),
)

#: Stride detection target: F1 of at least this.
F1_TARGET = 0.99

_PIPE = "\\|"  # a literal pipe inside a markdown table cell
_TARGET_TEXT = {"abs_bias": "|bias| ≤ {}", "mae": "MAE ≤ {}", "sd": "SD ≤ {}"}


def match_strides(estimated: pd.DataFrame, reference: pd.DataFrame,
                  tolerance_s: float) -> list[tuple[int, int]]:
    """One-to-one (estimated index, reference index) pairs by nearest IC, per side."""
    pairs = []
    for side in set(estimated["side"]) & set(reference["side"]):
        e = estimated[estimated["side"] == side]["ic_s"]
        r = reference[reference["side"] == side]["ic_s"]
        d = np.abs(e.to_numpy()[:, None] - r.to_numpy()[None, :])
        cand = np.argwhere(d <= tolerance_s)
        order = np.argsort(d[cand[:, 0], cand[:, 1]], kind="stable")
        used_e, used_r = set(), set()
        for i, j in cand[order]:
            if i not in used_e and j not in used_r:
                used_e.add(i)
                used_r.add(j)
                pairs.append((e.index[i], r.index[j]))
    return pairs


def score_strides(estimated: pd.DataFrame, reference: pd.DataFrame, *,
                  tolerance_s: float = 0.15, within_reference_span: bool = True) -> dict:
    """Detection and per-metric agreement of ``estimated`` strides with ``reference`` strides.

    Returns a dict with ``detection`` (counts, precision, recall, F1 and pass), ``metrics``
    (a DataFrame indexed by metric label: unit, n, bias, mae, sd, target, result), ``matches``
    (one row per pair, with ``turning``) and ``markdown`` (the table, see :func:`render_markdown`).
    """
    est = estimated.reset_index(drop=True)
    ref = reference.reset_index(drop=True).copy()
    if "turning" not in ref:
        ref["turning"] = False
    ref["turning"] = ref["turning"].fillna(False).astype(bool)
    pairs = match_strides(est, ref, tolerance_s)
    matches = pd.DataFrame(pairs, columns=["est", "ref"], dtype=int)
    matches["side"] = ref.loc[matches["ref"], "side"].to_numpy()
    matches["turning"] = ref.loc[matches["ref"], "turning"].to_numpy()

    straight = ref[~ref["turning"]]
    tp_pairs = matches[~matches["turning"]]
    matched_est = set(matches["est"])
    fp = 0
    for i, row in est.iterrows():
        if i in matched_est:
            continue
        same = ref[ref["side"] == row["side"]]
        if same.empty:
            fp += int(not within_reference_span)
            continue
        end = same["next_ic_s"] if "next_ic_s" in same else same["ic_s"]
        t = row["ic_s"]
        if within_reference_span and not (same["ic_s"].min() - tolerance_s <= t
                                          <= end.max() + tolerance_s):
            continue
        turning = same[same["turning"]]
        if "next_ic_s" in turning and ((turning["ic_s"] <= t) & (t < turning["next_ic_s"])).any():
            continue
        fp += 1
    tp = len(tp_pairs)
    fn = len(straight) - tp
    precision = tp / (tp + fp) if tp + fp else float("nan")
    recall = tp / len(straight) if len(straight) else float("nan")
    f1 = (2 * precision * recall / (precision + recall)
          if precision + recall > 0 else float("nan"))
    detection = {"tp": tp, "fp": fp, "fn": fn, "n_reference": len(straight),
                 "n_reference_turning": int(ref["turning"].sum()),
                 "precision": precision, "recall": recall, "f1": f1,
                 "target": f"F1 ≥ {F1_TARGET:.0%}",
                 "pass": bool(np.isfinite(f1) and f1 >= F1_TARGET)}

    e_rows = est.loc[tp_pairs["est"]].reset_index(drop=True)
    r_rows = ref.loc[tp_pairs["ref"]].reset_index(drop=True)
    rows = []
    for m in METRICS:
        if m.column not in e_rows or m.column not in r_rows:
            err = np.array([])
        else:
            err = (e_rows[m.column].to_numpy(float) - r_rows[m.column].to_numpy(float)) * m.scale
            err = err[np.isfinite(err)]
            matches.loc[tp_pairs.index, "d_" + m.column] = (
                e_rows[m.column].to_numpy(float) - r_rows[m.column].to_numpy(float))
        stats = {"bias": err.mean() if len(err) else np.nan,
                 "mae": np.abs(err).mean() if len(err) else np.nan,
                 "sd": err.std(ddof=1) if len(err) > 1 else np.nan}
        if not m.targets:
            result = "—"
        elif len(err) == 0:
            result = "no data"
        else:
            ok = all((abs(stats["bias"]) if k == "abs_bias" else stats[k]) <= v
                     for k, v in m.targets.items())
            result = "pass" if ok else "fail"
        target = ", ".join(_TARGET_TEXT[k].format(v) for k, v in m.targets.items()) or "—"
        rows.append({"metric": m.label, "unit": m.unit, "n": len(err), **stats,
                     "target": target, "result": result})
    metrics = pd.DataFrame(rows).set_index("metric")
    out = {"detection": detection, "metrics": metrics, "matches": matches}
    out["markdown"] = render_markdown(out)
    return out


def _fmt(x: float, digits: int = 2) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def render_markdown(score: dict) -> str:
    """The score as a markdown table with targets and a pass/fail column."""
    d = score["detection"]
    lines = ["| metric | unit | n | bias | MAE | SD | target | result |",
             "|---|---|---:|---:|---:|---:|---|---|"]
    lines.append(
        f"| stride detection | % | {d['n_reference']} | precision {_fmt(100 * d['precision'], 1)}"
        f" | recall {_fmt(100 * d['recall'], 1)} | F1 {_fmt(100 * d['f1'], 1)} | {d['target']}"
        f" | {'pass' if d['pass'] else 'fail'} |")
    for name, r in score["metrics"].iterrows():
        lines.append(f"| {name} | {r['unit']} | {r['n']} | {_fmt(r['bias'])} | {_fmt(r['mae'])}"
                     f" | {_fmt(r['sd'])} | {r['target'].replace('|', _PIPE)} | {r['result']} |")
    lines.append("")
    lines.append(f"TP {d['tp']}, FP {d['fp']}, FN {d['fn']}; straight reference strides "
                 f"{d['n_reference']}, turning reference strides excluded "
                 f"{d['n_reference_turning']}. Errors are estimate − reference.")
    return "\n".join(lines)


def write_section(path: str | Path, text: str, start: str, end: str,
                  title: str = "# Validation\n") -> None:
    """Put ``text`` (which begins with ``start`` and ends with ``end``) in place of the marked
    section of a markdown file, or append it when the markers are absent; a missing file is
    created with ``title``. Other sections are kept; the file is replaced atomically."""
    path = Path(path)
    old = path.read_text() if path.exists() else title
    if start in old and end in old and old.index(start) < old.index(end):
        head, rest = old.split(start, 1)
        new = head + text + rest.split(end, 1)[1]
    else:
        new = old.rstrip("\n") + "\n\n" + text + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(new)
    tmp.replace(path)
