"""The grid events ledger: the cells read here, the row's meaning and writing are ``core/events/ledger.py``'s."""

from __future__ import annotations

from gridstation.core.events import ledger as event_ledger
from gridstation.core.events import numbering
from gridstation.core.ledgers.importers.numbers import Numbering
from gridstation.core.ledgers.importers.rows import AlreadyThere, Importer, RowView
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
            row.text("number").upper())
        row.check_required()
        if problem := NUMBERS.too_long(item.number):
            row.fail("number", problem)
        for key, message in event_ledger.check_row(item):
            row.fail(key, message)
        return None if row.problems else item

    def write(self, items: list[event_ledger.LedgerEvent]) -> None:
        staff = list(m.Staff.select())
        by_name = {s.display_name: s for s in staff} | {s.username: s for s in staff}
        self.job.each_in_savepoint(sorted(items, key=lambda i: i.found_at), lambda i: self._write(i, by_name),
                                   lambda i: [i.row], lambda _i: event_ledger.FIELD_COLUMNS)

    def _write(self, item: event_ledger.LedgerEvent, staff: dict[str, m.Staff]) -> None:
        place = self.job.ledger.sheet.place(item.row)
        self.job.grid(item.grid, include_closed=True)  # a grid the station lacks is made, as for residents
        if event_ledger.taken_in_before(item):
            raise AlreadyThere(f"{place}的事件已导入过（发现时间、网格和问题描述相同），已跳过。")
        item.number = NUMBERS.kept(item.number, place)
        event_ledger.write_row(self.job.actor, item, staff)
        self.job.report.created += 1
