"""The rollup the writer keeps gives exactly the figures summed from the value table.

Each analysis query reads rollup_ macros; the same query text without the rollup_ prefix sums the
value table with the macros of R_figure_macros.sql (the definition). On the demo province, both
must give the same rows and the same figures for every scope with units below it, every stored
quarter and the cumulative periods, and still after an upload, an undo and a new unit register.
"""

from __future__ import annotations

import shutil

import duckdb
import numpy as np
import pandas as pd
import pytest

from reform import catalog, db, periods, rollup, sql
from reform.config import DEFAULT_DATA_DIR

# every write of these tests is followed by invariants.check (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("checked_writes")

ROLLUP_QUERIES = [
    "summary",
    "rank",
    "trend",
    "group_trend",
    "peer_figures",
    "completeness",
    "units_reported",
    "periods_with_data",
    "child_figures",
    "reporting_rate",
    "units_behind",
]
RANKED = ["kt_tcd", "hop_tong", "ktdh_tcd", "dv_tong", "co_ttdt", "tl_vb_kyso", "tl_cb_email", "gio_moi_cuoc"]


def old_text(name: str) -> str:
    """The query summed straight from the value table: its text with the macros without rollup_."""
    return sql.text(name).replace("rollup_", "")


def both(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> tuple[pd.DataFrame, pd.DataFrame]:
    return sql.run(con, name, **params), con.execute(old_text(name), params).df()


def assert_same(new: pd.DataFrame, old: pd.DataFrame, what: str) -> None:
    """Same columns, same rows in the same order, numbers equal within 1e-9, the same nulls."""
    assert list(new.columns) == list(old.columns), what
    assert len(new) == len(old), f"{what}: {len(new)} rows against {len(old)}"
    for col in new.columns:
        a, b = new[col], old[col]
        if pd.api.types.is_numeric_dtype(a) and pd.api.types.is_numeric_dtype(b):
            x, y = a.astype(float).to_numpy(), b.astype(float).to_numpy()
            assert np.array_equal(np.isnan(x), np.isnan(y)), f"{what}: nulls differ in {col}"
            ok = ~np.isnan(x)
            assert np.allclose(x[ok], y[ok], rtol=1e-9, atol=1e-9), f"{what}: {col} differs"
        else:
            assert a.astype(str).tolist() == b.astype(str).tolist(), f"{what}: {col} differs"


def check(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    new, old = both(con, name, **params)
    assert_same(new, old, f"{name} {params}")


def scopes(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The root and every unit with units below it."""
    return sorted(r[0] for r in con.execute("select distinct ancestor from unit_closure where depth > 0").fetchall())


def stored_periods(con: duckdb.DuckDBPyConnection) -> list[periods.Period]:
    """Every stored quarter and, for every year with data, the cumulative periods H1, 9M and FY."""
    quarters = [pd.Timestamp(d).date() for d in sql.run(con, "rollup_all_periods")["period"]]
    years = sorted({d.year for d in quarters})
    codes = [periods.from_date(d).code for d in sorted(quarters)]
    codes += [f"{y}-{k}" for y in years for k in ("H1", "9M", "FY")]
    return [periods.parse(c) for c in codes]


def check_figures(con: duckdb.DuckDBPyConnection, *, kinds: str = "QHMF", only: set[str] | None = None) -> None:
    """summary, the period figures of every child (what rank ranks) and units reported, per scope
    and period (only those named, if given); the rank query itself for a few indicators of each kind."""
    chosen = [p for p in stored_periods(con) if _kind(p) in kinds and (only is None or p.code in only)]
    assert chosen, "no period to check"
    for scope in scopes(con):
        for i, p in enumerate(chosen):
            check(con, "summary", scope=scope, start=p.start, end=p.end)
            new = con.execute(
                "select * from rollup_period_figures($s, 1, $a, $b) order by all",
                {"s": scope, "a": p.start, "b": p.end},
            ).df()
            old = con.execute(
                "select * from period_figures($s, 1, $a, $b) order by all", {"s": scope, "a": p.start, "b": p.end}
            ).df()
            assert_same(new, old, f"period_figures({scope}, 1, {p.code})")
            check(con, "rank", scope=scope, indicator=RANKED[i % len(RANKED)], start=p.start, end=p.end)
            check(con, "units_reported", scope=scope, start=p.start, end=p.end)
            check(con, "child_figures", scope=scope, start=p.start, end=p.end)


def _kind(p: periods.Period) -> str:
    """Q for a quarter, else the letter of H1, 9M or FY."""
    return "Q" if p.start == p.end else {"H1": "H", "9M": "M", "FY": "F"}[p.code.split("-")[1]]


def check_series(con: duckdb.DuckDBPyConnection, *, ends: set[str] | None = None) -> None:
    """trend, group_trend, completeness and periods_with_data for every scope and every last quarter (or those
    named)."""
    quarters = [p for p in stored_periods(con) if p.start == p.end]
    first = quarters[0].start
    for scope in scopes(con):
        check(con, "periods_with_data", scope=scope)
        for q in [q for q in quarters if ends is None or q.code in ends]:
            check(con, "trend", scope=scope, start=first, end=q.end)
            check(con, "completeness", scope=scope, start=first, end=q.end, limit=40)
            check(con, "reporting_rate", scope=scope, start=first, end=q.end)
            check(con, "units_behind", scope=scope, quarter=q.end)
            for indicator in RANKED[::3]:
                check(con, "group_trend", scope=scope, indicator=indicator, start=first, end=q.end)


def check_peers(con: duckdb.DuckDBPyConnection) -> None:
    units = [r[0] for r in con.execute("select code from units order by code").fetchall()]
    quarters = [p for p in stored_periods(con) if p.start == p.end]
    for unit in units[::3]:
        for q in quarters[::5] + [quarters[-1]]:
            for indicator in RANKED[::2]:
                check(con, "peer_figures", unit=unit, indicator=indicator, start=quarters[0].start, end=q.end)


def assert_rollup_is_a_fresh_rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """What the writer kept up to date equals the rollup made again from nothing."""
    tables = ["figure_epoch", "figure_weight", "figure_pair", "figure_rollup", "figure_compared", "unit_period_count"]
    before = {t: con.execute(f"select * from {t} order by all").df() for t in tables}
    rollup.rebuild(con)
    for t in tables:
        assert_same(con.execute(f"select * from {t} order by all").df(), before[t], t)


def test_the_queries_read_the_rollup_and_their_definition_sums_the_value_table(demo_con) -> None:
    for name in ROLLUP_QUERIES:
        assert "rollup_" in sql.text(name), name
        assert "rollup_" not in old_text(name)
    assert demo_con.execute("select count(*) from figure_rollup").fetchone()[0] > 0
    assert demo_con.execute("select count(*) from figure_compared").fetchone()[0] > 0


def test_a_database_made_before_the_comparison_table_gets_it_filled(demo_con) -> None:
    made = demo_con.execute("select * from figure_compared order by all").df()
    demo_con.execute("drop table figure_compared")
    demo_con.execute("delete from schema_migrations where version = $v", {"v": db.COMPARED_VERSION})
    assert db.migrate(demo_con) == [db.COMPARED_VERSION]
    assert_same(demo_con.execute("select * from figure_compared order by all").df(), made, "figure_compared")


def test_summary_rank_and_period_figures_of_every_quarter_equal_the_sums_of_values(demo_con) -> None:
    check_figures(demo_con, kinds="Q")


def test_summary_rank_and_period_figures_of_cumulative_periods_equal_the_sums_of_values(demo_con) -> None:
    check_figures(demo_con, kinds="HMF")


def test_series_and_completeness_equal_the_sums_of_values(demo_con) -> None:
    check_series(demo_con)


def test_peer_figures_equal_the_sums_of_values(demo_con) -> None:
    check_peers(demo_con)


def test_the_demo_rollup_equals_a_rebuild(demo_con) -> None:
    assert_rollup_is_a_fresh_rebuild(demo_con)


def test_a_rate_added_to_the_catalogue_has_its_figures_at_once(demo_con, tmp_path) -> None:
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data, ignore=shutil.ignore_patterns("demo", "*.duckdb*"))
    with open(data / "indicators.csv", "a", encoding="utf-8") as f:
        f.write(
            "tl_kt_taichinh,Tỷ lệ tổ chức đảng được kiểm tra tài chính,,kiem_tra,rate,up,%,,,"
            "kt_taichinh,kt_tcd,100,1,0,190,\n"
        )
    assert catalog.sync(demo_con, data)
    assert_rollup_is_a_fresh_rebuild(demo_con)
    p = periods.parse("2025-Q3")
    new, old = both(demo_con, "summary", scope="TU", start=p.start, end=p.end)
    assert_same(new, old, "summary after a new rate")
    assert new.set_index("indicator_code").loc["tl_kt_taichinh", "value"] > 0
