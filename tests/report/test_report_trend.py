"""Several sessions of one person: ordered by date, the trend and the change since the
previous session against its MCID."""

from __future__ import annotations

import pytest

from conftest import parse_html
from footdrop.assess.compare import compare_sessions
from footdrop.errors import ConfigError
from footdrop.report import build_report
from footdrop.report.model import fmt


def test_trend_sections_and_mcid(trend_report):
    page = parse_html(trend_report["html"])
    text = " ".join(page.text)
    assert "fig-trend" in page.ids and "trend-table" in page.ids and "changes" in page.ids
    assert "Sessions are ordered by date." in text
    assert "2: visit 1, visit 2." in text
    assert "MCID" in text and "minimal clinically important difference" in text
    html = trend_report["html"].read_text(encoding="utf-8")
    table = html.split('id="trend-table"')[1].split("</table>")[0]
    assert table.index("2025-01-14") < table.index("2025-03-11")  # oldest first


def test_change_equals_compare_sessions(visits, trend_report):
    page = parse_html(trend_report["html"])
    html = trend_report["html"].read_text(encoding="utf-8")
    comp = compare_sessions(visits[1], visits[0], seed=0,
                            metrics=["gait_speed_mps", "foot_strike_angle_deg",
                                     "min_toe_clearance_m", "toe_scuff_rate"])
    row = comp.changes_[(comp.changes_["side"] == "left")
                        & (comp.changes_["metric"] == "gait_speed_mps")].iloc[0]
    expected = (f"{fmt(row['change'], 2, signed=True)} m/s [{fmt(row['ci_low'], 2, signed=True)}"
                f", {fmt(row['ci_high'], 2, signed=True)}]")
    assert expected in html
    verdict = ("better, beyond MCID" if row["passes_mcid"] and row["direction"] == "better"
               else None)
    if verdict:
        assert verdict in html
    assert page.h2[0] == "Summary"


def test_sessions_without_dates_keep_the_given_order(visits, tmp_path):
    import json
    import shutil

    copies = []
    for i, v in enumerate(visits):
        dst = tmp_path / f"s{i}"
        shutil.copytree(v, dst)
        info = json.loads((dst / "session.json").read_text())
        info["date"] = None
        (dst / "session.json").write_text(json.dumps(info))
        copies.append(dst)
    report = build_report(copies)
    assert "in the order given" in report.trend_note
    assert [r[0] for r in report.trend.rows] == ["visit 2", "visit 1"]


def test_sessions_of_different_persons_are_refused(visits, tmp_path):
    with pytest.raises(ConfigError, match="--person 'Q1' was given"):
        build_report(visits, person="Q1")
