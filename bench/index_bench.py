"""Benchmark of the composite reform index (Chỉ số CCHC) at province scale: SQL scores and 1,000 draws.

It builds the synthetic province of overview_bench.py (3,000 units x 15 quarters, about 2 M values,
through the project's own code), then times, for the latest quarter:
  - index_parts.sql for the children of the root (about 100 units) and for the children of one
    district, whose peers are every unit at their level below the province (about 2,900 units);
  - the robustness draws (weights ±25 %, target vs min-max, linear vs geometric) over those peers,
    vectorised (reform/index.py), against a baseline from the same run: the same draws one at a
    time with pandas ranks, timed on --baseline-draws draws and scaled to the same number of draws;
  - the whole index.compute() as the page and the command line call it.
Each time is the median of --repeat runs after one warm-up; nothing is asserted.

    .venv/bin/python bench/index_bench.py [--db FILE] [--draws 1000] [--repeat 3] [--keep]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import overview_bench as ob  # noqa: E402

from reform import db, index, periods, sql  # noqa: E402


def median_s(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Median seconds of `repeat` runs after one warm-up, and the last result."""
    out = fn()
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def one_draw_at_a_time(m: index.Matrices, draws: int, seed: int) -> pd.DataFrame:
    """The baseline: each draw scored and ranked on its own, ranks by pandas within each peer group."""
    rng = np.random.default_rng(seed)
    groups = pd.Series(m.groups)
    rank_rows = []
    for _ in range(draws):
        w = m.points * rng.uniform(1 - index.SPREAD, 1 + index.SPREAD, size=len(m.points))
        w = 100 * w / w.sum()
        scores = m.minmax if rng.random() < 0.5 else m.target
        total = index.aggregate(w[None, :], scores, m, geometric=bool(rng.random() < 0.5))[0]
        rank_rows.append(pd.Series(total).groupby(groups).rank(ascending=False, method="min").to_numpy())
    r = np.vstack(rank_rows)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # units without a score: never ranked
        return pd.DataFrame({"unit_code": m.units, "median_rank": np.nanmedian(r, axis=0)})


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", help="database file (default: a new temporary folder)")
    ap.add_argument("--draws", type=int, default=index.DRAWS)
    ap.add_argument("--baseline-draws", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args(argv)
    sys.stdout.reconfigure(line_buffering=True)
    scale = ob.SCALES["province"]
    path, must_build, folder = ob.choose_path(args.db, scale)
    built = ob.build(path, scale) if must_build else None
    try:
        con = db.connect(path)
        period = periods.parse(ob.qlabel(ob.quarters(scale)[-1]))
        values = con.execute("select count(*) from value").fetchone()[0]
        units = con.execute("select count(*) from units").fetchone()[0]
        print(f"province scale: {units:,} units, {values:,} values" + (f", built in {built:.0f} s" if built else ""))
        print(f"period {period.code}, {args.draws:,} draws, median of {args.repeat} runs after a warm-up")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load} (other work on the machine slows every figure)\n")
        district = con.execute("select code from units where type = 'huyen_uy' order by code limit 1").fetchone()[0]
        for label, scope in (("children of the root", ob.ROOT), (f"children of {district}", district)):
            run(con, label, scope, period, args)
        con.close()
    finally:
        ob.cleanup(path, must_build, folder, args.keep)


def run(con, label: str, scope: str, period: periods.Period, args: argparse.Namespace) -> None:
    """Time one scope's index: SQL, draws (vectorised and the baseline), and the whole compute()."""
    params = {"scope": scope, "start": period.start, "end": period.end, "min_cases": index.MIN_CASES}
    sql_s, rows = median_s(lambda: sql.run(con, "index_parts", **params), args.repeat)
    m = index.matrices(rows)
    children = int(rows.loc[rows["is_child"], "unit_code"].nunique())
    print(f"{label}: {children:,} units scored, ranked among {len(m.units):,} peers x {len(m.parts)} parts")
    print(f"  index_parts.sql (scores, tiers, ranks, last year's ranks)  {sql_s * 1000:8.0f} ms")
    mc_s, robust = median_s(lambda: index.robustness_of(m, draws=args.draws, seed=index.SEED), args.repeat)
    print(f"  {args.draws:,} draws, vectorised                            {mc_s * 1000:8.0f} ms")
    t0 = time.perf_counter()
    base = one_draw_at_a_time(m, args.baseline_draws, index.SEED)
    base_s = (time.perf_counter() - t0) * args.draws / args.baseline_draws
    print(
        f"  baseline, one draw at a time ({args.baseline_draws} timed, scaled to {args.draws:,}) "
        f"{base_s * 1000:8.0f} ms  ({base_s / mc_s:.0f}x the vectorised time)"
    )
    same = np.allclose(base["median_rank"].notna(), robust["median_rank"].notna())
    print(f"  baseline and vectorised rank the same units: {'yes' if same else 'no'}")
    all_s, result = median_s(lambda: index.compute(con, scope, period, draws=args.draws), args.repeat)
    print(f"  index.compute() in all (what the page and the command line call)  {all_s * 1000:8.0f} ms\n")


if __name__ == "__main__":
    main()
