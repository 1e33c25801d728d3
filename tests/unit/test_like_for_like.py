"""Like-for-like year-on-year: a change is computed on the units that reported in both periods.

Given rows: TU ← X1, X2, X3 throughout; O1, O2 until 2025-Q2, merged into M from 2025-Q3.
In 2025-Q3 X3 has not reported yet and X2 reported for the first time; M's predecessors reported
a year earlier. In 2025-Q2 every unit in force reported both years: both definitions agree.
"""

from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import narrative, periods, store
from reform import summary as core

OLD_END, NEW_START, START = date(2025, 6, 30), date(2025, 7, 1), date(2020, 1, 1)


def q(code: str) -> date:
    return periods.parse(code).start


@pytest.fixture
def con(empty_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    units = pd.DataFrame(
        [
            ("TU", "Tỉnh ủy", "tinh_uy", None, START, None),
            ("X1", "Đảng bộ xã X1", "dang_bo_xa", "TU", START, None),
            ("X2", "Đảng bộ xã X2", "dang_bo_xa", "TU", START, None),
            ("X3", "Đảng bộ xã X3", "dang_bo_xa", "TU", START, None),
            ("O1", "Đảng bộ xã O1", "dang_bo_xa", "TU", START, OLD_END),
            ("O2", "Đảng bộ xã O2", "dang_bo_xa", "TU", START, OLD_END),
            ("M", "Đảng bộ xã M", "dang_bo_xa", "TU", NEW_START, None),
        ],
        columns=store.UNIT_COLUMNS,
    )
    lineage = pd.DataFrame([("O1", "M", 1.0, NEW_START), ("O2", "M", 1.0, NEW_START)], columns=store.LINEAGE_COLUMNS)
    store.replace_units(empty_con, units, lineage)
    given = [
        # 2024-Q3 → 2025-Q3: X3 missing this year, X2 missing last year, M merged from O1 + O2
        *[(u, "2024-Q3", "kt_tcd", v) for u, v in [("TU", 1), ("X1", 10), ("X3", 5), ("O1", 3), ("O2", 4)]],
        *[(u, "2025-Q3", "kt_tcd", v) for u, v in [("TU", 2), ("X1", 12), ("X2", 7), ("M", 9)]],
        # a rate: O2 has no numerator a year ago, so M is compared on O1 alone
        *[(u, "2024-Q3", "vb_di_dientu", v) for u, v in [("X1", 5), ("X3", 1), ("O1", 2)]],
        *[(u, "2024-Q3", "vb_di_tong", v) for u, v in [("X1", 10), ("X3", 10), ("O1", 4), ("O2", 4)]],
        *[(u, "2025-Q3", "vb_di_dientu", v) for u, v in [("X1", 8), ("X2", 9), ("M", 6)]],
        *[(u, "2025-Q3", "vb_di_tong", v) for u, v in [("X1", 10), ("X2", 10), ("M", 8)]],
        # 2024-Q2 → 2025-Q2: every unit in force reported both years
        *[(u, "2024-Q2", "kt_tcd", v) for u, v in [("TU", 1), ("X1", 2), ("X2", 3), ("X3", 4), ("O1", 5), ("O2", 6)]],
        *[(u, "2025-Q2", "kt_tcd", v) for u, v in [("TU", 2), ("X1", 2), ("X2", 5), ("X3", 4), ("O1", 1), ("O2", 9)]],
        # a stock: the last quarter with a comparison
        *[(u, "2024-Q3", "dv_tong", v) for u, v in [("X1", 100), ("X3", 50)]],
        *[(u, "2025-Q3", "dv_tong", v) for u, v in [("X1", 110), ("X2", 70)]],
    ]
    df = pd.DataFrame([(u, q(p), i, float(v)) for u, p, i, v in given], columns=store.VALUE_COLUMNS)
    store.write_values(empty_con, df, file_name="given", digest="0", layout="long", user="test")
    return empty_con


def summary(con: duckdb.DuckDBPyConnection, period: str, scope: str = "TU") -> pd.DataFrame:
    return core.summary(con, scope, periods.parse(period)).set_index("code")


def test_a_unit_missing_in_either_year_is_left_out_of_the_change_but_not_out_of_the_value(con) -> None:
    kt = summary(con, "2025-Q3").loc["kt_tcd"]
    assert (kt["value"], kt["previous"]) == (30, 23)  # the scope's totals as reported
    assert (kt["units_reported"], kt["units_expected"]) == (4, 5)
    # TU 2 vs 1, X1 12 vs 10, M 9 vs O1 + O2 = 7; X2 (new) and X3 (not yet) are not compared
    assert (kt["units_compared"], kt["value_compared"], kt["previous_compared"]) == (3, 23, 18)
    assert kt["change"] == 5 and kt["change_pct"] == pytest.approx(100 * 5 / 18)
    assert kt["tone"] == "good"
    assert core.change_text(kt) == "tăng 5 tổ chức (27,8%) trên 3/5 đơn vị báo cáo cả hai kỳ"


def test_a_unit_merged_in_2025_is_compared_with_its_predecessors(con) -> None:
    m = summary(con, "2025-Q3", scope="M").loc["kt_tcd"]
    assert (m["value_compared"], m["previous_compared"], m["units_compared"], m["units_expected"]) == (9, 7, 1, 1)
    assert core.change_text(m) == "tăng 2 tổ chức (28,6%)"  # every unit compared: no note


def test_where_everyone_reported_both_definitions_agree(con) -> None:
    kt = summary(con, "2025-Q2").loc["kt_tcd"]
    assert kt["units_compared"] == kt["units_reported"] == kt["units_expected"] == 6
    assert (kt["value_compared"], kt["previous_compared"]) == (kt["value"], kt["previous"]) == (23, 21)
    assert kt["change"] == kt["value"] - kt["previous"]


def test_rates_pool_the_units_that_reported_both_parts_in_both_years(con) -> None:
    r = summary(con, "2025-Q3").loc["tl_vb_di_dientu"]
    assert r["value"] == pytest.approx(100 * 23 / 28) and r["previous"] == pytest.approx(100 * 8 / 24)
    assert r["units_compared"] == 2  # X1 and M (on O1, the predecessor that reported both parts)
    assert r["value_compared"] == pytest.approx(100 * 14 / 18)
    assert r["previous_compared"] == pytest.approx(100 * 7 / 14)
    assert r["change"] == pytest.approx(100 * 14 / 18 - 50) and pd.isna(r["change_pct"])


def test_stocks_compare_the_last_quarter_on_the_units_in_both(con) -> None:
    s = summary(con, "2025-Q3").loc["dv_tong"]
    assert (s["value"], s["previous"]) == (180, 150)
    assert (s["units_compared"], s["value_compared"], s["previous_compared"]) == (1, 110, 100)


def test_a_cumulative_period_adds_up_each_quarters_comparison(con) -> None:
    kt = summary(con, "2025-9M").loc["kt_tcd"]
    assert (kt["value"], kt["previous"]) == (30 + 23, 23 + 21)
    # Q2: everyone (23 vs 21, 6 units); Q3: 23 vs 18 on 3 units; the fewest units compared in a quarter
    assert (kt["value_compared"], kt["previous_compared"], kt["units_compared"]) == (46, 39, 3)


def test_rank_gives_each_child_its_own_like_for_like_change(con) -> None:
    ranked = core.rank(con, "TU", "kt_tcd", periods.parse("2025-Q3")).set_index("unit_code")
    assert ranked.loc["M", ["value_compared", "previous_compared", "units_compared", "change"]].tolist() == [9, 7, 1, 2]
    assert ranked.loc["X1", "change"] == 2 and ranked.loc["X1", "change_pct"] == pytest.approx(20.0)
    assert ranked.loc["X2", "units_compared"] == 0 and pd.isna(ranked.loc["X2", "change"])
    assert ranked.loc["X3", "units_compared"] == 0 and pd.isna(ranked.loc["X3", "value"])


@pytest.mark.parametrize("period", ["2025-Q2", "2025-Q3", "2025-9M"])
@pytest.mark.parametrize("depth", [0, 1])
def test_the_rollup_gives_the_comparison_of_its_definition(con, period: str, depth: int) -> None:
    p = periods.parse(period)
    args = {"s": "TU", "d": depth, "a": p.start, "b": p.end}
    new = con.execute("select * from rollup_period_figures($s, $d, $a, $b) order by all", args).df()
    old = con.execute("select * from period_figures($s, $d, $a, $b) order by all", args).df()
    pd.testing.assert_frame_equal(new, old, check_dtype=False)
    assert new["units_compared"].sum() > 0


def test_a_sentence_says_once_on_how_many_units_its_changes_were_compared(con) -> None:
    s = summary(con, "2025-Q3")
    rows = [s.loc["kt_tcd"].to_dict(), s.loc["tl_vb_di_dientu"].to_dict()]  # compared on 3 and 2 of 5 units
    text = narrative.opening("Quý III/2025", "toàn Đảng bộ", rows)
    assert text.count("đơn vị báo cáo cả hai kỳ") == 1
    assert text.endswith("so sánh cùng kỳ tính trên 2–3/5 đơn vị báo cáo cả hai kỳ.")
    assert "tăng 27,8% so với cùng kỳ" in text
    whole = summary(con, "2025-Q2").loc["kt_tcd"].to_dict()  # every unit compared: nothing to say
    assert "cả hai kỳ" not in narrative.opening("Quý II/2025", "toàn Đảng bộ", [whole])
