"""`footdrop analyze` writes the CONTRACT.md tables; the API returns the same."""

import json
import sys

import numpy as np
import pandas as pd
import pytest

import footdrop
from footdrop.cli import main
from footdrop.gait.engine import STRIDE_COLUMNS

CONTRACT_KEYS = {"n_strides", "median", "foot_drop", "compensation", "toe_scuffs"}


@pytest.fixture(scope="module")
def example_outputs(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    argv = sys.argv
    sys.argv = ["footdrop", "analyze", "--example", "--out", str(out)]
    try:
        main()
    except SystemExit as exc:  # typer exits 0 on success
        assert exc.code in (0, None)
    finally:
        sys.argv = argv
    return out


def test_strides_csv_has_contract_columns(example_outputs):
    df = pd.read_csv(example_outputs / "strides.csv")
    assert set(STRIDE_COLUMNS) <= set(df.columns)
    assert set(df["side"]) == {"left", "right"}
    # times are consistent: stance + swing = stride, next_ic - ic = stride time
    np.testing.assert_allclose(df["stance_time_s"] + df["swing_time_s"], df["stride_time_s"],
                               atol=1e-5)
    np.testing.assert_allclose(df["next_ic_s"] - df["ic_s"], df["stride_time_s"], atol=1e-5)
    assert (df["fc_s"] > df["ic_s"]).all() and (df["next_ic_s"] > df["fc_s"]).all()
    np.testing.assert_allclose(df["gait_speed_mps"],
                               df["stride_length_m"] / df["stride_time_s"], rtol=1e-4)
    assert set(df["toe_scuff"].unique()) <= {0, 1}


def test_summary_json_schema(example_outputs):
    summary = json.loads((example_outputs / "summary.json").read_text())
    assert summary["schema"] == "footdrop.summary/1"
    assert isinstance(summary["warnings"], list)
    strides = pd.read_csv(example_outputs / "strides.csv")
    for side in ("left", "right"):
        entry = summary["sides"][side]
        assert {"n_strides", "median", "toe_scuffs"} <= set(entry)
        assert entry["n_strides"] == int((strides["side"] == side).sum())
        # the MS example: one foot each, ~68 s of continuous walking, ~73 strides a foot
        # counted by eye (footdrop.validation.annotations)
        assert 65 <= entry["n_strides"] <= 76
        level = strides[(strides["side"] == side) & strides["level_walking"]]
        assert entry["median"]["stride_time_s"] == pytest.approx(
            level["stride_time_s"].median(), rel=1e-5)


def test_api_matches_cli(example_outputs):
    rec = footdrop.io.read_example()
    strides, summary = footdrop.analyze(rec)
    cli = pd.read_csv(example_outputs / "strides.csv")
    assert len(strides) == len(cli)
    np.testing.assert_allclose(strides["ic_s"].to_numpy(), cli["ic_s"].to_numpy(), atol=1e-5)
    assert rec["left_foot"].frame == "sensor"  # the caller's recording is not modified


def test_side_without_sensor_reports_why(tmp_path):
    rec = footdrop.io.read_example()
    del rec.sensors["right_foot"]
    strides, summary = footdrop.analyze(rec)
    right = summary["sides"]["right"]
    assert right["n_strides"] == 0
    assert any("right" in w and "no strides" in w for w in right["warnings"])
    assert summary["sides"]["left"]["n_strides"] > 60


def test_standing_still_gives_no_strides():
    rng = np.random.default_rng(3)
    n = 6000
    acc = np.tile([0.0, 0.0, 9.81], (n, 1)) + rng.normal(0, 0.03, (n, 3))
    gyr = rng.normal(0, 0.5, (n, 3))
    # slow weight shifts: the foot rocks heel-toe by a few degrees, no displacement
    t = np.arange(n) / 100.0
    gyr[:, 1] += 15 * np.sin(2 * np.pi * 0.5 * t)
    rec = footdrop.Recording.from_arrays(fs=100.0, acc=acc, gyr=gyr, placement="left_foot",
                                         frame="foot")
    strides, summary = footdrop.analyze(rec)
    assert len(strides) == 0
    assert summary["sides"]["left"]["n_strides"] == 0


def test_bad_offsets_are_config_errors():
    rec = footdrop.io.read_example()
    with pytest.raises(footdrop.ConfigError, match="over 0.5 m"):
        footdrop.analyze(rec, toe_offset=(19.0, -6.0, -5.5))
    with pytest.raises(footdrop.ConfigError, match="three numbers"):
        footdrop.analyze(rec, toe_offset=(0.1, 0.2))
