"""Reference gait events and per-stride metrics from optical foot markers.

This is the *reference* side of the validation: it never sees the IMU. The definitions are those
of CONTRACT.md; the methods are ours and are documented in :class:`MocapReference`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from scipy.signal import find_peaks

from footdrop.validation import _kinematics as kin

SIDES = {"left": "L_", "right": "R_"}


class Markers(dict):
    """``{marker name: (n, 3) array in metres}`` with the sampling rate as :attr:`fs`."""

    fs: float = 100.0


def read_mocap(path: str | Path, *, fs: float = 100.0, unit: str = "mm") -> Markers:
    """Read a marker CSV with two header rows (marker name, axis x/y/z) and a frame index.

    Returns a :class:`Markers` dict of ``(n, 3)`` arrays in metres. Empty cells, and triplets
    that are exactly zero (the C3D convention for a lost marker), become NaN.
    """
    scale = {"mm": 1e-3, "cm": 1e-2, "m": 1.0}[unit]
    df = pd.read_csv(path, header=[0, 1], index_col=0)
    out = Markers()
    out.fs = float(fs)
    for name in dict.fromkeys(df.columns.get_level_values(0)):
        xyz = df[name][["x", "y", "z"]].to_numpy(dtype=float) * scale
        xyz[(xyz == 0).all(axis=1)] = np.nan
        out[str(name)] = xyz
    return out


def read_gaitmap_events(path: str | Path, *, fs: float = 204.8) -> pd.DataFrame:
    """gaitmap's ``stride_events_sample.csv`` (IMU sample indices) as times in seconds.

    Columns: ``side, ic_s, fc_s, ms_s, start_s, end_s``. ``fc_s`` is gaitmap's ``tc`` (the
    toe-off *before* ``ic`` in its mid-stance-to-mid-stance stride).
    """
    ev = pd.read_csv(path)
    return pd.DataFrame({
        "side": ev["foot"], "ic_s": ev["ic"] / fs, "fc_s": ev["tc"] / fs,
        "ms_s": ev["min_vel"] / fs, "start_s": ev["start"] / fs, "end_s": ev["end"] / fs,
    })


class MocapReference:
    """Gait events and CONTRACT.md stride metrics of both feet from heel, toe and 5th-MT markers.

    Method
    ------
    *Foot model.* Each foot is a rigid body defined per frame by its heel (FCC), toe (TOE) and
    lateral forefoot (FM5) markers. From the frames where the foot stands still, each marker gets
    a *sole point*: the point of the rigid foot that lies vertically below the marker on the floor
    (lab z = ``floor_z_m``) in flat-foot stance. Sole points move with the foot frame, so their
    velocity excludes the rotation of a marker that sits 4–6 cm above the contact (a heel marker
    still moves at 0.2–0.5 m/s while the foot rolls over the heel).

    *Contact* (stance) is where any sole point is both low (``< contact_height_m`` above the
    floor) and slow (horizontal speed ``< contact_speed_mps``). This is the velocity-threshold
    idea of Ghoussayni et al. (2004, Gait Posture 20:266–272), applied to sole points instead of
    markers, with a height gate. The speed of a landing heel point collapses from about 1–1.5 m/s
    to below 0.1 m/s within 20–30 ms; the threshold sits near half of the speed before contact, so
    the symmetric central-difference smoothing places the crossing at the instant of the stop.
    On the gaitmap example, IC so found precedes the heel-impact transient of the synchronised
    IMU by a median 1–4 ms; changing the threshold by ±0.1 m/s moves IC by ∓2.3 ms.

    * **IC** = onset of contact after a swing, interpolated to the sub-frame crossing of the
      speed threshold by the first sole point to land (heel, toe or lateral forefoot, whichever is
      first: the ``strike_point`` column).
    * **FC** (toe-off) = the instant the TOE marker starts to rise at the end of stance: the
      minimum of its height (3-point parabola) within ``fc_window_s`` of the end of contact. While
      the forefoot rolls over the shoe tip, the toe marker, ahead of and above the pivot, sinks; it
      rises once the tip leaves the floor. (A sole-point speed threshold fires 15–25 ms early at
      toe-off because the shoe bends at the toe joint, breaking the rigid-foot assumption.)
    * **Heel rise** (``heel_off_s``) = the first instant after mid-stance at which the heel
      sole point has risen ``heel_rise_m`` (3 mm) above its height at mid-stance (median of 5
      frames), interpolated
      between frames. The onset itself is not resolved: the heel point drifts by 1–2 mm in
      late stance (shoe and soft tissue), so 1–2 mm crossings scatter by 45–75 ms (IQR) on
      the gaitmap example, 3 mm by 10 ms.
    * **Mid-stance** = minimum of the mean speed of the three markers (foot flat; the
      minimum-foot-velocity stride border of foot-IMU methods such as Rampp et al. 2015, IEEE
      Trans Biomed Eng 62:1089–1097).

    Other kinematic event methods mark other instants (Hreljac & Marshall 2000, J Biomech
    33:783–786, acceleration peaks; O'Connor et al. 2007, Gait Posture 25:469–474, foot-centre
    vertical velocity; Zeni et al. 2008, Gait Posture 27:710–714, heel and toe position relative
    to the pelvis). The Zeni coordinate method, which gaitmap's reference events appear to use,
    marks IC when the heel stops moving forward relative to the body, i.e. while the heel still
    moves at walking speed; on the gaitmap example that is about 20 ms before the heel lands
    (the heel sole point stops, and the synchronised IMU shows the impact, ~20 ms later).

    *Metrics* follow CONTRACT.md: heights of the TOE and FCC markers relative to their heights at
    the mid-stance before the swing; stride length is the horizontal displacement of the **heel
    (FCC) marker** between consecutive mid-stances; sole pitch is the angle of the FCC → TOE vector
    above the horizontal, minus its value at the mid-stance of the same stride; the foot centre for
    ``lateral_excursion_m`` is the FCC–TOE midpoint. A stride is ``turning`` when the foot heading
    (FCC → TOE) changes by more than ``turn_threshold_deg`` between its two mid-stances, and so are
    its ``turn_neighbours`` neighbouring strides of the same foot.

    Results: ``events_`` (one row per stance), ``strides_`` (one row per stride, CONTRACT
    ``strides.csv`` columns plus ``ms_s, next_ms_s, heading_change_deg, turning, strike_point``),
    ``sole_points_`` (sole-point vectors in each foot's marker frame). ``toe_scuff`` is not
    computed. Assumes the floor is the plane z = ``floor_z_m`` and level walking.
    """

    def __init__(self, *, contact_speed_mps: float = 0.5, contact_height_m: float = 0.03,
                 still_speed_mps: float = 0.05, floor_z_m: float = 0.0,
                 min_swing_s: float = 0.12, min_stance_s: float = 0.08,
                 fc_window_s: tuple[float, float] = (-0.05, 0.10),
                 turn_threshold_deg: float = 20.0, turn_neighbours: int = 1,
                 mtc_prominence_m: float = 0.001, max_gap_s: float = 0.1,
                 markers: tuple[str, str, str] = ("FCC", "TOE", "FM5"),
                 heel_rise_m: float = 0.003):
        self.contact_speed_mps = contact_speed_mps
        self.contact_height_m = contact_height_m
        self.still_speed_mps = still_speed_mps
        self.floor_z_m = floor_z_m
        self.min_swing_s = min_swing_s
        self.min_stance_s = min_stance_s
        self.fc_window_s = fc_window_s
        self.turn_threshold_deg = turn_threshold_deg
        self.turn_neighbours = turn_neighbours
        self.mtc_prominence_m = mtc_prominence_m
        self.max_gap_s = max_gap_s
        self.markers = markers
        self.heel_rise_m = heel_rise_m

    # ----------------------------------------------------------------------------------------
    def extract(self, markers: dict[str, np.ndarray], fs: float | None = None) -> MocapReference:
        """Detect events and compute stride metrics for every foot found in ``markers``."""
        self.fs_ = float(fs if fs is not None else getattr(markers, "fs", 100.0))
        events, strides, self.sole_points_ = [], [], {}
        for side, prefix in SIDES.items():
            names = [prefix + m for m in self.markers]
            if not all(n in markers for n in names):
                continue
            gap = int(round(self.max_gap_s * self.fs_))
            heel, toe, lat = (kin.fill_gaps(np.asarray(markers[n], float), gap) for n in names)
            ev, st = self._one_foot(side, heel, toe, lat)
            events.append(ev)
            strides.append(st)
        self.events_ = pd.concat(events, ignore_index=True) if events else pd.DataFrame()
        self.strides_ = pd.concat(strides, ignore_index=True) if strides else pd.DataFrame()
        return self

    # ----------------------------------------------------------------------------------------
    def _contact(self, side, heel, toe, lat):
        fs = self.fs_
        R = kin.foot_frame(heel, toe, lat, side)
        pts = {"heel": heel, "toe": toe, "lateral": lat}
        speed3 = np.mean([np.linalg.norm(np.gradient(p, axis=0), axis=1) * fs
                          for p in pts.values()], axis=0)
        still = speed3 < self.still_speed_mps
        if still.sum() < 10:
            still = speed3 <= np.nanpercentile(speed3, 5)
        self.sole_points_[side] = {}
        speed, contact = {}, {}
        for name, p in pts.items():
            down = np.zeros_like(p)
            down[:, 2] = self.floor_z_m - p[:, 2]
            r = np.nanmedian(kin.to_local(R[still], down[still]), axis=0)
            self.sole_points_[side][name] = r
            sole = p + kin.to_lab(R, r)
            speed[name] = kin.speed_xy(sole, fs)
            if name == "heel":
                self._heel_z = sole[:, 2]
            low = (sole[:, 2] - self.floor_z_m) < self.contact_height_m
            contact[name] = low & (speed[name] < self.contact_speed_mps)
        anyc = np.logical_or.reduce(list(contact.values()))
        n_swing, n_stance = int(self.min_swing_s * fs), int(self.min_stance_s * fs)
        for a, b in kin.runs(~anyc):
            if a > 0 and b < len(anyc) and b - a < n_swing:
                anyc[a:b] = True
        for a, b in kin.runs(anyc):
            if b - a < n_stance:
                anyc[a:b] = False
        return anyc, contact, speed, speed3

    def _one_foot(self, side, heel, toe, lat):
        fs, vc = self.fs_, self.contact_speed_mps
        anyc, contact, speed, speed3 = self._contact(side, heel, toe, lat)
        smooth = np.convolve(np.nan_to_num(speed3, nan=np.inf), np.ones(5) / 5, mode="same")
        stances = kin.runs(anyc)
        rows = []
        for j, (a, b) in enumerate(stances):
            ic = strike = np.nan
            if j > 0:
                cands = [(kin.crossing(speed[k], a, vc), k) for k in contact
                         if contact[k][a] and not contact[k][a - 1]]
                ic, strike = min(cands) if cands else (float(a), "unknown")
                ic /= fs
            fc = np.nan
            if j < len(stances) - 1:
                fc = self._toe_off(toe[:, 2], contact, speed, a, b, stances[j + 1][0])
            ms = a + int(np.argmin(smooth[a:b]))
            rows.append({"side": side, "ic_s": ic, "fc_s": fc, "ms_s": ms / fs,
                         "heel_off_s": self._heel_rise(ms, fc), "strike_point": strike})
        events = pd.DataFrame(rows)
        return events, self._strides(side, events, heel, toe)

    def _heel_rise(self, ms: int, fc: float) -> float:
        """First instant from mid-stance ``ms`` (frame) to toe-off ``fc`` (s) at which the
        heel sole point is ``heel_rise_m`` above its mid-stance height (NaN if never)."""
        if not np.isfinite(fc):
            return np.nan
        fs, z = self.fs_, self._heel_z
        end = min(len(z) - 1, int(np.ceil(fc * fs)))
        rise = z[ms:end + 1] - np.nanmedian(z[ms:ms + 5])
        k = np.flatnonzero(rise > self.heel_rise_m)
        if not len(k) or k[0] == 0 or not np.isfinite(rise[k[0] - 1]):
            return np.nan
        i = k[0]
        return (ms + i - 1 + (self.heel_rise_m - rise[i - 1]) / (rise[i] - rise[i - 1])) / fs

    def _toe_off(self, z_toe, contact, speed, a, b, next_a):
        fs, vc = self.fs_, self.contact_speed_mps
        ends = [kin.crossing(speed[k], b, vc) for k in contact if contact[k][b - 1]]
        off = max(ends) if ends else b - 1.0
        lo = max(a, int(np.floor(off + self.fc_window_s[0] * fs)))
        hi = min(next_a, int(np.ceil(off + self.fc_window_s[1] * fs)) + 1)
        seg = z_toe[lo:hi]
        if len(seg) < 3 or not np.isfinite(seg).all():
            return off / fs
        j = int(np.argmin(seg))
        if j in (0, len(seg) - 1):
            return off / fs
        return kin.parabolic_min(z_toe, lo + j) / fs

    # ----------------------------------------------------------------------------------------
    def _strides(self, side, events, heel, toe):
        fs = self.fs_
        pitch = kin.pitch_deg(heel, toe)
        heading = kin.heading_deg(heel, toe)
        centre = 0.5 * (heel + toe)
        rows = []
        for j in range(1, len(events) - 1):
            e, nxt = events.iloc[j], events.iloc[j + 1]
            ic, fc, next_ic = e.ic_s, e.fc_s, nxt.ic_s
            if not (np.isfinite(ic) and np.isfinite(fc) and np.isfinite(next_ic)):
                continue
            m0, m1 = int(round(e.ms_s * fs)), int(round(nxt.ms_s * fs))
            sw = np.arange(int(np.ceil(fc * fs)), int(np.floor(next_ic * fs)) + 1)
            if len(sw) < 3:
                continue
            p0 = pitch[m0]
            h_toe = toe[sw, 2] - toe[m0, 2]
            h_heel = heel[sw, 2] - heel[m0, 2]
            mtc_i = self._mtc_index(h_toe, sw / fs, fc, next_ic)
            mid_t = sw[mtc_i] / fs if mtc_i is not None else 0.5 * (fc + next_ic)
            second = sw / fs >= 0.5 * (fc + next_ic)
            length = float(np.linalg.norm(heel[m1, :2] - heel[m0, :2]))
            dhead = (heading[m1] - heading[m0] + 180.0) % 360.0 - 180.0
            rows.append({
                "side": side, "ic_s": ic, "fc_s": fc, "next_ic_s": next_ic,
                "ms_s": e.ms_s, "next_ms_s": nxt.ms_s,
                "stride_time_s": next_ic - ic, "stance_time_s": fc - ic,
                "swing_time_s": next_ic - fc, "stride_length_m": length,
                "gait_speed_mps": length / (next_ic - ic),
                "foot_strike_angle_deg": kin.interp_at(ic, pitch, fs) - p0,
                "toe_off_angle_deg": kin.interp_at(fc, pitch, fs) - p0,
                "mid_swing_pitch_deg": kin.interp_at(mid_t, pitch, fs) - p0,
                "min_toe_clearance_m": h_toe[mtc_i] if mtc_i is not None else np.nan,
                "max_toe_clearance_m": float(np.max(h_toe[second])) if second.any() else np.nan,
                "max_heel_clearance_m": float(np.max(h_heel)),
                "lateral_excursion_m": _excursion(centre[:, :2], m0, m1, sw),
                "heading_change_deg": float(dhead), "strike_point": e.strike_point,
            })
        st = pd.DataFrame(rows)
        if st.empty:
            return st
        st.insert(1, "stride_id", np.arange(len(st)))
        turn = np.abs(st["heading_change_deg"].to_numpy()) > self.turn_threshold_deg
        flag = turn.copy()
        for k in range(1, self.turn_neighbours + 1):
            flag[k:] |= turn[:-k]
            flag[:-k] |= turn[k:]
        st["turning"] = flag
        return st

    def _mtc_index(self, h, t, fc, next_ic):
        """Index of the deepest local minimum between the early- and late-swing maxima of h."""
        if len(h) < 5 or not np.isfinite(h).all():
            return None
        second = np.flatnonzero(t >= 0.5 * (fc + next_ic))
        if len(second) == 0:
            return None
        late = int(second[np.argmax(h[second])])
        prom = self.mtc_prominence_m
        peaks, _ = find_peaks(h[: late + 1], prominence=prom)
        peaks = peaks[peaks < late]
        if len(peaks) == 0:
            return None
        first = int(peaks[0])
        troughs, _ = find_peaks(-h[first: late + 1], prominence=prom)
        if len(troughs) == 0:
            return None
        troughs = troughs + first
        return int(troughs[np.argmin(h[troughs])])


def _excursion(c: np.ndarray, m0: int, m1: int, sw: np.ndarray) -> float:
    a, b = c[m0], c[m1]
    d = b - a
    length = np.linalg.norm(d)
    if length < 1e-6:
        return float("nan")
    u = d / length
    rel = c[sw] - a
    return float(np.max(np.abs(u[0] * rel[:, 1] - u[1] * rel[:, 0])))


def compare_events(ours: pd.DataFrame, theirs: pd.DataFrame, *,
                   tolerance_s: float = 0.1) -> pd.DataFrame:
    """Agreement of our IC/FC times with another event list (e.g. :func:`read_gaitmap_events`).

    Both tables need ``side, ic_s, fc_s``. Every event of ``theirs`` is matched to our nearest
    event of the same kind and side within ``tolerance_s``. Our events are counted only within
    the span of theirs (± tolerance). Errors are ours − theirs, in ms.
    """
    rows = []
    for side in ("left", "right"):
        for col, name in (("ic_s", "IC"), ("fc_s", "FC")):
            t = np.sort(theirs.loc[theirs.side == side, col].dropna().to_numpy())
            o = np.sort(ours.loc[ours.side == side, col].dropna().to_numpy())
            if len(t) == 0:
                continue
            o = o[(o >= t[0] - tolerance_s) & (o <= t[-1] + tolerance_s)]
            d = np.array([o[np.argmin(np.abs(o - x))] - x if len(o) else np.nan for x in t])
            d = d[np.abs(d) <= tolerance_s] * 1000.0
            rows.append({"side": side, "event": name, "n_theirs": len(t), "n_ours": len(o),
                         "n_matched": len(d), "bias_ms": d.mean() if len(d) else np.nan,
                         "mae_ms": np.abs(d).mean() if len(d) else np.nan,
                         "sd_ms": d.std(ddof=1) if len(d) > 1 else np.nan,
                         "max_abs_ms": np.abs(d).max() if len(d) else np.nan})
    return pd.DataFrame(rows)
