"""Hostile names stay inert: a register whose names carry <script>, <img onerror>, Markdown images and
links, emoji and colour codes and =HYPERLINK formulas shows them as text on every page, in every chart,
and writes them as text into the template and the exported tables."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reform import charts, export, fmt, periods, template

PROJECT = Path(__file__).resolve().parents[2]
HOSTILE = {
    "TU": "Tỉnh ủy <script>alert(1)</script> ![x](http://ngoai.example/a.png)",
    "XP05": '=HYPERLINK("http://ngoai.example","Bấm") <img src=x onerror=alert(1)> [mở](http://ngoai.example)',
    "XP06": '   =HYPERLINK("http://ngoai.example") :red[đỏ] :material/warning: <a href="http://ngoai.example">x</a>',
}
LIVE = ("<script", "<img", "<a href", "](http", "![")  # what would act if it reached a page unescaped
# the same in Markdown that has not escaped it (an escaped "\<" or "\!\[" shows as text)
LIVE_MARKDOWN = re.compile(r"(?<!\\)<(?:script|img|a\s)|(?<!\\)\]\(|(?<!\\)!\[")


def rename(path: Path) -> None:
    with duckdb.connect(str(path)) as con:
        for code, name in HOSTILE.items():
            con.execute("update units set name = $n where code = $c", {"n": name, "c": code})


def test_markdown_shows_hostile_names_as_text() -> None:
    for name in HOSTILE.values():
        shown = fmt.plain(name)
        assert not LIVE_MARKDOWN.search(shown) and any(live in name for live in LIVE)
        assert "\\<" in shown and "\n" not in shown
        assert "http://" not in shown.replace("\\", "")  # no bare link either, once escapes are read


def test_an_email_is_not_a_bare_link() -> None:
    assert "@" in fmt.plain("a@b.vn") and "@vd" not in fmt.plain("a@vd.vn").replace("\\", "")


def test_charts_escape_names_in_labels_titles_and_hovers() -> None:
    df = pd.DataFrame(
        {"unit_code": list(HOSTILE), "name": list(HOSTILE.values()), "value": [1.0, 2.0, 3.0], "previous": [1.0] * 3}
    )
    fig = charts.dumbbell_figure(df, title=HOSTILE["TU"], x_title="", color="#123456", highlight="XP05")
    text = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)
    assert not any(live in text for live in ("<script", "<img", "<a href"))
    assert "&lt;script&gt;" in text and "&lt;img src=x" in text
    heat = df.assign(period=pd.Timestamp("2025-07-01"))
    for fig in (
        charts.heatmap_figure(heat, title="t", unit_label="u"),
        charts.profile_figure(
            heat.assign(peer_median=1.0), title="t", unit_name=HOSTILE["XP06"], y_title="", color="#123456"
        ),
    ):
        text = json.dumps(json.loads(fig.to_json()), ensure_ascii=False)
        assert not any(live in text for live in ("<script", "<img", "<a href")), text[:400]


def test_template_and_tables_hold_hostile_names_as_text(demo_con: duckdb.DuckDBPyConnection) -> None:
    for code, name in HOSTILE.items():
        demo_con.execute("update units set name = $n where code = $c", {"n": name, "c": code})
    data = template.build(demo_con, periods.parse("2026-Q3"), ["TU", "XP05", "XP06"])
    ws = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # not one formula in the template
    assert {HOSTILE["XP05"], HOSTILE["XP06"]} <= {c.value for c in cells}
    rows = list(
        csv.reader(io.StringIO(export.table_csv(["Đơn vị"], [[n] for n in HOSTILE.values()]).decode("utf-8-sig")))
    )
    assert rows[2][0].startswith("'=HYPERLINK") and rows[3][0].startswith("'   =HYPERLINK")
    book = openpyxl.load_workbook(io.BytesIO(export.table_xlsx(["Đơn vị"], [[n] for n in HOSTILE.values()], title="x")))
    values = [c.value for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not [v for v in values if isinstance(v, str) and v.lstrip().startswith("=")]


@pytest.mark.parametrize(
    ("page", "scope"),
    [
        ("pages/overview.py", "TU"),
        ("pages/indicators.py", "TU"),
        ("pages/year_on_year.py", "TU"),
        ("pages/reporting.py", "TU"),
        ("pages/unit_profile.py", "XP05"),
        ("pages/present.py", "TU"),
    ],
)
def test_every_page_shows_hostile_names_inert(monkeypatch: pytest.MonkeyPatch, demo_db: Path, page, scope) -> None:
    rename(demo_db)
    monkeypatch.setenv("REFORM_DB", str(demo_db))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.setenv("REFORM_AUTH", "off")
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120)
    at.query_params["pham_vi"] = scope
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    kinds = ("markdown", "caption", "subheader", "title", "info", "warning", "error", "success")
    shown = [(kind, str(e.value)) for kind in kinds for e in at.get(kind)]
    shown += [(kind, str(e.value)) for kind in kinds for e in at.sidebar.get(kind)]
    # the presentation page writes HTML blocks (Markdown is not parsed inside them) with html.escape
    html_blocks = [s for _, s in shown if s.startswith("<")]
    assert not [s for s in html_blocks if any(live in s for live in ("<script", "<img", "<a href"))]
    assert not [(k, s) for k, s in shown if not s.startswith("<") and LIVE_MARKDOWN.search(s)]
    for chart in at.get("plotly_chart"):
        spec = chart.proto.spec if hasattr(chart, "proto") else ""
        assert not any(live in spec for live in ("<script", "<img", "<a href")), spec[:300]


def test_decks_write_hostile_names_as_text_in_powerpoint_and_pdf(demo_con: duckdb.DuckDBPyConnection) -> None:
    from pptx import Presentation
    from pypdf import PdfReader

    from reform import briefing

    for code, name in HOSTILE.items():
        demo_con.execute("update units set name = $n where code = $c", {"n": name, "c": code})
    deck = briefing.build(demo_con, briefing.default_spec(demo_con, "TU", "2026-Q3", name=HOSTILE["XP05"]))

    pptx_bytes = export.to_pptx(deck)
    assert b"hlinkClick" not in pptx_bytes  # python-pptx zips its parts: read the XML, not the bytes
    prs = Presentation(io.BytesIO(pptx_bytes))
    texts = [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    xml = "".join(part.blob.decode("utf-8", "replace") for part in prs.part.package.iter_parts())
    assert "hlinkClick" not in xml and "hlinkHover" not in xml  # no link anywhere in the deck
    assert any(HOSTILE["XP05"] in t for t in texts)  # the deck's name, exactly as typed, as text
    assert any("<script>alert(1)</script>" in t for t in texts)  # the scope's name in the footer

    reader = PdfReader(io.BytesIO(export.to_pdf(deck)))
    links = [a for p in reader.pages for a in (p.get("/Annots") or []) if a.get_object().get("/Subtype") == "/Link"]
    assert links == []  # ReportLab would turn <a href> in a paragraph into a live link if it were not escaped
    cover = "".join(reader.pages[0].extract_text().split())  # text extraction spaces words its own way
    assert '=HYPERLINK("http://ngoai.example","Bấm")<imgsrc=xonerror=alert(1)>' in cover
