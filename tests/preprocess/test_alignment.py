"""Mounting alignment: synthetic feet in known orientations, and the real example recordings."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.ndimage import uniform_filter1d
from scipy.spatial.transform import Rotation

import footdrop.io
from footdrop.errors import ConfigError
from footdrop.preprocess.alignment import (
    FootAlignment,
    align_to_foot,
    mapping_text,
    side_verdict,
    signed_permutations,
)
from footdrop.recording import Recording, Sensor

G = 9.80665


# --------------------------------------------------------------------------------------
# a kinematically consistent synthetic walking foot


def synthetic_foot(
    fs: float = 100.0, n_strides: int = 20, side: str = "left", seed: int = 0,
    stride_s: float = 1.1, swing_frac: float = 0.45,
) -> tuple[np.ndarray, np.ndarray]:
    """Acc (m/s²) and gyr (deg/s) of a walking foot, in the foot frame, from its motion.

    Stance is still and flat. In each swing the foot first pitches toes-down (push-off), then
    turns toes-up (negative gyr_y) to land toes-up, and moves forward 1.3 m. As in real feet,
    the pitch axis is 12° oblique (toe-out) and the foot tilts onto its outer edge in swing.
    The right foot is the mirror image of the left.
    """
    rng = np.random.default_rng(seed)
    n = int(round(stride_s * fs)) * n_strides + int(fs)
    t = np.arange(n) / fs
    phase = (t % stride_s) / stride_s
    moving = phase > 1 - swing_frac
    s = np.where(moving, (phase - (1 - swing_frac)) / swing_frac, 0.0)
    stride_no = np.floor(t / stride_s)
    sole_pitch = np.where(moving, -15 * np.sin(np.pi * s) - 35 * np.sin(2 * np.pi * s), 0.0)
    roll = np.where(moving, -8 * np.sin(np.pi * s), 0.0)
    mirror = 1.0 if side == "left" else -1.0
    oblique = np.radians(12.0)
    axis = np.array([mirror * np.sin(oblique), np.cos(oblique), 0.0])
    rot = Rotation.from_rotvec(np.outer(np.radians(-sole_pitch), axis)) * Rotation.from_rotvec(
        np.outer(np.radians(mirror * roll), [1.0, 0.0, 0.0])
    )
    x = 1.3 * (stride_no + np.where(moving, s - np.sin(2 * np.pi * s) / (2 * np.pi), 0.0))
    y = np.where(moving, mirror * 0.02 * np.sin(np.pi * s) ** 2, 0.0)
    z = np.where(moving, 0.08 * np.sin(np.pi * s) ** 2, 0.0)
    pos = np.c_[x, y, z]
    acc_world = np.gradient(np.gradient(pos, 1 / fs, axis=0), 1 / fs, axis=0) + [0, 0, G]
    acc = rot.inv().apply(acc_world)
    step = rot[:-1].inv() * rot[1:]
    gyr = np.degrees(np.vstack([step.as_rotvec(), [0.0, 0.0, 0.0]]) * fs)
    acc += rng.normal(0, 0.05, acc.shape)
    gyr += rng.normal(0, 0.5, gyr.shape)
    return acc, gyr


_FOOT = {side: synthetic_foot(side=side, seed=i) for i, side in enumerate(("left", "right"))}


def one_foot(rot: Rotation | np.ndarray | None = None, *, side: str = "left",
             frame: str = "sensor", mag: bool = False) -> Recording:
    """A one-sensor recording of the synthetic foot, its axes turned by ``rot``.

    ``rot`` maps foot-frame vectors to sensor-frame vectors, so the true alignment is its
    inverse.
    """
    acc, gyr = _FOOT[side]
    m = np.eye(3) if rot is None else (rot.as_matrix() if isinstance(rot, Rotation) else rot)
    sensor = Sensor(placement=f"{side}_foot", fs=100.0, acc=acc @ m.T, gyr=gyr @ m.T,
                    frame=frame)
    if mag:
        sensor.mag = np.tile(m @ [20.0, 5.0, -40.0], (len(acc), 1))
    return Recording(sensors={sensor.placement: sensor})


def angle_deg(r: np.ndarray) -> float:
    """Angle of the rotation matrix ``r``."""
    return float(np.degrees(np.linalg.norm(Rotation.from_matrix(r).as_rotvec())))


# --------------------------------------------------------------------------------------
# synthetic: orientation recovery


def test_identity_mounting_is_kept():
    fa = FootAlignment().align(one_foot())
    info = fa.report_["left_foot"]
    assert info["axis_mapping"] == "x←x, y←y, z←z"
    assert angle_deg(fa.rotations_["left_foot"]) < 1.0
    assert fa.recording_["left_foot"].frame == "foot"


@pytest.mark.parametrize("k", range(24))
def test_every_axis_permutation_is_undone_exactly(k):
    perm = signed_permutations()[k].astype(float)
    fa = FootAlignment(level="none").align(one_foot(perm))
    np.testing.assert_array_equal(fa.rotations_["left_foot"], perm.T)
    out = fa.recording_["left_foot"]
    np.testing.assert_allclose(out.gyr, _FOOT["left"][1], atol=1e-9)


def test_permutation_plus_tilt_is_levelled_in_pitch():
    """A sensor tilted 30° nose-up (like the Voisard instep sensors) in odd axes."""
    perm = signed_permutations()[7].astype(float)
    tilt = Rotation.from_euler("y", -30, degrees=True).as_matrix()  # toes-up about y
    fa = FootAlignment().align(one_foot(perm @ tilt))
    out = fa.recording_["left_foot"]
    assert fa.report_["left_foot"]["axis_mapping"] == mapping_text(perm.T)
    assert angle_deg(fa.rotations_["left_foot"] @ perm @ tilt) < 1.0
    assert abs(fa.report_["left_foot"]["levelling_rotation_deg"][1]) == pytest.approx(30, abs=1)
    still = np.linalg.norm(_FOOT["left"][1], axis=1) < 5
    assert np.median(out.acc[still, 2]) == pytest.approx(G, abs=0.05)
    assert "levelled by 30.0° in pitch" in " ".join(fa.recording_.warnings)


@pytest.mark.parametrize("seed", range(8))
def test_random_rotation_recovered_with_full_level(seed):
    q = Rotation.random(random_state=seed)
    fa = FootAlignment(level="full", heading="estimate").align(one_foot(q))
    assert angle_deg(fa.rotations_["left_foot"] @ q.as_matrix()) < 3.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.floats(-1, 1), min_size=4, max_size=4).filter(
    lambda v: np.linalg.norm(v) > 0.2))
def test_random_rotation_recovered_hypothesis(quat):
    q = Rotation.from_quat(quat)
    fa = FootAlignment(level="full", heading="estimate").align(one_foot(q, side="right"))
    assert angle_deg(fa.rotations_["right_foot"] @ q.as_matrix()) < 3.0
    # default heading: gravity exact, the yaw left is the reported one and at most max_yaw_deg
    fa = FootAlignment(level="full").align(one_foot(q, side="right"))
    r = fa.rotations_["right_foot"] @ q.as_matrix()
    assert np.degrees(np.arccos(np.clip(r[2, 2], -1, 1))) < 1.0
    yaw = np.degrees(np.arctan2(r[1, 0], r[0, 0]))
    assert abs(yaw) < fa.max_yaw_deg + 3
    assert abs(abs(yaw) - abs(fa.report_["right_foot"]["residual_yaw_deg"])) < 3


def test_diagonal_strap_is_corrected_in_auto_and_reported_in_snap():
    q = Rotation.from_euler("z", 40, degrees=True)
    fa = FootAlignment().align(one_foot(q))
    assert abs(fa.report_["left_foot"]["yaw_correction_deg"]) == pytest.approx(40, abs=3)
    assert angle_deg(fa.rotations_["left_foot"] @ q.as_matrix()) < 3.0
    assert any("strapped at an angle" in w for w in fa.recording_.warnings)

    fa = FootAlignment(heading="snap").align(one_foot(q))
    assert fa.report_["left_foot"]["yaw_correction_deg"] == 0.0
    assert abs(fa.report_["left_foot"]["residual_yaw_deg"]) == pytest.approx(40, abs=3)
    assert any(re.search("turned by about 4[0-2]°", w) and "not corrected" in w
               for w in fa.recording_.warnings)


def test_small_heading_error_is_not_corrected():
    q = Rotation.from_euler("z", 10, degrees=True)
    fa = FootAlignment().align(one_foot(q))
    assert fa.report_["left_foot"]["yaw_correction_deg"] == 0.0
    assert abs(fa.report_["left_foot"]["residual_yaw_deg"]) == pytest.approx(10, abs=3)
    assert not any("turned by" in w for w in fa.recording_.warnings)


# --------------------------------------------------------------------------------------
# synthetic: declared foot frame, flips


def test_declared_foot_frame_confirmed():
    fa = FootAlignment().align(one_foot(frame="foot"))
    assert fa.report_["left_foot"]["flip"] is None
    assert any("declared foot frame confirmed" in w for w in fa.recording_.warnings)


@pytest.mark.parametrize("axis", ["x", "y"])
def test_upside_down_declared_foot_frame_is_reported_and_fixed(axis):
    q = Rotation.from_euler(axis, 180, degrees=True)
    fa = FootAlignment().align(one_foot(q, frame="foot"))
    assert fa.report_["left_foot"]["flip"] == "upside down"
    assert any("upside down" in w and "z axis pointed down" in w
               for w in fa.recording_.warnings)
    assert angle_deg(fa.rotations_["left_foot"] @ q.as_matrix()) < 1.0
    assert np.median(fa.recording_["left_foot"].acc[:, 2]) > 9


def test_back_to_front_declared_foot_frame_is_reported():
    q = Rotation.from_euler("z", 180, degrees=True)
    fa = FootAlignment().align(one_foot(q, frame="foot"))
    assert fa.report_["left_foot"]["flip"] == "back to front"
    assert any("back to front" in w for w in fa.recording_.warnings)
    assert angle_deg(fa.rotations_["left_foot"] @ q.as_matrix()) < 1.0


def test_sensor_frame_input_is_not_called_flipped():
    q = Rotation.from_euler("x", 180, degrees=True)
    fa = FootAlignment().align(one_foot(q, frame="sensor"))
    assert fa.report_["left_foot"]["flip"] is None
    assert not any("upside down" in w for w in fa.recording_.warnings)


# --------------------------------------------------------------------------------------
# synthetic: data handling


def test_nan_gaps_pass_through():
    q = Rotation.from_euler("xyz", [100, -20, 30], degrees=True)
    rec = one_foot(q, mag=True)
    s = rec["left_foot"]
    s.acc[500:700] = np.nan
    s.gyr[500:700] = np.nan
    s.mag[500:700] = np.nan
    s.gyr[1000, 1] = np.nan  # one missing channel makes the whole rotated row missing
    s.segments = [(0, 500), (700, s.n_samples)]
    fa = FootAlignment().align(rec)
    out = fa.recording_["left_foot"]
    for arr in (out.acc, out.gyr, out.mag):
        assert np.isnan(arr[500:700]).all()
        assert np.isfinite(arr[:500]).all() and np.isfinite(arr[700:1000]).all()
    assert np.isnan(out.gyr[1000]).all() and np.isfinite(out.acc[1000]).all()
    assert out.segments == [(0, 500), (700, s.n_samples)]
    clean = FootAlignment().align(one_foot(q)).rotations_["left_foot"]
    assert angle_deg(fa.rotations_["left_foot"] @ clean.T) < 0.5


def test_mag_is_rotated_with_the_same_matrix():
    q = Rotation.from_euler("xyz", [10, 80, -170], degrees=True)
    fa = FootAlignment(level="full", heading="estimate").align(one_foot(q, mag=True))
    np.testing.assert_allclose(fa.recording_["left_foot"].mag[0], [20.0, 5.0, -40.0], atol=1.5)


def test_input_untouched_and_other_sensors_left_alone():
    rec = one_foot(Rotation.from_euler("x", 90, degrees=True))
    back = Sensor(placement="lower_back", fs=100.0, acc=rec["left_foot"].acc.copy(),
                  gyr=rec["left_foot"].gyr.copy())
    rec.sensors["lower_back"] = back
    before = rec["left_foot"].acc.copy()
    out = align_to_foot(rec)
    np.testing.assert_array_equal(rec["left_foot"].acc, before)
    assert rec["left_foot"].frame == "sensor" and rec["left_foot"].alignment is None
    assert out["lower_back"].frame == "sensor" and out["lower_back"].alignment is None
    np.testing.assert_array_equal(out["lower_back"].acc, back.acc)
    assert out["left_foot"].frame == "foot"


def test_alignment_record_is_json_and_complete():
    rec = align_to_foot(one_foot(signed_permutations()[5]))
    info = rec["left_foot"].alignment
    text = json.dumps(info)
    again = json.loads(text)
    assert np.asarray(again["rotation"]).shape == (3, 3)
    assert again["description"].startswith("sensor axes mapped to the foot frame (x←")
    for key in ("method", "axis_mapping", "n_gravity_samples", "n_motion_windows",
                "residual_tilt_deg", "residual_yaw_deg", "mounting_tilt_deg", "sign_cues"):
        assert key in again
    assert again["n_gravity_samples"] > 500 and again["n_motion_windows"] >= 15
    assert again["sign_cues_agreeing"] == 3


def test_aligning_twice_changes_nothing_more():
    q = Rotation.from_euler("xyz", [90, 20, 180], degrees=True)
    first = FootAlignment().align(one_foot(q))
    second = FootAlignment().align(first.recording_)
    assert second.report_["left_foot"]["axis_mapping"] == "x←x, y←y, z←z"
    assert angle_deg(second.rotations_["left_foot"]) < 0.5
    total = np.asarray(second.report_["left_foot"]["rotation_from_device"])
    assert angle_deg(total @ first.rotations_["left_foot"].T) < 0.5
    assert any("declared foot frame confirmed" in w for w in second.recording_.warnings)


def test_estimator_style():
    fa = FootAlignment(level="full", heading="snap", max_yaw_deg=20.0)
    assert (fa.level, fa.heading, fa.max_yaw_deg) == ("full", "snap", 20.0)
    assert not hasattr(fa, "recording_")
    assert fa.align(one_foot()) is fa
    with pytest.raises(ConfigError, match="level"):
        FootAlignment(level="roll").align(one_foot())
    with pytest.raises(ConfigError, match="heading"):
        FootAlignment(heading="north").align(one_foot())


def test_no_walking_falls_back_without_crashing():
    rng = np.random.default_rng(3)
    q = Rotation.from_euler("y", 90, degrees=True).as_matrix()
    acc = np.tile(q @ [0.0, 0.0, G], (1000, 1)) + rng.normal(0, 0.02, (1000, 3))
    gyr = rng.normal(0, 0.3, (1000, 3))
    rec = Recording(sensors={"left_foot": Sensor("left_foot", 100.0, acc, gyr)})
    fa = FootAlignment().align(rec)
    info = fa.report_["left_foot"]
    assert info["gravity_source"] == "still samples"
    assert info["residual_yaw_deg"] is None
    assert np.median(fa.recording_["left_foot"].acc[:, 2]) == pytest.approx(G, abs=0.05)
    assert any("too little walking" in w for w in fa.recording_.warnings)


def test_side_check_on_synthetic_mirror_feet():
    (al, gl), (ar, gr) = _FOOT["left"], _FOOT["right"]

    def rec(left, right):
        return Recording(sensors={
            "left_foot": Sensor("left_foot", 100.0, *left),
            "right_foot": Sensor("right_foot", 100.0, *right)})

    fa = FootAlignment().align(rec((al, gl), (ar, gr)))
    assert fa.side_check_["verdict"] == "consistent"
    assert not any("swapped" in w for w in fa.recording_.warnings)
    fa = FootAlignment().align(rec((ar, gr), (al, gl)))
    assert fa.side_check_["verdict"] == "swapped"
    assert any("left and right look swapped" in w for w in fa.recording_.warnings)
    assert fa.recording_["left_foot"].alignment["side_check"] == "swapped"


def test_side_verdict_rule():
    assert side_verdict(3.0, -2.0) == "consistent"
    assert side_verdict(-3.0, 2.0) == "swapped"
    assert side_verdict(-3.0, 0.5) == "cannot tell"
    assert side_verdict(None, -2.0) == "cannot tell"


def test_one_hour_two_feet_is_fast():
    fs = 204.8
    n = int(3600 * fs)
    sensors = {}
    for side in ("left", "right"):
        acc, gyr = synthetic_foot(fs=fs, n_strides=60, side=side)
        reps = n // len(acc) + 1
        q = Rotation.from_euler("zx", [90, 90], degrees=True).as_matrix()
        sensors[f"{side}_foot"] = Sensor(f"{side}_foot", fs, np.tile(acc @ q.T, (reps, 1))[:n],
                                         np.tile(gyr @ q.T, (reps, 1))[:n])
    rec = Recording(sensors=sensors)
    best = np.inf
    for _ in range(2):
        t0 = time.perf_counter()
        fa = FootAlignment().align(rec)
        best = min(best, time.perf_counter() - t0)
    assert fa.side_check_["verdict"] == "consistent"
    assert best < 2.0


# --------------------------------------------------------------------------------------
# real data: gaitmap example


@pytest.fixture(scope="module")
def gaitmap_pair(gaitmap_example: Path) -> tuple[Recording, Recording]:
    raw = footdrop.io.read(gaitmap_example / "imu_sample_not_rotated.csv", fs=204.8)
    ref = footdrop.io.read(gaitmap_example / "imu_sample.csv", fs=204.8)
    return raw, ref


@pytest.mark.shared
def test_gaitmap_raw_reproduces_gaitmap_frame(gaitmap_pair):
    raw, ref = gaitmap_pair
    out = align_to_foot(raw)
    for side in ("left_foot", "right_foot"):
        a, b = out[side].to_numpy(), ref[side].to_numpy()
        corr = [np.corrcoef(a[:, i], b[:, i])[0, 1] for i in range(6)]
        assert min(corr) >= 0.98, (side, np.round(corr, 4))
    exact = align_to_foot(raw, level="none")
    for side in ("left_foot", "right_foot"):
        np.testing.assert_allclose(exact[side].to_numpy(), ref[side].to_numpy(), atol=1e-9)


@pytest.mark.shared
def test_gaitmap_aligned_file_barely_changes(gaitmap_pair):
    _, ref = gaitmap_pair
    fa = FootAlignment().align(ref)
    for side in ("left_foot", "right_foot"):
        assert fa.report_[side]["axis_mapping"] == "x←x, y←y, z←z"
        assert angle_deg(fa.rotations_[side]) < 6.0
        # the lateral-side mounting keeps its roll (about 15°), as in gaitmap's frame
        assert 10 < abs(fa.report_[side]["residual_tilt_deg"]["roll"]) < 20


@pytest.mark.shared
def test_gaitmap_swing_turns_toes_up(gaitmap_pair, gaitmap_example):
    raw, _ = gaitmap_pair
    out = align_to_foot(raw)
    events = pd.read_csv(gaitmap_example / "stride_events_sample.csv")
    for side in ("left", "right"):
        gyr_y = out[f"{side}_foot"].gyr[:, 1]
        swings = events[events.foot == side]
        peaks = [gyr_y[int(e.tc):int(e.ic)].min() for e in swings.itertuples()]
        means = [gyr_y[int(e.tc):int(e.ic)].mean() for e in swings.itertuples()]
        assert np.median(peaks) < -250 and max(means) < 0


@pytest.mark.shared
def test_gaitmap_side_check(gaitmap_pair):
    raw, _ = gaitmap_pair
    fa = FootAlignment().align(raw)
    assert fa.side_check_["verdict"] == "consistent"
    swapped = raw.copy()
    left, right = swapped.sensors["left_foot"], swapped.sensors["right_foot"]
    left.placement, right.placement = "right_foot", "left_foot"
    swapped.sensors = {"left_foot": right, "right_foot": left}
    fa = FootAlignment().align(swapped)
    assert fa.side_check_["verdict"] == "swapped"
    assert any("left and right look swapped" in w for w in fa.recording_.warnings)


# --------------------------------------------------------------------------------------
# real data: MS example (no standing period)


@pytest.mark.shared
def test_ms_example_is_kept_and_not_flipped():
    rec = footdrop.io.read_example()
    fa = FootAlignment().align(rec)
    for side in ("left_foot", "right_foot"):
        info = fa.report_[side]
        assert info["axis_mapping"] == "x←x, y←y, z←z"
        assert info["gravity_source"] == "stance"
        assert angle_deg(fa.rotations_[side]) < 5.0
        assert info["sign_cues_agreeing"] == 3
    assert fa.side_check_["verdict"] == "consistent"

    declared = rec.copy()
    for s in declared.sensors.values():
        s.frame = "foot"
    q = Rotation.from_euler("x", 180, degrees=True).as_matrix()
    declared["left_foot"].acc = declared["left_foot"].acc @ q.T
    declared["left_foot"].gyr = declared["left_foot"].gyr @ q.T
    fa = FootAlignment().align(declared)
    assert fa.report_["left_foot"]["flip"] == "upside down"
    assert fa.report_["right_foot"]["flip"] is None
    assert any(w.startswith("left_foot: the data were declared") and "upside down" in w
               for w in fa.recording_.warnings)
    assert any(w.startswith("right_foot: declared foot frame confirmed")
               for w in fa.recording_.warnings)


# --------------------------------------------------------------------------------------
# real data: Voisard XSens instep sensors (raw device axes, 30-45° nose-up)


def _read_xsens(path: Path) -> Sensor:
    df = pd.read_csv(path, sep="\t", skiprows=1)
    side = "left_foot" if path.stem.endswith("_lf") else "right_foot"
    return Sensor(
        placement=side, fs=100.0,
        acc=df[["Acc_X", "Acc_Y", "Acc_Z"]].to_numpy(float),
        gyr=np.degrees(df[["Gyr_X", "Gyr_Y", "Gyr_Z"]].to_numpy(float)),
        mag=df[["Mag_X", "Mag_Y", "Mag_Z"]].to_numpy(float),
    )


@pytest.fixture(scope="module")
def voisard_trials(voisard: Path) -> dict[str, Recording]:
    trials = {}
    for lf in sorted(voisard.glob("*_lf.txt")):
        trial = lf.name[: -len("_lf.txt")]
        rf = lf.with_name(f"{trial}_rf.txt")
        if int(trial.split("-")[0]) <= 10 and rf.exists():
            trials[trial] = Recording(sensors={"left_foot": _read_xsens(lf),
                                               "right_foot": _read_xsens(rf)})
    if not trials:
        pytest.skip("no Voisard foot files")
    return trials


def _quiet(gyr: np.ndarray, fs: float) -> np.ndarray:
    """Still samples within 1 s of movement: foot-flat while walking, not quiet standing."""
    rate = uniform_filter1d(np.linalg.norm(gyr, axis=1), int(0.1 * fs))
    near_movement = uniform_filter1d((rate > 60).astype(float), int(2 * fs)) > 0
    return (rate < 20) & near_movement


def _mid_burst_gyr_y(gyr: np.ndarray, fs: float) -> np.ndarray:
    """Mean gyr_y in the middle fifth of each movement burst (found from |gyr| only)."""
    busy = uniform_filter1d(np.linalg.norm(gyr, axis=1), int(0.1 * fs)) > 60
    edges = np.flatnonzero(np.diff(np.r_[0, busy.astype(int), 0]))
    out = []
    for a, b in edges.reshape(-1, 2):
        if 0.3 * fs <= b - a <= 1.5 * fs:
            length = b - a
            out.append(gyr[a + int(0.4 * length): a + int(0.6 * length), 1].mean())
    return np.array(out)


@pytest.mark.shared
def test_voisard_full_level_puts_gravity_on_z(voisard_trials):
    """With level="full" stance gravity is on +z. acc_z is compared with the sensor's own
    |acc| in stance: the left XSens unit reads 10.2-10.5 m/s² at rest in most trials."""
    for trial, rec in voisard_trials.items():
        out = align_to_foot(rec, level="full")
        for side, s in out.sensors.items():
            quiet = _quiet(s.gyr, s.fs)
            acc_z = np.median(s.acc[quiet, 2])
            g = np.median(np.linalg.norm(s.acc[quiet], axis=1))
            assert abs(acc_z - g) < 0.3, (trial, side, acc_z, g)
            assert abs(acc_z * G / g - G) < 0.3
            assert 9.6 < g < 10.7


@pytest.mark.shared
def test_voisard_pitch_level_and_swing_sign(voisard_trials):
    swapped = []
    for trial, rec in voisard_trials.items():
        fa = FootAlignment().align(rec)
        if fa.side_check_["verdict"] == "swapped":
            swapped.append(trial)
        for side, s in fa.recording_.sensors.items():
            quiet = _quiet(s.gyr, s.fs)
            assert abs(np.median(s.acc[quiet, 0])) < 0.3, (trial, side)  # sole x level
            assert np.median(s.acc[quiet, 2]) > 0.9 * G
            # the 30-45° nose-up mounting was levelled out
            assert abs(fa.report_[side]["levelling_rotation_deg"][1]) > 15
            mid = _mid_burst_gyr_y(s.gyr, s.fs)
            assert len(mid) >= 10
            assert np.median(mid) < -100, (trial, side, np.median(mid))
            assert np.mean(mid < 0) >= 0.8, (trial, side)
    # Trials 4-1 and 4-2 contradict the labels of both feet on every side feature.
    assert swapped == [t for t in ("4-1", "4-2") if t in voisard_trials]


@pytest.mark.parametrize("n", [1, 2, 3, 10, 11, 301])
@pytest.mark.parametrize("m", [1, 5, 50, 1000])
def test_moving_mean_matches_scipy_nearest(n, m):
    from footdrop.preprocess._foot_motion import _moving_mean

    x = np.random.default_rng(n * 1000 + m).normal(size=m)
    np.testing.assert_allclose(_moving_mean(x, n), uniform_filter1d(x, n, mode="nearest"),
                               atol=1e-12)
    x32 = x.astype(np.float32)
    out = _moving_mean(x32, n)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, uniform_filter1d(x, n, mode="nearest"), atol=1e-5)
