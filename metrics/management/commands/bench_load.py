"""python manage.py bench_load [--users N] [--seconds S] [--workers W] [--think T] [--no-cache]

The real server under load: gunicorn (W sync workers, default 2) on a free port and the current
DATABASE_URL, real sessions of several roles (the demo accounts of seed_demo), N concurrent users
(default 20) for S seconds (default 15) over the main pages. Prints per page the requests, errors,
p50/p95/p99 and throughput, and the CPU the load driver (its own process) and the server used.
--think T: each user pauses a random 0.5-1.5 × T seconds between requests (people reading the
page); the default 0 is wrk's way, every user's next request as soon as the last is answered.
--no-cache runs the server without the page cache (metrics.reading.pagecache), for before/after
figures.
"""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from metrics.bench.load import DEFAULT_ACCOUNTS, DEMO_PASSWORD, BenchError, bench_load


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f} ms"


class Command(BaseCommand):
    help = _("真实服务器（gunicorn）在并发用户下的负载基准测试：各页面的 p50/p95/p99 与吞吐量。")

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=20, help="concurrent users (20)")
        parser.add_argument("--seconds", type=float, default=15.0, help="timed seconds (15)")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
        parser.add_argument("--port", type=int, default=0, help="default: a free port")
        parser.add_argument(
            "--accounts",
            default=",".join(DEFAULT_ACCOUNTS),
            help="comma-separated usernames, one session each (the demo accounts)",
        )
        parser.add_argument("--password", default=DEMO_PASSWORD)
        parser.add_argument(
            "--think",
            type=float,
            default=0.0,
            help="seconds a user pauses between requests, 0.5-1.5 x at random (0: none, as wrk)",
        )
        parser.add_argument(
            "--no-cache", action="store_true", help="the server without the page cache"
        )

    def handle(self, *args, users, seconds, workers, port, accounts, password, think, **options):
        if users < 1 or seconds <= 0 or workers < 1:
            raise CommandError(_("用户数、秒数和工作进程数须为正数"))
        if think < 0:
            raise CommandError(_("思考时间不能为负数"))
        names = [name.strip() for name in accounts.split(",") if name.strip()]
        if not names:
            raise CommandError(_("至少需要一个账号"))
        manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
        if manifest and not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
            # The server names the pages' assets through the manifest, as in production.
            self.stderr.write(_("先收集静态文件（collectstatic）…"))
            call_command("collectstatic", interactive=False, verbosity=0)
        try:
            result = bench_load(
                users=users,
                seconds=seconds,
                workers=workers,
                accounts=names,
                password=password,
                port=port,
                cache=not options["no_cache"],
                think=think,
                log=lambda message: self.stderr.write(message),
            )
        except BenchError as error:
            raise CommandError(str(error)) from None
        lines = [
            f"{result.users} users, {result.seconds:g} s, gunicorn {result.workers} workers, "
            f"page cache {'off' if options['no_cache'] else 'on'}, {result.cores} cores",
            (
                f"mode: think time {0.5 * think:g}-{1.5 * think:g} s between a user's requests "
                f"(--think {think:g})"
                if think
                else "mode: no think time (each user's next request as soon as the last is "
                "answered, as wrk does)"
            ),
            "",
            f"{'page':<14}{'users':>6}{'requests':>10}{'errors':>8}"
            f"{'p50':>10}{'p95':>10}{'p99':>10}{'req/s':>9}",
        ]
        for page in result.pages:
            lines.append(
                f"{page.name:<14}{page.users:>6}{page.requests:>10}{page.errors:>8}"
                f"{_ms(page.p50_ms):>10}{_ms(page.p95_ms):>10}{_ms(page.p99_ms):>10}"
                f"{page.per_second:>9.1f}"
            )
            if page.errors:
                statuses = ", ".join(f"{s}×{n}" for s, n in sorted(page.error_statuses.items()))
                lines.append(f"{'':<14}errors by status (0 = no answer): {statuses}")
        total_per_second = sum(page.per_second for page in result.pages)
        lines += [
            f"{'all':<14}{'':>6}{result.requests:>10}{result.errors:>8}"
            f"{'':>30}{total_per_second:>9.1f}",
            "",
            f"load driver CPU: {result.driver_cpu:.2f} s "
            f"({100 * result.driver_cpu / result.seconds:.0f}% of one core over the timed part)",
            f"server CPU (master and workers, warm-up included): {result.server_cpu:.1f} s",
        ]
        self.stdout.write("\n".join(lines))
