"""How every workbook the app writes looks on screen and on paper: one font, widths from the content, A4.

Widths are measured from what each cell shows (a Chinese character takes two columns, money its
separators and decimals, a date ten), so no number prints as ### and no header is clipped. Every
sheet prints landscape on A4, its header row repeated on each page, with the station and the page
number in the footer. A sheet prints one page across while its text stays readable (``MIN_SCALE``:
11-point text printed at 6.4 points or more); a wider one (the intake ledger's 34 columns) prints on as
many A4 pages across as that takes, the columns that name a row (编号 … 姓名) repeated at the left of
each, and an export's long text wraps within ``WRAP_WIDTH`` in a row made tall enough for it. Bold
text names the workbook's font: a font without a name makes LibreOffice fall back to a serif.

Exports stream their rows (openpyxl's write-only mode writes the column widths before the first row),
so their widths are first written as a placeholder of fixed length and filled in place once every
row has been measured (``stream_widths``): no second pass over the data, no rewrite of the file.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence
from copy import copy
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl.styles import DEFAULT_FONT, Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from gridstation.core.rules.rates import percent

FONT_NAME = DEFAULT_FONT.name
LATIN, CJK = 1.2, 2.2  # columns per character: see shown_width
PADDING = 2  # characters either side of the longest value, and room for the filter button on headers
MAX_WIDTH = 60.0  # a long note wraps or is cut beside a filled cell; it never widens a column past this
PLACEHOLDER = 100.5  # written as "100.5": five characters, overwritten in place with the measured width
PAGE_FOOTER = "第 &P 页，共 &N 页"
WRAP_WIDTH = 24.0  # an export's text longer than this wraps inside the cell rather than widening the ledger
DEFAULT_WIDTH = 8.43  # Excel's width of a column never set
ROW_HEIGHT = 15.0  # points per line of the default 11-point font: a row of wrapped text is this times its lines
PAGE_UNITS = 105.0  # width units across landscape A4 inside the margins at 100 % (LibreOffice without Calibri: the widest)
MIN_SCALE = 0.58  # the least a sheet is shrunk to fit a page across (11-point text at 6.4 points); wider: more pages
TITLE_SEARCH = 4  # the columns naming a row repeated on each page across: up to 姓名 among the first four


def bold(**extra: Any) -> Font:
    """The workbook's font in bold (named, so LibreOffice does not substitute a serif)."""
    return Font(name=FONT_NAME, sz=DEFAULT_FONT.sz, bold=True, **extra)


def shown_width(value: object, number_format: str = "") -> float:
    """How many columns ``value`` takes as the spreadsheet shows it, in Excel's unit (a digit of the default
    font). A digit or Latin letter counts ``LATIN``, so a wider fallback font still fits (LibreOffice shows
    Calibri as DejaVu Sans where Calibri is missing); a Chinese character counts ``CJK``."""
    if value is None:
        return 0
    if isinstance(value, str):
        return max(_text_width(line) for line in value.split("\n"))
    if isinstance(value, dt.datetime):  # as its format shows it (a date cell reads back as a datetime)
        if "h" not in number_format and "yy" in number_format:
            return LATIN * 10
        return LATIN * (16 if "h" in number_format and ":ss" not in number_format else 19)
    if isinstance(value, dt.date):
        return LATIN * 10
    if isinstance(value, bool):
        return LATIN * 5
    if isinstance(value, (int, float, Decimal)):
        if "%" in number_format:
            return LATIN * len(percent(float(value)))
        decimals = 2 if "0.00" in number_format else 1 if "0.0" in number_format else 0
        shown = f"{value:,.{decimals}f}" if "," in number_format else f"{value:.{decimals}f}"
        return LATIN * len(shown) + CJK * ("¥" in number_format)
    return LATIN * len(str(value))


def _text_width(line: str) -> float:
    wide = (len(line.encode()) - len(line)) // 2  # a Chinese character is 3 bytes in UTF-8, a Latin one 1
    return CJK * wide + LATIN * (len(line) - wide)


def wraps(value: str) -> bool:
    """Whether an export's text cell wraps: it has lines of its own, or it is wider than ``WRAP_WIDTH``."""
    return "\n" in value or (CJK * len(value) > WRAP_WIDTH - PADDING and _text_width(value) > WRAP_WIDTH - PADDING)


def wrapped_lines(value: str, width: float = WRAP_WIDTH) -> int:
    """How many lines a wrapped text takes in a column ``width`` wide (rounded up, so it never overlaps)."""
    room = max(width - PADDING, CJK)
    return sum(max(1, math.ceil(_text_width(line) / room)) for line in value.split("\n"))


def fit_wrapped_rows(sheet: Any, first_row: int = 1) -> None:
    """Rows of a sheet built cell by cell (a template's 填写说明, a statistics note) as tall as their wrapped
    text, the way an export's rows are (``wrapped_lines`` in the column's, or the merged cells', width;
    ``ROW_HEIGHT`` a line, scaled for a smaller font), and every cell of such a row at the top, so each
    value prints beside the first line of its own row (``top_aligned``)."""
    spans = {(r.min_row, r.min_col): range(r.min_col, r.max_col + 1) for r in sheet.merged_cells.ranges}
    widths = {i: sheet.column_dimensions[get_column_letter(i)].width or DEFAULT_WIDTH
              for i in range(1, sheet.max_column + 1)}
    for row in sheet.iter_rows(min_row=first_row):
        height = 0.0
        for cell in row:
            if not (isinstance(cell.value, str) and cell.alignment.wrap_text):
                continue
            size = (cell.font.sz or DEFAULT_FONT.sz) / DEFAULT_FONT.sz  # a 9-point note fits more on a line
            width = sum(widths[i] for i in spans.get((cell.row, cell.column), [cell.column]))
            height = max(height, ROW_HEIGHT * size * wrapped_lines(cell.value, width / size))
        if height > ROW_HEIGHT:
            sheet.row_dimensions[row[0].row].height = height
            for cell in row:
                cell.alignment = top_aligned(cell.alignment)


def top_aligned(alignment: Alignment) -> Alignment:
    """A cell's alignment, at the top: the one vertical alignment of every cell in a row of wrapped text.

    Top, not centred: the row's number and name then stand on the first line of its long text, where
    reading starts, and a value is never nearer the next row's text than its own (printed without grid
    lines, that is how a reader tells which row a value belongs to)."""
    top = copy(alignment)
    top.vertical = "top"
    return top


def pages_across(widths: Sequence[float], headers: Sequence[str]) -> tuple[int, int]:
    """(pages across, title columns): one page while the sheet shrinks no further than ``MIN_SCALE``, else
    enough pages that no page does, each repeating the columns up to 姓名 (or the first) at its left."""
    titles = next((i + 1 for i, h in enumerate(headers[:TITLE_SEARCH]) if "姓名" in h), 1)
    room, keys, total = PAGE_UNITS / MIN_SCALE, sum(widths[:titles]), sum(widths)
    if total <= room:
        return 1, titles
    return math.ceil((total - keys) / (room - keys)), titles


def spread_pages(sheet: Any, widths: Sequence[float], headers: Sequence[str]) -> None:
    """Set how many pages across the sheet prints (after ``print_setup``, before a write-only sheet closes:
    the page setup is written at its end)."""
    across, titles = pages_across(widths, headers)
    sheet.page_setup.fitToWidth = across
    if across > 1:
        sheet.print_title_cols = f"A:{get_column_letter(titles)}"


def spread_built_sheet(sheet: Any, header_row: int = 1) -> None:
    """``spread_pages`` for a sheet built cell by cell (a template, a statistics table): its widths and header
    row as they stand."""
    headers = [str(cell.value or "") for cell in sheet[header_row]]
    widths = [sheet.column_dimensions[get_column_letter(i)].width or 0.0 for i in range(1, len(headers) + 1)]
    spread_pages(sheet, widths, headers)


def column_width(longest: float, header: str = "") -> float:
    """A column's width: its longest value or its header (with the filter button), padded, at most MAX_WIDTH."""
    return min(MAX_WIDTH, max(longest + PADDING, shown_width(header) + PADDING + 2, 6))


class Widths:
    """The longest shown value of each column, measured as rows go by."""

    def __init__(self, headers: Sequence[str], formats: Sequence[str]) -> None:
        self.headers = list(headers)
        self.formats = list(formats)
        self.longest = [0.0] * len(headers)
        self.numbers: list[list[Any]] = [[] for _ in headers]  # the smallest and largest number seen

    def see(self, values: Sequence[object]) -> None:
        longest = self.longest
        for i, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, str):
                if CJK * len(value) > longest[i]:  # cheap bound first: most cells are not the longest
                    longest[i] = max(longest[i], shown_width(value))
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
                seen = self.numbers[i]
                if not seen:
                    seen.extend((value, value))
                elif value < seen[0]:
                    seen[0] = value
                elif value > seen[1]:
                    seen[1] = value
            elif longest[i] < LATIN * 19:
                longest[i] = max(longest[i], shown_width(value, self.formats[i]))

    def widths(self) -> list[float]:
        out = []
        for i, header in enumerate(self.headers):
            numbers = [shown_width(n, self.formats[i]) for n in self.numbers[i]]
            out.append(column_width(max([self.longest[i], *numbers]), header))
        return out


def fit_columns(sheet: Any, first_row: int = 1, *, header_row: int | None = 1,
                minimum: Sequence[float] = ()) -> None:
    """Widths from the content of a sheet built cell by cell (templates, statistics, small reports)."""
    longest: dict[int, float] = {}
    headers: dict[int, str] = {}
    for row in sheet.iter_rows(min_row=min(first_row, header_row or first_row)):
        for cell in row:
            if cell.value is None:
                continue
            if cell.row == header_row:
                headers[cell.column] = str(cell.value)
            elif cell.row >= first_row:
                longest[cell.column] = max(longest.get(cell.column, 0), shown_width(cell.value, cell.number_format))
    for column in sorted(set(longest) | set(headers)):
        width = column_width(longest.get(column, 0), headers.get(column, ""))
        floor = minimum[column - 1] if column - 1 < len(minimum) else 0
        sheet.column_dimensions[get_column_letter(column)].width = max(width, floor)


def print_setup(sheet: Any, footer: str, *, title_rows: str | None = "1:1") -> None:
    """Landscape A4, one page wide (``spread_pages`` may make it more), the header rows on every page, the
    footer's text and the page number.

    For a write-only sheet call it before the first row: the fit-to-page flag is written at the top.
    """
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages down as the rows need
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.horizontalCentered = True
    if title_rows:
        sheet.print_title_rows = title_rows
    sheet.oddFooter.left.text = footer.replace("&", "&&")[:100]  # & starts a footer code (&P, &N)
    sheet.oddFooter.right.text = PAGE_FOOTER


def placeholder_widths(sheet: Any, count: int) -> None:
    """Reserve each column's width in a write-only sheet, to be filled by ``stream_widths``."""
    for i in range(1, count + 1):
        sheet.column_dimensions[get_column_letter(i)].width = PLACEHOLDER


def _fixed(width: float) -> str:
    """A width in exactly five characters, the length of the placeholder."""
    width = min(round(width, 1), 255.0)
    return f"{width:.3f}" if width < 10 else f"{width:.2f}" if width < 100 else f"{width:.1f}"


def stream_widths(sheet_xml: Path, widths: Iterable[float]) -> None:
    """Overwrite the placeholders at the top of a streamed sheet's XML with the measured widths, in place."""
    widths = list(widths)
    with open(sheet_xml, "r+b") as handle:
        top = handle.read(64 * 1024)  # sheet properties, views and columns: a few kilobytes before the rows
        marks = [m.start(1) for m in re.finditer(rb'width="(100\.5)"', top[:max(top.find(b"</cols>"), 0)])]
        if len(marks) != len(widths):
            raise RuntimeError(f"{sheet_xml.name}: {len(marks)} reserved column widths for {len(widths)} columns")
        for at, width in zip(marks, widths, strict=True):
            handle.seek(at)
            handle.write(_fixed(width).encode())
