"""The layouts offices make (tests/fixtures, made by make_fixtures.py): every figure written is the figure stored."""

from __future__ import annotations

import importlib.util
import io
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pytest

from reform import importer, ingest
from tests.reference import percell

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = date(2026, 11, 22)
Q3 = date(2025, 7, 1)


def _maker():
    spec = importlib.util.spec_from_file_location("make_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


MAKER = _maker()


def prepare(con: duckdb.DuckDBPyConnection, data: bytes, name: str, **kw) -> importer.Prepared:
    return importer.prepare(con, data, name, today=TODAY, **kw)


def _stored(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], float]:
    rows = con.execute("select unit_code, indicator_code, value from value where period = ?", [Q3]).fetchall()
    return {(u, i): v for u, i, v in rows}


def _written_office_figures() -> dict[tuple[str, str], float]:
    """The figures the office template holds, as written (Có/Không as 1/0), blank cells left out."""
    out = {}
    for _stt, code, _name, *figures in MAKER.OFFICE_ROWS:
        for ind, value in zip(MAKER.OFFICE_CODES, figures, strict=True):
            if value is not None:
                out[code, ind] = {"Có": 1.0, "Không": 0.0}.get(value, value)
    return out


@pytest.mark.parametrize("name", [MAKER.OFFICE_XLSX, MAKER.OFFICE_XLS])
@pytest.mark.parametrize("reference", [False, True])
def test_office_template_is_stored_with_exactly_its_figures(
    demo_con: duckdb.DuckDBPyConnection, name: str, reference: bool
) -> None:
    data = (FIXTURES / name).read_bytes()
    p = percell.prepare(demo_con, data, name, today=TODAY) if reference else prepare(demo_con, data, name)
    assert p.report.issues == [], [i.message for i in p.report.issues]
    assert p.report.layout == "wide" and p.report.header_rows == (5, 6)
    assert p.report.indicators == MAKER.OFFICE_CODES  # the hidden column's cb_tong is not among them
    assert p.report.hidden_columns == [(9, "Tổng số cán bộ, công chức")]
    skipped = p.report.skipped_rows
    assert skipped[7] == "numbers" and skipped[8] == "section" and skipped[11] == "hidden"
    assert p.report.blank_units == {15: MAKER.UNITS["XP05"]} and skipped[15] == "no_figures"
    assert skipped[16] == "total"
    footer = [r for r, why in skipped.items() if why == "footer"]
    assert footer and min(footer) == 17 and "empty" not in {skipped.get(r) for r in footer}
    assert p.report.data_rows == 4
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert rows == _written_office_figures()
    before = _stored(demo_con)
    importer.commit(demo_con, p, user="test")
    after = _stored(demo_con)
    assert {k: after[k] for k in rows} == rows
    assert after[("XP02", "kt_tcd")] == 11  # not the hidden draft row's 99
    assert {k: v for k, v in after.items() if k not in rows} == {k: v for k, v in before.items() if k not in rows}


def test_xls_reads_the_same_cells_as_the_xlsx() -> None:
    xlsx = ingest.read((FIXTURES / MAKER.OFFICE_XLSX).read_bytes(), "a.xlsx", max_bytes=10**7)
    xls = ingest.read((FIXTURES / MAKER.OFFICE_XLS).read_bytes(), "a.xls", max_bytes=10**7)
    assert xls.kind == "xls" and xls.sheets == ["Biểu 01"]
    assert (xls.hidden_rows, xls.hidden_cols) == (xlsx.hidden_rows, xlsx.hidden_cols) == ({11}, {9})
    width = max(map(len, xlsx.rows))

    def square(rows):
        return [[*r, *[None] * (width - len(r))][:width] for r in rows]

    assert square(xls.rows) == square(xlsx.rows)


def test_the_sheet_holding_the_data_is_read(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / MAKER.SHEETS_XLSX).read_bytes()
    p = prepare(demo_con, data, "nhieu_trang.xlsx")
    assert p.report.issues == []
    assert (p.grid.sheet, p.grid.sheets) == ("Số liệu", ["Hướng dẫn", "Số liệu", "Ghi chú"])
    assert p.report.header_rows == (21, 21)  # under 20 lines of text
    rows = {(r.unit_code, r.indicator_code): r.value for r in p.report.rows.itertuples()}
    assert rows == {
        (code, ind): value
        for code, _name, *figures in MAKER.SHEETS_ROWS
        for ind, value in zip(MAKER.NFD_HEADER_CODES, figures, strict=True)
    }
    assert set(p.report.rows["period"]) == {Q3}


def _book(*sheets: tuple[str, list[list[object]]]) -> bytes:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets:
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_no_sheet_with_data_is_refused_listing_the_sheets(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = _book(("Bìa", [["Báo cáo quý III/2025"]]), ("Trang 2", [["Mã đơn vị", "Tên đơn vị"], ["XP01", "A"]]))
    with pytest.raises(ingest.IngestError) as exc:
        prepare(demo_con, data, "a.xlsx")
    assert exc.value.code == "E_NO_HEADER" and "“Bìa”, “Trang 2”" in exc.value.message


def test_two_sheets_with_data_are_refused_listing_them(demo_con: duckdb.DuckDBPyConnection) -> None:
    table = [["Mã đơn vị", "kt_tcd"], ["XP01", 5]]
    data = _book(("Quý II", table), ("Quý III", table), ("Bìa", [["x"]]))
    before = _stored(demo_con)
    with pytest.raises(ingest.IngestError) as exc:
        prepare(demo_con, data, "a.xlsx")
    assert exc.value.code == "E_MANY_SHEETS" and "“Quý II”, “Quý III”" in exc.value.message
    assert _stored(demo_con) == before


def test_a_header_not_found_says_what_the_nearest_row_holds(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = "Báo cáo quý III/2025\nSTT;Mã đơn vị;Tên đơn vị;Số cuộc họp khác\n1;XP01;A;5\n".encode()
    with pytest.raises(ingest.IngestError) as exc:
        prepare(demo_con, data, "a.csv")
    assert "Dòng 2 có “Mã đơn vị”, “Tên đơn vị” nhưng không có cột chỉ tiêu nào" in exc.value.message
    data = "STT;Đơn vị báo cáo;kt_tcd;kt_dv\n1;XP01;5;6\n".encode()
    with pytest.raises(ingest.IngestError) as exc:
        prepare(demo_con, data, "a.csv")
    assert "Dòng 1 có 2 cột chỉ tiêu nhưng không có cột “Mã đơn vị”" in exc.value.message


def test_a_figure_under_the_signature_block_is_still_read(demo_con: duckdb.DuckDBPyConnection) -> None:
    """The footer only swallows rows without figures: a unit's row after it is checked, not lost."""
    rows = "Quý III/2025\nMã đơn vị;kt_tcd\nXP01;5\nNGƯỜI LẬP BIỂU;\nXP02;7\n"
    p = prepare(demo_con, rows.encode(), "a.csv")
    assert p.report.skipped_rows == {4: "footer"}
    assert sorted(p.report.rows["unit_code"]) == ["XP01", "XP02"]


def test_a_damaged_xls_is_refused_in_vietnamese(demo_con: duckdb.DuckDBPyConnection) -> None:
    data = (FIXTURES / MAKER.OFFICE_XLS).read_bytes()[:3000]
    with pytest.raises(ingest.IngestError) as exc:
        prepare(demo_con, data, "a.xls")
    assert exc.value.code == "E_BAD_XLS" and "Excel 97-2003" in exc.value.message
