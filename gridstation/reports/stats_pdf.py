"""What the monthly and the annual statistics PDFs share: the page, the tables, the notes, the signature.

Both documents are A4 portrait built through ``reports.blocks`` (header, ruled tables, signature
lines, page footer with 第n页／共N页), so they look like every other document of the station.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, KeepTogether, Table

from gridstation.core.statistics.stats import DEFINITIONS, PeriodStats
from gridstation.core.statistics.stats_tables import StatTable, display
from gridstation.reports import blocks, cn_dates, pdf_build, styles

PAGE_MARGIN = 14 * mm
CONTENT_WIDTH = A4[0] - 2 * PAGE_MARGIN
KEEP_ROWS = 14  # tables up to this many rows never split across pages
CELL_PADDING = 7  # blocks.grid_table's left and right cell padding together
NOTE_SIZE = 8.5  # the definitions are read, and printed: never below 8 pt


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


def table_section(table: StatTable, st: styles.Styles) -> Section:
    """The table ruled and shaded like every list the station prints.

    Text columns align left and figures right; the total row is shaded. A short table is kept on
    one page with its heading; a long one repeats its header row on the next page.
    """
    rows = [[display(cell) for cell in row] for row in table.rows] or [["（无）"] + [""] * (len(table.columns) - 1)]
    widths = header_widths([c.label for c in table.columns], [c.width for c in table.columns], rows, st)
    first = table.rows[0] if table.rows else []
    aligns = ["left" if i < len(first) and isinstance(first[i], str) else "right" for i in range(len(widths))]
    grid: Table = blocks.grid_table([c.label for c in table.columns], rows, widths, st, aligns=aligns)
    if table.has_total and table.rows:
        grid.setStyle([("BACKGROUND", (0, -1), (-1, -1), styles.SHADE)])
    body: list[Flowable] = [grid]
    if table.note:
        body.append(styles.text(table.note, st.small))
    return Section(table.title, body, keep=len(rows) <= KEEP_ROWS)


def header_widths(labels: Sequence[str], weights: Sequence[float], rows: Sequence[Sequence[str]],
                  st: styles.Styles) -> list[float]:
    """Column widths over the page in proportion to ``weights``, each wide enough for its heading on
    one line (「平均办理天数」 never breaks into 平均办理天/数) where the page has room for that.

    The column with the most room to spare gives it, never below its widest cell; a table with too
    many columns for that keeps its proportions and its headings wrap.
    """
    widths = [w * CONTENT_WIDTH / sum(weights) for w in weights]

    def width_of(text: str, style) -> float:
        return stringWidth(text, style.fontName, style.fontSize) + CELL_PADDING + 1

    needs = [width_of(label, st.cell_head) for label in labels]
    floors = [max([need, *(width_of(str(row[i]), st.cell) for row in rows if i < len(row))])
              for i, need in enumerate(needs)]
    short = sum(max(need - width, 0) for need, width in zip(needs, widths, strict=True))
    donor = max(range(len(widths)), key=lambda i: widths[i] - floors[i])
    if short > widths[donor] - floors[donor]:
        return widths
    widths = [max(width, need) for need, width in zip(needs, widths, strict=True)]
    widths[donor] -= short
    return widths


def numbered(sections: Sequence[Section], st: styles.Styles, closing: Sequence[Flowable] = ()) -> list[Flowable]:
    """Headings 一、二、… before each section, kept with what they introduce.

    ``closing`` (the notes and the signature lines) is kept with the last section, so the last page
    never holds only a few note lines and the signatures, apart from the figures they sign.
    """
    story: list[Flowable] = []
    for index, part in enumerate(sections):
        heading = blocks.section(f"{cn_number(index + 1)}、{part.title}", st)
        last = index == len(sections) - 1
        if part.keep or last:
            story.append(KeepTogether(heading + part.body + (list(closing) if last else [])))
        else:
            story += heading + part.body
    if not sections:
        story.append(KeepTogether(list(closing)))
    return story


def closing_block(st: styles.Styles, signers: Sequence[str]) -> list[Flowable]:
    """The definitions every figure follows, then the signature lines: printed with the figures so
    nobody has to guess, at a size that stays legible on paper."""
    note = styles.styles(NOTE_SIZE / styles.SMALL_RATIO).small
    items: list[Flowable] = [*blocks.section("统计口径说明", st)]
    items += [styles.text(f"{index}. {line}", note) for index, line in enumerate(DEFINITIONS, start=1)]
    return [*items, blocks.signature_lines(list(signers), CONTENT_WIDTH, st)]


def info_line(stats: PeriodStats, generated: dt.datetime, st: styles.Styles) -> Flowable:
    period = f"统计期间：{cn_dates.cn_date(stats.start)}至{cn_dates.cn_date(stats.end)}"
    if stats.running:
        period += f"（尚未结束，数据截至{cn_dates.cn_date(stats.cutoff)}）"
    return styles.text(f"{period}　　生成时间：{cn_dates.cn_datetime(generated)}", st.small)


def write_report(out: Path, *, title: str, lead: Sequence[Flowable], sections: Sequence[Section],
                 generated: dt.datetime) -> Path:
    """Header, the lead lines, the numbered sections with the notes and the head's signature, then the file."""
    st = styles.styles(9.5)
    station = blocks.StationInfo.current()
    full: list[Flowable] = [*blocks.header(station, title, st, CONTENT_WIDTH), *lead,
                            *numbered(sections, st, closing_block(st, ["制表人：", "站长签字："]))]
    footer = f"{station.name}　{title}　生成时间 {cn_dates.cn_datetime(generated)}"
    return pdf_build.build_pdf(out, full, pagesize=A4, title=f"{station.name} {title}", author=station.name,
                           margin=PAGE_MARGIN, bottom=PAGE_MARGIN + 4 * mm, footer=footer)
