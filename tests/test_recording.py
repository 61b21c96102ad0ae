"""The data object: numpy and pandas conversions, clocks, copies."""

import numpy as np
import pandas as pd
import pytest

from footdrop.recording import Recording, Sensor

from synthetic import walking_foot


def _rec():
    acc, gyr = walking_foot(fs=100, duration_s=5)
    left = Sensor("left_foot", 100.0, acc, gyr, t0=0.0, clock="a")
    right = Sensor("right_foot", 100.0, acc[:400] * 2, gyr[:400], t0=0.25, clock="b")
    return Recording(sensors={"left_foot": left, "right_foot": right}, format="test")


def test_sensor_numpy_and_dataframe():
    rec = _rec()
    s = rec["right_foot"]
    arr = s.to_numpy()
    assert arr.shape == (400, 6)
    np.testing.assert_array_equal(arr[:, :3], s.acc)
    df = s.to_dataframe()
    assert list(df.columns[:3]) == ["acc_x", "acc_y", "acc_z"]
    assert df.index[0] == pytest.approx(0.25) and df.index[1] == pytest.approx(0.26)
    back = Sensor.from_dataframe(df, placement="right_foot", fs=100.0)
    np.testing.assert_array_equal(back.gyr, s.gyr)


def test_recording_dataframe_joins_clocks_without_losing_samples():
    rec = _rec()
    df = rec.to_dataframe()
    assert isinstance(df.columns, pd.MultiIndex)
    assert df[("left_foot", "acc_x")].notna().sum() == 500
    assert df[("right_foot", "acc_x")].notna().sum() == 400
    assert not rec.synchronised
    assert rec.duration_s == pytest.approx(5.0)


def test_synchronised_round_trip_and_copy_independence():
    acc, gyr = walking_foot(fs=100, duration_s=5)
    rec = Recording.from_arrays(fs=100.0, acc=acc, gyr=gyr, placement="left_foot")
    df = rec.to_dataframe()
    back = Recording.from_dataframe(df, fs=100.0)
    np.testing.assert_array_equal(back["left_foot"].acc, acc)
    dup = rec.copy()
    dup["left_foot"].acc[0, 0] = 1e9
    dup.warn("changed")
    assert rec["left_foot"].acc[0, 0] != 1e9 and rec.warnings == []
    assert rec["left_foot"].acc.flags.c_contiguous
