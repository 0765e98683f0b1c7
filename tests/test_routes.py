"""The route walker (issue 9, item 5): every URL pattern × every identity, against a table of
what each identity may see and do, written here from DOMAIN.md and issue 9 — not computed from
the application's permission code (nothing here imports cases.permissions, cases.units or any
app's querysets).

How it works
------------
- `walker.routes()` enumerates every URL pattern from `django.urls.get_resolver()` (the DRF
  router's routes under /api/v1/ and the admin included). Each route becomes test cases, one
  per table row × identity; a route with no row in TABLE fails as "not in the expectation
  table", as does a ViewSet method (GET/POST) no row covers. The router's format-suffix twins
  ("…/<pk>.<format>") are asked the same as the route they repeat; the admin is one group.
- The identities: anonymous and the seven roles, all in 苏0505 (the judge 苏0505/民一庭/1, the
  division head and analyst of 苏0505/民一庭), on the city of tests/routes/world.py.
- A row asks for a list, for an object inside the identity's scope and objects outside it,
  for a unit inside and outside (?court=&division=&judge=), for an export, or takes an action
  (with a plausible body) on an object inside and one outside, each request in a savepoint
  rolled back afterwards. Outside the scope: 404. A forbidden action: 403 (a page may refuse
  with an error message instead) and nothing changed in the database (every table's
  fingerprint; the audit trail and the trail's record of the refusal aside). In every answer
  that is let through — HTML, JSON, XLSX, CSV — no marker of anything outside the scope: case
  numbers, letter titles, judges' names, people's usernames, the other court's name; in JSON,
  no row of a unit outside it and no record about a case outside it; a few counts (cases,
  overdue, long-pending, reviews, open marks, a campaign's list) equal what the scope holds.
- Also: the format-suffix twins answer as their routes (test_format_suffix); each outside
  object and unit answers its owner 200, so its 404 above is about scope, not a wrong URL
  (test_outside_objects_answer_their_owners); PUT and DELETE change nothing anywhere
  (test_other_methods_change_nothing); the admin sends everyone to its login (test_admin).

Run: DATABASE_URL=… REDIS_URL=… .venv/bin/python -m pytest -p no:randomly tests/test_routes.py
(ROUTES_TRACE=1 with -s prints every request and its answer.) A failure lists each request
that was wrong: "inside"/"outside (slot or unit)", the URL, what was expected, what came back.

Outcomes (the table's cells)
----------------------------
    OK      200, nothing from outside the scope in it
    LOGIN   anonymous: a page redirects to the login page, the API answers 401/403
    DENY    403 (a page's form may answer with an error message instead); nothing changed
    GONE    404; nothing changed
    HIDDEN  403 or 404; nothing changed (a role that may not act, on an object it may not see)
    DONE    the action is taken: 2xx from the API, a redirect without an error from a page
    NONE    an office-only list: 403, or an empty list
    EITHER  DOMAIN.md does not say: allowed (200, scoped) or refused (403/404)
    ACT     DONE or DENY (DOMAIN.md does not say)
    NOJOIN  an inspector's joint inspection: whatever the answer, the inspector is not joined to
            cases by it (issue 9: joining is done or approved by the office)
    REDIR   a redirect, for everyone
    BAD     400 (wrong credentials)
"""

from __future__ import annotations

import datetime
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError
from django.test import Client
from django.urls import resolve

from tests.routes import checks
from tests.routes.fixtures import db, world  # noqa: F401 - the module's city, a savepoint each
from tests.routes.walker import Route, routes
from tests.routes.world import (
    AS_OF,
    COURT_LEADER,
    DIVISION_SLOTS,
    HELPER_UNITS,
    IDENTITY_UNITS,
    INDICATOR,
    PASSWORD,
    SLOTS,
    World,
    username,
)

OK, LOGIN, DENY, GONE, HIDDEN, DONE = "ok", "login", "403", "404", "403|404", "done"
NONE, EITHER, ACT, NOJOIN, REDIR, BAD = "none", "ok|no", "done|403", "nojoin", "302", "400"
REJECT = "reject"  # derived only: a body naming objects outside the scope changes nothing
TRACE = bool(os.environ.get("ROUTES_TRACE"))

IDENTITIES = (
    "anonymous",
    "judge",
    "division_head",
    "analyst",
    "office",
    "court_leader",
    "party_leadership",
    "inspector",
)

# --- what each identity reaches (DOMAIN.md roles), as unit keys of the city -------------------

UNIT = {name: key for name, (_role, key) in IDENTITY_UNITS.items()}
# The inspector reaches the supervision records and notices of 苏0505, and of its cases only
# those joined to their inspection: J1's (tests/routes/world.py).
JOINED = SLOTS["J1"]

# Objects outside each identity's scope, nearest first (slots of tests/routes/world.py; ACOURT
# is 苏0505's own court-level row, C the city's).
OUT_SLOTS = {
    "judge": ["J2", "CR", "B", "ACOURT", "C"],
    "division_head": ["CR", "B", "ACOURT", "C"],
    "analyst": ["CR", "B", "ACOURT", "C"],
    "office": ["B", "C"],
    "court_leader": ["B", "C"],
    "party_leadership": ["B", "C"],
    "inspector": ["J2", "CR", "B", "C"],
    "anonymous": ["B"],
}
# Records of the court as a whole: the inspector sees those of 苏0505 (DOMAIN.md).
COURT_RECORDS = {"notice", "notice_answered", "inquiry", "inquiry_answered", "draft"}
COURT_RECORDS |= {"abnormality", "campaign", "inspection", "monthly", "court", "approver", "rule"}
COURT_RECORDS |= {"division", "judge"}  # the court's organisation
COURT_RECORDS |= {"inspection_request"}
# Units outside each identity's, for the pages and endpoints that take a unit.
OUT_UNITS = {
    "judge": [SLOTS["J2"], DIVISION_SLOTS["J1"]],
    "division_head": [DIVISION_SLOTS["CR"], "A"],
    "analyst": [DIVISION_SLOTS["CR"], "A"],
    "office": ["B"],
    "court_leader": ["B"],
    "party_leadership": ["B"],
    "inspector": ["B"],
    "anonymous": ["B"],
}


def within(key: str, unit: str) -> bool:
    return key == unit or key.startswith(unit + "/")


def sees_case(identity: str, judge_key: str, scope: str) -> bool:
    if identity == "inspector" and scope == "cases":
        return within(judge_key, JOINED)
    return identity != "anonymous" and within(judge_key, UNIT[identity])


# --- the requests ---------------------------------------------------------------------------

Body = Callable[[World, str, str], dict | list]  # (world, identity, slot) -> body


@dataclass(frozen=True)
class Ask:
    """How a row asks: the method; the kind of object whose inside/outside ids fill the path
    (<pk>, <case_id>, <token>); a query; whether the page takes a unit; the body of an action."""

    label: str
    method: str = "GET"
    kind: str | None = None
    query: str | Callable[[World, str], str] = ""
    unit: bool = False
    unit_params: str = "ids"  # "ids": court=<id>&division=<id>&judge=<id>; "codes": court=<code>
    body: Body | None = None
    scope: str = "cases"  # the inspector's case markers: "cases" (joined) or "records" (court)
    shows: Callable[[World], list[str]] | None = None  # what an allowed answer must show
    count: Callable[[World, str, object], list[str]] | None = None  # a count in the answer
    # An action taken changes the database (not so: an upload's file and queue; opening the
    # reviews none of the city's reversed cases lacks).
    changes: bool = True
    # The trail records who acted: the city's office acts on the basic courts' cases (it names
    # the cross-court reviewers of a 评查), so on a trail its people are the record, not a leak.
    city_actors: bool = False


def LIST(label="list", **kw) -> Ask:
    return Ask(label, **kw)


def DETAIL(kind, **kw) -> Ask:
    return Ask(f"detail {kind}", kind=kind, **kw)


def UNITPAGE(label="unit", **kw) -> Ask:
    return Ask(label, unit=True, **kw)


def POST(label, kind=None, body: Body | None = None, **kw) -> Ask:
    return Ask(f"POST {label}", method="POST", kind=kind, body=body or (lambda w, who, s: {}), **kw)


@dataclass(frozen=True)
class Row:
    route: str
    ask: Ask
    expect: dict = field(hash=False)


def T(route: str, ask: Ask, *outcomes: str) -> Row:
    assert len(outcomes) == len(IDENTITIES), route
    return Row(route, ask, dict(zip(IDENTITIES, outcomes, strict=True)))


# --- bodies -----------------------------------------------------------------------------------

D = datetime.date


def _court(w: World, slot: str):
    return w.courts[SLOTS[slot].split("/")[0]]


def _division(w: World, slot: str):
    return w.divisions["/".join(SLOTS[slot].split("/")[:2])]


def _judge(w: World, slot: str):
    return w.judges[SLOTS[slot]]


def _leader(w: World, slot: str):
    return w.users[COURT_LEADER[SLOTS[slot].split("/")[0]]]


def _import_record(w: World, who: str, slot: str) -> list:
    judge = _judge(w, slot)
    code = _court(w, slot).code
    return [
        {
            "case_number": f"（2025）{code}民初8801号",
            "division": judge.division.name,
            "judge_id": judge.staff_id,
            "judge_name": judge.name,
            "filed_on": "2025-06-02",
        }
    ]


def _upload(w, who, slot) -> dict:
    return {"file": SimpleUploadedFile("rt-new.csv", "案号\n（2025）苏0505民初8802号\n".encode())}


def _case_action(action: str, **fields) -> Body:
    """A POST to the supervision case page: the action and, for one on a record of the case,
    that record (of the same slot)."""
    record = fields.pop("record", None)

    def body(w: World, who: str, slot: str) -> dict:
        data = {"action": action, **fields}
        if record:
            data["object_id"] = w.objects[record][slot]
        return data

    return body


def _constant(data: dict) -> Body:
    return lambda w, who, slot: dict(data)


REASON = {"reason": "RT走查理由"}
NOTE = {"note": "RT走查意见"}
RETURN = {"note": "RT退回重答", "deadline": "2025-08-15"}
ANSWER = {"answer": "RT走查答复"}

NOTICE_PAGE = lambda w, who, slot: {  # noqa: E731
    "case_numbers": w.case(slot).case_number,
    "judge": _judge(w, slot).pk,
    "title": "RT走查新通知",
    "body": "RT走查新通知内容",
    "deadline": "2025-07-31",
}
NOTICE_API = lambda w, who, slot: {  # noqa: E731
    "cases": [w.case(slot).pk],
    "judge": _judge(w, slot).pk,
    "title": "RT走查新通知",
    "body": "RT走查新通知内容",
    "deadline": "2025-07-31",
}
INQUIRY_API = lambda w, who, slot: {  # noqa: E731
    "division": _division(w, slot).pk,
    "indicator_slug": INDICATOR,
    "period": "ytd",
    "as_of": AS_OF.isoformat(),
    "value": "41.5",
    "title": "RT走查新函询",
    "body": "RT走查新函询内容",
    "deadline": "2025-07-31",
    "send": True,
}
CAMPAIGN = lambda w, who, slot: {  # noqa: E731
    "name": "RT走查新清理",
    "court": _court(w, slot).pk,
    "division": _division(w, slot).pk,
    "min_months": 12,
    "target_on": "2025-12-31",
    "note": "",
}
# The office's settings pages and letters from where a problem is seen (issue 11).
RULE_PAGE = lambda w, who, slot: {  # noqa: E731
    "slug": "rt-page-rule", "name": "RT走查规则", "kind": "long_pending", "months": "18",
    "category": "1", "court": _court(w, slot).pk, "active": "on",
}  # fmt: skip
INQUIRY_PAGE = lambda w, who, slot: {  # noqa: E731
    "division": _division(w, slot).pk, "indicator": "", "period": "", "as_of": "2025-06-29",
    "value": "", "reference": "", "title": "RT走查新函询", "body": "RT走查新函询内容",
    "deadline": "2025-07-31",
}  # fmt: skip
HEALTH_RULE = _constant(
    {"kind": "stalled_long_pending", "stalled_long_pending-months": "13",
     "stalled_long_pending-idle_days": "60"}
)  # fmt: skip
RANGE = _constant(
    {"indicator": "appeal_rate", "court_level": "basic", "upper": "30",
     "effective_from": "2025-01-01"}
)  # fmt: skip
# Reminders (issue 11): who leads a division; a person's mobile and channels; one's own.
DIVISION_LEADER_PAGE = lambda w, who, slot: {  # noqa: E731
    "division": _division(w, slot).pk,
    "user": _leader(w, slot).pk,
    "since": "2025-07-01",
}
CONTACT_PAGE = lambda w, who, slot: {  # noqa: E731
    "user": _leader(w, slot).pk,
    "mobile": "13900001111",
    "sms_enabled": "on",
    "email_enabled": "on",
}
MY_CHANNELS = lambda w, who, slot: {"mobile": "13900002222", "sms_enabled": "on"}  # noqa: E731
ASSIGN_PAGE = lambda w, who, slot: {  # noqa: E731
    "entry": w.objects["campaign_case"][slot],
    "leader": _leader(w, slot).pk,
    "target_on": "2025-09-30",
}
# The leader named is 苏0505's: outside, only the entry in the path is 苏0506's.
ASSIGN_API = lambda w, who, slot: {"leader": _leader(w, "J1").pk, "target_on": "2025-09-30"}  # noqa: E731


# 数据会商 (issue 12): hold a meeting of a unit and month; a decision given to the judge (J1).
MEETING_PAGE = _constant({"held_on": "2025-06-30", "attendees": "RT走查参会人员"})
MEETING_API = lambda w, who, slot: {  # noqa: E731
    "court": _court(w, slot).code, "month": "2025-05", "held_on": "2025-06-30",
}  # fmt: skip
MEETING_DECIDE_PAGE = lambda w, who, slot: {  # noqa: E731
    "action": "decide", "item": "rt:item", "text": "RT走查决定", "owner": w.users["judge"].pk,
    "due_on": "2025-07-31", "task": "",
}  # fmt: skip
MEETING_DECIDE_API = lambda w, who, slot: {  # noqa: E731
    "item": "rt:item", "text": "RT走查决定", "owner": w.users["judge"].pk, "due_on": "2025-07-31",
}  # fmt: skip


# 评查 (issue 12): a campaign on the slot's court with its sheet; a reviewer pool of 苏05
# (the world's reviewer); a score with every item of the review's sheet; a new sheet.
def _quality_court(w: World, slot: str):
    return w.courts["A" if slot != "B" else "B"]


QUALITY_PAGE = lambda w, who, slot: {  # noqa: E731
    "name": "RT走查新评查", "court": _quality_court(w, slot).pk, "closed_from": "2024-01-01",
    "closed_to": "2025-06-30", "sheet": w.objects["quality_sheet"]["J1" if slot != "B" else "B"],
    "sources": ["routine"], "share_percent": "50", "seed": "7", "min_pending_days": "",
    "case_numbers": "", "score_due_on": "", "rectify_days": "15", "note": "",
}  # fmt: skip
QUALITY_API = lambda w, who, slot: {  # noqa: E731
    "name": "RT走查新评查", "court": _quality_court(w, slot).pk, "closed_from": "2024-01-01",
    "closed_to": "2025-06-30", "sheet": w.objects["quality_sheet"]["J1" if slot != "B" else "B"],
    "sources": ["routine"], "share_percent": "50", "seed": 7,
}  # fmt: skip


def _quality_reviewer(w: World) -> int:
    from cases.models import User

    return User.objects.get(username="rt-q-reviewer").pk


QUALITY_POOL_PAGE = lambda w, who, slot: {"action": "pool", "reviewers": [_quality_reviewer(w)]}  # noqa: E731
QUALITY_POOL_API = lambda w, who, slot: {"reviewers": [_quality_reviewer(w)]}  # noqa: E731
QUALITY_SHEET_PAGE = lambda w, who, slot: {  # noqa: E731
    "name": "RT走查新评查表", "court": _quality_court(w, slot).pk, "excellent_from": "90",
    "pass_from": "80", "flaw_from": "60", "items": "事实认定｜30\n程序｜20", "note": "",
}  # fmt: skip


def QUALITY_SCORE_PAGE(w: World, who: str, slot: str) -> dict:
    from supervision.models import QualityReview

    pk = w.objects["quality_review"][slot]
    review = QualityReview.objects.select_related("campaign__sheet").get(pk=pk)
    data = {"opinion": "RT走查评查"}
    for item in review.campaign.sheet.items.all():
        data[f"points_{item.pk}"] = "0"
        data[f"note_{item.pk}"] = ""
    return data


def _inspection(page: bool) -> Body:
    """A joint inspection naming a case of the court not joined to the inspector yet (J2's);
    outside: 苏0506 with its case."""

    def body(w: World, who: str, slot: str) -> dict:
        case_slot = "J2" if slot == "J1" else slot
        data = {
            "court": _court(w, case_slot).pk,
            "title": "RT走查新督查",
            "inspected_on": "2025-06-25",
            "findings": "RT走查新督查发现",
        }
        case = w.case(case_slot)
        if page:
            return {**data, "case_numbers": case.case_number}
        return {**data, "cases": [case.pk], "participants": []}

    return body


def _draft_page(action: str) -> Body:
    def body(w: World, who: str, slot: str) -> dict:
        slot = slot if slot in DIVISION_SLOTS else "J1"
        data = {"inquiry": w.objects["draft"][slot], "action": action}
        if action == "send":
            return {**data, "deadline": "2025-07-31", "division": _division(w, slot).pk}
        return {**data, "reason": "RT不予函询"}

    return body


TARGETS = _constant({"clearance_rate-target": "90", "clearance_rate-basis": "ytd"})
PASSWORD_CHANGE = _constant(
    {
        "old_password": PASSWORD,
        "new_password1": "Rt-Walker-Password-2026!",
        "new_password2": "Rt-Walker-Password-2026!",
    }
)


def _token(w: World, who: str, slot: str) -> dict:
    if who == "anonymous":
        return {"username": "rt-nobody", "password": "wrong"}
    return {"username": username(who), "password": PASSWORD}


# --- counts and what an allowed answer must show -----------------------------------------------


def _own_case(w: World) -> list[str]:
    return [w.case("J1").case_number]


def _cases_count(w: World, who: str, data) -> list[str]:
    expected = sum(1 for key in w.cases if sees_case(who, key.rsplit("/", 1)[0], "cases"))
    got = data.get("count") if isinstance(data, dict) else None
    return [] if got == expected else [f"count {got}, expected {expected} (cases in scope)"]


def _overdue_count(w: World, who: str, data) -> list[str]:
    today = D(2025, 6, 30)
    expected = sum(
        1
        for key, case in w.cases.items()
        if sees_case(who, key.rsplit("/", 1)[0], "cases")
        and case.closed_on is None
        and case.deadline is not None
        and case.deadline < today
    )
    got = data.get("count") if isinstance(data, dict) else None
    return [] if got == expected else [f"count {got}, expected {expected} (overdue in scope)"]


def _long_pending_total(w: World, who: str, data) -> list[str]:
    expected = sum(
        1 for key in w.cases if key.endswith("/long") and sees_case(who, key[:-5], "cases")
    )
    got = sum(row.get("total", 0) for row in data) if isinstance(data, list) else None
    return [] if got == expected else [f"total {got}, expected {expected} (long-pending in scope)"]


def _slots_seen(who: str) -> list[str]:
    return [slot for slot, judge_key in SLOTS.items() if sees_case(who, judge_key, "cases")]


def _sum_of(field: str, what: str, per_slot: int, slots=None) -> Callable:
    """A report's rows summed on `field` equal what the scope holds: `per_slot` records for
    each slot `who` sees (of `slots`, if given)."""

    def check(w: World, who: str, data) -> list[str]:
        seen = [slot for slot in _slots_seen(who) if slots is None or slot in slots]
        expected = per_slot * len(seen)
        rows = data if isinstance(data, list) else [data] if isinstance(data, dict) else []
        got = sum(row.get(field) or 0 for row in rows if isinstance(row, dict))
        if got == expected:
            return []
        return [f"{field} {got}, expected {expected} ({what} of {', '.join(seen) or 'none'})"]

    return check


def _ranking_query(w: World, who: str) -> str:
    scope = "judge" if who in ("judge", "division_head", "analyst") else "division"
    return f"scope={scope}&period=ytd"


QUARTER = "year=2025&quarter=2&by=judge"
DRILL = "part=denominator&period=ytd"

# --- THE TABLE ----------------------------------------------------------------------------
# One row per route (and per request kind on it) × identity. Columns:
#   anonymous, judge, division_head, analyst, office, court_leader, party_leadership, inspector
# Where a column is not obvious, the comment above the row says which line of DOMAIN.md or
# issue 9 it comes from.

TABLE: list[Row] = [
    # --- site, accounts -------------------------------------------------------------------
    T("", LIST("home"),                                     LOGIN, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),  # noqa: E501
    T("i18n/setlang/", POST("language", body=_constant({"language": "en", "next": "/"})),
      REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),
    T("accounts/login/", LIST("login page"),                OK, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),  # noqa: E501
    T("accounts/logout/", POST("logout"),                   REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),  # noqa: E501
    T("accounts/password/", LIST("form"),                   LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("accounts/password/", POST("own password", body=PASSWORD_CHANGE),
      LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    T("accounts/password/done/", LIST("done page"),         LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # The schema and its viewer describe the API, no data.
    T("api/schema/", LIST("schema"),                        OK, OK, OK, OK, OK, OK, OK, OK),
    T("api/docs/", LIST("swagger"),                         OK, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/", LIST("api root"),                          LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/auth/token/", POST("own credentials", body=_token),
      BAD, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    # --- cases: every role sees the cases of its scope; the inspector those joined ----------
    T("cases/", LIST(shows=_own_case),                      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("cases/<pk>/", DETAIL("case"),                        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # "the audit log is the office's"
    T("audit/", LIST(),                                     LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    # "import is the office's"
    T("import/", LIST("form"),                              LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("import/", POST("upload", body=_upload, changes=False),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("import/<token>/", DETAIL("upload"),                  LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("import/<token>/confirm/", POST("confirm", kind="upload", changes=False),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("import/<token>/retry/", POST("retry", kind="upload", changes=False),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("import/<token>/report.csv", DETAIL("upload"),        LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    # --- dashboards: "inspectors see no dashboards"; the ranking is for division heads, the
    # office, court leaders and the party leadership only (not analysts, not judges) --------
    T("metrics/", UNITPAGE(),                               LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("metrics/ranking/", UNITPAGE(),                       LOGIN, DENY, OK, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("metrics/<slug>/", LIST("definition"),                LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    # Targets hold for the whole city: its office (苏05's) sets them, not 苏0505's.
    T("metrics/<slug>/target/", LIST("form"),               LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),  # noqa: E501
    T("metrics/<slug>/target/", POST("targets", body=_constant({"weight": "10", "target": "95", "warning": "80"})),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("metrics/<slug>/drill/", UNITPAGE(),                  LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("metrics/<slug>/cases/", UNITPAGE(query=DRILL),       LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("metrics/<slug>/cases.xlsx", UNITPAGE("export", query=DRILL),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("metrics/<slug>/trend/", UNITPAGE(),                  LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    # --- supervision pages -------------------------------------------------------------------
    T("supervision/", LIST("home"),                         REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR, REDIR),  # noqa: E501
    T("supervision/inbox/", LIST(),                         LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # 我的待办's messages: one's own, marked read one by one or all at once.
    T("supervision/notifications/<pk>/read/", POST("read", kind="notification"),
      LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    T("supervision/notifications/read/", POST("read all"),
      LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    # The detection's drafts: "draft inquiries are seen by the office alone".
    T("supervision/abnormalities/", LIST(),                 LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("supervision/abnormalities/", POST("send draft", body=_draft_page("send")),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/abnormalities/", POST("discard draft", body=_draft_page("discard")),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # The four-type ledger: DOMAIN.md does not say whether a judge reads it.
    T("supervision/ledger/", LIST(),                        LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    T("supervision/long-pending/", UNITPAGE(shows=lambda w: [w.case("J1", "long").case_number]),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/overdue/", UNITPAGE(),                   LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/campaigns/", LIST(scope="records"),      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # Campaigns: the office and the court leaders run them (PRODUCT.md; issue 9's table).
    T("supervision/campaigns/new/", UNITPAGE("form"),       LOGIN, EITHER, EITHER, EITHER, OK, OK, EITHER, EITHER),  # noqa: E501
    T("supervision/campaigns/new/", POST("start", body=CAMPAIGN),
      LOGIN, DENY, DENY, DENY, DONE, DONE, DENY, DENY),
    # A division's campaign: DOMAIN.md does not say whether its judge sees it.
    T("supervision/campaigns/<pk>/", DETAIL("campaign"),    LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    T("supervision/campaigns/<pk>/", POST("assign", kind="campaign", body=ASSIGN_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DONE, DENY, DENY),
    T("supervision/reviews/", LIST(),                       LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # Reversal review is the office's (PRODUCT.md); the original judge objects.
    T("supervision/reviews/open/", POST("open missing", changes=False),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/reviews/report/", LIST("report", query=QUARTER),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/reviews/report.xlsx", LIST("export", query=QUARTER),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/reviews/<pk>/", DETAIL("review"),        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/reviews/<pk>/", POST("record", kind="review", body=_constant(
        {"action": "record", "reason_class": "procedure", "is_error": "1", "severity": "minor",
         "opinion": "RT走查评查意见"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/reviews/<pk>/", POST("object", kind="review", body=_constant(
        {"action": "object", "objection": "RT走查异议"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/reviews/<pk>/", POST("answer", kind="review_objected", body=_constant(
        {"action": "answer", "answer": "RT走查答复异议"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # Joint inspections: the office and the inspectors; who else reads them DOMAIN.md does not
    # say. "joining is done or approved by the office": an inspector's record joins nobody.
    T("supervision/inspections/", LIST(scope="records"),    LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),  # noqa: E501
    T("supervision/inspections/new/", LIST("form"),         LOGIN, EITHER, EITHER, EITHER, OK, EITHER, EITHER, OK),  # noqa: E501
    T("supervision/inspections/new/", POST("record", body=_inspection(page=True)),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, NOJOIN),
    T("supervision/inspections/<pk>/", DETAIL("inspection"),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    # An inspector's request to be joined: the office of the court approves or rejects it.
    T("supervision/inspections/<pk>/", DETAIL("inspection_request", scope="records"),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    T("supervision/inspections/<pk>/", POST("approve", kind="inspection_request", body=_constant(
        {"action": "approve", "note": "RT走查批准"})),
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DENY, DENY, DENY),
    T("supervision/inspections/<pk>/", POST("reject", kind="inspection_request", body=_constant(
        {"action": "reject", "reason": "RT走查不批准"})),
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DENY, DENY, DENY),
    # The trail of the scope: DOMAIN.md does not say whether judges and divisions read it.
    T("supervision/trail/", LIST(city_actors=True),         LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),  # noqa: E501
    # Reminders: the office records who leads which division and people's channels (court
    # leaders read them); everyone sets their own.
    T("supervision/settings/division-leaders/", LIST(),     LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("supervision/settings/division-leaders/", POST("record", body=DIVISION_LEADER_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/settings/contacts/", LIST(),             LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("supervision/settings/contacts/", POST("save", body=CONTACT_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/my-settings/", LIST(),                   LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # The rules and thresholds are the office's (a city-wide one its city office's: 苏05's,
    # not 苏0505's); a court leader names the approver (审限变更一支笔); both read them all.
    T("supervision/settings/", LIST(),                      LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("supervision/settings/rules/", LIST(scope="records"), LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("supervision/settings/rules/new/", LIST("form"),      LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("supervision/settings/rules/new/", POST("add rule", body=RULE_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/settings/rules/<pk>/", DETAIL("rule", scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),
    T("supervision/settings/rules/<pk>/", POST("change rule", kind="rule", body=RULE_PAGE, scope="records"),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/settings/detection/", LIST(),            LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("supervision/settings/detection/<slug>/", LIST("form"),
      LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),
    T("supervision/settings/detection/<slug>/", POST("detection rule", body=_constant(
        {"enabled": "on", "check_warning": "on", "fall_threshold": "4", "min_denominator": "10",
         "repeat_days": "14"})),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/settings/approver/", LIST(scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),
    T("supervision/settings/approver/", POST("designate", body=lambda w, who, s: {
        "court": _court(w, s).pk, "user": _leader(w, s).pk}),
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    T("supervision/my-settings/", POST("own channels", body=MY_CHANNELS),
      LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    # A case's supervision page: "inspectors ... ONLY cases joined to an inspection".
    T("supervision/cases/<case_id>/", DETAIL("case"),       LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # Who marks: the handling judge (reporting), the division head, the president, the office.
    T("supervision/cases/<case_id>/", POST("mark", kind="case", body=_case_action(
        "mark", category="2", reason="RT走查标注")),
      LOGIN, DONE, DONE, DENY, DONE, DONE, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("confirm", kind="case", body=_case_action(
        "confirm", record="mark", **REASON)),
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("remove", kind="case", body=_case_action(
        "remove", record="mark", **REASON)),
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    # Measures: "a president or division head may take"; the handling judge responds.
    T("supervision/cases/<case_id>/", POST("measure", kind="case", body=_case_action(
        "measure", kind="attend_hearing", instruction="RT走查措施", deadline="2025-07-20")),
      LOGIN, DENY, DONE, DENY, DENY, DONE, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("respond", kind="case", body=_case_action(
        "respond", record="measure", response="RT走查回复")),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("refer", kind="case", body=_case_action(
        "refer", body="adjudication_committee", question="RT走查问题")),
      LOGIN, DENY, DONE, DENY, DENY, DONE, DENY, DENY),
    # Extensions: the handling judge asks; the court's one designated approver (here its
    # court leader) decides.
    T("supervision/cases/<case_id>/", POST("extension", kind="spare_case", body=_case_action(
        "extension", days="30", reason="RT走查延长")),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("approve", kind="case", body=_case_action(
        "approve", record="extension", **NOTE)),
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    T("supervision/cases/<case_id>/", POST("reject", kind="case", body=_case_action(
        "reject", record="extension", **NOTE)),
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    # Notices: the office issues and closes; the addressee acknowledges and answers.
    T("supervision/notices/new/", LIST("form"),             LOGIN, EITHER, EITHER, EITHER, OK, EITHER, EITHER, EITHER),  # noqa: E501
    T("supervision/notices/new/", POST("issue", body=NOTICE_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # A hand-written inquiry, prefilled from where the problem was seen: the office's.
    T("supervision/inquiries/new/", LIST("form"),           LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("supervision/inquiries/new/", POST("send inquiry", body=INQUIRY_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # A referral's page, where its result is recorded (as in the API).
    T("supervision/referrals/<pk>/", DETAIL("referral"),    LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/referrals/<pk>/", POST("result", kind="referral", body=_constant(
        {"result": "RT走查讨论结果", "discussed_on": "2025-06-28"})),
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    T("supervision/notices/<pk>/", DETAIL("notice", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/notices/<pk>/", POST("acknowledge", kind="notice", body=_constant(
        {"action": "acknowledge"}), scope="records"),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/notices/<pk>/", POST("answer", kind="notice", body=_constant(
        {"action": "answer", **ANSWER}), scope="records"),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/notices/<pk>/", POST("close", kind="notice_answered", body=_constant(
        {"action": "close", **NOTE}), scope="records"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/notices/<pk>/", POST("return", kind="notice_answered", body=_constant(
        {"action": "return", **RETURN}), scope="records"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # Inquiries go to a division (not to a judge): its analyst answers (DOMAIN.md), its head
    # may or may not; drafts are the office's alone.
    T("supervision/inquiries/<pk>/", DETAIL("inquiry", scope="records"),
      LOGIN, GONE, OK, OK, OK, OK, OK, OK),
    T("supervision/inquiries/<pk>/", DETAIL("draft", scope="records"),
      LOGIN, HIDDEN, GONE, GONE, OK, HIDDEN, HIDDEN, HIDDEN),
    T("supervision/inquiries/<pk>/", POST("acknowledge", kind="inquiry", body=_constant(
        {"action": "acknowledge"}), scope="records"),
      LOGIN, GONE, ACT, DONE, DENY, DENY, DENY, DENY),
    T("supervision/inquiries/<pk>/", POST("answer", kind="inquiry", body=_constant(
        {"action": "answer", **ANSWER}), scope="records"),
      LOGIN, GONE, ACT, DONE, DENY, DENY, DENY, DENY),
    T("supervision/inquiries/<pk>/", POST("close", kind="inquiry_answered", body=_constant(
        {"action": "close", **NOTE}), scope="records"),
      LOGIN, GONE, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/inquiries/<pk>/", POST("return", kind="inquiry_answered", body=_constant(
        {"action": "return", **RETURN}), scope="records"),
      LOGIN, GONE, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/inquiries/<pk>/", POST("send draft", kind="draft", body=_constant(
        {"action": "send"}), scope="records"),
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN),
    # --- reports: the daily page and the targets are dashboards; the monthly review is the
    # leadership's (the office makes it: the city's office); the health check points at
    # judges and divisions (their heads and analysts read it, not the judges) ---------------
    T("reports/", UNITPAGE(),                               LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("reports/targets/", UNITPAGE(),                       LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("reports/targets/edit/", UNITPAGE("form", query="year=2025&quarter=3"),
      LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),
    T("reports/targets/edit/", POST("targets", unit=True, query="year=2025&quarter=3", body=TARGETS),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # issue 14: the SPC 2024 set's reference ranges are read with the dashboards and, like the
    # targets, hold for the whole city: its office (苏05's) sets them, not 苏0505's.
    T("reports/ranges/", LIST(),                            LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("reports/ranges/edit/", LIST("form"),                 LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),  # noqa: E501
    T("reports/ranges/edit/", POST("ranges", body=RANGE),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("reports/monthly/", LIST(scope="records"),            LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("reports/monthly/generate/", POST("generate", body=_constant({"month": "2025-05"})),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("reports/monthly/<pk>/", DETAIL("monthly"),           LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("reports/monthly/<pk>/report.pdf", DETAIL("monthly"), LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("reports/monthly/<pk>/report.xlsx", DETAIL("monthly"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("reports/health/", UNITPAGE(),                        LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("reports/health/findings/<pk>/", DETAIL("finding"),   LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    # The health check's thresholds and the ranking mode hold for the whole city: its office
    # (苏05's) changes them; 苏0505's office and leaders read them with their history.
    T("reports/settings/health/", LIST(),                   LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("reports/settings/health/", POST("thresholds", body=HEALTH_RULE),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("reports/settings/ranking/", LIST(),                  LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("reports/settings/ranking/", POST("ranking mode", body=_constant({"mode": "bands"})),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    # --- the cases API ----------------------------------------------------------------------
    T("api/v1/cases/", LIST(shows=_own_case, count=_cases_count),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/cases/<pk>/", DETAIL("case"),                 LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/courts/", LIST(scope="records"),              LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # A judge's or a division's own court, seen from below: DOMAIN.md does not say.
    T("api/v1/courts/<pk>/", DETAIL("court"),               LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),  # noqa: E501
    T("api/v1/divisions/", LIST(scope="records"),           LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/divisions/<pk>/", DETAIL("division"),         LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    T("api/v1/judges/", LIST(scope="records"),              LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/judges/<pk>/", DETAIL("judge", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/audit-events/", LIST(),                       LOGIN, NONE, NONE, NONE, OK, NONE, NONE, NONE),  # noqa: E501
    T("api/v1/audit-events/<pk>/", DETAIL("audit"),         LOGIN, HIDDEN, HIDDEN, HIDDEN, OK, HIDDEN, HIDDEN, HIDDEN),  # noqa: E501
    T("api/v1/case-imports/", POST("import", body=_import_record),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # --- the metrics API: "/api/v1/indicator-values/, /api/v1/rankings/ refused" to
    # inspectors; the ranking API is the ranking page's readers' ------------------------------
    T("api/v1/indicators/", LIST(),                         LOGIN, OK, OK, OK, OK, OK, OK, EITHER),
    T("api/v1/indicators/<slug>/", LIST("definition"),      LOGIN, OK, OK, OK, OK, OK, OK, EITHER),
    T("api/v1/indicator-values/", LIST(),                   LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/indicator-values/<pk>/", DETAIL("indicator_value"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/rankings/", UNITPAGE(query=_ranking_query, unit_params="codes"),
      LOGIN, DENY, OK, DENY, OK, OK, OK, DENY),
    T("api/v1/indicator-cases/", UNITPAGE(query=f"indicator={INDICATOR}&{DRILL}", unit_params="codes"),  # noqa: E501
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/reference-ranges/", LIST(),                   LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    # --- the reports API: as the reports pages (targets, projections and the daily page are
    # dashboards; the health check is not the judges'; the monthly review the leadership's) --
    T("api/v1/quarter-targets/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/projections/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/daily-dynamics/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/daily-dynamics/bands/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/daily-dynamics/long-pending/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/daily-dynamics/letters/", UNITPAGE(unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/health-findings/", UNITPAGE(unit_params="codes"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/health-findings/<pk>/", DETAIL("finding"),   LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/health-findings/<pk>/cases/", DETAIL("finding"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/monthly-reviews/", LIST(scope="records"),    LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("api/v1/monthly-reviews/<pk>/", DETAIL("monthly"),   LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("api/v1/monthly-reviews/<pk>/pdf/", DETAIL("monthly"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("api/v1/monthly-reviews/<pk>/xlsx/", DETAIL("monthly"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    # --- the supervision API: as the pages -------------------------------------------------
    T("api/v1/supervision/marks/", LIST(shows=_own_case),   LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/marks/", POST("mark", body=lambda w, who, s: {
        "case": w.case(s).pk, "category": 2, "reason": "RT走查标注"}),
      LOGIN, DONE, DONE, DENY, DONE, DONE, DENY, DENY),
    T("api/v1/supervision/marks/<pk>/", DETAIL("mark"),     LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/marks/<pk>/confirm/", POST("confirm", kind="mark", body=_constant(REASON)),  # noqa: E501
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    T("api/v1/supervision/marks/<pk>/remove/", POST("remove", kind="mark", body=_constant(REASON)),
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    # The suggestion rules are data the office keeps.
    T("api/v1/supervision/mark-rules/", LIST(scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/mark-rules/<pk>/", DETAIL("rule"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/mark-rules/suggest/", POST("suggest"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/measures/", LIST(),               LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/measures/", POST("take", body=lambda w, who, s: {
        "case": w.case(s).pk, "kind": "attend_hearing", "instruction": "RT走查措施",
        "deadline": "2025-07-20"}),
      LOGIN, DENY, DONE, DENY, DENY, DONE, DENY, DENY),
    T("api/v1/supervision/measures/<pk>/", DETAIL("measure"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/measures/<pk>/respond/", POST("respond", kind="measure", body=_constant(
        {"response": "RT走查回复"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/referrals/", LIST(),              LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/referrals/", POST("refer", body=lambda w, who, s: {
        "case": w.case(s).pk, "body": "adjudication_committee", "question": "RT走查问题"}),
      LOGIN, DENY, DONE, DENY, DENY, DONE, DENY, DENY),
    T("api/v1/supervision/referrals/<pk>/", DETAIL("referral"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/referrals/<pk>/result/", POST("result", kind="referral", body=_constant(
        {"result": "RT走查讨论结果", "discussed_on": "2025-06-28"})),
      LOGIN, DENY, DONE, DENY, DONE, DONE, DENY, DENY),
    T("api/v1/supervision/extension-approvers/", LIST(scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # The court leader names the court's one approver (审限变更一支笔).
    T("api/v1/supervision/extension-approvers/", POST("designate", body=lambda w, who, s: {
        "court": _court(w, s).pk, "user": _leader(w, s).pk}),
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    T("api/v1/supervision/extension-approvers/<pk>/", DETAIL("approver"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/extension-requests/", LIST(),     LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/extension-requests/", POST("request", body=lambda w, who, s: {
        "case": w.case(s, "spare").pk, "days": 30, "reason": "RT走查延长"}),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/extension-requests/<pk>/", DETAIL("extension"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/extension-requests/<pk>/approve/", POST("approve", kind="extension", body=_constant(NOTE)),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    T("api/v1/supervision/extension-requests/<pk>/reject/", POST("reject", kind="extension", body=_constant(NOTE)),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DENY, DONE, DENY, DENY),
    T("api/v1/supervision/notices/", LIST(scope="records", shows=lambda w: [w.titles["notice"]["J1"]]),  # noqa: E501
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/notices/", POST("issue", body=NOTICE_API),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/notices/<pk>/", DETAIL("notice", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/notices/<pk>/trail/", DETAIL("notice", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/notices/<pk>/acknowledge/", POST("acknowledge", kind="notice", scope="records"),  # noqa: E501
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/notices/<pk>/answer/", POST("answer", kind="notice", body=_constant(ANSWER), scope="records"),  # noqa: E501
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/notices/<pk>/close/", POST("close", kind="notice_answered", body=_constant(NOTE), scope="records"),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/notices/<pk>/return/", POST("return", kind="notice_answered", body=_constant(RETURN), scope="records"),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    # A judge is addressed notices, not inquiries: none in their list.
    T("api/v1/supervision/inquiries/", LIST(scope="records"),
      LOGIN, NONE, OK, OK, OK, OK, OK, OK),
    # "draft inquiries are seen by the office alone (… incl. ?state=draft)"
    T("api/v1/supervision/inquiries/", LIST("drafts", query="state=draft", scope="records"),
      LOGIN, NONE, NONE, NONE, OK, NONE, NONE, NONE),
    T("api/v1/supervision/inquiries/", POST("issue", body=INQUIRY_API),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/inquiries/<pk>/", DETAIL("inquiry", scope="records"),
      LOGIN, GONE, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/inquiries/<pk>/", DETAIL("draft", scope="records"),
      LOGIN, HIDDEN, GONE, GONE, OK, HIDDEN, HIDDEN, HIDDEN),
    T("api/v1/supervision/inquiries/<pk>/trail/", DETAIL("inquiry", scope="records"),
      LOGIN, GONE, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/inquiries/<pk>/acknowledge/", POST("acknowledge", kind="inquiry", scope="records"),  # noqa: E501
      LOGIN, GONE, ACT, DONE, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/inquiries/<pk>/answer/", POST("answer", kind="inquiry", body=_constant(ANSWER), scope="records"),  # noqa: E501
      LOGIN, GONE, ACT, DONE, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/inquiries/<pk>/close/", POST("close", kind="inquiry_answered", body=_constant(NOTE), scope="records"),  # noqa: E501
      LOGIN, GONE, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/inquiries/<pk>/return/", POST("return", kind="inquiry_answered", body=_constant(RETURN), scope="records"),  # noqa: E501
      LOGIN, GONE, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/inquiries/<pk>/send/", POST("send draft", kind="draft", body=_constant({"deadline": "2025-07-31"}), scope="records"),  # noqa: E501
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN),
    T("api/v1/supervision/inbox/", LIST(),                  LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/abnormalities/", LIST(),          LOGIN, NONE, NONE, NONE, OK, NONE, NONE, NONE),  # noqa: E501
    T("api/v1/supervision/abnormalities/<pk>/", DETAIL("abnormality"),
      LOGIN, HIDDEN, GONE, GONE, OK, HIDDEN, HIDDEN, HIDDEN),
    T("api/v1/supervision/abnormality-drafts/", LIST(),     LOGIN, NONE, NONE, NONE, OK, NONE, NONE, NONE),  # noqa: E501
    T("api/v1/supervision/abnormality-drafts/<pk>/", DETAIL("draft"),
      LOGIN, HIDDEN, GONE, GONE, OK, HIDDEN, HIDDEN, HIDDEN),
    T("api/v1/supervision/abnormality-drafts/<pk>/send/", POST("send", kind="draft", body=_constant({"deadline": "2025-07-31"})),  # noqa: E501
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN),
    T("api/v1/supervision/abnormality-drafts/<pk>/discard/", POST("discard", kind="draft", body=_constant(REASON)),  # noqa: E501
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, HIDDEN, HIDDEN, HIDDEN),
    # In-app messages: one's own.
    T("api/v1/supervision/notifications/", LIST(),          LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/notifications/<pk>/", DETAIL("notification"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/notifications/<pk>/read/", POST("read", kind="notification"),
      LOGIN, DONE, DONE, DONE, DONE, DONE, DONE, DONE),
    T("api/v1/supervision/reviews/", LIST(),                LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reviews/open-missing/", POST("open missing", changes=False),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/reviews/report/", LIST("report", query=QUARTER, count=_sum_of(
        "total", "the reviews", 2)),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reviews/report-xlsx/", LIST("export", query=QUARTER),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reviews/<pk>/", DETAIL("review"), LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reviews/<pk>/record/", POST("record", kind="review", body=_constant(
        {"reason_class": "procedure", "is_error": True, "severity": "minor",
         "opinion": "RT走查评查意见"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/reviews/<pk>/object/", POST("object", kind="review", body=_constant(
        {"objection": "RT走查异议"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/reviews/<pk>/answer/", POST("answer", kind="review_objected", body=_constant(  # noqa: E501
        {"answer": "RT走查答复异议"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/campaigns/", LIST(scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/campaigns/", POST("start", body=CAMPAIGN),
      LOGIN, DENY, DENY, DENY, DONE, DONE, DENY, DENY),
    T("api/v1/supervision/campaigns/<pk>/", DETAIL("campaign", scope="records"),
      LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    # J1's division's campaign lists J1's and J2's long-pending cases.
    T("api/v1/supervision/campaigns/<pk>/progress/", DETAIL("campaign", count=_sum_of(
        "total", "the listed cases", 1, slots=("J1", "J2"))),
      LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/campaign-cases/", LIST(),         LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/campaign-cases/<pk>/", DETAIL("campaign_case"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/campaign-cases/<pk>/assign/", POST("assign", kind="campaign_case", body=ASSIGN_API),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DONE, DENY, DENY),
    T("api/v1/supervision/joint-inspections/", LIST(scope="records"),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    T("api/v1/supervision/joint-inspections/", POST("record", body=_inspection(page=False)),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, NOJOIN),
    T("api/v1/supervision/joint-inspections/<pk>/", DETAIL("inspection"),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    T("api/v1/supervision/joint-inspections/<pk>/", DETAIL("inspection_request", scope="records"),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    T("api/v1/supervision/joint-inspections/<pk>/approve/", POST("approve", kind="inspection_request", body=_constant(NOTE)),  # noqa: E501
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/joint-inspections/<pk>/reject/", POST("reject", kind="inspection_request", body=_constant(  # noqa: E501
        {"note": "RT走查不批准"})),
      LOGIN, HIDDEN, HIDDEN, HIDDEN, DONE, DENY, DENY, DENY),
    # The trail: a step about a case only for those who see the case (the JSON's "case"); a
    # step about a notice or an inspection, which names its cases, for those who see it.
    T("api/v1/supervision/trace/", LIST(scope="records", city_actors=True),
      LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),
    T("api/v1/supervision/trace/<pk>/", DETAIL("trace"),    LOGIN, EITHER, EITHER, EITHER, OK, OK, OK, OK),  # noqa: E501
    # "/api/v1/supervision/timelines/<id>/ … answer 404 for a case not joined"
    T("api/v1/supervision/timelines/<pk>/", DETAIL("case"), LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/ledger/", LIST(count=_sum_of("open_marks", "the marks", 1)),
      LOGIN, EITHER, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/long-pending/", LIST(count=_long_pending_total),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/long-pending/cases/", LIST(),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/outlook/", LIST(),        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/outlook/cases/", LIST(query="threshold=12&horizon=90"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/reports/overdue/", LIST(count=_overdue_count),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    # 约谈提醒 (tests/routes/world_talks.py): the office, the court leaders and the party
    # leadership suggest, record and check off talks of their reach; a commitment's owner sees
    # it and its talk and alone reports on it; the rules are the city office's.
    T("reports/talks/", UNITPAGE(),                         LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("reports/talks/suggestions/", UNITPAGE(),             LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("reports/talks/new/", UNITPAGE("form"),               LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("reports/talks/new/", POST("record", body=lambda w, who, s: {
        "court": _court(w, s).pk, "division": _division(w, s).pk, "judge": _judge(w, s).pk,
        "held_on": "2025-06-25", "conducted_by": _leader(w, s).pk, "problems": "RT走查约谈",
        "text_1": "RT走查承诺", "due_on_1": "2025-07-31", "owner_1": w.users[
            {"J1": "judge", "J2": "a2-judge", "CR": "acr-judge", "B": "b-judge"}[s]].pk}),
      LOGIN, DENY, DENY, DENY, DONE, DONE, DONE, DENY),
    T("reports/talks/<pk>/", DETAIL("talk"),                LOGIN, OK, GONE, GONE, OK, OK, OK, GONE),  # noqa: E501
    T("reports/talks/<pk>/", POST("close", kind="talk", body=lambda w, who, s: {
        "commitment": w.objects["talk_commitment"][s], "note": "RT走查核销"}),
      LOGIN, DENY, GONE, GONE, DONE, DONE, DONE, GONE),
    T("reports/talks/commitments/<pk>/", DETAIL("talk_commitment"),
      LOGIN, OK, GONE, GONE, OK, OK, OK, GONE),
    T("reports/talks/commitments/<pk>/", POST("report", kind="talk_commitment", body=_constant(
        {"action": "report", "report": "RT走查落实"})),
      LOGIN, DONE, GONE, GONE, DENY, DENY, DENY, GONE),
    T("reports/talks/commitments/<pk>/", POST("close", kind="talk_commitment", body=_constant(
        {"action": "close", "note": "RT走查核销"})),
      LOGIN, DENY, GONE, GONE, DONE, DONE, DONE, GONE),
    T("reports/settings/talks/", LIST(),                    LOGIN, DENY, DENY, DENY, OK, OK, DENY, DENY),  # noqa: E501
    T("reports/settings/talks/", POST("rules", body=_constant({
        "kind": "below_warning", "below_warning-enabled": "on", "below_warning-weeks": "2",
        "below_warning-min_denominator": "10"})),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/talks/", LIST(),                              LOGIN, OK, NONE, NONE, OK, OK, OK, NONE),  # noqa: E501
    T("api/v1/talks/", POST("record", body=lambda w, who, s: {
        "court": _court(w, s).code, "judge": _judge(w, s).pk, "held_on": "2025-06-25",
        "conducted_by": _leader(w, s).pk, "problems": "RT走查约谈", "commitments": [{
            "text": "RT走查承诺", "due_on": "2025-07-31", "owner": w.users[
                {"J1": "judge", "J2": "a2-judge", "CR": "acr-judge", "B": "b-judge"}[s]].pk}]}),
      LOGIN, DENY, DENY, DENY, DONE, DONE, DONE, DENY),
    T("api/v1/talks/<pk>/", DETAIL("talk"),                 LOGIN, OK, GONE, GONE, OK, OK, OK, GONE),  # noqa: E501
    T("api/v1/talk-commitments/", LIST(),                   LOGIN, OK, NONE, NONE, OK, OK, OK, NONE),  # noqa: E501
    T("api/v1/talk-commitments/<pk>/", DETAIL("talk_commitment"),
      LOGIN, OK, GONE, GONE, OK, OK, OK, GONE),
    T("api/v1/talk-commitments/<pk>/report/", POST("report", kind="talk_commitment", body=_constant(
        {"report": "RT走查落实"})),
      LOGIN, DONE, GONE, GONE, DENY, DENY, DENY, GONE),
    T("api/v1/talk-commitments/<pk>/close/", POST("close", kind="talk_commitment", body=_constant(
        {"note": "RT走查核销"})),
      LOGIN, DENY, GONE, GONE, DONE, DONE, DONE, GONE),
    T("api/v1/talk-suggestions/", UNITPAGE(unit_params="codes"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    # 拟发改再事先沟通 (tests/routes/world_consultations.py): every role reads them in reach;
    # the judge of the retrial case (or the division head) records the intention and, the
    # judge, its outcome; only the original judge or their head answers (PERSONAL).
    T("supervision/consultations/", LIST(),                 LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/consultations/figures/", LIST("figures", query="year=2025&quarter=2"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/consultations/<pk>/", DETAIL("consultation"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/consultations/<pk>/", POST("answer", kind="consultation", body=_constant(
        {"action": "answer", "answer": "disagree", "answer_text": "RT走查沟通答复"})),
      LOGIN, DONE, DONE, DENY, DENY, DENY, DENY, DENY),
    T("supervision/consultations/<pk>/", POST("outcome", kind="consultation_answered",
        body=_constant({"action": "outcome", "outcome": "as_intended"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/cases/<case_id>/consult/", DETAIL("consult_case"),
      LOGIN, OK, OK, DENY, DENY, DENY, DENY, DENY),
    T("supervision/cases/<case_id>/consult/", POST("open", kind="consult_case", body=_constant(
        {"intention": "remand", "reasons": ["procedure"], "reasoning": "RT走查拟发回"})),
      LOGIN, DONE, DONE, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/consultations/", LIST(),           LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/consultations/", POST("open", body=lambda w, who, s: {
        "case": w.objects["consult_case"][s], "intention": "modify",
        "reasons": ["fact_finding"], "reasoning": "RT走查拟改判"}),
      LOGIN, DONE, DONE, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/consultations/figures/", LIST("figures", query="year=2025&quarter=2"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/consultations/<pk>/", DETAIL("consultation"),
      LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/consultations/<pk>/answer/", POST("answer", kind="consultation",
        body=_constant({"answer": "agree"})),
      LOGIN, DONE, DONE, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/consultations/<pk>/outcome/", POST("outcome",
        kind="consultation_answered", body=_constant({"outcome": "committee",
                                                      "outcome_note": "RT走查提交审委会"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    # 评查: the office runs campaigns; readers (QUALITY_REVIEW_READ) see them and the results;
    # only the assigned reviewer (of another court: none of these identities) scores; the case's
    # judge answers a rectification, the office accepts or returns it.
    T("supervision/quality/", LIST(scope="records"),        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/quality/new/", LIST("form"),             LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("supervision/quality/new/", POST("open", body=QUALITY_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/quality/<pk>/", DETAIL("quality_campaign", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    # Reviewers from other courts are named by the city's office, not a basic court's.
    T("supervision/quality/<pk>/", POST("assign", kind="quality_campaign", body=QUALITY_POOL_PAGE),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/quality/reviews/<pk>/", DETAIL("quality_review"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("supervision/quality/reviews/<pk>/", POST("score", kind="quality_review", body=QUALITY_SCORE_PAGE),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/quality/rectifications/", LIST(),        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("supervision/quality/rectifications/<pk>/", DETAIL("rectification"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("supervision/quality/rectifications/<pk>/", POST("answer", kind="rectification", body=_constant(  # noqa: E501
        {"action": "answer", "answer": "RT走查整改情况"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, DENY),
    T("supervision/quality/rectifications/<pk>/", POST("decide", kind="rectification_answered", body=_constant(  # noqa: E501
        {"action": "decide", "decision": "accept", "note": "RT走查审核"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/quality/sheets/", LIST(scope="records"), LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("supervision/quality/sheets/", POST("create", body=QUALITY_SHEET_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/quality/sheets/<pk>/", DETAIL("quality_sheet", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("supervision/quality/sheets/<pk>/", POST("revise", kind="quality_sheet", body=_constant(
        {"name": "RT走查评查表", "excellent_from": "90", "pass_from": "80", "flaw_from": "60",
         "items": "事实认定｜30\n程序｜20", "note": "RT走查修改"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("supervision/quality/results/", UNITPAGE(),           LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("supervision/quality/results.xlsx", UNITPAGE("export"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/supervision/quality-campaigns/", LIST(scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/supervision/quality-campaigns/", POST("open", body=QUALITY_API),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/supervision/quality-campaigns/<pk>/", DETAIL("quality_campaign", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/supervision/quality-campaigns/<pk>/assign/", POST("assign", kind="quality_campaign", body=QUALITY_POOL_API),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, DENY),
    T("api/v1/supervision/quality-campaigns/<pk>/results/", DETAIL("quality_campaign", scope="records"),  # noqa: E501
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/supervision/quality-reviews/", LIST(),        LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/supervision/quality-reviews/<pk>/", DETAIL("quality_review"),
      LOGIN, OK, OK, OK, OK, OK, OK, HIDDEN),
    T("api/v1/supervision/quality-reviews/<pk>/score/", POST("score", kind="quality_review", body=_constant(  # noqa: E501
        {"deductions": [], "opinion": "RT走查评查"})),
      LOGIN, DENY, DENY, DENY, DENY, DENY, DENY, HIDDEN),
    T("api/v1/supervision/rectifications/", LIST(),         LOGIN, OK, OK, OK, OK, OK, OK, NONE),
    T("api/v1/supervision/rectifications/<pk>/", DETAIL("rectification"),
      LOGIN, OK, OK, OK, OK, OK, OK, HIDDEN),
    T("api/v1/supervision/rectifications/<pk>/answer/", POST("answer", kind="rectification", body=_constant(  # noqa: E501
        {"answer": "RT走查整改情况"})),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, HIDDEN),
    T("api/v1/supervision/rectifications/<pk>/decide/", POST("decide", kind="rectification_answered", body=_constant(  # noqa: E501
        {"accept": True, "note": "RT走查审核"})),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, HIDDEN),
    # 数据会商: the office holds meetings and closes actions; leaders, heads and analysts read
    # them; an action's owner (any role) sees and reports their own.
    T("reports/meetings/", UNITPAGE(),                      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("reports/meetings/new/", UNITPAGE(),                  LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),  # noqa: E501
    T("reports/meetings/new/", UNITPAGE("agenda", query="month=2025-05"),
      LOGIN, DENY, DENY, DENY, OK, DENY, DENY, DENY),
    T("reports/meetings/new/", POST("hold", unit=True, query="month=2025-05", body=MEETING_PAGE),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("reports/meetings/<pk>/", DETAIL("meeting", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("reports/meetings/<pk>/", POST("note", kind="meeting", body=_constant(
        {"action": "note", "item": "rt:item", "note": "RT走查讨论"}), scope="records"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("reports/meetings/<pk>/", POST("decide", kind="meeting", body=MEETING_DECIDE_PAGE, scope="records"),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("reports/meetings/<pk>/minutes.pdf", DETAIL("meeting", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("reports/meetings/actions/", LIST(scope="records"),  LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("reports/meetings/actions/<pk>/", DETAIL("meeting_action", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, HIDDEN),
    T("reports/meetings/actions/<pk>/", POST("done", kind="meeting_action", body=_constant(
        {"action": "done", "note": "RT走查已办结"}), scope="records"),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, HIDDEN),
    T("reports/meetings/actions/<pk>/", POST("close", kind="meeting_action_done", body=_constant(
        {"action": "close", "note": "RT走查销号"}), scope="records"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, HIDDEN),
    T("api/v1/meetings/", LIST(scope="records"),           LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/meetings/", POST("hold", body=MEETING_API),  LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),  # noqa: E501
    T("api/v1/meetings/agenda/", UNITPAGE("agenda", query="month=2025-05", unit_params="codes"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/meetings/<pk>/", DETAIL("meeting", scope="records"),
      LOGIN, DENY, OK, OK, OK, OK, OK, DENY),
    T("api/v1/meetings/<pk>/decide/", POST("decide", kind="meeting", body=MEETING_DECIDE_API, scope="records"),  # noqa: E501
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, DENY),
    T("api/v1/meeting-actions/", LIST(scope="records"),    LOGIN, OK, OK, OK, OK, OK, OK, OK),
    T("api/v1/meeting-actions/<pk>/", DETAIL("meeting_action", scope="records"),
      LOGIN, OK, OK, OK, OK, OK, OK, HIDDEN),
    T("api/v1/meeting-actions/<pk>/done/", POST("done", kind="meeting_action", body=_constant(
        {"note": "RT走查已办结"}), scope="records"),
      LOGIN, DONE, DENY, DENY, DENY, DENY, DENY, HIDDEN),
    T("api/v1/meeting-actions/<pk>/close/", POST("close", kind="meeting_action_done", body=_constant(  # noqa: E501
        {"note": "RT走查销号"}), scope="records"),
      LOGIN, DENY, DENY, DENY, DONE, DENY, DENY, HIDDEN),
    # 跟踪问效 (tests/routes/world_effects.py): the office and the court's leaders read it
    # (PERSONAL table: Action.EFFECTS_READ), within their court.
    T("supervision/effects/", LIST(scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("supervision/effects/<pk>/", DETAIL("effect", scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("api/v1/supervision/effects/", LIST(scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("api/v1/supervision/effects/summary/", LIST("summary", scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    T("api/v1/supervision/effects/<pk>/", DETAIL("effect", scope="records"),
      LOGIN, DENY, DENY, DENY, OK, OK, OK, DENY),
    # 比贡献 and 第一方阵: the dashboards' readers, for a unit in reach (a judge's: no units
    # below, an empty list; the judge's own first-third values).
    T("api/v1/contributions/", UNITPAGE(query=f"indicator={INDICATOR}&period=ytd", unit_params="codes"),  # noqa: E501
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    T("api/v1/target-suggestions/", UNITPAGE(query="period=ytd", unit_params="codes"),
      LOGIN, OK, OK, OK, OK, OK, OK, DENY),
    # Funnel plots replace the ranking where ranks are off: the ranking's readers'.
    T("metrics/<slug>/funnel/", UNITPAGE(),                 LOGIN, DENY, OK, DENY, OK, OK, OK, DENY),  # noqa: E501
    T("api/v1/funnels/", UNITPAGE(unit_params="codes"),     LOGIN, DENY, OK, DENY, OK, OK, OK, DENY),  # noqa: E501
]  # fmt: skip

# The admin is one group: only superusers and staff; all seven roles (and anonymous) are sent
# to the admin's login page, whatever they ask. Its login and logout pages are public; "view on
# site" finds no page for our objects.
ADMIN_PUBLIC = {
    "admin/login/": ("GET", {200}),
    "admin/logout/": ("POST", {200, 302}),
    "admin/r/<content_type_id>/<object_id>/": ("GET", {302, 404}),
}

# --- what must not appear: markers of everything outside an identity's scope -------------------


def sees_letter(who: str, recipient_key: str) -> bool:
    """A notice or an inquiry, by the unit it is addressed to (a judge or a division): the judge
    sees what is addressed to them, a division what is addressed to it or its judges, the
    court's people (the inspector too) the court's."""
    if who == "anonymous":
        return False
    if who == "judge":
        return recipient_key == UNIT["judge"]
    return within(recipient_key, UNIT[who])


def _notice_recipient(slot: str) -> str:
    return DIVISION_SLOTS[slot] if slot == "CR" else SLOTS[slot]


_markers: dict = {}
CITY_ACTORS = {username(name) for name, (_role, unit) in HELPER_UNITS.items() if unit == "C"}


def forbidden_markers(w: World, who: str, scope: str) -> dict[str, str]:
    """marker -> what it is, for everything outside `who`'s scope (cached per module)."""
    key = (id(w), who, scope)
    if key in _markers:
        return _markers[key]
    found: dict[str, str] = {}
    for case_key, case in w.cases.items():
        judge_key = case_key.rsplit("/", 1)[0]
        if not sees_case(who, judge_key, scope):
            found[case.case_number] = f"case {case_key}"
    for judge_key in w.judges:
        # The court's judges are its organisation: the inspector may know who they are.
        if not sees_case(who, judge_key, "records"):
            found[judge_key] = f"the name of judge {judge_key}"
    for slot, judge_key in SLOTS.items():
        if not sees_case(who, judge_key, scope):
            for text in ("RT标注理由", "RT措施要求", "RT讨论问题", "RT延长理由", "RT评查意见"):
                found[f"{text}-{slot}"] = f"a supervision record of {judge_key}"
            found[f"RT异议-{slot}"] = f"a supervision record of {judge_key}"
        if not sees_letter(who, _notice_recipient(slot)):
            for kind in ("notice", "notice_answered"):
                found[w.titles[kind][slot]] = f"the {kind} to {_notice_recipient(slot)}"
            found[f"RT督办内容-{slot}"] = f"a notice to {_notice_recipient(slot)}"
            found[f"RT答复-{slot}"] = f"the answer to a notice to {_notice_recipient(slot)}"
    for slot, division_key in DIVISION_SLOTS.items():
        if who == "judge" or not sees_letter(who, division_key):
            for kind in ("inquiry", "inquiry_answered"):
                found[w.titles[kind][slot]] = f"the {kind} to {division_key}"
            found[f"RT函询答复-{slot}"] = f"the answer to an inquiry to {division_key}"
        if who != "office" or not within(division_key, UNIT["office"]):
            found[w.titles["draft"][slot]] = f"the draft inquiry to {division_key}"
        own_division = who == "judge" and within(UNIT["judge"], division_key)
        if not own_division and not sees_letter(who, division_key):
            found[w.titles["campaign"][slot]] = f"the campaign of {division_key}"
    found[w.titles["inspection"]["B"]] = "苏0506's joint inspection"
    found["RT督查发现-B"] = "苏0506's joint inspection"
    found[w.titles["inspection_request"]["B"]] = "苏0506's inspection request"
    found["RT督查申请发现-B"] = "苏0506's inspection request"
    for slot in ("B", "C"):
        found[w.titles["monthly"][slot]] = f"the monthly review of {slot}"
    for name, (_role, unit_key) in HELPER_UNITS.items():
        if who == "anonymous" or not within(unit_key, UNIT[who] if who != "inspector" else "A"):
            found[username(name)] = f"the user {name} of {unit_key}"
    for name, title in w.titles["notification"].items():
        if name != who:
            found[title] = f"{name}'s in-app message"
    found[w.courts["B"].name] = "苏0506's name"
    found["RT规则-B"] = "苏0506's suggestion rule"
    found["RT审计-B"] = "an audit event of 苏0506"
    _markers[key] = found
    return found


_case_keys: dict = {}


def unit_problems(data, w: World, who: str) -> list[str]:
    """Stored rows of a unit (indicator values, rankings…) outside `who`'s unit; records about
    a case (its id in "case") outside the cases `who` sees."""
    unit = w.unit_of_key(UNIT[who])
    own = {name: obj.pk for name, obj in unit.items()}
    problems: list[str] = []
    if id(w) not in _case_keys:
        _case_keys[id(w)] = {case.pk: key for key, case in w.cases.items()}
    case_keys = _case_keys[id(w)]

    def visit(node) -> None:
        if isinstance(node, list):
            for item in node:
                visit(item)
        elif isinstance(node, dict):
            scope = node.get("scope")
            if scope in ("city", "court", "division", "judge") and "court" in node:
                inside = scope != "city" and all(node.get(name) == pk for name, pk in own.items())
                if not inside:
                    shown = {k: node.get(k) for k in ("scope", "court", "division", "judge")}
                    problems.append(f"a row of a unit outside the scope: {shown}")
            case = node.get("case")
            case_id = case.get("id") if isinstance(case, dict) else case
            key = case_keys.get(case_id) if isinstance(case_id, int) else None
            if key and not sees_case(who, key.rsplit("/", 1)[0], "cases"):
                problems.append(f"a record about case {key}, outside the scope")
            for value in node.values():
                if isinstance(value, dict | list):
                    visit(value)

    visit(data)
    return problems[:3]


# --- asking and judging -------------------------------------------------------------------------


def _api(path: str) -> bool:
    return path.startswith("api/")


def path_url(route_path: str, pk=None) -> str:
    url = "/" + route_path.replace("<slug>", INDICATOR)
    for name in ("<pk>", "<case_id>", "<token>"):
        if name in url:
            url = url.replace(name, str(pk))
    return url


def unit_query(w: World, key: str, style: str) -> str:
    unit = w.unit_of_key(key)
    params = {name: obj.pk for name, obj in unit.items()}
    if style == "codes":
        params["court"] = unit["court"].code
    return "&".join(f"{name}={value}" for name, value in params.items())


def out_units(row: Row, who: str, query: str) -> list[str]:
    if row.route == "api/v1/rankings/":  # a ranking of judges is asked of a division
        return [DIVISION_SLOTS["CR"], DIVISION_SLOTS["B"]] if "scope=judge" in query else ["B"]
    return OUT_UNITS[who]


def in_slot(kind: str, who: str) -> str:
    if kind == "notification":  # one's own (anonymous: the judge's)
        return who if who != "anonymous" else "judge"
    return "J1"


def out_slots(kind: str, who: str) -> list[str]:
    if kind == "notification":
        others = ["a2-judge", "b-judge"]
        return [name for name in others if name != who]
    slots = OUT_SLOTS[who]
    if who == "inspector" and kind in COURT_RECORDS:
        slots = ["B", "C"]
    return slots


def out_expectation(expected: str, in_allowed: bool) -> str:
    if expected == LOGIN:
        return LOGIN
    if expected in (OK, DONE, GONE):
        return GONE
    if expected in (EITHER, ACT):
        return GONE if in_allowed else HIDDEN
    return HIDDEN


@dataclass
class Answer:
    response: object
    changed: list[str]
    joined: bool  # an inspector joined to cases (cases_caseinspector changed)
    text: str


def send(client: Client, method: str, url: str, data, api: bool) -> Answer:
    client.cookies.clear()  # no messages, language or session cookie of an earlier request
    session = getattr(client, "session_key", None)
    if session:  # as logged in at the start (a logout or a password change is undone)
        client.cookies[settings.SESSION_COOKIE_NAME] = session
    with checks.isolated():
        watch = checks.Watch() if method != "GET" else None
        if method == "GET":
            response = client.get(url)
        elif api:
            response = client.generic(
                method, url, json.dumps(data), content_type="application/json"
            )
        else:
            response = client.post(url, data)
        try:
            changed = watch.stop() if watch is not None else []
        except DatabaseError as error:  # the request left the transaction broken
            changed = [f"(the database refused to go on: {str(error).strip()[:80]})"]
        text = checks.text_of(response) if 200 <= response.status_code < 300 else ""
    joined = any(table.startswith("cases_caseinspector ") for table in changed)
    return Answer(response, changed, joined, text)


def _only_not_found(response) -> bool:
    """A 400 whose every error says an object named in the body does not exist (not in reach)."""
    data = checks.json_of(response)
    words = []

    def collect(node) -> None:
        if isinstance(node, dict):
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)
        else:
            words.append(str(node))

    collect(data)
    return bool(words) and all(
        "不存在" in word or "does not exist" in word or "无效" in word for word in words
    )


def verdict(expected: str, answer: Answer, api: bool, changes: bool = False) -> str | None:
    """None when the answer is what `expected` says, else what is wrong."""
    response = answer.response
    status = response.status_code
    errors = checks.errors_of(response)
    refused = status == 403 or (not api and status in (200, 302) and bool(errors))
    refused = refused or (api and status == 400 and _only_not_found(response))
    if expected == LOGIN:
        if api:
            good = status in (401, 403)
        else:
            good = status == 302 and response["Location"].startswith("/accounts/login/")
    elif expected == OK:
        good = status == 200
    elif expected == REDIR:
        good = status in (301, 302, 303)
    elif expected == BAD:
        good = status == 400
    elif expected == DENY:
        good = refused
    elif expected == GONE:
        good = status == 404
    elif expected == HIDDEN:
        good = refused or status == 404
    elif expected == DONE:
        good = status in (200, 201, 204) if api else status in (302, 303) and not errors
    elif expected == ACT:
        done = status in (200, 201, 204) if api else status in (302, 303) and not errors
        good = done or refused
    elif expected == EITHER:
        good = status in (200, 403, 404)
    elif expected == NONE:
        data = checks.json_of(response)
        empty = data == [] or (isinstance(data, dict) and data.get("count") == 0)
        good = status == 403 or (status == 200 and empty)
    elif expected == NOJOIN:
        if answer.joined:
            return f"the inspector joined themselves to cases ({checks.describe(response)})"
        good = status < 500
    elif expected == REJECT:
        good = status in (200, 302, 400, 403, 404) and not answer.changed
    else:
        raise AssertionError(f"unknown outcome {expected}")
    if not good:
        return f"expected {expected}, got {checks.describe(response)}"
    must_not_change = expected in (DENY, GONE, HIDDEN, REJECT) or (
        expected in (ACT, NONE, EITHER) and status not in (200, 201, 204, 302, 303)
    )
    if expected == ACT and refused:
        must_not_change = True
    if must_not_change and answer.changed:
        return f"refused ({checks.describe(response)}) but changed {', '.join(answer.changed)}"
    if expected == DONE and changes and not answer.changed:
        return f"answered {checks.describe(response)} as done, but nothing changed"
    if expected == NOJOIN and answer.joined:
        return "the inspector joined themselves to cases"
    return None


def leaks(answer: Answer, w: World, who: str, ask: Ask, api: bool, sent="") -> list[str]:
    """Markers of what is outside the scope in an answer let through (not those the request
    itself sent: a form shows back what was typed into it)."""
    if not 200 <= answer.response.status_code < 300 or not answer.text:
        return []
    found = [
        f"shows {what} ({marker})"
        for marker, what in forbidden_markers(w, who, ask.scope).items()
        if marker in answer.text
        and marker not in sent
        and not (ask.city_actors and marker in CITY_ACTORS)
    ]
    if api and who != "anonymous":
        data = checks.json_of(answer.response)
        if data is not None:
            found += unit_problems(data, w, who)
    return found[:5]


def _with_query(url: str, *queries: str) -> str:
    query = "&".join(q for q in queries if q)
    return f"{url}?{query}" if query else url


def walk(
    row: Row, who: str, w: World, client: Client, route: Route, twin: Route | None = None
) -> list[str]:
    """Every request of a row for one identity, and what was wrong with the answers (`twin`:
    the inside request only, at the route's format-suffix twin)."""
    ask, api = row.ask, _api(row.route)
    expected = row.expect[who]
    query = ask.query(w, who) if callable(ask.query) else ask.query
    if api and ask.method == "GET" and ask.kind is None:
        query = "&".join(q for q in (query, "page_size=500") if q)
    problems: list[str] = []

    def check(label: str, url: str, data, outcome: str) -> Answer:
        # The URL is the route's (a 404 from a mistyped URL would pass for "outside").
        matched = resolve(url.split("?")[0]).view_name
        assert matched == route.name, f"{url} resolves to {matched}, not to {route.name}"
        answer = send(client, ask.method, url, data, api)
        wrong = verdict(outcome, answer, api, changes=ask.changes)
        if TRACE:  # ROUTES_TRACE=1: every request and its answer, to read what was checked
            print(
                f"[{who}] {ask.method} {url} expect {outcome}: {checks.describe(answer.response)}"
            )
        if wrong:
            problems.append(f"{label} {url}: {wrong}")
        if twin is None:  # the twin answers as its route: its leaks are the route's test's
            sent = json.dumps(data, ensure_ascii=False, default=str) if data else ""
            for leak in leaks(answer, w, who, ask, api, sent):
                problems.append(f"{label} {url}: {leak}")
        return answer

    def body(slot: str):
        return ask.body(w, who, slot) if ask.body else None

    # Inside: the identity's own object, unit, or body naming inside objects.
    slot = in_slot(ask.kind, who) if ask.kind else "J1"
    pk = w.objects[ask.kind][slot] if ask.kind else None
    url = _with_query(path_url(row.route, pk), query)
    if twin is not None:
        twin_url = _with_query(path_url(twin.path.replace(".<format>", ".json"), pk), query)
        check("format suffix", twin_url, body(slot), expected)
        return problems
    first = check("inside", url, body(slot), expected)
    response = first.response
    allowed = response.status_code < 400 and not checks.errors_of(response)
    if expected == OK and response.status_code == 200 and ask.shows:
        for text in ask.shows(w):
            if text not in first.text:
                problems.append(f"inside {url}: does not show {text}")
    if expected in (OK, EITHER) and response.status_code == 200 and ask.count:
        problems += [f"inside {url}: {p}" for p in ask.count(w, who, checks.json_of(response))]

    # Outside: objects, units, or a body naming objects of 苏0506.
    if ask.kind:
        slots = [s for s in out_slots(ask.kind, who) if s in w.objects[ask.kind]]
        if ask.method != "GET":
            slots = slots[:1]
        for out in slots:
            outcome = out_expectation(expected, allowed)
            out_url = _with_query(path_url(row.route, w.objects[ask.kind][out]), query)
            check(f"outside ({out})", out_url, body(out), outcome)
    elif ask.unit:
        for key in out_units(row, who, query):
            outcome = out_expectation(expected, allowed)
            out_url = _with_query(path_url(row.route), query, unit_query(w, key, ask.unit_params))
            check(f"outside ({key})", out_url, body("J1"), outcome)
    elif ask.method != "GET" and ask.body is not None and who != "anonymous":
        if _names_objects(row):
            check("outside (苏0506)", url, body("B"), REJECT)
    return problems


def _names_objects(row: Row) -> bool:
    """An action whose body names cases, people or units (a create), not a bare button."""
    return row.ask.label.split(" ", 1)[1] not in {
        "language", "logout", "own password", "own credentials", "upload", "open missing",
        "suggest", "generate", "targets", "read all", "own channels",
    }  # fmt: skip


# --- the tests --------------------------------------------------------------------------------

ROUTES = routes()
ROUTE_PATHS = {route.path for route in ROUTES}
ROWS_BY_ROUTE: dict[str, list[Row]] = {}
for _row in TABLE:
    ROWS_BY_ROUTE.setdefault(_row.route, []).append(_row)


def _params():
    for route in ROUTES:
        if route.is_admin:
            continue
        if route.is_suffix:
            if route.base not in ROWS_BY_ROUTE:
                yield pytest.param(route, None, None, id=f"/{route.path} UNCLASSIFIED")
            continue
        rows = ROWS_BY_ROUTE.get(route.path, [])
        if not rows:
            yield pytest.param(route, None, None, id=f"/{route.path} UNCLASSIFIED")
            continue
        asked = {row.ask.method for row in rows}
        for method in route.methods:
            if method not in asked:
                yield pytest.param(route, None, method, id=f"/{route.path} {method} UNCLASSIFIED")
        for row in rows:
            for who in IDENTITIES:
                yield pytest.param(route, row, who, id=f"/{route.path} {row.ask.label} {who}")


_clients: dict = {}


def _client(w: World, who: str) -> Client:
    """One client per person and module (a new client loads the middleware again, and
    WhiteNoise's reads every static file); `send` gives it its session back each time."""
    key = (id(w), who)
    if key not in _clients:
        client = Client(raise_request_exception=False)
        client.session_key = w.sessions.get(who)
        _clients[key] = client
    return _clients[key]


@pytest.mark.parametrize(("route", "row", "who"), list(_params()))
def test_route(world, db, route: Route, row: Row | None, who: str | None):  # noqa: F811
    if row is None:
        what = f"its {who} method" if who else "it"
        pytest.fail(
            f"/{route.path} ({route.name or route.view}): {what} is not in the expectation table "
            f"of tests/test_routes.py; add a row saying what each identity may do there"
        )
    problems = walk(row, who, world, _client(world, who), route)
    assert not problems, "\n".join(problems)


def _twin_params():
    twins = [route for route in ROUTES if route.is_suffix and route.base in ROWS_BY_ROUTE]
    if not twins:  # the router makes none today (courtdash/api.py): say so, do not skip
        return [pytest.param(None, id="no-format-suffix-routes")]
    return [pytest.param(route, id=f"/{route.path}") for route in twins]


@pytest.mark.parametrize("route", _twin_params())
def test_format_suffix(world, db, route: Route | None):  # noqa: F811
    """A router's format-suffix twin ("….json") answers as the route it repeats, for every
    identity (the requests that take an action are left to the route's own tests)."""
    if route is None:
        assert not [r.path for r in ROUTES if r.is_suffix]
        return
    problems = []
    for row in ROWS_BY_ROUTE[route.base]:
        for who in IDENTITIES:
            if row.expect[who] in (DONE, ACT, NOJOIN):
                continue
            base = next(r for r in ROUTES if r.path == route.base)
            for problem in walk(row, who, world, _client(world, who), base, twin=route):
                problems.append(f"{row.ask.label} [{who}] {problem}")
    assert not problems, "\n".join(problems)


def test_every_row_names_a_route():
    stale = sorted({row.route for row in TABLE} - ROUTE_PATHS)
    assert not stale, f"rows for routes that no longer exist: {stale}"


def _admin_url(route: Route) -> str:
    url = "/" + route.path
    for name, value in route.examples:
        url = url.replace(f"<{name}>", value)
    return url.replace("<object_id>", "1").replace("<content_type_id>", "1").replace("<url>", "rt/")


@pytest.mark.parametrize("who", IDENTITIES)
def test_admin(world, db, who):  # noqa: F811
    """The admin, as a group: every route sends each identity to the admin's login page, and
    posting to it (as anonymous and as the office, the widest reach) changes nothing."""
    client = _client(world, who)
    problems = []
    before = checks.fingerprint()
    for route in (route for route in ROUTES if route.is_admin):
        url = _admin_url(route)
        if route.path in ADMIN_PUBLIC:
            method, statuses = ADMIN_PUBLIC[route.path]
            answer = send(client, method, url, {}, api=False)
            if answer.response.status_code not in statuses:
                problems.append(f"{method} {url}: {checks.describe(answer.response)}")
            client = _client(world, who)  # after the admin's logout
            continue
        for method in ("GET", "POST") if who in ("anonymous", "office") else ("GET",):
            response = send(client, method, url, {}, api=False).response
            location = response.get("Location", "")
            if response.status_code != 302 or not location.startswith("/admin/login/"):
                problems.append(f"{method} {url}: {checks.describe(response)}")
    changed = checks.changed_tables(before, checks.fingerprint())
    if changed:
        problems.append(f"the admin changed {', '.join(changed)}")
    assert not problems, "\n".join(problems)


# Who, in the city, owns each outside object and unit (and which column of the table is theirs):
# an outside request answered 404 only means something if the owner is answered 200.
OWNERS = {
    "J2": ("a2-judge", "judge"),
    "CR": ("acr-head", "division_head"),
    "B": ("b-office", "office"),
    "C": ("c-office", "office"),
    "ACOURT": ("office", "office"),
    SLOTS["J2"]: ("a2-judge", "judge"),
    DIVISION_SLOTS["J1"]: ("division_head", "division_head"),
    DIVISION_SLOTS["CR"]: ("acr-head", "division_head"),
    "A": ("office", "office"),
}


def _owner_params():
    for row in TABLE:
        if row.ask.method == "GET" and (row.ask.kind or row.ask.unit):
            yield pytest.param(row, id=f"/{row.route} {row.ask.label}")


@pytest.mark.parametrize("row", list(_owner_params()))
def test_outside_objects_answer_their_owners(world, db, row: Row):  # noqa: F811
    """The objects and units asked for as "outside" exist and answer the people whose they
    are, where the table says their role may see them: the 404s above are about scope."""
    ask, api = row.ask, _api(row.route)
    route = next(r for r in ROUTES if r.path == row.route)
    problems, asked = [], set()
    for who in IDENTITIES[1:]:
        query = ask.query(world, who) if callable(ask.query) else ask.query
        if ask.kind:
            targets = [(s, s) for s in out_slots(ask.kind, who) if s in world.objects[ask.kind]]
        else:
            targets = [(key, key) for key in out_units(row, who, query)]
        for target, owner_key in targets:
            owner = OWNERS.get(owner_key) or (
                (owner_key, "judge") if ask.kind == "notification" else None
            )
            if owner is None or row.expect[owner[1]] != OK or (target, query) in asked:
                continue
            asked.add((target, query))
            if ask.kind:
                url = _with_query(path_url(row.route, world.objects[ask.kind][target]), query)
            else:
                url = _with_query(
                    path_url(row.route), query, unit_query(world, target, ask.unit_params)
                )
            assert resolve(url.split("?")[0]).view_name == route.name, url
            response = send(_client(world, owner[0]), "GET", url, None, api).response
            if response.status_code != 200:
                problems.append(f"{owner[0]} {url}: {checks.describe(response)}")
    assert not problems, "\n".join(problems)


def _other_method_params():
    for route in ROUTES:
        if not route.is_admin and not route.is_suffix and route.path in ROWS_BY_ROUTE:
            yield pytest.param(route, id=f"/{route.path}")


@pytest.mark.parametrize("route", list(_other_method_params()))
def test_other_methods_change_nothing(world, db, route: Route):  # noqa: F811
    """PUT and DELETE (PATCH is PUT to these views), which no route of the table takes, change
    nothing anywhere (asked by the office, the widest reach, on the route's inside object)."""
    ask = ROWS_BY_ROUTE[route.path][0].ask
    problems = []
    for who in ("office",):
        pk = world.objects[ask.kind][in_slot(ask.kind, who)] if ask.kind else None
        query = ask.query(world, who) if callable(ask.query) else ask.query
        url = _with_query(path_url(route.path, pk), query)
        for method in ("PUT", "DELETE"):
            answer = send(_client(world, who), method, url, {}, api=True)
            status = answer.response.status_code
            if status >= 500 or answer.changed:
                changed = ", ".join(answer.changed) or "nothing"
                problems.append(
                    f"[{who}] {method} {url}: {checks.describe(answer.response)}; changed {changed}"
                )
    assert not problems, "\n".join(problems)
