"""Small synthetic foot signals for tests that must run without ../shared/data, and a plain
strapdown integrator to check simulated signals against their trajectories."""

from __future__ import annotations

import numpy as np

G = 9.80665


def walking_foot(
    fs: float = 100.0, duration_s: float = 20.0, cadence_hz: float = 0.9, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Acc (m/s²) and gyr (deg/s) of a crude walking foot in the foot frame.

    Each stride has a still stance (gravity on +z) and a swing in which the foot turns
    toes-up (negative gyr_y, several hundred deg/s) and accelerates forward then back.
    """
    rng = np.random.default_rng(seed)
    n = int(duration_s * fs)
    t = np.arange(n) / fs
    phase = (t * cadence_hz) % 1.0
    swing = phase > 0.6
    s = np.where(swing, (phase - 0.6) / 0.4, 0.0)
    acc = np.zeros((n, 3))
    gyr = np.zeros((n, 3))
    gyr[:, 1] = np.where(swing, -400.0 * np.sin(np.pi * s) + 150 * np.sin(2 * np.pi * s), 0.0)
    gyr[:, 0] = np.where(swing, 40.0 * np.sin(2 * np.pi * s), 0.0)
    gyr[:, 2] = np.where(swing, 30.0 * np.sin(np.pi * s), 0.0)
    acc[:, 0] = np.where(swing, 25.0 * np.sin(2 * np.pi * s), 0.0)
    acc[:, 2] = G + np.where(swing, 10.0 * np.sin(np.pi * s), 0.0)
    acc += rng.normal(0, 0.05, acc.shape)
    gyr += rng.normal(0, 0.5, gyr.shape)
    return acc, gyr


def write_gaitmap_csv(path, acc_l, gyr_l, acc_r, gyr_r) -> None:
    """Write two sensors in the gaitmap two-header-row layout."""
    cols = []
    data = []
    for axis_i, axis in enumerate("xyz"):
        for name, arr in (("left_sensor", acc_l), ("right_sensor", acc_r)):
            cols.append((name, f"acc_{axis}"))
            data.append(arr[:, axis_i])
    for axis_i, axis in enumerate("xyz"):
        for name, arr in (("left_sensor", gyr_l), ("right_sensor", gyr_r)):
            cols.append((name, f"gyr_{axis}"))
            data.append(arr[:, axis_i])
    block = np.column_stack(data)
    with open(path, "w") as fh:
        fh.write("sensor," + ",".join(c[0] for c in cols) + "\n")
        fh.write("axis," + ",".join(c[1] for c in cols) + "\n")
        for i, row in enumerate(block):
            fh.write(f"{i}," + ",".join(repr(float(v)) for v in row) + "\n")


def write_perfoot_csv(path, acc, gyr, *, counter=None, sep=",") -> None:
    """Write one sensor in the per-foot layout of the gaitmap MS example."""
    n = len(acc)
    counter = np.arange(n) + 1000 if counter is None else counter
    with open(path, "w") as fh:
        fh.write(sep.join(["", "index", "acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"]))
        fh.write("\n")
        for i in range(n):
            vals = [str(i), str(int(counter[i]))] + [repr(float(v)) for v in acc[i]]
            vals += [repr(float(v)) for v in gyr[i]]
            fh.write(sep.join(vals) + "\n")


def expm(w: np.ndarray) -> np.ndarray:
    """Rotation matrix of the rotation vector ``w`` (rad), Rodrigues' formula."""
    th = np.linalg.norm(w)
    k = np.array([[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]])
    if th < 1e-12:
        return np.eye(3) + k
    return np.eye(3) + np.sin(th) / th * k + (1 - np.cos(th)) / th**2 * k @ k


def strapdown(acc: np.ndarray, gyr: np.ndarray, fs: float, R: np.ndarray, p: np.ndarray,
              v: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Plain strapdown integration (trapezoid) from a known pose and velocity (zero when
    not given): orientations and positions per sample."""
    dt, w = 1.0 / fs, np.deg2rad(gyr)
    v = np.zeros(3) if v is None else v
    a_prev = R @ acc[0] - [0, 0, G]
    rs, ps = [R], [p]
    for i in range(len(acc) - 1):
        R = R @ expm(0.5 * (w[i] + w[i + 1]) * dt)
        a = R @ acc[i + 1] - [0, 0, G]
        v_new = v + 0.5 * (a_prev + a) * dt
        p = p + 0.5 * (v + v_new) * dt
        v, a_prev = v_new, a
        rs.append(R)
        ps.append(p)
    return np.array(rs), np.array(ps)
