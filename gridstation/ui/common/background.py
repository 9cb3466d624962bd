"""The one way the UI runs work that can take over 100 ms: off the GUI thread, result back on it.

In the spirit of Anki's ``QueryOp``/``CollectionOp``: a page hands ``run_in_background`` a function
``work(progress, cancelled)`` that only calls core code, and says what to do with the result. The
work runs on a pool thread with its own database connection (peewee keeps one connection per
thread; the worker opens its own and closes it when done, so the GUI thread's connection is never
shared). It never touches a widget: it posts its reports to one dispatcher object that lives on
the GUI thread for the whole run (never a Qt object its window may delete meanwhile), so
``done``, ``failed``, ``cancelled`` and ``progress`` are always called there, and not at all once
the widget they were for is gone.

- ``progress(done, total)`` reports how far the work is; once the user pressed 取消 it raises
  ``Cancelled``, so work that reports progress stops at its next report without more code.
- ``cancelled()`` says whether 取消 was pressed, for work that polls instead.
- A ``DomainError`` reaches ``failed`` with its Chinese message as is; anything unexpected is logged
  with its traceback and ``failed`` gets a Chinese sentence, never a traceback.
- ``dialog="正在导出……"`` shows a progress dialog with 取消 when the work lasts past a moment.

``run_and_wait`` is for a caller that cannot go on before the work is done (the backup when the
application quits, an export or a receipt the page returns): the event loop keeps turning, so the
window still paints and shows progress, while the clerk's keys and clicks are held back (only the
progress dialog takes them) so nothing is started twice meanwhile.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import peewee
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QRunnable, Qt, QThreadPool, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QProgressDialog, QWidget

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import db as dbmod

Progress = Callable[[int, int], None]
IsCancelled = Callable[[], bool]
Work = Callable[[Progress, IsCancelled], Any]

UNEXPECTED = "处理时出现意外错误，操作没有完成；详细情况已记入运行日志，请联系管理员。"
DIALOG_DELAY_MS = 400  # a dialog for work that ends sooner would only flicker
REPORT_EVERY_S = 0.05
WORKERS = 4
GIL_SWITCH_S = 0.0005

log = logging.getLogger(__name__)
_RUNNING: set[BackgroundOp] = set()  # keeps an op that nobody holds alive until its answer arrived
PROGRESS, DONE, FAILED, CANCELLED = "progress", "done", "failed", "cancelled"


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


_REPORT = QEvent.Type(QEvent.registerEventType())


class _Report(QEvent):
    """One report of an op, posted from the worker thread to the dispatcher."""

    def __init__(self, op: BackgroundOp, what: str, value: object) -> None:
        super().__init__(_REPORT)
        self.op, self.what, self.value = op, what, value


class _Dispatcher(QObject):
    """Carries every op's reports to the GUI thread. One for the whole process and never deleted, so
    a worker never reports through a Qt object that its window may have destroyed meanwhile.

    Reports are posted events, not signals emitted from the worker: posting is Qt's thread-safe
    way across threads and needs no signal object shared with the worker.
    """

    def event(self, event: QEvent) -> bool:
        if event.type() == _REPORT:
            event.op.arrive(event.what, event.value)
            return True
        return super().event(event)


_dispatcher: _Dispatcher | None = None
_workers: QThreadPool | None = None
_frozen = False  # freeze_long_lived has run


def _pool() -> QThreadPool:
    """The ops' own threads: a list load must not queue behind a minute-long export on a two-core PC
    (Qt's global pool has one thread per core), and the work mostly waits on the disk anyway.

    With the first worker the GIL's switch interval drops from Python's 5 ms to ``GIL_SWITCH_S``:
    while a worker runs Python code (an export writing 125 000 rows) the GUI thread waits up to one
    interval each time Qt calls into Python (every event through the idle watcher's filter, every
    timer slot), and a dozen such waits in one turn of the event loop froze the window 100-300 ms.
    The interval only matters while two threads want the GIL, so a lone thread loses nothing."""
    global _workers  # one per process
    if _workers is None:
        sys.setswitchinterval(GIL_SWITCH_S)
        _workers = QThreadPool()
        _workers.setMaxThreadCount(max(WORKERS, QThreadPool.globalInstance().maxThreadCount()))
    return _workers


def _gui_dispatcher() -> _Dispatcher:
    """Made on first use, which is on the GUI thread (ops are created there), so it lives there."""
    global _dispatcher  # one per process, created lazily on the GUI thread
    if _dispatcher is None:
        _dispatcher = _Dispatcher()
    return _dispatcher


def freeze_long_lived() -> None:
    """Take what the application holds for its whole run out of Python's full garbage collections.

    A full (generation-2) collection walks every tracked object while it holds the GIL, so when a
    worker allocating many objects (the pension roster, an export) sets one off, the GUI thread
    waits for it: 50-150 ms at the README's scale, most of it spent on the modules, classes and
    widgets loaded at start-up. ``gc.freeze`` moves the objects alive now into a permanent generation
    that collections skip; it is safe because they live until the application quits anyway (the
    garbage already among them is collected first, so nothing is kept that would have been freed),
    and objects made later are collected as before. Only the first call freezes: a window signed into
    again (or the next test's) is not start-up, and what it holds may well become garbage.
    """
    global _frozen  # once per process
    if _frozen:
        return
    _frozen = True
    gc.collect()
    gc.freeze()


class BackgroundOp:
    """One piece of work on a pool thread; created on the GUI thread, and its callbacks run there.

    ``parent`` is the widget (or Qt object) the answer is for: when it is gone by the time the work
    ends (its window closed), the work is cancelled at its next report and no callback runs.
    """

    def __init__(self, parent: QObject | None, work: Work, *, done: Callable[[Any], None] | None = None,
                 failed: Callable[[str], None] | None = None, cancelled: Callable[[], None] | None = None,
                 progress: Progress | None = None, dialog: str | None = None, cancellable: bool = True) -> None:
        self._parent = parent
        self._work = work
        self._done, self._failed, self._cancelled, self._progress = done, failed, cancelled, progress
        self._stop = threading.Event()
        self._reported = float("-inf")  # when progress was last passed on (worker thread only)
        self._dispatcher = _gui_dispatcher()
        self.running = False
        self.dialog = self._make_dialog(parent, dialog, cancellable) if dialog else None

    # --- GUI thread ---------------------------------------------------------------------------
    def start(self) -> BackgroundOp:
        self.running = True
        _RUNNING.add(self)
        _pool().start(_Runner(self))
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
        # Not modal: a modal QProgressDialog turns the event loop inside setValue, which would run the
        # op's own answer in the middle of a progress report. run_and_wait holds input back itself.
        dialog.setWindowModality(Qt.WindowModality.NonModal)
        dialog.setMinimumDuration(DIALOG_DELAY_MS)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        if cancellable:
            dialog.canceled.connect(self._dialog_cancelled)
            # Esc reaches QDialog.reject when the dialog's own Esc shortcut does not fire (the dialog is
            # not the active window yet): that must cancel too, never just hide the dialog.
            dialog.rejected.connect(self._dialog_cancelled)
        else:
            dialog.canceled.connect(dialog.show)
        dialog.setValue(0)  # starts the delay after which the dialog shows itself
        return dialog

    def _dialog_cancelled(self) -> None:
        self.cancel()
        if self.dialog is not None:
            self.dialog.setLabelText("正在取消……")
            self.dialog.show()  # QProgressDialog hides itself on 取消; keep it until the work stopped

    def _owner_alive(self) -> bool:
        return self._parent is None or shiboken6.isValid(self._parent)

    def arrive(self, what: str, value: Any) -> None:
        """A report from the worker, on the GUI thread (through the dispatcher)."""
        if not self._owner_alive():
            self._stop.set()
            if what != PROGRESS:
                self.running = False
                _RUNNING.discard(self)
            return
        if what == PROGRESS:
            self._on_progress(*value)
            return
        self.running = False
        _RUNNING.discard(self)
        self._close_dialog()
        if what == DONE:
            if self._done is not None:
                self._done(value)
        elif what == FAILED:
            self._on_failed(value)
        elif self._cancelled is not None:
            self._cancelled()

    def _on_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and not self._stop.is_set():
            self.dialog.setMaximum(max(total, 0))
            self.dialog.setValue(min(done, total) if total > 0 else 0)
        if self._progress is not None:
            self._progress(done, total)

    def _close_dialog(self) -> None:
        dialog, self.dialog = self.dialog, None
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.blockSignals(True)  # closing is not cancelling
            dialog.close()
            dialog.deleteLater()

    def _on_failed(self, text: str) -> None:
        if self._failed is not None:
            self._failed(text)
            return
        parent = self._parent
        box = QMessageBox(QMessageBox.Icon.Warning, "网格服务站", text, QMessageBox.StandardButton.Ok,
                          parent if isinstance(parent, QWidget) else None)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- worker thread ------------------------------------------------------------------------
    def _emit(self, what: str, value: object = None) -> None:
        QCoreApplication.postEvent(self._dispatcher, _Report(self, what, value))

    def _report(self, done: int, total: int) -> None:
        """Passed to the work as ``progress``: a bar needs no more than a few reports a second."""
        if self._stop.is_set():
            raise Cancelled
        now = time.monotonic()
        if now - self._reported >= REPORT_EVERY_S or done >= total:
            self._reported = now
            self._emit(PROGRESS, (done, total))

    def execute(self) -> None:
        """The work itself, on the worker thread: exactly one final report always follows."""
        try:
            with _own_connection():
                result = self._work(self._report, self._stop.is_set)
        except Cancelled:
            self._emit(CANCELLED)
        except Exception as exc:  # every failure must reach the GUI thread as a message
            if self._stop.is_set():  # work that stops on cancelled() may end by raising its own error
                self._emit(CANCELLED)
            elif isinstance(exc, DomainError):
                self._emit(FAILED, exc.message)
            else:
                log.exception("background work failed")
                self._emit(FAILED, UNEXPECTED)
        else:
            self._emit(DONE, result)


class _Runner(QRunnable):
    """The pool's handle on an op."""

    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self.op = op  # a plain Python object: dropping it on the worker thread deletes no Qt object

    def run(self) -> None:
        self.op.execute()


def run_in_background(parent: QObject | None, work: Work, **options: Any) -> BackgroundOp:
    """Start ``work(progress, cancelled)`` on the pool; see ``BackgroundOp`` for ``options``."""
    return BackgroundOp(parent, work, **options).start()


_INPUT = {QEvent.Type.KeyPress, QEvent.Type.KeyRelease, QEvent.Type.MouseButtonPress, QEvent.Type.MouseButtonRelease,
          QEvent.Type.MouseButtonDblClick, QEvent.Type.Wheel, QEvent.Type.ShortcutOverride}


class _HoldInput(QObject):
    """Swallows the user's input while ``run_and_wait`` waits, except what goes to its progress dialog."""

    def __init__(self, op: BackgroundOp) -> None:
        super().__init__()
        self.op = op  # a plain Python object: dropping it on the worker thread deletes no Qt object

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() not in _INPUT:
            return False
        dialog = self.op.dialog
        return not (dialog is not None and isinstance(watched, QWidget) and
                    (watched is dialog or dialog.isAncestorOf(watched)))


def wait_while(busy: Callable[[], bool], timeout_s: float = 120.0) -> None:
    """Turn the event loop until ``busy()`` is false (or the timeout), for callers that must not go on
    meanwhile: the screenshot and the self-test wait for a page's figures before grabbing or closing it.

    An event loop, not a processEvents() spin: PySide6 6.12 over-releases None when processEvents is
    called in a tight loop, which eventually aborts the interpreter.
    """
    if not busy():
        return
    loop = QEventLoop()
    poll = QTimer(interval=50)
    poll.timeout.connect(lambda: busy() or loop.quit())
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    poll.start()
    loop.exec()
    poll.stop()


def wait_for_background(timeout_s: float = 120.0) -> None:
    """Until every op has given its answer: a process that ends with work still on a pool thread aborts
    (「QThread: Destroyed while thread is still running」), so a command that opened windows waits here."""
    wait_while(lambda: bool(_RUNNING), timeout_s)


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
    hold = _HoldInput(op)
    app = QApplication.instance()
    app.installEventFilter(hold)
    try:
        op.start()
        if not outcome:
            loop.exec()
    finally:
        app.removeEventFilter(hold)
    return outcome[0]
