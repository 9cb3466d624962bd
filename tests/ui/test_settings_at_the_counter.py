"""设置 in the main window at 1366×768, by keys only: a renamed account shows in the status bar at once,
and a backup folder on a USB drive that is not plugged in is refused when it is saved."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from gridstation.core.storage import settings
from gridstation.ui.common.context import AppContext
from gridstation.ui.window.main_window import MainWindow
from tests.helpers import show_at_counter_size, type_text

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def window(qtbot, db_path, admin) -> MainWindow:
    return show_at_counter_size(qtbot, MainWindow(AppContext(target=str(db_path), staff=admin)))


def settings_tab(qtbot, window: MainWindow, name: str) -> QWidget:
    """Ctrl+5 opens 设置; Ctrl+Tab walks its tabs to ``name`` (人员与密码 is "staff", 备份与恢复 "backup")."""
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    page = window.ui.pageStack.currentWidget()
    tab = page.extra_tabs[name]
    for _ in range(page.ui.tabs.count()):
        if page.ui.tabs.currentWidget() is tab:
            break
        qtbot.keyClick(QApplication.focusWidget() or page, Qt.Key.Key_Tab, CTRL)
    assert page.ui.tabs.currentWidget() is tab
    return tab


def tab_to(qtbot, widget: QWidget) -> None:
    """Press Tab until ``widget`` has the focus (as the clerk did: Tab Tab to 姓名)."""
    for _ in range(30):
        if QApplication.focusWidget() is widget:
            return
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is widget


def test_renaming_the_signed_in_account_renames_it_in_the_status_bar_at_once(qtbot, window):
    assert window.staff_label.text() == "当前人员：管理员（管理员）"
    tab = settings_tab(qtbot, window, "staff")
    tab_to(qtbot, tab.ui.staffTable)
    qtbot.keyClick(tab.ui.staffTable, Qt.Key.Key_Home)  # row 1: admin, the signed-in account
    assert tab.staff[tab.ui.staffTable.currentRow()].username == "admin"
    tab_to(qtbot, tab.ui.displayNameEdit)
    type_text(qtbot, tab.ui.displayNameEdit, "赵建国")
    qtbot.keyClick(tab.ui.displayNameEdit, Qt.Key.Key_M, CTRL)  # a button's key clicks it a moment later
    qtbot.waitUntil(lambda: "已把 admin 的姓名改为 赵建国" in tab.ui.messageLabel.text(), timeout=5000)
    assert window.staff_label.text() == "当前人员：赵建国（管理员）"
    assert window.ctx.staff.display_name == "赵建国"  # what the next receipt prints as 经办人


def test_a_backup_folder_on_a_usb_drive_not_plugged_in_is_refused_when_saved(qtbot, window, tmp_path):
    tab = settings_tab(qtbot, window, "backup")
    tab_to(qtbot, tab.ui.folderEdit)
    unplugged = tmp_path / "media" / "usb0" / "网格备份"
    type_text(qtbot, tab.ui.folderEdit, str(unplugged))
    qtbot.keyClick(tab.ui.folderEdit, Qt.Key.Key_S, CTRL)  # a button's key clicks it a moment later
    qtbot.waitUntil(lambda: tab.ui.messageLabel.text() != "", timeout=5000)
    assert tab.ui.messageLabel.text() == f"备份文件夹不存在：{unplugged}。U 盘或移动硬盘是否已插好？"
    assert tab.ui.messageLabel.property("role") == "error"
    assert (settings.get("backup_dir") or "") == ""  # nothing stored
    assert QApplication.focusWidget() is tab.ui.folderEdit
    # Plugged in (the drive's folder is there): the same folder is taken, made at the first backup.
    unplugged.parent.mkdir(parents=True)
    qtbot.keyClick(tab.ui.folderEdit, Qt.Key.Key_End)
    qtbot.keyClick(tab.ui.folderEdit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: tab.ui.messageLabel.text() == f"备份文件夹：{unplugged}", timeout=5000)
    assert settings.get("backup_dir") == str(unplugged)



def test_the_supervision_phone_for_the_grid_board_is_set_on_the_station_tab(qtbot, window):
    qtbot.keyClick(window, Qt.Key.Key_5, CTRL)
    page = window.ui.pageStack.currentWidget()
    assert page.ui.tabs.currentWidget() is page.ui.stationTab
    tab_to(qtbot, page.ui.supervisionPhoneEdit)
    type_text(qtbot, page.ui.supervisionPhoneEdit, "0871-12345")
    qtbot.keyClick(page.ui.supervisionPhoneEdit, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: "已保存" in page.ui.stationMessage.text(), timeout=5000)
    assert settings.get("supervision_phone") == "0871-12345" == settings.supervision_phone()
