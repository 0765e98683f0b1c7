"""评查's pages for the accessibility walk (tests/courtdash/test_pages_a11y.py): the lists, and
one object of each kind the demo made (a campaign, a review, a rectification, a sheet)."""

from __future__ import annotations


def quality_pages() -> list[str]:
    from supervision.models import QualityCampaign, QualityReview, Rectification, ScoringSheet

    objects = [
        (QualityCampaign, "/supervision/quality/{}/"),
        (QualityReview.objects.filter(state="scored"), "/supervision/quality/reviews/{}/"),
        (QualityReview.objects.filter(state="pending"), "/supervision/quality/reviews/{}/"),
        (Rectification, "/supervision/quality/rectifications/{}/"),
        (ScoringSheet, "/supervision/quality/sheets/{}/"),
    ]
    found = []
    for rows, url in objects:
        rows = rows.objects.all() if hasattr(rows, "objects") else rows
        pk = rows.order_by("pk").values_list("pk", flat=True).first()
        if pk:
            found.append(url.format(pk))
    return [
        "/supervision/quality/",
        "/supervision/quality/new/",
        "/supervision/quality/rectifications/",
        "/supervision/quality/sheets/",
        "/supervision/quality/results/",
        *found,
    ]
