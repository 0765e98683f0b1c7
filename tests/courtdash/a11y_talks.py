"""约谈提醒's pages for the accessibility walk (tests/courtdash/test_pages_a11y.py): the talks,
the suggestions, the new-talk form (blank and from the demo division's suggestion), the demo's
first talk and its commitments, and the rules' settings."""

from __future__ import annotations


def talks_pages() -> list[str]:
    from reports.models import Talk, TalkCommitment

    found = []
    talk = Talk.objects.order_by("pk").first()
    if talk is not None:
        found.append(f"/reports/talks/{talk.pk}/")
        unit = f"court={talk.court_id}" + (
            f"&division={talk.division_id}" if talk.division_id else ""
        )
        found.append(f"/reports/talks/new/?{unit}&suggested=1")
    found += [
        f"/reports/talks/commitments/{pk}/"
        for pk in TalkCommitment.objects.order_by("pk").values_list("pk", flat=True)[:2]
    ]
    return [
        "/reports/talks/",
        "/reports/talks/suggestions/",
        "/reports/talks/new/",
        "/reports/settings/talks/",
        *found,
    ]
