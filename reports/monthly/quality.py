"""The monthly review's section on 评查 (case quality review): the unit's cases scored in the
month by grade, the average score, and the rectifications asked, answered, accepted and
overdue (supervision.selectors.quality.quality_month). A review kept before this section
existed has no "quality" key: the template shows nothing then."""

from __future__ import annotations

import datetime

from cases.units import ScopeKey
from supervision.selectors.quality import quality_month


def quality_section(unit: ScopeKey, first: datetime.date, last: datetime.date) -> dict:
    return quality_month(unit, first, last)
