"""The gait simulator: geometry invariants, physics of the signals, truth, files, engine.

Invariants checked on the model (never on the IMU): no sole point below the floor except in
a simulated scuff; IC is the first sole contact after a swing and FC the last one; truth
angles, clearances and lengths are those of the sole geometry; the noiseless signals
integrate back to the trajectory; everything is reproducible from the seed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import footdrop
from footdrop.errors import ConfigError
from footdrop.io import read
from footdrop.simulate import simulate, write_simulation
from footdrop.simulate.truth import floor_clearance

from synthetic import G, strapdown

CONTRACT_COLUMNS = [
    "side", "stride_id", "ic_s", "fc_s", "next_ic_s", "stride_time_s", "stance_time_s",
    "swing_time_s", "stride_length_m", "gait_speed_mps", "foot_strike_angle_deg",
    "toe_off_angle_deg", "mid_swing_pitch_deg", "min_toe_clearance_m", "max_toe_clearance_m",
    "max_heel_clearance_m", "lateral_excursion_m", "toe_scuff",
]


def _exact(**kw):
    kw.setdefault("noise", "none")
    return simulate(**kw)


def _check_floor(result, tol=1e-9):
    """No sole point below the floor, except during swings that scuff; returns the minimum."""
    worst = np.inf
    for side in ("left", "right"):
        model = result.models[side]
        t = np.arange(0.0, result.plan.duration_s, 5e-4)
        clear, swing = floor_clearance(model, result.plan, t)
        scuffing = np.array([s.shape.scuff for s in model.plan.swings] + [False])
        ok = (swing < 0) | ~scuffing[np.where(swing < 0, -1, swing)]
        assert clear[ok].min() >= -tol, f"{side}: sole {clear[ok].min():.2e} m below the floor"
        worst = min(worst, clear[ok].min())
    return worst


def _check_events(result):
    """IC is the first sole contact after a swing; the foot is off the floor in between."""
    for side in ("left", "right"):
        model = result.models[side]
        for sw in model.plan.swings:
            t = np.linspace(sw.t0, sw.t1, 400)[1:-1]
            clear, _ = floor_clearance(model, result.plan, t)
            inner = (t > sw.t0 + 0.1 * (sw.t1 - sw.t0)) & (t < sw.t1 - 0.1 * (sw.t1 - sw.t0))
            if sw.shape.scuff:
                assert clear[inner].min() <= 0
                clear = clear[~inner]
            assert clear.min() > 0, f"{side}: sole on the floor in a swing"
            at_ic, _ = floor_clearance(model, result.plan, np.array([sw.t1]))
            assert abs(at_ic[0]) < 1e-9, f"{side}: no contact at IC ({at_ic[0]:.2e} m)"
            at_fc, _ = floor_clearance(model, result.plan, np.array([sw.t0]))
            assert abs(at_fc[0]) < 1e-9, f"{side}: no contact at FC"


# ------------------------------------------------------------------ geometry invariants
@pytest.mark.parametrize("speed", [0.2, 0.6, 1.2, 2.0])
@pytest.mark.parametrize("severity", ["none", "mild", "moderate", "severe"])
def test_sole_never_below_floor(speed, severity):
    res = _exact(speed=speed, n_strides=5, left=severity, right={"severity": severity,
                                                                 "steppage": True}, seed=3)
    _check_floor(res)
    _check_events(res)


@pytest.mark.parametrize("direction", ["up", "down"])
def test_stairs_clear_the_steps(direction):
    res = _exact(speed=1.0, seed=5, protocol=[("stand", 1), ("walk", 2),
                                                ("stairs", 6, {"direction": direction}),
                                                ("walk", 2), ("stand", 1)])
    _check_floor(res)
    truth = res.truth
    assert truth["stairs"].sum() >= 4
    rise = truth.loc[truth["stairs"], "height_change_m"]
    assert (np.sign(rise) == (1 if direction == "up" else -1)).all()


def test_rest_segments_make_no_strides_and_scuffs_touch():
    res = _exact(speed=0.8, seed=4, left={"severity": "severe", "scuff_rate": 1.0},
                 protocol=[("stand", 2), ("sit", 5), ("weight_shift", 4), ("walk", 6),
                           ("turn", 180), ("walk", 4), ("stand", 2)])
    _check_floor(res)
    _check_events(res)
    left = res.truth[res.truth.side == "left"]
    assert (left["ic_s"] > 11.0).all()  # nothing before the walk
    assert left["toe_scuff"].sum() >= len(left) - 2  # every swing in the walk scuffs
    assert (left["min_sole_height_m"] <= 0).sum() == left["toe_scuff"].sum()
    assert res.truth["turning"].any()
    assert res.labels["left"]["toe_scuffs"] == left["toe_scuff"].sum()


# ------------------------------------------------------------------ physics of the signals
@pytest.mark.parametrize("fs,mounting,tol_m,tol_deg", [
    (100.0, "identity", 0.01, 2.0),  # the test's trapezoid integrator limits this one
    (200.0, "random", 0.003, 1.0),
    (500.0, "identity", 0.002, 0.5),
])
def test_signals_integrate_back_to_the_trajectory(fs, mounting, tol_m, tol_deg):
    res = _exact(n_strides=5, seed=1, fs=fs, mounting=mounting, left="moderate")
    for side in ("left", "right"):
        kin, sensor = res.kinematics[side], res.recording[f"{side}_foot"]
        mount = kin["mount"]  # sensor → foot
        acc, gyr = sensor.acc @ mount.T, sensor.gyr @ mount.T
        truth = res.truth[res.truth.side == side]
        for _, row in truth.iterrows():  # each stride, mid-stance to just after the next IC
            i0, i1 = int(round(row.ms_s * fs)), int(round((row.next_ic_s + 0.05) * fs))
            rs, ps = strapdown(acc[i0:i1 + 1], gyr[i0:i1 + 1], fs, kin["R"][i0],
                                kin["sensor"][i0])
            err = np.linalg.norm(ps - kin["sensor"][i0:i1 + 1], axis=1).max()
            assert err < tol_m, f"{side}: strapdown position off by {err * 1000:.1f} mm"
            dR = np.einsum("nji,njk->nik", rs, kin["R"][i0:i1 + 1])
            ang = np.degrees(np.arccos(np.clip((np.trace(dR, axis1=1, axis2=2) - 1) / 2, -1, 1)))
            assert ang.max() < tol_deg


def test_exact_signals_and_frames():
    res = _exact(n_strides=3, seed=2)
    s = res.recording["left_foot"]
    assert s.frame == "foot" and s.units == {"acc": "m/s^2", "gyr": "deg/s"}
    assert res.recording.synchronised
    still = slice(0, int(1.0 * s.fs))  # standing at the start
    np.testing.assert_allclose(s.acc[still], [[0, 0, G]] * (still.stop), atol=1e-9)
    np.testing.assert_allclose(s.gyr[still], 0, atol=1e-9)
    # the swing looks like a real foot: toes-up rotation and push-off in range at 1.3 m/s
    fast = _exact(n_strides=6, seed=2, speed=1.3)
    g = fast.recording["left_foot"].gyr[:, 1]
    assert -500 < g.min() < -280 and 350 < g.max() < 650
    rot = simulate(n_strides=3, seed=2, mounting="random", noise="typical")
    assert rot.recording["left_foot"].frame == "sensor"
    assert not np.allclose(rot.kinematics["left"]["mount"], np.eye(3))


def test_causal_filter_delays_the_signals():
    zero = _exact(n_strides=4, seed=9)
    causal = _exact(n_strides=4, seed=9, causal_filter=True)
    g0, g1 = zero.recording["left_foot"].gyr[:, 1], causal.recording["left_foot"].gyr[:, 1]
    lag = np.argmax(np.correlate(g1, g0, "full")) - (len(g0) - 1)
    assert lag >= 0 and not np.allclose(g0, g1)


def test_sensor_errors():
    base = _exact(n_strides=3, seed=7)
    # 20 m/s² (about 2 g): the push-off and the landings stay at the rail for several
    # samples (the heel-strike transient alone is only one or two samples wide at 100 Hz)
    noisy = simulate(n_strides=3, seed=7, noise={"preset": "typical", "drop_rate": 0.01,
                                                  "gaps": [(3.0, 0.5)], "acc_range": 20.0})
    a0, a1 = base.recording["left_foot"].acc, noisy.raw_recording["left_foot"].acc
    assert np.isnan(a1[int(3.2 * 100)]).all()
    assert np.nanmax(np.abs(a1)) <= 20.0
    ok = np.isfinite(a1).all(axis=1)
    assert 0 < np.abs(a1[ok] - a0[ok]).mean() < 1.0
    assert len(noisy.recording["left_foot"].segments) == 2
    assert noisy.recording["left_foot"].clipped


def _around_ics(res, side, fs, window):
    """Samples of the noiseless signals from ``window[0]`` to ``window[1]`` s around each
    IC of a steady stride: (lag s, acc, gyr), each (strides, lags, 3); the right foot
    mirrored (+y lateral, +gyr_x eversion on both)."""
    s = res.recording[f"{side}_foot"]
    lag = np.arange(int(window[0] * fs), int(window[1] * fs) + 1) / fs
    rows = res.truth[(res.truth.side == side) & res.truth.level_walking].iloc[1:-1]
    idx = np.round((rows["ic_s"].to_numpy()[:, None] + lag) * fs).astype(int)
    m = np.array([1.0, -1.0, 1.0]) if side == "right" else np.ones(3)
    return lag, s.acc[idx] * m, s.gyr[idx] * -m if side == "right" else s.gyr[idx]


def test_rates_are_continuous_through_contact_and_the_impact_is_vertical():
    """The foot's rotation does not jump at IC: roll and yaw rates change by at most a few
    deg/s per millisecond, the roll rate runs from inversion before IC to eversion after it,
    the heel strike's impact is along the sole's normal (acc_z), about 100 m/s² at 1.3 m/s,
    and it is smaller in flat-foot landings."""
    fs = 1000.0
    res = _exact(speed=1.3, n_strides=8, seed=4, fs=fs)
    for side in ("left", "right"):
        lag, acc, gyr = _around_ics(res, side, fs, (-0.12, 0.1))
        step = np.abs(np.diff(gyr, axis=1)).max(axis=(0, 1))
        assert step[0] < 30.0 and step[2] < 30.0, step  # deg/s per ms: no jump
        gx = np.median(gyr[..., 0], axis=0)
        assert gx[(lag > -0.1) & (lag < -0.06)].mean() < -80.0  # inverting before IC
        assert gx[(lag > 0.015) & (lag < 0.045)].max() > 200.0  # everting after it
        assert np.abs(np.median(gyr[..., 2], axis=0)).max() < 150.0
        near = np.abs(lag) <= 0.05
        norm = np.linalg.norm(acc[:, near], axis=2)
        k = norm.argmax(axis=1)
        peak = acc[:, near][np.arange(len(k)), k]
        assert 70.0 < np.median(norm.max(axis=1)) < 200.0
        assert np.all(np.abs(peak[:, 2]) > 2 * np.abs(peak[:, :2]).max(axis=1))
    flat = _exact(speed=0.8, n_strides=8, seed=4, fs=fs, left="moderate")
    lag, acc, _ = _around_ics(flat, "left", fs, (-0.05, 0.05))
    flat_peak = np.median(np.linalg.norm(acc, axis=2).max(axis=1))
    lag, acc, _ = _around_ics(_exact(speed=0.8, n_strides=8, seed=4, fs=fs), "left", fs,
                              (-0.05, 0.05))
    assert flat_peak < np.median(np.linalg.norm(acc, axis=2).max(axis=1))


def test_swing_is_smooth_and_stance_moves_a_little():
    """No acceleration bump from the keyframes in swing (the largest swing acceleration is
    the braking before IC, forward), and the foot is not frozen in mid-stance: a few deg/s
    that the kinematics hold (sub-degree roll and yaw, no sole point moved)."""
    fs = 500.0
    res = _exact(speed=1.3, n_strides=8, seed=6, fs=fs)
    for side in ("left", "right"):
        s, kin = res.recording[f"{side}_foot"], res.kinematics[side]
        t = np.arange(len(s.acc)) / fs
        rows = res.truth[(res.truth.side == side) & res.truth.level_walking]
        for r in rows.itertuples():
            m = (t > r.fc_s + 0.05) & (t < r.next_ic_s - 0.05)
            acc = s.acc[m]
            j = np.argmax(np.linalg.norm(acc, axis=1))
            assert np.linalg.norm(acc[j]) < 45.0
            assert (t[m][j] - r.fc_s) / r.swing_time_s > 0.7 and acc[j, 0] < 0
            mid = (t > r.ic_s + 0.3 * r.stance_time_s) & (t < r.ic_s + 0.6 * r.stance_time_s)
            g = np.linalg.norm(s.gyr[mid], axis=1).mean()
            assert 2.0 < g < 20.0
            flat = np.abs(kin["t"] - r.ms_s) < 0.08
            assert np.abs(kin["roll"][flat]).max() < 1.5
            d = kin["toe"][flat] - kin["toe"][flat][0]
            assert np.abs(kin["heel"][flat] - kin["heel"][flat][0]).max() < 1e-9
            assert np.abs(d[:, 2]).max() < 1e-9 and np.abs(d).max() < 0.003


def test_push_off_reaches_a_plateau_before_final_contact():
    """The toes-down rate of push-off rises to a plateau some 50 ms before FC and peaks at
    FC, where the toe lets go."""
    fs = 1000.0
    res = _exact(speed=1.3, n_strides=8, seed=6, fs=fs)
    s = res.recording["left_foot"]
    rows = res.truth[(res.truth.side == "left") & res.truth.level_walking]
    for fc in rows["fc_s"]:
        i = int(round(fc * fs))
        g = s.gyr[i - 150:i + 30, 1]
        assert abs(int(np.argmax(g)) - 150) <= 3  # the peak at FC
        plateau = s.gyr[i - 40:i - 10, 1]
        assert plateau.min() > 0.75 * g.max()


# ------------------------------------------------------------------ truth
def test_truth_has_the_contract_columns_and_matches_the_geometry():
    res = _exact(n_strides=6, seed=11, left="mild", right="severe")
    truth = res.truth
    assert set(CONTRACT_COLUMNS) <= set(truth.columns)
    assert set(truth["side"]) == {"left", "right"}
    for side in ("left", "right"):
        model, rows = res.models[side], truth[truth.side == side]
        assert (rows["stride_id"] == np.arange(len(rows))).all()
        for _, r in rows.iterrows():
            ev = model.evaluate(np.array([r.ic_s, r.fc_s, r.ms_s, r.next_ms_s]))
            d = ev["toe"] - ev["heel"]
            pitch = np.degrees(np.arctan2(d[:, 2], np.hypot(d[:, 0], d[:, 1])))
            assert abs(pitch[2]) < 1e-9 and abs(pitch[3]) < 1e-9  # flat at mid-stance
            assert pitch[0] == pytest.approx(r.foot_strike_angle_deg, abs=1e-6)
            assert pitch[1] == pytest.approx(r.toe_off_angle_deg, abs=1e-6)
            step = np.hypot(*(ev["heel"][3, :2] - ev["heel"][2, :2]))
            assert step == pytest.approx(r.stride_length_m, abs=1e-9)
            assert r.gait_speed_mps == pytest.approx(r.stride_length_m / r.stride_time_s)
            t = np.linspace(r.fc_s, r.next_ic_s, 2000)
            sw = model.evaluate(t)
            floor = model.fp_heel[0, 2]
            assert sw["heel"][:, 2].max() - floor == pytest.approx(r.max_heel_clearance_m,
                                                                    abs=2e-4)
            if np.isfinite(r.min_toe_clearance_m):
                j = np.argmin(np.abs(t - r.mtc_time_s))
                assert sw["toe"][j, 2] - floor == pytest.approx(r.min_toe_clearance_m, abs=1e-4)
                win = (t > r.mtc_time_s - 0.03) & (t < r.mtc_time_s + 0.03)
                assert sw["toe"][win, 2].min() >= r.min_toe_clearance_m + floor - 1e-4
    assert res.labels["left"]["severity"] == "mild" and res.labels["left"]["foot_drop"]
    assert res.labels["right"]["severity"] == "severe"


def test_more_severe_means_lower_strike_angle_and_mtc():
    strike, mtc = [], []
    for sev in ("none", "mild", "moderate", "severe"):
        res = _exact(speed=0.9, n_strides=8, seed=1, left=sev, variability=0.0)
        left = res.truth[res.truth.side == "left"]
        strike.append(left["foot_strike_angle_deg"].median())
        mtc.append(left["min_toe_clearance_m"].median())
    assert np.all(np.diff(strike) < 0), strike
    assert np.all(np.diff(mtc) < 0), mtc
    assert strike[0] > 15 and abs(strike[2]) < 5 and strike[3] < -5  # heel, flat, toe first


def test_reproducible_with_seed():
    a = simulate(n_strides=4, seed=42, left="moderate", noise="typical")
    b = simulate(n_strides=4, seed=42, left="moderate", noise="typical")
    c = simulate(n_strides=4, seed=43, left="moderate", noise="typical")
    np.testing.assert_array_equal(a.recording["left_foot"].acc, b.recording["left_foot"].acc)
    num = a.truth.select_dtypes("number").columns
    np.testing.assert_array_equal(a.truth[num].to_numpy(float), b.truth[num].to_numpy(float))
    assert not np.array_equal(a.truth["ic_s"].to_numpy(), c.truth["ic_s"].to_numpy())


def test_write_simulation_round_trip(tmp_path):
    res = simulate(n_strides=3, seed=3, right="moderate", mounting="random")
    paths = write_simulation(res, tmp_path)
    bids = read(tmp_path / "bids" / "sub-01" / "motion")
    csv = read(paths["gaitmap_csv"], fs=100)
    for rec in (bids, csv):
        for p in ("left_foot", "right_foot"):
            np.testing.assert_allclose(rec[p].acc, res.raw_recording[p].acc, atol=1e-6)
            np.testing.assert_allclose(rec[p].gyr, res.raw_recording[p].gyr, atol=1e-6)
    assert bids["left_foot"].frame == "sensor"
    doc = json.loads(paths["labels"].read_text())
    assert doc["sides"]["right"]["severity"] == "moderate" and doc["fs_hz"] == 100.0
    import pandas as pd

    truth = pd.read_csv(paths["truth"])
    assert set(CONTRACT_COLUMNS) <= set(truth.columns) and len(truth) == len(res.truth)
    with pytest.raises(footdrop.ConfigError):
        write_simulation(res, tmp_path)


def test_closing_half_step_is_not_level_walking_and_severity_text_is_read():
    res = _exact(n_strides=4, seed=3, left="0.5", right=" Mild ")
    assert res.labels["left"]["severity_value"] == 0.5
    assert res.labels["right"]["severity"] == "mild"
    for side in ("left", "right"):
        rows = res.truth[res.truth.side == side]
        short = rows["stride_length_m"] < 0.7 * rows["stride_length_m"].median()
        assert not rows.loc[short, "level_walking"].any()
    last = res.truth.loc[res.truth["ic_s"].idxmax()]
    assert not last["level_walking"]  # the closing half step: stopping, not steady walking
    assert res.truth["level_walking"].sum() >= len(res.truth) - 2


def test_cli_takes_a_numeric_severity(tmp_path, monkeypatch, capsys):
    import sys

    from footdrop.cli import main

    out = tmp_path / "sim"
    monkeypatch.setattr(sys, "argv", ["footdrop", "simulate", "--out", str(out), "--n-strides",
                                      "3", "--left-severity", "0.5", "--noise", "none"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code in (0, None), capsys.readouterr().err
    doc = json.loads((out / "labels.json").read_text())
    assert doc["sides"]["left"]["severity_value"] == 0.5


def test_bad_parameters_are_refused():
    with pytest.raises(footdrop.ConfigError):
        simulate(speed=3.0)
    with pytest.raises(footdrop.ConfigError):
        simulate(left="very bad")
    with pytest.raises(footdrop.ConfigError):
        simulate(toe_offset=(0.19, 0.0, -0.055))  # not the heel's lateral offset
    with pytest.raises(footdrop.ConfigError):
        simulate(noise="loud")


# ------------------------------------------------------------------ property test
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(speed=st.floats(0.2, 2.0), left=st.floats(0.0, 1.0), right=st.floats(0.0, 1.0),
       steppage=st.sampled_from([0.0, 0.03, 0.06]), circ=st.sampled_from([0.0, 0.1]),
       n=st.integers(2, 5), fs=st.sampled_from([60.0, 100.0, 128.0, 204.8]),
       variability=st.floats(0.0, 2.0), fatigue=st.floats(0.0, 1.0),
       turns=st.integers(0, 1), seed=st.integers(0, 10_000))
def test_invariants_hold_for_random_parameters(speed, left, right, steppage, circ, n, fs,
                                                variability, fatigue, turns, seed):
    res = _exact(speed=speed, n_strides=2 * n if turns else n, turns=turns, fs=fs,
                 left={"severity": left, "steppage_m": steppage},
                 right={"severity": right, "circumduction_m": circ},
                 variability=variability, fatigue=fatigue, seed=seed)
    _check_floor(res)
    _check_events(res)
    truth = res.truth
    assert (truth["stride_time_s"] > 0).all() and (truth["swing_time_s"] > 0).all()
    assert (truth["stance_time_s"] > truth["swing_time_s"] * 0.8).all()
    assert truth[CONTRACT_COLUMNS[2:13]].notna().all().all()
    s = res.recording["left_foot"]
    assert np.isfinite(s.acc).all() and np.isfinite(s.gyr).all()
    assert len(s.acc) == int(np.ceil(res.plan.duration_s * fs))


# ------------------------------------------------------------------ the real engine
def test_engine_finds_the_strides_of_a_simulated_normal_walk():
    res = simulate(speed=1.2, n_strides=20, seed=1)  # typical sensor noise
    strides, _ = footdrop.analyze(res.recording, toe_offset=(0.19, -0.06, -0.055),
                                  heel_offset=(-0.06, -0.06, -0.055))
    for side in ("left", "right"):
        truth, est = res.truth[res.truth.side == side], strides[strides.side == side]
        assert len(est) == len(truth)
        d_ic = est["ic_s"].to_numpy() - truth["ic_s"].to_numpy()
        assert np.abs(d_ic).max() < 0.02
        d_len = est["stride_length_m"].to_numpy() - truth["stride_length_m"].to_numpy()
        assert np.abs(d_len).max() < 0.05
        d_strike = est["foot_strike_angle_deg"].to_numpy() - truth["foot_strike_angle_deg"]
        assert np.abs(d_strike).max() < 3.0


def test_numeric_severity_given_as_text():
    from footdrop.simulate import severity_value

    assert severity_value("0.5") == 0.5 and severity_value(" Mild ") == severity_value("mild")
    with pytest.raises(ConfigError):
        severity_value("lots")
