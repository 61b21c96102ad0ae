"""The PDF report: made from the same content, its text holds the verdicts."""

from __future__ import annotations

import re

import pytest

pypdf = pytest.importorskip("pypdf", reason="pypdf is a test dependency (pip install -e '.[test]')")


def _text(path) -> tuple[str, int]:
    reader = pypdf.PdfReader(str(path))
    text = "\n".join(page.extract_text() or "" for page in reader.pages)
    return re.sub(r"[ \t]+", " ", text), len(reader.pages)


def test_pdf_holds_the_verdicts_and_sections(example_report):
    text, pages = _text(example_report["pdf"])
    assert example_report["pdf"].read_bytes().startswith(b"%PDF")
    assert pages >= 4
    summary = example_report["summary"]
    for side in ("left", "right"):
        fd = summary["sides"][side]["foot_drop"]
        verdict = f"Foot drop: {fd['severity']}" if fd["detected"] else "No foot drop"
        assert f"{side.capitalize()} foot" in text
        assert verdict in text
    for heading in ("Summary", "Plots", "Methods and accuracy", "Appendix: every stride",
                    "Validated accuracy", "Limits", "Foot pitch over the gait cycle"):
        assert heading in text
    assert "not a diagnosis" in text
    assert "MS-007" in text and "2025-05-20" in text


def test_pdf_numbers_match_the_html(example_report):
    """Same content model: the summary numbers of the HTML appear in the PDF."""
    from conftest import parse_html

    text, _ = _text(example_report["pdf"])
    page = parse_html(example_report["html"])
    values = {r["cells"][1] for r in page.rows if r["key"].startswith("median.")}
    assert values
    for value in values:
        assert value in text, value
