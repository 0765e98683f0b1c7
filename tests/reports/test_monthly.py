"""The monthly review (月讲评): what it holds, its files, and that a kept review reads the same
whatever changes afterwards."""

import io
import subprocess

import pytest
from openpyxl import load_workbook

from cases.models import Case, Court
from cases.units import ScopeKey
from metrics.models import IndicatorTarget, IndicatorValue, ScopeScore
from metrics.services import metrics_compute
from reports.choices import DocumentKind
from reports.models import HealthCheckRun, MonthlyReport
from reports.monthly.snapshot import NoResults, monthly_snapshot
from reports.services.monthly import monthly_report_generate, monthly_reports_generate
from tests.reports.conftest import MONTH, D

pytestmark = pytest.mark.django_db
MAY_END = D(2025, 5, 31)


def stored(unit: ScopeKey, slug: str) -> IndicatorValue:
    return IndicatorValue.objects.get(unit.rows_q(), indicator=slug, period="ytd", as_of=MAY_END)


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


def test_the_snapshot_holds_the_stored_numbers_of_the_month_end(computed_city):
    unit = ScopeKey.city()
    content = monthly_snapshot(unit=unit, month=MONTH)
    assert content["as_of"] == "2025-05-31" and content["previous_as_of"] == "2025-04-30"
    assert [item["slug"] for item in content["indicators"]][:3] == [
        "closed_to_filed_ratio",
        "clearance_rate",
        "within_limit_rate",
    ]
    assert len(content["indicators"]) == 11
    clearance = next(item for item in content["indicators"] if item["slug"] == "clearance_rate")
    row = stored(unit, "clearance_rate")
    assert clearance["value"] == row.value
    assert clearance["year_target"]["text"] == "93.00%"  # December's pass line
    assert clearance["projection"]["method"] == "seasonal"
    assert clearance["projection"]["low"] <= clearance["projection"]["value"]
    score = ScopeScore.objects.get(unit.rows_q(), period="ytd", as_of=MAY_END)
    assert content["score"]["total"] == score.total
    assert [child["name"] for child in content["children"]]  # the courts, ranked
    assert {"figure-flow", "figure-children", "figure-projection-clearance_rate"} <= set(
        content["figures"]
    )


def test_a_month_with_nothing_computed_has_no_review(computed_city):
    with pytest.raises(NoResults):
        monthly_snapshot(unit=ScopeKey.city(), month=D(2023, 1, 1))


def test_a_kept_review_reads_the_same_after_the_data_changes(computed_city):
    unit = ScopeKey.city()
    report = monthly_report_generate(unit=unit, month=MONTH)
    documents = {doc.kind: bytes(doc.content) for doc in report.documents.all()}
    assert set(documents) == {DocumentKind.PDF, DocumentKind.XLSX}
    assert documents[DocumentKind.PDF].startswith(b"%PDF")
    text = pdf_text(documents[DocumentKind.PDF])
    assert "全市法院2025年5月审判质效讲评" in text.replace(" ", "")
    assert "苏州市虎丘区人民法院" in text
    book = load_workbook(io.BytesIO(documents[DocumentKind.XLSX]))
    assert book.sheetnames[:3] == ["概况", "指标", "排名"]
    assert book["指标"]["B3"].value == "结案率"
    assert book["指标"]["C3"].value == pytest.approx(stored(unit, "clearance_rate").value, 1e-3)
    content = report.content
    assert HealthCheckRun.objects.filter(as_of=MAY_END).exists()

    # Afterwards: a court renamed, a case closed differently, the month end recomputed, a
    # target changed.
    Court.objects.filter(code="苏0505").update(name="苏州市虎丘区人民法院（新）")
    case = Case.objects.filter(closed_on__isnull=True, filed_on__lte=MAY_END).first()
    Case.objects.filter(pk=case.pk).update(closed_on=D(2025, 5, 20), closing_method="judgment")
    metrics_compute(as_of=MAY_END)
    IndicatorTarget.objects.filter(indicator="within_limit_rate").update(target=99)
    assert monthly_snapshot(unit=unit, month=MONTH) != content

    again = monthly_report_generate(unit=unit, month=MONTH)
    assert again.pk == report.pk and MonthlyReport.objects.count() == 1
    again.refresh_from_db()
    assert again.content == content
    assert {doc.kind: bytes(doc.content) for doc in again.documents.all()} == documents

    # The office may deliberately replace it: the new one reads today's data.
    replaced = monthly_report_generate(unit=unit, month=MONTH, replace=True)
    assert replaced.pk == report.pk
    assert "苏州市虎丘区人民法院（新）" in [child["name"] for child in replaced.content["children"]]


def test_the_monthly_job_makes_the_city_and_every_court_and_only_what_is_missing(computed_city):
    court = Court.objects.get(code="苏0506")
    kept = monthly_report_generate(unit=ScopeKey("court", court.pk), month=MONTH)
    done = monthly_reports_generate(month=MONTH)
    assert len(done) == 4  # the city, the intermediate court, two more basic courts
    assert MonthlyReport.objects.count() == 5
    assert monthly_reports_generate(month=MONTH) == []  # nothing missing: nothing made
    assert MonthlyReport.objects.get(court=court).generated_at == kept.generated_at
    titles = set(MonthlyReport.objects.values_list("title", flat=True))
    assert {"全市法院", "苏州市吴中区人民法院"} <= titles


def test_in_the_bands_mode_the_review_shows_no_order(computed_city, settings):
    settings.COURTDASH_RANKING_MODE = "bands"
    content = monthly_snapshot(unit=ScopeKey.city(), month=MONTH)
    assert content["ranking_mode"] == "bands"
    assert content["score"]["rank"] is None
    assert content["children"]
    assert all(child["rank"] is None and child["met"] is not None for child in content["children"])
    names = [child["name"] for child in content["children"]]
    assert names == sorted(
        names,
        key=lambda name: next(
            child["code"] for child in content["children"] if child["name"] == name
        ),
    )  # by code, not by score


def test_the_xlsx_writes_a_formula_like_name_as_text(computed_city):
    from reports.monthly.documents import report_xlsx
    from tests.cases.test_spreadsheets import FORMULA, assert_no_formulas

    Court.objects.filter(code="苏0505").update(name=FORMULA)
    data, _milliseconds = report_xlsx(monthly_snapshot(unit=ScopeKey.city(), month=MONTH))
    assert_no_formulas(data, FORMULA)
