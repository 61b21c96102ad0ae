"""The timeline of one foot: footprints, contacts and swings, and how each starts and ends.

These are plain records. :mod:`footdrop.simulate.gait` fills them from a protocol and
:class:`footdrop.simulate.foot.FootModel` turns them into a continuous pose.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Footprint:
    """A flat foot on the floor: heel point (world, m; its z is the floor) and heading (rad)."""

    heel: np.ndarray
    yaw: float


@dataclass
class Landing:
    """How a swing ends: the impact at IC and the roll-over to foot flat that follows.

    Angles are rad, rates rad/s; yaw and roll are offsets from the footprint, with the sign
    already chosen for this foot. The angles' rates are continuous through IC (the floor
    stops the landing point, not the foot's rotation): the pitch rate goes from ``rate_pre``
    to ``rate_post`` in the ``rise_s`` after IC (the foot tipping onto the floor), the roll
    from ``roll_rate`` back to zero by ``settle_s``, the yaw by the end of the roll-over.
    Only the landing point's velocity jumps (it stops, or slides on at ``v_post_h``).
    """

    pitch: float  # sole pitch at IC (>0 heel strike, 0 flat, <0 toe first)
    rate_pre: float  # pitch rate at IC
    rate_post: float  # pitch rate rise_s after IC
    rocker_s: float  # IC → foot flat
    v_pre_h: float  # forward speed of the landing point before IC, m/s
    v_pre_z: float  # vertical speed of the landing point before IC (<0), m/s
    a_pre_h: float  # forward acceleration of the landing point before IC, m/s²
    a_pre_z: float = 0.0  # vertical acceleration of the landing point before IC, m/s²
    a_brake_h: float = 0.0  # forward acceleration brake_s before IC (the peak braking), m/s²
    brake_s: float = 0.045
    v_post_h: float = 0.0  # forward slide speed right after IC, m/s
    a_post_h: float = 0.0  # forward acceleration right after IC (friction), m/s²
    slide_s: float = 0.03  # duration of the slide
    rise_s: float = 0.02  # IC → rate_post
    roll: float = 0.0  # roll at IC (inversion: the lateral heel lands first)
    roll_rate: float = 0.0  # roll rate at IC
    roll_acc: float = 0.0  # roll acceleration at IC (the eversion that follows has begun)
    yaw: float = 0.0  # heading offset at IC, turned back to the footprint's by foot flat
    yaw_rate: float = 0.0  # yaw rate at IC
    yaw_acc: float = 0.0  # yaw acceleration at IC
    settle_s: float = 0.06  # IC → roll back to zero

    @property
    def pivot_w(self) -> float:
        """Landing point along the sole: 0 heel, 1 toe."""
        return 1.0 if self.pitch < 0 else 0.0

    @property
    def slide_m(self) -> float:
        """How far the landing point slides after IC: the distance covered by a quintic from
        ``(v_post_h, a_post_h)`` to rest in ``slide_s``."""
        return self.v_post_h * self.slide_s / 2 + self.a_post_h * self.slide_s**2 / 12

    @property
    def yaw_s(self) -> float:
        """IC → heading back on the footprint (the roll-over; at least 1 ms)."""
        return max(self.rocker_s, 1e-3)


@dataclass
class Takeoff:
    """How a contact ends: heel-off and rotation about the toe up to FC."""

    pitch: float  # sole pitch at FC (<0), rad
    rate: float  # pitch rate at FC (<0), rad/s
    push_s: float  # heel-off → FC
    alpha: float = 0.0  # pitch acceleration right after FC (the toe lets go), rad/s²
    plateau_rate: float = 0.0  # pitch rate of the push-off's plateau, rad/s
    plateau_s: float = 0.0  # ... reached this long before FC (0: no plateau), s
    alpha_pre: float = 0.0  # pitch acceleration just before FC, rad/s²
    roll: float = 0.0  # roll at FC (eversion at push-off), rad
    roll_rate: float = 0.0
    yaw: float = 0.0  # heading offset at FC (toes turning in at push-off), rad
    yaw_rate: float = 0.0


@dataclass
class SwingShape:
    """Keyframes of a swing, at fractions ``s`` of the swing time; heights in m above the
    floor the foot left (early) or lands on (late)."""

    overshoot: float  # pitch keeps falling after FC by this much (rad), at s_min
    mid_pitch: float  # pitch at s_mtc, rad
    z_peak: float  # early-swing rise of the ankle above its height at FC (stairs: toe height)
    mtc: float  # toe height at its minimum (negative: a scuff into the floor)
    z_late: float  # lowest sole point at s_late
    s_min: float = 0.06
    s_peak: float = 0.18
    s_mtc: float = 0.5
    s_late: float = 0.8
    v_late: float | None = None  # rate of the lowest sole point at s_late (None: free)
    s_down: float = 0.7  # after a too-low MTC, guide keys bring the toe up by here
    z_down: float = 0.005
    s_max: float = 0.94
    z_cross: float = 0.012  # lowest sole point above the MTC when the sole passes horizontal
    lift: float = 0.0  # steppage: extra lift of the whole foot, bump-shaped, m
    lateral: float = 0.02  # lateral swing-out of the foot (circumduction), bump-shaped, m
    roll_bump: float = 0.0  # early-swing eversion, rad (sign already for this foot)
    invert_s: float = 0.2  # the late-swing inversion (to Landing.roll) starts this long
    # before IC; its rate is a sin² bump that ends invert_end_s after IC
    invert_end_s: float = 0.02
    invert_rate: float = 0.0  # peak roll rate of that bump, rad/s
    scuff: bool = False
    hike: float = 0.0  # hip hiking: pelvis raised on this side at mid-swing, bump-shaped, rad
    toe_path: list[tuple[float, float, float]] | None = None  # stairs: toe keyframes
    # (s, metres forward from the toe's FC position, height in the world)


@dataclass
class Contact:
    t0: float
    t1: float
    fp: int
    landing: Landing | None = None  # None: the contact starts the recording
    takeoff: Takeoff | None = None  # None: the contact ends the recording
    pitch_keys: list[tuple[float, float]] = field(default_factory=list)  # rest keys (t, rad)
    kind: str = "walk"  # "walk" or "rest" (standing, sitting, weight shifting)
    sway_seed: int | None = None  # seed of the foot's micro-motion in walking stance
    sway_sd: float = 0.0  # its size: SD of the roll and yaw keys, rad


@dataclass
class Swing:
    t0: float
    t1: float
    fp0: int
    fp1: int
    shape: SwingShape


@dataclass
class FootPlan:
    side: str
    length: float  # sole length, heel → toe, m
    footprints: list[Footprint]
    contacts: list[Contact]
    swings: list[Swing]  # swing k goes from contacts[k] to contacts[k + 1]
