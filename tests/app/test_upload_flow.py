"""The upload and history pages driven through their widgets, on a copy of the demo database."""

import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reform import store

# every write of these tests is followed by invariants.check (tests/conftest.py)
pytestmark = pytest.mark.usefixtures("checked_writes")

PROJECT = Path(__file__).resolve().parents[2]
GOOD = b"unit_code,period,indicator_code,value\nXP01,2026-Q3,kt_tcd,14\nXP01,2026-Q3,kt_dv,33\n"
BAD = "Mã đơn vị;Kỳ;Mã chỉ tiêu;Giá trị\nXP01;Quý III/2026;kt_tcd;-4\nXP99;Quý III/2026;kt_tdc;5\n".encode()


def stored(db: Path) -> list[tuple]:
    with duckdb.connect(str(db)) as con:  # same configuration as the app's connection in this process
        return con.execute("select * from value order by all").fetchall()


@pytest.fixture
def page(open_page):
    return lambda _monkeypatch, db, path: open_page(db, path)


def table_with(at: AppTest, column: str):
    """The first table on the page that has this column (dataframes carry no widget key in AppTest)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def upload(at: AppTest, name: str, data: bytes) -> AppTest:
    # the picker's key is "up_file", then "up_file_1", … : each save empties it
    key = "up_file" + (f"_{at.session_state['up_generation']}" if "up_generation" in at.session_state else "")
    at.file_uploader(key=key).set_value((name, data, "text/csv")).run()
    assert not at.exception
    return at


def test_a_bad_file_shows_every_issue_and_stores_nothing(page, monkeypatch, demo_db) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    before = stored(demo_db)
    upload(at, "sai.csv", BAD)
    codes = set(table_with(at, "Mã lỗi")["Mã lỗi"])
    assert {"E_NEGATIVE", "E_UNKNOWN_UNIT", "E_UNKNOWN_INDICATOR"} <= codes
    assert any("Chưa lưu gì" in e.value for e in at.error)
    assert not [b for b in at.button if b.key == "up_commit"]
    assert stored(demo_db) == before


def test_a_good_file_is_previewed_then_stored_on_confirmation(page, monkeypatch, demo_db) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    before = stored(demo_db)
    upload(at, "dung.csv", GOOD)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Thay đổi"] == "2" and metrics["Lỗi"] == "0"
    changes = table_with(at, "Giá trị mới")
    assert set(changes["Giá trị mới"]) == {"14", "33"}
    assert stored(demo_db) == before  # nothing stored by the preview
    at.button(key="up_commit").click().run()
    assert not at.exception
    assert any("Đã lưu lần tải lên số 16" in s.value for s in at.success)
    after = {(r[0], r[2]): r[3] for r in stored(demo_db) if r[0] == "XP01" and str(r[1]) == "2026-07-01"}
    assert after[("XP01", "kt_tcd")] == 14 and after[("XP01", "kt_dv")] == 33


FIXTURES = PROJECT / "tests" / "fixtures"


def as_read(markdown: str) -> str:
    """Markdown as the reader reads it: without the escapes and the invisible joiners of fmt.plain."""
    return markdown.replace("\\", "").replace("\u2060", "")


def test_the_page_says_what_it_understood_before_anything_else(page, monkeypatch, demo_db) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    data = (FIXTURES / "bao_cao_quy3_2025_mau_van_phong.xlsx").read_bytes()
    at.file_uploader(key="up_file").set_value(("mau.xlsx", data, "application/octet-stream")).run()
    assert not at.exception
    text = "\n".join(m.value for m in at.markdown)
    for said in (
        "Kỳ báo cáo: Quý III/2025",
        "dạng bảng (mỗi cột một chỉ tiêu)",
        "Dòng tiêu đề: dòng 5–6 (tiêu đề hai dòng)",
        "Đơn vị có số liệu: 4",
        "Chỉ tiêu: 5",
        "Đảng bộ xã An Thành: không có số liệu (dòng 15)",
        "“Tổng số cán bộ, công chức” bị ẩn",
        "dòng 11: dòng bị ẩn",
        "dòng 7: dòng đánh số cột",
        "ghi chú và chữ ký dưới bảng",
    ):
        assert said in as_read(text), said
    order = [type(e).__name__ + ":" + str(getattr(e, "value", getattr(e, "label", ""))) for e in _walk(at.main)]
    understood = next(i for i, e in enumerate(order) if "Hệ thống đọc tệp như sau" in e)
    assert understood < next(i for i, e in enumerate(order) if e.startswith("Metric"))
    assert "dạng dạng" not in text


def test_a_long_message_is_shown_whole_and_after_saving_the_stored_values(page, monkeypatch, demo_db) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    upload(at, "sai.csv", BAD)
    long = next(i.message for i in _issues(at) if "XP99" in i.message)
    assert any(long in as_read(e.value) for e in at.error)  # whole, in the alert, not cut in a cell
    upload(at, "dung.csv", GOOD)
    at.button(key="up_commit").click().run()
    assert not at.exception
    stored_table = table_with(at, "Giá trị mới")
    assert set(stored_table["Giá trị mới"]) == {"14", "33"}
    assert not [w for w in at.warning if "Không đăng nhập" not in w.value]  # only the no-sign-in banner
    assert not [i for i in at.info if "không có gì mới" in i.value]  # no second check
    assert "up_file" not in at.session_state  # the stored file is let go


def _walk(node):
    """The page's elements in the order they are drawn."""
    children = getattr(node, "children", None)
    if not children:
        yield node
        return
    for key in sorted(children):
        yield from _walk(children[key])


def _issues(at: AppTest):
    from reform import importer

    return importer.prepare(_con(at), BAD, "sai.csv").report.issues


def _con(at: AppTest):
    import os

    from reform import db

    return db.connect(Path(os.environ["REFORM_DB"]))


def test_history_page_undoes_an_upload_exactly(page, monkeypatch, demo_db) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    before = stored(demo_db)
    upload(at, "dung.csv", GOOD)
    at.button(key="up_commit").click().run()
    assert stored(demo_db) != before
    at.switch_page("pages/uploads.py").run()
    assert at.selectbox(key="ul_pick").value == 16
    at.checkbox(key="ul_confirm").check().run()
    at.button(key="ul_undo").click().run()
    assert not at.exception
    assert any("Đã hoàn tác lần tải lên số 16" in s.value for s in at.success)
    assert [r[:4] for r in stored(demo_db)] == [r[:4] for r in before]


def test_undo_is_refused_while_a_later_upload_changed_the_same_values(page, monkeypatch, demo_db) -> None:
    before = stored(demo_db)
    at = page(monkeypatch, demo_db, "pages/upload.py")
    upload(at, "dung.csv", GOOD)
    at.button(key="up_commit").click().run()  # upload 16
    upload(at, "sua.csv", GOOD.replace(b",14", b",16"))
    at.button(key="up_commit").click().run()  # upload 17 touches a value of 16
    at.switch_page("pages/uploads.py").run()
    at.selectbox(key="ul_pick").set_value(16).run()
    at.checkbox(key="ul_confirm").check().run()
    middle = stored(demo_db)
    at.button(key="ul_undo").click().run()
    assert not at.exception
    assert any("số 17" in e.value and "hoàn tác các lần đó trước" in e.value for e in at.error)
    assert stored(demo_db) == middle
    for upload_id in (17, 16):  # newest first works
        at.selectbox(key="ul_pick").set_value(upload_id).run()
        at.checkbox(key="ul_confirm").check().run()
        at.button(key="ul_undo").click().run()
        assert any(f"Đã hoàn tác lần tải lên số {upload_id}" in s.value for s in at.success)
    assert [r[:4] for r in stored(demo_db)] == [r[:4] for r in before]


def test_a_confirmation_made_stale_by_another_upload_stores_nothing_until_checked_again(
    page, monkeypatch, demo_db
) -> None:
    at = page(monkeypatch, demo_db, "pages/upload.py")
    upload(at, "dung.csv", GOOD)  # previewed: 14 and 33, two changes
    other = duckdb.connect(str(demo_db))  # another session of the same server process
    rows = pd.DataFrame([("XP01", date(2026, 7, 1), "kt_tcd", 14.0)], columns=store.VALUE_COLUMNS)
    store.write_values(other, rows, file_name="khac.csv", digest="k", layout="long", user="khác")
    other.close()
    middle = stored(demo_db)
    at.button(key="up_commit").click().run()
    assert not at.exception
    assert any(
        "Một lần tải lên khác vừa ghi vào Quý III/2026" in e.value and "Kiểm tra lại" in e.value for e in at.error
    )
    assert stored(demo_db) == middle  # nothing of the file
    assert [b for b in at.button if b.key == "up_recheck"]
    metrics = {m.label: m.value for m in at.metric}  # checked again against what the other upload stored
    assert metrics["Thay đổi"] == "1"  # kt_tcd is 14 already
    at.button(key="up_commit").click().run()  # confirmed again: stored
    assert any("Đã lưu lần tải lên số 17" in s.value for s in at.success)
    after = {(r[0], r[2]): r[3] for r in stored(demo_db) if r[0] == "XP01" and str(r[1]) == "2026-07-01"}
    assert after[("XP01", "kt_tcd")] == 14 and after[("XP01", "kt_dv")] == 33


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); sys.stdin.read()"


def test_a_page_beside_a_process_holding_the_database_says_so_and_retries(monkeypatch, demo_db) -> None:
    monkeypatch.setenv("REFORM_DB", str(demo_db))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.setattr("ui.DB_RETRY_SECONDS", 0.1)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(demo_db)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "ready"
    try:
        at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=60).run()
        assert not at.exception
        assert any("đang được mở bởi tiến trình khác" in w.value for w in at.warning)
        assert [b for b in at.button if b.key == "db_retry"]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    at.button(key="db_retry").click().run()  # the holder is gone: the page opens the database
    assert not at.exception and not any("tiến trình khác" in w.value for w in at.warning)
    assert at.title
