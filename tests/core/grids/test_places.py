"""Buildings and units place residents in their grid by address: no one chooses, 3栋 and 三号楼 are one."""

from __future__ import annotations

import pytest

from gridstation.core.grids import places, register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.ledgers import audit_text
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def two_grids(admin):
    return (register.add_grid(admin, GridInput(name="第一网格")), register.add_grid(admin, GridInput(name="第二网格")))


def resident(actor, seq, building="", unit="", grid="", compound="阳光小区"):
    return residents.save_resident(actor, residents.ResidentInput(
        name="王然", doc_number=make_id(seq=seq), compound=compound, building=building, unit=unit, grid=grid))


def test_a_resident_is_placed_by_address_however_the_building_is_written(admin, clerk, two_grids):
    first, second = two_grids
    places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", first.code, households=48,
                                                    property_company="康居物业", property_contact="0871-65123999"))
    for seq, written in (("101", "3栋"), ("102", "三栋"), ("103", "3幢"), ("104", "３栋")):
        assert resident(clerk, seq, written, grid="第二网格").grid_id == first.id  # the address wins over the box
    assert places.grid_for_address("阳光 小区", "三号楼", "1").id == first.id
    assert places.grid_for_address("阳光小区", "4栋") is None


def test_the_grid_box_chooses_and_never_creates(clerk, two_grids):
    before = snapshot()
    with pytest.raises(NotFound, match="没有名称或编号为“第三网络”的网格"):
        resident(clerk, "201", "9栋", grid="第三网络")
    assert snapshot() == before
    assert resident(clerk, "202", "9栋", grid="第二网格").grid_id == two_grids[1].id
    assert resident(clerk, "203", "", grid="").grid_id is None


def test_a_building_added_later_places_the_residents_already_there_and_moving_it_moves_them(admin, clerk, two_grids):
    first, second = two_grids
    early = [resident(clerk, f"30{n}", "5号楼") for n in range(3)]
    other = resident(clerk, "310", "6号楼")
    assert {r.id for r in places.unplaced_residents()} == {r.id for r in [*early, other]}
    building = places.add_building(admin, places.BuildingInput("阳光小区", "五栋", first.code))
    assert {residents.get_resident(r.id).grid_id for r in early} == {first.id}
    assert [r.id for r in places.unplaced_residents()] == [other.id]
    places.move_building(admin, building.id, "第二网格")
    assert {residents.get_resident(r.id).grid_id for r in early} == {second.id}
    entry = m.AuditLog.select().where(m.AuditLog.action == "移动楼栋").get()
    said = audit_text.sentences([entry])[0]
    assert "移动楼栋 阳光小区五栋：" in said
    assert "网格：第一网格 → 第二网格" in said and "随之变更网格的居民：3" in said


def test_a_unit_can_be_a_micro_grid_of_its_own(admin, clerk, two_grids):
    first, second = two_grids
    building = places.add_building(admin, places.BuildingInput("阳光小区", "7栋", first.code))
    one, two = resident(clerk, "401", "7栋", "1单元"), resident(clerk, "402", "7栋", "二单元")
    places.set_unit(admin, building.id, "2单元", "第二网格")
    assert residents.get_resident(two.id).grid_id == second.id and residents.get_resident(one.id).grid_id == first.id
    assert resident(clerk, "403", "七号楼", "２").grid_id == second.id
    places.move_building(admin, building.id, "第二网格")
    places.move_building(admin, building.id, "第一网格")
    assert residents.get_resident(two.id).grid_id == second.id  # the unit keeps its own grid
    places.set_unit(admin, building.id, "2单元", "")
    assert residents.get_resident(two.id).grid_id == first.id


def test_the_same_building_twice_and_bad_input_are_refused_in_chinese(admin, clerk, two_grids):
    places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", "第一网格"))
    before = snapshot()
    with pytest.raises(DomainError, match="“阳光小区3号楼”已登记在网格“第一网格”中"):
        places.add_building(admin, places.BuildingInput("阳光小区", "三栋", "第二网格"))
    with pytest.raises(DomainError, match="户数应为0到10000之间的整数"):
        places.add_building(admin, places.BuildingInput("阳光小区", "8栋", "第二网格", households=-1))
    with pytest.raises(DomainError, match="控制字符"):
        places.add_building(admin, places.BuildingInput("阳光\x07小区", "8栋", "第二网格"))
    with pytest.raises(PermissionDenied):
        places.add_building(clerk, places.BuildingInput("阳光小区", "8栋", "第二网格"))
    assert snapshot() == before
    formula = places.add_building(admin, places.BuildingInput("=cmd|' /C calc'!A0", "8栋", "第二网格",
                                                              property_company="@SUM(1)"))
    assert formula.compound == "=cmd|' /C calc'!A0" and formula.property_company == "@SUM(1)"


def test_an_events_grid_is_suggested_from_the_residents_involved(admin, clerk, two_grids):
    first, second = two_grids
    places.add_building(admin, places.BuildingInput("阳光小区", "1栋", first.code))
    places.add_building(admin, places.BuildingInput("阳光小区", "2栋", second.code))
    a, b, c = resident(clerk, "501", "1栋"), resident(clerk, "502", "2栋"), resident(clerk, "503", "2栋")
    nowhere = resident(clerk, "504", "")
    assert places.suggested_grid([a.id, b.id, c.id]).id == second.id
    assert places.suggested_grid([a.id, b.id]).id == first.id  # a tie: the first named
    assert places.suggested_grid([nowhere.id]) is None and places.suggested_grid([]) is None


def test_the_grid_a_save_places_a_resident_in_is_in_its_audit_entry(admin, clerk, two_grids):
    first, _second = two_grids
    places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", first.code))
    wang = resident(clerk, "601", "9栋", grid="第二网格")
    residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(seq="601"),
                                                           compound="阳光小区", building="3栋"), wang.id)
    entry = m.AuditLog.select().where(m.AuditLog.action == "修改居民").get()
    assert "网格：第二网格 → 第一网格" in audit_text.sentences([entry])[0]


def test_the_addresses_to_place_are_one_row_a_building_however_written(admin, clerk, two_grids):
    first, second = two_grids
    for seq, written in (("701", "7栋"), ("702", "七栋"), ("703", "7号楼"), ("704", "07栋")):
        resident(clerk, seq, written, grid="第二网格" if seq == "701" else "")
    resident(clerk, "705", "8栋")
    resident(clerk, "706", "", compound="")
    rows = places.unplaced_addresses()
    assert [(a.compound, a.residents, a.without_grid, a.names) for a in rows] == [
        ("", 1, 1, "王然"), ("阳光小区", 4, 3, "王然、王然、王然等"), ("阳光小区", 1, 1, "王然")]
    assert rows[1].building in ("7栋", "七栋", "7号楼", "07栋") and rows[2].building == "8栋"
    assert places.unplaced_addresses(offset=1, limit=1) == [rows[1]]
    places.add_building(admin, places.BuildingInput(rows[1].compound, rows[1].building, first.code))
    assert [a.building for a in places.unplaced_addresses()] == ["", "8栋"]
    assert m.Resident.select().where(m.Resident.grid == first.id).count() == 4
