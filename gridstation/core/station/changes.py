"""What the other windows changed: the audit log read as the station's change feed.

Every write records an audit entry in its own transaction (a rule of the services), so the newest
audit id is already a change counter that every window bumps, on SQLite and PostgreSQL alike, and
each entry's ``entity`` says which part of the station changed. A window polls ``changes_since``
every few seconds: one indexed ``MAX(id)`` when nothing happened, one short range read of the new
entries when something did. No extra table, no trigger, nothing more to write on each save.

The ids come in commit order because writes are serialised (SQLite's write lock, PostgreSQL's
advisory write lock in ``db.write_transaction``): an entry with a smaller id can never commit after
a poll has moved past it.

What can change is declared once, as ``Topic`` (core/station/topics.py); this module maps each audit
entry's entity to its topics, the live updates emit them, and the pages emit and listen for them on
``Bus.data_changed``.
"""

from __future__ import annotations

from dataclasses import dataclass

from peewee import fn

from gridstation.core.station import printouts
from gridstation.core.station.topics import QUIET_ENTITIES, STATION_TOPICS, Topic
from gridstation.core.storage import models as m

DATA_AREAS = frozenset(Topic) - STATION_TOPICS
ALL_AREAS = frozenset(Topic)

AREAS_OF_ENTITY: dict[str, frozenset[Topic]] = {
    **{entity: frozenset(t for t in Topic if entity in t.entities) for t in Topic for entity in t.entities},
    **dict.fromkeys(QUIET_ENTITIES, frozenset()),
    "demo": DATA_AREAS,  # one entry for a whole run of demo data
}

# Entries that record a look or a print, not a change: no window needs to reload for them.
NOT_CHANGES = frozenset({"登录", "登录失败", "查看电话", "生成统计报表", "备份", "导出",
                         "导出完整证件号"}) | printouts.ACTIONS

# More new entries than this at once (an import, demo data): reload everything instead of reading them.
BATCH = 200


@dataclass(frozen=True)
class Changes:
    cursor: int  # the newest audit id seen; pass it to the next call
    areas: frozenset[Topic]


def latest() -> int:
    """The newest audit id: where a window starts watching."""
    return int(m.AuditLog.select(fn.MAX(m.AuditLog.id)).scalar() or 0)


def areas_of(entity: str, action: str) -> frozenset[Topic]:
    """The topics an entry touches; an entity ``Topic`` does not name touches every data topic."""
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
    areas: set[Topic] = set()
    for entity, action in rows:
        areas |= areas_of(entity, action)
    return Changes(newest, frozenset(areas))
