"""The grid register's figures of a period, and the year's sentence in the seeds' words.

``period_stats`` (core/statistics/stats.py) carries them, so the dashboard, the monthly and annual PDFs,
the Excel file and the district roll-up read the same numbers. Definitions (the README's statistics
section says the same in Chinese); every figure is what was true on the period's cut-off day (``end``,
or today while it runs):

* Grids: those open on the cut-off day (``register.open_condition``), by level and kind; a grid closed
  mid-year counts in the months it was open and not after. Where the register has one top grid with
  grids under it, that is the community itself (seed 001's 三级 root) and is not counted among its grids.
* Residents: present on the cut-off day (``residents.status.
  present_condition``): one who moved out in June counts in May and not in July.
* Buildings and households: every building of the register (a building keeps no dates), its households
  by ``places.households_of`` (the record's count, else the rooms with residents present).
* 专职网格员 and 楼栋长: the people holding the role on the cut-off day, each person once.
  户/网格员 = households ÷ 专职网格员 (blank with none).
* 民情日志: entries dated in the period (an entry keyed in later for a day of it counts there, as an
  event counts by the day it was found); 转为事件: of them, those made an event.
* By grid: a building, a resident, a role and an entry count under the grid they name now (the register
  keeps no history of where a building lay), each grid with the grids under it; whatever names a grid
  that was not open on the cut-off day, or none, counts under 未分网格.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from peewee import fn

from gridstation.core.grids import people, places, register, rules
from gridstation.core.residents.status import present_by
from gridstation.core.rules import clock
from gridstation.core.rules.counters import Counters
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.storage import models as m

NO_GRID = "未分网格"


@dataclass
class GridTally(Counters):
    grids: int = 0
    dedicated: int = 0  # of them 专属网格
    buildings: int = 0
    households: int = 0
    residents: int = 0
    workers: int = 0  # 专职网格员
    building_heads: int = 0  # 楼栋长
    diary_entries: int = 0  # 民情日志
    diary_events: int = 0  # of them made an event

    @property
    def households_per_worker(self) -> float | None:
        """户/网格员, the seeds' 「每名工作人员包保联系400-600户居民」; None with no 专职网格员."""
        return self.households / self.workers if self.workers else None


@dataclass(frozen=True)
class GridRow:
    """One grid open on the cut-off day, with the grids under it; ``depth`` 0 directly under the community."""

    depth: int
    name: str
    code: str
    level: str
    kind: str
    tally: GridTally


@dataclass
class GridFigures:
    total: GridTally = field(default_factory=GridTally)
    levels: dict[str, dict[str, int]] = field(default_factory=dict)  # level → kind → grids open
    rows: list[GridRow] = field(default_factory=list)  # in tree order; the 未分网格 row last, where any


def grid_figures(start: dt.date, end: dt.date, today: dt.date | None = None, *, detail: bool = True) -> GridFigures:
    """The figures of the days ``start``..``end`` (see the module docstring); ``detail=False`` gives the
    totals and levels only (a comparison column)."""
    cutoff = min(end, today or clock.today())
    grids = list(m.Grid.select(m.Grid.id, m.Grid.parent, m.Grid.name, m.Grid.code, m.Grid.level, m.Grid.kind)
                 .where(register.open_condition(cutoff)))
    open_ids = {g.id for g in grids}
    own: dict[int | None, GridTally] = defaultdict(GridTally)  # by grid id; None: 未分网格

    def at(grid_id: int | None) -> GridTally:
        return own[grid_id if grid_id in open_ids else None]

    community = _community(grids)
    figures = GridFigures()
    for grid in grids:
        if grid.id == community:
            continue
        figures.levels.setdefault(grid.level, {}).setdefault(grid.kind, 0)
        figures.levels[grid.level][grid.kind] += 1
        at(grid.id).grids += 1
        at(grid.id).dedicated += grid.kind == rules.DEDICATED
    for grid_id, n in m.Building.select(m.Building.grid, fn.COUNT(m.Building.id)).group_by(m.Building.grid).tuples():
        at(grid_id).buildings += int(n)
    for grid_id, n in places.households_by_grid(cutoff).items():
        at(grid_id).households += n
    for grid_id, n in present_by(m.Resident.grid, cutoff).items():
        at(grid_id).residents += n
    distinct = [_count_people(role, attribute, cutoff, at)
                for role, attribute in ((rules.FULL_TIME, "workers"), (rules.BUILDING_HEAD, "building_heads"))]
    D = m.DiaryEntry  # noqa: N806
    entries = (D.select(D.grid, fn.COUNT(D.id), fn.COUNT(D.event))
               .where((D.on >= start) & (D.on <= cutoff)).group_by(D.grid))
    for grid_id, n, made in entries.tuples():
        at(grid_id).diary_entries += int(n)
        at(grid_id).diary_events += int(made or 0)
    for tally in own.values():
        figures.total.add(tally)
    figures.total.workers, figures.total.building_heads = distinct
    if detail:
        figures.rows = _rows(grids, own)
    return figures


def _community(grids: list[m.Grid]) -> int | None:
    """The community itself where the register has one top grid with grids under it (seed 001's 社区 as
    its 三级 root): the grids counted are those it is divided into, not the community."""
    ids = {g.id for g in grids}
    tops = [g.id for g in grids if g.parent_id not in ids]
    if len(tops) == 1 and any(g.parent_id == tops[0] for g in grids):
        return tops[0]
    return None


def _count_people(role: str, attribute: str, cutoff: dt.date, at: Callable[[int | None], GridTally]) -> int:
    """Persons holding ``role`` on the cut-off day, once per grid they serve; returns how many persons in
    all (a 楼栋长 of two buildings is one person, in the total as in the grid)."""
    held = people.current_roles(cutoff).where(m.PersonRole.role == role)
    persons = fn.COUNT(fn.DISTINCT(m.PersonRole.person))
    for grid_id, n in held.select(m.PersonRole.grid, persons).group_by(m.PersonRole.grid).tuples():
        tally = at(grid_id)
        setattr(tally, attribute, getattr(tally, attribute) + int(n))
    return int(held.select(persons).scalar() or 0)


def _rows(grids: list[m.Grid], own: dict[int | None, GridTally]) -> list[GridRow]:
    """Each open grid with the grids under it, parents first, siblings in the one Chinese order."""
    ids = {g.id for g in grids}
    children: dict[int | None, list[m.Grid]] = defaultdict(list)
    for grid in grids:
        children[grid.parent_id if grid.parent_id in ids else None].append(grid)
    rows: list[GridRow] = []

    def walk(parent: int | None, depth: int) -> Iterable[int]:
        """Adds the rows under ``parent`` and yields the ids of every grid below it."""
        for grid in sorted(children[parent], key=lambda g: sort_key(g.name)):
            tally = GridTally()
            rows.append(GridRow(depth, grid.name, grid.code or "", grid.level, grid.kind, tally))
            below = [grid.id, *walk(grid.id, depth + 1)]
            for grid_id in below:
                tally.add(own.get(grid_id, GridTally()))
            yield from below

    list(walk(None, 0))
    if None in own:
        rows.append(GridRow(0, NO_GRID, "", "", "", own[None]))
    return rows


def levels_phrase(levels: dict[str, dict[str, int]]) -> str:
    """N个四级网格、N个五级网格 in the order of ``rules.LEVELS`` (then the station's own levels); a level with
    no grid is left out rather than printed as 0个."""
    order = {level: i for i, level in enumerate(rules.LEVELS)}
    named = sorted((level for level, kinds in levels.items() if sum(kinds.values())),
                   key=lambda level: (order.get(level, len(order)), sort_key(level)))
    return "、".join(f"{sum(levels[level].values())}个{level}网格" for level in named if level)


def year_sentence(figures: GridFigures) -> str:
    """「社区划分为N个四级网格、N个五级网格，配备专职网格员N名、楼栋长N名，每名网格员联系N户居民。」 in the seeds'
    words; a level or a role with none is left out, and the sentence is empty for a station with no grids."""
    grids = levels_phrase(figures.levels)
    t = figures.total
    staffed = [f"{name}{n}名" for name, n in (("专职网格员", t.workers), ("楼栋长", t.building_heads)) if n]
    if not grids and not staffed:
        return ""
    parts = [f"社区划分为{grids}"] if grids else []
    if staffed:
        parts.append("配备" + "、".join(staffed))
    if t.households_per_worker is not None and t.households:
        parts.append(f"每名网格员联系{round(t.households_per_worker)}户居民")
    return "，".join(parts) + "。"
