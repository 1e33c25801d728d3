"""The fast path for a large wide table (units down, indicators across): the per-cell path's report and rows.

A province file holds 3,000 units x 45 indicators: ingest.extract and validate.check would build and
check 135,000 Cell objects one by one. Here the unit and period of each row are read once, the value of
each cell once per distinct text or whole number of its column, and the cells of a row that raises
nothing are never built. What is wrong with a row itself (unit, period) validate says once, at the
row's first filled cell; a row sharing its unit and quarter with another (duplicates) goes through
validate's own per-cell checks, as does any cell whose value might raise an issue; every message comes
from validate's message builders. So the report (codes, rows, columns, cells, messages, their order)
and the rows to store are those of the per-cell path. A table this path cannot reproduce exactly (the
long layout, two columns of one indicator, a cumulative period) gives None, and the caller checks it
cell by cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from operator import itemgetter

import duckdb
import numpy as np
import pandas as pd

from reform import ingest, periods, validate
from reform.ingest import Cell, Column, Grid

ROWS = ["unit_code", "period", "indicator_code", "value"]


@dataclass
class Sheet:
    """The data rows and indicator columns of a wide table, and what can be told of each cell alone."""

    grid: Grid
    by_role: dict[str, Column]
    rows: list[int]  # 1-based file rows of the data rows
    columns: list[Column]  # the indicator columns, in file order
    fields: list[dict]  # per data row, ingest.row_fields
    blank: np.ndarray  # rows x columns: blank and not a formula, so never checked
    quiet: np.ndarray  # rows x columns: the value a cell stores when it surely raises nothing; NaN when it might

    def cells(self, r: int, cols: list[int]) -> list[Cell]:
        """The cells of data row r in these columns (positions among the indicator columns), as extract builds them."""
        row_no = self.rows[r]
        return ingest.wide_cells(self.grid.rows[row_no - 1], row_no, [self.columns[c] for c in cols], self.by_role)


@dataclass
class Plan:
    """Per data row: its period and unit, and what validate would say about them (once per row)."""

    period: list[periods.Period | None]
    unit: list[str | None]
    key: np.ndarray  # an id of (unit code, stored quarter); -1 without a unit or a period
    ok: np.ndarray  # the row's cells can be stored: a period, not to come, a known unit in force then
    loud: np.ndarray  # validate says something about the row itself, at its first filled cell
    slow: np.ndarray  # another row has the same unit and quarter: every cell goes through validate, in order
    keys: dict[tuple, int] = field(default_factory=dict)


def check(
    con: duckdb.DuckDBPyConnection,
    grid: Grid,
    lookup: dict[str, str],
    *,
    period: periods.Period | None = None,
    today: date | None = None,
) -> validate.Report | None:
    """Check a wide table as ingest.extract and validate.check would; None when this path cannot reproduce them."""
    table, by_role = ingest.frame(grid, lookup)
    columns = [c for c in table.columns if c.role == "indicator"]
    if table.layout != "wide" or len({c.indicator for c in columns}) < len(columns):
        return None  # two columns of one indicator raise duplicates inside a row: the per-cell path says where
    rows = ingest.data_rows(grid, table, by_role)
    ctx = validate.Context.load(con, today or date.today())
    ck = validate.start(ctx, grid, table, period, data_rows=len(rows) if columns else 0)
    sheet = read(grid, by_role, rows, columns, ctx)
    plan = plan_rows(sheet, ck)
    if plan is None:
        return None
    accepted, values = cell_stage(sheet, ck, plan)
    validate.check_ignored_columns(ck, table)
    pair_stage(sheet, ck, plan, accepted, values)
    stored = to_rows(sheet, plan, accepted, values)
    if not ck.report.errors:
        validate.report_outliers(ck, con, stored, last_cells(sheet, plan, accepted))
    ck.report.rows = stored
    if not (rows and columns) and not ck.report.errors:
        validate.add_no_rows(ck)
    return ck.report


# --- the cells, column by column -------------------------------------------------------------------


def read(
    grid: Grid, by_role: dict[str, Column], rows: list[int], columns: list[Column], ctx: validate.Context
) -> Sheet:
    """The data rows' fields, and per cell whether it is blank and the value it surely stores."""
    lines = [grid.rows[r - 1] for r in rows]
    blank = np.zeros((len(rows), len(columns)), dtype=bool)
    quiet = np.full((len(rows), len(columns)), np.nan)
    for c, (col, raws) in enumerate(zip(columns, _transpose(lines, [col.index for col in columns]), strict=True)):
        blank[:, c] = [raw is None for raw in raws]
        quiet[:, c] = _quiet_column(raws, ctx.indicators.get(col.indicator))
    _mark_formats(grid, rows, columns, ctx, blank, quiet)
    fields = [ingest.row_fields(line, r, by_role) for line, r in zip(lines, rows, strict=True)]
    return Sheet(grid, by_role, rows, columns, fields, blank, quiet)


def _transpose(lines: list[list[object]], index: list[int]) -> list[tuple[object, ...]]:
    """Per index, the cell of every line there (None past a short line's end)."""
    if not lines or not index:
        return [() for _ in index]
    width = max(index) + 1
    even = [line if len(line) >= width else [*line, *[None] * (width - len(line))] for line in lines]
    return list(zip(*map(itemgetter(*index, index[0]), even), strict=True))[:-1]  # two at least: tuples


def _quiet_column(raws: Sequence[object], ind: dict | None) -> np.ndarray:
    """quiet_value of each cell of a column, read once per distinct text or whole number."""
    if ind is None or ind["type"] == "rate":
        return np.full(len(raws), np.nan)  # unknown or derived: validate reports every filled cell
    cache: dict[object, float] = {}
    out = []
    for raw in raws:
        if type(raw) is str or type(raw) is int:  # not bool (True == 1), not float (-0.0 == 0.0)
            value = cache.get(raw)
            if value is None:
                value = cache[raw] = quiet_value(ind, raw)
        else:
            value = quiet_value(ind, raw)
        out.append(value)
    return np.array(out, dtype=float)


def quiet_value(ind: dict, raw: object) -> float:
    """The value validate._check_value accepts without a word (no formula, no percentage format); else NaN."""
    # NaN also where validate might fail rather than report (a number too large for float() or int())
    if raw is None:
        return np.nan
    if ind["type"] == "flag":
        flag = ingest.parse_flag(raw)
        return np.nan if flag is None else flag
    try:
        number = ingest.parse_number(raw)
    except OverflowError:  # a whole number of hundreds of digits from an edited sheet: as validate meets it
        return np.nan
    if number is None or number.percent or not math.isfinite(number.value):
        return np.nan
    value = number.value
    if value < 0 or (int(ind["decimals"]) == 0 and value != int(value)):
        return np.nan
    lo, hi = ind["min_value"], ind["max_value"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        return np.nan
    return value


def _mark_formats(
    grid: Grid, rows: list[int], columns: list[Column], ctx: validate.Context, blank: np.ndarray, quiet: np.ndarray
) -> None:
    """Formulas without a value are never blank nor quiet; a number in a percentage format is not quiet."""
    at_row = {r: i for i, r in enumerate(rows)}
    at_col = {col.index + 1: c for c, col in enumerate(columns)}
    for r, c in grid.formula_cells:
        if r in at_row and c in at_col:
            blank[at_row[r], at_col[c]] = False
            quiet[at_row[r], at_col[c]] = np.nan
    for r, c in grid.percent_cells:
        ind = ctx.indicators.get(columns[at_col[c]].indicator) if r in at_row and c in at_col else None
        if ind is not None and ind["type"] != "flag":  # a yes/no is read before the format is looked at
            quiet[at_row[r], at_col[c]] = np.nan


# --- the rows: unit and period once per row ----------------------------------------------------------


def plan_rows(sheet: Sheet, ck: validate._Checker) -> Plan | None:
    """Each row's period, unit and key, and what validate says about them; None for a cumulative period."""
    n = len(sheet.rows)
    plan = Plan(
        [None] * n,
        [f["unit_code"] for f in sheet.fields],
        np.full(n, -1, dtype=np.int64),
        *(np.zeros(n, dtype=bool) for _ in range(3)),
    )
    known: dict[object, periods.Period | None] = {}
    for r in np.flatnonzero(~sheet.blank.all(axis=1)) if sheet.columns else []:  # rows with a filled cell
        f = sheet.fields[r]
        period = _period(f["period_raw"], ck.default_period, known)
        if period is not None and not period.is_quarter:
            return None  # a cumulative report: flows become increments over stored quarters, cell by cell
        plan.period[r] = period
        plan.ok[r], named = _row_verdict(ck, f, period)
        plan.loud[r] = not plan.ok[r] or not named
        if f["unit_code"] is not None and period is not None:
            plan.key[r] = plan.keys.setdefault((f["unit_code"], period.end), len(plan.keys))
    _, inverse, counts = np.unique(plan.key, return_inverse=True, return_counts=True)
    plan.slow = (plan.key >= 0) & (counts[inverse] > 1)
    return plan


def _period(raw: object, default: periods.Period | None, known: dict[object, periods.Period | None]):
    """The period of a row as validate reads it (None when it cannot), once per distinct cell."""
    if raw is None:
        return default
    if type(raw) is not str and type(raw) is not int:  # not bool (True == 1), not float (-0.0 == 0.0)
        return _read_period(raw)
    if raw not in known:
        known[raw] = _read_period(raw)
    return known[raw]


def _read_period(raw: object) -> periods.Period | None:
    try:
        return validate.period_of(raw)
    except periods.PeriodError:
        return None


def _row_verdict(ck: validate._Checker, f: dict, period: periods.Period | None) -> tuple[bool, bool]:
    """Whether the row's good values are stored, and whether its unit's name (if given) matches the register."""
    # stored: a period, not to come, a known unit in force then (validate.check_cell and _unit_verdict)
    unit = ck.ctx.units.get(f["unit_code"]) if f["unit_code"] is not None else None
    named = unit is None or not f["unit_name"] or validate.names_match(f["unit_name"], unit["name"])
    ok = period is not None and period.start <= ck.ctx.today and unit is not None and validate.in_force(unit, period)
    return ok, named


# --- checking: validate's own checks where something may be wrong -------------------------------------


def cell_stage(sheet: Sheet, ck: validate._Checker, plan: Plan) -> tuple[np.ndarray, np.ndarray]:
    """Which cells are stored and their values, with validate's checks (in file order) where one may speak."""
    # validate checks every filled cell of a slow row, the first filled cell of a loud row (what is wrong
    # with the row is said there, once) and every cell whose value may raise an issue; a quiet value after
    # those raises nothing, and is stored if the row is ok.
    accepted = ~sheet.blank & ~np.isnan(sheet.quiet) & (plan.ok & ~plan.slow)[:, None]
    values = sheet.quiet.copy()
    todo = ~sheet.blank & (np.isnan(sheet.quiet) | plan.slow[:, None])
    loud = np.flatnonzero(plan.loud)  # rows with a filled cell only
    if len(loud):
        todo[loud, np.argmax(~sheet.blank[loud], axis=1)] = True
    for r in np.flatnonzero(todo.any(axis=1)):
        cols = np.flatnonzero(todo[r]).tolist()
        for c, cell in zip(cols, sheet.cells(r, cols), strict=True):
            found = validate.check_cell(ck, cell)
            if found is not None and plan.slow[r]:
                found = _first(ck, found)
            accepted[r, c] = found is not None
            if found is not None:
                values[r, c] = found[2]
    return accepted, values


def _first(ck: validate._Checker, found: tuple[Cell, periods.Period, float]):
    """The accepted cell, or None with E_DUPLICATE when an earlier one has its unit, quarter and indicator."""
    cell, period, _ = found
    key = (cell.unit_code, period.end, cell.indicator)
    if key in ck.seen:
        validate.add_duplicate(ck, cell, period, ck.seen[key])
        return None
    ck.seen[key] = cell.row
    return found


def pair_stage(sheet: Sheet, ck: validate._Checker, plan: Plan, accepted: np.ndarray, values: np.ndarray) -> None:
    """A numerator above its denominator, as validate._check_duplicates_and_pairs reports it."""
    r, c = np.nonzero(accepted)  # in the order of the cells: row by row, then column by column
    if not len(r):
        return
    at_col = {col.indicator: i for i, col in enumerate(sheet.columns)}
    width = len(sheet.columns)
    key = plan.key[r] * width + c
    order = np.argsort(key)
    sorted_key = key[order]
    v = values[r, c]
    found = []  # (numerator's index among the accepted cells, step, denominator's index, den, severity)
    for num, dens in validate.numerator_pairs(ck.ctx).items():
        at = np.flatnonzero(c == at_col.get(num, -1))
        for step, (den, severity) in enumerate(dens):
            if den not in at_col or not len(at):
                continue
            want = plan.key[r[at]] * width + at_col[den]
            j = np.minimum(np.searchsorted(sorted_key, want), len(sorted_key) - 1)
            hit = sorted_key[j] == want
            x, y = at[hit], order[j[hit]]
            over = ~(v[x] <= v[y])  # as validate compares: NaN is not below
            found += [(int(a), step, int(b), den, severity) for a, b in zip(x[over], y[over], strict=True)]
    found.sort(key=lambda f: f[:2])
    for x, _, y, den, severity in found:
        [cell] = sheet.cells(r[x], [c[x]])
        [other] = sheet.cells(r[y], [c[y]])
        validate.add_pair(ck, cell, float(v[x]), den, severity, other, float(v[y]))


def to_rows(sheet: Sheet, plan: Plan, accepted: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """The rows to store (every period a quarter), in the order of the cells, typed as validate builds them."""
    r, c = np.nonzero(accepted)
    if not len(r):
        return pd.DataFrame([], columns=ROWS)
    units = np.array(plan.unit, dtype=object)
    ends = np.array([p.end if p is not None else None for p in plan.period], dtype=object)
    codes = np.array([col.indicator for col in sheet.columns], dtype=object)
    return pd.DataFrame(
        {
            "unit_code": pd.array(units[r], dtype="str"),
            "period": ends[r],
            "indicator_code": pd.array(codes[c], dtype="str"),
            "value": values[r, c].astype(float),
        }
    )


def last_cells(sheet: Sheet, plan: Plan, accepted: np.ndarray):
    """cells_of(flagged) for the outlier warnings: the last stored cell of each flagged unit and indicator."""

    def cells_of(flagged: pd.DataFrame) -> dict[tuple[str, str], Cell]:
        wanted = set(zip(flagged["unit_code"], flagged["indicator_code"], strict=True))
        cols = [c for c, col in enumerate(sheet.columns) if col.indicator in {code for _, code in wanted}]
        last = {}
        for r, k in zip(*np.nonzero(accepted[:, cols]), strict=True):  # in the order of the cells: the last wins
            key = (plan.unit[r], sheet.columns[cols[k]].indicator)
            if key in wanted:
                last[key] = (int(r), cols[k])
        return {key: sheet.cells(r, [c])[0] for key, (r, c) in last.items()}

    return cells_of
