"""Work that keeps Python busy for seconds runs in a child process, so the window never waits for it.

Why a process and not only a thread: one Python process has one interpreter lock, and with PySide
the GUI thread needs it for every Python slot, event filter and model cell it paints. A worker
thread writing a year of intakes with openpyxl runs Python for a minute and holds that lock most of
the time, so the window's beats came late by up to 150 ms however the lock's switch interval was
tuned. A child process has its own lock: the parent's worker thread only waits on a pipe.

The child is started with "spawn" — a fresh interpreter — on every system: forking a process that
runs Qt's threads is unsafe, and Windows can only spawn. The entry points call
``multiprocessing.freeze_support()`` so the PyInstaller bundle can start it too (``selftest``
proves that in the bundle). The child opens the same database, runs ``func(*args, **kwargs)``
with the ``progress`` and ``cancelled`` hooks it takes (a report writer may take only ``progress``)
and sends back its progress, then its result or its failure:

- a ``DomainError`` arrives in the parent as the same ``DomainError`` (its Chinese message);
- anything unexpected is written to the child's log with its traceback, and the parent raises
  ``ChildWorkFailed`` (the background helper then logs it and shows its Chinese sentence);
- once the parent's ``cancelled()`` turns true or its ``progress`` raises (取消 pressed), ``cancelled``
  in the child turns true and its ``progress`` raises ``Stopped``, so work that only reports progress
  (a report writer) stops at its next report too; the parent waits for the child to stop, so its
  half-written file is gone, and raises ``Stopped``.

``func``, its arguments and its result cross by pickle: module-level functions and plain values
(filters, years, lists of records), never a live query or a connection. ``func`` may also be named
as ``"package.module:function"``, so the parent need not import what only the child runs
(openpyxl alone is 0.3 s of imports, which on a worker thread would contend with the window).
"""

from __future__ import annotations

import contextlib
import ctypes
import importlib
import inspect
import logging
import multiprocessing
import os
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from multiprocessing.synchronize import Event
from typing import Any

from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import logs

POLL_S = 0.1
REPORT_EVERY_S = 0.05
CHILD_NICENESS = 10
BELOW_NORMAL_PRIORITY_CLASS = 0x4000  # Windows' priority class for work the user does not wait on
STOP_WAIT_S = 30.0  # a cancelled child removes its partial file first; after this it is killed
PROGRESS, DONE, FAILED, BROKE, STOPPED = "progress", "done", "failed", "broke", "stopped"

log = logging.getLogger(__name__)


class Stopped(Exception):
    """取消 reached the child: it stopped at its next progress report and left nothing behind."""


class ChildWorkFailed(RuntimeError):
    """The child process hit an unexpected error (already in its log) or ended without an answer."""


def run_in_child(func: Callable[..., Any] | str, *args: Any, progress: Callable[[int, int], None],
                 cancelled: Callable[[], bool], **kwargs: Any) -> Any:
    """``func(*args, **kwargs)`` in a child process on the open database; returns its result.

    Called from a background worker thread, which blocks here (without the interpreter lock) until
    the child answers; ``progress`` and ``cancelled`` are the worker's own.
    """
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    stop = context.Event()
    child = context.Process(target=_child_main, args=(dbmod.current_target(), func, args, kwargs, sender, stop),
                            name="gridstation-work", daemon=True)
    child.start()
    sender.close()  # the child holds the only sending end: its exit ends the pipe
    try:
        return _answer(receiver, stop, progress, cancelled, child)
    finally:
        stop.set()  # a no-op once the child answered; otherwise it stops at its next check
        child.join(STOP_WAIT_S)
        if child.is_alive():
            child.kill()
            child.join()
        receiver.close()


def _answer(receiver: Connection, stop: Event, progress: Callable[[int, int], None],
            cancelled: Callable[[], bool], child: BaseProcess) -> Any:
    while True:
        if cancelled():
            stop.set()
        if not receiver.poll(POLL_S):
            continue
        try:
            what, value = receiver.recv()
        except EOFError:
            child.join(POLL_S)
            raise ChildWorkFailed(f"the child process ended without an answer (exit code {child.exitcode})") from None
        if what == PROGRESS:
            progress(*value)
        elif what == DONE:
            return value
        elif what == FAILED:
            raise DomainError(value)
        elif what == STOPPED:
            raise Stopped
        else:
            raise ChildWorkFailed(f"the child process failed: {value}")


def _yield_to_the_window() -> None:
    """The child runs below normal priority: on a two-core office PC a report writing at full speed
    took the core the window needed, and the window's beats came late although no lock was shared.
    The window's process keeps its priority, so it gets the CPU whenever it has something to do."""
    if hasattr(os, "nice"):
        os.nice(CHILD_NICENESS)
    elif sys.platform == "win32":
        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), BELOW_NORMAL_PRIORITY_CLASS)


def _child_main(target: str, func: Callable[..., Any] | str, args: tuple, kwargs: dict[str, Any],
                sender: Connection, stop: Event) -> None:
    """The child's whole life: open the database, run the work, send one answer."""
    logs.setup()
    _yield_to_the_window()
    reported = [float("-inf")]

    def progress(done: int, total: int) -> None:
        if stop.is_set():
            raise Stopped
        now = time.monotonic()
        if now - reported[0] >= REPORT_EVERY_S or done >= total:
            reported[0] = now
            sender.send((PROGRESS, (done, total)))

    try:
        if isinstance(func, str):
            module, _, name = func.partition(":")
            func = getattr(importlib.import_module(module), name)
        taken = inspect.signature(func).parameters
        hooks = {name: hook for name, hook in (("progress", progress), ("cancelled", stop.is_set)) if name in taken}
        dbmod.open_database(target, create=False)
        result = func(*args, **kwargs, **hooks)
    except Stopped:
        sender.send((STOPPED, None))
    except DomainError as exc:
        sender.send((FAILED, exc.message))
    except Exception as exc:  # every failure must reach the parent; the traceback stays in the log
        log.exception("work in a child process failed")
        sender.send((BROKE, type(exc).__name__))
    else:
        sender.send((DONE, result))
    finally:
        with contextlib.suppress(Exception):
            dbmod.close_database()
        sender.close()
