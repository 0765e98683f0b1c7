"""Choices of the talks (约谈提醒). Labels (zh-Hans via gettext) live only here."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TalkRuleKind(models.TextChoices):
    """What a suggestion rule looks for; its parameters are data (TalkRuleSetting)."""

    BELOW_WARNING = "below_warning", _("连续多周低于预警线")
    REPEATED_FINDINGS = "repeated_findings", _("办案体检反复发现同一问题")
    UNANSWERED_LETTERS = "unanswered_letters", _("督办通知、函询逾期未答复")
    LONG_PENDING_ABOVE_PEERS = "long_pending_above_peers", _("长期未结占比远高于同级")


class CommitmentState(models.TextChoices):
    OPEN = "open", _("落实中")
    REPORTED = "reported", _("已报告待核销")
    DONE = "done", _("已核销")


OPEN_COMMITMENT_STATES = (CommitmentState.OPEN, CommitmentState.REPORTED)
