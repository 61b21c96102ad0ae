"""Safety invariants under random streams: garbage, gaps, NaNs, extreme values, stuck data.

For every generated stream, checked sample by sample and on the stimulator's record:

1. no burst lasts longer than its cap, and no cap exceeds the absolute limit;
2. ramps stay within bounds: levels in [0, amplitude], ramp-up exactly as set, ramp-down
   never steeper than amplitude / ramp_down_s, faults straight to 0;
3. never ON while not armed, and no output outside ON / ramp-down;
4. always OFF within the dropout limit: when no valid sample arrives for longer than
   ``dropout_s`` (a gap, a run of invalid samples, the end of the stream), the output is 0
   at ``dropout_s`` after the last valid sample;
5. a frozen sensor (the same six values repeated) that froze while stimulating is OFF one
   sample period after ``dropout_s`` from its last changing sample.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rt_helpers import rows, walk

from footdrop.realtime import SimulatedStimulator, StimulationConfig, StreamEngine
from footdrop.realtime.controller import ON, RAMP_DOWN

_WALK = {}


def walking_rows(fs: int) -> list[tuple]:
    if fs not in _WALK:
        _WALK[fs] = rows(walk(fs=fs, n_strides=10, speed=1.2).recording)
    return _WALK[fs]


finite = st.floats(-1e4, 1e4, allow_nan=False)
weird = st.sampled_from([math.nan, math.inf, -math.inf, 1e9, -1e9, 1e308, 0.0, 156.8, 2000.0])
value = st.one_of(finite, weird)

edit = st.one_of(
    st.tuples(st.just("nan"), st.integers(0, 10**6), st.integers(1, 30)),
    st.tuples(st.just("gap"), st.integers(0, 10**6), st.integers(1, 40)),
    st.tuples(st.just("garbage"), st.integers(0, 10**6), st.lists(
        st.tuples(value, value, value, value, value, value), min_size=1, max_size=20)),
    st.tuples(st.just("extreme"), st.integers(0, 10**6), st.integers(1, 10)),
    st.tuples(st.just("stuck"), st.integers(0, 10**6), st.integers(2, 20)),
    st.tuples(st.just("time"), st.integers(0, 10**6), st.sampled_from(
        [-0.5, 0.0, math.nan, 0.004, 0.3])),
)

config_st = st.builds(
    StimulationConfig,
    trigger=st.sampled_from(["heel-off", "toe-off"]),
    ramp_up_s=st.sampled_from([0.0, 0.03, 0.2]),
    ramp_down_s=st.sampled_from([0.0, 0.05, 0.3]),
    extension_s=st.sampled_from([0.0, 0.05, 0.2]),
    cap_factor=st.sampled_from([1.2, 2.5]),
    max_burst_s=st.sampled_from([0.5, 1.5]),
    arm_strides=st.sampled_from([1, 3]),
    dropout_s=st.sampled_from([0.01, 0.03, 0.05]),
    resume_s=st.sampled_from([0.0, 5.0, 10.0]),
)


def corrupt(base: list[tuple], edits, fs: int) -> list[tuple]:
    out = list(base)
    for kind, where, arg in edits:
        i = where % max(len(out), 1)
        if kind == "nan":
            for k in range(i, min(i + arg, len(out))):
                out[k] = (out[k][0], math.nan, *out[k][2:])
        elif kind == "gap":
            del out[i:i + arg]
        elif kind == "garbage":
            t0 = out[i][0] if out else 0.0
            junk = [(t0 + (k + 1) * 1e-4, *vals) for k, vals in enumerate(arg)]
            out[i + 1:i + 1] = junk
        elif kind == "extreme":
            for k in range(i, min(i + arg, len(out))):
                out[k] = (out[k][0], 400.0, -400.0, 400.0, 5000.0, -5000.0, 5000.0)
        elif kind == "stuck":
            for k in range(i + 1, min(i + arg, len(out))):
                out[k] = (out[k][0], *out[i][1:])
        elif kind == "time" and out:
            t = out[i][0] + arg if arg == arg else math.nan
            out[i] = (t, *out[i][1:])
    return out


def check_stream(samples, cfg: StimulationConfig, fs: int) -> None:
    stim = SimulatedStimulator()
    eng = StreamEngine(cfg, side="left", fs=fs, stimulator=stim).reset()
    ctl = eng.controller_
    accepted = []
    for s in samples:
        eng.process(*s)
        # invariant 3: never ON while not armed; no output outside a burst
        if ctl.state_ == ON:
            assert ctl.armed_
        if ctl.last_sample_s_ > -math.inf and ctl.level_at(ctl.last_sample_s_) > 0:
            assert ctl.state_ in (ON, RAMP_DOWN)
        new = not accepted or ctl.last_sample_s_ != accepted[-1]
        if new and ctl.last_sample_s_ > -math.inf:
            accepted.append(ctl.last_sample_s_)
    eng.finish()
    amp = cfg.amplitude_ma
    # invariant 1: caps
    for b in ctl.bursts_:
        assert b["cap_s"] <= cfg.max_burst_s + 1e-12
        assert b["off_s"] - b["on_s"] <= b["cap_s"] + 1e-9
        assert b["zero_s"] >= b["off_s"]
    # invariant 2: ramps
    for _t, start, stop, ramp, _ in stim.commands_:
        assert 0.0 <= stop <= amp and 0.0 <= start <= amp + 1e-9
        if stop > 0:
            assert stop == amp and ramp == cfg.ramp_up_s
        elif ramp > 0:
            assert start / ramp <= amp / cfg.ramp_down_s + 1e-6
    # invariant 4: off within the dropout limit after every long silence and at the end
    ends = [a for a, b in zip(accepted, accepted[1:], strict=False) if b - a > cfg.dropout_s]
    if accepted:
        ends.append(accepted[-1])
    for t in ends:
        assert stim.level_at(t + cfg.dropout_s + 1e-9) == 0.0, t
    # invariant 5: frozen runs at the nominal rate that began while stimulating
    limit = cfg.dropout_s + 1.0 / fs + 1e-9
    k = 0
    while k < len(samples):
        j = k
        while (j + 1 < len(samples) and samples[j + 1][1:] == samples[k][1:]
               and 0 < samples[j + 1][0] - samples[j][0] <= 1.5 / fs):
            j += 1
        t0 = samples[k][0]
        if samples[j][0] - t0 >= limit and stim.level_at(t0) > 0:
            assert stim.level_at(t0 + limit) == 0.0, t0
        k = j + 1


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits=st.lists(edit, max_size=8), cfg=config_st, start=st.integers(0, 600),
       length=st.integers(50, 1500))
def test_invariants_on_corrupted_walking(edits, cfg, start, length):
    base = walking_rows(100)[start:start + length + 400]  # walking, so bursts do happen
    check_stream(corrupt(base, edits, 100), cfg, 100)


@settings(max_examples=80, deadline=None)
@given(samples=st.lists(st.tuples(st.floats(0.001, 0.2), value, value, value, value, value,
                                  value), max_size=300), cfg=config_st)
def test_invariants_on_pure_garbage(samples, cfg):
    t, stream = 0.0, []
    for dt, *vals in samples:
        t += dt
        stream.append((t, *vals))
    check_stream(stream, cfg, 100)


@settings(max_examples=15, deadline=None)
@given(edits=st.lists(edit, max_size=5), cfg=config_st, start=st.integers(0, 6000))
def test_invariants_at_1khz(edits, cfg, start):
    base = walking_rows(1000)[start:start + 5000]
    check_stream(corrupt(base, edits, 1000), cfg, 1000)


def test_uncorrupted_walking_does_stimulate():
    """The property tests are not vacuous: the same stream, clean, has bursts."""
    stim = SimulatedStimulator()
    eng = StreamEngine(StimulationConfig(), fs=100, stimulator=stim).reset()
    for s in walking_rows(100):
        eng.process(*s)
    eng.finish()
    assert len(eng.bursts_) >= 5 and len(stim.commands_) >= 10
