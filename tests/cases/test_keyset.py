"""Keyset pagination (cases.keyset) and the API's capped count (courtdash.pagination): every
row once, in the list's order, forwards and back; a cursor from outside never an error."""

import datetime
import random

import pytest
from rest_framework.test import APIClient

from cases.choices import ClosingMethod, Role
from cases.keyset import (
    Key,
    after_q,
    capped_count,
    date_value,
    decode_cursor,
    encode_cursor,
    keyset_page,
    last_if_null,
    str_value,
)
from cases.models import Case
from tests.factories import CaseFactory

pytestmark = pytest.mark.django_db
D = datetime.date

KEYS = (
    Key("closed_key", descending=True, parse=date_value),
    Key("deadline_key", parse=date_value),
    Key("case_number", parse=str_value),
)


@pytest.fixture
def mixed(city_judges):
    """40 cases: pending and closed, with and without a deadline, many sharing a day."""
    generator = random.Random(13)
    judge = city_judges["苏0505/民一庭/1"]
    made = []
    for _n in range(40):
        filed = D(2025, 1, 1) + datetime.timedelta(days=generator.randrange(60))
        closed = generator.choice([None, None, filed + datetime.timedelta(days=30)])
        made.append(
            CaseFactory(
                judge=judge,
                filed_on=filed,
                closed_on=closed,
                closing_method=ClosingMethod.JUDGMENT if closed else "",
                deadline_on=generator.choice([None, D(2025, 7, 1), D(2025, 8, 1)]),
            )
        )
    return made


def rows():
    return Case.objects.annotate(
        closed_key=last_if_null("closed_on"), deadline_key=last_if_null("deadline")
    )


def expected_order() -> list[str]:
    """The keys' order, computed in Python from the rows."""
    every = list(rows())
    every.sort(key=lambda case: case.case_number)
    every.sort(key=lambda case: case.deadline_key)
    every.sort(key=lambda case: case.closed_key, reverse=True)
    return [case.case_number for case in every]


def test_pages_forwards_then_back_give_every_row_once_in_order(mixed):
    forwards, page = [], keyset_page(rows(), KEYS, size=7)
    pages = [page]
    forwards += [case.case_number for case in page]
    while page.has_next:
        page = keyset_page(rows(), KEYS, after=page.next_cursor, size=7)
        pages.append(page)
        forwards += [case.case_number for case in page]
    assert forwards == expected_order()
    assert len(pages) == 6 and not pages[-1].has_next and not pages[0].has_previous
    backwards = [case.case_number for case in page]
    while page.has_previous:
        page = keyset_page(rows(), KEYS, before=page.previous_cursor, size=7)
        backwards = [case.case_number for case in page] + backwards
    assert backwards == forwards


def test_after_q_is_the_rows_past_a_row_in_the_order(mixed):
    order = expected_order()
    by_number = {case.case_number: case for case in rows()}
    for position in (0, 9, 25, 39):
        row = by_number[order[position]]
        values = [getattr(row, key.name) for key in KEYS]
        past = rows().filter(after_q(KEYS, values))
        assert set(past.values_list("case_number", flat=True)) == set(order[position + 1 :])
        before = rows().filter(after_q(KEYS, values, reverse=True))
        assert set(before.values_list("case_number", flat=True)) == set(order[:position])


@pytest.mark.parametrize(
    "token",
    ["", "x", "W10", encode_cursor(["not-a-date", "2025-01-01", "n"]), "%%%", "a" * 2000],
)
def test_a_cursor_that_is_not_one_of_these_keys_reads_as_none(token):
    assert decode_cursor(token, KEYS) is None


def test_a_cursor_round_trips():
    values = [D(2025, 3, 1), D(9999, 12, 31), "（2025）苏0505民初1号"]
    assert decode_cursor(encode_cursor(values), KEYS) == values


def test_capped_count_stops_one_past_the_cap(mixed):
    assert capped_count(Case.objects.all(), cap=10) == 11
    assert capped_count(Case.objects.all(), cap=100) == 40


def test_api_count_is_capped_and_pages_past_the_cap_stay_reachable(mixed, city_user, monkeypatch):
    monkeypatch.setattr("courtdash.pagination.COUNT_CAP", 10)
    client = APIClient()
    office = city_user(Role.OFFICE, "苏0505")
    client.force_login(office, backend="django.contrib.auth.backends.ModelBackend")
    seen, url = [], "/api/v1/cases/?page_size=15"
    while url:
        response = client.get(url)
        assert response.status_code == 200
        assert response.data["count"] == 10  # a floor: "10 or more"
        seen += [row["id"] for row in response.data["results"]]
        url = response.data["next"]
    assert sorted(seen) == sorted(case.pk for case in mixed)
    assert client.get("/api/v1/cases/", {"page_size": 15, "page": 4}).status_code == 404
