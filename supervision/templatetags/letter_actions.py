"""Links that send a notice or an inquiry from where a problem is seen, prefilled with its
unit, cases and evidence (supervision.views.prefill). Pages of lower apps (the ranking) load
this library by name, so that they never import supervision; for whoever may not send a
letter the tags give None and the page shows no link."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

from cases.units import ScopeKey
from metrics.choices import PeriodKind
from metrics.definitions.indicators import INDICATORS
from supervision.services.abnormality import _evidence, _reference
from supervision.views.prefill import letter_urls

register = template.Library()


def _back(context) -> str:
    request = context["request"]
    return request.get_full_path()


@register.simple_tag(takes_context=True)
def letter_links(context, *, unit=None, court_code="", cases=(), case=None, **fields):
    """`{% letter_links unit=key cases=page_obj title=… evidence=… as links %}` (or one
    `case=`) → {"notice": url, "inquiry": url} or None."""
    return letter_urls(
        context["request"].user,
        unit=unit,
        court_code=court_code,
        cases=[case] if case is not None else cases,
        back=_back(context),
        **fields,
    )


@register.simple_tag(takes_context=True)
def abnormality_letter_links(context, finding):
    """An abnormality's unit (its division, else its court), indicator, value and evidence."""
    indicator = INDICATORS.get(finding.indicator)
    return letter_urls(
        context["request"].user,
        unit=ScopeKey.of(court=finding.court_id, division=finding.division_id),
        court_code=finding.court.code,
        back=_back(context),
        title=_("关于%(unit)s%(indicator)s异常的督办")
        % {
            "unit": finding.division.name if finding.division_id else finding.court.name,
            "indicator": indicator.label if indicator else finding.indicator,
        },
        evidence=_evidence(finding) if indicator else "",
        indicator=finding.indicator if indicator else "",
        period=PeriodKind(finding.period).label,
        as_of=finding.as_of,
        value=f"{finding.value:.6f}" if finding.value is not None else "",
        reference=_reference(finding) if indicator else "",
    )
