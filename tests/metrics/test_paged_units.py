"""The lists of units on the overview and the weekly page come a page at a time (a province's
top unit has a hundred courts below it): the contribution panel (?contrib_page=) and the weekly
ranking (?page=) each page on their own, and every unit is on exactly one page."""

from __future__ import annotations

import importlib
import re

import pytest
from django.urls import reverse

from cases.choices import Role
from tests.metrics.test_contribution_pages import AS_OF, GAP, computed  # noqa: F401

pytestmark = pytest.mark.django_db
OVERVIEW = reverse("metrics:overview")
RANKING = reverse("metrics:ranking")
ROW = re.compile(r'<tr data-unit="([^"]+)" class="move-')


@pytest.fixture
def small_pages(monkeypatch):
    # (metrics.views exports the view functions under the modules' names)
    for module in ("metrics.views.contribution", "metrics.views.ranking"):
        monkeypatch.setattr(importlib.import_module(module), "UNITS_PER_PAGE", 2)


def _units(client, url, pattern, **params) -> list[str]:
    response = client.get(url, {"as_of": AS_OF.isoformat(), **params})
    assert response.status_code == 200
    return [
        match[0] if isinstance(match, tuple) else match
        for match in pattern.findall(response.content.decode())
    ]


def test_the_contribution_panel_pages_its_units(client, computed, city_user, small_pages):  # noqa: F811
    client.force_login(city_user(Role.OFFICE, "苏05"))
    whole = client.get(OVERVIEW, {"as_of": AS_OF.isoformat(), "contrib": "clearance_rate"})
    pager = whole.context["contribution_pager"]
    assert pager["pages"] > 1 and pager["count"] == len(whole.context["contribution"]["children"])
    seen = []
    for number in range(1, pager["pages"] + 1):
        page = _units(client, OVERVIEW, GAP, contrib="clearance_rate", contrib_page=number)
        assert 1 <= len(page) <= 2
        seen += page
    expected = [child["code"] for child in whole.context["contribution"]["children"]]
    assert seen == expected  # the panel's own order, each unit once
    assert "contrib_page=2" in whole.content.decode()


def test_the_weekly_ranking_pages_its_units(client, computed, city_user, small_pages):  # noqa: F811
    client.force_login(city_user(Role.OFFICE, "苏05"))
    whole = client.get(RANKING, {"as_of": AS_OF.isoformat()})
    rows = whole.context["data"]["rows"]
    assert whole.context["rows_pager"]["count"] == len(rows) > 2
    seen = []
    for number in range(1, whole.context["rows_pager"]["pages"] + 1):
        seen += _units(client, RANKING, ROW, page=number)
    assert seen == [row["code"] for row in rows]
    # A page number out of range shows the last page, never an error.
    assert (
        _units(client, RANKING, ROW, page=999)
        == seen[-len(_units(client, RANKING, ROW, page=999)) :]
    )
