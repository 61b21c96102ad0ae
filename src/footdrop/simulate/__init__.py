"""Gait simulator with exact ground truth: normal and foot-drop gait, compensations, mountings.

``simulate(**params)`` builds a kinematic model of both feet (a rigid sole with heel and toe
points, stride by stride, :mod:`.foot`) from a walking protocol (:mod:`.gait`), derives the
IMU signals physically from it (:mod:`.sensors`) and measures every CONTRACT.md per-stride
quantity on the model (:mod:`.truth`). Parameters and their speed defaults are in
:mod:`.params`, the shape of each step in :mod:`.steps`, the per-foot records in
:mod:`.timeline`, curves and rotations in :mod:`.geometry`. ``write_simulation`` writes
BIDS-Motion, a gaitmap-style CSV, ``truth.csv`` and ``labels.json``.

Optionally (``lower_back=True``, ``shanks=True``) a lower-back sensor and a sensor on each
shank, from a pelvis driven by the feet (:mod:`.pelvis`) and two-link legs (:mod:`.leg`,
:mod:`.body`) whose knee in walking is keyed on the gait events (:mod:`.knee`), with their
per-stride truth in ``body_truth``.
"""

from footdrop.simulate.api import (
    DEFAULT_HEEL_OFFSET,
    DEFAULT_TOE_OFFSET,
    SimulationResult,
    simulate,
    simulate_cli,
    write_gaitmap_csv,
    write_simulation,
)
from footdrop.simulate.params import SEVERITY_PRESETS, SideSpec, severity_label, severity_value
from footdrop.simulate.pelvis import BodySpec
from footdrop.simulate.sensors import NOISE_PRESETS, SensorErrors
from footdrop.simulate.truth import floor_clearance

__all__ = [
    "BodySpec",
    "DEFAULT_HEEL_OFFSET",
    "DEFAULT_TOE_OFFSET",
    "NOISE_PRESETS",
    "SEVERITY_PRESETS",
    "SensorErrors",
    "SideSpec",
    "SimulationResult",
    "floor_clearance",
    "severity_label",
    "severity_value",
    "simulate",
    "simulate_cli",
    "write_gaitmap_csv",
    "write_simulation",
]
