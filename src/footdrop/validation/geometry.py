"""Where the foot IMU sits relative to the heel and toe markers, without using clearance.

Method (per foot). The IMU and the markers are on one rigid shoe. Let o(t) be the heel (FCC)
marker, R(t) the marker frame of :func:`_kinematics.foot_frame`, Q the constant rotation from the
IMU axes to the marker frame and d the constant vector from the heel marker to the IMU, in IMU
axes. A rigidly attached accelerometer measures the specific force (rigid-body kinematics, e.g.
Padgaonkar et al. 1975, J Appl Mech 42:552–556)

    f(t) = (R Q)^T (ö(t) + g e_z) + ([α(t)]× + [ω(t)]×²) d,

with ω and α = dω/dt from the IMU's own gyroscope. Steps:

1. Time offset and Q: the gyroscope and the marker-frame angular velocity (R^T Ṙ) must agree up
   to the rotation Q. Q is the least-squares rotation (Kabsch/Wahba, SVD) and the time offset the
   one that minimises the residual (grid search over ± ``max_lag_s``, parabolic refinement).
2. d by linear least squares from the equation above over swing frames (the shoe is unloaded and
   rigid in swing, and angular accelerations are large there, so d is observable); stance frames
   are left out because the sole and the toe box deform under load, and frames near contact
   because the accelerometer saturates at heel strike. Both IMU and marker signals are low-passed
   with the same zero-phase filter (``cutoff_hz``).
3. Offsets in the foot frame of CONTRACT.md: x forward (horizontal heel → toe marker direction in
   flat-foot stance), y left, z up; and as (forward, lateral, up) with lateral away from the other
   foot. The fit uses accelerations and angular rates only: it never sees a clearance.

``*_sole`` rows give the floor-level points below the markers (the CONTRACT toe and heel points
if the markers sit at the front tip and the back of the shoe), assuming the floor at lab z = 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.spatial.transform import Rotation

from footdrop.validation import _kinematics as kin
from footdrop.validation.mocap import SIDES, MocapReference

GRAVITY = 9.81


def _skew(w: np.ndarray) -> np.ndarray:
    z = np.zeros(len(w))
    return np.stack([np.stack([z, -w[:, 2], w[:, 1]], 1), np.stack([w[:, 2], z, -w[:, 0]], 1),
                     np.stack([-w[:, 1], w[:, 0], z], 1)], 1)


def _kabsch(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Rotation Q minimising Σ|b − Q a|² over rows."""
    U, _, Vt = np.linalg.svd(a.T @ b)
    D = np.diag([1.0, 1.0, np.sign(np.linalg.det(Vt.T @ U.T))])
    return Vt.T @ D @ U.T


class SensorMarkerGeometry:
    """Fit the IMU position and orientation in each foot's marker frame (see module docstring).

    Results: ``offsets_`` (rows side × point, columns forward/lateral/up and x/y/z in metres),
    ``fits_`` (per side: lag, rotation angles, residuals, IMU height), ``stability_`` (the IMU
    position in the foot frame under split-half, ±lag and cutoff variants).
    """

    def __init__(self, *, cutoff_hz: float = 8.0, max_lag_s: float = 0.02,
                 lag_step_s: float = 0.0005, swing_margins_s: tuple[float, float] = (0.03, 0.06),
                 still_speed_mps: float = 0.05,
                 markers: tuple[str, str, str] = ("FCC", "TOE", "FM5")):
        self.cutoff_hz = cutoff_hz
        self.max_lag_s = max_lag_s
        self.lag_step_s = lag_step_s
        self.swing_margins_s = swing_margins_s
        self.still_speed_mps = still_speed_mps
        self.markers = markers

    def fit(self, markers, imu, reference: MocapReference | None = None,
            fs: float | None = None, frames: dict | None = None) -> SensorMarkerGeometry:
        """Fit both feet.

        ``imu[side + '_foot']`` needs ``acc`` (m/s²), ``gyr`` (deg/s), ``fs`` (and ``t0``), in
        any fixed mounting orientation. The frames used are the swing phases of ``reference``
        (extracted from ``markers`` when not given), or ``frames[side]`` (boolean mask).
        """
        fs = float(fs if fs is not None else getattr(markers, "fs", 100.0))
        if reference is None and frames is None:
            reference = MocapReference(markers=self.markers).extract(markers, fs)
        rows, fits, stab = [], {}, []
        for side, prefix in SIDES.items():
            names = [prefix + m for m in self.markers]
            if not all(n in markers for n in names) or not _has(imu, side + "_foot"):
                continue
            heel, toe, lat = (kin.fill_gaps(np.asarray(markers[n], float), 10**9) for n in names)
            mask = (np.asarray(frames[side], bool) if frames is not None
                    else self._swing_mask(reference.events_, side, len(heel), fs))
            foot = _FootFit(self, side, heel, toe, lat, imu[side + "_foot"], fs, mask)
            res = foot.solve(foot.mask, foot.best_lag(foot.mask), self.cutoff_hz)
            fits[side] = res
            rows += foot.offsets(res)
            stab += foot.stability(res)
        self.offsets_ = pd.DataFrame(rows).set_index(["side", "point"])
        self.fits_ = fits
        self.stability_ = pd.DataFrame(stab).set_index(["side", "variant"])
        return self

    def _swing_mask(self, events, side, n, fs):
        e = events[events["side"] == side].reset_index(drop=True)
        mask = np.zeros(n, bool)
        m0, m1 = self.swing_margins_s
        for j in range(len(e) - 1):
            fc, ic = e.loc[j, "fc_s"], e.loc[j + 1, "ic_s"]
            if np.isfinite(fc) and np.isfinite(ic) and 0 < ic - fc < 1.0:
                mask[int(np.ceil((fc + m0) * fs)): int(np.floor((ic - m1) * fs)) + 1] = True
        return mask


def _has(imu, key) -> bool:
    try:
        return imu[key] is not None
    except (KeyError, IndexError, TypeError):
        return False


class _FootFit:
    def __init__(self, cfg, side, heel, toe, lat, sensor, fs, mask):
        self.cfg, self.side, self.fs, self.mask = cfg, side, fs, mask
        self.heel, self.toe = heel, toe
        self.R = kin.foot_frame(heel, toe, lat, side)
        self.t = np.arange(len(heel)) / fs
        self.sensor = sensor
        speed = np.mean([np.linalg.norm(np.gradient(p, axis=0), axis=1) * fs
                         for p in (heel, toe, lat)], axis=0)
        self.still = speed < cfg.still_speed_mps
        if self.still.sum() < 10:
            self.still = speed <= np.nanpercentile(speed, 5)
        # marker frame -> flat-foot (sole) frame, and the toe marker in the marker frame
        self.C = kin.orthonormalize(np.median(np.einsum(
            "nji,njk->nik", kin.sole_frame(self.R[self.still]), self.R[self.still]), axis=0))
        self.toe_local = np.median(kin.to_local(self.R[self.still], (toe - heel)[self.still]), 0)
        self.h_heel = float(np.median(heel[self.still, 2]))
        self.h_toe = float(np.median(toe[self.still, 2]))

    def _signals(self, lag, cutoff):
        n, fs, s = len(self.heel), self.fs, self.sensor
        R = kin.lowpass(self.R.reshape(n, 9), cutoff, fs).reshape(n, 3, 3)
        o = kin.lowpass(self.heel, cutoff, fs)
        odd = np.gradient(np.gradient(o, axis=0), axis=0) * fs * fs
        W = np.einsum("nji,njk->nik", R, np.gradient(R, axis=0) * fs)
        w_marker = 0.5 * np.stack([W[:, 2, 1] - W[:, 1, 2], W[:, 0, 2] - W[:, 2, 0],
                                   W[:, 1, 0] - W[:, 0, 1]], 1)
        sfs = float(s.fs)
        ti = np.arange(len(s.acc)) / sfs + float(getattr(s, "t0", 0.0) or 0.0) + lag
        gyr = kin.lowpass(kin.fill_gaps(np.radians(s.gyr), 10**9), cutoff, sfs)
        acc = kin.lowpass(kin.fill_gaps(np.asarray(s.acc, float), 10**9), cutoff, sfs)
        alpha = np.gradient(gyr, axis=0) * sfs

        def at(x):
            return np.stack([np.interp(self.t, ti, x[:, k], left=np.nan, right=np.nan)
                             for k in range(3)], 1)
        return R, odd, w_marker, at(gyr), at(alpha), at(acc)

    def _gyro_fit(self, mask, lag, cutoff):
        _, _, wm, g, _, _ = self._signals(lag, cutoff)
        idx = np.flatnonzero(mask & np.isfinite(g).all(1) & np.isfinite(wm).all(1))
        Q = _kabsch(g[idx], wm[idx])
        return Q, float(np.sqrt(np.mean((wm[idx] - g[idx] @ Q.T) ** 2)))

    def best_lag(self, mask, cutoff=None):
        cutoff = cutoff or self.cfg.cutoff_hz
        lags = np.arange(-self.cfg.max_lag_s, self.cfg.max_lag_s + 1e-12, self.cfg.lag_step_s)
        res = np.array([self._gyro_fit(mask, lag, cutoff)[1] for lag in lags])
        j = int(np.argmin(res))
        return float(lags[0] + kin.parabolic_min(res, j) * self.cfg.lag_step_s)

    def solve(self, mask, lag, cutoff):
        R, odd, _, g, al, acc = self._signals(lag, cutoff)
        Q, gyr_rms = self._gyro_fit(mask, lag, cutoff)
        idx = np.flatnonzero(mask & np.isfinite(acc).all(1))
        Rs = np.einsum("nij,jk->nik", R[idx], Q)
        b = acc[idx] - kin.to_local(Rs, odd[idx] + np.array([0.0, 0.0, GRAVITY]))
        Wx = _skew(g[idx])
        A = _skew(al[idx]) + Wx @ Wx
        d, *_ = np.linalg.lstsq(A.reshape(-1, 3), b.reshape(-1), rcond=None)
        acc_rms = float(np.sqrt(np.mean((A @ d - b) ** 2)))
        imu_foot = self.C @ (Q @ d)  # heel marker -> IMU, foot frame
        S = self.C @ Q  # IMU axes -> foot frame
        still = np.flatnonzero(self.still & np.isfinite(acc).all(1))
        grav = (S @ np.mean(acc[still], axis=0)) if len(still) else np.full(3, np.nan)
        tilt = float(np.degrees(np.arccos(np.clip(grav[2] / np.linalg.norm(grav), -1, 1))))
        roll, pitch, yaw = Rotation.from_matrix(S).as_euler("xyz", degrees=True)
        return {"lag_s": lag, "imu_from_heel_marker": imu_foot, "rotation_imu_to_foot": S,
                "roll_deg": roll, "pitch_deg": pitch, "yaw_deg": yaw,
                "static_gravity_tilt_deg": tilt, "gyr_rms_rad_s": gyr_rms,
                "acc_rms_m_s2": acc_rms, "n_frames": len(idx),
                "imu_height_m": self.h_heel + imu_foot[2]}

    def offsets(self, res):
        imu = res["imu_from_heel_marker"]
        toe = self.C @ self.toe_local
        pts = {"toe_marker": toe - imu, "heel_marker": -imu,
               "toe_sole": toe - imu - [0, 0, self.h_toe], "heel_sole": -imu - [0, 0, self.h_heel]}
        sign = 1.0 if self.side == "left" else -1.0
        return [{"side": self.side, "point": k, "forward": v[0], "lateral": sign * v[1],
                 "up": v[2], "x": v[0], "y": v[1], "z": v[2]} for k, v in pts.items()]

    def stability(self, res):
        cfg, lag = self.cfg, res["lag_s"]
        idx = np.flatnonzero(self.mask)
        first, second = self.mask.copy(), self.mask.copy()
        first[idx[len(idx) // 2]:] = False
        second[: idx[len(idx) // 2]] = False
        variants = {"all": (self.mask, lag, cfg.cutoff_hz),
                    "first half": (first, self.best_lag(first), cfg.cutoff_hz),
                    "second half": (second, self.best_lag(second), cfg.cutoff_hz),
                    "lag -2.5 ms": (self.mask, lag - 0.0025, cfg.cutoff_hz),
                    "lag +2.5 ms": (self.mask, lag + 0.0025, cfg.cutoff_hz),
                    "cutoff 6 Hz": (self.mask, lag, 6.0), "cutoff 10 Hz": (self.mask, lag, 10.0)}
        out = []
        for name, (m, lg, fc) in variants.items():
            r = res if name == "all" else self.solve(m, lg, fc)
            toe = self.C @ self.toe_local - r["imu_from_heel_marker"]
            sign = 1.0 if self.side == "left" else -1.0
            out.append({"side": self.side, "variant": name, "lag_ms": 1000 * r["lag_s"],
                        "toe_forward": toe[0], "toe_lateral": sign * toe[1], "toe_up": toe[2],
                        "imu_height_m": r["imu_height_m"], "acc_rms_m_s2": r["acc_rms_m_s2"]})
        return out
