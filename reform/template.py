"""The .xlsx upload template: one row per unit, one column per indicator, drop-downs, instructions."""

from __future__ import annotations

import io

import duckdb
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from reform import periods, sql
from reform.export import formula_like

TITLE = "BÁO CÁO CHỈ TIÊU CẢI CÁCH HÀNH CHÍNH TRONG ĐẢNG"
FIRST_UNIT_ROW = 7
INSTRUCTIONS = [
    "HƯỚNG DẪN ĐIỀN MẪU BÁO CÁO",
    "",
    "1. Mỗi dòng là một đơn vị; không sửa cột Mã đơn vị và Tên đơn vị. Dòng 6 chứa mã chỉ tiêu, không sửa.",
    "2. Đơn vị chỉ báo cáo số liệu công việc của chính mình, KHÔNG cộng số liệu của các đơn vị cấp dưới: "
    "hệ thống tự cộng khi tổng hợp, cộng thêm sẽ bị tính hai lần.",
    "3. Ô để trống nghĩa là chưa báo cáo; nếu không có thì ghi 0 (hoặc dấu -).",
    "4. Chỉ tiêu số lượng ghi số nguyên, không ghi tỷ lệ %. Các tỷ lệ do hệ thống tự tính.",
    "5. Chỉ tiêu Có/Không chọn trong danh sách (Có, Không).",
    "6. Số liệu ước thực hiện có thể tải lên trước; khi có số liệu chính thức, tải lên lại để thay thế. "
    "Mọi lần thay đổi đều được lưu lịch sử.",
    "7. Lưu tệp dạng .xlsx rồi tải lên tại trang “Tải lên”. "
    "Hệ thống kiểm tra toàn bộ tệp và chỉ lưu khi không còn lỗi.",
    "",
    "DANH MỤC CHỈ TIÊU",
]
_TYPE_VI = {"flow": "số phát sinh trong quý", "stock": "số có đến cuối quý", "flag": "Có/Không"}


def build(con: duckdb.DuckDBPyConnection, period: periods.Period, units: list[str] | None = None) -> bytes:
    """The template for a quarter and a set of units (all units in force when None), as .xlsx bytes."""
    if not period.is_quarter:
        raise ValueError("Mẫu báo cáo lập theo quý, ví dụ 2025-Q3.")
    catalog = sql.run(con, "catalog")
    base = catalog[catalog["type"] != "rate"].reset_index(drop=True)
    register = sql.run(con, "units_in_force", at=period.start)
    if units:
        unknown = sorted(set(units) - set(register["code"]))
        if unknown:
            raise ValueError(f"Không có đơn vị đang hoạt động trong {period.label}: {', '.join(unknown)}")
        register = register[register["code"].isin(units)]
    wb = Workbook()
    ws = wb.active
    ws.title = "Báo cáo"
    _header(ws, base, period)
    _unit_rows(ws, register, len(base))
    _validations(ws, base, len(register))
    _instructions(wb.create_sheet("Hướng dẫn"), base)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def text_cell(ws, row: int, col: int, text: str):
    """A cell holding text as text: a name such as "=HYPERLINK(…)" is stored as a string, never a formula."""
    cell = ws.cell(row, col, text)
    if isinstance(text, str) and formula_like(text):
        cell.data_type = "s"
    return cell


def _header(ws, base: pd.DataFrame, period: periods.Period) -> None:
    last = get_column_letter(len(base) + 2)
    ws["A1"] = TITLE
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(f"A1:{last}1")
    ws["A2"] = f"Kỳ báo cáo: {period.label}"
    ws["A2"].font = Font(bold=True, size=12)
    ws["A3"] = (
        "Đơn vị chỉ báo cáo số liệu của chính mình, không cộng số liệu của đơn vị cấp dưới. Ô trống = chưa báo cáo."
    )
    ws["A3"].font = Font(italic=True)
    for col, (text, code) in enumerate([("Mã đơn vị", "unit_code"), ("Tên đơn vị", "unit_name")], 1):
        ws.cell(5, col, text).font = Font(bold=True)
        ws.cell(6, col, code).font = Font(color="808080", size=9)
    start = 3
    for _, group in base.groupby("group_code", sort=False):
        fill = PatternFill("solid", fgColor=group["group_color"].iloc[0].lstrip("#"))
        ws.cell(4, start, group["group_name"].iloc[0]).font = Font(bold=True, color="FFFFFF")
        ws.cell(4, start).fill = fill
        ws.merge_cells(start_row=4, start_column=start, end_row=4, end_column=start + len(group) - 1)
        for i, r in enumerate(group.itertuples()):
            cell = ws.cell(5, start + i, f"{r.name_vi} ({r.unit})")
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            ws.cell(6, start + i, r.code).font = Font(color="808080", size=9)
            ws.column_dimensions[get_column_letter(start + i)].width = 16
        start += len(group)
    ws.row_dimensions[5].height = 90
    ws.column_dimensions["A"].width = 12
    ws.column_dimensions["B"].width = 36
    ws.freeze_panes = f"C{FIRST_UNIT_ROW}"


def _unit_rows(ws, register: pd.DataFrame, n_indicators: int) -> None:
    for i, u in enumerate(register.itertuples()):
        row = FIRST_UNIT_ROW + i
        text_cell(ws, row, 1, u.code)
        text_cell(ws, row, 2, u.name)
        for col in range(3, n_indicators + 3):
            ws.cell(row, col).protection = Protection(locked=False)
    ws.protection.sheet = True  # codes, names and headers stay as generated; figures are editable
    ws.protection.formatCells = False
    ws.protection.formatColumns = False


def _validations(ws, base: pd.DataFrame, n_units: int) -> None:
    last_row = FIRST_UNIT_ROW + max(n_units, 1) - 1
    yes_no = DataValidation(
        type="list",
        formula1='"Có,Không"',
        allow_blank=True,
        error="Chọn Có hoặc Không.",
        errorTitle="Giá trị không hợp lệ",
        showErrorMessage=True,
    )
    ws.add_data_validation(yes_no)
    for i, r in enumerate(base.itertuples()):
        col = get_column_letter(i + 3)
        area = f"{col}{FIRST_UNIT_ROW}:{col}{last_row}"
        if r.type == "flag":
            yes_no.add(area)
            continue
        kind = "whole" if int(r.decimals) == 0 else "decimal"
        dv = DataValidation(
            type=kind,
            operator="between",
            formula1="0",
            formula2=str(int(1e9)),
            allow_blank=True,
            error=f"Nhập số {'nguyên ' if kind == 'whole' else ''}không âm ({r.unit}).",
            errorTitle="Giá trị không hợp lệ",
            showErrorMessage=True,
        )
        ws.add_data_validation(dv)
        dv.add(area)


def _instructions(ws, base: pd.DataFrame) -> None:
    for i, line in enumerate(INSTRUCTIONS, 1):
        ws.cell(i, 1, line).font = Font(bold=i in (1, len(INSTRUCTIONS)))
    top = len(INSTRUCTIONS) + 1
    for col, text in enumerate(["Mã chỉ tiêu", "Tên chỉ tiêu", "Nhóm", "Đơn vị tính", "Loại"], 1):
        ws.cell(top, col, text).font = Font(bold=True)
    for i, r in enumerate(base.itertuples(), top + 1):
        for col, value in enumerate([r.code, r.name_vi, r.group_name, r.unit, _TYPE_VI[r.type]], 1):
            ws.cell(i, col, value)
    ws.column_dimensions["A"].width = 18
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 22
