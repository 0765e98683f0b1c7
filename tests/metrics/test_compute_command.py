"""`compute_indicators`, the computation contract of INDICATORS.md, and the stored runs."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cases.runs import RunStatus
from metrics.definitions.indicators import INDICATORS
from metrics.models import ComputationRun, IndicatorValue, ScopeScore
from metrics.services import metrics_compute
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
KEYS = ["scope", "court", "division", "judge", "indicator", "numerator", "denominator"]
KEYS += ["value", "score", "sets", "version", "no_data"]


@pytest.fixture
def judge():
    court = CourtFactory(code="苏0505")
    judge = JudgeFactory(division=DivisionFactory(court=court, name="民一庭"), staff_id="J0107")
    for day in range(1, 21):
        CaseFactory(judge=judge, filed_on=D(2025, 3, day), closed_on=D(2025, 5, day))
    CaseFactory(judge=judge, filed_on=D(2025, 3, 21))
    CaseFactory(judge=judge, type_code="执", filed_on=D(2025, 3, 1), closed_on=D(2025, 4, 1))
    return judge


def run(*args) -> tuple[str, str]:
    stdout, stderr = StringIO(), StringIO()
    call_command("compute_indicators", *args, stdout=stdout, stderr=stderr)
    return stdout.getvalue(), stderr.getvalue()


def test_json_prints_one_array_with_an_object_per_scope_and_indicator(judge):
    stdout, stderr = run("--as-of", "2025-06-30", "--json")
    rows = json.loads(stdout)  # nothing but the array on stdout
    assert "2025-06-30" in stderr
    assert all(list(row) == KEYS for row in rows)
    # Both sets, each slug once (INDICATORS.md: the eleven and the SPC's 12–17). City and
    # court: all seventeen; division and judge: all but case_to_proceeding_ratio.
    assert len(rows) == 2 * 17 + 2 * 16
    by_scope = {(row["scope"], row["indicator"]): row for row in rows}
    city = by_scope[("city", "within_limit_rate")]
    assert (city["court"], city["division"], city["judge"]) == (None, None, None)
    court = by_scope[("court", "case_to_proceeding_ratio")]
    assert (court["court"], court["division"], court["judge"]) == ("苏0505", None, None)
    division = by_scope[("division", "within_limit_rate")]
    assert (division["court"], division["division"], division["judge"]) == (
        "苏0505",
        "民一庭",
        None,
    )
    mine = by_scope[("judge", "within_limit_rate")]
    assert mine == {
        "scope": "judge",
        "court": "苏0505",
        "division": "民一庭",
        "judge": "J0107",
        "indicator": "within_limit_rate",
        "numerator": 21,
        "denominator": 21,
        "value": 100.0,
        "score": 10.0,
        "sets": ["local", "spc2024"],
        "version": 1,
        "no_data": False,
    }
    assert [row["scope"] for row in rows[:17]] == ["city"] * 17
    assert [row["indicator"] for row in rows[:17]] == list(INDICATORS)


def test_json_gives_null_for_a_zero_denominator_and_a_left_out_score(judge):
    rows = json.loads(run("--as-of", "2025-06-30", "--json")[0])
    recovery = next(row for row in rows if row["indicator"] == "enforcement_recovery_rate")
    assert (recovery["numerator"], recovery["denominator"]) == (0, 0)
    assert (recovery["value"], recovery["score"]) == (None, None)


def test_json_prints_integral_sums_as_integers_and_money_as_fractions(judge):
    CaseFactory(
        judge=judge,
        type_code="执",
        filed_on=D(2025, 3, 2),
        closed_on=D(2025, 4, 1),
        amount_applied="1000.00",
        amount_recovered="333.33",
    )
    rows = json.loads(run("--as-of", "2025-06-30", "--json")[0])
    recovery = next(row for row in rows if row["indicator"] == "enforcement_recovery_rate")
    assert (recovery["numerator"], recovery["denominator"]) == (333.33, 1000)
    assert recovery["value"] == 333.33 * 100 / 1000
    days = next(row for row in rows if row["indicator"] == "avg_trial_days")
    assert isinstance(days["numerator"], int)


def test_the_period_defaults_to_ytd_and_can_be_chosen(judge):
    run("--as-of", "2025-06-30")
    run("--as-of", "2025-06-30", "--period", "mtd")
    assert set(IndicatorValue.objects.values_list("period", flat=True)) == {"ytd", "mtd"}
    rows = json.loads(run("--as-of", "2025-06-30", "--period", "qtd", "--json")[0])
    clearance = next(row for row in rows if row["indicator"] == "clearance_rate")
    assert clearance["value"] is not None and clearance["score"] is None  # no QTD target


def test_computing_again_replaces_the_stored_results(judge):
    first = json.loads(run("--as-of", "2025-06-30", "--json")[0])
    second = json.loads(run("--as-of", "2025-06-30", "--json")[0])
    assert first == second
    assert IndicatorValue.objects.count() == len(first)
    run_row = ComputationRun.objects.get()
    assert (run_row.status, run_row.cases, run_row.scopes, run_row.values) == (
        RunStatus.DONE,
        22,
        4,
        66,
    )


def test_backfill_computes_a_daily_history(judge):
    run("--from", "2025-05-01", "--to", "2025-05-10")
    days = ComputationRun.objects.filter(period="ytd").values_list("as_of", flat=True)
    assert sorted(days) == [D(2025, 5, day) for day in range(1, 11)]
    series = IndicatorValue.objects.filter(scope="judge", indicator="closed_to_filed_ratio")
    # one more case closed each day, besides the enforcement case closed in April
    assert [row.numerator for row in series.order_by("as_of")] == list(range(2, 12))
    assert ScopeScore.objects.filter(period="ytd").count() == 10 * 4


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["--as-of", "2025-13-01"],
        ["--from", "2025-05-01"],
        ["--from", "2025-05-02", "--to", "2025-05-01"],
        ["--from", "2025-05-01", "--to", "2025-05-02", "--json"],
    ],
)
def test_bad_arguments_are_refused_clearly(args):
    with pytest.raises(CommandError):
        run(*args)


def test_one_computation_takes_a_fixed_number_of_queries(judge, django_assert_max_num_queries):
    for n in range(5):  # more judges do not mean more queries
        other = JudgeFactory(division=judge.division, staff_id=f"J9{n}")
        CaseFactory(judge=other, filed_on=D(2025, 4, 1))
    with django_assert_max_num_queries(18):
        metrics_compute(as_of=D(2025, 6, 30))


def test_a_computation_failing_halfway_leaves_the_previous_results(judge, monkeypatch):
    import metrics.computation.engine

    metrics_compute(as_of=D(2025, 6, 30), periods=["ytd"])
    before = sorted(IndicatorValue.objects.values_list("id", "numerator"))
    CaseFactory(judge=judge, filed_on=D(2025, 6, 1))

    def crash(**kwargs):
        raise RuntimeError("worker lost")

    monkeypatch.setattr(metrics.computation.engine, "totals_refresh", crash)
    with pytest.raises(RuntimeError):
        metrics_compute(as_of=D(2025, 6, 30), periods=["ytd"])
    assert sorted(IndicatorValue.objects.values_list("id", "numerator")) == before
    assert ScopeScore.objects.filter(period="ytd").count() == 4


def test_a_backfill_run_again_can_skip_the_days_already_done(judge):
    from metrics.services import metrics_backfill

    assert metrics_backfill(date_from=D(2025, 5, 1), date_to=D(2025, 5, 3), periods=["ytd"]) == 3
    days = metrics_backfill(
        date_from=D(2025, 5, 1), date_to=D(2025, 5, 5), periods=["ytd"], skip_done=True
    )
    assert days == 2
    assert ComputationRun.objects.filter(status=RunStatus.DONE).count() == 5
