"""A real Streamlit server on a free port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parents[2]
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    """Debian's Chromium, installed with apt-get when missing (browser downloads are not used)."""
    found = shutil.which("chromium")
    if found:
        return found
    sudo = [] if os.geteuid() == 0 else ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([*sudo, "apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run([*sudo, "apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env)
    return shutil.which("chromium") or pytest.fail("chromium could not be installed")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, seconds: float = 90) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"streamlit exited early with code {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    pytest.fail("streamlit did not become healthy in time")


def start_streamlit(port: int, env: dict[str, str], log, *options: str) -> subprocess.Popen:
    """`streamlit run dashboard.py` on 127.0.0.1:port, headless, its output to log; stop it by its PID."""
    command = [sys.executable, "-m", "streamlit", "run", "dashboard.py", "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    return subprocess.Popen([*command, *options], cwd=PROJECT, env=env, stdout=log, stderr=subprocess.STDOUT)


def start_identity_provider(port: int, users: dict[str, str], log) -> subprocess.Popen:
    """oidc-provider-mock on 127.0.0.1:port with one user per (subject, e-mail), e-mails verified; ready on return."""
    claims = [json.dumps({"sub": s, "email": e, "email_verified": True, "name": s}) for s, e in users.items()]
    args = [sys.executable, "-m", "oidc_provider_mock", "--host", "127.0.0.1", "--port", str(port)]
    for c in claims:
        args += ["--user-claims", c]
    proc = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/.well-known/openid-configuration", timeout=2) as r:
                if r.status == 200:
                    return proc
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                pytest.fail("the identity provider did not start")
            time.sleep(0.3)


def auth_secrets(path: Path, app_url: str, idp_url: str) -> Path:
    """The [auth] secrets of a test server signing in through the test identity provider (no real secret)."""
    path.write_text(
        "[auth]\n"
        f'redirect_uri = "{app_url}/oauth2callback"\n'
        'cookie_secret = "kiem-thu-day-khong-phai-bi-mat-that-0123456789abcdef"\n'
        'client_id = "reform-kiem-thu"\n'
        'client_secret = "kiem-thu"\n'
        f'server_metadata_url = "{idp_url}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    return path


def stop(proc: subprocess.Popen) -> None:
    """Stop a server a test started, by its PID."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`streamlit run dashboard.py` on a fresh database that fills itself with the demo on first start."""
    db = tmp_path_factory.mktemp("browser") / "browser.duckdb"
    port = free_port()
    env = {**os.environ, "REFORM_DB": str(db), "REFORM_AUTO_DEMO": "1"}
    log = open(tmp_path_factory.mktemp("log") / "streamlit.log", "w")  # noqa: SIM115
    proc = start_streamlit(port, env, log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    ARTIFACTS.mkdir(exist_ok=True)
    context = browser.new_context(viewport={"width": 1400, "height": 2400}, locale="vi-VN")
    pg = context.new_page()
    yield pg
    context.close()
