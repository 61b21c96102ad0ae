"""Streaming gait-phase detection from one foot- or shank-worn IMU, sample by sample.

The detector follows the gyroscope-based gait-phase detectors built for drop-foot
stimulators: a rule-based state machine on the sagittal angular rate, with the
accelerometer confirming the landing (Pappas et al., IEEE Trans Biomed Eng 48:1200-1207,
2001, gyroscope plus force sensors; Kotiadis et al., Med Eng Phys 32:287-297, 2010, inertial
phase detection for a drop-foot stimulator; Catalfamo et al., Med Eng Phys 32:1030-1035,
2010, real-time IC and toe-off from a shank gyroscope). The rules and their thresholds here
are our own, written for the frames of CONTRACT.md and checked against the simulator and
the motion-capture and annotated recordings (``docs/realtime.md``).

Signals
-------
- ``g``: the sagittal rate ``gyr_y`` (deg/s), smoothed by a first-order low-pass with time
  constant ``smooth_s`` (delay about ``smooth_s``; at 100 Hz it is nearly transparent).
- ``jerk``: ``|acc[n] - acc[n-k]| / (k / fs)`` in m/s³ with ``k / fs ≈ jerk_span_s``, the
  same physical span at every rate.

Foot (x forward, y left, z up; positive ``gyr_y`` turns the toes down)
-----------------------------------------------------------------------
- **stance** when the angular-rate magnitude stays below ``still_dps`` and the
  acceleration magnitude within about 1 m/s² of gravity for ``still_s``.
- **heel-off** (``HEEL_OFF``): in stance, ``g`` rises above its stance baseline by more
  than a threshold and keeps rising for ``confirm_s``, and is positive (the heel rising
  turns the foot toes-down; a toes-up rotation dying away as the foot settles rises above
  the baseline too), no earlier after IC than ``heel_off_gate_frac ×`` the usual IC to
  heel-off time. The threshold is ``noise_factor ×`` the stance noise, but at least
  ``heel_off_frac ×`` the median push-off peak of recent strides (``heel_off_dps`` before
  the first), within ``heel_off_min_dps``–``heel_off_max_dps``. Scaling with the push-off
  peak makes the delay nearly independent of walking speed: a slow heel rise is gentle
  but so is its push-off. Event time: the first sample above.
- **toe-off** (``TOE_OFF``): the push-off peak of ``g`` has passed: ``g`` fell below
  ``toe_off_drop ×`` its running maximum, which is at least the push-off threshold. Event
  time: the peak. A weak push-off (a heel rise with a peak of at least half
  ``push_min_dps``) is still a toe-off once the foot turns toes-up faster than half the
  swing threshold (a closing step). A foot lifted flat, without any push-off (a closing
  step, steppage), is a toe-off once it turns toes-up faster than the swing threshold; the
  event time is then that decision. A heel rise that turns back below its stance baseline
  (by the heel-off threshold) for ``cancel_s`` before such a peak, or lasts longer than
  ``max_push_s``, gives ``CANCEL`` (a weight shift, not a step); so does a "toe-off" after
  which the foot rests for ``rest_s`` without any toes-up rotation (a heel-strike slap or a
  rock onto the forefoot), which returns the detector to stance. A weak heel rise that
  turns back for ``cancel_s`` with the foot in the air is a toe-off instead (event time:
  the peak): its acceleration magnitude left gravity by more than ``lift_ms2`` after the
  peak (the foot accelerated off the floor; a heel lowered onto it stays near 1 g), it
  pitched the foot toes-down by at least ``lift_deg`` (the integral of ``g`` above its
  stance baseline) and that pitch is still above ``lift_frac`` of its largest value (the
  heel has not come down). On stairs the push-off is weak (peaks of 80-110 deg/s against
  a threshold of about 170 learnt on the level) and so is the toes-up rotation after it
  (about 60 deg/s, the weak push-off rule wanting about 63); the swing trough is then the
  lowest ``g`` since the peak.
- **mid-swing** (``MID_SWING``): the toes-up trough of ``g`` (below the swing threshold) has
  passed (``g`` rose by ``trough_rise`` of its depth). Event time: the trough.
- **IC** (``IC``): at least ``min_swing_frac ×`` the median swing time after toe-off, after a
  toes-up swing rotation (trough at or below ``-still_dps``) that is nearly over
  (``g > ic_gyr_frac ×`` the trough, or ``g > -still_dps``), the jerk reaches the impact
  threshold. The detector then watches the landing for ``landing_s`` and puts IC at the
  first of those samples whose jerk reaches ``landing_frac`` of their largest: the onset of
  this landing's own impact rather than the late-swing deceleration that may cross the
  threshold first (the offline engine's rule, IC at a fraction of the landing's peak jerk,
  with a bounded wait). If the foot begins to roll onto its sole within that watch (``g``
  reaches ``roll_dps``; the roll sets in at the first watched sample above ``roll_frac ×``
  the largest ``g`` seen) more than ``roll_gap_s`` after the IC found, that IC was the swing
  braking in the air: IC moves to the first watched sample from the one before the roll
  onset whose jerk reaches the same fraction (the offline engine's roll rule, within the
  watch). Event time: the middle of the jerk span.
  Once open, the gate stays open (a toe-first landing turns the foot toes-up at once).
  A heel strike too soft for the threshold is recognised by the forefoot slapping down
  (``g`` rising above ``slap_frac ×`` the trough depth right after crossing zero), after a
  confirmed mid-swing only (going down stairs the foot turns toes-down in the air as it
  reaches for the step below, after a weak toes-up rotation). A foot at rest for
  ``rest_s`` after its swing without an impact ends the swing too (a late IC, flagged: the
  stride does not count towards arming). A swing with no landing within ``max_swing_s``
  is abandoned, and the IC after it ends no complete stride (it spans two swings; learnt
  from, it would teach the detector a stance and swing far too long).

Shank (x forward, y left, z up along the shank)
------------------------------------------------
The shank turns forwards (positive ``gyr_y``) over the standing foot twice: right after IC
(the loading response) and before the swing while the knee flexes; it turns backwards
(negative) in the swing, deepest at mid-swing. Toe-off is placed, after Aminian et al.
(J Biomech 35:689-699, 2002: toe-off at the shank-rate extremum before the mid-swing peak,
in their sign convention a minimum, found without significant error against footswitches)
and the quasi-real-time variant of Lee & Park (Med Biol Eng Comput 49:707-712, 2011: the
same events decided shortly after they occur from the order of the gait events; end
contacts 8 ms early on average), at the pre-swing peak of the forward rotation. It is looked
for from ``max(shank_load_s, shank_gate_frac ×`` the usual IC to toe-off time) after IC,
which leaves out the loading response; from then on the peak is the largest ``g`` since the
last minimum (while the loading response still dies away, the peak restarts with it). It
must reach ``shank_peak_dps`` and ``push_frac ×`` the median of recent pre-swing peaks, and
is confirmed once ``g`` falls below ``shank_drop ×`` the peak (0.75; the foot waits for 0.7:
the rate falls steeply once the swing begins, and a fall of a quarter stays clear of sensor
noise; see ``docs/realtime.md``). Event time: the peak. Before the first
complete stride, and when no such peak is seen, the swing rotation itself is the toe-off:
``g`` below ``-shank_toe_off_dps`` after at least ``shank_stance_s`` above
``+shank_stance_dps``, not before ``shank_load_s`` after IC; event time the interpolated
zero crossing. Mid-swing follows the foot rule. IC follows the foot rule with these
changes: the impact threshold has the lower floor ``shank_jerk_min`` (the leg damps the
heel strike); the gate opens once ``g > shank_ic_frac ×`` the trough (or above
``-still_dps``), and an impact counts only after a sample below the impact threshold inside
the gate (the jolt of the knee straightening in late swing turns the shank back fast enough
to open the gate while it lasts). Once the swing rotation is over (``g`` crossed zero
upwards; on the simulator the heel strikes 35-55 ms later), a jolt of
``shank_cross_frac ×`` the threshold already counts, provided the jerk was below that
level at some sample after the crossing (at slow speeds the knee-extension jolt is still
dying away at the crossing): the shank's heel strike reaches the threshold in most
strides, but not in all (at 100 Hz its sampled jerk varies with where the samples fall).
A landing without any impact is the
shank turning forwards again (``g`` above 0.2 × the trough depth), taken at its zero
crossing once ``landing_s`` has passed without an impact. Heel-off is not observable on the
shank. (Catalfamo et al., Sensors 10:5683-5702, 2010, evaluate shank-gyroscope IC and
foot-off against pressure insoles: mean differences under 25 ms for IC and under 75 ms for
foot-off, over 98 % detected.)

Every threshold that depends on the person (push-off peak, trough depth, impact jerk, swing
time) adapts to the median of the last ``history`` complete strides, within fixed bounds.
The work per sample is constant: scalar arithmetic on a handful of state variables and a
ring buffer of ``k`` accelerations (and, during a landing, at most ``landing_s`` of jerk
and rate values); medians are taken once per stride over at most ``history`` values. No
future sample is used: every decision is made at the sample that completes its rule, and the rules'
confirmation times are the latency. For the trigger events (heel-off, toe-off) that is all;
the IC estimate may lie up to ``landing_s`` before its decision (a fixed look-ahead, which
the engine keeps no longer than the stimulation's extension after IC).
"""

from __future__ import annotations

import math
from collections import deque
from statistics import median

from footdrop.realtime._phases import (  # noqa: F401  (re-exported)
    CANCEL,
    EVENT_NAMES,
    HEEL_OFF,
    IC,
    LOADING,
    MID_SWING,
    PHASE_NAMES,
    PUSH,
    STANCE,
    SWING,
    TOE_OFF,
    UNKNOWN,
    SwingRules,
    check_parameters,
)

_NAN = float("nan")
_G = 9.81  # m/s²


class GaitPhaseDetector(SwingRules):
    """Detect heel-off, toe-off, mid-swing and IC from a live IMU stream.

    Parameters
    ----------
    fs
        Nominal sampling rate in Hz (50–2000); sets the filter and jerk spans.
    placement
        ``"foot"`` (sensor on the shoe, foot frame) or ``"shank"`` (shank frame).
    smooth_s
        Time constant of the low-pass on ``gyr_y``.
    jerk_span_s
        Span of the acceleration difference for the jerk.
    still_dps, still_s
        The foot is still (stance) when the angular-rate magnitude stays below ``still_dps``
        and the acceleration magnitude within 8.8–10.8 m/s² for ``still_s``.
    heel_off_dps, heel_off_frac, heel_off_min_dps, heel_off_max_dps, baseline_s,
    noise_factor, confirm_s
        Heel-off: ``gyr_y`` rises above its stance baseline (a low-pass with time constant
        ``baseline_s``, held while the rate is outside the threshold) by more than the
        threshold ``noise_factor ×`` the stance noise (mean absolute deviation from the
        baseline), and keeps rising for ``confirm_s``. The threshold is at least
        ``heel_off_frac ×`` the median push-off peak of recent strides (``heel_off_dps``
        before the first), bounded to ``heel_off_min_dps``–``heel_off_max_dps``.
    heel_off_gate_frac
        Heel-off is not looked for earlier after IC than this fraction of the median IC to
        heel-off time of recent strides (the loading response wobbles).
    push_min_dps, push_frac
        A push-off peak must reach ``max(push_min_dps, push_frac ×`` median peak).
    toe_off_drop
        The push-off peak is passed when ``gyr_y`` falls below this fraction of it.
    swing_min_dps, swing_frac
        A swing trough must reach ``-max(swing_min_dps, swing_frac ×`` median depth).
    trough_rise
        Mid-swing is confirmed when ``gyr_y`` has risen by this fraction of the trough depth.
    ic_gyr_frac
        IC is looked for once ``gyr_y`` is back above this fraction of the trough.
    slap_frac
        A heel strike too soft for the jerk threshold is still an IC when ``gyr_y`` then
        rises above this fraction of the trough depth (the forefoot slapping down) within
        0.1 s of its zero crossing; the event time is the crossing.
    jerk_min, jerk_frac, jerk_start
        Impact threshold ``max(jerk_min, jerk_frac ×`` median impact jerk) in m/s³, and its
        value before any stride is known.
    landing_s, landing_frac
        Once the impact threshold is reached, the landing is watched for ``landing_s``; IC
        is the first of those samples whose jerk reaches ``landing_frac`` of their largest.
        ``landing_s`` is the IC's fixed look-ahead (0 decides at the threshold itself).
    roll_dps, roll_frac, roll_gap_s
        Foot only: if ``gyr_y`` reaches ``roll_dps`` within the landing watch (the foot
        rolling onto its sole), the roll sets in at the first watched sample above
        ``roll_frac ×`` its largest value there; an IC more than ``roll_gap_s`` before
        that onset moves to the first watched sample from the one before it whose jerk
        reaches ``landing_frac`` of the largest.
    min_swing_s, min_swing_frac
        IC is not accepted earlier than ``max(min_swing_s, min_swing_frac ×`` median swing
        time) after toe-off (a toe scuff in mid-swing is not a landing).
    loading_s
        After IC the largest jerk within this time is the stride's impact (it adapts the
        impact threshold); stance is not looked for before it has passed.
    quiet_s
        A foot that never comes to rest (a fast or unsteady stance) is taken to stand once
        this long after IC its sagittal rate is below ``still_dps``.
    rest_s
        A foot at rest this long after mid-swing has landed without a detectable impact.
    cancel_s
        A heel rise is cancelled when the rate stays below its stance baseline this long.
    lift_ms2, lift_deg, lift_frac
        Such a heel rise is a toe-off instead when the foot is in the air (a weak push-off,
        as on stairs): its acceleration magnitude left 9.81 m/s² by more than ``lift_ms2``
        after the push-off peak, the heel rise pitched it toes-down by at least
        ``lift_deg`` and it still holds more than ``lift_frac`` of that pitch.
    max_push_s, max_swing_s
        A heel rise or a swing longer than this is abandoned.
    shank_stance_dps, shank_toe_off_dps, shank_peak_dps, shank_drop, shank_gate_frac,
    shank_jerk_min, shank_load_s, shank_stance_s, shank_ic_frac, shank_cross_frac
        Shank rules (see the module docstring).
    history
        Number of recent complete strides the adaptive thresholds use.
    """

    def __init__(self, *, fs: float = 100.0, placement: str = "foot",
                 smooth_s: float = 0.004, jerk_span_s: float = 0.01, still_dps: float = 40.0,
                 still_s: float = 0.03, heel_off_dps: float = 4.0,
                 heel_off_max_dps: float = 20.0, heel_off_frac: float = 0.01,
                 heel_off_min_dps: float = 1.0, baseline_s: float = 0.1,
                 noise_factor: float = 3.0, confirm_s: float = 0.005,
                 heel_off_gate_frac: float = 0.5, push_min_dps: float = 60.0,
                 push_frac: float = 0.35, toe_off_drop: float = 0.7,
                 swing_min_dps: float = 60.0, swing_frac: float = 0.35,
                 trough_rise: float = 0.2, ic_gyr_frac: float = 0.1, slap_frac: float = 0.6,
                 jerk_min: float = 800.0,
                 jerk_frac: float = 0.35, jerk_start: float = 1500.0,
                 landing_s: float = 0.05, landing_frac: float = 0.5,
                 roll_dps: float = 60.0, roll_frac: float = 0.2, roll_gap_s: float = 0.02,
                 min_swing_s: float = 0.12, min_swing_frac: float = 0.6,
                 loading_s: float = 0.08, quiet_s: float = 0.2, rest_s: float = 0.1,
                 cancel_s: float = 0.08, lift_ms2: float = 5.0, lift_deg: float = 10.0,
                 lift_frac: float = 0.5,
                 max_push_s: float = 1.0, max_swing_s: float = 1.5,
                 shank_stance_dps: float = 20.0, shank_toe_off_dps: float = 20.0,
                 shank_peak_dps: float = 40.0, shank_drop: float = 0.75,
                 shank_gate_frac: float = 0.5, shank_jerk_min: float = 200.0,
                 shank_load_s: float = 0.2, shank_stance_s: float = 0.1,
                 shank_ic_frac: float = 0.2, shank_cross_frac: float = 0.5,
                 history: int = 7) -> None:
        self.fs = fs
        self.placement = placement
        self.smooth_s = smooth_s
        self.jerk_span_s = jerk_span_s
        self.still_dps = still_dps
        self.still_s = still_s
        self.heel_off_dps = heel_off_dps
        self.heel_off_max_dps = heel_off_max_dps
        self.heel_off_frac = heel_off_frac
        self.heel_off_min_dps = heel_off_min_dps
        self.baseline_s = baseline_s
        self.noise_factor = noise_factor
        self.confirm_s = confirm_s
        self.heel_off_gate_frac = heel_off_gate_frac
        self.push_min_dps = push_min_dps
        self.push_frac = push_frac
        self.toe_off_drop = toe_off_drop
        self.swing_min_dps = swing_min_dps
        self.swing_frac = swing_frac
        self.trough_rise = trough_rise
        self.ic_gyr_frac = ic_gyr_frac
        self.slap_frac = slap_frac
        self.jerk_min = jerk_min
        self.jerk_frac = jerk_frac
        self.jerk_start = jerk_start
        self.landing_s = landing_s
        self.landing_frac = landing_frac
        self.roll_dps = roll_dps
        self.roll_frac = roll_frac
        self.roll_gap_s = roll_gap_s
        self.min_swing_s = min_swing_s
        self.min_swing_frac = min_swing_frac
        self.loading_s = loading_s
        self.quiet_s = quiet_s
        self.rest_s = rest_s
        self.cancel_s = cancel_s
        self.lift_ms2 = lift_ms2
        self.lift_deg = lift_deg
        self.lift_frac = lift_frac
        self.max_push_s = max_push_s
        self.max_swing_s = max_swing_s
        self.shank_stance_dps = shank_stance_dps
        self.shank_toe_off_dps = shank_toe_off_dps
        self.shank_peak_dps = shank_peak_dps
        self.shank_drop = shank_drop
        self.shank_gate_frac = shank_gate_frac
        self.shank_jerk_min = shank_jerk_min
        self.shank_load_s = shank_load_s
        self.shank_stance_s = shank_stance_s
        self.shank_ic_frac = shank_ic_frac
        self.shank_cross_frac = shank_cross_frac
        self.history = history

    _ready = False

    # ------------------------------------------------------------------------------ setup
    def _check(self) -> None:
        check_parameters(self)

    def reset(self) -> GaitPhaseDetector:
        """Check the parameters and forget everything seen; return ``self``."""
        self._check()
        fs = float(self.fs)
        self._dt = 1.0 / fs
        self._alpha = 1.0 - math.exp(-self._dt / self.smooth_s) if self.smooth_s > 0 else 1.0
        k = max(1, round(self.jerk_span_s * fs))
        self._k, self._jscale, self._jhalf = k, fs / k, 0.5 * k / fs
        self._ax, self._ay, self._az = [0.0] * k, [0.0] * k, [0.0] * k
        self._ai = 0
        self._n = 0
        self._g = 0.0
        self._still_need = max(1, round(self.still_s * fs))
        self._still2 = self.still_dps * self.still_dps
        self._rest_need = max(1, round(self.rest_s * fs))
        self._cancel_need = max(1, round(self.cancel_s * fs))
        lo = max(0.0, _G - self.lift_ms2)
        self._lift_lo2, self._lift_hi2 = lo * lo, (_G + self.lift_ms2) ** 2  # |acc|² band
        self._lift = False
        self._pitch = self._pitch_top = self._dip = 0.0  # heel rise: pitch (deg), lowest g
        self._dip_t = _NAN
        self._below_n = 0
        self._beta = 1.0 - math.exp(-1.0 / (self.baseline_s * fs))
        self._ref = self._ho_ref = 0.0
        self._noise = 0.0
        self._ho_th_now = self.heel_off_dps
        self._confirm_need = max(1, round(self.confirm_s * fs))
        self._shank = self.placement == "shank"
        self._peaks: deque[float] = deque(maxlen=self.history)
        self._troughs: deque[float] = deque(maxlen=self.history)
        self._jerks: deque[float] = deque(maxlen=self.history)
        self._swings: deque[float] = deque(maxlen=self.history)
        self._ho_delays: deque[float] = deque(maxlen=self.history)
        self._stances: deque[float] = deque(maxlen=self.history)
        self._ho_gate = 0.0
        self._st_gate = self.shank_load_s
        self._valley = math.inf
        self._ho_th = self.heel_off_dps
        self._po_th = self.shank_peak_dps if self._shank else self.push_min_dps
        self._sw_th = self.swing_min_dps
        self._jmin = self.shank_jerk_min if self._shank else self.jerk_min
        self._jerk_th = max(self._jmin, self.jerk_start)
        self._min_swing = self.min_swing_s
        self._still_n = self._above_n = 0
        self._peak = self._trough = 0.0
        self._peak_t = self._trough_t = self._cross_t = self._ho_cand = _NAN
        self._ms_done = self._gate = self._calm = self._quiet = False
        self._ic_frac = self.shank_ic_frac if self._shank else self.ic_gyr_frac
        self._seen = 0
        self._imp_peak = 0.0
        self._ic_t = -math.inf
        self._land_ts: list[float] = []
        self._land_js: list[float] = []
        self._land_gs: list[float] = []
        self._land_wait = self.landing_s - 0.5 * self._dt  # samples at or after the span
        self._roll_gap = round(self.roll_gap_s * fs)
        self._prev_g = 0.0
        self.phase_ = UNKNOWN
        self.heel_off_s_ = self.toe_off_s_ = self.mid_swing_s_ = self.ic_s_ = _NAN
        self.stride_s_ = self.swing_s_ = self.latency_s_ = _NAN
        self.stride_ok_ = False
        self.events_seen_ = 0
        self._ready = True
        return self

    @property
    def phase_name_(self) -> str:
        return PHASE_NAMES[self.phase_]

    @property
    def median_heel_off_delay_s_(self) -> float:
        """Median time from IC to heel-off of the recent complete strides (NaN before)."""
        return median(self._ho_delays) if self._ho_delays else _NAN

    @property
    def median_stance_s_(self) -> float:
        """Median time from IC to toe-off of the recent complete strides (NaN before)."""
        return median(self._stances) if self._stances else _NAN

    @property
    def median_swing_s_(self) -> float:
        """Median swing time of the recent complete strides (NaN before the first)."""
        return median(self._swings) if self._swings else _NAN

    # --------------------------------------------------------------------------- per sample
    def update(self, t: float, ax: float, ay: float, az: float, gx: float, gy: float,
               gz: float) -> int:
        """Feed one sample (time in s, acc in m/s², gyr in deg/s); return the event flags.

        The sample must be valid (finite); :class:`~footdrop.realtime.SignalGuard` screens
        samples before they reach the detector.
        """
        if not self._ready:
            self.reset()
        if self._n == 0:
            self._g = gy
            self._ax = [ax] * self._k
            self._ay = [ay] * self._k
            self._az = [az] * self._k
        self._n += 1
        g = self._g + self._alpha * (gy - self._g)
        self._g = g
        i = self._ai
        dx, dy, dz = ax - self._ax[i], ay - self._ay[i], az - self._az[i]
        self._ax[i], self._ay[i], self._az[i] = ax, ay, az
        self._ai = i + 1 if i + 1 < self._k else 0
        jerk = math.sqrt(dx * dx + dy * dy + dz * dz) * self._jscale
        if self._shank:
            ev = self._shank_step(t, g, jerk)
        else:
            a2 = ax * ax + ay * ay + az * az
            if gx * gx + gy * gy + gz * gz < self._still2 and 77.0 < a2 < 117.0:
                self._still_n += 1
            else:
                self._still_n = 0
            ev = self._foot_step(t, g, jerk, a2)
        self._prev_g = g
        return ev

    def _foot_step(self, t: float, g: float, jerk: float, a2: float) -> int:
        ph = self.phase_
        if ph == STANCE:
            d = g - self._ref
            th = self._noise * self.noise_factor
            if th < self._ho_th:
                th = self._ho_th
            elif th > self.heel_off_max_dps:
                th = self.heel_off_max_dps
            if -th < d < th:  # the baseline and its noise follow the stance, not the heel rise
                self._ref += self._beta * d
                self._noise += self._beta * ((d if d > 0 else -d) - self._noise)
            # a heel rise turns the foot toes-down (g > 0); a toes-up rotation dying away
            # (the foot settling after the landing) rises above the baseline too
            if d > th and g > self._prev_g and g > 0.0 \
                    and not t - self.ic_s_ < self._ho_gate:
                self._above_n += 1
                if self._above_n == 1:
                    self._ho_cand = t
                if self._above_n >= self._confirm_need:
                    self.phase_ = PUSH
                    self._ho_ref, self._ho_th_now = self._ref, th
                    self._below_n = 0
                    self._peak, self._peak_t = g, t
                    self._dip, self._dip_t, self._lift = g, t, False
                    self._pitch = self._pitch_top = (g - self._ref) * self._dt
                    self._seen |= HEEL_OFF
                    return self._event(HEEL_OFF, t, self._ho_cand)
            elif d <= th:
                self._above_n = 0
            if g < -self._sw_th and not t - self.ic_s_ < self._ho_gate:
                self._below_n += 1  # the whole foot lifted without a push-off
                if self._below_n >= self._confirm_need:
                    return self._to_swing(t, g, t)
            else:
                self._below_n = 0
            return 0
        if ph == PUSH:
            if g > self._peak:
                self._peak, self._peak_t = g, t
                self._dip, self._dip_t = g, t
                self._lift = False
            else:
                if g < self._dip:
                    self._dip, self._dip_t = g, t
                if not self._lift_lo2 < a2 < self._lift_hi2:
                    self._lift = True  # accelerated off the floor since the push-off peak
            self._pitch += (g - self._ho_ref) * self._dt  # toes-down pitch of the heel rise
            if self._pitch > self._pitch_top:
                self._pitch_top = self._pitch
            if self._peak >= self._po_th and g < self.toe_off_drop * self._peak:
                return self._to_swing(t, g, self._peak_t)
            if g < -0.5 * self._sw_th and self._peak > 0.5 * self.push_min_dps:
                return self._to_swing(t, g, self._peak_t)  # a weak push-off, swing begun
            if g < self._ho_ref - self._ho_th_now and self._peak < self._po_th:
                self._below_n += 1
            else:
                self._below_n = 0
            if self._below_n >= self._cancel_need and self._lift \
                    and self._pitch_top >= self.lift_deg \
                    and self._pitch > self.lift_frac * self._pitch_top \
                    and self._peak > 0.5 * self.push_min_dps:
                # turning toes-up in the air, the heel not lowered: a weak toe-off (stairs)
                ev = self._to_swing(t, g, self._peak_t)
                self._trough, self._trough_t = self._dip, self._dip_t  # the swing began there
                return ev
            if self._below_n >= self._cancel_need or t - self.heel_off_s_ > self.max_push_s:
                self.phase_ = STANCE
                self._above_n = 0
                self._ref = g
                self._seen &= ~HEEL_OFF
                return self._event(CANCEL, t, t)
            return 0
        if ph == SWING:
            return self._swing_step(t, g, jerk)
        if ph == LOADING:
            if t - self._ic_t <= self.loading_s:
                if jerk > self._imp_peak:
                    self._imp_peak = jerk
            elif self._still_n >= self._still_need or (
                    t - self._ic_t > self.quiet_s and -self.still_dps < g < self.still_dps):
                self._enter_stance()  # at rest, or at least no longer pitching
            return 0
        if self._still_n >= self._still_need:  # UNKNOWN
            self._enter_stance()
        return 0
