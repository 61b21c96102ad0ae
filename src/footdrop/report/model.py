"""The report's content model: plain data that the HTML and the PDF writers both render.

Everything a reader sees is decided here (texts, numbers formatted, statuses, figures as
PNG bytes); :mod:`footdrop.report.html` and :mod:`footdrop.report.pdf` only lay it out, so
the two files say the same.

Statuses: ``"in"`` (within the normal range, or no finding), ``"out"`` (outside it, or a
finding), ``"info"`` (a number without a normal range), ``"na"`` (not assessed). Each is
shown by colour *and* by a symbol (:data:`SYMBOLS`), so the report reads in black and white.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

#: Symbol per status, shown next to the colour.
SYMBOLS = {"in": "✓", "out": "✗", "info": "", "na": "–", "better": "▲", "worse": "▼",
           "same": "≈"}
#: Words per status, for screen readers and the legend.
STATUS_WORDS = {"in": "in normal range", "out": "outside normal range", "info": "",
                "na": "not assessed", "better": "better", "worse": "worse",
                "same": "no clinically important change"}


def fmt(value: float | None, decimals: int, scale: float = 1.0, unit: str = "",
        signed: bool = False) -> str:
    """A number as shown in the report: scaled, rounded, with its unit; ``n/a`` if missing."""
    if value is None or not np.isfinite(value):
        return "n/a"
    x = round(float(value) * scale, decimals) + 0.0  # no "-0"
    return f"{x:{'+' if signed else ''}.{decimals}f}{unit}"


@dataclass(frozen=True)
class KeyMetric:
    """A metric of the summary box: its ``summary.json`` median and how it is shown."""

    key: str
    label: str
    scale: float
    decimals: int
    unit: str
    norm: str | None = None  # key of footdrop.assess.norms.NORMS

    def text(self, value: float | None) -> str:
        return fmt(value, self.decimals, self.scale, self.unit)


#: The summary box's numbers, in order (medians over level-walking strides).
KEY_METRICS: tuple[KeyMetric, ...] = (
    KeyMetric("gait_speed_mps", "Gait speed", 1.0, 2, " m/s"),
    KeyMetric("stride_length_m", "Stride length", 1.0, 2, " m"),
    KeyMetric("foot_strike_angle_deg", "Foot strike angle", 1.0, 0, "°",
              "foot_strike_angle_deg"),
    KeyMetric("mid_swing_pitch_deg", "Mid-swing pitch", 1.0, 0, "°", "mid_swing_pitch_deg"),
    KeyMetric("min_toe_clearance_m", "Min. toe clearance", 1000.0, 0, " mm",
              "min_toe_clearance_m"),
    KeyMetric("max_toe_clearance_m", "Toe lift vs other foot", 1000.0, 0, " mm"),
    KeyMetric("lateral_excursion_m", "Lateral excursion", 100.0, 1, " cm",
              "lateral_excursion_m"),
)


@dataclass
class Row:
    """One line of a summary box: a label, the value, its normal range and its status."""

    label: str
    value: str
    normal: str = ""
    status: str = "info"
    note: str = ""
    key: str = ""  # where the value comes from in summary.json, e.g. "median.gait_speed_mps"


@dataclass
class Change:
    """Change of one metric since the previous session (footdrop.assess.compare)."""

    label: str
    before: str
    now: str
    change: str
    verdict: str
    status: str  # better, worse, same, na
    mcid: str


@dataclass
class SideBox:
    """The summary of one foot."""

    side: str
    verdict: str
    status: str
    score: str
    strides: str
    metrics: list[Row] = field(default_factory=list)
    findings: list[Row] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    change_note: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.side.capitalize()} foot"


@dataclass
class Figure:
    """A plot: PNG bytes with its title, caption and alternative text."""

    id: str
    title: str
    caption: str
    png: bytes
    alt: str


@dataclass
class Table:
    """A table of strings; ``flags`` marks highlighted rows (same length as ``rows``)."""

    title: str
    columns: list[str]
    rows: list[list[str]]
    flags: list[bool] = field(default_factory=list)
    note: str = ""
    id: str = ""
    align: str = ""  # per column "l" or "r" (numbers); empty: all left

    def aligned(self, i: int) -> str:
        return "right" if i < len(self.align) and self.align[i] == "r" else "left"


@dataclass
class Section:
    """A heading with paragraphs and bullet lists (``items``)."""

    title: str
    paragraphs: list[str] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass
class Report:
    """Everything the report shows, in order."""

    title: str
    header: list[tuple[str, str]]
    headline: list[str]
    sides: list[SideBox]
    figures: list[Figure]
    trend: Table | None
    trend_note: str
    methods: list[Section]
    accuracy: Table
    appendix: list[Table]
    disclaimer: str
    created: str
    software: str
    n_sessions: int = 1
    fes: Table | None = None  # the FES section, when the session has a burst log

    @property
    def legend(self) -> str:
        """How to read the summary boxes (the same words in the HTML and the PDF)."""
        text = ("✓ in the normal range · ✗ outside it (below or above) · – not assessed · "
                "values without a mark have no normal range · toe lift: this foot's toe "
                "height before landing as a share of the other foot's")
        if self.n_sessions > 1:
            text += (" · ▲ / ▼ better / worse beyond the MCID · ≈ no clinically important "
                     "change")
        return text
