"""Run the named SQL files of queries/: one statement per file, values bound as $params."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from reform.config import QUERIES_DIR

_PARAM = re.compile(r"(?<![:\w])\$([a-z_][a-z0-9_]*)")

# Official figures (số liệu chính thức, issue 14) are the working figures read from tables kept the same
# way from approved and locked values only: official_value, official_rollup, official_compared and the
# official_ macros. A query named "official:NAME" is NAME's text with those tables, derived when it is
# loaded, so there is one text of each statement and the two can never drift apart.
OFFICIAL = "official:"
_ROLLUP_MACROS = ("figure_groups", "rollup_group_quarter_figures", "rollup_indicator_quarter_figures")
_ROLLUP_MACROS += ("rollup_quarter_figures", "rollup_group_quarter_compared", "rollup_period_figures")
_OFFICIAL_RENAMES = [
    (re.compile(r"\b(from|join)(\s+)value\b"), r"\1\2official_value"),
    (re.compile(r"\bfigure_rollup\b"), "official_rollup"),
    (re.compile(r"\bfigure_compared\b"), "official_compared"),
    (re.compile(r"\b(" + "|".join(_ROLLUP_MACROS) + r"|rollup_value_counts)\b"), r"official_\1"),
]
# the part of schema/R_figure_macros.sql that is defined a second time for the official tables
_MACROS_START = "the same macros, read from the rollup"  # the rest of its line is dashes
_MACROS_END = "-- How many values each unit stored in each quarter"


def official(name: str) -> str:
    """The name of a query's official variant (approved and locked values only)."""
    return name if name.startswith(OFFICIAL) else OFFICIAL + name


def derive_official(sql_text: str) -> str:
    """A working statement's text made to read and write the official tables."""
    for pattern, replacement in _OFFICIAL_RENAMES:
        sql_text = pattern.sub(replacement, sql_text)
    return sql_text


def official_macros(macros_text: str) -> str:
    """The official_ macros: the rollup section of R_figure_macros.sql on the official tables."""
    start = macros_text.rfind("\n", 0, macros_text.index(_MACROS_START)) + 1
    section = macros_text[start : macros_text.index(_MACROS_END)]
    return derive_official(section)


@cache
def text(name: str) -> str:
    """The SQL text of queries/<name>.sql ("official:<name>": its official variant)."""
    if name.startswith(OFFICIAL):
        return derive_official(text(name.removeprefix(OFFICIAL)))
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
