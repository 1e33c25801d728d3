"""Every slide of the default deck fits the projector: at 1280×720 and 1920×1080 in full screen the page
does not scroll and the title, headline, chart, sentences, footer and buttons lie inside the window.
Screenshots of every slide at both sizes are kept in test-artifacts/ to be looked at."""

import pytest

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_smoke import no_exception, wait_idle

pytestmark = pytest.mark.browser

SIZES = [(1280, 720), (1920, 1080)]
SLIDES = 10  # the default deck of the demo
PARTS = [".pr-title", ".pr-headline", ".js-plotly-plot", ".pr-text", ".pr-footer", ".st-key-pr_prev", ".st-key-pr_next"]
MEASURE = """parts => {
  const main = document.querySelector('[data-testid="stMain"]');
  const boxes = {};
  for (const q of parts) {
    const e = document.querySelector(q);
    const r = e ? e.getBoundingClientRect() : null;
    boxes[q] = r && [r.left, r.top, r.right, r.bottom];
  }
  return {scroll: main.scrollHeight - main.clientHeight, page: document.documentElement.scrollHeight, boxes};
}"""


def outside(box: list[float] | None, width: int, height: int) -> bool:
    return box is None or box[0] < 0 or box[1] < 0 or box[2] > width + 0.5 or box[3] > height + 0.5


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_every_slide_fits_the_window_in_full_screen(server: str, browser, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    page = context.new_page()
    try:
        problems = []
        for n in range(1, SLIDES + 1):
            page.goto(f"{server}/present?ky=2026-Q3&trang={n}&toan_man_hinh=1")
            page.wait_for_selector(".pr-footer", timeout=120_000)
            page.wait_for_selector(".js-plotly-plot .main-svg", timeout=60_000)
            wait_idle(page)
            page.wait_for_timeout(800)  # the chart takes its height after the run
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / f"present-{width}x{height}-{n:02d}.png"))
            m = page.evaluate(MEASURE, PARTS)
            if m["scroll"] > 1 or m["page"] > height:
                problems.append(f"slide {n}: scrolls by {m['scroll']} px")
            problems += [f"slide {n}: {q} {m['boxes'][q]}" for q in PARTS if outside(m["boxes"][q], width, height)]
            assert f"{n}/{SLIDES}" in page.inner_text(".pr-footer")
            no_exception(page)
        assert not problems, problems
    finally:
        context.close()


def test_the_full_screen_control_is_in_view_and_a_new_slide_starts_at_the_top(server: str, browser) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="vi-VN")
    page = context.new_page()
    try:
        page.goto(f"{server}/present?ky=2026-Q3&trang=4")
        page.wait_for_selector(".js-plotly-plot .main-svg", timeout=120_000)
        wait_idle(page)
        button = page.locator(".st-key-pr_full button").bounding_box()
        assert button and button["y"] >= 0 and button["y"] + button["height"] <= 720
        page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTo(0, 10000)")
        assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") > 0
        page.locator(".st-key-pr_next button").click()
        page.wait_for_url("**trang=5**", timeout=30_000)
        wait_idle(page)
        page.wait_for_timeout(800)
        assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
        page.locator(".st-key-pr_full button").click()
        page.wait_for_url("**toan_man_hinh=1**", timeout=30_000)
        page.wait_for_selector(".st-key-pr_exit", timeout=30_000)
        wait_idle(page)
        assert page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]').scrollTop") == 0
        no_exception(page)
    finally:
        context.close()
