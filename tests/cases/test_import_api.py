"""POST /api/v1/case-imports/: the bulk upsert over the import validator and writer."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from cases.choices import AuditAction, CourtLevel, Role
from cases.models import AuditEvent, Case, Court
from tests.factories import CourtFactory, UserFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/case-imports/"


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def record(**fields) -> dict:
    return {
        "case_number": "（2025）苏0505民初1号",
        "division": "民一庭",
        "judge_id": "J0107",
        "judge_name": "王磊",
        "track": "summary",
        "filed_on": "2025-03-02",
        **fields,
    }


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def city():
    intermediate = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    basic = CourtFactory(code="苏0505", level=CourtLevel.BASIC, parent=intermediate)
    return {"苏05": intermediate, "苏0505": basic}


def office_of(court):
    return UserFactory(role=Role.OFFICE, court=court)


def test_office_imports_records_and_gets_the_summary(city):
    office = office_of(city["苏05"])
    records = [
        record(closed_on="2025-05-20", closing_method="调解", appealed=False, extension_days=0),
        record(case_number="（2025）苏0505执1号", track=None, amount_applied=1200.5),
        record(case_number="（2025）苏0505民初2号", division="", filed_on="2025-13-01"),
    ]

    response = client_for(office).post(URL, records, format="json")

    assert response.status_code == 200
    body = response.json()
    assert {key: body[key] for key in ("created", "updated", "unchanged", "rejected")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
    }
    assert body["dry_run"] is False
    assert body["errors"] == [
        {
            "row": 3,
            "case_number": "（2025）苏0505民初2号",
            "column": "division",
            "message": "division为必填项",
        },
        {
            "row": 3,
            "case_number": "（2025）苏0505民初2号",
            "column": "filed_on",
            "message": "filed_on“2025-13-01”不是有效日期"
            "（应为 YYYY-MM-DD、YYYY/MM/DD 或 YYYY年M月D日）",
        },
    ]
    assert str(Case.objects.get(case_number="（2025）苏0505执1号").amount_applied) == "1200.50"
    event = AuditEvent.objects.get(action=AuditAction.CASE_IMPORT)
    assert (event.user, event.detail["origin"], event.path) == (office, "api", URL)


def test_the_same_records_twice_change_nothing(city):
    client = client_for(office_of(city["苏0505"]))
    client.post(URL, [record()], format="json")

    body = client.post(URL, [record()], format="json").json()

    assert (body["created"], body["updated"], body["unchanged"]) == (0, 0, 1)


def test_dry_run_previews_without_writing(city):
    client = client_for(office_of(city["苏0505"]))

    body = client.post(
        f"{URL}?dry_run=true", [record(), record(case_number="x")], format="json"
    ).json()

    assert (body["created"], body["rejected"], body["dry_run"]) == (1, 1, True)
    assert Case.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.CASE_IMPORT).exists()


def test_basic_court_office_cannot_import_another_courts_cases(city):
    client = client_for(office_of(city["苏0505"]))
    records = [
        record(),
        record(case_number="（2025）苏0506民初1号"),
        record(case_number="（2025）苏05民终1号", track=None),
    ]

    body = client.post(URL, records, format="json").json()

    assert (body["created"], body["rejected"]) == (1, 2)
    assert [(e["row"], e["column"], e["message"]) for e in body["errors"]] == [
        (2, "case_number", "无权导入其他法院（苏0506）的案件"),
        (3, "case_number", "无权导入其他法院（苏05）的案件"),
    ]
    assert list(Case.objects.values_list("case_number", flat=True)) == ["（2025）苏0505民初1号"]
    assert not Court.objects.filter(code="苏0506").exists()


def test_intermediate_court_office_imports_for_the_whole_city(city):
    client = client_for(office_of(city["苏05"]))
    records = [
        record(case_number="（2025）苏0582民初1号"),
        record(case_number="（2025）苏0605民初1号"),
    ]

    body = client.post(URL, records, format="json").json()

    assert (body["created"], body["rejected"]) == (1, 1)
    assert Court.objects.get(code="苏0582").parent == city["苏05"]


def test_superuser_may_import_any_court(city):
    admin = UserFactory(is_superuser=True, role="")

    body = client_for(admin).post(URL, [record(case_number="（2025）苏0605民初1号")], format="json")

    assert body.json()["created"] == 1


@pytest.mark.parametrize(
    "role", [Role.JUDGE, Role.DIVISION_HEAD, Role.COURT_LEADER, Role.INSPECTOR]
)
def test_other_roles_are_forbidden(city, role):
    user = UserFactory(role=role, court=city["苏0505"])

    response = client_for(user).post(URL, [record()], format="json")

    assert response.status_code == 403
    assert Case.objects.count() == 0


def test_anonymous_requests_are_refused(city):
    response = client_for(None).post(URL, [record()], format="json")

    assert response.status_code in (401, 403)
    assert Case.objects.count() == 0


@pytest.mark.parametrize("body", [{"case_number": "x"}, [1, 2], "text"])
def test_a_body_that_is_not_a_list_of_records_is_a_bad_request(city, body):
    response = client_for(office_of(city["苏0505"])).post(URL, body, format="json")

    assert response.status_code == 400
    assert Case.objects.count() == 0


def test_unknown_fields_are_reported_once(city):
    client = client_for(office_of(city["苏0505"]))

    body = client.post(
        URL,
        [record(note="a"), record(case_number="（2025）苏0505民初2号", note="b")],
        format="json",
    ).json()

    assert body["unknown_columns"] == ["note"]
    assert body["rejected"] == 0


def test_chinese_enum_words_and_numbers_are_accepted(city):
    client = client_for(office_of(city["苏0505"]))
    records = [record(track="简易", judge_id=107, appealed="是", appeal_outcome="发回重审")]

    body = client.post(URL, records, format="json").json()

    assert body["created"] == 1, body["errors"]
    case = Case.objects.get()
    assert (case.track, case.judge.staff_id, case.appealed, case.appeal_outcome) == (
        "summary",
        "107",
        True,
        "remanded",
    )


def test_the_schema_documents_the_endpoint(client):
    schema = client.get("/api/schema/").content.decode()

    assert "/api/v1/case-imports/" in schema
    assert "CaseRecord" in schema
