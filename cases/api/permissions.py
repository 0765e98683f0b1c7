"""The API's door to the one permission table (cases.permissions): a DRF permission class per
action, so a ViewSet says which action it serves and `may()` answers, as on the pages."""

from __future__ import annotations

from functools import cache

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission, IsAuthenticated

from cases.permissions import ACTION_LABELS, Action, may


@cache
def allowed(action: Action) -> type[BasePermission]:
    """`permission_classes = [allowed(Action.RANKINGS)]`: signed in, and may take `action`."""

    class Allowed(IsAuthenticated):
        message = _("您的角色不能%(action)s") % {"action": ACTION_LABELS[action]}

        def has_permission(self, request, view) -> bool:
            return super().has_permission(request, view) and may(request.user, action)

    Allowed.__name__ = Allowed.__qualname__ = f"Allowed_{action.value}"
    return Allowed
