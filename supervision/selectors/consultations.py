"""Reads of 拟发改再事先沟通: the list's filters, the quarterly figures per unit and the
drill-down behind each figure (one condition per figure, used for both), the work queue.

The figures are counted per unit of the original case (the court or division consulted: did it
answer in time?) or, with side="deciding", per unit of the second-instance / retrial case."""

from __future__ import annotations

import datetime

from django.db.models import Case, CharField, Count, F, Q, QuerySet, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.choices import Scope
from cases.permissions import Action, may
from cases.units import user_unit
from metrics.definitions.periods import quarter_bounds
from supervision.choices import ConsultOutcome, ConsultState
from supervision.models import Consultation

# figure -> (label, condition): the count and its drill-down are the same condition.
FIGURES: dict[str, tuple] = {
    "consulted": (_("事先沟通"), Q()),
    "answered": (_("已答复"), Q(answered_on__isnull=False)),
    "answered_in_time": (
        _("按期答复"),
        Q(answered_on__isnull=False, answered_on__lte=F("answer_due")),
    ),
    "agreed": (_("原审同意"), Q(answer="agree")),
    "concluded": (_("已登记结果"), Q(state=ConsultState.CONCLUDED)),
    "as_intended": (_("按拟意见改判、发回"), Q(outcome=ConsultOutcome.AS_INTENDED)),
    "outcome_changed": (_("沟通后改变意见"), Q(outcome=ConsultOutcome.CHANGED)),
    "committee": (_("提交审判委员会"), Q(outcome=ConsultOutcome.COMMITTEE)),
}
SIDES = {
    "original": ("original_case__court", "original_case__division"),
    "deciding": ("case__court", "case__division"),
}
SIDE_LABELS = {"original": _("按原审部门"), "deciding": _("按二审、再审部门")}


def figure_q(figure: str) -> Q:
    return FIGURES[figure][1]


def quarter_q(year: int, quarter: int) -> Q:
    return Q(opened_on__range=quarter_bounds(year, quarter))


def consultation_rows(user) -> QuerySet:
    return Consultation.objects.in_scope(user).select_related(
        "case",
        "case__court",
        "case__division",
        "case__judge",
        "original_case",
        "original_case__court",
        "original_case__division",
        "original_case__judge",
    )


def quarterly_figures(*, user, year: int, quarter: int, side: str = "original") -> list[dict]:
    """Per court and division (of the original case, or the deciding one): the consultations
    opened in the quarter, answered, answered in time, and their outcomes."""
    court, division = SIDES[side]
    rows = (
        Consultation.objects.in_scope(user)
        .filter(quarter_q(year, quarter))
        .values(
            court_code=F(f"{court}__code"),
            court_name=F(f"{court}__name"),
            division_id=F(f"{division}_id"),
            division_name=F(f"{division}__name"),
        )
        .annotate(**{name: Count("id", filter=q) for name, (_label, q) in FIGURES.items()})
        .order_by("court_code", "division_name", "division_id")
    )
    return list(rows)


def figure_columns() -> list[tuple[str, str]]:
    return [(name, str(label)) for name, (label, _q) in FIGURES.items()]


# --- the work queue ----------------------------------------------------------------------------

RELATED = ("case", "case__court", "case__division", "original_case")


def answerer_q(user) -> Q | None:
    """The consultations the user answers: their own unit is the original judge's, or the
    original case's division (its head) — services.consultations.may_answer, as a filter."""
    unit = user_unit(user)
    if unit is None or unit.scope not in (Scope.JUDGE, Scope.DIVISION):
        return None
    if unit.scope == Scope.JUDGE:
        return Q(original_case__judge_id=unit.judge_id)
    return Q(original_case__division_id=unit.division_id, original_case__court_id=unit.court_id)


def _rows(user, day: datetime.date):
    """One kind, one query: the answers the user is to give (the original judge or head), and
    the outcomes they are to record (who opened it, the case's judge) once answered or once
    the answer is overdue; `queue_action` says which."""
    answerer = answerer_q(user) if may(user, Action.CONSULT_ANSWER) else None
    opener = may(user, Action.CONSULT_OPEN)
    if answerer is None and not opener:
        return None
    to_answer = Q(pk__in=[]) if answerer is None else answerer & Q(state=ConsultState.AWAITING)
    wanted = to_answer
    if opener:
        mine = Q(opened_by=user)
        if user.judge_id:
            mine |= Q(case__judge_id=user.judge_id)
        ready = Q(state=ConsultState.ANSWERED) | Q(state=ConsultState.AWAITING, answer_due__lt=day)
        wanted = wanted | (mine & ready)
    return (
        Consultation.objects.in_scope(user)
        .filter(wanted)
        .select_related(*RELATED)
        .annotate(
            queue_due=F("answer_due"),
            queue_action=Case(
                When(to_answer, then=Value("answer")),
                default=Value("conclude"),
                output_field=CharField(),
            ),
        )
    )


ACTIONS = {"answer": _("答复"), "conclude": _("登记结果")}


def _item(consultation, day):
    from supervision.selectors.queue import QueueItem

    case = consultation.case
    action = consultation.queue_action
    return QueueItem(
        kind="consultation",
        kind_label=str(_("拟发改再事先沟通")),
        pk=consultation.pk,
        title=_("%(case)s %(intention)s（原审%(original)s）")
        % {
            "case": case.case_number,
            "intention": consultation.get_intention_display(),
            "original": consultation.original_case.case_number,
        },
        unit=f"{case.court.code} {case.division.name}",
        court_code=case.court.code,
        division_name=case.division.name,
        due_on=consultation.answer_due,
        overdue=action == "answer" and consultation.answer_due < day,
        url=reverse("supervision:consultation", args=[consultation.pk]),
        action=action,
        action_label=str(ACTIONS[action]),
        state=consultation.state,
        state_label=consultation.get_state_display(),
        since=consultation.opened_at,
    )


def register_queue_sources() -> None:
    from supervision.selectors.queue import QueueSource, register

    register(QueueSource("consultation", _("拟发改再事先沟通"), _rows, _item))
