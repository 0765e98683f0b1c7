"""API tokens (cases.api.authentication, cases.signals): they expire, and a password change or a
deactivation revokes them."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from cases.choices import Role

PASSWORD = "Courtdash-Test-2026"  # tests.factories.UserFactory's
TOKEN_URL = "/api/v1/auth/token/"
CASES_URL = "/api/v1/cases/"


@pytest.fixture
def office(city_user):
    return city_user(Role.OFFICE, "苏0505")


def obtain(user) -> str:
    response = APIClient().post(
        TOKEN_URL, {"username": user.username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    return response.json()["token"]


def with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def age(key: str, hours: float) -> None:
    Token.objects.filter(key=key).update(created=timezone.now() - datetime.timedelta(hours=hours))


def test_a_fresh_token_answers(office):
    assert with_token(obtain(office)).get(CASES_URL).status_code == 200


def test_an_expired_token_is_refused_with_a_401_in_chinese(office, settings):
    settings.COURTDASH_API_TOKEN_HOURS = 8
    key = obtain(office)
    age(key, 7.9)
    assert with_token(key).get(CASES_URL).status_code == 200
    age(key, 8.1)
    response = with_token(key).get(CASES_URL)
    assert response.status_code == 401
    assert "令牌已过期" in response.json()["detail"]


def test_a_token_asked_for_again_is_the_same_until_it_expires_then_a_new_one(office):
    key = obtain(office)
    assert obtain(office) == key
    age(key, 1000)
    renewed = obtain(office)
    assert renewed != key
    assert with_token(renewed).get(CASES_URL).status_code == 200
    assert with_token(key).get(CASES_URL).status_code == 401


def test_set_password_and_save_revokes_the_tokens(office):
    key = obtain(office)
    office.set_password("Another-Passw0rd-2026")
    office.save()
    assert not Token.objects.filter(user=office).exists()
    assert with_token(key).get(CASES_URL).status_code == 401


def test_the_change_password_page_revokes_the_tokens(client, office):
    key = obtain(office)
    client.force_login(office)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Another-Passw0rd-2026",
            "new_password2": "Another-Passw0rd-2026",
        },
    )
    assert response.status_code == 302
    assert with_token(key).get(CASES_URL).status_code == 401


def test_other_saves_keep_the_tokens(office):
    key = obtain(office)
    office.first_name = "新名"
    office.save()
    office.save(update_fields=["last_login"])
    assert with_token(key).get(CASES_URL).status_code == 200


def test_deactivation_revokes_the_tokens_and_reactivation_revives_none(office):
    key = obtain(office)
    office.is_active = False
    office.save()
    assert not Token.objects.filter(user=office).exists()
    office.is_active = True
    office.save()
    assert with_token(key).get(CASES_URL).status_code == 401
