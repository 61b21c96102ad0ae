import numpy as np
import pytest

from footdrop import io
from footdrop.errors import ConfigError, ReadError, SignalError

from synthetic import G, walking_foot, write_gaitmap_csv, write_perfoot_csv


@pytest.fixture
def feet():
    return walking_foot(fs=100, duration_s=12, seed=1), walking_foot(fs=100, duration_s=12, seed=2)


def test_gaitmap_csv_round_trip(tmp_path, feet):
    (al, gl), (ar, gr) = feet
    path = tmp_path / "trial.csv"
    write_gaitmap_csv(path, al, gl, ar, gr)
    assert io.detect_format(path) == "gaitmap-csv"
    rec = io.read(path, fs=100)
    assert rec.placements == ["left_foot", "right_foot"]
    np.testing.assert_array_equal(rec["left_foot"].acc, al)
    np.testing.assert_array_equal(rec["right_foot"].gyr, gr)
    assert rec.synchronised and rec["left_foot"].fs == 100


def test_gaitmap_csv_without_fs_names_the_fix(tmp_path, feet):
    (al, gl), (ar, gr) = feet
    path = tmp_path / "trial.csv"
    write_gaitmap_csv(path, al, gl, ar, gr)
    with pytest.raises(ConfigError, match=r"trial.csv: .*sampling rate.*Fix: pass --fs"):
        io.read(path)


def test_perfoot_pair_keeps_separate_clocks_and_places_by_counter(tmp_path, feet):
    (al, gl), (ar, gr) = feet
    keep = np.ones(len(al), bool)
    keep[500:503] = False  # three dropped samples in the left file
    counter = np.arange(len(al)) + 23000
    write_perfoot_csv(tmp_path / "l.csv", al[keep], gl[keep], counter=counter[keep])
    write_perfoot_csv(tmp_path / "r.csv", ar, gr)
    rec = io.read(left=tmp_path / "l.csv", right=tmp_path / "r.csv", fs=100)
    assert not rec.synchronised
    left = rec["left_foot"]
    assert left.n_samples == len(al)
    np.testing.assert_allclose(left.acc[:500], al[:500])
    np.testing.assert_allclose(left.acc[503:], al[503:])
    # the dropped samples were placed by counter and interpolated (0.03 s < 0.1 s)
    np.testing.assert_allclose(left.acc[501], (al[499] + (al[503] - al[499]) * 2 / 4), rtol=1e-9)
    assert any("3 samples" in w and "missing" in w for w in rec.warnings)


def test_perfoot_side_from_file_name(tmp_path, feet):
    (al, gl), _ = feet
    write_perfoot_csv(tmp_path / "walk_left.csv", al, gl)
    rec = io.read(tmp_path / "walk_left.csv", fs=100)
    assert rec.placements == ["left_foot"]


def test_generic_csv_with_inline_map_and_units(tmp_path, feet):
    (al, gl), _ = feet
    t_ms = np.arange(len(al)) * 10.0
    path = tmp_path / "device.txt"
    block = np.column_stack([t_ms, al / G, np.radians(gl)])
    np.savetxt(path, block, delimiter=";", header="ts;AX;AY;AZ;GX;GY;GZ", comments="")
    spec = ("time=ts,acc_x=AX,acc_y=AY,acc_z=AZ,gyr_x=GX,gyr_y=GY,gyr_z=GZ,"
            "acc_unit=g,gyr_unit=rad/s,time_unit=ms,placement=right_foot")
    rec = io.read(path, format="generic-csv", columns=spec)
    s = rec["right_foot"]
    assert s.fs == pytest.approx(100.0)
    np.testing.assert_allclose(s.acc, al, rtol=1e-12)
    np.testing.assert_allclose(s.gyr, gl, atol=1e-9)
    assert any("converted from g" in w for w in rec.warnings)


def test_generic_csv_with_toml_map_two_sensors(tmp_path, feet):
    (al, gl), (ar, gr) = feet
    path = tmp_path / "both.csv"
    block = np.column_stack([al, gl, ar, gr])
    names = [f"{s}{c}" for s in "LR" for c in ("ax", "ay", "az", "gx", "gy", "gz")]
    np.savetxt(path, block, delimiter=",", header=",".join(names), comments="")
    lines = ["fs = 100", "[columns]"]
    for side, prefix in (("left_foot", "L"), ("right_foot", "R")):
        for ch, c in zip(("acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"),
                         ("ax", "ay", "az", "gx", "gy", "gz"), strict=True):
            lines.append(f'"{side}.{ch}" = "{prefix}{c}"')
    (tmp_path / "map.toml").write_text("\n".join(lines))
    rec = io.read(path, format="generic-csv", columns=tmp_path / "map.toml")
    np.testing.assert_allclose(rec["right_foot"].gyr, gr)
    np.testing.assert_allclose(rec["left_foot"].acc, al)


def test_generic_csv_incomplete_map(tmp_path, feet):
    (al, gl), _ = feet
    path = tmp_path / "x.csv"
    np.savetxt(path, np.column_stack([al, gl]), delimiter=",", header="a,b,c,d,e,f", comments="")
    with pytest.raises(ConfigError, match="lacks gyr_x, gyr_y, gyr_z"):
        io.read(path, format="generic-csv", columns="acc_x=a,acc_y=b,acc_z=c,fs=100")


# ----------------------------------------------------------------- bad input, by case
def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="nope.csv: file not found"):
        io.read(tmp_path / "nope.csv")


def test_empty_file(tmp_path):
    (tmp_path / "e.csv").write_text("")
    with pytest.raises(ReadError, match="e.csv: the file is empty"):
        io.read(tmp_path / "e.csv")


def test_unknown_format(tmp_path):
    (tmp_path / "u.csv").write_text("foo,bar\n1,2\n")
    with pytest.raises(ReadError, match="u.csv: unknown file format.*--format"):
        io.read(tmp_path / "u.csv")


def test_missing_gyr_columns(tmp_path, feet):
    (al, _), _ = feet
    path = tmp_path / "acc_only.csv"
    np.savetxt(path, al, delimiter=",", header="acc_x,acc_y,acc_z", comments="")
    with pytest.raises(ReadError, match=r"missing column\(s\) gyr_x, gyr_y, gyr_z"):
        io.read(path, format="perfoot-csv", fs=100)


def test_non_numeric_cell_names_the_line(tmp_path, feet):
    (al, gl), _ = feet
    path = tmp_path / "bad.csv"
    write_perfoot_csv(path, al, gl)
    lines = path.read_text().splitlines()
    cells = lines[10].split(",")
    cells[4] = "12,5".replace(",", "x")  # '12x5'
    lines[10] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(ReadError, match="non-numeric value '12x5' in column acc_z at line 11"):
        io.read(path, fs=100)


def test_long_nan_run_splits_not_zero_padded(tmp_path, feet):
    (al, gl), _ = feet
    al = al.copy()
    al[300:600] = np.nan
    path = tmp_path / "gap_left.csv"
    write_perfoot_csv(path, al, gl)
    rec = io.read(path, fs=100)
    s = rec["left_foot"]
    assert np.isnan(s.acc[300:600]).all()
    assert s.segments == [(0, 300), (600, len(al))]


def test_too_short_file(tmp_path, feet):
    (al, gl), _ = feet
    write_perfoot_csv(tmp_path / "short_left.csv", al[:150], gl[:150])
    with pytest.raises(SignalError, match="too short"):
        io.read(tmp_path / "short_left.csv", fs=100)


def test_duplicate_counter_with_different_values(tmp_path, feet):
    (al, gl), _ = feet
    counter = np.arange(len(al))
    counter[100] = counter[99]
    write_perfoot_csv(tmp_path / "dup_left.csv", al, gl, counter=counter)
    with pytest.raises(SignalError, match="duplicated sample counter"):
        io.read(tmp_path / "dup_left.csv", fs=100)


def test_bundled_example_reads_both_feet():
    rec = io.read_example()
    assert rec.placements == ["left_foot", "right_foot"]
    assert not rec.synchronised  # the two feet were recorded on separate clocks
    for s in rec.sensors.values():
        assert s.fs == 102.4 and s.n_samples == 7000
        quiet = np.linalg.norm(s.gyr, axis=1) < np.percentile(np.linalg.norm(s.gyr, axis=1), 10)
        assert np.median(np.linalg.norm(s.acc[quiet], axis=1)) == pytest.approx(9.81, abs=0.3)
