"""How often the gait engine recovers simulator truth over random walks (issue 4).

Each case draws a speed (0.3-1.6 m/s), a foot-drop severity for the left foot (0-1) and a
mild one for the right (0-0.3), a mounting (as designed or random), a sampling rate and a
seed, simulates 12 strides with the default sensor errors and checks, per side, the
tolerances of the property test in ``tests/gait/test_engine_on_simulator.py``: every
stride found but at most one, median |IC error| and |FC error| <= 15 ms, mean stride-length
error <= 3 cm (with sensor errors: 3 cm or 6 % of the stride, 7 cm below 0.5 m/s), median
strike-angle error <= 1.5 deg. The same checks are also run on exact signals (no sensor
errors, length within 3 cm), which isolates the algorithm.

Run ``python benchmarks/validate_simulator_recovery.py [--cases N] [--seed S] [--write]``;
``--write`` replaces the section between the ``recovery`` markers in ``docs/validation.md``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

import footdrop
from footdrop.simulate import simulate
from footdrop.validation import write_section

REPO = Path(__file__).resolve().parents[1]
START, END = "<!-- recovery:start -->", "<!-- recovery:end -->"
LATERAL = {"toe_offset": (0.19, -0.06, -0.055), "heel_offset": (-0.06, -0.06, -0.055)}
BANDS = ((0.3, 0.5), (0.5, 1.0), (1.0, 1.6))


def length_tolerance(speed: float, length: float, exact: bool) -> float:
    """Mean stride-length tolerance (m): slow strides integrate sensor errors for longer."""
    if exact:
        return 0.03
    return 0.07 if speed < 0.5 else max(0.03, 0.06 * length)


def check_case(speed, severity, other, mounting, fs, seed, noise=None) -> list[str]:
    """The tolerances this case misses (empty when it passes)."""
    kw = {} if noise is None else {"noise": noise}
    res = simulate(speed=speed, n_strides=12, left=severity, right=other, mounting=mounting,
                   fs=fs, seed=seed, **kw)
    strides, _ = footdrop.analyze(res.recording, **LATERAL)
    misses = []
    for side in ("left", "right"):
        truth = res.truth[res.truth["side"] == side]
        est = strides[strides["side"] == side]
        pairs = []
        for row in est.itertuples():
            j = int(np.argmin(np.abs(truth["ic_s"].to_numpy() - row.ic_s)))
            if abs(truth["ic_s"].iloc[j] - row.ic_s) < 0.05:
                pairs.append((row, truth.iloc[j]))
        if len(pairs) < len(truth) - 1:
            misses.append(f"{side}: {len(pairs)} of {len(truth)} strides")
            continue
        ic = np.median([abs(a.ic_s - b["ic_s"]) for a, b in pairs]) * 1000
        fc = np.median([abs(a.fc_s - b["fc_s"]) for a, b in pairs]) * 1000
        length = np.mean([a.stride_length_m - b["stride_length_m"] for a, b in pairs]) * 100
        strike = np.median([a.foot_strike_angle_deg - b["foot_strike_angle_deg"]
                            for a, b in pairs])
        if ic > 15:
            misses.append(f"{side}: IC {ic:.0f} ms")
        if fc > 15:
            misses.append(f"{side}: FC {fc:.0f} ms")
        tol = length_tolerance(speed, truth["stride_length_m"].mean(), noise == "none")
        if abs(length) > tol * 100:
            misses.append(f"{side}: length {length:+.1f} cm")
        if abs(strike) > 1.5:
            misses.append(f"{side}: strike {strike:+.1f} deg")
    return misses


def run(n_cases: int, seed: int) -> dict:
    rng = np.random.default_rng(seed)
    cases = []
    for _ in range(n_cases):
        cases.append(dict(speed=float(rng.uniform(0.3, 1.6)), severity=float(rng.uniform(0, 1)),
                          other=float(rng.uniform(0, 0.3)),
                          mounting=str(rng.choice(["identity", "random"])),
                          fs=float(rng.choice([100.0, 128.0, 204.8])),
                          seed=int(rng.integers(0, 10_000))))
    out = {"errors": [], "exact": []}
    for c in cases:
        out["errors"].append(check_case(**c))
        out["exact"].append(check_case(**c, noise="none"))
    out["cases"] = cases
    return out


def render(res: dict, n_cases: int, seed: int) -> str:
    cases = res["cases"]
    lines = [START, "", "## Engine against simulator truth over random walks", "",
             f"`python benchmarks/validate_simulator_recovery.py --cases {n_cases} "
             f"--seed {seed} --write`: {n_cases} random walks of 12 strides (speed 0.3-1.6 m/s, "
             "left severity 0-1, right 0-0.3, designed or random mounting, 100/128/204.8 Hz); a "
             "case passes when both sides meet the property test's tolerances (every stride "
             "but one found, median |IC| and |FC| error <= 15 ms, mean stride-length error "
             "<= 3 cm on exact signals; with sensor errors 3 cm or 6 % of the stride, 7 cm "
             "below 0.5 m/s; median strike-angle error <= 1.5 deg).", "",
             "| speed (m/s) | cases | pass, default sensor errors | pass, exact signals |",
             "|---|---|---|---|"]
    for lo, hi in BANDS:
        idx = [i for i, c in enumerate(cases) if lo <= c["speed"] < hi or (hi == 1.6 and
                                                                           c["speed"] == hi)]
        if not idx:
            continue
        e = sum(not res["errors"][i] for i in idx)
        x = sum(not res["exact"][i] for i in idx)
        lines.append(f"| {lo}-{hi} | {len(idx)} | {e} ({100 * e / len(idx):.0f} %) | "
                     f"{x} ({100 * x / len(idx):.0f} %) |")
    e = sum(not m for m in res["errors"])
    x = sum(not m for m in res["exact"])
    lines.append(f"| all | {len(cases)} | {e} ({100 * e / len(cases):.0f} %) | "
                 f"{x} ({100 * x / len(cases):.0f} %) |")
    for key, title in (("errors", "default sensor errors"), ("exact", "exact signals")):
        lines += ["", f"Cases that miss ({title}):", ""]
        for c, m in zip(cases, res[key], strict=True):
            if m:
                lines.append(f"- {c['speed']:.2f} m/s, severity {c['severity']:.2f}/"
                             f"{c['other']:.2f}, {c['mounting']}, {c['fs']:g} Hz, seed "
                             f"{c['seed']}: {'; '.join(m)}")
    lines += ["", END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=150)
    ap.add_argument("--seed", type=int, default=2026)
    ap.add_argument("--write", action="store_true", help="update docs/validation.md")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    res = run(args.cases, args.seed)
    text = render(res, args.cases, args.seed)
    print(text)
    print(f"({time.perf_counter() - t0:.0f} s)")
    if args.write:
        write_section(REPO / "docs" / "validation.md", text, START, END)
    return 0


if __name__ == "__main__":
    sys.exit(main())
