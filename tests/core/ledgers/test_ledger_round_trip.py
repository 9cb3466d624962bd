"""Every kind ``gridstation export`` writes and ``gridstation import`` reads comes back unchanged: into a new
station, and into the station it came from (where each row is recognised and nothing is doubled)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gridstation.core.events import handling
from gridstation.core.events import rules as event_rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.grids import people, places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, material_check, residents
from gridstation.core.intake.material_rules import DEFERRED, NOTICE
from gridstation.core.ledgers import ledger_columns, ledger_read
from gridstation.core.ledgers.ledger_export import export_rows
from gridstation.core.ledgers.ledger_import import ImportReport, run_import
from gridstation.core.rules import clock
from gridstation.core.station import catalog, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, returns, tool_units
from tests.conftest import BACKENDS, PASSWORD, STATION
from tests.core.ledgers.test_ledger_export import ZHANG, fill_station, records
from tests.helpers import make_id

WANG = make_id("110102", "19700101", "123")
NOW = clock.now().replace(second=0, microsecond=0)
# Every kind export writes that import reads, in the order a new station takes them: its grids and buildings
# first (they place the residents), its grid people after the residents they may be.
KINDS = (ledger_columns.GRIDS, *(k for k in ledger_columns.KINDS if k not in (ledger_columns.GRIDS, ledger_columns.GRID_PEOPLE)),
         ledger_columns.GRID_PEOPLE)
assert set(KINDS) == set(ledger_columns.KINDS)


def fill_more(admin: m.Staff) -> None:
    """What the plain station lacks: the document check in each of its forms, and grid events."""
    wang = residents.save_resident(admin, residents.ResidentInput(name="王五", doc_number=WANG, grid="第一网格"))
    today = NOW - dt.timedelta(hours=3)
    data = intakes.IntakeInput(wang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True}, received_at=today)
    material_check.create_checked_intake(admin, data, ["居民身份证"], mode=NOTICE, deadline=clock.today())
    supplied = material_check.create_checked_intake(admin, data, ["居民身份证"], mode=NOTICE,
                                                    deadline=clock.today())
    material_check.supply_missing(admin, supplied.serial, at=today + dt.timedelta(hours=1))
    material_check.create_checked_intake(admin, data, ["居民身份证", "户口簿"], mode=DEFERRED,
                                         deadline=clock.today())
    material_check.create_checked_intake(admin, data, ["居民身份证", "户口簿", "解除或终止劳动合同证明",
                                                       "近期一寸免冠照片"])
    grid = m.Grid.get(m.Grid.name == "第一网格")
    found = NOW - dt.timedelta(days=4)
    lamp = register_event(admin, EventInput("其他", event_rules.NORMAL, "路灯不亮", event_rules.PATROL,
                                            grid_id=grid.id, place="星天地3栋", found_at=found))
    handling.handle_in_grid(admin, lamp.number, at=found + dt.timedelta(hours=1))
    handling.close(admin, lamp.number, "已更换灯泡", at=found + dt.timedelta(days=1))
    leak = register_event(admin, EventInput("民生诉求", event_rules.URGENT, "楼道漏水", event_rules.RESIDENT_REPORT,
                                            grid_id=grid.id, found_at=found + dt.timedelta(hours=2),
                                            reporter=PartyInput(name="李四", phone="13912345678")))
    handling.report_up(admin, leak.number, "JD-2024-001", found.date(), at=found + dt.timedelta(hours=3))
    register_event(admin, EventInput("环境卫生", event_rules.NORMAL, "垃圾未清运", event_rules.PATROL,
                                     found_at=found + dt.timedelta(days=1)))
    fill_tool_history(admin, wang)
    fill_grid_register(admin, grid)


def fill_grid_register(admin: m.Staff, first: m.Grid) -> None:
    """A register as a station keeps it: a micro-grid with a unit of its own, a dedicated grid with its scope,
    a micro-grid name used under both, and people in roles (one ended, one a staff account, one a resident)."""
    micro = register.add_grid(admin, GridInput(name="第一微网格", level="五级", parent=first.code))
    school = register.add_grid(admin, GridInput(name="第二网格", level="四级", kind=grid_rules.DEDICATED,
                                                scope="实验小学校园", code="ZS-01"))
    register.add_grid(admin, GridInput(name="第一微网格", level="五级", parent=school.code))
    star = places.add_building(admin, places.BuildingInput("星天地", "3号楼", first.code, 60, "安居物业", "0871-65123999"))
    places.add_building(admin, places.BuildingInput("星天地", "5号楼", first.code))
    places.set_unit(admin, star.id, "2单元", micro.code)
    one = places.set_unit(admin, star.id, "1单元")  # a unit in its building's grid, served by its 单元长
    wang = people.add_person(admin, people.PersonInput("王网格", "13700001111", phone_public=True))
    people.assign_role(admin, wang.id, people.RoleInput(grid_rules.GRID_HEAD, first.code, started_on=dt.date(2024, 1, 5)))
    ended = people.assign_role(admin, wang.id, people.RoleInput(grid_rules.FULL_TIME, school.code,
                                                                started_on=dt.date(2023, 3, 1)))
    people.end_role(admin, ended.id, on=dt.date(2024, 1, 4))
    zhang = people.add_person(admin, people.PersonInput("张三", "13812345678", resident_id=residents.find_by_document(ZHANG).id))
    people.assign_role(admin, zhang.id, people.RoleInput(grid_rules.BUILDING_HEAD, first.code, building_id=star.id,
                                                         started_on=dt.date(2024, 2, 1)))
    clerk = people.add_person(admin, people.PersonInput("管理员", staff_id=admin.id))
    people.assign_role(admin, clerk.id, people.RoleInput(grid_rules.MICRO_HEAD, micro.code, started_on=dt.date(2024, 2, 1)))
    wu = people.add_person(admin, people.PersonInput("吴单元", "13600002222"))
    people.assign_role(admin, wu.id, people.RoleInput(grid_rules.UNIT_HEAD, unit_id=one.id, started_on=dt.date(2024, 3, 1)))


def fill_tool_history(admin: m.Staff, wang: m.Resident) -> None:
    """Tools that cannot be lent today, each with loans long returned: one came back damaged and is in repair,
    one came back good and was lost later, one came back damaged and was repaired (在库 again)."""
    drill = m.ToolKind.get(m.ToolKind.name == "电钻")
    tool_units.add_units(admin, drill.id, codes=["GJ-0004", "GJ-0005", "GJ-0006"])
    lent = NOW - dt.timedelta(days=8)
    lending.lend(admin, wang.id, ["GJ-0004", "GJ-0005"], lent_at=lent)
    returns.return_unit(admin, "GJ-0004", tool_units.DAMAGED, returned_at=lent + dt.timedelta(days=1))
    returns.return_unit(admin, "GJ-0005", tool_units.GOOD, returned_at=lent + dt.timedelta(days=1, hours=1))
    tool_units.set_unit_state(admin, "GJ-0005", tool_units.LOST, "盘点时未找到")
    again = NOW - dt.timedelta(days=6)
    lending.lend(admin, wang.id, ["GJ-0006"], lent_at=again)
    returns.return_unit(admin, "GJ-0006", tool_units.DAMAGED, returned_at=again + dt.timedelta(days=1))
    tool_units.set_unit_state(admin, "GJ-0006", tool_units.AVAILABLE, "已修好")


def all_records() -> dict[str, list[tuple]]:
    """The plain station's records, with each intake's document check and the grid events."""
    out = records()
    checks = {c.intake_id: (c.mode, c.received, c.missing, c.deadline, c.issued_at, c.supplied_at)
              for c in m.IntakeMaterials.select()}
    out["intakes"] = sorted(row + (checks.get(i.id),) for row, i in
                            zip(_intake_rows(), m.Intake.select().order_by(m.Intake.id), strict=True))
    out["events"] = sorted(
        (e.number, e.found_at, e.category, e.level, e.source, e.grid.name if e.grid_id else "", e.place,
         e.description, e.finder.name if e.finder_id else "", e.route, e.platform_case_no,
         e.reported_on, e.due_date, e.status, e.closed_at, e.result,
         tuple((p.name, p.phone) for p in e.parties.order_by(m.EventParty.id)))
        for e in m.GridEvent.select())
    out["grids"] = sorted(
        (g.code, g.name, g.level, g.kind, g.parent.code if g.parent_id else "", g.scope, g.opened_on, g.closed_on,
         tuple(sorted((b.key, b.households, b.property_company, b.property_contact,
                       tuple(sorted(u.key for u in b.units if u.grid_id is None))) for b in g.buildings)),
         tuple(sorted((u.building.key, u.key) for u in g.units)))
        for g in m.Grid.select())
    out["gridpeople"] = sorted(
        (r.person.name, r.person.phone, r.person.phone_public, r.person.staff.username if r.person.staff_id else "",
         r.person.resident.doc_number if r.person.resident_id else "", r.role, r.grid.code,
         r.building.key if r.building_id else "", r.unit.key if r.unit_id else "", r.started_on, r.ended_on)
        for r in m.PersonRole.select())
    return out


def _intake_rows() -> list[tuple]:
    return [(i.serial, i.resident.doc_number, i.service.code, i.action, i.details, i.documents, i.status,
             i.received_at, i.due_date, i.completed_at, i.result, i.forwarded_to, i.staff.display_name if i.staff_id
             else "") for i in m.Intake.select().order_by(m.Intake.id)]


def cells(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))


def bring_in(path: Path, kind: str, actor: m.Staff) -> ImportReport:
    report = run_import(ledger_read.open_ledger(path, kind), actor)
    assert report.written and not report.problems, (kind, [p.line() for p in report.problems])
    return report


@pytest.fixture
def exported(site_db: str, admin: m.Staff, tmp_path: Path) -> tuple[dict[str, Path], dict[str, list[tuple]]]:
    """A station with a little of everything, every kind exported with full ID numbers; and its records."""
    fill_station(admin)
    fill_more(admin)
    files = {kind: tmp_path / f"{kind}.xlsx" for kind in KINDS}
    for kind, path in files.items():
        export_rows(kind, None, path, True, actor=admin)
    return files, all_records()


@pytest.mark.parametrize("kind", KINDS)
def test_an_export_imports_into_a_new_station_unchanged(exported, tmp_path, kind):
    files, expected = exported
    dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    admin = station.init_station(STATION, "admin", PASSWORD)
    for each in KINDS:  # loans need residents and tools; a tool's 借出 comes from the loans ledger
        bring_in(files[each], each, admin)
    assert all_records()[kind] == expected[kind]
    again = tmp_path / f"again-{kind}.xlsx"
    export_rows(kind, None, again, True, actor=admin)
    assert cells(again) == cells(files[kind])  # and the new station exports the very same cells


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("kind", KINDS)
def test_an_export_imported_into_its_own_station_is_recognised_and_adds_nothing(exported, admin, kind):
    files, expected = exported
    report = bring_in(files[kind], kind, admin)
    assert report.created == report.updated == 0 and report.existing > 0, report.summary()
    assert all_records() == expected


def test_a_pending_request_keeps_its_missing_documents_and_can_still_be_completed(exported, tmp_path):
    """待补正 came back refused for want of an 办结日期; now it comes back as 待补正, with what it lacks."""
    files, _expected = exported
    dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    admin = station.init_station(STATION, "admin", PASSWORD)
    bring_in(files["intakes"], "intakes", admin)
    pending = m.Intake.get(m.Intake.status == intakes.PENDING_DOCS)
    check = material_check.check_of(pending)
    assert check is not None and check.mode == NOTICE and [d.name for d in check.missing] == [
        "户口簿", "解除或终止劳动合同证明", "近期一寸免冠照片"]
    assert material_check.supply_missing(admin, pending.serial).status == intakes.RECEIVED
    assert residents.find_by_document(ZHANG) is not None


def test_an_open_loan_of_a_tool_that_cannot_be_lent_today_is_refused_and_says_why(exported, tmp_path):
    """A returned loan is history; a loan still out needs its tool lendable now, and the refusal says so."""
    files, _expected = exported
    dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    admin = station.init_station(STATION, "admin", PASSWORD)
    for kind in ("residents", "tools"):
        bring_in(files[kind], kind, admin)
    tool_units.set_unit_state(admin, "GJ-0003", tool_units.REPAIR, "送修")  # out on loan in the ledger
    report = run_import(ledger_read.open_ledger(files["loans"], "loans"), admin)
    assert not report.written
    assert [p.line() for p in report.problems] == [p.line() for p in report.problems if "GJ-0003" in p.line()]
    assert "未归还" in report.problems[0].line() and "正在维修" in report.problems[0].line()
