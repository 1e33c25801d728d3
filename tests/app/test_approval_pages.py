"""The pages of issue 14 under AppTest: the official / all figures choice on the overview, and the approval
board on Tình hình báo cáo acting for real on the database."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reform import approval, db, policy

Q3 = date(2026, 7, 1)


@pytest.fixture
def approved_db(demo_db: Path) -> Path:
    """The demo with one commune's 2026-Q3 approved."""
    con = db.connect(demo_db)
    admin = policy.command_line("kiểm thử")
    approval.act(con, admin, "submit", "XP01", Q3)
    approval.act(con, admin, "approve", "XP01", Q3)
    con.close()
    return demo_db


def test_the_overview_shows_official_figures_when_chosen_and_says_so(open_page, approved_db: Path) -> None:
    at = open_page(approved_db, "pages/overview.py")
    assert at.selectbox(key="so_lieu").value == "tat_ca"  # everyone may upload without sign-in: all figures
    working = {m.label: m.value for m in at.metric}
    assert any("Tất cả số liệu" in c.value for c in at.caption)
    at.selectbox(key="so_lieu").set_value("chinh_thuc").run()
    assert not at.exception
    official = {m.label: m.value for m in at.metric}
    assert any("Số liệu chính thức" in c.value for c in at.caption)
    assert official != working and official["Tổng số cuộc họp"] != working["Tổng số cuộc họp"]
    assert any("chưa được duyệt" in w.value for w in at.warning)  # units not approved, not "chưa báo cáo"
    assert not any("chưa báo cáo" in w.value for w in at.warning)
    assert any(b.label == "Số liệu này từ đâu?" for b in at.button)


def shown(at) -> str:
    """What a page shows of its figures: tables, charts and text, to compare two runs."""
    tables = [d.value.to_csv() for d in at.dataframe]
    charts = [str(c.proto) for c in at.get("plotly_chart")]
    return "\n".join(tables + charts + [m.value for m in at.markdown])


@pytest.mark.parametrize("page", ["indicators", "year_on_year", "unit_profile", "reporting"])
def test_every_analysis_page_shows_official_figures_when_chosen_and_says_so(
    open_page, approved_db: Path, page: str
) -> None:
    at = open_page(approved_db, f"pages/{page}.py")
    assert any("Tất cả số liệu" in c.value for c in at.caption)
    working = shown(at)
    at.selectbox(key="so_lieu").set_value("chinh_thuc").run()
    assert not at.exception
    assert any("Số liệu chính thức" in c.value for c in at.caption)
    assert not at.warning or not any("chưa có số liệu chính thức" in w.value for w in at.warning)
    assert shown(at) != working  # only XP01's quarter is approved: the official figures are not the working ones


def test_the_board_acts_on_the_database(open_page, approved_db: Path) -> None:
    at = open_page(approved_db, "pages/reporting.py")
    assert not at.exception
    assert any("Duyệt báo cáo Quý III/2026" in h.value for h in at.markdown)
    assert at.selectbox(key="board_unit").value is not None
    at.selectbox(key="board_unit").set_value("XP02")
    at.selectbox(key="board_action").set_value("submit")
    submit = [b for b in at.button if b.label == "Thực hiện"]
    submit[0].click().run()
    assert not at.exception
    con = db.connect(approved_db)
    try:
        states = dict(approval.status(con, "TU", Q3)[["unit_code", "state"]].itertuples(index=False, name=None))
    finally:
        con.close()
    assert (states["XP01"], states["XP02"]) == ("approved", "submitted")
    assert any("Đề nghị" in c.value and "Quý III/2026" in c.value for c in at.code)


def test_quan_tri_sets_the_entry_window_and_reopens_it_for_one_unit(open_page, approved_db: Path) -> None:
    at = open_page(approved_db, "pages/reporting.py")
    assert any("Hạn nhập số liệu: 0 ngày" in e.label for e in at.expander)
    at.number_input[0].set_value(10)
    next(b for b in at.button if b.label == "Lưu hạn nhập").click().run()
    assert not at.exception
    assert any("Hạn nhập số liệu: 10 ngày" in e.label for e in at.expander)
    at.text_input(key="exception_reason").set_value("máy chủ hỏng tuần cuối quý")
    next(b for b in at.button if b.label == "Mở lại hạn nhập").click().run()
    assert not at.exception
    con = db.connect(approved_db)
    try:
        assert approval.window_days(con) == 10
        assert approval.exceptions(con, "TU", Q3)["reason"].tolist() == ["máy chủ hỏng tuần cuối quý"]
    finally:
        con.close()
