"""Notices (督办通知) and inquiries (异常函询): issue, acknowledge, answer, close, send back."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import Case, Division, Judge, User
from cases.permissions import Action, refuse_personal
from cases.units import ScopeKey
from supervision.choices import (
    AWAITING_ANSWER_STATES,
    EffectSource,
    LetterState,
    RecipientKind,
    TraceKind,
)
from supervision.models import Inquiry, Notice
from supervision.services.effects import track_effect
from supervision.services.notify import (
    is_letter_recipient,
    letter_recipients,
    letter_url,
    notify_users,
)
from supervision.services.trail import (
    require_case,
    require_text,
    require_unit,
    supervision_service,
    trail_record,
)

Letter = Notice | Inquiry


def _future(deadline: datetime.date) -> None:
    if deadline < today():
        raise ValidationError(_("答复期限不能早于今天"))


def _kind_label(letter: Letter) -> str:
    return _("督办通知") if isinstance(letter, Notice) else _("异常函询")


def _tell_recipients(letter: Letter) -> None:
    notify_users(
        users=letter_recipients(letter),
        title=_("%(kind)s：%(title)s（请于%(deadline)s前答复）")
        % {"kind": _kind_label(letter), "title": letter.title, "deadline": letter.deadline},
        body=letter.body,
        url=letter_url(letter),
        **{letter._meta.model_name: letter},
    )


@supervision_service
def notice_issue(
    *,
    cases: Sequence[Case],
    title: str,
    body: str,
    deadline: datetime.date,
    actor: User,
    judge: Judge | None = None,
    division: Division | None = None,
    indicators: Sequence[str] = (),
) -> Notice:
    """The office sends a supervision notice about one or more cases to a judge or a division;
    the cases must be the recipient's. Its effect is tracked (跟踪问效) on the cases and on the
    `indicators` the problem was seen in, if any."""
    if (judge is None) == (division is None):
        raise ValidationError(_("督办通知的收件人应为一名法官或一个部门"))
    unit_division = judge.division if judge is not None else division
    court_id = judge.court_id if judge is not None else division.court_id
    require_unit(
        actor,
        Action.LETTER_ISSUE,
        court_id=court_id,
        division_id=unit_division.pk if unit_division else None,
        judge_id=judge.pk if judge else None,
        detail={"cases": [case.pk for case in cases]},
    )
    title = require_text(title, _("请填写标题"))
    body = require_text(body, _("请填写督办内容"))
    if not cases:
        raise ValidationError(_("督办通知应至少涉及一个案件"))
    if unit_division is None:
        raise ValidationError(_("该法官未归属部门，不能发送督办通知"))
    for case in cases:
        require_case(actor, Action.LETTER_ISSUE, case)
        if (judge is not None and case.judge_id != judge.pk) or (
            division is not None and case.division_id != division.pk
        ):
            raise ValidationError(_("案件%(case)s不由该收件人承办") % {"case": case.case_number})
    _future(deadline)
    now = timezone.now()
    notice = Notice.objects.create(
        court_id=court_id,
        division=unit_division,
        recipient_kind=RecipientKind.JUDGE if judge is not None else RecipientKind.DIVISION,
        judge=judge,
        title=title,
        body=body,
        deadline=deadline,
        state=LetterState.SENT,
        created_by=actor,
        created_at=now,
        issued_by=actor,
        issued_at=now,
    )
    notice.cases.set(cases)
    trail_record(
        kind=TraceKind.NOTICE_ISSUED,
        actor=actor,
        obj=notice,
        letter=notice,
        note=body,
        detail={
            "title": title,
            "deadline": deadline.isoformat(),
            "cases": [case.case_number for case in cases],
            "recipient": str(judge or division),
        },
    )
    track_effect(
        source=EffectSource.NOTICE,
        object_id=notice.pk,
        unit=ScopeKey.of(court=court_id, division=unit_division, judge=judge),
        slugs=indicators,
        case_ids=[case.pk for case in cases],
        started_on=today(),
        title=title,
        url=letter_url(notice),
        actor=actor,
    )
    _tell_recipients(notice)
    return notice


@supervision_service
def inquiry_create(
    *,
    division: Division,
    indicator_slug: str,
    period: str,
    as_of: datetime.date,
    value: Decimal | float | None,
    title: str,
    body: str,
    deadline: datetime.date,
    actor: User | None,
    indicator_label: str = "",
    reference: str = "",
    send: bool = True,
) -> Inquiry:
    """An abnormality inquiry about an indicator value of a division. The office sends it at
    once (send=True) or keeps a draft; abnormality detection (no actor) only drafts."""
    if actor is not None:
        require_unit(
            actor,
            Action.LETTER_ISSUE,
            court_id=division.court_id,
            division_id=division.pk,
            detail={"indicator": indicator_slug},
        )
    elif send:
        raise ValidationError(_("系统只能起草异常函询，须由审管办审核后发送"))
    title = require_text(title, _("请填写标题"))
    body = require_text(body, _("请填写函询内容"))
    inquiry = Inquiry.objects.create(
        court_id=division.court_id,
        division=division,
        indicator_slug=indicator_slug,
        indicator_label=indicator_label,
        period=period,
        as_of=as_of,
        value=Decimal(str(value)) if value is not None else None,
        reference=reference,
        title=title,
        body=body,
        deadline=deadline,
        state=LetterState.DRAFT,
        created_by=actor,
    )
    if send:
        inquiry = inquiry_send(inquiry=inquiry, actor=actor)
    return inquiry


@supervision_service
def inquiry_send(
    *, inquiry: Inquiry, actor: User, deadline: datetime.date | None = None
) -> Inquiry:
    """Send a draft inquiry (the office, after review), optionally with a new deadline."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    require_unit(
        actor,
        Action.LETTER_ISSUE,
        court_id=inquiry.court_id,
        division_id=inquiry.division_id,
        detail={"inquiry_id": inquiry.pk},
    )
    if inquiry.state != LetterState.DRAFT:
        raise ValidationError(_("该函询已发送"))
    if deadline is not None:
        inquiry.deadline = deadline
    _future(inquiry.deadline)
    inquiry.state = LetterState.SENT
    inquiry.issued_by = actor
    inquiry.issued_at = timezone.now()
    inquiry.save(update_fields=["state", "deadline", "issued_by", "issued_at"])
    trail_record(
        kind=TraceKind.INQUIRY_SENT,
        actor=actor,
        obj=inquiry,
        letter=inquiry,
        note=inquiry.body,
        detail={
            "title": inquiry.title,
            "deadline": inquiry.deadline.isoformat(),
            "indicator": inquiry.indicator_slug,
            "period": inquiry.period,
            "as_of": inquiry.as_of.isoformat(),
            "value": str(inquiry.value) if inquiry.value is not None else None,
        },
    )
    track_effect(
        source=EffectSource.INQUIRY,
        object_id=inquiry.pk,
        unit=ScopeKey.of(court=inquiry.court_id, division=inquiry.division_id),
        slugs=[inquiry.indicator_slug],
        started_on=today(),
        title=inquiry.title,
        url=letter_url(inquiry),
        actor=actor,
    )
    _tell_recipients(inquiry)
    return inquiry


def _locked(letter: Letter) -> Letter:
    return type(letter).objects.select_for_update().get(pk=letter.pk)


def _require_recipient(actor: User, letter: Letter) -> None:
    detail = {f"{letter._meta.model_name}_id": letter.pk}
    require_unit(
        actor,
        Action.LETTER_ANSWER,
        court_id=letter.court_id,
        division_id=letter.division_id,
        judge_id=getattr(letter, "judge_id", None),
        detail=detail,
    )
    if not is_letter_recipient(actor, letter):
        raise refuse_personal(actor, Action.LETTER_ANSWER, detail=detail)


def _state_error(letter: Letter) -> ValidationError:
    return ValidationError(
        _("该%(kind)s当前为“%(state)s”，不能进行此操作")
        % {"kind": _kind_label(letter), "state": letter.get_state_display()}
    )


@supervision_service
def letter_acknowledge(*, letter: Letter, actor: User) -> Letter:
    """The recipient acknowledges receipt (签收)."""
    letter = _locked(letter)
    _require_recipient(actor, letter)
    if letter.state != LetterState.SENT:
        raise _state_error(letter)
    letter.state = LetterState.ACKNOWLEDGED
    letter.acknowledged_by = actor
    letter.acknowledged_at = timezone.now()
    letter.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
    trail_record(kind=TraceKind.LETTER_ACKNOWLEDGED, actor=actor, obj=letter, letter=letter)
    return letter


@supervision_service
def letter_answer(*, letter: Letter, answer: str, actor: User) -> Letter:
    """The recipient answers (after acknowledging, or at once, which acknowledges too; again
    after the office sent it back); the office that sent it is told."""
    letter = _locked(letter)
    _require_recipient(actor, letter)
    answer = require_text(answer, _("请填写答复内容"))
    if letter.state not in AWAITING_ANSWER_STATES:
        raise _state_error(letter)
    now = timezone.now()
    if letter.acknowledged_at is None:
        letter.acknowledged_by = actor
        letter.acknowledged_at = now
    letter.state = LetterState.ANSWERED
    letter.answer = answer
    letter.answered_by = actor
    letter.answered_at = now
    letter.save(
        update_fields=[
            "state",
            "acknowledged_by",
            "acknowledged_at",
            "answer",
            "answered_by",
            "answered_at",
        ]
    )
    trail_record(
        kind=TraceKind.LETTER_ANSWERED,
        actor=actor,
        obj=letter,
        letter=letter,
        note=answer,
        detail={"late": letter.deadline < today()},
    )
    if letter.issued_by_id:
        notify_users(
            users=User.objects.filter(pk=letter.issued_by_id),
            title=_("%(kind)s已答复：%(title)s")
            % {"kind": _kind_label(letter), "title": letter.title},
            body=answer,
            url=letter_url(letter),
            **{letter._meta.model_name: letter},
        )
    return letter


def _require_office(actor: User, letter: Letter) -> None:
    require_unit(
        actor,
        Action.LETTER_CLOSE,
        court_id=letter.court_id,
        division_id=letter.division_id,
        detail={f"{letter._meta.model_name}_id": letter.pk},
    )


@supervision_service
def letter_close(*, letter: Letter, note: str, actor: User) -> Letter:
    """The office accepts the answer and closes the letter (办结)."""
    letter = _locked(letter)
    _require_office(actor, letter)
    if letter.state != LetterState.ANSWERED:
        raise _state_error(letter)
    letter.state = LetterState.CLOSED
    letter.closed_by = actor
    letter.closed_at = timezone.now()
    letter.close_note = (note or "").strip()
    letter.save(update_fields=["state", "closed_by", "closed_at", "close_note"])
    trail_record(
        kind=TraceKind.LETTER_CLOSED, actor=actor, obj=letter, letter=letter, note=letter.close_note
    )
    return letter


@supervision_service
def letter_return(
    *, letter: Letter, note: str, actor: User, deadline: datetime.date | None = None
) -> Letter:
    """The office sends the answer back to be answered again, with why and, if the old one has
    passed, a new deadline."""
    letter = _locked(letter)
    _require_office(actor, letter)
    note = require_text(note, _("请填写退回理由"))
    if letter.state != LetterState.ANSWERED:
        raise _state_error(letter)
    if deadline is not None:
        _future(deadline)
        letter.deadline = deadline
    elif letter.deadline < today():
        raise ValidationError(_("原答复期限已过，退回时请给出新的答复期限"))
    letter.state = LetterState.RETURNED
    letter.returned_count += 1
    letter.save(update_fields=["state", "returned_count", "deadline"])
    trail_record(
        kind=TraceKind.LETTER_RETURNED,
        actor=actor,
        obj=letter,
        letter=letter,
        note=note,
        detail={"deadline": letter.deadline.isoformat(), "returned_count": letter.returned_count},
    )
    notify_users(
        users=letter_recipients(letter),
        title=_("%(kind)s被退回重答：%(title)s（请于%(deadline)s前答复）")
        % {"kind": _kind_label(letter), "title": letter.title, "deadline": letter.deadline},
        body=note,
        url=letter_url(letter),
        **{letter._meta.model_name: letter},
    )
    return letter
