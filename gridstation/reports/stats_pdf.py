"""What the monthly and the annual statistics PDFs share: the page, the tables, the notes, the signature.

Both documents are A4 portrait built through ``reports.fonts`` (header, ruled tables, signature
lines, page footer with 第n页／共N页), so they look like every other document of the station.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Table

from gridstation.core.stats import DEFINITIONS, PeriodStats
from gridstation.core.stats_tables import StatTable, display
from gridstation.reports import fonts

PAGE_MARGIN = 14 * mm
CONTENT_WIDTH = A4[0] - 2 * PAGE_MARGIN
KEEP_ROWS = 14  # tables up to this many rows never split across pages


@dataclass
class Section:
    title: str
    body: list[Flowable]
    keep: bool = True  # keep heading and body on one page (short tables, charts)


DIGITS = "〇一二三四五六七八九"


def cn_number(n: int) -> str:
    """1..99 in Chinese numerals as section headings use them: 一, 十, 十一, 二十三."""
    tens, ones = divmod(n, 10)
    if not tens:
        return DIGITS[ones]
    return ("" if tens == 1 else DIGITS[tens]) + "十" + (DIGITS[ones] if ones else "")


def table_section(table: StatTable, st: fonts.Styles) -> Section:
    """The table ruled and shaded like every list the station prints.

    Text columns align left and figures right; the total row is shaded. A short table is kept on
    one page with its heading; a long one repeats its header row on the next page.
    """
    scale = CONTENT_WIDTH / sum(c.width for c in table.columns)
    widths = [c.width * scale for c in table.columns]
    first = table.rows[0] if table.rows else []
    aligns = ["left" if i < len(first) and isinstance(first[i], str) else "right" for i in range(len(widths))]
    rows = [[display(cell) for cell in row] for row in table.rows] or [["（无）"] + [""] * (len(widths) - 1)]
    grid: Table = fonts.grid_table([c.label for c in table.columns], rows, widths, st, aligns=aligns)
    if table.has_total and table.rows:
        grid.setStyle([("BACKGROUND", (0, -1), (-1, -1), fonts.SHADE)])
    body: list[Flowable] = [grid]
    if table.note:
        body.append(fonts.text(table.note, st.small))
    return Section(table.title, body, keep=len(rows) <= KEEP_ROWS)


def numbered(sections: Sequence[Section], st: fonts.Styles) -> list[Flowable]:
    """Headings 一、二、… before each section, kept with what they introduce."""
    story: list[Flowable] = []
    for index, part in enumerate(sections):
        heading = fonts.section(f"{cn_number(index + 1)}、{part.title}", st)
        story += [KeepTogether(heading + part.body)] if part.keep else heading + part.body
    return story


def notes_block(st: fonts.Styles) -> list[Flowable]:
    """The definitions every figure follows, printed with the figures so nobody has to guess."""
    items: list[Flowable] = [CondPageBreak(40 * mm), *fonts.section("统计口径说明", st)]
    items += [fonts.text(f"{index}. {line}", st.small) for index, line in enumerate(DEFINITIONS, start=1)]
    return items


def info_line(stats: PeriodStats, generated: dt.datetime, st: fonts.Styles) -> Flowable:
    period = f"统计期间：{fonts.cn_date(stats.start)}至{fonts.cn_date(stats.end)}"
    if stats.running:
        period += f"（尚未结束，数据截至{fonts.cn_date(stats.cutoff)}）"
    return fonts.text(f"{period}　　生成时间：{fonts.cn_datetime(generated)}", st.small)


def write_report(out: Path, *, title: str, story: Sequence[Flowable], generated: dt.datetime) -> Path:
    """Header, the report's own story, the notes and the head's signature, then the file (atomically)."""
    st = fonts.styles(9.5)
    station = fonts.StationInfo.current()
    full: list[Flowable] = [*fonts.header(station, title, st, CONTENT_WIDTH), *story, *notes_block(st),
                            KeepTogether([fonts.signature_lines(["制表人：", "站长签字："], CONTENT_WIDTH, st)])]
    footer = f"{station.name}　{title}　生成时间 {fonts.cn_datetime(generated)}"
    return fonts.build_pdf(out, full, pagesize=A4, title=f"{station.name} {title}", author=station.name,
                           margin=PAGE_MARGIN, bottom=PAGE_MARGIN + 4 * mm, footer=footer)
