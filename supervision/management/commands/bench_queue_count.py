"""python manage.py bench_queue_count [--user NAME …] [--repeat R] [--page URL] [--kinds]
                                    [--explain]

Times the top bar's 我的待办 count as a page pays it, per user (default: the demo city office,
judge and court leader): counted (building the kinds' querysets and the one SQL of COUNT
subqueries, what every page paid before) and read from the page cache (what a page pays now,
supervision.selectors.queue_count; needs Redis at COURTDASH_PAGE_CACHE_URL or REDIS_URL).
Prints each one's median and 95th percentile, and those of a whole request for a light page
that shows the top bar (--page, default the password page; in-process, Django's test client)
with the count computed and cached. --kinds: each kind's COUNT alone; --explain:
each kind's EXPLAIN ANALYZE. Writes the cached counts and a session per user.
"""

from __future__ import annotations

import statistics
import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.test import Client
from django.utils.translation import gettext as _

from supervision.selectors import queue_count
from supervision.selectors.queue import _counted, queue_counts, queue_rows

USERS = ("demo_office", "demo_judge", "demo_court_leader")


def _timed(run, repeat: int) -> tuple[float, float]:
    """Median and 95th percentile of `run()`, in ms, after one warm-up."""
    run()
    times = []
    for _n in range(repeat):
        started = time.perf_counter()
        run()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def _get(client, url: str) -> None:
    response = client.get(url, secure=True)
    if response.status_code != 200 or b"topbar-queue" not in response.content:
        raise CommandError(
            _("%(url)s 未显示顶栏待办（%(status)s）") % {"url": url, "status": response.status_code}
        )


class Command(BaseCommand):
    help = _("顶栏“我的待办”计数的耗时基准测试（每次计算与读取缓存）。")

    def add_arguments(self, parser):
        parser.add_argument("--user", action="append", dest="users", help="username (repeat)")
        parser.add_argument("--repeat", type=int, default=30, help="timed counts per user")
        parser.add_argument("--page", default="/accounts/password/", help="a page with the top bar")
        parser.add_argument("--kinds", action="store_true", help="time each kind's COUNT alone")
        parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE each kind")

    def handle(self, *args, users, repeat, page, kinds, explain, **options):
        if repeat < 1:
            raise CommandError(_("--repeat 须为正整数"))
        people = get_user_model().objects.filter(username__in=users or USERS)
        if not people:
            names = ", ".join(users or USERS)
            raise CommandError(_("找不到这些用户：%(names)s") % {"names": names})
        settings.COURTDASH_PAGE_CACHE = True
        queue_count.generation_change()
        self.stdout.write(f"{repeat} counts per user after one warm-up (median / p95, ms)\n")
        self.stdout.write(
            f"{'user':<20}{'open':>7}{'counted':>18}{'cached':>16}"
            f"{'page, counted':>20}{'page, cached':>18}"
        )
        for user in people:
            counts = queue_counts(user)
            counted = _timed(lambda user=user: queue_counts(user), repeat)
            cached = _timed(lambda user=user: queue_count.cached_counts(user), repeat)
            client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else None)
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
            pages = []
            for cache_on in (False, True):
                settings.COURTDASH_PAGE_CACHE = cache_on
                pages.append(_timed(lambda client=client: _get(client, page), repeat))
            self.stdout.write(
                f"{user.username:<20}{sum(counts.values()):>7}"
                f"{counted[0]:>9.2f}/{counted[1]:>7.2f}{cached[0]:>8.2f}/{cached[1]:>6.2f}"
                f"{pages[0][0]:>12.2f}/{pages[0][1]:>7.2f}{pages[1][0]:>10.2f}/{pages[1][1]:>7.2f}"
            )
            if kinds or explain:
                self._kinds(user, repeat, explain)

    def _kinds(self, user, repeat: int, explain: bool) -> None:
        for kind, rows in queue_rows(user).items():
            median, worst = _timed(lambda rows=rows, kind=kind: _counted({kind: rows}), repeat)
            self.stdout.write(f"    {kind:<16}{median:>9.2f}/{worst:>7.2f}")
            if explain:
                sql, params = rows.order_by().values("pk").query.sql_with_params()
                with connections[rows.db].cursor() as cursor:
                    cursor.execute(
                        f"EXPLAIN (ANALYZE, BUFFERS) SELECT COUNT(*) FROM ({sql}) AS q", params
                    )
                    for (line,) in cursor.fetchall():
                        self.stdout.write(f"        {line}")
