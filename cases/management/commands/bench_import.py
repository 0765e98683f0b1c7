"""python manage.py bench_import --rows 1000000 [--keep-file] [--dry-run]

Writes a valid synthetic import file (DATA_FORMAT.md) of that many rows, imports it into the
configured database through the same path as import_cases, and prints rows per second, the
elapsed seconds and the peak memory of the process.
"""

from __future__ import annotations

import csv
import datetime
import os
import random
import resource
import tempfile
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.casenumbers import court_level_of
from cases.choices import CourtLevel
from cases.dates import today
from cases.importing import ImportFileError, case_import, open_source
from cases.importing.columns import COLUMNS

BASIC_COURTS = ["苏0505", "苏0506", "苏0507", "苏0508", "苏0509", "苏0581", "苏0582", "苏0583"]
INTERMEDIATE = "苏05"
JUDGES_PER_DIVISION = 8
CAUSES = [
    "民间借贷纠纷",
    "买卖合同纠纷",
    "离婚纠纷",
    "机动车交通事故责任纠纷",
    "劳动争议",
    "物业服务合同纠纷",
]
# type code, weight, divisions, basic courts only?
KINDS = [
    ("民初", 48, ["民一庭", "民二庭", "民三庭"], False),
    ("刑初", 8, ["刑事审判庭"], False),
    ("行初", 2, ["行政审判庭"], False),
    ("执", 24, ["执行局"], True),
    ("执恢", 3, ["执行局"], True),
    ("执保", 2, ["执行局"], True),
    ("民特", 2, ["民一庭"], True),
    ("民终", 8, ["民一庭", "民二庭"], None),  # intermediate court only
    ("刑终", 1, ["刑事审判庭"], None),
    ("民再", 1, ["审判监督庭"], None),
    ("民申", 1, ["审判监督庭"], None),
]
DIVISIONS = sorted({division for kind in KINDS for division in kind[2]})
METHODS = {
    "first_instance": ["judgment", "mediation", "withdrawal", "ruling", "dismissal"],
    "second_instance": ["affirmed", "modified", "remanded", "appeal_withdrawn", "mediation"],
    "retrial": ["affirmed", "modified", "remanded", "mediation"],
    "enforcement": ["enforcement_completed", "enforcement_round_ended", "enforcement_terminated"],
    "other": ["ruling", "other", "transfer"],
}
PROCEDURE_OF = {
    "民初": "first_instance",
    "刑初": "first_instance",
    "行初": "first_instance",
    "执": "enforcement",
    "民终": "second_instance",
    "刑终": "second_instance",
    "民再": "retrial",
}


def write_synthetic_file(path: Path, rows: int, *, as_of: datetime.date, seed: int = 2025) -> None:
    """`rows` valid records, three years of filings up to `as_of`, appeals linked to origins."""
    rng = random.Random(seed)
    header = [column.name for column in COLUMNS]
    years = [as_of.year - 2, as_of.year - 1, as_of.year]
    year_days = [
        ((datetime.date(y, 12, 31) if y < as_of.year else as_of) - datetime.date(y, 1, 1)).days
        for y in years
    ]
    serials: dict[tuple, int] = {}
    recent_first_instance: list[tuple[str, datetime.date]] = []
    kinds = [kind for kind in KINDS]
    weights = [kind[1] for kind in KINDS]
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(header)
        for _ in range(rows):
            type_code, _w, divisions, basic_only = rng.choices(kinds, weights)[0]
            court = INTERMEDIATE if basic_only is None else rng.choice(BASIC_COURTS)
            year_index = rng.randrange(3)
            year = years[year_index]
            filed_on = datetime.date(year, 1, 1) + datetime.timedelta(
                days=rng.randrange(year_days[year_index] + 1)
            )
            key = (court, type_code, year)
            serials[key] = serial = serials.get(key, 0) + 1
            number = f"（{year}）{court}{type_code}{serial}号"
            division = rng.choice(divisions)
            judge = rng.randrange(JUDGES_PER_DIVISION)
            judge_id = f"J{court[1:]}{DIVISIONS.index(division):02d}{judge:02d}"
            procedure = PROCEDURE_OF.get(type_code, "other")
            track = ""
            if procedure == "first_instance":
                level = court_level_of(court)
                track = "ordinary"
                if level == CourtLevel.BASIC and type_code == "民初":
                    track = rng.choices(["ordinary", "summary", "small_claims"], [3, 6, 1])[0]
                elif level == CourtLevel.BASIC and type_code == "刑初":
                    track = rng.choices(["ordinary", "summary", "fast_track"], [4, 4, 2])[0]
            closed_on = method = ""
            age = (as_of - filed_on).days
            if age and rng.random() < 0.75:
                closed = filed_on + datetime.timedelta(days=rng.randint(0, min(age, 400)))
                closed_on = closed.isoformat()
                method = rng.choice(METHODS.get(procedure, METHODS["other"]))
            origin = ""
            if procedure in ("second_instance", "retrial") and recent_first_instance:
                candidate, candidate_filed = rng.choice(recent_first_instance)
                if candidate_filed <= filed_on:
                    origin = candidate
            if type_code == "民初" and len(recent_first_instance) < 5000:
                recent_first_instance.append((number, filed_on))
            elif type_code == "民初" and rng.random() < 0.05:
                recent_first_instance[rng.randrange(5000)] = (number, filed_on)
            enforcement = type_code.startswith("执")
            applied = rng.randint(1_000, 5_000_000) if enforcement else None
            writer.writerow(
                [
                    number,
                    court,
                    "",
                    division,
                    judge_id,
                    f"法官{judge_id}",
                    track,
                    rng.choice(CAUSES) if not enforcement else "",
                    filed_on.isoformat(),
                    closed_on,
                    method,
                    "",
                    rng.choice((0, 0, 0, 0, 30, 90)) if procedure == "first_instance" else 0,
                    rng.choice((0, 0, 0, 15, 60)),
                    origin,
                    "",
                    "",
                    "",
                    "",
                    "",
                    f"{applied}.00" if applied else "",
                    f"{rng.randint(0, applied)}.50" if applied and closed_on else "",
                ]
            )


def _backend_cpu_reader():
    """A function giving the CPU seconds used so far by this connection's PostgreSQL backend,
    read from /proc when the server runs on this machine; -1 when it cannot be read."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    stat = Path(f"/proc/{pid}/stat")

    def read() -> float:
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return -1.0
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    return read


class Command(BaseCommand):
    help = "生成合成案件文件并导入，测量导入速度与内存峰值"

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000)
        parser.add_argument("--keep-file", action="store_true", help="保留生成的文件")
        parser.add_argument("--dry-run", action="store_true", help="导入后回滚，不保留数据")
        parser.add_argument("--seed", type=int, default=2025)

    def handle(self, *args, rows, keep_file=False, dry_run=False, seed=2025, **options):
        if rows < 1:
            raise CommandError("--rows must be at least 1")
        handle, name = tempfile.mkstemp(prefix="courtdash-bench-", suffix=".csv")
        path = Path(name)
        try:
            started = time.perf_counter()
            os.close(handle)
            write_synthetic_file(path, rows, as_of=today(), seed=seed)
            generated = time.perf_counter() - started
            size = path.stat().st_size
            self.stdout.write(
                f"generated {rows} rows, {size / 1e6:.1f} MB in {generated:.1f} s: {path}"
            )
            backend = _backend_cpu_reader()
            backend_started = backend()
            cpu_started = time.process_time()
            started = time.perf_counter()
            try:
                result = case_import(
                    sources=[open_source(path)],
                    origin="bench",
                    dry_run=dry_run,
                    max_errors=5,
                    progress=options["verbosity"] >= 1,
                )
            except ImportFileError as error:
                raise CommandError(str(error)) from error
            elapsed = time.perf_counter() - started
            python_cpu = time.process_time() - cpu_started
            backend_cpu = backend() - backend_started if backend_started >= 0 else -1.0
        finally:
            if not keep_file:
                path.unlink(missing_ok=True)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        for error in result.errors:
            self.stdout.write(f"row {error.row} {error.case_number}: {error.message}")
        self.stdout.write(result.summary_text())
        self.stdout.write(
            f"rows: {rows}  elapsed: {elapsed:.1f} s  rows/s: {rows / elapsed:,.0f}  "
            f"peak memory (ru_maxrss): {peak_mb:.0f} MB"
            + ("  (dry run, rolled back)" if dry_run else "")
        )
        # CPU seconds tell the work apart from waiting for a busy machine.
        self.stdout.write(
            f"cpu: python {python_cpu:.1f} s, postgres backend "
            + (f"{backend_cpu:.1f} s" if backend_cpu >= 0 else "n/a (server not local)")
        )
