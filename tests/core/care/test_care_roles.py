"""Every care service checks its own role: 窗口人员 services refuse a deactivated account and one with no known
role, the tag list's rules refuse a clerk, and the care settings (who sees which class) are the head's alone —
refused to the administrator and the command line, whatever their rank."""

from __future__ import annotations

import pytest

from gridstation.core.care import care_settings, due, notes, tags, visits
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import accounts, roles
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.core.care.world import AT, SINCE, build, resident
from tests.helpers import snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def world(admin):
    w = build(admin)
    w.old = resident("王一", "011", notes="独居老人")
    w.row = tags.add_tag(w.head, w.old.id, "低保", since=SINCE, at=AT)
    return w


CLERK_LEVEL = {
    "add_tag": lambda a, w: tags.add_tag(a, w.old.id, "高龄老人", at=AT),
    "end_tag": lambda a, w: tags.end_tag(a, w.row.id, at=AT),
    "record_visit": lambda a, w: visits.record_visit(a, visits.VisitInput(w.old.id, AT.date(), w.visitor.id), at=AT),
    "record_change": lambda a, w: visits.record_change(a, w.old.id, "住院", at=AT),
    "move_note": lambda a, w: notes.move_note(a, w.old.id, "独居老人", "独居老人", seen_notes="独居老人", at=AT),
    "due_list": lambda a, w: due.due_list(a, 2026, 12, at=AT),
    "tags_of": lambda a, w: tags.tags_of(a, w.old.id, on=AT.date()),
}
HEAD_LEVEL = {
    "add_tag_kind": lambda a, w: tags.add_tag_kind(a, "新标签", "关爱", "每月"),
    "set_tag_rule": lambda a, w: tags.set_tag_rule(a, tags.find_tag("低保").id, "每月", ["上门"]),
}
HEAD_ONLY = {
    "set_visibility": lambda a, w: care_settings.set_visibility(a, "监管", ["admin"]),
    "set_change_hours": lambda a, w: care_settings.set_change_hours(a, 12),
    "set_services": lambda a, w: care_settings.set_services(a, ["理发"]),
}
CASES = ([(name, role) for name in CLERK_LEVEL for role in ("deactivated", "no-role")]
         + [(name, role) for name in HEAD_LEVEL for role in (roles.CLERK, "deactivated")]
         + [(name, role) for name in HEAD_ONLY for role in (roles.CLERK, roles.ADMIN, "command line")])
SERVICES = {**CLERK_LEVEL, **HEAD_LEVEL, **HEAD_ONLY}


def actor(kind: str, w) -> m.Staff | None:
    if kind == "command line":
        return None
    if kind == roles.ADMIN:
        return w.admin
    staff = accounts.create_staff(w.admin, f"u-{kind}", "某某", roles.CLERK if kind in ("deactivated", "no-role") else kind,
                                  PASSWORD)
    if kind == "deactivated":
        accounts.set_active(w.admin, staff.id, False)
    if kind == "no-role":
        m.Staff.update(role="").where(m.Staff.id == staff.id).execute()
    return m.Staff.get_by_id(staff.id)


@pytest.mark.parametrize(("service", "role"), CASES, ids=[f"{s}-{r}" for s, r in CASES])
def test_each_care_service_refuses_the_roles_it_does_not_serve(world, service, role):
    who = actor(role, world)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        SERVICES[service](who, world)
    assert snapshot() == before


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_each_care_service_accepts_its_own_role(world, service):
    level = roles.CLERK if service in CLERK_LEVEL else roles.HEAD
    SERVICES[service](world.clerk if level == roles.CLERK else world.head, world)
