"""GUI start-up: display check, font, main window, then database and sign-in over it.

For the start-up benchmark, ``GRIDSTATION_MEASURE_STARTUP=1`` prints ``first-paint-ms N`` to stderr
when the main window first paints and exits. N counts from ``GRIDSTATION_SPAWN_TIME`` (a ``time.time()`` value the parent process sets just
before spawning) or, without it, from when this module was imported.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from gridstation.core.storage import logs

_IMPORTED_AT = time.time()
_error_boxes: set = set()  # the unexpected-error dialogs on screen


def has_display() -> bool:
    """Qt aborts without a display; tell the user instead."""
    if sys.platform in ("win32", "darwin"):
        return True
    if os.environ.get("QT_QPA_PLATFORM", "").split(":")[0] in ("offscreen", "minimal", "vnc", "eglfs", "linuxfb"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run_gui(target: str) -> int:
    """The main window paints first; the database opens and staff sign in over it right after.

    Everything the first paint does not need (the database layer, the pages, QtAwesome) loads
    after it, so the counter sees the window at once.
    """
    if not has_display():
        print("没有可用的显示器（未设置 DISPLAY/WAYLAND_DISPLAY），无法打开图形界面。"
              "请在桌面环境中运行，或使用命令行子命令（gridstation --help）。", file=sys.stderr)
        return 1
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    # late import (start-up time): the window paints before the database layer loads
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.common.keyboard import window_keys_first
    from gridstation.ui.common.qt_translations import install_qt_translations
    from gridstation.ui.common.theme import apply_theme
    from gridstation.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    app.setApplicationName("GridStation")
    app.setApplicationDisplayName("网格服务站")
    apply_theme(app)
    window_keys_first(app)
    install_qt_translations(app)
    install_error_dialog()
    window = MainWindow(AppContext(target=target))
    _wire_staff_switching(window)
    window.show()
    if os.environ.get("GRIDSTATION_MEASURE_STARTUP") == "1":
        spawned = float(os.environ.get("GRIDSTATION_SPAWN_TIME", _IMPORTED_AT))

        def _report() -> None:
            print(f"first-paint-ms {(time.time() - spawned) * 1000:.1f}", file=sys.stderr, flush=True)
            app.quit()

        window.first_painted.connect(_report)
    else:
        window.first_painted.connect(lambda: QTimer.singleShot(0, lambda: _sign_in_to(app, window)))
    return app.exec()


def _sign_in_to(app, window) -> None:
    """Open (or set up, or restore) the database, then sign in; the window waits behind."""
    code = _open_database(window)
    staff = _sign_in(window) if code is None else None
    if staff is None:
        window.close()
        app.exit(code or 0)
        return
    window.attach(staff)
    window.activateWindow()  # the keyboard back to the counter once the sign-in dialog is gone
    _schedule_backups(app, window)


def _open_database(window) -> int | None:
    """None when the site database is open and has an administrator, else the exit status."""
    # late import (start-up time): the window paints before the database layer loads
    from gridstation.core.rules.errors import DatabaseProblem
    from gridstation.core.station import station

    target = window.ctx.target
    try:
        station.open_site(target, create=False)
    except DatabaseProblem as exc:
        from gridstation.ui.station import setup_wizard

        if setup_wizard.should_offer(target):
            created = setup_wizard.run_setup(target)
            if created is None:
                return 0
            window.ctx.target = created
        elif not _offer_restore(exc.message, target):
            return _startup_problem(exc.message, target)
    if not station.is_initialised():
        return _startup_problem("数据库中还没有管理员账号，请先运行 gridstation init。", target)
    return None


def _sign_in(parent=None, username: str = ""):
    # late import (start-up time): the window paints before the database layer loads
    from gridstation.ui.station.login_dialog import LoginDialog

    dialog = LoginDialog(parent, username=username)
    return dialog.staff if dialog.exec() else None


def _wire_staff_switching(window) -> None:
    """Ctrl+Shift+L, or another staff member at the lock screen, opens a fresh window for them."""
    # late import (start-up time): Qt loads after the display check, as in run_gui
    from PySide6.QtCore import QTimer

    def _replace(new_staff) -> None:
        if new_staff is not None:
            replacement = _open_main_window(window.ctx.target, new_staff, placed_like=window)
            window.close()
            # The keyboard to the new counter once it is on screen: with the old window gone a window
            # manager may leave the focus nowhere (or on the resident window, had it taken focus).
            replacement.first_painted.connect(lambda: QTimer.singleShot(0, replacement.activateWindow))

    window.switch_staff_requested.connect(lambda: _replace(_sign_in(window)))
    window.staff_changed.connect(_replace)


def _open_main_window(target: str, staff, placed_like=None):
    # late import (start-up time): the window paints before the database layer loads
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.window.main_window import MainWindow

    window = MainWindow(AppContext(target=target, staff=staff))
    if placed_like is not None:  # staff switch at the lock screen: same size, still maximized
        window.take_placement_from(placed_like)
    _wire_staff_switching(window)
    window.show()
    return window


def _schedule_backups(app, window) -> None:
    """The first start of each day and every exit leave a verified backup (SQLite sites).

    A backup takes seconds at the README's scale, so it runs off the GUI thread: the day's first
    one quietly in the background, the exit one behind a progress dialog that the application
    waits for, so it is complete before the process ends.
    """
    from PySide6.QtCore import QTimer

    # late import (start-up time): the window paints before the database layer loads
    from gridstation.core.station import backup
    from gridstation.core.storage import db as dbmod

    if dbmod.is_url(window.ctx.target):
        return
    daily = QTimer(window, singleShot=True, interval=3000)
    daily.timeout.connect(lambda: run_backup(window, "daily"))

    def _on_exit() -> None:
        daily.stop()  # the exit backup replaces a daily one not yet begun
        run_backup(window, "exit", wait=True)

    if not backup.has_backup_today(backup.backup_dir_for(window.ctx.target)):
        daily.start()
    app.aboutToQuit.connect(_on_exit)


def run_backup(window, label: str, *, wait: bool = False) -> None:
    """One automatic backup, off the GUI thread (``wait``: behind a dialog the application waits
    for, as at exit). A failure is refused in Chinese and audited by the service, logged here, and
    shown by the status bar's backup line, which turns into a warning."""
    # late import (start-up time): the window paints before the database layer loads
    from gridstation.core.station import backup
    from gridstation.ui.common.background import run_and_wait, run_in_background

    target = window.ctx.target

    def work(_progress, _cancelled):
        return backup.backup_site(None, target, label=label)

    def failed(text: str) -> None:
        logs.log.warning("备份失败：%s", text)
        window.refresh_backup_status()

    if wait:
        ok, outcome = run_and_wait(None, work, dialog="正在备份数据，完成后自动退出……")
        if not ok:
            logs.log.warning("备份失败：%s", outcome)
        return
    run_in_background(window, work, done=lambda _result: window.refresh_backup_status(), failed=failed)


def install_error_dialog() -> None:
    """An error nobody caught in a slot: logged, a Chinese dialog naming the log file, and the
    window keeps running (Qt returns to its event loop after the hook)."""
    logs.setup()
    sys.excepthook = _log_and_show


def _log_and_show(exc_type, exc, tb) -> None:
    from PySide6.QtWidgets import QApplication, QMessageBox

    logs.log_exception(exc_type, exc, tb)
    if QApplication.instance() is None:
        print(logs.unexpected_message(), file=sys.stderr)
        return
    box = QMessageBox(QMessageBox.Icon.Critical, "网格服务站",
                      f"{logs.unexpected_message()}\n\n刚才的操作可能没有完成，请检查后重试；程序可以继续使用。",
                      QMessageBox.StandardButton.Ok, QApplication.activeWindow())
    box.button(QMessageBox.StandardButton.Ok).setText("确定")
    box.setObjectName("unexpectedErrorBox")
    _error_boxes.add(box)  # a box without a parent window would be collected as soon as this returns
    box.finished.connect(lambda _result: _error_boxes.discard(box))
    box.open()  # not exec(): the hook must return so the event loop goes on


def _offer_restore(message: str, target: str) -> bool:
    """A database that will not open is never overwritten; the newest good backup is offered instead."""
    from PySide6.QtWidgets import QMessageBox

    from gridstation.core.rules.errors import DomainError

    # late import (start-up time): the window paints before the database layer loads
    from gridstation.core.station import backup, station

    if "://" in target or not Path(target).exists() or os.environ.get("QT_QPA_PLATFORM") == "offscreen":
        return False
    newest = backup.newest_good_backup(backup.default_backup_dir(target))
    if newest is None:
        return False
    answer = QMessageBox.question(
        None, "网格服务站", f"{message}\n\n找到可用的备份：{newest.name}\n是否用它恢复？当前数据库文件会另存，不会删除。")
    if answer != QMessageBox.StandardButton.Yes:
        return False
    try:
        station.restore_file(None, target, newest)
    except DomainError as exc:
        QMessageBox.critical(None, "网格服务站", exc.message)
        return False
    return True


def _startup_problem(message: str, target: str) -> int:
    from PySide6.QtWidgets import QMessageBox

    print(message, file=sys.stderr)
    if os.environ.get("QT_QPA_PLATFORM") != "offscreen":
        QMessageBox.critical(None, "网格服务站", f"{message}\n\n数据库位置：{Path(target)}")
    return 1
