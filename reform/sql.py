"""Run the named SQL files of queries/: one statement per file, values bound as $params."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from reform.config import QUERIES_DIR

_PARAM = re.compile(r"(?<![:\w])\$([a-z_][a-z0-9_]*)")


@cache
def text(name: str) -> str:
    """The SQL text of queries/<name>.sql."""
    path = QUERIES_DIR / f"{name}.sql"
    if not path.is_file():
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR.name}/")
    return path.read_text(encoding="utf-8")


def params_of(name: str) -> set[str]:
    """The $parameters the query uses."""
    return set(_PARAM.findall(_strip_comments(text(name))))


def _strip_comments(sql: str) -> str:
    return "\n".join(line.split("--", 1)[0] for line in sql.splitlines())


def run(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """Run a query file with named parameters and return the result as a DataFrame."""
    return con.execute(text(name), params or None).df()


def execute(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> None:
    """Run a statement file (insert, update, ...) that returns nothing of interest."""
    con.execute(text(name), params or None)


def names() -> list[str]:
    """Every query name in queries/ (schema files excluded)."""
    return sorted(p.stem for p in Path(QUERIES_DIR).glob("*.sql"))
