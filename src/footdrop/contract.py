"""Names fixed by CONTRACT.md, shared by the gait engine, the simulator and the outputs."""

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
