"""评查 (case quality review campaigns): reproducible sampling, targeted sets, reviewers never of
the case's court, scoring and grades by the sheet's thresholds, rectification, permissions,
pages, API, queue, reminders, results and their XLSX."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from cases.choices import Role
from cases.permissions import Refused
from supervision.choices import (
    ExtensionState,
    QualityGrade,
    QualitySource,
    RectificationState,
    TraceKind,
)
from supervision.models import (
    ExtensionRequest,
    QualityReview,
    Rectification,
    ScoringSheet,
    TraceEntry,
)
from supervision.services import quality as services
from tests.factories import DivisionFactory, JudgeFactory, UserFactory

D = datetime.date
ITEMS = "事实认定｜30｜10,20,30\n法律适用｜30\n程序｜20｜5,10,20\n文书｜20"


@pytest.fixture
def quality(world):
    """Closed cases of two judges of 苏0505, a sheet of the court, reviewers of 苏0506."""
    office = world.user(Role.OFFICE)
    closed = {
        "judge": [
            world.new_case(
                filed_on=D(2025, 1, 2), closed_on=D(2025, 3, 1 + n), closing_method="judgment"
            )
            for n in range(20)
        ],
        "colleague": [
            world.new_case(
                judge=world.colleague,
                filed_on=D(2025, 1, 2),
                closed_on=D(2025, 4, 1 + n),
                closing_method="judgment",
            )
            for n in range(3)
        ],
    }
    foreign_division = DivisionFactory(court=world.other_court, name="民二庭")
    reviewers = [
        UserFactory(
            username=f"reviewer-b{n}",
            role=Role.JUDGE,
            court=world.other_court,
            division=foreign_division,
            judge=JudgeFactory(division=foreign_division, staff_id=f"B{n}", name=f"外院法官{n}"),
        )
        for n in range(2)
    ]
    sheet = services.quality_sheet_create(
        name="民事案件评查表",
        court=world.court,
        items=services.parse_items(ITEMS),
        actor=office,
    )
    # Reviewers of another court are named by the city's office (the intermediate court's).
    city_office = UserFactory(username="city-office", role=Role.OFFICE, court=world.city)
    world.extra.update(
        closed=closed, reviewers=reviewers, sheet=sheet, office=office, city_office=city_office
    )
    return world


def _open(world, **kwargs):
    fields = {
        "name": "2025年上半年常规评查",
        "court": world.court,
        "closed_from": D(2025, 1, 1),
        "closed_to": D(2025, 6, 30),
        "sheet": world.extra["sheet"],
        "actor": world.extra["office"],
        "share_percent": Decimal("10"),
        "seed": 20250630,
    }
    fields.update(kwargs)
    return services.quality_campaign_open(**fields)


def _ids(campaign):
    return sorted(campaign.reviews.values_list("case_id", flat=True))


# --- sampling ----------------------------------------------------------------------------------


def test_routine_sample_is_reproducible_for_a_seed():
    cases = {7: list(range(100, 140)), 3: list(range(200, 205))}
    first = services.routine_sample(cases, Decimal("10"), seed=42)
    assert first == services.routine_sample(cases, Decimal("10"), seed=42)
    # The order the cases come in does not matter: they are ordered by id.
    shuffled = {3: list(reversed(cases[3])), 7: list(reversed(cases[7]))}
    assert services.routine_sample(shuffled, Decimal("10"), seed=42) == first
    assert services.routine_sample(cases, Decimal("10"), seed=43) != first
    # 10% of 40 is 4; of 5 it is 0.5: at least one.
    assert len([pk for pk in first if pk < 200]) == 4
    assert len([pk for pk in first if pk >= 200]) == 1


def test_a_campaign_draws_the_same_sample_again_from_its_stored_seed(quality):
    first = _open(quality)
    again = _open(quality, name="同一种子")
    other = _open(quality, name="另一种子", seed=7)
    assert first.seed == 20250630
    assert _ids(first) == _ids(again)
    assert _ids(first) != _ids(other)
    judge_ids = {case.pk for case in quality.extra["closed"]["judge"]}
    colleague_ids = {case.pk for case in quality.extra["closed"]["colleague"]}
    # 10% of 20 closed cases is 2; 10% of 3 is at least 1. Pending cases never.
    assert len(set(_ids(first)) & judge_ids) == 2
    assert len(set(_ids(first)) & colleague_ids) == 1
    assert quality.case.pk not in _ids(first)
    opened = TraceEntry.objects.get(kind=TraceKind.QUALITY_CAMPAIGN_OPENED, object_id=first.pk)
    assert opened.detail["seed"] == 20250630 and opened.detail["cases"] == 3


def test_a_campaign_without_a_seed_stores_the_one_it_drew_with(quality):
    campaign = _open(quality, seed=None)
    assert campaign.seed and _ids(_open(quality, seed=campaign.seed)) == _ids(campaign)


def test_targeted_sets_repeated_extensions_long_withdrawals_and_chosen_cases(quality):
    judge_user = quality.user(Role.JUDGE)
    extended = quality.extra["closed"]["judge"][0]
    once = quality.extra["closed"]["judge"][1]
    for case, count in ((extended, 2), (once, 1)):
        for _n in range(count):
            ExtensionRequest.objects.create(
                case=case,
                days=30,
                reason="r",
                requested_by=judge_user,
                state=ExtensionState.APPROVED,
            )
    long_withdrawal = quality.new_case(
        filed_on=D(2024, 6, 1), closed_on=D(2025, 2, 1), closing_method="withdrawal"
    )
    quick_withdrawal = quality.new_case(
        filed_on=D(2025, 1, 5), closed_on=D(2025, 2, 1), closing_method="withdrawal"
    )
    chosen = quality.extra["closed"]["colleague"][2]
    campaign = _open(
        quality,
        sources=[QualitySource.EXTENSIONS, QualitySource.WITHDRAWALS, QualitySource.CHOSEN],
        min_pending_days=180,
        case_ids=[chosen.pk],
    )
    sources = dict(campaign.reviews.values_list("case_id", "source"))
    assert sources == {
        extended.pk: QualitySource.EXTENSIONS,
        long_withdrawal.pk: QualitySource.WITHDRAWALS,
        chosen.pk: QualitySource.CHOSEN,
    }
    assert quick_withdrawal.pk not in sources and campaign.seed is None


def test_chosen_cases_outside_the_campaign_or_the_reach_are_refused(quality):
    with pytest.raises(ValidationError):
        _open(quality, sources=[QualitySource.CHOSEN], case_ids=[quality.other_court_case.pk])


def test_only_the_office_opens_a_campaign_and_only_of_its_reach(quality):
    with pytest.raises(Refused):
        _open(quality, actor=quality.user(Role.COURT_LEADER))
    with pytest.raises(Refused):
        _open(quality, court=quality.other_court)
    with pytest.raises(Refused):  # the city's: the intermediate court's office only
        _open(quality, court=None)
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED).count() == 3


# --- reviewers ---------------------------------------------------------------------------------


def test_round_robin_skips_reviewers_of_the_case_court():
    reviews = [(1, 10), (2, 10), (3, 20), (4, 10), (5, 20)]
    pool = [(100, 10), (200, 20), (300, 30)]
    plan = services.reviewers_round_robin(reviews, pool)
    courts = dict(reviews)
    of = dict(pool)
    assert all(of[user] != courts[review] for review, user in plan.items())
    assert plan == services.reviewers_round_robin(reviews, pool)  # reproducible
    assert set(plan.values()) == {100, 200, 300}  # in turn
    # Nobody of another court: left out.
    assert services.reviewers_round_robin([(1, 10)], [(100, 10)]) == {}


def test_assignment_never_gives_a_reviewer_a_case_of_their_own_court(quality):
    campaign = _open(quality)
    own = UserFactory(
        username="own-judge",
        role=Role.JUDGE,
        court=quality.court,
        division=quality.division,
        judge=quality.colleague,
    )
    pool = [*quality.extra["reviewers"], own]
    with pytest.raises(Refused, match="市中级法院"):  # not the basic court's office
        services.quality_reviewers_assign(
            campaign=campaign, pool=pool, actor=quality.extra["office"]
        )
    assigned = services.quality_reviewers_assign(
        campaign=campaign, pool=pool, actor=quality.extra["city_office"]
    )
    assert assigned == 3
    for review in campaign.reviews.select_related("reviewer__judge", "case"):
        assert review.reviewer.judge.court_id != review.case.court_id
    assert own.pk not in set(campaign.reviews.values_list("reviewer_id", flat=True))
    # Changing one reviewer to someone of the case's court: refused.
    review = campaign.reviews.first()
    with pytest.raises(ValidationError, match="本院"):
        services.quality_reviewer_set(
            review=review, reviewer=own, actor=quality.extra["city_office"]
        )


def test_a_pool_of_the_case_court_only_is_refused(quality):
    campaign = _open(quality)
    own = UserFactory(username="own-leader", role=Role.COURT_LEADER, court=quality.court)
    with pytest.raises(ValidationError, match="外院评查人"):
        services.quality_reviewers_assign(
            campaign=campaign, pool=[own], actor=quality.extra["city_office"]
        )
    assert not campaign.reviews.filter(reviewer__isnull=False).exists()


# --- sheets and grades ---------------------------------------------------------------------------


def test_grades_follow_the_sheet_thresholds(quality):
    sheet = quality.extra["sheet"]
    assert [
        sheet.grade_of(Decimal(v)) for v in ("100", "90", "89.5", "80", "79.9", "60", "59.9")
    ] == [
        QualityGrade.EXCELLENT,
        QualityGrade.EXCELLENT,
        QualityGrade.PASS,
        QualityGrade.PASS,
        QualityGrade.FLAW,
        QualityGrade.FLAW,
        QualityGrade.ERROR,
    ]


def test_a_revised_sheet_is_a_new_version_and_campaigns_keep_theirs(quality):
    sheet = quality.extra["sheet"]
    campaign = _open(quality)
    revised = services.quality_sheet_revise(
        sheet=sheet,
        items=services.parse_items("事实认定｜40\n程序｜20"),
        excellent_from=95,
        pass_from=85,
        flaw_from=70,
        note="提高优秀分数线",
        actor=quality.extra["office"],
    )
    sheet.refresh_from_db()
    assert (revised.version, revised.previous_id, revised.current, sheet.current) == (
        2,
        sheet.pk,
        True,
        False,
    )
    assert campaign.sheet_id == sheet.pk and sheet.items.count() == 4
    assert TraceEntry.objects.filter(kind=TraceKind.QUALITY_SHEET_CHANGED).count() == 2
    with pytest.raises(ValidationError):
        services.quality_sheet_revise(
            sheet=revised,
            items=services.parse_items("a｜1"),
            excellent_from=80,
            pass_from=85,
            flaw_from=70,
            note="x",
            actor=quality.extra["office"],
        )


@pytest.mark.parametrize(
    "text",
    ["只有名称", "事实｜abc", "事实｜10｜20", "事实｜-5", "事实｜10\n事实｜5", "=HYPERLINK｜x"],
)
def test_bad_sheet_items_are_refused_with_a_reason(text):
    with pytest.raises(ValidationError):
        services.parse_items(text)


def _assigned(quality):
    campaign = _open(quality)
    services.quality_reviewers_assign(
        campaign=campaign, pool=quality.extra["reviewers"], actor=quality.extra["city_office"]
    )
    return campaign


def _items(quality):
    return {item.name: item.pk for item in quality.extra["sheet"].items.all()}


def test_scoring_totals_the_deductions_and_grades_by_the_sheet(quality):
    campaign = _assigned(quality)
    review = campaign.reviews.select_related("reviewer").first()
    items = _items(quality)
    services.quality_review_score(
        review=review,
        deductions={
            items["事实认定"]: (Decimal("10"), "证据认定不充分"),
            items["文书"]: ("2.5", "笔误"),
        },
        opinion="总体合格",
        actor=review.reviewer,
    )
    review.refresh_from_db()
    assert (review.deduction, review.score, review.grade) == (
        Decimal("12.5"),
        Decimal("87.5"),
        QualityGrade.PASS,
    )
    assert not Rectification.objects.filter(review=review).exists()
    assert (
        TraceEntry.objects.get(kind=TraceKind.QUALITY_SCORED, object_id=review.pk).case_id
        == review.case_id
    )
    with pytest.raises(ValidationError):  # once
        services.quality_review_score(
            review=review, deductions={}, opinion="x", actor=review.reviewer
        )


@pytest.mark.parametrize(
    "deductions, message",
    [
        ({"事实认定": ("15", "x")}, "只能是"),  # not one of the options
        ({"法律适用": ("31", "x")}, "0至30"),
        ({"法律适用": ("5", "")}, "理由"),
    ],
)
def test_bad_deductions_are_refused(quality, deductions, message):
    review = _assigned(quality).reviews.select_related("reviewer").first()
    items = _items(quality)
    with pytest.raises(ValidationError, match=message):
        services.quality_review_score(
            review=review,
            deductions={items[name]: value for name, value in deductions.items()},
            opinion="x",
            actor=review.reviewer,
        )


def test_a_flaw_asks_the_judge_to_rectify_who_answers_and_the_office_accepts(quality):
    campaign = _assigned(quality)
    review = (
        campaign.reviews.select_related("reviewer", "case")
        .filter(case__judge=quality.judge)
        .first()
    )
    items = _items(quality)
    services.quality_review_score(
        review=review,
        deductions={items["事实认定"]: ("20", "关键事实未查清"), items["程序"]: ("5", "送达瑕疵")},
        opinion="存在瑕疵",
        actor=review.reviewer,
    )
    review.refresh_from_db()
    assert review.grade == QualityGrade.FLAW and review.score == Decimal("75")
    item = Rectification.objects.get(review=review)
    assert item.due_on == D(2025, 6, 30) + datetime.timedelta(days=campaign.rectify_days)
    assert "关键事实未查清" in item.request
    # Only the case's judge answers.
    for who in (quality.user(Role.OFFICE), quality.user(Role.DIVISION_HEAD)):
        with pytest.raises(Refused):
            services.rectification_answer(rectification=item, answer="x", actor=who)
    colleague_user = UserFactory(
        username="colleague",
        role=Role.JUDGE,
        court=quality.court,
        division=quality.division,
        judge=quality.colleague,
    )
    with pytest.raises(Refused):
        services.rectification_answer(rectification=item, answer="x", actor=colleague_user)
    services.rectification_answer(
        rectification=item, answer="已补正", actor=quality.user(Role.JUDGE)
    )
    # Returned with a new due date, answered again, accepted.
    with pytest.raises(ValidationError):
        services.rectification_decide(
            rectification=item, accept=False, note="", actor=quality.extra["office"]
        )
    services.rectification_decide(
        rectification=item,
        accept=False,
        note="请补充材料",
        due_on=D(2025, 7, 31),
        actor=quality.extra["office"],
    )
    item.refresh_from_db()
    assert (item.state, item.due_on, item.returned) == (RectificationState.OPEN, D(2025, 7, 31), 1)
    services.rectification_answer(
        rectification=item, answer="已补充", actor=quality.user(Role.JUDGE)
    )
    with pytest.raises(Refused):
        services.rectification_decide(
            rectification=item, accept=True, note="", actor=quality.user(Role.JUDGE)
        )
    services.rectification_decide(
        rectification=item, accept=True, note="", actor=quality.extra["office"]
    )
    item.refresh_from_db()
    assert item.state == RectificationState.ACCEPTED
    kinds = list(TraceEntry.objects.filter(case=review.case).values_list("kind", flat=True))
    assert (
        kinds.count(TraceKind.RECTIFY_REQUESTED) == 2
        and kinds.count(TraceKind.RECTIFY_ANSWERED) == 3
    )


def test_only_the_assigned_reviewer_scores(quality):
    campaign = _assigned(quality)
    review = campaign.reviews.select_related("reviewer").first()
    other = next(user for user in quality.extra["reviewers"] if user.pk != review.reviewer_id)
    for who in (
        quality.extra["office"],
        other,
        quality.user(Role.JUDGE),
        quality.user(Role.PARTY_LEADERSHIP),
    ):
        with pytest.raises(Refused):
            services.quality_review_score(review=review, deductions={}, opinion="x", actor=who)
    assert QualityReview.objects.get(pk=review.pk).state == "pending"


# --- pages, API, queue, reminders, results -------------------------------------------------------


def _scored(quality):
    campaign = _assigned(quality)
    items = _items(quality)
    for n, review in enumerate(campaign.reviews.select_related("reviewer").order_by("case_id")):
        points = {
            0: {},
            1: {items["事实认定"]: ("30", "认定错误"), items["法律适用"]: ("15", "适用错误")},
        }
        services.quality_review_score(
            review=review, deductions=points.get(n, {}), opinion="意见", actor=review.reviewer
        )
    return campaign


def test_pages_of_the_office(quality, web):
    campaign = _scored(quality)
    client = web(Role.OFFICE)
    review = campaign.reviews.first()
    item = Rectification.objects.get()
    for url in (
        "/supervision/quality/",
        "/supervision/quality/new/",
        f"/supervision/quality/{campaign.pk}/",
        f"/supervision/quality/{campaign.pk}/?show=error",
        f"/supervision/quality/reviews/{review.pk}/",
        "/supervision/quality/rectifications/",
        f"/supervision/quality/rectifications/{item.pk}/",
        "/supervision/quality/sheets/",
        f"/supervision/quality/sheets/{quality.extra['sheet'].pk}/",
        f"/supervision/quality/results/?campaign={campaign.pk}",
        f"/supervision/quality/results/?campaign={campaign.pk}&grade=error",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
    response = client.get(f"/supervision/quality/results.xlsx?campaign={campaign.pk}")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["按单位", "按评查项目", "案件"]
    units = list(book["按单位"].iter_rows(min_row=3, values_only=True))
    assert sum(row[1] for row in units) == 3
    items = {row[0]: row for row in book["按评查项目"].iter_rows(min_row=3, values_only=True)}
    assert items["事实认定"][1:3] == (1, 30)


def test_a_judge_sees_the_rectification_of_their_case_not_the_campaign(quality, web):
    campaign = _scored(quality)
    client = web(Role.JUDGE)
    assert client.get(f"/supervision/quality/{campaign.pk}/").status_code == 403
    assert client.get("/supervision/quality/results/").status_code == 403
    item = Rectification.objects.get()
    expected = 200 if item.case.judge_id == quality.judge.pk else 404
    assert client.get(f"/supervision/quality/rectifications/{item.pk}/").status_code == expected


def test_the_reviewer_of_another_court_opens_and_scores_the_case_page(quality, web):
    campaign = _assigned(quality)
    review = campaign.reviews.select_related("reviewer", "case").first()
    client = web(review.reviewer)
    page = client.get(f"/supervision/quality/reviews/{review.pk}/")
    assert page.status_code == 200 and review.case.case_number in page.content.decode()
    assert client.get(f"/supervision/quality/{campaign.pk}/").status_code == 404  # not theirs
    data = {"opinion": "规范"}
    for item in quality.extra["sheet"].items.all():
        data[f"points_{item.pk}"] = "0"
        data[f"note_{item.pk}"] = ""
    assert client.post(f"/supervision/quality/reviews/{review.pk}/", data).status_code == 302
    review.refresh_from_db()
    assert review.grade == QualityGrade.EXCELLENT
    other = web(quality.user(Role.OFFICE))
    bad = other.post(f"/supervision/quality/reviews/{review.pk}/", {"opinion": ""})
    assert bad.status_code == 200  # the form again, with its error


def test_api_scores_answers_and_reads_results(quality, as_role):
    campaign = _assigned(quality)
    review = (
        campaign.reviews.select_related("reviewer", "case")
        .filter(case__judge=quality.judge)
        .first()
    )
    item = _items(quality)["事实认定"]
    api = as_role(review.reviewer)
    answer = api.post(
        f"/api/v1/supervision/quality-reviews/{review.pk}/score/",
        {
            "deductions": [
                {"item": item, "points": "30", "note": "错误"},
                {"item": _items(quality)["法律适用"], "points": "15", "note": "错误"},
            ],
            "opinion": "差错",
        },
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["grade"] == "error"
    bad = api.post(
        f"/api/v1/supervision/quality-reviews/{review.pk}/score/", {"opinion": ""}, format="json"
    )
    assert bad.status_code == 400
    rectification = Rectification.objects.get(review=review)
    judge = as_role(Role.JUDGE)
    done = judge.post(
        f"/api/v1/supervision/rectifications/{rectification.pk}/answer/",
        {"answer": "已整改"},
        format="json",
    )
    assert done.status_code == 200 and done.json()["state"] == "answered"
    office = as_role(Role.OFFICE)
    results = office.get(f"/api/v1/supervision/quality-campaigns/{campaign.pk}/results/")
    assert results.status_code == 200 and results.json()["progress"]["scored"] == 1
    assert as_role(Role.JUDGE).get("/api/v1/supervision/quality-campaigns/").status_code == 403
    created = office.post(
        "/api/v1/supervision/quality-campaigns/",
        {
            "name": "API评查",
            "court": quality.court.pk,
            "closed_from": "2025-01-01",
            "closed_to": "2025-06-30",
            "sheet": quality.extra["sheet"].pk,
            "sources": ["routine"],
            "share_percent": "5",
            "seed": 1,
        },
        format="json",
    )
    assert created.status_code == 201, created.content


def test_queue_and_reminders(quality):
    from supervision.selectors.queue import queue
    from supervision.services.reminders import SOURCES

    campaign = _assigned(quality)
    review = campaign.reviews.select_related("reviewer").filter(case__judge=quality.judge).first()
    assert "quality_review" in {item.kind for item in queue(review.reviewer)}
    items = _items(quality)
    services.quality_review_score(
        review=review,
        deductions={items["事实认定"]: ("30", "错"), items["法律适用"]: ("15", "错")},
        opinion="差错",
        actor=review.reviewer,
    )
    judge_queue = [item for item in queue(quality.user(Role.JUDGE)) if item.kind == "rectification"]
    assert len(judge_queue) == 1 and judge_queue[0].due_on == D(2025, 7, 15)
    source = SOURCES["rectification"]
    due = list(source.subjects(D(2025, 7, 15)))
    assert [subject.review_id for subject in due] == [review.pk]
    assert source.responsible(due[0]) == [quality.user(Role.JUDGE)]


def test_monthly_section_counts_the_unit(quality):
    from django.utils import timezone

    from cases.units import ScopeKey
    from supervision.selectors.quality import quality_month

    _scored(quality)
    now = timezone.localdate()  # the reviews are stamped with the real clock
    first, last = now.replace(day=1), now + datetime.timedelta(days=1)
    section = quality_month(ScopeKey.of(court=quality.court), first, last)
    assert section["scored"] == 3 and section["rectifications"]["requested"] == 1
    grades = {row["grade"]: row["count"] for row in section["grades"]}
    assert grades["error"] == 1 and grades["excellent"] == 2
    empty = quality_month(ScopeKey.of(court=quality.other_court), first, last)
    assert empty["scored"] == 0


def test_the_campaign_is_tracked_for_its_effect(quality):
    from supervision.models import EffectTrack

    campaign = _open(quality)
    track = EffectTrack.objects.get(source="quality_review", object_id=campaign.pk)
    assert sorted(track.case_ids) == _ids(campaign)


def test_sheet_thresholds_out_of_order_are_refused(quality):
    with pytest.raises(ValidationError):
        services.quality_sheet_create(
            name="x",
            court=quality.court,
            items=services.parse_items("a｜1"),
            excellent_from=80,
            pass_from=90,
            flaw_from=60,
            actor=quality.extra["office"],
        )
    assert ScoringSheet.objects.count() == 1


def test_a_health_check_finding_opens_a_campaign_on_its_cases(quality, web):
    from tests.factories import stalled_finding

    finding = stalled_finding(quality)
    office = web(Role.OFFICE)
    page = office.get(f"/reports/health/findings/{finding.pk}/").content.decode()
    assert 'id="finding-quality"' in page
    link = page.split('id="finding-quality" href="')[1].split('"')[0].replace("&amp;", "&")
    form = office.get(link).content.decode()
    assert finding.old_case.case_number in form and "专项评查" in form
    # The prefilled form opens a campaign on the finding's (pending) case.
    data = {
        "name": "体检发现案件专项评查",
        "court": quality.court.pk,
        "closed_from": "2025-01-01",
        "closed_to": "2025-06-30",
        "sheet": quality.extra["sheet"].pk,
        "sources": ["chosen"],
        "case_numbers": finding.old_case.case_number,
        "rectify_days": "15",
    }
    assert office.post("/supervision/quality/new/", data).status_code == 302
    review = QualityReview.objects.get(case=finding.old_case)
    assert review.source == QualitySource.CHOSEN
    # Whoever may not open a campaign is not offered the link.
    leader_page = web(Role.COURT_LEADER).get(f"/reports/health/findings/{finding.pk}/")
    assert 'id="finding-quality"' not in leader_page.content.decode()


def test_bad_campaign_input_is_a_chinese_error_not_a_500(quality, web, as_role):
    office = web(Role.OFFICE)
    bad = {
        "name": "x", "court": quality.court.pk, "closed_from": "2025-06-30",
        "closed_to": "2025-01-01", "sheet": quality.extra["sheet"].pk, "sources": ["routine"],
        "share_percent": "5", "rectify_days": "15",
    }  # fmt: skip
    response = office.post("/supervision/quality/new/", bad, follow=True)
    assert response.status_code == 200 and "结束日期不能早于开始日期" in response.content.decode()
    response = office.post("/supervision/quality/new/", {**bad, "share_percent": "abc"})
    assert response.status_code == 200
    api = as_role(Role.OFFICE)
    answer = api.post(
        "/api/v1/supervision/quality-campaigns/",
        {**bad, "closed_from": "2025-01-01", "closed_to": "2025-06-30", "sources": ["nonsense"]},
        format="json",
    )
    assert answer.status_code == 400
    sheet = office.post("/supervision/quality/sheets/", {"name": "x", "items": "=1+1｜abc"})
    assert sheet.status_code == 200 and ScoringSheet.objects.count() == 1
