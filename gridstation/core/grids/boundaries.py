"""Boundaries that change: a grid split into new ones, and a grid made by mistake merged into the right one.

A split keeps the old grid's history (it is closed, or stays as the parent of the new ones). A merge is
for a grid that should never have existed (a typo in a ledger, 第一网络 for 第一网格): everything that named
it — residents, intakes, events, buildings, units, people's roles, 民情日志, grids under it — moves to the
right grid and the typo disappears, so a figure never shows the same grid twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from gridstation.core.grids import places, register, rules
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass
class SplitPart:
    """One grid a split makes (under the old one or beside it, as ``grid.parent`` says), and the ids of
    the old grid's buildings that move into it."""

    grid: register.GridInput
    buildings: Sequence[int] = field(default_factory=tuple)


def split_grid(actor: m.Staff | None, grid_id: int, parts: Sequence[SplitPart], *, close: bool = True,
               on: dt.date | None = None, at: dt.datetime | None = None) -> list[m.Grid]:
    """Split a grid: new grids (under it or beside it), its buildings moved into them with their residents.

    With ``close`` the old grid is closed on ``on`` (every building must have gone to a new grid); without
    it the old grid goes on as the parent of the new ones (a grid divided into micro-grids). One write:
    an audit entry per new grid and per building moved, and one for the split.
    """
    require(actor, HEAD)
    if not parts:
        raise DomainError("请至少写一个拆分后的网格。")
    day = on or (at or clock.now()).date()
    with write_transaction():
        old = register.get_grid(grid_id)
        if old.closed_on is not None:
            raise DomainError(f"网格“{old.name}”已于 {old.closed_on:%Y-%m-%d} 撤销，不能再拆分。")
        made = []
        for part in parts:
            values = register.checked_values(part.grid, None)
            values["opened_on"] = values["opened_on"] or day
            grid = register.create_row(values)
            audit.record(actor, "新增网格", "grid", grid.code, after=register.audit_view(grid))
            for building_id in part.buildings:
                building = places.get_building(building_id)
                if building.grid_id != old.id:
                    raise DomainError(f"楼栋“{places.building_label(building)}”不在网格“{old.name}”中。")
                places.move_building_in_write(actor, building, grid, at=at)
            made.append(grid)
        before = register.audit_view(old)
        if close:
            register.refuse_while_in_use(old)
            m.Grid.update(closed_on=day).where(m.Grid.id == old.id).execute()
        audit.record(actor, "拆分网格", "grid", old.code, before=before,
                     after={**register.audit_view(register.get_grid(old.id)), "new_grids": [g.code for g in made]})
    return made


# Every column that names a grid, and so moves in a merge.
_GRID_COLUMNS = (m.Resident.grid, m.Intake.grid, m.GridEvent.grid, m.Building.grid, m.Unit.grid,
                 m.PersonRole.grid, m.DiaryEntry.grid, m.Grid.parent)


def merge_grids(actor: m.Staff | None, typo_id: int, into_id: int) -> m.Grid:
    """Merge a grid made by mistake into the right one: what named it names the right one, and it is deleted.

    The audit entry keeps the typo's name and code and how many rows of each kind moved, so the merge
    can be read (and the typo told apart from a real grid) later.
    """
    require(actor, HEAD)
    with write_transaction():
        typo, into = register.get_grid(typo_id), register.get_grid(into_id)
        if typo.id == into.id:
            raise DomainError("请选择另一个网格：不能把网格合并到它自己。")
        if into.closed_on is not None:
            raise DomainError(f"网格“{into.name}”已于 {into.closed_on:%Y-%m-%d} 撤销，不能并入。")
        if typo.id in register.line_of(into):
            raise DomainError(f"“{into.name}”在“{typo.name}”之下，请先把它移出再合并。")
        if typo.level != into.level and typo.level in rules.LEVELS and into.level in rules.LEVELS:
            raise DomainError(f"“{typo.name}”是{typo.level}网格，“{into.name}”是{into.level}网格：合并用于改正录重的同级网格，"
                              "层级不同的请用移动楼栋或拆分。")
        for child in m.Grid.select(m.Grid.level).where((m.Grid.parent == typo.id) & register.open_condition()):
            rules.check_below(child.level, into.level)  # its grids go under the target: the order of levels holds
        moved = {f"moved_{column.model._meta.table_name}": column.model.update({column: into.id})
                 .where(column == typo.id).execute() for column in _GRID_COLUMNS}
        before = register.audit_view(typo)
        m.Grid.delete().where(m.Grid.id == typo.id).execute()
        audit.record(actor, "合并网格", "grid", into.code, before=before,
                     after={**register.audit_view(into), **{k: v for k, v in moved.items() if v}})
    return register.get_grid(into.id)

