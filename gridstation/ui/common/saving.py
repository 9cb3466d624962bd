"""One save at a time: while a save is in flight, and for a moment after it saved, a second trigger
of it is ignored.

Two Ctrl+Enter a few milliseconds apart saved two identical intakes: the first save writes, then
waits for its receipt in a turning event loop (``background.run_and_wait``), and the second key press,
already queued, fired the shortcut again while the form still held the first intake. Holding input
back there does not stop a shortcut, and every save that prints, asks or waits turns the event loop
somewhere. So each method that saves at the staff's command carries ``@one_at_a_time``; the guard is
per object and per method, so a save may still call another guarded one.

A save that does not wait (a tool returned, a reservation made) is over before the second press
arrives; that press then found the emptied form and put a red 「请先扫描要归还的工具。」 where the green
confirmation was. So a save that reports what it stored (returns anything but None) *settles*: a
repeat within ``SETTLE_SECONDS`` with nothing typed since is the same press again (a double press,
a bouncing key), and is ignored too. Any other input ends the settling at once: typing (a scanner
types the next tool's code well within the moment), another key combination (Alt+C 清除照片 before
the next Ctrl+S) or a mouse press. Only a bare modifier and the keys that save (Enter, Ctrl+Enter,
Ctrl+S) are the same press again. A refusal never settles, so a corrected form saves at once.
"""

from __future__ import annotations

import functools
import inspect
import time
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QInputMethodEvent, QKeyEvent

Method = TypeVar("Method", bound=Callable[..., Any])
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
SETTLE_SECONDS = 0.5  # a double press or a bouncing key; X's key repeat starts only after 0.66 s
_MODIFIERS = {Qt.Key.Key_Shift, Qt.Key.Key_Control, Qt.Key.Key_Alt, Qt.Key.Key_Meta, Qt.Key.Key_AltGr,
              Qt.Key.Key_CapsLock, Qt.Key.Key_NumLock}
_SAVE_KEYS = {Qt.Key.Key_Return, Qt.Key.Key_Enter}  # with or without Ctrl: what a save is pressed with
_CTRL = Qt.KeyboardModifier.ControlModifier


def _is_other_input(event: QEvent) -> bool:
    """Input that is not the save's own key pressed again: it ends a save's settling."""
    if event.type() == QEvent.Type.MouseButtonPress:
        return True
    if isinstance(event, QInputMethodEvent):
        return bool(event.commitString())
    if not isinstance(event, QKeyEvent) or event.type() != QEvent.Type.KeyPress:
        return False
    key = event.key()
    if key in _MODIFIERS or key in _SAVE_KEYS:
        return False
    return not (key == Qt.Key.Key_S and event.modifiers() & _CTRL)


class _Typing(QObject):
    """Counts the staff's other input (``_is_other_input``) while a save settles; it watches the whole
    application only until the last settling ends."""

    def __init__(self) -> None:
        super().__init__()
        self.typed = 0
        self.until = 0.0
        self.watching = False

    def watch(self, until: float) -> None:
        self.until = max(self.until, until)
        app = QCoreApplication.instance()
        if not self.watching and app is not None:
            app.installEventFilter(self)
            self.watching = True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if time.monotonic() >= self.until:
            QCoreApplication.instance().removeEventFilter(self)
            self.watching = False
        elif _is_other_input(event):
            self.typed += 1
        return False


_TYPING = _Typing()


def one_at_a_time(method: Method) -> Method:
    """``method`` runs at most once at a time on each object; a call meanwhile, or a repeat within
    ``SETTLE_SECONDS`` of a call that returned something with nothing typed since, returns None.

    Extra positional arguments are dropped, so a button's ``clicked(bool)`` can call a method that
    takes none, as it could before it was wrapped.
    """
    flag = f"_{method.__name__}_in_flight"
    settling = f"_{method.__name__}_settling"  # (until, what had been typed when the save ended)
    takes = sum(p.kind in _POSITIONAL for p in inspect.signature(method).parameters.values()) - 1

    @functools.wraps(method)
    def guarded(self: object, *args: Any, **kwargs: Any) -> Any:
        until, typed = getattr(self, settling, (0.0, 0))
        if getattr(self, flag, False) or (time.monotonic() < until and _TYPING.typed == typed):
            return None
        setattr(self, flag, True)
        try:
            result = method(self, *args[:takes], **kwargs)
        finally:
            setattr(self, flag, False)
        if result is not None:
            until = time.monotonic() + SETTLE_SECONDS
            setattr(self, settling, (until, _TYPING.typed))
            _TYPING.watch(until)
        return result

    return guarded  # type: ignore[return-value]
