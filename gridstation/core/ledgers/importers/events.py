"""The grid events ledger: the cells read here, the row's meaning and writing are ``core/events/ledger.py``'s."""

from __future__ import annotations

from peewee import fn

from gridstation.core.events import ledger as event_ledger
from gridstation.core.events import lists, numbering
from gridstation.core.grids import people
from gridstation.core.ledgers.importers.numbers import Numbering
from gridstation.core.ledgers.importers.rows import AlreadyThere, Importer, RowView
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.person_names import clean_name
from gridstation.core.storage import models as m

NUMBERS = Numbering("number", "事件编号", "事件", lambda number: m.GridEvent.get_or_none(m.GridEvent.number == number),
                    numbering.parse_number)


class EventImporter(Importer):
    """Grid events: the row's meaning and its writing are core/events/ledger.py's."""

    def convert(self, row: RowView) -> event_ledger.LedgerEvent | None:
        value = event_ledger.ledger_value
        item = event_ledger.LedgerEvent(
            row.number, row.moment("found_at"), row.text("category"), value(row.text("level"), event_ledger.LEVEL_FORMS),
            value(row.text("source"), event_ledger.SOURCE_FORMS), row.text("grid"), row.text("place"),
            row.text("description"), row.text("found_by"), row.text("reporter"), row.phone("reporter_phone"),
            value(row.text("route"), event_ledger.ROUTE_FORMS), row.text("case_no"), row.date("reported_on"),
            row.moment("closed_at"), row.text("result"), value(row.text("outcome"), event_ledger.OUTCOME_FORMS),
            row.text("number").upper(), row.text("assignee"))
        row.check_required()
        if problem := NUMBERS.too_long(item.number):
            row.fail("number", problem)
        for key, message in event_ledger.check_row(item):
            row.fail(key, message)
        for key, name in (("found_by", item.found_by), ("assignee", item.assignee)):
            try:  # checked here, so a bad name is said in its own column (the person is made at writing)
                clean_name(name, limit=people.NAME_LIMIT) if name.strip() else None
            except DomainError as exc:
                row.fail(key, exc.message)
        return None if row.problems else item

    def write(self, items: list[event_ledger.LedgerEvent]) -> None:
        partners = {p.name for p in lists.partners()}
        made: list[str] = []
        self.job.each_in_savepoint(sorted(items, key=lambda i: i.found_at),
                                   lambda i: made.extend(self._write(i, partners)),
                                   lambda i: [i.row], lambda _i: event_ledger.FIELD_COLUMNS)
        if self.job.options.dry_run and made:
            self.job.report.notes.append(self.people_note(made))
        self.job.report.notes.extend(self.shared_names(items))

    @staticmethod
    def shared_names(items: list[event_ledger.LedgerEvent]) -> list[str]:
        """A 发现人 or 经办人 several people of the register are called: the import takes the one registered
        first (``people.people_named``), and says so, so the station can choose another on the event."""
        named = {n.strip() for i in items for n in (i.found_by, i.assignee) if n.strip()}
        shared = (m.Person.select(m.Person.name, fn.COUNT(m.Person.id)).where(m.Person.name.in_(sorted(named)))
                  .group_by(m.Person.name).having(fn.COUNT(m.Person.id) > 1).tuples())
        return [f"网格登记中有{count}人叫“{name}”，本表写到的“{name}”都取最早登记的一位；如是另一位，请在事件中改选。"
                for name, count in shared]

    @staticmethod
    def people_note(made: list[str]) -> str:
        """「将新增人员N个：…」: the people of the register a dry run's rows would add, so a typo is seen
        before it becomes a person (a real import audits each person it adds)."""
        return f"将新增人员{len(made)}个：{'、'.join(made)}"

    def _write(self, item: event_ledger.LedgerEvent, partners: set[str]) -> list[str]:
        """One row in its savepoint; returns the names a person was made for (none if the row is refused)."""
        place = self.job.ledger.sheet.place(item.row)
        self.job.grid(item.grid, include_closed=True)  # a grid the station lacks is made, as for residents
        if event_ledger.taken_in_before(item):
            raise AlreadyThere(f"{place}的事件已导入过（发现时间、网格和问题描述相同），已跳过。")
        item.number = NUMBERS.kept(item.number, place)
        named, made = people.people_named(self.job.actor, item.names(partners))
        event_ledger.write_row(self.job.actor, item, named)
        self.job.report.created += 1
        return made
