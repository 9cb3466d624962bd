"""开放日与节假日 by keys alone at 1366×768: the head opens Saturdays, closes a make-up working day and
gives it back to the national arrangement; a clerk reads the same screen but cannot change it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt

from gridstation.core.station import opening_days
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.station.settings_page import SettingsPage
from tests.helpers import show_at_counter_size

CTRL, ALT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.AltModifier
MAKE_UP_SATURDAY = dt.date(2026, 10, 10)


def open_calendar_tab(qtbot, page: SettingsPage):
    tab = page.extra_tabs["calendar"]
    page.ui.tabs.tabBar().setFocus()  # where a user lands after clicking into the settings page
    for _ in range(page.ui.tabs.count()):
        if page.ui.tabs.currentWidget() is tab:
            break
        qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Right)
    assert page.ui.tabs.currentWidget() is tab
    return tab


def type_date(qtbot, page: SettingsPage, day: dt.date) -> None:
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_D, ALT)
    tab = page.extra_tabs["calendar"]
    assert page.focusWidget() is tab.ui.dateEdit
    qtbot.keyClicks(page.focusWidget(), f"{day:%Y%m%d}")
    assert tab.ui.dateEdit.date().toPython() == day


def test_the_head_sets_the_week_and_single_days_by_keys(qtbot, db_path, head):
    page = show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=head)))
    tab = open_calendar_tab(qtbot, page)
    assert "2026年国家节假日和调休已内置" in tab.ui.yearNote.text() or tab.ui.yearSpin.value() != 2026
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_6, ALT)  # 周六(&6): a mnemonic clicks a moment later
    qtbot.waitUntil(tab.ui.day5Check.isChecked, timeout=5000)
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: tab.ui.messageLabel.text() == "每周开放日已保存。", timeout=5000)
    assert settings.get("open_weekdays") == [0, 1, 2, 3, 4, 5]

    type_date(qtbot, page, MAKE_UP_SATURDAY)
    assert tab.ui.dateNote.text() == "周六，本站开放"
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_H, CTRL)
    qtbot.waitUntil(lambda: "设为本站休息日" in tab.ui.messageLabel.text(), timeout=5000)
    assert not opening_days.station_calendar().is_open(MAKE_UP_SATURDAY)
    assert tab.ui.dateNote.text() == "周六，本站不开放"
    shown = [tab.ui.dayTable.item(r, 0).text() for r in range(tab.ui.dayTable.rowCount())]
    row = shown.index("2026-10-10")
    assert [tab.ui.dayTable.item(row, c).text() for c in range(5)] == ["2026-10-10", "周六", "休息", "本站休息", "本站设定"]

    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: "恢复按国家安排" in tab.ui.messageLabel.text(), timeout=5000)
    assert opening_days.station_calendar().is_open(MAKE_UP_SATURDAY)
    assert m.AuditLog.select().where(m.AuditLog.action == "修改开放日").count() == 3


def test_a_clerk_reads_the_calendar_but_cannot_change_it(qtbot, db_path, clerk):
    page = show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=clerk)))
    tab = open_calendar_tab(qtbot, page)
    qtbot.keyClick(page.focusWidget(), Qt.Key.Key_Y, ALT)  # 年份(&Y): a year the release carries
    assert page.focusWidget() is tab.ui.yearSpin
    qtbot.keyClick(tab.ui.yearSpin, Qt.Key.Key_A, CTRL)
    qtbot.keyClicks(tab.ui.yearSpin, "2026")
    assert "2026年国家节假日和调休已内置" in tab.ui.yearNote.text()
    assert tab.ui.dayTable.rowCount() > 0  # the year's holidays are listed for everyone
    assert not tab.ui.saveWeekButton.isEnabled() and not tab.ui.closeButton.isEnabled()
    assert "由站长设置" in tab.ui.messageLabel.text()
