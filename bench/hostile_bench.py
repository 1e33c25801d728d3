"""Hostile uploads: each bomb of tests/fixtures/bombs.py through importer.prepare, timed, with memory and the
latency of another session's queries measured meanwhile.

    .venv/bin/python bench/hostile_bench.py [--only NAME]

For each bomb: its size, the refusal code, the time to refusal, the server process's extra peak memory
(resident, its high-water mark reset before each file), the reading child's peak memory, and the
slowest answer of another "session" (a thread running a small DuckDB query every 20 ms on its own
cursor, as a page of another user would) against that thread's slowest answer with no upload at all
(the baseline, measured first in the same run). The demo province database is built in a temporary
folder and deleted at the end.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

PROJECT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(PROJECT), str(PROJECT / "tests" / "fixtures")]

import bombs  # noqa: E402

from reform import db, demo, importer, sandbox  # noqa: E402
from reform.config import DEFAULT_DATA_DIR  # noqa: E402
from reform.ingest import IngestError  # noqa: E402


def _status(key: str) -> int:
    """A /proc/self/status figure in kB (VmRSS, VmHWM)."""
    with open("/proc/self/status", encoding="ascii") as f:
        return next(int(line.split()[1]) for line in f if line.startswith(key + ":"))


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")  # resets VmHWM to the current resident size


class Neighbour(threading.Thread):
    """Another session: a small query every 20 ms; the slowest answer since the last reset."""

    def __init__(self, con) -> None:  # noqa: ANN001
        super().__init__(daemon=True)
        self.cursor, self.slowest, self.stop = con.cursor(), 0.0, threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            t = time.perf_counter()
            self.cursor.execute("select count(*), sum(value) from value where unit_code = 'XP01'").fetchall()
            self.slowest = max(self.slowest, time.perf_counter() - t)
            time.sleep(0.02)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", help="run only the bombs whose name contains this")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="hostile_bench_"))
    try:
        con = db.connect(folder / "demo.duckdb")
        demo.load(con, DEFAULT_DATA_DIR)
        neighbour = Neighbour(con)
        neighbour.start()
        time.sleep(2.0)
        print(f"baseline: another session's slowest answer with no upload: {neighbour.slowest * 1000:.0f} ms")
        good = (PROJECT / "tests" / "fixtures" / "bao_cao_quy3_2025_mau_van_phong.xlsx").read_bytes()
        importer.prepare(con, good, "warm.xlsx")  # starts the reading server once, as the first upload does
        print(f"{'bomb':34} {'size MB':>8} {'code':>20} {'s':>6} {'server +MB':>10} {'child MB':>9} {'other ms':>9}")
        for name, make in bombs.BOMBS.items():
            if args.only and args.only not in name:
                continue
            data = make()
            _reset_peak()
            base = _status("VmRSS")
            neighbour.slowest = 0.0
            t = time.perf_counter()
            sandbox.last_peak_mb = None
            try:
                importer.prepare(con, data, bombs.NAMES[name], max_bytes=len(data) + 1)  # past the size limit
                code = "ACCEPTED"
            except IngestError as exc:
                code = exc.code
            took = time.perf_counter() - t
            extra = (_status("VmHWM") - base) / 1024
            child = "–" if sandbox.last_peak_mb is None else f"{sandbox.last_peak_mb:.0f}"
            print(
                f"{name:34} {len(data) / 2**20:8.1f} {code:>20} {took:6.2f} {extra:10.0f} {child:>9} "
                f"{neighbour.slowest * 1000:9.0f}"
            )
            del data
        neighbour.stop.set()
        neighbour.join()
        con.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
