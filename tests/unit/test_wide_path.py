"""The one reading pipeline (reform/checks.py) gives the per-cell reference's report and rows for wide tables.

Each file below is prepared twice on the same database, once cell by cell (tests/reference/percell.py) and
once by importer.prepare (columns), and everything the uploader sees or the writer stores must be
equal: every issue with its code, row, column, cell, severity and Vietnamese message, in the same order;
the rows to store (values and dtypes); data rows, skipped rows, the import summary and the changes
table. Files are written as .xlsx (typed cells, formulas, percentage formats, dates) and as CSV.
"""

from __future__ import annotations

import csv
import io
import random
import shutil
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reform import db, importer, periods
from reform.ingest import IngestError
from tests.reference import percell

TODAY = date(2026, 11, 22)
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
Q3 = "2025-Q3"
IND = ["kt_tcd", "kt_dv", "gio_hop", "co_ttdt", "vb_di_tong", "vb_kyso", "tc_nhan", "tc_giaiquyet"]
HEAD = ["Mã đơn vị", "Tên đơn vị", "Kỳ báo cáo", *IND]
PCT = object()  # a marker: the next cell holds a float in a percentage format (xlsx only)


@pytest.fixture(scope="module")
def con(demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    """One copy of the demo database for the module: preparing never writes (the preview rolls back)."""
    path = tmp_path_factory.mktemp("wide") / "demo.duckdb"
    shutil.copy(demo_db_master, path)
    connection = db.connect(path)
    yield connection
    connection.close()


def both(con: duckdb.DuckDBPyConnection, data: bytes, name: str, **kw) -> tuple[importer.Prepared, importer.Prepared]:
    """The file prepared cell by cell and column by column; they must agree in everything."""
    cells = percell.prepare(con, data, name, today=TODAY, **kw)
    fast = importer.prepare(con, data, name, today=TODAY, **kw)
    assert cells.path == "cells"
    assert [i.as_dict() for i in fast.report.issues] == [i.as_dict() for i in cells.report.issues]
    pd.testing.assert_frame_equal(fast.report.rows, cells.report.rows)
    assert [str(v) for v in fast.report.rows["value"]] == [str(v) for v in cells.report.rows["value"]]  # -0.0
    assert (fast.report.layout, fast.report.data_rows, fast.report.skipped_rows) == (
        cells.report.layout,
        cells.report.data_rows,
        cells.report.skipped_rows,
    )
    assert fast.summary() == cells.summary()
    pd.testing.assert_frame_equal(fast.preview.changes, cells.preview.changes)
    return cells, fast


def xlsx(rows: list[list[object]]) -> bytes:
    """The rows as typed cells of a workbook; PCT before a value gives that cell a percentage format."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r, row in enumerate(rows, 1):
        c = 0
        pct = False
        for value in row:
            if value is PCT:
                pct = True
                continue
            c += 1
            cell = ws.cell(r, c, value)
            if pct:
                cell.number_format = "0.0%"
                pct = False
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def text(rows: list[list[object]]) -> bytes:
    """The rows as a CSV file (blank for None, the percentage marker dropped)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows(
        [["" if v is None else str(v) for v in row if v is not PCT] for row in rows]
    )
    return buf.getvalue().encode("utf-8")


CASES: dict[str, list[list[object]]] = {
    "clean": [
        HEAD,
        ["XP01", None, Q3, 5, 6, 12.5, "Có", 100, 50, 3, 2],
        ["XP02", "Đảng bộ phường Tân Thủy", "Quý III/2025", "1.234", "7", "12,5", "x", 10, 9, 0, 0],
        ["TU", None, Q3, 0, 0, 0, "Không", 1000, 900, 5, 5],
        ["XP03", None, "Q3/2025", "-", 1, 2, 1, 7, 7, 1, 1],
    ],
    "bad period": [
        HEAD,
        ["XP01", None, "3/2025", 5, 6, 1, "Có", 1, 1, 1, 1],
        ["XP02", None, "Quý V/2025", 5, None, None, None, None, None, None, None],
        ["XP03", None, "QUÝ I/0999", 5, "abc", 1, "Có", 1, 1, 1, 1],
        ["XP04", None, Q3, 5, 6, 1, 0, 1, 1, 1, 1],
        ["XP05", None, "3/2025", None, None, None, None, None, None, None, None],
    ],
    "units": [
        HEAD,
        [None, None, Q3, 5, 6],
        ["XP99", None, Q3, 5, "abc"],
        ["XP1", None, Q3, 5],
        ["H01X01", None, Q3, 5, 7],
        ["XP01", None, "2025-Q2", 5],
        ["xp02", None, Q3, 5],
        ["  XP03 ", None, Q3, 5],
        ["XP98", "Đảng bộ phường Long Đông", Q3, 1, 2],
    ],
    "names": [
        ["Mã ĐV", "Tên đơn vị", "Kỳ", "kt_tcd", "kt_dv"],
        ["XP01", "Đảng bộ xã Hoàn Toàn Khác", Q3, 5, 6],
        ["XP02", "Tân Thủy", Q3, 5, "x"],
        ["XP04", None, Q3, 5, 6],
        ["XP05", 12345, Q3, 1, 1],
    ],
    "future": [
        HEAD,
        ["XP01", None, "2027-Q1", 5, 6],
        ["XP99", None, "2027-Q1", 5],
        ["XP01", None, "2026-Q4", 5, "abc"],
        ["XP01", None, "2026-Q3", 5],
    ],
    "future from the title": [
        ["BÁO CÁO QUÝ I NĂM 2027"],
        ["Mã đơn vị", "kt_tcd", "kt_dv", "co_ttdt"],
        ["XP01", None, 5, "Có"],
        ["XP02", "abc", 6, None],
        ["XP03", None, None, None],
    ],
    "derived": [
        ["Mã đơn vị", "Kỳ", "kt_tcd", "Tỷ lệ văn bản đi có chữ ký số", "vb_kyso"],
        ["XP01", Q3, 5, 50, 1],
        ["XP02", Q3, 5, None, 2],
        ["XP03", "3/2025", 5, 50, 3],
    ],
    "values": [
        HEAD,
        ["XP01", None, Q3, "abc", "1" + "0" * 400, "1,25", "có lẽ", "85,5%", "-5", "1,5", "200.000.000"],
        ["XP02", None, Q3, "\u00a07\u00a0", "1 234", "-", "Đã có", "1.234.567", 2, -3, 4.5],
        ["XP03", None, Q3, 5.0, 1e30, -2.5, 2, 0.5, True, False, -0.0],
        ["XP04", None, Q3, "Chưa có", "x", None, "Chưa có", None, None, "1e3", "0x10"],
        ["XP05", None, Q3, 100001, 1000001, 1000000.5, "Không", 0, 0, 0, 0],
    ],
    "duplicates": [
        HEAD,
        ["XP01", None, Q3, 5, 6, None, None, 10, 5],
        ["XP01", None, "Quý III/2025", 6, None, 1, "Có", 20, 30],
        ["XP02", None, Q3, "abc", 4],
        ["XP02", None, Q3, 4, 4],
        ["XP02", None, "2025-Q2", 4, 4],
        ["XP03", None, Q3, None, None, None, None, None, None, 9, 3],
        ["XP03", None, Q3, 1, None, None, None, None, None, 8, 5],
    ],
    "pairs": [
        HEAD,
        ["XP01", None, Q3, 1, 1, 1, "Có", 10, 50, 5, 9],
        ["XP02", None, Q3, 1, 1, 1, "Có", 60, 60, 3, 9],
        ["XP03", None, Q3, 1, 1, 1, "Có", 10, "abc", 5, 6],
    ],
    "cumulative": [
        HEAD,
        ["XP01", None, "9 tháng năm 2025", 5, 6],
        ["TU", None, "9 tháng năm 2025", 1, 2, 3, "Có", 10, 1],
        ["TU", None, Q3, 500],
    ],
    "outliers": [
        ["Mã đơn vị", "Kỳ", "vb_den_tong", "vb_di_tong", "kt_tcd", "co_ttdt"],
        ["TU", Q3, 4550, 3, 0, 1],
        ["VP", Q3, 1, 2, 0, 0],
        ["TU", "2025-Q2", 4550, 3, 1, 1],
    ],
    "layout": [
        ["BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH QUÝ III NĂM 2025"],
        [],
        [
            "Mã đơn vị",
            "Tên đơn vị",
            "Số tổ chức đảng được kiểm tra",
            "Số đảng viên được kiểm tra",
            "Ghi chus",
            "kt_tdc",
        ],
        ["I. KHỐI ĐẢNG", None, None, None, None, None],
        ["XP01", "Đảng bộ phường An Lợi", 5, 6, "ghi", 3],
        [None, None, None, None, None, None],
        [None, "Tổng cộng", 5, 6, None, None],
        ["XP02", "Đảng bộ phường Tân Thủy", 7, None, None, None],
        ["II", None, None, None, None, None],
        ["XP03", None, None, None, None, None],
        ["XP04", "Toàn tỉnh", 1, 2, None, None],
        ["XP05", None, "abc", 1],
    ],
    "code row": [
        ["Mã đơn vị", "Tên đơn vị", "Số tổ chức đảng được kiểm tra", "Tổng số văn bản đi"],
        ["Mã đơn vị", "Tên đơn vị", "kt_tcd", "vb_di_tong"],
        ["XP01", None, 5, 6],
    ],
    "roman unit codes": [["Mã đơn vị", "Kỳ", "kt_tcd"], ["CX", Q3, 1], ["VI", Q3, 1], ["IV.", Q3, 1]],
    "no period": [["Mã đơn vị", "kt_tcd", "kt_dv"], ["XP01", 5, 6], ["XP02", "abc", None], ["XP03", None, None]],
    "header only": [HEAD],
    "no indicator in the code row": [
        ["Mã đơn vị", "Tên đơn vị", "kt_tcd"],
        ["Mã đơn vị", "Tên đơn vị", None],
        ["XP01", None, 5],
    ],
    "two columns of one indicator": [
        ["Mã đơn vị", "Kỳ", "kt_tcd", "Số tổ chức đảng được kiểm tra"],
        ["XP01", Q3, 5, 6],
    ],
}


@pytest.mark.parametrize("render", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(CASES))
def test_both_paths_report_the_same_for_every_kind_of_issue(
    con: duckdb.DuckDBPyConnection, case: str, render: str
) -> None:
    data = xlsx(CASES[case]) if render == "xlsx" else text(CASES[case])
    cells, fast = both(con, data, f"bao_cao.{render}")
    assert fast.path == "sheet"
    if case not in {"clean", "code row"}:
        assert cells.report.issues, "each case but the clean ones raises something"


def test_the_cases_raise_every_issue_a_wide_file_can_raise(con: duckdb.DuckDBPyConnection) -> None:
    codes = set()
    for rows in CASES.values():
        codes |= {i.code for i in both(con, xlsx(rows), "a.xlsx")[1].report.issues}
    assert codes >= {
        "E_BAD_PERIOD",
        "E_MISSING_UNIT",
        "E_UNKNOWN_UNIT",
        "E_UNIT_NOT_VALID",
        "W_UNIT_NAME",
        "E_FUTURE_PERIOD",
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
        "W_OUTLIER",
        "W_UNKNOWN_COLUMN",
        "E_NO_ROWS",
        "E_NO_PERIOD",
        "E_CUMULATIVE_GAP",
    }


def test_excel_formulas_percentages_dates_and_booleans(con: duckdb.DuckDBPyConnection) -> None:
    rows = [
        ["Mã đơn vị", "Kỳ báo cáo", "kt_tcd", "kt_dv", "co_ttdt", "gio_hop", "vb_di_tong"],
        ["XP01", Q3, "=1+1", 4, "=IF(1,1,0)", PCT, 0.5, PCT, 0.25],
        ["XP02", datetime(2025, 8, 15), True, False, True, 1.5, "=SUM(C2:C3)"],
        ["XP03", 45870, 3, PCT, 1.0, PCT, 1.0, 2, 1],
        ["XP04", datetime(1900, 1, 5), 1, 2, 0, 1, 1],
        ["XP05", Q3, "=NA()", None, None, None, None],
    ]
    data = xlsx(rows)
    cells, fast = both(con, data, "f.xlsx")
    assert fast.path == "sheet" and cells.grid.formula_cells and cells.grid.percent_cells
    assert {"E_FORMULA", "E_PERCENT", "E_BAD_PERIOD"} <= {i.code for i in cells.report.issues}
    kw = {"period": periods.parse(Q3)}
    both(con, data, "f.xlsx", **kw)


@pytest.mark.parametrize("where", ["form", "title"])
def test_the_period_from_the_form_or_the_title_is_used_alike(con: duckdb.DuckDBPyConnection, where: str) -> None:
    rows = [["Mã đơn vị", "kt_tcd", "co_ttdt"], ["XP01", 5, "Có"], ["XP02", "x", "x"]]
    if where == "title":
        rows = [["BÁO CÁO QUÝ III NĂM 2025"], *rows]
    kw = {"period": periods.parse(Q3)} if where == "form" else {}
    cells, fast = both(con, xlsx(rows), "p.xlsx", **kw)
    assert [i.code for i in cells.report.issues] == ["E_NOT_NUMBER"]
    assert fast.path == "sheet" and len(fast.report.rows) == 3


@pytest.mark.parametrize("fixture", sorted(p.name for p in FIXTURES.glob("*") if p.suffix in {".csv", ".txt", ".xlsx"}))
def test_the_sample_files_give_the_same_report(con: duckdb.DuckDBPyConnection, fixture: str) -> None:
    cells, fast = both(con, (FIXTURES / fixture).read_bytes(), fixture)
    assert fast.path == "sheet"


def test_an_unreadable_file_is_refused_with_the_same_message(con: duckdb.DuckDBPyConnection) -> None:
    for data in (b"a,b,c\n1,2,3\n", xlsx([["a", "b"], [1, 2]])):
        raised = []
        for prepare in (percell.prepare, importer.prepare):
            with pytest.raises(IngestError) as exc:
                prepare(con, data, "x.xlsx" if data[:2] == b"PK" else "x.csv", today=TODAY)
            raised.append((exc.value.code, exc.value.message))
        assert raised[0] == raised[1] and raised[0][0] == "E_NO_HEADER"


def _province(con: duckdb.DuckDBPyConnection, seed: int, mistakes: float) -> list[list[object]]:
    """Every demo unit in several quarters (some twice) x many indicators; a share of cells carries a mistake."""
    rnd = random.Random(seed)
    units = con.execute("select code from units order by code").df()["code"].tolist() + ["XP99"]
    codes = con.execute("select code from indicator where type <> 'rate' order by sort_order").df()["code"].tolist()
    flags = set(con.execute("select code from indicator where type = 'flag'").df()["code"])
    quarters = [Q3, "Quý III/2025", "2025-Q2", "2026-Q1", "2025-Q4"]
    bad = ["abc", -3, "1,5", "85%", "có lẽ", 2.5, "2.000.000", 10**7, "-", None]
    keys = [(u, q) for u in units for q in quarters[2:]] + [(u, Q3) for u in units]
    keys += rnd.sample(keys, len(keys) // 30) + [(u, "Quý III/2025") for u in rnd.sample(units, 3)]
    rnd.shuffle(keys)
    rows = [["Mã đơn vị", "Kỳ báo cáo", *codes]]
    for unit, quarter in keys:
        row = [unit, quarter]
        for code in codes:
            value = rnd.choice(["Có", "Không", 1, 0]) if code in flags else rnd.choice([rnd.randint(0, 120), None])
            row.append(rnd.choice(bad) if rnd.random() < mistakes else value)
        rows.append(row)
    return rows


@pytest.mark.parametrize("render", ["xlsx", "csv"])
@pytest.mark.parametrize("seed", [1, 2])
def test_a_province_file_with_mistakes_everywhere_gives_the_same_report(
    con: duckdb.DuckDBPyConnection, seed: int, render: str
) -> None:
    rows = _province(con, seed, mistakes=0.02)
    cells, fast = both(con, xlsx(rows) if render == "xlsx" else text(rows), f"p.{render}")
    assert fast.path == "sheet"
    assert len(cells.report.errors) > 100 and len(cells.report.rows) > 2000
    assert {"E_DUPLICATE", "E_NUM_GT_DEN", "W_CARRY_OVER", "E_UNKNOWN_UNIT"} <= {i.code for i in cells.report.issues}


def test_a_clean_file_gives_the_same_outlier_warnings(con: duckdb.DuckDBPyConnection) -> None:
    codes = ["kt_tcd", "kt_dv", "gs_tcd", "vb_den_tong", "hn_btv"]
    history = con.execute(
        "select unit_code, indicator_code, median(value) from value where period < '2025-07-01' "
        "and unit_code in ('TU', 'VP', 'UBKT', 'BTC') and list_contains($codes, indicator_code) "
        "group by all order by all",
        {"codes": codes},
    ).fetchall()
    medians = {(u, c): m for u, c, m in history}
    rows = [["Mã đơn vị", "Kỳ", *codes]]
    for i, unit in enumerate(sorted({u for u, _, _ in history})):
        rows.append(
            [
                unit,
                Q3,
                *(
                    round(medians[unit, c] * (40 if (i + j) % 3 == 0 else 1)) if (unit, c) in medians else None
                    for j, c in enumerate(codes)
                ),
            ]
        )
    cells, fast = both(con, xlsx(rows), "p.xlsx")
    assert fast.path == "sheet" and not cells.report.errors
    assert sum(i.code == "W_OUTLIER" for i in cells.report.warnings) >= 3


def test_both_paths_store_the_same_values_and_history(demo_db_master: Path, tmp_path: Path) -> None:
    rows = [["Mã đơn vị", "Kỳ", "kt_tcd", "kt_dv", "hop_tong", "co_ttdt"]]
    rows += [[f"XP{u:02d}", Q3, u, u + 1, u + 2, "Có" if u % 2 else "Không"] for u in range(1, 33)]
    tables = []
    for n, prepare in enumerate((percell.prepare, importer.prepare)):
        path = tmp_path / f"{n}.duckdb"
        shutil.copy(demo_db_master, path)
        c = db.connect(path)
        prepared = prepare(c, xlsx(rows), "q3.xlsx", today=TODAY)
        assert prepared.path == ("sheet" if n else "cells") and prepared.can_commit
        result = importer.commit(c, prepared, user="test")
        assert result is not None and result.inserted + result.updated + result.unchanged == 128
        tables.append(
            [
                c.execute("select * exclude (upload_id) from value order by all").fetchall(),
                c.execute("select * exclude (changed_at) from value_history order by all").fetchall(),
            ]
        )
        c.close()
    assert tables[0] == tables[1]


HEADS = [
    ["Mã đơn vị", "Kỳ", "kt_tcd", "co_ttdt", "vb_di_tong", "vb_kyso"],
    ["Mã ĐV", "Tên đơn vị", "gio_hop", "tc_nhan", "tc_giaiquyet", "tl_vb_kyso", "Ghi chú"],
]
UNITS = ["XP01", "xp02", "XP99", "TU", "H01X01", None, "I.", "Tổng cộng", "XP03"]
CELLS = [
    "2025-Q3",
    "Quý III/2025",
    "2025-Q2",
    "9 tháng năm 2025",
    "3/2025",
    "2027-Q1",
    None,
    None,
    5,
    0,
    1,
    -2,
    2.5,
    -0.0,
    True,
    "1.234",
    "1,5",
    "85%",
    "abc",
    "Có",
    "x",
    "-",
    "Đảng bộ phường An Lợi",
    "Toàn tỉnh",
    10**6,
    45870,
]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow], database=None)
@given(
    head=st.sampled_from(HEADS),
    render=st.sampled_from(["xlsx", "csv"]),
    body=st.lists(st.tuples(st.sampled_from(UNITS), st.lists(st.sampled_from(CELLS), max_size=7)), max_size=25),
)
def test_random_wide_files_give_the_same_answer_both_ways(
    con: duckdb.DuckDBPyConnection, head: list[str], render: str, body: list
) -> None:
    rows = [head, *([unit, *cells] for unit, cells in body)]
    data = xlsx(rows) if render == "xlsx" else text(rows)
    answers = []
    for prepare in (percell.prepare, importer.prepare):
        try:
            answers.append(prepare(con, data, f"f.{render}", today=TODAY))
        except IngestError as exc:
            answers.append((exc.code, exc.message))
    if isinstance(answers[0], tuple) or isinstance(answers[1], tuple):
        assert answers[0] == answers[1]
    else:
        both(con, data, f"f.{render}")
