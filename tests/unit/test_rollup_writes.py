"""After an upload, an undo and a new unit register, the rollup still gives the figures summed from the
value table: every scope, the periods the write touched (a quarter, the quarter a year later whose
comparison it changes, the cumulative periods holding them), and the whole rollup equal to a rebuild.
The untouched periods are covered by test_rollup.py on the demo and by the rebuild check here."""

from __future__ import annotations

from datetime import date

import duckdb
import pandas as pd
import pytest

from reform import sql, store

from .test_rollup import assert_rollup_is_a_fresh_rebuild, assert_same, check_figures, check_series

# every write of these tests is followed by invariants.check (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("checked_writes")

# what upload() writes: 2024-Q3 (and so 2025-Q3's comparison), 2026-Q3, and 2026-Q4 new
TOUCHED = {"2024-Q3", "2025-Q3", "2026-Q3", "2026-Q4", "2024-9M", "2026-FY"}
TOUCHED_ENDS = {"2025-Q3", "2026-Q4"}
# a new register: XP04 closes at the end of 2025 (a lineage from 2026) and a ban changes parent (every period)
REGISTER = {"2024-Q3", "2025-Q4", "2026-Q1", "2026-Q4", "2026-FY"}
REGISTER_ENDS = {"2026-Q1"}


def upload(con: duckdb.DuckDBPyConnection) -> int:
    """Changed, new and lineage-mapped values, and a quarter that held nothing before."""
    rows = pd.DataFrame(
        [
            ("H01X01", date(2024, 7, 1), "kt_tcd", 999.0),  # an old commune: mapped onto XP01 today
            ("H01X01", date(2024, 7, 1), "vb_di_tong", 5.0),
            ("H01", date(2024, 7, 1), "vb_kyso", 3.0),  # an old district: a quarter to each XP0x
            ("XP01", date(2026, 7, 1), "hop_tong", 0.0),  # a rate's denominator now zero
            ("XP01", date(2026, 7, 1), "dv_tong", 12345.0),
            ("XP02", date(2026, 10, 1), "kt_tcd", 7.0),  # a new quarter
            ("XP02", date(2026, 10, 1), "co_ttdt", 1.0),
        ],
        columns=store.VALUE_COLUMNS,
    )
    return store.write_values(con, rows, file_name="t.csv", digest="t", layout="long", user="test").upload_id


@pytest.fixture
def changed_con(demo_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    upload(demo_con)
    return demo_con


def test_after_an_upload_the_figures_still_equal_the_sums_of_values(changed_con) -> None:
    assert changed_con.execute("select count(*) from figure_rollup where period = date '2026-10-01'").fetchone()[0]
    check_figures(changed_con, only=TOUCHED)
    check_series(changed_con, ends=TOUCHED_ENDS)
    assert_rollup_is_a_fresh_rebuild(changed_con)


def test_after_an_undo_the_figures_still_equal_the_sums_of_values(demo_con) -> None:
    before = demo_con.execute("select * from figure_rollup order by all").df()
    compared = demo_con.execute("select * from figure_compared order by all").df()
    store.undo(demo_con, upload(demo_con), user="test")
    assert demo_con.execute("select count(*) from figure_rollup where period = date '2026-10-01'").fetchone()[0] == 0
    assert_same(demo_con.execute("select * from figure_rollup order by all").df(), before, "rollup after undo")
    assert_same(demo_con.execute("select * from figure_compared order by all").df(), compared, "compared after undo")
    check_figures(demo_con, only=TOUCHED)


def test_after_a_new_unit_register_the_figures_still_equal_the_sums_of_values(changed_con) -> None:
    units = sql.run(changed_con, "unit_register")[store.UNIT_COLUMNS]
    lineage = changed_con.execute("select * from unit_lineage").df()[store.LINEAGE_COLUMNS]
    # XP04 closes at the end of 2025 and XP03 takes it over; a ban moves under another parent.
    units.loc[units["code"] == "XP04", "valid_to"] = pd.Timestamp(2025, 12, 31)
    moved = units.index[units["type"] == "ban_dang"][0]
    units.loc[moved, "parent_code"] = units.loc[
        units["parent_code"].notna() & (units["type"] != "ban_dang"), "code"
    ].iloc[0]
    lineage = pd.concat(
        [lineage, pd.DataFrame([("XP04", "XP03", 1.0, date(2026, 1, 1))], columns=store.LINEAGE_COLUMNS)],
        ignore_index=True,
    )
    store.replace_units(changed_con, units, lineage)
    assert len(sql.run(changed_con, "rollup_all_periods")) > 0
    assert changed_con.execute("select count(*) from figure_epoch").fetchone()[0] == 3
    check_figures(changed_con, only=REGISTER)
    check_series(changed_con, ends=REGISTER_ENDS)
    assert_rollup_is_a_fresh_rebuild(changed_con)
