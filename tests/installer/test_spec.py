"""The bundle's spec leaves out no Qt module the program imports (the 统计 page crashed in the
installed program: the spec excluded PySide6.QtCharts, which only that page imports)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def spec_excludes() -> set[str]:
    tree = ast.parse((ROOT / "installer" / "gridstation.spec").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "excludes" for t in node.targets):
            return set(ast.literal_eval(node.value))
    raise AssertionError("the spec has no excludes list")


def imported_modules() -> dict[str, str]:
    """Every module the program's source imports, with one file that imports it."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "gridstation").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module] if isinstance(node, ast.ImportFrom) and node.module and not node.level else []
            for name in names:
                parts = name.split(".")
                for depth in range(1, len(parts) + 1):
                    found.setdefault(".".join(parts[:depth]), path.relative_to(ROOT).as_posix())
    return found


def test_the_spec_excludes_no_module_the_program_imports():
    imported = imported_modules()
    assert {name: imported[name] for name in spec_excludes() if name in imported} == {}
