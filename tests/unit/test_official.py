"""Official figures (issue 14): read from a kept rollup of approved and locked values, they equal the
working figures of a database that holds only those values; the generated statements stay in step
with the working ones."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import approval, db, explain, invariants, periods, policy, rollup, sql, summary

ADMIN = policy.command_line("quản trị kiểm thử")
Q3_2025, Q3_2024 = date(2025, 7, 1), date(2024, 7, 1)


def test_an_official_statement_reads_only_the_official_tables() -> None:
    for name in ["summary", "rank", "trend", "rollup_insert", "rollup_compared_insert", "units_reported"]:
        text = sql.text(sql.official(name))
        assert text != sql.text(name), name
        for working in ("from value", "join value", "figure_rollup", "figure_compared", " rollup_value_counts("):
            assert working not in text, f"{name}: {working}"
    assert sql.text(sql.official("catalog")) == sql.text("catalog")  # nothing to rename: the same statement
    macros = sql.official_macros((db.SCHEMA_DIR / db.FIGURE_MACROS).read_text(encoding="utf-8"))
    assert "create or replace macro official_rollup_period_figures(" in macros
    assert "figure_rollup" not in macros and "from value" not in macros


@pytest.fixture(scope="module")
def approved(tmp_path_factory: pytest.TempPathFactory, demo_db_master: Path) -> Path:
    """The demo province with part of it approved: some communes and a district of 2024-Q3, a district
    and some units of 2025-Q3 (one of them locked), one commune only submitted."""
    path = tmp_path_factory.mktemp("official") / "demo.duckdb"
    shutil.copy(demo_db_master, path)
    con = db.connect(path)
    tree_2024 = approval.status(con, "TU", Q3_2024)
    district = tree_2024[tree_2024["depth"] == 1]["unit_code"].iloc[0]
    approval.act(con, ADMIN, "submit", district, Q3_2024, with_below=True)
    approval.act(con, ADMIN, "approve", district, Q3_2024, with_below=True)
    tree = approval.status(con, "TU", Q3_2025)
    leaves = tree[(tree["depth"] == 1) & ~tree["unit_code"].isin(tree["parent_code"])]["unit_code"].tolist()
    for unit in leaves[:6]:
        approval.act(con, ADMIN, "submit", unit, Q3_2025)
    for unit in leaves[:5]:
        approval.act(con, ADMIN, "approve", unit, Q3_2025)
    approval.act(con, ADMIN, "lock", leaves[0], Q3_2025)
    approval.act(con, ADMIN, "unapprove", leaves[4], Q3_2025, "kiểm tra lại")
    assert invariants.check(con) == []
    con.close()
    return path


@pytest.fixture(scope="module")
def recomputed(tmp_path_factory: pytest.TempPathFactory, approved: Path) -> Path:
    """A copy holding only the approved and locked values, its working rollup summed again from them."""
    path = tmp_path_factory.mktemp("official") / "only_approved.duckdb"
    shutil.copy(approved, path)
    con = db.connect(path)
    with db.transaction(con):
        con.execute(
            "delete from value where not exists (select 1 from report_state as s where s.unit_code = value.unit_code"
            " and s.period = value.period and s.state in ('approved', 'locked'))"
        )
        rollup.rebuild(con)
    con.close()
    return path


@pytest.mark.parametrize("period", ["2025-Q3", "2024-Q3", "2025-9M"])
def test_official_figures_equal_a_recomputation_from_approved_values_only(
    approved: Path, recomputed: Path, period: str
) -> None:
    p = periods.parse(period)
    with duckdb.connect(str(approved), read_only=True) as a, duckdb.connect(str(recomputed), read_only=True) as r:
        official_df = summary.summary(a, "TU", p, official=True)
        expected = summary.summary(r, "TU", p)
        working = summary.summary(a, "TU", p)
        pd.testing.assert_frame_equal(official_df, expected, check_exact=False, rtol=1e-9)
        assert official_df["units_reported"].sum() < working["units_reported"].sum()  # not the working figures
        for indicator in ("kt_tcd", "tl_vb_di_dientu"):
            pd.testing.assert_frame_equal(
                summary.rank(a, "TU", indicator, p, official=True),
                summary.rank(r, "TU", indicator, p),
                check_exact=False,
                rtol=1e-9,
            )


@pytest.mark.parametrize(("period", "official_only"), [("2025-Q3", False), ("2025-9M", False), ("2025-Q3", True)])
def test_explain_parts_make_the_summary_figure_for_every_indicator_of_the_root(
    approved: Path, period: str, official_only: bool
) -> None:
    p = periods.parse(period)
    with duckdb.connect(str(approved), read_only=True) as con:
        figures = summary.summary(con, "TU", p, official=official_only).set_index("code")
        assert len(figures) > 20
        if not p.is_quarter:  # across quarters: one indicator of each kind (every one is checked on a quarter)
            figures = figures.groupby(["type", "good"], group_keys=False).head(1)
            assert set(figures["type"]) >= {"flow", "stock", "rate", "flag"}
        for code, row in figures.iterrows():
            found = explain.explain(con, "TU", code, p, official=official_only)
            if pd.isna(row["value"]):
                assert found.value is None, code
                continue
            assert found.value == pytest.approx(row["value"], rel=1e-9), code
            assert set(explain.PART_KEYS) <= set(found.parts.columns)
            if official_only:
                assert set(found.parts["state"]) <= {"approved", "locked"}, code
        with_files = explain.to_record(explain.explain(con, "TU", "kt_tcd", p, official=official_only))
    first = with_files["parts"][0]
    assert first["file_name"] and first["uploaded_by"] and first["upload_id"] is not None and first["uploaded_at"]
