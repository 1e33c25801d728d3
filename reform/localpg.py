"""A PostgreSQL server of its own in a folder, for the tests and the one-machine cluster (`make cluster`).

PostgreSQL refuses to run as root: when this process is root, the cluster is initialised and run as the
system's `postgres` user (Debian's package creates it), in a folder handed over to that user. The server
listens on 127.0.0.1 only, trusts local connections (a throwaway catalog, never production) and is stopped
by the PID it wrote, never by name.
"""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

BIN_DIRS = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14")]
RUN_AS = "postgres"  # the user Debian's postgresql package creates


def bin_dir() -> Path | None:
    """The folder of initdb and pg_ctl, or None when PostgreSQL is not installed."""
    on_path = shutil.which("pg_ctl")
    if on_path and shutil.which("initdb"):
        return Path(on_path).parent
    return next((d for d in BIN_DIRS if (d / "initdb").is_file() and (d / "pg_ctl").is_file()), None)


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int

    @property
    def data_dir(self) -> Path:
        return self.folder / "pgdata"

    def conninfo(self, dbname: str = "postgres") -> str:
        """libpq connection string of a database of this server."""
        return f"dbname={dbname} host=127.0.0.1 port={self.port} user={RUN_AS}"

    def pid(self) -> int | None:
        """The postmaster's PID from its pid file; None when it is not running."""
        pid_file = self.data_dir / "postmaster.pid"
        try:
            return int(pid_file.read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None


def _demote() -> tuple[int, int] | None:
    """(uid, gid) to run PostgreSQL as when this process is root; None otherwise."""
    if os.geteuid() != 0:
        return None
    pw = pwd.getpwnam(RUN_AS)
    return pw.pw_uid, pw.pw_gid


def _run(args: list[str], ids: tuple[int, int] | None, log: Path | None = None) -> None:
    def as_user() -> None:
        if ids:
            os.setgid(ids[1])
            os.setuid(ids[0])

    out = log.open("ab") if log else subprocess.DEVNULL
    try:
        subprocess.run(args, check=True, stdout=out, stderr=subprocess.STDOUT, preexec_fn=as_user, timeout=120)
    finally:
        if log:
            out.close()


def start(folder: Path, port: int, *, databases: tuple[str, ...] = ("reform",)) -> Server:
    """Initialise (first time) and start a server in folder on 127.0.0.1:port; create the databases."""
    found = bin_dir()
    if found is None:
        raise RuntimeError("PostgreSQL is not installed (initdb, pg_ctl)")
    server = Server(folder.resolve(), port)
    ids = _demote()
    server.folder.mkdir(parents=True, exist_ok=True)
    if ids:
        os.chown(server.folder, *ids)
    log = server.folder / "postgres.log"  # written by the server (as its user), not by this process
    if not (server.data_dir / "PG_VERSION").is_file():
        _run(
            [str(found / "initdb"), "-D", str(server.data_dir), "-U", RUN_AS, "--auth=trust", "-E", "UTF8"],
            ids,
            server.folder / "initdb.log",
        )
    options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={server.folder}"
    options += " -c max_connections=200 -c fsync=off"  # a test catalog: speed over crash safety
    _run([str(found / "pg_ctl"), "-D", str(server.data_dir), "-l", str(log), "-o", options, "-w", "start"], ids)
    for name in databases:
        create_database(server, name)
    return server


def create_database(server: Server, name: str) -> None:
    """Create a database on the server unless it exists (name: letters, digits and _ only)."""
    import psycopg

    with psycopg.connect(server.conninfo(), autocommit=True) as pg:
        if not pg.execute("select 1 from pg_database where datname = %s", (name,)).fetchone():
            if not name.replace("_", "").isalnum():
                raise ValueError(f"not a database name: {name!r}")
            pg.execute(f'create database "{name}"')  # checked above: letters, digits and _


def stop(server: Server, *, timeout: float = 30.0) -> None:
    """Stop the server by the PID it wrote (a fast shutdown: SIGINT), waiting until it is gone."""
    pid = server.pid()
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGINT)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)
