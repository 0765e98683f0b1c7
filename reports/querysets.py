"""Scoping of the reports app's rows, on metrics.scopes.user_scope_key (itself on
cases.scoping.user_scope, the only visibility rule): a user sees the rows of their own unit and
of the units below it."""

from __future__ import annotations

from django.db import models

from metrics.scopes import ScopeKey, user_scope_key


class UnitRowQuerySet(models.QuerySet):
    def in_scope(self, user):
        own = user_scope_key(user)
        if own is None:
            return self.none()
        return self.within(own)

    def within(self, unit: ScopeKey):
        """Rows of `unit` and of the units below it (the unit's ids filled, as for its cases)."""
        return self.filter(unit.cases_q())

    def of_unit(self, unit: ScopeKey):
        return self.filter(unit.rows_q())
