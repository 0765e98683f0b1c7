"""The weekly ranking (周推进): peers, and their moves since the week before."""

from __future__ import annotations

import datetime

from cases.models import Court
from cases.units import ScopeKey
from metrics.choices import RankingMode, Scope, ScoreBand
from metrics.reading.dashboard.common import WEEK, YTD, score_rows
from metrics.selectors import ranking_mode, rankings


def weekly_ranking(*, parent: ScopeKey, as_of: datetime.date) -> dict:
    """The units below `parent` on the YTD indicators as of `as_of`, with the change against
    the week before: rank and total (ranks mode), or the number of indicators met (bands)."""
    week_before = as_of - WEEK
    mode = ranking_mode()  # read once: the two weeks are shown the same way
    rows = rankings(parent=parent, as_of=as_of, period=YTD, mode=mode)
    before = {
        row["unit"]: row
        for row in rankings(parent=parent, as_of=week_before, period=YTD, mode=mode)
    }
    ranks = mode is RankingMode.RANKS
    levels = {}
    if parent.scope is Scope.CITY:
        court_ids = [row["unit"].court_id for row in rows]
        levels = dict(Court.objects.filter(pk__in=court_ids).values_list("pk", "level"))
    for row in rows:
        earlier = before.get(row["unit"])
        row["before"] = earlier
        row["level"] = levels.get(row["unit"].court_id)
        if ranks:
            row["move"] = _move(
                None if earlier is None else earlier["rank"], row["rank"], lower_is_better=True
            )
            row["total_change"] = (
                row["total"] - earlier["total"]
                if earlier and row["total"] is not None and earlier["total"] is not None
                else None
            )
        else:
            row["met"] = _met(row["bands"])
            row["move"] = _move(None if earlier is None else _met(earlier["bands"]), row["met"])
    if parent.scope is Scope.CITY and ranks:
        # Courts rank among courts of one level: the intermediate court's row stands apart.
        rows.sort(key=lambda row: (row["level"] != "basic", row["rank"] is None, row["rank"] or 0))
    own = score_rows(parent, [as_of, week_before], YTD)
    return {
        "rows": rows,
        "ranks": ranks,
        "own": own.get(as_of),
        "own_before": own.get(week_before),
        "week_before": week_before,
    }


def _met(bands: dict) -> int:
    return sum(1 for band in bands.values() if band == ScoreBand.MET)


def _move(before, now, *, lower_is_better: bool = False) -> dict:
    """up / down / same / new, and by how much."""
    if before is None or now is None:
        return {"direction": "new" if before is None and now is not None else "none", "by": 0}
    delta = (before - now) if lower_is_better else (now - before)
    if delta == 0:
        return {"direction": "same", "by": 0}
    return {"direction": "up" if delta > 0 else "down", "by": abs(delta)}
