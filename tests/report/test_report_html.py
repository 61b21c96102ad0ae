"""The HTML report: every section, every number of the summary box as in summary.json, one
self-contained file."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from conftest import parse_html
from footdrop.assess.norms import NORMS
from footdrop.report.model import KEY_METRICS, fmt

SECTIONS = ["header", "summary", "summary-left", "summary-right", "plots", "fig-pitch",
            "fig-toe", "fig-mtc", "fig-walk", "fig-lr", "methods", "accuracy", "appendix",
            "strides-left", "strides-right"]


@pytest.fixture(scope="module")
def page(example_report):
    return parse_html(example_report["html"])


def test_sections_present_in_order(page):
    positions = [page.ids.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    assert page.h2 == ["Summary", "Plots", "Methods and accuracy", "Appendix: every stride"]
    assert "fig-trend" not in page.ids  # one session: no trend


def test_self_contained(example_report, page):
    html = example_report["html"].read_text(encoding="utf-8")
    assert "script" not in page.tags and "link" not in page.tags and "iframe" not in page.tags
    text = re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)
    assert not re.search(r"(https?:)?//[a-z0-9]|url\(", text, re.I), "external URL in the report"
    assert page.images and all(i["src"].startswith("data:image/png;base64,")
                               for i in page.images)
    assert all(u.startswith("data:") for u in page.urls)
    assert all(i.get("alt") for i in page.images)
    assert "@media print" in html


def test_header_shows_identifiers_as_given(page):
    text = " ".join(page.text)
    for expected in ("MS-007", "visit 4", "2025-05-20", "imu_sample_ms_left.csv",
                     "left foot (102.4 Hz)", "footdrop "):
        assert expected in text


def _expected_normal(metric, speed):
    lo, hi = NORMS[metric.norm].range(speed)
    return (f"{fmt(lo, metric.decimals, metric.scale)} to "
            f"{fmt(hi, metric.decimals, metric.scale)}{metric.unit}")


@pytest.mark.parametrize("side", ["left", "right"])
def test_summary_numbers_equal_summary_json(example_report, page, side):
    entry = example_report["summary"]["sides"][side]
    other = example_report["summary"]["sides"]["right" if side == "left" else "left"]
    med = entry["median"]
    for metric in KEY_METRICS:
        row = page.row(side, f"median.{metric.key}")
        label, value = row["cells"][:2]
        assert label == metric.label
        if metric.key == "max_toe_clearance_m":  # judged as a share of the other foot's
            ratio = med[metric.key] / other["median"][metric.key]
            assert value == f"{ratio * 100:.0f}%"
            assert ("✓" in row["cells"][3]) == (ratio >= 0.75)
            continue
        assert value == metric.text(med[metric.key])
        if metric.norm:
            normal = _expected_normal(metric, med["gait_speed_mps"])
            assert row["cells"][2] == normal
            lo, hi = (float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", normal)[:2])
            inside = lo <= round(med[metric.key] * metric.scale, metric.decimals) <= hi
            assert row["class"] == ("status-in" if inside else "status-out")
            assert ("✓" if inside else "✗") in row["cells"][3]
    n = entry["n_strides"]
    assert page.row(side, "toe_scuffs")["cells"][1].startswith(
        f"{entry['toe_scuffs']} of {n} strides")
    assert page.row(side, "n_strides_without_mtc")["cells"][1] == (
        f"{entry['n_strides_without_mtc']} of {n}")
    for comp in ("steppage", "circumduction"):
        flag = entry["compensation"][comp]
        assert page.row(side, f"compensation.{comp}")["cells"][1] == ("yes" if flag else "no")
    fat = page.row(side, "fatigability")
    assert (fat["class"] == "status-out") == entry["fatigability"]["declined"]
    verdict = page.row(side, "foot_drop")["cells"][0]
    fd = entry["foot_drop"]
    assert verdict.endswith(f"Foot drop: {fd['severity']}" if fd["detected"] else "No foot drop")


def test_headline_and_disclaimer(example_report, page):
    text = " ".join(page.text)
    summary = example_report["summary"]
    if not any(s["foot_drop"]["detected"] for s in summary["sides"].values()):
        assert "No foot drop on either side." in text
    assert "it is not a diagnosis" in text
    assert "First session: no earlier session to compare with." in text


def test_stride_table_lists_every_stride_and_flags(example_report):
    html = example_report["html"].read_text(encoding="utf-8")
    strides = pd.read_csv(example_report["session"] / "strides.csv")
    for side in ("left", "right"):
        block = html.split(f'id="strides-{side}"')[1].split("</table>")[0]
        rows = re.findall(r"<tr[ >]", block.split("<tbody>")[1])
        assert len(rows) == (strides["side"] == side).sum()
        flagged = block.count('<tr class="flagged">')
        scuff = (strides["side"] == side) & (strides["toe_scuff"] == 1)
        assert flagged >= scuff.sum() > 0
        assert block.count("⚑") == flagged


def _mocap_row(doc: str, metric: str) -> tuple[float, float, float]:
    """bias, MAE and SD of ``metric`` in the motion-capture table of docs/validation.md."""
    m = re.search(rf"^\| {re.escape(metric)} \| \w+ \| \d+ \| (\S+) \| (\S+) \| (\S+) \|",
                  doc, re.M)
    assert m, f"{metric} not found in docs/validation.md"
    return tuple(float(x) for x in m.groups())


def test_methods_quote_validated_accuracy():
    """The accuracy quoted in the report is the one docs/validation.md states now; when a
    validation re-run changes it, update footdrop.report.methods.ACCURACY."""
    from pathlib import Path

    from footdrop.report.methods import ACCURACY

    doc = (Path(__file__).resolve().parents[2] / "docs" / "validation.md").read_text()
    quoted = {name: text for name, text, _ in ACCURACY if name != "Stride detection"}
    bias, mae, _ = _mocap_row(doc, "IC timing")
    assert quoted["Initial contact timing"] == f"bias {bias:+.1f} ms, MAE {mae:.1f} ms"
    bias, mae, _ = _mocap_row(doc, "stride length")
    assert quoted["Stride length"] == f"bias {bias:+.1f} cm, MAE {mae:.1f} cm"
    bias, _, sd = _mocap_row(doc, "foot strike angle")
    assert quoted["Foot strike angle"] == f"bias {bias:+.1f}°, SD {sd:.1f}°"
    bias, _, sd = _mocap_row(doc, "min toe clearance (MTC)")
    assert quoted["Minimum toe clearance"] == f"bias {bias:+.1f} mm, SD {sd:.1f} mm"
    f1 = re.search(r"^\| stride detection F1 \| (\d+) \| ([\d.]+) %", doc, re.M)
    detection = [text for name, text, _ in ACCURACY if name == "Stride detection"]
    assert f"F1 {f1.group(2)}% ({f1.group(1)} strides)" in detection
    assert "| stride detection | % | 47 | precision 100.0 | recall 100.0 | F1 100.0 |" in doc
    assert "called on 0 (target 0)" in doc and "| severe | 120 | 100.0 % |" in doc
