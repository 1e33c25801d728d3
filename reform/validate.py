"""Check every cell of an upload and collect every issue at once (row, column, code, Vietnamese message).

Nothing here raises for bad data: the report says what is wrong, and the caller stores
nothing while it holds an error. Warnings (a name that does not match its code, a value far
from the unit's own history) do not block but must be acknowledged in the upload page.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import date

import duckdb
import pandas as pd

from reform import db, fmt, periods, sql, store
from reform.ingest import Cell, Grid, Table, column_letter, excel_date, parse_flag, parse_number
from reform.textnorm import fold

CARRY_OVER_PAIRS = [("tc_giaiquyet", "tc_nhan")]  # may exceed: cases carry over between quarters


@dataclass(frozen=True)
class Issue:
    row: int | None
    column: str | None
    code: str
    message: str
    severity: str = "error"  # error | warning
    cell: str | None = None

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass
class Report:
    """The outcome of checking one file: issues, and the rows that would be stored."""

    issues: list[Issue] = field(default_factory=list)
    rows: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=["unit_code", "period", "indicator_code", "value"])
    )
    layout: str = ""
    data_rows: int = 0  # rows of the file holding figures (skipped title, section and total rows excluded)
    skipped_rows: dict[int, str] = field(default_factory=dict)
    header_rows: tuple[int, int] = (0, 0)  # first and last 1-based rows of the header (a merged header spans two)
    blank_units: dict[int, str] = field(default_factory=dict)  # row -> unit of a row left without figures
    hidden_columns: list[tuple[int, str]] = field(default_factory=list)  # (1-based column, header), not read
    indicators: list[str] = field(default_factory=list)  # codes of the indicator columns (wide layout)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]


@dataclass
class Context:
    """What the checks need to know from the database, read once per file."""

    indicators: dict[str, dict]  # code -> catalogue row
    units: dict[str, dict]  # code -> register row (valid_from, valid_to as dates)
    today: date

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection, today: date) -> Context:
        inds = sql.run(con, "indicators_for_validation").astype(object)
        inds = inds.where(inds.notna(), None)  # None, not NaN, for a missing range: cheap to test per cell
        return cls({r["code"]: r for r in inds.to_dict("records")}, _units(sql.run(con, "units_for_validation")), today)


def _units(df: pd.DataFrame) -> dict[str, dict]:
    """Code → register row, with dates as dates and None (not NaN) where a date or the successors are missing."""
    columns = {
        "code": df["code"].tolist(),
        "name": df["name"].tolist(),
        "valid_from": _dates(df["valid_from"]),
        "valid_to": _dates(df["valid_to"]),
        "successors": [s if isinstance(s, str) else None for s in df["successors"].tolist()],
    }
    rows = [dict(zip(columns, values, strict=True)) for values in zip(*columns.values(), strict=True)]
    return {r["code"]: r for r in rows}


def _dates(col: pd.Series) -> list[date | None]:
    days = pd.to_datetime(col).dt.date.tolist()
    return [None if pd.isna(d) else d for d in days]


@dataclass
class _Checker:
    ctx: Context
    grid: Grid
    default_period: periods.Period | None
    report: Report
    seen: dict[tuple, int] = field(default_factory=dict)
    unit_verdicts: dict[tuple, bool] = field(default_factory=dict)
    row_flags: set[tuple[int, str]] = field(default_factory=set)
    accepted: list[tuple[Cell, periods.Period, float]] = field(default_factory=list)
    hints: dict[tuple, str] = field(default_factory=dict)  # suggestions already computed (difflib is slow)

    def add(self, cell: Cell | None, code: str, message: str, severity: str = "error", *, once: str = "") -> None:
        if cell is not None and once:
            if (cell.row, once) in self.row_flags:
                return
            self.row_flags.add((cell.row, once))
        ref = None if cell is None else f"{column_letter(cell.col)}{cell.row}"
        prefix = "" if cell is None else f"Dòng {cell.row}, cột {cell.header} (ô {ref}): "
        self.report.issues.append(
            Issue(
                None if cell is None else cell.row,
                None if cell is None else cell.header,
                code,
                prefix + message,
                severity,
                ref,
            )
        )


def add_no_rows(ck: _Checker) -> None:
    """A file with a header and no data row below it."""
    ck.report.issues.append(Issue(None, None, "E_NO_ROWS", "Tệp không có dòng số liệu nào dưới dòng tiêu đề."))


def start(ctx: Context, grid: Grid, table: Table, period: periods.Period | None, *, data_rows: int) -> _Checker:
    """A checker with an empty report; the period of the upload form, else the one in the file's title."""
    title = periods.find_in_text(table.title_period_text) if table.title_period_text else None
    report = Report(
        layout=table.layout,
        data_rows=data_rows,
        skipped_rows=table.skipped_rows,
        header_rows=(table.header_first or table.header_row, table.header_row),
        blank_units=table.blank_units,
        hidden_columns=table.hidden_columns,
        indicators=[c.indicator for c in table.columns if c.role == "indicator" and c.indicator],
    )
    return _Checker(ctx, grid, period or title, report)


def check_ignored_columns(ck: _Checker, table: Table) -> None:
    """Warn about a column that looks like a misspelt indicator: its figures would be left out."""
    names = {fold(code): code for code in ck.ctx.indicators} | {
        fold(r["name_vi"]): c for c, r in ck.ctx.indicators.items()
    }
    for col, header in table.ignored_columns:
        close = difflib.get_close_matches(fold(header), list(names), n=1, cutoff=0.75)
        if close:
            code = names[close[0]]
            ref = f"{column_letter(col)}{table.header_row}"
            message = (
                f"Cột “{header}” (ô {ref}) không khớp chỉ tiêu nào nên số liệu của cột này sẽ không được "
                f"lưu. Có phải “{code}” ({ck.ctx.indicators[code]['name_vi']})?"
            )
            ck.report.issues.append(Issue(table.header_row, header, "W_UNKNOWN_COLUMN", message, "warning", ref))


def _cell_period(ck: _Checker, cell: Cell) -> periods.Period | None:
    raw = cell.period_raw
    if raw is None:
        if ck.default_period is None and (0, "period") not in ck.row_flags:
            ck.row_flags.add((0, "period"))
            ck.add(
                None,
                "E_NO_PERIOD",
                "Không xác định được kỳ báo cáo: tệp không có cột “Kỳ báo cáo”, tiêu đề "
                "không ghi quý, và chưa chọn kỳ khi tải lên.",
            )
        return ck.default_period
    try:
        return period_of(raw)
    except periods.PeriodError as exc:  # also a date cell of 1900 or 2200
        ck.add(_at(cell, cell.period_col, cell.period_header), "E_BAD_PERIOD", str(exc), once="period")
        return None


def period_of(raw: object) -> periods.Period:
    """The period a filled period cell names (a date, an Excel serial number or a text); raise PeriodError."""
    as_date = None if isinstance(raw, str) else excel_date(raw)
    return periods.from_date(as_date) if as_date is not None else periods.parse(str(raw))


def _at(cell: Cell, col: int | None, header: str) -> Cell:
    """The cell as seen from another column of its row (the period or indicator code), for issues about it."""
    return cell if col is None else replace(cell, col=col, header=header)


def _check_unit(ck: _Checker, cell: Cell, period: periods.Period | None) -> bool:
    """Check the unit of a row once (a wide row holds many cells of the same unit)."""
    key = (cell.row, cell.unit_code, None if period is None else period.end)
    if key not in ck.unit_verdicts:
        ck.unit_verdicts[key] = _unit_verdict(ck, replace(cell, col=cell.unit_col, header=cell.unit_header), period)
    return ck.unit_verdicts[key]


def _unit_verdict(ck: _Checker, cell: Cell, period: periods.Period | None) -> bool:
    units = ck.ctx.units
    if cell.unit_code is None:
        ck.add(cell, "E_MISSING_UNIT", "thiếu mã đơn vị.", once="unit")
        return False
    if cell.unit_code not in units:
        key = ("unit", cell.unit_code, cell.unit_name)
        if key not in ck.hints:
            ck.hints[key] = _suggest(
                cell.unit_code, list(units), by_name=cell.unit_name, names={c: u["name"] for c, u in units.items()}
            )
        hint = ck.hints[key]
        ck.add(cell, "E_UNKNOWN_UNIT", f"không có đơn vị mã “{cell.unit_code}”.{hint}", once="unit")
        return False
    unit = units[cell.unit_code]
    if cell.unit_name and not names_match(cell.unit_name, unit["name"]):
        ck.add(
            cell,
            "W_UNIT_NAME",
            f"tên “{cell.unit_name}” không khớp với tên của mã {cell.unit_code} "
            f"trong danh sách (“{unit['name']}”). Hệ thống ghi theo mã.",
            "warning",
            once="name",
        )
    if period is not None and not in_force(unit, period):
        succ = f" Số liệu từ 01/07/2025 báo cáo theo đơn vị mới: {unit['successors']}." if unit["successors"] else ""
        ck.add(
            cell,
            "E_UNIT_NOT_VALID",
            f"đơn vị {cell.unit_code} không hoạt động trong {period.label}.{succ}",
            once="valid",
        )
        return False
    return True


def in_force(unit: dict, period: periods.Period) -> bool:
    """Whether a unit of the register exists at the end of the period."""
    return unit["valid_from"] <= period.end and (unit["valid_to"] is None or unit["valid_to"] >= period.end)


def names_match(given: str, registered: str) -> bool:
    a, b = fold(given), fold(registered)
    return a == b or a in b or b in a


def _suggest(code: str, known: list[str], *, by_name: str | None = None, names: dict[str, str] | None = None) -> str:
    if by_name and names is not None:
        hits = [c for c, n in names.items() if names_match(by_name, n)]
        if len(hits) == 1:
            return f" Có phải mã “{hits[0]}” ({names[hits[0]]})?"
    # "XP1" is XP01 (zero padding); difflib alone ties XP01 with XP10..XP31 and picks the last
    padded = [k for k in known if _unpad(k) == _unpad(code)]
    if len(padded) == 1:
        return f" Có phải “{padded[0]}”?"
    close = difflib.get_close_matches(code, known, n=1, cutoff=0.6)
    return f" Có phải “{close[0]}”?" if close else ""


def _unpad(code: str) -> str:
    return re.sub(r"\d+", lambda m: str(int(m.group())), code.upper())


def check_cell(ck: _Checker, cell: Cell) -> tuple[Cell, periods.Period, float] | None:
    """Every check of one cell but the duplicate one; the cell, its period and value when it can be stored."""
    if cell.raw is None and (cell.row, cell.col) not in ck.grid.formula_cells:
        return None  # blank: not reported
    period = _cell_period(ck, cell)
    unit_ok = _check_unit(ck, cell, period)
    ind = _check_indicator(ck, cell)
    if period is not None and period.start > ck.ctx.today:
        ck.add(
            _at(cell, cell.period_col, cell.period_header),
            "E_FUTURE_PERIOD",
            f"{period.label} chưa đến, không thể báo cáo.",
            once="future",
        )
        return None
    if ind is None:
        return None
    value = _check_value(ck, cell, ind)
    if value is None or not unit_ok or period is None:
        return None
    return cell, period, value


def add_duplicate(ck: _Checker, cell: Cell, period: periods.Period, first_row: int) -> None:
    """The same (unit, quarter, indicator) as an earlier row of the file."""
    ind = ck.ctx.indicators[cell.indicator]
    ck.add(
        cell,
        "E_DUPLICATE",
        f"trùng với dòng {first_row}: đơn vị {cell.unit_code}, {period.label}, "
        f"chỉ tiêu {ind['code']} ({ind['name_vi']}) xuất hiện hai lần.",
    )


def _check_indicator(ck: _Checker, cell: Cell) -> dict | None:
    inds = ck.ctx.indicators
    at = _at(cell, cell.indicator_col, cell.indicator_header)
    if cell.indicator is None or cell.indicator not in inds:
        if cell.indicator is None and cell.indicator_raw is None:
            ck.add(at, "E_MISSING_INDICATOR", "thiếu mã chỉ tiêu.")
            return None
        shown = cell.indicator or cell.indicator_raw
        key = ("indicator", str(shown))
        if key not in ck.hints:
            close = difflib.get_close_matches(str(shown).lower(), list(inds), n=1, cutoff=0.6)
            ck.hints[key] = f" Có phải “{close[0]}” ({inds[close[0]]['name_vi']})?" if close else ""
        ck.add(at, "E_UNKNOWN_INDICATOR", f"không có chỉ tiêu mã “{shown}”.{ck.hints[key]}")
        return None
    ind = inds[cell.indicator]
    if ind["type"] == "rate":
        ck.add(
            at,
            "E_DERIVED",
            f"“{ind['name_vi']}” được tính tự động từ {ind['numerator']} và "
            f"{ind['denominator']}; hãy báo cáo hai chỉ tiêu đó.",
        )
        return None
    return ind


def _check_value(ck: _Checker, cell: Cell, ind: dict) -> float | None:
    if (cell.row, cell.col) in ck.grid.formula_cells:
        ck.add(
            cell,
            "E_FORMULA",
            "ô có công thức nhưng chưa có giá trị tính sẵn. Hãy mở tệp bằng Excel, lưu lại, "
            "hoặc dán giá trị (Paste Values).",
        )
        return None
    if ind["type"] == "flag":
        flag = parse_flag(cell.raw)
        if flag is None:
            ck.add(cell, "E_FLAG", f"“{cell.raw}” không phải Có/Không (chấp nhận: Có, Không, x, 1, 0, Đã có, Chưa có).")
        return flag
    number = parse_number(cell.raw)
    if number is None:
        ck.add(cell, "E_NOT_NUMBER", f"“{cell.raw}” không phải là số.")
        return None
    if number.percent or (cell.row, cell.col) in ck.grid.percent_cells:
        ck.add(cell, "E_PERCENT", f"chỉ tiêu “{ind['name_vi']}” là số lượng ({ind['unit']}), không nhập tỷ lệ %.")
        return None
    return _check_range(ck, cell, ind, number.value)


def _num(value: float) -> str:
    return fmt.number(value, 0 if float(value).is_integer() else 2)


def _check_range(ck: _Checker, cell: Cell, ind: dict, value: float) -> float | None:
    if value < 0:
        ck.add(cell, "E_NEGATIVE", f"số âm ({_num(value)}) không hợp lệ; số lượng phải từ 0 trở lên.")
        return None
    if int(ind["decimals"]) == 0 and value != int(value):
        ck.add(
            cell,
            "E_FRACTION",
            f"“{cell.raw}” không phải số nguyên; {ind['unit']} phải là số nguyên. "
            "Nếu là số hàng nghìn, hãy viết 1234 hoặc 1.234.",
        )
        return None
    lo, hi = ind["min_value"], ind["max_value"]
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        ck.add(
            cell,
            "E_RANGE",
            f"giá trị {_num(value)} ngoài khoảng cho phép ({fmt.number(lo)}–{fmt.number(hi)} {ind['unit']}).",
        )
        return None
    return value


def numerator_pairs(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    """Numerator → [(denominator, severity)], in catalogue order, then the carry-over pairs."""
    pairs: dict[str, list[tuple[str, str]]] = {}
    for r in ctx.indicators.values():
        if r["unit"] == "%":
            pairs.setdefault(r["numerator"], []).append((r["denominator"], "error"))
    for a, b in CARRY_OVER_PAIRS:
        pairs.setdefault(a, []).append((b, "warning"))
    return pairs


def add_pair(ck: _Checker, cell: Cell, value: float, den: str, severity: str, other: Cell, other_value: float) -> None:
    """A numerator (cell) above its denominator (other)."""
    inds = ck.ctx.indicators
    word = "lớn hơn" if severity == "error" else "lớn hơn (có thể do vụ việc chuyển từ kỳ trước)"
    ck.add(
        cell,
        "E_NUM_GT_DEN" if severity == "error" else "W_CARRY_OVER",
        f"{inds[cell.indicator]['name_vi']} ({fmt.number(value)}) {word} {inds[den]['name_vi']} "
        f"({fmt.number(other_value)}, ô {column_letter(other.col)}{other.row}).",
        severity,
    )


def stored_values(con: duckdb.DuckDBPyConnection, units: list[str], years: list[int]) -> pd.DataFrame:
    """The stored values of these units in the years of the cumulative reports (unit_code, period, ...)."""
    with db.registered(con, incoming=pd.DataFrame({"unit_code": pd.Series(units, dtype=object)})):
        return sql.run(con, "stored_values", start=date(min(years), 1, 1), end=date(max(years), 10, 1))


def add_gap(ck: _Checker, cell: Cell, period: periods.Period, missing: list[str]) -> None:
    """A cumulative report whose earlier quarters are not stored (labels of the missing ones)."""
    ck.add(
        cell,
        "E_CUMULATIVE_GAP",
        f"số liệu lũy kế {period.label} cần số liệu đã lưu của "
        f"{', '.join(missing)} để tính quý {periods.ROMAN[period.last_q]}; hãy tải lên các quý đó trước.",
    )


def add_negative_increment(ck: _Checker, cell: Cell, period: periods.Period, value: float, increment: float) -> None:
    """A cumulative report below the sum of the stored earlier quarters."""
    ck.add(
        cell,
        "E_NEGATIVE_INCREMENT",
        f"lũy kế {period.label} ({fmt.number(value)}) nhỏ hơn tổng các quý "
        f"trước đã lưu ({fmt.number(value - increment)}): số quý {periods.ROMAN[period.last_q]} sẽ âm.",
    )


KEY = ["unit_code", "period", "indicator_code"]


def outliers(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> pd.DataFrame:
    """The rows far from their unit's own history (queries/outlier_rows.sql): unit_code, period (a date),
    indicator_code, value, median, carried (the history reaches back through the units it replaced); in no
    particular order."""
    if rows.empty:
        return pd.DataFrame(columns=[*KEY, "value", "median", "carried"])
    with db.registered(con, incoming=store.relation(rows[["unit_code", "period", "indicator_code", "value"]])):
        found = sql.run(con, "outlier_rows", before=min(pd.unique(rows["period"])))  # few distinct quarters
    found["period"] = [d.date() for d in pd.to_datetime(found["period"])]  # as the rows hold it
    return found


def add_outlier(ck: _Checker, cell: Cell | None, value: float, median: float, carried: bool = False) -> None:
    """A value far from the unit's own history (carried: reaching back through the units it replaced)."""
    ck.add(
        cell,
        "W_OUTLIER",
        f"giá trị {fmt.number(value)} khác thường so với các quý trước của đơn vị "
        + ("(tính cả số liệu của các đơn vị cũ được sắp xếp vào đơn vị này; " if carried else "(")
        + f"trung vị {fmt.number(median)}). Hãy kiểm tra lại.",
        "warning",
    )
