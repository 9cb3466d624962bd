"""What day and time it is, asked in one place.

Every "today" and "now" in the program comes from here, so that:

- lists decide "overdue" when they paint, not when they were built, so a window left open overnight
  marks the right rows after midnight (tests move this clock to prove it);
- the whole suite can be run with the clock moved ahead (``GRIDSTATION_CLOCK_SHIFT_DAYS``), which is
  how CI catches a test that fixes its own "today" while the code under it reads the real one — the
  kind of test that passes on the day it is written and fails a month later. The shift is read from
  the environment so that child processes (exports, reports) see the same moved clock as the window.
  A station never sets it.
"""

from __future__ import annotations

import datetime as dt
import os

SHIFT_VARIABLE = "GRIDSTATION_CLOCK_SHIFT_DAYS"


def _shift() -> dt.timedelta:
    """The test shift in whole days; anything unreadable is no shift (a station never sets it)."""
    try:
        return dt.timedelta(days=int(os.environ.get(SHIFT_VARIABLE, "0") or 0))
    except ValueError:
        return dt.timedelta(0)


_SHIFT = _shift()


def now() -> dt.datetime:
    """Local time to the second: what records store and documents print."""
    return (dt.datetime.now() + _SHIFT).replace(microsecond=0)


def today() -> dt.date:
    return (dt.datetime.now() + _SHIFT).date()
