"""Asymmetry between the sides and fatigability over the walk.

* **Asymmetry** of each key metric: the left and right medians over level-walking strides,
  their difference and the symmetry index ``SI = 100·(L − R) / (0.5·(|L| + |R|))`` (Robinson
  et al., J Manipulative Physiol Ther 1987). Angles are compared by their difference in degrees,
  as a percentage of an angle near zero means little.
* **Fatigability**: per side, the first and the last minute of walking compared for speed,
  stride length, MTC and strike angle (Leone et al. 2016 compared minute 1 with minute 6 of
  the six-minute walk and took a decline of 15 % as fatigability). A walk shorter than
  three minutes of strides is split into fifths of its strides instead. A decline of 15 % or
  more is flagged; for the strike angle the decline is taken against the speed-typical angle
  (a percentage of an angle near zero would flag noise). The reliability says how many strides
  each part holds and whether a bootstrap 95 % interval of the change excludes zero.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from footdrop.assess.norms import NORMS

ASYMMETRY_METRICS = {
    "gait_speed_mps": "m/s", "stride_length_m": "m", "stride_time_s": "s",
    "stance_time_s": "s", "swing_time_s": "s", "foot_strike_angle_deg": "deg",
    "toe_off_angle_deg": "deg", "mid_swing_pitch_deg": "deg", "min_toe_clearance_m": "m",
    "max_toe_clearance_m": "m", "max_heel_clearance_m": "m", "lateral_excursion_m": "m",
}

FATIGUE_METRICS = ("gait_speed_mps", "stride_length_m", "min_toe_clearance_m",
                   "foot_strike_angle_deg")


def _level(strides: pd.DataFrame, side: str) -> pd.DataFrame:
    rows = strides[strides["side"] == side] if len(strides) else strides
    if len(rows) and "level_walking" in rows:
        lv = rows[rows["level_walking"].astype(bool)]
        return lv if len(lv) else rows
    return rows


def asymmetry(strides: pd.DataFrame, foot_drop: dict[str, dict[str, Any]] | None = None
              ) -> dict[str, Any]:
    """Per metric: left, right, difference (L − R) and symmetry index; the more affected
    side (highest foot-drop score, else the lower strike angle)."""
    left, right = _level(strides, "left"), _level(strides, "right")
    metrics: dict[str, Any] = {}
    for col, unit in ASYMMETRY_METRICS.items():
        lv = float(left[col].median()) if len(left) else float("nan")
        rv = float(right[col].median()) if len(right) else float("nan")
        entry: dict[str, Any] = {"unit": unit, "left": _num(lv), "right": _num(rv),
                                 "difference": _num(lv - rv)}
        mean_abs = 0.5 * (abs(lv) + abs(rv))
        entry["symmetry_index_pct"] = (None if unit == "deg" or not mean_abs > 0
                                       else _num(100.0 * (lv - rv) / mean_abs))
        metrics[col] = entry
    side, why = _more_affected(metrics, foot_drop)
    return {"metrics": metrics, "more_affected_side": side, "reason": why}


def _more_affected(metrics: dict[str, Any], foot_drop: dict[str, dict[str, Any]] | None
                   ) -> tuple[str | None, str]:
    if foot_drop:
        scores = {s: (fd or {}).get("score") for s, fd in foot_drop.items()}
        scores = {s: v for s, v in scores.items() if v is not None}
        if len(scores) == 2 and abs(scores["left"] - scores["right"]) >= 0.1:
            side = max(scores, key=scores.get)
            return side, (f"higher foot-drop score ({scores[side]:.2f} against "
                          f"{scores['left' if side == 'right' else 'right']:.2f})")
    strike = metrics["foot_strike_angle_deg"]
    if strike["left"] is None or strike["right"] is None:
        return None, "only one side measured"
    d = strike["left"] - strike["right"]
    if abs(d) < 3.0:
        return None, f"strike angles within 3° of each other ({abs(d):.1f}°)"
    side = "left" if d < 0 else "right"
    return side, f"lower foot strike angle ({abs(d):.0f}° below the other side)"


def fatigability(strides: pd.DataFrame, side: str, *, decline_pct: float = 15.0,
                 n_boot: int = 500, seed: int = 0) -> dict[str, Any]:
    """First against last minute (or fifth of strides) of one side's level walking."""
    rows = _level(strides, side).sort_values("ic_s") if len(strides) else strides
    if len(rows) < 10:
        return {"assessed": False, "reason": f"{len(rows)} level strides (10 needed)",
                "declined": False, "metrics": {}}
    t = rows["ic_s"].to_numpy(float)
    if t[-1] - t[0] >= 180.0:
        first, last = rows[t < t[0] + 60.0], rows[t >= t[-1] - 60.0]
        basis = "first and last minute of walking"
    else:
        k = max(len(rows) // 5, 2)
        first, last = rows.iloc[:k], rows.iloc[-k:]
        basis = f"first and last fifth of the strides (walk of {t[-1] - t[0]:.0f} s)"
    rng = np.random.default_rng(seed)
    out: dict[str, Any] = {}
    flagged = []
    speed = float(rows["gait_speed_mps"].median())
    for col in FATIGUE_METRICS:
        a = pd.to_numeric(first[col], errors="coerce").dropna().to_numpy(float)
        b = pd.to_numeric(last[col], errors="coerce").dropna().to_numpy(float)
        if len(a) < 3 or len(b) < 3:
            out[col] = {"first": None, "last": None, "change_pct": None, "declined": False,
                        "reliability": f"too few strides ({len(a)} and {len(b)})"}
            continue
        ma, mb = float(np.median(a)), float(np.median(b))
        ref = max(NORMS["foot_strike_angle_deg"].mean(speed), 8.0) if col.endswith(
            "_deg") else abs(ma)
        change = 100.0 * (mb - ma) / ref if ref > 0 else float("nan")
        boot = (np.median(b[rng.integers(0, len(b), (n_boot, len(b)))], axis=1)
                - np.median(a[rng.integers(0, len(a), (n_boot, len(a)))], axis=1))
        lo, hi = np.percentile(boot, [2.5, 97.5])
        clear = bool(hi < 0 or lo > 0)
        declined = bool(np.isfinite(change) and change <= -decline_pct)
        reliability = ("good" if min(len(a), len(b)) >= 20 else "limited" if min(
            len(a), len(b)) >= 8 else "poor") + (
            f": {len(a)} and {len(b)} strides; 95% interval of the change "
            f"{'excludes' if clear else 'includes'} zero")
        out[col] = {"first": _num(ma), "last": _num(mb), "change_pct": _num(change),
                    "ci_low": _num(lo), "ci_high": _num(hi), "declined": declined,
                    "reliability": reliability}
        if declined:
            flagged.append(f"{col} {change:.0f}%")
    return {"assessed": True, "basis": basis, "declined": bool(flagged),
            "summary": (f"decline of {decline_pct:.0f}% or more in " + ", ".join(flagged))
            if flagged else f"no decline of {decline_pct:.0f}% or more",
            "metrics": out}


def _num(x: Any) -> float | None:
    x = float(x)
    return None if not np.isfinite(x) else round(x, 6)
