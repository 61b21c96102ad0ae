"""Lower-back and shank sensors of the simulator: physics of the signals, pelvis and shank
kinematics against gait norms, hip hiking, seeds, files and the command line.

The feet's signals must not change when body sensors are added (the engine's validation
and the foot tests rely on them): the body sensors draw from their own children of the seed.
"""

from __future__ import annotations

import json
import sys

import numpy as np
import pandas as pd
import pytest

import footdrop
from footdrop.io import read
from footdrop.simulate import simulate, write_simulation

from synthetic import G, strapdown

BODY = ("lower_back", "left_shank", "right_shank")


@pytest.fixture(scope="module")
def walk():
    """A noiseless walk at 1.2 m/s with every body sensor, 200 Hz, random mountings."""
    return simulate(n_strides=6, seed=1, fs=200.0, noise="none", mounting="random",
                    lower_back=True, shanks=True)


# ------------------------------------------------------------------ physics of the signals
@pytest.mark.parametrize("placement,tol_m", [("lower_back", 0.002), ("left_shank", 0.004),
                                             ("right_shank", 0.004)])
def test_signals_integrate_back_to_the_trajectory(walk, placement, tol_m):
    kin, sensor = walk.body_kinematics[placement], walk.recording[placement]
    fs, mount = sensor.fs, kin["mount"]
    assert sensor.frame == "sensor" and not np.allclose(mount, np.eye(3))
    acc, gyr = sensor.acc @ mount.T, sensor.gyr @ mount.T  # into the segment frame
    side = "left" if placement == "lower_back" else placement.split("_")[0]
    truth = walk.truth[walk.truth.side == side]
    for _, row in truth.iterrows():  # each stride, mid-stance to just after the next IC
        i0, i1 = int(round(row.ms_s * fs)), int(round((row.next_ic_s + 0.05) * fs))
        p = kin["sensor"]
        v0 = (p[i0 + 1] - p[i0 - 1]) * fs / 2
        rs, ps = strapdown(acc[i0:i1 + 1], gyr[i0:i1 + 1], fs, kin["R"][i0], p[i0], v0)
        err = np.linalg.norm(ps - p[i0:i1 + 1], axis=1).max()
        assert err < tol_m, f"{placement}: strapdown position off by {err * 1000:.1f} mm"
        dR = np.einsum("nji,njk->nik", rs, kin["R"][i0:i1 + 1])
        ang = np.degrees(np.arccos(np.clip((np.trace(dR, axis1=1, axis2=2) - 1) / 2, -1, 1)))
        assert ang.max() < 0.5


def test_standing_is_still_and_sitting_is_lower():
    res = simulate(protocol=[("stand", 3), ("sit", 6), ("weight_shift", 4), ("walk", 3),
                             ("stand", 3)], seed=2, noise="none", lower_back=True, shanks=True)
    lb = res.recording["lower_back"]
    still = slice(0, int(1.0 * lb.fs))
    np.testing.assert_allclose(lb.acc[still], [[0, 0, G]] * still.stop, atol=1e-6)
    np.testing.assert_allclose(lb.gyr[still], 0, atol=1e-6)
    for p in BODY:
        s = res.recording[p]
        assert np.isfinite(s.acc).all() and np.isfinite(s.gyr).all()
        assert np.abs(s.acc).max() < 16 * G and np.abs(s.gyr).max() < 2000
    kin = res.body_kinematics["lower_back"]
    t = kin["t"]
    sitting = (t > 5.5) & (t < 6.5)
    assert kin["sensor"][0, 2] == pytest.approx(1.0, abs=1e-9)  # the sensor height
    assert kin["height"][sitting].max() < 0.55 and kin["tilt"][sitting].min() > 10
    knee = res.body_kinematics["left_shank"]["knee_flexion"]
    assert knee[sitting].min() > 80 and knee[t < 1].max() < 6


# ------------------------------------------------------------------ pelvis and shank norms
def test_lower_back_moves_like_a_pelvis(walk):
    kin, bt = walk.body_kinematics["lower_back"], walk.body_truth
    t, h = kin["t"], kin["height"]
    steady = walk.truth[walk.truth.level_walking].iloc[1:-1]
    for _, r in walk.truth.iloc[2:-2].iterrows():  # two highs per stride, 2-5 cm
        seg = h[(t >= r.ic_s) & (t < r.next_ic_s)]
        peaks = np.flatnonzero((seg[1:-1] > seg[:-2]) & (seg[1:-1] >= seg[2:])) + 1
        assert len(peaks) == 2
        assert 0.02 < np.ptp(seg) < 0.05
    rows = bt.loc[steady.index]
    assert rows["pelvis_lateral_range_m"].between(0.02, 0.045).all()
    assert rows["pelvis_obliquity_range_deg"].between(6, 10).all()
    assert rows["pelvis_rotation_range_deg"].between(6, 10).all()
    assert (rows["pelvis_obliquity_swing_min_deg"] < -3).all()  # the swing side drops
    # lowest in double support, highest in mid single support
    for _, r in steady.iterrows():
        other = walk.truth[(walk.truth.side != r.side) & (walk.truth.ic_s > r.ic_s)]
        if other.empty:
            continue
        o = other.iloc[0]
        ds = 0.5 * (o.ic_s + walk.truth.loc[(walk.truth.side == r.side)
                                            & (walk.truth.ic_s == r.ic_s), "fc_s"].iloc[0])
        ss = 0.5 * (r.fc_s + r.next_ic_s)  # mid-swing of this foot: single support
        seg = (t >= r.ic_s) & (t < r.next_ic_s)
        lo, hi = h[seg].min(), h[seg].max()
        assert np.interp(ds, t, h) < lo + 0.2 * (hi - lo)
        assert np.interp(ss, t, h) > hi - 0.2 * (hi - lo)
    # in the sensor's own signals: vertical at the step rate, lateral at the stride rate
    lb = walk.recording["lower_back"]
    world = np.einsum("nij,nj->ni", kin["R"] @ kin["mount"], lb.acc)
    f0 = 1 / steady["stride_time_s"].median()
    sel = (t > steady.ic_s.min()) & (t < steady.next_ic_s.max())
    f = np.fft.rfftfreq(sel.sum(), 1 / lb.fs)

    def spectrum(x):
        return np.abs(np.fft.rfft(x - x.mean()))

    fwd = np.stack([np.cos(np.deg2rad(kin["heading"])), np.sin(np.deg2rad(kin["heading"]))], 1)
    lat = -world[:, 0] * fwd[:, 1] + world[:, 1] * fwd[:, 0]
    vert, side = spectrum(world[sel, 2]), spectrum(lat[sel])
    assert abs(f[np.argmax(vert)] - 2 * f0) < 0.2 * f0
    assert abs(f[np.argmax(side)] - f0) < 0.2 * f0


def test_shank_angles_and_knee_flexion_are_in_the_normal_range(walk):
    tr = walk.truth
    inner = tr.level_walking & (tr.stride_id > 0) & (tr.stride_id < tr.groupby(
        "side").stride_id.transform("max"))
    bt = walk.body_truth[inner]
    assert bt["shank_angle_min_deg"].between(-30, -10).all()  # at IC, ankle ahead of knee
    assert bt["shank_angle_max_deg"].between(40, 62).all()  # early swing
    assert bt["shank_angle_range_deg"].between(55, 90).all()
    assert bt["knee_flexion_ic_deg"].median() < 15 and (bt["knee_flexion_ic_deg"] < 20).all()
    assert bt["knee_flexion_max_stance_deg"].between(15, 60).all()  # up to toe-off
    assert bt["knee_flexion_max_swing_deg"].between(55, 78).all()
    k = walk.body_kinematics["left_shank"]  # the sensor sits on the shank, 20 cm up, lateral
    d = np.linalg.norm(k["sensor"] - k["ankle"], axis=1)
    assert np.abs(d - np.hypot(0.05, 0.20)).max() < 0.01


# ------------------------------------------------------------------ hip hiking
def test_hip_hiking_raises_the_swing_side_and_sets_the_label():
    kw = dict(n_strides=6, seed=5, noise="none", lower_back=True, speed=1.0)
    base = simulate(**kw, left="moderate")
    hike = simulate(**kw, left={"severity": "moderate", "hip_hiking": 0.5})
    assert hike.labels["left"]["compensation"]["hip_hiking"]
    assert hike.labels["left"]["hip_hiking_deg"] == pytest.approx(4.0)
    assert not hike.labels["right"]["compensation"]["hip_hiking"]
    assert not base.labels["left"]["compensation"]["hip_hiking"]
    np.testing.assert_array_equal(base.truth["ic_s"], hike.truth["ic_s"])  # same timeline
    kb, kh = base.body_kinematics["lower_back"], hike.body_kinematics["lower_back"]
    t, fs = kb["t"], base.recording["lower_back"].fs
    gb, gh = base.recording["lower_back"].gyr, hike.recording["lower_back"].gyr
    left_hiked = 0
    for sw in hike.models["left"].plan.swings:
        mid = 0.5 * (sw.t0 + sw.t1)
        d = np.interp(mid, t, kh["obliquity"]) - np.interp(mid, t, kb["obliquity"])
        if sw.shape.scuff:  # a scuffing swing: the compensation failed
            assert d == pytest.approx(0.0, abs=1e-9)
            continue
        assert d == pytest.approx(4.0, abs=0.01)  # the left side up by the asked amount
        left_hiked += 1
        # ... and the sensor's roll rate says so (sensor axes = pelvis axes here)
        i0, i1 = int(sw.t0 * fs), int(round(mid * fs))
        rise = np.trapezoid(gh[i0:i1 + 1, 0] - gb[i0:i1 + 1, 0], dx=1 / fs)
        assert rise == pytest.approx(4.0, abs=0.3)
    assert left_hiked >= 5
    for sw in hike.models["right"].plan.swings:
        mid = 0.5 * (sw.t0 + sw.t1)
        assert np.interp(mid, t, kh["obliquity"]) == pytest.approx(
            np.interp(mid, t, kb["obliquity"]), abs=1e-9)
    bh, bb = hike.body_truth, base.body_truth
    left = (bh.side == "left") & (bh.hip_hike_deg > 0)
    assert left.sum() >= 4 and (bh.loc[bh.side == "right", "hip_hike_deg"] == 0).all()
    col = "pelvis_obliquity_mid_swing_deg"  # normally the swing side hangs below level
    assert (bb.loc[left, col] < 0).all() and (bh.loc[left, col] > 2).all()
    np.testing.assert_allclose(bh.loc[left, col] - bb.loc[left, col], 4.0, atol=0.01)
    assert (bh.loc[left, "pelvis_obliquity_swing_max_deg"]
            > bb.loc[left, "pelvis_obliquity_swing_max_deg"]).all()
    # the hip lifts the swing foot with it, by up to 18 cm · sin 4° at mid-swing
    tl, bl = hike.truth[left], base.truth[left]
    gain = (tl["min_toe_clearance_m"] - bl["min_toe_clearance_m"]).dropna().to_numpy()
    assert len(gain) >= 3 and np.all((gain > 0.006) & (gain < 0.18 * np.sin(np.deg2rad(4))
                                                         + 1e-4))


# ------------------------------------------------------------------ seeds and the feet
def test_reproducible_with_seed_and_feet_unchanged():
    kw = dict(n_strides=4, left="moderate", noise="typical", mounting="random")
    a = simulate(seed=42, lower_back=True, shanks=True, **kw)
    b = simulate(seed=42, lower_back=True, shanks=True, **kw)
    c = simulate(seed=43, lower_back=True, shanks=True, **kw)
    feet_only = simulate(seed=42, **kw)
    for p in BODY:
        np.testing.assert_array_equal(a.raw_recording[p].acc, b.raw_recording[p].acc)
        np.testing.assert_array_equal(a.raw_recording[p].gyr, b.raw_recording[p].gyr)
        assert not np.array_equal(a.raw_recording[p].gyr[:50], c.raw_recording[p].gyr[:50])
    assert set(feet_only.raw_recording.sensors) == {"left_foot", "right_foot"}
    for p in ("left_foot", "right_foot"):  # bit-identical feet with or without body sensors
        np.testing.assert_array_equal(a.raw_recording[p].acc, feet_only.raw_recording[p].acc)
        np.testing.assert_array_equal(a.raw_recording[p].gyr, feet_only.raw_recording[p].gyr)
    pd.testing.assert_frame_equal(a.truth, feet_only.truth)
    # one body sensor alone gets the same signals as with the others
    d = simulate(seed=42, lower_back=True, **kw)
    np.testing.assert_array_equal(d.raw_recording["lower_back"].gyr,
                                  a.raw_recording["lower_back"].gyr)


def test_feet_keep_their_signals_from_before_the_body_sensors():
    """Golden values of the default walk (typical noise, seed 1): the body sensors and hip
    hiking at level 0 leave the feet's signals as they were. A deliberate change of the
    foot model updates them; they were last updated with the realism review of the foot
    model (rates continuous through IC, the heel-strike impact along the sole's normal,
    smooth swing keys, stance micro-motion, the push-off plateau, stride variability and
    a speed drift, and the impact transients band-limited without pre-ringing)."""
    res = simulate(n_strides=6, seed=1, left={"severity": 0.0, "hip_hiking": 0.0})
    golden = {"left_foot": (3.7101592290708, 0.6918404669869489),
              "right_foot": (3.7953657770354674, -0.23225439308221837)}
    for p, (acc, gyr) in golden.items():
        s = res.raw_recording[p]
        assert s.acc[::7].mean() == pytest.approx(acc, rel=1e-12)
        assert s.gyr[::7].mean() == pytest.approx(gyr, rel=1e-12)


# ------------------------------------------------------------------ files and the CLI
def test_write_simulation_round_trip_with_body_sensors(tmp_path):
    res = simulate(n_strides=3, seed=3, right={"hip_hiking": True}, lower_back=True,
                   shanks=True, mounting="random")
    paths = write_simulation(res, tmp_path)
    bids = read(tmp_path / "bids" / "sub-01" / "motion")
    assert set(bids.sensors) == {"left_foot", "right_foot", *BODY}
    for p in bids.sensors:
        np.testing.assert_allclose(bids[p].acc, res.raw_recording[p].acc, atol=1e-6)
        np.testing.assert_allclose(bids[p].gyr, res.raw_recording[p].gyr, atol=1e-6)
    csv = read(paths["gaitmap_csv"], fs=100)  # the gaitmap layout holds the feet only
    assert set(csv.sensors) == {"left_foot", "right_foot"}
    body = pd.read_csv(paths["body_truth"])
    assert len(body) == len(res.truth) and "pelvis_obliquity_swing_max_deg" in body
    doc = json.loads(paths["labels"].read_text())
    assert doc["sides"]["right"]["compensation"]["hip_hiking"] is True
    assert set(doc["mounting"]) == {"left", "right", *BODY}


def test_cli_simulate_with_body_sensors(tmp_path, monkeypatch, capsys):
    from footdrop.cli import main

    out = tmp_path / "sim"
    monkeypatch.setattr(sys, "argv", ["footdrop", "simulate", "--out", str(out), "--n-strides",
                                      "3", "--lower-back", "--shanks", "--left-hip-hiking",
                                      "0.5", "--noise", "none"])
    with pytest.raises(SystemExit) as exc:
        main()
    assert exc.value.code in (0, None), capsys.readouterr().err
    rec = read(out / "bids" / "sub-01" / "motion")
    assert set(BODY) <= set(rec.sensors)
    doc = json.loads((out / "labels.json").read_text())
    assert doc["sides"]["left"]["hip_hiking_deg"] == pytest.approx(4.0)
    assert (out / "body_truth.csv").exists()


def test_bad_body_parameters_are_refused():
    with pytest.raises(footdrop.ConfigError):
        simulate(lower_back=True, lower_back_height_m=0.3)
    with pytest.raises(footdrop.ConfigError):
        simulate(left={"hip_hiking": 2.0})
    with pytest.raises(footdrop.ConfigError):
        simulate(shanks=True, shank_sensor_offset=(0.0, 0.05, 0.9))
    with pytest.raises(footdrop.ConfigError):
        simulate(shanks=True, body={"femur_m": 0.4})
