"""工作交接: a grid worker's roles and open events go to the successor in one step."""

from __future__ import annotations

import pytest

from gridstation.core.events import handling, rules
from gridstation.core.events.handover import hand_over
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.grids import people, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m

pytestmark = pytest.mark.both_backends


def test_roles_and_open_events_move_to_the_successor_with_history(admin, head, clerk):
    grid = register.add_grid(admin, GridInput(name="第一网格"))
    li = people.add_person(admin, PersonInput("李霞", staff_id=clerk.id))
    people.assign_role(admin, li.id, RoleInput(grid_rules.FULL_TIME, grid="第一网格"))
    people.assign_role(admin, li.id, RoleInput(grid_rules.MEDIATOR, grid="第一网格"))  # not a grid role: stays
    events = [register_event(clerk, EventInput("民生诉求", rules.NORMAL, f"路灯不亮{n}", rules.PATROL, grid_id=grid.id))
              for n in range(3)]
    for event in events:
        handling.assign(head, event.number, person_id=li.id)
    handling.close(clerk, events[2].number, "已修复")
    wang = people.add_person(admin, PersonInput("王五"))  # the successor needs no login: events go to people
    done = hand_over(head, li.id, wang.id)
    assert done.roles == 1 and done.events == (events[0].number, events[1].number)
    assert [(p.name, r.role) for p, r in people.people_of(grid)] == [("王五", "专职网格员"), ("李霞", "调解员")]
    assert {e.assigned_to_id for e in m.GridEvent.select().where(m.GridEvent.status != rules.CLOSED)} == {wang.id}
    assert m.GridEvent.get(m.GridEvent.number == events[2].number).assigned_to_id == li.id  # closed: left alone
    notes = [s.note for s in m.EventStep.select().where(m.EventStep.event == events[0].id)]
    assert "分派给王五；工作交接：李霞移交王五" in notes
    entry = m.AuditLog.select().where(m.AuditLog.action == "工作交接").get()
    assert "王五" in entry.after
    with pytest.raises(DomainError, match="无需交接"):
        hand_over(head, li.id, wang.id)
