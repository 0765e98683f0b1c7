"""Django's ModelBackend, with the session's user read together with their unit: what their
scope starts from (cases.units.user_scope reads user.court, user.division or user.judge on
every request) and what the top bar's card names (cases.templatetags.courtdash.user_card) —
one query a request instead of two or three."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UNIT_RELATED = ("court", "division__court", "judge__court", "judge__division")


class UnitModelBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user = User._default_manager.select_related(*UNIT_RELATED).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
