"""Sign-in and rights under AppTest: the gate, a viewer's scopes, a URL outside them, deny by default.
(The real sign-in through an OpenID Connect provider is in tests/browser/test_sign_in_browser.py.)"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from reform import db, fmt, policy

PROJECT = Path(__file__).resolve().parents[2]
ISSUER = "http://127.0.0.1:9030"
AUTH = {
    "redirect_uri": "http://localhost:8630/oauth2callback",
    "cookie_secret": "kiem-thu-khong-phai-bi-mat-that-0123456789",
    "client_id": "reform",
    "client_secret": "kiem-thu",
    "server_metadata_url": f"{ISSUER}/.well-known/openid-configuration",
}
OFF_BANNER = "Không đăng nhập: mọi người mở trang đều có toàn quyền"


def grant(path: Path, email: str, role: str, unit: str | None) -> None:
    con = db.connect(path)
    try:
        policy.grant(con, policy.command_line("kiểm thử"), email, role, unit)
    finally:
        con.close()


@pytest.fixture
def open_as(monkeypatch: pytest.MonkeyPatch, demo_db: Path):
    """open_as(user claims or None, page, **query) -> AppTest on the demo database with sign-in required."""

    def _open(user: dict | None, page: str | None = None, *, secrets: bool = True, **query: str) -> AppTest:
        monkeypatch.setenv("REFORM_DB", str(demo_db))
        monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
        monkeypatch.setenv("REFORM_AUTH", "oidc")
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
        if secrets:
            at.secrets["auth"] = AUTH
        at.user = {"is_logged_in": False} if user is None else {"is_logged_in": True, "iss": ISSUER, **user}
        for k, v in query.items():
            at.query_params[k] = v
        at.run()
        if page:
            at.switch_page(page).run()
        return at

    return _open


def text_of(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "markdown", "info", "warning", "error", "caption") for e in at.get(kind)]
    return "\n".join(str(p) for p in parts)


def test_oidc_without_auth_secrets_says_what_to_write(open_as) -> None:
    at = open_as(None, secrets=False)
    assert not at.exception
    assert any("[auth]" in e.value and "server_metadata_url" in e.value for e in at.error)
    assert not at.selectbox and not at.metric


def test_anonymous_sees_only_the_sign_in_page(open_as) -> None:
    at = open_as(None, pham_vi="TU")
    assert not at.exception
    assert [b.label for b in at.button] == ["Đăng nhập"]
    assert not at.selectbox and not at.metric and not at.dataframe


def test_a_person_with_no_grant_sees_a_page_saying_so_and_nothing_else(open_as, demo_db: Path) -> None:
    at = open_as({"sub": "u-none", "email": "ai-do@vd.vn"})
    assert not at.exception
    assert any("chưa được cấp quyền" in w.value for w in at.warning)
    assert [b.label for b in at.button] == ["Đăng xuất"]
    assert not at.selectbox and not at.metric and not at.dataframe
    with duckdb.connect(str(demo_db)) as con:  # the app holds the file open in this process
        assert con.execute("select actor, action, outcome from audit").fetchall() == [
            ("ai-do@vd.vn", "sign_in", "refused")
        ]


def test_a_viewer_of_one_commune_is_offered_only_it(open_as, demo_db: Path) -> None:
    grant(demo_db, "xem.xp05@vd.vn", "xem", "XP05")
    at = open_as({"sub": "u-xp05", "email": "xem.xp05@vd.vn"})
    assert not at.exception
    assert at.selectbox(key="pham_vi").options == ["Đảng bộ xã An Thành"]
    assert OFF_BANNER not in text_of(at)
    assert any(fmt.plain("xem.xp05@vd.vn") in c.value for c in at.sidebar.caption)  # as text, not a link
    for page in ("pages/indicators.py", "pages/year_on_year.py", "pages/reporting.py", "pages/deck.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert at.selectbox(key="pham_vi").options == ["Đảng bộ xã An Thành"], page
    at.switch_page("pages/upload.py").run()
    assert any("chỉ có quyền xem" in i.value for i in at.info) and not at.get("file_uploader")


def test_a_url_scope_outside_says_so_and_shows_nothing(open_as, demo_db: Path) -> None:
    grant(demo_db, "xem.xp05@vd.vn", "xem", "XP05")
    at = open_as({"sub": "u-xp05", "email": "xem.xp05@vd.vn"}, pham_vi="XP01")
    assert not at.exception
    assert any("không có quyền xem đơn vị “XP01”" in e.value for e in at.error)
    assert not at.metric and not at.get("plotly_chart") and not at.dataframe


def test_admin_pages_are_for_quan_tri_only(open_as, demo_db: Path) -> None:
    grant(demo_db, "qt@vd.vn", "quantri", None)
    grant(demo_db, "xem@vd.vn", "xem", "TU")
    viewer = open_as({"sub": "u-xem", "email": "xem@vd.vn"})
    with pytest.raises(Exception):  # noqa: B017 - the page is not in a viewer's navigation at all
        viewer.switch_page("pages/people.py").run()
    admin = open_as({"sub": "u-qt", "email": "qt@vd.vn"}, "pages/people.py")
    assert not admin.exception
    emails = set(admin.dataframe[0].value["Thư điện tử"])
    assert emails == {"qt@vd.vn", "xem@vd.vn"}
    admin.text_input(key="pp_email").input("248289761001")  # an account without e-mail: its subject
    admin.button[0].click().run()  # the form's "Cấp quyền" (xem over the whole province by default)
    assert not admin.exception and not admin.error
    assert "248289761001" in set(admin.dataframe[0].value["Mã định danh"])
    admin.switch_page("pages/audit.py").run()
    assert not admin.exception
    log = admin.dataframe[0].value
    assert {"grant", "sign_in"} <= set(log["Việc"])


def test_off_mode_says_so_on_every_screen(monkeypatch: pytest.MonkeyPatch, demo_db: Path) -> None:
    monkeypatch.setenv("REFORM_DB", str(demo_db))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.delenv("REFORM_AUTH", raising=False)  # unset on the demo database: off
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60)
    at.run()
    for page in ("pages/overview.py", "pages/upload.py", "pages/people.py", "pages/audit.py"):
        at.switch_page(page).run()
        assert not at.exception, page
        assert any(OFF_BANNER in w.value for w in at.warning), page
