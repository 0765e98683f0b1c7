"""Chainable filters of the reports app's rows. Who sees which row is cases.units' rule (a user
sees the rows of their own unit and of the units below it): `in_scope` comes from there."""

from __future__ import annotations

from cases.units import ScopeKey, UnitScopedQuerySet


class UnitRowQuerySet(UnitScopedQuerySet):
    def within(self, unit: ScopeKey):
        """Rows of `unit` and of the units below it (the unit's ids filled, as for its cases)."""
        return self.filter(unit.cases_q())

    def of_unit(self, unit: ScopeKey):
        return self.filter(unit.rows_q())
