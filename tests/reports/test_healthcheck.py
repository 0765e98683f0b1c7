"""The case health check (办案体检) finds each planted problem at the unit that carries it,
linked to the planted cases, and finds nothing on a clean city."""

import datetime

import pytest

from cases.models import Case
from cases.runs import RunStatus
from metrics.choices import Scope
from reports.choices import FindingKind
from reports.healthcheck import detect
from reports.models import Finding, FindingCase, HealthCheckRun
from reports.services.healthcheck import health_check_run
from tests.reports.generate import AS_OF, PLANTED_AT, PLANTS, health_city

pytestmark = pytest.mark.django_db

# The share rules also look at divisions: the planted judge's division may show too.
DIVISION_TOO = {
    FindingKind.MONTH_END_CLOSINGS,
    FindingKind.YEAR_END_CLOSINGS,
    FindingKind.HIGH_WITHDRAWAL_SHARE,
    FindingKind.REVERSAL_CLUSTER,
}


def _where(draft) -> tuple:
    """A draft's unit as PLANTED_AT names units."""
    from cases.models import Court, Division, Judge

    court = Court.objects.get(pk=draft.court_id).code
    if draft.scope == Scope.COURT:
        return (court,)
    division = Division.objects.get(pk=draft.division_id).name
    if draft.scope == Scope.DIVISION:
        return (court, division)
    judge = Judge.objects.get(pk=draft.judge_id)
    return (court, division, int(judge.staff_id.rsplit("-", 1)[1]))


def test_a_clean_city_has_nothing_to_find():
    health_city()
    assert detect(as_of=AS_OF) == []


@pytest.mark.parametrize("plant", PLANTS)
def test_each_planted_problem_is_found_where_it_was_planted_and_nowhere_else(plant):
    built = health_city(plant=(plant,))
    drafts = detect(as_of=AS_OF)
    at = PLANTED_AT[plant]
    found = {(draft.kind, _where(draft)) for draft in drafts}
    assert (plant, at) in found, found
    allowed = {(plant, at), (plant, at[:2]), (plant, at[:1])}
    if plant not in DIVISION_TOO:
        allowed -= {(plant, at[:2])} if len(at) == 3 else set()
    assert found <= allowed, found - allowed
    (own,) = [draft for draft in drafts if _where(draft) == at]
    # Linked to its cases: every planted case, and only cases of that unit.
    linked = set(own.cases.values_list("pk", flat=True))
    assert built.planted[plant] <= linked
    assert set(own.cases.values_list("court__code", flat=True)) == {at[0]}


def test_all_plants_at_once_are_all_found():
    health_city(plant=PLANTS)
    found = {(draft.kind, _where(draft)) for draft in detect(as_of=AS_OF)}
    for plant in PLANTS:
        assert (plant, PLANTED_AT[plant]) in found


def test_a_run_stores_the_findings_with_their_cases_and_a_second_run_replaces_them():
    built = health_city(plant=("stalled_long_pending", "repeated_extensions"))
    run = health_check_run(as_of=AS_OF)
    assert run.status == RunStatus.DONE and run.findings == 2
    stalled = Finding.objects.get(run=run, kind=FindingKind.STALLED_LONG_PENDING)
    assert stalled.case_count == 3
    assert set(stalled.cases.values_list("pk", flat=True)) == built.planted["stalled_long_pending"]
    assert stalled.facts["idle_days"] == 90
    before = set(FindingCase.objects.values_list("finding_id", "finding__kind", "case_id"))

    again = health_check_run(as_of=AS_OF)
    assert again.pk == run.pk
    assert HealthCheckRun.objects.count() == 1
    assert Finding.objects.count() == 2
    # The same findings, with the same ids (kept reviews link to them), and the same cases.
    assert set(FindingCase.objects.values_list("finding_id", "finding__kind", "case_id")) == before

    # Work recorded on the stalled cases: the next run no longer finds them.
    Case.objects.filter(pk__in=built.planted["stalled_long_pending"]).update(
        updated_at=datetime.datetime(2025, 6, 25, tzinfo=datetime.UTC)
    )
    extensions = Finding.objects.get(kind=FindingKind.REPEATED_EXTENSIONS)
    health_check_run(as_of=AS_OF)
    assert list(Finding.objects.values_list("pk", flat=True)) == [extensions.pk]


def test_extensions_approved_in_courtdash_count_as_extensions_too():
    """An extension approved in Courtdash lives in approved_extension_days (an import never
    takes it back); the repeated-extensions check counts it as the deadline does."""
    built = health_city(plant=("repeated_extensions",))
    planted = Case.objects.filter(pk__in=built.planted["repeated_extensions"])
    planted.update(extension_days=0, approved_extension_days=200)
    found = {(draft.kind, _where(draft)) for draft in detect(as_of=AS_OF)}
    assert ("repeated_extensions", PLANTED_AT["repeated_extensions"]) in found
    planted.update(approved_extension_days=0)
    found = {(draft.kind, _where(draft)) for draft in detect(as_of=AS_OF)}
    assert ("repeated_extensions", PLANTED_AT["repeated_extensions"]) not in found
