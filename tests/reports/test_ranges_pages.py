"""The reference ranges pages (区间参考值, issue 14): every dashboard reader reads the ranges in
force and their history; the city's office enters them; a demo range says it is one."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from cases.choices import AuditAction, CourtLevel, Role
from cases.models import AuditEvent
from metrics.models import ReferenceRange
from metrics.services import reference_range_set

pytestmark = pytest.mark.django_db

LIST = reverse("reports:ranges")
EDIT = reverse("reports:ranges_edit")
DEMO_WORDS = "演示数值，非最高人民法院发布的区间参考值"
FORM = {
    "indicator": "appeal_rate",
    "court_level": "basic",
    "lower": "",
    "upper": "30",
    "effective_from": "2025-01-01",
    "note": "依据某文件",
}


@pytest.fixture
def city_office(city_user):
    return city_user(Role.OFFICE, "苏05")


def test_the_citys_office_enters_a_range_and_sees_it_in_force(client, city_office):
    client.force_login(city_office)
    form = client.get(EDIT, {"indicator": "appeal_rate", "court_level": "basic"})
    assert form.status_code == 200
    assert 'name="csrfmiddlewaretoken"' in form.content.decode()
    answer = client.post(EDIT, FORM, follow=True)
    assert answer.redirect_chain == [(LIST, 302)]
    page = answer.content.decode()
    assert "已保存“上诉率”的区间参考值，自 2025-01-01 起适用。" in page
    row = ReferenceRange.objects.get()
    assert (row.indicator, row.court_level, row.lower, row.upper) == (
        "appeal_rate", CourtLevel.BASIC, None, Decimal("30")
    )  # fmt: skip
    assert row.changed_by == city_office and not row.demo
    assert "≤ 30.00%" in page
    assert city_office.display_name in page
    assert "依据某文件" in page
    event = AuditEvent.objects.get(object_type="reference_range")
    assert event.action == AuditAction.CHANGE and event.path == EDIT


def test_the_form_shows_the_services_refusal_and_saves_nothing(client, city_office):
    client.force_login(city_office)
    answer = client.post(EDIT, {**FORM, "lower": "40", "upper": "30"})
    assert answer.status_code == 200
    assert "下限不能高于上限" in answer.content.decode()
    answer = client.post(EDIT, {**FORM, "effective_from": "not a day", "upper": "abc"})
    assert answer.status_code == 200
    assert 'class="errorlist' in answer.content.decode()
    assert not ReferenceRange.objects.exists()


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.JUDGE, "苏0505/民一庭/1"),
        (Role.DIVISION_HEAD, "苏0505/民一庭"),
        (Role.COURT_LEADER, "苏05"),
        # The ranges hold for the whole city: a basic court's office does not set them.
        (Role.OFFICE, "苏0505"),
    ],
)
def test_only_the_citys_office_may_edit(client, city_user, role, unit):
    client.force_login(city_user(role, unit))
    assert client.get(EDIT).status_code == 403
    assert client.post(EDIT, FORM).status_code == 403
    assert not ReferenceRange.objects.exists()
    page = client.get(LIST)
    assert page.status_code == 200
    assert EDIT not in page.content.decode()


def test_an_inspector_does_not_read_the_ranges(client, city_user):
    client.force_login(city_user(Role.INSPECTOR, "苏0505"))
    assert client.get(LIST).status_code == 403


def test_the_list_shows_each_range_per_level_and_labels_demo_values(
    client, city_user, city_office, django_assert_max_num_queries
):
    reference_range_set(
        indicator="appeal_rate", court_level=None, lower=None, upper=Decimal("35"),
        effective_from=datetime.date(2025, 1, 1), actor=city_office, demo=True,
    )  # fmt: skip
    reference_range_set(
        indicator="appeal_modify_remand_ratio", court_level="intermediate", lower=Decimal("5"),
        upper=Decimal("15"), effective_from=datetime.date(2025, 1, 1), actor=city_office,
    )  # fmt: skip
    reference_range_set(  # not yet in force on the tests' today (2025-06-30)
        indicator="within_limit_rate", court_level=None, lower=Decimal("96"), upper=None,
        effective_from=datetime.date(2025, 7, 1), actor=city_office,
    )  # fmt: skip
    client.force_login(city_user(Role.JUDGE, "苏0505/民一庭/1"))
    with django_assert_max_num_queries(12):
        page = client.get(LIST).content.decode()
    assert DEMO_WORDS in page
    assert "演示数值" in page and "demo-value" in page
    assert "≤ 35.00%" in page
    assert "5.00% – 15.00%" in page
    assert "（沿用全部层级）" in page
    # History: all three, the future one too; in force: not the future one.
    assert "≥ 96.00%" in page
    in_force = page.split('id="history"')[0]
    assert "≥ 96.00%" not in in_force
    # No score, no total, no rank in the lists (the page's words say there are none).
    lists = page.split('id="in-force-title"')[1]
    for word in ("得分", "总分", "排名", "名次", "合计"):
        assert word not in lists
    # On the day it starts, it is in force.
    later = client.get(LIST, {"on": "2025-07-01"}).content.decode()
    assert "≥ 96.00%" in later.split('id="history"')[0]


def test_a_page_without_demo_ranges_has_no_demo_notice(client, city_office):
    reference_range_set(
        indicator="appeal_rate", court_level=None, lower=None, upper=Decimal("35"),
        effective_from=datetime.date(2025, 1, 1), actor=city_office,
    )  # fmt: skip
    client.force_login(city_office)
    page = client.get(LIST).content.decode()
    assert DEMO_WORDS not in page
    assert EDIT in page


def test_the_reports_tabs_link_the_ranges(client, city_user):
    client.force_login(city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    page = client.get(reverse("reports:targets")).content.decode()
    assert f'href="{LIST}"' in page


def test_the_api_lists_the_history_and_the_ranges_in_force(client, city_user, city_office):
    for upper, day, demo in (("35", "2025-01-01", True), ("30", "2025-05-01", False)):
        reference_range_set(
            indicator="appeal_rate", court_level=None, lower=None, upper=Decimal(upper),
            effective_from=datetime.date.fromisoformat(day), actor=city_office, demo=demo,
        )  # fmt: skip
    client.force_login(city_user(Role.JUDGE, "苏0505/民一庭/1"))
    url = reverse("reference-range-list")
    history = client.get(url).json()["results"]
    assert [(row["upper"], row["demo"]) for row in history] == [(30, False), (35, True)]
    assert history[0]["court_level_label"] == "全部层级"
    assert history[0]["set_by"] == city_office.display_name
    in_force = client.get(url, {"on": "2025-04-30"}).json()["results"]
    assert [row["upper"] for row in in_force] == [35]
    assert client.get(url, {"on": "someday"}).status_code == 400
    assert client.get(url, {"indicator": "clearance_rate"}).status_code == 400
    client.force_login(city_user(Role.INSPECTOR, "苏0505"))
    assert client.get(url).status_code == 403


def test_the_demo_seeds_labelled_demo_ranges_and_leaves_the_offices_own(client, city_user):
    from cases.demo.steps import DemoContext
    from cases.runs import RunStatus
    from metrics.models import ComputationRun, IndicatorValue
    from reports.ranges_demo import ranges_demo, ranges_demo_reset

    office = city_user(Role.OFFICE, "苏05", username="demo_office")
    own = reference_range_set(
        indicator="appeal_rate", court_level=None, lower=None, upper=Decimal("33"),
        effective_from=datetime.date(2025, 1, 1), actor=office,
    )  # fmt: skip
    as_of = datetime.date(2025, 6, 29)
    now = datetime.datetime(2025, 6, 30, tzinfo=datetime.UTC)
    ComputationRun.objects.create(as_of=as_of, period="ytd", status=RunStatus.DONE, started_at=now)
    for slug, value in (("appeal_rate", 20.0), ("within_limit_rate", 90.0),
                        ("appeal_modify_remand_ratio", 10.0), ("appeal_transfer_days", 40.0),
                        ("appeal_hearing_rate", None)):  # fmt: skip
        IndicatorValue.objects.create(
            as_of=as_of, period="ytd", scope="city", indicator=slug, numerator=1,
            denominator=1 if value is not None else 0, value=value,
        )  # fmt: skip
    ranges_demo(DemoContext(today=datetime.date(2025, 6, 30), seed=1))
    demo = {
        (row.indicator, row.court_level): (row.lower, row.upper)
        for row in ReferenceRange.objects.filter(demo=True)
    }
    # Around the city's own values, on the direction's side; not over the office's own range;
    # nothing for an indicator without a value.
    assert demo == {
        ("within_limit_rate", None): (Decimal("81.0"), None),
        ("appeal_modify_remand_ratio", "intermediate"): (Decimal("9.0"), Decimal("11.0")),
        ("appeal_transfer_days", None): (None, Decimal("44")),
        ("appeal_rate", "basic"): (None, Decimal("20.0")),
    }
    rows = ReferenceRange.objects.filter(demo=True)
    assert {row.effective_from for row in rows} == {datetime.date(2024, 1, 1)}
    assert {row.note for row in rows} == {"演示数值，非最高人民法院发布的区间参考值"}
    client.force_login(office)
    assert DEMO_WORDS in client.get(LIST).content.decode()
    ranges_demo_reset()  # seeded again: the demo's rows go, the office's stay
    assert list(ReferenceRange.objects.all()) == [own]
