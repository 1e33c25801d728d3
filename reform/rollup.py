"""Keep the figures added up in advance (figure_rollup, the value counts, the kept index) equal to the values.

The analysis queries read these tables instead of summing millions of values per view; the
definitions they must equal are the macros of queries/schema/R_figure_macros.sql. The writer calls
refresh() inside the transaction of every write, so a reader never sees the two disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

import duckdb
import pandas as pd

from reform import db, index_store, sql

STRUCTURE = [  # made again from the unit register, the lineage and the catalogue
    "rollup_clear_epochs",
    "rollup_clear_weights",
    "rollup_clear_pairs",
    "rollup_epochs",
    "rollup_weights",
    "rollup_pairs",
]
PER_PERIOD = [
    "rollup_delete",
    "rollup_insert",
    "rollup_counts_delete",
    "rollup_counts_insert",
    "rollup_scope_counts_delete",
    "rollup_scope_counts_insert",
]
# the like-for-like comparison of a quarter reads that quarter and the same quarter a year earlier:
# a change to a quarter's values sums again its own comparison and that of the quarter a year later
COMPARED = ["rollup_compared_delete", "rollup_compared_insert"]


def refresh(
    con: duckdb.DuckDBPyConnection,
    periods: Iterable[object] | None = None,
    *,
    defer_index: bool = False,
) -> None:
    """Sum the given quarters again; with no quarters (or when the unit register or the catalogue's
    rate pairs changed) make the whole rollup again. Runs inside the caller's transaction.

    defer_index: the kept index of the quarters is marked out of date (index_store.mark)
    instead of scored here; the caller runs index_store.catch_up() once its transaction has committed."""
    if periods is None or _stale_pairs(con):
        rebuild(con)
        return
    wanted = quarter_starts(periods)
    if wanted:
        sum_periods(con, wanted)
        if defer_index:
            index_store.mark(con, wanted)
        else:
            index_store.refresh(con, wanted)


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The whole rollup from the unit register, the catalogue and every stored value."""
    for name in STRUCTURE:
        sql.execute(con, name)
    sum_periods(con, quarter_starts(sql.run(con, "rollup_all_periods")["period"]))
    from reform import official  # it sums with this module's helpers

    official.rebuild(con)
    index_store.rebuild(con)  # both variants, from both rollups


def sum_periods(con: duckdb.DuckDBPyConnection, periods: list[date]) -> None:
    """Sum the rollup of the given quarters again (the structure tables must be current)."""
    # each statement writes the small side of its joins on the right (the quarters, the weights, the pairs):
    # DuckDB's estimates would build on the values, which the open write transaction has no statistics of
    with db.joins_as_written(con):
        for name in PER_PERIOD:
            sql.execute(con, name, periods=periods)
        compared = compared_periods(periods)
        for name in COMPARED:
            sql.execute(con, name, periods=compared)


def compared_periods(periods: list[date]) -> list[date]:
    """The quarters whose like-for-like comparison reads any of the given ones: each and a year later."""
    return sorted(set(periods) | {p.replace(year=p.year + 1) for p in periods})


def fill_compared(con: duckdb.DuckDBPyConnection) -> None:
    """The like-for-like rows of every stored quarter (a database made before figure_compared)."""
    periods = quarter_starts(sql.run(con, "rollup_all_periods")["period"])
    with db.joins_as_written(con):
        for name in COMPARED:
            sql.execute(con, name, periods=compared_periods(periods))


def _stale_pairs(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(sql.run(con, "rollup_stale_pairs")["stale"].iloc[0])


def quarter_starts(periods: Iterable[object]) -> list[date]:
    """Distinct dates, sorted, from dates, datetimes, Timestamps or ISO strings."""
    if isinstance(periods, pd.Series):  # a period per value: millions of rows, a few distinct quarters
        periods = periods.unique()
    return sorted({_as_date(p) for p in periods if not pd.isna(p)})


def _as_date(p: object) -> date:
    if isinstance(p, datetime):
        return p.date()
    if isinstance(p, date):
        return p
    return pd.Timestamp(p).date()
