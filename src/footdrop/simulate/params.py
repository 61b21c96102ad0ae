"""Gait parameters: per-side foot drop and compensations, and the defaults taken from speed.

Cadence, stride length and stance fraction follow the speed as in healthy adults (about
110 steps/min, 1.35 m strides and 63 % stance at 1.25 m/s; slower walking has shorter strides,
a lower cadence and a longer stance). Foot-drop severity is a number in [0, 1] with the presets
of :data:`SEVERITY_PRESETS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from footdrop.errors import ConfigError

SEVERITY_PRESETS = {"none": 0.0, "mild": 0.35, "moderate": 0.65, "severe": 1.0}
#: Distance between the two hip-joint centres, m (adults, about 0.16-0.20 m).
HIP_WIDTH_M = 0.18
#: Pelvic elevation of the swing side at mid-swing added by full hip hiking (level 1), deg.
#: Hip hikers raise the swing side by several degrees instead of letting it drop by ~4°.
HIP_HIKING_FULL_DEG = 8.0
#: The level that ``"hip_hiking": True`` stands for (6° of added elevation).
HIP_HIKING_DEFAULT = 0.75


def severity_value(x: Any) -> float:
    """Severity in [0, 1] from a preset name or a number."""
    if isinstance(x, str):
        name = x.strip().lower()
        if name in SEVERITY_PRESETS:
            return SEVERITY_PRESETS[name]
        try:  # a number given as text, as the command line passes it
            x = float(name)
        except ValueError:
            raise ConfigError(f"unknown foot-drop severity {x!r}",
                              fix=f"use one of {', '.join(SEVERITY_PRESETS)} or a number 0-1"
                              ) from None
    v = float(x)
    if not np.isfinite(v):
        raise ConfigError(f"foot-drop severity {x!r} is not a number",
                          fix="give 0 (none) to 1 (severe), or a preset name")
    if not 0.0 <= v <= 1.0:
        raise ConfigError(f"foot-drop severity {v} is outside [0, 1]",
                          fix="give 0 (none) to 1 (severe), or a preset name")
    return v


def severity_label(v: float) -> str:
    return "none" if v < 0.15 else "mild" if v < 0.5 else "moderate" if v < 0.8 else "severe"


@dataclass
class SideSpec:
    """Per-side gait: foot-drop severity (0–1) and compensations.

    ``hip_hiking`` is a level in [0, 1]: in each swing of this side the pelvis on this side is
    raised by up to ``hip_hiking · HIP_HIKING_FULL_DEG`` (at mid-swing, about the stance hip),
    which also lifts the swing foot by ``HIP_WIDTH_M · sin`` of that angle. In a dict,
    ``"hip_hiking": True`` means :data:`HIP_HIKING_DEFAULT` and ``"hip_hiking_deg"`` gives
    the angle instead. A swing that scuffs has neither the steppage lift nor the hiking (the
    compensation failed).
    """

    severity: float = 0.0
    steppage_m: float = 0.0  # extra foot lift in swing
    circumduction_m: float = 0.0  # extra lateral swing-out
    scuff_rate: float | None = None  # chance of a toe scuff per swing; None: from severity
    hip_hiking: float = 0.0  # level 0-1: pelvis raised on this side in its swing

    @classmethod
    def parse(cls, value: Any) -> SideSpec:
        if value is None:
            return cls()
        if isinstance(value, SideSpec):
            return value
        if isinstance(value, str | int | float):
            return cls(severity=severity_value(value))
        if isinstance(value, dict):
            kw = dict(value)
            kw["severity"] = severity_value(kw.get("severity", 0.0))
            if kw.pop("steppage", False) and not kw.get("steppage_m"):
                kw["steppage_m"] = 0.04
            if kw.pop("circumduction", False) and not kw.get("circumduction_m"):
                kw["circumduction_m"] = 0.08
            if "hip_hiking_deg" in kw:
                kw["hip_hiking"] = float(kw.pop("hip_hiking_deg")) / HIP_HIKING_FULL_DEG
            elif isinstance(kw.get("hip_hiking"), bool):
                kw["hip_hiking"] = HIP_HIKING_DEFAULT if kw["hip_hiking"] else 0.0
            try:
                return cls(**kw)
            except TypeError as exc:
                raise ConfigError(f"bad side parameters {value!r}: {exc}",
                                  fix="use severity, steppage(_m), circumduction(_m), "
                                      "hip_hiking(_deg), scuff_rate") from exc
        raise ConfigError(f"cannot read side parameters {value!r}",
                          fix="give a severity name or number, or a dict")

    def __post_init__(self) -> None:
        self.hip_hiking = float(self.hip_hiking)
        if not 0.0 <= self.hip_hiking <= 1.0:
            raise ConfigError(f"hip hiking level {self.hip_hiking:g} is outside [0, 1]",
                              fix=f"give 0 (none) to 1 ({HIP_HIKING_FULL_DEG:g}° of pelvic "
                                  "elevation in swing), or hip_hiking_deg")

    @property
    def scuffs(self) -> float:
        return 0.15 * self.severity**2 if self.scuff_rate is None else float(self.scuff_rate)

    @property
    def hip_hiking_deg(self) -> float:
        """Pelvic elevation of this side added at mid-swing, deg."""
        return self.hip_hiking * HIP_HIKING_FULL_DEG


@dataclass
class GaitSpec:
    speed: float = 1.2
    cadence_spm: float | None = None
    stride_length_m: float | None = None
    stance_fraction: float | None = None
    step_width_m: float = 0.10
    toe_out_deg: float = 5.0
    variability: float = 1.0
    fatigue: float = 0.0
    sole_length: float = 0.25
    scuff_depth_m: float = 0.002
    stair_riser_m: float = 0.17
    stair_tread_m: float = 0.30
    left: SideSpec = field(default_factory=SideSpec)
    right: SideSpec = field(default_factory=SideSpec)

    def stride_time(self, v: float) -> float:
        if self.cadence_spm:
            return 120.0 / self.cadence_spm
        if self.stride_length_m:
            return self.stride_length_m / max(self.speed, 0.05)
        return 2.0 / (0.95 + 0.72 * v)

    def stance(self, v: float) -> float:
        if self.stance_fraction:
            return self.stance_fraction
        return float(np.interp(v, [0.2, 0.5, 0.8, 1.2, 1.6, 2.0],
                               [0.75, 0.69, 0.66, 0.63, 0.605, 0.58]))
