"""A process's read copy of the lake: the tables the analysis pages read, in DuckDB's own memory.

On the lake every query pays a fixed cost of some 30–80 ms (the catalog's look-ups in PostgreSQL, then
the Parquet files), whatever it reads (bench/lake_queries_bench.py). The pages' figures are cached by the
data version already, so a copy of the lake at one snapshot, taken again when the lake changes, answers
them at the embedded file's speed while every write (uploads, approvals, quản trị) and everything that
must read its own write stay on the lake.

`ReadCopies` keeps one copy per process. `fresh_version()` asks the catalog for the lake's latest snapshot
(PostgreSQL directly, well under a millisecond) and, when it moved, whether anything the copy holds changed:
if not, the copy's data version is the data version; if so, it says so (None) and starts one refresh in the
background. A refresh builds a whole new
copy in a new in-memory database and swaps it in: sessions reading the old one finish undisturbed (their
cursors keep it alive), and until the new one is in, reads go to the lake. Tables changed since the
previous copy are read from the lake; the others are taken from the previous copy in memory.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

import duckdb

from reform import db, lake, sql

log = logging.getLogger(__name__)

# written often, read only on the lake (rights, the record, decks): a change there leaves the copy valid
NOT_COPIED = frozenset({"audit", "person", "person_grant", "deck"})
COPY_NAME = "lake"  # what the lake is attached as while a copy is taken
RETRY_SECONDS = 5.0  # after a failed refresh, the next one waits this long (reads stay on the lake meanwhile)


@dataclass(frozen=True)
class ReadCopy:
    """The lake's tables at one snapshot in an in-memory database, with the schema's macros and views."""

    con: duckdb.DuckDBPyConnection
    snapshot: int  # the lake's snapshot the tables were read at
    version: int  # the data version (data_version.sql's cache_version) of those tables
    seconds: float  # how long taking it took
    from_lake: tuple[str, ...] = field(default=())  # the tables read from the lake (the others: previous copy)

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one thread's reads."""
        return self.con.cursor()


def build(target: str, previous: ReadCopy | None = None) -> ReadCopy:
    """Copy the lake's tables (all but NOT_COPIED) at one snapshot into a new in-memory database; tables not
    changed since previous's snapshot come from previous, the others from the lake."""
    start = time.perf_counter()
    con = duckdb.connect(":memory:", config={"extension_directory": str(lake.install_extensions())})
    try:
        # ATTACH takes no parameters: the configured catalog, quoted as an SQL string (never a reader's value)
        con.execute(f"attach '{target.replace(chr(39), chr(39) * 2)}' as {COPY_NAME} (read_only)")
        con.execute("begin transaction")
        # read first: the tables are read at this snapshot or a later one, never an earlier one
        snapshot = int(sql.run(con, "lake_current_snapshot", lake=COPY_NAME)["id"].iloc[0])
        tables = [t for t in sql.run(con, "lake_tables", lake=COPY_NAME)["table_name"] if t not in NOT_COPIED]
        kept = _unchanged(con, previous, tables)
        for table in tables:  # names read from the lake's own catalog
            if table in kept:
                _copy_from(previous, con, table)
            else:
                con.execute(f'create table main."{table}" as from {COPY_NAME}.main."{table}"')
        con.execute("commit")
        con.execute(f"detach {COPY_NAME}")
        for _, text in db.repeatable_texts():
            con.execute(text)
        version = int(sql.run(con, "data_version")["cache_version"].iloc[0])
    except BaseException:
        con.close()
        raise
    fresh = tuple(t for t in tables if t not in kept)
    return ReadCopy(con, snapshot, version, time.perf_counter() - start, fresh)


def _unchanged(con: duckdb.DuckDBPyConnection, previous: ReadCopy | None, tables: list[str]) -> set[str]:
    """The tables no snapshot after previous's changed (none without a previous copy or after a schema change)."""
    if previous is None:
        return set()
    changed = changed_tables(con, COPY_NAME, previous.snapshot)
    return set() if changed is None else set(tables) - changed


def _copy_from(previous: ReadCopy, con: duckdb.DuckDBPyConnection, table: str) -> None:
    # another in-memory database of this process: handed over as Arrow, with no trip to the lake
    rows = previous.cursor().execute(f'from main."{table}"').to_arrow_table()
    con.register("_previous_rows", rows)
    try:
        con.execute(f'create table main."{table}" as from _previous_rows')
    finally:
        con.unregister("_previous_rows")


def changed_tables(con: duckdb.DuckDBPyConnection, lake_name: str, since: int) -> set[str] | None:
    """The names of the tables whose rows changed in the snapshots after since; None when a snapshot did
    anything else (a table created, altered or dropped, a view or a schema): then everything may have."""
    changes = sql.run(con, "lake_changes_since", lake=lake_name, since=since)
    ids: set[str] = set()
    for change in changes["changes"]:
        for kind, values in dict(change).items():
            if kind not in ("tables_inserted_into", "tables_deleted_from"):
                return None
            ids.update(str(v) for v in values)
    if not ids:
        return set()
    names = sql.run(con, "lake_tables", lake=lake_name)
    by_id = dict(zip(names["table_id"].astype(str), names["table_name"], strict=True))
    return {by_id.get(i, f"#{i}") for i in ids}  # an id no longer listed: a dropped table, never NOT_COPIED


class ReadCopies:
    """The read copy of one process and its refreshes: one at a time, in a thread of its own."""

    def __init__(self, target: str) -> None:
        self._target = target
        self._pg = None  # a connection to the catalog's database, for the look-up of every page run
        self._pg_lock = threading.Lock()
        # the current copy and the latest snapshot known to leave it valid, swapped together
        self._state: tuple[ReadCopy, int] | None = None
        self._lock = threading.Lock()  # guards _state's swaps, _refreshing, _failed_at
        self._refreshing = False
        self._failed_at = 0.0
        self._behind: ReadCopy | None = None  # a copy the lake is known to have moved past since
        self.refreshes = 0

    @property
    def current(self) -> ReadCopy | None:
        """The copy pages read now, if any."""
        state = self._state
        return None if state is None else state[0]

    def fresh_version(self, lake_con: duckdb.DuckDBPyConnection) -> int | None:
        """The data version when the copy holds the lake as it is now; None, and a refresh started, otherwise."""
        state = self._state
        if state is None:
            self.refresh_soon()
            return None
        copy, checked = state
        latest = self._latest_snapshot(lake_con)
        if latest <= checked:
            return copy.version
        name = lake_con.execute("select current_database()").fetchone()[0]
        changed = changed_tables(lake_con, name, checked)
        if changed is not None and not (changed - NOT_COPIED):  # only the record, people or decks changed
            with self._lock:
                if self._state is state:
                    self._state = (copy, latest)
            return copy.version
        self._behind = copy  # even at the same data version (a write that moves none): read the lake till the next
        self.refresh_soon()
        return None

    def _latest_snapshot(self, lake_con: duckdb.DuckDBPyConnection) -> int:
        """The lake's latest snapshot, asked of PostgreSQL directly (through DuckDB if that fails)."""
        import psycopg

        with self._pg_lock:
            try:
                if self._pg is None or self._pg.closed:
                    self._pg = psycopg.connect(lake.conninfo(self._target), autocommit=True, connect_timeout=10)
                return int(self._pg.execute(sql.text("pg/lake_latest_snapshot")).fetchone()[0])
            except psycopg.Error:
                log.warning("the lake's catalog could not be asked directly; asking through DuckDB", exc_info=True)
                self._pg = None
        name = lake_con.execute("select current_database()").fetchone()[0]
        return int(sql.run(lake_con, "lake_current_snapshot", lake=name)["id"].iloc[0])

    def cursor(self, version: int) -> duckdb.DuckDBPyConnection | None:
        """A cursor of the copy when it holds this data version and the lake is not known to have moved past
        it; None otherwise (read the lake then)."""
        copy = self.current
        if copy is None or copy.version != version or copy is self._behind:
            return None
        return copy.cursor()

    def refresh_soon(self) -> bool:
        """Start a refresh in the background unless one runs (or one failed a moment ago); whether it started."""
        with self._lock:
            if self._refreshing or time.monotonic() - self._failed_at < RETRY_SECONDS:
                return False
            self._refreshing = True
        threading.Thread(target=self._refresh, name="reform-read-copy", daemon=True).start()
        return True

    def refresh(self) -> ReadCopy | None:
        """Take a new copy now, in this thread, and swap it in (after a refresh already running ends)."""
        while True:
            with self._lock:
                if not self._refreshing:
                    self._refreshing = True
                    break
            time.sleep(0.02)
        return self._refresh()

    def _refresh(self) -> ReadCopy | None:
        try:
            copy = build(self._target, self.current)
        except Exception:
            log.exception("the read copy of the lake could not be refreshed; pages read the lake meanwhile")
            with self._lock:
                self._refreshing, self._failed_at = False, time.monotonic()
            return None
        with self._lock:
            self._state = (copy, copy.snapshot)
            self._refreshing = False
            self.refreshes += 1
        log.info("read copy at snapshot %s in %.2f s (from the lake: %s)", copy.snapshot, copy.seconds, copy.from_lake)
        return copy
