"""数据会商 reads: the agenda Courtdash proposes for a unit and a month, and the meetings, decisions
and actions a user may see.

The agenda is what Courtdash found, each item naming its unit, its evidence and the links to
the values and cases behind it:

- indicator: a stored YTD value of the unit or of a unit one level down (not judges) at or
  beyond its warning line (supervision.services.abnormality.warning_lines, the scoring's own
  thresholds), on the last computed day of the month;
- abnormality: the detection's abnormalities of the month in the unit (the latest per unit and
  indicator), those that are not already an indicator item (an indicator item takes the
  abnormality's inquiry as a link instead);
- finding: the findings of the latest health check of the month, by kind and unit one level
  down;
- target: a quarterly target of the month's quarter at risk or off track by projection
  (reports.selectors.targets);
- outlook: per unit one level down, the pending cases that will pass 12, 24 or 36 months within
  30 days (supervision.selectors.longpending's outlook);
- range: a stored YTD value of the SPC's 2024 set of the unit or of a unit one level down (not
  judges), on the last computed day of the month, below or above the reference range (合理区间)
  in force on that day (INDICATORS.md, rules of use: outside is flagged for this meeting), where
  the deployment shows that set. Unit-code order then registry order, never by value; an
  indicator of both sets may also be an indicator item (its own key).

Items are plain JSON (the meeting keeps them as they were); `key` names an item within its
agenda.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.dates import today as current_day
from cases.models import Court, Division, User
from cases.permissions import Action, may
from cases.units import CHILD_SCOPE, ScopeKey, people_q, unit_info, unit_url
from metrics.choices import IndicatorSet, PeriodKind, RangeStatus, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import add_months
from metrics.models import IndicatorValue
from metrics.selectors import latest_as_of
from metrics.templatetags.metrics_display import indicator_value, quantity
from reports.choices import TargetStatus
from reports.findings import finding_text
from reports.models import (
    AgendaKind,
    Finding,
    Meeting,
    MeetingAction,
    MeetingActionState,
    QuarterlyTarget,
)
from reports.selectors.health import health_run
from reports.selectors.targets import target_progress
from reports.spc import OUTSIDE, bound, range_text, spc_shown, spc_states
from supervision.choices import OUTLOOK_HORIZONS, OUTLOOK_THRESHOLDS
from supervision.models import Abnormality, DetectionRule
from supervision.selectors.longpending import long_pending_outlook, long_pending_outlook_cases
from supervision.services.abnormality import warning_lines

PERIOD = PeriodKind.YTD.value
MEETING_SCOPES = (Scope.CITY, Scope.COURT, Scope.DIVISION)
CASES_KEPT = 200  # case ids kept per item (the effects' follow-up); the links show them all
FINDINGS_LISTED = 3
OUTLOOK_HORIZON = 30
AT_RISK = (TargetStatus.AT_RISK.value, TargetStatus.OFF_TRACK.value)


@dataclass
class Agenda:
    unit: ScopeKey
    title: str
    month: datetime.date
    as_of: datetime.date | None  # the last computed day of the month (None: nothing computed)
    day: datetime.date  # the day the long-pending outlook looks ahead from
    items: list[dict] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for item in self.items:
            counts[item["kind"]] = counts.get(item["kind"], 0) + 1
        return counts


def month_end(month: datetime.date) -> datetime.date:
    return add_months(month.replace(day=1), 1) - datetime.timedelta(days=1)


def _unit_dict(key: ScopeKey, title: str) -> dict:
    return {
        "scope": str(key.scope),
        "court_id": key.court_id,
        "division_id": key.division_id,
        "judge_id": key.judge_id,
        "title": title,
    }


def _unit_of_row(row) -> tuple[ScopeKey, str]:
    key = ScopeKey(row.scope, row.court_id, row.division_id, getattr(row, "judge_id", None))
    parts = [row.court.name if row.court_id else str(Scope.CITY.label)]
    parts += [unit.name for unit in (row.division, getattr(row, "judge", None)) if unit is not None]
    return key, " ".join(parts)


def _key(kind: str, unit: ScopeKey, subject: str = "") -> str:
    ids = "-".join(str(part or 0) for part in (unit.court_id, unit.division_id, unit.judge_id))
    return f"{kind}:{unit.scope}:{ids}:{subject}"


def _item(kind: AgendaKind, unit: ScopeKey, title: str, subject: str, **fields) -> dict:
    return {
        "key": _key(kind.value, unit, subject),
        "kind": kind.value,
        "kind_label": str(kind.label),
        "unit": _unit_dict(unit, fields.pop("unit_title")),
        "title": title,
        "evidence": fields.pop("evidence", []),
        "links": fields.pop("links", []),
        "indicators": fields.pop("indicators", []),
        "case_ids": fields.pop("case_ids", [])[:CASES_KEPT],
        "facts": fields.pop("facts", {}),
    }


def _link(label: str, url: str) -> dict:
    return {"label": label, "url": url}


def _value_links(slug: str, key: ScopeKey, as_of: datetime.date, **view) -> list[dict]:
    """An item's links to the stored number: its numerator cases and the indicator's page
    (`view`: more of that page's query, e.g. the indicator set it is read in)."""
    return [
        _link(
            _("分子案件"),
            unit_url(
                "metrics:cases", args=[slug], unit=key, period=PERIOD, as_of=as_of, part="numerator"
            ),
        ),
        _link(
            _("指标详情"),
            unit_url("metrics:indicator", args=[slug], unit=key, as_of=as_of, **view),
        ),
    ]


def _min_denominators() -> dict[str, float]:
    return {
        rule.indicator: float(rule.min_denominator)
        for rule in DetectionRule.objects.filter(enabled=True)
    }


def _near_units_q(unit: ScopeKey) -> Q:
    """Stored rows of the unit itself and of the units one level down (never judges)."""
    rows = unit.rows_q()
    if unit.scope is not Scope.DIVISION and CHILD_SCOPE[unit.scope] is not Scope.JUDGE:
        rows |= unit.children_q()
    return rows


def _indicator_items(unit: ScopeKey, as_of: datetime.date | None) -> list[dict]:
    if as_of is None:
        return []
    lines = warning_lines(as_of=as_of, period=PERIOD)
    minimum = _min_denominators()
    rows = (
        IndicatorValue.objects.filter(
            _near_units_q(unit),
            as_of=as_of,
            period=PERIOD,
            indicator__in=list(lines),
            value__isnull=False,
        )
        .select_related("court", "division", "judge")
        .order_by("scope", "court__code", "division__name")
    )
    order = {slug: index for index, slug in enumerate(INDICATORS)}
    items = []
    for row in sorted(rows, key=lambda r: (Scope(r.scope) is not unit.scope, order[r.indicator])):
        line = lines[row.indicator]
        if not line.crossed(row.value) or float(row.denominator) < minimum.get(row.indicator, 0):
            continue
        indicator = INDICATORS[row.indicator]
        key, title = _unit_of_row(row)
        warning = line.low if line.low is not None and row.value <= line.low else line.high
        target = line.target_low if warning == line.low else line.target_high
        evidence = [
            _("%(indicator)s %(value)s，预警线 %(warning)s，目标 %(target)s")
            % {
                "indicator": indicator.label,
                "value": indicator_value(row.value, indicator),
                "warning": indicator_value(warning, indicator),
                "target": indicator_value(target, indicator),
            },
            _("分子 %(numerator)s，分母 %(denominator)s（截至 %(day)s，年初至今）")
            % {
                "numerator": f"{float(row.numerator):g}",
                "denominator": f"{float(row.denominator):g}",
                "day": as_of.isoformat(),
            },
        ]
        links = _value_links(row.indicator, key, as_of)
        items.append(
            _item(
                AgendaKind.INDICATOR,
                key,
                _("%(unit)s %(indicator)s未达预警线")
                % {"unit": title, "indicator": indicator.label},
                row.indicator,
                unit_title=title,
                evidence=evidence,
                links=links,
                indicators=[row.indicator],
                facts={
                    "value": row.value,
                    "numerator": float(row.numerator),
                    "denominator": float(row.denominator),
                    "warning": warning,
                    "target": target,
                    "as_of": as_of.isoformat(),
                },
            )
        )
    return items


def _range_items(unit: ScopeKey, as_of: datetime.date | None) -> list[dict]:
    if as_of is None or not spc_shown():
        return []
    items = []
    for row, reference, status in spc_states(_near_units_q(unit), as_of):
        if status not in OUTSIDE:  # inside, no range, no value, no data: nothing to discuss
            continue
        indicator = INDICATORS[row.indicator]
        key, title = _unit_of_row(row)
        evidence = [
            _("%(indicator)s %(value)s，合理区间 %(range)s（%(day)s起适用）")
            % {
                "indicator": indicator.label,
                "value": indicator_value(row.value, indicator),
                "range": range_text(reference, indicator),
                "day": reference.effective_from.isoformat(),
            },
            _("分子 %(numerator)s，分母 %(denominator)s（截至 %(day)s，年初至今）")
            % {
                "numerator": quantity(row.numerator),
                "denominator": quantity(row.denominator),
                "day": as_of.isoformat(),
            },
        ]
        if reference.demo:
            evidence.append(_("演示数值，非最高人民法院发布的区间参考值"))
        links = _value_links(row.indicator, key, as_of, set=IndicatorSet.SPC2024.value)
        if status is RangeStatus.BELOW:
            template = _("%(unit)s %(indicator)s低于合理区间")
        else:
            template = _("%(unit)s %(indicator)s高于合理区间")
        items.append(
            _item(
                AgendaKind.RANGE,
                key,
                template % {"unit": title, "indicator": indicator.label},
                row.indicator,
                unit_title=title,
                evidence=evidence,
                links=links,
                indicators=[row.indicator],
                facts={
                    "value": row.value,
                    "lower": bound(reference.lower),
                    "upper": bound(reference.upper),
                    "status": status.value,
                    "effective_from": reference.effective_from.isoformat(),
                    "court_level": reference.court_level,
                    "demo": reference.demo,
                    "numerator": float(row.numerator),
                    "denominator": float(row.denominator),
                    "version": row.version,
                    "as_of": as_of.isoformat(),
                },
            )
        )
    return items


def _abnormality_items(unit: ScopeKey, month: datetime.date, listed: dict) -> list[dict]:
    rows = (
        Abnormality.objects.filter(unit.cases_q(), as_of__range=(month, month_end(month)))
        .select_related("court", "division", "inquiry")
        .order_by("-as_of", "-pk")
    )
    latest: dict[tuple, Abnormality] = {}
    for row in rows:
        latest.setdefault((row.scope, row.court_id, row.division_id, row.indicator), row)
    items = []
    order = {slug: index for index, slug in enumerate(INDICATORS)}
    for row in sorted(
        latest.values(),
        key=lambda r: (r.court.code, r.division.name if r.division else "", order[r.indicator]),
    ):
        key, title = _unit_of_row(row)
        inquiry_link = None
        if row.inquiry_id is not None:
            inquiry_link = _link(
                _("异常函询《%(title)s》") % {"title": row.inquiry.title},
                reverse("supervision:inquiry", args=[row.inquiry_id]),
            )
        known = listed.get(_key(AgendaKind.INDICATOR.value, key, row.indicator))
        if known is not None:  # the same problem: its inquiry joins the indicator's item
            if inquiry_link is not None:
                known["links"].append(inquiry_link)
            continue
        indicator = INDICATORS[row.indicator]
        evidence = [
            _("%(indicator)s %(value)s（截至 %(day)s）")
            % {
                "indicator": indicator.label,
                "value": indicator_value(row.value, indicator),
                "day": row.as_of.isoformat(),
            }
        ]
        if row.fell_sharply and row.last_week_value is not None:
            evidence.append(
                _("较上周（%(before)s）明显变差")
                % {"before": indicator_value(row.last_week_value, indicator)}
            )
        if row.crossed_warning:
            evidence.append(_("触及预警线"))
        if row.discarded_at is not None:
            evidence.append(_("审管办决定不予函询：%(reason)s") % {"reason": row.discard_reason})
        links = [
            _link(
                _("分子案件"),
                unit_url(
                    "metrics:cases",
                    args=[row.indicator],
                    unit=key,
                    period=row.period,
                    as_of=row.as_of,
                    part="numerator",
                ),
            )
        ]
        if inquiry_link is not None:
            links.append(inquiry_link)
        items.append(
            _item(
                AgendaKind.ABNORMALITY,
                key,
                _("%(unit)s %(indicator)s研判异常") % {"unit": title, "indicator": indicator.label},
                row.indicator,
                unit_title=title,
                evidence=evidence,
                links=links,
                indicators=[row.indicator],
                facts={
                    "abnormality_id": row.pk,
                    "value": row.value,
                    "as_of": row.as_of.isoformat(),
                },
            )
        )
    return items


def _grouped_unit(finding: Finding, unit: ScopeKey) -> ScopeKey:
    """The finding's unit, at most one level below the meeting's."""
    depth = {Scope.CITY: 0, Scope.COURT: 1, Scope.DIVISION: 2, Scope.JUDGE: 3}
    own = ScopeKey.of_row(finding)
    level = min(depth[own.scope], depth[unit.scope] + 1)
    ids = (own.court_id, own.division_id, own.judge_id)
    return ScopeKey.of(**dict(zip(("court", "division", "judge"), ids[:level], strict=False)))


def _finding_items(unit: ScopeKey, month: datetime.date) -> list[dict]:
    run = health_run(month_end(month))
    if run is None:
        return []
    findings = (
        Finding.objects.filter(run=run)
        .within(unit)
        .select_related("court", "division", "judge")
        .prefetch_related("links")
        .order_by(*Finding._meta.ordering, "pk")
    )
    groups: dict[tuple, list[Finding]] = {}
    for finding in findings:
        groups.setdefault((finding.kind, _grouped_unit(finding, unit)), []).append(finding)
    items = []
    for (kind, key), found in groups.items():
        info = unit_info(key)
        title = info.title if info is not None else ""
        case_ids = sorted({link.case_id for finding in found for link in finding.links.all()})
        label = found[0].get_kind_display()
        evidence = [
            _("%(count)s 项发现，涉及 %(cases)s 件案件（体检截至 %(day)s）")
            % {"count": len(found), "cases": len(case_ids), "day": run.as_of.isoformat()}
        ]
        for finding in found[:FINDINGS_LISTED]:
            names = " ".join(
                part.name for part in (finding.division, finding.judge) if part is not None
            )
            text = finding_text(
                kind=finding.kind,
                value=finding.value,
                reference=finding.reference,
                facts=finding.facts,
            )
            evidence.append(f"{names}：{text}" if names else text)
        links = [
            _link(
                _("体检结果"),
                unit_url("reports:health", unit=key, kind=kind, as_of=run.as_of),
            )
        ]
        links += [
            _link(
                _("发现：%(unit)s")
                % {
                    "unit": " ".join(
                        part.name
                        for part in (finding.court, finding.division, finding.judge)
                        if part is not None
                    )
                },
                reverse("reports:finding", args=[finding.pk]),
            )
            for finding in found[:FINDINGS_LISTED]
        ]
        items.append(
            _item(
                AgendaKind.FINDING,
                key,
                _("%(unit)s %(kind)s") % {"unit": title, "kind": label},
                kind,
                unit_title=title,
                evidence=evidence,
                links=links,
                case_ids=case_ids,
                facts={"run_as_of": run.as_of.isoformat(), "findings": [f.pk for f in found]},
            )
        )
    return items


def _target_items(unit: ScopeKey, month: datetime.date, day: datetime.date) -> list[dict]:
    end = month_end(month)
    year, quarter = end.year, (end.month - 1) // 3 + 1
    rows = QuarterlyTarget.objects.filter(_near_units_q(unit), year=year, quarter=quarter)
    units = sorted(
        {ScopeKey.of_row(row) for row in rows},
        key=lambda k: (str(k.scope), k.court_id or 0, k.division_id or 0),
    )
    if not units:
        return []
    progress = target_progress(
        units=units,
        year=year,
        quarter=quarter,
        today=min(day, end + datetime.timedelta(days=1)),
        all_indicators=False,
    )
    items = []
    for key in units:
        info = unit_info(key)
        title = info.title if info is not None else ""
        for row in progress.get(key, []):
            if row.target is None or row.status not in AT_RISK or row.projection is None:
                continue
            indicator = row.indicator
            projection = row.projection
            evidence = [
                _(
                    "季度目标 %(target)s，目前 %(value)s（截至 %(day)s），"
                    "预计季末 %(projected)s：%(status)s"
                )
                % {
                    "target": indicator_value(float(row.target.target), indicator),
                    "value": indicator_value(projection.value_now, indicator),
                    "day": row.as_of.isoformat() if row.as_of else "—",
                    "projected": indicator_value(projection.value, indicator),
                    "status": row.status_label,
                }
            ]
            if row.gap is not None and row.gap.text:
                evidence.append(str(row.gap.text))
            links = [
                _link(
                    _("季目标"),
                    unit_url("reports:targets", unit=key, year=year, quarter=quarter),
                ),
                _link(
                    _("分子案件"),
                    unit_url(
                        "metrics:cases",
                        args=[indicator.slug],
                        unit=key,
                        period=row.target.basis,
                        as_of=row.as_of,
                        part="numerator",
                    ),
                ),
            ]
            items.append(
                _item(
                    AgendaKind.TARGET,
                    key,
                    _("%(unit)s %(indicator)s %(year)s年第%(quarter)s季度目标%(status)s")
                    % {
                        "unit": title,
                        "indicator": indicator.label,
                        "year": year,
                        "quarter": quarter,
                        "status": row.status_label,
                    },
                    indicator.slug,
                    unit_title=title,
                    evidence=evidence,
                    links=links,
                    indicators=[indicator.slug],
                    facts={
                        "target": float(row.target.target),
                        "value": projection.value_now,
                        "projected": projection.value,
                        "status": row.status,
                        "year": year,
                        "quarter": quarter,
                    },
                )
            )
    return items


def _outlook_units(user, unit: ScopeKey) -> list[ScopeKey]:
    """The units one level down (a division: itself) whose cases the user reaches."""
    if unit.scope is Scope.DIVISION:
        return [unit]
    if unit.scope is Scope.CITY:
        courts = Court.objects.order_by("code")
        return [ScopeKey.of(court=court) for court in courts]
    divisions = Division.objects.filter(court_id=unit.court_id).order_by("name")
    return [ScopeKey.of(court=unit.court_id, division=division) for division in divisions]


def _outlook_items(user, unit: ScopeKey, day: datetime.date) -> list[dict]:
    items = []
    for key in _outlook_units(user, unit):
        counts = long_pending_outlook(user=user, day=day, unit=key.cases_q())
        soon = {threshold: counts[threshold][OUTLOOK_HORIZON] for threshold in OUTLOOK_THRESHOLDS}
        if not any(soon.values()):
            continue
        info = unit_info(key)
        title = info.title if info is not None else ""
        evidence = [
            _("%(horizon)s日内将超过%(threshold)s个月未结：%(count)s 件")
            % {"horizon": OUTLOOK_HORIZON, "threshold": threshold, "count": count}
            for threshold, count in soon.items()
            if count
        ]
        evidence.append(
            _("90日内将超过12个月未结：%(count)s 件（截至 %(day)s）")
            % {"count": counts[12][max(OUTLOOK_HORIZONS)], "day": day.isoformat()}
        )
        case_ids = []
        for threshold, count in soon.items():
            if count:
                case_ids += list(
                    long_pending_outlook_cases(
                        user=user,
                        threshold=threshold,
                        horizon=OUTLOOK_HORIZON,
                        day=day,
                        unit=key.cases_q(),
                    ).values_list("pk", flat=True)[:CASES_KEPT]
                )
        links = [
            _link(
                _("%(horizon)s日内将超过%(threshold)s个月的案件")
                % {"horizon": OUTLOOK_HORIZON, "threshold": threshold},
                unit_url(
                    "supervision:long_pending",
                    unit=key,
                    outlook=f"{threshold}_{OUTLOOK_HORIZON}",
                ),
            )
            for threshold, count in soon.items()
            if count
        ]
        items.append(
            _item(
                AgendaKind.OUTLOOK,
                key,
                _("%(unit)s 长期未结动向：%(count)s 件案件%(horizon)s日内将跨过未结期限")
                % {"unit": title, "count": sum(soon.values()), "horizon": OUTLOOK_HORIZON},
                "",
                unit_title=title,
                evidence=evidence,
                links=links,
                case_ids=case_ids,
                facts={"day": day.isoformat(), "counts": {str(t): c for t, c in soon.items()}},
            )
        )
    return items


def agenda_build(
    *, user, unit: ScopeKey, month: datetime.date, today: datetime.date | None = None
) -> Agenda:
    """The agenda Courtdash proposes for `unit` (a city, court or division in the user's
    reach: the caller checks) and `month` (its first day)."""
    if unit.scope not in MEETING_SCOPES:
        raise ValueError("a meeting is of a city, a court or a division")
    month = month.replace(day=1)
    end = month_end(month)
    day = min(today or current_day(), end + datetime.timedelta(days=1))
    info = unit_info(unit)
    agenda = Agenda(
        unit=unit,
        title=info.title if info is not None else "",
        month=month,
        as_of=latest_as_of(PERIOD, end),
        day=day,
    )
    indicators = _indicator_items(unit, agenda.as_of)
    listed = {item["key"]: item for item in indicators}
    agenda.items = [
        *indicators,
        *_abnormality_items(unit, month, listed),
        *_range_items(unit, agenda.as_of),
        *_finding_items(unit, month),
        *_target_items(unit, month, day),
        *_outlook_items(user, unit, day),
    ]
    return agenda


# --- meetings, decisions and actions a user sees ------------------------------------------


def visible_meetings(user) -> QuerySet:
    return Meeting.objects.in_scope(user).select_related("court", "division", "created_by")


def visible_actions(user) -> QuerySet:
    """The actions a user owns, wherever they are; for those who may read the meetings, also
    the actions in their reach."""
    if not getattr(user, "is_authenticated", False):
        return MeetingAction.objects.none()
    wanted = Q(owner_id=user.pk)
    if may(user, Action.MEETING_READ):
        wanted |= Q(pk__in=MeetingAction.objects.in_scope(user).values("pk"))
    return (
        MeetingAction.objects.filter(wanted)
        .select_related("meeting", "decision", "owner", "court", "division", "closed_by")
        .order_by("due_on", "pk")
    )


def meeting_actions(meeting: Meeting) -> QuerySet:
    return meeting.actions.select_related("owner", "decision", "closed_by").order_by("pk")


def month_summary(*, unit: ScopeKey, month: datetime.date) -> dict:
    """The meetings of a unit (and below) held in a month, and the state of their actions (the
    monthly review's section)."""
    meetings = list(
        Meeting.objects.within(unit)
        .filter(held_on__range=(month, month_end(month)))
        .order_by("held_on", "pk")
    )
    actions = MeetingAction.objects.filter(meeting__in=meetings)
    end = month_end(month)
    states = {state: actions.filter(state=state).count() for state in MeetingActionState.values}
    overdue = actions.filter(state=MeetingActionState.OPEN, due_on__lt=end).count()
    return {
        "meetings": [
            {
                "title": meeting.title,
                "held_on": meeting.held_on.isoformat(),
                "month": f"{meeting.month:%Y-%m}",
                "items": len(meeting.agenda),
                "decisions": meeting.decisions.count(),
            }
            for meeting in meetings
        ],
        "actions": sum(states.values()),
        "open": states[MeetingActionState.OPEN],
        "done": states[MeetingActionState.DONE],
        "closed": states[MeetingActionState.CLOSED],
        "overdue": overdue,
    }


def owner_choices(user) -> QuerySet:
    """The people a meeting's action may be given to: the active users in the organiser's
    reach."""
    return (
        User.objects.filter(people_q(user), is_active=True)
        .select_related("court", "division", "judge")
        .order_by("court__code", "division__name", "username")
    )
