"""The one data object that flows from the readers to the gait engine.

A :class:`Recording` holds one or more :class:`Sensor` objects. Each sensor carries its own
sampling rate and clock, because the two feet of a recording are not always synchronised.
Internal units are fixed (CONTRACT.md): acceleration in m/s², angular rate in deg/s, time in s.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
import pandas as pd

logger = logging.getLogger("footdrop")

PLACEMENTS = (
    "left_foot",
    "right_foot",
    "lower_back",
    "left_shank",
    "right_shank",
    "left_wrist",
    "right_wrist",
    "unknown",
)
FOOT_PLACEMENTS = ("left_foot", "right_foot")
AXES = ("x", "y", "z")
ACC_COLUMNS = tuple(f"acc_{a}" for a in AXES)
GYR_COLUMNS = tuple(f"gyr_{a}" for a in AXES)
MAG_COLUMNS = tuple(f"mag_{a}" for a in AXES)
INTERNAL_UNITS = {"acc": "m/s^2", "gyr": "deg/s"}

#: Frames a sensor's axes can be in: the device's own axes, or the foot frame of CONTRACT.md.
FRAMES = ("sensor", "foot")


def _samples(a: Any) -> np.ndarray:
    a = np.asarray(a)
    return np.ascontiguousarray(a, dtype=np.float32 if a.dtype == np.float32 else np.float64)


@dataclass(eq=False)
class Sensor:
    """One IMU: its samples on a regular grid, its placement and its own clock.

    Attributes
    ----------
    placement
        Where the sensor is worn, one of :data:`PLACEMENTS`.
    fs
        Sampling rate in Hz.
    acc, gyr
        ``(n, 3)`` float64 arrays, or float32 when given as float32 (day-long recordings:
        half the memory, and exact for 16-bit sensor samples); the pipeline keeps the
        type. After reading they are in m/s² and deg/s. Missing samples
        are NaN; long gaps stay NaN (never zero-padded) and split :attr:`segments`.
    mag
        ``(n, 3)`` magnetometer samples in :attr:`units` ``["mag"]``, or None.
    t0
        Time of the first sample on this sensor's clock, in s from the start of the
        recording.
    clock
        Sensors with the same clock name are synchronised.
    frame
        ``"sensor"`` (device axes) or ``"foot"`` (CONTRACT.md foot frame).
    units
        Units of ``acc``, ``gyr`` and ``mag``.
    name
        Device identifier or column prefix in the source.
    extra
        Other per-sample channels kept from the source (barometer, packet counter, ...),
        each an ``(n,)`` or ``(n, k)`` array; :attr:`extra_units` gives their units.
    segments
        ``(start, stop)`` sample ranges of valid data, separated by long gaps.
    clipped
        ``(channel, start, stop)`` sample ranges where a channel sits at its range limit.
    alignment
        Description of the rotation applied to reach the foot frame, or None.
    """

    placement: str
    fs: float
    acc: np.ndarray
    gyr: np.ndarray
    mag: np.ndarray | None = None
    t0: float = 0.0
    clock: str = "main"
    frame: str = "sensor"
    units: dict[str, str | None] = field(default_factory=lambda: dict(INTERNAL_UNITS))
    name: str = ""
    extra: dict[str, np.ndarray] = field(default_factory=dict)
    extra_units: dict[str, str] = field(default_factory=dict)
    segments: list[tuple[int, int]] = field(default_factory=list)
    clipped: list[tuple[str, int, int]] = field(default_factory=list)
    alignment: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        # C-contiguous float64, or float32 when given so (half the memory for day-long
        # recordings; a 16-bit sensor's samples lose nothing in float32)
        self.acc = _samples(self.acc)
        self.gyr = _samples(self.gyr)
        if self.mag is not None:
            self.mag = _samples(self.mag)
        if not self.segments and len(self.acc):
            self.segments = [(0, len(self.acc))]

    @property
    def n_samples(self) -> int:
        return int(self.acc.shape[0])

    @property
    def duration_s(self) -> float:
        return self.n_samples / self.fs

    @property
    def time_s(self) -> np.ndarray:
        """Sample times on the sensor's clock, in s from the start of the recording."""
        return self.t0 + np.arange(self.n_samples) / self.fs

    @property
    def columns(self) -> list[str]:
        cols = list(ACC_COLUMNS + GYR_COLUMNS)
        if self.mag is not None:
            cols += list(MAG_COLUMNS)
        return cols

    def to_numpy(self) -> np.ndarray:
        """``(n, 6)`` or ``(n, 9)`` array: acc, gyr and, if present, mag."""
        parts = [self.acc, self.gyr] + ([self.mag] if self.mag is not None else [])
        return np.hstack(parts)

    def to_dataframe(self) -> pd.DataFrame:
        """Samples as a frame indexed by ``time_s``; columns ``acc_x`` … ``gyr_z`` (``mag_*``)."""
        index = pd.Index(self.time_s, name="time_s")
        return pd.DataFrame(self.to_numpy(), index=index, columns=self.columns)

    @classmethod
    def from_dataframe(
        cls, df: pd.DataFrame, *, placement: str, fs: float, **kwargs: Any
    ) -> Sensor:
        """Build a sensor from a frame with ``acc_*`` and ``gyr_*`` (optionally ``mag_*``)."""
        mag = df[list(MAG_COLUMNS)].to_numpy(float) if set(MAG_COLUMNS) <= set(df) else None
        return cls(
            placement=placement,
            fs=fs,
            acc=df[list(ACC_COLUMNS)].to_numpy(float),
            gyr=df[list(GYR_COLUMNS)].to_numpy(float),
            mag=mag,
            **kwargs,
        )

    def copy(self) -> Sensor:
        """Deep copy of arrays and bookkeeping."""
        return Sensor(
            placement=self.placement,
            fs=self.fs,
            acc=self.acc.copy(),
            gyr=self.gyr.copy(),
            mag=None if self.mag is None else self.mag.copy(),
            t0=self.t0,
            clock=self.clock,
            frame=self.frame,
            units=dict(self.units),
            name=self.name,
            extra={k: v.copy() for k, v in self.extra.items()},
            extra_units=dict(self.extra_units),
            segments=list(self.segments),
            clipped=list(self.clipped),
            alignment=None if self.alignment is None else dict(self.alignment),
        )


@dataclass(eq=False)
class Recording:
    """Sensors recorded together, with where they came from and what was done to them.

    Attributes
    ----------
    sensors
        Sensors keyed by placement.
    source
        Files the recording was read from.
    format
        Name of the reader that produced it.
    start_time
        Wall-clock time of ``t = 0`` if the source states it, else None.
    metadata
        JSON-serialisable facts from the source (participant, device, protocol, ...).
    reference
        Reference data shipped with the source (e.g. Mobilise-D INDIP events), or empty.
    warnings
        Everything that was repaired, converted or is doubtful, in plain language.
    """

    sensors: dict[str, Sensor]
    source: list[str] = field(default_factory=list)
    format: str = ""
    start_time: datetime | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    reference: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def warn(self, message: str) -> None:
        """Record a warning (and log it)."""
        if message not in self.warnings:
            self.warnings.append(message)
            logger.info(message)

    def __getitem__(self, placement: str) -> Sensor:
        return self.sensors[placement]

    def __contains__(self, placement: str) -> bool:
        return placement in self.sensors

    @property
    def placements(self) -> list[str]:
        return list(self.sensors)

    @property
    def synchronised(self) -> bool:
        """True when all sensors share one clock."""
        return len({s.clock for s in self.sensors.values()}) <= 1

    @property
    def duration_s(self) -> float:
        """Span from the earliest to the latest sample over all sensors."""
        if not self.sensors:
            return 0.0
        start = min(s.t0 for s in self.sensors.values())
        stop = max(s.t0 + s.duration_s for s in self.sensors.values())
        return stop - start

    def to_dataframe(self) -> pd.DataFrame:
        """All sensors side by side, columns ``(placement, channel)``.

        Sensors of different rates or clocks are joined on their time stamps (an outer
        join), so no sample is dropped; rows one sensor lacks are NaN.
        """
        frames = {p: s.to_dataframe() for p, s in self.sensors.items()}
        return pd.concat(frames, axis=1, names=["placement", "channel"])

    @classmethod
    def from_dataframe(
        cls, df: pd.DataFrame, *, fs: float, frame: str = "sensor", **kwargs: Any
    ) -> Recording:
        """Inverse of :meth:`to_dataframe` for synchronised sensors of one rate."""
        sensors = {}
        for placement in df.columns.get_level_values(0).unique():
            sub = df[placement].dropna(how="all")
            t0 = float(sub.index[0]) if sub.index.name == "time_s" and len(sub) else 0.0
            sensors[placement] = Sensor.from_dataframe(
                sub, placement=placement, fs=fs, t0=t0, frame=frame
            )
        return cls(sensors=sensors, **kwargs)

    @classmethod
    def from_arrays(
        cls,
        *,
        fs: float,
        acc: np.ndarray,
        gyr: np.ndarray,
        placement: str = "left_foot",
        frame: str = "sensor",
        **kwargs: Any,
    ) -> Recording:
        """One-sensor recording from numpy arrays in internal units."""
        sensor = Sensor(placement=placement, fs=fs, acc=acc, gyr=gyr, frame=frame)
        return cls(sensors={placement: sensor}, format="arrays", **kwargs)

    def copy(self) -> Recording:
        return Recording(
            sensors={p: s.copy() for p, s in self.sensors.items()},
            source=list(self.source),
            format=self.format,
            start_time=self.start_time,
            metadata=dict(self.metadata),
            reference=self.reference,
            warnings=list(self.warnings),
        )

    def __repr__(self) -> str:
        parts = ", ".join(
            f"{p}: {s.n_samples} samples @ {s.fs:g} Hz" for p, s in self.sensors.items()
        )
        return f"<Recording {self.format} [{parts}] {len(self.warnings)} warnings>"
