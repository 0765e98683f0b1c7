"""The files of a monthly review: its HTML page printed to PDF by headless Chromium, and an XLSX.

PDF: the report's own page (templates/reports/monthly_print.html: the page's body, print CSS)
is rendered to a string and opened in Chromium through Playwright, off any server: the page
and its static files (CSS, plotly.js, the charts script) are answered from memory and from
the static files by a request route, nothing else is reachable. Chromium draws the Plotly
charts, Noto CJK sets the Chinese, and page.pdf() prints A4 with page numbers. Chromium's path
is COURTDASH_CHROMIUM (default /usr/bin/chromium); the Docker image installs it.
"""

from __future__ import annotations

import atexit
import io
import logging
import mimetypes
import os
import queue
import threading
import time
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

from cases.spreadsheets import xlsx_append
from reports.monthly.spc import spc_sheet
from reports.monthly.talks import talks_sheet

logger = logging.getLogger(__name__)

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ORIGIN = "http://courtdash.report"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--font-render-hinting=none",
]
# A4 at 96 dpi less the margins: the charts are laid out at the printed width.
PRINT_WIDTH = 720
CHART_TIMEOUT_MS = 30_000


def report_html(content: dict) -> str:
    """The report as a standalone HTML document for the PDF (no links), always in Chinese: the
    kept report is the court's document."""
    with translation.override("zh-hans"):
        return render_to_string("reports/monthly_print.html", {"report": content, "printing": True})


def _static_file(path: str) -> Path | None:
    """A static file by its URL path below STATIC_URL: collected (hashed names) or found."""
    name = path.split("?", 1)[0]
    try:
        if staticfiles_storage.exists(name):
            return Path(staticfiles_storage.path(name))
    except NotImplementedError:  # pragma: no cover - a remote storage
        pass
    found = finders.find(name)
    return Path(found) if found else None


# Redraw a following report in the page that already holds plotly.js: its body replaces the
# last one's, and its figures (json_script data, as static/metrics/charts.js reads them) are
# drawn. Parsing plotly.js takes most of a first report's time; a batch pays it once.
REDRAW = """body => {
  document.body.innerHTML = body;
  document.querySelectorAll("[data-figure]").forEach(element => {
    const figure = JSON.parse(document.getElementById(element.dataset.figure).textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, figure.config)
      .then(() => element.classList.add("chart-drawn"));
  });
}"""


class Printer:
    """One headless Chromium for a batch of reports: `with Printer() as printer:
    printer.pdf(html)`.

    Playwright's sync API runs an event loop in the thread that starts it, and Django refuses
    ORM calls from a thread with a running loop; so Chromium lives in a thread of its own and
    the caller, between two prints, is free to use the database."""

    def __enter__(self) -> Printer:
        self._requests: queue.Queue = queue.Queue()
        self._ready: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="report-printer", daemon=True)
        self._thread.start()
        started = self._ready.get()
        if isinstance(started, BaseException):
            self._thread.join()
            raise started
        return self

    def __exit__(self, *exc_info) -> None:
        self._requests.put(None)
        self._thread.join()

    def pdf(self, html: str) -> bytes:
        """Print one report's HTML document, after its charts are drawn."""
        reply: queue.Queue = queue.Queue()
        self._requests.put((html, reply))
        result = reply.get()
        if isinstance(result, BaseException):
            raise result
        return result

    # In the printer's thread

    def _run(self) -> None:
        from playwright.sync_api import sync_playwright

        try:
            playwright = sync_playwright().start()
        except BaseException as error:  # handed to the caller
            self._ready.put(error)
            return
        try:
            browser = playwright.chromium.launch(
                executable_path=settings.COURTDASH_CHROMIUM, args=CHROMIUM_ARGS
            )
            page = browser.new_page(viewport={"width": PRINT_WIDTH, "height": 1000})
            page.emulate_media(media="print")
            page.route("**/*", self._answer)
        except BaseException as error:
            playwright.stop()
            self._ready.put(error)
            return
        self._html, loaded = "", False
        self._ready.put(True)
        try:
            while (request := self._requests.get()) is not None:
                html, reply = request
                try:
                    reply.put(self._print(page, html, loaded))
                    loaded = True
                except BaseException as error:
                    reply.put(error)
        finally:
            browser.close()
            playwright.stop()

    def _answer(self, route):
        url = route.request.url
        static_prefix = f"{ORIGIN}/{settings.STATIC_URL.strip('/')}/"
        if url == f"{ORIGIN}/report":
            return route.fulfill(
                status=200, content_type="text/html; charset=utf-8", body=self._html
            )
        if url.startswith(static_prefix):
            found = _static_file(url[len(static_prefix) :])
            if found is not None:
                kind = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
                return route.fulfill(status=200, content_type=kind, body=found.read_bytes())
        return route.fulfill(status=404, body="")

    def _print(self, page, html: str, loaded: bool) -> bytes:
        # The body alone is redrawn only under the same head (styles, scripts): another kind
        # of document (the minutes after a review) is loaded afresh.
        head = html[: html.index("<body")]
        if not loaded or head != self._html[: self._html.index("<body")]:
            self._html = html
            page.goto(f"{ORIGIN}/report", wait_until="load")
        else:
            body = html[html.index(">", html.index("<body")) + 1 : html.rindex("</body>")]
            page.evaluate(REDRAW, body)
        expected = page.locator("[data-figure]").count()
        page.wait_for_function(
            "n => document.querySelectorAll('.chart-drawn .main-svg').length >= n",
            arg=expected,
            timeout=CHART_TIMEOUT_MS,
        )
        page.evaluate("document.fonts.ready")
        return page.pdf(
            format="A4",
            print_background=True,
            margin={"top": "14mm", "bottom": "16mm", "left": "12mm", "right": "12mm"},
            display_header_footer=True,
            header_template="<span></span>",
            footer_template=(
                '<div style="width:100%;font-size:8px;color:#52606d;text-align:center;'
                "font-family:'Noto Sans CJK SC',sans-serif\">"
                '<span class="pageNumber"></span> / <span class="totalPages"></span></div>'
            ),
        )


class SharedPrinter:
    """The process's printer for documents printed one at a time (a meeting's minutes, a
    review asked for on a page): one Chromium, started on the first print and kept while
    prints follow, so that a print costs its drawing (~0.3 s), not a browser's start (~2 s),
    and a process never runs more than one Chromium for them, however many ask at once (the
    prints queue). Closed after COURTDASH_PRINTER_IDLE_SECONDS without a print, and at exit;
    a printer that fails is closed, and a kept one that fails is replaced and asked once more
    (its Chromium may have died in between). A process forked after it started (a worker pool)
    starts its own."""

    def __init__(self):
        self._lock = threading.Lock()
        self._printer: Printer | None = None
        self._pid = 0
        self._last = 0.0
        self._timer: threading.Timer | None = None

    def pdf(self, html: str) -> bytes:
        with self._lock:
            if self._printer is not None and self._pid != os.getpid():
                self._printer = None  # the parent's: its thread did not come with the fork
            kept = self._printer is not None
            try:
                data = self._started().pdf(html)
            except Exception:
                self._close()
                if not kept:
                    raise
                logger.warning("printer: the kept Chromium failed; printing with a new one")
                data = self._started().pdf(html)
            self._last = time.monotonic()
            self._schedule_close()
            return data

    def close(self) -> None:
        with self._lock:
            self._close()

    def _started(self) -> Printer:
        if self._printer is None:
            self._printer = Printer().__enter__()
            self._pid = os.getpid()
        return self._printer

    def _close(self) -> None:
        printer, self._printer = self._printer, None
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if printer is not None and self._pid == os.getpid():
            try:
                printer.__exit__(None, None, None)
            except Exception:  # its browser already gone
                logger.warning("printer: closing a failed Chromium", exc_info=True)

    def _schedule_close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        idle = settings.COURTDASH_PRINTER_IDLE_SECONDS
        self._timer = threading.Timer(idle, self._close_if_idle, args=[idle])
        self._timer.daemon = True
        self._timer.start()

    def _close_if_idle(self, idle: float) -> None:
        with self._lock:
            if self._printer is not None and time.monotonic() - self._last >= idle:
                self._close()


SHARED_PRINTER = SharedPrinter()
atexit.register(SHARED_PRINTER.close)


def pdf_from_html(html: str) -> bytes:
    """Print one HTML document with the process's shared printer (SharedPrinter)."""
    return SHARED_PRINTER.pdf(html)


def report_pdf(content: dict, printer: Printer | None = None) -> tuple[bytes, int]:
    """The report's PDF and how long it took (milliseconds)."""
    started = time.perf_counter()
    html = report_html(content)
    data = printer.pdf(html) if printer is not None else pdf_from_html(html)
    return data, int(1000 * (time.perf_counter() - started))


# XLSX

BOLD = Font(bold=True)
TITLE = Font(bold=True, size=14)
HEAD_FILL = PatternFill("solid", fgColor="E9EDF1")


def _sheet(book, title: str, headers: list[str], rows: list[list], widths: list[int]):
    sheet = book.create_sheet(title)
    xlsx_append(sheet, headers)
    for cell in sheet[1]:
        cell.font = BOLD
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        xlsx_append(sheet, row)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    return sheet


def _round(value, places: int = 4):
    return None if value is None else round(value, places)


def report_xlsx(content: dict) -> tuple[bytes, int]:
    """The report's numbers, a sheet per section, and how long it took (milliseconds)."""
    started = time.perf_counter()
    with translation.override("zh-hans"):
        data = _workbook(content)
    return data, int(1000 * (time.perf_counter() - started))


def _workbook(content: dict) -> bytes:
    book = Workbook()
    about = book.active
    about.title = _("概况")
    unit, score = content["unit"], content["score"]
    xlsx_append(about, [f"{unit['title']} {content['month_label']} {_('审判质效讲评')}"])
    about["A1"].font = TITLE
    lines = [
        (_("统计截止日"), content["as_of"]),
        (_("统计口径"), _("年初至今")),
        (_("综合得分"), _round(score["total"], 2)),
        (_("较上月"), _round(score["change"], 2)),
        (_("排名"), f"{score['rank']} / {score['peers']}" if score["rank"] else "—"),
        (_("上月排名"), score["previous_rank"] or "—"),
        (_("计分指标数"), score["scored"]),
    ]
    for label, value in lines:
        xlsx_append(about, [label, value])
    about.column_dimensions["A"].width = 16
    about.column_dimensions["B"].width = 40

    rows = []
    for item in content["indicators"]:
        projection = item["projection"] or {}
        quarter = item["quarter"] or {}
        rows.append(
            [
                item["number"],
                item["label"],
                _round(item["value"]),
                item["numerator_text"],
                item["denominator_text"],
                item["target_text"],
                _round(item["score"], 2),
                _round(item["weight"], 2),
                _round(item["change"]),
                item["last_year_text"],
                _round(projection.get("value")),
                _round(projection.get("low")),
                _round(projection.get("high")),
                item["year_target"]["text"],
                quarter.get("target_text", ""),
                quarter.get("gap_text", ""),
            ]
        )
    _sheet(
        book,
        _("指标"),
        [_("序号"), _("指标"), _("数值"), _("分子"), _("分母"), _("目标"), _("得分"),
         _("权重"), _("较上月"), _("上年同期"), _("年末预测"), _("预测下限"), _("预测上限"),
         _("年末目标"), _("季目标"), _("达到季目标须")],
        rows,
        [6, 22, 10, 12, 12, 14, 8, 8, 10, 12, 10, 10, 10, 14, 14, 60],
    )  # fmt: skip
    if content["children"]:
        _sheet(
            book,
            _("排名"),
            [_("单位"), _("综合得分"), _("名次"), _("参与排名数"), _("上月名次"), _("较上月"),
             _("达标指标数")],
            [
                [child["name"], _round(child["total"], 2), child["rank"], child["peers"],
                 child["previous_rank"], child["change_text"], child.get("met")]
                for child in content["children"]
            ],
            [28, 10, 8, 10, 10, 10, 10],
        )  # fmt: skip
    movers = [
        [_("上升") if way == "up" else _("下降"), move["unit"], move["indicator"],
         move["previous_text"], move["value_text"], _round(move["score_change"], 2)]
        for way in ("up", "down")
        for move in content["movers"][way]
    ]  # fmt: skip
    _sheet(
        book,
        _("变动"),
        [_("方向"), _("单位"), _("指标"), _("上月"), _("本月"), _("得分变化")],
        movers,
        [8, 26, 22, 12, 12, 10],
    )
    problems = content["problems"]
    rows = []
    for key, label in (
        ("overdue", _("超审限未结")),
        ("long_pending", _("超12个月未结")),
        ("reversals", _("本月被改判、发回重审")),
        ("four_type", _("未办结的四类案件")),
    ):
        rows.append([label, _("合计"), problems[key]["count"]])
        rows += [[label, entry["name"], entry["count"]] for entry in problems[key]["by"]]
    rows += [
        [_("超12个月未结"), bucket["label"], bucket["count"]]
        for bucket in problems["long_pending"]["buckets"]
    ]
    _sheet(book, _("问题"), [_("问题"), _("单位或分组"), _("件数")], rows, [22, 28, 10])
    supervision = content["supervision"]
    rows = [
        [_("督办通知"), supervision["notices"]["issued"], supervision["notices"]["answered"],
         supervision["notices"]["closed"], supervision["notices"]["overdue"]],
        [_("异常函询"), supervision["inquiries"]["issued"], supervision["inquiries"]["answered"],
         supervision["inquiries"]["closed"], supervision["inquiries"]["overdue"]],
    ]  # fmt: skip
    sheet = _sheet(
        book,
        _("督办"),
        [_("事项"), _("本月发出"), _("本月答复"), _("本月办结"), _("逾期未答复")],
        rows,
        [16, 10, 10, 10, 12],
    )
    reviews, four_type = supervision["reviews"], supervision["four_type"]
    xlsx_append(sheet, [])
    xlsx_append(sheet, [_("发改再评查"), _("本月立项"), _("本月评查"), _("认定差错"), _("待评查")])
    xlsx_append(
        sheet, ["", reviews["opened"], reviews["reviewed"], reviews["errors"], reviews["awaiting"]]
    )
    xlsx_append(sheet, [])
    xlsx_append(
        sheet, [_("四类案件监管"), _("本月标注"), _("本月确认"), _("监督措施"), _("提交讨论")]
    )
    xlsx_append(
        sheet,
        ["", four_type["marked"], four_type["confirmed"], four_type["measures"],
         four_type["referrals"]]
    )  # fmt: skip
    _sheet(
        book,
        _("办案体检"),
        [_("问题类型"), _("单位"), _("情况"), _("涉及案件数"), _("案号（部分）")],
        [
            [finding["kind_label"], finding["unit"], finding["text"], finding["case_count"],
             "、".join(case["number"] for case in finding["cases"])]
            for finding in content["findings"]
        ],
        [18, 30, 70, 10, 60],
    )  # fmt: skip
    if content.get("spc"):  # the SPC's 2024 set (a review kept before it, or without it: none)
        _sheet(book, _("最高法院2024年指标"), *spc_sheet(content["spc"]))
    if content.get("talks"):  # 约谈提醒 (a review kept before it has none)
        _sheet(book, _("约谈提醒"), *talks_sheet(content["talks"]))
    flow = content["flow"]
    _sheet(
        book,
        _("收结存"),
        [_("月份"), _("收案"), _("结案"), _("月末未结"), _("结收比（%）")],
        [
            [f"{month['month']}月", month["filed"], month["closed"], month["pending"],
             _round(month["ratio"], 2)]
            for month in flow
        ],
        [10, 10, 10, 10, 12],
    )  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
