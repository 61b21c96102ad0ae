"""Units: parse declared units, check them against the signal, convert to internal units.

Two physical facts make units checkable without any metadata:

* an accelerometer measures gravity, so the magnitude of the acceleration at rest (or at
  mid-stance, the quietest samples of a walk) is close to 1 g: ≈ 1 means g, ≈ 9.81 means
  m/s², ≈ 1000 means mg;
* a foot in walking turns at several hundred deg/s in swing (Mariani et al. 2010), i.e. a few
  rad/s. The 99th percentile of the angular-rate magnitude therefore separates deg/s (> 60)
  from rad/s (< 20) whenever the acceleration shows movement.
"""

from __future__ import annotations

import numpy as np

from footdrop.errors import UnitError
from footdrop.recording import INTERNAL_UNITS, Recording, Sensor

STANDARD_GRAVITY = 9.80665

_ACC_ALIASES = {
    "m/s^2": "m/s^2", "m/s2": "m/s^2", "m/s²": "m/s^2", "ms^-2": "m/s^2", "m s-2": "m/s^2",
    "m*s^-2": "m/s^2", "mps2": "m/s^2",
    "g": "g", "gravity": "g", "g0": "g",
    "mg": "mg", "milli-g": "mg",
}
_GYR_ALIASES = {
    "deg/s": "deg/s", "°/s": "deg/s", "dps": "deg/s", "degrees/s": "deg/s", "deg s-1": "deg/s",
    "deg/sec": "deg/s", "degree/s": "deg/s",
    "rad/s": "rad/s", "rad s-1": "rad/s", "rads": "rad/s", "rad/sec": "rad/s", "rps": "rad/s",
}
_TO_INTERNAL = {
    "m/s^2": 1.0, "g": STANDARD_GRAVITY, "mg": STANDARD_GRAVITY / 1000.0,
    "deg/s": 1.0, "rad/s": 180.0 / np.pi,
}

# Bands of the signal statistics that identify a unit; values between bands are ambiguous.
_ACC_BANDS = {"g": (0.6, 1.6), "m/s^2": (6.0, 16.0), "mg": (600.0, 1600.0)}
_GYR_RAD_MAX = 20.0  # p99 |gyr| below this, in a moving recording, means rad/s
_GYR_DEG_MIN = 60.0  # p99 |gyr| above this means deg/s
_MOVING_ACC_STD = 0.15  # std of |acc| relative to its median above which the sensor moved


def normalise_unit(kind: str, unit: str | None) -> str | None:
    """Canonical spelling of a declared unit (``"acc"`` or ``"gyr"``); None stays None."""
    if unit is None or str(unit).strip() == "":
        return None
    key = str(unit).strip().lower().replace(" ", "") if kind != "mag" else str(unit).strip()
    if kind == "mag":
        return key
    aliases = _ACC_ALIASES if kind == "acc" else _GYR_ALIASES
    aliases = {k.replace(" ", ""): v for k, v in aliases.items()}
    if key not in aliases:
        known = sorted(set(aliases.values()))
        raise UnitError(
            f"unknown {kind} unit {unit!r}",
            fix=f"use one of {', '.join(known)}",
        )
    return aliases[key]


def _row_norm(v: np.ndarray) -> np.ndarray:
    """``|v|`` per row of ``(n, 3)`` samples, without an ``(n, 3)`` temporary."""
    return np.sqrt(np.einsum("ij,ij->i", v, v))


def detect_acc_unit(acc: np.ndarray, gyr: np.ndarray | None = None) -> tuple[str | None, float]:
    """Guess the acceleration unit from the gravity magnitude; returns ``(unit, magnitude)``.

    The magnitude is the median of ``|acc|`` over the quietest tenth of the samples (lowest
    angular rate, whatever its unit), which are rest or mid-stance even in continuous
    walking; without ``gyr`` it is the median over all samples.
    """
    norm = _row_norm(acc)
    if gyr is not None:
        gnorm = _row_norm(gyr)
        ok = np.isfinite(norm) & np.isfinite(gnorm)
        if ok.sum() >= 10:
            norm, gnorm = norm[ok], gnorm[ok]
            norm = norm[gnorm <= np.percentile(gnorm, 10)]
    norm = norm[np.isfinite(norm)]
    if norm.size == 0:
        return None, float("nan")
    med = float(np.median(norm))
    for unit, (lo, hi) in _ACC_BANDS.items():
        if lo <= med <= hi:
            return unit, med
    return None, med


def detect_gyr_unit(gyr: np.ndarray, acc: np.ndarray) -> tuple[str | None, float]:
    """Guess the angular-rate unit from its 99th percentile when the sensor moved."""
    gnorm = _row_norm(gyr)
    gnorm = gnorm[np.isfinite(gnorm)]
    if gnorm.size == 0:
        return None, float("nan")
    p99 = float(np.percentile(gnorm, 99))
    anorm = _row_norm(acc)
    anorm = anorm[np.isfinite(anorm)]
    moving = anorm.size > 0 and np.std(anorm) > _MOVING_ACC_STD * max(np.median(anorm), 1e-9)
    if p99 >= _GYR_DEG_MIN:
        return "deg/s", p99
    if moving and p99 <= _GYR_RAD_MAX:
        return "rad/s", p99
    return None, p99


def standardise_units(
    recording: Recording, declared: dict[str, dict[str, str | None]] | None = None
) -> Recording:
    """Convert every sensor to internal units, in place, checking units against the signal.

    Parameters
    ----------
    recording
        Sensors whose ``units`` hold what the source declared (None when undeclared).
    declared
        Optional user overrides per placement, e.g. ``{"left_foot": {"gyr": "rad/s"}}``,
        or ``{"*": {...}}`` for all sensors. They win over what the file declares.

    Raises
    ------
    UnitError
        When a declared unit contradicts what the signal shows.
    """
    file = recording.source[0] if recording.source else None
    for placement, sensor in recording.sensors.items():
        override = {}
        if declared:
            override.update(declared.get("*", {}))
            override.update(declared.get(placement, {}))
        try:
            _standardise_sensor(recording, sensor, override)
        except UnitError as err:
            raise err.with_file(file) from None
    return recording


def _standardise_sensor(recording: Recording, sensor: Sensor, override: dict) -> None:
    detectors = {
        "acc": lambda: detect_acc_unit(sensor.acc, sensor.gyr),
        "gyr": lambda: detect_gyr_unit(sensor.gyr, sensor.acc),
    }
    describe = {
        "acc": "gravity magnitude {:.3g}",
        "gyr": "99th percentile of the rate magnitude {:.3g}",
    }
    for kind in ("acc", "gyr"):
        declared = normalise_unit(kind, override.get(kind) or sensor.units.get(kind))
        detected, stat = detectors[kind]()
        evidence = describe[kind].format(stat)
        where = f"{sensor.placement} {kind}"
        if declared and detected and declared != detected:
            raise UnitError(
                f"{where} is declared in {declared} but its {evidence} looks like {detected}",
                fix=f"declare the unit as {detected} (e.g. --{kind}-unit {detected}) "
                "if the declaration is wrong, or check the sensor export settings",
            )
        unit = declared or detected
        if unit is None:
            unit = INTERNAL_UNITS[kind]
            recording.warn(
                f"{where}: unit not declared and not identifiable from the signal "
                f"({evidence}); assumed {unit}"
            )
        elif declared is None:
            recording.warn(f"{where}: unit not declared; the signal ({evidence}) shows {unit}")
        factor = _TO_INTERNAL[unit]
        if factor != 1.0:
            arr = sensor.acc if kind == "acc" else sensor.gyr
            arr *= factor
            recording.warn(f"{where}: converted from {unit} to {INTERNAL_UNITS[kind]}")
        sensor.units[kind] = INTERNAL_UNITS[kind]

