"""Benchmark of the composite reform index (Chỉ số CCHC) at province scale: scoring every unit of a quarter
with 1,000 draws (what the writer keeps), and reading a scope's children from what it keeps.

It builds the synthetic province of overview_bench.py (3,000 units x 15 quarters, about 2 M values,
through the project's own code), then times, for the latest quarter:
  - the kept index of the whole quarter, as the writer makes it (reform/index_store.py): every unit of
    every peer frame (the ~100 units below the province, the ~2,900 below the districts) scored in SQL
    (index_quarters.sql) and ranked over 1,000 draws, split into SQL, draws and the rest;
  - the refresh a write of one quarter runs (that quarter and the one a year later), rolled back;
  - a scope's children read from the kept index (index.compute, what the page, card, slide and command
    call) against the baseline of the same run: the same index scored on the spot (compute(kept=False),
    how every view did it before), for the children of the root and of one district;
  - the draws of one peer frame vectorised against a baseline from the same run: the same draws one at
    a time with pandas ranks, timed on --baseline-draws draws and scaled to the same number of draws.
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

from reform import db, index, index_store, periods, sql  # noqa: E402


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
        t0 = time.perf_counter()
        with db.write_transaction(con):  # what a new register, new weights or an upgraded database run
            index_store.rebuild(con)
        rebuilt = time.perf_counter() - t0
        kept = con.execute("select count(*), count(distinct period) from index_score").fetchone()
        print(f"kept index rebuilt: {kept[0]:,} rows (unit x part) over {kept[1]} quarters in {rebuilt:.1f} s")
        print(f"period {period.code}, {args.draws:,} draws, median of {args.repeat} runs after a warm-up")
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(f"{os.cpu_count()} cores, load average {load} (other work on the machine slows every figure)\n")
        whole_quarter(con, period, args)
        district = con.execute("select code from units where type = 'huyen_uy' order by code limit 1").fetchone()[0]
        for label, scope in (("children of the root", ob.ROOT), (f"children of {district}", district)):
            run(con, label, scope, period, args)
        con.close()
    finally:
        ob.cleanup(path, must_build, folder, args.keep)


def whole_quarter(con, period: periods.Period, args: argparse.Namespace) -> None:
    """Time the kept index of a whole quarter (every unit, every frame) and a write's refresh."""
    frames = sql.run(con, "index_frames")
    sql_s = draws_s = 0.0
    peers = 0
    for f in frames.itertuples():
        s, rows = median_s(lambda f=f: index_store._scored(con, f.scope, period.start, period.end, official=False), 1)
        rows = rows.drop(columns=["quarter", "is_child"])
        sql_s += s
        m = index.matrices(rows)
        peers += len(m.units)
        d, _ = median_s(lambda m=m: index.robustness_of(m, draws=args.draws), args.repeat)
        draws_s += d
    all_s, rows = median_s(lambda: index_store.score_quarters(con, [period.start], official=False), args.repeat)
    print(
        f"the whole quarter, as the writer keeps it: {peers:,} units in {len(frames)} peer frames, {len(rows):,} rows"
    )
    print(f"  index_quarters.sql, every frame                              {sql_s * 1000:8.0f} ms")
    print(f"  {args.draws:,} draws over every unit, vectorised                 {draws_s * 1000:8.0f} ms")
    print(f"  score_quarters() in all (SQL, draws, arrays, merge)          {all_s * 1000:8.0f} ms")

    def refresh() -> None:
        con.execute("begin transaction")
        try:
            index_store.refresh(con, [period.shift_years(-1).start])
        finally:
            con.execute("rollback")

    ref_s, _ = median_s(refresh, 1)
    print(f"  a write's refresh (its quarter and a year later, rolled back)  {ref_s * 1000:8.0f} ms\n")


def run(con, label: str, scope: str, period: periods.Period, args: argparse.Namespace) -> None:
    """Time one scope's index: read from the kept index against scored on the spot, and the draws."""
    rows = index.part_rows(con, scope, period)
    m = index.matrices(rows)
    children = int(rows.loc[rows["is_child"], "unit_code"].nunique())
    print(f"{label}: {children:,} units, ranked among {len(m.units):,} peers x {len(m.parts)} parts")
    kept_s, kept = median_s(lambda: index.compute(con, scope, period), args.repeat)
    live_s, live = median_s(lambda: index.compute(con, scope, period, kept=False), args.repeat)
    numbers = ["score", "score_geo", "rank", "rank_low", "rank_high", "median_rank", "previous_score"]
    a, b = (r.units[numbers].to_numpy(dtype=float) for r in (kept, live))
    same = kept.units["unit_code"].equals(live.units["unit_code"]) and np.allclose(a, b, rtol=1e-9, equal_nan=True)
    print(f"  index.compute() from the kept index                          {kept_s * 1000:8.0f} ms")
    print(
        f"  baseline, scored on the spot (compute(kept=False))           {live_s * 1000:8.0f} ms"
        f"  ({live_s / kept_s:.0f}x; same figures: {'yes' if same else 'NO'})"
    )
    wanted = np.isin(m.units, rows.loc[rows["is_child"], "unit_code"].unique())
    mc_s, robust = median_s(lambda: index.robustness_of(m, draws=args.draws, wanted=wanted), args.repeat)
    print(f"  {args.draws:,} draws for these units, vectorised                  {mc_s * 1000:8.0f} ms")
    t0 = time.perf_counter()
    base = one_draw_at_a_time(m, args.baseline_draws, index.SEED)
    base_s = (time.perf_counter() - t0) * args.draws / args.baseline_draws
    print(
        f"  baseline, one draw at a time ({args.baseline_draws} timed, scaled to {args.draws:,}) "
        f"{base_s * 1000:8.0f} ms  ({base_s / mc_s:.0f}x the vectorised time)"
    )
    ranked = base.set_index("unit_code").loc[robust["unit_code"], "median_rank"].notna().to_numpy()
    agree = (ranked == robust["median_rank"].notna()).all()
    print(f"  baseline and vectorised rank the same units: {'yes' if agree else 'no'}\n")


if __name__ == "__main__":
    main()
