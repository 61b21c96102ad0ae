"""Sample sources for the engine: file replay, UDP and a serial port.

Every source is an iterable of samples ``(t, ax, ay, az, gx, gy, gz)`` (s, m/s², deg/s, in
the foot or shank frame). Live sources (``live = True``) also yield ``None`` whenever no
sample arrived within ``timeout_s``, so the engine can run its host-clock watchdog between
samples. The packet formats are in :mod:`footdrop.realtime.packets`.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from footdrop.errors import ConfigError
from footdrop.realtime.packets import FrameParser, Sample, decode_samples
from footdrop.recording import Recording, Sensor

_CHUNK = 4096


def parse_address(text: str) -> tuple[str, int]:
    """``"HOST:PORT"`` → ``(host, port)``."""
    host, sep, port = str(text).rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ConfigError(f"{text!r} is not HOST:PORT", fix="write e.g. --udp 0.0.0.0:5005")
    return host, int(port)


class _Counter:
    """Counts samples lost from a packet counter that should rise by one per sample."""

    def __init__(self) -> None:
        self.lost_ = 0
        self._last: int | None = None

    def see(self, counter: int) -> None:
        if self._last is not None:
            step = (counter - self._last) & 0xFFFFFFFF
            if 1 < step < 0x80000000:
                self.lost_ += step - 1
        self._last = counter


class ReplaySource:
    """Replay one sensor of a recording (any file :func:`footdrop.io.read` reads).

    Parameters
    ----------
    source
        A path, a :class:`~footdrop.recording.Recording` or a single
        :class:`~footdrop.recording.Sensor`.
    side, placement
        Which sensor: ``{side}_{placement}``, e.g. ``left_foot``.
    fs, format
        Passed to :func:`footdrop.io.read` for formats that need them.
    realtime
        Pace the samples on the host clock (``speed`` × real time); else as fast as possible.
    align
        Rotate foot sensors into the foot frame (:func:`~footdrop.preprocess.alignment.
        align_to_foot`). Shank sensors must already be in the shank frame.

    Samples with a missing value (NaN, a gap in the file) are skipped: to the engine they
    are lost samples, and a run of them longer than the dropout limit is a sensor loss.
    """

    live = False

    def __init__(self, source: str | Path | Recording | Sensor, *, side: str = "left",
                 placement: str = "foot", fs: float | None = None, format: str | None = None,
                 realtime: bool = False, speed: float = 1.0, align: bool = True) -> None:
        self.source = source
        self.side = side
        self.placement = placement
        self.fs = fs
        self.format = format
        self.realtime = realtime
        self.speed = speed
        self.align = align
        self.sensor_: Sensor | None = None

    def open(self) -> ReplaySource:
        """Read the file and pick the sensor (done by iteration if not called)."""
        if self.side not in ("left", "right"):
            raise ConfigError(f"side {self.side!r} is not left or right",
                              fix="use --side left or --side right")
        if not self.speed > 0:
            raise ConfigError(f"replay speed {self.speed} is not positive",
                              fix="give a speed factor above 0 (1 = real time)")
        src = self.source
        if isinstance(src, Sensor):
            self.sensor_ = src
            return self
        if not isinstance(src, Recording):
            from footdrop import io

            src = io.read(src, fs=self.fs, format=self.format, min_duration_s=None)
        name = f"{self.side}_{self.placement}"
        if name not in src.sensors:
            raise ConfigError(
                f"the recording has no {name} sensor (it has: {', '.join(src.placements)})",
                file=(src.source or [None])[0],
                fix="choose --side and --placement of a sensor in the file")
        if self.placement == "foot" and self.align:
            from footdrop.preprocess.alignment import align_to_foot

            src = align_to_foot(src)
        self.sensor_ = src.sensors[name]
        return self

    @property
    def sample_rate(self) -> float:
        if self.sensor_ is None:
            self.open()
        return float(self.sensor_.fs)

    def __iter__(self) -> Iterator[Sample]:
        if self.sensor_ is None:
            self.open()
        s = self.sensor_
        times = s.time_s
        start = time.perf_counter()
        t0 = float(times[0]) if len(times) else 0.0
        pace = self.realtime
        for a in range(0, s.n_samples, _CHUNK):
            block = np.column_stack([times[a:a + _CHUNK], s.acc[a:a + _CHUNK],
                                     s.gyr[a:a + _CHUNK]]).astype(float)
            ok = np.isfinite(block).all(axis=1)
            for row in block[ok].tolist():
                if pace:
                    delay = start + (row[0] - t0) / self.speed - time.perf_counter()
                    if delay > 0.0005:
                        time.sleep(delay)
                yield tuple(row)


class UdpSource:
    """Receive samples as UDP datagrams (format in :mod:`footdrop.realtime.packets`).

    Parameters
    ----------
    host, port
        Address to listen on (port 0: any free port, see :attr:`address_`).
    timeout_s
        Longest wait before yielding ``None`` for the watchdog.
    """

    live = True

    def __init__(self, host: str = "0.0.0.0", port: int = 5005, *,
                 timeout_s: float = 0.005) -> None:
        self.host = host
        self.port = port
        self.timeout_s = timeout_s
        self._sock: socket.socket | None = None
        self._stop = False
        self.packets_ = 0
        self.bad_packets_ = 0
        self.counter_ = _Counter()

    def open(self) -> UdpSource:
        try:
            sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            sock.bind((self.host, self.port))
        except OSError as err:
            raise ConfigError(f"cannot listen on UDP {self.host}:{self.port}: {err.strerror}",
                              fix="choose a free port and an address of this machine") from None
        sock.settimeout(self.timeout_s)
        self._sock = sock
        self.address_ = sock.getsockname()
        return self

    def stop(self) -> None:
        self._stop = True

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def __iter__(self) -> Iterator[Sample | None]:
        if self._sock is None:
            self.open()
        sock = self._sock
        while not self._stop:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                yield None
                continue
            except OSError:
                return
            try:
                samples = decode_samples(data)
            except ValueError:
                self.bad_packets_ += 1
                continue
            self.packets_ += 1
            for counter, sample in samples:
                self.counter_.see(counter)
                yield sample


class SerialSource:
    """Read framed samples from a serial port (pyserial; ``loop://`` works for tests).

    Parameters
    ----------
    port
        Device or pyserial URL.
    baudrate
        Line speed (921600 or more for 1 kHz: 40 bytes per sample).
    timeout_s
        Longest wait before yielding ``None`` for the watchdog.
    serial
        An already open pyserial-like object to read from instead of ``port``.
    """

    live = True

    def __init__(self, port: str | None = None, *, baudrate: int = 921600,
                 timeout_s: float = 0.005, serial: Any = None) -> None:
        self.port = port
        self.baudrate = baudrate
        self.timeout_s = timeout_s
        self.serial = serial
        self.parser_ = FrameParser()
        self.counter_ = _Counter()
        self._dev = None
        self._stop = False

    def open(self) -> SerialSource:
        if self.serial is not None:
            self._dev = self.serial
        else:
            import serial as pyserial

            try:
                self._dev = pyserial.serial_for_url(self.port, baudrate=self.baudrate,
                                                    timeout=self.timeout_s)
            except (pyserial.SerialException, ValueError) as err:
                raise ConfigError(f"cannot open the serial port {self.port}: {err}",
                                  fix="check the device name (e.g. /dev/ttyUSB0) and that no "
                                      "other program holds it") from None
        return self

    def stop(self) -> None:
        self._stop = True

    def close(self) -> None:
        if self._dev is not None and self.serial is None:
            self._dev.close()
        self._dev = None

    def __iter__(self) -> Iterator[Sample | None]:
        if self._dev is None:
            self.open()
        dev = self._dev
        while not self._stop:
            waiting = getattr(dev, "in_waiting", 0)
            data = dev.read(max(1, waiting))
            if not data:
                yield None
                continue
            for counter, sample in self.parser_.feed(data):
                self.counter_.see(counter)
                yield sample
