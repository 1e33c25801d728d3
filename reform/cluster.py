"""A whole cluster on one machine (`make cluster`, `make cluster-stop`): PostgreSQL holding a DuckLake
catalog, two or more `streamlit run dashboard.py` replicas on that lake with the same secrets, and nginx in
front with cookie stickiness and websocket settings.

    python -m reform.cluster start [--folder F] [--replicas N]   prints the address of nginx
    python -m reform.cluster stop  [--folder F]                   stops what start started, by PID

Every process binds 127.0.0.1. Ports come from REFORM_CLUSTER_PG_PORT (55452), REFORM_CLUSTER_PORT (nginx,
8670) and REFORM_CLUSTER_REPLICA_PORT (the first replica, 8651; the next ones follow). The folder (default
.cluster in the project) holds the PostgreSQL cluster, the lake's data files, nginx's configuration and logs, and
pids.json, which stop reads. The demo province is loaded into the lake once, when it is empty.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from reform import db, localpg
from reform.config import PROJECT_DIR

DEFAULT_FOLDER = PROJECT_DIR / ".cluster"  # not under data/: that folder is the reference tables, copied whole
COOKIE = "reform_replica"  # nginx's stickiness cookie: a session's requests (uploads, media) go to its replica


def ports() -> tuple[int, int, int]:
    """(PostgreSQL, nginx, first replica) ports from the environment."""
    env = os.environ.get
    return (
        int(env("REFORM_CLUSTER_PG_PORT", "55452")),
        int(env("REFORM_CLUSTER_PORT", "8670")),
        int(env("REFORM_CLUSTER_REPLICA_PORT", "8651")),
    )


def nginx_conf(folder: Path, listen: int, replicas: list[int]) -> str:
    """nginx's configuration: replicas chosen by a hash of the stickiness cookie (a new visitor gets one
    from the request id), websockets upgraded and kept open; a replica that fails is skipped."""
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replicas)
    temp = folder / "nginx-temp"
    return f"""daemon on;
pid {folder / "nginx.pid"};
error_log {folder / "nginx-error.log"} warn;
worker_processes 1;
events {{ worker_connections 1024; }}
http {{
    access_log {folder / "nginx-access.log"};
    client_body_temp_path {temp / "body"};
    proxy_temp_path {temp / "proxy"};
    fastcgi_temp_path {temp / "fastcgi"};
    uwsgi_temp_path {temp / "uwsgi"};
    scgi_temp_path {temp / "scgi"};
    client_max_body_size 1g;
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    map $cookie_{COOKIE} $replica_key {{ "" $request_id; default $cookie_{COOKIE}; }}
    upstream dashboards {{
        hash $replica_key consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{listen};
        location / {{
            proxy_pass http://dashboards;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 86400s;
            proxy_send_timeout 86400s;
            proxy_buffering off;
            proxy_request_buffering off;
            proxy_next_upstream error timeout http_502 http_503;
            add_header Set-Cookie "{COOKIE}=$replica_key; Path=/; HttpOnly; SameSite=Lax" always;
        }}
    }}
}}
"""


def _wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"a replica exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{url} did not become healthy in time")


def start(folder: Path = DEFAULT_FOLDER, replicas: int = 2, *, demo: bool = True, auth: str | None = None) -> dict:
    """Start PostgreSQL, load the demo into an empty lake, start the replicas and nginx; write pids.json.
    auth: REFORM_AUTH of the replicas (default: as this process has it; unset is "off" on the demo only)."""
    folder = folder.resolve()
    folder.mkdir(parents=True, exist_ok=True)
    pg_port, listen, first = ports()
    pids: dict = {"folder": str(folder)}
    server = localpg.start(folder / "postgres", pg_port, databases=("reform",))
    pids["postgres"] = server.pid()
    _save(folder, pids)
    target = "ducklake:postgres:" + server.conninfo("reform")
    env = {
        **os.environ,
        "REFORM_DB": target,
        "REFORM_LAKE_DATA_PATH": str(folder / "lake"),
        "REFORM_AUTO_DEMO": "0",
    }
    if auth is not None:
        env["REFORM_AUTH"] = auth
    if demo:  # refused (exit 1) when the lake already has data: then it is kept as it is
        subprocess.run([sys.executable, "-m", "reform", "demo"], cwd=PROJECT_DIR, env=env, check=False)
    else:  # the catalog created and migrated once, before the replicas open it together
        db.connect(target, data_path=folder / "lake").close()
    secret_file = folder / "cookie_secret"
    if not secret_file.is_file():
        secret_file.write_text(secrets.token_hex(32))
    cookie_secret = secret_file.read_text().strip()
    ports_of = [first + i for i in range(replicas)]
    procs = []
    for i, port in enumerate(ports_of):
        log = (folder / f"replica-{i + 1}.log").open("ab")
        procs.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "streamlit",
                    "run",
                    "dashboard.py",
                    "--server.headless",
                    "true",
                    "--server.port",
                    str(port),
                    "--server.address",
                    "127.0.0.1",
                    "--browser.gatherUsageStats",
                    "false",
                ],
                cwd=PROJECT_DIR,
                # the same secret on every replica: XSRF and sign-in cookies made by one are valid on each
                env={**env, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        )
        log.close()
    pids["replicas"] = {str(p): proc.pid for p, proc in zip(ports_of, procs, strict=True)}
    _save(folder, pids)
    for port, proc in zip(ports_of, procs, strict=True):
        _wait_healthy(f"http://127.0.0.1:{port}", proc)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    for sub in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / "nginx-temp" / sub).mkdir(parents=True, exist_ok=True)
        os.chmod(folder / "nginx-temp" / sub, 0o777)  # nginx's workers may run as another user
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, listen, ports_of))
    subprocess.run([nginx, "-p", str(folder), "-c", str(conf)], check=True)
    pids["nginx"] = int((folder / "nginx.pid").read_text().strip())
    pids["url"] = f"http://127.0.0.1:{listen}"
    pids["replica_urls"] = [f"http://127.0.0.1:{p}" for p in ports_of]
    pids["db"] = target
    pids["lake_data_path"] = str(folder / "lake")
    _save(folder, pids)
    return pids


def _save(folder: Path, pids: dict) -> None:
    (folder / "pids.json").write_text(json.dumps(pids, indent=2))


def _end(pid: int | None, sig: int = signal.SIGTERM, seconds: float = 20) -> None:
    if not pid:
        return
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        try:  # our own child (the test starts the cluster in process): reap it
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return
        except ChildProcessError:
            pass
        time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def stop(folder: Path = DEFAULT_FOLDER) -> None:
    """Stop nginx, the replicas and PostgreSQL, each by the PID start recorded."""
    folder = folder.resolve()
    try:
        pids = json.loads((folder / "pids.json").read_text())
    except OSError:
        return
    _end(pids.get("nginx"), signal.SIGQUIT)  # a graceful stop; nginx's master ends its workers
    for pid in (pids.get("replicas") or {}).values():
        _end(pid)
    localpg.stop(localpg.Server(folder / "postgres", 0))
    (folder / "pids.json").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m reform.cluster", description="Cụm chạy thử trên một máy")
    p.add_argument("action", choices=["start", "stop"])
    p.add_argument("--folder", default=str(DEFAULT_FOLDER))
    p.add_argument("--replicas", type=int, default=2)
    args = p.parse_args(argv)
    if args.action == "stop":
        stop(Path(args.folder))
        return 0
    pids = start(Path(args.folder), args.replicas)
    print(f"Cụm đã chạy: {pids['url']} (các bản sao: {', '.join(pids['replica_urls'])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
