"""The office acts where it sees the problem: a notice or an inquiry prefilled from an
abnormality, a long-pending case, an overdue case (and from a finding or a ranking row:
tests/reports/test_health_actions.py); a hand-written inquiry and a referral's result in the
browser, not only in the API. Every query parameter is untrusted: checked, never a 500."""

import datetime
import html
import re

import pytest

from cases.choices import Role
from metrics.choices import Scope
from metrics.models import IndicatorValue
from supervision import services
from supervision.choices import LetterState, TraceKind
from supervision.models import Inquiry, Notification, TraceEntry
from supervision.services import abnormalities_detect

pytestmark = pytest.mark.django_db

D = datetime.date
INQUIRY = {
    "indicator": "within_limit_rate",
    "period": "2025年1—6月",
    "as_of": "2025-06-29",
    "value": "94",
    "reference": "预警线 95.00%",
    "title": "关于法定审限内结案率偏低的函询",
    "body": "请分析原因并提出整改措施。",
    "deadline": "2025-07-10",
}


def _links(page: str, attribute: str) -> list[str]:
    return [html.unescape(href) for href in re.findall(rf'href="([^"]+)" {attribute}', page)]


def test_only_who_may_send_opens_the_inquiry_form(world, web):
    for role in (Role.JUDGE, Role.DIVISION_HEAD, Role.ANALYST, Role.COURT_LEADER, Role.INSPECTOR):
        assert web(role).get("/supervision/inquiries/new/").status_code == 403, role
    assert web(Role.OFFICE).get("/supervision/inquiries/new/").status_code == 200


def test_a_hand_written_inquiry_is_validated_then_sent_to_the_division(world, web):
    office = web(Role.OFFICE)
    empty = office.post("/supervision/inquiries/new/", {"division": world.division.pk})
    assert empty.status_code == 200 and "该字段是必填项" in empty.text
    late = office.post(
        "/supervision/inquiries/new/",
        {**INQUIRY, "division": world.division.pk, "deadline": "2025-06-01"},
    )
    assert late.status_code == 200 and "答复期限不能早于今天" in late.text
    foreign = world.other_court_case.division
    outside = office.post("/supervision/inquiries/new/", {**INQUIRY, "division": foreign.pk})
    assert "选择一个有效的选项" in outside.text
    assert not Inquiry.objects.exists()

    sent = office.post("/supervision/inquiries/new/", {**INQUIRY, "division": world.division.pk})
    inquiry = Inquiry.objects.get()
    assert sent.status_code == 302 and sent.url == f"/supervision/inquiries/{inquiry.pk}/"
    assert inquiry.state == LetterState.SENT and inquiry.division == world.division
    assert inquiry.indicator_label == "法定审限内结案率" and inquiry.value == 94
    assert TraceEntry.objects.filter(kind=TraceKind.INQUIRY_SENT, inquiry=inquiry).exists()
    analyst = world.user(Role.ANALYST)
    assert Notification.objects.filter(recipient=analyst, title__contains=inquiry.title).exists()


def test_bad_prefill_parameters_are_named_above_the_form_never_a_500(world, web):
    office = web(Role.OFFICE)
    queries = {
        "division=abc": "单位参数无效",
        "court=苏9999": "找不到链接所指的单位",
        f"division={world.other_court_case.division_id}": "不在您的管辖范围内",
        f"case={world.other_court_case.pk}&case=999999": "部分案件不存在或不在您的管辖范围内",
        "case=x1": "案件参数无效",
        "indicator=bogus": "未知的指标",
        "as_of=2025-13-01": "统计截止日期无效",
        "value=nan": "指标值无效",
    }
    for url in ("/supervision/inquiries/new/", "/supervision/notices/new/"):
        for query, error in queries.items():
            page = office.get(f"{url}?{query}")
            assert page.status_code == 200, (url, query)
            assert 'id="prefill-errors"' in page.text and error in page.text, (url, query)
    page = office.get(
        f"/supervision/notices/new/?case={world.other_court_case.pk}&back=https://evil.example/"
    )
    assert world.other_court_case.case_number not in page.text
    assert 'href="https://evil.example/"' not in page.text and "返回来源页面" not in page.text


def test_from_an_overdue_case_the_notice_names_the_case_its_judge_and_how_late_it_is(world, web):
    late = world.new_case(filed_on=D(2024, 6, 1))
    assert late.deadline < D(2025, 6, 30)
    page = web(Role.OFFICE).get("/supervision/overdue/").text
    [url] = [link for link in _links(page, "data-case-notice") if f"case={late.pk}" in link]
    form = web(Role.OFFICE).get(url)
    initial = form.context["form"].initial
    assert initial["case_numbers"] == late.case_number and initial["judge"] == world.judge.pk
    assert "超审限" in initial["body"] and late.case_number in initial["title"]
    assert "overdue-notice" in page  # and the whole page's cases at once
    assert "data-case-notice" not in web(Role.DIVISION_HEAD).get("/supervision/overdue/").text


def test_from_the_long_pending_list_the_notice_carries_the_units_cases(world, web):
    old = [world.new_case(filed_on=D(2023, 1, day)) for day in (2, 3)]
    office = web(Role.OFFICE)
    page = office.get(f"/supervision/long-pending/?division={world.division.pk}").text
    url = html.unescape(re.search(r'id="long-pending-notice" href="([^"]+)"', page).group(1))
    assert f"division={world.division.pk}" in url
    form = office.get(url)
    initial = form.context["form"].initial
    assert set(initial["case_numbers"].splitlines()) == {case.case_number for case in old}
    assert initial["division"] == world.division.pk
    assert "长期未结" in initial["title"] and "预计结案时间" in initial["body"]
    sent = office.post(
        "/supervision/notices/new/",
        {**initial, "deadline": "2025-07-15", "judge": ""},
    )
    assert sent.status_code == 302
    inquiry_url = html.unescape(
        re.search(r'id="long-pending-inquiry" href="([^"]+)"', page).group(1)
    )
    inquiry = office.get(inquiry_url).context["form"].initial
    assert inquiry["division"] == world.division.pk
    assert all(case.case_number in inquiry["body"] for case in old)
    assert (
        "long-pending-notice" not in web(Role.COURT_LEADER).get("/supervision/long-pending/").text
    )


def test_from_an_abnormality_the_notice_carries_its_division_and_evidence(world, web):
    IndicatorValue.objects.create(
        as_of=D(2025, 6, 29), period="ytd", scope=Scope.DIVISION, court=world.court,
        division=world.division, indicator="within_limit_rate", numerator=94, denominator=100,
        value=94.0,
    )  # fmt: skip
    abnormalities_detect(as_of=D(2025, 6, 29))
    office = web(Role.OFFICE)
    page = office.get("/supervision/abnormalities/").text
    [url] = _links(page, 'data-action="notice"')
    initial = office.get(url).context["form"].initial
    assert initial["division"] == world.division.pk
    assert "已触及预警线" in initial["body"] and "94.00%" in initial["body"]
    # A discarded one: another inquiry can still be sent, with the numbers.
    draft = Inquiry.objects.get(state=LetterState.DRAFT)
    services.abnormality_discard(inquiry=draft, reason="已专项整改", actor=world.user(Role.OFFICE))
    page = office.get("/supervision/abnormalities/?tab=discarded").text
    [url] = _links(page, 'data-action="inquiry"')
    initial = office.get(url).context["form"].initial
    assert initial["indicator"] == "within_limit_rate" and float(initial["value"]) == 94.0
    assert initial["as_of"] == D(2025, 6, 29)


def test_a_referrals_result_is_recorded_on_its_page(world, web):
    leader = world.user(Role.COURT_LEADER)
    referral = services.referral_create(
        case=world.case, body="adjudication_committee", question="法律适用分歧", actor=leader
    )
    case_page = web(Role.COURT_LEADER).get(f"/supervision/cases/{world.case.pk}/").text
    assert f"/supervision/referrals/{referral.pk}/" in case_page
    url = f"/supervision/referrals/{referral.pk}/"
    refused = web(Role.JUDGE).post(
        url, {"result": "维持", "discussed_on": "2025-06-20"}, follow=True
    )
    assert "您的角色（承办法官）不能登记讨论结果" in refused.text
    office = web(Role.OFFICE)
    bad = office.post(url, {"result": "", "discussed_on": "2025-06-31"})
    assert (
        bad.status_code == 200 and "该字段是必填项" in bad.text and "输入一个有效的日期" in bad.text
    )
    future = office.post(url, {"result": "维持原判", "discussed_on": "2025-07-20"}, follow=True)
    assert "讨论日期不能晚于今天" in future.text
    done = office.post(url, {"result": "维持原判", "discussed_on": "2025-06-20"})
    assert done.status_code == 302
    referral.refresh_from_db()
    assert referral.result == "维持原判" and referral.result_by == world.user(Role.OFFICE)
    assert TraceEntry.objects.filter(kind=TraceKind.REFERRAL_RESULT).count() == 1
    page = office.get(url).text
    assert 'id="result-form"' not in page and "维持原判" in page
    other = world.other_court_case
    foreign = services.referral_create(
        case=other, body="adjudication_committee", question="他院", actor=_leader_of(other)
    )
    assert office.get(f"/supervision/referrals/{foreign.pk}/").status_code == 404


def _leader_of(case):
    from tests.factories import UserFactory

    return UserFactory(role=Role.COURT_LEADER, court=case.court)
