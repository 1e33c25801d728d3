"""Streamlit's own chrome in Vietnamese where it can be set: no English app menu, the uploader's button
and size line in Vietnamese, and a Vietnamese "In / Xuất PDF" that opens the print dialog."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_smoke import no_exception, wait_idle

pytestmark = pytest.mark.browser


def test_the_uploader_speaks_vietnamese(server: str, page) -> None:
    page.goto(f"{server}/upload")
    page.wait_for_selector("[data-testid='stFileUploaderDropzone']", timeout=120_000)
    wait_idle(page)
    zone = page.locator("[data-testid='stFileUploaderDropzone']")
    after = "el => getComputedStyle(el, '::after').content"
    assert "Chọn tệp" in zone.locator("button p").evaluate(after)
    assert "Kéo thả tệp vào đây" in zone.locator("[data-testid='stFileUploaderDropzoneInstructions'] span").evaluate(
        after
    )
    assert zone.locator("button p").evaluate("el => getComputedStyle(el).fontSize") == "0px"  # "Upload" hidden
    page.locator("[data-testid='stFileUploader']").screenshot(path=str(ARTIFACTS / "uploader.png"))
    no_exception(page)


def test_no_english_menu_and_a_vietnamese_print_action(server: str, page) -> None:
    page.goto(f"{server}/reporting")
    page.wait_for_selector(".js-plotly-plot", timeout=120_000)
    wait_idle(page)
    assert page.locator("[data-testid='stMainMenu']").count() == 0  # Print, Record screen, Made with Streamlit
    body = page.inner_text("body")
    assert "Record a screencast" not in body and "Made with Streamlit" not in body
    page.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
    page.get_by_role("button", name="In / Xuất PDF").click()
    page.wait_for_function("() => window.__printed === 1", timeout=30_000)
    page.emulate_media(media="print")
    assert page.locator("[data-testid='stSidebar']").is_hidden()  # paper gets the page, not the controls
    assert page.get_by_role("button", name="In / Xuất PDF").is_hidden()
    page.screenshot(path=str(ARTIFACTS / "print-reporting.png"))
    no_exception(page)
