"""Smoke tests in a real browser: the server starts, fills itself with the demo, every page renders,
and an upload goes from a wrong file to a right one. Screenshots are kept in test-artifacts/."""

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PAGES = [
    ("", "overview", "[data-testid='stMetric']", "Kiểm tra, giám sát"),
    ("indicators", "indicators", ".js-plotly-plot", "Xếp hạng các đơn vị trực thuộc"),
    ("year_on_year", "year_on_year", "[data-testid='stDataFrame']", "So sánh cùng kỳ"),
    ("reporting", "reporting", ".js-plotly-plot", "Tỷ lệ đơn vị đã báo cáo"),
    ("unit_profile?pham_vi=XP05", "unit_profile", ".js-plotly-plot", "Thứ hạng của"),
    ("reform_index", "reform_index", ".js-plotly-plot", "đơn vị đạt mức Hoàn thành tốt trở lên"),
    ("upload", "upload", "input[type=file]", "Tải mẫu báo cáo"),
    ("uploads", "uploads", "text=Lịch sử một giá trị", "Hoàn tác"),
    ("present?ky=2025-Q3&trang=2", "present", ".js-plotly-plot", "Kiểm tra, giám sát"),
    ("deck?ky=2025-Q3", "deck", "text=Xuất từng biểu đồ", "Nhận định từng trang"),
    ("people", "people", "text=Thư điện tử", "Không đăng nhập: mọi người mở trang đều có toàn quyền"),
    ("audit", "audit", "text=Người thực hiện", "Không đăng nhập: mọi người mở trang đều có toàn quyền"),
]
BAD = "Mã đơn vị;Kỳ;Mã chỉ tiêu;Giá trị\nXP01;Quý III/2026;kt_tcd;-4\nXP99;Quý III/2026;kt_tdc;5\n"
GOOD = "unit_code,period,indicator_code,value\nXP01,2026-Q3,kt_tcd,14\nXP01,2026-Q3,kt_dv,33\n"


def no_exception(page) -> None:
    assert page.locator("[data-testid='stException']").count() == 0


def wait_idle(page) -> None:
    """Wait until the script run has finished, so a key press meets the buttons of the finished page."""
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']", state="attached", timeout=60_000
    )


def test_a_deep_link_opened_first_is_framed_by_the_router(server: str, page) -> None:
    page.goto(f"{server}/upload")  # the first session of a fresh server
    page.wait_for_selector("input[type=file]", state="attached", timeout=120_000)
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.wait_for(timeout=30_000)
    text = nav.inner_text()  # icon ligature names (dashboard, history) are part of the text
    assert "Phân tích" in text and "Tổng quan" in text and "Lịch sử tải lên" in text
    assert "uploads" not in text and "overview" not in text  # the file names of Streamlit's old page mode
    no_exception(page)


@pytest.mark.parametrize(("path", "name", "ready", "text"), PAGES)
def test_page_renders_without_exception(server: str, page, path: str, name: str, ready: str, text: str) -> None:
    page.goto(f"{server}/{path}")
    page.wait_for_selector(ready, state="attached", timeout=120_000)
    if name == "overview":
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    wait_idle(page)
    page.wait_for_timeout(1000)  # charts draw after the run has ended
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    no_exception(page)
    body = page.inner_text("body")
    assert "Dữ liệu minh họa" in body and text in body


def test_upload_a_wrong_file_then_a_right_one(server: str, page, tmp_path) -> None:
    bad, good = tmp_path / "sai.csv", tmp_path / "dung.csv"
    bad.write_text(BAD, encoding="utf-8")
    good.write_text(GOOD, encoding="utf-8")
    page.goto(f"{server}/upload")
    page.wait_for_selector("input[type=file]", state="attached", timeout=120_000)
    wait_idle(page)
    page.set_input_files("input[type=file]", str(bad))
    page.wait_for_selector("text=Chưa lưu gì", timeout=60_000)
    assert page.get_by_text("Lưu vào cơ sở dữ liệu").count() == 0
    page.screenshot(path=str(ARTIFACTS / "upload-errors.png"), full_page=True)
    page.set_input_files("input[type=file]", str(good))
    page.get_by_text("Lưu vào cơ sở dữ liệu").wait_for(timeout=60_000)
    page.get_by_text("Lưu vào cơ sở dữ liệu").click()
    page.wait_for_selector("text=Đã lưu lần tải lên", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "upload-stored.png"), full_page=True)
    no_exception(page)


def test_the_presenter_moves_through_the_slides_with_the_keyboard(server: str, page) -> None:
    page.goto(f"{server}/present?ky=2025-Q3&trang=1&toan_man_hinh=1")
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    for key, slide, title in [
        ("ArrowRight", 2, "Kiểm tra, giám sát"),
        ("PageDown", 3, "Hội họp"),
        ("ArrowLeft", 2, "Kiểm tra, giám sát"),
    ]:
        wait_idle(page)
        page.wait_for_selector(".st-key-pr_next button:not([disabled])", state="attached", timeout=30_000)
        page.keyboard.press(key)
        page.wait_for_url(f"**trang={slide}**", timeout=30_000)
        page.wait_for_selector(f".pr-title:text-is('{title}')", timeout=30_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / "present-slide.png"))
    assert page.locator("[data-testid='stSidebar']").is_hidden()  # full screen: the slide alone
    assert "2/10" in page.inner_text(".pr-footer")
    no_exception(page)
