"""网格员公示牌 and 网格责任分布表: who the board names for a grid, a building and a unit, with a phone only
where the person agreed to publish it; the table's tree, households and residents; the PDFs' text."""

from __future__ import annotations

import re

import pytest

from gridstation.core.grids import board, people, places, register, rules
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.residents import status
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.station import station
from gridstation.core.storage import settings
from gridstation.reports import samples
from gridstation.reports.grid_board import render_board
from gridstation.reports.grid_table import render_table
from tests.conftest import pdf_text
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

HIDDEN_PHONES = ("13911112222", "13700007777")  # 李霞 and 陈调解 did not agree to publish theirs
SHOWN_PHONES = ("13812345678", "13600001111", "13500002222", "0871-65550110")


def _person(actor, name, role, phone="", public=False, **where):
    person = people.add_person(actor, PersonInput(name, phone=phone, phone_public=public))
    people.assign_role(actor, person.id, RoleInput(role, **where))
    return person


def grid_station(actor) -> dict:
    """A community: 东片 (三级) with its 网格长, 民警 and 调解员; 第一网格 under it with two buildings, units
    and their heads; an empty 第二网格; and another 第一网格 under 西片 (the name alone is ambiguous)."""
    east = register.add_grid(actor, GridInput(name="东片", level="三级", scope="广福路以东"))
    first = register.add_grid(actor, GridInput(name="第一网格", parent="东片", scope="阳光小区3号楼、5栋"))
    register.add_grid(actor, GridInput(name="第二网格", parent="东片"))
    register.add_grid(actor, GridInput(name="西片", level="三级"))
    west_first = register.add_grid(actor, GridInput(name="第一网格", parent="西片"))
    three = places.add_building(actor, places.BuildingInput("阳光小区", "3号楼", first.code, households=48))
    five = places.add_building(actor, places.BuildingInput("=1+2小区", "5栋", first.code))
    one_unit = places.set_unit(actor, three.id, "1单元")
    two_unit = places.set_unit(actor, three.id, "2单元")
    _person(actor, "张建国", rules.GRID_HEAD, "13812345678", True, grid=east.code)
    _person(actor, "王警官", rules.POLICE, "0871-65550110", True, grid=east.code)
    _person(actor, "陈调解", rules.MEDIATOR, "13700007777", grid=east.code)
    _person(actor, "李霞", rules.FULL_TIME, "13911112222", grid=first.code)
    _person(actor, "=A1<b>", rules.PART_TIME, grid=first.code)
    _person(actor, "吴楼长", rules.BUILDING_HEAD, "13600001111", True, building_id=three.id)
    _person(actor, "孙单元", rules.UNIT_HEAD, "13500002222", True, unit_id=two_unit.id)
    _person(actor, "周单元", rules.UNIT_HEAD, "13300003333", True, unit_id=one_unit.id)
    for seq, room in (("101", "101"), ("102", "101室"), ("103", "202")):  # two rooms with residents
        residents.save_resident(actor, residents.ResidentInput(name="王然", doc_number=make_id(seq=seq),
                                                               compound="=1+2小区", building="五栋", room=room))
    gone = residents.save_resident(actor, residents.ResidentInput(name="刘走", doc_number=make_id(seq="104"),
                                                                  compound="=1+2小区", building="5栋", room="303"))
    status.change_status(actor, gone.id, status.MOVED_OUT, moved_to="昆明市盘龙区")
    return {"east": east, "first": first, "west_first": west_first, "three": three, "five": five}


def test_a_unit_board_names_the_grid_building_and_unit_people_and_the_roles_from_above(admin):
    made = grid_station(admin)
    data = board.board(made["first"].code, "3号楼", "二单元")
    assert data.place == "阳光小区3号楼2单元" and data.grid == f"第一网格（{made['first'].code}）"
    assert [(p.role, p.name, p.phone) for p in data.people] == [
        ("网格长", "张建国", "13812345678"), ("专职网格员", "李霞", ""),
        ("兼职网格员", "=A1<b>", ""), ("楼栋长", "吴楼长", "13600001111"),
        ("单元长", "孙单元", "13500002222"), ("社区民警", "王警官", "0871-65550110"), ("调解员", "陈调解", "")]
    assert all(p.duty == board.DUTIES[p.role] for p in data.people)
    whole_grid = board.board(made["first"].code)
    assert {p.name for p in whole_grid.people} == {"张建国", "李霞", "=A1<b>", "王警官", "陈调解"}
    building = board.board(made["first"].code, "阳光小区3号楼")
    assert [(p.role, p.serves, p.name) for p in building.people if p.role in ("楼栋长", "单元长")] == [
        ("楼栋长", "", "吴楼长"), ("单元长", "1单元", "周单元"), ("单元长", "2单元", "孙单元")]
    assert data.supervision_phone == "0871-67000000"  # no 监督电话 set: the station's phone
    station.update_settings(admin, {"supervision_phone": "0871-12345"})
    assert board.board(made["first"].code).supervision_phone == settings.supervision_phone() == "0871-12345"


def test_a_micro_grid_board_names_the_grid_workers_above_it_until_it_has_its_own(admin):
    made = grid_station(admin)
    micro = register.add_grid(admin, GridInput(name="第1微网格", level="五级", parent=made["first"].code))
    _person(admin, "赵院长", rules.MICRO_HEAD, grid=micro.code)
    assert [(p.role, p.name) for p in board.board(micro.code).people] == [
        ("网格长", "张建国"), ("专职网格员", "李霞"), ("兼职网格员", "=A1<b>"), ("微网格长", "赵院长"),
        ("社区民警", "王警官"), ("调解员", "陈调解")]
    _person(admin, "钱兼职", rules.PART_TIME, grid=micro.code)
    assert [p.name for p in board.board(micro.code).people if p.role in rules.WORKER_ROLES] == ["钱兼职"]


def test_a_board_for_a_place_not_in_the_grid_is_refused_in_one_sentence(admin):
    made = grid_station(admin)
    first = made["first"].code
    with pytest.raises(DomainError, match="有2个网格都叫“第一网格”"):
        board.board("第一网格")
    with pytest.raises(NotFound, match="没有名称或编号为“第九网格”的网格"):
        board.board("第九网格")
    with pytest.raises(DomainError, match="楼栋“9号楼”不在网格“第一网格"):
        board.board(first, "9号楼")
    with pytest.raises(DomainError, match="楼栋“阳光小区3号楼”不在网格“第二网格"):
        board.board("第二网格", "阳光小区3号楼")
    with pytest.raises(DomainError, match="没有登记“7单元”"):
        board.board(first, "3号楼", "7单元")
    with pytest.raises(DomainError, match="指定单元时请同时指定楼栋"):
        board.board(first, "", "2单元")
    register.close_grid(admin, register.find_grid("第二网格").id)
    with pytest.raises(DomainError, match="已于 .* 撤销，不再公示"):
        board.board(register.find_grid("第二网格", include_closed=True).code)


def test_the_table_is_the_tree_with_households_residents_and_people(admin):
    made = grid_station(admin)
    rows = board.distribution_table().rows
    assert [(r.depth, r.name) for r in rows] == [(0, "东片"), (1, "第一网格"), (1, "第二网格"), (0, "西片"),
                                                 (1, "第一网格")]
    first = next(r for r in rows if r.code == made["first"].code)
    assert first.buildings == (("=1+2小区", "5栋"), ("阳光小区", "3号楼"))
    places.set_unit(admin, made["three"].id, "2单元", "第二网格")  # a micro-grid of its own
    rows = board.distribution_table().rows
    second = next(r for r in rows if r.name == "第二网格")
    assert second.buildings == (("阳光小区", "3号楼2单元"),) and second.building_count == 0
    first = next(r for r in rows if r.code == made["first"].code)
    assert first.households == 48 + 2  # the record's 48, and 5栋's two rooms with residents present
    assert first.residents == 3  # the one who moved out is not counted
    assert sorted(dict(first.people)["单元长"]) == sorted(("孙单元", "周单元"))
    assert first.people_count == 5  # the 网格长 is on 东片's row
    east = next(r for r in rows if r.name == "东片")
    assert (east.households, east.residents) == (0, 0)  # its buildings lie in the grids under it
    assert (east.households_total, east.residents_total) == (first.households + second.households, 3)
    assert (first.households_total, first.residents_total) == (first.households, first.residents)


@pytest.mark.parametrize("size", ["A4", "A5"])
def test_the_board_pdf_prints_consented_phones_only(admin, tmp_path, size):
    made = grid_station(admin)
    out = render_board(board.board(made["first"].code, "阳光小区3号楼", "2单元"), tmp_path / "board.pdf", size=size)
    text = pdf_text(out)
    flat = re.sub(r"\s+", "", text)
    for words in ("网格员公示牌", "阳光小区3号楼2单元", "孙单元", "吴楼长", "张建国", "监督电话", "0871-67000000",
                  "=A1<b>", "新亚洲体育城社区为民服务站", board.DUTIES["楼栋长"][:8]):
        assert words in flat, words
    assert all(phone in flat for phone in SHOWN_PHONES)
    assert not any(phone in flat for phone in HIDDEN_PHONES), "a phone printed without consent"
    assert "13300003333" not in flat  # 周单元 serves the other unit
    assert "—" in text and text.count("\f") == 1  # one sheet


def test_the_table_pdf_has_no_phone_and_forty_grids_fit_a_few_pages(admin, tmp_path):
    grid_station(admin)
    out = render_table(board.distribution_table(), tmp_path / "table.pdf")
    flat = re.sub(r"\s+", "", pdf_text(out))
    assert "网格责任分布表" in flat and "=1+2小区5栋" in flat and "单元长：" in flat
    east = flat[flat.index("东片WG"):][:90]
    assert east.count("含下级") == 2, east  # nothing of its own: its grids' households and residents beside
    assert not any(phone in flat for phone in (*HIDDEN_PHONES, *SHOWN_PHONES))
    for n in range(40):
        grid = register.add_grid(admin, GridInput(name=f"微网格{n + 1}", level="五级", parent="东片"))
        places.add_building(admin, places.BuildingInput("幸福小区", f"{n + 1}栋", grid.code, households=30))
        _person(admin, f"网格员{n + 1}", rules.FULL_TIME, grid=grid.code)
    text = pdf_text(render_table(board.distribution_table(), tmp_path / "table40.pdf"))
    pages = text.count("\f")
    assert 2 <= pages <= 6, pages
    assert text.count("层级") == pages  # the column heads on every page
    assert f"第{pages}页／共{pages}页" in text and "微网格40" in text


def test_a_grid_with_more_buildings_than_a_page_holds_runs_on_to_the_next(admin, tmp_path):
    grid = register.add_grid(admin, GridInput(name="大网格"))
    for n in range(400):
        places.add_building(admin, places.BuildingInput(f"长长的小区名称幸福家园{n // 100}期", f"{n + 1}栋", grid.code))
    text = pdf_text(render_table(board.distribution_table(), tmp_path / "big.pdf"))
    flat = re.sub(r"\s+", "", text)
    assert "长长的小区名称幸福家园3期301栋、302栋" in flat and "399栋、400栋" in flat and text.count("\f") >= 2


def test_selftest_prints_the_first_grid_board_and_the_table_or_a_sample_board(db_path, admin, tmp_path):
    (tmp_path / "empty").mkdir()
    empty = dict(samples.render_all(tmp_path / "empty"))
    assert "样例" in pdf_text(empty["网格员公示牌"]) and "本站还没有登记网格" in pdf_text(empty["网格责任分布表"])
    grid_station(admin)
    rendered = dict(samples.render_all(tmp_path))
    board_text = re.sub(r"\s+", "", pdf_text(rendered["网格员公示牌"]))
    assert "样例" not in board_text and "第一网格" in board_text and "王警官" in board_text
    assert "=1+2小区5栋" in re.sub(r"\s+", "", pdf_text(rendered["网格责任分布表"]))


def test_a_building_in_a_micro_grid_is_found_from_the_grid_above(admin):
    """A roster or a head names the 四级 grid and the building: the board is the micro-grid's, as it should be."""
    made = grid_station(admin)
    micro = register.add_grid(admin, GridInput(name="第1微网格", level="五级", parent=made["first"].code))
    places.add_building(admin, places.BuildingInput("阳光小区", "6号楼", micro.code))
    data = board.board(made["first"].code, "阳光小区6号楼")
    assert data.code == micro.code and data.place == "阳光小区6号楼"
    with pytest.raises(DomainError, match="不在网格"):
        board.board(made["first"].code, "阳光小区9号楼")


def test_the_table_counts_the_community_apart_from_its_grids(admin, tmp_path):
    """As the statistics and the year's paragraph count them: 社区 and the grids it is divided into."""
    top = register.add_grid(admin, GridInput(name="新亚洲体育城社区", level="三级"))
    for name in ("第一网格", "第二网格"):
        register.add_grid(admin, GridInput(name=name, parent=top.code))
    flat = re.sub(r"\s+", "", pdf_text(render_table(board.distribution_table(), tmp_path / "t.pdf")))
    assert "共新亚洲体育城社区及其下2个网格、0栋楼" in flat
