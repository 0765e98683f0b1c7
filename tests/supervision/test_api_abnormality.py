"""Abnormality detection in the REST API: the findings and the drafts, for the office only;
send (to another division of the court) and discard."""

import datetime
from decimal import Decimal

import pytest

from cases.choices import Role
from metrics.choices import Scope
from metrics.models import IndicatorValue
from supervision import services
from supervision.choices import LetterState
from supervision.models import Abnormality, Inquiry

D = datetime.date
API = "/api/v1/supervision"
AS_OF = D(2025, 6, 29)


@pytest.fixture
def draft(world):
    IndicatorValue.objects.create(
        as_of=AS_OF,
        period="ytd",
        scope=Scope.DIVISION,
        court=world.court,
        division=world.division,
        indicator="within_limit_rate",
        numerator=Decimal("94"),
        denominator=100,
        value=94.0,
    )
    services.abnormalities_detect(as_of=AS_OF)
    return Inquiry.objects.get(state=LetterState.DRAFT)


def test_the_office_lists_the_findings_with_their_evidence(world, as_role, draft):
    answer = as_role(Role.OFFICE).get(f"{API}/abnormalities/", {"state": "draft"})
    assert answer.status_code == 200
    (row,) = answer.json()["results"]
    assert row["indicator"] == "within_limit_rate" and row["value"] == 94.0
    assert row["warning_low"] == 95.0 and row["crossed_warning"] is True
    assert row["inquiry"] == draft.pk and row["inquiry_state"] == "draft"
    assert (
        as_role(Role.OFFICE).get(f"{API}/abnormalities/", {"state": "discarded"}).json()["count"]
        == 0
    )
    drafts = as_role(Role.OFFICE).get(f"{API}/abnormality-drafts/").json()
    assert [item["id"] for item in drafts["results"]] == [draft.pk]


@pytest.mark.parametrize("role", [Role.ANALYST, Role.DIVISION_HEAD, Role.JUDGE, Role.INSPECTOR])
def test_nobody_but_the_office_reaches_the_drafts(world, as_role, draft, role):
    assert as_role(role).get(f"{API}/abnormalities/").json()["count"] == 0
    assert as_role(role).get(f"{API}/abnormality-drafts/").json()["count"] == 0
    discard = as_role(role).post(
        f"{API}/abnormality-drafts/{draft.pk}/discard/", {"reason": "x"}, format="json"
    )
    assert discard.status_code == 404 and Inquiry.objects.filter(pk=draft.pk).exists()


def test_the_office_sends_a_draft_to_another_division_of_the_court(world, as_role, draft):
    answer = as_role(Role.OFFICE).post(
        f"{API}/abnormality-drafts/{draft.pk}/send/",
        {"division": world.other_division.pk, "deadline": "2025-07-20"},
        format="json",
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["state"] == "sent"
    draft.refresh_from_db()
    assert draft.division == world.other_division and draft.deadline == D(2025, 7, 20)


def test_the_office_discards_a_draft_with_a_reason(world, as_role, draft):
    office = as_role(Role.OFFICE)
    missing = office.post(f"{API}/abnormality-drafts/{draft.pk}/discard/", {}, format="json")
    assert missing.status_code == 400
    answer = office.post(
        f"{API}/abnormality-drafts/{draft.pk}/discard/", {"reason": "口径调整"}, format="json"
    )
    assert answer.status_code == 204 and not Inquiry.objects.exists()
    assert Abnormality.objects.get().discard_reason == "口径调整"
    rows = office.get(f"{API}/abnormalities/", {"state": "discarded"}).json()["results"]
    assert rows[0]["discarded_by"]["username"] == "office"
