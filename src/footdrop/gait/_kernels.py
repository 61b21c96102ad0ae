"""Numba kernels of the gait engine: quaternion strapdown and per-window measurements.

Quaternions are ``(w, x, y, z)`` tuples and rotate the foot frame into the world frame
(z up). The inner loops use scalar arithmetic only (no array allocation per sample), and
every function is compiled with ``cache=True`` so a warm process pays no JIT cost.
"""

from __future__ import annotations

import numpy as np
from numba import njit

DEG = np.pi / 180.0


@njit(cache=True, inline="always")
def qmul(aw, ax, ay, az, bw, bx, by, bz):
    return (
        aw * bw - ax * bx - ay * by - az * bz,
        aw * bx + ax * bw + ay * bz - az * by,
        aw * by - ax * bz + ay * bw + az * bx,
        aw * bz + ax * by - ay * bx + az * bw,
    )


@njit(cache=True, inline="always")
def qexp(vx, vy, vz):
    """Unit quaternion of the rotation vector ``v`` (rad)."""
    a2 = vx * vx + vy * vy + vz * vz
    if a2 < 0.01:  # below 0.1 rad (a sample's turn): the series to a2**2 is exact to 1e-10
        s = 0.5 - a2 * (1.0 / 48.0 - a2 * (1.0 / 3840.0))
        return 1.0 - a2 * (0.125 - a2 * (1.0 / 384.0)), vx * s, vy * s, vz * s
    angle = np.sqrt(a2)
    s = np.sin(0.5 * angle) / angle
    return np.cos(0.5 * angle), vx * s, vy * s, vz * s


@njit(cache=True, inline="always")
def qrot(w, x, y, z, vx, vy, vz):
    """Rotate ``v`` by the unit quaternion ``(w, x, y, z)``."""
    tx = 2.0 * (y * vz - z * vy)
    ty = 2.0 * (z * vx - x * vz)
    tz = 2.0 * (x * vy - y * vx)
    return (
        vx + w * tx + y * tz - z * ty,
        vy + w * ty + z * tx - x * tz,
        vz + w * tz + x * ty - y * tx,
    )


@njit(cache=True, inline="always")
def level_rotation(ux, uy, uz, fraction):
    """Quaternion turning direction ``u`` towards +z by ``fraction`` of the angle."""
    n = np.sqrt(ux * ux + uy * uy + uz * uz)
    ux, uy, uz = ux / n, uy / n, uz / n
    ax, ay = uy, -ux
    s = np.sqrt(ax * ax + ay * ay)
    if s < 1e-12:
        if uz > 0:
            return 1.0, 0.0, 0.0, 0.0
        return 0.0, 1.0, 0.0, 0.0
    angle = np.arctan2(s, uz) * fraction
    return qexp(ax / s * angle, ay / s * angle, 0.0)


#: Half-width of the stretch of stance whose mean force gives gravity, and the margin kept
#: from the movements on either side, s.
REST_HALF_S = 0.25
REST_MARGIN_S = 0.03
#: ... and it ends where the foot turns faster than this (a slow heel-off begins a third of
#: a second before toe-off, turning slowly at first), deg/s.
REST_RATE_DPS = 20.0
#: The velocity integration starts at the sample turning least within this much before
#: its nominal start (the pre-roll before the movement or FC, whichever is first: a slow
#: heel-off can take a third of a second), and ends at the one turning least within
#: ANCHOR_AFTER_S after its nominal end (settled after landing), s. A swaying foot is truly
#: still only for a moment.
ANCHOR_BEFORE_S = 0.3
ANCHOR_AFTER_S = 0.1


@njit(cache=True)
def rest_span(centre, still_from, still_to, fs):
    """Samples around the mid-stance ``centre`` for :func:`stance_gravity`: within
    :data:`REST_HALF_S` of it and :data:`REST_MARGIN_S` inside the still samples
    ``still_from..still_to`` of its stance."""
    h = int(round(REST_HALF_S * fs))
    e = int(round(REST_MARGIN_S * fs))
    return min(centre, max(centre - h, still_from + e)), max(centre, min(centre + h, still_to - e))


@njit(cache=True)
def stance_gravity(acc, gyr, fs, centre, lo, hi):
    """Mean specific force over samples ``lo..hi`` of a stance, in the frame of ``centre``.

    A foot in stance is not quite still: it sways (everts, turns in and back) with
    accelerations of some tenths of m/s², largest where its rotation turns round and is
    momentarily still. Over a stretch of stance that begins and ends nearly at rest these
    accelerations average out, so the mean, taken in one frame by turning each sample with
    the integrated angular rate, points up far more truly than the force at one sample.
    The stretch stops at missing data and where the foot turns faster than
    :data:`REST_RATE_DPS` (the heel rising or the landing still rolling).
    """
    lo = max(0, min(lo, centre))
    hi = min(acc.shape[0] - 1, max(hi, centre))
    sx, sy, sz = acc[centre, 0], acc[centre, 1], acc[centre, 2]
    half = 0.5 * DEG / fs
    for direction in (1, -1):
        # the foot turns by a few degrees at most here: the rotation vector, summed, turns
        # each sample to first order (a + θ × a)
        tx, ty, tz = 0.0, 0.0, 0.0
        k = centre
        while (direction > 0 and k < hi) or (direction < 0 and k > lo):
            j = k + direction
            rate = gyr[j, 0] * gyr[j, 0] + gyr[j, 1] * gyr[j, 1] + gyr[j, 2] * gyr[j, 2]
            if not (np.isfinite(acc[j, 0]) and np.isfinite(acc[j, 1]) and np.isfinite(acc[j, 2])
                    and rate < REST_RATE_DPS * REST_RATE_DPS):
                if direction > 0:
                    hi = k
                else:
                    lo = k
                break
            tx += direction * (gyr[k, 0] + gyr[j, 0]) * half
            ty += direction * (gyr[k, 1] + gyr[j, 1]) * half
            tz += direction * (gyr[k, 2] + gyr[j, 2]) * half
            ax, ay, az = acc[j, 0], acc[j, 1], acc[j, 2]
            sx += ax + ty * az - tz * ay
            sy += ay + tz * ax - tx * az
            sz += az + tx * ay - ty * ax
            k = j
    n = hi - lo + 1
    return sx / n, sy / n, sz / n


@njit(cache=True)
def strapdown_window(acc, gyr, fs, start, stop, gravity, move0, move1, settled, contact, quat,
                     vel, pos, level_max_m, pre_roll_s, toe, heel, up):
    """Orientation, velocity and position of the sensor from one mid-stance to the next.

    Parameters
    ----------
    acc, gyr
        Whole-segment arrays (m/s², deg/s) in the foot frame.
    start, stop
        Mid-stance sample indices; the foot is taken as still at both.
    gravity
        Local gravity magnitude (m/s²) measured by this sensor at rest.
    move0, move1
        First and last moving sample (absolute) by the angular rate: orientation errors
        are spread over them.
    settled
        First sample (absolute) from which the foot is still again after landing (a slow
        foot can still move when its rotation has died down). Velocity is zero before
        ``move0`` (less a pre-roll) and from ``settled`` on.
    contact
        Initial-contact sample (absolute), or -1 when unknown. Velocity is integrated
        forwards from rest up to it and backwards from ``settled`` down to it, so that the
        velocity error of the landing impact (short, sharp, often clipped) stays a step at
        the impact instead of being spread over the swing. Without a usable contact the
        velocity is integrated forwards and de-drifted linearly to zero at ``settled``.
    quat, vel, pos
        Output buffers with at least ``stop - start + 1`` rows (4, 3 and 3 columns).
    level_max_m
        A net height change smaller than this is taken as drift on level ground and
        removed linearly over the movement; larger ones (stairs, slopes) are kept.
    toe, heel
        Toe and heel points in the sensor frame (m). Where the velocity integration ends
        after landing, the foot may still be rolling onto its sole: about the heel after a
        heel strike (turning toes-down), about the toes after a toe-first landing (turning
        toes-up as the heel drops). That point, not the sensor, is taken as still there,
        so the sensor moves with the foot's rotation, ω × (sensor − pivot).
    up
        Specific force measured at rest around ``start`` (``up[:3]``) and around ``stop``
        (``up[3:]``), in the sensor frame at those samples (:func:`stance_gravity`).

    Orientation starts level with zero yaw. The tilt error found at ``stop`` (where gravity
    is measured again) is removed by spreading its correction linearly over the movement.
    Velocity is zero at rest before the movement and after landing (zero-velocity updates at
    both ends). On the gaitmap motion-capture trial, splitting the integration at the
    contact instead of de-drifting linearly over the swing brought the stride-length error
    from 5.0 to 2.0 cm SD (see docs/gait.md).
    """
    m = stop - start + 1
    dt = 1.0 / fs
    gx, gy, gz = up[0], up[1], up[2]
    w, x, y, z = level_rotation(gx, gy, gz, 1.0)
    quat[0, 0], quat[0, 1], quat[0, 2], quat[0, 3] = w, x, y, z
    half = 0.5 * DEG * dt
    for k in range(1, m):
        i = start + k
        dw, dx, dy, dz = qexp(
            (gyr[i - 1, 0] + gyr[i, 0]) * half,
            (gyr[i - 1, 1] + gyr[i, 1]) * half,
            (gyr[i - 1, 2] + gyr[i, 2]) * half,
        )
        w, x, y, z = qmul(w, x, y, z, dw, dx, dy, dz)
        n = np.sqrt(w * w + x * x + y * y + z * z)
        w, x, y, z = w / n, x / n, y / n, z / n
        quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3] = w, x, y, z
    # tilt correction: at stop the measured gravity must point up
    gx, gy, gz = up[3], up[4], up[5]
    ux, uy, uz = qrot(w, x, y, z, gx, gy, gz)
    i0 = max(0, min(m - 1, move0 - start))
    i1 = max(i0 + 1, min(m - 1, move1 - start))
    # the correction grows by equal steps about one fixed axis, so it is built by repeated
    # multiplication with one step rotation instead of trigonometry at every sample
    sw, sx, sy, sz = level_rotation(ux, uy, uz, 1.0 / (i1 - i0))
    cw, cx, cy, cz = 1.0, 0.0, 0.0, 0.0
    for k in range(i0 + 1, m):
        if k <= i1:
            cw, cx, cy, cz = qmul(sw, sx, sy, sz, cw, cx, cy, cz)
        w, x, y, z = qmul(cw, cx, cy, cz, quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3])
        quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3] = w, x, y, z
    # free acceleration in the world frame, integrated from the opening mid-stance (still,
    # whereas a slow heel-off moves the foot before it turns fast) until the foot has
    # settled after landing
    j0 = max(0, i0 - int(round(pre_roll_s * fs)))
    j1 = max(j0 + 1, min(m - 1, settled - start))
    # the foot is taken as still where it turns least near those two instants (a swaying
    # foot moves a centimetre or two per second between its still moments)
    j0 = _stillest(gyr, start, max(0, j0 - int(round(ANCHOR_BEFORE_S * fs))), j0)
    j1 = max(j0 + 1, _stillest(gyr, start, j1,
                               min(m - 1, j1 + int(round(ANCHOR_AFTER_S * fs)))))
    for k in range(m):
        vel[k, 0] = vel[k, 1] = vel[k, 2] = 0.0
        pos[k, 0] = pos[k, 1] = pos[k, 2] = 0.0
    px, py, pz = qrot(quat[j0, 0], quat[j0, 1], quat[j0, 2], quat[j0, 3],
                      acc[start + j0, 0], acc[start + j0, 1], acc[start + j0, 2])
    pz -= gravity
    for k in range(j0 + 1, j1 + 1):
        cx, cy, cz = qrot(quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3],
                          acc[start + k, 0], acc[start + k, 1], acc[start + k, 2])
        cz -= gravity
        vel[k, 0] = vel[k - 1, 0] + 0.5 * (px + cx) * dt
        vel[k, 1] = vel[k - 1, 1] + 0.5 * (py + cy) * dt
        vel[k, 2] = vel[k - 1, 2] + 0.5 * (pz + cz) * dt
        px, py, pz = cx, cy, cz
    c = contact - start
    # toes-up rotation (negative sagittal rate) turns about the toes
    pivot = toe if gyr[start + j1, 1] < 0.0 else heel
    v1x, v1y, v1z = _pivot_velocity(gyr, start + j1, quat[j1], pivot)
    if j0 < c < j1:
        # backwards from rest at j1 down to the contact: v(k-1) = v(k) - a·dt
        vel[j1, 0], vel[j1, 1], vel[j1, 2] = v1x, v1y, v1z
        nx, ny, nz = qrot(quat[j1, 0], quat[j1, 1], quat[j1, 2], quat[j1, 3],
                          acc[start + j1, 0], acc[start + j1, 1], acc[start + j1, 2])
        nz -= gravity
        for k in range(j1, c, -1):
            bx, by, bz = qrot(quat[k - 1, 0], quat[k - 1, 1], quat[k - 1, 2], quat[k - 1, 3],
                              acc[start + k - 1, 0], acc[start + k - 1, 1],
                              acc[start + k - 1, 2])
            bz -= gravity
            vel[k - 1, 0] = vel[k, 0] - 0.5 * (nx + bx) * dt
            vel[k - 1, 1] = vel[k, 1] - 0.5 * (ny + by) * dt
            vel[k - 1, 2] = vel[k, 2] - 0.5 * (nz + bz) * dt
            nx, ny, nz = bx, by, bz
    else:
        ex, ey, ez = vel[j1, 0] - v1x, vel[j1, 1] - v1y, vel[j1, 2] - v1z
        for k in range(j0 + 1, j1 + 1):
            f = (k - j0) / (j1 - j0)
            vel[k, 0] -= f * ex
            vel[k, 1] -= f * ey
            vel[k, 2] -= f * ez
    for k in range(1, m):
        for c in range(3):
            pos[k, c] = pos[k - 1, c] + 0.5 * (vel[k - 1, c] + vel[k, c]) * dt
    # level ground: a height change below level_max_m is drift, removed over the movement
    dz_end = pos[m - 1, 2]
    if abs(dz_end) < level_max_m:
        for k in range(j0 + 1, m):
            pos[k, 2] -= min(1.0, (k - j0) / (j1 - j0)) * dz_end
    return dz_end


@njit(cache=True)
def _stillest(gyr, start, lo, hi):
    """Index in ``lo..hi`` (relative to ``start``) of the smallest angular rate."""
    best, value = hi, np.inf
    for k in range(lo, hi + 1):
        g = gyr[start + k]
        r = g[0] * g[0] + g[1] * g[1] + g[2] * g[2]
        if r < value:
            best, value = k, r
    return best


@njit(cache=True)
def _pivot_velocity(gyr, i, q, pivot):
    """World-frame velocity of the sensor at sample ``i`` when the foot point ``pivot``
    (sensor frame, m) is still."""
    wx, wy, wz = gyr[i, 0] * DEG, gyr[i, 1] * DEG, gyr[i, 2] * DEG
    rx, ry, rz = -pivot[0], -pivot[1], -pivot[2]
    return qrot(q[0], q[1], q[2], q[3],
                wy * rz - wz * ry, wz * rx - wx * rz, wx * ry - wy * rx)


@njit(cache=True, inline="always")
def _pitch(w, x, y, z):
    """Sole pitch (deg): angle of the foot x axis above the horizontal."""
    xz = 2.0 * (x * z - w * y)
    return np.arcsin(min(1.0, max(-1.0, xz))) / DEG


@njit(cache=True, inline="always")
def _heading(w, x, y, z):
    xx = 1.0 - 2.0 * (y * y + z * z)
    xy = 2.0 * (x * y + w * z)
    return np.arctan2(xy, xx) / DEG


@njit(cache=True, inline="always")
def _jerk(acc, i, fs):
    d0 = acc[i, 0] - acc[i - 1, 0]
    d1 = acc[i, 1] - acc[i - 1, 1]
    d2 = acc[i, 2] - acc[i - 1, 2]
    return np.sqrt(d0 * d0 + d1 * d1 + d2 * d2) * fs


@njit(cache=True)
def _first_hit(acc, a, start, m, jall, strong_fraction, ic_fraction, fs):
    """First impact from window sample ``start`` whose jerk reaches ``strong_fraction`` of
    ``jall``, moved back to a softer touch (``ic_fraction`` of it) within 50 ms before: a
    shallow toe-first landing touches more softly than its heel then lands. Returns that
    contact and the strong sample (``m - 1`` for both when there is none)."""
    strong = m - 1
    for k in range(start, m):
        if _jerk(acc, a + k, fs) >= strong_fraction * jall:
            strong = k
            break
    hit = strong
    for k in range(max(start, strong - int(round(0.05 * fs))), strong):
        if _jerk(acc, a + k, fs) >= ic_fraction * jall:
            hit = k
            break
    return hit, strong


@njit(cache=True)
def _pitch_to_end(gyr, a, k0, m, fs):
    """Sole pitch (deg, toes up positive) at window sample k0, back from the flat foot at
    the window's closing mid-stance (sample m - 1), from the sagittal rate alone."""
    pitch = 0.0
    for k in range(k0, m - 1):
        pitch += 0.5 * (gyr[a + k, 1] + gyr[a + k + 1, 1]) / fs
    return pitch


@njit(cache=True)
def _trough(gyr, a, m, lo, hi, fs):
    """Most negative gyr_y (30 ms moving average) between window samples lo and hi."""
    hw = max(1, int(round(0.015 * fs)))
    best = np.inf
    arg = lo
    for k in range(lo, hi + 1):
        tot = 0.0
        cnt = 0
        for j in range(max(0, k - hw), min(m, k + hw + 1)):
            tot += gyr[a + j, 1]
            cnt += 1
        if tot / cnt < best:
            best = tot / cnt
            arg = k
    return arg


#: Columns of the per-window result matrix of :func:`window_metrics`.
WINDOW_FIELDS = (
    "fc", "ic", "trough", "length", "dz", "heading_change", "toe_off_pitch", "strike_pitch",
    "mid_swing_pitch", "mtc", "mtc_index", "max_toe", "max_heel", "lateral", "min_sole",
    "swing_impact", "end_pitch", "mid_swing_lift", "travel_dir", "end_rise",
)


@njit(cache=True)
def window_metrics(acc, gyr, fs, windows, swings, gravity, toe, heel, ic_fraction,
                   rise_fraction, level_max_m, settle_s, strong_fraction, pre_roll_s):
    """Integrate every mid-stance to mid-stance window and measure its swing.

    ``windows`` holds the mid-stance before and after each swing, ``swings`` its moving
    samples. Returns a ``(len(windows), len(WINDOW_FIELDS))`` matrix. Sample indices
    (``fc``, ``ic``, ``trough``, ``mtc_index``) are absolute. Pitches are relative to the
    mid-stance at the start of the window, except ``strike_pitch`` which is relative to the
    mid-stance at its end (the mid-stance of the stride that this initial contact starts).
    """
    nw = windows.shape[0]
    out = np.full((nw, len(WINDOW_FIELDS)), np.nan)
    longest = 1
    for w in range(nw):
        longest = max(longest, windows[w, 1] - windows[w, 0] + 1)
    quat = np.empty((longest, 4))
    vel = np.empty((longest, 3))
    pos = np.empty((longest, 3))
    h_toe = np.empty(longest)
    h_heel = np.empty(longest)
    cxy = np.empty((longest, 2))
    cz = np.empty(longest)
    cx0, cy0, cz0 = 0.5 * (toe[0] + heel[0]), 0.5 * (toe[1] + heel[1]), 0.5 * (toe[2] + heel[2])
    up = np.empty(6)
    last = np.full(3, -1, dtype=np.int64)  # rest span and mid-stance of the previous end
    for w in range(nw):
        a = windows[w, 0]
        b = windows[w, 1]
        if b - a < 4:
            continue
        finite = True
        for k in range(a, b + 1):
            for c in range(3):
                if not (np.isfinite(acc[k, c]) and np.isfinite(gyr[k, c])):
                    finite = False
        if not finite:
            continue
        # events: swing trough of the sagittal rate, push-off peak before it (FC), and the
        # onset of the landing impact after it (IC)
        # the trough is searched in the movement only, on a short moving average, so that
        # the ringing of an impact cannot stand in for the swing; it must also come before
        # the first strong impact of the late movement, because a toe-first landing is
        # followed by the heel dropping, a toes-up rotation faster than the swing's own
        m = b - a + 1
        i0 = max(0, min(m - 1, swings[w, 0] - a))
        i1 = max(i0, min(m - 1, swings[w, 1] - 1 - a))
        late = i0 + (2 * (i1 - i0)) // 5
        jall = 0.0
        for k in range(max(late, 1), m):
            jall = max(jall, _jerk(acc, a + k, fs))
        first_hit, strong = _first_hit(acc, a, max(late, 1), m, jall, strong_fraction,
                                       ic_fraction, fs)
        trough = _trough(gyr, a, m, i0, i1, fs)
        toe_first = False
        # a toe-first landing: the foot meets the floor toes-down, then the heel drops,
        # a rotation much faster toes-up than the swing's own. The swing must already
        # have turned the foot toes-up before that impact (every swing brings the foot
        # back from its heel-up toe-off): an impact with only toes-down rotation before
        # it is the push-off itself, the toe leaving the floor, which in a short, quick
        # step (a closing step into standing) falls in the late part of the movement.
        # The landing may come after an earlier strong impact (a toe scuff in the late
        # swing of a dropped foot), so the impacts are tried in turn.
        hit = first_hit
        for _ in range(4):
            if hit >= m - 1 or trough < hit:
                break
            pre = _trough(gyr, a, m, i0, max(i0, min(i1, hit - 1)), fs)
            pitch_hit = 0.0  # sole pitch at that impact, from the sagittal rate alone
            for k in range(1, hit + 1):
                pitch_hit -= 0.5 * (gyr[a + k - 1, 1] + gyr[a + k, 1]) / fs
            if (pitch_hit < 5.0
                    and gyr[a + pre, 1] < 0.0
                    and (gyr[a + trough, 1] < gyr[a + pre, 1] - 40.0
                         or (gyr[a + trough, 1] < gyr[a + pre, 1]
                             and gyr[a + hit - 1, 1] <= 0.0
                             and _pitch_to_end(gyr, a, hit, m, fs) < -2.0))
                    and trough - hit <= int(0.15 * fs)  # heel drops at once
                    and i1 - hit <= int(0.35 * fs)  # and the foot comes to rest
                    and i1 - trough <= int(0.12 * fs)):  # (a scuff is followed by a swing)
                toe_first = True
                first_hit = hit
                trough = pre
                break
            hit, strong = _first_hit(acc, a, strong + max(1, int(round(0.03 * fs))), m, jall,
                                     strong_fraction, ic_fraction, fs)
        fc = 0
        for k in range(trough + 1):
            if gyr[a + k, 1] > gyr[a + fc, 1]:
                fc = k
        # the landing starts once the toes-up rotation has nearly stopped (rise_fraction of
        # its peak rate); IC is
        # the first sample after that whose jerk reaches a fraction of the landing's peak
        # jerk (the first contact, not the louder forefoot slap that may follow)
        # (a foot that meets the floor still turning toes-up, but slowed to three times
        # rise_fraction, and then turns toes-up again, 40 deg/s faster, as its heel drops,
        # lands at that impact even though the rate never fell to rise_fraction before it)
        slowed = toe_first
        if first_hit > trough and gyr[a + first_hit - 1, 1] <= 0.0:
            drop = 0.0  # fastest toes-up turn within 50 ms after the impact
            for k in range(first_hit, min(m, first_hit + int(round(0.05 * fs)) + 1)):
                drop = min(drop, gyr[a + k, 1])
            fastest = gyr[a + trough, 1]  # slowest toes-up rate before the impact
            for k in range(trough, first_hit):
                fastest = max(fastest, gyr[a + k, 1])
            slowed = slowed or (fastest >= 3.0 * rise_fraction * gyr[a + trough, 1]
                                and drop < gyr[a + first_hit - 1, 1] - 40.0
                                and _pitch_to_end(gyr, a, first_hit, m, fs) < 0.0)
        rise = trough
        while (rise < m - 1 and not (slowed and rise >= first_hit)
               and gyr[a + rise, 1] < rise_fraction * gyr[a + trough, 1]):
            rise += 1
        jmax = 0.0
        for k in range(max(rise, 1), m):
            jmax = max(jmax, _jerk(acc, a + k, fs))
        level = ic_fraction * jmax
        ic = max(rise, 1)
        while ic < m - 1 and _jerk(acc, a + ic, fs) < level:
            ic += 1
        # a flat foot can meet the floor while still turning toes-up and then roll over
        # onto its sole, which hides the rate's fall: when the impact found began before
        # the landing start, IC is the onset of that unbroken impact (no earlier than the
        # rate's fall to three times rise_fraction of its peak)
        if ic == max(rise, 1):
            onset = ic
            while onset > trough + 1 and _jerk(acc, a + onset - 1, fs) >= level:
                onset -= 1
            # sole pitch at that onset, back from the flat foot at the closing mid-stance
            if (_pitch_to_end(gyr, a, onset, m, fs) < 0.0
                    and gyr[a + onset - 1, 1] >= 3.0 * rise_fraction * gyr[a + trough, 1]):
                ic = onset
            else:
                while (ic > trough + 1
                       and gyr[a + ic - 1, 1] >= 3.0 * rise_fraction * gyr[a + trough, 1]
                       and _jerk(acc, a + ic - 1, fs) >= level):
                    ic -= 1
        # a heel strike starts the foot's roll onto its sole: a gentle one after a swing
        # that brakes hard in the air (slow walking) is barely louder than that braking,
        # so an IC found more than 20 ms before the roll sets in is moved to the first
        # impact from the sample before it
        roll = ic
        for k in range(ic, min(m, ic + int(round(0.15 * fs)) + 1)):
            if gyr[a + k, 1] > gyr[a + roll, 1]:
                roll = k
        if gyr[a + roll, 1] >= 60.0 and _pitch_to_end(gyr, a, ic, m, fs) > 0.0:
            r0 = roll
            while r0 > ic and gyr[a + r0 - 1, 1] >= 0.2 * gyr[a + roll, 1]:
                r0 -= 1
            if ic < r0 - int(round(0.02 * fs)):
                k = max(ic, r0 - 1)
                while k < roll and _jerk(acc, a + k, fs) < level:
                    k += 1
                ic = k
        # the foot is still again once the landing has settled: no sooner than the end of
        # the movement, nor than settle_s after IC
        settled = a + min(m - 1, max(i1, ic + int(round(settle_s * fs))))
        prev_end = swings[w - 1, 1] if w > 0 and swings[w - 1, 1] <= a else 0
        next_start = (swings[w + 1, 0] if w + 1 < nw and swings[w + 1, 0] >= b
                      else acc.shape[0])
        # gravity at the two mid-stances; consecutive windows share theirs
        lo, hi = rest_span(a, prev_end, swings[w, 0] - 1, fs)
        if lo == last[0] and hi == last[1] and a == last[2]:
            up[0], up[1], up[2] = up[3], up[4], up[5]
        else:
            up[0], up[1], up[2] = stance_gravity(acc, gyr, fs, a, lo, hi)
        lo, hi = rest_span(b, swings[w, 1], next_start - 1, fs)
        up[3], up[4], up[5] = stance_gravity(acc, gyr, fs, b, lo, hi)
        last[0], last[1], last[2] = lo, hi, b
        # the movement starts no later than FC: a slow foot lifted by the hip and knee
        # (steppage, foot drop) can travel for a fifth of a second turning too slowly to
        # count as moving
        end_rise = strapdown_window(acc, gyr, fs, a, b, gravity, min(swings[w, 0], a + fc),
                         swings[w, 1] - 1, settled, a + ic, quat, vel, pos, level_max_m,
                         pre_roll_s, toe, heel, up)
        # sole points and foot centre
        for k in range(m):
            qw, qx, qy, qz = quat[k, 0], quat[k, 1], quat[k, 2], quat[k, 3]
            h_toe[k] = pos[k, 2] + qrot(qw, qx, qy, qz, toe[0], toe[1], toe[2])[2]
            h_heel[k] = pos[k, 2] + qrot(qw, qx, qy, qz, heel[0], heel[1], heel[2])[2]
            rx, ry, rz = qrot(qw, qx, qy, qz, cx0, cy0, cz0)
            cxy[k, 0] = pos[k, 0] + rx
            cxy[k, 1] = pos[k, 1] + ry
            cz[k] = pos[k, 2] + rz
        t0, hh0 = h_toe[0], h_heel[0]
        for k in range(m):
            h_toe[k] -= t0
            h_heel[k] -= hh0
        e = m - 1
        p0 = _pitch(quat[0, 0], quat[0, 1], quat[0, 2], quat[0, 3])
        p1 = _pitch(quat[e, 0], quat[e, 1], quat[e, 2], quat[e, 3])
        dx = cxy[e, 0] - cxy[0, 0]
        dy = cxy[e, 1] - cxy[0, 1]
        length = np.sqrt(dx * dx + dy * dy)
        s0, s1 = fc, ic
        half = (s0 + s1) // 2
        lateral = 0.0
        max_heel = -np.inf
        for k in range(s0, s1 + 1):
            if length > 1e-6:
                off = abs((cxy[k, 0] - cxy[0, 0]) * dy - (cxy[k, 1] - cxy[0, 1]) * dx)
                lateral = max(lateral, off / length)
            max_heel = max(max_heel, h_heel[k])
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
        # the early maximum must be a real peak after toe-off, not the toe-off itself
        if early > s0 and late > early + 1:
            lo = early + 1
            for k in range(early + 1, late):
                if h_toe[k] < h_toe[lo]:
                    lo = k
            if h_toe[lo] < h_toe[early] and h_toe[lo] < h_toe[late]:
                mtc = h_toe[lo]
                mtc_k = lo
        # mid-swing (35-75 % of swing, after the shoe has unbent from toe-off, which a
        # rigid-sole model cannot follow): lowest sole point and strongest impact
        q1 = s0 + (35 * (s1 - s0)) // 100
        q4 = s0 + (75 * (s1 - s0)) // 100
        impact = 0.0
        min_sole = np.inf
        for k in range(max(q1, 1), q4 + 1):
            min_sole = min(min_sole, min(h_toe[k], h_heel[k]))
            impact = max(impact, _jerk(acc, a + k, fs))
        mid_k = mtc_k if mtc_k >= 0 else (s0 + s1) // 2
        dh = _heading(quat[e, 0], quat[e, 1], quat[e, 2], quat[e, 3]) - _heading(
            quat[0, 0], quat[0, 1], quat[0, 2], quat[0, 3])
        if dh > 180.0:
            dh -= 360.0
        elif dh < -180.0:
            dh += 360.0
        row = out[w]
        row[0] = a + fc
        # the jerk at sample ic is the backward difference over (ic - 1, ic]: the contact
        # happened within that interval, so IC is put at its middle
        row[1] = a + ic - 0.5
        row[2] = a + trough
        row[3] = length
        row[4] = cz[e] - cz[0]
        row[5] = dh
        row[6] = _pitch(quat[fc, 0], quat[fc, 1], quat[fc, 2], quat[fc, 3]) - p0
        row[7] = 0.5 * (_pitch(quat[ic, 0], quat[ic, 1], quat[ic, 2], quat[ic, 3])
                        + _pitch(quat[ic - 1, 0], quat[ic - 1, 1], quat[ic - 1, 2],
                                 quat[ic - 1, 3])) - p1
        row[8] = _pitch(quat[mid_k, 0], quat[mid_k, 1], quat[mid_k, 2], quat[mid_k, 3]) - p0
        row[9] = mtc
        row[10] = a + mtc_k if mtc_k >= 0 else np.nan
        row[11] = max_toe
        row[12] = max_heel
        row[13] = lateral
        row[14] = min_sole
        row[15] = impact
        row[16] = p1
        row[17] = cz[half] - cz[0]  # foot centre at mid-swing: whole-foot lift (steppage)
        # direction of travel from the sensor's x axis at the opening mid-stance (deg, +y)
        row[18] = np.arctan2(dy, dx) / DEG
        row[19] = end_rise  # net height change before the level-ground drift removal
    return out


@njit(cache=True)
def stance_tilt_range(acc, swings):
    """Range (deg) of the sagittal direction of the specific force in each stance between
    consecutive swings (0 for stances of fewer than two finite samples): a foot at rest on
    the floor keeps its tilt."""
    k = swings.shape[0]
    out = np.zeros(max(0, k - 1))
    for w in range(k - 1):
        lo = np.inf
        hi = -np.inf
        for i in range(swings[w, 1], swings[w + 1, 0]):
            if np.isfinite(acc[i, 0]) and np.isfinite(acc[i, 2]):
                ang = np.arctan2(acc[i, 0], acc[i, 2]) / DEG
                lo = min(lo, ang)
                hi = max(hi, ang)
        if hi > lo:
            out[w] = hi - lo
    return out
