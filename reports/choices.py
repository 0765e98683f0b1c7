"""Choices of the reports app. Labels (zh-Hans first, via gettext) live only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetBasis(models.TextChoices):
    """Which stored value a quarterly target is held against, at the quarter's last day."""

    YTD = "ytd", _("年初至今（截至季末）")
    QTD = "qtd", _("本季度（季初至季末）")


class ReportStatus(models.TextChoices):
    DONE = "done", _("已生成")
    FAILED = "failed", _("生成失败")


class DocumentKind(models.TextChoices):
    PDF = "pdf", "PDF"
    XLSX = "xlsx", "XLSX"


class FindingKind(models.TextChoices):
    """What the case health check (办案体检) looks for (reports.healthcheck.RULES)."""

    MONTH_END_CLOSINGS = "month_end_closings", _("月末突击结案")
    YEAR_END_CLOSINGS = "year_end_closings", _("年末突击结案")
    STALLED_LONG_PENDING = "stalled_long_pending", _("长期未结且久无进展")
    REPEATED_EXTENSIONS = "repeated_extensions", _("反复延长审限")
    HIGH_WITHDRAWAL_SHARE = "high_withdrawal_share", _("撤诉率明显高于同类")
    REVERSAL_CLUSTER = "reversal_cluster", _("改判发回集中")
    HELD_BACK_FILINGS = "held_back_filings", _("年底压案不立")


class TargetStatus(models.TextChoices):
    """Where a quarterly target stands: reached (the quarter over), or where its projection
    to the quarter's end lands."""

    MET = "met", _("已达成")
    ON_TRACK = "on_track", _("预计可达成")
    AT_RISK = "at_risk", _("存在风险")
    OFF_TRACK = "off_track", _("预计难以达成")
    NOT_STARTED = "not_started", _("本季度尚无数据")
    NO_DATA = "no_data", _("暂无数据")


class PipelineStepKind(models.TextChoices):
    """The steps of the nightly pipeline, in their order (courtdash.pipeline.STEPS)."""

    INDICATORS = "indicators", _("指标计算")
    ABNORMALITIES = "abnormalities", _("异常研判")
    HEALTH_CHECK = "health_check", _("办案体检")
    REVERSAL_REVIEWS = "reversal_reviews", _("发改再评查立项")
    FOUR_TYPE = "four_type", _("四类案件提示")
    EFFECTS = "effects", _("跟踪问效")
    REMINDERS = "reminders", _("到期提醒")
    RETENTION = "retention", _("历史数据清理")
