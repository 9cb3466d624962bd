"""The one way the UI runs work that can take over 100 ms: off the GUI thread, result back on it.

In the spirit of Anki's ``QueryOp``/``CollectionOp``: a page hands ``run_in_background`` a function
``work(progress, cancelled)`` that only calls core code, and says what to do with the result. The
work runs on a pool thread with its own database connection (peewee keeps one connection per
thread; the worker opens its own and closes it when done, so the GUI thread's connection is never
shared). It never touches a widget: it reports through signals of a ``BackgroundOp`` that lives on
the GUI thread, so ``done``, ``failed``, ``cancelled`` and ``progress`` are always called there.

- ``progress(done, total)`` reports how far the work is; once the user pressed 取消 it raises
  ``Cancelled``, so work that reports progress stops at its next report without more code.
- ``cancelled()`` says whether 取消 was pressed, for work that polls instead.
- A ``DomainError`` reaches ``failed`` with its Chinese message as is; anything unexpected is logged
  with its traceback and ``failed`` gets a Chinese sentence, never a traceback.
- ``dialog="正在导出……"`` shows a progress dialog with 取消 when the work lasts past a moment.

``run_and_wait`` is for the one place that must not go on before the work is done (the backup
when the application quits): the event loop keeps turning, so the window still paints and shows
progress while it waits.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable, Iterator
from typing import Any

import peewee
from PySide6.QtCore import QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal, Slot
from PySide6.QtWidgets import QMessageBox, QProgressDialog, QWidget

from gridstation.core import db as dbmod
from gridstation.core.errors import DomainError

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
Work = Callable[[Progress, IsCancelled], Any]

UNEXPECTED = "处理时出现意外错误，操作没有完成；详细情况已记入运行日志，请联系管理员。"
DIALOG_DELAY_MS = 400  # a dialog for work that ends sooner would only flicker

log = logging.getLogger(__name__)
_RUNNING: set[BackgroundOp] = set()  # keeps an op that nobody holds alive until its answer arrived


class Cancelled(Exception):
    """Raised by ``progress`` once 取消 was pressed; the work stops and nothing is reported as done."""


@contextlib.contextmanager
def _own_connection() -> Iterator[None]:
    """This thread's own connection to the open database, closed afterwards; none when nothing is open."""
    try:
        database = dbmod.current()
    except RuntimeError:  # no database open (work that does not read it)
        yield
        return
    opened_here = database.is_closed()
    if opened_here:
        database.connect()
    try:
        yield
    finally:
        if opened_here:
            with contextlib.suppress(peewee.DatabaseError, peewee.InterfaceError):
                database.close()


class BackgroundOp(QObject):
    """One piece of work on a pool thread; lives on the GUI thread and calls back there.

    The worker emits the signals; Qt queues them to this object's slots on the GUI thread. When
    the object is gone (its parent window closed) the worker's next report cancels the work.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed_with = Signal(str)
    was_cancelled = Signal()

    def __init__(self, parent: QObject | None, work: Work, *, done: Callable[[Any], None] | None = None,
                 failed: Callable[[str], None] | None = None, cancelled: Callable[[], None] | None = None,
                 progress: Progress | None = None, dialog: str | None = None, cancellable: bool = True) -> None:
        super().__init__(parent)
        self._work = work
        self._done, self._failed, self._cancelled, self._progress = done, failed, cancelled, progress
        self._stop = threading.Event()
        self.running = False
        self.dialog = self._make_dialog(parent, dialog, cancellable) if dialog else None
        self.progressed.connect(self._on_progress)
        self.succeeded.connect(self._on_succeeded)
        self.failed_with.connect(self._on_failed)
        self.was_cancelled.connect(self._on_cancelled)

    # --- GUI thread ---------------------------------------------------------------------------
    def start(self, pool: QThreadPool | None = None) -> BackgroundOp:
        self.running = True
        _RUNNING.add(self)
        (pool or QThreadPool.globalInstance()).start(_Runner(self))
        return self

    def cancel(self) -> None:
        """Ask the work to stop; ``cancelled`` follows once it has."""
        self._stop.set()

    def is_cancelled(self) -> bool:
        return self._stop.is_set()

    def _make_dialog(self, parent: QObject | None, text: str, cancellable: bool) -> QProgressDialog:
        dialog = QProgressDialog(text, "取消" if cancellable else "", 0, 0,
                                 parent if isinstance(parent, QWidget) else None)
        if not cancellable:
            dialog.setCancelButton(None)
        dialog.setWindowTitle("网格服务站")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(DIALOG_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self._dialog_cancelled if cancellable else dialog.show)
        dialog.setValue(0)  # starts the delay after which the dialog shows itself
        return dialog

    def _dialog_cancelled(self) -> None:
        self.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消……")
            self.dialog.show()  # QProgressDialog hides itself on 取消; keep it until the work stopped

    @Slot(int, int)
    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and not self._stop.is_set():
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total > 0 else 0)
        if self._progress is not None:
            self._progress(done, total)

    def _finish(self) -> None:
        self.running = False
        _RUNNING.discard(self)
        if self.dialog is not None:
            self.dialog.canceled.disconnect()
            self.dialog.close()
            self.dialog.deleteLater()
            self.dialog = None
        if self.parent() is not None:  # an op without parent belongs to whoever holds it
            self.deleteLater()

    @Slot(object)
    def _on_succeeded(self, result: object) -> None:
        self._finish()
        if self._done is not None:
            self._done(result)

    @Slot(str)
    def _on_failed(self, text: str) -> None:
        self._finish()
        if self._failed is not None:
            self._failed(text)
        else:
            parent = self.parent()
            box = QMessageBox(QMessageBox.Icon.Warning, "网格服务站", text, QMessageBox.StandardButton.Ok,
                              parent if isinstance(parent, QWidget) else None)
            box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            box.open()

    @Slot()
    def _on_cancelled(self) -> None:
        self._finish()
        if self._cancelled is not None:
            self._cancelled()

    # --- worker thread ------------------------------------------------------------------------
    def _emit(self, signal_name: str, *args: object) -> None:
        """Report to the GUI thread; once Qt has deleted this object (its window closed), stop the work."""
        try:
            getattr(self, signal_name).emit(*args)
        except RuntimeError:
            self._stop.set()

    def _report(self, done: int, total: int) -> None:
        if self._stop.is_set():
            raise Cancelled
        self._emit("progressed", done, total)

    def execute(self) -> None:
        """The work itself, on the worker thread: one of the four signals always follows."""
        try:
            with _own_connection():
                result = self._work(self._report, self._stop.is_set)
        except Cancelled:
            self._emit("was_cancelled")
        except Exception as exc:  # every failure must reach the GUI thread as a message
            if self._stop.is_set():  # work that stops on cancelled() may end by raising its own error
                self._emit("was_cancelled")
            elif isinstance(exc, DomainError):
                self._emit("failed_with", exc.message)
            else:
                log.exception("background work failed")
                self._emit("failed_with", UNEXPECTED)
        else:
            self._emit("succeeded", result)


class _Runner(QRunnable):
    """The pool's handle on an op; holds no widget and no Qt object but the op it reports through."""

    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self.op = op

    def run(self) -> None:
        self.op.execute()


def run_in_background(parent: QObject | None, work: Work, **options: Any) -> BackgroundOp:
    """Start ``work(progress, cancelled)`` on the pool; see ``BackgroundOp`` for ``options``."""
    return BackgroundOp(parent, work, **options).start()


def run_and_wait(parent: QObject | None, work: Work, *, dialog: str, cancellable: bool = False) -> tuple[bool, Any]:
    """Run ``work`` in the background and return only once it ended, the event loop turning meanwhile.

    Returns (True, result), or (False, the Chinese message or "" when cancelled).
    """
    outcome: list[tuple[bool, Any]] = []
    loop = QEventLoop()

    def end(result: tuple[bool, Any]) -> None:
        outcome.append(result)
        loop.quit()

    op = BackgroundOp(parent, work, done=lambda r: end((True, r)), failed=lambda t: end((False, t)),
                      cancelled=lambda: end((False, "")), dialog=dialog, cancellable=cancellable)
    op.start()
    if not outcome:
        loop.exec()
    return outcome[0]
