"""Exports of a briefing deck: PowerPoint with native charts, PDF with an embedded font, PNG of a figure, tables.

Every export draws from the same Deck (reform.deck), so the numbers on screen, in the .pptx, in the .pdf and in
the tables are the same numbers.
"""

from __future__ import annotations

import csv
import io
import math
import os
import shutil
from collections.abc import Sequence
from functools import cache
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING

from reform import fmt, textnorm
from reform.deck import Chart, Deck, Slide, Table

if TYPE_CHECKING:
    import plotly.graph_objects as go

FONT_DIR = Path(__file__).resolve().parent / "fonts"
OFFICE_FONT = "Arial"  # on every office machine, with Vietnamese glyphs
PDF_FONT, PDF_FONT_BOLD = "NotoSans", "NotoSans-Bold"
INK, MUTED, ACCENT, RULE = "#111111", "#3c3c3c", "#1f5fa8", "#c8c8c8"
TABLE_ROWS_MAX = 8  # a slide's table shows at most this many rows, then "... và N dòng nữa"
CELL_CHARS_MAX = 70  # and at most this much of a cell (the .xlsx/.csv of the table has everything)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what spreadsheets read as the start of a formula


class ExportUnavailable(ValueError):
    """An export this server cannot make (no browser for PNG); the message is Vietnamese, for the user."""


NO_BROWSER = (
    "Máy chủ chưa có trình duyệt Chromium nên chưa xuất được ảnh PNG. "
    "Hãy tải bản PowerPoint: biểu đồ trong đó sửa được trực tiếp."
)


# ---------------------------------------------------------------- shared words


def _nfc(text: object) -> str:
    return textnorm.nfc(str(text))


def cover_lines(deck: Deck) -> list[str]:
    """What the cover says under the deck's name: scope, period, the age of the data, demo."""
    f = deck.footer
    lines = [f.scope_name, f.period_label]
    if f.frozen_at is not None:
        lines.append(f"Số liệu chốt lúc {f.frozen_at:%H:%M %d/%m/%Y}")
    elif f.data_changed is not None:
        lines.append(f"Số liệu cập nhật {f.data_changed:%H:%M %d/%m/%Y}")
    lines.append(f"{f.units_reported}/{f.units_expected} đơn vị đã báo cáo")
    if f.demo:
        lines.append("Dữ liệu minh họa")
    return lines


def speaker_notes(slide: Slide) -> str:
    """The presenter's notes, then the commentary, as the notes page of a slide."""
    return "\n\n".join(t for t in (slide.notes.strip(), slide.commentary.strip()) if t)


def cell_text(x: object) -> str:
    """A table cell as shown on a slide: numbers Vietnamese style, nothing as a dash."""
    if _is_number(x):
        return fmt.compact(float(x))
    return "–" if x is None else _nfc(x)


def _table_rows(table: Table, limit: int = TABLE_ROWS_MAX) -> list[list[str]]:
    """At most `limit` rows as text, then one that says how many more there are."""
    rows = [[_short(cell_text(x), CELL_CHARS_MAX) for x in r] for r in table.rows[:limit]]
    if len(table.rows) > limit:
        more = [""] * len(table.columns)
        more[0] = f"… và {len(table.rows) - limit} dòng nữa"
        rows.append(more)
    return rows


def _short(label: str, n: int) -> str:
    return label if len(label) <= n else label[: n - 1].rstrip() + "…"


# ---------------------------------------------------------------- PowerPoint


def to_pptx(deck: Deck) -> bytes:
    """The deck as a 16:9 PowerPoint: a cover, then one slide per Slide with a native, editable chart."""
    from pptx import Presentation
    from pptx.util import Inches

    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(13.333), Inches(7.5)
    total = len(deck.slides)  # numbered as on the presentation page: the cover carries no number
    _pptx_cover(prs, deck)
    for i, slide in enumerate(deck.slides, start=1):
        _pptx_slide(prs, deck, slide, i, total)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()


def _rgb(hex_color: str):
    from pptx.dml.color import RGBColor

    return RGBColor.from_string(hex_color.lstrip("#")[:6].upper())


def _pptx_text(slide, box: tuple[float, float, float, float], text: str, size: int, **style) -> object:
    """A text box in inches (x, y, w, h): one paragraph per line, in the office font; fit=True shrinks it to fit."""
    from pptx.enum.text import PP_ALIGN
    from pptx.util import Inches, Pt

    shape = slide.shapes.add_textbox(*(Inches(v) for v in box))
    tf = shape.text_frame
    tf.word_wrap = True
    for i, line in enumerate(_nfc(text).split("\n")):
        p = tf.paragraphs[0] if i == 0 else tf.add_paragraph()
        p.alignment = {"right": PP_ALIGN.RIGHT, "center": PP_ALIGN.CENTER}.get(style.get("align"), PP_ALIGN.LEFT)
        p.space_after = Pt(style.get("space_after", 0))
        run = p.add_run()
        run.text = line
        run.font.name, run.font.size = OFFICE_FONT, Pt(size)
        run.font.bold = bool(style.get("bold"))
        run.font.color.rgb = _rgb(style.get("color", INK))
    if style.get("fit") and text.strip():
        _pptx_fit(tf, size, bool(style.get("bold")))
    return shape


PPTX_MIN_SIZE = 11  # below this a projector audience cannot read; the notes page has the whole text anyway


def _pptx_fit(tf, size: int, bold: bool) -> None:
    """Shrink the text until it fits its box, measured with Noto Sans (a little wider than Arial, so it is safe)."""
    from pptx.util import Emu, Pt

    shape = tf._parent
    width, height = (
        Emu(shape.width - tf.margin_left - tf.margin_right),
        Emu(shape.height - tf.margin_top - tf.margin_bottom),
    )
    best = fit_size(tf.text, width.pt, height.pt, size, bold)
    for p in tf.paragraphs:
        for run in p.runs:
            run.font.size = Pt(best)


def fit_size(text: str, width_pt: float, height_pt: float, size: int, bold: bool = False) -> int:
    """The largest size from `size` down to PPTX_MIN_SIZE at which `text`, wrapped to the width, fits the height."""
    widths = _word_widths(text, bold)
    space = _measure_font(bold).getlength(" ") / 100
    for pt in range(size, PPTX_MIN_SIZE - 1, -1):
        lines = sum(_wrapped_lines([w * pt for w in para], space * pt, width_pt) for para in widths)
        if lines * pt * 1.2 <= height_pt * 0.92:  # 8 % slack for the renderer's own line spacing
            return pt
    return PPTX_MIN_SIZE


def _word_widths(text: str, bold: bool) -> list[list[float]]:
    """Width of every word at 1 pt, paragraph by paragraph."""
    font = _measure_font(bold)
    return [[font.getlength(w) / 100 for w in para.split(" ")] for para in _nfc(text).split("\n")]


@cache
def _measure_font(bold: bool):
    from PIL import ImageFont

    return ImageFont.truetype(str(FONT_DIR / ("NotoSans-Bold.ttf" if bold else "NotoSans-Regular.ttf")), 100)


def _wrapped_lines(words: list[float], space: float, width: float) -> int:
    lines, used = 1, 0.0
    for w in words:
        if used and used + space + w > width:
            lines, used = lines + 1, w
        else:
            used = used + space + w if used else w
    return lines


def _pptx_blank(prs):
    slide = prs.slides.add_slide(prs.slide_layouts[6])  # the blank layout
    slide.background.fill.solid()
    slide.background.fill.fore_color.rgb = _rgb("#ffffff")
    return slide


def _pptx_footer(slide, deck: Deck, number: int | None = None, total: int = 0) -> None:
    from pptx.util import Inches

    line = slide.shapes.add_connector(1, Inches(0.5), Inches(6.85), Inches(12.83), Inches(6.85))
    line.line.color.rgb = _rgb(RULE)
    _pptx_text(slide, (0.5, 6.9, 10.8, 0.45), deck.footer.text(), 13, color=MUTED)
    if number is not None:
        _pptx_text(slide, (11.3, 6.9, 1.53, 0.45), f"{number}/{total}", 13, color=MUTED, align="right")


def _pptx_cover(prs, deck: Deck) -> None:
    slide = _pptx_blank(prs)
    _pptx_text(slide, (0.8, 1.6, 11.7, 1.4), deck.name, 44, bold=True, color=ACCENT, fit=True)
    _pptx_text(slide, (0.8, 3.2, 11.7, 3.0), "\n".join(cover_lines(deck)), 26, space_after=6)
    _pptx_footer(slide, deck)
    slide.notes_slide.notes_text_frame.text = _nfc(deck.footer.text())


def _pptx_slide(prs, deck: Deck, s: Slide, number: int, total: int) -> None:
    slide = _pptx_blank(prs)
    _pptx_text(slide, (0.5, 0.3, 12.33, 0.75), s.title, 30, bold=True, fit=True)
    _pptx_text(slide, (0.5, 1.05, 12.33, 0.95), s.headline, 22, color=ACCENT, bold=True, fit=True)
    has_chart = s.chart is not None
    side = (8.95, 2.1, 3.88, 4.65) if has_chart else (0.5, 2.1, 12.33, 4.65)
    if has_chart:
        _pptx_chart_or_message(slide, s.chart, (0.5, 2.1, 8.3, 4.65))
    if s.table is not None and s.table.columns:
        text_h = 2.0 if has_chart else 1.4
        _pptx_text(slide, (side[0], side[1], side[2], text_h), s.commentary, 16, fit=True, color=MUTED)
        _pptx_table(slide, s.table, (side[0], side[1] + text_h + 0.1, side[2], side[3] - text_h - 0.1))
    else:
        _pptx_text(slide, side, s.commentary, 18, fit=True, color=MUTED)
    _pptx_footer(slide, deck, number, total)
    slide.notes_slide.notes_text_frame.text = _nfc(speaker_notes(s))


def _pptx_chart_or_message(slide, chart: Chart, box: tuple[float, float, float, float]) -> None:
    if chart.is_empty:
        message = chart.empty_message or "Chưa có số liệu để vẽ biểu đồ."
        _pptx_text(slide, (box[0], box[1] + 1.5, box[2], 1.5), message, 22, color=MUTED, align="center")
        return
    _pptx_chart(slide, chart, box)


def excel_number_format(decimals: int) -> str:
    """The chart's number format: thousands grouped, `decimals` places (shown with the viewer's separators)."""
    return "#,##0" + ("." + "0" * decimals if decimals > 0 else "")


PPTX_KINDS = {"column": "COLUMN_CLUSTERED", "bar": "BAR_CLUSTERED", "line": "LINE_MARKERS"}


def _pptx_chart(slide, chart: Chart, box: tuple[float, float, float, float]) -> None:
    from pptx.chart.data import CategoryChartData
    from pptx.enum.chart import XL_CHART_TYPE
    from pptx.util import Inches

    data = CategoryChartData(number_format=excel_number_format(chart.decimals))
    data.categories = [_nfc(c) for c in chart.categories]
    for s in chart.series:
        data.add_series(_nfc(s.name), [None if fmt.missing(v) else float(v) for v in s.values])
    kind = getattr(XL_CHART_TYPE, PPTX_KINDS[chart.kind])
    frame = slide.shapes.add_chart(kind, *(Inches(v) for v in box), data)
    _pptx_chart_style(frame.chart, chart)
    for ps, s in zip(frame.chart.plots[0].series, chart.series, strict=True):
        _pptx_series_colors(ps, s, chart.kind)


def _pptx_chart_style(c, chart: Chart) -> None:
    from pptx.enum.chart import XL_LEGEND_POSITION, XL_TICK_LABEL_POSITION
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    n = len(chart.categories)
    size = 16 if n <= 10 else 13 if n <= 20 else 10
    c.font.name, c.font.size = OFFICE_FONT, Pt(size)
    c.font.color.rgb = _rgb(INK)
    c.has_title = False
    c.has_legend = len(chart.series) > 1
    if c.has_legend:
        c.legend.position, c.legend.include_in_layout = XL_LEGEND_POSITION.TOP, False
        c.legend.font.size = Pt(16)
    va = c.value_axis
    va.has_major_gridlines = True
    va.major_gridlines.format.line.color.rgb = _rgb("#dddddd")
    axis_decimals = 0 if _span(chart) >= 10 else chart.decimals  # round ticks need no decimals
    va.tick_labels.number_format, va.tick_labels.number_format_is_linked = excel_number_format(axis_decimals), False
    va.has_title = bool(chart.unit)
    if chart.unit:
        va.axis_title.text_frame.text = _nfc(chart.unit)
        va.axis_title.text_frame.paragraphs[0].runs[0].font.size = Pt(14)
    c.category_axis.tick_label_position = XL_TICK_LABEL_POSITION.LOW  # names at the edge, clear of negative bars
    if chart.kind == "bar":
        c.category_axis.reverse_order = True  # the first category on top, as it is read
        # and the value axis stays at the bottom: it crosses at the last category (no API for this side)
        c.value_axis._element.find(qn("c:crosses")).set("val", "max")
    if n * len(chart.series) <= 24:
        _pptx_data_labels(c.plots[0], chart, size)
    if chart.kind != "line":
        c.plots[0].gap_width, c.plots[0].overlap = 60, 0


def _pptx_data_labels(plot, chart: Chart, size: int) -> None:
    from pptx.util import Pt

    plot.has_data_labels = True
    labels = plot.data_labels
    labels.number_format, labels.number_format_is_linked = excel_number_format(chart.decimals), False
    labels.font.size, labels.font.name = Pt(size), OFFICE_FONT
    labels.show_value = True


def _pptx_series_colors(ps, s, kind: str) -> None:
    from pptx.enum.chart import XL_MARKER_STYLE

    color = _rgb(s.color)
    if kind == "line":
        ps.format.line.color.rgb, ps.smooth = color, False
        ps.format.line.width = 38100  # 3 pt
        ps.marker.format.fill.solid()
        ps.marker.format.fill.fore_color.rgb = color
        ps.marker.size, ps.marker.style = 9, XL_MARKER_STYLE.CIRCLE
    else:
        ps.format.fill.solid()
        ps.format.fill.fore_color.rgb = color
        ps.invert_if_negative = False
    for i, pc in enumerate(s.point_colors or []):
        if pc and pc != s.color:
            target = ps.points[i].marker.format.fill if kind == "line" else ps.points[i].format.fill
            target.solid()
            target.fore_color.rgb = _rgb(pc)


def _pptx_table(slide, table: Table, box: tuple[float, float, float, float]) -> None:
    """A native table with as many rows as its box holds (estimated), the first column the widest."""
    from pptx.util import Inches, Pt

    size, widths = 12, _col_widths(table, box[2])
    rows = _pptx_rows_that_fit(table, widths, box[3], size)
    shape = slide.shapes.add_table(len(rows) + 1, len(table.columns), *(Inches(v) for v in box))
    for col, w in zip(shape.table.columns, widths, strict=True):
        col.width = Inches(w)
    for i, line in enumerate([[_nfc(c) for c in table.columns], *rows]):
        shape.table.rows[i].height = Inches(_row_height(line, widths, size))
        for j, text in enumerate(line):
            cell = shape.table.cell(i, j)
            cell.text = text
            cell.margin_top = cell.margin_bottom = Inches(0.03)
            cell.margin_left = cell.margin_right = Inches(0.06)
            for p in cell.text_frame.paragraphs:
                for run in p.runs:
                    run.font.name, run.font.size, run.font.bold = OFFICE_FONT, Pt(size), i == 0


def _row_height(cells: list[str], widths: list[float], size: int) -> float:
    """Inches a table row needs: its longest cell wrapped at about half an em per character."""
    per_line = [max(int((w - 0.12) * 72 / (size * 0.55)), 1) for w in widths]
    lines = max(math.ceil(max(len(t), 1) / n) for t, n in zip(cells, per_line, strict=True))
    return lines * size * 1.2 / 72 + 0.08


def _pptx_rows_that_fit(table: Table, widths: list[float], height: float, size: int) -> list[list[str]]:
    for limit in range(TABLE_ROWS_MAX, 0, -1):
        rows = _table_rows(table, limit)
        lines = [[_nfc(c) for c in table.columns], *rows]
        if sum(_row_height(r, widths, size) for r in lines) <= height:
            return rows
    return _table_rows(table, 1)


# ---------------------------------------------------------------- PDF


@cache
def pdf_fonts() -> tuple[str, str]:
    """Register the packaged Noto Sans (regular, bold) with reportlab, once; their names."""
    from reportlab.lib.fonts import addMapping
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    pdfmetrics.registerFont(TTFont(PDF_FONT, str(FONT_DIR / "NotoSans-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(PDF_FONT_BOLD, str(FONT_DIR / "NotoSans-Bold.ttf")))
    addMapping(PDF_FONT, 0, 0, PDF_FONT)
    addMapping(PDF_FONT, 1, 0, PDF_FONT_BOLD)
    addMapping(PDF_FONT, 0, 1, PDF_FONT)
    addMapping(PDF_FONT, 1, 1, PDF_FONT_BOLD)
    return PDF_FONT, PDF_FONT_BOLD


PAGE_W, PAGE_H = 842.0, 595.0  # A4 landscape, points
MARGIN = 36.0


def to_pdf(deck: Deck) -> bytes:
    """The deck as an A4-landscape PDF: a cover, then one page per slide, charts drawn natively, Noto Sans embedded."""
    from reportlab.pdfgen.canvas import Canvas

    pdf_fonts()
    out = io.BytesIO()
    cv = Canvas(out, pagesize=(PAGE_W, PAGE_H), pageCompression=1)
    cv.setTitle(_nfc(deck.name))
    cv.setSubject(_nfc(deck.footer.text()))
    total = len(deck.slides)  # numbered as on the presentation page: the cover carries no number
    _pdf_cover(cv, deck)
    for i, slide in enumerate(deck.slides, start=1):
        _pdf_slide(cv, deck, slide, i, total)
    cv.save()
    return out.getvalue()


def _style(size: float, *, bold: bool = False, color: str = INK, leading: float = 1.25):
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    name = PDF_FONT_BOLD if bold else PDF_FONT
    return ParagraphStyle(
        f"{name}{size}{color}", fontName=name, fontSize=size, leading=size * leading, textColor=HexColor(color)
    )


def _para(cv, text: str, style, x: float, top: float, width: float) -> float:
    """Draw a wrapped paragraph with its top at `top`; the height it took."""
    from reportlab.platypus import Paragraph

    p = Paragraph(_escape(text), style)
    _, h = p.wrapOn(cv, width, PAGE_H)
    p.drawOn(cv, x, top - h)
    return h


def _pdf_footer(cv, deck: Deck, number: int | None = None, total: int = 0) -> None:
    from reportlab.lib.colors import HexColor

    cv.setStrokeColor(HexColor(RULE))
    cv.line(MARGIN, 34, PAGE_W - MARGIN, 34)
    cv.setFillColor(HexColor(MUTED))
    cv.setFont(PDF_FONT, 9.5)
    cv.drawString(MARGIN, 20, _short(_nfc(deck.footer.text()), 150))
    if number is not None:
        cv.drawRightString(PAGE_W - MARGIN, 20, f"{number}/{total}")


def _pdf_cover(cv, deck: Deck) -> None:
    top = PAGE_H - 170
    top -= _para(cv, deck.name, _style(34, bold=True, color=ACCENT), MARGIN + 20, top, PAGE_W - 2 * MARGIN - 40)
    top -= 24
    for line in cover_lines(deck):
        top -= _para(cv, line, _style(20), MARGIN + 20, top, PAGE_W - 2 * MARGIN - 40) + 6
    _pdf_footer(cv, deck)
    cv.showPage()


def _pdf_slide(cv, deck: Deck, s: Slide, number: int, total: int) -> None:
    width = PAGE_W - 2 * MARGIN
    top = PAGE_H - MARGIN
    top -= _para(cv, s.title, _style(22, bold=True), MARGIN, top, width) + 4
    top -= _para(cv, s.headline, _style(15, bold=True, color=ACCENT), MARGIN, top, width) + 12
    bottom = 46.0
    if s.chart is None:
        _pdf_side(cv, s, MARGIN, top, width, bottom)
    else:
        chart_w = width * 0.64
        _pdf_chart_or_message(cv, s.chart, MARGIN, bottom, chart_w, top - bottom)
        _pdf_side(cv, s, MARGIN + chart_w + 18, top, width - chart_w - 18, bottom)
    _pdf_footer(cv, deck, number, total)
    cv.showPage()


def _pdf_side(cv, s: Slide, x: float, top: float, width: float, bottom: float) -> None:
    """The commentary, then the table if there is one."""
    top -= _para(cv, s.commentary, _style(12, color=MUTED, leading=1.35), x, top, width) + 12
    if s.table is not None and s.table.columns:
        _pdf_table(cv, s.table, x, top, width, bottom)


def _pdf_table(cv, table: Table, x: float, top: float, width: float, bottom: float) -> None:
    """The table under the commentary, with as many rows as fit above the footer."""
    for limit in range(TABLE_ROWS_MAX, 0, -1):
        t = _rl_table(table, width, limit)
        _, h = t.wrapOn(cv, width, top - bottom)
        if h <= top - bottom or limit == 1:
            t.drawOn(cv, x, top - h)
            return


def _col_widths(table: Table, width: float) -> list[float]:
    """Column widths in proportion to their longest text (header or cell), none narrower than a number needs."""
    cols = list(zip(*[[_nfc(c) for c in table.columns], *_table_rows(table)], strict=True))
    need = [min(max(len(t) for t in col), 40) + 4 for col in cols]
    shares = [max(n / sum(need), 0.14) for n in need]
    return [width * sh / sum(shares) for sh in shares]


def _rl_table(table: Table, width: float, limit: int):
    from reportlab.lib.colors import HexColor
    from reportlab.platypus import Paragraph
    from reportlab.platypus import Table as RLTable

    head, body = _style(9.5, bold=True), _style(9.5)
    data = [[Paragraph(_escape(c), head) for c in table.columns]]
    data += [[Paragraph(_escape(t), body) for t in r] for r in _table_rows(table, limit)]
    t = RLTable(data, colWidths=_col_widths(table, width), repeatRows=1)
    grid, shade = HexColor(RULE), HexColor("#eef2f8")
    t.setStyle([("GRID", (0, 0), (-1, -1), 0.5, grid), ("BACKGROUND", (0, 0), (-1, 0), shade),
                ("VALIGN", (0, 0), (-1, -1), "TOP"), ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])  # fmt: skip
    return t


def _escape(text: object) -> str:
    return _nfc(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\n", "<br/>")


def _pdf_chart_or_message(cv, chart: Chart, x: float, y: float, w: float, h: float) -> None:
    from reportlab.graphics import renderPDF

    if chart.is_empty:
        message = chart.empty_message or "Chưa có số liệu để vẽ biểu đồ."
        _para(cv, message, _style(15, color=MUTED), x + 20, y + h / 2 + 20, w - 40)
        return
    renderPDF.draw(chart_drawing(chart, w, h), cv, x, y)


# ---------------------------------------------------------------- reportlab charts


def chart_drawing(chart: Chart, width: float, height: float):
    """The chart as a reportlab Drawing of the given size (points), numbers labelled Vietnamese style."""
    from reportlab.graphics.shapes import Drawing, String

    pdf_fonts()
    d = Drawing(width, height)
    n = len(chart.categories)
    label_size = 10 if n <= 12 else 8 if n <= 24 else 6.5
    legend, legend_h = _rl_legend(chart, width, height) if len(chart.series) > 1 else (None, 0.0)
    d.add(_rl_plot(chart, width, height - legend_h, label_size))
    if chart.unit:
        d.add(String(0, height - legend_h - 4, _nfc(chart.unit), fontName=PDF_FONT, fontSize=10, fillColor=_rl(MUTED)))
    if legend is not None:
        d.add(legend)
    return d


def _rl(hex_color: str):
    from reportlab.lib.colors import HexColor

    return HexColor(hex_color if hex_color.startswith("#") else "#" + hex_color)


def _values(chart: Chart) -> list[list[float | None]]:
    return [[None if fmt.missing(v) else float(v) for v in s.values] for s in chart.series]


def _vi_formatter(decimals: int):
    return lambda v: fmt.number(v, decimals)


def _rl_plot(chart: Chart, width: float, height: float, label_size: float):
    plot = _rl_line(chart) if chart.kind == "line" else _rl_bars(chart)
    _rl_geometry(plot, chart, width, height, label_size)
    va = plot.valueAxis
    va.labels.fontName, va.labels.fontSize = PDF_FONT, 9
    va.labelTextFormat = _vi_formatter(0 if _span(chart) >= 10 else chart.decimals)
    va.visibleGrid, va.gridStrokeColor, va.gridStrokeWidth = 1, _rl("#dddddd"), 0.5
    va.valueMin, va.valueMax = _value_range(chart)
    va.rangeRound = "both"  # out to the next round tick
    ca = plot.categoryAxis
    ca.categoryNames = [_short(_nfc(c), 26) for c in chart.categories]
    ca.labels.fontName, ca.labels.fontSize = PDF_FONT, label_size
    return plot


def _value_range(chart: Chart) -> tuple[float, float]:
    """From zero (or below it) to the largest value, with room past the ends for the value labels."""
    vals = [v for s in _values(chart) for v in s if v is not None]
    lo, hi = min(vals + [0.0]), max(vals + [0.0])
    pad = (hi - lo) * (0.14 if chart.kind == "bar" else 0.08) or 1.0
    return (lo - pad if lo < 0 else 0.0), (hi + pad if hi > 0 else 0.0)


def _span(chart: Chart) -> float:
    vals = [v for s in _values(chart) for v in s if v is not None]
    return (max(vals) - min(vals + [0.0])) if vals else 0.0


def _rl_bars(chart: Chart):
    from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart

    bc = HorizontalBarChart() if chart.kind == "bar" else VerticalBarChart()
    bc.data = _values(chart)
    bc.bars.strokeColor = None
    bc.groupSpacing, bc.barSpacing = 6, 1
    for i, s in enumerate(chart.series):
        bc.bars[i].fillColor = _rl(s.color)
        for j, pc in enumerate(s.point_colors or []):
            if pc:
                bc.bars[(i, j)].fillColor = _rl(pc)
    if len(chart.categories) * len(chart.series) <= 24:
        _rl_bar_labels(bc, chart)
    if chart.kind == "bar":
        bc.categoryAxis.reverseDirection = 1  # the first category on top, as it is read
    return bc


def _rl_bar_labels(bc, chart: Chart) -> None:
    """Each bar's value at its end, outside the bar."""
    flip = chart.kind == "bar"
    bc.barLabelFormat = _vi_formatter(chart.decimals)
    bc.barLabels.fontName, bc.barLabels.fontSize = PDF_FONT, 9
    bc.barLabels.boxAnchor = "w" if flip else "s"
    bc.barLabels.dx, bc.barLabels.dy = (3, 0) if flip else (0, 2)  # the library flips both for a negative bar


def _rl_line(chart: Chart):
    """Lines with a gap where a value is missing (one drawn row per unbroken run of values)."""
    from reportlab.graphics.charts.linecharts import HorizontalLineChart
    from reportlab.graphics.widgets.markers import makeMarker

    lc = HorizontalLineChart()
    runs = [(s, run) for s, values in zip(chart.series, _values(chart), strict=True) for run in _runs(values)]
    lc.data = [run for _, run in runs]
    lc.joinedLines = 1
    for k, (s, _) in enumerate(runs):
        lc.lines[k].strokeColor, lc.lines[k].strokeWidth = _rl(s.color), 2.5
        lc.lines[k].symbol = makeMarker("FilledCircle", size=5, fillColor=_rl(s.color), strokeColor=_rl(s.color))
    if len(chart.categories) * len(chart.series) <= 24:
        # "values": the library numbers a row's labels by its drawn points, so give it the drawn points' texts
        lc.lineLabelFormat = "values"
        lc.lineLabelArray = [[fmt.number(v, chart.decimals) for v in run if v is not None] for _, run in runs]
        lc.lineLabels.fontName, lc.lineLabels.fontSize, lc.lineLabels.dy = PDF_FONT, 9, 8
    return lc


def _runs(values: list[float | None]) -> list[list[float | None]]:
    """One row per unbroken run of values, None elsewhere, so no line crosses a missing quarter."""
    out: list[list[float | None]] = []
    for j, v in enumerate(values):
        if v is None:
            continue
        if j == 0 or values[j - 1] is None:
            out.append([None] * len(values))
        out[-1][j] = v
    return out or [[None] * len(values)]


def _rl_geometry(plot, chart: Chart, width: float, height: float, label_size: float) -> None:
    """Room for the axis labels: long unit names on the left of horizontal bars, slanted below columns."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    names = [_short(_nfc(c), 26) for c in chart.categories]
    longest = max((stringWidth(c, PDF_FONT, label_size) for c in names), default=20.0)
    label_room = min(longest + 8, width * 0.4)
    plot.categoryAxis.labelAxisMode = "low"  # names beside the axis edge, not on top of negative bars
    if chart.kind == "bar":
        plot.x, plot.y = label_room, 24
        plot.width, plot.height = width - label_room - 36, height - 24 - 18
        plot.categoryAxis.labels.boxAnchor, plot.categoryAxis.labels.dx = "e", -4
        return
    slanted = longest > (width - 56) / max(len(names), 1) * 0.95
    bottom = (label_room * 0.66 + 10) if slanted else 22
    plot.x, plot.y = 44, bottom
    plot.width, plot.height = width - 56, height - bottom - 18
    labels = plot.categoryAxis.labels
    if slanted:
        labels.angle, labels.boxAnchor, labels.dx, labels.dy = 40, "ne", 0, -4
    else:
        labels.boxAnchor, labels.dy = "n", -4


def _rl_legend(chart: Chart, width: float, top: float) -> tuple[object, float]:
    """A legend that wraps onto as many rows as it needs; the group and the height it takes."""
    from reportlab.graphics.shapes import Group, Rect, String
    from reportlab.pdfbase.pdfmetrics import stringWidth

    g, x, y, row_h, size = Group(), 0.0, top - 14, 16.0, 10
    for s in chart.series:
        name = _short(_nfc(s.name), 40)
        item_w = 14 + stringWidth(name, PDF_FONT, size) + 16
        if x > 0 and x + item_w > width:
            x, y = 0.0, y - row_h
        g.add(Rect(x, y, 10, 10, fillColor=_rl(s.color), strokeColor=None))
        g.add(String(x + 14, y + 1, name, fontName=PDF_FONT, fontSize=size, fillColor=_rl(INK)))
        x += item_w
    return g, top - y + 6


# ---------------------------------------------------------------- PNG


def browser_path() -> str | None:
    """The Chromium to draw PNGs with: the browser library's own BROWSER_PATH if it names a program, else PATH."""
    # BROWSER_PATH is the variable the image library itself honours; it is not one of this project's settings.
    named = os.environ.get("BROWSER_PATH", "")
    if named and os.path.isfile(named) and os.access(named, os.X_OK):
        return named
    return shutil.which("chromium") or shutil.which("chromium-browser")


def figure_png(fig: go.Figure, *, width: int = 1600, height: int = 900, scale: float = 1) -> bytes:
    """A PNG of a Plotly figure drawn by the system's Chromium; ExportUnavailable when there is none."""
    path = browser_path()
    if path is None:
        raise ExportUnavailable(NO_BROWSER)
    import kaleido
    from choreographer.errors import BrowserFailedError, ChromeNotFoundError

    opts = {"format": "png", "width": width, "height": height, "scale": scale}
    # An explicit path: the library would otherwise look in its own download folder and in fixed install paths.
    kopts = {"path": path, "mathjax": False}
    try:
        return kaleido.calc_fig_sync(fig, opts=opts, kopts=kopts)
    except (ChromeNotFoundError, BrowserFailedError) as e:
        raise ExportUnavailable(NO_BROWSER) from e


# ---------------------------------------------------------------- tables


def _is_number(x: object) -> bool:
    return isinstance(x, Real) and not isinstance(x, bool) and not math.isnan(float(x))


def safe_cell(x: object) -> object:
    """A cell for a spreadsheet: numbers stay numbers, text that a spreadsheet would run as a formula gets a "'"."""
    if fmt.missing(x):
        return None
    if _is_number(x):
        return int(x) if isinstance(x, int) or float(x).is_integer() and abs(float(x)) < 2**53 else float(x)
    if isinstance(x, bool):
        return "Có" if x else "Không"
    text = _nfc(x)
    return "'" + text if formula_like(text) else text


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could run this text as a formula, also after leading spaces (some trim them)."""
    return text.startswith(FORMULA_START) or text.lstrip().startswith(FORMULA_START)


def table_csv(header: Sequence[object], rows: Sequence[Sequence[object]]) -> bytes:
    """A table as CSV, UTF-8 with a byte-order mark so Excel shows Vietnamese; formula-like text escaped."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    for r in [header, *rows]:
        w.writerow(["" if (v := safe_cell(x)) is None else v for x in r])
    return out.getvalue().encode("utf-8-sig")


def table_xlsx(header: Sequence[object], rows: Sequence[Sequence[object]], *, title: str) -> bytes:
    """A table as .xlsx: the title in the first row, the header in the second, numbers as numbers."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = _sheet_name(title)
    ws.append([safe_cell(title)])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([safe_cell(h) for h in header])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for r in rows:
        ws.append([safe_cell(x) for x in r])
    ws.freeze_panes = "A3"
    for i, col in enumerate(ws.iter_cols(min_row=2), start=1):
        longest = max((len(str(c.value)) for c in col if c.value is not None), default=8)
        ws.column_dimensions[ws.cell(row=2, column=i).column_letter].width = min(max(longest + 2, 10), 60)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_name(title: str) -> str:
    name = "".join("_" if ch in "[]:*?/\\" else ch for ch in _nfc(title)).strip("' ")
    return name[:31] or "Bảng"


def chart_table(chart: Chart) -> tuple[list[str], list[list[object]]]:
    """The figures behind a chart, with the unit in the header of each series: (header, rows)."""
    header, rows = chart.table()
    if chart.unit:
        header = [header[0], *[f"{h} ({chart.unit})" for h in header[1:]]]
    return header, [[r[0], *[None if fmt.missing(v) else v for v in r[1:]]] for r in rows]
