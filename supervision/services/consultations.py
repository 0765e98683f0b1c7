"""拟发改再事先沟通 (consultation before a reversal): open, answer, record the outcome.

- The second-instance or retrial judge (their own pending case; a division head: a case of
  their division) records the intention — 改判 or 发回重审 — with the reason classes of the
  发改再 review (ReasonClass) and the reasons in words. The original case is the one the case's
  original case number names (`Case.origin`, as the reviews link them).
- The original judge and their division head are told in the app and answer (agree /
  disagree with reasons) within COURTDASH_CONSULT_ANSWER_DAYS; only they may (PERSONAL).
- The intending judge records the outcome once answered (or once the answer is overdue).
- When the case closes reversed or remanded, the review of the original case with the same
  trigger carries the consultation (`consultation_review`).
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import Procedure
from cases.dates import today
from cases.models import Case, User
from cases.permissions import Action, Refused, refuse_personal
from cases.units import ScopeKey, user_unit
from supervision.choices import (
    ConsultAnswer,
    ConsultIntention,
    ConsultOutcome,
    ConsultState,
    ReasonClass,
    ReminderSubject,
    ReviewTrigger,
    TraceKind,
)
from supervision.models import Consultation, ReversalReview
from supervision.services.notify import division_heads, judge_users, notify_users
from supervision.services.reminders import TASK_STAGES, Source, register_source
from supervision.services.reminders import _window as reminder_window
from supervision.services.trail import (
    require_case,
    require_text,
    supervision_service,
    trail_record,
)

TRIGGER_OF_PROCEDURE = {
    Procedure.SECOND_INSTANCE.value: ReviewTrigger.APPEAL,
    Procedure.RETRIAL.value: ReviewTrigger.RETRIAL,
}


def consultation_url(consultation: Consultation) -> str:
    try:
        return reverse("supervision:consultation", args=[consultation.pk])
    except NoReverseMatch:
        return ""


def may_answer(user: User, consultation: Consultation) -> bool:
    """PERSONAL, on top of CONSULT_ANSWER's roles: the original judge (their own unit is the
    judge's), or a head of the original case's division (their own unit is that division)."""
    unit, original = user_unit(user), consultation.original_case
    if unit is None:
        return False
    if unit.judge_id is not None:
        return unit.judge_id == original.judge_id
    return unit == ScopeKey.of(court=original.court_id, division=original.division_id)


def may_conclude(user: User, consultation: Consultation) -> bool:
    """Who intended it: the one who opened it, or the judge of the case."""
    if consultation.opened_by_id is not None and consultation.opened_by_id == user.pk:
        return True
    return user.judge_id is not None and user.judge_id == consultation.case.judge_id


def _reasons(reasons: Sequence[str]) -> list[str]:
    chosen = list(dict.fromkeys(reasons or ()))
    if not chosen:
        raise ValidationError(_("请至少选择一类理由"))
    unknown = [reason for reason in chosen if reason not in ReasonClass.values]
    if unknown:
        raise ValidationError(_("未知的理由类别：%(reasons)s") % {"reasons": "、".join(unknown)})
    return chosen


def _original_side(consultation: Consultation) -> list[User]:
    original = consultation.original_case
    people = judge_users(original.judge_id) + division_heads(original.division_id)
    return list({user.pk: user for user in people}.values())


@supervision_service
def consultation_open(
    *,
    case: Case,
    intention: str,
    reasons: Sequence[str],
    reasoning: str,
    actor: User,
) -> Consultation:
    """Record the intention to reverse or remand a pending second-instance or retrial case and
    tell the original judge and their division head."""
    detail = {"case_id": case.pk}
    # A judge reaches only their own cases: the case's judge (or a head of its division).
    require_case(actor, Action.CONSULT_OPEN, case, detail=detail)
    if case.procedure not in TRIGGER_OF_PROCEDURE:
        raise ValidationError(_("只有二审、再审案件可以登记拟发改再事先沟通"))
    if case.closed_on is not None:
        raise ValidationError(_("案件已结案，不能再登记拟发改再事先沟通"))
    if case.origin_id is None:
        raise ValidationError(
            _("未找到原审案件（原审案号%(number)s）") % {"number": case.origin_case_number or "—"}
        )
    if intention not in ConsultIntention.values:
        raise ValidationError(_("未知的拟处理意见"))
    reasons = _reasons(reasons)
    reasoning = require_text(reasoning, _("请填写拟改判、发回的理由"))
    if Consultation.objects.filter(case=case).exclude(state=ConsultState.CONCLUDED).exists():
        raise ValidationError(_("本案已有尚未登记结果的事先沟通"))
    day = today()
    consultation = Consultation.objects.create(
        case=case,
        original_case=Case.objects.get(pk=case.origin_id),
        trigger=TRIGGER_OF_PROCEDURE[case.procedure],
        intention=intention,
        reasons=reasons,
        reasoning=reasoning,
        opened_by=actor,
        opened_on=day,
        answer_due=day + datetime.timedelta(days=settings.COURTDASH_CONSULT_ANSWER_DAYS),
    )
    trail_record(
        kind=TraceKind.CONSULT_OPENED,
        actor=actor,
        obj=consultation,
        case=case,
        note=reasoning,
        detail={
            "intention": intention,
            "reasons": reasons,
            "original_case": consultation.original_case.case_number,
            "answer_due": consultation.answer_due.isoformat(),
        },
    )
    notify_users(
        users=_original_side(consultation),
        title=_("拟发改再事先沟通：%(case)s拟%(intention)s原审案件%(original)s")
        % {
            "case": case.case_number,
            "intention": consultation.get_intention_display().removeprefix("拟"),
            "original": consultation.original_case.case_number,
        },
        body=_("请于%(due)s前答复（同意或不同意并说明理由）。")
        % {"due": consultation.answer_due.isoformat()},
        url=consultation_url(consultation),
    )
    return consultation


def _locked(consultation: Consultation) -> Consultation:
    return (
        Consultation.objects.select_for_update(of=("self",))
        .select_related("case", "original_case")
        .get(pk=consultation.pk)
    )


@supervision_service
def consultation_answer(
    *, consultation: Consultation, answer: str, answer_text: str = "", actor: User
) -> Consultation:
    """The original judge or their division head answers: agree, or disagree with reasons."""
    consultation = _locked(consultation)
    detail = {"consultation_id": consultation.pk}
    require_case(actor, Action.CONSULT_ANSWER, consultation.original_case, detail=detail)
    if not may_answer(actor, consultation):
        raise refuse_personal(
            actor, Action.CONSULT_ANSWER, case=consultation.original_case, detail=detail
        )
    if consultation.state != ConsultState.AWAITING:
        raise ValidationError(_("该事先沟通已答复"))
    if answer not in ConsultAnswer.values:
        raise ValidationError(_("请选择同意或不同意"))
    answer_text = (answer_text or "").strip()
    if answer == ConsultAnswer.DISAGREE and not answer_text:
        raise ValidationError(_("不同意时请说明理由"))
    consultation.answer = answer
    consultation.answer_text = answer_text
    consultation.answered_by = actor
    consultation.answered_at = timezone.now()
    consultation.answered_on = today()
    consultation.state = ConsultState.ANSWERED
    consultation.save()
    trail_record(
        kind=TraceKind.CONSULT_ANSWERED,
        actor=actor,
        obj=consultation,
        case=consultation.original_case,
        note=answer_text,
        detail={
            "answer": answer,
            "in_time": consultation.answered_in_time,
            "case": consultation.case.case_number,
        },
    )
    notify_users(
        users=[consultation.opened_by] if consultation.opened_by else [],
        title=_("事先沟通已答复：%(case)s（原审%(answer)s）")
        % {"case": consultation.case.case_number, "answer": consultation.get_answer_display()},
        body=answer_text,
        url=consultation_url(consultation),
    )
    return consultation


@supervision_service
def consultation_conclude(
    *, consultation: Consultation, outcome: str, outcome_note: str = "", actor: User
) -> Consultation:
    """The intending judge records the outcome: reversed as intended, changed after the
    consultation, or referred to the adjudication committee. Once answered, or once the answer
    is overdue."""
    consultation = _locked(consultation)
    detail = {"consultation_id": consultation.pk}
    require_case(actor, Action.CONSULT_OPEN, consultation.case, detail=detail)
    if not may_conclude(actor, consultation):
        raise Refused(
            _("只有提起事先沟通的法官或本案承办法官可以登记沟通结果"),
            action=Action.CONSULT_OPEN,
            actor=actor,
            case=consultation.case,
            detail=detail,
        )
    if consultation.state == ConsultState.CONCLUDED:
        raise ValidationError(_("沟通结果已登记"))
    if consultation.state == ConsultState.AWAITING and today() <= consultation.answer_due:
        raise ValidationError(_("原审尚未答复，答复期限届满前不能登记结果"))
    if outcome not in ConsultOutcome.values:
        raise ValidationError(_("未知的沟通结果"))
    outcome_note = (outcome_note or "").strip()
    if outcome != ConsultOutcome.AS_INTENDED and not outcome_note:
        raise ValidationError(_("请说明改变意见或提交审判委员会的情况"))
    consultation.outcome = outcome
    consultation.outcome_note = outcome_note
    consultation.concluded_by = actor
    consultation.concluded_at = timezone.now()
    consultation.state = ConsultState.CONCLUDED
    consultation.save()
    trail_record(
        kind=TraceKind.CONSULT_CONCLUDED,
        actor=actor,
        obj=consultation,
        case=consultation.case,
        note=outcome_note,
        detail={"outcome": outcome, "answered": consultation.answered_at is not None},
    )
    notify_users(
        users=judge_users(consultation.original_case.judge_id),
        title=_("事先沟通结果：%(case)s %(outcome)s")
        % {"case": consultation.case.case_number, "outcome": consultation.get_outcome_display()},
        body=outcome_note,
        url=consultation_url(consultation),
    )
    return consultation


def consultation_review(consultation: Consultation) -> ReversalReview | None:
    """The 发改再 review that carries the consultation: the original case's, same trigger (it
    exists once the case closed reversed or remanded and the reviews were opened)."""
    return ReversalReview.objects.filter(
        case_id=consultation.original_case_id, trigger=consultation.trigger
    ).first()


def review_consultations(review: ReversalReview):
    """The consultations a 发改再 review carries (the other way round)."""
    return (
        Consultation.objects.filter(original_case_id=review.case_id, trigger=review.trigger)
        .select_related("case", "opened_by", "answered_by")
        .order_by("opened_on", "id")
    )


# --- reminders: the answer due -------------------------------------------------------------------


class ConsultationSource(Source):
    """A consultation awaiting the original side's answer, due at its answer deadline: the
    original judge, then the head of their division, then the division's court leaders."""

    kind = ReminderSubject.CONSULTATION
    stages = TASK_STAGES

    @property
    def due_word(self):
        return _("答复期限")

    def _rows(self):
        return Consultation.objects.select_related("case", "original_case__judge")

    def subjects(self, day):
        start, end = reminder_window(day, self.stages)
        return self._rows().filter(state=ConsultState.AWAITING, answer_due__range=(start, end))

    def get(self, subject_id):
        return self._rows().get(pk=subject_id)

    def due_on(self, subject):
        return subject.answer_due

    def case(self, subject):
        return subject.original_case

    def url(self, subject):
        return consultation_url(subject)

    def name(self, subject):
        return _("案件%(case)s拟%(intention)s的事先沟通（原审%(original)s）") % {
            "case": subject.case.case_number,
            "intention": subject.get_intention_display().removeprefix("拟"),
            "original": subject.original_case.case_number,
        }


def register_reminder_source() -> None:
    register_source(ConsultationSource())
