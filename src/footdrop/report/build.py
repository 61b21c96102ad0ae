"""From session folders to the content model, and to ``report.html`` and ``report.pdf``."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from footdrop.report import methods, plots, summary
from footdrop.report.model import Figure, Report
from footdrop.report.reference import normal_band
from footdrop.report.session import SessionData, load_session, order_sessions, person_of

NOT_GIVEN = "not given"


def _duration(seconds: float | None) -> str:
    if seconds is None or not np.isfinite(seconds):
        return "not known"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s" if m else f"{s} s"


def _sensors(info: dict[str, Any]) -> str:
    sensors = info.get("sensors") or []
    if not sensors:
        return "not known"
    parts = []
    for s in sensors:
        place = s.get("placement", "").replace("_", " ")
        parts.append(f"{place} ({s['fs_hz']:g} Hz)" if s.get("fs_hz") else place)
    clock = "" if info.get("synchronised", True) else "; feet on separate clocks"
    return ", ".join(parts) + clock


def header(current: SessionData, sessions: list[SessionData], person: str | None,
           order_note: str) -> list[tuple[str, str]]:
    """Identifiers as given (never invented), date, sensors, duration, walking time."""
    info = current.info
    software = info.get("software") or {}
    rows = [
        ("Person", person or NOT_GIVEN),
        ("Session", current.session_id or NOT_GIVEN),
        ("Date", current.date.isoformat() if current.date else
         (info.get("recording_start") or NOT_GIVEN)),
        ("Analysed with", f"footdrop {software['version']}" if software.get("version")
         else "not known"),
        ("Sensors", _sensors(info)),
        ("Duration", _duration(info.get("duration_s"))),
        ("Walking time", _duration(info.get("walking_time_s"))),
        ("Recording", ", ".join(info.get("source") or []) or "not known"),
    ]
    if len(sessions) > 1:
        rows.append(("Sessions", f"{len(sessions)}: " + ", ".join(s.label for s in sessions)
                     + f". {order_note} The summary is of the last."))
    return rows


def figures(current: SessionData, sessions: list[SessionData]) -> list[Figure]:
    """Every figure of the report, in order (the trend only with several sessions)."""
    from footdrop.report.trend import trend_figure

    sides = current.summary["sides"]
    speed = {s: ((sides.get(s) or {}).get("median") or {}).get("gait_speed_mps")
             for s in ("left", "right")}
    known = [v for v in speed.values() if v is not None]
    band = normal_band(float(np.mean(known)) if known else None)
    out: list[Figure] = []
    strides, curves = current.strides, current.curves
    png = plots.pitch_figure(strides, curves, band, speed)
    if png:
        out.append(Figure(
            "fig-pitch", "Foot pitch over the gait cycle",
            "Sole pitch relative to foot flat, from initial contact (0%) to the next (100%), "
            "mean ± SD of the level-walking strides. Hatched band: " + band.source + ". Bars at "
            "0 and 100%: normal foot strike angle at this speed (healthy adults, Voisard et "
            "al. 2023). A flat or toes-down curve at 0 and 100% is the landing of foot drop.",
            png, "Line plots of sole pitch over the gait cycle for each foot"))
    png = plots.toe_figure(strides, curves, band)
    if png:
        out.append(Figure(
            "fig-toe", "Toe height over swing",
            "Height of the toe point above its mid-stance height, from toe-off (0%) to "
            "initial contact (100%), mean ± SD. The dip in mid-swing is the minimum toe "
            "clearance. Hatched band: " + band.source + " (toe point at the sole tip).",
            png, "Line plots of toe height during swing for each foot"))
    if curves is None:
        current.notes.append("Pitch and toe-height curves are not shown: this session has "
                             "no curves.npz (run footdrop analyze again).")
    out.append(Figure(
        "fig-mtc", "Minimum toe clearance, stride by stride",
        "Each mark is one stride (× a stride with a toe scuff); box: median and quartiles, "
        "whiskers: 5th to 95th percentile. "
        "Grey: normal range (Begg et al. 2007; Mariani et al. 2012). Strides without a "
        "distinct minimum are not plotted; their count is on the left.",
        plots.mtc_figure(strides), "Strip plot of the minimum toe clearance per foot"))
    png, name = plots.walk_figure(strides)
    if png:
        out.append(Figure(
            "fig-walk", "Across the walk (fatigue)",
            f"Median per {name} of walking, level strides. A steady fall in speed, stride "
            "length or toe clearance towards the end shows fatigability.",
            png, "Speed, stride length and toe clearance over the walking time"))
    png = plots.left_right_figure(current.summary)
    if png:
        out.append(Figure(
            "fig-lr", "Left against right",
            "Medians of the key measures; grey: normal range at each foot's speed "
            "(none for speed and stride length, which set the ranges, and for toe lift, "
            "which is judged against the other foot).",
            png, "Left and right medians of the key measures with normal ranges"))
    if current.bursts is not None:
        from footdrop.report.fes import fes_figure

        png = fes_figure(strides, current.bursts)
        if png:
            out.append(Figure(
                "fig-fes", "Stimulation over each swing (FES)",
                "One row per swing, in walking order, time from toe-off. Grey: the swing, "
                "from toe-off to initial contact; coloured: the stimulation burst logged by "
                "the real-time engine (from the start of its ramp-up to the start of its "
                "ramp-down). A burst that covers its grey bar stimulated the whole swing; "
                "× marks a level-walking swing without a burst.",
                png, "Bars of each swing and its stimulation burst, per foot"))
    if len(sessions) > 1:
        out.append(Figure(
            "fig-trend", "Trend across sessions",
            "Change of each foot's median since the first session. Grey band: within the "
            "minimal clinically important difference (MCID); a point outside it is a "
            "clinically meaningful change from the first session.",
            trend_figure(sessions), "Change since the first session for the key measures"))
    return out


def build_report(sessions: list[str | Path | SessionData], *, person: str | None = None,
                 title: str | None = None) -> Report:
    """The content model of the report on ``sessions`` (folders of footdrop analyze) of
    one person; the summary is of the last session (by date, else as given)."""
    from footdrop.errors import ConfigError
    from footdrop.report.trend import trend_table

    if not sessions:
        raise ConfigError("no session given", fix="give at least one folder written by "
                                                  "footdrop analyze --out DIR")
    data = [s if isinstance(s, SessionData) else load_session(s) for s in sessions]
    data, order_note = order_sessions(data)
    who = person_of(data, person)
    current = data[-1]
    trusted = {s: bool(g.get("clearance_trusted", True))
               for s, g in (current.info.get("geometry") or {}).items()}
    boxes = [summary.side_box(current.summary, s, trusted.get(s, True))
             for s in ("left", "right")]
    comparisons: list[Any] = [None]
    for prev, cur in zip(data[:-1], data[1:], strict=False):
        comparisons.append(summary.compare_previous(prev, cur))
    if len(data) > 1:
        for box in boxes:
            summary.add_changes(box, comparisons[-1])
    for box in boxes:
        if len(data) == 1:
            box.change_note = "First session: no earlier session to compare with."
    figs = figures(current, data)
    software = (current.info.get("software") or {}).get("version")
    from footdrop import __version__

    return Report(
        title=title or "Gait and foot-drop report",
        header=header(current, data, who, order_note),
        headline=summary.headline(current.summary, boxes) + _fes_headline(current),
        sides=boxes, figures=figs,
        trend=trend_table(data, comparisons) if len(data) > 1 else None,
        trend_note=order_note,
        methods=methods.methods_sections(current.info, len(data) > 1)
        + ([methods.Section("Notes on the data", items=[n for s in data for n in s.notes])]
           if any(s.notes for s in data) else []),
        accuracy=methods.accuracy_table(),
        appendix=methods.stride_tables(current.strides, current.summary),
        disclaimer=methods.DISCLAIMER,
        created=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        software=f"footdrop {__version__}" + (f" (analysis: footdrop {software})"
                                              if software and software != __version__
                                              else ""),
        n_sessions=len(data),
        fes=_fes_table(current),
    )


def _fes_headline(session: SessionData) -> list[str]:
    if session.bursts is None:
        return []
    from footdrop.report.fes import fes_headline

    return [fes_headline(session.strides, session.bursts)]


def _fes_table(session: SessionData):
    if session.bursts is None:
        return None
    from footdrop.report.fes import fes_table

    return fes_table(session.strides, session.bursts)


def write_report(sessions: list[str | Path | SessionData], out: str | Path, *,
                 person: str | None = None, title: str | None = None,
                 pdf: bool = True) -> list[Path]:
    """Write ``report.html`` (and ``report.pdf``) into ``out``, atomically."""
    from footdrop.report.html import render_html

    report = build_report(sessions, person=person, title=title)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / "report.html"]
    _atomic_write_bytes(paths[0], render_html(report).encode("utf-8"))
    if pdf:
        from footdrop.report.pdf import render_pdf

        paths.append(out / "report.pdf")
        _atomic_write_bytes(paths[-1], render_pdf(report))
    return paths


def _atomic_write_bytes(path: Path, data: bytes) -> None:
    import os
    import tempfile

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # a report is for reading by others (mkstemp makes it 0600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
