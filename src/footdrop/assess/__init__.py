"""Foot-drop assessment built on the per-stride tables of ``footdrop analyze``."""

# Between-session comparison (FES on/off, visit to visit).
from footdrop.assess.compare import SessionComparison, compare_sessions

__all__ = [
    "SessionComparison",
    "compare_sessions",
]
