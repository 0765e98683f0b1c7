"""跟踪问效 (did it work?): track an action's effect, and check it at 30, 60 and 90 days.

`track_effect` is called by every action that targets a unit (notices, inquiries, clearance
campaigns here; talks, quality reviews and meeting actions from their own services): it keeps
the unit, the indicators and cases, and the stored YTD values of the unit and of its siblings at
the start (see supervision.models.effects for why YTD).

`effect_check_run(track, mark)` writes the check of one day-mark once: the unit's value on
started_on + mark against its value at the start, the same change for the peers (the siblings
not targeted by an action of the same kind between 90 days before the start and the check
day), the difference of the two (difference-in-differences), and the states of the targeted
cases on that day. If the stored values for that day are not computed yet, it writes nothing
and the next day's run tries again. `effects_check_due(day)` runs every check due by `day`
(the daily beat task, the demo and the tests).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from statistics import fmean

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q
from django.utils.translation import gettext as _

from cases.choices import Scope
from cases.dates import today
from cases.models import Case
from cases.units import ScopeKey
from metrics.choices import Direction, PeriodKind
from metrics.definitions.conditions import long_pending_at, pending_at
from metrics.definitions.indicators import INDICATORS
from metrics.models import IndicatorValue
from supervision.choices import EffectSource, TraceKind
from supervision.models import EffectCheck, EffectTrack
from supervision.models.effects import MARKS, key_unit, unit_key
from supervision.services.trail import trail_record

log = logging.getLogger(__name__)

PERIOD = PeriodKind.YTD
# How far back from the start a baseline may be read (the nightly values of the day before),
# and how far after a mark the values of a later day may stand in for a day not stored.
BASELINE_DAYS = 7
LATE_DAYS = 7
# Peers targeted by an action of the same kind from this many days before the start are left
# out of the comparison (their own action may still be working).
WINDOW_BEFORE = 90
# A track still missing a check this many days after its start is no longer tried.
GIVE_UP_DAYS = 365


# --- units as keys ----------------------------------------------------------------------------


def parent_unit(unit: ScopeKey) -> ScopeKey | None:
    if unit.scope is Scope.CITY:
        return None
    if unit.scope is Scope.COURT:
        return ScopeKey.city()
    if unit.scope is Scope.DIVISION:
        return ScopeKey(Scope.COURT, unit.court_id)
    return ScopeKey(Scope.DIVISION, unit.court_id, unit.division_id)


def _row_key(row: dict) -> str:
    return unit_key(
        ScopeKey.of(court=row["court_id"], division=row["division_id"], judge=row["judge_id"])
    )


# --- stored values ----------------------------------------------------------------------------


def _values(slug: str) -> Q:
    return Q(indicator=slug, period=PERIOD)


def _level_values(unit: ScopeKey, slug: str, day: datetime.date) -> tuple[float | None, dict]:
    """The unit's stored value on `day` and its siblings' ({key: value})."""
    rows = IndicatorValue.objects.filter(_values(slug), as_of=day)
    own = rows.filter(unit.rows_q()).values_list("value", flat=True).first()
    parent = parent_unit(unit)
    peers = {}
    if parent is not None:
        siblings = rows.filter(parent.children_q()).exclude(unit.rows_q())
        for row in siblings.values("court_id", "division_id", "judge_id", "value"):
            peers[_row_key(row)] = row["value"]
    return own, peers


def _baseline_day(unit: ScopeKey, slug: str, started_on: datetime.date) -> datetime.date | None:
    """The last day on or before the start (within a week) with the unit's value stored."""
    rows = IndicatorValue.objects.filter(
        _values(slug),
        unit.rows_q(),
        as_of__lte=started_on,
        as_of__gte=started_on - datetime.timedelta(BASELINE_DAYS),
    )
    return rows.aggregate(day=Max("as_of"))["day"]


def _check_day(unit: ScopeKey, slug: str, day: datetime.date) -> datetime.date | None:
    """The first day on or after the mark (within a week) with the unit's value stored."""
    rows = IndicatorValue.objects.filter(
        _values(slug),
        unit.rows_q(),
        as_of__gte=day,
        as_of__lte=day + datetime.timedelta(LATE_DAYS),
    )
    return rows.aggregate(day=Min("as_of"))["day"]


def baseline_values(unit: ScopeKey, slugs: Sequence[str], started_on: datetime.date) -> dict:
    """{slug: {"as_of", "value", "peers": {key: value}}} for the slugs stored at the start."""
    baseline = {}
    for slug in slugs:
        day = _baseline_day(unit, slug, started_on)
        if day is None:
            continue
        value, peers = _level_values(unit, slug, day)
        baseline[slug] = {"as_of": day.isoformat(), "value": value, "peers": peers}
    return baseline


# --- tracking ---------------------------------------------------------------------------------


def track_effect(
    *,
    source: str,
    object_id: int,
    unit: ScopeKey,
    slugs: Sequence[str] = (),
    case_ids: Sequence[int] = (),
    started_on: datetime.date,
    title: str,
    url: str = "",
    actor=None,
) -> EffectTrack:
    """Follow up one action (idempotent per (source, object_id): a second call returns the
    first track unchanged). Unknown indicator slugs are left out; with no indicator named, the
    track follows the cases only."""
    source = EffectSource(source)
    existing = EffectTrack.objects.filter(source=source, object_id=object_id).first()
    if existing is not None:
        return existing
    indicators = [slug for slug in dict.fromkeys(slugs or ()) if slug in INDICATORS]
    track = EffectTrack(
        source=source,
        object_id=object_id,
        title=(title or "")[:200],
        url=(url or "")[:300],
        scope=unit.scope,
        court_id=unit.court_id,
        division_id=unit.division_id,
        judge_id=unit.judge_id,
        indicators=indicators,
        case_ids=sorted({int(pk) for pk in case_ids or ()}),
        started_on=started_on,
        baseline=baseline_values(unit, indicators, started_on),
        actor=actor,
    )
    try:
        with transaction.atomic():
            track.save()
    except IntegrityError:  # the same action tracked at the same moment by another call
        return EffectTrack.objects.get(source=source, object_id=object_id)
    return track


# --- checking ---------------------------------------------------------------------------------


def targeted_peers(track: EffectTrack, peers: Sequence[str], until: datetime.date) -> set[str]:
    """The peers (keys) targeted by another action of the same kind from WINDOW_BEFORE days
    before the start to `until`: an action on the peer or on a unit inside it."""
    others = EffectTrack.objects.filter(
        source=track.source,
        started_on__gte=track.started_on - datetime.timedelta(WINDOW_BEFORE),
        started_on__lte=until,
    ).exclude(pk=track.pk)
    units = [other.unit for other in others.only("scope", "court", "division", "judge")]
    return {key for key in peers if any(key_unit(key).contains(other) for other in units)}


def _direction(slug: str) -> int | None:
    direction = INDICATORS[slug].direction
    if direction == Direction.HIGHER:
        return 1
    if direction == Direction.LOWER:
        return -1
    return None  # a band: better or worse depends on where in the band it stands


def indicator_result(track: EffectTrack, slug: str, day: datetime.date) -> dict | None:
    """One indicator's change by `day` (its values of that stored day) against the peers'."""
    base = track.baseline.get(slug)
    if base is None:
        return None
    now, peers_now = _level_values(track.unit, slug, day)
    then = base["value"]
    targeted = targeted_peers(track, list(base["peers"]), day)
    changes, peers_then, peers_after = [], [], []
    kept = []
    for key, value_then in base["peers"].items():
        value_now = peers_now.get(key)
        if key in targeted or value_then is None or value_now is None:
            continue
        kept.append(key)
        peers_then.append(value_then)
        peers_after.append(value_now)
        changes.append(value_now - value_then)
    change = None if now is None or then is None else now - then
    peers_change = fmean(changes) if changes else None
    did = None if change is None or peers_change is None else change - peers_change
    sign = _direction(slug)
    return {
        "then": then,
        "now": now,
        "then_on": base["as_of"],
        "change": change,
        "peers": kept,
        "peers_targeted": sorted(targeted),
        "peers_then": fmean(peers_then) if peers_then else None,
        "peers_now": fmean(peers_after) if peers_after else None,
        "peers_change": peers_change,
        "did": did,
        "directed": None if did is None or sign is None else did * sign,
    }


def case_states(case_ids: Sequence[int], day: datetime.date) -> dict[str, list[str]]:
    """{case id: states} on `day`: "closed", or pending with "overdue" (past its deadline)
    and/or "long_pending" (metrics.definitions.conditions.long_pending_at), else "pending"."""
    cases = Case.objects.filter(pk__in=case_ids)
    pending = pending_at(day)
    rows = cases.annotate(
        n_closed=Count("pk", filter=Q(closed_on__isnull=False, closed_on__lte=day)),
        n_pending=Count("pk", filter=pending),
        n_overdue=Count("pk", filter=pending & Q(deadline__lt=day)),
        n_long=Count("pk", filter=long_pending_at(day)),
    ).values_list("pk", "n_closed", "n_pending", "n_overdue", "n_long")
    states = {}
    for pk, closed, is_pending, overdue, long in rows:
        found = ["closed"] if closed else []
        if is_pending:
            found += ["overdue"] if overdue else []
            found += ["long_pending"] if long else []
            found = found or ["pending"]
        states[str(pk)] = found or ["pending"]
    return states


def effect_check_run(
    track: EffectTrack, mark: int, *, day: datetime.date | None = None
) -> EffectCheck | None:
    """Write the check of `mark` days once (an existing one is returned unchanged); None while
    the stored values of that day are not computed yet, or before that day (`day`: today)."""
    existing = track.checks.filter(mark=mark).first()
    if existing is not None:
        return existing
    checked_on = track.started_on + datetime.timedelta(mark)
    if checked_on > (day or today()):
        return None
    if track.indicators and set(track.indicators) - set(track.baseline):
        # Nothing was stored yet at the start: read the start's values now (they do not move).
        filled = baseline_values(track.unit, track.indicators, track.started_on)
        if filled != track.baseline:
            track.baseline = filled
            track.save(update_fields=["baseline"])
    results, values_on = {}, None
    for slug in track.indicators:
        if slug not in track.baseline:
            continue
        day = _check_day(track.unit, slug, checked_on)
        if day is None:
            return None  # not computed yet: wait
        values_on = max(values_on, day) if values_on else day
        results[slug] = indicator_result(track, slug, day)
    first = next((results[s] for s in track.indicators if s in results), None)
    directed = first["directed"] if first else None
    states = case_states(track.case_ids, checked_on)
    check = EffectCheck(
        track=track,
        mark=mark,
        checked_on=checked_on,
        values_on=values_on,
        results=results,
        did=directed,
        improved=None if directed is None else directed > 0,
        cases_total=len(states),
        cases_closed=sum("closed" in s for s in states.values()),
        cases_overdue=sum("overdue" in s for s in states.values()),
        cases_long_pending=sum("long_pending" in s for s in states.values()),
        case_states=states,
    )
    try:
        with transaction.atomic():
            check.save()
            trail_record(
                kind=TraceKind.EFFECT_CHECKED,
                actor=None,
                obj=check,
                court_id=track.court_id,
                note=_("%(title)s：%(mark)s天跟踪问效") % {"title": track.title, "mark": mark},
                detail={
                    "track_id": track.pk,
                    "source": track.source,
                    "mark": mark,
                    "did": directed,
                    "cases_closed": check.cases_closed,
                },
            )
    except IntegrityError:  # written by a concurrent run
        return track.checks.get(mark=mark)
    return check


def effects_check_due(day: datetime.date | None = None) -> list[EffectCheck]:
    """Run every check due by `day` (default today) and not written yet; returns those written."""
    day = day or today()
    written = []
    due = (
        EffectTrack.objects.filter(
            started_on__lte=day - datetime.timedelta(MARKS[0]),
            # A mark whose values were never stored is not tried for ever.
            started_on__gte=day - datetime.timedelta(GIVE_UP_DAYS),
        )
        .annotate(n=Count("checks"))
        .filter(n__lt=len(MARKS))
    )
    for track in due.order_by("started_on", "pk"):
        done = set(track.checks.values_list("mark", flat=True))
        for mark in MARKS:
            if mark in done or track.started_on + datetime.timedelta(mark) > day:
                continue
            check = effect_check_run(track, mark, day=day)
            if check is None:
                break  # the later marks wait too
            written.append(check)
    return written
