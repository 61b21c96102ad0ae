"""Hip hiking from a lower-back sensor: simulator truth, healthy walks, missing or unsynchronised
sensors, and the healthy Voisard walkers."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

import footdrop
from footdrop.assess.hip_hiking import HipHikingAssessment, _cumtrapz, _Strides
from footdrop.io import read
from footdrop.simulate import simulate

SIDES = ("left", "right")


def _run(seed: int, speed: float = 1.0, mounting="identity", lower_back: bool = True, **sides):
    sim = simulate(speed=speed, n_strides=16, seed=seed, mounting=mounting,
                   lower_back=lower_back, **sides)
    strides, _ = footdrop.analyze(sim.recording)
    return sim, strides, HipHikingAssessment().assess(sim.recording, strides)


def _true_rise(sim, side: str) -> float:
    """Median over the side's swings of the model's swing-side obliquity change from FC to
    mid-swing (true events), deg."""
    k = sim.body_kinematics["lower_back"]
    tr = sim.truth[sim.truth["side"] == side]
    fc = tr["fc_s"].to_numpy(float)
    mid = 0.5 * (fc + tr["next_ic_s"].to_numpy(float))
    sgn = 1.0 if side == "left" else -1.0
    return float(np.median(sgn * (np.interp(mid, k["t"], k["obliquity"])
                                  - np.interp(fc, k["t"], k["obliquity"]))))


@pytest.mark.parametrize(("side", "level", "mounting", "seed"), [
    ("left", 1.0, "identity", 31), ("right", 1.0, "random", 32),
    ("left", 0.5, "random", 33), ("right", 0.5, "identity", 34)])
def test_hiking_side_flagged_alone_with_the_true_rise(side, level, mounting, seed):
    sim, _, hh = _run(seed, speed=0.9, mounting=mounting,
                      **{side: {"severity": "none", "hip_hiking": level}})
    assert sim.labels[side]["compensation"]["hip_hiking"]
    other = "right" if side == "left" else "left"
    assert hh.sides_[side]["hip_hiking"] is True
    assert hh.sides_[other]["hip_hiking"] is False
    for s in SIDES:
        assert hh.sides_[s]["obliquity_rise_deg"] == pytest.approx(_true_rise(sim, s), abs=1.5)
        assert hh.sides_[s]["n_swings"] >= 10
    assert hh.warnings_ == []
    # the pelvis axes found from the walk are the model's, whatever the mounting
    mount = sim.body_kinematics["lower_back"]["mount"]  # sensor -> pelvis
    for key, axis in (("mediolateral", 1), ("anteroposterior", 0)):
        true = mount.T @ np.eye(3)[axis]
        assert np.degrees(np.arccos(np.dot(hh.frame_[key], true))) < 10


@pytest.mark.parametrize(("speed", "seed"), [(0.5, 41), (1.0, 42), (1.4, 43)])
def test_healthy_walks_are_not_flagged(speed, seed):
    _, _, hh = _run(seed, speed=speed, mounting="random")
    for s in SIDES:
        assert hh.sides_[s]["hip_hiking"] is False
        assert hh.sides_[s]["obliquity_rise_deg"] < hh.threshold_deg - 0.5


def test_foot_drop_without_hiking_is_not_flagged():
    _, _, hh = _run(44, speed=0.8, left="moderate")
    assert [hh.sides_[s]["hip_hiking"] for s in SIDES] == [False, False]


def test_evidence_states_the_number_the_normal_range_and_the_threshold():
    _, _, hh = _run(45, speed=0.9, left={"severity": "none", "hip_hiking": 1.0})
    ev = hh.sides_["left"]["evidence"]
    assert ev[0].startswith("left: hip hiking yes: the pelvis on the left side rises")
    value = float(re.search(r"rises (\d+\.\d)°", ev[0]).group(1))
    # printed to one decimal: within half a unit of the last digit (plus float slack)
    assert value == pytest.approx(hh.sides_["left"]["obliquity_rise_deg"], abs=0.0501)
    assert "healthy walkers" in ev[0] and f"flagged above +{hh.threshold_deg:.1f}°" in ev[0]
    assert hh.sides_["right"]["evidence"][0].startswith("right: hip hiking no")
    sw = hh.swings_
    assert set(sw["side"]) == set(SIDES)
    assert np.allclose(sw["obliquity_rise_deg"],
                       sw["obliquity_mid_swing_deg"] - sw["obliquity_fc_deg"])


def test_without_a_lower_back_sensor_nothing_is_assessed():
    sim, strides, hh = _run(46, lower_back=False)
    assert "lower_back" not in sim.recording
    for s in SIDES:
        e = hh.sides_[s]
        assert e["hip_hiking"] is None and e["obliquity_rise_deg"] is None
        assert e["n_swings"] == 0 and "no lower-back sensor" in e["evidence"][0]
    assert hh.warnings_ == []


def test_lower_back_on_another_clock_is_not_guessed():
    sim, strides, _ = _run(47, left={"severity": "none", "hip_hiking": 1.0})
    rec = sim.recording.copy()
    rec["lower_back"].clock = "belt-logger"
    hh = HipHikingAssessment().assess(rec, strides)
    for s in SIDES:
        assert hh.sides_[s]["hip_hiking"] is None
        assert hh.sides_[s]["obliquity_rise_deg"] is None
    assert len(hh.warnings_) == 2
    assert all("belt-logger" in w and "same clock name" in w for w in hh.warnings_)


def test_too_few_swings_and_no_strides_give_no_verdict():
    sim, strides, _ = _run(48, left={"severity": "none", "hip_hiking": 1.0})
    few = strides[(strides["side"] == "right") | (strides["stride_id"] < 3)]
    hh = HipHikingAssessment(min_swings=4).assess(sim.recording, few)
    assert hh.sides_["left"]["hip_hiking"] is None and hh.sides_["left"]["n_swings"] == 3
    assert hh.sides_["right"]["hip_hiking"] is False
    assert any(w.startswith("left: hip hiking not assessed: 3 usable") for w in hh.warnings_)
    empty = HipHikingAssessment().assess(sim.recording, strides.iloc[0:0])
    assert all(empty.sides_[s]["hip_hiking"] is None for s in SIDES)


def test_strides_over_missing_lower_back_samples_are_dropped():
    sim, strides, ref = _run(49, left={"severity": "none", "hip_hiking": 1.0})
    rec = sim.recording.copy()
    lb = rec["lower_back"]
    first = strides[strides["side"] == "left"].iloc[2]
    i = int((first["ic_s"] + 0.1 - lb.t0) * lb.fs)
    lb.gyr[i:i + 5] = np.nan
    hh = HipHikingAssessment().assess(rec, strides)
    assert hh.sides_["left"]["n_swings"] == ref.sides_["left"]["n_swings"] - 1
    assert hh.sides_["left"]["hip_hiking"] is True


def test_angle_integration_removes_bias_and_is_relative_to_the_stride_mean():
    fs, t = 100.0, np.arange(1000) / 100.0
    angle = 3.0 * np.sin(2 * np.pi * t)  # one cycle per second, deg
    rate = np.gradient(angle, 1 / fs) + 0.7  # deg/s with a gyroscope bias
    ic = np.array([100.0, 200.0, 300.0, 400.0])
    st = _Strides(ic, ic + 60.0, ic + 100.0)
    at_samples, at = st.angle(_cumtrapz(rate[:, None], 1 / fs))
    assert np.allclose(at_samples[:, 0], angle[st.idx], atol=0.05)
    pos = np.array([130.5, 250.25])
    assert np.allclose(at(pos, np.array([0, 1]))[:, 0], 3.0 * np.sin(2 * np.pi * pos / fs),
                       atol=0.05)


# ----------------------------------------------------------------------------- Voisard
def _voisard(root, trial: str):
    """Feet and lower back of a Voisard trial on the Awinda packet-counter clock."""
    paths = [root / f"{trial}_{s}.txt" for s in ("lf", "rf", "lb")]
    if not all(p.is_file() for p in paths):
        return None
    rec = read([str(p) for p in paths])
    for s in rec.sensors.values():
        s.t0 = float(s.extra["packet_counter"][0]) / s.fs
        s.clock = "awinda"
    return rec


def test_healthy_voisard_walkers_are_not_flagged(voisard):
    from footdrop.validation.annotations import voisard_trials

    rows = []
    for trial in voisard_trials(voisard):
        rec = _voisard(voisard, trial)
        if rec is None:
            continue
        strides, _ = footdrop.analyze(rec)
        hh = HipHikingAssessment().assess(rec, strides)
        rows += [{"trial": trial, "side": s, **hh.sides_[s]} for s in SIDES]
    df = pd.DataFrame(rows)
    assert len(df) >= 100
    assert (df["hip_hiking"] == False).all(), df[df["hip_hiking"] != False]  # noqa: E712
    assert df["obliquity_rise_deg"].max() < HipHikingAssessment().threshold_deg - 1.0
    assert df["obliquity_rise_deg"].median() < 0  # the swing side drops in normal gait
