"""The grid tree as the care domain reads it: a grid worker serves the micro-grids (五级) under their grid, so
they see those residents' tags and are their default visitor where the micro-grid has no worker of its own.
Read once a list (a station has tens of grids), walked in Python.
"""

from __future__ import annotations

from gridstation.core.storage import models as m


def grid_parents() -> dict[int, int | None]:
    """Each grid's parent, in one query: the care rules walk the tree in Python (a station has tens of grids)."""
    return dict(m.Grid.select(m.Grid.id, m.Grid.parent).tuples())


def with_sub_grids(grids: set[int], parents: dict[int, int | None]) -> frozenset[int]:
    """The grids and every grid below them: a grid worker serves the micro-grids (五级) of their grid too."""
    children: dict[int, list[int]] = {}
    for grid, parent in parents.items():
        if parent is not None:
            children.setdefault(parent, []).append(grid)
    found, todo = set(grids), list(grids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return frozenset(found)


def nearest(grid: int, parents: dict[int, int | None], found: dict[int, str]) -> str | None:
    """What ``found`` holds for the grid, else for the nearest grid above it (a micro-grid with no worker of
    its own is visited by its parent grid's), as ``people.grid_head_of`` climbs for the 网格长."""
    seen: set[int] = set()
    current: int | None = grid
    while current is not None and current not in seen:
        if current in found:
            return found[current]
        seen.add(current)
        current = parents.get(current)
    return None
