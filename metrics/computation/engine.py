"""The computation: every indicator of the registry, for every scope unit, in one scan.

The numerators and denominators of all indicators and all requested periods become FILTER
aggregates of one query over cases_case. The cases are first reduced to cells — a unit and the
outcome of every distinct test of the conditions (metrics.computation.factoring), grouped in
parallel workers — and each aggregate sums the cells that meet its condition, per (court, division,
judge); those rows are then rolled up with GROUPING SETS ((), (court), (court, division),
(court, division, judge)) — counts and sums are additive, so the roll-up over the few hundred
judge rows gives the same numbers as grouping the cases four times, for a fraction of the work
(the judge step is MATERIALIZED so that PostgreSQL does not fold it into the grouping sets).
That scan writes a temporary table (a plain CREATE TABLE AS, which PostgreSQL may run in
parallel workers); a second statement unpivots its rows into one row per (period, scope unit,
indicator), scores them against the targets in force (metrics.computation.scoring's SQL) and
inserts them.

Each test is compiled by Django from the indicator's condition (a Q over one case row, joins
refused), the very object the drill-down passes to Case.objects.filter().
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases.models import Case
from cases.runs import RunStatus
from metrics.choices import Scope
from metrics.computation.factoring import Factoring
from metrics.computation.scoring import (
    score_sql,
    threshold_join_sql,
    thresholds_sql,
    totals_refresh,
    weight_sql,
)
from metrics.definitions.conditions import (
    AGE_BUCKETS,
    closed_in,
    count,
    decided_in,
    filed_in,
    pending_aged,
    pending_at,
)
from metrics.definitions.indicators import INDICATORS
from metrics.definitions.periods import ALL_PERIODS, Period
from metrics.definitions.registry import Registry
from metrics.models import ComputationRun, IndicatorValue, PendingAgeProfile, ScopeScore
from metrics.reading.pagecache import results_changed

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key ("metr"): one metrics write at a time.
METRICS_LOCK = 0x6D657472
# The planner settings of the scan statement (SET LOCAL before it, back to the defaults after).
# PostgreSQL cannot tell how few cells the cases fall into (tens of thousands, not one per case):
# - enable_sort off: it would sort every relevant case to group them (measured at 5,000,000
#   cases: 3.2 s sorted, 1.8 s hashed); a hash that outgrows memory spills to disk, so this
#   costs no memory beyond work_mem × hash_mem_multiplier per process;
# - work_mem: room to hash the cells (a cap, not an allocation);
# - parallel costs 0: else it reads the cases in one process;
# - jit off: compiling ~50 FILTER expressions costs seconds and saves less (measured).
# On a small table (below min_parallel_table_scan_size) the plan is the same as without them.
SCAN_SETTINGS = {
    "enable_sort": "off",
    "work_mem": "'256MB'",
    "jit": "off",
    "parallel_setup_cost": "0",
    "parallel_tuple_cost": "0",
}


def scan_settings(cursor, *, reset: bool = False) -> None:
    cursor.execute(
        "; ".join(
            f"SET LOCAL {name} TO {'DEFAULT' if reset else value}"
            for name, value in SCAN_SETTINGS.items()
        )
    )


ROLLED_TABLE = "metrics_rolled"

# GROUPING(court_id, division_id, judge_id) -> scope: a bit is set for each level rolled up.
LEVEL_SCOPES = {7: Scope.CITY, 3: Scope.COURT, 1: Scope.DIVISION, 0: Scope.JUDGE}


@dataclass(frozen=True)
class CompiledPass:
    """The SQL of one pass: the aggregate scan into a temporary table, then the store."""

    aggregate_sql: str
    aggregate_params: list
    store_sql: str
    store_params: list
    ages_sql: str
    ages_params: list
    # The parts, for a pass whose base rows are computed elsewhere (metrics.computation.fanout): the
    # per-(court, division, judge) rows (court_id, division_id, judge_id, cases, then one
    # column per measure alias), and the roll-up over a CTE named `base` of that shape.
    base_sql: str
    base_params: list
    rollup_sql: str
    aliases: list[str]


def scan_restriction(span: Period) -> Q:
    """The cases that can count in any measure of a period within `span`: a superset of every
    condition of the registry, so leaving the other cases out of the scan changes no number.

    Every measure of INDICATORS.md is an AND of a case set with one of: filed in P, closed in P,
    pending at start (P.start − 1), pending or long-pending at P.end, an appeal or a retrial
    decided in P, an appeal's file transferred in P (the SPC's #17). For P within span: filed or
    closed in P is filed or closed in span; a case pending at a day d of [span.start − 1,
    span.end] was either filed in span, or filed by span.start − 1 and not closed by then
    (closed_on > d ≥ span.start − 1), that is pending at span.start − 1; a decision or a
    transfer in P is one in span.
    """
    return (
        filed_in(span)
        | closed_in(span)
        | pending_at(span.day_before_start)
        | decided_in("effective_appeal_decided_on", span)
        | decided_in("effective_retrial_decided_on", span)
        | decided_in("appeal_transferred_on", span)
    )


def compile_pass(
    *,
    as_of: datetime.date,
    periods: Sequence[str],
    indicators: Registry = INDICATORS,
    courts: Sequence[int] | None = None,
) -> CompiledPass:
    """The SQL that computes and stores `indicators` for `periods` as of a day; with `courts`,
    the scan reads only their cases (a chunk of metrics.computation.fanout)."""
    query = Case.objects.all().query
    compiler = query.get_compiler(connection=connection)
    factoring = Factoring(query=query, compiler=compiler)
    unpivot_sql: list[str] = []
    unpivot_params: list = []
    for kind in periods:
        period = Period.of(kind, as_of)
        for indicator in indicators.values():
            numerator = factoring.add(indicator.numerator(period))
            denominator = factoring.add(indicator.denominator(period))
            # "No data": the unit's cases that should record what the indicator needs, and
            # those that do, counted in the same scan (null: it needs nothing optional).
            population, recorded = "NULL", "NULL"
            if indicator.coverage is not None:
                population = f"r.{factoring.add(indicator.coverage.population(period))}"
                recorded = f"r.{factoring.add(indicator.coverage.recorded(period))}"
            unpivot_sql.append(
                f"(%s, %s, r.{numerator}::numeric, r.{denominator}::numeric, %s::float8, %s, "
                f"%s::smallint, {population}::bigint, {recorded}::bigint)"
            )
            scopes = sorted(str(scope) for scope in indicator.scopes)
            unpivot_params.extend(
                [period.kind, indicator.slug, indicator.factor, scopes, indicator.version]
            )

    # The age profile of the pending caseload at as_of, the end of every period.
    ages = [factoring.add(count(pending_aged(as_of, low, high))) for low, high in AGE_BUCKETS]

    chosen = [Period.of(kind, as_of) for kind in periods]
    span = Period(start=min(p.start for p in chosen), end=max(p.end for p in chosen))
    restriction = scan_restriction(span)
    if courts is not None:
        restriction &= Q(court_id__in=list(courts))
    where_node = restriction.resolve_expression(query, allow_joins=False)
    where_sql, where_params = compiler.compile(where_node)
    factored = factoring.build(where_sql=where_sql, where_params=list(where_params))
    aliases = factored.aliases
    th_sql, th_params = thresholds_sql()
    threshold_join = threshold_join_sql(
        th="th", indicator="u.indicator", period="u.period", month=str(as_of.month)
    )
    level_sql = " ".join(f"WHEN {level} THEN '{scope}'" for level, scope in LEVEL_SCOPES.items())
    # Step 1, the scan: a plain query (no data-modifying CTE), so PostgreSQL may run it in
    # parallel workers.
    units_where, units_params = ("", [])
    if courts is not None:
        units_where, units_params = "WHERE court_id = ANY(%s)", [list(courts)]
    base_ctes = f"""
        units AS (
          SELECT court_id, division_id, judge_id, COUNT(*) AS cases
          FROM cases_case {units_where}
          GROUP BY court_id, division_id, judge_id
        ), cells AS (
          {factored.cells_sql}
        ), relevant AS (
          SELECT court_id, division_id, judge_id, {", ".join(factored.aggregates)}
          FROM cells
          GROUP BY court_id, division_id, judge_id
        ), base AS MATERIALIZED (
          SELECT u.court_id, u.division_id, u.judge_id, u.cases,
                 {", ".join(f"COALESCE(r.{alias}, 0) AS {alias}" for alias in aliases)}
          FROM units u LEFT JOIN relevant r ON r.court_id = u.court_id
            AND r.division_id = u.division_id AND r.judge_id = u.judge_id
        )"""
    rollup = f"""
        SELECT CASE GROUPING(court_id, division_id, judge_id) {level_sql} END AS scope,
               court_id, division_id, judge_id, COALESCE(SUM(cases), 0) AS cases,
               {", ".join(f"COALESCE(SUM({alias}), 0) AS {alias}" for alias in aliases)}
        FROM base
        GROUP BY GROUPING SETS ((), (court_id), (court_id, division_id),
                                (court_id, division_id, judge_id))
    """
    aggregate = f"CREATE TEMP TABLE {ROLLED_TABLE} ON COMMIT DROP AS WITH {base_ctes} {rollup}"
    # Step 2, the few hundred unit rows: unpivot, value, score, insert.
    store = f"""
        WITH th AS ({th_sql}), inserted AS (
        INSERT INTO {IndicatorValue._meta.db_table}
          (as_of, period, scope, court_id, division_id, judge_id, indicator, version,
           numerator, denominator, value, no_data, weight, score)
        SELECT %s, u.period, r.scope, r.court_id, r.division_id, r.judge_id,
               u.indicator, u.version, u.numerator, u.denominator, v.value,
               -- no value because nothing is recorded, though there are cases to record
               COALESCE(u.denominator = 0 AND u.population > 0 AND u.recorded = 0, false),
               {weight_sql(value="v.value", th="th")}, {score_sql(value="v.value", th="th")}
        FROM {ROLLED_TABLE} r
        CROSS JOIN LATERAL (VALUES {", ".join(unpivot_sql)})
          AS u(period, indicator, numerator, denominator, factor, scopes, version, population,
               recorded)
        -- null, never 0, for a zero denominator
        CROSS JOIN LATERAL (SELECT CASE WHEN u.denominator = 0 THEN NULL
          ELSE u.numerator::float8 * u.factor / u.denominator::float8 END AS value) v
        LEFT JOIN th ON {threshold_join}
        WHERE r.scope = ANY(u.scopes::text[])
        RETURNING period, scope, court_id, division_id, judge_id
        )
        SELECT i.period, COUNT(*),
               COUNT(DISTINCT (i.scope, i.court_id, i.division_id, i.judge_id)),
               (SELECT cases FROM {ROLLED_TABLE} WHERE scope = 'city')
        FROM inserted i GROUP BY i.period
    """
    # Step 3: the same age profile under each period (they all end on as_of).
    ages_store = f"""
        INSERT INTO {PendingAgeProfile._meta.db_table}
          (as_of, period, scope, court_id, division_id, judge_id, counts)
        SELECT %s, p.kind, r.scope, r.court_id, r.division_id, r.judge_id,
               ARRAY[{", ".join(f"r.{alias}::int" for alias in ages)}]
        FROM {ROLLED_TABLE} r CROSS JOIN unnest(%s::text[]) AS p(kind)
    """
    return CompiledPass(
        aggregate_sql=aggregate,
        aggregate_params=[*units_params, *factored.cells_params],
        store_sql=store,
        store_params=[*th_params, as_of, *unpivot_params],
        ages_sql=ages_store,
        ages_params=[as_of, list(periods)],
        base_sql=f"WITH {base_ctes} SELECT * FROM base",
        base_params=[*units_params, *factored.cells_params],
        rollup_sql=rollup,
        aliases=list(aliases),
    )


@dataclass(frozen=True)
class PassResult:
    period: str
    values: int
    scopes: int
    cases: int


# Where a pass's base rows come from instead of its own scan (metrics.computation.fanout): called
# with as_of and periods before the pass's transaction, it returns a query (SQL, params) of rows
# shaped as CompiledPass.base_sql's.
BaseRows = Callable[[datetime.date, list[str]], tuple[str, list]]


def _run_pass(
    compiled: CompiledPass, *, base_rows: tuple[str, list] | None = None
) -> list[PassResult]:
    aggregate_sql, aggregate_params = compiled.aggregate_sql, compiled.aggregate_params
    if base_rows is not None:
        aggregate_sql = (
            f"CREATE TEMP TABLE {ROLLED_TABLE} ON COMMIT DROP AS "
            f"WITH base AS MATERIALIZED ({base_rows[0]}) {compiled.rollup_sql}"
        )
        aggregate_params = base_rows[1]
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {ROLLED_TABLE}")
        scan_settings(cursor)
        cursor.execute(aggregate_sql, aggregate_params)
        scan_settings(cursor, reset=True)
        cursor.execute(compiled.store_sql, compiled.store_params)
        results = [PassResult(*row) for row in cursor.fetchall()]
        cursor.execute(compiled.ages_sql, compiled.ages_params)
        cursor.execute(f"DROP TABLE {ROLLED_TABLE}")
        return results


RUN_FIELDS = ["status", "started_at", "finished_at", "cases", "scopes", "values", "error"]


def _runs_mark(*, as_of: datetime.date, results: dict[str, dict]) -> None:
    """Upsert the run rows of one day, one per period, in one statement."""
    ComputationRun.objects.bulk_create(
        [ComputationRun(as_of=as_of, period=kind, **fields) for kind, fields in results.items()],
        update_conflicts=True,
        unique_fields=["as_of", "period"],
        update_fields=RUN_FIELDS,
    )


def metrics_compute(
    *,
    as_of: datetime.date,
    periods: Sequence[str] = ALL_PERIODS,
    base_rows: BaseRows | None = None,
) -> list[ComputationRun]:
    """Compute, score and rank every indicator for every scope unit and period, as of a day.

    Delete-and-replace of that day's stored results for those periods, in one transaction under
    an advisory lock: a run killed halfway leaves the previous results, and running it again
    gives the same stored result. Outside a transaction, a "running" row is visible meanwhile,
    and a failure is recorded as "failed". With `base_rows` (metrics.computation.fanout), the base
    rows are made by it, before the transaction, and the pass rolls them up instead of scanning.
    """
    periods = list(dict.fromkeys(periods))
    started_at = timezone.now()
    in_outer_transaction = connection.in_atomic_block
    running = {"status": RunStatus.RUNNING, "started_at": started_at, "finished_at": None}
    if not in_outer_transaction:
        _runs_mark(as_of=as_of, results={kind: running for kind in periods})
    try:
        staged = base_rows(as_of, periods) if base_rows is not None else None
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [METRICS_LOCK])
            IndicatorValue.objects.filter(as_of=as_of, period__in=periods).delete()
            ScopeScore.objects.filter(as_of=as_of, period__in=periods).delete()
            PendingAgeProfile.objects.filter(as_of=as_of, period__in=periods).delete()
            results = _run_pass(compile_pass(as_of=as_of, periods=periods), base_rows=staged)
            totals_refresh(as_of_from=as_of, as_of_to=as_of, periods=periods)
            finished_at = timezone.now()
            by_period = {result.period: result for result in results}
            done = {}
            for kind in periods:
                result = by_period.get(kind, PassResult(kind, 0, 0, 0))
                done[kind] = {
                    "status": RunStatus.DONE,
                    "started_at": started_at,
                    "finished_at": finished_at,
                    "cases": result.cases,
                    "scopes": result.scopes,
                    "values": result.values,
                    "error": "",
                }
            _runs_mark(as_of=as_of, results=done)
            results_changed()  # cached pages: a new results generation, on commit
    except Exception as error:
        if not in_outer_transaction:
            failed = {
                "status": RunStatus.FAILED,
                "started_at": started_at,
                "finished_at": timezone.now(),
                "error": repr(error)[:2000],
            }
            _runs_mark(as_of=as_of, results={kind: failed for kind in periods})
        raise
    logger.info("metrics computed as of %s for %s", as_of, ", ".join(periods))
    return list(ComputationRun.objects.filter(as_of=as_of, period__in=periods))


def metrics_backfill(
    *,
    date_from: datetime.date,
    date_to: datetime.date,
    periods: Sequence[str] = ALL_PERIODS,
    skip_done: bool = False,
    progress=None,
) -> int:
    """A daily history: metrics_compute for each day, each in its own transaction. With
    `skip_done`, days whose runs of all `periods` are done are skipped, so a killed backfill
    resumes where it stopped. Returns the number of days computed."""
    done: set[datetime.date] = set()
    if skip_done:
        finished = ComputationRun.objects.filter(
            as_of__range=(date_from, date_to), period__in=periods, status=RunStatus.DONE
        )
        counts: dict[datetime.date, int] = {}
        for as_of in finished.values_list("as_of", flat=True):
            counts[as_of] = counts.get(as_of, 0) + 1
        done = {as_of for as_of, count in counts.items() if count == len(set(periods))}
    day, days = date_from, 0
    while day <= date_to:
        if day not in done:
            metrics_compute(as_of=day, periods=periods)
            days += 1
            if progress is not None:
                progress(day)
        day += datetime.timedelta(days=1)
    return days
