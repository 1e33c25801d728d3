"""The analysis pages' queries at province scale on the lake against the file, in one run.

Builds (or reuses, --db) the synthetic province of overview_bench.py (3,000 units × 15 quarters × 45 base
indicators, about 2 million values; invented), starts a private PostgreSQL (reform.localpg, 127.0.0.1,
--pg-port) holding a new DuckLake catalog, copies every table of the file into the lake (the same
migrations made both), merges the lake's files (`maintain`), then times each query of queries_bench.py (the
pages' queries for the latest quarter at the root, one unit below, two levels down and a leaf) on both,
alternating file and lake, --repeat runs after one warm-up: the median on each, the ratio lake / file, and
whether the lake meets the goals of the issue (under 250 ms and within 3× the file). Checks that both give
the same rows. Nothing is asserted.

    .venv/bin/python bench/lake_queries_bench.py [--db FILE] [--repeat 5] [--pg-port 55462] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import overview_bench  # noqa: E402
import queries_bench  # noqa: E402

from reform import db, lake, localpg, periods, sql  # noqa: E402

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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--db", help="a province database of overview_bench.py (built in a temporary folder without it)")
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--pg-port", type=int, default=55462)
    p.add_argument("--keep", action="store_true", help="keep the temporary folder (database, PostgreSQL, lake)")
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
        values, units = fcon.execute("select count(*), (select count(*) from units) from value").fetchone()
        last = periods.from_date(max(sql.run(fcon, "rollup_all_periods")["period"]).date())
        scope = queries_bench.scopes(fcon)
        print(
            f"{values:,} values, {units:,} units, latest quarter {last.label}; median of {args.repeat} after a "
            f"warm-up, file and lake in turn; goals: lake under {GOAL_MS} ms and within {GOAL_RATIO:.0f}× the file"
        )
        print(f"{'query':<18} {'scope':<22} {'rows':>7} {'file ms':>8} {'lake ms':>8} {'×':>5}  same  goals")
        missed, ratios, sums = [], [], [0.0, 0.0]
        for name, label, params in queries_bench.cases(scope, last):
            text = sql.text(name)
            f_times, l_times = [], []
            for _ in range(args.repeat + 1):  # in turn, so both see the machine's same moments
                f_times.append(once_ms(fcon, text, params))
                l_times.append(once_ms(lcon, text, params))
            rows = len(fcon.execute(text, params).df())
            f_ms, l_ms = statistics.median(f_times[1:]), statistics.median(l_times[1:])
            ratio = l_ms / f_ms if f_ms else float("inf")
            ok = l_ms < GOAL_MS and ratio <= GOAL_RATIO
            same = same_rows(fcon, lcon, text, params)
            sums[0], sums[1] = sums[0] + f_ms, sums[1] + l_ms
            ratios.append(ratio)
            print(
                f"{name:<18} {label:<22} {rows:>7} {f_ms:>8.1f} {l_ms:>8.1f} {ratio:>5.1f}  "
                f"{'yes' if same else 'NO':<4}  {'met' if ok else 'missed'}"
            )
            if not ok:
                missed.append(f"{name} ({label}) {l_ms:.0f} ms, {ratio:.1f}×")
        print(
            f"sum of {len(ratios)} queries: file {sums[0]:.0f} ms, lake {sums[1]:.0f} ms ({sums[1] / sums[0]:.1f}×); "
            f"median ratio {statistics.median(ratios):.1f}×, largest {max(ratios):.1f}×"
        )
        print("goals missed: " + ("; ".join(missed) if missed else "none"))
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
