"""``gridstation screenshot``: one page of the main window, offscreen, saved as PNG (README and reviews)."""

from __future__ import annotations

from pathlib import Path

from gridstation.core.rules.errors import DomainError


def save_screenshot(page: str, out: Path, width: int = 1366, height: int = 768) -> Path:
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtWidgets import QApplication

    # late import (start-up time): loaded on first use, after the window's first paint
    from gridstation.core.station import accounts
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m
    from gridstation.ui.context import AppContext
    from gridstation.ui.main_window import MainWindow
    from gridstation.ui.pages import PAGES
    from gridstation.ui.theme import apply_theme

    keys = [p.key for p in PAGES]
    if page not in keys:
        raise DomainError(f"没有名为“{page}”的页面，可选：{'、'.join(keys)}。")
    app = QApplication.instance() or QApplication([])
    apply_theme(app)
    staff = m.Staff.select().where((m.Staff.role == accounts.ADMIN) & m.Staff.active).first()
    target = str(dbmod.current().database)
    window = MainWindow(AppContext(target=target, staff=staff), remember_placement=False)
    window.setWindowState(Qt.WindowState.WindowNoState)
    window.resize(width, height)
    window.show()
    widget = window.show_page(page)
    for _ in range(5):
        app.processEvents()
    busy = getattr(widget, "busy", None)  # a page computing in the background (statistics) is waited for
    if busy is not None and busy():
        # An event loop, not a processEvents() spin: PySide6 6.12 over-releases None when
        # processEvents is called in a tight loop, which eventually aborts the interpreter.
        loop = QEventLoop()
        poll = QTimer(interval=50)
        poll.timeout.connect(lambda: busy() or loop.quit())
        poll.start()
        loop.exec()
        poll.stop()
    window._load_icons()
    app.processEvents()
    if not window.grab().save(str(out)):
        raise DomainError(f"无法保存截图到 {out}。")
    window.close()
    return out
