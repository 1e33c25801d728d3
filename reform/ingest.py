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

import numpy as np
import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from reform import fmt, xlsx
from reform.textnorm import fold, nfc

assert openpyxl.DEFUSEDXML, "defusedxml must be installed: it protects Excel parsing against XML bombs"

MAX_COLUMNS = 1000
MAX_CELLS = 3_000_000  # cells of a sheet as read (rows x width): 20 times a province template of 3,000 x 45
MAX_LINE_BYTES = 1024 * 1024  # one line of a text file: 1,000 columns of long notes fit in far less
# An .xlsx part (a sheet, the shared strings) larger than this unpacked, or packed more than MAX_RATIO times
# tighter than XML ever packs, is a bomb, not a report: refused before any XML is parsed.
MAX_PART_BYTES = 150 * 1024 * 1024
MAX_PACKAGE_BYTES = 300 * 1024 * 1024
MAX_RATIO = 100
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
    hidden_rows: set[int] = field(default_factory=set)  # 1-based rows hidden in Excel: never read as figures
    hidden_cols: set[int] = field(default_factory=set)  # 1-based columns hidden in Excel: never read as figures
    sheets: list[str] = field(default_factory=list)  # every worksheet of the workbook, in order


def column_letter(col: int) -> str:
    """1 -> "A", 28 -> "AB" (the way Excel names columns, also used for CSV)."""
    return get_column_letter(col)


def read(data: bytes, file_name: str, *, max_bytes: int, lookup: dict[str, str] | None = None) -> Grid:
    """Read an .xlsx, .xls, .csv, .txt or .tsv file into a Grid; raise IngestError when it cannot be read.

    lookup (indicator_lookup): with it, a workbook of several sheets gives the one sheet that holds the data.
    """
    kind = kind_of(data, file_name, max_bytes=max_bytes)
    if kind == "xlsx":
        return read_xlsx(data, lookup)
    return read_xls(data, lookup) if kind == "xls" else read_text(data)


def kind_of(data: bytes, file_name: str, *, max_bytes: int) -> str:
    """ "xlsx", "xls" or "text"; raise IngestError for a file refused before reading (too large, empty)."""
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
        return "xls"
    if file_name.lower().endswith((".xlsx", ".xlsm")):
        raise IngestError("E_NOT_XLSX", "Tệp có đuôi .xlsx nhưng không phải tệp Excel hợp lệ (có thể đã hỏng).")
    return "text"


def read_xlsx(data: bytes, lookup: dict[str, str] | None = None) -> Grid:
    """The worksheet of an .xlsx file holding the data (the first without lookup), with cached values of formulas."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            if "xl/workbook.xml" not in z.namelist():
                raise IngestError("E_NOT_XLSX", "Tệp nén (.zip) này không phải tệp Excel .xlsx.")
            check_package(z.infolist())
        formulas = scan_parts(data)  # only then does the pass over the cells look for formulas
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except IngestError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many kinds; none may escape as a traceback
        msg = "Không mở được tệp Excel (tệp hỏng hoặc không đúng định dạng .xlsx). Hãy mở bằng Excel và lưu lại."
        raise IngestError("E_BAD_XLSX", msg) from exc
    try:
        sheets = [ws for ws in book.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheets = sheets or book.worksheets
        if lookup is None or len(sheets) == 1:
            grid = _read_sheet(sheets[0], formulas)
        else:
            grid = pick_sheet([_read_sheet(ws, formulas) for ws in sheets], lookup)
        grid.sheets = [ws.title for ws in book.worksheets]
        return grid
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
    fast = xlsx.fast_sheet(ws, formulas=formulas, max_rows=MAX_ROWS, max_cells=MAX_CELLS)
    if fast is not None:
        return _fast_grid(ws, fast)
    grid = Grid(rows=[], kind="xlsx", sheet=ws.title)
    dims: dict = {}
    cells = 0
    for r, row in enumerate(xlsx.rows(ws, formulas=formulas, dims=dims), 1):
        if r > MAX_ROWS:
            raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {MAX_ROWS} dòng.")
        if len(row) > MAX_COLUMNS:  # a sheet that does not declare its size (max_column None)
            raise _too_wide(ws.title, len(row))
        cells += len(row)
        if cells > MAX_CELLS:  # counted as the rows stream in: a sheet declaring a huge size stops here
            raise _too_many_cells(ws.title, r)
        grid.rows.append([None if cell is None else _cell_value(cell["value"]) for cell in row])
        _note_cells(grid, r, ws, row)
    grid.hidden_rows, grid.hidden_cols = dims.get("rows", set()), dims.get("cols", set())
    return grid


def _fast_grid(ws: ReadOnlyWorksheet, fast: xlsx.FastSheet) -> Grid:
    """The Grid of a sheet read the fast way (reform/xlsx.py), under the limits _read_sheet applies row by row."""
    cells = 0
    for r, row in enumerate(fast.rows, 1):
        if r > MAX_ROWS:
            raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {MAX_ROWS} dòng.")
        if len(row) > MAX_COLUMNS:
            raise _too_wide(ws.title, len(row))
        cells += len(row)
        if cells > MAX_CELLS:
            raise _too_many_cells(ws.title, r)
        for c in fast.texts.get(r - 1, ()):  # text only: numbers are kept as read
            row[c] = _cell_value(row[c])
    rows = fast.rows
    formats: dict[int, bool] = {}
    percent = set()
    for r, c, style in fast.styled_floats:
        if style not in formats:
            slot = {"row": r, "column": c, "value": None, "data_type": "n", "style_id": style}
            formats[style] = "%" in str(xlsx.number_format(ws, slot))
        if formats[style]:
            percent.add((r, c))
    return Grid(
        rows,
        "xlsx",
        sheet=ws.title,
        formula_cells=fast.formulas,
        percent_cells=percent,
        hidden_rows=fast.hidden_rows,
        hidden_cols=fast.hidden_cols,
    )


def pick_sheet(grids: list[Grid], lookup: dict[str, str]) -> Grid:
    """The one sheet whose header can be found; refuse, listing the sheets, when none or several can."""
    found = [g for g in grids if find_columns(g, lookup) is not None]
    if len(found) == 1:
        return found[0]
    names = ", ".join(f"“{g.sheet}”" for g in (found or grids))
    if not found:
        raise IngestError(
            "E_NO_HEADER",
            f"Tệp có {len(grids)} trang tính ({names}) nhưng không trang nào có dòng tiêu đề với cột “Mã đơn vị” "
            f"và các cột chỉ tiêu trong {HEADER_SEARCH_ROWS} dòng đầu. Hãy dùng mẫu Excel tải từ trang Tải lên.",
        )
    raise IngestError(
        "E_MANY_SHEETS",
        f"Tệp có {len(found)} trang tính cùng chứa bảng số liệu ({names}). Hãy để mỗi tệp một trang số liệu "
        "(xóa hoặc chuyển các trang kia sang tệp khác) rồi tải lên lần lượt.",
    )


def read_xls(data: bytes, lookup: dict[str, str] | None = None) -> Grid:
    """The worksheet of an Excel 97-2003 (.xls) file holding the data, with cached values of formulas."""
    import xlrd  # only .xls files need it

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises many kinds for a damaged file; none may escape as a traceback
        msg = (
            "Không mở được tệp Excel 97-2003 (.xls): tệp hỏng hoặc không đúng định dạng. Hãy mở bằng Excel và lưu lại."
        )
        raise IngestError("E_BAD_XLS", msg) from exc
    try:
        names = book.sheet_names()
        sheets = [book.sheet_by_index(i) for i in range(book.nsheets)]
        visible = [sh for sh in sheets if not sh.visibility] or sheets
        grids = [_read_xls_sheet(book, sh) for sh in (visible if lookup is not None else visible[:1])]
        grid = grids[0] if len(grids) == 1 else pick_sheet(grids, lookup or {})
        grid.sheets = names
        return grid
    except IngestError:
        raise
    except Exception as exc:
        raise IngestError(
            "E_BAD_XLS", "Không đọc được nội dung tệp Excel (.xls). Hãy mở bằng Excel và lưu lại."
        ) from exc
    finally:
        book.release_resources()


def _read_xls_sheet(book, sheet) -> Grid:  # noqa: ANN001 (xlrd's Book and Sheet)
    """The cells of one .xls sheet: numbers, text, dates and yes/no as the .xlsx reader gives them."""
    import xlrd

    if sheet.ncols > MAX_COLUMNS:
        raise _too_wide(sheet.name, sheet.ncols)
    if sheet.nrows * sheet.ncols > MAX_CELLS:
        raise _too_many_cells(sheet.name, sheet.nrows)
    if sheet.nrows > MAX_ROWS:
        raise IngestError("E_TOO_MANY_ROWS", f"Tệp có quá {MAX_ROWS} dòng.")
    grid = Grid(rows=[], kind="xls", sheet=sheet.name)
    for r in range(sheet.nrows):
        row: list[object] = []
        for c, (ctype, value) in enumerate(zip(sheet.row_types(r), sheet.row_values(r), strict=True)):
            if ctype == xlrd.XL_CELL_NUMBER:
                value = int(value) if value.is_integer() else value  # .xls keeps every number as a float
                fmt = book.format_map.get(book.xf_list[sheet.cell_xf_index(r, c)].format_key)
                if isinstance(value, float) and fmt is not None and "%" in fmt.format_str:
                    grid.percent_cells.add((r + 1, c + 1))
            elif ctype == xlrd.XL_CELL_DATE:
                value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
            elif ctype == xlrd.XL_CELL_BOOLEAN:
                value = bool(value)
            elif ctype == xlrd.XL_CELL_TEXT:
                value = _cell_value(value)
            else:  # empty, blank, or an error value (#DIV/0!)
                value = None
            row.append(value)
        grid.rows.append(row)
    grid.hidden_rows = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
    grid.hidden_cols = {c + 1 for c, info in sheet.colinfo_map.items() if info.hidden}
    return grid


def _too_many_cells(title: str, row: int) -> IngestError:
    return IngestError(
        "E_TOO_MANY_CELLS",
        f"Trang tính “{title}” có quá {fmt.number(MAX_CELLS)} ô (đã đọc đến dòng {fmt.number(row)}), nhiều hơn "
        "mọi báo cáo. Hãy xóa các dòng, cột thừa (kể cả dòng trống có định dạng) hoặc dùng mẫu Excel của hệ thống.",
    )


def _too_wide(title: str, columns: int) -> IngestError:
    return IngestError(
        "E_TOO_MANY_COLUMNS",
        f"Trang tính “{title}” có {columns} cột, quá giới hạn {MAX_COLUMNS} "
        "cột. Hãy xóa các cột thừa hoặc dùng mẫu Excel của hệ thống.",
    )


def check_package(members: list[zipfile.ZipInfo]) -> None:
    """Refuse an .xlsx whose parts unpack to more than a report can hold, before anything is unpacked.

    The sizes are those the package declares; zipfile stops reading a part at its declared size, and
    the parts are read as streams, so a part that lies about its size cannot hold more either.
    """
    total = 0
    for info in members:
        total += info.file_size
        packed_tight = info.file_size > 10 * 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1)
        if info.file_size > MAX_PART_BYTES or total > MAX_PACKAGE_BYTES or packed_tight:
            raise IngestError(
                "E_TOO_LARGE",
                f"Phần “{info.filename}” của tệp Excel giải nén ra {fmt.number(info.file_size / _MB)} MB "
                f"(từ {fmt.number(info.compress_size / _MB, 1)} MB), quá giới hạn "
                f"{MAX_PART_BYTES / _MB:.0f} MB của một báo cáo; "
                "tệp có thể bị hỏng hoặc không phải báo cáo. Hãy mở bằng Excel, xóa các dòng, cột thừa rồi lưu lại.",
            )


MAX_XML_DEPTH = 40  # a worksheet nests 7 deep (worksheet, sheetData, row, c, is, r, t); a bomb nests millions


def scan_parts(data: bytes) -> bool:
    """Whether any worksheet holds a formula; refuse XML nested deeper than any workbook (read in pieces)."""
    formulas = False
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in z.infolist():
            if not info.filename.endswith((".xml", ".rels")):
                continue
            sheet = info.filename.startswith("xl/worksheets/")
            with z.open(info) as part:
                depth, carry = 0, b""
                while piece := part.read(1024 * 1024):
                    chunk = carry + piece
                    end = chunk.rfind(b">") + 1  # whole tags only; the rest waits for the next piece
                    chunk, carry = chunk[:end], chunk[end:]
                    if sheet and not formulas:
                        formulas = b"<f>" in chunk or b"<f " in chunk
                    depth = _deepest(chunk, depth, info.filename)
    return formulas


def _deepest(chunk: bytes, depth: int, name: str) -> int:
    """The element depth after chunk (whole tags), refusing the part if it goes past MAX_XML_DEPTH (numpy, no parse)."""
    buf = np.frombuffer(chunk, dtype=np.uint8)
    opens = np.flatnonzero(buf == ord("<"))
    if not len(opens):
        return depth
    closes = np.flatnonzero(buf == ord(">"))
    after = buf[np.minimum(opens + 1, len(buf) - 1)]
    ends = closes[np.minimum(np.searchsorted(closes, opens), len(closes) - 1)]
    before_end = buf[np.maximum(ends - 1, 0)]
    step = np.where(after == ord("/"), -1, 1)
    step[(after == ord("?")) | (after == ord("!")) | (before_end == ord("/"))] = 0  # <?pi?>, <!-- -->, <a/>
    levels = depth + np.cumsum(step)
    if int(levels.max()) > MAX_XML_DEPTH:
        raise IngestError(
            "E_BAD_XLSX",
            f"Phần “{name}” của tệp Excel có các thẻ XML lồng nhau quá {MAX_XML_DEPTH} tầng, không phải "
            "bảng tính Excel hay LibreOffice lưu ra (tệp hỏng hoặc cố ý gây lỗi). Hãy mở bằng Excel và lưu lại.",
        )
    return int(levels[-1])


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
    text, encoding, delimiter = text_table(data)
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


def text_table(data: bytes) -> tuple[str, str, str]:
    """The text of a CSV / TSV file, its encoding and delimiter; refuse a line longer or wider than a report's."""
    text, encoding = decode_text(data)
    delimiter = sniff_delimiter(text)
    check_fields(data, delimiter)
    return text, encoding, delimiter


def check_lines(data: bytes) -> None:
    """Refuse a text file with a line longer than MAX_LINE_BYTES, before it is decoded or split."""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10)
    bounds = np.concatenate(([-1], ends, [len(data)]))
    longest = int(np.diff(bounds).max()) - 1
    if longest > MAX_LINE_BYTES:
        row = int(np.argmax(np.diff(bounds))) + 1
        raise IngestError(
            "E_LINE_TOO_LONG",
            f"Dòng {row} của tệp dài {fmt.number(longest / _MB, 1)} MB, "
            f"quá giới hạn {MAX_LINE_BYTES / _MB:.0f} MB của một dòng "
            "báo cáo (thường do tệp không xuống dòng hoặc không phải bảng tính). Hãy mở bằng Excel và lưu lại.",
        )


def check_fields(data: bytes, delimiter: str) -> None:
    """Refuse a line of more than MAX_COLUMNS fields, counted on the bytes before anything is split."""
    buf = np.frombuffer(data, dtype=np.uint8)
    bounds = np.concatenate(([-1], np.flatnonzero(buf == 10), [len(data)]))
    marks = np.flatnonzero(buf == ord(delimiter))  # a delimiter inside quotes counts too: a bound, not a parse
    per_line = np.diff(np.searchsorted(marks, bounds)) + 1
    widest = int(per_line.max(initial=0))
    if widest > MAX_COLUMNS:
        row = int(np.argmax(per_line)) + 1
        raise IngestError(
            "E_TOO_MANY_COLUMNS",
            f"Dòng {row} của tệp có {fmt.number(widest)} cột, quá giới hạn {fmt.number(MAX_COLUMNS)} cột.",
        )


def decode_text(data: bytes) -> tuple[str, str]:
    """The text of a CSV / TSV file, normalised to NFC, and its encoding; refuse binary and legacy text."""
    check_lines(data)
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
    header_first: int = 0  # 1-based first row of a header of several rows (group names above), else header_row
    hidden_columns: list[tuple[int, str]] = field(default_factory=list)  # (1-based column, header), not read
    blank_units: dict[int, str] = field(default_factory=dict)  # row -> the unit of a row left without figures


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
    """The header row (0-based) and its columns: the first row naming the unit code and some figures.

    A printed template names the key columns once, merged down over two rows, and the indicators in the
    lower row under their group names: the key columns then come from the upper row. Hidden columns are
    never read.
    """
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        roles = _roles(grid, row, indicators)
        kinds = {role for role, _ in roles}
        if "unit_code" not in kinds:
            continue
        cols = [Column(i, str(row[i]), role, code) for i, (role, code) in enumerate(roles) if role]
        below = grid.rows[r + 1] if r + 1 < len(grid.rows) else []
        if "indicator" in kinds or {"indicator_code", "value"} <= kinds:
            return _prefer_code_row(r, cols, below, indicators, grid)
        if any(role == "indicator" for role, _ in _roles(grid, below, indicators)):
            r2, cols2 = _prefer_code_row(r, cols, below, indicators, grid)
            after = grid.rows[r2 + 1] if r2 + 1 < len(grid.rows) else []
            return _prefer_code_row(r2, cols2, after, indicators, grid)  # a row of codes under the names
    return None


def _roles(grid: Grid, row: list[object], indicators: dict[str, str]) -> list[tuple[str | None, str | None]]:
    """The role of each cell of a header row; none for a hidden column."""
    hidden = grid.hidden_cols
    return [(None, None) if i + 1 in hidden else _role(h, indicators) for i, h in enumerate(row)]


def _prefer_code_row(r: int, cols: list[Column], below: list[object], indicators: dict[str, str], grid: Grid):
    """Templates put a row of codes under the Vietnamese names: when it is there, read it instead."""
    roles = _roles(grid, below, indicators)
    if sum(1 for role, _ in roles if role) < max(2, len(cols) // 2):
        return r, cols
    coded = [Column(i, str(below[i]), role, code) for i, (role, code) in enumerate(roles) if role]
    # a key column merged over both rows ("Mã đơn vị" in A5:A6) is named only in the upper row: keep it
    taken_cols, taken_roles = {c.index for c in coded}, {c.role for c in coded}
    kept = [c for c in cols if c.role != "indicator" and c.index not in taken_cols and c.role not in taken_roles]
    return r + 1, sorted(coded + kept, key=lambda c: c.index)


def no_header(grid: Grid | None = None, indicators: dict[str, str] | None = None) -> IngestError:
    """The refusal of a file in which no header row can be found, saying what the nearest row holds."""
    found = _nearest_header(grid, indicators or {}) if grid is not None else ""
    return IngestError(
        "E_NO_HEADER",
        "Không tìm thấy dòng tiêu đề có cột “Mã đơn vị” và các cột chỉ tiêu (hoặc “Mã chỉ tiêu” và “Giá trị”) "
        f"trong {HEADER_SEARCH_ROWS} dòng đầu.{found} Hãy dùng mẫu Excel tải từ trang Tải lên.",
    )


def _nearest_header(grid: Grid, indicators: dict[str, str]) -> str:
    """ " Dòng 5 có ... nhưng ...": what the row closest to a header holds and what it lacks ("" if none)."""
    best, best_r, best_roles = 0, -1, []
    for r, row in enumerate(grid.rows[:HEADER_SEARCH_ROWS]):
        roles = [role for role, _ in _roles(grid, row, indicators) if role]
        if len(roles) > best:
            best, best_r, best_roles = len(roles), r, roles
    if best_r < 0:
        return ""
    names = {"unit_code": "“Mã đơn vị”", "unit_name": "“Tên đơn vị”", "period": "“Kỳ báo cáo”", "note": "“Ghi chú”"}
    has = [names[k] for k in names if k in best_roles]
    n = best_roles.count("indicator")
    if n:
        has.append(f"{n} cột chỉ tiêu")
    lacks = "cột “Mã đơn vị”" if "unit_code" not in best_roles else "cột chỉ tiêu nào khớp danh mục chỉ tiêu"
    return f" Dòng {best_r + 1} có {', '.join(has) or 'một số tên cột'} nhưng không có {lacks}."


def key_columns(columns: list[Column]) -> dict[str, Column]:
    """The key columns by role (unit_code, period, indicator_code, value, ...); the last one of a role wins."""
    return {c.role: c for c in columns if c.role != "indicator"}


def layout_of(by_role: dict[str, Column]) -> str:
    """ "long" when the file has an indicator code and a value column, else "wide"."""
    return "long" if {"indicator_code", "value"} <= set(by_role) else "wide"


def frame(grid: Grid, indicators: dict[str, str]) -> tuple[Table, dict[str, Column]]:
    """The table in the grid without its cells, and its key columns by role; raise IngestError without a header."""
    found = find_columns(grid, indicators)
    if found is None:
        raise no_header(grid, indicators)
    header_index, columns = found
    by_role = key_columns(columns)
    first = _header_first(grid, header_index, columns)
    title = title_period(grid.rows[: first - 1])
    table = Table(layout_of(by_role), header_index + 1, columns, [], {}, title, indicators, header_first=first)
    table.ignored_columns = _ignored_columns(grid, header_index, columns)
    table.hidden_columns = _hidden_columns(grid, first - 1, header_index)
    return table, by_role


def _header_first(grid: Grid, header_index: int, columns: list[Column]) -> int:
    """The 1-based first row of the header: where the key columns are named, or the group row above them."""
    first = header_index
    while first > 0 and not any(
        _get(grid.rows[first], c) is not None for c in columns if c.role in ("unit_code", "unit_name")
    ):
        first -= 1  # the key names sit in the upper row of a merged header
    return first + 1


def _hidden_columns(grid: Grid, first: int, header_index: int) -> list[tuple[int, str]]:
    """The hidden columns that have a name in the header or hold something below it."""
    out = []
    for col in sorted(grid.hidden_cols):
        names = [row[col - 1] for row in grid.rows[first : header_index + 1] if col - 1 < len(row)]
        filled = any(col - 1 < len(row) and row[col - 1] is not None for row in grid.rows[header_index + 1 :])
        named = [str(n) for n in names if n is not None]
        if named or filled:
            out.append((col, named[-1] if named else column_letter(col)))
    return out


def data_rows(grid: Grid, table: Table, by_role: dict[str, Column]) -> list[int]:
    """The 1-based rows below the header that hold figures; the others go to table.skipped_rows with why.

    Besides empty, section and total rows: hidden rows; and in the wide layout the row of column numbers
    under the header, the notes and signature block under the table (rows with no figure from the first
    "Ghi chú:" or signature line on), and a unit's row left without figures (named in table.blank_units).
    """
    found = []
    figures = [c.index for c in table.columns if c.role == "indicator"] if table.layout == "wide" else []
    width = max(figures, default=-1) + 1
    footer = False
    for r in range(table.header_row, len(grid.rows)):
        row = grid.rows[r]
        reason = "hidden" if r + 1 in grid.hidden_rows else skip_reason(row, _get(row, by_role.get("unit_code")))
        if reason is None and figures:
            cells = [row[i] for i in figures] if len(row) >= width else [_get_at(row, i) for i in figures]
            formula = bool(grid.formula_cells) and any((r + 1, i + 1) in grid.formula_cells for i in figures)
            if not found and _is_column_numbers(row):
                reason = "numbers"
            elif not formula and not any(map(_is_figure, cells)) and (footer or _is_footer(row)):
                footer, reason = True, "footer"  # the signature sits under the figure columns: text, no figure
            elif not formula and all(c is None for c in cells):
                reason = "no_figures"
        if reason == "no_figures":
            table.blank_units[r + 1] = _unit_label(row, by_role)
        if reason:
            table.skipped_rows[r + 1] = reason
        else:
            found.append(r + 1)
    return found


def _get_at(row: list[object], i: int) -> object:
    return row[i] if i < len(row) else None


_COLUMN_NUMBER = re.compile(r"^\(?(\d{1,3})\)?$")
_FOOTER_START = re.compile(
    r"^(ghi chu|noi nhan|nguoi lap( bieu)?|nguoi ky|t/m|t/l|k/t|tm\.|tl\.|kt\.|chanh van phong|bi thu|pho bi thu"
    r"|thu truong|xac nhan|lanh dao|.*,? ngay \d{1,2} thang \d{1,2} nam \d{4})"
)


def _is_figure(cell: object) -> bool:
    """Whether a cell holds something a figure column can store (a number, a yes/no)."""
    return cell is not None and (parse_number(cell) is not None or parse_flag(cell) is not None)


def _is_column_numbers(row: list[object]) -> bool:
    """A row "(1) (2) (3) …" (or 1 2 3 …) numbering the columns under the header."""
    numbers = []
    for cell in row:
        if cell is None:
            continue
        m = _COLUMN_NUMBER.match(str(cell).strip()) if not isinstance(cell, float) else None
        if m is None:
            return False
        numbers.append(int(m.group(1)))
    return len(numbers) >= 3 and all(b == a + 1 for a, b in zip(numbers, numbers[1:], strict=False))


def _is_footer(row: list[object]) -> bool:
    """A line of the notes or the signature block under a table ("Ghi chú:", "NGƯỜI LẬP BIỂU", "T/L BAN …")."""
    return any(isinstance(c, str) and _FOOTER_START.match(fold(c)) for c in row)


def _unit_label(row: list[object], by_role: dict[str, Column]) -> str:
    """The unit of a row as the file names it: its name, else its code."""
    name, code = _get(row, by_role.get("unit_name")), _get(row, by_role.get("unit_code"))
    return str(name if name is not None else code)


def _ignored_columns(grid: Grid, header_index: int, columns: list[Column]) -> list[tuple[int, str]]:
    """Named header cells that match no role but hold data below: a typo would lose a column silently."""
    used = {c.index for c in columns} | {c - 1 for c in grid.hidden_cols}
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
