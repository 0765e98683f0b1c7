"""日动态: today's numbers against the same day last year, cases entering a warning band or
becoming long-pending today, letters due — each in the viewer's scope."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.choices import Role
from cases.models import Case
from cases.signals import cases_imported
from cases.units import ScopeKey
from metrics.reading import pagecache
from metrics.services import metrics_compute
from reports.selectors.daily import band_entries, daily_counts, new_long_pending
from supervision.models import Notice
from supervision.selectors import queue_count
from tests.factories import CaseFactory, JudgeFactory, UserFactory
from tests.metrics.test_pagecache import CSRF
from tests.plans import reads_in_order

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2025, 6, 30)  # tests/conftest.py
LAST_YEAR = D(2024, 6, 30)


@pytest.fixture
def judge():
    return JudgeFactory()


def case(judge, filed_on, closed_on=None, type_code="民初", **fields):
    return CaseFactory(
        judge=judge, filed_on=filed_on, closed_on=closed_on, type_code=type_code,
        closing_method="judgment" if closed_on else "", **fields,
    )  # fmt: skip


def test_todays_numbers_against_the_same_day_last_year(judge):
    case(judge, TODAY)  # filed today
    case(judge, D(2025, 6, 2), TODAY)  # closed today, filed this month
    case(judge, D(2025, 5, 2))  # pending
    case(judge, LAST_YEAR)  # filed on the same day last year, still pending
    case(judge, D(2024, 6, 3), LAST_YEAR)  # closed on the same day last year
    case(judge, D(2024, 1, 5), D(2024, 3, 1))  # closed long ago: counts nowhere
    case(judge, TODAY, type_code="执保")  # preservation: not a workload case
    counts = daily_counts(cases=Case.objects.all(), day=TODAY)
    numbers = {row["name"]: (row["now"], row["then"]) for row in counts["numbers"]}
    assert counts["last_year"] == LAST_YEAR
    assert numbers["filed"] == (1, 1)
    assert numbers["closed"] == (1, 1)
    assert numbers["filed_month"] == (2, 2)
    assert numbers["closed_month"] == (1, 1)
    # Pending at the end of today: filed today, filed in May, last year's; not the closed.
    assert numbers["pending"] == (3, 1)


def test_cases_entering_a_band_today_are_those_with_15_or_5_days_left_or_overdue_since_today(
    judge,
):
    entering = {
        days: case(judge, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=days))
        for days in (15, 5, -1)
    }
    for days in (16, 14, 6, 4, 0, -2):
        case(judge, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=days))
    found = band_entries(cases=Case.objects.all(), day=TODAY)
    assert {row.pk: row.days_left for row in found} == {
        entering[days].pk: days for days in (15, 5, -1)
    }
    assert [row.band for row in found] == ["overdue", "urgent", "warning"]


def test_a_page_of_band_entries_is_read_from_the_pending_deadline_index_in_its_order(judge):
    """A province has thousands of cases entering a band on a day: a page of them is read from
    case_pending_urgency_idx in its order (deadline, case number), not all of them sorted."""
    for days in (15, 5, -1, 15):
        case(judge, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=days))
    rows = band_entries(cases=Case.objects.all(), day=TODAY)
    assert [row.days_left for row in rows] == [-1, 5, 15, 15]
    page = band_entries(cases=Case.objects.all(), day=TODAY)[:20]
    in_order, plan = reads_in_order(page, "case_pending_urgency_idx")
    assert in_order, plan


def test_a_case_becomes_long_pending_the_day_after_its_twelve_months(judge):
    today = case(judge, D(2024, 6, 29))  # 29 June + 12 months = 29 June < 30 June: since today
    case(judge, D(2024, 6, 28))  # since yesterday
    case(judge, D(2024, 6, 30))  # from tomorrow
    case(judge, D(2024, 6, 29), D(2025, 6, 1))  # closed
    assert list(new_long_pending(cases=Case.objects.all(), day=TODAY)) == [today]


def test_the_page_shows_a_judge_only_their_own_cases_and_letters(client, judge):
    mine = case(judge, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=5))
    colleague = JudgeFactory(division=judge.division)
    theirs = case(colleague, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=5))
    office = UserFactory(role=Role.OFFICE, court=judge.court, username="office")
    for who, title in ((judge, "给我的"), (colleague, "给同事的")):
        notice = Notice.objects.create(
            court=judge.court, division=judge.division, title=title, body="…",
            deadline=TODAY, state="sent", recipient_kind="judge", judge=who, created_by=office,
        )  # fmt: skip
        notice.cases.add(mine if who == judge else theirs)
    user = UserFactory(role=Role.JUDGE, judge=judge, court=judge.court, username="faguan")
    client.force_login(user)
    response = client.get("/reports/")
    assert response.status_code == 200
    html = response.content.decode()
    assert mine.case_number in html and theirs.case_number not in html
    assert "给我的" in html and "给同事的" not in html
    # The row links to the case and gives its days as YYYY-MM-DD (a pending case: no closing).
    row = f'<a class="case-number" href="/cases/{mine.pk}/">{mine.case_number}</a>'
    assert row in html
    assert f"<td>{mine.filed_on.isoformat()}</td><td>—</td>" in html
    assert f"<td>{mine.deadline.isoformat()}</td>" in html
    client.force_login(office)
    html = client.get("/reports/").content.decode()
    assert mine.case_number in html and theirs.case_number in html


def test_inspectors_have_no_daily_page(client, judge):
    client.force_login(UserFactory(role=Role.INSPECTOR, court=judge.court))
    assert client.get("/reports/").status_code == 403


def _numbers(counts) -> dict:
    return {row["name"]: (row["now"], row["then"]) for row in counts["numbers"]}


def test_a_units_pending_count_is_the_nightlys_plus_what_was_filed_and_closed_since(judge):
    """Pending on a unit's page: the count the nightly stored for a day of the month (or its
    eve) plus the cases filed and less those closed after it — the same number as counting
    the pending cases, without counting them."""
    case(judge, D(2025, 5, 2))  # pending since May
    closed_later = case(judge, D(2025, 5, 3))
    case(judge, D(2024, 6, 1))
    case(judge, D(2024, 5, 1), D(2024, 6, 29))
    metrics_compute(as_of=D(2025, 6, 27), periods=["ytd"])
    metrics_compute(as_of=D(2024, 5, 31), periods=["ytd"])  # last year: the month's eve
    # After the nightly of 27 June: filed on the 28th, closed today, filed and closed today.
    case(judge, D(2025, 6, 28))
    Case.objects.filter(pk=closed_later.pk).update(closed_on=TODAY, closing_method="judgment")
    case(judge, TODAY, TODAY)
    unit = ScopeKey.of(court=judge.court_id, division=judge.division_id, judge=judge)
    cases = Case.objects.filter(unit.cases_q())
    with CaptureQueriesContext(connection) as queries:
        stored = daily_counts(cases=cases, day=TODAY, unit=unit)
    counted = daily_counts(cases=cases, day=TODAY)
    assert _numbers(stored) == _numbers(counted)
    assert _numbers(stored)["pending"] == (3, 1)
    # No count of the pending cases: the stored profile and the month's flows.
    sql = [query["sql"] for query in queries.captured_queries]
    assert not [query for query in sql if '"closed_on" IS NULL' in query]


def test_the_daily_page_is_kept_per_unit_and_a_nightly_shows_the_new_numbers(
    client, settings, judge, django_capture_on_commit_callbacks
):
    settings.COURTDASH_PAGE_CACHE = True
    pagecache.generation_change()
    other = JudgeFactory()  # another court
    case(judge, LAST_YEAR)
    for _n in range(3):
        case(other, LAST_YEAR)
    mine = UserFactory(role=Role.OFFICE, court=judge.court, username="office_mine")
    theirs = UserFactory(role=Role.OFFICE, court=other.court, username="office_theirs")

    def filed_last_year(user) -> int:
        client.force_login(user)
        response = client.get("/reports/")
        assert response.status_code == 200
        return _numbers(response.context["counts"])["filed"][1]

    assert filed_last_year(mine) == 1
    assert filed_last_year(theirs) == 3  # never the other court's kept numbers
    case(judge, LAST_YEAR)  # a correction of last year, brought by the night's import
    assert filed_last_year(mine) == 1  # kept: last year's numbers change only by a nightly
    with django_capture_on_commit_callbacks(execute=True):
        metrics_compute(as_of=TODAY - datetime.timedelta(days=1), periods=["ytd"])
    assert filed_last_year(mine) == 2


def test_the_daily_pages_body_is_kept_until_a_write_changes_the_queue_generation(
    client, settings, judge, django_capture_on_commit_callbacks
):
    """The body is kept as rendered under the queue generation too ({% page_fragment live=… %}):
    seen again, it reads no case; a case saved (at its commit) or an import changes that
    generation, and the page shows the case at once, with its counts."""
    settings.COURTDASH_PAGE_CACHE = True
    pagecache.generation_change()
    queue_count.generation_change()
    first = case(judge, D(2025, 6, 1), deadline_on=TODAY + datetime.timedelta(days=5))
    client.force_login(UserFactory(role=Role.OFFICE, court=judge.court, username="office_d"))

    def page() -> tuple[str, list[str]]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/reports/")
        assert response.status_code == 200
        reads = [q["sql"] for q in queries.captured_queries if '"cases_case"' in q["sql"]]
        return CSRF.sub("", response.content.decode()), reads

    html, reads = page()
    assert first.case_number in html and reads
    assert _filed_this_month(html) == 1
    assert page() == (html, [])  # kept: the same page, no case read
    with django_capture_on_commit_callbacks(execute=True):
        second = case(judge, D(2025, 6, 2), deadline_on=TODAY + datetime.timedelta(days=15))
    html, reads = page()
    assert first.case_number in html and second.case_number in html and reads
    assert "今日进入预警的案件（2 件）" in html
    assert _filed_this_month(html) == 2  # the counts too (kept under the same generation)
    with django_capture_on_commit_callbacks(execute=True):
        cases_imported.send(sender=None)  # an import's set-based writer saves no case
    assert page()[1]  # read again


def _filed_this_month(html: str) -> int:
    card = re.search(
        r'data-count="filed_month">.*?<div class="daily-card-value" data-now>(\d+)<', html, re.S
    )
    return int(card.group(1))
