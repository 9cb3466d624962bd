"""The annual statistics (年度统计): the year's tables, month by month, and the work-summary paragraph.

The report's content (figures, tables, the line under the title, the paragraph) comes whole from
``core/statistics/report_content.py``; this module lays it out as a PDF and a workbook.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.rules import clock
from gridstation.core.rules.clock import now
from gridstation.core.statistics.report_content import AnnualReport, annual_periods, annual_report
from gridstation.core.statistics.stats import AnnualStats, Progress
from gridstation.reports import blocks, charts, styles
from gridstation.reports.report_names import annual_title as title_of
from gridstation.reports.stats_pdf import CONTENT_WIDTH, Section, info_line, table_section, write_report
from gridstation.reports.stats_xlsx import write_xlsx


def steps_for(year: int, today: dt.date) -> int:
    """Progress steps of a year's report: each period counted, laying out, writing."""
    return annual_periods(year, today) + 2


def _month_chart(annual: AnnualStats) -> Flowable:
    return charts.grouped_bars("逐月受理与办结（件）", [f"{s.start.month}月" for s in annual.months],
                               [("受理", charts.RECEIVED_COLOR, [s.total.received for s in annual.months]),
                                ("办结", charts.COMPLETED_COLOR, [s.total.completed for s in annual.months])],
                               CONTENT_WIDTH, 62 * mm)


def _prepare(year: int, today: dt.date, progress: Progress | None) -> tuple[AnnualReport, int]:
    """The year's report content (the PDF and the workbook print the same tables) and its progress steps."""
    steps = steps_for(year, today)
    return annual_report(year, today, progress=(lambda done, _total: progress(done, steps)) if progress else None), steps


def write_annual(year: int, out: Path, xlsx: Path | None = None, *, today: dt.date | None = None,
                 progress: Progress | None = None) -> Path:
    """Write the year's PDF to ``out`` (and its tables to ``xlsx``); ``progress`` as in
    ``monthly.write_monthly`` (may raise to cancel)."""
    today = today or clock.today()
    report, steps = _prepare(year, today, progress)
    generated = now()
    st = styles.styles(9.5)
    services, *rest = report.tables
    summary_box = blocks.notice_box([("", report.paragraph)], CONTENT_WIDTH, st)
    sections = [Section("工作总结参考段落", [summary_box]), table_section(services, st),
                Section("逐月受理与办结", [_month_chart(report.figures)])]
    sections += [table_section(t, st) for t in rest]
    lead: list[Flowable] = [info_line(report.figures.total, generated, st), styles.text(report.headline, st.body)]
    if progress:
        progress(steps - 1, steps)
    if xlsx is not None:
        write_xlsx(report.tables, xlsx, heading=f"{blocks.StationInfo.current().name} {title_of(year)}",
                   generated=generated)
    return write_report(out, title=title_of(year), lead=lead, sections=sections, generated=generated)


def write_annual_xlsx(year: int, out: Path, *, today: dt.date | None = None,
                      progress: Progress | None = None) -> Path:
    """Only the Excel tables of the year (年度 Excel on the statistics page)."""
    report, steps = _prepare(year, today or clock.today(), progress)
    if progress:
        progress(steps - 1, steps)
    return write_xlsx(report.tables, out, heading=f"{blocks.StationInfo.current().name} {title_of(year)}", generated=now())
