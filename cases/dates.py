"""The app's notion of today: COURTDASH_TODAY when set (demos, tests), else the local date; and
the YYYY-MM-DD argument of the management commands."""

import datetime

from django.conf import settings
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.translation import gettext as _


def today() -> datetime.date:
    if settings.COURTDASH_TODAY:
        return datetime.date.fromisoformat(settings.COURTDASH_TODAY)
    return timezone.localdate()


def date_argument(text: str) -> datetime.date:
    """A command's YYYY-MM-DD argument (argparse `type=`), refused in the user's language."""
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(_("日期格式应为 YYYY-MM-DD：%(value)s") % {"value": text}) from None
