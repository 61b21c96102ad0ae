"""The stimulator interface, a simulated stimulator for tests, and a serial driver.

The controller commands *ramps*: ``set_amplitude(t, level_ma, ramp_s)`` asks the stimulator
to go linearly from its present level to ``level_ma`` over ``ramp_s`` seconds, starting at
time ``t`` (the recording's sample clock). ``ramp_s = 0`` is a step; a fault is a step to 0
followed by :meth:`Stimulator.alarm`. A device is never sent a level above the configured
amplitude, and ramps keep their slope within ``amplitude / ramp``.

Serial command protocol (ASCII, one command per line, ``\\n`` terminated, 115200 baud by
default; see ``docs/realtime.md``)::

    C <pulse_width_us> <frequency_hz> <max_ma>   configure; the device refuses levels above max
    A <level_ma> <ramp_ms>                        ramp to level_ma (0.1 mA steps) over ramp_ms
    X <reason>                                    stop now: 0 mA at once, raise the alarm
    H                                             heartbeat

The device must switch its output off by itself when it receives no line for 100 ms (its
own watchdog), so a crashed host cannot leave stimulation on; the engine sends a heartbeat
at least every 50 ms in live operation. Replies (``OK``/``ERR <text>``) are optional and
not waited for: the real-time path never blocks on the stimulator.
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from bisect import bisect_right
from typing import Any

from footdrop.errors import ConfigError


class Stimulator(ABC):
    """What the controller drives. Times are on the recording's sample clock, in s."""

    def configure(self, config: Any) -> None:  # noqa: B027  (optional for devices)
        """Receive the validated :class:`~footdrop.realtime.StimulationConfig` before use."""

    @abstractmethod
    def set_amplitude(self, t: float, level_ma: float, ramp_s: float = 0.0) -> None:
        """Go linearly from the present level to ``level_ma`` over ``ramp_s`` from ``t``."""

    @abstractmethod
    def alarm(self, t: float, reason: str) -> None:
        """A fault: the output has been set to 0 at ``t``; signal the alarm."""

    def heartbeat(self, t: float) -> None:  # noqa: B027  (optional)
        """Keep a device watchdog alive."""

    def close(self) -> None:  # noqa: B027  (optional)
        """Release the device (the output is left at 0)."""


class SimulatedStimulator(Stimulator):
    """Records every command; gives the amplitude at any time (piecewise linear).

    Attributes
    ----------
    commands_
        ``(t, level_from, level_to, ramp_s, host_s)`` per command; ``host_s`` is the host
        clock (``time.perf_counter``) when the command was received.
    alarms_
        ``(t, reason, host_s)`` per alarm.
    """

    def __init__(self) -> None:
        self.commands_: list[tuple[float, float, float, float, float]] = []
        self.alarms_: list[tuple[float, str, float]] = []
        self._times: list[float] = []
        self.max_ma_ = float("inf")

    def configure(self, config: Any) -> None:
        self.max_ma_ = float(config.amplitude_ma)

    def set_amplitude(self, t: float, level_ma: float, ramp_s: float = 0.0) -> None:
        if level_ma < 0 or level_ma > self.max_ma_ + 1e-9 or ramp_s < 0:
            raise ConfigError(f"stimulator asked for {level_ma} mA over {ramp_s} s",
                              fix="this is a bug in the controller; report it")
        start = self.level_at(t)
        self.commands_.append((t, start, float(level_ma), float(ramp_s), time.perf_counter()))
        self._times.append(t)

    def alarm(self, t: float, reason: str) -> None:
        self.alarms_.append((t, reason, time.perf_counter()))

    def level_at(self, t: float) -> float:
        """Amplitude in mA at time ``t`` (the last command at or before ``t`` rules)."""
        i = bisect_right(self._times, t) - 1
        if i < 0:
            return 0.0
        t0, start, stop, ramp, _ = self.commands_[i]
        if ramp <= 0 or t >= t0 + ramp:
            return stop
        return start + (stop - start) * (t - t0) / ramp

    def zero_after(self, t: float) -> float:
        """First time at or after ``t`` from which the amplitude stays 0 (inf if never)."""
        if not self.commands_:
            return t
        t0, _start, stop, ramp, _ = self.commands_[-1]
        if stop > 0:
            return float("inf")
        return max(t, t0 + ramp)


class SerialStimulator(Stimulator):
    """Drive a stimulator over a serial line with the ASCII protocol of this module.

    Parameters
    ----------
    port
        Device name (``/dev/ttyUSB0``, ``COM3``) or a pyserial URL (``loop://`` in tests).
    baudrate
        Line speed.
    serial
        An already open pyserial-like object (anything with ``write``), instead of ``port``.
    """

    def __init__(self, port: str | None = None, *, baudrate: int = 115200,
                 serial: Any = None) -> None:
        self.port = port
        self.baudrate = baudrate
        self.serial = serial
        self._dev = None

    def _device(self):
        if self._dev is None:
            if self.serial is not None:
                self._dev = self.serial
            else:
                import serial as pyserial

                try:
                    self._dev = pyserial.serial_for_url(self.port, baudrate=self.baudrate,
                                                        timeout=0, write_timeout=0.05)
                except (pyserial.SerialException, ValueError) as err:
                    raise ConfigError(f"cannot open the stimulator port {self.port}: {err}",
                                      fix="check the device name and that no other program "
                                          "holds it") from None
        return self._dev

    def _send(self, line: str) -> None:
        self._device().write((line + "\n").encode("ascii"))

    def configure(self, config: Any) -> None:
        self._send(f"C {config.pulse_width_us:.0f} {config.frequency_hz:.0f} "
                   f"{config.amplitude_ma:.1f}")

    def set_amplitude(self, t: float, level_ma: float, ramp_s: float = 0.0) -> None:
        self._send(f"A {level_ma:.1f} {round(ramp_s * 1000):d}")

    def alarm(self, t: float, reason: str) -> None:
        self._send(f"X {reason}")

    def heartbeat(self, t: float) -> None:
        self._send("H")

    def close(self) -> None:
        if self._dev is not None:
            try:
                self._send("A 0.0 0")
            finally:
                if self.serial is None:
                    self._dev.close()
                self._dev = None
