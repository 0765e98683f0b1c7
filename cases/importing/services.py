"""The import run: sources → validator → staging → upsert → derived fields, in one transaction.

Two threads share the work of a large file: this one reads and validates rows and formats them
for COPY; a pipeline thread sends each finished chunk to PostgreSQL (psycopg2 releases the GIL
while the server works), so validating and writing overlap. Both use the one connection of the
run's transaction, never at the same time: the main thread stays off the database until the
pipeline has drained.

Large loads (issue 13): a first load of a large file into an empty case table builds the
table's secondary indexes and foreign keys once at the end (StagingWriter.begin_bulk); a
re-import of a CSV export matches each chunk's fingerprints (fingerprints.py) against those
stored, read once into memory (known.py), and only the rows whose case was not last written by
that very row are validated and upserted. CSV rows
are validated a block at a time, column by column, where the block is plain (fastpath.py), and
row by row where it is not — with the same records and the same errors.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import queue
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
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
from cases.importing.known import KnownCases
from cases.importing.readers import CsvSource, RawBlock, Source
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
from cases.signals import cases_imported, courts_changed

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
# Seconds a thread holds the GIL while the other waits for it, during an import (_Pipeline).
PIPELINE_SWITCH_INTERVAL = 0.0005
# Matching stops for the rest of a source when fewer than this share of a chunk's rows match:
# the file is mostly new or changed, and the column-by-column validation of the ordinary way
# (fastpath.py) then pays more.
MATCH_MIN_SHARE = 0.2


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
            # Matching pays when the cases are mostly there; samples need every row staged.
            known = None
            if (
                not sample_size
                and writer.bulk is None
                and any(isinstance(source, CsvSource) for source in sources)
                and not writer.case_table_empty()
            ):
                _note(progress, _("读取已有案件的指纹…"))
                known = KnownCases(writer.cursor, today=day, court_allowed=court_allowed)
            totals = [ChunkCounts() for _source in sources]
            with _Pipeline() as pipeline:
                for index, source in enumerate(sources):
                    if index == 1:
                        # The second source upserts by case number: the first one's unique
                        # index is built first, and its duplicates are found with it.
                        pipeline.run(lambda: _reject_bulk_duplicates(writer, totals[0]))
                    pipeline.run(writer.start_source)
                    if known is not None and not known.current and isinstance(source, CsvSource):
                        # An earlier source wrote rows the memory did not follow (another
                        # kind of file, or the rest of a CSV file after matching stopped):
                        # read the fingerprints again, as the run has left them so far.
                        _note(progress, _("读取已有案件的指纹…"))
                        known = pipeline.result(
                            pipeline.call(
                                lambda: KnownCases(
                                    writer.cursor, today=day, court_allowed=court_allowed
                                )
                            )
                        )
                    _stage(
                        source,
                        index,
                        result.sources[index],
                        totals[index],
                        pipeline,
                        writer,
                        RowValidator(plan=source.plan, today=day, court_allowed=court_allowed),
                        progress,
                        known=known,
                    )
            if not dry_run:
                # After a first load, before its indexes are built: the rows the refresh
                # rewrites then update two indexes, not all of them.
                _note(progress, _("计算审限与上诉、再审关联…"))
                _refresh_derived(writer)
                if writer.bulk is not None:
                    _note(progress, _("建立索引…"))
                    if _reject_bulk_duplicates(writer, totals[0]):
                        # The refresh linked cases to those now removed: once more, all.
                        case_services.case_derived_refresh(deadlines=False)
                    writer.end_bulk()
                cases_imported.send(sender=case_import)
                if writer.courts_created:
                    courts_changed.send(sender=case_import)
            else:
                _reject_bulk_duplicates(writer, totals[0])
            for summary, total in zip(result.sources, totals, strict=True):
                summary.created, summary.updated = total.created, total.updated
                summary.unchanged = total.staged - total.created - total.updated
                summary.rejected += total.duplicates
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
    source, index, summary, total, pipeline, writer, validator, progress, *, known=None
) -> None:
    """Validate the rows of one source and hand them to the pipeline, chunk by chunk."""
    validate = validator.validate
    case_label = source.plan.label(COLUMNS_BY_NAME["case_number"])
    bar = _progress_bar(source, progress)
    seen = 0

    fingerprinted = isinstance(source, CsvSource)

    def new_chunk() -> Chunk:
        return Chunk(
            source=index,
            source_name=source.name,
            case_label=case_label,
            fingerprinted=fingerprinted,
        )

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

    def take(chunk, row, values, fingerprint=NULL) -> None:
        record, errors = validate(row, values)
        if errors:
            chunk.errors.write(error_lines(index, source.name, errors))
            summary.rejected += 1
        else:
            chunk.records.write(record_line(record, fingerprint))

    chunk = new_chunk()
    if isinstance(source, CsvSource):
        # CSV rows are fingerprinted (fingerprints.py); plain blocks are validated column by
        # column (fastpath.py), the others row by row, as every row of other sources is.
        printer = Fingerprinter(source)
        blocks = source.blocks()
        if known is not None:
            blocks = _matched(
                source, blocks, printer, known, pipeline, writer, validator, new_chunk, send,
                summary, show_progress,
            )  # fmt: skip
        fast = BlockValidator(validator, printer)
        size = min(BLOCK_ROWS, CHUNK_ROWS)  # a chunk never much larger than CHUNK_ROWS
        for raw in blocks:
            values = source.values(raw)
            fingerprints = printer.hex_digests(raw.records)
            for start in range(0, len(raw.rows), size):
                part = slice(start, start + size)
                rows = raw.rows[part]
                lines = fast.lines(rows, values[part], fingerprints[part])
                if lines is not None:
                    chunk.records.write(lines)
                else:
                    for row, cells, fingerprint in zip(
                        rows, values[part], fingerprints[part], strict=True
                    ):
                        take(chunk, row, cells, fingerprint)
                chunk.rows += len(rows)
                if chunk.rows >= CHUNK_ROWS:
                    send(chunk)
                    chunk = new_chunk()
                    source.done(raw, start + len(rows))
                    show_progress()
            source.done(raw, len(raw.rows))
    else:
        if known is not None:
            known.current = False  # these rows are not followed in memory
        for row, values in source.rows():
            take(chunk, row, values)
            chunk.rows += 1
            if chunk.rows >= CHUNK_ROWS:
                send(chunk)
                chunk = new_chunk()
                show_progress()
    send(chunk)
    show_progress()
    if bar is not None:
        bar.close()


def _part(block: RawBlock, start: int, stop: int) -> RawBlock:
    """Rows start:stop of a raw block (its bytes prorated, for progress)."""
    count = len(block.rows) or 1
    span = block.end - block.start
    return RawBlock(
        block.rows[start:stop],
        block.records[start:stop],
        block.values[start:stop] if block.values is not None else None,
        block.start + span * start // count,
        block.start + span * min(stop, count) // count,
    )


class _Rechunked:
    """The raw blocks of a CSV source as blocks of exactly `size` rows (the last may have
    fewer). `rest()`: the rows not yet handed out, when the caller stops."""

    def __init__(self, blocks, size: int):
        self.blocks, self.size = blocks, size
        self.left: RawBlock | None = None

    def __iter__(self):
        while True:
            parts, count = [], 0
            while count < self.size:
                block = self.left if self.left is not None else next(self.blocks, None)
                self.left = None
                if block is None:
                    break
                take = min(self.size - count, len(block.rows))
                parts.append(_part(block, 0, take))
                if take < len(block.rows):
                    self.left = _part(block, take, len(block.rows))
                count += take
            if not parts:
                return
            yield RawBlock(
                [row for part in parts for row in part.rows],
                [record for part in parts for record in part.records],
                [v for part in parts for v in (part.values or [None] * len(part.rows))],
                parts[0].start,
                parts[-1].end,
            )

    def rest(self):
        if self.left is not None:
            yield self.left
        yield from self.blocks


def _matched(
    source, blocks, printer, known, pipeline, writer, validator, new_chunk, send, summary,
    progress,
):  # fmt: skip
    """The rows of a re-import, chunk by chunk: rows matched to a stored fingerprint in memory
    (known.py) are counted as unchanged and go no further — not even through the csv module;
    only the other rows are validated and sent. Yields, at the end, the rest of the raw blocks,
    unmatched, if matching stopped paying.

    Per chunk: the rows are read and fingerprinted while the database writes the chunk before
    (so the pipeline overlaps); the unmatched ones are validated and staged (`writer.stage`),
    which tells the stored cases they name; a matched row of such a case, or naming a judge
    whom a staged row names otherwise, is validated and staged after all (demoted), so that
    the database's duplicate check and the latest naming of a judge see it as the plain
    import does. Duplicates among matched rows are rejected here with the same error."""
    validate = validator.validate
    first = new_chunk()
    source_index, source_name = first.source, first.source_name
    known.start_source()

    def take(chunk, raw, k, fingerprint) -> tuple | None:
        record, errors = validate(raw.rows[k], source.row_values(raw, k))
        if errors:
            chunk.errors.write(error_lines(source_index, source_name, errors))
            summary.rejected += 1
            return None
        chunk.records.write(record_line(record, fingerprint.hex()))
        known.named(record[3], record[10], record[11], record[9])
        return record

    chunks = _Rechunked(blocks, CHUNK_ROWS)
    for raw in chunks:
        digests = printer.digests(raw.records)
        positions = known.positions(b"".join(digests), len(digests))
        candidate = known.admitted(positions, known.candidates(positions, printer.judge_names(raw)))
        chunk = new_chunk()
        chunk.rows = len(raw.rows)
        for k in np.flatnonzero(~candidate).tolist():
            take(chunk, raw, k, digests[k])
        named = []
        if chunk.records.tell():
            # after the chunk before is written: the stored cases this chunk's staged rows name
            named = pipeline.result(pipeline.call(lambda chunk=chunk: writer.stage(chunk)))
        if named:
            stored = known.positions(
                b"".join(bytes.fromhex(text.replace("-", "")) for _r, _n, text in named),
                len(named),
            )
            for (_row, number, _text), position in zip(named, stored.tolist(), strict=True):
                if position >= 0:
                    known.touch(position)
                    if earlier := int(known.seen[position]):
                        chunk.registered.append((number, earlier))
        matched = known.admitted(positions, candidate)
        for k in np.flatnonzero(candidate & ~matched).tolist():  # demoted, in row order
            record = take(chunk, raw, k, digests[k])
            position = int(positions[k])
            known.touch(position)
            if record is not None and (earlier := int(known.seen[position])):
                chunk.registered.append((record[1], earlier))
        summary.rejected += _reject_matched_duplicates(
            chunk, known, positions, matched, raw, printer
        )
        send(chunk)
        source.done(raw, len(raw.rows))
        progress()
        if matched.sum() < MATCH_MIN_SHARE * len(raw.rows):
            # Mostly new or changed rows: the rest of the source takes the ordinary way, and
            # the rows matched so far join its duplicate check.
            at, seen_rows = known.seen_positions()
            lines = "".join(
                f"{known.uuid_hex(position)}\t{row}\n"
                for position, row in zip(at.tolist(), seen_rows.tolist(), strict=True)
            )
            pipeline.run(lambda lines=lines: writer.register_matched(lines))
            known.current = False  # the rest of the source is not followed in memory
            break
    yield from chunks.rest()


def _reject_matched_duplicates(chunk, known, positions, matched, raw, printer) -> int:
    """Among the chunk's matched rows, in row order: one naming a case that a matched row
    already named in this source is rejected ("与第N行案号相同", N the first such row); the
    others are unchanged, and known.seen notes them. Returns how many were rejected."""
    at = positions[matched]
    where = np.flatnonzero(matched)
    rows = np.asarray(raw.rows, dtype=np.int64)[matched]
    earlier = known.seen[at].astype(np.int64)
    _unique, first, inverse = np.unique(at, return_index=True, return_inverse=True)
    first_row = rows[first][inverse]
    duplicate = (earlier > 0) | (first_row != rows)
    known.seen[at[~duplicate]] = rows[~duplicate]
    chunk.matched = int(len(at) - duplicate.sum())
    if not duplicate.any():
        return 0
    of = np.where(earlier > 0, earlier, first_row)
    lines = []
    for k in np.flatnonzero(duplicate).tolist():
        error = RowError(
            int(rows[k]),
            chunk.case_label,
            _("与第%(row)s行案号相同") % {"row": int(of[k])},
            printer.case_number(raw, int(where[k])),
        )
        lines.append(error_lines(chunk.source, chunk.source_name, [error]))
    chunk.errors.write("".join(lines))
    return int(duplicate.sum())


def _reject_bulk_duplicates(writer: StagingWriter, total: ChunkCounts) -> int:
    """The first source of a first load, once it is in: its rows whose number an earlier row
    had are rejected and their cases removed (StagingWriter.reject_bulk_duplicates)."""
    rejected = writer.reject_bulk_duplicates()
    total.staged -= rejected
    total.created -= rejected
    total.duplicates += rejected
    return rejected


def _refresh_derived(writer: StagingWriter) -> None:
    """case_derived_refresh for the created and updated cases: by their ids when they are few,
    else in one pass over the table (its id filter costs time per case × table size)."""
    if writer.bulk_loaded:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")  # fresh statistics for a table that just grew
        # After a first load into an empty table every case was written in this run, its
        # deadline by the same rule (writer.DERIVED_COLUMNS, with no extension approved yet):
        # the deadline pass would change none of them (test_import_fast), so it is left out.
        ids = writer.bulk_refresh_ids(TARGETED_REFRESH_MAX)
        case_services.case_derived_refresh(case_ids=ids, deadlines=False)
        return
    changed = writer.changed_count()
    if not changed:
        return  # nothing new: no deadline, and no case that links to it, can have changed
    ids = writer.refresh_ids(TARGETED_REFRESH_MAX) if changed <= TARGETED_REFRESH_MAX else None
    if ids is None:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE cases_case")  # fresh statistics for a table that just grew
    case_services.case_derived_refresh(case_ids=ids)


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
        # The worker waits for the GIL after each statement while this thread reads rows: a
        # chunk's dozen statements would wait the default 5 ms each (half of a re-import's
        # writing time); a shorter interval hands the GIL over sooner.
        self._interval = sys.getswitchinterval()
        sys.setswitchinterval(PIPELINE_SWITCH_INTERVAL)
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
        sys.setswitchinterval(self._interval)
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
