"""An indicator is one object: a new indicator, declared once in a fresh Registry and nowhere
else, is answered by every consumer that takes the registry — its words (the drill-down's XLSX),
its gap noun (contributions, the gap sentence), its funnel model, its projection traits, its
gap rule, the tie-break of totals, its default target and its default detection rule. No other
table is touched: the test-only slug is in no module of the project."""

import dataclasses
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from cases.choices import Role
from cases.models import Case
from cases.units import ScopeKey
from metrics.choices import Direction, Scope, Unit
from metrics.computation.scoring import scores_refresh
from metrics.definitions.conditions import HAS_DEADLINE, WITHIN_LIMIT, WORKLOAD, closed_in, count
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator, Registry
from metrics.definitions.traits import (
    BINOMIAL,
    FLOWS,
    Accrual,
    DefaultDetection,
    DefaultTarget,
    GapRule,
    Nouns,
    Projection,
    Words,
)
from metrics.models import IndicatorMonthlyTarget, IndicatorTarget, IndicatorValue, ScopeScore
from metrics.reading.dashboard import TargetBook
from metrics.reading.dashboard.contribution import contributions
from metrics.reading.exports import cases_workbook
from metrics.reading.funnel import funnels, model_of
from metrics.services import indicator_targets_seed
from reports.gap import NEEDS, UNREACHABLE, target_gap
from reports.projection import Projection as Projected
from reports.projection import projections
from supervision.models import DetectionRule
from supervision.services.settings import detection_rules_seed
from tests.factories import CourtFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
SLUG = "test_only_rate"

NEW = Indicator(
    number=99,
    slug=SLUG,
    label="测试专用率",
    unit=Unit.PERCENT,
    direction=Direction.HIGHER,
    numerator=lambda p: count(WORKLOAD & closed_in(p) & WITHIN_LIMIT),
    denominator=lambda p: count(WORKLOAD & closed_in(p) & HAS_DEADLINE),
    scopes=frozenset({Scope.CITY, Scope.COURT}),
    words=Words(numerator="测试分子的定义", denominator="测试分母的定义", note="测试说明"),
    nouns=Nouns(numerator="测试结案", coming="测试新收", measure="件"),
    funnel_model=BINOMIAL,
    projection=Projection(numerator=Accrual.STOCK, denominator=Accrual.STOCK),
    gap=GapRule(within_coming=True),
    breaks_ties=True,
    default_target=DefaultTarget(weight=Decimal(5), target=Decimal(90), warning=Decimal(80)),
    default_detection=DefaultDetection(fall_threshold=Decimal("4"), min_denominator=Decimal("7")),
)
FRESH = Registry([NEW])


def put(unit: ScopeKey, numerator: int, denominator: int, *, as_of=AS_OF) -> IndicatorValue:
    return IndicatorValue.objects.create(
        as_of=as_of,
        period="ytd",
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        indicator=SLUG,
        numerator=numerator,
        denominator=denominator,
        value=100 * numerator / denominator,
    )


@pytest.fixture
def courts():
    return [CourtFactory(code="苏0591"), CourtFactory(code="苏0592")]


def test_the_test_only_slug_is_in_no_other_table():
    assert SLUG not in INDICATORS


def test_the_words_come_from_the_indicator():
    period = Period(start=D(2025, 1, 1), end=AS_OF)
    content, rows = cases_workbook(
        cases=Case.objects.none(),
        indicator=NEW,
        part="numerator",
        measure=NEW.measure("numerator", period),
        unit_title="全市",
        period=period,
        stored=None,
    )
    about = load_workbook(io.BytesIO(content)).worksheets[-1]  # 说明, whatever the language
    texts = [str(cell.value) for row in about.iter_rows() for cell in row]
    assert rows == 0 and any(text.endswith("测试分子的定义") for text in texts)


def test_the_default_target_and_detection_rule_are_seeded_from_the_indicator():
    assert indicator_targets_seed(registry=FRESH) == [SLUG]
    assert indicator_targets_seed(registry=FRESH) == []  # a row is never overwritten
    row = IndicatorTarget.objects.get(indicator=SLUG)
    assert (row.weight, row.target, row.warning, row.by_month) == (5, 90, 80, False)
    assert not IndicatorMonthlyTarget.objects.filter(indicator_target=row).exists()
    assert TargetBook(registry=FRESH).get(NEW, "ytd", AS_OF).thresholds.weight == 5.0

    assert detection_rules_seed(registry=FRESH) == [SLUG]
    rule = DetectionRule.objects.get(indicator=SLUG)
    assert (rule.fall_threshold, rule.min_denominator) == (4, 7)


def test_the_seeded_defaults_of_the_eleven_are_the_migrations_rows():
    # The migrations seeded the eleven; the registry's defaults say the same.
    for slug, indicator in LOCAL_INDICATORS.items():
        row = IndicatorTarget.objects.get(indicator=slug)
        for name, value in indicator.default_target.fields().items():
            assert getattr(row, name) == value, (slug, name)
        months = {m.month: (m.target, m.warning) for m in row.monthly.all()}
        assert months == indicator.default_target.months(), slug
        rule = DetectionRule.objects.get(indicator=slug)
        assert rule.fall_threshold == indicator.default_detection.fall_threshold, slug
        assert rule.min_denominator == indicator.default_detection.min_denominator, slug
    assert indicator_targets_seed() == [] and detection_rules_seed() == []


def test_the_gap_noun_and_rule_come_from_the_indicator(courts):
    indicator_targets_seed(registry=FRESH)
    city = ScopeKey.city()
    put(city, 80, 100)
    for court, (numerator, denominator) in zip(courts, [(30, 50), (50, 50)], strict=True):
        put(ScopeKey.of(court=court), numerator, denominator)
    result = contributions(
        parent=city, indicator=NEW, as_of=AS_OF, period="ytd", book=TargetBook(registry=FRESH)
    )
    assert (result["noun"], result["measure"]) == ("测试结案", "件")
    assert result["gap"] == Decimal(10)  # 90% of 100 − 80
    assert sum(child["gap"] for child in result["children"]) == result["gap"]

    # Needed: 90% of 120 − 80 = 28 more. The denominator is a stock: all 120 are to come, and
    # 28 of them fit. Were it a flow, only 20 would come: out of reach, as the gap rule says.
    projected = Projected(
        SLUG, AS_OF, D(2025, 12, 31), 80.0, None, None, None, 80.0, 100.0, None, 120.0, 0, "pace"
    )
    gap = target_gap(indicator=NEW, projection=projected, target=90.0, today=AS_OF)
    assert gap.kind == NEEDS and gap.coming == 120.0 and "测试结案" in gap.text
    flowing = dataclasses.replace(NEW, projection=FLOWS)
    gap = target_gap(indicator=flowing, projection=projected, target=90.0, today=AS_OF)
    assert gap.kind == UNREACHABLE and gap.coming == 20.0 and "测试结案" in gap.text


def test_the_funnel_model_comes_from_the_indicator(courts):
    assert model_of(NEW) is BINOMIAL
    put(ScopeKey.city(), 160, 200)
    for court in courts:
        put(ScopeKey.of(court=court), 80, 100)
    (funnel,) = funnels(parent=ScopeKey.city(), as_of=AS_OF, indicators=[NEW])
    assert funnel.model is BINOMIAL and len(funnel.points) == 2 and funnel.centre == 80.0


def test_the_projection_traits_come_from_the_indicator():
    city = ScopeKey.city()
    for weeks, numerator in enumerate((10, 14, 18, 22, 26)):
        put(city, numerator, 100 + 10 * weeks, as_of=AS_OF - datetime.timedelta(weeks=4 - weeks))
    result = projections(
        units=[city], period="ytd", as_of=AS_OF, end=D(2025, 12, 31), registry=FRESH
    )
    projected = result[(city, SLUG)]
    # Stocks: no pace of their own, no past years to move them — they stay as they are.
    assert (projected.numerator, projected.denominator) == (26.0, 140.0)
    assert projected.value == pytest.approx(100 * 26 / 140)


def test_the_tie_break_comes_from_the_registry(courts):
    indicator_targets_seed(registry=FRESH)
    city = ScopeKey.city()
    put(city, 190, 200)
    put(ScopeKey.of(court=courts[0]), 96, 100)  # both above the target: full marks, a tie…
    put(ScopeKey.of(court=courts[1]), 99, 100)  # …broken by the higher value
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF, registry=FRESH)
    ranks = dict(ScopeScore.objects.filter(scope=Scope.COURT).values_list("court__code", "rank"))
    assert ranks == {"苏0592": 1, "苏0591": 2}
    values = ScopeScore.objects.filter(scope=Scope.COURT).values_list("tie_break_value", flat=True)
    assert sorted(values) == [96.0, 99.0]


def test_a_registry_without_any_target_in_force_scores_nothing(courts):
    # No target row of FRESH's indicator: no thresholds at all (typed NULLs, no error).
    put(ScopeKey.of(court=courts[0]), 96, 100)
    scores_refresh(as_of_from=AS_OF, as_of_to=AS_OF, registry=FRESH)
    assert IndicatorValue.objects.get(court=courts[0]).score is None
    assert ScopeScore.objects.get(court=courts[0]).total is None


def test_the_target_form_of_an_indicator_without_a_row_offers_its_defaults(client, city_user):
    # An indicator the deployment has no row of (added since it was seeded): the office's form
    # starts from the registry's defaults, and saving creates the row.
    IndicatorTarget.objects.filter(indicator="clearance_rate").delete()
    office = city_user(Role.OFFICE, "苏05")
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    url = reverse("metrics:indicator_target", args=["clearance_rate"])
    form = client.get(url).context["form"]
    assert form.by_month
    assert (form.initial["weight"], form.initial["target_6"], form.initial["warning_6"]) == (
        "10",
        "55",
        "45",
    )
    monthly = INDICATORS["clearance_rate"].default_target.monthly
    months = {f"target_{m}": str(t) for m, (t, _w) in enumerate(monthly, start=1)}
    months |= {f"warning_{m}": str(w) for m, (_t, w) in enumerate(monthly, start=1)}
    client.post(url, {"weight": "10", **months})
    row = IndicatorTarget.objects.get(indicator="clearance_rate")
    assert row.by_month and row.monthly.count() == 12
