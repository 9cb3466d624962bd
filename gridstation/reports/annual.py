"""The annual statistics (年度统计): the year's tables, month by month, and the work-summary paragraph.

The paragraph is written from the same figures as the tables, in the wording of the stations'
own year-end summaries, so the head can paste it into the 年度工作总结 unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.rules import clock
from gridstation.core.rules.clock import now
from gridstation.core.statistics.event_tables import annual_event_tables
from gridstation.core.statistics.material_tables import annual_material_tables
from gridstation.core.statistics.rating_tables import annual_rating_tables
from gridstation.core.statistics.stats import AnnualStats, Progress, annual_stats, months_begun
from gridstation.core.statistics.stats_tables import StatTable, annual_tables, summary_sentence, work_summary
from gridstation.reports import blocks, charts, styles
from gridstation.reports.report_names import annual_title as title_of
from gridstation.reports.stats_pdf import CONTENT_WIDTH, Section, info_line, table_section, write_report
from gridstation.reports.stats_xlsx import write_xlsx


def steps_for(year: int, today: dt.date) -> int:
    """Progress steps of a year's report: each month begun, the year, the year before, laying out, writing."""
    return len(months_begun(year, today)) + 4


def _month_chart(annual: AnnualStats) -> Flowable:
    return charts.grouped_bars("逐月受理与办结（件）", [f"{s.start.month}月" for s in annual.months],
                               [("受理", charts.RECEIVED_COLOR, [s.total.received for s in annual.months]),
                                ("办结", charts.COMPLETED_COLOR, [s.total.completed for s in annual.months])],
                               CONTENT_WIDTH, 62 * mm)


def _prepare(year: int, today: dt.date, progress: Progress | None) -> tuple[AnnualStats, list[StatTable], int]:
    """The year's figures and every table of its report (the PDF and the workbook read the same ones)."""
    steps = steps_for(year, today)
    annual = annual_stats(year, today, progress=(lambda done, _total: progress(done, steps)) if progress else None)
    tables = (annual_tables(annual) + annual_event_tables(annual) + annual_material_tables(annual)
              + annual_rating_tables(annual))
    return annual, tables, steps


def write_annual(year: int, out: Path, xlsx: Path | None = None, *, today: dt.date | None = None,
                 progress: Progress | None = None) -> Path:
    """Write the year's PDF to ``out`` (and its tables to ``xlsx``); ``progress`` as in
    ``monthly.write_monthly`` (may raise to cancel)."""
    today = today or clock.today()
    annual, tables, steps = _prepare(year, today, progress)
    generated = now()
    st = styles.styles(9.5)
    services, *rest = tables
    paragraph = work_summary(annual, today.year)
    summary_box = blocks.notice_box([("", paragraph)], CONTENT_WIDTH, st)
    sections = [Section("工作总结参考段落", [summary_box]), table_section(services, st),
                Section("逐月受理与办结", [_month_chart(annual)])]
    sections += [table_section(t, st) for t in rest]
    lead: list[Flowable] = [info_line(annual.total, generated, st), styles.text(summary_sentence(annual.total, "全年"), st.body)]
    if progress:
        progress(steps - 1, steps)
    if xlsx is not None:
        write_xlsx(tables, xlsx, heading=f"{blocks.StationInfo.current().name} {title_of(year)}", generated=generated)
    return write_report(out, title=title_of(year), lead=lead, sections=sections, generated=generated)


def write_annual_xlsx(year: int, out: Path, *, today: dt.date | None = None,
                      progress: Progress | None = None) -> Path:
    """Only the Excel tables of the year (年度 Excel on the statistics page)."""
    _annual, tables, steps = _prepare(year, today or clock.today(), progress)
    if progress:
        progress(steps - 1, steps)
    return write_xlsx(tables, out, heading=f"{blocks.StationInfo.current().name} {title_of(year)}", generated=now())
