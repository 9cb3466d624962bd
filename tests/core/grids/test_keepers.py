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
