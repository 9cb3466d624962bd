"""Importing ledgers: every row checked by the rules the counter uses, then all-or-nothing (or valid rows only).

Each row first goes through the cell readers of ``ledger_read`` (Excel's damage) and then through
the shared rules: ``residents.clean_input`` for residents, ``catalog.check_details`` and
``intakes.change_status`` for intakes, ``tool_units.save_kind``/``add_units``/``lend``/``return_unit``
for the tool box. Rows whose rules need the database (a unit already lent, a resident not
registered) are written one by one inside savepoints of a single transaction: a dry run does the
same and rolls everything back, so its report is exactly what the real import would do.

Residents arrive by the hundred thousand, so they take a faster road with the same rules: the
pure check (``clean_input``) runs before the transaction, and new residents are written with
``insert_many`` in chunks together with their pinyin keys. A resident already registered (same ID
number) is skipped, or updated through ``residents.save_resident`` when the user asks for it.
"""

from __future__ import annotations

import datetime as dt
import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import peewee

from gridstation.core.events import ledger as event_ledger
from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import CHECK_WORDS, NOTICE, check_mode
from gridstation.core.ledgers import column_choices, ledger_read
from gridstation.core.ledgers.intake_repeats import RepeatFinder
from gridstation.core.ledgers.ledger_columns import (
    DATE,
    EVENTS,
    IMPORT_NOTE,
    INTAKES,
    KIND_NAMES,
    LOANS,
    MONEY,
    RESIDENTS,
    TOOLS,
    ColumnSpec,
    field_key,
)
from gridstation.core.ledgers.ledger_export import import_notes, write_table
from gridstation.core.ledgers.ledger_read import CellProblem, Ledger
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.rules.person_names import clean_name
from gridstation.core.rules.pinyin_keys import name_keys
from gridstation.core.station import audit, catalog
from gridstation.core.station.accounts import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import bulk_insert, current, write_transaction
from gridstation.core.toolbox import lending, returns, tool_units

UNFINISHED = (*intakes.OPEN_STATUSES, intakes.PENDING_DOCS)  # rows that need no 办结日期
CHUNK = 500  # rows per INSERT; well under SQLite's limit of bound variables
PROGRESS_EVERY = 200
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Problem:
    row: int  # the row's key (ledger_read.SHEET_STRIDE): the row Excel shows on the first sheet read
    column: str  # the header as the file writes it; "" when the whole row is concerned
    message: str
    place: str = ""  # the row in words, with its sheet when the file has several (Sheet.place)

    def line(self) -> str:
        where = (self.place or f"第{self.row}行") + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


@dataclass(frozen=True)
class ImportOptions:
    dry_run: bool = False
    valid_only: bool = False  # import the good rows and skip the bad ones (the default is all or nothing)
    update_existing: bool = False  # residents already registered: update them instead of skipping


class ImportCancelled(DomainError):
    """The user stopped the import; the transaction was rolled back."""


@dataclass
class ImportReport:
    kind: str
    file: str
    rows: int
    options: ImportOptions
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    existing: int = 0  # already in the database and left as they were
    registered: int = 0  # residents registered from intake rows (a ledger is enough)
    written: bool = False

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems})

    def problems_of(self, row: int) -> list[Problem]:
        return [p for p in self.problems if p.row == row]

    def summary(self) -> str:
        """One paragraph for the command line, the wizard and the audit log."""
        what = KIND_NAMES[self.kind]
        counts = f"新增 {self.created} 条，更新 {self.updated} 条，已存在跳过 {self.existing} 条"
        if self.registered:
            counts += f"，新登记居民 {self.registered} 人"
        bad = len(self.bad_rows)
        if self.options.dry_run:
            if bad:
                return (f"试运行：共 {self.rows} 行，其中 {bad} 行有问题（见下）；只导入正确的行时将{counts}。"
                        "未写入任何数据。")
            return f"试运行：共 {self.rows} 行，全部通过检查；正式导入将{counts}。未写入任何数据。"
        if not self.written:
            return (f"共 {self.rows} 行，其中 {bad} 行有问题，未导入任何数据。"
                    "请修改后重新导入，或选择“只导入正确的行”。")
        skipped = f"；有问题未导入 {bad} 行" if bad else ""
        return f"已导入{what}台账 {self.file}：{counts}{skipped}。"


class _AlreadyThere(Exception):
    """The row's record is already in the database (a ledger imported twice): skip it, not an error."""


class _Rollback(Exception):
    """Leave the transaction without committing: a dry run, or an all-or-nothing import with a bad row."""


# ---------------------------------------------------------------- one row of the file


class RowView:
    """The cells of one row by column key, read with their column's type; problems are collected, not raised."""

    def __init__(self, ledger: Ledger, number: int, values: tuple) -> None:
        self.ledger = ledger
        self.number = number
        self.values = values
        self.problems: list[Problem] = []
        self._merged: set[str] = set()

    def fail(self, key: str | None, message: str) -> None:
        column = self.ledger.header_of(key) if key else ""
        self.problems.append(Problem(self.number, column, message, self.ledger.sheet.place(self.number)))

    def raw(self, key: str) -> object:
        index = self.ledger.mapping.get(key)
        if index is None:
            return None
        merged = self.ledger.sheet.merge_at(self.number, index)
        if merged:
            if key in self._merged:
                return None
            self._merged.add(key)
            self.fail(key, f"位于合并单元格 {merged} 中：合并后只有第一行有值。请取消合并，并在每一行填写。")
            return None
        return self.values[index] if index < len(self.values) else None

    def _read(self, key: str, reader: Callable[[object], Any]) -> Any:
        try:
            return reader(self.raw(key))
        except CellProblem as exc:
            self.fail(key, str(exc))
            return None

    def text(self, key: str) -> str:
        return self._read(key, ledger_read.checked_text) or ""

    def plain(self, key: str) -> object:
        spec = self.ledger.spec[key]
        if spec.type == DATE:
            found = self.date(key)
            return found.isoformat() if found else None
        if spec.type == MONEY:  # in 万元 when the file's header says so: 欠薪金额（万元）
            in_wan = "万" in self.ledger.header_of(key)
            return self._read(key, lambda value: ledger_read.money(value, in_wan))
        return ledger_read.plain(self.raw(key))

    def id_number(self, key: str) -> str:
        return self._read(key, ledger_read.id_number) or ""

    def phone(self, key: str) -> str:
        return self._read(key, ledger_read.phone) or ""

    def moment(self, key: str) -> dt.datetime | None:
        return self._read(key, ledger_read.moment)

    def date(self, key: str) -> dt.date | None:
        return self._read(key, ledger_read.date)

    def flag(self, key: str) -> bool:
        """A 是/否 cell, read by the catalogue's own yes/no rule."""
        fdef = catalog.FieldDef.of({"key": key, "label": self.ledger.header_of(key), "type": "bool"})
        try:
            return bool(catalog.check_value(fdef, ledger_read.plain(self.raw(key))))
        except DomainError as exc:
            self.fail(key, exc.message)
            return False

    def check_required(self) -> None:
        for spec in self.ledger.columns:
            if spec.required and spec.key in self.ledger.mapping and ledger_read.plain(self.raw(spec.key)) is None:
                if not any(p.column == self.ledger.header_of(spec.key) for p in self.problems):
                    self.fail(spec.key, f"请填写“{self.ledger.header_of(spec.key)}”。")

    def refuse(self, exc: DomainError, fields: dict[str, str] | None = None) -> None:
        """Report a shared rule's refusal under the column it concerns."""
        self.fail(column_of(self.ledger, exc, fields), exc.message)


def column_of(ledger: Ledger, exc: DomainError, fields: dict[str, str] | None = None) -> str | None:
    """The column key a refusal concerns: by the rule's field name, else by the column named in its message."""
    if exc.field:
        key = (fields or {}).get(exc.field, exc.field)
        if key in ledger.spec:
            return key
    named = [c for c in ledger.columns if c.key in ledger.mapping and
             (exc.message.startswith(c.header) or f"“{c.header}”" in exc.message)]
    return max(named, key=lambda c: len(c.header)).key if named else None


# ---------------------------------------------------------------- the import job


@dataclass
class _Job:
    ledger: Ledger
    actor: m.Staff | None
    options: ImportOptions
    report: ImportReport
    progress: Progress | None
    cancel: Callable[[], bool] | None
    done: int = 0
    total: int = 0

    def tick(self, n: int = 1) -> None:
        before = self.done
        self.done += n
        if before // PROGRESS_EVERY != self.done // PROGRESS_EVERY or self.done == self.total:
            if self.cancel is not None and self.cancel():
                raise ImportCancelled("导入已取消，没有写入任何数据。")
            if self.progress is not None:
                self.progress(self.done, self.total)

    def fail(self, rows: list[int], key: str | None, message: str) -> None:
        column = self.ledger.header_of(key) if key else ""
        self.report.problems.extend(Problem(r, column, message, self.ledger.sheet.place(r)) for r in rows)

    def each_in_savepoint(self, items: list[Any], write: Callable[[Any], None],
                          rows_of: Callable[[Any], list[int]], fields_of: Callable[[Any], dict[str, str]]) -> None:
        """Write items one by one; a refused item is rolled back alone and reported on its rows."""
        for item in items:
            try:
                with current().atomic():
                    write(item)
            except _AlreadyThere as there:
                self.report.existing += 1
                self.report.notes.append(str(there))
            except ImportCancelled:
                raise
            except DomainError as exc:
                self.fail(rows_of(item), column_of(self.ledger, exc, fields_of(item)), exc.message)
            self.tick(len(rows_of(item)))


class _Importer(ABC):
    """One kind of ledger: ``convert`` reads a row (no database writes), ``write`` stores the rows."""

    # Rules that need the database run while writing; a dry run then writes and rolls back.
    checks_by_writing = True

    def __init__(self, job: _Job) -> None:
        self.job = job

    @abstractmethod
    def convert(self, row: RowView) -> Any:
        """The row's values in stored form, or DomainError naming the bad column."""

    def group(self, items: list[Any]) -> list[Any]:
        return items

    @abstractmethod
    def write(self, items: list[Any]) -> None:
        """Store converted rows inside the import's transaction."""


# ---------------------------------------------------------------- residents


@dataclass
class _ResidentRow:
    row: int
    data: residents.ResidentInput
    values: dict[str, Any]
    keys: list[str]


class _Residents(_Importer):
    checks_by_writing = False

    def __init__(self, job: _Job) -> None:
        super().__init__(job)
        self.seen: dict[str, int] = {}
        self.grids: dict[str, int | None] = {}

    def convert(self, row: RowView) -> _ResidentRow | None:
        doc_type = row.text("doc_type") or idcard.MAINLAND_ID
        mainland = doc_type == idcard.MAINLAND_ID
        number = row.id_number("doc_number") if mainland else row.text("doc_number")
        gender, birth = row.text("gender"), row.date("birth_date")
        data = residents.ResidentInput(
            name=row.text("name"), doc_number=number, doc_type=doc_type, phone=row.phone("phone"),
            gender="" if mainland else gender, birth_date=None if mainland else birth,
            compound=row.text("compound"), building=row.text("building"), unit=row.text("unit"),
            room=row.text("room"), grid=row.text("grid"), is_pensioner=row.flag("is_pensioner"),
            notes=row.text("notes"))
        row.check_required()
        if row.problems:
            return None
        try:
            values = residents.clean_input(data)
        except DomainError as exc:
            row.refuse(exc)
            return None
        if mainland and gender and gender != values["gender"]:
            row.fail("gender", f"性别“{gender}”与身份证号码不符（号码为{values['gender']}性），请核对证件。")
        if mainland and birth and birth != values["birth_date"]:
            row.fail("birth_date", f"出生日期 {birth:%Y-%m-%d} 与身份证号码中的 {values['birth_date']:%Y-%m-%d} 不符，请核对证件。")
        first = self.seen.setdefault(values["doc_number"], row.number)
        if first != row.number:
            row.fail("doc_number", f"与{self.job.ledger.sheet.place(first)}的证件号码相同：同一居民只能登记一次。")
        if row.problems:
            return None
        return _ResidentRow(row.number, data, values, name_keys(values["name"]))

    def write(self, items: list[_ResidentRow]) -> None:
        """New residents in bulk; registered ones skipped, or updated where the row changes something."""
        known = _registered([i.values["doc_number"] for i in items])
        new = [i for i in items if i.values["doc_number"] not in known]
        old = [i for i in items if i.values["doc_number"] in known]
        report = self.job.report
        changed = _changed(old) if self.job.options.update_existing else []
        report.existing += len(old) - len(changed)
        self.job.tick(len(old) - len(changed))
        if self.job.options.dry_run:
            report.created += len(new)
            report.updated += len(changed)
            self.job.tick(len(new) + len(changed))
            return
        for chunk in _chunks(new, CHUNK * 10):
            self._insert(chunk)
            report.created += len(chunk)
            self.job.tick(len(chunk))
        self.job.each_in_savepoint(changed, self._update, lambda i: [i.row], lambda _i: {})

    def _insert(self, chunk: list[_ResidentRow]) -> None:
        now = _stored(clock.now())
        fields = [m.Resident.name, m.Resident.doc_type, m.Resident.doc_number, m.Resident.doc_rev,
                  m.Resident.gender, m.Resident.birth_date, m.Resident.phone, m.Resident.phone_rev,
                  m.Resident.compound, m.Resident.building, m.Resident.unit, m.Resident.room,
                  m.Resident.is_pensioner, m.Resident.notes, m.Resident.grid, m.Resident.created_at,
                  m.Resident.updated_at]
        names = [f.name for f in fields[:-3]]
        bulk_insert(fields, [tuple(_stored(i.values[n]) for n in names) + (self._grid(i.data.grid), now, now)
                              for i in chunk])
        ids = _registered([i.values["doc_number"] for i in chunk])
        bulk_insert([m.ResidentKey.resident, m.ResidentKey.key],
                     [(ids[i.values["doc_number"]], k) for i in chunk for k in i.keys])

    def _grid(self, name: str) -> int | None:
        if name not in self.grids:
            grid = residents.grid_by_name(name)
            self.grids[name] = grid.id if grid else None
        return self.grids[name]

    def _update(self, item: _ResidentRow) -> None:
        """Through save_resident, so the change gets the same check and audit entry as one made at the counter."""
        resident = residents.find_by_document(item.values["doc_number"])
        residents.save_resident(self.job.actor, item.data, resident.id)
        self.job.report.updated += 1


def _changed(items: list[_ResidentRow]) -> list[_ResidentRow]:
    """The rows whose registered resident they would change (a ledger imported again changes nothing)."""
    out = []
    for part in _chunks(items, CHUNK):
        stored = {r.doc_number: r for r in m.Resident.select(m.Resident, m.Grid).join(m.Grid, peewee.JOIN.LEFT_OUTER)
                  .where(m.Resident.doc_number.in_([i.values["doc_number"] for i in part]))}
        for item in part:
            resident = stored[item.values["doc_number"]]
            same = all(getattr(resident, k) == v for k, v in item.values.items())
            if not same or (resident.grid.name if resident.grid_id else "") != item.data.grid.strip():
                out.append(item)
    return out


def _stored(value: object) -> object:
    """A value as peewee stores it (ISO text for dates and times), for the driver's executemany."""
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _registered(numbers: list[str]) -> dict[str, int]:
    """Resident id by document number, for those of ``numbers`` already registered."""
    found: dict[str, int] = {}
    for part in _chunks(numbers, CHUNK):
        found.update((n, i) for i, n in m.Resident.select(m.Resident.id, m.Resident.doc_number)
                     .where(m.Resident.doc_number.in_(part)).tuples())
    return found


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


def _resident_for(number: str, name: str) -> m.Resident:
    """The registered resident of an intake or loan row; the row's name must match the record."""
    resident = residents.find_by_document(number)
    if resident is None:
        raise DomainError(f"证件号码 {idcard.mask_id(number)} 的居民尚未登记。请先导入居民台账或新增居民。",
                          field="doc_number")
    return _same_name(resident, name)


def _same_name(resident: m.Resident, name: str) -> m.Resident:
    """A row naming a registered resident must name them as the register does."""
    if name and " ".join(name.split()) != resident.name:
        raise DomainError(f"姓名“{name}”与居民档案中的“{resident.name}”不一致，请核对。", field="name")
    return resident


# ---------------------------------------------------------------- intakes: which service a value names


SERVICE_MAP_SETTING = "ledger_service_map"  # ledger value -> service code, as the station chose it before
HOW_GIVEN, HOW_REMEMBERED = column_choices.HOW_GIVEN, column_choices.HOW_REMEMBERED


@dataclass(frozen=True)
class ServiceMatch:
    """One distinct value of the service column, and the service it became (None: nothing yet)."""

    value: str
    rows: int
    service: m.ServiceType | None
    how: str  # 名称, 代码, 简称, HOW_GIVEN or HOW_REMEMBERED; "" when unknown

    def line(self) -> str:
        if self.service is None:
            return f"“{self.value}”（{self.rows}行）→ 服务清单中没有，请指定对应的业务"
        return f"“{self.value}”（{self.rows}行）→ {self.service.name}（{self.how}）"


def service_values(ledger: Ledger) -> dict[str, int]:
    """Each distinct value of the service column and how many rows carry it, in the file's order."""
    counts: dict[str, int] = {}
    index = ledger.mapping.get("service")
    if index is None:
        return counts
    for _number, values in ledger.sheet.rows:
        value = ledger_read.text(values[index] if index < len(values) else None)
        if value:
            counts[value] = counts.get(value, 0) + 1
    return counts


def match_services(ledger: Ledger) -> list[ServiceMatch]:
    """The service mapping of an intake ledger: the user's choice for a value, else the catalogue's
    name, code or alias, else what the station chose for that value at an earlier import."""
    remembered = settings.get(SERVICE_MAP_SETTING) or {}
    out = []
    for value, rows in service_values(ledger).items():
        service, how = None, ""
        if value in ledger.service_map:
            service, how = m.ServiceType.get_or_none(m.ServiceType.code == ledger.service_map[value]), HOW_GIVEN
        if service is None:
            service = catalog.match_service(value)
            if service is not None:
                key = catalog.service_key(value)
                how = ("名称" if key == catalog.service_key(service.name) else
                       "代码" if key == catalog.service_key(service.code) else "简称")
        if service is None and value in remembered:
            service, how = m.ServiceType.get_or_none(m.ServiceType.code == remembered[value]), HOW_REMEMBERED
        out.append(ServiceMatch(value, rows, service, how if service else ""))
    return out


def choose_service(ledger: Ledger, value: str, service_text: str) -> m.ServiceType:
    """The user maps a ledger value to a service named by its name, code or alias (``--map 值=业务``)."""
    service = catalog.match_service(service_text)
    if service is None:
        raise DomainError(f"服务清单中没有“{service_text}”这项业务，无法把“{value}”对应到它。")
    ledger.service_map[value.strip()] = service.code
    return service


def mapping_lines(ledger: Ledger) -> list[str]:
    """Which column became which field, and how when the user chose it (this time or at an earlier
    import), for the command line's dry run and the wizard's preview."""
    used = set(ledger.mapping.values())
    lines = []
    for c in ledger.columns:
        if c.key in ledger.mapping:
            how = column_choices.how_chosen(ledger, c.key)
            lines.append(f"“{ledger.header_of(c.key)}”列 → {c.header}" + (f"（{how}）" if how else ""))
    unused = [h for i, h in enumerate(ledger.sheet.headers) if i not in used and h]
    if unused:
        lines.append(f"未导入的列：{'、'.join(unused)}")
    return lines


# ---------------------------------------------------------------- intakes


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


class _Intakes(_Importer):
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
        if len(item.serial) > 32:
            row.fail("serial", "受理编号过长（最多32位）。")
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
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda i: i.field_keys)

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
            return _same_name(registered, p.name), False
        if not p.name:
            raise DomainError(f"证件号码 {idcard.mask_id(p.doc_number)} 的居民尚未登记，本行又没有姓名，"
                              "无法为其登记。请填写“姓名”，或先导入居民台账。", field="doc_number")
        resident = residents.save_resident(self.job.actor, residents.ResidentInput(
            name=p.name, doc_number=p.doc_number, phone=p.phone))
        return resident, True

    def _write(self, p: _IntakeRow) -> None:
        actor = self.job.actor
        p.field_keys = {"note": "result", "received_at": "received_at", "name": "name", "phone": "phone",
                        "missing": "missing", "deadline": "deadline", "supplied_at": "supplied_at"}
        service = self._service(p)
        resident, new = self._resident(p)
        defs = catalog.fields_of(service)
        p.field_keys.update({f.key: field_key(f.label) for f in defs})
        action = intakes.check_new_intake(service, p.action, p.received_at, p.documents)
        labels = {f.label for f in defs}
        stray = [label for label in p.fields if label not in labels]
        if stray:
            raise DomainError(f"业务“{service.name}”没有“{stray[0]}”这一项，请清空该格或核对业务类型。",
                              field=field_key(stray[0]))
        details = catalog.check_details(
            service, {f.key: p.fields.get(f.label) for f in defs if f.stage == "intake"}, "intake",
            historical=p.historical)
        completion = {f.key: p.fields[f.label] for f in defs if f.stage == "complete" and f.label in p.fields}
        if completion and p.status in intakes.OPEN_STATUSES:
            raise DomainError("只有办结时才填写办结信息。", field=next(iter(completion)))
        staff = self.staff.get(p.staff) if p.staff else None
        # 经办人 with no account here (someone who has left, another station's ledger): kept by name.
        staff_name = "" if staff or not p.staff else clean_name(p.staff, limit=40, label="经办人", field="staff")
        serial = self._serial(p, resident, service)
        first = intakes.PENDING_DOCS if p.check == NOTICE else intakes.RECEIVED
        intake = m.Intake.create(
            serial=serial, resident=resident, service=service, action=action,
            details=json.dumps(details, ensure_ascii=False), documents=p.documents, status=first,
            received_at=p.received_at, due_date=intakes.due_date_for(p.received_at.date(), service.promised_days),
            staff=staff, staff_name=staff_name, grid=resident.grid_id, **catalog.stat_columns(service, details))
        note = f"{IMPORT_NOTE}：{p.notes}" if p.notes else IMPORT_NOTE
        m.IntakeEvent.create(intake=intake, at=p.received_at, staff=actor, to_status=first, note=note)
        audit.record(actor, "导入受理", "intake", serial,
                     after={"service": service.code, "action": action, "details": details, "file": self.job.report.file})
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
            raise _AlreadyThere(f"{self.job.ledger.sheet.place(p.row)}：与系统中的受理 {repeat.serial} 各项都相同，"
                                "是重复导入，已跳过。")
        self.job.report.created += 1
        self.job.report.registered += new

    def _serial(self, p: _IntakeRow, resident: m.Resident, service: m.ServiceType) -> str:
        """The row's own 受理编号 when it is free; a number already used by this very intake means 'imported before'."""
        if not p.serial:
            return intakes.next_serial(p.received_at)
        clash = m.Intake.get_or_none(m.Intake.serial == p.serial)
        if clash is None:
            _reserve(p.serial)
            return p.serial
        if (clash.resident_id, clash.service_id, clash.received_at) == (resident.id, service.id, p.received_at):
            raise _AlreadyThere(f"{self.job.ledger.sheet.place(p.row)}：受理编号 {p.serial} 已在系统中，跳过。")
        serial = intakes.next_serial(p.received_at)
        self.job.report.notes.append(
            f"{self.job.ledger.sheet.place(p.row)}：受理编号 {p.serial} 已被其他受理使用，已重新编号为 {serial}。")
        return serial


def _reserve(serial: str) -> None:
    """Keep the station's counter past a kept number of its own format, so a later intake never takes it."""
    parsed = intakes.parse_serial(serial)
    if parsed is None:
        return
    scope, seq = parsed
    counter = m.SerialCounter.get_or_none(m.SerialCounter.scope == scope)
    if counter is None:
        m.SerialCounter.create(scope=scope, last=seq)
    elif counter.last < seq:
        m.SerialCounter.update(last=seq).where(m.SerialCounter.scope == scope).execute()


# ---------------------------------------------------------------- tools


@dataclass
class _ToolRow:
    row: int
    kind: str
    category: str
    asset_code: str
    loan_days: str
    deposit: object
    state: str
    purchase_date: dt.date | None
    notes: str


class _Tools(_Importer):
    def convert(self, row: RowView) -> _ToolRow | None:
        item = _ToolRow(row.number, row.text("kind"), row.text("category"), tool_units.normalise_code(row.text("asset_code")),
                        row.text("loan_days"), ledger_read.plain(row.raw("deposit")), row.text("state"),
                        row.date("purchase_date"), row.text("notes"))
        row.check_required()
        return None if row.problems else item

    def write(self, items: list[_ToolRow]) -> None:
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda _i: {"name": "kind"})

    def _write(self, p: _ToolRow) -> None:
        actor = self.job.actor
        kind = m.ToolKind.get_or_none(m.ToolKind.name == " ".join(p.kind.split()))
        if kind is None:
            kind = tool_units.save_kind(actor, tool_units.KindInput(name=p.kind, category=p.category, loan_days=p.loan_days,
                                                          deposit="" if p.deposit is None else p.deposit))
        else:
            _same_kind(kind, p)
        if p.asset_code:
            unit = m.ToolUnit.get_or_none(m.ToolUnit.asset_code == p.asset_code)
            if unit is not None and unit.kind_id == kind.id:
                raise _AlreadyThere(f"{self.job.ledger.sheet.place(p.row)}：资产编号 {p.asset_code} 已在工具清单中，跳过。")
            if unit is not None:
                raise DomainError(f"资产编号 {p.asset_code} 已用于“{unit.kind.name}”。", field="asset_code")
        unit = tool_units.add_units(actor, kind.id, codes=[p.asset_code] if p.asset_code else None,
                               purchase_date=p.purchase_date, notes=p.notes)[0]
        if p.state in (tool_units.ON_LOAN, tool_units.RESERVED):
            self.job.report.notes.append(
                f"{self.job.ledger.sheet.place(p.row)}：{unit.asset_code} 的状态“{p.state}”由借用台账或预约设置，现登记为{tool_units.AVAILABLE}。")
        elif p.state and p.state != tool_units.AVAILABLE:
            tool_units.set_unit_state(actor, unit.asset_code, p.state, "导入台账")
        self.job.report.created += 1


def _same_kind(kind: m.ToolKind, p: _ToolRow) -> None:
    """A row naming a kind already in the catalogue must not contradict it (the catalogue is not edited by imports)."""
    if p.category and p.category != kind.category:
        raise DomainError(f"类别“{p.category}”与工具清单中“{kind.name}”的类别“{kind.category}”不一致。", field="category")
    if p.loan_days and p.loan_days != str(kind.loan_days):
        raise DomainError(f"借用天数“{p.loan_days}”与工具清单中“{kind.name}”的 {kind.loan_days} 天不一致。",
                          field="loan_days")
    if p.deposit is not None:
        try:
            fen = parse_money(p.deposit, "押金")
        except DomainError as exc:
            raise DomainError(exc.message, field="deposit") from None
        if fen != kind.deposit_fen:
            raise DomainError(f"押金与工具清单中“{kind.name}”的押金 ¥{yuan(kind.deposit_fen)} 不一致。",
                              field="deposit")


# ---------------------------------------------------------------- loans


@dataclass
class _LoanRow:
    row: int
    slip_no: str
    asset_code: str
    kind: str
    doc_number: str
    name: str
    lent_at: dt.datetime
    due_date: dt.date | None
    returned_at: dt.datetime | None
    condition: str
    deposit: object
    refunded: object


@dataclass
class _Slip:
    rows: list[_LoanRow]

    @property
    def numbers(self) -> list[int]:
        return [r.row for r in self.rows]


SLIP_SHARED = (("doc_number", "身份证号"), ("name", "姓名"), ("lent_at", "借出日期"), ("due_date", "应还日期"))
# The slip's money: written on its first row by the export, repeated on every row by older files and some
# stations; the rows that fill it must agree, the blank ones take it.
SLIP_ONCE = (("deposit", "押金"), ("refunded", "已退押金"))


def _slip_problem(slip: _Slip) -> tuple[str, str] | None:
    """(column key, message) when the rows of one slip disagree; else None, the slip's money on its first row."""
    first = slip.rows[0]
    for attr, label in SLIP_SHARED:
        odd = [r for r in slip.rows if getattr(r, attr) != getattr(first, attr)]
        if odd:
            return attr, f"借用单 {first.slip_no} 各行的“{label}”不一致（见第{first.row}行和第{odd[0].row}行）。"
    for attr, label in SLIP_ONCE:
        filled = [r for r in slip.rows if getattr(r, attr) is not None]
        odd = [r for r in filled if getattr(r, attr) != getattr(filled[0], attr)]
        if odd:
            return attr, (f"借用单 {first.slip_no} 的“{label}”前后不一致（见第{filled[0].row}行和第{odd[0].row}行）："
                          "一张借用单只有一笔押金，填在第一行即可。")
        if filled:
            setattr(first, attr, getattr(filled[0], attr))
    return None


class _Loans(_Importer):
    def convert(self, row: RowView) -> _LoanRow | None:
        item = _LoanRow(row.number, row.text("slip_no").upper(), tool_units.normalise_code(row.text("asset_code")),
                        row.text("kind"), row.id_number("doc_number"), row.text("name"), row.moment("lent_at"),
                        row.date("due_date"), row.moment("returned_at"), row.text("condition"),
                        ledger_read.plain(row.raw("deposit")), ledger_read.plain(row.raw("refunded")))
        row.check_required()
        if item.condition and item.returned_at is None:
            row.fail("returned_at", "填写了归还状况，但没有归还日期。")
        return None if row.problems else item

    def group(self, items: list[_LoanRow]) -> list[_Slip]:
        """Rows of one 借用单 become one loan, lent in date order so the borrowing rules apply as they did then."""
        slips: dict[str, _Slip] = {}
        for item in items:
            slips.setdefault(item.slip_no or f"#{item.row}", _Slip([])).rows.append(item)
        out = []
        for slip in slips.values():
            problem = _slip_problem(slip)
            if problem:
                self.job.fail(slip.numbers, *problem)
            else:
                out.append(slip)
        return sorted(out, key=lambda s: s.rows[0].lent_at)

    def write(self, items: list[_Slip]) -> None:
        self.job.each_in_savepoint(items, self._write, lambda s: s.numbers,
                                   lambda _s: {"asset_code": "asset_code", "resident": "doc_number"})

    def _write(self, slip: _Slip) -> None:
        actor = self.job.actor
        first = slip.rows[0]
        resident = _resident_for(first.doc_number, first.name)
        if _lent_before(resident, first.lent_at, [r.asset_code for r in slip.rows]):
            raise _AlreadyThere(f"{self.job.ledger.sheet.place(first.row)}：借用单 {first.slip_no} 已在系统中"
                                "（同一借用人、借出时间和工具），跳过。")
        for r in slip.rows:
            if r.kind and tool_units.get_unit(r.asset_code).kind.name != r.kind:
                raise DomainError(f"资产编号 {r.asset_code} 是“{tool_units.get_unit(r.asset_code).kind.name}”，不是“{r.kind}”。",
                                  field="kind")
        lending.lend(actor, resident.id, [r.asset_code for r in slip.rows], due_date=first.due_date,
                          deposit=first.deposit, lent_at=first.lent_at)
        back = sorted((r for r in slip.rows if r.returned_at is not None), key=lambda r: r.returned_at)
        if first.refunded is not None and not back and parse_money(first.refunded, "已退押金"):
            raise DomainError("工具都未归还，不应有已退押金。", field="refunded")
        for i, r in enumerate(back):
            refund = None if first.refunded is None else (first.refunded if i == len(back) - 1 else 0)
            returns.return_unit(actor, r.asset_code, r.condition or tool_units.GOOD, deposit_refund=refund,
                              returned_at=r.returned_at)
        self.job.report.created += 1


def _lent_before(resident: m.Resident, lent_at: dt.datetime, codes: list[str]) -> bool:
    """A slip already taken in: the same borrower, at the same moment, the same tools (slips are renumbered on
    import, so the number cannot tell)."""
    for loan in m.Loan.select().where((m.Loan.resident == resident) & (m.Loan.lent_at == lent_at)):
        lent = (m.LoanItem.select(m.ToolUnit.asset_code).join(m.ToolUnit).where(m.LoanItem.loan == loan).tuples())
        if sorted(code for (code,) in lent) == sorted(codes):
            return True
    return False


class _Events(_Importer):
    """Grid events: the row's meaning and its writing are core/events/ledger.py's."""

    def convert(self, row: RowView) -> event_ledger.LedgerEvent | None:
        value = event_ledger.ledger_value
        item = event_ledger.LedgerEvent(
            row.number, row.moment("found_at"), row.text("category"), value(row.text("level"), event_ledger.LEVEL_FORMS),
            value(row.text("source"), event_ledger.SOURCE_FORMS), row.text("grid"), row.text("place"),
            row.text("description"), row.text("found_by"), row.text("reporter"), row.phone("reporter_phone"),
            value(row.text("route"), event_ledger.ROUTE_FORMS), row.text("case_no"), row.date("reported_on"),
            row.moment("closed_at"), row.text("result"), value(row.text("outcome"), event_ledger.OUTCOME_FORMS))
        row.check_required()
        for key, message in event_ledger.check_row(item):
            row.fail(key, message)
        return None if row.problems else item

    def write(self, items: list[event_ledger.LedgerEvent]) -> None:
        staff = list(m.Staff.select())
        by_name = {s.display_name: s for s in staff} | {s.username: s for s in staff}
        self.job.each_in_savepoint(sorted(items, key=lambda i: i.found_at), lambda i: self._write(i, by_name),
                                   lambda i: [i.row], lambda _i: event_ledger.FIELD_COLUMNS)

    def _write(self, item: event_ledger.LedgerEvent, staff: dict[str, m.Staff]) -> None:
        if event_ledger.write_row(self.job.actor, item, staff) is None:
            raise _AlreadyThere(f"第{item.row}行的事件已导入过（发现时间、网格和问题描述相同），已跳过。")
        self.job.report.created += 1


IMPORTERS: dict[str, type[_Importer]] = {RESIDENTS: _Residents, INTAKES: _Intakes, TOOLS: _Tools, LOANS: _Loans,
                                         EVENTS: _Events}


# ---------------------------------------------------------------- running an import


def run_import(ledger: Ledger, actor: m.Staff | None, options: ImportOptions = ImportOptions(), *,
               progress: Progress | None = None, cancel: Callable[[], bool] | None = None) -> ImportReport:
    """Check every row and (unless a dry run) write them in one transaction; returns what happened.

    All or nothing by default: one bad row and nothing is written. ``options.valid_only`` writes the
    good rows and reports the rest. ``cancel`` is polled as rows go by; cancelling rolls back.
    """
    require(actor, CLERK)
    missing = ledger.missing_required()
    if missing:
        raise DomainError(f"文件中没有“{missing[0].header}”列（或该列没有对应上）。请检查表头，或在导入向导中指定对应的列。")
    sheet = ledger.sheet
    report = ImportReport(ledger.kind, sheet.path.name, len(sheet.rows), options)
    report.notes.extend(note for note in (
        sheet.sheets_read(),
        sheet.blank_rows and f"{sheet.places(sheet.blank_rows)}为空行，已跳过。",
        sheet.total_rows and f"{sheet.places(sheet.total_rows)}为合计或小计行，已跳过。") if note)
    job = _Job(ledger, actor, options, report, progress, cancel, total=2 * len(ledger.sheet.rows))
    importer = IMPORTERS[ledger.kind](job)
    items = []
    template = has_template_columns(ledger)
    for number, values in ledger.sheet.rows:
        if template and is_sample(ledger, values):
            report.notes.append(f"{sheet.place(number)}是模板中的示例行（未改动），已跳过。")
            job.tick()
            continue
        row = RowView(ledger, number, values)
        item = importer.convert(row)
        report.problems.extend(row.problems)
        if item is not None and not row.problems:
            items.append(item)
        job.tick()
    items = importer.group(items)
    if report.problems and not options.valid_only and not options.dry_run:
        return _refused(report, actor)
    if options.dry_run and not importer.checks_by_writing:
        importer.write(items)
        return _sorted(report)
    try:
        with write_transaction():
            importer.write(items)
            if options.dry_run or (report.problems and not options.valid_only):
                raise _Rollback
            audit.record(actor, "导入", ledger.kind, report.file, after={
                "rows": report.rows, "created": report.created, "updated": report.updated,
                "existing": report.existing, "registered": report.registered, "bad_rows": len(report.bad_rows),
                "valid_only": options.valid_only})
            if ledger.service_map and (before := column_choices.remember(SERVICE_MAP_SETTING, ledger.service_map)) is not None:
                audit.record(actor, "记住业务对应", "setting", SERVICE_MAP_SETTING, before=before, after=ledger.service_map)
            column_choices.remember_columns(actor, ledger)
            report.written = True
    except _Rollback:
        if not options.dry_run:
            report.created = report.updated = report.existing = report.registered = 0
            _refused(report, actor)
    if progress is not None:
        progress(job.total, job.total)
    return _sorted(report)


def has_template_columns(ledger: Ledger) -> bool:
    """The file has every column the template gives an example for: a file of a few columns of its own is
    no template, whatever its rows say."""
    return all(spec.key in ledger.mapping for spec in ledger.columns if spec.example != "")


def is_sample(ledger: Ledger, values: tuple) -> bool:
    """The template's example row left as the template wrote it: every column read holds its example
    (in a file with the template's columns, ``has_template_columns``).

    Skipped rather than refused: the template invites rows typed below it, and a file should not fail
    for a row nobody meant as data. A row changed in any cell is data and is read as such, so nothing
    typed is ever dropped; the report names the row skipped.
    """
    shown = [(spec, values[i] if i < len(values) else None) for spec in ledger.columns
             if (i := ledger.mapping.get(spec.key)) is not None]
    return all(_same_as_example(cell, spec) for spec, cell in shown)


def _same_as_example(cell: object, spec: ColumnSpec) -> bool:
    """The cell holds the column's example: as the template's typed cell, or as its text (a CSV copy)."""
    if spec.example == "":
        return ledger_read.plain(cell) is None
    expected = spec.typed_example()
    if isinstance(cell, dt.datetime) and not isinstance(expected, dt.datetime):
        cell = cell.date() if cell.time() == dt.time() else cell
    if isinstance(cell, (int, float)) and isinstance(expected, Decimal):
        cell = Decimal(str(cell))
    return cell == expected or ledger_read.text(cell) == str(spec.example)


def _refused(report: ImportReport, actor: m.Staff | None) -> ImportReport:
    """An all-or-nothing import stopped by bad rows writes no data, but the attempt is in the audit log."""
    with write_transaction():
        audit.record(actor, "导入未完成", report.kind, report.file,
                     after={"rows": report.rows, "bad_rows": len(report.bad_rows)})
    return _sorted(report)


def _sorted(report: ImportReport) -> ImportReport:
    """Problems in row order: rows refused while writing come after those refused while reading."""
    report.problems.sort(key=lambda p: p.row)
    return report


def import_file(path: Path | str, kind: str, actor: m.Staff | None, options: ImportOptions = ImportOptions(),
                **kwargs: Any) -> ImportReport:
    """Read and import a file with the detected (and remembered) column mapping (the command line's road)."""
    return run_import(column_choices.open_ledger(path, kind), actor, options, **kwargs)


def write_skipped_report(report: ImportReport, ledger: Ledger, out: Path | str) -> Path:
    """The rows not imported, as they were in the file, with the reason: fix them there and import it again."""
    by_row = dict(ledger.sheet.rows)
    headers = ["行号", "问题说明", *ledger.sheet.headers]
    several = len(ledger.sheet.parts) > 1  # then the row number alone does not say where the row is
    rows = [[ledger.sheet.place(number) if several else number, "；".join(p.message if not p.column else f"“{p.column}”{p.message}" for p in report.problems_of(number)),
             *by_row.get(number, ())]
            for number in report.bad_rows]
    return write_table(Path(out), "未导入的行", headers, rows, wrap=[1])
