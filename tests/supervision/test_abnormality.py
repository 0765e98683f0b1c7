"""Abnormality detection (研判 → 异常函询): planted values over and under their warning lines and
sharp weekly falls become draft inquiries, clean units none, a second run nothing twice; the
office sends or discards the drafts; the nightly computation runs the detection."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from cases.choices import ClosingMethod, Role
from cases.permissions import Refused
from metrics.choices import Scope
from metrics.computation.nightly import metrics_nightly
from metrics.models import IndicatorValue
from supervision.choices import LetterState, TraceKind
from supervision.models import Abnormality, DetectionRule, Inquiry, Notification, TraceEntry
from supervision.services import abnormalities_detect, abnormality_discard, abnormality_send
from tests.factories import CaseFactory, DivisionFactory

D = datetime.date
AS_OF = D(2025, 6, 29)
LAST_WEEK = D(2025, 6, 22)


@pytest.fixture
def plant(world):
    """plant("within_limit_rate", 94, division=world.division): a stored YTD value."""

    def make(indicator, value, *, division=None, court=None, as_of=AS_OF, denominator=100):
        court = court or (division.court if division is not None else world.court)
        return IndicatorValue.objects.create(
            as_of=as_of,
            period="ytd",
            scope=Scope.DIVISION if division is not None else Scope.COURT,
            court=court,
            division=division,
            indicator=indicator,
            numerator=Decimal(str(value)) * denominator / 100,
            denominator=denominator,
            value=value,
        )

    return make


def drafts(division=None):
    rows = Inquiry.objects.filter(state=LetterState.DRAFT)
    return rows.filter(division=division) if division is not None else rows


def test_a_division_past_its_warning_line_gets_a_draft_and_a_clean_one_none(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)  # warning 95
    plant("within_limit_rate", 96.0, division=world.other_division)
    run = abnormalities_detect(as_of=AS_OF)
    assert (run.found, run.drafted) == (1, 1)
    (draft,) = drafts()
    assert draft.division == world.division and draft.created_by is None
    assert draft.indicator_slug == "within_limit_rate" and draft.as_of == AS_OF
    assert draft.value == Decimal("94") and "95.00%" in draft.reference
    assert "94.00%" in draft.body and "已触及预警线" in draft.body
    finding = Abnormality.objects.get()
    assert finding.crossed_warning and not finding.fell_sharply and finding.inquiry == draft
    # A draft reaches nobody until the office sends it.
    assert not Notification.objects.exists()
    assert not drafts(world.other_division).exists()


def test_direction_and_both_bounds_of_a_band_decide_what_is_past_the_line(world, plant):
    other_court_division = DivisionFactory(court=world.other_court, name="民一庭")
    third = DivisionFactory(court=world.court, name="民三庭")
    plant("avg_trial_days", 91.0, division=world.division)  # lower is better, warning 90
    plant("avg_trial_days", 89.0, division=world.other_division)
    plant("mediation_withdrawal_rate", 24.0, division=world.division)  # band 25–75
    plant("mediation_withdrawal_rate", 76.0, division=world.other_division)
    plant("mediation_withdrawal_rate", 50.0, division=third)
    plant("within_limit_rate", 95.0, division=third)  # at the line: it scores 0
    plant("clearance_rate", 44.0, division=other_court_division)  # June target 55, warning 45
    plant("clearance_rate", 46.0, division=third)
    abnormalities_detect(as_of=AS_OF)
    found = set(
        Abnormality.objects.values_list("division__court__code", "division__name", "indicator")
    )
    assert found == {
        ("苏0505", "民一庭", "avg_trial_days"),
        ("苏0505", "民一庭", "mediation_withdrawal_rate"),
        ("苏0505", "民二庭", "mediation_withdrawal_rate"),
        ("苏0505", "民三庭", "within_limit_rate"),
        ("苏0506", "民一庭", "clearance_rate"),
    }
    assert drafts().count() == 5


def test_a_sharp_fall_against_last_week_is_abnormal_above_the_warning_line(world, plant):
    plant("closed_to_filed_ratio", 110.0, division=world.division, as_of=LAST_WEEK)
    plant("closed_to_filed_ratio", 98.0, division=world.division)  # −12 points, rule: 10
    plant("closed_to_filed_ratio", 105.0, division=world.other_division, as_of=LAST_WEEK)
    plant("closed_to_filed_ratio", 99.0, division=world.other_division)  # −6
    plant("long_pending_share", 0.5, division=world.other_division, as_of=LAST_WEEK)
    plant("long_pending_share", 2.9, division=world.other_division)  # +2.4, rule: 2
    abnormalities_detect(as_of=AS_OF)
    ratio = Abnormality.objects.get(indicator="closed_to_filed_ratio")
    assert ratio.division == world.division and ratio.fell_sharply and not ratio.crossed_warning
    assert ratio.last_week_value == 110.0 and ratio.worsened_by == pytest.approx(12.0)
    assert "较上周（2025-06-22，110.00%）明显变差" in ratio.inquiry.body
    share = Abnormality.objects.get(indicator="long_pending_share")
    assert share.division == world.other_division and share.fell_sharply


def test_the_fall_threshold_and_the_smallest_unit_are_data(world, plant):
    plant("closed_to_filed_ratio", 110.0, division=world.division, as_of=LAST_WEEK)
    plant("closed_to_filed_ratio", 98.0, division=world.division)
    plant("within_limit_rate", 50.0, division=world.other_division, denominator=5)
    DetectionRule.objects.filter(indicator="closed_to_filed_ratio").update(fall_threshold=15)
    abnormalities_detect(as_of=AS_OF)
    assert not Abnormality.objects.exists()
    DetectionRule.objects.filter(indicator="within_limit_rate").update(min_denominator=5)
    abnormalities_detect(as_of=AS_OF)
    assert Abnormality.objects.get().division == world.other_division


def test_running_the_detection_twice_drafts_nothing_twice(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    plant("within_limit_rate", 90.0)  # the court
    first = abnormalities_detect(as_of=AS_OF)
    second = abnormalities_detect(as_of=AS_OF)
    assert (first.found, first.drafted, first.known) == (2, 1, 0)
    assert (second.found, second.drafted, second.known) == (0, 0, 2)
    assert Abnormality.objects.count() == 2 and drafts().count() == 1


def test_a_courts_abnormality_goes_to_the_division_that_pulls_it_down(world, plant):
    plant("within_limit_rate", 94.5)  # the court 苏0505
    plant("within_limit_rate", 96.0, division=world.division)
    plant("within_limit_rate", 95.5, division=world.other_division)  # the worst, above the line
    abnormalities_detect(as_of=AS_OF)
    finding = Abnormality.objects.get()
    assert finding.scope == Scope.COURT and finding.division is None
    draft = finding.inquiry
    assert draft.division == world.other_division and draft.court == world.court
    assert draft.title == "关于苏0505人民法院“法定审限内结案率”的异常函询"
    assert "函询民二庭：该部门此项指标在本院各部门中最不理想" in draft.body


def test_a_courts_abnormality_joins_its_worst_divisions_own_draft(world, plant):
    plant("within_limit_rate", 94.5)
    plant("within_limit_rate", 96.0, division=world.division)
    plant("within_limit_rate", 93.0, division=world.other_division)
    abnormalities_detect(as_of=AS_OF)
    (draft,) = drafts()
    assert draft.division == world.other_division
    assert draft.abnormalities.count() == 2
    body = draft.body.split("\n")
    assert body[0].startswith("苏0505人民法院民二庭") and body[1].startswith("苏0505人民法院年初")
    assert body[-1].startswith("请分析原因")


def test_a_court_indicator_without_division_values_goes_to_its_busiest_division(world, plant):
    plant("case_to_proceeding_ratio", 1.6)  # city and court only; warning 1.5
    for _ in range(2):
        CaseFactory(judge=world.colleague, filed_on=D(2025, 4, 1))
    abnormalities_detect(as_of=AS_OF)
    draft = Abnormality.objects.get().inquiry
    assert draft.division == world.division
    assert "1 : 1.60" in draft.body and "计入此项指标的案件最多" in draft.body


def test_the_office_sends_a_draft_and_the_division_is_told(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    abnormalities_detect(as_of=AS_OF)
    draft = drafts().get()
    sent = abnormality_send(inquiry=draft, actor=world.user(Role.OFFICE), deadline=D(2025, 7, 15))
    assert sent.state == LetterState.SENT and sent.deadline == D(2025, 7, 15)
    assert sent.issued_by == world.user(Role.OFFICE)
    assert Notification.objects.filter(recipient=world.user(Role.ANALYST), inquiry=sent).exists()
    assert TraceEntry.objects.filter(kind=TraceKind.INQUIRY_SENT, inquiry=sent).exists()


def test_the_office_may_address_a_draft_to_another_division_of_the_court_only(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    abnormalities_detect(as_of=AS_OF)
    draft = drafts().get()
    office = world.user(Role.OFFICE)
    foreign = DivisionFactory(court=world.other_court, name="民三庭")
    with pytest.raises(Exception, match="本院的其他部门"):
        abnormality_send(inquiry=draft, actor=office, division=foreign)
    sent = abnormality_send(inquiry=draft, actor=office, division=world.other_division)
    assert sent.division == world.other_division and sent.state == LetterState.SENT


def test_a_discarded_draft_is_gone_with_its_reason_and_never_drafted_again(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    abnormalities_detect(as_of=AS_OF)
    office = world.user(Role.OFFICE)
    abnormality_discard(inquiry=drafts().get(), reason="已专项督办，无需函询", actor=office)
    assert not Inquiry.objects.exists()
    finding = Abnormality.objects.get()
    assert finding.discarded_by == office and finding.discard_reason == "已专项督办，无需函询"
    entry = TraceEntry.objects.get(kind=TraceKind.INQUIRY_DISCARDED)
    assert entry.court_id == world.court.pk and entry.note == "已专项督办，无需函询"
    again = abnormalities_detect(as_of=AS_OF)
    assert (again.found, again.drafted) == (0, 0) and not Inquiry.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DIVISION_HEAD, Role.COURT_LEADER])
def test_only_the_office_sends_or_discards_a_draft(world, plant, role):
    plant("within_limit_rate", 94.0, division=world.division)
    abnormalities_detect(as_of=AS_OF)
    draft = drafts().get()
    with pytest.raises(Refused):
        abnormality_send(inquiry=draft, actor=world.user(role))
    with pytest.raises(Refused):
        abnormality_discard(inquiry=draft, reason="不需要", actor=world.user(role))
    assert drafts().get().pk == draft.pk
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=world.user(role)).count() == 2


def test_the_detection_after_the_nightly_computation_drafts_the_inquiries_of_the_day(world):
    # 民一庭: 20 cases closed after their deadline — a within-limit rate of 0.
    for _ in range(20):
        late = CaseFactory(
            judge=world.colleague,
            filed_on=D(2024, 12, 1),
            closed_on=D(2025, 6, 20),
            closing_method=ClosingMethod.JUDGMENT,
        )
    assert late.deadline < late.closed_on
    metrics_nightly(as_of=AS_OF, periods=["ytd"])
    abnormalities_detect(as_of=AS_OF)  # the pipeline's next step
    rows = Abnormality.objects.filter(indicator="within_limit_rate")
    assert {(row.scope, row.value) for row in rows} == {
        (Scope.DIVISION, 0.0),
        (Scope.COURT, 0.0),
    }
    assert drafts().filter(indicator_slug="within_limit_rate").count() == 1


NEXT_DAY = D(2025, 6, 30)


def test_an_abnormality_that_persists_joins_its_draft_instead_of_drafting_again(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    plant("within_limit_rate", 93.5, division=world.division, as_of=NEXT_DAY)
    abnormalities_detect(as_of=AS_OF)
    again = abnormalities_detect(as_of=NEXT_DAY)
    assert (again.found, again.drafted, again.repeated) == (1, 0, 1)
    (draft,) = drafts()
    assert draft.abnormalities.count() == 2
    assert draft.as_of == NEXT_DAY and draft.value == Decimal("93.5")
    assert "93.50%" in draft.body and "94.00%" not in draft.body


def test_after_the_inquiry_is_sent_a_persisting_abnormality_joins_it(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    plant("within_limit_rate", 93.5, division=world.division, as_of=NEXT_DAY)
    abnormalities_detect(as_of=AS_OF)
    sent = abnormality_send(inquiry=drafts().get(), actor=world.user(Role.OFFICE))
    abnormalities_detect(as_of=NEXT_DAY)
    assert not drafts().exists()
    assert Abnormality.objects.get(as_of=NEXT_DAY).inquiry == sent


def test_after_a_discard_a_persisting_abnormality_is_discarded_with_it(world, plant):
    plant("within_limit_rate", 94.0, division=world.division)
    plant("within_limit_rate", 93.5, division=world.division, as_of=NEXT_DAY)
    abnormalities_detect(as_of=AS_OF)
    abnormality_discard(inquiry=drafts().get(), reason="专项整改中", actor=world.user(Role.OFFICE))
    abnormalities_detect(as_of=NEXT_DAY)
    assert not Inquiry.objects.exists()
    later = Abnormality.objects.get(as_of=NEXT_DAY)
    assert later.discarded_at is not None and later.discarded_by is None
    assert later.discard_reason == "同一单位、同一指标已于2025-06-29决定不予函询：专项整改中"


def test_past_the_repeat_window_a_persisting_abnormality_is_drafted_again(world, plant):
    later = AS_OF + datetime.timedelta(days=29)
    plant("within_limit_rate", 94.0, division=world.division)
    plant("within_limit_rate", 93.0, division=world.division, as_of=later)
    abnormalities_detect(as_of=AS_OF)
    abnormality_send(inquiry=drafts().get(), actor=world.user(Role.OFFICE))
    run = abnormalities_detect(as_of=later)
    assert (run.drafted, run.repeated) == (1, 0)
    assert drafts().get().as_of == later


def test_the_task_runs_the_detection_of_a_day_again(world, plant):
    from supervision.tasks import detect_abnormalities

    plant("within_limit_rate", 94.0, division=world.division)
    assert detect_abnormalities("2025-06-29")["drafted"] == 1
    assert detect_abnormalities("2025-06-29")["known"] == 1
