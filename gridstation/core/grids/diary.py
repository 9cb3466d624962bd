"""民情日志: a grid worker's own diary — the day, the grid, what was seen or heard, whom it concerns, what was
done — written by any person of the register (keyed in at the counter for those without a login).

An entry that becomes a grid event is linked to it (``events/diary_events.py`` makes the event through the
events' own register); the diary keeps the entry as written.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from gridstation.core.grids import people, register
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import NOTE_LIMIT, clean_text
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass
class DiaryInput:
    """One entry. ``grid`` is a code or unique name; "" takes the grid the person serves (when just one)."""

    person_id: int
    on: dt.date
    seen: str
    grid: str = ""
    resident_id: int | None = None
    done: str = ""


def get_entry(entry_id: int) -> m.DiaryEntry:
    entry = m.row_or_none(m.DiaryEntry, entry_id)
    if entry is None:
        raise NotFound(f"找不到编号为 {entry_id} 的民情日志。")
    return entry


def _grid_for(data: DiaryInput, person: m.Person) -> m.Grid:
    """The grid written, or the one grid the person served that day."""
    if data.grid.strip():
        grid = register.find_grid(data.grid, include_closed=True)
    else:
        served = {r.grid_id for r in people.current_roles(data.on).where(m.PersonRole.person == person)}
        if len(served) != 1:
            raise DomainError(f"请选择网格（“{person.name}”当天{'服务多个网格' if served else '没有网格岗位'}）。",
                              field="grid")
        grid = register.get_grid(served.pop())
    if grid.closed_on is not None and grid.closed_on <= data.on:
        raise DomainError(f"网格“{grid.name}”已于 {grid.closed_on:%Y-%m-%d} 撤销。", field="grid")
    return grid


def write_entry(actor: m.Staff | None, data: DiaryInput, *, at: dt.datetime | None = None) -> m.DiaryEntry:
    """Write one entry of a person's 民情日志 (any clerk may key it in for them)."""
    require(actor, CLERK)
    moment = at or clock.now()
    seen = clean_text(data.seen, "所见所闻", NOTE_LIMIT, required=True, lines=True, field="seen")
    done = clean_text(data.done, "处理情况", NOTE_LIMIT, lines=True, field="done")
    if data.on > moment.date():
        raise DomainError("日志日期不能晚于今天。", field="on")
    with write_transaction():
        person = people.get_person(data.person_id)
        grid = _grid_for(data, person)
        if data.resident_id is not None and m.row_or_none(m.Resident, data.resident_id) is None:
            raise NotFound(f"找不到编号为 {data.resident_id} 的居民。")
        entry = m.DiaryEntry.create(on=data.on, person=person, grid=grid, seen=seen, resident=data.resident_id,
                                    done=done, written_by=actor, written_at=moment)
        audit.record(actor, "写民情日志", "diary_entry", entry.id,
                     after={"person": person.name, "on": data.on, "grid": grid.name, "seen": seen, "done": done,
                            "resident": data.resident_id})
    return entry


def entries(*, person_id: int | None = None, grid_id: int | None = None, date_from: dt.date | None = None,
            date_to: dt.date | None = None) -> peewee.ModelSelect:
    """Entries by person, grid and dates, newest day first (a query: a page takes what it shows)."""
    query = m.DiaryEntry.select(m.DiaryEntry, m.Person).join(m.Person)
    if person_id is not None:
        query = query.where(m.DiaryEntry.person == person_id)
    if grid_id is not None:
        query = query.where(m.DiaryEntry.grid == grid_id)
    if date_from is not None:
        query = query.where(m.DiaryEntry.on >= date_from)
    if date_to is not None:
        query = query.where(m.DiaryEntry.on <= date_to)
    return query.order_by(m.DiaryEntry.on.desc(), m.DiaryEntry.id.desc())
