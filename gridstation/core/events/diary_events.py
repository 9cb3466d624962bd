"""One key makes a 民情日志 entry a grid event: registered through the events' own ``register_event`` (its
number, time limit, history and audit), found by the diary's person on the diary's day, and linked back."""

from __future__ import annotations

import datetime as dt

from gridstation.core.events import rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.grids import diary
from gridstation.core.grids.choices import handler_for
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


def make_event(actor: m.Staff | None, entry_id: int, category: str, *, level: str = rules.NORMAL,
               at: dt.datetime | None = None) -> m.GridEvent:
    """The entry as a 巡查发现 event of its grid: what was seen is the problem, the resident it concerns is
    involved, the diary's person found it that day, the grid's 网格长 handles it (as 登记事件 suggests).
    Once per entry."""
    require(actor, CLERK)
    with write_transaction():
        entry = diary.get_entry(entry_id)
        if entry.event_id is not None:
            raise DomainError(f"这条民情日志已转为事件 {entry.event.number}。")
        found_at = min(entry.written_at, dt.datetime.combine(entry.on, dt.time(23, 59)))
        handler = handler_for(entry.grid, entry.on) if entry.grid_id else None
        event = register_event(actor, EventInput(
            category, level, entry.seen, rules.PATROL, grid_id=entry.grid_id, found_at=found_at,
            finder_id=entry.person_id, assignee_id=handler.id if handler else None,
            involved=[entry.resident_id] if entry.resident_id else []), at=at)
        m.DiaryEntry.update(event=event).where(m.DiaryEntry.id == entry.id).execute()
        audit.record(actor, "民情日志转为事件", "diary_entry", entry.id, after={"event": event.number})
    return event
