"""Benchmarks of the computation (bench_metrics): the engine, a bare scan, and the naive way.

The naive way reads the case columns into pandas and computes the same numerators and
denominators with boolean masks and groupby, at each of the four levels. It exists only to be
timed against the engine (and checked against it); nothing shown to users comes from here.
"""

from __future__ import annotations

import datetime
import resource
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd
from django.db import connection

from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import ALL_PERIODS, Period, long_pending_cutoff
from metrics.models import ComputationRun, IndicatorValue, PendingAgeProfile, ScopeScore
from metrics.services import metrics_compute

COLUMNS = [
    "court_id",
    "division_id",
    "judge_id",
    "category",
    "procedure",
    "filed_on",
    "closed_on",
    "closing_method",
    "deadline",
    "trial_days",
    "origin_case_number",
    "effective_appealed",
    "effective_appeal_outcome",
    "effective_appeal_decided_on",
    "effective_retrial_outcome",
    "effective_retrial_decided_on",
    "amount_applied",
    "amount_recovered",
    "hearing_held",
    "appeal_lodged_on",
    "appeal_transferred_on",
    "transfer_days",
]
DATE_COLUMNS = [
    "filed_on",
    "closed_on",
    "deadline",
    "effective_appeal_decided_on",
    "effective_retrial_decided_on",
    "appeal_lodged_on",
    "appeal_transferred_on",
]
LEVELS = {
    "city": [],
    "court": ["court_id"],
    "division": ["court_id", "division_id"],
    "judge": ["court_id", "division_id", "judge_id"],
}


def peak_memory_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(function: Callable) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def nightly(as_of: datetime.date) -> None:
    """What the nightly job does: YTD, QTD and MTD, all scopes, scores and rankings."""
    metrics_compute(as_of=as_of, periods=ALL_PERIODS)


def vacuum(*tables: str) -> None:
    """VACUUM (ANALYZE) tables, as autovacuum would have by the night: visibility map, hint bits,
    statistics, no dead rows. Only outside a transaction (VACUUM cannot run inside one)."""
    if connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM (ANALYZE) {', '.join(tables)}")


def fresh_day(as_of: datetime.date) -> None:
    """Before a timed run: the day's stored results removed and their tables vacuumed, so each
    run is what the nightly job does — a day not computed before — not a rerun over the dead
    rows of the last repetition."""
    tables = [IndicatorValue, ScopeScore, PendingAgeProfile, ComputationRun]
    for model in tables:
        model.objects.filter(as_of=as_of).delete()
    vacuum(*(model._meta.db_table for model in tables))


def timed_nightly(as_of: datetime.date) -> float:
    fresh_day(as_of)
    return timed(lambda: nightly(as_of))[0]


def bare_scan() -> tuple:
    """One pass over the same case columns, with no condition: the floor for any computation."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT COUNT(*), COUNT(DISTINCT judge_id), SUM(trial_days),
                   SUM(amount_applied), SUM(amount_recovered),
                   MAX(filed_on), MAX(closed_on), MAX(deadline),
                   MAX(effective_appeal_decided_on), MAX(effective_retrial_decided_on),
                   COUNT(*) FILTER (WHERE effective_appealed),
                   MAX(category), MAX(procedure), MAX(closing_method),
                   MAX(effective_appeal_outcome), MAX(effective_retrial_outcome),
                   MAX(origin_case_number), SUM(court_id), SUM(division_id),
                   COUNT(*) FILTER (WHERE hearing_held), MAX(appeal_lodged_on),
                   MAX(appeal_transferred_on), SUM(transfer_days)
            FROM cases_case
            """
        )
        return cursor.fetchone()


def read_cases_frame() -> pd.DataFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # pandas prefers SQLAlchemy; DBAPI is fine
        connection.ensure_connection()
        frame = pd.read_sql(f"SELECT {', '.join(COLUMNS)} FROM cases_case", connection.connection)
    for column in DATE_COLUMNS:
        frame[column] = pd.to_datetime(frame[column])
    for column in ("amount_applied", "amount_recovered", "transfer_days"):
        frame[column] = frame[column].astype(float)
    return frame


def pandas_measures(frame: pd.DataFrame, period: Period) -> dict[str, tuple[pd.Series, ...]]:
    """(numerator, denominator) series per indicator: 0/1 for counts, amounts for sums."""
    start, end = pd.Timestamp(period.start), pd.Timestamp(period.end)
    before = pd.Timestamp(period.day_before_start)
    procedure, category = frame["procedure"], frame["category"]
    w = ~procedure.isin(["preservation", "enforcement_resumed", "pre_suit"])
    lit = category.isin(["civil", "criminal", "administrative"]) & procedure.isin(
        ["first_instance", "second_instance", "retrial"]
    )
    f = lit & (procedure == "first_instance")
    cf = f & (category == "civil")
    e = procedure == "enforcement"
    a = ~procedure.isin(["preservation", "pre_suit"])
    filed, closed = frame["filed_on"], frame["closed_on"]
    filed_in = (filed >= start) & (filed <= end)
    closed_in = (closed >= start) & (closed <= end)

    def pending(day):
        return (filed <= day) & (closed.isna() | (closed > day))

    long_pending = pending(end) & (filed <= pd.Timestamp(long_pending_cutoff(period.end)))
    reversed_outcomes = ["modified", "remanded"]
    appeal_on, retrial_on = (
        frame["effective_appeal_decided_on"],
        frame["effective_retrial_decided_on"],
    )
    claimed = e & closed_in & (frame["amount_applied"] > 0)
    s2 = lit & (procedure == "second_instance")
    rt = lit & (procedure == "retrial")
    transfer_on = frame["appeal_transferred_on"]
    transferred = (
        f & frame["appeal_lodged_on"].notna() & (transfer_on >= start) & (transfer_on <= end)
    )
    return {
        "closed_to_filed_ratio": (w & closed_in, w & filed_in),
        "clearance_rate": (w & closed_in, w & (pending(before) | filed_in)),
        "within_limit_rate": (
            w & closed_in & frame["deadline"].notna() & (closed <= frame["deadline"]),
            w & closed_in & frame["deadline"].notna(),
        ),
        "avg_trial_days": (frame["trial_days"].where(lit & closed_in, 0), lit & closed_in),
        "long_pending_share": (lit & long_pending, lit & pending(end)),
        "first_instance_acceptance_rate": (
            f & closed_in & ~frame["effective_appealed"],
            f & closed_in,
        ),
        "first_instance_reversal_rate": (
            f
            & frame["effective_appeal_outcome"].isin(reversed_outcomes)
            & (appeal_on >= start)
            & (appeal_on <= end),
            f & closed_in,
        ),
        "final_case_reversal_rate": (
            lit
            & frame["effective_retrial_outcome"].isin(reversed_outcomes)
            & (retrial_on >= start)
            & (retrial_on <= end),
            lit & closed_in,
        ),
        "mediation_withdrawal_rate": (
            cf & closed_in & frame["closing_method"].isin(["mediation", "withdrawal"]),
            cf & closed_in,
        ),
        "enforcement_recovery_rate": (
            frame["amount_recovered"].where(claimed, 0).fillna(0),
            frame["amount_applied"].where(claimed, 0),
        ),
        "case_to_proceeding_ratio": (
            a & filed_in,
            a & filed_in & (frame["origin_case_number"] == ""),
        ),
        # The SPC's 2024 set
        "appeal_modify_remand_ratio": (
            s2 & closed_in & frame["closing_method"].isin(reversed_outcomes),
            s2 & closed_in,
        ),
        "retrial_modify_remand_ratio": (
            rt & closed_in & frame["closing_method"].isin(reversed_outcomes),
            rt & closed_in,
        ),
        "appeal_rate": (f & closed_in & frame["effective_appealed"], f & closed_in),
        "enforcement_completion_rate": (
            e & closed_in & (frame["closing_method"] == "enforcement_completed"),
            e & closed_in,
        ),
        "appeal_hearing_rate": (
            s2 & closed_in & frame["hearing_held"].eq(True),
            s2 & closed_in & frame["hearing_held"].notna(),
        ),
        "appeal_transfer_days": (
            frame["transfer_days"].where(transferred, 0).fillna(0),
            transferred,
        ),
    }


def pandas_indicators(frame: pd.DataFrame, as_of: datetime.date) -> dict[tuple, tuple]:
    """{(period, scope, court_id, division_id, judge_id, indicator): (num, den, value)}."""
    results: dict[tuple, tuple] = {}
    for kind in ALL_PERIODS:
        period = Period.of(kind, as_of)
        columns = {}
        for slug, (numerator, denominator) in pandas_measures(frame, period).items():
            columns[f"{slug}|n"] = numerator.astype(float)
            columns[f"{slug}|d"] = denominator.astype(float)
        measures = pd.DataFrame(columns)
        measures[LEVELS["judge"]] = frame[LEVELS["judge"]]
        for scope, keys in LEVELS.items():
            if keys:
                grouped = measures.groupby(keys).sum()
            else:
                grouped = measures.drop(columns=LEVELS["judge"]).sum().to_frame().T
            for index, row in grouped.iterrows():
                ids = list(index) if isinstance(index, tuple) else [index] if keys else []
                ids += [None] * (3 - len(ids))
                for slug, indicator in INDICATORS.items():
                    if scope not in indicator.scopes:
                        continue
                    numerator, denominator = row[f"{slug}|n"], row[f"{slug}|d"]
                    value = numerator * indicator.factor / denominator if denominator else None
                    results[(kind, scope, *ids, slug)] = (numerator, denominator, value)
    return results


def engine_disagreements(expected: dict[tuple, tuple], as_of: datetime.date) -> int:
    """How many stored (numerator, denominator) pairs differ from `expected` (or are missing)."""
    stored = {
        (row.period, row.scope, row.court_id, row.division_id, row.judge_id, row.indicator): row
        for row in IndicatorValue.objects.filter(as_of=as_of)
    }
    differing = len(set(stored) ^ set(expected))
    for key, (numerator, denominator, _) in expected.items():
        row = stored.get(key)
        if row is None:
            continue
        if (
            abs(float(row.numerator) - numerator) > 0.005
            or abs(float(row.denominator) - denominator) > 0.005
        ):
            differing += 1
    return differing


@dataclass
class BenchResult:
    cases: int
    as_of: datetime.date
    seconds: dict[str, float] = field(default_factory=dict)
    memory_mb: dict[str, float] = field(default_factory=dict)
    disagreements: int = 0


def bench(*, as_of: datetime.date, repeat: int = 3, naive: bool = True) -> BenchResult:
    """Time the nightly computation (best of `repeat`, each on a fresh day), a bare scan, and the
    naive way, after one VACUUM (ANALYZE) of the case table that all three read."""
    from cases.models import Case

    result = BenchResult(cases=Case.objects.count(), as_of=as_of)
    vacuum(Case._meta.db_table)
    result.seconds["nightly"] = min(timed_nightly(as_of) for _ in range(repeat))
    result.memory_mb["after nightly"] = peak_memory_mb()
    result.seconds["bare scan"] = min(timed(bare_scan)[0] for _ in range(repeat))
    if naive:
        read_seconds, frame = timed(read_cases_frame)
        compute_seconds, expected = timed(lambda: pandas_indicators(frame, as_of))
        result.seconds["pandas read"] = read_seconds
        result.seconds["pandas compute"] = compute_seconds
        result.seconds["pandas"] = read_seconds + compute_seconds
        result.memory_mb["after pandas"] = peak_memory_mb()
        result.disagreements = engine_disagreements(expected, as_of)
    return result


# The dashboard pages, timed in-process (the Django test client: no network, no browser).

PAGE_CASE_TABLE = '"cases_case"'
# What every page reads whatever it shows (the top bar's count of the user's work queue) is
# measured on a page with no data of its own and is not the dashboard's own reading.
BASELINE_PAGE = "password_change"


@dataclass
class PageTiming:
    label: str
    url: str
    median_ms: float
    max_ms: float
    queries: int
    case_queries: int  # the page's own reads of the case table, beyond what every page reads
    # (the top bar's work-queue count): a dashboard should make none


def bench_user():
    """The trial-management office of the top court (a city's intermediate court, a province's
    high court), created if absent with no usable password: it sees every unit."""
    from cases.choices import Role
    from cases.models import Court, User
    from cases.units import top_court_id

    court = Court.objects.filter(pk=top_court_id()).first()
    if court is None:
        raise ValueError("no court: seed or import the city first")
    user, created = User.objects.get_or_create(
        username="bench_pages", defaults={"role": Role.OFFICE, "court": court}
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def page_urls(as_of: datetime.date) -> list[tuple[str, str]]:
    """(label, url) of each dashboard page at each level, for the busiest unit of each level."""
    from cases.units import ScopeKey
    from metrics.choices import Scope
    from metrics.views.common import page_url

    def busiest(scope: Scope) -> ScopeKey:
        row = (
            IndicatorValue.objects.filter(
                as_of=as_of, period="ytd", scope=scope, indicator="clearance_rate"
            )
            .order_by("-denominator")
            .first()
        )
        return ScopeKey.of_row(row)

    slug = "within_limit_rate"
    units = [("city", ScopeKey.city())]
    units += [(scope.value, busiest(scope)) for scope in (Scope.COURT, Scope.DIVISION, Scope.JUDGE)]
    urls = []
    for level, unit in units:
        urls.append((f"overview · {level}", page_url("overview", unit=unit, as_of=as_of)))
        urls.append((f"drill · {level}", page_url("drill", slug=slug, unit=unit, as_of=as_of)))
        urls.append((f"trend · {level}", page_url("trend", slug=slug, unit=unit, as_of=as_of)))
        urls.append((f"case list · {level}", page_url("cases", slug=slug, unit=unit, as_of=as_of)))
    urls.append(("weekly ranking · city", page_url("ranking", as_of=as_of)))
    urls.append(("indicator page", page_url("indicator", slug=slug)))
    return urls


def bench_pages(*, as_of: datetime.date, repeat: int = 5) -> list[PageTiming]:
    """Each page requested once to warm up, then `repeat` times: the median and worst time,
    and the SQL queries of one request (how many read the case table)."""
    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else None)
    client.force_login(bench_user(), backend="django.contrib.auth.backends.ModelBackend")
    timings = []

    def statements_of(url: str) -> list[str]:
        statements: list[str] = []

        def recorded(execute, sql, params, many, context):
            statements.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(recorded):
            response = client.get(url, secure=True)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return statements

    def case_reads(statements: list[str]) -> int:
        return sum(PAGE_CASE_TABLE in sql for sql in statements)

    baseline = case_reads(statements_of(reverse(BASELINE_PAGE)))
    for label, url in page_urls(as_of):
        statements = statements_of(url)
        seconds = sorted(
            timed(lambda url=url: client.get(url, secure=True))[0] for _ in range(repeat)
        )
        timings.append(
            PageTiming(
                label=label,
                url=url,
                median_ms=1000 * seconds[len(seconds) // 2],
                max_ms=1000 * seconds[-1],
                queries=len(statements),
                case_queries=case_reads(statements) - baseline,
            )
        )
    return timings
