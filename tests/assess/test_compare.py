"""`footdrop compare`: between-session changes with bootstrap CIs, MCIDs and directions."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import footdrop
from cli_run import run_cli as _run
from footdrop.assess import SessionComparison, compare_sessions
from footdrop.assess.compare import METRICS
from footdrop.errors import ReadError
from footdrop.gait.analyze import write_outputs
from footdrop.simulate import simulate


@pytest.fixture(scope="module")
def sessions():
    """Moderate left foot drop at 0.6 m/s (A) against mild at 0.8 m/s (B), with truth."""
    out = {}
    for key, kw in (("a", {"speed": 0.6, "left": "moderate", "seed": 1}),
                    ("b", {"speed": 0.8, "left": "mild", "seed": 2})):
        result = simulate(n_strides=30, **kw)
        strides, summary = footdrop.analyze(result.recording)
        out[key] = (result, strides, summary)
    return out


@pytest.fixture(scope="module")
def comparison(sessions):
    return SessionComparison().compare(sessions["a"][1], sessions["b"][1],
                                       label_a="FES off", label_b="FES on")


def _row(comp, side, metric):
    rows = comp.changes_[(comp.changes_["side"] == side) & (comp.changes_["metric"] == metric)]
    assert len(rows) == 1
    return rows.iloc[0]


def test_speed_change_against_truth(sessions, comparison):
    assert len(comparison.changes_) == 2 * len(METRICS)
    for side in ("left", "right"):
        truth = [sessions[k][0].truth for k in "ab"]
        true_diff = (truth[1].loc[truth[1]["side"] == side, "gait_speed_mps"].median()
                     - truth[0].loc[truth[0]["side"] == side, "gait_speed_mps"].median())
        row = _row(comparison, side, "gait_speed_mps")
        assert row["n_a"] == 30 and row["n_b"] == 30
        # The CI covers the stride-to-stride variation, not the engine's systematic error.
        # That error is the same in both sessions on the unaffected right foot, but differs
        # between moderate and mild foot drop on the left (about -1 % at 0.6 m/s, +1 % at
        # 0.8 m/s here): allow the engine's stride-length bias target (1 cm per stride, about
        # 0.015 m/s on a difference at these stride times) there.
        tol = 0.0 if side == "right" else 0.015
        assert row["ci_low"] - tol <= true_diff <= row["ci_high"] + tol, (side, true_diff, row)
        assert row["ci_low"] < row["change"] < row["ci_high"]
        assert row["direction"] == "better"
        assert row["passes_mcid"] and row["point_beyond_mcid"]
        assert row["ci_low"] >= 0.10  # beyond the substantial MCID as a whole
        assert "substantial 0.10 m/s (Street et al. 2015)" in row["mcid_passed"]
        assert "Hobart et al. 2013" in row["mcid_passed"]  # 20 % of 0.6 m/s = 0.12 m/s
        assert row["text"].startswith(
            f"{side.capitalize()}: gait speed rose from {row['median_a']:.2f} to "
            f"{row['median_b']:.2f} m/s")
        assert "substantial clinically important difference of 0.10 m/s" in row["text"]
    # clinical sense: shorter strides in time are better, a higher strike angle is better
    assert _row(comparison, "left", "stride_time_s")["direction"] == "better"
    assert _row(comparison, "left", "foot_strike_angle_deg")["direction"] == "better"


def test_identical_sessions_show_no_clear_change(sessions):
    strides = sessions["a"][1]
    comp = SessionComparison(n_boot=1000).compare(strides, strides)
    ch = comp.changes_
    assert (ch["change"] == 0).all()
    assert ((ch["ci_low"] <= 0) & (ch["ci_high"] >= 0)).all()
    assert (ch["direction"] == "no clear change").all()
    assert not ch["passes_mcid"].any() and not ch["point_beyond_mcid"].any()
    assert "in both sessions" in _row(comp, "left", "gait_speed_mps")["text"]


def test_reproducible_with_the_same_seed(sessions):
    a, b = sessions["a"][1], sessions["b"][1]
    first = SessionComparison(seed=7).compare(a, b).changes_
    pd.testing.assert_frame_equal(first, SessionComparison(seed=7).compare(a, b).changes_)
    other = SessionComparison(seed=8).compare(a, b).changes_
    assert not np.allclose(first["ci_low"], other["ci_low"], equal_nan=True)
    # each metric has its own random stream: choosing metrics does not move the intervals
    speed = SessionComparison(seed=7, metrics=["gait_speed_mps"]).compare(a, b).changes_
    assert list(speed["metric"]) == ["gait_speed_mps"] * 2
    np.testing.assert_array_equal(speed["ci_low"], first.loc[first["metric"] ==
                                                             "gait_speed_mps", "ci_low"])


def _constant(side_values: dict, n=20, **extra) -> pd.DataFrame:
    rows = []
    for side, speed in side_values.items():
        for i in range(n):
            rows.append({"side": side, "stride_id": i, "gait_speed_mps": speed,
                         "stride_length_m": speed * 1.2, "stride_time_s": 1.2,
                         "stance_time_s": 0.75, "foot_strike_angle_deg": 10.0,
                         "mid_swing_pitch_deg": -15.0, "min_toe_clearance_m": 0.012,
                         "max_toe_clearance_m": 0.08, "lateral_excursion_m": 0.04,
                         "toe_scuff": 0, **extra})
    return pd.DataFrame(rows)


def test_mcid_rule_names_the_threshold_passed():
    a = _constant({"left": 0.50, "right": 0.50})
    b = _constant({"left": 0.58, "right": 0.54})
    comp = SessionComparison(n_boot=200, metrics=["gait_speed_mps"]).compare(a, b)
    left, right = _row(comp, "left", "gait_speed_mps"), _row(comp, "right", "gait_speed_mps")
    # +0.08 m/s: beyond the small (0.05) MCID, not the substantial (0.10) nor 20 % (0.10)
    assert left["passes_mcid"] and left["mcid"] == pytest.approx(0.05)
    assert left["mcid_passed"] == "small 0.05 m/s (Street et al. 2015)"
    assert left["change_pct"] == pytest.approx(16.0)
    assert "small clinically important difference of 0.05 m/s" in left["text"]
    # +0.04 m/s: a clear improvement below every MCID
    assert right["direction"] == "better" and not right["passes_mcid"]
    assert "smaller than the small clinically important difference" in right["text"]


def test_rates_and_lower_is_better():
    rng = np.random.default_rng(3)
    a = _constant({"left": 0.6, "right": 0.6}, n=40)
    b = a.copy()
    a.loc[a["side"] == "left", "toe_scuff"] = (rng.random(40) < 0.5).astype(int)
    a.loc[(a["side"] == "left") & (a["stride_id"] < 10), "min_toe_clearance_m"] = np.nan
    comp = SessionComparison().compare(a, b)
    scuff = _row(comp, "left", "toe_scuff_rate")
    assert scuff["median_a"] == pytest.approx(a.loc[a["side"] == "left", "toe_scuff"].mean())
    assert scuff["median_b"] == 0 and scuff["direction"] == "better" and scuff["passes_mcid"]
    assert "toe-scuff rate fell from" in scuff["text"] and "percentage points" in scuff["text"]
    no_mtc = _row(comp, "left", "no_mtc_rate")
    assert no_mtc["median_a"] == pytest.approx(0.25) and no_mtc["direction"] == "better"
    assert _row(comp, "left", "min_toe_clearance_m")["n_a"] == 30  # NaN MTCs left out
    assert _row(comp, "right", "toe_scuff_rate")["direction"] == "no clear change"


def test_too_few_strides_and_level_walking(sessions):
    a, b = sessions["a"][1].copy(), sessions["b"][1]
    a["level_walking"] = a["level_walking"] & ~((a["side"] == "left") & (a["stride_id"] > 2))
    comp = SessionComparison().compare(a, b)
    row = _row(comp, "left", "gait_speed_mps")
    assert row["n_a"] == 3 and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"])
    assert row["direction"] == "no clear change" and not row["passes_mcid"]
    assert "too few strides" in row["text"]
    assert comp.n_strides_["left"] == {"a": 3, "b": 30}
    everything = SessionComparison(level_only=False).compare(a, b)
    assert _row(everything, "left", "gait_speed_mps")["n_a"] == 30


def test_outputs_are_json_and_markdown(comparison):
    report = comparison.to_dict()
    text = json.dumps(report, allow_nan=False)
    assert json.loads(text)["label_b"] == "FES on"
    assert len(report["changes"]) == 2 * len(METRICS)
    md = comparison.to_markdown()
    assert md.splitlines()[0].startswith("| side | metric | FES off | FES on |")
    assert "- Left: gait speed rose from" in md


def test_missing_file_or_columns_is_a_read_error(tmp_path, sessions):
    empty = tmp_path / "visit1"
    empty.mkdir()
    with pytest.raises(ReadError, match="strides.csv") as err:
        compare_sessions(empty, sessions["b"][1])
    assert str(empty / "strides.csv") in err.value.message and "Fix:" in err.value.message
    broken = tmp_path / "visit2"
    broken.mkdir()
    sessions["a"][1].drop(columns=["toe_scuff"]).to_csv(broken / "strides.csv", index=False)
    with pytest.raises(ReadError, match="missing column.s. toe_scuff"):
        compare_sessions(broken, sessions["b"][1])
    text = sessions["a"][1].astype({"gait_speed_mps": object})
    text.loc[0, "gait_speed_mps"] = "fast"
    text.to_csv(broken / "strides.csv", index=False)
    with pytest.raises(ReadError, match="gait_speed_mps has non-numeric values"):
        compare_sessions(broken, sessions["b"][1])


def test_cli_end_to_end(tmp_path, monkeypatch, capsys, sessions):
    for key in "ab":
        _, strides, summary = sessions[key]
        write_outputs(strides, summary, tmp_path / f"visit_{key}")
    out = tmp_path / "cmp"
    code, stdout, err = _run(monkeypatch, capsys, "compare", tmp_path / "visit_a",
                             tmp_path / "visit_b", "--out", out, "--label-a", "FES off",
                             "--label-b", "FES on", "--n-boot", "500")
    assert code == 0, err
    assert "FES on" in stdout
    found = re.search(r"Left: gait speed rose from (\d\.\d\d) to (\d\.\d\d)", stdout)
    assert found, stdout
    for value, key in zip(found.groups(), "ab", strict=True):
        truth = sessions[key][0].truth
        true_speed = truth[truth["side"] == "left"]["gait_speed_mps"].median()
        assert float(value) == pytest.approx(true_speed, abs=0.03)
    report = json.loads((out / "compare.json").read_text())
    assert report["schema"] == "footdrop.compare/1" and report["label_a"] == "FES off"
    speed = next(c for c in report["changes"]
                 if c["side"] == "left" and c["metric"] == "gait_speed_mps")
    assert speed["direction"] == "better" and speed["passes_mcid"] is True
    table = pd.read_csv(out / "compare.csv")
    assert len(table) == 2 * len(METRICS) and table["passes_mcid"].dtype == bool
    code, stdout, err = _run(monkeypatch, capsys, "compare", tmp_path / "visit_a",
                             tmp_path / "visit_b", "--json", "--n-boot", "200")
    assert code == 0, err
    assert json.loads(stdout)["label_a"] == "visit_a"


def test_cli_bad_input_exits_2_without_traceback(tmp_path, monkeypatch, capsys):
    (tmp_path / "empty").mkdir()
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "strides.csv").write_text("side,gait_speed_mps\nleft,abc\n")
    for args, expect in (([tmp_path / "missing", tmp_path / "empty"], "missing"),
                         ([tmp_path / "empty", tmp_path / "empty"], "strides.csv"),
                         ([bad, bad], "missing column(s)")):
        code, out, err = _run(monkeypatch, capsys, "compare", *args)
        assert code == 2, err
        assert expect in err and "Fix:" in err
        assert "Traceback" not in out + err
