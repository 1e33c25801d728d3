"""The one-machine cluster of `make cluster`: PostgreSQL with the DuckLake catalog, two dashboard replicas and
nginx in front. An upload through replica 1 is seen on replica 2 after a rerun; a command-line import runs
while both replicas serve; when one replica is killed, the next page load through nginx still works."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

import pytest

from reform import cluster, localpg
from tests.browser.conftest import ARTIFACTS

pytestmark = [pytest.mark.lake, pytest.mark.cluster]
PROJECT = Path(__file__).resolve().parents[2]
UNITS = (
    "code,name,type,parent_code,valid_from,valid_to\n"
    "TU,Tỉnh ủy (thử),tinh_uy,,2000-01-01,\n"
    "XA,Đảng bộ xã A (thử),dang_bo_xa,TU,2000-01-01,\n"
    "XB,Đảng bộ xã B (thử),dang_bo_xa,TU,2000-01-01,\n"
)
TEST_PORTS = {"REFORM_CLUSTER_PG_PORT": "55453", "REFORM_CLUSTER_PORT": "8671", "REFORM_CLUSTER_REPLICA_PORT": "8653"}
THROUGH_REPLICA_1 = "unit_code,period,indicator_code,value\nXA,2026-Q3,kt_tcd,41\nXA,2026-Q3,kt_dv,77\n"
FROM_COMMAND_LINE = "unit_code,period,indicator_code,value\nXB,2026-Q3,kt_tcd,12\nXB,2026-Q3,kt_dv,30\n"


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory):
    if localpg.bin_dir() is None:
        pytest.skip("PostgreSQL is not installed (initdb, pg_ctl): the cluster test needs it")
    folder = Path(tempfile.mkdtemp(prefix="reform-cluster-"))
    folder.chmod(0o755)  # PostgreSQL's user must reach its folder inside
    with pytest.MonkeyPatch.context() as mp:  # ports beside a `make cluster` that may be running
        for name, port in TEST_PORTS.items():
            mp.setenv(name, os.environ.get(name.replace("REFORM_", "REFORM_TEST_"), port))
        yield from _started(folder)


def _started(folder: Path):
    try:
        pids = cluster.start(folder, 2, demo=False, auth="off")  # no identity provider here
        env = {
            **os.environ,
            "REFORM_DB": pids["db"],
            "REFORM_LAKE_DATA_PATH": pids["lake_data_path"],
            "REFORM_AUTO_DEMO": "0",
        }
        units = folder / "units.csv"
        units.write_text(UNITS, encoding="utf-8")
        loaded = subprocess.run(
            [sys.executable, "-m", "reform", "load-units", str(units)], cwd=PROJECT, env=env, capture_output=True
        )
        assert loaded.returncode == 0, loaded.stderr.decode()
        yield pids, env, folder
    finally:
        cluster.stop(folder)
        shutil.rmtree(folder, ignore_errors=True)


def open_page(browser, url: str):
    context = browser.new_context(viewport={"width": 1400, "height": 1800}, locale="vi-VN")
    page = context.new_page()
    page.goto(url)
    idle(page)
    return page


def idle(page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=90_000
    )


def test_an_upload_on_one_replica_is_seen_on_the_other_and_the_command_line_works_beside(running, browser) -> None:
    pids, env, folder = running
    one, two = pids["replica_urls"]
    ARTIFACTS.mkdir(exist_ok=True)
    watcher = open_page(browser, f"{two}/uploads")  # a session on replica 2, open before the upload
    assert "cum_ban_sao_1.csv" not in watcher.inner_text("body")

    uploader = open_page(browser, f"{one}/upload")
    upload = folder / "cum_ban_sao_1.csv"
    upload.write_text(THROUGH_REPLICA_1, encoding="utf-8")
    uploader.wait_for_selector("input[type=file]", state="attached", timeout=90_000)
    uploader.set_input_files("input[type=file]", str(upload))
    uploader.get_by_text("Lưu vào cơ sở dữ liệu").wait_for(timeout=90_000)
    uploader.get_by_text("Lưu vào cơ sở dữ liệu").click()
    uploader.wait_for_selector("text=Đã lưu lần tải lên", timeout=90_000)

    watcher.keyboard.press("r")  # Streamlit's rerun key: the same session, one more script run
    watcher.wait_for_selector("text=cum_ban_sao_1.csv", state="attached", timeout=90_000)  # a table cell
    watcher.screenshot(path=str(ARTIFACTS / "cluster-replica-2-sees-upload.png"), full_page=True)

    # a command-line import while both replicas serve pages (the file's lock is no longer in the way)
    line = folder / "dong_lenh.csv"
    line.write_text(FROM_COMMAND_LINE, encoding="utf-8")
    run = subprocess.run(
        [sys.executable, "-m", "reform", "import", str(line), "--user", "cli", "--json"],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    for url in (one, two):
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=10) as r:
            assert r.status == 200
    watcher.keyboard.press("r")
    watcher.wait_for_selector("text=dong_lenh.csv", state="attached", timeout=90_000)
    uploads = subprocess.run(
        [sys.executable, "-m", "reform", "uploads", "--json"], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    assert uploads.returncode == 0 and "cum_ban_sao_1.csv" in uploads.stdout and "dong_lenh.csv" in uploads.stdout


def test_killing_one_replica_leaves_the_other_serving_through_nginx(running, browser) -> None:
    pids, _, _ = running
    page = open_page(browser, f"{pids['url']}/uploads")
    assert "Lịch sử" in page.inner_text("body")
    first = next(iter(pids["replicas"].values()))
    os.kill(first, signal.SIGKILL)
    for _ in range(3):  # whichever replica the cookie chose, each next load is served
        page.goto(f"{pids['url']}/uploads")
        page.wait_for_selector("text=cum_ban_sao_1.csv", state="attached", timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "cluster-after-kill.png"), full_page=True)
    fresh = open_page(browser, f"{pids['url']}/")  # a new visitor without a cookie
    assert fresh.locator("[data-testid='stException']").count() == 0
