"""One save at a time: while a save is in flight, a second trigger of it is ignored.

Two Ctrl+Enter a few milliseconds apart saved two identical intakes: the first save writes, then
waits for its receipt in a turning event loop (``background.run_and_wait``), and the second key press,
already queued, fired the shortcut again while the form still held the first intake. Holding input
back there does not stop a shortcut, and every save that prints, asks or waits turns the event loop
somewhere. So each method that saves at the staff's command carries ``@one_at_a_time``; the guard is
per object and per method, so a save may still call another guarded one.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

Method = TypeVar("Method", bound=Callable[..., Any])
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def one_at_a_time(method: Method) -> Method:
    """``method`` runs at most once at a time on each object; a call meanwhile returns None at once.

    Extra positional arguments are dropped, so a button's ``clicked(bool)`` can call a method that
    takes none, as it could before it was wrapped.
    """
    flag = f"_{method.__name__}_in_flight"
    takes = sum(p.kind in _POSITIONAL for p in inspect.signature(method).parameters.values()) - 1

    @functools.wraps(method)
    def guarded(self: object, *args: Any, **kwargs: Any) -> Any:
        if getattr(self, flag, False):
            return None
        setattr(self, flag, True)
        try:
            return method(self, *args[:takes], **kwargs)
        finally:
            setattr(self, flag, False)

    return guarded  # type: ignore[return-value]
