"""Phase constants, parameter checks and the swing, landing and shank rules of
:class:`footdrop.realtime.GaitPhaseDetector` (see that module for the rules in words)."""

from __future__ import annotations

import math
from statistics import median
from typing import Any

from footdrop.errors import ConfigError

#: Event flags returned by :meth:`GaitPhaseDetector.update` (bitwise OR).
HEEL_OFF, TOE_OFF, MID_SWING, IC, CANCEL = 1, 2, 4, 8, 16
_LOST = 32  # internal: a swing since the last IC ended without a landing
EVENT_NAMES = {HEEL_OFF: "heel-off", TOE_OFF: "toe-off", MID_SWING: "mid-swing", IC: "ic",
               CANCEL: "cancel"}
#: Phases (:attr:`GaitPhaseDetector.phase_`).
UNKNOWN, STANCE, PUSH, SWING, LOADING = 0, 1, 2, 3, 4
PHASE_NAMES = ("unknown", "stance", "push-off", "swing", "loading")
_NAN = float("nan")
_NON_NEGATIVE = ("smooth_s", "jerk_span_s", "still_dps", "still_s", "heel_off_dps",
                 "heel_off_min_dps", "heel_off_max_dps", "baseline_s", "noise_factor",
                 "confirm_s", "push_min_dps", "swing_min_dps", "jerk_min", "jerk_start",
                 "landing_s", "roll_dps", "roll_gap_s", "min_swing_s", "loading_s", "quiet_s",
                 "rest_s", "cancel_s", "lift_ms2", "lift_deg", "max_push_s", "max_swing_s",
                 "shank_stance_dps", "shank_toe_off_dps",
                 "shank_peak_dps", "shank_jerk_min", "shank_load_s", "shank_stance_s")
_FRACTIONS = ("heel_off_gate_frac", "heel_off_frac", "push_frac", "toe_off_drop", "swing_frac",
              "trough_rise", "ic_gyr_frac", "slap_frac", "jerk_frac", "min_swing_frac",
              "landing_frac", "roll_frac", "lift_frac", "shank_drop", "shank_gate_frac",
              "shank_ic_frac", "shank_cross_frac")


def check_parameters(self: Any) -> None:
    """Raise ConfigError for a detector parameter out of its range."""
    if self.placement not in ("foot", "shank"):
        raise ConfigError(f"sensor placement {self.placement!r} is not known",
                          fix="use placement 'foot' or 'shank'")
    fs = self.fs
    if not isinstance(fs, int | float) or not math.isfinite(fs) or not 50 <= fs <= 2000:
        raise ConfigError(f"sampling rate {fs!r} Hz is outside 50–2000 Hz",
                          fix="give the sensor's rate with --fs (100–1000 Hz expected)")
    for name in _NON_NEGATIVE:
        v = getattr(self, name)
        if not isinstance(v, int | float) or not math.isfinite(v) or v < 0:
            raise ConfigError(f"detector parameter {name} = {v!r} must be a number ≥ 0",
                              fix=f"give a non-negative {name}")
    for name in _FRACTIONS:
        v = getattr(self, name)
        if not isinstance(v, int | float) or not 0 < v < 1:
            raise ConfigError(f"detector parameter {name} = {v!r} must lie in (0, 1)",
                              fix=f"give {name} as a fraction between 0 and 1")
    if not isinstance(self.history, int) or not 1 <= self.history <= 50:
        raise ConfigError(f"history = {self.history!r} strides is outside 1–50",
                          fix="give a whole number of strides, e.g. 7")


class SwingRules:
    """Swing, landing and shank rules, shared state with the detector (a mixin)."""

    def _shank_step(self, t: float, g: float, jerk: float) -> int:
        ph = self.phase_
        if ph == SWING:
            return self._swing_step(t, g, jerk)
        if ph == STANCE:
            # the loading response turns the shank forwards too: no toe-off right after IC
            late = not t - self.ic_s_ < self._st_gate
            if g > self.shank_stance_dps:
                self._above_n += 1
            elif self._prev_g > 0 >= g:  # downward zero crossing, interpolated
                self._cross_t = t - self._dt * (-g) / (self._prev_g - g)
            if late and self._stances:  # once the usual stance is known
                if self._peak >= self._po_th and g < self.shank_drop * self._peak:
                    return self._to_swing(t, g, self._peak_t)
                if g < self._valley:  # still slowing after the loading response
                    self._valley = g
                    self._peak, self._peak_t = g, t
                elif g > self._peak:  # the forward rotation that precedes the swing
                    self._peak, self._peak_t = g, t
            if g < -self.shank_toe_off_dps:  # the swing rotation, no pre-swing peak seen
                if late and self._above_n * self._dt >= self.shank_stance_s:
                    cross = self._cross_t if t - self._cross_t < 0.2 else t
                    return self._to_swing(t, g, cross)
                self._above_n = 0
            return 0
        if ph == LOADING:
            if t - self._ic_t <= self.loading_s:
                if jerk > self._imp_peak:
                    self._imp_peak = jerk
            else:
                self._enter_stance()
            return 0
        if g > self.shank_stance_dps:  # UNKNOWN: wait for the stance rotation
            self._enter_stance()
            self._above_n = 1
        return 0

    # ------------------------------------------------------------------------- transitions
    def _event(self, flag: int, t: float, at: float) -> int:
        self.latency_s_ = t - at
        self.events_seen_ |= flag
        if flag == HEEL_OFF:
            self.heel_off_s_ = at
        return flag

    def _to_swing(self, t: float, g: float, at: float) -> int:
        self.phase_ = SWING
        self.toe_off_s_ = at
        self._seen |= TOE_OFF
        self._trough, self._trough_t = g, t
        self._ms_done = False
        self._gate = self._calm = self._quiet = False
        self._land_ts.clear()
        self._land_js.clear()
        self._land_gs.clear()
        self._cross_t = -math.inf
        self._still_n = 0
        return self._event(TOE_OFF, t, at)

    def _enter_stance(self) -> None:
        if self.phase_ == LOADING and self._imp_peak > 0 and self.stride_ok_:
            self._jerks.append(self._imp_peak)
            self._jerk_th = max(self._jmin, self.jerk_frac * median(self._jerks))
        self.phase_ = STANCE
        self._above_n = self._below_n = 0
        self._cross_t = _NAN
        self._ref = self._g
        if self._shank:
            self._peak, self._valley = 0.0, math.inf

    def _swing_step(self, t: float, g: float, jerk: float) -> int:
        if g < self._trough:
            self._trough, self._trough_t = g, t
        since = t - self.toe_off_s_
        ev = 0
        if not self._ms_done and self._trough <= -self._sw_th \
                and g > self._trough * (1.0 - self.trough_rise):
            self._ms_done = True
            self._seen |= MID_SWING
            self.mid_swing_s_ = self._trough_t
            ev = self._event(MID_SWING, t, self._trough_t)
        if not self._gate and since >= self._min_swing and self._trough <= -self.still_dps \
                and (g > self._ic_frac * self._trough or g > -self.still_dps):
            self._gate = True  # latched: a toe-first landing turns the foot toes-up at once
        if self._gate:
            if self._prev_g <= 0.0 < g:
                self._cross_t = t - self._dt * g / (g - self._prev_g)
                self._quiet = False
            th = self._jerk_th
            if self._shank:
                # the impact must follow a quiet sample inside the gate: the jolt of the
                # knee straightening at the end of the swing turns the shank back fast
                # enough to open the gate while it lasts. Once the swing rotation is over
                # (the upward zero crossing), a weaker jolt (shank_cross_frac of the
                # threshold) that starts from a quiet sample after it is the heel strike.
                low = self.shank_cross_frac * th
                after = self._cross_t > -math.inf
                if jerk < th:
                    self._calm = True
                if after and jerk < low:
                    self._quiet = True
                impact = (jerk >= th and self._calm) or (after and self._quiet and jerk >= low)
            else:
                impact = jerk >= th
            if self._land_ts:  # an impact is under way: find its onset
                return ev | self._confirm_landing(t, jerk)
            if impact:
                self._land_ts.append(t)
                self._land_js.append(jerk)
                return ev | self._confirm_landing(t, jerk, first=True)
            # the foot slaps down after a soft impact; only after a confirmed mid-swing (going
            # down stairs the foot turns toes-down in the air, reaching for the step below)
            if not self._shank and self._ms_done and g > self.slap_frac * -self._trough \
                    and t - self._cross_t < 0.1:
                return ev | self._land(t, self._cross_t, True, jerk)
            if self._shank:
                if g > 0.2 * -self._trough and self.landing_s <= t - self._cross_t < 0.2:
                    # turning forwards over the foot again, and no impact for landing_s
                    # (the heel strike may follow the crossing): the landing is the end of
                    # the swing rotation (the zero crossing)
                    return ev | self._land(t, self._cross_t, True)
            elif self._still_n >= self._rest_need:  # at rest without an impact
                return ev | self._land(t, t - self.rest_s, False)
        elif not self._ms_done and not self._shank and self._still_n >= self._rest_need:
            # at rest before any toes-up swing rotation: that "push-off" was not a toe-off
            # (a heel-strike slap or a weight shift); back to stance
            self._seen &= ~(TOE_OFF | HEEL_OFF)
            self._enter_stance()
            return ev | self._event(CANCEL, t, t)
        if since > self.max_swing_s:  # no landing: the next IC ends no complete stride
            self.phase_ = UNKNOWN
            self._seen |= _LOST
        return ev

    def _confirm_landing(self, t: float, jerk: float, first: bool = False) -> int:
        """Collect the jerk for ``landing_s`` after it first reached the impact threshold;
        IC is then the first of those samples whose jerk reaches ``landing_frac`` of their
        largest (the onset of this landing's own impact, not of the swing's deceleration)."""
        ts, js = self._land_ts, self._land_js
        if not first:
            ts.append(t)
            js.append(jerk)
        self._land_gs.append(self._g)
        if t - ts[0] < self._land_wait:
            return 0
        top = max(js)
        k = 0
        while js[k] < self.landing_frac * top:
            k += 1
        gs = self._land_gs
        roll = max(gs)
        if not self._shank and roll >= self.roll_dps:
            # the foot rolls onto its sole (toes down) within the watch: a jolt more than
            # roll_gap_s before that roll sets in was the swing braking in the air, not the
            # heel strike; IC is the first impact from the sample before the roll onset
            r0 = 0
            while gs[r0] < self.roll_frac * roll:
                r0 += 1
            if k < r0 - self._roll_gap:
                for j in range(r0 - 1, len(js)):
                    if js[j] >= self.landing_frac * top:
                        k = j
                        break
        at = ts[k] - self._jhalf
        ts.clear()
        js.clear()
        self._land_gs.clear()
        return self._land(t, at, True, top)

    def _land(self, t: float, at: float, impact: bool, jerk: float = 0.0) -> int:
        prev = self.ic_s_
        self.ic_s_ = at
        self._ic_t = t
        self.stride_s_ = at - prev
        self.swing_s_ = at - self.toe_off_s_
        ok = impact and (self._seen & (TOE_OFF | _LOST)) == TOE_OFF \
            and 0.4 <= self.stride_s_ <= 4.0
        self.stride_ok_ = ok
        if ok:
            self._stances.append(self.toe_off_s_ - prev)
            if self._shank:
                self._st_gate = max(self.shank_load_s,
                                    self.shank_gate_frac * median(self._stances))
                self._peaks.append(self._peak)
                self._po_th = max(self.shank_peak_dps, self.push_frac * median(self._peaks))
            else:
                self._ho_delays.append(self.heel_off_s_ - prev)
                self._ho_gate = self.heel_off_gate_frac * median(self._ho_delays)
                self._peaks.append(self._peak)
                ref = median(self._peaks)
                self._po_th = max(self.push_min_dps, self.push_frac * ref)
                self._ho_th = min(max(self.heel_off_frac * ref, self.heel_off_min_dps),
                                  self.heel_off_max_dps)
            self._troughs.append(-self._trough)
            self._sw_th = max(self.swing_min_dps, self.swing_frac * median(self._troughs))
            self._swings.append(self.swing_s_)
            self._min_swing = max(self.min_swing_s, self.min_swing_frac * median(self._swings))
        self._seen = 0
        self._imp_peak = jerk if impact else 0.0
        self.phase_ = LOADING
        self._still_n = 0
        return self._event(IC, t, at)
