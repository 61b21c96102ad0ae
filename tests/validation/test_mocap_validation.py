"""The engine against motion capture (gaitmap example): runs the validation command's code.

The issue's targets that are met are asserted as targets; those not met yet are held at the
level reached, so a regression fails (docs/validation.md gives both).
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
import validate_mocap  # noqa: E402


@pytest.fixture(scope="module")
def result(gaitmap_example):
    score, agreement, geometry, _ = validate_mocap.run(gaitmap_example.parent)
    return score, agreement, geometry


def test_targets_met(result):
    score, _, _ = result
    assert score["detection"]["f1"] >= 0.99
    m = score["metrics"]
    for event in ("IC timing", "FC timing"):
        assert abs(m.loc[event, "bias"]) <= 10.0 and m.loc[event, "mae"] <= 15.0, m.loc[event]
    mtc = m.loc["min toe clearance (MTC)"]
    assert abs(mtc["bias"]) <= 5.0 and mtc["n"] >= 15


def test_levels_of_targets_not_yet_met(result):
    score, _, _ = result
    m = score["metrics"]
    # targets: stride length MAE <= 2 cm and |bias| <= 1 cm; angles |bias| <= 1°, SD <= 2°;
    # max heel clearance |bias| <= 1 cm. Measured: 4.4 / -1.3 cm; -1.5 / 1.0°; 1.6 / 1.7°;
    # -1.05 cm.
    assert m.loc["stride length", "mae"] <= 4.7 and abs(m.loc["stride length", "bias"]) <= 2.0
    strike, toe_off = m.loc["foot strike angle"], m.loc["toe-off angle"]
    assert abs(strike["bias"]) <= 1.8 and strike["sd"] <= 2.0
    assert abs(toe_off["bias"]) <= 1.9 and toe_off["sd"] <= 2.0
    assert abs(m.loc["max heel clearance", "bias"]) <= 1.3


def test_raw_mounting_medians_agree(result):
    _, agreement, _ = result
    assert agreement["ok"].all(), agreement[~agreement["ok"]]


def test_geometry_is_plausible(result):
    _, _, geometry = result
    toe = geometry.offsets_.loc[("left", "toe_marker")]
    assert 0.15 < toe["forward"] < 0.25 and -0.1 < toe["lateral"] < 0.0
