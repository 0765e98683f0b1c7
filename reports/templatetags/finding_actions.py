"""A health-check finding's way to a notice or an inquiry: the links prefilled with its unit,
its cases (those the viewer sees, at most MAX_CASES) and its sentence as the evidence."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from cases.units import ScopeKey
from reports.selectors.health import described, finding_cases
from supervision.views.prefill import MAX_CASES, letter_urls

register = template.Library()


@register.simple_tag(takes_context=True)
def finding_letter_links(context, finding):
    """`{% finding_letter_links finding as links %}` → {"notice", "inquiry"} or None."""
    request = context["request"]
    user = request.user
    finding = described(finding)
    ids = list(
        finding_cases(user=user, finding=finding).values_list("pk", flat=True)[: MAX_CASES + 1]
    )
    evidence = _("体检发现（截至%(day)s）：%(unit)s，%(kind)s。%(text)s") % {
        "day": finding.run.as_of.isoformat(),
        "unit": finding.unit_title,
        "kind": finding.get_kind_display(),
        "text": finding.text,
    }
    if len(ids) > MAX_CASES:
        evidence += _("（涉及案件%(count)s件，以下列出前%(max)s件）") % {
            "count": finding.case_count,
            "max": MAX_CASES,
        }
    return letter_urls(
        user,
        unit=ScopeKey.of_row(finding),
        court_code=finding.court.code if finding.court_id else "",
        cases=ids[:MAX_CASES],
        back=request.get_full_path(),
        title=_("关于%(unit)s%(kind)s的督办")
        % {"unit": finding.unit_title, "kind": finding.get_kind_display()},
        evidence=evidence,
        as_of=finding.run.as_of,
    )
