"""One numbering rule for every ledger that carries numbers (受理编号, 事件编号, 借用单号, 资产编号): the
ledger's own number is kept when no other record holds it, the station's counter moves past a kept number
of its own format, a number another record holds refuses the row (an import never changes a number), a
row without one is numbered as at the counter, and a ledger imported again adds nothing
(core/ledgers/importers/numbers.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.events import rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import column_choices, ledger_import
from gridstation.core.ledgers.ledger_import import ImportOptions
from gridstation.core.rules import clock
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from tests.conftest import BACKENDS
from tests.core.ledgers.test_ledger_import import LI, ZHANG, xlsx


def run(path, kind, actor):
    return ledger_import.run_import(column_choices.open_ledger(path, kind), actor, ImportOptions(valid_only=True))


def refusals(report) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message) for p in report.problems]


def taken(label: str, number: str, record: str) -> str:
    return (f"{label} {number} 已是系统中另一{record}的编号，导入不会改动编号。请核对；"
            f"如确是另一{record}，清空此格即按本站规则自动编号。")


@pytest.fixture
def zhang(admin):
    residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=LI))
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))


@pytest.mark.parametrize("backend", BACKENDS)
def test_intake_serials_are_kept_and_a_taken_one_refuses_its_row(site_db, admin, zhang, tmp_path):
    at = dt.datetime(2024, 1, 5, 9, 0)
    held = intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT, received_at=at,
                                                            details={"docs_checked": True}))
    assert held.serial == "SL202401050001"
    headers = ["受理编号", "受理日期", "身份证号", "业务类型", "材料已核验", "备注"]
    path = xlsx(tmp_path / "受理.xlsx", [
        headers,
        ["SL202401050007", "2024-01-05 10:00", ZHANG, catalog.UNEMPLOYMENT, "是", "本站格式"],
        ["WB-2023-15", "2024-01-05 11:00", ZHANG, catalog.UNEMPLOYMENT, "是", "外站编号"],
        ["SL202401050001", "2024-01-05 12:00", LI, catalog.UNEMPLOYMENT, "是", "编号已被占用"],
        ["", "2024-01-05 13:00", LI, catalog.UNEMPLOYMENT, "是", "没有编号"],
    ])
    report = run(path, "intakes", admin)
    assert report.written and report.created == 3
    assert refusals(report) == [(4, "受理编号", taken("受理编号", "SL202401050001", "受理"))]
    assert intakes.get_intake("SL202401050007").received_at == dt.datetime(2024, 1, 5, 10)
    assert intakes.get_intake("WB-2023-15").received_at == dt.datetime(2024, 1, 5, 11)
    assert intakes.get_intake("SL202401050008").received_at == dt.datetime(2024, 1, 5, 13)  # after the kept …0007
    assert intakes.get_intake("SL202401050001").resident_id == zhang.id
    again = run(path, "intakes", admin)
    assert (again.created, again.existing) == (0, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_event_numbers_are_kept_and_a_taken_one_refuses_its_row(site_db, admin, tmp_path):
    """Before this rule every imported event got a new SJ number and the ledger's own was dropped."""
    found = dt.datetime(2024, 3, 2, 9, 0)
    held = register_event(admin, EventInput("环境卫生", rules.NORMAL, "楼道堆物", rules.PATROL, found_at=found))
    assert held.number == "SJ202403020001"
    path = xlsx(tmp_path / "事件.xlsx", [
        ["事件编号", "发现时间", "事件类别", "问题描述"],
        ["SJ202403020005", "2024-03-02 10:00", "设施损坏", "路灯不亮"],
        ["JD-2024-0031", "2024-03-02 11:00", "设施损坏", "井盖松动"],
        ["SJ202403020001", "2024-03-02 12:00", "环境卫生", "垃圾满溢"],
        ["", "2024-03-02 13:00", "环境卫生", "树枝挡路"],
    ])
    report = run(path, "events", admin)
    assert report.written and report.created == 3
    assert refusals(report) == [(4, "事件编号", taken("事件编号", "SJ202403020001", "事件"))]
    by_text = {e.description: e.number for e in m.GridEvent.select()}
    assert by_text["路灯不亮"] == "SJ202403020005" and by_text["井盖松动"] == "JD-2024-0031"
    assert by_text["树枝挡路"] == "SJ202403020006"  # the counter went past the kept SJ…0005
    assert by_text["楼道堆物"] == "SJ202403020001" and "垃圾满溢" not in by_text
    again = run(path, "events", admin)
    assert (again.created, again.existing) == (0, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_loan_slip_numbers_are_kept_and_a_taken_one_refuses_its_row(site_db, admin, zhang, tmp_path):
    """Before this rule every imported slip got a new JY number and the ledger's own was dropped."""
    kind = tool_units.save_kind(admin, tool_units.KindInput(name="人字梯", category="登高", loan_days="7", deposit="0"))
    codes = [u.asset_code for u in tool_units.add_units(admin, kind.id, codes=["GJ-0001", "GJ-0002", "GJ-0003",
                                                                                "GJ-0004", "GJ-0005"])]
    day = (clock.now() - dt.timedelta(days=3)).replace(hour=9, minute=0, second=0, microsecond=0)
    held = lending.lend(admin, zhang.id, [codes[0]], lent_at=day)
    assert held.slip_no == f"JY{day:%Y%m%d}0001"
    path = xlsx(tmp_path / "借用.xlsx", [
        ["借用单号", "资产编号", "身份证号", "姓名", "借出日期"],
        [f"JY{day:%Y%m%d}0004", codes[1], ZHANG, "张三", day + dt.timedelta(hours=1)],
        ["纸质-88", codes[2], ZHANG, "张三", day + dt.timedelta(hours=2)],
        [f"JY{day:%Y%m%d}0001", codes[3], LI, "李四", day + dt.timedelta(hours=3)],
        ["", codes[4], LI, "李四", day + dt.timedelta(hours=4)],
    ])
    report = run(path, "loans", admin)
    assert report.written and report.created == 3
    assert refusals(report) == [(4, "借用单号", taken("借用单号", f"JY{day:%Y%m%d}0001", "借用单"))]
    assert lending.get_loan(f"JY{day:%Y%m%d}0004").lent_at == day + dt.timedelta(hours=1)
    assert lending.get_loan("纸质-88").lent_at == day + dt.timedelta(hours=2)
    numbered = lending.get_loan(f"JY{day:%Y%m%d}0005")  # the counter went past the kept …0004
    assert numbered.resident.name == "李四" and numbered.lent_at == day + dt.timedelta(hours=4)
    again = run(path, "loans", admin)
    assert (again.created, again.existing) == (0, 3)


@pytest.mark.parametrize("backend", BACKENDS)
def test_asset_codes_are_kept_and_one_another_kind_holds_refuses_its_row(site_db, admin, tmp_path):
    ladder = tool_units.save_kind(admin, tool_units.KindInput(name="人字梯", category="登高", loan_days="7", deposit="0"))
    tool_units.add_units(admin, ladder.id, codes=["GJ-0001"])
    path = xlsx(tmp_path / "工具.xlsx", [
        ["工具名称", "类别", "资产编号", "借用天数", "押金"],
        ["人字梯", "登高", "GJ-0001", 7, 0],
        ["电钻", "电动", "GJ-0001", 3, 0],
        ["电钻", "电动", "ZZ-9", 3, 0],
        ["电钻", "电动", "", 3, 0],
    ])
    report = run(path, "tools", admin)
    assert (report.created, report.existing) == (2, 1)
    assert refusals(report) == [(3, "资产编号", taken("资产编号", "GJ-0001", "工具"))]
    assert tool_units.get_unit("ZZ-9").kind.name == "电钻"
    assert [u.kind.name for u in m.ToolUnit.select().order_by(m.ToolUnit.id)] == ["人字梯", "电钻", "电钻"]
