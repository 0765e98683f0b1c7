"""Choices of the cases app. Labels (zh-Hans first, via gettext) live only here."""

import functools

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class CourtLevel(models.TextChoices):
    SUPREME = "supreme", _("最高人民法院")
    HIGH = "high", _("高级人民法院")
    INTERMEDIATE = "intermediate", _("中级人民法院")
    BASIC = "basic", _("基层人民法院")


class Scope(models.TextChoices):
    """The levels of the organisational unit (cases.units), from the top down."""

    CITY = "city", _("全市")
    COURT = "court", _("法院")
    DIVISION = "division", _("部门")
    JUDGE = "judge", _("法官")


class Role(models.TextChoices):
    JUDGE = "judge", _("承办法官")
    DIVISION_HEAD = "division_head", _("庭长")
    ANALYST = "analyst", _("质效分析员")
    OFFICE = "office", _("审管办")
    COURT_LEADER = "court_leader", _("院领导")
    PARTY_LEADERSHIP = "party_leadership", _("院党组")
    INSPECTOR = "inspector", _("督察")


class Category(models.TextChoices):
    CIVIL = "civil", _("民事")
    CRIMINAL = "criminal", _("刑事")
    ADMINISTRATIVE = "administrative", _("行政")
    ENFORCEMENT = "enforcement", _("执行")
    BANKRUPTCY = "bankruptcy", _("破产")


class Procedure(models.TextChoices):
    FIRST_INSTANCE = "first_instance", _("一审")
    SECOND_INSTANCE = "second_instance", _("二审")
    RETRIAL_REVIEW = "retrial_review", _("申请再审审查")
    RETRIAL = "retrial", _("再审")
    SPECIAL = "special", _("特别程序")
    ENFORCEMENT = "enforcement", _("首次执行")
    ENFORCEMENT_RESUMED = "enforcement_resumed", _("恢复执行")
    ENFORCEMENT_OTHER = "enforcement_other", _("执行审查")
    PRESERVATION = "preservation", _("财产保全")
    PRE_SUIT = "pre_suit", _("诉前调解")


class Track(models.TextChoices):
    ORDINARY = "ordinary", _("普通程序")
    SUMMARY = "summary", _("简易程序")
    SMALL_CLAIMS = "small_claims", _("小额诉讼程序")
    FAST_TRACK = "fast_track", _("速裁程序")


class ClosingMethod(models.TextChoices):
    JUDGMENT = "judgment", _("判决")
    MEDIATION = "mediation", _("调解")
    WITHDRAWAL = "withdrawal", _("撤诉")
    DISMISSAL = "dismissal", _("驳回起诉")
    RULING = "ruling", _("裁定")
    TRANSFER = "transfer", _("移送")
    AFFIRMED = "affirmed", _("维持原判")
    MODIFIED = "modified", _("改判")
    REMANDED = "remanded", _("发回重审")
    APPEAL_WITHDRAWN = "appeal_withdrawn", _("准许撤回上诉")
    ENFORCEMENT_COMPLETED = "enforcement_completed", _("执行完毕")
    ENFORCEMENT_TERMINATED = "enforcement_terminated", _("终结执行")
    ENFORCEMENT_ROUND_ENDED = "enforcement_round_ended", _("终结本次执行程序")
    NOT_ENFORCED = "not_enforced", _("不予执行")
    APPLICATION_REJECTED = "application_rejected", _("驳回申请")
    CANCELLED = "cancelled", _("销案")
    OTHER = "other", _("其他")


class Outcome(models.TextChoices):
    """Appeal or retrial outcome of a case (DATA_FORMAT.md)."""

    AFFIRMED = "affirmed", _("维持")
    MODIFIED = "modified", _("改判")
    REMANDED = "remanded", _("发回重审")
    WITHDRAWN = "withdrawn", _("撤回上诉")
    MEDIATED = "mediated", _("调解")
    OTHER = "other", _("其他")


# Closing method of a linked second-instance / retrial case -> outcome on its origin case.
OUTCOME_OF_CLOSING_METHOD = {
    ClosingMethod.AFFIRMED: Outcome.AFFIRMED,
    ClosingMethod.MODIFIED: Outcome.MODIFIED,
    ClosingMethod.REMANDED: Outcome.REMANDED,
    ClosingMethod.APPEAL_WITHDRAWN: Outcome.WITHDRAWN,
    ClosingMethod.MEDIATION: Outcome.MEDIATED,
}


class Band(models.TextChoices):
    """Time-limit warning band of a pending case (DOMAIN.md), with its colour."""

    NORMAL = "normal", _("正常")
    WARNING = "warning", _("15日内到期")
    URGENT = "urgent", _("5日内到期")
    OVERDUE = "overdue", _("已超审限")
    NO_LIMIT = "no_limit", _("无审限")


BAND_COLOURS = {
    Band.NORMAL: "green",
    Band.WARNING: "amber",
    Band.URGENT: "orange",
    Band.OVERDUE: "red",
    Band.NO_LIMIT: "grey",
}
# Days left at or below which a pending case enters the band.
BAND_WARNING_DAYS = 15
BAND_URGENT_DAYS = 5


class AuditAction(models.TextChoices):
    LOGIN = "login", _("登录")
    LOGOUT = "logout", _("退出")
    LOGIN_FAILED = "login_failed", _("登录失败")
    CASE_LIST = "case_list", _("查看案件列表")
    CASE_VIEW = "case_view", _("查看案件")
    CASE_IMPORT = "case_import", _("导入案件")
    CASE_CHANGE = "case_change", _("修改案件")
    USER_CHANGE = "user_change", _("修改用户")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    EXPORT = "export", _("导出")
    VIEW = "view", _("查看")
    CHANGE = "change", _("修改")


@functools.lru_cache(maxsize=512)
def _labels(model: type[models.Model], field_name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


def choice_label(instance: models.Model, field_name: str) -> str:
    """What `instance.get_<field>_display()` gives, from a dict built once per model, field
    and language: Django's builds the choices' dict (and translates every label) on every call,
    which cost the work queue ~15 ms a page over its ~140 items."""
    value = getattr(instance, field_name)
    return _labels(type(instance), field_name, get_language()).get(value, value)
