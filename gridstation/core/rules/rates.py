"""How a rate is written, in one place: the year's paragraph, the tables beside it, the charts, the
dashboard, the district summary and the workbooks all print the same figure the same way.

One decimal always (「办结率100.0%」, 「87.5%」, 「0.0%」): a table's column of rates lines up, and the
sentence above a table never says 「整改率100%」 beside the table's 「100.0%」. A rate whose divisor is
zero is 「—」 (a blank cell in a workbook); a workbook stores the fraction itself, shown through
``SHEET_FORMAT`` with the same one decimal, so the station can compute with it further.
"""

from __future__ import annotations

SHEET_FORMAT = "0.0%"  # the spreadsheet's number format for a rate cell: what ``percent`` writes


def percent(rate: float | None) -> str:
    """``rate`` (a share between 0 and 1) as a percentage with one decimal; — when there is none."""
    if rate is None:
        return "—"
    return f"{rate * 100:.1f}%"
