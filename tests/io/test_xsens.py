"""XSens / MT Manager text reader: synthetic files, and the Voisard et al. data when present."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from footdrop import io
from footdrop.errors import ConfigError, ReadError
from footdrop.io.xsens import read_xsens

from synthetic import walking_foot

RAD = np.pi / 180.0
MT_HEADER = [
    "// Start Time: Unknown",
    "// Update Rate: 100.0Hz",
    "// Filter Profile: human (46.1)",
    "// Option Flags: AHS Disabled, In-Run Compass Calibration Disabled",
    "// Firmware Version: 4.3.0",
    "// Device ID: 00B41A3F",
]


def signal(n: int = 1000, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Acc (m/s²), gyr (rad/s) and mag (a.u.) of a walking foot, as MT Manager writes them."""
    acc, gyr_deg = walking_foot(fs=100, duration_s=n / 100, seed=seed)
    mag = np.tile([0.4, -0.1, 0.6], (n, 1)) + np.random.default_rng(seed).normal(0, 0.01, (n, 3))
    return acc, gyr_deg * RAD, mag


def write_xsens(path: Path, acc, gyr, mag=None, *, counter=None, stf=None, sep="\t",
                preamble=("Acquisition frequency: 100 Hz",), counter_fmt="{:.1f}",
                extra_cols=(), decimal=".", trailing="") -> Path:
    """Write an MT Manager-style export; ``counter``/``stf`` are per-row stamps or None."""
    cols, blocks = [], []
    if counter is not None:
        cols.append("PacketCounter")
    if stf is not None:
        cols.append("SampleTimeFine")
    cols += ["Acc_X", "Acc_Y", "Acc_Z", "Gyr_X", "Gyr_Y", "Gyr_Z"]
    blocks += [acc, gyr]
    if mag is not None:
        cols += ["Mag_X", "Mag_Y", "Mag_Z"]
        blocks.append(mag)
    for name in extra_cols:
        cols.append(name)
        blocks.append(np.full((len(acc), 1), 0.5))
    values = np.hstack(blocks)
    with open(path, "w") as fh:
        for line in preamble:
            fh.write(line + "\n")
        fh.write(sep.join(cols) + trailing + "\n")
        for i, row in enumerate(values):
            cells = []
            if counter is not None:
                cells.append(counter_fmt.format(counter[i]))
            if stf is not None:
                cells.append(str(int(stf[i])))
            cells += [repr(float(v)).replace(".", decimal) for v in row]
            fh.write(sep.join(cells) + trailing + "\n")
    return path


def test_dropped_packets_are_nan_rows_at_their_counter_positions(tmp_path):
    acc, gyr, mag = signal(1000)
    keep = np.ones(1000, bool)
    keep[[100, 101, 102, 500]] = False
    counter = np.arange(1000)
    path = write_xsens(tmp_path / "s_lf.txt", acc[keep], gyr[keep], mag[keep],
                       counter=counter[keep])
    rec = io.read_raw(path)
    s = rec["left_foot"]
    assert s.n_samples == 1000
    missing = np.flatnonzero(np.isnan(s.acc).any(axis=1))
    assert missing.tolist() == [100, 101, 102, 500]
    assert np.isnan(s.gyr[[100, 101, 102, 500]]).all() and np.isnan(s.mag[500]).all()
    # every kept row sits at the index of its own counter, not of its row number
    np.testing.assert_array_equal(s.acc[keep], acc[keep])
    np.testing.assert_array_equal(s.gyr[keep], gyr[keep])
    np.testing.assert_array_equal(s.mag[keep], mag[keep])
    assert s.units == {"acc": "m/s^2", "gyr": "rad/s", "mag": "a.u."}
    assert s.frame == "sensor" and s.clock == str(path) and s.fs == 100
    gap_warning = next(w for w in rec.warnings if "dropped packets" in w)
    assert "2 gap(s)" in gap_warning and "4 samples" in gap_warning
    assert "1.00 s (3)" in gap_warning and "5.00 s (1)" in gap_warning


def test_counter_wrap_at_65536(tmp_path):
    acc, gyr, _ = signal(1000)
    counter = (65000 + np.arange(1000)) % 65536
    keep = ~np.isin(counter, [65535, 0])  # two packets lost across the wrap
    path = write_xsens(tmp_path / "w_rf.txt", acc[keep], gyr[keep], counter=counter[keep],
                       counter_fmt="{:d}")
    s = io.read_raw(path)["right_foot"]
    assert s.n_samples == 1000
    assert np.flatnonzero(np.isnan(s.acc[:, 0])).tolist() == [535, 536]
    np.testing.assert_array_equal(s.acc[keep], acc[keep])
    assert s.extra["packet_counter"][-1] == 65000 + 999


def test_mt_manager_comment_header_semicolons_and_extra_columns(tmp_path):
    acc, gyr, mag = signal(600)
    header = [line.replace("100.0Hz", "60.0Hz") for line in MT_HEADER]
    extra = ["Quat_q0", "Quat_q1", "Quat_q2", "Quat_q3", "Roll", "Pitch", "Yaw", "StatusWord"]
    path = write_xsens(tmp_path / "MT_012005D6_000-000.dat", acc, gyr, mag,
                       counter=np.arange(600), stf=np.arange(600) * 10000 // 60, sep=";",
                       preamble=header, extra_cols=extra, counter_fmt="{:d}", trailing=";")
    assert io.detect_format(path) == "xsens"  # from the content: the extension says nothing
    rec = io.read_raw(path, placement="left_foot")
    s = rec["left_foot"]
    assert s.fs == 60 and s.n_samples == 600
    assert s.name == "00B41A3F"  # the header's device ID wins over the file name's
    assert rec.metadata["device_id"] == "00B41A3F"
    assert rec.metadata["xsens_header"]["Filter Profile"] == "human (46.1)"
    np.testing.assert_array_equal(s.gyr, gyr)
    assert s.extra["quat"].shape == (600, 4) and s.extra_units["euler"] == "deg"
    assert np.all(s.extra["quat"] == 0.5)


def test_comma_decimal_with_semicolon_delimiter(tmp_path):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / "c_lb.txt", acc, gyr, counter=np.arange(300), sep=";",
                       preamble=MT_HEADER, decimal=",", counter_fmt="{:d}")
    s = io.read_raw(path)["lower_back"]
    np.testing.assert_allclose(s.acc, acc)


def test_device_id_from_mt_file_name_when_header_has_none(tmp_path):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / "MT_012005D6_000-000.txt", acc, gyr, counter=np.arange(300))
    rec = io.read_raw(path)
    assert rec["unknown"].name == "012005D6"
    assert any("placement is not known" in w for w in rec.warnings)


def test_sample_time_fine_places_samples_and_gives_the_rate(tmp_path):
    acc, gyr, _ = signal(500)
    ticks = (2**32 - 20000 + np.arange(500) * 100) % 2**32  # 100 Hz, wraps at row 200
    keep = np.ones(500, bool)
    keep[[199, 200, 350]] = False
    path = write_xsens(tmp_path / "t_lf.txt", acc[keep], gyr[keep], stf=ticks[keep],
                       preamble=())
    rec = io.read_raw(path, format="xsens")
    s = rec["left_foot"]
    assert s.fs == pytest.approx(100.0)
    assert rec.metadata["fs_source"] == "SampleTimeFine"
    assert np.flatnonzero(np.isnan(s.acc[:, 2])).tolist() == [199, 200, 350]
    np.testing.assert_array_equal(s.acc[keep], acc[keep])


def test_rate_contradicting_sample_time_fine_is_a_config_error(tmp_path):
    acc, gyr, _ = signal(300)
    ticks = np.arange(300) * 10000 // 60  # 60 Hz in SampleTimeFine, 100 Hz in the header
    path = write_xsens(tmp_path / "r_lf.txt", acc, gyr, counter=np.arange(300), stf=ticks)
    with pytest.raises(ConfigError, match=r"header \(100 Hz\) contradicts SampleTimeFine"):
        io.read_raw(path)


def test_missing_gyr_columns_is_a_clear_read_error(tmp_path):
    acc, _, _ = signal(200)
    path = tmp_path / "nogyr_lf.txt"
    with open(path, "w") as fh:
        fh.write("Acquisition frequency: 100 Hz\nPacketCounter\tAcc_X\tAcc_Y\tAcc_Z\n")
        for i, row in enumerate(acc):
            fh.write(f"{i}\t" + "\t".join(map(str, row)) + "\n")
    with pytest.raises(ReadError) as err:
        io.read(path)
    msg = err.value.message
    assert "nogyr_lf.txt" in msg and "Gyr_X, Gyr_Y, Gyr_Z" in msg and "Fix:" in msg


def test_non_numeric_cell_names_its_line(tmp_path):
    acc, gyr, _ = signal(200)
    path = write_xsens(tmp_path / "bad_rf.txt", acc, gyr, counter=np.arange(200))
    lines = path.read_text().splitlines()
    cells = lines[7].split("\t")  # line 8: preamble, header, then data rows 0..5
    cells[3] = "oops"
    lines[7] = "\t".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReadError, match=r"bad_rf.txt: non-numeric value 'oops' in column "
                       r"Acc_Z at line 8"):
        io.read(path)


def test_fs_contradicting_the_header_is_a_config_error(tmp_path):
    acc, gyr, _ = signal(400)
    path = write_xsens(tmp_path / "f_lf.txt", acc, gyr, counter=np.arange(400))
    with pytest.raises(ConfigError, match=r"--fs 60 Hz contradicts .* 100 Hz.*Fix: drop --fs"):
        io.read(path, fs=60)
    assert io.read(path, fs=100)["left_foot"].fs == 100  # agreeing is fine


def test_no_rate_anywhere_is_a_config_error_unless_fs_is_given(tmp_path):
    acc, gyr, _ = signal(400)
    path = write_xsens(tmp_path / "n_lf.txt", acc, gyr, counter=np.arange(400), preamble=())
    with pytest.raises(ConfigError, match=r"sampling rate.*Fix: pass --fs"):
        io.read_raw(path)
    assert io.read_raw(path, fs=50)["left_foot"].fs == 50


def test_no_counter_at_all_is_refused(tmp_path):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / "nc_lf.txt", acc, gyr)
    with pytest.raises(ReadError, match="no PacketCounter or SampleTimeFine"):
        io.read_raw(path)


@pytest.mark.parametrize(("stem", "kwarg", "expected"), [
    ("3-2_lf", None, "left_foot"),
    ("3-2_rf", None, "right_foot"),
    ("3-2_LB", None, "lower_back"),
    ("3-2_lf", "right_foot", "right_foot"),  # the option wins over the suffix
    ("walk", None, "unknown"),
    ("walk", "left_shank", "left_shank"),
])
def test_placement(tmp_path, stem, kwarg, expected):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / f"{stem}.txt", acc, gyr, counter=np.arange(300))
    assert io.read_raw(path, placement=kwarg).placements == [expected]


def test_unknown_placement_option_is_a_config_error(tmp_path):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / "p.txt", acc, gyr, counter=np.arange(300))
    with pytest.raises(ConfigError, match="unknown placement"):
        read_xsens(path, placement="nose")


def test_pipeline_converts_rad_to_deg_and_repairs_gaps(tmp_path):
    acc, gyr, _ = signal(1500)
    keep = np.ones(1500, bool)
    keep[300:303] = False  # 0.03 s: interpolated
    keep[800:850] = False  # 0.5 s: left missing, splits the recording
    path = write_xsens(tmp_path / "g_lf.txt", acc[keep], gyr[keep],
                       counter=np.arange(1500)[keep])
    rec = io.read(path)
    s = rec["left_foot"]
    assert s.units["gyr"] == "deg/s" and s.units["acc"] == "m/s^2"
    np.testing.assert_allclose(s.gyr[keep], gyr[keep] * 180.0 / np.pi, rtol=1e-12)
    np.testing.assert_array_equal(s.acc[keep], acc[keep])  # m/s² stays as written
    idx = np.arange(299, 304)
    expected = np.interp(idx, [299, 303], [acc[299, 2], acc[303, 2]])
    np.testing.assert_allclose(s.acc[299:304, 2], expected)
    assert np.isnan(s.acc[800:850]).all()
    assert s.segments == [(0, 800), (850, 1500)]


def test_voisard_style_sibling_json(tmp_path):
    acc, gyr, _ = signal(600)
    counter = np.arange(600) + 1  # this sensor's first packet is number 1
    path = write_xsens(tmp_path / "4-2_rf.txt", acc, gyr, counter=counter)
    events = {"Subject": 4, "Trial": 2, "Age": 30, "Gender": "M", "Height": 180.0,
              "Weight": 70.0, "TrialBoundaries": [101, 501], "UTurnBoundaries": [250, 300],
              "LeftFootEvents": [[150, 200]], "RightFootEvents": [[101, 140], [320, 370]]}
    (tmp_path / "4-2.json").write_text(json.dumps(events))
    rec = io.read_raw(path)
    assert rec.metadata["age_years"] == 30 and rec.metadata["height_cm"] == 180.0
    # the JSON counts by PacketCounter; on this file's grid index = counter - 1
    assert rec.reference["RightFootEvents"] == [[100, 139], [319, 369]]
    assert rec.reference["TrialBoundaries"] == [100, 500]
    assert rec.reference["index_offset"] == 1
    assert "toe_off, heel_strike" in rec.reference["event_format"]


def test_broken_sibling_json_is_a_warning_not_a_failure(tmp_path):
    acc, gyr, _ = signal(300)
    path = write_xsens(tmp_path / "9-9_lf.txt", acc, gyr, counter=np.arange(300))
    (tmp_path / "9-9.json").write_text("{not json")
    rec = io.read_raw(path)
    assert rec.reference == {} and any("9-9.json" in w for w in rec.warnings)


def test_sniffer_accepts_xsens_content_and_rejects_others(tmp_path):
    from footdrop.io.xsens import _sniff

    acc, gyr, _ = signal(100)
    voisard = write_xsens(tmp_path / "a.bin", acc, gyr, counter=np.arange(100))
    mt = write_xsens(tmp_path / "b.bin", acc, gyr, counter=np.arange(100), preamble=MT_HEADER)
    bare = write_xsens(tmp_path / "c.bin", acc, gyr, counter=np.arange(100), preamble=())
    plain = tmp_path / "d.csv"
    plain.write_text("acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n1,2,3,4,5,6\n")
    code = tmp_path / "e.c"
    code.write_text("// a C comment\nint main() { return 0; }\n")
    for path, expected in ((voisard, True), (mt, True), (bare, True), (plain, False),
                           (code, False)):
        assert _sniff(path, path.read_bytes()[:8192]) is expected, path.name
    assert io.detect_format(voisard) == "xsens" and io.detect_format(mt) == "xsens"


def test_bare_xsens_export_is_detected_as_xsens(tmp_path):
    acc, gyr, _ = signal(100)
    path = write_xsens(tmp_path / "bare.txt", acc, gyr, counter=np.arange(100), preamble=())
    assert io.detect_format(path) == "xsens"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(drop=st.sets(st.integers(min_value=1, max_value=298), max_size=60),
       start=st.integers(min_value=0, max_value=65535))
def test_any_drop_pattern_lands_on_the_grid(tmp_path, drop, start):
    acc, gyr, _ = signal(300)
    keep = np.ones(300, bool)
    keep[sorted(drop)] = False
    counter = (start + np.arange(300)) % 65536
    path = write_xsens(tmp_path / "h_lf.txt", acc[keep], gyr[keep], counter=counter[keep],
                       counter_fmt="{:d}")
    s = io.read_raw(path)["left_foot"]
    assert s.n_samples == 300
    assert np.flatnonzero(np.isnan(s.acc[:, 0])).tolist() == sorted(drop)
    np.testing.assert_array_equal(s.gyr[keep], gyr[keep])


def test_one_hour_at_100_hz_reads_in_under_two_seconds(tmp_path):
    n = 360_000
    rng = np.random.default_rng(3)
    cols = ["PacketCounter", "SampleTimeFine", "Acc_X", "Acc_Y", "Acc_Z", "Gyr_X", "Gyr_Y",
            "Gyr_Z", "Mag_X", "Mag_Y", "Mag_Z", "Roll", "Pitch", "Yaw"]
    block = np.column_stack([(np.arange(n) + 1000) % 65536, np.arange(n) * 100,
                             rng.normal(size=(n, len(cols) - 2))])
    path = tmp_path / "hour_lf.txt"
    with open(path, "w") as fh:
        fh.write("\n".join(MT_HEADER) + "\n" + "\t".join(cols) + "\n")
        np.savetxt(fh, block, fmt=["%d", "%d"] + ["%.6f"] * (len(cols) - 2), delimiter="\t")
    start = time.perf_counter()
    rec = io.read_raw(path)
    elapsed = time.perf_counter() - start
    assert rec["left_foot"].n_samples == n
    assert elapsed < 2.0, f"reading took {elapsed:.2f} s"


# --------------------------------------------------------------------- Voisard et al. data


def _raw_table(path: Path) -> np.ndarray:
    return np.loadtxt(path, skiprows=2, delimiter="\t")


def test_voisard_trial_with_dropped_packets(voisard):
    path = voisard / "1-6_lf.txt"
    raw = _raw_table(path)
    counter = raw[:, 0].astype(int)
    rec = io.read_raw(path)
    s = rec["left_foot"]
    assert s.fs == 100 and s.frame == "sensor"
    assert s.n_samples == counter[-1] - counter[0] + 1
    assert int(np.isnan(s.acc[:, 0]).sum()) == s.n_samples - len(raw)
    np.testing.assert_array_equal(s.acc[counter - counter[0]], raw[:, 1:4])
    info = json.loads((voisard / "1-6.json").read_text())
    assert rec.metadata["age_years"] == info["Age"]
    shifted = [[a - counter[0], b - counter[0]] for a, b in info["LeftFootEvents"]]
    assert rec.reference["LeftFootEvents"] == shifted


def test_voisard_through_the_pipeline(voisard):
    path = voisard / "1-1_rf.txt"
    raw = _raw_table(path)
    counter = raw[:, 0].astype(int) - int(raw[0, 0])
    rec = io.read(path)
    s = rec["right_foot"]
    np.testing.assert_allclose(s.gyr[counter], raw[:, 4:7] * 180.0 / np.pi, rtol=1e-12)
    # gravity: the quietest samples (lowest rotation) show about 1 g in m/s²
    quiet = np.linalg.norm(s.gyr, axis=1) < np.nanpercentile(np.linalg.norm(s.gyr, axis=1), 10)
    assert np.median(np.linalg.norm(s.acc[quiet], axis=1)) == pytest.approx(9.81, abs=0.5)


def test_voisard_events_fall_on_swings(voisard):
    """A foot turns fast in swing: the rate between toe-off and heel strike must dominate."""
    for trial in ("1-1", "3-3", "6-5"):
        for side, key in (("lf", "LeftFootEvents"), ("rf", "RightFootEvents")):
            rec = io.read(voisard / f"{trial}_{side}.txt")
            sensor = next(iter(rec.sensors.values()))
            rate = np.linalg.norm(sensor.gyr, axis=1)
            swing = np.zeros(sensor.n_samples, bool)
            for to, hs in rec.reference[key]:
                swing[to:hs] = True
            ratio = np.nanmean(rate[swing]) / np.nanmean(rate[~swing])
            assert ratio > 2.5, (trial, side, ratio)


def test_voisard_three_sensors_and_detection(voisard):
    paths = [voisard / f"2-1_{s}.txt" for s in ("lf", "rf", "lb")]
    assert all(io.detect_format(p) == "xsens" for p in paths)
    rec = io.read(paths)
    assert sorted(rec.placements) == ["left_foot", "lower_back", "right_foot"]
    assert not rec.synchronised  # each file keeps its own clock
