"""Handover (工作交接): when a grid worker leaves or changes grid, one step hands their grid roles and their
open grid events to the successor.

It lives with the events, not in the grid register below them: the register moves the roles
(``grids.people.move_grid_roles``) and the events are moved here through their own step table, so each
event's history says who it went to and why. The care domain's residents in care will join this step
from a layer that reads both.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.events import handling, rules
from gridstation.core.grids import people
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


@dataclass(frozen=True)
class Handover:
    """What a handover moved: the roles ended and taken up, and the numbers of the events reassigned."""

    roles: int
    events: tuple[str, ...]


def hand_over(actor: m.Staff | None, from_person_id: int, to_person_id: int, *,
              at: dt.datetime | None = None) -> Handover:
    """Hand ``from``'s current grid roles (网格长, 网格员, 微网格长) and the open events assigned to them
    to ``to``, in one write, audited once for the person and once per event as a 分派 step. Neither needs
    a login: events are assigned to people of the register."""
    require(actor, HEAD)
    moment = (at or clock.now()).replace(microsecond=0)
    with write_transaction():
        source, successor = people.get_person(from_person_id), people.get_person(to_person_id)
        if source.id == successor.id:
            raise DomainError("接替人不能是交出工作的人本人。", field="successor")
        events = list(m.GridEvent.select().where((m.GridEvent.assigned_to == source)
                                                 & m.GridEvent.status.in_(rules.OPEN_STATUSES))
                      .order_by(m.GridEvent.number))
        moved = people.move_grid_roles(actor, source, successor, moment.date())
        for event in events:  # through the events' own 分派, so each event's history records the handover
            handling.assign(actor, event.number, person_id=successor.id, at=max(moment, event.found_at),
                            note=f"工作交接：{source.name}移交{successor.name}")
        if not moved and not events:
            raise DomainError(f"“{source.name}”目前没有网格岗位，也没有未销号的事件，无需交接。")
        audit.record(actor, "工作交接", "person", source.id,
                     after={"successor": successor.name, "roles": moved, "events": [e.number for e in events]})
    return Handover(moved, tuple(e.number for e in events))
