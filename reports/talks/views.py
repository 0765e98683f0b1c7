"""约谈提醒 pages: the suggestions (whom to talk to, and why), the talks of a unit, a talk with
its commitments, the new-talk form (blank or from a suggestion), a commitment (its owner
reports; the office or leadership checks it off), and the suggestion rules' settings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction
from cases.dates import today
from cases.permissions import Action, may
from cases.services import audit_record
from cases.units import ScopeKey, reaches
from metrics.views.common import requested_unit
from reports.models import TalkRuleSetting
from reports.talks import services
from reports.talks.choices import CommitmentState, TalkRuleKind
from reports.talks.forms import (
    COMMITMENT_ROWS,
    PARAM_LABELS,
    CloseForm,
    ReportForm,
    TalkForm,
    rule_form,
)
from reports.talks.rules import rules, suggestion_for, suggestions
from reports.talks.selectors import (
    follow_up,
    is_overdue,
    talk_commitments,
    talk_list,
    visible_commitments,
    visible_talks,
)
from reports.views.common import crumbs, pager, report_url, tabs
from supervision.views.common import form_errors, run_service


def _require(user, *actions) -> None:
    if not any(may(user, action) for action in actions):
        raise PermissionDenied


def _unit_title(talk) -> str:
    parts = (talk.court, talk.division, talk.judge)
    return " ".join(part.name for part in parts if part is not None)


@login_required
def talk_suggestions(request):
    user = request.user
    _require(user, Action.TALK_MANAGE)
    unit, info = requested_unit(request)
    found = suggestions(unit=unit)
    listed = pager(request, found, "page")
    last_held = {}
    for row in talk_list(user=user, unit=unit).values(
        "court_id", "division_id", "judge_id", "held_on"
    ):
        key = ScopeKey.of(court=row["court_id"], division=row["division_id"], judge=row["judge_id"])
        last_held.setdefault(key, row["held_on"])
    listed["rows"] = [
        {
            "suggestion": suggestion,
            "last_held": last_held.get(suggestion.unit),
            "new_url": report_url("talk_new", unit=suggestion.unit, suggested=1),
            "talks_url": report_url("talks", unit=suggestion.unit),
        }
        for suggestion in listed["rows"]
    ]
    return render(
        request,
        "reports/talk_suggestions.html",
        {
            "info": info,
            "unit": unit,
            "suggestions": listed,
            "rules": [
                {"kind": kind, "label": label, **rules()[kind]}
                for kind, label in TalkRuleKind.choices
            ],
            "report_tabs": tabs(request, "talks", unit),
            "breadcrumb": crumbs(request, info, "talk_suggestions"),
            "talks_url": report_url("talks", unit=unit),
            "new_url": report_url("talk_new"),
        },
    )


@login_required
def talks(request):
    user = request.user
    _require(user, Action.TALK_MANAGE, Action.TALK_COMMIT)
    manage = may(user, Action.TALK_MANAGE)
    unit, info = requested_unit(request)
    day = today()
    rows = talk_list(user=user, unit=unit if manage else None)
    listed = pager(request, rows, "page")
    mine = pager(
        request,
        visible_commitments(user)
        .filter(owner=user)
        .exclude(state=CommitmentState.DONE)
        .select_related("talk__court", "talk__division", "talk__judge")
        .order_by("due_on", "pk"),
        "mine",
    )
    for commitment in mine["rows"]:
        commitment.overdue = is_overdue(commitment, day)
    figures = follow_up(
        visible_commitments(user).filter(unit.cases_q("talk__"))
        if manage
        else visible_commitments(user).filter(owner=user),
        day=day,
    )
    return render(
        request,
        "reports/talks.html",
        {
            "info": info,
            "unit": unit,
            "talks": listed,
            "mine": mine,
            "figures": figures,
            "manage": manage,
            "report_tabs": tabs(request, "talks", unit),
            "breadcrumb": crumbs(request, info, "talks") if manage else [],
            "suggestions_url": report_url("talk_suggestions", unit=unit),
            "new_url": report_url("talk_new"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def talk_new(request):
    user = request.user
    _require(user, Action.TALK_MANAGE)
    unit, info = requested_unit(request)
    suggested = None
    if unit.scope != "city" and request.GET.get("suggested"):
        suggested = suggestion_for(unit)
    initial = {"held_on": today(), "conducted_by": user.pk}
    if unit.court_id is not None:
        initial.update(court=unit.court_id, division=unit.division_id, judge=unit.judge_id)
    if suggested is not None:
        initial["problems"] = suggested.problems_text()
    form = TalkForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = []

        def record():
            created.append(
                services.talk_record(
                    actor=user,
                    court_id=data["court"].pk,
                    division_id=data["division"].pk if data["division"] else None,
                    judge_id=data["judge"].pk if data["judge"] else None,
                    held_on=data["held_on"],
                    conducted_by=data["conducted_by"],
                    attendees=data["attendees"],
                    problems=data["problems"],
                    commitments=data["commitments"],
                    suggestion={
                        **suggested.as_dict(),
                        "case_ids": suggested.case_ids[:500],
                    }
                    if suggested is not None
                    else None,
                )
            )

        if run_service(request, record, _("约谈已登记，整改承诺已列入责任人的待办")):
            return redirect("reports:talk", pk=created[0].pk)
    elif request.method == "POST":
        form_errors(request, form)
    rows = [
        {
            "number": number,
            "text": form[f"text_{number}"],
            "owner": form[f"owner_{number}"],
            "due_on": form[f"due_on_{number}"],
        }
        for number in range(1, COMMITMENT_ROWS + 1)
    ]
    return render(
        request,
        "reports/talk_new.html",
        {
            "form": form,
            "commitment_rows": rows,
            "info": info,
            "suggested": suggested,
            "report_tabs": tabs(request, "talks", unit),
        },
    )


def _close(request, commitment) -> None:
    form = CloseForm(request.POST)
    if not form.is_valid():
        form_errors(request, form)
        return
    run_service(
        request,
        lambda: services.commitment_close(
            commitment=commitment, note=form.cleaned_data["note"], actor=request.user
        ),
        _("承诺已核销"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def talk_detail(request, pk: int):
    user = request.user
    talk = get_object_or_404(
        visible_talks(user).select_related(
            "court", "division", "judge", "conducted_by", "recorded_by"
        ),
        pk=pk,
    )
    if request.method == "POST":
        commitment = get_object_or_404(
            talk.commitments.all(), pk=request.POST.get("commitment") or 0
        )
        _close(request, commitment)
        return redirect("reports:talk", pk=talk.pk)
    day = today()
    commitments = list(talk_commitments(talk))
    for commitment in commitments:
        commitment.overdue = is_overdue(commitment, day)
    unit = ScopeKey.of(court=talk.court_id, division=talk.division_id, judge=talk.judge_id)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="reports.talk",
        object_id=talk.pk,
        detail={"court_id": talk.court_id},
    )
    manage = may(user, Action.TALK_MANAGE, unit=unit)
    return render(
        request,
        "reports/talk_detail.html",
        {
            "talk": talk,
            "unit_title": _unit_title(talk),
            "commitments": commitments,
            "manage": manage,
            "close_form": CloseForm(),
            "suggestion": talk.suggestion or {},
            "report_tabs": tabs(request, "talks", unit if reaches(user, unit) else None),
            "back_url": report_url("talks", unit=unit if manage else None),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def commitment_detail(request, pk: int):
    user = request.user
    commitment = get_object_or_404(
        visible_commitments(user).select_related(
            "talk__court", "talk__division", "talk__judge", "owner", "closed_by"
        ),
        pk=pk,
    )
    talk = commitment.talk
    unit = ScopeKey.of(court=talk.court_id, division=talk.division_id, judge=talk.judge_id)
    if request.method == "POST":
        if request.POST.get("action") == "close":
            _close(request, commitment)
        else:
            form = ReportForm(request.POST)
            if form.is_valid():
                run_service(
                    request,
                    lambda: services.commitment_report(
                        commitment=commitment, report=form.cleaned_data["report"], actor=user
                    ),
                    _("落实情况已报告，待审管办或院领导核销"),
                )
            else:
                form_errors(request, form)
        return redirect("reports:talk_commitment", pk=commitment.pk)
    return render(
        request,
        "reports/talk_commitment.html",
        {
            "commitment": commitment,
            "talk": talk,
            "unit_title": _unit_title(talk),
            "overdue": is_overdue(commitment),
            "is_owner": commitment.owner_id == user.pk,
            "manage": may(user, Action.TALK_MANAGE, unit=unit),
            "report_form": ReportForm(initial={"report": commitment.report}),
            "close_form": CloseForm(),
            "report_tabs": tabs(request, "talks", unit if reaches(user, unit) else None),
        },
    )


# --- the suggestion rules --------------------------------------------------------------------


def _history(rows) -> list[dict]:
    return [
        {
            "at": row.changed_at,
            "who": row.changed_by.display_name if row.changed_by else "—",
            "subject": row.get_kind_display(),
            "enabled": row.enabled,
            "note": row.note,
            "params": [
                {"label": PARAM_LABELS.get(name, name), "value": value}
                for name, value in row.params.items()
            ],
        }
        for row in rows
    ]


@login_required
@require_http_methods(["GET", "POST"])
def talk_settings(request):
    user = request.user
    _require(user, Action.SETTINGS_READ)
    can_edit = may(user, Action.TALK_RULES_EDIT)
    current = rules()
    posted = request.POST.get("kind", "") if request.method == "POST" else ""
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if posted not in TalkRuleKind.values:
            messages.error(request, _("未知的约谈提示规则"))
            return redirect("reports:talk_settings")
    forms_by_kind = {
        kind: rule_form(kind, current[kind], request.POST if kind == posted else None)
        for kind in TalkRuleKind.values
    }
    if posted:
        form = forms_by_kind[posted]
        if form.is_valid():
            data = dict(form.cleaned_data)
            enabled = data.pop("enabled")
            if run_service(
                request,
                lambda: services.talk_rule_save(
                    kind=posted,
                    enabled=enabled,
                    params=data,
                    note=request.POST.get("note", "")[:200],
                    actor=user,
                ),
                lambda saved: _("约谈提示规则已保存，即时生效") if saved else _("规则没有变化"),
            ):
                return redirect(reverse("reports:talk_settings") + f"#rule-{posted}")
        else:
            form_errors(request, form)
    history = pager(
        request,
        TalkRuleSetting.objects.select_related("changed_by").order_by("-changed_at", "-id"),
        "page",
    )
    history["rows"] = _history(history["rows"])
    return render(
        request,
        "reports/talk_settings.html",
        {
            "kinds": [
                {"kind": kind, "label": label, "form": forms_by_kind[kind], **current[kind]}
                for kind, label in TalkRuleKind.choices
            ],
            "can_edit": can_edit,
            "history": history,
        },
    )
