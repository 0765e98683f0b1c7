"""python manage.py bench_metrics --cases N [--seed S] [--as-of YYYY-MM-DD] [--repeat R]

Times one full nightly computation (YTD + QTD + MTD, every scope, scores and rankings) against
a bare scan of the same case columns and against the naive way (the cases read into pandas,
the same indicators computed there with groupby), and prints the ratios and peak memory.
With fewer than N cases in the database, it first seeds the demo city (seed_demo --reset).
"""

import datetime
import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils.translation import gettext as _

from cases.dates import date_argument, today
from cases.models import Case, Court
from metrics.bench.inprocess import bench
from metrics.computation.engine import compile_pass, scan_settings
from metrics.definitions.periods import ALL_PERIODS


def _filter_scan(as_of: datetime.date) -> float:
    """Seconds of the engine's aggregate scan alone (same rows, same FILTER aggregates, per
    judge, rolled up), in a transaction rolled back: the floor of the computation itself."""
    with transaction.atomic():
        compiled = compile_pass(as_of=as_of, periods=ALL_PERIODS)
        with connection.cursor() as cursor:
            scan_settings(cursor)
            start = time.perf_counter()
            cursor.execute(compiled.aggregate_sql, compiled.aggregate_params)
            seconds = time.perf_counter() - start
        transaction.set_rollback(True)
    return seconds


class Command(BaseCommand):
    help = _("指标计算的基准测试：对比单纯扫描与 pandas 的做法。")

    def add_arguments(self, parser):
        parser.add_argument("--cases", type=int, required=True, help="at least this many cases")
        parser.add_argument("--seed", type=int, default=2026, help="seed_demo's random seed")
        parser.add_argument("--as-of", type=date_argument, help="default: the app's today")
        parser.add_argument("--repeat", type=int, default=3, help="best of R runs (default 3)")
        parser.add_argument("--no-pandas", action="store_true", help="skip the naive way")

    def handle(self, *args, cases, seed, as_of, repeat, no_pandas, **options):
        as_of = as_of or today()
        have = Case.objects.count()
        if have < cases:
            if "seed_demo" not in get_commands():
                raise CommandError(
                    _(
                        "数据库中只有 %(have)d 件案件，少于 %(cases)d，且没有 seed_demo 命令"
                        "可生成演示数据（no seed_demo command）：请先导入案件"
                    )
                    % {"have": have, "cases": cases}
                )
            self.stderr.write(
                _("案件数 %(have)d < %(cases)d：先生成演示数据（seed_demo）…")
                % {"have": have, "cases": cases}
            )
            call_command(
                "seed_demo",
                cases=cases,
                seed=seed,
                reset=have > 0 or Court.objects.exists(),
                no_accounts=True,
                today=as_of.isoformat(),
                verbosity=0,
                stdout=self.stderr._out,
            )
        self.stderr.write(_("基准测试，截至 %(as_of)s…") % {"as_of": as_of})
        result = bench(as_of=as_of, repeat=repeat, naive=not no_pandas)
        seconds = result.seconds
        filter_scan = seconds["filter scan"] = min(_filter_scan(as_of) for _ in range(repeat))
        lines = [
            f"cases:                         {result.cases:>12,}",
            f"as of:                         {result.as_of}",
            f"nightly (ytd+qtd+mtd, scored): {seconds['nightly']:>12.3f} s  "
            f"(best of {repeat}, each a fresh day: its results cleared, tables vacuumed)",
            f"bare scan of the columns:      {seconds['bare scan']:>12.3f} s",
            f"nightly / bare scan:           {seconds['nightly'] / seconds['bare scan']:>12.2f} x",
            f"FILTER-aggregate scan:         {filter_scan:>12.3f} s  "
            "(the engine's scan alone: same rows and aggregates, no store)",
            f"nightly / FILTER scan:         {seconds['nightly'] / filter_scan:>12.2f} x",
        ]
        if "pandas" in seconds:
            lines += [
                f"naive pandas (read + groupby): {seconds['pandas']:>12.3f} s  "
                f"(read {seconds['pandas read']:.3f} s, compute {seconds['pandas compute']:.3f} s)",
                f"pandas / nightly:              {seconds['pandas'] / seconds['nightly']:>12.2f} x",
                f"pandas disagreements:          {result.disagreements:>12}",
            ]
        for label, megabytes in result.memory_mb.items():
            lines.append(f"peak memory {label + ':':<19}{megabytes:>12.1f} MB (ru_maxrss)")
        self.stdout.write("\n".join(lines))
