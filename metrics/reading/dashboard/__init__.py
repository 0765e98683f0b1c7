"""What the dashboard pages read, shaped for them: a unit's tiles, the units below a number, a
year's trend, the monthly flow, the weekly ranking, the international companions.

Stored results only (IndicatorValue, ScopeScore, ComputationRun, the targets in force), read
through metrics.selectors — no indicator is computed in a request, and no case is read (the age
profile of pending cases is stored by the computation too).
"""

from metrics.definitions.conditions import AGE_BUCKETS
from metrics.reading.dashboard.common import (
    WEEK,
    YTD,
    Target,
    TargetBook,
    plotted,
    rounded,
    same_day_last_year,
)
from metrics.reading.dashboard.drill import child_key, drill, drill_value, monthly_flow, trend
from metrics.reading.dashboard.overview import (
    change_tone,
    companions,
    overview,
    pending_age_profile,
    year_series,
)
from metrics.reading.dashboard.ranking import weekly_ranking
from metrics.reading.dashboard.spc import (
    movement,
    spc_children,
    spc_drill,
    spc_overview,
    spc_trend,
)

__all__ = [
    "AGE_BUCKETS",
    "WEEK",
    "YTD",
    "Target",
    "TargetBook",
    "change_tone",
    "child_key",
    "companions",
    "drill",
    "drill_value",
    "monthly_flow",
    "movement",
    "overview",
    "pending_age_profile",
    "plotted",
    "rounded",
    "same_day_last_year",
    "spc_children",
    "spc_drill",
    "spc_overview",
    "spc_trend",
    "trend",
    "weekly_ranking",
    "year_series",
]
