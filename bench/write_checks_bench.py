"""What the writers' lock and the checks inside a write cost, against the write itself in the same run.

Builds a database with --units communes (as bench/upload_bench.py does) and stores one new quarter of
--units x 45 values with store.write_values, then a correction of one unit. For each write it prints the
whole write and, timed apart on the same data inside a transaction, the two checks a write now makes under
the lock: store_written_since (did another upload write the same values since the preview?) and
store_stored_duplicates (is any key it wrote stored twice? made only when the quarter held values
before: a first upload's keys are all new, checked by the empty quarter itself); and the cost of taking and giving back
the lock uncontended (median of 1,000). Figures only.

    .venv/bin/python bench/write_checks_bench.py [--units 11490] [--repeat 5] [--keep]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from timing import median_ms  # noqa: E402
from upload_bench import PERIOD, make_values, setup_db, value_levels  # noqa: E402

from reform import locks, periods, sql, store  # noqa: E402
from reform.db import registered, transaction  # noqa: E402


def frame(codes: list[str], base, values):
    import numpy as np
    import pandas as pd

    return pd.DataFrame(
        {
            "unit_code": np.repeat(codes, len(base)),
            "period": periods.parse(PERIOD).start,
            "indicator_code": np.tile(base["code"].to_numpy(), len(codes)),
            "value": values.ravel(),
        }
    )


def checks(con, rows, version: int, repeat: int) -> tuple[float, float]:
    quarters = [periods.parse(PERIOD).start]
    with registered(con, incoming=store.relation(rows)), transaction(con):
        since = median_ms(
            lambda: sql.run(con, "store_written_since", after_upload=version, periods=quarters), repeat, warm=False
        )
        dupes = median_ms(lambda: sql.run(con, "store_stored_duplicates", periods=quarters), repeat, warm=False)
    return since, dupes


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=11490)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="write_checks_"))
    try:
        con, codes, base = setup_db(work / "w.duckdb", args.units)
        values = make_values(codes, base, value_levels(con, base))
        rows = frame(codes, base, values)
        print(f"{args.units} units x {len(base)} = {len(rows):,} values in one new quarter")
        start = time.perf_counter()
        store.write_values(con, rows, file_name="b.csv", digest="b", layout="long", user="b")
        first = time.perf_counter() - start
        since, dupes = checks(con, rows, 1, args.repeat)  # as a write that raced none sees it
        print(f"first upload of the quarter: write_values {first * 1000:8.1f} ms (baseline)")
        print(
            f"  store_written_since {since:8.1f} ms   store_stored_duplicates {dupes:8.1f} ms"
            f"   (median of {args.repeat})"
        )
        one = rows[rows["unit_code"] == codes[0]].assign(value=lambda d: d["value"] + 1)
        start = time.perf_counter()
        store.write_values(con, one, file_name="c.csv", digest="c", layout="long", user="b", seen_version=1)
        second = time.perf_counter() - start
        since, dupes = checks(con, one, 2, args.repeat)
        print(f"correction of one unit ({len(one)} values): write_values {second * 1000:8.1f} ms (baseline)")
        print(
            f"  store_written_since {since:8.1f} ms   store_stored_duplicates {dupes:8.1f} ms"
            f"   (median of {args.repeat})"
        )

        def take_and_give() -> None:
            with locks.writer(con):
                pass

        lock_us = median_ms(take_and_give, 1000, warm=False) * 1000
        print(f"writers' lock taken and given back, uncontended: {lock_us:.0f} µs (median of 1,000)")
        con.close()
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
