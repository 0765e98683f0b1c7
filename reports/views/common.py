"""What every reports page does first: who may look, at which unit; the tabs; pagers.

The unit comes from the query (?court=&division=&judge=), as on the dashboards, through
metrics.views.common.requested_unit: the viewer's own by default, 404 outside their scope.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from cases.paging import pager  # noqa: F401 (the reports pages' own name for it)
from cases.permissions import Action, may
from cases.units import ScopeKey, unit_crumbs, unit_url
from metrics.choices import IndicatorSet
from metrics.selectors import shown_sets

PAGE_SIZE = 20
CITY_PAGES = {"monthly_list", "ranges"}  # pages of the city as a whole: no unit in their URL


def report_url(name: str, *, unit: ScopeKey | None = None, args=(), **params) -> str:
    return unit_url(f"reports:{name}", args=args, unit=unit, **params)


def tabs(request, current: str, unit: ScopeKey | None = None) -> list[dict]:
    user = request.user
    entries = [("daily", _("日动态")), ("targets", _("季目标"))]
    # issue 14: the SPC 2024 set's reference ranges, where the deployment shows that set
    if may(user, Action.DASHBOARDS) and IndicatorSet.SPC2024 in shown_sets():
        entries.append(("ranges", _("区间参考值")))
    if may(user, Action.MONTHLY_REVIEW_READ):
        entries.append(("monthly_list", _("月讲评")))
    if may(user, Action.HEALTH_CHECK):
        entries.append(("health", _("办案体检")))
    if may(user, Action.MEETING_READ):
        entries.append(("meetings", _("数据会商")))
    if may(user, Action.TALK_MANAGE):
        entries.append(("talks", _("约谈提醒")))
    return [
        {
            "name": name,
            "label": label,
            "url": report_url(name, unit=None if name in CITY_PAGES else unit),
            "current": name == current,
        }
        for name, label in entries
    ]


def crumbs(request, info, name: str, **params) -> list[dict]:
    """The units from the viewer's own down to this one, each linking to the same page."""
    return unit_crumbs(request.user, info, lambda key: report_url(name, unit=key, **params))
