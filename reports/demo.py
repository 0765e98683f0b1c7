"""The demo's leadership material (cases.demo.steps): the offices' quarterly targets of this
year, yesterday's health check (体检) findings, and the monthly reviews (月讲评) of the last
past months kept with their PDF and XLSX — through the reports services, as the office would.
Runs after the supervision step, so the reviews count the year's notices and inquiries.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.demo.people import DEMO_BASIC_COURT
from cases.demo.steps import DemoContext, on_day, register
from cases.models import Court, User
from cases.runs import RunStatus
from cases.units import ScopeKey
from metrics.choices import Direction
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import ALL_PERIODS, add_months
from metrics.definitions.registry import Indicator
from metrics.models import ComputationRun
from metrics.services import indicator_targets_seed, metrics_compute, metrics_results_clear
from reports.meeting_demo import meetings_demo, meetings_demo_reset
from reports.models import HealthCheckRun, MonthlyReport
from reports.monthly.documents import Printer
from reports.periods import month_bounds
from reports.ranges_demo import ranges_demo, ranges_demo_reset
from reports.services.healthcheck import health_check_run
from reports.services.monthly import monthly_report_generate
from reports.services.targets import quarterly_targets_save
from reports.talks.demo import talks_demo, talks_demo_reset

DAY = datetime.timedelta(days=1)
# Quarter by quarter the targets tighten towards the year's (INDICATORS.md defaults).
QUARTER_SLACK = {1: Decimal("0.06"), 2: Decimal("0.04"), 3: Decimal("0.02"), 4: Decimal("0")}


def reports_demo(context: DemoContext) -> None:
    with on_day(context.today):
        _material(context)


def _material(context: DemoContext) -> None:
    today = context.today
    office = User.objects.get(username="demo_office")
    office_basic = User.objects.get(username="demo_office_basic")
    head = User.objects.get(username="demo_division_head")
    city_court = office.court
    basic = Court.objects.get(code=DEMO_BASIC_COURT)
    units = [
        (ScopeKey.city(), office),
        (ScopeKey.of(court=city_court), office),
        (ScopeKey.of(court=basic), office_basic),
        (ScopeKey.of(court=basic, division=head.division), office_basic),
    ]
    indicator_targets_seed()  # an indicator added since the migrations: its default target
    targets_set(units, today)
    health_check_run(as_of=today - DAY)
    monthly_reviews_keep(
        [ScopeKey.city(), ScopeKey.of(court=city_court), ScopeKey.of(court=basic)],
        today=today,
        months=context.monthly_reviews,
    )


def _entry(indicator: Indicator, quarter: int) -> dict | None:
    slack = QUARTER_SLACK[quarter]
    default = indicator.default_target
    if default is None:
        return None
    if indicator.direction == Direction.BAND:
        if default.lower_target is None or default.upper_target is None:
            return None
        return {"target": default.lower_target, "upper_target": default.upper_target}
    if default.target is None:
        return None
    factor = 1 - slack if indicator.direction == Direction.HIGHER else 1 + slack
    return {"target": (default.target * factor).quantize(Decimal("0.01"))}


def targets_set(units: list[tuple[ScopeKey, User]], today: datetime.date) -> None:
    """This year's quarterly targets, up to the current quarter, for the city, 苏05, the demo
    basic court and the demo division: the indicators' default yearly targets (the registry's),
    a little looser in the early quarters."""
    indicators = [INDICATORS[slug] for slug in sorted(INDICATORS)]
    for quarter in range(1, (today.month - 1) // 3 + 2):
        for unit, actor in units:
            entries = {}
            for indicator in indicators:
                if unit.scope not in indicator.scopes:
                    continue
                entry = _entry(indicator, quarter)
                if entry is not None:
                    entries[indicator.slug] = {
                        **entry,
                        "note": _("按年度目标分季度推进") if quarter < 4 else "",
                    }
            quarterly_targets_save(
                unit=unit, year=today.year, quarter=quarter, entries=entries, actor=actor
            )


def monthly_reviews_keep(units: list[ScopeKey], *, today: datetime.date, months: int) -> None:
    """The monthly reviews of the last `months` past months, each kept with its PDF and XLSX
    (one Chromium prints them all). The month's end is computed first if it is not."""
    if months <= 0:
        return
    _static_collected()
    first_of_month = today.replace(day=1)
    with Printer() as printer:
        for back in range(months, 0, -1):
            month = add_months(first_of_month, -back)
            _first, last = month_bounds(month)
            done = ComputationRun.objects.filter(as_of=last, status=RunStatus.DONE).count()
            if done < len(ALL_PERIODS):
                metrics_compute(as_of=last)
            # As the monthly task would have: in the night after the month's end.
            made = datetime.datetime.combine(
                last + DAY, datetime.time(1), ZoneInfo(settings.TIME_ZONE)
            )
            for unit in units:
                report = monthly_report_generate(unit=unit, month=month, printer=printer)
                MonthlyReport.objects.filter(pk=report.pk).update(generated_at=made)


def _static_collected() -> None:
    """The reviews are printed from the collected static files (hashed names, when the
    manifest storage is on): a fresh demo seeds before bin/demo collects them, so collect now."""
    try:
        staticfiles_storage.url("reports/review.css")
    except ValueError:
        call_command("collectstatic", interactive=False, verbosity=0)


def reports_demo_reset() -> None:
    """Before the demo is seeded again: what does not point into the cleared units but would
    be read as this demo's (the health check's runs; the stored indicator results and their
    computation runs, which say the days are done)."""
    HealthCheckRun.objects.all().delete()
    metrics_results_clear()


register(
    20,
    gettext_lazy("季度目标、质效体检和月度讲评（PDF、XLSX）"),
    reports_demo,
    reports_demo_reset,
)

# The mechanisms that read the health check and the indicators, after them.
register(22, gettext_lazy("约谈提醒：约谈记录和整改承诺"), talks_demo, talks_demo_reset)
register(24, gettext_lazy("数据会商：议题、决定和交办事项"), meetings_demo, meetings_demo_reset)
# issue 14: the SPC 2024 set's reference ranges, demo values (labelled so): after the nightly of
# supervision's year (step 10: the city's values they are drawn around), before the monthly
# reviews (20) and the meeting (24), whose SPC sections and agenda read them.
register(19, gettext_lazy("区间参考值（演示数值）"), ranges_demo, ranges_demo_reset)
