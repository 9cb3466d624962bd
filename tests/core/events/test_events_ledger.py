"""The event ledger (网格事件台账): export (phones masked, text never a formula), import through the
counter's services (all or nothing, twice adds nothing), and the round trip between two stations."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.events import handling, rules
from gridstation.core.events import ledger as event_ledger
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.grids import people
from gridstation.core.grids import register as grid_register
from gridstation.core.grids.register import GridInput
from gridstation.core.ledgers import column_choices, ledger_export, ledger_import
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.station import roles, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_import import xlsx
from tests.helpers import snapshot

HEADERS = ["发现时间", "类别", "等级", "来源", "网格", "地点", "问题描述", "发现人", "反映人", "反映人电话", "处置方式",
           "街道平台编号", "上报日期", "销号时间", "处置结果"]


def ledger(path: Path, rows: list[list[object]]) -> Path:
    return xlsx(path, [HEADERS, *rows])


@pytest.fixture
def grid(clerk):
    return m.Grid.create(name="第一网格", worker=clerk)


def test_export_masks_phones_keeps_text_as_text_and_full_needs_the_head(clerk, head, grid, tmp_path):
    event = register_event(clerk, EventInput("其他", rules.NORMAL, "=HYPERLINK(\"http://x\")", rules.RESIDENT_REPORT,
                                             grid_id=grid.id, reporter=PartyInput(name="张三", phone="13812345678")))
    handling.close(clerk, event.number, "已处理")
    out = tmp_path / "事件.xlsx"
    assert ledger_export.export_rows("events", None, out, actor=clerk) == 1
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=False))
    assert cells["事件编号"].value == event.number and cells["反映人电话"].value == "138****5678"
    assert cells["问题描述"].data_type == "s" and cells["问题描述"].value == "=HYPERLINK(\"http://x\")"
    assert cells["状态"].value == rules.CLOSED and cells["网格"].value == "第一网格"
    with pytest.raises(PermissionDenied):
        ledger_export.export_rows("events", None, out, True, actor=clerk)
    ledger_export.export_rows("events", None, out, True, actor=head)
    assert "13812345678" in [c.value for c in openpyxl.load_workbook(out).active[2]]


def test_import_registers_routes_and_closes_and_twice_adds_nothing(clerk, head, grid, tmp_path):
    path = ledger(tmp_path / "台账.xlsx", [
        ["2026-10-05 09:30", "环境卫生", "", "", "第一网格", "3栋", "楼道堆物", "王小红", "", "", "网格内处置", "", "",
         "2026-10-06 10:00", "已清理"],
        ["2026/10/7", "民生诉求", "紧急", "居民反映", "第一网格", "5栋", "停水", "", "李四", "13900001111", "上报街道",
         "JD-7", "2026-10-07", "", ""],
    ])
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), head)
    assert report.written and report.created == 2 and not report.problems
    cleaned, water = m.GridEvent.select().order_by(m.GridEvent.found_at)
    assert (cleaned.status, cleaned.route, cleaned.closed_at) == (rules.CLOSED, rules.IN_GRID, dt.datetime(2026, 10, 6, 10))
    assert cleaned.finder == people.person_of_staff(clerk) and cleaned.number == "SJ202610050001"  # closed without a photo: a ledger
    assert (water.route, water.platform_case_no, water.level, water.status) == (rules.REPORTED_UP, "JD-7", rules.URGENT,
                                                                                rules.HANDLING)
    again = ledger_import.run_import(column_choices.open_ledger(path, "events"), head)
    assert again.created == 0 and again.existing == 2 and m.GridEvent.select().count() == 2


def test_bad_rows_are_named_and_nothing_is_written(clerk, head, grid, tmp_path):
    path = ledger(tmp_path / "坏.xlsx", [
        ["2026-10-05", "养狗", "", "", "第一网格", "", "狗叫", "", "", "", "", "", "", "", ""],
        ["2026-10-05", "其他", "", "", "第九网格", "", "问题", "", "", "", "", "", "", "", ""],
        ["2026-10-05", "其他", "", "", "", "", "问题", "", "", "", "上报", "", "", "", ""],
        ["2026-10-05", "其他", "", "", "", "", "问题", "", "", "", "上报街道", "", "", "", ""],
        ["2026-10-05", "其他", "", "", "", "", "问题", "", "", "", "", "", "", "2026-10-01", "已处理"],
        ["", "其他", "", "", "", "", "", "", "", "", "", "", "", "", ""],
        ["2026-10-05", "其他", "", "", "", "", "上报由窗口人员导入", "", "", "", "上报街道", "JD-1", "", "", ""],
    ])
    before = snapshot()
    assert not ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk).written  # all or nothing
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk, ledger_import.ImportOptions(dry_run=True))
    assert not report.written and report.created == 1  # the row naming 第九网格, a grid the import would make
    lines = [p.line() for p in report.problems]
    assert any(line.startswith("第2行") and "没有“养狗”这个事件类别" in line for line in lines)
    assert not any(line.startswith("第3行") for line in lines)  # a grid the station lacks is made, and listed
    assert report.notes[0] == "将新增网格1个：第九网格"
    assert any(line.startswith("第4行“处置方式”列") for line in lines)
    assert any(line.startswith("第5行“街道平台编号”列") for line in lines)
    assert any(line.startswith("第6行“销号时间”列") and "早于发现时间" in line for line in lines)
    assert any(line.startswith("第7行") and "发现时间" in line for line in lines)
    assert any(line.startswith("第8行") and "需要站长权限" in line for line in lines)
    assert snapshot()["grid_event"] == before["grid_event"] == []
    assert snapshot()["grid"] == before["grid"]  # the dry run made the grid only to list it


def test_round_trip_between_two_stations_through_the_command_line(tmp_path, capsys):
    from gridstation.core.station import accounts

    first, second = tmp_path / "a.db", tmp_path / "b.db"
    for path in (first, second):
        station.open_site(str(path))
        station.init_station("站", "admin", "secret123")
        worker = accounts.create_staff(None, "lixia", "李霞", roles.CLERK, "secret123")
        m.Grid.create(name="第一网格", worker=worker)
        if path == first:
            grid = m.Grid.get()
            for day in (3, 4, 5):
                e = register_event(worker, EventInput("民生诉求", rules.NORMAL, f"问题{day}", rules.PATROL, grid_id=grid.id,
                                                      found_at=dt.datetime(2026, 10, day, 9)))
                if day != 5:
                    handling.close(worker, e.number, "已解决", at=dt.datetime(2026, 10, day + 1, 9))
        dbmod.close_database()
    out = tmp_path / "事件台账.xlsx"
    assert main(["--db", str(first), "export", "events", "--out", str(out)]) == 0
    assert main(["--db", str(second), "import", "events", str(out), "--dry-run"]) == 0
    assert "全部通过检查" in capsys.readouterr().out
    assert main(["--db", str(second), "import", "events", str(out)]) == 0
    station.open_site(str(second))
    try:
        rows = [(e.number, e.status, e.closed_at) for e in m.GridEvent.select().order_by(m.GridEvent.number)]
    finally:
        dbmod.close_database()
    assert rows == [("SJ202610030001", rules.CLOSED, dt.datetime(2026, 10, 4, 9)),
                    ("SJ202610040001", rules.CLOSED, dt.datetime(2026, 10, 5, 9)),
                    ("SJ202610050001", rules.REGISTERED, None)]


def test_the_template_lists_the_event_columns(tmp_path):
    out = tmp_path / "模板.xlsx"
    assert main(["template", "events", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames[0] == "网格事件台账"
    assert book.sheetnames == ["网格事件台账", "填写说明"]
    assert [c.value for c in book.active[1]][:4] == ["事件编号", "发现时间", "事件类别", "等级"]


def test_a_row_names_its_grid_by_code_or_unique_name_and_an_unknown_one_points_at_the_register(clerk, head, tmp_path):
    """Grid names repeat under different parents: a row's grid is found by code or by a name only one grid has."""
    east = grid_register.add_grid(head, GridInput(name="东片", level="三级"))
    first = grid_register.add_grid(head, GridInput(name="第一网格", parent="东片"))
    grid_register.add_grid(head, GridInput(name="第一网格"))
    item = event_ledger.LedgerEvent(2, dt.datetime(2026, 3, 2, 9, 0), "民生诉求", "一般", "巡查发现", first.code, "",
                                    "路灯不亮", "", "", "", "", "", None, None, "")
    assert event_ledger.grid_of(item).id == first.id
    with pytest.raises(DomainError, match="有2个网格都叫“第一网格”"):
        event_ledger.grid_of(replace(item, grid="第一网格"))
    with pytest.raises(DomainError, match="没有名称或编号为“第九网格”的网格，请先在网格登记中添加"):
        event_ledger.grid_of(replace(item, grid="第九网格"))
    assert event_ledger.grid_of(replace(item, grid="东片")).id == east.id


def test_a_bad_finders_name_is_said_in_its_own_column(clerk, head, grid, tmp_path):
    path = ledger(tmp_path / "名.xlsx", [
        ["2026-10-05", "其他", "", "", "第一网格", "", "问题一", "长" * 2000, "", "", "", "", "", "", ""],
        ["2026-10-06", "其他", "", "", "第一网格", "", "问题二", "\u202e娟吕", "", "", "", "", "", "", ""],
    ])
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk,
                                      ledger_import.ImportOptions(dry_run=True))
    lines = [p.line() for p in report.problems]
    assert any(line.startswith("第2行“发现人”列") and "过长" in line for line in lines), lines
    assert any(line.startswith("第3行“发现人”列") and "看不见的字符" in line for line in lines), lines
    assert not any("反映人" in line for line in lines)


def test_a_name_two_people_share_is_said_and_the_first_registered_taken(clerk, head, grid, tmp_path):
    from gridstation.core.grids import people
    from gridstation.core.grids.people import PersonInput

    first = people.add_person(head, PersonInput("王芳", phone="13800000001"))
    people.add_person(head, PersonInput("王芳", phone="13800000002"))
    path = ledger(tmp_path / "同名.xlsx", [
        ["2026-10-05", "其他", "", "", "第一网格", "", "问题一", "王芳", "", "", "", "", "", "", ""]])
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk)
    assert report.written and "网格登记中有2人叫“王芳”，本表写到的“王芳”都取最早登记的一位；如是另一位，请在事件中改选。" in report.notes
    assert m.GridEvent.get().finder_id == first.id
