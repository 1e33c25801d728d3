"""The store on DuckLake with a PostgreSQL catalog: the same migrations, queries and invariants as the file,
and writes from two processes serialised by the PostgreSQL advisory lock; the read copy each dashboard process
reads its figures from."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from reform import db, invariants, lake, locks, periods, policy, readcopy, sql, store
from reform import summary as summary_core
from tests.unit import test_races as races
from tests.unit.test_cache_version import renamed_register

pytestmark = pytest.mark.lake
PROJECT = Path(__file__).resolve().parents[2]


@pytest.fixture
def con(lake_con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    store.replace_units(lake_con, *races.register())
    return lake_con


def test_the_lake_is_migrated_like_the_file_and_takes_the_advisory_lock(con, empty_con) -> None:
    tables = "select table_name from information_schema.tables where table_schema = 'main' order by 1"
    assert con.execute(tables).fetchall() == empty_con.execute(tables).fetchall()
    assert sql.run(con, "database_path")["type"].iloc[0] == "ducklake"
    assert isinstance(locks.lock_for(con), lake.AdvisoryLock)
    assert isinstance(locks.lock_for(empty_con), locks.FileWriterLock)  # the file keeps its own lock
    # opening again applies nothing: the migrations are recorded in the catalog, as in the file
    target = con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
    again = db.connect("ducklake:" + target[0])
    assert db.migrate(again) == []
    again.close()


def test_every_query_file_runs_on_the_lake(con) -> None:
    """One SQL text for both engines: every query file of the file database runs on the lake too."""
    from tests.unit import test_queries

    races.write(con, races.rows(races.quarter(0), races.UNITS, 1))
    test_queries.run_every_query(con, test_queries.file_queries())


def test_write_preview_undo_on_the_lake_keep_the_invariants(con, checked_writes) -> None:
    q = races.quarter(0)
    first = races.write(con, races.rows(q, races.UNITS, 1))
    assert (first.upload_id, first.inserted) == (1, 9)
    preview = store.preview_values(con, races.rows(q, races.UNITS, 2))
    assert (preview.updated, preview.version) == (9, 1)
    second = races.write(con, races.rows(q, races.UNITS, 2), seen_version=preview.version)
    assert (second.upload_id, second.updated) == (2, 9)
    undone = store.undo(con, second.upload_id, user="t")
    assert undone.undo_id == 3 and set(races.stored(con, q).values()) == {1, 2, 3}
    with pytest.raises(store.StaleUpload):  # confirmed against version 1: three uploads came since
        races.write(con, races.rows(q, races.UNITS, 7), seen_version=1)
    assert set(races.stored(con, q).values()) == {1, 2, 3}  # the refused write stored nothing
    assert sql.run(con, "meta_get", key="catalog_sha").shape[0] == 1  # meta_set merged on the lake too


def test_threads_racing_on_the_lake_store_one_order(con) -> None:
    for i in range(3):
        q = races.quarter(i)
        won, lost = races.outcome(
            races.race(
                con,
                races.confirmed(con, races.rows(q, races.UNITS, 3)),
                races.confirmed(con, races.rows(q, races.UNITS, 5)),
            )
        )
        assert won == 1 and set(races.stored(con, q).values()) in ({3, 4, 5}, {5, 6, 7})
    assert invariants.check(con) == []


RACER = """
import json, sys
from datetime import date
import pandas as pd
from reform import db, store
target, data, value, quarters = sys.argv[1], sys.argv[2], float(sys.argv[3]), json.loads(sys.argv[4])
con = db.connect(target)
out = []
for q in quarters:
    q = date.fromisoformat(q)
    rows = pd.DataFrame(
        [(u, q, ind, value + n) for u in ("A", "B", "C") for n, ind in enumerate(["kt_tcd", "kt_dv", "hop_tong"])],
        columns=store.VALUE_COLUMNS,
    )
    seen = store.preview_values(con, rows).version
    print("ready", flush=True)
    sys.stdin.readline()  # both processes are released together
    try:
        r = store.write_values(
            con, rows, file_name="p.csv", digest=str(value), layout="long", user="p", seen_version=seen
        )
        out.append(["stored", r.upload_id, r.inserted, r.updated])
    except store.StaleUpload as exc:
        out.append(["stale", str(exc)])
print(json.dumps(out), flush=True)
"""


def test_two_processes_racing_uploads_store_one_order(con, lake_target) -> None:
    """Two processes (as two replicas or a command beside the dashboard) each preview, then write the
    same new quarters at the same moment: for each quarter one stores, the other is told it went stale."""
    quarters = [races.quarter(10 + i).isoformat() for i in range(3)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, lake_target[0], str(lake_target[1]), str(v), json.dumps(quarters)],
            cwd=PROJECT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for v in (3, 5)
    ]
    for _ in quarters:
        for p in procs:
            assert p.stdout.readline().strip() == "ready"
        for p in procs:  # released together
            p.stdin.write("\n")
            p.stdin.flush()
    results = [json.loads(p.stdout.readline()) for p in procs]
    for p in procs:
        assert p.wait(timeout=120) == 0
    for i, q in enumerate(quarters):
        kinds = sorted(r[i][0] for r in results)
        assert kinds == ["stale", "stored"], results
        stored = races.stored(con, pd.Timestamp(q).date())
        assert len(stored) == 9 and set(stored.values()) in ({3, 4, 5}, {5, 6, 7})  # one file, no sum, no twice
    ids = [r[i][1] for r in results for i in range(len(quarters)) if r[i][0] == "stored"]
    assert sorted(ids) == [1, 2, 3]  # max + 1 under the lock: no id given twice
    assert invariants.check(con) == []


def test_a_write_waits_for_the_lock_another_process_holds(con, lake_target) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from reform import db, locks; con = db.connect(sys.argv[1]);"
            "lock = locks.lock_for(con); lock.acquire(10); print('held', flush=True); sys.stdin.readline()",
            lake_target[0],
        ],
        cwd=PROJECT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(locks.LockBusy), locks.writer(con, timeout=0.5):
            pass
        assert sql.run(con, "data_version")["uploads"].iloc[0] == 0
    finally:
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=60)
    races.write(con, races.rows(races.quarter(0), races.UNITS, 1))  # released with the holder's session
    assert invariants.check(con) == []


def test_maintain_merges_and_cleans_the_lake_and_keeps_every_figure(con, lake_target) -> None:
    for i in range(6):  # small commits, each leaving files behind
        races.write(con, races.rows(races.quarter(i % 2), races.UNITS, i))
    before = sql.run(con, "export_values", period_start=None, period_end=None, unit=None)
    run = subprocess.run(
        [sys.executable, "-m", "reform", "maintain", "--db", lake_target[0], "--older-than", "0", "--json"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    done = json.loads(run.stdout)
    assert done["engine"] == "ducklake" and done["merged"] > 0 and done["deleted"] > 0
    assert done["flushed"] == 0  # nothing is kept inline (lake_no_inlining.sql): every write is in files
    after = sql.run(con, "export_values", period_start=None, period_end=None, unit=None)
    pd.testing.assert_frame_equal(before, after)
    assert invariants.check(con) == []
    races.write(con, races.rows(races.quarter(3), races.UNITS, 1))  # still writable after the clean-up
    assert invariants.check(con) == []


VERSION_ELSEWHERE = """
import sys
from reform import db, sql
con = db.connect(sys.argv[1])
print(int(sql.run(con, "data_version")["cache_version"].iloc[0]))
"""


def test_a_register_change_on_one_replica_moves_the_version_every_replica_reads(con, lake_target) -> None:
    """Another process (a replica) keys its cached figures by the version it reads from the lake: a register
    change made here is a new key there, although this process cannot clear that one's caches."""

    def elsewhere() -> int:
        run = [sys.executable, "-c", VERSION_ELSEWHERE, lake_target[0]]
        return int(subprocess.run(run, cwd=PROJECT, capture_output=True, text=True, check=True).stdout)

    before = elsewhere()
    assert before == int(sql.run(con, "data_version")["cache_version"].iloc[0])
    code = str(sql.run(con, "unit_register")["code"].iloc[0])
    store.replace_units(con, *renamed_register(con, code, "Đảng ủy mang tên mới"))
    after = elsewhere()
    assert after != before and after == int(sql.run(con, "data_version")["cache_version"].iloc[0])


# --- the read copy of the lake (reform.readcopy): what each dashboard process reads its figures from
QUARTERS = 6  # a year and a half: every quarter of the last one has a year-earlier quarter

COPY_WRITER = """
import sys
from reform import db
from tests.unit import test_races as races
con = db.connect(sys.argv[1])
races.write(con, races.rows(races.quarter(int(sys.argv[2])), races.UNITS, float(sys.argv[3])))
"""


@pytest.fixture
def quarters_con(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """The lake with a year and a half of values of the three units."""
    for i in range(QUARTERS):
        races.write(con, races.rows(races.quarter(i), races.UNITS, 10 + i))
    return con


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


def test_page_queries_through_the_copy_give_the_lakes_rows(quarters_con, lake_target) -> None:
    con = quarters_con
    copy = readcopy.ReadCopies(lake_target[0]).refresh()
    assert copy.version == version_of(con)
    # the copy answers alone: the lake was detached once its tables were read
    attached = copy.con.execute("select database_name from duckdb_databases()").fetchall()
    assert readcopy.COPY_NAME not in {name for (name,) in attached}
    on_lake, on_copy = page_queries(con.cursor()), page_queries(copy.cursor())
    for name, rows in on_lake.items():
        pd.testing.assert_frame_equal(on_copy[name], rows, check_dtype=False, obj=name)
    assert set(on_lake["summary"]["value"].dropna()) and len(on_lake["rank"]) == len(races.UNITS)


def test_an_upload_from_another_process_is_read_through_a_refreshed_copy(quarters_con, lake_target) -> None:
    con = quarters_con
    copies = readcopy.ReadCopies(lake_target[0])
    first = copies.refresh()
    assert copies.fresh_version(con) == first.version  # nothing changed: the copy's version, no query on the lake
    run = [sys.executable, "-c", COPY_WRITER, lake_target[0], str(QUARTERS), "77"]
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


def test_a_write_to_the_record_alone_keeps_the_copy(quarters_con, lake_target) -> None:
    """Sign-ins and refusals are written all day; the copy holds none of their tables, so it stays in use."""
    con = quarters_con
    copies = readcopy.ReadCopies(lake_target[0])
    copy = copies.refresh()
    policy.record(con, policy.guest(), "view", "TU", policy.REFUSED, "scope")
    assert copies.fresh_version(con) == copy.version and copies.current is copy and copies.refreshes == 1
