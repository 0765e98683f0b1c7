"""python manage.py bench_import --rows 1000000 [--changed 0.01] [--keep-file] [--dry-run]

Writes a valid synthetic import file (DATA_FORMAT.md) of that many rows, imports it into the
configured database through the same path as import_cases, and prints rows per second, the
elapsed seconds and the peak memory of the import. Into an empty database that is a first
load. With --changed, the same export is then imported again with that share of its rows
changed (0: the very same file), and the re-import's figures are printed too (after a
VACUUM (ANALYZE) of the case table, as autovacuum would run after a large load).
"""

from __future__ import annotations

import csv
import multiprocessing
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from cases.dates import today
from cases.importing import ImportFileError, case_import, open_source
from cases.importing.synthetic import write_synthetic_file


def _generate_apart(path: Path, rows: int, **options) -> None:
    """Write the file in a forked process, so that the peak memory measured afterwards is the
    importer's own. The child leaves by os._exit and never touches the database; the
    connection is still closed first when it can be (not inside a transaction)."""
    if not connection.in_atomic_block:
        connection.close()
    child = multiprocessing.get_context("fork").Process(
        target=write_synthetic_file, args=(path, rows), kwargs=options
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise CommandError(f"the generator failed (exit code {child.exitcode})")


def _write_changed(source: Path, target: Path, share: float, seed: int) -> None:
    """A copy of the export with `share` of its rows changed (their cause of action)."""
    rng = np.random.default_rng(seed)
    with (
        source.open(encoding="utf-8", newline="") as given,
        target.open("w", encoding="utf-8", newline="") as changed,
    ):
        reader, writer = csv.reader(given), csv.writer(changed)
        header = next(reader)
        writer.writerow(header)
        cause = header.index("cause")
        while block := [row for _n, row in zip(range(100_000), reader, strict=False)]:
            for row, pick in zip(block, rng.random(len(block)) < share, strict=True):
                if pick:
                    row[cause] = (row[cause] or "其他纠纷") + "（更正）"
            writer.writerows(block)


def _change_apart(source: Path, target: Path, share: float, seed: int) -> None:
    child = multiprocessing.get_context("fork").Process(
        target=_write_changed, args=(source, target, share, seed)
    )
    child.start()
    child.join()
    if child.exitcode != 0:
        raise CommandError(f"changing the file failed (exit code {child.exitcode})")


def _reset_peak_memory() -> bool:
    """Start the peak resident size (VmHWM) afresh (Linux ≥ 4.0); False where it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def _peak_memory_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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
        parser.add_argument(
            "--changed",
            type=float,
            default=None,
            metavar="SHARE",
            help="再次导入同一导出文件，其中此比例的行有改动（0 即原文件），并输出其速度",
        )

    def handle(
        self, *args, rows, keep_file=False, dry_run=False, seed=2025, changed=None, **options
    ):
        if rows < 1:
            raise CommandError("--rows must be at least 1")
        if changed is not None and not 0 <= changed <= 1:
            raise CommandError("--changed must be between 0 and 1")
        handle, name = tempfile.mkstemp(prefix="courtdash-bench-", suffix=".csv")
        path = Path(name)
        again = path.with_name(path.stem + "-again.csv")
        try:
            started = time.perf_counter()
            os.close(handle)
            _generate_apart(path, rows, as_of=today(), seed=seed)
            generated = time.perf_counter() - started
            size = path.stat().st_size
            self.stdout.write(
                f"generated {rows} rows, {size / 1e6:.1f} MB in {generated:.1f} s: {path}"
            )
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM cases_case")
                before = cursor.fetchone()[0]
            label = "first load" if before == 0 else f"import into {before} cases"
            self._measure(label, path, rows, dry_run, options["verbosity"])
            if changed is not None:
                if not dry_run:
                    # What autovacuum does after a large load (these machines run without it):
                    # statistics, and the visibility map, for the re-import's reads.
                    with connection.cursor() as cursor:
                        cursor.execute("VACUUM (ANALYZE) cases_case")
                        cursor.execute("VACUUM (ANALYZE) cases_judge")
                if changed:
                    _change_apart(path, again, changed, seed + 1)
                else:
                    again.write_bytes(path.read_bytes())
                self._measure(
                    f"re-import, {changed:.1%} changed", again, rows, dry_run, options["verbosity"]
                )
        finally:
            if not keep_file:
                path.unlink(missing_ok=True)
                again.unlink(missing_ok=True)

    def _measure(self, label: str, path: Path, rows: int, dry_run: bool, verbosity: int) -> None:
        if not connection.in_atomic_block:
            connection.close()  # a fresh backend, so that its CPU seconds are this import's
        _reset_peak_memory()
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
                progress=verbosity >= 1,
            )
        except ImportFileError as error:
            raise CommandError(str(error)) from error
        elapsed = time.perf_counter() - started
        python_cpu = time.process_time() - cpu_started
        backend_cpu = backend() - backend_started if backend_started >= 0 else -1.0
        peak_mb = _peak_memory_mb()
        process_peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB
        for error in result.errors:
            self.stdout.write(f"row {error.row} {error.case_number}: {error.message}")
        self.stdout.write(f"{label}: {result.summary_text()}")
        self.stdout.write(
            f"  rows: {rows}  elapsed: {elapsed:.1f} s  rows/s: {rows / elapsed:,.0f}  "
            f"peak memory (ru_maxrss): {process_peak_mb:.0f} MB, of this import (VmHWM): "
            f"{peak_mb:.0f} MB" + ("  (dry run, rolled back)" if dry_run else "")
        )
        # CPU seconds tell the work apart from waiting for a busy machine.
        self.stdout.write(
            f"  cpu: python {python_cpu:.1f} s, postgres backend "
            + (f"{backend_cpu:.1f} s" if backend_cpu >= 0 else "n/a (server not local)")
        )
