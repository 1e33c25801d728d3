"""A write of values commits its values and rollup first and scores the kept index of its quarters right after
(index_store.catch_up): until then the quarters are marked out of date (index_stale), keep no rows, and the
readers score them on the spot; invariants.check holds in both states and tells them apart."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import db, index, index_store, invariants, periods, store
from tests.unit.test_index_kept import same

Q3, NEXT_Q3 = date(2025, 7, 1), date(2026, 7, 1)


def lift(con: duckdb.DuckDBPyConnection, digest: str = "lift") -> str:
    """Store a change that moves one unit's score in Quý III/2025; return the unit."""
    units = index.compute(con, "TU", periods.from_date(Q3)).units.dropna(subset=["score"])
    unit = units["unit_code"].iloc[-1]
    rows = pd.DataFrame(
        [(unit, Q3, "vb_di_tong", 4000.0), (unit, Q3, "vb_di_dientu", 4000.0)], columns=store.VALUE_COLUMNS
    )
    store.write_values(con, rows, file_name="t.csv", digest=digest, layout="long", user="test")
    return unit


def kept_count(con: duckdb.DuckDBPyConnection, quarter: date) -> int:
    query = "select count(*) from index_score where not official and period = $p"
    return con.execute(query, {"p": quarter}).fetchone()[0]


@pytest.fixture
def stopped_before_catch_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """The writing process stops between its commit and the index's catch-up (as a kill there would)."""
    monkeypatch.setattr(index_store, "catch_up", lambda con: {})


def test_a_write_leaves_no_quarter_out_of_date_and_its_index_moves(demo_con, checked_writes) -> None:
    before = index.compute(demo_con, "TU", periods.from_date(Q3)).units.set_index("unit_code")["score"]
    unit = lift(demo_con)
    assert index_store.stale(demo_con) == {}
    assert demo_con.execute("select count(*) from index_stale").fetchone()[0] == 0
    after = index.compute(demo_con, "TU", periods.from_date(Q3)).units.set_index("unit_code")["score"]
    assert after[unit] > before[unit]
    # checked_writes ran invariants.check after the write: the kept index equals a rebuild


def test_between_the_commit_and_the_catch_up_the_quarters_are_marked_and_read_on_the_spot(
    demo_con, stopped_before_catch_up
) -> None:
    assert kept_count(demo_con, Q3) > 0 and kept_count(demo_con, NEXT_Q3) > 0
    unit = lift(demo_con)
    assert index_store.stale(demo_con) == {False: [Q3, NEXT_Q3]}
    assert kept_count(demo_con, Q3) == 0 and kept_count(demo_con, NEXT_Q3) == 0
    assert invariants.check(demo_con) == []  # out of date and marked so: sound
    spot = index.compute(demo_con, "TU", periods.from_date(Q3))  # no kept rows: scored on the spot
    same(spot, index.compute(demo_con, "TU", periods.from_date(Q3), kept=False))
    assert unit in set(spot.units["unit_code"])


def test_the_catch_up_scores_every_marked_quarter_and_removes_the_marks(demo_con, monkeypatch) -> None:
    catch_up = index_store.catch_up
    monkeypatch.setattr(index_store, "catch_up", lambda con: {})
    lift(demo_con, "one")
    lift(demo_con, "two")  # a second write marks the same quarters again
    monkeypatch.setattr(index_store, "catch_up", catch_up)
    assert demo_con.execute("select count(*) from index_stale").fetchone()[0] == 4
    assert index_store.catch_up(demo_con) == {False: [Q3, NEXT_Q3]}
    assert index_store.stale(demo_con) == {}
    assert kept_count(demo_con, Q3) > 0 and kept_count(demo_con, NEXT_Q3) > 0
    assert invariants.check(demo_con) == []
    kept = index.compute(demo_con, "TU", periods.from_date(Q3))
    same(kept, index.compute(demo_con, "TU", periods.from_date(Q3), kept=False))


def test_the_invariants_find_rows_kept_for_a_marked_quarter_and_rows_missing_without_a_mark(demo_con) -> None:
    assert invariants.check(demo_con) == []
    demo_con.execute("insert into index_stale values (false, $p)", {"p": Q3})
    found = invariants.check(demo_con)
    assert any(p.startswith("index_score: ") and "marked out of date" in p for p in found), found
    demo_con.execute("delete from index_stale")
    demo_con.execute("delete from index_score where period = $p", {"p": Q3})
    found = invariants.check(demo_con)
    assert any(p.startswith("index_score: ") and "missing" in p for p in found), found


def test_opening_the_database_scores_what_a_stopped_write_left_marked(demo_db: Path, monkeypatch) -> None:
    con = db.connect(demo_db)
    catch_up = index_store.catch_up
    monkeypatch.setattr(index_store, "catch_up", lambda con: {})
    lift(con)
    assert index_store.stale(con) == {False: [Q3, NEXT_Q3]}
    con.close()
    monkeypatch.setattr(index_store, "catch_up", catch_up)
    con = db.connect(demo_db)  # repairs: scores the marked quarters
    try:
        assert index_store.stale(con) == {}
        assert kept_count(con, Q3) > 0
        assert invariants.check(con) == []
    finally:
        con.close()


def test_a_quarter_no_unit_is_scored_in_gets_the_rows_the_draws_would_give_without_drawing(demo_con) -> None:
    rows = index.part_rows(demo_con, "TU", periods.from_date(Q3))
    scored = rows.copy()
    first = scored["unit_code"].min()
    scored.loc[scored["unit_code"] != first, "applicable"] = False  # every unit but one has nothing to score
    m = index.matrices(scored)
    drawn = index.robustness_of(m).set_index("unit_code")  # one unit scored: the draws run
    unscored = m.units != first
    skipped = index.robustness_of(m, wanted=unscored).set_index("unit_code")  # none scored: no draw
    assert drawn.loc[first, ["median_rank", "rank_low", "rank_high"]].notna().all()
    pd.testing.assert_frame_equal(skipped, drawn.drop(index=first), check_dtype=True)
    assert skipped[["median_rank", "rank_low", "rank_high", "tier_change_share"]].isna().all().all()
    assert not skipped["borderline"].any()
