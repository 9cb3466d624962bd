"""The layers hold: core and reports run without Qt (CLI, tests, a server), and the import-linter contracts
in pyproject.toml (core never imports documents, screens or commands; reports never imports screens; each
of the core's subpackages builds only on those below it, the domains side by side; no import cycle) are
kept. Late imports count as imports."""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "gridstation"
QT_ROOTS = {"PySide6", "PyQt5", "PyQt6", "qtpy", "qtawesome", "pytestqt", "shiboken6"}


def imported_roots(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    roots: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
            if node.module.startswith("gridstation.ui"):
                roots.add("gridstation.ui")
    return roots


def test_core_and_reports_import_no_qt():
    offenders = []
    for layer in ("core", "reports"):
        for path in (PACKAGE / layer).rglob("*.py"):
            bad = imported_roots(path) & (QT_ROOTS | {"gridstation.ui"})
            if bad:
                offenders.append(f"{path.relative_to(PACKAGE)}: {sorted(bad)}")
    assert offenders == []


def test_layer_check_catches_a_qt_import(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("from PySide6.QtCore import QObject\n")
    assert "PySide6" in imported_roots(sample)


def lint_imports(config: Path, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    code = "import sys; from importlinter.cli import lint_imports; sys.exit(lint_imports(sys.argv[1], no_cache=True))"
    return subprocess.run([sys.executable, "-c", code, str(config)], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_import_contracts_are_kept():
    run = lint_imports(ROOT / "pyproject.toml", ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    assert re.search(r"Contracts: 4 kept, 0 broken", run.stdout), run.stdout


def lint_with_wrong_import(tmp_path: Path, source: str, target: str) -> subprocess.CompletedProcess:
    """The contracts on a copy of the package with one wrong import added to ``source`` inside a function."""
    copy = tmp_path / "gridstation"
    for path in PACKAGE.rglob("*.py"):
        dest = copy / path.relative_to(PACKAGE)
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    with (copy / source).open("a", encoding="utf-8") as f:
        f.write(f"\n\ndef _wrong():\n    import {target}  # noqa\n")
    (tmp_path / "pyproject.toml").write_text((ROOT / "pyproject.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return lint_imports(tmp_path / "pyproject.toml", tmp_path)


@pytest.mark.parametrize("source, target", [
    ("core/rules/money.py", "gridstation.core.storage.db"),  # a lower layer reaching up
    ("core/station/catalog.py", "gridstation.ui.window.main_window"),  # the core importing a screen, late
    ("reports/receipt.py", "gridstation.ui.common.printing"),
    # The domains are siblings: none builds on another (events once stored photos in the tool box's table).
    ("core/events/register.py", "gridstation.core.toolbox.tool_units"),
    ("core/toolbox/lending.py", "gridstation.core.events.rules"),
    ("core/evaluation/figures.py", "gridstation.core.events.figures"),
    ("core/events/figures.py", "gridstation.core.evaluation.rules"),
])
def test_the_contracts_catch_a_wrong_import(tmp_path, source, target):
    """The same contracts on a copy of the package with one wrong import added inside a function."""
    run = lint_with_wrong_import(tmp_path, source, target)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "0 broken" not in run.stdout and f"-> {target}" in run.stdout, run.stdout


def test_the_contracts_catch_a_cycle_inside_a_package(tmp_path):
    """A cycle between two modules of one subpackage, which no layer sees: register.py builds on rules.py."""
    run = lint_with_wrong_import(tmp_path, "core/events/rules.py", "gridstation.core.events.register")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "the import graph has no cycle BROKEN" in run.stdout and ".rules -> .register" in run.stdout, run.stdout


WALL_CLOCK = {("date", "today"), ("datetime", "now"), ("datetime", "today"), ("datetime", "utcnow"),
              ("QDate", "currentDate"), ("QDateTime", "currentDateTime")}


def wall_clock_reads(path: Path) -> list[int]:
    """Lines that ask the wall clock for the date or time (``dt.date.today()``, ``datetime.now()`` …)."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.attr if isinstance(owner, ast.Attribute) else getattr(owner, "id", "")
            if (name, node.func.attr) in WALL_CLOCK:
                lines.append(node.lineno)
    return lines


def test_today_and_now_come_from_the_clock_module():
    """Every "today" and "now" is clock.today()/clock.now(), so CI's run with the clock moved ahead moves them
    all; a direct read anywhere else is the next test that passes only on the day it was written."""
    clock_module = PACKAGE / "core" / "rules" / "clock.py"
    offenders = [f"{path.relative_to(ROOT)}:{line}"
                 for base in (PACKAGE, ROOT / "tests") for path in base.rglob("*.py") if path != clock_module
                 for line in wall_clock_reads(path)]
    assert offenders == []


def test_the_clock_check_catches_a_wall_clock_read(tmp_path):
    sample = tmp_path / "bad.py"
    sample.write_text("import datetime as dt\nfrom datetime import datetime\na = dt.date.today()\nb = datetime.now()\n"
                      "c = QDate.currentDate()\n")
    assert wall_clock_reads(sample) == [3, 4, 5]
