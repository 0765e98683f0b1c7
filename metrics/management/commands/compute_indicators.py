"""python manage.py compute_indicators --as-of YYYY-MM-DD [--period ytd|qtd|mtd] [--json]
                                      [--from YYYY-MM-DD --to YYYY-MM-DD]

INDICATORS.md, the computation contract: computes and stores every indicator for every scope for
the period (YTD if not given); with --json prints one JSON array to stdout, an object per
(scope, indicator), and nothing else (progress goes to stderr). --from/--to backfill a daily
history instead.
"""

import datetime
import json
import sys

from django.core.management.base import BaseCommand, CommandError

from metrics.choices import PeriodKind
from metrics.selectors import contract_rows
from metrics.services import metrics_backfill, metrics_compute


def _date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {text}") from None


class Command(BaseCommand):
    help = "Compute and store the eleven indicators for every scope (INDICATORS.md)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=_date, help="the last day of the period")
        parser.add_argument(
            "--period", choices=PeriodKind.values, default=PeriodKind.YTD, help="default: ytd"
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help="print the results as JSON"
        )
        parser.add_argument("--from", dest="date_from", type=_date, help="backfill: first day")
        parser.add_argument("--to", dest="date_to", type=_date, help="backfill: last day")

    def handle(self, *args, as_of, period, as_json, date_from, date_to, **options):
        if (date_from is None) != (date_to is None):
            raise CommandError("--from and --to go together")
        if date_from is not None:
            if as_of is not None or as_json:
                raise CommandError("--from/--to backfill a history: without --as-of or --json")
            if date_from > date_to:
                raise CommandError("--from is after --to")
            days = metrics_backfill(
                date_from=date_from,
                date_to=date_to,
                periods=[period],
                progress=lambda day: self.stderr.write(f"computed {period} as of {day}"),
            )
            self.stderr.write(f"{days} days computed")
            return
        if as_of is None:
            raise CommandError("--as-of is required (or --from and --to)")
        (run,) = metrics_compute(as_of=as_of, periods=[period])
        self.stderr.write(
            f"computed {period} as of {as_of}: {run.cases} cases, {run.scopes} units, "
            f"{run.values} values"
        )
        if as_json:
            self.stdout.write(_dumps(contract_rows(as_of=as_of, period=period)))


def _dumps(rows) -> str:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    # Court codes and division names stay readable where stdout can carry them.
    return json.dumps(rows, ensure_ascii=encoding != "utf8")
