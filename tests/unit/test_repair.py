"""Opening a database repairs a write torn by a crash: the rows of an upload whose row is absent are
removed (the values it replaced put back from its history), its quarters summed again, a line logged;
the database is then what it was before that upload."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import db, invariants, store

Q3_2025, Q4_2026 = date(2025, 7, 1), date(2026, 10, 1)
TABLES = ["upload", "value", "value_history", *invariants.ROLLUP_TABLES]


def state(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    """Every row of the written tables, sorted, numbers rounded (a quarter summed again may add in another order)."""
    out = {}
    for name in TABLES:
        df = con.table(name).df()
        for col in df.select_dtypes("float").columns:
            df[col] = df[col].round(6)
        out[name] = sorted(tuple(map(repr, r)) for r in df.itertuples(index=False, name=None))
    return out


def upload(con: duckdb.DuckDBPyConnection, period: date, value: float) -> int:
    units = ["XP01", "XP02", "TP01"]
    rows = pd.DataFrame(
        [(u, period, i, value) for u in units for i in ("kt_tcd", "kt_dv")], columns=store.VALUE_COLUMNS
    )
    return store.write_values(con, rows, file_name="x.csv", digest="x", layout="long", user="t").upload_id


def torn(demo_db: Path, period: date, *, lose: list[str]) -> dict[str, list[tuple]]:
    """Write an upload, then take away its upload row (and the `lose` statements' rows), as a torn replay of
    the write-ahead log leaves it; the state before the upload."""
    con = db.connect(demo_db)
    before = state(con)
    upload_id = upload(con, period, 7)
    con.execute("delete from upload where id = $id", {"id": upload_id})
    for statement in lose:
        con.execute(statement, {"q": period})
    assert invariants.check(con) != []  # it is torn
    con.close()
    return before


@pytest.mark.parametrize(
    ("period", "lose"),
    [
        (Q4_2026, []),  # a first upload of a quarter: values, history and rollup without their upload row
        (Q4_2026, ["delete from value_history where period = $q"]),  # the rollup and no history
        (Q4_2026, ["delete from figure_rollup where period = $q", "delete from unit_period_count where period = $q"]),
        (Q3_2025, []),  # a correction: the values it replaced come back from its history
    ],
    ids=["first-upload", "no-history", "no-rollup", "correction"],
)
def test_opening_a_torn_database_gives_the_database_of_before_that_upload(demo_db, period, lose, caplog) -> None:
    before = torn(demo_db, period, lose=lose)
    with caplog.at_level(logging.WARNING, logger="reform.invariants"):
        con = db.connect(demo_db)
    assert invariants.check(con) == []
    assert state(con) == before
    assert any("repaired a write that never committed" in r.message for r in caplog.records)
    con.close()


def test_a_sound_database_is_left_as_it_is(demo_db, caplog) -> None:
    con = db.connect(demo_db)
    upload(con, Q3_2025, 9)
    before = state(con)
    with caplog.at_level(logging.WARNING, logger="reform.invariants"):
        assert invariants.repair(con) == []
    assert state(con) == before and not caplog.records
    con.close()
