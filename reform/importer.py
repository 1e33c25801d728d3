"""An upload from bytes to stored values: read, check, preview (dry run), then commit or nothing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import duckdb

from reform import ingest, periods, sql, store, validate
from reform.config import settings

Progress = Callable[[float, str], None]


class ImportRefused(ValueError):
    """Commit was asked for a preview that still holds errors."""


@dataclass
class Prepared:
    """A checked upload, ready to be shown to the uploader and, if clean, committed."""

    file_name: str
    digest: str
    grid: ingest.Grid
    report: validate.Report
    preview: store.Preview

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
            max_bytes: int | None = None, today: date | None = None, progress: Progress = _quiet) -> Prepared:
    """Read and check a file, and compute what storing it would change; raise IngestError if unreadable."""
    limit = max_bytes if max_bytes is not None else settings().max_upload_bytes
    progress(0.05, "Đang đọc tệp…")
    grid = ingest.read(data, file_name, max_bytes=limit)
    progress(0.4, "Đang nhận dạng bảng số liệu…")
    names = sql.run(con, "indicators_for_validation")
    table = ingest.extract(grid, ingest.indicator_lookup(list(zip(names["code"], names["name_vi"], strict=True))))
    progress(0.6, "Đang kiểm tra số liệu…")
    report = validate.check(con, grid, table, period=period, today=today)
    progress(0.85, "Đang so sánh với số liệu đã lưu…")
    preview = store.preview_values(con, report.rows)
    progress(1.0, "Đã kiểm tra xong.")
    return Prepared(file_name, store.sha256(data), grid, report, preview)


def commit(con: duckdb.DuckDBPyConnection, prepared: Prepared, *, user: str) -> store.WriteResult | None:
    """Store a clean upload in one transaction; None when it changes nothing (the same file again)."""
    if prepared.report.errors:
        raise ImportRefused(f"Tệp còn {len(prepared.report.errors)} lỗi; chưa lưu gì.")
    if prepared.preview.inserted + prepared.preview.updated == 0:
        return None
    layout = f"{prepared.report.layout}-{prepared.grid.kind}"
    return store.write_values(con, prepared.report.rows, file_name=prepared.file_name, digest=prepared.digest,
                              layout=layout, user=user)
