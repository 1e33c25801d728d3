"""Render one demo quarter as the kind of file office staff really send (for data/demo/)."""

from __future__ import annotations

import io

import duckdb
import openpyxl
import pandas as pd

from reform import periods, sql, template
from reform.textnorm import to_windows_1258

FLAGS_VI = {1.0: "Có", 0.0: "Không"}


def render(
    con: duckdb.DuckDBPyConnection, name: str, period: periods.Period, frame: pd.DataFrame, names: pd.Series
) -> bytes:
    """Bytes of the file `name` (its kind is in the name) holding one quarter's values."""
    flags = set(sql.run(con, "catalog").query("type == 'flag'")["code"])
    if "_xlsx." in name:
        return _xlsx(con, period, frame, flags)
    if "_csv-long." in name:
        return _long_csv(period, frame)
    wide = _wide(frame, names, flags)
    if "_csv-1258." in name:
        title = f"BÁO CÁO KẾT QUẢ CẢI CÁCH HÀNH CHÍNH TRONG ĐẢNG QUÝ {periods.ROMAN[period.last_q]} NĂM {period.year}"
        body = wide.to_csv(index=False, sep=";", lineterminator="\r\n")
        return to_windows_1258(f"{title}\r\n(Dữ liệu minh họa - tỉnh giả định)\r\n\r\n{body}")
    text = f"Kỳ báo cáo: {period.label}\r\n" + wide.to_csv(index=False, sep="\t", lineterminator="\r\n")
    return text.encode("utf-16")  # Excel's "Unicode text": UTF-16 with BOM, tab-separated


def _cell(code: str, value: float, flags: set[str]) -> object:
    if code in flags:
        return FLAGS_VI[value]
    return int(value) if float(value).is_integer() else value


def _wide(frame: pd.DataFrame, names: pd.Series, flags: set[str]) -> pd.DataFrame:
    wide = frame.pivot(index="unit_code", columns="indicator_code", values="value")
    out = pd.DataFrame({"Mã đơn vị": wide.index, "Tên đơn vị": names.loc[wide.index].to_numpy()})
    for code in wide.columns:
        out[code] = [None if pd.isna(v) else _vi_number(_cell(code, v, flags)) for v in wide[code]]
    return out


def _vi_number(v: object) -> object:
    """Numbers written the Vietnamese way in text files: 1.234 and 55,5."""
    if isinstance(v, int):
        return f"{v:,}".replace(",", ".")
    return str(v).replace(".", ",") if isinstance(v, float) else v


def _long_csv(period: periods.Period, frame: pd.DataFrame) -> bytes:
    out = frame.assign(period=period.label)[["unit_code", "period", "indicator_code", "value"]]
    out["value"] = out["value"].map(lambda v: str(int(v)) if float(v).is_integer() else str(v))
    out.columns = ["Mã đơn vị", "Kỳ báo cáo", "Mã chỉ tiêu", "Giá trị"]
    return out.to_csv(index=False, lineterminator="\r\n").encode("utf-8-sig")


def _xlsx(con: duckdb.DuckDBPyConnection, period: periods.Period, frame: pd.DataFrame, flags: set[str]) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(template.build(con, period)))
    ws = wb["Báo cáo"]
    codes = {ws.cell(6, c).value: c for c in range(3, ws.max_column + 1)}
    rows = {ws.cell(r, 1).value: r for r in range(template.FIRST_UNIT_ROW, ws.max_row + 1)}
    for rec in frame.itertuples():
        ws.cell(rows[rec.unit_code], codes[rec.indicator_code], _cell(rec.indicator_code, rec.value, flags))
    ws["A3"] = "Dữ liệu minh họa: tỉnh giả định, số liệu không có thật."
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
