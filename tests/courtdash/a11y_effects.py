"""跟踪问效's pages for the a11y walk (tests/courtdash/test_pages_a11y.py): the summary, a kind's
list, and the track the demo checked first (with its values at each mark)."""

from __future__ import annotations


def effects_pages() -> list[str]:
    from supervision.models import EffectCheck, EffectTrack

    paths = ["/supervision/effects/", "/supervision/effects/?kind=campaign"]
    checks = EffectCheck.objects.filter(did__isnull=False).order_by("-did", "pk")
    checked = checks.values_list("track_id", flat=True).first()
    track = checked or EffectTrack.objects.order_by("pk").values_list("pk", flat=True).first()
    if track:
        paths.append(f"/supervision/effects/{track}/")
    return paths
