"""督办设置: the office's settings pages — four-type suggestion rules, abnormality detection
rules, the extension approver, the ranking mode — each validated (a clear Chinese error), kept
in scope, and with the history of who changed what on the page."""

import datetime

import pytest

from cases.choices import AuditAction, Role
from cases.models import AuditEvent, RankingSetting
from cases.units import ScopeKey
from metrics.choices import RankingMode
from metrics.reading.dashboard.ranking import weekly_ranking
from metrics.selectors import ranking_mode
from supervision.choices import TraceKind
from supervision.models import DetectionRule, ExtensionApprover, FourTypeRule, TraceEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

RULE = {
    "slug": "long-pending-18",
    "name": "未结超过18个月",
    "kind": "long_pending",
    "months": "18",
    "category": "1",
    "court": "",
    "active": "on",
}


@pytest.fixture
def city_office(world):
    return UserFactory(username="city_office", role=Role.OFFICE, court=world.city)


def test_other_roles_get_403_on_the_settings_pages(world, web):
    rule = FourTypeRule.objects.first()
    detection = DetectionRule.objects.first()
    urls = [
        "/supervision/settings/",
        "/supervision/settings/rules/",
        "/supervision/settings/rules/new/",
        f"/supervision/settings/rules/{rule.pk}/",
        "/supervision/settings/detection/",
        f"/supervision/settings/detection/{detection.indicator}/",
        "/supervision/settings/approver/",
        "/reports/settings/ranking/",
    ]
    for role in (Role.JUDGE, Role.DIVISION_HEAD, Role.ANALYST, Role.PARTY_LEADERSHIP):
        client = web(role)
        for url in urls:
            assert client.get(url).status_code == 403, (role, url)
    office = web(Role.OFFICE)
    for url in urls:
        assert office.get(url).status_code == 200, url
    assert 'data-tab="settings"' in office.get("/supervision/settings/").text
    assert 'data-tab="settings"' not in web(Role.JUDGE).get("/supervision/inbox/").text


def test_a_rule_form_refuses_bad_input_with_chinese_errors(world, web):
    office = web(Role.OFFICE)
    bad = office.post(
        "/supervision/settings/rules/new/",
        {**RULE, "slug": "Long Pending", "months": "", "court": str(world.court.pk)},
    )
    assert bad.status_code == 200
    assert "标识只能包含小写字母、数字和连字符" in bad.text
    assert "长期未结规则请填写月数" in bad.text
    taken = office.post(
        "/supervision/settings/rules/new/",
        {**RULE, "slug": "long-pending-12", "court": str(world.court.pk)},
    )
    assert "标识“long-pending-12”已被使用" in taken.text
    assert not FourTypeRule.objects.filter(name=RULE["name"]).exists()


def test_a_courts_office_adds_and_changes_its_courts_rule_and_the_history_says_who(world, web):
    office = web(Role.OFFICE)
    created = office.post(
        "/supervision/settings/rules/new/", {**RULE, "court": str(world.court.pk)}
    )
    rule = FourTypeRule.objects.get(slug="long-pending-18")
    assert created.status_code == 302 and created.url == f"/supervision/settings/rules/{rule.pk}/"
    assert rule.params == {"months": 18} and rule.court == world.court
    changed = office.post(
        f"/supervision/settings/rules/{rule.pk}/",
        {**RULE, "months": "24", "court": str(world.court.pk), "auto_confirm": "on"},
    )
    assert changed.status_code == 302
    rule.refresh_from_db()
    assert rule.params == {"months": 24} and rule.auto_confirm
    events = AuditEvent.objects.filter(
        action=AuditAction.CHANGE, object_type="supervision.fourtyperule", object_id=str(rule.pk)
    ).order_by("at")
    assert [event.username for event in events] == ["office", "office"]
    assert events[1].detail["changed"] == ["auto_confirm", "params"]
    page = office.get(f"/supervision/settings/rules/{rule.pk}/").text
    assert "修改记录" in page and "months=18 → months=24" in page and "自动确认：否 → 是" in page
    listing = office.get("/supervision/settings/rules/").text
    assert "未结超过18个月" in listing and "months=18 → months=24" in listing


def test_only_the_citys_office_changes_a_city_wide_rule_and_other_courts_rules_are_out_of_reach(
    world, web, city_office
):
    city_rule = FourTypeRule.objects.get(slug="long-pending-12")  # seeded, for the whole city
    office = web(Role.OFFICE)
    page = office.get(f"/supervision/settings/rules/{city_rule.pk}/")
    assert page.status_code == 200 and 'id="rule-readonly"' in page.text
    refused = office.post(
        f"/supervision/settings/rules/{city_rule.pk}/", {**RULE, "months": "6"}, follow=True
    )
    assert "适用全市的规则由中院审管办管理" in refused.text
    city_rule.refresh_from_db()
    assert city_rule.params == {"months": 12}
    created = office.post("/supervision/settings/rules/new/", RULE, follow=True)
    assert "适用全市的规则由中院审管办管理" in created.text
    assert not FourTypeRule.objects.filter(slug="long-pending-18").exists()

    other = FourTypeRule.objects.create(
        slug="other-court", name="他院规则", kind="remanded_return", court=world.other_court
    )
    assert office.get(f"/supervision/settings/rules/{other.pk}/").status_code == 404
    assert "他院规则" not in office.get("/supervision/settings/rules/").text

    city = web(city_office)
    done = city.post(f"/supervision/settings/rules/{city_rule.pk}/", {**RULE, "months": "6"})
    assert done.status_code == 302
    city_rule.refresh_from_db()
    assert city_rule.params == {"months": 6}


def test_detection_rules_are_the_citys_offices_with_validation_and_history(world, web, city_office):
    rule = DetectionRule.objects.order_by("indicator").first()
    url = f"/supervision/settings/detection/{rule.indicator}/"
    office = web(Role.OFFICE)
    assert 'id="detection-form"' not in office.get(url).text
    assert (
        office.post(url, {"enabled": "on", "min_denominator": "5", "repeat_days": "7"}).status_code
        == 403
    )
    city = web(city_office)
    bad = city.post(url, {"fall_threshold": "-1", "min_denominator": "x", "repeat_days": "400"})
    assert bad.status_code == 200
    assert "确保该值大于或等于0.0001" in bad.text and "输入一个数字" in bad.text
    assert "确保该值小于或等于365" in bad.text
    saved = city.post(
        url,
        {"enabled": "on", "fall_threshold": "2.5", "min_denominator": "30", "repeat_days": "14"},
    )
    assert saved.status_code == 302
    rule.refresh_from_db()
    assert rule.fall_threshold == 2.5 and rule.min_denominator == 30 and not rule.check_warning
    page = office.get("/supervision/settings/detection/").text
    assert "city_office" in page and "分母至少：" in page and "→ 30" in page


def test_a_court_leader_designates_the_approver_on_the_page_and_the_history_shows_it(world, web):
    leader = web(Role.COURT_LEADER)
    page = leader.get("/supervision/settings/approver/").text
    assert 'id="approver-form"' in page
    judge_user = world.user(Role.JUDGE)
    ineligible = leader.post(
        "/supervision/settings/approver/",
        {"court": world.court.pk, "user": judge_user.pk},
        follow=True,
    )
    assert "审批人应为本院可查看全院案件的人员" in ineligible.text
    office_user = world.user(Role.OFFICE)
    done = leader.post(
        "/supervision/settings/approver/", {"court": world.court.pk, "user": office_user.pk}
    )
    assert done.status_code == 302
    assert ExtensionApprover.objects.get(court=world.court).user == office_user
    assert TraceEntry.objects.filter(kind=TraceKind.APPROVER_DESIGNATED).count() == 1
    office = web(Role.OFFICE)
    seen = office.get("/supervision/settings/approver/").text
    assert 'id="approver-form"' not in seen and "court_leader" in seen
    assert (
        office.post(
            "/supervision/settings/approver/", {"court": world.court.pk, "user": office_user.pk}
        ).status_code
        == 403
    )
    # A court out of reach is not a choice.
    other = leader.post(
        "/supervision/settings/approver/", {"court": world.other_court.pk, "user": office_user.pk}
    )
    assert other.status_code == 200 and "选择一个有效的选项" in other.text


def test_the_ranking_reads_the_mode_the_citys_office_set(world, web, city_office, settings):
    settings.COURTDASH_RANKING_MODE = "ranks"
    assert ranking_mode() is RankingMode.RANKS
    assert web(Role.OFFICE).post("/reports/settings/ranking/", {"mode": "bands"}).status_code == 403
    city = web(city_office)
    bad = city.post("/reports/settings/ranking/", {"mode": "stars"})
    assert bad.status_code == 200 and "选择一个有效的选项" in bad.text
    done = city.post("/reports/settings/ranking/", {"mode": "bands", "note": "按最高法要求"})
    assert done.status_code == 302
    assert ranking_mode() is RankingMode.BANDS
    ranking = weekly_ranking(parent=ScopeKey.city(), as_of=datetime.date(2025, 6, 30))
    assert ranking["ranks"] is False
    setting = RankingSetting.objects.get()
    assert setting.changed_by == city_office
    page = city.get("/reports/settings/ranking/").text
    assert "按最高法要求" in page and "区间（不公布名次）" in page
    # The setting is only the default: the office's choice holds over it.
    settings.COURTDASH_RANKING_MODE = "ranks"
    assert ranking_mode() is RankingMode.BANDS
