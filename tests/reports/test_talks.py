"""约谈提醒: the suggestions on planted data (and nothing on a clean city), the rules as data,
recording a talk, the owner's report and the office's check, the work queue, the reminders,
the monthly review's section, the API."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from cases.choices import Role
from cases.permissions import Refused
from cases.units import ScopeKey
from reports.models import Talk, TalkCommitment, TalkRuleSetting
from reports.monthly.talks import talks_section
from reports.talks.choices import CommitmentState
from reports.talks.rules import rules, suggestion_for, suggestions
from reports.talks.services import (
    commitment_close,
    commitment_report,
    talk_record,
    talk_rule_save,
)
from supervision.choices import ReminderSubject, TraceKind
from supervision.models import Notification, Reminder, TraceEntry
from supervision.selectors.queue import queue_rows
from supervision.services.reminders import reminders_send_due
from tests.reports.talks_city import NOT_PLANTED, PLANTED, talks_city, unit_label

D = datetime.date
TODAY = D(2025, 6, 30)


@pytest.fixture
def city(city_courts, city_divisions, city_judges):
    def build(plant=True):
        talks_city(city_courts, city_divisions, city_judges, plant=plant)
        return city_courts, city_divisions, city_judges

    return build


def _found(city_parts, **kw) -> dict[str, list[str]]:
    courts, divisions, judges = city_parts
    return {unit_label(s, courts, divisions, judges): sorted(s.kinds) for s in suggestions(**kw)}


def test_suggestions_fire_for_each_planted_unit_and_no_other(city):
    parts = city(plant=True)
    found = _found(parts)
    assert found == {key: [kind] for kind, key in PLANTED.items()}
    for key in NOT_PLANTED:
        assert key not in found


def test_nothing_is_suggested_on_a_clean_city(city):
    city(plant=False)
    assert suggestions() == []


def test_each_reason_carries_its_evidence_and_links(city):
    courts, divisions, judges = city(plant=True)
    judge = judges["苏0505/民一庭/1"]
    unit = ScopeKey.of(court=judge.court, division=judge.division, judge=judge)
    suggestion = suggestion_for(unit)
    (reason,) = suggestion.reasons
    assert reason["indicator"] == "within_limit_rate"
    assert "连续 3 周" in reason["text"] and "95.00%" in reason["text"]
    weeks = [item for item in reason["evidence"] if "年初至今" in item["label"]]
    assert [item["value"] for item in weeks] == ["90.00%"] * 3
    assert reason["evidence"][-1]["url"].startswith("/metrics/within_limit_rate/cases/")
    assert f"judge={judge.pk}" in reason["evidence"][-1]["url"]
    division = divisions["苏0505/刑事审判庭"]
    findings = suggestion_for(ScopeKey.of(court=division.court, division=division)).reasons[0]
    assert len(findings["evidence"]) == 3
    assert all("/reports/health/findings/" in item["url"] for item in findings["evidence"])
    letters = suggestion_for(
        ScopeKey.of(
            court=courts["苏0506"],
            division=divisions["苏0506/民一庭"],
            judge=judges["苏0506/民一庭/1"],
        )
    ).reasons[0]
    assert "逾期 20 天" in letters["evidence"][0]["value"]
    assert "/supervision/notices/" in letters["evidence"][0]["url"]


def test_suggestions_keep_to_the_unit_asked(city):
    courts, divisions, judges = city(plant=True)
    found = _found((courts, divisions, judges), unit=ScopeKey.of(court=courts["苏0505"]))
    assert set(found) == {"苏0505/民一庭/1", "苏0505/刑事审判庭"}


def test_a_rule_switched_off_or_tightened_by_the_city_office(city, city_user):
    courts, divisions, judges = city(plant=True)
    office = city_user(Role.OFFICE, "苏05")
    talk_rule_save(kind="below_warning", enabled=False, params={}, actor=office, note="试行")
    assert "苏0505/民一庭/1" not in _found((courts, divisions, judges))
    assert rules()["below_warning"]["enabled"] is False
    # Two weeks are enough: the near miss fires too.
    talk_rule_save(kind="below_warning", enabled=True, params={"weeks": 2}, actor=office)
    found = _found((courts, divisions, judges))
    assert "苏0505/民一庭/1" in found and "苏0505/民一庭/2" in found
    assert TalkRuleSetting.objects.count() == 2
    assert TraceEntry.objects.filter(kind=TraceKind.TALK_RULE_CHANGED).count() == 2
    assert (
        talk_rule_save(kind="below_warning", enabled=True, params={"weeks": 2}, actor=office)
        is None
    )


def test_only_the_city_office_changes_the_rules(city_user):
    basic_office = city_user(Role.OFFICE, "苏0505")
    with pytest.raises(Refused):
        talk_rule_save(kind="below_warning", enabled=False, params={}, actor=basic_office)
    assert not TalkRuleSetting.objects.exists()
    assert TraceEntry.objects.filter(kind=TraceKind.REFUSED).exists()


def _talk(city_user, judges, **kw):
    office = city_user(Role.OFFICE, "苏0505", username="office-a")
    leader = city_user(Role.COURT_LEADER, "苏0505", username="leader-a")
    owner = city_user(Role.JUDGE, "苏0505/民一庭/1", username="judge-a1")
    judge = judges["苏0505/民一庭/1"]
    talk = talk_record(
        actor=office,
        court_id=judge.court_id,
        division_id=judge.division_id,
        judge_id=judge.pk,
        held_on=D(2025, 6, 2),
        conducted_by=leader,
        attendees="庭长",
        problems="法定审限内结案率连续三周低于预警线",
        commitments=[{"text": "两周内审结到期案件", "owner": owner, "due_on": D(2025, 6, 30)}],
        **kw,
    )
    return talk, office, leader, owner


def test_a_talk_is_recorded_with_its_commitments_on_the_trail(city_judges, city_user):
    talk, office, _leader, owner = _talk(city_user, city_judges)
    (commitment,) = talk.commitments.all()
    assert commitment.owner == owner and commitment.state == CommitmentState.OPEN
    entry = TraceEntry.objects.get(kind=TraceKind.TALK_RECORDED)
    assert entry.court_id == talk.court_id and entry.actor == office
    assert entry.detail["commitments"][0]["owner"] == owner.username
    from supervision.models import EffectTrack  # 跟踪问效 follows the talk

    track = EffectTrack.objects.get(source="talk", object_id=talk.pk)
    assert track.url == reverse("reports:talk", args=[talk.pk])


def test_a_talk_outside_ones_reach_or_by_a_judge_is_refused(city_judges, city_user):
    office = city_user(Role.OFFICE, "苏0505")
    judge_user = city_user(Role.JUDGE, "苏0505/民一庭/1")
    other = city_judges["苏0506/民一庭/1"]
    for actor in (office, judge_user):
        with pytest.raises(Refused):
            talk_record(
                actor=actor,
                court_id=other.court_id,
                division_id=other.division_id,
                held_on=D(2025, 6, 2),
                conducted_by=office,
                problems="x",
            )
    assert not Talk.objects.exists()


def test_only_the_owner_reports_and_the_office_checks_it_off(city_judges, city_user):
    talk, _office, leader, owner = _talk(city_user, city_judges)
    commitment = talk.commitments.get()
    colleague = city_user(Role.JUDGE, "苏0505/民一庭/2")
    with pytest.raises(Refused):
        commitment_report(commitment=commitment, report="已办", actor=colleague)
    commitment_report(commitment=commitment, report="已审结 5 件", actor=owner)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.REPORTED
    with pytest.raises(Refused):
        commitment_close(commitment=commitment, actor=owner)
    commitment_close(commitment=commitment, note="属实", actor=leader)
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.DONE and commitment.closed_by == leader
    kinds = set(TraceEntry.objects.values_list("kind", flat=True))
    assert {TraceKind.TALK_COMMITMENT_REPORTED, TraceKind.TALK_COMMITMENT_CLOSED} <= kinds


def test_commitments_in_the_queue_of_the_owner_then_of_the_office(city_judges, city_user):
    talk, office, _leader, owner = _talk(city_user, city_judges)
    commitment = talk.commitments.get()
    assert list(queue_rows(owner, TODAY)["talk_commitment"]) == [commitment]
    assert not queue_rows(office, TODAY)["talk_commitment"].exists()
    commitment_report(commitment=commitment, report="已审结", actor=owner)
    assert not queue_rows(owner, TODAY)["talk_commitment"].exists()
    assert list(queue_rows(office, TODAY)["talk_commitment"]) == [commitment]


def test_the_owner_is_reminded_on_the_due_day_and_the_head_once_overdue(city_judges, city_user):
    talk, _office, _leader, owner = _talk(city_user, city_judges)
    head = city_user(Role.DIVISION_HEAD, "苏0505/民一庭", username="head-a")
    reminders_send_due(day=D(2025, 6, 30))
    message = Notification.objects.get(recipient=owner)
    assert "今日到期" in message.title and "两周内审结到期案件" in message.title
    assert message.url == reverse("reports:talk_commitment", args=[talk.commitments.get().pk])
    reminders_send_due(day=D(2025, 7, 1))
    assert Notification.objects.filter(recipient=head).exists()
    assert Reminder.objects.filter(subject_kind=ReminderSubject.TALK_COMMITMENT).count() >= 3
    entry = TraceEntry.objects.filter(kind=TraceKind.REMINDER_SENT).first()
    assert entry.court_id == talk.court_id


def test_the_monthly_section_counts_talks_and_follow_up(city_judges, city_user):
    _talk(city_user, city_judges)
    judge = city_judges["苏0505/民一庭/1"]
    unit = ScopeKey.of(court=judge.court_id)
    section = talks_section(unit, D(2025, 6, 29), D(2025, 6, 1), D(2025, 6, 30))
    assert section["held"] == 1 and section["talks"][0]["commitments"] == 1
    assert section["follow_up"] == {"made": 1, "due": 1, "done": 0, "open": 1, "overdue": 0}
    section = talks_section(unit, D(2025, 7, 31), D(2025, 7, 1), D(2025, 7, 31))
    assert section["held"] == 0 and section["follow_up"]["overdue"] == 1
    other = ScopeKey.of(court=city_judges["苏0506/民一庭/1"].court_id)
    assert talks_section(other, D(2025, 6, 29), D(2025, 6, 1), D(2025, 6, 30))["held"] == 0


# --- pages and API ----------------------------------------------------------------------------


def test_pages_of_the_office_and_the_owner(client, city, city_user):
    _courts, _divisions, judges = city(plant=True)
    talk, office, _leader, owner = _talk(city_user, judges)
    client.force_login(office)
    page = client.get(reverse("reports:talk_suggestions"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "苏0505/民一庭/1" in text and "苏0506" not in text.replace("苏0506/", "")
    assert client.get(reverse("reports:talks")).status_code == 200
    assert client.get(reverse("reports:talk", args=[talk.pk])).status_code == 200
    judge = judges["苏0505/民一庭/1"]
    form = client.get(
        reverse("reports:talk_new"),
        {"court": judge.court_id, "division": judge.division_id, "judge": judge.pk, "suggested": 1},
    )
    assert "连续 3 周" in form.content.decode()
    client.force_login(owner)
    commitment = talk.commitments.get()
    assert client.get(reverse("reports:talk_commitment", args=[commitment.pk])).status_code == 200
    assert client.get(reverse("reports:talk_suggestions")).status_code == 403
    answer = client.post(
        reverse("reports:talk_commitment", args=[commitment.pk]),
        {"action": "report", "report": "已审结"},
    )
    assert answer.status_code == 302
    commitment.refresh_from_db()
    assert commitment.state == CommitmentState.REPORTED


def test_new_talk_form_rejects_bad_input_with_a_message(client, city_judges, city_user):
    office = city_user(Role.OFFICE, "苏0505")
    client.force_login(office)
    judge = city_judges["苏0505/民一庭/1"]
    answer = client.post(
        reverse("reports:talk_new"),
        {"court": judge.court_id, "held_on": "not a date", "problems": "", "text_1": "x"},
    )
    assert answer.status_code == 200
    assert not Talk.objects.exists()


def test_api_records_reports_and_closes(client, city, city_user):
    _courts, _divisions, judges = city(plant=True)
    office = city_user(Role.OFFICE, "苏0505")
    leader = city_user(Role.COURT_LEADER, "苏0505")
    owner = city_user(Role.JUDGE, "苏0505/民一庭/1")
    judge = judges["苏0505/民一庭/1"]
    client.force_login(office)
    found = client.get("/api/v1/talk-suggestions/").json()
    assert {row["judge"] for row in found["results"] if row["judge"]} == {judge.pk}
    body = {
        "court": "苏0505",
        "judge": judge.pk,
        "held_on": "2025-06-20",
        "conducted_by": leader.pk,
        "problems": "审限内结案率低",
        "from_suggestion": True,
        "commitments": [{"text": "按期结案", "owner": owner.pk, "due_on": "2025-07-20"}],
    }
    created = client.post("/api/v1/talks/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    talk = created.json()
    assert talk["suggestion"]["reasons"][0]["kind"] == "below_warning"
    commitment_id = talk["commitments"][0]["id"]
    bad = client.post("/api/v1/talks/", {**body, "held_on": "x"}, content_type="application/json")
    assert bad.status_code == 400
    client.force_login(owner)
    reported = client.post(
        f"/api/v1/talk-commitments/{commitment_id}/report/",
        {"report": "已办"},
        content_type="application/json",
    )
    assert reported.status_code == 200 and reported.json()["state"] == "reported"
    refused = client.post(f"/api/v1/talk-commitments/{commitment_id}/close/", {})
    assert refused.status_code == 403
    client.force_login(office)
    closed = client.post(f"/api/v1/talk-commitments/{commitment_id}/close/", {"note": "属实"})
    assert closed.status_code == 200 and closed.json()["state"] == "done"
    assert TalkCommitment.objects.get().state == CommitmentState.DONE


def test_the_demo_step_leaves_one_commitment_done_one_open_one_overdue(city, city_user):
    from cases.demo.steps import DemoContext
    from reports.talks.demo import talks_demo, talks_demo_reset

    city(plant=True)
    city_user(Role.OFFICE, "苏05", username="demo_office")
    city_user(Role.COURT_LEADER, "苏05", username="demo_court_leader")
    city_user(Role.DIVISION_HEAD, "苏0505/民一庭", username="demo_division_head")
    city_user(Role.JUDGE, "苏0505/民一庭/1", username="demo_judge")
    talks_demo(DemoContext(today=TODAY, seed=1))
    assert Talk.objects.count() == 2
    rows = list(TalkCommitment.objects.order_by("due_on").values_list("state", "due_on"))
    assert rows[0][0] == CommitmentState.DONE
    assert rows[1] == (CommitmentState.OPEN, TODAY - datetime.timedelta(days=5))  # overdue
    assert rows[2][0] == CommitmentState.OPEN and rows[2][1] > TODAY
    talks_demo_reset()
    assert not Talk.objects.exists()


def test_the_monthly_section_renders_and_goes_into_the_xlsx(city_judges, city_user):
    from django.template.loader import render_to_string
    from openpyxl import Workbook

    from cases.spreadsheets import xlsx_append
    from reports.monthly.talks import talks_sheet

    _talk(city_user, city_judges)
    unit = ScopeKey.of(court=city_judges["苏0505/民一庭/1"].court_id)
    section = talks_section(unit, D(2025, 6, 29), D(2025, 6, 1), D(2025, 6, 30))
    html = render_to_string("reports/_monthly_talks.html", {"report": {"talks": section}})
    assert "本月约谈 1 次" in html and "法定审限内结案率连续三周低于预警线" in html
    headers, rows, widths = talks_sheet(section)
    sheet = Workbook().active
    for row in [headers, *rows]:
        xlsx_append(sheet, row)
    assert sheet["B2"].value.endswith("苏0505/民一庭/1") and len(widths) == len(headers)
