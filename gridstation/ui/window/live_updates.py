"""Live updates between windows, and the banner for a lost database connection.

A background thread asks ``core.changes`` every few seconds what the station's other windows have
saved, as topics (``core/station/topics.py``), and the pages' own signal, ``Bus.data_changed(topic)``, does the rest: the lists and the
status bar reload exactly as after a save in this window. The thread has its own connection, so
a slow or dead server never freezes the counter; it never touches a widget, it only emits signals.

When the poll fails (the server is down, the network cable is out) a red banner says so at the top
of the window and the thread keeps trying. The first poll that works again hides the banner and
reloads every list, since this window's own reads may have failed meanwhile. The window's own
connection reconnects by itself on its next statement (``core/storage/postgres.py``); a save that was cut
off was rolled back by the server as a whole and the user was told to do it again.

The main window starts it with ``LiveUpdates(ctx, window)``; it stops when the window closes.

The poller is a QThread of its own, not an op of ``ui.background``: it lives as long as the window
and sleeps between polls, and as a pool task it would hold one of the pool's few threads for good,
so exports and list loads would queue behind it. What the pages do with ``data_changed`` (reload
the page in view, keeping the selected row) goes through the table model and the helper.
"""

from __future__ import annotations

import contextlib
import threading

import peewee
from PySide6.QtCore import QEvent, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QMainWindow, QToolBar

from gridstation.core.rules.errors import DatabaseProblem
from gridstation.core.station import changes
from gridstation.core.station.topics import Topic
from gridstation.core.storage import db as dbmod
from gridstation.ui.common.context import AppContext

POLL_SECONDS = 2.5
LOST_TEXT = ("无法读取数据库文件，正在重试……请检查数据库所在的磁盘或共享文件夹；"
             "未提示“已保存”的操作没有保存，恢复后请重新办理。")
SERVER_LOST_TEXT = ("与数据库服务器的连接已断开，正在自动重新连接……连接恢复前请暂停办理；"
                    "未提示“已保存”的操作没有保存，恢复后请重新办理。")
RESTORED_TEXT = "与数据库的连接已恢复，列表已刷新。"


class ChangePoller(QThread):
    """Polls the change feed on its own connection; reports changes, a lost and a restored connection."""

    changed = Signal(object)  # frozenset of Topic
    lost = Signal()
    restored = Signal()

    def __init__(self, cursor: int, interval: float = POLL_SECONDS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.cursor = cursor  # read and written by the thread only, once started
        self.interval = interval
        self._stopping = threading.Event()

    def stop(self) -> None:
        self._stopping.set()
        self.wait()

    def run(self) -> None:
        database: peewee.Database | None = None
        down = False
        while not self._stopping.wait(self.interval):
            try:
                current = dbmod.current()
                if current is not database:  # first poll, or the database was reopened (a restore)
                    _close_own_connection(database)
                    database = current
                found = changes.changes_since(self.cursor)
                self.cursor = found.cursor
                if found.areas:
                    self.changed.emit(found.areas)
                if down:
                    down = False
                    self.restored.emit()
            except (peewee.OperationalError, peewee.InterfaceError, DatabaseProblem, RuntimeError):
                # RuntimeError: no database open for a moment while it is being reopened.
                if not down:
                    down = True
                    self.lost.emit()
                _close_own_connection(database)
        _close_own_connection(database)


def _close_own_connection(database: peewee.Database | None) -> None:
    """Close this thread's connection (peewee keeps one per thread); a dead one may refuse politely."""
    if database is not None:
        with contextlib.suppress(peewee.DatabaseError, peewee.InterfaceError):
            database.close()


class LiveUpdates(QObject):
    """Refreshes ``window``'s pages when other windows save; shows the lost-connection banner."""

    def __init__(self, ctx: AppContext, window: QMainWindow, interval: float = POLL_SECONDS) -> None:
        super().__init__(window)
        self.ctx = ctx
        self.window = window
        self.banner = QToolBar("连接状态", window)
        self.banner.setObjectName("connectionBanner")
        self.banner.setMovable(False)
        self.banner.setFloatable(False)
        self.banner.toggleViewAction().setEnabled(False)
        self.label = QLabel(SERVER_LOST_TEXT if dbmod.is_url(ctx.target) else LOST_TEXT)
        self.label.setObjectName("connectionBannerText")
        self.label.setWordWrap(True)
        self.label.setStyleSheet("background:#c62828; color:white; font-weight:bold; padding:8px;")
        self.banner.addWidget(self.label)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.banner)
        self.banner.hide()
        self.poller = ChangePoller(changes.latest(), interval, self)
        self.poller.changed.connect(self._changed)
        self.poller.lost.connect(self._lost)
        self.poller.restored.connect(self._restored)
        window.installEventFilter(self)
        self.poller.start()

    @property
    def connection_lost(self) -> bool:
        return not self.banner.isHidden()

    def stop(self) -> None:
        self.poller.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self.window and event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def _changed(self, areas: frozenset[Topic]) -> None:
        for area in sorted(areas):
            self.ctx.bus.data_changed.emit(area)

    def _lost(self) -> None:
        self.banner.show()

    def _restored(self) -> None:
        self.banner.hide()
        self.ctx.bus.status_message.emit(RESTORED_TEXT)
        self._changed(changes.DATA_AREAS)
