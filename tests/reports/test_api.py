"""The reports API (reports/api): the leadership's data as the reports pages show it.

One computed city for the module (tests.reports.conftest.build_city: 苏05 over 苏0505, 苏0506,
苏0507), with quarterly targets, a health check and kept monthly reviews; each test in a
savepoint of it. For the office, a court leader, the party leadership, a division head and a
judge of 苏0505: each endpoint answers the numbers of the page's selector for the same person,
nothing of another court (404 when asked for it), 400 with a reason for a parameter it does
not understand, and the kept files byte for byte.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from cases.choices import AuditAction, Role
from cases.models import AuditEvent, Case, Court, Division, Judge
from cases.units import ScopeKey, user_unit
from reports.choices import DocumentKind, FindingKind, ReportStatus
from reports.models import (
    Finding,
    FindingCase,
    MonthlyReport,
    QuarterlyTarget,
    ReportDocument,
)
from reports.monthly.documents import XLSX_TYPE, report_xlsx
from reports.monthly.snapshot import monthly_snapshot
from reports.selectors.daily import daily_dynamics
from reports.selectors.health import finding_cases, health_run, unit_findings
from reports.selectors.monthly import monthly_reviews
from reports.selectors.targets import quarter_targets
from reports.services.healthcheck import health_check_run
from supervision.models import Notice
from tests.factories import UserFactory
from tests.reports.conftest import MONTH, build_city

D = datetime.date
TODAY = D(2025, 6, 30)
YEAR, QUARTER = 2025, 2
LEADERS = (Role.OFFICE, Role.COURT_LEADER, Role.PARTY_LEADERSHIP)
ROLES = (*LEADERS, Role.DIVISION_HEAD, Role.JUDGE)
# Every test in a savepoint of the module's city (`db` below stands in for pytest-django's).
# One worker for the module: its city is built once, not once per worker.
pytestmark = [pytest.mark.usefixtures("db"), pytest.mark.xdist_group("reports_api")]


@pytest.fixture(scope="module")
def city(django_db_setup, django_db_blocker):
    """The city, its targets, findings, reviews and people, built once in a transaction rolled
    back at the module's end."""
    with override_settings(COURTDASH_TODAY=TODAY.isoformat()), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def db(city):
    """Each test in a savepoint of the module's transaction."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def _target(unit: ScopeKey, indicator: str, target: str, **extra) -> QuarterlyTarget:
    return QuarterlyTarget.objects.create(
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        year=YEAR,
        quarter=QUARTER,
        indicator=indicator,
        target=Decimal(target),
        **extra,
    )


def _finding(unit: ScopeKey, run, kind: str, cases) -> Finding:
    finding = Finding.objects.create(
        run=run,
        kind=kind,
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        subject=f"API-{unit.scope}-{unit.court_id}-{unit.division_id}-{unit.judge_id}",
        case_count=len(cases),
        facts={"count": len(cases), "idle_days": 90, "since": "2025-03-01"},
    )
    FindingCase.objects.bulk_create([FindingCase(finding=finding, case=case) for case in cases])
    return finding


def _review(unit: ScopeKey, title: str, *, files=(DocumentKind.PDF, DocumentKind.XLSX)):
    content = monthly_snapshot(unit=unit, month=MONTH)
    report = MonthlyReport.objects.create(
        month=MONTH,
        scope=unit.scope,
        court_id=unit.court_id,
        as_of=content["as_of"],
        title=title,
        status=ReportStatus.DONE,
        content=content,
        generated_at=timezone.now(),
    )
    stored = {
        DocumentKind.PDF: f"%PDF-1.4 {title}".encode(),
        DocumentKind.XLSX: report_xlsx(content)[0],
    }
    for kind in files:
        data = stored[kind]
        ReportDocument.objects.create(
            report=report, kind=kind, content=data, size=len(data), sha256="0" * 64
        )
    return report


def _build() -> dict:
    courts = build_city()
    home, other = courts["苏0505"], courts["苏0506"]
    division = Division.objects.filter(court=home, judges__isnull=False).order_by("pk").first()
    other_division = Division.objects.filter(court=home).exclude(pk=division.pk).first()
    judge = Judge.objects.filter(division=division).order_by("pk").first()
    other_judge = Judge.objects.filter(division=division).exclude(pk=judge.pk).first()
    units = {
        "court": ScopeKey("court", home.pk),
        "division": ScopeKey("division", home.pk, division.pk),
        "judge": ScopeKey("judge", home.pk, division.pk, judge.pk),
        "other_court": ScopeKey("court", other.pk),
        "other_division": ScopeKey("division", home.pk, other_division.pk),
        "other_judge": ScopeKey("judge", home.pk, division.pk, other_judge.pk),
    }
    # Targets of the quarter at every level, one band target, and 苏0506's.
    _target(units["court"], "clearance_rate", "75")
    _target(units["court"], "avg_trial_days", "60", basis="qtd")
    _target(units["division"], "clearance_rate", "80")
    _target(units["division"], "within_limit_rate", "95")
    _target(units["judge"], "clearance_rate", "70")
    _target(units["other_court"], "clearance_rate", "77")
    # A health check as of yesterday, and a finding at each level with real cases.
    run = health_check_run(as_of=TODAY - datetime.timedelta(days=1))
    stalled = FindingKind.STALLED_LONG_PENDING
    findings = {}
    for name, unit in units.items():
        cases = list(Case.objects.filter(unit.cases_q()).order_by("pk")[:3])
        findings[name] = _finding(unit, run, stalled, cases)
    # Notices due today: to the judge, to a colleague, and in 苏0506.
    office = UserFactory(role=Role.OFFICE, court=home)
    other_court_judge = Judge.objects.filter(court=other, division__isnull=False).first()
    for who, title in ((judge, "API督办-本人"), (other_judge, "API督办-同事"),
                       (other_court_judge, "API督办-外院")):  # fmt: skip
        notice = Notice.objects.create(
            court=who.court, division=who.division, title=title, body="…", deadline=TODAY,
            state="sent", recipient_kind="judge", judge=who, created_by=office,
        )  # fmt: skip
        notice.cases.add(Case.objects.filter(judge=who).first())
    reviews = {
        "court": _review(units["court"], "API月讲评-苏0505"),
        "other_court": _review(units["other_court"], "API月讲评-苏0506"),
        "city": _review(ScopeKey.city(), "API月讲评-全市", files=(DocumentKind.PDF,)),
    }
    people = {
        Role.OFFICE: UserFactory(role=Role.OFFICE, court=home),
        Role.COURT_LEADER: UserFactory(role=Role.COURT_LEADER, court=home),
        Role.PARTY_LEADERSHIP: UserFactory(role=Role.PARTY_LEADERSHIP, court=home),
        Role.DIVISION_HEAD: UserFactory(role=Role.DIVISION_HEAD, court=home, division=division),
        Role.JUDGE: UserFactory(role=Role.JUDGE, court=home, division=division, judge=judge),
        Role.INSPECTOR: UserFactory(role=Role.INSPECTOR, court=home),
    }
    return {
        "courts": courts,
        "units": units,
        "run": run,
        "findings": findings,
        "reviews": reviews,
        "people": people,
    }


def api(city, role) -> APIClient:
    client = APIClient()
    client.force_authenticate(city["people"][role])
    return client


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content[:300]
    data = response.json()
    assert data["count"] == len(data["results"]), "one page holds them all here"
    return data["results"]


def codes(city, name: str) -> str:
    """A unit as the API's query parameters: the court's code, division and judge ids."""
    unit = city["units"][name]
    court = Court.objects.get(pk=unit.court_id)
    query = f"court={court.code}"
    if unit.division_id:
        query += f"&division={unit.division_id}"
    if unit.judge_id:
        query += f"&judge={unit.judge_id}"
    return query


def progress_rows(rows) -> list[tuple]:
    """What the page shows of each progress row (unit, indicator, value, target, projection,
    band, status, gap), from the selector's rows (unit, Progress)."""
    out = []
    for unit, row in rows:
        projection = row.projection
        out.append(
            (
                unit.scope,
                unit.court_id,
                unit.division_id,
                unit.judge_id,
                row.indicator.slug,
                row.value,
                float(row.target.target) if row.target else None,
                projection.value if projection else None,
                projection.low if projection else None,
                projection.high if projection else None,
                row.status or None,
                row.gap.text if row.gap else None,
            )
        )
    return out


def api_rows(rows: list[dict]) -> list[tuple]:
    return [
        (
            row["scope"],
            row["court"],
            row["division"],
            row["judge"],
            row["indicator"],
            row["value"],
            row["target"]["target"] if row["target"] else None,
            row["projection"]["value"] if row["projection"] else None,
            row["projection"]["low"] if row["projection"] else None,
            row["projection"]["high"] if row["projection"] else None,
            row["status"],
            row["gap"]["text"] if row["gap"] else None,
        )
        for row in rows
    ]


def has_chinese(response) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in response.content.decode())


# --- quarterly targets and projections -----------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_quarter_targets_are_the_pages_target_rows_of_the_own_unit_and_below(city, role):
    user = city["people"][role]
    unit = user_unit(user)
    page = quarter_targets(unit=unit, year=YEAR, quarter=QUARTER, today=TODAY)
    expected = [(unit, row) for row in page.rows if row.target is not None]
    expected += [(child.unit, child.row) for child in page.children]
    got = results(api(city, role).get("/api/v1/quarter-targets/"))
    assert api_rows(got) == progress_rows(expected)
    assert got, "every identity has targets in its unit"
    other = city["units"]["other_court"].court_id
    assert all(row["court"] != other for row in got)


def test_the_office_sees_its_court_targets_and_its_divisions(city):
    got = results(api(city, Role.OFFICE).get("/api/v1/quarter-targets/?year=2025&quarter=2"))
    seen = {(row["scope"], row["indicator"]) for row in got}
    assert {("court", "clearance_rate"), ("court", "avg_trial_days")} <= seen
    assert {("division", "clearance_rate"), ("division", "within_limit_rate")} <= seen
    basis = {row["indicator"]: row["target"]["basis"] for row in got if row["scope"] == "court"}
    assert basis == {"clearance_rate": "ytd", "avg_trial_days": "qtd"}
    assert all(row["year"] == 2025 and row["quarter"] == 2 for row in got)
    assert all(row["status"] is not None and row["gap"] is not None for row in got)


def test_another_quarter_has_no_targets(city):
    assert results(api(city, Role.OFFICE).get("/api/v1/quarter-targets/?year=2025&quarter=3")) == []


@pytest.mark.parametrize("role", ROLES)
def test_projections_are_the_pages_table_of_every_indicator(city, role):
    user = city["people"][role]
    unit = user_unit(user)
    page = quarter_targets(unit=unit, year=YEAR, quarter=QUARTER, today=TODAY)
    got = results(api(city, role).get("/api/v1/projections/"))
    assert api_rows(got) == progress_rows([(unit, row) for row in page.rows])
    assert any(row["projection"] and row["projection"]["value"] is not None for row in got)


def test_projections_of_a_unit_below_and_of_one_indicator(city):
    unit = city["units"]["division"]
    page = quarter_targets(unit=unit, year=YEAR, quarter=QUARTER, today=TODAY)
    url = f"/api/v1/projections/?{codes(city, 'division')}&indicator=clearance_rate"
    (row,) = results(api(city, Role.COURT_LEADER).get(url))
    (expected,) = [(unit, r) for r in page.rows if r.indicator.slug == "clearance_rate"]
    assert api_rows([row]) == progress_rows([expected])
    assert row["target"]["target"] == 80.0


# --- daily dynamics ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_daily_dynamics_are_the_daily_pages_numbers(city, role):
    user = city["people"][role]
    page = daily_dynamics(user=user, unit=user_unit(user), day=TODAY)
    client = api(city, role)
    data = client.get("/api/v1/daily-dynamics/").json()
    assert data["day"] == "2025-06-30"
    assert data["numbers"] == [
        {key: number[key] for key in ("name", "now", "then", "change", "percent")}
        for number in page.counts["numbers"]
    ]
    assert data["bands_count"] == page.bands.count()
    assert data["long_pending_count"] == page.long_pending.count()
    assert data["letters_count"] == len(page.letters)
    assert [row["indicator"] for row in data["targets"]] == [
        row.indicator.slug for row in page.progress
    ]
    bands = results(client.get("/api/v1/daily-dynamics/bands/?page_size=500"))
    assert [case["id"] for case in bands] == [case.pk for case in page.bands]
    long_pending = results(client.get("/api/v1/daily-dynamics/long-pending/?page_size=500"))
    assert [case["id"] for case in long_pending] == [case.pk for case in page.long_pending]
    letters = results(client.get("/api/v1/daily-dynamics/letters/"))
    assert [letter["title"] for letter in letters] == [letter["title"] for letter in page.letters]
    if role in LEADERS:  # the court has a case entering a band and one turning long-pending
        assert bands and long_pending and letters


@pytest.mark.parametrize(
    ("role", "titles"),
    [
        (Role.OFFICE, ["API督办-同事", "API督办-本人"]),
        (Role.DIVISION_HEAD, ["API督办-同事", "API督办-本人"]),
        (Role.JUDGE, ["API督办-本人"]),
    ],
)
def test_letters_due_today_are_those_of_the_scope(city, role, titles):
    letters = results(api(city, role).get("/api/v1/daily-dynamics/letters/"))
    assert sorted(letter["title"] for letter in letters) == titles
    assert all(letter["overdue_days"] == 0 for letter in letters)


def test_daily_dynamics_of_an_earlier_day_and_a_unit_below(city):
    user = city["people"][Role.OFFICE]
    unit = city["units"]["division"]
    day = D(2025, 3, 14)
    page = daily_dynamics(user=user, unit=unit, day=day)
    client = api(city, Role.OFFICE)
    data = client.get(f"/api/v1/daily-dynamics/?{codes(city, 'division')}&day=2025-03-14").json()
    assert data["unit"]["scope"] == "division" and data["unit"]["division"] == unit.division_id
    assert data["last_year"] == page.counts["last_year"].isoformat()
    assert [n["now"] for n in data["numbers"]] == [n["now"] for n in page.counts["numbers"]]
    assert sum(n["now"] for n in data["numbers"]) > 0, "a day with cases"
    listed = client.get(f"/api/v1/daily-dynamics/bands/?{codes(city, 'division')}&day=2025-03-14")
    assert [case["id"] for case in results(listed)] == [case.pk for case in page.bands]
    assert AuditEvent.objects.filter(
        action=AuditAction.CASE_LIST, detail__daily_dynamics="bands"
    ).exists()


# --- health-check findings -----------------------------------------------------------------

HEALTH_ROLES = (*LEADERS, Role.DIVISION_HEAD)


@pytest.mark.parametrize("role", HEALTH_ROLES)
def test_health_findings_are_the_health_pages_findings(city, role):
    user = city["people"][role]
    page = unit_findings(user=user, unit=user_unit(user), run=health_run())
    got = results(api(city, role).get("/api/v1/health-findings/?page_size=500"))
    assert [row["id"] for row in got] == [finding.pk for finding in page]
    mine = city["findings"]["division"].pk
    assert mine in {row["id"] for row in got}
    assert city["findings"]["other_court"].pk not in {row["id"] for row in got}
    row = next(row for row in got if row["id"] == mine)
    assert row["kind"] == "stalled_long_pending" and row["text"].startswith("3 件案件")
    assert row["run_as_of"] == "2025-06-29"


def test_the_division_head_sees_only_their_division(city):
    got = results(api(city, Role.DIVISION_HEAD).get("/api/v1/health-findings/?page_size=500"))
    division = city["units"]["division"].division_id
    assert got and all(row["division"] == division for row in got)
    assert city["findings"]["other_division"].pk not in {row["id"] for row in got}


def test_health_findings_filter_by_kind_and_unit(city):
    client = api(city, Role.OFFICE)
    url = f"/api/v1/health-findings/?{codes(city, 'division')}&kind=stalled_long_pending"
    got = results(client.get(url))
    ids = {row["id"] for row in got}
    assert city["findings"]["division"].pk in ids and city["findings"]["judge"].pk in ids
    assert city["findings"]["court"].pk not in ids
    assert all(row["kind"] == "stalled_long_pending" for row in got)
    assert results(client.get("/api/v1/health-findings/?as_of=2020-01-01")) == []


def test_a_finding_and_its_cases(city):
    client = api(city, Role.DIVISION_HEAD)
    finding = city["findings"]["judge"]
    detail = client.get(f"/api/v1/health-findings/{finding.pk}/")
    assert detail.status_code == 200 and detail.json()["case_count"] == 3
    cases = results(client.get(f"/api/v1/health-findings/{finding.pk}/cases/"))
    user = city["people"][Role.DIVISION_HEAD]
    assert [case["id"] for case in cases] == [
        case.pk for case in finding_cases(user=user, finding=finding)
    ]
    assert len(cases) == 3
    event = AuditEvent.objects.filter(
        action=AuditAction.CASE_LIST, object_type="health_finding", object_id=str(finding.pk)
    )
    assert event.exists()


@pytest.mark.parametrize("role", HEALTH_ROLES)
def test_another_courts_finding_is_not_found(city, role):
    client = api(city, role)
    other = city["findings"]["other_court"].pk
    assert client.get(f"/api/v1/health-findings/{other}/").status_code == 404
    assert client.get(f"/api/v1/health-findings/{other}/cases/").status_code == 404
    assert client.get("/api/v1/health-findings/?court=苏0506").status_code == 404


def test_judges_and_inspectors_have_no_health_check(city):
    for role in (Role.JUDGE, Role.INSPECTOR):
        client = api(city, role)
        assert client.get("/api/v1/health-findings/").status_code == 403
        finding = city["findings"]["judge"].pk
        assert client.get(f"/api/v1/health-findings/{finding}/").status_code == 403


# --- monthly reviews -----------------------------------------------------------------------


@pytest.mark.parametrize("role", LEADERS)
def test_monthly_reviews_are_the_monthly_pages_list(city, role):
    user = city["people"][role]
    got = results(api(city, role).get("/api/v1/monthly-reviews/"))
    assert [row["id"] for row in got] == [report.pk for report in monthly_reviews(user)]
    assert [row["id"] for row in got] == [city["reviews"]["court"].pk]
    (row,) = got
    assert row["month"] == "2025-05-01" and row["title"] == "API月讲评-苏0505"
    assert [document["kind"] for document in row["documents"]] == ["pdf", "xlsx"]
    assert row["documents"][0]["url"] == f"/api/v1/monthly-reviews/{row['id']}/pdf/"


def test_a_review_as_kept_and_its_files_byte_for_byte(city):
    client = api(city, Role.PARTY_LEADERSHIP)
    report = city["reviews"]["court"]
    detail = client.get(f"/api/v1/monthly-reviews/{report.pk}/")
    assert detail.status_code == 200
    assert detail.json()["content"] == report.content
    for kind, content_type in (("pdf", "application/pdf"), ("xlsx", XLSX_TYPE)):
        response = client.get(f"/api/v1/monthly-reviews/{report.pk}/{kind}/")
        assert response.status_code == 200
        assert response["Content-Type"] == content_type
        stored = ReportDocument.objects.get(report=report, kind=kind)
        assert response.content == bytes(stored.content)
        assert "filename*=UTF-8''2025-05-" in response["Content-Disposition"]
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="monthly_report")
    assert sorted(event.detail["format"] for event in exports) == ["pdf", "xlsx"]
    # Asked for as a PDF: the same bytes.
    pdf = client.get(f"/api/v1/monthly-reviews/{report.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_city_office_reads_the_citys_review_and_a_missing_file_is_not_found(city):
    city_office = UserFactory(role=Role.OFFICE, court=city["courts"]["苏05"])
    client = APIClient()
    client.force_authenticate(city_office)
    listed = {row["id"] for row in results(client.get("/api/v1/monthly-reviews/"))}
    assert listed == {report.pk for report in city["reviews"].values()}
    review = city["reviews"]["city"]
    assert client.get(f"/api/v1/monthly-reviews/{review.pk}/pdf/").status_code == 200
    missing = client.get(f"/api/v1/monthly-reviews/{review.pk}/xlsx/")
    assert missing.status_code == 404 and has_chinese(missing)
    filtered = client.get("/api/v1/monthly-reviews/?scope=city&month=2025-05-17")
    assert [row["id"] for row in results(filtered)] == [review.pk]
    assert results(client.get("/api/v1/monthly-reviews/?month=2025-04-01")) == []


@pytest.mark.parametrize("role", LEADERS)
def test_another_courts_review_is_not_found(city, role):
    client = api(city, role)
    for name in ("other_court", "city"):
        review = city["reviews"][name].pk
        for suffix in ("", "pdf/", "xlsx/"):
            response = client.get(f"/api/v1/monthly-reviews/{review}/{suffix}")
            assert response.status_code == 404, (name, suffix)


@pytest.mark.parametrize("role", [Role.DIVISION_HEAD, Role.JUDGE, Role.INSPECTOR])
def test_other_roles_have_no_monthly_reviews(city, role):
    client = api(city, role)
    review = city["reviews"]["court"].pk
    assert client.get("/api/v1/monthly-reviews/").status_code == 403
    assert client.get(f"/api/v1/monthly-reviews/{review}/pdf/").status_code == 403


# --- scope and parameters ------------------------------------------------------------------

UNIT_ENDPOINTS = ("quarter-targets", "projections", "daily-dynamics", "daily-dynamics/bands")


@pytest.mark.parametrize(
    ("role", "outside"),
    [
        (Role.OFFICE, "other_court"),
        (Role.COURT_LEADER, "other_court"),
        (Role.PARTY_LEADERSHIP, "other_court"),
        (Role.DIVISION_HEAD, "other_division"),
        (Role.DIVISION_HEAD, "court"),
        (Role.JUDGE, "other_judge"),
        (Role.JUDGE, "division"),
    ],
)
def test_a_unit_outside_the_scope_is_not_found(city, role, outside):
    client = api(city, role)
    endpoints = UNIT_ENDPOINTS + (("health-findings",) if role != Role.JUDGE else ())
    for endpoint in endpoints:
        response = client.get(f"/api/v1/{endpoint}/?{codes(city, outside)}")
        assert response.status_code == 404, endpoint
        assert "不在您的可见范围内" in response.json()["detail"]


def test_unknown_units_are_not_found(city):
    client = api(city, Role.OFFICE)
    for query in ("court=苏9999", "division=2147483647", "judge=2147483647"):
        assert client.get(f"/api/v1/quarter-targets/?{query}").status_code == 404, query


def test_inspectors_have_no_targets_projections_or_daily_dynamics(city):
    client = api(city, Role.INSPECTOR)
    for endpoint in UNIT_ENDPOINTS:
        assert client.get(f"/api/v1/{endpoint}/").status_code == 403, endpoint


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/quarter-targets/?year=1999",
        "/api/v1/quarter-targets/?quarter=5",
        "/api/v1/quarter-targets/?quarter=first",
        "/api/v1/quarter-targets/?division=abc",
        "/api/v1/quarter-targets/?judge=99999999999999999999",
        "/api/v1/quarter-targets/?court=" + "苏" * 30,
        "/api/v1/projections/?indicator=happiness",
        "/api/v1/daily-dynamics/?day=2099-01-01",
        "/api/v1/daily-dynamics/?day=yesterday",
        "/api/v1/daily-dynamics/?day=1970-01-01",
        "/api/v1/daily-dynamics/letters/?day=2025-02-30",
        "/api/v1/health-findings/?as_of=soon",
        "/api/v1/health-findings/?kind=everything",
        "/api/v1/health-findings/?scope=planet",
        "/api/v1/monthly-reviews/?month=2025-13-01",
        "/api/v1/monthly-reviews/?scope=planet",
        "/api/v1/quarter-targets/?court=%00",
    ],
)
def test_a_parameter_not_understood_is_a_400_with_the_reason(city, url):
    response = api(city, Role.OFFICE).get(url)
    assert response.status_code == 400, response.content[:200]
    assert has_chinese(response), response.content[:200]


def test_signed_out_callers_are_refused(city):
    client = APIClient()
    for endpoint in ("quarter-targets", "projections", "daily-dynamics", "health-findings"):
        assert client.get(f"/api/v1/{endpoint}/").status_code in (401, 403)
    review = city["reviews"]["court"].pk
    assert client.get(f"/api/v1/monthly-reviews/{review}/pdf/").status_code in (401, 403)
