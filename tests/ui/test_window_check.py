"""``selftest`` opens every page and dialog: a screen the installed program cannot open fails it.

The bundle once left out QtCharts, which only the 统计 page imports: the page crashed in the installed
program while ``selftest`` said 「自检通过」, and ``screenshot --page stats`` aborted the process.
A module missing from the bundle is played here by ``sys.modules[name] = None`` (import then fails).
"""

from __future__ import annotations

import inspect
import os
import pkgutil
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QDialog, QWidget

import gridstation.ui
from gridstation.cli import main
from gridstation.core.events import register as events
from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, residents
from gridstation.core.storage import models as m
from gridstation.ui.evaluation.resident_screen import ResidentScreen
from gridstation.ui.window import window_check
from gridstation.ui.window.navigation import PAGES
from tests.helpers import ROOT, make_id, snapshot

WITHOUT_CHARTS = "import sys; sys.modules['PySide6.QtCharts'] = None; from gridstation.cli import main; "


def _without_charts(monkeypatch) -> None:
    monkeypatch.setitem(sys.modules, "PySide6.QtCharts", None)
    monkeypatch.delitem(sys.modules, "gridstation.ui.statistics.stats_page", raising=False)


def _records(admin) -> None:
    """An intake, an event and a grid, so the dialogs that show one record open too."""
    register.add_grid(admin, GridInput(name="第一网格"))
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intakes.create_intake(admin, intakes.IntakeInput(zhang.id, "unemployment", details={"docs_checked": True}))
    events.register_event(admin, events.EventInput(category="设施损坏", level="一般", description="路灯不亮",
                                                   source="巡查发现"))


def test_selftest_opens_every_page_and_dialog_and_changes_nothing(qapp, db_path, admin, capsys):
    _records(admin)
    before, audited = snapshot(), m.AuditLog.select().count()
    assert main(["--db", str(db_path), "selftest"]) == 0
    out = capsys.readouterr().out
    for spec in PAGES:
        assert f"页面“{spec.title}”：通过" in out
    for title in window_check.DIALOGS:
        assert f"窗口“{title}”：通过" in out
    assert "自检通过" in out
    assert snapshot() == before and m.AuditLog.select().count() == audited


def test_a_page_that_cannot_be_imported_fails_the_selftest(qapp, db_path, capsys, monkeypatch):
    _without_charts(monkeypatch)
    assert main(["--db", str(db_path), "selftest"]) == 1
    captured = capsys.readouterr()
    assert "页面“统计”打不开" in captured.err and "QtCharts" in captured.err
    assert "自检通过" not in captured.out


def test_every_dialog_of_the_program_is_opened_by_the_selftest(db_path, admin, qtbot, tmp_path):
    """A new dialog joins window_check.DIALOGS, or this fails: the self-test would not open it."""
    _records(admin)
    defined = set()
    for module in pkgutil.walk_packages(gridstation.ui.__path__, "gridstation.ui."):
        for _name, cls in inspect.getmembers(__import__(module.name, fromlist=["_"]), inspect.isclass):
            if cls.__module__ == module.name and (issubclass(cls, QDialog) or cls is ResidentScreen):
                defined.add(cls)
    parent = QWidget()
    qtbot.addWidget(parent)
    window = window_check.admin_window()
    qtbot.addWidget(window)
    opened = {type(opener(window.ctx, parent, tmp_path / "none.pdf")) for opener in window_check.DIALOGS.values()}
    # A private base (``_SaveDialog``) is never opened by itself: each is opened through a dialog built on it.
    bases = {cls for cls in defined if cls.__name__.startswith("_")}
    assert all(any(issubclass(cls, base) for cls in opened) for base in bases)
    assert defined - bases - opened == set()


@pytest.mark.parametrize("command", [["selftest"], ["screenshot", "--page", "stats", "--out", "stats.png"]])
def test_a_missing_qt_module_ends_the_command_with_a_status_not_an_abort(db_path, tmp_path, command):
    """Before: screenshot --page stats died with 「QThread: Destroyed while thread is still running」 (134)."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    code = WITHOUT_CHARTS + f"raise SystemExit(main({['--db', str(db_path), *command]!r}))"
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=180, check=False)
    assert result.returncode == 1, result.stderr[-2000:]
    assert "QThread" not in result.stderr and "Traceback" not in result.stderr


def test_the_stats_screenshot_waits_for_its_figures_and_exits_cleanly(db_path, tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    shot = tmp_path / "stats.png"
    result = subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db_path), "screenshot", "--page", "stats",
                             "--out", str(shot)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180,
                            check=False)
    assert result.returncode == 0, result.stderr[-2000:]
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and "QThread" not in result.stderr
