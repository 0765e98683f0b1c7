"""跟踪问效: tracks and their 30/60/90-day checks on planted stored values, against a hand
computation; idempotence; waiting for values not computed yet; the cases' states."""

from __future__ import annotations

import datetime

import pytest

from cases.units import ScopeKey
from metrics.choices import PeriodKind, Scope
from metrics.models import IndicatorValue
from supervision.choices import EffectSource, TraceKind
from supervision.models import EffectCheck, EffectTrack, TraceEntry
from supervision.services.effects import effects_check_due, track_effect
from tests.factories import CaseFactory, DivisionFactory

D = datetime.date
START = D(2025, 4, 1)
pytestmark = pytest.mark.django_db


def plant(division, day, value, slug="clearance_rate"):
    IndicatorValue.objects.create(
        as_of=day,
        period=PeriodKind.YTD,
        scope=Scope.DIVISION,
        court_id=division.court_id,
        division=division,
        indicator=slug,
        numerator=0,
        denominator=1,
        value=value,
    )


@pytest.fixture
def planted(world):
    """The court's four divisions: 民一庭 (the inquiry's), 民二庭 and 民三庭 (untouched peers)
    and 民四庭 (another inquiry on 10 April: left out of the peers). Values at 31 March (the
    day before the start) and at 1 May (30 days after)."""
    third = DivisionFactory(court=world.court, name="民三庭")
    fourth = DivisionFactory(court=world.court, name="民四庭")
    units = [world.division, world.other_division, third, fourth]
    for division, then, now in zip(
        units, (0.50, 0.60, 0.40, 0.70), (0.65, 0.62, 0.46, 0.90), strict=True
    ):
        plant(division, D(2025, 3, 31), then)
        plant(division, D(2025, 5, 1), now)
    track_effect(
        source="inquiry",
        object_id=999,
        unit=ScopeKey.of(court=world.court, division=fourth),
        slugs=["clearance_rate"],
        started_on=D(2025, 4, 10),
        title="民四庭结案率异常",
    )
    world.extra.update(third=third, fourth=fourth)
    return world


def _track(world, **overrides):
    fields = dict(
        source=EffectSource.INQUIRY,
        object_id=1,
        unit=ScopeKey.of(court=world.court, division=world.division),
        slugs=["clearance_rate", "no_such_indicator"],
        started_on=START,
        title="民一庭结案率异常",
        url="/supervision/inquiries/1/",
    )
    return track_effect(**(fields | overrides))


def test_baseline_is_the_last_stored_day_before_the_start_with_every_sibling(planted):
    track = _track(planted)
    assert track.indicators == ["clearance_rate"]  # the unknown slug left out
    base = track.baseline["clearance_rate"]
    assert base["as_of"] == "2025-03-31" and base["value"] == 0.50
    assert sorted(base["peers"].values()) == [0.40, 0.60, 0.70]


def test_the_30_day_check_equals_the_hand_computation(planted):
    _track(planted)
    [check] = effects_check_due(D(2025, 5, 1))
    assert (check.mark, check.checked_on, check.values_on) == (30, D(2025, 5, 1), D(2025, 5, 1))
    result = check.results["clearance_rate"]
    # Own change 0.65 - 0.50 = 0.15; untouched peers 民二庭 +0.02 and 民三庭 +0.06, mean 0.04;
    # 民四庭 (+0.20) was targeted by an inquiry in the window and is left out.
    assert result["change"] == pytest.approx(0.15)
    assert result["peers_change"] == pytest.approx(0.04)
    assert result["did"] == pytest.approx(0.11)
    assert result["directed"] == pytest.approx(0.11)  # higher is better
    assert len(result["peers"]) == 2 and len(result["peers_targeted"]) == 1
    assert result["peers_then"] == pytest.approx(0.50) and result["peers_now"] == pytest.approx(
        0.54
    )
    assert check.did == pytest.approx(0.11) and check.improved is True
    entry = TraceEntry.objects.get(kind=TraceKind.EFFECT_CHECKED, object_id=str(check.pk))
    assert entry.court_id == planted.court.pk


def test_a_lower_is_better_indicator_turns_the_sign(planted):
    for division, then, now in zip(
        [planted.division, planted.other_division], (100.0, 100.0), (90.0, 95.0), strict=True
    ):
        plant(division, D(2025, 3, 31), then, "avg_trial_days")
        plant(division, D(2025, 5, 1), now, "avg_trial_days")
    _track(planted, slugs=["avg_trial_days"])
    [check] = effects_check_due(D(2025, 5, 1))
    assert check.results["avg_trial_days"]["did"] == pytest.approx(-5.0)
    assert check.did == pytest.approx(5.0) and check.improved is True


def test_tracking_and_checking_are_idempotent(planted):
    first = _track(planted)
    again = _track(planted, title="改了标题", slugs=[])
    assert again.pk == first.pk and again.title == "民一庭结案率异常"
    assert EffectTrack.objects.filter(source="inquiry", object_id=1).count() == 1
    assert len(effects_check_due(D(2025, 5, 1))) == 1
    assert effects_check_due(D(2025, 5, 1)) == []
    assert EffectCheck.objects.filter(track=first).count() == 1
    assert TraceEntry.objects.filter(kind=TraceKind.EFFECT_CHECKED).count() == 1


def test_a_check_waits_for_the_days_values(planted):
    track = _track(planted)
    # 60 days: 31 May has no stored value (nor the week after): no row, no garbage.
    checks = effects_check_due(D(2025, 6, 1))
    assert [c.mark for c in checks if c.track == track] == [30]
    assert not track.checks.filter(mark=60).exists()
    for division, value in zip(
        [planted.division, planted.other_division, planted.extra["third"]],
        (0.7, 0.6, 0.5),
        strict=True,
    ):
        plant(division, D(2025, 6, 2), value)  # a day late: the first stored day is used
    [check] = [c for c in effects_check_due(D(2025, 6, 2)) if c.track == track]
    assert (check.mark, check.values_on) == (60, D(2025, 6, 2))
    assert check.results["clearance_rate"]["did"] == pytest.approx(0.2 - 0.05)


def test_no_check_before_its_day(planted):
    _track(planted)
    assert effects_check_due(D(2025, 4, 30)) == []


def test_cases_only_and_their_states(world):
    day = START + datetime.timedelta(30)
    closed = CaseFactory(judge=world.judge, filed_on=D(2025, 1, 5))
    closed.closed_on = D(2025, 4, 20)
    closed.save()
    overdue = CaseFactory(judge=world.judge, filed_on=D(2025, 1, 5))
    overdue.deadline = D(2025, 4, 15)
    overdue.save()
    old = CaseFactory(judge=world.judge, filed_on=D(2024, 1, 5))
    old.deadline = D(2025, 12, 31)
    old.save()
    track = _track(
        world,
        source=EffectSource.NOTICE,
        unit=ScopeKey.of(court=world.court, division=world.division, judge=world.judge),
        slugs=[],
        case_ids=[closed.pk, overdue.pk, old.pk],
    )
    [check] = effects_check_due(day)
    assert check.track == track
    assert (check.cases_total, check.cases_closed) == (3, 1)
    assert (check.cases_overdue, check.cases_long_pending) == (1, 1)
    assert check.case_states[str(old.pk)] == ["long_pending"]
    assert check.improved is None and check.results == {}


def test_scope(planted):
    from cases.choices import Role
    from tests.factories import UserFactory

    _track(planted)
    _track(planted, object_id=2, unit=ScopeKey.of(court=planted.other_court))
    head = planted.user(Role.DIVISION_HEAD)  # 民一庭
    office = planted.user(Role.OFFICE)  # 苏0505
    foreign = UserFactory(role=Role.OFFICE, court=planted.other_court)
    assert EffectTrack.objects.in_scope(head).count() == 1
    assert EffectTrack.objects.in_scope(office).count() == 2  # 民一庭's and 民四庭's
    assert list(EffectTrack.objects.in_scope(foreign).values_list("object_id", flat=True)) == [2]
    effects_check_due(D(2025, 5, 1))
    assert {c.track.object_id for c in EffectCheck.objects.in_scope(foreign)} == {2}
    assert {c.track.object_id for c in EffectCheck.objects.in_scope(office)} == {1}
