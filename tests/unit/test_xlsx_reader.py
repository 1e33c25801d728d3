"""ingest.read_xlsx reads values and formulas in one pass (reform/xlsx.py) and gives what the public way gives.

The reference below is read_xlsx as it was: openpyxl's public read-only API, one workbook for the cached
values and, when the package holds formulas, a second one for the formulas. Both must give the same
grid (cells, formulas without a value, percentage formats, sheet name) or refuse the file with the same
code and message, for real workbooks, hand-edited sheets and damaged ones.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform import ingest, xlsx
from reform.ingest import IngestError

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def public_read(data: bytes) -> ingest.Grid:
    """read_xlsx as it was, through openpyxl's public API: a second pass over the sheet for its formulas."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise IngestError("E_NOT_XLSX", "Tệp nén (.zip) này không phải tệp Excel .xlsx.")
        values = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = (
            openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
            if ingest.scan_parts(data)
            else None
        )
    except IngestError:
        raise
    except Exception as exc:
        msg = "Không mở được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx). Hãy mở bằng Excel và lưu lại."
        raise IngestError("E_BAD_XLSX", msg) from exc
    try:
        ws = values.worksheets[0]
        if (ws.max_column or 0) > ingest.MAX_COLUMNS:
            raise IngestError("E_TOO_MANY_COLUMNS", _too_wide(ws.title, ws.max_column))
        grid = ingest.Grid(rows=[], kind="xlsx", sheet=ws.title)
        formula_rows = formulas.worksheets[0].iter_rows() if formulas else itertools.repeat(())
        for r, (row_v, row_f) in enumerate(zip(ws.iter_rows(), formula_rows, strict=False), 1):
            if r > ingest.MAX_ROWS:
                raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {ingest.MAX_ROWS} dòng.")
            if len(row_v) > ingest.MAX_COLUMNS:
                raise IngestError("E_TOO_MANY_COLUMNS", _too_wide(ws.title, len(row_v)))
            grid.rows.append([ingest._cell_value(getattr(cell, "value", None)) for cell in row_v])
            for c, cf in enumerate(row_f, 1):
                if getattr(cf, "data_type", None) == "f" and c <= len(row_v) and row_v[c - 1].value is None:
                    grid.formula_cells.add((r, c))
            for c, cv in enumerate(row_v, 1):
                if isinstance(cv.value, float) and "%" in str(getattr(cv, "number_format", "")):
                    grid.percent_cells.add((r, c))
        return grid
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError("E_BAD_XLSX", "Không đọc được nội dung tệp Excel. Hãy mở bằng Excel và lưu lại.") from exc
    finally:
        values.close()
        if formulas:
            formulas.close()


def _too_wide(title: str, columns: int) -> str:
    return (
        f"Trang tính “{title}” có {columns} cột, quá giới hạn {ingest.MAX_COLUMNS} cột. "
        "Hãy xóa các cột thừa hoặc dùng mẫu Excel của hệ thống."
    )


def outcome(read, data: bytes) -> tuple:
    """What a reader makes of the bytes: the grid's parts, or the refusal's code and message."""
    try:
        g = read(data)
    except IngestError as exc:
        return ("refused", exc.code, exc.message)
    return (g.rows, g.formula_cells, g.percent_cells, g.sheet, g.kind)


def same(data: bytes) -> tuple:
    """Both readers agree on the file; what they made of it."""
    new = outcome(ingest.read_xlsx, data)
    assert new == outcome(public_read, data)
    return new


def book(rows: list[list[object]], *, percent: set[tuple[int, int]] = frozenset(), sheets: int = 1) -> bytes:
    wb = openpyxl.Workbook()
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            cell = wb.active.cell(r, c, value)
            if (r, c) in percent:
                cell.number_format = "0.0%"
    for i in range(1, sheets):
        wb.create_sheet(f"Trang {i + 1}")["A1"] = "=1+1"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# A workbook whose styles hold a percentage (s="1") and a date (s="2"), for hand-edited sheets.
BASE = book([[0.5, datetime(2025, 8, 1)]], percent={(1, 1)})
_MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def with_sheet(sheet_data: str, dimension: str | None = "A1:D4", extra: dict[str, bytes] | None = None) -> bytes:
    """BASE with its first sheet written by hand: the given sheetData and dimension, or none."""
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = f"<worksheet {_MAIN}>{dim}<sheetData>{sheet_data}</sheetData></worksheet>".encode()
    members = {"xl/worksheets/sheet1.xml": sheet, **(extra or {})}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(BASE)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, members.get(item.filename) or zin.read(item))
    return out.getvalue()


SHEETS = {
    "types": (
        '<row r="1"><c r="A1" t="str"><v> abc </v></c><c r="B1" t="b"><v>1</v></c><c r="C1" t="e"><v>#DIV/0!</v>'
        '</c><c r="D1" t="d"><v>2025-08-01T00:00:00</v></c></row><row r="2"><c r="A2" t="inlineStr"><is><r><t>a'
        '</t></r><r><rPr><b/></rPr><t xml:space="preserve"> b </t></r></is></c><c r="B2" s="2"><v>45870</v></c>'
        '<c r="C2"><v>1.5E3</v></c><c r="D2"><v>-0.0</v></c></row>'
    ),
    "percentages": (
        '<row r="1"><c r="A1" s="1"><v>0.855</v></c><c r="B1" s="1"><v>1</v></c><c r="C1" s="0"><v>0.5'
        '</v></c><c r="D1" s="9"><v>7</v></c></row>'
    ),
    "a style that is not there": '<row r="1"><c r="A1" s="9"><v>0.5</v></c></row>',
    "formulas": (
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c><c r="B1"><f>1+1</f><v></v></c><c r="C1"><f>1+1</f></c>'
        '<c r="D1" t="str"><f>"a"</f><v>  </v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A4" si="0">B2*2</f><v>4</v></c><c r="B2"><f t="array" '
        'ref="B2:B3">SUM(C1:C2)</f></c></row><row r="3"><c r="A3"><f t="shared" si="0"/></c></row>'
    ),
    "shared formulas": (
        '<row r="1"><c r="A1"><f t="shared" ref="A1:C1" si="0">D1*2</f><v>4</v></c><c r="B1"><f t="shared" si="0"/>'
        '</c><c r="C1"><f t="shared" si="0"/><v>6</v></c></row>'
    ),
    "a damaged shared formula": (
        '<row r="1"><c r="A1"><f t="shared" ref="A1:A2" si="0">SUM(B1))</f><v>1</v></c></row>'
        '<row r="2"><c r="A2"><f t="shared" si="0"/><v>1</v></c></row>'
    ),
    "rows left out, out of order, twice": (
        '<row r="2"><c r="A2"><v>2</v></c></row><row r="1"><c r="A1"><v>1</v></c>'
        '</row><row r="4"><c r="B4"><v>4</v></c></row><row r="4"><c r="C4"><v>5'
        "</v></c></row>"
    ),
    "no coordinates": '<row><c><v>1</v></c><c t="inlineStr"><is><t>x</t></is></c></row><row><c/><c><v>3</v></c></row>',
    "cells out of order and twice": (
        '<row r="1"><c r="C1"><v>3</v></c><c r="A1"><v>1</v></c><c r="A1"><v>9</v></c></row>'
    ),
    "a row number with a fraction": '<row r="1.5"><c r="A1"><v>1</v></c></row>',
    "a shared string that is not there": '<row r="1"><c r="A1" t="s"><v>0</v></c></row>',
    "a number that is not one": '<row r="1"><c r="A1"><v>1,5</v></c></row>',
    "legacy text": '<row r="1"><c r="A1" t="inlineStr"><is><t>§¶ng bé ph­êng</t></is></c></row>',
}


@pytest.mark.parametrize("dimension", ["A1:D4", "A1:B2", "B2:C3", None, "A1:D9"])
@pytest.mark.parametrize("case", list(SHEETS))
def test_hand_edited_sheets_are_read_alike(case: str, dimension: str | None) -> None:
    same(with_sheet(SHEETS[case], dimension))


def test_the_hand_edited_cases_reach_what_they_are_meant_to() -> None:
    assert same(with_sheet(SHEETS["formulas"]))[1] == {(1, 2), (1, 3), (2, 2), (3, 1)}
    assert same(with_sheet(SHEETS["shared formulas"]))[1] == {(1, 2)}
    assert same(with_sheet(SHEETS["percentages"]))[2] == {(1, 1)}
    assert same(with_sheet(SHEETS["a damaged shared formula"]))[:2] == ("refused", "E_BAD_XLSX")
    assert same(with_sheet(SHEETS["a style that is not there"]))[:2] == ("refused", "E_BAD_XLSX")
    assert same(with_sheet(SHEETS["legacy text"]))[:2] == ("refused", "E_LEGACY_TCVN3")
    rows = same(with_sheet(SHEETS["rows left out, out of order, twice"], None))[0]
    # no dimension: each row as wide as its last cell; a row number given late or again is left out
    assert rows == [[], [2], [], [None, 4]]


def test_a_formula_in_another_sheet_only() -> None:
    data = book([["Mã đơn vị", "kt_tcd"], ["XP01", 5]], sheets=2)
    assert ingest.scan_parts(data) and same(data)[1] == set()


def test_a_prefixed_namespace_hides_formulas_from_both() -> None:
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
        '<x:row r="1"><x:c r="A1"><x:f>1+1</x:f><x:v></x:v></x:c></x:row></x:sheetData></x:worksheet>'
    )
    data = with_sheet("")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        members = {n: z.read(n) for n in z.namelist()}
    members["xl/worksheets/sheet1.xml"] = sheet.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name, body in members.items():
            z.writestr(name, body)
    assert same(out.getvalue())[1] == set()


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.xlsx")))
def test_the_sample_workbooks_are_read_alike(fixture: str) -> None:
    grid = same((FIXTURES / fixture).read_bytes())
    if fixture == "bao_cao_quy3_2025.xlsx":
        assert grid[1] and grid[2]  # the sample has formulas without a value and a percentage


def test_a_province_file_with_a_total_row_of_sums() -> None:
    rows = [["Mã đơn vị", "Tên đơn vị", "kt_tcd", "kt_dv", "gio_hop"]]
    rows += [[f"XP{u:02d}", f"Đảng bộ {u}", u, u * 2, u / 4] for u in range(1, 200)]
    rows += [[None, "Tổng cộng", "=SUM(C2:C200)", "=SUM(D2:D200)", "=SUM(E2:E200)"]]
    grid = same(book(rows, percent={(6, 5)}))
    assert grid[1] == {(201, 3), (201, 4), (201, 5)} and grid[2] == {(6, 5)}


VALUES = [
    None,
    0,
    1,
    -2,
    2.5,
    -0.0,
    0.855,
    10**20,
    "x",
    " Có ",
    "",
    "=1+1",
    "=A1*2",
    True,
    False,
    datetime(2025, 8, 15),
    "Quý III/2025",
]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(
    rows=st.lists(st.lists(st.sampled_from(VALUES), max_size=6), max_size=8),
    percent=st.sets(st.tuples(st.integers(1, 8), st.integers(1, 6)), max_size=6),
)
def test_random_workbooks_are_read_alike(rows: list[list[object]], percent: set[tuple[int, int]]) -> None:
    same(book(rows, percent=percent))


SHEET = zipfile.ZipFile(
    io.BytesIO(with_sheet(SHEETS["formulas"] + re.sub(r'r="(\d)"', r'r="1\1"', SHEETS["types"]), "A1:D12"))
).read("xl/worksheets/sheet1.xml")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(edits=st.lists(st.tuples(st.integers(0, 10**6), st.binary(min_size=0, max_size=3)), min_size=1, max_size=4))
@pytest.mark.filterwarnings("ignore::UserWarning:openpyxl")
def test_damaged_sheets_are_read_or_refused_alike(edits: list[tuple[int, bytes]]) -> None:
    sheet = bytearray(SHEET)
    for pos, chunk in edits:
        pos %= len(sheet)
        sheet[pos : pos + len(chunk)] = chunk
    same(with_sheet("", extra={"xl/worksheets/sheet1.xml": bytes(sheet)}))


def _fast(data: bytes, sheet: int = 0) -> xlsx.FastSheet | None:
    """The fast reading of a workbook's sheet (None when it leaves the sheet to openpyxl's parser)."""
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[sheet]
    return xlsx.fast_sheet(ws, formulas=True, max_rows=ingest.MAX_ROWS, max_cells=ingest.MAX_CELLS)


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*.xlsx")))
def test_the_fast_reading_takes_the_sample_workbooks(fixture: str) -> None:
    assert _fast((FIXTURES / fixture).read_bytes()) is not None


@pytest.mark.parametrize(
    "case",
    [
        "percentages",
        "shared formulas",
        "rows left out, out of order, twice",
        "cells out of order and twice",
        "legacy text",
    ],
)
def test_the_fast_reading_takes_the_usual_hand_edited_sheets(case: str) -> None:
    assert _fast(with_sheet(SHEETS[case])) is not None


@pytest.mark.parametrize(
    "case", ["types", "formulas", "a damaged shared formula", "no coordinates", "a row number with a fraction"]
)
def test_the_fast_reading_leaves_what_it_does_not_know_to_openpyxl(case: str) -> None:
    # rich text, an array formula, a formula openpyxl cannot translate, cells without a reference, r="1.5"
    assert _fast(with_sheet(SHEETS[case])) is None


def test_the_fast_reading_leaves_a_sheet_declaring_too_many_cells_to_the_streaming_reader() -> None:
    rows = '<row r="1"><c r="A1"><v>1</v></c></row><row r="4000"><c r="A4000"><v>1</v></c></row>'
    assert _fast(with_sheet(rows, "A1:ALL4000")) is None  # 4 million cells declared: refused as they stream
    assert outcome(ingest.read_xlsx, with_sheet(rows, "A1:ALL4000"))[:2] == ("refused", "E_TOO_MANY_CELLS")
    assert _fast(with_sheet(rows, None)) is not None and same(with_sheet(rows, None))[0][-1] == [1]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(rows=st.lists(st.lists(st.sampled_from(VALUES), max_size=6), max_size=8))
def test_the_fast_reading_takes_random_workbooks(rows: list[list[object]]) -> None:
    data = book(rows)
    assert _fast(data) is not None
    same(data)
