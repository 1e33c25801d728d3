"""Sign-in for real: an OpenID Connect provider (oidc-provider-mock) on 127.0.0.1, the dashboard with
REFORM_AUTH=oidc, and headless Chromium signing in through the provider's own pages."""

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

pytestmark = pytest.mark.browser

IDP_PORT, APP_PORT = 9031, 8631  # this project's test ports; both servers bind 127.0.0.1 only
IDP = f"http://127.0.0.1:{IDP_PORT}"
APP = f"http://127.0.0.1:{APP_PORT}"
USERS = {  # subject -> e-mail; the grants are made in the database, never in the token
    "xem-xp05": "xem.xp05@vd.vn",
    "nhap-xp05": "nhap.xp05@vd.vn",
    "khong-quyen": "khong.quyen@vd.vn",
}
FOREIGN = "unit_code,period,indicator_code,value\nXP05,2026-Q3,kt_tcd,12\nXP01,2026-Q3,kt_tcd,14\n"


@pytest.fixture(scope="module")
def identity_provider(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """oidc-provider-mock with one user per case, on 127.0.0.1."""
    log = open(tmp_path_factory.mktemp("idp") / "idp.log", "w")  # noqa: SIM115
    proc = start_identity_provider(IDP_PORT, USERS, log)
    try:
        yield IDP
    finally:
        stop(proc)
        log.close()


class App:
    """The dashboard server of this module, and its database (read once the server has stopped)."""

    def __init__(self, proc: subprocess.Popen, db_path: Path, values_before: tuple) -> None:
        self.proc, self.db_path, self.values_before = proc, db_path, values_before

    def stop(self) -> None:
        stop(self.proc)


@pytest.fixture(scope="module")
def app(identity_provider: str, demo_db_master: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[App]:
    """`streamlit run dashboard.py` with sign-in required, on a copy of the demo with the grants made."""
    tmp = tmp_path_factory.mktemp("oidc_app")
    path = tmp / "app.duckdb"
    shutil.copy(demo_db_master, path)
    con = db.connect(path)
    admin = policy.command_line("kiểm thử")
    policy.grant(con, admin, USERS["xem-xp05"], "xem", "XP05")
    policy.grant(con, admin, USERS["nhap-xp05"], "nhap", "XP05")
    before = values_fingerprint(con)
    con.close()
    secrets = auth_secrets(tmp / "secrets.toml", APP, identity_provider)
    env = {**os.environ, "REFORM_DB": str(path), "REFORM_AUTO_DEMO": "0", "REFORM_AUTH": "oidc"}
    log = open(tmp / "streamlit.log", "w")  # noqa: SIM115
    proc = start_streamlit(APP_PORT, env, log, "--secrets.files", str(secrets))
    server = App(proc, path, before)
    try:
        wait_healthy(APP, proc)
        yield server
    finally:
        server.stop()
        log.close()


def values_fingerprint(con: duckdb.DuckDBPyConnection) -> tuple:
    """How many values are stored and a hash of all of them."""
    return con.execute("select count(*), sum(hash(unit_code, period, indicator_code, value)) from value").fetchone()


def wait_idle(page) -> None:
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=60_000
    )


def sign_in(page, subject: str, path: str = "") -> None:
    """Open the dashboard, press Đăng nhập, pick the user on the provider's page, come back signed in."""
    page.goto(APP)
    page.get_by_role("button", name="Đăng nhập").click(timeout=60_000)
    page.wait_for_url(f"{IDP}/**", timeout=30_000)
    page.locator(f"button[name=sub][value='{subject}']").click()
    page.wait_for_url(f"{APP}/**", timeout=30_000)
    wait_idle(page)
    if path:
        page.goto(f"{APP}/{path}")
        wait_idle(page)


def visible_text(locator) -> str:
    """What the reader sees (fmt.plain puts an invisible word joiner into e-mails so they are not links)."""
    return locator.inner_text().replace("\u2060", "")


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def test_anonymous_sees_only_the_sign_in_page(app: App, page) -> None:
    for path in ("", "indicators?pham_vi=TU", "upload", "people"):
        page.goto(f"{APP}/{path}")
        page.get_by_role("button", name="Đăng nhập").wait_for(timeout=60_000)
        wait_idle(page)
        body = page.inner_text("body")
        assert "Đăng nhập" in body and "Tỉnh ủy" not in body and "Phạm vi" not in body, path
        assert page.locator("[data-testid='stSidebarNav']").count() == 0
        assert page.locator(".js-plotly-plot, [data-testid='stMetric']").count() == 0
        assert page.get_by_text("Page not found").count() == 0, path
    page.screenshot(path=str(ARTIFACTS / "sign-in.png"), full_page=True)


def test_a_viewer_of_one_commune_sees_only_it_and_signs_out(app: App, page) -> None:
    sign_in(page, "xem-xp05")
    page.wait_for_selector("[data-testid='stMetric']", timeout=60_000)
    sidebar = page.locator("[data-testid='stSidebar']")
    assert "xem.xp05@vd.vn" in visible_text(sidebar)
    assert sidebar.locator("a[href^='mailto']").count() == 0  # the e-mail is text, not a link
    scope = page.locator(".st-key-pham_vi")
    assert scope.locator("input[role='combobox']").input_value() == "Đảng bộ xã An Thành"
    scope.locator("button[aria-label='Open']").click()
    page.wait_for_selector("[role='option']", timeout=10_000)
    options = page.locator("[role='option']").all_inner_texts()
    assert [o.strip() for o in options] == ["Đảng bộ xã An Thành"]
    page.keyboard.press("Escape")
    page.screenshot(path=str(ARTIFACTS / "viewer-overview.png"), full_page=True)
    no_exception(page)

    page.goto(f"{APP}/indicators?pham_vi=XP01")  # a link to a unit outside
    page.wait_for_selector("text=Bạn không có quyền xem đơn vị “XP01”", timeout=60_000)
    wait_idle(page)
    assert page.locator(".js-plotly-plot, [data-testid='stMetric']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "viewer-outside.png"), full_page=True)

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url(f"{IDP}/**", timeout=30_000)  # the provider's end-session page
    page.get_by_role("button", name="End session").click()
    page.wait_for_url(f"{APP}/**", timeout=30_000)
    page.get_by_role("button", name="Đăng nhập").wait_for(timeout=60_000)
    page.goto(f"{APP}/indicators")  # signed out for good: any page is the sign-in page
    page.get_by_role("button", name="Đăng nhập").wait_for(timeout=60_000)
    assert page.locator("[data-testid='stMetric']").count() == 0


def test_a_person_with_no_grant_sees_nothing(app: App, page) -> None:
    sign_in(page, "khong-quyen")
    page.wait_for_selector("text=Chưa được cấp quyền", timeout=60_000)
    body = visible_text(page.locator("body"))
    assert "khong.quyen@vd.vn" in body and "Phạm vi" not in body
    assert page.locator("a[href^='mailto']").count() == 0
    assert page.locator("[data-testid='stSidebarNav'], .js-plotly-plot, [data-testid='stMetric']").count() == 0
    page.screenshot(path=str(ARTIFACTS / "no-grant.png"), full_page=True)


def test_an_uploaders_file_for_another_unit_is_refused_and_nothing_stored(app: App, page, tmp_path: Path) -> None:
    """Last in the module: it stops the server to read the database file."""
    f = tmp_path / "hai_don_vi.csv"
    f.write_text(FOREIGN, encoding="utf-8")
    sign_in(page, "nhap-xp05", "upload")
    page.wait_for_selector("input[type=file]", state="attached", timeout=60_000)
    wait_idle(page)
    assert "Người tải lên: nhap.xp05@vd.vn" in visible_text(page.locator("body"))
    page.set_input_files("input[type=file]", str(f))
    page.wait_for_selector("text=không thuộc các đơn vị bạn được giao nhập số liệu", timeout=60_000)
    wait_idle(page)
    page.get_by_text("Bảng đầy đủ").click()  # the full grid of issues, folded under the summary
    page.wait_for_selector("text=E_NOT_YOUR_UNIT", state="attached", timeout=30_000)  # its code in a grid cell
    assert page.get_by_text("Lưu vào cơ sở dữ liệu").count() == 0
    page.screenshot(path=str(ARTIFACTS / "upload-not-your-unit.png"), full_page=True)
    no_exception(page)
    app.stop()
    with duckdb.connect(str(app.db_path), read_only=True) as con:
        assert values_fingerprint(con) == app.values_before
        uploads = con.execute("select count(*) from upload where person_id is not null").fetchone()[0]
        refused = con.execute(
            "select count(*) from audit where actor = 'nhap.xp05@vd.vn' and action = 'upload' and outcome = 'refused'"
        ).fetchone()[0]
    assert (uploads, refused) == (0, 1)
