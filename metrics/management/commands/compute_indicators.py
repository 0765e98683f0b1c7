"""python manage.py compute_indicators --as-of YYYY-MM-DD [--period ytd|qtd|mtd] [--json]
                                      [--from YYYY-MM-DD --to YYYY-MM-DD]

INDICATORS.md, the computation contract: computes and stores every indicator for every scope for
the period (YTD if not given); with --json prints one JSON array to stdout, an object per
(scope, indicator) — both indicator sets, each slug once, with its sets, the version of its
definition and "no data" beyond the contract's keys — and nothing else (progress goes to
stderr). --from/--to backfill a daily history instead.
"""

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from cases.dates import date_argument
from metrics.choices import PeriodKind
from metrics.selectors import contract_rows
from metrics.services import metrics_backfill, metrics_compute


class Command(BaseCommand):
    help = _(
        "计算并保存全部单位的审判质效指标：本地十一项与最高法院2024年指标体系（INDICATORS.md）。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--as-of", type=date_argument, help=_("统计截止日（期间的最后一天）"))
        parser.add_argument(
            "--period",
            choices=PeriodKind.values,
            default=PeriodKind.YTD,
            help=_("统计期间：ytd 年初至今（默认）、qtd 季初至今、mtd 月初至今"),
        )
        parser.add_argument(
            "--json", dest="as_json", action="store_true", help=_("以 JSON 数组输出结果")
        )
        parser.add_argument(
            "--from", dest="date_from", type=date_argument, help=_("补算历史：起始日")
        )
        parser.add_argument("--to", dest="date_to", type=date_argument, help=_("补算历史：截止日"))

    def handle(self, *args, as_of, period, as_json, date_from, date_to, **options):
        if (date_from is None) != (date_to is None):
            raise CommandError(_("--from 与 --to 须同时给出"))
        if date_from is not None:
            if as_of is not None or as_json:
                raise CommandError(_("补算历史（--from/--to）不能与 --as-of 或 --json 同用"))
            if date_from > date_to:
                raise CommandError(_("--from 晚于 --to"))
            days = metrics_backfill(
                date_from=date_from,
                date_to=date_to,
                periods=[period],
                progress=lambda day: self.stderr.write(
                    _("已计算 %(period)s，截至 %(day)s") % {"period": period, "day": day}
                ),
            )
            self.stderr.write(_("共计算 %(days)d 天") % {"days": days})
            return
        if as_of is None:
            raise CommandError(_("须给出 --as-of（或 --from 与 --to）"))
        (run,) = metrics_compute(as_of=as_of, periods=[period])
        self.stderr.write(
            _(
                "已计算 %(period)s，截至 %(as_of)s：%(cases)d 件案件，"
                "%(scopes)d 个单位，%(values)d 项指标值"
            )
            % {
                "period": period,
                "as_of": as_of,
                "cases": run.cases,
                "scopes": run.scopes,
                "values": run.values,
            }
        )
        if as_json:
            self.stdout.write(_dumps(contract_rows(as_of=as_of, period=period)))


def _dumps(rows) -> str:
    encoding = (getattr(sys.stdout, "encoding", None) or "").lower().replace("-", "")
    # Court codes and division names stay readable where stdout can carry them.
    return json.dumps(rows, ensure_ascii=encoding != "utf8")
