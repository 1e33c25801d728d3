"""An upload from bytes to stored values: read, check, preview (dry run), then commit or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from reform import bulk, ingest, periods, sql, store, validate
from reform.config import settings

Progress = Callable[[float, str], None]
# A text file this large goes the vectorised way (reform/bulk.py): the same report and rows, in seconds
# for millions of values. Smaller files, and any file bulk cannot reproduce exactly, go cell by cell.
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
    path: str = "cells"  # how it was read and checked: "cells" (per cell) or "bulk" (vectorised)

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


def prepare(con: duckdb.DuckDBPyConnection, data: bytes, file_name: str, *, period: periods.Period | None = None,
            max_bytes: int | None = None, today: date | None = None, progress: Progress = _quiet,
            use_bulk: bool | None = None) -> Prepared:
    """Read and check a file, and compute what storing it would change; raise IngestError if unreadable.

    use_bulk: None chooses by size (BULK_MIN_BYTES); True reads any long-layout text file the bulk way,
    False never does. Both ways give the same report and rows.
    """
    limit = max_bytes if max_bytes is not None else settings().max_upload_bytes
    progress(0.05, "Đang đọc tệp…")
    kind = ingest.kind_of(data, file_name, max_bytes=limit)
    fast = None
    if kind == "text" and (use_bulk or (use_bulk is None and len(data) >= BULK_MIN_BYTES)):
        fast = bulk.check(con, data, period=period, today=today, progress=progress)
    grid, report = fast if fast is not None else _per_cell(con, data, kind, period, today, progress)
    progress(0.85, "Đang so sánh với số liệu đã lưu…")
    preview = store.preview_values(con, report.rows)
    progress(1.0, "Đã kiểm tra xong.")
    return Prepared(file_name, store.sha256(data), grid, report, preview, "cells" if fast is None else "bulk")


def _per_cell(con: duckdb.DuckDBPyConnection, data: bytes, kind: str, period: periods.Period | None,
              today: date | None, progress: Progress) -> tuple[ingest.Grid, validate.Report]:
    """Read every cell into a Python object and check it: precise, for the files staff make."""
    grid = ingest.read_xlsx(data) if kind == "xlsx" else ingest.read_text(data)
    progress(0.4, "Đang nhận dạng bảng số liệu…")
    names = sql.run(con, "indicators_for_validation")
    table = ingest.extract(grid, ingest.indicator_lookup(list(zip(names["code"], names["name_vi"], strict=True))))
    progress(0.6, "Đang kiểm tra số liệu…")
    return grid, validate.check(con, grid, table, period=period, today=today)


def commit(con: duckdb.DuckDBPyConnection, prepared: Prepared, *, user: str) -> store.WriteResult | None:
    """Store a clean upload in one transaction; None when it changes nothing (the same file again)."""
    if prepared.report.errors:
        raise ImportRefused(f"Tệp còn {len(prepared.report.errors)} lỗi; chưa lưu gì.")
    if prepared.preview.inserted + prepared.preview.updated == 0:
        return None
    layout = f"{prepared.report.layout}-{prepared.grid.kind}"
    return store.write_values(con, prepared.report.rows, file_name=prepared.file_name, digest=prepared.digest,
                              layout=layout, user=user)
