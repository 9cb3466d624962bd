"""The month's work: who is due, visited or overdue, by worker and grid.

Read in a fixed number of queries whatever the number of residents (tags in force, the last visit of each
way, open major changes, the grids' workers), fetched as plain rows (peewee's per-row conversion cost more
than the queries), then judged by ``rules`` in Python: at 100 000 residents with 5 000 in care the list is
meant to stay under the counter's 100 ms (tests/benchmarks/bench_care.py).
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass

import peewee

from gridstation.core.care import grid_tree, rules, visibility
from gridstation.core.grids import people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.residents.status import present_condition
from gridstation.core.rules import clock
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m

NO_WORKER = "（未安排网格员）"


@dataclass(frozen=True)
class DueRow:
    resident_id: int
    name: str
    address: str
    grid: str
    worker: str  # the default visitor: the grid worker of the resident's grid
    tags: tuple[str, ...]  # the tags this account may see
    frequency: str  # "" where only a major change asks the visit
    period: tuple[dt.date, dt.date] | None
    last_visit: dt.date | None  # within the longest period read (the half-year, or a week reaching back before it)
    state: str  # 已走访 / 待走访 / 逾期
    change_due: dt.datetime | None  # a major change's deadline, still unanswered


def reference_day(year: int, month: int, today: dt.date) -> dt.date:
    """The day a month's list is judged on: today within the month, its last day for a past month, its
    first for a month to come."""
    first = dt.date(year, month, 1)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return min(max(today, first), last)


def _tags_in_force(sight: visibility.Sight, day: dt.date, grid_id: int | None) -> peewee.ModelSelect:
    rows = (m.ResidentTag.select(m.Resident.id, m.Resident.name, m.Resident.compound, m.Resident.building,
                                 m.Resident.unit, m.Resident.room, m.Resident.grid, m.Resident.birth_date,
                                 m.CareTag.name, m.CareTag.frequency, m.CareTag.ways, m.CareTag.sensitive)
            .join(m.CareTag).switch(m.ResidentTag).join(m.Resident)
            .where((m.ResidentTag.since <= day) & (m.ResidentTag.until.is_null() | (m.ResidentTag.until > day))
                   & present_condition(day) & sight.condition()))
    return rows.where(m.Resident.grid == grid_id) if grid_id is not None else rows


def _open_changes(day: dt.date, grid_id: int | None) -> peewee.ModelSelect:
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time())
    rows = (m.CareChange.select(m.Resident.id, m.Resident.name, m.Resident.compound, m.Resident.building,
                                m.Resident.unit, m.Resident.room, m.Resident.grid, m.Resident.birth_date,
                                peewee.fn.MIN(m.CareChange.due_at).alias("due_at"))
            .join(m.Resident)
            .where(m.CareChange.visit.is_null() & (m.CareChange.noted_at < end) & present_condition(day))
            .group_by(m.Resident.id, m.Resident.name, m.Resident.compound, m.Resident.building, m.Resident.unit,
                      m.Resident.room, m.Resident.grid, m.Resident.birth_date))
    return rows.where(m.Resident.grid == grid_id) if grid_id is not None else rows


def _last_visits(day: dt.date, since: dt.date) -> dict[int, dict[str, dt.date]]:
    """Each resident's last visit of each way from ``since`` to ``day``: one grouped query, one row a resident,
    over the residents with a tag in force or an open major change (subqueries, not a list of ids). ``since``
    is the earliest start of a period containing ``day``: older visits decide nothing, and reading a whole
    year of them was most of the list's time."""
    tagged = m.ResidentTag.select(m.ResidentTag.resident).where(
        m.ResidentTag.until.is_null() | (m.ResidentTag.until > day))
    changed = m.CareChange.select(m.CareChange.resident).where(m.CareChange.visit.is_null())
    latest = [peewee.fn.MAX(peewee.Case(None, [(m.CareVisit.way == way, m.CareVisit.visited_on)])) for way in rules.WAYS]
    query = (m.CareVisit.select(m.CareVisit.resident, *latest)
             .where((m.CareVisit.visited_on <= day) & (m.CareVisit.visited_on >= since)
                    & (m.CareVisit.resident.in_(tagged) | m.CareVisit.resident.in_(changed)))
             .group_by(m.CareVisit.resident))
    return {resident: {way: dbmod.as_date(on) for way, on in zip(rules.WAYS, days, strict=True) if on is not None}
            for resident, *days in _plain(query)}


def _plain(query: peewee.Query) -> list[tuple]:
    """The rows as the database driver gives them: dates as text on SQLite (``dbmod.as_date``)."""
    return list(dbmod.current().execute(query).fetchall())


def _as_moment(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def _workers(grid_ids: set[int], day: dt.date) -> dict[int, str]:
    """Each grid's first 网格员 (专职 before 兼职), in one query; a micro-grid with none gets its parent's."""
    order = {role: i for i, role in enumerate(grid_rules.WORKER_ROLES)}
    rows = (people.current_roles(day).select(m.PersonRole.grid, m.PersonRole.role, m.Person.name).join(m.Person)
            .where(m.PersonRole.role.in_(grid_rules.WORKER_ROLES) & m.PersonRole.grid.is_null(False)).tuples())
    best: dict[int, tuple[int, str]] = {}
    for grid, role, name in rows:
        candidate = (order[role], name)
        if grid not in best or candidate < best[grid]:
            best[grid] = candidate
    named = {grid: name for grid, (_rank, name) in best.items()}
    parents = grid_tree.grid_parents()
    return {grid: worker for grid in grid_ids if (worker := grid_tree.nearest(grid, parents, named)) is not None}


def _plain(query: peewee.Query) -> list[tuple]:
    """The rows as the database driver gives them: dates as text on SQLite (``dbmod.as_date``)."""
    return list(dbmod.current().execute(query).fetchall())


def _as_moment(value: dt.datetime | str) -> dt.datetime:
    return value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))


def due_list(actor: m.Staff | None, year: int, month: int, *, grid_id: int | None = None, worker: str = "",
             at: dt.datetime | None = None) -> list[DueRow]:
    """Who is due in a month, with their state on ``reference_day``, by grid then worker then name;
    ``worker`` keeps one worker's residents. Only tags the account may see make a resident due (a clerk's
    list has no resident whose only tag is a supervision one); a major change makes anyone due. ``at``: the
    moment judged on (now when not given); a view holding a sensitive tag or a child is audited then."""
    require(actor, CLERK)
    now = at or clock.now()
    day = reference_day(year, month, now.date())
    sight = visibility.sight_of(actor, now.date())
    residents: dict[int, dict] = {}
    sensitive = False
    for *person, tag, frequency, ways, tender in _plain(_tags_in_force(sight, day, grid_id)):
        entry = _entry(residents, person)
        entry["tags"].append(tag)
        entry["rules"].add((frequency, ways))
        sensitive |= bool(tender)
    for *person, due_at in _plain(_open_changes(day, grid_id)):
        _entry(residents, person)["change"] = _as_moment(due_at)
    since = min(rules.period_of(frequency, day)[0] for frequency in rules.FREQUENCIES)
    last = _last_visits(day, since) if residents else {}
    grid_names = dict(m.Grid.select(m.Grid.id, m.Grid.name).tuples())
    workers = _workers({e["grid"] for e in residents.values() if e["grid"] is not None}, day)
    rows = [_row(rid, entry, last.get(rid, {}), day, now, grid_names, workers) for rid, entry in residents.items()]
    rows = [row for row in rows if row is not None and (not worker or row.worker == worker)]
    rows.sort(key=lambda r: (r.grid, r.worker, r.name, r.resident_id))
    if rows and (sensitive or any(visibility.is_child(residents[r.resident_id]["birth"], day) for r in rows)):
        visibility.record_view(actor, f"due:{year}-{month:02d}", len(rows))
    return rows


def _entry(residents: dict[int, dict], person: list) -> dict:
    """The resident's entry (made on first sight) from the resident columns both queries read first."""
    rid, name, compound, building, unit, room, grid, birth = person
    if rid not in residents:
        residents[rid] = {"name": name, "address": f"{compound}{building}{unit}{room}", "grid": grid,
                          "birth": birth and dbmod.as_date(birth), "tags": [], "rules": set(), "change": None}
    return residents[rid]


@functools.lru_cache(maxsize=512)
def _rule_of(tag_rules: frozenset[tuple[str, str]], day: dt.date) -> tuple[rules.Rule | None, tuple | None]:
    """The rule and period of a set of (frequency, ways) — shared by the many residents with the same tags."""
    rule = rules.ruling_rule(rules.Rule(frequency, rules.ways_of(ways)) for frequency, ways in tag_rules)
    return rule, (rules.period_of(rule.frequency, day) if rule else None)


def _row(rid: int, entry: dict, last: dict[str, dt.date], day: dt.date, now: dt.datetime,
         grid_names: dict[int, str], workers: dict[int, str]) -> DueRow | None:
    rule, period = _rule_of(frozenset(entry["rules"]), day)
    change = entry["change"]
    if rule is None and change is None:
        return None
    counting = max((on for way, on in last.items() if rule and rules.counts(way, rule)), default=None)
    state = rules.period_state(period, counting, now.date()) if period else rules.DUE
    if change is not None:  # a major change not yet answered outweighs a period already visited
        state = rules.OVERDUE if change <= now else rules.DUE
    grid = entry["grid"]
    return DueRow(rid, entry["name"], entry["address"], grid_names.get(grid, "") if grid else "",
                  workers.get(grid, NO_WORKER) if grid else NO_WORKER, tuple(entry["tags"]),
                  rule.frequency if rule else "", period, max(last.values(), default=None), state, change)
