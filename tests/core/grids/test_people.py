"""The grid's people (网格力量): people with or without a login, roles with dates, the grid head."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.grids import people, places, register, rules
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.ledgers import audit_text
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.storage import models as m
from tests.helpers import snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def tree(admin):
    east = register.add_grid(admin, GridInput(name="东片", level="三级"))
    one = register.add_grid(admin, GridInput(name="第一网格", parent="东片"))
    return east, one


def test_people_without_a_login_serve_in_roles_and_the_head_is_found_up_the_tree(admin, clerk, tree):
    east, one = tree
    zhang = people.add_person(admin, PersonInput("张建国", phone="13812345678", phone_public=True))
    li = people.add_person(admin, PersonInput("李霞", staff_id=clerk.id))
    assert zhang.phone_public_on == clock.today() and people.person_of_staff(clerk).id == li.id
    people.assign_role(admin, zhang.id, RoleInput(rules.GRID_HEAD, grid="东片"))
    people.assign_role(admin, li.id, RoleInput(rules.FULL_TIME, grid="第一网格"))
    building = places.add_building(admin, places.BuildingInput("阳光小区", "3栋", one.code))
    wu = people.add_person(admin, PersonInput("吴楼长"))
    people.assign_role(admin, wu.id, RoleInput(rules.BUILDING_HEAD, building_id=building.id))
    assert [(p.name, r.role) for p, r in people.people_of(one)] == [("李霞", "专职网格员"), ("吴楼长", "楼栋长")]
    assert people.grid_head_of(one).id == zhang.id  # the 网格长 of the grid above
    with pytest.raises(DomainError, match="“李霞”已是该处的专职网格员"):
        people.assign_role(admin, li.id, RoleInput(rules.FULL_TIME, grid="第一网格"))
    role = m.PersonRole.get(m.PersonRole.person == li.id)
    people.end_role(admin, role.id)
    assert [p.name for p, _ in people.people_of(one)] == ["吴楼长"]
    assert [p.name for p, _ in people.people_of(one, clock.today() - dt.timedelta(days=1))] == []
    said = audit_text.sentences(m.AuditLog.select().where(m.AuditLog.entity == "person").order_by(m.AuditLog.id))
    assert said[0] == ("管理员 登记网格力量 张建国：姓名：张建国；电话：138****5678；同意公示电话：是；"
                       f"同意公示日期：{clock.today():%Y-%m-%d}")
    assert said[1] == "管理员 登记网格力量 李霞：姓名：李霞；登录账号：王小红"
    assert any("结束岗位" in s and "结束日期" in s for s in said)


def test_refusals_in_chinese_change_nothing(admin, clerk, tree):
    li = people.add_person(admin, PersonInput("李霞", staff_id=clerk.id))
    before = snapshot()
    with pytest.raises(PermissionDenied):
        people.add_person(clerk, PersonInput("王五"))
    with pytest.raises(DomainError, match="同意公示电话时请填写电话"):
        people.add_person(admin, PersonInput("王五", phone_public=True))
    with pytest.raises(DomainError, match="该登录账号已关联人员“李霞”"):
        people.add_person(admin, PersonInput("王五", staff_id=clerk.id))
    with pytest.raises(DomainError, match="请选择该岗位服务的网格、楼栋或单元"):
        people.assign_role(admin, li.id, RoleInput(rules.LIAISON))
    with pytest.raises(DomainError, match="控制字符"):
        people.assign_role(admin, li.id, RoleInput("网格\x00员", grid="东片"))
    assert snapshot() == before
    added = people.assign_role(admin, li.id, RoleInput("志愿者", grid="第一网格"))  # a role the station adds
    assert added.role == "志愿者"


def test_the_intake_page_asks_for_a_grids_workers_only(admin, clerk, tree):
    _east, one = tree
    li = people.add_person(admin, PersonInput("李霞", staff_id=clerk.id))
    people.assign_role(admin, li.id, RoleInput(rules.FULL_TIME, grid="第一网格"))
    police = people.add_person(admin, PersonInput("赵警官"))
    people.assign_role(admin, police.id, RoleInput(rules.POLICE, grid="第一网格"))
    assert [p.name for p, _ in people.people_of(one)] == ["李霞", "赵警官"]
    assert [p.name for p, _ in people.people_of(one, roles=rules.GRID_ROLES)] == ["李霞"]


def test_a_unit_role_is_audited_with_its_grid_and_place_apart_and_a_unit_set_again_moves_no_one(admin):
    grid = register.add_grid(admin, GridInput(name="第二网格"))
    building = places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", grid.code))
    unit = places.set_unit(admin, building.id, "1单元")
    wu = people.add_person(admin, PersonInput("吴单元"))
    people.assign_role(admin, wu.id, RoleInput(rules.UNIT_HEAD, unit_id=unit.id))
    said = audit_text.sentences(list(m.AuditLog.select().where(m.AuditLog.action == "安排岗位")))
    assert len(said) == 1 and "第二网格" in said[0] and "阳光小区3号楼1单元" in said[0], said
    assert "单元单元" not in said[0] and "第二网格阳光小区" not in said[0]
    places.set_unit(admin, building.id, "1单元")  # following its building still: nobody's grid changes
    last = m.AuditLog.select().where(m.AuditLog.action == "设置单元").order_by(m.AuditLog.id.desc()).first()
    assert '"residents": 0' in last.after


def test_a_resident_who_died_or_left_is_given_no_role(admin, clerk):
    from gridstation.core.intake import residents
    from gridstation.core.residents import status
    from tests.helpers import make_id

    grid = register.add_grid(admin, GridInput(name="第二网格"))
    liu = residents.save_resident(clerk, residents.ResidentInput(name="刘一", doc_number=make_id(seq="551")))
    person = people.add_person(admin, PersonInput("刘一", resident_id=liu.id))
    status.change_status(clerk, liu.id, status.DECEASED, on=dt.date(2026, 1, 5))
    before = snapshot()
    with pytest.raises(DomainError, match="已于 2026-01-05 登记死亡，不能安排岗位"):
        people.assign_role(admin, person.id, RoleInput(rules.MEDIATOR, grid.code))
    assert snapshot() == before
