"""The reports pages: who may see which, what they show, the office's forms, downloads."""

from decimal import Decimal

import pytest
from django.utils import timezone

from cases.choices import AuditAction, Role
from cases.models import AuditEvent, Court, Division, Judge
from cases.units import ScopeKey
from reports.choices import DocumentKind, ReportStatus
from reports.models import Finding, MonthlyReport, QuarterlyTarget, ReportDocument
from reports.monthly.snapshot import monthly_snapshot
from reports.services.healthcheck import health_check_run
from reports.services.monthly import monthly_report_generate
from tests.reports.conftest import MONTH, city_court
from tests.reports.generate import AS_OF, PLANTED_AT, health_city

pytestmark = pytest.mark.django_db


def kept(unit: ScopeKey, *, title: str) -> MonthlyReport:
    """A kept review without its files (the pages read only the content)."""
    content = monthly_snapshot(unit=unit, month=MONTH)
    return MonthlyReport.objects.create(
        month=MONTH, scope=unit.scope, court_id=unit.court_id, as_of=content["as_of"],
        title=title, status=ReportStatus.DONE, content=content, generated_at=timezone.now(),
    )  # fmt: skip


def test_party_leadership_reads_the_review_and_downloads_its_files(
    client, computed_city, role_user
):
    report = monthly_report_generate(unit=ScopeKey.city(), month=MONTH)
    client.force_login(role_user(Role.PARTY_LEADERSHIP, court=city_court()))
    listing = client.get("/reports/monthly/")
    assert listing.status_code == 200 and f"/reports/monthly/{report.pk}/" in listing.text
    page = client.get(f"/reports/monthly/{report.pk}/")
    assert page.status_code == 200
    assert "全市法院2025年5月审判质效讲评" in page.text
    assert 'data-figure="figure-projection-clearance_rate"' in page.text
    pdf = client.get(f"/reports/monthly/{report.pk}/report.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(report.documents.get(kind=DocumentKind.PDF).content)
    assert "filename*=UTF-8''2025-05-" in pdf["Content-Disposition"]
    xlsx = client.get(f"/reports/monthly/{report.pk}/report.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    exports = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="monthly_report")
    assert sorted(event.detail["format"] for event in exports) == ["pdf", "xlsx"]


def test_a_courts_leadership_sees_its_courts_review_and_not_the_citys(
    client, computed_city, role_user
):
    court = Court.objects.get(code="苏0505")
    city = kept(ScopeKey.city(), title="全市法院")
    own = kept(ScopeKey("court", court.pk), title=court.name)
    client.force_login(role_user(Role.PARTY_LEADERSHIP, court=court))
    listing = client.get("/reports/monthly/").text
    assert f"/reports/monthly/{own.pk}/" in listing
    assert f"/reports/monthly/{city.pk}/" not in listing
    assert client.get(f"/reports/monthly/{own.pk}/").status_code == 200
    assert client.get(f"/reports/monthly/{city.pk}/").status_code == 404
    assert client.get(f"/reports/monthly/{city.pk}/report.pdf").status_code == 404


@pytest.mark.parametrize("role", [Role.JUDGE, Role.DIVISION_HEAD, Role.INSPECTOR])
def test_other_roles_have_no_monthly_review(client, computed_city, role_user, role):
    report = kept(ScopeKey.city(), title="全市法院")
    judge = Judge.objects.filter(court__code="苏0505").first()
    user = {
        Role.JUDGE: lambda: role_user(Role.JUDGE, judge=judge),
        Role.DIVISION_HEAD: lambda: role_user(Role.DIVISION_HEAD, division=judge.division),
        Role.INSPECTOR: lambda: role_user(Role.INSPECTOR, court=city_court()),
    }[role]()
    client.force_login(user)
    assert client.get("/reports/monthly/").status_code == 403
    assert client.get(f"/reports/monthly/{report.pk}/").status_code == 403


def test_the_review_page_reads_its_kept_content_in_a_few_queries(
    client, computed_city, role_user, django_assert_max_num_queries
):
    report = kept(ScopeKey.city(), title="全市法院")
    client.force_login(role_user(Role.PARTY_LEADERSHIP, court=city_court()))
    with django_assert_max_num_queries(12):
        assert client.get(f"/reports/monthly/{report.pk}/").status_code == 200


def test_only_the_citys_office_asks_for_a_months_reviews(
    client, computed_city, role_user, django_capture_on_commit_callbacks
):
    client.force_login(role_user(Role.PARTY_LEADERSHIP, court=city_court()))
    assert client.post("/reports/monthly/generate/", {"month": "2025-05"}).status_code == 403
    client.force_login(role_user(Role.OFFICE, court=city_court()))
    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/reports/monthly/generate/", {"month": "2025-05"})
    assert response.status_code == 302 and len(callbacks) == 1  # sent once committed
    with django_capture_on_commit_callbacks() as callbacks:
        client.post("/reports/monthly/generate/", {"month": "2025-06"})  # not over yet
    assert callbacks == []


def test_the_office_sets_quarterly_targets_and_the_page_says_what_it_takes(
    client, computed_city, role_user
):
    office = role_user(Role.OFFICE, court=city_court())
    client.force_login(office)
    form = client.get("/reports/targets/edit/?year=2025&quarter=2")
    assert form.status_code == 200
    response = client.post(
        "/reports/targets/edit/?year=2025&quarter=2",
        {
            "clearance_rate-target": "90",
            "clearance_rate-basis": "ytd",
            "mediation_withdrawal_rate-target": "35",
            "mediation_withdrawal_rate-upper": "65",
            "mediation_withdrawal_rate-basis": "ytd",
        },
    )
    assert response.status_code == 302
    targets = {row.indicator: row for row in QuarterlyTarget.objects.all()}
    assert set(targets) == {"clearance_rate", "mediation_withdrawal_rate"}
    assert targets["mediation_withdrawal_rate"].upper_target == Decimal("65")
    assert AuditEvent.objects.filter(object_type="quarterly_target").count() == 1
    page = client.get("/reports/targets/?year=2025&quarter=2").text
    assert 'data-status="off_track"' in page  # 90% of the whole year's work by June: no
    assert "须再增加结案" in page or "本期已难以达到目标" in page
    daily = client.get("/reports/").text
    assert 'data-indicator="clearance_rate"' in daily  # progress on the daily page too
    court = Court.objects.get(code="苏0505")
    assert f'href="/reports/?court={court.pk}"' in daily  # and down to each court

    # A band indicator without its upper bound is refused, with the reason on the form.
    response = client.post(
        "/reports/targets/edit/?year=2025&quarter=2",
        {"mediation_withdrawal_rate-target": "35", "mediation_withdrawal_rate-basis": "ytd",
         "clearance_rate-basis": "ytd"},
    )  # fmt: skip
    assert response.status_code == 200 and "区间指标" in response.text


def test_targets_are_the_offices_and_only_within_its_court(client, computed_city, role_user):
    court = Court.objects.get(code="苏0505")
    other = Court.objects.get(code="苏0506")
    client.force_login(role_user(Role.PARTY_LEADERSHIP, court=city_court()))
    assert client.get("/reports/targets/").status_code == 200
    assert client.get("/reports/targets/edit/").status_code == 403
    client.force_login(role_user(Role.OFFICE, court=court))
    assert client.get(f"/reports/targets/edit/?court={court.pk}").status_code == 200
    assert client.get(f"/reports/targets/edit/?court={other.pk}").status_code == 404


def test_a_division_head_sees_the_findings_of_their_division_and_their_cases(client, role_user):
    built = health_city(plant=("stalled_long_pending", "repeated_extensions"))
    run = health_check_run(as_of=AS_OF)
    stalled = Finding.objects.get(run=run, kind="stalled_long_pending")
    court, division, _number = PLANTED_AT["stalled_long_pending"]
    own = Division.objects.get(court__code=court, name=division)
    client.force_login(role_user(Role.DIVISION_HEAD, division=own))
    page = client.get("/reports/health/").text
    assert 'data-finding="stalled_long_pending"' in page
    assert 'data-finding="repeated_extensions"' not in page  # another division's
    cases = client.get(f"/reports/health/findings/{stalled.pk}/")
    assert cases.status_code == 200
    for case in built.planted["stalled_long_pending"]:
        assert f"/cases/{case}/" in cases.text
    other = Finding.objects.get(run=run, kind="repeated_extensions")
    assert client.get(f"/reports/health/findings/{other.pk}/").status_code == 404
    # Judges have no health-check pages.
    judge = Judge.objects.filter(division=own).first()
    client.force_login(role_user(Role.JUDGE, judge=judge))
    assert client.get("/reports/health/").status_code == 403


def test_the_health_page_filters_by_kind_and_shows_the_rules(client, role_user):
    health_city(plant=("stalled_long_pending", "repeated_extensions"))
    health_check_run(as_of=AS_OF)
    client.force_login(role_user(Role.OFFICE, court=city_court()))
    page = client.get("/reports/health/?kind=repeated_extensions").text
    assert 'data-finding="repeated_extensions"' in page
    assert 'data-finding="stalled_long_pending"' not in page
    assert 'data-rule="held_back_filings"' in page and "90 天以上" in page


def test_a_review_file_is_served_as_kept(client, computed_city, role_user):
    report = kept(ScopeKey.city(), title="全市法院")
    ReportDocument.objects.create(
        report=report, kind=DocumentKind.PDF, content=b"%PDF-kept", size=9, sha256="x"
    )
    client.force_login(role_user(Role.COURT_LEADER, court=city_court()))
    assert client.get(f"/reports/monthly/{report.pk}/report.pdf").content == b"%PDF-kept"
    assert client.get(f"/reports/monthly/{report.pk}/report.xlsx").status_code == 404


def test_the_metrics_overview_shows_the_quarters_target_progress(client, computed_city, role_user):
    office = role_user(Role.OFFICE, court=city_court())
    client.force_login(office)
    before = client.get("/metrics/").text
    assert '<tr data-indicator="clearance_rate">' not in before
    assert "本单位本季度尚未设定目标" in before
    client.post(
        "/reports/targets/edit/?year=2025&quarter=2",
        {"clearance_rate-target": "90", "clearance_rate-basis": "ytd"},
    )
    after = client.get("/metrics/").text
    assert '<tr data-indicator="clearance_rate">' in after
    assert 'data-status="off_track"' in after
