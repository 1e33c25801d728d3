"""Every check of an upload: one issue per problem, at its row and column, in Vietnamese, all at once."""

from __future__ import annotations

import io
from datetime import date, datetime

import duckdb
import openpyxl
import pandas as pd
import pytest

from reform import fmt, importer, periods, store
from reform.validate import Report
from tests.unit.test_cache_version import renamed_register

TODAY = date(2026, 11, 22)
Q1, Q2, Q3 = date(2025, 1, 1), date(2025, 4, 1), date(2025, 7, 1)
LONG = "unit_code,period,indicator_code,value\n"


def check(con: duckdb.DuckDBPyConnection, text: str | bytes, name: str = "t.csv", **kw) -> importer.Prepared:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return importer.prepare(con, data, name, today=TODAY, **kw)


def stored(con: duckdb.DuckDBPyConnection, unit: str, period: date, code: str) -> float | None:
    row = con.execute(
        "select value from value where unit_code = ? and period = ? and indicator_code = ?", [unit, period, code]
    ).fetchone()
    return None if row is None else row[0]


CASES = [
    # (code, file text, row, column, cell)
    ("E_NO_PERIOD", "Mã đơn vị,kt_tcd\nXP01,5\n", None, None, None),
    ("E_BAD_PERIOD", LONG + "XP01,3/2025,kt_tcd,5\n", 2, "period", "B2"),
    ("E_BAD_PERIOD", "Mã đơn vị;Kỳ báo cáo;kt_tcd;kt_dv\nXP01;Quý V/2025;5;6\n", 2, "Kỳ báo cáo", "B2"),
    ("E_MISSING_UNIT", LONG + ",2025-Q3,kt_tcd,5\n", 2, "unit_code", "A2"),
    ("E_UNKNOWN_UNIT", LONG + "XP99,2025-Q3,kt_tcd,5\n", 2, "unit_code", "A2"),
    ("E_UNIT_NOT_VALID", LONG + "H01X01,2025-Q3,kt_tcd,5\n", 2, "unit_code", "A2"),
    ("E_UNIT_NOT_VALID", LONG + "XP01,2025-Q2,kt_tcd,5\n", 2, "unit_code", "A2"),  # before it existed
    ("E_FUTURE_PERIOD", LONG + "XP01,2027-Q1,kt_tcd,5\n", 2, "period", "B2"),
    ("E_MISSING_INDICATOR", LONG + "XP01,2025-Q3,,5\n", 2, "indicator_code", "C2"),
    ("E_UNKNOWN_INDICATOR", LONG + "XP01,2025-Q3,kt_xyz,5\n", 2, "indicator_code", "C2"),
    ("E_DERIVED", LONG + "XP01,2025-Q3,tl_vb_kyso,50\n", 2, "indicator_code", "C2"),
    (
        "E_DERIVED",
        "Mã đơn vị,Kỳ,Tỷ lệ văn bản đi có chữ ký số\nXP01,2025-Q3,50\n",
        2,
        "Tỷ lệ văn bản đi có chữ ký số",
        "C2",
    ),
    ("E_FLAG", LONG + "XP01,2025-Q3,co_ttdt,có lẽ\n", 2, "value", "D2"),
    ("E_NOT_NUMBER", LONG + "XP01,2025-Q3,kt_tcd,abc\n", 2, "value", "D2"),
    ("E_NOT_NUMBER", LONG + "XP01,2025-Q3,kt_tcd,1" + "0" * 400 + "\n", 2, "value", "D2"),
    ("E_PERCENT", LONG + 'XP01,2025-Q3,kt_tcd,"85,5%"\n', 2, "value", "D2"),
    ("E_NEGATIVE", LONG + "XP01,2025-Q3,kt_tcd,-5\n", 2, "value", "D2"),
    ("E_FRACTION", LONG + 'XP01,2025-Q3,kt_tcd,"1,5"\n', 2, "value", "D2"),
    ("E_RANGE", LONG + "XP01,2025-Q3,kt_tcd,200.000\n", 2, "value", "D2"),
    ("E_DUPLICATE", LONG + "XP01,2025-Q3,kt_tcd,5\nXP01,Quý III/2025,kt_tcd,6\n", 3, "value", "D3"),
    ("E_DUPLICATE", "Mã đơn vị;Kỳ;kt_tcd\nXP01;2025-Q3;5\nXP01;2025-Q3;5\n", 3, "kt_tcd", "C3"),
    ("E_DUPLICATE", LONG + "TU,2025-Q3,kt_tcd,5\nTU,9 tháng năm 2025,kt_tcd,500\n", 3, "value", "D3"),  # both Q3
    ("E_NUM_GT_DEN", LONG + "XP01,2025-Q3,vb_kyso,50\nXP01,2025-Q3,vb_di_tong,10\n", 2, "value", "D2"),
    ("E_CUMULATIVE_GAP", LONG + "XP01,9 tháng năm 2025,kt_tcd,5\n", 2, "value", "D2"),  # XP01 began in Q3
    ("E_NEGATIVE_INCREMENT", LONG + "TU,9 tháng năm 2025,vb_den_tong,1\n", 2, "value", "D2"),
    ("E_NO_ROWS", LONG, None, None, None),
    ("E_NO_ROWS", "BÁO CÁO QUÝ III NĂM 2025\nMã đơn vị;kt_tcd\nI. KHỐI ĐẢNG;\n;Tổng cộng;0\n", None, None, None),
    ("W_UNIT_NAME", "Mã ĐV,Tên đơn vị,Kỳ,kt_tcd\nXP01,Đảng bộ xã Hoàn Toàn Khác,2025-Q3,5\n", 2, "Mã ĐV", "A2"),
    ("W_CARRY_OVER", LONG + "XP01,2025-Q3,tc_giaiquyet,5\nXP01,2025-Q3,tc_nhan,3\n", 2, "value", "D2"),
    ("W_OUTLIER", LONG + "TU,2025-Q3,vb_den_tong,4550\n", 2, "value", "D2"),  # about 50 x its median
]


@pytest.mark.parametrize(
    ("code", "text", "row", "column", "cell"), CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)]
)
def test_each_problem_gives_one_issue_at_its_cell(
    demo_con: duckdb.DuckDBPyConnection, code: str, text: str, row: int | None, column: str | None, cell: str | None
) -> None:
    report = check(demo_con, text).report
    assert [(i.code, i.row, i.column, i.cell) for i in report.issues] == [(code, row, column, cell)]
    (issue,) = report.issues
    assert issue.severity == ("warning" if code.startswith("W_") else "error")
    assert len(issue.message) > 20 and any(ord(c) > 127 for c in issue.message)  # a Vietnamese sentence
    if row is not None:
        assert issue.message.startswith(f"Dòng {row}, cột {column} (ô {cell}): ")


def test_formula_without_a_cached_value(demo_con: duckdb.DuckDBPyConnection) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Mã đơn vị", "Kỳ báo cáo", "kt_tcd", "kt_dv"])
    wb.active.append(["XP01", "2025-Q3", "=1+1", 4])
    buf = io.BytesIO()
    wb.save(buf)
    report = check(demo_con, buf.getvalue(), "f.xlsx").report
    assert [(i.code, i.row, i.column, i.cell) for i in report.issues] == [("E_FORMULA", 2, "kt_tcd", "C2")]
    assert "Paste Values" in report.issues[0].message
    assert list(report.rows["indicator_code"]) == ["kt_dv"]


def test_every_issue_is_collected_at_once(demo_con: duckdb.DuckDBPyConnection) -> None:
    text = LONG + (
        "XP99,2025-Q3,kt_tcd,5\n"
        "XP01,3/2025,kt_tcd,5\n"
        "XP02,2025-Q3,kt_tdc,5\n"
        "XP03,2025-Q3,kt_dv,abc\n"
        "XP04,2025-Q3,co_ttdt,có lẽ\n"
        "XP05,2025-Q3,kt_tcd,7\n"
    )
    p = check(demo_con, text)
    assert [(i.row, i.code) for i in p.report.issues] == [
        (2, "E_UNKNOWN_UNIT"),
        (3, "E_BAD_PERIOD"),
        (4, "E_UNKNOWN_INDICATOR"),
        (5, "E_NOT_NUMBER"),
        (6, "E_FLAG"),
    ]
    assert all(i.message.startswith(f"Dòng {i.row},") for i in p.report.issues)
    assert list(p.report.rows.itertuples(index=False, name=None)) == [("XP05", Q3, "kt_tcd", 7.0)]
    assert not p.can_commit
    before = stored(demo_con, "XP05", Q3, "kt_tcd")
    with pytest.raises(importer.ImportRefused, match="5 lỗi"):
        importer.commit(demo_con, p, user="test")
    assert stored(demo_con, "XP05", Q3, "kt_tcd") == before != 7.0


def test_wide_row_reports_its_unit_once(demo_con: duckdb.DuckDBPyConnection) -> None:
    p = check(demo_con, "Mã đơn vị;Kỳ;kt_tcd;kt_dv;hop_tong\nXP77;2025-Q3;1;2;3\nXP01;3/2025;1;2;3\n")
    assert [(i.code, i.row, i.cell) for i in p.report.issues] == [
        ("E_UNKNOWN_UNIT", 2, "A2"),
        ("E_BAD_PERIOD", 3, "B3"),
    ]


@pytest.mark.parametrize(
    ("typed", "meant"), [("kt_tdc", "kt_tcd"), ("kt_tc", "kt_tcd"), ("vb_kysso", "vb_kyso"), ("KT_TDC", "kt_tcd")]
)
def test_closest_indicator_code_is_suggested(demo_con: duckdb.DuckDBPyConnection, typed: str, meant: str) -> None:
    (issue,) = check(demo_con, LONG + f"XP01,2025-Q3,{typed},5\n").report.issues
    assert issue.code == "E_UNKNOWN_INDICATOR"
    assert f"“{typed}”" in issue.message and f"Có phải “{meant}”" in issue.message


@pytest.mark.parametrize(("typed", "meant"), [("XP1", "XP01"), ("xp5", "XP05"), ("XP001", "XP01"), ("H1X3", "H01X03")])
def test_closest_unit_code_is_suggested(demo_con: duckdb.DuckDBPyConnection, typed: str, meant: str) -> None:
    (issue,) = check(demo_con, LONG + f"{typed},2025-Q3,kt_tcd,5\n").report.issues
    assert issue.code == "E_UNKNOWN_UNIT"
    assert f"Có phải “{meant}”?" in issue.message


def test_unit_suggested_by_its_name(demo_con: duckdb.DuckDBPyConnection) -> None:
    text = "Mã đơn vị,Tên đơn vị,Kỳ,kt_tcd\nBTGV,Ban Tuyên giáo và Dân vận Tỉnh ủy,2025-Q3,5\n"
    (issue,) = check(demo_con, text).report.issues
    assert issue.code == "E_UNKNOWN_UNIT" and "Có phải mã “BTGDV” (Ban Tuyên giáo và Dân vận Tỉnh ủy)?" in issue.message


@pytest.mark.parametrize(("unit", "successors"), [("H01X01", "XP01"), ("H01X03", "XP01, XP02"), ("BTG", "BTGDV")])
def test_dissolved_unit_names_its_successors(demo_con: duckdb.DuckDBPyConnection, unit: str, successors: str) -> None:
    (issue,) = check(demo_con, LONG + f"{unit},2025-Q3,kt_tcd,5\n").report.issues
    assert issue.code == "E_UNIT_NOT_VALID"
    assert f"đơn vị {unit} không hoạt động trong Quý III/2025" in issue.message
    assert issue.message.endswith(f"từ 01/07/2025 báo cáo theo đơn vị mới: {successors}.")
    assert check(demo_con, LONG + f"{unit},2025-Q2,kt_tcd,5\n").report.issues == []  # still in force then


def test_month_and_year_is_not_a_period(demo_con: duckdb.DuckDBPyConnection) -> None:
    (issue,) = check(demo_con, LONG + "XP01,3/2025,kt_tcd,5\n").report.issues
    assert issue.code == "E_BAD_PERIOD"
    assert "“3/2025” là tháng/năm, không phải quý" in issue.message and "Quý III/2025" in issue.message


def test_a_date_cell_far_in_the_past_is_a_bad_period(demo_con: duckdb.DuckDBPyConnection) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["Mã đơn vị", "Kỳ báo cáo", "kt_tcd"])
    wb.active.append(["XP01", datetime(1900, 1, 1), 5])
    wb.active.append(["XP02", datetime(2025, 8, 15), 5])  # a date in Q3
    buf = io.BytesIO()
    wb.save(buf)
    p = check(demo_con, buf.getvalue(), "d.xlsx")
    assert [(i.code, i.cell) for i in p.report.issues] == [("E_BAD_PERIOD", "B2")]
    assert list(p.report.rows.itertuples(index=False, name=None)) == [("XP02", Q3, "kt_tcd", 5.0)]


def test_the_quarter_that_started_is_not_future(demo_con: duckdb.DuckDBPyConnection) -> None:
    assert check(demo_con, LONG + "XP01,2026-Q4,kt_tcd,5\n").report.issues == []
    assert [i.code for i in check(demo_con, LONG + "XP01,2027-Q1,kt_tcd,5\n").report.issues] == ["E_FUTURE_PERIOD"]


def test_numerator_equal_to_denominator_is_fine(demo_con: duckdb.DuckDBPyConnection) -> None:
    report = check(demo_con, LONG + "XP01,2025-Q3,vb_kyso,300\nXP01,2025-Q3,vb_di_tong,300\n").report
    assert report.issues == [] and len(report.rows) == 2


# --- cumulative reports ----------------------------------------------------------------------------------


def test_nine_months_become_the_third_quarter(demo_con: duckdb.DuckDBPyConnection) -> None:
    flows = ("vb_den_tong", "hop_tong")
    h1 = {c: stored(demo_con, "TU", Q1, c) + stored(demo_con, "TU", Q2, c) for c in flows}
    q3 = {c: stored(demo_con, "TU", Q3, c) + 1 for c in (*flows, "dv_tong")}  # a usual figure, not the stored one
    assert min(h1.values()) > 0
    text = LONG + (
        f"TU,9 tháng năm 2025,vb_den_tong,{h1['vb_den_tong'] + q3['vb_den_tong']:.0f}\n"  # flows: Q3 = 9M - H1
        f"TU,9 tháng năm 2025,hop_tong,{h1['hop_tong'] + q3['hop_tong']:.0f}\n"
        f"TU,9 tháng năm 2025,dv_tong,{q3['dv_tong']:.0f}\n"  # a stock is the figure at the end of Q3
        "TU,9 tháng năm 2025,co_ttdt,Có\n"
    )
    p = check(demo_con, text)
    assert p.report.issues == []
    assert sorted(p.report.rows.itertuples(index=False, name=None)) == [
        ("TU", Q3, "co_ttdt", 1.0),
        ("TU", Q3, "dv_tong", q3["dv_tong"]),
        ("TU", Q3, "hop_tong", q3["hop_tong"]),
        ("TU", Q3, "vb_den_tong", q3["vb_den_tong"]),
    ]
    before_q1 = stored(demo_con, "TU", Q1, "vb_den_tong")
    importer.commit(demo_con, p, user="test")
    assert {c: stored(demo_con, "TU", Q3, c) for c in q3} == q3
    assert stored(demo_con, "TU", Q1, "vb_den_tong") == before_q1  # earlier quarters are not touched


def test_nine_months_below_the_first_half_is_refused(demo_con: duckdb.DuckDBPyConnection) -> None:
    h1 = stored(demo_con, "TU", Q1, "vb_den_tong") + stored(demo_con, "TU", Q2, "vb_den_tong")
    p = check(demo_con, LONG + f"TU,9 tháng năm 2025,vb_den_tong,{h1 - 1:.0f}\n")
    (issue,) = p.report.issues
    assert issue.code == "E_NEGATIVE_INCREMENT"
    assert f"({h1:.0f})" in issue.message and "quý III sẽ âm" in issue.message
    assert p.report.rows.empty
    exact = check(demo_con, LONG + f"TU,9 tháng năm 2025,vb_den_tong,{h1:.0f}\n").report  # Q3 = 0: allowed
    assert exact.errors == [] and list(exact.rows["value"]) == [0.0]


def test_cumulative_periods_need_every_earlier_quarter_stored(demo_con: duckdb.DuckDBPyConnection) -> None:
    q1 = stored(demo_con, "XP01", date(2026, 1, 1), "kt_tcd")
    p = check(demo_con, LONG + f"XP01,6 tháng năm 2026,kt_tcd,{q1 + 3:.0f}\n")
    assert p.report.issues == []
    assert list(p.report.rows.itertuples(index=False, name=None)) == [("XP01", date(2026, 4, 1), "kt_tcd", 3.0)]
    (issue,) = check(demo_con, LONG + "XP01,9 tháng năm 2025,kt_tcd,5\n").report.issues  # XP01 began in Q3
    assert issue.code == "E_CUMULATIVE_GAP" and "Quý I/2025, Quý II/2025" in issue.message


# --- warnings --------------------------------------------------------------------------------------------


def _usual(con: duckdb.DuckDBPyConnection) -> float:
    """The median of TU's vb_den_tong before 2025-Q3, as the outlier check computes it."""
    return con.execute(
        "select median(value) from value where unit_code = 'TU' and indicator_code = 'vb_den_tong' and period < ?", [Q3]
    ).fetchone()[0]


def test_outlier_is_a_warning_not_an_error(demo_con: duckdb.DuckDBPyConnection) -> None:
    median = _usual(demo_con)
    value = round(50 * median)
    p = check(demo_con, LONG + f"TU,2025-Q3,vb_den_tong,{value}\n")
    assert [i.code for i in p.report.warnings] == ["W_OUTLIER"] and p.report.errors == []
    message = p.report.warnings[0].message
    assert fmt.number(value) in message and f"trung vị {fmt.number(median)}" in message
    assert "đơn vị cũ" not in message  # TU's history is its own
    assert p.can_commit
    importer.commit(demo_con, p, user="test")
    assert stored(demo_con, "TU", Q3, "vb_den_tong") == value
    # the same value again changes nothing: nothing to acknowledge
    assert check(demo_con, LONG + f"TU,2025-Q3,vb_den_tong,{value}\n").report.issues == []
    changed = check(demo_con, LONG + f"TU,2025-Q3,vb_den_tong,{value + 1}\n").report
    assert [i.code for i in changed.issues] == ["W_OUTLIER"]


@pytest.mark.parametrize("factor", [1.0, 1.3, 0.7])
def test_usual_values_are_not_outliers(demo_con: duckdb.DuckDBPyConnection, factor: float) -> None:
    value = round(factor * _usual(demo_con))
    assert check(demo_con, LONG + f"TU,2025-Q3,vb_den_tong,{value}\n").report.issues == []


def _carried_median(con: duckdb.DuckDBPyConnection, unit: str, code: str, before: date) -> tuple[float, int]:
    """The median and length of a unit's history per quarter, computed here in pandas from the lineage: its own
    values, and for the quarters before it existed, Σ share × value of the units it replaced."""
    (began,) = con.execute("select max(valid_from) from units where code = ?", [unit]).fetchone()
    lineage = con.execute("select old_code, share from unit_lineage where new_code = ?", [unit]).df()
    values = con.execute(
        "select unit_code, period, value from value where indicator_code = ? and period < ?", [code, before]
    ).df()
    own = values[values["unit_code"] == unit].set_index("period")["value"]
    src = values.merge(lineage, left_on="unit_code", right_on="old_code")
    src = src[src["period"] < pd.Timestamp(began)]
    carried = (src["value"] * src["share"]).groupby(src["period"]).sum()
    series = pd.concat([own, carried])
    return float(series.median()), len(series)


def test_a_new_unit_is_compared_with_the_units_it_replaced(demo_con: duckdb.DuckDBPyConnection) -> None:
    """XP01 began in 2025-Q3, merged from communes of H01 (and a share of H01's own figures): before it
    existed, its history is theirs, as the comparison with last year carries it; before this, a new commune
    could send any figure for six quarters without a warning."""
    median, quarters = _carried_median(demo_con, "XP01", "vb_den_tong", Q3)
    assert quarters >= 6 and median > 0
    p = check(demo_con, LONG + f"XP01,2025-Q3,vb_den_tong,{round(40 * median) + 10}\n")
    assert [i.code for i in p.report.warnings] == ["W_OUTLIER"] and p.can_commit
    message = p.report.warnings[0].message
    assert f"trung vị {fmt.number(median)}" in message and "các đơn vị cũ được sắp xếp vào đơn vị này" in message
    # a usual figure for the merged commune: no warning
    assert check(demo_con, LONG + f"XP01,2025-Q3,vb_den_tong,{round(median)}\n").report.issues == []


def test_no_outlier_warning_without_enough_history(demo_con: duckdb.DuckDBPyConnection) -> None:
    """A unit new to the register with nothing it replaced: nothing to compare with, so no warning (and no
    error)."""
    (name,) = demo_con.execute("select any_value(name) from units where code = 'XP01'").fetchone()
    units, lineage = renamed_register(demo_con, "XP01", name)  # the register as it is
    new = units[units["code"] == "XP01"].assign(code="XP99", name="Đảng ủy xã Mới")
    store.replace_units(demo_con, pd.concat([units, new], ignore_index=True), lineage)
    assert check(demo_con, LONG + "XP99,2025-Q3,vb_den_tong,50000\n").report.issues == []


def test_report_defaults() -> None:
    r = Report()
    assert (
        r.errors == []
        and r.warnings == []
        and list(r.rows.columns) == ["unit_code", "period", "indicator_code", "value"]
    )


def test_period_argument_applies_to_a_file_without_one(demo_con: duckdb.DuckDBPyConnection) -> None:
    p = check(demo_con, "Mã đơn vị,kt_tcd\nXP01,5\n", period=periods.parse("2027-Q1"))
    assert [i.code for i in p.report.issues] == ["E_FUTURE_PERIOD"]
    assert p.report.issues[0].cell == "B2"  # no period column: the value cell


def test_a_misspelt_indicator_column_is_a_warning_not_a_silent_loss(demo_con) -> None:
    from datetime import date

    from reform import importer

    data = "Mã đơn vị;STT;kt_tdc;kt_dv\nXP01;1;5;30\n".encode()
    report = importer.prepare(
        demo_con, data, "sai_cot.csv", period=periods_parse("2026-Q3"), today=date(2026, 11, 22)
    ).report
    assert [(i.code, i.column, i.cell) for i in report.warnings] == [("W_UNKNOWN_COLUMN", "kt_tdc", "C1")]
    assert "kt_tcd" in report.warnings[0].message
    assert report.rows["indicator_code"].tolist() == ["kt_dv"]  # STT is ignored without a word


def test_long_layout_indicator_codes_match_like_wide_headers(demo_con) -> None:
    from datetime import date

    from reform import importer

    data = "unit_code,period,indicator_code,value\nXP01,2026-Q3,KT_TCD,4\nXP01,2026-Q3,Số đảng viên được kiểm tra,9\n"
    report = importer.prepare(demo_con, data.encode(), "dai.csv", today=date(2026, 11, 22)).report
    assert report.errors == [] and report.rows["indicator_code"].tolist() == ["kt_tcd", "kt_dv"]


def periods_parse(text: str):
    from reform import periods

    return periods.parse(text)
