"""The station's opening days: a due date that falls on a closed day moves to the next open day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable

from gridstation.core.storage import settings

# A station open on no day at all is a settings mistake; stop looking after a year rather than loop.
_SEARCH_DAYS = 366


def next_open_day(day: dt.date, open_weekdays: Collection[int], holidays: Iterable[str | dt.date]) -> dt.date:
    """``day`` itself if the station is open then, else the first open day after it.

    ``open_weekdays`` counts Monday as 0 (as ``date.weekday()``); ``holidays`` are ISO dates on which
    the station is closed even if the weekday is open. With no open day in the coming year the day is
    returned unchanged, so a mistaken setting never blocks lending.
    """
    closed = {h if isinstance(h, dt.date) else dt.date.fromisoformat(str(h)) for h in holidays}
    for offset in range(_SEARCH_DAYS):
        candidate = day + dt.timedelta(days=offset)
        if candidate.weekday() in open_weekdays and candidate not in closed:
            return candidate
    return day


def station_next_open_day(day: dt.date) -> dt.date:
    """``next_open_day`` with the station's own settings (open_weekdays, holidays)."""
    return next_open_day(day, set(settings.get("open_weekdays") or []), settings.get("holidays") or [])


def add_working_days(day: dt.date, days: int, open_weekdays: Collection[int],
                     holidays: Iterable[str | dt.date]) -> dt.date:
    """The ``days``-th open day after ``day`` (the day found does not count, as a working-day limit is read)."""
    closed = list(holidays)
    for _ in range(days):
        day = next_open_day(day + dt.timedelta(days=1), open_weekdays, closed)
    return day


def station_add_working_days(day: dt.date, days: int) -> dt.date:
    """``add_working_days`` with the station's own settings."""
    return add_working_days(day, days, set(settings.get("open_weekdays") or []), settings.get("holidays") or [])
