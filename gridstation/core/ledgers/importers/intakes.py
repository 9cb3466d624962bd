"""The intake ledger: each row becomes an intake through ``intakes.add_intake``, the function the
counter's ``create_intake`` uses, then moves through ``material_check`` and ``intakes.change_status``
to the state the ledger records, at its recorded times.

A resident not yet registered is registered from the row (name, ID number, phone). A row equal in
every field to a stored intake (a ledger without 受理编号 imported twice) is a repeat and skipped.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import CHECK_WORDS, NOTICE, check_mode
from gridstation.core.ledgers.exporters.intakes import import_notes
from gridstation.core.ledgers.importers.numbers import Numbering
from gridstation.core.ledgers.importers.rows import AlreadyThere, Importer, RowView, same_name
from gridstation.core.ledgers.importers.services import match_services
from gridstation.core.ledgers.intake_repeats import RepeatFinder
from gridstation.core.ledgers.ledger_columns import IMPORT_NOTE, field_key
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.person_names import clean_name
from gridstation.core.station import catalog
from gridstation.core.storage import models as m

UNFINISHED = (*intakes.OPEN_STATUSES, intakes.PENDING_DOCS)  # rows that need no 办结日期
SERIALS = Numbering("serial", "受理编号", "受理", lambda serial: m.Intake.get_or_none(m.Intake.serial == serial),
                    intakes.parse_serial)


@dataclass
class _IntakeRow:
    row: int
    serial: str
    received_at: dt.datetime
    doc_number: str
    name: str
    phone: str
    service: str
    action: str
    status: str
    completed_at: dt.datetime | None
    staff: str
    result: str
    forwarded_to: str
    documents: str
    notes: str
    fields: dict[str, object]  # field label -> cell value
    check: str = ""  # the document check's mode (material_rules), "" when the row has none
    missing: list[str] = field(default_factory=list)
    deadline: dt.date | None = None
    supplied_at: dt.datetime | None = None
    field_keys: dict[str, str] = field(default_factory=dict)  # rule field -> column key, once the service is known

    @property
    def historical(self) -> bool:
        """A case already closed, or received before today: a record of the past, not a new intake
        (what that relaxes is ``catalog.FieldDef.required_for``)."""
        return self.status not in UNFINISHED or self.received_at.date() < clock.today()

    @property
    def started_at(self) -> dt.datetime:
        """When the promised time began: at receipt, or when a 待补正 request's documents came."""
        return self.supplied_at if self.check == NOTICE and self.supplied_at else self.received_at


class IntakeImporter(Importer):
    def convert(self, row: RowView) -> _IntakeRow | None:
        item = _IntakeRow(
            row=row.number, serial=row.text("serial").upper(), received_at=row.moment("received_at"),
            doc_number=row.id_number("doc_number"), name=row.text("name"), phone=row.phone("phone"),
            service=row.text("service"), action=row.text("action"), status=row.text("status") or intakes.RECEIVED,
            completed_at=row.moment("completed_at"), staff=row.text("staff"), result=row.text("result"),
            forwarded_to=row.text("forwarded_to"), documents=row.text("documents"), notes=row.text("notes"),
            fields={})
        try:
            item.phone = idcard.check_phone(item.phone)
        except DomainError as exc:
            row.fail("phone", exc.message)
        for spec in row.ledger.columns:
            if spec.key.startswith("field:") and spec.key in row.ledger.mapping:
                value = row.plain(spec.key)
                if value is not None:
                    item.fields[spec.header] = value
        row.check_required()
        self._read_check(row, item)
        if item.status not in intakes.STATUSES:
            row.fail("status", f"状态“{item.status}”无效，只能是：{'、'.join(intakes.STATUSES)}。")
        elif item.status not in UNFINISHED and item.completed_at is None:
            row.fail("completed_at", f"状态为“{item.status}”时请填写办结日期。")
        elif item.status == intakes.PENDING_DOCS and item.check != NOTICE:
            row.fail("check", f"状态为“{intakes.PENDING_DOCS}”时，“材料核对”应为“{CHECK_WORDS[NOTICE]}”，"
                              "并填写缺少材料和补正期限。")
        if problem := SERIALS.too_long(item.serial):
            row.fail("serial", problem)
        return None if row.problems else item

    @staticmethod
    def _read_check(row: RowView, item: _IntakeRow) -> None:
        """The document check's four cells (一次性告知 / 容缺受理, what is missing, by when, when it came)."""
        mode = check_mode(row.text("check"))
        if mode is None:
            row.fail("check", f"“材料核对”只能是：{'、'.join(CHECK_WORDS.values())}，或留空。")
            return
        item.check, item.deadline, item.supplied_at = mode, row.date("deadline"), row.moment("supplied_at")
        item.missing = [n.strip() for n in row.text("missing").replace("，", "、").split("、") if n.strip()]
        if not mode and (item.missing or item.deadline or item.supplied_at):
            row.fail("check", "填写了缺少材料或补正期限，请在“材料核对”中写明一次性告知或容缺受理。")

    def write(self, items: list[_IntakeRow]) -> None:
        staff = list(m.Staff.select())
        self.staff = {s.display_name: s for s in staff} | {s.username: s for s in staff}
        self.services = {match.value: match.service for match in match_services(self.job.ledger)}
        self.repeats = RepeatFinder(import_notes)
        self.years_from_receipt: Counter[tuple[str, str]] = Counter()  # (field, service) -> rows
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda i: i.field_keys)
        self.job.report.notes.extend(f"文件中没有“{label}”列：{service}的 {count} 行按受理日期的年份计。"
                                     for (label, service), count in self.years_from_receipt.items())

    def _year_of_receipt(self, p: _IntakeRow, defs: list[catalog.FieldDef]) -> str | None:
        """A certification year the row's sheet has no column for is the year the request was received:
        a station's own 养老认证 ledger never writes it, every row being that year's certification."""
        for fdef in defs:
            if fdef.stat == "cert_year" and fdef.label not in p.fields and \
                    not self.job.ledger.has_column(field_key(fdef.label), p.row):
                p.fields[fdef.label] = p.received_at.year
                return fdef.label
        return None

    def _service(self, p: _IntakeRow) -> m.ServiceType:
        service = self.services.get(p.service)
        if service is None:
            raise DomainError(f"服务清单中没有“{p.service}”这项业务。请在导入向导中为它选择对应的业务，"
                              f"或在命令行用 --map {p.service}=业务名称 指定。", field="service")
        return service

    def _resident(self, p: _IntakeRow) -> tuple[m.Resident, bool]:
        """The row's resident, registered from the row (name, ID number, phone) when not yet registered;
        and whether it was. The registration is undone with the row's savepoint if the row is refused."""
        registered = residents.find_by_document(p.doc_number)
        if registered is not None:
            return same_name(registered, p.name), False
        if not p.name:
            raise DomainError(f"证件号码 {idcard.mask_id(p.doc_number)} 的居民尚未登记，本行又没有姓名，"
                              "无法为其登记。请填写“姓名”，或先导入居民台账。", field="doc_number")
        resident = residents.save_resident(self.job.actor, residents.ResidentInput(
            name=p.name, doc_number=p.doc_number, phone=p.phone))
        return resident, True

    def _write(self, p: _IntakeRow) -> None:
        actor, place = self.job.actor, self.job.ledger.sheet.place(p.row)
        p.field_keys = {"note": "result", "received_at": "received_at", "name": "name", "phone": "phone",
                        "missing": "missing", "deadline": "deadline", "supplied_at": "supplied_at"}
        service = self._service(p)
        resident, new = self._resident(p)
        defs = catalog.fields_of(service)
        p.field_keys.update({f.key: field_key(f.label) for f in defs})
        defaulted = self._year_of_receipt(p, defs)
        stray = [label for label in p.fields if label not in {f.label for f in defs}]
        if stray:
            raise DomainError(f"业务“{service.name}”没有“{stray[0]}”这一项，请清空该格或核对业务类型。",
                              field=field_key(stray[0]))
        completion = {f.key: p.fields[f.label] for f in defs if f.stage == "complete" and f.label in p.fields}
        if completion and p.status in intakes.OPEN_STATUSES:
            raise DomainError("只有办结时才填写办结信息。", field=next(iter(completion)))
        staff = self.staff.get(p.staff) if p.staff else None
        # 经办人 with no account here (someone who has left, another station's ledger): kept by name.
        staff_name = "" if staff or not p.staff else clean_name(p.staff, limit=40, label="经办人", field="staff")

        def same(held: m.Intake) -> bool:
            return (held.resident_id, held.service_id, held.received_at) == (resident.id, service.id, p.received_at)

        data = intakes.IntakeInput(resident.id, service.code, p.action, {
            f.key: p.fields.get(f.label) for f in defs if f.stage == "intake"}, p.documents, p.received_at,
            pending_docs=p.check == NOTICE)
        intake = intakes.add_intake(
            actor, data, resident, service, staff=staff, staff_name=staff_name,
            serial=SERIALS.kept(p.serial, place, same), note=f"{IMPORT_NOTE}：{p.notes}" if p.notes else IMPORT_NOTE,
            historical=p.historical, audit_action="导入受理", audit_extra={"file": self.job.report.file})
        serial, first = intake.serial, intake.status
        if p.check:
            material_check.restore_check(actor, intake, p.check, p.missing, p.deadline, p.supplied_at)
        if first == intakes.PENDING_DOCS and p.supplied_at:  # 补正 done: due date counted from then
            first = intakes.change_status(actor, serial, intakes.RECEIVED, note="补正材料已齐，正式受理",
                                          at=p.supplied_at).status
        if p.status != first:
            closed = p.completed_at or p.started_at
            if closed.time() == dt.time() and closed.date() == p.started_at.date():
                closed = p.started_at  # a date without a time: closed the day it was received
            intakes.change_status(actor, serial, p.status, result=p.result, forwarded_to=p.forwarded_to,
                                  completion=completion or None, at=closed, historical=p.historical)
        repeat = None if p.serial else self.repeats.repeated(intake)
        if repeat is not None:  # raised inside the row's savepoint: what was just written is rolled back
            raise AlreadyThere(f"{place}：与系统中的受理 {repeat.serial} 各项都相同，是重复导入，已跳过。")
        self.job.report.created += 1
        self.job.report.registered += new
        if defaulted is not None:
            self.years_from_receipt[defaulted, service.name] += 1
