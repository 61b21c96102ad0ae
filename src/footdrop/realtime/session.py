"""One streaming session as the CLI runs it: settings → source → engine → logs.

Kept out of the CLI so that a notebook or a test can run exactly what
``footdrop stream`` runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from footdrop.errors import ConfigError
from footdrop.realtime.config import StimulationConfig
from footdrop.realtime.engine import Status, StreamEngine
from footdrop.realtime.inputs import ReplaySource, SerialSource, UdpSource, parse_address
from footdrop.realtime.stimulator import SerialStimulator, Stimulator


@dataclass
class StreamSettings:
    """Where the samples come from, and what to do with them.

    Exactly one of ``replay``, ``udp`` (``HOST:PORT``) or ``serial`` (device) is given.
    ``fs`` is the nominal rate of a live stream (Hz), or the rate of a replayed file whose
    format does not store it. ``stimulator`` names a serial port for a
    :class:`SerialStimulator`; without it a simulated stimulator records the output.
    """

    replay: str | Path | None = None
    udp: str | None = None
    serial: str | None = None
    realtime: bool = False
    fs: float | None = None
    format: str | None = None
    side: str = "left"
    placement: str = "foot"
    baudrate: int = 921600
    stimulator: str | None = None
    duration_s: float | None = None


def open_source(s: StreamSettings) -> tuple[Any, float]:
    """The sample source and its nominal rate."""
    given = [name for name in ("replay", "udp", "serial") if getattr(s, name)]
    if len(given) != 1:
        raise ConfigError(
            "give exactly one input: --replay FILE, --udp HOST:PORT or --serial DEV"
            + (f" (got {', '.join('--' + g for g in given)})" if given else ""),
            fix="e.g. footdrop stream --replay walk.csv --side left")
    if s.side not in ("left", "right"):
        raise ConfigError(f"side {s.side!r} is not left or right",
                          fix="use --side left or --side right")
    if s.placement not in ("foot", "shank"):
        raise ConfigError(f"placement {s.placement!r} is not foot or shank",
                          fix="use --placement foot or --placement shank")
    if s.replay:
        src = ReplaySource(s.replay, side=s.side, placement=s.placement, fs=s.fs,
                           format=s.format, realtime=s.realtime).open()
        return src, src.sample_rate
    fs = s.fs if s.fs is not None else 100.0
    if s.udp:
        host, port = parse_address(s.udp)
        return UdpSource(host, port).open(), fs
    return SerialSource(s.serial, baudrate=s.baudrate).open(), fs


def build_engine(settings: StreamSettings, config: StimulationConfig, fs: float, *,
                 stimulator: Stimulator | None = None) -> StreamEngine:
    """A reset engine for ``fs``; raises ConfigError for bad settings before any I/O."""
    config.validate(placement=settings.placement)
    if stimulator is None and settings.stimulator:
        stimulator = SerialStimulator(settings.stimulator)
    return StreamEngine(config, side=settings.side, placement=settings.placement, fs=fs,
                        stimulator=stimulator).reset()


def run_session(settings: StreamSettings, config: StimulationConfig, *,
                log: str | Path | None = None, alarms: str | Path | None = None,
                on_status: Any = None, stimulator: Stimulator | None = None) -> StreamEngine:
    """Validate, open the input, stream to the end (or ``duration_s``), write the logs."""
    config.validate(placement=settings.placement)
    source, fs = open_source(settings)
    engine = build_engine(settings, config, fs, stimulator=stimulator)
    try:
        engine.run(source, on_status=on_status, duration_s=settings.duration_s)
    except KeyboardInterrupt:
        engine.finish()
    finally:
        engine.stimulator_.close()
    if log is not None:
        engine.write_log(log)
    if alarms is not None:
        path = Path(alarms)
        path.parent.mkdir(parents=True, exist_ok=True)
        engine.alarms_.to_csv(path, index=False, float_format="%.6f")
    return engine


def status_text(st: Status) -> str:
    """One status line: time, phase, state, bursts, latency, processing time."""
    lat = "  - " if st.latency_ms != st.latency_ms else f"{st.latency_ms:3.0f} ms"
    return (f"t {st.t_s:7.2f} s  {st.phase:<8} {st.state:<9} bursts {st.bursts:<4d} "
            f"alarms {st.alarms:<3d} {st.level_ma:5.1f} mA  latency {lat}  "
            f"{st.process_us:4.1f} µs/sample")
