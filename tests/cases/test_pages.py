"""The foundation's pages: sign-in, the case list, the case page, the audit log.

Who sees what is stated here from the city's unit paths (conftest.py city_*), then compared
with the case numbers the list page actually shows over all of its pages.
"""

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.choices import AuditAction, ClosingMethod, Role
from cases.models import AuditEvent, Case, CaseInspector
from tests.factories import CaseFactory, DivisionFactory, JudgeFactory, UserFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PASSWORD = "Courtdash-Test-2026"  # tests.factories.UserFactory's
LIST_URL = reverse("cases:case_list")
CASE_LINK = re.compile(r'<a class="case-number" href="/cases/(\d+)/">([^<]+)</a>')
NEXT_LINK = re.compile(r'<a href="([^"]+)" rel="next">')


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def listed(client, query: str = "") -> list[str]:
    """The case numbers the list page shows, following its pages to the last."""
    numbers: list[str] = []
    url = f"{LIST_URL}{query}"
    for _page in range(100):
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        numbers += [html.unescape(number) for _pk, number in CASE_LINK.findall(page)]
        following = NEXT_LINK.search(page)
        if following is None:
            return numbers
        url = LIST_URL + html.unescape(following.group(1))
    raise AssertionError("pagination does not end")


def numbers_of(city_cases, *prefixes: str, states=("pending",)) -> set[str]:
    return {
        case.case_number
        for key, case in city_cases.items()
        if key.rsplit("/", 1)[1] in states and any(key.startswith(f"{p}/") for p in prefixes)
    }


def logged_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


# Signing in and out


def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert client.get(LIST_URL)["Location"].startswith(reverse("login"))


def test_login_page_is_in_chinese_and_has_no_inline_script_or_style(client):
    page = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "审判质效管理平台" in page
    assert "登录" in page
    assert re.search(r"<script(?![^>]*\bsrc=)", page) is None  # no inline script, any form
    assert "style=" not in page
    assert re.search(r"\son[a-z]+=", page) is None  # no inline event handler


def test_login_is_audited_and_lands_a_judge_on_my_cases(client, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    response = client.post(
        reverse("login"), {"username": judge.username, "password": PASSWORD}, follow=True
    )
    assert response.redirect_chain[-1][0] == LIST_URL
    assert "我的案件" in response.content.decode()
    login = AuditEvent.objects.get(action=AuditAction.LOGIN)
    assert login.user == judge
    assert login.ip == "127.0.0.1"


def test_an_analyst_lands_on_the_case_list_of_their_scope(client, city_user):
    analyst = city_user(Role.ANALYST, "苏0505/民一庭")
    response = logged_in(client, analyst).get("/", follow=True)
    assert response.redirect_chain[-1][0] == LIST_URL
    assert "<h1>案件</h1>" in response.content.decode()


def test_failed_login_is_audited_with_the_username(client, city_user):
    city_user(Role.JUDGE, "苏0505/民一庭/1", username="wanglei")
    response = client.post(reverse("login"), {"username": "wanglei", "password": "wrong"})
    assert response.status_code == 200
    failure = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failure.username == "wanglei"
    assert failure.detail["username"] == "wanglei"
    assert failure.user is None


def test_five_failures_lock_the_username_even_against_the_right_password(client, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    for _attempt in range(5):
        client.post(reverse("login"), {"username": judge.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": judge.username, "password": PASSWORD})
    assert response.status_code == 429
    assert "账号已被暂时锁定" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEvent.objects.filter(action=AuditAction.LOGIN).count() == 0


def test_four_failures_do_not_lock(client, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    for _attempt in range(4):
        client.post(reverse("login"), {"username": judge.username, "password": "wrong"})
    response = client.post(reverse("login"), {"username": judge.username, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(judge.pk)


def test_logout_needs_a_post_and_is_audited(client, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    logged_in(client, judge)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert AuditEvent.objects.get(action=AuditAction.LOGOUT).user == judge
    assert client.get(LIST_URL).status_code == 302


def test_password_change_is_audited(client, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    logged_in(client, judge)
    assert "修改密码" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Shenguan-Ban-2026!",
            "new_password2": "Shenguan-Ban-2026!",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    change = AuditEvent.objects.get(action=AuditAction.PASSWORD_CHANGE)
    assert change.user == judge
    judge.refresh_from_db()
    assert judge.check_password("Shenguan-Ban-2026!")


def test_creating_a_user_is_not_a_password_change(city_user):
    city_user(Role.JUDGE, "苏0505/民一庭/1")
    assert not AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGE).exists()


# The case list: exactly the scope


@pytest.mark.parametrize(
    ("role", "unit", "sees"),
    [
        (Role.JUDGE, "苏0505/民一庭/1", ("苏0505/民一庭/1",)),
        (Role.DIVISION_HEAD, "苏0505/民一庭", ("苏0505/民一庭",)),
        (Role.ANALYST, "苏0506/刑事审判庭", ("苏0506/刑事审判庭",)),
        (Role.OFFICE, "苏0505", ("苏0505",)),
        (Role.COURT_LEADER, "苏0506", ("苏0506",)),
        (Role.OFFICE, "苏05", ("苏05", "苏0505", "苏0506")),
        (Role.COURT_LEADER, "苏05", ("苏05", "苏0505", "苏0506")),
        (Role.PARTY_LEADERSHIP, "苏05", ("苏05", "苏0505", "苏0506")),
    ],
)
def test_each_role_lists_exactly_the_pending_cases_of_its_scope(
    client, city_cases, city_user, role, unit, sees
):
    shown = listed(logged_in(client, city_user(role, unit)))
    assert len(shown) == len(set(shown))
    assert set(shown) == numbers_of(city_cases, *sees)


def test_inspector_lists_only_the_cases_joined_to(client, city_cases, city_user):
    inspector = city_user(Role.INSPECTOR, "苏0505")
    joined = city_cases["苏0505/刑事审判庭/2/pending"]
    CaseInspector.objects.create(case=joined, user=inspector)
    assert listed(logged_in(client, inspector)) == [joined.case_number]


def test_user_without_a_unit_lists_nothing(client, city_cases):
    assert listed(logged_in(client, UserFactory(role=Role.JUDGE))) == []


def test_include_closed_adds_the_closed_cases_of_the_scope(client, city_cases, city_user):
    client = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    shown = listed(client, "?closed=1")
    assert set(shown) == numbers_of(city_cases, "苏0505/民一庭", states=("pending", "closed"))
    # Pending cases come first.
    pending = numbers_of(city_cases, "苏0505/民一庭")
    assert set(shown[: len(pending)]) == pending


def test_judge_filter_offers_only_judges_in_scope(client, city_cases, city_user, city_judges):
    client = logged_in(client, city_user(Role.DIVISION_HEAD, "苏0505/民一庭"))
    form = client.get(LIST_URL).context["filterset"].form
    offered = {judge for judge in form.fields["judge"].queryset}
    assert offered == {city_judges["苏0505/民一庭/1"], city_judges["苏0505/民一庭/2"]}

    mine = city_judges["苏0505/民一庭/2"]
    assert set(listed(client, f"?judge={mine.pk}")) == numbers_of(city_cases, "苏0505/民一庭/2")

    elsewhere = city_judges["苏0506/民一庭/2"]
    response = client.get(LIST_URL, {"judge": elsewhere.pk})
    assert CASE_LINK.findall(response.content.decode()) == []
    assert response.context["filterset"].errors


OPTION = re.compile(r'<option value="([^"]*)"[^>]*>')


def offered(content: str, name: str) -> set[str] | None:
    """The values a select of the filter form offers (None: no such select)."""
    found = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', content, re.S)
    return None if found is None else set(OPTION.findall(found.group(1))) - {""}


def test_a_city_user_chooses_a_court_before_its_divisions_and_judges(
    client, city_cases, city_user, city_judges, city_divisions
):
    """A province's office would otherwise get 4,900 judges in one select (350 KB a page)."""
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    content = client.get(LIST_URL).content.decode()
    assert offered(content, "court") == {"苏05", "苏0505", "苏0506"}
    assert offered(content, "division") is None and offered(content, "judge") is None
    assert "选定法院并筛选后，可再按部门、承办人筛选。" in content

    content = client.get(LIST_URL, {"court": "苏0505"}).content.decode()
    judges = {str(j.pk) for key, j in city_judges.items() if key.startswith("苏0505/")}
    divisions = {str(d.pk) for key, d in city_divisions.items() if key.startswith("苏0505/")}
    assert offered(content, "judge") == judges
    assert offered(content, "division") == divisions

    # A link naming a division (a drill-down) offers that division's judges, and still filters.
    division = city_divisions["苏0506/民一庭"]
    response = client.get(LIST_URL, {"division": division.pk})
    content = response.content.decode()
    assert offered(content, "judge") == {
        str(j.pk) for key, j in city_judges.items() if key.startswith("苏0506/民一庭/")
    }
    assert f'<option value="{division.pk}" selected>' in content
    assert set(listed(client, f"?division={division.pk}")) == numbers_of(
        city_cases, "苏0506/民一庭"
    )
    # Any judge of the city still filters, from any link: the options narrow, not the choice.
    elsewhere = city_judges["苏0506/民一庭/2"]
    assert set(listed(client, f"?judge={elsewhere.pk}")) == numbers_of(
        city_cases, "苏0506/民一庭/2"
    )


def test_a_court_user_chooses_among_its_divisions_and_judges_at_once(
    client, city_cases, city_user, city_judges
):
    client = logged_in(client, city_user(Role.OFFICE, "苏0505"))
    content = client.get(LIST_URL).content.decode()
    assert offered(content, "court") is None
    assert offered(content, "judge") == {
        str(j.pk) for key, j in city_judges.items() if key.startswith("苏0505/")
    }


def test_judge_sees_no_judge_filter_or_column(client, city_cases, city_user):
    page = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1")).get(LIST_URL)
    content = page.content.decode()
    assert 'name="judge"' not in content
    assert '<th scope="col">承办人</th>' not in content


@pytest.fixture
def banded(city_judges):
    """Cases of judge 苏0505/民一庭/1 in every band, as of 2025-06-30 (民初 ordinary: 6 months)."""
    judge = city_judges["苏0505/民一庭/1"]
    filed = {
        "overdue": [D(2024, 12, 20), D(2024, 11, 2)],  # deadlines 2025-06-20, 2025-05-02
        "urgent": [D(2025, 1, 3)],  # 2025-07-03: 3 days left
        "warning": [D(2025, 1, 10), D(2025, 1, 15), D(2025, 1, 14)],  # 10, 15, 14 days left
        "normal": [D(2025, 3, 1)],
    }
    cases = {
        band: [CaseFactory(judge=judge, filed_on=day) for day in days]
        for band, days in filed.items()
    }
    cases["no_limit"] = [CaseFactory(judge=judge, type_code="民督", filed_on=D(2025, 4, 1))]
    return cases


def test_band_counts_match_the_cases_of_each_band(client, banded, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    response = client.get(LIST_URL)
    counts = {item["band"]: item["count"] for item in response.context["band_counts"]}
    assert counts == {"normal": 1, "warning": 3, "urgent": 1, "overdue": 2, "no_limit": 1}
    assert response.context["pending_total"] == 8
    for band, cases in banded.items():
        assert set(listed(client, f"?band={band}")) == {c.case_number for c in cases}


def test_band_counts_follow_the_other_filters(client, banded, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    response = client.get(LIST_URL, {"type_code": "民督", "band": "overdue"})
    counts = {item["band"]: item["count"] for item in response.context["band_counts"]}
    assert counts == {"normal": 0, "warning": 0, "urgent": 0, "overdue": 0, "no_limit": 1}


def test_list_is_ordered_by_days_left_with_no_deadline_last(client, banded, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    shown = listed(client)
    assert shown[:2] == [banded["overdue"][1].case_number, banded["overdue"][0].case_number]
    assert shown[2] == banded["urgent"][0].case_number
    assert shown[-1] == banded["no_limit"][0].case_number


def test_rows_show_the_band_in_words_and_days_overdue(client, banded, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    content = client.get(LIST_URL, {"band": "overdue"}).content.decode()
    assert 'class="band band-red" data-band="overdue"' in content
    assert "已超审限" in content
    assert "超 59 日" in content  # deadline 2025-05-02, today 2025-06-30


def test_search_finds_a_case_by_a_fragment_of_its_number(client, city_cases, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    wanted = city_cases["苏0506/民一庭/2/pending"]
    fragment = wanted.case_number.replace("（", "(").replace("）", ")")  # half-width typed
    assert listed(client, f"?q={fragment}") == [wanted.case_number]
    assert listed(client, "?q=民终") and all("民终" in n for n in listed(client, "?q=民终"))


def test_search_never_reaches_outside_the_scope(client, city_cases, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    outside = city_cases["苏0506/民一庭/2/pending"]
    assert listed(client, f"?q={outside.case_number}") == []


def test_list_paginates_fifty_a_page_and_keeps_the_filters(client, city_judges, city_user):
    judge = city_judges["苏0505/民一庭/2"]
    made = {CaseFactory(judge=judge, type_code="民督").case_number for _n in range(61)}
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/2"))
    first = client.get(LIST_URL, {"type_code": "民督"})
    page = first.content.decode()
    assert len(CASE_LINK.findall(page)) == 50
    assert "共 61 条，显示第 1–50 条" in page
    following = html.unescape(NEXT_LINK.search(page).group(1))
    assert following.startswith("?type_code=%E6%B0%91%E7%9D%A3&after=")
    assert set(listed(client, "?type_code=民督")) == made
    second = client.get(LIST_URL + following).content.decode()
    assert len(CASE_LINK.findall(second)) == 11
    # Back from the second page: the first page again, in the same order.
    back = html.unescape(re.search(r'<a href="([^"]+)" rel="prev">', second).group(1))
    again = client.get(LIST_URL + back).content.decode()
    assert CASE_LINK.findall(again) == CASE_LINK.findall(page)


def test_list_ignores_a_cursor_that_is_not_one(client, banded, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    first = CASE_LINK.findall(client.get(LIST_URL).content.decode())
    for cursor in ("x", "W10", "WyJub3QtYS1kYXRlIiwxXQ", "%00", "a" * 2000):
        response = client.get(LIST_URL, {"after": cursor, "before": cursor})
        assert response.status_code == 200
        assert CASE_LINK.findall(response.content.decode()) == first


def test_case_list_view_is_audited_with_filters_and_count(client, banded, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    logged_in(client, judge).get(LIST_URL, {"band": "warning", "page": 1})
    event = AuditEvent.objects.get(action=AuditAction.CASE_LIST)
    assert event.user == judge
    assert event.detail == {"filters": {"band": "warning"}, "count": 3}


def test_case_list_queries_are_bounded(
    client, city_cases, city_judges, city_user, django_assert_max_num_queries
):
    for key in ("苏0505/民一庭/1", "苏0506/刑事审判庭/2", "苏05/民一庭/1"):
        for _n in range(20):
            CaseFactory(judge=city_judges[key], type_code="民督")
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    client.get(LIST_URL)  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(LIST_URL)
    assert len(CASE_LINK.findall(response.content.decode())) == 50


# The case page


def test_case_page_spells_out_the_deadline_and_the_timeline(client, city_judges, city_user):
    case = CaseFactory(
        judge=city_judges["苏0505/民一庭/1"],
        track="summary",
        filed_on=D(2025, 1, 31),
        extension_days=30,
        excluded_days=10,
        cause="民间借贷纠纷",
    )
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    content = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert case.case_number in content
    assert "民间借贷纠纷" in content
    assert "3 个月" in content and "民事诉讼法 第164条" in content
    assert "2025-06-09" in content  # 2025-04-30 + 30 + 10 days
    for step in ("立案", "审限届满", "延长审限 30 日", "扣除审限 10 日", "未结（今日）"):
        assert step in content
    assert "距审限届满还有" not in content and "已超审限 21 日" in content
    assert "简易程序" in content and "审理天数" in content


def test_case_page_uses_the_source_deadline_when_given(client, city_judges, city_user):
    case = CaseFactory(
        judge=city_judges["苏0505/民一庭/1"], filed_on=D(2025, 3, 1), deadline_on=D(2025, 12, 1)
    )
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    content = client.get(reverse("cases:case_detail", args=[case.pk])).content.decode()
    assert "来源系统审限届满日期" in content and "2025-12-01" in content
    assert "法定审限" not in content


def test_closed_case_timeline_shows_closing_and_appeal(client, city_judges, city_user):
    first = CaseFactory(
        judge=city_judges["苏0505/民一庭/1"],
        filed_on=D(2025, 1, 6),
        closed_on=D(2025, 3, 20),
        closing_method=ClosingMethod.JUDGMENT,
    )
    CaseFactory(
        judge=city_judges["苏05/民一庭/1"],
        type_code="民终",
        filed_on=D(2025, 4, 2),
        closed_on=D(2025, 6, 10),
        closing_method=ClosingMethod.MODIFIED,
        origin_case_number=first.case_number,
    )
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    content = client.get(reverse("cases:case_detail", args=[first.pk])).content.decode()
    for step in ("结案", "判决", "审限内结案", "上诉", "二审结果：改判", "2025-06-10"):
        assert step in content


def test_case_page_links_the_origin_and_derived_cases_in_scope(client, city_judges, city_user):
    first = CaseFactory(
        judge=city_judges["苏0505/民一庭/1"],
        filed_on=D(2025, 1, 6),
        closed_on=D(2025, 3, 20),
        closing_method=ClosingMethod.JUDGMENT,
    )
    appeal = CaseFactory(
        judge=city_judges["苏05/民一庭/1"],
        type_code="民终",
        filed_on=D(2025, 4, 2),
        origin_case_number=first.case_number,
    )
    first_url = reverse("cases:case_detail", args=[first.pk])
    appeal_url = reverse("cases:case_detail", args=[appeal.pk])

    judge_client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    content = judge_client.get(first_url).content.decode()
    assert appeal_url not in content
    assert "另有 1 件关联案件不在您的查看范围内" in content

    city_office = logged_in(client, city_user(Role.OFFICE, "苏05"))
    assert f'href="{appeal_url}"' in city_office.get(first_url).content.decode()
    assert f'href="{first_url}"' in city_office.get(appeal_url).content.decode()


def test_case_page_out_of_scope_is_404_and_in_scope_is_audited(client, city_cases, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    client = logged_in(client, judge)
    outside = city_cases["苏0505/民一庭/2/pending"]
    assert client.get(reverse("cases:case_detail", args=[outside.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_VIEW).exists()

    mine = city_cases["苏0505/民一庭/1/closed"]
    assert client.get(reverse("cases:case_detail", args=[mine.pk])).status_code == 200
    view = AuditEvent.objects.get(action=AuditAction.CASE_VIEW)
    assert (view.user, view.object_type, view.object_id) == (judge, "case", str(mine.pk))
    assert view.detail == {"case_number": mine.case_number}


def test_case_page_queries_are_bounded(
    client, city_judges, city_user, django_assert_max_num_queries
):
    origin = CaseFactory(judge=city_judges["苏0505/民一庭/1"], filed_on=D(2025, 1, 6))
    for _n in range(5):
        CaseFactory(
            judge=city_judges["苏05/民一庭/2"],
            type_code="民终",
            filed_on=D(2025, 4, 2),
            origin_case_number=origin.case_number,
        )
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    url = reverse("cases:case_detail", args=[origin.pk])
    client.get(url)
    with django_assert_max_num_queries(13):  # 12, and the top bar's work-queue count
        assert client.get(url).status_code == 200


# The audit log


@pytest.mark.parametrize(
    ("role", "unit"),
    [
        (Role.JUDGE, "苏0505/民一庭/1"),
        (Role.DIVISION_HEAD, "苏0505/民一庭"),
        (Role.COURT_LEADER, "苏05"),
        (Role.INSPECTOR, "苏05"),
    ],
)
def test_audit_log_is_forbidden_to_all_but_the_office(client, city_user, role, unit):
    response = logged_in(client, city_user(role, unit)).get(reverse("cases:audit_log"))
    assert response.status_code == 403


def test_audit_log_shows_the_trail_of_the_offices_court_only(client, city_cases, city_user):
    in_court = city_user(Role.JUDGE, "苏0505/民一庭/1", username="zhang")
    elsewhere = city_user(Role.JUDGE, "苏0506/民一庭/1", username="li")
    logged_in(client, in_court).get(LIST_URL)
    logged_in(client, elsewhere).get(LIST_URL)
    office = city_user(Role.OFFICE, "苏0505", username="shenguanban")
    response = logged_in(client, office).get(reverse("cases:audit_log"))
    users = {event.username for event in response.context["page_obj"]}
    assert users == {"zhang", "shenguanban"}
    assert "查看案件列表" in response.content.decode()


def test_audit_log_filters_by_user_action_and_day(client, city_cases, city_user):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1", username="zhang")
    client = logged_in(client, judge)  # one LOGIN event
    client.get(LIST_URL)
    client.get(reverse("cases:case_detail", args=[city_cases["苏0505/民一庭/1/pending"].pk]))
    office = city_user(Role.OFFICE, "苏05")
    client = logged_in(client, office)
    url = reverse("cases:audit_log")

    def shown(**params):
        page_obj = client.get(url, params).context["page_obj"]
        return [(event.username, event.action) for event in page_obj]

    assert shown(username="zha", action=AuditAction.CASE_VIEW) == [("zhang", "case_view")]
    assert {a for _u, a in shown(username="zhang")} == {"login", "case_list", "case_view"}
    day = AuditEvent.objects.get(action=AuditAction.CASE_VIEW).at
    local_day = timezone.localdate(day)  # the page filters by the court's day (Asia/Shanghai)
    assert shown(username="zhang", date_from=local_day.isoformat(), action="case_view")
    later = (local_day + datetime.timedelta(days=1)).isoformat()
    assert shown(username="zhang", date_from=later) == []
    # Reading the trail is itself recorded.
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, user=office).exists()


def test_audit_log_links_a_case_view_to_its_case_and_nothing_else(client, city_cases, city_user):
    case = city_cases["苏0505/民一庭/1/pending"]
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    client.get(reverse("cases:case_detail", args=[case.pk]))
    client.get(LIST_URL)  # a list event after the case view: object "case", no id
    office = city_user(Role.OFFICE, "苏0505")
    content = logged_in(client, office).get(reverse("cases:audit_log")).content.decode()
    case_link = f'<a href="{reverse("cases:case_detail", args=[case.pk])}">{case.case_number}</a>'
    assert content.count(case_link) == 1
    assert len(re.findall(r'<a href="/cases/\d+/">', content)) == 1


def test_audit_log_is_paginated(client, city_user):
    office = city_user(Role.OFFICE, "苏0505")
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    client = logged_in(client, judge)
    for _n in range(55):
        client.get(LIST_URL)
    response = logged_in(client, office).get(reverse("cases:audit_log"))
    assert len(response.context["page_obj"].object_list) == 50
    assert response.context["page_obj"].paginator.num_pages == 2


# The frame


def test_navigation_follows_the_role(client, city_user):
    judge_page = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1")).get(LIST_URL)
    content = judge_page.content.decode()
    assert "我的案件" in content and reverse("cases:audit_log") not in content
    assert "苏0505/民一庭/1" in content  # the judge's name (the city fixture names judges so)

    office_page = logged_in(client, city_user(Role.OFFICE, "苏0505")).get(LIST_URL)
    content = office_page.content.decode()
    assert reverse("cases:audit_log") in content and "审管办" in content


def test_pages_carry_no_inline_script_or_style(client, city_cases, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    case = city_cases["苏0505/民一庭/1/pending"]
    for url in (
        LIST_URL,
        reverse("cases:case_detail", args=[case.pk]),
        reverse("cases:audit_log"),
        reverse("password_change"),
    ):
        content = client.get(url).content.decode()
        assert "style=" not in content and "<style" not in content
        assert re.search(r"<script(?![^>]*\bsrc=)", content) is None
        assert "onclick" not in content


def test_language_switch_serves_english_and_back(client, city_cases, city_user):
    client = logged_in(client, city_user(Role.JUDGE, "苏0505/民一庭/1"))
    response = client.post(
        reverse("set_language"), {"language": "en", "next": LIST_URL}, follow=True
    )
    content = response.content.decode()
    assert '<html lang="en">' in content
    assert "<h1>My cases</h1>" in content and "Trial Quality-Efficiency Platform" in content
    assert "我的案件" not in content
    client.post(reverse("set_language"), {"language": "zh-hans", "next": LIST_URL})
    assert "<h1>我的案件</h1>" in client.get(LIST_URL).content.decode()


def test_text_from_outside_is_shown_escaped_in_every_written_list(client):
    """The lists whose rows are written by template tags (cases.templatetags.courtdash,
    supervision.templatetags.supervision) escape what came in from an import or a form, as
    {{ }} does: a cause, a judge's and a division's name, a letter's title."""
    from cases.dates import today as app_today
    from supervision.models import Notice

    hostile = '<img src=x onerror="alert(1)">'
    judge = JudgeFactory(name=f"王{hostile}", division=DivisionFactory(name=f"民一庭{hostile}"))
    today = app_today()
    for filed, deadline_days in ((today - datetime.timedelta(days=500), -1), (today, 5)):
        CaseFactory(
            judge=judge,
            filed_on=filed,
            cause=f"纠纷{hostile}",
            deadline_on=today + datetime.timedelta(days=deadline_days),
        )
    office = UserFactory(role=Role.OFFICE, court=judge.court, username="office_x")
    notice = Notice.objects.create(
        court=judge.court, division=judge.division, title=f"督办{hostile}", body="…",
        deadline=today, state="sent", recipient_kind="judge", judge=judge, created_by=office,
    )  # fmt: skip
    notice.cases.add(*Case.objects.filter(judge=judge))
    pages = {
        office: [LIST_URL, "/supervision/long-pending/", "/reports/"],
        UserFactory(role=Role.JUDGE, judge=judge, court=judge.court, username="judge_x"): [
            "/supervision/inbox/"
        ],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            page = client.get(url).content.decode()
            assert hostile not in page, url
            assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page, url
