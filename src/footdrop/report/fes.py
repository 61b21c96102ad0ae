"""The report's FES section: stimulation bursts logged by ``footdrop stream --log`` set
against the strides that ``footdrop analyze`` found in the same recording.

A session folder may hold one burst log per side, ``bursts*.csv`` (for example
``bursts_left.csv`` and ``bursts_right.csv``), with at least the columns ``side, on_s,
off_s, reason`` on the recording's clock. A burst belongs to the swing (toe-off ``fc_s`` to
the next IC ``next_ic_s``) whose window ``[fc_s - 0.6 s, next_ic_s)`` holds its start, as
in the real-time validation (``footdrop.realtime.evaluate``).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from footdrop.errors import ReadError
from footdrop.report.model import Table, fmt

SIDES = ("left", "right")
REQUIRED = ("side", "on_s", "off_s", "reason")
#: Burst ends that are faults or the end of the data, not a gait decision.
FAULTS = ("dropout", "invalid", "saturation", "stuck")
BEFORE_S = 0.6  # a burst may start this long before toe-off (heel-off trigger)
_FIX = ("write the log with footdrop stream --replay RECORDING --side SIDE --log "
        "SESSION/bursts_SIDE.csv")


def read_bursts(folder: str | Path) -> pd.DataFrame | None:
    """The burst logs ``bursts*.csv`` of a session folder, or None when it has none.

    Raises :class:`ReadError` naming the file for an unreadable log, a missing column, a
    side other than left/right, times that are not numbers or end before they start, and a
    side logged in two files.
    """
    files = sorted(Path(folder).glob("bursts*.csv"))
    if not files:
        return None
    frames, seen = [], {}
    for f in files:
        try:
            d = pd.read_csv(f)
        except (OSError, ValueError, pd.errors.ParserError) as err:
            raise ReadError(f"the burst log is not a readable CSV file ({err})", file=f,
                            fix=_FIX) from None
        missing = [c for c in REQUIRED if c not in d.columns]
        if missing:
            raise ReadError(f"the burst log has no column {', '.join(missing)}", file=f,
                            fix=_FIX)
        sides = set(d["side"].astype(str))
        if sides - set(SIDES):
            raise ReadError(f"the burst log names side(s) {sorted(sides - set(SIDES))}",
                            file=f, fix="use left or right in the side column")
        on = pd.to_numeric(d["on_s"], errors="coerce").to_numpy(float)
        off = pd.to_numeric(d["off_s"], errors="coerce").to_numpy(float)
        bad = ~np.isfinite(on) | ~np.isfinite(off) | (off < on)
        if bad.any():
            raise ReadError(f"{int(bad.sum())} burst(s) have no valid on_s/off_s (first at "
                            f"row {int(np.flatnonzero(bad)[0]) + 2})", file=f, fix=_FIX)
        for s in sides:
            if s in seen:
                raise ReadError(f"the {s} side is logged in two files ({seen[s].name} and "
                                f"{f.name})", file=f, fix="keep one burst log per side")
            seen[s] = f
        trigger = d["trigger"].astype(str) if "trigger" in d else "not logged"
        frames.append(pd.DataFrame({"side": d["side"].astype(str), "on_s": on, "off_s": off,
                                    "reason": d["reason"].astype(str), "trigger": trigger}))
    return pd.concat(frames, ignore_index=True).sort_values(["side", "on_s"],
                                                            ignore_index=True)


def assign(strides: pd.DataFrame, bursts: pd.DataFrame, side: str) -> pd.DataFrame:
    """One row per swing of ``side`` (strides with a toe-off and a next IC, in time order):
    ``fc_s, next_ic_s, level, on_s, off_s, reason`` of its burst (NaN / "" if none)."""
    st = strides[strides["side"] == side]
    st = st[np.isfinite(st["fc_s"]) & np.isfinite(st["next_ic_s"])].sort_values("fc_s")
    fc, ic = st["fc_s"].to_numpy(float), st["next_ic_s"].to_numpy(float)
    b = bursts[bursts["side"] == side]
    on = np.r_[b["on_s"].to_numpy(float), np.inf]  # a sentinel: no burst
    off = np.r_[b["off_s"].to_numpy(float), np.nan]
    why = np.append(b["reason"].to_numpy(str), "")
    lo = np.maximum(fc - BEFORE_S, np.r_[-np.inf, ic[:-1]])
    k = np.searchsorted(on, lo)  # the first burst starting in each window
    k = np.where(on[k] < ic, k, len(on) - 1)
    level = st["level_walking"].to_numpy(bool) if "level_walking" in st \
        else np.ones(len(fc), bool)
    return pd.DataFrame({"fc_s": fc, "next_ic_s": ic, "level": level, "on_s": on[k],
                         "off_s": off[k], "reason": why[k]}).replace({"on_s": {np.inf: np.nan}})


def fes_headline(strides: pd.DataFrame, bursts: pd.DataFrame) -> str:
    """One sentence for the summary: the share of level-walking swings stimulated."""
    parts = []
    for side in SIDES:
        if not (bursts["side"] == side).any():
            continue
        lv = assign(strides, bursts, side)
        lv = lv[lv["level"]]
        if len(lv):
            hit = int(lv["on_s"].notna().sum())
            parts.append(f"{side} {hit} of {len(lv)} ({100 * hit / len(lv):.0f}%)")
    return ("FES: level-walking swings stimulated: " + ", ".join(parts) + ".") if parts \
        else "FES: the burst log holds no swing of this recording."


def _median_ms(x: np.ndarray) -> str:
    x = x[np.isfinite(x)]
    return fmt(float(np.median(x)) if len(x) else None, 0, 1000.0, " ms")


def fes_table(strides: pd.DataFrame, bursts: pd.DataFrame) -> Table:
    """Per side: bursts and how they ended, level swings stimulated, and the timing of the
    stimulation against toe-off and the next IC."""
    labels = ["Trigger", "Bursts", "· ended at initial contact (+ extension)", "· ended by the cap",
              "· ended as no step (cancel) or walking stopped (disarm)",
              "· ended by sensor loss, a bad signal or the end of the data",
              "Level-walking swings stimulated", "Start before toe-off (median)",
              "End after initial contact (median)", "Swing time stimulated (median)",
              "Burst duration (median)", "Bursts outside any swing"]
    cols = {}
    for side in SIDES:
        b = bursts[bursts["side"] == side]
        if not len(b):
            cols[side] = ["no log"] * 2 + [""] * (len(labels) - 2)
            continue
        reason = b["reason"]
        sw = assign(strides, bursts, side)
        lv = sw[sw["level"]]
        hit = lv["on_s"].notna()
        fc, ic = lv["fc_s"].to_numpy(float), lv["next_ic_s"].to_numpy(float)
        on, off = lv["on_s"].to_numpy(float), lv["off_s"].to_numpy(float)
        covered = (np.minimum(off, ic) - np.maximum(on, fc)).clip(min=0) / (ic - fc)
        at_ic = lv["reason"] == "ic"
        used = len(sw["on_s"].dropna())
        trig = b["trigger"].unique() if "trigger" in b else ["not logged"]
        cols[side] = [
            ", ".join(sorted(map(str, trig))), str(len(b)),
            str(int((reason == "ic").sum())), str(int((reason == "cap").sum())),
            str(int(reason.isin(["cancel", "disarm"]).sum())),
            str(int(reason.isin(FAULTS).sum())),
            f"{int(hit.sum())} of {len(lv)}" + (f" ({100 * hit.mean():.0f} %)" if len(lv)
                                                 else ""),
            _median_ms(fc - on), _median_ms((off - ic)[at_ic.to_numpy()]),
            fmt(float(np.nanmedian(covered)) if hit.any() else None, 0, 100.0, " %"),
            _median_ms((b["off_s"] - b["on_s"]).to_numpy(float)), str(len(b) - used)]
    rows = [[lab, cols["left"][i], cols["right"][i]] for i, lab in enumerate(labels)]
    return Table(
        "Functional electrical stimulation (FES)", ["", "Left", "Right"], rows, id="fes",
        align="lrr",
        note="From the burst log of footdrop stream on this recording. A burst belongs to the "
             "swing it starts in (up to 0.6 s before toe-off, for a heel-off trigger). The "
             "end after initial contact includes the configured extension; the start and "
             "end are the engine's decisions (the start of the ramps).")


def fes_figure(strides: pd.DataFrame, bursts: pd.DataFrame) -> bytes | None:
    """Every swing as a row: the swing (grey, toe-off to IC) and its burst (coloured), in
    time from toe-off. A burst that covers its grey bar stimulated the whole swing."""
    from footdrop.report.plots import GREY, STYLE, WIDTH_IN, _plt, to_png

    data = {s: assign(strides, bursts, s) for s in SIDES if (bursts["side"] == s).any()}
    data = {s: d for s, d in data.items() if len(d)}
    if not data:
        return None
    plt = _plt()
    n = max(len(d) for d in data.values())
    fig, axes = plt.subplots(1, len(data), figsize=(WIDTH_IN, min(6.5, 1.6 + 0.045 * n)),
                             sharey=True, squeeze=False)
    for ax, (side, d) in zip(axes[0], data.items(), strict=True):
        y = np.arange(len(d))
        swing = (d["next_ic_s"] - d["fc_s"]).to_numpy(float)
        ax.barh(y, swing, left=0.0, height=0.8, color=GREY, label="swing (toe-off to IC)")
        on = (d["on_s"] - d["fc_s"]).to_numpy(float)
        dur = (d["off_s"] - d["on_s"]).to_numpy(float)
        ok = np.isfinite(on)
        ax.barh(y[ok], dur[ok], left=on[ok], height=0.35, color=STYLE[side]["color"],
                label="burst (ON to OFF)")
        miss = ~ok & d["level"].to_numpy(bool)
        if miss.any():
            ax.plot(np.zeros(int(miss.sum())), y[miss], "x", color="black", ms=4,
                    label="level swing without a burst")
        ax.axvline(0.0, color="#555555", lw=0.8)
        ax.set_xlim(-BEFORE_S, max(0.9, float(np.nanmax(swing)) + 0.15))
        ax.set_title(f"{STYLE[side]['label']} foot: {int(ok.sum())} of {len(d)} swings")
        ax.set_xlabel("time from toe-off (s)")
        ax.invert_yaxis()
        ax.grid(axis="y", visible=False)
    axes[0][0].set_ylabel("swing, in walking order")
    handles, names = axes[0][0].get_legend_handles_labels()
    fig.legend(handles, names, loc="lower center", ncol=3, frameon=False)
    fig.tight_layout(rect=(0, 0.08, 1, 1))
    return to_png(fig)
