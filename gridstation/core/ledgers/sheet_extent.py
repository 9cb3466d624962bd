"""How far each worksheet of a ledger reaches, learnt before any reader builds it.

calamine builds a worksheet as one dense rectangle from A1 to its last cell holding a value, and
sizes its shared-string table from the count the file claims. One stray entry far away (a space
typed in Z1048576, an ``x`` in XFD1048576) makes a one-resident ledger cost gigabytes, and a
claimed size past the machine's memory aborts the whole process, the counter window with it; no
Python exception is raised that could be caught. So the file's own XML is scanned first, streamed
a few megabytes at a time as ``ledger_formulas`` does: a sheet reaching past a ledger's size, or a
string table claiming more entries than a ledger could hold, is refused in one Chinese line that
says where the far cell is, so the clerk can delete it. An .ods file's repeated rows and cells are
counted the same way, in the pass that finds its merged ranges (``ledger_files``).
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from openpyxl.utils import column_index_from_string, get_column_letter

from gridstation.core.ledgers.ledger_formulas import sheet_parts
from gridstation.core.rules.errors import DomainError

# A ledger of 100 000 rows by 40 columns is 4 million cells; these leave room for three times the
# rows but stop a rectangle calamine would need gigabytes for.
MAX_ROWS = 300_000
MAX_COLUMNS = 1_000
MAX_CELLS = 6_000_000
EXCEL_COLUMNS = 16_384
LIMITS = f"{MAX_ROWS // 10_000} 万行、{MAX_COLUMNS} 列、{MAX_CELLS // 10_000} 万格"
_CHUNK = 4 << 20
# A cell outside A1:AZ99999, or one written otherwise (no reference first, a namespace prefix): most
# ledgers have none, and their sheets are passed after this one quick search
_BEYOND_PLAIN = re.compile(rb'<(?:\w+:c[\s>/]|c(?! r="A?[A-Z][1-9]\d{0,4}")[\s>/])')
# A cell written otherwise than every spreadsheet program writes it, with its reference first
_UNREFERENCED = re.compile(rb'<(?:\w+:c[\s>/]|c(?! r="[A-Z]+\d+")[\s>/])')
# A cell holding a value, by its reference (an empty styled cell, <c r="B9" s="3"/>, holds none)
_VALUE_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*(?<!/)>')
_TAG = re.compile(rb'<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_CELL_REF = re.compile(rb'\br="([A-Z]+)(\d+)"')
_UNIQUE_COUNT = re.compile(rb'\buniqueCount="(\d+)"')


@dataclass
class Extent:
    """The last row and column (1-based) holding a value, each with the cell that reaches it."""

    rows: int = 0
    columns: int = 0
    row_cell: str = ""
    column_cell: str = ""

    def add(self, row: int, column: int, name: str = "") -> None:
        name = name or _cell_name(row, column)
        if row > self.rows:
            self.rows, self.row_cell = row, name
        if column > self.columns:
            self.columns, self.column_cell = column, name

    def check(self, file: str, sheet: str) -> None:
        """Refuse a sheet too large for a ledger, naming the far cells so they can be deleted."""
        if self.rows <= MAX_ROWS and self.columns <= MAX_COLUMNS and self.rows * self.columns <= MAX_CELLS:
            return
        far = [cell for cell, over in ((self.row_cell, self.rows > MAX_ROWS), (self.column_cell, self.columns > MAX_COLUMNS))
               if over] or [self.row_cell, self.column_cell]  # too many cells: both far corners
        far = "、".join(dict.fromkeys(far))
        where = f" 的工作表“{sheet}”" if sheet else " "
        raise DomainError(f"{file}{where}在 {far} 有内容，使这张表有 {self.rows:,} 行、{self.columns:,} 列，"
                          f"超出台账的上限（{LIMITS}），未读取。如是误填或多余的内容（哪怕只是一个空格），"
                          "请删除该格（或整行、整列）后另存，再导入。")


def _cell_name(row: int, column: int) -> str:
    """A cell as Excel names it (B7); past Excel's last column as 第7行第20000列."""
    return f"{get_column_letter(column)}{row}" if column <= EXCEL_COLUMNS else f"第{row}行第{column}列"


def _column(letters: bytes) -> int:
    """A column's number from its letters; more letters than Excel uses count as past its last column."""
    return column_index_from_string(letters.decode()) if len(letters) <= 3 else EXCEL_COLUMNS + 1


def check_strings(path: Path) -> None:
    """Refuse an .xlsx/.xlsm workbook whose shared-string table claims more entries than a ledger could
    hold: calamine reserves them as it opens the file. Other files are left to the reader."""
    with _workbook_parts(path) as archive:
        if archive is not None and "xl/sharedStrings.xml" in archive.namelist():
            _check_strings(archive, path.name)


def check_sheets(path: Path, skip: Collection[str] = ()) -> None:
    """Refuse an .xlsx/.xlsm workbook with a sheet (other than those in ``skip``: hidden ones, not read)
    reaching past a ledger's size; other files, or parts that cannot be read, are left to the reader
    (calamine judges damage)."""
    with _workbook_parts(path) as archive:
        if archive is None:
            return
        names = set(archive.namelist())
        for sheet, part in sheet_parts(archive).items():
            if part in names and sheet not in skip:
                _sheet_extent(archive, part).check(path.name, sheet)


@contextmanager
def _workbook_parts(path: Path) -> Iterator[zipfile.ZipFile | None]:
    """The archive of an Excel workbook, or None for any other file; a part that cannot be read (a
    damaged zip, a cut XML) ends the check quietly, for calamine to name the damage."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        yield None
        return
    try:
        with archive:
            yield archive if "xl/workbook.xml" in archive.namelist() else None
    except (zipfile.BadZipFile, KeyError, SyntaxError, OSError, ValueError, EOFError, zlib.error):
        return


def _check_strings(archive: zipfile.ZipFile, file: str) -> None:
    """The shared-string table's claimed size, from its first tag: calamine reserves that many entries."""
    with archive.open("xl/sharedStrings.xml") as stream:
        found = _UNIQUE_COUNT.search(stream.read(4096))
    if found and int(found.group(1)) > MAX_CELLS:
        raise DomainError(f"{file} 的文字表声称有 {int(found.group(1)):,} 条文字，超出台账的上限（{MAX_CELLS // 10_000} 万格），"
                          "文件已损坏或不是台账，未读取。请在 Excel 或 WPS 中打开并另存后再导入。")


def _sheet_extent(archive: zipfile.ZipFile, part: str) -> Extent:
    """The extent of one worksheet's cells holding a value, read a few megabytes at a time. A sheet whose
    every cell lies within A1:AZ99999 (5.2 million cells) is passed after one quick search. Otherwise
    each cell's reference, which Excel, WPS and LibreOffice write first (<c r="B7" …>), is read; a part
    with a cell written otherwise (no reference, a namespace prefix) is walked tag by tag, counting
    places as a reader does."""
    if not any(_BEYOND_PLAIN.search(data) for data in _chunks(archive, part)):
        return Extent()  # within A1:AZ99999: not past any limit, whatever order the cells come in
    extent = Extent()
    for data in _chunks(archive, part):
        if _UNREFERENCED.search(data):
            return _walked(archive, part)
        values = _VALUE_CELL.findall(data)
        if values:
            letters, row = max(values, key=lambda ref: int(ref[1]))
            extent.add(int(row), _column(letters), (letters + row).decode())
            longest = max(len(ref[0]) for ref in values)
            letters, row = max(ref for ref in values if len(ref[0]) == longest)
            extent.add(int(row), _column(letters), (letters + row).decode())
    return extent


def _chunks(archive: zipfile.ZipFile, part: str) -> Iterator[bytes]:
    """A part's XML in pieces of a few megabytes, each ending before a tag, so no tag is cut."""
    with archive.open(part) as stream:
        rest = b""
        while chunk := stream.read(_CHUNK):
            data = rest + chunk
            cut = data.rfind(b"<")
            data, rest = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            yield data
        yield rest


def _walked(archive: zipfile.ZipFile, part: str) -> Extent:
    walk = _Walk(Extent())
    for data in _chunks(archive, part):
        walk.feed(data)
    return walk.extent


class _Walk:
    """Row and column counted tag by tag, as a reader places cells without a reference: a row follows
    the one before unless it gives its number, a cell the cell before unless it gives its own."""

    def __init__(self, extent: Extent) -> None:
        self.extent = extent
        self.row = 0
        self.column = 0

    def feed(self, data: bytes) -> None:
        for tag, attributes in _TAG.findall(data):
            if tag == b"row":
                number = _ROW_NUMBER.search(attributes)
                self.row = int(number.group(1)) if number else self.row + 1
                self.column = 0
                continue
            reference = _CELL_REF.search(attributes)
            if reference:
                self.column, self.row = _column(reference.group(1)), int(reference.group(2))
            else:
                self.column += 1
            if not attributes.endswith(b"/"):
                self.extent.add(max(self.row, 1), self.column)
