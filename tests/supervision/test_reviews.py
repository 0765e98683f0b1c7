"""Reversal review (发改再评查): opened once per reversed case, findings, objection, answer,
the quarterly report and its XLSX export."""

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from cases.choices import Role
from supervision import selectors, services, tasks
from supervision.choices import ReasonClass, ReviewState, ReviewTrigger, Severity, TraceKind
from supervision.exports import review_report_xlsx
from supervision.models import ReversalReview
from tests.factories import CaseFactory

D = datetime.date


@pytest.fixture
def reversed_cases(world):
    def first_instance(**fields):
        return CaseFactory(
            judge=world.judge,
            filed_on=D(2024, 3, 1),
            closed_on=D(2024, 8, 1),
            closing_method="judgment",
            **fields,
        )

    return {
        "modified": first_instance(appeal_outcome="modified", appeal_decided_on=D(2025, 4, 10)),
        "remanded": first_instance(appeal_outcome="remanded", appeal_decided_on=D(2025, 5, 10)),
        "affirmed": first_instance(appeal_outcome="affirmed", appeal_decided_on=D(2025, 5, 11)),
        "retried": first_instance(
            appeal_outcome="modified",
            appeal_decided_on=D(2025, 1, 10),
            retrial_outcome="remanded",
            retrial_decided_on=D(2025, 6, 1),
        ),
    }


def test_every_reversed_or_remanded_case_gets_one_review_however_often_it_runs(
    world, reversed_cases
):
    assert tasks.open_reversal_reviews() == 4
    assert tasks.open_reversal_reviews() == 0
    reviews = {(r.case_id, r.trigger) for r in ReversalReview.objects.all()}
    assert reviews == {
        (reversed_cases["modified"].pk, ReviewTrigger.APPEAL),
        (reversed_cases["remanded"].pk, ReviewTrigger.APPEAL),
        (reversed_cases["retried"].pk, ReviewTrigger.APPEAL),
        (reversed_cases["retried"].pk, ReviewTrigger.RETRIAL),
    }
    opened = reversed_cases["modified"].supervision_trace.get(kind=TraceKind.REVIEW_OPENED)
    assert opened.detail == {"trigger": "appeal", "outcome": "modified"}


def test_a_remand_linked_by_a_second_instance_case_is_reviewed(world):
    origin = CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 3, 1),
        closed_on=D(2024, 8, 1),
        closing_method="judgment",
    )
    CaseFactory(
        judge=world.judge,
        type_code="民终",
        filed_on=D(2024, 9, 1),
        closed_on=D(2025, 2, 1),
        closing_method="remanded",
        origin_case_number=origin.case_number,
    )
    from cases.services import case_derived_refresh

    case_derived_refresh()
    services.reviews_open_missing()
    assert ReversalReview.objects.get().case == origin


def test_findings_objection_and_answer_are_on_the_trail(world, reversed_cases):
    services.reviews_open_missing()
    review = ReversalReview.objects.get(case=reversed_cases["modified"])
    office, judge = world.user(Role.OFFICE), world.user(Role.JUDGE)
    with pytest.raises(ValidationError):
        services.review_record(
            review=review,
            reason_class=ReasonClass.PROCEDURE,
            is_error=True,
            severity=Severity.NONE,
            opinion="x",
            actor=office,
        )
    services.review_record(
        review=review,
        reason_class=ReasonClass.PROCEDURE,
        is_error=True,
        severity=Severity.ORDINARY,
        opinion="遗漏当事人",
        actor=office,
    )
    services.review_object(review=review, objection="当事人未申请参加", actor=judge)
    with pytest.raises(ValidationError):
        services.review_object(review=review, objection="再次", actor=judge)
    review = services.review_answer(
        review=review, answer="采纳", is_error=False, severity=Severity.NONE, actor=office
    )
    assert review.state == ReviewState.ANSWERED
    assert review.is_error is False
    kinds = list(review.case.supervision_trace.order_by("at", "id").values_list("kind", flat=True))
    assert kinds == [
        TraceKind.REVIEW_OPENED,
        TraceKind.REVIEW_RECORDED,
        TraceKind.REVIEW_OBJECTED,
        TraceKind.REVIEW_ANSWERED,
    ]


def test_quarterly_report_counts_per_division_and_exports_to_xlsx(world, reversed_cases):
    services.reviews_open_missing()
    office = world.user(Role.OFFICE)
    services.review_record(
        review=ReversalReview.objects.get(case=reversed_cases["remanded"]),
        reason_class=ReasonClass.FACT_FINDING,
        is_error=True,
        severity=Severity.SERIOUS,
        opinion="事实不清",
        actor=office,
    )
    [row] = selectors.review_report(user=office, year=2025, quarter=2)
    assert row["case__division__name"] == "民一庭"
    assert row["total"] == 3  # decided 04-10, 05-10, 06-01; the 01-10 one is in Q1
    assert (row["modified"], row["remanded"]) == (1, 2)
    assert (row["on_appeal"], row["on_retrial"]) == (2, 1)
    assert row["reason_fact_finding"] == 1
    assert row["errors"] == 1 and row["severity_serious"] == 1
    assert row["awaiting_review"] == 2
    [q1] = selectors.review_report(user=office, year=2025, quarter=1, by="judge")
    assert q1["case__judge__name"] == "张法官" and q1["total"] == 1

    sheet = load_workbook(io.BytesIO(review_report_xlsx(user=office, year=2025, quarter=2))).active
    assert sheet["A1"].value == "2025年第2季度发改再评查情况"
    assert [cell.value for cell in sheet[2]][:3] == ["法院", "部门", "评查案件数"]
    assert [cell.value for cell in sheet[3]][:3] == ["苏0505", "民一庭", 3]
    assert sheet.cell(row=4, column=1).value == "合计"


def test_the_report_is_scoped(world, reversed_cases):
    services.reviews_open_missing()
    from tests.factories import UserFactory

    colleague = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    assert selectors.review_report(user=colleague, year=2025, quarter=2) == []


def test_quarterly_report_xlsx_writes_a_formula_like_name_as_text(world, reversed_cases):
    from tests.cases.test_spreadsheets import FORMULA, assert_no_formulas

    services.reviews_open_missing()
    world.division.name = FORMULA
    world.division.save()
    data = review_report_xlsx(user=world.user(Role.OFFICE), year=2025, quarter=2)
    assert_no_formulas(data, FORMULA)


def test_the_original_judge_is_told_of_each_review_a_chunk_at_a_time(
    world, reversed_cases, monkeypatch
):
    """A first run opens reviews by the hundred thousand: the judges are told a few at a time
    (NOTIFY_CHUNK), and every review still gets exactly one message per judge account."""
    from supervision.models import Notification
    from supervision.services import reviews as review_services

    monkeypatch.setattr(review_services, "NOTIFY_CHUNK", 3)
    accounts = list(review_services.judge_users(world.judge.pk))
    assert accounts, "the world's judge has an account"
    assert tasks.open_reversal_reviews() == 4
    told = Notification.objects.filter(title__startswith="发改再评查：")
    assert told.count() == 4 * len(accounts)
    titles = list(told.values_list("title", flat=True))
    for name, reviews in (("modified", 1), ("remanded", 1), ("retried", 2), ("affirmed", 0)):
        number = reversed_cases[name].case_number
        assert sum(number in title for title in titles) == reviews * len(accounts), name
