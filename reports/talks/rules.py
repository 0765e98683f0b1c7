"""Whom leadership should talk to, and why: the suggestion rules (约谈提示规则).

Each rule is a kind with parameters (DEFAULTS), which the city's office may change or switch off
on the settings page (TalkRuleSetting rows: the latest of a kind holds). A rule reads what
Courtdash already stores, never the raw cases:

- below_warning: a court, division or judge whose stored YTD value of one indicator has been
  beyond its warning line (metrics' targets in force, TargetBook) at each of the last `weeks`
  weekly days (the latest computation and every 7 days before it), on a denominator of at
  least `min_denominator`;
- repeated_findings: a unit the health check found with the same problem in each of its last
  `runs` finished checks;
- unanswered_letters: a judge (notices to them) or a division (notices to it, inquiries) with
  at least `min_letters` letters still unanswered `days` or more after their deadline;
- long_pending_above_peers: a unit whose long-pending share (超12个月未结案件比) is at least
  `ratio` times the median of its peers (same level, same parent) and `excess` points above it,
  with at least `min_pending` cases pending.

`suggestions(unit=…)` gives one Suggestion per unit inside `unit` with every reason that fired
and the evidence behind each (values and their case lists, findings, letters), nothing for a
clean city. Scope: the caller passes a unit the user reaches and filters with `reaches`.
"""

from __future__ import annotations

import datetime
import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _

from cases.choices import Scope
from cases.dates import today
from cases.runs import RunStatus
from cases.units import ScopeKey, unit_url
from metrics.choices import PeriodKind
from metrics.definitions.indicators import INDICATORS
from metrics.models import IndicatorValue
from metrics.reading.dashboard.common import TargetBook
from metrics.selectors import latest_as_of
from metrics.templatetags.metrics_display import indicator_value
from reports.findings import finding_text
from reports.models import Finding, HealthCheckRun, TalkRuleSetting
from reports.talks.choices import TalkRuleKind
from supervision.models import Inquiry, Notice

YTD = PeriodKind.YTD.value
UNIT_SCOPES = (Scope.COURT, Scope.DIVISION, Scope.JUDGE)
LONG_PENDING = "long_pending_share"
Kind = TalkRuleKind

DEFAULTS: dict[str, dict] = {
    Kind.BELOW_WARNING: {"weeks": 3, "min_denominator": 10},
    Kind.REPEATED_FINDINGS: {"runs": 3},
    Kind.UNANSWERED_LETTERS: {"days": 7, "min_letters": 1},
    Kind.LONG_PENDING_ABOVE_PEERS: {"ratio": 2.0, "excess": 3.0, "min_pending": 20},
}


def rules() -> dict[str, dict]:
    """{kind: {"enabled": bool, "params": {...}}} in force: the latest setting of each kind
    over its defaults."""
    held = {kind: {"enabled": True, "params": dict(params)} for kind, params in DEFAULTS.items()}
    latest = (  # one row per kind, as the health check reads its rules (reports.healthcheck)
        TalkRuleSetting.objects.order_by("kind", "-changed_at", "-id")
        .distinct("kind")
        .values_list("kind", "enabled", "params")
    )
    for kind, enabled, stored in latest:
        if kind not in held:
            continue
        params = {name: stored[name] for name in DEFAULTS[kind] if name in stored}
        held[kind] = {"enabled": enabled, "params": {**DEFAULTS[kind], **params}}
    return held


@dataclass
class Suggestion:
    """One unit leadership should talk to, with every reason that fired."""

    unit: ScopeKey
    title: str = ""
    reasons: list[dict] = field(default_factory=list)

    @property
    def params(self) -> dict:
        """The unit as query parameters (the new-talk form is prefilled from them)."""
        ids = {"court": self.unit.court_id, "division": self.unit.division_id}
        ids["judge"] = self.unit.judge_id
        return {name: value for name, value in ids.items() if value is not None}

    @property
    def kinds(self) -> list[str]:
        return [reason["kind"] for reason in self.reasons]

    @property
    def slugs(self) -> list[str]:
        return sorted({reason["indicator"] for reason in self.reasons if reason.get("indicator")})

    @property
    def case_ids(self) -> list[int]:
        return sorted({pk for reason in self.reasons for pk in reason.get("case_ids", ())})

    def problems_text(self) -> str:
        return "\n".join(f"{reason['label']}：{reason['text']}" for reason in self.reasons)

    def as_dict(self) -> dict:
        """What a talk keeps of the suggestion it answers (as shown then)."""
        return {
            "unit": {"scope": self.unit.scope.value, **self.params},
            "title": self.title,
            "reasons": [
                {key: value for key, value in reason.items() if key != "case_ids"}
                for reason in self.reasons
            ],
        }


def _key(scope, court_id, division_id, judge_id) -> ScopeKey:
    return ScopeKey(scope, court_id, division_id, judge_id)


def _row_key(row: dict) -> ScopeKey:
    return _key(row["scope"], row["court_id"], row["division_id"], row["judge_id"])


def _reason(kind: str, text: str, evidence: list[dict], **extra) -> dict:
    return {
        "kind": kind,
        "label": str(Kind(kind).label),
        "text": text,
        "evidence": evidence,
        **extra,
    }


# --- the rules ----------------------------------------------------------------------------------


def _beyond_warning(target, value: float) -> bool:
    low, high = target.zero
    if target.thresholds is None:
        return False
    return (low is not None and value <= low) or (high is not None and value >= high)


def below_warning(unit: ScopeKey, params: dict, day: datetime.date) -> list[tuple]:
    as_of = latest_as_of(YTD)
    if as_of is None:
        return []
    weeks = max(int(params["weeks"]), 1)
    days = [as_of - datetime.timedelta(days=7 * week) for week in range(weeks)]
    book = TargetBook()
    with_lines = [slug for slug in INDICATORS if book.weight(INDICATORS[slug]) is not None]
    rows = (
        IndicatorValue.objects.filter(
            unit.cases_q(),
            period=YTD,
            as_of__in=days,
            scope__in=UNIT_SCOPES,
            value__isnull=False,
            denominator__gte=params["min_denominator"],
            indicator__in=with_lines,  # an indicator without a warning line is never beyond it
        )
        .values("scope", "court_id", "division_id", "judge_id", "indicator", "as_of", "value")
        .order_by()
    )
    beyond: dict[tuple, dict] = defaultdict(dict)
    for row in rows:
        indicator = INDICATORS.get(row["indicator"])
        if indicator is None:
            continue
        if _beyond_warning(book.get(indicator, YTD, row["as_of"]), row["value"]):
            beyond[_row_key(row), row["indicator"]][row["as_of"]] = row["value"]
    fired = []
    for (key, slug), values in beyond.items():
        if len(values) < weeks:
            continue
        indicator = INDICATORS[slug]
        warning = book.get(indicator, YTD, as_of).warning
        evidence = [
            {
                "label": _("%(day)s 年初至今") % {"day": week.isoformat()},
                "value": indicator_value(values[week], indicator),
                "url": unit_url(
                    "metrics:drill", args=[slug], unit=key, period=YTD, as_of=week.isoformat()
                ),
            }
            for week in days
        ]
        evidence.append(
            {
                "label": _("查看案件"),
                "value": str(indicator.label),
                "url": unit_url(
                    "metrics:cases",
                    args=[slug],
                    unit=key,
                    period=YTD,
                    as_of=as_of.isoformat(),
                    part="numerator",
                ),
            }
        )
        text = _(
            "%(label)s连续 %(weeks)s 周未达预警线（预警线 %(warning)s，最近一周 %(value)s）"
        ) % {
            "label": indicator.label,
            "weeks": weeks,
            "warning": indicator_value(warning, indicator),
            "value": indicator_value(values[as_of], indicator),
        }
        fired.append((key, _reason(Kind.BELOW_WARNING, text, evidence, indicator=slug)))
    return fired


def repeated_findings(unit: ScopeKey, params: dict, day: datetime.date) -> list[tuple]:
    runs = max(int(params["runs"]), 1)
    latest = list(
        HealthCheckRun.objects.filter(status=RunStatus.DONE)
        .order_by("-as_of")
        .values_list("pk", flat=True)[:runs]
    )
    if len(latest) < runs:
        return []
    found: dict[tuple, list[Finding]] = defaultdict(list)
    findings = (
        Finding.objects.filter(unit.cases_q(), run_id__in=latest)
        .select_related("run")
        .order_by("-run__as_of")
    )
    for finding in findings:
        found[ScopeKey.of_row(finding), finding.kind, finding.subject].append(finding)
    fired = []
    for (key, _kind, _subject), rows in found.items():
        if len({row.run_id for row in rows}) < runs:
            continue
        newest = rows[0]
        evidence = [
            {
                "label": _("%(day)s 体检") % {"day": row.run.as_of.isoformat()},
                "value": _("%(count)s 件") % {"count": row.case_count},
                "url": reverse("reports:finding", args=[row.pk]),
            }
            for row in rows
        ]
        text = _("最近 %(runs)s 次体检均发现“%(kind)s”：%(text)s") % {
            "runs": runs,
            "kind": newest.get_kind_display(),
            "text": finding_text(
                kind=newest.kind,
                value=newest.value,
                reference=newest.reference,
                facts=newest.facts,
            ),
        }
        case_ids = list(newest.links.values_list("case_id", flat=True)[:200])
        fired.append((key, _reason(Kind.REPEATED_FINDINGS, text, evidence, case_ids=case_ids)))
    return fired


def unanswered_letters(unit: ScopeKey, params: dict, day: datetime.date) -> list[tuple]:
    cutoff = day - datetime.timedelta(days=int(params["days"]))
    letters: dict[ScopeKey, list] = defaultdict(list)
    for model in (Notice, Inquiry):
        if model is Inquiry and unit.judge_id is not None:
            continue  # an inquiry is addressed to a division, never to a judge
        rows = (
            model.objects.awaiting_answer()
            .filter(unit.cases_q(), deadline__lte=cutoff)
            .order_by("deadline", "pk")
        )
        for letter in rows:
            judge_id = getattr(letter, "judge_id", None)
            letters[
                ScopeKey.of(court=letter.court_id, division=letter.division_id, judge=judge_id)
            ].append(letter)
    fired = []
    for key, rows in letters.items():
        if len(rows) < int(params["min_letters"]):
            continue
        evidence = [
            {
                "label": letter._meta.verbose_name,
                "value": _("%(title)s（答复期限 %(deadline)s，逾期 %(late)s 天）")
                % {
                    "title": letter.title,
                    "deadline": letter.deadline.isoformat(),
                    "late": (day - letter.deadline).days,
                },
                "url": reverse(f"supervision:{letter._meta.model_name}", args=[letter.pk]),
            }
            for letter in rows
        ]
        text = _("%(count)s 件督办通知、函询超过答复期限 %(days)s 天以上仍未答复") % {
            "count": len(rows),
            "days": params["days"],
        }
        fired.append((key, _reason(Kind.UNANSWERED_LETTERS, text, evidence)))
    return fired


def long_pending_above_peers(unit: ScopeKey, params: dict, day: datetime.date) -> list[tuple]:
    as_of = latest_as_of(YTD)
    if as_of is None:
        return []
    rows = list(
        IndicatorValue.objects.filter(
            period=YTD, as_of=as_of, indicator=LONG_PENDING, scope__in=UNIT_SCOPES
        )
        .filter(unit.cases_q() if unit.scope is Scope.CITY else _peers_of(unit))
        .values("scope", "court_id", "division_id", "judge_id", "value", "denominator")
        .order_by()
    )
    groups: dict[tuple, list[dict]] = defaultdict(list)
    for row in rows:
        parent = {
            Scope.COURT: (),
            Scope.DIVISION: (row["court_id"],),
            Scope.JUDGE: (row["court_id"], row["division_id"]),
        }[Scope(row["scope"])]
        groups[row["scope"], parent].append(row)
    indicator = INDICATORS[LONG_PENDING]
    fired = []
    for peers in groups.values():
        for row in peers:
            key = _row_key(row)
            if not unit.contains(key) or row["value"] is None:
                continue
            if row["denominator"] < params["min_pending"]:
                continue
            others = [
                peer["value"] for peer in peers if peer is not row and peer["value"] is not None
            ]
            if not others:
                continue
            median = statistics.median(others)
            value = row["value"]
            if value < params["ratio"] * median or value - median < params["excess"]:
                continue
            evidence = [
                {
                    "label": _("本单位 %(day)s") % {"day": as_of.isoformat()},
                    "value": indicator_value(value, indicator),
                    "url": unit_url(
                        "metrics:cases",
                        args=[LONG_PENDING],
                        unit=key,
                        period=YTD,
                        as_of=as_of.isoformat(),
                        part="numerator",
                    ),
                },
                {
                    "label": _("同级 %(count)s 个单位的中位数") % {"count": len(others)},
                    "value": indicator_value(median, indicator),
                    "url": unit_url(
                        "metrics:drill",
                        args=[LONG_PENDING],
                        unit=_parent(key),
                        period=YTD,
                        as_of=as_of.isoformat(),
                    ),
                },
            ]
            text = _("长期未结案件占比 %(value)s，是同级中位数 %(median)s 的 %(ratio)s 倍") % {
                "value": indicator_value(value, indicator),
                "median": indicator_value(median, indicator),
                "ratio": f"{value / median:.1f}" if median else "∞",
            }
            fired.append(
                (
                    key,
                    _reason(Kind.LONG_PENDING_ABOVE_PEERS, text, evidence, indicator=LONG_PENDING),
                )
            )
    return fired


def _parent(key: ScopeKey) -> ScopeKey:
    if key.scope is Scope.JUDGE:
        return ScopeKey(Scope.DIVISION, key.court_id, key.division_id)
    if key.scope is Scope.DIVISION:
        return ScopeKey(Scope.COURT, key.court_id)
    return ScopeKey.city()


def _peers_of(unit: ScopeKey) -> Q:
    """The stored rows a unit's own subtree is compared against: its peers and theirs (below a
    court: the whole city, for the courts' peers; the court, for its divisions' …)."""
    parent = _parent(unit) if unit.scope is not Scope.CITY else unit
    return parent.cases_q()


RULES = {
    Kind.BELOW_WARNING: below_warning,
    Kind.REPEATED_FINDINGS: repeated_findings,
    Kind.UNANSWERED_LETTERS: unanswered_letters,
    Kind.LONG_PENDING_ABOVE_PEERS: long_pending_above_peers,
}


def unit_titles(keys) -> dict[ScopeKey, str]:
    """ "苏州市虎丘区人民法院 民一庭 王磊" for each unit (three queries)."""
    Court, Division, Judge = (
        apps.get_model("cases", name) for name in ("Court", "Division", "Judge")
    )
    keys = list(keys)
    courts = Court.objects.in_bulk({key.court_id for key in keys if key.court_id})
    divisions = Division.objects.in_bulk({key.division_id for key in keys if key.division_id})
    judges = Judge.objects.in_bulk({key.judge_id for key in keys if key.judge_id})
    titles = {}
    for key in keys:
        parts = [courts.get(key.court_id), divisions.get(key.division_id), judges.get(key.judge_id)]
        titles[key] = " ".join(part.name for part in parts if part is not None)
    return titles


def suggestions(
    *, unit: ScopeKey | None = None, day: datetime.date | None = None, kinds=None
) -> list[Suggestion]:
    """Every unit inside `unit` (default: the city) that an enabled rule fires for, courts
    first, then divisions, then judges, each by its ids; with every reason and its evidence."""
    unit = unit or ScopeKey.city()
    day = day or today()
    by_unit: dict[ScopeKey, Suggestion] = {}
    for kind, rule in rules().items():
        if not rule["enabled"] or (kinds and kind not in kinds):
            continue
        for key, reason in RULES[kind](unit, rule["params"], day):
            if not unit.contains(key) or key.scope is Scope.CITY:
                continue
            by_unit.setdefault(key, Suggestion(unit=key)).reasons.append(reason)
    titles = unit_titles(by_unit)
    order = {Scope.COURT: 0, Scope.DIVISION: 1, Scope.JUDGE: 2}
    found = sorted(
        by_unit.values(),
        key=lambda s: (
            order[s.unit.scope],
            s.unit.court_id,
            s.unit.division_id or 0,
            s.unit.judge_id or 0,
        ),
    )
    for suggestion in found:
        suggestion.title = titles[suggestion.unit]
    return found


def suggestion_for(unit: ScopeKey, *, day: datetime.date | None = None) -> Suggestion | None:
    """The suggestion about exactly this unit, if any (to prefill a talk)."""
    for suggestion in suggestions(unit=unit, day=day):
        if suggestion.unit == unit:
            return suggestion
    return None
