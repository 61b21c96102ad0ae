"""Fixtures of the report tests: the bundled MS example and simulated visits, analysed once
and reported once per test session."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def example_session(tmp_path_factory) -> Path:
    """The MS example analysed with identifiers and a date, as footdrop analyze writes it."""
    from footdrop import io
    from footdrop.gait.analyze import analyze_session, write_outputs
    from footdrop.preprocess.alignment import align_to_foot

    out = tmp_path_factory.mktemp("example")
    rec = align_to_foot(io.read_example(), copy=False)
    strides, summary, info, curves = analyze_session(rec, person="MS-007", session="visit 4",
                                                     date="2025-05-20")
    write_outputs(strides, summary, out, session=info, curves=curves)
    return out


@pytest.fixture(scope="session")
def example_report(example_session, tmp_path_factory) -> dict:
    from footdrop.report import write_report

    out = tmp_path_factory.mktemp("report")
    paths = write_report([example_session], out)
    return {"html": paths[0], "pdf": paths[1], "session": example_session,
            "summary": json.loads((example_session / "summary.json").read_text())}


def _visit(out: Path, *, severity: str, speed: float, seed: int, date: str | None,
           session: str) -> Path:
    from footdrop.gait.analyze import analyze_session, write_outputs
    from footdrop.preprocess.alignment import align_to_foot
    from footdrop.simulate import simulate

    rec = align_to_foot(simulate(speed=speed, n_strides=16, left=severity, seed=seed,
                                 fs=100.0).recording, copy=False)
    strides, summary, info, curves = analyze_session(rec, person="P07", session=session,
                                                     date=date)
    write_outputs(strides, summary, out, session=info, curves=curves)
    return out


@pytest.fixture(scope="session")
def visits(tmp_path_factory) -> list[Path]:
    """Two simulated visits of one person: moderate left foot drop at 0.6 m/s, then mild
    at 0.8 m/s (as with FES); dated so that date order differs from folder order."""
    root = tmp_path_factory.mktemp("visits")
    later = _visit(root / "b-visit", severity="mild", speed=0.8, seed=2, date="2025-03-11",
                   session="visit 2")
    earlier = _visit(root / "a-visit", severity="moderate", speed=0.6, seed=1,
                     date="2025-01-14", session="visit 1")
    return [later, earlier]


@pytest.fixture(scope="session")
def trend_report(visits, tmp_path_factory):
    from footdrop.report import write_report

    out = tmp_path_factory.mktemp("trend")
    paths = write_report(visits, out)  # given later visit first: ordered by date
    return {"html": paths[0], "pdf": paths[1]}


class ReportParser(HTMLParser):
    """Collects what the tests check: tags, ids, images, URLs, headings, and the rows of the
    summary boxes that carry a ``data-key`` (with their foot and cell texts)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.ids: list[str] = []
        self.images: list[dict] = []
        self.urls: list[str] = []
        self.rows: list[dict] = []
        self.h2: list[str] = []
        self.text: list[str] = []
        self._side: str | None = None
        self._row: dict | None = None
        self._cell: list[str] | None = None
        self._h2: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.append(a["id"])
            if a["id"].startswith("summary-"):
                self._side = a["id"].split("-", 1)[1]
        self.urls += [a[k] for k in ("src", "href", "action", "data", "poster") if k in a]
        if tag == "img":
            self.images.append(a)
        if tag in ("tr", "p") and a.get("data-key") is not None:
            self._row = {"key": a["data-key"], "cells": [], "side": self._side,
                         "class": a.get("class", ""), "tag": tag}
            if tag == "p":
                self._cell = []
        if tag == "td" and self._row is not None:
            self._cell = []
        if tag == "h2":
            self._h2 = []

    def handle_endtag(self, tag):
        if tag in ("td", "p") and self._row is not None and self._cell is not None:
            self._row["cells"].append("".join(self._cell).strip())
            self._cell = None
        if tag in ("tr", "p") and self._row is not None and self._row["tag"] == tag:
            self.rows.append(self._row)
            self._row = None
        if tag == "article":
            self._side = None
        if tag == "h2" and self._h2 is not None:
            self.h2.append("".join(self._h2).strip())
            self._h2 = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)
        if self._h2 is not None:
            self._h2.append(data)

    def row(self, side: str, key: str) -> dict:
        found = [r for r in self.rows if r["side"] == side and r["key"] == key]
        assert len(found) == 1, f"{side} {key}: {len(found)} rows"
        return found[0]


def parse_html(path: Path) -> ReportParser:
    parser = ReportParser()
    parser.feed(path.read_text(encoding="utf-8"))
    parser.close()
    return parser
