"""The foundation's pages: home, the case list (我的案件), the case page, the audit log.

Each view: scoped queryset -> filters -> selector helpers below -> render. Templates only
display what the view hands them.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cases import fragments
from cases.choices import BAND_COLOURS, AuditAction, Band, Category, choice_label
from cases.dates import today
from cases.filters import AuditLogFilterSet, CaseFilterSet, band_deadline_q
from cases.keyset import (
    COUNT_CAP,
    Key,
    capped_count,
    date_value,
    keyset_page,
    last_if_null,
    str_value,
)
from cases.models import AuditEvent, Case, Court, Division, Judge, TimeLimit
from cases.paths import object_path
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import reach_token, user_scope
from cases.widgets import OptionsSelect

PAGE_SIZE = 50


@login_required
def home(request):
    """Division heads, the office and the leaders start at their indicators (质效指标); everyone
    else at the case list of their own scope (for a judge: 我的案件)."""
    if may(request.user, Action.DASHBOARD_HOME):
        return redirect("metrics:overview")
    return redirect("cases:case_list")


# The case list's orders, as keyset keys (cases.keyset) over NOT NULL expressions, each with
# its index (cases.models, case_pending_urgency_idx / case_pending_court_urgency_idx, and
# case_urgency_idx with the closed ones): most urgent first, no deadline last.
PENDING_KEYS = (Key("deadline_key", parse=date_value), Key("case_number", parse=str_value))
ALL_KEYS = (
    # Pending first (most urgent on top), then the most recently closed.
    Key("closed_key", descending=True, parse=date_value),
    *PENDING_KEYS,
)


@login_required
def case_list(request):
    user = request.user
    scope = user_scope(user)
    include_closed = request.GET.get("closed") == "1"
    cases = Case.objects.in_scope(user)
    if not include_closed:
        cases = cases.pending()
    cases = cases.with_band(today()).select_related("court", "division", "judge")

    filterset = CaseFilterSet(request.GET, queryset=cases, request=request)
    rows = filterset.qs if filterset.is_valid() else cases.none()
    rows = rows.annotate(deadline_key=last_if_null("deadline"))
    if include_closed:
        rows = rows.annotate(closed_key=last_if_null("closed_on"))
    page = keyset_page(
        rows,
        ALL_KEYS if include_closed else PENDING_KEYS,
        after=request.GET.get("after"),
        before=request.GET.get("before"),
        size=PAGE_SIZE,
    )

    # The band counts answer "how many in each band under the other filters"; of the pending
    # list they give its size too, so only the list with the closed ones counts (to a cap).
    unbanded_params = _without(request.GET, "band", "page", "after", "before")

    def unbanded_totals() -> dict:
        unbanded = CaseFilterSet(unbanded_params, queryset=cases, request=request)
        return band_totals(unbanded.qs if unbanded.is_valid() else cases.none())

    # Every user of the same reach asks the same counts: kept a minute (cases.fragments), per
    # reach, day and filters (the list's rows are read on every request); the filters are
    # read again (a second form) only when the counts are not kept.
    totals = fragments.kept(
        "case-list-bands",
        unbanded_totals,
        seconds=settings.COURTDASH_LIVE_COUNT_SECONDS,
        reach=reach_token(user),
        filters=sorted(
            (name, tuple(values)) for name, values in _without(unbanded_params, "closed").lists()
        ),
    )
    counts = band_items(totals)
    if include_closed:
        page.count = capped_count(rows)
        page.count_capped = page.count > COUNT_CAP
        page.count = min(page.count, COUNT_CAP)
    elif not filterset.is_valid():
        page.count = 0
    else:
        band = filterset.form.cleaned_data.get("band")
        page.count = sum(item["count"] for item in counts if not band or item["band"] == band)

    audit_record(
        action=AuditAction.CASE_LIST,
        request=request,
        object_type="case",
        detail={"filters": _filters_used(request.GET), "count": page.count},
    )
    _label_blanks(filterset.form)
    unit_filters = _quick_unit_options(filterset, scope, user)
    _label_rows(page)
    return render(
        request,
        "cases/case_list.html",
        {
            "title": _("我的案件") if scope.is_judge else _("案件"),
            "filterset": filterset,
            "page_obj": page,
            "band_counts": counts,
            "pending_total": sum(item["count"] for item in counts),
            "include_closed": include_closed,
            "show_judge": not scope.is_judge,
            "show_court_filter": "court" in unit_filters,
            "show_division_filter": scope.spans_divisions and "division" in unit_filters,
            "show_judge_filter": not scope.is_judge and "judge" in unit_filters,
            "choose_court_first": scope.is_city and "judge" not in unit_filters,
            "show_court": scope.is_city,
            "today": today(),
        },
    )


@login_required
def case_detail(request, pk: int):
    user = request.user
    case = get_object_or_404(
        Case.objects.in_scope(user).with_band(today()).select_related("court", "division", "judge"),
        pk=pk,
    )
    audit_record(
        action=AuditAction.CASE_VIEW,
        request=request,
        object_type="case",
        object_id=case.pk,
        detail={"case_number": case.case_number},
    )
    derived = list(
        Case.objects.in_scope(user).filter(origin=case).order_by("filed_on", "case_number")
    )
    hidden_derived = Case.objects.filter(origin=case).count() - len(derived)
    origin = None
    if case.origin_id:
        origin = Case.objects.in_scope(user).filter(pk=case.origin_id).first()
    return render(
        request,
        "cases/case_detail.html",
        {
            "case": case,
            "sections": case_sections(case),
            "deadline": deadline_explained(case),
            "timeline": case_timeline(case, today()),
            "origin": origin,
            "derived": derived,
            "hidden_derived": hidden_derived,
        },
    )


@login_required
def audit_log(request):
    user = request.user
    if not may(user, Action.AUDIT_READ):
        raise PermissionDenied
    events = AuditEvent.objects.in_scope(user).select_related("user")
    filterset = AuditLogFilterSet(request.GET, queryset=events)
    rows = filterset.qs if filterset.is_valid() else events.none()
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    _label_blanks(filterset.form)
    response = render(request, "cases/audit_log.html", {"filterset": filterset, "page_obj": page})
    # Reading the trail is itself on the trail: recorded once the page is read, so that the
    # rows shown and their count agree.
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="audit_log",
        detail={"filters": _filters_used(request.GET), "count": page.paginator.count},
    )
    return response


# Selectors: reads that shape what the pages show.


def band_totals(cases) -> dict[str, int]:
    """{band: pending cases} in one query: a count per range of the deadline
    (cases.filters.band_deadline_q), which an index-only scan of the pending cases' deadlines
    answers when no other filter needs the rows."""
    day = today()
    return (
        cases.filter(closed_on__isnull=True)
        .order_by()
        .alias(band_deadline=last_if_null("deadline"))
        .aggregate(
            **{
                band.value: Count(last_if_null("deadline"), filter=band_deadline_q(band, day))
                for band in Band
            }
        )
    )


def band_items(counts: dict[str, int]) -> list[dict]:
    """Every band listed, with its words and colour, and its count."""
    return [
        {
            "band": band.value,
            "label": band.label,
            "colour": BAND_COLOURS[band],
            "count": counts[band.value],
        }
        for band in Band
    ]


def time_limit_for(case: Case) -> TimeLimit | None:
    """The time-limit row that applies to the case: the most specific match, as the SQL of
    cases.services.case_derived_refresh picks it."""
    return (
        TimeLimit.objects.filter(
            category=case.category,
            procedure=case.procedure,
            track__in=["", case.track],
            type_code__in=["", case.type_code],
        )
        # A non-blank value sorts after "": descending puts the specific rows first.
        .order_by("-type_code", "-track")
        .first()
    )


def deadline_explained(case: Case) -> dict:
    """How the deadline came about, for the case page to spell out."""
    if case.deadline_on:
        return {"source": "given", "deadline": case.deadline}
    limit = time_limit_for(case)
    if limit is None:
        return {"source": "none"}
    return {
        "source": "computed",
        "limit": limit,
        "filed_on": case.filed_on,
        "extension_days": case.effective_extension_days,
        "excluded_days": case.excluded_days,
        "deadline": case.deadline,
    }


def case_timeline(case: Case, day: datetime.date) -> list[dict]:
    """The case's events in date order; the pending state sits at today."""

    def event(kind, date, title, *notes):
        return {"kind": kind, "date": date, "title": title, "notes": [n for n in notes if n]}

    events = [
        event(
            "filed",
            case.filed_on,
            _("立案"),
            f"{case.division.name} · {case.judge.name}",
        )
    ]
    if case.deadline:
        events.append(
            event(
                "deadline",
                case.deadline,
                _("审限届满"),
                _("延长审限 %(days)d 日") % {"days": case.effective_extension_days}
                if case.effective_extension_days
                else "",
                _("扣除审限 %(days)d 日") % {"days": case.excluded_days}
                if case.excluded_days
                else "",
                _("来源系统审限届满日期") if case.deadline_on else "",
            )
        )
    if case.closed_on:
        within = ""
        if case.deadline:
            late = (case.closed_on - case.deadline).days
            within = _("超审限 %(days)d 日结案") % {"days": late} if late > 0 else _("审限内结案")
        events.append(
            event(
                "closed",
                case.closed_on,
                _("结案"),
                case.get_closing_method_display(),
                within,
            )
        )
    else:
        if case.deadline is None:
            state = _("无审限")
        elif case.days_left < 0:
            state = _("已超审限 %(days)d 日") % {"days": -case.days_left}
        else:
            state = _("距审限届满还有 %(days)d 日") % {"days": case.days_left}
        events.append(event(f"pending band-{case.band}", day, _("未结（今日）"), state))
    if case.effective_appealed:
        outcome = case.get_effective_appeal_outcome_display() or _("二审审理中")
        events.append(
            event(
                "appeal",
                case.effective_appeal_decided_on,
                _("上诉"),
                _("二审结果：%(outcome)s") % {"outcome": outcome},
            )
        )
    if case.effective_retrial_outcome:
        events.append(
            event(
                "retrial",
                case.effective_retrial_decided_on,
                _("再审"),
                _("再审结果：%(outcome)s")
                % {"outcome": case.get_effective_retrial_outcome_display()},
            )
        )
    # Undated events (an appeal still being heard) come last.
    return sorted(events, key=lambda e: (e["date"] is None, e["date"] or day))


SECTIONS = [
    (
        "basic",
        [
            "case_number",
            "court",
            "division",
            "judge",
            "category",
            "procedure",
            "type_code",
            "track",
            "cause",
        ],
    ),
    (
        "time_limit",
        [
            "filed_on",
            "deadline_on",
            "extension_days",
            "approved_extension_days",
            "excluded_days",
            "deadline",
        ],
    ),
    ("closing", ["closed_on", "closing_method", "trial_days"]),
    (
        "review",
        [
            "origin_case_number",
            "appealed",
            "appeal_outcome",
            "appeal_decided_on",
            "effective_appealed",
            "effective_appeal_outcome",
            "effective_appeal_decided_on",
            "retrial_outcome",
            "retrial_decided_on",
            "effective_retrial_outcome",
            "effective_retrial_decided_on",
        ],
    ),
    ("enforcement", ["amount_applied", "amount_recovered"]),
    ("record", ["updated_at"]),
]


def case_sections(case: Case) -> list[dict]:
    """Every field of the case with its label, grouped as the case page shows them."""
    titles = {
        "basic": _("基本信息"),
        "time_limit": _("审限"),
        "closing": _("结案"),
        "review": _("上诉与再审"),
        "enforcement": _("执行"),
        "record": _("记录"),
    }
    sections = []
    for key, names in SECTIONS:
        if key == "enforcement" and case.category != Category.ENFORCEMENT:
            continue
        fields = [
            {"label": Case._meta.get_field(name).verbose_name, "value": _display(case, name)}
            for name in names
        ]
        sections.append({"key": key, "title": titles[key], "fields": fields})
    return sections


def _display(case: Case, name: str) -> str:
    field = Case._meta.get_field(name)
    value = getattr(case, name)
    if field.choices and value:
        return getattr(case, f"get_{name}_display")()
    if value is None or value == "":
        return "—"
    if name == "division":
        return value.name  # the court has a row of its own
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return _("%(amount)s 元") % {"amount": f"{value:,.2f}"}
    if name in ("extension_days", "approved_extension_days", "excluded_days", "trial_days"):
        return _("%(days)d 日") % {"days": value}
    return str(value)


def _without(params: QueryDict, *names: str) -> QueryDict:
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params


def _filters_used(params: QueryDict) -> dict:
    """The query parameters worth recording: the filters, not the page or its cursor."""
    return {
        name: value
        for name, value in params.items()
        if value and name not in ("page", "after", "before")
    }


def _label_blanks(form) -> None:
    """A blank choice reads 全部 (all) rather than a row of dashes. A select of plain choices
    is written by cases.widgets.OptionsSelect (the same HTML without a template render per
    option); the unit selects are by _quick_unit_options."""
    for field in form.fields.values():
        if getattr(field, "empty_label", None) is not None:
            field.empty_label = _("全部")
            # The widget holds the choices of the class's field, not of this form's copy.
            field.widget.choices = field.choices
            if type(field.widget) is forms.Select and not isinstance(field, forms.ModelChoiceField):
                field.widget = OptionsSelect(attrs=field.widget.attrs, options=field.choices)


# The unit filters' options as plain (value, label) pairs read in one query each, and their
# labels as the models' __str__ writes them: a city has ~600 judges, and a model instance and a
# template render per option cost ~60 ms a page.
UNIT_OPTIONS = {
    "court": (Court, ("code", "code", "name"), lambda code, name: f"{code} {name}"),
    "division": (Division, ("pk", "court__code", "name"), lambda code, name: f"{code} {name}"),
    "judge": (Judge, ("pk", "name", "staff_id"), lambda name, staff_id: f"{name}（{staff_id}）"),
}


def _unit_choices(filterset, scope) -> dict[str, dict]:
    """Which unit filters the list offers, each as the condition on its options: a user of one
    court chooses among its divisions and judges; a user of several (a city, a province: 900
    divisions and 4,900 judges, 5,800 options and 350 KB a page) chooses a court first, then
    among its divisions and judges (those of the chosen division, once one is)."""
    if not scope.is_city:
        return {"division": {}, "judge": {}}
    choices = {"court": {}}
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    division, judge, court = data.get("division"), data.get("judge"), data.get("court")
    if division is not None:
        in_court = {"court_id": division.court_id}
    elif judge is not None:
        in_court = {"court_id": judge.court_id}
    elif court:
        in_court = {"court__code": court}
    else:
        return choices
    choices["division"] = in_court
    choices["judge"] = {"division_id": division.pk} if division is not None else in_court
    return choices


def _quick_unit_options(filterset, scope, user) -> dict[str, dict]:
    """The unit filters the list offers (_unit_choices), rendered by cases.widgets.OptionsSelect
    from plain pairs; the fields still validate against the user's whole scope (CaseFilterSet),
    so a link naming any unit of it works. Returns what _unit_choices offers."""
    choices = _unit_choices(filterset, scope)
    form = filterset.form
    for name, condition in choices.items():
        field = form.fields.get(name)
        model, columns, label = UNIT_OPTIONS[name]
        if name == "court":  # a code filter, not a model choice: the courts the user reaches
            rows = model.objects.in_scope(user).order_by("code").values_list(*columns)
            blank = _("全部")
        elif field is None or field.queryset.model is not model:
            continue
        else:
            # In the model's order, as the field's.
            rows = field.queryset.filter(**condition).values_list(*columns)
            blank = field.empty_label
        options = [("", blank or "")] if blank is not None else []
        options += [(key, label(*rest)) for key, *rest in rows]
        field.widget = OptionsSelect(attrs=field.widget.attrs, options=options)
    return choices


def _label_rows(rows) -> None:
    """Each row's category, procedure and track in words (cases.choices.choice_label: a
    model's get_FOO_display builds its dict of choices on every call, 150 calls a page), its
    link and its time left in words (a {% url %} and a blocktranslate a row cost a tenth of
    the page)."""
    for case in rows:
        for name in ("category", "procedure", "track"):
            setattr(case, f"{name}_label", choice_label(case, name))
        case.detail_url = object_path("cases:case_detail", case.pk)
        case.left_text = _left_text(case)


def _left_text(case) -> str:
    """结案 on a day, the days past the deadline, the days left, or — without a deadline."""
    if case.closed_on:
        return _("%(day)s 结案") % {"day": case.closed_on.isoformat()}
    if case.days_left is None:
        return "—"
    if case.days_left < 0:
        return _("超 %(days)s 日") % {"days": -case.days_left}
    return _("%(days)s 日") % {"days": case.days_left}
