"""The register's people as the events' dialogs offer them, and the grid and 网格长 an event is suggested for."""

from __future__ import annotations

import pytest

from gridstation.core.events import lists
from gridstation.core.grids import choices, people, places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.places import BuildingInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends


@pytest.fixture
def town(head):
    """东区 with its 网格长 赵红 (no login); its micro-grid 东一 (阳光小区3栋) with a 专职网格员 钱明 and no head
    of its own; 西区 (月光小区1栋) with a 专职网格员 only; a 调解员 and a 民警; someone with no role."""
    register.add_grid(head, GridInput(name="东区"))
    register.add_grid(head, GridInput(name="东一", level="五级", parent="东区"))
    register.add_grid(head, GridInput(name="西区"))
    places.add_building(head, BuildingInput("阳光小区", "3栋", "东一"))
    places.add_building(head, BuildingInput("月光小区", "1栋", "西区"))
    for name, role, grid in (("赵红", grid_rules.GRID_HEAD, "东区"), ("钱明", grid_rules.FULL_TIME, "东一"),
                             ("孙丽", grid_rules.FULL_TIME, "西区"), ("周调", grid_rules.MEDIATOR, "东区"),
                             ("吴警官", grid_rules.POLICE, "东区")):
        person = people.add_person(head, PersonInput(name))
        people.assign_role(head, person.id, RoleInput(role, grid=grid))
    people.add_person(head, PersonInput("郑闲"))


def test_people_are_offered_grid_roles_first_with_role_and_grid_then_the_rest(town):
    offered = [c.label for c in choices.person_choices()]
    assert offered == ["赵红 · 网格长 · 东区", "钱明 · 专职网格员 · 东一", "孙丽 · 专职网格员 · 西区",
                       "吴警官 · 社区民警 · 东区", "周调 · 调解员 · 东区", "郑闲"]
    assert [c.name for c in choices.person_choices(roles=(grid_rules.MEDIATOR,))] == ["周调"]


def test_the_one_list_of_handlers_is_the_people_then_the_partner_units(town):
    handed = lists.handlers()
    assert [h.label for h in handed][:2] == ["赵红 · 网格长 · 东区", "钱明 · 专职网格员 · 东一"]
    assert "吴警官 · 社区民警 · 东区" in [h.label for h in handed]
    units = [h.unit for h in handed if h.person_id is None]
    assert units == list(lists.DEFAULT_PARTNERS)


def test_the_place_typed_gives_its_buildings_grid_however_it_is_written(town):
    for written in ("阳光小区3栋", "阳光小区3号楼2单元501", "阳光小区 三栋", "阳光小区３号楼"):
        assert choices.grid_for_place(written).name == "东一", written
    assert choices.grid_for_place("月光小区1号楼").name == "西区"
    for unknown in ("", "社区广场", "阳光小区9栋", "星星小区3栋"):
        assert choices.grid_for_place(unknown) is None, unknown


def test_the_suggestion_follows_the_residents_else_the_place_and_names_the_grids_head(town, admin):
    east = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(seq="101"),
                                                                 compound="阳光小区", building="3号楼"))
    west = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="102"),
                                                                 compound="月光小区", building="1栋"))
    by_residents = choices.suggest([east.id], "月光小区1栋")  # the residents count before the place
    assert (by_residents.grid.name, by_residents.person.name) == ("东一", "赵红")  # 东一 has none: its parent's head
    by_place = choices.suggest([], "月光小区1栋")
    assert (by_place.grid.name, by_place.person.name) == ("西区", "孙丽")  # no 网格长: its 专职网格员
    assert choices.suggest([west.id, east.id]).grid.name == "西区"  # a tie: the first named
    nothing = choices.suggest([], "社区广场")
    assert (nothing.grid, nothing.person) == (None, None)
