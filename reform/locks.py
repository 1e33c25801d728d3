"""One writer at a time per database: the writers' lock every write takes before its transaction.

DuckDB's own concurrency control lets two transactions of one process both decide that a key is new
and both insert it (values stored twice), or fails the second at "Conflict on update!". Serialising
the writes removes both: a write takes the lock, then opens its transaction, so it sees every write
that committed before it and none that commits during it.

`WriterLock` is the interface; `FileWriterLock` implements it for the embedded file: a re-entrant lock
per database shared by every thread and cursor of the process, plus an OS lock on a file beside the
database for other processes. A backend with a server (a PostgreSQL advisory lock for a lake catalog)
implements the same two methods and registers itself with `use()`.
"""

from __future__ import annotations

import fcntl
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import duckdb
import pandas as pd

from reform import sql

WAIT_SECONDS = 120.0  # a province-scale first upload commits in seconds; past this something is stuck


class LockBusy(RuntimeError):
    """The writers' lock could not be had in time; message in Vietnamese."""


class WriterLock(Protocol):
    """What a backend offers: hold the lock for a block, re-entrant within a thread."""

    def acquire(self, timeout: float) -> bool:
        """Take the lock (again, if this thread holds it); False when not had within timeout seconds."""

    def release(self) -> None:
        """Give back one acquire."""


class FileWriterLock:
    """A re-entrant in-process lock plus an exclusive flock on `<database>.lock` while held."""

    def __init__(self, lock_path: Path | None) -> None:
        self._thread_lock = threading.RLock()
        self._lock_path = lock_path
        self._depth = 0  # how many times the holding thread acquired; touched only while holding
        self._fd: int | None = None

    def acquire(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        if not self._thread_lock.acquire(timeout=max(timeout, 0.0)):
            return False
        if self._depth == 0 and self._lock_path is not None and not self._lock_file(deadline):
            self._thread_lock.release()
            return False
        self._depth += 1
        return True

    def release(self) -> None:
        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._thread_lock.release()

    def _lock_file(self, deadline: float) -> bool:
        fd = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(0.05)
                continue
            self._fd = fd
            return True


_registry: dict[str, WriterLock] = {}
_registry_guard = threading.Lock()


def file_lock(path: str | None) -> WriterLock:
    """The embedded file's lock: in process, and on `<database>.lock` when the database is a file."""
    return FileWriterLock(Path(path + ".lock") if path else None)


_factory: Callable[[str | None], WriterLock] = file_lock


def use(factory: Callable[[str | None], WriterLock]) -> None:
    """Make later lock_for() calls build their locks with factory (database path or None → lock)."""
    global _factory
    with _registry_guard:
        _factory = factory
        _registry.clear()


def factory() -> Callable[[str | None], WriterLock]:
    """The factory lock_for() builds new locks with."""
    return _factory


def database_path(con: duckdb.DuckDBPyConnection) -> str | None:
    """The file of the connection's current database (a DuckLake's catalog, "postgres:…", as it is); None in
    memory."""
    df = sql.run(con, "database_path")
    path = None if df.empty else df["path"].iloc[0]
    if path is None or pd.isna(path):
        return None
    return str(path) if df["type"].iloc[0] == "ducklake" else str(Path(path).resolve())


def lock_for(con: duckdb.DuckDBPyConnection) -> WriterLock:
    """The one writers' lock of the connection's database (every cursor of it shares it)."""
    path = database_path(con)
    key = path or ":memory:"  # databases in memory are private to a connection: one lock serves them all
    with _registry_guard:
        if key not in _registry:
            _registry[key] = _factory(path)
        return _registry[key]


_writes_ended = 0  # how many writer() blocks of this process have ended (see writes_ended)


def writes_ended() -> int:
    """A number that changes whenever a write of this process ends (its commit done, its lock given back).
    The embedded file has no other writer while this process holds it, so what is read from it stays true
    until this number moves."""
    return _writes_ended


@contextmanager
def writer(con: duckdb.DuckDBPyConnection, *, timeout: float = WAIT_SECONDS) -> Iterator[None]:
    """Hold the database's writers' lock for the block (re-entrant); LockBusy when it is not had in time."""
    global _writes_ended
    lock = lock_for(con)
    if not lock.acquire(timeout):
        raise LockBusy(
            "Một lần ghi khác vào cơ sở dữ liệu chưa xong sau "
            f"{int(timeout)} giây; chưa lưu gì, hãy thử lại sau ít phút."
        )
    try:
        yield
    finally:
        lock.release()
        _writes_ended += 1  # after the release: a reader that sees the new number sees the commit
