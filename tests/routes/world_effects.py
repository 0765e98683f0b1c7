"""The walker's 跟踪问效 (issue 12, item 5): for each slot, a tracked action on the slot's unit
(J1, J2, B: the judge; CR: the division) about the slot judge's pending case and the walker's
indicator, started on 2025-05-31 (the values of that day are stored: the baseline names the
unit's peers), and one about the case only, started on 2025-05-01, whose 30-day check is
written (its case states by case id). Slot C: a track of the city. The tracks of the world's
notices, inquiries and campaigns are made by their services."""

from __future__ import annotations

import datetime

from cases.units import ScopeKey

D = datetime.date
FIRST_ID = 7_700_000


def build(world) -> None:
    from supervision.services.effects import effects_check_due, track_effect
    from tests.routes.world import DIVISION_SLOTS, INDICATOR, SLOTS

    ids = iter(range(FIRST_ID, FIRST_ID + 100))
    for slot, judge_key in SLOTS.items():
        judge = world.judges[judge_key]
        if slot == "CR":
            division = world.divisions[DIVISION_SLOTS["CR"]]
            unit = ScopeKey.of(court=division.court_id, division=division)
        else:
            unit = ScopeKey.of(court=judge.court_id, division=judge.division_id, judge=judge)
        case = world.case(slot)
        track = track_effect(
            source="talk",
            object_id=next(ids),
            unit=unit,
            slugs=[INDICATOR],
            case_ids=[case.pk],
            started_on=D(2025, 5, 31),
            title=f"RT问效-{slot}",
        )
        world.objects.setdefault("effect", {})[slot] = track.pk
        track_effect(
            source="meeting_action",
            object_id=next(ids),
            unit=unit,
            case_ids=[case.pk],
            started_on=D(2025, 5, 1),
            title=f"RT问效案件-{slot}",
        )
    city = track_effect(
        source="talk",
        object_id=next(ids),
        unit=ScopeKey.city(),
        slugs=[INDICATOR],
        started_on=D(2025, 5, 31),
        title="RT问效-C",
    )
    world.objects["effect"]["C"] = city.pk
    effects_check_due(D(2025, 6, 30))
