"""Validation against optical motion capture: reference extraction, scoring, sensor geometry.

- :mod:`footdrop.validation.mocap`: read markers, reference events and stride metrics
  (:class:`MocapReference`), agreement with another event list (:func:`compare_events`).
- :mod:`footdrop.validation.scoring`: :func:`score_strides` matches estimated to reference strides
  and renders a markdown table with the targets; :func:`write_section` updates one marked
  section of a generated document.
- :mod:`footdrop.validation.geometry`: :class:`SensorMarkerGeometry` finds the IMU position
  relative to the heel and toe markers from accelerations and angular rates (never clearance).
"""

from footdrop.validation.geometry import SensorMarkerGeometry
from footdrop.validation.mocap import (
    Markers,
    MocapReference,
    compare_events,
    read_gaitmap_events,
    read_mocap,
)
from footdrop.validation.scoring import (
    METRICS,
    match_strides,
    render_markdown,
    score_strides,
    write_section,
)

__all__ = [
    "METRICS",
    "Markers",
    "MocapReference",
    "SensorMarkerGeometry",
    "compare_events",
    "match_strides",
    "read_gaitmap_events",
    "read_mocap",
    "render_markdown",
    "score_strides",
    "write_section",
]
