"""The grid ledger export (网格划分表), in the import's columns, so it imports back unchanged.

The tree is walked from the community down (a grid before the grids under it, as the import writes
them): a row for each open grid with its level, kind, parent (by code, never ambiguous) and scope,
then a row for each of its buildings (and their units) and for each unit that is a micro-grid of its own,
each naming its grid by code and name.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from gridstation.core.grids import places, register
from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols
from gridstation.core.storage import models as m

# What --full-id shows unmasked: nothing, the ledger holds no ID or personal phone number.
FULL_SHOWS = ""


@dataclass(frozen=True)
class _GridLine:
    grid: m.Grid
    building: m.Building | None = None
    unit: m.Unit | None = None


def columns(_full: bool) -> list[Col]:
    def of_grid(read: Any) -> Any:  # the grid's own columns are on its own row only
        return lambda line: read(line.grid) if line.building is None else ""

    def of_building(read: Any) -> Any:  # the building's own columns are on its building's row only
        return lambda line: read(line.building) if line.building is not None and line.unit is None else ""

    return cols(ledger_columns.GRID_COLUMNS, {
        "code": lambda line: line.grid.code, "grid": lambda line: line.grid.name,
        "level": of_grid(lambda g: g.level), "kind": of_grid(lambda g: g.kind),
        "parent": of_grid(lambda g: g.parent.code if g.parent_id else ""), "scope": of_grid(lambda g: g.scope),
        "opened_on": of_grid(lambda g: g.opened_on),
        "compound": lambda line: line.building.compound if line.building else "",
        "building": lambda line: line.building.number if line.building else "",
        "unit": lambda line: line.unit.number if line.unit else "",
        "households": of_building(lambda b: b.households),
        "property_company": of_building(lambda b: b.property_company),
        "property_contact": of_building(lambda b: b.property_contact),
    })


def records(_source: Any, _full: bool) -> Iterator[_GridLine]:
    """Every open grid, parents first, each followed by its buildings and its micro-grid units."""
    def walk(parent: m.Grid | None) -> Iterator[_GridLine]:
        for grid in register.children_of(parent):
            yield _GridLine(grid)
            for building in places.buildings_of(grid):  # each followed by its units in its grid (单元长 serve them)
                yield _GridLine(grid, building)
                yield from (_GridLine(grid, building, u) for u in places.units_of(building) if u.grid_id is None)
            units = m.Unit.select(m.Unit, m.Building).join(m.Building).where(m.Unit.grid == grid)
            yield from (_GridLine(grid, u.building, u) for u in units.order_by(m.Building.key, m.Unit.key))
            yield from walk(grid)

    return walk(None)
