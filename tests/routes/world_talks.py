"""The walker's 约谈提醒 (issue 12, item 1): for each slot, a talk the slot court's office
recorded with the slot's judge (conducted by that court's leader), with one commitment owned by
the slot's judge — J1's by the judge under test. `world.objects["talk"]` and
`["talk_commitment"]` by slot."""

from __future__ import annotations

import datetime

D = datetime.date
COURT_OFFICE = {"A": "office", "B": "b-office"}
COURT_LEADER = {"A": "court_leader", "B": "b-leader"}


def build(world) -> None:
    from reports.talks.services import talk_record
    from tests.routes.world import SLOT_JUDGE_USER, SLOTS

    talks, commitments = {}, {}
    for slot, judge_key in SLOTS.items():
        judge = world.judges[judge_key]
        court = judge_key.split("/")[0]
        talk = talk_record(
            actor=world.users[COURT_OFFICE[court]],
            court_id=judge.court_id,
            division_id=judge.division_id,
            judge_id=judge.pk,
            held_on=D(2025, 6, 20),
            conducted_by=world.users[COURT_LEADER[court]],
            attendees=f"RT约谈参加-{slot}",
            problems=f"RT约谈问题-{slot}",
            commitments=[
                {
                    "text": f"RT约谈承诺-{slot}",
                    "owner": world.users[SLOT_JUDGE_USER[slot]],
                    "due_on": D(2025, 7, 10),
                }
            ],
        )
        talks[slot] = talk.pk
        commitments[slot] = talk.commitments.get().pk
    world.objects["talk"] = talks
    world.objects["talk_commitment"] = commitments
