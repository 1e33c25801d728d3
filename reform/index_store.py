"""The composite reform index kept per quarter (table index_score), refreshed by the writer.

Scoring a scope's children ranks them among every peer of their frame (thousands of units at province
scale) with 1,000 draws: too slow for each view. The writer scores every unit of every peer frame once per
quarter, inside the transaction of the write that changed the quarter, and the readers select a scope's
children (reform/index.py compute). A quarter's rows also hold the rank a year earlier, so a write to a
quarter scores it again and the quarter a year later. The rows record the weights version; a new weights
table scores every quarter again.

A write of values does not score inside its transaction (at national scale every peer of 55,000 units,
minutes): it marks the quarters out of date (table index_stale) and removes their rows, and catch_up()
scores them right after the commit. Meanwhile the readers find no kept rows and score on the spot.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import duckdb
import pandas as pd

from reform import index, sql
from reform.db import registered, write_transaction

# units x quarters scored by one statement: many quarters at once spread the planning of a small register's
# rebuild, few at once bound the memory at province scale (the rows grow with units x parts x quarters)
RUN_UNIT_QUARTERS = 12_000


def score_quarters(con: duckdb.DuckDBPyConnection, quarters: list[date], *, official: bool) -> pd.DataFrame:
    """Every unit of every peer frame scored for each of the quarters, in the columns of index_score."""
    out = []
    for f in sql.run(con, "index_frames").itertuples():
        for first, last in _runs(con, quarters, max(1, RUN_UNIT_QUARTERS // max(int(f.units), 1))):
            rows = _scored(con, f.scope, first, last, official=official)
            rows = rows[rows["quarter"].isin(quarters)]
            for quarter, one in rows.groupby("quarter", sort=True):
                one = one.drop(columns=["quarter", "is_child"])
                robust = index.robustness_of(index.matrices(one))  # every peer: any scope of the frame reads them
                one = one.merge(robust, on="unit_code", how="left")
                out.append(one.assign(official=official, period=quarter, frame_code=f.frame_code, level=int(f.level)))
    return pd.concat(out, ignore_index=True) if out else pd.DataFrame()


def _scored(con: duckdb.DuckDBPyConnection, scope: str, first: date, last: date, *, official: bool) -> pd.DataFrame:
    name = sql.official("index_quarters") if official else "index_quarters"
    rows = sql.run(con, name, scope=scope, **{"from": first, "to": last}, min_cases=index.MIN_CASES)
    if rows.empty:
        return rows
    rows["quarter"] = pd.to_datetime(rows["quarter"]).dt.date
    # the order index.compute() scores in, so that the draws' weights fall on the same parts
    weights = sql.run(con, "index_weights_all")
    order = {(v, p): i for i, (v, p) in enumerate(zip(weights["version"], weights["part"], strict=True))}
    keys = pd.Series(list(zip(rows["version"], rows["part"], strict=True)), index=rows.index).map(order)
    return rows.assign(_o=keys).sort_values(["quarter", "unit_code", "_o"]).drop(columns="_o")


def _runs(con: duckdb.DuckDBPyConnection, quarters: list[date], longest: int) -> list[tuple[date, date]]:
    """The quarters as runs (first, last) of at most `longest` consecutive quarters within one epoch of the
    unit register: one statement scores a run (a write: its quarter and the one a year later, apart)."""
    starts = list(pd.to_datetime(sql.run(con, "index_epochs")["as_of"]).dt.date)
    runs: list[list[date]] = []
    for q in sorted(set(quarters)):
        epoch = max((s for s in starts if s <= q), default=None)
        last = runs[-1][-1] if runs else None
        follows = last is not None and _next_quarter(last) == q
        same_epoch = max((s for s in starts if s <= last), default=None) == epoch if follows else False
        if same_epoch and len(runs[-1]) < longest:
            runs[-1].append(q)
        else:
            runs.append([q])
    return [(r[0], r[-1]) for r in runs]


def _next_quarter(q: date) -> date:
    return date(q.year + 1, 1, 1) if q.month == 10 else date(q.year, q.month + 3, 1)


def refresh(con: duckdb.DuckDBPyConnection, quarters: Iterable[date], *, official: bool = False) -> None:
    """Score again the given quarters and the quarters a year later (inside the caller's transaction);
    of those, only the quarters a rebuild keeps (see kept_quarters) hold rows afterwards."""
    _score_again(con, _with_next_year(quarters), official=official)


def _score_again(con: duckdb.DuckDBPyConnection, quarters: list[date], *, official: bool) -> None:
    """Replace the kept rows of exactly these quarters (those a rebuild keeps hold rows afterwards)."""
    if not quarters:
        return
    sql.execute(con, "index_score_delete", official=official, periods=quarters)
    wanted = sorted(set(quarters) & set(kept_quarters(con, official=official)))
    if wanted:
        _keep(con, score_quarters(con, wanted, official=official))


def mark(con: duckdb.DuckDBPyConnection, quarters: Iterable[date], *, official: bool = False) -> None:
    """Mark the given quarters and the quarters a year later out of date and remove their kept rows, inside
    the caller's transaction: what refresh() would score, left to catch_up() after the commit."""
    touched = _with_next_year(quarters)
    if not touched:
        return
    sql.execute(con, "index_score_delete", official=official, periods=touched)
    sql.execute(con, "index_stale_mark", official=official, periods=touched)


def stale(con: duckdb.DuckDBPyConnection) -> dict[bool, list[date]]:
    """The quarters marked out of date, per variant (official: True)."""
    found = sql.run(con, "index_stale_read")
    return {bool(o): sorted(pd.to_datetime(g["period"]).dt.date) for o, g in found.groupby("official", sort=True)}


def catch_up(con: duckdb.DuckDBPyConnection) -> dict[bool, list[date]]:
    """Score every quarter marked out of date and remove the marks, in a transaction of its own under the
    writers' lock (not inside another transaction); return what it scored, per variant."""
    with write_transaction(con):
        marked = stale(con)  # read under the lock: a write that marks more waits for this one
        for official, quarters in marked.items():
            _score_again(con, quarters, official=official)
            sql.execute(con, "index_stale_clear", official=official, periods=quarters)
    return marked


def rebuild(con: duckdb.DuckDBPyConnection) -> None:
    """The whole kept index, both variants, from the rollups (inside the caller's transaction); no quarter
    stays marked out of date."""
    sql.execute(con, "index_score_clear")
    sql.execute(con, "index_stale_clear_all")
    for official in (False, True):
        quarters = kept_quarters(con, official=official)
        if quarters:
            _keep(con, score_quarters(con, quarters, official=official))


def kept_quarters(con: duckdb.DuckDBPyConnection, *, official: bool) -> list[date]:
    """The quarters with values of the variant and the quarters a year later: those the index keeps."""
    from reform import rollup  # rollup calls this module

    return _with_next_year(rollup.quarter_starts(sql.run(con, "index_kept_quarters", official=official)["period"]))


def _with_next_year(quarters: Iterable[date]) -> list[date]:
    quarters = list(quarters)
    return sorted(set(quarters) | {q.replace(year=q.year + 1) for q in quarters})


def _keep(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    if rows.empty:
        return
    with registered(con, scored=rows):
        sql.execute(con, "index_score_insert")
