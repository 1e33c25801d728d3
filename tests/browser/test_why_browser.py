""" "Số liệu này từ đâu?" from a chart point and from a slide's bar (issue 14): a real click in Chromium on
the Plotly chart shows the figure, its parts with their uploads and states, and the lineage mapping."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_smoke import no_exception, wait_idle

pytestmark = pytest.mark.browser


def test_a_click_on_a_units_point_shows_where_its_figure_comes_from(server: str, page) -> None:
    page.goto(f"{server}/indicators?ky=2026-Q3&nhom=cntt&chi_tieu=tl_vb_kyso")
    page.wait_for_selector("text=Bấm vào một điểm trên biểu đồ", timeout=120_000)
    wait_idle(page)
    ranking = page.locator("[data-testid=stPlotlyChart]").nth(1)
    points = ranking.locator(".scatterlayer .trace").nth(2).locator(".points path")  # "Kỳ này", best at the top
    points.nth(points.count() - 1).click(force=True)
    page.wait_for_selector("text=giá trị tạo nên số liệu", timeout=60_000)
    wait_idle(page)
    text = page.locator("[data-testid=stMain]").inner_text()
    assert "Số liệu này từ đâu?" in text
    assert "Tỷ lệ văn bản đi có chữ ký số, Văn phòng Tỉnh ủy, Quý III/2026" in text  # the clicked unit's figure
    assert "Tử số" in text and "mẫu số" in text  # a rate: its numerator and denominator
    page.screenshot(path=str(ARTIFACTS / "why-chart-point.png"), full_page=True)
    no_exception(page)


def test_a_click_on_a_slides_bar_opens_the_parts_and_the_lineage(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{server}/present?ky=2026-Q3&trang=7")  # so sánh cùng kỳ giữa các đơn vị
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        wait_idle(page)
        bars = page.locator("[data-testid=stPlotlyChart] .barlayer .trace").last.locator(".point path")
        bars.first.click(force=True)
        dialog = page.get_by_role("dialog")
        dialog.wait_for(timeout=60_000)
        wait_idle(page)
        text = dialog.inner_text()
        assert "Số liệu này từ đâu?" in text and "Quý III/2026" in text
        assert "giá trị tạo nên số liệu" in text and "Tử số" in text
        assert "So sánh với cùng kỳ năm trước tính cả số liệu của" in text  # merged units: the lineage used
        page.screenshot(path=str(ARTIFACTS / "why-slide-bar.png"))
        no_exception(page)
    finally:
        context.close()
