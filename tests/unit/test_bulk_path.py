"""A long text file read straight into columns (reform/bulk.py) gives the per-cell reference's report and rows.

Each file below is prepared three times on the same database: cell by cell (tests/reference/percell.py),
read into a Grid and checked as columns (use_bulk=False), and split straight into columns (use_bulk=True);
everything the uploader sees or the writer stores must be equal:
every issue with its code, row, column, cell, severity and Vietnamese message, in the same order;
the rows to store (values and dtypes); data rows, skipped rows, the import summary and the changes
table. Files are rendered in several encodings, delimiters and line breaks.
"""

from __future__ import annotations

import codecs
import csv
import io
import random
import shutil
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform import bulk, db, importer, periods, validate
from reform.ingest import IngestError
from reform.textnorm import to_windows_1258
from tests.reference import percell

TODAY = date(2026, 11, 22)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LONG = ["unit_code", "period", "indicator_code", "value"]
VI_LONG = ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị", "Ghi chú"]


@pytest.fixture(scope="module")
def con(demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One copy of the demo database for the module: preparing never writes (the preview rolls back)."""
    path = tmp_path_factory.mktemp("bulk") / "demo.duckdb"
    shutil.copy(demo_db_master, path)
    connection = db.connect(path)
    yield connection
    connection.close()


def both(
    con: duckdb.DuckDBPyConnection, data: bytes, name: str = "bao_cao.csv", **kw
) -> tuple[importer.Prepared, importer.Prepared]:
    """The file prepared cell by cell, through a Grid and the bulk way; they must agree in everything."""
    cells = percell.prepare(con, data, name, today=TODAY, **kw)
    assert cells.path == "cells"
    same(cells, importer.prepare(con, data, name, today=TODAY, use_bulk=False, **kw))
    fast = importer.prepare(con, data, name, today=TODAY, use_bulk=True, **kw)
    same(cells, fast)
    return cells, fast


def same(cells: importer.Prepared, fast: importer.Prepared) -> None:
    """Everything the uploader sees or the writer stores is equal."""
    assert [i.as_dict() for i in fast.report.issues] == [i.as_dict() for i in cells.report.issues]
    pd.testing.assert_frame_equal(fast.report.rows, cells.report.rows)
    assert (fast.report.layout, fast.report.data_rows, fast.report.skipped_rows) == (
        cells.report.layout,
        cells.report.data_rows,
        cells.report.skipped_rows,
    )
    assert fast.summary() == cells.summary()
    pd.testing.assert_frame_equal(fast.preview.changes, cells.preview.changes)


def render(rows: list[list[str]], *, delimiter: str = ",", newline: str = "\n", encoding: str = "utf-8") -> bytes:
    """Rows written as Excel or a script would: csv quoting, the delimiter, the line break, the encoding."""
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(rows)
    text = buf.getvalue()
    if encoding == "windows-1258":
        return to_windows_1258(text)
    if encoding == "nfd":  # macOS
        return unicodedata.normalize("NFD", text).encode("utf-8")
    return text.encode(encoding)


RENDERINGS = {
    "utf8-comma-lf": {},
    "bom-semicolon-crlf": {"delimiter": ";", "newline": "\r\n", "encoding": "utf-8-sig"},
    "cp1258-semicolon-crlf": {"delimiter": ";", "newline": "\r\n", "encoding": "windows-1258"},
    "utf16-tab-crlf": {"delimiter": "\t", "newline": "\r\n", "encoding": "utf-16"},
    "nfd-comma-cr": {"newline": "\r", "encoding": "nfd"},
}

Q3 = "2025-Q3"
CASES: dict[str, list[list[str]]] = {
    "clean": [
        LONG,
        ["XP01", Q3, "kt_tcd", "15"],
        ["XP01", "Quý III/2025", "kt_dv", "1.234"],
        ["XP02", "Q3/2025", "vb_di_tong", "1,234,567"],
        ["XP02", "quý 3 năm 2025", "vb_di_dientu", "-"],
        ["XP03", "QIII/2025", "co_ttdt", "Có"],
        ["XP03", Q3, "co_phtt", "x"],
        ["XP04", Q3, "co_nq_cchc", "0"],
        ["XP04", Q3, "gio_hop", "12,5"],
        ["TU", Q3, "hop_tong", "20"],
        ["TU", Q3, "hop_truc_tuyen", "20"],
    ],
    "bad period": [
        LONG,
        ["XP01", "3/2025", "kt_tcd", "5"],
        ["XP01", "Quý V/2025", "kt_dv", "6"],
        ["XP02", "QUÝ I/0999", "kt_dv", "6"],
        ["XP03", Q3, "kt_dv", "7"],
    ],
    "units": [
        LONG,
        ["", Q3, "kt_tcd", "5"],
        ["XP99", Q3, "kt_tcd", "5"],
        ["XP1", Q3, "kt_tcd", "5"],
        ["H01X01", Q3, "kt_tcd", "5"],
        ["XP01", "2025-Q2", "kt_tcd", "5"],
        ["xp02", Q3, "kt_tcd", "5"],
        ["  XP03 ", Q3, "kt_tcd", "5"],
    ],
    "names": [
        ["Mã ĐV", "Tên đơn vị", "Kỳ", "Mã chỉ tiêu", "Số liệu"],
        ["XP01", "Đảng bộ xã Hoàn Toàn Khác", Q3, "kt_tcd", "5"],
        ["XP01", "Đảng bộ xã Hoàn Toàn Khác", Q3, "kt_dv", "6"],
        ["XP02", "Tân Thủy", Q3, "kt_tcd", "5"],
        ["XP99", "Đảng bộ phường Long Đông", Q3, "kt_tcd", "5"],
        ["XP04", "", Q3, "kt_tcd", "5"],
    ],
    "future": [
        LONG,
        ["XP01", "2027-Q1", "kt_tcd", "5"],
        ["XP99", "2027-Q1", "kt_xyz", "5"],
        ["XP01", "2026-Q4", "kt_tcd", "5"],
        ["XP01", "2026-Q3", "kt_tcd", "5"],
    ],
    "indicators": [
        LONG,
        ["XP01", Q3, "", "5"],
        ["XP01", Q3, "kt_xyz", "5"],
        ["XP01", Q3, "tl_vb_kyso", "50"],
        ["XP01", Q3, "Số tổ chức đảng được kiểm tra", "5"],
        ["XP01", Q3, "KT_DV", "6"],
        ["XP02", Q3, "Tỷ lệ văn bản đi có chữ ký số", "50"],
        ["XP02", Q3, "zzz", "1"],
    ],
    "values": [
        LONG,
        ["XP01", Q3, "co_ttdt", "có lẽ"],
        ["XP01", Q3, "kt_tcd", "abc"],
        ["XP01", Q3, "kt_dv", "1" + "0" * 400],
        ["XP02", Q3, "kt_tcd", "85,5%"],
        ["XP02", Q3, "kt_dv", "-5"],
        ["XP03", Q3, "kt_tcd", "1,5"],
        ["XP03", Q3, "kt_dv", "200.000.000"],
        ["XP04", Q3, "gio_hop", "1,25"],
        ["XP04", Q3, "co_phtt", "Đã có"],
        ["XP05", Q3, "co_phtt", "Chưa có"],
        ["XP05", Q3, "co_ttdt", "2"],
        ["XP06", Q3, "kt_tcd", "\u00a07\u00a0"],
        ["XP06", Q3, "kt_dv", "1 234"],
        ["XP07", Q3, "kt_tcd", ""],
    ],
    "duplicates": [
        LONG,
        ["XP01", Q3, "kt_tcd", "5"],
        ["XP01", "Quý III/2025", "kt_tcd", "6"],
        ["TU", Q3, "kt_tcd", "5"],
        ["TU", "9 tháng năm 2025", "kt_tcd", "500"],
        ["XP02", Q3, "kt_tcd", "abc"],
        ["XP02", Q3, "kt_tcd", "4"],
        ["XP02", Q3, "kt_tcd", "4"],
    ],
    "pairs": [
        LONG,
        ["XP01", Q3, "vb_kyso", "50"],
        ["XP01", Q3, "vb_di_tong", "10"],
        ["XP01", Q3, "vb_di_dientu", "60"],
        ["XP02", Q3, "tc_giaiquyet", "5"],
        ["XP02", Q3, "tc_nhan", "3"],
        ["XP02", Q3, "tc_dunghan", "9"],
        ["XP03", Q3, "dv_csdl", "20"],
        ["XP03", "2025-Q3", "dv_tong", "20"],
    ],
    "cumulative": [
        LONG,
        ["XP01", "9 tháng năm 2025", "kt_tcd", "5"],
        ["TU", "9 tháng năm 2025", "vb_den_tong", "1"],
        ["TU", "9 tháng năm 2025", "vb_di_tong", "100000"],
        ["TU", "6 tháng năm 2025", "kt_tcd", "500"],
        ["TU", "2025-H1", "dv_tong", "300"],
        ["TU", "Năm 2024", "hop_tong", "400"],
    ],
    "outliers": [
        LONG,
        ["TU", Q3, "vb_den_tong", "4550"],
        ["TU", Q3, "vb_di_tong", "3"],
        ["VP", Q3, "kt_tcd", "0"],
        ["TU", Q3, "co_ttdt", "1"],
    ],
    "layout": [
        ["BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2025"],
        [],
        VI_LONG,
        ["I. KHỐI ĐẢNG", "", "", "", "", ""],
        ["XP01", "Đảng bộ phường An Lợi", "", "kt_tcd", "5", "ghi chú"],
        ["", "", "", "", "", ""],
        ["", "Tổng cộng", "", "kt_tcd", "5", ""],
        ["XP02", "Đảng bộ phường Tân Thủy", "Q3/2025", "kt_dv", "7", 'nói "có", rồi'],
        ["II", "", "", "", "", ""],
        ["XP03", "", "", "kt_dv", "", ""],
        ["XP04", "Toàn tỉnh", "", "kt_dv", "1", ""],
        ["XP05", "", "", "kt_dv", "abc", ""],
    ],
    "ragged and extra columns": [
        LONG + ["Ghi chus", "kt_tdc"],
        ["XP01", Q3, "kt_tcd", "5", "", "1"],
        ["XP01", Q3, "kt_dv"],
        ["XP02", Q3, "kt_dv", "4", "x", "", "", "extra"],
        ["XP03"],
        ["XP04", Q3, "kt_tcd", "3", "ghi chú"],
    ],
    "roman unit codes": [LONG, ["CX", Q3, "kt_tcd", "1"], ["VI", Q3, "kt_tcd", "1"], ["IV.", Q3, "kt_tcd", "1"]],
    "header only": [LONG],
    "no period": [
        ["Mã đơn vị", "Mã chỉ tiêu", "Giá trị"],
        ["XP01", "kt_tcd", "5"],
        ["XP02", "kt_tcd", "abc"],
        ["XP03", "kt_dv", "4"],
    ],
}


@pytest.mark.parametrize("rendering", list(RENDERINGS))
@pytest.mark.parametrize("case", list(CASES))
def test_both_paths_report_the_same_for_every_kind_of_issue(
    con: duckdb.DuckDBPyConnection, case: str, rendering: str
) -> None:
    cells, fast = both(con, render(CASES[case], **RENDERINGS[rendering]))
    assert fast.path == "bulk"
    if case != "clean":
        assert cells.report.issues, "each case but the clean one raises something"


def test_the_cases_raise_every_issue_a_long_file_can_raise(con: duckdb.DuckDBPyConnection) -> None:
    codes = set()
    for rows in CASES.values():
        codes |= {i.code for i in both(con, render(rows))[1].report.issues}
    assert codes >= {
        "E_BAD_PERIOD",
        "E_MISSING_UNIT",
        "E_UNKNOWN_UNIT",
        "E_UNIT_NOT_VALID",
        "W_UNIT_NAME",
        "E_FUTURE_PERIOD",
        "E_MISSING_INDICATOR",
        "E_UNKNOWN_INDICATOR",
        "E_DERIVED",
        "E_FLAG",
        "E_NOT_NUMBER",
        "E_PERCENT",
        "E_NEGATIVE",
        "E_FRACTION",
        "E_RANGE",
        "E_DUPLICATE",
        "E_NUM_GT_DEN",
        "W_CARRY_OVER",
        "E_CUMULATIVE_GAP",
        "E_NEGATIVE_INCREMENT",
        "W_OUTLIER",
        "W_UNKNOWN_COLUMN",
        "E_NO_ROWS",
        "E_NO_PERIOD",
    }


def test_a_clean_cumulative_report_becomes_the_same_quarterly_increments(con: duckdb.DuckDBPyConnection) -> None:
    stored = con.execute(
        "select sum(value) from value where unit_code = 'TU' and indicator_code = 'vb_di_tong' "
        "and period in ('2025-01-01', '2025-04-01')"
    ).fetchone()[0]
    nine_months = [
        LONG,
        ["TU", "9 tháng năm 2025", "vb_di_tong", f"{stored + 52:.0f}"],
        ["TU", "9 tháng năm 2025", "dv_tong", "95"],
    ]
    cells, fast = both(con, render(nine_months))
    assert not cells.report.issues
    assert fast.report.rows["value"].tolist() == [52.0, 95.0]  # a flow's increment; a stock as it is


@pytest.mark.parametrize("where", ["form", "title"])
def test_the_period_from_the_form_or_the_title_is_used_alike(con: duckdb.DuckDBPyConnection, where: str) -> None:
    rows = [["Mã đơn vị", "Mã chỉ tiêu", "Giá trị"], ["XP01", "kt_tcd", "5"], ["XP02", "kt_dv", "x"]]
    if where == "title":
        rows = [["BÁO CÁO QUÝ III NĂM 2025"], *rows]
    kw = {"period": periods.parse("2025-Q3")} if where == "form" else {}
    cells, fast = both(con, render(rows), **kw)
    assert [i.code for i in cells.report.issues] == ["E_NOT_NUMBER"]
    assert len(fast.report.rows) == 1


def test_quoted_fields_are_split_as_the_csv_module_splits_them(con: duckdb.DuckDBPyConnection) -> None:
    text = (
        "unit_code,period,indicator_code,value,note\n"
        'XP01,2025-Q3,kt_tcd,"1,234","a ""quoted"" note, with a comma"\n'
        'XP02,2025-Q3,kt_dv,5,ab"c\n'
        '"XP03" ,2025-Q3,kt_dv,"5"x,\n'
        'XP04,2025-Q3,kt_dv," 6 ",""\n'
    )
    cells, fast = both(con, text.encode())
    assert fast.path == "bulk"
    assert [(i.code, i.cell) for i in cells.report.issues] == [("E_FRACTION", "D2"), ("E_NOT_NUMBER", "D4")]
    assert "“5x”" in cells.report.issues[1].message  # "5"x: csv keeps what follows a closing quote


def test_a_quoted_field_over_two_lines_is_read_cell_by_cell(con: duckdb.DuckDBPyConnection) -> None:
    text = 'unit_code,period,indicator_code,value,note\nXP01,2025-Q3,kt_tcd,5,"two\nlines"\nXP02,2025-Q3,kt_dv,abc,\n'
    cells, fast = both(con, text.encode())
    assert fast.path == "sheet"  # the bulk path declines rather than guess
    assert [i.row for i in cells.report.issues] == [3]  # rows are csv records: the two lines are row 2


def test_an_unclosed_quote_at_the_end_is_read_cell_by_cell(con: duckdb.DuckDBPyConnection) -> None:
    text = 'unit_code,period,indicator_code,value\nXP01,2025-Q3,kt_tcd,5\nXP02,2025-Q3,kt_dv,"7\nXP03,x,y,z\n'
    cells, fast = both(con, text.encode())
    assert fast.path == "sheet"


def test_a_wide_file_is_read_cell_by_cell(con: duckdb.DuckDBPyConnection) -> None:
    cells, fast = both(con, render([["Mã đơn vị", "Kỳ", "kt_tcd", "kt_dv"], ["XP01", Q3, "5", "6"]]))
    assert fast.path == "sheet" and len(cells.report.rows) == 2


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*") if p.suffix in {".csv", ".txt"}))
def test_the_sample_files_give_the_same_report(con: duckdb.DuckDBPyConnection, fixture: str) -> None:
    cells, fast = both(con, (FIXTURES / fixture).read_bytes(), fixture)
    assert fast.path == ("bulk" if cells.report.layout == "long" else "sheet")


def test_an_unreadable_file_is_refused_with_the_same_message(con: duckdb.DuckDBPyConnection) -> None:
    files = {
        "E_NO_HEADER": b"a,b,c\n1,2,3\n",
        "E_TOO_MANY_COLUMNS": ("unit_code,period,indicator_code,value\n" + ",".join(["x"] * 1001) + "\n").encode(),
        "E_CSV": ("unit_code,period,indicator_code,value\nXP01,2025-Q3,kt_tcd," + "9" * 140_000 + "\n").encode(),
        "E_LEGACY_TCVN3": "unit_code,period,indicator_code,value,note\nXP01,2025-Q3,kt_tcd,5,§¶ng bé ph­êng\n".encode(
            "cp1252", errors="replace"
        ),
        "E_EMPTY": codecs.BOM_UTF8 + b"  \n",
    }
    for code, data in files.items():
        raised = []
        for prepare in (percell.prepare, importer.prepare):
            with pytest.raises(IngestError) as exc:
                prepare(con, data, "x.csv", today=TODAY, **({"use_bulk": True} if prepare is importer.prepare else {}))
            raised.append((exc.value.code, exc.value.message))
        assert raised[0] == raised[1] and raised[0][0] == code


def _mixed_file(seed: int, n: int, mistakes: float) -> list[list[str]]:
    """n rows of many units, quarters and indicators, some duplicated; a share of them carries a mistake."""
    rnd = random.Random(seed)
    units = [f"XP{i:02d}" for i in range(1, 33)] + ["TU", "VP", "UBKT"]
    good = [
        "kt_tcd",
        "kt_dv",
        "gs_tcd",
        "hop_tong",
        "hop_truc_tuyen",
        "vb_di_tong",
        "vb_kyso",
        "tc_nhan",
        "tc_giaiquyet",
        "dv_tong",
        "dv_csdl",
        "co_ttdt",
        "co_phtt",
        "gio_hop",
    ]
    quarters = {
        Q3: [Q3, "Quý III/2025", "Q3/2025"],
        "2025-Q4": ["2025-Q4", "Quý IV/2025"],
        "2026-Q1": ["Q1/2026"],
        "2026-Q2": ["quý 2 năm 2026"],
    }
    keys = [(u, q, c) for u in units for q in quarters for c in good]
    rnd.shuffle(keys)
    keys = keys[:n] + rnd.sample(keys[:n], n // 40)  # and a few duplicates
    bad = {
        "unit": ["XP99", "", "H01X01", "xp1"],
        "period": ["3/2025", "2027-Q1", "", "Quý II/2025"],
        "indicator": ["kt_xyz", "", "tl_vb_kyso"],
        "value": ["abc", "-3", "1,5", "85%", "", "có lẽ", "2.000.000"],
    }
    rows = [LONG + ["note"]]
    for unit, quarter, code in keys:
        value = rnd.choice(["Có", "Không", "x", "1", "0"]) if code.startswith("co_") else str(rnd.randint(0, 120))
        row = [unit, rnd.choice(quarters[quarter]), code, value, rnd.choice(["", "", "ghi chú, có dấu phẩy"])]
        if rnd.random() < mistakes:
            field = rnd.choice(list(bad))
            row[["unit", "period", "indicator", "value"].index(field)] = rnd.choice(bad[field])
        rows.append(row)
    return rows


@pytest.mark.parametrize("rendering", ["utf8-comma-lf", "cp1258-semicolon-crlf", "utf16-tab-crlf"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_large_file_with_mistakes_everywhere_gives_the_same_report(
    con: duckdb.DuckDBPyConnection, seed: int, rendering: str
) -> None:
    cells, fast = both(con, render(_mixed_file(seed, 1900, mistakes=0.125), **RENDERINGS[rendering]))
    assert fast.path == "bulk"
    assert len(cells.report.errors) > 100 and len(cells.report.rows) > 1000
    assert {"E_DUPLICATE", "E_NUM_GT_DEN", "W_CARRY_OVER"} <= {i.code for i in cells.report.issues}


def test_a_clean_file_gives_the_same_outlier_warnings(con: duckdb.DuckDBPyConnection) -> None:
    history = con.execute(
        "select unit_code, indicator_code, median(value) from value where period < '2025-07-01' "
        "and unit_code in ('TU', 'VP', 'UBKT', 'BTC') and indicator_code in "
        "('kt_tcd', 'kt_dv', 'gs_tcd', 'vb_den_tong', 'hn_btv') group by all order by all"
    ).fetchall()
    rows = [LONG] + [[u, Q3, c, f"{m * (40 if i % 4 == 0 else 1):.0f}"] for i, (u, c, m) in enumerate(history)]
    rows += [[f"XP{u:02d}", Q3, "kt_tcd", str(u)] for u in range(1, 33)]
    cells, fast = both(con, render(rows))
    assert fast.path == "bulk" and not cells.report.errors
    assert sum(i.code == "W_OUTLIER" for i in cells.report.warnings) >= 3


def test_a_file_over_the_threshold_takes_the_bulk_path_by_itself(con: duckdb.DuckDBPyConnection) -> None:
    rows = [LONG] + [
        [f"XP{u:02d}", Q3, code, str((u * 7 + i) % 50)]
        for u in range(1, 33)
        for i, code in enumerate(["kt_tcd", "kt_dv", "gs_tcd", "gs_dv", "hop_tong"])
    ]
    small = render(rows)
    big = render(rows + [["", "", "", ""]] * ((importer.BULK_MIN_BYTES - len(small)) // 4 + 1))
    assert len(small) < importer.BULK_MIN_BYTES <= len(big)
    assert importer.prepare(con, small, "a.csv", today=TODAY).path == "sheet"
    auto = importer.prepare(con, big, "b.csv", today=TODAY)
    cells = percell.prepare(con, big, "b.csv", today=TODAY)
    assert auto.path == "bulk" and auto.summary() == cells.summary()
    pd.testing.assert_frame_equal(auto.report.rows, cells.report.rows)


def test_both_paths_store_the_same_values_and_history(demo_db_master: Path, tmp_path: Path) -> None:
    data = render(
        [LONG]
        + [
            [f"XP{u:02d}", Q3, code, "Có" if code == "co_ttdt" else str(u + i)]
            for u in range(1, 33)
            for i, code in enumerate(["kt_tcd", "kt_dv", "hop_tong", "co_ttdt"])
        ]
    )
    tables = []
    for use_bulk in (False, True):
        path = tmp_path / f"{use_bulk}.duckdb"
        shutil.copy(demo_db_master, path)
        c = db.connect(path)
        prepared = importer.prepare(c, data, "q3.csv", today=TODAY, use_bulk=use_bulk)
        assert prepared.path == ("bulk" if use_bulk else "sheet") and prepared.can_commit
        result = importer.commit(c, prepared, user="test")
        assert result is not None and result.inserted + result.updated + result.unchanged == 128
        tables.append(
            [
                c.execute("select * from value order by all").fetchall(),
                c.execute("select * exclude (changed_at) from value_history order by all").fetchall(),
            ]
        )
        c.close()
    assert tables[0] == tables[1]


def test_a_unit_without_successors_is_not_said_to_have_successor_nan(con: duckdb.DuckDBPyConnection) -> None:
    cells, _ = both(con, render([LONG, ["XP01", "2025-Q2", "kt_tcd", "5"], ["H01X01", Q3, "kt_tcd", "5"]]))
    first, second = (i.message for i in cells.report.issues)
    assert first.endswith("không hoạt động trong Quý II/2025.") and "nan" not in first
    assert second.endswith("theo đơn vị mới: XP01.")


def test_whitespace_is_what_str_strip_removes() -> None:
    assert "".join(c for c in map(chr, range(sys.maxunicode + 1)) if c.isspace()) == bulk.WHITESPACE


TOKENS = [
    "XP01",
    "xp02",
    "XP99",
    "TU",
    "H01X01",
    "2025-Q3",
    "Quý III/2025",
    "9 tháng năm 2025",
    "3/2025",
    "2027-Q1",
    "kt_tcd",
    "kt_dv",
    "co_ttdt",
    "vb_kyso",
    "vb_di_tong",
    "tl_vb_kyso",
    "kt_xyz",
    "5",
    "1.234",
    "-2",
    "1,5",
    "85%",
    "abc",
    "Có",
    "x",
    "-",
    "Tổng cộng",
    "I.",
    "Ghi chú",
    '"',
    '""',
    " ",
    "\u00a0",
    "_",
    "",
]
SEPARATORS = [",", ",", ",", ";", "\t", "\n", "\n", "\r\n", "\r"]
HEADERS = [
    "unit_code,period,indicator_code,value",
    "Mã đơn vị;Kỳ;Mã chỉ tiêu;Giá trị;Ghi chú",
    "BÁO CÁO QUÝ III NĂM 2025\nMã ĐV\tMã chỉ tiêu\tSố liệu\tTên đơn vị",
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(
    header=st.sampled_from(HEADERS),
    body=st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=120),
    encoding=st.sampled_from(["utf-8", "utf-16", "windows-1258"]),
)
def test_random_long_files_give_the_same_answer_both_ways(
    con: duckdb.DuckDBPyConnection, header: str, body: list[tuple[str, str]], encoding: str
) -> None:
    text = header + "\n" + "".join(t + s for t, s in body)
    data = to_windows_1258(text) if encoding == "windows-1258" else text.encode(encoding)
    answers = []
    for prepare in (percell.prepare, importer.prepare):
        try:
            kw = {"use_bulk": True} if prepare is importer.prepare else {}
            answers.append(prepare(con, data, "f.csv", today=TODAY, **kw))
        except IngestError as exc:
            answers.append((exc.code, exc.message))
    if isinstance(answers[0], tuple) or isinstance(answers[1], tuple):
        assert answers[0] == answers[1]
    else:
        both(con, data, "f.csv")


def _history_in_pandas(con: duckdb.DuckDBPyConnection, before: date) -> pd.DataFrame:
    """Each unit's history of each indicator before `before`, as the outlier check reads it, written here apart
    from the macros: its own values, and for a unit in force then, the quarters before it existed carried from
    the units it replaced that are no longer in force (Σ share × value)."""
    units = con.execute("select code, valid_from, valid_to from units").df()
    at = pd.Timestamp(before)
    live = units[(units["valid_from"] <= at) & (units["valid_to"].isna() | (units["valid_to"] >= at))]
    lineage = con.execute("select old_code, new_code, share from unit_lineage").df()
    lineage = lineage[lineage["new_code"].isin(live["code"]) & ~lineage["old_code"].isin(live["code"])]
    values = con.execute(
        "select unit_code, indicator_code, period, value from value where period < $b", {"b": before}
    ).df()
    src = values.merge(lineage, left_on="unit_code", right_on="old_code")
    src = src.merge(live[["code", "valid_from"]], left_on="new_code", right_on="code")
    src = src[src["period"] < src["valid_from"]]
    carried = (
        src.assign(value=src["value"] * src["share"])
        .groupby(["new_code", "indicator_code", "period"], as_index=False)["value"]
        .sum()
        .rename(columns={"new_code": "unit_code"})
    )
    return pd.concat([values, carried], ignore_index=True)


def _stats_in_pandas(con: duckdb.DuckDBPyConnection, before: date) -> pd.DataFrame:
    """Per unit and indicator of that history: n, median, and mad (the median of the absolute deviations from
    the median)."""
    history = _history_in_pandas(con, before)
    groups = history.groupby(["unit_code", "indicator_code"])["value"]
    spread = (history["value"] - groups.transform("median")).abs()
    return pd.DataFrame(
        {
            "n": groups.size(),
            "median": groups.median(),
            "mad": spread.groupby([history["unit_code"], history["indicator_code"]]).median(),
        }
    ).reset_index()


def test_a_unit_made_in_2025_has_a_history_longer_than_its_own_quarters(con: duckdb.DuckDBPyConnection) -> None:
    own = con.execute("select count(*) from value where unit_code = 'XP01' and period < date '2026-10-01'").fetchone()
    carried = _history_in_pandas(con, date(2026, 10, 1)).query("unit_code == 'XP01'")
    assert len(carried) > own[0] > 0


PIECES = [
    "a",
    "XP01",
    "Đảng",
    " ",
    "\u00a0",
    "\u3000",
    "\x0b",
    "\x1c",
    ",",
    ";",
    "\t",
    "\r",
    "\n",
    "\r\n",
    '"',
    '""',
    "x y",
    "1.234",
    "",
]


@settings(max_examples=400, deadline=None, database=None)
@given(pieces=st.lists(st.sampled_from(PIECES), min_size=1, max_size=40), delimiter=st.sampled_from([",", ";", "\t"]))
def test_split_gives_the_records_and_cells_of_csv_reader_or_declines(pieces: list[str], delimiter: str) -> None:
    text = "".join(pieces)
    expected = [[c.strip() or None for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    sp = bulk.split(text, delimiter)
    if sp is not None:  # None: a quoted field runs over a line break; the per-cell path reads such a file
        assert sp.rows(range(sp.n)) == expected
        assert sp.widths.tolist() == [len(r) for r in expected]
    else:
        assert '"' in text


@pytest.mark.parametrize("before", [date(2025, 4, 1), date(2026, 10, 1)])  # the later: units made in 2025 too
def test_outlier_rows_flag_what_the_rule_in_pandas_flags(con: duckdb.DuckDBPyConnection, before: date) -> None:
    history = con.execute(
        "select unit_code, indicator_code, median(value) as m from value where period < $b group by all order by all",
        {"b": before},
    ).df()
    rnd = random.Random(3)
    factors = [0.0, 0.1, 0.24, 0.5, 1.0, 1.3, 2.4, 2.6, 4.0, 40.0]
    rows = pd.DataFrame(
        {
            "unit_code": history["unit_code"].astype(object),
            "period": before,
            "indicator_code": history["indicator_code"].astype(object),
            "value": [round(m * rnd.choice(factors) + rnd.choice([0, 1, 3, 7])) for m in history["m"]],
        }
    )
    flagged = validate.outliers(con, rows)
    # the rule written in pandas, over the history read apart from the SQL (own and carried quarters)
    stats = _stats_in_pandas(con, before)
    stats = stats[(stats["n"] >= 6) & (stats["mad"] > 0)]
    counts = con.execute("select code from indicator where type in ('flow', 'stock')").df()["code"].tolist()
    m = rows[rows["indicator_code"].isin(counts)].merge(stats, on=["unit_code", "indicator_code"])
    z = 0.6745 * (m["value"] - m["median"]) / m["mad"]
    far = (m["value"] >= 2.5 * m["median"] + 3) | (m["value"] <= m["median"] / 4 - 1)
    stored = con.execute(
        "select unit_code, indicator_code, value as stored from value where period = $b", {"b": before}
    ).df()
    m = m.merge(stored, on=["unit_code", "indicator_code"], how="left")
    same = m["stored"] == m["value"]  # a value already stored as it is: nothing to acknowledge
    expected = m[(z.abs() > 3.5) & far & ~same]
    assert 20 < len(expected) < len(rows) / 2
    key = ["unit_code", "indicator_code", "value", "median"]
    assert sorted(flagged[key].round(9).itertuples(index=False, name=None)) == sorted(
        expected[key].round(9).itertuples(index=False, name=None)
    )
    assert set(flagged["period"]) == {before}
    if before.year == 2026:  # the units made in 2025 are flagged on their carried history too
        assert flagged["carried"].any() and not flagged["carried"].all()


CELLS = ["a", "XP01", "Đảng", " ", "\u00a0", "\u3000", "\x0b", "\x1c", "x y", "1.234", "", ",", ";", "\t"]


@settings(max_examples=300, deadline=None, database=None)
@given(
    width=st.integers(2, 5),
    delimiter=st.sampled_from([",", ";", "\t"]),
    data=st.data(),
    breaks=st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=1, max_size=8),
    final=st.booleans(),
    odd=st.sampled_from([None, "empty line", "wider line", "narrower line", "byte-order mark", "quote"]),
)
def test_a_text_of_even_records_is_split_by_arrow_as_csv_reader_splits_it(
    width: int, delimiter: str, data: st.DataObject, breaks: list[str], final: bool, odd: str | None
) -> None:
    cell = st.sampled_from([c for c in CELLS if c != delimiter])
    lines = [delimiter.join(data.draw(st.lists(cell, min_size=width, max_size=width))) + b for b in breaks]
    if odd in ("empty line", "wider line", "narrower line"):  # before another line: not dropped with the end
        # "\r\n" ends the empty line: after a line ended by "\r", a lone "\n" would make it one "\r\n"
        lines.insert(
            data.draw(st.integers(0, len(lines) - 1)),
            {"empty line": "\r\n", "wider line": delimiter + lines[0], "narrower line": "a\n"}[odd],
        )
    text = "".join(lines) if final else "".join(lines).rstrip("\r\n")
    text = {"byte-order mark": "\ufeff" + text, "quote": '"q"' + text}.get(odd, text)
    expected = [[c.strip() or None for c in r] for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    sp = bulk.split(text, delimiter)
    assert sp.rows(range(sp.n)) == expected
    assert sp.widths.tolist() == [len(r) for r in expected]
    tokens = bulk._split_tokens(text, delimiter)
    assert [c.to_pylist() for c in sp.columns] == [c.to_pylist() for c in tokens.columns]
    assert (bulk._even_fields(text, delimiter) is not None) == (odd is None)  # even records: Arrow's reader
