"""Load on the dashboard: simulated users over Streamlit's own websocket protocol (no browser).

Each user opens one session (a websocket to /_stcore/stream, as the page's script does) and makes
--actions interactions: a script run of an analysis page (overview, indicators, year on year, reporting,
unit profile) with a period and a scope chosen at random in the query string, as a reader changing
filters; between them it waits a think time drawn from an exponential law of mean --think seconds
(0: back to back). An interaction's time runs from the request to Streamlit's "script finished"; a
failure is an exception element on the page, a script that did not finish, or a broken connection.

Targets (each given or skipped):
  file     one `streamlit run dashboard.py` on a copy of the demo file, started by this script
  lake     one replica of a running `make cluster`, directly (its DuckLake on PostgreSQL)
  cluster  nginx of a running `make cluster`, in front of its replicas

Prints, per target and number of users: p50 / p95 per page and overall, failures, throughput, and the
servers' resident memory before and after (growth per session). Never asserts anything.

    make cluster
    .venv/bin/python bench/load_bench.py --users 1 10 50 100 --actions 4 --think 5
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))
from reform import cluster  # noqa: E402  (the project's folder first)

PAGES = ["", "indicators", "year_on_year", "reporting", "unit_profile"]
PERIODS = ["2025-Q3", "2025-Q2", "2025-Q1", "2024-Q4", "2026-Q2"]
SCOPES = ["", "XP01", "XP02", "XP05"]
TIMEOUT = 120.0
SUCCESS, EARLY_FOR_RERUN, FRAGMENT_SUCCESS = 0, 2, 3  # ForwardMsg.script_finished values


async def interaction(ws, page: str, query: str) -> tuple[float, str]:
    """One script run of a page with a query string: (seconds, "" or why it failed)."""
    msg = BackMsg()
    msg.rerun_script.page_name = page
    msg.rerun_script.query_string = query
    start = time.perf_counter()
    await ws.send(msg.SerializeToString())
    failed = ""
    while True:
        fwd = ForwardMsg()
        fwd.ParseFromString(await asyncio.wait_for(ws.recv(), TIMEOUT))
        kind = fwd.WhichOneof("type")
        element = fwd.delta.new_element if kind == "delta" and fwd.delta.WhichOneof("type") == "new_element" else None
        if element is not None and element.WhichOneof("type") == "exception":
            failed = "exception: " + fwd.delta.new_element.exception.message[:80]
        if kind == "script_finished":
            status = fwd.script_finished
            if status == EARLY_FOR_RERUN:  # the page asked for a rerun (st.rerun): its next run is the answer
                continue
            done = status in (SUCCESS, FRAGMENT_SUCCESS)
            return time.perf_counter() - start, failed or ("" if done else f"script ended ({status})")


async def user(url: str, actions: int, think: float, rng: random.Random, out: list, ready: asyncio.Event) -> None:
    """One reader: a session, then interactions with think times between them."""
    try:
        async with websockets.connect(
            url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            max_size=None,
            # the client's own keepalive would close a session whose busy server answers a ping late, and
            # its 10 s handshake limit would count a queue as a failure: the browser has neither
            ping_interval=None,
            open_timeout=TIMEOUT,
        ) as ws:
            await ready.wait()
            for _ in range(actions):
                if think:
                    await asyncio.sleep(rng.expovariate(1 / think))
                page = rng.choice(PAGES)
                query = "&".join(
                    f"{k}={v}"
                    for k, v in (("ky", rng.choice(PERIODS)), ("pham_vi", rng.choice(SCOPES) if page else ""))
                    if v
                )
                try:
                    seconds, failed = await interaction(ws, page, query)
                except TimeoutError:
                    out.append((page or "overview", TIMEOUT, f"no answer in {TIMEOUT:.0f} s"))
                    return
                except websockets.ConnectionClosed as exc:
                    out.append((page or "overview", 0.0, f"connection closed ({exc.rcvd})"))
                    return
                out.append((page or "overview", seconds, failed))
    except (OSError, websockets.InvalidHandshake, websockets.ConnectionClosed) as exc:
        out.append(("connect", 0.0, f"connect: {type(exc).__name__} {str(exc)[:60]}"))


def rss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


async def load(url: str, users: int, actions: int, think: float, seed: int) -> tuple[list, float]:
    out: list = []
    ready = asyncio.Event()
    tasks = [asyncio.create_task(user(url, actions, think, random.Random(seed + i), out, ready)) for i in range(users)]
    await asyncio.sleep(0.5 + users * 0.02)  # the sessions opened before anyone acts
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    return out, time.perf_counter() - start


def report(name: str, users: int, out: list, wall: float, before: float, after: float) -> None:
    times = [s for _, s, f in out if not f]
    failures = sum(1 for _, _, f in out if f)
    reasons = collections.Counter(f for _, _, f in out if f)
    print(
        f"{name:8} users {users:4}  interactions {len(out):5}  failures {failures:4}  "
        f"p50 {pct(times, 50):6.2f} s  p95 {pct(times, 95):6.2f} s  "
        f"throughput {len(out) / wall:5.2f}/s  memory {before:7.0f} → {after:7.0f} MB "
        f"({(after - before) / max(users, 1):5.1f} MB per session)"
    )
    for why, n in reasons.most_common(3):
        print(f"{'':8}   failed {n} × {why}")
    for page in sorted({p for p, _, _ in out}):
        ts = [s for p, s, f in out if p == page and not f]
        print(f"{'':8}   {page:14} n {len(ts):4}  p50 {pct(ts, 50):6.2f} s  p95 {pct(ts, 95):6.2f} s")


def wait_healthy(url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy")


def start_file_server(port: int, folder: Path, code: Path = PROJECT) -> subprocess.Popen:
    """One dashboard process (of the code in code) on a fresh demo file (it fills itself on first start)."""
    env = {
        **os.environ,
        "REFORM_DB": str(folder / f"load-{port}.duckdb"),
        "REFORM_AUTO_DEMO": "1",
        "REFORM_AUTH": "off",
    }
    env["REFORM_DATA_DIR"] = str(code / "data")
    log = (folder / f"streamlit-{port}.log").open("wb")
    args = ["--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1"]
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard.py", *args, "--browser.gatherUsageStats", "false"],
        cwd=code,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def profiled(pids: list[int], out: Path) -> subprocess.Popen | None:
    """py-spy sampling the first server process while the users act (raw stacks to out); None without it."""
    spy = shutil.which("py-spy", path=str(Path(sys.executable).parent)) or shutil.which("py-spy")
    if spy is None:
        print("py-spy is not installed (requirements-dev.txt): no profile")
        return None
    args = [spy, "record", "-p", str(pids[0]), "-r", "50", "--format", "raw", "-o", str(out), "--nonblocking"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def print_profile(raw: Path, top: int = 20) -> None:
    """Where the server's script runs spent their time: the project's functions and the libraries' (inclusive
    share of the samples)."""
    if not raw.is_file():
        return
    inclusive: collections.Counter = collections.Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, n = line.rpartition(" ")
        total += int(n)
        for frame in {f.rsplit(":", 1)[0] + ")" for f in stack.split(";")}:
            inclusive[frame] += int(n)
    ours = ("(dashboard.py", "(ui.py", "(pages/", "(reform/", "(overview.py", "(indicators.py", "(reporting.py")
    ours += ("(year_on_year.py", "(unit_profile.py")
    print(f"{'':8}   profile: {total} samples; the functions that hold most of them (inclusive)")
    for title, keep in (
        ("project", lambda f: any(o in f for o in ours)),
        ("libraries", lambda f: "site-packages" in f or "/" in f),
    ):
        rows = [(f, n) for f, n in inclusive.most_common() if keep(f) and "threading" not in f][:top]
        print(f"{'':8}   {title}:")
        for frame, n in rows:
            print(f"{'':8}   {100 * n / total:5.1f} %  {frame[:110]}")


def uploader_files(target: str, data_path: str, k: int, folder: Path, seed: int) -> tuple[str, dict[str, Path]]:
    """K long CSV files of the latest stored quarter, one unit each (leaf units with no report state in that
    quarter, so nothing refuses them), every count moved by a small amount drawn from seed (each run
    changes what is stored): (quarter code, unit → file)."""
    from reform import db, periods, sql  # the project's core: only needed with --uploaders

    con = db.connect(target, data_path=data_path)
    try:
        latest = con.execute("select max(period) from value").fetchone()[0]
        quarter = periods.from_date(latest)
        free = con.execute(
            "select u.code from units as u where not exists (select 1 from units as c where c.parent_code = u.code)"
            " and not exists (select 1 from report_state as s where s.unit_code = u.code and s.period = $p)"
            " and exists (select 1 from value as v where v.unit_code = u.code and v.period = $p) order by u.code",
            {"p": latest},
        ).fetchall()
        kinds = sql.run(con, "catalog").set_index("code")["type"]
        units = random.Random(seed).sample([c for (c,) in free], min(k, len(free)))
        files = {}
        for i, unit in enumerate(units):
            rows = sql.run(con, "export_values", period_start=latest, period_end=latest, unit=unit)
            rows = rows[rows["unit_code"] == unit].assign(period=quarter.code)
            # flows (counts of a quarter) move; stocks, flags and rates keep theirs (parts stay under totals)
            counts = rows["indicator_code"].isin(kinds[kinds == "flow"].index)
            rows.loc[counts, "value"] += random.Random(seed * 1000 + i).randint(1, 9)
            rows["value"] = [str(int(v)) if float(v).is_integer() else repr(float(v)) for v in rows["value"]]
            files[unit] = folder / f"upload-{unit}.csv"
            rows.to_csv(files[unit], index=False)
        return quarter.code, files
    finally:
        con.close()


async def upload(target: str, file: Path) -> tuple[float, int, str]:
    """One uploader: `python -m reform import FILE --db TARGET --json`, as a command beside the dashboards."""
    start = time.perf_counter()
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "reform",
        "import",
        str(file),
        "--db",
        target,
        "--json",
        "--user",
        "load-bench",
        cwd=PROJECT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    return time.perf_counter() - start, proc.returncode, (out or err).decode()[-200:]


async def load_with_uploads(url: str, args, target: str, files: dict[str, Path]) -> tuple[list, float, list]:
    """The viewers' load with the uploaders started together, a second after the viewers begin."""

    async def uploaders() -> list:
        await asyncio.sleep(1.5 + args.viewers * 0.02)  # the viewers have opened their sessions
        return await asyncio.gather(*(upload(target, f) for f in files.values()))

    (out, wall), done = await asyncio.gather(load(url, args.viewers, args.actions, args.think, args.seed), uploaders())
    return out, wall, done


def check_uploads(target: str, data_path: str, quarter: str, files: dict[str, Path], done: list) -> None:
    """Each unit's file stored exactly (every value as in its file, one upload each), and the invariants."""
    import pandas as pd

    from reform import db, invariants, periods, sql

    con = db.connect(target, data_path=data_path)
    try:
        start = periods.parse(quarter).start
        wrong = []
        for unit, file in files.items():
            wanted = pd.read_csv(file).set_index("indicator_code")["value"]
            stored = sql.run(con, "export_values", period_start=start, period_end=start, unit=unit)
            stored = stored[stored["unit_code"] == unit].set_index("indicator_code")["value"]
            if len(stored) != len(wanted) or (stored.loc[wanted.index] - wanted).abs().max() > 1e-9:
                wrong.append(unit)
        found = invariants.check(con)
    finally:
        con.close()
    times = sorted(s for s, _, _ in done)
    failed = [why for _, code, why in done if code != 0]
    print(
        f"uploads  {len(files)} units of {quarter} at once: exit 0 for {len(done) - len(failed)}, "
        f"time median {statistics.median(times):.2f} s, max {times[-1]:.2f} s; stored as sent: "
        f"{len(files) - len(wrong)}/{len(files)}; invariants: {'hold' if not found else found[:3]}"
    )
    for why in failed[:3]:
        print(f"{'':8}   failed: {why}")


def checkout(revision: str, folder: Path) -> Path:
    """The project's files at a git revision, in folder (the baseline of the same run)."""
    folder.mkdir(parents=True)
    archive = subprocess.run(["git", "archive", revision], cwd=PROJECT, check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def with_uploads(args, targets: list, folder: Path, pids_file: Path) -> None:
    """K uploaders during M viewers on each lake target (the file is held by its one process)."""
    lake_targets = [(n, u, p) for n, u, p in targets if n in ("lake", "cluster")]
    if not lake_targets:
        print("uploaders need a running cluster (the lake and cluster targets): none measured")
        return
    running = json.loads(pids_file.read_text())
    for i, (name, url, pids) in enumerate(lake_targets):
        quarter, files = uploader_files(running["db"], running["lake_data_path"], args.uploaders, folder, args.seed + i)
        before = rss_mb(pids)
        out, wall, done = asyncio.run(load_with_uploads(url, args, running["db"], files))
        report(f"{name}+up", args.viewers, out, wall, before, rss_mb(pids))
        check_uploads(running["db"], running["lake_data_path"], quarter, files, done)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--users", type=int, nargs="+", default=[1, 10, 50, 100])
    p.add_argument("--actions", type=int, default=4, help="interactions per user")
    p.add_argument("--think", type=float, default=5.0, help="mean think time in seconds (0: back to back)")
    p.add_argument("--targets", nargs="+", default=["file", "lake", "cluster"])
    p.add_argument("--file-port", type=int, default=8660)
    p.add_argument(
        "--baseline",
        metavar="REV",
        help="also one process of the code at this git revision on its own demo file (port --file-port + 1), "
        "measured beside file in the same run",
    )
    p.add_argument("--cluster-folder", default=str(cluster.DEFAULT_FOLDER))
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--rehearse",
        action="store_true",
        help="run each load once unmeasured first: the measured one finds every figure cached (reruns alone)",
    )
    p.add_argument(
        "--uploaders",
        type=int,
        default=0,
        metavar="K",
        help="K command-line imports (different units, the latest quarter) at once during --viewers users, "
        "on the lake and cluster targets; the stored result checked afterwards",
    )
    p.add_argument("--viewers", type=int, default=20, metavar="M", help="viewers during the uploads")
    p.add_argument("--pages", nargs="+", choices=[x or "overview" for x in PAGES], help="only these pages")
    p.add_argument("--profile", action="store_true", help="sample the (first) server with py-spy during each load")
    p.add_argument("--profile-dir", help="with --profile: keep the raw stacks (py-spy's raw format) in this folder")
    args = p.parse_args()
    if args.pages:  # the users' choice of pages (the list is read when they act)
        PAGES[:] = ["" if x == "overview" else x for x in args.pages]
    print(
        f"websocket users, {args.actions} interactions each, think time mean {args.think} s; "
        f"{os.cpu_count()} cores; pages {', '.join(x or 'overview' for x in PAGES)} with random period and scope"
    )
    targets: list[tuple[str, str, list[int]]] = []
    folder = Path(tempfile.mkdtemp(prefix="reform-load-"))
    proc = None
    procs: list[subprocess.Popen] = []
    try:
        if "file" in args.targets:
            proc = start_file_server(args.file_port, folder)
            url = f"http://127.0.0.1:{args.file_port}"
            wait_healthy(url)
            asyncio.run(load(url, 1, 1, 0, 0))  # the first session fills the demo: not measured
            targets.append(("file", url, [proc.pid]))
        if args.baseline:
            code = checkout(args.baseline, folder / "baseline")
            base = start_file_server(args.file_port + 1, folder, code)
            procs.append(base)
            url = f"http://127.0.0.1:{args.file_port + 1}"
            wait_healthy(url)
            asyncio.run(load(url, 1, 1, 0, 0))
            targets.insert(0, (f"base {args.baseline[:7]}"[:8], url, [base.pid]))
        pids_file = Path(args.cluster_folder) / "pids.json"
        if {"lake", "cluster"} & set(args.targets):
            if not pids_file.is_file():
                print("no running cluster (make cluster): lake and cluster targets skipped")
            else:
                running = json.loads(pids_file.read_text())
                replicas = [int(x) for x in running["replicas"].values()]
                if "lake" in args.targets:
                    targets.append(("lake", running["replica_urls"][0], replicas[:1]))
                if "cluster" in args.targets:
                    targets.append(("cluster", running["url"], replicas))
        for _name, url, _pids in targets:
            asyncio.run(load(url, 2, 2, 0, 99))  # warm the caches of the process(es): not measured
        for n in args.users:  # the targets in turn for each number of users: they share the machine's moments
            for name, url, pids in targets:
                if args.rehearse:
                    asyncio.run(load(url, n, args.actions, args.think, args.seed))
                before = rss_mb(pids)
                raw = Path(args.profile_dir or folder) / f"profile-{name}-{n}.txt"
                spy = profiled(pids, raw) if args.profile else None
                out, wall = asyncio.run(load(url, n, args.actions, args.think, args.seed))
                after = rss_mb(pids)
                if spy is not None:
                    spy.send_signal(signal.SIGINT)  # py-spy writes its samples when interrupted
                    spy.wait(timeout=60)
                report(name, n, out, wall, before, after)
                if spy is not None:
                    print_profile(raw)
                pooled = [s for _, s, f in out if not f]
                if pooled:
                    print(f"{'':8}   mean {statistics.mean(pooled):.2f} s over {len(pooled)} interactions")
        if args.uploaders:
            with_uploads(args, targets, folder, Path(args.cluster_folder) / "pids.json")
    finally:
        for running in [proc, *procs]:
            if running is not None:
                running.terminate()
                running.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
