"""An event ledger (网格事件台账) row taken in through the counter's own services.

A station that kept its events in Excel brings them in with the same importer as its other
ledgers (core/ledgers/ledger_import.py reads the cells; this module owns what a row means). Each row is
registered (a new SJ number; the ledger's own numbering is not kept), routed and, when the
ledger says so, closed at its recorded times. A row already taken in (same time found, grid and
description) is skipped, so a ledger imported twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.events import handling, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m


@dataclass
class LedgerEvent:
    row: int
    found_at: dt.datetime | None
    category: str
    level: str
    source: str
    grid: str
    place: str
    description: str
    found_by: str
    reporter: str
    reporter_phone: str
    route: str
    case_no: str
    reported_on: dt.date | None
    closed_at: dt.datetime | None
    result: str


# Which rule a refusal concerns -> the ledger column to name in the report.
FIELD_COLUMNS = {"category": "category", "level": "level", "source": "source", "description": "description",
                 "found_at": "found_at", "reporter": "reporter", "phone": "reporter_phone", "name": "reporter",
                 "case_no": "case_no", "reported_on": "reported_on", "result": "result", "at": "closed_at",
                 "grid": "grid", "found_by": "found_by", "route": "route"}


def check_row(item: LedgerEvent) -> list[tuple[str, str]]:
    """Problems a row shows by itself (column key, message), before anything is written."""
    problems = []
    if item.route and item.route not in (rules.IN_GRID, rules.REPORTED_UP):
        problems.append(("route", f"处置方式只能是“{rules.IN_GRID}”或“{rules.REPORTED_UP}”。"))
    if item.route == rules.REPORTED_UP and not item.case_no:
        problems.append(("case_no", "上报街道的事件请填写街道平台编号。"))
    if item.closed_at and item.found_at and item.closed_at < item.found_at:
        problems.append(("closed_at", "销号时间早于发现时间。"))
    return problems


def write_row(actor: m.Staff | None, item: LedgerEvent, staff: dict[str, m.Staff]) -> m.GridEvent | None:
    """Register, route and close one row; None when the event was taken in before."""
    grid = m.Grid.get_or_none(m.Grid.name == item.grid) if item.grid else None
    if item.grid and grid is None:
        raise DomainError(f"没有名为“{item.grid}”的网格，请先在设置中添加或改正网格名称。", field="grid")
    found_by = staff.get(item.found_by) if item.found_by else None
    if item.found_by and found_by is None:
        raise DomainError(f"没有名为“{item.found_by}”的工作人员。", field="found_by")
    if m.GridEvent.select().where((m.GridEvent.found_at == item.found_at) & (m.GridEvent.grid == grid)
                                  & (m.GridEvent.description == item.description.strip())).exists():
        return None
    reporter = PartyInput(name=item.reporter, phone=item.reporter_phone) if item.reporter or item.reporter_phone else None
    event = register_event(actor, EventInput(item.category, item.level or rules.NORMAL, item.description,
                                             item.source or rules.PATROL, grid_id=grid.id if grid else None,
                                             place=item.place, found_by_id=found_by.id if found_by else None,
                                             found_at=item.found_at, reporter=reporter))
    if item.route == rules.REPORTED_UP:
        event = handling.report_up(actor, event.number, item.case_no, item.reported_on or item.found_at.date(),
                                   at=item.found_at)
    elif item.route == rules.IN_GRID or item.closed_at:
        event = handling.handle_in_grid(actor, event.number, at=item.found_at)
    if item.closed_at:
        event = handling.close(actor, event.number, item.result or "已销号", at=item.closed_at, from_ledger=True)
    return event
