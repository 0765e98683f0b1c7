"""What many requests share, kept in the page cache (cases.fragments) on a real Redis
(REDIS_URL): the top bar as rendered per user, the case list's band counts per reach. A kept
part is the part computed; never another user's or another reach's; a new results generation
(a nightly) or a change of the account shows at once; Redis down, pages are computed."""

import re
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import fragments
from cases.choices import Role
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("cases:case_list")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')
USERCARD = re.compile(r'<span class="usercard-name">([^<]*)</span>')
NAV = re.compile(r'<nav class="mainnav".*?</nav>', re.S)


@pytest.fixture
def kept(settings):
    """The cache on, under a results generation of its own: nothing of an earlier test used."""
    settings.COURTDASH_PAGE_CACHE = True
    new_generation()
    return settings


def new_generation() -> None:
    caches[fragments.CACHE_ALIAS].set(fragments.GENERATION_KEY, uuid.uuid4().hex, timeout=None)


def logged_in(client, user):
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def get(client, url=LIST_URL, **params) -> tuple[str, list[str], object]:
    """The page's HTML (CSRF tokens left out), its SQL, its response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    sql = [query["sql"] for query in queries.captured_queries]
    return CSRF.sub("", response.content.decode()), sql, response


def user_card_queries(sql: list[str]) -> int:
    """The user card's query: the signed-in user with their court, division and judge."""
    return sum('FROM "cases_user" LEFT OUTER JOIN "cases_court"' in query for query in sql)


def computed(client, settings, url=LIST_URL, **params) -> str:
    settings.COURTDASH_PAGE_CACHE = False
    try:
        return get(client, url, **params)[0]
    finally:
        settings.COURTDASH_PAGE_CACHE = True


def test_the_top_bar_is_kept_per_user_and_is_the_computed_one(
    client, settings, kept, city_user, city_cases
):
    office = city_user(Role.OFFICE, "苏05", first_name="明远", last_name="顾")
    head = city_user(Role.DIVISION_HEAD, "苏0505/民一庭", first_name="建华", last_name="陆")
    overview = reverse("metrics:overview")
    for user, name in ((office, "顾明远"), (head, "陆建华")):
        logged_in(client, user)
        first, first_sql, _response = get(client, overview)
        second, second_sql, _response = get(client, overview)
        assert USERCARD.findall(second) == [name]
        assert second == first == computed(client, settings, overview)
        assert user_card_queries(first_sql) == 1
        assert user_card_queries(second_sql) == 0  # kept with the part it shows in
    # The office's top bar, kept, never shows the division head's name, nor the reverse.
    logged_in(client, office)
    assert USERCARD.findall(get(client, overview)[0]) == ["顾明远"]


def test_an_account_change_shows_in_the_top_bar_at_once(client, settings, kept, city_user):
    user = city_user(Role.DIVISION_HEAD, "苏0505/民一庭/1")
    logged_in(client, user)
    nav = NAV.search(get(client)[0]).group(0)
    assert "我的案件" not in nav
    user.role = Role.JUDGE
    user.save()
    nav = NAV.search(get(client)[0]).group(0)
    assert "我的案件" in nav  # a judge's list is theirs
    assert get(client)[0] == computed(client, settings)


def test_band_counts_are_kept_per_reach_and_never_shown_to_another(
    client, settings, kept, city_user, city_cases
):
    city_office = city_user(Role.OFFICE, "苏05")
    court_office = city_user(Role.OFFICE, "苏0506")
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    totals = {}
    for user in (city_office, court_office, judge):
        logged_in(client, user)
        get(client)  # fills the cache with this reach's counts
        html, _queries, response = get(client)
        assert html == computed(client, settings)
        totals[user.pk] = response.context["pending_total"]
    assert totals[city_office.pk] > totals[court_office.pk] > 0
    assert totals[judge.pk] == 1
    # Another user of the same reach shares the counts; one of another reach does not.
    colleague = city_user(Role.COURT_LEADER, "苏0506")
    logged_in(client, colleague)
    assert get(client)[2].context["pending_total"] == totals[court_office.pk]


def test_kept_counts_follow_the_filters_and_a_new_generation(
    client, settings, kept, city_user, city_cases
):
    judge_user = city_user(Role.JUDGE, "苏0505/民一庭/1")
    logged_in(client, judge_user)
    assert get(client)[2].context["pending_total"] == 1
    assert get(client, type_code="民督")[2].context["pending_total"] == 0
    CaseFactory(judge=judge_user.judge, type_code="民督")
    # Kept for a minute at most (an import's lag), or until the next nightly's generation.
    new_generation()
    assert get(client)[2].context["pending_total"] == 2
    assert get(client, type_code="民督")[2].context["pending_total"] == 1


def test_with_redis_down_the_top_bar_and_counts_are_computed(
    client, settings, kept, city_user, city_cases
):
    logged_in(client, city_user(Role.OFFICE, "苏05"))
    expected = computed(client, settings)
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    assert get(client)[0] == expected
