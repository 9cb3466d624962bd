"""A month's 民情日志 of a person or a grid: A4 portrait, the entries by day in one ruled table whose heads
repeat on every page, the station, the document and the page number in the footer, as the grid worker
files it with the month's papers. Rows come whole from ``core/grids/diary_month.py``.
"""

from __future__ import annotations

from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.grids.diary_month import DiaryMonth
from gridstation.core.rules import clock
from gridstation.reports.blocks import StationInfo, grid_table, header
from gridstation.reports.cn_dates import cn_datetime
from gridstation.reports.pdf_build import build_pdf
from gridstation.reports.styles import Styles, styles, text

TITLE = "民情日志"
_MARGIN = 14 * mm
_WIDTH = A4[0] - 2 * _MARGIN
HEADS = ("日期", "人员", "网格", "所见所闻", "涉及居民", "处理情况", "转为事件")
_WIDTHS = (15 * mm, 15 * mm, 18 * mm, 0.0, 15 * mm, 32 * mm, 26 * mm)  # 所见所闻 takes the rest


def render_month(data: DiaryMonth, out: Path, *, sample: bool = False) -> Path:
    """The month as printed; ``sample`` marks a page made from built-in rows (``selftest`` on a new station)."""
    st = styles(9.5)
    title = f"{TITLE}（{data.year}年{data.month}月）"
    return build_pdf(out, _story(data, title, st, sample), pagesize=A4, margin=_MARGIN, bottom=16 * mm,
                     footer=f"{data.station}　{title}　{data.whose}　打印于 {cn_datetime(clock.now())}",
                     title=title, author=data.station)


def _story(data: DiaryMonth, title: str, st: Styles, sample: bool) -> list[Flowable]:
    story = header(StationInfo(data.station), title, st, _WIDTH, sample=sample)
    turned = sum(1 for row in data.rows if row.event)
    story.append(text(f"{data.whose}：本月共 {len(data.rows)} 条，其中转为网格事件 {turned} 件。", st.body))
    if not data.rows:
        story.append(text("本月没有民情日志。", st.body))
        return story
    widths = [w or _WIDTH - sum(_WIDTHS) for w in _WIDTHS]
    rows = [[f"{row.on:%m-%d}", row.person, row.grid, row.seen, row.resident, row.done, row.event]
            for row in data.rows]
    table = grid_table(HEADS, rows, widths, st, aligns=["center", "left", "left", "left", "left", "left", "left"])
    table.spaceBefore = st.body.fontSize * 0.6
    story.append(table)
    return story
