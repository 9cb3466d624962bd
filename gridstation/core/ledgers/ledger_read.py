"""Reading a ledger file (.xlsx, .xls, .ods, .csv) into rows, and catching what Excel did to it.

Excel silently damages ledgers: an ID number typed into a General cell becomes a float shown as
1.10101199001011E+17 and keeps only 15 significant digits; a trailing X is lost; a landline loses
its leading 0; merged cells leave the value in the first row only. This module recognises each
of these and names it in Chinese, so the row is reported instead of imported with a wrong value.
It converts cells (dates in every common form, amounts, numbers Excel stored as floats); the
rules about the values themselves (the ID check character, the phone format, money) stay in
``idcard``, ``money`` and ``catalog`` and are applied by ``ledger_import``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from pathlib import Path

from openpyxl.utils import get_column_letter

from gridstation.core.ledgers.ledger_columns import (
    SHEET_STANDS_FOR,
    ColumnSpec,
    columns_for,
    detect_mapping,
    normalise_header,
)
from gridstation.core.ledgers.ledger_files import RawSheet, read_sheets
from gridstation.core.ledgers.sheet_header import HEADER_SEARCH_ROWS, find_header
from gridstation.core.rules import date_range, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import has_controls, shown

_SCIENTIFIC = re.compile(r"[+-]?\d+(\.\d+)?[eE][+-]?\d+")
_FLOAT_TEXT = re.compile(r"\d+\.\d+")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
                   r"(?:[\sT]+(\d{1,2})[:：](\d{1,2})(?:[:：](\d{1,2}))?)?")
_COMPACT_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
# A date cell that lost its date format shows Excel's day count; 20000..79999 is 1954-10-03..2118-12-25,
# far from any 8-digit 20240105.
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
EXCEL_SERIAL_FIRST, EXCEL_SERIAL_END = 20000, 80000
_TEN_THOUSAND = re.compile(r"([\d.]+)万元?")


SHEET_STRIDE = 10_000_000  # above Excel's 1 048 576 rows: a row's key is sheet index × this + its row number
# A totals row as staff write its first text cell: 合计, 小计, 本页合计, 总计：, 合计：15人, 合计 15 人
_TOTAL = re.compile(r"(本页|本月|当月|全年|本年)?(合计|小计|总计|累计)([:：].*|共?\d.*)?")
ROW_NUMBER_HEADERS = ("序号", "序", "no", "no.")
_DEFAULT_SHEET_NAME = re.compile(r"((?i:sheet)|工作表)?\s*\d*")  # Sheet1, 工作表2, '': names nobody chose


@dataclass(frozen=True)
class Part:
    """One worksheet read (a CSV file is one part with no name): its own column names and which of
    its columns feeds each field, so a column named differently on each sheet is named as each writes it."""

    name: str
    header_row: int  # the header's last row, 1-based
    rows: int
    headers: tuple[str, ...] = ()
    fields: dict[str, int] = field(default_factory=dict)  # column key -> this sheet's column (0-based)
    by_sheet_name: str = ""  # the column key the sheet's name or title fills (_named_by_sheet)


@dataclass(frozen=True)
class Merge:
    """A merged range below a header, in the ledger's columns (0-based) and row keys."""

    columns: frozenset[int]
    first: int
    last: int
    label: str  # as Excel names it on its sheet, A1:B3


@dataclass
class Sheet:
    """The data of every worksheet with a recognised header, as one table.

    Ledgers kept as one sheet per month or per service are read whole: each sheet's columns are
    matched to fields on their own (身份证号 on one sheet, 身份证号码 on the next; a column the user
    pointed at a field only where the sheet has no column of that field's name), and the ledger's
    column of a field gathers them; other columns are gathered by their header. Rows are keyed by
    ``SHEET_STRIDE`` × sheet + row, so the first sheet's keys are the row numbers Excel shows, and
    ``place`` turns any key back into words.
    """

    path: Path
    header_row: int  # 1-based, as Excel shows it, on the first sheet read
    headers: list[str]
    rows: list[tuple[int, tuple]]  # (row key, cell values in the order of ``headers``)
    blank_rows: list[int] = field(default_factory=list)  # empty rows between data rows
    merged: list[Merge] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    skipped_sheets: list[str] = field(default_factory=list)  # worksheets without a recognised header
    hidden_sheets: list[str] = field(default_factory=list)  # hidden worksheets, not read (ledger_files.RawSheet)
    total_rows: list[int] = field(default_factory=list)  # 合计/小计 rows, left out
    fields: dict[str, int] = field(default_factory=dict)  # column key -> the ledger's column
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row key, column): a formula without its result
    notes: list[str] = field(default_factory=list)  # header columns refused (sheet_header), in words

    def merge_at(self, row: int, column: int) -> str:
        """The merged range (as A1:B3) covering a data cell, or ''; columns are 0-based."""
        for merge in self.merged:
            if merge.first <= row <= merge.last and column in merge.columns:
                return merge.label
        return ""

    def part_of(self, key: int) -> Part:
        return self.parts[key // SHEET_STRIDE]

    def place(self, key: int) -> str:
        """Where a row is, as staff find it: 第5行, or 工作表“3月”第5行 when several sheets were read."""
        part, row = divmod(key, SHEET_STRIDE)
        if len(self.parts) > 1:
            return f"工作表“{self.parts[part].name}”第{row}行"
        return f"第{row}行"

    def places(self, keys: list[int], limit: int = 20) -> str:
        """Several rows in words: 第4、9行 on one sheet; each with its sheet otherwise."""
        shown = keys[:limit]
        if len(self.parts) > 1:
            text = "、".join(self.place(k) for k in shown)
        else:
            text = f"第{'、'.join(str(k) for k in shown)}行"
        return text + (f" 等{len(keys)}行" if len(keys) > limit else "")

    def sheets_read(self) -> str:
        """Which worksheets were read, for the preview and the command line."""
        if len(self.parts) + len(self.skipped_sheets) + len(self.hidden_sheets) < 2:
            return ""  # a CSV file, or a workbook of one sheet: nothing to say
        read = "、".join(f"“{p.name}”（{p.rows}行）" for p in self.parts)
        text = f"读取了工作表：{read}"
        if self.skipped_sheets:
            text += f"；没有表头未读取：{'、'.join(f'“{n}”' for n in self.skipped_sheets)}"
        if self.hidden_sheets:
            text += f"；工作表{'、'.join(f'“{n}”' for n in self.hidden_sheets)}是隐藏的，未读取"
        return text + "。"


def read_file(path: Path) -> list[RawSheet]:
    """The worksheets of ``path`` as read, before any header is looked for."""
    if not path.exists():
        raise DomainError(f"找不到文件：{path}。")
    return read_sheets(path)


def is_total_row(values: tuple) -> bool:
    """A 合计 / 小计 row, by its first text cell (a person's notes may mention a total; their name never does)."""
    first = next((v for v in values if isinstance(v, str) and v.strip()), None)
    return first is not None and _TOTAL.fullmatch(re.sub(r"\s+", "", first)) is not None


def sheet_fields(headers: list[str], columns: list[ColumnSpec], choices: dict[str, str]) -> dict[str, int]:
    """Column key -> this sheet's column: by the known names, then the columns the user chose for a
    field this sheet has no column of its own for. A chosen column feeds only its chosen field."""
    keys = {c.key for c in columns}
    chosen = {i: choices[n] for i, h in enumerate(headers) if (n := normalise_header(h)) in choices and choices[n] in keys}
    found = detect_mapping(["" if i in chosen else h for i, h in enumerate(headers)], columns)
    for i, key in chosen.items():
        found.setdefault(key, i)
    return found


def assemble(path: Path, found: list[RawSheet], columns: list[ColumnSpec], choices: dict[str, str],
             stands_for: str = "") -> Sheet:
    """The worksheets read (``ledger_files.read_sheets``) as one table of the ledger's columns;
    ``stands_for`` is the column a sheet without it takes from its title row or its name
    (``ledger_columns.SHEET_STANDS_FOR``)."""
    sheet = Sheet(path, 0, [], [])
    union: dict[str, int] = {}  # field key, or normalised header -> column of the ledger
    for raw in found:
        # Sheet and column names are shown as the command line shows any file's text (free_text.shown): a
        # direction override in a sheet's name must not turn 第2行 around in the preview.
        name, raw_rows, merged, formulas = shown(raw.name), raw.rows, raw.merged, raw.formulas
        if raw.hidden:
            sheet.hidden_sheets.append(name)
            continue
        header = find_header(name, raw_rows, merged, columns, choices)
        if header is None:
            sheet.skipped_sheets.append(name)
            continue
        sheet.notes.extend(header.notes)
        index = len(sheet.parts)
        header_row = header.last + 1
        headers = [shown(h) for h in header.names]
        named, named_value = _named_by_sheet(name, raw_rows[:header.last], headers, columns, choices, stands_for)
        if named is not None:
            headers.append(named.header)
        fields = sheet_fields(headers, columns, choices)
        by_column = {i: f"={key}" for key, i in fields.items()}
        place = []  # this sheet's column -> the ledger's column
        for i, text in enumerate(headers):
            # A known column by the field it feeds (身份证号 here, 身份证号码 on the next sheet), others by their header.
            key = by_column.get(i) or normalise_header(text) or f"#{i}"
            if key not in union:
                union[key] = len(sheet.headers)
                sheet.headers.append(text)
            place.append(union[key])
        sheet.fields.update({key: place[i] for key, i in fields.items()})
        sheet.formulas.update((index * SHEET_STRIDE + r + 1, place[c]) for r, c in formulas
                              if r > header.last and c < len(place))
        numbering = {i for i, h in enumerate(headers) if normalise_header(h).lower() in ROW_NUMBER_HEADERS}
        count, blank = 0, []
        for offset, values in enumerate(raw_rows[header.last + 1:]):
            key = index * SHEET_STRIDE + header_row + 1 + offset
            cells = [v for i, v in enumerate(values) if i not in numbering]
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells):
                blank.append(key)
            elif is_total_row(values):
                sheet.total_rows.append(key)
            else:
                row = [None] * len(sheet.headers)
                for i, value in enumerate(values[:len(place)]):
                    row[place[i]] = value
                if named is not None:
                    row[place[-1]] = named_value
                sheet.rows.append((key, tuple(row)))
                count += 1
        last = sheet.rows[-1][0] if sheet.rows else 0
        sheet.blank_rows.extend(b for b in blank if b < last and b // SHEET_STRIDE == index)
        sheet.merged.extend(
            Merge(frozenset(place[c - 1] for c in range(min_col, max_col + 1) if c <= len(place)),
                  index * SHEET_STRIDE + min_row, index * SHEET_STRIDE + max_row,
                  _a1(min_col, min_row, max_col, max_row))
            for min_col, min_row, max_col, max_row in merged if max_row > header_row)
        sheet.parts.append(Part(name, header_row, count, tuple(headers), fields,
                                named.key if named is not None else ""))
    if not sheet.parts:
        names = "、".join(c.header for c in columns if c.required)
        where = f"{path.name} 的各工作表" if len(found) > 1 else f"{path.name} "
        raise DomainError(f"{where}的前{HEADER_SEARCH_ROWS}行中找不到表头（应包含 {names} 等列名）。"
                          "请使用导入模板（gridstation template）。")
    sheet.header_row = sheet.parts[0].header_row
    width = len(sheet.headers)
    sheet.rows = [(k, v + (None,) * (width - len(v))) for k, v in sheet.rows]
    return sheet


def _named_by_sheet(name: str, titles: list[tuple], headers: list[str], columns: list[ColumnSpec],
                    choices: dict[str, str], stands_for: str) -> tuple[ColumnSpec | None, str]:
    """The column a worksheet stands for when the sheet lacks it, and its value: one sheet per service
    (「讨薪」「4050」) keeps no 业务类型 column, one sheet per grid no 网格 column, since every row on it
    is that service or grid. A title row above the header naming it (「网格：第一网格」) says it;
    else the sheet's own name, unless it is a name nobody chose (Sheet1)."""
    spec = next((c for c in columns if c.key == stands_for), None)
    if spec is None or spec.key in sheet_fields(headers, columns, choices):
        return None, ""
    said = re.compile(f"(?:{'|'.join(re.escape(n) for n in spec.names())})[:：]\\s*([^\\s:：]+)")
    for row in titles:
        for cell in row:
            found = said.search(text(cell)) if isinstance(cell, str) else None
            if found:
                return spec, shown(found.group(1).strip())
    if _DEFAULT_SHEET_NAME.fullmatch(name.strip()):
        return None, ""
    return spec, name


def _a1(min_col: int, min_row: int, max_col: int, max_row: int) -> str:
    return f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}"


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


def checked_text(value: object) -> str:
    """A text cell of a row, refused when it holds control characters (``free_text``'s rule): some of a
    ledger's text (an intake's notes, an event's place) is stored as read, and the cell is named."""
    found = text(value)
    if has_controls(found, lines=True):
        raise CellProblem("含有控制字符（看不见的特殊字符），请在表格中删除后重新导入。")
    return found


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
    found = text(value)
    if "*" in found:
        raise CellProblem(f"“{found}”已打码，无法导入。请使用电话完整的台账（站长的完整导出）。")
    return found


def moment(value: object) -> dt.datetime | None:
    """A date (and optional time) cell in any form stations write: Excel dates, 2024/1/5, 2024年1月5日, 20240105;
    refused outside the range a record's date may have (``date_range``)."""
    found = _moment(value)
    problem = found and date_range.out_of_range(found.date())
    if problem:
        raise CellProblem(problem)
    return found


def _moment(value: object) -> dt.datetime | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, dt.datetime):
        return value.replace(microsecond=0)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    if isinstance(value, dt.time):  # a time alone is Excel's day 0; so is a date before 1900, which Excel cannot hold
        return dt.datetime.combine(EXCEL_EPOCH.date(), value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and EXCEL_SERIAL_FIRST <= value < EXCEL_SERIAL_END:
        return (EXCEL_EPOCH + dt.timedelta(days=value)).replace(microsecond=0)
    raw = str(plain(value))
    found = _DATE.fullmatch(raw) or _COMPACT_DATE.fullmatch(raw)
    try:
        if found is None or isinstance(value, float):
            raise ValueError(raw)
        parts = [int(p) for p in found.groups() if p is not None]
        return dt.datetime(*parts)
    except ValueError:
        raise CellProblem(f"“{raw}”不是有效的日期，可写作 2024-01-05、2024/1/5、2024年1月5日 或 20240105。") from None


def money(value: object, in_wan: bool = False) -> object:
    """An amount as ledgers write it, for ``money.parse_money``: 1.2万元 and 1.2万 become 12000; 元 stays.

    ``in_wan``: the column's header gives the unit (欠薪金额（万元）), so a bare 1.2 is 12000 too.
    """
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        text = format(Decimal(str(value)), "f")
    elif isinstance(value, str):
        text = re.sub(r"[\s,，¥￥]", "", value)
    else:
        return plain(value)
    found = _TEN_THOUSAND.fullmatch(text) or (re.fullmatch(r"([\d.]+)", text) if in_wan else None)
    if found is None:
        return plain(value)
    try:
        return format(Decimal(found.group(1)) * 10000, "f")
    except InvalidOperation:
        raise CellProblem(f"“{value}”不是有效的金额。") from None


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
    service_map: dict[str, str] = field(default_factory=dict)  # intakes: ledger value -> service code, as chosen
    choices: dict[str, str] = field(default_factory=dict)  # normalised header -> column key the sheet was read with

    @cached_property
    def spec(self) -> dict[str, ColumnSpec]:
        return {c.key: c for c in self.columns}

    def header_of(self, key: str, row: int | None = None) -> str:
        """The column's name as the file writes it (what the user looks for), on the row's own sheet when
        given, else the standard name."""
        if row is not None:
            part = self.sheet.part_of(row)
            if key in part.fields and key in self.mapping:
                return part.headers[part.fields[key]]
        index = self.mapping.get(key)
        if index is not None and index < len(self.sheet.headers) and self.sheet.headers[index]:
            return self.sheet.headers[index]
        return self.spec[key].header

    def has_column(self, key: str, row: int) -> bool:
        """Whether the row's sheet has a column for the field (a sheet may lack one the others have)."""
        return key in self.mapping and key in self.sheet.part_of(row).fields

    def unused(self, part: Part) -> list[str]:
        """A sheet's named columns that feed no field (none matched, or the user left them out)."""
        used = {i for key, i in part.fields.items() if key in self.mapping}
        return [h for i, h in enumerate(part.headers) if h and i not in used]

    def missing_required(self) -> list[ColumnSpec]:
        return [c for c in self.columns if c.required and c.key not in self.mapping]


def open_ledger(path: Path | str, kind: str, choices: dict[str, str] | None = None) -> Ledger:
    """Read ``path`` as a ledger of ``kind``; ``choices`` (normalised header -> column key) are the
    columns the user pointed at a field (``column_choices``)."""
    path = Path(path)
    return ledger_of(path, read_file(path), kind, choices or {})


def ledger_of(path: Path, found: list[RawSheet], kind: str, choices: dict[str, str]) -> Ledger:
    """The worksheets already read as a ledger of ``kind``, each sheet's columns matched with ``choices``."""
    columns = columns_for(kind)
    sheet = assemble(path, found, columns, choices, SHEET_STANDS_FOR.get(kind, ""))
    return Ledger(kind, sheet, columns, dict(sheet.fields), choices=dict(choices))
