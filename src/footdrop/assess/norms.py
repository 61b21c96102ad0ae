"""Normal ranges of the per-stride metrics, with their sources and speed dependence.

A range is ``mean(v) ± k·sd`` with ``mean(v) = a + b·v`` for walking speed ``v`` (m/s), so a
slow walker is compared with healthy people walking as slowly. Where a number comes from the
healthy recordings in ``../shared/data``, it was fitted on the *training* recordings only
(Voisard et al. subjects 1–5, see ``benchmarks/validate_assessment.py``); subjects 6–10, the
gaitmap example and all simulator cases with other seeds are kept apart to score the
assessment.

Clearances depend on where the toe and heel points are taken (the offsets given to the
engine), so they are compared between the two sides of the same person rather than with an
absolute norm; the absolute values below serve only as context in the evidence.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class NormalRange:
    """``mean = a + b·speed``; the range is ``mean ± k·sd`` (k = 2 unless stated)."""

    metric: str
    unit: str
    a: float
    b: float
    sd: float
    source: str
    k: float = 2.0

    def mean(self, speed: float | None) -> float:
        v = 1.2 if speed is None or not np.isfinite(speed) else float(np.clip(speed, 0.2, 2.0))
        return self.a + self.b * v

    def range(self, speed: float | None) -> tuple[float, float]:
        m = self.mean(speed)
        return m - self.k * self.sd, m + self.k * self.sd

    def text(self, speed: float | None, scale: float = 1.0, digits: int = 0) -> str:
        lo, hi = self.range(speed)
        return f"normal {lo * scale:.{digits}f} to {hi * scale:.{digits}f}"


_TRAIN = ("footdrop fit on healthy recordings (Voisard et al. 2023, IPOL, subjects 1-5, "
          "64 sides, 0.9-1.6 m/s)")

#: Normal ranges used in the evidence. The strike-angle fit is ours (see module docstring);
#: its rise with speed agrees in direction with the literature (heel strike steepens as
#: steps lengthen: e.g. Mariani et al., J Biomech 2010, reported larger strike angles at
#: faster walking); we quote no published number we could not check.
NORMS: dict[str, NormalRange] = {
    "foot_strike_angle_deg": NormalRange(
        "foot_strike_angle_deg", "deg", a=7.4, b=11.3, sd=4.0, source=_TRAIN),
    # the foot at MTC: pitched toes-down relative to foot flat; gaitmap motion-capture trial
    # -14 to -19 deg at 1.25 m/s (our marker reference), simulator -15 to -21 deg
    "mid_swing_pitch_deg": NormalRange(
        "mid_swing_pitch_deg", "deg", a=-12.0, b=-5.0, sd=4.0,
        source="gaitmap example motion capture (markers) and the footdrop simulator"),
    # MTC of a sole point under the toe: about 1-2 cm in healthy adults (Begg et al., Gait
    # Posture 2007; Mariani et al., IEEE TBME 2012); the gaitmap trial's toe sole points
    # 0.4-1.4 cm; lower bound kept at 5 mm for the evidence text
    "min_toe_clearance_m": NormalRange(
        "min_toe_clearance_m", "m", a=0.012, b=0.0, sd=0.0035,
        source="Begg et al. 2007; Mariani et al. 2012; gaitmap example motion capture"),
    # lateral excursion of the foot centre in swing: Voisard subjects 1-5 2-8 cm
    "lateral_excursion_m": NormalRange(
        "lateral_excursion_m", "m", a=0.045, b=0.0, sd=0.0175, source=_TRAIN),
}


def normal_range(metric: str, speed: float | None) -> tuple[float, float]:
    """``(low, high)`` of ``metric`` at ``speed`` (m/s)."""
    return NORMS[metric].range(speed)
