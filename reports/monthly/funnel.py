"""The monthly review's funnel section (issue 12, item 7): in the bands mode, instead of ranks,
the units one level down that a funnel plot flags on each indicator (metrics.reading.funnel), and
the funnel of each indicator that flags any — kept in the snapshot as JSON like every part of it.

None in the ranks mode and for a judge (nobody below); a review kept before this section
existed has no "funnel" key, and its page shows nothing for it.
"""

from __future__ import annotations

import datetime

from django.utils.translation import gettext as _

from cases.units import CHILD_SCOPE, ScopeKey
from metrics.choices import PeriodKind, RankingMode
from metrics.reading import funnel as funnels
from metrics.reading.funnel_chart import flag_label, funnel_figure
from metrics.templatetags.metrics_display import indicator_value, quantity

# Charts kept in the review: the flagged indicators' funnels, at most this many (the PDF's size).
MAX_FIGURES = 4


def funnel_section(*, unit: ScopeKey, as_of: datetime.date, mode: RankingMode) -> dict | None:
    if mode is not RankingMode.BANDS or unit.scope not in CHILD_SCOPE:
        return None
    found = funnels.funnels(parent=unit, as_of=as_of, period=PeriodKind.YTD)
    flags = []
    for item, point in funnels.flagged(found):
        flags.append(
            {
                "indicator": item.indicator.slug,
                "label": str(item.indicator.label),
                "unit": point.name,
                "code": point.code,
                "flag": point.flag,
                "side": point.side,
                "flag_label": flag_label(point.flag, point.side),
                "value_text": indicator_value(point.value, item.indicator),
                "centre_text": indicator_value(item.centre, item.indicator),
                "numerator_text": quantity(point.numerator),
                "denominator_text": quantity(point.denominator),
            }
        )
    figures = []
    for item in found:
        if item.flagged and len(figures) < MAX_FIGURES:
            figure = funnel_figure(item, static=True)
            figure["layout"]["height"] = 280
            figures.append(
                {
                    "id": f"figure-funnel-{item.indicator.slug}",
                    "label": _("%(indicator)s漏斗图") % {"indicator": item.indicator.label},
                    "figure": figure,
                }
            )
    return {
        "indicators": [
            {
                "slug": item.indicator.slug,
                "label": str(item.indicator.label),
                "model": str(item.model.label),
                "units": len(item.points),
                "flags": len(item.flagged),
            }
            for item in found
        ],
        "flags": flags,
        "figures": figures,
    }
