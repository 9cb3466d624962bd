"""Events found by, assigned to and mediated by people of the grid register, with or without a login; a year
of a station's events ledger naming its own grid workers imported, people unknown to it made (and listed
by the dry run first), and exported back with the same names."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from gridstation.core.events import figures, mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.grids import people, register
from gridstation.core.grids.people import PersonInput
from gridstation.core.grids.register import GridInput
from gridstation.core.ledgers import column_choices, ledger_export, ledger_import
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_import import xlsx
from tests.helpers import person_of, snapshot

pytestmark = pytest.mark.both_backends

HEADERS = ["发现时间", "类别", "网格", "问题描述", "发现人", "经办人", "处置方式", "销号时间", "处置结果"]


@pytest.fixture
def grid(head):
    return register.add_grid(head, GridInput(name="第一网格"))


def test_a_worker_without_a_login_finds_handles_and_mediates(clerk, head, grid):
    zhao, qian = people.add_person(head, PersonInput("赵网格员")), people.add_person(head, PersonInput("钱调解员"))
    found_at = dt.datetime(2026, 10, 12, 9)
    event = register_event(clerk, EventInput("矛盾纠纷", rules.NORMAL, "邻里漏水", rules.PATROL, grid_id=grid.id,
                                             found_at=found_at, finder_id=zhao.id, assignee_id=zhao.id))
    assert (event.finder.name, event.assigned_to.name, event.registered_by_id) == ("赵网格员", "赵网格员", clerk.id)
    for name, phone in (("甲方", "13900000001"), ("乙方", "13900000002")):
        mediation.add_party(clerk, event.number, PartyInput(name=name, phone=phone))
    session = mediation.record_session(clerk, event.number, "调解室", "", "双方陈述", mediator_id=qian.id,
                                       at=found_at + dt.timedelta(days=1))
    assert (session.mediator_id, session.mediators, session.staff_id) == (qian.id, "钱调解员", clerk.id)
    step = m.EventStep.select().where(m.EventStep.event == event.id).order_by(m.EventStep.id.desc()).first()
    assert step.note == "主持：钱调解员　地点：调解室　双方陈述"  # the history names who mediated where
    other = register_event(clerk, EventInput("其他", rules.NORMAL, "路灯", rules.PATROL, found_at=found_at))
    assert other.finder_id is None  # the clerk is no person of the register: no 发现人 is made up
    wang = person_of(clerk)  # once her account is in the register, what she registers she found
    assert register_event(clerk, EventInput("其他", rules.NORMAL, "井盖", rules.PATROL, found_at=found_at)).finder == wang
    by_worker = figures.event_figures(dt.date(2026, 10, 1), dt.date(2026, 10, 31), dt.date(2026, 11, 30)).by_worker
    assert by_worker["赵网格员"].found == 1


def test_a_person_not_in_the_register_is_refused_and_nothing_is_stored(clerk, head, grid):
    li = person_of(head)
    before = snapshot()
    with pytest.raises(DomainError, match="不在网格力量名册中"):
        register_event(clerk, EventInput("其他", rules.NORMAL, "x", rules.PATROL, finder_id=987654))
    with pytest.raises(DomainError, match="经办人和协作单位只能选一个"):
        register_event(clerk, EventInput("其他", rules.NORMAL, "x", rules.PATROL, assignee_id=li.id,
                                         partner="物业"))
    assert snapshot() == before


def year_ledger(path):
    """A station's own year: its grid workers by name (one of them with a login), a partner unit as 经办人."""
    return xlsx(path, [HEADERS,
                       ["2026-01-05 09:00", "环境卫生", "第一网格", "楼道堆物", "孙网格员", "孙网格员", "网格内处置",
                        "2026-01-06 10:00", "已清理"],
                       ["2026-03-05 09:00", "设施损坏", "第一网格", "路灯不亮", "王小红", "物业", "网格内处置", "", ""],
                       ["2026-06-05 09:00", "民生诉求", "第一网格", "停水", "李楼长", "孙网格员", "", "", ""],
                       ["2026-09-05 09:00", "其他", "第一网格", "井盖松动", "", "", "", "", ""]])


def test_a_year_of_events_naming_the_stations_own_workers_is_imported_and_exported_back(clerk, head, grid, tmp_path):
    path = year_ledger(tmp_path / "事件台账.xlsx")
    before = snapshot()
    dry = ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk,
                                   ledger_import.ImportOptions(dry_run=True))
    assert not dry.problems and dry.created == 4
    assert "将新增人员3个：孙网格员、王小红、李楼长" in dry.notes
    assert snapshot() == before
    person_of(clerk)  # now the clerk's account is in the register: her name finds her, nobody new is made
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), clerk)
    assert report.written and report.created == 4
    assert {p.name for p in m.Person.select()} == {"王小红", "孙网格员", "李楼长"}  # each added once, audited
    assert m.AuditLog.select().where(m.AuditLog.action == "登记网格力量").count() == 3
    sun = m.Person.get(m.Person.name == "孙网格员")
    assert sun.staff_id is None and m.Person.select().where(m.Person.name == "王小红").count() == 1
    events = list(m.GridEvent.select().order_by(m.GridEvent.found_at))
    assert [(e.finder.name if e.finder else "", e.assigned_to.name if e.assigned_to else "",
             e.partner.name if e.partner else "") for e in events] == [
        ("孙网格员", "孙网格员", ""), ("王小红", "", "物业"), ("李楼长", "孙网格员", ""), ("王小红", "", "")]
    # the row with no 发现人 was found by the importing clerk (her person)
    out = tmp_path / "导出.xlsx"
    assert ledger_export.export_rows("events", None, out, actor=clerk) == 4
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, [c.value for c in row], strict=False)) for row in sheet.iter_rows(min_row=2)]
    assert [(r["发现人"], r["经办人"]) for r in rows] == [("孙网格员", "孙网格员"), ("王小红", "物业"),
                                                       ("李楼长", "孙网格员"), ("王小红", None)]
    again = ledger_import.run_import(column_choices.open_ledger(out, "events"), clerk)
    assert again.created == 0 and again.existing == 4 and not any("新增人员" in n for n in again.notes)
