"""The indicator catalogue: data/indicators.csv and its groups, checked and loaded into the database."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import duckdb
import pandas as pd

from reform import locks, rollup, sql, weights
from reform.db import registered, write_transaction

TYPES = {"flow", "stock", "flag", "rate"}
DIRECTIONS = {"up", "down", "neutral"}
_CODE = re.compile(r"^[a-z][a-z0-9_]*$")


class CatalogError(ValueError):
    """The catalogue files contradict themselves."""


def read_indicators(data_dir: Path) -> pd.DataFrame:
    """data/indicators.csv as a DataFrame, checked."""
    df = pd.read_csv(data_dir / "indicators.csv", dtype={"numerator": "str", "denominator": "str"})
    df = df.rename(columns={"group": "group_code"})
    df["headline"] = df["headline"].astype(bool)
    problems = check_indicators(df, read_groups(data_dir))
    if problems:
        raise CatalogError("; ".join(problems))
    return df


def read_groups(data_dir: Path) -> pd.DataFrame:
    """data/indicator_groups.csv as a DataFrame."""
    return pd.read_csv(data_dir / "indicator_groups.csv")


def check_indicators(df: pd.DataFrame, groups: pd.DataFrame) -> list[str]:
    """Every contradiction in the catalogue, as readable strings (empty when sound)."""
    problems = [f"mã trùng: {c}" for c in df.loc[df["code"].duplicated(), "code"]]
    problems += [f"mã không hợp lệ: {c}" for c in df["code"] if not _CODE.match(str(c))]
    problems += [f"{r.code}: loại {r.type}" for r in df.itertuples() if r.type not in TYPES]
    problems += [f"{r.code}: chiều {r.good}" for r in df.itertuples() if r.good not in DIRECTIONS]
    problems += [f"{r.code}: nhóm {r.group_code}" for r in df.itertuples() if r.group_code not in set(groups["code"])]
    problems += [f"{r.code}: thiếu tên" for r in df.itertuples() if not str(r.name_vi).strip()]
    phrases = df["phrase_vi"] if "phrase_vi" in df else pd.Series(dtype=str)
    problems += [
        f"{c}: câu mô tả thiếu {{value}}"
        for c, p in zip(df["code"], phrases, strict=False)
        if isinstance(p, str) and p.strip() and "{value}" not in p
    ]
    base = set(df.loc[df["type"] != "rate", "code"])
    for r in df[df["type"] == "rate"].itertuples():
        if r.numerator not in base or r.denominator not in base:
            problems.append(f"{r.code}: tử số/mẫu số không có trong danh mục")
    return problems


def load(con: duckdb.DuckDBPyConnection, data_dir: Path) -> None:
    """Replace the catalogue tables with the contents of the CSV files."""
    indicators = read_indicators(data_dir)
    groups = read_groups(data_dir)
    with registered(con, groups_df=groups, indicators_df=indicators), write_transaction(con):
        con.execute("delete from indicator")
        con.execute("delete from indicator_group")
        con.execute("insert into indicator_group by name select * from groups_df")
        con.execute("insert into indicator by name select * from indicators_df")


def fingerprint(data_dir: Path) -> str:
    """Hash of the catalogue files, to notice when they change."""
    h = hashlib.sha256()
    for name in ("indicator_groups.csv", "indicators.csv"):
        h.update((data_dir / name).read_bytes())
    return h.hexdigest()


def sync(con: duckdb.DuckDBPyConnection, data_dir: Path) -> bool:
    """Reload the catalogue when its files differ from what the database holds; True if reloaded."""
    with locks.writer(con):  # two sessions starting at once reload it once
        return _sync(con, data_dir)


def _sync(con: duckdb.DuckDBPyConnection, data_dir: Path) -> bool:
    current = fingerprint(data_dir)
    stored = sql.run(con, "meta_get", key="catalog_sha")
    if not stored.empty and stored["value"].iloc[0] == current:
        weights.sync(con, data_dir)
        return False
    load(con, data_dir)
    weights.sync(con, data_dir, force=True)
    with write_transaction(con):  # a new or changed rate needs its numerator/denominator pairs summed
        rollup.refresh(con, [])
        sql.execute(con, "meta_set", key="catalog_sha", value=current)
        sql.execute(con, "reference_version_bump")  # cached figures of every process are keyed anew
    return True
