"""The engine on the bundled MS recording (no shared data needed), scored against the
offline gait engine (validated against motion capture)."""

from __future__ import annotations

import pytest

from footdrop import io
from footdrop.gait.engine import GaitAnalysis
from footdrop.preprocess.alignment import align_to_foot
from footdrop.realtime import StimulationConfig, replay
from footdrop.realtime.evaluate import engine_swings, match_bursts, summarise


@pytest.fixture(scope="module")
def ms_example():
    rec = align_to_foot(io.read_example())
    return rec, GaitAnalysis().analyze(rec).strides_


@pytest.mark.parametrize("trigger", ["heel-off", "toe-off"])
@pytest.mark.parametrize("side", ["left", "right"])
def test_ms_example_swings_are_stimulated(ms_example, side, trigger):
    """Every eligible level swing but at most one gets a burst; the burst ends within 30 ms
    of the offline IC + extension for all but 2; at most one burst is not at a swing; the
    toe-off trigger comes a median 20–30 ms after the offline toe-off (the push-off peak:
    the left foot's push-off is a 40–60 ms plateau that ends in a sharp fall)."""
    rec, strides = ms_example
    swings = engine_swings(strides, side)
    assert len(swings) >= 70  # 73 / 74 swings counted by eye
    bursts = replay(rec, side=side, config=StimulationConfig(trigger=trigger)).bursts_
    s = summarise(match_bursts(bursts, swings, trigger=trigger, extension_s=0.05,
                               arm_strides=3))
    assert s["eligible"] >= 40
    assert s["triggered"] >= s["eligible"] - 1
    assert s["n_off"] - round(s["off_within_30ms"] * s["n_off"]) <= 2
    assert s["unmatched_bursts"] <= 1
    if trigger == "toe-off":
        assert 15 <= s["latency_median_ms"] <= 30
