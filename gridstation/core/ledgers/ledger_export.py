"""Exports to Excel: the four ledgers (in the import columns, so an export imports back), the overdue
tool list and the pension roster.

ID numbers and phone numbers are masked (110101********1234, 138****5678) unless the station head
asks for the full numbers (``full_id``), in every export that holds them.
Either way the export is recorded in the audit log once the file is complete. Sheets are written in
openpyxl's write-only mode (constant memory for 100 000 residents) to a temporary file that replaces
the target only when complete, so a failed or cancelled export leaves no half-written file. Every
text cell goes through ``spreadsheet_safety``, so no name or note can become a formula.

The intake ledger is the big one (a year is ~125 000 rows at the README's scale): it is read as
plain tuples a page at a time with the services, staff names and service fields looked up once,
so the time goes into writing the file, not into building model objects.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, is_dataclass
from decimal import Decimal
from operator import itemgetter
from pathlib import Path
from typing import Any

import peewee
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, PatternFill
from openpyxl.utils import get_column_letter

from gridstation.core.events import queries as event_queries
from gridstation.core.events import rules as event_rules
from gridstation.core.intake import intakes, residents
from gridstation.core.intake.material_rules import CHECK_WORDS
from gridstation.core.ledgers import ledger_columns, rating_export, sheet_layout
from gridstation.core.ledgers.ledger_columns import (
    DATE,
    EVENTS,
    ID_NUMBER,
    IMPORT_NOTE,
    INTAKES,
    LOANS,
    MOMENT,
    MONEY,
    PHONE,
    RESIDENTS,
    TOOLS,
    ColumnSpec,
)
from gridstation.core.ledgers.spreadsheet_safety import as_text, is_risky, xml_safe
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit, catalog
from gridstation.core.station.accounts import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction
from gridstation.core.storage.output_files import staged, write_problem
from gridstation.core.toolbox import loan_lists, tool_units

OVERDUE, ROSTER, RATINGS = "overdue", "roster", "ratings"
EXPORT_KINDS = (RESIDENTS, INTAKES, TOOLS, LOANS, OVERDUE, ROSTER, EVENTS, RATINGS)
EXPORT_NAMES = {RESIDENTS: "居民台账", INTAKES: "受理台账", TOOLS: "工具台账", LOANS: "借用台账",
                OVERDUE: "逾期未还工具", ROSTER: "养老金领取人员认证名单", EVENTS: "网格事件台账",
                RATINGS: "好差评台账"}
FORMATS = {ID_NUMBER: "@", PHONE: "@", DATE: "yyyy-mm-dd", MOMENT: "yyyy-mm-dd hh:mm", MONEY: "#,##0.00"}
PAGE = 1000
INTAKE_PAGE = 5000  # intake tuples per query: few round trips, bounded memory

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


def _cols(specs: Iterable[ColumnSpec], getters: dict[str, Callable[[Any], object]]) -> list[Col]:
    return [Col(s.header, getters[s.key], s.type, s.width) for s in specs]


def yuan_value(fen: int | None) -> Decimal | None:
    """Money as a number of yuan for a cell formatted #,##0.00 (exact: Decimal, never float)."""
    return None if fen is None else Decimal(fen) / 100


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


# ---------------------------------------------------------------- writing a sheet


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
    styles = _cell_styles(sheet, columns)
    getters = [col.value for col in columns]
    widths = sheet_layout.Widths([c.header for c in columns], [FORMATS.get(c.type, "") for c in columns])
    count = 0
    try:
        for record in records:
            values: list[object] = [xml_safe(get(record)) for get in getters]
            widths.see(values)
            for i, value in enumerate(values):
                if value is None:
                    continue
                style = styles[i]
                if style is not None:
                    values[i] = as_text(Cell(sheet, row=1, column=1, value=value, style_array=style))
                elif is_risky(value):
                    values[i] = as_text(Cell(sheet, row=1, column=1, value=value))
            sheet.append(values)
            count += 1
            if count % PAGE == 0:
                _tick(count, total, progress, cancelled)
        _tick(count, total, progress, cancelled)
    except BaseException:
        _discard(sheet)
        raise
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    sheet.close()  # the rows are on disk: now the widths they need can fill the placeholders
    sheet_layout.stream_widths(Path(sheet._writer.out),
                               [max(w, c.width) for w, c in zip(widths.widths(), columns, strict=True)])
    save_workbook(workbook, path)
    return count


def _cell_styles(sheet: Any, columns: list[Col]) -> list[Any]:
    """Per column, the style of its date/money cells or of its wrapped text (made once; copying it per cell is cheap)."""
    styles: list[Any] = []
    for col in columns:
        if col.type in (MONEY, DATE, MOMENT) or col.wrap:
            template = WriteOnlyCell(sheet)
            if col.type in FORMATS:
                template.number_format = FORMATS[col.type]
            if col.wrap:
                template.alignment = Alignment(wrap_text=True, vertical="top")
            styles.append(template._style)
        else:
            styles.append(None)
    return styles


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


# ---------------------------------------------------------------- what each export holds


def _id(full: bool) -> Callable[[str], str]:
    return (lambda n: n) if full else idcard.mask_id


def _resident_columns(full: bool) -> list[Col]:
    show, phone = _id(full), _phone(full)
    return _cols(ledger_columns.RESIDENT_COLUMNS, {
        "name": lambda r: r.name, "doc_number": lambda r: show(r.doc_number), "doc_type": lambda r: r.doc_type,
        "gender": lambda r: r.gender, "birth_date": lambda r: r.birth_date, "phone": lambda r: phone(r.phone),
        "compound": lambda r: r.compound, "building": lambda r: r.building, "unit": lambda r: r.unit,
        "room": lambda r: r.room, "grid": lambda r: r.grid.name if r.grid_id else "",
        "is_pensioner": lambda r: _yes(r.is_pensioner), "notes": lambda r: r.notes,
    })


def _residents(source: Any, _full: bool) -> Iterable[m.Resident]:
    if source is None:
        source = (m.Resident.select(m.Resident, m.Grid).join(m.Grid, peewee.JOIN.LEFT_OUTER)
                  .order_by(m.Resident.id))
    return _counted(source)


def _counted(source: Any) -> Iterable[Any]:
    """A query read page by page, counted first for the progress bar; a list as it is."""
    if isinstance(source, peewee.ModelSelect):
        return Counted(_paged(source), source.order_by().count())
    return source


def _paged(source: Any) -> Iterator[Any]:
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


# The intake ledger's fixed columns, read straight from the database in this order.
_INTAKE_FIELDS = (m.Intake.id, m.Intake.serial, m.Intake.received_at, m.Resident.name, m.Resident.doc_number,
                  m.Resident.phone, m.Intake.service, m.Intake.action, m.Intake.status, m.Intake.completed_at,
                  m.Intake.staff, m.Intake.result, m.Intake.forwarded_to, m.Intake.documents, m.Intake.details,
                  m.Intake.due_date, m.Intake.staff_name)
(_I_ID, _I_SERIAL, _I_RECEIVED, _I_NAME, _I_DOC, _I_PHONE, _I_SERVICE, _I_ACTION, _I_STATUS, _I_COMPLETED,
 _I_STAFF, _I_RESULT, _I_FORWARDED, _I_DOCUMENTS, _I_DETAILS, _I_DUE, _I_STAFF_NAME) = range(len(_INTAKE_FIELDS))


def _intake_records(source: Any, full: bool) -> Counted:
    """A filter (or None) is read page by page; intakes picked on screen are read by id."""
    if source is None or isinstance(source, intakes.IntakeFilter):
        query = intakes.query_intakes(source or intakes.IntakeFilter())
        return Counted(_intake_rows(_intake_pages(query), full), query.order_by().count())
    ids = [i.id for i in source]
    pages = (_intake_tuples(m.Intake.id.in_(ids[n:n + INTAKE_PAGE])) for n in range(0, len(ids), INTAKE_PAGE))
    return Counted(_intake_rows(pages, full), len(ids))


def _intake_rows(pages: Iterable[list[tuple]], full: bool) -> Iterator[list[object]]:
    """Each intake as its row of cell values, in the order of ``_intake_columns``.

    Services, their fields and staff names are looked up once; intakes come as tuples a page at a
    time, ordered by (received_at, id) and continued after the last row read, so each page is an
    indexed range and no read snapshot stays open while the file is written.
    """
    services = {s.id: s for s in m.ServiceType.select()}
    staff = dict(m.Staff.select(m.Staff.id, m.Staff.display_name).tuples())
    columns = [s.header for s in ledger_columns.service_field_columns()]
    slots = _field_slots(services.values(), columns, first=len(ledger_columns.INTAKE_FIXED))
    show, phone = _id(full), _phone(full)
    width = len(ledger_columns.INTAKE_FIXED) + len(columns) + 2
    today = clock.today()
    fixed = len(ledger_columns.INTAKE_FIXED)
    for page in pages:
        ids = [t[_I_ID] for t in page]
        notes, checks = import_notes(ids), _material_checks(ids)
        for t in page:
            row: list[object] = [None] * width
            row[:fixed] = (t[_I_SERIAL], t[_I_RECEIVED], t[_I_NAME], show(t[_I_DOC]), phone(t[_I_PHONE]),
                           services[t[_I_SERVICE]].name, t[_I_ACTION], t[_I_STATUS], t[_I_COMPLETED],
                           staff.get(t[_I_STAFF]) or t[_I_STAFF_NAME], t[_I_RESULT], t[_I_FORWARDED], t[_I_DOCUMENTS],
                           notes.get(t[_I_ID], ""), *checks.get(t[_I_ID], ("", "", None, None)))
            if t[_I_DETAILS] and t[_I_DETAILS] != "{}":
                details = json.loads(t[_I_DETAILS])
                for key, index, kind in slots[t[_I_SERVICE]]:
                    if key in details:
                        row[index] = _cell_of(kind, details[key])
            row[-2] = t[_I_DUE]
            row[-1] = _yes(intakes.overdue_on(t[_I_STATUS], t[_I_DUE], today))
            yield row


def _intake_pages(query: peewee.ModelSelect) -> Iterator[list[tuple]]:
    last: tuple | None = None
    while True:
        page_query = query.select(*_INTAKE_FIELDS)
        if last is not None:
            page_query = page_query.where(peewee.Tuple(m.Intake.received_at, m.Intake.id) > peewee.Tuple(*last))
        page = list(page_query.order_by(m.Intake.received_at, m.Intake.id).limit(INTAKE_PAGE).tuples())
        if page:
            yield page
        if len(page) < INTAKE_PAGE:
            return
        last = (page[-1][_I_RECEIVED], page[-1][_I_ID])


def _intake_tuples(condition: peewee.Expression) -> list[tuple]:
    return list(m.Intake.select(*_INTAKE_FIELDS).join(m.Resident).where(condition)
                .order_by(m.Intake.received_at, m.Intake.id).tuples())


def _field_slots(services: Iterable[m.ServiceType], columns: list[str], *,
                 first: int) -> dict[int, list[tuple[str, int, str]]]:
    """Per service id: (field key, row index, field type) of each of its fields that has a column."""
    index = {label: first + n for n, label in enumerate(columns)}
    return {service.id: [(f.key, index[f.label], f.type) for f in catalog.fields_of(service) if f.label in index]
            for service in services}


def _cell_of(kind: str, value: Any) -> object:
    """A service field's stored value as a cell."""
    if kind == "money":
        return yuan_value(int(value))
    if kind == "bool":
        return _yes(bool(value))
    if kind == "date":
        return dt.date.fromisoformat(value)
    return value


def import_notes(ids: list[int]) -> dict[int, str]:
    """The 备注 of imported intakes lives in their first history entry; one query per page finds them."""
    notes: dict[int, str] = {}
    prefix = IMPORT_NOTE + "："
    for n in range(0, len(ids), PAGE):
        for intake_id, note in (m.IntakeEvent.select(m.IntakeEvent.intake, m.IntakeEvent.note)
                                .where(m.IntakeEvent.intake.in_(ids[n:n + PAGE])
                                       & m.IntakeEvent.note.startswith(prefix))
                                .order_by(m.IntakeEvent.id).tuples()):
            notes.setdefault(intake_id, note[len(prefix):])
    return notes


def _material_checks(ids: list[int]) -> dict[int, tuple[str, str, dt.date | None, dt.datetime | None]]:
    """Each intake's document check as its four cells (材料核对, 缺少材料, 补正期限, 补正日期), a query per page."""
    checks = {}
    for n in range(0, len(ids), PAGE):
        for c in m.IntakeMaterials.select().where(m.IntakeMaterials.intake.in_(ids[n:n + PAGE])):
            checks[c.intake_id] = (CHECK_WORDS[c.mode], "、".join(json.loads(c.missing)), c.deadline, c.supplied_at)
    return checks


def _intake_columns(_full: bool) -> list[Col]:
    """Columns over the rows ``_intake_rows`` builds (position i holds column i)."""
    specs = [*ledger_columns.INTAKE_FIXED, *ledger_columns.service_field_columns()]
    cols = [Col(s.header, itemgetter(i), s.type, s.width) for i, s in enumerate(specs)]
    return cols + [Col("应办结日期", itemgetter(len(specs)), DATE, 12),
                   Col("是否逾期", itemgetter(len(specs) + 1), width=8)]


def _tool_columns(_full: bool) -> list[Col]:
    return _cols(ledger_columns.TOOL_COLUMNS, {
        "kind": lambda u: u.kind.name, "category": lambda u: u.kind.category, "asset_code": lambda u: u.asset_code,
        "loan_days": lambda u: u.kind.loan_days, "deposit": lambda u: yuan_value(u.kind.deposit_fen),
        "state": lambda u: u.state, "purchase_date": lambda u: u.purchase_date,
        "notes": lambda u: u.condition_notes,
    })


def _tools(source: Any, _full: bool) -> Iterable[m.ToolUnit]:
    if source is None:
        source = m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind).order_by(m.ToolUnit.id)
    return _counted(source)


@dataclass(frozen=True)
class _LoanLine:
    """One tool of a slip; the slip's deposit is written on its first line only, so the column adds up."""

    item: m.LoanItem
    first: bool


def _loan_columns(full: bool) -> list[Col]:
    show = _id(full)

    def once(fen: Callable[[m.Loan], int | None]) -> Callable[[_LoanLine], Decimal | None]:
        return lambda line: yuan_value(fen(line.item.loan)) if line.first else None

    return _cols(ledger_columns.LOAN_COLUMNS, {
        "slip_no": lambda r: r.item.loan.slip_no, "asset_code": lambda r: r.item.unit.asset_code,
        "kind": lambda r: r.item.unit.kind.name, "doc_number": lambda r: show(r.item.loan.resident.doc_number),
        "name": lambda r: r.item.loan.resident.name, "lent_at": lambda r: r.item.loan.lent_at,
        "due_date": lambda r: r.item.loan.due_date, "returned_at": lambda r: r.item.returned_at,
        "condition": lambda r: r.item.return_condition, "deposit": once(lambda loan: loan.deposit_fen),
        "refunded": once(lambda loan: loan.deposit_refunded_fen),
    })


def _loan_items(source: Any, _full: bool) -> Iterator[_LoanLine]:
    """Every unit of the chosen loans, oldest loan first (the order an import lends them again)."""
    if source is None or isinstance(source, loan_lists.LoanFilter):
        source = loan_lists.query_loans(source or loan_lists.LoanFilter())
    for loans in _pages_of(source, (m.Loan.lent_at, m.Loan.id)):
        previous = None
        for item in (m.LoanItem.select(m.LoanItem, m.Loan, m.Resident, m.ToolUnit, m.ToolKind)
                     .join(m.Loan).join(m.Resident).switch(m.LoanItem).join(m.ToolUnit).join(m.ToolKind)
                     .where(m.LoanItem.loan.in_([loan.id for loan in loans]))
                     .order_by(m.Loan.lent_at, m.Loan.id, m.LoanItem.id)):
            yield _LoanLine(item, item.loan_id != previous)
            previous = item.loan_id


def _pages_of(source: Any, order: tuple[Any, ...]) -> Iterator[list[Any]]:
    """The records of ``source`` (a query, sorted by ``order``, or a list) a page at a time, so each page's
    related rows can be read in one more query."""
    if isinstance(source, peewee.ModelSelect):
        source = source.order_by(*order)
    page: list[Any] = []
    for item in _paged(source):
        page.append(item)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _phone(full: bool) -> Callable[[str], str]:
    return (lambda p: p) if full else idcard.mask_phone


def _overdue_columns(full: bool) -> list[Col]:
    show, phone = _id(full), _phone(full)
    return [
        Col("借用单号", lambda r: r.row.loan.slip_no, width=16), Col("姓名", lambda r: r.row.loan.resident.name, width=10),
        Col("身份证号", lambda r: show(r.row.loan.resident.doc_number), ID_NUMBER, 22),
        Col("联系电话", lambda r: phone(r.row.loan.resident.phone), PHONE, 15),
        Col("未还工具", lambda r: "、".join(f"{kind}（{code}）" for kind, code in r.out), width=30),
        Col("借出日期", lambda r: r.row.loan.lent_at, MOMENT, 17), Col("应还日期", lambda r: r.row.loan.due_date, DATE, 12),
        Col("逾期天数", lambda r: r.row.days_overdue, width=9), Col("催还次数", lambda r: r.row.reminders, width=9),
        Col("最近催还", lambda r: r.row.last_reminder_at, MOMENT, 17),
        Col("催还结果", lambda r: r.row.last_outcome, width=20),
    ]


@dataclass
class _OverdueRecord:
    row: loan_lists.OverdueRow
    out: list[tuple[str, str]]  # (kind, asset code) of the units not yet back


def _overdue(source: Any, _full: bool) -> Iterator[_OverdueRecord]:
    """Overdue slips with the units still out (a slip's returned units are not chased)."""
    if source is not None:
        pages: Iterable[list[loan_lists.OverdueRow]] = [list(source)]
    else:
        pages = _overdue_pages()
    for page in pages:
        out: dict[int, list[tuple[str, str]]] = {}
        for loan_id, kind, code in (m.LoanItem.select(m.LoanItem.loan, m.ToolKind.name, m.ToolUnit.asset_code)
                                    .join(m.ToolUnit).join(m.ToolKind)
                                    .where(m.LoanItem.loan.in_([r.loan.id for r in page]) & tool_units.open_item_condition())
                                    .order_by(m.LoanItem.id).tuples()):
            out.setdefault(loan_id, []).append((kind, code))
        yield from (_OverdueRecord(r, out.get(r.loan.id, [])) for r in page)


def _overdue_pages() -> Iterator[list[loan_lists.OverdueRow]]:
    offset = 0
    while True:
        page = loan_lists.overdue_rows(offset=offset, limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        offset += PAGE


def _roster_columns(full: bool) -> list[Col]:
    show, phone = _id(full), _phone(full)
    return [
        Col("姓名", lambda r: r.resident.name, width=10),
        Col("身份证号", lambda r: show(r.resident.doc_number), ID_NUMBER, 22),
        Col("性别", lambda r: r.resident.gender, width=6), Col("出生日期", lambda r: r.resident.birth_date, DATE, 12),
        Col("联系电话", lambda r: phone(r.resident.phone), PHONE, 15), Col("住址", lambda r: residents.address(r.resident), width=28),
        Col("网格", lambda r: r.resident.grid_name, width=10),
        Col("认证情况", lambda r: "已认证" if r.certified else "未认证", width=9),
        Col("受理编号", lambda r: r.serial, width=18),
    ]


def _roster(source: Any, _full: bool) -> Iterable[intakes.RosterRow]:
    if isinstance(source, int):
        return intakes.pension_roster(source)
    if source is None:
        return intakes.pension_roster(clock.today().year)
    return source


@dataclass(frozen=True)
class _EventRecord:
    event: m.GridEvent
    reporter: m.EventParty | None


def _event_columns(full: bool) -> list[Col]:
    """The event ledger; the reporter's phone is masked unless the full export (站长) is asked for."""
    phone = _phone(full)

    def handler(e: m.GridEvent) -> str:
        return e.assignee.display_name if e.assignee_id else (e.partner.name if e.partner_id else "")

    return _cols(ledger_columns.EVENT_COLUMNS, {
        "number": lambda r: r.event.number, "found_at": lambda r: r.event.found_at,
        "category": lambda r: r.event.category, "level": lambda r: r.event.level, "source": lambda r: r.event.source,
        "grid": lambda r: r.event.grid.name if r.event.grid_id else "", "place": lambda r: r.event.place,
        "description": lambda r: r.event.description,
        "found_by": lambda r: r.event.found_by.display_name if r.event.found_by_id else "",
        "reporter": lambda r: r.reporter.name if r.reporter else "",
        "reporter_phone": lambda r: phone(r.reporter.phone) if r.reporter else "",
        "route": lambda r: r.event.route, "case_no": lambda r: r.event.platform_case_no,
        "reported_on": lambda r: r.event.reported_on, "assignee": lambda r: handler(r.event),
        "due_date": lambda r: r.event.due_date,
        "status": lambda r: r.event.status + ("（逾期）" if event_rules.is_overdue(r.event) else ""),
        "closed_at": lambda r: r.event.closed_at, "result": lambda r: r.event.result,
        "outcome": lambda r: r.event.mediation_outcome, "visit": lambda r: r.event.visit_view,
    })


def _event_records(source: Any, _full: bool) -> Iterator[_EventRecord]:
    """The chosen events (a list's filter, or all of them), oldest first: the order an import takes them in;
    each page's reporters read in one query."""
    if source is None or isinstance(source, event_queries.EventFilter):
        source = event_queries.query_events(source or event_queries.EventFilter(which=event_queries.ALL))
    for page in _pages_of(source, (m.GridEvent.found_at, m.GridEvent.id)):
        reporters = event_queries.reporters([e.id for e in page])
        yield from (_EventRecord(e, reporters.get(e.id)) for e in page)


def _rating_columns(full: bool) -> list[Col]:
    return [Col(header, get, kind) for header, get, kind in rating_export.columns(_id(full))]


def _ratings(source: Any, _full: bool) -> Iterable[m.Rating]:
    return _counted(rating_export.query() if source is None else source)


# kind -> (its columns, given full_id; its records, given what to export and full_id)
EXPORTS: dict[str, tuple[Callable[[bool], list[Col]], Callable[[Any, bool], Iterable[Any]]]] = {
    RESIDENTS: (_resident_columns, _residents), INTAKES: (_intake_columns, _intake_records),
    TOOLS: (_tool_columns, _tools), LOANS: (_loan_columns, _loan_items),
    OVERDUE: (_overdue_columns, _overdue), ROSTER: (_roster_columns, _roster),
    EVENTS: (_event_columns, _event_records), RATINGS: (_rating_columns, _ratings),
}


def export_rows(kind: str, rows_or_filter: Any, out: Path | str, full_id: bool = False, *,
                actor: m.Staff | None, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> int:
    """Write ``kind`` to ``out`` (.xlsx) and record the export; returns the number of rows.

    ``rows_or_filter`` is what a list on screen shows: the records themselves (a list or a query),
    the list's filter (``IntakeFilter``, ``LoanFilter``), the roster's year, or None for everything.
    Full ID numbers (and the full phones of the overdue list and the roster) need the station head
    (站长) or an administrator. ``progress``/``cancelled`` let a background worker report and stop
    the export (see ``write_sheet``); a cancelled export writes no file and no audit entry.
    """
    if kind not in EXPORTS:
        raise DomainError(f"不能导出“{kind}”，可导出：{'、'.join(EXPORT_KINDS)}。")
    require(actor, HEAD if full_id else CLERK)
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"导出文件应以 .xlsx 结尾：{path.name}。")
    columns_of, records_of = EXPORTS[kind]
    records = records_of(rows_or_filter, full_id)
    total = records.total if isinstance(records, Counted) else len(records) if isinstance(records, list) else None
    with staged(path) as partial:  # the file exists only if its audit entry does
        count = write_sheet(partial, EXPORT_NAMES[kind], columns_of(full_id), records, total=total,
                            progress=progress, cancelled=cancelled)
        with write_transaction():
            audit.record(actor, "导出完整证件号" if full_id else "导出", kind, path.name,
                         after={"rows": count, "full_id": full_id, "filter": _describe(rows_or_filter)})
    return count


def _describe(source: Any) -> object:
    """What was exported, for the audit log: the filter's values, the year, or the number of rows picked."""
    if source is None or isinstance(source, int):
        return source
    if is_dataclass(source) and not isinstance(source, type):
        return {k: v for k, v in asdict(source).items() if v not in (None, "")}
    if isinstance(source, peewee.ModelSelect):
        return "查询"
    return f"所选 {len(source)} 条" if hasattr(source, "__len__") else "所选记录"
