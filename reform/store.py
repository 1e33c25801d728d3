"""The one write path into the database: units, and values with their upload and history."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property

import duckdb
import pandas as pd
import pyarrow as pa

from reform import approval, index_store, locks, periods, rollup, sql
from reform.db import registered, transaction, write_transaction

VALUE_COLUMNS = ["unit_code", "period", "indicator_code", "value"]
UNIT_COLUMNS = ["code", "name", "type", "parent_code", "valid_from", "valid_to"]
LINEAGE_COLUMNS = ["old_code", "new_code", "share", "effective"]
ROW_GROUP = 122_880  # rows in a DuckDB row group


class StoreError(ValueError):
    """Rows the writer refuses to store (the whole write is abandoned)."""


class StaleUpload(StoreError):
    """Another upload wrote to the file's quarters after its preview was computed; nothing stored."""


@dataclass(frozen=True)
class WriteResult:
    upload_id: int
    rows: int
    inserted: int
    updated: int
    unchanged: int


def sha256(data: bytes) -> str:
    """Hex digest of an upload's bytes."""
    return hashlib.sha256(data).hexdigest()


def replace_units(con: duckdb.DuckDBPyConnection, units: pd.DataFrame, lineage: pd.DataFrame) -> None:
    """Replace the unit register and lineage in one transaction and rebuild the closure."""
    units = units[UNIT_COLUMNS]
    lineage = lineage[LINEAGE_COLUMNS]
    unknown_parents = set(units["parent_code"].dropna()) - set(units["code"])
    unknown_lineage = (set(lineage["old_code"]) | set(lineage["new_code"])) - set(units["code"])
    if unknown_parents or unknown_lineage:
        raise StoreError(f"mã đơn vị không có trong danh sách: {sorted(unknown_parents | unknown_lineage)}")
    with registered(con, units_df=units, lineage_df=lineage), write_transaction(con):
        con.execute("delete from unit_closure")
        con.execute("delete from unit_lineage")
        con.execute("delete from units")
        con.execute("insert into units by name select * from units_df")
        con.execute("insert into unit_lineage by name select * from lineage_df")
        sql.execute(con, "refresh_unit_closure")
        rollup.refresh(con)
        sql.execute(con, "reference_version_bump")  # cached figures of every process are keyed anew


def write_values(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    *,
    file_name: str,
    digest: str,
    layout: str,
    user: str,
    seen_version: int | None = None,
) -> WriteResult:
    """Store rows (unit_code, period, indicator_code, value) as one upload, all or nothing.

    New values are inserted, changed ones overwritten, and every change is kept in
    value_history with the value it replaced and the upload that value came from. With seen_version
    (the last upload id when the uploader's preview was computed), StaleUpload when a later upload
    wrote to the same quarters: the uploader confirmed changes that are no longer the ones it would make.
    approval.Locked (nothing stored) when a row touches a unit × quarter that is submitted, approved or
    locked, or past its entry window. The values and the rollup commit together; the kept index of the
    quarters is scored right after that commit (index_store.catch_up), marked out of date until then.
    """
    rows = rows[VALUE_COLUMNS]
    quarters = rollup.quarter_starts(rows["period"])
    now = datetime.now()
    with registered(con, incoming=relation(rows)):
        duplicated = int(sql.run(con, "store_duplicates")["rows"].iloc[0])
        if duplicated:
            raise StoreError(f"{duplicated} dòng trùng (đơn vị, kỳ, chỉ tiêu) trong cùng một lần tải lên")
        with write_transaction(con):
            # inside the lock: a unit × quarter approved after the preview is refused all the same
            approval.refuse_closed_incoming(con, quarters)
            if seen_version is not None:
                _refuse_if_written_since(con, seen_version, quarters)
            fresh = _fresh(con, quarters)
            counts = _counts(con, len(rows), quarters, fresh)
            upload_id = insert_upload(
                con,
                file_name=file_name,
                sha256=digest,
                layout=layout,
                user_name=user,
                created_at=now,
                rows=len(rows),
                inserted=counts["new"],
                updated=counts["changed"],
                unchanged=counts["unchanged"],
            )
            _apply(con, upload_id, now, quarters, fresh)
            if not fresh:  # a fresh quarter had no value inside this lock and transaction: every key is new
                _refuse_duplicates(con, quarters)
            # the kept index of a national quarter takes minutes to score: marked out of date here, scored
            # just after the commit (readers score a marked quarter on the spot meanwhile)
            rollup.refresh(con, quarters, defer_index=True)
    index_store.catch_up(con)
    return WriteResult(upload_id, len(rows), counts["new"], counts["changed"], counts["unchanged"])


def _refuse_if_written_since(con: duckdb.DuckDBPyConnection, seen_version: int, quarters: list[date]) -> None:
    written = sql.run(con, "store_written_since", after_upload=seen_version, periods=quarters)["period"]
    if not written.empty:
        labels = ", ".join(periods.from_date(pd.Timestamp(d).date()).label for d in written)
        raise StaleUpload(
            f"Một lần tải lên khác vừa ghi vào {labels}; bấm Kiểm tra lại để so tệp với số liệu mới "
            "trước khi lưu. Chưa lưu gì."
        )


def _refuse_duplicates(con: duckdb.DuckDBPyConnection, quarters: list[date]) -> None:
    """The writers' lock keeps a key once; should anything break that, the write rolls back, not stores it."""
    keys = int(sql.run(con, "store_stored_duplicates", periods=quarters)["keys"].iloc[0])
    if keys:
        raise StoreError(f"{keys} giá trị (đơn vị, kỳ, chỉ tiêu) sẽ bị lưu hai lần; chưa lưu gì.")


def _fresh(con: duckdb.DuckDBPyConnection, quarters: list[date]) -> bool:
    """Whether the quarters hold no value yet (their first upload): then every row is new, with nothing to
    compare it with (joining the upload to the value table, DuckDB would build on the upload's side)."""
    return int(sql.run(con, "store_stored_count", periods=quarters)["n"].iloc[0]) == 0


def _counts(con: duckdb.DuckDBPyConnection, rows: int, quarters: list[date], fresh: bool) -> dict[str, int]:
    """How many of the rows of `incoming` are new, changed and unchanged."""
    if fresh:
        return {"new": rows, "changed": 0, "unchanged": 0}
    found = dict(sql.run(con, "store_counts", periods=quarters).itertuples(index=False, name=None))
    return {status: int(found.get(status, 0)) for status in ("new", "changed", "unchanged")}


def _apply(con: duckdb.DuckDBPyConnection, upload_id: int, now: datetime, quarters: list[date], fresh: bool) -> None:
    """The rows of `incoming` into value_history and value: the history first (it reads the values being
    replaced), then the changed values overwritten, then the new ones added."""
    if fresh:
        sql.execute(con, "store_new_history", upload_id=upload_id, changed_at=now)
        sql.execute(con, "store_new_insert", upload_id=upload_id)
        return
    sql.execute(con, "store_history", upload_id=upload_id, changed_at=now, periods=quarters)
    sql.execute(con, "store_update", upload_id=upload_id, periods=quarters)
    sql.execute(con, "store_insert", upload_id=upload_id, periods=quarters)


def insert_upload(con: duckdb.DuckDBPyConnection, **fields: object) -> int:
    """Record an upload row under the next id and return it: max + 1, inside the caller's write transaction
    (the writers' lock held), as neither the file nor a DuckLake catalog then needs a sequence."""
    upload_id = int(sql.run(con, "next_id_upload")["id"].iloc[0])
    sql.execute(con, "store_insert_upload", id=upload_id, **fields)
    return upload_id


def relation(rows: pd.DataFrame) -> pa.Table | pd.DataFrame:
    """What to register for DuckDB to read the rows: an Arrow table when large (scanned several times faster
    than a frame of Python objects), else the frame."""
    if len(rows) < 10_000:
        return rows
    try:
        table = pa.Table.from_pandas(rows, preserve_index=False)
    except (pa.ArrowException, TypeError, ValueError):  # mixed objects in a column: let DuckDB read the frame
        return rows
    # in batches of a row group: DuckDB reads and inserts them in parallel, one batch of millions it does not
    return pa.Table.from_batches(table.to_batches(max_chunksize=ROW_GROUP), table.schema)


def _frame(con: duckdb.DuckDBPyConnection, name: str, **params: object) -> pd.DataFrame:
    """sql.run(con, name, ...) through Arrow (millions of rows in a fraction of the time), with the same dtypes."""
    table = con.execute(sql.text(name), params or None).to_arrow_table()
    if table.num_rows < 10_000:  # .df() types an empty VARCHAR column object, Arrow str: keep .df() there
        return sql.run(con, name, **params)
    for i, f in enumerate(table.schema):
        if pa.types.is_date(f.type):  # as DuckDB's .df() gives them: datetime64[us], not date objects
            table = table.set_column(i, f.name, table.column(i).cast(pa.timestamp("us")))
    return table.to_pandas()


@dataclass(frozen=True)
class Preview:
    """What a write would do, computed by comparing the rows with the stored values."""

    rows: int
    inserted: int
    updated: int
    unchanged: int
    changes_of: Callable[[], pd.DataFrame] = field(repr=False)  # makes `changes` when it is first read
    version: int = 0  # the last upload id when it was computed (write_values' seen_version)

    @cached_property
    def changes(self) -> pd.DataFrame:
        """The dry-run table: unit_code, period, indicator_code, old_value, value, status (new | changed)."""
        return self.changes_of()


def preview_values(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> Preview:
    """Compare rows with what is stored, report new / changed / unchanged, and store nothing."""
    rows = rows[VALUE_COLUMNS]
    quarters = rollup.quarter_starts(rows["period"])
    with transaction(con):  # one transaction: the version, the counts and the changes see the same values
        version = int(sql.run(con, "data_version")["last_upload_id"].iloc[0])
        if _fresh(con, quarters):  # every row is new: the table is the rows alone, made when read
            return Preview(len(rows), len(rows), 0, 0, lambda: _new_changes(rows), version)
        with registered(con, incoming=relation(rows)):
            counts = _counts(con, len(rows), quarters, fresh=False)
            changes = _frame(con, "store_changes", periods=quarters)
    return Preview(len(rows), counts["new"], counts["changed"], counts["unchanged"], lambda: changes, version)


def _new_changes(rows: pd.DataFrame) -> pd.DataFrame:
    """store_new_changes of the rows, on a private connection in memory: it reads nothing stored, and the
    database's connection may be another thread's by the time the table is read."""
    con = duckdb.connect()
    try:
        with registered(con, incoming=relation(rows)):
            return _frame(con, "store_new_changes")
    finally:
        con.close()


@dataclass(frozen=True)
class UndoResult:
    undo_id: int  # the upload row that records the undo
    restored: int  # values put back to what the upload replaced
    removed: int  # values the upload had added, now gone


class UndoRefused(ValueError):
    """An undo that would lose later changes, or of an upload that is not stored; message in Vietnamese."""


def undo(con: duckdb.DuckDBPyConnection, upload_id: int, *, user: str) -> UndoResult:
    """Restore exactly the values an upload replaced (and remove those it added), in one transaction.

    Refused while a later stored upload changed some of the same values: undo that one first. The checks
    and the write hold the writers' lock together: no upload slips in between them.
    """
    with locks.writer(con):
        return _undo(con, upload_id, user)


def _undo(con: duckdb.DuckDBPyConnection, upload_id: int, user: str) -> UndoResult:
    uploads = sql.run(con, "uploads").set_index("id")
    if upload_id not in uploads.index:
        raise UndoRefused(f"Không có lần tải lên số {upload_id}.")
    if uploads.loc[upload_id, "status"] != "stored" or uploads.loc[upload_id, "layout"] == "undo":
        raise UndoRefused(f"Lần tải lên số {upload_id} đã được hoàn tác hoặc là một lần hoàn tác.")
    closed = approval.refuse_closed_undo(con, upload_id)
    if closed:
        raise UndoRefused(closed)
    later = sql.run(con, "later_uploads_touching", upload_id=upload_id)
    if not later.empty:
        ids = ", ".join(f"số {i}" for i in later["id"])
        raise UndoRefused(
            f"Không thể hoàn tác lần tải lên số {upload_id}: các lần tải lên sau ({ids}) đã sửa "
            "một số giá trị của nó. Hãy hoàn tác các lần đó trước (từ mới nhất đến cũ nhất)."
        )
    changes = sql.run(con, "upload_changes", upload_id=upload_id)
    drifted = changes[changes["current_value"].ne(changes["new_value"]) | changes["current_value"].isna()]
    if not drifted.empty:
        raise UndoRefused(f"Không thể hoàn tác lần tải lên số {upload_id}: {len(drifted)} giá trị đã thay đổi sau đó.")
    undo_rows = changes.assign(upload_id=upload_id)[
        ["unit_code", "period", "indicator_code", "old_value", "new_value", "upload_id", "old_upload_id"]
    ]
    return _apply_undo(con, upload_id, undo_rows, user)


def _apply_undo(con: duckdb.DuckDBPyConnection, upload_id: int, undo_rows: pd.DataFrame, user: str) -> UndoResult:
    now = datetime.now()
    restored = int(undo_rows["old_value"].notna().sum())
    removed = len(undo_rows) - restored
    con.register("undo_rows", undo_rows)
    try:
        with write_transaction(con):
            undo_id = insert_upload(
                con,
                file_name=f"Hoàn tác lần tải lên số {upload_id}",
                sha256="",
                layout="undo",
                user_name=user,
                created_at=now,
                rows=len(undo_rows),
                inserted=0,
                updated=restored,
                unchanged=0,
            )
            sql.execute(con, "undo_history", undo_upload_id=undo_id, changed_at=now)
            sql.execute(con, "undo_restore")
            sql.execute(con, "undo_delete")
            sql.execute(con, "upload_set_status", upload_id=upload_id, status="undone")
            rollup.refresh(con, undo_rows["period"])
    finally:
        con.unregister("undo_rows")
    return UndoResult(undo_id, restored, removed)
