"""Clinical report: one self-contained HTML file and a PDF from the same content.

``write_report(["visit1", "visit2"], "out")`` reads session folders written by
``footdrop analyze`` and writes ``out/report.html`` and ``out/report.pdf``;
``build_report`` returns the content model (:mod:`footdrop.report.model`) that both render.
See docs/report.md.
"""

from footdrop.report.build import build_report, write_report
from footdrop.report.session import SessionData, load_session

__all__ = ["SessionData", "build_report", "load_session", "write_report"]
