"""Per-stride curves (footdrop.gait.curves) agree with the engine's per-stride metrics."""

from __future__ import annotations

import numpy as np
import pandas as pd


def test_curves_match_the_strides_table(example_session):
    strides = pd.read_csv(example_session / "strides.csv")
    with np.load(example_session / "curves.npz") as npz:
        curves = {k: npz[k] for k in npz.files}
    n = len(strides)
    assert curves["pitch_deg"].shape == curves["toe_height_m"].shape == (n, 51)
    assert list(curves["side"]) == list(strides["side"])
    assert (curves["stride_id"] == strides["stride_id"]).all()
    ok = np.isfinite(curves["pitch_deg"]).all(axis=1)
    assert ok.mean() > 0.95
    # pitch at initial contact is the foot strike angle; the toe-height dip is the MTC
    strike = np.abs(curves["pitch_deg"][ok, 0] - strides["foot_strike_angle_deg"][ok])
    assert np.median(strike) < 1.0
    mtc = strides["min_toe_clearance_m"].to_numpy(float)
    has = ok & np.isfinite(mtc)
    dip = np.nanmin(curves["toe_height_m"][has, 10:40], axis=1)
    assert np.median(np.abs(dip - mtc[has])) < 0.003
    assert curves["cycle_pct"][0] == 0 and curves["cycle_pct"][-1] == 100


def test_curves_of_swings_paused_in_mid_air():
    """Strides whose swing the engine joined across a mid-air pause still get curves (the
    curves use the engine's phases, not a fresh stance detection that splits them)."""
    from footdrop.gait.curves import stride_curves
    from footdrop.gait.engine import GaitAnalysis
    from footdrop.preprocess.alignment import align_to_foot
    from footdrop.simulate import simulate

    res = simulate(speed=0.33, n_strides=12, left=0.49, right=0.17, mounting="random",
                   fs=204.8, seed=1062, noise="none")
    rec = align_to_foot(res.recording)
    engine = GaitAnalysis(toe_offset=(0.19, -0.06, -0.055),
                          heel_offset=(-0.06, -0.06, -0.055)).analyze(rec)
    curves = stride_curves(rec, engine)
    left = curves["side"] == "left"
    strides = engine.strides_[engine.strides_["side"] == "left"]
    assert len(strides) >= 11
    pitch = curves["pitch_deg"][left]
    assert np.isfinite(pitch).all()
    assert np.median(np.abs(pitch[:, 0] - strides["foot_strike_angle_deg"].to_numpy())) < 1.0
    # the toe-height curve's peak is the stride's maximum toe clearance
    toe = curves["toe_height_m"][left]
    assert np.isfinite(toe).all()
    peak = np.nanmax(toe, axis=1)
    assert np.median(np.abs(peak - strides["max_toe_clearance_m"].to_numpy())) < 0.005
