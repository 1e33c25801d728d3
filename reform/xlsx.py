"""The cells of a worksheet read once, values and formulas together, the way openpyxl's read-only mode reads them.

A read-only worksheet gives the cached values of formulas (data_only) or the formulas, not both: a sheet
with a formula in it had to be parsed twice, which doubled the read of a province file with a total row
of sums. Here openpyxl's own worksheet parser (defusedxml underneath, as for the rest of the workbook)
reads each cell's cached value and, when the package holds formulas, also its formula, in one pass; the
rows are padded as ReadOnlyWorksheet.iter_rows pads them. The parts of openpyxl used here are not public
(openpyxl is pinned in requirements.txt); tests/unit/test_xlsx_reader.py compares the rows with the public
way on many workbooks.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from xml.parsers import expat

from openpyxl.cell.read_only import ReadOnlyCell
from openpyxl.formula.translate import Translator
from openpyxl.utils import column_index_from_string
from openpyxl.utils.datetime import from_excel, from_ISO8601
from openpyxl.worksheet._read_only import ReadOnlyWorksheet
from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

Slot = dict | None  # a cell as openpyxl's parser gives it (row, column, value, data_type, style_id), None if empty


class _FormulaParser(WorkSheetParser):
    """openpyxl's worksheet parser for cached values that also notes which cells hold a formula."""

    def parse_cell(self, element: object) -> dict:
        cell = super().parse_cell(element)
        if element.find(FORMULA_TAG) is not None:
            self.parse_formula(element)  # as a pass reading formulas parses it: a damaged one fails alike
            cell["formula"] = True
        return cell


def rows(ws: ReadOnlyWorksheet, *, formulas: bool, dims: dict | None = None) -> Iterator[list[Slot]]:
    """The rows of ws.iter_rows(), cells as openpyxl's parser gives them; with formulas, "formula" marks them.

    dims, when given, receives the sheet's hidden rows and columns (1-based sets) once the rows are read.
    """
    book = ws.parent
    max_col, max_row = ws.max_column, ws.max_row
    empty: list[Slot] = [None] * max_col if max_col is not None else []
    counter = idx = 1
    with ws._get_source() as src:
        parser = (_FormulaParser if formulas else WorkSheetParser)(
            src,
            ws._shared_strings,
            data_only=True,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        for idx, cells in parser.parse():
            if max_row is not None and idx > max_row:
                break
            for _ in range(counter, idx):  # rows the sheet leaves out
                counter += 1
                yield empty
            if counter <= idx:
                counter += 1
                yield _padded(cells, max_col)
        if dims is not None:
            dims["rows"], dims["cols"] = _hidden(parser.row_dimensions, parser.column_dimensions)
    if max_row is not None and max_row < idx:
        for _ in range(counter, max_row + 1):
            yield empty


def _hidden(row_dims: dict, col_dims: dict) -> tuple[set[int], set[int]]:
    """The hidden rows and columns (1-based) from the parser's row and column attributes."""
    on = {"1", "true"}
    rows = {int(r) for r, attrs in row_dims.items() if str(attrs.get("hidden", "")).lower() in on}
    cols: set[int] = set()
    for attrs in col_dims.values():
        if str(attrs.get("hidden", "")).lower() in on:
            first = int(attrs.get("min", 0))
            last = min(int(attrs.get("max", first)), first + 16384)  # a range to the last column: Excel's 16,384
            cols.update(range(first, last + 1))
    return rows, cols


def _padded(cells: list[dict], max_col: int | None) -> list[Slot]:
    """One row as wide as the sheet's dimension (else up to its last cell); a later cell of a column wins."""
    if not cells and not max_col:
        return []
    width = max_col or cells[-1]["column"]
    row: list[Slot] = [None] * width
    for cell in cells:
        if 1 <= cell["column"] <= width:
            row[cell["column"] - 1] = cell
    return row


def number_format(ws: ReadOnlyWorksheet, cell: dict) -> str:
    """The number format of a cell, as ReadOnlyCell gives it."""
    return ReadOnlyCell(
        ws, cell["row"], cell["column"], cell["value"], cell["data_type"], cell["style_id"]
    ).number_format


# --- the same rows without openpyxl's per-cell work ----------------------------------------------------
# openpyxl's parser builds an element and a dict per cell: three quarters of the time of a province file.
# A sheet as Excel, LibreOffice and openpyxl write it is a flat run of <row> and <c> elements of a few
# forms; those are read below with one regular expression over the text, into the values openpyxl's parser
# gives. Anything else in the sheet data (rich text, comments, CDATA, entities of a DTD, a namespace
# prefix, a control character, an unknown element) returns None and the sheet is read the way above: the
# fast reading never guesses. The rest of the part is checked for well-formedness by expat, as a parser
# reading the whole part would.

FAST_MAX_BYTES = 48 * 1024 * 1024  # a larger sheet streams through openpyxl, under the cell limits as it goes
_A = r'(?:\s+[A-Za-z_:][\w.:-]*="[^"<]*")*\s*'  # attributes in double quotes
_ROW = re.compile(rf"(<row({_A})(?:/>|>(.*?)</row>))", re.S)
# a cell as Excel, LibreOffice and openpyxl write it: r, then s and t when given; a formula, a value, an inline text
_CELL = re.compile(
    r'(<c r="([A-Z]{1,3})(\d+)"(?: s="(\d+)")?(?: t="([A-Za-z]+)")?\s*(?:/>|>'
    rf"(<f{_A}/>|<f{_A}>[^<]*</f>)?"
    r"(?:<v>([^<]*)</v>|<v/>)?"
    rf"(?:<is><t{_A}>([^<]*)</t></is>|<is><t/></is>)?</c>))"
)
_BLANK = re.compile(r"\s*")
_ATTR = re.compile(r'([A-Za-z_:][\w.:-]*)="([^"<]*)"')
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#(\d+)|#x([0-9a-fA-F]+));")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_COL = re.compile(rf"<col({_A})/?>")


@dataclass
class FastSheet:
    """A sheet's rows as ReadOnlyWorksheet.iter_rows pads them, values as openpyxl's parser reads them."""

    rows: list[list[object]]
    formulas: set[tuple[int, int]]  # (row, col), 1-based: cells holding a formula and no cached value
    styled_floats: list[tuple[int, int, int]]  # (row, col, style id) of float values with a style
    hidden_rows: set[int]
    hidden_cols: set[int]
    texts: dict[int, list[int]] = field(default_factory=dict)  # 0-based row -> 0-based columns holding text


def fast_sheet(ws: ReadOnlyWorksheet, *, formulas: bool, max_rows: int, max_cells: int) -> FastSheet | None:
    """The rows of ws, read with regular expressions; None for a sheet this reading does not know.

    formulas: whether the package holds any (else, as rows() with formulas=False, none is looked at).
    A sheet declaring more than max_rows rows or max_cells cells is left to the streaming reader too,
    which refuses it as it reads (this one would build the rows first).
    """
    if (ws.max_row or 0) > max_rows or (ws.max_row or 0) * (ws.max_column or 0) > max_cells:
        return None
    with ws._get_source() as src:
        raw = src.read(FAST_MAX_BYTES + 1)
    if len(raw) > FAST_MAX_BYTES or b"<!" in raw:  # a DTD, a comment or CDATA: openpyxl's own way
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if "\r" in text:  # a parser reads a line break in text as "\n"
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    start, end = _sheet_data(text)
    if start < 0 or _CONTROL.search(text) or not _well_formed(text[:start] + text[end:]):
        return None
    data = text[start:end]
    if "&#" in data:  # character references, once for the whole sheet (never one that would make markup)
        try:
            data = _CHARREF.sub(_charref, data)
        except ValueError:
            return None
    parsed = _parse_rows(data, ws, max_rows, formulas)
    if parsed is None:
        return None
    rows, row_dims = parsed
    sheet = FastSheet([], set(), [], *_hidden(row_dims, _col_dims(text[:start] + text[end:])))
    return sheet if _pad(sheet, rows, ws.max_column, ws.max_row, max_cells) else None


def _sheet_data(text: str) -> tuple[int, int]:
    """The span of the text inside <sheetData>…</sheetData> (an empty one for <sheetData/>); (-1, -1) if none."""
    at = text.find("<sheetData")
    if at < 0 or text.count("<sheetData") > 1:
        return -1, -1
    close = text.find(">", at)
    if close < 0:
        return -1, -1
    if text[close - 1] == "/":
        return close + 1, close + 1
    end = text.find("</sheetData>", close)
    return (close + 1, end) if end >= 0 and text[at : close + 1] == "<sheetData>" else (-1, -1)


_CHARREF = re.compile(r"&#(?:(\d+)|x([0-9a-fA-F]+));")
_MARKUP = {ord(c) for c in "<>&\"'"}


def _charref(m: re.Match) -> str:
    code = int(m.group(1)) if m.group(1) else int(m.group(2), 16)
    if code in _MARKUP:
        return m.group(0)  # left for _text: replaced now, it would read as markup
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise ValueError(code)  # a character XML does not allow: the parser refuses it


def _well_formed(rest: str) -> bool:
    """Whether the part around its sheet data parses (the sheet data is checked token by token)."""
    parser = expat.ParserCreate()
    try:
        parser.Parse(rest, True)
    except expat.ExpatError:
        return False
    return True


def _col_dims(rest: str) -> dict:
    """openpyxl's column_dimensions: the attributes of each <col>, by its first column."""
    dims = {}
    for m in _COL.finditer(rest):
        attrs = dict(_ATTR.findall(m.group(1)))
        if "min" in attrs:
            dims[attrs["min"]] = attrs
    return dims


def _parse_rows(data: str, ws: ReadOnlyWorksheet, max_rows: int, formulas: bool):
    """(index, [(column, value)]) per row, formulas without a value, styled floats, row attributes;
    None on anything the fast reading does not know."""
    blocks = _ROW.findall(data)
    if sum(len(b[0]) for b in blocks) != len(data) and not _BLANK.fullmatch(_ROW.sub("", data)):
        return None  # something between the rows
    book = ws.parent
    context = (ws._shared_strings, book._date_formats, book._timedelta_formats, book.epoch)
    rows: list[tuple[int, list]] = []
    row_dims: dict[str, dict] = {}
    counter = 0
    letters: dict[str, int] = {}
    shared: dict[str, Translator] = {}
    plain = {"", *(str(i) for i in range(1, 64) if i not in context[1])}  # styles that are not dates
    for _whole, attrs_text, body in blocks:
        attrs = dict(_ATTR.findall(attrs_text)) if attrs_text else {}
        r = attrs.get("r")
        if r is not None and not r.isdigit():
            return None
        counter = int(r) if r is not None else counter + 1
        if counter > max_rows:
            return None
        if set(attrs) - {"r", "spans"}:
            row_dims[str(counter)] = attrs
        found = _CELL.findall(body) if body else []
        if sum(len(f[0]) for f in found) != len(body) and not _BLANK.fullmatch(_CELL.sub("", body)):
            return None  # a cell of another form, or something else in the row
        cells = []
        for _whole, letter, _row, style, kind, formula, v, text in found:
            col = letters.get(letter)
            if col is None:
                col = letters[letter] = column_index_from_string(letter)
            if (kind == "" or kind == "n") and v.isdecimal() and style in plain:
                value: object = int(v)  # the cells that fill a report: a whole number, not a date
            else:
                value = _value(kind or "n", v, text, int(style or 0), context)
                if value is _UNKNOWN:
                    return None
            formula = formula if formulas else ""
            if formula and not _formula_reads(formula, f"{letter}{_row}", shared):
                return None
            float_style = int(style) if type(value) is float and style and style != "0" else 0
            cells.append((col, value, bool(formula) and value is None, float_style))
        rows.append((counter, cells))
    return rows, row_dims


def _formula_reads(formula: str, ref: str, shared: dict[str, Translator]) -> bool:
    """Whether openpyxl's parse_formula reads this formula (a shared one is translated, and may fail)."""
    head = formula[: formula.index(">") + 1]
    attrs = dict(_ATTR.findall(head))
    kind = attrs.get("t")
    if kind is None or kind == "normal":
        return True
    if kind != "shared":
        return False  # array and data table formulas: openpyxl's own way
    text = "=" + (formula[len(head) : -len("</f>")] if not head.endswith("/>") else "")
    if _text(text) is None:
        return False
    try:
        if attrs.get("si") in shared:
            shared[attrs.get("si")].translate_formula(ref)
        elif text != "=":
            shared[attrs.get("si")] = Translator(_text(text), ref)
    except Exception:  # noqa: BLE001 (openpyxl's tokenizer raises several kinds; its own way then says what)
        return False
    return True


_UNKNOWN = object()


def _value(kind: str, v: str, t: str, style: int, context: tuple) -> object:
    """A cell's value as WorkSheetParser.parse_cell gives it with data_only; _UNKNOWN where it might not."""
    strings, dates, deltas, epoch = context
    if kind == "inlineStr":
        return _text(t) if t else None
    if not v:
        return None
    v = _text(v)
    if v is None:
        return _UNKNOWN
    try:
        if kind == "n":
            number = float(v) if ("." in v or "E" in v or "e" in v) else int(v)
            if style in dates:
                return from_excel(number, epoch, timedelta=style in deltas)
            return number
        if kind == "s":
            return strings[int(v)]
        if kind == "b":
            return bool(int(v))
        if kind in ("str", "e"):
            return v
        if kind == "d":
            return from_ISO8601(v)
    except (ValueError, IndexError, OverflowError):
        return _UNKNOWN  # openpyxl fails or warns on these: its own way says what
    return _UNKNOWN


def _text(raw: str) -> str | None:
    """XML text with its entities replaced; None for an entity XML does not define."""
    if "&" not in raw:
        return raw
    if raw.count("&") != len(_ENTITY.findall(raw)):
        return None
    try:
        return _ENTITY.sub(_entity, raw)
    except (ValueError, OverflowError):
        return None


def _entity(m: re.Match) -> str:
    if m.group(1):
        return _NAMED[m.group(1)]
    code = int(m.group(2)) if m.group(2) else int(m.group(3), 16)
    if code in (0x9, 0xA, 0xD) or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or 0x10000 <= code <= 0x10FFFF:
        return chr(code)
    raise ValueError(code)  # a character XML does not allow: the parser refuses it


def _pad(sheet: FastSheet, rows: list[tuple[int, list]], max_col: int | None, max_row: int | None, max_cells: int):
    """Fill sheet.rows as ReadOnlyWorksheet.iter_rows pads them (the rules of rows() above), with the formulas
    and styled floats of the cells kept; False past max_cells."""
    empty = [None] * max_col if max_col is not None else []
    out = sheet.rows
    counter = idx = 1
    cells = 0
    for idx, found in rows:
        if max_row is not None and idx > max_row:
            break
        width = 0 if not found and not max_col else max_col or found[-1][0]
        cells += len(empty) * max(idx - counter, 0) + width
        if cells > max_cells:
            return False  # the streaming reader refuses it, saying at which row
        while counter < idx:
            counter += 1
            out.append(list(empty))
        if counter <= idx:
            counter += 1
            row: list[object] = [None] * width
            kept: dict[int, tuple] = {}
            for cell in found:
                if 1 <= cell[0] <= width:
                    row[cell[0] - 1] = cell[1]
                    kept[cell[0]] = cell  # a later cell of a column wins, as in _padded
            out.append(row)
            for col, value, formula, style in kept.values():
                if type(value) is str:
                    sheet.texts.setdefault(len(out) - 1, []).append(col - 1)
                if formula:
                    sheet.formulas.add((idx, col))
                if style:
                    sheet.styled_floats.append((idx, col, style))
    if max_row is not None and max_row < idx:
        out += [list(empty) for _ in range(counter, max_row + 1)]
    return True
