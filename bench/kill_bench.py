"""Kill an import at random moments of its commit, many times, and count what each reopen finds.

Builds a database with the catalogue and a register of --units commune units (as bench/upload_bench.py
does), and a long CSV of their 45 base indicators for one new quarter (--units x 45 values). Times one
`python -m reform import --dry-run` (reading and checking: the commit starts after it) and one full
import, then --kills times: copies the database, starts the import, SIGKILLs it after a delay drawn
uniformly between a little before the first and a little after the second, and opens the file twice:

  plain     a plain DuckDB connection (replays the write-ahead log): rows of a missing upload
            (reform/invariants.py's orphans) or value counts that disagree with the values = "torn";
  repaired  db.connect (migrations and invariants.repair), then invariants.check: anything = "broken".

Each kill ends as "committed" (the upload row is there), "nothing" (the database as before) or "torn"
(before the repair); "broken" counts those still wrong after it (must be 0). Figures only; the test
tests/unit/test_kill.py runs a small loop and asserts "broken" is 0.

With --after-wal S the delay is drawn in [0, S] from the moment the write-ahead log file appears (the
commit starts writing it), which aims every kill at the commit itself.

    .venv/bin/python bench/kill_bench.py [--units 300] [--kills 20] [--seed 1] [--after-wal 0.5] [--keep]
"""

from __future__ import annotations

import argparse
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from upload_bench import make_values, national_csv, setup_db, value_levels  # noqa: E402

from reform import db, invariants, sql  # noqa: E402

PROJECT = Path(__file__).resolve().parent.parent


def build(work: Path, units: int) -> tuple[Path, Path]:
    """The database before the upload, and the upload's CSV."""
    master, csv = work / "master.duckdb", work / "upload.csv"
    con, codes, base = setup_db(master, units)
    values = make_values(codes, base, value_levels(con, base))
    con.close()
    national_csv(csv, codes, base, values)
    return master, csv


def _import(database: Path, csv: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "reform", "import", str(csv), "--db", str(database), "--user", "kill", *extra],
        cwd=PROJECT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def timed(master: Path, csv: Path, work: Path, *extra: str) -> float:
    """Seconds one import takes, start to exit, on a copy of the database."""
    copy = work / "timed.duckdb"
    shutil.copy(master, copy)
    start = time.perf_counter()
    assert _import(copy, csv, *extra).wait() == 0
    seconds = time.perf_counter() - start
    copy.unlink()
    copy.with_name(copy.name + ".wal").unlink(missing_ok=True)
    return seconds


def inspect(database: Path) -> tuple[int, bool]:
    """(uploads stored, torn) as a plain DuckDB connection sees the file."""
    con = duckdb.connect(str(database))
    try:
        uploads = con.execute("select count(*) from upload").fetchone()[0]
        torn = not sql.run(con, "invariant_orphans").empty or not sql.run(con, "repair_count_drift").empty
    finally:
        con.close()
    return uploads, torn


def wait_for_commit(proc: subprocess.Popen, wal: Path, timeout: float) -> bool:
    """Wait until the import starts writing its commit (the write-ahead log appears); False if it ended first."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline and proc.poll() is None:
        if wal.exists():
            return True
        time.sleep(0.002)
    return False


def one_kill(
    master: Path, csv: Path, work: Path, delay: float, *, after_wal: bool = False
) -> tuple[str, bool, list[str]]:
    """Import, SIGKILL after delay seconds (counted from the start, or with after_wal from the moment its
    commit starts writing the log), reopen: (outcome, torn before repair, problems after it)."""
    database = work / "killed.duckdb"
    for old in (database, database.with_name(database.name + ".wal")):
        old.unlink(missing_ok=True)
    shutil.copy(master, database)
    before, _ = inspect(database)
    proc = _import(database, csv)
    if after_wal:
        wait_for_commit(proc, database.with_name(database.name + ".wal"), timeout=600)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    uploads, torn = inspect(database)
    con = db.connect(database)
    try:
        problems = invariants.check(con)
        repaired_uploads = con.execute("select count(*) from upload").fetchone()[0]
        values = con.execute("select count(*) from value").fetchone()[0]
    finally:
        con.close()
    if repaired_uploads > before:
        outcome = "committed"
    else:
        outcome = "nothing"
        if values:
            problems.append(f"{values} values stored without an upload after the repair")
    return outcome, torn, problems


def kill_loop(units: int, kills: int, seed: int, work: Path, *, after_wal: float | None = None) -> Counter:
    """The whole bench; the counts of each outcome (and of 'torn' and 'broken'). after_wal: kill within that
    many seconds of the commit starting to write the log, instead of at a time drawn around the commit."""
    rng = random.Random(seed)
    start = time.perf_counter()
    master, csv = build(work, units)
    print(f"database and file: {units} units x 45 = {units * 45:,} values in {time.perf_counter() - start:.1f} s")
    checked = timed(master, csv, work, "--dry-run")
    stored = timed(master, csv, work)
    # both times vary with the machine's load: the window reaches before the check ends and after the commit
    lo, hi = 0.8 * min(checked, stored), 1.1 * max(checked, stored)
    print(f"import --dry-run {checked:.2f} s, import {stored:.2f} s: kills drawn in [{lo:.2f}, {hi:.2f}] s")
    counts: Counter = Counter()
    if after_wal is not None:
        lo, hi = 0.0, after_wal
        print(f"kills drawn in [0, {after_wal:.2f}] s after the write-ahead log appears")
    for i in range(kills):
        delay = rng.uniform(lo, hi)
        outcome, torn, problems = one_kill(master, csv, work, delay, after_wal=after_wal is not None)
        counts[outcome] += 1
        counts["torn"] += torn
        counts["broken"] += bool(problems)
        print(
            f"kill {i + 1:3d} at {delay:6.2f} s: {outcome:9s} "
            f"torn before repair: {'yes' if torn else 'no '}  {problems or ''}"
        )
    print(
        f"{kills} kills: {counts['committed']} committed, {counts['nothing']} nothing stored; "
        f"{counts['torn']} torn before the repair on open, {counts['broken']} not sound after it"
    )
    return counts


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--units", type=int, default=300)
    p.add_argument("--kills", type=int, default=20)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--after-wal", type=float, help="kill within this many seconds of the commit writing its log")
    p.add_argument("--keep", action="store_true", help="keep the work folder")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kill_bench_"))
    try:
        kill_loop(args.units, args.kills, args.seed, work, after_wal=args.after_wal)
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
