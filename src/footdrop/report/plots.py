"""The report's figures (matplotlib, Agg), each rendered to PNG bytes.

Readable in black and white: the left foot is a solid line with circles, the right foot a
dashed line with squares (blue and vermillion of the Okabe-Ito colour-blind-safe palette on
screen); normal ranges are grey. Every figure is 7 inches wide (the text width of an A4
page) at 150 dpi and reduced to an indexed palette, so a report stays small.
"""

from __future__ import annotations

import io
from typing import Any

import numpy as np
import pandas as pd

from footdrop.assess.norms import NORMS
from footdrop.report.reference import NormalBand

SIDES = ("left", "right")
STYLE = {"left": {"color": "#0072B2", "ls": "-", "marker": "o", "label": "Left"},
         "right": {"color": "#D55E00", "ls": "--", "marker": "s", "label": "Right"}}
GREY = "#c8c8c8"
WIDTH_IN = 7.0
DPI = 150


def _plt():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    plt.rcParams.update({
        "font.size": 8.5, "axes.titlesize": 9, "axes.labelsize": 8.5, "legend.fontsize": 8,
        "xtick.labelsize": 8, "ytick.labelsize": 8, "axes.spines.top": False,
        "axes.spines.right": False, "axes.grid": True, "grid.color": "#e6e6e6",
        "grid.linewidth": 0.6, "axes.edgecolor": "#555555", "font.family": "DejaVu Sans",
        "svg.hashsalt": "footdrop", "axes.titleweight": "bold", "axes.titlelocation": "left",
        "hatch.linewidth": 0.6,
    })
    return plt


def to_png(fig) -> bytes:
    """PNG bytes of ``fig`` (closed afterwards), quantised to a 128-colour palette."""
    from PIL import Image

    plt = _plt()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, facecolor="white",
                metadata={"Software": None})
    plt.close(fig)
    img = Image.open(io.BytesIO(buf.getvalue())).convert("RGB")
    out = io.BytesIO()
    img.quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        out, format="PNG", optimize=True)
    return out.getvalue()


def _mean_sd(curves: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    ok = np.isfinite(curves).all(axis=1)
    c = curves[ok].astype(float)
    if not len(c):
        return np.full(curves.shape[1], np.nan), np.full(curves.shape[1], np.nan), 0
    return c.mean(axis=0), c.std(axis=0), int(ok.sum())


def _level_mask(strides: pd.DataFrame, side: str) -> np.ndarray:
    mask = (strides["side"] == side).to_numpy(copy=True)
    if "level_walking" in strides:
        level = strides["level_walking"].astype(str).str.strip().str.lower()
        mask &= level.isin(["true", "1", "1.0"]).to_numpy()
    return mask


def _side_curve(ax, x, mean, sd, side: str) -> None:
    st = STYLE[side]
    ax.fill_between(x, mean - sd, mean + sd, color=st["color"], alpha=0.16, lw=0)
    for y in (mean - sd, mean + sd):
        ax.plot(x, y, color=st["color"], lw=0.6, ls=":")
    ax.plot(x, mean, color=st["color"], ls=st["ls"], lw=1.8, marker=st["marker"],
            markevery=5, ms=4, label=f"{st['label']}: mean ± SD")


def pitch_figure(strides: pd.DataFrame, curves: dict[str, np.ndarray], band: NormalBand,
                 speed: dict[str, float | None]) -> bytes | None:
    """Sole pitch over the gait cycle (IC to IC), per foot, over the healthy band."""
    if curves is None:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH_IN, 2.6), sharey=True)
    x = np.asarray(curves["cycle_pct"], float)
    for ax, side in zip(axes, SIDES, strict=True):
        _band(ax, x, band.pitch_mean, band.pitch_sd)
        mask = _level_mask(strides, side)
        mean, sd, n = _mean_sd(np.asarray(curves["pitch_deg"])[mask])
        lo, hi = NORMS["foot_strike_angle_deg"].range(speed.get(side))
        for xpos in (0, 100):
            ax.errorbar(xpos, 0.5 * (lo + hi), yerr=0.5 * (hi - lo), color="#444444",
                        capsize=4, lw=2.2, capthick=1.5, zorder=5)
        if n:
            _side_curve(ax, x, mean, sd, side)
            fc = strides.loc[mask, "stance_time_s"] / strides.loc[mask, "stride_time_s"]
            ax.axvline(100 * float(fc.median()), color="#555555", lw=0.8, ls="-.")
            ax.text(100 * float(fc.median()) + 1.5, 0.96, "toe-off", va="top", fontsize=7.5,
                    transform=ax.get_xaxis_transform(), color="#333333")
        else:
            _no_data(ax)
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_title(f"{STYLE[side]['label']} foot ({n} strides)")
        ax.set_xlabel("gait cycle (% from initial contact)")
        ax.set_xlim(-3, 103)
    axes[0].set_ylabel("sole pitch (°, toes up +)")
    _legend(fig, axes, "healthy band (simulated, ±2 SD)", extra="normal strike angle range")
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return to_png(fig)


#: The simulated healthy band is hatched (the measured normal ranges are plain grey), so it
#: stays apart from the patient's SD band in black and white.
BAND = {"facecolor": "#e4e4e4", "edgecolor": "#a6a6a6", "hatch": "////", "lw": 0}


def _no_data(ax) -> None:
    ax.text(0.5, 0.5, "no strides", transform=ax.transAxes, ha="center", va="center",
            fontsize=9, bbox={"facecolor": "white", "edgecolor": "#888888", "pad": 4})


def _band(ax, x, mean, sd) -> None:
    ax.fill_between(x, mean - 2 * sd, mean + 2 * sd, label="_band", **BAND)


def _legend(fig, axes, band_label: str, extra: str | None = None) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Patch(label=band_label, **BAND)]
    if extra:
        handles.append(Line2D([], [], color="#444444", marker="|", ms=11, mew=2.2, lw=0,
                              label=extra))
    for side in SIDES:
        st = STYLE[side]
        handles.append(Line2D([], [], color=st["color"], ls=st["ls"], marker=st["marker"],
                              ms=4, lw=1.8, label=f"{st['label']}: mean ± SD"))
    fig.legend(handles=handles, loc="upper center", ncol=len(handles), frameon=False,
               fontsize=7.5, handlelength=2.6, columnspacing=1.2)


def toe_figure(strides: pd.DataFrame, curves: dict[str, np.ndarray],
               band: NormalBand) -> bytes | None:
    """Toe height over swing (FC to IC), per foot, over the healthy band."""
    if curves is None:
        return None
    plt = _plt()
    fig, axes = plt.subplots(1, 2, figsize=(WIDTH_IN, 2.6), sharey=True)
    x = np.asarray(curves["swing_pct"], float)
    for ax, side in zip(axes, SIDES, strict=True):
        _band(ax, x, 1000 * band.toe_mean, 1000 * band.toe_sd)
        mean, sd, n = _mean_sd(1000 * np.asarray(curves["toe_height_m"])[_level_mask(strides,
                                                                                     side)])
        if n:
            _side_curve(ax, x, mean, sd, side)
        else:
            _no_data(ax)
        ax.axhline(0, color="#888888", lw=0.6)
        ax.set_title(f"{STYLE[side]['label']} foot ({n} strides)")
        ax.set_xlabel("swing (% from toe-off to initial contact)")
        ax.set_xlim(0, 100)
    axes[0].set_ylabel("toe height (mm)")
    _legend(fig, axes, "healthy band (simulated, ±2 SD)")
    fig.tight_layout(rect=(0, 0, 1, 0.9))
    return to_png(fig)


def mtc_figure(strides: pd.DataFrame) -> bytes | None:
    """Minimum toe clearance of every stride, per foot, against the normal range. Values
    beyond the axis (a sole point far below the floor is a scuff or an error) are drawn
    at its edge as triangles and counted."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    plt = _plt()
    fig, ax = plt.subplots(figsize=(WIDTH_IN, 2.0))
    lo, hi = NORMS["min_toe_clearance_m"].range(None)
    ax.axvspan(1000 * lo, 1000 * hi, color=GREY, alpha=0.7, lw=0)
    all_mtc = 1000 * strides["min_toe_clearance_m"].to_numpy(float)
    all_mtc = all_mtc[np.isfinite(all_mtc)]
    x0 = max(-30.0, min(-10.0, float(all_mtc.min()) if all_mtc.size else 0.0))
    x1 = min(80.0, max(30.0, float(all_mtc.max()) if all_mtc.size else 0.0))
    rng = np.random.default_rng(0)
    labels = []
    for k, side in enumerate(SIDES):
        y = 1 - k
        st = STYLE[side]
        rows = strides[strides["side"] == side]
        mtc = 1000 * rows["min_toe_clearance_m"].to_numpy(float)
        ok = np.isfinite(mtc)
        scuff = rows["toe_scuff"].fillna(0).to_numpy(float) > 0
        if ok.any():
            _hbox(ax, mtc[ok], y, st["color"])
        jitter = y + rng.uniform(-0.17, 0.17, len(mtc))
        shown = np.clip(mtc, x0, x1)
        inside = ok & (mtc >= x0) & (mtc <= x1)
        ax.scatter(shown[inside & ~scuff], jitter[inside & ~scuff], s=10, color=st["color"],
                   marker=st["marker"], alpha=0.6, lw=0)
        ax.scatter(shown[inside & scuff], jitter[inside & scuff], s=24, color="black",
                   marker="x", lw=1.0)
        for edge, marker in ((mtc < x0, "<"), (mtc > x1, ">")):
            if (edge & ok).any():
                ax.scatter(shown[edge & ok], jitter[edge & ok], s=28, color="black",
                           marker=marker, lw=0)
        outside = int((ok & ((mtc < x0) | (mtc > x1))).sum())
        labels.append(f"{st['label']}\n{int(ok.sum())} of {len(mtc)} strides"
                      + (f"\n({outside} off the scale)" if outside else ""))
    ax.set_xlim(x0 - 1, x1 + 1)
    ax.set_yticks([1, 0], labels)
    ax.set_ylim(-0.55, 1.55)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel("minimum toe clearance (mm)")
    handles = [Patch(color=GREY, alpha=0.7, label="normal range"),
               Line2D([], [], color="black", marker="x", lw=0, label="stride with a toe scuff"),
               Line2D([], [], color="black", marker="<", lw=0, label="off the scale")]
    ax.legend(handles=handles, loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3,
              frameon=False, fontsize=7.5)
    fig.tight_layout()
    return to_png(fig)


def _hbox(ax, values: np.ndarray, y: float, colour: str) -> None:
    """A horizontal box plot (median, quartiles, 5-95 % whiskers)."""
    kw = dict(positions=[y], widths=0.5, showfliers=False, whis=(5, 95),
              medianprops={"color": "black", "lw": 1.8}, boxprops={"color": colour},
              whiskerprops={"color": colour}, capprops={"color": colour})
    try:
        ax.boxplot(values, orientation="horizontal", **kw)  # matplotlib >= 3.10
    except TypeError:
        ax.boxplot(values, vert=False, **kw)


def bins_for(span_s: float) -> tuple[float, str]:
    """Bin width (s) and its name for the across-the-walk figure."""
    if span_s >= 180:
        return 60.0, "minute"
    width = float(max(10, int(round(span_s / 6 / 10)) * 10))
    return width, f"{width:.0f} s"


def walk_figure(strides: pd.DataFrame) -> tuple[bytes | None, str]:
    """Median speed, stride length and MTC per minute (per shorter bin in short walks)."""
    level = strides[_level_mask(strides, "left") | _level_mask(strides, "right")]
    if len(level) < 4:
        return None, ""
    t0 = float(level["ic_s"].min())
    width, name = bins_for(float(level["ic_s"].max()) - t0)
    plt = _plt()
    fig, axes = plt.subplots(1, 3, figsize=(WIDTH_IN, 2.3))
    scale = 60.0 if width >= 60 else 1.0
    # each panel spans at least a minimum range (here ±10% of a median speed or length,
    # 10 mm of MTC), so that noise in a steady walk does not look like a trend
    for ax, (col, label, mult, span) in zip(
            axes, (("gait_speed_mps", "speed (m/s)", 1.0, 0.2),
                   ("stride_length_m", "stride length (m)", 1.0, 0.2),
                   ("min_toe_clearance_m", "MTC (mm)", 1000.0, None)), strict=True):
        for side in SIDES:
            rows = level[level["side"] == side]
            if not len(rows):
                continue
            k = np.floor((rows["ic_s"].to_numpy(float) - t0) / width)
            med = rows.groupby(k)[col].median() * mult
            st = STYLE[side]
            ax.plot((med.index + 0.5) * width / scale, med.to_numpy(), color=st["color"],
                    ls=st["ls"], marker=st["marker"], ms=4, lw=1.5, label=st["label"])
        ax.set_title(label[0].upper() + label[1:])
        ax.set_xlabel("walking time (min)" if scale == 60 else "walking time (s)")
        lo, hi = ax.get_ylim()
        mid = float(level[col].median()) * mult
        need = 10.0 if span is None else span * abs(mid)
        if np.isfinite(need) and hi - lo < need:
            centre = 0.5 * (lo + hi)
            ax.set_ylim(centre - need / 2, centre + need / 2)
    axes[0].legend(frameon=False, fontsize=7.5)
    fig.tight_layout()
    return to_png(fig), name


#: Axis range per metric of the left-right figure (display units), widened to the data: a
#: fixed clinical scale, so that a small side difference does not look large.
LR_AXES = {"gait_speed_mps": (0.0, 2.0), "stride_length_m": (0.0, 2.0),
           "foot_strike_angle_deg": (-20.0, 40.0), "mid_swing_pitch_deg": (-40.0, 10.0),
           "min_toe_clearance_m": (-10.0, 40.0), "max_toe_clearance_m": (0.0, 200.0),
           "lateral_excursion_m": (0.0, 15.0)}


def left_right_figure(summary: dict[str, Any]) -> bytes | None:
    """Left against right for the key metrics, each over its normal range."""
    from footdrop.report.model import KEY_METRICS

    sides = summary["sides"]
    speeds = {s: ((sides.get(s) or {}).get("median") or {}).get("gait_speed_mps") for s in SIDES}
    from matplotlib.ticker import MaxNLocator

    metrics = [m for m in KEY_METRICS
               if any(((sides.get(s) or {}).get("median") or {}).get(m.key) is not None
                      for s in SIDES)]
    if not metrics:
        return None
    plt = _plt()
    fig, axes = plt.subplots(len(metrics), 1, figsize=(WIDTH_IN, 0.4 * len(metrics) + 0.45))
    axes = np.atleast_1d(axes)
    for ax, m in zip(axes, metrics, strict=True):
        vals = {s: ((sides.get(s) or {}).get("median") or {}).get(m.key) for s in SIDES}
        xs = [v * m.scale for v in vals.values() if v is not None]
        if m.norm:
            for s, v in speeds.items():
                lo, hi = NORMS[m.norm].range(v)
                ax.axvspan(lo * m.scale, hi * m.scale, ymin=0.1 if s == "right" else 0.5,
                           ymax=0.5 if s == "right" else 0.9, color=GREY, alpha=0.7, lw=0)
                xs += [lo * m.scale, hi * m.scale]
        for k, s in enumerate(SIDES):
            if vals[s] is not None:
                st = STYLE[s]
                ax.plot(vals[s] * m.scale, 0.7 - 0.4 * k, marker=st["marker"], ms=7,
                        color=st["color"], lw=0)
        a, b = LR_AXES.get(m.key, (min(xs), max(xs)))
        a, b = min([a, *xs]), max([b, *xs])
        pad = 0.03 * ((b - a) or 1.0)
        ax.set_xlim(a - pad, b + pad)
        ax.xaxis.set_major_locator(MaxNLocator(7))
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.grid(axis="y", visible=False)
        ax.spines["left"].set_visible(False)
        unit = m.unit.strip()
        label = "Toe lift before landing" if m.key == "max_toe_clearance_m" else m.label
        ax.set_ylabel(f"{label} ({unit})", rotation=0, ha="right", va="center", fontsize=8)
        text = "   ".join(f"{STYLE[s]['label'][0]} {m.text(vals[s])}" for s in SIDES)
        ax.text(1.01, 0.5, text, transform=ax.transAxes, va="center", fontsize=7.5)
    _lr_legend(fig)
    fig.tight_layout(rect=(0, 0, 1, 0.93), h_pad=0.3)
    return to_png(fig)


def _lr_legend(fig) -> None:
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles = [Line2D([], [], color=STYLE[s]["color"], marker=STYLE[s]["marker"], lw=0,
                      label=f"{STYLE[s]['label']} (upper)" if s == "left"
                      else f"{STYLE[s]['label']} (lower)") for s in SIDES]
    handles.append(Patch(color=GREY, alpha=0.7, label="normal range at that foot's speed"))
    fig.legend(handles=handles, loc="upper center", ncol=3, frameon=False, fontsize=7.5)
