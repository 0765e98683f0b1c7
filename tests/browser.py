"""Shared pieces of the browser tests (Playwright driving Debian's Chromium)."""

from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--lang=zh-CN",
]
# Screenshots of the pages the browser tests walk through, for a person to look at (gitignored).
OUT = Path(__file__).resolve().parent.parent / "out"
PASSWORD = "Courtdash-Test-2026"


def sign_in(page, live, username, password=PASSWORD):
    page.goto(f"{live.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click(".auth-form button[type=submit]")


# axe-core from the npm registry (tests/a11y/package.json, installed by `make test` / .ci/run
# with `npm ci --prefix tests/a11y`), injected into the page by Playwright.
AXE = Path(__file__).resolve().parent / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# WCAG 2.0 and 2.1, levels A and AA.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _inject_axe(page) -> None:
    """axe-core into the page as it is now, and into every page the context opens after it.

    Through the DevTools protocol, since the pages' CSP allows no injected <script>. Evaluating
    the 550 KB script on each page took ~110 ms; as the context's init script it is compiled
    once and then costs ~20 ms a page (measured on the a11y walk's pages). Installed only in a
    context that checks a page, so that no other test's pages carry it."""
    if page.evaluate("typeof window.axe?.run === 'function'"):
        return
    if not AXE.exists():
        raise AssertionError(f"axe-core is not installed: run `npm ci --prefix tests/a11y` ({AXE})")
    source = AXE.read_text(encoding="utf-8")
    page.evaluate(source)
    if not getattr(page.context, "_courtdash_axe", False):
        page.context.add_init_script(script=source)
        page.context._courtdash_axe = True


def axe_violations(page) -> list[str]:
    """axe-core's WCAG 2 A/AA violations on the page as it is now: one line per rule and node.

    Once the page has loaded: a check right after a click may find the next page committed
    but not parsed yet (no document element), where the init script has already put axe-core
    (a run of test_browser_loop failed so; the evaluation it replaced took long enough)."""
    page.wait_for_load_state()
    _inject_axe(page)
    result = page.evaluate(
        "tags => axe.run(document, "
        "{runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    return [
        f"{violation['id']}: {node['target']} — {node.get('failureSummary', '').splitlines()[-1:]}"
        for violation in result["violations"]
        for node in violation["nodes"]
    ]


FITS = "() => document.documentElement.scrollWidth <= window.innerWidth"


def horizontal_overflow(page, settle_ms: int = 3000) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no horizontal scrolling),
    once what resizes itself after the viewport changed has had up to `settle_ms` to do so:
    the Plotly charts (responsive) redraw at the new width on the window's resize event, a
    moment later — on a busy machine after axe-core has run (a division head's overview at
    390 px measured 451 px too wide, no element named, in one run of four). A page that is
    really too wide stays so, and is reported after the wait."""
    try:
        page.wait_for_function(FITS, timeout=settle_ms)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(
        "() => Math.max(0, document.documentElement.scrollWidth - window.innerWidth)"
    )


def overflowing(page, limit: int = 3) -> list[str]:
    """The innermost elements that reach past the right edge of the viewport (for a message)."""
    return page.evaluate(
        """limit => {
            const width = window.innerWidth;
            const out = [];
            for (const el of document.body.querySelectorAll('*')) {
                if (el.getBoundingClientRect().right <= width + 1) continue;
                const wide = c => c.getBoundingClientRect().right > width + 1;
                if ([...el.children].some(wide)) continue;
                if (el.closest('.table-wrap, .chart, .js-plotly-plot')) continue;
                const cls = typeof el.className === 'string' ? el.className.trim() : '';
                const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '');
                out.push(name + (cls ? '.' + cls.split(/\\s+/).join('.') : ''));
                if (out.length >= limit) break;
            }
            return out;
        }""",
        limit,
    )
