"""数据会商 pages: the meetings of a unit, a new meeting (unit and month → the agenda → held),
a meeting's minutes with the discussion, decisions and actions, one action (the owner reports
it done, the office closes it), the actions list, and the minutes as PDF."""

from __future__ import annotations

import time
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from cases.choices import AuditAction
from cases.dates import today
from cases.models import Court, Division
from cases.permissions import Action, Refused, may
from cases.services import audit_record
from cases.units import ScopeKey, reaches, unit_info, user_unit
from metrics.choices import Scope
from metrics.views.common import requested_unit
from reports.meeting_forms import (
    AgendaForm,
    CloseForm,
    DecisionForm,
    DoneForm,
    MeetingCreateForm,
    NoteForm,
)
from reports.models import AgendaKind, Meeting, MeetingActionState
from reports.monthly.documents import pdf_from_html
from reports.selectors.meetings import (
    agenda_build,
    meeting_actions,
    owner_choices,
    visible_actions,
    visible_meetings,
)
from reports.services.meetings import (
    meeting_action_close,
    meeting_action_done,
    meeting_create,
    meeting_decide,
    meeting_note,
)
from reports.views.common import pager, report_url, tabs


def _require_read(request) -> None:
    if not may(request.user, Action.MEETING_READ):
        raise PermissionDenied


def _error_text(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@login_required
def meetings(request):
    _require_read(request)
    unit, info = requested_unit(request)
    rows = visible_meetings(request.user).within(unit).order_by("-held_on", "-pk")
    listed = pager(request, rows, "page")
    return render(
        request,
        "reports/meetings.html",
        {
            "info": info,
            "unit": unit,
            "meetings": listed,
            "may_manage": may(request.user, Action.MEETING_MANAGE),
            "new_url": report_url("meeting_new", unit=unit),
            "report_tabs": tabs(request, "meetings", unit),
        },
    )


def _reach_lists(user):
    """The courts and divisions a user may hold a meeting of."""
    own = user_unit(user)
    if own is None:
        return [], [], False
    courts = Court.objects.order_by("code")
    divisions = Division.objects.select_related("court").order_by("court__code", "name")
    if own.scope is Scope.CITY:
        return list(courts), list(divisions), True
    if own.scope is Scope.COURT:
        return (
            list(courts.filter(pk=own.court_id)),
            list(divisions.filter(court_id=own.court_id)),
            False,
        )
    return (
        list(courts.filter(pk=own.court_id)),
        list(divisions.filter(pk=own.division_id)),
        False,
    )


def _chosen_unit(user, form: AgendaForm) -> ScopeKey:
    division_id = form.cleaned_data.get("division")
    court_id = form.cleaned_data.get("court")
    if division_id is not None:
        division = Division.objects.get(pk=division_id)
        return ScopeKey.of(court=division.court_id, division=division.pk)
    if court_id is not None:
        return ScopeKey.of(court=court_id)
    return ScopeKey.city()


def _refuse_outside(request) -> None:
    """A court or division asked for outside the user's reach: 404, as a case outside it."""
    ids = {}
    for name in ("court", "division"):
        value = request.GET.get(name, "")
        if value and not value.isdigit():
            raise Http404("not an id")
        ids[name] = int(value) if value else None
    unit = None
    if ids["division"] is not None:
        division = Division.objects.filter(pk=ids["division"]).first()
        if division is None or ids["court"] not in (None, division.court_id):
            raise Http404("no such unit")
        unit = ScopeKey.of(court=division.court_id, division=division.pk)
    elif ids["court"] is not None:
        if not Court.objects.filter(pk=ids["court"]).exists():
            raise Http404("no such unit")
        unit = ScopeKey.of(court=ids["court"])
    if unit is not None and not reaches(request.user, unit):
        raise Http404("outside your scope")


@login_required
def meeting_new(request):
    """GET ?court=&division=&month=: the agenda Courtdash proposes; POST: hold the meeting."""
    if not may(request.user, Action.MEETING_MANAGE):
        raise PermissionDenied
    user = request.user
    courts, divisions, city = _reach_lists(user)
    if not courts:
        raise PermissionDenied
    own = user_unit(user)
    _refuse_outside(request)
    query = request.GET.copy()
    if own.scope is not Scope.CITY and not query.get("court"):
        query["court"] = str(own.court_id)
    if own.scope is Scope.DIVISION and not query.get("division"):
        query["division"] = str(own.division_id)
    chosen = bool(request.GET.get("month"))
    form = AgendaForm(
        query if chosen else None,
        courts=courts,
        divisions=divisions,
        city=city,
        initial={"court": query.get("court"), "division": query.get("division")},
    )
    agenda = unit = None
    create_form = MeetingCreateForm(request.POST or None, initial={"held_on": today().isoformat()})
    if form.is_bound and form.is_valid() and form.cleaned_data["month"] is not None:
        unit = _chosen_unit(user, form)
        if not reaches(user, unit):
            raise Http404("outside your scope")
        if request.method == "POST":
            if create_form.is_valid():
                try:
                    meeting = meeting_create(
                        actor=user,
                        unit=unit,
                        month=form.cleaned_data["month"],
                        held_on=create_form.cleaned_data["held_on"],
                        attendees=create_form.cleaned_data["attendees"],
                    )
                except (Refused, ValidationError) as error:
                    messages.error(request, _error_text(error))
                else:
                    messages.success(request, _("数据会商已建立，议题已固定。"))
                    return redirect("reports:meeting", meeting.pk)
        agenda = agenda_build(user=user, unit=unit, month=form.cleaned_data["month"])
    elif request.method == "POST":
        messages.error(request, _("请先选择单位和会商月份"))
    return render(
        request,
        "reports/meeting_new.html",
        {
            "form": form,
            "create_form": create_form,
            "agenda": agenda,
            "kinds": AgendaKind,
            "report_tabs": tabs(request, "meetings"),
        },
    )


def _items(meeting: Meeting, actions) -> list[dict]:
    """The agenda items with their note, decisions and actions."""
    by_decision: dict[int, list] = {}
    for action in actions:
        by_decision.setdefault(action.decision_id, []).append(action)
    decisions: dict[str, list] = {}
    for decision in meeting.decisions.select_related("decided_by").order_by("pk"):
        decision.action_list = by_decision.get(decision.pk, [])
        decisions.setdefault(decision.item_key, []).append(decision)
    return [
        {
            **item,
            "number": index,
            "anchor": f"item-{index}",
            "note": meeting.notes.get(item["key"], ""),
            "decisions": decisions.get(item["key"], []),
        }
        for index, item in enumerate(meeting.agenda, start=1)
    ]


def _minutes_context(meeting: Meeting) -> dict:
    actions = list(meeting_actions(meeting))
    return {
        "meeting": meeting,
        "items": _items(meeting, actions),
        "actions": actions,
        "counts": {
            "open": sum(a.state == MeetingActionState.OPEN for a in actions),
            "done": sum(a.state == MeetingActionState.DONE for a in actions),
            "closed": sum(a.state == MeetingActionState.CLOSED for a in actions),
        },
    }


@login_required
def meeting(request, pk: int):
    _require_read(request)
    found = get_object_or_404(visible_meetings(request.user), pk=pk)
    user = request.user
    may_manage = may(user, Action.MEETING_MANAGE) and reaches(user, ScopeKey.of_row(found))
    owners = owner_choices(user)
    posted = {"note": None, "decide": None}
    if request.method == "POST":
        if not may_manage:
            raise PermissionDenied
        step = request.POST.get("action", "")
        item_key = request.POST.get("item", "")
        try:
            if step == "note":
                form = NoteForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_("讨论情况过长"))
                meeting_note(
                    meeting=found, actor=user, item_key=item_key, note=form.cleaned_data["note"]
                )
                messages.success(request, _("讨论情况已保存。"))
            elif step == "decide":
                form = DecisionForm(request.POST, owners=owners)
                if not form.is_valid():
                    posted["decide"] = (item_key, form)
                    raise ValidationError(_("请检查决定事项的填写"))
                meeting_decide(
                    meeting=found,
                    actor=user,
                    item_key=item_key,
                    text=form.cleaned_data["text"],
                    owner=form.cleaned_data["owner"],
                    due_on=form.cleaned_data["due_on"],
                    task=form.cleaned_data["task"],
                )
                messages.success(request, _("决定事项已记录，已交办责任人。"))
            else:
                raise ValidationError(_("未知的操作"))
        except (Refused, ValidationError) as error:
            messages.error(request, _error_text(error))
            if posted["decide"] is None:
                return redirect(
                    f"{report_url('meeting', args=[found.pk])}#{_anchor(found, item_key)}"
                )
        else:
            return redirect(f"{report_url('meeting', args=[found.pk])}#{_anchor(found, item_key)}")
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="reports.meeting",
        object_id=found.pk,
        detail={"month": f"{found.month:%Y-%m}", "unit": found.title},
    )
    context = _minutes_context(found)
    owner_list = []
    if may_manage:
        # The owners' choices once for every item's form (a court's people: one query).
        owner_list = [
            (str(value), label)
            for value, label in DecisionForm(owners=owners).fields["owner"].choices
            if value
        ]
        for item in context["items"]:
            failed = posted["decide"]
            item["decide_form"] = failed[1] if failed and failed[0] == item["key"] else None
    return render(
        request,
        "reports/meeting.html",
        {
            **context,
            "may_manage": may_manage,
            "owner_choices": owner_list,
            "info": unit_info(ScopeKey.of_row(found)),
            "pdf_url": report_url("meeting_pdf", args=[found.pk]),
            "report_tabs": tabs(request, "meetings"),
        },
    )


def _anchor(meeting: Meeting, item_key: str) -> str:
    for index, item in enumerate(meeting.agenda, start=1):
        if item.get("key") == item_key:
            return f"item-{index}"
    return "agenda"


def minutes_html(meeting: Meeting) -> str:
    """The minutes as a standalone HTML document for the PDF, always in Chinese."""
    with translation.override("zh-hans"):
        return render_to_string(
            "reports/meeting_print.html", {**_minutes_context(meeting), "printing": True}
        )


@login_required
def meeting_pdf(request, pk: int):
    _require_read(request)
    found = get_object_or_404(visible_meetings(request.user), pk=pk)
    started = time.perf_counter()
    data = pdf_from_html(minutes_html(found))
    audit_record(
        action=AuditAction.EXPORT,
        request=request,
        object_type="reports.meeting",
        object_id=found.pk,
        detail={"format": "pdf", "ms": int(1000 * (time.perf_counter() - started))},
    )
    name = f"{found.month:%Y-%m}-{found.title}-{_('数据会商纪要')}.pdf".replace(" ", "-")
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f"attachment; filename=\"minutes.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    return response


@login_required
def meeting_actions_list(request):
    """会商事项: the actions a user owns, and those in their reach."""
    rows = visible_actions(request.user)
    state = request.GET.get("state", "")
    if state in MeetingActionState.values:
        rows = rows.filter(state=state)
    mine = request.GET.get("mine") == "1"
    if mine:
        rows = rows.filter(owner=request.user)
    listed = pager(request, rows, "page")
    return render(
        request,
        "reports/meeting_actions.html",
        {
            "actions": listed,
            "state": state,
            "mine": mine,
            "states": MeetingActionState.choices,
            "today": today(),
            "report_tabs": tabs(request, "meetings")
            if may(request.user, Action.MEETING_READ)
            else [],
        },
    )


@login_required
def meeting_action(request, pk: int):
    user = request.user
    found = get_object_or_404(visible_actions(user), pk=pk)
    if found.owner_id != user.pk and not may(user, Action.MEETING_READ):
        raise PermissionDenied
    may_close = may(user, Action.MEETING_MANAGE) and reaches(user, ScopeKey.of_row(found))
    done_form = DoneForm(request.POST if request.POST.get("action") == "done" else None)
    close_form = CloseForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST":
        step = request.POST.get("action", "")
        try:
            if step == "done":
                if done_form.is_valid():
                    meeting_action_done(
                        action=found, actor=user, note=done_form.cleaned_data["note"]
                    )
                    messages.success(request, _("已报告办结，待审管办销号。"))
                    return redirect("reports:meeting_action", found.pk)
                if found.owner_id != user.pk:
                    raise PermissionDenied
            elif step == "close":
                if not may_close:
                    raise PermissionDenied
                if close_form.is_valid():
                    meeting_action_close(
                        action=found, actor=user, note=close_form.cleaned_data["note"]
                    )
                    messages.success(request, _("已销号。"))
                    return redirect("reports:meeting_action", found.pk)
            else:
                messages.error(request, _("未知的操作"))
        except Refused as refusal:
            raise PermissionDenied(refusal.message) from None
        except ValidationError as error:
            messages.error(request, _error_text(error))
    meeting_row = found.meeting
    item = meeting_row.item(found.decision.item_key) or {}
    return render(
        request,
        "reports/meeting_action.html",
        {
            "action": found,
            "item": item,
            "meeting_url": report_url("meeting", args=[meeting_row.pk])
            if may(user, Action.MEETING_READ) and reaches(user, ScopeKey.of_row(meeting_row))
            else "",
            "may_done": found.owner_id == user.pk and found.state == MeetingActionState.OPEN,
            "may_close": may_close and found.state == MeetingActionState.DONE,
            "done_form": done_form,
            "close_form": close_form,
            "today": today(),
            "report_tabs": tabs(request, "meetings") if may(user, Action.MEETING_READ) else [],
        },
    )
