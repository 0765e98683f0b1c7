"""What supervision does when other apps announce something: after the nightly computation,
the abnormality detection (研判) of that day."""

from __future__ import annotations

import datetime

from django.dispatch import receiver

from metrics.nightly import nightly_computed
from supervision.services.abnormality import DETECTION_PERIOD, abnormalities_detect


@receiver(nightly_computed, dispatch_uid="supervision-abnormality-detection")
def detect_after_nightly(sender, *, as_of: datetime.date, periods, **kwargs) -> None:
    """Cheap (the stored values of the day's courts and divisions), so it runs in the nightly's
    worker right after the commit: the drafts are there when the office arrives. A failure is
    logged by the signal; `supervision.tasks.detect_abnormalities` runs it again."""
    if DETECTION_PERIOD in periods:
        abnormalities_detect(as_of=as_of)
