"""The event windows at 1366×768 by keyboard: buttons that say their key, the newest step in view,
a 民情日志 that closes like every other window."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton

from gridstation.core.events import handling, rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.rules import clock
from gridstation.ui.events.daily_log_dialog import DailyLogDialog
from gridstation.ui.events.event_dialogs import EventDetailDialog, RegisterEventDialog
from tests.helpers import activate
from tests.ui.pages.test_events_page import dialog_of, open_register, page  # noqa: F401 - the page fixture


def buttons(dialog) -> list[str]:
    return [b.text() for b in dialog.findChildren(QPushButton) if b.isVisible()]


def test_the_register_dialog_says_esc_on_its_cancel_button(qtbot, page):  # noqa: F811
    dialog = open_register(qtbot, page)
    assert "取消 (Esc)" in buttons(dialog)
    qtbot.keyClick(dialog.placeEdit, Qt.Key.Key_Escape)  # untouched: closes without asking
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert isinstance(dialog, RegisterEventDialog)


def test_an_event_with_many_steps_shows_the_newest_in_a_roomy_history(qtbot, page, clerk, tmp_path):  # noqa: F811
    start = clock.now() - dt.timedelta(hours=3)
    event = register_event(clerk, EventInput("其他", rules.NORMAL, "井盖松动", rules.PATROL, found_at=start))
    for n in range(1, 9):
        handling.add_note(clerk, event.number, f"第{n}次进展", at=start + dt.timedelta(minutes=10 * n))
    page.ui.numberEdit.setText(event.number)
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_Return)
    detail = dialog_of(page, EventDetailDialog)
    activate(qtbot, detail)
    table = detail.historyTable
    assert table.rowCount() == 9
    newest = table.visualItemRect(table.item(8, 0))
    assert table.viewport().rect().contains(newest), "the newest step is out of view"
    shown = table.rowAt(table.viewport().height() - 1) - table.rowAt(0) + 1 if table.rowAt(0) >= 0 else 0
    shown = shown if table.rowAt(table.viewport().height() - 1) >= 0 else table.rowCount() - table.rowAt(0)
    assert shown >= 6, shown
    assert detail.frameGeometry().height() <= 768 - 40
    assert "关闭 (Esc)" in buttons(detail)
    detail.grab().save(str(tmp_path / "event-detail.png"))
    qtbot.keyClick(detail.actionCombo, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not detail.isVisible())


def test_the_daily_log_has_a_close_button_that_esc_presses(qtbot, page, tmp_path):  # noqa: F811
    qtbot.keyClick(page.ui.numberEdit, Qt.Key.Key_J, Qt.KeyboardModifier.ControlModifier)
    log = dialog_of(page, DailyLogDialog)
    activate(qtbot, log)
    assert "关闭 (Esc)" in buttons(log)
    log.grab().save(str(tmp_path / "daily-log.png"))
    qtbot.keyClick(log.personFilter, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not log.isVisible())
