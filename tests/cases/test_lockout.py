"""Sign-in lockout (cases.lockout): username and address together, and a higher limit for the
username over all addresses, on the login page and the token endpoint."""

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from cases.choices import Role

PASSWORD = "Courtdash-Test-2026"  # tests.factories.UserFactory's


@pytest.fixture
def approver(city_user):
    """The court's one approver of time-limit changes: the person a stranger would lock out."""
    return city_user(Role.COURT_LEADER, "苏0505")


def sign_in(user, address: str, password: str) -> int:
    response = Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": user.username, "password": password}
    )
    return response.status_code


def test_five_failures_from_one_address_lock_it_but_not_the_person_elsewhere(approver):
    for _attempt in range(4):
        assert sign_in(approver, "10.0.0.66", "wrong") == 200
    assert sign_in(approver, "10.0.0.66", "wrong") == 429  # the fifth locks
    assert sign_in(approver, "10.0.0.66", PASSWORD) == 429
    assert sign_in(approver, "10.0.0.7", PASSWORD) == 302  # the approver at their own desk


def test_the_token_endpoint_locks_the_address_not_the_person(approver):
    url = "/api/v1/auth/token/"
    stranger = APIClient(REMOTE_ADDR="10.0.0.66")
    for _attempt in range(5):
        stranger.post(url, {"username": approver.username, "password": "wrong"}, format="json")
    right = {"username": approver.username, "password": PASSWORD}
    assert stranger.post(url, right, format="json").status_code != 200
    assert APIClient(REMOTE_ADDR="10.0.0.7").post(url, right, format="json").status_code == 200


def test_many_failures_from_many_addresses_lock_the_username_everywhere(approver, settings):
    settings.COURTDASH_LOCKOUT_USERNAME_LIMIT = 12
    for attempt in range(11):  # four per address: no address reaches its own limit of five
        assert sign_in(approver, f"10.0.1.{attempt // 4}", "wrong") == 200
    assert sign_in(approver, "10.0.1.2", "wrong") == 429  # the twelfth locks
    assert sign_in(approver, "10.0.0.7", PASSWORD) == 429
    assert sign_in(approver, "10.0.0.8", PASSWORD) == 429


def test_failures_below_both_limits_do_not_lock(approver, settings):
    settings.COURTDASH_LOCKOUT_USERNAME_LIMIT = 12
    for attempt in range(11):
        sign_in(approver, f"10.0.1.{attempt // 4}", "wrong")
    assert sign_in(approver, "10.0.0.7", PASSWORD) == 302
