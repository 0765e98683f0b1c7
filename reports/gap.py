"""应当发生的导向: what must happen by the end of a period for an indicator to reach a target.

value = factor × N / D (INDICATORS.md). By the period's end D will have grown to D̂ (the
projection's denominator); the target T then asks for N_end = T × D̂ / factor. The gap is
N_end − N now: for an indicator where higher is better, at least that much more numerator (so
many more closings, or within-limit closings…), per week until the end, and as a share of what
D grows by; where lower is better, at most that much more — or, for a stock that has already
passed it (超12个月未结), that many fewer. A band indicator has both bounds.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext as _

from metrics.choices import Direction, Unit
from metrics.definitions.registry import Indicator
from metrics.definitions.traits import Accrual
from reports.projection import Projection

REACHED, NEEDS, LIMIT, REDUCE, UNREACHABLE, BETWEEN, UNKNOWN = (
    "reached", "needs", "limit", "reduce", "unreachable", "between", "unknown",
)  # fmt: skip


@dataclass(frozen=True)
class Gap:
    kind: str
    amount: float | None = None  # numerator more needed (needs), allowed (limit), fewer (reduce)
    per_week: float | None = None
    share: float | None = None  # of what the denominator grows by (in the value's unit)
    upper_share: float | None = None  # a band's other bound
    coming: float | None = None  # what the denominator grows by
    weeks: float | None = None
    text: str = ""


def _required(indicator: Indicator, target: float, denominator: float) -> float:
    return target * denominator / indicator.factor


def _share(indicator: Indicator, amount: float, coming: float) -> float | None:
    if coming <= 0:
        return None
    # An average (days, or a ratio) asks for the average of what is to come; a percentage for
    # its share.
    return amount / coming * (100 if indicator.unit == Unit.PERCENT else 1)


def target_gap(
    *,
    indicator: Indicator,
    projection: Projection,
    target: float | None,
    upper: float | None = None,
    today: datetime.date,
) -> Gap:
    """What must happen between now and `projection.end` for the value to reach `target` (a
    band: to lie between `target` and `upper`)."""
    if target is None or projection.numerator_now is None or not projection.denominator_now:
        return Gap(UNKNOWN, text=_("暂无数据，无法测算。"))
    end = projection.end
    weeks = max((end - max(today, projection.as_of)).days, 0) / 7
    now_n, now_d = projection.numerator_now, projection.denominator_now
    final_d = projection.denominator if projection.denominator is not None else now_d
    stock = indicator.projection.numerator == Accrual.STOCK
    coming = final_d if indicator.projection.denominator != Accrual.FLOW else final_d - now_d
    coming = max(coming, 0.0)
    nouns = indicator.nouns
    numbers = {
        "numerator": nouns.numerator,
        "coming_noun": nouns.coming,
        "measure": nouns.measure,
        "coming": _count(coming),
        "end": end.isoformat(),
    }

    def per_week(amount: float) -> float | None:
        return amount / weeks if weeks >= 1 else None

    if indicator.direction == Direction.BAND and upper is not None:
        # Of what is to come, between none and all of it.
        low = min(max(_required(indicator, target, final_d) - now_n, 0.0), coming)
        high = min(max(_required(indicator, upper, final_d) - now_n, 0.0), coming)
        share, upper_share = _share(indicator, low, coming), _share(indicator, high, coming)
        text = _(
            "至 %(end)s 预计还有%(coming_noun)s约 %(coming)s %(measure)s，其中%(numerator)s须在 "
            "%(low)s 至 %(high)s %(measure)s之间（占 %(share)s–%(upper_share)s）。"
        ) % {
            **numbers,
            "low": _count(low),
            "high": _count(high),
            "share": _percent(share),
            "upper_share": _percent(upper_share),
        }
        return Gap(BETWEEN, low, per_week(low), share, upper_share, coming, weeks, text)

    amount = _required(indicator, target, final_d) - now_n
    share = _share(indicator, amount, coming)
    # What is needed must fit in what is to come (a share of at most 100%), or for 结案率 in
    # what is pending (every case closed): the indicator's gap rule says which.
    shared = indicator.gap.within_coming
    room = final_d - now_n if indicator.gap.within_pending else None
    if indicator.direction != Direction.LOWER:
        if amount <= 0:
            return Gap(REACHED, amount, None, share, None, coming, weeks,
                       _("按当前进度和预计新收，已可达到目标。"))  # fmt: skip
        if (shared and (share is None or share > 100)) or (room is not None and amount > room):
            text = _(
                "须再增加%(numerator)s %(amount)s %(measure)s，超出至 %(end)s 可能达到的数量，"
                "本期已难以达到目标。"
            ) % {**numbers, "amount": _count(amount)}
            return Gap(UNREACHABLE, amount, per_week(amount), share, None, coming, weeks, text)
        text = _("至 %(end)s 须再增加%(numerator)s %(amount)s %(measure)s") % {
            **numbers,
            "amount": _count(amount),
        }
        if per_week(amount) is not None:
            text += _("，平均每周 %(weekly)s %(measure)s") % {
                **numbers,
                "weekly": _count(per_week(amount), decimals=1),
            }
        if shared and share is not None:
            text += _("（预计%(coming_noun)s约 %(coming)s %(measure)s，其中须有 %(share)s）") % {
                **numbers,
                "share": _percent(share),
            }
        return Gap(NEEDS, amount, per_week(amount), share, None, coming, weeks, text + _("。"))

    # Lower is better.
    if amount >= 0:
        if indicator.unit == Unit.DAYS and share is not None:
            text = _(
                "至 %(end)s 预计还有%(coming_noun)s约 %(coming)s 件，其平均审理天数须不超过 "
                "%(days)s 天。"
            ) % {**numbers, "days": _count(share, decimals=1)}
        elif indicator.unit == Unit.RATIO and share is not None:
            text = _(
                "至 %(end)s 预计还有%(coming_noun)s约 %(coming)s 件，平均每案衍生的件数须不超过 "
                "%(ratio)s。"
            ) % {**numbers, "ratio": _count(share, decimals=2)}
        else:
            text = _("至 %(end)s %(numerator)s至多再增加 %(amount)s %(measure)s。") % {
                **numbers,
                "amount": _count(amount),
            }
        return Gap(LIMIT, amount, per_week(amount), share, None, coming, weeks, text)
    if stock:
        text = _("至 %(end)s 须减少%(numerator)s %(amount)s %(measure)s") % {
            **numbers,
            "amount": _count(-amount),
        }
        if per_week(-amount) is not None:
            text += _("，平均每周清结 %(weekly)s %(measure)s") % {
                **numbers,
                "weekly": _count(per_week(-amount), decimals=1),
            }
        return Gap(REDUCE, -amount, per_week(-amount), None, None, coming, weeks, text + _("。"))
    text = _("%(numerator)s已超过本期目标允许的数量，本期已难以达到目标。") % numbers
    return Gap(UNREACHABLE, amount, None, share, None, coming, weeks, text)


def _count(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
