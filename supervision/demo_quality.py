"""The demo's 评查 (case quality review): the city office's scoring sheet, a routine campaign
over the basic court's cases closed in the last half year (5% per judge, from a fixed seed),
reviewed by the city court's office and leader (never the basic court's own people), most
cases scored, and the rectifications of the flawed ones — the demo judge's answered and
accepted, another answered awaiting the office, others still open (one overdue)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from cases.demo.steps import on_day
from cases.models import Case
from supervision.choices import QualitySource
from supervision.models import QualityCampaign, QualityReview, Rectification, ScoringSheet
from supervision.services import quality as services

DAY = datetime.timedelta(days=1)
SHEET_ITEMS = (
    "立案审查｜10｜2,5,10\n"
    "事实认定｜25｜5,10,15,25\n"
    "证据采信｜15｜3,5,10,15\n"
    "法律适用｜25｜5,10,15,25\n"
    "审理程序｜15｜3,5,10,15\n"
    "裁判文书｜10｜1,2,5,10"
)
# (points per item name) of the scored cases, in turn: most are fine, some flawed, one wrong.
PLANS = [
    {},
    {"裁判文书": "2"},
    {},
    {"审理程序": "3", "裁判文书": "1"},
    {"事实认定": "15", "审理程序": "10"},  # 瑕疵 (75)
    {},
    {"证据采信": "5"},
    {"事实认定": "25", "法律适用": "25"},  # 差错 (50)
]


def _act(day, service, **kwargs):
    with on_day(day):
        return service(**kwargs)


def quality_demo(context) -> None:
    from supervision.demo import Cast, _moment

    cast = Cast(context.today)
    today = context.today
    rng = context.rng("quality")
    opened_on = today - 40 * DAY
    sheet = _act(
        opened_on - 5 * DAY,
        services.quality_sheet_create,
        name=_("案件质量评查表（通用）"),
        court=None,
        items=services.parse_items(SHEET_ITEMS),
        actor=cast.office,
        note=_("依据案件质量评查办法制定"),
    )
    ScoringSheet.objects.filter(pk=sheet.pk).update(created_at=_moment(opened_on - 5 * DAY))
    # The demo judge's latest closed case too (chosen), so that their rectification is shown
    # however few cases a small demo gives them in the sampled period.
    mine = list(
        Case.objects.filter(
            judge_id=cast.judge.judge_id, court=cast.basic, closed_on__lte=opened_on
        )
        .order_by("-closed_on", "pk")
        .values_list("pk", flat=True)[:1]
    )
    campaign = _act(
        opened_on,
        services.quality_campaign_open,
        name=_("%(year)s年常规案件质量评查") % {"year": today.year},
        court=cast.basic,
        closed_from=today - 200 * DAY,
        closed_to=today - 45 * DAY,
        sheet=sheet,
        actor=cast.office,
        sources=[QualitySource.ROUTINE, *([QualitySource.CHOSEN] if mine else [])],
        case_ids=mine,
        share_percent=Decimal("5"),
        seed=rng.randrange(1, 2**31),
        score_due_on=today + 10 * DAY,
        rectify_days=15,
        note=_("交叉评查：由市中院审管办、院领导评查，不评本院案件"),
    )
    QualityCampaign.objects.filter(pk=campaign.pk).update(created_at=_moment(opened_on))
    _act(
        opened_on + DAY,
        services.quality_reviewers_assign,
        campaign=campaign,
        pool=[cast.office, cast.leader],
        actor=cast.office,
    )
    items = {item.name: item.pk for item in sheet.items.all()}
    # The demo judge's cases first, so that their rectification is in the story.
    reviews = sorted(
        QualityReview.objects.filter(campaign=campaign).select_related("case", "reviewer"),
        key=lambda review: (review.case.judge_id != cast.judge.judge_id, review.case_id),
    )
    scored = reviews[: max(1, len(reviews) * 4 // 5)]
    for index, review in enumerate(scored):
        plan = PLANS[(index + 4) % len(PLANS)] if index else PLANS[4]
        day = min(opened_on + (3 + index % 30) * DAY, today - DAY)
        _act(
            day,
            services.quality_review_score,
            review=review,
            deductions={
                items[name]: (points, _("经评查发现%(item)s存在问题") % {"item": name})
                for name, points in plan.items()
            },
            opinion=_("案件整体办理规范") if not plan else _("存在问题，详见扣分项目"),
            actor=review.reviewer,
        )
        QualityReview.objects.filter(pk=review.pk).update(scored_at=_moment(day, 15))
        Rectification.objects.filter(review=review).update(requested_at=_moment(day, 15))
    _rectifications_story(cast, today)


def _rectifications_story(cast, today) -> None:
    from supervision.demo import _moment

    items = list(Rectification.objects.select_related("case").order_by("requested_at", "pk"))
    judge_items = [item for item in items if item.case.judge_id == cast.judge.judge_id]
    if judge_items:
        first = judge_items[0]
        day = min(first.due_on - 3 * DAY, today - 2 * DAY)
        _act(day, services.rectification_answer, rectification=first,
             answer=_("已组织合议庭复查，补强证据说理，并在庭内通报。"),
             actor=cast.judge)  # fmt: skip
        _act(min(day + 2 * DAY, today), services.rectification_decide, rectification=first,
             accept=True, note=_("整改到位"), actor=cast.office_basic)  # fmt: skip
        Rectification.objects.filter(pk=first.pk).update(
            answered_at=_moment(day, 16), decided_at=_moment(min(day + 2 * DAY, today), 9)
        )
    # One overdue: asked long enough ago that its due date passed.
    rest = [item for item in items if item.case.judge_id != cast.judge.judge_id]
    if rest:
        Rectification.objects.filter(pk=rest[0].pk).update(due_on=today - 3 * DAY)


def quality_demo_reset() -> None:
    QualityCampaign.objects.all().delete()
    ScoringSheet.objects.update(previous=None)
    ScoringSheet.objects.filter(Q(pk__isnull=False)).delete()
