"""Validation on real recordings without an optical reference.

Two kinds of reference are used here, both weaker than motion capture:

1. **Annotated events** of the Voisard et al. data set ("A Reference Data Set for the Study of
   Healthy Subject Gait with Inertial Measurements Units", IPOL 2023; AGPL-3.0, never vendored):
   per swing a ``[toe_off, heel_strike]`` pair of sample indices, found by two published
   algorithms and checked by hand. Heel strike is taken as IC, toe-off as FC.
2. **Counts by eye** of the swings in the bundled MS example (:data:`MS_EXAMPLE_SWINGS`).

Voisard events
--------------
:func:`read_voisard_trial` reads ``<s>-<t>_lf.txt`` and ``<s>-<t>_rf.txt`` with the XSens reader,
which shifts the JSON's sample numbers onto each file's own sample grid. :func:`voisard_events`
turns them into one row per annotated swing, with times in seconds on that foot's clock (the
engine's clock: ``t0 + index / fs``, ``t0 = 0``):

``side, fc_s, ic_s, in_trial, in_uturn, trial_start_s, trial_end_s, uturn_start_s,
uturn_end_s``

- ``in_trial``: both events lie within ``TrialBoundaries`` (inclusive);
- ``in_uturn``: the swing ``[fc_s, ic_s]`` overlaps ``UTurnBoundaries`` (inclusive);
- the boundary columns repeat that foot's boundaries in seconds, so a frame is self-contained.

Scoring rules (:func:`score_events`)
------------------------------------
- **Reference strides** (:func:`reference_strides`): consecutive heel strikes of one foot,
  ``ic_s`` to ``next_ic_s``; their ``fc_s`` is the toe-off of the swing that ends at
  ``next_ic_s``. A reference stride is *scored* when ``trial_start ≤ ic_s`` and
  ``next_ic_s ≤ trial_end`` and ``[ic_s, next_ic_s]`` does not overlap the U-turn.
  Others (the U-turn, before and after the trial) are *unscored*.
- **Matching**: an estimated stride and a reference stride of the same side are candidates
  when ``|Δic_s| ≤ tol`` and ``|Δnext_ic_s| ≤ tol`` (default tol = 0.1 s). Pairs are made
  one-to-one, best first (smallest ``max(|Δic|, |Δnext_ic|)``), against *all* reference
  strides, scored or not.
- **TP**: an estimate matched to a scored reference stride. **FN**: a scored reference stride
  without a match. **FP**: an unmatched estimate lying wholly inside the trial
  (``trial_start ≤ ic_s`` and ``next_ic_s ≤ trial_end``) and not overlapping the U-turn.
  **Ignored** (neither TP nor FP): estimates matched to unscored reference strides, and
  unmatched estimates that touch the U-turn or reach outside the trial. The engine's own
  ``turning`` flag plays no part; estimates are placed by their times only.
- **Event errors** (estimate − reference, in ms) over TP strides: IC errors once per distinct
  reference heel strike bounding a TP stride (its ``ic_s`` or ``next_ic_s``); FC errors once
  per TP stride. Reported as n, median absolute error (MedAE), bias (mean error) and SD.
- **Aggregate** (:func:`score_voisard`): counts are summed over trials and F1 is computed from
  the sums; event statistics pool the events of all trials. Per-trial F1 and errors are kept
  so the worst trials can be inspected.

Targets: stride F1 ≥ 99 %, IC and FC MedAE ≤ 20 ms (:data:`TARGETS`).

Data notes
----------
- The shared copy holds 58 trials: subject 2 has four, the others six.
- Trial 9-3 is a truncated copy of 9-4 (the same samples and events up to its end).
- The JSON counts samples by PacketCounter, as the reader assumes: several trials lose
  150–270 packets inside the walk, and their events still fall on the signal's heel strikes.
- The annotations sit on the 10 ms sample grid, so MedAE values come in steps of 5–10 ms.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from footdrop.errors import ReadError
from footdrop.recording import Recording

#: Folder of the Voisard et al. data under the shared data folder.
VOISARD_DIR = "voisard-healthy"
#: Default matching tolerance for IC and next IC, in s.
DEFAULT_TOLERANCE_S = 0.1
#: Targets of the issue: stride detection F1, IC and FC median absolute error (ms).
TARGETS = {"f1": 0.99, "ic_medae_ms": 20.0, "fc_medae_ms": 20.0}

#: Swings of the bundled MS example (``footdrop.io.read_example()``), counted by eye.
#:
#: Method: the sagittal angular rate ``gyr_y`` of each foot, after alignment to the foot frame,
#: was plotted over the whole 68.4 s, then in 10 s chunks and, to be sure of every swing,
#: in 5 s windows (0.4 s grey margins, dots at every sample). A swing is a broad ``gyr_y``
#: trough of several hundred deg/s (here −350 to −550 deg/s, 0.25–0.35 s long) between the
#: sharp push-off peak and the heel-strike spike; a trough was counted in the window holding
#: its minimum, so none is counted twice. Per 10 s (0–10, …, 60–68.4 s): left 11, 11, 11, 11,
#: 11, 9, 9; right 11, 11, 11, 11, 10, 11, 9. A scripted trough count (``scipy.signal
#: .find_peaks`` on −gyr_y) gave the same per-chunk numbers, apart from the shallow dip below.
#:
#: Not counted:
#: - left, 58.8–59.3 s: a shallow, slow dip (−180 deg/s) after a weak push-off, ending in a
#:   small impact at 59.2 s: a shuffle step while slowing, not a full swing;
#: - left, from 68.3 s: a swing cut off by the end of the recording (no heel strike);
#: - right, at 0 s: the tail of a swing already under way (its heel strike at 0.15 s is
#:   recorded, so the right foot has 75 heel strikes).
#:
#: Walking is continuous throughout (no pause longer than one slow stride), so the complete
#: strides (IC to next IC) by eye are left 73 − 1 = 72 and right 75 − 1 = 74 (the first
#: right stride starts at the heel strike of the cut-off swing). The engine cannot see the
#: first stride of either foot (it needs a stance before the first swing it uses), so it can
#: find at most 71 left and 73 right strides; see :data:`MS_EXAMPLE_STRIDES`.
MS_EXAMPLE_SWINGS = {"left": 73, "right": 74}
#: Complete strides by eye (IC to next IC), from :data:`MS_EXAMPLE_SWINGS` (see there); the
#: left shuffle step at 59 s, if counted as a step, would make the left 73.
MS_EXAMPLE_STRIDES = {"left": 72, "right": 74}

EVENT_COLUMNS = ["side", "fc_s", "ic_s", "in_trial", "in_uturn", "trial_start_s",
                 "trial_end_s", "uturn_start_s", "uturn_end_s"]
_SIDES = {"left": ("left_foot", "LeftFootEvents", "lf"),
          "right": ("right_foot", "RightFootEvents", "rf")}
_TRIAL_RE = re.compile(r"^(\d+)-(\d+)\.json$")


# ---------------------------------------------------------------------------------- reading
def voisard_trials(root: str | Path) -> list[str]:
    """Trial names (``"<subject>-<trial>"``) in ``root``, sorted by subject then trial.

    A trial is listed when its JSON and both foot files are present.
    """
    root = Path(root)
    if not root.is_dir():
        raise ReadError(f"the Voisard data folder {root} does not exist",
                        fix="pass the folder holding <s>-<t>.json, <s>-<t>_lf.txt, _rf.txt")
    found = []
    for path in root.iterdir():
        m = _TRIAL_RE.match(path.name)
        if m and all((root / f"{path.stem}_{s}.txt").is_file() for s in ("lf", "rf")):
            found.append((int(m.group(1)), int(m.group(2)), path.stem))
    return [name for *_k, name in sorted(found)]


def read_voisard_trial(root: str | Path, trial: str, **read_kwargs: Any) -> Recording:
    """Both foot sensors of one trial, with the reference events in ``rec.reference``."""
    from footdrop.io import read

    root = Path(root)
    paths = [root / f"{trial}_{s}.txt" for s in ("lf", "rf")]
    missing = [p.name for p in paths if not p.is_file()]
    if missing or not (root / f"{trial}.json").is_file():
        raise ReadError(f"trial {trial}: missing {', '.join(missing) or trial + '.json'}",
                        file=root, fix="check the trial name, e.g. '1-1'")
    rec = read([str(p) for p in paths], **read_kwargs)
    rec.metadata.setdefault("voisard_trial", trial)
    return rec


def _reference_for(rec: Recording, placement: str) -> dict[str, Any]:
    """The reference dict of the file the foot sensor was read from."""
    ref = rec.reference
    if any(k in ref for k in ("LeftFootEvents", "RightFootEvents")):
        return ref
    sensor = rec[placement]
    if sensor.clock in ref:
        return ref[sensor.clock]
    raise ReadError(f"no Voisard events for the {placement} sensor ({sensor.clock})",
                    fix="read the trial's _lf.txt/_rf.txt beside its <s>-<t>.json")


def voisard_events(rec: Recording) -> pd.DataFrame:
    """One row per annotated swing of each foot (see the module docstring for columns)."""
    frames = []
    for side, (placement, key, _suffix) in _SIDES.items():
        if placement not in rec.sensors:
            continue
        ref = _reference_for(rec, placement)
        sensor = rec[placement]

        def sec(idx, sensor=sensor):
            return sensor.t0 + np.asarray(idx, dtype=float) / sensor.fs

        pairs = np.asarray(ref.get(key, []), dtype=float).reshape(-1, 2)
        t_lo, t_hi = sec(ref.get("TrialBoundaries", [-np.inf, np.inf]))
        u_lo, u_hi = sec(ref.get("UTurnBoundaries", [np.nan, np.nan]))
        fc, ic = sec(pairs[:, 0]), sec(pairs[:, 1])
        order = np.argsort(ic, kind="stable")
        fc, ic = fc[order], ic[order]
        frames.append(pd.DataFrame({
            "side": side, "fc_s": fc, "ic_s": ic,
            "in_trial": (fc >= t_lo) & (ic <= t_hi) & (fc <= t_hi) & (ic >= t_lo),
            "in_uturn": (fc <= u_hi) & (ic >= u_lo),
            "trial_start_s": t_lo, "trial_end_s": t_hi,
            "uturn_start_s": u_lo, "uturn_end_s": u_hi,
        }))
    if not frames:
        return _empty_events()
    return pd.concat(frames, ignore_index=True)[EVENT_COLUMNS]


def load_voisard_events(root: str | Path, trial: str) -> pd.DataFrame:
    """:func:`voisard_events` of one trial read from ``root``."""
    return voisard_events(read_voisard_trial(root, trial))


def _empty_events() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object if c == "side" else float)
                         for c in EVENT_COLUMNS})


# ---------------------------------------------------------------------------------- scoring
def reference_strides(events: pd.DataFrame) -> pd.DataFrame:
    """Reference strides from consecutive heel strikes: ``side, ic_s, fc_s, next_ic_s, scored``."""
    rows = []
    for side, ev in events.groupby("side", sort=False):
        ev = ev.sort_values("ic_s", kind="stable")
        ic = ev["ic_s"].to_numpy(float)
        if ic.size < 2:
            continue
        nxt = ic[1:]
        t_lo, t_hi = ev["trial_start_s"].iloc[0], ev["trial_end_s"].iloc[0]
        u_lo, u_hi = ev["uturn_start_s"].iloc[0], ev["uturn_end_s"].iloc[0]
        touches_uturn = (ic[:-1] <= u_hi) & (nxt >= u_lo)  # False when no U-turn (NaN)
        rows.append(pd.DataFrame({
            "side": side, "ic_s": ic[:-1], "fc_s": ev["fc_s"].to_numpy(float)[1:],
            "next_ic_s": nxt,
            "scored": (ic[:-1] >= t_lo) & (nxt <= t_hi) & ~touches_uturn,
        }))
    if not rows:
        return pd.DataFrame({"side": pd.Series(dtype=object), "ic_s": [], "fc_s": [],
                             "next_ic_s": [], "scored": pd.Series(dtype=bool)})
    return pd.concat(rows, ignore_index=True)


@dataclass
class EventScore:
    """Result of :func:`score_events` for one trial (or pooled, see :func:`pool_scores`)."""

    tp: int
    fp: int
    fn: int
    ignored: int
    ic_errors_s: np.ndarray
    fc_errors_s: np.ndarray
    matches: pd.DataFrame = field(repr=False)
    false_positives: pd.DataFrame = field(repr=False)
    false_negatives: pd.DataFrame = field(repr=False)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")

    @property
    def f1(self) -> float:
        d = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / d if d else float("nan")

    def summary(self) -> dict[str, float]:
        """Counts, precision/recall/F1 and IC/FC statistics in ms."""
        out: dict[str, float] = {
            "n_reference": self.tp + self.fn, "tp": self.tp, "fp": self.fp, "fn": self.fn,
            "ignored": self.ignored, "precision": self.precision, "recall": self.recall,
            "f1": self.f1,
        }
        for name, err in (("ic", self.ic_errors_s), ("fc", self.fc_errors_s)):
            out.update({f"{name}_{k}": v for k, v in error_stats(err).items()})
        return out


def error_stats(errors_s: np.ndarray) -> dict[str, float]:
    """``n``, ``medae_ms``, ``bias_ms`` (mean), ``sd_ms`` of estimate − reference errors."""
    e = np.round(np.asarray(errors_s, dtype=float) * 1000.0, 6)  # ns: no float dust on the grid
    e = e[np.isfinite(e)]
    return {"n": int(e.size),
            "medae_ms": float(np.median(np.abs(e))) if e.size else float("nan"),
            "bias_ms": float(e.mean()) if e.size else float("nan"),
            "sd_ms": float(e.std(ddof=1)) if e.size > 1 else float("nan")}


def _pairs(est: pd.DataFrame, ref: pd.DataFrame, tol: float) -> list[tuple[int, int]]:
    """One-to-one (estimate row, reference row) positions, best first, within one side."""
    d_ic = np.abs(est["ic_s"].to_numpy(float)[:, None] - ref["ic_s"].to_numpy(float)[None, :])
    d_nx = np.abs(est["next_ic_s"].to_numpy(float)[:, None]
                  - ref["next_ic_s"].to_numpy(float)[None, :])
    cost = np.maximum(d_ic, d_nx)
    cand = np.argwhere(cost <= tol + 1e-9)
    order = np.lexsort((d_ic[cand[:, 0], cand[:, 1]] + d_nx[cand[:, 0], cand[:, 1]],
                        cost[cand[:, 0], cand[:, 1]]))
    used_e: set[int] = set()
    used_r: set[int] = set()
    out = []
    for i, j in cand[order]:
        if i not in used_e and j not in used_r:
            used_e.add(int(i))
            used_r.add(int(j))
            out.append((int(i), int(j)))
    return out


def score_events(strides: pd.DataFrame, events: pd.DataFrame, *,
                 tolerance_s: float = DEFAULT_TOLERANCE_S) -> EventScore:
    """Score estimated strides (``side, ic_s, fc_s, next_ic_s``) against annotated events.

    ``events`` has the columns of :func:`voisard_events`. The rules are in the module docstring.
    """
    ref_all = reference_strides(events)
    match_rows, fp_rows, fn_rows = [], [], []
    ignored = 0
    ic_err: dict[tuple[str, float], float] = {}
    fc_err: list[float] = []
    est_all = strides.dropna(subset=["ic_s", "next_ic_s"]) if len(strides) else strides
    ignored += len(strides) - len(est_all)
    for side in ("left", "right"):
        est = est_all[est_all["side"] == side].reset_index(drop=True) if len(est_all) \
            else est_all
        ref = ref_all[ref_all["side"] == side].reset_index(drop=True)
        ev = events[events["side"] == side]
        pairs = _pairs(est, ref, tolerance_s) if len(est) and len(ref) else []
        matched_e = {i for i, _ in pairs}
        matched_r = set()
        for i, j in pairs:
            e, r = est.iloc[i], ref.iloc[j]
            if not r["scored"]:
                ignored += 1
                continue
            matched_r.add(j)
            match_rows.append({"side": side, "ic_ref": r["ic_s"], "ic_est": e["ic_s"],
                               "next_ic_ref": r["next_ic_s"], "next_ic_est": e["next_ic_s"],
                               "fc_ref": r["fc_s"], "fc_est": e["fc_s"]})
            ic_err.setdefault((side, float(r["ic_s"])), float(e["ic_s"] - r["ic_s"]))
            ic_err.setdefault((side, float(r["next_ic_s"])),
                              float(e["next_ic_s"] - r["next_ic_s"]))
            fc_err.append(float(e["fc_s"] - r["fc_s"]))
        for j in range(len(ref)):
            if ref.at[j, "scored"] and j not in matched_r:
                fn_rows.append(ref.iloc[j].to_dict())
        if len(ev):
            t_lo, t_hi = ev["trial_start_s"].iloc[0], ev["trial_end_s"].iloc[0]
            u_lo, u_hi = ev["uturn_start_s"].iloc[0], ev["uturn_end_s"].iloc[0]
        else:  # no reference for this side: nothing can be judged
            t_lo = t_hi = u_lo = u_hi = np.nan
        for i in range(len(est)):
            if i in matched_e:
                continue
            e = est.iloc[i]
            inside = t_lo <= e["ic_s"] and e["next_ic_s"] <= t_hi
            touches = e["ic_s"] <= u_hi and e["next_ic_s"] >= u_lo
            if inside and not touches:
                fp_rows.append({k: e[k] for k in ("side", "ic_s", "fc_s", "next_ic_s")})
            else:
                ignored += 1
    cols = ["side", "ic_s", "fc_s", "next_ic_s"]
    return EventScore(
        tp=len(match_rows), fp=len(fp_rows), fn=len(fn_rows), ignored=ignored,
        ic_errors_s=np.array(list(ic_err.values()), dtype=float),
        fc_errors_s=np.array(fc_err, dtype=float),
        matches=pd.DataFrame(match_rows, columns=["side", "ic_ref", "ic_est", "next_ic_ref",
                                                  "next_ic_est", "fc_ref", "fc_est"]),
        false_positives=pd.DataFrame(fp_rows, columns=cols),
        false_negatives=pd.DataFrame(fn_rows, columns=[*cols, "scored"])[cols],
    )


def pool_scores(scores: Iterable[EventScore]) -> EventScore:
    """Sum the counts and pool the event errors of several scores."""
    scores = list(scores)

    def cat(attr: str) -> pd.DataFrame:
        frames = [getattr(s, attr) for s in scores if len(getattr(s, attr))]
        return pd.concat(frames, ignore_index=True) if frames else getattr(scores[0], attr)

    if not scores:
        return score_events(pd.DataFrame(columns=["side", "ic_s", "fc_s", "next_ic_s"]),
                            _empty_events())
    return EventScore(
        tp=sum(s.tp for s in scores), fp=sum(s.fp for s in scores),
        fn=sum(s.fn for s in scores), ignored=sum(s.ignored for s in scores),
        ic_errors_s=np.concatenate([s.ic_errors_s for s in scores]),
        fc_errors_s=np.concatenate([s.fc_errors_s for s in scores]),
        matches=cat("matches"), false_positives=cat("false_positives"),
        false_negatives=cat("false_negatives"),
    )


# ---------------------------------------------------------------------------------- data set
@dataclass
class VoisardResult:
    """Scores of every trial (:attr:`per_trial`) and pooled (:attr:`overall`)."""

    scores: dict[str, EventScore]
    strides: dict[str, pd.DataFrame] = field(repr=False)
    events: dict[str, pd.DataFrame] = field(repr=False)
    tolerance_s: float = DEFAULT_TOLERANCE_S

    @property
    def overall(self) -> EventScore:
        return pool_scores(self.scores.values())

    @property
    def per_trial(self) -> pd.DataFrame:
        """One row per trial: counts, F1, IC/FC MedAE and bias; sorted by trial name order."""
        rows = [{"trial": t, **s.summary()} for t, s in self.scores.items()]
        return pd.DataFrame(rows).set_index("trial")

    def worst(self, n: int = 5) -> pd.DataFrame:
        """The ``n`` trials with the lowest F1 (ties: larger IC MedAE first)."""
        df = self.per_trial
        return df.sort_values(["f1", "ic_medae_ms"], ascending=[True, False]).head(n)

    def passes(self) -> dict[str, bool]:
        """Each target of :data:`TARGETS`, met or not."""
        s = self.overall.summary()
        return {"f1": bool(s["f1"] >= TARGETS["f1"]),
                "ic_medae_ms": bool(s["ic_medae_ms"] <= TARGETS["ic_medae_ms"]),
                "fc_medae_ms": bool(s["fc_medae_ms"] <= TARGETS["fc_medae_ms"])}


def _score_trial(root: Path, trial: str, tolerance_s: float, engine_kwargs: dict):
    import footdrop

    rec = read_voisard_trial(root, trial)
    events = voisard_events(rec)
    strides, _summary = footdrop.analyze(rec, **engine_kwargs)
    return trial, strides, events, score_events(strides, events, tolerance_s=tolerance_s)


def score_voisard(root: str | Path, trials: Sequence[str] | None = None, *,
                  tolerance_s: float = DEFAULT_TOLERANCE_S, jobs: int = 1,
                  **engine_kwargs: Any) -> VoisardResult:
    """Run the engine on each trial (all by default) and score it against the annotations.

    ``jobs > 1`` scores trials in that many processes. ``engine_kwargs`` go to
    :func:`footdrop.analyze`.
    """
    root = Path(root)
    trials = list(trials) if trials is not None else voisard_trials(root)
    args = [(root, t, tolerance_s, engine_kwargs) for t in trials]
    if jobs > 1 and len(trials) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(jobs) as pool:
            results = list(pool.map(_score_trial, *zip(*args, strict=True)))
    else:
        results = [_score_trial(*a) for a in args]
    return VoisardResult(
        scores={t: sc for t, _s, _e, sc in results},
        strides={t: s for t, s, _e, _sc in results},
        events={t: e for t, _s, e, _sc in results},
        tolerance_s=tolerance_s,
    )


def _fmt(x: float, digits: int = 1) -> str:
    return "—" if x is None or not np.isfinite(x) else f"{x:.{digits}f}"


def render_voisard_markdown(result: VoisardResult, n_worst: int = 5) -> str:
    """Pooled table with targets and pass/fail, then the ``n_worst`` trials by F1."""
    s = result.overall.summary()
    ok = result.passes()
    word = {True: "pass", False: "fail"}
    lines = [
        "| metric | n | value | bias (ms) | SD (ms) | target | result |",
        "|---|---:|---:|---:|---:|---|---|",
        f"| stride detection F1 | {s['n_reference']} | {_fmt(100 * s['f1'])} % "
        f"(P {_fmt(100 * s['precision'])}, R {_fmt(100 * s['recall'])}) | — | — "
        f"| ≥ {100 * TARGETS['f1']:.0f} % | {word[ok['f1']]} |",
    ]
    for name, label in (("ic", "IC (heel strike) MedAE"), ("fc", "FC (toe-off) MedAE")):
        lines.append(
            f"| {label} | {s[name + '_n']} | {_fmt(s[name + '_medae_ms'])} ms "
            f"| {_fmt(s[name + '_bias_ms'])} | {_fmt(s[name + '_sd_ms'])} "
            f"| ≤ {TARGETS[name + '_medae_ms']:.0f} ms | {word[ok[name + '_medae_ms']]} |")
    lines += [
        "",
        f"{len(result.scores)} trials; TP {s['tp']}, FP {s['fp']}, FN {s['fn']}, ignored "
        f"(U-turn or outside the trial) {s['ignored']}; matching tolerance "
        f"{1000 * result.tolerance_s:.0f} ms on IC and next IC. Errors are estimate − "
        "reference; bias is the mean error.",
        "",
        f"Worst {n_worst} trials by F1:",
        "",
        "| trial | reference strides | TP | FP | FN | F1 (%) | IC MedAE (ms) | IC bias (ms) "
        "| FC MedAE (ms) | FC bias (ms) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for trial, r in result.worst(n_worst).iterrows():
        lines.append(
            f"| {trial} | {int(r['n_reference'])} | {int(r['tp'])} | {int(r['fp'])} "
            f"| {int(r['fn'])} "
            f"| {_fmt(100 * r['f1'])} | {_fmt(r['ic_medae_ms'])} | {_fmt(r['ic_bias_ms'])} "
            f"| {_fmt(r['fc_medae_ms'])} | {_fmt(r['fc_bias_ms'])} |")
    return "\n".join(lines)
