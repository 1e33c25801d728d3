"""Columns → checks → report: every rule once per column of a table, as array operations.

A table arrives as Columns: one position per value cell in file order (a long row is one cell, a wide row
one cell per indicator column), each role (unit code, unit name, period, indicator, value) coded into its
distinct values, so every rule runs once per distinct value and then per cell as array operations. Only
the cells that raise an issue are built as Cell objects and go through validate.check_cell, and every
message comes from validate's message builders, in file order: issues with row, column, cell, code and a
Vietnamese message. The per-cell reading (tests/reference/percell.py) gives the same report and rows; the
tests compare both on every fixture and on random files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from reform import ingest, periods, sql, validate
from reform.ingest import Cell, Column, Grid, Table
from reform.textnorm import fold


@dataclass
class Coded:
    """A column as codes into its distinct texts (-1: blank)."""

    codes: np.ndarray
    uniques: list[str]

    @classmethod
    def of(cls, col: pa.Array) -> Coded:
        enc = pc.dictionary_encode(col)
        return cls(enc.indices.fill_null(-1).to_numpy().astype(np.int64), enc.dictionary.to_pylist())

    @classmethod
    def of_cells(cls, values: np.ndarray | list[object]) -> Coded:
        """Cells of a sheet (numbers, texts, dates, yes/no; None blank) as codes into their distinct values."""
        # True, 1 and 1.0 share a code: every rule reads them alike (parse_number, parse_flag, period_of)
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        return cls(codes.astype(np.int64), list(uniques))

    def repeat(self, times: int) -> Coded:
        """Each code `times` times in a row: a row's value for each of its cells."""
        return Coded(np.repeat(self.codes, times), self.uniques)

    def per_row(self, values: np.ndarray, blank: object) -> np.ndarray:
        """Per row, the value computed for its distinct text (values[k] for uniques[k]); blank for blank."""
        table = np.empty(len(self.uniques) + 1, dtype=values.dtype)
        table[:-1] = values
        table[-1] = blank
        return table[self.codes]


@dataclass
class Columns:
    """The value cells of a table in file order (a position each), its roles coded per cell."""

    table: Table  # header, layout, skipped rows, ignored and hidden columns; no cells
    row: np.ndarray  # per cell, its 1-based file row
    coded: dict[str, Coded]  # unit_code, unit_name, period, indicator_code, value: per cell
    build: Callable[[np.ndarray], list[Cell]]  # the Cell objects at some positions, for the messages
    data_rows: int  # rows of the file holding figures
    odd: np.ndarray | None = None  # per cell: a formula without a value or a percentage format

    def cells(self, positions: Iterable[int]) -> list[Cell]:
        """The cells at these positions, built as the per-cell reading builds them."""
        return self.build(np.asarray(list(positions), dtype=np.int64))

    @property
    def n(self) -> int:
        return len(self.row)


def of_grid(grid: Grid, lookup: dict[str, str]) -> Columns:
    """The table in a sheet as Columns: header, layout and data rows found, each role coded once per row."""
    table, by_role = ingest.frame(grid, lookup)
    rows = ingest.data_rows(grid, table, by_role)
    lines = [grid.rows[r - 1] for r in rows]
    if table.layout == "long":
        width = 1
        roles = {role: Coded.of_cells(_column_of(lines, c.index)) for role, c in by_role.items()}
        build = _long_builder(grid, rows, by_role, lookup)
    else:
        figures = [c for c in table.columns if c.role == "indicator"]
        width = len(figures)
        roles = {
            role: Coded.of_cells(_column_of(lines, c.index)).repeat(width)
            for role, c in by_role.items()
            if role in ("unit_code", "unit_name", "period")
        }
        cells = np.empty((len(rows), width), dtype=object)
        for j, col in enumerate(figures):
            cells[:, j] = _column_of(lines, col.index)
        roles["value"] = Coded.of_cells(cells.ravel())
        roles["indicator_code"] = Coded(
            np.tile(np.arange(width, dtype=np.int64), len(rows)), [c.indicator for c in figures]
        )
        build = _wide_builder(grid, rows, figures, by_role)
    if "unit_name" in roles:
        roles["unit_name"].uniques = [str(u) for u in roles["unit_name"].uniques]
    row = np.repeat(np.asarray(rows, dtype=np.int64), width)
    return Columns(table, row, roles, build, len(rows) if width else 0, _odd(grid, row, table, width))


def _column_of(lines: list[list[object]], index: int) -> list[object]:
    """The cell of every line at index (None past a short line's end)."""
    return [line[index] if index < len(line) else None for line in lines]


def _odd(grid: Grid, row: np.ndarray, table: Table, width: int) -> np.ndarray | None:
    """Per cell, a formula without a cached value or a number in a percentage format: checked cell by cell."""
    marked = grid.formula_cells | grid.percent_cells
    if not marked or not len(row):
        return None
    if table.layout == "long":
        cols = np.full(len(row), next(c.index for c in table.columns if c.role == "value") + 1)
    else:
        cols = np.tile([c.index + 1 for c in table.columns if c.role == "indicator"], len(row) // max(width, 1))
    return np.array([(int(r), int(c)) in marked for r, c in zip(row, cols, strict=True)], dtype=bool)


def _long_builder(grid: Grid, rows: list[int], by_role: dict[str, Column], lookup: dict[str, str]):
    def build(positions: np.ndarray) -> list[Cell]:
        return [ingest.long_cell(grid.rows[rows[p] - 1], rows[p], by_role, lookup) for p in positions.tolist()]

    return build


def _wide_builder(grid: Grid, rows: list[int], figures: list[Column], by_role: dict[str, Column]):
    width = len(figures)

    def build(positions: np.ndarray) -> list[Cell]:
        out = []
        for p in positions.tolist():
            r = rows[p // width]
            out += ingest.wide_cells(grid.rows[r - 1], r, [figures[p % width]], by_role)
        return out

    return build


# --- the checks, per distinct text and per row ------------------------------------------------------


@dataclass
class Keys:
    """Per data row, what the checks found; only the rows with `issue` set need validate's per-cell checks."""

    row: np.ndarray  # 1-based row of the file
    uid: np.ndarray  # index into unit_codes (-1: no unit code)
    pidx: np.ndarray  # index into plist
    ind: np.ndarray  # index into ind_codes (-1: missing, unknown or derived)
    value: np.ndarray  # the value the row would store (NaN when it is not one)
    blank: np.ndarray  # the value cell is blank: the row reports nothing and is not checked
    issue: np.ndarray  # the row raises an issue (error or warning)
    unit_codes: list[str]
    plist: list[periods.Period | None]  # the periods of the distinct texts, then the default period
    ind_codes: list[str]  # the catalogue's codes, in catalogue order

    def key(self, positions: np.ndarray, ind: np.ndarray | None = None) -> np.ndarray:
        """One integer per (unit, stored quarter, indicator) of the rows at these positions."""
        ends = sorted({p.end for p in self.plist if p is not None})
        end_id = np.array([ends.index(p.end) if p is not None else 0 for p in self.plist], dtype=np.int64)
        ind = self.ind[positions] if ind is None else ind
        return (self.uid[positions] * len(ends) + end_id[self.pidx[positions]]) * len(self.ind_codes) + ind


def keys(fr: Columns, ck: validate._Checker) -> Keys:
    """Every check of validate.check_cell, per distinct value and then as array operations per cell."""
    n = fr.n
    plist, pidx = _periods(fr.coded.get("period"), n, ck.default_period)
    unit_codes, uid = _unit_ids(fr.coded.get("unit_code"), n)
    ind_codes = list(ck.ctx.indicators)
    ind = _indicators(fr.coded["indicator_code"], fr.table.lookup, ck.ctx.indicators)
    value, value_bad = _values(fr.coded["value"], ind, ck.ctx.indicators)
    odd = fr.odd if fr.odd is not None else np.zeros(n, dtype=bool)
    k = Keys(
        fr.row,
        uid,
        pidx,
        ind,
        value,
        (fr.coded["value"].codes < 0) & ~odd,
        np.zeros(n, dtype=bool),
        unit_codes,
        plist,
        ind_codes,
    )
    period_ok = np.array([p is not None for p in plist])[pidx]
    future = np.array([p is not None and p.start > ck.ctx.today for p in plist])[pidx]
    unit_bad = _unit_issues(fr, ck.ctx, k, period_ok)
    k.issue = ~k.blank & (~period_ok | unit_bad | (ind < 0) | future | value_bad | odd)
    return k


def _periods(c: Coded | None, n: int, default: periods.Period | None) -> tuple[list, np.ndarray]:
    """The period of each distinct text (None when it cannot be read), then the default; per row, its index."""
    if c is None:
        return [default], np.zeros(n, dtype=np.int64)
    plist = [_period(u) for u in c.uniques] + [default]
    return plist, np.where(c.codes >= 0, c.codes, len(c.uniques))


def _period(raw: object) -> periods.Period | None:
    try:
        return validate.period_of(raw)
    except periods.PeriodError:
        return None


def _unit_ids(c: Coded | None, n: int) -> tuple[list[str], np.ndarray]:
    """The unit codes of the file (upper case, as ingest reads them); per row, its index (-1: none)."""
    if c is None:
        return [], np.full(n, -1, dtype=np.int64)
    upper = [str(u).strip().upper() for u in c.uniques]
    codes = list(dict.fromkeys(upper))
    index = {code: i for i, code in enumerate(codes)}
    return codes, c.per_row(np.array([index[u] for u in upper], dtype=np.int64), -1)


def _unit_issues(fr: Columns, ctx: validate.Context, k: Keys, period_ok: np.ndarray) -> np.ndarray:
    """Per row: no unit, an unknown unit, a name that does not match, or a unit not in force in the period."""
    units = [ctx.units.get(code) for code in k.unit_codes]
    known = np.array([u is not None for u in units] + [False])[k.uid]
    start = np.array([u["valid_from"] if u else date.min for u in units] + [date.min], dtype="datetime64[D]")
    stop = np.array(
        [u["valid_to"] if u and u["valid_to"] else date.max for u in units] + [date.max], dtype="datetime64[D]"
    )
    ends = np.array([p.end if p is not None else date.min for p in k.plist], dtype="datetime64[D]")[k.pidx]
    in_force = (start[k.uid] <= ends) & (stop[k.uid] >= ends)
    return ~known | (known & period_ok & ~in_force) | _name_mismatch(fr.coded.get("unit_name"), units, k, known)


def _name_mismatch(c: Coded | None, units: list[dict | None], k: Keys, known: np.ndarray) -> np.ndarray:
    """Per row: a unit name that does not match the registered name of the unit's code (a warning)."""
    out = np.zeros(len(k.uid), dtype=bool)
    at = np.flatnonzero(known & (c.codes >= 0)) if c is not None else []
    if not len(at):
        return out
    width = len(c.uniques) + 1
    pairs, inverse = np.unique(k.uid[at] * width + c.codes[at], return_inverse=True)  # one integer per pair
    bad = [not validate.names_match(c.uniques[p % width], units[p // width]["name"]) for p in pairs.tolist()]
    out[at] = np.array(bad, dtype=bool)[inverse.ravel()]
    return out


def _indicators(c: Coded, lookup: dict[str, str], inds: dict[str, dict]) -> np.ndarray:
    """Per row, the index of its indicator in the catalogue; -1 when missing, unknown or derived (a rate)."""
    index = {code: i for i, code in enumerate(inds)}
    found = []
    for u in c.uniques:
        code = lookup.get(fold(u), str(u).strip())
        found.append(index[code] if code in inds and inds[code]["type"] != "rate" else -1)
    return c.per_row(np.array(found, dtype=np.int64), -1)


def _values(c: Coded, ind: np.ndarray, inds: dict[str, dict]) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the value (a yes/no as 1/0) and whether validate would refuse it (or its indicator)."""
    numbers = [ingest.parse_number(u) for u in c.uniques]
    number = c.per_row(np.array([x.value if x else np.nan for x in numbers], dtype=float), np.nan)
    percent = c.per_row(np.array([bool(x and x.percent) for x in numbers], dtype=bool), False)
    flag = c.per_row(np.array([_nan_if_none(ingest.parse_flag(u)) for u in c.uniques], dtype=float), np.nan)
    rows = list(inds.values())
    at = np.where(ind >= 0, ind, 0)
    is_flag = np.array([r["type"] == "flag" for r in rows], dtype=bool)[at]
    whole = np.array([int(r["decimals"]) == 0 for r in rows], dtype=bool)[at]
    low = np.array([_nan_if_none(r["min_value"]) for r in rows], dtype=float)[at]
    high = np.array([_nan_if_none(r["max_value"]) for r in rows], dtype=float)[at]
    value = np.where(is_flag, flag, number)
    with np.errstate(invalid="ignore"):
        wrong = percent | (value < 0) | (whole & (value != np.trunc(value))) | (value < low) | (value > high)
    return value, np.isnan(value) | (~is_flag & wrong)


def _nan_if_none(x: float | None) -> float:
    return np.nan if x is None else float(x)


# --- issues in the order of the per-cell path -------------------------------------------------------


@dataclass
class Accepted:
    """The cells that passed every check and are not duplicates, in file order."""

    positions: np.ndarray  # positions among the cells
    values: np.ndarray


class _Issues:
    """Issues gathered out of order, each with (position, step), put into the report in the per-cell order."""

    def __init__(self, ck: validate._Checker) -> None:
        self.ck = ck
        self.tagged: list[tuple[int, int, int, validate.Issue]] = []

    def capture(self, position: int, step: int, check: Callable[..., object], *args: object) -> object:
        """Run a validate check or builder (they append to the report); keep what it appended, tagged."""
        n = len(self.ck.report.issues)
        result = check(self.ck, *args)
        for issue in self.ck.report.issues[n:]:
            self.tagged.append((position, step, len(self.tagged), issue))
        del self.ck.report.issues[n:]
        return result

    def flush(self) -> None:
        self.ck.report.issues.extend(i for *_, i in sorted(self.tagged, key=lambda t: t[:3]))
        self.tagged = []


def cell_stage(fr: Columns, ck: validate._Checker, k: Keys) -> Accepted:
    """Issues of the rows with one (validate's own per-cell checks) and of duplicates; what is accepted."""
    out = _Issues(ck)
    accepted = ~k.blank & ~k.issue
    values = k.value.copy()
    for chunk in np.array_split(np.flatnonzero(k.issue), max(1, int(k.issue.sum()) // 20_000)):
        for p, cell in zip(chunk, fr.cells(chunk), strict=True):
            found = out.capture(int(p), 0, validate.check_cell, cell)
            if found is not None:
                accepted[p], values[p] = True, found[2]
    positions = np.flatnonzero(accepted)
    dup, first_row = _duplicates(k, positions)
    for p, cell, first in zip(positions[dup], fr.cells(positions[dup]), first_row[dup], strict=True):
        out.capture(int(p), 1, validate.add_duplicate, cell, k.plist[k.pidx[p]], int(first))
    out.flush()
    kept = positions[~dup]
    return Accepted(kept, values[kept])


def _duplicates(k: Keys, positions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per accepted row: whether an earlier accepted row has its key, and the row that came first."""
    key = k.key(positions)
    order = np.argsort(key, kind="stable")  # positions are in file order: the first of a key comes first
    sorted_key = key[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = sorted_key[1:] != sorted_key[:-1]
    group_start = np.maximum.accumulate(np.where(new, np.arange(len(order)), 0))
    dup = np.zeros(len(order), dtype=bool)
    dup[order[~new]] = True
    first_row = np.empty(len(order), dtype=np.int64)
    first_row[order] = k.row[positions[order[group_start]]]
    return dup, first_row


def pair_stage(fr: Columns, ck: validate._Checker, k: Keys, acc: Accepted) -> None:
    """A numerator above its denominator, as validate._check_duplicates_and_pairs reports it."""
    if not len(acc.positions):
        return
    key = k.key(acc.positions)
    order = np.argsort(key)
    sorted_key = key[order]
    index = {code: i for i, code in enumerate(k.ind_codes)}
    found = []  # (row, step, numerator's index in acc, denominator's index in acc, den, severity)
    for num, dens in validate.numerator_pairs(ck.ctx).items():
        at = np.flatnonzero(k.ind[acc.positions] == index.get(num, -2))
        for step, (den, severity) in enumerate(dens):
            want = k.key(acc.positions[at], np.full(len(at), index.get(den, -2)))
            j = np.minimum(np.searchsorted(sorted_key, want), len(sorted_key) - 1)
            hit = (sorted_key[j] == want) & (den in index)
            over = acc.values[at[hit]] > acc.values[order[j[hit]]]
            found += [
                (int(acc.positions[x]), step, int(x), int(y), den, severity)
                for x, y in zip(at[hit][over], order[j[hit]][over], strict=True)
            ]
    found.sort(key=lambda f: f[:2])
    cells = _cells_at(fr, acc.positions, {f[2] for f in found} | {f[3] for f in found})
    for _, _, x, y, den, severity in found:
        validate.add_pair(ck, cells[x], float(acc.values[x]), den, severity, cells[y], float(acc.values[y]))


def _cells_at(fr: Columns, positions: np.ndarray, indices: set[int]) -> dict[int, Cell]:
    """The cells of some accepted rows, by their index in `positions`."""
    chosen = sorted(indices)
    return dict(zip(chosen, fr.cells(positions[chosen]), strict=True))


def quarter_stage(
    con: duckdb.DuckDBPyConnection, fr: Columns, ck: validate._Checker, k: Keys, acc: Accepted
) -> tuple[pd.DataFrame, np.ndarray]:
    """Rows to store, one per quarter (cumulative flows become increments); which accepted rows they are."""
    flow = np.array([r["type"] == "flow" for r in ck.ctx.indicators.values()])
    quarter = np.array([p is None or p.is_quarter for p in k.plist])
    values = acc.values.astype(float)
    ok = np.ones(len(values), dtype=bool)
    cumulative = np.flatnonzero(~quarter[k.pidx[acc.positions]] & flow[k.ind[acc.positions]])
    if len(cumulative):
        _increments(con, fr, ck, k, acc, cumulative, values, ok)
    kept = np.flatnonzero(ok)
    return _rows(k, acc.positions[kept], values[kept]), kept


def _increments(
    con: duckdb.DuckDBPyConnection,
    fr: Columns,
    ck: validate._Checker,
    k: Keys,
    acc: Accepted,
    cumulative: np.ndarray,
    values: np.ndarray,
    ok: np.ndarray,
) -> None:
    """Turn cumulative values into increments over the stored quarters, in place; issues where it cannot."""
    pidx = k.pidx[acc.positions]
    units = np.array(k.unit_codes, dtype=object)[k.uid[acc.positions]]
    codes = np.array(k.ind_codes, dtype=object)[k.ind[acc.positions]]
    cum_periods = sorted(set(pidx[cumulative].tolist()))
    stored = validate.stored_values(con, sorted(set(units[cumulative])), [k.plist[p].year for p in cum_periods])
    stored["period"] = pd.to_datetime(stored["period"])
    out = _Issues(ck)
    for p in cum_periods:
        at, period = cumulative[pidx[cumulative] == p], k.plist[p]
        earlier = period.quarters()[:-1]
        found = np.stack([_stored_at(stored, q.start, units[at], codes[at]) for q in earlier], axis=1)
        total = np.zeros(len(at))
        for q in range(len(earlier)):  # in quarter order from 0, as Python's sum() adds them
            total = total + found[:, q]
        gap = np.isnan(found).any(axis=1)
        increment = values[at] - total
        negative = ~gap & (increment < 0)
        cells = _cells_at(fr, acc.positions, set(at[gap | negative].tolist()))
        for i in np.flatnonzero(gap):
            missing = [q.label for j, q in enumerate(earlier) if np.isnan(found[i, j])]
            out.capture(int(acc.positions[at[i]]), 0, validate.add_gap, cells[at[i]], period, missing)
        for i in np.flatnonzero(negative):
            out.capture(
                int(acc.positions[at[i]]),
                0,
                validate.add_negative_increment,
                cells[at[i]],
                period,
                float(values[at[i]]),
                float(increment[i]),
            )
        values[at[~gap & ~negative]] = increment[~gap & ~negative]
        ok[at[gap | negative]] = False
    out.flush()


def _stored_at(stored: pd.DataFrame, day: date, units: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The stored value of each (unit, indicator) in the quarter starting on day; NaN when none."""
    sel = stored[stored["period"] == pd.Timestamp(day)]
    found = pd.Series(
        sel["value"].to_numpy(dtype=float),
        index=pd.MultiIndex.from_arrays([sel["unit_code"].to_numpy(object), sel["indicator_code"].to_numpy(object)]),
    )
    return found.reindex(pd.MultiIndex.from_arrays([units, codes])).to_numpy(dtype=float)


def _rows(k: Keys, positions: np.ndarray, values: np.ndarray) -> pd.DataFrame:
    """The rows to store, as validate builds them: unit_code, period (the quarter's first day), code, value."""
    if not len(positions):
        return pd.DataFrame([], columns=["unit_code", "period", "indicator_code", "value"])
    ends = np.array([p.end if p is not None else None for p in k.plist], dtype=object)
    # strings as the frame constructor would type them ("str"), taken from the distinct codes, not boxed one by one
    return pd.DataFrame(
        {
            "unit_code": pd.array(k.unit_codes, dtype="str").take(k.uid[positions]),
            "period": ends[k.pidx[positions]],
            "indicator_code": pd.array(k.ind_codes, dtype="str").take(k.ind[positions]),
            "value": values.astype(float),
        }
    )


def outlier_stage(
    con: duckdb.DuckDBPyConnection,
    fr: Columns,
    ck: validate._Checker,
    k: Keys,
    positions: np.ndarray,
    rows: pd.DataFrame,
) -> None:
    """Values far from the unit's own history, in row order, each at the last row of its unit and indicator."""
    flagged = validate.outliers(con, rows)
    if flagged.empty:
        return
    n_ind = len(k.ind_codes)
    unit_index = {c: i for i, c in enumerate(k.unit_codes)}
    ind_index = {c: i for i, c in enumerate(k.ind_codes)}
    uid = np.array([unit_index[u] for u in flagged["unit_code"]], dtype=np.int64)
    ind = np.array([ind_index[c] for c in flagged["indicator_code"]], dtype=np.int64)
    ends = [p.end if p is not None else None for p in k.plist]
    key = k.key(positions)  # the rows to store, in order; a flagged row is one of them
    order = np.argsort(key)
    at = order[np.searchsorted(key[order], _keys_of(k, uid, [ends.index(d) for d in flagged["period"]], ind))]
    pair = k.uid[positions] * n_ind + k.ind[positions]
    wanted = uid * n_ind + ind
    last = {int(pair[i]): int(i) for i in np.flatnonzero(np.isin(pair, wanted))}  # in file order: the last wins
    cells = _cells_at(fr, positions, set(last.values()))
    for i in np.argsort(at, kind="stable"):
        validate.add_outlier(
            ck,
            cells[last[int(wanted[i])]],
            flagged["value"].iat[i],
            flagged["median"].iat[i],
            bool(flagged["carried"].iat[i]),
        )


def _keys_of(k: Keys, uid: np.ndarray, pidx: list[int], ind: np.ndarray) -> np.ndarray:
    """Keys.key for rows given by their unit, period (an index into plist) and indicator."""
    probe = Keys(
        np.zeros(len(uid), dtype=np.int64),
        uid,
        np.asarray(pidx, dtype=np.int64),
        ind,
        k.value,
        k.blank,
        k.issue,
        k.unit_codes,
        k.plist,
        k.ind_codes,
    )
    return probe.key(np.arange(len(uid)))


# --- the whole check ----------------------------------------------------------------------------------


def check(
    con: duckdb.DuckDBPyConnection,
    fr: Columns,
    grid: Grid,
    *,
    period: periods.Period | None = None,
    today: date | None = None,
) -> validate.Report:
    """Every check of the table's cells, in file order: the report with its issues and the rows to store."""
    ctx = validate.Context.load(con, today or date.today())
    ck = validate.start(ctx, grid, fr.table, period, data_rows=fr.data_rows)
    k = keys(fr, ck)
    acc = cell_stage(fr, ck, k)
    validate.check_ignored_columns(ck, fr.table)
    pair_stage(fr, ck, k, acc)
    rows, kept = quarter_stage(con, fr, ck, k, acc)
    if not ck.report.errors:
        outlier_stage(con, fr, ck, k, acc.positions[kept], rows)
    ck.report.rows = rows
    if not fr.n and not ck.report.errors:
        validate.add_no_rows(ck)
    return ck.report


def lookup_of(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Folded code or Vietnamese name → indicator code, for reading headers."""
    names = sql.run(con, "indicators_for_validation")
    return ingest.indicator_lookup(list(zip(names["code"], names["name_vi"], strict=True)))
