"""Shared fixtures: a demo database built once per run, and fresh empty databases."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from reform import catalog, db, demo
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
