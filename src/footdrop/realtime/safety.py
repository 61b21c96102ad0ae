"""Per-sample signal checks: impossible values, saturation and a stuck sensor.

:class:`SignalGuard` screens every sample before the detector sees it. It returns
``None`` for a usable sample, or the reason it is not:

- ``"invalid"``: a value that is not finite or lies beyond 102 % of the sensor's full scale
  (no sensor can report it: corrupted data, a wrong unit, a broken packet);
- ``"saturation"``: a channel held at 98 % of full scale or more for ``saturation_s`` (a
  landing reaches the rail for a few milliseconds, which is normal and passes);
- ``"stuck"``: all six channels exactly repeated for longer than ``stuck_s`` (a frozen
  sensor or a transmitter repeating its last packet). A frozen value carries no new
  information, so the engine gives it the sensor-loss limit (``stuck_s = dropout_s``): a
  logger that repeats a lost packet or two is treated like a short gap, which is tolerated.
  A resting foot can repeat its samples in a noise-free simulation, so the controller
  treats this as a fault only while stimulating.

The checks are chained scalar comparisons: a NaN fails every comparison, so one chain covers
non-finite values and range at once.
"""

from __future__ import annotations

import math

SATURATION_FRACTION = 0.98
INVALID_FRACTION = 1.02


class SignalGuard:
    """Screen IMU samples for impossible values, saturation and a stuck sensor.

    Parameters
    ----------
    fs
        Nominal sampling rate in Hz (converts the durations to sample counts).
    acc_range_ms2, gyr_range_dps
        Full scale of the accelerometer (m/s²) and gyroscope (deg/s).
    saturation_s
        Time at ≥ 98 % of full scale that counts as saturation.
    stuck_s
        A stuck sensor: all six channels exactly the same for longer than this (from the
        first of the identical samples to the present one).
    """

    def __init__(self, *, fs: float = 100.0, acc_range_ms2: float = 16 * 9.80665,
                 gyr_range_dps: float = 2000.0, saturation_s: float = 0.02,
                 stuck_s: float = 0.03) -> None:
        self.fs = fs
        self.acc_range_ms2 = acc_range_ms2
        self.gyr_range_dps = gyr_range_dps
        self.saturation_s = saturation_s
        self.stuck_s = stuck_s

    _ready = False

    def reset(self) -> SignalGuard:
        self._acc_bad = INVALID_FRACTION * self.acc_range_ms2
        self._gyr_bad = INVALID_FRACTION * self.gyr_range_dps
        self._acc_sat = SATURATION_FRACTION * self.acc_range_ms2
        self._gyr_sat = SATURATION_FRACTION * self.gyr_range_dps
        self._sat_need = max(1, math.ceil(self.saturation_s * self.fs - 1e-9))
        # repeats needed: the frozen span (repeats / fs) must exceed stuck_s
        self._stuck_need = max(1, math.floor(self.stuck_s * self.fs + 1e-9) + 1)
        self._sat_n = 0
        self._same_n = 0
        self._last = (math.nan,) * 6
        self._ready = True
        return self

    def check(self, ax: float, ay: float, az: float, gx: float, gy: float,
              gz: float) -> str | None:
        """``None`` for a usable sample, else ``"invalid"``, ``"saturation"`` or ``"stuck"``."""
        if not self._ready:
            self.reset()
        a, w = self._acc_bad, self._gyr_bad
        if not (-a < ax < a and -a < ay < a and -a < az < a
                and -w < gx < w and -w < gy < w and -w < gz < w):
            self._sat_n = self._same_n = 0
            return "invalid"
        a, w = self._acc_sat, self._gyr_sat
        if -a < ax < a and -a < ay < a and -a < az < a \
                and -w < gx < w and -w < gy < w and -w < gz < w:
            self._sat_n = 0
        else:
            self._sat_n += 1
            if self._sat_n >= self._sat_need:
                return "saturation"
        sample = (ax, ay, az, gx, gy, gz)
        if sample == self._last:
            self._same_n += 1
            if self._same_n >= self._stuck_need:
                return "stuck"
        else:
            self._same_n = 0
            self._last = sample
        return None
