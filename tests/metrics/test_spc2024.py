"""The SPC's 2024 set (INDICATORS.md, "The SPC's 2024 set"): indicators 12–17 on planted cases,
numbers worked out by hand for every scope and YTD/QTD/MTD; "no data" where a court's export
lacks the optional columns; no score, no weight; the --json contract; the drill-down.

As of 2025-06-30: YTD = 01-01…06-30, QTD = 04-01…06-30, MTD = 06-01…06-30.

The planted city:
- 苏05 (intermediate): 民二庭/J1 decides appeals (民终) and records hearing_held;
  审监庭/J2 decides retrials (民再);
- 苏06 (intermediate): 刑二庭/J6 decides appeals (刑终) whose export lacks hearing_held;
- 苏0505 (basic): 民一庭/J3 first instance with the appeal dates; 执行局/J4 enforcement;
- 苏0506 (basic): 民一庭/J5 first instance whose export lacks the appeal dates.
"""

import datetime
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models import Sum
from openpyxl import load_workbook

from cases.choices import CourtLevel
from cases.units import ScopeKey
from metrics.choices import IndicatorSet, Scope
from metrics.definitions.indicators import (
    INDICATORS,
    LOCAL_INDICATORS,
    SPC2024_INDICATORS,
    indicators_of_sets,
)
from metrics.definitions.periods import Period
from metrics.models import IndicatorTarget, IndicatorValue, ScopeScore
from metrics.reading.exports import cases_workbook
from metrics.selectors import ValueState, indicator_cases, shown_sets, value_state
from metrics.services import indicator_targets_seed, metrics_compute
from supervision.services.settings import detection_rules_seed
from tests.factories import CaseFactory, CourtFactory, DivisionFactory, JudgeFactory

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
PERIODS = ("ytd", "qtd", "mtd")
SPC_ONLY = [
    "appeal_modify_remand_ratio",
    "retrial_modify_remand_ratio",
    "appeal_rate",
    "enforcement_completion_rate",
    "appeal_hearing_rate",
    "appeal_transfer_days",
]


@pytest.fixture
def planted(db):
    intermediate = CourtFactory(code="苏05", level=CourtLevel.INTERMEDIATE, parent=None)
    other = CourtFactory(code="苏06", level=CourtLevel.INTERMEDIATE, parent=None)
    basic = CourtFactory(code="苏0505", level=CourtLevel.BASIC, parent=intermediate)
    lacking = CourtFactory(code="苏0506", level=CourtLevel.BASIC, parent=intermediate)

    def judge(court, division, staff_id):
        return JudgeFactory(division=DivisionFactory(court=court, name=division), staff_id=staff_id)

    judges = {
        "J1": judge(intermediate, "民二庭", "J1"),
        "J2": judge(intermediate, "审监庭", "J2"),
        "J6": judge(other, "刑二庭", "J6"),
        "J3": judge(basic, "民一庭", "J3"),
        "J4": judge(basic, "执行局", "J4"),
        "J5": judge(lacking, "民一庭", "J5"),
    }

    def case(staff_id, type_code, filed_on, closed_on=None, method="judgment", **fields):
        return CaseFactory(
            judge=judges[staff_id],
            type_code=type_code,
            filed_on=filed_on,
            closed_on=closed_on,
            closing_method=method if closed_on else "",
            **fields,
        )

    # J1: appeals, hearing recorded on all but one.
    case("J1", "民终", D(2025, 1, 5), D(2025, 2, 10), "modified", hearing_held=True)
    case("J1", "民终", D(2025, 3, 5), D(2025, 5, 10), "remanded", hearing_held=False)
    case("J1", "民终", D(2025, 4, 5), D(2025, 6, 10), "affirmed", hearing_held=True)
    case("J1", "民终", D(2025, 4, 6), D(2025, 6, 11), "affirmed")  # not recorded
    case("J1", "民终", D(2024, 10, 5), D(2024, 12, 20), "modified", hearing_held=True)  # 2024
    case("J1", "民终", D(2025, 6, 1), hearing_held=True)  # pending
    # J6: appeals, no hearing_held at all (the export lacks the column).
    case("J6", "刑终", D(2025, 3, 1), D(2025, 6, 12), "modified")
    case("J6", "刑终", D(2025, 2, 1), D(2025, 4, 12), "affirmed")
    # J2: retrials.
    case("J2", "民再", D(2025, 1, 10), D(2025, 3, 1), "modified")
    case("J2", "民再", D(2025, 2, 10), D(2025, 6, 5), "affirmed")
    # J3: first instance with the appeal dates.
    days = {"appealed": True}
    case(
        "J3", "民初", D(2025, 1, 5), D(2025, 2, 1), **days,
        appeal_lodged_on=D(2025, 2, 10), appeal_transferred_on=D(2025, 2, 20),
    )  # fmt: skip
    case(
        "J3", "民初", D(2025, 3, 1), D(2025, 5, 1), **days,
        appeal_lodged_on=D(2025, 5, 5), appeal_transferred_on=D(2025, 5, 25),
    )  # fmt: skip
    case("J3", "民初", D(2025, 4, 1), D(2025, 6, 2), appealed=False)
    case("J3", "民初", D(2025, 4, 2), D(2025, 6, 3))  # appealed not recorded: not appealed
    case(
        "J3", "民初", D(2024, 10, 1), D(2024, 12, 1), **days,
        appeal_lodged_on=D(2024, 12, 10), appeal_transferred_on=D(2025, 1, 9),
    )  # fmt: skip
    case("J3", "民初", D(2025, 5, 1), D(2025, 6, 20), **days, appeal_lodged_on=D(2025, 6, 25))
    # J4: enforcement.
    case("J4", "执", D(2025, 1, 2), D(2025, 2, 15), "enforcement_completed")
    case("J4", "执", D(2025, 1, 3), D(2025, 5, 15), "enforcement_round_ended")
    case("J4", "执", D(2025, 1, 4), D(2025, 6, 15), "enforcement_completed")
    case("J4", "执", D(2025, 1, 5), D(2025, 6, 16), "enforcement_terminated")
    # J5: first instance, appealed, without the appeal dates (the export lacks them).
    case("J5", "民初", D(2025, 1, 5), D(2025, 3, 10), appealed=True)
    case("J5", "民初", D(2025, 2, 5), D(2025, 6, 10), appealed=False)
    case("J5", "民初", D(2025, 3, 5), D(2025, 6, 25), appealed=True)
    metrics_compute(as_of=AS_OF)
    return judges


def unit(judges, path: str) -> ScopeKey:
    """ "city", a court code, "court/division" or a judge's staff id."""
    if path == "city":
        return ScopeKey.city()
    if path in judges:
        judge = judges[path]
        return ScopeKey.of(court=judge.division.court, division=judge.division, judge=judge)
    by_division = {
        f"{j.division.court.code}/{j.division.name}": j.division for j in judges.values()
    }
    if path in by_division:
        division = by_division[path]
        return ScopeKey.of(court=division.court, division=division)
    court = next(j.division.court for j in judges.values() if j.division.court.code == path)
    return ScopeKey.of(court=court)


def stored(judges, slug, path, period) -> IndicatorValue:
    return IndicatorValue.objects.get(
        unit(judges, path).rows_q(), indicator=slug, period=period, as_of=AS_OF
    )


def numbers(judges, slug, path, period):
    row = stored(judges, slug, path, period)
    value = None if row.value is None else round(row.value, 6)
    return (float(row.numerator), float(row.denominator), value)


def pct(numerator, denominator):
    return round(numerator * 100 / denominator, 6)


# (slug, unit path) -> {period: (numerator, denominator, value)}; worked out by hand above.
EXPECTED = {
    # 12: S2 closed modified or remanded / S2 closed, at the appeal's own court.
    ("appeal_modify_remand_ratio", "J1"): {
        "ytd": (2, 4, pct(2, 4)), "qtd": (1, 3, pct(1, 3)), "mtd": (0, 2, 0.0),
    },
    ("appeal_modify_remand_ratio", "苏05/民二庭"): {
        "ytd": (2, 4, pct(2, 4)), "qtd": (1, 3, pct(1, 3)), "mtd": (0, 2, 0.0),
    },
    ("appeal_modify_remand_ratio", "苏05"): {
        "ytd": (2, 4, pct(2, 4)), "qtd": (1, 3, pct(1, 3)), "mtd": (0, 2, 0.0),
    },
    ("appeal_modify_remand_ratio", "J6"): {
        "ytd": (1, 2, 50.0), "qtd": (1, 2, 50.0), "mtd": (1, 1, 100.0),
    },
    ("appeal_modify_remand_ratio", "苏06"): {
        "ytd": (1, 2, 50.0), "qtd": (1, 2, 50.0), "mtd": (1, 1, 100.0),
    },
    ("appeal_modify_remand_ratio", "city"): {
        "ytd": (3, 6, 50.0), "qtd": (2, 5, 40.0), "mtd": (1, 3, pct(1, 3)),
    },
    # A basic court has no second instance: no value.
    ("appeal_modify_remand_ratio", "苏0505"): {p: (0, 0, None) for p in PERIODS},
    ("appeal_modify_remand_ratio", "J3"): {p: (0, 0, None) for p in PERIODS},
    # 13: RT closed modified or remanded / RT closed.
    ("retrial_modify_remand_ratio", "J2"): {
        "ytd": (1, 2, 50.0), "qtd": (0, 1, 0.0), "mtd": (0, 1, 0.0),
    },
    ("retrial_modify_remand_ratio", "苏05/审监庭"): {
        "ytd": (1, 2, 50.0), "qtd": (0, 1, 0.0), "mtd": (0, 1, 0.0),
    },
    ("retrial_modify_remand_ratio", "苏05"): {
        "ytd": (1, 2, 50.0), "qtd": (0, 1, 0.0), "mtd": (0, 1, 0.0),
    },
    ("retrial_modify_remand_ratio", "city"): {
        "ytd": (1, 2, 50.0), "qtd": (0, 1, 0.0), "mtd": (0, 1, 0.0),
    },
    ("retrial_modify_remand_ratio", "苏0505"): {p: (0, 0, None) for p in PERIODS},
    ("retrial_modify_remand_ratio", "苏0506"): {p: (0, 0, None) for p in PERIODS},
    # 14: F closed and appealed / F closed.
    ("appeal_rate", "J3"): {
        "ytd": (3, 5, 60.0), "qtd": (2, 4, 50.0), "mtd": (1, 3, pct(1, 3)),
    },
    ("appeal_rate", "苏0505/民一庭"): {
        "ytd": (3, 5, 60.0), "qtd": (2, 4, 50.0), "mtd": (1, 3, pct(1, 3)),
    },
    ("appeal_rate", "苏0505"): {
        "ytd": (3, 5, 60.0), "qtd": (2, 4, 50.0), "mtd": (1, 3, pct(1, 3)),
    },
    ("appeal_rate", "J5"): {
        "ytd": (2, 3, pct(2, 3)), "qtd": (1, 2, 50.0), "mtd": (1, 2, 50.0),
    },
    ("appeal_rate", "苏0506"): {
        "ytd": (2, 3, pct(2, 3)), "qtd": (1, 2, 50.0), "mtd": (1, 2, 50.0),
    },
    ("appeal_rate", "city"): {
        "ytd": (5, 8, pct(5, 8)), "qtd": (3, 6, 50.0), "mtd": (2, 5, 40.0),
    },
    ("appeal_rate", "苏05"): {p: (0, 0, None) for p in PERIODS},
    # 15: E closed enforcement_completed / E closed.
    ("enforcement_completion_rate", "J4"): {
        "ytd": (2, 4, 50.0), "qtd": (1, 3, pct(1, 3)), "mtd": (1, 2, 50.0),
    },
    ("enforcement_completion_rate", "苏0505/执行局"): {
        "ytd": (2, 4, 50.0), "qtd": (1, 3, pct(1, 3)), "mtd": (1, 2, 50.0),
    },
    ("enforcement_completion_rate", "苏0505"): {
        "ytd": (2, 4, 50.0), "qtd": (1, 3, pct(1, 3)), "mtd": (1, 2, 50.0),
    },
    ("enforcement_completion_rate", "city"): {
        "ytd": (2, 4, 50.0), "qtd": (1, 3, pct(1, 3)), "mtd": (1, 2, 50.0),
    },
    ("enforcement_completion_rate", "J3"): {p: (0, 0, None) for p in PERIODS},
    # 16: S2 closed with hearing_held true / S2 closed with hearing_held given.
    ("appeal_hearing_rate", "J1"): {
        "ytd": (2, 3, pct(2, 3)), "qtd": (1, 2, 50.0), "mtd": (1, 1, 100.0),
    },
    ("appeal_hearing_rate", "苏05"): {
        "ytd": (2, 3, pct(2, 3)), "qtd": (1, 2, 50.0), "mtd": (1, 1, 100.0),
    },
    ("appeal_hearing_rate", "city"): {
        "ytd": (2, 3, pct(2, 3)), "qtd": (1, 2, 50.0), "mtd": (1, 1, 100.0),
    },
    ("appeal_hearing_rate", "J6"): {p: (0, 0, None) for p in PERIODS},  # no data
    ("appeal_hearing_rate", "苏06"): {p: (0, 0, None) for p in PERIODS},  # no data
    ("appeal_hearing_rate", "苏0505"): {p: (0, 0, None) for p in PERIODS},
    # 17: days from appeal lodged to transfer, over F transferred in P / their count.
    ("appeal_transfer_days", "J3"): {
        "ytd": (10 + 20 + 30, 3, 20.0), "qtd": (20, 1, 20.0), "mtd": (0, 0, None),
    },
    ("appeal_transfer_days", "苏0505"): {
        "ytd": (60, 3, 20.0), "qtd": (20, 1, 20.0), "mtd": (0, 0, None),
    },
    ("appeal_transfer_days", "city"): {
        "ytd": (60, 3, 20.0), "qtd": (20, 1, 20.0), "mtd": (0, 0, None),
    },
    ("appeal_transfer_days", "J5"): {p: (0, 0, None) for p in PERIODS},  # no data
    ("appeal_transfer_days", "苏0506"): {p: (0, 0, None) for p in PERIODS},  # no data
    ("appeal_transfer_days", "苏05"): {p: (0, 0, None) for p in PERIODS},
}  # fmt: skip

# Units whose source lacks the columns an indicator needs, though it has cases to record.
NO_DATA = {
    ("appeal_hearing_rate", "J6"): set(PERIODS),
    ("appeal_hearing_rate", "苏06/刑二庭"): set(PERIODS),
    ("appeal_hearing_rate", "苏06"): set(PERIODS),
    ("appeal_transfer_days", "J5"): set(PERIODS),
    ("appeal_transfer_days", "苏0506/民一庭"): set(PERIODS),
    ("appeal_transfer_days", "苏0506"): set(PERIODS),
}


@pytest.mark.parametrize(("slug", "path"), list(EXPECTED))
def test_each_spc_indicator_is_exact_for_every_scope_and_period(planted, slug, path):
    for period in PERIODS:
        assert numbers(planted, slug, path, period) == EXPECTED[(slug, path)][period], period


def test_no_data_is_neither_a_zero_denominator_nor_zero(planted):
    flagged = {
        (row.indicator, row.scope, row.court_id, row.division_id, row.judge_id, row.period)
        for row in IndicatorValue.objects.filter(as_of=AS_OF, no_data=True)
    }
    expected = set()
    for (slug, path), periods in NO_DATA.items():
        key = unit(planted, path)
        for period in periods:
            expected.add((slug, key.scope, key.court_id, key.division_id, key.judge_id, period))
            row = stored(planted, slug, path, period)
            assert row.value is None
            assert value_state(row) == ValueState.NO_DATA
    assert flagged == expected
    # A basic court with no appeals of its own: no value ("—"), not "no data".
    assert value_state(stored(planted, "appeal_hearing_rate", "苏0505", "ytd")) == ValueState.NONE
    # J3 records the dates, but nothing was transferred in June: "—", not "no data".
    assert value_state(stored(planted, "appeal_transfer_days", "J3", "mtd")) == ValueState.NONE
    # The city has data: J5's missing dates do not make the city "no data".
    city = stored(planted, "appeal_transfer_days", "city", "ytd")
    assert value_state(city) == ValueState.VALUE and not city.no_data


def test_appeal_rate_is_100_minus_the_acceptance_rate_on_the_same_data(planted):
    rows = IndicatorValue.objects.filter(
        as_of=AS_OF, indicator__in=["appeal_rate", "first_instance_acceptance_rate"]
    )
    by_unit: dict[tuple, dict] = {}
    for row in rows:
        key = (row.period, row.scope, row.court_id, row.division_id, row.judge_id)
        by_unit.setdefault(key, {})[row.indicator] = row
    checked = 0
    for pair in by_unit.values():
        appeal, acceptance = pair["appeal_rate"], pair["first_instance_acceptance_rate"]
        assert appeal.denominator == acceptance.denominator
        if appeal.value is None:
            assert acceptance.value is None
            continue
        assert appeal.value == pytest.approx(100 - acceptance.value)
        checked += 1
    assert checked >= 3 * 6  # city, two courts, two divisions, two judges × 3 periods - 0


def test_spc_indicators_have_no_score_weight_or_target_and_leave_totals_alone(planted):
    spc = IndicatorValue.objects.filter(as_of=AS_OF, indicator__in=SPC_ONLY)
    assert spc.count() > 0
    assert not spc.filter(score__isnull=False).exists()
    assert not spc.filter(weight__isnull=False).exists()
    assert not IndicatorTarget.objects.filter(indicator__in=SPC_ONLY).exists()
    # Totals count only the indicators that scored (the local ones with a target row).
    for score in ScopeScore.objects.filter(as_of=AS_OF):
        local = IndicatorValue.objects.filter(
            as_of=AS_OF,
            period=score.period,
            scope=score.scope,
            court_id=score.court_id,
            division_id=score.division_id,
            judge_id=score.judge_id,
            weight__isnull=False,
        )
        assert score.scored == local.count()
        assert set(local.values_list("indicator", flat=True)) <= set(LOCAL_INDICATORS)


def test_every_value_stores_its_definition_version(planted):
    versions = set(IndicatorValue.objects.values_list("indicator", "version"))
    assert versions == {(slug, INDICATORS[slug].version) for slug, _ in versions}
    assert {slug for slug, _ in versions} == set(INDICATORS)


def test_sets_are_data_of_the_registry(settings):
    assert list(LOCAL_INDICATORS) == [slug for slug, i in INDICATORS.items() if i.number <= 11]
    assert [i.number for i in SPC2024_INDICATORS.values()] == [3, 5, 10, 11, 12, 13, 14, 15, 16, 17]
    assert INDICATORS.of_set("spc2024") == SPC2024_INDICATORS
    assert INDICATORS["within_limit_rate"].label_in(IndicatorSet.SPC2024) == "审限内结案率"
    assert INDICATORS["within_limit_rate"].label_in(IndicatorSet.LOCAL) == "法定审限内结案率"
    for slug in SPC_ONLY:
        indicator = INDICATORS[slug]
        assert indicator.sets == {IndicatorSet.SPC2024}
        assert indicator.default_target is None and indicator.default_detection is None
        assert Scope.JUDGE in indicator.scopes
    assert shown_sets() == [IndicatorSet.LOCAL, IndicatorSet.SPC2024]
    settings.COURTDASH_INDICATOR_SETS = ["spc2024"]
    assert shown_sets() == [IndicatorSet.SPC2024]
    assert list(indicators_of_sets(shown_sets())) == list(SPC2024_INDICATORS)


def test_seeds_give_no_target_and_no_detection_rule_to_the_spc_indicators(db):
    indicator_targets_seed()
    detection_rules_seed()
    from supervision.models import DetectionRule

    assert not IndicatorTarget.objects.filter(indicator__in=SPC_ONLY).exists()
    assert not DetectionRule.objects.filter(indicator__in=SPC_ONLY).exists()
    assert set(IndicatorTarget.objects.values_list("indicator", flat=True)) == set(LOCAL_INDICATORS)


def test_json_contract_holds_both_sets_each_slug_once_with_null_scores(planted):
    stdout, stderr = StringIO(), StringIO()
    call_command("compute_indicators", "--as-of", "2025-06-30", "--json", stdout=stdout,
                 stderr=stderr)  # fmt: skip
    rows = json.loads(stdout.getvalue())
    city = [row for row in rows if row["scope"] == "city"]
    assert [row["indicator"] for row in city] == list(INDICATORS)  # each slug once
    for row in rows:
        if row["indicator"] in SPC_ONLY:
            assert row["score"] is None
            assert row["sets"] == ["spc2024"]
        assert row["version"] == 1
    shared = next(row for row in city if row["indicator"] == "within_limit_rate")
    assert shared["sets"] == ["local", "spc2024"]
    j5 = next(
        row
        for row in rows
        if row["scope"] == "judge" and row["judge"] == "J5" and row["indicator"] in SPC_ONLY[-1:]
    )
    assert (j5["value"], j5["no_data"]) == (None, True)
    j3 = next(
        row
        for row in rows
        if row["scope"] == "judge" and row["judge"] == "J3" and row["indicator"] in SPC_ONLY[-1:]
    )
    assert (j3["numerator"], j3["denominator"], j3["value"], j3["no_data"]) == (60, 3, 20.0, False)


@pytest.mark.parametrize("slug", SPC_ONLY)
def test_the_drill_down_lists_the_cases_behind_each_number(planted, slug):
    indicator = INDICATORS[slug]
    for period_kind in PERIODS:
        period = Period.of(period_kind, AS_OF)
        for path in ("city", "苏05", "苏0505", "J1", "J3", "J5"):
            key = unit(planted, path)
            row = stored(planted, slug, path, period_kind)
            for part in ("numerator", "denominator"):
                cases = indicator_cases(indicator, period, key, part)
                measure = indicator.measure(part, period)
                if measure.is_sum:
                    got = cases.aggregate(total=Sum(measure.field))["total"] or 0
                else:
                    got = cases.count()
                assert got == getattr(row, part), (path, period_kind, part)


def test_the_xlsx_of_the_transfer_days_sums_to_the_stored_numerator(planted):
    indicator = INDICATORS["appeal_transfer_days"]
    period = Period.of("ytd", AS_OF)
    key = unit(planted, "苏0505")
    row = stored(planted, "appeal_transfer_days", "苏0505", "ytd")
    content, count = cases_workbook(
        cases=indicator_cases(indicator, period, key, "numerator"),
        indicator=indicator,
        part="numerator",
        measure=indicator.measure("numerator", period),
        unit_title="苏0505",
        period=period,
        stored=row,
    )
    sheet = list(load_workbook(io.BytesIO(content))["案件清单"].iter_rows(values_only=True))
    days = sheet[0].index("上诉移送天数")
    assert count == 3
    assert sum(line[days] for line in sheet[1:]) == row.numerator == 60


@pytest.mark.parametrize("slug", SPC_ONLY)
def test_the_pages_of_an_spc_indicator_answer_and_offer_no_target(client, planted, slug):
    from django.urls import reverse

    from cases.choices import Role
    from tests.factories import UserFactory

    office = UserFactory(role=Role.OFFICE, court=planted["J1"].division.court)
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    for name in ("indicator", "drill", "cases", "trend", "funnel"):
        response = client.get(reverse(f"metrics:{name}", args=[slug]))
        assert response.status_code == 200, name
    assert client.get(reverse("metrics:indicator", args=[slug])).context["may_edit"] is False
    assert client.get(reverse("metrics:indicator_target", args=[slug])).status_code == 404
    export = client.get(reverse("metrics:cases_export", args=[slug]), {"part": "denominator"})
    assert export.status_code == 200
