"""File bytes → a grid of cells: decode what Vietnamese Windows, macOS and Excel really produce.

Only an unreadable file raises (IngestError, with a Vietnamese message); everything else is
left to validate, which reports every issue at once.
"""

from __future__ import annotations

import codecs
import csv
import io
import math
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from reform import xlsx
from reform.textnorm import fold, nfc

assert openpyxl.DEFUSEDXML, "defusedxml must be installed: it protects Excel parsing against XML bombs"

MAX_COLUMNS = 1000
_MB = 1024 * 1024  # as REFORM_MAX_UPLOAD_MB counts (config.py): a 20 MB limit must read "20 MB"
MAX_ROWS = 3_000_000
DELIMITERS = [",", ";", "\t"]
# Characters that Windows-1258 gives for TCVN3 (.VnTime) and VNI bytes, and that Vietnamese never uses
# (not Ê, È, É: TCVN3 bytes for ấ, ẩ, ẫ, but also real capitals, as in "TÊN CHỈ TIÊU").
_TCVN3_MARKS = set("¸µ¶·¹¨»¾¼½ÆÇË©®§ª«¬¡¢£¤¥¦")
_VNI_MARKS = set("øûïñÑÖöåäÅÄ")
_CONVERT_HINT = (
    "Hãy chuyển tệp sang Unicode (dùng chức năng chuyển mã của bộ gõ tiếng Việt, nguồn {src}, đích Unicode), "
    "hoặc nhập số liệu vào mẫu Excel tải từ trang Tải lên."
)


class IngestError(ValueError):
    """The file cannot be read at all; code is stable, message is Vietnamese."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class Grid:
    """The cells of one sheet; rows[i] is file row i + 1."""

    rows: list[list[object]]
    kind: str  # xlsx | csv
    encoding: str | None = None
    delimiter: str | None = None
    sheet: str | None = None
    formula_cells: set[tuple[int, int]] = field(default_factory=set)  # (row, col), 1-based, formulas w/o value
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # Excel cells formatted as a percentage


def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB" (the way Excel names columns, also used for CSV)."""
    return get_column_letter(col)


def read(data: bytes, file_name: str, *, max_bytes: int) -> Grid:
    """Read an .xlsx, .csv, .txt or .tsv file into a Grid; raise IngestError when it cannot be read."""
    return read_xlsx(data) if kind_of(data, file_name, max_bytes=max_bytes) == "xlsx" else read_text(data)


def kind_of(data: bytes, file_name: str, *, max_bytes: int) -> str:
    """ "xlsx" or "text"; raise IngestError for a file refused before reading (too large, empty, old .xls)."""
    if len(data) > max_bytes:
        raise IngestError(
            "E_TOO_LARGE",
            f"Tệp {len(data) / _MB:.1f} MB vượt giới hạn {max_bytes / _MB:.0f} MB. "
            "Hãy chia thành nhiều tệp (ví dụ theo đơn vị) rồi tải lên lần lượt.".replace(".", ",", 1),
        )
    if not data.strip():
        raise IngestError("E_EMPTY", "Tệp rỗng, không có dữ liệu.")
    if data[:4] == b"PK\x03\x04":
        return "xlsx"
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise IngestError("E_XLS_OLD", "Tệp Excel cũ (.xls) chưa được hỗ trợ. Hãy mở tệp và lưu lại dạng .xlsx.")
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise IngestError("E_NOT_XLSX", "Tệp có đuôi .xlsx nhưng không phải tệp Excel hợp lệ (có thể đã hỏng).")
    return "text"


def read_xlsx(data: bytes) -> Grid:
    """The first worksheet of an .xlsx file, with cached values of formulas."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise IngestError("E_NOT_XLSX", "Tệp nén (.zip) này không phải tệp Excel .xlsx.")
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        formulas = _has_formulas(data)  # only then does the pass over the cells look for formulas
    except IngestError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds; none may escape as a traceback
        msg = "Không mở được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx). Hãy mở bằng Excel và lưu lại."
        raise IngestError("E_BAD_XLSX", msg) from exc
    try:
        return _read_sheet(book.worksheets[0], formulas)
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError("E_BAD_XLSX", "Không đọc được nội dung tệp Excel. Hãy mở bằng Excel và lưu lại.") from exc
    finally:
        book.close()


def _read_sheet(ws: ReadOnlyWorksheet, formulas: bool) -> Grid:
    """The cells of a read-only worksheet in one pass, values and formulas (reform/xlsx.py)."""
    if (ws.max_column or 0) > MAX_COLUMNS:
        raise _too_wide(ws.title, ws.max_column)
    grid = Grid(rows=[], kind="xlsx", sheet=ws.title)
    for r, row in enumerate(xlsx.rows(ws, formulas=formulas), 1):
        if r > MAX_ROWS:
            raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {MAX_ROWS} dòng.")
        if len(row) > MAX_COLUMNS:  # a sheet that does not declare its size (max_column None)
            raise _too_wide(ws.title, len(row))
        grid.rows.append([None if cell is None else _cell_value(cell["value"]) for cell in row])
        _note_cells(grid, r, ws, row)
    return grid


def _too_wide(title: str, columns: int) -> IngestError:
    return IngestError(
        "E_TOO_MANY_COLUMNS",
        f"Trang tính “{title}” có {columns} cột, quá giới hạn {MAX_COLUMNS} "
        "cột. Hãy xóa các cột thừa hoặc dùng mẫu Excel của hệ thống.",
    )


MAX_SHEET_XML = 300 * 1024 * 1024  # a worksheet that unpacks to more is a zip bomb, not a report


def _has_formulas(data: bytes) -> bool:
    """Whether any worksheet of the package holds a formula element."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            if info.file_size > MAX_SHEET_XML:
                raise IngestError(
                    "E_TOO_LARGE",
                    "Trang tính trong tệp Excel quá lớn khi giải nén; tệp có thể bị hỏng hoặc không phải báo cáo.",
                )
            xml = z.read(info)
            if b"<f>" in xml or b"<f " in xml:
                return True
    return False


def _note_cells(grid: Grid, r: int, ws: ReadOnlyWorksheet, row: list[xlsx.Slot]) -> None:
    """Remember formulas without a cached value, and numbers formatted as a percentage."""
    for c, cell in enumerate(row, 1):
        if cell is None:
            continue
        if cell.get("formula") and cell["value"] is None:
            grid.formula_cells.add((r, c))
        # a percentage is stored as a fraction (0.855): whole numbers are counts, skip their style lookup
        if isinstance(cell["value"], float) and "%" in str(xlsx.number_format(ws, cell)):
            grid.percent_cells.add((r, c))


def _cell_value(value: object) -> object:
    if isinstance(value, str):
        value = nfc(value).strip()
        check_legacy(value)
        return value or None
    return value


def decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: UTF-8 (with or without BOM), UTF-16 (Excel's "Unicode text"), Windows-1258."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8"), "utf-8-sig"  # a BOM, then bytes that are not UTF-8: E_ENCODING
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16"), "utf-16"
    if len(data) >= 4 and data[1:2] == b"\x00" and data[3:4] == b"\x00" and data[0:1] != b"\x00":
        return _strict(data, "utf-16-le"), "utf-16-le"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return _strict(data, "cp1258"), "windows-1258"


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        msg = "Không nhận ra bảng mã của tệp. Hãy lưu lại dạng “CSV UTF-8” hoặc .xlsx."
        raise IngestError("E_ENCODING", msg) from exc


def check_text_is_text(text: str) -> None:
    """Refuse binary garbage that happened to decode."""
    sample = text[:20000]
    control = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\r\n") or 0x7F <= ord(c) < 0xA0)
    if "\x00" in sample or control > max(2, len(sample) // 200):
        raise IngestError("E_BINARY", "Tệp không phải bảng tính CSV hay Excel (nội dung nhị phân hoặc đã hỏng).")


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def check_legacy(text: str) -> None:
    """Refuse text in the legacy TCVN3 (.VnTime) or VNI encodings, with how to convert it."""
    if text.isascii():
        return
    non_ascii = _NON_ASCII.findall(text)  # every character above 127, in order (a regex, not a Python loop)
    if len(non_ascii) < 2:
        return
    tcvn3 = sum(c in _TCVN3_MARKS for c in non_ascii)
    vni = sum(c in _VNI_MARKS for c in non_ascii)
    if tcvn3 >= 2 and tcvn3 >= 0.3 * len(non_ascii):
        raise IngestError(
            "E_LEGACY_TCVN3",
            "Tệp dùng bảng mã cũ TCVN3 (phông .VnTime), chữ Việt sẽ bị sai. " + _CONVERT_HINT.format(src="TCVN3 (ABC)"),
        )
    if vni >= 2 and vni >= 0.2 * len(non_ascii):
        raise IngestError(
            "E_LEGACY_VNI",
            "Tệp dùng bảng mã cũ VNI (phông VNI-Times), chữ Việt sẽ bị sai. " + _CONVERT_HINT.format(src="VNI Windows"),
        )


def read_text(data: bytes) -> Grid:
    """A CSV / TSV / "Unicode text" file: decode, normalise to NFC, find the delimiter, split."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    try:
        rows = [[_text_cell(c) for c in row] for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as exc:
        raise IngestError(
            "E_CSV",
            "Tệp CSV sai cấu trúc (thường do một dấu ngoặc kép không được đóng). "
            "Hãy mở bằng Excel và lưu lại dạng “CSV UTF-8”.",
        ) from exc
    check_size(len(rows), max((len(r) for r in rows), default=0))
    return Grid(rows=rows, kind="csv", encoding=encoding, delimiter=delimiter)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV / TSV file, normalised to NFC, and its encoding; refuse binary and legacy text."""
    text, encoding = decode(data)
    if not text.strip():  # only a byte-order mark: what Excel saves for an empty sheet
        raise IngestError("E_EMPTY", "Tệp rỗng, không có dữ liệu.")
    check_text_is_text(text)
    text = nfc(text)
    check_legacy(text)
    return text, encoding


def check_size(rows: int, widest: int) -> None:
    """Refuse a text file of more rows or columns than a report can have."""
    if rows > MAX_ROWS:
        raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {MAX_ROWS} dòng.")
    if widest > MAX_COLUMNS:
        raise IngestError("E_TOO_MANY_COLUMNS", f"Tệp có {widest} cột, quá giới hạn {MAX_COLUMNS} cột.")


def _text_cell(cell: str) -> str | None:
    cell = cell.strip()
    return cell or None


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first lines into the most consistent number of fields (> 1)."""
    lines = [line for line in _first_lines(text, 50) if line.strip()]
    best, best_score = ",", -1
    for d in DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=d)]
        except csv.Error:
            continue
        wide = [n for n in counts if n > 1]
        if not wide:
            continue
        mode = max(set(wide), key=wide.count)
        score = wide.count(mode) * 1000 + mode
        if score > best_score:
            best, best_score = d, score
    return best


def _first_lines(text: str, n: int) -> list[str]:
    """text.splitlines()[:n] without splitting the whole of a large text."""
    size = 8192
    while size < len(text):
        lines = text[:size].splitlines()
        if len(lines) > n:  # line n + 1 began inside the prefix, so the first n lines ended inside it
            return lines[:n]
        size *= 4
    return text.splitlines()[:n]


# --- numbers, flags and dates as staff write them -------------------------------------------------

_THOUSANDS_DOT = re.compile(r"^-?\d{1,3}(\.\d{3})+$")  # 1.234 or 1.234.567 (Vietnamese thousands)
_THOUSANDS_COMMA = re.compile(r"^-?\d{1,3}(,\d{3}){2,}$")  # 1,234,567 (English, two groups or more)
_BOTH = re.compile(r"^-?\d{1,3}([.,])\d{3}(\1\d{3})*([.,])\d+$")
_PLAIN = re.compile(r"^-?\d+([.,]\d+)?$")
DASHES = {"-", "–", "—"}
YES = {"co", "x", "1", "da co", "yes", "y", "true", "dat"}
NO = {"khong", "0", "chua co", "no", "n", "false", "chua"}


class Number(NamedTuple):
    value: float
    percent: bool = False


def parse_number(raw: object) -> Number | None:
    """A number as written in Vietnamese or English; "-" is 0; None when it is not a number."""
    if isinstance(raw, bool):
        return Number(float(raw))
    if isinstance(raw, int | float):
        return Number(float(raw))
    if not isinstance(raw, str):
        return None
    text = raw.strip().replace("\u00a0", "").replace(" ", "")
    if text in DASHES:
        return Number(0.0)
    percent = text.endswith("%")
    text = text.rstrip("%")
    if _THOUSANDS_DOT.match(text):
        text = text.replace(".", "")
    elif _THOUSANDS_COMMA.match(text):
        text = text.replace(",", "")
    elif _BOTH.match(text):  # both marks: the last one is the decimal mark
        decimal = "," if text.rfind(",") > text.rfind(".") else "."
        text = text.replace("." if decimal == "," else ",", "").replace(decimal, ".")
    elif _PLAIN.match(text):
        text = text.replace(",", ".")
    else:
        return None
    value = float(text)
    if not math.isfinite(value):  # hundreds of digits: float("1000…0") is inf
        return None
    return Number(value, percent)


def parse_flag(raw: object) -> float | None:
    """Có/Không, x, 1/0, Đã có/Chưa có → 1.0 / 0.0; None when it is not a yes/no."""
    if isinstance(raw, bool):
        return float(raw)
    if isinstance(raw, int | float) and raw in (0, 1):
        return float(raw)
    word = fold(raw) if isinstance(raw, str) else None
    number = parse_number(raw) if isinstance(raw, str) else None
    if number is not None and not number.percent and number.value in (0.0, 1.0):
        return number.value
    if word in YES:
        return 1.0
    if word in NO or word in DASHES:
        return 0.0
    return None


def excel_date(raw: object) -> date | None:
    """A date cell, an Excel serial number or dd/mm/yyyy text as a date; None otherwise."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, int | float) and 20000 < raw < 80000:
        return date.fromordinal(date(1899, 12, 30).toordinal() + int(raw))
    if isinstance(raw, str):
        m = re.match(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$", raw.strip())
        if m:
            try:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            except ValueError:
                return None
    return None


# --- the table inside the grid: header, layout, data rows -----------------------------------------

KEY_ALIASES = {
    "unit_code": {"unit code", "ma don vi", "ma dv", "ma don vi bao cao"},
    "unit_name": {"unit name", "ten don vi", "don vi", "ten dv"},
    "period": {"period", "ky bao cao", "ky"},
    "indicator_code": {"indicator code", "ma chi tieu"},
    "value": {"value", "gia tri", "so lieu"},
    "note": {"note", "ghi chu"},
}
TOTAL_WORDS = {"tong cong", "toan tinh", "tong so", "tong", "cong", "toan dang bo", "tong toan tinh"}
ROMAN_SECTION = re.compile(r"^(?=[ivxlc])[ivxlc]+[.):]?(\s.*)?$")
HEADER_SEARCH_ROWS = 30


@dataclass(frozen=True)
class Column:
    index: int  # 0-based position in the row
    header: str  # as written in the file
    role: str  # unit_code | unit_name | period | indicator_code | value | note | indicator
    indicator: str | None = None  # wide layout: the indicator this column holds


@dataclass(slots=True)  # not frozen: a frozen dataclass sets each field through object.__setattr__, three times
class Cell:  # slower to build, and a province file builds 135,000 cells; nothing changes a cell once built
    """One value cell of the file, before validation."""

    row: int  # 1-based file row
    col: int  # 1-based file column
    header: str
    unit_code: str | None
    unit_name: str | None
    period_raw: object
    indicator: str | None
    indicator_raw: object
    raw: object
    note: str | None = None
    unit_col: int = 1  # 1-based column of the unit code, for issues about the unit
    unit_header: str = ""
    period_col: int | None = None  # 1-based column of the period, when the file has one
    period_header: str = ""
    indicator_col: int | None = None  # long layout: 1-based column of the indicator code
    indicator_header: str = ""


@dataclass
class Table:
    layout: str  # long | wide
    header_row: int  # 1-based, the row whose names were used
    columns: list[Column]
    cells: list[Cell]
    skipped_rows: dict[int, str]  # row -> why (empty, section, total)
    title_period_text: str | None  # a title above the header naming a period
    lookup: dict[str, str] = field(default_factory=dict)  # folded code or name -> indicator code
    ignored_columns: list[tuple[int, str]] = field(default_factory=list)  # (1-based column, header) holding data


def indicator_lookup(codes_and_names: list[tuple[str, str]]) -> dict[str, str]:
    """Folded code or Vietnamese name → code, for matching column headers."""
    lookup = {}
    for code, name in codes_and_names:
        lookup[fold(code)] = code
        lookup[fold(name)] = code
    return lookup


def _role(header: object, indicators: dict[str, str]) -> tuple[str | None, str | None]:
    if header is None:
        return None, None
    folded = fold(header)
    for role, aliases in KEY_ALIASES.items():
        if folded in aliases:
            return role, None
    code = indicators.get(folded) or indicators.get(_strip_code_suffix(folded))
    return ("indicator", code) if code else (None, None)


def _strip_code_suffix(folded: str) -> str:
    """ "so to chuc dang duoc kiem tra (kt tcd)" -> "kt tcd" when a header carries its code in brackets."""
    m = re.search(r"\(([a-z0-9 ]+)\)\s*$", folded)
    return m.group(1) if m else folded


def find_columns(grid: Grid, indicators: dict[str, str]) -> tuple[int, list[Column]] | None:
    """The header row (0-based) and its columns: the first row naming the unit code and some figures."""
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        roles = [_role(h, indicators) for h in row]
        kinds = {role for role, _ in roles}
        if "unit_code" in kinds and ("indicator" in kinds or {"indicator_code", "value"} <= kinds):
            cols = [Column(i, str(row[i]), role, code) for i, (role, code) in enumerate(roles) if role]
            below = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
            return _prefer_code_row(r, cols, below, indicators)
    return None


def _prefer_code_row(r: int, cols: list[Column], below: list[object], indicators: dict[str, str]):
    """Templates put a row of codes under the Vietnamese names: when it is there, read it instead."""
    roles = [_role(h, indicators) for h in below]
    if sum(1 for role, _ in roles if role) < max(2, len(cols) // 2):
        return r, cols
    coded = [Column(i, str(below[i]), role, code) for i, (role, code) in enumerate(roles) if role]
    # a key column merged over both rows ("Mã đơn vị" in A5:A6) is named only in the upper row: keep it
    taken_cols, taken_roles = {c.index for c in coded}, {c.role for c in coded}
    kept = [c for c in cols if c.role != "indicator" and c.index not in taken_cols and c.role not in taken_roles]
    return r + 1, sorted(coded + kept, key=lambda c: c.index)


def no_header() -> IngestError:
    """The refusal of a file in which no header row can be found."""
    return IngestError(
        "E_NO_HEADER",
        "Không tìm thấy dòng tiêu đề có cột “Mã đơn vị” và các cột chỉ tiêu (hoặc “Mã chỉ tiêu” và “Giá trị”) "
        f"trong {HEADER_SEARCH_ROWS} dòng đầu. Hãy dùng mẫu Excel tải từ trang Tải lên.",
    )


def key_columns(columns: list[Column]) -> dict[str, Column]:
    """The key columns by role (unit_code, period, indicator_code, value, ...); the last one of a role wins."""
    return {c.role: c for c in columns if c.role != "indicator"}


def layout_of(by_role: dict[str, Column]) -> str:
    """ "long" when the file has an indicator code and a value column, else "wide"."""
    return "long" if {"indicator_code", "value"} <= set(by_role) else "wide"


def extract(grid: Grid, indicators: dict[str, str]) -> Table:
    """The cells of the table in the grid; raise IngestError when no header can be found."""
    table, by_role = frame(grid, indicators)
    for row_no in data_rows(grid, table, by_role):
        _read_row(table, grid.rows[row_no - 1], row_no, by_role)
    return table


def frame(grid: Grid, indicators: dict[str, str]) -> tuple[Table, dict[str, Column]]:
    """The table in the grid without its cells, and its key columns by role; raise IngestError without a header."""
    found = find_columns(grid, indicators)
    if found is None:
        raise no_header()
    header_index, columns = found
    by_role = key_columns(columns)
    title = title_period(grid.rows[:header_index])
    table = Table(layout_of(by_role), header_index + 1, columns, [], {}, title, indicators)
    table.ignored_columns = _ignored_columns(grid, header_index, columns)
    return table, by_role


def data_rows(grid: Grid, table: Table, by_role: dict[str, Column]) -> list[int]:
    """The 1-based rows below the header that hold figures; the others go to table.skipped_rows with why."""
    found = []
    for r in range(table.header_row, len(grid.rows)):
        row = grid.rows[r]
        reason = skip_reason(row, _get(row, by_role.get("unit_code")))
        if reason:
            table.skipped_rows[r + 1] = reason
        else:
            found.append(r + 1)
    return found


def _ignored_columns(grid: Grid, header_index: int, columns: list[Column]) -> list[tuple[int, str]]:
    """Named header cells that match no role but hold data below: a typo would lose a column silently."""
    used = {c.index for c in columns}
    header = grid.rows[header_index]
    data = grid.rows[header_index + 1 :]
    return [
        (i + 1, str(h))
        for i, h in enumerate(header)
        if h is not None and i not in used and any(i < len(r) and r[i] is not None for r in data)
    ]


def title_period(rows: list[list[object]]) -> str | None:
    """The first cell of the rows above the header that names a period (a report title), or None."""
    from reform.periods import PeriodError, find_in_text

    for row in rows:
        for cell in row:
            if not isinstance(cell, str):
                continue
            try:
                if find_in_text(cell):
                    return cell
            except PeriodError:  # "QUÝ I/0999": a typo in a title is not a period
                continue
    return None


def _get(row: list[object], col: Column | None) -> object:
    return row[col.index] if col is not None and col.index < len(row) else None


_NEVER_BLANK = {int, float}  # their str() is never blank: skip it for the numbers that fill most rows


def skip_reason(row: list[object], unit_code: object) -> str | None:
    """Why a row holds no figures (empty, total, section), or None for a data row."""
    filled = [
        c for c in row if c is not None and (type(c) in _NEVER_BLANK or (c if isinstance(c, str) else str(c)).strip())
    ]
    if not filled:
        return "empty"
    words = {fold(c) for c in filled if isinstance(c, str)}
    if words & TOTAL_WORDS or any(w.startswith(("tong cong", "toan tinh")) for w in words):
        return "total"
    first = fold(filled[0]) if isinstance(filled[0], str) else ""
    if ROMAN_SECTION.match(first) and (unit_code is None or str(unit_code).strip() == filled[0]):
        return "section"
    return None


def _read_row(table: Table, row: list[object], row_no: int, by_role: dict[str, Column]) -> None:
    if table.layout == "long":
        table.cells.append(long_cell(row, row_no, by_role, table.lookup))
    else:
        table.cells.extend(wide_cells(row, row_no, table.columns, by_role))


def wide_cells(row: list[object], row_no: int, columns: list[Column], by_role: dict[str, Column]) -> list[Cell]:
    """The value cells of a data row of the wide layout, one per indicator column among columns."""
    common = row_fields(row, row_no, by_role)
    return [
        Cell(
            col=col.index + 1,
            header=col.header,
            indicator=col.indicator,
            indicator_raw=col.header,
            raw=_get(row, col),
            **common,
        )
        for col in columns
        if col.role == "indicator"
    ]


def long_cell(row: list[object], row_no: int, by_role: dict[str, Column], lookup: dict[str, str]) -> Cell:
    """The one value cell of a data row of the long layout."""
    ind_col, val_col = by_role["indicator_code"], by_role["value"]
    ind_raw = _get(row, ind_col)
    code = None if ind_raw is None else lookup.get(fold(ind_raw), str(ind_raw).strip())
    return Cell(
        col=val_col.index + 1,
        header=val_col.header,
        indicator=code,
        indicator_raw=ind_raw,
        raw=_get(row, val_col),
        indicator_col=ind_col.index + 1,
        indicator_header=ind_col.header,
        **row_fields(row, row_no, by_role),
    )


def row_fields(row: list[object], row_no: int, by_role: dict[str, Column]) -> dict:
    """What every value cell of a data row shares: its row, unit, period and note, with their columns."""
    unit_raw = _get(row, by_role.get("unit_code"))
    unit_code = str(unit_raw).strip().upper() if unit_raw is not None else None
    unit_name = _get(row, by_role.get("unit_name"))
    period_raw = _get(row, by_role.get("period"))
    note = _get(row, by_role.get("note"))
    unit_col = by_role.get("unit_code")
    period_col = by_role.get("period")
    return {
        "row": row_no,
        "unit_code": unit_code,
        "unit_name": None if unit_name is None else str(unit_name),
        "period_raw": period_raw,
        "note": None if note is None else str(note),
        "unit_col": unit_col.index + 1 if unit_col else 1,
        "unit_header": unit_col.header if unit_col else "",
        "period_col": period_col.index + 1 if period_col else None,
        "period_header": period_col.header if period_col else "",
    }
