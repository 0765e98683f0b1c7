"""The supervision trail (全程留痕): append-only, and a case's timeline in order."""

import datetime

import pytest
from django.db import InternalError, connection, transaction

from cases.choices import Role
from cases.models import CaseInspector
from supervision import selectors, services
from supervision.choices import MeasureKind, TraceKind
from supervision.models import TraceEntry
from tests.factories import UserFactory

D = datetime.date


@pytest.fixture
def entry(world):
    services.four_type_mark(
        case=world.case, category=1, reason="疑难", actor=world.user(Role.DIVISION_HEAD)
    )
    return TraceEntry.objects.get(kind=TraceKind.MARKED)


def test_the_database_refuses_to_update_a_trace_entry(entry):
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        TraceEntry.objects.filter(pk=entry.pk).update(note="改写")


def test_the_database_refuses_to_delete_a_trace_entry(entry):
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM supervision_traceentry WHERE id = %s", [entry.pk])


def test_the_database_refuses_to_truncate_the_trail(entry):
    with pytest.raises(InternalError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE supervision_traceentry")


def test_the_model_refuses_to_save_or_delete_a_stored_entry(entry):
    entry.note = "改写"
    with pytest.raises(ValueError, match="append-only"):
        entry.save()
    with pytest.raises(ValueError, match="append-only"):
        entry.delete()


def test_a_case_timeline_shows_every_step_in_order_with_who(world):
    head, leader, judge, office = (
        world.user(Role.DIVISION_HEAD),
        world.user(Role.COURT_LEADER),
        world.user(Role.JUDGE),
        world.user(Role.OFFICE),
    )
    mark = services.four_type_mark(case=world.case, category=2, reason="群体性", actor=head)
    services.four_type_mark_confirm(mark=mark, reason="属实", actor=leader)
    measure = services.measure_take(
        case=world.case,
        kind=MeasureKind.ATTEND_HEARING,
        instruction="旁听7月5日庭审",
        deadline=D(2025, 7, 10),
        actor=leader,
    )
    services.measure_respond(measure=measure, response="已安排", actor=judge)
    notice = services.notice_issue(
        cases=[world.case, world.new_case()],
        judge=world.judge,
        title="督办",
        body="请加快",
        deadline=D(2025, 7, 10),
        actor=office,
    )
    services.letter_acknowledge(letter=notice, actor=judge)
    services.letter_answer(letter=notice, answer="已排期", actor=judge)
    services.letter_close(letter=notice, note="", actor=office)
    unrelated = world.new_case()
    services.four_type_mark(case=unrelated, category=1, reason="x", actor=head)

    steps = [
        (entry.kind, entry.actor)
        for entry in selectors.case_timeline(user=world.user(Role.JUDGE), case=world.case)
    ]
    assert steps == [
        (TraceKind.MARKED, head),
        (TraceKind.MARK_CONFIRMED, leader),
        (TraceKind.MEASURE_TAKEN, leader),
        (TraceKind.MEASURE_RESPONDED, judge),
        (TraceKind.NOTICE_ISSUED, office),
        (TraceKind.LETTER_ACKNOWLEDGED, judge),
        (TraceKind.LETTER_ANSWERED, judge),
        (TraceKind.LETTER_CLOSED, office),
    ]


def test_a_timeline_out_of_reach_is_empty(world):
    services.four_type_mark(
        case=world.case, category=1, reason="x", actor=world.user(Role.DIVISION_HEAD)
    )
    colleague = UserFactory(role=Role.JUDGE, judge=world.colleague, court=world.court)
    assert not selectors.case_timeline(user=colleague, case=world.case).exists()
    # an inspector reaches the trail of a case only once joined to it (issue 9)
    inspector = world.user(Role.INSPECTOR)
    assert not selectors.case_timeline(user=inspector, case=world.case).exists()
    CaseInspector.objects.create(case=world.case, user=inspector)
    assert selectors.case_timeline(user=inspector, case=world.case).count() == 1


def test_an_inspector_opens_no_supervision_page_of_a_case_not_joined(world, client):
    """Issue 9: an inspector opened /supervision/cases/<id>/ and the timeline API for any case
    of the court, while /cases/<id>/ answered 404. Now every door agrees: 404 until joined."""
    services.four_type_mark(
        case=world.case, category=1, reason="x", actor=world.user(Role.DIVISION_HEAD)
    )
    inspector = world.user(Role.INSPECTOR)
    client.force_login(inspector, backend="django.contrib.auth.backends.ModelBackend")
    doors = [
        f"/cases/{world.case.pk}/",
        f"/supervision/cases/{world.case.pk}/",
        f"/api/v1/supervision/timelines/{world.case.pk}/",
    ]
    assert [client.get(url).status_code for url in doors] == [404, 404, 404]
    assert client.get("/api/v1/supervision/marks/").json()["count"] == 0
    CaseInspector.objects.create(case=world.case, user=inspector)
    assert [client.get(url).status_code for url in doors] == [200, 200, 200]
    assert client.get("/api/v1/supervision/marks/").json()["count"] == 1
