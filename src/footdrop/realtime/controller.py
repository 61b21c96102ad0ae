"""The stimulation state machine: when to switch the stimulator on and off, safely.

States (:data:`STATE_NAMES`)::

                 N consistent strides                trigger event (heel-off/toe-off)
    DISARMED ───────────────────────────▶ ARMED ───────────────────────────────▶ ON
        ▲  ▲        stride irregular,       │  ▲     (ramp up from 0 to amplitude)   │
        │  │        walking stopped         │  │                                     │
        │  └────────────────────────────────┘  │        IC + extension │ cap │ cancel│
        │                                      │        │ disarm                      │
        │                                      └── RAMP_DOWN ◀────────────────────────┘
        │ recover_s of valid signal                 (ramp to 0)
      FAULT ◀─────── any state: sample gap > dropout_s, invalid value, saturation,
                     stuck sensor while stimulating (output to 0 at once, alarm)

Rules
-----
- Stimulation starts only from ARMED, so never while disarmed; a disarm while ON ends the
  burst at once (reason ``disarm``). With the heel-off trigger, a swing whose heel rise
  was not seen (a foot lifted flat) starts its burst at the detected toe-off instead.
- A burst ends at the first of: the detected IC plus ``extension_s`` (``ic``), the cap
  ``min(cap_factor × median swing time, max_burst_s)`` (``cap``; decided at the last sample
  before the cap would be exceeded, or by the timer at the cap itself), a cancelled heel
  rise (``cancel``), a disarm (``disarm``) or a fault (``dropout``, ``invalid``,
  ``saturation``, ``stuck``). Normal ends ramp down at the configured slope; faults set the
  output to 0 at once.
- A sample gap longer than ``dropout_s`` is a sensor loss. The watchdog puts the output to 0
  ``dropout_s`` after the last sample: in replay :meth:`update` finds the gap on the sample
  clock and :meth:`finish` handles the end of the stream; in live operation the engine calls
  :meth:`tick` with the host clock between samples.
- Every burst is logged (:attr:`StimulationController.bursts_`) with its reason, and every
  alarm and arming change (:attr:`StimulationController.alarms_`).
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median
from typing import Any

from footdrop.realtime.config import StimulationConfig
from footdrop.realtime.detector import CANCEL, HEEL_OFF, IC, TOE_OFF
from footdrop.realtime.stimulator import SimulatedStimulator, Stimulator

DISARMED, ARMED, ON, RAMP_DOWN, FAULT = range(5)
STATE_NAMES = ("disarmed", "armed", "on", "ramp-down", "fault")
BURST_COLUMNS = ["side", "on_s", "off_s", "reason", "burst", "trigger", "event_s", "ic_s",
                 "cap_s", "zero_s", "amplitude_ma", "duration_s"]
_NAN = float("nan")
#: A heel rise (or, on a shank, a toe-off) later after IC than this × the usual time starts
#: no burst of its own (see :meth:`StimulationController._late`).
LATE_TRIGGER = 1.5


class StimulationController:
    """Turn gait events into safe stimulation bursts.

    Parameters
    ----------
    config
        Clinician settings; validated by :meth:`reset` (default :class:`StimulationConfig`).
    stimulator
        The device (default a :class:`SimulatedStimulator`).
    side
        ``"left"`` or ``"right"``, written to the burst log.
    placement
        ``"foot"`` or ``"shank"`` (a shank sensor cannot trigger at heel-off).
    fs
        Nominal sampling rate in Hz.
    """

    def __init__(self, config: StimulationConfig | None = None, *,
                 stimulator: Stimulator | None = None, side: str = "left",
                 placement: str = "foot", fs: float = 100.0) -> None:
        self.config = config
        self.stimulator = stimulator
        self.side = side
        self.placement = placement
        self.fs = fs

    _ready = False

    def reset(self) -> StimulationController:
        """Validate the configuration, configure the stimulator, start disarmed."""
        cfg = self.config if self.config is not None else StimulationConfig()
        self.config_ = cfg.validate(placement=self.placement)
        if self.stimulator is None:
            self.stimulator = SimulatedStimulator()
        self.stimulator.configure(cfg)
        self._dt = 1.0 / float(self.fs)
        self._trigger = HEEL_OFF if cfg.trigger == "heel-off" else TOE_OFF
        self._strides: deque[float] = deque(maxlen=max(int(cfg.arm_strides), 5))
        self._swings: deque[float] = deque(maxlen=10)
        self.state_ = DISARMED
        self.armed_ = False
        self.bursts_: list[dict[str, Any]] = []
        self.alarms_: list[dict[str, Any]] = []
        self.fault_pending_ = False
        self._last_t = -math.inf
        self._fault_t = self._last_ic = -math.inf
        self._on_t = self._cap = self._zero_t = _NAN
        self._pending_off = math.inf
        self._rhythm_limit = math.inf
        self._break_t, self._resume_ref, self._skip = -math.inf, _NAN, False
        self._burst: dict[str, Any] | None = None
        self._ready = True
        return self

    # ---------------------------------------------------------------------------- queries
    @property
    def state_name_(self) -> str:
        return STATE_NAMES[self.state_]

    def level_at(self, t: float) -> float:
        """Commanded amplitude (mA) at ``t`` (at or after the last decision)."""
        amp = self.config_.amplitude_ma
        if self.state_ == ON:
            up = self.config_.ramp_up_s
            return amp if up <= 0 else amp * min(1.0, max(0.0, (t - self._on_t) / up))
        if self.state_ == RAMP_DOWN and t < self._zero_t:
            return self._down_from * (self._zero_t - t) / (self._zero_t - self._off_t)
        return 0.0

    @property
    def last_sample_s_(self) -> float:
        """Time of the last accepted sample (-inf before the first)."""
        return self._last_t

    @property
    def median_stride_s_(self) -> float:
        return median(self._strides) if self._strides else _NAN

    @property
    def median_swing_s_(self) -> float:
        return median(self._swings) if self._swings else _NAN

    # ------------------------------------------------------------------------ per sample
    def update(self, t: float, fault: str | None, events: int, detector: Any) -> None:
        """One sample: ``fault`` from :class:`SignalGuard` (or None), the detector's events.

        ``detector`` supplies the event details (``ic_s_``, ``stride_s_``, ``swing_s_``,
        ``stride_ok_`` and the trigger event times).
        """
        if not self._ready:
            self.reset()
        last = self._last_t
        if t <= last or t != t:
            self._fault(last if last > -math.inf else 0.0, "invalid",
                        "time stamp missing or not increasing")
            return
        if last > -math.inf:
            gap = t - last > self.config_.dropout_s
            self._timers(t)
            if gap:
                self._fault_t = t
        if fault is not None and (fault != "stuck" or self.state_ in (ON, RAMP_DOWN)):
            self._fault(t, fault, "")
            return
        self._last_t = t
        state = self.state_
        if state == FAULT:
            if t - self._fault_t >= self.config_.recover_s:
                self.state_ = DISARMED
                self._note(t, "recovered", "signal valid again; counting strides")
            return
        if state == ON:
            if self._off_due(t):
                self._off(t, "ic")
            elif t + self._dt > self._on_t + self._cap + 1e-9:
                self._off(t, "cap")
        elif state == RAMP_DOWN and t >= self._zero_t:
            self.state_ = ARMED if self.armed_ else DISARMED
        if events:
            self._events(t, events, detector)
        if self.armed_ and t - self._last_ic > self._rhythm_limit:
            self._disarm(t, "walking stopped (no IC in time)", spanning=True)

    def tick(self, now: float) -> None:
        """Timers between samples (live operation): dropout watchdog and the burst cap.

        ``now`` is the present time on the sample clock (the engine maps the host clock).
        """
        if self._ready and self._last_t > -math.inf:
            self._timers(now)

    def _timers(self, now: float) -> None:
        dropout = self._last_t + self.config_.dropout_s
        if self.state_ == ON:
            cap = self._on_t + self._cap
            if now > cap and cap <= dropout:
                self._off(cap, "cap")
        if self.state_ != FAULT and now > dropout:
            self._fault(dropout, "dropout", f"no sample for more than "
                                            f"{self.config_.dropout_s * 1000:.0f} ms")

    def finish(self) -> None:
        """The stream ended: the watchdog fires ``dropout_s`` after the last sample."""
        if self._ready and self._last_t > -math.inf:
            self.tick(self._last_t + self.config_.dropout_s + 1e-9)

    # ------------------------------------------------------------------------ internals
    def _off_due(self, t: float) -> bool:
        # the sample nearest IC + extension; a tie (an IC on a half sample) goes to the later
        # one, whatever the float rounding of the sum
        return t > self._pending_off - 0.5 * self._dt + 1e-9

    def _events(self, t: float, events: int, det: Any) -> None:
        if events & IC:
            self._stride(t, det)
            if self.state_ == ON:
                self._ic = det.ic_s_
                self._pending_off = det.ic_s_ + self.config_.extension_s
                if self._off_due(t):
                    self._off(t, "ic")
        if events & CANCEL and self.state_ == ON:
            self._off(t, "cancel")
        if self.state_ == ARMED and self.armed_:
            if events & self._trigger and not self._late(det):
                self._on(t, det.heel_off_s_ if self._trigger == HEEL_OFF else det.toe_off_s_)
            elif events & TOE_OFF and self._trigger == HEEL_OFF and self.placement == "foot":
                self._on(t, det.toe_off_s_)  # no heel rise seen (or a late one): start late

    def _late(self, det: Any) -> bool:
        """A trigger event much later after IC than usual (``LATE_TRIGGER`` × the recent
        median): the person is pausing, turning on the spot or sitting down. A late heel
        rise waits for its toe-off; on a shank, where sitting down turns the shank like a
        swing, a late toe-off starts no burst."""
        if self._trigger == HEEL_OFF:
            usual, at = getattr(det, "median_heel_off_delay_s_", _NAN), det.heel_off_s_
        elif self.placement == "shank":
            usual, at = getattr(det, "median_stance_s_", _NAN), det.toe_off_s_
        else:
            return False
        return usual == usual and at - det.ic_s_ > LATE_TRIGGER * usual

    @property
    def _resuming(self) -> bool:
        return self._resume_ref == self._resume_ref  # the rhythm before a break, else NaN

    def _stride(self, t: float, det: Any) -> None:
        self._last_ic = t
        cfg = self.config_
        if self._resuming and not self.armed_:
            if t - self._break_t <= cfg.resume_s:
                self._resume(t, det)
                return
            self._resume_ref = _NAN  # too long a break: count afresh
            self._strides.clear()
        if not det.stride_ok_:
            if self.armed_:
                self._disarm(t, "incomplete stride")
            if not self._resuming:  # count afresh
                self._strides.clear()
            return
        stride = det.stride_s_
        if self.armed_:
            ref = median(self._strides)
            if abs(stride - ref) > 2.0 * cfg.stride_tolerance * ref:
                self._disarm(t, f"irregular stride ({stride:.2f} s against {ref:.2f} s)")
                if not self._resuming:
                    self._strides.clear()
                    self._strides.append(stride)
                return
        self._count(t, det)

    def _resume(self, t: float, det: Any) -> None:
        """Shortly after a disarm: a stride spanning the break, an incomplete one, or one off
        the rhythm before the break is passed over; a regular one joins the strides from
        before the break (:meth:`_count`)."""
        skip, self._skip = self._skip, False
        stride, ref = det.stride_s_, self._resume_ref
        if skip or not det.stride_ok_ or abs(stride - ref) > self.config_.stride_tolerance * ref:
            return
        self._count(t, det, f"walking resumed {t - self._break_t:.2f} s after the break, "
                            f"stride {stride:.2f} s against {ref:.2f} s")

    def _count(self, t: float, det: Any, resumed: str = "") -> None:
        """Count a regular stride; arm once the last ``arm_strides`` agree."""
        cfg = self.config_
        self._strides.append(det.stride_s_)
        self._swings.append(det.swing_s_)
        self._rhythm_limit = cfg.rhythm_factor * median(self._strides)
        n = int(cfg.arm_strides)
        if self.armed_ or len(self._strides) < n:
            return
        recent = list(self._strides)[-n:]
        ref = median(recent)
        if all(abs(s - ref) <= cfg.stride_tolerance * ref for s in recent):
            self.armed_ = True
            self._resume_ref = _NAN
            if self.state_ == DISARMED:
                self.state_ = ARMED
            self._note(t, "armed", resumed or f"{n} consistent strides, median {ref:.2f} s")

    def _disarm(self, t: float, why: str, *, spanning: bool = False) -> None:
        if self.config_.resume_s > 0 and self._strides:
            self._break_t, self._resume_ref = t, median(self._strides)
            self._skip = spanning  # the stride under way when walking stopped spans the break
        self.armed_ = False
        if self.state_ == ON:
            self._off(t, "disarm")
        if self.state_ == ARMED:
            self.state_ = DISARMED
        self._note(t, "disarmed", why)

    def _on(self, t: float, at: float) -> None:
        cfg = self.config_
        swing = self.median_swing_s_
        cap = cfg.max_burst_s if swing != swing else min(cfg.max_burst_s,
                                                         cfg.cap_factor * swing)
        self.state_ = ON
        self._on_t, self._cap = t, cap
        self._pending_off = math.inf
        self._ic = _NAN
        self._burst = {"side": self.side, "on_s": t, "burst": len(self.bursts_) + 1,
                       "trigger": cfg.trigger, "event_s": at, "cap_s": cap,
                       "amplitude_ma": cfg.amplitude_ma}
        self.stimulator.set_amplitude(t, cfg.amplitude_ma, cfg.ramp_up_s)

    def _close(self, t: float, reason: str, zero: float) -> None:
        b = self._burst
        b.update(off_s=t, reason=reason, ic_s=self._ic, zero_s=zero, duration_s=t - b["on_s"])
        self.bursts_.append(b)
        self._burst = None

    def _off(self, t: float, reason: str) -> None:
        cfg = self.config_
        level = self.level_at(t)
        ramp = cfg.ramp_down_s * level / cfg.amplitude_ma
        self.stimulator.set_amplitude(t, 0.0, ramp)
        self._off_t, self._down_from, self._zero_t = t, level, t + ramp
        self._close(t, reason, t + ramp)
        self._pending_off = math.inf
        self.state_ = RAMP_DOWN if ramp > 0 else (ARMED if self.armed_ else DISARMED)

    def _fault(self, t: float, reason: str, detail: str) -> None:
        if self.state_ == ON:
            self.stimulator.set_amplitude(t, 0.0, 0.0)
            self._close(t, reason, t)
        elif self.state_ == RAMP_DOWN and t < self._zero_t:
            self.stimulator.set_amplitude(t, 0.0, 0.0)
            self.bursts_[-1]["zero_s"] = t
        if self.state_ != FAULT:
            self.stimulator.alarm(t, reason)
            self._note(t, reason, detail or f"{reason} signal")
            self.fault_pending_ = True
        self.state_ = FAULT
        self.armed_ = False
        self._strides.clear()
        self._resume_ref = _NAN
        self._fault_t = max(self._fault_t, t)
        self._pending_off = math.inf

    def _note(self, t: float, kind: str, detail: str) -> None:
        self.alarms_.append({"side": self.side, "t_s": t, "kind": kind, "detail": detail})
