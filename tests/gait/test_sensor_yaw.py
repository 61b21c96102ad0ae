"""A known sensor yaw in the shoe is undone before the analysis; float32 input is kept."""

import numpy as np
import pytest
from scipy.spatial.transform import Rotation

import footdrop
from footdrop.errors import ConfigError
from footdrop.gait.engine import GaitAnalysis
from footdrop.simulate import simulate


@pytest.fixture(scope="module")
def walk():
    return simulate(n_strides=14, speed=1.2, seed=11)


def _yawed(rec, deg):
    """The same recording with both sensors turned outwards by ``deg`` in the shoe."""
    out = rec.copy()
    for placement, sign in (("left_foot", 1.0), ("right_foot", -1.0)):
        s = out.sensors[placement]
        # sensor axes turned outwards: data in sensor axes = R^T · data in foot axes
        rot = Rotation.from_euler("z", sign * deg, degrees=True).as_matrix()
        s.acc = np.ascontiguousarray(s.acc @ rot)
        s.gyr = np.ascontiguousarray(s.gyr @ rot)
    return out


def test_yaw_shrinks_pitch_and_the_parameter_restores_it(walk):
    rec, truth = walk.recording, walk.truth
    base, _ = footdrop.analyze(rec, auto_yaw_deg=None)
    yawed = _yawed(rec, 25.0)
    for s in yawed.sensors.values():
        s.frame = "foot"  # declared already aligned, as the aligned axes would be trusted
    plain, _ = footdrop.analyze(yawed, auto_yaw_deg=None)  # aligned axes trusted
    fixed, _ = footdrop.analyze(yawed, sensor_yaw_deg=25.0)
    auto, summary = footdrop.analyze(yawed)  # estimated from the walking direction
    col = "toe_off_angle_deg"
    true = truth[col].median()
    # cos(25°) shrinks the toe-off angle by about 9 %
    assert abs(plain[col].median()) < abs(base[col].median()) - 2.0
    assert fixed[col].median() == pytest.approx(base[col].median(), abs=0.3)
    assert abs(fixed[col].median() - true) < abs(plain[col].median() - true) - 2.0
    # the walking direction gives the yaw to within the toe-out assumed (7° vs 5° simulated)
    assert auto[col].median() == pytest.approx(base[col].median(), abs=0.6)
    assert any("walking direction" in w for w in summary["warnings"])


def test_bad_yaw_is_a_config_error(walk):
    with pytest.raises(ConfigError, match="yaw"):
        GaitAnalysis(left_sensor_yaw_deg=120.0).analyze(walk.recording)


def test_float32_recording_stays_float32_and_gives_the_same_strides(walk):
    rec32 = walk.recording.copy()
    for s in rec32.sensors.values():
        s.acc = s.acc.astype(np.float32)
        s.gyr = s.gyr.astype(np.float32)
    base, _ = footdrop.analyze(walk.recording)
    st32, _ = footdrop.analyze(rec32)
    assert all(s.acc.dtype == np.float32 for s in rec32.sensors.values())
    assert len(st32) == len(base)
    np.testing.assert_allclose(st32["ic_s"], base["ic_s"], atol=0.011)
    np.testing.assert_allclose(st32["stride_length_m"], base["stride_length_m"], atol=0.002)
    np.testing.assert_allclose(st32["toe_off_angle_deg"], base["toe_off_angle_deg"], atol=0.1)
