"""跟踪问效 (did it work?): a tracked action and its checks at 30, 60 and 90 days.

An `EffectTrack` is written when an action is taken (a notice, an inquiry, a talk, a clearance
campaign, a quality review, a meeting action): the unit it targets, the indicators and cases it
is about, and the indicator values at the time — the unit's own and its peers' (the units of the
same level under the same parent). An `EffectCheck` is written once per day-mark: the unit's
value then and now, the peers' average change (only the peers not targeted by an action of the
same kind in the window) and the difference between the two (difference-in-differences), and
the states of the targeted cases on that day.

The values are the stored `metrics.IndicatorValue` rows of the YTD period (年初至今): it is the
figure every unit is judged on and is stored every night for every unit and level; no rolling
period is stored, and the MTD and QTD values restart within the 90 days. A YTD value restarts
on 1 January too, for the unit and its peers alike — which is one reason the change is read
against the peers' change rather than alone.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.choices import Scope
from cases.units import ScopeKey, UnitPaths, UnitScopedModel
from supervision.choices import EffectSource

MARKS = (30, 60, 90)


def unit_key(unit: ScopeKey) -> str:
    """A unit as a JSON key: "court/division/judge" ids, empty below its level."""
    return "/".join(
        "" if x is None else str(x) for x in (unit.court_id, unit.division_id, unit.judge_id)
    )


def key_unit(key: str) -> ScopeKey:
    ids = [int(x) if x else None for x in key.split("/")]
    return ScopeKey.of(court=ids[0], division=ids[1], judge=ids[2])


def _unit(model_name: str, verbose_name):
    return models.ForeignKey(
        f"cases.{model_name}",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )


class EffectTrack(UnitScopedModel):
    """One action followed up: its unit (the court, division or judge it targets — the levels
    above filled, below null, as the stored indicator values), indicators and cases."""

    source = models.CharField(_("措施类型"), max_length=16, choices=EffectSource.choices)
    object_id = models.PositiveBigIntegerField(_("措施编号"))
    title = models.CharField(_("标题"), max_length=200)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    scope = models.CharField(_("层级"), max_length=8, choices=Scope.choices)
    court = _unit("Court", _("法院"))
    division = _unit("Division", _("部门"))
    judge = _unit("Judge", _("法官"))
    indicators = ArrayField(
        models.CharField(max_length=40), verbose_name=_("指标"), default=list, blank=True
    )
    # The targeted cases by id (frozen at the start; a case deleted later simply drops out).
    case_ids = ArrayField(
        models.BigIntegerField(), verbose_name=_("案件"), default=list, blank=True
    )
    started_on = models.DateField(_("开始日期"))
    # {slug: {"as_of": "YYYY-MM-DD", "value": float|None, "peers": {"<unit key>": float|None}}}
    # — the YTD values of the unit and of all its siblings at the last stored day on or before
    # started_on; filled at the first check if nothing was stored yet at the start.
    baseline = models.JSONField(_("开始时指标值"), default=dict, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    class Meta:
        ordering = ["-started_on", "-id"]
        verbose_name = _("跟踪问效")
        verbose_name_plural = _("跟踪问效")
        constraints = [
            models.UniqueConstraint(fields=["source", "object_id"], name="effect_track_unique")
        ]
        indexes = [models.Index(fields=["source", "started_on"], name="effect_track_source_idx")]

    def __str__(self) -> str:
        return self.title

    @property
    def unit(self) -> ScopeKey:
        return ScopeKey(self.scope, self.court_id, self.division_id, self.judge_id)


class EffectCheck(UnitScopedModel):
    """What had changed `mark` days after the start (once per track and mark, never again)."""

    track = models.ForeignKey(
        EffectTrack, verbose_name=_("跟踪问效"), on_delete=models.CASCADE, related_name="checks"
    )
    mark = models.PositiveSmallIntegerField(_("天数"))
    checked_on = models.DateField(_("检查日"))  # started_on + mark
    values_on = models.DateField(_("指标统计截止日"), null=True, blank=True)
    # {slug: {"then", "now", "change", "peers_then", "peers_now", "peers_change", "did",
    #         "peers": [unit keys], "directed": did in the good direction or None (band)}}
    results = models.JSONField(_("指标变化"), default=dict, blank=True)
    # The first indicator's difference-in-differences in its good direction (>0: better than
    # the peers); null when no indicator is tracked or no peer value exists.
    did = models.FloatField(_("相对同级变化"), null=True, blank=True)
    improved = models.BooleanField(_("是否改善"), null=True, blank=True)
    cases_total = models.PositiveIntegerField(_("案件数"), default=0)
    cases_closed = models.PositiveIntegerField(_("已结"), default=0)
    cases_overdue = models.PositiveIntegerField(_("仍超审限"), default=0)
    cases_long_pending = models.PositiveIntegerField(_("仍长期未结"), default=0)
    # {case_id: "closed" | "overdue" | "long_pending" | "pending"}
    case_states = models.JSONField(_("案件状态"), default=dict, blank=True)
    created_at = models.DateTimeField(_("记录时间"), default=timezone.now)

    # The check's unit is its track's.
    unit_paths = UnitPaths(
        court="track__court_id", division="track__division_id", judge="track__judge_id"
    )

    class Meta:
        ordering = ["track", "mark"]
        verbose_name = _("问效检查")
        verbose_name_plural = _("问效检查")
        constraints = [
            models.UniqueConstraint(fields=["track", "mark"], name="effect_check_unique")
        ]

    def __str__(self) -> str:
        return f"{self.track} +{self.mark}"
