"""Each test of the registry's conditions evaluated once per case, not once per aggregate.

The ~50 FILTER aggregates of a nightly pass share a few dozen distinct tests ("procedure is
not preservation…", "closed_on ≥ 1 January", "closed_on ≤ deadline"…). Asked directly, PostgreSQL
evaluates each aggregate's condition on every case, so the tests run hundreds of times per
case. Factored, the scan runs in two steps:

1. **cells**: every case is reduced to a key — its unit, the bucket of each date column among
   the constant dates the conditions compare it with (one `width_bucket`), and the value of
   every other test — and the cases are grouped by that key (a count and the summed fields),
   in parallel workers;
2. every aggregate becomes a sum over the cells whose key meets its condition: the same
   AND/OR/NOT tree, each test replaced by a cheap comparison of the key.

Exact, not approximate: a date test `col < c` is `bucket ≤ k` where c is the k-th boundary
(dates are whole days: `col ≤ c` is `col < c + 1`); a NULL date has a NULL bucket and any
other test keeps its own NULL, so SQL's three-valued logic gives the same answer as the
condition on the case row. The tests of the drill-down are still the condition itself
(metrics.selectors.indicator_cases), and the test suite checks that both agree.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import models
from django.db.models.expressions import Col
from django.db.models.lookups import Lookup
from django.db.models.sql.where import AND, OR, WhereNode

from metrics.definitions.conditions import Measure

ONE_DAY = datetime.timedelta(days=1)
# lookup -> (boundary offset, the key is below the boundary)
DATE_TESTS = {
    "lt": (0, True),  # col < c  <=> bucket <= k(c)
    "gte": (0, False),  # col >= c <=> bucket > k(c)
    "lte": (1, True),  # col <= c <=> col < c + 1
    "gt": (1, False),  # col > c  <=> col >= c + 1
}


def _date_test(test) -> tuple[Col, datetime.date, str] | None:
    """(column, constant, lookup) for a plain date column compared with a constant date."""
    if not isinstance(test, Lookup) or not isinstance(test.lhs, Col):
        return None
    target = test.lhs.target
    if not isinstance(target, models.DateField) or isinstance(target, models.DateTimeField):
        return None
    rhs = test.rhs
    if type(rhs) is not datetime.date or rhs == datetime.date.max:
        return None
    if test.lookup_name not in DATE_TESTS and test.lookup_name != "exact":
        return None
    return test.lhs, rhs, test.lookup_name


@dataclass
class _DateColumn:
    sql: str
    boundaries: set[datetime.date] = field(default_factory=set)
    alias: str = ""

    def index(self, boundary: datetime.date) -> int:
        return sorted(self.boundaries).index(boundary)


@dataclass
class Factored:
    """The SQL of the two steps (see the module docstring)."""

    cells_sql: str  # SELECT unit, keys, n, sums FROM cases_case WHERE … GROUP BY unit, keys
    cells_params: list
    aggregates: list[str]  # one expression over the cells per measure, aliased m0, m1, …
    aliases: list[str]


class Factoring:
    """Collects measures, then writes the cells query and the aggregates over it.

    `add(measure)` returns the measure's alias (m0, m1, …; an identical measure is added once).
    """

    def __init__(self, *, query, compiler):
        self.query = query
        self.compiler = compiler
        self.measures: dict[tuple, tuple[str, WhereNode, str | None]] = {}
        self.dates: dict[str, _DateColumn] = {}
        self.tests: dict[tuple, str] = {}  # (sql, params) -> key alias
        self.test_params: dict[str, list] = {}
        self.sums: dict[str, str] = {}  # field column sql -> alias

    def _resolve(self, measure: Measure) -> WhereNode:
        return measure.condition.resolve_expression(self.query, allow_joins=False)

    def add(self, measure: Measure) -> str:
        node = self._resolve(measure)
        sql, params = self._compile(node)
        key = (sql, tuple(params), measure.field)
        if key not in self.measures:
            self._collect(node)
            summed = None
            if measure.field is not None:
                column = self.query.resolve_ref(measure.field, allow_joins=False)
                column_sql, _ = self.compiler.compile(column)
                summed = self.sums.setdefault(column_sql, f"s{len(self.sums)}")
            self.measures[key] = (f"m{len(self.measures)}", node, summed)
        return self.measures[key][0]

    def _compile(self, node) -> tuple[str, list]:
        try:
            sql, params = self.compiler.compile(node)
        except EmptyResultSet:
            return "FALSE", []
        except FullResultSet:
            return "TRUE", []
        return sql, list(params)

    def _collect(self, node: WhereNode) -> None:
        for child in node.children:
            if isinstance(child, WhereNode):
                self._collect(child)
                continue
            date_test = _date_test(child)
            if date_test is not None:
                column, constant, lookup = date_test
                column_sql, _ = self.compiler.compile(column)
                dates = self.dates.setdefault(column_sql, _DateColumn(column_sql))
                if lookup == "exact":
                    dates.boundaries |= {constant, constant + ONE_DAY}
                else:
                    dates.boundaries.add(constant + DATE_TESTS[lookup][0] * ONE_DAY)
                continue
            sql, params = self._compile(child)
            key = (sql, tuple(params))
            if key not in self.tests:
                alias = f"k{len(self.tests)}"
                self.tests[key] = alias
                self.test_params[alias] = params

    def _render(self, node) -> str:
        """The condition over the cell keys: the same tree, each test replaced."""
        if isinstance(node, WhereNode):
            if node.connector not in (AND, OR):
                raise ValueError(f"cannot factor a {node.connector} condition")
            parts = [self._render(child) for child in node.children]
            sql = f" {node.connector} ".join(parts) if parts else "TRUE"
            return f"NOT ({sql})" if node.negated else f"({sql})"
        date_test = _date_test(node)
        if date_test is not None:
            column, constant, lookup = date_test
            column_sql, _ = self.compiler.compile(column)
            dates = self.dates[column_sql]
            if lookup == "exact":
                return f"{dates.alias} = {dates.index(constant) + 1}"
            offset, below = DATE_TESTS[lookup]
            index = dates.index(constant + offset * ONE_DAY)
            return f"{dates.alias} {'<=' if below else '>'} {index}"
        sql, params = self._compile(node)
        return self.tests[(sql, tuple(params))]

    def build(self, *, where_sql: str, where_params: list) -> Factored:
        keys: list[str] = []
        params: list = []
        for index, dates in enumerate(self.dates.values()):
            dates.alias = f"d{index}"
            keys.append(f"width_bucket({dates.sql}, %s::date[]) AS {dates.alias}")
            params.append(sorted(dates.boundaries))
        for (sql, _), alias in self.tests.items():
            keys.append(f"({sql}) AS {alias}")
            params.extend(self.test_params[alias])
        # A count fits an int per cell, and SUM(int) accumulates in bigint (not numeric).
        totals = ["COUNT(*)::int AS n"]
        totals += [f"SUM({column}) AS {alias}" for column, alias in self.sums.items()]
        unit = ["court_id", "division_id", "judge_id"]
        group_by = ", ".join(str(position) for position in range(1, len(unit) + len(keys) + 1))
        cells_sql = (
            f"SELECT {', '.join(unit + keys + totals)} FROM cases_case "
            f"WHERE {where_sql} GROUP BY {group_by}"
        )
        aggregates = []
        for alias, node, summed in self.measures.values():
            condition = self._render(node)
            summand = summed or "n"
            aggregates.append(f"COALESCE(SUM({summand}) FILTER (WHERE {condition}), 0) AS {alias}")
        return Factored(
            cells_sql=cells_sql,
            cells_params=[*params, *where_params],
            aggregates=aggregates,
            aliases=[alias for alias, _, _ in self.measures.values()],
        )
