"""Four-type cases: marks, confirmation and removal, rule suggestions, the ledger."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from cases.choices import Role
from supervision import selectors, services
from supervision.choices import MarkSource, MarkState, MeasureKind, RuleKind, TraceKind
from supervision.models import FourTypeMark, FourTypeRule
from tests.factories import CaseFactory

D = datetime.date


def test_a_judge_self_report_is_marked_with_its_source_and_awaits_confirmation(world):
    mark = services.four_type_mark(
        case=world.case, category=4, reason="当事人反映", actor=world.user(Role.JUDGE)
    )
    assert (mark.source, mark.state) == (MarkSource.JUDGE, MarkState.MARKED)


def test_a_mark_needs_a_reason_and_one_open_mark_per_category(world):
    head = world.user(Role.DIVISION_HEAD)
    with pytest.raises(ValidationError):
        services.four_type_mark(case=world.case, category=1, reason=" ", actor=head)
    services.four_type_mark(case=world.case, category=1, reason="疑难", actor=head)
    with pytest.raises(ValidationError, match="已有第1类"):
        services.four_type_mark(case=world.case, category=1, reason="疑难", actor=head)
    services.four_type_mark(case=world.case, category=3, reason="类案冲突", actor=head)


def test_a_removed_mark_keeps_its_reason_and_frees_the_category(world):
    head = world.user(Role.DIVISION_HEAD)
    mark = services.four_type_mark(case=world.case, category=1, reason="疑难", actor=head)
    mark = services.four_type_mark_remove(mark=mark, reason="经审查不属于", actor=head)
    assert (mark.state, mark.decision_reason) == (MarkState.REMOVED, "经审查不属于")
    services.four_type_mark(case=world.case, category=1, reason="新情况", actor=head)


def test_rules_suggest_long_pending_and_remanded_returns_once(world):
    old = world.new_case(filed_on=D(2024, 5, 1))
    remanded = CaseFactory(
        judge=world.judge,
        filed_on=D(2023, 3, 1),
        closed_on=D(2023, 9, 1),
        closing_method="judgment",
        appeal_outcome="remanded",
        appeal_decided_on=D(2024, 12, 1),
    )
    returned = world.new_case(filed_on=D(2025, 1, 5), origin_case_number=remanded.case_number)
    assert services.four_type_suggest() == 2
    assert services.four_type_suggest() == 0
    marks = {mark.case_id: mark for mark in FourTypeMark.objects.all()}
    assert set(marks) == {old.pk, returned.pk}
    assert marks[old.pk].state == MarkState.SUGGESTED
    assert marks[old.pk].source == MarkSource.RULE
    assert old.supervision_trace.get().kind == TraceKind.MARK_SUGGESTED
    # a removed suggestion is not suggested again
    services.four_type_mark_remove(
        mark=marks[old.pk], reason="已排期", actor=world.user(Role.DIVISION_HEAD)
    )
    assert services.four_type_suggest() == 0


def test_a_rule_is_data_the_office_can_change(world):
    FourTypeRule.objects.update(active=False)
    FourTypeRule.objects.create(
        slug="long-pending-3",
        name="未结超过3个月",
        kind=RuleKind.LONG_PENDING,
        params={"months": 3},
        auto_confirm=True,
    )
    assert services.four_type_suggest(actor=world.user(Role.OFFICE)) == 1  # world.case, 2025-03-01
    mark = world.case.four_type_marks.get()
    assert mark.state == MarkState.CONFIRMED


def test_a_measure_needs_an_open_mark(world):
    with pytest.raises(ValidationError, match="没有有效的四类案件标注"):
        services.measure_take(
            case=world.case,
            kind=MeasureKind.READ_FILE,
            instruction="调卷",
            deadline=D(2025, 7, 10),
            actor=world.user(Role.COURT_LEADER),
        )


def test_the_ledger_counts_open_marks_and_overdue_responses_per_division_and_category(
    world, settings
):
    head, leader = world.user(Role.DIVISION_HEAD), world.user(Role.COURT_LEADER)
    mark = services.four_type_mark(case=world.case, category=1, reason="疑难", actor=head)
    services.four_type_mark_confirm(mark=mark, reason="属实", actor=leader)
    services.four_type_mark(case=world.new_case(), category=1, reason="疑难", actor=head)
    services.four_type_mark(case=world.new_case(), category=2, reason="群体", actor=head)
    services.measure_take(
        case=world.case,
        kind=MeasureKind.REQUIRE_REPORT,
        instruction="报告",
        deadline=D(2025, 7, 1),
        actor=leader,
    )
    settings.COURTDASH_TODAY = "2025-07-02"
    rows = selectors.ledger_rows(user=world.user(Role.OFFICE))
    assert [(r["division_name"], r["category"]) for r in rows] == [("民一庭", 1), ("民一庭", 2)]
    first = rows[0]
    assert (first["open_marks"], first["confirmed"], first["awaiting_confirmation"]) == (2, 1, 1)
    assert (first["awaiting_response"], first["overdue_responses"]) == (1, 1)
    assert selectors.overdue_measures(user=world.user(Role.JUDGE)).count() == 1
