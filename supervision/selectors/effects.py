"""跟踪问效: the tracks a user may see, their checks, and which kinds of action work (by kind and
day-mark: how many checked, the share better than their peers, the cases closed; by kind and
indicator: the average change against the peers)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Avg, Count, Prefetch, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Court, Division, Judge
from cases.units import reaches
from metrics.definitions.indicators import INDICATORS
from supervision.choices import EffectSource
from supervision.models import EffectCheck, EffectTrack
from supervision.models.effects import MARKS, key_unit

STATE_LABELS = {
    "closed": _("已结"),
    "overdue": _("仍超审限"),
    "long_pending": _("仍长期未结"),
    "pending": _("未结"),
}


def effect_tracks(*, user, source: str = "") -> QuerySet[EffectTrack]:
    tracks = EffectTrack.objects.in_scope(user)
    if source:
        tracks = tracks.filter(source=source)
    return tracks.select_related("court", "division", "judge").prefetch_related(
        Prefetch("checks", queryset=EffectCheck.objects.order_by("mark"))
    )


@dataclass
class MarkFigures:
    mark: int
    checked: int = 0
    judged: int = 0  # checks with an indicator compared with peers
    improved: int = 0
    cases_total: int = 0
    cases_closed: int = 0

    @property
    def improved_share(self) -> float | None:
        return 100.0 * self.improved / self.judged if self.judged else None

    @property
    def closed_share(self) -> float | None:
        return 100.0 * self.cases_closed / self.cases_total if self.cases_total else None


@dataclass
class KindFigures:
    source: str
    label: str
    tracked: int = 0
    marks: list[MarkFigures] = field(default_factory=list)


@dataclass
class IndicatorFigures:
    source: str
    label: str
    slug: str
    indicator: object
    # mark -> (checks, the average difference-in-differences in the good direction)
    marks: dict[int, tuple[int, float | None]] = field(default_factory=dict)

    @property
    def cells(self) -> list[tuple[int, float | None]]:
        return [self.marks.get(mark, (0, None)) for mark in MARKS]


def effects_summary(*, user, source: str = "") -> list[KindFigures]:
    """Per kind of action (every kind, tracked or not): tracked, and at each day-mark the
    checks, the share better than the peers (of those compared), the targeted cases closed."""
    tracks = EffectTrack.objects.in_scope(user)
    checks = EffectCheck.objects.in_scope(user)
    if source:
        tracks, checks = tracks.filter(source=source), checks.filter(track__source=source)
    tracked = dict(tracks.values_list("source").annotate(n=Count("id")))
    rows = checks.values("track__source", "mark").annotate(
        checked=Count("id"),
        judged=Count("id", filter=Q(improved__isnull=False)),
        improved=Count("id", filter=Q(improved=True)),
        cases_total=Sum("cases_total"),
        cases_closed=Sum("cases_closed"),
    )
    by = {(row["track__source"], row["mark"]): row for row in rows}
    kinds = []
    for value, label in EffectSource.choices:
        if source and value != source:
            continue
        kind = KindFigures(source=value, label=str(label), tracked=tracked.get(value, 0))
        for mark in MARKS:
            row = by.get((value, mark), {})
            kind.marks.append(
                MarkFigures(
                    mark=mark,
                    checked=row.get("checked", 0),
                    judged=row.get("judged", 0),
                    improved=row.get("improved", 0),
                    cases_total=row.get("cases_total") or 0,
                    cases_closed=row.get("cases_closed") or 0,
                )
            )
        kinds.append(kind)
    return kinds


def effects_by_indicator(*, user, source: str = "") -> list[IndicatorFigures]:
    """Per kind and (first) indicator: the average change against the peers at each mark, in
    the indicator's good direction (positive: better than the peers)."""
    checks = EffectCheck.objects.in_scope(user).filter(did__isnull=False)
    if source:
        checks = checks.filter(track__source=source)
    rows = checks.values("track__source", "track__indicators__0", "mark").annotate(
        n=Count("id"), avg=Avg("did")
    )
    labels = dict(EffectSource.choices)
    found: dict[tuple[str, str], IndicatorFigures] = {}
    for row in rows:
        slug = row["track__indicators__0"]
        if slug not in INDICATORS:
            continue
        key = (row["track__source"], slug)
        figures = found.setdefault(
            key,
            IndicatorFigures(
                source=key[0],
                label=str(labels.get(key[0], key[0])),
                slug=slug,
                indicator=INDICATORS[slug],
            ),
        )
        figures.marks[row["mark"]] = (row["n"], row["avg"])
    order = {value: n for n, value in enumerate(EffectSource.values)}
    slugs = list(INDICATORS)
    return sorted(found.values(), key=lambda f: (order.get(f.source, 99), slugs.index(f.slug)))


@dataclass
class IndicatorRow:
    slug: str
    indicator: object
    then: float | None
    then_on: str
    peers_then: dict
    marks: list[tuple[int, dict | None]]


def track_indicator_rows(track: EffectTrack) -> list[IndicatorRow]:
    """Each tracked indicator: its value at the start and, at each mark, the check's result."""
    checks = {check.mark: check for check in track.checks.all()}
    rows = []
    for slug in track.indicators:
        base = track.baseline.get(slug) or {}
        rows.append(
            IndicatorRow(
                slug=slug,
                indicator=INDICATORS[slug] if slug in INDICATORS else None,
                then=base.get("value"),
                then_on=base.get("as_of", ""),
                peers_then=base.get("peers", {}),
                marks=[
                    (mark, (checks[mark].results or {}).get(slug) if mark in checks else None)
                    for mark in MARKS
                ],
            )
        )
    return rows


def track_cases(*, user, track: EffectTrack):
    """The targeted cases the user may see, each with its state at every mark checked."""
    checks = {check.mark: check for check in track.checks.all()}
    cases = (
        Case.objects.in_scope(user)
        .filter(pk__in=track.case_ids)
        .select_related("court", "division", "judge")
        .order_by("filed_on", "case_number")
    )
    rows = []
    for case in cases:
        states = []
        for mark in MARKS:
            check = checks.get(mark)
            found = (check.case_states or {}).get(str(case.pk)) if check else None
            states.append((mark, [STATE_LABELS.get(s, s) for s in found] if found else None))
        rows.append((case, states))
    return rows


def reached_keys(user, keys) -> set[str]:
    """The peers (unit keys) inside the user's reach: only these are named or valued one by
    one; the others count in the peers' average only (a court's peers are the other courts)."""
    return {key for key in keys if reaches(user, key_unit(key))}


def unit_names(keys) -> dict[str, str]:
    """{unit key: name} for the keys of a track's peers (all of one level)."""
    units = [key_unit(key) for key in keys]
    judges = Judge.objects.in_bulk([u.judge_id for u in units if u.judge_id])
    divisions = Division.objects.in_bulk([u.division_id for u in units if u.division_id])
    courts = Court.objects.in_bulk([u.court_id for u in units if u.court_id])
    names = {}
    for key, unit in zip(keys, units, strict=True):
        found = (
            judges.get(unit.judge_id)
            if unit.judge_id
            else divisions.get(unit.division_id)
            if unit.division_id
            else courts.get(unit.court_id)
        )
        names[key] = found.name if found is not None else key
    return names


def effect_of(*, user, source: str, object_id: int) -> EffectTrack | None:
    """The track of one action, for its own page: None unless the user may read effects and
    reaches the track's unit. Its checks by mark are in `cells`."""
    from cases.permissions import Action, may

    if not may(user, Action.EFFECTS_READ):
        return None
    track = effect_tracks(user=user).filter(source=source, object_id=object_id).first()
    if track is not None:
        checks = {check.mark: check for check in track.checks.all()}
        track.cells = [(mark, checks.get(mark)) for mark in MARKS]
    return track
