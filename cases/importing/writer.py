"""The set-based writer: COPY into a staging table, create the units, upsert (STYLE.md).

Everything here runs inside the caller's transaction, on its connection. Rows arrive in chunks
(a few thousand at a time), so memory stays flat however long the file. Per chunk: COPY into a
temporary staging table; reject later duplicates of a case number; create missing courts,
divisions and judges; one INSERT … ON CONFLICT … DO UPDATE … WHERE … IS DISTINCT FROM that
counts created / updated rows with RETURNING (xmax = 0).

Two ways make large loads fast (issue 13, "fast loads"). A re-import: every CSV row carries its
fingerprint (fingerprints.py); the rows matched to a stored fingerprint in memory (known.py)
never reach the database — only the changed and new rows are staged, and `stage` tells which
stored cases they name, so that matched rows of those cases are staged after all. A first load
into an empty case table (`begin_bulk`): its secondary indexes and foreign keys are dropped
under an exclusive lock and built again at the end (`end_bulk`), once, instead of row by row;
the duplicates of its first (CSV) source are looked for once that source is in
(`reject_bulk_duplicates`), instead of chunk by chunk.

The writer uses the raw psycopg2 cursor, not the ORM, so that it can run on the pipeline
thread (services.py) while the main thread validates the next chunk.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import TextIO

from django.utils.translation import gettext as _
from psycopg2.errors import UniqueViolation

from cases.casenumbers import court_level_of, parent_court_code
from cases.importing.validation import RECORD_FIELDS, RowError
from cases.models import Case
from cases.services import MOST_SPECIFIC_TIME_LIMIT, deadline_sql
from cases.spreadsheets import copy_csv

STAGING = "courtdash_import_staging"
SEEN = "courtdash_import_seen"
BULK_SEEN = "courtdash_import_bulk_seen"
ERRORS = "courtdash_import_error"
CHANGED = "courtdash_import_changed"
MATCHED = "courtdash_import_matched"
JUDGES = "courtdash_import_judges"
TEMP_TABLES = (STAGING, SEEN, BULK_SEEN, ERRORS, CHANGED, MATCHED, JUDGES)

STAGING_TYPES = {
    "row": "integer NOT NULL",
    "case_number": "varchar(64) NOT NULL",
    "year": "smallint",
    "court_code": "varchar(16)",
    "court_name": "varchar(100)",
    "type_code": "varchar(8)",
    "serial": "integer",
    "category": "varchar(20)",
    "procedure": "varchar(24)",
    "division": "varchar(50)",
    "judge_staff_id": "varchar(32)",
    "judge_name": "varchar(50)",
    "track": "varchar(16)",
    "cause": "varchar(100)",
    "filed_on": "date",
    "closed_on": "date",
    "closing_method": "varchar(32)",
    "deadline_on": "date",
    "extension_days": "integer",
    "excluded_days": "integer",
    "origin_case_number": "varchar(64)",
    "appealed": "boolean",
    "appeal_outcome": "varchar(16)",
    "appeal_decided_on": "date",
    "retrial_outcome": "varchar(16)",
    "retrial_decided_on": "date",
    "amount_applied": "numeric(18, 2)",
    "amount_recovered": "numeric(18, 2)",
    "hearing_held": "boolean",
    "appeal_lodged_on": "date",
    "appeal_transferred_on": "date",
}
assert tuple(STAGING_TYPES) == RECORD_FIELDS
# Besides the record: the row's fingerprint (fingerprints.py).
STAGING_EXTRA = {"import_hash": "uuid"}
STAGED_COLUMNS = ", ".join((*RECORD_FIELDS, "import_hash"))
ERROR_COLUMNS = "source, source_name, row, seq, case_number, column_name, message"
# Characters psycopg2 reads at a time from a chunk's records to send with COPY. Its default,
# 8 KB, read a chunk of 10,000 rows (1.5 MB) in some 190 reads, each waiting for the GIL, which
# the validating thread holds (up to PIPELINE_SWITCH_INTERVAL each): the server sat idle in
# between (a first load's COPY: 4.7 → 3.2 s of statement time).
COPY_BUFFER = 1 << 22

# The columns of cases_case that a record sets; they decide "updated" or "unchanged".
CASE_COLUMNS: tuple[str, ...] = (
    "year",
    "court_id",
    "type_code",
    "serial",
    "category",
    "procedure",
    "division_id",
    "judge_id",
    "track",
    "cause",
    "filed_on",
    "closed_on",
    "closing_method",
    "deadline_on",
    "extension_days",
    "excluded_days",
    "origin_case_number",
    "appealed",
    "appeal_outcome",
    "appeal_decided_on",
    "retrial_outcome",
    "retrial_decided_on",
    "amount_applied",
    "amount_recovered",
    "hearing_held",
    "appeal_lodged_on",
    "appeal_transferred_on",
)
_STAGED_AS_IS = [c for c in CASE_COLUMNS if c not in {"court_id", "division_id", "judge_id"}]

# Derived columns, written with a first value so that case_derived_refresh, which stays the
# authority and runs after the upsert, finds (almost) nothing left to rewrite: rewriting a
# million fresh rows would double the cost of a large import. The deadline is its own rule.
DERIVED_COLUMNS: dict[str, str] = {
    "origin_id": "o.id",
    "deadline": deadline_sql(case="r", limit="tl", approved_extension="0"),
    "effective_appealed": "COALESCE(r.appealed, false)",
    "effective_appeal_outcome": "r.appeal_outcome",
    "effective_appeal_decided_on": "r.appeal_decided_on",
    "effective_retrial_outcome": "r.retrial_outcome",
    "effective_retrial_decided_on": "r.retrial_decided_on",
}

# The staged rows with the ids of their court, division and judge (created before it is read).
RESOLVED = f"""
    SELECT s.row, s.case_number, c.id AS court_id, d.id AS division_id, j.id AS judge_id,
           {", ".join(f"s.{name}" for name in _STAGED_AS_IS)}, s.import_hash
    FROM {STAGING} s
    JOIN cases_court c ON c.code = s.court_code
    JOIN cases_division d ON d.court_id = c.id AND d.name = s.division
    JOIN cases_judge j ON j.court_id = c.id AND j.staff_id = s.judge_staff_id
"""


# An update keeps the extensions approved in Courtdash (cases_case.approved_extension_days,
# which no import writes): the staged row's deadline counted only the imported days.
_UPDATED_DEADLINE = """EXCLUDED.deadline + CASE WHEN EXCLUDED.deadline_on IS NULL
    THEN GREATEST(cases_case.approved_extension_days - EXCLUDED.extension_days, 0) ELSE 0 END"""
_UPDATE_SET = {
    **{name: f"EXCLUDED.{name}" for name in (*CASE_COLUMNS, *DERIVED_COLUMNS)},
    "deadline": _UPDATED_DEADLINE,
}


def _tuple(prefix: str) -> str:
    return "(" + ", ".join(f"{prefix}.{name}" for name in CASE_COLUMNS) + ")"


# The time limit of each kind of case in the chunk: the most specific (a handful of kinds).
_TIME_LIMITS = f"""
        SELECT DISTINCT ON (k.category, k.procedure, k.track, k.type_code)
               k.category, k.procedure, k.track, k.type_code, t.id, t.months, t.days
        FROM (SELECT DISTINCT category, procedure, track, type_code FROM {STAGING}) k
        JOIN cases_timelimit t ON t.category = k.category AND t.procedure = k.procedure
          AND (t.track = '' OR t.track = k.track)
          AND (t.type_code = '' OR t.type_code = k.type_code)
        ORDER BY k.category, k.procedure, k.track, k.type_code, {MOST_SPECIFIC_TIME_LIMIT}
"""


def _insert_rows(*, origins: bool) -> str:
    """The staged rows, resolved, inserted. `origins`: with the origin each names when it is
    here already, in case-number order (neighbouring pages of its unique index, fewer page
    splits); else origin_id is left empty, for the refresh at the end to link, and the rows go
    in as they come (a first load: no index on the case number yet, begin_bulk)."""
    derived = dict(DERIVED_COLUMNS, origin_id="o.id" if origins else "NULL::bigint")
    origin_join = ""
    if origins:
        origin_join = "LEFT JOIN cases_case o ON o.case_number = r.origin_case_number"
    return f"""
      INSERT INTO cases_case (case_number, {", ".join(CASE_COLUMNS)},
                              {", ".join(derived)}, import_hash, updated_at)
      SELECT r.case_number, {", ".join(f"r.{n}" for n in CASE_COLUMNS)},
             {", ".join(derived.values())}, r.import_hash, now()
      FROM ({RESOLVED}) r
      {origin_join}
      LEFT JOIN ({_TIME_LIMITS}) tl ON tl.category = r.category AND tl.procedure = r.procedure
          AND tl.track = r.track AND tl.type_code = r.type_code
      {"ORDER BY r.case_number" if origins else ""}
"""


# The first source of a first load (begin_bulk): the table was empty and duplicates are
# rejected, so every row is new — no conflict check, no former origins, no list of changed
# cases, no unique index on the case number until the source is in (restore_unique). Its
# origins are linked at the end (StagingWriter.bulk_refresh_ids), so the insert reads no
# index of the case table and is run with hash joins only (BULK_JOINS): the planner,
# which has no statistics of the staging table, would look up each row's division and time
# limit one by one.
INSERT_BULK = _insert_rows(origins=False)
BULK_JOINS = "SELECT current_setting('enable_nestloop'), set_config('enable_nestloop', 'off', true)"
# Any other source: within UPSERT.
INSERT_ROWS = _insert_rows(origins=True)

UPSERT = f"""
    WITH old_origins AS (
      -- a case whose origin_case_number changes leaves its former origin to be re-derived
      -- (same snapshot: read before the upsert below rewrites origin_id)
      INSERT INTO {CHANGED} (source, id, created)
      SELECT DISTINCT %(source)s, c.origin_id, NULL::boolean
      FROM {STAGING} s JOIN cases_case c ON c.case_number = s.case_number
      WHERE c.origin_id IS NOT NULL
        AND c.origin_case_number IS DISTINCT FROM s.origin_case_number
    ), changed AS (
{INSERT_ROWS}      ON CONFLICT (case_number) DO UPDATE
        SET {", ".join(f"{n} = {value}" for n, value in _UPDATE_SET.items())},
            import_hash = EXCLUDED.import_hash, updated_at = EXCLUDED.updated_at
        WHERE {_tuple("cases_case")} IS DISTINCT FROM {_tuple("EXCLUDED")}
      RETURNING id, (xmax = 0) AS created
    ), kept AS (
      INSERT INTO {CHANGED} (source, id, created) SELECT %(source)s, id, created FROM changed
      RETURNING created
    )
    SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created) FROM kept
"""

# A staged row whose record is already there as it is, but which another source row wrote
# (or none: a case from before fingerprints): the case takes this row's fingerprint, so that
# the next import of the same export recognises the row. Written once per row and form.
REFINGERPRINT = f"""
    UPDATE cases_case c SET import_hash = s.import_hash FROM {STAGING} s
    WHERE s.import_hash IS NOT NULL AND c.case_number = s.case_number
      AND c.import_hash IS DISTINCT FROM s.import_hash
"""

# The stored cases that the staged rows name, with their fingerprints (known.py).
NAMED = f"""
    SELECT s.row, s.case_number, c.import_hash::text FROM {STAGING} s
    JOIN cases_case c ON c.case_number = s.case_number WHERE c.import_hash IS NOT NULL
"""

# The matched rows so far of a source (MATCHED: fingerprint, row) join the duplicate check.
MATCHED_SEEN = f"""
    INSERT INTO {SEEN} (case_number, row)
    SELECT c.case_number, m.row FROM {MATCHED} m JOIN cases_case c ON c.import_hash = m.import_hash
    ON CONFLICT (case_number) DO NOTHING
"""

# Whether every row staged names its court, division and judge as this run last wrote them
# (JUDGES): then no unit is missing and no judge's name or division changes (_create_units).
UNITS_WRITTEN = f"""
    SELECT NOT EXISTS (
      SELECT 1 FROM (SELECT DISTINCT court_code, judge_staff_id, judge_name, division
                     FROM {STAGING}) s
      WHERE NOT EXISTS (
        SELECT 1 FROM {JUDGES} k
        JOIN cases_court c ON c.id = k.court_id
        JOIN cases_division d ON d.id = k.division_id
        WHERE c.code = s.court_code AND k.staff_id = s.judge_staff_id
          AND k.name = s.judge_name AND d.name = s.division))
"""

# The first source of a first load checks its duplicates once it is in: the case number's
# unique index, built before a second source or at the end, fails only if a number came twice;
# then BULK_SEEN (each staged row's case number, row and fingerprint, kept without an index)
# tells which rows (StagingWriter.reject_bulk_duplicates).
_BULK_DOUBLED = f"SELECT case_number FROM {BULK_SEEN} GROUP BY case_number HAVING count(*) > 1"
# The later rows of a number that came twice, with the first row of their number.
BULK_DUPLICATES = f"""
    SELECT row, case_number, first_row FROM (
      SELECT row, case_number, min(row) OVER (PARTITION BY case_number) AS first_row
      FROM {BULK_SEEN} WHERE case_number IN ({_BULK_DOUBLED})
    ) d WHERE row <> first_row ORDER BY row
"""
# Of the cases such a number was inserted as, the one its first row wrote stays (the case with
# that row's fingerprint: a later row that is the very same line has it too, and either is that
# row's case); the others, written by its later rows, go.
BULK_DELETE_DUPLICATES = f"""
    WITH first AS (
      SELECT DISTINCT ON (case_number) case_number, import_hash
      FROM {BULK_SEEN} WHERE case_number IN ({_BULK_DOUBLED})
      ORDER BY case_number, row
    ), ranked AS (
      SELECT c.id, row_number() OVER (
               PARTITION BY c.case_number
               ORDER BY c.import_hash IS NOT DISTINCT FROM f.import_hash DESC, c.id) AS n
      FROM cases_case c JOIN first f ON f.case_number = c.case_number COLLATE "C"
    )
    DELETE FROM cases_case WHERE id IN (SELECT id FROM ranked WHERE n > 1)
"""

# The case table's indexes that back no constraint, and its foreign keys (begin_bulk).
SECONDARY_INDEXES = """
    SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x
    JOIN pg_class i ON i.oid = x.indexrelid
    WHERE x.indrelid = 'cases_case'::regclass
      AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid)
    ORDER BY i.relname
"""
FOREIGN_KEYS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = 'cases_case'::regclass AND contype = 'f' ORDER BY conname
"""
UNIQUE_CONSTRAINTS = """
    SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
    WHERE conrelid = 'cases_case'::regclass AND contype = 'u' ORDER BY conname
"""


def quote_name(name: str) -> str:
    """An identifier read from the catalog, quoted for SQL."""
    return '"' + name.replace('"', '""') + '"'


NULL = "\\N"
BACKSLASH, ESCAPED_BACKSLASH = "\\", "\\\\"
BOOLEAN = {None: NULL, True: "t", False: "f"}


def record_line(r: tuple, fingerprint: str = NULL) -> str:
    """A clean record (RECORD_FIELDS) and its fingerprint as one line of COPY's text format.

    Written out field by field because it runs for every row. The validator has already turned
    tabs and line breaks in text into spaces; case numbers, codes and enum values are plain.
    """
    b, e = BACKSLASH, ESCAPED_BACKSLASH
    return (
        f"{r[0]}\t{r[1]}\t{r[2]}\t{r[3]}\t{r[4].replace(b, e)}\t{r[5]}\t{r[6]}\t{r[7]}\t{r[8]}\t"
        f"{r[9].replace(b, e)}\t{r[10].replace(b, e)}\t{r[11].replace(b, e)}\t{r[12]}\t"
        f"{r[13].replace(b, e)}\t{r[14]}\t{NULL if r[15] is None else r[15]}\t{r[16]}\t"
        f"{NULL if r[17] is None else r[17]}\t{r[18]}\t{r[19]}\t{r[20]}\t{BOOLEAN[r[21]]}\t"
        f"{r[22]}\t{NULL if r[23] is None else r[23]}\t{r[24]}\t"
        f"{NULL if r[25] is None else r[25]}\t{NULL if r[26] is None else r[26]}\t"
        f"{NULL if r[27] is None else r[27]}\t{BOOLEAN[r[28]]}\t"
        f"{NULL if r[29] is None else r[29]}\t{NULL if r[30] is None else r[30]}\t{fingerprint}\n"
    )


def _escape(value) -> str:
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def error_lines(source: int, source_name: str, errors: list[RowError]) -> str:
    """A rejected row's errors as lines of COPY's text format, one per error."""
    return "".join(
        f"{source}\t{_escape(source_name)}\t{error.row}\t{seq}\t{_escape(error.case_number)}\t"
        f"{_escape(error.column)}\t{_escape(error.message)}\n"
        for seq, error in enumerate(errors)
    )


@dataclass
class Chunk:
    """Rows of one source on their way to the database, already in COPY's text format."""

    source: int
    source_name: str
    case_label: str  # the source's header for the case number, for duplicate errors
    records: io.StringIO = field(default_factory=io.StringIO)
    errors: io.StringIO = field(default_factory=io.StringIO)
    rows: int = 0
    matched: int = 0  # rows unchanged, matched in memory (known.py): counted, not staged
    # (case number, row): a matched row of an earlier chunk named the case of a staged row
    registered: list[tuple[str, int]] = field(default_factory=list)
    fingerprinted: bool = False  # every record carries its row's fingerprint (a CSV source)


@dataclass
class ChunkCounts:
    staged: int = 0
    duplicates: int = 0
    created: int = 0
    updated: int = 0


class StagingWriter:
    def __init__(self, raw_connection, *, sample_size: int = 0):
        self.cursor = raw_connection.cursor()
        self.sample_size = sample_size
        self.samples: dict[str, list[dict]] = {"created": [], "updated": [], "unchanged": []}
        self.court_ids: dict[str, int] = {}
        self.courts_created = 0
        self.divisions_created = 0
        self.judges_created = 0
        self.judges_updated = 0
        self.bulk: tuple[list[tuple[str, str]], list[tuple[str, str]]] | None = None
        self.bulk_loaded = False  # begin_bulk ran: refresh the derived fields of every case
        self.bulk_unique: list[tuple[str, str]] = []  # dropped by begin_bulk until restored
        # The first source of a first load whose duplicates are looked for once it is in
        # (reject_bulk_duplicates): its index, name and case-number header.
        self.bulk_source: tuple[int, str, str] | None = None

    def begin(self) -> None:
        columns = ", ".join(
            f"{name} {kind}" for name, kind in (STAGING_TYPES | STAGING_EXTRA).items()
        )
        execute = self.cursor.execute
        for table in TEMP_TABLES:
            execute(f"DROP TABLE IF EXISTS {table}")
        execute(f"CREATE TEMP TABLE {STAGING} ({columns}) ON COMMIT DROP")
        # Compared byte by byte ("C"): the same equality as the database's collation (a
        # deterministic one), half the cost of a million rows going in.
        execute(
            f"""CREATE TEMP TABLE {SEEN} (case_number varchar(64) COLLATE "C" PRIMARY KEY,
                row integer) ON COMMIT DROP"""
        )
        execute(
            f"""CREATE TEMP TABLE {BULK_SEEN} (case_number varchar(64) COLLATE "C", row integer,
                import_hash uuid) ON COMMIT DROP"""
        )
        execute(
            f"""CREATE TEMP TABLE {ERRORS} (source integer, source_name text, row integer,
                seq integer, case_number text, column_name text, message text) ON COMMIT DROP"""
        )
        execute(
            f"""CREATE TEMP TABLE {CHANGED} (source integer, id bigint, created boolean)
                ON COMMIT DROP"""
        )
        execute(f"CREATE TEMP TABLE {MATCHED} (import_hash uuid, row integer) ON COMMIT DROP")
        execute(
            f"""CREATE TEMP TABLE {JUDGES} (court_id bigint, staff_id text, name text,
                division_id bigint, PRIMARY KEY (court_id, staff_id)) ON COMMIT DROP"""
        )

    def case_table_empty(self) -> bool:
        self.cursor.execute("SELECT NOT EXISTS (SELECT 1 FROM cases_case)")
        return self.cursor.fetchone()[0]

    def begin_bulk(self) -> bool:
        """A first load: if the case table is empty (checked under an exclusive lock, held to
        the end of the run), drop its secondary indexes and foreign keys, to be built again by
        end_bulk in one pass each. Returns whether it did.

        Its unique constraints (the case number) are dropped too, unless samples are taken
        (they look cases up by number, chunk by chunk): the first source's rows cannot break
        them (the table was empty and its duplicates are rejected: in SEEN chunk by chunk, or
        where its unique index is built, reject_bulk_duplicates). restore_unique adds them
        again before a later source upserts by case number, else end_bulk does; the
        derived-fields refresh in between links origins by number with a hash join over the
        table (what its plan is for that many cases anyway), and its updates leave one index
        fewer to maintain."""
        execute = self.cursor.execute
        execute("LOCK TABLE cases_case IN ACCESS EXCLUSIVE MODE")
        if not self.case_table_empty():
            return False
        execute(SECONDARY_INDEXES)
        indexes = self.cursor.fetchall()
        execute(FOREIGN_KEYS)
        foreign_keys = self.cursor.fetchall()
        unique = []
        if not self.sample_size:
            execute(UNIQUE_CONSTRAINTS)
            unique = self.cursor.fetchall()
        for name, _definition in indexes:
            execute(f"DROP INDEX {quote_name(name)}")
        for name, _definition in [*foreign_keys, *unique]:
            execute(f"ALTER TABLE cases_case DROP CONSTRAINT {quote_name(name)}")
        self.bulk = (indexes, foreign_keys)
        self.bulk_unique = unique
        self.bulk_loaded = True
        return True

    def restore_unique(self) -> None:
        """Add again the unique constraints begin_bulk dropped (once; an index build each)."""
        if not self.bulk_unique:
            return
        execute = self.cursor.execute
        execute("SET LOCAL maintenance_work_mem = '256MB'")
        for name, definition in self.bulk_unique:
            execute(f"ALTER TABLE cases_case ADD CONSTRAINT {quote_name(name)} {definition}")
        self.bulk_unique = []

    def end_bulk(self) -> None:
        """Build again what begin_bulk dropped, as it was (same names and definitions)."""
        self.restore_unique()
        if self.bulk is None:
            return
        indexes, foreign_keys = self.bulk
        execute = self.cursor.execute
        execute("SET LOCAL maintenance_work_mem = '256MB'")
        for _name, definition in indexes:
            execute(definition)
        for name, definition in foreign_keys:
            execute(f"ALTER TABLE cases_case ADD CONSTRAINT {quote_name(name)} {definition}")
        self.bulk = None

    def end(self) -> None:
        for table in TEMP_TABLES:
            self.cursor.execute(f"DROP TABLE IF EXISTS {table}")
        self.cursor.close()

    def start_source(self) -> None:
        """Duplicates are looked for within one source (DATA_FORMAT.md: "rows of one file")."""
        self.cursor.execute(f"TRUNCATE {SEEN}")

    # --- one chunk --------------------------------------------------------------------------

    def stage(self, chunk: Chunk) -> list[tuple[int, str, str]]:
        """Stage the chunk's records so far; returns the stored cases they name (row, case
        number, fingerprint as uuid text). Later records of the chunk go in with `write`."""
        if chunk.records.tell():
            chunk.records.seek(0)
            self.cursor.copy_expert(
                f"COPY {STAGING} ({STAGED_COLUMNS}) FROM STDIN", chunk.records, COPY_BUFFER
            )
            chunk.records = io.StringIO()
        self.cursor.execute(NAMED)
        return self.cursor.fetchall()

    def register_matched(self, lines: str) -> None:
        """The rows matched so far in this source (lines: fingerprint, row) join the duplicate
        check of the rows that follow (once, when matching stops for the source)."""
        if lines:
            self.cursor.copy_expert(f"COPY {MATCHED} FROM STDIN", io.StringIO(lines))
            self.cursor.execute(MATCHED_SEEN)
            self.cursor.execute(f"TRUNCATE {MATCHED}")

    def write(self, chunk: Chunk) -> ChunkCounts:
        counts = ChunkCounts(staged=chunk.matched)
        if chunk.errors.tell():
            chunk.errors.seek(0)
            self.cursor.copy_expert(f"COPY {ERRORS} ({ERROR_COLUMNS}) FROM STDIN", chunk.errors)
        if chunk.records.tell():
            chunk.records.seek(0)
            self.cursor.copy_expert(
                f"COPY {STAGING} ({STAGED_COLUMNS}) FROM STDIN", chunk.records, COPY_BUFFER
            )
        self.cursor.execute(f"SELECT count(*) FROM {STAGING}")
        staged = self.cursor.fetchone()[0]
        if not staged:
            return counts
        if chunk.registered:
            self.cursor.execute(
                f"""INSERT INTO {SEEN} (case_number, row) SELECT * FROM unnest(%s, %s)
                ON CONFLICT (case_number) DO NOTHING""",
                [[n for n, _row in chunk.registered], [row for _n, row in chunk.registered]],
            )
        if self._defers_duplicates(chunk):
            self.bulk_source = (chunk.source, chunk.source_name, chunk.case_label)
            self.cursor.execute(
                f"INSERT INTO {BULK_SEEN} SELECT case_number, row, import_hash FROM {STAGING}"
            )
        else:
            counts.duplicates = self._reject_duplicates(chunk, staged)
        counts.staged += staged - counts.duplicates
        self._create_units()
        if self.sample_size:
            self._take_samples()
        if self.bulk is not None and chunk.source == 0:
            self.cursor.execute(BULK_JOINS)
            nested_loops = self.cursor.fetchone()[0]
            self.cursor.execute(INSERT_BULK)
            counts.created = self.cursor.rowcount
            self.cursor.execute("SELECT set_config('enable_nestloop', %s, true)", [nested_loops])
        else:
            self.restore_unique()  # a later source of a first load: upserted by case number
            self.cursor.execute(UPSERT, {"source": chunk.source})
            counts.created, counts.updated = self.cursor.fetchone()
        if self.bulk is None:
            self.cursor.execute(REFINGERPRINT)
        self.cursor.execute(f"TRUNCATE {STAGING}")
        return counts

    def _defers_duplicates(self, chunk: Chunk) -> bool:
        """The first source of a first load, of fingerprinted rows and with no samples to take
        (they are taken from each chunk's staged rows), goes in with its duplicates; they are
        looked for once, when the source is in (reject_bulk_duplicates), instead of each row's
        number going into SEEN's index as it comes (a tenth of a first load's time)."""
        return (
            self.bulk is not None
            and chunk.source == 0
            and chunk.fingerprinted
            and not self.sample_size
            and bool(self.bulk_unique)  # the case number's unique index, to be built again
        )

    def reject_bulk_duplicates(self) -> int:
        """After the first source of a first load (_defers_duplicates), before anything reads
        its cases by number (a later source) or else at the end: build the case number's
        unique index, which only fails if a number came twice — then reject the later rows of
        each such number, as _reject_duplicates does chunk by chunk (the same errors), remove
        the cases they wrote, and build it. Returns how many rows were rejected."""
        if self.bulk_source is None:
            return 0
        source, source_name, case_label = self.bulk_source
        self.bulk_source = None
        self.cursor.execute("SAVEPOINT courtdash_bulk_unique")
        try:
            self.restore_unique()
        except UniqueViolation:
            self.cursor.execute("ROLLBACK TO SAVEPOINT courtdash_bulk_unique")
            rejected = self._remove_bulk_duplicates(source, source_name, case_label)
            self.restore_unique()
        else:
            rejected = 0
        self.cursor.execute("RELEASE SAVEPOINT courtdash_bulk_unique")
        self.cursor.execute(f"TRUNCATE {BULK_SEEN}")
        return rejected

    def _remove_bulk_duplicates(self, source: int, source_name: str, case_label: str) -> int:
        self.cursor.execute(BULK_DUPLICATES)
        duplicates = self.cursor.fetchall()
        self._record_duplicates(source, source_name, case_label, duplicates)
        self.cursor.execute(BULK_DELETE_DUPLICATES)
        if self.cursor.rowcount != len(duplicates):
            raise RuntimeError(
                f"{len(duplicates)} duplicate rows, {self.cursor.rowcount} cases removed"
            )
        # The deletion's deferred checks (other tables' foreign keys to a case: none can name
        # these new cases) are made now: the case table is altered later in this transaction,
        # which PostgreSQL refuses while they are pending. Every deferrable constraint of the
        # schema is initially deferred (Django's foreign keys), so DEFERRED puts them back.
        self.cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        return len(duplicates)

    def _record_duplicates(
        self, source: int, source_name: str, case_label: str, duplicates: list
    ) -> None:
        """(row, case number, first row) of each rejected duplicate, into ERRORS."""
        lines = "".join(
            error_lines(
                source,
                source_name,
                [RowError(row, case_label, _("与第%(row)s行案号相同") % {"row": first}, number)],
            )
            for row, number, first in duplicates
        )
        self.cursor.copy_expert(f"COPY {ERRORS} ({ERROR_COLUMNS}) FROM STDIN", io.StringIO(lines))

    def _reject_duplicates(self, chunk: Chunk, staged: int) -> int:
        """The later of two rows with one case number is rejected ("与第N行案号相同"), whether
        the first is in this chunk or an earlier one of the same source (`staged`: the rows
        in staging). Returns how many were rejected.

        One pass: the staged rows join SEEN in file order, each case number's first row only
        (the primary key's own check: no lookup of its own), and only when some did not are
        the others looked for, with the first row SEEN now holds for their number."""
        self.cursor.execute(
            f"""INSERT INTO {SEEN} (case_number, row)
            SELECT case_number, row FROM {STAGING} ORDER BY row
            ON CONFLICT (case_number) DO NOTHING"""
        )
        if self.cursor.rowcount == staged:
            return 0
        self.cursor.execute(
            f"""SELECT s.row, s.case_number, seen.row FROM {STAGING} s
            JOIN {SEEN} seen ON seen.case_number = s.case_number COLLATE "C" AND seen.row <> s.row
            ORDER BY s.row"""
        )
        duplicates = self.cursor.fetchall()
        if not duplicates:
            return 0
        self._record_duplicates(chunk.source, chunk.source_name, chunk.case_label, duplicates)
        self.cursor.execute(
            f"DELETE FROM {STAGING} WHERE row = ANY(%s)", [[row for row, _n, _f in duplicates]]
        )
        return len(duplicates)

    def _create_units(self) -> None:
        """Courts, divisions and judges the staged rows name: create what is missing, and
        bring a judge's name and division up to the latest row naming them.

        A judge this run has already written with the name and division that the chunk's
        latest row naming them gives (JUDGES: what the run wrote last, per court and staff
        number) is as that row wants: not written again, nor locked, chunk after chunk. A
        chunk every row of which names a judge as JUDGES has them (the usual chunk, after the
        first few) names no new court or division either: nothing to do (UNITS_WRITTEN)."""
        self.cursor.execute(UNITS_WRITTEN)
        if self.cursor.fetchone()[0]:
            return
        self._create_courts()
        self.cursor.execute(
            f"""
            WITH created AS (
              INSERT INTO cases_division (court_id, name)
              SELECT DISTINCT c.id, s.division FROM {STAGING} s
              JOIN cases_court c ON c.code = s.court_code
              ON CONFLICT (court_id, name) DO NOTHING
              RETURNING 1
            ) SELECT count(*) FROM created
            """
        )
        self.divisions_created += self.cursor.fetchone()[0]
        self.cursor.execute(
            f"""
            WITH latest AS (
              SELECT DISTINCT ON (s.court_code, s.judge_staff_id)
                     s.court_code, s.judge_staff_id, s.judge_name, s.division
              FROM {STAGING} s
              ORDER BY s.court_code, s.judge_staff_id, s.row DESC
            ), fresh AS (
              SELECT c.id AS court_id, l.judge_staff_id, l.judge_name, d.id AS division_id
              FROM latest l
              JOIN cases_court c ON c.code = l.court_code
              JOIN cases_division d ON d.court_id = c.id AND d.name = l.division
              WHERE NOT EXISTS (
                SELECT 1 FROM {JUDGES} k WHERE k.court_id = c.id
                  AND k.staff_id = l.judge_staff_id AND k.name = l.judge_name
                  AND k.division_id = d.id)
            ), noted AS (
              INSERT INTO {JUDGES} (court_id, staff_id, name, division_id)
              SELECT court_id, judge_staff_id, judge_name, division_id FROM fresh
              ON CONFLICT (court_id, staff_id) DO UPDATE
                SET name = EXCLUDED.name, division_id = EXCLUDED.division_id
            ), changed AS (
              INSERT INTO cases_judge (court_id, staff_id, name, division_id)
              SELECT court_id, judge_staff_id, judge_name, division_id FROM fresh
              ON CONFLICT (court_id, staff_id) DO UPDATE
                SET name = EXCLUDED.name, division_id = EXCLUDED.division_id
                WHERE (cases_judge.name, cases_judge.division_id)
                      IS DISTINCT FROM (EXCLUDED.name, EXCLUDED.division_id)
              RETURNING (xmax = 0) AS created
            )
            SELECT count(*) FILTER (WHERE created), count(*) FILTER (WHERE NOT created)
            FROM changed
            """
        )
        created, updated = self.cursor.fetchone()
        self.judges_created += created
        self.judges_updated += updated

    def _create_courts(self) -> None:
        self.cursor.execute(
            f"""SELECT court_code, max(NULLIF(court_name, '')) FROM {STAGING}
            WHERE NOT court_code = ANY(%s) GROUP BY court_code""",
            [list(self.court_ids)],
        )
        named = dict(self.cursor.fetchall())
        if not named:
            return
        wanted = set(named) | {parent_court_code(code) for code in named} - {None}
        self.cursor.execute(
            "SELECT code, id FROM cases_court WHERE code = ANY(%s)", [sorted(wanted)]
        )
        self.court_ids.update(self.cursor.fetchall())
        # Parents first, so that a new basic court finds its new intermediate court.
        for code in sorted(wanted - set(self.court_ids), key=len):
            parent = parent_court_code(code)
            self.cursor.execute(
                """INSERT INTO cases_court (code, name, level, parent_id)
                VALUES (%s, %s, %s, %s) RETURNING id""",
                [
                    code,
                    named.get(code) or code,
                    str(court_level_of(code)),
                    self.court_ids.get(parent) if parent else None,
                ],
            )
            self.court_ids[code] = self.cursor.fetchone()[0]
            self.courts_created += 1

    def _take_samples(self) -> None:
        """A few rows that would be created, updated (with what changes) or unchanged."""
        size = self.sample_size
        samples = self.samples
        differs = " OR ".join(f"c.{n} IS DISTINCT FROM r.{n}" for n in CASE_COLUMNS)
        if len(samples["created"]) < size:
            self.cursor.execute(
                f"""SELECT r.row, r.case_number FROM ({RESOLVED}) r
                WHERE NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.case_number = r.case_number)
                ORDER BY r.row LIMIT %s""",
                [size - len(samples["created"])],
            )
            samples["created"] += [{"row": row, "case_number": n} for row, n in self.cursor]
        if len(samples["updated"]) < size:
            flags = ", ".join(f"c.{n} IS DISTINCT FROM r.{n}" for n in CASE_COLUMNS)
            self.cursor.execute(
                f"""SELECT r.row, r.case_number, {flags} FROM ({RESOLVED}) r
                JOIN cases_case c ON c.case_number = r.case_number WHERE {differs}
                ORDER BY r.row LIMIT %s""",
                [size - len(samples["updated"])],
            )
            labels = [
                str(Case._meta.get_field(name.removesuffix("_id")).verbose_name)
                for name in CASE_COLUMNS
            ]
            samples["updated"] += [
                {
                    "row": row,
                    "case_number": number,
                    "changes": [label for label, flag in zip(labels, flags, strict=True) if flag],
                }
                for row, number, *flags in self.cursor.fetchall()
            ]
        if len(samples["unchanged"]) < size:
            self.cursor.execute(
                f"""SELECT r.row, r.case_number FROM ({RESOLVED}) r
                JOIN cases_case c ON c.case_number = r.case_number WHERE NOT ({differs})
                ORDER BY r.row LIMIT %s""",
                [size - len(samples["unchanged"])],
            )
            samples["unchanged"] += [{"row": row, "case_number": n} for row, n in self.cursor]

    # --- the whole run ----------------------------------------------------------------------

    def changed_count(self) -> int:
        self.cursor.execute(f"SELECT count(*) FROM {CHANGED}")
        return self.cursor.fetchone()[0]

    def refresh_ids(self, limit: int) -> list[int] | None:
        """The cases whose derived fields may have to change: created and updated ones, and
        cases already here whose origin case has just arrived; None if more than `limit`."""
        self.cursor.execute(
            f"""
            SELECT id FROM {CHANGED}
            UNION
            SELECT d.id FROM {CHANGED} ch
            JOIN cases_case o ON o.id = ch.id AND ch.created
            JOIN cases_case d ON d.origin_case_number = o.case_number AND d.origin_case_number <> ''
            WHERE d.origin_id IS NULL
            ORDER BY 1 LIMIT %s
            """,
            [limit + 1],
        )
        ids = [row[0] for row in self.cursor.fetchall()]
        return ids if len(ids) <= limit else None

    def bulk_refresh_ids(self, limit: int) -> list[int] | None:
        """After a first load: the cases whose derived fields may differ from what the insert
        wrote — every case naming an origin (not linked yet, INSERT_BULK), the cases of later
        sources (CHANGED) — to be refreshed with their origins; None if more than `limit`.
        Any other case was written with its own values, which is what the refresh gives a
        case without an origin that no case names as one."""
        self.cursor.execute(
            f"""
            SELECT id FROM cases_case WHERE origin_case_number <> ''
            UNION
            SELECT id FROM {CHANGED} WHERE id IS NOT NULL
            ORDER BY 1 LIMIT %s
            """,
            [limit + 1],
        )
        ids = [row[0] for row in self.cursor.fetchall()]
        return ids if len(ids) <= limit else None

    def errors(self, limit: int | None) -> list[RowError]:
        self.cursor.execute(
            f"""SELECT row, column_name, message, case_number, source_name FROM {ERRORS}
            ORDER BY source, row, seq LIMIT %s""",
            [limit],
        )
        return [RowError(*values) for values in self.cursor.fetchall()]

    def write_report(self, stream: TextIO, *, with_source: bool) -> None:
        """The rejected rows as CSV: a header, then one line per rejected row (DATA_FORMAT.md)."""
        header = [_("行号"), _("案号"), _("错误")] + ([_("文件")] if with_source else [])
        csv.writer(stream, lineterminator="\n").writerow(header)
        source = ", max(source_name)" if with_source else ""
        # Imported text goes back out: made safe for a spreadsheet (no live formula).
        copy_csv(
            self.cursor,
            f"""COPY (
              SELECT row, max(case_number), string_agg(message, '；' ORDER BY seq){source}
              FROM {ERRORS} GROUP BY source, row ORDER BY source, row
            ) TO STDOUT WITH (FORMAT csv)""",
            stream,
        )
