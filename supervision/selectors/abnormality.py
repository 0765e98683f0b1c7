"""Reads of abnormality detection (研判): the drafts for the office to review, the inquiries
sent from them, the abnormalities discarded."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from supervision.choices import LetterState
from supervision.models import Abnormality, DetectionRule, Inquiry

STATES = ("draft", "sent", "discarded")


def _findings() -> Prefetch:
    return Prefetch(
        "abnormalities",
        queryset=Abnormality.objects.select_related("court", "division").order_by(
            "-scope", "court__code", "id"
        ),
    )


def _of_detection(inquiries: QuerySet[Inquiry]) -> QuerySet[Inquiry]:
    return inquiries.filter(Exists(Abnormality.objects.filter(inquiry=OuterRef("pk"))))


def abnormality_drafts(*, user) -> QuerySet[Inquiry]:
    """The detection's draft inquiries in scope, each with its abnormalities (the evidence),
    latest day first."""
    return (
        _of_detection(Inquiry.objects.in_scope(user).filter(state=LetterState.DRAFT))
        .select_related("court", "division")
        .prefetch_related(_findings())
        .order_by("-as_of", "court__code", "division__name", "indicator_slug", "id")
    )


def abnormality_inquiries_sent(*, user) -> QuerySet[Inquiry]:
    """Inquiries the office sent from the detection's drafts, latest first."""
    return (
        _of_detection(Inquiry.objects.in_scope(user).sent())
        .select_related("court", "division", "issued_by")
        .prefetch_related(_findings())
        .order_by("-issued_at", "-id")
    )


def abnormalities_discarded(*, user) -> QuerySet[Abnormality]:
    return (
        Abnormality.objects.in_scope(user)
        .filter(discarded_at__isnull=False)
        .select_related("court", "division", "discarded_by")
        .order_by("-discarded_at", "-id")
    )


def detection_rules() -> QuerySet[DetectionRule]:
    return DetectionRule.objects.order_by("indicator")
