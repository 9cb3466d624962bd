"""The status bar says when the last good backup was made and warns, in Chinese, when a backup
failed or none succeeded in 24 hours (issue 12 item 3)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from gridstation import app
from gridstation.core import station
from gridstation.ui.context import AppContext
from gridstation.ui.main_window import MainWindow
from tests.helpers import activate


@pytest.fixture
def window(qtbot, db_path, admin):
    win = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def _press(qtbot, button) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def test_status_bar_turns_into_a_warning_when_the_backup_folder_is_a_file(qtbot, window, admin, tmp_path):
    label = window.backup_label
    assert label.text() == "24 小时内没有成功的备份（上次成功备份：从未备份）" and label.property("role") == "warn"
    usb = tmp_path / "U盘"
    usb.write_text("not a folder")
    station.update_settings(admin, {"backup_dir": str(usb)})
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_5, Qt.KeyboardModifier.ControlModifier)  # 设置
    page = window.ui.pageStack.currentWidget()
    tab = page.extra_tabs["backup"]
    page.ui.tabs.setFocus()
    for _ in range(page.ui.tabs.count()):
        if page.ui.tabs.currentWidget() is tab:
            break
        qtbot.keyClick(page.ui.tabs, Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert page.ui.tabs.currentWidget() is tab
    _press(qtbot, tab.ui.backupButton)
    assert "是一个文件" in tab.ui.messageLabel.text()
    assert label.text().startswith("备份失败：备份文件夹") and "是一个文件" in label.text()
    assert label.property("role") == "error" and "请在“设置 → 备份与恢复”中另选备份文件夹" in label.toolTip()
    usb.unlink()
    usb.mkdir()
    _press(qtbot, tab.ui.backupButton)
    assert label.text().startswith("上次备份：") and label.property("role") == ""
    assert list(usb.glob("gridstation-*-manual.db"))


def test_the_daily_backup_failing_shows_in_the_status_bar(window, admin, tmp_path):
    station.update_settings(admin, {"backup_dir": str(tmp_path / "unplugged" / "backups")})
    app.run_backup(window, "daily")
    assert window.backup_label.text().startswith("备份失败：备份文件夹不存在")
    station.update_settings(admin, {"backup_dir": str(tmp_path)})
    app.run_backup(window, "daily")
    assert window.backup_label.text().startswith("上次备份：")
    assert list(tmp_path.glob("gridstation-*-daily.db"))
