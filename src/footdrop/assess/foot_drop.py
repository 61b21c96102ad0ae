"""Foot drop per side: detection, score, severity and the evidence behind them.

The decision is a short, readable rule on a few per-side numbers (medians over the
level-walking strides), each turned into a sub-score in [0, 1]:

* ``landing``: a flat-foot or toe-first landing, ``(3° − strike) / 10°``. Healthy people land
  on the heel; the foot strike angle of a heel strike is positive and grows with speed.
* ``strike_low``: the foot strike angle below the lower limit of its speed-adjusted normal
  range (:mod:`footdrop.assess.norms`), ``(lower − strike) / 10°``.
* ``toe_lift``: the toe height of late swing (``max_toe_clearance_m``, the foot lifting its
  toes before landing) against the other side's: ``(0.75 − ratio) / 0.25``. In the healthy
  training recordings the lower side reached at least 78 % of the higher.
* ``strike_asymmetry``: this side's strike angle lower than the other's, as a share of the
  typical strike angle at this speed: ``(difference / typical − 0.3) / 0.5``.
* ``steppage``: the compensation flagged on this side (the foot lifted higher at mid-swing
  than the other), 1 or 0.
* ``clearance``: a minimum toe clearance below 5 mm, most strides without a distinct MTC, or
  toe scuffs in more than a fifth of the strides. Only used when the toe point is known (the
  offsets were given, or the sensor sits on the lateral side of the shoe where the default
  offsets were validated); with default offsets on the instep the clearances can be off by
  centimetres (docs/validation.md).

With ``swing = max(toe_lift, steppage, clearance)``, a sign that the swing itself is
affected, ``score = max(landing, strike_low · swing, √(swing · strike_asymmetry))``: a flat or
toe-first landing is enough on its own; a strike angle below the normal range, or well below
the other side's, needs a second, independent sign in swing. (Healthy people can land flat:
Voisard subject 7 strikes at 5° on one side and 18° on the other with a normal swing.) Foot
drop is detected when ``score ≥ threshold`` (0.5). The severity follows the landing, as foot
drop goes from reduced heel strike (mild) through flat-foot (moderate, strike below 5°) to
toe-first landing (severe, below −3°). How the numbers were set, and on which cases, is in
``docs/validation.md`` (section "Foot-drop assessment").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from footdrop.assess.norms import NORMS

SIDES = ("left", "right")


def _clip01(x: float) -> float:
    return float(np.clip(x, 0.0, 1.0)) if np.isfinite(x) else 0.0


def _median(s: pd.Series) -> float:
    s = pd.to_numeric(s, errors="coerce").dropna()
    return float(s.median()) if len(s) else float("nan")


@dataclass
class SideFeatures:
    """Per-side medians over level-walking strides, and the other side's where needed."""

    side: str
    n: int
    speed: float = float("nan")
    strike: float = float("nan")
    mid_swing_pitch: float = float("nan")
    mtc: float = float("nan")
    no_mtc_share: float = float("nan")
    scuffs: int = 0
    scuff_rate: float = float("nan")
    max_toe: float = float("nan")
    max_heel: float = float("nan")
    lift: float = float("nan")
    lateral: float = float("nan")
    other: dict[str, float] = field(default_factory=dict)


def side_features(strides: pd.DataFrame, side: str) -> SideFeatures:
    """Medians of one side's level-walking strides (all strides when none is level)."""
    rows = strides[strides["side"] == side] if len(strides) else strides
    if len(rows) and "level_walking" in rows:
        level = rows[rows["level_walking"].astype(bool)]
        rows = level if len(level) else rows
    if not len(rows):
        return SideFeatures(side=side, n=0)
    mtc = pd.to_numeric(rows["min_toe_clearance_m"], errors="coerce")
    scuff = pd.to_numeric(rows["toe_scuff"], errors="coerce").fillna(0)
    return SideFeatures(
        side=side, n=int(len(rows)), speed=_median(rows["gait_speed_mps"]),
        strike=_median(rows["foot_strike_angle_deg"]),
        mid_swing_pitch=_median(rows["mid_swing_pitch_deg"]), mtc=_median(mtc),
        no_mtc_share=float(mtc.isna().mean()), scuffs=int(scuff.sum()),
        scuff_rate=float(scuff.mean()), max_toe=_median(rows["max_toe_clearance_m"]),
        max_heel=_median(rows["max_heel_clearance_m"]),
        lift=_median(rows["mid_swing_lift_m"]) if "mid_swing_lift_m" in rows else float("nan"),
        lateral=_median(rows["lateral_excursion_m"]))


def _ratio(a: float, b: float) -> float:
    return a / b if np.isfinite(a) and np.isfinite(b) and b > 1e-6 else float("nan")


class FootDropAssessment:
    """Foot drop, compensations and toe scuffs of both sides from a strides table.

    Parameters
    ----------
    threshold
        Score from which foot drop is called.
    min_strides
        Fewer level-walking strides on a side: no verdict (``detected`` None), with a warning.
    steppage_ratio, steppage_excess_m
        Steppage: the side's median mid-swing lift of the foot centre
        (``mid_swing_lift_m``) at least this ratio of the other side's and higher by at
        least this much.
    circumduction_m, circumduction_excess_m
        Circumduction: lateral excursion above this, and above the other side's by at least
        ``circumduction_excess_m`` (or no other side).
    clearance_trusted
        Per side, whether clearances are measured at a known toe point (see the module
        docstring); ``None`` trusts them.

    Attributes
    ----------
    sides_ : dict
        Per side: ``foot_drop`` (detected, score, severity, evidence, subscores),
        ``compensation`` (steppage, circumduction, hip_hiking, evidence), ``toe_scuffs``
        (count) and ``toe_scuff_times_s``.
    warnings_ : list of str
    """

    def __init__(self, threshold: float = 0.5, min_strides: int = 4,
                 steppage_ratio: float = 1.3, steppage_excess_m: float = 0.025,
                 circumduction_m: float = 0.08, circumduction_excess_m: float = 0.03,
                 clearance_trusted: dict[str, bool] | None = None) -> None:
        self.threshold = threshold
        self.min_strides = min_strides
        self.steppage_ratio = steppage_ratio
        self.steppage_excess_m = steppage_excess_m
        self.circumduction_m = circumduction_m
        self.circumduction_excess_m = circumduction_excess_m
        self.clearance_trusted = clearance_trusted

    def assess(self, strides: pd.DataFrame) -> FootDropAssessment:
        feats = {side: side_features(strides, side) for side in SIDES}
        for side, other in zip(SIDES, SIDES[::-1], strict=True):
            o = feats[other]
            feats[side].other = {"strike": o.strike, "max_toe": o.max_toe,
                                 "max_heel": o.max_heel, "lateral": o.lateral,
                                 "lift": o.lift,
                                 "n": float(o.n), "mid_swing_pitch": o.mid_swing_pitch}
        self.features_ = feats
        self.warnings_: list[str] = []
        self.sides_: dict[str, dict[str, Any]] = {}
        for side in SIDES:
            f = feats[side]
            comp = self._compensation(f)
            entry: dict[str, Any] = {"foot_drop": self._foot_drop(f, comp),
                                     "compensation": comp,
                                     "toe_scuffs": _scuff_count(strides, side),
                                     "toe_scuff_times_s": _scuff_times(strides, side)}
            self.sides_[side] = entry
        return self

    # ------------------------------------------------------------------ foot drop
    def _trusted(self, side: str) -> bool:
        return True if self.clearance_trusted is None else bool(
            self.clearance_trusted.get(side, True))

    def _foot_drop(self, f: SideFeatures, comp: dict[str, Any]) -> dict[str, Any]:
        if f.n < self.min_strides or not np.isfinite(f.strike):
            msg = (f"{f.side}: foot drop not assessed: {f.n} level-walking strides "
                   f"(at least {self.min_strides} needed)")
            self.warnings_.append(msg)
            return {"detected": None, "score": None, "severity": None, "evidence": [msg]}
        norm = NORMS["foot_strike_angle_deg"]
        lower, upper = norm.range(f.speed)
        other_strike = f.other["strike"]
        toe_ratio = _ratio(f.max_toe, f.other["max_toe"])
        typical = max(norm.mean(f.speed), 8.0)
        sub = {
            "landing": _clip01((3.0 - f.strike) / 10.0),
            "strike_low": _clip01((lower - f.strike) / 10.0),
            "toe_lift": _clip01((0.75 - toe_ratio) / 0.25),
            # lower than the other side, as a share of a typical strike angle at this speed
            "strike_asymmetry": _clip01(((other_strike - f.strike) / typical - 0.3) / 0.5),
            "steppage": 1.0 if comp["steppage"] else 0.0,
            "clearance": 0.0,
        }
        trusted = self._trusted(f.side)
        if trusted:
            sub["clearance"] = max(_clip01((0.005 - f.mtc) / 0.005),
                                   _clip01((f.no_mtc_share - 0.5) / 0.3),
                                   _clip01((f.scuff_rate - 0.2) / 0.3))
        swing = max(sub["toe_lift"], sub["steppage"], sub["clearance"])
        score = max(sub["landing"],
                    sub["strike_low"] * swing,
                    float(np.sqrt(swing * sub["strike_asymmetry"])))
        detected = bool(score >= self.threshold)
        severity = "none"
        if detected:
            severity = "severe" if f.strike < -3.0 else "moderate" if f.strike < 5.0 else "mild"
        evidence = self._evidence(f, sub, lower, upper, toe_ratio, trusted)
        verdict = (f"{f.side}: foot drop, {severity} (score {score:.2f})" if detected else
                   f"{f.side}: no foot drop (score {score:.2f}, threshold {self.threshold})")
        return {"detected": detected, "score": round(float(score), 3), "severity": severity,
                "evidence": [verdict, *evidence],
                "subscores": {k: round(v, 3) for k, v in sub.items()}}

    def _evidence(self, f: SideFeatures, sub: dict[str, float], lower: float, upper: float,
                  toe_ratio: float, trusted: bool) -> list[str]:
        v = f"{f.speed:.2f} m/s" if np.isfinite(f.speed) else "an unknown speed"
        out = []
        kind = ("a toe-first landing" if f.strike < -3 else "a flat-foot landing"
                if f.strike < 5 else "a heel strike")
        flag = " (below normal)" if f.strike < lower else ""
        out.append(f"foot strike angle {f.strike:.0f}° (normal {lower:.0f} to {upper:.0f}° "
                   f"at {v}){flag}: {kind}")
        if np.isfinite(f.other["strike"]):
            d = f.other["strike"] - f.strike
            out.append(f"strike angle {abs(d):.0f}° {'lower' if d >= 0 else 'higher'} than "
                       f"the other side's ({f.other['strike']:.0f}°; healthy sides differ by "
                       f"up to about 14°)")
        if np.isfinite(toe_ratio):
            out.append(f"toe lift before landing {1000 * f.max_toe:.0f} mm, "
                       f"{100 * toe_ratio:.0f}% of the other side's "
                       f"(healthy: at least 75%)")
        msp = NORMS["mid_swing_pitch_deg"]
        lo, hi = msp.range(f.speed)
        if np.isfinite(f.mid_swing_pitch):
            out.append(f"mid-swing pitch {f.mid_swing_pitch:.0f}° (normal {lo:.0f} to "
                       f"{hi:.0f}°; more negative is more toes-down)")
        if trusted:
            mlo, mhi = NORMS["min_toe_clearance_m"].range(f.speed)
            mtc = f"{1000 * f.mtc:.0f} mm" if np.isfinite(f.mtc) else "none"
            out.append(f"minimum toe clearance {mtc} (normal {1000 * mlo:.0f} to "
                       f"{1000 * mhi:.0f} mm); {100 * f.no_mtc_share:.0f}% of strides "
                       f"without a distinct MTC")
        else:
            out.append("toe clearance not used for the decision: the toe point is a default "
                       "for this mounting, so clearances may be off by centimetres (give "
                       "--toe-offset)")
        out.append(f"toe scuffs in {f.scuffs} of {f.n} level strides")
        if sub["steppage"]:
            out.append("steppage on this side (see compensation)")
        return out

    # ------------------------------------------------------------------ compensation
    def _compensation(self, f: SideFeatures) -> dict[str, Any]:
        evidence = []
        other_lift = f.other["lift"]
        lift_ratio = _ratio(f.lift, other_lift)
        steppage = bool(np.isfinite(lift_ratio) and lift_ratio >= self.steppage_ratio
                        and f.lift - other_lift >= self.steppage_excess_m)
        if np.isfinite(lift_ratio):
            evidence.append(
                f"steppage {'yes' if steppage else 'no'}: the foot is lifted "
                f"{100 * f.lift:.1f} cm at mid-swing, the other foot {100 * other_lift:.1f} cm "
                f"(flagged from {100 * self.steppage_ratio:.0f}% and "
                f"+{100 * self.steppage_excess_m:.1f} cm)")
        lat_hi = self.circumduction_m
        other_lat = f.other["lateral"]
        circ = bool(np.isfinite(f.lateral) and f.lateral > lat_hi and (
            not np.isfinite(other_lat) or f.lateral - other_lat >= self.circumduction_excess_m))
        if np.isfinite(f.lateral):
            evidence.append(
                f"circumduction {'yes' if circ else 'no'}: lateral excursion in swing "
                f"{100 * f.lateral:.1f} cm"
                + (f" (other side {100 * other_lat:.1f} cm)" if np.isfinite(other_lat) else "")
                + f"; flagged above {100 * lat_hi:.0f} cm and "
                f"{100 * self.circumduction_excess_m:.0f} cm more than the other side")
        return {"steppage": steppage, "circumduction": circ, "hip_hiking": None,
                "evidence": evidence}


def _scuff_count(strides: pd.DataFrame, side: str) -> int:
    if not len(strides):
        return 0
    rows = strides[strides["side"] == side]
    return int(pd.to_numeric(rows["toe_scuff"], errors="coerce").fillna(0).sum())


def _scuff_times(strides: pd.DataFrame, side: str) -> list[float]:
    """Times (s) of the swings with a toe scuff: the middle of FC and the next IC."""
    if not len(strides):
        return []
    rows = strides[(strides["side"] == side)
                   & (pd.to_numeric(strides["toe_scuff"], errors="coerce").fillna(0) > 0)]
    t = 0.5 * (rows["fc_s"].to_numpy(float) + rows["next_ic_s"].to_numpy(float))
    return [round(float(x), 3) for x in t]
