"""The engine on real recordings (skipped without ../shared/data): gaitmap motion-capture
events and Voisard annotations."""

from __future__ import annotations

import numpy as np
import pytest

from footdrop import io
from footdrop.preprocess.alignment import align_to_foot
from footdrop.realtime import StimulationConfig, replay
from footdrop.realtime.evaluate import match_bursts, mocap_swings, summarise, voisard_swings

pytestmark = pytest.mark.shared


@pytest.fixture(scope="module")
def gaitmap(gaitmap_example):
    from footdrop.validation import MocapReference, read_mocap

    ref = MocapReference().extract(read_mocap(gaitmap_example / "mocap_sample.csv"))
    rec = align_to_foot(io.read(gaitmap_example / "imu_sample.csv", fs=204.8))
    return ref, rec


@pytest.mark.parametrize("side", ["left", "right"])
def test_gaitmap_toe_off_trigger_against_mocap(gaitmap, side):
    ref, rec = gaitmap
    eng = replay(rec, side=side, config=StimulationConfig(trigger="toe-off", extension_s=0.05))
    m = match_bursts(eng.bursts_, mocap_swings(ref, side), trigger="toe-off",
                     extension_s=0.05, arm_strides=3)
    s = summarise(m)
    assert s["eligible"] >= 15
    assert s["trigger_rate"] >= 0.95
    assert 0 <= s["latency_median_ms"] <= 30 and s["latency_iqr_ms"] <= 10
    assert s["off_within_30ms"] == 1.0
    assert s["unmatched_bursts"] <= 1


def test_gaitmap_heel_off_trigger_starts_before_toe_off(gaitmap):
    ref, rec = gaitmap
    eng = replay(rec, side="left")
    m = match_bursts(eng.bursts_, mocap_swings(ref, "left"), trigger="heel-off",
                     extension_s=0.05, arm_strides=3)
    e = m[m["eligible"]]
    assert e["triggered"].mean() >= 0.95
    lead = e["lead_ms"].dropna()
    assert 50 < lead.median() < 400  # stimulation begins in late stance, before toe-off


def test_gaitmap_heel_off_trigger_against_the_heel_marker(gaitmap):
    """The heel-off burst starts when the heel sole point has risen 2-3 mm: 0-40 ms before
    the motion-capture heel rise (3 mm up), with an IQR of at most 11 ms over both feet
    (9.6 ms; left 13.7, right 10.2); the reference heel rise lies 150-300 ms before the
    reference toe-off."""
    import pandas as pd

    ref, rec = gaitmap
    frames = []
    for side in ("left", "right"):
        sw = mocap_swings(ref, side)
        assert np.isfinite(sw["heel_off_s"]).mean() > 0.9
        assert 0.15 < (sw["fc_s"] - sw["heel_off_s"]).median() < 0.3
        eng = replay(rec, side=side, config=StimulationConfig(trigger="heel-off"))
        frames.append(match_bursts(eng.bursts_, sw, trigger="heel-off", extension_s=0.05,
                                   arm_strides=3))
    s = summarise(pd.concat(frames, ignore_index=True))
    assert s["n_latency"] >= 30
    assert -40 <= s["latency_median_ms"] <= 0 and s["latency_iqr_ms"] <= 11


@pytest.fixture(scope="module")
def voisard_trials(voisard):
    from footdrop.validation.annotations import read_voisard_trial, voisard_events

    out = []
    for trial in ("1-2", "3-4", "5-1", "7-3", "10-5"):
        rec = align_to_foot(read_voisard_trial(voisard, trial))
        out.append((trial, rec, voisard_events(rec)))
    return out


def test_voisard_toe_off_trigger_and_standing(voisard_trials):
    frames = []
    standing = 0
    for _trial, rec, ev in voisard_trials:
        for side in ("left", "right"):
            sw = voisard_swings(ev, side)
            b = replay(rec, side=side, config=StimulationConfig(trigger="toe-off")).bursts_
            frames.append(match_bursts(b, sw, trigger="toe-off", extension_s=0.05,
                                       arm_strides=3))
            first, last = sw["fc_s"].min() - 0.6, sw["ic_s"].max()
            standing += int(((b["on_s"] < first) | (b["on_s"] > last + 2.0)).sum())
    import pandas as pd

    s = summarise(pd.concat(frames, ignore_index=True))
    assert s["trigger_rate"] >= 0.9
    # the annotated toe-off sits after the push-off peak: latency near 0, never late
    assert -20 <= s["latency_median_ms"] <= 30
    assert s["off_within_30ms"] >= 0.6
    assert standing == 0


def test_voisard_heel_off_no_bursts_while_standing(voisard_trials):
    for _trial, rec, ev in voisard_trials:
        for side in ("left", "right"):
            sw = voisard_swings(ev, side)
            b = replay(rec, side=side).bursts_
            on = b["on_s"].to_numpy()
            assert not np.any(on < sw["fc_s"].min() - 0.6)


@pytest.mark.parametrize("trigger", ["toe-off", "heel-off"])
def test_voisard_all_trials_issue_targets(voisard, trigger):
    """All 58 annotated trials: at least 99 % of the eligible level-walking swings are
    stimulated; the toe-off trigger has a latency median within 0–10 ms of the labels with
    IQR ≤ 10 ms (both on the 10 ms grid; 15 ms with a fall to 0.75 of the push-off peak);
    at least 94.5 % of the bursts end within 30 ms of the annotated IC + extension, and 98.5 %
    where the offline engine's landing confirms the label to within 20 ms; nothing starts
    while standing."""
    import pandas as pd

    from footdrop.realtime.evaluate import offline_ic_gap_ms, offline_steps
    from footdrop.validation.annotations import (
        read_voisard_trial,
        voisard_events,
        voisard_trials,
    )

    frames, standing = [], 0
    for trial in voisard_trials(voisard):
        rec = align_to_foot(read_voisard_trial(voisard, trial))
        ev = voisard_events(rec)
        for side in ("left", "right"):
            sw = voisard_swings(ev, side)
            b = replay(rec, side=side, config=StimulationConfig(trigger=trigger)).bursts_
            m = match_bursts(b, sw, trigger=trigger, extension_s=0.05, arm_strides=3)
            frames.append(m.assign(gap=offline_ic_gap_ms(m, offline_steps(rec, side))))
            first, last = sw["fc_s"].min() - 0.6, sw["ic_s"].max()
            standing += int(((b["on_s"] < first) | (b["on_s"] > last + 2.0)).sum())
    m = pd.concat(frames, ignore_index=True)
    s = summarise(m)
    assert s["eligible"] >= 850
    assert s["trigger_rate"] >= 0.99
    if trigger == "toe-off":
        assert 0 <= s["latency_median_ms"] <= 10 and s["latency_iqr_ms"] <= 10
    assert s["off_within_30ms"] >= 0.945
    assert abs(s["off_median_ms"]) <= 10
    confirmed = m[m["eligible"] & (m["gap"].abs() <= 20)]
    assert len(confirmed) >= 600
    assert summarise(confirmed)["off_within_30ms"] >= 0.985
    assert standing == 0
