"""The residents ledger: the counter's rules (``residents.clean_input``) on every row, written in bulk.

Residents arrive by the hundred thousand, so they take a faster road with the same rules: the
pure check runs before the transaction, and new residents are written with ``insert_many`` in
chunks together with their pinyin keys. A resident already registered (same ID number) is skipped,
or updated through ``residents.save_resident`` when the user asks for it: ``_update_input`` is the one
rule of such an update (only the columns the file has, never by an empty cell).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

import peewee

from gridstation.core.grids import places, register
from gridstation.core.intake import residents
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.importers.rows import CHUNK, Importer, Job, RowView, chunks
from gridstation.core.residents import status
from gridstation.core.rules import clock, idcard
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.pinyin_keys import name_keys
from gridstation.core.storage import models as m
from gridstation.core.storage.db import bulk_insert, current

FIELDS = tuple(f.name for f in dataclasses.fields(residents.ResidentInput) if f.name != "extra")
LISTED_CHANGES = 20  # residents whose changes a report lists one by one; the rest are counted


@dataclass
class _ResidentRow:
    row: int
    data: residents.ResidentInput
    values: dict[str, Any]
    keys: list[str]
    given: frozenset[str]  # the fields whose cell on this row is filled in
    status: dict[str, Any] | None  # 状态, 状态日期, 迁往 as stored, None where the 状态 cell is empty
    changes: str = ""  # what an update would change, in words (「养老金领取人员 否→是」)
    fields_change: bool = False  # whether the update changes more than the status (the record is saved then)


class ResidentImporter(Importer):
    checks_by_writing = False

    def __init__(self, job: Job) -> None:
        super().__init__(job)
        self.seen: dict[str, int] = {}
        self.grids: dict[str, int | None] = {}
        self.grid_names: dict[str, str] = {}  # a grid name -> its refusal ("" when it is no shared name)
        self.placer: places.Placer | None = None
        self.grid_words: dict[int, tuple[str, set[str]]] = {}  # a grid id -> its name, and every way to write it
        self.overridden = 0  # rows whose 网格 cell the address overrode

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
        if problem := self._shared_grid_name(data.grid, values):
            row.fail("grid", problem)
        self._note_address_wins(row, data.grid, values)
        written = row.text("status")
        try:
            gone = status.checked_status(written, row.date("status_on"), row.text("moved_to"), today=clock.today(),
                                         birth_date=values["birth_date"]) if written else None
        except DomainError as exc:
            row.refuse(exc)
            return None
        first = self.seen.setdefault(values["doc_number"], row.number)
        if first != row.number:
            row.fail("doc_number", f"与{self.job.ledger.sheet.place(first)}的证件号码相同：同一居民只能登记一次。")
        if row.problems:
            return None
        given = frozenset(k for k in FIELDS if row.ledger.has_column(k, row.number)
                          and ledger_read.plain(row.raw(k)) is not None)
        return _ResidentRow(row.number, data, values, name_keys(values["name"]), given, gone)

    def _note_address_wins(self, row: RowView, name: str, values: dict[str, Any]) -> None:
        """A 网格 cell naming another grid than the one the address lies in: the address places the resident
        (as at the counter), and the report says so, so the station does not believe its column was taken."""
        if not name.strip() or self.placer is None:
            return
        placed = self.placer.grid_id(values["address_key"], values["unit_key"])
        if placed is None:
            return
        if placed not in self.grid_words:
            grid = m.Grid.get_by_id(placed)
            self.grid_words[placed] = (grid.name, {grid.name, grid.code or "", register.grid_label(grid)})
        shown, words = self.grid_words[placed]
        if name.strip() not in words and self.overridden < LISTED_CHANGES:
            self.job.report.notes.append(f"{self.job.ledger.sheet.place(row.number)}：地址属于{shown}，"
                                         f"表中写的网格“{name.strip()}”不采用。")
        self.overridden += name.strip() not in words

    def _shared_grid_name(self, name: str, values: dict[str, Any]) -> str:
        """The refusal of a grid name several grids share (it names their codes), "" for any other name or
        where the row's building places the resident anyway; asked once per name, since a ledger names a
        few grids on many rows."""
        if not name.strip():
            return ""
        if self.placer is None:
            self.placer = places.Placer()
        if self.placer.grid_id(values["address_key"], values["unit_key"]) is not None:
            return ""
        if name not in self.grid_names:
            self.grid_names[name] = ""
            try:
                register.find_grid(name)
            except NotFound:
                pass  # made by the import, and listed in its dry run
            except DomainError as exc:
                self.grid_names[name] = exc.message
        return self.grid_names[name]

    def write(self, items: list[_ResidentRow]) -> None:
        """New residents in bulk; registered ones skipped, or updated where the row changes something."""
        known = _registered([i.values["doc_number"] for i in items])
        new = [i for i in items if i.values["doc_number"] not in known]
        old = [i for i in items if i.values["doc_number"] in known]
        report = self.job.report
        changed = self._changed(old) if self.job.options.update_existing else []
        report.existing += len(old) - len(changed)
        self.job.tick(len(old) - len(changed))
        if self.job.options.dry_run:
            report.created += len(new)
            report.updated += len(changed)
            self._rehearse_grids(new, changed)
            self.job.tick(len(new) + len(changed))
            return
        for chunk in chunks(new, CHUNK * 10):
            self._insert(chunk)
            report.created += len(chunk)
            self.job.tick(len(chunk))
        self.job.each_in_savepoint(changed, self._update, lambda i: [i.row], lambda _i: {})

    def _insert(self, chunk: list[_ResidentRow]) -> None:
        now = _stored(clock.now())
        fields = [m.Resident.name, m.Resident.doc_type, m.Resident.doc_number, m.Resident.doc_rev,
                  m.Resident.gender, m.Resident.birth_date, m.Resident.phone, m.Resident.phone_rev,
                  m.Resident.compound, m.Resident.building, m.Resident.unit, m.Resident.room,
                  m.Resident.is_pensioner, m.Resident.notes, m.Resident.address_key, m.Resident.unit_key,
                  m.Resident.grid, m.Resident.status, m.Resident.status_on, m.Resident.moved_to, m.Resident.created_at,
                  m.Resident.updated_at]
        names = [f.name for f in fields[:-6]]
        placer = places.Placer()
        present = {"status": status.PRESENT, "status_on": None, "moved_to": ""}
        bulk_insert(fields, [tuple(_stored(i.values[n]) for n in names)
                             + (placer.grid_id(i.values["address_key"], i.values["unit_key"]) or self._grid(i.data.grid),)
                             + tuple(_stored(v) for v in (i.status or present).values()) + (now, now) for i in chunk])
        ids = _registered([i.values["doc_number"] for i in chunk])
        bulk_insert([m.ResidentKey.resident, m.ResidentKey.key],
                     [(ids[i.values["doc_number"]], k) for i in chunk for k in i.keys])

    def _grid(self, name: str) -> int | None:
        """The grid the row names, created from the ledger when the station has none of that name."""
        if name not in self.grids:
            grid = self.job.grid(name)
            self.grids[name] = grid.id if grid else None
        return self.grids[name]

    def _rehearse_grids(self, new: list[_ResidentRow], changed: list[_ResidentRow]) -> None:
        """A dry run makes the grids the import would make, the same way, and rolls them back: its list
        of new grids is exactly the import's (the rows themselves are checked without writing)."""
        with current().atomic() as rehearsal:
            placer = places.Placer()
            for item in new:
                if placer.grid_id(item.values["address_key"], item.values["unit_key"]) is None:
                    self._grid(item.data.grid)
            for item in changed:
                self.job.grid(item.data.grid)
            rehearsal.rollback()
        self.grids.clear()

    def _changed(self, items: list[_ResidentRow]) -> list[_ResidentRow]:
        """The rows that would change their registered resident (a ledger imported again changes nothing),
        each with what it changes; the first few are listed in the report's notes."""
        out = []
        placer = places.Placer()
        for part in chunks(items, CHUNK):
            stored = {r.doc_number: r for r in m.Resident.select(m.Resident, m.Grid)
                      .join(m.Grid, peewee.JOIN.LEFT_OUTER)
                      .where(m.Resident.doc_number.in_([i.values["doc_number"] for i in part]))}
            for item in part:
                resident = stored[item.values["doc_number"]]
                item.data = _update_input(resident, item)
                item.changes = "，".join(self._change_words(resident, item, placer))
                if item.changes:
                    out.append(item)
        notes = [f"{i.values['name']}：{i.changes}" for i in out[:LISTED_CHANGES]]
        if len(out) > LISTED_CHANGES:
            notes.append(f"另有 {len(out) - LISTED_CHANGES} 位居民的更改未列出。")
        self.job.report.notes.extend(notes)
        return out

    def _change_words(self, resident: m.Resident, item: _ResidentRow, placer: places.Placer) -> list[str]:
        """「联系电话 13551413927→13900001111」 for each field the update changes, named as the file names it."""
        new = residents.clean_input(item.data)
        placed = placer.grid_id(new["address_key"], new["unit_key"])  # the building's grid wins
        new["grid"] = m.Grid.get_by_id(placed).name if placed is not None else item.data.grid.strip()
        old = {k: getattr(resident, k) for k in FIELDS if k != "grid"}
        old["grid"] = resident.grid.name if resident.grid_id else ""
        words = [f"{self.job.ledger.header_of(k, item.row)} {_shown(k, old[k])}→{_shown(k, new[k])}"
                 for k in FIELDS if old[k] != new[k]]
        item.fields_change = bool(words)
        if _status_changes(resident, item):
            words.append(f"状态 {status.describe(resident)}→{status.describe(m.Resident(**item.status))}")
        return words

    def _update(self, item: _ResidentRow) -> None:
        """Through save_resident, so the change gets the same check and audit entry as one made at the counter
        (the row's grid made first where the station has none of that name: only a ledger creates grids; not
        kept in ``self.grids``, as the row's savepoint undoes it if the row is refused)."""
        self.job.grid(item.data.grid)
        resident = residents.find_by_document(item.values["doc_number"])
        if item.fields_change:  # a row changing only the status writes no empty 修改居民 entry
            residents.save_resident(self.job.actor, item.data, resident.id)
        if _status_changes(resident, item):  # through the counter's service: its role rule and audit entry
            status.change_status(self.job.actor, resident.id, item.status["status"], on=item.status["status_on"],
                                 moved_to=item.status["moved_to"])
        self.job.report.updated += 1


def _status_changes(resident: m.Resident, item: _ResidentRow) -> bool:
    """Whether the row's 状态 (when filled in) differs from the stored one; an empty cell changes nothing."""
    if item.status is None:
        return False
    return (resident.status, resident.status_on, resident.moved_to) != tuple(item.status.values())


def _update_input(resident: m.Resident, item: _ResidentRow) -> residents.ResidentInput:
    """What an update from a ledger saves: the stored resident with the fields the row fills in.

    A list from another office often has only 姓名/身份证号 and one column of its own, and a cell left
    empty says nothing: neither a missing column nor an empty cell clears a stored value (a station
    that means to clear one does it in the resident's dialog).
    """
    return dataclasses.replace(residents.input_of(resident), **{k: getattr(item.data, k) for k in item.given})


def _shown(key: str, value: object) -> str:
    """A field's value in a change note; a phone masked as in every list (the full number is looked up
    on purpose, with an audit entry)."""
    if key == "phone" and value:
        return idcard.mask_phone(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value) if value not in (None, "") else "（空）"


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
    for part in chunks(numbers, CHUNK):
        found.update((n, i) for i, n in m.Resident.select(m.Resident.id, m.Resident.doc_number)
                     .where(m.Resident.doc_number.in_(part)).tuples())
    return found


