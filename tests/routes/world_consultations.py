"""The walker's 拟发改再事先沟通 (issue 12, item 2): for each slot, the slot judge's closed
first-instance case and three pending retrial cases of it (a basic court retries its own final
case) — one with a consultation awaiting the original judge's answer ("consultation"), one
answered, its outcome to record ("consultation_answered"), one with none ("consult_case", to
open one on). The cases join `world.cases` (so the counts and markers know them); J1's are
joined to the inspector, as J1's other cases are."""

from __future__ import annotations

import datetime

from cases.choices import ClosingMethod
from cases.models import Case, CaseInspector
from cases.services import case_derived_refresh
from tests.factories import CaseFactory

D = datetime.date
RETRIAL_TYPE = {"民一庭": ("民初", "民再"), "刑事审判庭": ("刑初", "刑再")}


def build(world) -> None:
    from supervision.services import consultations as consult
    from tests.routes.world import SLOT_JUDGE_USER, SLOTS

    serial = iter(range(79001, 79999))
    built: dict[str, Case] = {}
    for judge_key in SLOTS.values():
        judge = world.judges[judge_key]
        first, retrial = RETRIAL_TYPE[judge.division.name]
        original = CaseFactory.build(
            judge=judge,
            type_code=first,
            serial=next(serial),
            filed_on=D(2024, 9, 1),
            closed_on=D(2025, 1, 10),
            closing_method=ClosingMethod.JUDGMENT,
        )
        built[f"{judge_key}/consult_original"] = original
        for name in ("consult_awaiting", "consult_answered", "consult_none"):
            built[f"{judge_key}/{name}"] = CaseFactory.build(
                judge=judge,
                type_code=retrial,
                serial=next(serial),
                filed_on=D(2025, 6, 1),
                origin_case_number=original.case_number,
            )
    Case.objects.bulk_create(built.values())
    case_derived_refresh(case_ids=[case.id for case in built.values()])
    stored = Case.objects.select_related("court", "division", "judge").in_bulk(
        [case.id for case in built.values()]
    )
    for key, case in built.items():
        world.cases[key] = stored[case.id]
        if key.startswith(SLOTS["J1"] + "/"):
            CaseInspector.objects.get_or_create(case=stored[case.id], user=world.users["inspector"])

    for slot, judge_key in SLOTS.items():
        judge_user = world.users[SLOT_JUDGE_USER[slot]]

        awaiting, answered = (
            consult.consultation_open(
                case=world.cases[f"{judge_key}/{name}"],
                intention="modify",
                reasons=["fact_finding"],
                reasoning=f"RT沟通理由-{slot}",
                actor=judge_user,
            )
            for name in ("consult_awaiting", "consult_answered")
        )
        consult.consultation_answer(
            consultation=answered,
            answer="agree",
            answer_text=f"RT沟通答复-{slot}",
            actor=judge_user,
        )
        world.objects.setdefault("consultation", {})[slot] = awaiting.pk
        world.objects.setdefault("consultation_answered", {})[slot] = answered.pk
        world.objects.setdefault("consult_case", {})[slot] = world.cases[
            f"{judge_key}/consult_none"
        ].pk
