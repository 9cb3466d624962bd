"""The grid ledgers as stations keep them: 网格划分表 and 网格力量花名册 with title rows, their own column names
and one sheet a grid; the dry run lists exactly the grids, buildings and people the import would make;
known ones are matched, never doubled; bad ledgers are refused with nothing stored."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gridstation.core.grids import people, places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.ledgers import column_choices, ledger_import
from gridstation.core.ledgers.importers.created import GRIDS, Created
from gridstation.core.ledgers.ledger_export import export_rows
from gridstation.core.ledgers.ledger_import import ImportOptions
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends
ZHANG = make_id("110101", "19900307", "771")


def workbook(path: Path, sheets: dict[str, list[list[object]]]) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def run(path: Path, kind: str, actor: m.Staff | None, *, columns: tuple = (), **options: bool) -> ledger_import.ImportReport:
    return ledger_import.run_import(column_choices.open_ledger(path, kind, list(columns)), actor, ImportOptions(**options))


def problems(report: ledger_import.ImportReport) -> list[str]:
    return [p.line() for p in report.problems]


def station_grid_ledger(tmp_path: Path) -> Path:
    """As a community writes it: one sheet a grid, a title over each, its own column names (楼号, 住户数,
    物业电话), the grid named by a title row on one sheet and by the sheet's name on the other."""
    return workbook(tmp_path / "网格划分表.xlsx", {
        "一网格": [["星城社区网格划分表"], ["网格：第一网格", None, "填表日期：2026年12月"],
                 ["序号", "小区", "楼号", "住户数", "物业公司", "物业电话"],
                 [1, "星天地", "3号楼", 60, "安居物业", "0871-65123999"],
                 [2, "星天地", "5号楼", 48, "安居物业", "0871-65123999"]],
        "第二网格": [["第二网格楼栋清单"], ["序号", "小区", "楼号", "住户数"], [1, "阳光小区", "1栋", 36]],
    })


def test_a_station_grid_ledger_dry_run_lists_what_it_makes_then_imports_it_once(site_db, admin, tmp_path):
    path = station_grid_ledger(tmp_path)
    before = snapshot()
    dry = run(path, "grids", admin, dry_run=True)
    assert not dry.problems, problems(dry)
    assert dry.notes[:2] == ["将新增网格2个：第一网格、第二网格", "将新增楼栋3个：星天地3号楼、星天地5号楼、阳光小区1栋"]
    assert snapshot() == before  # the dry run made them only to list them

    done = run(path, "grids", admin)
    assert done.written and done.created == 3 and done.notes[:2] == [
        "新增了网格2个：第一网格、第二网格", "新增了楼栋3个：星天地3号楼、星天地5号楼、阳光小区1栋"]
    first = register.find_grid("第一网格")
    assert [(b.compound, b.number, b.households, b.property_contact) for b in places.buildings_of(first)] == [
        ("星天地", "3号楼", 60, "0871-65123999"), ("星天地", "5号楼", 48, "0871-65123999")]
    made = m.AuditLog.get((m.AuditLog.action == "新增网格") & (m.AuditLog.entity_id == first.code))
    assert '"source": "台账"' in made.after

    again = run(path, "grids", admin, dry_run=True)
    assert (again.created, again.existing) == (0, 3) and not any(n.startswith("将新增") for n in again.notes)


def test_grid_rows_make_a_tree_parents_first_and_a_name_repeats_under_another_parent(site_db, admin, tmp_path):
    path = workbook(tmp_path / "tree.xlsx", {"网格": [
        ["网格编码", "网格名称", "层级", "类型", "上级网格", "范围", "小区", "楼栋", "单元"],
        ["WG-11", "第一微网格", "五级", "综合网格", "东片", "", "", "", ""],  # its parent comes two rows below
        ["WG-21", "第一微网格", "五级", "综合网格", "西片", "", "", "", ""],
        ["WG-1", "东片", "三级", "综合网格", "", "东区", "", "", ""],
        ["WG-2", "西片", "三级", "专属网格", "", "农贸市场", "", "", ""],
        ["WG-1", "东片", "", "", "", "", "星天地", "3号楼", ""],
        ["WG-11", "第一微网格", "", "", "", "", "星天地", "3号楼", "2单元"],  # a unit that is a micro-grid
    ]})
    report = run(path, "grids", admin)
    assert report.written and not report.problems, problems(report)
    east, micro = register.find_grid("WG-1"), register.find_grid("WG-11")
    assert (micro.parent_id, micro.level, register.find_grid("WG-2").kind) == (east.id, "五级", grid_rules.DEDICATED)
    assert register.find_grid("WG-21").parent.name == "西片"
    assert places.grid_for_address("星天地", "三栋", "2").id == micro.id
    assert places.grid_for_address("星天地", "3号楼", "1").id == east.id


def test_a_building_listed_before_its_grid_goes_into_that_grid(site_db, admin, tmp_path):
    path = workbook(tmp_path / "order.xlsx", {"网格": [
        ["网格名称", "层级", "上级网格", "小区", "楼栋"],
        ["第一微网格", "", "", "星天地", "3号楼"],  # named alone, before the row that places the grid
        ["第一微网格", "五级", "东片", "", ""],
        ["东片", "三级", "", "", ""],
    ]})
    report = run(path, "grids", admin)
    assert report.written and not report.problems, problems(report)
    micro = register.find_grid("第一微网格")
    assert m.Grid.select().count() == 2 and micro.parent.name == "东片" and micro.level == "五级"
    assert places.grid_for_address("星天地", "3栋").id == micro.id


def test_a_circle_of_parents_is_refused_whole_and_nothing_is_stored(site_db, admin, tmp_path):
    path = workbook(tmp_path / "circle.xlsx", {"网格": [
        ["网格名称", "上级网格"], ["甲网格", "乙网格"], ["乙网格", "丙网格"], ["丙网格", "甲网格"], ["丁网格", ""]]})
    before = snapshot()
    with pytest.raises(DomainError, match="上级网格形成循环：.*甲网格.*乙网格.*丙网格"):
        run(path, "grids", admin)
    assert snapshot() == before


def test_a_closed_parent_and_a_shared_name_are_refused_naming_the_codes(site_db, admin, tmp_path):
    old = register.add_grid(admin, GridInput(name="旧网格"))
    register.close_grid(admin, old.id)
    east = register.add_grid(admin, GridInput(name="东片", level="三级"))
    west = register.add_grid(admin, GridInput(name="西片", level="三级"))
    a = register.add_grid(admin, GridInput(name="第一网格", parent=east.code))
    b = register.add_grid(admin, GridInput(name="第一网格", parent=west.code))
    path = workbook(tmp_path / "bad.xlsx", {"网格": [
        ["网格名称", "上级网格", "小区", "楼栋"], ["新网格", "旧网格", "", ""], ["第一网格", "", "星天地", "3号楼"]]})
    before = snapshot()
    report = run(path, "grids", admin)
    assert not report.written and snapshot() == before
    lines = problems(report)
    assert any(line.startswith("第2行“上级网格”列") and "旧网格" in line and "撤销" in line for line in lines), lines
    assert any(line.startswith("第3行") and a.code in line and b.code in line for line in lines), lines

    people_path = workbook(tmp_path / "people.xlsx", {"花名册": [["姓名", "角色", "网格"], ["王五", "网格长", "第一网格"]]})
    refused = run(people_path, "gridpeople", admin)
    assert not refused.written and snapshot() == before
    assert "有2个网格都叫“第一网格”" in problems(refused)[0] and a.code in problems(refused)[0]


def test_a_clerk_may_not_import_the_register(site_db, admin, clerk, tmp_path):
    path = station_grid_ledger(tmp_path)
    with pytest.raises(DomainError, match="站长"):
        run(path, "grids", clerk, dry_run=True)


def station_people_ledger(tmp_path: Path) -> Path:
    """One sheet a grid with a title naming it, the station's own name for the role column (职务名称)."""
    header = ["序号", "姓名", "职务名称", "负责楼栋", "联系电话", "是否公示电话", "任职日期", "离任日期", "关联账号", "身份证号"]
    return workbook(tmp_path / "网格力量花名册.xlsx", {
        "Sheet1": [["星城社区网格力量花名册"], ["所属网格：第一网格"], header,
                   [1, "王网格", "网格长", "", "13700001111", "是", "2024-01-05", "", "", ""],
                   [2, "张三", "楼栋长", "星天地3号楼", "13812345678", "否", "2024-02-01", "", "", ZHANG],
                   [3, "管理员", "微网格长", "", "", "", "2024-02-01", "", "admin", ""]],
        "第二网格": [["第二网格网格力量花名册"], header,
                 [1, "王网格", "专职网格员", "", "13700001111", "是", "2023-03-01", "2024-01-04", "", ""],
                 [2, "赵调解", "调解员", "", "13900002222", "否", "", "", "", ""]],
    })


def test_a_station_people_ledger_matches_people_and_lists_who_it_adds(site_db, admin, tmp_path):
    first = register.add_grid(admin, GridInput(name="第一网格"))
    places.add_building(admin, places.BuildingInput("星天地", "3号楼", first.code))
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))
    path = station_people_ledger(tmp_path)
    before = snapshot()
    dry = run(path, "gridpeople", admin, columns=(("职务名称", "角色"),), dry_run=True)
    assert not dry.problems, problems(dry)
    assert dry.notes[:2] == ["将新增网格1个：第二网格", "将新增人员4个：王网格、张三、管理员、赵调解"]
    assert snapshot() == before

    done = run(path, "gridpeople", admin, columns=(("职务名称", "角色"),))
    assert done.written and done.created == 5, problems(done)
    wang = m.Person.get(m.Person.name == "王网格")  # on both sheets: one person, two roles
    assert m.Person.select().count() == 4 and wang.phone_public
    roles = {(r.role, r.grid.name, r.started_on, r.ended_on) for r in wang.roles}
    assert roles == {("网格长", "第一网格", dt.date(2024, 1, 5), None),
                     ("专职网格员", "第二网格", dt.date(2023, 3, 1), dt.date(2024, 1, 4))}
    zhang = m.Person.get(m.Person.name == "张三")
    assert zhang.resident.doc_number == ZHANG and zhang.roles.get().building.number == "3号楼"
    assert m.Person.get(m.Person.name == "管理员").staff_id == admin.id
    assert people.grid_head_of(first).name == "王网格"
    assert m.AuditLog.select().where(m.AuditLog.action == "安排岗位").count() == 5

    again = run(path, "gridpeople", admin)  # the column choice was remembered
    assert again.written and (again.created, again.existing) == (0, 5), problems(again)
    assert m.Person.select().count() == 4


def test_a_person_linked_to_an_unknown_account_or_resident_is_refused(site_db, admin, tmp_path):
    path = workbook(tmp_path / "p.xlsx", {"第一网格": [
        ["姓名", "角色", "关联账号", "身份证号"], ["甲", "网格长", "nobody", ""], ["乙", "网格长", "", ZHANG]]})
    report = run(path, "gridpeople", admin)
    lines = problems(report)
    assert not report.written and any("“关联账号”列" in line and "nobody" in line for line in lines), lines
    assert any(line.startswith("第3行“身份证号”列") and "尚未登记" in line for line in lines), lines
    assert any("设置 → 人员与密码" in line for line in lines), lines  # and says the way on
    wrong = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")
    path = workbook(tmp_path / "q.xlsx", {"第一网格": [["姓名", "角色", "身份证号"], ["丙", "网格长", wrong]]})
    lines = problems(run(path, "gridpeople", admin))
    assert any("校验位错误" in line for line in lines) and not any("尚未登记" in line for line in lines), lines


def test_a_roster_says_consent_to_publish_in_its_own_words(site_db, admin, tmp_path):
    register.add_grid(admin, GridInput(name="第一网格"))
    path = workbook(tmp_path / "p.xlsx", {"花名册": [
        ["姓名", "角色", "网格", "电话", "是否同意公示"], ["王芳", "网格长", "第一网格", "13812345678", "是"]]})
    assert run(path, "gridpeople", admin).written
    assert m.Person.get(m.Person.name == "王芳").phone_public


def test_a_grid_its_own_parent_is_a_circle(site_db, admin, tmp_path):
    path = workbook(tmp_path / "g.xlsx", {"网格": [["网格编码", "网格名称", "上级网格"], ["X3", "第三网格", "X3"]]})
    before = snapshot()
    with pytest.raises(DomainError, match="上级网格形成循环：X3→X3"):
        run(path, "grids", admin)
    assert snapshot() == before


def test_the_plan_lists_twenty_names_then_counts():
    plan = Created()
    for i in range(25):
        plan.add(GRIDS, f"WG{i:03d}", f"网格{i}")
    plan.add(GRIDS, "WG000", "网格0")  # the same grid made again is one grid
    line = plan.lines(dry_run=True)[0]
    assert line.startswith("将新增网格25个：网格0、网格1、") and line.endswith("、网格19等25个")


def test_a_residents_ledger_dry_run_lists_the_grids_a_typo_would_make(site_db, admin, tmp_path):
    register.add_grid(admin, GridInput(name="第一网格"))
    path = workbook(tmp_path / "r.xlsx", {"居民": [
        ["姓名", "身份证号", "网格"], ["张三", ZHANG, "第一网各"], ["李四", make_id("110105", "19650812", "042"), "第一网格"]]})
    before = snapshot()
    dry = run(path, "residents", admin, dry_run=True)
    assert dry.notes[0] == "将新增网格1个：第一网各" and snapshot() == before
    done = run(path, "residents", admin)
    assert done.notes[0] == "新增了网格1个：第一网各" and register.find_grid("第一网各")


def test_exports_keep_formulas_as_text(site_db, admin, tmp_path):
    grid = register.add_grid(admin, GridInput(name="第一网格", scope="=HYPERLINK(\"http://x\")"))
    person = people.add_person(admin, people.PersonInput("王网格", note=""))
    people.assign_role(admin, person.id, people.RoleInput("+网格员", grid.code))
    for kind, column in (("grids", "F"), ("gridpeople", "B")):
        out = tmp_path / f"{kind}.xlsx"
        export_rows(kind, None, out, actor=admin)
        cell = openpyxl.load_workbook(out).worksheets[0][f"{column}2"]
        assert cell.data_type == "s" and cell.quotePrefix and cell.value.startswith(("=", "+")), (kind, cell.value)


def test_an_events_ledger_makes_the_grids_it_names_audited_as_from_a_ledger(site_db, admin, tmp_path):
    register.add_grid(admin, GridInput(name="第一网格"))
    path = workbook(tmp_path / "events.xlsx", {"事件": [
        ["发现时间", "事件类别", "网格", "问题描述"],
        ["2026-10-05 09:30", "其他", "第一网格", "路灯不亮"],
        ["2026-10-06 09:30", "其他", "第九网格", "井盖松动"],
        ["2026-10-07 09:30", "其他", "第九网格", "楼道堆物"],
    ]})
    before = snapshot()
    dry = run(path, "events", admin, dry_run=True)
    assert dry.notes[0] == "将新增网格1个：第九网格" and dry.created == 3 and snapshot() == before
    done = run(path, "events", admin)
    assert done.written and done.notes[0] == "新增了网格1个：第九网格"
    ninth = register.find_grid("第九网格")
    assert m.GridEvent.select().where(m.GridEvent.grid == ninth).count() == 2
    made = m.AuditLog.get((m.AuditLog.action == "新增网格") & (m.AuditLog.entity_id == ninth.code))
    assert '"source": "台账"' in made.after


def test_a_level_or_a_role_the_station_has_not_used_is_listed_before_it_is_made(site_db, admin, tmp_path):
    """A station may name its own levels and roles, but a ledger's 六级 or 专职网格圆 is said before it is taken."""
    grids = workbook(tmp_path / "g.xlsx", {"网格": [["网格名称", "层级"], ["坏一", "六级"], ["第一网格", "四级"]]})
    assert "将新增层级1个：六级" in run(grids, "grids", admin, dry_run=True).notes
    run(grids, "grids", admin)
    assert not any("层级" in n for n in run(grids, "grids", admin, dry_run=True).notes)  # used now: not new
    roster = workbook(tmp_path / "p.xlsx", {"花名册": [["姓名", "角色", "网格"], ["冯四", "专职网格圆", "第一网格"],
                                                     ["陈五", "专职网格员", "第一网格"]]})
    notes = run(roster, "gridpeople", admin, dry_run=True).notes
    assert "将新增岗位1个：专职网格圆" in notes and not any("专职网格员" in n for n in notes), notes


def test_a_residents_grid_cell_the_address_overrides_is_said(site_db, admin, tmp_path):
    first = register.add_grid(admin, GridInput(name="第一网格"))
    second = register.add_grid(admin, GridInput(name="第二网格"))
    places.add_building(admin, places.BuildingInput("阳光小区", "3号楼", second.code))
    path = workbook(tmp_path / "r.xlsx", {"居民": [["姓名", "身份证号", "小区", "楼栋", "网格"],
                                                 ["刘三", ZHANG, "阳光小区", "3栋", "第一网格"],
                                                 ["李四", make_id(seq="552"), "阳光小区", "3栋", second.code]]})
    notes = run(path, "residents", admin, dry_run=True).notes
    assert "第2行：地址属于第二网格，表中写的网格“第一网格”不采用。" in notes, notes
    assert not any("第3行" in n for n in notes)  # its code names the grid the address gives
    run(path, "residents", admin)
    assert residents.find_by_document(ZHANG).grid_id == second.id != first.id


def test_a_known_grid_under_another_parent_in_the_ledger_is_kept_and_said(site_db, admin, tmp_path):
    first = register.add_grid(admin, GridInput(name="第一网格"))
    register.add_grid(admin, GridInput(name="第二网格"))
    micro = register.add_grid(admin, GridInput(name="第1微网格", level="五级", parent=first.code))
    path = workbook(tmp_path / "g.xlsx", {"网格": [["网格编码", "网格名称", "层级", "上级网格"],
                                                 [micro.code, "第1微网格", "五级", "WG002"]]})
    report = run(path, "grids", admin, dry_run=True)
    assert f"第2行：{micro.code} 在本站属第一网格（WG001），表中写的上级“WG002”不采用（移动网格请在网格页操作）。" in report.notes
    assert report.existing == 1


def test_a_grid_whose_own_row_is_refused_is_not_made_by_the_rows_that_name_it(site_db, admin, tmp_path):
    """With --valid-only a building row naming a grid whose own row was refused (五级 under 五级) is refused too;
    before, it made a bare 四级 grid of that name at the top of the tree."""
    path = workbook(tmp_path / "g.xlsx", {"网格": [
        ["网格编码", "网格名称", "层级", "上级网格", "小区", "楼栋"], ["S1", "阳光小学", "五级", "", "", ""],
        ["S2", "第1微网格", "五级", "S1", "", ""], ["", "第1微网格", "", "", "阳光小区", "6号楼"]]})
    report = run(path, "grids", admin, valid_only=True)
    assert register.find_grid("阳光小学").level == "五级"
    assert not m.Grid.select().where(m.Grid.name == "第1微网格").exists()
    assert not m.Building.select().exists()
    assert any(line.startswith("第4行") and "没有导入" in line for line in problems(report)), problems(report)


def test_a_grid_a_ledger_names_alone_goes_under_the_community(site_db, admin, tmp_path):
    """A typo'd grid in an events or residents ledger becomes one of the community's grids, not a second top
    beside the community (which then counted the community itself as a grid)."""
    top = register.add_grid(admin, GridInput(name="新亚洲体育城社区", level="三级", code="SQ001"))
    register.add_grid(admin, GridInput(name="第一网格", parent=top.code))
    path = workbook(tmp_path / "r.xlsx", {"居民": [["姓名", "身份证号", "网格"], ["刘三", ZHANG, "第一网各"]]})
    run(path, "residents", admin)
    made = register.find_grid("第一网各")
    assert (made.parent_id, made.level) == (top.id, "四级") and register.community().id == top.id


def test_a_grid_the_station_has_had_for_years_keeps_its_start_date(site_db, admin, tmp_path):
    """启用日期: a station entering grids it has long had keeps their start, so past periods count them."""
    path = workbook(tmp_path / "g.xlsx", {"网格": [["网格名称", "层级", "启用日期"], ["第一网格", "四级", "2019-05-01"],
                                                 ["第二网格", "四级", ""]]})
    run(path, "grids", admin)
    assert register.find_grid("第一网格").opened_on == dt.date(2019, 5, 1)
    assert register.find_grid("第二网格").opened_on is not None  # left empty: the day of the import


def test_a_grid_row_with_no_parent_goes_under_the_community_when_it_ranks_below_it(site_db, admin, tmp_path):
    top = register.add_grid(admin, GridInput(name="社区", level="三级", code="SQ1"))
    register.add_grid(admin, GridInput(name="第一网格", parent=top.code))
    path = workbook(tmp_path / "g.xlsx", {"网格": [["网格名称", "层级"], ["第二网格", "四级"], ["第一网格", "四级"]]})
    report = run(path, "grids", admin)
    assert report.written and report.created == 1, problems(report)
    assert register.find_grid("第二网格").parent_id == top.id and register.community().id == top.id
