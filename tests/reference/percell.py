"""The per-cell reading, kept only as the reference of the tests: one Python object per cell, checked one by one.

reform/checks.py reads every table as columns; the tests prepare each file both ways and compare the
reports, rows to store, summaries and changes. This is how uploads were read before the columns came:
ingest.extract builds a Cell per value and validate.check_cell checks each in file order.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import duckdb
import numpy as np
import pandas as pd

from reform import importer, ingest, periods, policy, store, validate
from reform.config import settings
from reform.ingest import Cell, Column, Grid, Table


def prepare(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    period: periods.Period | None = None,
    max_bytes: int | None = None,
    today: date | None = None,
    person: policy.Person | None = None,
) -> importer.Prepared:
    """importer.prepare the per-cell way: the Grid read in this process, a Cell per value, checked one by one."""
    limit = max_bytes if max_bytes is not None else settings().max_upload_bytes
    lookup = importer.checks.lookup_of(con)
    grid = ingest.read(data, file_name, max_bytes=limit, lookup=lookup)
    report = check(con, grid, extract(grid, lookup), period=period, today=today)
    if person is not None:
        importer.refuse_foreign_units(con, person, grid, report)
    importer.refuse_closed_quarters(con, grid, report)
    preview = store.preview_values(con, report.rows)
    return importer.Prepared(file_name, store.sha256(data), grid, report, preview, "cells")


def extract(grid: Grid, indicators: dict[str, str]) -> Table:
    """The cells of the table in the grid; raise IngestError when no header can be found."""
    table, by_role = ingest.frame(grid, indicators)
    for row_no in ingest.data_rows(grid, table, by_role):
        _read_row(table, grid.rows[row_no - 1], row_no, by_role)
    return table


def _read_row(table: Table, row: list[object], row_no: int, by_role: dict[str, Column]) -> None:
    if table.layout == "long":
        table.cells.append(ingest.long_cell(row, row_no, by_role, table.lookup))
    else:
        table.cells.extend(ingest.wide_cells(row, row_no, table.columns, by_role))


def check(
    con: duckdb.DuckDBPyConnection,
    grid: Grid,
    table: Table,
    *,
    period: periods.Period | None = None,
    today: date | None = None,
) -> validate.Report:
    """Check a table read from a file; return the report with every issue and the rows to store."""
    ctx = validate.Context.load(con, today or date.today())
    checker = validate.start(ctx, grid, table, period, data_rows=len({c.row for c in table.cells}))
    for cell in table.cells:
        _check_cell(checker, cell)
    report = checker.report
    validate.check_ignored_columns(checker, table)
    _check_duplicates_and_pairs(checker)
    rows = _to_quarters(checker, con)
    if not report.errors:
        _check_outliers(checker, con, rows)
    report.rows = rows
    if not table.cells and not report.errors:
        validate.add_no_rows(checker)
    return report


def _check_cell(ck: validate._Checker, cell: Cell) -> None:
    found = validate.check_cell(ck, cell)
    if found is None:
        return
    cell, period, value = found
    key = (cell.unit_code, period.end, cell.indicator)  # Q3 and 9M both store Q3 (a date hashes fast)
    if key in ck.seen:
        validate.add_duplicate(ck, cell, period, ck.seen[key])
        return
    ck.seen[key] = cell.row
    ck.accepted.append((cell, period, value))


def _check_duplicates_and_pairs(ck: validate._Checker) -> None:
    """A numerator above its denominator is an error, except the carry-over pairs (a warning)."""
    pairs = validate.numerator_pairs(ck.ctx)
    paired = set(pairs) | {den for dens in pairs.values() for den, _ in dens}  # the other values never pair
    by_key = {(c.unit_code, p.end, c.indicator): (c, v) for c, p, v in ck.accepted if c.indicator in paired}
    for (unit, period, num), (cell, value) in by_key.items():
        for den, severity in pairs.get(num, ()):
            other = by_key.get((unit, period, den))
            if other is None or value <= other[1]:
                continue
            validate.add_pair(ck, cell, value, den, severity, other[0], other[1])


def _to_quarters(ck: validate._Checker, con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Rows to store, one per quarter: cumulative flows become the increment over stored quarters."""
    cumulative = [(c, p, v) for c, p, v in ck.accepted if not p.is_quarter]
    stored = _stored_for(con, cumulative)
    out = []
    for cell, period, value in ck.accepted:
        if not period.is_quarter and ck.ctx.indicators[cell.indicator]["type"] == "flow":
            value = _increment(ck, cell, period, value, stored)
            if value is None:
                continue
        out.append((cell.unit_code, period.end, cell.indicator, float(value)))  # end: the quarter stored
    return pd.DataFrame(out, columns=["unit_code", "period", "indicator_code", "value"])


def _stored_for(con: duckdb.DuckDBPyConnection, cumulative: list) -> dict[tuple, float]:
    if not cumulative:
        return {}
    df = validate.stored_values(
        con, sorted({c.unit_code for c, _, _ in cumulative}), [p.year for _, p, _ in cumulative]
    )
    return {(r.unit_code, pd.Timestamp(r.period).date(), r.indicator_code): r.value for r in df.itertuples()}


def _increment(ck: validate._Checker, cell: Cell, period: periods.Period, value: float, stored: dict) -> float | None:
    earlier = period.quarters()[:-1]
    missing = [q.label for q in earlier if (cell.unit_code, q.start, cell.indicator) not in stored]
    if missing:
        validate.add_gap(ck, cell, period, missing)
        return None
    increment = value - sum(stored[(cell.unit_code, q.start, cell.indicator)] for q in earlier)
    if increment < 0:
        validate.add_negative_increment(ck, cell, period, value, increment)
        return None
    return increment


def _check_outliers(ck: validate._Checker, con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Warn on values far from the unit's own history (robust z-score on median and MAD)."""
    report_outliers(ck, con, rows, lambda _: {(c.unit_code, c.indicator): c for c, _, _ in ck.accepted})


def report_outliers(
    ck: validate._Checker,
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    cells_of: Callable[[pd.DataFrame], dict[tuple[str, str], Cell]],
) -> None:
    """A warning per row far from its unit's history, in row order, at cells_of(flagged)[unit, indicator]."""
    # cells_of gives the last accepted cell of each flagged unit and indicator
    flagged = validate.outliers(con, rows)
    if flagged.empty:
        return
    where = pd.MultiIndex.from_frame(rows[validate.KEY]).get_indexer(pd.MultiIndex.from_frame(flagged[validate.KEY]))
    cells = cells_of(flagged)
    for r in flagged.iloc[np.argsort(where, kind="stable")].itertuples():  # in the order of the rows
        validate.add_outlier(ck, cells.get((r.unit_code, r.indicator_code)), r.value, r.median, bool(r.carried))
