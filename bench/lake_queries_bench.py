"""The analysis pages' queries at province scale on the lake and its read copy against the file, in one run.

Builds (or reuses, --db) the synthetic province of overview_bench.py (3,000 units × 15 quarters × 45 base
indicators, about 2 million values; invented), starts a private PostgreSQL (reform.localpg, 127.0.0.1,
--pg-port) holding a new DuckLake catalog, copies every table of the file into the lake (the same
migrations made both), merges the lake's files (`maintain`), then times each query of queries_bench.py (the
pages' queries for the latest quarter at the root, one unit below, two levels down and a leaf) on the file,
on the lake and on a read copy of the lake (reform.readcopy: what the dashboard's pages read on the lake),
in turn, --repeat runs after one warm-up: the median on each, the ratios to the file, and whether the lake
and the copy meet the goals of the issue (under 250 ms and within 3× the file). Checks that all three give
the same rows. Then one upload of a unit's quarter into the lake by the import command (another process)
and the time to refresh the copy after it (only the tables the upload changed are read from the lake)
against taking a whole copy. Nothing is asserted.

    .venv/bin/python bench/lake_queries_bench.py [--db FILE] [--repeat 5] [--pg-port 55462] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import load_bench  # noqa: E402
import overview_bench  # noqa: E402
import queries_bench  # noqa: E402

from reform import db, lake, localpg, periods, readcopy, sql  # noqa: E402

GOAL_MS, GOAL_RATIO = 250, 3.0


def copy_into_lake(file: Path, target: str, data_path: Path) -> tuple[int, float]:
    """Every table of the file into a new lake (migrated by db.connect); (tables, seconds)."""
    start = time.perf_counter()
    con = db.connect(target, data_path=data_path)
    try:
        # ATTACH names a file: a path is an identifier here, never a value from a reader
        con.execute(f"attach '{file}' as src (read_only)")
        tables = [
            t
            for (t,) in con.execute(
                "select table_name from information_schema.tables where table_catalog = 'src' "
                "and table_schema = 'main' and table_type = 'BASE TABLE' order by 1"
            ).fetchall()
        ]
        con.execute("begin")
        for table in tables:  # names read from the file's own catalogue
            con.execute(f'delete from "{table}"')
            con.execute(f'insert into "{table}" by name select * from src.main."{table}"')
        con.execute("commit")
        con.execute("detach src")
        lake.maintain(con, older_than_hours=0)
    finally:
        con.close()
    return len(tables), time.perf_counter() - start


def once_ms(con: duckdb.DuckDBPyConnection, text: str, params: dict) -> float:
    """One run of a query to its rows in a frame, in ms."""
    start = time.perf_counter()
    con.execute(text, params).df()
    return (time.perf_counter() - start) * 1000


def same_rows(a: duckdb.DuckDBPyConnection, b: duckdb.DuckDBPyConnection, text: str, params: dict) -> bool:
    """Both give the same rows (in the same order, floats to 9 places)."""
    x, y = a.execute(text, params).df(), b.execute(text, params).df()
    if x.shape != y.shape:
        return False
    round_ = {c: 9 for c in x.columns if x[c].dtype.kind == "f"}
    return x.round(round_).astype(str).equals(y.round(round_).astype(str))


def time_queries(fcon, lcon, ccon, cases: list, repeat: int) -> None:
    """Each query on the file, the lake and the copy in turn: medians, ratios, same rows, goals."""
    head = f"{'query':<18} {'scope':<22} {'rows':>7} {'file ms':>8} {'lake ms':>8} {'×':>5} {'copy ms':>8} {'×':>5}"
    print(head + "  same  goals")
    missed, ratios, sums = {"lake": [], "copy": []}, {"lake": [], "copy": []}, [0.0, 0.0, 0.0]
    for name, label, params in cases:
        text = sql.text(name)
        times = ([], [], [])
        for _ in range(repeat + 1):  # in turn, so all three see the machine's same moments
            for con, into in zip((fcon, lcon, ccon), times, strict=True):
                into.append(once_ms(con, text, params))
        f_ms, l_ms, c_ms = (statistics.median(t[1:]) for t in times)
        rows = len(fcon.execute(text, params).df())
        same = same_rows(fcon, lcon, text, params) and same_rows(fcon, ccon, text, params)
        goals = []
        for engine, ms in (("lake", l_ms), ("copy", c_ms)):
            ratio = ms / f_ms if f_ms else float("inf")
            ratios[engine].append(ratio)
            goals.append("met" if ms < GOAL_MS and ratio <= GOAL_RATIO else "missed")
            if goals[-1] == "missed":
                missed[engine].append(f"{name} ({label}) {ms:.0f} ms, {ratio:.1f}×")
        for i, ms in enumerate((f_ms, l_ms, c_ms)):
            sums[i] += ms
        print(
            f"{name:<18} {label:<22} {rows:>7} {f_ms:>8.1f} {l_ms:>8.1f} {l_ms / f_ms:>5.1f} {c_ms:>8.1f} "
            f"{c_ms / f_ms:>5.1f}  {'yes' if same else 'NO':<4}  lake {goals[0]}, copy {goals[1]}"
        )
    for i, engine in ((1, "lake"), (2, "copy")):
        met = len(ratios[engine]) - len(missed[engine])
        print(
            f"{engine}: sum of {len(ratios[engine])} queries {sums[i]:.0f} ms against the file's {sums[0]:.0f} ms "
            f"({sums[i] / sums[0]:.1f}×); median ratio {statistics.median(ratios[engine]):.1f}×, largest "
            f"{max(ratios[engine]):.1f}×; goals met by {met} of {len(ratios[engine])}"
        )
        print(f"  goals missed on the {engine}: " + ("; ".join(missed[engine]) if missed[engine] else "none"))


def time_refresh(target: str, folder: Path, copies: readcopy.ReadCopies, lcon) -> None:
    """One unit's quarter imported into the lake by another process, then the copy refreshed after it
    (tables the upload left alone taken from the previous copy) against a whole copy taken anew."""
    data_path = str(folder / "lake")
    quarter, files = load_bench.uploader_files(target, data_path, 1, folder, seed=int(time.time()))
    unit, file = next(iter(files.items()))
    run = [sys.executable, "-m", "reform", "import", str(file), "--db", target, "--json"]
    start = time.perf_counter()
    done = subprocess.run(run, cwd=load_bench.PROJECT, capture_output=True, text=True)
    took = time.perf_counter() - start
    print(f"upload of {unit}, {quarter} by the import command: exit {done.returncode}, {took:.1f} s")
    version = int(sql.run(lcon, "data_version")["cache_version"].iloc[0])
    before = copies.current
    start = time.perf_counter()
    print(f"the next page run sees the lake changed: {copies.fresh_version(lcon) is None} (a refresh starts)")
    while copies.current is before and time.perf_counter() - start < 600:  # pages read the lake meanwhile
        time.sleep(0.05)
    copy = copies.current
    print(
        f"the refreshed copy in use {time.perf_counter() - start:.1f} s later (taking it: {copy.seconds * 1000:.0f} "
        f"ms), {len(copy.from_lake)} tables from the lake ({', '.join(copy.from_lake)}); its version is the "
        f"lake's: {copy.version == version}, the previous copy's was not: {before.version != version}"
    )
    whole = readcopy.build(target)
    print(f"a whole copy taken anew (the baseline): {whole.seconds * 1000:.0f} ms, {len(whole.from_lake)} tables")
    check = "select count(*), sum(value) from value where unit_code = $unit"
    same = copy.cursor().execute(check, {"unit": unit}).fetchall() == lcon.execute(check, {"unit": unit}).fetchall()
    print(f"the uploaded unit's values on the copy and on the lake agree: {same}")
    whole.con.close()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", help="a province database of overview_bench.py (built in a temporary folder without it)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--pg-port", type=int, default=55462)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (database, PostgreSQL, lake)")
    p.add_argument("--refresh-only", action="store_true", help="only the refresh after an upload, no query timings")
    args = p.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    folder = Path(tempfile.mkdtemp(prefix="reform-lakeq-"))
    folder.chmod(0o755)  # PostgreSQL runs as an unprivileged user when this is root: it must reach its folder
    scale = overview_bench.SCALES["province"]
    file = Path(args.db) if args.db else folder / "province.duckdb"
    if not (file.is_file() and overview_bench.is_bench_db(file, scale)):
        print(f"built the province in {overview_bench.build(file, scale):.1f} s: {file}")
    server = localpg.start(folder / "postgres", args.pg_port, databases=("bench",))
    try:
        target = "ducklake:postgres:" + server.conninfo("bench")
        tables, seconds = copy_into_lake(file, target, folder / "lake")
        print(f"copied {tables} tables into the lake and merged its files in {seconds:.1f} s")
        fcon, lcon = db.connect(file), db.connect(target)
        copies = readcopy.ReadCopies(target)
        ccon = copies.refresh()
        held = ccon.con.execute("select sum(memory_usage_bytes) / 2 ** 20 from duckdb_memory()").fetchone()[0]
        print(f"took the read copy of the lake in {ccon.seconds:.1f} s ({len(ccon.from_lake)} tables, {held:.0f} MB)")
        values, units = fcon.execute("select count(*), (select count(*) from units) from value").fetchone()
        last = periods.from_date(max(sql.run(fcon, "rollup_all_periods")["period"]).date())
        print(
            f"{values:,} values, {units:,} units, latest quarter {last.label}; median of {args.repeat} after a "
            f"warm-up, file, lake and copy in turn; goals: under {GOAL_MS} ms and within {GOAL_RATIO:.0f}× the file"
        )
        if not args.refresh_only:
            time_queries(fcon, lcon, ccon.con, queries_bench.cases(queries_bench.scopes(fcon), last), args.repeat)
        time_refresh(target, folder, copies, lcon)
        fcon.close()
        lcon.close()
    finally:
        localpg.stop(server)
        if args.keep:
            print(f"kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
