"""Hip hiking per side from a lower-back (sacrum, L5) sensor and the feet's strides.

Hip hiking lifts the pelvis on the side of the swinging leg so that a foot that cannot be
dorsiflexed clears the floor. In normal gait the pelvis does the opposite: in the loading
response of the stance leg the hip of the other (swing) side drops, by up to about 4°, and the
swing side stays low through early swing (Perry & Burnfield, *Gait Analysis: Normal and
Pathological Function*, 2nd ed., 2010). So the measure is the pelvic obliquity of the swing
side from its toe-off to its mid-swing.

**Sensor frame from the walk (any mounting).** The sensor's own axes are arbitrary, so the
pelvis axes are found from the walking itself, on the level-walking strides
(``level_walking`` of the strides table when it has that column):

* *Vertical* ``z``: the mean specific force over the strides. Over whole strides the pelvis
  does not accelerate on average, so the mean is gravity (about 9.81 m/s²; the assessment
  stops, with a warning, outside 8.3–11.3 m/s²). A rotation of the sensor about the vertical
  (turning) does not change it.
* *Mediolateral* ``y`` *and its sign*: the pelvis sways towards the stance foot (the centre
  of mass passes over the supporting foot; Orendurff et al. 2004, J Rehabil Res Dev 41:829).
  In the left foot's swing (right single support) the pelvis is displaced to the right, so
  its lateral acceleration in mid-swing points to the left, and the other way round. The
  horizontal acceleration averaged over the middle half of the left swings, minus that of the
  right swings, therefore points to the left; forward and vertical accelerations repeat every
  step and cancel in the difference. Before averaging, the gravity that leaks into the
  horizontal axes when the pelvis tilts (a 4° obliquity gives 0.7 m/s², as much as the sway
  itself) is removed with the orientation integrated from the gyroscope (below, small angles:
  ``a = f − g + θ × g``). The sway (half the difference) must be at least 0.1 m/s² and at
  least 70 % of the swings must agree with the mean direction, else the side is not
  assessed.
* *Anteroposterior* ``x = y × z`` (forward; the horizontal axis orthogonal to the sway).

**Obliquity.** The angular rate about ``x`` (positive when the left side rises) is integrated
within each stride of a foot (its IC to its next IC, the ``ic_s`` and ``next_ic_s`` of the
strides table, s on the recording's clock), de-drifted linearly so that the angle ends where
it started (a gyroscope bias and slow drift are removed; over a stride of steady walking the
pelvis returns to its posture) and taken relative to the stride's mean posture. This is the
gyroscope approach validated for the pelvis against motion capture by Buganè et al. (2014,
BioMed Eng OnLine 13:146) and Bonnet et al. (2012, IEEE BioRob), here with the drift removed
per stride. It is vectorised: one cumulative integral of the whole signal, evaluated in
closed form at the events.

**Measure and decision.** Per swing, ``obliquity_rise_deg`` is the obliquity change of the
swing side from its FC (``fc_s``) to mid-swing (halfway between FC and the next IC), positive
when the swing side rises. A side is flagged when the median over its swings exceeds
``threshold_deg`` (4°) with at least ``min_swings`` swings. The threshold lies between the
simulator's sides without hiking (up to about +2.6°, as the model's swing side rises a little
towards mid-swing) and its sides with 4° of hiking (from about +4.8°), on simulator seeds not
used for scoring, rounded up; healthy walkers stay well below it (Voisard et al. 2023, 116
sides: −6.1 to +2.3°, median −1.1°). How it was set and checked is in ``docs/validation.md``,
section "Hip hiking".

**Assumptions.** The lower-back sensor and the feet share one clock (same ``Sensor.clock``
name; otherwise the events cannot be placed on its signal and nothing is guessed); it is
fixed to the pelvis or lower lumbar spine; the strides are labelled with the right sides
(swapped feet flip the sway, so the result stays per foot label); and the walk is steady
enough for a stride's mean posture to be the walking posture. Angles are relative to the mean
walking posture; the absolute, anatomical obliquity is not observable with an unknown
mounting and is not needed.

**Limits.** At toe-off the swing side of a healthy pelvis is still dropping, so the measure
depends on where toe-off is placed: with the Voisard reference toe-offs (about 30 ms later
than footdrop's) healthy rises are about 1° higher (up to +3.3°). The simulator's pelvis is
one sinusoid per stride, whose swing side rises a little towards mid-swing (+1 to +3°, more
at higher speed), while real walkers mostly drop; hip hiking of 2° (level 0.25) is within the
healthy spread and is not reliably flagged. There are no real recordings of hip hiking with
a reference, so the sensitivity is known from the simulator only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from footdrop.recording import Recording, Sensor

SIDES = ("left", "right")
#: +1 where the side is up for a positive obliquity (left side up).
_SGN = {"left": 1.0, "right": -1.0}
#: Healthy range of the median obliquity rise per walk and side (deg): the Voisard et al.
#: 2023 walkers (subjects 1–10, 58 trials × 2 sides; docs/validation.md, "Hip hiking").
HEALTHY_RISE_DEG = (-6.1, 2.3)


def _cumtrapz(y: np.ndarray, dt: float) -> np.ndarray:
    """Cumulative trapezoid integral along axis 0, starting at 0 (same shape as ``y``)."""
    c = np.zeros(y.shape, dtype=float)
    c[1:] = np.cumsum(0.5 * dt * (y[1:] + y[:-1]), axis=0)
    return c


def _at(c: np.ndarray, pos: np.ndarray) -> np.ndarray:
    """Rows of ``c`` (n, k) linearly interpolated at fractional sample positions ``pos``."""
    pos = np.asarray(pos, float)
    i0 = np.clip(np.floor(pos).astype(int), 0, len(c) - 2)
    w = (pos - i0)[:, None]
    return c[i0] * (1.0 - w) + c[i0 + 1] * w


def _unit(v: np.ndarray) -> np.ndarray:
    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


class _Strides:
    """One foot's strides on the lower-back sensor's samples.

    ``ic``, ``fc``, ``nic``: fractional sample positions of IC, FC and the next IC. The samples
    of stride ``j`` are ``idx[seg == j]`` (consecutive strides share their boundary sample).
    """

    def __init__(self, ic: np.ndarray, fc: np.ndarray, nic: np.ndarray) -> None:
        self.ic, self.fc, self.nic = ic, fc, nic
        self.n = len(ic)
        lo = np.ceil(ic).astype(int)
        lengths = np.maximum(np.floor(nic).astype(int) + 1 - lo, 0)
        self.seg = np.repeat(np.arange(self.n), lengths)
        first = np.repeat(np.cumsum(lengths) - lengths, lengths)
        self.idx = np.repeat(lo, lengths) + np.arange(int(lengths.sum())) - first

    def subset(self, keep: np.ndarray) -> _Strides:
        return _Strides(self.ic[keep], self.fc[keep], self.nic[keep])

    def mean(self, x: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
        """Mean of per-sample rows ``x`` (len(idx), k) over each stride (or its ``mask``)."""
        w = np.ones(len(self.seg)) if mask is None else mask.astype(float)
        cnt = np.bincount(self.seg, w, minlength=self.n)
        sums = np.stack([np.bincount(self.seg, w * x[:, j], minlength=self.n)
                         for j in range(x.shape[1])], axis=1)
        with np.errstate(invalid="ignore", divide="ignore"):
            return sums / cnt[:, None]

    def angle(self, c: np.ndarray) -> tuple[np.ndarray, Callable[..., np.ndarray]]:
        """Angles from the cumulative integral ``c`` (n, k) of an angular rate: per stride
        de-drifted linearly (the angle ends where it started) and relative to the stride's
        mean. Returns the angles at the samples ``idx``, and a function of (positions,
        strides) giving them anywhere inside the strides."""
        cs, ce = _at(c, self.ic), _at(c, self.nic)
        span = self.nic - self.ic

        def raw(pos: np.ndarray, seg: np.ndarray, values: np.ndarray) -> np.ndarray:
            frac = ((pos - self.ic[seg]) / span[seg])[:, None]
            return values - cs[seg] - frac * (ce[seg] - cs[seg])

        at_samples = raw(self.idx.astype(float), self.seg, c[self.idx])
        offset = self.mean(at_samples)

        def at(pos: np.ndarray, seg: np.ndarray) -> np.ndarray:
            return raw(pos, seg, _at(c, pos)) - offset[seg]

        return at_samples - offset[self.seg], at


class HipHikingAssessment:
    """Hip hiking of each side from a lower-back sensor and the feet's strides.

    The method, its assumptions and sources are in the module docstring.

    Parameters
    ----------
    threshold_deg
        A side is flagged when the median obliquity rise of its swings (swing side, FC to
        mid-swing, positive up) exceeds this.
    min_swings
        Fewer usable swings on a side: no verdict (``hip_hiking`` None), with a warning.
    placement
        Placement of the lower-back sensor in the recording.
    min_sway_mps2, min_sway_agreement
        The lateral sway that fixes the mediolateral axis must be at least this large, and
        this share of the swings must agree with its direction.

    Attributes
    ----------
    sides_ : dict
        Per side ``hip_hiking`` (bool, or None when not assessed), ``obliquity_rise_deg``
        (median over the swings, or None), ``n_swings`` and ``evidence`` (sentences with the
        numbers and the healthy range).
    warnings_ : list of str
    frame_ : dict
        The axes found from the walk, in sensor axes (``vertical``, ``mediolateral``,
        ``anteroposterior``), ``g_mps2``, ``sway_mps2`` and ``sway_agreement``.
    swings_ : pandas.DataFrame
        One row per usable swing: ``side``, ``ic_s``, ``fc_s``, ``next_ic_s`` and, for the
        swing side (positive up, deg, relative to the stride's mean posture),
        ``obliquity_fc_deg``, ``obliquity_mid_swing_deg`` and ``obliquity_rise_deg``.
    """

    def __init__(self, threshold_deg: float = 4.0, min_swings: int = 4,
                 placement: str = "lower_back", min_sway_mps2: float = 0.1,
                 min_sway_agreement: float = 0.7) -> None:
        self.threshold_deg = threshold_deg
        self.min_swings = min_swings
        self.placement = placement
        self.min_sway_mps2 = min_sway_mps2
        self.min_sway_agreement = min_sway_agreement

    # ------------------------------------------------------------------ public
    def assess(self, recording: Recording, strides: pd.DataFrame) -> HipHikingAssessment:
        """Assess both sides; ``strides`` has ``side``, ``ic_s``, ``fc_s``, ``next_ic_s``
        (times on the recording's clock) and optionally ``level_walking``."""
        self.warnings_: list[str] = []
        self.frame_: dict[str, Any] = {}
        self.swings_ = pd.DataFrame(columns=["side", "ic_s", "fc_s", "next_ic_s",
                                             "obliquity_fc_deg", "obliquity_mid_swing_deg",
                                             "obliquity_rise_deg"])
        self.sides_: dict[str, dict[str, Any]] = {
            s: {"hip_hiking": None, "obliquity_rise_deg": None, "n_swings": 0,
                "evidence": []} for s in SIDES}
        lb = recording.sensors.get(self.placement)
        if lb is None:
            for s in SIDES:
                self.sides_[s]["evidence"].append(
                    "hip hiking not assessed: no lower-back sensor in the recording")
            return self
        sel = {}
        for side in SIDES:
            if self._same_clock(recording, lb, side):
                st = self._strides(strides, side, lb)
                if st.n:
                    sel[side] = st
                else:
                    self._not_assessed(side, "no usable level-walking strides of this foot "
                                             "on the lower-back signal")
        if sel:
            self._analyse(lb, sel)
        return self

    # ------------------------------------------------------------------ checks
    def _not_assessed(self, side: str, why: str, n: int = 0) -> None:
        msg = f"{side}: hip hiking not assessed: {why}"
        self.sides_[side].update(hip_hiking=None, obliquity_rise_deg=None, n_swings=n)
        self.sides_[side]["evidence"].append(msg)
        if msg not in self.warnings_:
            self.warnings_.append(msg)

    def _same_clock(self, recording: Recording, lb: Sensor, side: str) -> bool:
        foot = recording.sensors.get(f"{side}_foot")
        if foot is None or foot.clock == lb.clock:
            return True
        self._not_assessed(
            side, f"the lower-back sensor (clock '{lb.clock}') and the {side}-foot sensor "
            f"(clock '{foot.clock}') are not on one clock, so the {side} foot's gait events "
            "cannot be placed on the lower-back signal. Fix: record the sensors synchronised "
            "(one system), or synchronise the files and give the sensors the same clock name "
            "(Sensor.clock)")
        return False

    @staticmethod
    def _strides(strides: pd.DataFrame, side: str, lb: Sensor) -> _Strides:
        """The side's level-walking strides inside the lower-back signal, without gaps."""
        empty = _Strides(np.zeros(0), np.zeros(0), np.zeros(0))
        need = {"side", "ic_s", "fc_s", "next_ic_s"}
        if strides is None or not len(strides) or not need <= set(strides.columns):
            return empty
        rows = strides[strides["side"] == side]
        if "level_walking" in rows:
            rows = rows[rows["level_walking"].fillna(False).astype(bool)]
        t = {c: pd.to_numeric(rows[c], errors="coerce").to_numpy(float)
             for c in ("ic_s", "fc_s", "next_ic_s")}
        ic, fc, nic = ((t[c] - lb.t0) * lb.fs for c in ("ic_s", "fc_s", "next_ic_s"))
        with np.errstate(invalid="ignore"):
            dur = t["next_ic_s"] - t["ic_s"]
            ok = ((ic < fc) & (fc < nic) & (dur >= 0.5) & (dur <= 3.0) & (ic >= 0)
                  & (nic <= lb.n_samples - 2))
        st = _Strides(ic[ok], fc[ok], nic[ok])
        bad = ~(np.isfinite(lb.acc).all(axis=1) & np.isfinite(lb.gyr).all(axis=1))
        if st.n and bad.any():
            st = st.subset(np.bincount(st.seg, bad[st.idx].astype(float), minlength=st.n) == 0)
        return st

    # ------------------------------------------------------------------ analysis
    def _analyse(self, lb: Sensor, sel: dict[str, _Strides]) -> None:
        acc = np.nan_to_num(np.asarray(lb.acc, float))
        gyr = np.nan_to_num(np.asarray(lb.gyr, float))
        walk = np.zeros(lb.n_samples, bool)
        for st in sel.values():
            walk[st.idx] = True
        gvec = acc[walk].mean(axis=0)
        g = float(np.linalg.norm(gvec))
        self.frame_ = {"g_mps2": round(g, 3)}
        if not 8.3 <= g <= 11.3:
            for side in sel:
                self._not_assessed(side, f"the lower-back sensor's mean acceleration over "
                                         f"the walk is {g:.2f} m/s², not gravity (9.81): "
                                         "check its units and that it was worn")
            return
        z = gvec / g
        c = _cumtrapz(gyr, 1.0 / lb.fs)  # deg, in sensor axes
        theta, theta_at, sway = {}, {}, {}
        for side, st in sel.items():
            theta[side], theta_at[side] = st.angle(c)
            # acceleration without gravity, in the stride's mean posture (small angles)
            a = acc[st.idx] - gvec + np.cross(np.deg2rad(theta[side]), gvec)
            rel = (st.idx - st.fc[st.seg]) / (st.nic - st.fc)[st.seg]
            m = st.mean(a, (rel >= 0.25) & (rel <= 0.75))
            sway[side] = m - np.outer(m @ z, z)
        d = sum(_SGN[s] * np.nanmean(m, axis=0) for s, m in sway.items()) / len(sway)
        y = _unit(d)
        x = np.cross(y, z)
        signs = np.concatenate([_SGN[s] * (m @ y) for s, m in sway.items()])
        agree = float(np.mean(signs > 0))
        amp = float(np.linalg.norm(d))
        self.frame_.update(vertical=z.round(4).tolist(), mediolateral=y.round(4).tolist(),
                           anteroposterior=x.round(4).tolist(), sway_mps2=round(amp, 3),
                           sway_agreement=round(agree, 3))
        if amp < self.min_sway_mps2 or agree < self.min_sway_agreement:
            for side in sel:
                self._not_assessed(
                    side, f"the pelvis's side-to-side sway ({amp:.2f} m/s², "
                    f"{100 * agree:.0f}% of the swings in its direction; needed at least "
                    f"{self.min_sway_mps2:g} m/s² and {100 * self.min_sway_agreement:.0f}%) "
                    "does not show the sensor's left-right axis: is it worn on the lower "
                    "back, and are the feet's sides right?")
            return
        rows = []
        for side, st in sel.items():
            j = np.arange(st.n)
            e_fc = _SGN[side] * theta_at[side](st.fc, j) @ x
            e_mid = _SGN[side] * theta_at[side](0.5 * (st.fc + st.nic), j) @ x
            rows.append(pd.DataFrame({
                "side": side, "ic_s": lb.t0 + st.ic / lb.fs, "fc_s": lb.t0 + st.fc / lb.fs,
                "next_ic_s": lb.t0 + st.nic / lb.fs, "obliquity_fc_deg": e_fc,
                "obliquity_mid_swing_deg": e_mid, "obliquity_rise_deg": e_mid - e_fc}))
        self.swings_ = pd.concat(rows, ignore_index=True)
        for side in sel:
            self._decide(side)

    def _decide(self, side: str) -> None:
        sw = self.swings_[self.swings_["side"] == side]
        n = len(sw)
        if n < self.min_swings:
            self._not_assessed(side, f"{n} usable level-walking swings (at least "
                                     f"{self.min_swings} needed)", n)
            return
        rise = float(sw["obliquity_rise_deg"].median())
        q1, q3 = np.percentile(sw["obliquity_rise_deg"], [25, 75])
        mid = float(sw["obliquity_mid_swing_deg"].median())
        flag = bool(rise > self.threshold_deg)
        lo, hi = HEALTHY_RISE_DEG
        verb = "rises" if rise >= 0 else "drops"
        evidence = [
            f"{side}: hip hiking {'yes' if flag else 'no'}: the pelvis on the {side} side "
            f"{verb} {abs(rise):.1f}° from toe-off to mid-swing of the {side} foot (median of "
            f"{n} swings, middle half {q1:+.1f} to {q3:+.1f}°; healthy walkers {lo:+.1f} to "
            f"{hi:+.1f}°, median −1°: the swing side drops or rises a little; flagged above "
            f"{self.threshold_deg:+.1f}°)",
            f"at mid-swing the {side} side is {abs(mid):.1f}° "
            f"{'above' if mid >= 0 else 'below'} its mean over the stride (normal gait: "
            "below, as the swing-side hip drops by up to about 4°)",
        ]
        other = self.swings_[self.swings_["side"] != side]
        if len(other):
            evidence.append(f"the {other['side'].iloc[0]} side, in its own swings: "
                            f"{float(other['obliquity_rise_deg'].median()):+.1f}°")
        self.sides_[side].update(hip_hiking=flag, obliquity_rise_deg=round(rise, 2),
                                 n_swings=n)
        self.sides_[side]["evidence"].extend(evidence)
