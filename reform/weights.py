"""The weights of the composite reform index: data/index_weights.csv, checked, versioned, loaded.

Each version is a table of pillars and parts summing to 100 points; a quarter is scored with the
version whose valid_from is the latest on or before the quarter's start, so old quarters keep the
weights they were scored with when a new version is added.
"""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd

from reform import sql
from reform.db import registered, write_transaction

FILE = "index_weights.csv"
COLUMNS = ["version", "valid_from", "pillar", "pillar_name_vi", "part", "floor", "target", "points"]
PART_TYPES = {"rate", "flag"}


class WeightsError(ValueError):
    """The weights table contradicts itself or the catalogue."""


def read(data_dir: Path, indicators: pd.DataFrame) -> pd.DataFrame:
    """data/index_weights.csv as a DataFrame, checked against the catalogue (empty when absent)."""
    path = data_dir / FILE
    if not path.is_file():
        return pd.DataFrame(columns=COLUMNS)
    df = pd.read_csv(path, dtype={"version": "str"})
    problems = check(df, indicators)
    if problems:
        raise WeightsError("Bảng trọng số chỉ số CCHC: " + "; ".join(problems))
    df["valid_from"] = pd.to_datetime(df["valid_from"]).dt.date
    return df[COLUMNS]


def check(df: pd.DataFrame, indicators: pd.DataFrame) -> list[str]:
    """Every problem of a weights table, as readable Vietnamese strings (empty when sound)."""
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        return [f"thiếu cột {', '.join(missing)}"]
    cat = indicators.set_index("code")
    problems = []
    for r in df.itertuples():
        if r.part not in cat.index:
            problems.append(f"{r.part}: không có trong danh mục chỉ tiêu")
            continue
        kind, good = cat.at[r.part, "type"], cat.at[r.part, "good"]
        if kind not in PART_TYPES:
            problems.append(f"{r.part}: là số đếm ({kind}), chỉ dùng tỷ lệ hoặc có/không")
        if good == "neutral":
            problems.append(f"{r.part}: chỉ tiêu trung tính không được tính điểm")
        problems += _part_numbers(r, kind, good)
    for version, rows in df.groupby("version"):
        total = pd.to_numeric(rows["points"], errors="coerce").sum()
        if abs(total - 100) > 1e-6:
            problems.append(f"phiên bản {version}: tổng điểm {total:g}, phải bằng 100")
        if rows["part"].duplicated().any():
            problems.append(f"phiên bản {version}: một chỉ tiêu có hai dòng")
        if rows["valid_from"].nunique() != 1:
            problems.append(f"phiên bản {version}: nhiều ngày áp dụng")
    starts = df.drop_duplicates("version")["valid_from"]
    problems += [f"hai phiên bản cùng áp dụng từ {d}" for d in starts[starts.duplicated()]]
    problems += [
        f"ngày áp dụng không hợp lệ: {d}" for d in df["valid_from"] if pd.isna(pd.to_datetime(d, errors="coerce"))
    ]
    return problems


def _part_numbers(r: object, kind: str, good: str) -> list[str]:
    try:
        floor, target, points = float(r.floor), float(r.target), float(r.points)
    except (TypeError, ValueError):
        return [f"{r.part}: ngưỡng, mục tiêu, điểm phải là số"]
    if points <= 0:
        return [f"{r.part}: điểm phải lớn hơn 0"]
    if kind == "flag" and (floor, target) != (0.0, 100.0):
        return [f"{r.part}: chỉ tiêu có/không tính 100 hoặc 0 (ngưỡng 0, mục tiêu 100)"]
    # a part's target lies on the good side of its floor: above it for "up", below it for "down"
    if (good == "up" and target <= floor) or (good == "down" and target >= floor):
        return [f"{r.part}: mục tiêu phải tốt hơn ngưỡng"]
    return []


def load(con: duckdb.DuckDBPyConnection, df: pd.DataFrame) -> None:
    """Replace the stored weights with every version of the table, and score the kept index again
    (its rows record the version they were scored with) in the same transaction."""
    from reform import index_store  # it scores with the weights this module loads

    with registered(con, weights_df=df), write_transaction(con):
        con.execute("delete from index_weight")
        con.execute("insert into index_weight by name select * from weights_df")
        index_store.rebuild(con)


def fingerprint(data_dir: Path) -> str:
    """Hash of the weights file (of nothing when it is absent)."""
    path = data_dir / FILE
    return hashlib.sha256(path.read_bytes() if path.is_file() else b"").hexdigest()


def sync(con: duckdb.DuckDBPyConnection, data_dir: Path, *, force: bool = False) -> bool:
    """Reload the weights when their file differs from what the database holds (or the catalogue was
    just reloaded: a part may have gone), checked against the stored catalogue; True if reloaded."""
    current = fingerprint(data_dir)
    stored = sql.run(con, "meta_get", key="index_weights_sha")
    if not force and not stored.empty and stored["value"].iloc[0] == current:
        return False
    load(con, read(data_dir, sql.run(con, "catalog")))
    sql.execute(con, "meta_set", key="index_weights_sha", value=current)
    sql.execute(con, "reference_version_bump")  # cached index results of every process are keyed anew
    return True


def in_force(con: duckdb.DuckDBPyConnection, on: date) -> pd.DataFrame:
    """The weights of the version in force on a date (the start of a period), in table order."""
    return sql.run(con, "index_weights", on=on)
