"""Demo grid register: the community split as seed 001 describes it, with its buildings and people.

Seed 001: 「将辖区划分为6个四级网格、9个五级网格」 and 「网格长+联络员+网格员」. So the demo community is a
三级 root with six 四级 grids (WG001 … WG006), nine 五级 micro-grids under them (WG007 … WG015), every
building of the demo compounds as a Building row in a micro-grid, and the people who serve them: per
四级 grid a 网格长, a 专职网格员 (a demo clerk's account where there is one) and a 联络员, per building a
楼栋长, and a 社区民警 and a 调解员 for the whole community. Some agreed to have their phone printed.

Residents are placed by their building's key (rules/address_keys), the same key the resident form
compares, so ``generate`` asks ``grid_by_key`` for each resident instead of a query per row. The
grids are a handful of rows (``Grid.create``); buildings and people are bulk-inserted like the rest.
"""

from __future__ import annotations

import datetime as dt
import random

from peewee import fn

from gridstation.core.grids import rules
from gridstation.core.rules.address_keys import address_key
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.demo import demo_data as data

ROOT = ("新亚洲体育城社区", "SQ001")
GRID_NAMES = ("第一网格", "第二网格", "第三网格", "第四网格", "第五网格", "第六网格")
MICRO_PER_GRID = (2, 2, 2, 1, 1, 1)  # nine 五级 micro-grids under six 四级 grids
PUBLIC_PHONE_SHARE = 0.6
# Grids and people date from before the invented history, so every intake falls in their time.
SINCE_DAYS = 800
# 物业 companies the demo compounds are managed by (a few compounds share one, one has none: 老旧小区).
PROPERTY_COMPANIES = (("金星物业", "0871-67181001"), ("体育城物业服务中心", "0871-67181002"),
                      ("万家物业", "0871-67181003"), ("", ""))
# What a grid worker writes in the 民情日志 on a round: (what was seen or heard, what was done).
DIARY_NOTES = (
    ("楼道堆放杂物，影响消防通道", "已提醒住户清理，三日后复查"), ("独居老人反映家中水管漏水", "联系物业上门维修"),
    ("居民询问灵活就业人员社保缴费", "讲解政策并告知到服务站窗口办理"), ("小区路灯不亮", "已报物业，登记跟进"),
    ("两户居民因噪音发生口角", "现场劝解，约定晚十点后保持安静"), ("入户走访高龄老人，身体状况良好", "送去慰问品，叮嘱注意保暖"),
    ("电动车在楼道内充电", "劝离并宣传安全充电知识"), ("居民反映垃圾清运不及时", "已联系环卫，明早加清一次"))
DIARY_WEEKS = 8  # the demo's diary reaches back this many weeks, about three entries a week per worker


def _grid(name: str, code: str, level: str, parent: int | None, worker: int | None, opened: dt.date) -> int:
    """The grid with ``code``, made if missing (a rerun after a refused demo finds it there)."""
    row = m.Grid.get_or_none(m.Grid.code == code)
    if row is None:
        row = m.Grid.create(name=name, code=code, level=level, parent=parent, worker=worker, opened_on=opened)
    return row.id


def write_register(rng: random.Random, clerks: list[int], as_of: dt.datetime) -> dict[str, int]:
    """The grids, buildings and people; returns the grid id of every building's address key."""
    opened = as_of.date() - dt.timedelta(days=SINCE_DAYS)
    root = _grid(ROOT[0], ROOT[1], rules.LEVELS[0], None, None, opened)
    grids, micro = [], []
    codes = iter(f"{rules.CODE_PREFIX}{n:03d}" for n in range(1, len(GRID_NAMES) + sum(MICRO_PER_GRID) + 1))
    for i, name in enumerate(GRID_NAMES):
        grids.append(_grid(name, next(codes), rules.LEVELS[1], root, clerks[i % len(clerks)], opened))
    for i, count in enumerate(MICRO_PER_GRID):
        micro += [(grids[i], clerks[i % len(clerks)]) for _ in range(count)]
    micro_ids = [_grid(f"第{n}微网格", next(codes), rules.LEVELS[2], parent, worker, opened)
                 for n, (parent, worker) in enumerate(micro, start=1)]
    buildings = _write_buildings(micro_ids)
    _write_people(rng, root, grids, clerks, buildings, opened)
    return {key: grid for key, (_id, grid) in buildings.items()}


def _write_buildings(micro_ids: list[int]) -> dict[str, tuple[int, int]]:
    """Every building of the demo compounds, laid in order across the micro-grids; key → (id, grid)."""
    existing = {b.key: (b.id, b.grid_id) for b in m.Building.select(m.Building.id, m.Building.key, m.Building.grid)}
    total = sum(c[1] for c in data.COMPOUNDS)
    rows, seen, next_id = [], 0, _next_id(m.Building)
    out = dict(existing)
    for index, (compound, count, _units, _floors, _weight) in enumerate(data.COMPOUNDS):
        company, contact = PROPERTY_COMPANIES[index % len(PROPERTY_COMPANIES)]
        for b in range(count):
            key = address_key(compound, str(b + 1))
            if key not in out:
                grid = micro_ids[(seen + b) * len(micro_ids) // total]
                # no household count recorded: the demo's residents are a sample of each building, so its
                # households are the rooms they live in (places.households_of), a few hundred per grid worker
                rows.append((next_id, compound, f"{b + 1}栋", key, grid, 0, company,
                             contact))
                out[key] = (next_id, grid)
                next_id += 1
        seen += count
    _insert(m.Building, ["id", "compound", "number", "key", "grid", "households", "property_company",
                         "property_contact"], rows)
    return out


def _write_people(rng: random.Random, root: int, grids: list[int], clerks: list[int],
                  buildings: dict[str, tuple[int, int]], opened: dt.date) -> None:
    """The community's people and their roles, each role from the day the grids opened."""
    people: list[tuple] = []
    roles: list[tuple] = []
    next_id = _next_id(m.Person)
    clerk_names = {s.id: s.display_name for s in m.Staff.select().where(m.Staff.id.in_(clerks))}
    linked = {p.staff_id for p in m.Person.select(m.Person.staff).where(m.Person.staff.is_null(False))}
    phones: set[str] = set()

    def add(role: str, grid: int, building: int | None = None, staff: int | None = None) -> None:
        nonlocal next_id
        public = rng.random() < PUBLIC_PHONE_SHARE
        agreed = opened + dt.timedelta(days=rng.randrange(SINCE_DAYS)) if public else None
        name = clerk_names[staff] if staff else _name(rng)
        people.append((next_id, name, _phone(rng, phones), public, agreed, staff, ""))
        roles.append((next_id, role, grid, building, opened))
        next_id += 1

    add(rules.POLICE, root)
    add(rules.MEDIATOR, root)
    for i, grid in enumerate(grids):
        clerk = clerks[i] if i < len(clerks) and clerks[i] not in linked else None
        add(rules.GRID_HEAD, grid)
        add(rules.FULL_TIME, grid, staff=clerk)
        add(rules.LIAISON, grid)
    micro_heads: dict[int, int] = {}
    for building, grid in buildings.values():
        micro_heads.setdefault(grid, next_id)  # seed 002: 微网格长由楼院长担任 — a building head takes it
        add(rules.BUILDING_HEAD, grid, building)
    roles += [(person, rules.MICRO_HEAD, grid, None, opened) for grid, person in micro_heads.items()]
    _insert(m.Person, ["id", "name", "phone", "phone_public", "phone_public_on", "staff", "note"], people)
    _insert(m.PersonRole, ["person", "role", "grid", "building", "started_on"], roles)


def write_diary(rng: random.Random, as_of: dt.datetime) -> int:
    """A few weeks of 民情日志 by each grid's 专职网格员, some about a resident of that grid; returns the count."""
    workers = list(m.PersonRole.select(m.PersonRole.person, m.PersonRole.grid)
                   .where((m.PersonRole.role == rules.FULL_TIME) & m.PersonRole.ended_on.is_null()).tuples())
    grids = {grid for _person, grid in workers}
    below = dict(m.Grid.select(m.Grid.id, m.Grid.parent).where(m.Grid.parent.in_(list(grids))).tuples())
    living: dict[int, list[int]] = {}
    for resident, grid in m.Resident.select(m.Resident.id, m.Resident.grid).where(m.Resident.grid.is_null(False)).tuples():
        living.setdefault(below.get(grid, grid), []).append(resident)
    rows = []
    for person, grid in workers:
        for day in range(DIARY_WEEKS * 7):
            if rng.random() < 3 / 7:
                on = as_of.date() - dt.timedelta(days=day)
                seen, done = rng.choice(DIARY_NOTES)
                about = rng.choice(living[grid]) if living.get(grid) and rng.random() < 0.4 else None
                rows.append((on, person, grid, seen, about, done, dt.datetime.combine(on, dt.time(17, 30))))
    _insert(m.DiaryEntry, ["on", "person", "grid", "seen", "resident", "done", "written_at"], rows)
    return len(rows)


def _name(rng: random.Random) -> str:
    male = rng.random() < 0.5
    surname = rng.choices([s for s, _w in data.SURNAMES], weights=[w for _s, w in data.SURNAMES])[0]
    return surname + rng.choice(data.GIVEN_MALE if male else data.GIVEN_FEMALE) * (1 + (rng.random() < 0.1))


def _phone(rng: random.Random, taken: set[str]) -> str:
    while True:
        number = f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


def _next_id(model: type[m.BaseModel]) -> int:
    return int(model.select(fn.MAX(model.id)).scalar() or 0) + 1


def _insert(model: type[m.BaseModel], columns: list[str], rows: list[tuple]) -> None:
    """A few hundred rows at most: one executemany, dates in stored (ISO) form."""
    if rows:
        dbmod.bulk_insert([model._meta.fields[c] for c in columns], [tuple(map(_stored, r)) for r in rows])


def _stored(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value
