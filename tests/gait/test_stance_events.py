"""Stance detection and event rules on synthetic foot signals with known truth.

Each case reproduces, in its simplest form, a pattern found on the Voisard et al. recordings
(docs/validation.md): a fast walker whose rolling stance dips below the still threshold for
a sample or two only, the toe-off snap of a short closing step, and a slow foot that glides
just above the floor before it lands.
"""

import numpy as np

import footdrop
from footdrop.gait._kernels import WINDOW_FIELDS, window_metrics
from footdrop.gait.engine import GaitAnalysis
from footdrop.gait.stance import _smoothed_norms, detect_stance

FS = 100.0
G = 9.81


def _still(seconds: float, pitch_deg: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """A foot at rest (or gliding at steady speed) pitched by ``pitch_deg``."""
    n = int(round(seconds * FS))
    p = np.radians(pitch_deg)
    acc = np.tile([G * np.sin(p), 0.0, G * np.cos(p)], (n, 1))
    return acc, np.zeros((n, 3))


def _rotation(seconds: float, peak_y: float) -> tuple[np.ndarray, np.ndarray]:
    """A half-sine sagittal rotation (gyr_y peaking at ``peak_y`` deg/s), gravity on +z."""
    n = int(round(seconds * FS))
    acc, gyr = _still(seconds)
    gyr[:, 1] = peak_y * np.sin(np.pi * (np.arange(n) + 0.5) / n)
    return acc, gyr


def _join(*parts):
    return (np.vstack([p[0] for p in parts]), np.vstack([p[1] for p in parts]))


def _events(acc, gyr):
    """Stance phases and the window results, with the engine's default event settings."""
    phases = detect_stance(acc, gyr, FS)
    e = GaitAnalysis()
    win = window_metrics(acc, gyr, FS, phases.windows, phases.swings, phases.gravity,
                         np.array([0.19, -0.06, -0.055]), np.array([-0.06, -0.06, -0.055]),
                         e.ic_jerk_fraction, e.landing_rise_fraction, e.stairs_threshold_m,
                         e.settle_s, e.strong_impact_fraction, e.pre_roll_s)
    return phases, {name: win[:, i] for i, name in enumerate(WINDOW_FIELDS)}


def test_rolling_stance_of_a_fast_walker_is_found():
    # six strides whose stance rolls at ~60 deg/s (above the 45 deg/s still threshold,
    # below its doubled value for long movements) and dips below the threshold for one
    # sample only: such dips are movement, and the movement as a whole is long, so the
    # doubled threshold must find the stances (before, each dip cut the movement into
    # runs shorter than 1.5 s, and once filled they made one long movement: one swing)
    parts = [_still(1.0)]
    n_strides = 6
    for _ in range(n_strides):
        acc, gyr = _still(0.35)
        # |gyr| 62 deg/s with a brief dip that its 50 ms mean takes below 45 deg/s for
        # one sample only
        k = np.arange(len(acc)) - 15
        gyr[:] = np.outer(62.0 - 27.0 * np.exp(-((k / 2.0) ** 2)), [0.49, 0.81, 0.32])
        parts.append((acc, gyr))
        acc, gyr = _rotation(0.55, -350.0)
        s = (np.arange(len(acc)) + 0.5) / len(acc)
        acc[:, 0] = 25.0 * np.sin(2 * np.pi * s)
        parts.append((acc, gyr))
    parts.append(_still(1.0))
    acc, gyr = _join(*parts)
    # the premise: the 50 ms mean rate dips below 45 deg/s in every stance, for fewer
    # samples than a still run needs (30 ms)
    g_s = _smoothed_norms(acc, gyr, 5)[2]
    stance = g_s[int(1.9 * FS) + 5:int(2.25 * FS) - 5]  # the second stance
    assert 1 <= (stance < 45.0).sum() < 3 and stance.max() < 90.0
    phases = detect_stance(acc, gyr, FS)
    assert len(phases.swings) == n_strides
    starts = 1.0 + 0.35 + 0.9 * np.arange(n_strides)  # true swing starts (s)
    assert np.all(np.abs(phases.swings[:, 0] / FS - starts) < 0.1)


def _closing_step(snap: float = 15.0, landing: float = 20.0):
    """Stand, heel rise (toes-down to +300 deg/s, 0.25 s) ending in the toe-off snap, a
    quick toes-up swing (-300 deg/s, 0.2 s), the landing impact, stand."""
    rise = _rotation(0.25, 300.0)
    swing = _rotation(0.2, -300.0)
    swing[0][0, 0] += snap  # the toe leaves the floor: a one-sample jolt
    land = _still(0.1)
    land[0][1, 2] += landing  # the landing impact
    return _join(_still(1.0), rise, swing, land, _still(1.0))


def test_push_off_snap_of_a_closing_step_is_not_a_toe_first_landing():
    # in a short, quick step the toe-off snap falls in the late part of the movement and
    # is as strong as the landing; with the foot turned toes-down only before it, it is
    # the push-off, not a toe-first landing (which the swing reaches toes-up rotation)
    acc, gyr = _closing_step()
    phases, w = _events(acc, gyr)
    assert len(phases.swings) == 1
    push_off = 1.0 + 0.125  # peak of the heel rise
    impact = 1.0 + 0.25 + 0.2 + 0.01
    assert abs(w["fc"][0] / FS - push_off) <= 0.011
    assert abs(w["ic"][0] / FS - impact) <= 0.011  # before: IC at the snap, 200 ms early


def _pitched(parts):
    """Join rotations, with gravity on the sensor as the sole pitch integrated from gyr_y
    (toes-up positive) makes it: acc = g (sin p, 0, cos p)."""
    acc, gyr = _join(*parts)
    pitch = -np.cumsum(gyr[:, 1]) / FS
    p = np.radians(pitch)
    acc[:, 0] += G * np.sin(p)
    acc[:, 2] += G * np.cos(p) - G
    return acc, gyr


def _slow_steps(glide_s: float, n: int = 1, pause_s: float = 1.0, roll_dps: float = 60.0):
    """Stand 1 s, then ``n`` times: push-off (heel up, -32°); a slow toes-up swing ending
    with the sole pitched +32° toes-up; a glide of ``glide_s`` with no rotation; the
    landing (heel-contact impact, the sole turning flat); stand ``pause_s`` (1 s after the
    last). A steady ``roll_dps`` about x during push-off and swing keeps their junction
    moving, as the foot's other axes do in real swings. Returns acc, gyr and the impact
    times (s)."""
    parts = [_still(1.0)]
    impacts = []
    t = 1.0
    for k in range(n):
        push = _rotation(0.2, 250.0)
        swing = _rotation(0.5, -200.0)
        for part in (push, swing):
            part[1][:, 0] = roll_dps
        rest = pause_s if k < n - 1 else 1.0
        parts += [push, swing, _still(glide_s), _rotation(0.2, 250.0), _still(rest)]
        impacts.append(t + 0.7 + glide_s)
        t += 0.9 + glide_s + rest
    acc, gyr = _pitched(parts)
    for ti in impacts:
        acc[int(round(ti * FS)), 2] += 20.0  # heel contact
    return acc, gyr, np.array(impacts)


def test_glide_before_the_landing_is_not_a_stance():
    # 80 ms without rotation and with gravity alone on the sensor, the foot pitched 32°:
    # a glide above the floor, not a stance; the swing runs on to the landing
    acc, gyr, impacts = _slow_steps(0.08)
    phases, w = _events(acc, gyr)
    assert len(phases.swings) == 1
    assert phases.swings[0, 1] / FS > impacts[0]
    assert abs(w["ic"][0] / FS - impacts[0]) <= 0.011  # before: at the glide, 80 ms early


def test_short_flat_stance_between_two_swings_stays_a_stance():
    # an 80 ms pause with the sole flat, after a landing, is a (fast walker's) stance
    acc, gyr, impacts = _slow_steps(0.0, n=2, pause_s=0.08)
    phases, w = _events(acc, gyr)
    assert len(phases.swings) == 2
    assert np.all(np.abs(w["ic"] / FS - impacts) <= 0.011)


def test_heel_raises_with_a_pause_on_the_toes_give_no_strides():
    # rising onto the toes (heel up 32°), holding for 100 ms and lowering, ten times: the
    # hold is no stance (the sole is not flat) and the movement no swing (it goes nowhere)
    rng = np.random.default_rng(5)
    parts = [_still(2.0)]
    for _ in range(10):
        parts += [_rotation(0.2, 250.0), _still(0.1), _rotation(0.2, -250.0), _still(0.6)]
    parts.append(_still(2.0))
    acc, gyr = _pitched(parts)
    acc += rng.normal(0, 0.03, acc.shape)
    gyr += rng.normal(0, 0.5, gyr.shape)
    rec = footdrop.Recording.from_arrays(fs=FS, acc=acc, gyr=gyr, placement="left_foot",
                                         frame="foot")
    strides, _ = footdrop.analyze(rec)
    assert len(strides) == 0
