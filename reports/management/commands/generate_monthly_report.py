"""python manage.py generate_monthly_report --month YYYY-MM [--court CODE | --all] [--replace]
                                           [--compute]

Generates and keeps a monthly review (月讲评): content, PDF and XLSX, as the Celery job
reports.tasks.generate_monthly_reports does on the 1st of each month, and prints how long each
part took (Chromium's start included in the total). A kept review is left as it is unless
--replace.
"""

import datetime
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.models import Court
from cases.units import ScopeKey
from reports.monthly.documents import Printer
from reports.monthly.snapshot import NoResults
from reports.services.monthly import month_end_ensure, monthly_report_generate, report_units


class Command(BaseCommand):
    help = _("生成并保存月讲评（内容、PDF、XLSX），并报告各部分耗时。")

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help=_("月份，YYYY-MM"))
        parser.add_argument("--court", help=_("法院代码（默认全市）"))
        parser.add_argument("--all", action="store_true", help=_("全市及每个法院"))
        parser.add_argument("--replace", action="store_true", help=_("重新生成已保存的讲评"))
        parser.add_argument("--compute", action="store_true", help=_("月末指标尚未计算时先计算"))

    def handle(self, *args, month, court, all, replace, compute, **options):
        try:
            first = datetime.date.fromisoformat(f"{month}-01")
        except ValueError:
            raise CommandError(_("月份格式应为 YYYY-MM：%(value)s") % {"value": month}) from None
        if compute:
            month_end_ensure(month=first)
        if all:
            units = report_units()
        elif court:
            found = Court.objects.filter(code=court).first()
            if found is None:
                raise CommandError(_("没有代码为 %(code)s 的法院") % {"code": court})
            units = [ScopeKey("court", found.pk)]
        else:
            units = [ScopeKey.city()]
        started = time.perf_counter()
        with Printer() as printer:
            for unit in units:
                self._generate(unit, first, month, replace=replace, printer=printer)
        self.stdout.write(
            _("合计 %(seconds).1f 秒（含启动 Chromium）")
            % {"seconds": time.perf_counter() - started}
        )

    def _generate(self, unit, first, month, *, replace, printer):
        started = time.perf_counter()
        try:
            report = monthly_report_generate(
                unit=unit, month=first, replace=replace, printer=printer
            )
        except NoResults as error:
            raise CommandError(_("没有可讲评的数据：%(error)s") % {"error": error}) from None
        elapsed = time.perf_counter() - started
        sizes = {doc.kind: (doc.size, doc.render_ms) for doc in report.documents.all()}
        self.stdout.write(
            _(
                "%(month)s %(unit)s：%(total).1f 秒（汇总 %(build)d 毫秒，PDF %(pdf)d 毫秒、"
                "%(pdf_kb)d KB，XLSX %(xlsx)d 毫秒）#%(id)d"
            )
            % {
                "month": month,
                "unit": report.title,
                "total": elapsed,
                "build": report.build_ms,
                "pdf": sizes.get("pdf", (0, 0))[1],
                "pdf_kb": sizes.get("pdf", (0, 0))[0] // 1024,
                "xlsx": sizes.get("xlsx", (0, 0))[1],
                "id": report.pk,
            }
        )
