"""The gait engine against simulator truth: pathological gait, rest, turns, stairs.

Tolerances are the issue's targets where the engine meets them on simulated data and are
stated in each test where a case is harder (docs/gait.md lists what is still weak).
"""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import footdrop
from footdrop.gait.engine import GaitAnalysis
from footdrop.simulate import simulate

LATERAL = {"toe_offset": (0.19, -0.06, -0.055), "heel_offset": (-0.06, -0.06, -0.055)}


def _matched(strides, truth, side="left", tol=0.15):
    t = truth[truth["side"] == side]
    pairs = []
    for row in strides[strides["side"] == side].itertuples():
        j = int(np.argmin(np.abs(t["ic_s"].to_numpy() - row.ic_s)))
        if abs(t["ic_s"].iloc[j] - row.ic_s) < tol:
            pairs.append((row, t.iloc[j]))
    return pairs


def _run(seed=1, **kw):
    res = simulate(seed=seed, **kw)
    strides, _ = footdrop.analyze(res.recording, **LATERAL)
    return res, strides


def _med(pairs, col, scale=1.0):
    return float(np.nanmedian([(getattr(a, col) - b[col]) * scale for a, b in pairs]))


@pytest.mark.parametrize(
    ("name", "kw", "length_tol", "strike_tol"),
    [
        ("normal 1.2 m/s", {"speed": 1.2}, 1.0, 1.0),
        ("normal 1.6 m/s", {"speed": 1.6}, 1.0, 1.0),
        ("mild foot drop", {"speed": 1.0, "left": {"severity": "mild"}}, 1.0, 1.0),
        # harder: the landing rolls over the whole sole; 1.5 cm and 1.5° stated here
        ("flat-foot landing", {"speed": 0.8, "left": {"severity": "moderate"}}, 1.5, 1.5),
        ("toe-first landing", {"speed": 0.6, "left": {"severity": "severe"}}, 1.5, 1.5),
        ("toe-first, faster", {"speed": 1.2, "left": {"severity": "severe"}}, 1.5, 1.5),
    ],
)
def test_events_length_and_strike(name, kw, length_tol, strike_tol):
    res, strides = _run(n_strides=20, **kw)
    pairs = _matched(strides, res.truth)
    n_truth = int((res.truth["side"] == "left").sum())
    assert len(pairs) >= n_truth - 1, name  # every stride found (first may start mid-gait)
    assert abs(_med(pairs, "ic_s", 1000)) <= 10.0, name
    assert abs(_med(pairs, "fc_s", 1000)) <= 10.0, name
    assert abs(_med(pairs, "stride_length_m", 100)) <= length_tol, name
    assert abs(_med(pairs, "foot_strike_angle_deg")) <= strike_tol, name


def _length_bias_per_sensor(seeds, **kw):
    """Median stride-length error (cm) of every simulated foot sensor."""
    out = []
    for seed in seeds:
        res, strides = _run(seed=seed, **kw)
        for side in ("left", "right"):
            out.append(_med(_matched(strides, res.truth, side), "stride_length_m", 100))
    return np.array(out)


def test_slow_walking_down_to_0_3_mps():
    # exact signals: the algorithm itself
    res, strides = _run(speed=0.3, n_strides=12, noise="none")
    pairs = _matched(strides, res.truth)
    assert len(pairs) >= 11
    assert abs(_med(pairs, "stride_length_m", 100)) <= 1.0
    assert abs(_med(pairs, "foot_strike_angle_deg")) <= 2.0
    assert abs(_med(pairs, "ic_s", 1000)) <= 15.0
    # typical sensor errors: a stride at 0.3 m/s is integrated over ~1.5 s, so a
    # 0.05 m/s² accelerometer bias or a 0.3 % scale error moves its length by a few cm; one
    # sensor's error is stated at 4 cm and the mean over six sensors held at 1.5 cm
    bias = _length_bias_per_sensor((1, 2, 3), speed=0.3, n_strides=12)
    assert np.abs(bias).max() <= 4.0 and abs(bias.mean()) <= 1.5, bias


def test_random_mounting():
    res, strides = _run(speed=1.2, n_strides=20, mounting="random", noise="none")
    pairs = _matched(strides, res.truth)
    assert len(pairs) >= 19
    assert abs(_med(pairs, "stride_length_m", 100)) <= 1.0
    # the alignment keeps the mounting roll; 2° stated for the strike angle here
    assert abs(_med(pairs, "foot_strike_angle_deg")) <= 2.0
    # with typical sensor errors the mounting turns the accelerometer's bias and scale
    # error into the walking direction: 1.5 cm stated per sensor, 1 cm for the mean of six
    bias = _length_bias_per_sensor((1, 2, 3), speed=1.2, n_strides=20, mounting="random")
    assert np.abs(bias).max() <= 1.5 and abs(bias.mean()) <= 1.0, bias


def test_rest_sitting_and_weight_shifting_give_no_strides():
    res, strides = _run(protocol=[("stand", 5), ("sit", 10), ("weight_shift", 10),
                                  ("stand", 5)])
    assert len(res.truth) == 0
    assert len(strides) == 0


def test_turning_strides_are_flagged():
    res, strides = _run(seed=4, speed=1.0, protocol=[("stand", 2), ("walk", 8), ("turn", 180),
                                                     ("walk", 8), ("stand", 2)])
    both = [p for side in ("left", "right") for p in _matched(strides, res.truth, side)]
    assert len(both) >= len(res.truth) - 2
    agree = np.mean([bool(a.turning) == bool(b["turning"]) for a, b in both])
    assert agree >= 0.9
    assert strides["turning"].sum() >= 2


def test_stairs_are_flagged_and_kept_out_of_level_medians():
    res, strides = _run(seed=4, speed=0.8, protocol=[("stand", 2), ("walk", 6),
                                                     ("stairs", 8, {"direction": "up"}),
                                                     ("walk", 4), ("stand", 2)])
    both = [p for side in ("left", "right") for p in _matched(strides, res.truth, side)]
    level_truth = [(a, b) for a, b in both if not b["stairs"]]
    stair_truth = [(a, b) for a, b in both if b["stairs"]]
    assert stair_truth, "the protocol has stairs"
    # no level stride is called a stair stride; at least half the stair strides are found
    # (harder case: stair strides below the 25 cm threshold are taken as drift)
    assert not any(a.stairs for a, b in level_truth)
    assert np.mean([bool(a.stairs) for a, b in stair_truth]) >= 0.5
    assert not strides.loc[strides["stairs"], "level_walking"].any()


# ---------------------------------------------------------------- property-based recovery


@settings(max_examples=12, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(speed=st.floats(0.3, 1.6), severity=st.floats(0.0, 1.0),
       other=st.floats(0.0, 0.3), mounting=st.sampled_from(["identity", "random"]),
       fs=st.sampled_from([100.0, 128.0, 204.8]), seed=st.integers(0, 10_000))
def test_engine_recovers_truth_for_random_parameters(speed, severity, other, mounting, fs,
                                                     seed):
    """Over random speeds (0.3-1.6 m/s), severities on both feet, mountings and rates.

    Tolerances (stated, from 150-case scans, benchmarks/validate_simulator_recovery.py):
    every stride found but at most one per side, median |IC error| and |FC error| <= 15 ms,
    mean stride-length error <= 3 cm on exact signals, and with the default sensor errors
    <= 3 cm or 6 % of the stride (7 cm below 0.5 m/s), as the swing integrates them for up
    to 1.5 s: one random sensor at 0.3 m/s moves it by -6.1 cm against -1.0 cm on exact
    signals, another at 0.58 m/s by -3.5 cm), median strike
    angle error <= 1.5 deg, median MTC error <= 6 mm. Over 300 random walks the benchmark
    finds 299 within these (docs/validation.md).
    """
    res = simulate(speed=speed, n_strides=12, left=severity, right=other, mounting=mounting,
                   fs=fs, seed=seed)
    strides, _ = footdrop.analyze(res.recording, **LATERAL)
    for side in ("left", "right"):
        truth = res.truth[res.truth["side"] == side]
        pairs = _matched(strides, res.truth, side, tol=0.05)
        assert len(pairs) >= len(truth) - 1, (side, len(pairs), len(truth))
        assert np.median([abs(a.ic_s - b["ic_s"]) for a, b in pairs]) <= 0.015
        assert np.median([abs(a.fc_s - b["fc_s"]) for a, b in pairs]) <= 0.015
        length_tol = 0.07 if speed < 0.5 else max(0.03, 0.06 * truth["stride_length_m"].mean())
        assert abs(np.mean([a.stride_length_m - b["stride_length_m"]
                            for a, b in pairs])) <= length_tol
        assert abs(_med(pairs, "foot_strike_angle_deg")) <= 1.5
        mtc = [a.min_toe_clearance_m - b["min_toe_clearance_m"] for a, b in pairs]
        if np.isfinite(mtc).sum() >= 3:
            assert abs(np.nanmedian(mtc)) <= 0.006
    # the algorithm itself, without the sensor errors, stays within 3 cm
    exact = simulate(speed=speed, n_strides=12, left=severity, right=other,
                     mounting=mounting, fs=fs, seed=seed, noise="none")
    strides, _ = footdrop.analyze(exact.recording, **LATERAL)
    for side in ("left", "right"):
        pairs = _matched(strides, exact.truth, side, tol=0.05)
        assert abs(np.mean([a.stride_length_m - b["stride_length_m"]
                            for a, b in pairs])) <= 0.03


@pytest.mark.parametrize(("seed", "kw"), [
    (21, {"speed": 0.4, "right": {"severity": "moderate"}}),
    (1, {"speed": 0.3, "right": {"severity": "severe", "steppage": True}}),
    (12, {"speed": 0.3, "right": {"severity": "moderate", "circumduction": True}}),
])
def test_slow_swing_paused_in_mid_air_is_one_swing(seed, kw):
    # the foot turns too slowly to count as moving for 50-150 ms in mid-swing; before the
    # pause was recognised each such swing made two short strides (0.06 + 0.45 m), and a
    # slow heel-off polluted the stance gravity (-7 cm); exact signals test the algorithm
    res, strides = _run(seed=seed, n_strides=20, noise="none", **kw)
    pairs = _matched(strides, res.truth, "right")
    n_truth = int((res.truth["side"] == "right").sum())
    assert len(pairs) >= n_truth - 1
    assert len(strides[strides["side"] == "right"]) <= n_truth
    assert abs(_med(pairs, "stride_length_m", 100)) <= 2.0
    ratio = np.array([a.stride_length_m / b["stride_length_m"] for a, b in pairs])
    # still weak: one stride of 20 may keep half its length (docs/gait.md)
    assert (ratio < 0.8).sum() <= 1


def test_split_swings_do_not_turn_the_sensor_yaw_around():
    # moderate-severe foot drop at 0.4 m/s: the yaw probe's split swings (integrated from a
    # false rest in mid-air) travelled backwards, and their median once turned the left
    # sensor by -173°, putting FC 0.3-0.6 s early on every stride
    res = simulate(speed=0.40, n_strides=12, left=0.65, right=0.07, fs=128.0, seed=2632)
    engine = GaitAnalysis(**LATERAL).analyze(res.recording)
    assert abs(engine.geometry_["left"].get("sensor_yaw_deg") or 0.0) < 20.0
    pairs = _matched(engine.strides_, res.truth, "left")
    assert len(pairs) >= 11
    assert np.median([abs(a.fc_s - b["fc_s"]) for a, b in pairs]) <= 0.015


@pytest.mark.parametrize(("why", "kw"), [
    # toe-first landing at a shallow angle (-1 to -5 deg): the toes touch softly and the
    # heel drops no faster than the swing turned; IC was put at the heel's landing, +27 ms
    ("shallow toe-first", dict(speed=0.40, left=0.65, right=0.07, mounting="identity",
                               fs=128.0, seed=2632)),
    # gentle heel strike after a swing that brakes hard in the air: IC was put on the
    # braking, -50 ms
    ("gentle heel strike", dict(speed=0.33, left=0.25, right=0.25, mounting="identity",
                                fs=100.0, seed=1827)),
    # most strides paused in mid-air: the walk's stride length that tells a half from a
    # whole is only known after the first joins; strides were 17.6 cm short on average
    ("mostly split swings", dict(speed=0.33, left=0.49, right=0.17, mounting="random",
                                 fs=204.8, seed=1062)),
    # severe foot drop at 1.5 m/s: a toe scuff in the late swing was taken for a toe-first
    # landing, IC -195 ms
    ("scuff before the landing", dict(speed=1.5077, left=0.88, right=0.18,
                                      mounting="identity", fs=204.8, seed=745)),
    # toe-first landing whose heel drops only as fast as the swing turned: IC at the heel's
    # landing, +45-57 ms
    ("heel drop as fast as the swing", dict(speed=1.5489, left=0.9367, right=0.27,
                                            mounting="identity", fs=128.0, seed=9083)),
])
def test_slow_foot_drop_landings_and_pauses(why, kw):
    res = simulate(n_strides=12, noise="none", **kw)
    strides, _ = footdrop.analyze(res.recording, **LATERAL)
    pairs = _matched(strides, res.truth, "left", tol=0.05)
    truth = res.truth[res.truth["side"] == "left"]
    assert len(pairs) == len(truth), why
    assert np.median([abs(a.ic_s - b["ic_s"]) for a, b in pairs]) <= 0.010, why
    assert max(abs(a.ic_s - b["ic_s"]) for a, b in pairs) <= 0.020, why
    assert abs(np.mean([a.stride_length_m - b["stride_length_m"] for a, b in pairs])) <= 0.02
