"""Approving a province's quarter, and the official figures read from their kept rollup (issue 14).

Builds (or reuses) a synthetic province of bench/overview_bench.py (3,000 units, 15 quarters; invented
data), then times on the latest quarter: submitting every unit (one call, bottom-up), approving the whole
province (one call, bottom-up: each unit after the units below it), and the queries of the official
figures against the same queries of the working figures (the baseline of the run); then the same with
every unit approved one call at a time, as approvers on the board would. Nothing is asserted.

    .venv/bin/python bench/approval_bench.py [--db FILE] [--repeat 5] [--scale province|national]

An existing --db file of the same scale is copied (never changed); without --db the database is built
in a temporary folder and deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
import overview_bench  # noqa: E402

from reform import approval, db, explain, periods, policy, sql  # noqa: E402

ADMIN = policy.command_line("benchmark")


def timed(fn, repeat: int) -> tuple[float, float]:
    """The first run and the median of the later ones (ms)."""
    times = []
    for _ in range(repeat + 1):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", default="province", choices=sorted(overview_bench.SCALES))
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    scale = overview_bench.SCALES[args.scale]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "approval.duckdb"
        if args.db and overview_bench.is_bench_db(Path(args.db), scale):
            shutil.copy(args.db, path)
            print(f"copied {args.db}")
        else:
            print(f"built the {scale.name} bench database in {overview_bench.build(path, scale):.1f} s")
        run(path, args.repeat)


def run(path: Path, repeat: int) -> None:
    con = db.connect(path)
    units, values = con.execute("select (select count(*) from units), count(*) from value").fetchone()
    last = periods.from_date(max(sql.run(con, "rollup_all_periods")["period"]).date())
    root = sql.run(con, "root_unit")["code"].iloc[0]
    in_quarter = con.execute("select count(*) from value where period = $p", {"p": last.start}).fetchone()[0]
    print(f"database: {values:,} values, {units:,} units; {last.label}: {in_quarter:,} values")

    t0 = time.perf_counter()
    submitted = approval.act(con, ADMIN, "submit", root, last.start, with_below=True)
    t1 = time.perf_counter()
    approved = approval.act(con, ADMIN, "approve", root, last.start, with_below=True)
    t2 = time.perf_counter()
    print(f"submit every unit, one call:        {submitted.moved:>6,} units {(t1 - t0) * 1000:>9.0f} ms")
    print(f"approve the province, one call:     {approved.moved:>6,} units {(t2 - t1) * 1000:>9.0f} ms")
    official_rows = con.execute("select count(*) from official_value").fetchone()[0]
    print(f"official values copied: {official_rows:,}")

    print(f"{'query':<34} {'working ms':>11} {'official ms':>12}   (first run / median of {repeat})")
    child = con.execute(
        "select descendant from unit_closure where ancestor = $r and depth = 1 order by 1 limit 1", {"r": root}
    ).fetchone()[0]
    cases = [
        ("summary root", "summary", {"scope": root, "start": last.start, "end": last.start}),
        ("summary child", "summary", {"scope": child, "start": last.start, "end": last.start}),
        ("rank root kt_tcd", "rank", {"scope": root, "indicator": "kt_tcd", "start": last.start, "end": last.start}),
    ]
    year = periods.cumulative(last.year, last.last_q)
    cases.append(("summary root year to date", "summary", {"scope": root, "start": year.start, "end": year.end}))
    for label, name, params in cases:
        w = timed(lambda n=name, p=params: sql.run(con, n, **p), repeat)
        o = timed(lambda n=name, p=params: sql.run(con, sql.official(n), **p), repeat)
        print(f"{label:<34} {w[0]:>5.0f} /{w[1]:>4.0f} {o[0]:>6.0f} /{o[1]:>4.0f}")
    for official in (False, True):
        e = timed(lambda o=official: explain.explain(con, root, "tl_vb_kyso", last, official=o), repeat)
        print(f"{'explain root tl_vb_kyso' + (' (official)' if official else ''):<34} {e[0]:>5.0f} /{e[1]:>4.0f}")

    t0 = time.perf_counter()
    approval.act(con, ADMIN, "unapprove", root, last.start, "benchmark: mở lại")
    print(f"unapprove the province:                          {(time.perf_counter() - t0) * 1000:>9.0f} ms")
    leaves = con.execute(
        "select descendant from unit_closure where ancestor = $r and depth = 1 limit 50", {"r": root}
    ).fetchall()
    t0 = time.perf_counter()
    for (unit,) in leaves:
        approval.act(con, ADMIN, "unapprove", unit, last.start, "benchmark")
        approval.act(con, ADMIN, "submit", unit, last.start)
        approval.act(con, ADMIN, "approve", unit, last.start, with_below=True)
    each = (time.perf_counter() - t0) * 1000 / (3 * len(leaves))
    print(f"one transition at a time (board), mean of {3 * len(leaves)}:          {each:>9.1f} ms")
    con.close()


if __name__ == "__main__":
    main()
