import pytest

from gridstation.core import accounts
from gridstation.ui.context import AppContext
from gridstation.ui.main_window import MainWindow
from gridstation.ui.pages import PAGES


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
    assert "新亚洲体育城社区为民服务站" in window.station_label.text()
    assert "管理员" in window.staff_label.text()
    assert str(db_path) in window.db_label.text()


def test_clerk_does_not_see_statistics(qtbot, db_path, clerk):
    win = MainWindow(AppContext(target=str(db_path), staff=clerk))
    qtbot.addWidget(win)
    titles = [win.ui.navList.item(i).text() for i in range(win.ui.navList.count())]
    assert "统计" not in titles and "受理" in titles


def test_sign_in_dialog(qtbot, db_path, admin):
    from PySide6.QtCore import Qt

    from gridstation.ui.login_dialog import LoginDialog

    dialog = LoginDialog()
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.ui.usernameEdit, "admin")
    qtbot.keyClicks(dialog.ui.passwordEdit, "wrong-password")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert "登录名或密码错误" in dialog.ui.messageLabel.text() and dialog.staff is None
    qtbot.keyClicks(dialog.ui.passwordEdit, "secret123")
    qtbot.keyClick(dialog.ui.passwordEdit, Qt.Key.Key_Return)
    assert dialog.staff is not None and dialog.staff.role == accounts.ADMIN
