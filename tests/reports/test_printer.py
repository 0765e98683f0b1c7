"""The process's shared printer (reports.monthly.documents.SharedPrinter), which prints a
meeting's minutes and the other documents asked for one at a time: one Chromium kept between
prints, each document printed as itself, a dead Chromium replaced, an idle one closed.

Real Chromium (Playwright), as the pages use it; the PDFs' pages are counted in their bytes."""

import os
import re
import signal
import time

import psutil
import pytest

from reports.monthly.documents import SharedPrinter

pytestmark = pytest.mark.browser

BODY = "<p>第一段</p><p>第二段</p>"
ONE_PAGE = f"<!doctype html><html lang=zh><head><title>甲</title></head><body>{BODY}</body></html>"
# The same body under another head, whose style puts each paragraph on a page of its own.
TWO_PAGES = (
    "<!doctype html><html lang=zh><head><title>乙</title>"
    f"<style>p {{ break-after: page; }}</style></head><body>{BODY}</body></html>"
)


def pages(pdf: bytes) -> int:
    assert pdf.startswith(b"%PDF")
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def chromium_browsers() -> set[int]:
    """The browser processes (not their renderers) below this process."""
    found = set()
    for process in psutil.Process().children(recursive=True):
        try:
            command = process.cmdline()
        except psutil.Error:
            continue
        if command and "chromium" in command[0] and not any("--type=" in a for a in command):
            found.add(process.pid)
    return found


@pytest.fixture
def shared(settings):
    settings.COURTDASH_PRINTER_IDLE_SECONDS = 60
    printer = SharedPrinter()
    yield printer
    printer.close()


def test_documents_of_two_kinds_print_as_themselves_with_one_chromium(shared):
    before = chromium_browsers()
    assert pages(shared.pdf(ONE_PAGE)) == 1
    kept = shared._printer
    browsers = chromium_browsers() - before
    assert len(browsers) == 1
    # Another head: loaded afresh, not its body redrawn under the first one's style.
    assert pages(shared.pdf(TWO_PAGES)) == 2
    # The same head: its body redrawn in the page as loaded (three paragraphs, three pages).
    assert pages(shared.pdf(TWO_PAGES.replace(BODY, BODY + "<p>第三段</p>"))) == 3
    assert pages(shared.pdf(ONE_PAGE)) == 1
    assert shared._printer is kept
    assert chromium_browsers() - before == browsers  # no second Chromium started


def test_a_kept_printer_whose_chromium_died_is_replaced(shared):
    before = chromium_browsers()
    shared.pdf(ONE_PAGE)
    dead = shared._printer
    for pid in chromium_browsers() - before:
        os.kill(pid, signal.SIGKILL)
    assert pages(shared.pdf(TWO_PAGES)) == 2  # printed by a new Chromium
    assert shared._printer is not dead


def test_an_idle_printer_is_closed(shared, settings):
    settings.COURTDASH_PRINTER_IDLE_SECONDS = 0.5
    before = chromium_browsers()
    shared.pdf(ONE_PAGE)
    assert chromium_browsers() - before
    deadline = time.monotonic() + 30
    while shared._printer is not None and time.monotonic() < deadline:
        time.sleep(0.1)
    assert shared._printer is None
    while chromium_browsers() - before and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not chromium_browsers() - before  # its Chromium has exited
    assert pages(shared.pdf(ONE_PAGE)) == 1  # and the next print starts another
