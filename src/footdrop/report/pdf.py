"""The report as an A4 PDF, from the same content model as the HTML.

Made with fpdf2 (pure Python, from PyPI) and the DejaVu Sans fonts that matplotlib ships, so
it needs no system library, browser or network: ``pip install footdrop`` is enough. The
figures are the same PNGs as in the HTML file.
"""

from __future__ import annotations

import io
from pathlib import Path

from footdrop.report.model import SYMBOLS, Report, Row, SideBox, Table

INK = (26, 26, 26)
MUTED = (95, 99, 104)
LINE = (210, 214, 218)
COLOURS = {"in": ((27, 110, 52), (233, 245, 237)), "out": ((168, 32, 26), (251, 234, 233)),
           "na": ((95, 99, 104), (241, 243, 244)), "better": ((27, 110, 52), (233, 245, 237)),
           "worse": ((168, 32, 26), (251, 234, 233)), "same": ((95, 99, 104), (255, 255, 255)),
           "info": (INK, (255, 255, 255))}
SIDE_COLOUR = {"left": (0, 114, 178), "right": (213, 94, 0)}
FLAG_FILL = (255, 244, 214)
MARGIN = 14.0
GAP = 6.0


def _fonts() -> dict[str, Path]:
    import matplotlib

    base = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    return {"": base / "DejaVuSans.ttf", "B": base / "DejaVuSans-Bold.ttf",
            "I": base / "DejaVuSans-Oblique.ttf"}


def _pdf_class():
    from fpdf import FPDF

    class ReportPDF(FPDF):
        footer_text = ""

        def footer(self) -> None:
            self.set_y(-10)
            self.set_font("DejaVu", "", 6.5)
            self.set_text_color(*MUTED)
            self.cell(0, 4, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 4, f"page {self.page_no()} of {{nb}}", align="R")

    return ReportPDF


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes (A4 portrait)."""
    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=14)
    for style, path in _fonts().items():
        pdf.add_font("DejaVu", style, str(path))
    pdf.set_title(report.title)
    pdf.set_creator(report.software)
    person = dict(report.header).get("Person", "not given")
    pdf.footer_text = (f"{report.title} · person: {person} · {report.created} · supports "
                       "clinical judgement, not a diagnosis")
    pdf.add_page()
    _header(pdf, report)
    _heading(pdf, "Summary")
    _headline(pdf, report.headline)
    _sides(pdf, report.sides)
    _changes(pdf, report.sides)
    _legend(pdf, report)
    # the plots follow on page 1 when the first fits there (one session)
    if pdf.get_y() > pdf.h - 110:
        pdf.add_page()
    _heading(pdf, "Plots")
    for fig in report.figures:
        _figure(pdf, fig.title, fig.png, fig.caption)
    if report.fes is not None:
        _table(pdf, report.fes, font=7.5)
    if report.trend is not None:
        _table(pdf, report.trend, font=6.5)
    if pdf.get_y() > pdf.h - 90:
        pdf.add_page()
    _heading(pdf, "Methods and accuracy")
    for sec in report.methods:
        _subheading(pdf, sec.title)
        _text(pdf, sec.paragraphs, sec.items)
        if sec.title == "Methods":
            _table(pdf, report.accuracy, font=7.5)
    _box(pdf, report.disclaimer)
    pdf.add_page()
    _heading(pdf, "Appendix: every stride")
    for t in report.appendix:
        _table(pdf, t, font=6.5)
    return bytes(pdf.output())


# ------------------------------------------------------------------ building blocks
def _font(pdf, size: float, style: str = "", colour=INK) -> None:
    pdf.set_font("DejaVu", style, size)
    pdf.set_text_color(*colour)


def _header(pdf, report: Report) -> None:
    _font(pdf, 17, "B")
    pdf.cell(0, 9, report.title, new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 7, colour=MUTED)
    pdf.cell(0, 4, f"Created {report.created} · {report.software}", new_x="LMARGIN",
             new_y="NEXT")
    _rule(pdf, 0.6)
    width = pdf.epw
    col = width / 4
    spans = {"Sensors": 2, "Recording": 2, "Sessions": 2}
    x0, y, used = pdf.l_margin, pdf.get_y() + 1.5, 0
    line_h = 0.0
    for label, value in report.header:
        span = spans.get(label, 1)
        if used + span > 4:
            y, used, line_h = y + line_h + 1.5, 0, 0.0
        pdf.set_xy(x0 + used * col, y)
        _font(pdf, 6.5, colour=MUTED)
        pdf.cell(col * span - 3, 3.5, label.upper(), new_x="LEFT", new_y="NEXT")
        missing = value in ("not given", "not known")
        _font(pdf, 8.5, "I" if missing else "B", MUTED if missing else INK)
        top = pdf.get_y()
        pdf.multi_cell(col * span - 3, 4, value, align="L", new_x="LEFT", new_y="NEXT")
        line_h = max(line_h, pdf.get_y() - y)
        pdf.set_y(top)
        used += span
    pdf.set_xy(x0, y + line_h + 2)


def _rule(pdf, width: float = 0.3, colour=INK) -> None:
    pdf.set_draw_color(*colour)
    pdf.set_line_width(width)
    y = pdf.get_y() + 0.5
    pdf.line(pdf.l_margin, y, pdf.l_margin + pdf.epw, y)
    pdf.set_y(y + 0.5)


def _heading(pdf, text: str) -> None:
    pdf.ln(2)
    _font(pdf, 12.5, "B")
    pdf.cell(0, 7, text, new_x="LMARGIN", new_y="NEXT")
    _rule(pdf, 0.5)
    pdf.ln(1.5)


def _subheading(pdf, text: str) -> None:
    if pdf.get_y() > pdf.h - 40:
        pdf.add_page()
    pdf.ln(1.5)
    _font(pdf, 9.5, "B")
    pdf.cell(0, 5.5, text, new_x="LMARGIN", new_y="NEXT")


def _headline(pdf, lines: list[str]) -> None:
    """The headline sentences as bullets in a light grey box."""
    def style(i: int) -> None:
        _font(pdf, 9.5 if i == 0 else 8.5, "B" if i == 0 else "")

    height = 4.0
    for i, line in enumerate(lines):
        style(i)
        height += pdf.multi_cell(pdf.epw - 10, 4.3, line, dry_run=True, output="HEIGHT")
    top = pdf.get_y()
    pdf.set_fill_color(246, 247, 248)
    pdf.rect(pdf.l_margin, top, pdf.epw, height, style="F")
    pdf.set_y(top + 2)
    for i, line in enumerate(lines):
        style(i)
        pdf.set_x(pdf.l_margin + 3)
        pdf.cell(4, 4.3, "•")
        pdf.multi_cell(pdf.epw - 10, 4.3, line, new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(top + height + 3)


def _sides(pdf, boxes: list[SideBox]) -> None:
    width = (pdf.epw - GAP) / 2
    top = pdf.get_y()
    bottoms = []
    l_margin, r_margin = pdf.l_margin, pdf.r_margin
    pdf.set_auto_page_break(False)
    for i, box in enumerate(boxes):
        x = l_margin + i * (width + GAP)
        pdf.set_left_margin(x)
        pdf.set_right_margin(pdf.w - x - width)
        pdf.set_xy(x, top)
        _side(pdf, box, width)
        bottoms.append(pdf.get_y())
    pdf.set_left_margin(l_margin)
    pdf.set_right_margin(r_margin)
    pdf.set_auto_page_break(True, margin=14)
    bottom = max(bottoms)
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.25)
    for i, box in enumerate(boxes):
        x = l_margin + i * (width + GAP)
        pdf.rect(x, top, width, bottom - top + 1.5)
        pdf.set_draw_color(*SIDE_COLOUR[box.side])
        pdf.set_line_width(1.3)
        if box.side == "right":
            pdf.set_dash_pattern(dash=2.2, gap=1.2)
        pdf.line(x, top, x + width, top)
        pdf.set_dash_pattern()
        pdf.set_draw_color(*LINE)
        pdf.set_line_width(0.25)
    pdf.set_xy(l_margin, bottom + 4)


def _side(pdf, box: SideBox, width: float) -> None:
    inner = width - 6
    pdf.set_left_margin(pdf.l_margin + 3)
    pdf.set_right_margin(pdf.r_margin + 3)
    pdf.set_xy(pdf.l_margin, pdf.get_y() + 2.5)
    _font(pdf, 10, "B")
    pdf.cell(inner, 5, box.title, new_x="LMARGIN", new_y="NEXT")
    ink, fill = COLOURS[box.status]
    pdf.set_fill_color(*fill)
    _font(pdf, 11, "B", ink)
    y = pdf.get_y()
    pdf.cell(inner, 7.5, f"  {SYMBOLS[box.status]}  {box.verdict}", fill=True,
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_fill_color(*ink)
    pdf.rect(pdf.l_margin, y, 1.4, 7.5, style="F")
    _font(pdf, 6.8, colour=MUTED)
    pdf.multi_cell(inner, 3.6, " · ".join(t for t in (box.score, box.strides) if t),
                   new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)
    rows = [["Measure (median)", "Value", "Normal", ""]]
    rows += [[r.label, r.value, r.normal, _mark(r)] for r in box.metrics]
    _grid(pdf, rows, (0.39, 0.19, 0.24, 0.18), [r.status for r in box.metrics], bold_col=1,
          font=7.0)
    _small_heading(pdf, "Compensation, scuffs, fatigue")
    rows = [[r.label, r.value + (f"\n{r.note}" if r.note else ""), SYMBOLS.get(r.status, "")]
            for r in box.findings]
    _grid(pdf, rows, (0.34, 0.58, 0.08), [r.status for r in box.findings], bold_col=-1,
          header=False)
    for note in box.notes:
        _font(pdf, 6.5, colour=COLOURS["out"][0])
        pdf.multi_cell(inner, 3.3, "• " + note, new_x="LMARGIN", new_y="NEXT")


def _changes(pdf, boxes: list[SideBox]) -> None:
    """The change since the previous session, both feet in one full-width table."""
    note = next((b.change_note for b in boxes if b.change_note), "")
    if any(b.changes for b in boxes):
        _font(pdf, 9.5, "B")
        pdf.cell(0, 5.5, "Change since the previous session", new_x="LMARGIN", new_y="NEXT")
        rows = [["Foot", "Measure", "Before → now", "Change [95% CI]", "MCID", "Judgement"]]
        statuses = []
        for b in boxes:
            for i, c in enumerate(b.changes):
                rows.append([b.side.capitalize() if i == 0 else "", c.label,
                             f"{c.before} → {c.now}", c.change, c.mcid,
                             f"{SYMBOLS.get(c.status, '')} {c.verdict}"])
                statuses.append(c.status)
        _grid(pdf, rows, (0.08, 0.2, 0.17, 0.23, 0.11, 0.21), statuses, bold_col=-1,
              font=7.2)
    _font(pdf, 6.8, colour=MUTED)
    pdf.multi_cell(0, 3.5, note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1.5)


def _mark(row: Row) -> str:
    sym = SYMBOLS.get(row.status, "")
    word = row.note or ""
    return f"{sym} {word}".strip()


def _small_heading(pdf, text: str) -> None:
    pdf.ln(1.5)
    _font(pdf, 6.8, "B", MUTED)
    pdf.cell(0, 4, text.upper(), new_x="LMARGIN", new_y="NEXT")


def _grid(pdf, rows: list[list[str]], fractions, statuses: list[str], *, bold_col: int = -1,
          header: bool = True, font: float = 7.2) -> None:
    """A compact table inside the current margins; status colours the last column."""
    from fpdf.fonts import FontFace

    width = pdf.epw
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.15)
    with pdf.table(col_widths=[f * width for f in fractions], width=width, align="LEFT",
                   borders_layout="HORIZONTAL_LINES", line_height=3.4,
                   first_row_as_headings=header, text_align="LEFT", padding=(0.6, 0.8),
                   v_align="TOP",
                   headings_style=FontFace(family="DejaVu", emphasis="BOLD", size_pt=6.3,
                                           color=MUTED, fill_color=(255, 255, 255))) as table:
        pdf.set_draw_color(*LINE)
        pdf.set_font("DejaVu", "", font)
        body = rows[1:] if header else rows
        if header:
            r = table.row()
            for text in rows[0]:
                r.cell(text.upper())
        for status, values in zip(statuses, body, strict=False):
            ink = COLOURS.get(status, COLOURS["info"])[0]
            r = table.row()
            for j, text in enumerate(values):
                last = j == len(values) - 1
                alarm = status in ("out", "worse")
                colour = ink if last or (j == 1 and alarm) else INK
                emphasis = "BOLD" if j == bold_col or (j == 1 and alarm) or (
                    last and status == "out") else None
                r.cell(text, style=FontFace(color=colour, emphasis=emphasis, size_pt=font))


def _legend(pdf, report: Report) -> None:
    _font(pdf, 7, colour=MUTED)
    pdf.multi_cell(0, 3.6, report.legend, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    _box(pdf, report.disclaimer)


def _box(pdf, text: str) -> None:
    _font(pdf, 8.5, "B")
    pdf.set_draw_color(*LINE)
    pdf.set_line_width(0.3)
    pdf.ln(1)
    pdf.multi_cell(0, 4.5, text, border=1, padding=(2, 3), align="L", new_x="LMARGIN",
                   new_y="NEXT")


def _figure(pdf, title: str, png: bytes, caption: str) -> None:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        w_px, h_px = img.size
    height = pdf.epw * h_px / w_px
    _font(pdf, 7.5)
    cap_lines = len(pdf.multi_cell(pdf.epw, 3.6, caption, align="L", dry_run=True,
                                   output="LINES"))
    need = 6 + height + cap_lines * 3.6 + 4
    if pdf.get_y() + need > pdf.h - 14:
        pdf.add_page()
    _font(pdf, 9.5, "B")
    pdf.cell(0, 5.5, title, new_x="LMARGIN", new_y="NEXT")
    pdf.image(io.BytesIO(png), x=pdf.l_margin, w=pdf.epw)
    _font(pdf, 7.5, colour=(51, 51, 51))
    pdf.multi_cell(0, 3.6, caption, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)


def _text(pdf, paragraphs: list[str], items: list[str]) -> None:
    _font(pdf, 8.5)
    for p in paragraphs:
        pdf.multi_cell(0, 4.2, p, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.2)
    for item in items:
        pdf.set_x(pdf.l_margin + 2)
        pdf.cell(4, 4.2, "•")
        pdf.multi_cell(pdf.epw - 6, 4.2, item, align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _table(pdf, t: Table, *, font: float = 7.0) -> None:
    """A full-width table with repeated headings; flagged rows filled and marked."""
    from fpdf.fonts import FontFace

    if pdf.get_y() > pdf.h - 45:
        pdf.add_page()
    _subheading(pdf, t.title)
    # widths from the longest value, headings counting half (they wrap)
    widths = [max(len(c) / 2, *(len(r[i]) for r in t.rows)) if t.rows else len(c)
              for i, c in enumerate(t.columns)]
    widths = [min(max(w, 4), 40) for w in widths]
    pdf.set_draw_color(*LINE)
    pdf.set_fill_color(255, 255, 255)
    pdf.set_line_width(0.15)
    pdf.set_font("DejaVu", "", font)
    with pdf.table(col_widths=widths, width=pdf.epw, align="LEFT",
                   borders_layout="HORIZONTAL_LINES", line_height=font * 0.5,
                   text_align=tuple(t.aligned(i).upper() for i in range(len(t.columns))),
                   padding=(0.4, 0.8), repeat_headings=1,
                   headings_style=FontFace(family="DejaVu", emphasis="BOLD", size_pt=font,
                                           color=MUTED, fill_color=(255, 255, 255))) as table:
        r = table.row()
        for c in t.columns:
            r.cell(c)
        for i, values in enumerate(t.rows):
            flagged = bool(t.flags[i]) if i < len(t.flags) else False
            style = FontFace(fill_color=FLAG_FILL if flagged else None, size_pt=font)
            r = table.row()
            for text in values:
                r.cell(text, style=style)
    if t.note:
        _font(pdf, 7, colour=MUTED)
        pdf.multi_cell(0, 3.5, t.note, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
