"""The one write path into the database: units, and values with their upload and history."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from reform import sql

VALUE_COLUMNS = ["unit_code", "period", "indicator_code", "value"]
UNIT_COLUMNS = ["code", "name", "type", "parent_code", "valid_from", "valid_to"]
LINEAGE_COLUMNS = ["old_code", "new_code", "share", "effective"]


class StoreError(ValueError):
    """Rows the writer refuses to store (the whole write is abandoned)."""


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
    con.execute("begin transaction")
    try:
        con.execute("delete from unit_closure")
        con.execute("delete from unit_lineage")
        con.execute("delete from units")
        con.register("units_df", units)
        con.register("lineage_df", lineage)
        con.execute("insert into units by name select * from units_df")
        con.execute("insert into unit_lineage by name select * from lineage_df")
        sql.execute(con, "refresh_unit_closure")
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.unregister("units_df")
        con.unregister("lineage_df")


def write_values(
    con: duckdb.DuckDBPyConnection,
    rows: pd.DataFrame,
    *,
    file_name: str,
    digest: str,
    layout: str,
    user: str,
) -> WriteResult:
    """Store rows (unit_code, period, indicator_code, value) as one upload, all or nothing.

    New values are inserted, changed ones overwritten, and every change is kept in
    value_history with the value it replaced and the upload that value came from.
    """
    rows = rows[VALUE_COLUMNS]
    dup = rows.duplicated(subset=VALUE_COLUMNS[:3], keep=False)
    if dup.any():
        raise StoreError(f"{int(dup.sum())} dòng trùng (đơn vị, kỳ, chỉ tiêu) trong cùng một lần tải lên")
    now = datetime.now()
    con.register("incoming", rows)
    con.execute("begin transaction")
    try:
        sql.execute(con, "store_stage")
        counts = dict(sql.run(con, "store_counts").itertuples(index=False, name=None))
        upload_id = sql.run(
            con,
            "store_insert_upload",
            file_name=file_name,
            sha256=digest,
            layout=layout,
            user_name=user,
            created_at=now,
            rows=len(rows),
            inserted=counts.get("new", 0),
            updated=counts.get("changed", 0),
            unchanged=counts.get("unchanged", 0),
        )["id"].iloc[0]
        upload_id = int(upload_id)
        sql.execute(con, "store_history", upload_id=upload_id, changed_at=now)
        sql.execute(con, "store_update", upload_id=upload_id)
        sql.execute(con, "store_insert", upload_id=upload_id)
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    finally:
        con.execute("drop table if exists staged")
        con.unregister("incoming")
    return WriteResult(
        upload_id=upload_id,
        rows=len(rows),
        inserted=counts.get("new", 0),
        updated=counts.get("changed", 0),
        unchanged=counts.get("unchanged", 0),
    )
