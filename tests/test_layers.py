"""core and reports must run without Qt (CLI, tests, a server): no module there may import it."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "gridstation"
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
