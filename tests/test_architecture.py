"""The apps' imports only look down (docs/STYLE.md, "Layers that only look down").

import-linter checks the contracts of pyproject.toml ([tool.importlinter]): the layers
courtdash > reports > supervision > metrics > cases, and no import cycles between the modules of
cases. It reads the source (function-level imports included) and imports none of it, so no
database is needed. The planted tests run the same linter with the same configuration on a copy
of the apps with an upward import (or a cycle) added, so the check is known to catch one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CONFIG = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["importlinter"]
CONTRACTS = {contract["id"]: contract for contract in CONFIG["contracts"]}
# The venv's console script (not resolved: the venv's python may be a symlink out of it).
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path, contract: str) -> subprocess.CompletedProcess:
    """Run one contract of root/pyproject.toml on the packages under root."""
    return subprocess.run(
        [
            str(LINT_IMPORTS),
            str(root / "pyproject.toml"),
            "--contract",
            contract,
            "--no-cache",
            "--no-logo",
        ],
        cwd=root,
        # COLUMNS: the report is not wrapped at 80 characters.
        env={**os.environ, "PYTHONPATH": str(root), "COLUMNS": "200"},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_are_the_documented_ones():
    assert CONFIG["root_packages"] == ["cases", "metrics", "supervision", "reports", "courtdash"]
    layers = CONTRACTS["layers"]
    assert layers["type"] == "layers"
    assert layers["layers"] == ["courtdash", "reports", "supervision", "metrics", "cases"]
    assert not layers.get("ignore_imports"), "no exceptions to the layers"
    acyclic = CONTRACTS["cases-acyclic"]
    assert (acyclic["type"], acyclic["ancestors"]) == ("acyclic_siblings", ["cases"])
    assert not acyclic.get("ignore_imports")


@pytest.mark.parametrize("contract", sorted(CONTRACTS))
def test_the_apps_keep_the_import_contract(contract):
    result = lint_imports(ROOT, contract)
    report = result.stdout + result.stderr
    assert result.returncode == 0, f"import contract {contract!r} is broken:\n{report}"
    assert re.search(rf"^{re.escape(CONTRACTS[contract]['name'])} KEPT$", report, re.M), report


def copy_of_the_apps(tmp_path: Path) -> Path:
    """The apps' Python source and pyproject.toml, copied under tmp_path."""

    def not_source(directory, names):
        return [
            name
            for name in names
            if not (name.endswith(".py") or os.path.isdir(os.path.join(directory, name)))
            or name == "__pycache__"
        ]

    for package in CONFIG["root_packages"]:
        shutil.copytree(ROOT / package, tmp_path / package, ignore=not_source)
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


UPWARD = [
    # (module planted, its source, the broken import the report must name)
    (
        "cases/_planted.py",
        "def timeline(request, case):\n    from supervision.views import cases\n",
        "cases._planted -> supervision.views.cases",
    ),
    (
        "metrics/views/_planted.py",
        "from reports.selectors.targets import target_progress  # noqa: F401\n",
        "metrics.views._planted -> reports.selectors.targets",
    ),
    (
        "supervision/_planted.py",
        "import reports.periods  # noqa: F401\n",
        "supervision._planted -> reports.periods",
    ),
    (
        "cases/management/commands/_planted.py",
        "from metrics.definitions import periods  # noqa: F401\n",
        "cases.management.commands._planted -> metrics.definitions.periods",
    ),
]


@pytest.mark.parametrize(("path", "source", "broken"), UPWARD)
def test_the_layers_check_catches_a_planted_upward_import(tmp_path, path, source, broken):
    root = copy_of_the_apps(tmp_path)
    assert broken not in lint_imports(root, "layers").stdout
    (root / path).write_text(source)
    result = lint_imports(root, "layers")
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    assert broken in report, report


def test_the_cycle_check_catches_a_planted_cycle_in_cases(tmp_path):
    root = copy_of_the_apps(tmp_path)
    # cases.models imports cases.choices; a function-level import back closes the cycle.
    with (root / "cases" / "choices.py").open("a") as choices:
        choices.write("\n\ndef planted():\n    from cases.models import Case  # noqa: F401\n")
    result = lint_imports(root, "cases-acyclic")
    report = result.stdout + result.stderr
    assert result.returncode != 0, report
    assert "No cycles are allowed in cases." in report, report
    assert re.search(r"^- \.(choices -> \.models|models -> \.choices) ", report, re.M), report
