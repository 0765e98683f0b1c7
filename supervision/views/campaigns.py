"""Long-pending clearance campaigns (长期未结清理攻坚): the list, a new campaign from a unit's
long-pending cases, and a campaign's frozen list with its leaders, target dates and progress."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from cases.choices import AuditAction, Role
from cases.dates import today
from cases.models import Court, User
from cases.permissions import Action, may
from cases.services import audit_record
from supervision import forms, selectors, services
from supervision.choices import AgeBucket
from supervision.models import CampaignCase, ClearanceCampaign
from supervision.views.common import form_errors, paginate, requested_unit, run_service

SHOW = {
    "": gettext_lazy("全部"),
    "remaining": gettext_lazy("未结"),
    "unassigned": gettext_lazy("未落实包案领导"),
    "closed": gettext_lazy("已结"),
}


def leaders_of(court: Court):
    """Who may be named the leader responsible for a case (包案领导): the court's leaders and
    division heads."""
    return (
        User.objects.filter(is_active=True, role__in=[Role.COURT_LEADER, Role.DIVISION_HEAD])
        .filter(Q(court=court) | Q(division__court=court))
        .select_related("division")
        .order_by("role", "division__name", "username")
    )


@login_required
def campaigns(request):
    user = request.user
    page = paginate(request, selectors.campaigns_with_progress(user=user), size=20)
    return render(
        request,
        "supervision/campaigns.html",
        {
            "page_obj": page,
            "today": today(),
            "can_manage": may(user, Action.CAMPAIGN_MANAGE),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_new(request):
    user = request.user
    unit = requested_unit(request)
    day = today()
    initial = {}
    if unit.court is not None:
        initial = {
            "court": unit.court.pk,
            "division": unit.division.pk if unit.division else None,
            "name": _("%(unit)s长期未结案件清理攻坚（%(year)s年%(month)s月）")
            % {"unit": unit.title, "year": day.year, "month": day.month},
        }
    form = forms.CampaignForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created: list[ClearanceCampaign] = []

        def start():
            created.append(services.campaign_start(actor=user, **data))

        if run_service(request, start, _("清理攻坚已开始，清单已冻结")):
            return redirect("supervision:campaign", pk=created[0].pk)
    elif request.method == "POST":
        form_errors(request, form)
    preview = None
    if unit.court is not None:
        (preview,) = selectors.long_pending_counts(user=user, day=day, unit=unit.key.cases_q())
    return render(
        request,
        "supervision/campaign_new.html",
        {
            "form": form,
            "unit": unit,
            "preview": preview,
            "buckets": AgeBucket.choices,
            "can_manage": may(user, Action.CAMPAIGN_MANAGE),
        },
    )


def _assign(request, campaign: ClearanceCampaign, leaders) -> None:
    form = forms.AssignForm(request.POST, leaders=leaders)
    if not form.is_valid():
        form_errors(request, form)
        return
    entries = CampaignCase.objects.in_scope(request.user).filter(campaign=campaign)
    entry = get_object_or_404(entries, pk=form.cleaned_data["entry"])
    run_service(
        request,
        lambda: services.campaign_case_assign(
            entry=entry,
            leader=form.cleaned_data["leader"],
            target_on=form.cleaned_data["target_on"],
            actor=request.user,
        ),
        _("已落实包案领导和目标结案日期"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_detail(request, pk: int):
    user = request.user
    campaign = get_object_or_404(
        ClearanceCampaign.objects.in_scope(user).select_related("court", "division", "created_by"),
        pk=pk,
    )
    leaders = leaders_of(campaign.court)
    if request.method == "POST":
        _assign(request, campaign, leaders)
        return redirect(request.get_full_path())
    day = today()
    show = request.GET.get("show", "")
    if show not in SHOW:
        show = ""
    progress = selectors.campaign_progress(user=user, campaign=campaign, day=day)
    page = paginate(request, selectors.campaign_entries(user=user, campaign=campaign, show=show))
    labels = dict(AgeBucket.choices)
    audit_record(
        action=AuditAction.VIEW,
        request=request,
        object_type="supervision.clearancecampaign",
        object_id=campaign.pk,
        detail={"name": campaign.name, "show": show, "count": page.paginator.count},
    )
    total = progress["total"]
    return render(
        request,
        "supervision/campaign.html",
        {
            "campaign": campaign,
            "progress": progress,
            "percent": round(100 * progress["closed"] / total) if total else 0,
            "by_bucket": [
                {
                    "label": labels[bucket],
                    "total": counts["total"],
                    "closed": counts["closed"],
                    "remaining": counts["total"] - counts["closed"],
                }
                for bucket, counts in progress["by_bucket"].items()
            ],
            "labels": labels,
            "show": show,
            "show_choices": SHOW.items(),
            "page_obj": page,
            "today": day,
            "leaders": list(leaders),
            "can_manage": may(user, Action.CAMPAIGN_MANAGE),
        },
    )
