"""Recording visits and major changes: numbers, the checklist and services, follow-ups, who may be visited,
hostile text, and nothing stored on a refusal."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.care import care_settings, visits
from gridstation.core.care.visits import VisitInput
from gridstation.core.events import rules as event_rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.residents import status
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.station import accounts
from gridstation.core.storage import models as m
from tests.core.care.world import AT, build, resident
from tests.helpers import snapshot

pytestmark = pytest.mark.both_backends
DAY = AT.date()


@pytest.fixture
def world(admin):
    w = build(admin)
    w.old = resident("王一", "011")
    return w


def visit(w, **changes) -> VisitInput:
    values = {"resident_id": w.old.id, "visited_on": DAY, "visitor_id": w.visitor.id}
    return VisitInput(**{**values, **changes})


def test_a_visit_is_numbered_by_its_day_and_keeps_what_was_checked_found_and_done(world):
    first = visits.record_visit(world.clerk, visit(
        world, checklist={"身体状况": ("需关注", "血压偏高"), "燃气安全": ("正常", "")}, found="独自在家",
        done="提醒按时服药", services=["送温暖", "上门送诊"]), at=AT)
    second = visits.record_visit(world.clerk, visit(world, way="电话", seen=False, visited_on=DAY - dt.timedelta(days=1)),
                                 at=AT)
    third = visits.record_visit(world.clerk, visit(world), at=AT)
    assert (first.number, second.number, third.number) == ("ZF202612070001", "ZF202612060001", "ZF202612070002")
    stored = m.CareVisit.get_by_id(first.id)
    assert stored.checklist == '{"身体状况": ["需关注", "血压偏高"], "燃气安全": ["正常", ""]}'
    assert stored.services == '["送温暖", "上门送诊"]' and stored.visitor_id == world.visitor.id
    entry = m.AuditLog.select().where(m.AuditLog.entity == "care_visit").order_by(m.AuditLog.id).first()
    assert (entry.action, entry.entity_id, entry.username) == ("入户走访", "ZF202612070001", "clerk")


def test_a_follow_up_event_is_linked_by_its_number_and_a_need_is_described(world):
    event = register_event(world.clerk, EventInput("其他", event_rules.NORMAL, "独居老人家中燃气管老化",
                                                   event_rules.PATROL, grid_id=world.grid_one.id, found_at=AT))
    linked = visits.record_visit(world.clerk, visit(world, follow_up="事件", event_number=event.number.lower()), at=AT)
    assert linked.event_id == event.id
    with pytest.raises(NotFound, match="SJ209901010001"):
        visits.record_visit(world.clerk, visit(world, follow_up="事件", event_number="SJ209901010001"), at=AT)
    with pytest.raises(DomainError, match="需求"):
        visits.record_visit(world.clerk, visit(world, follow_up="需求"), at=AT)
    need = visits.record_visit(world.clerk, visit(world, follow_up="需求", follow_up_note="需要助餐"), at=AT)
    assert (need.follow_up, need.follow_up_note, need.event_id) == ("需求", "需要助餐", None)


@pytest.mark.parametrize(("changes", "message"), [
    ({"way": "写信"}, "走访方式"),
    ({"way": "电话", "seen": True}, "见到本人"),
    ({"visited_on": DAY + dt.timedelta(days=1)}, "晚于今天"),
    ({"checklist": {"心情": ("正常", "")}}, "检查项"),
    ({"checklist": {"身体状况": ("很好", "")}}, "正常或需关注"),
    ({"services": ["理发"]}, "服务清单"),
    ({"found": "看到\x1b[31m红字"}, "控制字符"),
    ({"visitor_id": 9999}, "走访人员"),
    ({"resident_id": 2**70}, "居民"),
])
def test_bad_input_is_refused_in_chinese_and_nothing_is_stored(world, changes, message):
    before = snapshot()
    with pytest.raises(DomainError, match=message):
        visits.record_visit(world.clerk, visit(world, **changes), at=AT)
    assert snapshot() == before


def test_a_resident_who_died_or_moved_out_is_not_visited_after_that_day(world):
    status.change_status(world.clerk, world.old.id, status.DECEASED, on=DAY - dt.timedelta(days=3), at=AT)
    with pytest.raises(DomainError, match="死亡"):
        visits.record_visit(world.clerk, visit(world), at=AT)
    earlier = visits.record_visit(world.clerk, visit(world, visited_on=DAY - dt.timedelta(days=4)), at=AT)
    assert earlier.number.startswith("ZF20261203")
    with pytest.raises(DomainError, match="死亡"):
        visits.record_change(world.clerk, world.old.id, "住院", at=AT)


def test_a_major_change_asks_a_visit_within_the_set_hours_and_the_next_home_visit_answers_it(world):
    change = visits.record_change(world.clerk, world.old.id, "住院", "脑梗住院", at=AT)
    assert change.due_at == AT + dt.timedelta(hours=24)
    care_settings.set_change_hours(world.head, 48)
    later = visits.record_change(world.clerk, world.old.id, "丧偶/丧亲", at=AT)
    assert later.due_at == AT + dt.timedelta(hours=48)
    visits.record_visit(world.clerk, visit(world, way="电话", seen=False), at=AT)  # a call does not answer it
    assert m.CareChange.select().where(m.CareChange.visit.is_null()).count() == 2
    home = visits.record_visit(world.clerk, visit(world), at=AT)
    assert {c.visit_id for c in m.CareChange.select()} == {home.id}
    with pytest.raises(DomainError, match="1至168"):
        care_settings.set_change_hours(world.head, 500)


def test_the_services_a_visit_may_record_are_the_stations_list(world):
    care_settings.set_services(world.head, ["理发", "送温暖", "理发"])
    assert visits.record_visit(world.clerk, visit(world, services=["理发"]), at=AT).services == '["理发"]'
    with pytest.raises(DomainError, match="服务清单"):
        visits.record_visit(world.clerk, visit(world, services=["上门送诊"]), at=AT)


def test_a_deactivated_account_records_nothing(world):
    accounts.set_active(world.admin, world.clerk.id, False)
    before = snapshot()
    for call in (lambda: visits.record_visit(world.clerk, visit(world), at=AT),
                 lambda: visits.record_change(world.clerk, world.old.id, "住院", at=AT)):
        with pytest.raises(PermissionDenied, match="停用"):
            call()
    assert snapshot() == before
