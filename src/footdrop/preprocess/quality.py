"""Signal quality: saturated (clipped) channels, flagged per sample range."""

from __future__ import annotations

import numpy as np

from footdrop.preprocess.gaps import nan_runs
from footdrop.recording import Recording, Sensor

#: A channel is clipped where it stays within this fraction of its extreme value ...
_PLATEAU_TOLERANCE = 1e-3
#: ... for at least this many consecutive samples ...
_MIN_PLATEAU_SAMPLES = 3
#: ... and the extreme is a plausible range limit (2 g, 200 deg/s and up).
_MIN_LIMIT = {"acc": 19.0, "gyr": 200.0}


def find_clipping(sensor: Sensor) -> list[tuple[str, int, int]]:
    """Sample ranges where a channel sits flat at its largest or smallest value."""
    ranges: list[tuple[str, int, int]] = []
    for kind, arr in (("acc", sensor.acc), ("gyr", sensor.gyr)):
        for c, axis in enumerate("xyz"):
            col = arr[:, c]
            finite = col[np.isfinite(col)]
            if finite.size == 0:
                continue
            for extreme in (finite.max(), finite.min()):
                if abs(extreme) < _MIN_LIMIT[kind]:
                    continue
                near = np.abs(col - extreme) <= _PLATEAU_TOLERANCE * abs(extreme)
                runs = nan_runs(near)
                runs = runs[(runs[:, 1] - runs[:, 0]) >= _MIN_PLATEAU_SAMPLES]
                ranges += [(f"{kind}_{axis}", int(a), int(b)) for a, b in runs]
    return ranges


def flag_clipping(recording: Recording) -> Recording:
    """Store clipped ranges on each sensor and warn about them (in place)."""
    for sensor in recording.sensors.values():
        sensor.clipped = find_clipping(sensor)
        if not sensor.clipped:
            continue
        channels = sorted({ch for ch, _, _ in sensor.clipped})
        n = sum(b - a for _, a, b in sensor.clipped)
        first = min(a for _, a, _ in sensor.clipped) / sensor.fs + sensor.t0
        recording.warn(
            f"{sensor.placement}: {', '.join(channels)} saturated in {len(sensor.clipped)} "
            f"range(s), {n} samples in all, first at {first:.2f} s; values there are "
            "lower bounds of the true signal (use a larger sensor range if this recurs)"
        )
    return recording
