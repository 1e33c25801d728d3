"""What stored data must satisfy after every write, and the repair of a write torn by a crash.

The kept index of a quarter is current or marked out of date (a write committed, its index not scored yet:
index_store.catch_up); check() says which it must be, and repair() scores the marked quarters.

check() is what the tests run after every write; repair() is what opening a database runs, so that a
write the process never finished (its upload row absent) leaves no trace in the figures.
"""

from __future__ import annotations

import logging
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from reform import index_store, locks, rollup, sql
from reform.db import transaction

log = logging.getLogger(__name__)

# The tables the writer keeps in step with the values (reform/rollup.py): their key columns and the
# numbers that a rebuild may sum in another order.
ROLLUP_TABLES: dict[str, tuple[list[str], list[str]]] = {
    "figure_epoch": (["as_of", "until"], []),
    "figure_pair": (["numerator", "denominator"], []),
    "figure_weight": (["as_of", "scope_code", "unit_code"], ["w"]),
    "figure_rollup": (
        ["as_of", "scope_code", "period", "indicator_code", "pair_code"],
        ["num", "den", "units_reported"],
    ),
    "unit_period_count": (["unit_code", "period"], ["values_stored"]),
    "scope_period_count": (["scope_code", "period"], ["values_stored"]),
    # the official figures: approved and locked values only (reform/official.py)
    "official_value": (["unit_code", "period", "indicator_code"], ["value", "upload_id"]),
    "official_rollup": (
        ["as_of", "scope_code", "period", "indicator_code", "pair_code"],
        ["num", "den", "units_reported"],
    ),
    "official_compared": (
        ["as_of", "scope_code", "period", "indicator_code", "pair_code"],
        ["num", "den", "num_prev", "den_prev", "units_compared"],
    ),
    # the composite index kept per quarter, both variants (reform/index_store.py)
    "index_score": (
        ["official", "period", "frame_code", "level", "unit_code", "part"],
        ["value", "den", "part_score", "eff_points", "score", "score_geo", "rank", "peers", "previous_score"]
        + ["previous_rank", "median_rank", "rank_low", "rank_high", "tier_change_share"],
    ),
}


def check(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Every way the stored data breaks an invariant, in words; empty when it is sound."""
    cur = con.cursor()  # its own transaction: the caller's (if any) is left alone
    try:
        return _duplicates(cur) + _orphans(cur) + _history(cur) + _approval(cur) + _rollup(cur)
    finally:
        cur.close()


def _duplicates(con: duckdb.DuckDBPyConnection) -> list[str]:
    r = sql.run(con, "invariant_duplicate_keys").iloc[0]
    return [f"value: {int(r['keys'])} keys stored more than once (e.g. {r['example']})"] if r["keys"] else []


def _orphans(con: duckdb.DuckDBPyConnection) -> list[str]:
    found = sql.run(con, "invariant_orphans")
    return [
        f"{r.tbl}: {r.n} rows of {r.period:%Y-%m-%d} from upload {r.upload_id}, which does not exist"
        for r in found.itertuples()
    ]


def _history(con: duckdb.DuckDBPyConnection) -> list[str]:
    words = {
        "old_value": "a change whose old value is not the previous change's new value",
        "repeated": "two changes by one upload",
        "stored": "a last change's new value that is not the stored value",
    }
    found = sql.run(con, "invariant_history_breaks")
    return [f"value_history: {r.keys} keys with {words[r.kind]} (e.g. {r.example})" for r in found.itertuples()]


def _approval(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The approval tables: known states and units, bottom-up approval, each state its last transition's."""
    words = {
        "state": "a state that is not submitted, approved or locked",
        "unit": "a unit not in the register",
        "bottom_up": "an approved or locked unit with a unit below it that is not",
        "transition": "a state that is not the one its last transition reached",
        "twice": "a key stored twice (a unit × quarter state or exception, or a transition id)",
    }
    found = sql.run(con, "invariant_approval")
    return [f"report_state: {r.n} rows with {words[r.kind]} (e.g. {r.example})" for r in found.itertuples()]


def _rollup(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The rollup tables against a rebuild from the values, made in a transaction that is rolled back."""
    with locks.writer(con):  # a rebuild writes, even if it is rolled back: not beside another write
        con.execute("begin transaction")
        try:
            kept = {name: con.table(name).df() for name in ROLLUP_TABLES}
            marked = sql.run(con, "index_stale_read")  # before the rebuild, which scores them
            rollup.rebuild(con)
            rebuilt = {name: con.table(name).df() for name in ROLLUP_TABLES}
        finally:
            con.execute("rollback")
    problems, rebuilt["index_score"] = _out_of_date(kept["index_score"], rebuilt["index_score"], marked)
    for name, (keys, numbers) in ROLLUP_TABLES.items():
        problems += _differences(name, kept[name], rebuilt[name], keys, numbers)
    return problems


def _out_of_date(kept: pd.DataFrame, rebuilt: pd.DataFrame, marked: pd.DataFrame) -> tuple[list[str], pd.DataFrame]:
    """The kept index of each quarter equals a rebuild or the quarter is marked out of date (index_stale)
    and keeps no rows: the problems of the marked quarters, and the rebuild without them to compare with."""
    if marked.empty:
        return [], rebuilt
    key = ["official", "period"]
    marked = marked.assign(period=pd.to_datetime(marked["period"]), _marked=True)[[*key, "_marked"]]

    def is_marked(rows: pd.DataFrame) -> np.ndarray:
        rows = rows[key].assign(period=pd.to_datetime(rows["period"]))
        return rows.merge(marked, on=key, how="left")["_marked"].fillna(False).to_numpy(dtype=bool)

    left = kept[is_marked(kept)]
    problems = []
    if len(left):
        first = left.iloc[0]
        problems.append(
            f"index_score: {len(left)} rows of quarters marked out of date, e.g. {first['period']} "
            f"official={first['official']}"
        )
    return problems, rebuilt[~is_marked(rebuilt)]


def _differences(
    name: str, kept: pd.DataFrame, rebuilt: pd.DataFrame, keys: list[str], numbers: list[str]
) -> list[str]:
    if kept.duplicated(keys).any():
        return [f"{name}: {int(kept.duplicated(keys).sum())} rows repeat a key"]
    both = kept.merge(rebuilt, on=keys, how="outer", suffixes=("", "_rebuilt"), indicator=True)
    problems = []
    for side, words in (("left_only", "not in a rebuild"), ("right_only", "missing (a rebuild has them)")):
        rows = both[both["_merge"] == side]
        if len(rows):
            problems.append(f"{name}: {len(rows)} rows {words}, e.g. {rows[keys].iloc[0].tolist()}")
    matched = both[both["_merge"] == "both"]
    for col in numbers:
        a, b = matched[col].astype(float).to_numpy(), matched[f"{col}_rebuilt"].astype(float).to_numpy()
        off = ~np.isclose(a, b, rtol=1e-9, atol=1e-9, equal_nan=True)  # a score may be null on both sides
        if off.any():
            first = matched[off].iloc[0]
            problems.append(
                f"{name}: {int(off.sum())} rows where {col} differs from a rebuild, "
                f"e.g. {first[keys].tolist()}: {first[col]} against {first[f'{col}_rebuilt']}"
            )
    return problems


def repair(con: duckdb.DuckDBPyConnection) -> list[date]:
    """Remove what a write left without its upload row, put back the values it replaced, and sum the
    quarters it touched again (also quarters whose value counts drifted from the values); return them."""
    with locks.writer(con):
        if index_store.stale(con):  # a write committed but was stopped before scoring its quarters' index
            index_store.catch_up(con)
        orphans = sql.run(con, "invariant_orphans")
        drift = sql.run(con, "repair_count_drift")
        quarters = rollup.quarter_starts(pd.concat([orphans["period"], drift["period"]]))
        if not quarters:
            return []
        with transaction(con):
            sql.execute(con, "repair_delete_values")
            sql.execute(con, "repair_restore_values")
            sql.execute(con, "repair_delete_history")
            rollup.refresh(con, quarters)
    ids = sorted(set(orphans["upload_id"].astype(int)))
    log.warning(
        "repaired a write that never committed: removed %d rows of uploads %s that do not exist; "
        "summed again quarters %s",
        int(orphans["n"].sum()),
        ids,
        [q.isoformat() for q in quarters],
    )
    return quarters
