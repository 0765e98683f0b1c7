"""Putting the demo city into the database (and into an import file).

Courts, divisions and judges go through the ORM; the cases are COPYed straight into
cases_case from an in-memory buffer, chunk by chunk, and one case_derived_refresh() then
computes deadlines and links. The caller holds the transaction.
"""

from __future__ import annotations

import csv
import io
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import DatabaseError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.choices import ClosingMethod, Outcome, Track
from cases.demo.people import CityPlan
from cases.models import Case, Court, Division, Judge, User

COPY_CHUNK = 100_000
COPY_COLUMNS = [
    "id",
    "origin_id",
    "deadline",
    "case_number", "year", "court_id", "type_code", "serial", "category", "procedure",
    "division_id", "judge_id", "track", "cause", "filed_on", "closed_on", "closing_method",
    "deadline_on", "extension_days", "excluded_days", "origin_case_number", "appealed",
    "appeal_outcome", "appeal_decided_on", "retrial_outcome", "retrial_decided_on",
    "amount_applied", "amount_recovered", "effective_appealed", "effective_appeal_outcome",
    "effective_retrial_outcome", "updated_at", "hearing_held", "appeal_lodged_on",
    "appeal_transferred_on",
]  # fmt: skip
# DATA_FORMAT.md columns: English header, Chinese header.
FILE_COLUMNS = [
    ("case_number", "案号"), ("court_code", "法院代码"), ("court_name", "法院名称"),
    ("division", "承办部门"), ("judge_id", "承办人工号"), ("judge_name", "承办人"),
    ("track", "适用程序"), ("cause", "案由"), ("filed_on", "立案日期"),
    ("closed_on", "结案日期"), ("closing_method", "结案方式"), ("deadline_on", "审限届满日期"),
    ("extension_days", "延长审限天数"), ("excluded_days", "扣除审限天数"),
    ("origin_case_number", "原审案号"), ("appealed", "是否上诉"),
    ("appeal_outcome", "二审结果"), ("appeal_decided_on", "二审结案日期"),
    ("retrial_outcome", "再审结果"), ("retrial_decided_on", "再审结案日期"),
    ("amount_applied", "申请执行标的额"), ("amount_recovered", "执行到位金额"),
    ("hearing_held", "是否开庭"), ("appeal_lodged_on", "上诉日期"),
    ("appeal_transferred_on", "移送二审日期"),
]  # fmt: skip
UNIT_TABLES = ("cases_case", "cases_judge", "cases_division", "cases_court")


class DemoLoadError(RuntimeError):
    """The database cannot take the demo as it is; the message is for the user."""


@dataclass(frozen=True)
class Units:
    """Database ids of the plan's courts, divisions and judges, by plan index."""

    courts: np.ndarray
    divisions: np.ndarray
    judges: np.ndarray


@dataclass(frozen=True)
class DetachedUser:
    """A user who pointed into the demo units before a reset, by natural keys."""

    user_id: int
    court_code: str | None
    division: tuple[str, str] | None  # (court code, division name)
    judge: tuple[str, str] | None  # (court code, staff id)


def database_is_empty() -> bool:
    return not (Case.objects.exists() or Court.objects.exists())


def demo_reset(*, keep_usernames: set[str] = frozenset()) -> list[DetachedUser]:
    """Delete cases, judges, divisions and courts, and every row of other tables that points
    into them (supervision records…); rows that hold unit ids without a foreign key (the stored
    indicator results) are cleared by the steps' own resets (cases.demo.steps). Users are kept:
    their unit fields are cleared and returned by natural key, to be attached again to the new
    units. Append-only records (a supervision trail) that point into them cannot be deleted:
    that is an error."""
    detached = [
        DetachedUser(
            user_id=user.id,
            court_code=user.court.code if user.court_id else None,
            division=(user.division.court.code, user.division.name) if user.division_id else None,
            judge=(user.judge.court.code, user.judge.staff_id) if user.judge_id else None,
        )
        for user in User.objects.select_related("court", "division__court", "judge__court")
        .exclude(court=None, division=None, judge=None)
        .exclude(username__in=keep_usernames)
    ]
    User.objects.exclude(court=None, division=None, judge=None).update(
        court=None, division=None, judge=None
    )
    with connection.cursor() as cursor:
        # Run the checks queued so far, then defer the rest to the end: rows that point at
        # each other are deleted table by table, in no particular order.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        statements = [("cases_case", "TRUNCATE cases_case RESTART IDENTITY CASCADE")] + [
            (table, f"DELETE FROM {connection.ops.quote_name(table)}")
            for table in [*sorted(_referencing_tables()), "cases_judge", "cases_division"]
        ]
        for table, statement in statements:
            try:
                with transaction.atomic():
                    cursor.execute(statement)
            except DatabaseError as error:
                raise DemoLoadError(
                    _("无法清空演示数据：表 %(table)s 的记录不能删除（%(error)s）。")
                    % {"table": table, "error": str(error).strip()}
                    + _("请改用一个空数据库。")
                ) from error
        cursor.execute("DELETE FROM cases_court")
        for table in ("cases_judge", "cases_division", "cases_court"):
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), 1, false)")
    return detached


def _referencing_tables() -> set[str]:
    """Tables other than the users' that point, directly or through others, into cases,
    judges, divisions or courts."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, confrelid::regclass::text "
            "FROM pg_constraint WHERE contype = 'f'"
        )
        edges = cursor.fetchall()
    targets = set(UNIT_TABLES)
    found: set[str] = set()
    while True:
        new = {
            child
            for child, parent in edges
            if parent in targets | found
            and child not in targets | found
            and child != User._meta.db_table
        }
        if not new:
            return found
        found |= new


def users_reattach(detached: list[DetachedUser]) -> list[str]:
    """Attach users again to the units of the same codes; the usernames that lost a unit."""
    courts = {c.code: c for c in Court.objects.all()}
    divisions = {(d.court.code, d.name): d for d in Division.objects.select_related("court")}
    judges = {(j.court.code, j.staff_id): j for j in Judge.objects.select_related("court")}
    taken = set(User.objects.exclude(judge=None).values_list("judge_id", flat=True))
    lost = []
    for entry in detached:
        user = User.objects.get(pk=entry.user_id)
        user.court = courts.get(entry.court_code) if entry.court_code else None
        user.division = divisions.get(entry.division) if entry.division else None
        judge = judges.get(entry.judge) if entry.judge else None
        user.judge = judge if judge is not None and judge.id not in taken else None
        if user.judge is not None:
            taken.add(user.judge.id)
        if (
            (entry.court_code and user.court is None)
            or (entry.division and user.division is None)
            or (entry.judge and user.judge is None)
        ):
            lost.append(user.username)
        user.save(update_fields=["court", "division", "judge"])
    return lost


def units_create(plan: CityPlan) -> Units:
    court_ids = []
    for spec in plan.courts:
        parent = Court.objects.get(code=spec.parent_code) if spec.parent_code else None
        court = Court.objects.create(
            code=spec.code, name=spec.name, level=spec.level, parent=parent
        )
        court_ids.append(court.id)
    divisions = Division.objects.bulk_create(
        Division(court_id=court_ids[d.court], name=d.name) for d in plan.divisions
    )
    division_ids = [d.id for d in divisions]
    judges = Judge.objects.bulk_create(
        Judge(
            court_id=court_ids[j.court],
            division_id=division_ids[j.division],
            staff_id=j.staff_id,
            name=j.name,
        )
        for j in plan.judges
    )
    return Units(np.array(court_ids), np.array(division_ids), np.array([j.id for j in judges]))


@contextmanager
def indexes_suspended(table: str):
    """Drop a table's secondary indexes and its foreign keys, and build them again on exit,
    from their own definitions in the catalog: a bulk load into a bare table and one index
    build is many times faster than maintaining fourteen indexes and queueing deferred
    foreign-key checks row by row (PostgreSQL manual, "Populating a Database"). The caller's
    transaction makes it all or nothing."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('f', 'u') "
            "ORDER BY contype DESC, conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT indexrelid::regclass::text, pg_get_indexdef(indexrelid) FROM pg_index "
            "WHERE indrelid = %s::regclass AND NOT indisprimary "
            "AND indexrelid NOT IN (SELECT conindid FROM pg_constraint WHERE conrelid = "
            "%s::regclass) ORDER BY 1",
            [table, table],
        )
        indexes = cursor.fetchall()
        # Altering foreign keys alters the referenced tables too, which PostgreSQL refuses
        # while deferred checks are queued on them: run those checks now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for name, _definition in constraints:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for _name, definition in indexes:
            cursor.execute(definition)
        for name, definition in reversed(constraints):
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def cases_copy(frame: pd.DataFrame, units: Units) -> None:
    """COPY the generated cases into cases_case, COPY_CHUNK rows at a time; the next chunk is
    formatted in a thread while the database takes the current one."""
    now = timezone.now().isoformat()
    columns = ", ".join(COPY_COLUMNS)
    starts = range(0, len(frame), COPY_CHUNK)
    with connection.cursor() as cursor, ThreadPoolExecutor(max_workers=1) as pool:
        # Ids are taken from the table's own sequence, so that origin ids can be written too.
        cursor.execute("SELECT pg_get_serial_sequence('cases_case', 'id')")
        (sequence,) = cursor.fetchone()
        cursor.execute("SELECT nextval(%s)", [sequence])
        (first_id,) = cursor.fetchone()
        cursor.execute("SELECT setval(%s, %s)", [sequence, first_id + max(len(frame), 1) - 1])

        def text(start):
            return pool.submit(_copy_text, frame, units, start, now, first_id)

        pending = text(0) if len(frame) else None
        for start in starts:
            buffer = pending.result()
            following = start + COPY_CHUNK
            pending = text(following) if following < len(frame) else None
            cursor.copy_expert(f"COPY cases_case ({columns}) FROM STDIN", buffer)


def _copy_text(
    frame: pd.DataFrame, units: Units, start: int, now: str, first_id: int
) -> io.StringIO:
    """One chunk of cases in COPY's text format."""
    chunk = frame.iloc[start : start + COPY_CHUNK]
    origin = chunk["origin_index"].to_numpy()
    table = pd.DataFrame(
        {
            "id": first_id + np.arange(start, start + len(chunk)),
            "origin_id": pd.Series(first_id + origin, dtype="Int64").mask(origin < 0).array,
            "deadline": chunk["deadline"],
            "case_number": chunk["case_number"],
            "year": chunk["year"],
            "court_id": units.courts[chunk["court_index"].to_numpy()],
            "type_code": chunk["type_code"],
            "serial": chunk["serial"],
            "category": chunk["category"],
            "procedure": chunk["procedure"],
            "division_id": units.divisions[chunk["division_index"].to_numpy()],
            "judge_id": units.judges[chunk["judge_index"].to_numpy()],
            "track": chunk["track"],
            "cause": chunk["cause"],
            "filed_on": chunk["filed_on"],
            "closed_on": chunk["closed_on"],
            "closing_method": chunk["closing_method"],
            "deadline_on": chunk["deadline_on"],
            "extension_days": chunk["extension_days"],
            "excluded_days": chunk["excluded_days"],
            "origin_case_number": chunk["origin_case_number"],
            "appealed": chunk["appealed"].map({True: "t", False: "f"}),
            "appeal_outcome": chunk["appeal_outcome"],
            "appeal_decided_on": chunk["appeal_decided_on"],
            "retrial_outcome": chunk["retrial_outcome"],
            "retrial_decided_on": chunk["retrial_decided_on"],
            "amount_applied": chunk["amount_applied"],
            "amount_recovered": chunk["amount_recovered"],
            "effective_appealed": "f",
            "effective_appeal_outcome": "",
            "effective_retrial_outcome": "",
            "updated_at": now,
            "hearing_held": chunk["hearing_held"].map({True: "t", False: "f"}),
            "appeal_lodged_on": chunk["appeal_lodged_on"],
            "appeal_transferred_on": chunk["appeal_transferred_on"],
        }
    )
    buffer = io.StringIO()
    table.to_csv(
        buffer,
        sep="\t",
        header=False,
        index=False,
        na_rep="\\N",
        date_format="%Y-%m-%d",
        float_format="%.2f",
        quoting=csv.QUOTE_NONE,
    )
    buffer.seek(0)
    return buffer


def cases_file_write(frame: pd.DataFrame, path: Path, *, headers: str = "en") -> None:
    """Write the cases as an import file (DATA_FORMAT.md, CSV): English headers and values, or
    Chinese headers and Chinese words (UTF-8 with BOM, as exports for Excel carry)."""
    out = frame[[name for name, _ in FILE_COLUMNS]].copy()
    if headers == "zh":
        with translation.override("zh-hans"):
            words = {
                "track": {t.value: str(t.label) for t in Track},
                "closing_method": {m.value: str(m.label) for m in ClosingMethod},
                "appeal_outcome": {o.value: str(o.label) for o in Outcome},
                "retrial_outcome": {o.value: str(o.label) for o in Outcome},
            }
        for column, mapping in words.items():
            out[column] = out[column].map(lambda v, m=mapping: m.get(v, v))
        out["appealed"] = out["appealed"].map({True: "是", False: "否"})
        out["hearing_held"] = out["hearing_held"].map({True: "是", False: "否"})
        out.columns = [zh for _, zh in FILE_COLUMNS]
    else:
        out["appealed"] = out["appealed"].map({True: "true", False: "false"})
        out["hearing_held"] = out["hearing_held"].map({True: "true", False: "false"})
    out.to_csv(
        path,
        index=False,
        encoding="utf-8-sig" if headers == "zh" else "utf-8",
        date_format="%Y-%m-%d",
        float_format="%.2f",
        lineterminator="\n",
    )
