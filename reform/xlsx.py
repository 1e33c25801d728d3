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

from collections.abc import Iterator

from openpyxl.cell.read_only import ReadOnlyCell
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
