"""`bench_metrics`: times the engine against a bare scan and pandas, which must agree with it."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metrics.services import metrics_compute
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


def test_bench_pages_times_every_dashboard_page_and_only_case_lists_read_cases():
    generate_cases(n=300, seed=7, as_of=AS_OF)
    metrics_compute(as_of=AS_OF)
    stdout = StringIO()
    call_command("bench_pages", "--repeat", "1", stdout=stdout, stderr=StringIO())
    lines = stdout.getvalue().splitlines()
    assert lines[0].startswith(f"as of {AS_OF}")
    rows = {line[:26].strip(): line[26:].split() for line in lines[3:]}
    levels = ("city", "court", "division", "judge")
    pages = [f"{page} · {level}" for level in levels for page in ("overview", "drill", "trend")]
    assert set(pages) | {"weekly ranking · city", "indicator page"} < set(rows)
    for page in [*pages, "weekly ranking · city", "indicator page"]:
        median, _worst, queries, case_queries = rows[page]
        assert float(median.removesuffix("ms")) > 0 and int(queries) > 0
        assert case_queries == "0", page  # dashboards read stored results only
    for level in levels:
        assert int(rows[f"case list · {level}"][3]) > 0  # the drill-down list reads the cases


def test_bench_pages_says_what_to_do_before_anything_is_computed():
    with pytest.raises(CommandError, match="compute_indicators"):
        call_command("bench_pages", stdout=StringIO(), stderr=StringIO())
