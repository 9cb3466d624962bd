"""The intake ledger export, the big one (a year is ~125 000 rows at the README's scale).

Intakes are read as plain tuples a page at a time with the services, staff names and service fields
looked up once, so the time goes into writing the file, not into building model objects. Each row
carries the request's 材料核对 and the 备注 an import gave it, so the export imports back unchanged.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from operator import itemgetter
from typing import Any

import peewee

from gridstation.core.intake import intakes
from gridstation.core.intake.material_rules import CHECK_WORDS
from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import PAGE, Col, Counted, id_mask, phone_mask, yes, yuan_value
from gridstation.core.ledgers.ledger_columns import DATE, IMPORT_NOTE
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m

INTAKE_PAGE = 5000  # intake tuples per query: few round trips, bounded memory


_INTAKE_FIELDS = (m.Intake.id, m.Intake.serial, m.Intake.received_at, m.Resident.name, m.Resident.doc_number,
                  m.Resident.phone, m.Intake.service, m.Intake.action, m.Intake.status, m.Intake.completed_at,
                  m.Intake.staff, m.Intake.result, m.Intake.forwarded_to, m.Intake.documents, m.Intake.details,
                  m.Intake.due_date, m.Intake.staff_name)
(_I_ID, _I_SERIAL, _I_RECEIVED, _I_NAME, _I_DOC, _I_PHONE, _I_SERVICE, _I_ACTION, _I_STATUS, _I_COMPLETED,
 _I_STAFF, _I_RESULT, _I_FORWARDED, _I_DOCUMENTS, _I_DETAILS, _I_DUE, _I_STAFF_NAME) = range(len(_INTAKE_FIELDS))


def records(source: Any, full: bool) -> Counted:
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
    show, phone = id_mask(full), phone_mask(full)
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
            row[-1] = yes(intakes.overdue_on(t[_I_STATUS], t[_I_DUE], today))
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
        return yes(bool(value))
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


# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号和电话号码"


def columns(_full: bool) -> list[Col]:
    """Columns over the rows ``_intake_rows`` builds (position i holds column i)."""
    specs = [*ledger_columns.INTAKE_FIXED, *ledger_columns.service_field_columns()]
    cols = [Col(s.header, itemgetter(i), s.type, s.width) for i, s in enumerate(specs)]
    return cols + [Col("应办结日期", itemgetter(len(specs)), DATE, 12),
                   Col("是否逾期", itemgetter(len(specs) + 1), width=8)]
