"""Planted data for the talks' suggestions, on the small city of tests/conftest.py (苏05 over
苏0505 and 苏0506, 民一庭 and 刑事审判庭 in each, judges 1 and 2 in each division).

`talks_city(courts, divisions, judges, plant=True)` stores what the nightly jobs would have:
three weekly YTD computations (AS_OF and the two Sundays before it) with every unit's
法定审限内结案率 comfortably above its warning line (98%) and the same long-pending share (1%),
three finished health checks and no letter — a clean city. With `plant`, one problem per rule:

    BELOW       苏0505/民一庭/1     within_limit_rate 90% (warning 95%) in all three weeks
    NEAR_MISS   苏0505/民一庭/2     90% in two of the three weeks only: no suggestion
    PEERS       苏0506/刑事审判庭   long-pending share 8% against its peer's 1%
    FINDINGS    苏0505/刑事审判庭   the same finding in each of the three health checks
    ONCE        苏0506/民一庭/2     a finding in the latest check only: no suggestion
    LETTERS     苏0506/民一庭/1     a notice unanswered 20 days after its deadline
    RECENT      苏0505/刑事审判庭/2 a notice 3 days late only: no suggestion
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from cases.choices import Scope
from cases.runs import RunStatus
from metrics.models import ComputationRun, IndicatorValue
from reports.choices import FindingKind
from reports.models import Finding, HealthCheckRun
from supervision.choices import LetterState, RecipientKind
from supervision.models import Notice

D = datetime.date
AS_OF = D(2025, 6, 29)
WEEKS = [AS_OF - datetime.timedelta(days=7 * week) for week in range(3)]
PLANTED = {
    "below_warning": "苏0505/民一庭/1",
    "long_pending_above_peers": "苏0506/刑事审判庭",
    "repeated_findings": "苏0505/刑事审判庭",
    "unanswered_letters": "苏0506/民一庭/1",
}
NOT_PLANTED = ("苏0505/民一庭/2", "苏0506/民一庭/2", "苏0505/刑事审判庭/2")


def _value(day, unit: dict, indicator: str, value: float, denominator: int = 50):
    numerator = Decimal(str(round(value * denominator / 100, 2)))
    return IndicatorValue(
        as_of=day,
        period="ytd",
        indicator=indicator,
        numerator=numerator,
        denominator=Decimal(denominator),
        value=value,
        **unit,
    )


def _units(courts, divisions, judges) -> dict[str, dict]:
    units = {}
    for code, court in courts.items():
        units[code] = {"scope": Scope.COURT, "court": court}
    for key, division in divisions.items():
        units[key] = {"scope": Scope.DIVISION, "court": division.court, "division": division}
    for key, judge in judges.items():
        units[key] = {
            "scope": Scope.JUDGE,
            "court": judge.court,
            "division": judge.division,
            "judge": judge,
        }
    return units


def talks_city(courts: dict, divisions: dict, judges: dict, *, plant: bool = True) -> dict:
    units = _units(courts, divisions, judges)
    now = timezone.now()
    values = []
    for week, day in enumerate(WEEKS):
        ComputationRun.objects.create(
            as_of=day, period="ytd", status=RunStatus.DONE, started_at=now, finished_at=now
        )
        for key, unit in units.items():
            within = 98.0
            if plant and key == "苏0505/民一庭/1":
                within = 90.0
            if plant and key == "苏0505/民一庭/2" and week < 2:
                within = 90.0
            values.append(_value(day, unit, "within_limit_rate", within))
            share = 8.0 if plant and key == "苏0506/刑事审判庭" and week == 0 else 1.0
            values.append(_value(day, unit, "long_pending_share", share))
    IndicatorValue.objects.bulk_create(values)
    runs = [
        HealthCheckRun.objects.create(
            as_of=AS_OF - datetime.timedelta(days=back),
            window_start=D(2024, 7, 1),
            status=RunStatus.DONE,
            started_at=now,
            finished_at=now,
        )
        for back in (14, 7, 0)
    ]
    if plant:
        for run in runs:
            Finding.objects.create(
                run=run,
                kind=FindingKind.STALLED_LONG_PENDING,
                case_count=3,
                facts={"count": 3, "idle_days": 180, "since": "2024-12-01"},
                **units["苏0505/刑事审判庭"],
            )
        Finding.objects.create(
            run=runs[-1],
            kind=FindingKind.STALLED_LONG_PENDING,
            case_count=1,
            facts={"count": 1, "idle_days": 180, "since": "2024-12-01"},
            **units["苏0506/民一庭/2"],
        )
        for key, deadline in (
            ("苏0506/民一庭/1", D(2025, 6, 10)),
            ("苏0505/刑事审判庭/2", D(2025, 6, 27)),
        ):
            judge = judges[key]
            Notice.objects.create(
                court=judge.court,
                division=judge.division,
                judge=judge,
                recipient_kind=RecipientKind.JUDGE,
                title=f"督办通知 {key}",
                body="请说明情况",
                deadline=deadline,
                state=LetterState.SENT,
                issued_at=now,
            )
    return units


def unit_label(suggestion, courts, divisions, judges) -> str:
    """A suggestion's unit as the keys above ("苏0505/民一庭/1")."""
    key = suggestion.unit
    if key.judge_id:
        return next(k for k, judge in judges.items() if judge.pk == key.judge_id)
    if key.division_id:
        return next(k for k, division in divisions.items() if division.pk == key.division_id)
    return next(k for k, court in courts.items() if court.pk == key.court_id)
