"""The data version every cached figure is keyed by (queries/data_version.sql) changes with each change of
the stored data or of the reference tables, so that caches of every process and replica are keyed anew."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import approval, catalog, policy, sql, store
from reform.config import DEFAULT_DATA_DIR


def version(con: duckdb.DuckDBPyConnection) -> int:
    return int(sql.run(con, "data_version")["cache_version"].iloc[0])


def renamed_register(con: duckdb.DuckDBPyConnection, code: str, name: str) -> tuple:
    units = sql.run(con, "unit_register")
    units.loc[units["code"] == code, "name"] = name
    for col in ("valid_from", "valid_to"):
        units[col] = units[col].dt.date.astype(object).where(units[col].notna(), None)
    lineage = con.execute("select old_code, new_code, share, effective from unit_lineage").df()
    lineage["effective"] = pd.to_datetime(lineage["effective"]).dt.date
    return units, lineage


def test_reading_leaves_the_version_and_every_reference_change_moves_it(demo_con, tmp_path: Path) -> None:
    seen = [version(demo_con)]
    sql.run(demo_con, "unit_register")
    assert version(demo_con) == seen[-1]  # reading changes nothing
    code = str(sql.run(demo_con, "unit_register")["code"].iloc[1])
    store.replace_units(demo_con, *renamed_register(demo_con, code, "Đảng ủy đổi tên"))
    seen.append(version(demo_con))
    approval.set_window_days(demo_con, policy.guest(), 12)
    seen.append(version(demo_con))
    data = tmp_path / "data"
    shutil.copytree(DEFAULT_DATA_DIR, data)
    indicators = data / "indicators.csv"
    indicators.write_text(indicators.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a new fingerprint
    assert catalog.sync(demo_con, data)
    seen.append(version(demo_con))
    assert len(set(seen)) == len(seen), seen  # each change a new key, never an old one again
    assert int(sql.run(demo_con, "data_version")["reference_version"].iloc[0]) >= 3


def test_a_failed_register_change_leaves_the_version(demo_con) -> None:
    before = version(demo_con)
    units, lineage = renamed_register(demo_con, "TU", "x")
    units.loc[0, "parent_code"] = "KHONG_CO"  # a parent outside the register: refused, nothing stored
    with pytest.raises(store.StoreError, match="KHONG_CO"):
        store.replace_units(demo_con, units, lineage)
    assert version(demo_con) == before
