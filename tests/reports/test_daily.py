"""日动态: today's numbers against the same day last year, cases entering a warning band or
becoming long-pending today, letters due — each in the viewer's scope."""

import datetime

import pytest

from cases.choices import Role
from cases.models import Case
from reports.selectors.daily import band_entries, daily_counts, new_long_pending
from supervision.models import Notice
from tests.factories import CaseFactory, JudgeFactory, UserFactory

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
    client.force_login(office)
    html = client.get("/reports/").content.decode()
    assert mine.case_number in html and theirs.case_number in html


def test_inspectors_have_no_daily_page(client, judge):
    client.force_login(UserFactory(role=Role.INSPECTOR, court=judge.court))
    assert client.get("/reports/").status_code == 403
