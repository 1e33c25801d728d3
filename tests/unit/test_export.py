import csv
import io
import os
import re
import shutil
import struct
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation
from pptx.enum.chart import XL_CHART_TYPE
from pypdf import PdfReader

from reform import export
from reform.deck import Chart, Deck, Footer, Series, Slide, Table

PROJECT = Path(__file__).resolve().parents[2]
UP, DOWN, GREY = "#2a8a5c", "#c0392b", "#9aa0a6"


def _slides() -> list[Slide]:
    units = ["Đảng ủy xã Phú Thịnh", "Đảng ủy phường Bắc Sơn", "Đảng ủy xã Hòa Bình", "Chi bộ Sở Tư pháp"]
    yoy = Chart(
        "column",
        "Số tổ chức đảng được kiểm tra",
        units,
        [
            Series("Quý III/2024", [40.0, 12.0, 7.0, None], color=GREY),
            Series("Quý III/2025", [45.0, 9.0, None, 3.0], color="#1f5fa8", point_colors=[UP, DOWN, GREY, UP]),
        ],
        unit="tổ chức",
    )
    rate = Chart(
        "bar",
        "Tỷ lệ văn bản đi gửi qua mạng",
        units[:3],
        [Series("Thay đổi so với cùng kỳ", [3.1, -1.5, 0.0], color=GREY, point_colors=[UP, DOWN, GREY])],
        unit="điểm %",
        decimals=1,
    )
    trend = Chart(
        "line",
        "Tỷ lệ văn bản đi gửi qua mạng",
        ["Quý I/2025", "Quý II/2025", "Quý III/2025"],
        [Series("Tỷ lệ", [1234.5, None, 92.4])],
        unit="%",
        decimals=1,
    )
    empty = Chart("column", "Hội họp", [], [], unit="cuộc", empty_message="Chưa có đơn vị nào báo cáo Hội họp.")
    missing = Table(["Đơn vị", "Tỷ lệ (%)"], [["Đảng ủy xã Hòa Bình", 0.0], ["Chi bộ Sở Tư pháp", 12.5]])
    return [
        Slide(
            "group",
            "Kiểm tra, giám sát",
            "Kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ",
            [
                "Quý III/2025, toàn Đảng bộ kiểm tra 45 tổ chức đảng, tăng 12,5% so với cùng kỳ.",
                "Phường Bắc Sơn giảm 3 tổ chức.",
            ],
            chart=yoy,
            notes="Nhấn mạnh xã Phú Thịnh.",
        ),
        Slide(
            "yoy",
            "Ứng dụng CNTT",
            "Tỷ lệ văn bản đi gửi qua mạng tăng 3,1 điểm %",
            ["Tỷ lệ văn bản đi gửi qua mạng đạt 92,4%, tăng 3,1 điểm %."],
            chart=rate,
            table=missing,
        ),
        Slide("trend", "Xu hướng theo quý", "Quý III/2025 đạt 92,4%", ["Quý II/2025 chưa có số liệu."], chart=trend),
        Slide("group", "Hội họp", "Chưa có số liệu Hội họp", ["Còn 3 đơn vị chưa báo cáo."], chart=empty),
        Slide(
            "completeness",
            "Đơn vị chưa báo cáo",
            "Còn 2 đơn vị chưa báo cáo",
            ["Đề nghị báo cáo trước 25/10."],
            table=missing,
        ),
    ]


@pytest.fixture(scope="module")
def deck() -> Deck:
    footer = Footer(
        "Tỉnh ủy Lâm Giang",
        "Quý III/2025",
        34,
        42,
        datetime(2025, 10, 20, 14, 5),
        frozen_at=datetime(2025, 10, 21, 8, 30),
        demo=True,
    )
    return Deck("Giao ban Quý III/2025", "LG", "2025-Q3", _slides(), footer)


def _chart_slides(deck: Deck) -> list[tuple[int, Slide]]:
    return [(i, s) for i, s in enumerate(deck.slides, start=1) if s.chart is not None and not s.chart.is_empty]


def _one_line(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- PowerPoint


@pytest.fixture(scope="module")
def pptx(deck: Deck):
    return Presentation(io.BytesIO(export.to_pptx(deck)))


def _texts(slide) -> str:
    return "\n".join(sh.text_frame.text for sh in slide.shapes if sh.has_text_frame)


def test_powerpoint_has_a_cover_and_one_slide_per_deck_slide_at_16_9(pptx, deck: Deck) -> None:
    assert len(pptx.slides) == len(deck.slides) + 1
    assert round(pptx.slide_width / pptx.slide_height, 2) == round(16 / 9, 2)
    cover = _texts(pptx.slides[0])
    for text in ("Giao ban Quý III/2025", "Tỉnh ủy Lâm Giang", "Số liệu chốt lúc 08:30 21/10/2025", "Dữ liệu minh họa"):
        assert text in cover


def test_every_powerpoint_slide_has_the_footer_and_its_number_as_on_screen(pptx, deck: Deck) -> None:
    total = len(deck.slides)  # the presentation page shows slide n as n/total; the cover has no number
    cover = _texts(pptx.slides[0])
    assert deck.footer.text() in cover and not any(re.fullmatch(r"\d+/\d+", x) for x in cover.split("\n"))
    for n, slide in enumerate(list(pptx.slides)[1:], start=1):
        texts = _texts(slide)
        assert deck.footer.text() in texts and "số liệu chốt lúc 08:30 21/10/2025" in texts
        assert f"{n}/{total}" in texts.split("\n")


@pytest.mark.parametrize("index", range(5))
def test_powerpoint_slide_shows_title_headline_and_commentary(pptx, deck: Deck, index: int) -> None:
    s = deck.slides[index]
    texts = _texts(pptx.slides[index + 1])
    assert s.title in texts and s.headline in texts and s.commentary in texts


@pytest.mark.parametrize(
    ("index", "kind"),
    [(0, XL_CHART_TYPE.COLUMN_CLUSTERED), (1, XL_CHART_TYPE.BAR_CLUSTERED), (2, XL_CHART_TYPE.LINE_MARKERS)],
)
def test_powerpoint_chart_is_native_with_the_decks_figures(pptx, deck: Deck, index: int, kind) -> None:
    chart = deck.slides[index].chart
    shapes = [sh for sh in pptx.slides[index + 1].shapes if sh.has_chart]
    assert len(shapes) == 1
    c = shapes[0].chart
    assert c.chart_type == kind
    plot = c.plots[0]
    assert list(plot.categories) == chart.categories
    assert [s.name for s in plot.series] == [s.name for s in chart.series]
    assert [list(s.values) for s in plot.series] == [s.values for s in chart.series]
    assert c.has_legend == (len(chart.series) > 1)
    assert c.value_axis.axis_title.text_frame.text == chart.unit


def test_powerpoint_number_format_follows_the_charts_decimals(pptx) -> None:
    column, bar = (next(sh.chart for sh in pptx.slides[i].shapes if sh.has_chart) for i in (1, 2))
    assert column.value_axis.tick_labels.number_format == "#,##0"
    assert bar.value_axis.tick_labels.number_format == "#,##0.0"


def test_powerpoint_bars_take_the_series_and_point_colours(pptx) -> None:
    column = next(sh.chart for sh in pptx.slides[1].shapes if sh.has_chart)
    last_year, this_year = column.plots[0].series
    assert str(last_year.format.fill.fore_color.rgb) == GREY.lstrip("#").upper()
    assert str(this_year.points[0].format.fill.fore_color.rgb) == UP.lstrip("#").upper()
    assert str(this_year.points[1].format.fill.fore_color.rgb) == DOWN.lstrip("#").upper()


def test_an_empty_chart_is_said_in_words_not_drawn(pptx, deck: Deck) -> None:
    slide = pptx.slides[4]
    assert not any(sh.has_chart for sh in slide.shapes)
    assert deck.slides[3].chart.empty_message in _texts(slide)


def test_a_slide_table_is_a_native_table_with_vietnamese_numbers(pptx) -> None:
    tables = [sh.table for sh in pptx.slides[5].shapes if sh.has_table]
    assert len(tables) == 1
    cells = [[tables[0].cell(r, c).text for c in range(2)] for r in range(3)]
    assert cells == [["Đơn vị", "Tỷ lệ (%)"], ["Đảng ủy xã Hòa Bình", "0"], ["Chi bộ Sở Tư pháp", "12,5"]]


@pytest.mark.parametrize("index", range(5))
def test_speaker_notes_hold_the_notes_and_the_commentary(pptx, deck: Deck, index: int) -> None:
    s = deck.slides[index]
    notes = pptx.slides[index + 1].notes_slide.notes_text_frame.text
    assert s.commentary in notes and s.notes in notes


# ---------------------------------------------------------------- PDF


@pytest.fixture(scope="module")
def pdf_bytes(deck: Deck) -> bytes:
    return export.to_pdf(deck)


@pytest.fixture(scope="module")
def pdf(pdf_bytes: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf_bytes))


def test_pdf_has_a_cover_and_one_a4_landscape_page_per_slide(pdf, deck: Deck) -> None:
    assert len(pdf.pages) == len(deck.slides) + 1
    box = pdf.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


@pytest.mark.parametrize("index", range(5))
def test_pdf_page_text_has_title_headline_commentary_and_footer_with_diacritics(pdf, deck: Deck, index: int) -> None:
    s = deck.slides[index]
    text = _one_line(pdf.pages[index + 1].extract_text())
    for part in (s.title, s.headline, *s.sentences, f"{index + 1}/{len(deck.slides)}", "Tỉnh ủy Lâm Giang"):
        assert _one_line(part) in text


@pytest.mark.parametrize("words", ["Kiểm tra, giám sát", "điểm %", "Quý III/2025", "Đảng ủy phường Bắc Sơn"])
def test_pdf_keeps_vietnamese_words_whole(pdf, words: str) -> None:
    assert any(words in _one_line(p.extract_text()) for p in pdf.pages)


def test_pdf_chart_labels_are_vietnamese_numbers_and_a_missing_quarter_has_none(pdf) -> None:
    trend_page = _one_line(pdf.pages[3].extract_text())
    assert "1.234,5" in trend_page and "1234.5" not in trend_page
    assert trend_page.count("92,4") == 2  # the headline and the point's label
    assert "–" not in trend_page  # no label drawn for Quý II/2025, which has no value


def test_pdf_negative_bar_keeps_its_sign(pdf) -> None:
    assert "-1,5" in _one_line(pdf.pages[2].extract_text())


def test_pdf_cover_says_frozen_and_demo(pdf) -> None:
    text = _one_line(pdf.pages[0].extract_text())
    assert "Số liệu chốt lúc 08:30 21/10/2025" in text and "Dữ liệu minh họa" in text


def test_pdf_embeds_noto_sans_as_truetype(pdf) -> None:
    fonts = {}
    for page in pdf.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            for d in f.get("/DescendantFonts", [f]):
                d = d.get_object()
                fonts[str(d["/BaseFont"])] = d.get("/FontDescriptor", {}).get_object() if "/FontDescriptor" in d else {}
    noto = {name: desc for name, desc in fonts.items() if "NotoSans" in name}
    assert any("Bold" in n for n in noto) and any("Bold" not in n for n in noto)
    assert all("/FontFile2" in desc for desc in noto.values())


def test_pdf_empty_chart_page_says_why(pdf, deck: Deck) -> None:
    assert deck.slides[3].chart.empty_message in _one_line(pdf.pages[4].extract_text())


# ---------------------------------------------------------------- PNG


def _png_size(data: bytes) -> tuple[int, int]:
    return struct.unpack(">II", data[16:24])


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs Debian's chromium on PATH")
def test_figure_png_is_a_png_of_the_asked_size() -> None:
    import plotly.graph_objects as go

    fig = go.Figure(go.Bar(x=["Quý II/2025", "Quý III/2025"], y=[85.5, 92.4]))
    data = export.figure_png(fig, width=800, height=450, scale=1)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert _png_size(data) == (800, 450)


def test_without_chromium_figure_png_says_so_in_vietnamese_and_offers_powerpoint(tmp_path: Path) -> None:
    python_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k != "BROWSER_PATH"}
    env["PATH"] = str(python_dir)  # no folder holding chromium
    script = (
        "import plotly.graph_objects as go\n"
        "from reform import export\n"
        "try:\n"
        "    export.figure_png(go.Figure(go.Bar(x=['a'], y=[1])))\n"
        "except export.ExportUnavailable as e:\n"
        "    print('UNAVAILABLE', isinstance(e, ValueError), e)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("UNAVAILABLE True ")
    assert "Chromium" in done.stdout and "PowerPoint" in done.stdout and "ảnh PNG" in done.stdout


# ---------------------------------------------------------------- tables

CASES = [
    ("=SUM(A1)", "'=SUM(A1)"),
    ("+1", "'+1"),
    ("-2+3", "'-2+3"),
    ("@cmd", "'@cmd"),
    ("\t=1", "'\t=1"),
    ("\r=1", "'\r=1"),
    ("-", "'-"),
    (-5, -5),
    (-2.5, -2.5),
    (0, 0),
    (1.5, 1.5),
    ("Đảng ủy xã Hòa Bình", "Đảng ủy xã Hòa Bình"),
    ("85,5%", "85,5%"),
]


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_xlsx_escapes_formula_like_text_and_keeps_numbers(given, expected) -> None:
    data = export.table_xlsx(["Đơn vị", "Giá trị"], [["x", given]], title="Kiểm tra, giám sát")
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws["A1"].value == "Kiểm tra, giám sát" and [c.value for c in ws[2]] == ["Đơn vị", "Giá trị"]
    cell = ws["B3"]
    assert cell.value == expected
    assert cell.data_type == ("n" if isinstance(expected, int | float) else "s")


@pytest.mark.parametrize(("given", "expected"), CASES)
def test_csv_escapes_formula_like_text_and_keeps_numbers(given, expected) -> None:
    data = export.table_csv(["Đơn vị", "Giá trị"], [["x", given]])
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Đơn vị", "Giá trị"]
    value = rows[1][1]
    if isinstance(expected, int | float):
        assert re.fullmatch(r"-?\d+(\.\d+)?", value) and float(value) == expected
    else:
        assert value == expected


def test_a_missing_value_is_an_empty_cell() -> None:
    header, rows = export.chart_table(_slides()[2].chart)
    assert header == ["Kỳ", "Tỷ lệ (%)"]
    assert rows[1] == ["Quý II/2025", None]
    ws = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(header, rows, title="Xu hướng"))).active
    assert ws["B4"].value is None and ws["B5"].value == 92.4
    assert export.table_csv(header, rows).decode("utf-8-sig").split("\r\n")[2] == "Quý II/2025,"


def test_a_long_title_with_forbidden_characters_still_names_the_sheet() -> None:
    title = "Tỷ lệ văn bản đi gửi qua mạng [Quý III/2025]: toàn tỉnh"
    wb = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(["a"], [[1]], title=title)))
    assert len(wb.active.title) <= 31 and not set("[]:*?/\\") & set(wb.active.title)
    assert wb.active["A1"].value == title


def test_horizontal_bars_read_top_down_with_the_value_axis_below(pptx) -> None:
    bar = next(sh.chart for sh in pptx.slides[2].shapes if sh.has_chart)
    assert bar.category_axis.reverse_order is True
    assert 'c:crosses val="max"' in bar.value_axis._element.xml


def test_a_long_table_is_cut_on_the_slide_and_says_how_many_rows_are_left() -> None:
    rows = [[f"Đảng ủy xã số {i}", float(i)] for i in range(30)]
    slide = Slide("watch", "Đơn vị cần quan tâm", "30 đơn vị", ["Câu."], table=Table(["Đơn vị", "Số"], rows))
    footer = Footer("Tỉnh ủy Lâm Giang", "Quý III/2025", 30, 30, None)
    prs = Presentation(io.BytesIO(export.to_pptx(Deck("D", "LG", "2025-Q3", [slide], footer))))
    table = next(sh.table for sh in prs.slides[1].shapes if sh.has_table)
    shown = len(table.rows) - 2  # the header and the "... và N dòng nữa" row
    assert 0 < shown <= export.TABLE_ROWS_MAX
    assert table.cell(len(table.rows) - 1, 0).text == f"… và {30 - shown} dòng nữa"
