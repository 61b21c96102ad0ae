"""Clinician-set stimulation parameters, with their bounds and their checks.

Every parameter has a documented range (:data:`BOUNDS`). :meth:`StimulationConfig.validate`
checks each against its range and the combinations that cannot work (a ramp longer than the
burst cap, an extension that alone fills the cap, a shank sensor asked for heel-off), and
raises :class:`~footdrop.errors.ConfigError` naming the parameter, the value and the fix.
The controller validates its configuration before the first sample, so a bad configuration
never reaches the stimulator.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from footdrop.errors import ConfigError

TRIGGERS = ("heel-off", "toe-off")
PLACEMENTS = ("foot", "shank")

#: ``name: (low, high, unit, what it is)``; both ends inclusive.
BOUNDS: dict[str, tuple[float, float, str, str]] = {
    "amplitude_ma": (0.5, 100.0, "mA", "stimulation current at the plateau"),
    "pulse_width_us": (20.0, 500.0, "us", "pulse width sent to the stimulator"),
    "frequency_hz": (10.0, 100.0, "Hz", "pulse frequency sent to the stimulator"),
    "ramp_up_s": (0.0, 0.5, "s", "linear ramp from 0 to the amplitude"),
    "ramp_down_s": (0.0, 0.5, "s", "linear ramp from the level reached down to 0"),
    "extension_s": (0.0, 0.5, "s", "stimulation kept on after the detected IC"),
    "cap_factor": (1.2, 4.0, "", "burst cap as a multiple of the running median swing time"),
    "max_burst_s": (0.3, 3.0, "s", "absolute burst cap"),
    "arm_strides": (1, 20, "strides", "consistent strides needed before stimulation"),
    "stride_tolerance": (0.05, 0.5, "", "allowed stride-time deviation from the median"),
    "rhythm_factor": (1.1, 3.0, "", "a stride longer than this × the median stops walking"),
    "resume_s": (0.0, 10.0, "s", "a break in walking this short keeps the strides before it"),
    "dropout_s": (0.005, 0.2, "s", "longest tolerated gap between samples"),
    "acc_range_ms2": (20.0, 2000.0, "m/s^2", "accelerometer full scale"),
    "gyr_range_dps": (250.0, 10000.0, "deg/s", "gyroscope full scale"),
    "saturation_s": (0.001, 0.5, "s", "time at full scale that counts as saturation"),
    "recover_s": (0.05, 5.0, "s", "valid signal needed after a fault before re-arming"),
}


@dataclass
class StimulationConfig:
    """What the clinician sets for one stimulation channel (one leg).

    Attributes
    ----------
    trigger
        ``"heel-off"`` or ``"toe-off"``: the gait event that starts a burst.
    amplitude_ma, pulse_width_us, frequency_hz
        Plateau current and pulse shape, passed to the stimulator.
    ramp_up_s, ramp_down_s
        Linear ramps at the start and at the end of a burst.
    extension_s
        Stimulation is kept on this long after the detected initial contact (IC).
    cap_factor, max_burst_s
        A burst (from the start of its ramp-up to the start of its ramp-down) never lasts
        longer than ``min(cap_factor × median swing time of the last 10 strides,
        max_burst_s)``.
    arm_strides, stride_tolerance, rhythm_factor
        Stimulation is armed after ``arm_strides`` consecutive complete strides whose stride
        times lie within ``± stride_tolerance`` of their median. It is disarmed when a stride
        deviates by more than twice that, or when no IC follows within ``rhythm_factor ×``
        the median stride time (the person stopped).
    resume_s
        After such a disarm (a turn, a hesitation, a missed landing), the strides from
        before it still count towards ``arm_strides`` for this long: strides whose time lies
        within ``± stride_tolerance`` of the rhythm before the break are added to them, the
        others (turning steps) are passed over, so one regular stride after a turn re-arms.
        Walking that resumes later, or a fault, starts the count afresh. 0 turns this off.
    dropout_s
        A gap between samples longer than this is a sensor loss: stimulation goes to zero at
        once, ``dropout_s`` after the last sample.
    acc_range_ms2, gyr_range_dps, saturation_s
        Sensor full scale. A channel at ≥ 98 % of full scale for ``saturation_s`` is a
        saturation fault; a value beyond 102 % is impossible (invalid). Brief impacts at
        heel strike reach the rail for a few ms and are tolerated.
    recover_s
        After a fault, this much valid signal is needed before strides are counted again.
    """

    trigger: str = "heel-off"
    amplitude_ma: float = 30.0
    pulse_width_us: float = 250.0
    frequency_hz: float = 40.0
    ramp_up_s: float = 0.05
    ramp_down_s: float = 0.05
    extension_s: float = 0.05
    cap_factor: float = 2.5
    max_burst_s: float = 1.5
    arm_strides: int = 3
    stride_tolerance: float = 0.25
    rhythm_factor: float = 1.5
    resume_s: float = 5.0
    dropout_s: float = 0.03
    acc_range_ms2: float = 16 * 9.80665
    gyr_range_dps: float = 2000.0
    saturation_s: float = 0.05
    recover_s: float = 0.3

    def validate(self, *, placement: str = "foot") -> StimulationConfig:
        """Check every value and their combinations; return ``self``.

        Raises
        ------
        ConfigError
            Naming the parameter, its value, its allowed range and the fix.
        """
        if self.trigger not in TRIGGERS:
            raise ConfigError(f"trigger {self.trigger!r} is not known",
                              fix="use --trigger heel-off or --trigger toe-off")
        if placement not in PLACEMENTS:
            raise ConfigError(f"sensor placement {placement!r} is not known",
                              fix="use --placement foot or --placement shank")
        for name, (lo, hi, unit, what) in BOUNDS.items():
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ConfigError(f"{name} ({what}) must be a number, got {value!r}",
                                  fix=f"give a value between {lo:g} and {hi:g} {unit}")
            if not math.isfinite(value) or not lo <= value <= hi:
                raise ConfigError(
                    f"{name} = {value:g} {unit} ({what}) is outside its safe range "
                    f"{lo:g}–{hi:g} {unit}".replace(" )", ")"),
                    fix=f"give a value between {lo:g} and {hi:g} {unit}")
        if self.arm_strides != int(self.arm_strides):
            raise ConfigError(f"arm_strides = {self.arm_strides} is not a whole number",
                              fix="give a whole number of strides, e.g. 3")
        cap = self.max_burst_s
        for name in ("ramp_up_s", "ramp_down_s", "extension_s"):
            value = getattr(self, name)
            if value >= cap:
                raise ConfigError(
                    f"{name} = {value:g} s is not shorter than the burst cap "
                    f"max_burst_s = {cap:g} s, so no burst could complete it",
                    fix=f"shorten {name} or raise max_burst_s (at most "
                        f"{BOUNDS['max_burst_s'][1]:g} s)")
        if self.ramp_up_s + self.extension_s >= cap:
            raise ConfigError(
                f"ramp-up ({self.ramp_up_s:g} s) plus extension ({self.extension_s:g} s) "
                f"fill the whole burst cap ({cap:g} s)",
                fix="shorten the ramp-up or the extension, or raise max_burst_s")
        if placement == "shank" and self.trigger == "heel-off":
            raise ConfigError(
                "heel-off cannot be seen from a shank sensor (the shank turns smoothly "
                "through heel rise); only toe-off, mid-swing and IC are detected there",
                fix="use --trigger toe-off with a shank sensor, or wear the sensor on the shoe")
        return self

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> StimulationConfig:
        """Build from a dict, refusing unknown keys (a typo must not fall back silently)."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ConfigError(f"unknown stimulation parameter(s): {', '.join(unknown)}",
                              fix="use the names of footdrop.realtime.StimulationConfig")
        return cls(**values)
