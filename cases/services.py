"""Writes and rules of the cases app."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, transaction

from cases.choices import OUTCOME_OF_CLOSING_METHOD, Procedure
from cases.models import AuditEvent
from cases.network import client_ip


def audit_record(
    *,
    action: str,
    request=None,
    user=None,
    object_type: str = "",
    object_id: str = "",
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event to the audit trail. `request` supplies user, address and path."""
    ip = user_agent = path = ""
    if request is not None:
        user = user or getattr(request, "user", None)
        ip = client_ip(request)  # X-Forwarded-For only from COURTDASH_TRUSTED_PROXIES
        user_agent = request.META.get("HTTP_USER_AGENT", "")[:300]
        path = request.get_full_path()[:500]
    authenticated = user is not None and getattr(user, "is_authenticated", False)
    return AuditEvent.objects.create(
        action=action,
        user=user if authenticated else None,
        username=(user.get_username() if authenticated else (detail or {}).get("username", "")),
        object_type=object_type,
        object_id=str(object_id)[:100],
        detail=detail or {},
        ip=ip or None,
        user_agent=user_agent,
        path=path,
    )


# Of the time limits that match a case, the most specific first: a type code, then a track.
# (The case page explains a deadline with cases.views.pages.time_limit_for, the same order in
# the ORM: keep the two together.)
MOST_SPECIFIC_TIME_LIMIT = "(t.type_code <> '') DESC, (t.track <> '') DESC"


def deadline_sql(*, case: str, limit: str, approved_extension: str | None = None) -> str:
    """The deadline rule (DOMAIN.md) as SQL over a case row and its time-limit row (`limit.id`
    null when none matches): deadline_on as given, else filed_on + the limit (calendar months,
    clamped to the month's end by PostgreSQL) + extension days + excluded days.

    Extension days are the larger of the imported total and the total after the latest
    extension approved in Courtdash (`approved_extension_days`; `approved_extension` is an
    SQL expression for it when the row has no such column): an approval survives a re-import,
    and is not counted twice once the source system records it too."""
    approved = approved_extension or f"{case}.approved_extension_days"
    return f"""CASE WHEN {case}.deadline_on IS NOT NULL THEN {case}.deadline_on
                WHEN {limit}.id IS NULL THEN NULL
                ELSE ({case}.filed_on + make_interval(months => {limit}.months))::date
                     + {limit}.days + GREATEST({case}.extension_days, {approved})
                     + {case}.excluded_days END"""


def _outcome_sql(column: str) -> str:
    whens = " ".join(
        f"WHEN '{method}' THEN '{outcome}'" for method, outcome in OUTCOME_OF_CLOSING_METHOD.items()
    )
    return f"CASE {column} {whens} ELSE 'other' END"


@transaction.atomic
def case_derived_refresh(*, case_ids: Sequence[int] | None = None, deadlines: bool = True) -> None:
    """Recompute what derives from other rows, set-based, for the given cases (None: all).

    - origin: the case that origin_case_number names, when it is here;
    - deadline: deadline_on, else filed_on + the time limit + extension + excluded days
      (extension: the larger of the imported and the Courtdash-approved total, deadline_sql);
    - effective appeal / retrial fields: the record's own values, field by field, else those
      of the latest linked second-instance / retrial case (DATA_FORMAT.md, linking).

    The given cases' origins are refreshed too, since a new appeal changes its origin.
    `deadlines=False` leaves the deadlines alone: only for cases every one of which was just
    written with its deadline by this rule (a first load into an empty table; tested).
    """
    params: dict = {}
    only = only_c2 = ""
    if case_ids is not None:
        # Every filter by id, on each side of each join: a few changed cases never cost a
        # pass over the table.
        params["ids"] = list(case_ids)
        only = "AND c.id = ANY(%(ids)s::bigint[])"
        only_c2 = "AND c2.id = ANY(%(ids)s::bigint[])"
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE cases_case c SET origin_id = o.id
            FROM cases_case c2 LEFT JOIN cases_case o ON o.case_number = c2.origin_case_number
            WHERE c.id = c2.id {only} {only_c2} AND c.origin_id IS DISTINCT FROM o.id
            """,
            params,
        )
        if deadlines:
            cursor.execute(
                f"""
                UPDATE cases_case c SET deadline = computed.deadline
                FROM (
                  SELECT c.id, {deadline_sql(case="c", limit="tl")} AS deadline
                  FROM cases_case c
                  LEFT JOIN LATERAL (
                    SELECT t.id, t.months, t.days FROM cases_timelimit t
                    WHERE t.category = c.category AND t.procedure = c.procedure
                      AND (t.track = '' OR t.track = c.track)
                      AND (t.type_code = '' OR t.type_code = c.type_code)
                    ORDER BY {MOST_SPECIFIC_TIME_LIMIT}
                    LIMIT 1
                  ) tl ON true
                  WHERE true {only}
                ) computed
                WHERE c.id = computed.id {only} AND c.deadline IS DISTINCT FROM computed.deadline
                """,
                params,
            )
        targets = origins = outer = ""
        if only:
            # the given cases and their origins; the appeals and retrials of those only
            cursor.execute(
                """SELECT DISTINCT origin_id FROM cases_case
                WHERE id = ANY(%(ids)s::bigint[]) AND origin_id IS NOT NULL""",
                params,
            )
            params["targets"] = sorted({*params["ids"], *(row[0] for row in cursor.fetchall())})
            targets = "AND c.id = ANY(%(targets)s::bigint[])"
            origins = "AND origin_id = ANY(%(targets)s::bigint[])"
            outer = targets
        cursor.execute(
            f"""
            WITH appeal AS (
              SELECT DISTINCT ON (origin_id) origin_id, closed_on,
                     CASE WHEN closed_on IS NULL THEN '' ELSE {_outcome_sql("closing_method")} END
                       AS outcome
              FROM cases_case WHERE origin_id IS NOT NULL AND procedure = %(second)s {origins}
              ORDER BY origin_id, closed_on DESC NULLS LAST, id DESC
            ), retrial AS (
              SELECT DISTINCT ON (origin_id) origin_id, closed_on,
                     {_outcome_sql("closing_method")} AS outcome
              FROM cases_case
              WHERE origin_id IS NOT NULL AND procedure = %(retrial)s AND closed_on IS NOT NULL
                {origins}
              ORDER BY origin_id, closed_on DESC, id DESC
            ), computed AS (
              SELECT c.id,
                COALESCE(c.appealed, a.origin_id IS NOT NULL) AS appealed,
                COALESCE(NULLIF(c.appeal_outcome, ''), a.outcome, '') AS appeal_outcome,
                COALESCE(c.appeal_decided_on, a.closed_on) AS appeal_decided_on,
                COALESCE(NULLIF(c.retrial_outcome, ''), r.outcome, '') AS retrial_outcome,
                COALESCE(c.retrial_decided_on, r.closed_on) AS retrial_decided_on
              FROM cases_case c
              LEFT JOIN appeal a ON a.origin_id = c.id
              LEFT JOIN retrial r ON r.origin_id = c.id
              WHERE true {targets}
            )
            UPDATE cases_case c SET
              effective_appealed = computed.appealed,
              effective_appeal_outcome = computed.appeal_outcome,
              effective_appeal_decided_on = computed.appeal_decided_on,
              effective_retrial_outcome = computed.retrial_outcome,
              effective_retrial_decided_on = computed.retrial_decided_on
            FROM computed
            WHERE c.id = computed.id {outer} AND (
              c.effective_appealed, c.effective_appeal_outcome, c.effective_appeal_decided_on,
              c.effective_retrial_outcome, c.effective_retrial_decided_on
            ) IS DISTINCT FROM (
              computed.appealed, computed.appeal_outcome, computed.appeal_decided_on,
              computed.retrial_outcome, computed.retrial_decided_on)
            """,
            {
                **params,
                "second": Procedure.SECOND_INSTANCE.value,
                "retrial": Procedure.RETRIAL.value,
            },
        )
