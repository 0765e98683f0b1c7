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
