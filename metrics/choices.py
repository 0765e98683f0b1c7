"""Choices of the metrics app. Labels (zh-Hans first, via gettext) live only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cases.choices import Scope  # noqa: F401 - the unit levels belong to cases.units


class Unit(models.TextChoices):
    PERCENT = "percent", _("百分比")
    DAYS = "days", _("天")
    RATIO = "ratio", _("比值")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")
    BAND = "band", _("区间最优")


class PeriodKind(models.TextChoices):
    YTD = "ytd", _("年初至今")
    QTD = "qtd", _("季初至今")
    MTD = "mtd", _("月初至今")


class RankingMode(models.TextChoices):
    """COURTDASH_RANKING_MODE: ranks (the seed's court) or bands only (SPC, September 2024)."""

    RANKS = "ranks", _("排名")
    BANDS = "bands", _("区间")


class ScoreBand(models.TextChoices):
    """Where a scored value stands against its target and warning (for the bands mode)."""

    MET = "met", _("达标")
    BETWEEN = "between", _("预警区间")
    MISSED = "missed", _("未达预警线")


class IndicatorSet(models.TextChoices):
    """The indicator sets of INDICATORS.md: the local eleven (scored against targets, ranked)
    and the SPC's September 2024 system (reference ranges; no score, no total, no rank)."""

    LOCAL = "local", _("本地考核指标")
    SPC2024 = "spc2024", _("最高法院2024年审判质量管理指标")


class RangeStatus(models.TextChoices):
    """Where a value of the SPC's 2024 set stands against its reference range (INDICATORS.md,
    rules of use): inside (bounds included) is 达标; outside is flagged for the data-review
    meeting (数据会商)."""

    INSIDE = "inside", _("达标")
    BELOW = "below", _("低于区间")
    ABOVE = "above", _("高于区间")
    NO_RANGE = "no_range", _("未设区间")
    NO_VALUE = "no_value", _("无数值")
