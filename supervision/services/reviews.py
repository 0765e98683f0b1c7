"""Reversal review (发改再评查): open the missing reviews, record findings, objection, answer."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import AuditAction, Outcome
from cases.models import User
from cases.permissions import Action, refuse_personal, require
from cases.services import audit_record
from cases.units import cases_reached_sql
from supervision.choices import ReasonClass, ReviewState, ReviewTrigger, Severity, TraceKind
from supervision.models import Notification, ReversalReview
from supervision.services.notify import judge_users
from supervision.services.trail import (
    actor_name,
    require_case,
    require_text,
    supervision_service,
    trail_record,
)

REVERSED = (Outcome.MODIFIED.value, Outcome.REMANDED.value)


@supervision_service
def reviews_open_missing(*, actor: User | None = None) -> int:
    """Open a review for every first-instance case modified or remanded on appeal and every
    case modified or remanded on retrial that has none yet (one per case and trigger):
    set-based, idempotent. With an actor (the office), the courts in their reach; without (the
    nightly task), all. Returns how many were opened."""
    court_filter = ""
    params: dict = {
        "reversed": list(REVERSED),
        "first_instance": "first_instance",
        "appeal": ReviewTrigger.APPEAL.value,
        "retrial": ReviewTrigger.RETRIAL.value,
        "actor": actor.pk if actor is not None else None,
        "actor_name": actor_name(actor),
        "actor_role": actor.role if actor is not None else "",
        "kind": TraceKind.REVIEW_OPENED.value,
    }
    if actor is not None:
        require(actor, Action.REVIEW_CONDUCT)
        court_filter = "AND " + cases_reached_sql(actor)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH candidates AS (
              SELECT c.id AS case_id, %(appeal)s AS trigger, c.effective_appeal_outcome AS outcome,
                     c.effective_appeal_decided_on AS decided_on
              FROM cases_case c
              WHERE c.procedure = %(first_instance)s
                AND c.effective_appeal_outcome = ANY(%(reversed)s) {court_filter}
              UNION ALL
              SELECT c.id, %(retrial)s, c.effective_retrial_outcome, c.effective_retrial_decided_on
              FROM cases_case c
              WHERE c.effective_retrial_outcome = ANY(%(reversed)s) {court_filter}
            ), inserted AS (
              INSERT INTO supervision_reversalreview
                (case_id, trigger, outcome, decided_on, state, reason_class, severity, opinion,
                 objection, answer, created_at)
              SELECT case_id, trigger, outcome, decided_on, 'pending', '', '', '', '', '', now()
              FROM candidates
              ON CONFLICT (case_id, trigger) DO NOTHING
              RETURNING id, case_id, trigger, outcome
            )
            INSERT INTO supervision_traceentry
              (at, court_id, division_id, judge_id, case_id, actor_id, actor_name, actor_role,
               kind, object_type, object_id, note, detail)
            SELECT now(), c.court_id, c.division_id, c.judge_id, c.id, %(actor)s, %(actor_name)s,
                   %(actor_role)s, %(kind)s, 'reversalreview', i.id::text, '',
                   jsonb_build_object('trigger', i.trigger, 'outcome', i.outcome)
            FROM inserted i JOIN cases_case c ON c.id = i.case_id
            RETURNING object_id
            """,
            params,
        )
        opened_ids = [int(row[0]) for row in cursor.fetchall()]
        opened = len(opened_ids)
    _tell_original_judges(opened_ids)
    if opened:
        audit_record(
            action=AuditAction.CHANGE,
            user=actor,
            object_type="supervision.reversalreview",
            detail={
                "kind": "reviews_open_missing",
                "opened": opened,
                "username": actor_name(actor),
            },
        )
    return opened


NOTIFY_CHUNK = 2_000  # reviews told at a time: a first run opens hundreds of thousands


def _tell_original_judges(review_ids: list[int]) -> None:
    """Tell each original judge, in the app, that a review was opened on their case: a chunk of
    reviews at a time, reading only the columns the message needs, so a first run over a
    province (205,006 reviews at once) keeps its memory flat."""
    users_by_judge: dict[int | None, list[User]] = {}
    now = timezone.now()
    for start in range(0, len(review_ids), NOTIFY_CHUNK):
        reviews = (
            ReversalReview.objects.filter(pk__in=review_ids[start : start + NOTIFY_CHUNK])
            .select_related("case")
            .only("id", "trigger", "outcome", "case__case_number", "case__judge_id")
        )
        notifications = []
        for review in reviews:
            judge_id = review.case.judge_id
            if judge_id not in users_by_judge:
                users_by_judge[judge_id] = judge_users(judge_id)
            notifications.extend(
                Notification(
                    recipient=user,
                    title=(
                        _("发改再评查：%(case)s（%(trigger)s）已立项")
                        % {"case": review.case.case_number, "trigger": review.get_trigger_display()}
                    )[:200],
                    body=_(
                        "您承办的案件被%(outcome)s，已列入发改再评查；评查意见作出后可提出异议。"
                    )
                    % {"outcome": review.get_outcome_display()},
                    url=_review_url(review),
                    created_at=now,
                )
                for user in users_by_judge[judge_id]
            )
        Notification.objects.bulk_create(notifications, batch_size=NOTIFY_CHUNK)


def _review_url(review: ReversalReview) -> str:
    try:
        return reverse("supervision:review", args=[review.pk])
    except NoReverseMatch:
        return ""


def _locked(review: ReversalReview) -> ReversalReview:
    return ReversalReview.objects.select_for_update().select_related("case").get(pk=review.pk)


def _conclusion(is_error: bool, severity: str) -> None:
    if severity not in Severity.values:
        raise ValidationError(_("未知的差错程度"))
    if is_error and severity == Severity.NONE:
        raise ValidationError(_("认定为差错时请选择差错程度"))
    if not is_error and severity != Severity.NONE:
        raise ValidationError(_("不认定为差错时，差错程度应为“无差错”"))


@supervision_service
def review_record(
    *,
    review: ReversalReview,
    reason_class: str,
    is_error: bool,
    severity: str,
    opinion: str,
    actor: User,
) -> ReversalReview:
    """The reviewer's findings (revisable until the original judge objects)."""
    review = _locked(review)
    require_case(actor, Action.REVIEW_CONDUCT, review.case, detail={"review_id": review.pk})
    opinion = require_text(opinion, _("请填写评查意见"))
    if reason_class not in ReasonClass.values:
        raise ValidationError(_("未知的原因类别"))
    _conclusion(is_error, severity)
    if review.state not in (ReviewState.PENDING, ReviewState.REVIEWED):
        raise ValidationError(_("原审法官已提出异议，请答复异议"))
    review.reason_class = reason_class
    review.is_error = is_error
    review.severity = severity
    review.opinion = opinion
    review.reviewer = actor
    review.reviewed_at = timezone.now()
    review.state = ReviewState.REVIEWED
    review.save()
    trail_record(
        kind=TraceKind.REVIEW_RECORDED,
        actor=actor,
        obj=review,
        case=review.case,
        note=opinion,
        detail={"reason_class": reason_class, "is_error": is_error, "severity": severity},
    )
    return review


@supervision_service
def review_object(*, review: ReversalReview, objection: str, actor: User) -> ReversalReview:
    """The original judge objects to the findings (异议), once."""
    review = _locked(review)
    require_case(actor, Action.REVIEW_OBJECT, review.case, detail={"review_id": review.pk})
    if actor.judge_id != review.case.judge_id:
        raise refuse_personal(actor, Action.REVIEW_OBJECT, case=review.case)
    objection = require_text(objection, _("请填写异议理由"))
    if review.state != ReviewState.REVIEWED:
        raise ValidationError(_("只能对已作出的评查意见提出一次异议"))
    review.objection = objection
    review.objected_by = actor
    review.objected_at = timezone.now()
    review.state = ReviewState.OBJECTED
    review.save(update_fields=["objection", "objected_by", "objected_at", "state"])
    trail_record(
        kind=TraceKind.REVIEW_OBJECTED,
        actor=actor,
        obj=review,
        case=review.case,
        note=objection,
    )
    return review


@supervision_service
def review_answer(
    *,
    review: ReversalReview,
    answer: str,
    actor: User,
    is_error: bool | None = None,
    severity: str | None = None,
) -> ReversalReview:
    """The reviewer answers the objection, keeping or changing the conclusion."""
    review = _locked(review)
    require_case(actor, Action.REVIEW_CONDUCT, review.case, detail={"review_id": review.pk})
    answer = require_text(answer, _("请填写答复"))
    if review.state != ReviewState.OBJECTED:
        raise ValidationError(_("没有待答复的异议"))
    before = {"is_error": review.is_error, "severity": review.severity}
    if is_error is not None or severity is not None:
        is_error = review.is_error if is_error is None else is_error
        severity = review.severity if severity is None else severity
        _conclusion(is_error, severity)
        review.is_error, review.severity = is_error, severity
    review.answer = answer
    review.answered_by = actor
    review.answered_at = timezone.now()
    review.state = ReviewState.ANSWERED
    review.save()
    trail_record(
        kind=TraceKind.REVIEW_ANSWERED,
        actor=actor,
        obj=review,
        case=review.case,
        note=answer,
        detail={
            "before": before,
            "after": {"is_error": review.is_error, "severity": review.severity},
        },
    )
    return review
