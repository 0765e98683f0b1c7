"""What PostgreSQL would do with a queryset: its plan, asked with the scans and sorts that hold
no order made too dear to choose (a test table is too small for the planner to choose by)."""

from __future__ import annotations

import re

from django.db import connection, transaction
from django.db.models import QuerySet

SORT_NODE = re.compile(r"(^|->)\s*Sort\s+\(cost", re.MULTILINE)


def ordered_plan(rows: QuerySet) -> str:
    """The plan of `rows` where only an index that holds their order can spare a sort. The
    settings hold for the EXPLAIN alone: set in a transaction (a savepoint inside a test's own)
    that is rolled back, which takes them back, so the rest of the test plans as usual."""
    sql, params = rows.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        transaction.set_rollback(True)
    return plan


def reads_in_order(rows: QuerySet, index: str) -> tuple[bool, str]:
    """Whether `rows` are read from `index` with no sort of them all above it (a sort of the
    ties of the index's leading keys, an incremental sort, is fine); and the plan, to show."""
    plan = ordered_plan(rows)
    return index in plan and not SORT_NODE.search(plan), plan
