"""Smoke test in a real browser: the server starts, fills itself with the demo, and every page renders."""

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser

PAGES = [("", "overview")]


@pytest.mark.parametrize(("path", "name"), PAGES)
def test_page_renders_without_exception(server: str, page, path: str, name: str) -> None:
    page.goto(f"{server}/{path}")
    page.wait_for_selector("[data-testid='stMetric']", timeout=120_000)
    page.wait_for_selector(".js-plotly-plot", timeout=60_000)
    page.wait_for_timeout(1500)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    assert page.locator("[data-testid='stException']").count() == 0
    text = page.inner_text("body")
    assert "Dữ liệu minh họa" in text
    assert "đơn vị đã báo cáo" in text
    assert "Kiểm tra, giám sát" in text and "Ứng dụng CNTT" in text
