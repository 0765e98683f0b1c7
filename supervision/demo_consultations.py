"""The demo's 拟发改再事先沟通 (a step of cases.demo.steps, after the year of supervision):
consultations on pending appeals at 苏05 in every state, the demo division's first —

- one awaiting the demo judge's answer (their 我的待办; due today, reminded);
- one answered by the demo division head (不同意), the appeal changed after it;
- one answered (同意) and reversed as intended, after which the appeal closed 改判 and the
  nightly job opened the 发改再 review, which carries the consultation;
- from other divisions: one overdue without an answer (reminded, escalated), one referred to
  the adjudication committee after its deadline passed unanswered.

The consultations are opened by the head of 苏05's civil division (an account the step
provisions, demo_appeal_head, with the demo password), as a division head may for a case of
their division; they record the outcomes too. Written through the services on past days
(supervision.demo.act)."""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.accounts import user_provision
from cases.choices import Procedure, Role
from cases.demo.steps import DemoContext, on_day
from cases.models import Case, User
from cases.services import case_derived_refresh
from supervision.choices import ConsultState
from supervision.models import Consultation, Notification

DAY = datetime.timedelta(days=1)
APPEAL_HEAD = "demo_appeal_head"
# Provisioning (as cases.accounts does): the account heads 苏05's civil division.
APPEAL_HEAD_ROLE = Role.DIVISION_HEAD


def _appeals(origin_q: Q, exclude: set[int]) -> list[Case]:
    return list(
        Case.objects.filter(
            origin_q,
            procedure=Procedure.SECOND_INSTANCE,
            closed_on__isnull=True,
            origin__isnull=False,
        )
        .exclude(pk__in=exclude)
        .select_related("division", "court", "origin")
        .order_by("filed_on", "case_number")
    )


def _head_of(case: Case) -> User:
    """The demo account that heads the appeal's division (provisioned once)."""
    judge = User.objects.filter(username="demo_judge").first()
    provisioned = user_provision(
        username=APPEAL_HEAD,
        role=APPEAL_HEAD_ROLE,
        court=case.court,
        division=case.division,
        password_hash=judge.password if judge is not None else None,
        full_name="周立群",
        source="demo",
    )
    if not provisioned.user.is_active:  # put aside by the reset
        provisioned.user.is_active = True
        provisioned.user.save(update_fields=["is_active"])
    return provisioned.user


def consultations_demo(context: DemoContext) -> None:
    from supervision.demo import Cast, _last_notification, _moment, act
    from supervision.services import consultations as consult
    from supervision.services import reviews
    from supervision.services.reminders import reminders_send_due

    today = context.today
    cast = Cast(today)
    used: set[int] = set()
    own = _appeals(Q(origin__judge_id=cast.judge.judge_id), used)[:1]
    first = own or _appeals(Q(origin__division_id=cast.division.pk), used)[:1]
    if not first:
        return
    # Opened from one division of 苏05, by its head: the division of the demo judge's appeal.
    head = _head_of(first[0])
    here = Q(division_id=head.division_id)
    used.update(case.pk for case in own)
    division = _appeals(here & Q(origin__division_id=cast.division.pk), used)[:2]
    used.update(case.pk for case in division)
    others = _appeals(here & ~Q(origin__division_id=cast.division.pk), used)[:2]
    cases = own + division + others

    def open_on(case: Case, day: datetime.date, intention: str, reasons, reasoning: str):
        return act(
            day,
            consult.consultation_open,
            stamp=("opened_at",),
            case=case,
            intention=intention,
            reasons=reasons,
            reasoning=reasoning,
            actor=head,
        )

    def answer(consultation, day, who, verdict, text=""):
        return act(
            day,
            consult.consultation_answer,
            stamp=("answered_at",),
            consultation=consultation,
            answer=verdict,
            answer_text=text,
            actor=who,
        )

    def conclude(consultation, day, outcome, note=""):
        return act(
            day,
            consult.consultation_conclude,
            stamp=("concluded_at",),
            consultation=consultation,
            outcome=outcome,
            outcome_note=note,
            actor=head,
        )

    for case in cases:
        is_own = case.origin.judge_id == cast.judge.judge_id
        in_division = case.origin.division_id == cast.division.pk
        if is_own:  # awaiting the demo judge's answer
            open_on(case, today - 5 * DAY, "modify", ["fact_finding"],
                    _("一审对借款本金的认定与转账记录不符，拟改判"))  # fmt: skip
        elif in_division and not Consultation.objects.filter(outcome="changed").exists():
            c = open_on(case, today - 40 * DAY, "remand", ["procedure"],
                        _("一审遗漏必要共同诉讼人，拟发回重审"))  # fmt: skip
            answer(c, today - 37 * DAY, cast.head, "disagree",
                   _("该案外人已书面放弃权利，无须追加，建议维持"))  # fmt: skip
            conclude(c, today - 30 * DAY, "changed", _("采纳原审意见，改为维持原判"))
        elif in_division:  # reversed as intended, then closed 改判: the review carries it
            c = open_on(case, today - 70 * DAY, "modify", ["application_of_law"],
                        _("一审适用违约金调整规则有误，拟改判"))  # fmt: skip
            answer(c, today - 66 * DAY, cast.head, "agree", _("同意改判"))
            conclude(c, today - 60 * DAY, "as_intended")
            Case.objects.filter(pk=case.pk).update(
                closed_on=today - 55 * DAY, closing_method="modified"
            )
            case_derived_refresh(case_ids=[case.pk])
            with on_day(today - 54 * DAY):
                reviews.reviews_open_missing(actor=None)
        elif not Consultation.objects.filter(
            state=ConsultState.AWAITING, answer_due__lt=today
        ).exists():  # overdue, unanswered
            open_on(case, today - 9 * DAY, "modify", ["new_evidence"],
                    _("二审中上诉人提交新证据，足以推翻原判认定，拟改判"))  # fmt: skip
        else:  # unanswered, referred to the adjudication committee once due
            c = open_on(case, today - 25 * DAY, "remand", ["fact_finding", "procedure"],
                        _("一审事实不清、程序存在瑕疵，拟发回重审"))  # fmt: skip
            conclude(
                c, today - 15 * DAY, "committee", _("原审逾期未答复，分歧较大，提交审判委员会讨论")
            )
    # The answers' reminders (due, overdue, to the head), as the nightly job sent them.
    for back in range(10, -1, -1):
        day = today - back * DAY
        before = _last_notification()
        with on_day(day):
            reminders_send_due(day=day)
        Notification.objects.filter(pk__gt=before).update(created_at=_moment(day, 8))


def consultations_demo_reset() -> None:
    """The consultations go with the cases (generic reset). The appeal head's account is made
    inactive until this step provisions it again, so that the steps before it (a notice to
    苏05's division heads) write the same as on a fresh database (it is kept, not deleted: the
    reset attaches every account to its unit again)."""
    User.objects.filter(username=APPEAL_HEAD).update(is_active=False)
