"""The range of dates a record may carry: 1900-01-01 to the end of next year.

Dates reach the station from typed ledgers and from Excel, where a slip of the keys (2205 for 2025,
1025 for 2025) or a damaged cell (0 is shown as 1899-12-30 or 1900-01-00) gives a date no record can
have: it then makes serial numbers such as SJ189912310001 and falls outside every statistics period.
No resident alive was born before 1900, and Excel's own calendar starts on 1900-01-01, so earlier
dates are refused. Everything a ledger records has happened already, except the dates things are due
(a loan's return, a 补正 deadline), which lie weeks ahead; the end of next year leaves room for those
at any time of the year and still catches a wrong century or decade.
"""

from __future__ import annotations

import datetime as dt

from gridstation.core.rules import clock

EARLIEST = dt.date(1900, 1, 1)


def latest() -> dt.date:
    return dt.date(clock.today().year + 1, 12, 31)


def out_of_range(day: dt.date) -> str | None:
    """Why ``day`` cannot be a record's date (one Chinese sentence), or None when it can."""
    if EARLIEST <= day <= latest():
        return None
    return f"日期 {day:%Y-%m-%d} 不在合理范围内（{EARLIEST:%Y-%m-%d} 至 {latest():%Y-%m-%d}），请核对年份。"
