"""The statistics tables as an Excel workbook, one sheet per table, for the station's 台账.

Cells hold numbers, not text: counts as integers, money in yuan with a ¥ format, rates as
fractions with a % format, so the station can add up or chart them further in Excel/WPS.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.worksheet import Worksheet

from gridstation.core.ledgers import sheet_layout
from gridstation.core.ledgers.spreadsheet_safety import guard_sheet, xml_safe
from gridstation.core.rules.rates import SHEET_FORMAT
from gridstation.core.statistics.stats import DEFINITIONS
from gridstation.core.statistics.stats_tables import Cell, Days, Money, Rate, StatTable
from gridstation.reports.pdf_build import save_atomically

MONEY_FORMAT = '"¥"#,##0.00'
DAYS_FORMAT = "0.0"
COUNT_FORMAT = "#,##0"
DATE_FORMAT = "yyyy-mm-dd"
MOMENT_FORMAT = "yyyy-mm-dd hh:mm"
HEADER_FILL = PatternFill("solid", fgColor="EEF2F7")
TOTAL_FILL = PatternFill("solid", fgColor="F3F3F3")
THIN = Side(style="thin", color="B4B4B4")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_ROW, HEADER_ROW = 1, 3


def _value(cell: Cell) -> tuple[object, str | None]:
    """The value Excel stores and its number format (None for text)."""
    if isinstance(cell, Money):
        return Decimal(cell.fen) / 100, MONEY_FORMAT
    if isinstance(cell, Rate):
        return cell.value, SHEET_FORMAT
    if isinstance(cell, Days):
        return (round(cell.value, 1) if cell.value is not None else None), DAYS_FORMAT
    if isinstance(cell, int):
        return cell, COUNT_FORMAT
    if isinstance(cell, dt.datetime):
        return cell, MOMENT_FORMAT
    if isinstance(cell, dt.date):
        return cell, DATE_FORMAT
    return cell, None


def _sheet(ws: Worksheet, table: StatTable, heading: str) -> None:
    ws.cell(TITLE_ROW, 1, f"{heading}　{table.title}").font = sheet_layout.bold(size=13)
    if table.note:  # wrapped over the table: left in one cell, its length set the printed width (40 %)
        note = ws.cell(TITLE_ROW + 1, 1, table.note)
        note.font = Font(name=sheet_layout.FONT_NAME, color="555555", size=9)
        note.alignment = Alignment(wrap_text=True, vertical="top")
        ws.merge_cells(start_row=TITLE_ROW + 1, start_column=1, end_row=TITLE_ROW + 1,
                       end_column=max(1, len(table.columns)))
    for col, column in enumerate(table.columns, start=1):
        cell = ws.cell(HEADER_ROW, col, column.label)
        cell.font = sheet_layout.bold()
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(table.rows, start=HEADER_ROW + 1):
        is_total = table.has_total and r == HEADER_ROW + len(table.rows)
        for col, raw in enumerate(row, start=1):
            value, number_format = _value(raw)
            cell = ws.cell(r, col, xml_safe(value))  # names stored before control characters were refused
            cell.border = BORDER
            if number_format:
                cell.number_format = number_format
            if is_total:
                cell.font = sheet_layout.bold()
                cell.fill = TOTAL_FILL
    ws.freeze_panes = ws.cell(HEADER_ROW + 1, 2)
    # Widths from the figures (¥1,234,567.89 never prints as ###); the relative widths as the least.
    sheet_layout.fit_columns(ws, HEADER_ROW + 1, header_row=None,
                             minimum=[max(8.0, c.width * 9, len(c.label) * 2.2) for c in table.columns])
    sheet_layout.fit_wrapped_rows(ws, TITLE_ROW + 1)  # after the widths: the note's height follows them
    sheet_layout.print_setup(ws, f"{heading}　{table.title}", title_rows=f"{HEADER_ROW}:{HEADER_ROW}")
    sheet_layout.spread_built_sheet(ws, HEADER_ROW)


def write_xlsx(tables: Sequence[StatTable], out: Path, *, heading: str, generated: dt.datetime) -> Path:
    """One sheet per table plus a 说明 sheet with the definitions; written atomically."""
    book = Workbook()
    book.remove(book.active)
    for table in tables:
        _sheet(book.create_sheet(table.key[:31]), table, heading)
    notes = book.create_sheet("说明")
    notes.cell(1, 1, heading).font = sheet_layout.bold(size=13)
    notes.cell(2, 1, f"生成时间：{generated:%Y-%m-%d %H:%M}").font = Font(name=sheet_layout.FONT_NAME, color="555555")
    notes.cell(4, 1, "统计口径").font = sheet_layout.bold()
    for index, line in enumerate(DEFINITIONS, start=1):
        cell = notes.cell(4 + index, 1, f"{index}. {line}")
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    notes.column_dimensions["A"].width = 110
    sheet_layout.fit_wrapped_rows(notes, 5)
    sheet_layout.print_setup(notes, heading, title_rows=None)
    for sheet in book.worksheets:  # station names come from files other stations sent: text only
        guard_sheet(sheet)
    book.properties.title = heading
    book.properties.creator = "网格服务站 GridStation"
    buffer = io.BytesIO()
    book.save(buffer)
    return save_atomically(out, buffer.getvalue())
