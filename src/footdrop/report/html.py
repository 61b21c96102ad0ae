"""The report as one self-contained HTML file: inline CSS, images as data URIs, no script,
no external URL. It prints on A4 (``@media print``) with the summary on the first page."""

from __future__ import annotations

import base64
from html import escape

from footdrop.report.model import STATUS_WORDS, SYMBOLS, Change, Figure, Report, Row, SideBox
from footdrop.report.model import Table as TableModel

CSS = """
:root { --ink:#1a1a1a; --muted:#5f6368; --line:#dcdfe3; --in:#1b6e34; --in-bg:#e9f5ed;
  --out:#a8201a; --out-bg:#fbeae9; --na:#5f6368; --na-bg:#f1f3f4; --flag-bg:#fff4d6;
  --left:#0072B2; --right:#D55E00; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin:0; color:var(--ink); background:#fff; line-height:1.4; font-size:14px;
  font-family: "Segoe UI", Roboto, "Helvetica Neue", "DejaVu Sans", Arial, sans-serif; }
.page { max-width: 980px; margin: 0 auto; padding: 22px 20px 40px; }
h1 { font-size: 23px; margin: 0; letter-spacing: -0.01em; }
h2 { font-size: 18px; margin: 30px 0 10px; padding-bottom: 4px;
  border-bottom: 2px solid var(--ink); }
h3 { font-size: 15px; margin: 0 0 6px; }
h4 { font-size: 13px; margin: 12px 0 4px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .04em; }
p { margin: 6px 0; }
.title-row { display:flex; flex-wrap:wrap; justify-content:space-between; align-items:baseline;
  gap: 4px 16px; border-bottom: 3px solid var(--ink); padding-bottom: 6px; }
.created { color: var(--muted); font-size: 12px; }
.ids { display:grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 6px 18px;
  margin: 10px 0 0; }
.ids .half { grid-column: span 2; }
.ids div { min-width: 0; }
.ids dt { font-size: 11px; text-transform: uppercase; letter-spacing: .05em;
  color: var(--muted); }
.ids dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
.ids .wide { grid-column: 1 / -1; }
.ids dd.missing { font-weight: 400; font-style: italic; color: var(--muted); }
.headline { margin: 8px 0 14px; padding: 10px 14px 10px 30px; background: #f6f7f8;
  border-radius: 6px; }
.headline li { margin: 2px 0; }
.headline li:first-child { font-weight: 700; font-size: 15px; }
.sides { display:grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 16px; }
.side { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; min-width: 0; }
.side-left { border-top: 5px solid var(--left); }
.side-right { border-top: 5px dashed var(--right); }
.verdict { font-size: 17px; font-weight: 700; margin: 4px 0 2px; padding: 6px 10px;
  border-radius: 4px; border-left: 6px solid; }
.verdict.status-in { color: var(--in); background: var(--in-bg); }
.verdict.status-out { color: var(--out); background: var(--out-bg); }
.verdict.status-na { color: var(--na); background: var(--na-bg); }
.sub { color: var(--muted); font-size: 12px; margin: 2px 0 8px; }
table { width: 100%; border-collapse: collapse; }
th { text-align: left; font-size: 11px; font-weight: 600; color: var(--muted);
  text-transform: uppercase; letter-spacing: .03em; border-bottom: 1px solid var(--ink);
  padding: 3px 6px 3px 0; vertical-align: bottom; }
td { padding: 3px 6px 3px 0; border-bottom: 1px solid var(--line); vertical-align: top;
  overflow-wrap: anywhere; }
.box { table-layout: fixed; }
.box td { font-size: 13px; }
.metrics col.c-label { width: 34%; } .metrics col.c-value { width: 21%; }
.metrics col.c-normal { width: 30%; } .metrics col.c-mark { width: 15%; }
.findings col.c-label { width: 36%; } .findings col.c-mark { width: 8%; }
.changes col.c-side { width: 8%; } .changes col.c-label { width: 18%; }
.changes col.c-before { width: 17%; } .changes col.c-change { width: 24%; }
.changes col.c-mcid { width: 11%; }
.changes tr.first-of-side td { border-top: 1px solid var(--ink); }
.change { margin-top: 18px; }
.change-note { margin-top: 10px; }
.findings td.value { white-space: normal; }
.findings td.value { font-weight: 400; }
.findings .status-out td.value { font-weight: 700; }
td.value { font-weight: 600; white-space: nowrap; }
td.normal { color: var(--muted); font-size: 12px; }
td.mark { font-size: 12px; }
.status-in .mark, .mark.status-in { color: var(--in); }
.status-out .mark, .mark.status-out { color: var(--out); font-weight: 700; }
.status-out td.value { color: var(--out); }
.status-na .mark { color: var(--na); }
.status-better .mark { color: var(--in); font-weight: 700; }
.status-worse .mark { color: var(--out); font-weight: 700; }
.sym { display: inline-block; width: 1.1em; text-align: center; font-weight: 700; }
.note { color: var(--muted); font-size: 12px; }
.notes { color: var(--out); font-size: 12px; padding-left: 18px; margin: 6px 0 0; }
.legend { color: var(--muted); font-size: 12px; margin-top: 10px; }
.disclaimer { margin-top: 12px; padding: 8px 12px; border: 1px solid var(--line);
  border-radius: 6px; font-size: 13px; }
figure { margin: 18px 0 22px; break-inside: avoid; page-break-inside: avoid; }
figure img { display: block; width: 100%; max-width: 100%; height: auto; }
figcaption { color: #333; font-size: 12.5px; margin-top: 4px; }
.table-wrap { width: 100%; overflow-x: auto; }
td.num, th.num { text-align: right; padding-right: 10px; }
.strides td, .strides th { font-size: 11.5px; padding: 2px 5px 2px 0;
  font-variant-numeric: tabular-nums; }
.strides td { white-space: nowrap; }
.strides td:last-child { white-space: normal; }
.strides tr.flagged td { background: var(--flag-bg); }
.trend td, .trend th { font-size: 12px; }
.trend td { white-space: nowrap; }
.accuracy td { font-size: 13px; }
footer { margin-top: 30px; padding-top: 8px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }
@media (max-width: 760px) {
  .sides { grid-template-columns: 1fr; }
  .ids { grid-template-columns: repeat(2, minmax(0, 1fr)); }
}
@media print {
  @page { size: A4; margin: 12mm 12mm 14mm; }
  html, body { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  body { font-size: 9.5pt; }
  .page { max-width: none; padding: 0; }
  h2 { margin-top: 14px; }
  .sides { grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 10px; }
  .ids { grid-template-columns: repeat(4, minmax(0, 1fr)); }
  .box td { font-size: 8.5pt; }
  #appendix { break-before: page; page-break-before: always; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  .side { break-inside: avoid; }
  .strides td, .strides th { font-size: 7.5pt; }
  .table-wrap { overflow: visible; }
}
"""


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _mark(status: str, note: str = "", words: bool = True) -> str:
    sym = SYMBOLS.get(status, "")
    word = (note or ("" if status == "in" else STATUS_WORDS.get(status, ""))
            ) if words else ""
    return (f'<span class="sym" aria-hidden="true">{_e(sym)}</span>'
            f'<span class="word">{_e(word)}</span>' if sym or word else "")


def _row(row: Row, with_normal: bool = True) -> str:
    normal = f'<td class="normal">{_e(row.normal)}</td>' if with_normal else ""
    note = "" if with_normal else (f'<div class="note">{_e(row.note)}</div>'
                                   if row.note else "")
    mark = _mark(row.status, row.note) if with_normal else _mark(row.status, words=False)
    return (f'<tr class="status-{row.status}" data-key="{_e(row.key)}">'
            f'<td class="label">{_e(row.label)}</td>'
            f'<td class="value">{_e(row.value)}{note}</td>{normal}'
            f'<td class="mark" title="{_e(STATUS_WORDS.get(row.status, ""))}">{mark}</td></tr>')


def _change(c: Change, side: str, first: bool) -> str:
    cls = f"status-{c.status}" + (" first-of-side" if first else "")
    return (f'<tr class="{cls}" data-side="{_e(side)}">'
            f'<td class="side-name">{_e(side.capitalize()) if first else ""}</td>'
            f'<td class="label">{_e(c.label)}</td>'
            f'<td>{_e(c.before)} → {_e(c.now)}</td><td>{_e(c.change)}</td>'
            f'<td class="note">{_e(c.mcid)}</td>'
            f'<td class="mark">{_mark(c.status, c.verdict)}</td></tr>')


def _changes(boxes: list[SideBox]) -> str:
    """The change since the previous session, both feet in one full-width table."""
    if not any(b.changes for b in boxes):
        note = next((b.change_note for b in boxes if b.change_note), "")
        return f'<p class="note change-note">{_e(note)}</p>'
    rows = [_change(c, b.side, i == 0) for b in boxes for i, c in enumerate(b.changes)]
    note = next((b.change_note for b in boxes if b.change_note), "")
    return ('<div class="change" id="changes"><h3>Change since the previous session</h3>'
            '<table class="box changes"><colgroup><col class="c-side"><col class="c-label">'
            '<col class="c-before"><col class="c-change"><col class="c-mcid">'
            '<col class="c-mark"></colgroup><thead><tr><th>Foot</th><th>Measure</th>'
            "<th>Before → now</th><th>Change [95% CI]</th><th>MCID</th><th>Judgement</th>"
            f'</tr></thead><tbody>{"".join(rows)}</tbody></table>'
            f'<p class="note">{_e(note)}</p></div>')


def _side(box: SideBox) -> str:
    sub = " · ".join(t for t in (box.score, box.strides) if t)
    parts = [
        f'<article class="side side-{box.side}" id="summary-{box.side}">',
        f"<h3>{_e(box.title)}</h3>",
        f'<p class="verdict status-{box.status}" data-key="foot_drop">'
        f'<span class="sym" aria-hidden="true">{_e(SYMBOLS[box.status])}</span> '
        f"{_e(box.verdict)}</p>",
        f'<p class="sub">{_e(sub)}</p>',
        '<table class="box metrics"><colgroup><col class="c-label"><col class="c-value">'
        '<col class="c-normal"><col class="c-mark"></colgroup><thead><tr>'
        "<th>Measure (median)</th><th>Value</th><th>Normal</th><th></th></tr></thead><tbody>",
        *(_row(r) for r in box.metrics), "</tbody></table>",
        "<h4>Compensation, scuffs, fatigue</h4>",
        '<table class="box findings"><colgroup><col class="c-label"><col class="c-value">'
        '<col class="c-mark"></colgroup><tbody>',
        *(_row(r, with_normal=False) for r in box.findings), "</tbody></table>",
    ]
    if box.notes:
        parts.append('<ul class="notes">' + "".join(f"<li>{_e(n)}</li>" for n in box.notes)
                     + "</ul>")
    parts.append("</article>")
    return "\n".join(parts)


def _figure(fig: Figure) -> str:
    data = base64.b64encode(fig.png).decode("ascii")
    return (f'<figure id="{_e(fig.id)}"><h3>{_e(fig.title)}</h3>'
            f'<img src="data:image/png;base64,{data}" alt="{_e(fig.alt)}">'
            f"<figcaption>{_e(fig.caption)}</figcaption></figure>")


def _table(t: TableModel, cls: str) -> str:
    def cls_(i: int) -> str:
        return ' class="num"' if t.aligned(i) == "right" else ""

    head = "".join(f"<th{cls_(i)}>{_e(c)}</th>" for i, c in enumerate(t.columns))
    body = []
    for i, row in enumerate(t.rows):
        flagged = bool(t.flags[i]) if i < len(t.flags) else False
        attr = ' class="flagged"' if flagged else ""
        body.append(f"<tr{attr}>"
                    + "".join(f"<td{cls_(j)}>{_e(v)}</td>" for j, v in enumerate(row))
                    + "</tr>")
    note = f'<p class="note">{_e(t.note)}</p>' if t.note else ""
    return (f'<div class="table-block" id="{_e(t.id)}"><h3>{_e(t.title)}</h3>'
            f'<div class="table-wrap"><table class="{cls}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{note}</div>')


def render_html(report: Report) -> str:
    """The whole report as one HTML document (a string)."""
    ids = []
    for label, value in report.header:
        wide = ' class="half"' if label in ("Recording", "Sensors", "Sessions") else ""
        missing = ' class="missing"' if value in ("not given", "not known") else ""
        ids.append(f"<div{wide}><dt>{_e(label)}</dt><dd{missing}>{_e(value)}</dd></div>")
    plots = [_figure(f) for f in report.figures]
    if report.fes is not None:
        plots.append(_table(report.fes, "fes"))
    if report.trend is not None:
        plots.append(_table(report.trend, "trend"))
    methods = []
    for sec in report.methods:
        methods.append(f"<h3>{_e(sec.title)}</h3>"
                       + "".join(f"<p>{_e(p)}</p>" for p in sec.paragraphs)
                       + ("<ul>" + "".join(f"<li>{_e(i)}</li>" for i in sec.items) + "</ul>"
                          if sec.items else ""))
        if sec.title == "Methods":
            methods.append(_table(report.accuracy, "accuracy"))
    appendix = [_table(t, "strides") for t in report.appendix] or [
        "<p>No strides were found.</p>"]
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f'<meta name="generator" content="{_e(report.software)}">',
        f"<title>{_e(report.title)}</title>", f"<style>{CSS}</style>", "</head>",
        '<body><main class="page">',
        '<header class="report-header" id="header"><div class="title-row">'
        f'<h1>{_e(report.title)}</h1><div class="created">Created {_e(report.created)} · '
        f"{_e(report.software)}</div></div>",
        f'<dl class="ids">{"".join(ids)}</dl></header>',
        '<section id="summary"><h2>Summary</h2>',
        '<ul class="headline">' + "".join(f"<li>{_e(x)}</li>" for x in report.headline)
        + "</ul>",
        '<div class="sides">', *(_side(b) for b in report.sides), "</div>",
        _changes(report.sides),
        f'<p class="legend">{_e(report.legend)}</p>',
        f'<p class="disclaimer"><strong>{_e(report.disclaimer)}</strong></p></section>',
        '<section id="plots"><h2>Plots</h2>', *plots, "</section>",
        '<section id="methods"><h2>Methods and accuracy</h2>', *methods,
        f'<p class="disclaimer"><strong>{_e(report.disclaimer)}</strong></p></section>',
        '<section id="appendix"><h2>Appendix: every stride</h2>', *appendix, "</section>",
        f"<footer>{_e(report.title)} · {_e(report.software)} · {_e(report.created)}</footer>",
        "</main></body></html>", ""])
