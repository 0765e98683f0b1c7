"""Health-check findings in words: what was found, with the numbers that triggered it."""

from __future__ import annotations

from django.utils.translation import gettext as _

from cases.units import top_unit_name
from reports.choices import FindingKind

# The kinds whose sentence compares with the top unit (全市, or 全省 in a province).
COMPARED_WITH_TOP = {
    FindingKind.MONTH_END_CLOSINGS,
    FindingKind.YEAR_END_CLOSINGS,
    FindingKind.HIGH_WITHDRAWAL_SHARE,
    FindingKind.REVERSAL_CLUSTER,
    FindingKind.HELD_BACK_FILINGS,
}


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def finding_text(*, kind: str, value, reference, facts: dict, top: str | None = None) -> str:
    """One sentence (zh-Hans first, via gettext) for a stored finding. `top`: the top unit's
    name when the caller already has it (a list of findings: one query, not one a finding);
    otherwise read here, and only for the kinds that compare with it."""
    if top is None and kind in COMPARED_WITH_TOP:
        top = top_unit_name()
    numbers = {**facts, "value": _pct(value), "reference": _pct(reference), "top": top}
    if kind == FindingKind.MONTH_END_CLOSINGS:
        return (
            _(
                "%(from)s 至 %(to)s 结案 %(base)s 件，其中 %(count)s 件在各月最后 %(last_days)s 天"
                "结案，占 %(value)s；%(top)s为 %(reference)s。"
            )
            % numbers
        )
    if kind == FindingKind.YEAR_END_CLOSINGS:
        return (
            _(
                "%(year)s 年结案 %(base)s 件，其中 %(count)s 件在 12 月最后 %(last_days)s 天结案，"
                "占 %(value)s；%(top)s为 %(reference)s。"
            )
            % numbers
        )
    if kind == FindingKind.STALLED_LONG_PENDING:
        return (
            _(
                "%(count)s 件案件立案已超过 12 个月仍未结，且案件信息 %(idle_days)s 天以上没有任何"
                "变动（%(since)s 以来）。"
            )
            % numbers
        )
    if kind == FindingKind.REPEATED_EXTENSIONS:
        return (
            _(
                "%(count)s 件案件延长审限的天数不少于其法定审限本身（且不少于 %(min_days)s 天），"
                "超出一次正常延长。"
            )
            % numbers
        )
    if kind == FindingKind.HIGH_WITHDRAWAL_SHARE:
        return (
            _(
                "%(from)s 至 %(to)s 民事一审结案 %(base)s 件，其中撤诉 %(count)s 件，占 %(value)s；"
                "%(top)s为 %(reference)s。"
            )
            % numbers
        )
    if kind == FindingKind.REVERSAL_CLUSTER and facts.get("cause"):
        return (
            _(
                "案由“%(cause)s”的一审案件一年内被改判、发回重审 %(count)s 件（涉及 %(judges)s 名"
                "法官），占该案由结案 %(base)s 件的 %(value)s；"
                "%(top)s改判发回比例为 %(reference)s。"
            )
            % numbers
        )
    if kind == FindingKind.REVERSAL_CLUSTER:
        return (
            _(
                "一年内一审结案 %(base)s 件，同期被改判、发回重审 %(count)s 件，相当于 %(value)s；"
                "%(top)s为 %(reference)s。"
            )
            % numbers
        )
    if kind == FindingKind.HELD_BACK_FILINGS:
        return _(
            "%(late_from)s 至年底日均立案 %(late_per_day)s 件，次年初至 %(early_to)s 日均 "
            "%(early_per_day)s 件，前后各 30 天日均 %(baseline_per_day)s 件：年底骤减、年初骤增"
            "（年初与年底日均之比 %(ratio)s 倍，%(top)s %(city_ratio)s 倍）。"
        ) % {
            **numbers,
            "ratio": f"{value:.1f}" if value is not None else "—",
            "city_ratio": f"{reference:.1f}" if reference is not None else "—",
        }
    return ""


def unit_title(*, court=None, division=None, judge=None) -> str:
    return " ".join(
        part for part in (court and court.name, division and division.name, judge and judge.name)
        if part
    )  # fmt: skip
