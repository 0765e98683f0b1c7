"""A planted city for the funnel tests: basic courts under 苏05, one division and one judge
each, with pending first-instance civil and administrative cases (some long-pending) and,
optionally, closed civil cases."""

from __future__ import annotations

import datetime

from cases.choices import ClosingMethod, CourtLevel
from cases.models import Case
from cases.services import case_derived_refresh
from metrics.services import metrics_compute
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

D = datetime.date
AS_OF = D(2025, 6, 30)

# code -> (civil, civil long-pending, administrative, administrative long-pending). Civil cases
# are rarely long-pending (5%), administrative ones often (40%). 苏0514 has mostly
# administrative cases (its case mix); 苏0515 has too many long-pending civil cases.
MIX = {
    "苏0511": (200, 10, 20, 8),
    "苏0512": (200, 10, 20, 8),
    "苏0513": (200, 10, 20, 8),
    "苏0514": (20, 1, 200, 80),
    "苏0515": (200, 40, 20, 8),
}


def plant_city(mix: dict = MIX, *, closed: int = 0, names: dict | None = None) -> dict:
    """The courts by code; `closed` closed civil cases per court (trial days 40–130)."""
    city = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    courts = {"苏05": city}
    built = []
    for code, (civil, civil_long, admin, admin_long) in mix.items():
        name = (names or {}).get(code)
        extra = {"name": name} if name else {}
        court = CourtFactory(code=code, level=CourtLevel.BASIC, parent=city, **extra)
        courts[code] = court
        judge = JudgeFactory(division=DivisionFactory(court=court, name="综合庭"))
        for type_code, total, long in (("民初", civil, civil_long), ("行初", admin, admin_long)):
            for index in range(total):
                filed = D(2024, 3, 1) if index < long else D(2025, 3, 1)
                built.append(CaseFactory.build(judge=judge, type_code=type_code, filed_on=filed))
        for index in range(closed):
            filed = D(2025, 1, 6) + datetime.timedelta(days=index % 30)
            built.append(
                CaseFactory.build(
                    judge=judge,
                    type_code="民初",
                    filed_on=filed,
                    closed_on=filed + datetime.timedelta(days=40 + (index * 7) % 90),
                    closing_method=ClosingMethod.JUDGMENT,
                )
            )
    Case.objects.bulk_create(built)
    case_derived_refresh(case_ids=[case.id for case in built])
    metrics_compute(as_of=AS_OF - datetime.timedelta(days=7), periods=["ytd"])
    metrics_compute(as_of=AS_OF, periods=["ytd"])
    return courts
