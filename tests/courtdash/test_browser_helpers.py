"""The browser tests' own measure of a page too wide for a phone (tests/browser.py): what redraws
itself after a viewport change is measured once redrawn; what is too wide is still reported."""

import pytest
from django.conf import settings
from playwright.sync_api import sync_playwright

from tests.browser import CHROMIUM_ARGS, horizontal_overflow

# A box 1000 px wide; when SHRINKS, it narrows to fit 400 ms after the window is resized, as a
# responsive Plotly chart redraws at the new width a moment after the resize event.
PAGE = """<!doctype html><html><body style="margin:0">
<div id="box" style="width:1000px;height:20px"></div>
<script>
  if (SHRINKS) {
    window.addEventListener("resize", () => setTimeout(() => {
      document.getElementById("box").style.width = (window.innerWidth - 10) + "px";
    }, 400));
  }
</script></body></html>"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.COURTDASH_CHROMIUM, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_page(browser):
    """A page of its own for each test: a timer the last test's page left (its box narrowing
    after a resize) must not fire on the next one's box."""
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    yield page
    page.close()


def show(page, *, shrinks: bool) -> None:
    page.set_viewport_size({"width": 1440, "height": 900})
    page.set_content(PAGE.replace("SHRINKS", "true" if shrinks else "false"))
    page.set_viewport_size({"width": 390, "height": 900})


def test_a_page_that_redraws_after_the_resize_is_measured_once_redrawn(browser_page):
    show(browser_page, shrinks=True)
    assert horizontal_overflow(browser_page) == 0


def test_a_page_too_wide_for_a_phone_is_still_reported(browser_page):
    show(browser_page, shrinks=False)
    assert horizontal_overflow(browser_page, settle_ms=300) == 1000 - 390
