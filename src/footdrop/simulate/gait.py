"""The walking plan: which foot steps where and when.

A *protocol* is a list of segments: standing, sitting, weight shifting (both feet on the floor)
and walking, turning and stairs (consecutive ones form one walking *bout*). A bout starts from
standing with a half step, continues with full strides and ends with a closing half step that
brings the feet side by side. Each step gets its timing (cadence and stance fraction from the
speed), its footprint and the per-side gait shape (normal values from the speed, foot-drop
severity, compensations, fatigue drift and stride-to-stride variability).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from footdrop.errors import ConfigError
from footdrop.simulate.params import GaitSpec
from footdrop.simulate.steps import step_shape
from footdrop.simulate.timeline import Contact, FootPlan, Footprint, Swing

D = np.deg2rad
_STEP_KINDS = ("walk", "turn", "stairs")
#: Stride-to-stride variability at ``variability=1``: SD of each step's duration and length
#: (fractions), and a slow drift of the speed within a bout (SD, step-to-step correlation),
#: which moves cadence and stride length together. Healthy adults walking 2 × 20 m: stride
#: time SD ~2 %, stride length SD ~3 % (the gaitmap example: 24 ms, 4.3 cm at 1.3 m/s).
STEP_TIME_SD = 0.025
STEP_LENGTH_SD = 0.04
SPEED_DRIFT_SD = 0.03
SPEED_DRIFT_CORR = 0.85
_REST_KINDS = ("stand", "sit", "weight_shift")


@dataclass
class Flight:
    """A straight flight of stairs: tread centres from ``origin`` along ``direction``."""

    origin: np.ndarray
    direction: np.ndarray
    n: int
    tread: float
    riser: float  # signed: > 0 up
    base: float

    def floor(self, xy: np.ndarray) -> np.ndarray:
        s = (np.asarray(xy)[..., :2] - self.origin) @ self.direction
        i = np.clip(np.floor((s + 0.5 * self.tread) / self.tread) + 1, 0, self.n)
        return self.base + i * self.riser


@dataclass
class StepInfo:
    side: str
    fc: float
    ic: float
    bout: int
    turning: bool
    stairs: bool
    severity: float
    speed: float
    scuff: bool
    flight: int | None = None
    kind: str = "walk"  # init, walk, turn, stairs or close (the half step that stops)


@dataclass
class Rest:
    """A standing, sitting or weight-shifting segment of the protocol, ``t0``–``t1`` s."""

    kind: str
    t0: float
    t1: float


@dataclass
class Plan:
    feet: dict[str, FootPlan]
    steps: list[StepInfo]
    flights: list[Flight]
    duration_s: float
    rests: list[Rest] = field(default_factory=list)


def parse_protocol(protocol, *, n_strides, duration_s, turns, stand_s, speed, stride_time):
    """Segments as dicts with a ``kind``; the default is stand, walk (with turns), stand."""
    if protocol is None:
        if n_strides is None:
            n_strides = max(2, int(round((duration_s or 30.0) / stride_time)))
        legs = turns + 1
        per = [n_strides // legs + (1 if i < n_strides % legs else 0) for i in range(legs)]
        protocol = [("stand", stand_s)]
        for i, n in enumerate(per):
            protocol.append(("walk", n))
            if i < turns:
                protocol.append(("turn", 180.0))
        protocol.append(("stand", stand_s))
    segs = []
    for item in protocol:
        if isinstance(item, dict):
            seg = dict(item)
        else:
            kind, *rest = item if isinstance(item, list | tuple) else (item,)
            seg = {"kind": kind}
            if rest:
                key = {"stand": "duration_s", "sit": "duration_s", "weight_shift": "duration_s",
                       "walk": "strides", "turn": "angle_deg", "stairs": "steps"}.get(kind)
                seg[key] = rest[0]
                if len(rest) > 1 and isinstance(rest[1], dict):
                    seg.update(rest[1])
        if seg.get("kind") not in _STEP_KINDS + _REST_KINDS:
            raise ConfigError(f"unknown protocol segment {item!r}",
                              fix=f"use one of {', '.join(_STEP_KINDS + _REST_KINDS)}")
        segs.append(seg)
    return segs


class _Foot:
    """A foot's timeline under construction."""

    def __init__(self, side: str, L: float, heel: np.ndarray, yaw: float) -> None:
        self.side, self.L = side, L
        self.fps = [Footprint(np.asarray(heel, float), yaw)]
        self.contacts: list[Contact] = []
        self.swings: list[Swing] = []
        self.open = Contact(0.0, np.nan, 0, kind="rest")
        self.open_bout = -1

    def step(self, fc, ic, takeoff, shape, landing, heel, yaw, bout, sway=(None, 0.0)):
        c = self.open
        c.t1, c.takeoff = fc, takeoff
        c.kind = "walk" if self.open_bout == bout and c.landing is not None else "rest"
        self.contacts.append(c)
        self.fps.append(Footprint(np.asarray(heel, float), yaw))
        self.swings.append(Swing(fc, ic, c.fp, len(self.fps) - 1, shape))
        self.open = Contact(ic, np.nan, len(self.fps) - 1, landing=landing,
                            sway_seed=sway[0], sway_sd=sway[1])
        self.open_bout = bout

    def finish(self, t_end) -> FootPlan:
        self.open.t1 = t_end
        self.open.kind = "rest"
        return FootPlan(self.side, self.L, self.fps, self.contacts + [self.open], self.swings)


class GaitPlanner:
    """Turns a protocol into per-foot timelines (:class:`FootPlan`) and per-step facts."""

    def __init__(self, spec: GaitSpec, rng: np.random.Generator) -> None:
        self.spec, self.rng = spec, rng

    # ------------------------------------------------------------------ public
    def plan(self, segments: list[dict]) -> Plan:
        L = self.spec.sole_length
        self.pos, self.heading, self.floor = np.zeros(2), 0.0, 0.0
        self.t = 0.0
        self.feet = {}
        for side, sgn in (("left", 1.0), ("right", -1.0)):
            heel, yaw = self._footprint(self.pos, self.heading, sgn, self.floor)
            self.feet[side] = _Foot(side, L, heel, yaw)
        self.steps: list[StepInfo] = []
        self.flights: list[Flight] = []
        self.rests: list[Rest] = []
        self.n_total = sum(self._n_steps(s) for s in segments if s["kind"] in _STEP_KINDS)
        self.n_done, bout = 0, 0
        i = 0
        while i < len(segments):
            if segments[i]["kind"] in _STEP_KINDS:
                j = i
                while j < len(segments) and segments[j]["kind"] in _STEP_KINDS:
                    j += 1
                self._bout(segments[i:j], bout)
                bout += 1
                i = j
            else:
                self._rest(segments[i])
                i += 1
        end = self.t + 0.5
        feet = {s: f.finish(end) for s, f in self.feet.items()}
        return Plan(feet, self.steps, self.flights, end, self.rests)

    # ------------------------------------------------------------------ helpers
    def _n_steps(self, seg: dict) -> int:
        if seg["kind"] == "walk":
            if seg.get("strides") is not None:
                return 2 * int(seg["strides"])
            v = float(seg.get("speed", self.spec.speed))
            if seg.get("distance_m") is not None:
                return max(2, int(round(seg["distance_m"] / (0.5 * v * self.spec.stride_time(v)))))
            return max(2, int(round(2 * seg.get("duration_s", 10.0) / self.spec.stride_time(v))))
        if seg["kind"] == "turn":
            return int(seg.get("steps") or max(2, int(np.ceil(abs(seg["angle_deg"]) / 45.0))))
        return int(seg.get("steps", 8))

    def _footprint(self, centre, heading, sgn, floor, toe_out=True):
        sp = self.spec
        c = centre + sgn * 0.5 * sp.step_width_m * np.array([-np.sin(heading), np.cos(heading)])
        yaw = heading + (sgn * D(sp.toe_out_deg) if toe_out else 0.0)
        heel = c - 0.5 * sp.sole_length * np.array([np.cos(yaw), np.sin(yaw)])
        return np.r_[heel, floor], yaw

    def _rest(self, seg: dict) -> None:
        d = float(seg.get("duration_s", 2.0))
        if d <= 0:
            return
        t0, kind = self.t, seg["kind"]
        self.rests.append(Rest(kind, t0, t0 + d))
        if kind == "sit" and d >= 3.0:
            for f in self.feet.values():
                p = D(seg.get("pitch_deg", self.rng.uniform(-10.0, 8.0)))
                f.open.pitch_keys += [(t0 + 0.2, 0.0), (t0 + 1.2, p), (t0 + d - 1.2, p),
                                      (t0 + d - 0.2, 0.0)]
        elif kind == "weight_shift":
            amp, period = D(seg.get("amplitude_deg", 4.0)), float(seg.get("period_s", 1.6))
            n = int((d - 0.4) // period)
            for f in self.feet.values():
                for k in range(2 * n):
                    a = t0 + 0.2 + 0.5 * k * period
                    sign = 1.0 if k % 2 == 0 else -1.0
                    peak = sign * amp * self.rng.uniform(0.6, 1.0)
                    f.open.pitch_keys += [(a, 0.0), (a + 0.25 * period, peak)]
                f.open.pitch_keys.append((t0 + 0.2 + n * period, 0.0))
        self.t = t0 + d

    # ------------------------------------------------------------------ walking
    def _bout(self, segs: list[dict], bout: int) -> None:
        sp, rng, var = self.spec, self.rng, self.spec.variability
        # step list: (kind, advance, turn, rise)
        steps = [("init", None, 0.0, 0.0)]
        for seg in segs:
            n = self._n_steps(seg)
            for _ in range(n):
                if seg["kind"] == "walk":
                    steps.append(("walk", seg.get("speed"), 0.0, 0.0))
                elif seg["kind"] == "turn":
                    steps.append(("turn", seg.get("speed"), D(seg["angle_deg"]) / n, 0.0))
                else:
                    up = str(seg.get("direction", "up")) == "up"
                    r = float(seg.get("riser_m", sp.stair_riser_m))
                    steps.append(("stairs", seg.get("speed"), 0.0, r if up else -r))
        steps.append(("close", None, 0.0, 0.0))
        lead = "left" if rng.random() < 0.5 else "right"
        other = {"left": "right", "right": "left"}
        side = lead
        t_fc0 = max(self.t, 0.6)
        ic_prev = None
        flight = None
        drift = 0.0  # slow drift of the speed within a bout (AR(1) per step)
        for j, (kind, v_seg, turn, rise) in enumerate(steps):
            before_stairs = j + 1 < len(steps) and steps[j + 1][0] == "stairs"
            prog = self.n_done / max(self.n_total, 1)
            spec_side = getattr(sp, side)
            sev = float(np.clip(spec_side.severity + 0.3 * sp.fatigue * prog, 0, 1))
            v_target = float(v_seg or sp.speed) * (1 - 0.15 * sp.fatigue * prog)
            drift = (SPEED_DRIFT_CORR * drift + np.sqrt(1 - SPEED_DRIFT_CORR**2)
                     * SPEED_DRIFT_SD * var * rng.standard_normal())
            v = v_target * float(np.clip(1 + drift, 0.7, 1.3))
            if kind == "stairs" or flight is not None:
                v = v_target = min(v_target, 0.6)
            T = sp.stride_time(v) * (1 + STEP_TIME_SD * var * rng.standard_normal())
            if kind == "stairs":
                T = max(T, 1.25)
            beta = sp.stance(v) if kind != "stairs" else 0.62
            t_sw = (1 - beta) * T
            # --- where
            stride = v * sp.stride_time(v)
            if kind in ("init", "walk"):
                adv = 0.5 * stride * (1 + STEP_LENGTH_SD * var * rng.standard_normal())
                if before_stairs or kind == "walk" and flight is not None:
                    adv = min(adv, 0.4)  # short steps onto and off a flight of stairs
            elif kind == "turn":
                adv = 0.3 * stride
            elif kind == "stairs":
                adv = float(sp.stair_tread_m)
            else:
                adv = 0.0
            if kind == "stairs":
                if flight is None or flight.riser * rise < 0:
                    d = np.array([np.cos(self.heading), np.sin(self.heading)])
                    flight = Flight(self.pos + adv * d, d, 0, sp.stair_tread_m, rise, self.floor)
                    self.flights.append(flight)
                flight.n += 1
            mid = self.heading + 0.5 * turn
            self.pos = self.pos + adv * np.array([np.cos(mid), np.sin(mid)])
            self.heading += turn
            self.floor += rise
            sgn = 1.0 if side == "left" else -1.0
            heel, yaw = self._footprint(self.pos, self.heading, sgn, self.floor,
                                        toe_out=kind != "stairs")
            # --- when
            foot = self.feet[side]
            climb = self.floor - foot.fps[-1].heel[2]
            on_flight = abs(climb) > 1e-9 and self.flights
            shape_kind = "stairs" if on_flight else kind
            prev = foot.fps[-1]
            dist = float(np.hypot(*(heel[:2] - prev.heel[:2])))
            takeoff, shape, landing, scuff = step_shape(sp, rng, side, v, sev, T, t_sw,
                                                        shape_kind,
                                                        (prev.heel[2], self.floor, dist))
            if ic_prev is None:
                fc = t_fc0
            else:
                fc = ic_prev + 0.5 * T - t_sw
                fc = max(fc, ic_prev + 0.03)
            c0 = foot.open
            rock = c0.landing.rocker_s if c0.landing is not None else 0.0
            fc = max(fc, c0.t0 + max(rock, 0.06) + takeoff.push_s + 0.04,
                     c0.t0 + 0.12 if c0.landing is not None else 0.0)
            if c0.pitch_keys:
                fc = max(fc, c0.pitch_keys[-1][0] + takeoff.push_s + 0.05)
            ic = fc + t_sw
            sway = (int(rng.integers(2**31)), float(D(0.4 + 0.3 * min(v, 1.5))))
            foot.step(fc, ic, takeoff, shape, landing, heel, yaw, bout, sway)
            self.steps.append(StepInfo(side, fc, ic, bout, kind == "turn", bool(on_flight), sev,
                                       v_target, scuff,
                                       len(self.flights) - 1 if on_flight else None, kind))
            ic_prev = ic
            if kind != "stairs" and not on_flight:
                flight = None
            if kind != "close":
                self.n_done += 1
            side = other[side]
        last = self.feet[other[side]].open
        self.t = last.t0 + last.landing.rocker_s + 0.3
