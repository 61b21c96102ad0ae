"""Motion-capture reference, scoring harness and sensor-to-marker geometry.

Tests marked with the ``gaitmap_example`` fixture use ../shared/data and skip without it; the
synthetic tests run everywhere.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.transform import Rotation

from footdrop.validation import (
    Markers,
    MocapReference,
    SensorMarkerGeometry,
    compare_events,
    read_gaitmap_events,
    read_mocap,
    score_strides,
)

# --------------------------------------------------------------------------------------------
# synthetic data


def _ry(theta: float) -> np.ndarray:
    """Foot pitch ``theta`` (rad, toes up positive) as a rotation about the lab y-axis."""
    c, s = np.cos(theta), np.sin(theta)
    return np.array([[c, 0, -s], [0, 1, 0], [s, 0, c]])


def synthetic_walk(n_cycles=8, period=1.1, length=1.4, hs_deg=20.0, to_deg=-45.0, fs=100.0):
    """Rigid feet walking along +x: heel strike, foot flat, roll over the toe, swing.

    Returns markers and the true IC/FC times per side. The foot rolls about its heel point
    (origin of the foot's local coordinates) after IC and about its toe point (0.25, 0, 0)
    before FC, so contact instants are exact.
    """
    d_ho, d_sw, d_ff = 0.25, 0.40, 0.08
    hs, to = np.radians(hs_deg), np.radians(to_deg)
    pivot = np.array([0.25, 0.0, 0.0])
    t = np.arange(int((1.5 + (n_cycles + 1.5) * period) * fs)) / fs
    markers, truth = Markers(), {}
    for side, prefix, y, start, x0 in (("left", "L_", 0.1, 1.0, 0.0),
                                       ("right", "R_", -0.1, 1.0 + period / 2, length / 2)):
        local = {"FCC": (-0.005, 0, 0.045), "TOE": (0.26, 0, 0.05),
                 "FM5": (0.18, 0.05 if side == "left" else -0.05, 0.045)}
        out = {k: np.zeros((len(t), 3)) for k in local}
        for i, ti in enumerate(t):
            k = int(np.floor((ti - start) / period))
            tau = ti - start - k * period
            if k < 0 or k >= n_cycles:
                pos, th = np.array([x0 + length * min(max(k, 0), n_cycles), y, 0.0]), 0.0
            elif tau < d_ho:  # heel rises, foot rolls about the toe point
                th = to * (tau / d_ho) ** 2
                pos = np.array([x0 + k * length, y, 0]) + pivot - _ry(th) @ pivot
            elif tau < d_ho + d_sw:  # swing: heel point travels to the next contact
                u = (tau - d_ho) / d_sw
                a = np.array([x0 + k * length, y, 0]) + pivot - _ry(to) @ pivot
                b = np.array([x0 + (k + 1) * length, y, 0.0])
                pos = a + u * (b - a) + [0, 0, 0.06 * np.sin(np.pi * u)]
                th = to + (hs - to) * (0.5 - 0.5 * np.cos(np.pi * u))
            else:  # loading response about the heel, then foot flat
                v = min((tau - d_ho - d_sw) / d_ff, 1.0)
                pos, th = np.array([x0 + (k + 1) * length, y, 0.0]), hs * (1 - v)
            for name, p in local.items():
                out[name][i] = pos + _ry(th) @ np.asarray(p, float)
        for name in local:
            markers[prefix + name] = out[name]
        cyc = start + period * np.arange(n_cycles)
        truth[side] = {"ic": cyc + d_ho + d_sw, "fc": cyc + d_ho}
    markers.fs = fs
    return markers, truth


def _reference_table(n=10):
    rows = []
    for side, off in (("left", 0.0), ("right", 0.55)):
        for k in range(n):
            ic = 1.0 + off + 1.1 * k
            rows.append({"side": side, "ic_s": ic, "fc_s": ic + 0.7, "next_ic_s": ic + 1.1,
                         "stride_length_m": 1.4, "foot_strike_angle_deg": 25.0,
                         "toe_off_angle_deg": -60.0, "max_heel_clearance_m": 0.23,
                         "min_toe_clearance_m": 0.015, "turning": False})
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------------------------
# scoring harness (no shared data)


def test_score_identical_tables_is_perfect():
    ref = _reference_table()
    s = score_strides(ref, ref)
    assert s["detection"]["f1"] == 1.0 and s["detection"]["pass"]
    assert (s["metrics"].loc[["IC timing", "stride length"], "mae"] == 0).all()
    assert "| pass |" in s["markdown"] and "fail" not in s["markdown"]


def test_score_known_ic_offset_gives_that_bias():
    ref = _reference_table()
    est = ref.copy()
    est["ic_s"] += 0.012
    m = score_strides(est, ref)["metrics"]
    assert m.loc["IC timing", "bias"] == pytest.approx(12.0)
    assert m.loc["IC timing", "mae"] == pytest.approx(12.0)
    assert m.loc["IC timing", "sd"] == pytest.approx(0.0, abs=1e-9)
    assert m.loc["IC timing", "n"] == len(ref)
    assert m.loc["IC timing", "result"] == "fail"  # |bias| 12 > 10 ms
    assert m.loc["FC timing", "result"] == "pass"


def test_score_missing_stride_drops_recall_by_one_over_n():
    ref = _reference_table()
    est = ref.drop(index=3)
    d = score_strides(est, ref)["detection"]
    assert d["recall"] == pytest.approx(1 - 1 / len(ref))
    assert d["precision"] == 1.0 and d["fn"] == 1 and d["fp"] == 0


def test_score_extra_stride_is_a_false_positive():
    ref = _reference_table()
    extra = ref.iloc[[0]].assign(ic_s=ref.iloc[0]["ic_s"] + 0.5)
    d = score_strides(pd.concat([ref, extra]), ref)["detection"]
    assert d["fp"] == 1 and d["tp"] == len(ref)
    assert d["precision"] == pytest.approx(len(ref) / (len(ref) + 1))


def test_score_turning_strides_are_neither_tp_nor_fp():
    ref = _reference_table()
    ref.loc[[4, 5], "turning"] = True
    est = ref.copy()
    est.loc[len(est)] = est.loc[4].to_dict() | {"ic_s": est.loc[4, "ic_s"] + 0.4}  # in a turn
    est.loc[len(est)] = est.loc[0].to_dict() | {"ic_s": 100.0}  # outside the reference span
    d = score_strides(est, ref)["detection"]
    assert d["n_reference"] == len(ref) - 2
    assert d["tp"] == len(ref) - 2 and d["fp"] == 0 and d["f1"] == 1.0
    assert score_strides(est, ref, within_reference_span=False)["detection"]["fp"] == 1


def test_score_matches_by_side_and_tolerance():
    ref = _reference_table()
    est = ref.copy()
    est["side"] = est["side"].map({"left": "right", "right": "left"})
    assert score_strides(est, ref)["detection"]["tp"] == 0
    late = ref.assign(ic_s=ref["ic_s"] + 0.2)
    assert score_strides(late, ref, tolerance_s=0.15)["detection"]["tp"] == 0
    assert score_strides(late, ref, tolerance_s=0.25)["detection"]["tp"] == len(ref)


# --------------------------------------------------------------------------------------------
# reference extraction and geometry on synthetic rigid feet (no shared data)


def test_reference_on_synthetic_walk_recovers_events_and_metrics():
    markers, truth = synthetic_walk()
    ref = MocapReference().extract(markers)
    for side in ("left", "right"):
        st = ref.strides_[ref.strides_["side"] == side]
        assert len(st) == len(truth[side]["ic"]) - 1
        assert not st["turning"].any()
        ic = st["ic_s"].to_numpy()
        # the heel point stops at IC; a 100 Hz central difference resolves it within a frame
        assert np.abs(ic - truth[side]["ic"][:-1]).max() < 0.010
        fc = st["fc_s"].to_numpy()
        assert np.abs(fc - truth[side]["fc"][1:]).max() < 0.010
        assert np.allclose(st["stride_length_m"], 1.4, atol=1e-6)
        assert np.abs(st["foot_strike_angle_deg"] - 20.0).max() < 2.5
        assert np.abs(st["toe_off_angle_deg"] + 45.0).max() < 2.5
        assert (st["strike_point"] == "heel").all()


def test_reference_bridges_short_marker_gaps():
    markers, _ = synthetic_walk()
    full = MocapReference().extract(markers).strides_
    gappy = Markers({k: v.copy() for k, v in markers.items()})
    gappy.fs = markers.fs
    gappy["L_FCC"][400:405] = np.nan  # 50 ms dropout in swing
    gappy["R_TOE"][700:703] = np.nan
    ref = MocapReference().extract(gappy).strides_
    assert len(ref) == len(full)
    cols = ["ic_s", "fc_s", "stride_length_m", "foot_strike_angle_deg"]
    assert np.allclose(ref[cols], full[cols], atol=0.01)


def test_read_mocap_converts_and_marks_missing(tmp_path):
    path = tmp_path / "m.csv"
    path.write_text(",A,A,A,B,B,B\n,x,y,z,x,y,z\n0,1000,2000,30,0,0,0\n1,1001,,31,5,6,7\n")
    m = read_mocap(path)
    assert m.fs == 100.0
    assert np.allclose(m["A"][0], [1.0, 2.0, 0.03])
    assert np.isnan(m["A"][1, 1]) and np.isnan(m["B"][0]).all()
    assert np.allclose(m["B"][1], [0.005, 0.006, 0.007])


def _rigid_motion(t):
    u = np.clip(t - 1.0, 0, 1)
    ramp = u**3 * (10 - 15 * u + 6 * u**2)  # still for 1 s, then a C2-smooth start
    ang = ramp[:, None] * np.stack([0.4 * np.sin(2 * np.pi * 0.8 * t),
                                    0.6 * np.sin(2 * np.pi * 0.6 * t + 0.5),
                                    0.5 * np.sin(2 * np.pi * 0.45 * t + 1.0)], 1)
    pos = ramp[:, None] * np.stack([0.5 * np.sin(2 * np.pi * 0.7 * t),
                                    0.3 * np.sin(2 * np.pi * 0.5 * t + 1),
                                    0.1 * np.sin(2 * np.pi * 0.9 * t)], 1)
    return pos, Rotation.from_euler("xyz", ang).as_matrix()


def test_geometry_recovers_known_imu_position_from_accelerations():
    imu_local = np.array([0.06, 0.064, 0.055])  # in the foot body, heel marker at (0, 0, 0.045)
    q_imu = Rotation.from_euler("xyz", [17.0, -4.0, 8.0], degrees=True).as_matrix()
    hi = 2000.0
    t = np.arange(0, 12.0, 1 / hi)
    pos, R = _rigid_motion(t)
    p_imu = pos + R @ imu_local
    a = np.gradient(np.gradient(p_imu, axis=0), axis=0) * hi**2
    Rs = R @ q_imu
    W = np.einsum("nji,njk->nik", Rs, np.gradient(Rs, axis=0) * hi)
    gyr = np.degrees(np.stack([W[:, 2, 1], W[:, 0, 2], W[:, 1, 0]], 1))
    acc = np.einsum("nji,nj->ni", Rs, a + [0, 0, 9.81])
    ti = np.arange(0, 11.9, 1 / 204.8)
    imu = {"left_foot": SimpleNamespace(
        fs=204.8, t0=0.0, acc=np.stack([np.interp(ti, t, acc[:, k]) for k in range(3)], 1),
        gyr=np.stack([np.interp(ti, t, gyr[:, k]) for k in range(3)], 1))}
    tm = np.arange(0, 11.9, 0.01)
    pm, Rm = _rigid_motion(tm)
    markers = Markers({"L_" + k: pm + Rm @ np.array(v) for k, v in {
        "FCC": (0, 0, 0.045), "TOE": (0.25, 0, 0.055), "FM5": (0.19, 0.058, 0.045)}.items()})
    frames = {"left": (tm > 2.5) & (tm < 11.5)}
    geo = SensorMarkerGeometry(max_lag_s=0.005).fit(markers, imu, frames=frames)
    fit = geo.fits_["left"]
    assert abs(fit["lag_s"]) < 0.001
    assert np.allclose(fit["imu_from_heel_marker"], imu_local - [0, 0, 0.045], atol=0.002)
    toe = geo.offsets_.loc[("left", "toe_marker")]
    assert np.allclose(toe[["forward", "lateral", "up"]], [0.19, -0.064, 0.0], atol=0.002)
    assert fit["roll_deg"] == pytest.approx(17.0, abs=1.0)


# --------------------------------------------------------------------------------------------
# gaitmap example (shared data)


@pytest.fixture(scope="module")
def example(gaitmap_example):
    markers = read_mocap(gaitmap_example / "mocap_sample.csv")
    return SimpleNamespace(
        path=gaitmap_example, markers=markers, ref=MocapReference().extract(markers),
        gaitmap=read_gaitmap_events(gaitmap_example / "stride_events_sample.csv"))


def test_read_mocap_units_and_shape(example):
    m = example.markers
    assert m.fs == 100.0
    assert set(m) == {f"{s}_{k}" for s in "LR" for k in ("TOE", "FCC", "FM5")}
    assert all(v.shape == (3870, 3) for v in m.values())
    # metres: markers on the shoe stand 4-6 cm above the floor at the start
    assert 0.03 < m["L_FCC"][0, 2] < 0.07


def test_stride_counts(example):
    st = example.ref.strides_
    counts = st.groupby("side")["turning"].agg(total="size", turning="sum")
    assert counts.loc["left"].tolist() == [31, 7]
    assert counts.loc["right"].tolist() == [30, 7]


def test_events_agree_with_gaitmap(example):
    """gaitmap's events (Zeni et al. 2008 style) mark IC ~20 ms before the heel lands."""
    cmp = compare_events(example.ref.events_, example.gaitmap).set_index(["side", "event"])
    assert (cmp["n_matched"] == cmp["n_theirs"]).all()  # every gaitmap event found
    # one extra left stride: a toe-first pivot step in the turn, which gaitmap's
    # mid-stance-to-mid-stance segmentation merges into one 2.3 s stride
    assert (cmp["n_ours"] - cmp["n_theirs"]).to_dict() == {
        ("left", "IC"): 1, ("left", "FC"): 1, ("right", "IC"): 0, ("right", "FC"): 0}
    st = example.ref.strides_
    gm_ic = example.gaitmap.query("side == 'left'")["ic_s"].to_numpy()
    left = st[(st["side"] == "left") & st["ic_s"].between(gm_ic[0], gm_ic[-1])]
    extra = left[[np.abs(gm_ic - t).min() > 0.1 for t in left["ic_s"]]]
    assert len(extra) == 1 and extra["turning"].all() and (extra["strike_point"] == "toe").all()
    ic = cmp.xs("IC", level="event")
    assert ic["bias_ms"].between(14, 23).all()  # observed 17.5 (left), 19.6 (right)
    assert (ic["sd_ms"] < 7).all()  # observed 5.8, 3.9
    fc = cmp.xs("FC", level="event")
    assert (fc["bias_ms"].abs() < 9).all()  # observed -6.4, -2.2
    assert (fc["mae_ms"] < 8).all()  # observed 6.4, 5.0


def test_ic_coincides_with_heel_impact_in_imu(example):
    """Independent physical check of IC: the impact transient of the synchronised foot IMU."""
    from footdrop.io import read

    rec = read(example.path / "imu_sample.csv", fs=204.8)
    for side in ("left", "right"):
        acc = rec[side + "_foot"].acc
        jump = np.linalg.norm(np.diff(acc, axis=0), axis=1) > 40.0  # m/s² per sample
        ours = example.ref.events_.query("side == @side")["ic_s"].dropna().to_numpy()
        theirs = example.gaitmap.query("side == @side")["ic_s"].to_numpy()
        d_ours, d_theirs = [], []
        for t in theirs:
            k0 = int((t - 0.03) * 204.8)
            w = jump[k0: k0 + 18]
            if w.any():
                t_imp = (k0 + np.argmax(w) + 0.5) / 204.8
                d_ours.append(t_imp - ours[np.argmin(np.abs(ours - t))])
                d_theirs.append(t_imp - t)
        assert len(d_ours) >= 25
        assert -0.003 < np.median(d_ours) < 0.008  # observed +4.2 (left), +1.2 ms (right)
        assert np.median(d_theirs) > 0.015  # observed +22 ms


def test_stride_lengths_plausible_and_match_heel_marker(example):
    st = example.ref.strides_
    straight = st[~st["turning"]]
    assert straight["stride_length_m"].between(1.1, 1.5).all()
    assert straight["gait_speed_mps"].between(1.0, 1.45).all()
    # gaitmap's own heel-marker trajectory per stride (position_sample.csv) ends at the same place
    pos = pd.read_csv(example.path / "position_sample.csv").groupby("s_id").last()
    ev = pd.read_csv(example.path / "stride_events_sample.csv")
    diffs = []
    for _, r in ev.iterrows():
        mine = straight[straight["side"] == r["foot"]]
        j = np.argmin(np.abs(mine["next_ic_s"].to_numpy() - r["ic"] / 204.8)) if len(mine) else 0
        if len(mine) and abs(mine["next_ic_s"].iloc[j] - r["ic"] / 204.8) < 0.1:
            gm = np.hypot(pos.loc[r["s_id"], "pos_x"], pos.loc[r["s_id"], "pos_y"])
            diffs.append(mine["stride_length_m"].iloc[j] - gm)
    assert len(diffs) >= 40
    assert np.abs(diffs).max() < 0.002  # observed 1.3 mm
    # the foot centre moves like the heel marker on straight strides
    m = example.markers
    for side, p in (("left", "L_"), ("right", "R_")):
        s = straight[straight["side"] == side]
        i0, i1 = (np.round(s[c].to_numpy() * 100).astype(int) for c in ("ms_s", "next_ms_s"))
        centre = 0.5 * (m[p + "FCC"] + m[p + "TOE"])
        d = np.linalg.norm(centre[i1, :2] - centre[i0, :2], axis=1)
        assert np.abs(d - s["stride_length_m"].to_numpy()).max() < 0.01


def test_turning_strides_flagged_near_the_turns(example):
    st = example.ref.strides_
    turning = st[st["turning"]]
    mid = 0.5 * (turning["ic_s"] + turning["next_ic_s"])
    # the subject turns at about 16-19 s and at the end of the walk (> 32 s)
    assert (mid.between(14.5, 20.0) | (mid > 32.0)).all()
    assert (st.loc[st["heading_change_deg"].abs() > 20, "turning"]).all()
    both_turns = [(mid.between(15.5, 18.5) & (turning["side"] == s)).any()
                  for s in ("left", "right")]
    assert all(both_turns)
    steady = st[(st["ic_s"] > 3) & (st["next_ic_s"] < 14.5)]
    assert not steady["turning"].any()


def test_metrics_plausible_for_healthy_walking(example):
    st = example.ref.strides_
    s = st[~st["turning"]]
    assert s["foot_strike_angle_deg"].between(18, 35).all()  # heel strikes
    assert s["toe_off_angle_deg"].between(-70, -50).all()
    assert s["max_heel_clearance_m"].between(0.19, 0.26).all()
    assert s["min_toe_clearance_m"].abs().max() < 0.012  # TOE marker, relative to stance
    assert s["min_toe_clearance_m"].isna().sum() <= 5
    assert (s["stance_time_s"] / s["stride_time_s"]).between(0.58, 0.70).all()
    assert s["lateral_excursion_m"].between(0.0, 0.1).all()


def test_geometry_on_example_is_symmetric_and_stable(example):
    from footdrop.io import read

    rec = read(example.path / "imu_sample.csv", fs=204.8)
    geo = SensorMarkerGeometry().fit(example.markers, rec, example.ref)
    toe = geo.offsets_.xs("toe_marker", level="point")[["forward", "lateral", "up"]]
    # lateral sensor: the toe marker is ~19 cm ahead, ~6 cm medial, at the sensor's height
    assert toe["forward"].between(0.17, 0.21).all()
    assert toe["lateral"].between(-0.08, -0.045).all()
    assert toe["up"].abs().max() < 0.01
    assert np.abs(toe.loc["left"] - toe.loc["right"]).max() < 0.015
    for side, fit in geo.fits_.items():
        assert abs(fit["lag_s"]) < 0.003  # mocap and IMU are synchronised
        assert 12 < abs(fit["roll_deg"]) < 22  # the ~16° mounting roll
        assert fit["static_gravity_tilt_deg"] < 4
        stab = geo.stability_.loc[side]
        halves = stab.loc[["first half", "second half"], ["toe_forward", "toe_lateral", "toe_up"]]
        assert (halves.max() - halves.min()).max() < 0.01  # observed 6.6 mm (lateral)
