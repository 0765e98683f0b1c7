"""The reminder settings pages (issue 11, item 5): who leads which division, people's mobile
numbers and channels (the office), and one's own settings; each change on the trail."""

from __future__ import annotations

import datetime

from cases.choices import Role
from supervision.choices import Channel, TraceKind
from supervision.models import Contact, DivisionLeader, TraceEntry
from supervision.services.reminders import channels_of
from tests.factories import UserFactory

D = datetime.date
LEADERS = "/supervision/settings/division-leaders/"
CONTACTS = "/supervision/settings/contacts/"
MINE = "/supervision/my-settings/"


def _messages(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def test_the_office_records_and_removes_a_division_leader_with_history(world, web):
    office, leader = web(Role.OFFICE), world.user(Role.COURT_LEADER)
    response = office.post(
        LEADERS, {"division": world.division.pk, "user": leader.pk, "since": "2025-07-01"}
    )
    assert response.status_code == 302
    row = DivisionLeader.objects.get(division=world.division, user=leader)
    assert row.since == D(2025, 7, 1) and row.designated_by == world.user(Role.OFFICE)
    # The same leader leads a second division.
    office.post(
        LEADERS, {"division": world.other_division.pk, "user": leader.pk, "since": "2025-07-01"}
    )
    assert DivisionLeader.objects.filter(user=leader).count() == 2
    page = office.get(LEADERS)
    text = page.content.decode()
    assert page.status_code == 200 and text.count(leader.display_name) >= 2
    assert office.post(LEADERS, {"remove": row.pk}).status_code == 302
    assert not DivisionLeader.objects.filter(pk=row.pk).exists()
    kinds = list(
        TraceEntry.objects.filter(
            kind__in=[TraceKind.DIVISION_LEADER_SET, TraceKind.DIVISION_LEADER_REMOVED]
        ).values_list("kind", "actor_name")
    )
    assert [kind for kind, _actor in kinds] == [
        TraceKind.DIVISION_LEADER_SET,
        TraceKind.DIVISION_LEADER_SET,
        TraceKind.DIVISION_LEADER_REMOVED,
    ]
    assert "撤销" in office.get(LEADERS).content.decode()  # the history shows it


def test_only_a_court_leader_of_the_court_may_lead_a_division(world, web):
    office = web(Role.OFFICE)
    response = office.post(
        LEADERS,
        {"division": world.division.pk, "user": world.user(Role.JUDGE).pk, "since": "2025-07-01"},
    )
    assert response.status_code == 200
    assert "院领导" in _messages(response)
    foreign = UserFactory(role=Role.COURT_LEADER, court=world.other_court)
    response = office.post(
        LEADERS, {"division": world.division.pk, "user": foreign.pk, "since": "2025-07-01"}
    )
    assert response.status_code == 200 and not DivisionLeader.objects.exists()
    assert office.post(LEADERS, {"division": "x", "user": "", "since": "no"}).status_code == 200
    assert office.post(LEADERS, {"remove": "x"}).status_code == 404


def test_a_court_leader_reads_but_does_not_edit_division_leaders(world, web):
    leader = web(Role.COURT_LEADER)
    assert leader.get(LEADERS).status_code == 200
    response = leader.post(
        LEADERS,
        {
            "division": world.division.pk,
            "user": world.user(Role.COURT_LEADER).pk,
            "since": "2025-07-01",
        },
    )
    assert response.status_code == 403 and not DivisionLeader.objects.exists()
    assert web(Role.JUDGE).get(LEADERS).status_code == 403


def test_the_office_sets_a_persons_mobile_and_channels_with_history(world, web):
    office, judge = web(Role.OFFICE), world.user(Role.JUDGE)
    assert judge.display_name in office.get(CONTACTS).content.decode()
    form = office.get(CONTACTS, {"edit": judge.pk})
    assert 'id="contact-form"' in form.content.decode()
    response = office.post(
        CONTACTS,
        {"user": judge.pk, "mobile": "139 0000 1234", "sms_enabled": "on", "email_enabled": ""},
    )
    assert response.status_code == 302
    contact = Contact.objects.get(user=judge)
    assert (contact.mobile, contact.sms_enabled, contact.email_enabled) == (
        "13900001234",
        True,
        False,
    )
    assert channels_of(judge, contact) == [Channel.IN_APP, Channel.SMS]
    entry = TraceEntry.objects.get(kind=TraceKind.CONTACT_CHANGED)
    assert entry.actor == world.user(Role.OFFICE)
    assert (
        entry.detail["before"]["mobile"] == "" and entry.detail["after"]["mobile"] == "13900001234"
    )
    assert "13900001234" in office.get(CONTACTS).content.decode()
    # Found by the search box.
    assert judge.display_name in office.get(CONTACTS, {"q": "1390000"}).content.decode()


def test_bad_input_on_the_contacts_page_is_a_message_not_a_500(world, web):
    office, judge = web(Role.OFFICE), world.user(Role.JUDGE)
    response = office.post(CONTACTS, {"user": judge.pk, "mobile": "12ab", "sms_enabled": "on"})
    assert response.status_code == 200 and "手机号码" in _messages(response)
    response = office.post(CONTACTS, {"user": judge.pk, "mobile": "", "sms_enabled": "on"})
    assert "请先填写手机号码" in _messages(response)
    assert office.post(CONTACTS, {"user": "abc"}).status_code == 404
    foreign = UserFactory(role=Role.JUDGE, court=world.other_court)
    assert office.post(CONTACTS, {"user": foreign.pk, "mobile": ""}).status_code == 404
    assert office.get(CONTACTS, {"edit": foreign.pk}).status_code == 404
    assert not Contact.objects.exists()
    assert web(Role.COURT_LEADER).post(CONTACTS, {"user": judge.pk}).status_code == 403


def test_everyone_sets_their_own_channels(world, web):
    for role in (Role.JUDGE, Role.INSPECTOR, Role.PARTY_LEADERSHIP):
        client, user = web(role), world.user(role)
        assert client.get(MINE).status_code == 200
        response = client.post(MINE, {"mobile": "13800009999", "sms_enabled": "on"})
        assert response.status_code == 302
        contact = Contact.objects.get(user=user)
        assert contact.sms_enabled and not contact.email_enabled
        assert TraceEntry.objects.filter(
            kind=TraceKind.CONTACT_CHANGED, actor=user, object_id=str(contact.pk)
        ).exists()
        assert "13800009999" in client.get(MINE).content.decode()
    # Saving the same again records nothing new.
    before = TraceEntry.objects.count()
    web(Role.JUDGE).post(MINE, {"mobile": "13800009999", "sms_enabled": "on"})
    assert TraceEntry.objects.count() == before
