"""The monthly statistics (月度统计) the station head signs: A4 PDF, and the same tables in Excel.

The report's content comes whole from ``core/statistics/report_content.py`` (figures counted once by
``monthly_stats``); the PDF and the workbook are both written from its one ``StatTable`` list, so they
cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from gridstation.core.rules.clock import now
from gridstation.core.statistics.report_content import MONTHLY_PERIODS, MonthlyReport, monthly_report
from gridstation.core.statistics.stats import MonthlyStats, Progress
from gridstation.reports import blocks, charts, styles
from gridstation.reports.report_names import monthly_title as title_of
from gridstation.reports.stats_pdf import CONTENT_WIDTH, Section, info_line, table_section, write_report
from gridstation.reports.stats_xlsx import write_xlsx

STEPS = MONTHLY_PERIODS + 2  # the periods, laying out, writing (the caller's "finished" is the last)


def charts_block(ms: MonthlyStats, st: styles.Styles) -> list[Flowable]:
    """Received vs completed per service beside the service mix; intakes per day below."""
    c = ms.current
    names = [row.name for row in c.services]
    left, right = CONTENT_WIDTH * 0.55, CONTENT_WIDTH * 0.45
    bars = charts.grouped_bars("各项业务受理与办结（件）", names,
                               [("受理", charts.RECEIVED_COLOR, [r.received for r in c.services]),
                                ("办结", charts.COMPLETED_COLOR, [r.completed for r in c.services])],
                               left, 62 * mm)
    gap = 8 * mm
    pie = charts.service_pie("受理业务构成", names, [r.received for r in c.services], right - gap, 62 * mm)
    row = Table([[bars, pie]], colWidths=[left, right])
    row.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                             ("LEFTPADDING", (1, 0), (1, 0), gap), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    line = charts.daily_line("每日受理与办结（件）", [d.day for d in c.daily],
                             [("受理", charts.RECEIVED_COLOR, [d.received for d in c.daily]),
                              ("办结", charts.COMPLETED_COLOR, [d.completed for d in c.daily])],
                             CONTENT_WIDTH, 52 * mm)
    return [row, styles.spacer(3 * mm), line]


def _prepare(month: dt.date, today: dt.date | None, progress: Progress | None) -> MonthlyReport:
    return monthly_report(month, today, progress=(lambda done, _total: progress(done, STEPS)) if progress else None)


def write_monthly(month_first_day: dt.date, out: Path, xlsx: Path | None = None, *,
                  today: dt.date | None = None, progress: Progress | None = None) -> Path:
    """Write the month's PDF to ``out`` (and its tables to ``xlsx``); returns ``out``.

    ``progress(done, STEPS)`` is called as work advances and may raise to cancel; both files are
    written only after its last call, so a cancelled report leaves no file behind.
    """
    report = _prepare(month_first_day, today, progress)
    ms = report.figures
    generated = now()
    st = styles.styles(9.5)
    services, *rest = [t for t in report.tables if t.key != "每日受理"]
    sections = [table_section(services, st), Section("图表", charts_block(ms, st))]
    sections += [table_section(t, st) for t in rest]
    lead: list[Flowable] = [info_line(ms.current, generated, st), styles.text(report.headline, st.body)]
    if progress:
        progress(STEPS - 1, STEPS)
    title = title_of(ms.month)
    if xlsx is not None:
        write_xlsx(report.tables, xlsx, heading=f"{blocks.StationInfo.current().name} {title}", generated=generated)
    return write_report(out, title=title, lead=lead, sections=sections, generated=generated)


def write_monthly_xlsx(month_first_day: dt.date, out: Path, *, today: dt.date | None = None,
                       progress: Progress | None = None) -> Path:
    """Only the Excel tables of the month (导出 Excel on the statistics page)."""
    report = _prepare(month_first_day, today, progress)
    if progress:
        progress(STEPS - 1, STEPS)
    return write_xlsx(report.tables, out, heading=f"{blocks.StationInfo.current().name} {title_of(report.figures.month)}",
                      generated=now())
