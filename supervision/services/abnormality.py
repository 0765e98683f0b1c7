"""Abnormality detection (研判 → 异常函询), and the office's decision on each draft it makes.

`abnormalities_detect(as_of=…)` runs after the nightly computation, the next step of the
nightly pipeline (courtdash.pipeline). For the year to date as of that day, every
court and division whose indicator value

- reaches its warning line — the line of metrics.IndicatorTarget where the value scores 0 (the
  dashboards' 未达预警线): at or below it for a higher-is-better indicator, at or above it for a
  lower-is-better one, outside either bound for a band indicator; by-month targets by the month
  of the day — or
- worsens against the same day a week before by more than its rule's `fall_threshold`
  (supervision.DetectionRule, data the office edits),

becomes an `Abnormality` with its evidence, attached to a draft inquiry (inquiry_create with no
actor, send=False) that the office reviews and sends (`abnormality_send`) or discards
(`abnormality_discard`).

Who a draft goes to. An inquiry goes to a division (DOMAIN.md: the office asks, the division's
analyst answers). A division's abnormality goes to that division. A court's abnormality goes to
the division of that court that pulls the court's value most — the one with the worst value of
that indicator on that day among the divisions judged (enough cases), or, for an indicator not
computed per division (案-件比), the one with the most cases in its numerator — and the office
may address it to another division of the court when sending. Drafts of one day, indicator and
division are one inquiry: a court's abnormality joins its worst division's own draft. Judges are
not asked (a division answers for its judges); the city as a whole has nobody to ask.

Idempotent: one Abnormality per day, period, unit and indicator (a unique constraint), looked
up before drafting, under a transaction-scoped advisory lock per day so that two runs at once
draft nothing twice. A discarded draft leaves its abnormalities (marked discarded), so a second
run does not draft it again.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cases.dates import today
from cases.models import Division, User
from cases.permissions import Action
from cases.units import ScopeKey
from metrics.choices import Direction, PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import Period
from metrics.definitions.registry import Indicator
from metrics.models import IndicatorValue
from metrics.selectors import indicator_cases, thresholds
from metrics.templatetags.metrics_display import change, indicator_value
from supervision.choices import LetterState, TraceKind
from supervision.models import Abnormality, DetectionRule, Inquiry
from supervision.services.letters import inquiry_create, inquiry_send
from supervision.services.trail import require_text, require_unit, supervision_service, trail_record

logger = logging.getLogger(__name__)

DETECTION_PERIOD = PeriodKind.YTD
DETECTION_SCOPES = (Scope.COURT, Scope.DIVISION)
# pg_advisory_xact_lock(DETECTION_LOCK, as_of.toordinal()) ("abno"): one detection per day.
DETECTION_LOCK = 0x61626E6F
WEEK = datetime.timedelta(days=7)
# A draft's answer deadline, in days from the day it is drafted (the office may change it).
ANSWER_DAYS = 10


@dataclass(frozen=True)
class WarningLine:
    """An indicator's warning line(s) and target band on a day (None: that side is open)."""

    low: float | None
    high: float | None
    target_low: float | None
    target_high: float | None

    def crossed(self, value: float) -> bool:
        return (self.low is not None and value <= self.low) or (
            self.high is not None and value >= self.high
        )


def warning_lines(*, as_of: datetime.date, period: str) -> dict[str, WarningLine]:
    """The warning lines in force for a period as of a day, by indicator (the scoring's own
    thresholds: the warning is where a value scores 0)."""
    lines = {}
    for row in thresholds():
        if row.period not in (None, period) or row.month not in (None, as_of.month):
            continue
        lines[row.indicator] = WarningLine(row.zero_low, row.zero_high, row.full_low, row.full_high)
    return lines


def badness(value: float, indicator: Indicator, line: WarningLine | None) -> float | None:
    """A value on a scale where more is worse, to measure a change for the worse: the value
    itself (lower is better), its negative (higher is better), or how far outside the target
    band it lies (a band; None without a band)."""
    if indicator.direction == Direction.HIGHER:
        return -value
    if indicator.direction == Direction.LOWER:
        return value
    if line is None or line.target_low is None or line.target_high is None:
        return None
    return max(0.0, line.target_low - value, value - line.target_high)


@dataclass
class DetectionRun:
    as_of: datetime.date
    found: int = 0  # new abnormalities
    drafted: int = 0  # new draft inquiries
    known: int = 0  # abnormalities found by an earlier run of the day
    repeated: int = 0  # new ones joining an earlier inquiry or decision of the same unit
    unaddressed: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(),
            "found": self.found,
            "drafted": self.drafted,
            "known": self.known,
            "repeated": self.repeated,
            "unaddressed": self.unaddressed,
        }


def _key(row) -> tuple:
    return (row.scope, row.court_id, row.division_id, row.indicator)


def _judge(row: IndicatorValue, rule: DetectionRule, line, before) -> Abnormality | None:
    """The abnormality a stored value shows, if any (not saved)."""
    if row.value is None or row.denominator < rule.min_denominator:
        return None
    indicator = INDICATORS[row.indicator]
    crossed = bool(rule.check_warning and line is not None and line.crossed(row.value))
    worsened_by = None
    if (
        before is not None
        and before.value is not None
        and before.denominator >= rule.min_denominator
    ):
        now, then = badness(row.value, indicator, line), badness(before.value, indicator, line)
        if now is not None and then is not None:
            worsened_by = now - then
    fell = bool(
        rule.fall_threshold is not None
        and worsened_by is not None
        and worsened_by > float(rule.fall_threshold)
    )
    if not (crossed or fell):
        return None
    return Abnormality(
        as_of=row.as_of,
        period=row.period,
        scope=row.scope,
        court=row.court,
        division=row.division,
        indicator=row.indicator,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        warning_low=line.low if line else None,
        warning_high=line.high if line else None,
        crossed_warning=crossed,
        last_week_as_of=before.as_of if before is not None else None,
        last_week_value=before.value if before is not None else None,
        worsened_by=worsened_by,
        fell_sharply=fell,
    )


def _worst_division(finding: Abnormality, divisions: list[IndicatorValue], line, rule):
    """The division that pulls a court's value most: the worst value among the court's
    divisions judged (enough cases; failing that, any with a value); else, for an indicator
    not computed per division, the one with the most cases in the numerator. None: no
    division to ask."""
    indicator = INDICATORS[finding.indicator]
    judged = [row for row in divisions if row.denominator >= rule.min_denominator] or divisions
    ranked = [
        (badness(row.value, indicator, line), row)
        for row in judged
        if badness(row.value, indicator, line) is not None
    ]
    if ranked:
        ranked.sort(key=lambda item: (-item[0], -item[1].denominator, item[1].division.name))
        return ranked[0][1].division, _("该部门此项指标在本院各部门中最不理想")
    period = Period.of(finding.period, finding.as_of)
    busiest = (
        indicator_cases(indicator, period, ScopeKey.of(court=finding.court_id))
        .values("division_id")
        .annotate(cases=Count("id"))
        .order_by("-cases", "division_id")
        .first()
    )
    if busiest is None:
        return None, ""
    division = Division.objects.get(pk=busiest["division_id"])
    return division, _("该部门计入此项指标的案件最多")


def _unit_name(finding: Abnormality) -> str:
    if finding.division is not None:
        return f"{finding.court.name}{finding.division.name}"
    return finding.court.name


def _shown(value, indicator: Indicator) -> str:
    return indicator_value(value, indicator)


def _evidence(finding: Abnormality) -> str:
    """One paragraph of a draft's body: the value, the line it reached, last week's value."""
    indicator = INDICATORS[finding.indicator]
    parts = [
        _("%(unit)s%(period)s（截至%(as_of)s）%(indicator)s为%(value)s")
        % {
            "unit": _unit_name(finding),
            "period": PeriodKind(finding.period).label,
            "as_of": finding.as_of.isoformat(),
            "indicator": indicator.label,
            "value": _shown(finding.value, indicator),
        }
    ]
    if finding.crossed_warning:
        parts.append(_("已触及预警线（%(warning)s）") % {"warning": warning_text(finding)})
    if finding.fell_sharply:
        parts.append(
            _("较上周（%(day)s，%(before)s）明显变差")
            % {
                "day": finding.last_week_as_of.isoformat(),
                "before": _shown(finding.last_week_value, indicator),
            }
        )
    if finding.recipient_note:
        parts.append(finding.recipient_note)
    return "，".join(parts) + "。"


def warning_text(finding: Abnormality) -> str:
    """The warning line(s) of a finding: "90.00%", or "低于 25.00% 或高于 75.00%"."""
    indicator = INDICATORS[finding.indicator]
    low, high = finding.warning_low, finding.warning_high
    if low is not None and high is not None:
        return _("低于 %(low)s 或高于 %(high)s") % {
            "low": _shown(low, indicator),
            "high": _shown(high, indicator),
        }
    if low is None and high is None:
        return "—"
    return _shown(low if low is not None else high, indicator)


def worsened_text(finding: Abnormality) -> str:
    """The change for the worse against last week, signed as the value moved."""
    indicator = INDICATORS[finding.indicator]
    if finding.last_week_value is None:
        return "—"
    return change(finding.value - finding.last_week_value, indicator)


def drill_url(finding: Abnormality) -> str:
    """The metrics drill-down of the unit's indicator on that day ('' without the pages)."""
    try:
        url = reverse("metrics:drill", args=[finding.indicator])
    except NoReverseMatch:
        return ""
    query = {"court": finding.court_id, "period": finding.period, "as_of": finding.as_of}
    if finding.division_id is not None:
        query["division"] = finding.division_id
    return f"{url}?{urlencode(query)}"


def _closing(deadline: datetime.date) -> str:
    return _("请分析原因，提出整改措施，并于%(deadline)s前答复。") % {
        "deadline": deadline.isoformat()
    }


def _reference(finding: Abnormality) -> str:
    parts = []
    if finding.crossed_warning:
        parts.append(_("预警线 %(warning)s") % {"warning": warning_text(finding)})
    if finding.fell_sharply:
        indicator = INDICATORS[finding.indicator]
        parts.append(_("上周 %(before)s") % {"before": _shown(finding.last_week_value, indicator)})
    return "；".join(parts)[:100]


def _draft(finding: Abnormality, division: Division) -> Inquiry:
    """A new draft inquiry to `division` about a finding (its body is written by _rewrite)."""
    indicator = INDICATORS[finding.indicator]
    return inquiry_create(
        division=division,
        indicator_slug=finding.indicator,
        indicator_label=str(indicator.label),
        period=str(PeriodKind(finding.period).label),
        as_of=finding.as_of,
        value=finding.value,
        reference=_reference(finding),
        title=_("关于%(unit)s“%(indicator)s”的异常函询")
        % {"unit": _unit_name(finding), "indicator": indicator.label},
        body=_evidence(finding),
        deadline=today() + datetime.timedelta(days=ANSWER_DAYS),
        actor=None,
        send=False,
    )


def _rewrite(draft: Inquiry) -> None:
    """Bring a draft up to date with its findings: the latest of each unit (the division's
    own first, then its court's), the value and day of the latest, a fresh deadline."""
    latest: dict[tuple, Abnormality] = {}
    for finding in draft.abnormalities.select_related("court", "division").order_by("as_of"):
        latest[(finding.scope, finding.court_id, finding.division_id)] = finding
    findings = sorted(latest.values(), key=lambda f: f.scope != Scope.DIVISION)
    lead = findings[0]
    deadline = max(draft.deadline, today() + datetime.timedelta(days=ANSWER_DAYS))
    draft.as_of = lead.as_of
    draft.value = Decimal(str(lead.value))
    draft.reference = _reference(lead)
    draft.deadline = deadline
    draft.body = "\n".join([*(_evidence(finding) for finding in findings), _closing(deadline)])
    draft.save(update_fields=["as_of", "value", "reference", "deadline", "body"])


def _handled_before(finding: Abnormality, rule: DetectionRule) -> Abnormality | None:
    """The latest earlier finding of the same unit and indicator, within the rule's
    repeat_days, that went into an inquiry (drafted or sent) or was decided against."""
    return (
        Abnormality.objects.filter(
            period=finding.period,
            scope=finding.scope,
            court_id=finding.court_id,
            division_id=finding.division_id,
            indicator=finding.indicator,
            as_of__lt=finding.as_of,
            as_of__gte=finding.as_of - datetime.timedelta(days=rule.repeat_days),
        )
        .filter(Q(inquiry__isnull=False) | Q(discarded_at__isnull=False))
        .select_related("inquiry")
        .order_by("-as_of", "-id")
        .first()
    )


def _place(finding: Abnormality, run: DetectionRun, rule, lines, divisions) -> None:
    """Save a new finding where it belongs: with the inquiry (or the decision not to ask) of
    the same unit and indicator within repeat_days; else in the day's draft to its division,
    new or shared with the court's abnormality."""
    earlier = _handled_before(finding, rule)
    if earlier is not None and earlier.inquiry_id is not None:
        finding.inquiry = earlier.inquiry
        finding.recipient_note = earlier.recipient_note
        finding.save()
        if earlier.inquiry.state == LetterState.DRAFT:
            _rewrite(earlier.inquiry)
        run.found += 1
        run.repeated += 1
        return
    if earlier is not None:
        finding.discarded_at = timezone.now()
        finding.discard_reason = _("同一单位、同一指标已于%(day)s决定不予函询：%(reason)s") % {
            "day": earlier.as_of.isoformat(),
            "reason": earlier.discard_reason,
        }
        finding.save()
        run.found += 1
        run.repeated += 1
        return
    if finding.scope == Scope.DIVISION:
        recipient = finding.division
    else:
        recipient, why = _worst_division(
            finding,
            divisions.get((finding.court_id, finding.indicator), []),
            lines.get(finding.indicator),
            rule,
        )
        if recipient is None:
            run.unaddressed.append(f"{finding.court.code} {finding.indicator}")
            logger.warning("abnormality without a division to ask: %s", finding)
            return
        finding.recipient_note = _("函询%(division)s：%(why)s") % {
            "division": recipient.name,
            "why": why,
        }
    draft = Inquiry.objects.filter(
        state=LetterState.DRAFT,
        division=recipient,
        indicator_slug=finding.indicator,
        abnormalities__as_of=finding.as_of,
        abnormalities__period=finding.period,
    ).first()
    if draft is None:
        draft = _draft(finding, recipient)
        run.drafted += 1
    finding.inquiry = draft
    finding.save()
    _rewrite(draft)
    run.found += 1


def abnormalities_detect(*, as_of: datetime.date) -> DetectionRun:
    """Find the day's abnormal values of courts and divisions and draft their inquiries (see
    the module docstring); safe to run again for the same day."""
    period = DETECTION_PERIOD.value
    run = DetectionRun(as_of=as_of)
    with translation.override(settings.LANGUAGE_CODE), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(%s, %s)", [DETECTION_LOCK, as_of.toordinal()]
            )
        rules = {
            rule.indicator: rule
            for rule in DetectionRule.objects.filter(enabled=True)
            if rule.indicator in INDICATORS
        }
        rows = list(
            IndicatorValue.objects.filter(
                as_of=as_of,
                period=period,
                scope__in=DETECTION_SCOPES,
                indicator__in=list(rules),
                value__isnull=False,
            ).select_related("court", "division")
        )
        before: dict[tuple, IndicatorValue] = {}
        last_week = as_of - WEEK
        # A year to date a week ago in another year is no comparison.
        if Period.of(period, last_week).start == Period.of(period, as_of).start:
            before = {
                _key(row): row
                for row in IndicatorValue.objects.filter(
                    as_of=last_week,
                    period=period,
                    scope__in=DETECTION_SCOPES,
                    indicator__in=list(rules),
                )
            }
        lines = warning_lines(as_of=as_of, period=period)
        known = set(
            Abnormality.objects.filter(as_of=as_of, period=period).values_list(
                "scope", "court_id", "division_id", "indicator"
            )
        )
        divisions: dict[tuple, list[IndicatorValue]] = {}
        findings = []
        for row in rows:
            if row.scope == Scope.DIVISION:
                divisions.setdefault((row.court_id, row.indicator), []).append(row)
            if _key(row) in known:
                run.known += 1
                continue
            finding = _judge(
                row, rules[row.indicator], lines.get(row.indicator), before.get(_key(row))
            )
            if finding is not None:
                findings.append(finding)
        # Divisions first, so that a court's abnormality joins its worst division's draft.
        order = {slug: index for index, slug in enumerate(INDICATORS)}
        findings.sort(
            key=lambda f: (
                f.scope != Scope.DIVISION,
                f.court.code,
                f.division.name if f.division else "",
                order[f.indicator],
            )
        )
        for finding in findings:
            _place(finding, run, rules[finding.indicator], lines, divisions)
    logger.info("abnormality detection %s: %s", as_of, run.as_dict())
    return run


def _drafts_of(inquiry: Inquiry) -> Inquiry:
    """The draft, locked; refused unless it is a draft of the detection."""
    inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
    if inquiry.state != LetterState.DRAFT or not inquiry.abnormalities.exists():
        raise ValidationError(_("该函询不是待审核的研判草稿"))
    return inquiry


@supervision_service
def abnormality_send(
    *,
    inquiry: Inquiry,
    actor: User,
    deadline: datetime.date | None = None,
    division: Division | None = None,
) -> Inquiry:
    """The office sends a draft of the detection, optionally to another division of the same
    court (a court's abnormality) and with another deadline."""
    require_unit(
        actor,
        Action.LETTER_ISSUE,
        court_id=inquiry.court_id,
        division_id=inquiry.division_id,
        detail={"inquiry_id": inquiry.pk},
    )
    inquiry = _drafts_of(inquiry)
    if division is not None and division.pk != inquiry.division_id:
        if division.court_id != inquiry.court_id:
            raise ValidationError(_("只能改为本院的其他部门"))
        require_unit(
            actor,
            Action.LETTER_ISSUE,
            court_id=division.court_id,
            division_id=division.pk,
            detail={"inquiry_id": inquiry.pk, "division": division.pk},
        )
        inquiry.division = division
        inquiry.save(update_fields=["division"])
    return inquiry_send(inquiry=inquiry, actor=actor, deadline=deadline)


@supervision_service
def abnormality_discard(*, inquiry: Inquiry, reason: str, actor: User) -> None:
    """The office decides a draft needs no inquiry: the draft goes, its abnormalities stay,
    marked discarded with why (so the detection does not draft them again), and the decision
    is on the trail."""
    require_unit(
        actor,
        Action.LETTER_ISSUE,
        court_id=inquiry.court_id,
        division_id=inquiry.division_id,
        detail={"inquiry_id": inquiry.pk},
    )
    reason = require_text(reason, _("请填写不予函询的理由"))
    inquiry = _drafts_of(inquiry)
    findings = list(inquiry.abnormalities.all())
    Abnormality.objects.filter(pk__in=[finding.pk for finding in findings]).update(
        discarded_by=actor, discarded_at=timezone.now(), discard_reason=reason, inquiry=None
    )
    trail_record(
        kind=TraceKind.INQUIRY_DISCARDED,
        actor=actor,
        court_id=inquiry.court_id,
        note=reason,
        detail={
            "title": inquiry.title,
            "division": inquiry.division_id,
            "indicator": inquiry.indicator_slug,
            "as_of": inquiry.as_of.isoformat(),
            "abnormalities": [finding.pk for finding in findings],
        },
    )
    inquiry.delete()
