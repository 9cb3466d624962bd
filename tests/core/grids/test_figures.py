"""The grid register's figures count what was true in the period: the grids open then, the residents present
then, the people serving then — a grid closed mid-year and a resident who moved out drop out afterwards only."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.events.diary_events import make_event
from gridstation.core.grids import diary, people, places, register, rules
from gridstation.core.grids.figures import NO_GRID, grid_figures, year_sentence
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.residents import status
from gridstation.core.statistics.stats import annual_stats
from gridstation.core.statistics.year_paragraph import work_summary
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

SINCE = dt.date(2025, 1, 1)
TODAY = dt.date(2025, 12, 31)
MAY, JULY = (dt.date(2025, 5, 1), dt.date(2025, 5, 31)), (dt.date(2025, 7, 1), dt.date(2025, 7, 31))


def grid(actor, name, level, parent="", kind=rules.GENERAL, code=""):
    return register.add_grid(actor, GridInput(name=name, level=level, parent=parent, kind=kind, code=code,
                                              opened_on=SINCE))


def person(actor, name, role, grid_code="", building_id=None, started=SINCE):
    someone = people.add_person(actor, people.PersonInput(name=name))
    return people.assign_role(actor, someone.id, people.RoleInput(role, grid=grid_code, building_id=building_id,
                                                                 started_on=started))


def resident(actor, seq, building, room):
    return residents.save_resident(actor, residents.ResidentInput(
        name="王然", doc_number=make_id(seq=seq), compound="阳光小区", building=building, unit="1", room=room))


@pytest.fixture
def station(admin):
    """A community (三级) of two 四级 grids, one 专属, a 五级 micro-grid, and a 四级 grid closed on 30 June."""
    grid(admin, "阳光社区", "三级", code="SQ001")
    grid(admin, "第一网格", "四级", "SQ001", code="WG001")
    grid(admin, "第二网格", "四级", "SQ001", kind=rules.DEDICATED, code="WG002")
    grid(admin, "第一微网格", "五级", "WG001", code="WG003")
    closing = grid(admin, "第三网格", "四级", "SQ001", code="WG004")
    counted = places.add_building(admin, places.BuildingInput("阳光小区", "1号楼", "WG003", households=40))
    by_rooms = places.add_building(admin, places.BuildingInput("阳光小区", "2号楼", "WG002"))
    moved = places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", "WG004", households=12))
    places.move_building(admin, moved.id, "WG001")
    for seq, room in (("401", "101"), ("402", "101"), ("403", "102"), ("404", "201")):
        resident(admin, seq, "2号楼", room)
    leaving = resident(admin, "405", "1号楼", "301")
    status.change_status(admin, leaving.id, status.MOVED_OUT, on=dt.date(2025, 6, 15), moved_to="昆明市盘龙区")
    gone = resident(admin, "406", "2号楼", "202")
    status.change_status(admin, gone.id, status.DECEASED, on=dt.date(2025, 6, 20))
    worker = person(admin, "李娜", rules.FULL_TIME, "WG001")
    person(admin, "赵强", rules.FULL_TIME, "WG002")
    people.end_role(admin, person(admin, "钱芳", rules.FULL_TIME, "WG004").id, on=dt.date(2025, 6, 30))
    register.close_grid(admin, closing.id, on=dt.date(2025, 6, 30))
    head = people.add_person(admin, people.PersonInput(name="孙伟"))
    for building in (counted, by_rooms):
        people.assign_role(admin, head.id, people.RoleInput(rules.BUILDING_HEAD, grid=building.grid.code,
                                                            building_id=building.id, started_on=SINCE))
    entries = [diary.write_entry(admin, diary.DiaryInput(worker.person_id, day, "楼道堆放杂物", grid="WG003"))
               for day in (dt.date(2025, 5, 6), dt.date(2025, 5, 20), dt.date(2025, 7, 2))]
    make_event(admin, entries[0].id, "环境卫生")
    return admin


def test_a_month_counts_the_grids_residents_and_people_of_its_last_day(station):
    may = grid_figures(*MAY, TODAY)
    t = may.total
    assert may.levels == {"四级": {rules.GENERAL: 2, rules.DEDICATED: 1}, "五级": {rules.GENERAL: 1}}
    assert (t.grids, t.dedicated) == (4, 1)  # the community itself is not one of its grids
    # 40 + 12 recorded; 2号楼 counts its rooms with residents present: 101, 102, 201, 202 (died in June)
    assert (t.buildings, t.households, t.residents) == (3, 56, 6)
    assert (t.workers, t.building_heads) == (3, 1)  # one 楼栋长 of two buildings is one person
    assert t.households_per_worker == pytest.approx(56 / 3)
    assert (t.diary_entries, t.diary_events) == (2, 1)

    july = grid_figures(*JULY, TODAY)
    t = july.total
    assert july.levels == {"四级": {rules.GENERAL: 1, rules.DEDICATED: 1}, "五级": {rules.GENERAL: 1}}
    assert (t.grids, t.buildings, t.households, t.residents) == (3, 3, 55, 4)
    assert (t.workers, t.diary_entries, t.diary_events) == (2, 1, 0)


def test_each_grid_counts_with_the_grids_under_it_in_tree_order(station):
    rows = {row.name: row for row in grid_figures(*MAY, TODAY).rows}
    assert list(rows) == ["阳光社区", "第一网格", "第一微网格", "第二网格", "第三网格"]  # 一 before 二
    assert [rows[name].depth for name in rows] == [0, 1, 2, 1, 1]
    first, micro, dedicated = rows["第一网格"].tally, rows["第一微网格"].tally, rows["第二网格"].tally
    assert (first.buildings, first.households, first.residents, first.workers) == (2, 52, 1, 1)
    assert (micro.buildings, micro.households, micro.diary_entries, micro.diary_events) == (1, 40, 2, 1)
    assert (dedicated.buildings, dedicated.households, dedicated.residents) == (1, 4, 5)
    assert rows["第三网格"].tally.workers == 1 and rows["第三网格"].tally.buildings == 0
    assert rows["阳光社区"].tally.residents == 6
    july = [row.name for row in grid_figures(*JULY, TODAY).rows]
    assert "第三网格" not in july and NO_GRID not in july


def test_what_names_a_grid_not_yet_open_counts_as_unplaced(station, admin):
    later = register.add_grid(admin, GridInput(name="第五网格", level="四级", parent="SQ001", code="WG005",
                                               opened_on=dt.date(2025, 9, 1)))
    places.add_building(admin, places.BuildingInput("阳光小区", "9号楼", later.code, households=30))
    may = grid_figures(*MAY, TODAY)
    rows = {row.name: row for row in may.rows}
    assert "第五网格" not in rows and rows[NO_GRID].tally.households == 30
    assert may.total.households == 86


def test_the_year_sentence_in_the_seeds_words(station):
    year = annual_stats(2025, TODAY)
    sentence = year_sentence(year.total.grid_register)
    assert sentence == "社区划分为2个四级网格、1个五级网格，配备专职网格员2名、楼栋长1名，每名网格员联系28户居民。"
    assert sentence in work_summary(year, 2025)


def test_a_level_or_role_with_none_is_left_out_and_no_grids_say_nothing(admin):
    assert year_sentence(grid_figures(SINCE, TODAY, TODAY)) == ""
    grid(admin, "第一网格", "四级", code="WG001")
    grid(admin, "第二网格", "四级", code="WG002")
    assert year_sentence(grid_figures(SINCE, TODAY, TODAY)) == "社区划分为2个四级网格。"
