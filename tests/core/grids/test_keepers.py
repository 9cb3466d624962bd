"""Whom the counter names for a resident's grid: its 网格员, else its 网格长; a phone only if consented."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.grids import keepers, people, register
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput

pytestmark = pytest.mark.both_backends


def test_the_grid_workers_come_first_and_the_head_only_when_there_are_none(admin):
    grid = register.add_grid(admin, GridInput(name="第一网格"))
    head = people.add_person(admin, PersonInput("赵网格长", phone="13700003333", phone_public=True))
    people.assign_role(admin, head.id, RoleInput("网格长", grid="第一网格", started_on=dt.date(2020, 1, 1)))
    assert keepers.keepers_of(grid) == [keepers.Keeper("赵网格长", "网格长", "13700003333")]
    li = people.add_person(admin, PersonInput("李红", phone="13900002222"))
    people.assign_role(admin, li.id, RoleInput("兼职网格员", grid="第一网格", started_on=dt.date(2020, 1, 1)))
    assert keepers.keepers_of(grid) == [keepers.Keeper("李红", "兼职网格员", "")]


def test_a_micro_grid_without_its_own_worker_is_kept_by_the_worker_of_the_grid_above(admin):
    """Seed 001: the 四级 grid's 网格员 serve its 五级 micro-grids, kept day to day by their 楼院长."""
    four = register.add_grid(admin, GridInput(name="第一网格", level="四级"))
    micro = register.add_grid(admin, GridInput(name="第1微网格", level="五级", parent=four.code))
    li = people.add_person(admin, PersonInput("李霞", phone="13900002222", phone_public=True))
    people.assign_role(admin, li.id, RoleInput("专职网格员", grid=four.code, started_on=dt.date(2020, 1, 1)))
    zhao = people.add_person(admin, PersonInput("赵楼长"))
    people.assign_role(admin, zhao.id, RoleInput("微网格长", grid=micro.code, started_on=dt.date(2020, 1, 1)))
    assert keepers.keepers_of(micro) == [keepers.Keeper("李霞", "专职网格员", "13900002222")]
    sun = people.add_person(admin, PersonInput("孙兼职"))
    people.assign_role(admin, sun.id, RoleInput("兼职网格员", grid=micro.code, started_on=dt.date(2020, 1, 1)))
    assert keepers.keepers_of(micro) == [keepers.Keeper("孙兼职", "兼职网格员", "")]  # its own, once it has one
