"""Server-side time of every page, measured with Streamlit's AppTest.

For each page: the first run (cold: queries run, caches empty) and the median of later
reruns (warm: cached query results, as when a reader changes nothing or comes back).
Prints figures only; nothing is asserted.

    python bench/pages_bench.py [--runs N]                  # a demo database built for the run
    REFORM_DB=FILE python bench/pages_bench.py [--scope U]   # an existing database, e.g. the national
                                                             # bench file of overview_bench.py --keep

--scope opens the analysis pages on that unit (?pham_vi=U) instead of the root; the unit
profile page always needs a unit below the root (the demo's XP05, or --scope).
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

from reform import db, demo, sql  # noqa: E402
from reform.config import DEFAULT_DATA_DIR  # noqa: E402

PAGES = ["overview", "indicators", "year_on_year", "reporting", "unit_profile", "upload", "uploads"]


QUERY_MS: list[tuple[str, float]] = []  # (query name, ms) of every sql.run since the last clear
_untimed_run = sql.run


def _timed_run(con, name: str, **params: object):
    """sql.run that also records how long the query took (the pages call sql.run through ui)."""
    start = time.perf_counter()
    try:
        return _untimed_run(con, name, **params)
    finally:
        QUERY_MS.append((name, (time.perf_counter() - start) * 1000))


sql.run = _timed_run


def timed_runs(
    page: str, runs: int, scope: str | None, profile_unit: str
) -> tuple[float, list[float], list[tuple[str, float]]]:
    """Cold time and warm times (seconds) of one page in a fresh AppTest."""
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=600)
    chosen = profile_unit if page == "unit_profile" else scope
    if chosen:  # the URL parameter does not survive switch_page here: set the sidebar's key too
        at.query_params["pham_vi"] = chosen
        at.session_state["pham_vi"] = chosen
    at.run()
    at.switch_page(f"pages/{page}.py")
    st.cache_data.clear()  # the first run above filled the caches: empty them for a cold run
    QUERY_MS.clear()
    start = time.perf_counter()
    at.run()
    cold = time.perf_counter() - start
    queries = sorted(QUERY_MS, key=lambda q: -q[1])
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].message}")
    warm = []
    for _ in range(runs):
        start = time.perf_counter()
        at.run()
        warm.append(time.perf_counter() - start)
    return cold, warm, queries


def build_demo() -> Path:
    """The demo province built through the importer into a temporary folder."""
    path = Path(tempfile.mkdtemp(prefix="reform-pages-")) / "demo.duckdb"
    start = time.perf_counter()
    con = db.connect(path)
    demo.load(con, DEFAULT_DATA_DIR)
    con.close()
    print(f"demo database built through the importer in {time.perf_counter() - start:.1f} s")
    return path


def describe(path: Path) -> None:
    """Data size of the database the pages read (opening it applies pending migrations)."""
    start = time.perf_counter()
    con = db.connect(path)
    opened = time.perf_counter() - start
    units, values, quarters = con.execute(
        "select (select count(*) from units), count(*), count(distinct period) from value"
    ).fetchone()
    con.close()
    print(f"database: {path.name}: {values:,} values, {units:,} units, {quarters} quarters (opened in {opened:.1f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scope", help="unit code the analysis pages open on (default: the root)")
    parser.add_argument("--pages", default=",".join(PAGES), help="comma-separated pages to time")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    given = os.environ.get("REFORM_DB")
    path = Path(given) if given else build_demo()
    os.environ["REFORM_DB"] = str(path)
    os.environ["REFORM_AUTO_DEMO"] = "0"
    describe(path)
    profile_unit = args.scope or "XP05"
    print(f"scope: {args.scope or 'root'}; unit profile of {profile_unit}")
    print(f"{'page':<14} {'cold (ms)':>10} {'warm median (ms)':>17} {'warm max (ms)':>14}")
    for page in args.pages.split(","):
        cold, warm, queries = timed_runs(page, args.runs, args.scope, profile_unit)
        print(f"{page:<14} {cold * 1000:>10.0f} {statistics.median(warm) * 1000:>17.0f} {max(warm) * 1000:>14.0f}")
        print("    queries of the cold run (ms): " + ", ".join(f"{n} {ms:.0f}" for n, ms in queries))
    print("AppTest runs the script in this process: the times include Streamlit's own script overhead,")
    print("not the browser's rendering or the network.")


if __name__ == "__main__":
    main()
