"""What the statistics reports are called: their titles and the file names offered for them.

Apart from the writers so the window can name a report without loading ReportLab and openpyxl
(a third of a second of imports on the GUI thread at the first 月报); the writers run in a child
process and import them there.
"""

from __future__ import annotations

import datetime as dt


def monthly_title(month: dt.date) -> str:
    return f"{month.year}年{month.month}月 月度统计"


def monthly_file(month: dt.date, suffix: str = ".pdf") -> str:
    """The file name offered for a month's report, e.g. 月度统计-2025-02.pdf."""
    return f"月度统计-{month:%Y-%m}{suffix}"


def annual_title(year: int) -> str:
    return f"{year}年 年度统计"


def annual_file(year: int, suffix: str = ".pdf") -> str:
    return f"年度统计-{year}{suffix}"
