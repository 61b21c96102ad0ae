"""IMU signals from the foot and body models, and the errors of real sensors.

Signals are derived physically on an internal grid of at least 1 kHz (an integer multiple of
the output rate): the angular rate from the orientation (analytic Euler-angle rates for the
feet, :func:`angular_rate` from the sampled orientation for the pelvis and shanks), the
specific force ``R_sᵀ (p̈ + g ẑ)`` from the second difference of the sensor point's path. The
sensor sits on the shoe on a stiff, damped mount: at an impact the shoe's velocity jumps and
the sensor follows through a short damped oscillation (natural frequency ``ring_hz``, damping
``ring_zeta``), the heel-strike transient of real recordings. The signals are then low-passed
below the output Nyquist rate and decimated, zero phase (the signals stay aligned with the
truth): the smooth motion with a steep Butterworth filter, the impact transients (with the
velocity jumps they smooth out) with a Gaussian kernel, which does not ring before the
contact as a steep zero-phase filter would (:func:`band_limit`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
from scipy.ndimage import gaussian_filter1d
from scipy.signal import butter, sosfilt, sosfilt_zi, sosfiltfilt

from footdrop.errors import ConfigError

G = 9.80665
MIN_INTERNAL_HZ = 1000.0
#: A Gaussian kernel of SD ``GAUSS_3DB / f`` halves the power at ``f`` (sqrt(ln 2) / 2π).
GAUSS_3DB = float(np.sqrt(np.log(2.0)) / (2 * np.pi))


@dataclass
class SensorErrors:
    """Errors of a real IMU, all off by default. Noise densities are per √Hz (white noise SD
    at the output rate ``fs`` is ``density · √(fs/2)``); biases and scale errors are the SD of
    per-axis constants; drifts are random-walk SDs per √s; ranges are saturation limits."""

    acc_noise: float = 0.0  # m/s²/√Hz
    gyr_noise: float = 0.0  # deg/s/√Hz
    acc_bias: float = 0.0  # m/s²
    gyr_bias: float = 0.0  # deg/s
    acc_bias_drift: float = 0.0  # m/s² per √s
    gyr_bias_drift: float = 0.0  # deg/s per √s
    acc_scale: float = 0.0  # fraction
    gyr_scale: float = 0.0  # fraction
    acc_range: float | None = None  # m/s²
    gyr_range: float | None = None  # deg/s
    drop_rate: float = 0.0  # fraction of single samples lost (NaN)
    gaps: list[tuple[float, float]] | int = field(default_factory=list)  # (start, length) s
    gap_s: float = 1.0  # length of each gap when ``gaps`` is a count

    @classmethod
    def parse(cls, value: Any) -> SensorErrors:
        if value is None or value is False:
            return cls()
        if isinstance(value, SensorErrors):
            return value
        if isinstance(value, str):
            if value not in NOISE_PRESETS:
                raise ConfigError(f"unknown noise preset {value!r}",
                                  fix=f"use one of {', '.join(NOISE_PRESETS)} or a dict")
            return replace(NOISE_PRESETS[value])
        if isinstance(value, dict):
            base = value.get("preset", "none")
            kw = {k: v for k, v in value.items() if k != "preset"}
            try:
                return replace(cls.parse(base), **kw)
            except TypeError as exc:
                raise ConfigError(f"bad sensor error parameters: {exc}",
                                  fix=f"use the fields {', '.join(asdict(cls()))}") from exc
        raise ConfigError(f"cannot read noise settings {value!r}",
                          fix="give a preset name (none, typical, high) or a dict")


NOISE_PRESETS = {
    "none": SensorErrors(),
    "typical": SensorErrors(acc_noise=0.002, gyr_noise=0.014, acc_bias=0.05, gyr_bias=0.5,
                            acc_bias_drift=0.001, gyr_bias_drift=0.005, acc_scale=0.003,
                            gyr_scale=0.003, acc_range=16 * G, gyr_range=2000.0),
    "high": SensorErrors(acc_noise=0.006, gyr_noise=0.05, acc_bias=0.2, gyr_bias=2.0,
                         acc_bias_drift=0.005, gyr_bias_drift=0.03, acc_scale=0.01,
                         gyr_scale=0.01, acc_range=8 * G, gyr_range=1000.0, drop_rate=0.001),
}


def internal_factor(fs: float) -> int:
    """Internal samples per output sample."""
    return max(1, int(np.ceil(MIN_INTERNAL_HZ / fs - 1e-9)))


def ringing(t: np.ndarray, impacts: list[tuple[float, np.ndarray]], hz: float,
            zeta: float) -> np.ndarray:
    """Mount displacement ``(n, 3)``: each impact ``(time, Δv)`` starts a damped oscillation
    whose initial velocity ``−Δv`` cancels the jump, so the sensor's velocity stays continuous."""
    e = np.zeros((len(t), 3))
    if not impacts:
        return e
    w = 2 * np.pi * hz
    wd = w * np.sqrt(1 - zeta**2)
    span = 8.0 / (zeta * w)
    dt = t[1] - t[0] if len(t) > 1 else 1.0
    for tc, dv in impacts:
        a = int(np.ceil((tc - t[0]) / dt - 1e-9))
        b = min(len(t), a + int(span / dt) + 1)
        if a >= len(t) or b <= 0:
            continue
        a = max(a, 0)
        tau = t[a:b] - tc
        h = np.exp(-zeta * w * tau) * np.sin(wd * tau) / wd
        e[a:b] -= h[:, None] * dv[None, :]
    return e


def velocity_jumps(t: np.ndarray, impacts: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Displacement ``(n, 3)`` of the velocity jumps alone: ``Σ Δv · max(t - t_c, 0)``.
    Taken off the rigid path and added to the ringing, it moves each jump's impulse of
    acceleration from the smooth part of the signal into the impact transient, where the
    ringing cancels it (:func:`band_limit`)."""
    out = np.zeros((len(t), 3))
    for tc, dv in impacts:
        out += np.maximum(t - tc, 0.0)[:, None] * dv[None, :]
    return out


def transient_force(R: np.ndarray, ring: np.ndarray, dt: float,
                    mount: np.ndarray) -> np.ndarray:
    """Specific force (m/s², sensor axes, internal grid) of the mount's ringing alone:
    ``R_sᵀ ë`` for the ring displacement ``e`` (world, from :func:`ringing`). It is kept
    apart from the smooth motion's so that :func:`band_limit` can filter it causally."""
    return np.einsum("nji,nj->ni", R, second_difference(ring, dt)) @ mount


def band_limit(smooth: np.ndarray, transient: np.ndarray | None, k: int, fs_out: float,
               causal: bool = False) -> np.ndarray:
    """Decimate a signal made of a smooth part and an impact transient. The smooth part is
    filtered as :func:`decimate` says (zero phase by default, aligned with the truth). The
    transient, by default, with a Gaussian kernel of the same -3 dB frequency: zero phase
    too (no lag, so the signals still integrate to the model's path), but with a positive
    kernel, which spreads an impact's sharp onset by a few milliseconds and no more, where a
    steep zero-phase filter would ring over the samples before the contact, which no real
    sensor shows. With ``causal`` both parts go through the causal filter."""
    if causal or transient is None or k == 1:
        out = decimate(smooth if transient is None else smooth + transient, k, fs_out, causal)
        return out
    sigma = GAUSS_3DB / (0.42 * fs_out) * (k * fs_out)  # in internal samples
    return decimate(smooth, k, fs_out) + gaussian_filter1d(transient, sigma, axis=0)[::k]


def second_difference(p: np.ndarray, dt: float) -> np.ndarray:
    a = np.empty_like(p)
    a[1:-1] = (p[2:] - 2 * p[1:-1] + p[:-2]) / dt**2
    a[0], a[-1] = a[1], a[-2]
    return a


def decimate(x: np.ndarray, k: int, fs_out: float, causal: bool = False) -> np.ndarray:
    """Low-pass at 0.42 of the output rate, then every k-th sample. Zero phase by default
    (signals stay aligned with the truth); ``causal`` mimics an IMU's own filter, which
    delays the signals by a few milliseconds."""
    if k == 1:
        return x
    if causal:
        sos = butter(4, 0.42 * fs_out, fs=k * fs_out, output="sos")
        return sosfilt(sos, x, axis=0, zi=sosfilt_zi(sos)[:, :, None] * x[0])[0][::k]
    sos = butter(6, 0.42 * fs_out, fs=k * fs_out, output="sos")
    return sosfiltfilt(sos, x, axis=0)[::k]


def angular_rate(R: np.ndarray, dt: float) -> np.ndarray:
    """Angular velocity in the body frame ``(n, 3)`` (rad/s) from orientations ``(n, 3, 3)``
    (body → world) sampled every ``dt`` s: the axial part of ``Rᵀ Ṙ``, with ``Ṙ`` from central
    differences (relative error about ``(ω dt)² / 6``, below 1e-5 on the internal grid)."""
    dR = np.empty_like(R)
    if len(R) < 2:
        return np.zeros(R.shape[:-2] + (3,))
    dR[1:-1] = (R[2:] - R[:-2]) / (2 * dt)
    dR[0], dR[-1] = (R[1] - R[0]) / dt, (R[-1] - R[-2]) / dt
    W = np.einsum("nji,njk->nik", R, dR)
    return 0.5 * np.stack([W[:, 2, 1] - W[:, 1, 2], W[:, 0, 2] - W[:, 2, 0],
                           W[:, 1, 0] - W[:, 0, 1]], axis=-1)


def imu_signals(R: np.ndarray, omega: np.ndarray, sensor_pos: np.ndarray, dt: float,
                mount: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Specific force (m/s²) and angular rate (deg/s) in the sensor axes, internal grid.

    ``R`` foot → world, ``omega`` in the foot frame (rad/s), ``mount`` sensor → foot.
    """
    a = second_difference(sensor_pos, dt)
    a[:, 2] += G
    f_foot = np.einsum("nji,nj->ni", R, a)
    return f_foot @ mount, np.rad2deg(omega) @ mount


def apply_errors(acc: np.ndarray, gyr: np.ndarray, fs: float, err: SensorErrors,
                 rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Scale, bias, drift, noise, saturation and missing samples, at the output rate."""
    n = len(acc)
    notes = []
    out = []
    for x, kind in ((acc, "acc"), (gyr, "gyr")):
        noise, bias = getattr(err, f"{kind}_noise"), getattr(err, f"{kind}_bias")
        drift, scale = getattr(err, f"{kind}_bias_drift"), getattr(err, f"{kind}_scale")
        lim = getattr(err, f"{kind}_range")
        y = x * (1 + scale * rng.standard_normal(3))
        y = y + bias * rng.standard_normal(3)
        if drift:
            y = y + np.cumsum(rng.standard_normal((n, 3)) * drift / np.sqrt(fs), axis=0)
        if noise:
            y = y + rng.standard_normal((n, 3)) * noise * np.sqrt(fs / 2)
        if lim is not None:
            hit = np.abs(y) > lim
            if hit.any():
                notes.append(f"{kind} saturated at ±{lim:g} in {int(hit.any(1).sum())} samples")
            y = np.clip(y, -lim, lim)
        out.append(y)
    lost = np.zeros(n, bool)
    if err.drop_rate:
        lost |= rng.random(n) < err.drop_rate
    gaps = err.gaps
    if isinstance(gaps, int):
        starts = np.sort(rng.uniform(0.1, 0.9, gaps)) * n / fs
        gaps = [(s, err.gap_s) for s in starts]
    for start, length in gaps:
        lost[int(round(start * fs)):int(round((start + length) * fs))] = True
    if lost.any():
        notes.append(f"{int(lost.sum())} samples missing (NaN)")
        for y in out:
            y[lost] = np.nan
    return out[0], out[1], notes
