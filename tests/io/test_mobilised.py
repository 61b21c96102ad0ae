"""Mobilise-D data.mat reader: synthetic files, and the mobgap example data when present."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import scipy.io

from footdrop import io
from footdrop.errors import ConfigError, ReadError
from footdrop.io.mobilised import read_mobilised

G = 9.80665
START = "2020-10-30T12:37:27.880Z"
START_UNIX = datetime(2020, 10, 30, 12, 37, 27, 880000, tzinfo=UTC).timestamp()


def lower_back(n: int, seed: int) -> dict:
    """A lower-back sensor walking at 1 Hz: acc in g, gyr in deg/s, as Mobilise-D stores them."""
    rng = np.random.default_rng(seed)
    t = np.arange(n) / 100.0
    acc = np.column_stack([1.0 + 0.3 * np.sin(2 * np.pi * t), 0.1 * np.cos(2 * np.pi * t),
                           0.15 + 0.05 * np.sin(4 * np.pi * t)]) + rng.normal(0, 0.01, (n, 3))
    gyr = np.column_stack([80 * np.sin(2 * np.pi * t), 30 * np.cos(2 * np.pi * t),
                           20 * np.sin(np.pi * t)]) + rng.normal(0, 0.5, (n, 3))
    return {
        "Acc": acc, "Gyr": gyr, "Mag": np.tile([-200.0, -100.0, -100.0], (n, 1)),
        "Bar": 1002.0 + rng.normal(0, 0.01, n), "Timestamp": START_UNIX + t,
        "Fs": {"Acc": 100, "Gyr": 100, "Mag": 100, "Bar": 100},
    }


BOUT_1 = {"Start": 1.5, "End": 6.0, "NumberStrides": 3, "Turn_Number": 0,
          "InitialContact_Event": np.array([1.5, 2.1, 2.6, 3.2, 3.7]),
          "InitialContact_LeftRight": np.array(["Left", "Right", "Left", "Right", "Left"],
                                               dtype=object),
          "FinalContact_Event": np.array([1.9, 2.4, 3.0]),
          "Stride_Length": np.array([1.1, 1.2, 1.15]),
          "Stride_InitialContacts": np.array([[150, 260], [210, 320], [260, 370]])}
BOUT_2 = {"Start": 7.0, "End": 9.0, "NumberStrides": 1, "Turn_Number": 0,
          "InitialContact_Event": np.array([7.0, 8.1]),
          "InitialContact_LeftRight": np.array(["Right", "Right"], dtype=object),
          "FinalContact_Event": np.array([7.5]),  # one event: MATLAB stores it as a scalar
          "Stride_Length": np.array([1.3]),
          "Stride_InitialContacts": np.array([[700, 810]])}


def trial(n: int, seed: int, **su) -> dict:
    return {
        "StartDateTime": START, "TimeZone": "Europe/London",
        "SU": {"LowerBack": lower_back(n, seed), **su},
        "Standards": {
            "INDIP": {"MicroWB": np.array([BOUT_1, BOUT_2], dtype=object), "Fs": 100},
            "Stereophoto": {"MicroWB": BOUT_2, "Fs": 100},  # a single bout: a plain struct
        },
    }


def write_mat(path: Path, n: dict[str, int] | None = None, compress: bool = True,
              **override) -> Path:
    n = n or {}
    data = {"TimeMeasure1": {
        "Test5": {"Trial1": trial(n.get("Test5/Trial1", 1000), 1),
                  "Trial2": trial(n.get("Test5/Trial2", 1200), 2)},
        "Test11": {"Trial1": trial(n.get("Test11/Trial1", 1500), 3)},
    }}
    data.update(override)
    path.parent.mkdir(parents=True, exist_ok=True)
    scipy.io.savemat(path, {"data": data}, do_compression=compress)
    return path


@pytest.fixture
def mat(tmp_path) -> Path:
    return write_mat(tmp_path / "p1" / "data.mat")


def test_acc_in_g_comes_out_in_m_per_s2(mat):
    expected = lower_back(1000, 1)
    rec = io.read(mat)
    s = rec["lower_back"]
    assert s.fs == 100 and s.n_samples == 1000
    np.testing.assert_allclose(s.acc, expected["Acc"] * G, rtol=1e-12)
    np.testing.assert_allclose(s.gyr, expected["Gyr"], rtol=1e-12)  # already deg/s
    assert s.units["acc"] == "m/s^2" and s.units["gyr"] == "deg/s"
    assert any("converted from g" in w for w in rec.warnings)


def test_raw_sensor_declares_units_and_keeps_mag_and_bar(mat):
    rec = io.read_raw(mat)
    s = rec["lower_back"]
    assert s.units == {"acc": "g", "gyr": "deg/s", "mag": "unknown"}
    np.testing.assert_array_equal(s.mag, lower_back(1000, 1)["Mag"])
    np.testing.assert_array_equal(s.extra["bar"], lower_back(1000, 1)["Bar"])
    assert s.extra_units["bar"] == "hPa"
    assert s.name == "SU.LowerBack" and s.frame == "sensor"
    assert rec.start_time == datetime(2020, 10, 30, 12, 37, 27, 880000, tzinfo=UTC)
    assert rec.start_time.utcoffset().total_seconds() == 0  # London in October: GMT
    assert rec.metadata["timezone"] == "Europe/London"


def test_reference_round_trips_as_plain_python(mat):
    ref = io.read_raw(mat).reference
    bouts = ref["INDIP"]["MicroWB"]
    assert isinstance(bouts, list) and len(bouts) == 2
    assert bouts[0]["InitialContact_Event"] == [1.5, 2.1, 2.6, 3.2, 3.7]
    assert bouts[0]["InitialContact_LeftRight"] == ["Left", "Right", "Left", "Right", "Left"]
    assert bouts[0]["Stride_InitialContacts"] == [[150, 260], [210, 320], [260, 370]]
    assert bouts[0]["NumberStrides"] == 3
    assert bouts[1]["FinalContact_Event"] == [7.5]  # a list even for one event
    assert bouts[1]["Stride_Length"] == [1.3]
    assert bouts[1]["Stride_InitialContacts"] == [[700, 810]]
    assert bouts[1]["Turn_Number"] == 0  # counts stay scalars
    single = ref["Stereophoto"]["MicroWB"]
    assert isinstance(single, list) and single[0]["Start"] == 7.0
    assert ref["INDIP"]["Fs"] == 100
    assert all(type(v) is float for v in bouts[0]["Stride_Length"])


def test_default_trial_is_the_first_with_a_warning(mat):
    rec = io.read_raw(mat)
    assert (rec.metadata["test"], rec.metadata["trial"]) == ("Test5", "Trial1")
    assert rec.metadata["available_trials"] == ["Test5/Trial1", "Test5/Trial2", "Test11/Trial1"]
    warning = next(w for w in rec.warnings if "--test/--trial" in w)
    assert "Test5/Trial2" in warning and "Test11/Trial1" in warning


@pytest.mark.parametrize(("test", "trial", "n", "seed"), [
    ("Test5", "Trial2", 1200, 2), ("5", "2", 1200, 2), ("test11", None, 1500, 3),
])
def test_test_and_trial_selection(mat, test, trial, n, seed):
    rec = io.read_raw(mat, test=test, trial=trial)
    np.testing.assert_array_equal(rec["lower_back"].gyr, lower_back(n, seed)["Gyr"])
    assert not any("--test/--trial" in w for w in rec.warnings)  # nothing was guessed


def test_test_given_without_trial_warns_when_the_test_has_several(mat):
    rec = io.read_raw(mat, test="Test5")
    assert rec.metadata["trial"] == "Trial1"
    assert any("Test5/Trial2" in w for w in rec.warnings)


@pytest.mark.parametrize(("test", "trial", "listed"), [
    ("Test9", None, "Test5, Test11"), ("Test5", "Trial7", "Trial1, Trial2"),
])
def test_unknown_test_or_trial_lists_what_exists(mat, test, trial, listed):
    with pytest.raises(ConfigError, match=f"Fix: use one of {listed}"):
        io.read(mat, test=test, trial=trial)


def test_timestamp_gap_becomes_nan_rows(tmp_path):
    keep = np.ones(1000, bool)
    keep[400:404] = False
    su = lower_back(1000, 1)
    for key in ("Acc", "Gyr", "Mag", "Timestamp", "Bar"):
        su[key] = su[key][keep]
    one = trial(10, 1)
    one["SU"]["LowerBack"] = su
    path = tmp_path / "data.mat"
    scipy.io.savemat(path, {"data": {"TimeMeasure1": {"Test5": {"Trial1": one}}}})
    rec = io.read_raw(path)
    s = rec["lower_back"]
    assert s.n_samples == 1000
    assert np.flatnonzero(np.isnan(s.acc[:, 0])).tolist() == [400, 401, 402, 403]
    assert np.isnan(s.extra["bar"][400:404]).all()
    np.testing.assert_array_equal(s.acc[keep], su["Acc"])
    assert any("4 samples" in w and "4.00 s (4)" in w for w in rec.warnings)


def test_fs_option_contradicting_the_file_is_a_config_error(mat):
    with pytest.raises(ConfigError, match=r"--fs 128 Hz contradicts .*Fs = 100 Hz"):
        io.read(mat, fs=128)


@pytest.mark.parametrize(("value", "tz", "expected"), [
    (START_UNIX, "Europe/London", datetime(2020, 10, 30, 12, 37, 27, 880000, tzinfo=UTC)),
    (730486.5, "UTC", datetime(2000, 1, 1, 12, tzinfo=UTC)),  # MATLAB datenum('2000-01-01')=730486
    ("2020-12-10T13:57:44.733+01:00", "Europe/Berlin",
     datetime(2020, 12, 10, 12, 57, 44, 733000, tzinfo=UTC)),
])
def test_start_time_forms(tmp_path, value, tz, expected):
    t = trial(500, 1)
    t.update(StartDateTime=value, TimeZone=tz)
    path = tmp_path / "data.mat"
    scipy.io.savemat(path, {"data": {"TimeMeasure1": {"Test5": {"Trial1": t}}}})
    start = io.read_raw(path).start_time
    assert start is not None and abs((start - expected).total_seconds()) < 1e-3


def test_more_su_sensors_are_mapped(tmp_path):
    feet = {"LeftFoot": lower_back(500, 4), "RightFoot": lower_back(500, 5),
            "Chest": lower_back(500, 6)}
    path = tmp_path / "data.mat"
    scipy.io.savemat(path, {"data": {"TimeMeasure1": {"Test5": {"Trial1": trial(500, 1,
                                                                                  **feet)}}}})
    rec = io.read_raw(path)
    assert sorted(rec.placements) == ["left_foot", "lower_back", "right_foot", "unknown"]
    np.testing.assert_array_equal(rec["right_foot"].gyr, feet["RightFoot"]["Gyr"])
    assert rec["unknown"].name == "SU.Chest"
    assert rec.synchronised  # one SU system, one clock


def test_info_for_algo_beside_the_file(mat):
    info = {"TimeMeasure1": {"Height": 168, "Weight": 74, "SensorHeight": 97.5,
                             "FootSize": 23.6, "Handedness": "L", "WalkingAid_01": 0}}
    scipy.io.savemat(mat.with_name("infoForAlgo.mat"), {"infoForAlgo": info})
    meta = io.read_raw(mat).metadata
    assert meta["height_cm"] == 168 and meta["sensor_height_cm"] == 97.5
    assert meta["foot_length_cm"] == 23.6 and meta["handedness"] == "L"
    assert meta["walking_aid"] is False


@pytest.mark.parametrize("compress", [True, False])
def test_sniffer_finds_the_structure_under_any_name(tmp_path, compress):
    path = write_mat(tmp_path / "recording.mat", compress=compress)
    assert io.detect_format(path) == "mobilised"
    other = tmp_path / "other.mat"
    scipy.io.savemat(other, {"something": np.arange(5)}, do_compression=compress)
    with pytest.raises(ReadError, match="unknown file format"):
        io.detect_format(other)


def _assert_clean(err: ReadError, name: str) -> None:
    assert name in err.message and "Fix:" in err.message


def test_random_bytes_and_truncation_give_read_errors(tmp_path, mat):
    rng = np.random.default_rng(7)
    junk = tmp_path / "junk" / "data.mat"
    junk.parent.mkdir()
    junk.write_bytes(b"MATLAB 5.0 MAT-file" + rng.bytes(3000))
    blob = mat.read_bytes()
    for i, cut in enumerate((60, 200, len(blob) // 3, len(blob) - 20)):
        cut_path = tmp_path / f"cut{i}" / "data.mat"
        cut_path.parent.mkdir()
        cut_path.write_bytes(blob[:cut])
        with pytest.raises(ReadError) as err:
            io.read(cut_path)
        _assert_clean(err.value, "data.mat")
    with pytest.raises(ReadError) as err:
        io.read(junk)
    _assert_clean(err.value, "data.mat")


def test_mat_without_the_expected_structure(tmp_path):
    cases = {
        "novar": {"foo": np.arange(3)},
        "notm": {"data": {"Other": 1}},
        "nosu": {"data": {"TimeMeasure1": {"Test5": {"Trial1": {"StartDateTime": START}}}}},
        "noacc": {"data": {"TimeMeasure1": {"Test5": {"Trial1": {
            "SU": {"LowerBack": {"Gyr": np.zeros((10, 3)), "Fs": 100}}}}}}},
        "badshape": {"data": {"TimeMeasure1": {"Test5": {"Trial1": {
            "SU": {"LowerBack": {"Acc": np.zeros((10, 3)), "Gyr": np.zeros((9, 3)),
                                 "Fs": 100}}}}}}},
    }
    for name, content in cases.items():
        path = tmp_path / name / "data.mat"
        path.parent.mkdir()
        scipy.io.savemat(path, content)
        with pytest.raises(ReadError) as err:
            io.read(path)
        _assert_clean(err.value, "data.mat")


# ------------------------------------------------------------------- mobgap example data


def test_ms001_test5_trial1(mobilised):
    path = mobilised / "MS-001" / "data.mat"
    rec = io.read(path, test="Test5", trial="Trial1")
    s = rec["lower_back"]
    assert rec.placements == ["lower_back"] and s.fs == 100
    # quiet standing at the start: the acceleration is gravity alone, ≈ 9.81 m/s²
    still = np.linalg.norm(s.acc[:50], axis=1)
    assert np.median(still) == pytest.approx(9.81, abs=0.3)
    ics = rec.reference["INDIP"]["MicroWB"][0]["InitialContact_Event"]
    assert len(ics) >= 4 and all(0 <= t <= s.duration_s for t in ics)
    assert np.all(np.diff(ics) > 0)
    raw = scipy.io.loadmat(path, squeeze_me=True, struct_as_record=False)
    ts0 = raw["data"].TimeMeasure1.Test5.Trial1.SU.LowerBack.Timestamp[0]
    assert 2019 <= rec.start_time.year <= 2022
    assert abs(rec.start_time.timestamp() - ts0) < 1e-3
    assert rec.metadata["height_cm"] == 168  # infoForAlgo.mat; participant_metadata: 1.68 m
    assert "Test11/Trial1" in rec.metadata["available_trials"]


def test_ha001_all_trials_read(mobilised):
    path = mobilised / "HA-001" / "data.mat"
    assert io.detect_format(path) == "mobilised"
    for name in io.read_raw(path).metadata["available_trials"]:
        test, trial = name.split("/")
        rec = io.read(path, test=test, trial=trial)
        assert rec["lower_back"].n_samples > 1000
        assert rec.reference["Stereophoto"]["MicroWB"]


def test_direct_call_matches_pipeline_input(mobilised):
    rec = read_mobilised(mobilised / "MS-001" / "data.mat", test="Test11")
    assert rec.metadata["trial"] == "Trial1" and rec["lower_back"].units["acc"] == "g"
