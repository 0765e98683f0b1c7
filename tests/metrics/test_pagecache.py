"""The page cache (metrics.reading.pagecache) on a real Redis (REDIS_URL): a cached page is the page
computed; a viewer never gets another scope's data; a nightly run, a target change, a quarter
target and the ranking mode make pages show the new results; Redis down, pages are computed.

The small city of conftest.py, computed as in test_pages.py.
"""

import datetime
import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from cases import fragments
from cases.choices import CourtLevel, Role
from cases.models import Court
from cases.units import ScopeKey
from metrics.choices import Scope
from metrics.models import IndicatorValue
from metrics.reading import pagecache
from metrics.services import indicator_target_update, metrics_compute
from reports.services.settings import ranking_mode_set
from reports.services.targets import quarterly_targets_save
from tests.cases.test_import import record, run, write_csv
from tests.metrics.test_pages import AS_OF, MONTH_ENDS, WEEK_BEFORE, logged_in, unit_of

pytestmark = pytest.mark.django_db
CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|data-csrf=|csrf[-_]token[^"]*")"[^"]*"')
OVERVIEW = reverse("metrics:overview")
SLUG = "closed_to_filed_ratio"


@pytest.fixture
def computed(city_cases):
    """The city computed for the days the pages read (as in test_pages.py)."""
    for day in [*MONTH_ENDS, WEEK_BEFORE]:
        metrics_compute(as_of=day, periods=["ytd"])
    metrics_compute(as_of=AS_OF)
    return city_cases


@pytest.fixture
def page_cache(settings):
    """The cache on, with a generation of its own: nothing cached by an earlier test is used."""
    settings.COURTDASH_PAGE_CACHE = True
    pagecache.generation_change()
    assert pagecache.results_generation() is not None, "the tests need Redis at REDIS_URL"
    return settings


def _html(response) -> str:
    assert response.status_code == 200, response.status_code
    return CSRF.sub("", response.content.decode())


def _get(client, url, **params) -> tuple[str, int]:
    """The page's HTML (CSRF tokens left out) and how many SQL queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    return _html(response), len(queries)


def _computed_html(client, settings, url, **params) -> str:
    """The page as computed with no cache."""
    settings.COURTDASH_PAGE_CACHE = False
    try:
        return _get(client, url, **params)[0]
    finally:
        settings.COURTDASH_PAGE_CACHE = True


def _pages(city) -> list[tuple[str, dict]]:
    court = unit_of(city, "苏0505")
    return [
        (OVERVIEW, {}),
        (OVERVIEW, {"period": "mtd"}),
        (OVERVIEW, {"contrib": SLUG}),
        (OVERVIEW, court),
        (reverse("metrics:ranking"), {}),
        (reverse("metrics:ranking"), court),
        (reverse("metrics:drill", args=[SLUG]), {}),
        (reverse("metrics:drill", args=[SLUG]), court),
        (reverse("metrics:trend", args=[SLUG]), court),
        (reverse("metrics:funnel", args=[SLUG]), {}),
        (reverse("reports:targets"), {}),
        (reverse("reports:daily"), {}),  # its links down and its counts kept
        (reverse("reports:daily"), court),
    ]


@pytest.fixture
def city(city_courts, city_divisions, city_judges):
    return city_courts, city_divisions, city_judges


def test_a_cached_page_is_the_computed_page_with_fewer_queries(
    client, settings, page_cache, computed, city, city_user
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    for url, params in _pages(city):
        first, first_queries = _get(client, url, **params)
        second, second_queries = _get(client, url, **params)
        assert second == first, url
        assert second == _computed_html(client, settings, url, **params), url
        assert second_queries < first_queries, (url, params, second_queries, first_queries)


def test_viewers_of_different_scope_never_see_each_others_cached_data(
    client, settings, page_cache, computed, city, city_user
):
    office = city_user(Role.OFFICE, "苏05")
    leader = city_user(Role.OFFICE, "苏0506")
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    other_court = unit_of(city, "苏0505")
    # The city's office fills the cache with the city's and 苏0505's pages.
    logged_in(client, office)
    for url, params in _pages(city):
        _get(client, url, **params)
    # 苏0506's office: its own court (computed as for nobody else), and 苏0505 is not found.
    logged_in(client, leader)
    for url in (OVERVIEW, reverse("metrics:drill", args=[SLUG]), reverse("metrics:ranking")):
        cached = _get(client, url)[0]
        assert cached == _computed_html(client, settings, url), url
        assert "苏0506" in cached
        assert client.get(url, other_court).status_code == 404, url
    # A judge of 苏0505: their own numbers, never the court's or the city's.
    logged_in(client, judge)
    for url in (OVERVIEW, reverse("metrics:drill", args=[SLUG])):
        cached = _get(client, url)[0]
        assert cached == _computed_html(client, settings, url), url
        assert client.get(url, other_court).status_code == 404, url
        assert client.get(url, {"period": "mtd"}).status_code == 200


def _tile_numerator(html: str, slug: str) -> str:
    tile = html.split(f'data-indicator="{slug}"', 1)[1]
    return re.search(r"data-numerator>([^<]*)<", tile).group(1)


def test_a_nightly_run_makes_every_page_show_its_results(
    client, settings, page_cache, computed, city_user, django_capture_on_commit_callbacks
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    before = _get(client, OVERVIEW)[0]
    # A stored value changed behind the cache's back is not shown: the page is cached ...
    IndicatorValue.objects.filter(indicator=SLUG, as_of=AS_OF, period="ytd").update(numerator=999)
    assert _get(client, OVERVIEW)[0] == before
    # ... until a run stores results: then the page is computed again from them.
    with django_capture_on_commit_callbacks(execute=True):
        metrics_compute(as_of=AS_OF)
    IndicatorValue.objects.filter(indicator=SLUG, as_of=AS_OF, period="ytd").update(numerator=999)
    with django_capture_on_commit_callbacks(execute=True):
        metrics_compute(as_of=AS_OF, periods=["mtd"])
    after = _get(client, OVERVIEW)[0]
    assert _tile_numerator(after, SLUG) == "999"
    assert after == _computed_html(client, settings, OVERVIEW)


def test_a_run_rolled_back_changes_nothing(client, page_cache, computed):
    generation = pagecache.results_generation()
    metrics_compute(as_of=AS_OF)  # inside the test's transaction: never committed
    assert pagecache.results_generation() == generation


def test_a_target_change_makes_pages_show_the_new_target(
    client, settings, page_cache, computed, city_user, django_capture_on_commit_callbacks
):
    office = city_user(Role.OFFICE, "苏05")
    client = logged_in(client, office)
    drill = reverse("metrics:drill", args=[SLUG])
    before = _get(client, OVERVIEW)[0], _get(client, drill)[0]
    with django_capture_on_commit_callbacks(execute=True):
        indicator_target_update(indicator=SLUG, actor=office, target=97.5, warning=80)
    after = _get(client, OVERVIEW)[0], _get(client, drill)[0]
    assert after != before
    assert "97.5" in after[0]
    assert after == (
        _computed_html(client, settings, OVERVIEW),
        _computed_html(client, settings, drill),
    )


def test_a_quarter_target_and_the_ranking_mode_invalidate(
    client, settings, page_cache, computed, city_user, django_capture_on_commit_callbacks
):
    office = city_user(Role.OFFICE, "苏05")
    client = logged_in(client, office)
    targets = reverse("reports:targets")
    ranking = reverse("metrics:ranking")
    before = _get(client, OVERVIEW)[0], _get(client, targets)[0], _get(client, ranking)[0]
    with django_capture_on_commit_callbacks(execute=True):
        quarterly_targets_save(
            unit=ScopeKey(Scope.CITY),
            year=AS_OF.year,
            quarter=2,
            entries={SLUG: {"target": 93, "basis": "ytd"}},
            actor=office,
        )
        ranking_mode_set(mode="bands", actor=office)
    after = _get(client, OVERVIEW)[0], _get(client, targets)[0], _get(client, ranking)[0]
    assert all(new != old for new, old in zip(after, before, strict=True))
    assert after == tuple(
        _computed_html(client, settings, url) for url in (OVERVIEW, targets, ranking)
    )
    # The bands mode's page (a funnel instead of ranks) is cached as well.
    assert "funnel" in after[2]
    again, queries = _get(client, ranking)
    assert again == after[2]
    assert queries < _get(client, ranking, funnel=SLUG)[1]  # that one a miss


def test_with_redis_down_pages_are_computed(
    client, settings, page_cache, computed, city, city_user
):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    expected = [_computed_html(client, settings, url, **params) for url, params in _pages(city)]
    # A closed port: nothing listens there.
    settings.CACHES = {
        **settings.CACHES,
        "pages": {**settings.CACHES["pages"], "LOCATION": "redis://127.0.0.1:1/0"},
    }
    assert pagecache.results_generation() is None
    for (url, params), html in zip(_pages(city), expected, strict=True):
        assert _get(client, url, **params)[0] == html, url
    pagecache.generation_change()  # a run's commit hook does not fail either


def test_each_language_has_its_own_cached_data(client, settings, page_cache, computed, city_user):
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    chinese = _get(client, OVERVIEW)[0]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    try:
        english = _get(client, OVERVIEW)[0]
        assert english != chinese
        assert english == _computed_html(client, settings, OVERVIEW)
        assert _get(client, OVERVIEW)[0] == english  # and from the cache
    finally:
        # The request left English active in this thread: later tests expect Chinese.
        translation.activate(settings.LANGUAGE_CODE)


def test_a_request_reads_the_generation_once(client, page_cache, computed, city, city_user):
    """A page's parts — its cached data, its body, the top bar, the daily page's counts —
    agree on one results generation, read from Redis once a request
    (cases.fragments.GenerationMiddleware); each request reads it afresh."""
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    cache = caches[fragments.CACHE_ALIAS]
    real_get, reads = cache.get, []

    def get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    cache.get = get
    try:
        for url, params in _pages(city):
            for _ in range(2):  # a miss, then a hit
                reads.clear()
                _get(client, url, **params)
                assert reads.count(fragments.GENERATION_KEY) == 1, (url, params, reads)
    finally:
        del cache.get


def test_a_change_made_by_a_request_is_what_its_later_parts_read(page_cache, rf):
    """A request that changes the results (a target saved, on commit) reads the new
    generation afterwards, in the page cache and the fragments alike."""

    def view(request):
        before = pagecache.results_generation()
        assert fragments.generation() == before  # read once, shared
        pagecache.generation_change()
        return before, (pagecache.results_generation(), fragments.generation())

    before, after = fragments.GenerationMiddleware(view)(rf.get("/"))
    assert after[0] == after[1] != before
    assert after[0] == caches[fragments.CACHE_ALIAS].get(fragments.GENERATION_KEY)
    # Outside a request nothing is remembered: each call reads Redis.
    pagecache.generation_change()
    assert pagecache.results_generation() not in (before, after[0])


KEPT_TABLES = ("metrics_computationrun", "metrics_indicatorsetsetting", "cases_rankingsetting")


def _kept_reads(client, url) -> list[str]:
    """The page's queries of the latest computed day, the indicator sets and the ranking mode."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if any(f'"{table}"' in q["sql"] for table in KEPT_TABLES)]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_latest_day_sets_and_mode_are_kept_while_the_results_stay(
    flushable, client, page_cache, computed, city_user
):
    """The latest computed day, the indicator sets shown and the ranking mode are read once per
    process and results generation (cases.fragments.kept_with_results): a page asks again
    only after a run, a choice of sets or of the mode has changed the generation. Outside a
    request, each call reads the database."""
    office = city_user(Role.OFFICE, "苏05")
    client = logged_in(client, office)
    ranking = reverse("metrics:ranking")
    # Read under this generation (a page computing its cached data, inside its transaction,
    # reads for itself) ...
    assert _kept_reads(client, ranking)
    _kept_reads(client, ranking)
    assert _kept_reads(client, ranking) == []  # ... then kept
    _kept_reads(client, OVERVIEW)
    assert _kept_reads(client, OVERVIEW) == []
    # A run of a later day: committed, it changes the generation; the pages show that day.
    later = AS_OF + datetime.timedelta(days=1)
    metrics_compute(as_of=later, periods=["ytd"])
    assert _kept_reads(client, ranking)
    html = _get(client, OVERVIEW)[0]
    assert later.isoformat() in html
    ranking_mode_set(mode="bands", actor=office)
    assert _kept_reads(client, ranking)
    assert "funnel" in _get(client, ranking)[0]
    # Outside a request: read every time.
    from metrics.selectors import latest_as_of

    with CaptureQueriesContext(connection) as queries:
        assert latest_as_of() == latest_as_of() == later
    assert len(queries) == 2


def _court_tree_reads(client, url, **params) -> tuple[int, list[str]]:
    """The page's status and its queries of the court tree (every court, not one by its id)."""
    with CaptureQueriesContext(connection) as queries:
        status = client.get(url, params).status_code
    courts = [q["sql"] for q in queries if 'FROM "cases_court"' in q["sql"]]
    return status, [sql for sql in courts if '"cases_court"."id" =' not in sql]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_court_tree_is_kept_and_a_new_court_is_reached_at_once(
    flushable, client, page_cache, computed, city_user, city_courts, tmp_path
):
    """The court tree (whom a court-wide role reaches) and the top unit's kind are kept under
    the results generation (cases.units._court_tree); a court saved, or created by an import,
    changes the generation on commit, so the office reaches it on its next request."""
    client = logged_in(client, city_user(Role.OFFICE, "苏05"))
    _court_tree_reads(client, OVERVIEW)
    assert _court_tree_reads(client, OVERVIEW) == (200, [])  # kept
    added = Court.objects.create(
        code="苏0599", name="新区法院", level=CourtLevel.BASIC, parent=city_courts["苏05"]
    )
    status, reads = _court_tree_reads(client, OVERVIEW, court=added.pk)
    assert (status, bool(reads)) == (200, True)
    assert _court_tree_reads(client, OVERVIEW, court=added.pk) == (200, [])
    # An import's new court: its writer saves no model, the import says so.
    run(write_csv(tmp_path / "a.csv", [record(case_number="（2025）苏0598民初1号")]))
    imported = Court.objects.get(code="苏0598")
    assert imported.parent == city_courts["苏05"]
    assert _court_tree_reads(client, OVERVIEW, court=imported.pk)[0] == 200
