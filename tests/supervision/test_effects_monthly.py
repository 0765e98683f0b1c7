"""跟踪问效 in the monthly review (reports/monthly/effects.py): the month's tracks and checks of
the unit and the units inside it, by kind; a kept review without the section shows nothing;
and the demo step (supervision/demo_effects.py) writes the checks of past actions."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from cases.demo.steps import DemoContext
from cases.units import ScopeKey
from metrics.models import ComputationRun
from reports.monthly.effects import effects_section
from supervision.demo_effects import effects_demo
from supervision.models import EffectCheck
from supervision.services.effects import effects_check_due, track_effect
from tests.supervision.test_effects import D, planted  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def _tracks(world):
    mine = track_effect(
        source="inquiry",
        object_id=1,
        unit=ScopeKey.of(court=world.court, division=world.division),
        slugs=["clearance_rate"],
        case_ids=[world.case.pk],
        started_on=D(2025, 4, 1),
        title="民一庭结案率函询",
    )
    track_effect(
        source="notice",
        object_id=2,
        unit=ScopeKey.of(court=world.other_court),
        started_on=D(2025, 4, 1),
        title="苏0506督办",
    )
    effects_check_due(D(2025, 5, 1))
    return mine


def test_the_section_counts_the_units_tracks_and_checks_of_the_month(planted):  # noqa: F811
    _tracks(planted)
    court = effects_section(ScopeKey.of(court=planted.court), D(2025, 5, 1), D(2025, 5, 31))
    assert court["checked"] == 1 and court["started"] == 0
    [kind] = court["kinds"]
    assert (kind["source"], kind["checked"], kind["improved"], kind["judged"]) == (
        "inquiry",
        1,
        1,
        1,
    )
    [check] = court["checks"]
    assert check["title"] == "民一庭结案率函询" and check["mark"] == 30
    assert check["did"] == "+0.11 个百分点" and check["cases"] == "0/1"
    april = effects_section(ScopeKey.of(court=planted.court), D(2025, 4, 1), D(2025, 4, 30))
    assert april["started"] == 2 and april["checked"] == 0  # 民一庭's and 民四庭's
    city = effects_section(ScopeKey.city(), D(2025, 5, 1), D(2025, 5, 31))
    assert city["checked"] == 2  # with 苏0506's notice (cases only)


def test_the_review_shows_the_section_and_tolerates_its_absence(planted):  # noqa: F811
    _tracks(planted)
    section = effects_section(ScopeKey.of(court=planted.court), D(2025, 5, 1), D(2025, 5, 31))
    html = render_to_string("reports/_monthly_effects.html", {"report": {"effects": section}})
    assert "跟踪问效" in html and "民一庭结案率函询" in html and "+0.11 个百分点" in html
    with open("templates/reports/_monthly_body.html", encoding="utf-8") as body:
        assert '{% if report.effects %}{% include "reports/_monthly_effects.html" %}' in body.read()


def test_the_demo_step_computes_the_days_it_needs_and_checks(world, settings):
    settings.COURTDASH_TODAY = "2025-06-30"
    track = track_effect(
        source="campaign",
        object_id=5,
        unit=ScopeKey.of(court=world.court),
        slugs=["long_pending_share"],
        case_ids=[world.case.pk],
        started_on=D(2025, 3, 20),
        title="清理",
    )
    assert track.baseline == {}  # nothing computed at the start
    effects_demo(DemoContext(today=D(2025, 6, 30), seed=1))
    marks = list(EffectCheck.objects.filter(track=track).values_list("mark", flat=True))
    assert marks == [30, 60, 90]
    track.refresh_from_db()
    assert track.baseline["long_pending_share"]["as_of"] <= "2025-03-20"
    computed = ComputationRun.objects.filter(period="ytd").count()
    effects_demo(DemoContext(today=D(2025, 6, 30), seed=1))  # idempotent, nothing recomputed
    assert EffectCheck.objects.filter(track=track).count() == 3
    assert ComputationRun.objects.filter(period="ytd").count() == computed
