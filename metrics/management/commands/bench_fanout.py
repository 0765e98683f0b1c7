"""Times the nightly indicators in one pass and fanned out per court (metrics.computation.fanout),
on the database of DATABASE_URL (a seeded copy, never production: it replaces that day's results),
and checks that both store the same rows."""

from __future__ import annotations

import datetime
import time
import uuid

from celery import current_app
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.models import Court
from metrics.computation.engine import metrics_compute
from metrics.computation.fanout import metrics_fanout
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import IndicatorValue, PendingAgeProfile, ScopeScore
from metrics.selectors import latest_as_of


def _stored(as_of: datetime.date) -> dict[str, set[tuple]]:
    found = {}
    for model in (IndicatorValue, ScopeScore, PendingAgeProfile):
        names = [field.attname for field in model._meta.concrete_fields if field.name != "id"]
        rows = model.objects.filter(as_of=as_of).values_list(*names)
        found[model.__name__] = {tuple(map(repr, row)) for row in rows}
    return found


class Command(BaseCommand):
    help = _("单次计算与按法院分块并行计算的耗时对比（结果须一致）")

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=datetime.date.fromisoformat, default=None)
        parser.add_argument("--chunk", type=int, default=5, help="courts per chunk")
        parser.add_argument(
            "--queue",
            default="",
            help="the queue of running fan-out workers; none: the command computes every chunk",
        )

    def handle(self, *args, as_of, chunk, queue, **options):
        as_of = as_of or latest_as_of(None)
        if as_of is None:
            raise CommandError(_("没有已计算的日期：请给出 --as-of"))
        if chunk <= 0:
            raise CommandError(_("--chunk 须为正整数"))
        idle = "" if queue else f"bench-fanout-{uuid.uuid4().hex[:8]}"
        courts = Court.objects.count()
        self.stdout.write(f"as of {as_of}, {courts} courts, periods {', '.join(ALL_PERIODS)}")

        started = time.perf_counter()
        metrics_compute(as_of=as_of)
        single = time.perf_counter() - started
        expected = _stored(as_of)
        self.stdout.write(f"single pass: {single:.2f} s")

        started = time.perf_counter()
        try:
            metrics_fanout(as_of=as_of, chunk=chunk, queue=queue or idle)
        finally:
            if idle:
                with current_app.connection_for_write() as broker:
                    broker.default_channel.queue_purge(idle)
        fanned = time.perf_counter() - started
        same = _stored(as_of) == expected
        who = f"workers on {queue} and the caller" if queue else "the caller alone"
        self.stdout.write(
            f"fan-out, {chunk} courts a chunk ({-(-courts // chunk)} chunks, {who}): "
            f"{fanned:.2f} s; results {'equal' if same else 'DIFFERENT'}"
        )
        if not same:
            raise CommandError(_("分块计算的结果与单次计算不一致"))
