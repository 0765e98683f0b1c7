"""The walker's 数据会商 (issue 12, item 4): a meeting for each slot's unit — J1: 苏0505/民一庭,
CR: 苏0505/刑事审判庭, ACOURT: 苏0505, B: 苏0506, C: the city — each with one agenda item (key
"rt:item", about the meeting's unit) and a decision; actions ("meeting_action", open) owned by
the slot's person — J1: the judge under test, J2: their colleague (both of 民一庭's meeting),
CR: 刑事审判庭's head, ACOURT: 苏0505's office, B: 苏0506's office, C: the city's office (a
judge's action is about the judge: a finding of the division's meeting) — and for J1 and B an
action reported done ("meeting_action_done") awaiting closing."""

from __future__ import annotations

import datetime

from django.utils import timezone

D = datetime.date
ITEM = "rt:item"


def _agenda(unit: dict, title: str) -> list[dict]:
    return [
        {
            "key": ITEM,
            "kind": "indicator",
            "kind_label": "指标未达预警线",
            "unit": {**unit, "title": title},
            "title": f"{title} RT走查议题",
            "evidence": ["RT走查依据"],
            "links": [],
            "indicators": ["clearance_rate"],
            "case_ids": [],
            "facts": {},
        }
    ]


def build(world) -> None:
    from reports.models import Meeting, MeetingAction, MeetingActionState, MeetingDecision
    from tests.routes.world import DIVISION_SLOTS

    units = {
        "J1": world.unit_of_key(DIVISION_SLOTS["J1"]),
        "CR": world.unit_of_key(DIVISION_SLOTS["CR"]),
        "ACOURT": world.unit_of_key("A"),
        "B": world.unit_of_key("B"),
        "C": {},
    }
    owners = {"J1": "office", "CR": "office", "ACOURT": "office", "B": "b-office", "C": "c-office"}
    meetings = {}
    for slot, unit in units.items():
        court, division = unit.get("court"), unit.get("division")
        scope = "division" if division else "court" if court else "city"
        ids = {
            "scope": scope,
            "court_id": court.pk if court else None,
            "division_id": division.pk if division else None,
            "judge_id": None,
        }
        title = " ".join(x.name for x in (court, division) if x) or "全市"
        meeting = Meeting.objects.create(
            scope=scope,
            court=court,
            division=division,
            month=D(2025, 5, 1),
            held_on=D(2025, 6, 5),
            title=title,
            attendees="RT走查参会人员",
            agenda=_agenda(ids, title),
            agenda_as_of=D(2025, 5, 31),
            created_by=world.users[owners[slot]],
        )
        meetings[slot] = (meeting, ids)
        world.objects.setdefault("meeting", {})[slot] = meeting.pk

    def action(slot, meeting_slot, owner, state=MeetingActionState.OPEN):
        meeting, ids = meetings[meeting_slot]
        judge = world.users[owner].judge
        if judge is not None and meeting.division_id == judge.division_id:
            # An item about the judge (a health-check finding of a division's meeting).
            ids = {**ids, "scope": "judge", "judge_id": judge.pk}
        decision = MeetingDecision.objects.create(
            meeting=meeting, item_key=ITEM, text=f"RT走查决定-{slot}", decided_by=meeting.created_by
        )
        done = state != MeetingActionState.OPEN
        return MeetingAction.objects.create(
            decision=decision,
            meeting=meeting,
            scope=ids["scope"],
            court_id=ids["court_id"],
            division_id=ids["division_id"],
            judge_id=ids["judge_id"],
            task=f"RT走查事项-{slot}-{state}",
            owner=world.users[owner],
            due_on=D(2025, 7, 15),
            state=state,
            done_note="RT走查办理情况" if done else "",
            done_at=timezone.now() if done else None,
        )

    open_owners = {
        "J1": ("J1", "judge"),
        "J2": ("J1", "a2-judge"),
        "CR": ("CR", "acr-head"),
        "ACOURT": ("ACOURT", "office"),
        "B": ("B", "b-office"),
        "C": ("C", "c-office"),
    }
    for slot, (meeting_slot, owner) in open_owners.items():
        world.objects.setdefault("meeting_action", {})[slot] = action(slot, meeting_slot, owner).pk
    for slot, (meeting_slot, owner) in {"J1": ("J1", "judge"), "B": ("B", "b-judge")}.items():
        done = action(f"{slot}-done", meeting_slot, owner, MeetingActionState.DONE)
        world.objects.setdefault("meeting_action_done", {})[slot] = done.pk
