"""The dashboard pages (质效指标): overview, drill-down, case lists, trends, the weekly ranking,
and each indicator's page. Each view: scoped unit -> selector (metrics.reading.dashboard) -> chart
(metrics.reading.charts) -> render."""

from metrics.views.drill import case_export, case_list, drill, trend
from metrics.views.indicator import indicator, indicator_target
from metrics.views.overview import overview
from metrics.views.ranking import ranking

__all__ = [
    "case_export",
    "case_list",
    "drill",
    "indicator",
    "indicator_target",
    "overview",
    "ranking",
    "trend",
]
