"""数据会商's pages for the accessibility walk (tests/courtdash/test_pages_a11y.py): the lists,
a new meeting with its agenda preview (last month of the demo's basic court), and the demo's
meeting and one of its actions."""

from __future__ import annotations


def meetings_pages() -> list[str]:
    from cases.demo.people import DEMO_BASIC_COURT
    from cases.models import Court
    from reports.models import Meeting, MeetingAction

    found = []
    meeting = Meeting.objects.order_by("pk").values_list("pk", flat=True).first()
    if meeting:
        found.append(f"/reports/meetings/{meeting}/")
    action = MeetingAction.objects.order_by("-pk").values_list("pk", flat=True).first()
    if action:
        found.append(f"/reports/meetings/actions/{action}/")
    court = Court.objects.filter(code=DEMO_BASIC_COURT).values_list("pk", flat=True).first()
    return [
        "/reports/meetings/",
        "/reports/meetings/new/",
        f"/reports/meetings/new/?court={court}&month=2025-05",
        "/reports/meetings/actions/",
        *found,
    ]
