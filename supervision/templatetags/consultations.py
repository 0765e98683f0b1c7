"""拟发改再事先沟通 on other supervision pages: the consultations a 发改再 review carries, and
the way to record one from a case's supervision page."""

from __future__ import annotations

from django import template

from cases.choices import Procedure
from cases.permissions import Action, may
from supervision.models import Consultation
from supervision.services.consultations import review_consultations

register = template.Library()


@register.inclusion_tag("supervision/_review_consultations.html", takes_context=True)
def review_consultation_panel(context, review) -> dict:
    """The consultations before the reversal, on the review's page (in the viewer's reach)."""
    user = context["request"].user
    visible = Consultation.objects.in_scope(user).values("pk")
    return {"consultations": list(review_consultations(review).filter(pk__in=visible))}


@register.inclusion_tag("supervision/_case_consult_link.html", takes_context=True)
def case_consult_link(context, case) -> dict:
    """On a pending second-instance / retrial case's supervision page: its consultations and,
    for whoever may record one, the link to do so."""
    user = context["request"].user
    eligible = (
        case.procedure in (Procedure.SECOND_INSTANCE, Procedure.RETRIAL) and case.closed_on is None
    )
    return {
        "case": case,
        "can_open": eligible and may(user, Action.CONSULT_OPEN),
        "consultations": list(
            Consultation.objects.in_scope(user).filter(case=case).order_by("-opened_on", "-id")
        ),
    }
