"""The window shows a cut audit log after the next save, and an administrator acknowledges it from the
keyboard (issue 22 item 2); a head sees the finding but cannot set it aside."""

from __future__ import annotations

import sqlite3

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from gridstation.core.station import audit
from gridstation.core.storage import db as dbmod
from gridstation.ui.common.context import AppContext
from gridstation.ui.station.settings_page import SettingsPage
from tests.helpers import activate, show_at_counter_size

CTRL, SHIFT = Qt.KeyboardModifier.ControlModifier, Qt.KeyboardModifier.ShiftModifier


def _cut_then_save(db_path, admin) -> None:
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", 1)
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    conn.commit()
    conn.close()
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", 2)


def _audit_tab(qtbot, db_path, staff):
    page = show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=staff)))
    tab = page.extra_tabs["audit"]
    page.ui.tabs.setCurrentWidget(tab)
    activate(qtbot, page)
    tab.setFocus()
    return page, tab


def _keys(qtbot, page, modifiers) -> None:
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_K, modifiers)


def test_an_administrator_sees_the_finding_and_acknowledges_it_with_the_keyboard(qtbot, db_path, admin, monkeypatch):
    _cut_then_save(db_path, admin)
    page, tab = _audit_tab(qtbot, db_path, admin)
    assert tab.ui.acknowledgeButton.isVisible()
    _keys(qtbot, page, CTRL)
    qtbot.waitUntil(lambda: "最新的记录被删除或替换" in tab.ui.messageLabel.text(), timeout=5000)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args) or QMessageBox.StandardButton.Yes)
    _keys(qtbot, page, CTRL | SHIFT)
    qtbot.waitUntil(lambda: "已确认 1 次篡改发现" in tab.ui.messageLabel.text(), timeout=5000)
    assert len(asked) == 1 and not tab.ui.acknowledgeButton.isVisible()
    _keys(qtbot, page, CTRL)
    qtbot.waitUntil(lambda: "哈希链校验通过" in tab.ui.messageLabel.text(), timeout=5000)


def test_a_head_sees_the_finding_but_cannot_acknowledge_it(qtbot, db_path, admin, head):
    _cut_then_save(db_path, admin)
    page, tab = _audit_tab(qtbot, db_path, head)
    _keys(qtbot, page, CTRL)
    qtbot.waitUntil(lambda: "最新的记录被删除或替换" in tab.ui.messageLabel.text(), timeout=5000)
    assert not tab.ui.acknowledgeButton.isVisible()
    assert audit.open_findings()


def test_the_restore_button_asks_before_it_replaces_the_station(qtbot, db_path, admin, monkeypatch):
    """The button's clicked(bool) arrived as ``confirm=False``: Ctrl+R restored without asking."""
    from gridstation.core.station import backup

    backup.backup_site(admin, str(db_path), label="manual")
    page = show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=admin)))
    tab = page.extra_tabs["backup"]
    page.ui.tabs.setCurrentWidget(tab)
    activate(qtbot, page)
    tab.refresh()
    tab.ui.backupTable.setFocus()
    tab.ui.backupTable.selectRow(0)
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args) or QMessageBox.StandardButton.No)
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_R, CTRL)
    qtbot.waitUntil(lambda: len(asked) == 1, timeout=5000)
    assert not list((db_path.parent / "backups").glob("*before-restore*"))  # answered No: nothing replaced
