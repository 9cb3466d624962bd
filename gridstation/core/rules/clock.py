"""What day it is, asked in one place.

Lists decide "overdue" when they paint, not when they were built, so a window left open overnight
marks the right rows after midnight; tests move this clock to prove it.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
