"""The walker's 评查 (case quality review campaigns), built through the services.

A scoring sheet and a campaign in 苏0505 (by its office, on chosen cases) and in 苏0506 (by
its office). Every case is reviewed by a leader of 苏05 (the intermediate court: never the
case's own court), who is none of the identities under test. Per slot:

    quality_review          a case assigned, not scored (J1: J1's closed case)
    rectification           a case scored 差错, its rectification open
    rectification_answered  (J1, B) a rectification answered by the judge, for the office
    quality_campaign        (J1, B) the court's campaign; J1's has one case without a reviewer
    quality_sheet           (J1, B) the court's sheet
"""

from __future__ import annotations

import datetime
from decimal import Decimal

D = datetime.date
ITEMS = "事实认定｜30\n法律适用｜30\n程序｜20\n文书｜20"
ERROR = {"事实认定": "30", "法律适用": "20"}  # 50 points: 差错


def world_quality(world) -> None:
    from cases.choices import Role
    from supervision.choices import QualitySource
    from supervision.models import QualityReview
    from supervision.services import quality as services
    from tests.factories import UserFactory
    from tests.routes.world import COURT_OFFICE, SLOT_JUDGE_USER, username

    users, objects = world.users, world.objects
    reviewer = UserFactory(
        username=username("q-reviewer"), role=Role.COURT_LEADER, court=world.courts["C"]
    )

    def put(kind: str, slot: str, obj) -> None:
        objects.setdefault(kind, {})[slot] = obj.pk

    # (court, slot -> {kind: case state}) of each campaign.
    plans = {
        "A": {
            "J1": {"quality_review": "closed", "rectification": "spare",
                   "rectification_answered": "reversed", "unassigned": "long"},
            "J2": {"quality_review": "reversed", "rectification": "closed"},
            "CR": {"quality_review": "reversed", "rectification": "closed"},
        },
        "B": {
            "B": {"quality_review": "reversed", "rectification": "closed",
                  "rectification_answered": "spare"},
        },
    }  # fmt: skip
    for court_key, slots in plans.items():
        office = users[COURT_OFFICE[court_key]]
        court = world.courts[court_key]
        sheet = services.quality_sheet_create(
            name=f"RT评查表-{court_key}",
            court=court,
            items=services.parse_items(ITEMS),
            actor=office,
        )
        cases = {
            (slot, kind): world.case(slot, state)
            for slot, kinds in slots.items()
            for kind, state in kinds.items()
        }
        campaign = services.quality_campaign_open(
            name=f"RT评查活动-{court_key}",
            court=court,
            closed_from=D(2024, 1, 1),
            closed_to=D(2025, 6, 30),
            sheet=sheet,
            sources=[QualitySource.CHOSEN],
            case_ids=[case.pk for case in cases.values()],
            actor=office,
        )
        slot_of_court = "J1" if court_key == "A" else "B"
        put("quality_campaign", slot_of_court, campaign)
        put("quality_sheet", slot_of_court, sheet)
        items = {item.name: item.pk for item in sheet.items.all()}
        for (slot, kind), case in cases.items():
            review = QualityReview.objects.get(campaign=campaign, case=case)
            if kind == "unassigned":
                continue
            # Reviewers across courts: named by the city's office (苏05).
            services.quality_reviewer_set(review=review, reviewer=reviewer, actor=users["c-office"])
            if kind == "quality_review":
                put(kind, slot, review)
                continue
            review = services.quality_review_score(
                review=review,
                deductions={
                    items[name]: (Decimal(points), f"RT扣分-{slot}")
                    for name, points in ERROR.items()
                },
                opinion=f"RT评查结论-{slot}",
                actor=reviewer,
            )
            rectification = review.rectification
            if kind == "rectification_answered":
                rectification = services.rectification_answer(
                    rectification=rectification,
                    answer=f"RT整改情况-{slot}",
                    actor=users[SLOT_JUDGE_USER[slot]],
                )
            put(kind, slot, rectification)
