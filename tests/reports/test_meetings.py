"""数据会商: the agenda holds exactly the planted problems of the month (and nothing on a clean
city); a meeting freezes it; decisions become actions in the owner's work queue and reminders;
the owner reports done, the office closes; refusals; the API; the monthly summary."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from cases.choices import Role
from cases.models import Case
from cases.permissions import Refused
from cases.runs import RunStatus
from cases.services import case_derived_refresh
from cases.units import ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.models import ComputationRun, IndicatorValue
from reports.choices import FindingKind
from reports.models import (
    Finding,
    FindingCase,
    HealthCheckRun,
    Meeting,
    MeetingAction,
    MeetingActionState,
    QuarterlyTarget,
)
from reports.selectors.meetings import agenda_build, month_summary
from reports.services.meetings import (
    meeting_action_close,
    meeting_action_done,
    meeting_create,
    meeting_decide,
    meeting_note,
)
from supervision.choices import ReminderSubject, TraceKind
from supervision.models import Abnormality, Reminder, TraceEntry
from supervision.selectors.queue import queue
from supervision.services.reminders import reminders_send_due
from tests.factories import CaseFactory

D = datetime.date
MONTH = D(2025, 3, 1)
END = D(2025, 3, 31)


def _run(day):
    now = timezone.now()
    ComputationRun.objects.get_or_create(
        as_of=day,
        period=PeriodKind.YTD,
        defaults={"status": RunStatus.DONE, "started_at": now, "finished_at": now},
    )


def _value(indicator, value, *, court, division=None, day=END, denominator=100):
    return IndicatorValue.objects.create(
        as_of=day,
        period="ytd",
        scope=Scope.DIVISION if division is not None else Scope.COURT,
        court=court,
        division=division,
        indicator=indicator,
        numerator=Decimal(str(value)) * denominator / 100,
        denominator=denominator,
        value=value,
    )


@pytest.fixture
def city(city_courts, city_divisions, city_judges, city_cases, city_user):
    a, b = city_courts["苏0505"], city_courts["苏0506"]
    _run(END)
    # Clean values: above their warning lines.
    for court in (a, b):
        _value("within_limit_rate", 99.0, court=court)
        _value("avg_trial_days", 50.0, court=court)
    for key, division in city_divisions.items():
        if key.startswith("苏05/"):
            continue
        _value("within_limit_rate", 99.0, court=division.court, division=division)
    office = city_user(Role.OFFICE, "苏0505")
    head = city_user(Role.DIVISION_HEAD, "苏0505/民一庭")
    judge = city_user(Role.JUDGE, "苏0505/民一庭/1")
    return {
        "a": a,
        "b": b,
        "civil": city_divisions["苏0505/民一庭"],
        "criminal": city_divisions["苏0505/刑事审判庭"],
        "b_civil": city_divisions["苏0506/民一庭"],
        "judges": city_judges,
        "cases": city_cases,
        "office": office,
        "head": head,
        "judge": judge,
        "b_office": city_user(Role.OFFICE, "苏0506"),
    }


def _abnormality(court, division, indicator, day, **fields):
    return Abnormality.objects.create(
        as_of=day,
        period="ytd",
        scope=Scope.DIVISION,
        court=court,
        division=division,
        indicator=indicator,
        value=fields.pop("value", 40.0),
        numerator=40,
        denominator=100,
        **fields,
    )


@pytest.fixture
def planted(city):
    a, civil, criminal = city["a"], city["civil"], city["criminal"]
    # 1. 民一庭's within-limit rate below its warning line (95) at the month's end.
    IndicatorValue.objects.filter(division=civil, indicator="within_limit_rate").update(
        value=94.0, numerator=94
    )
    # 2. 刑事审判庭's clearance rate fell sharply (an abnormality of the month); 民一庭's
    # abnormality on the same indicator as item 1 joins it; June's and 苏0506's are not ours.
    _abnormality(a, criminal, "clearance_rate", D(2025, 3, 20), fell_sharply=True,
                 last_week_value=60.0, worsened_by=20.0)  # fmt: skip
    _abnormality(a, civil, "within_limit_rate", D(2025, 3, 30), value=94.0, crossed_warning=True)
    _abnormality(a, criminal, "clearance_rate", D(2025, 4, 2), fell_sharply=True)
    _abnormality(city["b"], city["b_civil"], "clearance_rate", D(2025, 3, 20), fell_sharply=True)
    # 3. A health-check finding at a judge of 民一庭 (the month's last check).
    now = timezone.now()
    run = HealthCheckRun.objects.create(
        as_of=END, window_start=D(2024, 4, 1), status=RunStatus.DONE, started_at=now,
        finished_at=now, findings=1,
    )  # fmt: skip
    judge = city["judges"]["苏0505/民一庭/1"]
    finding = Finding.objects.create(
        run=run, kind=FindingKind.STALLED_LONG_PENDING, scope=Scope.JUDGE, court=a,
        division=civil, judge=judge, value=1, reference=0, case_count=1,
        facts={"months": 12, "idle_days": 90, "count": 1, "since": "2024-12-31"},
    )  # fmt: skip
    FindingCase.objects.create(finding=finding, case=city["cases"]["苏0505/民一庭/1/pending"])
    # 4. 苏0505's Q1 target on the within-limit rate missed (99.0 against 99.5).
    QuarterlyTarget.objects.create(
        scope=Scope.COURT, court=a, year=2025, quarter=1, indicator="within_limit_rate",
        target=Decimal("99.5"),
    )  # fmt: skip
    # 5. A pending case of 刑事审判庭 that passes 12 months within 30 days of April 1st.
    old = CaseFactory(judge=city["judges"]["苏0505/刑事审判庭/1"], type_code="刑初",
                      filed_on=D(2024, 4, 15))  # fmt: skip
    case_derived_refresh(case_ids=[old.pk])
    return city | {"finding": finding, "old_case": old}


def _found(agenda) -> set:
    return {
        (item["kind"], item["unit"]["title"], item["key"].rsplit(":", 1)[1])
        for item in agenda.items
    }


def test_a_clean_city_has_an_empty_agenda(city):
    for unit in (
        ScopeKey.of(court=city["a"]),
        ScopeKey.of(court=city["a"], division=city["civil"]),
    ):
        agenda = agenda_build(user=city["office"], unit=unit, month=MONTH)
        assert agenda.as_of == END
        assert agenda.items == []


def test_the_agenda_holds_exactly_the_planted_problems(planted):
    a = planted["a"]
    agenda = agenda_build(user=planted["office"], unit=ScopeKey.of(court=a), month=MONTH)
    name = a.name
    assert _found(agenda) == {
        ("indicator", f"{name} 民一庭", "within_limit_rate"),
        ("abnormality", f"{name} 刑事审判庭", "clearance_rate"),
        ("finding", f"{name} 民一庭", FindingKind.STALLED_LONG_PENDING),
        ("target", name, "within_limit_rate"),
        ("outlook", f"{name} 刑事审判庭", ""),
    }
    items = {item["kind"]: item for item in agenda.items}
    # Each item says what and links to the values and cases behind it.
    indicator = items["indicator"]
    assert "94.00%" in indicator["evidence"][0] and "95.00%" in indicator["evidence"][0]
    assert any("/metrics/within_limit_rate/cases/" in link["url"] for link in indicator["links"])
    # 民一庭's abnormality on the same indicator joined the item (no second item).
    assert indicator["indicators"] == ["within_limit_rate"]
    assert items["finding"]["case_ids"] == [planted["cases"]["苏0505/民一庭/1/pending"].pk]
    assert any(
        f"/health/findings/{planted['finding'].pk}/" in x["url"] for x in items["finding"]["links"]
    )
    assert items["target"]["facts"]["status"] == "off_track"
    assert items["outlook"]["case_ids"] == [planted["old_case"].pk]
    assert "outlook=12_30" in items["outlook"]["links"][0]["url"]


def test_a_division_meeting_sees_only_its_own_problems(planted):
    unit = ScopeKey.of(court=planted["a"], division=planted["criminal"])
    agenda = agenda_build(user=planted["office"], unit=unit, month=MONTH)
    kinds = sorted(item["kind"] for item in agenda.items)
    assert kinds == ["abnormality", "outlook"]


def _meeting(planted, **kw):
    return meeting_create(
        actor=planted["office"],
        unit=ScopeKey.of(court=planted["a"]),
        month=MONTH,
        held_on=D(2025, 4, 3),
        attendees="院长、各庭庭长",
        **kw,
    )


def test_a_meeting_freezes_its_agenda_and_is_on_the_trail(planted):
    meeting = _meeting(planted)
    assert len(meeting.agenda) == 5
    assert TraceEntry.objects.filter(kind=TraceKind.MEETING_HELD, court=planted["a"]).exists()
    # Later changes do not change the minutes.
    IndicatorValue.objects.filter(division=planted["civil"]).update(value=99.0)
    meeting.refresh_from_db()
    assert any(item["kind"] == "indicator" for item in meeting.agenda)


def test_decisions_become_actions_in_the_owners_queue_done_and_closed(planted):
    meeting = _meeting(planted)
    item = next(item for item in meeting.agenda if item["kind"] == "indicator")
    meeting_note(
        meeting=meeting, actor=planted["office"], item_key=item["key"], note="审限内结案率偏低"
    )
    decision = meeting_decide(
        meeting=meeting, actor=planted["office"], item_key=item["key"],
        text="民一庭月底前清理临期案件", owner=planted["head"], due_on=D(2025, 7, 10),
    )  # fmt: skip
    action = decision.actions.get()
    assert (action.division, action.state) == (planted["civil"], MeetingActionState.OPEN)
    assert TraceEntry.objects.filter(kind=TraceKind.MEETING_DECIDED).exists()
    # 跟踪问效: the action is followed up with its item's indicator.
    from supervision.models import EffectTrack

    track = EffectTrack.objects.get(source="meeting_action", object_id=action.pk)
    assert track.indicators == ["within_limit_rate"]
    # The owner's queue, and nobody else's.
    assert [(q.kind, q.pk) for q in queue(planted["head"])] == [("meeting_action", action.pk)]
    assert not [q for q in queue(planted["judge"]) if q.kind.startswith("meeting")]
    # Only the owner reports it done.
    with pytest.raises(Refused):
        meeting_action_done(action=action, actor=planted["office"], note="代报")
    meeting_action_done(action=action, actor=planted["head"], note="已清理 12 件")
    assert not [q for q in queue(planted["head"]) if q.kind.startswith("meeting")]
    assert [(q.kind, q.pk) for q in queue(planted["office"]) if q.kind.startswith("meeting")] == [
        ("meeting_action_done", action.pk)
    ]
    with pytest.raises(Refused):
        meeting_action_close(action=action, actor=planted["b_office"], note="")
    meeting_action_close(action=action, actor=planted["office"], note="核实无误")
    action.refresh_from_db()
    assert action.state == MeetingActionState.CLOSED and action.closed_by == planted["office"]
    assert TraceEntry.objects.filter(kind=TraceKind.MEETING_ACTION_DONE).count() == 2
    meeting.refresh_from_db()
    assert meeting.notes[item["key"]] == "审限内结案率偏低"


def test_bad_decisions_are_refused_with_a_reason(planted):
    meeting = _meeting(planted)
    key = meeting.agenda[0]["key"]
    office = planted["office"]
    cases = [
        dict(item_key="nope", text="x", owner=planted["head"], due_on=D(2025, 7, 1)),
        dict(item_key=key, text=" ", owner=planted["head"], due_on=D(2025, 7, 1)),
        dict(item_key=key, text="x", owner=None, due_on=D(2025, 7, 1)),
        dict(item_key=key, text="x", owner=planted["b_office"], due_on=D(2025, 7, 1)),
        dict(item_key=key, text="x", owner=planted["head"], due_on=D(2025, 4, 1)),
    ]
    for fields in cases:
        with pytest.raises(ValidationError):
            meeting_decide(meeting=meeting, actor=office, **fields)
    with pytest.raises(Refused):
        meeting_decide(meeting=meeting, actor=planted["head"], item_key=key, text="x",
                       owner=planted["head"], due_on=D(2025, 7, 1))  # fmt: skip
    with pytest.raises(Refused):
        meeting_create(actor=planted["b_office"], unit=ScopeKey.of(court=planted["a"]),
                       month=MONTH, held_on=D(2025, 4, 3))  # fmt: skip
    assert not MeetingAction.objects.exists()


def test_an_open_action_is_reminded_to_its_owner(planted, settings):
    meeting = _meeting(planted)
    key = meeting.agenda[0]["key"]
    meeting_decide(meeting=meeting, actor=planted["office"], item_key=key, text="按期整改",
                   owner=planted["head"], due_on=D(2025, 6, 30))  # fmt: skip
    reminders_send_due(day=D(2025, 6, 30))
    reminded = Reminder.objects.filter(subject_kind=ReminderSubject.MEETING_ACTION)
    assert {r.recipient for r in reminded} == {planted["head"]}


def test_the_month_summary_counts_meetings_and_actions(planted):
    meeting = _meeting(planted)
    key = meeting.agenda[0]["key"]
    for owner in (planted["head"], planted["judge"]):
        meeting_decide(meeting=meeting, actor=planted["office"], item_key=key, text="整改",
                       owner=owner, due_on=D(2025, 4, 20))  # fmt: skip
    action = MeetingAction.objects.filter(owner=planted["head"]).get()
    meeting_action_done(action=action, actor=planted["head"], note="完成")
    summary = month_summary(unit=ScopeKey.of(court=planted["a"]), month=D(2025, 4, 1))
    assert (len(summary["meetings"]), summary["actions"], summary["open"], summary["done"]) == (
        1, 2, 1, 1,
    )  # fmt: skip
    assert summary["overdue"] == 1
    assert Case.objects.exists()
    assert Meeting.objects.count() == 1


# --- the API ----------------------------------------------------------------------------------


def _api(user):
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_previews_holds_decides_and_the_owner_reports_done(planted):
    office, head = planted["office"], planted["head"]
    api = _api(office)
    preview = api.get("/api/v1/meetings/agenda/", {"court": planted["a"].code, "month": "2025-03"})
    assert preview.status_code == 200, preview.content
    assert len(preview.json()["items"]) == 5
    # Bad input: a clear reason, never a 500.
    for body in (
        {"court": planted["a"].code, "month": "2025-13", "held_on": "2025-04-03"},
        {"court": planted["a"].code, "month": "三月", "held_on": "2025-04-03"},
        {"court": planted["a"].code, "month": "2025-03", "held_on": "not a day"},
        {"court": planted["a"].code, "month": "2025-03", "held_on": "2025-02-01"},
    ):
        answer = api.post("/api/v1/meetings/", body, format="json")
        assert answer.status_code == 400, (body, answer.content)
    assert api.post("/api/v1/meetings/", {"court": "苏0506", "month": "2025-03",
                    "held_on": "2025-04-03"}, format="json").status_code == 404  # fmt: skip
    made = api.post(
        "/api/v1/meetings/",
        {"court": planted["a"].code, "month": "2025-03", "held_on": "2025-04-03"},
        format="json",
    )
    assert made.status_code == 201, made.content
    meeting = made.json()
    key = meeting["agenda"][0]["key"]
    decided = api.post(
        f"/api/v1/meetings/{meeting['id']}/decide/",
        {"item": key, "text": "限期整改", "owner": head.pk, "due_on": "2025-07-10"},
        format="json",
    )
    assert decided.status_code == 201, decided.content
    (action,) = decided.json()["actions"]
    assert api.post(f"/api/v1/meeting-actions/{action['id']}/done/", {"note": "代报"},
                    format="json").status_code == 403  # fmt: skip
    owner = _api(head)
    assert owner.post(f"/api/v1/meeting-actions/{action['id']}/done/", {"note": ""},
                      format="json").status_code == 400  # fmt: skip
    done = owner.post(f"/api/v1/meeting-actions/{action['id']}/done/", {"note": "已完成"},
                      format="json")  # fmt: skip
    assert done.status_code == 200 and done.json()["state"] == "done"
    closed = api.post(f"/api/v1/meeting-actions/{action['id']}/close/", {}, format="json")
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    # The judge sees no meetings, and only their own actions.
    judge = _api(planted["judge"])
    assert judge.get("/api/v1/meetings/").status_code == 403
    assert judge.get("/api/v1/meeting-actions/").json()["count"] == 0


def test_the_pages_reshow_bad_input(planted, client):
    client.force_login(planted["office"])
    url = f"/reports/meetings/new/?court={planted['a'].pk}&month=2025-03"
    answer = client.post(url, {"held_on": "not a day"})
    assert answer.status_code == 200
    assert not Meeting.objects.exists()
    assert client.get("/reports/meetings/new/?court=x").status_code == 404
    assert client.get(f"/reports/meetings/new/?court={planted['b'].pk}").status_code == 404
    answer = client.get(f"/reports/meetings/new/?court={planted['a'].pk}&month=2025-99")
    assert answer.status_code == 200 and "月份格式应为 YYYY-MM" in answer.content.decode()
    meeting = _meeting(planted)
    page = f"/reports/meetings/{meeting.pk}/"
    answer = client.post(page, {"action": "decide", "item": meeting.agenda[0]["key"], "text": "x",
                                "owner": "abc", "due_on": "2025-07-01"})  # fmt: skip
    assert answer.status_code == 200 and not MeetingAction.objects.exists()
    body = {"action": "decide", "item": "nope", "text": "x", "owner": planted["head"].pk,
            "due_on": "2025-07-01"}  # fmt: skip
    answer = client.post(page, body, follow=True)
    assert "议题不存在" in answer.content.decode()
    assert client.get(f"/reports/meetings/{meeting.pk}/minutes.pdf").status_code == 200


def test_the_monthly_review_section_reads_the_month(planted):
    from django.template.loader import render_to_string

    from reports.monthly.meetings import meetings_section

    unit = ScopeKey.of(court=planted["a"])
    assert meetings_section(unit, D(2025, 4, 1)) is None
    meeting = _meeting(planted)
    meeting_decide(meeting=meeting, actor=planted["office"], item_key=meeting.agenda[0]["key"],
                   text="整改", owner=planted["head"], due_on=D(2025, 4, 20))  # fmt: skip
    section = meetings_section(unit, D(2025, 4, 1))
    assert section["actions"] == 1 and section["meetings"][0]["held_on"] == "2025-04-03"
    html = render_to_string("reports/_monthly_meetings.html", {"report": {"meetings": section}})
    assert "本月召开数据会商 1 次" in html and planted["a"].name in html
    assert meetings_section(ScopeKey.of(court=planted["b"]), D(2025, 4, 1)) is None
