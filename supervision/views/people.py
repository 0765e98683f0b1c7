"""Who is reminded, and how (issue 11, items 3 and 5): the office's pages of who leads which
division (分管院领导) and of people's mobile numbers and reminder channels, each with the
history of who changed what (the trail), and everyone's own "my settings" page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.dates import today
from cases.models import Court, Division, User
from cases.permissions import Action, may
from cases.units import unit_reached
from supervision.choices import TraceKind
from supervision.models import Contact, DivisionLeader, TraceEntry
from supervision.people_forms import ChannelsForm, DivisionLeaderForm
from supervision.services.people import (
    contact_save,
    division_leader_remove,
    division_leader_set,
    may_lead,
)
from supervision.services.reminders import channels_of
from supervision.views.common import form_errors, paginate, run_service

HISTORY = 10
LEADER_KINDS = (TraceKind.DIVISION_LEADER_SET, TraceKind.DIVISION_LEADER_REMOVED)


def _require_read(user) -> None:
    if not may(user, Action.SETTINGS_READ):
        raise PermissionDenied


def _courts(user) -> list[Court]:
    """The courts whose people and divisions the page lists: those in the viewer's reach (not
    the courts above it, which the courts list shows as context)."""
    return [
        court
        for court in Court.objects.in_scope(user).order_by("code")
        if unit_reached(user, court_id=court.pk)
    ]


def _people(court_ids: list[int]):
    return User.objects.filter(
        Q(court_id__in=court_ids)
        | Q(division__court_id__in=court_ids)
        | Q(judge__court_id__in=court_ids)
    )


def _history(user, kinds) -> list[TraceEntry]:
    """The latest changes (the whole history: the trail page, filtered by kind)."""
    entries = list(
        TraceEntry.objects.in_scope(user)
        .filter(kind__in=kinds)
        .select_related("court")
        .order_by("-at", "-id")[:HISTORY]
    )
    return [_described(entry) for entry in entries]


CONTACT_LABELS = {
    "mobile": gettext_lazy("手机号码"),
    "sms_enabled": gettext_lazy("短信"),
    "email_enabled": gettext_lazy("电子邮件"),
}


def _shown(value) -> str:
    if value is True:
        return _("接收")
    if value is False:
        return _("不接收")
    return str(value) if value else "—"


def _described(entry: TraceEntry) -> TraceEntry:
    """Set `changes`: what a contact change changed, from what to what."""
    detail = entry.detail or {}
    before, after = detail.get("before") or {}, detail.get("after") or {}
    entry.changes = [
        {
            "label": CONTACT_LABELS.get(key, key),
            "before": _shown(before.get(key)),
            "after": _shown(after.get(key)),
        }
        for key in detail.get("changed") or []
    ]
    return entry


@login_required
def division_leaders(request):
    user = request.user
    _require_read(user)
    courts = _courts(user)
    court_ids = [court.pk for court in courts]
    divisions = Division.objects.filter(court_id__in=court_ids).select_related("court")
    leaders = _people(court_ids).filter(is_active=True).order_by("username")
    leaders = User.objects.filter(pk__in=[p.pk for p in leaders if may_lead(p)]).order_by(
        "username"
    )
    can_edit = may(user, Action.DIVISION_LEADERS_EDIT)
    form = None
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if "remove" in request.POST:
            try:
                row = DivisionLeader.objects.select_related("division", "user").get(
                    pk=int(request.POST["remove"]), division__court_id__in=court_ids
                )
            except (ValueError, DivisionLeader.DoesNotExist) as error:
                raise Http404 from error
            if run_service(
                request,
                lambda: division_leader_remove(row=row, actor=user),
                _("已撤销%(user)s分管%(division)s")
                % {"user": row.user.display_name, "division": row.division.name},
            ):
                return redirect("supervision:settings_division_leaders")
        else:
            form = DivisionLeaderForm(request.POST, divisions=divisions, leaders=leaders)
            if form.is_valid():
                data = form.cleaned_data
                if run_service(
                    request,
                    lambda: division_leader_set(
                        division=data["division"],
                        user=data["user"],
                        since=data["since"],
                        actor=user,
                    ),
                    _("已登记%(user)s分管%(division)s")
                    % {"user": data["user"].display_name, "division": data["division"].name},
                ):
                    return redirect("supervision:settings_division_leaders")
            else:
                form_errors(request, form)
    if can_edit and form is None:
        form = DivisionLeaderForm(divisions=divisions, leaders=leaders, initial={"since": today()})
    rows_by_division: dict[int, list[DivisionLeader]] = {}
    for row in DivisionLeader.objects.filter(division__court_id__in=court_ids).select_related(
        "user", "designated_by"
    ):
        rows_by_division.setdefault(row.division_id, []).append(row)
    page = paginate(request, divisions.order_by("court__code", "name"), size=50)
    for division in page.object_list:
        division.leader_rows = rows_by_division.get(division.pk, [])
    return render(
        request,
        "supervision/people/division_leaders.html",
        {
            "page_obj": page,
            "form": form if can_edit else None,
            "can_edit": can_edit,
            "history": _history(user, LEADER_KINDS),
        },
    )


def _channel_rows(people) -> list[dict]:
    contacts = Contact.objects.in_bulk([p.pk for p in people], field_name="user_id")
    rows = []
    for person in people:
        contact = contacts.get(person.pk)
        rows.append(
            {
                "person": person,
                "contact": contact,
                "channels": [channel.label for channel in channels_of(person, contact)],
            }
        )
    return rows


@login_required
def contacts(request):
    user = request.user
    _require_read(user)
    court_ids = [court.pk for court in _courts(user)]
    people = (
        _people(court_ids)
        .select_related("court", "division", "judge")
        .order_by("court__code", "division__name", "role", "username")
    )
    query = (request.GET.get("q") or "").strip()[:50]
    if query:
        people = people.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(supervision_contact__mobile__icontains=query)
        )
    can_edit = may(user, Action.CONTACTS_EDIT)
    editing, form = None, None
    if request.method == "POST" or request.GET.get("edit"):
        raw = request.POST.get("user") if request.method == "POST" else request.GET.get("edit")
        try:
            editing = _people(court_ids).get(pk=int(raw or ""))
        except (ValueError, User.DoesNotExist) as error:
            raise Http404 from error
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = ChannelsForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            if run_service(
                request,
                lambda: contact_save(user=editing, actor=user, **data),
                _("已保存%(user)s的手机号码和提醒渠道") % {"user": editing.display_name},
            ):
                return redirect("supervision:settings_contacts")
        else:
            form_errors(request, form)
    elif editing is not None and can_edit:
        form = ChannelsForm(initial=_initial(editing))
    page = paginate(request, people, size=50)
    return render(
        request,
        "supervision/people/contacts.html",
        {
            "page_obj": page,
            "rows": _channel_rows(list(page.object_list)),
            "query": query,
            "can_edit": can_edit,
            "editing": editing,
            "form": form if can_edit else None,
            "history": _history(user, (TraceKind.CONTACT_CHANGED,)),
        },
    )


def _initial(person: User) -> dict:
    contact = Contact.objects.filter(user=person).first()
    if contact is None:
        return {"mobile": "", "sms_enabled": False, "email_enabled": True}
    return {
        "mobile": contact.mobile,
        "sms_enabled": contact.sms_enabled,
        "email_enabled": contact.email_enabled,
    }


@login_required
def my_settings(request):
    user = request.user
    if not may(user, Action.OWN_SETTINGS):
        raise PermissionDenied
    if request.method == "POST":
        form = ChannelsForm(request.POST)
        if form.is_valid():
            if run_service(
                request,
                lambda: contact_save(user=user, actor=user, **form.cleaned_data),
                _("已保存您的提醒设置"),
            ):
                return redirect("supervision:my_settings")
        else:
            form_errors(request, form)
    else:
        form = ChannelsForm(initial=_initial(user))
    contact = Contact.objects.filter(user=user).first()
    history = (
        list(
            TraceEntry.objects.filter(
                kind=TraceKind.CONTACT_CHANGED, object_type="contact", object_id=str(contact.pk)
            ).order_by("-at", "-id")[:HISTORY]
        )
        if contact is not None
        else []
    )
    history = [_described(entry) for entry in history]
    return render(
        request,
        "supervision/people/my_settings.html",
        {
            "form": form,
            "channels": [channel.label for channel in channels_of(user, contact)],
            "history": history,
            "led": DivisionLeader.objects.filter(user=user).select_related("division"),
        },
    )
