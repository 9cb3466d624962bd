"""``gridstation screenshot``: one page of the main window, offscreen, saved as PNG (README and reviews)."""

from __future__ import annotations

from pathlib import Path

from gridstation.core.rules.errors import DomainError


def admin_window(width: int = 1366, height: int = 768):
    """The main window signed in as the administrator, at the given size (screenshot, self-test)."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    # late import (start-up time): loaded on first use, after the window's first paint
    from gridstation.core.station import roles
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m
    from gridstation.ui.common.context import AppContext
    from gridstation.ui.common.theme import apply_theme
    from gridstation.ui.window.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    staff = m.Staff.select().where((m.Staff.role == roles.ADMIN) & m.Staff.active).first()
    target = str(dbmod.current().database)
    window = MainWindow(AppContext(target=target, staff=staff), remember_placement=False)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(width, height)
    return window


def save_screenshot(page: str, out: Path, width: int = 1366, height: int = 768) -> Path:
    from PySide6.QtWidgets import QApplication

    # late import (start-up time): loaded on first use, after the window's first paint
    from gridstation.ui.common.background import wait_for_background, wait_while
    from gridstation.ui.window.navigation import PAGES

    keys = [p.key for p in PAGES]
    if page not in keys:
        raise DomainError(f"没有名为“{page}”的页面，可选：{'、'.join(keys)}。")
    window = admin_window(width, height)
    app = QApplication.instance()
    try:
        window.show()
        widget = window.show_page(page)
        for _ in range(5):
            app.processEvents()
        busy = getattr(widget, "busy", None)  # a page computing in the background (statistics) is waited for
        if busy is not None:
            wait_while(busy)
        window._load_icons()
        app.processEvents()
        if not window.grab().save(str(out)):
            raise DomainError(f"无法保存截图到 {out}。")
    finally:
        # The change poller and the page's background work end before the process does: a thread
        # still running at exit aborts it (「QThread: Destroyed while thread is still running」).
        window.close()
        wait_for_background()
    return out
