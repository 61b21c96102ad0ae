"""Names and defaults fixed by CONTRACT.md, shared by the engine, the simulator and the outputs."""

from __future__ import annotations

#: Columns of ``strides.csv``, in the contract's order.
STRIDE_COLUMNS = [
    "side", "stride_id", "ic_s", "fc_s", "next_ic_s", "stride_time_s", "stance_time_s",
    "swing_time_s", "stride_length_m", "gait_speed_mps", "foot_strike_angle_deg",
    "toe_off_angle_deg", "mid_swing_pitch_deg", "min_toe_clearance_m", "max_toe_clearance_m",
    "max_heel_clearance_m", "lateral_excursion_m", "toe_scuff",
]
#: ``schema`` value of ``summary.json``.
SUMMARY_SCHEMA = "footdrop.summary/1"
#: Default sensor-to-sole-point offsets (forward, lateral, up) in m, per mounting.
#: Lateral side of the shoe: 6 cm above the floor, 6 cm lateral of the sole's midline, a
#: quarter of the sole length in front of the heel, as measured by motion capture for the
#: gaitmap example. Instep (on the laces): 8 cm above the floor on the midline, about
#: 40 % of a 27 cm sole in front of the heel. See docs/gait.md.
DEFAULT_OFFSETS = {
    "lateral": {"toe": (0.19, -0.06, -0.055), "heel": (-0.06, -0.06, -0.055)},
    "instep": {"toe": (0.15, 0.0, -0.08), "heel": (-0.11, 0.0, -0.08)},
}
DEFAULT_TOE_OFFSET = DEFAULT_OFFSETS["lateral"]["toe"]
DEFAULT_HEEL_OFFSET = DEFAULT_OFFSETS["lateral"]["heel"]
