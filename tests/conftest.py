import datetime
import uuid

import pytest
from django.test.utils import override_settings

from cases.choices import ClosingMethod, CourtLevel
from cases.models import Case
from cases.services import case_derived_refresh
from tests.browser import CHROMIUM_ARGS, OUT
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory, UserFactory


@pytest.fixture(autouse=True)
def _fixed_today(settings):
    """Bands and ages are computed against a fixed day in tests."""
    settings.COURTDASH_TODAY = "2025-06-30"
    settings.SECURE = False
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    """Users are made by the dozen; the production hasher takes half a second each (no test is
    about the hasher; `check --deploy` runs with the production settings)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session", autouse=True)
def _plain_http_for_the_live_server():
    """Tests speak plain HTTP. The live server builds its middleware once per session, before
    any function-scoped settings fixture runs, so its SecurityMiddleware must see this first."""
    with override_settings(
        SECURE_SSL_REDIRECT=False,
        SECURE_HSTS_SECONDS=0,
        SESSION_COOKIE_SECURE=False,
        CSRF_COOKIE_SECURE=False,
    ):
        yield


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Pages render {% static %} without a collectstatic manifest in tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


# A small city (DOMAIN.md): the intermediate court 苏05 over the basic courts 苏0505 and 苏0506;
# two divisions in every court, two judges in every division, a pending and a closed case for
# every judge. Units are keyed by path: "苏0505", "苏0505/民一庭", "苏0505/民一庭/1"; cases by
# their judge's path and state: "苏0505/民一庭/1/pending", "苏0505/民一庭/1/closed".
CITY_BASIC_COURTS = ("苏0505", "苏0506")
# division -> type codes of its cases in a basic court, in the intermediate court
CITY_DIVISIONS = {"民一庭": ("民初", "民终"), "刑事审判庭": ("刑初", "刑终")}


@pytest.fixture
def city_courts(db) -> dict:
    city = CourtFactory(
        code="苏05", name="苏州市中级人民法院", level=CourtLevel.INTERMEDIATE, parent=None
    )
    courts = {"苏05": city}
    for code in CITY_BASIC_COURTS:
        courts[code] = CourtFactory(code=code, level=CourtLevel.BASIC, parent=city)
    return courts


@pytest.fixture
def city_divisions(city_courts) -> dict:
    return {
        f"{code}/{name}": DivisionFactory(court=court, name=name)
        for code, court in city_courts.items()
        for name in CITY_DIVISIONS
    }


@pytest.fixture
def city_judges(city_divisions) -> dict:
    return {
        f"{key}/{n}": JudgeFactory(
            division=division, staff_id=f"{division.name}-{n}", name=f"{key}/{n}"
        )
        for key, division in city_divisions.items()
        for n in (1, 2)
    }


@pytest.fixture
def city_cases(city_judges) -> dict:
    built = {}
    for key, judge in city_judges.items():
        basic, intermediate = CITY_DIVISIONS[judge.division.name]
        is_basic = judge.court.level == CourtLevel.BASIC
        type_code = basic if is_basic else intermediate
        built[f"{key}/pending"] = CaseFactory.build(
            judge=judge, type_code=type_code, filed_on=datetime.date(2025, 3, 1)
        )
        built[f"{key}/closed"] = CaseFactory.build(
            judge=judge,
            type_code=type_code,
            filed_on=datetime.date(2025, 2, 1),
            closed_on=datetime.date(2025, 5, 10),
            closing_method=ClosingMethod.JUDGMENT if is_basic else ClosingMethod.AFFIRMED,
        )
    # One insert and one derived-fields pass for the whole city, as an import does.
    Case.objects.bulk_create(built.values())
    case_derived_refresh(case_ids=[case.id for case in built.values()])
    stored = Case.objects.select_related("court", "division", "judge").in_bulk(
        [case.id for case in built.values()]
    )
    return {key: stored[case.id] for key, case in built.items()}


@pytest.fixture
def city_user(city_courts, city_divisions, city_judges):
    """Make a user holding a role in a unit of the city: city_user(Role.OFFICE, "苏05")."""

    def make(role: str, unit: str = "", **attributes):
        fields: dict = {}
        if unit:
            fields["court"] = city_courts[unit.split("/")[0]]
        if unit.count("/") >= 1:
            fields["division"] = city_divisions["/".join(unit.split("/")[:2])]
        if unit.count("/") == 2:
            fields["judge"] = city_judges[unit]
        return UserFactory(role=role, **fields, **attributes)

    return make


# Transactional tests (a live server, a real worker) end with pytest-django's flush, a TRUNCATE
# that the append-only tables refuse by trigger. The flush runs with triggers off; after the
# module the triggers are back on and the migrations' seed rows (time limits, targets, rules)
# are restored, so the reused test database is left as it was made.
@pytest.fixture(scope="module")
def _restore_after_flush(django_db_setup, django_db_blocker):
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            connection.creation.deserialize_db_from_string(contents)


@pytest.fixture
def flushable(transactional_db, _restore_after_flush):
    """Committed rows other processes can see; triggers on during the test, off for the flush."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")


@pytest.fixture
def live(live_server, flushable):
    return live_server


@pytest.fixture
def page(live, monkeypatch, settings):
    """A Chromium page (Playwright) that collects console and page errors in .console_errors."""
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls here are still
    # sync. Set for this test only: a process-wide setting would reach `check --deploy`.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    OUT.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=settings.COURTDASH_CHROMIUM, args=CHROMIUM_ARGS
        )
        context = browser.new_context(
            locale="zh-CN", viewport={"width": 1440, "height": 900}, accept_downloads=True
        )
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda message: message.type == "error" and page.console_errors.append(message.text),
        )
        page.on("pageerror", lambda error: page.console_errors.append(str(error)))
        page.base = live.url
        yield page
        context.close()
        browser.close()


# Real Celery workers (tests/worker.py), each on a queue of its test's own.


@pytest.fixture
def queue():
    """A queue of this test's own, empty, so that no other test's message reaches its worker."""
    from courtdash.celery import app

    name = f"test-{uuid.uuid4().hex[:12]}"
    with app.connection_for_write() as broker:
        broker.default_channel.queue_purge(name)
    return name


@pytest.fixture
def workers(tmp_path):
    """Start workers with start(queue, **env); every one is stopped at teardown, killed or not."""
    from tests.worker import Worker

    started: list = []

    def start(queue: str, name: str = "worker", **env):
        worker = Worker(queue=queue, log_path=tmp_path / f"{name}.log", extra_env=env)
        started.append(worker)
        return worker.start()

    yield start
    for worker in started:
        if worker.process is not None and worker.process.poll() is None:
            worker.stop()
