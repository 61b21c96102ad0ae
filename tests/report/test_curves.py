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
