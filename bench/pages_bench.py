"""Server-side time of every page at the demo scale, measured with Streamlit's AppTest.

For each page: the first run (cold: queries run, caches empty) and the median of later
reruns (warm: cached query results, as when a reader changes nothing or comes back).
Prints figures only; nothing is asserted. Usage: python bench/pages_bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

import streamlit as st  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from reform import db, demo  # noqa: E402
from reform.config import DEFAULT_DATA_DIR  # noqa: E402

PAGES = ["overview", "indicators", "year_on_year", "reporting", "unit_profile", "upload", "uploads"]


def timed_runs(page: str, runs: int) -> tuple[float, list[float]]:
    """Cold time and warm times (seconds) of one page in a fresh AppTest."""
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120)
    if page == "unit_profile":
        at.query_params["pham_vi"] = "XP05"
    at.run()
    at.switch_page(f"pages/{page}.py")
    st.cache_data.clear()  # the first run above filled the caches: empty them for a cold run
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return cold, warm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="reform-pages-"))
    path = folder / "demo.duckdb"
    start = time.perf_counter()
    con = db.connect(path)
    n = demo.load(con, DEFAULT_DATA_DIR)
    con.close()
    print(f"demo database: {n} values, 150 units, 15 quarters; built through the importer in "
          f"{time.perf_counter() - start:.1f} s")
    os.environ["REFORM_DB"] = str(path)
    os.environ["REFORM_AUTO_DEMO"] = "0"
    print(f"{'page':<14} {'cold (ms)':>10} {'warm median (ms)':>17} {'warm max (ms)':>14}")
    for page in PAGES:
        cold, warm = timed_runs(page, args.runs)
        print(f"{page:<14} {cold * 1000:>10.0f} {statistics.median(warm) * 1000:>17.0f} {max(warm) * 1000:>14.0f}")
    print("AppTest runs the script in this process: the times include Streamlit's own script overhead,")
    print("not the browser's rendering or the network.")


if __name__ == "__main__":
    main()
