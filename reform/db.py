"""Open the DuckDB file and bring its schema up to date with the numbered migrations."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import duckdb

from reform import lake, locks, sql
from reform.config import QUERIES_DIR

SCHEMA_DIR = QUERIES_DIR / "schema"
FIGURE_MACROS = "R_figure_macros.sql"
_MIGRATION = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")
# Repeatable files (macros and views, all "create or replace") are applied after the numbered
# ones whenever their text changes, so an old database always gets today's definitions.
_REPEATABLE = re.compile(r"^R_([a-z0-9_]+)\.sql$")
COMPARED_VERSION = 9  # figure_compared: filled from the values once it exists
INDEX_SCORE_VERSION = 18  # index_score: every quarter scored once it exists


def migrations() -> list[tuple[int, str, Path]]:
    """Every migration file as (version, name, path), in order."""
    found = []
    for path in SCHEMA_DIR.glob("*.sql"):
        m = _MIGRATION.match(path.name)
        if m:
            found.append((int(m.group(1)), m.group(2), path))
    return sorted(found)


def applied_versions(con: duckdb.DuckDBPyConnection) -> set[int]:
    """Versions already recorded in schema_migrations."""
    con.execute(
        "create table if not exists schema_migrations ("
        "version integer not null, name varchar not null, applied_at timestamp not null)"
    )
    return {row[0] for row in con.execute("select version from schema_migrations").fetchall()}


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """All of the block or nothing: commit when it ends, roll back when it raises."""
    con.execute("begin transaction")
    try:
        yield con
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")


@contextmanager
def write_transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """A transaction under the database's writers' lock: taken first, so the transaction sees every write
    committed before it and no other write runs until it ends."""
    with locks.writer(con), transaction(con):
        yield con


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, **frames: object) -> Iterator[duckdb.DuckDBPyConnection]:
    """DataFrames visible to SQL under the given names for the length of the block."""
    for name, frame in frames.items():
        con.register(name, frame)
    try:
        yield con
    finally:
        for name in frames:
            con.unregister(name)


@contextmanager
def joins_as_written(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """For the length of the block, each hash join builds on the side the query writes on its right,
    not on the side DuckDB estimates smaller: rows written in an open transaction have no statistics
    (a quarter of millions of values counts as none), so the estimate can pick the largest side.
    DuckDB keeps this setting for the database, not the connection: another cursor's query meanwhile
    runs with it too (the same answer, perhaps by a slower plan), so keep the block short."""
    con.execute("set disabled_optimizers = 'build_side_probe_side'")
    try:
        yield con
    finally:
        con.execute("reset disabled_optimizers")


def repeatable_texts() -> list[tuple[str, str]]:
    """(file name, text) of each R_*.sql file as applied: macros and views, all "create or replace"."""
    found = []
    for path in sorted(SCHEMA_DIR.glob("R_*.sql")):
        if not _REPEATABLE.match(path.name):
            continue
        text = path.read_text(encoding="utf-8")
        if path.name == FIGURE_MACROS:  # and the same macros on the official tables, derived from them
            text += "\n" + sql.official_macros(text)
        found.append((path.name, text))
    return found


def apply_repeatable(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Apply the R_*.sql files whose text differs from what was applied last; return their names."""
    con.execute("create table if not exists schema_repeatable (name varchar not null, sha256 varchar not null)")
    done = dict(con.execute("select name, sha256 from schema_repeatable").fetchall())
    applied = []
    for name, text in repeatable_texts():
        digest = hashlib.sha256(text.encode()).hexdigest()
        if done.get(name) == digest:
            continue
        with write_transaction(con):
            con.execute(text)
            con.execute(  # merge, not "insert or replace": a DuckLake table has no key to replace on
                "merge into schema_repeatable as r using (select $n as name, $s as sha256) as s on r.name = s.name "
                "when matched then update set sha256 = s.sha256 when not matched then insert (name, sha256) "
                "values (s.name, s.sha256)",
                {"n": name, "s": digest},
            )
        applied.append(name)
    return applied


def migrate(con: duckdb.DuckDBPyConnection, *, upto: int | None = None) -> list[int]:
    """Apply the pending migrations in order, each in its own transaction, then the repeatable files."""
    with locks.writer(con):  # two processes starting at once must not both apply a migration
        return _migrate(con, upto)


def _migrate(con: duckdb.DuckDBPyConnection, upto: int | None) -> list[int]:
    done = applied_versions(con)
    applied = []
    for version, name, path in migrations():
        if version in done or (upto is not None and version > upto):
            continue
        with transaction(con):
            con.execute(path.read_text(encoding="utf-8"))
            con.execute(
                "insert into schema_migrations values ($v, $n, $t)",
                {"v": version, "n": name, "t": datetime.now()},
            )
        applied.append(version)
    if COMPARED_VERSION in applied:
        _fill_compared(con)
    if INDEX_SCORE_VERSION in applied:
        _fill_index(con)
    if upto is None:
        apply_repeatable(con)
    return applied


def held_elsewhere(exc: BaseException) -> bool:
    """Whether DuckDB refused to open the file because another process has it open (the dashboard, a command)."""
    text = str(exc)
    return isinstance(exc, duckdb.IOException) and ("Could not set lock" in text or "Conflicting lock" in text)


def _fill_compared(con: duckdb.DuckDBPyConnection) -> None:
    # the migration makes the table; the rows come from the same statements the writer runs
    from reform import rollup  # rollup needs this module: imported here, not at the top

    with transaction(con):
        rollup.fill_compared(con)


def _fill_index(con: duckdb.DuckDBPyConnection) -> None:
    # a database made before the kept index: every quarter scored once, as the writer keeps them
    from reform import index_store

    with transaction(con):
        index_store.rebuild(con)


def connect(path: Path | str, *, read_only: bool = False, data_path: Path | None = None) -> duckdb.DuckDBPyConnection:
    """Open (or create) the database, apply pending migrations and repair a torn write (see
    invariants.repair: rows of an upload whose row is absent, left by a crash during a commit).

    path is a DuckDB file, ":memory:", or a DuckLake catalog "ducklake:postgres:<conninfo>" whose Parquet
    files go to data_path (see reform.lake; needed only the first time, when the catalog is created)."""
    if lake.is_lake(path):
        con = lake.open_lake(str(path), data_path)
    else:
        if str(path) != ":memory:" and not read_only:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(path), read_only=read_only)
    if not read_only:
        migrate(con)
        from reform import invariants  # it builds on this module (transactions, the rollup)

        invariants.repair(con)
    return con
