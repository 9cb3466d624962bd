"""What can change: one declared set of topics, used by the change feed (core/station/changes.py), the
live updates between windows (ui/window/live_updates.py) and every page's ``Bus.data_changed``.

A new topic is one line here: its name and the audit entities whose entries change it.
tests/core/station/test_change_topics.py checks that every entity the services record is named here
(or in ``QUIET_ENTITIES``) and that the UI emits and listens for members only, never a bare string.
Nothing is imported: the window's first paint needs this before the database layer loads.
"""

from __future__ import annotations

from enum import StrEnum


class Topic(StrEnum):
    """What can change on the station's screens, each with the audit entities whose entries change it
    (an entity is the second word of an audit entry: what it is about; a ledger's kind for an import)."""

    INTAKE = "intake", ("intake", "intakes", "rating", "rectification")  # ratings and 整改 show on the intake
    RESIDENT = "resident", ("resident", "residents")
    TOOLS = "tools", ("loan", "loans", "tool_unit", "tool_kind", "tools", "reservation", "stock_take")
    EVENTS = "events", ("grid_event", "event_category", "event_partner", "events")
    GRIDS = "grids", ("grid", "building", "person", "diary_entry", "grids", "gridpeople")  # the register, 民情日志
    CARE = "care", ("care_tag", "resident_tag", "care_visit", "care_change")  # 关爱对象与入户走访 (its settings: SETTINGS)
    SETTINGS = "settings", ("setting", "service")
    BACKUP = "backup", ("database", "audit_log")  # the status bar's line on backups and the audit chain

    entities: frozenset[str]

    def __new__(cls, value: str, entities: tuple[str, ...] = ()) -> Topic:
        member = str.__new__(cls, value)
        member._value_ = value
        member.entities = frozenset(entities)
        return member


# Entities no other window shows: accounts, statistics reports, exports of lists that are not ledgers.
# A view of a sensitive care list (audited, PIPL art. 28) changes nothing.
QUIET_ENTITIES = frozenset({"staff", "report", "overdue", "roster", "ratings", "care_view"})
# The station's own topics; every other one is data, reloaded after a lost connection or an unknown entry.
STATION_TOPICS = frozenset({Topic.SETTINGS, Topic.BACKUP})
