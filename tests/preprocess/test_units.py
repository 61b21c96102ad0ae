import numpy as np
import pytest

from footdrop.errors import UnitError
from footdrop.preprocess.units import (
    detect_acc_unit,
    detect_gyr_unit,
    normalise_unit,
    standardise_units,
)
from footdrop.recording import Recording, Sensor

from synthetic import G, walking_foot


def _rec(acc, gyr, units=None):
    sensor = Sensor(placement="left_foot", fs=100.0, acc=acc, gyr=gyr,
                    units=units or {"acc": None, "gyr": None})
    return Recording(sensors={"left_foot": sensor}, source=["walk.csv"])


@pytest.mark.parametrize(("scale", "unit"), [(1.0, "m/s^2"), (1 / G, "g"), (1000 / G, "mg")])
def test_acc_unit_detected_from_gravity(scale, unit):
    acc, gyr = walking_foot()
    detected, magnitude = detect_acc_unit(acc * scale, gyr)
    assert detected == unit
    assert magnitude == pytest.approx(G * scale, rel=0.03)


@pytest.mark.parametrize(("scale", "unit"), [(1.0, "deg/s"), (np.pi / 180, "rad/s")])
def test_gyr_unit_detected_when_walking(scale, unit):
    acc, gyr = walking_foot()
    assert detect_gyr_unit(gyr * scale, acc)[0] == unit


def test_gyr_unit_ambiguous_at_rest():
    acc = np.tile([0.0, 0.0, G], (500, 1))
    gyr = np.random.default_rng(1).normal(0, 0.01, (500, 3))
    assert detect_gyr_unit(gyr, acc)[0] is None


def test_declared_units_converted_and_recorded():
    acc, gyr = walking_foot()
    rec = _rec(acc / G, np.radians(gyr), {"acc": "g", "gyr": "rad/s"})
    standardise_units(rec)
    s = rec["left_foot"]
    np.testing.assert_allclose(s.acc, acc, rtol=1e-12)
    np.testing.assert_allclose(s.gyr, gyr, rtol=1e-12, atol=1e-12)
    assert s.units == {"acc": "m/s^2", "gyr": "deg/s"}
    assert any("converted from g to m/s^2" in w for w in rec.warnings)
    assert any("converted from rad/s to deg/s" in w for w in rec.warnings)


def test_undeclared_units_detected_and_warned():
    acc, gyr = walking_foot()
    rec = _rec(acc / G, np.radians(gyr))
    standardise_units(rec)
    assert rec["left_foot"].acc[:, 2].mean() == pytest.approx(acc[:, 2].mean(), rel=1e-9)
    assert any("not declared" in w and "shows g" in w for w in rec.warnings)


@pytest.mark.parametrize(
    ("kind", "declared", "scale", "looks"),
    [("acc", "m/s^2", 1 / G, "g"), ("acc", "g", 1.0, "m/s^2"), ("gyr", "deg/s", np.pi / 180,
                                                                 "rad/s")],
)
def test_declared_unit_contradicting_signal_is_an_error(kind, declared, scale, looks):
    acc, gyr = walking_foot()
    if kind == "acc":
        acc = acc * scale
    else:
        gyr = gyr * scale
    rec = _rec(acc, gyr, {"acc": "m/s^2", "gyr": "deg/s", kind: declared})
    with pytest.raises(UnitError) as info:
        standardise_units(rec)
    msg = str(info.value)
    assert "walk.csv" in msg and f"looks like {looks}" in msg and "Fix:" in msg


def test_user_override_beats_file_declaration():
    acc, gyr = walking_foot()
    rec = _rec(acc, np.radians(gyr), {"acc": "m/s^2", "gyr": "deg/s"})
    with pytest.raises(UnitError):
        standardise_units(rec)
    rec = _rec(acc, np.radians(gyr), {"acc": "m/s^2", "gyr": "deg/s"})
    standardise_units(rec, {"*": {"gyr": "rad/s"}})
    np.testing.assert_allclose(rec["left_foot"].gyr, gyr, atol=1e-9)


def test_unknown_unit_names_the_choices():
    with pytest.raises(UnitError, match="unknown gyr unit 'furlong/s'"):
        normalise_unit("gyr", "furlong/s")
    assert normalise_unit("acc", "m/s²") == "m/s^2"
    assert normalise_unit("gyr", "dps") == "deg/s"
