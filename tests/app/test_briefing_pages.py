"""The presentation and the deck editor under AppTest: slide number in the URL, keys, saving and freezing."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from reform import briefing, db, periods, sql, store

PROJECT = Path(__file__).resolve().parents[2]


def open_with(monkeypatch: pytest.MonkeyPatch, path: Path, page: str, ky: str = "", **params: str) -> AppTest:
    """The app on that database switched to that page, the period picked in the sidebar, these URL parameters."""
    monkeypatch.setenv("REFORM_DB", str(path))
    monkeypatch.setenv("REFORM_AUTO_DEMO", "0")
    monkeypatch.setenv("REFORM_AUTH", "off")
    at = AppTest.from_file(str(PROJECT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    if ky:
        at.selectbox(key="ky").set_value(ky).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def slide_title(at: AppTest) -> str:
    block = next(m.value for m in at.markdown if "pr-title" in m.value and "<div" in m.value)
    return block.split("<div class='pr-title'>")[1].split("</div>")[0]


def footer(at: AppTest) -> str:
    return next(m.value for m in at.markdown if "<div class='pr-footer'>" in m.value)


def test_the_slide_number_comes_from_the_url_and_follows_the_buttons(monkeypatch, demo_db) -> None:
    at = open_with(monkeypatch, demo_db, "pages/present.py", ky="2025-Q3", trang="3")
    assert slide_title(at) == "Hội họp" and at.query_params["trang"] == "3"
    assert "Quý III/2025" in footer(at) and "3/10" in footer(at)
    at.button(key="pr_next").click().run()
    assert slide_title(at) == "Ứng dụng CNTT" and at.query_params["trang"] == "4"
    at.button(key="pr_pageup").click().run()  # the presenter remote's PageUp
    at.button(key="pr_prev").click().run()
    assert at.query_params["trang"] == "2" and slide_title(at) == "Kiểm tra, giám sát"


def test_a_slide_number_out_of_range_lands_on_the_nearest_slide(monkeypatch, demo_db) -> None:
    at = open_with(monkeypatch, demo_db, "pages/present.py", ky="2025-Q3", trang="99")
    assert at.query_params["trang"] == "10" and slide_title(at) == "Đơn vị cần quan tâm"
    assert at.button(key="pr_next").disabled
    at = open_with(monkeypatch, demo_db, "pages/present.py", ky="2025-Q3", trang="mot")
    assert at.query_params["trang"] == "1" and at.button(key="pr_prev").disabled


def test_the_editor_saves_freezes_and_the_presentation_holds_the_frozen_figures(monkeypatch, demo_db) -> None:
    at = open_with(monkeypatch, demo_db, "pages/deck.py", ky="2025-Q3")
    assert at.text_input(key="dk_name||TU|2025-Q3").value == "Giao ban Quý III/2025"
    at.button(key="dk_freeze").click().run()
    assert not at.exception
    assert any("Đã chốt số liệu" in s.value for s in at.success)
    before = open_with(monkeypatch, demo_db, "pages/present.py", bai="Giao ban Quý III/2025", trang="1")
    text_before = next(m.value for m in before.markdown if "pr-text" in m.value)
    assert "số liệu chốt lúc" in footer(before)

    con = db.connect(demo_db)  # an upload arrives during the meeting
    p = periods.parse("2025-Q3")
    stored = sql.run(con, "export_values", period_start=p.start, period_end=p.start, unit=None)
    kt = stored[stored["indicator_code"] == "kt_tcd"].assign(value=lambda d: d["value"] + 5)
    store.write_values(
        con,
        kt.assign(period=pd.to_datetime(kt["period"]).dt.date),
        file_name="muon.csv",
        digest="m",
        layout="long",
        user="test",
    )
    live = briefing.build(con, briefing.load(con, "Giao ban Quý III/2025").spec)
    con.close()

    after = open_with(monkeypatch, demo_db, "pages/present.py", bai="Giao ban Quý III/2025", trang="1")
    assert next(m.value for m in after.markdown if "pr-text" in m.value) == text_before
    assert live.slides[0].sentences[0] not in text_before  # the live figures did change


def test_unfreezing_shows_what_changed(monkeypatch, demo_db) -> None:
    con = db.connect(demo_db)
    spec = briefing.default_spec(con, "TU", "2025-Q3", name="Bài thử")
    briefing.save(con, spec)
    briefing.freeze(con, "Bài thử")
    p = periods.parse("2025-Q3")
    rows = pd.DataFrame({"unit_code": ["XP01"], "period": [p.start], "indicator_code": ["kt_tcd"], "value": [999.0]})
    store.write_values(con, rows, file_name="muon.csv", digest="m2", layout="long", user="test")
    con.close()
    at = open_with(monkeypatch, demo_db, "pages/deck.py", ky="2025-Q3")
    at.selectbox(key="dk_pick").select("Bài thử").run()
    assert any("đã chốt số liệu" in i.value for i in at.info)
    at.button(key="dk_unfreeze").click().run()
    assert not at.exception
    assert any("Đã bỏ chốt" in s.value for s in at.success)
    changed = at.dataframe[0].value
    assert "Tổ chức đảng được kiểm tra" in set(changed["category"])


def test_without_a_browser_the_png_export_says_so_and_the_powerpoint_stays(monkeypatch, demo_db) -> None:
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    at = open_with(monkeypatch, demo_db, "pages/deck.py", ky="2025-Q3")
    assert any("chưa có trình duyệt Chromium" in c.value and "PowerPoint" in c.value for c in at.caption)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "PowerPoint (.pptx), biểu đồ sửa được" in labels and "Ảnh PNG" not in labels
