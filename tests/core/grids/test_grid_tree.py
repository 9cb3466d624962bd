"""The grid tree: codes, levels, names that repeat under different parents, closing, splitting, merging."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.grids import boundaries, places, register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import audit_text
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


def grid(admin, name, parent="", level="四级", **more):
    return register.add_grid(admin, GridInput(name=name, parent=parent, level=level, **more))


def test_grids_get_codes_and_names_repeat_only_under_different_parents(admin):
    east = grid(admin, "东片", level="三级")
    west = grid(admin, "西片", level="三级")
    assert (east.code, west.code) == ("WG001", "WG002") and east.parent_id is None
    one_east = grid(admin, "第一网格", parent="东片")
    one_west = grid(admin, "第一网格", parent=west.code, kind="专属网格", scope="农贸市场及周边商铺")
    assert one_east.parent_id == east.id and one_west.parent_id == west.id
    before = snapshot()
    with pytest.raises(DomainError, match="“东片”下已有名为“第一网格”的网格（WG003）"):
        grid(admin, "第一网格", parent="东片")
    with pytest.raises(DomainError, match="有2个网格都叫“第一网格”：WG003（属东片）、WG004（属西片），请写网格编号"):
        register.find_grid("第一网格")
    with pytest.raises(NotFound, match="没有名称或编号为“第九网格”的网格"):
        register.find_grid("第九网格")
    with pytest.raises(DomainError, match="网格类型应为"):
        grid(admin, "第二网格", kind="学校")
    assert snapshot() == before
    assert register.find_grid("wg004").id == one_west.id and register.find_grid("东片").id == east.id
    choices = register.grid_choices()
    assert [label for label, _ in choices] == ["第一网格（WG003）", "第一网格（WG004）", "东片", "西片"]
    assert [register.find_grid(label).id for label, _ in choices] == [grid_id for _, grid_id in choices]


def test_only_the_head_edits_the_tree_and_every_change_is_a_chinese_sentence(admin, head, clerk):
    with pytest.raises(PermissionDenied):
        grid(clerk, "第一网格")
    first = grid(head, "第一网络")
    register.edit_grid(head, first.id, GridInput(name="第一网格", level="五级", code="A-01"))
    assert register.find_grid("A-01").name == "第一网格"
    entries = list(m.AuditLog.select().where(m.AuditLog.entity == "grid").order_by(m.AuditLog.id))
    said = audit_text.sentences(entries)
    assert said[0].startswith("李站长 新增网格 WG001：") and "名称：第一网络" in said[0]
    assert said[1].startswith("李站长 重命名网格 A-01：") and "名称：第一网络 → 第一网格" in said[1]
    assert "层级：四级 → 五级" in said[1] and "编号：WG001 → A-01" in said[1]


def test_a_parent_may_not_be_the_grid_itself_or_below_it(admin):
    top = grid(admin, "东片", level="三级")
    child = grid(admin, "第一网格", parent="东片")
    with pytest.raises(DomainError, match="不能作为上级网格"):
        register.edit_grid(admin, top.id, GridInput(name="东片", level="三级", parent=child.code))


def test_a_grid_lies_a_level_below_its_parent(admin):
    """三级 → 四级 → 五级: a 五级 grid under a 五级 one is refused, on adding and on editing either side."""
    grid(admin, "东片", level="三级")
    four = grid(admin, "第一网格", parent="东片")
    micro = grid(admin, "第1微网格", parent=four.code, level="五级")
    before = snapshot()
    with pytest.raises(DomainError, match="五级网格不能设在五级网格下"):
        grid(admin, "第2微网格", parent=micro.code, level="五级")
    with pytest.raises(DomainError, match="三级网格不能设在四级网格下"):
        register.edit_grid(admin, micro.id, GridInput(name="第1微网格", parent=four.code, level="三级"))
    with pytest.raises(DomainError, match="五级网格不能设在五级网格下"):
        register.edit_grid(admin, four.id, GridInput(name="第一网格", parent="东片", level="五级"))
    assert snapshot() == before
    assert grid(admin, "社区级服务点", parent=micro.code, level="片区").level == "片区"  # a station's own word


def test_a_closed_grid_named_says_it_was_closed(admin):
    one = grid(admin, "第六网格", opened_on=dt.date(2020, 1, 1))
    register.close_grid(admin, one.id, on=dt.date(2026, 1, 5))
    with pytest.raises(DomainError, match=r"网格“第六网格（WG001）”已于 2026-01-05 撤销"):
        register.find_grid("第六网格")


def test_a_closed_grid_keeps_its_rows_and_leaves_the_lists(admin):
    top = grid(admin, "东片", level="三级")
    one = grid(admin, "第一网格", parent="东片", opened_on=dt.date(2026, 1, 1))
    with pytest.raises(DomainError, match="还有1个未撤销的网格"):
        register.close_grid(admin, top.id)
    places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", one.code))
    with pytest.raises(DomainError, match="还有1栋楼"):
        register.close_grid(admin, one.id)
    other = grid(admin, "第二网格", parent="东片")
    places.move_building(admin, places.buildings_of(one)[0].id, other.code)
    closed = register.close_grid(admin, one.id, on=dt.date(2026, 6, 30))
    assert closed.closed_on == dt.date(2026, 6, 30) and m.Grid.get_by_id(one.id).name == "第一网格"
    assert "第一网格" not in [label for label, _ in register.grid_choices()]
    assert "第一网格" in [label for label, _ in register.grid_choices(include_closed=True)]
    grid(admin, "第一网格", parent="东片")  # the name is free again: a new area with its own code
    with pytest.raises(DomainError, match="已于 2026-06-30 撤销"):
        register.close_grid(admin, one.id)


def test_a_split_moves_buildings_and_their_residents_and_closes_the_old_grid(admin):
    old = grid(admin, "第一网格")
    a = places.add_building(admin, places.BuildingInput("阳光小区", "1栋", old.code))
    b = places.add_building(admin, places.BuildingInput("阳光小区", "2栋", old.code))
    wang = residents.save_resident(admin, residents.ResidentInput(name="王然", doc_number=make_id(), compound="阳光小区",
                                                                  building="二栋", unit="1"))
    assert wang.grid_id == old.id
    made = boundaries.split_grid(admin, old.id, [
        boundaries.SplitPart(GridInput(name="第一网格甲"), (a.id,)),
        boundaries.SplitPart(GridInput(name="第一网格乙"), (b.id,))], on=dt.date(2026, 7, 1))
    assert [g.opened_on for g in made] == [dt.date(2026, 7, 1)] * 2
    assert residents.get_resident(wang.id).grid_id == made[1].id
    assert register.get_grid(old.id).closed_on == dt.date(2026, 7, 1)
    split = m.AuditLog.select().where(m.AuditLog.action == "拆分网格").get()
    assert "WG002" in split.after and "WG003" in split.after


def test_a_typo_grid_merges_into_the_right_one_with_everything_that_named_it(admin, clerk):
    right = grid(admin, "第一网格")
    typo = grid(admin, "第一网络")
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id(), grid="第一网络"))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(wang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True}))
    m.Intake.update(grid=typo).where(m.Intake.id == intake.id).execute()
    building = places.add_building(admin, places.BuildingInput("月光小区", "5幢", typo.code))
    merged = boundaries.merge_grids(admin, typo.id, right.id)
    assert merged.id == right.id and m.Grid.get_or_none(m.Grid.id == typo.id) is None
    assert residents.get_resident(wang.id).grid_id == right.id
    assert m.Intake.get_by_id(intake.id).grid_id == right.id
    assert places.get_building(building.id).grid_id == right.id
    entry = m.AuditLog.select().where(m.AuditLog.action == "合并网格").get()
    assert "第一网络" in entry.before and '"moved_resident": 1' in entry.after
    with pytest.raises(DomainError, match="不能把网格合并到它自己"):
        boundaries.merge_grids(admin, right.id, right.id)


def test_a_merge_keeps_the_order_of_levels(admin):
    """合并 corrects a twin typed twice: a 四级 grid is not merged into a 五级 one (its micro-grids would end up
    under a 五级 grid, and the station's own export would no longer import)."""
    grid(admin, "东区", level="三级")
    first = grid(admin, "第一网格", parent="东区")
    grid(admin, "第1微网格", parent=first.code, level="五级")
    second = grid(admin, "第二网格", parent="东区")
    school = grid(admin, "阳光小学", parent=second.code, level="五级", kind="专属网格")
    before = snapshot()
    with pytest.raises(DomainError, match="第一网格”是四级网格，“阳光小学”是五级网格"):
        boundaries.merge_grids(admin, first.id, school.id)
    assert snapshot() == before
    assert boundaries.merge_grids(admin, first.id, second.id).id == second.id  # a twin of its level: merged
    assert register.find_grid("第1微网格").parent_id == second.id


def test_hostile_text_is_refused_or_kept_as_plain_text(admin):
    before = snapshot()
    with pytest.raises(DomainError, match="控制字符"):
        grid(admin, "第一\x1b[2J网格")
    for hidden in ("网格\u202eABC", "第一\u200b网格"):  # U+202E showed WG012 as 210GW beside the name
        with pytest.raises(DomainError, match="看不见的字符或文字方向控制符"):
            grid(admin, hidden)
    with pytest.raises(DomainError, match="看不见的字符"):
        places.add_building(admin, places.BuildingInput("阳光\u202e小区", "3栋", "WG999"))
    with pytest.raises(DomainError, match="网格编号只能由字母、数字"):
        grid(admin, "第一网格", code="=HYPERLINK(1)")
    assert snapshot() == before
    formula = grid(admin, "=SUM(A1:A9)", scope="  东至广福路\n西至\t河边 ")
    assert formula.name == "=SUM(A1:A9)" and formula.scope == "东至广福路\n西至\t河边"
