"""Offline scoring of the engine's bursts against reference gait events.

Used by the benchmark (``benchmarks/validate_realtime.py``) and the tests; never by the
real-time path. References are tables of *swings*, one row per swing of one foot:

``side, heel_off_s, fc_s, ic_s, bout, index, level``

- ``heel_off_s`` (NaN when unknown), ``fc_s`` (toe-off) and ``ic_s`` (the IC that ends the
  swing), in s on the sensor's clock;
- ``bout``: walking bout; ``index``: the swing's position in its bout (0 = first);
- ``level``: a level-walking swing (not turning, not on stairs).

A swing is *eligible* for stimulation when it is level and at least ``arm_strides + 1``
level swings precede it in its bout without a turn or a flight of stairs between
(``index`` counts them): the controller needs ``arm_strides`` complete, regular strides
(the first swing only starts the first stride) before it arms, by design, and a turn may
disarm it.

A burst belongs to the swing whose window ``[trigger - before, ic)`` holds its ``on_s``,
where ``trigger`` is the reference heel-off (heel-off trigger with a known heel-off) or
toe-off, and ``before`` is 0.25 s for a toe-off trigger and 0.6 s before the toe-off for a
heel-off trigger without a reference heel-off.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

SWING_COLUMNS = ["side", "heel_off_s", "fc_s", "ic_s", "bout", "index", "level"]


def simulator_swings(result: Any, side: str) -> pd.DataFrame:
    """Swings of one foot from a :func:`footdrop.simulate.simulate` result (exact truth)."""
    contacts = result.models[side].plan.contacts
    ho = {round(c.t1, 9): c.t1 - c.takeoff.push_s for c in contacts if c.takeoff is not None}
    rows = []
    for st in sorted((s for s in result.plan.steps if s.side == side), key=lambda s: s.fc):
        rows.append({"side": side, "heel_off_s": ho.get(round(st.fc, 9), np.nan),
                     "fc_s": st.fc, "ic_s": st.ic, "bout": st.bout, "index": 0,
                     "level": not (st.turning or st.stairs)})
    if rows:
        bout = np.array([r["bout"] for r in rows])
        level = np.array([r["level"] for r in rows])
        for r, k in zip(rows, _index(bout, level), strict=True):
            r["index"] = int(k)
    return pd.DataFrame(rows, columns=SWING_COLUMNS)


def _bouts(fc: np.ndarray, ic: np.ndarray, max_gap_s: float) -> np.ndarray:
    bout = np.zeros(len(fc), int)
    for k in range(1, len(fc)):
        bout[k] = bout[k - 1] + (fc[k] - ic[k - 1] > max_gap_s)
    return bout


def _index(bout: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Level swings before each swing since its bout began or the last non-level swing."""
    idx = np.zeros(len(bout), int)
    for k in range(1, len(bout)):
        same = bout[k] == bout[k - 1] and level[k - 1]
        idx[k] = idx[k - 1] + 1 if same else 0
    return idx


def mocap_swings(reference: Any, side: str, *, max_gap_s: float = 1.5) -> pd.DataFrame:
    """Swings from :class:`footdrop.validation.MocapReference` (``events_``, ``strides_``).

    A swing is level unless the reference stride it ends is flagged ``turning``; its
    ``heel_off_s`` is the heel rise of the stance before it (the heel 3 mm up).
    """
    ev = reference.events_[reference.events_["side"] == side].reset_index(drop=True)
    fc = ev["fc_s"].to_numpy(float)[:-1]
    ic = ev["ic_s"].to_numpy(float)[1:]
    heel = ev["heel_off_s"].to_numpy(float)[:-1]
    ok = np.isfinite(fc) & np.isfinite(ic)
    fc, ic, heel = fc[ok], ic[ok], heel[ok]
    st = reference.strides_
    st = st[st["side"] == side]
    turning = {round(float(n), 6) for n in st.loc[st["turning"].astype(bool), "next_ic_s"]}
    level = np.array([round(float(x), 6) not in turning for x in ic])
    bout = _bouts(fc, ic, max_gap_s)
    return pd.DataFrame({"side": side, "heel_off_s": heel, "fc_s": fc, "ic_s": ic,
                         "bout": bout, "index": _index(bout, level), "level": level},
                        columns=SWING_COLUMNS)


def engine_swings(strides: pd.DataFrame, side: str, *, max_gap_s: float = 1.5) -> pd.DataFrame:
    """Swings from the offline gait engine's strides (``GaitAnalysis().strides_``): each
    stride's ``fc_s`` to ``next_ic_s``; level unless the stride is turning or on stairs.

    A reference for recordings without an independent one (the MS example): it scores the
    real-time engine against the offline one, validated against motion capture.
    """
    st = strides[strides["side"] == side].sort_values("fc_s")
    fc, ic = st["fc_s"].to_numpy(float), st["next_ic_s"].to_numpy(float)
    ok = np.isfinite(fc) & np.isfinite(ic)
    st, fc, ic = st[ok], fc[ok], ic[ok]
    level = ~(st["turning"].astype(bool).to_numpy() | st["stairs"].astype(bool).to_numpy())
    bout = _bouts(fc, ic, max_gap_s)
    return pd.DataFrame({"side": side, "heel_off_s": np.nan, "fc_s": fc, "ic_s": ic,
                         "bout": bout, "index": _index(bout, level), "level": level},
                        columns=SWING_COLUMNS)


def voisard_swings(events: pd.DataFrame, side: str) -> pd.DataFrame:
    """Swings from :func:`footdrop.validation.annotations.voisard_events`.

    Level swings lie inside the trial and outside the U-turn; the walk before the U-turn
    and the walk after it are separate bouts (the turn breaks the stride rhythm).
    """
    ev = events[events["side"] == side].sort_values("ic_s").reset_index(drop=True)
    fc, ic = ev["fc_s"].to_numpy(float), ev["ic_s"].to_numpy(float)
    level = (ev["in_trial"] & ~ev["in_uturn"]).to_numpy(bool)
    after_turn = (ev["fc_s"] > ev["uturn_end_s"]).to_numpy(bool)
    bout = _bouts(fc, ic, 1.5) * 2 + after_turn
    bout = np.where(ev["in_uturn"].to_numpy(bool), -1, bout)
    return pd.DataFrame({"side": side, "heel_off_s": np.nan, "fc_s": fc, "ic_s": ic,
                         "bout": bout, "index": _index(bout, level), "level": level},
                        columns=SWING_COLUMNS)


def match_bursts(bursts: pd.DataFrame, swings: pd.DataFrame, *, trigger: str,
                 extension_s: float, arm_strides: int) -> pd.DataFrame:
    """One row per swing with its burst (if any).

    Adds ``eligible``, ``triggered``, ``on_s``, ``off_s``, ``reason``, ``latency_ms`` (on_s −
    reference trigger event; NaN for heel-off without a reference), ``off_error_ms``
    (off_s − (ic_s + extension_s), bursts that ended at a detected IC) and ``lead_ms``
    (fc_s − on_s: how long before toe-off stimulation started).
    """
    out = swings.copy().reset_index(drop=True)
    on = bursts["on_s"].to_numpy(float) if len(bursts) else np.zeros(0)
    heel = trigger == "heel-off"
    ref = out["heel_off_s"].to_numpy(float) if heel else out["fc_s"].to_numpy(float)
    lo = np.where(np.isfinite(ref), ref - 0.25, out["fc_s"].to_numpy(float) - 0.6)
    prev_ic = np.r_[-np.inf, out["ic_s"].to_numpy(float)[:-1]]
    lo = np.maximum(lo, prev_ic + 0.05)
    hi = out["ic_s"].to_numpy(float)
    cols: dict[str, list] = {k: [] for k in ("on_s", "off_s", "reason")}
    used: set[int] = set()
    for a, b in zip(lo, hi, strict=True):
        j = np.flatnonzero((on >= a) & (on < b))
        j = [k for k in j if k not in used]
        if j:
            used.add(j[0])
            row = bursts.iloc[j[0]]
            cols["on_s"].append(float(row["on_s"]))
            cols["off_s"].append(float(row["off_s"]))
            cols["reason"].append(str(row["reason"]))
        else:
            cols["on_s"].append(np.nan)
            cols["off_s"].append(np.nan)
            cols["reason"].append("")
    for k, v in cols.items():
        out[k] = v
    out["eligible"] = out["level"].astype(bool) & (out["index"] >= arm_strides + 1) \
        & (out["bout"] >= 0)
    out["triggered"] = out["on_s"].notna()
    # errors rounded to the nanosecond: times on a sample grid differ by whole samples, and
    # float dust must not push an error of exactly 30 ms past a 30 ms limit
    out["latency_ms"] = ((out["on_s"] - ref) * 1000).round(6)
    ic_end = out["reason"] == "ic"
    out["off_error_ms"] = np.round(np.where(
        ic_end, (out["off_s"] - out["ic_s"] - extension_s) * 1000, np.nan), 6)
    out["lead_ms"] = (out["fc_s"] - out["on_s"]) * 1000
    out.attrs["unmatched_bursts"] = len(on) - len(used)
    return out


def offline_steps(recording: Any, side: str, *, min_length_m: float = 0.10) -> pd.DataFrame:
    """Swings of one foot that the offline gait engine finds: ``fc_s, ic_s, length_m``.

    Every stride of :class:`footdrop.gait.engine.GaitAnalysis` whose foot moved at least
    ``min_length_m`` (its swing runs from ``fc_s`` to ``next_ic_s``). Used to tell an extra
    burst at a real step that a reference does not list from a false trigger.
    """
    from footdrop.gait.engine import GaitAnalysis

    st = GaitAnalysis().analyze(recording).strides_
    st = st[(st["side"] == side) & (st["stride_length_m"] >= min_length_m)]
    return pd.DataFrame({"fc_s": st["fc_s"].to_numpy(float),
                         "ic_s": st["next_ic_s"].to_numpy(float),
                         "length_m": st["stride_length_m"].to_numpy(float)})


def extra_at_steps(bursts: pd.DataFrame, matched: pd.DataFrame, steps: pd.DataFrame, *,
                   trigger: str) -> int:
    """How many bursts left unmatched by :func:`match_bursts` start at a step of ``steps``
    (:func:`offline_steps`), in the same window as a reference swing would use."""
    if not len(bursts) or not len(steps):
        return 0
    used = set(np.round(matched["on_s"].dropna().to_numpy(float), 9))
    on = np.array([x for x in bursts["on_s"].to_numpy(float) if round(x, 9) not in used])
    before = 0.25 if trigger == "toe-off" else 0.6
    lo = steps["fc_s"].to_numpy(float) - before
    hi = steps["ic_s"].to_numpy(float)
    return int(sum(((x >= lo) & (x < hi)).any() for x in on))


def offline_ic_gap_ms(matched: pd.DataFrame, steps: pd.DataFrame) -> np.ndarray:
    """Per swing of :func:`match_bursts`, the offline engine's nearest landing
    (:func:`offline_steps`) minus the reference IC, in ms (NaN without offline steps).

    A second opinion on an annotated IC: where the two agree, the reference is unlikely to
    be an annotation slip, so OFF errors there measure the engine rather than the label.
    """
    ref = matched["ic_s"].to_numpy(float)
    ics = np.sort(steps["ic_s"].to_numpy(float)) if len(steps) else np.zeros(0)
    if not len(ics):
        return np.full(len(ref), np.nan)
    k = np.searchsorted(ics, ref)
    before, after = ics[np.clip(k - 1, 0, len(ics) - 1)], ics[np.clip(k, 0, len(ics) - 1)]
    near = np.where(np.abs(before - ref) <= np.abs(after - ref), before, after)
    return np.round((near - ref) * 1000, 6)


def summarise(matched: pd.DataFrame) -> dict[str, float]:
    """Trigger rate and latency statistics of :func:`match_bursts` output (eligible swings)."""
    e = matched[matched["eligible"]]
    lat = e["latency_ms"].dropna()
    off = e["off_error_ms"].dropna()
    q = (lambda s, p: float(np.percentile(s, p)) if len(s) else np.nan)  # noqa: E731
    level = matched[matched["level"].astype(bool)]
    return {
        "eligible": int(len(e)), "triggered": int(e["triggered"].sum()),
        "trigger_rate": float(e["triggered"].mean()) if len(e) else np.nan,
        "level_swings": int(len(level)),
        "level_rate": float(level["triggered"].mean()) if len(level) else np.nan,
        "latency_median_ms": q(lat, 50), "latency_iqr_ms": q(lat, 75) - q(lat, 25),
        "latency_p5_ms": q(lat, 5), "latency_p95_ms": q(lat, 95), "n_latency": int(len(lat)),
        "lead_median_ms": q(e["lead_ms"].dropna(), 50),
        "off_median_ms": q(off, 50), "off_max_abs_ms": float(off.abs().max()) if len(off)
        else np.nan, "off_within_30ms": float((off.abs() <= 30).mean()) if len(off) else np.nan,
        "n_off": int(len(off)),
        "unmatched_bursts": int(matched.attrs.get("unmatched_bursts", 0)),
    }
