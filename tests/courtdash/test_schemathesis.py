"""The API against its own schema: schemathesis over every operation of /api/schema/.

A real server (pytest-django's live server, a thread answering HTTP) on the real test
PostgreSQL, holding the route walker's city (tests/routes/world.py: every kind of record, in and
out of each identity's scope). Schemathesis reads the schema over HTTP and generates requests
from it — valid ones (positive) and ones that break it (negative) — sent as the city's office
(苏05, who sees the whole city) and as a judge of 苏0505, each with their own API token.

Generated ids rarely name a record, so a drawn share of the path ids, and of the ids in query
strings and bodies (case, court, division, judge, …), are the ids of real records of the city
(in and out of the caller's reach); the schema's links (cases.api.schema) say which operation a
created id leads to, and the stateful part follows them.

Every response is checked: never a server error (5xx), the status code and content type the
schema documents, and a body that conforms to the schema. Bounded and deterministic: a few
examples per operation and mode (SCHEMATHESIS_MAX_EXAMPLES, default 3), derandomized. The
counts are printed (pytest -s) for the record; the whole API with more examples:

    SCHEMATHESIS_MAX_EXAMPLES=50 .venv/bin/python -m pytest -s tests/courtdash/test_schemathesis.py

The requests write (marks, notices, imports, …): the test is transactional (the live server's
threads need committed rows) and the database is flushed after it, as for the browser tests.
"""

from __future__ import annotations

import os
import random
import re
import time
from collections import Counter
from dataclasses import dataclass, field

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Flaky, Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode
from schemathesis.generation.stateful.state_machine import StepOutput
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.routes.world import PASSWORD, TODAY, World, world_build

MAX_EXAMPLES = int(os.environ.get("SCHEMATHESIS_MAX_EXAMPLES", "2"))
# A regular expression: fuzz only the operations whose label ("GET /api/v1/…") it matches.
ONLY = os.environ.get("SCHEMATHESIS_OPERATIONS", "")
# Stateful scenarios (create, then follow the schema's links to the created record) per identity.
STATEFUL_EXAMPLES = int(os.environ.get("SCHEMATHESIS_STATEFUL_EXAMPLES", "10"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Who calls: the city's office (苏05: the whole city) and the judge of 苏0505/民一庭/1.
IDENTITIES = ("c-office", "judge")

# The records a path's {id} may name: the world's kinds (tests/routes/world.py) by path prefix.
PATH_KINDS = {
    "/api/v1/cases/": ("case", "spare_case"),
    "/api/v1/courts/": ("court",),
    "/api/v1/divisions/": ("division",),
    "/api/v1/judges/": ("judge",),
    "/api/v1/audit-events/": ("audit",),
    "/api/v1/indicator-values/": ("indicator_value",),
    "/api/v1/health-findings/": ("finding",),
    "/api/v1/monthly-reviews/": ("monthly",),
    "/api/v1/supervision/abnormalities/": ("abnormality",),
    "/api/v1/supervision/abnormality-drafts/": ("draft",),
    "/api/v1/supervision/campaign-cases/": ("campaign_case",),
    "/api/v1/supervision/campaigns/": ("campaign",),
    "/api/v1/supervision/extension-approvers/": ("approver",),
    "/api/v1/supervision/extension-requests/": ("extension",),
    "/api/v1/supervision/inquiries/": ("inquiry", "inquiry_answered", "draft"),
    "/api/v1/supervision/joint-inspections/": ("inspection", "inspection_request"),
    "/api/v1/supervision/mark-rules/": ("rule",),
    "/api/v1/supervision/marks/": ("mark",),
    "/api/v1/supervision/measures/": ("measure",),
    "/api/v1/supervision/notices/": ("notice", "notice_answered"),
    "/api/v1/supervision/notifications/": ("notification",),
    "/api/v1/supervision/referrals/": ("referral",),
    "/api/v1/supervision/reviews/": ("review", "review_objected"),
    "/api/v1/supervision/timelines/": ("case", "spare_case"),
    "/api/v1/supervision/trace/": ("trace",),
}
# Query and body fields that name a record, and the kinds they may name.
FIELD_KINDS = {
    "case": ("case", "spare_case"),
    "cases": ("case", "spare_case"),
    "court": ("court",),
    "division": ("division",),
    "judge": ("judge",),
    "campaign": ("campaign",),
    "notice": ("notice",),
    "inquiry": ("inquiry",),
    "leader": ("users",),
    "user": ("users",),
    "participants": ("users",),
}


@dataclass
class Tally:
    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    operations: set = field(default_factory=set)
    failures: dict = field(default_factory=dict)  # (check title, operation) -> first message
    ungenerated: set = field(default_factory=set)  # operation and mode with no case to make
    stateful: int = 0  # requests of the stateful scenarios
    followed: int = 0  # of which along a link
    found: set = field(default_factory=set)  # operations on a record that answered 2xx
    stopped: list = field(default_factory=list)  # stateful runs hypothesis stopped as flaky
    linked: Counter = field(default_factory=Counter)  # by operation: 2xx on a linked record

    def record_failure(self, operation: str, error: BaseException) -> None:
        failures = error.exceptions if isinstance(error, FailureGroup) else [error]
        for failure in failures:
            title = getattr(failure, "title", type(failure).__name__)
            key = (title, operation)
            if key not in self.failures:
                self.failures[key] = str(failure)[:1500]

    def _with_id(self) -> int:
        return sum("{" in label for label in self.operations)

    def summary(self) -> str:
        server_errors = sum(n for status, n in self.statuses.items() if status >= 500)
        lines = [
            f"schemathesis: {self.requests} requests over {len(self.operations)} operations "
            f"({MAX_EXAMPLES} examples per operation, mode and identity); "
            f"server errors: {server_errors}; failed checks: {len(self.failures)}; "
            f"no case to generate: {len(self.ungenerated)} (operation, mode)",
            f"stateful: {self.stateful} of the requests, {self.followed} along a link, "
            f"{sum(self.linked.values())} answered "
            f"2xx on a record reached by a link ({len(self.linked)} operations)"
            + (f"; stopped early: {', '.join(self.stopped)}" if self.stopped else ""),
            f"operations with an id in the path: {self._with_id()}, "
            f"of which {len(self.found)} answered 2xx on a real record",
            "status codes: " + ", ".join(f"{s}: {n}" for s, n in sorted(self.statuses.items())),
        ]
        for (title, operation), message in sorted(self.failures.items()):
            lines.append(f"--- {title} — {operation}\n{message}")
        return "\n".join(lines)


def _ids(world: World) -> dict[str, list]:
    ids = {kind: list(by_slot.values()) for kind, by_slot in world.objects.items()}
    ids["users"] = [user.pk for user in world.users.values()]
    return ids


def _path_ids(ids: dict, path: str) -> list:
    for prefix, kinds in PATH_KINDS.items():
        if path.startswith(prefix):
            return [pk for kind in kinds for pk in ids.get(kind, [])]
    return []


def _field_ids(ids: dict, name: str) -> list:
    return [pk for kind in FIELD_KINDS.get(name, ()) for pk in ids.get(kind, [])]


def _with_real_ids(case, choose, ids: dict, *, path: bool = True) -> None:
    """Name real records in a chosen share of the case's ids (path, query, body fields);
    `choose(label, options)` picks one of the options or None (keep the generated value)."""
    path_ids = _path_ids(ids, case.operation.path)
    if path and "id" in (case.path_parameters or {}) and path_ids:
        choice = choose("path id", path_ids)
        if choice is not None:
            case.path_parameters["id"] = choice
    for where in (case.query, case.body):
        if not isinstance(where, dict):
            continue
        for name in list(where):
            choices = _field_ids(ids, name)
            choice = choose(name, choices) if choices else None
            if choice is None:
                continue
            if isinstance(where[name], list) or name in ("cases", "participants"):
                where[name] = [choice]
            else:
                where[name] = choice


def _send(case, base: str, headers: dict, tally: Tally, name: str, session=None):
    response = case.call(base_url=base, session=session, headers=headers, timeout=60)
    tally.requests += 1
    tally.statuses[response.status_code] += 1
    tally.operations.add(case.operation.label)
    if "{" in case.operation.path and response.status_code < 300:
        tally.found.add(case.operation.label)
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except (AssertionError, FailureGroup) as error:  # the checks' failures
        tally.record_failure(name, error)
    return response


def _token(base: str, username: str) -> str:
    response = requests.post(
        f"{base}/api/v1/auth/token/",
        json={"username": username, "password": PASSWORD},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()["token"]


@pytest.fixture
def city(live, settings, tmp_path, monkeypatch) -> World:
    """The walker's city, committed (the live server's threads read it)."""
    from cases import tasks

    settings.COURTDASH_TODAY = TODAY
    settings.MEDIA_ROOT = tmp_path
    monkeypatch.setattr(tasks.run_upload, "delay", lambda *args, **kwargs: None)
    return world_build()


def _settings(examples: int, **more) -> settings:
    return settings(
        max_examples=examples,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        **more,
    )


def _stateful(schema, base: str, headers: dict, ids: dict, tally: Tally, label: str) -> None:
    """Scenarios along the schema's links (cases.api.schema): a create, a list or a detail,
    then the operations on the record it answered with. The records a create names (a case,
    a division) are real ones of the city in most steps, so that creates succeed."""
    rng = random.Random(2026)

    def choose(_label, options):
        return rng.choice([None, *options, *options])

    class Scenario(schema.as_state_machine()):
        def step(self, input):
            # An id a link supplies is kept; the ids in the generated parts may be real ones.
            _with_real_ids(input.case, choose, ids, path=input.transition is None)
            name = f"{label} {input.case.operation.label} [stateful]"
            response = _send(input.case, base, headers, tally, name)
            tally.stateful += 1
            tally.followed += input.transition is not None
            if input.transition is not None and response.status_code < 300:
                tally.linked[input.case.operation.label] += 1
            return StepOutput(response, input.case)

    try:
        Scenario.run(settings=_settings(STATEFUL_EXAMPLES, stateful_step_count=5))
    except Flaky as stopped:
        # Hypothesis replays a scenario and finds the server's answers changed (the records
        # the scenario made are there now): the scenarios stop; what they sent was checked.
        tally.stopped.append(f"{label}: {type(stopped).__name__}")


def _example_runner(strategy, base, headers, ids, tally, name, session):
    @_settings(MAX_EXAMPLES)
    @given(case=strategy, data=st.data())
    def run(case, data):
        def choose(label, options):
            return data.draw(st.sampled_from([None, *options]), label=label)

        _with_real_ids(case, choose, ids)
        _send(case, base, headers, tally, name, session)

    return run


def _fuzz(schema, base: str, headers: dict, ids: dict, tally: Tally, label: str) -> None:
    session = requests.Session()
    for result in schema.get_all_operations():
        operation = result.ok()
        if not re.search(ONLY, operation.label):
            continue
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                strategy = operation.as_strategy(generation_mode=mode)
            except Exception as error:  # an operation schemathesis cannot generate for
                tally.record_failure(f"{label} {operation.label} [{mode.value}]", error)
                continue

            name = f"{label} {operation.label} [{mode.value}]"
            run = _example_runner(strategy, base, headers, ids, tally, name, session)
            try:
                run()
            except Unsatisfiable:  # nothing to break (no parameters, no body): no negative case
                tally.ungenerated.add(name)


# A live server reads committed rows; the flush afterwards keeps no content types, so that the
# module's end can put the migrations' rows back (tests/conftest.py, _restore_after_flush).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_api_answers_as_its_schema_says(city, live):
    base = live.url
    schema = schemathesis.openapi.from_url(f"{base}/api/schema/?format=json")
    ids = _ids(city)
    tally = Tally()
    started = time.monotonic()
    for username in IDENTITIES:
        token = _token(base, f"rt-{username}")
        # A connection per request: on a kept-alive one the live server's replies wait on
        # delayed ACKs (about 40 ms each), which would be most of the run.
        headers = {"Authorization": f"Token {token}", "Connection": "close"}
        _fuzz(schema, base, headers, ids, tally, username)
        _stateful(schema, base, headers, ids, tally, username)
        print(f"\n[{username}] {tally.requests} requests so far", flush=True)
    print(f"\n{tally.summary()}\n({time.monotonic() - started:.0f} s)")
    assert tally.requests > 0
    assert not tally.failures, tally.summary()


def test_the_schema_links_a_created_record_to_what_can_be_done_with_it(db):
    from rest_framework.test import APIClient

    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    create = schema["paths"]["/api/v1/supervision/marks/"]["post"]["responses"]
    links = {link["operationId"]: link["parameters"] for link in create["201"]["links"].values()}
    assert links == {
        "v1_supervision_marks_retrieve": {"id": "$response.body#/id"},
        "v1_supervision_marks_confirm_create": {"id": "$response.body#/id"},
        "v1_supervision_marks_remove_create": {"id": "$response.body#/id"},
    }
    listed = schema["paths"]["/api/v1/cases/"]["get"]["responses"]["200"]["links"]
    assert {
        "operationId": "v1_cases_retrieve",
        "parameters": {"id": "$response.body#/results/0/id"},
    } in listed.values()
    # The errors it answers, as they are: field errors for a bad body, a reason otherwise.
    assert set(create) == {"201", "400", "401", "403", "413", "415"}
    detail = schema["paths"]["/api/v1/cases/{id}/"]["get"]["responses"]
    assert set(detail) == {"200", "401", "403", "404"}
    token = schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]
    assert "401" not in token  # no token needed to ask for one


@pytest.mark.parametrize("path", ["/api/v1/audit-events/", "/api/v1/supervision/trace/"])
def test_a_moment_postgresql_cannot_hold_is_a_clear_400(db, path):
    """Found by the fuzz: an ISO offset past ±15:59 reached PostgreSQL (500); now it is read
    in UTC, and a moment that has no UTC reading is a 400 with the reason."""
    from rest_framework.test import APIClient

    from cases.choices import CourtLevel, Role
    from tests.factories import CourtFactory, UserFactory

    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )
    client = APIClient()
    client.force_authenticate(office)
    far = client.get(path, {"at_to": "0140-10-31T14:17:32.379+18:30"})
    assert far.status_code == 200, far.content
    for moment in ("0001-01-01T00:00:00+15:00", "not a moment"):
        refused = client.get(path, {"at_from": moment}, HTTP_ACCEPT_LANGUAGE="zh-hans")
        assert refused.status_code == 400, refused.content
        assert list(refused.json()) == ["at_from"]
    assert "时间超出可处理的范围" in str(
        client.get(path, {"at_from": "0001-01-01T00:00:00+15:00"}).json()
    )


def test_what_the_fuzz_found_at_fifty_examples_is_a_clear_400(db):
    """Each of these was a 500: a username longer than django-axes records, a NUL character
    (PostgreSQL cannot store it) in an import, a report day whose months reach before year 1."""
    from rest_framework.test import APIClient

    from cases.choices import CourtLevel, Role
    from tests.factories import CourtFactory, UserFactory

    office = UserFactory(
        role=Role.OFFICE, court=CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE)
    )
    anyone = APIClient()
    token = anyone.post("/api/v1/auth/token/", {"username": "x" * 300, "password": "p"})
    assert token.status_code == 400 and "username" in token.json()
    client = APIClient()
    client.force_authenticate(office)
    nul = client.post(
        "/api/v1/case-imports/", [{"case_number": "（2025）苏05民终1号\x00"}], format="json"
    )
    assert nul.status_code == 400 and "\\u0000" in nul.json()["detail"]
    early = client.get("/api/v1/supervision/reports/long-pending/cases/", {"day": "0001-01-01"})
    assert early.status_code == 400 and "day" in early.json()
