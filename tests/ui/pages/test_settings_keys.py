"""Every button of the settings tabs answers the keys its label shows, and only while its tab is on screen."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QApplication, QMessageBox

from gridstation.core.station import backup
from gridstation.core.storage import models as m
from gridstation.ui.common.context import AppContext
from gridstation.ui.station.settings_page import SettingsPage
from tests.helpers import activate, show_at_counter_size, type_text

# (tab, button's owner, button, keys): the owner is the page itself or one of its extra tabs.
BUTTONS = [
    ("stationTab", None, "saveStationButton", "Ctrl+S"), ("stationTab", None, "databaseButton", "Ctrl+D"),
    ("staff", "staff", "changePasswordButton", "Ctrl+S"), ("staff", "staff", "addButton", "Ctrl+N"),
    ("staff", "staff", "resetButton", "Ctrl+R"), ("staff", "staff", "toggleButton", "Ctrl+T"),
    ("staff", "staff", "roleButton", "Ctrl+E"), ("staff", "staff", "renameButton", "Ctrl+M"), ("audit", "audit", "verifyButton", "Ctrl+K"),
    ("backup", "backup", "browseButton", "Ctrl+O"), ("backup", "backup", "saveFolderButton", "Ctrl+S"),
    ("backup", "backup", "backupButton", "Ctrl+B"), ("backup", "backup", "restoreButton", "Ctrl+R"),
    ("calendar", "calendar", "saveWeekButton", "Ctrl+S"), ("calendar", "calendar", "closeButton", "Ctrl+H"),
    ("calendar", "calendar", "openButton", "Ctrl+W"), ("calendar", "calendar", "resetButton", "Ctrl+R"),
]


@pytest.fixture
def page(qtbot, db_path, admin):
    return show_at_counter_size(qtbot, SettingsPage(AppContext(target=str(db_path), staff=admin)))


def _tab(page: SettingsPage, tab: str):
    return getattr(page.ui, tab) if tab == "stationTab" else page.extra_tabs[tab]


@pytest.mark.parametrize(("tab", "owner", "button", "keys"), BUTTONS)
def test_each_settings_button_answers_its_keys_on_its_own_tab(qtbot, page, tab, owner, button, keys):
    widget = getattr((page if owner is None else page.extra_tabs[owner]).ui, button)
    assert widget.text().endswith(f"({keys})")
    others = [getattr((page if o is None else page.extra_tabs[o]).ui, b) for t, o, b, k in BUTTONS
              if k == keys and t != tab]
    pressed: list[str] = []
    for candidate in [widget, *others]:
        candidate.clicked.disconnect()  # the key is under test here, not the dialog or backup it starts
        name = candidate.objectName()
        candidate.clicked.connect(lambda _checked=False, name=name: pressed.append(name))
    page.ui.tabs.setCurrentWidget(_tab(page, tab))
    activate(qtbot, page)
    _tab(page, tab).setFocus()
    sequence = QKeySequence(keys)[0]
    qtbot.keyClick(page.focusWidget() or page, sequence.key(), sequence.keyboardModifiers())
    qtbot.waitUntil(lambda: pressed == [button], timeout=5000)
    qtbot.wait(200)  # a button's key clicks it a moment later: no other button followed
    assert pressed == [button]
    assert widget.isVisible() and not any(o.isVisible() for o in others)


def test_ctrl_s_on_the_station_tab_saves_the_station(qtbot, page):
    page.ui.tabs.setCurrentWidget(page.ui.stationTab)
    activate(qtbot, page)
    page.ui.stationTab.setFocus()
    qtbot.keyClick(page.focusWidget() or page, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: page.ui.stationMessage.text() != "", timeout=5000)


def test_ctrl_r_on_the_backup_tab_asks_before_it_restores(qtbot, page, admin, db_path):
    """The button's clicked(checked=False) reached restore_selected(confirm) and skipped the question."""
    backup.backup_site(admin, str(db_path), label="manual")
    tab = page.extra_tabs["backup"]
    page.ui.tabs.setCurrentWidget(tab)
    tab.refresh()
    tab.ui.backupTable.selectRow(0)
    asked: list[str] = []

    def answer_no() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox):
            asked.append(box.text())
            box.button(QMessageBox.StandardButton.No).click()
        else:
            QTimer.singleShot(50, answer_no)

    QTimer.singleShot(0, answer_no)
    activate(qtbot, page)
    tab.ui.backupTable.setFocus()
    qtbot.keyClick(tab.ui.backupTable, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(asked), timeout=5000)
    assert "替换当前数据库" in asked[0]
    assert "已从" not in tab.ui.messageLabel.text()


def test_the_administrator_corrects_a_name_by_keys(qtbot, page, admin):
    """The first administrator was 「管理员」 on every receipt: the name is corrected in 人员与密码."""
    tab = page.extra_tabs["staff"]
    page.ui.tabs.setCurrentWidget(tab)
    tab.ui.staffTable.setFocus()
    qtbot.keyClick(tab.ui.staffTable, Qt.Key.Key_Home)  # the administrator is the only account
    tab.ui.displayNameEdit.setFocus()
    type_text(qtbot, tab.ui.displayNameEdit, "周红")
    qtbot.keyClick(tab.ui.displayNameEdit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "周红" in tab.ui.messageLabel.text(), timeout=5000)
    assert m.Staff.get_by_id(admin.id).display_name == "周红"
    assert tab.ui.staffTable.item(0, 1).text() == "周红"


def test_after_adding_a_person_the_form_is_empty_for_the_next(qtbot, page):
    """The form kept the last person: a second Ctrl+N was refused for a login name already taken."""
    tab = page.extra_tabs["staff"]
    page.ui.tabs.setCurrentWidget(tab)
    activate(qtbot, page)
    for edit, value in ((tab.ui.usernameEdit, "zhouhong"), (tab.ui.displayNameEdit, "周红"),
                        (tab.ui.passwordEdit, "secret123")):
        edit.setFocus()
        type_text(qtbot, edit, value)
    qtbot.keyClick(tab.ui.passwordEdit, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "已新增人员 zhouhong" in tab.ui.messageLabel.text(), timeout=5000)
    assert m.Staff.get(m.Staff.username == "zhouhong").display_name == "周红"
    assert [tab.ui.usernameEdit.text(), tab.ui.displayNameEdit.text(), tab.ui.passwordEdit.text()] == ["", "", ""]
    assert tab.ui.roleCombo.currentIndex() == 0 and tab.ui.usernameEdit.hasFocus()
