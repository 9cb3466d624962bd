"""民情日志, written: by any person of the register, listed by person, grid and day, made an event by one call."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.events import rules as event_rules
from gridstation.core.events.diary_events import make_event
from gridstation.core.grids import diary, people, register
from gridstation.core.grids.diary import DiaryInput
from gridstation.core.grids.people import PersonInput, RoleInput
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.ledgers import audit_text
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


@pytest.fixture
def worker(admin, clerk):
    register.add_grid(admin, GridInput(name="第一网格"))
    register.add_grid(admin, GridInput(name="第二网格"))
    zhang = people.add_person(admin, PersonInput("张建国"))  # no login: a clerk keys it in for him
    people.assign_role(admin, zhang.id, RoleInput("兼职网格员", grid="第一网格", started_on=dt.date(2026, 1, 1)))
    return zhang


def test_a_week_of_entries_is_listed_by_person_grid_and_day(clerk, worker):
    today = clock.today()
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id()))
    for back in range(7):
        diary.write_entry(clerk, DiaryInput(worker.id, today - dt.timedelta(days=back), f"走访{back}户，楼道灯不亮",
                                            resident_id=wang.id if back == 0 else None, done="已告知物业"))
    other = diary.write_entry(clerk, DiaryInput(worker.id, today, "商铺占道", grid="第二网格"))
    first = register.find_grid("第一网格")
    listed = list(diary.entries(person_id=worker.id, grid_id=first.id, date_from=today - dt.timedelta(days=2)))
    assert [e.seen for e in listed] == ["走访0户，楼道灯不亮", "走访1户，楼道灯不亮", "走访2户，楼道灯不亮"]
    assert listed[0].resident_id == wang.id and listed[0].written_by_id == clerk.id
    assert [e.id for e in diary.entries(grid_id=other.grid_id)] == [other.id]
    said = audit_text.sentences(m.AuditLog.select().where(m.AuditLog.action == "写民情日志").limit(1))
    assert said[0].startswith("王小红 写民情日志：") and "人员：张建国" in said[0] and "所见所闻：走访0户，楼道灯不亮" in said[0]


def test_an_entry_becomes_a_grid_event_once(clerk, worker, admin):
    head = people.add_person(admin, PersonInput("李网格长"))
    people.assign_role(admin, head.id, RoleInput("网格长", grid="第一网格", started_on=dt.date(2026, 1, 1)))
    wang = residents.save_resident(clerk, residents.ResidentInput(name="王然", doc_number=make_id()))
    entry = diary.write_entry(clerk, DiaryInput(worker.id, clock.today(), "3栋下水道堵塞", resident_id=wang.id))
    moment = clock.now().replace(microsecond=0) - dt.timedelta(minutes=3)
    event = make_event(clerk, entry.id, "民生诉求", at=moment)
    assert (event.grid_id, event.description, event.source) == (entry.grid_id, "3栋下水道堵塞", event_rules.PATROL)
    assert event.finder_id == worker.id and worker.staff_id is None  # the diary's person found it, login or not
    assert event.assigned_to_id == head.id  # the grid's 网格长 handles it, as 登记事件 suggests
    assert event.registered_at == moment
    assert [p.resident_id for p in event.parties] == [wang.id]
    assert diary.get_entry(entry.id).event_id == event.id
    before = snapshot()
    with pytest.raises(DomainError, match=f"已转为事件 {event.number}"):
        make_event(clerk, entry.id, "民生诉求")
    assert snapshot() == before


def test_refusals_change_nothing(clerk, worker, admin):
    before = snapshot()
    with pytest.raises(DomainError, match="日志日期不能晚于今天"):
        diary.write_entry(clerk, DiaryInput(worker.id, clock.today() + dt.timedelta(days=1), "x"))
    with pytest.raises(DomainError, match="请填写所见所闻"):
        diary.write_entry(clerk, DiaryInput(worker.id, clock.today(), "  "))
    with pytest.raises(DomainError, match="控制字符"):
        diary.write_entry(clerk, DiaryInput(worker.id, clock.today(), "楼道\x1b[31m"))
    nobody = people.add_person(admin, PersonInput("李四"))
    before = snapshot()
    with pytest.raises(DomainError, match="请选择网格（“李四”当天没有网格岗位）"):
        diary.write_entry(clerk, DiaryInput(nobody.id, clock.today(), "x"))
    assert snapshot() == before
    kept = diary.write_entry(clerk, DiaryInput(worker.id, clock.today(), "=HYPERLINK(\"x\")\n第二行"))
    assert kept.seen == "=HYPERLINK(\"x\")\n第二行"
