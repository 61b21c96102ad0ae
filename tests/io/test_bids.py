"""BIDS-Motion: lossless write -> read, foreign datasets, malformed files, BIDS structure."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from footdrop import io
from footdrop.errors import ConfigError, FootdropError, ReadError
from footdrop.io.bids import placement_from_tracked_point, read_bids, write_bids
from footdrop.recording import Recording, Sensor

from synthetic import walking_foot

BIDS_CHANNEL_TYPES = {"ACCEL", "ANGACCEL", "GYRO", "JNTANG", "LATENCY", "MAGN", "MISC", "ORNT",
                      "POS", "VEL"}
BIDS_COMPONENTS = {"x", "y", "z", "quat_x", "quat_y", "quat_z", "quat_w", "n/a"}
NAME_RE = re.compile(r"sub-[A-Za-z0-9]+(_ses-[A-Za-z0-9]+)?_task-[A-Za-z0-9]+"
                     r"_tracksys-[A-Za-z0-9]+_(motion\.tsv|channels\.tsv|motion\.json)")


# ----------------------------------------------------------------------------- helpers


def assert_same_array(a, b):
    """Equal to the bit except NaN sign and payload: same dtype and shape, NaN at the same
    places, signed zeros kept."""
    a, b = np.asarray(a), np.asarray(b)
    assert a.dtype == b.dtype and a.shape == b.shape
    np.testing.assert_array_equal(a, b)
    if a.dtype.kind == "f":
        keep = ~np.isnan(a)
        np.testing.assert_array_equal(a[keep].view(np.uint8), b[keep].view(np.uint8))


def assert_same_value(a, b):
    """Deep equality of JSON-like values holding numpy arrays, NaN and tuples."""
    assert type(a) is type(b), (a, b)
    if isinstance(a, np.ndarray):
        assert_same_array(a, b)
    elif isinstance(a, dict):
        assert list(a) == list(b)
        for k in a:
            assert_same_value(a[k], b[k])
    elif isinstance(a, list | tuple):
        assert len(a) == len(b)
        for x, y in zip(a, b, strict=True):
            assert_same_value(x, y)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def assert_same_recording(a: Recording, b: Recording) -> None:
    assert list(a.sensors) == list(b.sensors)
    for key, s in a.sensors.items():
        t = b.sensors[key]
        for arr in ("acc", "gyr", "mag"):
            if getattr(s, arr) is None:
                assert getattr(t, arr) is None
            else:
                assert_same_array(getattr(s, arr), getattr(t, arr))
        for attr in ("placement", "fs", "t0", "clock", "frame", "units", "name", "extra_units",
                     "segments", "clipped", "alignment"):
            assert_same_value(getattr(s, attr), getattr(t, attr))
        assert list(s.extra) == list(t.extra)
        for k in s.extra:
            assert_same_array(s.extra[k], t.extra[k])
    for attr in ("source", "format", "start_time", "metadata", "reference", "warnings"):
        assert_same_value(getattr(a, attr), getattr(b, attr))
    if a.start_time is not None:
        assert a.start_time.utcoffset() == b.start_time.utcoffset()


def sensor(placement, n, *, seed, clock="main", fs=204.8, t0=0.0, mag=False):
    rng = np.random.default_rng(seed)
    return Sensor(placement=placement, fs=fs, acc=rng.normal(0, 5, (n, 3)),
                  gyr=rng.normal(0, 200, (n, 3)), mag=rng.normal(0, 40, (n, 3)) if mag else None,
                  clock=clock, t0=t0, name=f"dev-{placement}")


def rich_recording() -> Recording:
    """Two sensors on one clock, with every field of the data model filled in."""
    left, right = sensor("left_foot", 500, seed=1, mag=True), sensor("right_foot", 500, seed=2)
    left.units = {"acc": "m/s^2", "gyr": "deg/s", "mag": "uT"}
    left.acc[10:20, 1] = np.nan
    left.gyr[0] = [-0.0, 5e-324, 1.7976931348623157e308]
    left.gyr[1] = [np.inf, -np.inf, 0.1 + 0.2]
    left.extra = {
        "sample_number": np.arange(500, dtype=np.int64) + 2**60,
        "quaternion": np.random.default_rng(3).normal(size=(500, 4)),
        "pressure": np.linspace(1000, 1001, 500, dtype=np.float32),
        "button": np.arange(500) % 7 == 0,
    }
    left.extra_units = {"pressure": "hPa", "quaternion": "n/a-ish"}
    left.segments = [(0, 10), (20, 500)]
    left.clipped = [("gyr_y", 100, 104), ("acc_z", 7, 9)]
    left.alignment = {"method": "pca", "matrix": [[1.0, 0.0, 0.0], [0.0, 0.5, -0.25]],
                      "angle_deg": 3.25, "nested": {"tuple": (1, 2.5), "none": None}}
    right.frame = "foot"
    right.segments = []
    reference = {
        "events": {"ic": np.arange(0, 100_000, 7, dtype=np.int32), "label": "INDIP"},
        "speed": [1.1, float("nan"), {"deep": [float("inf"), -0.0]}],
        "table": np.random.default_rng(4).normal(size=(300, 5)),
        3: "integer key",
    }
    return Recording(
        sensors={"right_foot": right, "left_foot": left},
        source=["/data/a.csv", "/data/b.csv"],
        format="perfoot-csv",
        start_time=datetime(2024, 3, 31, 1, 59, 59, 123456, tzinfo=ZoneInfo("Europe/Berlin")),
        metadata={"participant": {"id": "P01", "age": 54, "edss": 4.5},
                  "device": "Shimmer3", "$weird key": [1, (2, 3)], "empty": {}},
        reference=reference,
        warnings=["left_foot: something was repaired", "ünïcode wärning\twith tab"],
    )


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# ----------------------------------------------------------------------------- round trips


def test_one_clock_round_trip_is_lossless(tmp_path):
    rec = rich_recording()
    written = write_bids(rec, tmp_path / "out", subject="P01", session="2", task="tug")
    assert [p.name for p in written] == [
        "sub-P01_ses-2_task-tug_tracksys-imu_motion.tsv",
        "sub-P01_ses-2_task-tug_tracksys-imu_channels.tsv",
        "sub-P01_ses-2_task-tug_tracksys-imu_motion.json",
    ]
    assert files_in(tmp_path / "out") == sorted(p.name for p in written)  # no temp files left
    back = read_bids(tmp_path / "out")
    assert_same_recording(rec, back)
    assert back.start_time.tzinfo is ZoneInfo("Europe/Berlin")  # the zone, not just an offset


@pytest.mark.parametrize("which", ["_motion.tsv", "_channels.tsv", "_motion.json", "dir"])
def test_two_clocks_come_back_whole_from_any_file(tmp_path, which):
    # the unsynchronised feet of the MS example: own clocks, own start times, own lengths
    left = sensor("left_foot", 1234, seed=5, clock="left.csv", fs=102.4, t0=0.0)
    right = sensor("right_foot", 1100, seed=6, clock="right.csv", fs=102.4, t0=1.953125)
    right.gyr[50:80] = np.nan
    rec = Recording(sensors={"left_foot": left, "right_foot": right}, format="perfoot-csv")
    written = write_bids(rec, tmp_path)
    motions = [p for p in written if p.name.endswith("_motion.tsv")]
    assert len(motions) == 2 and len({p.name for p in motions}) == 2
    target = tmp_path if which == "dir" else next(
        p for p in written if p.name.endswith(which) and "RightFoot" in p.name)
    back = read_bids(target)
    assert_same_recording(rec, back)
    assert not back.synchronised


def test_one_tracking_system_alone(tmp_path):
    left = sensor("left_foot", 300, seed=5, clock="a")
    right = sensor("right_foot", 300, seed=6, clock="b")
    written = write_bids(Recording(sensors={"left_foot": left, "right_foot": right}), tmp_path)
    right_file = next(p for p in written if "RightFoot_motion.tsv" in p.name)
    back = read_bids(right_file, siblings=False)
    assert back.placements == ["right_foot"]
    assert_same_array(back["right_foot"].acc, right.acc)


def test_same_clock_but_different_rate_or_length_is_split(tmp_path):
    a = sensor("left_foot", 400, seed=1, clock="c", fs=100.0)
    b = sensor("right_foot", 400, seed=2, clock="c", fs=200.0)
    c = sensor("lower_back", 399, seed=3, clock="c", fs=100.0)
    d = sensor("left_shank", 400, seed=4, clock="c", fs=100.0)
    rec = Recording(sensors={"left_foot": a, "right_foot": b, "lower_back": c, "left_shank": d})
    written = write_bids(rec, tmp_path)
    motions = [p for p in written if p.name.endswith("_motion.tsv")]
    assert len(motions) == 3  # left_foot + left_shank share one; the others stand alone
    rows = {p.name: len(pd.read_csv(p.with_name(p.name.replace("_motion.tsv", "_channels.tsv")),
                                    sep="\t")) for p in motions}
    assert sorted(rows.values()) == [6, 6, 12]
    assert_same_recording(rec, read_bids(tmp_path))


def test_nan_gaps_and_signed_zero_survive(tmp_path):
    s = sensor("left_foot", 1000, seed=9)
    s.acc[100:300] = np.nan  # a long gap
    s.gyr[::97, 2] = np.nan  # scattered single samples
    s.acc[5] = [-0.0, 0.0, -0.0]
    rec = Recording(sensors={"left_foot": s})
    write_bids(rec, tmp_path)
    back = read_bids(tmp_path)
    assert np.isnan(back["left_foot"].acc[100:300]).all()
    assert np.signbit(back["left_foot"].acc[5]).tolist() == [True, False, True]
    assert_same_recording(rec, back)


def test_start_time_with_fixed_offset_and_naive(tmp_path):
    for i, when in enumerate([datetime(2023, 1, 1, 8, 0, 0, 5, tzinfo=timezone(timedelta(
            hours=-3, minutes=-30))), datetime(2023, 1, 1, 8, 0, 0), None]):
        rec = Recording(sensors={"left_foot": sensor("left_foot", 50, seed=i)}, start_time=when)
        write_bids(rec, tmp_path / str(i))
        back = read_bids(tmp_path / str(i))
        assert back.start_time == when
        assert (back.start_time is None) or back.start_time.tzinfo == when.tzinfo


float_arrays = hnp.arrays(
    np.float64, st.tuples(st.integers(1, 40), st.just(3)),
    elements=st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True, width=64),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(acc=float_arrays, data=st.data(), t0=st.floats(-1e9, 1e9), fs=st.floats(1e-3, 1e5))
def test_property_any_floats_round_trip_exactly(acc, data, t0, fs):
    gyr = data.draw(hnp.arrays(np.float64, acc.shape, elements=st.floats(width=64)))
    extra = data.draw(hnp.arrays(np.float64, (acc.shape[0], 2), elements=st.floats(width=64)))
    s = Sensor(placement="left_foot", fs=fs, acc=acc, gyr=gyr, t0=t0, extra={"e": extra})
    rec = Recording(sensors={"left_foot": s}, metadata={"x": data.draw(st.floats())})
    with tempfile.TemporaryDirectory() as folder:
        write_bids(rec, folder)
        back = read_bids(folder)
    assert_same_recording(rec, back)


# ----------------------------------------------------------------------------- writer rules


def test_refuses_to_overwrite_and_leaves_files_alone(tmp_path):
    rec = rich_recording()
    written = write_bids(rec, tmp_path)
    before = {p: p.read_bytes() for p in written}
    with pytest.raises(ConfigError) as err:
        write_bids(Recording(sensors={"left_foot": sensor("left_foot", 20, seed=0)}), tmp_path)
    assert "already exists" in err.value.problem and "overwrite" in err.value.fix
    assert err.value.file is not None and Path(err.value.file).name.startswith("sub-01_task")
    assert {p: p.read_bytes() for p in written} == before


def test_overwrite_replaces_and_removes_stale_tracking_systems(tmp_path):
    two = Recording(sensors={"left_foot": sensor("left_foot", 30, seed=1, clock="a"),
                             "right_foot": sensor("right_foot", 30, seed=2, clock="b")})
    write_bids(two, tmp_path)
    assert len(list(tmp_path.glob("*_motion.tsv"))) == 2
    one = Recording(sensors={"left_foot": sensor("left_foot", 40, seed=3)})
    with pytest.raises(ConfigError):
        write_bids(one, tmp_path)  # the old files would mix with the new ones
    written = write_bids(one, tmp_path, overwrite=True)
    assert files_in(tmp_path) == sorted(p.name for p in written)
    assert_same_recording(one, read_bids(tmp_path))


def test_failed_write_leaves_nothing_behind(tmp_path):
    rec = Recording(sensors={"left_foot": sensor("left_foot", 30, seed=1, clock="a"),
                             "right_foot": sensor("right_foot", 30, seed=2, clock="b")})
    rec["right_foot"].extra["cplx"] = np.zeros(30, dtype=complex)  # second tracking system
    with pytest.raises(ConfigError, match="cplx"):
        write_bids(rec, tmp_path)
    assert files_in(tmp_path) == []
    rec["right_foot"].extra.clear()
    rec.metadata["bad"] = object()
    with pytest.raises(ConfigError, match="bad"):
        write_bids(rec, tmp_path)
    assert files_in(tmp_path) == []


@pytest.mark.parametrize("kwargs", [{"subject": "P_01"}, {"task": "walk fast"},
                                    {"session": "1-2"}])
def test_invalid_labels(tmp_path, kwargs):
    with pytest.raises(ConfigError, match="label"):
        write_bids(rich_recording(), tmp_path, **kwargs)


def test_written_files_follow_bids_motion(tmp_path):
    written = write_bids(rich_recording(), tmp_path)
    assert all(NAME_RE.fullmatch(p.name) for p in written)
    motion, channels, sidecar = written
    chans = pd.read_csv(channels, sep="\t", dtype=str, keep_default_na=False)
    assert list(chans.columns[:5]) == ["name", "component", "type", "tracked_point", "units"]
    assert set(chans["type"]) <= BIDS_CHANNEL_TYPES
    assert set(chans["component"]) <= BIDS_COMPONENTS
    assert chans["name"].is_unique
    assert set(chans["tracked_point"]) == {"LeftFoot", "RightFoot"}
    acc = chans[chans["type"] == "ACCEL"]
    assert set(acc["units"]) == {"m/s^2"} and sorted(acc["component"]) == list("xxyyzz")
    assert set(chans.loc[chans["type"] == "GYRO", "units"]) == {"deg/s"}
    assert set(chans.loc[chans["type"] == "MAGN", "units"]) == {"uT"}

    def no_constants(name):
        raise AssertionError(f"non-standard JSON constant {name}")

    meta = json.loads(sidecar.read_text(), parse_constant=no_constants)
    for key in ("SamplingFrequency", "TaskName", "TrackingSystemName"):
        assert key in meta
    assert meta["SamplingFrequency"] == 204.8 and meta["TaskName"] == "walking"
    assert meta["MotionChannelCount"] == len(chans)
    assert meta["ACCELChannelCount"] == 6 and meta["GYROChannelCount"] == 6
    assert meta["MAGNChannelCount"] == 3
    assert meta["TrackedPointsCount"] == 2
    assert meta["RecordingDuration"] == pytest.approx(500 / 204.8)
    text = motion.read_text()
    assert "\tn/a\t" in text and not re.search(r"(?i)\bnan\b", text)  # missing is n/a
    first = text.splitlines()[0].split("\t")
    assert len(first) == len(chans)  # no header row: the first line is data
    [float(c) for c in first if c != "n/a"]
    data = pd.read_csv(motion, sep="\t", header=None, na_values=["n/a"], keep_default_na=False)
    assert data.shape == (500, len(chans))


# ----------------------------------------------------------------------------- detection, io.read


def test_detected_from_content_and_read_through_the_pipeline(tmp_path):
    acc_l, gyr_l = walking_foot(fs=100, duration_s=12, seed=1)
    acc_r, gyr_r = walking_foot(fs=100, duration_s=11, seed=2)
    rec = Recording(sensors={
        "left_foot": Sensor(placement="left_foot", fs=100.0, acc=acc_l, gyr=gyr_l, clock="l"),
        "right_foot": Sensor(placement="right_foot", fs=100.0, acc=acc_r, gyr=gyr_r, clock="r",
                             t0=0.5)})
    written = write_bids(rec, tmp_path)
    for p in [tmp_path, *written]:
        assert io.detect_format(p) == "bids"
    back = io.read(tmp_path)
    assert back.placements == ["left_foot", "right_foot"]
    assert_same_array(back["right_foot"].gyr, gyr_r)
    assert back["right_foot"].t0 == 0.5


def test_sniffer_needs_siblings_and_numeric_content(tmp_path):
    write_bids(Recording(sensors={"left_foot": sensor("left_foot", 20, seed=1)}), tmp_path)
    other = tmp_path / "x"
    other.mkdir()
    lone = other / "sub-01_task-a_tracksys-b_motion.tsv"
    lone.write_text("1\t2\n")
    with pytest.raises(ReadError):
        io.detect_format(lone)
    headed = tmp_path / "sub-02_task-a_tracksys-b_motion.tsv"
    headed.write_text("acc_x\tacc_y\n1\t2\n")
    for sfx in ("_channels.tsv", "_motion.json"):
        (tmp_path / f"sub-02_task-a_tracksys-b{sfx}").write_text("{}")
    with pytest.raises(ReadError):
        io.detect_format(headed)


def test_gaitmap_example_round_trip(tmp_path, gaitmap_example):
    left = gaitmap_example / "imu_sample_ms_left.csv"
    right = gaitmap_example / "imu_sample_ms_right.csv"
    rec = io.read(left=left, right=right, fs=102.4)
    written = write_bids(rec, tmp_path / "bids")
    assert len(written) == 6  # the two feet have separate clocks
    back = io.read(tmp_path / "bids")
    assert_same_recording(rec, back)
    raw = pd.read_csv(left)
    np.testing.assert_array_equal(back["left_foot"].acc, raw[["acc_x", "acc_y", "acc_z"]])


# ----------------------------------------------------------------------------- foreign datasets


def write_foreign(folder: Path, sidecar: dict | None = None, bad_cell: str | None = None):
    """A hand-made BIDS-Motion dataset of another tool (no "footdrop" key)."""
    folder.mkdir(parents=True, exist_ok=True)
    stem = folder / "sub-07_task-walk_tracksys-xsens"
    rows = [("LAT", "n/a", "LATENCY", "n/a", "s")]
    for tp in ("LeftFoot", "foot_right", "Sensor3"):
        rows += [(f"{tp}_acc_{a}", a, "ACCEL", tp, "g") for a in "xyz"]
        rows += [(f"{tp}_gyro_{a}", a.upper(), "GYRO", tp, "rad/s") for a in "xyz"]
    rows += [(f"Head_pos_{a}", a, "POS", "Head", "m") for a in "xyz"]
    rows += [("LeftFoot_temp", "n/a", "MISC", "LeftFoot", "degC")]
    pd.DataFrame(rows, columns=["name", "component", "type", "tracked_point", "units"]).to_csv(
        f"{stem}_channels.tsv", sep="\t", index=False)
    n = 50
    data = np.random.default_rng(0).normal(size=(n, len(rows))).round(6)
    data[:, 0] = np.arange(n) / 60
    text = [[repr(float(v)) for v in row] for row in data]
    text[3][2] = "n/a"
    if bad_cell is not None:
        text[7][4] = bad_cell
    Path(f"{stem}_motion.tsv").write_text("\n".join("\t".join(r) for r in text) + "\n")
    meta = {"SamplingFrequency": 60, "TaskName": "walk", "TrackingSystemName": "Xsens"}
    Path(f"{stem}_motion.json").write_text(json.dumps(meta if sidecar is None else sidecar))
    (folder / "sub-07_scans.tsv").write_text(
        "filename\tacq_time\nmotion/sub-07_task-walk_tracksys-xsens_motion.tsv\t"
        "2021-05-04T10:11:12.5\n")
    return Path(f"{stem}_motion.tsv"), data, rows


def test_foreign_dataset_best_effort(tmp_path):
    motion, data, rows = write_foreign(tmp_path)
    rec = read_bids(motion)
    assert set(rec.placements) == {"left_foot", "right_foot", "unknown"}
    col = {r[0]: j for j, r in enumerate(rows)}
    left = rec["left_foot"]
    assert left.fs == 60.0 and left.t0 == 0.0 and left.frame == "sensor"
    assert left.units["acc"] == "g" and left.units["gyr"] == "rad/s"
    expected = data[:, [col[f"LeftFoot_acc_{a}"] for a in "xyz"]].copy()
    expected[3, 1] = np.nan
    assert_same_array(left.acc, expected)
    assert_same_array(rec["right_foot"].gyr, data[:, [col[f"foot_right_gyro_{a}"] for a in "xyz"]])
    assert_same_array(left.extra["LeftFoot_temp"], data[:, col["LeftFoot_temp"]])
    assert left.extra_units["LeftFoot_temp"] == "degC"
    assert_same_array(rec["right_foot"].extra["LAT"], data[:, 0])
    assert left.clock == rec["right_foot"].clock
    assert any("Sensor3" in w for w in rec.warnings)
    assert any("Head" in w and "skipped" in w for w in rec.warnings)
    assert rec.start_time == datetime(2021, 5, 4, 10, 11, 12, 500000)
    assert rec.metadata["bids"][motion.name]["TrackingSystemName"] == "Xsens"
    assert rec.format == "bids"


def test_foreign_dataset_through_the_pipeline_converts_units(tmp_path):
    acc, gyr = walking_foot(fs=60, duration_s=10, seed=4)
    stem = tmp_path / "sub-1_task-walk_tracksys-imu"
    names = [f"LeftFoot_{k}_{a}" for k in ("ACC", "GYR") for a in "xyz"]
    pd.DataFrame({"name": names, "component": list("xyz") * 2,
                  "type": ["ACCEL"] * 3 + ["GYRO"] * 3, "tracked_point": "LeftFoot",
                  "units": ["g"] * 3 + ["rad/s"] * 3}).to_csv(f"{stem}_channels.tsv", sep="\t",
                                                              index=False)
    np.savetxt(f"{stem}_motion.tsv", np.hstack([acc / 9.80665, np.deg2rad(gyr)]),
               delimiter="\t", fmt="%.17g")
    Path(f"{stem}_motion.json").write_text('{"SamplingFrequency": 60, "TaskName": "walk", '
                                           '"TrackingSystemName": "imu"}')
    rec = io.read(tmp_path)
    np.testing.assert_allclose(rec["left_foot"].acc, acc, rtol=1e-12)
    np.testing.assert_allclose(rec["left_foot"].gyr, gyr, rtol=1e-12)


@pytest.mark.parametrize("name, placement", [
    ("LeftFoot", "left_foot"), ("left_foot", "left_foot"), ("foot_left", "left_foot"),
    ("L_Foot", "left_foot"), ("LF", "left_foot"), ("RightFoot", "right_foot"),
    ("rightShoe", "right_foot"), ("Pelvis", "lower_back"), ("LowerBack", "lower_back"),
    ("RightAnkle", "right_shank"), ("leftWrist", "left_wrist"), ("Foot", None),
    ("Head", None), ("LeftRightFoot", None), ("t1", None),
])
def test_placement_from_tracked_point(name, placement):
    assert placement_from_tracked_point(name) == placement


# ----------------------------------------------------------------------------- malformed files


def written_one(tmp_path):
    written = write_bids(Recording(sensors={"left_foot": sensor("left_foot", 40, seed=1)}),
                         tmp_path)
    return written  # motion, channels, sidecar


def test_missing_sidecars(tmp_path):
    motion, channels, sidecar = written_one(tmp_path)
    channels.unlink()
    with pytest.raises(ReadError, match="channels.tsv is missing") as err:
        read_bids(motion)
    assert err.value.fix and err.value.file
    write_bids(Recording(sensors={"left_foot": sensor("left_foot", 40, seed=1)}), tmp_path,
               overwrite=True)
    sidecar.unlink()
    with pytest.raises(ReadError, match="motion.json is missing"):
        read_bids(tmp_path)


def test_channel_count_mismatch(tmp_path):
    motion, channels, _ = written_one(tmp_path)
    lines = channels.read_text().splitlines()
    channels.write_text("\n".join(lines[:-1]) + "\n")
    with pytest.raises(ReadError, match="columns") as err:
        read_bids(motion)
    assert err.value.fix


def test_ragged_row(tmp_path):
    motion, _, _ = written_one(tmp_path)
    lines = motion.read_text().splitlines()
    lines[10] = "\t".join(lines[10].split("\t")[:-1])
    motion.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReadError, match="columns"):
        read_bids(motion)


def test_non_numeric_cell_names_the_line(tmp_path):
    motion, _, _ = written_one(tmp_path)
    lines = motion.read_text().splitlines()
    cells = lines[12].split("\t")
    cells[4] = "12,5"
    lines[12] = "\t".join(cells)
    motion.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReadError, match=r"'12,5' at line 13 in column 5") as err:
        read_bids(motion)
    assert str(motion) == err.value.file


def test_truncated_data(tmp_path):
    motion, _, _ = written_one(tmp_path)
    lines = motion.read_text().splitlines()
    motion.write_text("\n".join(lines[:-3]) + "\n")
    with pytest.raises(ReadError, match="37 rows but its sidecar says 40"):
        read_bids(motion)


def test_invalid_json(tmp_path):
    _, _, sidecar = written_one(tmp_path)
    sidecar.write_text(sidecar.read_text()[:-20])
    with pytest.raises(ReadError, match="invalid JSON") as err:
        read_bids(tmp_path)
    assert err.value.file == str(sidecar)


def test_foreign_without_sampling_frequency(tmp_path):
    motion, _, _ = write_foreign(tmp_path, sidecar={"TaskName": "walk"})
    with pytest.raises(ReadError, match="SamplingFrequency") as err:
        read_bids(motion)
    assert err.value.file.endswith("_motion.json") and "SamplingFrequency" in err.value.fix


def test_foreign_bad_cell_and_pipeline_gives_clean_error(tmp_path):
    write_foreign(tmp_path, bad_cell="oops")
    with pytest.raises(FootdropError, match="oops"):
        io.read(tmp_path)


def test_folder_with_two_recordings(tmp_path):
    rec = Recording(sensors={"left_foot": sensor("left_foot", 20, seed=1)})
    write_bids(rec, tmp_path, subject="01")
    write_bids(rec, tmp_path, subject="02")
    with pytest.raises(ReadError, match="2 recordings") as err:
        read_bids(tmp_path)
    assert "motion.tsv" in err.value.fix
    assert_same_recording(rec, read_bids(tmp_path / "sub-02_task-walking_tracksys-imu_motion.tsv"))


def test_sidecar_from_a_newer_footdrop_or_damaged(tmp_path):
    _, _, sidecar = written_one(tmp_path)
    meta = json.loads(sidecar.read_text())
    meta["footdrop"]["version"] = 99
    sidecar.write_text(json.dumps(meta))
    with pytest.raises(ReadError, match="newer footdrop") as err:
        read_bids(tmp_path)
    assert "update" in err.value.fix
    meta["footdrop"]["version"] = 1
    del meta["footdrop"]["sensors"][0]["clock"]
    sidecar.write_text(json.dumps(meta))
    with pytest.raises(ReadError, match="damaged.*clock"):
        read_bids(tmp_path)


def test_numpy_scalars_enums_and_paths_in_metadata(tmp_path):
    import enum

    class Side(enum.IntEnum):
        LEFT = 1

    rec = Recording(sensors={"left_foot": sensor("left_foot", 20, seed=1)},
                    source=[Path("/x/y.csv")],
                    metadata={"f32": np.float32(0.1), "i": np.int16(-3), "side": Side.LEFT,
                              "b": np.bool_(True), "big": 10**30})
    write_bids(rec, tmp_path)
    back = read_bids(tmp_path)
    assert back.source == [Path("/x/y.csv")]
    # numpy scalars and enums come back as the plain Python value they hold
    assert back.metadata == {"f32": float(np.float32(0.1)), "i": -3, "side": 1, "b": True,
                             "big": 10**30}
    assert type(back.metadata["i"]) is int and type(back.metadata["b"]) is bool


def test_out_must_be_a_folder(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        write_bids(rich_recording(), target)


def test_a_lost_tracking_system_is_reported(tmp_path):
    rec = Recording(sensors={"left_foot": sensor("left_foot", 30, seed=1, clock="a"),
                             "right_foot": sensor("right_foot", 30, seed=2, clock="b")})
    written = write_bids(rec, tmp_path)
    for p in written[3:]:
        p.unlink()
    back = read_bids(tmp_path)
    assert back.placements == ["left_foot"]
    assert back.warnings[-1].endswith("imuRightFoot of this recording not found")
