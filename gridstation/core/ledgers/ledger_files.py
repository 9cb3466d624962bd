"""The worksheets of a ledger file as rows of Python values, in every format stations keep them.

Workbooks (.xlsx, .xlsm, .xlsb, Excel 97–2003 .xls, LibreOffice .ods) are read through
python-calamine, a binding of the Rust calamine reader: one reader for every format, so the
header, date, money and merged-cell handling of ``ledger_read`` is the same whichever program
saved the ledger, and a 100 000-row ledger is read in about a second rather than openpyxl's twelve.
CSV files are read with the csv module. What comes out is what openpyxl used to give: ``None``
for an empty cell, whole numbers as ``int`` and dates as ``date``/``datetime``, so the cell rules
of ``ledger_read`` see every format alike.
"""

from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path
from typing import NamedTuple
from xml.etree import ElementTree

from openpyxl import load_workbook
from python_calamine import CalamineError, CalamineWorkbook, PasswordError, SheetVisibleEnum

from gridstation.core.ledgers.ledger_formulas import Cell, uncached_formulas
from gridstation.core.ledgers.sheet_extent import MAX_COLUMNS, MAX_ROWS, Extent, check_sheets, check_strings
from gridstation.core.rules.errors import DomainError

WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xlsb", ".xls", ".ods")
OPEN_FILTER = f"台账 ({' '.join(f'*{s}' for s in (*WORKBOOK_SUFFIXES, '.csv'))})"  # the wizard's file dialog
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads GBK, which Chinese Excel writes
EXACT_FLOAT = 2**53  # above this a float no longer holds every whole number: an 18-digit ID stored as one lost digits
# (min column, min row, max column, max row), 1-based as Excel names cells
Range = tuple[int, int, int, int]


class RawSheet(NamedTuple):
    """One worksheet as read; a hidden one (Excel's 隐藏 or 深度隐藏, LibreOffice's 隐藏) is named but not
    read: stations hide old and void sheets (旧数据, 作废) rather than delete them, and a clerk who cannot
    see a row in Excel must not find it imported."""

    name: str
    rows: list[tuple]
    merged: list[Range]
    formulas: set[Cell]  # cells holding a formula without its result (ledger_formulas)
    hidden: bool = False

# What a damaged file raises inside calamine or the XML and zip readers: a broken part, a bad cell
# reference or a date no calendar has (ValueError, OverflowError).
_DAMAGE = (CalamineError, SyntaxError, ValueError, KeyError, TypeError, IndexError, OverflowError, AttributeError,
           zipfile.BadZipFile, EOFError)
_ODS = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_VALUE_TYPE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}value-type"
# A zip workbook (.xlsx, .xlsm, .xlsb, .ods) says in its directory how large each part unpacks to. A
# 100 000-row ledger unpacks to well under MAX_UNPACKED; a real sheet's XML shrinks ten- to thirtyfold, so
# a part of some size that shrank past MAX_RATIO is a zip bomb (a 4 MB file that inflates to 1.5 GB).
MAX_UNPACKED = 200 * 2**20
MAX_RATIO = 100
RATIO_FLOOR = 2**20  # below a megabyte unpacked a part is harmless whatever its ratio


def read_sheets(path: Path) -> list[RawSheet]:
    """(name, rows, merged ranges) of every worksheet of ``path`` in the workbook's order; a CSV file is
    one sheet without a name. Refuses a format it does not read, or a damaged file, in one Chinese line."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return [RawSheet("", _csv_rows(path), [], set())]
    if suffix not in WORKBOOK_SUFFIXES:
        raise DomainError(f"不支持的文件类型：{path.name}。请使用 .xlsx、.xls、.ods 或 .csv 文件。")
    _check_unpacked_size(path)
    check_strings(path)  # before calamine reserves the strings as it opens the file
    ods = _is_ods(path)
    merges = _ods_layout(path) if ods else {}  # before calamine, which expands an .ods file's repeats as it opens it
    workbook = _open_workbook(path)
    try:
        names = workbook.sheet_names
        if not names:
            raise DomainError(f"表格文件 {path.name} 中没有工作表。")
        hidden = {sheet.name for sheet in workbook.sheets_metadata if sheet.visible != SheetVisibleEnum.Visible}
        check_sheets(path, skip=hidden)
        formulas = uncached_formulas(path)
        out = []
        for name in names:
            if name in hidden:
                out.append(RawSheet(name, [], [], set(), hidden=True))
                continue
            try:
                sheet = workbook.get_sheet_by_name(name)
                rows = [tuple(_cell(v) for v in row) for row in sheet.to_python(skip_empty_area=False)]
                merged = merges.get(name, []) if ods else _ranges(sheet.merged_cell_ranges or [])
            except _DAMAGE:
                raise DomainError(f"{path.name} 的工作表“{name}”{_damage_place(path, name)}已损坏，无法读取"
                                  "（单元格位置或日期无效）。请在 Excel 中打开、检查该处并另存后再导入。") from None
            out.append(RawSheet(name, rows, merged, formulas.get(name, set())))
    finally:
        workbook.close()
    return out


def _open_workbook(path: Path) -> CalamineWorkbook:
    """The workbook by its name's format, else by its content (an .xls saved under an .xlsx name, which
    WPS and e-mail renames leave behind); a password or damage refused in one Chinese line each."""
    try:
        return CalamineWorkbook.from_path(str(path))
    except PasswordError:
        raise DomainError(f"文件 {path.name} 设置了打开密码，无法读取。请在 Excel 或 WPS 中打开，取消密码"
                          "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存，再导入。") from None
    except (*_DAMAGE, OSError):
        pass
    try:
        with path.open("rb") as handle:
            return CalamineWorkbook.from_filelike(handle)
    except (*_DAMAGE, OSError):
        raise DomainError(f"无法读取表格文件 {path.name}：文件已损坏，或不是它的扩展名所说的格式。"
                          "请在 Excel 或 WPS 中打开并另存为 .xlsx 后再导入。") from None


def _is_ods(path: Path) -> bool:
    """An OpenDocument spreadsheet, whatever its name says (its merges are read from content.xml)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "content.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError):
        return False


def _check_unpacked_size(path: Path) -> None:
    """Refuse a zip workbook that would unpack too large, from its directory alone, before any reader
    inflates it (an .xls is not a zip, and a file that is no zip at all is left to calamine to call damaged)."""
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    unpacked = sum(part.file_size for part in parts)
    bomb = [p for p in parts if p.file_size > RATIO_FLOOR and p.file_size > MAX_RATIO * max(p.compress_size, 1)]
    if unpacked > MAX_UNPACKED or bomb:
        raise DomainError(f"表格文件 {path.name} 解压后有 {unpacked / 2**20:,.0f} MB"
                          f"{'，压缩比异常' if bomb else ''}，不像台账（台账解压后不超过 {MAX_UNPACKED // 2**20} MB），"
                          "未读取。请在 Excel 或 WPS 中打开检查、另存后再导入。")


def _cell(value: object) -> object:
    """A cell as openpyxl gave it: '' is empty, a whole float that is exact an int (a mobile number,
    a count), a float too large to be exact stays a float so the ID and phone rules see the damage."""
    if value == "" and isinstance(value, str):
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < EXACT_FLOAT:
        return int(value)
    return value


def _ranges(found: list[tuple[tuple[int, int], tuple[int, int]]]) -> list[Range]:
    """calamine's 0-based ((row, column), (row, column)) corners as 1-based ranges; single cells dropped."""
    return [(c1 + 1, r1 + 1, c2 + 1, r2 + 1) for (r1, c1), (r2, c2) in found if (r1, c1) != (r2, c2)]


def _damage_place(path: Path, name: str) -> str:
    """Where in a damaged .xlsx worksheet reading stopped (第30行附近), found by openpyxl's streaming
    reader, which reads row by row up to the damage; '' for other formats or when it cannot tell."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return ""
    rows = 0
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
        try:
            for _row in workbook[name].iter_rows(values_only=True):
                rows += 1
        finally:
            workbook.close()
    except (*_DAMAGE, OSError):
        return f"第{rows + 1}行附近"
    return ""


def _ods_layout(path: Path) -> dict[str, list[Range]]:
    """Merged ranges of each worksheet of an .ods file (calamine reports them only for Excel formats):
    cells with a column or row span in content.xml, counted through repeated rows and cells. Each
    sheet's extent is counted in the same pass and checked (``sheet_extent``) before calamine expands
    a row repeated a million times."""
    found: dict[str, list[Range]] = {}
    extents: dict[str, Extent] = {}
    try:
        with zipfile.ZipFile(path) as archive, archive.open("content.xml") as stream:
            table, row, column, filled = "", 0, 0, 0
            for event, element in ElementTree.iterparse(stream, events=("start", "end")):
                tag = element.tag
                if event == "start":
                    if tag == f"{_ODS}table":
                        table, row = element.get(f"{_ODS}name", ""), 0
                        found[table], extents[table] = [], Extent()
                    elif tag == f"{_ODS}table-row":
                        column, filled = 0, 0
                    continue
                if tag == f"{_ODS}table-row":
                    repeated = int(element.get(f"{_ODS}number-rows-repeated", "1"))
                    if filled:
                        extents[table].add(row + repeated, filled)
                    row += repeated
                elif tag in (f"{_ODS}table-cell", f"{_ODS}covered-table-cell"):
                    columns = int(element.get(f"{_ODS}number-columns-spanned", "1"))
                    rows = int(element.get(f"{_ODS}number-rows-spanned", "1"))
                    if columns > 1 or rows > 1:
                        found[table].append((column + 1, row + 1, column + columns, row + rows))
                    column += int(element.get(f"{_ODS}number-columns-repeated", "1"))
                    if len(element) or element.get(_VALUE_TYPE):
                        filled = column
                element.clear()
    except (*_DAMAGE, OSError):
        return {}  # calamine read the cells; without the spans the rows are still checked one by one
    for table, extent in extents.items():
        extent.check(path.name, table)
    return found


def _csv_rows(path: Path) -> list[tuple]:
    """The rows of a CSV file, refused past a ledger's size (by the file's size first, then by its rows
    and columns, as a workbook's sheet is); empty cells at a row's end are dropped, so a line of
    thousands of commas costs nothing."""
    size = path.stat().st_size
    if size > MAX_UNPACKED:
        raise DomainError(f"文件 {path.name} 有 {size / 2**20:,.0f} MB，不像台账（台账不超过 {MAX_UNPACKED // 2**20} MB），"
                          "未读取。请检查是否选错了文件。")
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(f"无法识别 {path.name} 的文字编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入。")
    if "\r" in text and "\n" not in text:  # old Mac line ends (CR alone), as some exporters still write
        text = text.replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    rows: list[tuple] = []
    extent = Extent()
    try:
        for row in reader:
            while row and not row[-1].strip():
                row.pop()
            if row:
                extent.add(len(rows) + 1, len(row))
            if extent.columns > MAX_COLUMNS or extent.rows > MAX_ROWS:
                extent.check(path.name, "")
            rows.append(tuple(v if v.strip() else None for v in row))
    except csv.Error:  # a cell over the csv module's 131 072-character limit, or a stray NUL byte
        raise DomainError(f"{path.name} 第{reader.line_num}行无法读取：有一格过长（超过 {csv.field_size_limit()} 个字符）"
                          "或含有无效字符，不像台账。请在 Excel 中检查该行后再导入。") from None
    extent.check(path.name, "")
    return rows
