"""The command line: main job on the example, and clean errors on bad input."""

import json
import sys

import numpy as np
import pytest

from footdrop.cli import main

from synthetic import walking_foot, write_perfoot_csv


def run(monkeypatch, capsys, *args):
    monkeypatch.setattr(sys, "argv", ["footdrop", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out = capsys.readouterr()
    return code, out.out, out.err


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
