"""Validation on real recordings without optical reference (footdrop.validation.annotations).

The scoring rules are tested on synthetic event lists and run everywhere. The tests that take
the ``voisard`` fixture read ../shared/data/voisard-healthy and skip without it; the MS example
is bundled with the package.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import footdrop
from footdrop.io import read_example
from footdrop.recording import Recording, Sensor
from footdrop.validation.annotations import (
    EVENT_COLUMNS,
    MS_EXAMPLE_STRIDES,
    MS_EXAMPLE_SWINGS,
    TARGETS,
    VOISARD_DIR,
    pool_scores,
    read_voisard_trial,
    reference_strides,
    render_voisard_markdown,
    score_events,
    score_voisard,
    voisard_events,
    voisard_trials,
)

REPO = Path(__file__).resolve().parents[2]

# --------------------------------------------------------------------------------------------
# synthetic events: 10 m out, U-turn, 10 m back, for each foot


def _events(stride=1.0, n_swings=14, uturn=(7.2, 8.9), trial=(0.5, 15.5),
            offsets=(("left", 0.0), ("right", 0.5))) -> pd.DataFrame:
    """Annotated swings: toe-off 0.4 s before each heel strike, one heel strike per stride."""
    rows = []
    for side, off in offsets:
        for k in range(n_swings):
            ic = 1.0 + off + k * stride
            fc = ic - 0.4
            rows.append({
                "side": side, "fc_s": fc, "ic_s": ic,
                "in_trial": trial[0] <= fc and ic <= trial[1],
                "in_uturn": fc <= uturn[1] and ic >= uturn[0],
                "trial_start_s": trial[0], "trial_end_s": trial[1],
                "uturn_start_s": uturn[0], "uturn_end_s": uturn[1],
            })
    return pd.DataFrame(rows)[EVENT_COLUMNS]


def _perfect(events: pd.DataFrame) -> pd.DataFrame:
    """Engine-like strides reproducing every reference stride exactly."""
    ref = reference_strides(events)
    return ref[["side", "ic_s", "fc_s", "next_ic_s"]].reset_index(drop=True)


def test_reference_strides_rules():
    ev = _events()
    ref = reference_strides(ev)
    left = ref[ref["side"] == "left"].reset_index(drop=True)
    assert len(left) == 13  # 14 heel strikes
    # the FC of a stride is the toe-off of the swing that ends it
    np.testing.assert_allclose(left["fc_s"], left["next_ic_s"] - 0.4)
    # left heel strikes at 1..14 s; U-turn 7.2–8.9 s: strides 7–8 and 8–9 touch it
    assert list(left.loc[~left["scored"], "ic_s"]) == [7.0, 8.0]
    # right heel strikes at 1.5..14.5 s: 6.5–7.5, 7.5–8.5, 8.5–9.5 touch the U-turn
    right = ref[ref["side"] == "right"]
    assert list(right.loc[~right["scored"], "ic_s"]) == [6.5, 7.5, 8.5]


def test_trial_boundaries_exclude_reference_strides():
    ev = _events(trial=(2.5, 12.2))
    ref = reference_strides(ev)
    left = ref[(ref["side"] == "left") & ref["scored"]]
    assert left["ic_s"].min() >= 2.5 and left["next_ic_s"].max() <= 12.2


def test_perfect_estimate():
    ev = _events()
    sc = score_events(_perfect(ev), ev)
    n = int(reference_strides(ev)["scored"].sum())
    assert (sc.tp, sc.fp, sc.fn) == (n, 0, 0)
    assert sc.f1 == 1.0
    assert sc.ignored == 5  # the U-turn strides, matched but not scored
    s = sc.summary()
    assert s["ic_medae_ms"] == 0 and s["fc_medae_ms"] == 0 and s["ic_bias_ms"] == 0


def test_one_missing_stride_gives_recall_n_minus_one_over_n():
    ev = _events()
    est = _perfect(ev)
    n = int(reference_strides(ev)["scored"].sum())
    est = est.drop(index=2).reset_index(drop=True)  # a scored left stride (3 → 4 s)
    sc = score_events(est, ev)
    assert (sc.tp, sc.fp, sc.fn) == (n - 1, 0, 1)
    assert sc.recall == pytest.approx((n - 1) / n)
    assert sc.precision == 1.0
    assert sc.f1 == pytest.approx(2 * (n - 1) / (2 * n - 1))
    assert list(sc.false_negatives["ic_s"]) == [3.0]


def test_shifted_ic_gives_bias():
    ev = _events()
    est = _perfect(ev)
    est["ic_s"] += 0.015
    est["next_ic_s"] += 0.015
    est["fc_s"] -= 0.030
    s = score_events(est, ev).summary()
    assert s["f1"] == 1.0
    assert s["ic_bias_ms"] == pytest.approx(15.0)
    assert s["ic_medae_ms"] == pytest.approx(15.0)
    assert s["fc_bias_ms"] == pytest.approx(-30.0)
    assert s["fc_medae_ms"] == pytest.approx(30.0)


def test_each_reference_heel_strike_scored_once():
    ev = _events()
    sc = score_events(_perfect(ev), ev)
    ref = reference_strides(ev)
    scored = ref[ref["scored"]]
    # every scored heel strike bounding a matched stride, once: per side two runs of strides
    # (before and after the U-turn), each run of k strides has k + 1 heel strikes
    distinct = {(r.side, t) for r in scored.itertuples() for t in (r.ic_s, r.next_ic_s)}
    assert sc.ic_errors_s.size == len(distinct) == len(scored) + 4
    assert sc.fc_errors_s.size == len(scored)


def test_strides_in_uturn_are_ignored():
    ev = _events()
    est = _perfect(ev)
    ref = reference_strides(ev)
    in_turn = ref[~ref["scored"]].index
    # the engine misses every U-turn stride and adds spurious ones inside the U-turn
    est = est.drop(index=in_turn)
    extra = pd.DataFrame({"side": ["left", "left", "right"], "ic_s": [7.3, 7.9, 8.0],
                          "fc_s": [7.5, 8.1, 8.2], "next_ic_s": [7.9, 8.6, 8.7]})
    # one touching the U-turn from outside: ends 0.1 s into it
    touching = pd.DataFrame({"side": ["right"], "ic_s": [6.45], "fc_s": [6.9],
                             "next_ic_s": [7.3]})
    sc = score_events(pd.concat([est, extra, touching], ignore_index=True), ev)
    n = int(ref["scored"].sum())
    assert (sc.tp, sc.fp, sc.fn) == (n, 0, 0)
    assert sc.ignored == 4


def test_strides_outside_trial_are_ignored_inside_are_false_positives():
    ev = _events(trial=(2.5, 12.2))
    est = _perfect(ev)
    n = int(reference_strides(ev)["scored"].sum())
    before = pd.DataFrame({"side": ["left"], "ic_s": [0.2], "fc_s": [0.6], "next_ic_s": [1.2]})
    inside = pd.DataFrame({"side": ["left"], "ic_s": [3.3], "fc_s": [3.6], "next_ic_s": [3.8]})
    sc = score_events(pd.concat([est, before, inside], ignore_index=True), ev)
    assert (sc.tp, sc.fp, sc.fn) == (n, 1, 0)
    assert sc.precision == pytest.approx(n / (n + 1))
    assert list(sc.false_positives["ic_s"]) == [3.3]


def test_tolerance_on_both_heel_strikes():
    ev = _events()
    n = int(reference_strides(ev)["scored"].sum())
    est = _perfect(ev)
    est.loc[3, "next_ic_s"] += 0.09  # within 0.1 s: still a match
    assert score_events(est, ev).tp == n
    est.loc[3, "next_ic_s"] += 0.03  # now 0.12 s off: a FN and a FP
    sc = score_events(est, ev)
    assert (sc.tp, sc.fp, sc.fn) == (n - 1, 1, 1)
    assert score_events(est, ev, tolerance_s=0.15).tp == n


def test_one_to_one_matching():
    ev = _events()
    n = int(reference_strides(ev)["scored"].sum())
    est = _perfect(ev)
    dup = est.iloc[[4]].copy()
    dup[["ic_s", "next_ic_s"]] += 0.02
    sc = score_events(pd.concat([est, dup], ignore_index=True), ev)
    assert (sc.tp, sc.fp, sc.fn) == (n, 1, 0)
    # the closer estimate wins the pair: errors stay zero
    assert sc.summary()["ic_medae_ms"] == 0


def test_split_stride_is_two_false_positives_and_a_miss():
    ev = _events()
    n = int(reference_strides(ev)["scored"].sum())
    est = _perfect(ev)
    row = est.iloc[1]  # left 2 → 3 s, split by a spurious IC at 2.5 s
    halves = pd.DataFrame({"side": ["left", "left"], "ic_s": [row.ic_s, 2.5],
                           "fc_s": [2.2, row.fc_s], "next_ic_s": [2.5, row.next_ic_s]})
    est = pd.concat([est.drop(index=1), halves], ignore_index=True)
    sc = score_events(est, ev)
    assert (sc.tp, sc.fp, sc.fn) == (n - 1, 2, 1)


def test_nan_and_empty_estimates():
    ev = _events()
    n = int(reference_strides(ev)["scored"].sum())
    empty = pd.DataFrame(columns=["side", "ic_s", "fc_s", "next_ic_s"])
    sc = score_events(empty, ev)
    assert (sc.tp, sc.fp, sc.fn) == (0, 0, n)
    assert sc.recall == 0 and np.isnan(sc.precision)
    est = _perfect(ev)
    est.loc[0, "next_ic_s"] = np.nan
    sc = score_events(est, ev)
    assert (sc.tp, sc.fn, sc.ignored) == (n - 1, 1, 6)


def test_pool_scores_sums_counts():
    ev = _events()
    est = _perfect(ev)
    a = score_events(est, ev)
    b = score_events(est.drop(index=0), ev)
    pooled = pool_scores([a, b])
    assert (pooled.tp, pooled.fn) == (a.tp + b.tp, a.fn + b.fn)
    assert pooled.ic_errors_s.size == a.ic_errors_s.size + b.ic_errors_s.size


def _recording(single: bool) -> Recording:
    """Two foot sensors with Voisard-style reference indices (fs 100 Hz, t0 = 0)."""
    sensors = {p: Sensor(placement=p, fs=100.0, acc=np.zeros((3000, 3)),
                         gyr=np.zeros((3000, 3)), clock=f"/x/1-1_{p[0]}f.txt")
               for p in ("left_foot", "right_foot")}
    ref = {"TrialBoundaries": [400, 2500], "UTurnBoundaries": [1300, 1450],
           "LeftFootEvents": [[380, 430], [520, 570], [1300, 1360], [2460, 2520]],
           "RightFootEvents": [[450, 500], [1250, 1290], [1470, 1520]]}
    rec = Recording(sensors=sensors)
    if single:
        rec.reference.update(ref)
    else:  # merged: keyed by source path; the right file's counter starts one sample later
        shifted = dict(ref, RightFootEvents=[[a - 1, b - 1] for a, b in ref["RightFootEvents"]],
                       TrialBoundaries=[399, 2499], UTurnBoundaries=[1299, 1449])
        rec.reference.update({"/x/1-1_lf.txt": ref, "/x/1-1_rf.txt": shifted})
    return rec


@pytest.mark.parametrize("single", [True, False])
def test_voisard_events_from_recording(single):
    ev = voisard_events(_recording(single))
    assert list(ev.columns) == EVENT_COLUMNS
    left = ev[ev["side"] == "left"]
    np.testing.assert_allclose(left["ic_s"], [4.3, 5.7, 13.6, 25.2])
    np.testing.assert_allclose(left["fc_s"], [3.8, 5.2, 13.0, 24.6])
    assert list(left["in_trial"]) == [False, True, True, False]
    assert list(left["in_uturn"]) == [False, False, True, False]
    right = ev[ev["side"] == "right"]
    shift = 0.0 if single else 0.01
    np.testing.assert_allclose(right["ic_s"], np.array([5.0, 12.9, 15.2]) - shift)
    # a swing ending 0.1 s before the U-turn, or starting 0.2 s after it, does not overlap it
    assert list(right["in_uturn"]) == [False, False, False]
    assert right["uturn_start_s"].iloc[0] == pytest.approx(13.0 - shift)


def test_render_markdown_has_targets():
    ev = _events()
    from footdrop.validation import annotations as ann

    result = ann.VoisardResult(scores={"1-1": score_events(_perfect(ev), ev),
                                       "1-2": score_events(_perfect(ev).iloc[3:], ev)},
                               strides={}, events={})
    md = render_voisard_markdown(result, n_worst=1)
    assert "≥ 99 %" in md and "≤ 20 ms" in md
    assert "| 1-2 |" in md and "| 1-1 |" not in md.split("Worst")[1]
    assert result.passes() == {"f1": False, "ic_medae_ms": True, "fc_medae_ms": True}


def _bench():
    spec = importlib.util.spec_from_file_location(
        "validate_real", REPO / "benchmarks" / "validate_real.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_write_section_keeps_other_sections(tmp_path):
    bench = _bench()
    doc = tmp_path / "docs" / "validation.md"
    bench.write_section(f"{bench.START}\nfirst\n{bench.END}", doc)
    assert doc.read_text().startswith("# Validation\n")
    doc.write_text(doc.read_text() + "\n## Motion capture\n\nkept\n")
    bench.write_section(f"{bench.START}\nsecond\n{bench.END}", doc)
    text = doc.read_text()
    assert "second" in text and "first" not in text and "kept" in text
    assert text.count(bench.START) == 1 and text.count(bench.END) == 1


def test_benchmark_without_data_says_so(tmp_path, capsys):
    assert _bench().main(["--data", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err
    assert "Voisard data not found" in err and "--data" in err


# --------------------------------------------------------------------------------------------
# MS example: engine against the counts by eye (bundled data)


def test_ms_example_counts_by_eye():
    assert MS_EXAMPLE_SWINGS == {"left": 73, "right": 74}
    strides, _ = footdrop.analyze(read_example())
    for side in ("left", "right"):
        n = int((strides["side"] == side).sum())
        # The engine cannot return the first stride (the recording starts in mid-gait), and
        # may make a stride of the left shuffle step at 59 s: within 2 of the count by eye.
        assert abs(n - MS_EXAMPLE_STRIDES[side]) <= 2, (side, n)


# --------------------------------------------------------------------------------------------
# Voisard et al. data (../shared/data/voisard-healthy)


def _json_events(root: Path, trial: str, suffix: str, key: str) -> np.ndarray:
    """Events straight from the JSON, shifted by the file's first PacketCounter."""
    with open(root / f"{trial}_{suffix}.txt") as fh:
        fh.readline()
        fh.readline()
        first = int(float(fh.readline().split("\t")[0]))
    info = json.loads((root / f"{trial}.json").read_text())
    return (np.asarray(info[key], dtype=float) - first) / 100.0


def test_voisard_trials_listed(voisard):
    trials = voisard_trials(voisard)
    # subjects 1–10; subject 2 has four trials, the others six
    assert len(trials) == 58
    assert trials[:2] == ["1-1", "1-2"] and trials[-1] == "10-6"


def test_voisard_events_match_json(voisard):
    for trial in ("1-1", "3-3", "8-5"):
        ev = voisard_events(read_voisard_trial(voisard, trial))
        for side, suffix, key in (("left", "lf", "LeftFootEvents"),
                                  ("right", "rf", "RightFootEvents")):
            expect = _json_events(voisard, trial, suffix, key)
            got = ev[ev["side"] == side]
            np.testing.assert_allclose(got["fc_s"], expect[:, 0], atol=1e-9)
            np.testing.assert_allclose(got["ic_s"], expect[:, 1], atol=1e-9)
            assert got["in_uturn"].sum() >= 1
            assert got["in_trial"].mean() > 0.8


@pytest.fixture(scope="module")
def voisard_result(voisard):
    return score_voisard(voisard)


def test_voisard_scoring_runs_on_every_trial(voisard_result):
    per = voisard_result.per_trial
    assert len(per) == 58
    assert (per["n_reference"] >= 15).all()  # ~ 20–35 scored strides per trial
    s = voisard_result.overall.summary()
    # a floor against breakage (time base, side swap, unit errors), far below the targets
    assert s["f1"] >= 0.85, s
    assert s["ic_medae_ms"] <= 30 and s["fc_medae_ms"] <= 60, s


# The targets are F1 >= 99 % and IC/FC MedAE <= 20 ms. Measured (58 trials,
# tolerance 0.1 s): F1 99.1 %, IC MedAE 15 ms (bias -8 ms), FC MedAE 30 ms (bias -33 ms).
# FC misses its target for a reason of definition (docs/validation.md); the FC test holds the
# level reached so that a regression fails, the F1 and IC tests hold the targets themselves.
def test_voisard_stride_f1_target(voisard_result):
    assert voisard_result.overall.f1 >= TARGETS["f1"]


def test_voisard_feet_fixed_by_the_stance_and_event_rules(voisard):
    # every scored stride of these feet is found, and no other: fast walkers whose rolling
    # stance dipped below the still threshold for a sample or two (4-4 right, 10-1 left,
    # 10-2 right), closing steps whose toe-off snap was taken for a toe-first landing (5-3
    # left, 3-4 right), a first step and a step out of the U-turn that glide before landing
    # (7-2 left, 1-2 left); tests/gait/test_stance_events.py has each pattern synthetically
    cases = [("4-4", "right"), ("10-1", "left"), ("10-2", "right"), ("5-3", "left"),
             ("3-4", "right"), ("7-2", "left"), ("1-2", "left")]
    result = score_voisard(voisard, trials=sorted({t for t, _ in cases}))
    for trial, side in cases:
        score = result.scores[trial]
        assert not (score.false_negatives["side"] == side).any(), (trial, side)
        assert not (score.false_positives["side"] == side).any(), (trial, side)


def test_voisard_ic_error_target(voisard_result):
    assert voisard_result.overall.summary()["ic_medae_ms"] <= TARGETS["ic_medae_ms"]


def test_voisard_fc_error_level(voisard_result):
    s = voisard_result.overall.summary()
    # FC is the push-off peak of the sagittal rate, which matches optical motion capture
    # within 1 ms on the gaitmap trial; the Voisard toe-off annotations sit ~30 ms later
    assert s["fc_medae_ms"] <= 30.0
    assert -40.0 <= s["fc_bias_ms"] <= -25.0


def test_voisard_missing_folder_message(tmp_path):
    with pytest.raises(footdrop.ReadError, match="does not exist"):
        voisard_trials(tmp_path / VOISARD_DIR)
