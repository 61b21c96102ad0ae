"""Helpers shared by the real-time tests: simulated streams and scripted gait events."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from footdrop.realtime import HEEL_OFF, IC, TOE_OFF, StimulationConfig, StreamEngine
from footdrop.realtime.inputs import ReplaySource
from footdrop.simulate import simulate


@lru_cache(maxsize=8)
def walk(fs: float = 100.0, speed: float = 1.1, n_strides: int = 14, seed: int = 1,
         severity: str = "none", shanks: bool = False):
    """A cached simulation: stand, walk straight, stand."""
    return simulate(speed=speed, n_strides=n_strides, fs=fs, seed=seed, left=severity,
                    right=severity, shanks=shanks)


STAIRS = [("stand", 2), ("walk", 6), ("stairs", 10), ("walk", 6),
          ("stairs", 10, {"direction": "down"}), ("walk", 4), ("stand", 2)]


@lru_cache(maxsize=4)
def stairs(fs: float = 100.0, seed: int = 5):
    """A cached simulation: stand, walk, 10 stairs up, walk, 10 down, walk, stand."""
    return simulate(protocol=STAIRS, fs=fs, seed=seed)


def rows(sensor_or_rec, side: str = "left") -> list[tuple]:
    return list(ReplaySource(sensor_or_rec, side=side))


def run_rows(samples, *, fs: float = 100.0, **config) -> StreamEngine:
    engine = StreamEngine(StimulationConfig(**config), side="left", fs=fs).reset()
    for s in samples:
        engine.process(*s)
    return engine.finish()


@dataclass
class FakeDetector:
    """Stands in for the detector in controller unit tests."""

    heel_off_s_: float = float("nan")
    toe_off_s_: float = float("nan")
    ic_s_: float = float("nan")
    stride_s_: float = float("nan")
    swing_s_: float = float("nan")
    stride_ok_: bool = False
    median_heel_off_delay_s_: float = float("nan")
    median_stance_s_: float = float("nan")


def gait_schedule(n: int, *, start: float = 1.0, stride: float = 1.1, heel_off: float = 0.45,
                  toe_off: float = 0.7, ok_from: int = 1, jitter=None) -> list[tuple]:
    """``(t, flags, attributes)`` for ``n`` strides: IC, heel-off and toe-off of each.

    Stride ``i`` starts at its IC; the swing lasts ``stride - toe_off``. Strides from the
    ``ok_from``-th IC on are complete (the first IC has no stride before it).
    """
    out, t_ic, prev = [], start, None
    for i in range(n + 1):
        attrs = {"ic_s_": t_ic, "stride_ok_": i >= ok_from and prev is not None}
        if prev is not None:
            attrs.update(stride_s_=t_ic - prev, swing_s_=t_ic - (prev + toe_off))
        out.append((t_ic, IC, attrs))
        if i == n:
            break
        step = stride if jitter is None else stride * (1 + jitter[i])
        out.append((t_ic + heel_off, HEEL_OFF, {"heel_off_s_": t_ic + heel_off}))
        out.append((t_ic + toe_off, TOE_OFF, {"toe_off_s_": t_ic + toe_off}))
        prev, t_ic = t_ic, t_ic + step
    return out


def drive(controller, schedule, t_end: float, *, fs: float = 100.0, det=None,
          faults: dict | None = None, skip: tuple[float, float] | None = None,
          on_sample=None):
    """Feed ``controller`` a sample every 1/fs s up to ``t_end`` with the scheduled events.

    ``faults`` maps sample times (rounded to 1e-6) to a fault string; samples inside
    ``skip = (t0, t1)`` are not delivered (a gap).
    """
    det = det or FakeDetector()
    faults = faults or {}
    k = 0
    for i in range(int(round(t_end * fs)) + 1):
        t = i / fs
        ev = 0
        while k < len(schedule) and schedule[k][0] <= t + 1e-9:
            _, flag, attrs = schedule[k]
            ev |= flag
            for name, value in attrs.items():
                setattr(det, name, value)
            k += 1
        if skip is not None and skip[0] <= t < skip[1]:
            continue
        controller.update(t, faults.get(round(t, 6)), ev, det)
        if on_sample is not None:
            on_sample(controller)
    return det


def swing_truth(result, side: str = "left") -> dict[str, np.ndarray]:
    contacts = result.models[side].plan.contacts
    return {"heel_off": np.array([c.t1 - c.takeoff.push_s for c in contacts
                                  if c.takeoff is not None]),
            "toe_off": np.array([c.t1 for c in contacts if c.takeoff is not None]),
            "ic": np.array([c.t0 for c in contacts[1:]])}


def nearest_after(decisions: np.ndarray, truth: np.ndarray, before: float = 0.1,
                  after: float = 0.2) -> np.ndarray:
    """Per true event, the first decision within [truth - before, truth + after] − truth."""
    out = []
    for x in truth:
        m = decisions[(decisions >= x - before) & (decisions <= x + after)]
        out.append(m[0] - x if len(m) else np.nan)
    return np.array(out)
