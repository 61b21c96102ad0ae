"""What a recording holds, as a JSON-ready dict: the content of ``footdrop info``."""

from __future__ import annotations

from typing import Any

import numpy as np

from footdrop.preprocess.gaps import nan_runs
from footdrop.recording import Recording, Sensor


def describe(recording: Recording) -> dict[str, Any]:
    """Format, sensors, rates, durations, units, gaps, clipping, alignment and warnings."""
    return {
        "schema": "footdrop.info/1",
        "source": list(recording.source),
        "format": recording.format,
        "start_time": recording.start_time.isoformat() if recording.start_time else None,
        "duration_s": round(recording.duration_s, 4),
        "synchronised": recording.synchronised,
        "sensors": {p: describe_sensor(s) for p, s in recording.sensors.items()},
        "metadata": _jsonable(recording.metadata),
        "reference": sorted(recording.reference),
        "warnings": list(recording.warnings),
    }


def describe_sensor(sensor: Sensor) -> dict[str, Any]:
    invalid = ~np.isfinite(np.hstack([sensor.acc, sensor.gyr])).all(axis=1)
    runs = nan_runs(invalid)
    gaps = [
        {"start_s": round(sensor.t0 + a / sensor.fs, 4),
         "duration_s": round((b - a) / sensor.fs, 4)}
        for a, b in runs
    ]
    clipped = [
        {
            "channel": ch,
            "start_s": round(sensor.t0 + a / sensor.fs, 4),
            "stop_s": round(sensor.t0 + b / sensor.fs, 4),
        }
        for ch, a, b in sensor.clipped
    ]
    valid = ~invalid
    acc_norm = np.linalg.norm(sensor.acc[valid], axis=1)
    gyr_norm = np.linalg.norm(sensor.gyr[valid], axis=1)
    return {
        "name": sensor.name,
        "placement": sensor.placement,
        "fs_hz": sensor.fs,
        "n_samples": sensor.n_samples,
        "t0_s": sensor.t0,
        "duration_s": round(sensor.duration_s, 4),
        "clock": sensor.clock,
        "frame": sensor.frame,
        "units": dict(sensor.units),
        "channels": sensor.columns + sorted(sensor.extra),
        "segments": [
            {"start_s": round(sensor.t0 + a / sensor.fs, 4),
             "duration_s": round((b - a) / sensor.fs, 4)}
            for a, b in sensor.segments
        ],
        "missing_samples": int(invalid.sum()),
        "gaps": gaps,
        "clipped": clipped,
        "acc_norm_median": _round(np.median(acc_norm)) if acc_norm.size else None,
        "gyr_norm_p99": _round(np.percentile(gyr_norm, 99)) if gyr_norm.size else None,
        "alignment": _jsonable(sensor.alignment),
    }


def _round(x: float, nd: int = 4) -> float:
    return float(round(float(x), nd))


def _jsonable(obj: Any) -> Any:
    if isinstance(obj, dict):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj
