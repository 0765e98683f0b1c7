"""The metrics API serves both indicator sets (issue 14): each indicator says its sets and
version; values carry their version, "no data", and for the SPC's 2024 set the reference range
in force on the row's own day for its court's level and where the value stands; the SPC's set
is never ranked. On the planted city of tests/metrics/test_spc2024.py (as of 2025-06-30):

- 苏05 (intermediate, the city's top court): 民二庭/J1 appeals with hearing_held recorded;
  审监庭/J2 retrials. 苏06 (intermediate, a tree of its own): 刑二庭/J6 appeals, no hearing_held.
- 苏0505 (basic): 民一庭/J3 first instance with the appeal dates; 执行局/J4 enforcement.
- 苏0506 (basic): 民一庭/J5 first instance without the appeal dates.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from cases.choices import CourtLevel, Role
from cases.models import Court
from metrics.choices import Scope
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS, SPC2024_INDICATORS
from metrics.models import IndicatorValue
from metrics.services import metrics_compute, reference_range_set
from tests.factories import UserFactory
from tests.metrics import test_spc2024
from tests.metrics.test_spc2024 import SPC_ONLY

planted = test_spc2024.planted  # the planted city, computed as of 2025-06-30

pytestmark = pytest.mark.django_db
D = datetime.date
AS_OF = D(2025, 6, 30)
NEW_YEAR = D(2025, 1, 1)
NOT_RANKED = "该指标属于最高法院2024年指标体系，不排名"


def client_of(user) -> APIClient:
    client = APIClient()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client


def office(code: str):
    return UserFactory(role=Role.OFFICE, court=Court.objects.get(code=code))


def judge_user(judge):
    return UserFactory(
        role=Role.JUDGE, judge=judge, division=judge.division, court=judge.division.court
    )


def values(client, **params) -> list[dict]:
    response = client.get("/api/v1/indicator-values/", {"page_size": 500, **params})
    assert response.status_code == 200, response.data
    assert response.data["count"] <= 500
    return response.data["results"]


def one(client, **params) -> dict:
    (row,) = values(client, **params)
    return row


def put_range(actor, indicator, *, level=None, lower=None, upper=None, on=NEW_YEAR):
    return reference_range_set(
        indicator=indicator,
        court_level=level,
        lower=None if lower is None else Decimal(lower),
        upper=None if upper is None else Decimal(upper),
        effective_from=on,
        actor=actor,
    )


# Indicators: sets and version


def test_the_indicator_list_says_each_indicators_sets_names_and_version(planted):
    client = client_of(office("苏05"))
    response = client.get("/api/v1/indicators/")
    assert response.status_code == 200
    by_slug = {row["slug"]: row for row in response.data}
    assert list(by_slug) == list(INDICATORS)
    assert len(by_slug) == 17

    within = by_slug["within_limit_rate"]  # #3: of both sets, named differently in each
    assert within["sets"] == ["local", "spc2024"]
    assert within["labels"] == {"local": "法定审限内结案率", "spc2024": "审限内结案率"}
    assert within["version"] == 1
    assert by_slug["clearance_rate"]["sets"] == ["local"]
    assert by_slug["clearance_rate"]["target"] is not None
    for slug in SPC_ONLY:
        assert by_slug[slug]["sets"] == ["spc2024"]
        assert by_slug[slug]["target"] is None  # no target: never scored
    assert [row["number"] for row in response.data if "spc2024" in row["sets"]] == [
        3, 5, 10, 11, 12, 13, 14, 15, 16, 17,
    ]  # fmt: skip

    detail = client.get("/api/v1/indicators/appeal_transfer_days/").data
    assert (detail["number"], detail["sets"], detail["version"]) == (17, ["spc2024"], 1)
    assert detail["labels"] == {"spc2024": "上诉案件移送时间"}


def test_the_indicator_list_filters_by_set_and_refuses_an_unknown_one(planted):
    client = client_of(office("苏05"))
    spc = client.get("/api/v1/indicators/", {"set": "spc2024"}).data
    assert [row["number"] for row in spc] == [3, 5, 10, 11, 12, 13, 14, 15, 16, 17]
    local = client.get("/api/v1/indicators/", {"set": "local"}).data
    assert [row["number"] for row in local] == list(range(1, 12))
    assert [row["slug"] for row in local] == list(LOCAL_INDICATORS)

    bad = client.get("/api/v1/indicators/", {"set": "spc2025"})
    assert bad.status_code == 400
    assert bad.data == {"set": ["未知指标体系“spc2025”：可选 local 或 spc2024"]}


# Values: version and no data


def test_values_carry_the_version_that_computed_them(planted):
    # A row computed by an earlier definition says so (the stored version, not the registry's).
    IndicatorValue.objects.filter(
        as_of=AS_OF, period="ytd", scope=Scope.COURT, court__code="苏0505", indicator="appeal_rate"
    ).update(version=2)
    rows = values(client_of(office("苏0505")), scope="court", period="ytd")
    versions = {row["indicator"]: row["version"] for row in rows}
    assert versions.pop("appeal_rate") == 2
    assert set(versions.values()) == {1}
    assert len(versions) == len(INDICATORS) - 1


def test_a_court_whose_export_lacks_hearing_held_reads_no_data_not_zero(planted):
    client = client_of(office("苏06"))
    rows = values(client, indicator="appeal_hearing_rate", period="ytd")
    got = {
        (row["scope"], row["court_code"], row["judge_staff_id"]): (
            row["numerator"],
            row["denominator"],
            row["value"],
            row["no_data"],
            row["score"],
        )
        for row in rows
    }
    assert got == {
        ("court", "苏06", None): (0, 0, None, True, None),
        ("division", "苏06", None): (0, 0, None, True, None),
        ("judge", "苏06", "J6"): (0, 0, None, True, None),
    }
    # The court records it: a value, not "no data".
    j1 = one(client_of(office("苏05")), judge=planted["J1"].pk, indicator="appeal_hearing_rate",
             period="ytd")  # fmt: skip
    assert (j1["numerator"], j1["denominator"], j1["no_data"]) == (2, 3, False)
    assert j1["value"] == pytest.approx(200 / 3)
    # A basic court with no appeals of its own: no value ("—"), and not "no data" either.
    basic = one(client_of(office("苏0505")), scope="court", indicator="appeal_hearing_rate",
                period="ytd")  # fmt: skip
    assert (basic["value"], basic["no_data"]) == (None, False)


def test_the_spc_indicators_have_no_score_and_the_local_ones_no_range(planted):
    rows = values(client_of(office("苏05")), period="ytd")
    spc_only = [row for row in rows if row["indicator"] in SPC_ONLY]
    local_only = [row for row in rows if row["indicator"] not in SPC2024_INDICATORS]
    assert len(spc_only) > 0 and len(local_only) > 0
    assert {(row["score"], row["weight"], row["score_band"]) for row in spc_only} == {
        (None, None, None)
    }
    assert {(row["range"], row["range_status"]) for row in local_only} == {(None, None)}
    assert any(row["score"] is not None for row in local_only)
    # No range entered yet: the SPC's rows say so, or that they have no value.
    assert {row["range_status"] for row in rows if row["indicator"] in SPC2024_INDICATORS} == {
        "no_range",
        "no_value",
    }


# Values: reference ranges


def test_values_of_the_spc_set_read_against_the_range_of_their_court_level(planted):
    actor = office("苏05")
    put_range(actor, "appeal_hearing_rate", lower="70")
    put_range(actor, "appeal_modify_remand_ratio", lower="0", upper="60")
    put_range(actor, "appeal_modify_remand_ratio", level=CourtLevel.INTERMEDIATE, upper="40",
              on=D(2025, 3, 1))  # fmt: skip
    client = client_of(actor)

    def state(**params):
        row = one(client, **params)
        return (round(row["value"], 4) if row["value"] is not None else None,
                row["range"], row["range_status"])  # fmt: skip

    all_levels = {"lower": 0, "upper": 60, "effective_from": "2025-01-01", "demo": False}
    intermediate = {"lower": None, "upper": 40, "effective_from": "2025-03-01", "demo": False}
    j1 = planted["J1"].pk
    ratio = "appeal_modify_remand_ratio"
    # J1 (an intermediate court): its level's own range; 50.0 is above 40, 33.33 inside.
    assert state(judge=j1, indicator=ratio, period="ytd") == (50.0, intermediate, "above")
    assert state(judge=j1, indicator=ratio, period="qtd") == (33.3333, intermediate, "inside")
    assert state(judge=j1, indicator=ratio, period="mtd") == (0.0, intermediate, "inside")
    # The city row (no court level) reads the all-levels range: 50.0 is inside 0–60.
    assert state(scope="city", indicator=ratio, period="ytd") == (50.0, all_levels, "inside")
    # A basic court has no second instance: no value, though a range is in force.
    assert state(scope="court", court="苏0505", indicator=ratio, period="ytd") == (
        None, all_levels, "no_value",
    )  # fmt: skip

    hearing = {"lower": 70, "upper": None, "effective_from": "2025-01-01", "demo": False}
    assert state(judge=j1, indicator="appeal_hearing_rate", period="ytd") == (
        66.6667, hearing, "below",
    )  # fmt: skip
    assert state(judge=j1, indicator="appeal_hearing_rate", period="mtd") == (
        100.0, hearing, "inside",
    )  # fmt: skip
    # No range entered for the appeal rate: no_range, its range null.
    assert state(scope="city", indicator="appeal_rate", period="ytd") == (62.5, None, "no_range")

    # The detail of one value says the same.
    stored = IndicatorValue.objects.get(
        as_of=AS_OF, period="ytd", judge=planted["J1"], indicator="appeal_hearing_rate"
    )
    detail = client.get(f"/api/v1/indicator-values/{stored.pk}/").data
    assert (detail["range"], detail["range_status"]) == (hearing, "below")


def test_a_no_data_row_has_its_range_but_nothing_to_flag(planted):
    put_range(office("苏05"), "appeal_hearing_rate", lower="70", upper="95")
    row = one(client_of(office("苏06")), judge=planted["J6"].pk, indicator="appeal_hearing_rate",
              period="ytd")  # fmt: skip
    assert row["no_data"] is True
    assert row["range"] == {"lower": 70, "upper": 95, "effective_from": "2025-01-01",
                            "demo": False}  # fmt: skip
    assert row["range_status"] == "no_value"


def test_each_row_is_read_against_the_range_in_force_on_its_own_day(planted):
    metrics_compute(as_of=D(2025, 5, 31))
    actor = office("苏05")
    put_range(actor, "appeal_rate", upper="80", on=NEW_YEAR)
    put_range(actor, "appeal_rate", lower="65", on=D(2025, 6, 15))
    client = client_of(actor)
    rows = values(client, judge=planted["J3"].pk, indicator="appeal_rate", period="ytd",
                  as_of_from="2025-05-01")  # fmt: skip
    got = [(row["as_of"], row["value"], row["range"], row["range_status"]) for row in rows]
    assert got == [
        # 3 of 5 closed first instances appealed by 06-30: below the 65 in force from 06-15.
        ("2025-06-30", 60.0,
         {"lower": 65, "upper": None, "effective_from": "2025-06-15", "demo": False}, "below"),
        # 2 of 2 by 05-31: above the 80 in force that day (the later range does not reach back).
        ("2025-05-31", 100.0,
         {"lower": None, "upper": 80, "effective_from": "2025-01-01", "demo": False}, "above"),
    ]  # fmt: skip


def test_the_ranges_of_a_page_take_one_query_per_day_not_per_row(planted):
    metrics_compute(as_of=D(2025, 5, 31))
    actor = office("苏05")
    put_range(actor, "appeal_rate", upper="80")
    client = client_of(actor)

    def range_queries(**params) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            rows = values(client, **params)
        reads = [q for q in queries.captured_queries if "metrics_referencerange" in q["sql"]]
        return len(rows), len(reads)

    count, reads = range_queries(period="ytd")  # the latest day: every unit, both sets
    assert (count, reads) == (228, 1)
    count, reads = range_queries(period="ytd", as_of_from="2025-05-01")  # two days
    assert (count, reads) == (456, 2)
    count, reads = range_queries(period="ytd", set="local")  # 3, 5, 10, 11 are of both sets
    assert (count, reads) == (144, 1)
    count, reads = range_queries(period="ytd", indicator="clearance_rate")  # local only: no read
    assert (count, reads) == (14, 0)


# Values: the set filter and scope


def test_values_filter_by_set(planted):
    client = client_of(office("苏05"))
    spc = values(client, scope="court", court="苏0505", period="ytd", set="spc2024")
    assert [row["indicator"] for row in spc] == list(SPC2024_INDICATORS)
    local = values(client, scope="court", court="苏0505", period="ytd", set="local")
    assert [row["indicator"] for row in local] == list(LOCAL_INDICATORS)
    assert {row["range_status"] for row in local if row["indicator"] == "clearance_rate"} == {None}

    bad = client.get("/api/v1/indicator-values/", {"set": "both"})
    assert bad.status_code == 400
    assert bad.data == {"set": ["未知指标体系“both”：可选 local 或 spc2024"]}


def test_a_judge_reads_only_their_own_rows_of_the_spc_set(planted):
    put_range(office("苏05"), "appeal_modify_remand_ratio", upper="40")
    j1 = planted["J1"]
    client = client_of(judge_user(j1))
    rows = values(client, set="spc2024")
    judge_slugs = [s for s, i in SPC2024_INDICATORS.items() if Scope.JUDGE in i.scopes]
    assert len(judge_slugs) == 9  # every one but the case-to-proceeding ratio
    assert {(row["scope"], row["judge"]) for row in rows} == {("judge", j1.pk)}
    assert len(rows) == 3 * len(judge_slugs)
    ytd = next(r for r in rows if r["indicator"] == "appeal_modify_remand_ratio" and
               r["period"] == "ytd")  # fmt: skip
    assert (ytd["value"], ytd["range_status"]) == (50.0, "above")
    # Another judge's rows: not listed, and not found by id.
    j2 = planted["J2"]
    assert values(client, judge=j2.pk) == []
    assert values(client, scope="division") == []
    theirs = IndicatorValue.objects.get(
        as_of=AS_OF, period="ytd", judge=j2, indicator="retrial_modify_remand_ratio"
    )
    assert client.get(f"/api/v1/indicator-values/{theirs.pk}/").status_code == 404
    # The office of another tree (苏06) does not see 苏05's rows either.
    assert values(client_of(office("苏06")), judge=j1.pk) == []


# Rankings: the SPC's set is not ranked


@pytest.mark.parametrize("slug", SPC_ONLY)
def test_a_ranking_of_an_spc_indicator_is_refused(planted, slug):
    response = client_of(office("苏05")).get(
        "/api/v1/rankings/", {"scope": "court", "indicator": slug}
    )
    assert response.status_code == 400
    assert response.data == {"indicator": [NOT_RANKED]}


def test_the_spc_set_is_not_ranked_and_the_local_one_still_is(planted, settings):
    client = client_of(office("苏05"))
    refused = client.get("/api/v1/rankings/", {"scope": "court", "set": "spc2024"})
    assert refused.status_code == 400
    assert refused.data == {"set": ["最高法院2024年指标体系不排名"]}
    unknown = client.get("/api/v1/rankings/", {"scope": "court", "indicator": "no_such"})
    assert unknown.status_code == 400
    assert client.get("/api/v1/rankings/", {"scope": "court", "set": "all"}).status_code == 400

    plain = client.get("/api/v1/rankings/", {"scope": "court"})
    assert plain.status_code == 200
    codes = {entry["code"] for entry in plain.data["results"]}
    assert codes == {"苏05", "苏0505", "苏0506"}  # 苏06 is another tree: not reached
    for params in ({"set": "local"}, {"indicator": "clearance_rate"},
                   {"indicator": "within_limit_rate"}):  # fmt: skip
        same = client.get("/api/v1/rankings/", {"scope": "court", **params})
        assert same.status_code == 200, params
        assert same.data == plain.data

    # Bands mode: the bands name local indicators only (or the one asked for).
    settings.COURTDASH_RANKING_MODE = "bands"
    bands = client.get("/api/v1/rankings/", {"scope": "court"}).data["results"]
    keys = set().union(*(entry["bands"].keys() for entry in bands))
    assert keys and keys <= set(LOCAL_INDICATORS)
    assert not keys & set(SPC_ONLY)
    one_band = client.get("/api/v1/rankings/", {"scope": "court", "indicator": "clearance_rate"})
    assert {key for entry in one_band.data["results"] for key in entry["bands"]} == {
        "clearance_rate"
    }


def test_a_list_of_the_spc_set_is_not_sorted_by_value(planted):
    client = client_of(office("苏05"))
    for params in (
        {"set": "spc2024", "ordering": "-value"},
        {"indicator": "appeal_rate", "ordering": "value"},
        {"indicator": ["appeal_rate", "appeal_transfer_days"], "ordering": "as_of,-numerator"},
    ):
        response = client.get("/api/v1/indicator-values/", params)
        assert response.status_code == 400, params
        assert response.data == {"ordering": ["最高法院2024年指标体系不按数值排序，按单位代码列出"]}
    # In unit-code order it lists; the local set (and #3, of both) still sorts by value.
    rows = values(client, set="spc2024", indicator="appeal_rate", period="ytd")
    assert [(row["scope"], row["court_code"]) for row in rows][:4] == [
        ("city", None), ("court", "苏05"), ("court", "苏0505"), ("court", "苏0506"),
    ]  # fmt: skip
    ordered = values(client, indicator="within_limit_rate", period="ytd", ordering="-value")
    numbers = [row["value"] for row in ordered if row["value"] is not None]
    assert numbers == sorted(numbers, reverse=True) and len(numbers) > 5
    assert values(client, set="local", period="ytd", ordering="value")
