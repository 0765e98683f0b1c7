"""An indicator is one object (docs/STYLE.md, "one definition per indicator"): every fact about an
indicator lives on it, declared in its set's module (metrics/definitions/local.py,
metrics/definitions/spc2024.py), and no other module keeps a table keyed by an indicator's slug.

The source is read, not imported: a table is any of
- a dict literal with an indicator slug as a key,
- a set literal holding an indicator slug,
- a list, tuple, set or dict assigned at module or class level holding an indicator slug
  (anywhere inside it: pairs like ("clearance_rate", "denominator") too),
- a comparison with an indicator slug (`slug == "clearance_rate"`, `slug in (...)`): an
  `if slug == …` chain is a table written as code.
A single indicator named by its slug (INDICATORS["long_pending_share"], a constant holding one
slug, a query for the values of two named indicators inside a function) is a reference, not a
table, and is allowed. Templates may not name a slug in a string at all.

The planted tests show the scan catches each kind of table.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from metrics.definitions.indicators import INDICATORS

ROOT = Path(__file__).resolve().parent.parent
APPS = ("cases", "metrics", "reports", "supervision", "courtdash")
SLUGS = frozenset(INDICATORS)

# The only places outside the declarations allowed to key by slug, and why.
EXCEPTIONS = {
    # The registry itself.
    "metrics/definitions/local.py": "the local eleven, each declared once",
    "metrics/definitions/spc2024.py": "the SPC's 2024 set (12–17), each declared once",
    # The pandas reference implementation: an independent re-derivation of every indicator,
    # written apart from the registry on purpose so that it can check the engine.
    "metrics/bench/inprocess.py": "the engine's independent reference",
    # The CEPEJ companions: a figure named "clearance_rate" (CEPEJ's resolved / incoming, which
    # is 结收比), not an indicator of the registry; the page and its test read that key.
    "metrics/reading/dashboard/overview.py": "CEPEJ's clearance rate, a companion figure",
}
# Migrations are frozen history (0002 and supervision 0004 seeded the first eleven's targets
# and rules; the registry holds the defaults since); tests plant per-indicator data.
SKIPPED_DIRECTORIES = ("migrations",)


def _is_slug(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value in SLUGS


def _holds_slug(node: ast.AST) -> bool:
    return any(_is_slug(inner) for inner in ast.walk(node))


def tables_by_slug(source: str) -> list[tuple[int, str]]:
    """(line, kind) of each table keyed by an indicator slug in `source`."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and any(
            key is not None and _is_slug(key) for key in node.keys
        ):
            found.append((node.lineno, "dict keyed by slug"))
        elif isinstance(node, ast.Set) and any(_is_slug(element) for element in node.elts):
            found.append((node.lineno, "set of slugs"))
        elif isinstance(node, ast.Compare) and (
            _is_slug(node.left) or any(_holds_slug(right) for right in node.comparators)
        ):
            found.append((node.lineno, "comparison with a slug"))
    for scope in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.ClassDef))]:
        for statement in scope.body:
            value = getattr(statement, "value", None)
            if isinstance(statement, ast.Assign | ast.AnnAssign) and isinstance(
                value, ast.List | ast.Tuple | ast.Set | ast.Dict | ast.Call
            ):
                if _holds_slug(value):
                    found.append((statement.lineno, "module-level table holding a slug"))
    return sorted(set(found))


def _sources() -> list[Path]:
    files = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            if not any(part in SKIPPED_DIRECTORIES for part in path.parts):
                files.append(path)
    return files


def test_no_module_but_the_registry_keys_a_table_by_an_indicator_slug():
    offenders = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative in EXCEPTIONS:
            continue
        for line, kind in tables_by_slug(path.read_text()):
            offenders.append(f"{relative}:{line}: {kind}")
    assert offenders == [], "per-indicator facts belong on the Indicator:\n" + "\n".join(offenders)


def test_the_exceptions_are_still_needed():
    # An exception that no longer keys anything by slug is removed from the list.
    for relative in EXCEPTIONS:
        assert tables_by_slug((ROOT / relative).read_text()), relative


def test_no_template_names_an_indicator_slug():
    slugs = "|".join(sorted(SLUGS))
    quoted = re.compile(rf"""["']({slugs})["']""")
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(1)}"
        for path in sorted((ROOT / "templates").rglob("*.html"))
        for match in quoted.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.mark.parametrize(
    "source, kind",
    [
        ('NOUNS = {"clearance_rate": ("结案", "件")}', "dict keyed by slug"),
        ('def f(x):\n    return {"avg_trial_days": 1}.get(x)', "dict keyed by slug"),
        ('def f(slug):\n    return slug in {"within_limit_rate", "x"}', "set of slugs"),
        ('def f(i):\n    return i.slug == "clearance_rate"', "comparison with a slug"),
        ('def f(i):\n    return i.slug in ("clearance_rate",)', "comparison with a slug"),
        ('STOCKS = [("long_pending_share", "numerator")]', "module-level table holding a slug"),
        (
            'class A:\n    ORDER = ("avg_trial_days", "clearance_rate")',
            "module-level table holding a slug",
        ),
    ],
)
def test_the_scan_catches_a_planted_table(source, kind):
    assert kind in [found for _line, found in tables_by_slug(source)]


@pytest.mark.parametrize(
    "source",
    [
        'LONG_PENDING = "long_pending_share"',
        'def f(I):\n    return I["long_pending_share"]',
        'def f(rows):\n    return rows.filter(indicator__in=["clearance_rate", "avg_trial_days"])',
    ],
)
def test_a_reference_to_one_named_indicator_is_no_table(source):
    assert tables_by_slug(source) == []


# One "latest computed day": the last day with stored results is metrics.selectors.latest_as_of;
# every page, API default, command and report calls it. A function that reads the computation
# runs and takes their newest day (order_by("-as_of"), Max("as_of"), latest("as_of")) anywhere
# else is a second answer to the same question.
LATEST_HOME = ("metrics/selectors.py", "latest_as_of")


def _newest_day_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
    first = node.args[0] if node.args else None
    value = first.value if isinstance(first, ast.Constant) else None
    return (name == "order_by" and value == "-as_of") or (
        name in ("Max", "latest") and value == "as_of"
    )


def latest_day_readers(source: str) -> list[str]:
    """Functions of `source` that read ComputationRun and take the newest as_of."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        inner = list(ast.walk(node))
        reads_runs = any(isinstance(n, ast.Name) and n.id == "ComputationRun" for n in inner)
        if reads_runs and any(_newest_day_call(n) for n in inner):
            found.append(node.name)
    return found


def test_one_function_answers_the_latest_computed_day():
    readers = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        readers += [(relative, name) for name in latest_day_readers(path.read_text())]
    assert readers == [LATEST_HOME]


def test_the_scan_catches_a_second_latest_day():
    source = (
        "def newest():\n"
        "    return ComputationRun.objects.order_by('-as_of').values_list('as_of').first()\n"
        "def newest_too():\n"
        "    return ComputationRun.objects.aggregate(day=Max('as_of'))['day']\n"
    )
    assert latest_day_readers(source) == ["newest", "newest_too"]
