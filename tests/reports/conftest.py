"""Fixtures of the reports tests: a small computed city, users of each role, and for the
browser and worker tests committed data, a live server and a Chromium page."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from django.conf import settings

from cases.choices import CourtLevel
from cases.models import Court, Judge
from metrics.definitions.periods import ONE_DAY, add_months
from metrics.services import metrics_compute
from tests.factories import UserFactory
from tests.metrics.generate import generate_cases

D = datetime.date
AS_OF = D(2025, 6, 30)  # the tests' today (tests/conftest.py)
MONTH = D(2025, 5, 1)
PASSWORD = "Courtdash-Test-2026"
OUT = Path(settings.BASE_DIR) / "out" / "reports"
COURT_NAMES = {
    "苏05": "苏州市中级人民法院",
    "苏0505": "苏州市虎丘区人民法院",
    "苏0506": "苏州市吴中区人民法院",
    "苏0507": "苏州市相城区人民法院",
}
JUDGE_NAMES = (
    "王磊 李娜 张伟 刘洋 陈静 杨帆 赵敏 黄丽 周杰 吴婷 徐明 孙悦 马超 朱琳 胡斌 郭芳 何勇 林欣"
)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--lang=zh-CN",
]


def month_ends(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    days, day = [], add_months(start.replace(day=1), 1) - ONE_DAY
    while day <= end:
        days.append(day)
        day = add_months(day.replace(day=1), 2) - ONE_DAY
    return days


def build_city(n: int = 600) -> dict:
    """A random city (tests.metrics.generate) with readable names, and what the nightly runs
    would have stored: YTD at month ends since April 2024, everything at the ends of April
    and May 2025 and yesterday."""
    generate_cases(n=n, seed=20250531, as_of=AS_OF)
    for code, name in COURT_NAMES.items():
        Court.objects.filter(code=code).update(name=name)
    names = JUDGE_NAMES.split()
    for index, judge in enumerate(Judge.objects.order_by("pk")):
        judge.name = names[index % len(names)] + ("" if index < len(names) else str(index))
        judge.save(update_fields=["name"])
    for day in month_ends(D(2024, 4, 1), D(2025, 3, 31)):
        metrics_compute(as_of=day, periods=["ytd"])
    for day in (D(2025, 4, 30), D(2025, 5, 31), AS_OF - ONE_DAY):
        metrics_compute(as_of=day)
    return {code: Court.objects.get(code=code) for code in COURT_NAMES}


@pytest.fixture
def computed_city(db) -> dict:
    return build_city()


@pytest.fixture
def role_user():
    """role_user(Role.OFFICE, court=…, division=…, judge=…, username=…)"""

    def make(role: str, *, court=None, division=None, judge=None, **attributes):
        if judge is not None:
            court, division = judge.court, judge.division
        if division is not None:
            court = division.court
        return UserFactory(role=role, court=court, division=division, judge=judge, **attributes)

    return make


def city_court() -> Court:
    return Court.objects.get(level=CourtLevel.INTERMEDIATE)
