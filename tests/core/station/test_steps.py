"""The one way a record moves through steps (core/station/steps.py), for each kind that uses it: a stale
view, a wrong state and a missing role are refused with nothing written; a step writes its change, its
history row and its audit entry together or not at all; ``available_steps`` offers what each role may do."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import CARD
from gridstation.core.events import event_steps, handling, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.station import audit, catalog, steps
from gridstation.core.storage import models as m
from tests import helpers
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

STALE = "刚被其他窗口修改，请刷新后重试"


def snapshot() -> dict:
    return {"rows": helpers.snapshot(), "audit": m.AuditLog.select().count()}


def refused(call, message: str = "", error: type[DomainError] = DomainError) -> None:
    before = snapshot()
    with pytest.raises(error) as info:
        call()
    assert message in info.value.message
    assert snapshot() == before


@pytest.fixture
def person(admin):
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(), phone="13812345678"))


@pytest.fixture
def event(clerk, person):
    return register_event(clerk, EventInput(category="民生诉求", level=rules.NORMAL, description="楼道灯不亮",
                                            source=rules.RESIDENT_REPORT, reporter=PartyInput(resident_id=person.id)))


def new_intake(clerk, person) -> m.Intake:
    return intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                            {"cert_year": "2026", "way": "窗口"}))


@pytest.fixture
def intake(clerk, person):
    return new_intake(clerk, person)


@pytest.fixture
def bad_rating(clerk, person):
    """The serial of another intake, completed and rated 不满意 (its 整改 opened)."""
    done = intakes.change_status(clerk, new_intake(clerk, person).serial, intakes.COMPLETED, result="认证通过")
    ratings.record_rating(clerk, done.serial, "不满意", channel=CARD, reasons=["效率"])
    return done.serial


def last_entry() -> m.AuditLog:
    return m.AuditLog.select().order_by(m.AuditLog.id.desc()).first()


def test_a_view_older_than_the_record_is_refused_for_every_kind(clerk, head, intake, event, bad_rating):
    seen = steps.version_of(intakes.INTAKE, intake)
    intakes.change_status(clerk, intake.serial, intakes.IN_PROGRESS)
    refused(lambda: intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="x", seen=seen), STALE)

    seen = steps.version_of(event_steps.EVENT, event)
    handling.add_note(clerk, event.number, "已到现场")  # 处置中 now: the view said 登记
    refused(lambda: handling.add_note(clerk, event.number, "旧窗口", seen=seen), STALE)
    seen = steps.version_of(event_steps.EVENT, m.GridEvent.get_by_id(event.id))
    clock_before = m.GridEvent.get_by_id(event.id).updated_at
    m.GridEvent.update(updated_at=clock_before + dt.timedelta(seconds=1)).where(m.GridEvent.id == event.id).execute()
    refused(lambda: handling.add_note(clerk, event.number, "同一状态，较旧的版本", seen=seen), STALE)

    row = rectification.get_rectification(bad_rating)
    rectification.record_visit(head, bad_rating, "第一次回访")
    seen = steps.version_of(rectification.RECTIFICATION, rectification.get_rectification(bad_rating))
    rectification.record_visit(head, bad_rating, "另一窗口又回访了一次")  # the same state, another finding
    refused(lambda: rectification.close(head, bad_rating, "增设导办", "满意", seen=seen), STALE)
    assert rectification.state_of(row) == rectification.TO_VISIT  # the object read first is not the record

    rating = ratings.rating_of(bad_rating)
    seen = steps.version_of(ratings.APPEAL, rating)
    ratings.appeal(head, bad_rating, "误评")
    refused(lambda: ratings.appeal(head, bad_rating, "再申诉", seen=seen), "已申诉")


def test_apply_checks_the_state_again_inside_the_transaction(clerk, head, event):
    """A caller that skipped ``check`` (or a record moved between check and write) is still refused."""
    closed = handling.close(clerk, event.number, "已修好")
    refused(lambda: steps.apply(clerk, event_steps.EVENT, closed, "close", {"result": "再销号"}, at=clock.now()),
            "已销号")
    refused(lambda: steps.apply(head, event_steps.EVENT, closed, "in_grid", {}, at=clock.now()), "已销号")


def test_wrong_states_are_refused_with_nothing_written(clerk, head, intake, event, bad_rating):
    returned = intakes.change_status(clerk, intake.serial, intakes.RETURNED, note="材料不符")
    refused(lambda: intakes.change_status(clerk, returned.serial, intakes.COMPLETED, result="x"), "已退回")
    refused(lambda: handling.reopen(head, event.number, "再办"), "还没有销号")
    refused(lambda: handling.visit(clerk, event.number, "满意"), "销号后再回访")
    refused(lambda: rectification.close(head, bad_rating, "措施", "满意"), "请先回访居民")


def test_a_step_needs_its_role_and_a_refusal_writes_nothing(clerk, head, event, bad_rating):
    refused(lambda: handling.assign(clerk, event.number, partner="物业"), "需要站长权限", PermissionDenied)
    refused(lambda: handling.report_up(clerk, event.number, "JD-1", clock.today()), "需要站长权限", PermissionDenied)
    refused(lambda: rectification.record_visit(clerk, bad_rating, "回访"), "需要站长权限", PermissionDenied)
    refused(lambda: ratings.appeal(clerk, bad_rating, "误评"), "需要站长权限", PermissionDenied)
    handling.close(clerk, event.number, "已修好")
    refused(lambda: handling.reopen(clerk, event.number, "再办"), "需要站长权限", PermissionDenied)


def test_each_step_writes_its_history_row_and_one_audit_entry_named_by_the_step(clerk, head, intake, event,
                                                                              bad_rating):
    entries = m.AuditLog.select().count()
    intakes.change_status(clerk, intake.serial, intakes.IN_PROGRESS, note="开始")
    entry = last_entry()
    assert (entry.action, entry.entity, entry.entity_id) == ("开始办理", "intake", intake.serial)
    assert [(e.action, e.from_state, e.to_state) for e in intakes.history_of(intake)][-1] == (
        "开始办理", intakes.RECEIVED, intakes.IN_PROGRESS)
    handling.add_note(clerk, event.number, "已到现场")
    entry = last_entry()
    assert (entry.action, entry.entity, entry.entity_id) == (rules.STEP_NOTE, "grid_event", event.number)
    assert [(e.action, e.note) for e in event_steps.history_of(event)][-1] == (rules.STEP_NOTE, "已到现场")
    rectification.record_visit(head, bad_rating, "居民说等太久")
    assert (last_entry().action, last_entry().entity) == ("整改回访", "rectification")
    assert [e.action for e in rectification.history(rectification.get_rectification(bad_rating))] == [
        "整改立项", "整改回访"]
    ratings.appeal(head, bad_rating, "误评")
    assert (last_entry().action, last_entry().entity, last_entry().entity_id) == ("申诉", "rating", bad_rating)
    assert [e.action for e in ratings.history(ratings.rating_of(bad_rating))] == ["登记评价", "申诉"]
    assert m.AuditLog.select().count() == entries + 4


def test_the_change_history_and_audit_entry_commit_together_or_not_at_all(clerk, event, monkeypatch):
    def refuse(*_args, **_kwargs):
        raise DomainError("日志写不进去")

    monkeypatch.setattr(audit, "record", refuse)  # the last write of the step fails
    refused(lambda: handling.add_note(clerk, event.number, "进展"), "日志写不进去")
    assert m.GridEvent.get_by_id(event.id).status == rules.REGISTERED


def codes(kind: steps.Kind, record, staff) -> list[str]:
    return [s.code for s in steps.available_steps(kind, record, staff)]


def test_available_steps_per_role_and_state_for_each_kind(clerk, head, intake, event, bad_rating):
    assert codes(intakes.INTAKE, intake, clerk) == ["start", "complete", "return", "forward"]
    done = intakes.get_intake(bad_rating)
    assert codes(intakes.INTAKE, done, head) == []

    assert codes(event_steps.EVENT, event, clerk) == ["in_grid", "note", "photo", "close"]
    assert codes(event_steps.EVENT, event, head) == ["in_grid", "assign", "report", "note", "photo", "close"]
    closed = handling.close(clerk, event.number, "已修好")
    assert codes(event_steps.EVENT, closed, clerk) == ["visit"]
    assert codes(event_steps.EVENT, closed, head) == ["visit", "reopen"]
    step = event_steps.EVENT.step("reopen")
    assert (step.required, step.text_label) == (("reopen_reason",), "返工原因")

    row = rectification.get_rectification(bad_rating)
    assert codes(rectification.RECTIFICATION, row, clerk) == []
    assert codes(rectification.RECTIFICATION, row, head) == ["visit"]
    visited = rectification.record_visit(head, bad_rating, "回访")
    assert codes(rectification.RECTIFICATION, visited, head) == ["visit", "close"]

    rating = ratings.rating_of(bad_rating)
    assert (codes(ratings.APPEAL, rating, clerk), codes(ratings.APPEAL, rating, head)) == ([], ["appeal"])
    assert codes(ratings.APPEAL, ratings.appeal(head, bad_rating, "误评"), head) == []
