"""Several sessions of one person: the trend figure and table, against the MCIDs."""

from __future__ import annotations

import numpy as np

from footdrop.assess.compare import METRICS, SessionComparison
from footdrop.report.model import Table, fmt
from footdrop.report.plots import GREY, SIDES, STYLE, WIDTH_IN, _plt, to_png
from footdrop.report.session import SessionData

#: Metrics of the trend, in order.
TREND_METRICS = ("gait_speed_mps", "foot_strike_angle_deg", "min_toe_clearance_m",
                 "toe_scuff_rate")


def session_medians(sessions: list[SessionData]) -> dict[str, dict[str, list[float]]]:
    """Per metric and side, the value of each session (medians; rates as fractions), as
    footdrop.assess.compare computes them (level-walking strides)."""
    out: dict[str, dict[str, list[float]]] = {m: {s: [] for s in SIDES} for m in TREND_METRICS}
    for sess in sessions:
        comp = SessionComparison(n_boot=100, metrics=list(TREND_METRICS)).compare(
            sess.strides, sess.strides)
        for r in comp.changes_.to_dict("records"):
            out[r["metric"]][r["side"]].append(float(r["median_a"]))
    return out


def mcid_of(metric: str, baseline: float) -> float:
    """The smallest MCID of ``metric`` for a baseline value (as in footdrop.assess.compare)."""
    values = [t.absolute(baseline) for t in METRICS[metric].thresholds]
    values = [v for v in values if v > 0 and np.isfinite(v)]
    return min(values) if values else float("nan")


def trend_figure(sessions: list[SessionData]) -> bytes:
    """Change since the first session per metric and foot, with the ±MCID band shaded: a
    point outside the band is a change larger than the minimal clinically important one."""
    med = session_medians(sessions)
    labels = [s.label for s in sessions]
    plt = _plt()
    fig, axes = plt.subplots(1, len(TREND_METRICS), figsize=(WIDTH_IN, 2.5))
    x = np.arange(len(sessions))
    for ax, name in zip(axes, TREND_METRICS, strict=True):
        m = METRICS[name]
        scale = 100.0 if m.rate else m.scale
        mcids = [mcid_of(name, med[name][s][0]) for s in SIDES if med[name][s]]
        mcid = min(v for v in mcids if np.isfinite(v)) if any(np.isfinite(mcids)) else np.nan
        if np.isfinite(mcid):
            ax.axhspan(-mcid * scale, mcid * scale, color=GREY, alpha=0.7, lw=0)
        for side in SIDES:
            vals = np.asarray(med[name][side], float)
            if not len(vals) or not np.isfinite(vals[0]):
                continue
            st = STYLE[side]
            ax.plot(x, (vals - vals[0]) * scale, color=st["color"], ls=st["ls"],
                    marker=st["marker"], ms=5, lw=1.5, label=st["label"])
        ax.axhline(0, color="#888888", lw=0.6)
        unit = "pp" if m.rate else m.change_unit.strip() or m.unit
        better = "higher" if m.better > 0 else "lower"
        title = "Scuff rate" if name == "toe_scuff_rate" else (m.short or m.label)
        ax.set_title(f"{title[0].upper()}{title[1:]} ({unit})")
        ax.set_xticks(x, labels, rotation=30 if len(sessions) > 3 else 0, ha="right"
                      if len(sessions) > 3 else "center", fontsize=7)
        ax.text(0.02, 0.02, f"better: {better}", transform=ax.transAxes, fontsize=7,
                color="#333333")
        lim = max(np.nanmax(np.abs(ax.get_ylim())), 1.6 * mcid * scale if np.isfinite(mcid)
                  else 0)
        ax.set_ylim(-lim, lim)
        ax.set_xlim(-0.4, len(sessions) - 0.6)
    axes[0].set_ylabel("change since first session")
    from matplotlib.patches import Patch

    handles = [Patch(color=GREY, alpha=0.7, label="within the MCID of the first session")]
    handles += axes[0].get_legend_handles_labels()[0]
    fig.legend(handles=handles, loc="upper center", ncol=3, frameon=False, fontsize=7.5)
    fig.tight_layout(rect=(0, 0, 1, 0.88))
    return to_png(fig)


def trend_table(sessions: list[SessionData],
                comparisons: list[SessionComparison | None]) -> Table:
    """One row per session: date and the medians per foot; the change from the previous
    session marked where it passes the MCID (▲ better, ▼ worse)."""
    med = session_medians(sessions)
    columns = ["Session", "Date"]
    for name in TREND_METRICS:
        m = METRICS[name]
        unit = "%" if m.rate else m.shown.strip()
        label = m.short or m.label
        label = label[0].upper() + label[1:]
        columns += [f"{label} L ({unit})", f"R ({unit})"]
    rows = []
    for i, sess in enumerate(sessions):
        row = [sess.label, sess.date.isoformat() if sess.date else "not given"]
        comp = comparisons[i] if i < len(comparisons) else None
        for name in TREND_METRICS:
            m = METRICS[name]
            scale = 100.0 if m.rate else m.scale
            for side in SIDES:
                text = fmt(med[name][side][i], m.decimals, scale)
                if comp is not None:
                    r = comp.changes_[(comp.changes_["side"] == side)
                                      & (comp.changes_["metric"] == name)]
                    if len(r) and bool(r["passes_mcid"].iloc[0]):
                        text += " ▲" if r["direction"].iloc[0] == "better" else " ▼"
                row.append(text)
        rows.append(row)
    return Table(title="Sessions", columns=columns, rows=rows, flags=[False] * len(rows),
                 id="trend-table", align="ll" + "r" * (len(columns) - 2),
                 note="Medians over level-walking strides (toe scuffs: % of strides). ▲ / ▼: "
                      "better / worse than the previous session beyond the MCID, with the "
                      "whole 95% confidence interval of the change beyond it.")
