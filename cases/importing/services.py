"""The import run: sources → validator → staging → upsert → derived fields, in one transaction.

Two threads share the work of a large file: this one reads and validates rows and formats them
for COPY; a pipeline thread sends each finished chunk to PostgreSQL (psycopg2 releases the GIL
while the server works), so validating and writing overlap. Both use the one connection of the
run's transaction, never at the same time: the main thread stays off the database until the
pipeline has drained.

Large loads (issue 13): a first load of a large file into an empty case table builds the
table's secondary indexes and foreign keys once at the end (StagingWriter.begin_bulk); a
re-import of a CSV export probes each chunk's fingerprints first (fingerprints.py), and only
the rows whose case was not last written by that very row are validated and upserted. CSV rows
are validated a block at a time, column by column, where the block is plain (fastpath.py), and
row by row where it is not — with the same records and the same errors.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import itertools
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TextIO

from django.db import connection, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from tqdm import tqdm

from cases import services as case_services
from cases.casenumbers import parent_court_code
from cases.choices import AuditAction
from cases.dates import today
from cases.importing.columns import COLUMNS_BY_NAME
from cases.importing.fastpath import BlockValidator
from cases.importing.fingerprints import Fingerprinter
from cases.importing.readers import CsvSource, Source
from cases.importing.validation import RowError, RowValidator
from cases.importing.writer import (
    NULL,
    Chunk,
    ChunkCounts,
    StagingWriter,
    error_lines,
    record_line,
)
from cases.permissions import Action, may

CHUNK_ROWS = 10_000
# Rows that the fast way (fastpath.py) takes at once: a row it declines sends only its block
# row by row.
BLOCK_ROWS = 500
# Up to this many cases, derived fields are refreshed case by case (case_derived_refresh with
# ids); above it, in one pass over the table, which is then cheaper.
TARGETED_REFRESH_MAX = 100_000
# A first load at least this large (bytes of CSV, or rows) into an empty case table builds the
# table's indexes and foreign keys at the end (StagingWriter.begin_bulk).
BULK_MIN_BYTES = 16 * 1024 * 1024
BULK_MIN_ROWS = 100_000
# Probing stops for the rest of a source when fewer than this share of a chunk's rows match:
# the file is mostly new or changed, and probing would cost more than it saves.
PROBE_MIN_SHARE = 0.2


@dataclass
class SourceSummary:
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    unknown_columns: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }


@dataclass
class ImportResult:
    sources: list[SourceSummary]
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)  # the first ones, in row order
    samples: dict[str, list[dict]] = field(default_factory=dict)
    courts_created: int = 0
    divisions_created: int = 0
    judges_created: int = 0
    judges_updated: int = 0

    @property
    def created(self) -> int:
        return sum(source.created for source in self.sources)

    @property
    def updated(self) -> int:
        return sum(source.updated for source in self.sources)

    @property
    def unchanged(self) -> int:
        return sum(source.unchanged for source in self.sources)

    @property
    def rejected(self) -> int:
        return sum(source.rejected for source in self.sources)

    @property
    def unknown_columns(self) -> dict[str, list[str]]:
        return {s.name: s.unknown_columns for s in self.sources if s.unknown_columns}

    def counts(self) -> dict[str, int]:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }

    def summary_text(self) -> str:
        """One line for people: 新增 … 条，更新 … 条，未变 … 条，拒绝 … 条."""
        return summary_text(self.counts())


def summary_text(counts: dict[str, int]) -> str:
    return (
        _("新增 %(created)s 条，更新 %(updated)s 条，未变 %(unchanged)s 条，拒绝 %(rejected)s 条")
        % counts
    )


def import_court_rule(user) -> Callable[[str], bool] | None:
    """Which court codes a user may import cases of: None means any (superuser, command line).

    The office of a court imports its own court's cases; the intermediate court's office also
    those of the basic courts under it (its city), even of a basic court not yet known here.
    """
    if user is None or user.is_superuser:
        return None
    if not may(user, Action.IMPORT) or user.court_id is None:
        return lambda code: False
    own = user.court.code
    return lambda code: code == own or parent_court_code(code) == own


def case_import(
    *,
    sources: Sequence[Source],
    actor=None,
    request=None,
    origin: str = "file",
    dry_run: bool = False,
    report: TextIO | None = None,
    max_errors: int | None = 1000,
    sample_size: int = 0,
    progress: bool | Callable[[str, int | None, int | None], None] = False,
) -> ImportResult:
    """Import case records from `sources` (DATA_FORMAT.md), all or nothing as one run.

    Good rows are upserted by case number; bad rows are rejected one by one with their errors
    (the first `max_errors` returned, all of them written to `report` as CSV, one line per
    row). `actor` (or the request's user) limits the courts per row (import_court_rule). A dry
    run does the whole work and rolls it back, so its counts are exact; `sample_size` adds a
    few rows of each kind. `progress`: True draws tqdm bars on stderr; a callable is called
    with (what, done, total) as each chunk is read — a source's name with bytes (or rows) — and
    with (a step's description, None, None) for the steps after reading. Raises
    ImportFileError if a source turns out unreadable halfway; as with any error, nothing of the
    run is kept.
    """
    if actor is None and request is not None:
        actor = request.user
    court_allowed = import_court_rule(actor)
    result = ImportResult(
        sources=[
            SourceSummary(name=source.name, unknown_columns=list(source.plan.unknown))
            for source in sources
        ],
        dry_run=dry_run,
    )
    day = today()
    try:
        with _no_cycle_collection(), transaction.atomic():
            connection.ensure_connection()
            with connection.cursor() as cursor:
                # Sorts and hashes of large chunks stay in memory, for this transaction only.
                cursor.execute("SET LOCAL work_mem = '64MB'")
                # Each statement handles one chunk: compiling it (JIT, tens of milliseconds)
                # would cost more than it saves.
                cursor.execute("SET LOCAL jit = off")
            writer = StagingWriter(connection.connection, sample_size=sample_size)
            writer.begin()
            if _large(sources) and writer.case_table_empty():
                writer.begin_bulk()
            # Probing pays when the cases are mostly there; samples need every row staged.
            probing = not sample_size and writer.bulk is None and not writer.case_table_empty()
            totals = [ChunkCounts() for _source in sources]
            with _Pipeline() as pipeline:
                for index, source in enumerate(sources):
                    pipeline.run(writer.start_source)
                    _stage(
                        source,
                        index,
                        result.sources[index],
                        totals[index],
                        pipeline,
                        writer,
                        RowValidator(plan=source.plan, today=day, court_allowed=court_allowed),
                        progress,
                        probing=probing,
                    )
            for summary, total in zip(result.sources, totals, strict=True):
                summary.created, summary.updated = total.created, total.updated
                summary.unchanged = total.staged - total.created - total.updated
                summary.rejected += total.duplicates
            if not dry_run:
                if writer.bulk is not None:
                    _note(progress, _("建立索引…"))
                    writer.end_bulk()
                _note(progress, _("计算审限与上诉、再审关联…"))
                _refresh_derived(writer)
            result.samples = writer.samples if sample_size else {}
            result.courts_created = writer.courts_created
            result.divisions_created = writer.divisions_created
            result.judges_created = writer.judges_created
            result.judges_updated = writer.judges_updated
            result.errors = writer.errors(max_errors)
            if report is not None:
                writer.write_report(report, with_source=len(sources) > 1)
            writer.end()
            if dry_run:
                transaction.set_rollback(True)
            else:
                case_services.audit_record(
                    action=AuditAction.CASE_IMPORT,
                    request=request,
                    user=actor,
                    object_type="case_import",
                    object_id=", ".join(source.name for source in sources),
                    detail=_audit_detail(result, origin, actor),
                )
    finally:
        for source in sources:
            source.close()
    return result


@contextlib.contextmanager
def _no_cycle_collection():
    """The cycle collector off while rows stream through: they make no reference cycles (the
    reference counts free them), yet their many short-lived containers would set it off
    again and again over every object of the process — half of a re-import's Python time."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _large(sources: Sequence[Source]) -> bool:
    size = sum(source.size or 0 for source in sources)
    rows = sum(source.row_count_hint or 0 for source in sources)
    return size >= BULK_MIN_BYTES or rows >= BULK_MIN_ROWS


def _stage(
    source, index, summary, total, pipeline, writer, validator, progress, *, probing=False
) -> None:
    """Validate the rows of one source and hand them to the pipeline, chunk by chunk."""
    validate = validator.validate
    case_label = source.plan.label(COLUMNS_BY_NAME["case_number"])
    bar = _progress_bar(source, progress)
    seen = 0
    # CSV rows are fingerprinted (fingerprints.py); other sources' cells are not all text.
    printer = Fingerprinter(source.plan) if isinstance(source, CsvSource) else None

    def new_chunk() -> Chunk:
        return Chunk(source=index, source_name=source.name, case_label=case_label)

    def send(chunk: Chunk) -> None:
        def write() -> None:
            counts = writer.write(chunk)
            total.staged += counts.staged
            total.duplicates += counts.duplicates
            total.created += counts.created
            total.updated += counts.updated

        pipeline.run(write)

    def show_progress() -> None:
        nonlocal seen
        if bar is not None:
            position = source.position()
            bar.update(position - seen)
            seen = position

    rows = source.rows()
    if probing and printer is not None:
        rows = _probed(
            rows, printer, pipeline, writer, validator, new_chunk, send, summary, show_progress
        )
    chunk = new_chunk()
    # Plain blocks of CSV rows are validated column by column (fastpath.py); a block that
    # is not plain throughout is validated row by row, as every row of other sources is.
    blocks = BlockValidator(validator, printer) if printer is not None else None
    size = min(BLOCK_ROWS, CHUNK_ROWS)  # chunks keep their size: a whole number of blocks
    while block := list(itertools.islice(rows, size)):
        lines = blocks.lines(*zip(*block, strict=True)) if blocks else None
        if lines is not None:
            chunk.records.write(lines)
        else:
            for row, values in block:
                record, errors = validate(row, values)
                if errors:
                    chunk.errors.write(error_lines(index, source.name, errors))
                    summary.rejected += 1
                elif printer is None:
                    chunk.records.write(record_line(record))
                else:
                    fingerprint = printer.fingerprint(printer.cells(values))
                    chunk.records.write(record_line(record, fingerprint or NULL))
        chunk.rows += len(block)
        if chunk.rows >= CHUNK_ROWS:
            send(chunk)
            chunk = new_chunk()
            show_progress()
    send(chunk)
    show_progress()
    if bar is not None:
        bar.close()


def _probed(rows, printer, pipeline, writer, validator, new_chunk, send, summary, progress):
    """The rows of a re-import, chunk by chunk: each chunk's fingerprints are probed first
    (StagingWriter.probe, which stages the matched rows), and only the other rows are validated
    and sent. Yields, at the end, the rest of the rows, unprobed, if probing stopped paying.

    While the database probes a chunk, the next one is read and fingerprinted. A chunk is
    probed only after the previous chunk is written, so that a probe sees every case and judge
    as the rows before it left them. A matched row is validated after all (demoted) when the
    user may not import its court — the validator gives the error — or when another row of its
    chunk names a judge of its staff number otherwise: the latest row naming a judge wins."""
    validate = validator.validate
    allowed = validator.court_allowed
    today = validator.today
    first = new_chunk()
    source_index, source_name = first.source, first.source_name

    def read() -> tuple[list, str, bool]:
        block = list(itertools.islice(rows, CHUNK_ROWS))
        if not block:
            return [], "", True
        numbers, values = zip(*block, strict=True)
        cells, fingerprints, lines, plain = printer.block(numbers, values)
        return list(zip(numbers, values, cells, fingerprints, strict=True)), lines, plain

    def take(chunk, row, values, fingerprint, judges) -> None:
        record, errors = validate(row, values)
        if errors:
            chunk.errors.write(error_lines(source_index, source_name, errors))
            summary.rejected += 1
        else:
            chunk.records.write(record_line(record, fingerprint or NULL))
            # judge_staff_id → (judge_name, division)
            judges.setdefault(record[10], set()).add((record[11], record[9]))

    batch, lines, plain = read()
    future = pipeline.call(lambda lines=lines: writer.probe(lines, today))
    while batch:
        following = read()
        matched = pipeline.result(future)
        chunk = new_chunk()
        kept = []  # matched rows, until the judges that the chunk's other rows name are known
        judges: dict[str, set[tuple[str, str]]] = {}
        for row, values, cells, fingerprint in batch:
            chunk.rows += 1
            if row in matched:
                if allowed is None or allowed(printer.court_code(cells)):
                    kept.append((row, values, cells, fingerprint))
                    continue
                chunk.demoted.append(row)  # the validator gives the error
            take(chunk, row, values, fingerprint, judges)
        if judges:
            # In a plain block a cell reads as written: only rows naming one of those judges
            # are looked at closely.
            staff_id = printer.staff_id_cell if plain else printer.staff_id
            for row, values, cells, fingerprint in kept:
                named = judges.get(staff_id(cells))
                if named is not None and named != {printer.judge(cells)}:
                    chunk.demoted.append(row)
                    take(chunk, row, values, fingerprint, {})
        send(chunk)
        progress()
        batch, lines, plain = following
        if len(matched) < PROBE_MIN_SHARE * len(batch or [None]):
            break
        future = pipeline.call(lambda lines=lines: writer.probe(lines, today))
    yield from ((row, values) for row, values, _cells, _print in batch)  # read, not probed
    yield from rows


def _refresh_derived(writer: StagingWriter) -> None:
    """case_derived_refresh for the created and updated cases: by their ids when they are few,
    else in one pass over the table (its id filter costs time per case × table size)."""
    changed = writer.changed_count()
    if not changed and not writer.bulk_loaded:
        return  # nothing new: no deadline, and no case that links to it, can have changed
    ids = None
    if changed <= TARGETED_REFRESH_MAX and not writer.bulk_loaded:
        ids = writer.refresh_ids(TARGETED_REFRESH_MAX)
    if ids is not None:
        case_services.case_derived_refresh(case_ids=ids)
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE cases_case")  # fresh statistics for a table that just grew
    # After a first load into an empty table every case was written in this run, its deadline
    # by the same rule (writer.DERIVED_COLUMNS, with no extension approved yet): the deadline
    # pass would change none of them (test_import_fast), so it is left out.
    case_services.case_derived_refresh(case_ids=None, deadlines=not writer.bulk_loaded)


class _Pipeline:
    """One worker thread that runs database steps in order, at most two chunks behind.

    An error on the worker stops it and is raised again in the main thread; an error in the
    main thread stops the worker before the transaction is rolled back.
    """

    def __init__(self):
        self._tasks: queue.Queue = queue.Queue(maxsize=2)
        self._error: BaseException | None = None
        self._language = translation.get_language()
        self._thread = threading.Thread(target=self._work, name="case-import", daemon=True)

    def __enter__(self) -> _Pipeline:
        self._thread.start()
        return self

    def run(self, task: Callable[[], None]) -> None:
        if self._error is not None:
            raise self._error
        self._tasks.put(task)

    def call(self, function: Callable[[], object]) -> Future:
        """Run `function` in turn; its result is read with `result`."""
        future: Future = Future()

        def task() -> None:
            try:
                future.set_result(function())
            except BaseException as error:
                future.set_exception(error)
                raise

        self.run(task)
        return future

    def result(self, future: Future):
        """Wait for a `call`; raises the worker's error, also one that stopped it before."""
        while True:
            if self._error is not None and not future.done():
                raise self._error
            try:
                return future.result(timeout=0.05)
            except TimeoutError:
                continue

    def _work(self) -> None:
        with translation.override(self._language):
            while True:
                task = self._tasks.get()
                if task is None:
                    return
                if self._error is None:
                    try:
                        task()
                    except BaseException as error:  # handed to the main thread
                        self._error = error

    def __exit__(self, exc_type, exc, traceback) -> None:
        self._tasks.put(None)
        self._thread.join()
        if exc is None and self._error is not None:
            raise self._error


class _ReportedProgress:
    """A progress bar that reports to a callback: (what, done, total) in the source's unit."""

    def __init__(self, report: Callable[[str, int | None, int | None], None], source: Source):
        self.report, self.name = report, source.name
        self.total = source.size or source.row_count_hint
        self.done = 0

    def update(self, amount: int) -> None:
        self.done += amount
        self.report(self.name, self.done, self.total)

    def close(self) -> None:
        pass


def _progress_bar(source: Source, progress) -> tqdm | _ReportedProgress | None:
    if callable(progress):
        return _ReportedProgress(progress, source)
    if not progress:
        return None
    if source.size:
        return tqdm(total=source.size, unit="B", unit_scale=True, desc=source.name, file=sys.stderr)
    return tqdm(total=source.row_count_hint, unit=_("行"), desc=source.name, file=sys.stderr)


def _note(progress, text: str) -> None:
    if callable(progress):
        progress(text, None, None)
    elif progress:
        tqdm.write(text, file=sys.stderr)


def _audit_detail(result: ImportResult, origin: str, actor) -> dict:
    detail = {
        "origin": origin,
        "sources": [source.name for source in result.sources],
        **result.counts(),
        "courts_created": result.courts_created,
        "divisions_created": result.divisions_created,
        "judges_created": result.judges_created,
        "judges_updated": result.judges_updated,
        "unknown_columns": result.unknown_columns,
    }
    if actor is None:
        detail["username"] = f"cli:{_login_name()}"
    return detail


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "?"
