"""The register's people as the events' dialogs offer them, and the grid and 网格长 an event is suggested for.

An event is found by, assigned to and mediated by people of the register (many without a login), so the
dialogs choose among its people: the grid roles first (网格长, 网格员, 微网格长: who events go to), then
the other roles, then people with no current role, each shown with role and grid. The grid of an event
follows the residents involved (``places.suggested_grid``) or the place typed (its building's grid), and
its 网格长 (or else its 专职网格员) is suggested as the 经办人: suggestions the clerk may change.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from gridstation.core.grids import people, places, rules
from gridstation.core.storage import models as m

_NUMBER = "[0-9零〇一二两三四五六七八九十百]+"
# 阳光小区3号楼2单元501: the compound, the building and (optionally) the unit of a typed place.
_PLACE = re.compile(rf"(?P<compound>.+?)(?P<building>{_NUMBER}(?:号楼|号栋|号幢|栋楼|栋|幢|号|楼|座))"
                    rf"(?:(?P<unit>{_NUMBER})(?:单元|单))?")


@dataclass(frozen=True)
class PersonChoice:
    """A person as a dialog lists them: 王芳 · 专职网格员 · 第一网格."""

    person_id: int
    name: str
    role: str = ""
    grid: str = ""
    grid_code: str = ""  # the register's order of grids, for sorting

    @property
    def label(self) -> str:
        return " · ".join(x for x in (self.name, self.role, self.grid) if x)


@dataclass(frozen=True)
class Suggestion:
    """The grid and the 经办人 an event is suggested for (either may be None)."""

    grid: m.Grid | None
    person: m.Person | None


def _rank(role: str) -> tuple[int, int]:
    order = rules.ROLES.index(role) if role in rules.ROLES else len(rules.ROLES)
    return (0 if role in rules.GRID_ROLES else 1, order)


def person_choices(*, roles: Sequence[str] = (), on: dt.date | None = None) -> list[PersonChoice]:
    """Everyone of the register, each once with the role that ranks first (grid roles first), then those
    with no current role; ``roles`` keeps only people holding one of them (the partner list's 民警)."""
    best: dict[int, m.PersonRole] = {}
    held = people.current_roles(on).select(m.PersonRole, m.Grid).join(m.Grid, on=(m.PersonRole.grid == m.Grid.id))
    for role in held:
        if roles and role.role not in roles:
            continue
        if role.person_id not in best or _rank(role.role) < _rank(best[role.person_id].role):
            best[role.person_id] = role
    everyone = m.Person.select(m.Person.id, m.Person.name).order_by(m.Person.name, m.Person.id)
    if roles:
        everyone = everyone.where(m.Person.id.in_(list(best) or [0]))
    chosen = [PersonChoice(p.id, p.name, best[p.id].role, best[p.id].grid.name, best[p.id].grid.code or "")
              if p.id in best else PersonChoice(p.id, p.name) for p in everyone]
    return sorted(chosen, key=lambda c: (c.person_id not in best, _rank(c.role), c.grid_code, c.name, c.person_id))


def grid_for_place(text: str) -> m.Grid | None:
    """The grid of a typed place that names a building of the register (阳光小区3号楼2单元), else None."""
    match = _PLACE.match(unicodedata.normalize("NFKC", text or "").replace(" ", ""))
    if match is None:
        return None
    return places.grid_for_address(match["compound"], match["building"], match["unit"] or "")


def suggest(resident_ids: Sequence[int] = (), place: str = "", on: dt.date | None = None) -> Suggestion:
    """The residents' grid, else the place's; and that grid's 网格长 (its parent's where it has none),
    else its first 专职网格员."""
    grid = places.suggested_grid(resident_ids) if resident_ids else None
    grid = grid or grid_for_place(place)
    if grid is None:
        return Suggestion(None, None)
    return Suggestion(grid, handler_for(grid, on))


def handler_for(grid: m.Grid, on: dt.date | None = None) -> m.Person | None:
    """Who an event of the grid goes to unless someone is chosen: its 网格长 (its parent's where it has
    none), else its first 专职网格员."""
    person = people.grid_head_of(grid, on)
    if person is None:
        workers = people.people_of(grid, on, roles=(rules.FULL_TIME,))
        person = workers[0][0] if workers else None
    return person
