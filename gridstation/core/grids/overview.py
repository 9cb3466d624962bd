"""What the register page shows, read in few queries: the whole tree at once, a grid's buildings with
their households and residents, its people with the phone as the page may show it, a search by name,
code or building, and what a merge would move (said in the confirmation before anything changes).

Read-only: every change goes through ``register``, ``places``, ``people`` and ``boundaries``. The page
opens within its budget at 100 grids and 2 000 buildings because the tree is one query and a grid's
lists are one query each.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from gridstation.core.grids import board, people, places, register, rules
from gridstation.core.residents.status import present_by
from gridstation.core.rules import clock
from gridstation.core.rules.address_keys import SEPARATOR, address_key, building_key
from gridstation.core.rules.idcard import mask_phone
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.storage import models as m


@dataclass(frozen=True)
class Node:
    """One grid of the tree: its parent's id (None under the community) and the words the tree shows."""

    id: int
    parent_id: int | None
    label: str
    closed: bool


@dataclass(frozen=True)
class BuildingRow:
    id: int
    label: str
    units: str  # 1单元、2单元（微网格：…）
    households: int
    residents: int
    property_company: str
    property_contact: str


@dataclass(frozen=True)
class PersonRow:
    person_id: int
    role_id: int
    role: str
    name: str
    phone: str  # masked unless the person agreed to publish it
    serves: str
    started_on: dt.date


@dataclass(frozen=True)
class MergeMoves:
    """What merging a grid into another moves: said in the confirmation before the merge."""

    residents: int
    buildings: int
    units: int
    events: int
    roles: int
    grids: int


def tree(*, include_closed: bool = False) -> list[Node]:
    """Every grid (open ones only unless ``include_closed``) in one query, parents before children is not
    promised: the page links them by ``parent_id``; siblings come in the one Chinese order."""
    query = m.Grid.select(m.Grid.id, m.Grid.parent, m.Grid.name, m.Grid.code, m.Grid.closed_on)
    if not include_closed:
        query = query.where(register.open_condition())
    grids = sorted(query, key=lambda g: sort_key(g.name))
    return [Node(g.id, g.parent_id, register.grid_label(g) + (f"（{g.closed_on:%Y-%m-%d}撤销）" if g.closed_on else ""),
                 g.closed_on is not None) for g in grids]


def matching(text: str) -> set[int]:
    """The grids a search names: by name or code (a part of it), or by a building in them — its compound
    and number as written, or the number however written (3栋, 3号楼, 三栋 are one building)."""
    wanted = text.strip()
    if not wanted:
        return set()
    upper = wanted.upper()
    found = {g_id for g_id, name, code in m.Grid.select(m.Grid.id, m.Grid.name, m.Grid.code).tuples()
             if wanted in name or (code and upper in code)}
    key = building_key(wanted)
    named = m.Building.compound.concat(m.Building.number).contains(wanted)
    if key:  # the key a building row stores ends with its number's key (rules/address_keys.address_key)
        named |= m.Building.key.endswith(SEPARATOR + key)
    # 星天地3号楼, 星天地三栋: a compound then a building however written, split where a building can start
    whole = {address_key(wanted[:cut], wanted[cut:]) for cut in range(1, len(wanted)) if building_key(wanted[cut:])}
    if whole:
        named |= m.Building.key.in_(sorted(whole))
    hits = list(m.Building.select(m.Building.id, m.Building.grid).where(named).tuples())
    found |= {grid_id for _b, grid_id in hits}
    if hits:
        found |= {g for (g,) in m.Unit.select(m.Unit.grid).where(m.Unit.building.in_([b for b, _g in hits])
                                                                  & m.Unit.grid.is_null(False)).tuples()}
    return found


def buildings(grid_id: int) -> list[BuildingRow]:
    """The grid's buildings with their units, households (the record's count, else rooms with residents)
    and residents present at their address."""
    grid = register.get_grid(grid_id)
    listed = places.buildings_of(grid)
    if not listed:
        return []
    day = clock.today()
    households = places.households_of(listed, day)
    keys = [b.key for b in listed]
    present = present_by(m.Resident.address_key, day, m.Resident.address_key.in_(keys))
    units: dict[int, list[str]] = {}
    for unit in m.Unit.select(m.Unit, m.Grid).join(m.Grid, peewee.JOIN.LEFT_OUTER).where(
            m.Unit.building.in_([b.id for b in listed])).order_by(m.Unit.key):
        own = f"（微网格：{unit.grid.name}）" if unit.grid_id and unit.grid_id != grid_id else ""
        units.setdefault(unit.building_id, []).append(places.unit_label(unit) + own)
    return [BuildingRow(b.id, places.building_label(b), "、".join(units.get(b.id, ())), households.get(b.id, 0),
                        present.get(b.key, 0), b.property_company, b.property_contact) for b in listed]


def people_rows(grid_id: int) -> list[PersonRow]:
    """Who serves the grid now; a phone is shown whole only where the person agreed to publish it."""
    held = people.people_of(register.get_grid(grid_id))
    # The buildings and units they serve, read at once: a grid's 楼栋长 are hundreds, a query each was 0.2 s.
    buildings = {b.id: b for b in m.Building.select().where(m.Building.id.in_({r.building_id for _p, r in held}))}
    units = {u.id: u for u in m.Unit.select().where(m.Unit.id.in_({r.unit_id for _p, r in held}))}
    rows = []
    for person, role in held:
        serves = places.building_label(buildings[role.building_id]) if role.building_id else ""
        if role.unit_id:
            serves += places.unit_label(units[role.unit_id])
        phone = board.published_phone(person) or (mask_phone(person.phone) if person.phone else "")
        rows.append(PersonRow(person.id, role.id, role.role, person.name, phone, serves or "全网格", role.started_on))
    return rows


def merge_moves(grid_id: int) -> MergeMoves:
    """What merging ``grid_id`` into another would move (the merge itself: ``boundaries.merge_grids``)."""
    def count(column: peewee.Field) -> int:
        return column.model.select().where(column == grid_id).count()

    return MergeMoves(count(m.Resident.grid), count(m.Building.grid), count(m.Unit.grid), count(m.GridEvent.grid),
                      count(m.PersonRole.grid), count(m.Grid.parent))


def person_choices() -> list[tuple[str, int]]:
    """Every person of the register as (name, id) in the one Chinese order; a repeated name shows the
    masked phone beside it, so two 王芳 are told apart."""
    persons = list(m.Person.select(m.Person.id, m.Person.name, m.Person.phone))
    counts: dict[str, int] = {}
    for person in persons:
        counts[person.name] = counts.get(person.name, 0) + 1
    labelled = [(p.name if counts[p.name] == 1 or not p.phone else f"{p.name}（{mask_phone(p.phone)}）", p.id)
                for p in persons]
    return sorted(labelled, key=lambda pair: sort_key(pair[0]))


def staff_choices(keep: int | None = None) -> list[tuple[str, int]]:
    """The active login accounts a person of the register can be linked to, as 王芳（wangfang）; ``keep``, the
    account linked now, is listed even when disabled, so editing the person does not unlink it unasked."""
    staff = (m.Staff.select().where((m.Staff.active == True) | (m.Staff.id == (keep or 0)))  # noqa: E712 - peewee
             .order_by(m.Staff.username))
    return [(f"{account.display_name}（{account.username}）", account.id) for account in staff]


def grid_roles_of(person_id: int) -> list[str]:
    """The grid roles a handover would move (网格长, 网格员, 微网格长), as 第一网格网格长."""
    held = people.current_roles().where((m.PersonRole.person == person_id)
                                        & m.PersonRole.role.in_(rules.GRID_ROLES))
    return [f"{role.grid.name if role.grid_id else ''}{role.role}" for role in held]
