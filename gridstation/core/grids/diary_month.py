"""Who writes a 民情日志 and what a month of it holds: the people a clerk may key an entry in for, the grid
an entry defaults to, and the rows of a printed month (a person's or a grid's).

Kept apart from ``diary.py`` (which writes and lists entries) so the printed month and the dialog's
choices read the register without widening the writing service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import diary, people, register
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.storage import models as m
from gridstation.core.storage import settings


def person_choices() -> list[tuple[str, int]]:
    """Every person of the register as (name, id) in Chinese order: an entry may be keyed in for anyone,
    login or not. Two people of one name are told apart by their number."""
    persons = list(m.Person.select(m.Person.id, m.Person.name))
    counts: dict[str, int] = {}
    for person in persons:
        counts[person.name] = counts.get(person.name, 0) + 1
    labelled = [(p.name if counts[p.name] == 1 else f"{p.name}（{p.id}）", p.id) for p in persons]
    return sorted(labelled, key=lambda pair: (sort_key(pair[0]), pair[1]))


def served_grid_id(person_id: int, on: dt.date | None = None) -> int | None:
    """The one grid the person serves on ``on`` (today when not given), or None (none, or several): the
    grid an entry is written under unless the clerk chooses another."""
    served = {role.grid_id for role in people.current_roles(on).where(m.PersonRole.person == person_id)}
    return served.pop() if len(served) == 1 else None


@dataclass(frozen=True)
class MonthRow:
    on: dt.date
    person: str
    grid: str
    seen: str
    resident: str
    done: str
    event: str


@dataclass(frozen=True)
class DiaryMonth:
    """A month's 民情日志 as the printed page shows it: whose (a person or a grid), and its entries by day."""

    station: str
    whose: str
    year: int
    month: int
    rows: list[MonthRow]


def month_of(year: int, month: int, *, person_id: int | None = None, grid_id: int | None = None) -> DiaryMonth:
    """The entries of one month for a person or a grid (at least one is given), oldest day first."""
    if person_id is None and grid_id is None:
        raise DomainError("请选择要打印民情日志的人员或网格。", field="person")
    if not 1 <= month <= 12:
        raise DomainError("月份应为1到12。", field="month")
    first = dt.date(year, month, 1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)
    found = list(diary.entries(person_id=person_id, grid_id=grid_id, date_from=first, date_to=last))
    found.reverse()  # the service lists the newest day first; a month reads from its first day
    whose = [people.get_person(person_id).name] if person_id is not None else []
    if grid_id is not None:
        whose.append(register.grid_label(register.get_grid(grid_id)))
    rows = [MonthRow(on=e.on, person=e.person.name, grid=e.grid.name if e.grid_id else "", seen=e.seen,
                     resident=e.resident.name if e.resident_id else "", done=e.done,
                     event=e.event.number if e.event_id else "") for e in found]
    return DiaryMonth(station=str(settings.get("station_name") or ""), whose=" ".join(whose), year=year, month=month,
                      rows=rows)
