"""`bench_metrics`: times the engine against a bare scan and pandas, which must agree with it."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.metrics.generate import generate_cases

pytestmark = pytest.mark.django_db
AS_OF = datetime.date(2025, 8, 31)


def test_bench_reports_times_ratios_memory_and_pandas_agreeing_with_the_engine():
    generate_cases(n=300, seed=7, as_of=AS_OF)
    stdout = StringIO()
    call_command(
        "bench_metrics",
        "--cases",
        "300",
        "--as-of",
        AS_OF.isoformat(),
        "--repeat",
        "1",
        stdout=stdout,
        stderr=StringIO(),
    )
    report = dict(line.split(":", 1) for line in stdout.getvalue().splitlines() if ":" in line)
    assert report["cases"].strip() == "300"
    for key in ("nightly (ytd+qtd+mtd, scored)", "bare scan of the columns"):
        seconds = float(report[key].split()[0])
        assert seconds > 0
    assert report["nightly / bare scan"].strip().endswith("x")
    assert report["pandas disagreements"].strip() == "0"
    assert "MB (ru_maxrss)" in report["peak memory after pandas"]


def test_bench_fails_clearly_without_enough_cases_and_no_seed_command(monkeypatch):
    import metrics.management.commands.bench_metrics as bench_command

    monkeypatch.setattr(bench_command, "get_commands", lambda: {})
    with pytest.raises(CommandError, match="no seed_demo command"):
        call_command("bench_metrics", "--cases", "10", stdout=StringIO(), stderr=StringIO())
