"""The one line the counter shows about a resident's grid: the grid and whom to call there."""

from __future__ import annotations

from gridstation.core.grids import keepers, register, rules
from gridstation.core.storage import models as m


def keepers_text(grid: m.Grid) -> str:
    """网格员：张建国 13800001111、李红 — the phone only where it may be published."""
    people = keepers.keepers_of(grid)
    if not people:
        return "尚未安排网格员"
    names = "、".join(f"{k.name} {k.phone}" if k.phone else k.name for k in people)
    caption = "网格员" if people[0].role in rules.WORKER_ROLES else people[0].role
    return f"{caption}：{names}"


def grid_line(grid: m.Grid | None) -> str:
    """网格：第一网格（WG003）　网格员：张建国 13800001111."""
    if grid is None:
        return "网格：未划入网格"
    return f"网格：{register.grid_label(grid)}　{keepers_text(grid)}"
