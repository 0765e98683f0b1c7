"""python manage.py bench_pages [--as-of YYYY-MM-DD] [--repeat R]

Times the dashboard pages (overview, drill-down, trend, case list at city, court, division and
judge level; the weekly ranking; an indicator page) as the city's trial-management office, on
the stored results of a computed day (default: the last one), in-process with Django's test
client. Prints each page's median and worst time, its SQL queries and how many of them read
the case table. Run bench_metrics (or compute_indicators) first.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.dates import date_argument
from metrics.bench.inprocess import bench_pages
from metrics.selectors import latest_as_of


class Command(BaseCommand):
    help = _("看板页面的响应时间基准测试（读取已计算的结果）。")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date_argument, help="default: the last computed day")
        parser.add_argument("--repeat", type=int, default=5, help="timed requests per page")

    def handle(self, *args, as_of, repeat, **options):
        as_of = as_of or latest_as_of()
        if as_of is None:
            raise CommandError(_("尚无计算结果：请先运行 compute_indicators 或 bench_metrics"))
        manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
        if manifest and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # The pages name their assets through the manifest, as in production.
            self.stderr.write(_("先收集静态文件（collectstatic）…"))
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            timings = bench_pages(as_of=as_of, repeat=repeat)
        except (ValueError, RuntimeError) as error:
            raise CommandError(str(error)) from None
        lines = [f"as of {as_of}, {repeat} requests per page after one warm-up", ""]
        lines.append(f"{'page':<26}{'median':>10}{'worst':>10}{'queries':>9}{'case-table':>12}")
        for timing in timings:
            lines.append(
                f"{timing.label:<26}{timing.median_ms:>8.1f}ms{timing.max_ms:>8.1f}ms"
                f"{timing.queries:>9}{timing.case_queries:>12}"
            )
        self.stdout.write("\n".join(lines))
