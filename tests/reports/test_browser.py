"""A walk in a real Chromium (Playwright) as party leadership (院党组), the strict CSP enforced
by the browser: the nav → the daily page → the monthly reviews → last month's review, its
charts drawn → its PDF downloaded, turned into PNG pages (out/reports/, looked at: Chinese text
and charts) → its XLSX downloaded and opened with openpyxl."""

import subprocess

import pytest
from openpyxl import load_workbook

from cases.choices import Role
from cases.units import ScopeKey
from reports.choices import DocumentKind
from reports.services.monthly import monthly_report_generate
from tests.factories import UserFactory
from tests.reports.conftest import MONTH, OUT, PASSWORD, build_city, city_court

pytestmark = [pytest.mark.browser]

BRAND = (27, 54, 93)  # the bars of the courts' scores (metrics.reading.charts.BRAND)
FAN = (244, 228, 229)  # the projection's band: rgba(166, 29, 36, 0.12) on white


def sign_in(page, username):
    page.goto(f"{page.base}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click(".auth-form button[type=submit]")


def charts_drawn(page) -> int:
    expected = page.locator("[data-figure]").count()
    page.wait_for_function(
        "n => document.querySelectorAll('.chart-drawn .main-svg').length >= n", arg=expected
    )
    return expected


def pixels_near(ppm: bytes, colour: tuple, tolerance: int = 18) -> int:
    """How many pixels of a binary PPM (P6) image are within `tolerance` of `colour`."""
    parts, rest = [], ppm
    while len(parts) < 4:  # magic, width, height, maxval
        rest = rest.lstrip()
        token, _space, rest = rest.partition(b"\n" if len(parts) == 3 else b" ")
        if b"\n" in token:
            token, _newline, more = token.partition(b"\n")
            rest = more + b" " + rest
        parts.append(token)
    data = rest
    found = 0
    red, green, blue = colour
    for index in range(0, len(data) - 2, 3):
        if (
            abs(data[index] - red) <= tolerance
            and abs(data[index + 1] - green) <= tolerance
            and abs(data[index + 2] - blue) <= tolerance
        ):
            found += 1
    return found


def page_images(pdf_path, prefix: str, *, fmt: str, dpi: int) -> list:
    flags = ["-png"] if fmt == "png" else []  # PPM is pdftoppm's own format
    subprocess.run(
        ["pdftoppm", *flags, "-r", str(dpi), str(pdf_path), str(OUT / prefix)], check=True
    )
    suffix = "png" if fmt == "png" else "ppm"
    return sorted(OUT.glob(f"{prefix}-*.{suffix}"))


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_party_leadership_reads_the_monthly_review_its_pdf_and_its_xlsx(page):
    build_city()
    report = monthly_report_generate(unit=ScopeKey.city(), month=MONTH)
    UserFactory(username="dangzu", role=Role.PARTY_LEADERSHIP, court=city_court(), last_name="朱")
    for stale in OUT.glob("review-*"):
        stale.unlink()

    sign_in(page, "dangzu")
    page.click("nav.mainnav >> text=动态与讲评")
    assert page.locator(".page-head h1").inner_text().startswith("日动态")
    page.screenshot(path=OUT / "review-0-daily.png", full_page=True)
    page.click(".report-tabs >> text=月讲评")
    row = page.locator(f"tr[data-report='{report.pk}']")
    assert "全市法院" in row.inner_text()
    page.screenshot(path=OUT / "review-1-list.png", full_page=True)
    row.locator("a").first.click()

    # The review page: the kept content, every chart drawn, nothing refused by the CSP.
    assert page.locator("h1.review-title").inner_text() == "全市法院2025年5月审判质效讲评"
    assert page.locator(".indicators-table tbody tr").count() == 11
    assert charts_drawn(page) == 2 + 11  # the flow, the courts, eleven projections
    shown = page.locator(".indicators-table tr[data-indicator=clearance_rate] [data-value]")
    clearance_text = shown.inner_text()
    page.screenshot(path=OUT / "review-2-page.png", full_page=True)

    # Its PDF, as kept: Chinese text, every section, and the charts on the pages.
    with page.expect_download() as download:
        page.click("[data-download=pdf]")
    pdf_path = OUT / "review-city-2025-05.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes() == bytes(report.documents.get(kind=DocumentKind.PDF).content)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf_path), "-"], capture_output=True, check=True
    ).stdout.decode()
    squeezed = text.replace(" ", "")
    for words in (
        "全市法院2025年5月审判质效讲评",
        "一、已经发生的态势",
        "四、存在的问题",
        "五、办案体检发现",
        "七、必然发生的趋势与应当发生的导向",
        "苏州市虎丘区人民法院",
        clearance_text,
    ):
        assert words in squeezed, words
    pngs = page_images(pdf_path, "review-pdf", fmt="png", dpi=70)
    assert len(pngs) >= 3
    ppms = page_images(pdf_path, "review-ppm", fmt="ppm", dpi=40)
    images = [path.read_bytes() for path in ppms]
    assert sum(pixels_near(image, BRAND) for image in images) > 2000  # the score bars
    assert sum(pixels_near(image, FAN, 6) for image in images) > 1000  # the projection fans
    for path in ppms:
        path.unlink()

    # Its XLSX opens, with the same numbers.
    with page.expect_download() as download:
        page.click("[data-download=xlsx]")
    xlsx_path = OUT / "review-city-2025-05.xlsx"
    download.value.save_as(xlsx_path)
    book = load_workbook(xlsx_path)
    assert {"概况", "指标", "问题", "督办", "办案体检"} <= set(book.sheetnames)
    rows = {row[1]: row for row in book["指标"].iter_rows(min_row=2, values_only=True)}
    assert f"{rows['结案率'][2]:.2f}%" == clearance_text
    assert page.console_errors == []
