"""What a statistics report prints, assembled here and handed to ``reports`` whole: the figures (for the
charts and the heading line), every table in the order the PDF prints them (the workbook writes the same
ones), the line under the title and, for the year, its paragraph.

The documents receive this and lay it out; they never reach back into the figures, the per-domain tables
or the sentences to put a report together themselves. A new domain adds its tables to ``MONTHLY_TABLES``
and ``ANNUAL_TABLES`` (and its sentence to ``year_paragraph.DOMAIN_SENTENCES``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from gridstation.core.rules import clock
from gridstation.core.statistics.event_tables import annual_event_tables, monthly_event_tables
from gridstation.core.statistics.grid_tables import annual_grid_tables, monthly_grid_tables
from gridstation.core.statistics.material_tables import annual_material_tables, monthly_material_tables
from gridstation.core.statistics.rating_tables import annual_rating_tables, monthly_rating_tables
from gridstation.core.statistics.stats import (
    AnnualStats,
    MonthlyStats,
    Progress,
    annual_stats,
    monthly_stats,
    months_begun,
)
from gridstation.core.statistics.stats_tables import StatTable, annual_tables, monthly_tables, summary_sentence
from gridstation.core.statistics.year_paragraph import work_summary

MONTHLY_TABLES: tuple[Callable[[MonthlyStats], list[StatTable]], ...] = (
    monthly_tables, monthly_event_tables, monthly_grid_tables, monthly_material_tables, monthly_rating_tables)
ANNUAL_TABLES: tuple[Callable[[AnnualStats], list[StatTable]], ...] = (
    annual_tables, annual_event_tables, annual_grid_tables, annual_material_tables, annual_rating_tables)
MONTHLY_PERIODS = 4  # the month, the month before, the same month a year earlier, the year to date


@dataclass(frozen=True)
class MonthlyReport:
    figures: MonthlyStats
    tables: list[StatTable]  # the services' table first
    headline: str  # the line under the title


@dataclass(frozen=True)
class AnnualReport:
    figures: AnnualStats
    tables: list[StatTable]  # the services' table first
    headline: str
    paragraph: str  # 工作总结参考段落


def monthly_report(month: dt.date, today: dt.date | None = None,
                   progress: Progress | None = None) -> MonthlyReport:
    """The month's report; ``progress(done, MONTHLY_PERIODS)`` after each period is counted."""
    figures = monthly_stats(month, today, progress=progress)
    tables = [table for part in MONTHLY_TABLES for table in part(figures)]
    return MonthlyReport(figures, tables, summary_sentence(figures.current, "本月"))


def annual_periods(year: int, today: dt.date) -> int:
    """How many periods the year's report counts: each month begun, the year and the year before."""
    return len(months_begun(year, today)) + 2


def annual_report(year: int, today: dt.date | None = None, progress: Progress | None = None) -> AnnualReport:
    """The year's report; ``progress(done, annual_periods(...))`` after each period is counted."""
    today = today or clock.today()
    figures = annual_stats(year, today, progress=progress)
    tables = [table for part in ANNUAL_TABLES for table in part(figures)]
    return AnnualReport(figures, tables, summary_sentence(figures.total, "全年"), work_summary(figures, today.year))
