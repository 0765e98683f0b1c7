"""Sign-in lockout (django-axes) with two limits.

Axes counts failures per lockout parameter and compares them with one limit
(AXES_FAILURE_LIMIT). Keyed on the username alone, anyone could lock out a known person (the
court's one extension approver) with five wrong passwords; keyed on username + address, a
guesser spreading over many addresses would never be stopped. Axes cannot hold two limits, so
this handler adds the second: AXES_FAILURE_LIMIT failures of one username from one address
lock that pair (AXES_LOCKOUT_PARAMETERS), and COURTDASH_LOCKOUT_USERNAME_LIMIT failures of one
username from all addresses together (within the same cool-off) lock the username everywhere.

A successful sign-in resets only its own address's failures (axes resets what the lockout
parameters select), so a guesser's failures elsewhere still count toward the higher limit.
"""

from __future__ import annotations

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class UsernameAndAddressLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """The failures of this username from this address, raised to the limit when the
        username has reached its own, higher limit over all addresses."""
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        username = get_client_username(request, credentials)
        if failures >= limit or not username:
            return failures
        attempts = AccessAttempt.objects.filter(username=username)
        if settings.AXES_COOLOFF_TIME is not None:
            attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
        everywhere = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
        if everywhere >= settings.COURTDASH_LOCKOUT_USERNAME_LIMIT:
            return max(failures, limit)
        return failures
