import numpy as np
import pytest

from footdrop.errors import ConfigError, SignalError
from footdrop.preprocess.gaps import (
    check_duration,
    check_fs_against_times,
    fill_grid,
    repair_gaps,
    rows_to_grid,
)
from footdrop.preprocess.quality import find_clipping, flag_clipping
from footdrop.recording import Recording, Sensor

from synthetic import walking_foot


def _values(n):
    return np.arange(n * 2, dtype=float).reshape(n, 2)


def test_dropped_packets_become_nan_at_their_place():
    counter = np.array([10, 11, 12, 15, 16, 20])
    vals = _values(6)
    grid = rows_to_grid(counter, vals, samples_per_stamp=1)
    out = fill_grid(grid, vals)
    assert out.shape == (11, 2)
    np.testing.assert_array_equal(out[[0, 1, 2, 5, 6, 10]], vals)
    assert np.isnan(out[[3, 4, 7, 8, 9]]).all()
    assert grid.gaps == [(3, 5), (7, 10)]


def test_counter_wrap_is_unwrapped():
    counter = np.array([65533, 65534, 65535, 0, 1, 3])
    grid = rows_to_grid(counter, _values(6), samples_per_stamp=1, wrap=65536)
    np.testing.assert_array_equal(grid.positions, [0, 1, 2, 3, 4, 6])


def test_time_stamps_placed_by_time_not_row():
    fs = 50.0
    t = np.array([0, 1, 2, 5, 6]) / fs + 0.002  # small jitter is fine
    grid = rows_to_grid(t, _values(5), samples_per_stamp=fs)
    np.testing.assert_array_equal(grid.positions, [0, 1, 2, 5, 6])


def test_exact_duplicates_dropped_conflicting_duplicates_rejected():
    vals = _values(4)
    vals_dup = np.vstack([vals[:2], vals[1:2], vals[2:]])
    grid = rows_to_grid([0, 1, 1, 2, 3], vals_dup, samples_per_stamp=1)
    assert grid.n_duplicates == 1
    np.testing.assert_array_equal(fill_grid(grid, vals_dup), vals)
    vals_bad = vals_dup.copy()
    vals_bad[2] += 1
    with pytest.raises(SignalError, match="duplicated sample.*data row 3"):
        rows_to_grid([0, 1, 1, 2, 3], vals_bad, samples_per_stamp=1, what="sample")


def test_backwards_time_stamps_rejected():
    with pytest.raises(SignalError, match="go backwards at data row 3"):
        rows_to_grid([0, 2, 1, 3], _values(4), samples_per_stamp=1, what="time stamp")


def test_stamps_off_grid_rejected():
    with pytest.raises(SignalError, match="regular grid"):
        rows_to_grid(np.array([0, 0.01, 0.025, 0.03]), _values(4), samples_per_stamp=100)


def test_fs_contradicting_time_stamps():
    t = np.arange(100) / 100.0
    check_fs_against_times(100.0, t)
    with pytest.raises(ConfigError, match="contradicts the time stamps, which show 100 Hz"):
        check_fs_against_times(128.0, t)


def _sensor_with_gaps():
    acc, gyr = walking_foot(fs=100, duration_s=30)
    sensor = Sensor(placement="left_foot", fs=100.0, acc=acc.copy(), gyr=gyr.copy())
    sensor.acc[1000:1005] = np.nan  # 0.05 s: interpolated
    sensor.gyr[2000:2300, 1] = np.nan  # 3 s: a long gap
    return acc, gyr, sensor


def test_short_gap_interpolated_long_gap_splits_segments():
    acc, gyr, sensor = _sensor_with_gaps()
    rec = Recording(sensors={"left_foot": sensor})
    repair_gaps(rec)
    # linear interpolation between the neighbours of the short gap
    expected = np.linspace(acc[999], acc[1005], 7)[1:-1]
    np.testing.assert_allclose(sensor.acc[1000:1005], expected)
    # the long gap stays missing (never zero-padded) and splits the recording
    assert np.isnan(sensor.gyr[2000:2300, 1]).all()
    assert sensor.segments == [(0, 2000), (2300, 3000)]
    assert any("filled by linear interpolation" in w for w in rec.warnings)
    assert any("split into 2 segments" in w and "3.00 s at 20.00 s" in w for w in rec.warnings)


def test_too_short_recording_is_an_error():
    acc, gyr = walking_foot(fs=100, duration_s=2)
    rec = Recording(sensors={"left_foot": Sensor("left_foot", 100.0, acc, gyr)},
                    source=["short.csv"])
    with pytest.raises(SignalError, match=r"short.csv: left_foot: the longest valid stretch is 2"):
        check_duration(rec)


def test_clipping_flagged_per_range():
    acc, gyr = walking_foot(fs=100, duration_s=20)
    limit = 300.0
    clipped = np.clip(gyr, -limit, limit)
    sensor = Sensor("left_foot", 100.0, acc, clipped)
    ranges = find_clipping(sensor)
    gy = [(a, b) for ch, a, b in ranges if ch == "gyr_y"]
    truth_mask = np.abs(gyr[:, 1]) >= limit
    found_mask = np.zeros(len(gyr), bool)
    for a, b in gy:
        found_mask[a:b] = True
    assert gy, "saturated gyr_y not found"
    assert (found_mask == truth_mask).mean() > 0.99
    assert not [r for r in ranges if r[0].startswith("acc")]
    rec = Recording(sensors={"left_foot": sensor})
    flag_clipping(rec)
    assert any("gyr_y saturated" in w for w in rec.warnings)


def test_no_clipping_on_clean_signal():
    acc, gyr = walking_foot(fs=100, duration_s=20)
    assert find_clipping(Sensor("left_foot", 100.0, acc, gyr)) == []
