"""月讲评's section on the data-review meetings (数据会商) held in the month: each meeting, and
where the actions decided at them stand."""

from __future__ import annotations

import datetime

from cases.units import ScopeKey
from reports.selectors.meetings import month_summary


def meetings_section(unit: ScopeKey, month: datetime.date) -> dict | None:
    """None when no meeting of the unit (or below) was held in the month."""
    summary = month_summary(unit=unit, month=month)
    return summary if summary["meetings"] else None
