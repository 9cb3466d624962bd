"""Event numbers (事件编号): SJ + the day found + a sequence of at least four digits, e.g. SJ202611300007.

A day with more than 9 999 events (a district platform's bulk import, a long-running script) goes on to
SJ2026113010000: the number widens rather than the registration failing, and every reader of numbers
(``looks_like_number``: the 事件 page's number box, a scanner) accepts the wider form, so no number is
ever one that no search finds.

Counted by ``serials.next_number`` in the registering transaction, so numbers are gap-free and
never shared between windows. The counter's scope is kept apart from the intake serials' (whose
prefix a station may set to anything, even SJ) so the two sequences never take each other's numbers.
"""

from __future__ import annotations

import datetime as dt
import re

from gridstation.core.storage.serials import dated_number, next_number

PREFIX = "SJ"
NUMBER_RE = re.compile(r"SJ\d{8}\d{4,}")


def counter_scope(day: dt.date) -> str:
    """The ``SerialCounter`` row that counts ``day``'s events."""
    return f"event:{PREFIX}{day:%Y%m%d}"


def format_number(day: dt.date, sequence: int) -> str:
    return f"{PREFIX}{day:%Y%m%d}{sequence:04d}"


def next_event_number(day: dt.date) -> str:
    """The next number of ``day``; call inside the write transaction that stores the event."""
    return format_number(day, next_number(counter_scope(day)))


def parse_number(number: str) -> tuple[str, int] | None:
    """The (counter scope, sequence) of a number in this format; None for a number from elsewhere
    (a ledger's own numbering, kept on import: core/ledgers/importers/numbers.py)."""
    dated = dated_number(number, PREFIX) if NUMBER_RE.fullmatch(number) else None
    if dated is None or format_number(*dated) != number:
        return None
    return counter_scope(dated[0]), dated[1]


def looks_like_number(text: str) -> bool:
    """Whether typed or scanned text is a whole event number (the list then opens it at once)."""
    return NUMBER_RE.fullmatch((text or "").strip().upper()) is not None
