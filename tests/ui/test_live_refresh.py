"""A save in another window refreshes this one without losing the clerk's place; only the page in view
reloads; "overdue" is decided when a row paints, so a window left open overnight is right after midnight."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMainWindow

from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.intake.intake_page import IntakePage
from gridstation.ui.window.live_updates import LiveUpdates
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import activate, make_id

ROOT = Path(__file__).resolve().parents[2]
STATUS = 5  # the 状态 column of the intake list


def wait_for_list(qtbot, page: IntakePage) -> None:
    qtbot.waitUntil(lambda: not page.list_model.loading, timeout=10_000)


@pytest.fixture
def open_intakes(admin):
    """A resident with forty open intakes: more than the list shows at once."""
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    for _ in range(40):
        intakes.create_intake(admin, intakes.IntakeInput(zhang.id, "unemployment", details={"docs_checked": True}))
    return zhang


@pytest.fixture
def page(qtbot, db_path, admin, open_intakes):
    """The intake list (全部在办), newest first, in a window with live updates polling every 0.2 s."""
    host = QMainWindow()
    qtbot.addWidget(host)
    widget = IntakePage(AppContext(target=str(db_path), staff=admin))
    host.setCentralWidget(widget)
    host.resize(1000, 500)
    host.show()
    activate(qtbot, host)
    widget.ui.tabs.setCurrentIndex(1)
    widget.ui.viewCombo.setCurrentIndex(widget.ui.viewCombo.findText("全部在办"))
    wait_for_list(qtbot, widget)
    yield widget
    wait_for_list(qtbot, widget)


def serial_at(page: IntakePage, row: int) -> str:
    return page.list_model.row_at(row).serial


def test_a_save_in_another_window_keeps_the_selected_row_and_the_scroll_position(qtbot, page, db_path, open_intakes):
    table = page.ui.intakeTable
    live = LiveUpdates(page.ctx, page.window(), interval=0.2)
    try:
        table.setFocus()
        for _ in range(25):  # the clerk walks down the list with the keyboard
            qtbot.keyClick(table, Qt.Key.Key_Down)
        chosen = serial_at(page, table.currentIndex().row())
        top = serial_at(page, table.rowAt(0))
        assert table.rowAt(0) > 0 and table.currentIndex().row() >= 24  # scrolled, a row well down chosen
        shown_before = page.list_model.rowCount()

        with qtbot.waitSignal(page.list_model.loaded, timeout=15_000):  # another window saves an intake
            subprocess.run([sys.executable, "-m", "tests.workers.save_intakes", str(db_path), "1", str(open_intakes.id)],
                           cwd=ROOT, check=True, capture_output=True, timeout=60)

        assert page.list_model.rowCount() == shown_before + 1  # the new intake is in the list (at the top)
        assert serial_at(page, table.currentIndex().row()) == chosen
        assert [serial_at(page, i.row()) for i in table.selectionModel().selectedRows()] == [chosen]
        assert serial_at(page, table.rowAt(0)) == top
    finally:
        live.stop()


def test_only_the_page_in_view_reloads_the_others_when_they_are_shown(qtbot, db_path, admin):
    window = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    register = window.show_page("residents")
    assert register.model.rowCount() == 0
    window.show_page("intake")
    residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="773")))
    window.ctx.bus.data_changed.emit("resident")  # what a live refresh does
    assert register.model.rowCount() == 0  # hidden: not reloaded
    window.show_page("residents")
    assert [r.name for r in register.model.rows] == ["李四"]
    intake_page = window.page("intake")
    wait_for_list(qtbot, intake_page)


def test_the_overdue_marking_is_right_after_midnight_without_rebuilding_the_list(page, monkeypatch):
    last = page.list_model.rowCount() - 1
    due = page.list_model.row_at(last).due_date
    index = page.list_model.index(last, STATUS)
    monkeypatch.setattr(clock, "today", lambda: due)
    assert page.list_model.data(index) == "受理"
    assert page.list_model.data(index, Qt.ItemDataRole.ForegroundRole) is None

    monkeypatch.setattr(clock, "today", lambda: due + dt.timedelta(days=1))  # midnight has passed
    assert page.list_model.data(index) == "受理（逾期）"
    assert page.list_model.data(index, Qt.ItemDataRole.ForegroundRole) is not None
    assert m.Intake.select().where(intakes.overdue_condition(due + dt.timedelta(days=1))).count() == 40
