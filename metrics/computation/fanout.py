"""The nightly pass fanned out per court across Celery workers, then rolled up and stored once.

`metrics_fanout(as_of=…, periods=…)` computes exactly what
metrics.computation.engine.metrics_compute does (the test suite compares every stored row), in three
steps:

1. **Stage.** The courts, in id order, are cut into chunks of COURTDASH_NIGHTLY_FANOUT_CHUNK
   courts; one FanoutChunk row each under a new run id, committed, and one Celery task
   (metrics.tasks.compute_fanout_chunks) per chunk. This runs on a database connection of its
   own, so that the workers see the chunks even when the caller is inside a transaction (the
   nightly's).
2. **Work.** Each task — and the caller too — claims a chunk not done (FOR UPDATE SKIP LOCKED),
   computes its base rows with the engine's own scan restricted to its courts
   (compile_pass(courts=…): cells → one row per (court, division, judge)) into FanoutBaseRow,
   and marks it done, all in one transaction. When nothing is left to claim, the caller waits
   on the chunks still held (FOR UPDATE without SKIP LOCKED): a worker's commit releases its
   chunk done; a dead worker's connection releases it undone, and the caller computes it. So a
   run finishes with no worker at all (a broker down: the caller does every chunk), and a
   killed worker costs its chunk again, not the run.
3. **Roll up and store.** metrics_compute(base_rows=…) rolls the staged rows up with the single
   pass's GROUPING SETS and stores them with its SQL, in its transaction, under its advisory
   lock, with its run rows. Every measure is a count or a sum, so the chunks' rows add up to
   the single pass's numbers.

Completion goes through the database, not a Celery chord: a chord needs a result backend
(CELERY_RESULT_BACKEND is None) and runs its callback on some worker, outside the nightly's
lock, run rows and transaction; here the row that a worker locks is the one that says its chunk
is done, so a lost worker is noticed when its connection closes, with no timeout to tune, and
no worker slot is spent waiting on the others.

One difference from the single pass: each chunk reads the cases at its own moment, not in one
snapshot. Run it, as the nightly does, after the night's import.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Sequence

from celery import current_app
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connection, connections
from kombu.exceptions import OperationalError as BrokerError

from cases.models import Court
from metrics.computation.engine import compile_pass, metrics_compute, scan_settings
from metrics.definitions.periods import ALL_PERIODS
from metrics.models import ComputationRun, FanoutBaseRow, FanoutChunk

logger = logging.getLogger(__name__)

CHUNKS = FanoutChunk._meta.db_table
BASE_ROWS = FanoutBaseRow._meta.db_table
CHUNK_TABLE = "metrics_fanout_chunk_rows"  # temporary, one chunk's base rows
# Staging of a run that never finished (its caller died) is removed by the next run after this.
STALE_AFTER = datetime.timedelta(hours=12)
FANOUT_TASK = "metrics.tasks.compute_fanout_chunks"
# How often a caller that does not work itself (work=False) looks whether the chunks are done.
POLL_SECONDS = 0.2


def metrics_fanout(
    *,
    as_of: datetime.date,
    periods: Sequence[str] = ALL_PERIODS,
    chunk: int | None = None,
    queue: str | None = None,
    work: bool = True,
) -> list[ComputationRun]:
    """metrics_compute's result, computed in chunks of `chunk` courts (default
    COURTDASH_NIGHTLY_FANOUT_CHUNK; 0: the single pass) by Celery workers on `queue` (default
    COURTDASH_NIGHTLY_FANOUT_QUEUE, else Celery's default queue) and by the caller itself
    (unless `work` is false: then it only waits for the workers)."""
    chunk = settings.COURTDASH_NIGHTLY_FANOUT_CHUNK if chunk is None else chunk
    if chunk <= 0:
        return metrics_compute(as_of=as_of, periods=periods)
    queue = queue or settings.COURTDASH_NIGHTLY_FANOUT_QUEUE or None
    run = uuid.uuid4()

    def base_rows(as_of: datetime.date, periods: list[str]) -> tuple[str, list]:
        own = connections.create_connection(DEFAULT_DB_ALIAS)
        try:
            chunks = _stage(own, run=run, as_of=as_of, periods=periods, chunk=chunk)
            _dispatch(run=run, chunks=chunks, queue=queue)
            if work:
                while fanout_chunk_compute(own, run=run, wait=False):
                    pass
                while fanout_chunk_compute(own, run=run, wait=True):
                    pass  # a chunk whose worker died: ours now
            else:
                while _undone(own, run=run):
                    time.sleep(POLL_SECONDS)
        finally:
            own.close()
        aliases = compile_pass(as_of=as_of, periods=periods).aliases
        columns = ", ".join(f"measures[{i}] AS {alias}" for i, alias in enumerate(aliases, 1))
        return (
            f"SELECT court_id, division_id, judge_id, cases, {columns} "
            f"FROM {BASE_ROWS} WHERE run = %s::uuid",
            [str(run)],
        )

    try:
        return metrics_compute(as_of=as_of, periods=periods, base_rows=base_rows)
    finally:
        _discard(run)


def fanout_chunk_compute(db, *, run: uuid.UUID | str, wait: bool) -> bool:
    """Claim one chunk of `run` not done, stage its base rows and mark it done, in one
    transaction on the connection `db`. False when there is none left: with `wait`, after the
    chunks held by others have been released."""
    if db.in_atomic_block:
        raise RuntimeError("a fan-out chunk commits on its own: call it outside a transaction")
    db.set_autocommit(False)
    try:
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT id, as_of, periods, courts, fingerprint FROM {CHUNKS} "
                "WHERE run = %s AND done_at IS NULL ORDER BY number LIMIT 1 "
                f"FOR UPDATE{'' if wait else ' SKIP LOCKED'}",
                [str(run)],
            )
            claimed = cursor.fetchone()
            if claimed is None:
                db.rollback()
                return False
            chunk_id, as_of, periods, courts, caller_fingerprint = claimed
            if fingerprint(as_of=as_of, periods=periods) != caller_fingerprint:
                logger.warning("fan-out %s: this worker's measures differ, chunk left", run)
                db.rollback()
                return False
            compiled = compile_pass(as_of=as_of, periods=periods, courts=courts)
            measures = ", ".join(compiled.aliases)
            # The scan into a temporary table first: PostgreSQL runs a CREATE TABLE AS in
            # parallel workers, never an INSERT … SELECT.
            cursor.execute(f"DROP TABLE IF EXISTS {CHUNK_TABLE}")
            scan_settings(cursor)
            cursor.execute(
                f"CREATE TEMP TABLE {CHUNK_TABLE} ON COMMIT DROP AS {compiled.base_sql}",
                compiled.base_params,
            )
            scan_settings(cursor, reset=True)
            cursor.execute(
                f"INSERT INTO {BASE_ROWS} "
                "(run, court_id, division_id, judge_id, cases, measures) "
                f"SELECT %s, court_id, division_id, judge_id, cases, ARRAY[{measures}]::numeric[] "
                f"FROM {CHUNK_TABLE}",
                [str(run)],
            )
            cursor.execute(
                f"UPDATE {CHUNKS} SET done_at = now(), done_by = %s WHERE id = %s",
                [f"{socket.gethostname()}:{os.getpid()}", chunk_id],
            )
        db.commit()
        return True
    except BaseException:
        db.rollback()
        raise
    finally:
        db.set_autocommit(True)


def fanout_chunks_work(*, run: str) -> int:
    """A worker's share of a run (metrics.tasks.compute_fanout_chunks): chunks until none is
    left to claim. Returns how many it computed."""
    done = 0
    while fanout_chunk_compute(connection, run=run, wait=False):
        done += 1
    return done


def fingerprint(*, as_of: datetime.date, periods: Sequence[str]) -> str:
    """A digest of the pass's base rows query: the same on the caller and on a worker whose
    registry and engine are the same code."""
    compiled = compile_pass(as_of=as_of, periods=periods)
    text = f"{compiled.base_sql}|{compiled.base_params!r}|{compiled.aliases!r}"
    return hashlib.sha256(text.encode()).hexdigest()


def _stage(db, *, run, as_of, periods, chunk: int) -> int:
    """The run's chunk rows, committed; and the staging of runs that died long ago, removed."""
    courts = list(Court.objects.order_by("id").values_list("id", flat=True))
    mark = fingerprint(as_of=as_of, periods=periods)
    rows = [
        [str(run), number, as_of, list(periods), courts[start : start + chunk], mark]
        for number, start in enumerate(range(0, len(courts), chunk))
    ]
    with db.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {BASE_ROWS} WHERE run IN "
            f"(SELECT run FROM {CHUNKS} WHERE created_at < now() - %s)",
            [STALE_AFTER],
        )
        cursor.execute(f"DELETE FROM {CHUNKS} WHERE created_at < now() - %s", [STALE_AFTER])
        cursor.executemany(
            f"INSERT INTO {CHUNKS} "
            "(run, number, as_of, periods, courts, fingerprint, created_at, done_by) "
            "VALUES (%s, %s, %s, %s, %s, %s, now(), '')",
            rows,
        )
    return len(rows)


def _dispatch(*, run, chunks: int, queue: str | None) -> None:
    # Sent at once, not on commit: the chunks are committed on the staging connection, and the
    # caller's own transaction (the nightly's) commits only after the workers are done. By name:
    # metrics.tasks imports this module.
    try:
        for _ in range(chunks):
            current_app.send_task(FANOUT_TASK, args=[str(run)], queue=queue)
    except BrokerError:
        logger.warning("fan-out %s: the broker refused the tasks, computing alone", run)


def _undone(db, *, run) -> int:
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {CHUNKS} WHERE run = %s AND done_at IS NULL", [str(run)]
        )
        return cursor.fetchone()[0]


def _discard(run) -> None:
    own = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        with own.cursor() as cursor:
            cursor.execute(f"DELETE FROM {BASE_ROWS} WHERE run = %s", [str(run)])
            cursor.execute(f"DELETE FROM {CHUNKS} WHERE run = %s", [str(run)])
    finally:
        own.close()
