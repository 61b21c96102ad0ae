"""Normal bands for the report's curves, from the footdrop gait simulator's healthy gait.

No open data set gives healthy sole-pitch and toe-height curves at every walking speed, so
the band is made by the simulator (:mod:`footdrop.simulate`) from its exact kinematics (not
from simulated sensor data): healthy gait at the patient's speed and at 0.85 and 1.15 times
it (three fixed seeds, so the band is the same on every run), each stride normalised like
the patient's curves (:mod:`footdrop.gait.curves`). The band is the mean ± 2 SD over all
these strides. It is a model of healthy gait, not a measured population; the figure
captions say so, and the measured normal ranges of :mod:`footdrop.assess.norms` are drawn
on top where they exist (foot strike angle, mid-swing pitch, MTC).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from footdrop.gait.curves import CURVE_POINTS

#: The simulator's speed range (m/s).
SIM_SPEEDS = (0.2, 2.0)


@dataclass(frozen=True)
class NormalBand:
    """Mean and SD of healthy curves at one speed (``speed`` after clipping to the
    simulator's range; ``requested`` as asked)."""

    speed: float
    requested: float
    n_strides: int
    pitch_mean: np.ndarray
    pitch_sd: np.ndarray
    toe_mean: np.ndarray
    toe_sd: np.ndarray

    @property
    def source(self) -> str:
        lo, hi = SIM_SPEEDS
        clipped = ("" if lo <= self.requested <= hi else
                   f" (its {'upper' if self.requested > hi else 'lower'} limit; this walk: "
                   f"{self.requested:.2f} m/s)")
        return (f"healthy gait simulated by footdrop's gait model at {self.speed:.2f} m/s"
                f"{clipped} and ±15%, mean ± 2 SD of {self.n_strides} strides; a model, not "
                "measured people")


def normal_band(speed: float | None) -> NormalBand:
    """The healthy band at ``speed`` (m/s; None or NaN: 1.2 m/s), cached per 0.05 m/s."""
    req = 1.2 if speed is None or not np.isfinite(speed) else float(speed)
    v = round(float(np.clip(req, *SIM_SPEEDS)) * 20) / 20
    band = _band(v)
    return NormalBand(speed=v, requested=req, **band)


@lru_cache(maxsize=8)
def _band(v: float) -> dict:
    from footdrop.simulate import simulate

    pitch, toe = [], []
    for seed, scale in ((0, 1.0), (1, 0.85), (2, 1.15)):
        speed = float(np.clip(v * scale, *SIM_SPEEDS))
        res = simulate(speed=speed, n_strides=12, seed=seed, noise="none", fs=100.0)
        for side in ("left", "right"):
            kin = res.kinematics[side]
            t, p, z = kin["t"], kin["pitch"], kin["toe"][:, 2]
            truth = res.truth[(res.truth["side"] == side)
                              & res.truth["level_walking"].astype(bool)]
            for ms, ic, fc, nic in truth[["ms_s", "ic_s", "fc_s", "next_ic_s"]].to_numpy(float):
                if not np.isfinite([ms, ic, fc, nic]).all():
                    continue
                cycle = np.linspace(ic, nic, CURVE_POINTS)
                swing = np.linspace(fc, nic, CURVE_POINTS)
                pitch.append(np.interp(cycle, t, p) - np.interp(ms, t, p))
                toe.append(np.interp(swing, t, z) - np.interp(ms, t, z))
    pa, ta = np.array(pitch), np.array(toe)
    return {"n_strides": len(pa), "pitch_mean": pa.mean(axis=0), "pitch_sd": pa.std(axis=0),
            "toe_mean": ta.mean(axis=0), "toe_sd": ta.std(axis=0)}
