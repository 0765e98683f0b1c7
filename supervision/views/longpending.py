"""Long-pending cases by age bucket with the outlook (可能发生的动向), and overdue cases (超审限),
for the viewer's scope or one unit of it, with the breakdown one level down."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import gettext as _

from cases import fragments
from cases.choices import AuditAction
from cases.dates import today
from cases.keyset import Key, date_value, keyset_page, last_if_null, str_value
from cases.paths import object_path
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import reach_token
from supervision import selectors
from supervision.choices import OUTLOOK_HORIZONS, OUTLOOK_THRESHOLDS, AgeBucket
from supervision.views.common import (
    PAGE_SIZE,
    crumbs,
    requested_unit,
    unit_grouping,
)
from supervision.views.prefill import letter_urls

# The long-pending lists' order, oldest filing first, as a keyset (cases.keyset): `filed_key`
# is the filing day (supervision.selectors.longpending); the page's few thousand cases are read
# from case_pending_filed_idx and sorted.
LIST_KEYS = (Key("filed_key", parse=date_value), Key("case_number", parse=str_value))

# The overdue list's order, most overdue first (CaseQuerySet.by_urgency), as a keyset over
# case_pending_urgency_idx / case_pending_court_urgency_idx.
OVERDUE_KEYS = (Key("deadline_key", parse=date_value), Key("case_number", parse=str_value))

BUCKET_COLOURS = {
    AgeBucket.M12_18: "amber",
    AgeBucket.M18_24: "orange",
    AgeBucket.M24_36: "red",
    AgeBucket.M36_PLUS: "red",
}


def _outlook_choice(value: str) -> tuple[int, int] | None:
    """?outlook=12_30: the cases passing 12 months within 30 days."""
    try:
        threshold, horizon = (int(part) for part in value.split("_"))
    except ValueError:
        return None
    if threshold in OUTLOOK_THRESHOLDS and horizon in OUTLOOK_HORIZONS:
        return threshold, horizon
    return None


def _breakdown_rows(rows: list[dict], by: str | None) -> list[dict]:
    """Each row of a grouped count with its unit's name and the query that opens it."""
    for row in rows:
        params = {"court": row.get("court_id")}
        name = row.get("court__code", "")
        if by in ("division", "judge"):
            params["division"] = row.get("division_id")
            name = row.get("division__name") or "—"
        if by == "judge":
            params["judge"] = row.get("judge_id")
            name = row.get("judge__name") or "—"
        row["unit_name"] = name
        row["query"] = urlencode({key: value for key, value in params.items() if value})
    return rows


@login_required
def long_pending(request):
    user, day = request.user, today()
    unit = requested_unit(request)
    by = unit_grouping(unit)
    bucket = request.GET.get("bucket", "")
    if bucket not in AgeBucket.values:
        bucket = ""
    outlook = _outlook_choice(request.GET.get("outlook", ""))
    if outlook is not None:
        cases = selectors.long_pending_outlook_cases(
            user=user, threshold=outlook[0], horizon=outlook[1], day=day, unit=unit.key.cases_q()
        )
        list_title = _("%(horizon)s日内将超过%(threshold)s个月未结的案件") % {
            "threshold": outlook[0],
            "horizon": outlook[1],
        }
    else:
        cases = selectors.long_pending_cases(
            user=user, day=day, bucket=bucket or None, unit=unit.key.cases_q()
        )
        list_title = (
            _("未结%(bucket)s的案件") % {"bucket": AgeBucket(bucket).label}
            if bucket
            else _("长期未结案件（未结超过12个月）")
        )
    page = keyset_page(
        cases,
        LIST_KEYS,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    labels = dict(AgeBucket.choices)
    for case in page:
        case.age_label = labels.get(getattr(case, "age_bucket", ""), "")
        case.page_url = object_path("supervision:case", case.pk)
    if may(user, Action.LETTER_ISSUE):
        # Each case's own notice, prefilled (written here: two blocktranslate and a tag a row
        # cost a sixth of the page).
        back = request.get_full_path()
        for case in page:
            number = case.case_number
            case.notice_url = letter_urls(
                user,
                cases=[case],
                back=back,
                title=_("关于%(number)s长期未结的督办") % {"number": number},
                evidence=_(
                    "%(number)s于%(filed)s立案，至今未结（%(age)s）。"
                    "请说明未结原因、下一步措施和预计结案时间。"
                )
                % {"number": number, "filed": case.filed_on.isoformat(), "age": case.age_label},
            )["notice"]

    def counts() -> tuple[list[dict], dict, dict]:
        if by:
            by_unit = selectors.long_pending_counts(
                user=user, day=day, by=by, unit=unit.key.cases_q()
            )
            # Every long-pending case is in exactly one group: the totals are the column sums.
            keys = [*AgeBucket.values, "total"]
            totals = {key: sum(row[key] for row in by_unit) for key in keys}
        else:
            by_unit = []
            (totals,) = selectors.long_pending_counts(user=user, day=day, unit=unit.key.cases_q())
        outlook = selectors.long_pending_outlook(user=user, day=day, unit=unit.key.cases_q())
        return by_unit, totals, outlook

    # The same for everyone of the same reach looking at the unit: kept a minute
    # (cases.fragments; the list's rows are read on every request).
    by_unit, totals, outlook_counts = fragments.kept(
        "supervision.long_pending_counts",
        counts,
        seconds=settings.COURTDASH_LIVE_COUNT_SECONDS,
        reach=reach_token(user),
        unit=unit.key,
        by=by,
    )
    # The list's size is one of the counts above, not a count of its own.
    if outlook is not None:
        page.count = outlook_counts[outlook[0]][outlook[1]]
    else:
        page.count = totals[bucket or "total"]
    audit_record(
        action=AuditAction.CASE_LIST,
        request=request,
        object_type="case",
        detail={
            "view": "supervision_long_pending",
            "unit": unit.params,
            "bucket": bucket,
            "outlook": request.GET.get("outlook", ""),
            "count": page.count,
        },
    )
    return render(
        request,
        "supervision/long_pending.html",
        {
            "unit": unit,
            "crumbs": crumbs(user, unit),
            "day": day,
            "totals": totals,
            "buckets": [
                {
                    "value": value,
                    "label": label,
                    "colour": BUCKET_COLOURS[value],
                    "count": totals[value],
                }
                for value, label in AgeBucket.choices
            ],
            "bucket": bucket,
            "outlook": [
                {
                    "threshold": threshold,
                    "cells": [
                        {"key": f"{threshold}_{horizon}", "count": count}
                        for horizon, count in counts.items()
                    ],
                }
                for threshold, counts in outlook_counts.items()
            ],
            "outlook_selected": "_".join(map(str, outlook)) if outlook else "",
            "thresholds": OUTLOOK_THRESHOLDS,
            "horizons": OUTLOOK_HORIZONS,
            "by": by,
            "breakdown": _breakdown_rows(by_unit, by),
            "page_obj": page,
            "list_title": list_title,
            "is_outlook": outlook is not None,
            "show_court": unit.court is None and by == "court",
            "can_campaign": may(user, Action.CAMPAIGN_MANAGE)
            and unit.key.scope in ("court", "division"),
        },
    )


@login_required
def overdue(request):
    user, day = request.user, today()
    unit = requested_unit(request)
    by = unit_grouping(unit)
    cases = selectors.overdue_cases(user=user, day=day, unit=unit.key.cases_q())
    page = keyset_page(
        cases.annotate(deadline_key=last_if_null("deadline")),
        OVERDUE_KEYS,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )
    for case in page:
        case.days_overdue = -case.days_left
    (totals,) = selectors.overdue_counts(user=user, day=day, unit=unit.key.cases_q())
    page.count = totals["total"]  # the list's size, counted above
    audit_record(
        action=AuditAction.CASE_LIST,
        request=request,
        object_type="case",
        detail={"view": "supervision_overdue", "unit": unit.params, "count": page.count},
    )
    return render(
        request,
        "supervision/overdue.html",
        {
            "unit": unit,
            "crumbs": crumbs(user, unit),
            "day": day,
            "totals": totals,
            "by": by,
            "breakdown": _breakdown_rows(
                selectors.overdue_counts(user=user, day=day, by=by, unit=unit.key.cases_q())
                if by
                else [],
                by,
            ),
            "page_obj": page,
            "show_court": unit.court is None and by == "court",
            "can_notice": may(user, Action.LETTER_ISSUE),
        },
    )
