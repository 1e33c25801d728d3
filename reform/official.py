"""Official figures (số liệu chính thức): the same figures as the working ones, from approved and
locked values only, read from a rollup kept the same way (issue 14).

official_value holds the values of every unit × quarter that is approved or locked; official_rollup
and official_compared are figure_rollup and figure_compared summed from it. Writes never change them
(a closed unit × quarter takes no write); an approval transition that moves a unit into or out of
approved/locked copies that quarter's values again and sums it again.

The official statements are the working ones with their tables renamed, derived when they are loaded
(reform.sql: "official:<name>"), so there is one text of each and they cannot drift apart.
"""

from __future__ import annotations

from datetime import date

import duckdb

from reform import db, sql

# the working statements that keep the rollup of a quarter, run in their official variant
PER_PERIOD = [sql.official("rollup_delete"), sql.official("rollup_insert")]
COMPARED = [sql.official("rollup_compared_delete"), sql.official("rollup_compared_insert")]


def sync(con: duckdb.DuckDBPyConnection, periods: list[date]) -> None:
    """Copy the approved and locked values of the quarters into official_value and sum them again
    (inside the caller's transaction)."""
    if not periods:
        return
    _copy_and_sum(con, periods)
    from reform import index_store  # it reads the rollups this module keeps

    index_store.refresh(con, periods, official=True)


def _copy_and_sum(con: duckdb.DuckDBPyConnection, periods: list[date]) -> None:
    sql.execute(con, "official_values_delete", periods=periods)
    sql.execute(con, "official_values_insert", periods=periods)
    sum_periods(con, periods)


def sum_periods(con: duckdb.DuckDBPyConnection, periods: list[date]) -> None:
    """official_rollup and official_compared of the quarters, from official_value."""
    from reform import rollup  # rollup calls this module when it rebuilds

    with db.joins_as_written(con):
        for name in PER_PERIOD:
            sql.execute(con, name, periods=periods)
        for name in COMPARED:
            sql.execute(con, name, periods=rollup.compared_periods(periods))


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """Every official table from the states and the values (the unit register or catalogue changed);
    the kept index is made again by the caller (rollup.rebuild), both variants at once."""
    from reform import rollup

    periods = rollup.quarter_starts(sql.run(con, "official_periods")["period"])
    if periods:
        _copy_and_sum(con, periods)
