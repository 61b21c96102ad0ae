"""Time stamps, dropped samples and NaN runs.

Samples are placed on a regular grid by their packet counter or time stamp, never by their
row number. Missing grid points become NaN. Short NaN runs are interpolated; long ones stay
NaN and split the sensor into segments. Nothing is zero-padded and no sample is dropped,
except exact duplicate rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from footdrop.errors import ConfigError, SignalError
from footdrop.recording import Recording, Sensor

#: Longest NaN run (s) that is filled by linear interpolation.
MAX_INTERPOLATED_GAP_S = 0.1
#: Shortest recording (s) that can be analysed: a few strides.
MIN_DURATION_S = 3.0


@dataclass
class GridResult:
    """Where each input row lands on the regular grid, and what was found on the way."""

    positions: np.ndarray  # grid index of each kept row
    keep: np.ndarray  # boolean mask over input rows (False for dropped duplicates)
    n_grid: int
    first_stamp: float
    gaps: list[tuple[int, int]] = field(default_factory=list)  # (start, stop) missing ranges
    n_duplicates: int = 0


def rows_to_grid(
    stamps: np.ndarray,
    values: np.ndarray,
    *,
    samples_per_stamp: float,
    wrap: int | None = None,
    what: str = "time stamp",
) -> GridResult:
    """Map per-row stamps onto a regular sample grid.

    Parameters
    ----------
    stamps
        One stamp per row: a packet counter (``samples_per_stamp=1``) or a time in seconds
        (``samples_per_stamp=fs``).
    values
        The rows' data, used only to tell exact duplicate rows from conflicting ones.
    wrap
        Counter range for counters that wrap around (e.g. 65536), else None.

    Raises
    ------
    SignalError
        On non-finite, conflicting duplicate or out-of-order stamps, or stamps that do not
        fall on a grid of the given rate.
    """
    stamps = np.asarray(stamps, dtype=float)
    if stamps.size == 0:
        raise SignalError("the file holds no samples", fix="check that the export finished")
    bad = ~np.isfinite(stamps)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise SignalError(
            f"{what} missing or not a number at data row {row + 1}",
            fix="repair or remove that row",
        )
    if wrap:
        step = np.diff(stamps)
        wraps = step < -wrap / 2
        stamps = stamps + wrap * np.concatenate([[0], np.cumsum(wraps)])
    pos_f = (stamps - stamps[0]) * samples_per_stamp
    pos = np.rint(pos_f).astype(np.int64)
    jitter = np.abs(pos_f - pos)
    if jitter.max(initial=0) > 0.3:
        row = int(np.argmax(jitter))
        raise SignalError(
            f"{what}s do not fall on a regular grid at the stated rate "
            f"(row {row + 1} lies {jitter[row]:.2f} samples off)",
            fix="check the sampling rate (--fs) against the time stamps",
        )
    step = np.diff(pos)
    keep = np.ones(pos.size, dtype=bool)
    n_dup = 0
    if (step == 0).any():
        dup = np.flatnonzero(step == 0) + 1
        same = np.all(
            (values[dup] == values[dup - 1]) | (np.isnan(values[dup]) & np.isnan(values[dup - 1])),
            axis=1,
        )
        if not same.all():
            row = int(dup[~same][0])
            raise SignalError(
                f"duplicated {what} {stamps[row]:g} at data row {row + 1} with different values",
                fix="remove the duplicated rows or re-export the recording",
            )
        keep[dup] = False
        n_dup = int(dup.size)
    if (step < 0).any():
        row = int(np.flatnonzero(step < 0)[0]) + 1
        raise SignalError(
            f"{what}s go backwards at data row {row + 1} ({stamps[row - 1]:g} then "
            f"{stamps[row]:g})",
            fix="sort the rows by time or re-export the recording",
        )
    pos = pos[keep]
    n_grid = int(pos[-1]) + 1
    jumps = np.flatnonzero(np.diff(pos) > 1)
    gaps = [(int(pos[j]) + 1, int(pos[j + 1])) for j in jumps]
    return GridResult(pos, keep, n_grid, float(stamps[0]), gaps, n_dup)


def fill_grid(result: GridResult, values: np.ndarray) -> np.ndarray:
    """Place ``values`` (rows of the input) on the grid, NaN where samples are missing."""
    out = np.full((result.n_grid,) + values.shape[1:], np.nan)
    out[result.positions] = values[result.keep]
    return out


def estimate_fs(times_s: np.ndarray) -> float:
    """Sampling rate from time stamps in s: the inverse of the median positive step."""
    step = np.diff(np.asarray(times_s, dtype=float))
    step = step[step > 0]
    if step.size == 0:
        raise SignalError("time stamps do not advance", fix="check the time column")
    return float(1.0 / np.median(step))


def check_fs_against_times(fs: float, times_s: np.ndarray, *, tolerance: float = 0.01) -> None:
    """Raise when a given rate contradicts the time stamps by more than ``tolerance``."""
    measured = estimate_fs(times_s)
    if abs(measured - fs) > tolerance * measured:
        raise ConfigError(
            f"--fs {fs:g} Hz contradicts the time stamps, which show {measured:.4g} Hz",
            fix=f"drop --fs or set it to {measured:.4g}",
        )


def nan_runs(mask: np.ndarray) -> np.ndarray:
    """``(k, 2)`` start/stop indices of the True runs of a boolean vector."""
    padded = np.concatenate([[False], mask, [False]])
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return edges.reshape(-1, 2)


def repair_gaps(
    recording: Recording, *, max_interpolated_gap_s: float = MAX_INTERPOLATED_GAP_S
) -> Recording:
    """Interpolate short NaN runs, split sensors into segments at long ones (in place)."""
    for sensor in recording.sensors.values():
        _repair_sensor(recording, sensor, max_interpolated_gap_s)
    return recording


def _repair_sensor(recording: Recording, sensor: Sensor, max_gap_s: float) -> None:
    invalid = ~(np.isfinite(sensor.acc).all(axis=1) & np.isfinite(sensor.gyr).all(axis=1))
    n = sensor.n_samples
    if not invalid.any():
        sensor.segments = [(0, n)]
        return
    if invalid.all():
        raise SignalError(
            f"{sensor.placement}: no valid sample (all acc/gyr values are missing)",
            fix="check the export or the column map",
        )
    runs = nan_runs(invalid)
    max_len = max(1, int(round(max_gap_s * sensor.fs)))
    inner = (runs[:, 0] > 0) & (runs[:, 1] < n)
    short = inner & ((runs[:, 1] - runs[:, 0]) <= max_len)
    if short.any():
        idx = np.arange(n)
        fill = np.zeros(n, dtype=bool)
        for start, stop in runs[short]:  # one slice per run, not per sample
            fill[start:stop] = True
        for arr in (sensor.acc, sensor.gyr):
            for c in range(3):
                col = arr[:, c]
                ok = np.isfinite(col)
                col[fill] = np.interp(idx[fill], idx[ok], col[ok])
        n_filled = int(fill.sum())
        recording.warn(
            f"{sensor.placement}: {int(short.sum())} short gap(s) of up to {max_gap_s:g} s "
            f"({n_filled} samples in all) filled by linear interpolation"
        )
    long_runs = runs[~short]
    bounds = [0] + [int(v) for r in long_runs for v in r] + [n]
    segments = [(a, b) for a, b in zip(bounds[::2], bounds[1::2], strict=True) if b > a]
    sensor.segments = segments
    inner_long = [r for r in long_runs if r[0] > 0 and r[1] < n]
    if inner_long:
        desc = ", ".join(
            f"{(b - a) / sensor.fs:.2f} s at {sensor.t0 + a / sensor.fs:.2f} s"
            for a, b in inner_long[:5]
        )
        more = "" if len(inner_long) <= 5 else f" and {len(inner_long) - 5} more"
        recording.warn(
            f"{sensor.placement}: {len(inner_long)} long gap(s) left as missing data "
            f"({desc}{more}); the recording is split into {len(segments)} segments"
        )
    edge = [r for r in long_runs if r[0] == 0 or r[1] == n]
    if edge:
        recording.warn(
            f"{sensor.placement}: {sum(int(b - a) for a, b in edge)} missing samples at the "
            "start or end are excluded from the valid segments"
        )


def check_duration(recording: Recording, *, min_duration_s: float = MIN_DURATION_S) -> None:
    """Raise when no sensor has a valid segment long enough to analyse."""
    file = recording.source[0] if recording.source else None
    for sensor in recording.sensors.values():
        longest = max((b - a for a, b in sensor.segments), default=0) / sensor.fs
        if longest < min_duration_s:
            raise SignalError(
                f"{sensor.placement}: the longest valid stretch is {longest:.2f} s, too short "
                f"to analyse (at least {min_duration_s:g} s of walking are needed)",
                file=file,
                fix="record a longer walk, or check that --fs is right",
            )
