"""The read copy of the lake (reform.readcopy): the pages' queries give the lake's rows through it, a write
from another process is seen at the next read, and a file is read directly, with no copy."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import periods, policy, readcopy, sql, store
from reform import summary as summary_core
from tests.unit import test_races as races

PROJECT = Path(__file__).resolve().parents[2]
QUARTERS = 6  # a year and a half: every quarter of the last one has a year-earlier quarter

WRITE_ELSEWHERE = """
import sys
from reform import db
from tests.unit import test_races as races
con = db.connect(sys.argv[1])
races.write(con, races.rows(races.quarter(int(sys.argv[2])), races.UNITS, float(sys.argv[3])))
"""


@pytest.fixture
def con(lake_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    store.replace_units(lake_con, *races.register())
    for i in range(QUARTERS):
        races.write(lake_con, races.rows(races.quarter(i), races.UNITS, 10 + i))
    return lake_con


def version_of(con: duckdb.DuckDBPyConnection) -> int:
    return int(sql.run(con, "data_version")["cache_version"].iloc[0])


def page_queries(cur: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame]:
    """What the analysis pages ask of a scope for the latest quarter (and the official variant of one)."""
    last = periods.from_date(races.quarter(QUARTERS - 1))
    span = {"scope": "TU", "start": races.quarter(0), "end": last.end}
    return {
        "summary": summary_core.summary(cur, "TU", last),
        "trend": sql.run(cur, "trend", **span),
        "rank": sql.run(cur, "rank", scope="TU", start=last.start, end=last.end, indicator="kt_tcd"),
        "periods_with_data": sql.run(cur, "periods_with_data", scope="TU"),
        "units_reported": sql.run(cur, "units_reported", **span),
        "official:trend": sql.run(cur, sql.official("trend"), **span),
    }


@pytest.mark.lake
def test_page_queries_through_the_copy_give_the_lakes_rows(con, lake_target) -> None:
    copy = readcopy.ReadCopies(lake_target[0]).refresh()
    assert copy.version == version_of(con)
    # the copy answers alone: the lake was detached once its tables were read
    attached = copy.con.execute("select database_name from duckdb_databases()").fetchall()
    assert readcopy.COPY_NAME not in {name for (name,) in attached}
    on_lake, on_copy = page_queries(con.cursor()), page_queries(copy.cursor())
    for name, rows in on_lake.items():
        pd.testing.assert_frame_equal(on_copy[name], rows, check_dtype=False, obj=name)
    assert set(on_lake["summary"]["value"].dropna()) and len(on_lake["rank"]) == len(races.UNITS)


@pytest.mark.lake
def test_an_upload_from_another_process_is_read_through_a_refreshed_copy(con, lake_target) -> None:
    copies = readcopy.ReadCopies(lake_target[0])
    first = copies.refresh()
    assert copies.fresh_version(con) == first.version  # nothing changed: the copy's version, no query on the lake
    run = [sys.executable, "-c", WRITE_ELSEWHERE, lake_target[0], str(QUARTERS), "77"]
    subprocess.run(run, cwd=PROJECT, check=True, capture_output=True, text=True)
    after = version_of(con)
    assert after != first.version
    assert copies.fresh_version(con) is None  # the lake moved on: read it, and a refresh has started
    assert copies.cursor(after) is None and copies.cursor(first.version) is None  # the lake, till the refresh
    deadline = time.monotonic() + 120
    while copies.current is first and time.monotonic() < deadline:
        time.sleep(0.1)
    copy = copies.current
    assert copy is not first and copy.version == after and copies.fresh_version(con) == after
    new_quarter = "select sum(value) from value where period = $p"
    got = copies.cursor(after).execute(new_quarter, {"p": races.quarter(QUARTERS)}).fetchone()[0]
    assert got == 3 * (77 + 78 + 79)
    # only what the upload changed came from the lake; the register was taken from the previous copy
    assert "value" in copy.from_lake and "units" not in copy.from_lake
    assert copy.cursor().execute("select count(*) from units").fetchone()[0] == 1 + len(races.UNITS)


@pytest.mark.lake
def test_a_write_to_the_record_alone_keeps_the_copy(con, lake_target) -> None:
    """Sign-ins and refusals are written all day; the copy holds none of their tables, so it stays in use."""
    copies = readcopy.ReadCopies(lake_target[0])
    copy = copies.refresh()
    policy.record(con, policy.guest(), "view", "TU", policy.REFUSED, "scope")
    assert copies.fresh_version(con) == copy.version and copies.current is copy and copies.refreshes == 1


def test_a_file_is_read_directly_with_no_copy(tmp_path: Path) -> None:
    import ui

    assert ui._read_copies(str(tmp_path / "reform.duckdb")) is None
    assert isinstance(ui._read_copies("ducklake:postgres:dbname=x host=127.0.0.1"), readcopy.ReadCopies)
