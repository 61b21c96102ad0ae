"""Per-stride ground truth from the foot model, in the definitions of CONTRACT.md.

Everything is measured on the model's sole points on the internal (≥ 1 kHz) grid, never on
the IMU signals. Events are exact: IC is the instant of the impact that ends a swing (the
first sole contact), FC the end of the rotation about the toe (the last contact). Mid-stance
is the middle of the foot-flat period; there the sole is flat on its footprint, so relative
pitch is the sole pitch and heights are measured from the footprint's floor.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from footdrop.contract import STRIDE_COLUMNS
from footdrop.simulate.foot import FootModel
from footdrop.simulate.gait import Plan
from footdrop.simulate.params import severity_label

EXTRA_COLUMNS = ["bout_id", "turning", "stairs", "level_walking", "heading_change_deg",
                 "height_change_m", "strike_point", "severity", "target_speed_mps",
                 "ms_s", "next_ms_s", "mtc_time_s", "min_sole_height_m"]
#: A sole point this close to the floor in mid-swing touches it (a scuff).
TOUCH_M = 1e-4
#: Smallest prominence of the toe-height extrema that bound the MTC.
PROMINENCE_M = 1e-5


def mtc_index(h: np.ndarray, t: np.ndarray, t_mid: float) -> int | None:
    """Index of the lowest local minimum of ``h`` between its first early-swing maximum and
    its largest value in the second half of swing, or None when there is none."""
    second = np.flatnonzero(t >= t_mid)
    if len(h) < 5 or len(second) == 0:
        return None
    late = int(second[np.argmax(h[second])])
    d = np.diff(h[: late + 1])
    peaks = np.flatnonzero((d[:-1] > 0) & (d[1:] <= 0)) + 1
    peaks = [p for p in peaks if h[p] - h[p:late + 1].min() > PROMINENCE_M]
    if not peaks:
        return None
    first = peaks[0]
    j = first + int(np.argmin(h[first:late + 1]))
    if j in (first, late) or min(h[first], h[late]) - h[j] <= PROMINENCE_M:
        return None
    return j


def mid_stance(c) -> float:
    """Middle of a contact's foot-flat period (from the end of the roll-over to heel-off)."""
    a = c.t0 + (c.landing.rocker_s if c.landing is not None else 0.0)
    b = c.t1 - c.takeoff.push_s if c.takeoff is not None else min(c.t1, a + 1.0)
    return 0.5 * (a + b)


def floor_clearance(model: FootModel, plan: Plan, t: np.ndarray, n_points: int = 11):
    """Height of the lowest sole point above the floor under it, at times ``t``.

    The sole is sampled at ``n_points`` points from heel to toe; the floor is the footprint's
    in a contact, and the level floor or the flight of stairs the foot crosses in a swing.
    Returns the clearance (m) and, per time, the swing index or -1 in a contact.
    """
    ev = model.evaluate(t)
    u = np.linspace(0.0, 1.0, n_points)[None, :, None]
    pts = ev["heel"][:, None, :] + u * (ev["toe"] - ev["heel"])[:, None, :]
    floor = np.empty(pts.shape[:2])
    swing, idx = ev["swing"], ev["index"]
    floor[~swing] = model.fp_heel[model.c_fp[idx[~swing]], 2][:, None]
    side = model.plan.side
    flight_of = {round(s.fc, 9): s.flight for s in plan.steps if s.side == side}
    for k in np.unique(idx[swing]):
        sw = model.plan.swings[k]
        m = swing & (idx == k)
        fl = flight_of.get(round(sw.t0, 9))
        if fl is None:
            floor[m] = max(model.fp_heel[sw.fp0, 2], model.fp_heel[sw.fp1, 2])
        else:
            floor[m] = plan.flights[fl].floor(pts[m])
    return (pts[..., 2] - floor).min(axis=1), np.where(swing, idx, -1)


def stride_truth(model: FootModel, plan: Plan, t: np.ndarray, ev: dict) -> pd.DataFrame:
    """One row per stride of one foot, on the internal grid ``t`` with pose ``ev``."""
    fp = model.plan
    side, L = fp.side, model.L
    info = {round(s.fc, 9): s for s in plan.steps if s.side == side}
    heel, toe, pitch = ev["heel"], ev["toe"], np.rad2deg(ev["pitch"])
    rows = []
    for k, c in enumerate(fp.contacts[:-1]):
        if c.landing is None or c.kind != "walk":
            continue
        sw, c1 = fp.swings[k], fp.contacts[k + 1]
        step = info.get(round(sw.t0, 9))
        ic, fc, nxt = c.t0, c.t1, c1.t0
        a, b = np.searchsorted(t, [fc, nxt])
        idx = np.arange(a, b)
        ts = t[idx]
        f0, f1 = model.fp_heel[sw.fp0], model.fp_heel[sw.fp1]
        floor = f0[2]
        h_toe = toe[idx, 2] - floor
        h_heel = heel[idx, 2] - floor
        t_mid = 0.5 * (fc + nxt)
        j = mtc_index(h_toe, ts, t_mid)
        t_mtc = ts[j] if j is not None else np.nan
        mid_pitch = pitch[idx[j]] if j is not None else np.interp(t_mid, t, pitch)
        second = ts >= t_mid
        y0, y1 = model.fp_yaw[sw.fp0], model.fp_yaw[sw.fp1]
        ctr0 = f0[:2] + 0.5 * L * np.array([np.cos(y0), np.sin(y0)])
        ctr1 = f1[:2] + 0.5 * L * np.array([np.cos(y1), np.sin(y1)])
        centre = 0.5 * (heel[idx, :2] + toe[idx, :2])
        dvec = ctr1 - ctr0
        dn = np.hypot(*dvec)
        if dn > 1e-6:
            u = dvec / dn
            rel = centre - ctr0
            lateral = float(np.max(np.abs(u[0] * rel[:, 1] - u[1] * rel[:, 0])))
        else:
            lateral = np.nan
        if step is not None and step.flight is not None:
            sole_low = floor_clearance(model, plan, ts)[0]
        else:
            sole_low = np.minimum(heel[idx, 2], toe[idx, 2]) - max(f0[2], f1[2])
        inner = (ts > fc + 0.1 * (nxt - fc)) & (ts < nxt - 0.1 * (nxt - fc))
        min_sole = float(sole_low[inner].min()) if inner.any() else np.nan
        length = float(np.hypot(*(f1[:2] - f0[:2])))
        dhead = float(np.rad2deg(y1 - y0))
        lp = c.landing.pitch
        rows.append({
            "ms_s": mid_stance(c), "next_ms_s": mid_stance(c1),
            "side": side, "ic_s": ic, "fc_s": fc, "next_ic_s": nxt,
            "stride_time_s": nxt - ic, "stance_time_s": fc - ic, "swing_time_s": nxt - fc,
            "stride_length_m": length, "gait_speed_mps": length / (nxt - ic),
            "foot_strike_angle_deg": float(np.rad2deg(lp)),
            "toe_off_angle_deg": float(np.rad2deg(c.takeoff.pitch)),
            "mid_swing_pitch_deg": float(mid_pitch),
            "min_toe_clearance_m": float(h_toe[j]) if j is not None else np.nan,
            "max_toe_clearance_m": float(h_toe[second].max()) if second.any() else np.nan,
            "max_heel_clearance_m": float(h_heel.max()),
            "lateral_excursion_m": lateral,
            "toe_scuff": int(min_sole <= TOUCH_M),
            "bout_id": step.bout if step else -1,
            "turning": bool(step.turning if step else False) or abs(dhead) > 20.0,
            "stairs": bool(step.stairs if step else False),
            "heading_change_deg": dhead, "height_change_m": float(f1[2] - f0[2]),
            "strike_point": "heel" if lp > 0 else "toe" if lp < 0 else "flat",
            "severity": step.severity if step else np.nan,
            "target_speed_mps": step.speed if step else np.nan,
            "mtc_time_s": t_mtc, "min_sole_height_m": min_sole,
            "closing": bool(step is not None and step.kind == "close"),
        })
    df = pd.DataFrame(rows, columns=[c for c in STRIDE_COLUMNS if c != "stride_id"]
                      + [c for c in EXTRA_COLUMNS if c != "level_walking"] + ["closing"])
    df.insert(1, "stride_id", np.arange(len(df)))
    # level walking: straight, on the level, and not the closing half step (stopping)
    df["level_walking"] = (~df["turning"].astype(bool) & ~df["stairs"].astype(bool)
                           & ~df["closing"].astype(bool))
    return df[STRIDE_COLUMNS + EXTRA_COLUMNS]


def side_labels(spec_side, truth: pd.DataFrame, severities: list[float]) -> dict:
    """Per-side labels: foot drop yes/no, severity (start and end of the walk), compensations."""
    sev0 = float(spec_side.severity)
    sev1 = float(max(severities)) if severities else sev0
    return {
        "foot_drop": severity_label(sev0) != "none",
        "severity": severity_label(sev0),
        "severity_value": sev0,
        "severity_end": severity_label(sev1),
        "severity_end_value": sev1,
        "compensation": {"steppage": spec_side.steppage_m > 0,
                         "circumduction": spec_side.circumduction_m > 0,
                         "hip_hiking": spec_side.hip_hiking > 0},
        "steppage_m": float(spec_side.steppage_m),
        "circumduction_m": float(spec_side.circumduction_m),
        "hip_hiking": float(spec_side.hip_hiking),
        "hip_hiking_deg": float(spec_side.hip_hiking_deg),
        "n_strides": int(len(truth)),
        "toe_scuffs": int(truth["toe_scuff"].sum()) if len(truth) else 0,
    }


def steady_strides(result, side: str) -> pd.DataFrame:
    """Truth rows of ``side`` that are level walking and neither its first nor last stride."""
    tr = result.truth[result.truth["side"] == side]
    ids = tr["stride_id"]
    return tr[tr["level_walking"].astype(bool) & (ids > ids.min()) & (ids < ids.max())]


def shank_swings(result, side: str) -> list[dict]:
    """Per steady swing of ``side`` (:func:`steady_strides`), the simulated shank and knee
    around toe-off against the truth, from the 1 kHz segment kinematics of a walk simulated
    with ``shanks=True``:

    * ``lag_ms``: the shank's pre-swing forward-rotation peak (largest ``gyr_y`` between
      mid-stance and the swing's backward-rotation trough) minus the true toe-off (FC);
      ``peak_dps``, ``trough_dps``: the two rates;
    * ``rerotation_dps``: after FC, the largest rise of ``gyr_y`` above its running minimum
      before the trough (0 when the shank only turns further backwards);
    * knee flexion (deg) at IC, its loading-response peak (first 30 % of stance), its
      stance minimum (30–100 %), at FC, its rate at FC (deg/s), its swing peak and where in
      the cycle that lies (%), and its minimum in the last 6 % of the cycle;
    * ``gap_max_mm``, ``gap_median_mm``: how far the thigh ends from the hip-joint centre
      over the stride (``hip_gap``).
    """
    k = result.body_kinematics[f"{side}_shank"]
    t, w, knee = k["t"], k["omega_dps"][:, 1], k["knee_flexion"]
    rate = np.gradient(knee, t)
    out = []
    for r in steady_strides(result, side).itertuples(index=False):
        ic, fc, nic = r.ic_s, r.fc_s, r.next_ic_s
        if not np.isfinite([ic, fc, nic]).all():
            continue
        sw = (t >= fc) & (t <= nic)
        i_tr = np.flatnonzero(sw)[np.argmin(w[sw])]  # mid-swing: fastest backwards
        pre = (t >= ic + 0.5 * (fc - ic)) & (t <= t[i_tr])
        i_pk = np.flatnonzero(pre)[np.argmax(w[pre])]  # the extremum before the swing
        after = w[(t > fc) & (t < t[i_tr])]
        stride = (t >= ic) & (t < nic)
        i_fc = int(np.searchsorted(t, fc))
        stance = fc - ic
        early = (t >= ic) & (t <= ic + 0.3 * stance)
        late = (t >= ic + 0.3 * stance) & (t <= fc)
        i_sw = np.flatnonzero(sw)[np.argmax(knee[sw])]
        gap = np.abs(k["hip_gap"][stride])
        out.append({
            "side": side, "lag_ms": 1000 * (t[i_pk] - fc), "peak_dps": w[i_pk],
            "trough_dps": w[i_tr],
            "rerotation_dps": float((after - np.minimum.accumulate(after)).max())
            if len(after) else 0.0,
            "knee_ic_deg": float(np.interp(ic, t, knee)),
            "knee_loading_deg": float(knee[early].max()),
            "knee_stance_min_deg": float(knee[late].min()),
            "knee_fc_deg": float(knee[i_fc]), "knee_rate_fc_dps": float(rate[i_fc]),
            "knee_swing_peak_deg": float(knee[i_sw]),
            "knee_swing_peak_pct": 100 * (t[i_sw] - ic) / (nic - ic),
            "knee_before_ic_deg": float(knee[(t > nic - 0.06 * (nic - ic)) & (t < nic)].min()),
            "stance_pct": 100 * stance / (nic - ic),
            "gap_max_mm": 1000 * float(gap.max()),
            "gap_median_mm": 1000 * float(np.median(gap)),
        })
    return out
