"""The supervision work pages: abnormality drafts (研判 → 异常函询), long-pending by age bucket
with the outlook, overdue cases, clearance campaigns, reversal reviews and their quarterly
report, joint inspections, the trail; the supervision tabs and the case page's timeline.
Today is 2025-06-30 (tests/conftest.py)."""

from __future__ import annotations

import datetime
import html
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from cases.choices import Role
from cases.models import CaseInspector
from metrics.choices import Scope
from metrics.models import IndicatorValue
from supervision import services
from supervision.choices import LetterState, ReviewState, TraceKind
from supervision.models import (
    CampaignCase,
    ClearanceCampaign,
    Inquiry,
    JointInspection,
    ReversalReview,
    TraceEntry,
)
from tests.factories import CaseFactory, DivisionFactory, JudgeFactory, UserFactory

D = datetime.date
AS_OF = D(2025, 6, 29)


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


# 研判 → 异常函询


@pytest.fixture
def draft(world):
    for as_of, value in ((AS_OF - datetime.timedelta(days=7), 96.0), (AS_OF, 94.0)):
        IndicatorValue.objects.create(
            as_of=as_of,
            period="ytd",
            scope=Scope.DIVISION,
            court=world.court,
            division=world.division,
            indicator="within_limit_rate",
            numerator=Decimal(value),
            denominator=100,
            value=value,
        )
    services.abnormalities_detect(as_of=AS_OF)
    return Inquiry.objects.get(state=LetterState.DRAFT)


def test_the_office_sees_each_draft_with_its_evidence(world, web, draft):
    page = text(web(Role.OFFICE).get("/supervision/abnormalities/"))
    assert draft.title in page and f'data-inquiry="{draft.pk}"' in page
    for shown in ("94.00%", "95.00%", "96.00%", "触及预警线", "-2.00 个百分点"):
        assert shown in page
    drill = f"/metrics/within_limit_rate/drill/?court={world.court.pk}&amp;period=ytd"
    assert drill in page and f"division={world.division.pk}" in page


def test_the_office_sends_a_draft_from_the_page(world, web, draft):
    office = web(Role.OFFICE)
    answer = office.post(
        "/supervision/abnormalities/",
        {
            "inquiry": draft.pk,
            "action": "send",
            "division": world.other_division.pk,
            "deadline": "2025-07-20",
        },
        follow=True,
    )
    assert "异常函询已发送" in text(answer)
    draft.refresh_from_db()
    assert draft.state == LetterState.SENT and draft.division == world.other_division
    assert draft.deadline == D(2025, 7, 20)
    sent = text(office.get("/supervision/abnormalities/?tab=sent"))
    assert draft.title in sent and "没有待审核的研判草稿" in text(
        office.get("/supervision/abnormalities/")
    )


def test_the_office_discards_a_draft_from_the_page_with_a_reason(world, web, draft):
    office = web(Role.OFFICE)
    empty = office.post(
        "/supervision/abnormalities/", {"inquiry": draft.pk, "action": "discard", "reason": ""}
    )
    assert empty.status_code == 302 and Inquiry.objects.filter(pk=draft.pk).exists()
    office.post(
        "/supervision/abnormalities/",
        {"inquiry": draft.pk, "action": "discard", "reason": "数据口径调整所致"},
    )
    assert not Inquiry.objects.filter(pk=draft.pk).exists()
    assert "数据口径调整所致" in text(office.get("/supervision/abnormalities/?tab=discarded"))


@pytest.mark.parametrize(
    "role", [Role.JUDGE, Role.DIVISION_HEAD, Role.ANALYST, Role.COURT_LEADER, Role.INSPECTOR]
)
def test_only_the_office_opens_the_drafts(world, web, draft, role):
    assert web(role).get("/supervision/abnormalities/").status_code == 403
    post = web(role).post(
        "/supervision/abnormalities/", {"inquiry": draft.pk, "action": "discard", "reason": "x"}
    )
    assert post.status_code == 403 and Inquiry.objects.filter(pk=draft.pk).exists()


def test_another_courts_office_cannot_reach_the_draft(world, web, draft):
    stranger = UserFactory(role=Role.OFFICE, court=world.other_court)
    assert draft.title not in text(web(stranger).get("/supervision/abnormalities/"))
    answer = web(stranger).post(
        "/supervision/abnormalities/", {"inquiry": draft.pk, "action": "send"}
    )
    assert answer.status_code == 404


def test_the_drafts_page_queries_are_bounded(world, web, django_assert_max_num_queries):
    division_names = ["民三庭", "民四庭", "刑一庭", "刑二庭", "行政庭", "执行局"]
    for name in division_names:
        division = DivisionFactory(court=world.court, name=name)
        IndicatorValue.objects.create(
            as_of=AS_OF,
            period="ytd",
            scope=Scope.DIVISION,
            court=world.court,
            division=division,
            indicator="avg_trial_days",
            numerator=9500,
            denominator=100,
            value=95.0,
        )
    services.abnormalities_detect(as_of=AS_OF)
    office = web(Role.OFFICE)
    office.get("/supervision/abnormalities/")
    with django_assert_max_num_queries(14):
        page = text(office.get("/supervision/abnormalities/"))
    assert page.count("data-inquiry=") == len(division_names)


# Long-pending, outlook, overdue


@pytest.fixture
def aged(world):
    filed = {
        "13m": D(2024, 5, 20),
        "20m": D(2023, 10, 15),
        "30m": D(2022, 12, 20),
        "40m": D(2022, 2, 10),
        "soon12": D(2024, 7, 15),  # passes 12 months on 2025-07-16: within 30 days
        "young": D(2025, 1, 5),
    }
    return {name: world.new_case(filed_on=day) for name, day in filed.items()}


def test_long_pending_page_counts_buckets_and_lists_their_cases(world, web, aged):
    office = web(Role.OFFICE)
    page = text(office.get("/supervision/long-pending/"))
    assert re.search(r'id="long-pending-total">4<', page)
    for name in ("13m", "20m", "30m", "40m"):
        assert aged[name].case_number in page
    for name in ("soon12", "young"):
        assert aged[name].case_number not in page
    bucket = text(office.get("/supervision/long-pending/?bucket=24_36"))
    assert aged["30m"].case_number in bucket and aged["40m"].case_number not in bucket


def test_the_outlook_says_what_happens_if_nothing_is_done(world, web, aged):
    office = web(Role.OFFICE)
    page = text(office.get("/supervision/long-pending/"))
    cell = re.search(r'data-outlook="12_30"[^>]*>(\d+)<', page)
    assert cell.group(1) == "1"
    listed = text(office.get("/supervision/long-pending/?outlook=12_30"))
    assert aged["soon12"].case_number in listed and "2025-07-15" in listed
    assert aged["13m"].case_number not in listed


def test_long_pending_per_unit_breaks_down_and_stays_in_reach(world, web, aged):
    office = web(Role.OFFICE)
    court = text(office.get(f"/supervision/long-pending/?court={world.court.pk}"))
    assert f"division={world.division.pk}" in court and 'id="start-campaign"' in court
    head = web(Role.DIVISION_HEAD)
    own = text(head.get(f"/supervision/long-pending/?division={world.division.pk}"))
    assert aged["13m"].case_number in own and 'id="start-campaign"' not in own
    assert head.get(f"/supervision/long-pending/?court={world.court.pk}").status_code == 404
    assert (
        head.get(f"/supervision/long-pending/?division={world.other_division.pk}").status_code
        == 404
    )
    assert office.get("/supervision/long-pending/?division=x").status_code == 404


def test_long_pending_page_with_none_says_so_in_its_breakdown_and_list(world, web):
    world.new_case(filed_on=D(2025, 1, 5))  # pending, young
    page = text(web(Role.OFFICE).get(f"/supervision/long-pending/?court={world.court.pk}"))
    assert re.search(r'id="long-pending-total">0<', page)
    assert '<td colspan="6" class="empty">没有长期未结案件</td>' in page  # the breakdown
    assert '<td colspan="7" class="empty">没有符合条件的案件。</td>' in page  # the list


def test_long_pending_list_is_paginated(world, web):
    for _n in range(55):
        world.new_case(filed_on=D(2024, 1, 10))
    office = web(Role.OFFICE)
    first = text(office.get("/supervision/long-pending/"))
    assert first.count('class="case-number"') == 50 and "共 55 条" in first
    # Keyset pages (cases.keyset): the next page is the rows after the last one shown.
    following = html.unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))
    second = text(office.get(f"/supervision/long-pending/{following}"))
    assert second.count('class="case-number"') == 5 and 'rel="next"' not in second


def test_overdue_page_lists_cases_past_their_deadline(world, web):
    late = world.new_case(filed_on=D(2024, 11, 1))  # 6 months: due 2025-05-01
    on_time = world.new_case(filed_on=D(2025, 3, 1))
    page = text(web(Role.OFFICE).get("/supervision/overdue/"))
    assert late.case_number in page and on_time.case_number not in page
    assert re.search(r'id="overdue-total">1<', page) and "60 日" in page
    judge = text(web(Role.JUDGE).get("/supervision/overdue/"))
    assert late.case_number in judge


# Clearance campaigns


def test_the_office_starts_a_campaign_from_a_units_long_pending_list(world, web, aged):
    office = web(Role.OFFICE)
    form = text(office.get(f"/supervision/campaigns/new/?court={world.court.pk}"))
    assert "长期未结案件清理攻坚" in form and 'id="preview"' in form
    answer = office.post(
        f"/supervision/campaigns/new/?court={world.court.pk}",
        {
            "name": "苏0505清理攻坚",
            "court": world.court.pk,
            "division": "",
            "min_months": 12,
            "target_on": "2025-09-30",
            "note": "",
        },
    )
    campaign = ClearanceCampaign.objects.get()
    assert answer["Location"] == f"/supervision/campaigns/{campaign.pk}/"
    assert campaign.entries.count() == 4
    page = text(office.get(answer["Location"]))
    assert "剩余 4 件" in page and aged["40m"].case_number in page
    assert "苏0505清理攻坚" in text(office.get("/supervision/campaigns/"))


def test_a_leader_and_target_date_are_set_per_case_and_progress_goes_to_zero(world, web, aged):
    campaign = services.campaign_start(
        name="清理", court=world.court, target_on=D(2025, 9, 30), actor=world.user(Role.OFFICE)
    )
    entry = CampaignCase.objects.get(campaign=campaign, case=aged["40m"])
    leader = world.user(Role.COURT_LEADER)
    url = f"/supervision/campaigns/{campaign.pk}/"
    web(Role.OFFICE).post(url, {"entry": entry.pk, "leader": leader.pk, "target_on": "2025-08-31"})
    entry.refresh_from_db()
    assert entry.leader == leader and entry.target_on == D(2025, 8, 31)
    refused = web(Role.JUDGE).post(
        url, {"entry": entry.pk, "leader": leader.pk, "target_on": "2025-07-31"}, follow=True
    )
    assert "不能管理长期未结清理攻坚" in text(refused)
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=world.user(Role.JUDGE))
    for name in ("13m", "20m", "30m"):
        aged[name].closed_on = D(2025, 6, 20)
        aged[name].save()
    page = text(web(Role.OFFICE).get(url))
    assert "剩余 1 件" in page and "已结 3 / 4（75%）" in page
    remaining = text(web(Role.OFFICE).get(url + "?show=remaining"))
    assert aged["40m"].case_number in remaining and aged["13m"].case_number not in remaining


def test_a_judge_sees_only_their_part_of_a_court_campaign(world, web, aged):
    colleague_case = world.new_case(judge=world.colleague, filed_on=D(2023, 1, 5))
    campaign = services.campaign_start(
        name="清理", court=world.court, target_on=D(2025, 9, 30), actor=world.user(Role.OFFICE)
    )
    judge = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    page = text(web(judge).get(f"/supervision/campaigns/{campaign.pk}/"))
    assert colleague_case.case_number in page and aged["40m"].case_number not in page
    assert "剩余 1 件" in page


# Reversal reviews


@pytest.fixture
def review(world):
    case = CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 3, 1),
        closed_on=D(2024, 8, 1),
        closing_method="judgment",
        appeal_outcome="modified",
        appeal_decided_on=D(2025, 5, 10),
    )
    services.reviews_open_missing()
    return ReversalReview.objects.get(case=case)


def test_review_recorded_objected_and_answered_through_the_page(world, web, review):
    url = f"/supervision/reviews/{review.pk}/"
    office, judge = web(Role.OFFICE), web(Role.JUDGE)
    assert 'id="record-form"' in text(office.get(url))
    office.post(
        url,
        {
            "action": "record",
            "reason_class": "application_of_law",
            "is_error": "1",
            "severity": "ordinary",
            "opinion": "法律适用错误",
        },
    )
    page = text(judge.get(url))
    assert 'id="object-form"' in page and 'id="record-form"' not in page
    judge.post(url, {"action": "object", "objection": "二审采纳了新证据"})
    office.post(
        url, {"action": "answer", "answer": "改为无差错", "is_error": "0", "severity": "none"}
    )
    review.refresh_from_db()
    assert review.state == ReviewState.ANSWERED and review.is_error is False
    trail = text(office.get(url))
    for step in ("评查意见", "原审法官异议", "异议答复"):
        assert step in trail


def test_a_judge_cannot_record_a_review_and_the_attempt_is_recorded(world, web, review):
    answer = web(Role.JUDGE).post(
        f"/supervision/reviews/{review.pk}/",
        {
            "action": "record",
            "reason_class": "procedure",
            "is_error": "0",
            "severity": "none",
            "opinion": "无",
        },
        follow=True,
    )
    assert "不能发改再评查" in text(answer)
    review.refresh_from_db()
    assert review.state == ReviewState.PENDING


def test_reviews_list_filters_and_the_colleague_does_not_see_them(world, web, review):
    office = web(Role.OFFICE)
    assert review.case.case_number in text(office.get("/supervision/reviews/?state=pending"))
    assert review.case.case_number not in text(office.get("/supervision/reviews/?state=answered"))
    colleague = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    assert review.case.case_number not in text(web(colleague).get("/supervision/reviews/"))
    assert web(colleague).get(f"/supervision/reviews/{review.pk}/").status_code == 404


def test_the_office_opens_the_missing_reviews_from_the_list(world, web):
    CaseFactory(
        judge=world.judge,
        filed_on=D(2024, 3, 1),
        closed_on=D(2024, 8, 1),
        closing_method="judgment",
        appeal_outcome="remanded",
        appeal_decided_on=D(2025, 5, 10),
    )
    answer = web(Role.OFFICE).post("/supervision/reviews/open/", follow=True)
    assert "已为1件尚无评查的改判、发回案件立项" in text(answer)


def test_quarterly_report_page_and_xlsx_per_division_and_judge(world, web, review):
    office = web(Role.OFFICE)
    page = text(office.get("/supervision/reviews/report/?year=2025&quarter=2"))
    assert "2025年第2季度发改再评查情况" in page and world.division.name in page
    by_judge = text(office.get("/supervision/reviews/report/?year=2025&quarter=2&by=judge"))
    assert world.judge.name in by_judge
    assert "本季度没有" in text(office.get("/supervision/reviews/report/?year=2025&quarter=1"))
    assert office.get("/supervision/reviews/report/?quarter=5").status_code == 404
    export = office.get("/supervision/reviews/report.xlsx?year=2025&quarter=2&by=judge")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A1"].value == "2025年第2季度发改再评查情况"
    assert [sheet["A3"].value, sheet["C3"].value, sheet["D3"].value] == [
        world.court.code,
        world.judge.name,
        1,
    ]


# Joint inspections and the trail


def test_an_inspector_requests_a_joint_inspection_and_is_joined_once_approved(world, web):
    inspector = web(Role.INSPECTOR)
    assert 'id="inspection-form"' in text(inspector.get("/supervision/inspections/new/"))
    answer = inspector.post(
        "/supervision/inspections/new/",
        {
            "court": world.court.pk,
            "title": "第二季度联合督查",
            "inspected_on": "2025-06-20",
            "findings": "财产查控不及时",
            "case_numbers": world.case.case_number,
            "participants": [world.user(Role.OFFICE).pk],
        },
    )
    inspection = JointInspection.objects.get()
    assert answer["Location"] == f"/supervision/inspections/{inspection.pk}/"
    joined = CaseInspector.objects.filter(case=world.case, user=world.user(Role.INSPECTOR))
    assert not joined.exists()  # a request until the office approves it
    assert "财产查控不及时" in text(
        inspector.get("/supervision/trail/?kind=joint_inspection_requested")
    )
    web(Role.OFFICE).post(answer["Location"], {"action": "approve", "note": ""})
    assert joined.exists()
    page = text(inspector.get(answer["Location"]))
    assert world.case.case_number in page and "财产查控不及时" in page
    assert "第二季度联合督查" in text(inspector.get("/supervision/inspections/"))
    assert "财产查控不及时" in text(
        inspector.get("/supervision/trail/?kind=joint_inspection_approved")
    )


def test_an_unknown_case_number_is_refused_by_the_inspection_form(world, web):
    answer = web(Role.INSPECTOR).post(
        "/supervision/inspections/new/",
        {
            "court": world.court.pk,
            "title": "督查",
            "inspected_on": "2025-06-20",
            "findings": "无",
            "case_numbers": world.other_court_case.case_number,
        },
    )
    assert "找不到这些案件" in text(answer) and not JointInspection.objects.exists()


@pytest.mark.parametrize("role", [Role.JUDGE, Role.ANALYST])
def test_only_inspectors_and_the_office_record_joint_inspections(world, web, role):
    web(role).post(
        "/supervision/inspections/new/",
        {
            "court": world.court.pk,
            "title": "督查",
            "inspected_on": "2025-06-20",
            "findings": "无",
        },
    )
    assert not JointInspection.objects.exists()
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED, actor=world.user(role)).exists()


def test_the_trail_page_shows_the_court_and_nothing_of_another(world, web):
    services.notice_issue(
        cases=[world.case],
        judge=world.judge,
        title="督办",
        body="请说明",
        deadline=D(2025, 7, 10),
        actor=world.user(Role.OFFICE),
    )
    foreign = JudgeFactory(division=DivisionFactory(court=world.other_court, name="民二庭"))
    stranger_office = UserFactory(role=Role.OFFICE, court=world.other_court)
    services.notice_issue(
        cases=[CaseFactory(judge=foreign)],
        judge=foreign,
        title="他院督办",
        body="请说明",
        deadline=D(2025, 7, 10),
        actor=stranger_office,
    )
    page = text(web(Role.INSPECTOR).get("/supervision/trail/"))
    assert "发出督办通知" in page and "请说明" in page
    assert page.count('<span class="tag">发出督办通知</span>') == 1


# Tabs, navigation, the case page


def test_supervision_tabs_follow_the_role(world, web):
    judge = text(web(Role.JUDGE).get("/supervision/inbox/"))
    office = text(web(Role.OFFICE).get("/supervision/inbox/"))
    inspector = text(web(Role.INSPECTOR).get("/supervision/inbox/"))
    for tab in ("inbox", "long_pending", "overdue", "campaigns", "reviews"):
        assert f'data-tab="{tab}"' in judge
    for tab in ("abnormalities", "ledger", "inspections", "trail"):
        assert f'data-tab="{tab}"' not in judge
    assert 'data-tab="abnormalities"' in office and 'data-tab="inspections"' in office
    assert 'data-tab="inspections"' in inspector and 'data-tab="abnormalities"' not in inspector


@pytest.mark.parametrize("role", list(Role))
def test_every_role_finds_supervision_in_the_main_navigation(world, web, role):
    page = text(web(role).get("/cases/"))
    assert 'href="/supervision/inbox/"' in page and ">督办</a>" in page


def test_the_case_page_shows_the_supervision_timeline_and_links_to_it(world, web):
    mark = {"action": "mark", "category": 1, "reason": "新类型"}
    web(Role.DIVISION_HEAD).post(f"/supervision/cases/{world.case.pk}/", mark)
    page = text(web(Role.JUDGE).get(f"/cases/{world.case.pk}/"))
    assert f'href="/supervision/cases/{world.case.pk}/"' in page
    assert 'id="supervision-timeline"' in page and 'data-kind="marked"' in page


@pytest.mark.parametrize(
    ("url", "bound"),
    [
        ("/supervision/long-pending/", 14),
        ("/supervision/long-pending/?outlook=12_90", 14),
        ("/supervision/overdue/", 14),
        ("/supervision/campaigns/", 10),
        ("/supervision/campaigns/{campaign}/", 14),
        ("/supervision/reviews/", 10),
        ("/supervision/reviews/report/?year=2025&quarter=2&by=judge", 10),
        ("/supervision/inspections/", 10),
        ("/supervision/trail/", 10),
    ],
)
def test_work_pages_queries_do_not_grow_with_their_rows(
    world, web, django_assert_max_num_queries, url, bound
):
    judges = [world.judge, world.colleague]
    for n in range(30):
        judge = judges[n % 2]
        world.new_case(judge=judge, filed_on=D(2022, 1, 1) + datetime.timedelta(days=20 * n))
        CaseFactory(
            judge=judge,
            filed_on=D(2024, 3, 1),
            closed_on=D(2024, 8, 1),
            closing_method="judgment",
            appeal_outcome="modified",
            appeal_decided_on=D(2025, 4, 1) + datetime.timedelta(days=n),
        )
    office_user = world.user(Role.OFFICE)
    services.reviews_open_missing()
    campaign = services.campaign_start(
        name="清理", court=world.court, target_on=D(2025, 9, 30), actor=office_user
    )
    for entry in CampaignCase.objects.filter(campaign=campaign)[:10]:
        services.campaign_case_assign(
            entry=entry,
            leader=world.user(Role.COURT_LEADER),
            target_on=D(2025, 8, 31),
            actor=office_user,
        )
    for n in range(5):
        services.joint_inspection_record(
            court=world.court,
            title=f"督查{n}",
            inspected_on=D(2025, 6, 1),
            findings="发现",
            actor=world.user(Role.INSPECTOR),
            cases=[world.case],
        )
    office = web(Role.OFFICE)
    url = url.format(campaign=campaign.pk)
    office.get(url)
    with django_assert_max_num_queries(bound):
        text(office.get(url))


def test_the_supervision_area_opens_on_the_inbox(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="Courtdash-Test-2026")
    client.force_login(user)
    response = client.get("/supervision/")
    assert response.status_code == 302 and response.url == "/supervision/inbox/"
