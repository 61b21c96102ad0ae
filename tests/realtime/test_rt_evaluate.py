"""Scoring of bursts against reference swings (``footdrop.realtime.evaluate``)."""

import numpy as np
import pandas as pd

from footdrop.realtime.evaluate import (
    SWING_COLUMNS,
    match_bursts,
    offline_ic_gap_ms,
    summarise,
)


def _swings(fc: list[float], ic: list[float]) -> pd.DataFrame:
    n = len(fc)
    return pd.DataFrame({"side": "left", "heel_off_s": np.nan, "fc_s": fc, "ic_s": ic,
                         "bout": 0, "index": np.arange(n) + 4, "level": True},
                        columns=SWING_COLUMNS)


def test_errors_on_the_sample_grid_are_exact():
    """On a 100 Hz grid an OFF exactly 30 ms after IC + extension is within 30 ms, and one
    40 ms after is not (float dust used to push 30.000000000002 ms past the limit)."""
    fc = [1.11 * k + 0.37 for k in range(1, 9)]
    ic = [f + 0.43 for f in fc]
    off = [i + 0.05 + e for i, e in zip(ic, [0.03, -0.03, 0.04, 0.0, 0.01, 0.03, -0.04, 0.02],
                                         strict=True)]
    bursts = pd.DataFrame({"on_s": [f + 0.01 for f in fc], "off_s": off, "reason": "ic"})
    m = match_bursts(bursts, _swings(fc, ic), trigger="toe-off", extension_s=0.05,
                     arm_strides=3)
    np.testing.assert_array_equal(m["off_error_ms"], [30, -30, 40, 0, 10, 30, -40, 20])
    np.testing.assert_array_equal(m["latency_ms"], np.full(8, 10.0))
    s = summarise(m)
    assert s["off_within_30ms"] == 6 / 8
    assert s["latency_iqr_ms"] == 0


def test_offline_gap_is_to_the_nearest_landing():
    swings = _swings([0.5, 1.5, 2.7, 3.8], [1.0, 2.0, 3.2, 4.3])
    steps = pd.DataFrame({"fc_s": [2.6, 0.4, 3.7], "ic_s": [3.215, 0.985, 4.6]})
    gap = offline_ic_gap_ms(swings, steps)
    np.testing.assert_allclose(gap, [-15.0, -1015.0, 15.0, 300.0])
    assert np.isnan(offline_ic_gap_ms(swings, steps.iloc[:0])).all()
