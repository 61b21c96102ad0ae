"""Foot-drop assessment against simulator truth, and its place in summary.json."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

import footdrop
from footdrop.assess.foot_drop import FootDropAssessment
from footdrop.assess.walk import asymmetry, fatigability
from footdrop.gait.analyze import write_outputs
from footdrop.simulate import simulate

ORDER = {"none": 0, "mild": 1, "moderate": 2, "severe": 3}


def _run(**kw):
    sim = simulate(n_strides=20, **kw)
    strides, summary = footdrop.analyze(sim.recording)
    return sim, strides, summary


@pytest.mark.parametrize("severity", ["mild", "moderate", "severe"])
@pytest.mark.parametrize("speed", [0.4, 1.2])
def test_affected_side_detected_and_control_side_not(severity, speed):
    _, _, summary = _run(speed=speed, right=severity, seed=21)
    right, left = summary["sides"]["right"]["foot_drop"], summary["sides"]["left"]["foot_drop"]
    assert right["detected"] is True
    assert abs(ORDER[right["severity"]] - ORDER[severity]) <= 1
    assert left["detected"] is False and left["severity"] == "none"
    assert 0.0 <= left["score"] < 0.5 <= right["score"] <= 1.0
    assert summary["asymmetry"]["more_affected_side"] == "right"


def test_evidence_cites_the_measured_numbers_against_the_normal_range():
    _, strides, summary = _run(speed=0.9, left="moderate", seed=22)
    fd = summary["sides"]["left"]["foot_drop"]
    line = next(e for e in fd["evidence"] if e.startswith("foot strike angle"))
    value, lo, hi = (float(x) for x in re.findall(r"-?\d+", line)[:3])
    level = strides[(strides["side"] == "left") & strides["level_walking"]]
    assert value == pytest.approx(level["foot_strike_angle_deg"].median(), abs=0.5)
    assert lo < hi and value < lo  # a flat landing lies below the normal range
    assert "flat-foot landing" in line
    assert any("toe lift before landing" in e for e in fd["evidence"])
    assert fd["subscores"]["landing"] > 0


def test_compensations_are_flagged_on_their_side_only():
    _, _, summary = _run(speed=1.0, left={"severity": "moderate", "steppage": True},
                         right={"severity": "none", "circumduction": True}, seed=23)
    left, right = summary["sides"]["left"]["compensation"], summary["sides"]["right"][
        "compensation"]
    assert left["steppage"] and not left["circumduction"]
    assert right["circumduction"] and not right["steppage"]
    assert left["hip_hiking"] is None  # no lower-back sensor
    assert any("cm at mid-swing" in e for e in left["evidence"])


def test_no_verdict_with_too_few_strides():
    strides = pd.DataFrame({
        "side": ["left"] * 2, "ic_s": [0.0, 1.0], "fc_s": [0.6, 1.6], "next_ic_s": [1.0, 2.0],
        "gait_speed_mps": [1.0, 1.0], "foot_strike_angle_deg": [20.0, 20.0],
        "mid_swing_pitch_deg": [-15.0, -15.0], "min_toe_clearance_m": [0.01, 0.01],
        "max_toe_clearance_m": [0.1, 0.1], "max_heel_clearance_m": [0.2, 0.2],
        "lateral_excursion_m": [0.04, 0.04], "toe_scuff": [0, 1], "level_walking": [True, True],
    })
    fda = FootDropAssessment().assess(strides)
    assert fda.sides_["left"]["foot_drop"]["detected"] is None
    assert any("not assessed" in w for w in fda.warnings_)
    assert fda.sides_["left"]["toe_scuffs"] == 1
    assert fda.sides_["left"]["toe_scuff_times_s"] == [1.8]


def test_fatigability_follows_the_simulated_decline():
    sim = simulate(n_strides=60, speed=1.0, left="mild", fatigue=1.0, seed=24)
    strides, _ = footdrop.analyze(sim.recording)
    fat = fatigability(strides, "left")
    assert fat["assessed"] and "fifth" in fat["basis"]
    truth = sim.truth[sim.truth["side"] == "left"].sort_values("ic_s")
    k = max(len(strides[strides["side"] == "left"]) // 5, 2)
    true_change = 100 * (truth["gait_speed_mps"].iloc[-k:].median()
                         / truth["gait_speed_mps"].iloc[:k].median() - 1)
    measured = fat["metrics"]["gait_speed_mps"]["change_pct"]
    assert true_change < -8  # the simulator slowed down
    assert measured == pytest.approx(true_change, abs=3.0)
    # the strike angle drops as the severity rises: flagged against the typical angle
    assert fat["metrics"]["foot_strike_angle_deg"]["declined"]
    assert fat["declined"] and "foot_strike_angle_deg" in fat["summary"]
    steady = fatigability(footdrop.analyze(simulate(n_strides=60, seed=25).recording)[0],
                          "left")
    assert not steady["declined"]


def test_asymmetry_indices():
    df = pd.DataFrame({"side": ["left", "right"], "level_walking": [True, True],
                       **{c: [1.0, 0.5] for c in (
                           "gait_speed_mps", "stride_length_m", "stride_time_s",
                           "stance_time_s", "swing_time_s", "min_toe_clearance_m",
                           "max_toe_clearance_m", "max_heel_clearance_m",
                           "lateral_excursion_m")},
                       "foot_strike_angle_deg": [5.0, 20.0], "toe_off_angle_deg": [-50, -60],
                       "mid_swing_pitch_deg": [-20, -15]})
    a = asymmetry(df)
    assert a["metrics"]["stride_length_m"]["symmetry_index_pct"] == pytest.approx(
        100 * 0.5 / 0.75)
    assert a["metrics"]["foot_strike_angle_deg"]["difference"] == -15.0
    assert a["metrics"]["foot_strike_angle_deg"]["symmetry_index_pct"] is None
    assert a["more_affected_side"] == "left"


def test_summary_json_carries_the_assessment(tmp_path):
    _, strides, summary = _run(speed=0.8, left="severe", seed=26)
    write_outputs(strides, summary, tmp_path)
    back = json.loads((tmp_path / "summary.json").read_text())
    left = back["sides"]["left"]
    assert left["foot_drop"]["detected"] is True and left["foot_drop"]["severity"] == "severe"
    for key in ("compensation", "toe_scuffs", "toe_scuff_times_s", "fatigability"):
        assert key in left
    assert isinstance(left["toe_scuffs"], int)
    assert back["asymmetry"]["more_affected_side"] == "left"
    assert np.isfinite(back["asymmetry"]["metrics"]["stride_length_m"]["left"])


def test_healthy_gaitmap_example_has_no_foot_drop(gaitmap_example):
    rec = footdrop.load(gaitmap_example / "imu_sample.csv", fs=204.8)
    _, summary = footdrop.analyze(rec)
    for side in ("left", "right"):
        fd = summary["sides"][side]["foot_drop"]
        assert fd["detected"] is False and fd["score"] < 0.5


def test_hip_hiking_in_the_summary_with_a_lower_back_sensor():
    sim = simulate(speed=1.0, n_strides=16, left={"severity": "moderate", "hip_hiking": 1.0},
                   lower_back=True, seed=27)
    _, summary = footdrop.analyze(sim.recording)
    left = summary["sides"]["left"]["compensation"]
    right = summary["sides"]["right"]["compensation"]
    assert left["hip_hiking"] is True and right["hip_hiking"] is False
    assert left["hip_hiking_obliquity_rise_deg"] > 4.0 > right["hip_hiking_obliquity_rise_deg"]
    assert any("hip hiking yes" in e for e in left["evidence"])
