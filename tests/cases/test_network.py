"""The client's address (cases/network.py): X-Forwarded-For believed only from a trusted proxy,
never a 500 for a header that is not an address; the audit trail and django-axes agree."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from cases.choices import AuditAction, Role
from cases.models import AuditEvent
from cases.network import client_ip
from cases.services import audit_record
from tests.factories import UserFactory

PROXY = "10.0.0.5"


def request(remote: str = "192.0.2.10", forwarded: str | None = None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_an_untrusted_client_cannot_choose_its_address(settings):
    settings.COURTDASH_TRUSTED_PROXIES = []
    assert client_ip(request(forwarded="203.0.113.9")) == "192.0.2.10"
    settings.COURTDASH_TRUSTED_PROXIES = [PROXY]
    assert client_ip(request(forwarded="203.0.113.9")) == "192.0.2.10"


def test_a_trusted_proxy_gives_the_right_most_address_that_is_not_a_proxy(settings):
    settings.COURTDASH_TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]
    # The client wrote 1.1.1.1 itself; 203.0.113.9 is what our proxies saw.
    chain = "1.1.1.1, 203.0.113.9, 10.1.2.3"
    assert client_ip(request(remote=PROXY, forwarded=chain)) == "203.0.113.9"
    assert client_ip(request(remote=PROXY, forwarded="2001:db8::1")) == "2001:db8::1"
    assert client_ip(request(remote=PROXY)) == PROXY


@pytest.mark.parametrize("forwarded", ["not-an-ip", "<script>", "1.2.3.4, garbage", "", " , "])
def test_a_value_that_is_not_an_address_falls_back_to_the_connection(settings, forwarded):
    settings.COURTDASH_TRUSTED_PROXIES = [PROXY]
    assert client_ip(request(remote=PROXY, forwarded=forwarded)) == PROXY
    assert client_ip(request(forwarded=forwarded)) == "192.0.2.10"


def test_no_valid_address_at_all_is_none(settings):
    settings.COURTDASH_TRUSTED_PROXIES = [PROXY]
    assert client_ip(request(remote="unix:/run/socket", forwarded="x")) is None


@pytest.mark.django_db
def test_the_audit_trail_stores_the_checked_address_and_never_fails(settings):
    settings.COURTDASH_TRUSTED_PROXIES = [PROXY]
    assert (
        audit_record(action=AuditAction.LOGIN, request=request(forwarded="9.9.9.9")).ip
        == "192.0.2.10"
    )
    assert (
        audit_record(action=AuditAction.LOGIN, request=request(forwarded="garbage")).ip
        == "192.0.2.10"
    )
    event = audit_record(
        action=AuditAction.LOGIN, request=request(remote=PROXY, forwarded="9.9.9.9")
    )
    assert event.ip == "9.9.9.9"
    assert (
        audit_record(action=AuditAction.LOGIN, request=request(remote="", forwarded="x")).ip is None
    )


@pytest.mark.django_db
def test_an_audited_page_answers_with_a_garbage_forwarded_header(client, settings):
    settings.COURTDASH_TRUSTED_PROXIES = []
    UserFactory(role=Role.OFFICE, username="office-ip")
    response = client.post(
        reverse("login"),
        {"username": "office-ip", "password": "Courtdash-Test-2026"},
        HTTP_X_FORWARDED_FOR="<not an address>",
    )
    assert response.status_code == 302
    event = AuditEvent.objects.filter(username="office-ip").latest("id")
    assert event.ip == "127.0.0.1"


def test_axes_reads_the_same_address(settings):
    from axes.helpers import get_client_ip_address

    settings.COURTDASH_TRUSTED_PROXIES = [PROXY]
    assert get_client_ip_address(request(forwarded="9.9.9.9")) == "192.0.2.10"
    assert get_client_ip_address(request(remote=PROXY, forwarded="9.9.9.9")) == "9.9.9.9"
