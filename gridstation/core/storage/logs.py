"""The log file: where an unexpected error goes, since the Windows build has no console to show it.

``setup`` (called by the command line and the GUI at start) sends Python's logging to a rotating
file in the data folder (``logs/gridstation.log``, 1 MB × 5), routes uncaught exceptions of the
main thread and of worker threads into it, and lets faulthandler write a hard crash (a fault in
Qt or a driver) to ``logs/crash.log`` beside it. Staff never see a traceback: the command line and
the GUI show one Chinese line naming the log file instead.

The log holds where an error happened, never what was being saved: an exception's own text often
quotes the data (openpyxl quotes the refused cell, PostgreSQL the duplicate key, a resident's ID
number and phone among them), and the log file is read by whoever maintains the PC. So a logged
exception is its traceback and its type (and an OS error's number), without its message.
"""

from __future__ import annotations

import faulthandler
import logging
import logging.handlers
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType
from typing import IO

from gridstation.core.storage import paths

LOG_NAME, CRASH_NAME = "gridstation.log", "crash.log"
MAX_BYTES, KEEP_FILES = 1_000_000, 5
log = logging.getLogger("gridstation")
_state: dict[str, object] = {"handler": None, "crash": None}


def log_dir() -> Path:
    return paths.data_dir() / "logs"


def log_file() -> Path:
    return log_dir() / LOG_NAME


def unexpected_message() -> str:
    """What staff are told about an error the program did not expect (the details are in the log)."""
    return f"程序发生意外错误，详细信息已记录在日志文件：{log_file()}。请把该文件交给维护人员。"


def setup() -> Path:
    """Log to the file and catch what nobody caught; safe to call again (re-targets a moved folder)."""
    path = log_dir() / LOG_NAME
    current = _state["handler"]
    if isinstance(current, logging.FileHandler) and Path(current.baseFilename) == path:
        return path
    if isinstance(current, logging.Handler):
        log.removeHandler(current)
        current.close()
    new: logging.Handler
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        crash: IO[str] = open(path.parent / CRASH_NAME, "a", encoding="utf-8")  # noqa: SIM115 - open for the process
    except OSError:
        # An unwritable data folder must not stop the program, nor let logging's fallback print a
        # traceback to the user: the details are lost, the one Chinese line still appears.
        new = logging.NullHandler()
    else:
        new = logging.handlers.RotatingFileHandler(path, maxBytes=MAX_BYTES, backupCount=KEEP_FILES,
                                                   encoding="utf-8", delay=True)
        new.setFormatter(ContentFreeFormatter("%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"))
        faulthandler.enable(crash)
        previous, _state["crash"] = _state["crash"], crash
        if previous is not None:
            previous.close()  # type: ignore[attr-defined]
    log.addHandler(new)
    log.setLevel(logging.INFO)
    _state["handler"] = new
    # A hook someone else installed (a debugger, the test runner, the GUI's dialog) stays.
    if sys.excepthook is sys.__excepthook__:
        sys.excepthook = _log_and_say
    if threading.excepthook is threading.__excepthook__:
        threading.excepthook = _log_thread
    return path


class ContentFreeFormatter(logging.Formatter):
    """A formatter that writes an exception's traceback and type but not its message (see above)."""

    def formatException(self, ei: tuple) -> str:  # noqa: N802 - logging's name
        return without_contents(ei[1]) if ei[1] is not None else super().formatException(ei)


def without_contents(exc: BaseException) -> str:
    """The traceback of ``exc`` and of the exceptions it was raised from, each named by type only."""
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and not any(current is seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for each in reversed(chain):
        kind = type(each)
        errno = f" [errno {each.errno}]" if isinstance(each, OSError) and each.errno is not None else ""
        parts.append("Traceback (most recent call last):\n" + "".join(traceback.format_tb(each.__traceback__))
                     + f"{kind.__module__}.{kind.__qualname__}{errno} (message not logged: it may quote records)")
    return "\n\nThe above caused:\n\n".join(parts)


def log_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    log.error("意外错误", exc_info=(exc_type, exc, tb))


def _log_and_say(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """The command line's last resort: the traceback to the log, one Chinese line to the user."""
    log_exception(exc_type, exc, tb)
    print(unexpected_message(), file=sys.stderr)


def _log_thread(args: threading.ExceptHookArgs) -> None:
    """A worker thread's error: logged only (a worker never touches a widget; its caller reports)."""
    if args.exc_type is not SystemExit:
        log.error("线程 %s 意外错误", getattr(args.thread, "name", "?"),
                  exc_info=(args.exc_type, args.exc_value, args.exc_traceback))  # type: ignore[arg-type]
