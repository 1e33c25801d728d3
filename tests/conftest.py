"""Shared fixtures: a demo database built once per run, and fresh empty databases."""

from __future__ import annotations

import itertools
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reform import catalog, db, demo, invariants, localpg, store
from reform.config import DEFAULT_DATA_DIR

PROJECT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def demo_db_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo province built once through the real write path; copy it before writing."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.connect(path)
    demo.load(con, DEFAULT_DATA_DIR)
    con.close()
    return path


@pytest.fixture
def demo_db(demo_db_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo database."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_master, path)
    return path


@pytest.fixture
def demo_con(demo_db: Path) -> duckdb.DuckDBPyConnection:
    con = db.connect(demo_db)
    yield con
    con.close()


@pytest.fixture
def empty_con(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    """A migrated database with the catalogue loaded and nothing else."""
    con = db.connect(tmp_path / "empty.duckdb")
    catalog.sync(con, DEFAULT_DATA_DIR)
    yield con
    con.close()


PG_PORT = int(os.environ.get("REFORM_TEST_PG_PORT", "55451"))
_lake_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> localpg.Server:
    """A PostgreSQL server of the test run (the DuckLake catalogs), in a temporary folder, stopped by its PID.
    Skipped, with the reason, only where PostgreSQL is not installed (CI installs it)."""
    if localpg.bin_dir() is None:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl): the lake tests need it")
    # not under pytest's own temporary folder: that is private to this user, and PostgreSQL runs as its own
    folder = Path(tempfile.mkdtemp(prefix="reform-pg-"))
    server = localpg.start(folder, PG_PORT, databases=())
    yield server
    localpg.stop(server)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def lake_target(pg_server: localpg.Server, tmp_path: Path) -> tuple[str, Path]:
    """A new, empty DuckLake: ("ducklake:postgres:<conninfo>", its data folder)."""
    name = f"lake_{os.getpid()}_{next(_lake_numbers)}"
    localpg.create_database(pg_server, name)
    return "ducklake:postgres:" + pg_server.conninfo(name), tmp_path / "lake_data"


@pytest.fixture
def lake_con(lake_target: tuple[str, Path]) -> duckdb.DuckDBPyConnection:
    """A migrated lake with the catalogue loaded and nothing else (empty_con on DuckLake)."""
    con = db.connect(lake_target[0], data_path=lake_target[1])
    catalog.sync(con, DEFAULT_DATA_DIR)
    yield con
    con.close()


WRITES = ("write_values", "undo", "replace_units")  # every write of values, history and rollup goes through one


@pytest.fixture
def checked_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Run invariants.check after every write the test makes (also one that fails and rolls back):
    a write that breaks an invariant fails the test where it happens, and again at its end."""
    found: list[str] = []

    def checked(write):
        def run_and_check(con, *args, **kwargs):
            try:
                return write(con, *args, **kwargs)
            finally:
                problems = invariants.check(con)
                found.extend(problems)
                assert not problems, problems

        return run_and_check

    for name in WRITES:
        monkeypatch.setattr(store, name, checked(getattr(store, name)))
    yield found
    assert not found


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium driven by Playwright, one per test process: the browser and the cluster tests
    share it (a second sync Playwright in the same process is refused)."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM_ARGS, chromium_path

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()
