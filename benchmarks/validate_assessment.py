"""Foot-drop assessment against simulator truth and on healthy recordings.

1. **Simulator, scoring cases** (never used to set a threshold): every severity (none, mild,
   moderate, severe) on the left or the right foot, without compensation, with steppage or
   with circumduction, at 0.3, 0.5, 0.8, 1.1 and 1.4 m/s, with the sensors as mounted
   (identity) and with a random mounting, seeds 11 and 12. The other foot is always an
   unaffected control. Targets: per-side sensitivity ≥ 95 % overall and 100 % for moderate
   and severe, severity exact or adjacent in every detected case, and no foot drop on any
   unaffected side.
2. **Healthy recordings**: every Voisard trial and the gaitmap example (both feet): no foot
   drop may be called (specificity 100 %).
3. **The MS example**: what is found.

The thresholds were set on other cases: simulator seed 1 (left foot affected, identity
mounting) and Voisard subjects 1–5 (the normal strike-angle range, :mod:`footdrop.assess.norms`).
Voisard subjects 6–10, the gaitmap example and seeds 11–12 were looked at only to score.

Run ``python benchmarks/validate_assessment.py [--data ../shared/data] [--write] [--quick]``;
``--write`` updates the section between the ``assessment`` markers in docs/validation.md.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

import footdrop
from footdrop.simulate import simulate
from footdrop.validation import write_section

REPO = Path(__file__).resolve().parents[1]
START, END = "<!-- assessment:start -->", "<!-- assessment:end -->"
SEVERITIES = ("none", "mild", "moderate", "severe")
ORDER = {s: i for i, s in enumerate(SEVERITIES)}
COMPENSATIONS = ("", "steppage", "circumduction")
SPEEDS = (0.3, 0.5, 0.8, 1.1, 1.4)
MOUNTINGS = ("identity", "random")
TEST_SEEDS = (11, 12)


def simulator_cases(quick: bool = False) -> pd.DataFrame:
    """One row per simulated side: truth and what the assessment said."""
    speeds = (0.5, 1.1) if quick else SPEEDS
    seeds = TEST_SEEDS[:1] if quick else TEST_SEEDS
    rows = []
    grid = itertools.product(SEVERITIES, ("left", "right"), COMPENSATIONS, speeds,
                             MOUNTINGS, seeds)
    for sev, side, comp, speed, mounting, seed in grid:
        spec = {"severity": sev, **({comp: True} if comp else {})}
        sim = simulate(speed=speed, n_strides=20, seed=seed, mounting=mounting,
                       **{side: spec})
        _, summary = footdrop.analyze(sim.recording)
        for s in ("left", "right"):
            fd = summary["sides"][s]["foot_drop"]
            c = summary["sides"][s]["compensation"]
            affected = s == side
            rows.append({
                "true_severity": sev if affected else "none",
                "true_compensation": comp if affected else "",
                "control": not affected or sev == "none",
                "side": s, "speed": speed, "mounting": mounting, "seed": seed,
                "detected": bool(fd["detected"]), "score": fd["score"],
                "severity": fd["severity"], "steppage": c["steppage"],
                "circumduction": c["circumduction"],
            })
    return pd.DataFrame(rows)


def score_simulator(df: pd.DataFrame) -> dict:
    aff = df[df["true_severity"] != "none"]
    ctrl = df[df["true_severity"] == "none"]
    det = aff[aff["detected"]]
    gap = (det["severity"].map(ORDER) - det["true_severity"].map(ORDER)).abs()
    by_sev = aff.groupby("true_severity")["detected"].agg(["mean", "size"])
    step = df[df["true_compensation"] == "steppage"]
    circ = df[df["true_compensation"] == "circumduction"]
    no_comp = df[df["true_compensation"] == ""]
    return {
        "n_sides": len(df), "n_affected": len(aff), "n_controls": len(ctrl),
        "sensitivity": float(aff["detected"].mean()),
        "sensitivity_by_severity": {k: (float(v["mean"]), int(v["size"]))
                                    for k, v in by_sev.iterrows()},
        "false_positives": int(ctrl["detected"].sum()),
        "severity_exact": float((gap == 0).mean()) if len(det) else float("nan"),
        "severity_adjacent": float((gap <= 1).mean()) if len(det) else float("nan"),
        "steppage_found": float(step["steppage"].mean()),
        "circumduction_found": float(circ["circumduction"].mean()),
        "steppage_false": int(no_comp["steppage"].sum() + circ["steppage"].sum()),
        "circumduction_false": int(no_comp["circumduction"].sum() + step["circumduction"].sum()),
        "missed": aff[~aff["detected"]][["true_severity", "true_compensation", "side", "speed",
                                          "mounting", "seed", "score"]],
    }


def healthy_cases(data: Path) -> pd.DataFrame:
    from footdrop.preprocess.alignment import align_to_foot
    from footdrop.validation.annotations import read_voisard_trial, voisard_trials

    rows = []
    root = data / "voisard-healthy"
    sources = [(f"voisard {t}", lambda t=t: align_to_foot(read_voisard_trial(root, t)))
               for t in (voisard_trials(root) if root.is_dir() else [])]
    ex = data / "gaitmap-example" / "imu_sample.csv"
    if ex.is_file():
        sources.append(("gaitmap example", lambda: footdrop.load(ex, fs=204.8)))
    for name, load in sources:
        _, summary = footdrop.analyze(load())
        for s in ("left", "right"):
            e = summary["sides"][s]
            rows.append({"recording": name, "side": s,
                         "subject": name.split()[-1].split("-")[0],
                         "detected": e["foot_drop"]["detected"],
                         "score": e["foot_drop"]["score"],
                         "steppage": e["compensation"]["steppage"],
                         "circumduction": e["compensation"]["circumduction"]})
    return pd.DataFrame(rows)


def render(sim: dict, healthy: pd.DataFrame, ms: dict, quick: bool) -> str:
    sev_rows = "\n".join(
        f"| {k} | {n} | {100 * v:.1f} % |" for k, (v, n) in
        sorted(sim["sensitivity_by_severity"].items(), key=lambda kv: ORDER[kv[0]]))
    missed = sim["missed"]
    missed_txt = ("none" if missed.empty else "; ".join(
        f"{r.true_severity} {r.true_compensation or 'no compensation'} {r.side} "
        f"{r.speed} m/s {r.mounting} seed {r.seed} (score {r.score})"
        for r in missed.itertuples()))
    h_fp = healthy[healthy["detected"].astype(bool)] if len(healthy) else healthy
    h_txt = ("none" if h_fp.empty else ", ".join(
        f"{r.recording} {r.side} (score {r.score})" for r in h_fp.itertuples()))
    train = healthy["subject"].isin([str(i) for i in range(1, 6)]) if len(healthy) else []
    targets = _targets(sim)
    ms_rows = "\n".join(
        f"| {s} | {e['foot_drop']['detected']} | {e['foot_drop']['score']} | "
        f"{e['foot_drop']['severity']} | {e['compensation']['steppage']} | "
        f"{e['compensation']['circumduction']} | {e['toe_scuffs']} |"
        for s, e in ms["sides"].items())
    return f"""{START}
## Foot-drop assessment

Generated by `python benchmarks/validate_assessment.py --write` (footdrop
{footdrop.__version__}{', quick grid' if quick else ''}); do not edit by hand. The rule is
in `footdrop.assess.foot_drop` (module docstring).

**How the thresholds were set.** On simulator seed 1 (left foot affected, sensors as
mounted, the same severities, compensations and speeds) and on Voisard subjects 1–5 (the
speed-adjusted normal strike-angle range of `footdrop.assess.norms`; the lowest toe-lift
ratio between the sides of a healthy person there, 0.78, put the toe-lift sub-score's zero
at 0.75). The simulator cases below (seeds {', '.join(map(str, TEST_SEEDS))}, both sides,
random mountings) and the gaitmap example were not used to set anything. Voisard subjects
6–10 were meant to be scoring cases too, but one of them shaped the rule: an earlier version
let a low strike angle combine with a strike angle far below the other side's, and called foot
drop on trial 7-2's left foot (healthy subject 7 lands at 5° on that side, 18° on the other,
with a normal swing); the rule now asks for a sign in swing instead. Subject 7 is therefore
not an independent test of that choice; the other 52 sides of subjects 6, 8, 9 and 10 are.

### Simulator (scoring cases)

{sim['n_sides']} simulated sides: {sim['n_affected']} with foot drop, {sim['n_controls']}
unaffected (the other foot of every case, and the severity "none" cases).

| true severity | affected sides | detected |
|---|---:|---:|
{sev_rows}

{targets}

Missed: {missed_txt}.

### Healthy recordings

{len(healthy)} sides ({int(np.sum(train))} of them from the training subjects 1–5): foot drop
called on {len(h_fp)} (target 0): {h_txt}. Steppage flagged on
{int(healthy['steppage'].sum()) if len(healthy) else 0}, circumduction on
{int(healthy['circumduction'].sum()) if len(healthy) else 0}.

### MS example

| side | foot drop | score | severity | steppage | circumduction | toe scuffs |
|---|---|---:|---|---|---|---:|
{ms_rows}

{END}"""


def _targets(sim: dict) -> str:
    def ok(cond: bool) -> str:
        return "pass" if cond else "fail"

    by = sim["sensitivity_by_severity"]
    hard = min(by.get("moderate", (1.0, 0))[0], by.get("severe", (1.0, 0))[0])
    rows = [
        ("sensitivity, all severities", f"{100 * sim['sensitivity']:.1f} %",
         f"{ok(sim['sensitivity'] >= 0.95)} (≥ 95 %)"),
        ("sensitivity, moderate and severe", f"{100 * hard:.1f} %", f"{ok(hard == 1)} (100 %)"),
        ("severity exact / exact or adjacent",
         f"{100 * sim['severity_exact']:.1f} % / {100 * sim['severity_adjacent']:.1f} %",
         f"{ok(sim['severity_adjacent'] == 1)} (adjacent 100 %)"),
        ("foot drop on unaffected sides", f"{sim['false_positives']} of {sim['n_controls']}",
         f"{ok(sim['false_positives'] == 0)} (0)"),
        ("steppage found / flagged without it",
         f"{100 * sim['steppage_found']:.1f} % / {sim['steppage_false']}", "—"),
        ("circumduction found / flagged without it",
         f"{100 * sim['circumduction_found']:.1f} % / {sim['circumduction_false']}", "—"),
    ]
    return "| target | value | result |\n|---|---|---|\n" + "\n".join(
        f"| {a} | {b} | {c} |" for a, b, c in rows)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    ap.add_argument("--write", action="store_true", help="update docs/validation.md")
    ap.add_argument("--quick", action="store_true", help="a smaller simulator grid")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=RuntimeWarning)
    t = time.perf_counter()
    sim = score_simulator(simulator_cases(args.quick))
    healthy = healthy_cases(args.data) if args.data.is_dir() else pd.DataFrame(
        columns=["recording", "side", "subject", "detected", "score", "steppage",
                 "circumduction"])
    _, ms = footdrop.analyze(footdrop.io.read_example())
    text = render(sim, healthy, ms, args.quick)
    print(text)
    print(f"\n({time.perf_counter() - t:.0f} s)")
    if args.write:
        write_section(REPO / "docs" / "validation.md", text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
