"""Event numbers (事件编号): SJ + the day found + a four-digit sequence, e.g. SJ202611300007.

Counted by ``serials.next_number`` in the registering transaction, so numbers are gap-free and
never shared between windows. The counter's scope is kept apart from the intake serials' (whose
prefix a station may set to anything, even SJ) so the two sequences never take each other's numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from gridstation.core.serials import next_number

PREFIX = "SJ"
NUMBER_RE = re.compile(r"SJ\d{12}")


def next_event_number(day: dt.date) -> str:
    """The next number of ``day``; call inside the write transaction that stores the event."""
    stamp = f"{PREFIX}{day:%Y%m%d}"
    return f"{stamp}{next_number('event:' + stamp):04d}"


def looks_like_number(text: str) -> bool:
    """Whether typed or scanned text is a whole event number (the list then opens it at once)."""
    return NUMBER_RE.fullmatch((text or "").strip().upper()) is not None
