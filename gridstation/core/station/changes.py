"""What the other windows changed: the audit log read as the station's change feed.

Every write records an audit entry in its own transaction (a rule of the services), so the newest
audit id is already a change counter that every window bumps, on SQLite and PostgreSQL alike, and
each entry's ``entity`` says which part of the station changed. A window polls ``changes_since``
every few seconds: one indexed ``MAX(id)`` when nothing happened, one short range read of the new
entries when something did. No extra table, no trigger, nothing more to write on each save.

The ids come in commit order because writes are serialised (SQLite's write lock, PostgreSQL's
advisory write lock in ``db.write_transaction``): an entry with a smaller id can never commit after
a poll has moved past it.

Areas are the names the pages listen for on ``Bus.data_changed``: "intake", "resident", "tools",
"events", "settings".
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from gridstation.core.station import printouts
from gridstation.core.storage import models as m

DATA_AREAS = frozenset({"intake", "resident", "tools", "events"})
ALL_AREAS = DATA_AREAS | {"settings"}

AREAS_OF_ENTITY: dict[str, frozenset[str]] = {
    "intake": frozenset({"intake"}),
    "intakes": frozenset({"intake"}),  # a ledger import
    "rating": frozenset({"intake"}),  # ratings and 整改 show on the intake's page (audited as "intake" before)
    "rectification": frozenset({"intake"}),
    "resident": frozenset({"resident"}),
    "residents": frozenset({"resident"}),
    "loan": frozenset({"tools"}),
    "loans": frozenset({"tools"}),
    "tool_unit": frozenset({"tools"}),
    "tool_kind": frozenset({"tools"}),
    "tools": frozenset({"tools"}),
    "reservation": frozenset({"tools"}),
    "stock_take": frozenset({"tools"}),
    "setting": frozenset({"settings"}),
    "grid_event": frozenset({"events"}),
    "event_category": frozenset({"events"}),
    "event_partner": frozenset({"events"}),
    "service": frozenset({"settings"}),
    "staff": frozenset(),  # no list on another window shows accounts' changes
    "report": frozenset(),
}

# Entries that record a look or a print, not a change: no window needs to reload for them.
NOT_CHANGES = frozenset({"登录", "登录失败", "查看电话", "生成统计报表", "备份", "导出",
                         "导出完整证件号"}) | printouts.ACTIONS

# More new entries than this at once (an import, demo data): reload everything instead of reading them.
BATCH = 200


@dataclass(frozen=True)
class Changes:
    cursor: int  # the newest audit id seen; pass it to the next call
    areas: frozenset[str]


def latest() -> int:
    """The newest audit id: where a window starts watching."""
    return int(m.AuditLog.select(fn.MAX(m.AuditLog.id)).scalar() or 0)


def areas_of(entity: str, action: str) -> frozenset[str]:
    """The areas an entry touches; an entity this module does not know touches every data area."""
    if action in NOT_CHANGES:
        return frozenset()
    return AREAS_OF_ENTITY.get(entity, DATA_AREAS)


def changes_since(cursor: int) -> Changes:
    """The areas changed by entries after ``cursor``, and the new cursor.

    A newest id below the cursor means the database was replaced (a restore): everything changed.
    """
    newest = latest()
    if newest == cursor:
        return Changes(cursor, frozenset())
    if newest < cursor or newest - cursor > BATCH:
        return Changes(newest, ALL_AREAS)
    rows = (m.AuditLog.select(m.AuditLog.entity, m.AuditLog.action)
            .where((m.AuditLog.id > cursor) & (m.AuditLog.id <= newest)).tuples())
    areas: set[str] = set()
    for entity, action in rows:
        areas |= areas_of(entity, action)
    return Changes(newest, frozenset(areas))
