"""A health-check finding's way to a review campaign (评查) on its cases: the new-campaign page
prefilled with the cases the viewer sees (at most MAX_CASES), like the letters' links
(reports.templatetags.finding_actions); nothing for whoever may not open one."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.permissions import Action, may
from reports.selectors.health import described, finding_cases
from supervision.views.prefill import MAX_CASES

register = template.Library()


@register.simple_tag(takes_context=True)
def finding_quality_link(context, finding) -> str:
    """`{% finding_quality_link finding as url %}` → the URL, or "" when not allowed."""
    request = context["request"]
    user = request.user
    if not may(user, Action.QUALITY_REVIEW_MANAGE):
        return ""
    finding = described(finding)
    ids = list(finding_cases(user=user, finding=finding).values_list("pk", flat=True)[:MAX_CASES])
    if not ids:
        return ""
    query = [("case", pk) for pk in ids]
    query.append(
        (
            "title",
            _("%(unit)s%(kind)s案件专项评查")
            % {"unit": finding.unit_title, "kind": finding.get_kind_display()},
        )
    )
    query.append(("back", request.get_full_path()))
    return f"{reverse('supervision:quality_campaign_new')}?{urlencode(query)}"
