"""评查 (case quality review campaigns): what the pages, the API, the queue and the monthly
review read. Every count is over the reviews the viewer may see (`in_scope`), and every
number has its case list: `results_reviews` with the same filters."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, Q, QuerySet, Sum

from cases.choices import Scope
from cases.units import CHILD_SCOPE, ScopeKey
from supervision.choices import QualityGrade, QualityReviewState, RectificationState
from supervision.models import QualityCampaign, QualityDeduction, QualityReview, Rectification

SCORED = QualityReviewState.SCORED
GRADES = [grade for grade, _label in QualityGrade.choices]
REVIEW_RELATED = ("case", "case__court", "case__division", "case__judge", "reviewer", "campaign")


def _grade_counts(prefix: str = "") -> dict:
    return {grade: Count("pk", filter=Q(**{f"{prefix}grade": grade})) for grade in GRADES}


def progress_of(reviews: QuerySet) -> dict:
    """total, scored, unassigned, grades, rectifications (open / answered / accepted)."""
    counts = reviews.aggregate(
        total=Count("pk"),
        scored=Count("pk", filter=Q(state=SCORED)),
        unassigned=Count("pk", filter=Q(reviewer__isnull=True, state=QualityReviewState.PENDING)),
        average=Avg("score", filter=Q(state=SCORED)),
        **_grade_counts(),
    )
    rectified = Rectification.objects.filter(review__in=reviews.values("pk")).aggregate(
        rectifications=Count("pk"),
        rectify_open=Count("pk", filter=Q(state=RectificationState.OPEN)),
        rectify_answered=Count("pk", filter=Q(state=RectificationState.ANSWERED)),
        rectify_accepted=Count("pk", filter=Q(state=RectificationState.ACCEPTED)),
    )
    counts.update(rectified)
    counts["pending"] = counts["total"] - counts["scored"]
    return counts


def campaigns_in_scope(user) -> QuerySet:
    return QualityCampaign.objects.in_scope(user).select_related("court", "sheet", "created_by")


def campaign_rows(user, campaigns) -> list:
    """The campaigns of a page, each with its progress over the reviews the user sees."""
    campaigns = list(campaigns)
    grouped = {
        row["campaign"]: row
        for row in QualityReview.objects.in_scope(user)
        .filter(campaign__in=[campaign.pk for campaign in campaigns])
        .values("campaign")
        .annotate(total=Count("pk"), scored=Count("pk", filter=Q(state=SCORED)))
    }
    for campaign in campaigns:
        row = grouped.get(campaign.pk, {})
        campaign.total = row.get("total", 0)
        campaign.scored = row.get("scored", 0)
    return campaigns


def campaign_reviews(user, campaign: QualityCampaign, *, show: str = "") -> QuerySet:
    rows = QualityReview.objects.in_scope(user).filter(campaign=campaign)
    if show == "pending":
        rows = rows.filter(state=QualityReviewState.PENDING)
    elif show == "unassigned":
        rows = rows.filter(state=QualityReviewState.PENDING, reviewer__isnull=True)
    elif show in GRADES:
        rows = rows.filter(grade=show)
    return rows.select_related(*REVIEW_RELATED, "rectification").order_by("case_id")


def my_reviews(user) -> QuerySet:
    """The cases the user is to score (any court: they are assigned to them)."""
    return (
        QualityReview.objects.filter(reviewer=user, state=QualityReviewState.PENDING)
        .select_related(*REVIEW_RELATED)
        .order_by("campaign__score_due_on", "pk")
    )


def rectifications_for(user) -> QuerySet:
    """The judge: the rectifications of their own cases; others: those in their reach."""
    rows = Rectification.objects.in_scope(user)
    if user.judge_id:
        rows = rows.filter(case__judge_id=user.judge_id)
    return rows.select_related("case", "case__court", "case__division", "case__judge", "review")


def review_visible(user, review: QualityReview) -> bool:
    return review.reviewer_id == user.pk or (
        QualityReview.objects.in_scope(user).filter(pk=review.pk).exists()
    )


# --- results -----------------------------------------------------------------------------------

LEVEL_FIELDS = {
    Scope.COURT: ("case__court_id", "case__court__name"),
    Scope.DIVISION: ("case__division_id", "case__division__name"),
    Scope.JUDGE: ("case__judge_id", "case__judge__name"),
}


def results_reviews(
    user,
    *,
    unit: ScopeKey,
    campaign: QualityCampaign | None = None,
    grade: str = "",
    item: str = "",
) -> QuerySet:
    """The scored reviews behind a number of the results: in the user's scope and the unit,
    of a campaign (None: all in scope), of a grade, with a deduction on an item (by name)."""
    rows = QualityReview.objects.in_scope(user).filter(unit.cases_q("case__"), state=SCORED)
    if campaign is not None:
        rows = rows.filter(campaign=campaign)
    if grade:
        rows = rows.filter(grade=grade)
    if item:
        rows = rows.filter(deductions__item__name=item)
    return rows.select_related(*REVIEW_RELATED).order_by("-score", "case_id").distinct()


def results_by_unit(reviews: QuerySet, unit: ScopeKey) -> list[dict]:
    """One row per unit one level below `unit` (a judge: themselves)."""
    level = CHILD_SCOPE.get(unit.scope, Scope.JUDGE)
    key, name = LEVEL_FIELDS[level]
    rows = (
        reviews.order_by()
        .values(key, name)
        .annotate(
            reviewed=Count("pk"),
            average=Avg("score"),
            deducted=Sum("deduction"),
            **_grade_counts(),
        )
        .order_by(name)
    )
    found = []
    for row in rows:
        unit_key = _child_key(unit, level, row[key])
        found.append(
            {
                "level": str(level),
                "id": row[key],
                "name": row[name],
                "unit": unit_key,
                "reviewed": row["reviewed"],
                "average": row["average"],
                "deducted": row["deducted"],
                "grades": {grade: row[grade] for grade in GRADES},
                "flawed": row[QualityGrade.FLAW] + row[QualityGrade.ERROR],
            }
        )
    return found


def _child_key(unit: ScopeKey, level, pk) -> ScopeKey | None:
    if pk is None:
        return None
    if level == Scope.COURT:
        return ScopeKey(Scope.COURT, pk)
    if level == Scope.DIVISION:
        return ScopeKey(Scope.DIVISION, unit.court_id, pk)
    return ScopeKey(Scope.JUDGE, unit.court_id, unit.division_id, pk) if unit.division_id else None


def results_by_item(reviews: QuerySet) -> list[dict]:
    """Per item of the sheet (by name, across versions): how often and how much it cost."""
    total = reviews.count()
    rows = (
        QualityDeduction.objects.filter(review__in=reviews.order_by().values("pk"))
        .values("item__name")
        .annotate(times=Count("review", distinct=True), points=Sum("points"))
        .order_by("-points", "item__name")
    )
    return [
        {
            "name": row["item__name"],
            "times": row["times"],
            "points": row["points"],
            "share": (100 * row["times"] / total) if total else None,
        }
        for row in rows
    ]


def quality_month(unit: ScopeKey, first: datetime.date, last: datetime.date) -> dict:
    """The monthly review's section: in `unit` (all reviews, no viewer), the cases scored in
    the month by grade, the average score, and rectifications asked, answered, overdue."""
    reviews = QualityReview.objects.filter(unit.cases_q("case__"))
    scored = reviews.filter(state=SCORED, scored_at__date__range=(first, last))
    counts = scored.aggregate(scored=Count("pk"), average=Avg("score"), **_grade_counts())
    rectifications = Rectification.objects.filter(unit.cases_q("case__"))
    rectified = rectifications.aggregate(
        requested=Count("pk", filter=Q(requested_at__date__range=(first, last))),
        answered=Count("pk", filter=Q(answered_at__date__range=(first, last))),
        accepted=Count(
            "pk",
            filter=Q(state=RectificationState.ACCEPTED, decided_at__date__range=(first, last)),
        ),
        overdue=Count(
            "pk",
            filter=Q(state=RectificationState.OPEN, due_on__lt=last, requested_at__date__lte=last),
        ),
    )
    campaigns = QualityCampaign.objects.filter(created_at__date__range=(first, last))
    if unit.court_id is not None:
        campaigns = campaigns.filter(Q(court_id=unit.court_id) | Q(court__isnull=True))
    return {
        "campaigns": campaigns.count(),
        "scored": counts["scored"],
        "average": round(float(counts["average"]), 1) if counts["average"] is not None else None,
        "grades": [
            {"grade": grade, "label": str(label), "count": counts[grade]}
            for grade, label in QualityGrade.choices
        ],
        "pending": reviews.filter(state=QualityReviewState.PENDING).count(),
        "rectifications": rectified,
    }
