"""Buildings and units, and the grid of an address: what places every resident in a grid without anyone
choosing it.

A building belongs to one grid; a unit follows its building unless it is a micro-grid of its own. The
address → grid lookup compares keys (``rules/address_keys``: 3栋, 3号楼 and 三栋 are one building) with one
indexed query, so the intake path pays well under 5 ms for it at 100 000 residents. Moving a building
(or a unit) to another grid moves the grid of the residents living there, in the same write.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import peewee

from gridstation.core.grids import register, rules
from gridstation.core.residents.status import PRESENT, present_condition
from gridstation.core.rules import clock
from gridstation.core.rules.address_keys import address_key, building_key, compound_key, room_key, unit_key
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

MAX_HOUSEHOLDS = 10_000


class Counted(Protocol):
    """A building as its households are counted: a row of the table read as a tuple will do."""

    id: int
    key: str
    households: int


@dataclass
class BuildingInput:
    """A building as the register page or a ledger row gives it; ``grid`` is a code or a unique name."""

    compound: str
    number: str
    grid: str
    households: int = 0
    property_company: str = ""
    property_contact: str = ""


def unit_label(unit: m.Unit) -> str:
    """2单元 however the station wrote it (2, 2单元)."""
    return unit.number if unit.number.endswith("单元") else f"{unit.number}单元"


def building_label(building: m.Building) -> str:
    """阳光小区3号楼: the compound and the building as the station wrote them."""
    return f"{building.compound}{building.number}"


def get_building(building_id: int) -> m.Building:
    building = m.row_or_none(m.Building, building_id)
    if building is None:
        raise NotFound(f"找不到编号为 {building_id} 的楼栋。")
    return building


def buildings_of(grid: m.Grid) -> list[m.Building]:
    """The grid's buildings, by compound and number key."""
    return list(m.Building.select().where(m.Building.grid == grid).order_by(m.Building.key))


def grid_for_address(compound: str, building: str, unit: str = "") -> m.Grid | None:
    """The grid an address lies in (the unit's own micro-grid where it has one), or None when no building
    of the register matches. The resident dialog asks this as the address is typed (``grid_id_for_keys`` is
    the save's): one query, whose SQL peewee writes once per kind of database (writing it was two thirds of
    the lookup's time, which a busy counter PC stretched past 5 ms)."""
    key = address_key(compound, building)
    if not key:
        return None
    return next(iter(m.Grid.raw(_lookup_sql(), key, unit_key(unit))), None)


_KEY, _UNIT = "\x00key", "\x00unit"  # stand-ins while peewee writes the SQL; never a real key
_LOOKUP_SQL: dict[type, str] = {}


def _lookup_sql() -> str:
    """The lookup's SQL for the open database: the grid of the building by its unique key, or of its unit
    by (building, key) where the unit is a micro-grid of its own; parameters: the key, the unit's key."""
    kind = type(dbmod.current())
    if kind not in _LOOKUP_SQL:
        B, U = m.Building, m.Unit  # noqa: N806 - the tables, as in SQL
        query = (m.Grid.select().join(B, on=(B.key == _KEY))
                 .join(U, peewee.JOIN.LEFT_OUTER, on=(U.building == B.id) & (U.key == _UNIT))
                 .where(m.Grid.id == peewee.fn.COALESCE(U.grid, B.grid)))  # one row at most: both keys are unique
        sql, params = query.sql()
        if params != [_KEY, _UNIT]:
            raise RuntimeError(f"unexpected parameters of the address lookup: {params!r}")
        _LOOKUP_SQL[kind] = sql
    return _LOOKUP_SQL[kind]


def grid_id_for_keys(key: str, unit: str) -> int | None:
    """One indexed query: the building by its unique key, its unit by (building, key)."""
    if not key:
        return None
    row = (m.Building.select(m.Building.grid, m.Unit.grid)
           .join(m.Unit, peewee.JOIN.LEFT_OUTER, on=(m.Unit.building == m.Building.id) & (m.Unit.key == unit))
           .where(m.Building.key == key).tuples().first())
    if row is None:
        return None
    building_grid, unit_grid = row
    return unit_grid or building_grid


def suggested_grid(resident_ids: Sequence[int]) -> m.Grid | None:
    """The grid an event about these residents is suggested for: the one most of them live in (on a tie,
    that of the first named), or None when none of them is in a grid. Staff may still choose another."""
    wanted = list(dict.fromkeys(resident_ids))
    grid_of = dict(m.Resident.select(m.Resident.id, m.Resident.grid)
                   .where(m.Resident.id.in_(wanted) & m.Resident.grid.is_null(False)).tuples())
    named = [grid_of[r] for r in wanted if r in grid_of]
    if not named:
        return None
    return m.Grid.get_by_id(max(named, key=lambda g: (named.count(g), -named.index(g))))


class Placer:
    """Every building's and micro-grid unit's grid, read once, for placing many residents (a ledger import)
    without a query per row; the same answers as ``grid_id_for_keys``."""

    def __init__(self) -> None:
        self.buildings = dict(m.Building.select(m.Building.key, m.Building.grid).tuples())
        self.units = {(key, unit): grid for key, unit, grid in
                      m.Unit.select(m.Building.key, m.Unit.key, m.Unit.grid).join(m.Building)
                      .where(m.Unit.grid.is_null(False)).tuples()}

    def grid_id(self, key: str, unit: str) -> int | None:
        return self.units.get((key, unit)) or self.buildings.get(key) if key else None


def households_of(buildings: Sequence[m.Building | Counted], day: dt.date) -> Counter:
    """Households per building id — the one rule for a household (the register page, the 分布表 and the
    figures all count with it): the count the building record keeps, else the rooms with residents present
    on ``day`` (a room is a building's unit and room; one without its room written is not counted)."""
    counted = Counter({b.id: b.households for b in buildings if b.households})
    by_key = {b.key: b.id for b in buildings if not b.households}
    if by_key:
        rooms = (m.Resident.select(m.Resident.address_key, m.Resident.unit_key, m.Resident.room)
                 .where(m.Resident.address_key.in_(list(by_key)) & present_condition(day)
                        & (m.Resident.room != "")).tuples())
        for key, _unit, _room in {(k, u, room_key(r)) for k, u, r in rooms}:
            counted[by_key[key]] += 1
    return counted


def households_by_grid(day: dt.date) -> Counter:
    """Households per grid id on ``day``, by the rule of ``households_of``: the recorded counts added up in
    SQL, the rooms counted only for the buildings that keep none (2 000 buildings are not read one by one)."""
    B = m.Building  # noqa: N806 - the table, as in SQL
    counted = Counter({grid_id: int(n) for grid_id, n in B.select(B.grid, peewee.fn.SUM(B.households))
                       .where(B.households > 0).group_by(B.grid).tuples()})
    unrecorded = list(B.select(B.id, B.key, B.grid.alias("grid_id"), B.households).where(B.households == 0)
                      .namedtuples())
    rooms = households_of(unrecorded, day)
    for building in unrecorded:
        counted[building.grid_id] += rooms.get(building.id, 0)
    return counted


def _unplaced() -> peewee.Expression:
    """Residents on the register whose address matches no building (moved-out and deceased ones aside)."""
    matched = m.Building.select(m.Building.id).where(m.Building.key == m.Resident.address_key)
    return (m.Resident.status == PRESENT) & ~peewee.fn.EXISTS(matched)


def unplaced_residents(limit: int | None = None) -> list[m.Resident]:
    """Residents on the register whose address matches no building: the head places them (adds their
    building to a grid)."""
    query = m.Resident.select().where(_unplaced()).order_by(m.Resident.compound, m.Resident.address_key, m.Resident.id)
    return list(query.limit(limit) if limit else query)


@dataclass(frozen=True)
class UnplacedAddress:
    """One address no building of the register matches, as its residents wrote it, with who lives there.
    ``key`` "" gathers the residents whose address names no building at all."""

    key: str
    compound: str
    building: str
    residents: int
    without_grid: int  # of them, not put in a grid by hand either
    names: str  # the first few, so the head knows whom the address is about


def unplaced_addresses(offset: int = 0, limit: int = 100) -> list[UnplacedAddress]:
    """A page of the addresses to place, one row per building however its residents wrote it (3栋 and
    三栋 are one row): adding that building to a grid places them all (``add_building``)."""
    no_grid = peewee.fn.SUM(peewee.Case(None, [(m.Resident.grid.is_null(), 1)], 0))
    groups = list(m.Resident.select(m.Resident.address_key, peewee.fn.MIN(m.Resident.compound),
                                    peewee.fn.MIN(m.Resident.building), peewee.fn.COUNT(m.Resident.id), no_grid)
                  .where(_unplaced()).group_by(m.Resident.address_key).order_by(m.Resident.address_key)
                  .offset(offset).limit(limit).tuples())
    names: dict[str, list[str]] = {}
    keys = [key for key, *_rest in groups]
    for key, name in (m.Resident.select(m.Resident.address_key, m.Resident.name)
                      .where(_unplaced() & m.Resident.address_key.in_(keys)).order_by(m.Resident.id).tuples()):
        names.setdefault(key, []).append(name)
    return [UnplacedAddress(key, compound or "", building or "", count, int(without or 0),
                            "、".join(names.get(key, [])[:3]) + ("等" if count > 3 else ""))
            for key, compound, building, count, without in groups]


def _values(data: BuildingInput) -> dict:
    compound = rules.check_public_name(data.compound, "小区", 60, field="compound")
    number = rules.check_public_name(data.number, "楼栋", 20, field="number")
    if not building_key(number) or not compound_key(compound):
        raise DomainError("请写明小区和楼栋号，例如“阳光小区”“3号楼”。", field="number")
    households = data.households
    if not isinstance(households, int) or not 0 <= households <= MAX_HOUSEHOLDS:
        raise DomainError(f"户数应为0到{MAX_HOUSEHOLDS}之间的整数。", field="households")
    return {"compound": compound, "number": number, "key": address_key(compound, number),
            "grid": _open_grid(data.grid).id, "households": households,
            "property_company": clean_text(data.property_company, "物业公司", 60, field="property_company"),
            "property_contact": clean_text(data.property_contact, "物业联系方式", 60, field="property_contact")}


def _open_grid(text: str) -> m.Grid:
    grid = register.find_grid(text)
    if grid.closed_on is not None:
        raise DomainError(f"网格“{grid.name}”已于 {grid.closed_on:%Y-%m-%d} 撤销，请选择现有的网格。", field="grid")
    return grid


def _audit_view(building: m.Building) -> dict:
    return {"compound": building.compound, "building": building.number, "grid": building.grid.name,
            "households": building.households, "property_company": building.property_company,
            "property_contact": building.property_contact}


def _place_residents(building: m.Building, grid_id: int, at: dt.datetime | None) -> int:
    """Residents at the building's address (but in a unit with a micro-grid of its own) go to ``grid_id``."""
    own = m.Unit.select(m.Unit.key).where((m.Unit.building == building) & m.Unit.grid.is_null(False))
    return (m.Resident.update(grid=grid_id, updated_at=at or clock.now())
            .where((m.Resident.address_key == building.key) & m.Resident.unit_key.not_in(own)
                   & ((m.Resident.grid != grid_id) | m.Resident.grid.is_null())).execute())


def add_building(actor: m.Staff | None, data: BuildingInput, *, at: dt.datetime | None = None) -> m.Building:
    """A building in a grid; the residents already registered at its address are placed in that grid."""
    require(actor, HEAD)
    with write_transaction():
        values = _values(data)
        clash = m.Building.get_or_none(m.Building.key == values["key"])
        if clash is not None:
            raise DomainError(f"“{building_label(clash)}”已登记在网格“{clash.grid.name}”中（写法不同也算同一栋楼）。",
                              field="number")
        building = m.Building.create(**values)
        placed = _place_residents(building, building.grid_id, at)
        audit.record(actor, "新增楼栋", "building", building_label(building),
                     after={**_audit_view(building), "residents": placed})
    return building


def edit_building(actor: m.Staff | None, building_id: int, data: BuildingInput, *,
                  at: dt.datetime | None = None) -> m.Building:
    """Change a building's words, households or property; a new grid moves its residents with it."""
    require(actor, HEAD)
    with write_transaction():
        building = get_building(building_id)
        values = _values(data)
        clash = m.Building.get_or_none((m.Building.key == values["key"]) & (m.Building.id != building.id))
        if clash is not None:
            raise DomainError(f"“{building_label(clash)}”已登记在网格“{clash.grid.name}”中。", field="number")
        before = _audit_view(building)
        old_key = building.key
        m.Building.update(**values).where(m.Building.id == building.id).execute()
        building = get_building(building.id)
        if old_key != building.key:  # the old address's residents are no longer in this building
            m.Resident.update(updated_at=at or clock.now()).where(m.Resident.address_key == old_key).execute()
        placed = _place_residents(building, building.grid_id, at)
        audit.record(actor, "修改楼栋", "building", building_label(building), before=before,
                     after={**_audit_view(building), "residents": placed})
    return building


def move_building(actor: m.Staff | None, building_id: int, grid: str, *,
                  at: dt.datetime | None = None) -> m.Building:
    """A building into another grid, and its residents' grid with it, audited with how many moved."""
    require(actor, HEAD)
    with write_transaction():
        building = get_building(building_id)
        move_building_in_write(actor, building, _open_grid(grid), at=at)
    return get_building(building_id)


def move_building_in_write(actor: m.Staff | None, building: m.Building, grid: m.Grid, *,
                           at: dt.datetime | None = None) -> int:
    """The move itself, inside the caller's write (a split moves several): returns the residents moved."""
    before = _audit_view(building)
    m.Building.update(grid=grid).where(m.Building.id == building.id).execute()
    moved = _place_residents(building, grid.id, at)
    audit.record(actor, "移动楼栋", "building", building_label(building), before=before,
                 after={**_audit_view(get_building(building.id)), "residents": moved})
    return moved


def set_unit(actor: m.Staff | None, building_id: int, number: str, grid: str = "", *,
             at: dt.datetime | None = None) -> m.Unit:
    """Record a unit of a building; with ``grid`` it is a micro-grid of its own (its residents go there),
    with "" it follows its building again."""
    require(actor, HEAD)
    with write_transaction():
        building = get_building(building_id)
        written = clean_text(number, "单元", 20, required=True, field="unit")
        key = unit_key(written)
        own = _open_grid(grid) if grid.strip() else None
        unit, made = m.Unit.get_or_create(building=building, key=key, defaults={"number": written, "grid": own})
        before = None if made else {"unit": unit.number, "grid": unit.grid.name if unit.grid_id else ""}
        m.Unit.update(number=written, grid=own).where(m.Unit.id == unit.id).execute()
        target = own.id if own else building.grid_id
        moved = (m.Resident.update(grid=target, updated_at=at or clock.now())
                 .where((m.Resident.address_key == building.key) & (m.Resident.unit_key == key)
                        & ((m.Resident.grid != target) | m.Resident.grid.is_null())).execute())  # only who moves
        audit.record(actor, "设置单元", "building", building_label(building), before=before,
                     after={"unit": written, "grid": own.name if own else "", "residents": moved})
    return m.Unit.get_by_id(unit.id)


def units_of(building: m.Building) -> list[m.Unit]:
    return list(m.Unit.select().where(m.Unit.building == building).order_by(m.Unit.key))
