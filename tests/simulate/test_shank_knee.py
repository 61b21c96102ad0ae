"""The simulated knee and shank around toe-off, against the simulator's own truth.

Shank-gyroscope gait-event detectors (Aminian et al., J Biomech 35:689, 2002; Lee & Park,
Med Biol Eng Comput 49:707, 2011) take toe-off at the extremum of the shank's sagittal rate
just before the swing, and find it within about 10–20 ms of the true toe-off. The simulated
shank must show that extremum at the true toe-off (FC) within that tolerance, must not turn
forwards again in early swing, and its knee must follow the textbook shape of level walking
(Perry & Burnfield, Gait Analysis; Winter, Biomechanics and Motor Control of Human Movement),
scaled down at slow speeds. The feet's signals must not depend on the shank sensors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from footdrop.simulate import simulate
from footdrop.simulate.truth import shank_swings

SPEEDS = (0.4, 0.8, 1.2, 1.6)


#: shank_swings' measures under the names the tests use
NAMES = {"knee_ic_deg": "knee_ic", "knee_loading_deg": "knee_loading",
         "knee_stance_min_deg": "knee_stance_min", "knee_fc_deg": "knee_fc",
         "knee_rate_fc_dps": "knee_rate_fc", "knee_swing_peak_deg": "knee_swing",
         "knee_swing_peak_pct": "knee_swing_pct", "knee_before_ic_deg": "knee_before_ic",
         "gap_max_mm": "gap_mm"}


def _swings(res, side: str) -> pd.DataFrame:
    """Per steady swing: the shank-rate extremum before the swing relative to FC and the knee
    at the gait events (1 kHz kinematics, segment frame)."""
    return pd.DataFrame(shank_swings(res, side)).drop(columns="side").rename(columns=NAMES)


@pytest.fixture(scope="module")
def walks():
    """Per (speed, severity): the steady swings of both sides of a noiseless 1 kHz walk."""
    out = {}
    for v in SPEEDS:
        for sev in ("none", "severe"):
            res = simulate(speed=v, n_strides=8, fs=1000.0, seed=4, left=sev, right=sev,
                           noise="none", shanks=True)
            out[v, sev] = pd.concat([_swings(res, "left"), _swings(res, "right")],
                                    ignore_index=True)
            assert len(out[v, sev]) >= 10
    return out


@pytest.mark.parametrize("speed", SPEEDS)
@pytest.mark.parametrize("severity", ["none", "severe"])
def test_shank_rate_extremum_is_at_toe_off(walks, speed, severity):
    """Tolerance: the median within ±10 ms and every steady swing within ±20 ms of FC (the
    model puts it on FC: the knee flexes with the heel rise, which ends there)."""
    lag = walks[speed, severity]["lag_ms"]
    assert abs(lag.median()) <= 10, lag.describe()
    assert lag.abs().max() <= 20, lag.describe()


@pytest.mark.parametrize("speed", SPEEDS)
def test_no_forward_rotation_again_after_toe_off(walks, speed):
    for sev in ("none", "severe"):
        assert walks[speed, sev]["rerotation_dps"].max() < 5.0


@pytest.mark.parametrize("speed", SPEEDS)
def test_knee_angles_are_plausible(walks, speed):
    d = walks[speed, "none"]
    assert d.knee_ic.between(0, 10).all()
    assert d.knee_loading.between(5, 25).all()  # loading response, less when slow
    assert (d.knee_stance_min <= 8).all()  # nearly straight in mid/terminal stance
    assert d.knee_fc.between(25, 50).all()  # toe-off ...
    # ... still flexing fast (300-400 deg/s at normal speed; the model gives up to about
    # 670 deg/s at 1.6 m/s, where the simulated foot pitches at 600-780 deg/s at FC)
    assert d.knee_rate_fc.between(150, 700).all()
    assert d.knee_swing.between(45, 75).all()
    assert (d.knee_swing >= d.knee_fc + 10).all()
    assert d.knee_swing_pct.between(65, 85).all()
    assert (d.knee_before_ic <= 6).all()  # nearly straight before the next contact
    # the pelvis is a smooth model: the keyed knee leaves the thigh within 6 cm of the hip
    assert (d.gap_mm < 60).all()


def test_knee_amplitudes_grow_with_speed(walks):
    med = pd.DataFrame({v: walks[v, "none"].median() for v in SPEEDS}).T
    assert med.knee_loading.is_monotonic_increasing
    assert med.knee_swing.is_monotonic_increasing
    assert med.knee_rate_fc.is_monotonic_increasing


def test_steppage_flexes_the_swing_knee_more():
    kw = dict(speed=1.0, n_strides=6, fs=200.0, seed=5, noise="none", shanks=True)
    plain = simulate(left="severe", **kw).body_truth
    step = simulate(left={"severity": "severe", "steppage": True}, **kw).body_truth
    col = "knee_flexion_max_swing_deg"
    gain = (step.loc[step.side == "left", col].iloc[1:-1].median()
            - plain.loc[plain.side == "left", col].iloc[1:-1].median())
    assert gain > 5.0


@pytest.mark.parametrize("kw", [
    dict(speed=0.4, n_strides=3, left="severe"),
    dict(speed=1.6, n_strides=3, right="mild"),
    dict(speed=1.0, n_strides=3, left={"severity": "severe", "steppage": True,
                                       "circumduction": True}, right={"hip_hiking": True}),
    dict(protocol=[("stand", 1), ("walk", 2), ("turn", 180), ("walk", 1), ("stairs", 4),
                   ("sit", 3), ("weight_shift", 2), ("walk", 1)]),
], ids=["slow-severe", "fast-mild", "steppage-circumduction-hiking", "turn-stairs-sit"])
def test_feet_are_the_same_with_or_without_shanks(kw):
    common = dict(seed=6, noise="typical", fs=100.0, **kw)
    feet = simulate(**common)
    both = simulate(shanks=True, lower_back=True, **common)
    for p in ("left_foot", "right_foot"):
        np.testing.assert_array_equal(feet.raw_recording[p].acc, both.raw_recording[p].acc)
        np.testing.assert_array_equal(feet.raw_recording[p].gyr, both.raw_recording[p].gyr)
    pd.testing.assert_frame_equal(feet.truth, both.truth)
    for p in ("left_shank", "right_shank"):
        assert np.isfinite(both.raw_recording[p].gyr).all()
