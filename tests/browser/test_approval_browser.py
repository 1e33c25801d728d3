"""Approval for real (issue 14): the dashboard with sign-in through a real OpenID Connect provider; an
uploader submits a commune's quarter on the approval board, an approver approves it, quản trị locks it,
an upload into the locked quarter is refused (saying who locked it and when) and nothing is stored,
quản trị unlocks it with a reason. Screenshots at 1280×720."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from reform import db, policy
from tests.browser.conftest import ARTIFACTS, auth_secrets, start_identity_provider, start_streamlit, stop, wait_healthy
from tests.browser.test_sign_in_browser import visible_text, wait_idle

pytestmark = pytest.mark.browser

IDP_PORT, APP_PORT = 9040, 8640  # this test's ports; both servers bind 127.0.0.1 only
IDP = f"http://127.0.0.1:{IDP_PORT}"
APP = f"http://127.0.0.1:{APP_PORT}"
USERS = {"nhap-xp05": "nhap.xp05@vd.vn", "duyet-tu": "duyet.tu@vd.vn", "quan-tri": "quantri@vd.vn"}
BOARD = "reporting?ky=2026-Q3&pham_vi=XP05"
LATE = "unit_code,period,indicator_code,value\nXP05,2026-Q3,kt_tcd,13\n"


@pytest.fixture(scope="module")
def servers(demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, subprocess.Popen]]:
    """The identity provider and `streamlit run dashboard.py` (sign-in required) on a copy of the demo."""
    tmp = tmp_path_factory.mktemp("approval_app")
    idp_log = open(tmp / "idp.log", "w")  # noqa: SIM115
    idp = start_identity_provider(IDP_PORT, USERS, idp_log)
    path = tmp / "app.duckdb"
    shutil.copy(demo_db_master, path)
    con = db.connect(path)
    admin = policy.command_line("kiểm thử")
    policy.grant(con, admin, USERS["nhap-xp05"], "nhap", "XP05")
    policy.grant(con, admin, USERS["duyet-tu"], "duyet", "TU")
    policy.grant(con, admin, USERS["quan-tri"], "quantri", None)
    con.close()
    secrets = auth_secrets(tmp / "secrets.toml", APP, IDP)
    env = {**os.environ, "REFORM_DB": str(path), "REFORM_AUTO_DEMO": "0", "REFORM_AUTH": "oidc"}
    app_log = open(tmp / "streamlit.log", "w")  # noqa: SIM115
    app = start_streamlit(APP_PORT, env, app_log, "--secrets.files", str(secrets))
    try:
        wait_healthy(APP, app)
        yield path, app
    finally:
        stop(app)
        stop(idp)
        app_log.close()
        idp_log.close()


def signed_in(browser, subject: str, path: str, height: int = 720):
    """A fresh browser context (its own cookies) signed in as subject, at path."""
    context = browser.new_context(viewport={"width": 1280, "height": height}, locale="vi-VN")
    page = context.new_page()
    page.goto(APP)
    page.get_by_role("button", name="Đăng nhập").click(timeout=60_000)
    page.wait_for_url(f"{IDP}/**", timeout=30_000)
    page.locator(f"button[name=sub][value='{subject}']").click()
    page.wait_for_url(f"{APP}/**", timeout=30_000)
    wait_idle(page)
    page.goto(f"{APP}/{path}")
    wait_idle(page)
    return context, page


def act(page, action: str, reason: str = "") -> None:
    """Pick an action on the approval board (the commune is the only unit of the scope) and do it."""
    form = page.locator(".st-key-board_action")
    form.wait_for(timeout=60_000)
    box = form.locator("input[role='combobox']")
    if box.input_value() != action:  # type to filter the list, then take the first match
        box.click()
        page.keyboard.type(action)
        page.keyboard.press("Enter")
        wait_idle(page)
        assert box.input_value() == action
    if reason:
        page.locator(".st-key-board_reason input").fill(reason)
    page.get_by_role("button", name="Thực hiện").click()
    wait_idle(page)


def show_board(page) -> None:
    """Scroll the approval board's heading to the top of the window (the page scrolls inside Streamlit)."""
    page.get_by_text("Duyệt báo cáo Quý III/2026").evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)


@pytest.mark.timeout(600)  # five sign-ins through the provider and a dozen page runs on a shared machine
def test_submit_approve_refuse_a_late_upload_and_unlock(servers, browser, tmp_path: Path) -> None:
    path, app = servers
    ARTIFACTS.mkdir(exist_ok=True)
    context, page = signed_in(browser, "nhap-xp05", BOARD)
    act(page, "Nộp báo cáo")
    page.wait_for_selector("text=0 chưa nộp · 1 đã nộp", timeout=60_000)
    show_board(page)
    page.screenshot(path=str(ARTIFACTS / "approval-submitted.png"))
    context.close()

    context, page = signed_in(browser, "duyet-tu", BOARD)
    act(page, "Duyệt")
    page.wait_for_selector("text=1 đã duyệt", timeout=60_000)
    assert "duyet.tu@vd.vn" in visible_text(page.locator("body"))
    context.close()

    admin, admin_page = signed_in(browser, "quan-tri", BOARD)  # kept open: quản trị unlocks at the end
    act(admin_page, "Khóa")
    admin_page.wait_for_selector("text=1 đã khóa", timeout=60_000)

    late = tmp_path / "bo_sung_quy3.csv"
    late.write_text(LATE, encoding="utf-8")
    # tall while the check runs: the table of errors draws only the cells in the window
    context, page = signed_in(browser, "nhap-xp05", "upload", height=2400)
    page.wait_for_selector("input[type=file]", state="attached", timeout=60_000)
    page.set_input_files("input[type=file]", str(late))
    refusal = page.get_by_text("Quý III/2026 đã khóa (quantri@")  # who closed it, and when (an e-mail is never a link)
    refusal.wait_for(timeout=60_000)
    wait_idle(page)
    assert page.get_by_text("Lưu vào cơ sở dữ liệu").count() == 0
    assert "Không lưu gì của tệp này" in visible_text(page.locator("body"))
    page.set_viewport_size({"width": 1280, "height": 720})
    refusal.evaluate("e => e.scrollIntoView({block: 'center'})")
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / "approval-upload-refused.png"))
    context.close()

    page = admin_page
    page.reload()
    wait_idle(page)
    act(page, "Mở khóa")  # without a reason: refused, says why
    page.wait_for_selector("text=Cần ghi lý do mở khóa", timeout=60_000)
    act(page, "Mở khóa", "Xã An Thành đính chính số văn bản đến")
    page.wait_for_selector("text=1 đã duyệt", timeout=60_000)
    show_board(page)
    page.screenshot(path=str(ARTIFACTS / "approval-unlocked.png"))
    assert page.locator("[data-testid='stException']").count() == 0
    admin.close()

    stop(app)  # the server holds the database file: stopped (by its PID) before the file is read
    with duckdb.connect(str(path), read_only=True) as con:
        moves = con.execute(
            "select action, actor, reason from report_transition where unit_code = 'XP05' order by id"
        ).fetchall()
        stored = con.execute(
            "select value from value where unit_code = 'XP05' and period = date '2026-07-01'"
            " and indicator_code = 'kt_tcd'"
        ).fetchall()
    assert [m[0] for m in moves] == ["submit", "approve", "lock", "unlock"]
    assert moves[-1][1:] == ("quantri@vd.vn", "Xã An Thành đính chính số văn bản đến")
    assert stored != [(13.0,)]  # the refused upload stored nothing
