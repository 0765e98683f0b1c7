"""The 比贡献 and 第一方阵 panels of the overview and the weekly page
(metrics.reading.dashboard.contribution): which indicator the panel shows (?contrib=<slug>, by
default the parent's worst gap), the children's parts with the links to their numbers and
cases."""

from __future__ import annotations

import datetime

from cases.paging import pager
from cases.units import CHILD_SCOPE, ScopeKey
from metrics.reading.dashboard import TargetBook
from metrics.reading.dashboard.contribution import (
    KnownTargets,
    Targets,
    contributions,
    contributions_sorted,
    family_rows,
    indicators_by_gap,
)
from metrics.reading.dashboard.first_group import unit_suggestions
from metrics.views.common import page_url

PARAM = "contrib"


def tile_targets(tiles) -> KnownTargets:
    """The targets in force that the overview's tiles have read: no second read."""
    return KnownTargets(tile["target"] for tile in tiles)


def contribution_panel(
    request,
    *,
    parent: ScopeKey,
    as_of: datetime.date,
    period: str,
    ranks: bool,
    page: str,
    book: Targets | None = None,
) -> dict | None:
    """The panel's context, or None for a judge (no units below). Two queries (the targets
    in force, unless `book` is given, and the stored rows of the parent and its children)."""
    if CHILD_SCOPE.get(parent.scope) is None:
        return None
    book = book or TargetBook()
    family = family_rows(parent=parent, as_of=as_of, period=period)
    choices = indicators_by_gap(
        parent=parent,
        as_of=as_of,
        period=period,
        book=book,
        rows=[row for rows in family.values() for row in rows],
    )
    if not choices:
        return None
    by_slug = {indicator.slug: indicator for indicator, _severity in choices}
    indicator = by_slug.get(request.GET.get(PARAM, ""), choices[0][0])
    result = contributions(
        parent=parent,
        indicator=indicator,
        as_of=as_of,
        period=period,
        book=book,
        rows=family.get(indicator.slug, []),
    )
    children = contributions_sorted(result, ranks=ranks)
    for child in children:
        child["drill_url"] = page_url(
            "drill", slug=indicator.slug, unit=child["unit"], period=period, as_of=as_of
        )
        child["numerator_url"] = _cases_url(
            indicator.slug, child["unit"], period, as_of, "numerator"
        )
        child["denominator_url"] = _cases_url(
            indicator.slug, child["unit"], period, as_of, "denominator"
        )
    return {
        "page": page,
        "param": PARAM,
        "choices": [
            {"indicator": choice, "gap": severity > 0, "selected": choice == indicator}
            for choice, severity in choices
        ],
        "result": result,
        "children": children,
        "ranks": ranks,
        "period": period if page == "overview" else None,
        "drill_url": page_url(
            "drill", slug=indicator.slug, unit=parent, period=period, as_of=as_of
        ),
        "numerator_url": _cases_url(indicator.slug, parent, period, as_of, "numerator"),
        "denominator_url": _cases_url(indicator.slug, parent, period, as_of, "denominator"),
    }


UNITS_PER_PAGE = 30


def contribution_pager(request, panel: dict | None) -> dict | None:
    """The panel's units a page at a time (?contrib_page=): a province's city level lists a
    hundred courts. Applied to the kept panel after the page cache, so pages share it."""
    if not panel:
        return None
    return pager(request, panel["children"], "contrib_page", size=UNITS_PER_PAGE)


def _cases_url(slug: str, unit: ScopeKey, period: str, as_of: datetime.date, part: str) -> str:
    return page_url("cases", slug=slug, unit=unit, period=period, as_of=as_of, part=part)


def first_group_panel(
    *, unit: ScopeKey, as_of: datetime.date, period: str, book: Targets | None = None
) -> list[dict]:
    """The unit's 第一方阵 rows (empty for the city: it has no peers)."""
    rows = unit_suggestions(unit=unit, as_of=as_of, period=period, book=book)
    for row in rows:
        row["drill_url"] = page_url(
            "drill", slug=row["indicator"].slug, unit=unit, period=period, as_of=as_of
        )
    return rows
