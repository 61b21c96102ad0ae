"""The command line: main job on the example, and clean errors on bad input."""

import json
from pathlib import Path

import numpy as np
import pytest

from cli_run import run_cli as run

from synthetic import walking_foot, write_perfoot_csv


def test_info_example_json(monkeypatch, capsys):
    code, out, err = run(monkeypatch, capsys, "info", "--example", "--json")
    assert code == 0, err
    info = json.loads(out)
    assert info["format"] == "perfoot-csv"
    assert set(info["sensors"]) == {"left_foot", "right_foot"}
    left = info["sensors"]["left_foot"]
    assert left["fs_hz"] == 102.4 and left["n_samples"] == 7000
    assert left["frame"] == "foot" and left["alignment"] is not None
    assert info["synchronised"] is False


def test_info_example_text(monkeypatch, capsys):
    code, out, _ = run(monkeypatch, capsys, "info", "--example")
    assert code == 0
    assert "left_foot" in out and "102.4 Hz" in out and "alignment" in out


@pytest.mark.parametrize(
    ("make", "args", "expect"),
    [
        (None, ["missing.csv"], "missing.csv: file not found"),
        (lambda p: p.write_text(""), ["{f}"], "the file is empty"),
        (lambda p: p.write_bytes(b"\x00\x01garbage\xff" * 50), ["{f}"], "unknown file format"),
        (lambda p: p.write_text("acc_x,acc_y,acc_z\n1,2,3\n"), ["{f}", "--format", "perfoot-csv",
                                                              "--fs", "100"],
         "missing column(s) gyr_x"),
        (None, ["{f}", "--format", "nonsense"], "unknown format 'nonsense'"),
    ],
)
def test_bad_input_exits_nonzero_without_traceback(tmp_path, monkeypatch, capsys, make, args,
                                                   expect):
    f = tmp_path / "input.csv"
    if make:
        make(f)
    elif "missing.csv" not in args:
        write_perfoot_csv(f, *walking_foot(duration_s=5))
    args = [a.format(f=f) for a in args]
    code, out, err = run(monkeypatch, capsys, "info", *args)
    assert code != 0
    assert expect in err
    assert "Traceback" not in err + out
    assert "Fix:" in err


def test_contradicting_units_on_cli(tmp_path, monkeypatch, capsys):
    acc, gyr = walking_foot(duration_s=10)
    f = tmp_path / "walk_left.csv"
    write_perfoot_csv(f, acc, gyr)
    code, _, err = run(monkeypatch, capsys, "info", f, "--fs", "100", "--gyr-unit", "rad/s")
    assert code != 0 and "looks like deg/s" in err and "walk_left.csv" in err


def test_convert_then_info_on_bids(tmp_path, monkeypatch, capsys):
    out_dir = tmp_path / "bids"
    acc, gyr = walking_foot(duration_s=10)
    f = tmp_path / "walk_left.csv"
    write_perfoot_csv(f, acc, gyr)
    code, out, err = run(monkeypatch, capsys, "convert", f, out_dir, "--fs", "100")
    assert code == 0, err
    assert any(p.name.endswith("_motion.tsv") for p in out_dir.iterdir())
    code, out, err = run(monkeypatch, capsys, "info", out_dir, "--json", "--no-align")
    assert code == 0, err
    info = json.loads(out)
    assert info["sensors"]["left_foot"]["n_samples"] == len(acc)
    code, _, err = run(monkeypatch, capsys, "convert", f, out_dir, "--fs", "100")
    assert code != 0 and "overwrite" in err
    np.testing.assert_equal(info["sensors"]["left_foot"]["fs_hz"], 100.0)


def _walk_file(tmp_path, name="walk_left.csv", *, edit=None, **kw):
    acc, gyr = walking_foot(duration_s=10)
    if edit:
        acc, gyr = edit(acc.copy(), gyr.copy())
    path = tmp_path / name
    write_perfoot_csv(path, acc, gyr, **kw)
    return path


def _timed_csv(tmp_path, fs=100.0):
    acc, gyr = walking_foot(fs=fs, duration_s=10)
    path = tmp_path / "timed_left.csv"
    t = np.arange(len(acc)) / fs
    np.savetxt(path, np.column_stack([t, acc, gyr]), delimiter=",", comments="",
               header="time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z")
    return path


def test_bad_cells_and_time_stamps_on_cli(tmp_path, monkeypatch, capsys):
    cases = []
    # non-numeric cell
    path = _walk_file(tmp_path, "cell_left.csv")
    lines = path.read_text().splitlines()
    lines[20] = lines[20].replace(lines[20].split(",")[3], "abc", 1)
    path.write_text("\n".join(lines) + "\n")
    cases.append(([path, "--fs", "100"], "non-numeric value 'abc'"))
    # duplicated sample counter with different values
    counter = np.arange(1000)
    counter[500] = 499
    cases.append(([_walk_file(tmp_path, "dup_left.csv", counter=counter), "--fs", "100"],
                  "duplicated sample counter"))
    # counter going backwards
    counter = np.arange(1000)
    counter[[300, 301]] = counter[[301, 300]]
    cases.append(([_walk_file(tmp_path, "back_left.csv", counter=counter), "--fs", "100"],
                  "go backwards"))
    # --fs missing where the file has no rate, and contradicting the time stamps
    cases.append(([_walk_file(tmp_path, "nofs_left.csv")], "does not state its sampling rate"))
    cases.append(([_timed_csv(tmp_path), "--fs", "128"], "contradicts the time stamps"))
    for args, expect in cases:
        code, out, err = run(monkeypatch, capsys, "info", *args)
        assert code == 2, (args, err)
        assert expect in err and Path(args[0]).name in err and "Fix:" in err
        assert "Traceback" not in err + out


def test_repairs_are_reported_not_fatal(tmp_path, monkeypatch, capsys):
    def holes(acc, gyr):
        acc[200:205] = np.nan  # short: interpolated
        gyr[500:800] = np.nan  # long: split
        gyr[900:905, 1] = -600.0  # clipped plateau at the channel minimum
        return acc, gyr

    path = _walk_file(tmp_path, "holes_left.csv", edit=holes)
    code, out, err = run(monkeypatch, capsys, "info", path, "--fs", "100", "--json",
                         "--no-align")
    assert code == 0, err
    info = json.loads(out)
    s = info["sensors"]["left_foot"]
    assert s["gaps"] == [{"start_s": 5.0, "duration_s": 3.0}]
    assert len(s["segments"]) == 2
    assert any(c["channel"] == "gyr_y" and c["start_s"] == 9.0 for c in s["clipped"])
    text = " ".join(info["warnings"])
    assert "filled by linear interpolation" in text and "saturated" in text


def test_too_short_file_for_analysis(tmp_path, monkeypatch, capsys):
    acc, gyr = walking_foot(duration_s=2)
    path = tmp_path / "short_left.csv"
    write_perfoot_csv(path, acc, gyr)
    code, _, err = run(monkeypatch, capsys, "analyze", path, "--fs", "100",
                       "--out", tmp_path / "o")
    assert code == 2 and "too short" in err and "short_left.csv" in err


def test_simulate_then_analyze(tmp_path, monkeypatch, capsys):
    out = tmp_path / "sim"
    code, _, err = run(monkeypatch, capsys, "simulate", "--out", out, "--n-strides", "10",
                       "--left-severity", "severe", "--seed", "5")
    assert code == 0, err
    truth = __import__("pandas").read_csv(out / "truth.csv")
    code, _, err = run(monkeypatch, capsys, "analyze", out / "imu_gaitmap.csv", "--fs", "100",
                       "--out", tmp_path / "an")
    assert code == 0, err
    strides = __import__("pandas").read_csv(tmp_path / "an" / "strides.csv")
    for side in ("left", "right"):
        assert abs((strides["side"] == side).sum() - (truth["side"] == side).sum()) <= 1
    left = strides[strides["side"] == "left"]["foot_strike_angle_deg"].median()
    assert left == pytest.approx(truth[truth["side"] == "left"]["foot_strike_angle_deg"].median(),
                                 abs=2.0)
    code, _, err = run(monkeypatch, capsys, "simulate", "--out", out)
    assert code == 2 and "--overwrite" in err
