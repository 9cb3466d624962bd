import gc

import pytest
from PySide6.QtCore import Qt

from gridstation import app
from gridstation.core.station import roles, station
from gridstation.ui.common import background
from gridstation.ui.common.context import AppContext
from gridstation.ui.window.main_window import MainWindow
from gridstation.ui.window.navigation import PAGES
from tests.helpers import activate


@pytest.fixture
def window(qtbot, db_path, admin):
    win = MainWindow(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    return win


def test_every_navigation_entry_shows_its_page(qtbot, window):
    assert window.ui.navList.count() == len(PAGES)
    for row, spec in enumerate(PAGES):
        window.ui.navList.setCurrentRow(row)
        assert window.ui.pageStack.currentWidget() is window.page(spec.key)
        assert type(window.page(spec.key)).__name__ == spec.target.rsplit(":", 1)[1]


def test_keyboard_shortcuts_switch_pages(qtbot, window):
    from PySide6.QtCore import Qt

    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.ui.pageStack.currentWidget() is window.page("residents")


def test_status_bar_names_station_staff_and_database(window, db_path):
    assert "新亚洲体育城社区为民服务站" in window.windowTitle()  # the title, not the crowded bar
    assert "管理员" in window.staff_label.text()
    assert str(db_path) in window.db_label.text()


def test_clerk_does_not_see_statistics(qtbot, db_path, clerk):
    win = MainWindow(AppContext(target=str(db_path), staff=clerk))
    qtbot.addWidget(win)
    titles = [win.ui.navList.item(i).text() for i in range(win.ui.navList.count())]
    assert "统计" not in titles and "受理" in titles


def test_sign_in_dialog(qtbot, db_path, admin):
    from PySide6.QtCore import Qt

    from gridstation.ui.station.login_dialog import LoginDialog

    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.usernameEdit, "admin")
    qtbot.keyClicks(dialog.ui.passwordEdit, "wrong-password")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert "登录名或密码错误" in dialog.ui.messageLabel.text() and dialog.staff is None
    qtbot.keyClicks(dialog.ui.passwordEdit, "secret123")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert dialog.staff is not None and dialog.staff.role == roles.ADMIN


def test_idle_window_locks_and_needs_the_password(qtbot, window, clerk):
    from PySide6.QtCore import Qt

    from tests.conftest import PASSWORD
    from tests.helpers import activate

    window.idle.set_minutes(0.001)  # 60 ms
    qtbot.waitUntil(lambda: window.locked, timeout=3000)
    assert not window.centralWidget().isVisible()
    from gridstation.ui.station.login_dialog import LoginDialog

    dialog = [w for w in window.findChildren(LoginDialog) if w.isVisible()][-1]
    window.idle.set_minutes(10)
    activate(qtbot, dialog)
    qtbot.keyClicks(dialog.ui.passwordEdit, "wrong-pass")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert window.locked and "密码错误" in dialog.ui.messageLabel.text()
    # another staff member takes over the window in one step
    dialog.ui.usernameEdit.setText("clerk")
    with qtbot.waitSignal(window.staff_changed) as changed:
        qtbot.keyClicks(dialog.ui.passwordEdit, PASSWORD)
        qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert not window.locked and changed.args[0].id == clerk.id


def test_ctrl_l_locks_at_once(qtbot, window):
    from PySide6.QtCore import Qt

    from tests.helpers import activate

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.locked


def test_settings_page_saves_station_details_and_refuses_a_bad_prefix(qtbot, window):
    from PySide6.QtCore import Qt

    from gridstation.core.storage import settings
    from tests.helpers import type_text

    page = window.show_page("settings")
    page.ui.prefixEdit.clear()
    type_text(qtbot, page.ui.prefixEdit, "S-1")
    qtbot.mouseClick(page.ui.saveStationButton, Qt.MouseButton.LeftButton)
    assert "受理编号前缀" in page.ui.stationMessage.text() and settings.get("serial_prefix") == "SL"
    page.ui.prefixEdit.clear()
    type_text(qtbot, page.ui.prefixEdit, "xy")
    page.ui.addressEdit.clear()
    type_text(qtbot, page.ui.addressEdit, "官渡区广福路2号")
    qtbot.mouseClick(page.ui.saveStationButton, Qt.MouseButton.LeftButton)
    assert settings.get("serial_prefix") == "XY" and settings.get("station_address") == "官渡区广福路2号"
    assert settings.get("printer") is None  # a setting of each PC now (QSettings), not of the station


def test_settings_page_points_this_pc_at_another_database(qtbot, window, tmp_path, monkeypatch):
    from PySide6.QtCore import Qt

    from gridstation.core.storage import paths
    from tests.helpers import type_text

    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("GRIDSTATION_DB", raising=False)
    page = window.show_page("settings")
    page.ui.databaseEdit.clear()
    type_text(qtbot, page.ui.databaseEdit, str(tmp_path / "typo.db"))
    qtbot.mouseClick(page.ui.databaseButton, Qt.MouseButton.LeftButton)
    assert "找不到文件" in page.ui.stationMessage.text() and not paths.location_file().exists()
    page.ui.databaseEdit.clear()
    type_text(qtbot, page.ui.databaseEdit, window.ctx.target)
    qtbot.mouseClick(page.ui.databaseButton, Qt.MouseButton.LeftButton)
    assert "下次启动" in page.ui.stationMessage.text()
    assert paths.default_database() == window.ctx.target


START_UP_DRIVER = """
import json, sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from gridstation import app as appmod
from gridstation.ui.station.login_dialog import LoginDialog
from gridstation.ui.window.main_window import MainWindow

seen = {}

def windows(kind):
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]

def sign_in():
    dialogs = [d for w in windows(MainWindow) for d in w.findChildren(LoginDialog) if d.isVisible()]
    if not dialogs:
        QTimer.singleShot(20, sign_in)
        return
    seen["usable_before_sign_in"] = any(bool(w.ui.navList.item(0).flags()) for w in windows(MainWindow))
    dialogs[0].ui.usernameEdit.setText("admin")
    dialogs[0].ui.passwordEdit.setText(sys.argv[2])
    dialogs[0].try_sign_in()
    QTimer.singleShot(50, finish)

def finish():
    window = windows(MainWindow)[0]
    seen["pages"] = [s.key for s in window.specs]
    seen["staff"] = window.ctx.staff.username
    seen["page"] = type(window.ui.pageStack.currentWidget()).__name__
    window.close()
    QApplication.instance().quit()

QTimer.singleShot(0, sign_in)
code = appmod.run_gui(sys.argv[1])
print(json.dumps(seen))
sys.exit(code)
"""


def test_start_up_paints_the_window_then_signs_in_over_it(db_path, admin, tmp_path):
    """The real start, in its own process: window first (no database needed), sign-in over it, pages."""
    import json
    import os
    import subprocess
    import sys

    from gridstation.core.storage import db as dbmod
    from tests.conftest import PASSWORD

    dbmod.close_database()
    result = subprocess.run([sys.executable, "-c", START_UP_DRIVER, str(db_path), PASSWORD], capture_output=True,
                            text=True, timeout=120, env=dict(os.environ, QT_QPA_PLATFORM="offscreen",
                                                             XDG_CONFIG_HOME=str(tmp_path / "config")))
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["usable_before_sign_in"] is False  # nothing usable before sign-in
    assert seen["staff"] == "admin"
    assert seen["pages"] == ["intake", "residents", "tools", "stats", "settings", "events", "grids"]
    assert seen["page"] == "IntakePage"


# The status bar's backup line (issue 12 item 3): when the last good backup was made, and a warning
# in Chinese when a backup failed or none succeeded in 24 hours.

def _press(qtbot, button) -> None:
    button.setFocus()
    qtbot.keyClick(button, Qt.Key.Key_Space)


def test_status_bar_turns_into_a_warning_when_the_backup_folder_is_a_file(qtbot, window, admin, tmp_path):
    label = window.backup_label
    # A station set up today is no warning yet (its first day has not passed); a failure is.
    assert label.text() == "上次备份：从未备份" and label.property("role") != "warn"
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
    _press(qtbot, tab.ui.backupButton)  # off the GUI thread: wait for its answer
    qtbot.waitUntil(lambda: "是一个文件" in tab.ui.messageLabel.text(), timeout=20000)
    assert label.text().startswith("备份失败：备份文件夹") and "是一个文件" in label.text()
    assert label.property("role") == "error" and "请在“设置 → 备份与恢复”中另选备份文件夹" in label.toolTip()
    usb.unlink()
    usb.mkdir()
    _press(qtbot, tab.ui.backupButton)
    qtbot.waitUntil(lambda: label.text().startswith("上次备份："), timeout=20000)
    assert label.property("role") == ""
    assert list(usb.glob("gridstation-*-manual.db"))


def test_the_daily_backup_failing_shows_in_the_status_bar(qtbot, window, admin, tmp_path):
    station.update_settings(admin, {"backup_dir": str(tmp_path / "unplugged" / "backups")})
    app.run_backup(window, "daily")  # off the GUI thread: the status bar is told when it ends
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("备份失败：备份文件夹不存在"), timeout=20000)
    station.update_settings(admin, {"backup_dir": str(tmp_path)})
    app.run_backup(window, "daily")
    qtbot.waitUntil(lambda: window.backup_label.text().startswith("上次备份："), timeout=20000)
    assert list(tmp_path.glob("gridstation-*-daily.db"))
def test_one_wrong_password_and_enter_counts_once(qtbot, db_path, admin):
    """Enter used to try twice (the field and the default button): two failures towards the lockout."""
    from PySide6.QtCore import Qt

    from gridstation.core.storage import models as m
    from gridstation.ui.station.login_dialog import LoginDialog
    from tests.helpers import activate

    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    before = m.AuditLog.select().where(m.AuditLog.action == "登录失败").count()
    qtbot.keyClicks(dialog.ui.usernameEdit, "admin")
    qtbot.keyClick(dialog.ui.usernameEdit, Qt.Key.Key_Return)
    assert dialog.ui.passwordEdit.hasFocus()
    qtbot.keyClicks(dialog.ui.passwordEdit, "wrong-password")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert m.AuditLog.select().where(m.AuditLog.action == "登录失败").count() == before + 1


def test_enter_in_a_dialog_field_saves_and_never_cancels_the_typing(qtbot, db_path, admin):
    """A card reader types the number and Enter: 取消 (the first button) used to take the Enter."""
    from PySide6.QtCore import Qt

    from gridstation.ui.common.context import AppContext
    from gridstation.ui.intake.resident_dialog import ResidentDialog
    from tests.helpers import activate, make_id

    dialog = ResidentDialog(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(dialog)
    dialog.show()
    activate(qtbot, dialog)
    qtbot.keyClicks(dialog.ui.docEdit, make_id())
    qtbot.keyClick(dialog.ui.docEdit, Qt.Key.Key_Return)
    assert dialog.isVisible() and dialog.ui.messageLabel.text() == "请输入姓名。"
    assert dialog.ui.nameEdit.hasFocus() and dialog.ui.docEdit.text() == make_id()


def test_after_the_first_paint_the_start_up_objects_are_out_of_full_collections(qtbot, db_path, admin, monkeypatch):
    """A full garbage collection set off by a worker (the roster, an export) holds the GIL: once the
    window has painted, what start-up loaded is frozen so that collection does not walk it."""
    gc.unfreeze()
    monkeypatch.setattr(background, "_frozen", False)  # as in a fresh process
    try:
        win = MainWindow(AppContext(target=str(db_path), staff=admin))
        qtbot.addWidget(win)
        win.show()
        assert gc.get_freeze_count() == 0  # nothing frozen before the window painted
        qtbot.waitUntil(lambda: gc.get_freeze_count() > 0, timeout=5_000)
        assert win._painted
        frozen = gc.get_freeze_count()
        background.freeze_long_lived()  # a second window (or sign-in) freezes nothing more
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()  # the next test starts as Python does


def framed_title(title: str, display_name: str) -> str:
    """What the window manager shows: Qt adds " — <display name>" unless the title already ends with it
    (QPlatformWindow::formatWindowTitle)."""
    if title.endswith(display_name):
        return title
    return f"{title} — {display_name}" if title else display_name


def test_every_window_title_names_the_program_once(qtbot, db_path, admin, tmp_path):
    """「网格服务站 · 登录 — 网格服务站」: the program's name came twice on the login, the wizard and the window."""
    from PySide6.QtWidgets import QApplication

    from gridstation.ui.station.login_dialog import LoginDialog
    from gridstation.ui.station.setup_wizard import SetupWizard

    qapp = QApplication.instance()
    before = qapp.applicationDisplayName()
    qapp.setApplicationDisplayName("网格服务站")  # as app.run_gui sets it
    try:
        main = MainWindow(AppContext(target=str(db_path), staff=admin))
        qtbot.addWidget(main)
        main.refresh_status()
        windows = [main, LoginDialog(main), LoginDialog(main, username="admin", locked=True),
                   SetupWizard(str(tmp_path / "new.db"))]
        titles = [framed_title(w.windowTitle(), "网格服务站") for w in windows]
        for title in titles:
            assert title.count("网格服务站") == 1 and title.endswith(" — 网格服务站"), titles
        assert titles[0] == "新亚洲体育城社区为民服务站 — 网格服务站"
        windows[-1].deleteLater()
    finally:
        qapp.setApplicationDisplayName(before)
