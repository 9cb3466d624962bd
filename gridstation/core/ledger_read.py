"""Reading a ledger file (.xlsx, .csv) into rows, and catching what Excel did to it.

Excel silently damages ledgers: an ID number typed into a General cell becomes a float shown as
1.10101199001011E+17 and keeps only 15 significant digits; a trailing X is lost; a landline loses
its leading 0; merged cells leave the value in the first row only. This module recognises each
of these and names it in Chinese, so the row is reported instead of imported with a wrong value.
It converts cells (dates in every common form, amounts, numbers Excel stored as floats); the
rules about the values themselves (the ID check character, the phone format, money) stay in
``idcard``, ``money`` and ``catalog`` and are applied by ``ledger_import``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from xml.etree import ElementTree

from openpyxl.utils.cell import range_boundaries

from gridstation.core import idcard
from gridstation.core.errors import DomainError
from gridstation.core.ledger_columns import ColumnSpec, columns_for, detect_mapping

HEADER_SEARCH_ROWS = 10
CSV_ENCODINGS = ("utf-8-sig", "gb18030")  # GB18030 reads GBK, which Chinese Excel writes
_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
_FLOAT_TEXT = re.compile(r"\d+\.\d+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[\sT]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+\d+(?::[A-Z]+\d+)?)"')


@dataclass
class Sheet:
    """The first worksheet (or the CSV) as read: the header row and the non-blank rows below it."""

    path: Path
    header_row: int  # 1-based, as Excel shows it
    headers: list[str]
    rows: list[tuple[int, tuple]]  # (row number as Excel shows it, cell values)
    blank_rows: list[int] = field(default_factory=list)  # empty rows between data rows
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # min_col, min_row, max_col, max_row

    def merge_at(self, row: int, column: int) -> str:
        """The merged range (as A1:B3) covering a data cell, or ''; columns are 0-based."""
        for min_col, min_row, max_col, max_row in self.merged:
            if min_row <= row <= max_row and min_col <= column + 1 <= max_col:
                return _a1(min_col, min_row, max_col, max_row)
        return ""


def _a1(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


def read_sheet(path: Path | str, columns: list[ColumnSpec]) -> Sheet:
    """Read ``path``; the header row is the one of the first ten naming the most known columns."""
    path = Path(path)
    if not path.exists():
        raise DomainError(f"找不到文件：{path}。")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        raw_rows = _csv_rows(path)
        merged: list[tuple[int, int, int, int]] = []
    elif suffix in (".xlsx", ".xlsm"):
        raw_rows, merged = _xlsx_rows(path)
    elif suffix == ".xls":
        raise DomainError(f"不支持旧版 Excel 文件（.xls）：{path.name}。请在 Excel 中“另存为”.xlsx 后再导入。")
    else:
        raise DomainError(f"不支持的文件类型：{path.name}。请使用 .xlsx 或 .csv 文件。")
    return _assemble(path, raw_rows, merged, columns)


def _assemble(path: Path, raw_rows: list[tuple], merged: list[tuple[int, int, int, int]],
              columns: list[ColumnSpec]) -> Sheet:
    best, best_hits = -1, 0
    for i, row in enumerate(raw_rows[:HEADER_SEARCH_ROWS]):
        hits = len(detect_mapping(list(row), columns))
        if hits > best_hits:
            best, best_hits = i, hits
    if best < 0 or best_hits < 2:
        names = "、".join(c.header for c in columns if c.required)
        raise DomainError(f"{path.name} 的前{HEADER_SEARCH_ROWS}行中找不到表头（应包含 {names} 等列名）。"
                          "请使用导入模板（gridstation template）。")
    headers = ["" if v is None else str(v).strip() for v in raw_rows[best]]
    rows: list[tuple[int, tuple]] = []
    blank: list[int] = []
    for offset, values in enumerate(raw_rows[best + 1:]):
        number = best + 2 + offset
        if all(v is None or (isinstance(v, str) and not v.strip()) for v in values):
            blank.append(number)
        else:
            rows.append((number, values))
    last = rows[-1][0] if rows else 0
    header_row = best + 1
    below = [m for m in merged if m[3] > header_row]
    return Sheet(path, header_row, headers, rows, [b for b in blank if b < last], below)


def _xlsx_rows(path: Path) -> tuple[list[tuple], list[tuple[int, int, int, int]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise DomainError(f"无法读取 Excel 文件 {path.name}：文件已损坏或不是 .xlsx 格式（{exc}）。") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record a wrong size; read every row there is
        rows = list(sheet.iter_rows(values_only=True))
    finally:
        workbook.close()
    return rows, _merged_ranges(path)


def _merged_ranges(path: Path) -> list[tuple[int, int, int, int]]:
    """Merged ranges of the first worksheet, read from the file: openpyxl's read-only mode omits them.

    The <mergeCells> element follows the cell data, so the sheet's XML is streamed and scanned.
    """
    with zipfile.ZipFile(path) as archive:
        member = _first_sheet_member(archive)
        found: list[tuple[int, int, int, int]] = []
        tail = b""
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                data = tail + chunk
                last_end = 0
                for match in _MERGE.finditer(data):
                    found.append(range_boundaries(match.group(1).decode()))
                    last_end = match.end()
                # Keep enough to complete an element cut by the chunk boundary, never a counted one.
                tail = data[max(last_end, len(data) - 200):]
    return [r for r in found if r[0] != r[2] or r[1] != r[3]]


def _first_sheet_member(archive: zipfile.ZipFile) -> str:
    """The zip member of the workbook's first sheet (the sheet openpyxl lists first)."""
    def local(tag: str) -> str:
        return tag.rsplit("}", 1)[-1]

    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    first = next(e for e in book.iter() if local(e.tag) == "sheet")
    rel_id = next(v for k, v in first.attrib.items() if local(k) == "id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    target = next(e.get("Target", "") for e in rels if e.get("Id") == rel_id)
    return target.lstrip("/") if target.startswith("/") else f"xl/{target}"


def _csv_rows(path: Path) -> list[tuple]:
    data = path.read_bytes()
    for encoding in CSV_ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise DomainError(f"无法识别 {path.name} 的文字编码。请在 Excel 中另存为“CSV UTF-8”或 .xlsx 后再导入。")
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    return [tuple(v if v.strip() else None for v in row) for row in csv.reader(io.StringIO(text), delimiter=delimiter)]


# ---------------------------------------------------------------- cells


class CellProblem(Exception):
    """A cell that cannot be read as its column's type; the message is shown to the user as is."""


def plain(value: object) -> object:
    """A cell as the shared rules expect it: text stripped, whole floats as int, dates as ISO text."""
    if value is None:
        return None
    if isinstance(value, str):
        value = value.strip()
        return value or None
    if isinstance(value, bool):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def text(value: object) -> str:
    value = plain(value)
    return "" if value is None else str(value)


def _shown_number(value: float | int) -> str:
    """A number as Excel's General format shows a long one: 1.10101E+17."""
    return f"{float(value):.5E}".replace("E+0", "E+") if abs(value) >= 1e11 else str(value)


def id_number(value: object) -> str:
    """An ID number cell, refusing what Excel made of one; the number itself is checked by ``idcard``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise CellProblem(f"号码被Excel存成了数字（显示为 {_shown_number(value)}），后几位已丢失。"
                          "请把该列设为“文本”格式，重新录入号码。")
    number = idcard.normalise(text(value))
    if not number:
        return ""
    if _SCIENTIFIC.fullmatch(number):
        raise CellProblem(f"“{text(value)}”是科学计数法：号码被Excel改成了数字，后几位已丢失。"
                          "请把该列设为“文本”格式，重新录入号码。")
    if "*" in number:
        raise CellProblem(f"“{number}”已打码，无法导入。请使用完整证件号码的台账。")
    if len(number) == 17 and number.isdigit() and _valid_id(number + "X"):
        raise CellProblem(f"“{number}”只有17位，缺少最后一位X。请补上X后重新导入。")
    if len(number) == 18 and number.isdigit() and number.endswith("000") and not _valid_id(number):
        raise CellProblem(f"“{number}”末三位为000且校验不通过，像是被Excel截成了15位有效数字。"
                          "请按证件重新录入，并把该列设为“文本”格式。")
    return number


def _valid_id(number: str) -> bool:
    try:
        idcard.check_id(number)
    except DomainError:
        return False
    return True


def phone(value: object) -> str:
    """A phone cell; a whole number is an 11-digit mobile Excel kept intact, anything else it damaged."""
    if isinstance(value, float) or (isinstance(value, str) and (_SCIENTIFIC.fullmatch(value.strip())
                                                                 or _FLOAT_TEXT.fullmatch(value.strip()))):
        raise CellProblem(f"“{value}”被Excel存成了小数或科学计数法，号码可能已不完整。"
                          "请把该列设为“文本”格式，重新录入。")
    if isinstance(value, int) and not isinstance(value, bool):
        digits = str(value)
        if not (len(digits) == 11 and digits.startswith("1")):
            raise CellProblem(f"号码被Excel存成了数字（{digits}），座机号开头的0可能已丢失。"
                              "请把该列设为“文本”格式，重新录入。")
        return digits
    return text(value)


def moment(value: object) -> dt.datetime | None:
    """A date (and optional time) cell in any form stations write: Excel dates, 2024/1/5, 2024年1月5日, 20240105."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    raw = str(plain(value))
    found = _DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
    try:
        if found is None or isinstance(value, float):
            raise ValueError(raw)
        parts = [int(p) for p in found.groups() if p is not None]
        return dt.datetime(*parts)
    except ValueError:
        raise CellProblem(f"“{raw}”不是有效的日期，可写作 2024-01-05、2024/1/5、2024年1月5日 或 20240105。") from None


def date(value: object) -> dt.date | None:
    found = moment(value)
    return None if found is None else found.date()


# ---------------------------------------------------------------- a ledger: a sheet and its column mapping


@dataclass
class Ledger:
    """A file read for one kind of ledger, with the column mapping the user can change in the wizard."""

    kind: str
    sheet: Sheet
    columns: list[ColumnSpec]
    mapping: dict[str, int]  # column key -> 0-based index in the file

    @cached_property
    def spec(self) -> dict[str, ColumnSpec]:
        return {c.key: c for c in self.columns}

    def header_of(self, key: str) -> str:
        """The column's name as the file writes it (what the user looks for), else the standard name."""
        index = self.mapping.get(key)
        if index is not None and index < len(self.sheet.headers) and self.sheet.headers[index]:
            return self.sheet.headers[index]
        return self.spec[key].header

    def missing_required(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.required and c.key not in self.mapping]


def open_ledger(path: Path | str, kind: str, mapping: dict[str, int] | None = None) -> Ledger:
    """Read ``path`` as a ledger of ``kind``, with the detected (or the given) column mapping."""
    columns = columns_for(kind)
    sheet = read_sheet(path, columns)
    return Ledger(kind, sheet, columns, dict(mapping) if mapping is not None else detect_mapping(sheet.headers, columns))
