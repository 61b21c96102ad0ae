"""The engine: signal guard → detector → controller → stimulator, per sample.

:class:`StreamEngine` wires the parts together and runs them over a source
(:mod:`footdrop.realtime.inputs`). Its per-sample path is :meth:`StreamEngine.process`:
scalar Python only, constant work and memory. :func:`replay` runs a whole file as fast as
possible and returns the engine with its burst log.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from footdrop.realtime.config import StimulationConfig
from footdrop.realtime.controller import BURST_COLUMNS, StimulationController
from footdrop.realtime.detector import EVENT_NAMES, GaitPhaseDetector
from footdrop.realtime.safety import SignalGuard
from footdrop.realtime.stimulator import Stimulator

HEARTBEAT_S = 0.05


def landing_for(config: StimulationConfig) -> float:
    """The detector's landing look-ahead for a configuration: its default, but never longer
    than the extension, so that the OFF at IC + extension never waits for the IC estimate."""
    ext = config.extension_s
    default = GaitPhaseDetector().landing_s
    ok = isinstance(ext, int | float) and math.isfinite(ext) and ext >= 0
    return min(default, float(ext)) if ok else default


@dataclass
class Status:
    """What the live status line shows."""

    t_s: float
    phase: str
    state: str
    bursts: int
    alarms: int
    samples: int
    latency_ms: float
    process_us: float
    level_ma: float


class StreamEngine:
    """Run gait-phase detection and stimulation control on a stream of samples.

    Parameters
    ----------
    config
        :class:`StimulationConfig` (validated when the engine starts).
    side
        ``"left"`` or ``"right"``.
    placement
        ``"foot"`` or ``"shank"``.
    fs
        Nominal sampling rate in Hz.
    stimulator
        The device (default a :class:`~footdrop.realtime.SimulatedStimulator`).
    detector
        A configured :class:`GaitPhaseDetector` (default one for ``fs`` and ``placement``,
        with its IC look-ahead ``landing_s`` no longer than ``config.extension_s``: see
        :func:`landing_for`; a detector given here is used as it is).
    record_events
        Keep every detected event in :attr:`events_` (for validation).
    """

    def __init__(self, config: StimulationConfig | None = None, *, side: str = "left",
                 placement: str = "foot", fs: float = 100.0,
                 stimulator: Stimulator | None = None,
                 detector: GaitPhaseDetector | None = None,
                 record_events: bool = False) -> None:
        self.config = config
        self.side = side
        self.placement = placement
        self.fs = fs
        self.stimulator = stimulator
        self.detector = detector
        self.record_events = record_events

    def reset(self) -> StreamEngine:
        """Validate everything and start from scratch; return ``self``."""
        cfg = self.config if self.config is not None else StimulationConfig()
        self.controller_ = StimulationController(
            cfg, stimulator=self.stimulator, side=self.side, placement=self.placement,
            fs=self.fs).reset()
        self.detector_ = (self.detector if self.detector is not None
                          else GaitPhaseDetector(fs=self.fs, placement=self.placement,
                                                 landing_s=landing_for(cfg))).reset()
        self.stimulator_ = self.controller_.stimulator
        self.guard_ = SignalGuard(fs=self.fs, acc_range_ms2=cfg.acc_range_ms2,
                                  gyr_range_dps=cfg.gyr_range_dps,
                                  saturation_s=cfg.saturation_s,
                                  stuck_s=cfg.dropout_s).reset()
        self.events_: list[tuple[float, str, float]] = []
        self.n_samples_ = 0
        self.process_ns_ = 0
        self.last_t_: float | None = None
        self._ready = True
        return self

    _ready = False

    # ------------------------------------------------------------------------ per sample
    def process(self, t: float, ax: float, ay: float, az: float, gx: float, gy: float,
                gz: float) -> int:
        """Handle one sample; return the detector's event flags."""
        fault = self.guard_.check(ax, ay, az, gx, gy, gz)
        det = self.detector_
        ev = det.update(t, ax, ay, az, gx, gy, gz) if fault is None or fault == "stuck" else 0
        ctl = self.controller_
        ctl.update(t, fault, ev, det)
        if ctl.fault_pending_:
            det.reset()
            ctl.fault_pending_ = False
        self.n_samples_ += 1
        self.last_t_ = t
        if ev and self.record_events:
            self._record(t, ev)
        return ev

    def _record(self, t: float, ev: int) -> None:
        det = self.detector_
        times = {1: det.heel_off_s_, 2: det.toe_off_s_, 4: det.mid_swing_s_, 8: det.ic_s_,
                 16: t}
        for flag, name in EVENT_NAMES.items():
            if ev & flag:
                self.events_.append((t, name, times[flag]))

    # ------------------------------------------------------------------------ streaming
    def run(self, source: Iterable, *, on_status: Callable[[Status], None] | None = None,
            status_every_s: float = 0.25, duration_s: float | None = None) -> StreamEngine:
        """Process every sample of ``source``, then :meth:`finish`; return ``self``.

        Live sources (``source.live``) yield ``None`` between samples; the watchdog then
        runs on the host clock (the sample clock advanced by the host time elapsed since
        the last sample). ``on_status`` is called about every ``status_every_s`` of host
        time; ``duration_s`` stops a live stream after that much host time.
        """
        if not self._ready:
            self.reset()
        live = bool(getattr(source, "live", False))
        clock = time.perf_counter
        start = last_host = next_status = clock()
        next_beat = start
        stim, ctl = self.stimulator_, self.controller_
        ns = time.perf_counter_ns
        try:
            for item in source:
                if item is not None:
                    a = ns()
                    self.process(*item)
                    self.process_ns_ += ns() - a
                    if not live and on_status is None and duration_s is None:
                        continue
                    last_host = clock()
                    now = last_host
                else:
                    now = clock()
                    if self.last_t_ is not None:
                        ctl.tick(self.last_t_ + (now - last_host))
                if live and now >= next_beat:
                    stim.heartbeat(self.last_t_ or 0.0)
                    next_beat = now + HEARTBEAT_S
                if on_status is not None and now >= next_status:
                    on_status(self.status())
                    next_status = now + status_every_s
                if duration_s is not None and now - start >= duration_s:
                    break
        finally:
            for name in ("stop", "close"):
                fn = getattr(source, name, None)
                if callable(fn) and live:
                    fn()
        self.finish()
        if on_status is not None:
            on_status(self.status())
        return self

    def finish(self) -> StreamEngine:
        """End of stream: the watchdog stops any stimulation ``dropout_s`` after the last
        sample, as for a sensor loss."""
        self.controller_.finish()
        return self

    def status(self) -> Status:
        det, ctl = self.detector_, self.controller_
        t = self.last_t_ if self.last_t_ is not None else 0.0
        lat = det.latency_s_
        return Status(t_s=t, phase=det.phase_name_, state=ctl.state_name_,
                      bursts=len(ctl.bursts_),
                      alarms=sum(a["kind"] not in ("armed", "disarmed", "recovered")
                                 for a in ctl.alarms_),
                      samples=self.n_samples_,
                      latency_ms=lat * 1000 if lat == lat else float("nan"),
                      process_us=self.process_ns_ / max(self.n_samples_, 1) / 1000,
                      level_ma=ctl.level_at(t))

    # ------------------------------------------------------------------------ results
    @property
    def bursts_(self) -> pd.DataFrame:
        """One row per burst: ``side, on_s, off_s, reason`` and more (:data:`BURST_COLUMNS`)."""
        return pd.DataFrame(self.controller_.bursts_, columns=BURST_COLUMNS)

    @property
    def alarms_(self) -> pd.DataFrame:
        """Alarms and arming changes: ``side, t_s, kind, detail``."""
        return pd.DataFrame(self.controller_.alarms_, columns=["side", "t_s", "kind", "detail"])

    def write_log(self, path: str | Path) -> Path:
        """Write the burst log CSV (one row per burst)."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.bursts_.to_csv(path, index=False, float_format="%.6f", na_rep="")
        return path


def replay(source: Any, *, side: str = "left", placement: str = "foot",
           config: StimulationConfig | None = None, fs: float | None = None,
           stimulator: Stimulator | None = None, record_events: bool = False,
           **detector_params: Any) -> StreamEngine:
    """Run the engine over a recording (path, :class:`Recording` or :class:`Sensor`) as fast
    as possible; return the finished engine (``bursts_``, ``alarms_``, ``events_``)."""
    from footdrop.realtime.inputs import ReplaySource

    src = ReplaySource(source, side=side, placement=placement, fs=fs).open()
    rate = src.sample_rate
    detector_params.setdefault("landing_s", landing_for(config or StimulationConfig()))
    det = GaitPhaseDetector(fs=rate, placement=placement, **detector_params)
    engine = StreamEngine(config, side=side, placement=placement, fs=rate,
                          stimulator=stimulator, detector=det, record_events=record_events)
    return engine.reset().run(src)
