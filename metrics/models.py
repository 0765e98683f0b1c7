"""Stored indicator results, scores and rankings; targets and their change history."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from cases.choices import CourtLevel
from cases.models import AppendOnlyModel
from cases.runs import RunStatus
from cases.units import UnitScopedModel
from metrics.choices import Direction, IndicatorSet, PeriodKind, Scope
from metrics.definitions.indicators import INDICATORS, LOCAL_INDICATORS, SPC2024_INDICATORS


class ScopedRow(UnitScopedModel):
    """One (as_of, period, scope unit): the codes of the levels above filled, below null."""

    as_of = models.DateField(_("统计截止日"))
    period = models.CharField(_("统计期间"), max_length=3, choices=PeriodKind.choices)
    scope = models.CharField(_("层级"), max_length=8, choices=Scope.choices)
    # No single-column indexes: the unit index below leads with court, division, judge, and
    # every index costs the nightly insert; deleting a division or judge is rare. No database
    # foreign-key constraints either (db_constraint=False): the engine copies these ids from
    # cases_case, whose own constraints hold them, in one statement; checking ~60,000
    # references again at each nightly commit cost a fifth of the run (measured at 1,000,000
    # cases). Django still cascades a deleted court, division or judge to these rows.
    court = models.ForeignKey(
        "cases.Court",
        verbose_name=_("法院"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    division = models.ForeignKey(
        "cases.Division",
        verbose_name=_("部门"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    judge = models.ForeignKey(
        "cases.Judge",
        verbose_name=_("法官"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )

    class Meta:
        abstract = True


SCOPE_SHAPE = (
    Q(scope=Scope.CITY, court__isnull=True, division__isnull=True, judge__isnull=True)
    | Q(scope=Scope.COURT, court__isnull=False, division__isnull=True, judge__isnull=True)
    | Q(scope=Scope.DIVISION, court__isnull=False, division__isnull=False, judge__isnull=True)
    | Q(scope=Scope.JUDGE, court__isnull=False, division__isnull=False, judge__isnull=False)
)


class IndicatorValue(ScopedRow):
    """One indicator for one scope unit and period, as of a day: kept exact (numerator and
    denominator), with its value (null for a zero denominator) and score (null when left out).

    An indicator of several sets is stored once; `version` is the version of its definition
    (Indicator.version) that computed the row, so a past day reads as it was computed.
    `no_data`: the unit's source system does not record what the indicator needs (its
    Indicator.coverage) — the value is null, and it is "no data", not "—" and not 0."""

    indicator = models.CharField(_("指标"), max_length=40, choices=INDICATORS.choices())
    version = models.PositiveSmallIntegerField(_("定义版本"), default=1, db_default=1)
    numerator = models.DecimalField(_("分子"), max_digits=20, decimal_places=2)
    denominator = models.DecimalField(_("分母"), max_digits=20, decimal_places=2)
    value = models.FloatField(_("指标值"), null=True, blank=True)
    no_data = models.BooleanField(_("无数据"), default=False, db_default=False)
    weight = models.FloatField(_("权重"), null=True, blank=True)  # null: left out of the total
    score = models.FloatField(_("得分"), null=True, blank=True)

    class Meta:
        verbose_name = _("指标值")
        verbose_name_plural = _("指标值")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "period", "scope", "court", "division", "judge", "indicator"],
                name="indicator_value_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="indicator_value_scope_shape"),
        ]
        indexes = [
            # A unit over time (trend charts): the unit (its null ids say its scope), indicator,
            # period, then days.
            models.Index(
                fields=["court", "division", "judge", "indicator", "period", "as_of"],
                name="indicator_value_unit_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.period} {self.scope} {self.indicator} = {self.value}"

    @property
    def definition(self):
        return INDICATORS[self.indicator]


class PendingAgeProfile(ScopedRow):
    """The W cases pending at the end of the period (as_of) of one scope unit, counted by age
    since filing in the buckets of metrics.definitions.conditions.AGE_BUCKETS — stored by the
    nightly computation beside the indicators, so the overview reads no case."""

    counts = ArrayField(models.PositiveIntegerField(), verbose_name=_("件数"))

    class Meta:
        verbose_name = _("未结案件立案时长分布")
        verbose_name_plural = _("未结案件立案时长分布")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "period", "scope", "court", "division", "judge"],
                name="pending_age_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="pending_age_scope_shape"),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.period} {self.scope} {self.counts}"


class ScopeScore(ScopedRow):
    """The total score of one scope unit, and its rank among its peers (INDICATORS.md).

    `rank` is standard competition ranking (1, 1, 3) by total, then `tie_break_value` (the value
    of the registry's tie-breaking indicator, 结案率); ties share a rank. It is stored in both
    ranking modes; readers go through metrics.selectors.rankings, which shows no order in the
    bands mode.
    """

    total = models.FloatField(_("总分"), null=True, blank=True)
    score_sum = models.FloatField(_("得分合计"), null=True, blank=True)
    weight_sum = models.FloatField(_("计分权重合计"), null=True, blank=True)
    scored = models.PositiveSmallIntegerField(_("计分指标数"), default=0)
    tie_break_value = models.FloatField(_("同分时比较的指标值"), null=True, blank=True)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    peers = models.PositiveIntegerField(_("参与排名数"), null=True, blank=True)

    class Meta:
        verbose_name = _("综合得分")
        verbose_name_plural = _("综合得分")
        constraints = [
            models.UniqueConstraint(
                fields=["as_of", "period", "scope", "court", "division", "judge"],
                name="scope_score_unique",
                nulls_distinct=False,
            ),
            models.CheckConstraint(condition=SCOPE_SHAPE, name="scope_score_scope_shape"),
        ]
        indexes = [
            models.Index(
                fields=["court", "division", "judge", "period", "as_of"],
                name="scope_score_unit_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.period} {self.scope} total={self.total} rank={self.rank}"


class ComputationRun(models.Model):
    """One computation of every indicator for every scope, for one (as_of, period)."""

    as_of = models.DateField(_("统计截止日"))
    period = models.CharField(_("统计期间"), max_length=3, choices=PeriodKind.choices)
    status = models.CharField(_("状态"), max_length=8, choices=RunStatus.choices)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cases = models.PositiveIntegerField(_("案件数"), default=0)
    scopes = models.PositiveIntegerField(_("单位数"), default=0)
    values = models.PositiveIntegerField(_("指标值数"), default=0)
    error = models.TextField(_("错误"), blank=True)

    class Meta:
        ordering = ["-as_of", "period"]
        verbose_name = _("计算记录")
        verbose_name_plural = _("计算记录")
        constraints = [
            models.UniqueConstraint(fields=["as_of", "period"], name="computation_run_unique")
        ]

    def __str__(self) -> str:
        return f"{self.as_of} {self.period} {self.status}"


def _indicator_direction(slug: str) -> str | None:
    indicator = INDICATORS.get(slug)
    return indicator.direction if indicator else None


class IndicatorTarget(models.Model):
    """Target, warning and weight of one indicator (INDICATORS.md defaults), edited by the office.

    Higher/lower indicators use target and warning; a band indicator uses the lower and upper
    targets and warnings. An indicator with monthly targets (clearance_rate) is scored only for
    YTD periods, against the month of the as-of day.
    """

    # Targets are the local set's (the SPC's set has reference ranges, never a target).
    indicator = models.CharField(
        _("指标"), max_length=40, choices=LOCAL_INDICATORS.choices(), unique=True
    )
    weight = models.DecimalField(
        _("权重"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )
    target = models.DecimalField(
        _("目标值"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    warning = models.DecimalField(
        _("预警值"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    lower_target = models.DecimalField(
        _("目标区间下限"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    upper_target = models.DecimalField(
        _("目标区间上限"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    lower_warning = models.DecimalField(
        _("预警下限"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    upper_warning = models.DecimalField(
        _("预警上限"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    by_month = models.BooleanField(
        _("按月目标（仅年初至今）"),
        default=False,
        help_text=_("按统计截止日所在月份取目标值，季初至今、月初至今不计分"),
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["indicator"]
        verbose_name = _("指标目标")
        verbose_name_plural = _("指标目标")

    def __str__(self) -> str:
        indicator = INDICATORS.get(self.indicator)
        return str(indicator.label) if indicator else self.indicator

    @property
    def direction(self) -> str | None:
        return _indicator_direction(self.indicator)

    def clean(self):
        direction = self.direction
        if direction == Direction.BAND:
            bounds = [self.lower_warning, self.lower_target, self.upper_target, self.upper_warning]
            if any(bound is None for bound in bounds):
                raise ValidationError(_("区间指标须填写目标区间上下限和预警上下限"))
            if not bounds[0] < bounds[1] <= bounds[2] < bounds[3]:
                raise ValidationError(
                    _("须满足：预警下限 < 目标区间下限 ≤ 目标区间上限 < 预警上限")
                )
            return
        if self.by_month:
            return
        if self.target is None or self.warning is None:
            raise ValidationError(_("须填写目标值和预警值"))
        if direction == Direction.HIGHER and not self.warning < self.target:
            raise ValidationError(_("越高越好的指标，预警值须低于目标值"))
        if direction == Direction.LOWER and not self.warning > self.target:
            raise ValidationError(_("越低越好的指标，预警值须高于目标值"))


class IndicatorMonthlyTarget(models.Model):
    """Target and warning of a by-month indicator for a YTD period ending in `month`."""

    indicator_target = models.ForeignKey(
        IndicatorTarget,
        verbose_name=_("指标目标"),
        on_delete=models.CASCADE,
        related_name="monthly",
    )
    month = models.PositiveSmallIntegerField(
        _("月份"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=4)
    warning = models.DecimalField(_("预警值"), max_digits=12, decimal_places=4)

    class Meta:
        ordering = ["indicator_target", "month"]
        verbose_name = _("月度目标")
        verbose_name_plural = _("月度目标")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_target", "month"], name="monthly_target_unique"
            ),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12), name="monthly_target_month"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator_target} {self.month}月"


class IndicatorTargetChange(AppendOnlyModel):
    """Append-only history of target changes: who, when, the old and the new values.
    A database trigger refuses UPDATE and DELETE."""

    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    indicator = models.CharField(_("指标"), max_length=40, choices=LOCAL_INDICATORS.choices())
    old = models.JSONField(_("原值"), null=True, blank=True)
    new = models.JSONField(_("新值"))

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("指标目标变更记录")
        verbose_name_plural = _("指标目标变更记录")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.username} {self.indicator}"


class ReferenceRange(AppendOnlyModel):
    """A reference range (区间参考值) of an indicator of the SPC's 2024 set, as the office entered
    it from its copy of the SPC's document: a lower bound, an upper bound or both, for one court
    level (null: every level), in force from `effective_from` (INDICATORS.md, rules of use).

    Append-only (a database trigger refuses UPDATE and DELETE): a change is a new row, so the
    rows are the history — who set what, when, from which day — and the range in force on a
    day is a query (metrics.selectors.range_in_force: the level's own row before the
    all-levels one, then the latest effective_from, then the latest entered). `demo`: seeded by
    the demo, never official; every page that shows the row labels it.
    """

    indicator = models.CharField(_("指标"), max_length=40, choices=SPC2024_INDICATORS.choices())
    court_level = models.CharField(
        _("法院层级"), max_length=16, choices=CourtLevel.choices, null=True, blank=True
    )  # null: every level
    lower = models.DecimalField(_("下限"), max_digits=12, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("上限"), max_digits=12, decimal_places=4, null=True, blank=True)
    effective_from = models.DateField(_("起用日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    demo = models.BooleanField(_("演示数值"), default=False)
    changed_at = models.DateTimeField(_("设定时间"), auto_now_add=True)
    # No database constraint and no cascade: the row outlives its author (append-only).
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("区间参考值")
        verbose_name_plural = _("区间参考值")
        constraints = [
            models.CheckConstraint(
                condition=Q(lower__isnull=False) | Q(upper__isnull=False),
                name="reference_range_a_bound",
            ),
            models.CheckConstraint(
                condition=Q(lower__isnull=True)
                | Q(upper__isnull=True)
                | Q(lower__lte=models.F("upper")),
                name="reference_range_ordered",
            ),
        ]
        indexes = [
            models.Index(
                fields=["indicator", "court_level", "effective_from"],
                name="reference_range_force_idx",
            )
        ]

    def __str__(self) -> str:
        level = self.court_level or "*"
        return f"{self.indicator} {level} {self.lower}–{self.upper} {self.effective_from}"

    @property
    def definition(self):
        return INDICATORS[self.indicator]


class FanoutChunk(models.Model):
    """One chunk of courts of a fanned-out nightly pass (metrics.computation.fanout): claimed by
    one worker at a time (a row lock), marked done with its base rows in the same transaction."""

    run = models.UUIDField()
    number = models.PositiveIntegerField()
    as_of = models.DateField()
    periods = ArrayField(models.CharField(max_length=3))
    courts = ArrayField(models.BigIntegerField())
    # The caller's compiled pass (metrics.computation.fanout.fingerprint): a worker running other
    # code (a deploy under way) leaves the chunk to the caller rather than stage other measures.
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.CharField(max_length=200, blank=True)  # host:pid of the process

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "number"], name="fanout_chunk_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run} #{self.number}"


class FanoutBaseRow(models.Model):
    """A staged per-(court, division, judge) row of a fanned-out pass: the unit's case count and its
    measures (metrics.computation.engine.CompiledPass.aliases, in order). Plain ids, no foreign
    keys: the rows live for one run and are copied from cases_case, whose constraints hold them."""

    run = models.UUIDField(db_index=True)
    court_id = models.BigIntegerField()
    division_id = models.BigIntegerField()
    judge_id = models.BigIntegerField()
    cases = models.BigIntegerField()
    # Counts and sums of whole days or money (two decimals): exact at this scale.
    measures = ArrayField(models.DecimalField(max_digits=40, decimal_places=12))

    def __str__(self) -> str:
        return f"{self.run} {self.court_id}/{self.division_id}/{self.judge_id}"


class IndicatorSetSetting(models.Model):
    """Which indicator sets the deployment shows (the local eleven, the SPC's 2024 set, or
    both), as the city's office chose them: one row per change, so the rows are the history.
    The latest row holds; with none, the setting COURTDASH_INDICATOR_SETS (read through
    metrics.selectors.shown_sets only). Both sets are computed every night whatever is shown."""

    sets = ArrayField(
        models.CharField(max_length=16, choices=IndicatorSet.choices),
        verbose_name=_("显示的指标体系"),
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修改人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    changed_at = models.DateTimeField(_("修改时间"), auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("显示的指标体系")
        verbose_name_plural = _("显示的指标体系")

    def __str__(self) -> str:
        return ", ".join(self.sets)
