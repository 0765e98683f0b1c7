"""A naive reference implementation of INDICATORS.md: pure Python over case rows.

Written from the documents, not from metrics/: its own calendar arithmetic, its own case sets,
its own derivation of appeals and retrials from linked cases (DATA_FORMAT.md, linking). Slow and
obvious on purpose; the engine must agree with it on every unit, period and indicator.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from decimal import Decimal

from cases.models import Case

NOT_WORKLOAD = {"preservation", "enforcement_resumed", "pre_suit"}
NOT_FILED_PROCEEDINGS = {"preservation", "pre_suit"}
OUTCOME_OF_METHOD = {
    "affirmed": "affirmed",
    "modified": "modified",
    "remanded": "remanded",
    "appeal_withdrawn": "withdrawn",
    "mediation": "mediated",
}
FACTOR = {"percent": 100, "days": 1, "ratio": 1}


def plus_months(day, months):
    month0 = day.month - 1 + months
    year = day.year + month0 // 12
    month = month0 % 12 + 1
    last = calendar.monthrange(year, month)[1]
    return datetime.date(year, month, min(day.day, last))


def periods_of(as_of):
    quarter_month = 3 * ((as_of.month - 1) // 3) + 1
    return {
        "ytd": (datetime.date(as_of.year, 1, 1), as_of),
        "qtd": (datetime.date(as_of.year, quarter_month, 1), as_of),
        "mtd": (datetime.date(as_of.year, as_of.month, 1), as_of),
    }


def _with_links(rows):
    """Appeal and retrial facts per case: the record's own fields, else the linked case's."""
    by_number = {row["case_number"]: row for row in rows}
    appeal_of, retrial_of = {}, {}
    for row in rows:
        origin = by_number.get(row["origin_case_number"])
        if origin is None:
            continue
        if row["procedure"] == "second_instance":
            appeal_of[origin["case_number"]] = row
        elif row["procedure"] == "retrial" and row["closed_on"] is not None:
            retrial_of[origin["case_number"]] = row
    for row in rows:
        appeal = appeal_of.get(row["case_number"])
        retrial = retrial_of.get(row["case_number"])
        row["x_appealed"] = row["appealed"] if row["appealed"] is not None else appeal is not None
        linked_appeal_outcome = None
        if appeal is not None and appeal["closed_on"] is not None:
            linked_appeal_outcome = OUTCOME_OF_METHOD.get(appeal["closing_method"], "other")
        row["x_appeal_outcome"] = row["appeal_outcome"] or linked_appeal_outcome
        row["x_appeal_on"] = row["appeal_decided_on"] or (appeal and appeal["closed_on"])
        linked_retrial_outcome = None
        if retrial is not None:
            linked_retrial_outcome = OUTCOME_OF_METHOD.get(retrial["closing_method"], "other")
        row["x_retrial_outcome"] = row["retrial_outcome"] or linked_retrial_outcome
        row["x_retrial_on"] = row["retrial_decided_on"] or (retrial and retrial["closed_on"])
    return rows


def _contributions(row, start, end):
    """(indicator -> (numerator part, denominator part)) of one case for one period."""
    procedure, category = row["procedure"], row["category"]
    w = procedure not in NOT_WORKLOAD
    lit = category in ("civil", "criminal", "administrative") and procedure in (
        "first_instance",
        "second_instance",
        "retrial",
    )
    f = lit and procedure == "first_instance"
    cf = f and category == "civil"
    e = procedure == "enforcement"
    a = procedure not in NOT_FILED_PROCEEDINGS
    filed, closed = row["filed_on"], row["closed_on"]

    def between(day):
        return day is not None and start <= day <= end

    def pending(day):
        return filed <= day and (closed is None or closed > day)

    filed_in, closed_in = between(filed), between(closed)
    day_before_start = start - datetime.timedelta(days=1)
    has_deadline = row["deadline"] is not None
    trial_days = max(0, (closed - filed).days - row["excluded_days"]) if closed else 0
    reversed_on_appeal = row["x_appeal_outcome"] in ("modified", "remanded")
    reversed_on_retrial = row["x_retrial_outcome"] in ("modified", "remanded")
    claimed = e and closed_in and row["amount_applied"] is not None and row["amount_applied"] > 0
    s2 = lit and procedure == "second_instance"
    rt = lit and procedure == "retrial"
    transferred = (
        f and row["appeal_lodged_on"] is not None and between(row["appeal_transferred_on"])
    )
    return {
        "closed_to_filed_ratio": (w and closed_in, w and filed_in),
        "clearance_rate": (w and closed_in, w and (pending(day_before_start) or filed_in)),
        "within_limit_rate": (
            w and closed_in and has_deadline and closed <= row["deadline"],
            w and closed_in and has_deadline,
        ),
        "avg_trial_days": (trial_days if lit and closed_in else 0, lit and closed_in),
        "long_pending_share": (
            lit and pending(end) and plus_months(filed, 12) < end,
            lit and pending(end),
        ),
        "first_instance_acceptance_rate": (
            f and closed_in and not row["x_appealed"],
            f and closed_in,
        ),
        "first_instance_reversal_rate": (
            f and reversed_on_appeal and between(row["x_appeal_on"]),
            f and closed_in,
        ),
        "final_case_reversal_rate": (
            lit and reversed_on_retrial and between(row["x_retrial_on"]),
            lit and closed_in,
        ),
        "mediation_withdrawal_rate": (
            cf and closed_in and row["closing_method"] in ("mediation", "withdrawal"),
            cf and closed_in,
        ),
        "enforcement_recovery_rate": (
            (row["amount_recovered"] or Decimal(0)) if claimed else 0,
            row["amount_applied"] if claimed else 0,
        ),
        "case_to_proceeding_ratio": (
            a and filed_in,
            a and filed_in and row["origin_case_number"] == "",
        ),
        # The SPC's 2024 set (INDICATORS.md, 12–17)
        "appeal_modify_remand_ratio": (
            s2 and closed_in and row["closing_method"] in ("modified", "remanded"),
            s2 and closed_in,
        ),
        "retrial_modify_remand_ratio": (
            rt and closed_in and row["closing_method"] in ("modified", "remanded"),
            rt and closed_in,
        ),
        "appeal_rate": (f and closed_in and row["x_appealed"], f and closed_in),
        "enforcement_completion_rate": (
            e and closed_in and row["closing_method"] == "enforcement_completed",
            e and closed_in,
        ),
        "appeal_hearing_rate": (
            s2 and closed_in and row["hearing_held"] is True,
            s2 and closed_in and row["hearing_held"] is not None,
        ),
        "appeal_transfer_days": (
            (row["appeal_transferred_on"] - row["appeal_lodged_on"]).days if transferred else 0,
            transferred,
        ),
    }


CITY_AND_COURT_ONLY = {"case_to_proceeding_ratio"}
UNIT_OF = {
    "avg_trial_days": "days",
    "case_to_proceeding_ratio": "ratio",
    "appeal_transfer_days": "days",
}


def reference_values(as_of) -> dict[tuple, tuple]:
    """{(period, scope, court_id, division_id, judge_id, indicator): (num, den, value)}."""
    rows = _with_links(
        list(
            Case.objects.values(
                "case_number",
                "origin_case_number",
                "court_id",
                "division_id",
                "judge_id",
                "category",
                "procedure",
                "filed_on",
                "closed_on",
                "closing_method",
                "deadline",
                "excluded_days",
                "appealed",
                "appeal_outcome",
                "appeal_decided_on",
                "retrial_outcome",
                "retrial_decided_on",
                "amount_applied",
                "amount_recovered",
                "origin_case_number",
                "hearing_held",
                "appeal_lodged_on",
                "appeal_transferred_on",
            )
        )
    )
    sums: dict[tuple, list] = defaultdict(lambda: [0, 0])
    for period, (start, end) in periods_of(as_of).items():
        for row in rows:
            units = [
                ("city", None, None, None),
                ("court", row["court_id"], None, None),
                ("division", row["court_id"], row["division_id"], None),
                ("judge", row["court_id"], row["division_id"], row["judge_id"]),
            ]
            for slug, (numerator, denominator) in _contributions(row, start, end).items():
                for unit in units:
                    if slug in CITY_AND_COURT_ONLY and unit[0] not in ("city", "court"):
                        continue
                    total = sums[(period, *unit, slug)]
                    total[0] += numerator
                    total[1] += denominator
    result = {}
    for key, (numerator, denominator) in sums.items():
        factor = FACTOR[UNIT_OF.get(key[-1], "percent")]
        value = None if denominator == 0 else float(numerator) * factor / float(denominator)
        result[key] = (numerator, denominator, value)
    return result
