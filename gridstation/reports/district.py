"""The street office's monthly roll-up of several stations: A4 PDF, and the same tables in Excel.

Laid out like a station's own monthly statistics (``reports.stats_pdf``): the same header, ruled
tables with a shaded 合计 row, the definitions every figure follows, and lines to sign. The tables
come from ``core.district.district_tables``, once, for both files.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.rules.clock import now
from gridstation.core.statistics import district
from gridstation.core.statistics.stats_tables import summary_sentence
from gridstation.reports import blocks, cn_dates, pdf_build, styles
from gridstation.reports.stats_pdf import CONTENT_WIDTH, PAGE_MARGIN, closing_block, numbered, table_section
from gridstation.reports.stats_xlsx import write_xlsx

DEFAULT_OFFICE = "各社区服务站"


def title_of(month: dt.date) -> str:
    return f"{month.year}年{month.month}月 各服务站月度统计汇总"


def write_district(month: dt.date, summaries: Sequence[district.StationSummary], out: Path,
                   xlsx: Path | None = None, *, office: str = "") -> Path:
    """Check the summaries belong together, then write the PDF (and the workbook); returns ``out``."""
    district.check_together(month, summaries)
    combined = district.combine(summaries)
    tables = district.district_tables(summaries, combined)
    generated = now()
    title = title_of(month)
    heading = office.strip() or DEFAULT_OFFICE
    st = styles.styles(9.5)
    period = f"统计期间：{cn_dates.cn_date(combined.start)}至{cn_dates.cn_date(combined.end)}"
    if combined.running:
        period += f"（月份尚未结束，数据截至{cn_dates.cn_date(combined.cutoff)}）"
    story: list[Flowable] = [
        *blocks.header(blocks.StationInfo(heading), title, st, CONTENT_WIDTH),
        styles.text(f"{period}　　汇总服务站：{len(summaries)}个　　生成时间：{cn_dates.cn_datetime(generated)}", st.small),
        styles.text(summary_sentence(combined, "本月各服务站合计"), st.body),
        *numbered([table_section(t, st) for t in tables], st, closing_block(st, ["制表人：", "审核人："])),
    ]
    if xlsx is not None:
        write_xlsx(tables, xlsx, heading=f"{heading} {title}", generated=generated)
    footer = f"{heading}　{title}　生成时间 {cn_dates.cn_datetime(generated)}"
    return pdf_build.build_pdf(out, story, pagesize=A4, title=f"{heading} {title}", author=heading,
                           margin=PAGE_MARGIN, bottom=PAGE_MARGIN + 4 * mm, footer=footer)
