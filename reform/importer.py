"""An upload from bytes to stored values: read, check, preview (dry run), then commit or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from reform import approval, bulk, checks, db, ingest, periods, policy, rollup, sandbox, sql, store, validate
from reform.config import settings
from reform.texts import t

Progress = Callable[[float, str], None]
# A long text file this large is split straight into columns (reform/bulk.py), without a Python object per
# field: millions of values in seconds. Smaller files, and any bulk cannot split exactly, are read into a Grid
# in a child process (reform/sandbox.py). Either way the same checks (reform/checks.py) give the report.
BULK_MIN_BYTES = 1024 * 1024


class ImportRefused(ValueError):
    """Commit was asked for a preview that still holds errors."""


@dataclass
class Prepared:
    """A checked upload, ready to be shown to the uploader and, if clean, committed."""

    file_name: str
    digest: str
    grid: ingest.Grid  # no rows when the file was read the bulk way
    report: validate.Report
    preview: store.Preview
    path: str = "sheet"  # how it was read: "sheet" (cells into a Grid) or "bulk" (a long text straight to columns)

    @property
    def can_commit(self) -> bool:
        return not self.report.errors and not self.report.rows.empty

    def summary(self) -> dict:
        """The figures the CLI prints with --json and the page shows as the import summary."""
        return {
            "file": self.file_name,
            "layout": self.report.layout,
            "encoding": self.grid.encoding,
            "rows": int(self.report.data_rows),
            "values": int(self.preview.rows),
            "inserted": int(self.preview.inserted),
            "updated": int(self.preview.updated),
            "unchanged": int(self.preview.unchanged),
            "skipped_rows": len(self.report.skipped_rows),
            "errors": [i.as_dict() for i in self.report.errors],
            "warnings": [i.as_dict() for i in self.report.warnings],
        }


def _quiet(_: float, __: str) -> None:
    return None


def prepare(
    con: duckdb.DuckDBPyConnection,
    data: bytes,
    file_name: str,
    *,
    period: periods.Period | None = None,
    max_bytes: int | None = None,
    today: date | None = None,
    progress: Progress = _quiet,
    use_bulk: bool | None = None,
    person: policy.Person | None = None,
) -> Prepared:
    """Read and check a file, and compute what storing it would change; raise IngestError if unreadable.

    use_bulk: None chooses by size (BULK_MIN_BYTES); True reads any long-layout text file straight into
    columns (reform/bulk.py), False always reads the cells into a Grid first. Both give the same report.
    person: who uploads; a row for a unit outside their nhập units is an error (E_NOT_YOUR_UNIT). None: the
    command line, which has the database file and so every right.
    """
    limit = max_bytes if max_bytes is not None else settings().max_upload_bytes
    progress(0.05, "Đang đọc tệp…")
    kind = ingest.kind_of(data, file_name, max_bytes=limit)
    lookup = checks.lookup_of(con)
    read = None
    if kind == "text" and (use_bulk or (use_bulk is None and len(data) >= BULK_MIN_BYTES)):
        read, path = bulk.read(data, lookup), "bulk"
    if read is None:  # a workbook of several sheets: the one that holds the data
        grid = sandbox.read(data, kind, lookup)
        progress(0.4, "Đang nhận dạng bảng số liệu…")
        read, path = (grid, checks.of_grid(grid, lookup)), "sheet"
    else:
        progress(0.4, "Đang nhận dạng bảng số liệu…")
    grid, columns = read
    progress(0.6, "Đang kiểm tra số liệu…")
    report = checks.check(con, columns, grid, period=period, today=today)
    if person is not None:
        refuse_foreign_units(con, person, grid, report)
    refuse_closed_quarters(con, grid, report)
    progress(0.85, "Đang so sánh với số liệu đã lưu…")
    preview = store.preview_values(con, report.rows)
    progress(1.0, "Đã kiểm tra xong.")
    return Prepared(file_name, store.sha256(data), grid, report, preview, path)


def refuse_foreign_units(
    con: duckdb.DuckDBPyConnection, person: policy.Person, grid: ingest.Grid, report: validate.Report
) -> None:
    """An error for each row whose unit the person may not upload for: then nothing of the file is stored."""
    if report.rows.empty:
        return
    refused = policy.units_not_writable(con, person, report.rows["unit_code"].unique().tolist())
    if not refused:
        return
    where = _rows_naming(grid, set(refused))
    for code in refused:
        for row in where.get(code, [None]):
            message = (
                f"đơn vị “{code}” không thuộc các đơn vị bạn được giao nhập số liệu; "
                "không lưu gì của tệp này. Bỏ dòng này hoặc nhờ quản trị cấp quyền."
            )
            report.issues.append(validate.Issue(row, None, "E_NOT_YOUR_UNIT", message))
    report.rows = report.rows.iloc[0:0]


def refuse_closed_quarters(con: duckdb.DuckDBPyConnection, grid: ingest.Grid, report: validate.Report) -> None:
    """An error (E_LOCKED) for each row of a unit × quarter that is submitted, approved, locked or past its
    entry window, saying who approved it and when: then nothing of the file is stored."""
    if report.rows.empty:
        return
    # each unit × quarter once: DuckDB reading a national file's 2.5 million rows as Python objects took 8 s
    rows = report.rows[["unit_code", "period"]].drop_duplicates()
    with db.registered(con, incoming=rows):
        shut = approval.closed_incoming(con, rollup.quarter_starts(rows["period"]))
    if shut.empty:
        return
    where = _rows_naming(grid, set(shut["unit_code"]))
    for r in shut.itertuples():
        for row in where.get(r.unit_code, [None]):
            report.issues.append(validate.Issue(row, None, approval.Locked.code, approval.refusal(r)))
    report.rows = report.rows.iloc[0:0]


def _rows_naming(grid: ingest.Grid, codes: set[str]) -> dict[str, list[int]]:
    """The file rows (1-based) that hold each unit code in a cell (a file read the bulk way keeps no rows)."""
    found: dict[str, list[int]] = {}
    for number, row in enumerate(grid.rows, start=1):
        for cell in row:
            code = str(cell).strip().upper() if isinstance(cell, str) else None
            if code in codes:
                found.setdefault(code, []).append(number)
                break
    return found


def commit(
    con: duckdb.DuckDBPyConnection, prepared: Prepared, *, user: str, person: policy.Person | None = None
) -> store.WriteResult | None:
    """Store a clean upload in one transaction; None when it changes nothing (the same file again).

    store.StaleUpload (nothing stored) when another upload wrote to its quarters since it was prepared:
    what the uploader was shown and confirmed is no longer what storing it would do. With a person, the
    upload is theirs (undo) and the record says so.
    """
    if prepared.report.errors:
        raise ImportRefused(f"Tệp còn {len(prepared.report.errors)} lỗi; chưa lưu gì.")
    if prepared.preview.inserted + prepared.preview.updated == 0:
        return None
    layout = f"{prepared.report.layout}-{prepared.grid.kind}"
    result = store.write_values(
        con,
        prepared.report.rows,
        file_name=prepared.file_name,
        digest=prepared.digest,
        layout=layout,
        user=user,
        seen_version=prepared.preview.version,
    )
    if person is not None:
        if person.id is not None:
            sql.execute(con, "upload_set_person", upload_id=result.upload_id, person_id=person.id)
        policy.record(con, person, "upload", result.upload_id, policy.OK, prepared.file_name)
    return result


SKIP_REASONS = {
    "empty": "dòng trống",
    "section": "dòng tiêu đề mục",
    "total": "dòng tổng",
    "hidden": "dòng bị ẩn trong Excel, không đọc",
    "numbers": "dòng đánh số cột",
    "footer": "ghi chú và chữ ký dưới bảng",
}
_SHOWN = 12  # units or indicators named before "…"


def understood(prepared: Prepared) -> list[str]:
    """What the reading made of the file, in Vietnamese, one line per point: the first thing the uploader sees."""
    report, grid = prepared.report, prepared.grid
    refused = bool(report.errors)  # then the rows counted are the valid ones only: say so
    lines = [_quarters(report.rows, refused)]
    layout = t(f"layout_{report.layout}") if report.layout in ("wide", "long") else report.layout
    where = {"xlsx": "Excel", "xls": "Excel 97-2003 (.xls)", "csv": f"văn bản, bảng mã {grid.encoding}"}[grid.kind]
    if grid.sheet and len(grid.sheets) > 1:
        where += f", trang tính “{grid.sheet}” (trong {len(grid.sheets)} trang: {', '.join(grid.sheets)})"
    lines.append(f"Bố cục: {layout}; tệp {where}.")
    first, last = report.header_rows
    if last:
        lines.append(f"Dòng tiêu đề: dòng {first}" + (f"–{last} (tiêu đề hai dòng)." if last > first else "."))
    units = list(dict.fromkeys(report.rows["unit_code"]))
    codes = report.indicators or list(dict.fromkeys(report.rows["indicator_code"]))
    valid = " hợp lệ" if refused else ""
    lines.append(f"Đơn vị có số liệu{valid}: {len(units)}{_listed(units)}.")
    lines.append(f"Chỉ tiêu{valid}: {len(codes)}{_listed(codes)}.")
    lines += [f"{name}: không có số liệu (dòng {row})." for row, name in report.blank_units.items()]
    lines += [f"Cột {_col(c)} “{h}” bị ẩn trong Excel, không đọc." for c, h in report.hidden_columns]
    by_reason: dict[str, list[int]] = {}
    for row, why in sorted(report.skipped_rows.items()):
        if why in SKIP_REASONS:
            by_reason.setdefault(why, []).append(row)
    lines += [f"Bỏ qua {_rows(rows)}: {SKIP_REASONS[why]}." for why, rows in by_reason.items()]
    return lines


def _quarters(rows, refused: bool = False) -> str:  # noqa: ANN001 (the report's DataFrame)
    found = sorted(set(rows["period"]))
    if not found:
        why = "không dòng nào hợp lệ, xem các lỗi bên dưới" if refused else "không có giá trị nào để lưu"
        return f"Kỳ báo cáo: chưa xác định ({why})."
    return "Kỳ báo cáo: " + ", ".join(periods.from_date(d).label for d in found) + "."


def _listed(items: list[str]) -> str:
    if not items:
        return ""
    more = "…" if len(items) > _SHOWN else ""
    return " (" + ", ".join(items[:_SHOWN]) + more + ")"


def _col(col: int) -> str:
    return ingest.column_letter(col)


def _rows(rows: list[int]) -> str:
    """ "dòng 7", "dòng 8, 13", "dòng 17–25": consecutive rows as ranges, at most 8 ranges named."""
    spans: list[list[int]] = []
    for r in rows:
        if spans and r == spans[-1][1] + 1:
            spans[-1][1] = r
        else:
            spans.append([r, r])
    named = [f"{a}" if a == b else f"{a}–{b}" for a, b in spans[:8]]
    return "dòng " + ", ".join(named) + (f" và {len(spans) - 8} đoạn khác" if len(spans) > 8 else "")
