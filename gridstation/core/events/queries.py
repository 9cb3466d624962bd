"""The event lists: open, overdue, closed, a worker's own, filtered by grid, worker, category and date."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import peewee

from gridstation.core.events import rules
from gridstation.core.rules import clock
from gridstation.core.storage import models as m

OPEN, CLOSED_LIST, ALL, MINE = "在办", "已销号", "全部", "我的"
LISTS = (OPEN, rules.OVERDUE, CLOSED_LIST, ALL, MINE)


@dataclass
class EventFilter:
    which: str = OPEN  # one of LISTS
    me_id: int | None = None  # the signed-in worker, for MINE
    grid_id: int | None = None
    worker_id: int | None = None  # a person of the register: found by or assigned to
    category: str = ""
    date_from: dt.date | None = None  # found on or after
    date_to: dt.date | None = None  # found on or before


def query_events(flt: EventFilter, today: dt.date | None = None) -> peewee.ModelSelect:
    """The filtered list, most urgent first for open lists (due date), newest first otherwise.

    A worker's own list is what the person their login is found or was given, still open.
    """
    today = today or clock.today()
    E = m.GridEvent  # noqa: N806
    q = E.select()
    if flt.which == OPEN:
        q = q.where(E.status.in_(rules.OPEN_STATUSES))
    elif flt.which == rules.OVERDUE:
        q = q.where(rules.overdue_condition(today))
    elif flt.which == CLOSED_LIST:
        q = q.where(E.status == rules.CLOSED)
    elif flt.which == MINE:
        me = m.Person.select(m.Person.id).where(m.Person.staff == flt.me_id)
        q = q.where(E.status.in_(rules.OPEN_STATUSES) & (E.assigned_to.in_(me) | E.finder.in_(me)))
    if flt.grid_id:
        q = q.where(E.grid == flt.grid_id)
    if flt.worker_id:
        q = q.where((E.finder == flt.worker_id) | (E.assigned_to == flt.worker_id))
    if flt.category:
        q = q.where(E.category == flt.category)
    if flt.date_from:
        q = q.where(E.found_at >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        q = q.where(E.found_at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
    if flt.which in (OPEN, rules.OVERDUE, MINE):
        return q.order_by(E.due_date, E.id)
    return q.order_by(E.found_at.desc(), E.id.desc())


def reporters(event_ids: list[int]) -> dict[int, m.EventParty]:
    """The reporting resident of each listed event, read in one query for a page of rows."""
    rows = m.EventParty.select().where(m.EventParty.event.in_(event_ids) & (m.EventParty.role == rules.REPORTER))
    return {p.event_id: p for p in rows}
