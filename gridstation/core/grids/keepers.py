"""Who keeps a resident's grid: the grid workers the counter names beside a resident (the intake page, the
resident's record), so the clerk can say whom to call. A phone is given only where the person agreed to
publish it, as on the 网格员公示牌."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import board, people, rules
from gridstation.core.storage import models as m


@dataclass(frozen=True)
class Keeper:
    name: str
    role: str
    phone: str  # "" unless the person agreed to publish it


def keepers_of(grid: m.Grid, on: dt.date | None = None) -> list[Keeper]:
    """The grid's 网格员 now (专职 before 兼职; a micro-grid's are those of the grid above); with none, its
    网格长 (or the 网格长 above it), so the counter still names someone to call."""
    found = [Keeper(person.name, role.role, board.published_phone(person))
             for person, role in people.workers_of(grid, on)]
    unique = list(dict.fromkeys(found))
    if unique:
        return unique
    head = people.grid_head_of(grid, on)
    return [Keeper(head.name, rules.GRID_HEAD, board.published_phone(head))] if head is not None else []
