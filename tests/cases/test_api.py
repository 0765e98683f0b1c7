"""The REST API /api/v1/: lists, details, filters, ordering, tokens, audit, schema, docs."""

import datetime
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import AuditAction, ClosingMethod, Role, Track
from cases.models import AuditEvent
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date
PASSWORD = "Courtdash-Test-2026"  # tests.factories.UserFactory's


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def office(city_user):
    return city_user(Role.OFFICE, "苏0505")


@pytest.fixture
def cases(city_judges):
    """Five cases of 苏0505 (a–e, created in that order) and one of 苏0506 (x). Today 2025-06-30."""
    civil = city_judges["苏0505/民一庭/1"]
    criminal = city_judges["苏0505/刑事审判庭/1"]
    return {
        "a": CaseFactory(judge=civil, filed_on=D(2025, 3, 1), deadline_on=D(2025, 7, 3)),
        "b": CaseFactory(judge=civil, filed_on=D(2025, 1, 10), deadline_on=D(2025, 6, 20)),
        "c": CaseFactory(judge=civil, filed_on=D(2025, 4, 1), deadline_on=D(2025, 7, 10)),
        "d": CaseFactory(  # ordinary civil: deadline 2025-08-01
            judge=civil,
            filed_on=D(2025, 2, 1),
            closed_on=D(2025, 5, 10),
            closing_method=ClosingMethod.JUDGMENT,
        ),
        "e": CaseFactory(judge=criminal, type_code="刑初", filed_on=D(2025, 5, 20)),  # 08-20
        "x": CaseFactory(judge=city_judges["苏0506/民一庭/1"], filed_on=D(2025, 3, 1)),
    }


def listed(client, **params) -> list[int]:
    response = client.get("/api/v1/cases/", {"page_size": 100, **params})
    assert response.status_code == 200, response.data
    return [row["id"] for row in response.data["results"]]


def ids(cases, letters: str) -> list[int]:
    return [cases[letter].id for letter in letters]


# Lists


def test_case_list_answers_the_count_and_pages(office, cases):
    client = client_of(office)
    first = client.get("/api/v1/cases/", {"page_size": 2})
    last = client.get("/api/v1/cases/", {"page_size": 2, "page": 3})
    assert first.data["count"] == 5
    assert len(first.data["results"]) == 2
    assert first.data["next"] is not None
    assert len(last.data["results"]) == 1
    assert last.data["next"] is None


def test_case_list_shows_units_labels_band_and_days_left(office, cases):
    response = client_of(office).get("/api/v1/cases/")
    rows = {row["id"]: row for row in response.data["results"]}
    pending, closed = rows[cases["a"].id], rows[cases["d"].id]
    assert {
        key: pending[key]
        for key in (
            "case_number",
            "court_code",
            "division_name",
            "judge_name",
            "category",
            "category_label",
            "procedure_label",
            "track_label",
            "status",
            "deadline",
            "days_left",
            "band",
            "band_label",
        )
    } == {
        "case_number": cases["a"].case_number,
        "court_code": "苏0505",
        "division_name": "民一庭",
        "judge_name": "苏0505/民一庭/1",
        "category": "civil",
        "category_label": "民事",
        "procedure_label": "一审",
        "track_label": "普通程序",
        "status": "pending",
        "deadline": "2025-07-03",
        "days_left": 3,
        "band": "urgent",
        "band_label": "5日内到期",
    }
    assert closed["status"] == "closed"
    assert closed["closing_method_label"] == "判决"
    assert closed["trial_days"] == 98
    assert (closed["band"], closed["band_label"], closed["days_left"]) == (None, None, None)


@pytest.mark.parametrize(
    ("params", "letters"),
    [
        ({"status": "pending"}, "abce"),
        ({"status": "closed"}, "d"),
        ({"band": "overdue"}, "b"),
        ({"band": "warning"}, "c"),
        ({"band": "normal"}, "e"),
        ({"category": "criminal"}, "e"),
        ({"type_code": "民初"}, "abcd"),
        ({"filed_from": "2025-03-01", "filed_to": "2025-04-30"}, "ac"),
        ({"closed_from": "2025-05-01"}, "d"),
        ({"court": "苏0505"}, "abcde"),
        ({"court": "苏0506"}, ""),  # a court outside the scope: nothing, not its cases
    ],
)
def test_case_list_filters(office, cases, params, letters):
    assert sorted(listed(client_of(office), **params)) == sorted(ids(cases, letters))


def test_case_list_filters_by_case_number_given_with_half_width_brackets(office, cases):
    half_width = cases["c"].case_number.replace("（", "(").replace("）", ")")
    assert listed(client_of(office), q=half_width) == ids(cases, "c")


def test_case_list_filters_by_judge_and_division(office, cases):
    client = client_of(office)
    assert listed(client, judge=cases["e"].judge_id) == ids(cases, "e")
    assert sorted(listed(client, division=cases["a"].division_id)) == ids(cases, "abcd")


def test_case_list_refuses_a_division_outside_the_scope(office, cases):
    response = client_of(office).get("/api/v1/cases/", {"division": cases["x"].division_id})
    assert response.status_code == 400
    assert "division" in response.data


@pytest.mark.parametrize(
    ("ordering", "letters"),
    [
        (None, "ecadb"),  # the model's: newest filing first
        ("deadline", "bacde"),
        ("-deadline", "edcab"),
        ("days_left", "bacde"),
        ("filed_on", "bdace"),
        ("-filed_on", "ecadb"),
        ("closed_on", "dabce"),  # pending ones after, in id order: pages never shuffle
        ("cause", "ecadb"),  # not an ordering field: ignored
    ],
)
def test_case_list_orders_by(office, cases, ordering, letters):
    params = {"ordering": ordering} if ordering else {}
    assert listed(client_of(office), **params) == ids(cases, letters)


def test_case_list_orders_by_case_number(office, cases):
    expected = sorted("abcde", key=lambda letter: cases[letter].case_number)
    assert listed(client_of(office), ordering="case_number") == ids(cases, "".join(expected))


def test_case_list_queries_are_bounded(city_user, city_cases, django_assert_max_num_queries):
    client = client_of(city_user(Role.OFFICE, "苏05"))
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/cases/", {"page_size": 100})
    assert response.data["count"] == len(city_cases) == 24


# Details


def test_case_detail_shows_record_deadline_band_and_days_left(office, cases):
    response = client_of(office).get(f"/api/v1/cases/{cases['b'].id}/")
    assert response.status_code == 200
    data = response.data
    assert data["case_number"] == cases["b"].case_number
    assert (data["deadline_on"], data["deadline"]) == ("2025-06-20", "2025-06-20")
    assert (data["days_left"], data["band"], data["band_label"]) == (-10, "overdue", "已超审限")
    assert data["track"] == Track.ORDINARY
    assert (data["origin_case_number"], data["origin"], data["derived_cases"]) == ("", None, [])


@pytest.fixture
def appeal(city_judges):
    """A first-instance case of 苏0505, and its appeal in 苏05, remanded."""
    origin = CaseFactory(
        judge=city_judges["苏0505/民一庭/1"],
        filed_on=D(2025, 1, 5),
        closed_on=D(2025, 3, 20),
        closing_method=ClosingMethod.JUDGMENT,
    )
    second = CaseFactory(
        judge=city_judges["苏05/民一庭/1"],
        type_code="民终",
        filed_on=D(2025, 4, 2),
        closed_on=D(2025, 6, 10),
        closing_method=ClosingMethod.REMANDED,
        origin_case_number=origin.case_number,
    )
    return origin, second


def test_case_detail_links_origin_and_derived_cases(city_user, appeal):
    origin, second = appeal
    client = client_of(city_user(Role.OFFICE, "苏05"))
    origin_data = client.get(f"/api/v1/cases/{origin.id}/").data
    second_data = client.get(f"/api/v1/cases/{second.id}/").data
    assert [link["case_number"] for link in origin_data["derived_cases"]] == [second.case_number]
    assert origin_data["effective_appealed"] is True
    assert origin_data["effective_appeal_outcome"] == "remanded"
    assert origin_data["effective_appeal_outcome_label"] == "发回重审"
    assert second_data["origin_case_number"] == origin.case_number
    assert second_data["origin"]["id"] == origin.id


def test_case_detail_hides_linked_cases_outside_the_scope(city_user, appeal):
    origin, second = appeal
    basic_office = client_of(city_user(Role.OFFICE, "苏0505"))
    appeal_judge = client_of(city_user(Role.JUDGE, "苏05/民一庭/1"))
    origin_data = basic_office.get(f"/api/v1/cases/{origin.id}/").data
    second_data = appeal_judge.get(f"/api/v1/cases/{second.id}/").data
    assert origin_data["derived_cases"] == []
    assert origin_data["effective_appeal_outcome"] == "remanded"  # the case's own record
    assert second_data["origin"] is None
    assert second_data["origin_case_number"] == origin.case_number


def test_case_detail_outside_the_scope_is_404(office, cases):
    assert client_of(office).get(f"/api/v1/cases/{cases['x'].id}/").status_code == 404


def test_case_detail_queries_are_bounded(city_user, appeal, django_assert_max_num_queries):
    client = client_of(city_user(Role.OFFICE, "苏05"))
    with django_assert_max_num_queries(8):
        response = client.get(f"/api/v1/cases/{appeal[0].id}/")
    assert response.status_code == 200


# Audit


def test_case_list_writes_one_audit_event_with_filters_and_count(office, cases):
    client_of(office).get("/api/v1/cases/", {"status": "pending", "ordering": "deadline"})
    (event,) = AuditEvent.objects.filter(action=AuditAction.CASE_LIST)
    assert (event.user_id, event.username, event.object_type) == (
        office.id,
        office.username,
        "case",
    )
    assert event.detail == {
        "filters": {"status": "pending"},
        "ordering": "deadline",
        "page": "1",
        "count": 4,
    }
    assert event.path.startswith("/api/v1/cases/?")


def test_case_detail_writes_an_audit_event(office, cases):
    client_of(office).get(f"/api/v1/cases/{cases['a'].id}/")
    (event,) = AuditEvent.objects.filter(action=AuditAction.CASE_VIEW)
    assert (event.user_id, event.object_type, event.object_id) == (
        office.id,
        "case",
        str(cases["a"].id),
    )
    assert event.detail == {"case_number": cases["a"].case_number}


def test_office_reads_the_audit_trail_of_its_court(city_user, cases):
    office = city_user(Role.OFFICE, "苏0505")
    own_judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    other_judge = city_user(Role.JUDGE, "苏0506/民一庭/1")
    client_of(own_judge).get(f"/api/v1/cases/{cases['a'].id}/")
    client_of(other_judge).get(f"/api/v1/cases/{cases['x'].id}/")
    response = client_of(office).get("/api/v1/audit-events/", {"action": "case_view"})
    assert [(row["username"], row["action_label"]) for row in response.data["results"]] == [
        (own_judge.username, "查看案件")
    ]


def test_audit_trail_is_empty_for_other_roles(city_user, cases):
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    client = client_of(judge)
    client.get("/api/v1/cases/")
    response = client.get("/api/v1/audit-events/")
    assert response.status_code == 200
    assert response.data["count"] == 0
    assert AuditEvent.objects.filter(user=judge, action=AuditAction.CASE_LIST).count() == 1


# Units


def test_court_list_shows_level_and_parent(city_user, city_courts):
    response = client_of(city_user(Role.OFFICE, "苏05")).get("/api/v1/courts/")
    rows = {row["code"]: row for row in response.data["results"]}
    assert response.data["count"] == 3
    assert (rows["苏05"]["level_label"], rows["苏05"]["parent"]) == ("中级人民法院", None)
    assert (rows["苏0505"]["level"], rows["苏0505"]["parent_code"]) == ("basic", "苏05")


def test_judge_list_filters_by_division_and_court_code(city_user, city_judges):
    client = client_of(city_user(Role.OFFICE, "苏05"))
    division_id = city_judges["苏0506/刑事审判庭/1"].division_id
    by_division = client.get("/api/v1/judges/", {"division": division_id}).data
    by_court = client.get("/api/v1/judges/", {"court_code": "苏0506"}).data
    assert {row["name"] for row in by_division["results"]} == {
        "苏0506/刑事审判庭/1",
        "苏0506/刑事审判庭/2",
    }
    assert by_court["count"] == 4


def test_division_list_filters_by_court(city_user, city_courts):
    client = client_of(city_user(Role.OFFICE, "苏05"))
    response = client.get("/api/v1/divisions/", {"court": city_courts["苏0505"].id})
    assert {(row["court_code"], row["name"]) for row in response.data["results"]} == {
        ("苏0505", "民一庭"),
        ("苏0505", "刑事审判庭"),
    }


# Authentication


def test_token_is_obtained_with_password_and_authenticates(city_user, cases):
    user = city_user(Role.OFFICE, "苏0505")
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.data["token"]
    assert token == Token.objects.get(user=user).key
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listing = client.get("/api/v1/cases/")
    assert listing.status_code == 200
    assert listing.data["count"] == 5
    assert AuditEvent.objects.filter(
        action=AuditAction.LOGIN, user=user, detail={"method": "api_token"}
    ).exists()


def test_token_is_refused_for_a_wrong_password_in_chinese(office):
    response = APIClient().post(
        "/api/v1/auth/token/", {"username": office.username, "password": "wrong"}, format="json"
    )
    assert response.status_code == 400
    assert "无法使用提供的认证信息登录" in str(response.data)
    assert not Token.objects.filter(user=office).exists()


def test_unknown_token_is_refused(cases):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/cases/").status_code in (401, 403)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/cases/",
        "/api/v1/cases/{id}/",
        "/api/v1/courts/",
        "/api/v1/divisions/",
        "/api/v1/judges/",
        "/api/v1/audit-events/",
    ],
)
def test_anonymous_is_refused(cases, url):
    response = APIClient().get(url.format(id=cases["a"].id))
    assert response.status_code in (401, 403)
    assert not AuditEvent.objects.filter(
        action__in=[AuditAction.CASE_LIST, AuditAction.CASE_VIEW]
    ).exists()


# Schema and docs


def test_schema_validates_without_warnings(tmp_path):
    schema = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(schema))
    text = schema.read_text()
    for path in ("/api/v1/cases/", "/api/v1/cases/{id}/", "/api/v1/auth/token/"):
        assert f"{path}:" in text


def test_schema_endpoint_serves_openapi():
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    assert "/api/v1/audit-events/" in response.json()["paths"]


def test_swagger_ui_loads_its_assets_from_the_app_not_a_cdn(settings, client):
    # Manifest storage needs collectstatic; the URLs are the same without the hash.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    static = [url for url in assets if url.startswith("/static/")]
    assert len(static) >= 3  # the bundle, the preset, the stylesheet
    assert all(finders.find(url.removeprefix("/static/")) for url in static)
    assert not re.search(r"https?://", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # the CSP allows no inline script
    (init_script,) = [url for url in assets if url.startswith("/api/docs/")]
    script = client.get(init_script.replace("&amp;", "&"))
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


def test_token_endpoint_locks_the_username_after_five_failures(office):
    client = APIClient()
    for _attempt in range(5):
        client.post(
            "/api/v1/auth/token/", {"username": office.username, "password": "wrong"}, format="json"
        )
    response = client.post(
        "/api/v1/auth/token/", {"username": office.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 400  # the right password, refused: locked, as the login page
    assert not Token.objects.filter(user=office).exists()
