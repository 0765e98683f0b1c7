"""拟发改再事先沟通's pages for the a11y walk (tests/courtdash/test_pages_a11y.py): the list, the
quarterly figures, the consultation the demo made first, and the form on a pending appeal."""

from __future__ import annotations


def consultation_pages() -> list[str]:
    from cases.models import Case
    from supervision.models import Consultation

    paths = ["/supervision/consultations/", "/supervision/consultations/figures/"]
    first = Consultation.objects.order_by("pk").values_list("pk", flat=True).first()
    if first:
        paths.append(f"/supervision/consultations/{first}/")
    appeal = (
        Case.objects.filter(procedure="second_instance", closed_on__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if appeal:
        paths.append(f"/supervision/cases/{appeal}/consult/")
    return paths
