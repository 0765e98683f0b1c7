"""The app's notion of today: COURTDASH_TODAY when set (demos, tests), else the local date."""

import datetime

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    if settings.COURTDASH_TODAY:
        return datetime.date.fromisoformat(settings.COURTDASH_TODAY)
    return timezone.localdate()
