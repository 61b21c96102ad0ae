"""Gait engine: walking bouts, strides and events, trajectory, per-stride metrics."""
