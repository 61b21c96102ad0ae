"""Numba kernels of the gait engine: quaternion strapdown and per-stride integration.

Quaternions are ``(w, x, y, z)`` and rotate the foot frame into the world frame (z up).
All functions are compiled with ``cache=True`` so a warm process pays no JIT cost.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DEG = np.pi / 180.0


@njit(cache=True)
def quat_mul(a, b):
    return np.array(
        [
            a[0] * b[0] - a[1] * b[1] - a[2] * b[2] - a[3] * b[3],
            a[0] * b[1] + a[1] * b[0] + a[2] * b[3] - a[3] * b[2],
            a[0] * b[2] - a[1] * b[3] + a[2] * b[0] + a[3] * b[1],
            a[0] * b[3] + a[1] * b[2] - a[2] * b[1] + a[3] * b[0],
        ]
    )


@njit(cache=True)
def quat_from_rotvec(v):
    angle = np.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if angle < 1e-12:
        return np.array([1.0, 0.5 * v[0], 0.5 * v[1], 0.5 * v[2]])
    s = np.sin(0.5 * angle) / angle
    return np.array([np.cos(0.5 * angle), v[0] * s, v[1] * s, v[2] * s])


@njit(cache=True)
def quat_rotate(q, v):
    """Rotate vector ``v`` by unit quaternion ``q``."""
    w, x, y, z = q[0], q[1], q[2], q[3]
    tx = 2.0 * (y * v[2] - z * v[1])
    ty = 2.0 * (z * v[0] - x * v[2])
    tz = 2.0 * (x * v[1] - y * v[0])
    return np.array(
        [
            v[0] + w * tx + y * tz - z * ty,
            v[1] + w * ty + z * tx - x * tz,
            v[2] + w * tz + x * ty - y * tx,
        ]
    )


@njit(cache=True)
def quat_align_gravity(acc):
    """Quaternion (zero yaw) turning the measured gravity direction ``acc`` onto +z."""
    n = np.sqrt(acc[0] ** 2 + acc[1] ** 2 + acc[2] ** 2)
    a = acc / n
    # rotation from a to z: axis a x z, angle acos(a.z)
    ax, ay = a[1], -a[0]
    s = np.sqrt(ax * ax + ay * ay)
    c = a[2]
    if s < 1e-12:
        if c > 0:
            return np.array([1.0, 0.0, 0.0, 0.0])
        return np.array([0.0, 1.0, 0.0, 0.0])
    angle = np.arctan2(s, c)
    return quat_from_rotvec(np.array([ax / s * angle, ay / s * angle, 0.0]))


@njit(cache=True)
def strapdown_window(acc, gyr, fs, start, stop, gravity, move0, move1):
    """Orientation, velocity and position of the sensor from one mid-stance to the next.

    Parameters
    ----------
    acc, gyr
        Whole-recording arrays (m/s², deg/s) in the foot frame.
    start, stop
        Mid-stance sample indices; the foot is taken as still at both.
    move0, move1
        First and last moving sample (absolute); the foot is still outside them, so the
        velocity is zero there and all drift is spread over the movement.
    gravity
        Local gravity magnitude (m/s²) measured by this sensor at rest.

    Returns
    -------
    quat : (m, 4), vel : (m, 3), pos : (m, 3) with ``m = stop - start + 1``.
        Orientation starts with zero yaw. The tilt error found at ``stop`` (where gravity is
        measured again) is removed by spreading its correction linearly over the movement;
        velocity is integrated over the movement only and de-drifted linearly to zero at its
        end (zero-velocity update at both ends).
    """
    m = stop - start + 1
    dt = 1.0 / fs
    quat = np.empty((m, 4))
    # initial attitude from gravity averaged around the mid-stance
    g0 = np.zeros(3)
    lo = max(0, start - 2)
    hi = min(acc.shape[0], start + 3)
    for k in range(lo, hi):
        g0 += acc[k]
    quat[0] = quat_align_gravity(g0 / (hi - lo))
    for k in range(1, m):
        w = 0.5 * (gyr[start + k - 1] + gyr[start + k]) * DEG * dt
        q = quat_mul(quat[k - 1], quat_from_rotvec(w))
        quat[k] = q / np.sqrt(np.sum(q * q))
    # tilt correction: at stop the measured gravity must point up
    g1 = np.zeros(3)
    lo = max(0, stop - 2)
    hi = min(acc.shape[0], stop + 3)
    for k in range(lo, hi):
        g1 += acc[k]
    up = quat_rotate(quat[m - 1], g1 / (hi - lo))
    up = up / np.sqrt(np.sum(up * up))
    # rotation taking 'up' onto +z, about a horizontal axis
    ax, ay = up[1], -up[0]
    s = np.sqrt(ax * ax + ay * ay)
    i0 = max(0, min(m - 1, move0 - start))
    i1 = max(i0 + 1, min(m - 1, move1 - start))
    if s > 1e-12:
        angle = np.arctan2(s, up[2])
        for k in range(m):
            f = min(1.0, max(0.0, (k - i0) / (i1 - i0)))
            corr = quat_from_rotvec(np.array([ax / s * angle * f, ay / s * angle * f, 0.0]))
            q = quat_mul(corr, quat[k])
            quat[k] = q / np.sqrt(np.sum(q * q))
    # free acceleration in the world frame, integrated over the movement only
    vel = np.zeros((m, 3))
    pos = np.zeros((m, 3))
    prev = quat_rotate(quat[i0], acc[start + i0])
    prev[2] -= gravity
    for k in range(i0 + 1, i1 + 1):
        cur = quat_rotate(quat[k], acc[start + k])
        cur[2] -= gravity
        for i in range(3):
            vel[k, i] = vel[k - 1, i] + 0.5 * (prev[i] + cur[i]) * dt
        prev = cur
    end = vel[i1].copy()
    for k in range(i0 + 1, i1 + 1):
        f = (k - i0) / (i1 - i0)
        for i in range(3):
            vel[k, i] -= f * end[i]
    for k in range(1, m):
        for i in range(3):
            pos[k, i] = pos[k - 1, i] + 0.5 * (vel[k - 1, i] + vel[k, i]) * dt
    return quat, vel, pos


@njit(cache=True)
def _pitch(q):
    """Sole pitch (deg) of the foot x axis above the horizontal."""
    x = quat_rotate(q, np.array([1.0, 0.0, 0.0]))
    return np.arcsin(min(1.0, max(-1.0, x[2]))) / DEG


@njit(cache=True)
def _heading(q):
    x = quat_rotate(q, np.array([1.0, 0.0, 0.0]))
    return np.arctan2(x[1], x[0]) / DEG


#: Columns of the per-window result matrix of :func:`window_metrics`.
WINDOW_FIELDS = (
    "fc", "ic", "trough", "length", "dz", "heading_change", "toe_off_pitch", "strike_pitch",
    "mid_swing_pitch", "mtc", "mtc_index", "max_toe", "max_heel", "lateral", "min_sole",
    "swing_impact", "end_pitch",
)


@njit(cache=True)
def window_metrics(acc, gyr, fs, ms, swings, gravity, toe, heel, ic_fraction, scuff_jerk):
    """Integrate every mid-stance to mid-stance window and measure its swing.

    Returns a ``(len(ms) - 1, len(WINDOW_FIELDS))`` matrix. Sample indices (``fc``, ``ic``,
    ``trough``, ``mtc_index``) are absolute. Pitches are relative to the mid-stance at the
    start of the window, except ``strike_pitch`` which is relative to the mid-stance at its
    end (the mid-stance of the stride that this initial contact starts).
    """
    nw = ms.shape[0] - 1
    out = np.full((nw, len(WINDOW_FIELDS)), np.nan)
    centre = 0.5 * (toe + heel)
    for w in range(nw):
        a = ms[w]
        b = ms[w + 1]
        if b - a < 4:
            continue
        bad = False
        for k in range(a, b + 1):
            if not (np.isfinite(acc[k, 0]) and np.isfinite(acc[k, 1]) and np.isfinite(acc[k, 2])
                    and np.isfinite(gyr[k, 0]) and np.isfinite(gyr[k, 1])
                    and np.isfinite(gyr[k, 2])):
                bad = True
                break
        if bad:
            continue
        quat, vel, pos = strapdown_window(acc, gyr, fs, a, b, gravity, swings[w, 0],
                                          swings[w, 1] - 1)
        m = b - a + 1
        # events from the sagittal angular rate and the landing impact
        trough = 0
        for k in range(m):
            if gyr[a + k, 1] < gyr[a + trough, 1]:
                trough = k
        fc = 0
        for k in range(trough + 1):
            if gyr[a + k, 1] > gyr[a + fc, 1]:
                fc = k
        jmax = 0.0
        jarg = trough
        for k in range(max(trough, 1), m):
            j = 0.0
            for i in range(3):
                d = acc[a + k, i] - acc[a + k - 1, i]
                j += d * d
            j = np.sqrt(j) * fs
            if j > jmax:
                jmax = j
                jarg = k
        ic = jarg
        while ic > trough + 1:
            j = 0.0
            for i in range(3):
                d = acc[a + ic - 1, i] - acc[a + ic - 2, i]
                j += d * d
            if np.sqrt(j) * fs < ic_fraction * jmax:
                break
            ic -= 1
        # geometry of the sole points
        h_toe = np.empty(m)
        h_heel = np.empty(m)
        c_xy = np.empty((m, 2))
        c_z = np.empty(m)
        pitch = np.empty(m)
        for k in range(m):
            rt = quat_rotate(quat[k], toe)
            rh = quat_rotate(quat[k], heel)
            rc = quat_rotate(quat[k], centre)
            h_toe[k] = pos[k, 2] + rt[2]
            h_heel[k] = pos[k, 2] + rh[2]
            c_xy[k, 0] = pos[k, 0] + rc[0]
            c_xy[k, 1] = pos[k, 1] + rc[1]
            c_z[k] = pos[k, 2] + rc[2]
            pitch[k] = _pitch(quat[k])
        h_toe -= h_toe[0]
        h_heel -= h_heel[0]
        p0 = pitch[0]
        p1 = pitch[m - 1]
        dx = c_xy[m - 1, 0] - c_xy[0, 0]
        dy = c_xy[m - 1, 1] - c_xy[0, 1]
        length = np.sqrt(dx * dx + dy * dy)
        # swing metrics between toe-off and initial contact
        s0 = fc
        s1 = ic
        lateral = 0.0
        max_heel = -np.inf
        min_sole = np.inf
        for k in range(s0, s1 + 1):
            if length > 1e-6:
                off = abs((c_xy[k, 0] - c_xy[0, 0]) * dy - (c_xy[k, 1] - c_xy[0, 1]) * dx) / length
                lateral = max(lateral, off)
            max_heel = max(max_heel, h_heel[k])
        half = (s0 + s1) // 2
        max_toe = -np.inf
        for k in range(half, s1 + 1):
            max_toe = max(max_toe, h_toe[k])
        # MTC: the minimum between the early-swing and the late-swing toe-height maxima
        early = s0
        for k in range(s0, half + 1):
            if h_toe[k] > h_toe[early]:
                early = k
        late = half
        for k in range(half, s1 + 1):
            if h_toe[k] > h_toe[late]:
                late = k
        mtc = np.nan
        mtc_k = -1
        if late > early + 1:
            lo = early + 1
            for k in range(early + 1, late):
                if h_toe[k] < h_toe[lo]:
                    lo = k
            if h_toe[lo] < h_toe[early] and h_toe[lo] < h_toe[late]:
                mtc = h_toe[lo]
                mtc_k = lo
        q1 = s0 + (s1 - s0) // 5
        q4 = s1 - (s1 - s0) // 5
        impact = 0.0
        for k in range(max(q1, 1), q4 + 1):
            min_sole = min(min_sole, min(h_toe[k], h_heel[k]))
            j = 0.0
            for i in range(3):
                d = acc[a + k, i] - acc[a + k - 1, i]
                j += d * d
            impact = max(impact, np.sqrt(j) * fs)
        mid_k = mtc_k if mtc_k >= 0 else (s0 + s1) // 2
        head0 = _heading(quat[0])
        head1 = _heading(quat[m - 1])
        dh = head1 - head0
        if dh > 180.0:
            dh -= 360.0
        elif dh < -180.0:
            dh += 360.0
        row = out[w]
        row[0] = a + fc
        row[1] = a + ic
        row[2] = a + trough
        row[3] = length
        row[4] = c_z[m - 1] - c_z[0]
        row[5] = dh
        row[6] = pitch[fc] - p0
        row[7] = pitch[ic] - p1
        row[8] = pitch[mid_k] - p0
        row[9] = mtc
        row[10] = a + mtc_k if mtc_k >= 0 else np.nan
        row[11] = max_toe
        row[12] = max_heel
        row[13] = lateral
        row[14] = min_sole
        row[15] = impact >= scuff_jerk
        row[16] = p1
    return out
