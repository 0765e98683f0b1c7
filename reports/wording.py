"""What the numerator and denominator of each indicator count, in a few words, for the sentences
that say what must happen to reach a target (the full definitions: metrics.definitions)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Nouns:
    numerator: str  # what more of is needed (or allowed)
    coming: str  # what the denominator grows by until the period ends
    measure: str  # 件 or 元


CASES = _("件")
NOUNS: dict[str, Nouns] = {
    "closed_to_filed_ratio": Nouns(_("结案"), _("新收案件"), CASES),
    "clearance_rate": Nouns(_("结案"), _("新收案件"), CASES),
    "within_limit_rate": Nouns(_("审限内结案"), _("有审限的结案"), CASES),
    "avg_trial_days": Nouns(_("审理天数"), _("诉讼案件结案"), _("天")),
    "long_pending_share": Nouns(_("超12个月未结案件"), _("未结诉讼案件"), CASES),
    "first_instance_acceptance_rate": Nouns(_("服判息诉的一审结案"), _("一审结案"), CASES),
    "first_instance_reversal_rate": Nouns(_("被改判、发回重审的一审案件"), _("一审结案"), CASES),
    "final_case_reversal_rate": Nouns(_("被改判、发回重审的生效案件"), _("诉讼案件结案"), CASES),
    "mediation_withdrawal_rate": Nouns(_("调解、撤诉结案"), _("民事一审结案"), CASES),
    "enforcement_recovery_rate": Nouns(_("执行到位金额"), _("申请执行标的额"), _("元")),
    "case_to_proceeding_ratio": Nouns(_("件（含衍生案件）"), _("新收原审案件"), CASES),
}
