"""DuckLake with a PostgreSQL catalog: the engine when more than one process or machine serves the data.

`REFORM_DB=ducklake:postgres:<libpq conninfo>` names the catalog; `REFORM_LAKE_DATA_PATH` the folder of
its Parquet files (a folder every machine mounts at the same path; object storage is the next step). The
catalog remembers the data path given the first time; later opens read it from there.

The extensions come from the pinned Python packages (duckdb-extension-ducklake, -postgres-scanner) and
are installed from their files into a folder of this environment: nothing is fetched from the internet.
The lake is opened as the main database (with ATTACH + USE, cursors do not inherit USE: every query of
another thread would miss the tables).

Writers are serialised by a PostgreSQL advisory lock on the catalog's server (`AdvisoryLock`): every
process on every machine sees it, and it is released by PostgreSQL when a process dies.
"""

from __future__ import annotations

import fcntl
import importlib.util
import logging
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from reform import locks, sql

log = logging.getLogger(__name__)

PREFIX = "ducklake:"
CATALOG_PREFIX = "ducklake:postgres:"
EXTENSIONS = ("ducklake", "postgres_scanner")
LOCK_KEY = 0x7265_666F_726D  # "reform": one advisory lock for the writers of the database
# the catalog's folder in PostgreSQL terms: DuckLake names its tables ducklake_*
_CATALOG_TABLE = "ducklake_metadata"


class LakeError(RuntimeError):
    """The lake cannot be opened as configured; message in Vietnamese."""


def is_lake(target: object) -> bool:
    """Whether a REFORM_DB value (or --db) names a DuckLake catalog rather than a file."""
    return str(target).startswith(PREFIX)


def conninfo(target: str) -> str:
    """The libpq connection string of a `ducklake:postgres:` target."""
    if not target.startswith(CATALOG_PREFIX):
        raise LakeError("Chỉ hỗ trợ danh mục DuckLake trên PostgreSQL: REFORM_DB=ducklake:postgres:dbname=… host=…")
    return target[len(CATALOG_PREFIX) :]


def extension_dir() -> Path:
    """The private folder the extensions are installed into (inside this Python environment)."""
    return Path(sys.prefix) / "share" / "reform-duckdb-extensions"


def _wheel_file(name: str) -> Path:
    spec = importlib.util.find_spec(f"duckdb_extension_{name}")
    if spec is None or not spec.submodule_search_locations:
        package = f"duckdb-extension-{name.replace('_', '-')}=={duckdb.__version__}"
        raise RuntimeError(f"Thiếu gói {package} (requirements.txt)")
    folder = Path(next(iter(spec.submodule_search_locations)))
    return folder / "extensions" / f"v{duckdb.__version__}" / f"{name}.duckdb_extension"


def install_extensions() -> Path:
    """Install the extensions from the pinned packages' files once; return the extension folder."""
    target = extension_dir()
    target.mkdir(parents=True, exist_ok=True)
    missing = [n for n in EXTENSIONS if not any(target.rglob(f"{n}.duckdb_extension"))]
    if not missing:
        return target
    with (target / ".install.lock").open("w") as guard:  # two processes starting at once install once
        fcntl.flock(guard, fcntl.LOCK_EX)
        con = duckdb.connect(config={"extension_directory": str(target)})
        try:
            for name in missing:
                if not any(target.rglob(f"{name}.duckdb_extension")):
                    con.execute(f"install '{_wheel_file(name)}'")  # a path of an installed package, not input
        finally:
            con.close()
    return target


def _initialised(info: str) -> bool:
    import psycopg

    with psycopg.connect(info, connect_timeout=10) as pg:
        return pg.execute("select to_regclass(%s) is not null", (_CATALOG_TABLE,)).fetchone()[0]


def _initialise(target: str, data_path: Path, ext: Path) -> None:
    """The first attach writes the catalog's tables and stores the data path in them."""
    data_path.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(config={"extension_directory": str(ext)})
    try:  # ATTACH takes no parameters: the two texts are quoted as SQL strings
        quoted_t = target.replace("'", "''")
        quoted_d = (str(data_path.resolve()) + "/").replace("'", "''")
        con.execute(f"attach '{quoted_t}' as lake (data_path '{quoted_d}')")
        # no rows kept inline in the catalog: flushing them (maintain) from one process broke the reads of
        # another process that had the lake open (an internal error in the inlined-data reader, 1.5.5)
        sql.execute(con, "lake_no_inlining")
    finally:
        con.close()


def open_lake(target: str, data_path: Path | None) -> duckdb.DuckDBPyConnection:
    """Open the lake as the main database; the first time, create its catalog with the data path."""
    info = conninfo(target)
    ext = install_extensions()
    use_advisory_lock()
    if not _initialised(info):
        if data_path is None:
            raise LakeError("Danh mục DuckLake mới cần thư mục dữ liệu: đặt REFORM_LAKE_DATA_PATH.")
        lock = AdvisoryLock(info)  # two processes creating the catalog at once: one does it (ducklake#243)
        if not lock.acquire(locks.WAIT_SECONDS):
            raise locks.LockBusy("Một tiến trình khác đang tạo danh mục DuckLake; hãy thử lại sau ít phút.")
        try:
            if not _initialised(info):
                _initialise(target, data_path, ext)
        finally:
            lock.release()
    return duckdb.connect(target, config={"extension_directory": str(ext)})


class AdvisoryLock:
    """The writers' lock of a lake: a re-entrant in-process lock plus PostgreSQL's session advisory lock
    LOCK_KEY on the catalog's server, held on a connection of its own while the lock is held."""

    def __init__(self, info: str) -> None:
        self._info = info
        self._thread_lock = threading.RLock()
        self._depth = 0  # touched only while holding _thread_lock
        self._pg = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=max(timeout, 0.0)):
            return False
        if self._depth == 0:
            try:
                had = self._lock_server(deadline)
            except BaseException:
                self._thread_lock.release()
                raise
            if not had:
                self._thread_lock.release()
                return False
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        try:
            if self._depth == 0 and self._pg is not None:
                try:
                    self._pg.execute("select pg_advisory_unlock(%s)", (LOCK_KEY,))
                except Exception:  # the connection broke: PostgreSQL released the lock with the session
                    self._drop_connection()
        finally:
            self._thread_lock.release()

    def _connection(self):
        import psycopg

        if self._pg is None or self._pg.closed:
            self._pg = psycopg.connect(self._info, autocommit=True, connect_timeout=10)
        return self._pg

    def _drop_connection(self) -> None:
        try:
            if self._pg is not None:
                self._pg.close()
        finally:
            self._pg = None

    def _lock_server(self, deadline: float) -> bool:
        import psycopg

        for attempt in range(2):  # a connection PostgreSQL closed meanwhile (restart): one fresh try
            try:
                pg = self._connection()
                while True:
                    if pg.execute("select pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
                        return True
                    if time.monotonic() >= deadline:
                        return False
                    time.sleep(0.05)
            except psycopg.OperationalError:
                self._drop_connection()
                if attempt:
                    raise
        return False


def writer_lock(path: str | None) -> locks.WriterLock:
    """The lock factory for locks.use(): a lake's advisory lock, the file lock for anything else."""
    if path and path.startswith("postgres:"):
        return AdvisoryLock(path[len("postgres:") :])
    return locks.file_lock(path)


def use_advisory_lock() -> None:
    """Register writer_lock with locks once (a second registration would drop the locks already held)."""
    if locks.factory() is not writer_lock:
        locks.use(writer_lock)


def maintain(con: duckdb.DuckDBPyConnection, *, older_than_hours: float = 24.0) -> dict[str, int]:
    """Flush inlined rows into Parquet, merge small adjacent files, expire snapshots older than the given
    hours and delete the files only they used (a query running since then may still read newer ones).
    Never deletes orphaned files nor uses cleanup_all: that removed a concurrent writer's uncommitted file.
    Returns how many tables were flushed, files merged, snapshots expired, files deleted, and the Parquet
    files on disk before and after."""
    name = con.execute("select current_database()").fetchone()[0]
    age = timedelta(hours=older_than_hours)
    folder = Path(sql.run(con, "lake_data_path", lake=name)["data_path"].iloc[0])
    done = {"files_before": _parquet_files(folder)}
    with locks.writer(con):  # merging rewrites files a writer may be replacing: one at a time
        done["flushed"] = len(sql.run(con, "lake_flush_inlined", lake=name))
        done["merged"] = len(sql.run(con, "lake_merge_files", lake=name))
        # each cutoff taken when its step starts: files the merge just replaced count from now
        done["expired"] = len(sql.run(con, "lake_expire_snapshots", lake=name, older_than=datetime.now(UTC) - age))
        done["deleted"] = len(sql.run(con, "lake_cleanup_old_files", lake=name, older_than=datetime.now(UTC) - age))
    done["files_after"] = _parquet_files(folder)
    return done


def _parquet_files(folder: Path) -> int:
    return sum(1 for _ in folder.rglob("*.parquet")) if folder.is_dir() else 0
