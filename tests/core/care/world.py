"""A small station for the care tests: two grids, each with its 专职网格员 (a register person linked to a
clerk's account), residents in each, and the accounts of every role."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import people, register
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.station import accounts, roles
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.helpers import make_id

AT = dt.datetime(2026, 12, 7, 10, 0)  # every service is given its moment: the tests hold under a shifted clock
SINCE = dt.date(2026, 1, 1)


@dataclass
class World:
    admin: m.Staff
    head: m.Staff
    clerk: m.Staff
    worker_one: m.Staff  # a clerk's account, 专职网格员 of 第一网格
    visitor: m.Person  # that worker in the register
    visitor_two: m.Person  # 第二网格's worker (no account)
    grid_one: m.Grid
    grid_two: m.Grid


def build(admin: m.Staff) -> World:
    head = accounts.create_staff(admin, "head", "李站长", roles.HEAD, PASSWORD)
    clerk = accounts.create_staff(admin, "clerk", "王小红", roles.CLERK, PASSWORD)
    worker = accounts.create_staff(admin, "zhang", "张网格", roles.CLERK, PASSWORD)
    one = register.add_grid(admin, GridInput(name="第一网格"))
    two = register.add_grid(admin, GridInput(name="第二网格"))
    visitor = people.add_person(admin, PersonInput("张网格", staff_id=worker.id))
    people.assign_role(admin, visitor.id, RoleInput("专职网格员", grid="第一网格", started_on=dt.date(2020, 1, 1)))
    other = people.add_person(admin, PersonInput("赵兼职"))
    people.assign_role(admin, other.id, RoleInput("专职网格员", grid="第二网格", started_on=dt.date(2020, 1, 1)))
    return World(admin, head, clerk, worker, visitor, other, one, two)


def resident(name: str, seq: str, grid: str = "第一网格", *, notes: str = "", birth: str = "19400307") -> m.Resident:
    return residents.save_resident(None, residents.ResidentInput(
        name=name, doc_number=make_id(birth=birth, seq=seq), compound="阳光小区", building="3栋", room="101",
        grid=grid, notes=notes))
