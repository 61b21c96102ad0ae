"""Shank sensor and knee of the gait simulator around toe-off, against the simulator's truth.

For each speed and foot-drop severity, a noiseless walk at 1 kHz with shank sensors; per
steady swing (level walking, not the first or last stride of a side):

* ``lag_ms``: time of the shank's pre-swing forward-rotation peak (largest sagittal rate
  ``gyr_y`` between mid-stance and the swing's backward-rotation trough) minus the true
  toe-off (FC), ms. Shank-gyroscope toe-off detectors take this extremum for toe-off;
* ``rerotation_dps``: after FC, the largest rise of ``gyr_y`` above its running minimum
  before the swing trough (0 when the shank only turns further backwards);
* knee flexion at IC, its loading-response peak (first 30 % of stance), its mid/terminal
  stance minimum (30–100 % of stance), at FC, its rate at FC, its swing peak and where in
  the cycle that peak is;
* ``gap_mm``: the largest and the median distance, over the stride, between the thigh's end
  and the pelvis's hip-joint centre along the ankle → hip line (``|hip − ankle|`` minus the
  hip–ankle distance of a two-link leg at the knee's flexion).

Run ``python benchmarks/simulator_shank.py [--dump out.json] [--before before.json]
[--plot]``. ``--dump`` saves the medians and the mean curves; ``--before`` compares with such
a file from an earlier version of the simulator and overlays its curves
(``benchmarks/results/shank_knee_before.json`` holds the simulator of commit 0c4a5c8, whose
knee came from the inverse kinematics of the hip–ankle distance); ``--plot`` writes
``docs/img/simulator/shank_knee.png``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import footdrop
from footdrop.simulate import simulate
from footdrop.simulate.truth import shank_swings, steady_strides

REPO = Path(__file__).resolve().parents[1]
IMG = REPO / "docs" / "img" / "simulator" / "shank_knee.png"
SPEEDS = (0.4, 0.8, 1.2, 1.6)
SEVERITIES = ("none", "mild", "moderate", "severe")
N_PHASE = 101
AROUND_FC = np.arange(-0.20, 0.151, 0.001)  # s, for the toe-off close-up


def curves(res, side: str) -> dict[str, np.ndarray]:
    """Mean knee flexion and shank gyr_y over the cycle (IC to next IC), and gyr_y around FC,
    over the steady strides of ``side``; with the mean FC in % of the cycle."""
    k = res.body_kinematics[f"{side}_shank"]
    t, w, knee = k["t"], k["omega_dps"][:, 1], k["knee_flexion"]
    ph = np.linspace(0, 1, N_PHASE)
    kn, gy, near, fcs = [], [], [], []
    for r in steady_strides(res, side).itertuples(index=False):
        tt = r.ic_s + ph * (r.next_ic_s - r.ic_s)
        kn.append(np.interp(tt, t, knee))
        gy.append(np.interp(tt, t, w))
        near.append(np.interp(r.fc_s + AROUND_FC, t, w))
        fcs.append(100 * (r.fc_s - r.ic_s) / (r.next_ic_s - r.ic_s))
    return {"knee": np.mean(kn, 0), "gyr_y": np.mean(gy, 0), "gyr_y_fc": np.mean(near, 0),
            "fc_pct": float(np.mean(fcs))}


def run(n_strides: int = 12, seed: int = 1, fs: float = 1000.0):
    """Per-swing measures of every speed and severity, and the mean curves of normal gait."""
    rows, mean_curves = [], {}
    for v in SPEEDS:
        for sev in SEVERITIES:
            res = simulate(speed=v, n_strides=n_strides, fs=fs, seed=seed, left=sev, right=sev,
                           noise="none", shanks=True)
            for side in ("left", "right"):
                rows += [{"speed": v, "severity": sev, **m} for m in shank_swings(res, side)]
            if sev == "none":
                c = [curves(res, s) for s in ("left", "right")]
                mean_curves[v] = {key: (np.mean([x[key] for x in c], 0)) for key in c[0]}
    return pd.DataFrame(rows), mean_curves


COLUMNS = {"lag_ms": "shank peak − FC (ms)", "rerotation_dps": "re-rotation after FC (deg/s)",
           "knee_ic_deg": "knee at IC (°)", "knee_loading_deg": "loading peak (°)",
           "knee_stance_min_deg": "stance min (°)", "knee_fc_deg": "knee at FC (°)",
           "knee_rate_fc_dps": "knee rate at FC (deg/s)",
           "knee_swing_peak_deg": "swing peak (°)", "knee_swing_peak_pct": "at (% cycle)",
           "gap_median_mm": "thigh gap median (mm)", "gap_max_mm": "thigh gap max (mm)"}


def summary(df: pd.DataFrame) -> pd.DataFrame:
    """Medians per speed over all severities and sides (and the swing count)."""
    g = df.groupby("speed")
    out = g[list(COLUMNS)].median()
    out["swings"] = g.size()
    out["lag_min_ms"], out["lag_max_ms"] = g.lag_ms.min(), g.lag_ms.max()
    out["lag_within_20ms_pct"] = g.lag_ms.apply(lambda x: 100 * (x.abs() <= 20).mean())
    return out


def plot(now: dict, before: dict | None, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(3, len(SPEEDS), figsize=(13, 8.5), sharey="row")
    pct = np.linspace(0, 100, N_PHASE)
    ms = 1000 * AROUND_FC
    for j, v in enumerate(SPEEDS):
        for data, style, label in ((before, dict(color="0.55", ls="--"), "before"),
                                   (now, dict(color="C0"), "now")):
            if data is None or v not in data:
                continue
            c = data[v]
            ax[0, j].plot(pct, c["knee"], label=label, **style)
            ax[1, j].plot(pct, c["gyr_y"], label=label, **style)
            ax[2, j].plot(ms, c["gyr_y_fc"], label=label, **style)
            for a in ax[:2, j]:
                a.axvline(c["fc_pct"], lw=0.8, **style)
        ax[2, j].axvline(0.0, color="k", lw=0.8)
        ax[0, j].set_title(f"{v} m/s, normal gait")
        ax[0, j].set_xlabel("% of gait cycle (IC to IC)")
        ax[1, j].set_xlabel("% of gait cycle (IC to IC)")
        ax[2, j].set_xlabel("time from true toe-off (ms)")
        for a in ax[:, j]:
            a.grid(alpha=0.3)
    ax[0, 0].set_ylabel("knee flexion (deg)")
    ax[1, 0].set_ylabel("shank gyr_y (deg/s)\n+ = knee moving forward")
    ax[2, 0].set_ylabel("shank gyr_y around toe-off (deg/s)")
    ax[0, 0].legend(loc="upper left")
    fig.suptitle("Simulated knee and shank sagittal rate (means over strides; vertical lines: "
                 "toe-off)")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=72)
    plt.close(fig)


def _to_json(table: pd.DataFrame, mean_curves: dict) -> dict:
    return {"summary": {str(v): {k: round(float(x), 3) for k, x in row.items()}
                        for v, row in table.iterrows()},
            "curves": {str(v): {k: (np.round(x, 2).tolist() if isinstance(x, np.ndarray)
                                    else round(float(x), 3)) for k, x in c.items()}
                       for v, c in mean_curves.items()}}


def _from_json(doc: dict) -> tuple[pd.DataFrame, dict]:
    table = pd.DataFrame({float(v): row for v, row in doc["summary"].items()}).T
    table.index.name = "speed"
    c = {float(v): {k: (np.asarray(x) if isinstance(x, list) else x) for k, x in d.items()}
         for v, d in doc["curves"].items()}
    return table, c


def markdown(now: pd.DataFrame, before: pd.DataFrame | None) -> str:
    cols = ["lag_ms", "rerotation_dps", "knee_ic_deg", "knee_loading_deg",
            "knee_stance_min_deg", "knee_fc_deg", "knee_rate_fc_dps", "knee_swing_peak_deg",
            "knee_swing_peak_pct", "gap_median_mm", "gap_max_mm"]
    head = "| median over swings | " + " | ".join(f"{v} m/s" for v in SPEEDS) + " |"
    lines = [head, "|---|" + "---:|" * len(SPEEDS)]
    def cell(table: pd.DataFrame, v: float, c: str) -> str:
        if c == "lag_range":
            return f"{round(table.loc[v, 'lag_min_ms'])} … {round(table.loc[v, 'lag_max_ms'])}"
        return f"{round(table.loc[v, c])}"

    names = {**COLUMNS, "lag_range": "… its range over swings (ms)"}
    for c in cols[:1] + ["lag_range"] + cols[1:]:
        cells = [f"{cell(before, v, c)} → {cell(now, v, c)}" if before is not None
                 else cell(now, v, c) for v in SPEEDS]
        lines.append(f"| {names[c]} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dump", type=Path, help="save the medians and curves (JSON)")
    parser.add_argument("--before", type=Path, help="compare with a saved JSON")
    parser.add_argument("--plot", action="store_true", help=f"write {IMG.relative_to(REPO)}")
    args = parser.parse_args(argv)
    df, mean_curves = run()
    table = summary(df)
    if args.dump:
        doc = {"footdrop": footdrop.__version__, **_to_json(table, mean_curves)}
        args.dump.write_text(json.dumps(doc) + "\n")
    before_table, before_curves = (_from_json(json.loads(args.before.read_text()))
                                   if args.before else (None, None))
    pd.set_option("display.width", 200)
    print(f"{len(df)} swings")
    print(table.round(1).to_string())
    print()
    print(markdown(table, before_table))
    if args.plot:
        plot(mean_curves, before_curves, IMG)
        print(f"wrote {IMG}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
