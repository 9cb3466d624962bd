"""What the printed 网格员公示牌 and 网格责任分布表 say: read from the register, nothing written.

Both hang where anyone reads them, so only what is meant for the public goes on them: a person's name,
role and duties, and their phone only where they agreed to publish it (``published_phone``). The duties
are the station's fixed sentence per role (``DUTIES``), so two boards never word one role differently.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import people, places, register, rules
from gridstation.core.residents.status import present_by
from gridstation.core.rules import clock
from gridstation.core.rules.address_keys import building_key, compound_key, unit_key
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.storage import models as m
from gridstation.core.storage import settings

# One sentence per role, as the board prints it; a role the station added gets OTHER_DUTY.
DUTIES: dict[str, str] = {
    rules.GRID_HEAD: "统筹本网格服务管理工作，协调解决居民反映的问题，督促网格员履职。",
    rules.FULL_TIME: "每日巡查走访，采集更新居民信息，发现、上报并跟进处置网格内的问题。",
    rules.PART_TIME: "协助网格员巡查走访，及时反映身边的问题和居民诉求。",
    rules.LIAISON: "联系网格内单位和居民，传达通知，收集意见建议。",
    rules.MICRO_HEAD: "熟悉微网格内住户情况，收集反映诉求，协助政策宣传和应急处置。",
    rules.BUILDING_HEAD: "熟悉本楼住户情况，收集反映居民诉求，协助做好楼内安全和环境卫生。",
    rules.UNIT_HEAD: "联系本单元住户，及时反映问题，协助传达通知。",
    rules.PARTY_HOUSEHOLD: "联系周边党员群众，宣传政策，带头参与社区事务。",
    rules.POLICE: "负责辖区治安防范和安全宣传，参与矛盾纠纷化解，接受群众求助。",
    rules.MEDIATOR: "调解邻里、家庭等矛盾纠纷，提供法律政策咨询。",
    rules.PROPERTY: "负责小区物业服务和设施维修，受理报修和物业方面的诉求。",
}
OTHER_DUTY = "协助做好本网格的服务工作。"
# Roles held at a grid above that serve every grid under it too (one 民警 for several grids).
FROM_ABOVE = (rules.POLICE, rules.MEDIATOR)


@dataclass(frozen=True)
class BoardPerson:
    role: str
    name: str
    duty: str
    phone: str  # "" where the person has not agreed to publish it
    serves: str = ""  # the unit, where a building's board lists its units' people (2单元)


@dataclass(frozen=True)
class Board:
    """The 网格员公示牌 of a grid, or of one building or unit of it, on a day."""

    station_name: str
    supervision_phone: str
    code: str
    grid: str  # 第一网格（WG003）
    level: str
    kind: str
    scope: str
    place: str  # 阳光小区3号楼2单元, "" for the whole grid
    people: tuple[BoardPerson, ...]
    on: dt.date


@dataclass(frozen=True)
class TableRow:
    """One grid of the 网格责任分布表; ``depth`` 0 for a grid directly under the community."""

    depth: int
    code: str
    name: str
    level: str
    kind: str
    buildings: tuple[tuple[str, str], ...]  # (compound, 3号楼; or 3号楼2单元, a micro-grid unit) in Chinese order
    building_count: int  # buildings of the grid, its micro-grid units not counted
    households: int
    residents: int
    people: tuple[tuple[str, tuple[str, ...]], ...]  # (role, names) in the order of rules.ROLES
    households_total: int = 0  # with every grid under it: a 四级 grid's buildings are often all in its 五级 ones
    residents_total: int = 0

    @property
    def people_count(self) -> int:
        return len({name for _, names in self.people for name in names})


@dataclass(frozen=True)
class DistributionTable:
    station_name: str
    rows: tuple[TableRow, ...]
    on: dt.date


def published_phone(person: m.Person) -> str:
    """The phone a public document may print: only where the person agreed (and the day is recorded)."""
    return person.phone if person.phone_public and person.phone_public_on is not None else ""


def duty_of(role: str) -> str:
    return DUTIES.get(role, OTHER_DUTY)


def _inside(grid: m.Grid) -> dict[int, m.Building]:
    """The buildings of ``grid``, with those whose unit is a micro-grid of it."""
    inside = {b.id: b for b in places.buildings_of(grid)}
    for unit in m.Unit.select().where(m.Unit.grid == grid):
        inside.setdefault(unit.building_id, unit.building)
    return inside


def find_building(grid: m.Grid, text: str) -> m.Building:
    """The building of ``grid`` a person named: 阳光小区3号楼, or 3栋 / 三号楼 where one building of the grid
    has that number. A unit that is a micro-grid of ``grid`` brings its building in too; a building of a grid
    under ``grid`` is found when none of its own is named so (a roster names the 四级 grid and the building)."""
    wanted = clean_text(text, "楼栋", 80, required=True, field="building")
    inside = _inside(grid)
    if not any(_named(wanted, b) for b in inside.values()):
        below, todo = {}, register.children_of(grid)
        while todo:
            child = todo.pop()
            below.update(_inside(child))
            todo += register.children_of(child)
        inside = below

    found = [b for b in inside.values() if _named(wanted, b)]
    exact = [b for b in found if compound_key(wanted).startswith(compound_key(b.compound))]
    found = exact or found
    if len(found) == 1:
        return found[0]
    if found:
        labels = "、".join(sorted(places.building_label(b) for b in found))
        raise DomainError(f"网格“{grid.name}”有{len(found)}栋楼都叫“{wanted}”：{labels}，请写上小区名。",
                          field="building")
    raise DomainError(f"楼栋“{wanted}”不在网格“{register.grid_label(grid)}”中。", field="building")


def _named(wanted: str, building: m.Building) -> bool:
    """Whether ``wanted`` names the building: its number however written, with or without its compound."""
    if building_key(wanted) == building_key(building.number):
        return True
    compound = compound_key(building.compound)
    plain = compound_key(wanted)
    return plain.startswith(compound) and building_key(plain[len(compound):]) == building_key(building.number)


def find_unit(building: m.Building, text: str) -> m.Unit:
    """A unit recorded for the building (1单元, 一单元 and 1 are one unit)."""
    wanted = clean_text(text, "单元", 20, required=True, field="unit")
    for unit in places.units_of(building):
        if unit.key == unit_key(wanted):
            return unit
    raise DomainError(f"“{places.building_label(building)}”没有登记“{wanted}”，请先在网格登记中添加该单元。",
                      field="unit")


def _serves(role: m.PersonRole, building: m.Building | None, unit: m.Unit | None) -> bool:
    """Whether a role of the grid belongs on this board: the grid's own roles always; a building's roles
    and its units' on its building's board; on a unit's board, that unit's and not the others'."""
    if role.building_id is None and role.unit_id is None:
        return True
    if building is None or role.building_id not in (None, building.id):
        return False
    return role.unit_id is None or unit is None or role.unit_id == unit.id


def board(grid_text: str, building_text: str = "", unit_text: str = "", *, on: dt.date | None = None) -> Board:
    """The board of a grid (code or unique name), or of one of its buildings, or of a unit of that building.

    The people: the grid's 网格长 and 网格员 (those above where the grid has none), the grid's own roles,
    the building's and unit's, and the 民警 and 调解员 of the grids above; each once per role.
    """
    day = on or clock.today()
    if unit_text.strip() and not building_text.strip():
        raise DomainError("指定单元时请同时指定楼栋。", field="unit")
    grid = register.find_grid(grid_text)
    if grid.closed_on is not None and grid.closed_on <= day:
        raise DomainError(f"网格“{register.grid_label(grid)}”已于 {grid.closed_on:%Y-%m-%d} 撤销，不再公示。", field="grid")
    building = find_building(grid, building_text) if building_text.strip() else None
    if building is not None and building.id not in _inside(grid):
        grid = building.grid  # a building of a micro-grid under the grid named: its board is that grid's
    unit = find_unit(building, unit_text) if building is not None and unit_text.strip() else None
    pairs = [(p, r.role, places.unit_label(r.unit) if r.unit_id and unit is None else "")
             for p, r in people.people_of(grid, day) if _serves(r, building, unit)]
    if not any(role == rules.GRID_HEAD for _, role, _ in pairs):
        head = people.grid_head_of(grid, day)
        if head is not None:
            pairs.insert(0, (head, rules.GRID_HEAD, ""))
    if not any(role in rules.WORKER_ROLES for _, role, _ in pairs):  # a micro-grid's are those above it
        pairs += [(p, r.role, "") for p, r in people.workers_of(grid, day)]
    above = grid.parent if grid.parent_id else None
    while above is not None:
        pairs += [(p, r.role, "") for p, r in people.people_of(above, day)
                  if r.role in FROM_ABOVE and r.building_id is None]
        above = above.parent if above.parent_id else None
    order = {name: i for i, name in enumerate(rules.ROLES)}
    seen: set[tuple[int, str, str]] = set()
    listed = []
    ranked = sorted(pairs, key=lambda pair: (order.get(pair[1], len(order)), sort_key(pair[2]), sort_key(pair[0].name)))
    for person, role, serves in ranked:
        if (person.id, role, serves) not in seen:
            seen.add((person.id, role, serves))
            listed.append(BoardPerson(role, person.name, duty_of(role), published_phone(person), serves))
    place = places.building_label(building) if building is not None else ""
    if unit is not None:
        place += places.unit_label(unit)
    return Board(str(settings.get("station_name") or ""), settings.supervision_phone(), grid.code or "",
                 register.grid_label(grid), grid.level, grid.kind, grid.scope, place, tuple(listed), day)


def distribution_table(*, on: dt.date | None = None) -> DistributionTable:
    """Every open grid as a tree (parents before their grids, by level), with its buildings (and units
    that are micro-grids of it), households, residents present and people in their roles."""
    day = on or clock.today()
    residents = present_by(m.Resident.grid, day)
    rows: list[TableRow] = []

    def walk(parent: m.Grid | None, depth: int) -> None:
        for grid in register.children_of(parent):
            buildings = places.buildings_of(grid)
            households = places.households_of(buildings, day)
            labels = [(b.compound, b.number) for b in buildings]
            labels += [(u.building.compound, u.building.number + places.unit_label(u))
                       for u in m.Unit.select().where(m.Unit.grid == grid)]
            labels.sort(key=lambda pair: (sort_key(pair[0]), sort_key(pair[1])))
            by_role: dict[str, list[str]] = {}
            for person, role in people.people_of(grid, day):
                names = by_role.setdefault(role.role, [])
                if person.name not in names:
                    names.append(person.name)
            rows.append(TableRow(depth, grid.code or "", grid.name, grid.level, grid.kind, tuple(labels), len(buildings),
                                 sum(households.values()), residents.get(grid.id, 0),
                                 tuple((role, tuple(sorted(names, key=sort_key))) for role, names in by_role.items())))
            walk(grid, depth + 1)

    walk(None, 0)
    return DistributionTable(str(settings.get("station_name") or ""), _with_totals(rows), day)


def _with_totals(rows: list[TableRow]) -> tuple[TableRow, ...]:
    """The rows (parents before their grids) with each grid's households and residents summed over the grids
    under it, children first so each parent adds its children's totals once."""
    done = list(rows)
    for i in range(len(rows) - 1, -1, -1):
        households, residents = rows[i].households, rows[i].residents
        for j in range(i + 1, len(rows)):
            if rows[j].depth <= rows[i].depth:
                break
            if rows[j].depth == rows[i].depth + 1:
                households, residents = households + done[j].households_total, residents + done[j].residents_total
        done[i] = dataclasses.replace(rows[i], households_total=households, residents_total=residents)
    return tuple(done)
