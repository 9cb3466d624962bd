"""Exports to Excel: the four ledgers (in the import columns, so an export imports back), the overdue
tool list and the pension roster.

ID numbers are masked (110101********1234) unless the station head asks for the full numbers;
either way the export is recorded in the audit log once the file is complete. Sheets are written in
openpyxl's write-only mode (constant memory for 100 000 residents) to a temporary file that replaces
the target only when complete, so a failed export leaves no half-written file.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, is_dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import peewee

from gridstation.core import audit, catalog, idcard, intakes, ledger_columns, residents, tools
from gridstation.core import models as m
from gridstation.core.accounts import CLERK, HEAD, require
from gridstation.core.db import write_transaction
from gridstation.core.errors import DomainError
from gridstation.core.events import queries as event_queries
from gridstation.core.events import rules as event_rules
from gridstation.core.ledger_columns import (
    DATE, EVENTS, ID_NUMBER, INTAKES, LOANS, MONEY, MOMENT, PHONE, RESIDENTS, TOOLS, ColumnSpec,
)
from gridstation.core.ledger_import import IMPORT_NOTE
from gridstation.core.output_files import staged

OVERDUE, ROSTER = "overdue", "roster"
EXPORT_KINDS = (RESIDENTS, INTAKES, TOOLS, LOANS, OVERDUE, ROSTER, EVENTS)
EXPORT_NAMES = {RESIDENTS: "居民台账", INTAKES: "受理台账", TOOLS: "工具台账", LOANS: "借用台账",
                OVERDUE: "逾期未还工具", ROSTER: "养老金领取人员认证名单", EVENTS: "网格事件台账"}
FORMATS = {ID_NUMBER: "@", PHONE: "@", DATE: "yyyy-mm-dd", MOMENT: "yyyy-mm-dd hh:mm", MONEY: "#,##0.00"}
PAGE = 1000


# Text that Excel would run as a formula (=, +, -, @): typed by staff or read from an imported file.
FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Col:
    header: str
    value: Callable[[Any], object]
    type: str = ledger_columns.TEXT
    width: int = 12


def _cols(specs: Iterable[ColumnSpec], getters: dict[str, Callable[[Any], object]]) -> list[Col]:
    return [Col(s.header, getters[s.key], s.type, s.width) for s in specs]


def yuan_value(fen: int | None) -> Decimal | None:
    """Money as a number of yuan for a cell formatted #,##0.00 (exact: Decimal, never float)."""
    return None if fen is None else Decimal(fen) / 100


def _yes(flag: bool) -> str:
    return "是" if flag else "否"


# ---------------------------------------------------------------- writing a sheet


def write_sheet(path: Path, title: str, columns: list[Col], records: Iterable[Any]) -> int:
    """One formatted sheet: bold header, widths, text/date/money formats, frozen header and filter.

    Returns the number of data rows. Written beside ``path`` and moved over it when complete.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for i, col in enumerate(columns, start=1):
        letter = get_column_letter(i)
        sheet.column_dimensions[letter].width = col.width
        if col.type in (ID_NUMBER, PHONE):
            sheet.column_dimensions[letter].number_format = "@"
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDEBF7")
    header = []
    for col in columns:
        cell = WriteOnlyCell(sheet, col.header)
        cell.font, cell.fill, cell.alignment = bold, fill, Alignment(horizontal="center", vertical="center")
        header.append(cell)
    sheet.append(header)
    money = [i for i, c in enumerate(columns) if c.type in (MONEY, DATE, MOMENT)]
    count = 0
    for record in records:
        values: list[object] = [col.value(record) for col in columns]
        for i in money:
            if values[i] is not None:
                cell = WriteOnlyCell(sheet, values[i])
                cell.number_format = FORMATS[columns[i].type]
                values[i] = cell
        for i, value in enumerate(values):
            if isinstance(value, str) and value.startswith(FORMULA_START):
                cell = WriteOnlyCell(sheet, value)  # openpyxl would write it as a formula
                cell.data_type = "s"
                values[i] = cell
        sheet.append(values)
        count += 1
    if columns:
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    save_workbook(workbook, path)
    return count


def save_workbook(workbook: Any, path: Path) -> None:
    handle, temp = tempfile.mkstemp(prefix=".gridstation-", suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        workbook.save(temp)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def write_table(path: Path, title: str, headers: list[str], rows: list[list[object]], *,
                widths: list[int] | None = None) -> Path:
    """Plain rows under a header (the skipped-rows report)."""
    widths = widths or []
    columns = [Col(h, (lambda r, i=i: r[i] if i < len(r) else None), width=widths[i] if i < len(widths) else 14)
               for i, h in enumerate(headers)]
    write_sheet(path, title, columns, rows)
    return path


# ---------------------------------------------------------------- what each export holds


def _id(full: bool) -> Callable[[str], str]:
    return (lambda n: n) if full else idcard.mask_id


def _resident_columns(full: bool) -> list[Col]:
    show = _id(full)
    return _cols(ledger_columns.RESIDENT_COLUMNS, {
        "name": lambda r: r.name, "doc_number": lambda r: show(r.doc_number), "doc_type": lambda r: r.doc_type,
        "gender": lambda r: r.gender, "birth_date": lambda r: r.birth_date, "phone": lambda r: r.phone,
        "compound": lambda r: r.compound, "building": lambda r: r.building, "unit": lambda r: r.unit,
        "room": lambda r: r.room, "grid": lambda r: r.grid.name if r.grid_id else "",
        "is_pensioner": lambda r: _yes(r.is_pensioner), "notes": lambda r: r.notes,
    })


def _residents(source: Any) -> Iterator[m.Resident]:
    if source is None:
        source = (m.Resident.select(m.Resident, m.Grid).join(m.Grid, peewee.JOIN.LEFT_OUTER)
                  .order_by(m.Resident.id))
    return _paged(source)


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


@dataclass
class _IntakeRecord:
    intake: m.Intake
    details: dict[str, Any]
    notes: str


def _intake_records(source: Any) -> Iterator[_IntakeRecord]:
    if source is None or isinstance(source, intakes.IntakeFilter):
        source = intakes.query_intakes(source or intakes.IntakeFilter()).order_by(m.Intake.received_at, m.Intake.id)
    return _batched(source, _with_notes)


def _batched(source: Any, complete: Callable[[list[Any]], Iterator[Any]]) -> Iterator[Any]:
    """The records of ``source`` a page at a time, each page completed by one more query (``complete``)."""
    batch: list[Any] = []
    for record in _paged(source):
        batch.append(record)
        if len(batch) == PAGE:
            yield from complete(batch)
            batch = []
    yield from complete(batch)


def _with_notes(batch: list[m.Intake]) -> Iterator[_IntakeRecord]:
    """The 备注 of imported intakes lives in their first history entry; one query per page finds them."""
    notes: dict[int, str] = {}
    if batch:
        prefix = IMPORT_NOTE + "："
        for intake_id, note in (m.IntakeEvent.select(m.IntakeEvent.intake, m.IntakeEvent.note)
                                .where(m.IntakeEvent.intake.in_([i.id for i in batch])
                                       & m.IntakeEvent.note.startswith(prefix)).tuples()):
            notes.setdefault(intake_id, note[len(prefix):])
    for intake in batch:
        yield _IntakeRecord(intake, json.loads(intake.details or "{}"), notes.get(intake.id, ""))


def _field_value(record: _IntakeRecord, label: str, fields: dict[int, dict[str, catalog.FieldDef]]) -> object:
    """A service field's stored value as a cell; ``fields`` caches each service's fields by label."""
    service = record.intake.service
    if service.id not in fields:
        fields[service.id] = {f.label: f for f in catalog.fields_of(service)}
    fdef = fields[service.id].get(label)
    if fdef is None or fdef.key not in record.details:
        return None
    value = record.details[fdef.key]
    if fdef.type == "money":
        return yuan_value(int(value))
    if fdef.type == "bool":
        return _yes(bool(value))
    if fdef.type == "date":
        return dt.date.fromisoformat(value)
    return value


def _intake_columns(full: bool) -> list[Col]:
    show = _id(full)
    cols = _cols(ledger_columns.INTAKE_FIXED, {
        "serial": lambda r: r.intake.serial, "received_at": lambda r: r.intake.received_at,
        "name": lambda r: r.intake.resident.name, "doc_number": lambda r: show(r.intake.resident.doc_number),
        "phone": lambda r: r.intake.resident.phone, "service": lambda r: r.intake.service.name,
        "action": lambda r: r.intake.action, "status": lambda r: r.intake.status,
        "completed_at": lambda r: r.intake.completed_at,
        "staff": lambda r: r.intake.staff.display_name if r.intake.staff_id else "",
        "result": lambda r: r.intake.result, "forwarded_to": lambda r: r.intake.forwarded_to,
        "documents": lambda r: r.intake.documents, "notes": lambda r: r.notes,
    })
    fields: dict[int, dict[str, catalog.FieldDef]] = {}
    cols += [Col(s.header, (lambda r, label=s.header: _field_value(r, label, fields)), s.type, s.width)
             for s in ledger_columns.service_field_columns()]
    today = dt.date.today()
    cols += [Col("应办结日期", lambda r: r.intake.due_date, DATE, 12),
             Col("是否逾期", lambda r: _yes(intakes.is_overdue(r.intake, today)), width=8)]
    return cols


def _tool_columns(_full: bool) -> list[Col]:
    return _cols(ledger_columns.TOOL_COLUMNS, {
        "kind": lambda u: u.kind.name, "category": lambda u: u.kind.category, "asset_code": lambda u: u.asset_code,
        "loan_days": lambda u: u.kind.loan_days, "deposit": lambda u: yuan_value(u.kind.deposit_fen),
        "state": lambda u: u.state, "purchase_date": lambda u: u.purchase_date,
        "notes": lambda u: u.condition_notes,
    })


def _tools(source: Any) -> Iterator[m.ToolUnit]:
    if source is None:
        source = m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind).order_by(m.ToolUnit.id)
    return _paged(source)


def _loan_columns(full: bool) -> list[Col]:
    show = _id(full)
    return _cols(ledger_columns.LOAN_COLUMNS, {
        "slip_no": lambda i: i.loan.slip_no, "asset_code": lambda i: i.unit.asset_code,
        "kind": lambda i: i.unit.kind.name, "doc_number": lambda i: show(i.loan.resident.doc_number),
        "name": lambda i: i.loan.resident.name, "lent_at": lambda i: i.loan.lent_at,
        "due_date": lambda i: i.loan.due_date, "returned_at": lambda i: i.returned_at,
        "condition": lambda i: i.return_condition, "deposit": lambda i: yuan_value(i.loan.deposit_fen),
        "refunded": lambda i: yuan_value(i.loan.deposit_refunded_fen),
    })


def _loan_items(source: Any) -> Iterator[m.LoanItem]:
    """Every unit of the chosen loans, oldest loan first (the order an import lends them again)."""
    if source is None or isinstance(source, tools.LoanFilter):
        source = tools.query_loans(source or tools.LoanFilter())
    for loans in _pages_of(source):
        yield from (m.LoanItem.select(m.LoanItem, m.Loan, m.Resident, m.ToolUnit, m.ToolKind)
                    .join(m.Loan).join(m.Resident).switch(m.LoanItem).join(m.ToolUnit).join(m.ToolKind)
                    .where(m.LoanItem.loan.in_([loan.id for loan in loans]))
                    .order_by(m.Loan.lent_at, m.Loan.id, m.LoanItem.id))


def _pages_of(source: Any) -> Iterator[list[Any]]:
    if isinstance(source, peewee.ModelSelect):
        source = source.order_by(m.Loan.lent_at, m.Loan.id)
    page: list[Any] = []
    for item in _paged(source):
        page.append(item)
        if len(page) == PAGE:
            yield page
            page = []
    if page:
        yield page


def _overdue_columns(full: bool) -> list[Col]:
    show = _id(full)
    return [
        Col("借用单号", lambda r: r.row.loan.slip_no, width=16), Col("姓名", lambda r: r.row.loan.resident.name, width=10),
        Col("身份证号", lambda r: show(r.row.loan.resident.doc_number), ID_NUMBER, 22),
        Col("联系电话", lambda r: r.row.loan.resident.phone, PHONE, 15),
        Col("未还工具", lambda r: "、".join(f"{kind}（{code}）" for kind, code in r.out), width=30),
        Col("借出日期", lambda r: r.row.loan.lent_at, MOMENT, 17), Col("应还日期", lambda r: r.row.loan.due_date, DATE, 12),
        Col("逾期天数", lambda r: r.row.days_overdue, width=9), Col("催还次数", lambda r: r.row.reminders, width=9),
        Col("最近催还", lambda r: r.row.last_reminder_at, MOMENT, 17),
        Col("催还结果", lambda r: r.row.last_outcome, width=20),
    ]


@dataclass
class _OverdueRecord:
    row: tools.OverdueRow
    out: list[tuple[str, str]]  # (kind, asset code) of the units not yet back


def _overdue(source: Any) -> Iterator[_OverdueRecord]:
    """Overdue slips with the units still out (a slip's returned units are not chased)."""
    if source is not None:
        pages: Iterable[list[tools.OverdueRow]] = [list(source)]
    else:
        pages = _overdue_pages()
    for page in pages:
        out: dict[int, list[tuple[str, str]]] = {}
        for loan_id, kind, code in (m.LoanItem.select(m.LoanItem.loan, m.ToolKind.name, m.ToolUnit.asset_code)
                                    .join(m.ToolUnit).join(m.ToolKind)
                                    .where(m.LoanItem.loan.in_([r.loan.id for r in page]) & tools.open_item_condition())
                                    .order_by(m.LoanItem.id).tuples()):
            out.setdefault(loan_id, []).append((kind, code))
        yield from (_OverdueRecord(r, out.get(r.loan.id, [])) for r in page)


def _overdue_pages() -> Iterator[list[tools.OverdueRow]]:
    offset = 0
    while True:
        page = tools.overdue_rows(offset=offset, limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        offset += PAGE


def _roster_columns(full: bool) -> list[Col]:
    show = _id(full)
    return [
        Col("姓名", lambda r: r.resident.name, width=10),
        Col("身份证号", lambda r: show(r.resident.doc_number), ID_NUMBER, 22),
        Col("性别", lambda r: r.resident.gender, width=6), Col("出生日期", lambda r: r.resident.birth_date, DATE, 12),
        Col("联系电话", lambda r: r.resident.phone, PHONE, 15), Col("住址", lambda r: residents.address(r.resident), width=28),
        Col("网格", lambda r: r.resident.grid.name if r.resident.grid_id else "", width=10),
        Col("认证情况", lambda r: "已认证" if r.certified else "未认证", width=9),
        Col("受理编号", lambda r: r.serial, width=18),
    ]


def _roster(source: Any) -> Iterable[intakes.RosterRow]:
    if isinstance(source, int):
        return intakes.pension_roster(source)
    if source is None:
        return intakes.pension_roster(dt.date.today().year)
    return source


@dataclass(frozen=True)
class _EventRecord:
    event: m.GridEvent
    reporter: m.EventParty | None


def _event_columns(full: bool) -> list[Col]:
    """The event ledger; the reporter's phone is masked unless the full export (站长) is asked for."""
    phone = (lambda p: p) if full else idcard.mask_phone

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
        "visit": lambda r: r.event.visit_view,
    })


def _event_records(source: Any) -> Iterator[_EventRecord]:
    """The chosen events (a list's filter, or all of them), oldest first: the order an import takes them in."""
    if source is None or isinstance(source, event_queries.EventFilter):
        flt = source or event_queries.EventFilter(which=event_queries.ALL)
        source = event_queries.query_events(flt).order_by(m.GridEvent.found_at, m.GridEvent.id)
    return _batched(source, _with_reporters)


def _with_reporters(page: list[m.GridEvent]) -> Iterator[_EventRecord]:
    """A page of events with their reporters, read in one query."""
    reporters = event_queries.reporters([e.id for e in page]) if page else {}
    return (_EventRecord(e, reporters.get(e.id)) for e in page)


EXPORTS: dict[str, tuple[Callable[[bool], list[Col]], Callable[[Any], Iterable[Any]]]] = {
    RESIDENTS: (_resident_columns, _residents), INTAKES: (_intake_columns, _intake_records),
    TOOLS: (_tool_columns, _tools), LOANS: (_loan_columns, _loan_items),
    OVERDUE: (_overdue_columns, _overdue), ROSTER: (_roster_columns, _roster), EVENTS: (_event_columns, _event_records),
}


def export_rows(kind: str, rows_or_filter: Any, out: Path | str, full_id: bool = False, *,
                actor: m.Staff | None) -> int:
    """Write ``kind`` to ``out`` (.xlsx) and record the export; returns the number of rows.

    ``rows_or_filter`` is what a list on screen shows: the records themselves (a list or a query),
    the list's filter (``IntakeFilter``, ``LoanFilter``), the roster's year, or None for everything.
    Full ID numbers need the station head (站长) or an administrator.
    """
    if kind not in EXPORTS:
        raise DomainError(f"不能导出“{kind}”，可导出：{'、'.join(EXPORT_KINDS)}。")
    require(actor, HEAD if full_id else CLERK)
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"导出文件应以 .xlsx 结尾：{path.name}。")
    columns_of, records_of = EXPORTS[kind]
    with staged(path) as partial:  # the file exists only if its audit entry does
        count = write_sheet(partial, EXPORT_NAMES[kind], columns_of(full_id), records_of(rows_or_filter))
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
