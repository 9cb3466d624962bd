"""Writing one export sheet, and what every export shares: its columns, paging, masks and cancelling.

Sheets are written in openpyxl's write-only mode (constant memory for 100 000 residents) to a
temporary file that replaces the target only when complete, so a failed or cancelled export leaves
no half-written file. Every text cell goes through ``spreadsheet_safety``, so no name or note can
become a formula. Each export kind is a module beside this one offering ``columns(full)`` and
``records(source, full)``; ``ledger_export.export_rows`` writes any of them.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import peewee
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from gridstation.core.ledgers import ledger_columns, sheet_layout
from gridstation.core.ledgers.ledger_columns import DATE, ID_NUMBER, MOMENT, MONEY, PHONE, ColumnSpec
from gridstation.core.ledgers.spreadsheet_safety import as_text, is_risky, xml_safe
from gridstation.core.rules import idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import settings
from gridstation.core.storage.output_files import write_problem

FORMATS = {ID_NUMBER: "@", PHONE: "@", DATE: "yyyy-mm-dd", MOMENT: "yyyy-mm-dd hh:mm", MONEY: "#,##0.00"}
PAGE = 1000


Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ExportCancelled(DomainError):
    """The user stopped the export: no file was written and nothing was recorded."""

    def __init__(self) -> None:
        super().__init__("已取消导出，没有生成文件。")


@dataclass(frozen=True)
class Col:
    header: str
    value: Callable[[Any], object]
    type: str = ledger_columns.TEXT
    width: int = 12  # the least width; the content widens it (sheet_layout)
    wrap: bool = False


@dataclass
class Counted:
    """Records to export and how many there are (for the progress bar), counted before reading them."""

    records: Iterable[Any]
    total: int

    def __iter__(self) -> Iterator[Any]:
        return iter(self.records)


def cols(specs: Iterable[ColumnSpec], getters: dict[str, Callable[[Any], object]]) -> list[Col]:
    return [Col(s.header, getters[s.key], s.type, s.width) for s in specs]


def yuan_value(fen: int | None) -> Decimal | None:
    """Money as a number of yuan for a cell formatted #,##0.00 (exact: Decimal, never float)."""
    return None if fen is None else Decimal(fen) / 100


def yes(flag: bool) -> str:
    return "是" if flag else "否"


def write_sheet(path: Path, title: str, columns: list[Col], records: Iterable[Any], *,
                total: int | None = None, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> int:
    """One formatted sheet: bold header, text/date/money formats, frozen header and filter, widths from the
    content, and a page setup for A4 (``sheet_layout``).

    Returns the number of data rows. Written beside ``path`` and moved over it when complete.
    ``progress(done, total)`` is told every ``PAGE`` rows (``total`` 0 when unknown); when
    ``cancelled()`` turns true the export stops with ``ExportCancelled`` and leaves no file.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for i, col in enumerate(columns, start=1):
        if col.type in (ID_NUMBER, PHONE):
            sheet.column_dimensions[get_column_letter(i)].number_format = "@"
    sheet_layout.placeholder_widths(sheet, len(columns))
    sheet_layout.print_setup(sheet, f"{settings.get('station_name') or ''}　{title}")
    sheet.freeze_panes = "A2"
    bold, fill = sheet_layout.bold(), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, xml_safe(col.header))
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center", vertical="center")
        header.append(as_text(cell))
    sheet.append(header)
    styles, tall = _cell_styles(sheet, columns), _cell_styles(sheet, columns, top=True)
    wrap = _wrap_style(sheet)
    getters = [col.value for col in columns]
    wrapped = [col.wrap for col in columns]
    plain = [col.type == ledger_columns.TEXT for col in columns]
    texts = [i for i, is_text in enumerate(plain) if is_text]
    widths = sheet_layout.Widths([c.header for c in columns], [FORMATS.get(c.type, "") for c in columns])
    count = 0
    try:
        for record in records:
            values: list[object] = [xml_safe(get(record)) for get in getters]
            widths.see(values)
            wrapping = {i: text for i in texts if isinstance(text := values[i], str)
                        and (wrapped[i] or sheet_layout.wraps(text))}
            lines = max(map(sheet_layout.wrapped_lines, wrapping.values()), default=1)
            row_styles = tall if lines > 1 else styles  # one vertical alignment for the row: sheet_layout.top_aligned
            for i, value in enumerate(values):
                if value is None:
                    continue
                style = wrap if i in wrapping else row_styles[i]
                if style is not None:
                    values[i] = as_text(Cell(sheet, row=1, column=1, value=value, style_array=style))
                elif is_risky(value):
                    values[i] = as_text(Cell(sheet, row=1, column=1, value=value))
            _append(sheet, values, count + 2, lines)
            count += 1
            if count % PAGE == 0:
                _tick(count, total, progress, cancelled)
        _tick(count, total, progress, cancelled)
    except BaseException:
        _discard(sheet)
        raise
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    final = [max(min(w, sheet_layout.WRAP_WIDTH) if text else w, c.width)
             for w, c, text in zip(widths.widths(), columns, plain, strict=True)]
    sheet_layout.spread_pages(sheet, final, [c.header for c in columns])
    sheet.close()  # the rows are on disk: now the widths they need can fill the placeholders
    sheet_layout.stream_widths(Path(sheet._writer.out), final)
    save_workbook(workbook, path)
    return count


def _append(sheet: Any, values: list[object], row: int, lines: int) -> None:
    """One row; a row of wrapped text as tall as its lines (no office program grows it on opening: LibreOffice
    prints such a row one line high, over the next). The height is dropped once written: memory stays flat."""
    if lines > 1:
        sheet.row_dimensions[row].height = sheet_layout.ROW_HEIGHT * lines
    sheet.append(values)
    if lines > 1:
        del sheet.row_dimensions[row]


def _cell_styles(sheet: Any, columns: list[Col], *, top: bool = False) -> list[Any]:
    """Per column, the style of its date/money cells (made once; copying it per cell is cheap); with ``top``,
    of every cell in a row of wrapped text, at the top as the wrapped text is."""
    styles: list[Any] = []
    for col in columns:
        if col.type in (MONEY, DATE, MOMENT) or top:
            template = WriteOnlyCell(sheet)
            if col.type in (MONEY, DATE, MOMENT):
                template.number_format = FORMATS[col.type]
            if top:
                template.alignment = sheet_layout.top_aligned(Alignment())
            styles.append(template._style)
        else:
            styles.append(None)
    return styles


def _wrap_style(sheet: Any) -> Any:
    """The style of a text cell that wraps (a long note, the skipped-rows report's 问题说明)."""
    template = WriteOnlyCell(sheet)
    template.alignment = sheet_layout.top_aligned(Alignment(wrap_text=True))
    return template._style


def _discard(sheet: Any) -> None:
    """openpyxl streams a write-only sheet into a temporary file of its own; a stopped export removes it."""
    sheet.close()
    sheet._writer.cleanup()


def _tick(done: int, total: int | None, progress: Progress | None, cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise ExportCancelled()
    if progress is not None:
        progress(done, max(total or 0, done) if total else 0)


def save_workbook(workbook: Any, path: Path) -> None:
    try:
        handle, temp = tempfile.mkstemp(prefix=".gridstation-", suffix=".xlsx", dir=path.parent)
    except OSError as exc:
        raise write_problem(path, exc) from exc
    os.close(handle)
    try:
        workbook.save(temp)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise write_problem(path, exc) from exc
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_table(path: Path, title: str, headers: list[str], rows: list[list[object]], *,
                wrap: Iterable[int] = ()) -> Path:
    """Plain rows under a header (the skipped-rows report); the columns numbered in ``wrap`` wrap their text."""
    wrapped = set(wrap)
    columns = [Col(h, (lambda r, i=i: r[i] if i < len(r) else None), width=0, wrap=i in wrapped)
               for i, h in enumerate(headers)]
    write_sheet(path, title, columns, rows)
    return path


def id_mask(full: bool) -> Callable[[str], str]:
    return (lambda n: n) if full else idcard.mask_id


def phone_mask(full: bool) -> Callable[[str], str]:
    return (lambda p: p) if full else idcard.mask_phone


def counted(source: Any) -> Iterable[Any]:
    """A query read page by page, counted first for the progress bar; a list as it is."""
    if isinstance(source, peewee.ModelSelect):
        return Counted(paged(source), source.order_by().count())
    return source


def paged(source: Any) -> Iterator[Any]:
    """A query read a page at a time (a lazy cursor would hold SQLite's read snapshot open); lists as given."""
    if not isinstance(source, peewee.ModelSelect):
        yield from source
        return
    offset = 0
    while True:
        page = list(source.offset(offset).limit(PAGE))
        yield from page
        if len(page) < PAGE:
            return
        offset += PAGE


def pages_of(source: Any, order: tuple[Any, ...]) -> Iterator[list[Any]]:
    """The records of ``source`` (a query, sorted by ``order``, or a list) a page at a time, so each page's
    related rows can be read in one more query."""
    if isinstance(source, peewee.ModelSelect):
        source = source.order_by(*order)
    page: list[Any] = []
    for item in paged(source):
        page.append(item)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page
