"""The stimulation state machine: arming, ramps, extension, cap, watchdog, faults, rests."""

from __future__ import annotations

import math

import numpy as np
import pytest
from rt_helpers import FakeDetector, drive, gait_schedule, rows, run_rows, walk

from footdrop.errors import ConfigError
from footdrop.realtime import (
    HEEL_OFF,
    IC,
    TOE_OFF,
    SignalGuard,
    SimulatedStimulator,
    StimulationConfig,
    StimulationController,
    StreamEngine,
    replay,
)
from footdrop.realtime.controller import ARMED, DISARMED, FAULT, ON, RAMP_DOWN
from footdrop.simulate import simulate


def controller(**cfg) -> StimulationController:
    stim = SimulatedStimulator()
    return StimulationController(StimulationConfig(**cfg), stimulator=stim, fs=100).reset()


def test_arms_after_n_consistent_strides():
    for n in (1, 3, 5):
        ctl = controller(arm_strides=n)
        sched = gait_schedule(10)
        drive(ctl, sched, 13.0)
        arm = [a["t_s"] for a in ctl.alarms_ if a["kind"] == "armed"]
        ic_times = [t for t, flag, _ in sched if flag == 8]
        assert arm == [pytest.approx(ic_times[n], abs=0.011)]  # the n-th complete stride
        assert ctl.bursts_[0]["on_s"] > arm[0]
        assert len(ctl.bursts_) == 10 - n


def test_irregular_strides_do_not_arm():
    ctl = controller(arm_strides=3, stride_tolerance=0.1)
    jitter = [0, 0.3, -0.25, 0.3, -0.25, 0.3, -0.25, 0.3, -0.25, 0.3]
    drive(ctl, gait_schedule(10, jitter=jitter), 16.0)
    assert not ctl.bursts_ and not ctl.armed_


def test_ramps_extension_and_log():
    ctl = controller(ramp_up_s=0.1, ramp_down_s=0.08, extension_s=0.06, amplitude_ma=20,
                     arm_strides=2)
    drive(ctl, gait_schedule(6), 8.5)
    stim = ctl.stimulator
    b = ctl.bursts_[0]
    assert b["reason"] == "ic" and b["trigger"] == "heel-off"
    # ON at the heel-off sample, OFF at IC + extension (on the sample grid)
    assert b["off_s"] == pytest.approx(b["ic_s"] + 0.06, abs=0.006)
    t_on, t_off = b["on_s"], b["off_s"]
    assert stim.level_at(t_on) == 0
    assert stim.level_at(t_on + 0.05) == pytest.approx(10.0)
    assert stim.level_at(t_on + 0.1) == pytest.approx(20.0)
    assert stim.level_at(t_off) == pytest.approx(20.0)
    assert stim.level_at(t_off + 0.04) == pytest.approx(10.0)
    assert stim.level_at(t_off + 0.08) == 0 and b["zero_s"] == pytest.approx(t_off + 0.08)
    assert max(c[2] for c in stim.commands_) <= 20.0


def test_cap_ends_a_burst_without_ic():
    ctl = controller(arm_strides=2, cap_factor=1.5, max_burst_s=1.0)
    sched = gait_schedule(4)
    t_last = sched[-1][0]
    # a heel-off, then no IC: the burst must stop at the cap
    sched.append((t_last + 0.45, HEEL_OFF, {"heel_off_s_": t_last + 0.45}))
    drive(ctl, sched, t_last + 3.0)
    b = ctl.bursts_[-1]
    assert b["reason"] == "cap"
    assert b["cap_s"] == pytest.approx(1.5 * 0.4)
    assert b["off_s"] - b["on_s"] <= b["cap_s"] + 1e-9
    assert b["off_s"] - b["on_s"] > b["cap_s"] - 0.011


def test_absolute_cap_applies():
    ctl = controller(arm_strides=2, cap_factor=4.0, max_burst_s=0.5)
    sched = gait_schedule(4, stride=1.6, toe_off=0.8)
    t_last = sched[-1][0]
    sched.append((t_last + 0.45, HEEL_OFF, {"heel_off_s_": t_last + 0.45}))
    drive(ctl, sched, t_last + 2.0)
    assert ctl.bursts_[-1]["cap_s"] == 0.5 and ctl.bursts_[-1]["reason"] == "cap"


def test_cap_timer_between_samples():
    """With a late sample (irregular timing), the cap timer ends the burst at the cap."""
    ctl = controller(arm_strides=2, cap_factor=1.5, dropout_s=0.2)
    sched = gait_schedule(4)
    t_last = sched[-1][0]
    t_on = t_last + 0.45
    sched.append((t_on, HEEL_OFF, {"heel_off_s_": t_on}))
    drive(ctl, sched, t_last + 3.0, skip=(t_on + 0.5, t_on + 0.65))
    b = ctl.bursts_[-1]
    assert b["reason"] == "cap" and b["off_s"] == pytest.approx(b["on_s"] + b["cap_s"])


def test_dropout_in_replay_stops_within_limit():
    ctl = controller(arm_strides=2, dropout_s=0.03)
    sched = gait_schedule(5)
    t_last = sched[-1][0]
    t_on = t_last + 0.45
    sched.append((t_on, HEEL_OFF, {"heel_off_s_": t_on}))
    drive(ctl, sched, t_last + 2.0, skip=(t_on + 0.2, t_on + 0.5))
    b = ctl.bursts_[-1]
    last = round((t_on + 0.19) * 100) / 100
    assert b["reason"] == "dropout" and b["off_s"] == pytest.approx(last + 0.03)
    assert ctl.stimulator.level_at(last + 0.03) == 0
    assert ctl.stimulator.alarms_[0][1] == "dropout"
    assert any(a["kind"] == "dropout" for a in ctl.alarms_)


def test_watchdog_tick_and_end_of_stream():
    ctl = controller(arm_strides=2, dropout_s=0.03)
    sched = gait_schedule(5)
    t_last = sched[-1][0]
    sched.append((t_last + 0.45, HEEL_OFF, {"heel_off_s_": t_last + 0.45}))
    drive(ctl, sched, t_last + 0.6)
    assert ctl.state_ == ON
    ctl.tick(ctl.last_sample_s_ + 0.02)
    assert ctl.state_ == ON  # not yet
    ctl.tick(ctl.last_sample_s_ + 0.031)
    assert ctl.state_ == FAULT and ctl.bursts_[-1]["reason"] == "dropout"
    assert ctl.stimulator.level_at(ctl.last_sample_s_ + 0.03) == 0
    # end of a stream while ON: finish() is the same watchdog
    ctl2 = controller(arm_strides=2)
    drive(ctl2, sched, t_last + 0.6)
    ctl2.finish()
    assert ctl2.bursts_[-1]["reason"] == "dropout"
    assert ctl2.stimulator.zero_after(ctl2.last_sample_s_) <= ctl2.last_sample_s_ + 0.03


@pytest.mark.parametrize("fault", ["saturation", "invalid"])
def test_faults_switch_off_at_once_with_alarm_and_rearm(fault):
    ctl = controller(arm_strides=2, recover_s=0.2)
    sched = gait_schedule(12)
    t_fault = round(sched[12][0] + 0.55, 2)  # inside a burst
    drive(ctl, sched, sched[-1][0] + 0.2, faults={t_fault: fault})
    hit = [b for b in ctl.bursts_ if b["reason"] == fault]
    assert len(hit) == 1 and hit[0]["off_s"] == pytest.approx(t_fault)
    assert hit[0]["zero_s"] == pytest.approx(t_fault)  # no ramp on a fault
    assert ctl.stimulator.level_at(t_fault) == 0
    assert [a[1] for a in ctl.stimulator.alarms_] == [fault]
    # stimulation resumes only after re-arming on new strides
    later = [b for b in ctl.bursts_ if b["on_s"] > t_fault]
    arm_again = [a["t_s"] for a in ctl.alarms_ if a["kind"] == "armed" and a["t_s"] > t_fault]
    # (the fake detector does not forget, so 2 new strides re-arm: the ICs 0.55 and 1.65 s
    # after the fault)
    assert later and arm_again and later[0]["on_s"] > arm_again[0] > t_fault + 1.6


def test_stuck_sensor_is_a_fault_only_while_stimulating():
    ctl = controller(arm_strides=2)
    sched = gait_schedule(6)
    t0 = sched[-1][0]
    drive(ctl, sched, t0 + 0.3, faults={round(t0 + 0.2, 2): "stuck"})
    assert ctl.state_ in (ARMED, DISARMED) and not ctl.stimulator.alarms_
    sched.append((t0 + 0.45, HEEL_OFF, {"heel_off_s_": t0 + 0.45}))
    ctl = controller(arm_strides=2)
    drive(ctl, sched, t0 + 0.7, faults={round(t0 + 0.6, 2): "stuck"})
    assert ctl.bursts_[-1]["reason"] == "stuck"


def test_late_heel_rise_waits_for_toe_off():
    """A heel rise far later after IC than usual (stopping, turning on the spot) starts no
    burst of its own; if a toe-off follows, the burst starts there."""
    ctl = controller(arm_strides=2)
    sched = gait_schedule(5)  # heel-off 0.45 s after IC
    t_ic = sched[-1][0]
    late = t_ic + 3 * 0.45
    sched += [(late, HEEL_OFF, {"heel_off_s_": late}),
              (late + 0.2, TOE_OFF, {"toe_off_s_": late + 0.2})]
    det = FakeDetector(median_heel_off_delay_s_=0.45)
    drive(ctl, sched, late + 0.6, det=det)
    b = ctl.bursts_[-1]
    assert b["on_s"] == pytest.approx(late + 0.2, abs=0.006)  # at the toe-off
    assert len(ctl.bursts_) == 4
    # without the usual delay (no strides yet) the same heel rise would have started it
    ctl = controller(arm_strides=2)
    drive(ctl, sched, late + 0.6)
    assert ctl.bursts_[-1]["on_s"] == pytest.approx(late, abs=0.006)


def test_late_shank_toe_off_starts_no_burst():
    """On a shank, a toe-off long after IC (sitting down turns the shank like a swing)
    starts no burst; a toe-off at the usual time does."""
    cfg = {"trigger": "toe-off", "arm_strides": 2}
    sched = gait_schedule(5)
    t_ic = sched[-1][0]
    for delay, bursts in ((0.7, 4), (1.5, 3)):  # 3 bursts in the 5 strides, then that one
        ctl = StimulationController(StimulationConfig(**cfg), placement="shank",
                                    fs=100).reset()
        s = sched + [(t_ic + delay, TOE_OFF, {"toe_off_s_": t_ic + delay})]
        drive(ctl, s, t_ic + 2.0, det=FakeDetector(median_stance_s_=0.7))  # all closed
        assert len(ctl.bursts_) == bursts and ctl.state_ == DISARMED


@pytest.mark.parametrize("fs", [100, 1000])
def test_signal_guard_stuck_is_frozen_longer_than_its_limit(fs):
    """Repeated samples are "stuck" once they span more than stuck_s (a logger repeating
    a lost packet or two is not a fault)."""
    guard = SignalGuard(fs=fs, stuck_s=0.03).reset()
    sample = (0.1, 0.2, 9.8, 1.0, 2.0, 3.0)
    out = [guard.check(*sample) for _ in range(round(0.05 * fs))]
    first = out.index("stuck")  # repeats = index: the span from the first sample
    assert first / fs > 0.03 and (first - 1) / fs <= 0.03 + 1e-9
    assert out[:first] == [None] * first
    assert guard.check(0.1, 0.2, 9.8, 1.0, 2.0, 3.5) is None  # a change ends it


def test_walking_stops_disarms_and_blocks_stimulation():
    ctl = controller(arm_strides=2, rhythm_factor=1.5)
    sched = gait_schedule(5)
    t_last = sched[-1][0]
    # standing for 3 s, then a lone heel rise (a weight shift): no burst, not armed
    sched.append((t_last + 3.0, HEEL_OFF, {"heel_off_s_": t_last + 3.0}))
    drive(ctl, sched, t_last + 4.0)
    disarm = [a for a in ctl.alarms_ if a["kind"] == "disarmed"]
    assert disarm and disarm[0]["t_s"] == pytest.approx(t_last + 1.5 * 1.1, abs=0.011)
    assert all(b["on_s"] < t_last for b in ctl.bursts_)
    assert ctl.state_ == DISARMED


def _armed_at(ctl) -> list[float]:
    return [a["t_s"] for a in ctl.alarms_ if a["kind"] == "armed"]


def test_short_break_keeps_the_rhythm():
    """After a pause of 3 s (a turn, a hesitation) the strides before it still count: the
    stride spanning the pause is passed over and the first regular one re-arms (with
    resume_s = 0 three are needed). A pause longer than resume_s counts afresh; strides off
    the earlier rhythm (turning steps) do not re-arm within resume_s."""
    first = gait_schedule(6)
    t_last = first[-1][0]
    second = gait_schedule(6, start=t_last + 3.0)
    ics = [t for t, flag, _ in second if flag == IC]
    for resume_s, k in ((5.0, 1), (0.0, 3)):
        ctl = controller(arm_strides=3, resume_s=resume_s)
        drive(ctl, first + second, ics[-1] + 0.5)
        assert len(_armed_at(ctl)) == 2
        assert _armed_at(ctl)[-1] == pytest.approx(ics[k], abs=0.011)
        later = [b["on_s"] for b in ctl.bursts_ if b["on_s"] > t_last]
        assert min(later) > ics[k] and len(later) == 6 - k
    late = gait_schedule(6, start=t_last + 7.0)
    ctl = controller(arm_strides=3, resume_s=5.0)
    drive(ctl, first + late, late[-1][0] + 0.5)
    assert _armed_at(ctl)[-1] == pytest.approx([t for t, f, _ in late if f == IC][3], abs=0.011)
    quick = gait_schedule(10, start=t_last + 3.0, stride=0.6, toe_off=0.38, heel_off=0.2)
    ctl = controller(arm_strides=3, resume_s=5.0)
    drive(ctl, first + quick, quick[-1][0] + 0.5)
    disarm = [a["t_s"] for a in ctl.alarms_ if a["kind"] == "disarmed"][0]
    assert _armed_at(ctl)[-1] > disarm + 5.0


def test_resume_off_by_a_fault():
    """A fault forgets the rhythm: after it three strides are needed again."""
    sched = gait_schedule(12)
    ics = [t for t, flag, _ in sched if flag == IC]
    ctl = controller(arm_strides=3, resume_s=5.0)
    drive(ctl, sched, ics[-1] + 0.5, faults={round(ics[6] + 0.2, 6): "invalid"})
    assert _armed_at(ctl)[-1] == pytest.approx(ics[9], abs=0.011)  # strides to 7, 8, 9


def test_never_on_while_not_armed_per_sample():
    ctl = controller(arm_strides=3)
    seen = []

    def check(c):
        seen.append(c.state_)
        if c.state_ == ON:
            assert c.armed_
        if c.level_at(c.last_sample_s_) > 0:
            assert c.state_ in (ON, RAMP_DOWN)

    drive(ctl, gait_schedule(8), 11.0, on_sample=check)
    assert ON in seen and DISARMED in seen


@pytest.mark.parametrize("kw,word", [
    ({"ramp_up_s": 0.4, "max_burst_s": 0.35}, "ramp_up_s"),
    ({"amplitude_ma": -5}, "amplitude_ma"),
    ({"trigger": "mid-swing"}, "trigger"),
    ({"arm_strides": 2.5}, "arm_strides"),
    ({"dropout_s": float("nan")}, "dropout_s"),
    ({"ramp_up_s": 0.3, "extension_s": 0.3, "max_burst_s": 0.5}, "ramp-up"),
])
def test_bad_configuration_is_refused_with_a_fix(kw, word):
    with pytest.raises(ConfigError) as err:
        controller(**kw)
    assert word in err.value.problem and err.value.fix


def test_shank_heel_off_is_refused():
    with pytest.raises(ConfigError, match="shank"):
        StimulationConfig(trigger="heel-off").validate(placement="shank")
    StimulationConfig(trigger="toe-off").validate(placement="shank")


# ---------------------------------------------------------------------- whole engine
@pytest.mark.parametrize("fs", [100, 1000])
def test_rest_segments_give_no_bursts(fs):
    protocol = [("stand", 2), ("sit", 6), ("stand", 2), ("weight_shift", 8), ("stand", 2)]
    rec = simulate(protocol=protocol, fs=fs, seed=2, left="moderate").recording
    for trig in ("heel-off", "toe-off"):
        eng = replay(rec, side="left", config=StimulationConfig(trigger=trig))
        assert len(eng.bursts_) == 0
        assert not any(a["kind"] == "armed" for a in eng.controller_.alarms_)


def test_walk_then_rest_then_walk():
    protocol = [("stand", 2), ("walk", 8), ("stand", 2), ("weight_shift", 6), ("walk", 7),
                ("sit", 5), ("stand", 1)]
    res = simulate(protocol=protocol, fs=100, seed=3)
    rests = res.plan.rests
    for side in ("left", "right"):
        b = replay(res.recording, side=side).bursts_
        assert len(b) >= 6
        assert not any(r.t0 <= on <= r.t1 for r in rests for on in b["on_s"])
        assert set(b["reason"]) == {"ic"}


def test_engine_bursts_follow_truth():
    res = walk(fs=100, n_strides=14)
    eng = replay(res.recording, side="left", config=StimulationConfig(extension_s=0.05))
    b = eng.bursts_
    truth = res.truth[res.truth["side"] == "left"]
    assert len(b) == len(truth) - 3  # every stride after the 3 that arm
    for row in b.itertuples():
        ic = truth["next_ic_s"].to_numpy()
        err = np.min(np.abs(row.off_s - 0.05 - ic))
        assert err <= 0.03
    assert (b["off_s"] - b["on_s"] <= b["cap_s"]).all()


@pytest.mark.parametrize("extension_s", [0.0, 0.05, 0.2])
def test_off_at_ic_plus_extension_for_any_extension(extension_s):
    """The IC look-ahead never exceeds the extension, so the OFF comes within 30 ms of the
    true IC + extension also with no extension at all."""
    res = walk(fs=100, n_strides=14)
    eng = replay(res.recording, side="left",
                 config=StimulationConfig(trigger="toe-off", extension_s=extension_s))
    assert eng.detector_.landing_s <= extension_s
    ic = res.truth.loc[res.truth["side"] == "left", "next_ic_s"].to_numpy()
    b = eng.bursts_[eng.bursts_["reason"] == "ic"]
    assert len(b) >= 8
    err = [np.min(np.abs(off - extension_s - ic)) for off in b["off_s"]]
    assert max(err) <= 0.03


def test_off_is_the_sample_nearest_ic_plus_extension_ties_later():
    """OFF is at the sample nearest the detected IC + extension; at 100 Hz the IC lies on a
    half sample (the middle of the jerk span), and the tie goes to the later sample for
    every extension alike, so OFF − extension does not depend on the extension's rounding."""
    res = walk(fs=100, n_strides=14)
    offs = []
    for ext in (0.05, 0.06, 0.1, 0.13):
        b = replay(res.recording, side="left",
                   config=StimulationConfig(trigger="toe-off", extension_s=ext)).bursts_
        b = b[b["reason"] == "ic"]
        np.testing.assert_allclose(b["off_s"] - b["ic_s"] - ext, 0.005, atol=1e-9)
        offs.append(np.round(b["off_s"].to_numpy() - ext, 9))
    assert len(offs[0]) >= 8
    for o in offs[1:]:
        np.testing.assert_array_equal(o, offs[0])


def test_frozen_sensor_while_stimulating_stops_within_50_ms():
    """A sensor that keeps sending its last sample is a loss: stimulation is at 0 within
    50 ms of the last changing sample; a repeat shorter than the dropout limit is not."""
    res = walk(fs=100)
    samples = rows(res.recording)
    on = replay(res.recording, side="left").bursts_.iloc[4]
    k = next(i for i, s in enumerate(samples) if s[0] > on["on_s"] + 0.05)
    for repeats, stuck in ((2, False), (8, True)):
        frozen = [s if not k < i <= k + repeats else (s[0], *samples[k][1:])
                  for i, s in enumerate(samples)]
        stim = SimulatedStimulator()
        eng = StreamEngine(StimulationConfig(), fs=100, stimulator=stim).reset()
        for s in frozen:
            eng.process(*s)
        eng.finish()
        hit = eng.bursts_[eng.bursts_["reason"] == "stuck"]
        assert len(hit) == int(stuck)
        if stuck:
            assert stim.level_at(samples[k][0] + 0.05) == 0.0
            assert hit["zero_s"].iloc[0] - samples[k][0] <= 0.05


def test_nan_and_extreme_samples_through_the_engine():
    res = walk(fs=100)
    samples = rows(res.recording)
    on = replay(res.recording, side="left").bursts_.iloc[4]
    k = next(i for i, s in enumerate(samples) if s[0] > on["on_s"] + 0.1)
    bad = list(samples)
    bad[k] = (bad[k][0], math.nan, *bad[k][2:])
    eng = run_rows(bad)
    hit = eng.bursts_[eng.bursts_["reason"] == "invalid"]
    assert len(hit) == 1 and hit["off_s"].iloc[0] == pytest.approx(samples[k][0])
    bad[k] = (bad[k][0], 1e6, *bad[k][2:])
    eng = run_rows(bad)
    assert (eng.bursts_["reason"] == "invalid").sum() == 1


def test_engine_status_and_log(tmp_path):
    res = walk(fs=100)
    eng = replay(res.recording, side="right")
    st = eng.status()
    assert st.bursts == len(eng.bursts_) and st.samples == eng.n_samples_
    assert st.state in ("disarmed", "fault") and st.process_us > 0
    path = eng.write_log(tmp_path / "b.csv")
    text = path.read_text().splitlines()
    assert text[0].startswith("side,on_s,off_s,reason")
    assert len(text) == len(eng.bursts_) + 1


def test_stream_engine_defaults_validate_on_reset():
    with pytest.raises(ConfigError):
        StreamEngine(StimulationConfig(ramp_down_s=2.0)).reset()
