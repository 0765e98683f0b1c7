"""Shared pieces of the browser tests (Playwright driving Debian's Chromium)."""

from pathlib import Path

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
