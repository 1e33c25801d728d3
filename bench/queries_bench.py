"""Time of every analysis query the pages run, at four scopes of a large database.

For the root, one unit below it, one two levels down and one leaf (found in the database, or given),
each query of the analysis pages and the briefing deck is run --repeat times after one warm-up run;
printed: rows returned, the first run (cold: DuckDB's buffers empty for those blocks) and the median of
the later ones. With --definition the same query text without the rollup_ prefix (the figures summed
from the value table, which is what the rollup replaces) is timed too, as the baseline of the run; at
the national scale that takes minutes. Nothing is asserted.

    .venv/bin/python bench/queries_bench.py --db FILE [--repeat 5] [--definition] [--official] [--only q1,q2]

With --official the database is copied to a temporary folder, every unit's latest quarter is submitted and
approved there (bottom-up, timed), and each query's official variant (số liệu chính thức: approved and
locked values only, read from their own kept rollup) is timed beside the working one.

FILE is a database of bench/overview_bench.py (--scale national --keep) or any other; it is opened
read-write because opening applies pending migrations (the figures are not changed).
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
from reform import approval, db, periods, policy, sql  # noqa: E402

GOAL_MS = 200


def scopes(con) -> dict[str, str]:
    """The root, its first child, that child's first child with units below it, and a leaf below that."""
    pick = (
        "select c.descendant from unit_closure as c where c.ancestor = $a and c.depth = 1 "
        "order by (select count(*) from unit_closure as d where d.ancestor = c.descendant) desc, 1 limit 1"
    )
    root = sql.run(con, "root_unit")["code"].iloc[0]
    out, unit = {"root": root}, root
    for name in ("level 1", "level 2", "leaf"):
        found = con.execute(pick, {"a": unit}).fetchone()
        if found is None:
            break
        unit = out[name] = found[0]
    return out


def cases(scope: dict[str, str], last: periods.Period) -> list[tuple[str, str, dict]]:
    """(query, scope label, parameters) as the pages ask them for the latest quarter."""
    q = last.start
    two_years = periods.quarter(last.year - 2, last.last_q).start
    three_years = periods.quarter(last.year - 3, last.last_q).start
    year = periods.parse(f"{last.year}-FY" if last.last_q == 4 else f"{last.year}-Q1").start
    out = []
    for label, unit in scope.items():
        out += [
            ("summary", label, {"scope": unit, "start": q, "end": q}),
            ("summary", label + " (year to date)", {"scope": unit, "start": year, "end": q}),
            ("units_reported", label, {"scope": unit, "start": q, "end": q}),
            ("periods_with_data", label, {"scope": unit}),
            ("trend", label, {"scope": unit, "start": three_years, "end": q}),
            ("rank", label, {"scope": unit, "indicator": "kt_tcd", "start": q, "end": q}),
            ("group_trend", label, {"scope": unit, "indicator": "tl_vb_kyso", "start": two_years, "end": q}),
            ("child_figures", label, {"scope": unit, "start": q, "end": q}),
            ("reporting_rate", label, {"scope": unit, "start": two_years, "end": q}),
            ("units_behind", label, {"scope": unit, "quarter": q}),
            ("completeness", label, {"scope": unit, "start": two_years, "end": q, "limit": 80}),
            ("scope_options", label, {"scope": unit, "at": q}),
            ("children_started", label, {"scope": unit, "end": q}),
        ]
        if label == "root":  # what the year-on-year page read before children_started: the whole register
            out.append(("unit_register", "whole", {}))
        if label != "root":
            out += [
                ("peer_figures", f"{label} {ind}", {"unit": unit, "indicator": ind, "start": three_years, "end": q})
                for ind in ("kt_tcd", "tl_vb_kyso")
            ]
    return out


def timed(con, text: str, params: dict, repeat: int) -> tuple[int, float, float]:
    """Rows, first run and median of the later runs (ms)."""
    times, rows = [], 0
    for _ in range(repeat + 1):
        start = time.perf_counter()
        rows = len(con.execute(text, params).df())
        times.append((time.perf_counter() - start) * 1000)
    return rows, times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--definition", action="store_true", help="also time the text summing the value table")
    parser.add_argument("--only", help="comma-separated query names")
    parser.add_argument("--official", action="store_true", help="approve the latest quarter in a copy, time both")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    if not args.official:
        run(Path(args.db), args)
        return
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "official.duckdb"
        t0 = time.perf_counter()
        shutil.copy(args.db, copy)
        print(f"copied the database in {time.perf_counter() - t0:.1f} s")
        run(copy, args)


def approve_latest(con, last: periods.Period) -> None:
    """Submit and approve every unit's latest quarter, bottom-up in one call each; print the times."""
    admin, root = policy.command_line("benchmark"), sql.run(con, "root_unit")["code"].iloc[0]
    for action in ("submit", "approve"):
        t0 = time.perf_counter()
        done = approval.act(con, admin, action, root, last.start, with_below=True)
        print(f"{action} every unit of {last.label}: {done.moved:,} units in {time.perf_counter() - t0:.2f} s")


def run(path: Path, args: argparse.Namespace) -> None:
    con = db.connect(path)
    units, values = con.execute("select (select count(*) from units), count(*) from value").fetchone()
    last = periods.from_date(max(sql.run(con, "rollup_all_periods")["period"]).date())
    if args.official:
        approve_latest(con, last)
    scope = scopes(con)
    print(
        f"database: {values:,} values, {units:,} units; latest quarter {last.label}; scopes: "
        + ", ".join(f"{k} {v}" for k, v in scope.items())
    )
    head = f"{'query':<18} {'scope':<24} {'rows':>8} {'first ms':>9} {'median ms':>10}"
    print(
        head
        + (f" {'definition ms':>14} {'×':>6}" if args.definition else "")
        + (" official ms" if args.official else "")
    )
    over = []
    for name, label, params in cases(scope, last):
        if args.only and name not in args.only.split(","):
            continue
        rows, first, median = timed(con, sql.text(name), params, args.repeat)
        line = f"{name:<18} {label:<24} {rows:>8} {first:>9.1f} {median:>10.1f}"
        if args.definition and "rollup_" in sql.text(name):
            _, _, slow = timed(con, sql.text(name).replace("rollup_", ""), params, 1)
            line += f" {slow:>14.1f} {slow / median:>6.1f}"
        if args.official and sql.text(sql.official(name)) != sql.text(name):
            _, _, official = timed(con, sql.text(sql.official(name)), params, args.repeat)
            line += f" {official:>11.1f}"
            if official > GOAL_MS:
                over.append(f"{name} ({label}, official) {official:.0f} ms")
        print(line)
        if median > GOAL_MS:
            over.append(f"{name} ({label}) {median:.0f} ms")
    print(f"median over {GOAL_MS} ms: " + ("; ".join(over) if over else "none"))


if __name__ == "__main__":
    main()
