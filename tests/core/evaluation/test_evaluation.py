"""好差评: one rating per completed intake within the set working days, 回访 kept apart, a bad rating's
整改 by the head to its end, 申诉 kept counted; each refusal stores nothing; every step audited."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from gridstation.core.evaluation import ratings, rectification
from gridstation.core.evaluation.rules import CARD, PHONE, SCREEN
from gridstation.core.intake import intakes, residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends

MONDAY = dt.datetime(2026, 11, 2, 9, 0)  # the station is open Monday to Friday by default


@pytest.fixture
def completed(clerk, admin):
    """An intake received on a Monday and completed that day at 10:00."""
    person = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}, received_at=MONDAY))
    return intakes.change_status(clerk, intake.serial, intakes.COMPLETED, result="认证通过",
                                 at=MONDAY + dt.timedelta(hours=1))


def actions(serial: str) -> list[str]:
    return [a.action for a in m.AuditLog.select().where(m.AuditLog.entity_id == serial).order_by(m.AuditLog.id)]


def test_a_good_rating_is_kept_once_and_a_later_call_back_is_a_visit(clerk, completed):
    rating = ratings.record_rating(clerk, completed.serial, "非常满意", channel=SCREEN, at=MONDAY + dt.timedelta(hours=2))
    assert (rating.level, rating.channel, rating.staff_id, rating.service_id) == (
        "非常满意", SCREEN, clerk.id, completed.service_id)
    assert not m.Rectification.select().exists()
    before = snapshot()
    with pytest.raises(DomainError, match="已有评价，每件只评价一次"):
        ratings.record_rating(clerk, completed.serial, "满意", channel=PHONE, at=MONDAY + dt.timedelta(days=1))
    assert snapshot() == before
    with pytest.raises(DomainError, match="请选择居民的回访评价"):
        ratings.record_visit(clerk, completed.serial, "")
    ratings.record_visit(clerk, completed.serial, "满意", "电话回访，居民表示满意")
    assert [v.level for v in ratings.rating_of(completed.serial).visits] == ["满意"]
    assert ratings.rating_of(completed.serial).level == "非常满意"
    assert actions(completed.serial)[-2:] == ["登记评价", "评价回访"]


def test_refusals_store_nothing(clerk, admin, completed):
    person = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="333")))
    pending = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                               {"cert_year": "2026", "way": "窗口"}, pending_docs=True))
    before = snapshot()
    for serial, level, kw, message in (
        (pending.serial, "满意", {}, "还在待补正"),
        (completed.serial, "很好", {}, "评价只能是"),
        (completed.serial, "", {}, "请选择居民的评价"),  # a form left untouched stores nothing
        (completed.serial, "满意", {"channel": "微信"}, "评价渠道只能是"),
        (completed.serial, "不满意", {}, "至少选择一项原因"),
        (completed.serial, "满意", {"reasons": ["态度"]}, "只有不满意"),
        (completed.serial, "不满意", {"reasons": ["太慢"]}, "不满意原因只能是"),
        (completed.serial, "满意", {"at": MONDAY - dt.timedelta(minutes=1)}, "不能早于受理时间"),
    ):
        with pytest.raises(DomainError, match=message):
            ratings.record_rating(clerk, serial, level, **{"channel": CARD, **kw})
    assert snapshot() == before


def test_a_rating_may_be_added_up_to_the_set_working_days_after_completion(clerk, head, completed):
    # Completed Monday 2 Nov; five open days (Mon-Fri) later is Monday 9 Nov; Tuesday 10 is too late.
    with pytest.raises(DomainError, match=r"超过评价期限（2026-11-09）"):
        ratings.record_rating(clerk, completed.serial, "满意", channel=CARD, at=dt.datetime(2026, 11, 10, 9, 0))
    assert ratings.record_rating(clerk, completed.serial, "满意", channel=CARD,
                                 at=dt.datetime(2026, 11, 9, 17, 0)).level == "满意"


def test_an_open_intake_is_rated_at_the_counter_right_after_its_save(clerk, admin):
    person = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="333")))
    intake = intakes.create_intake(clerk, intakes.IntakeInput(person.id, catalog.PENSION, "生存认证",
                                                              {"cert_year": "2026", "way": "窗口"}))
    assert ratings.record_rating(clerk, intake.serial, "非常满意", channel=SCREEN).intake_id == intake.id


def test_setting_changes_the_window(clerk, completed):
    settings.put("rating_window_days", 1)
    with pytest.raises(DomainError, match=r"（2026-11-03）"):
        ratings.record_rating(clerk, completed.serial, "满意", channel=CARD, at=dt.datetime(2026, 11, 4, 9, 0))


def test_a_bad_rating_opens_a_rectification_the_head_takes_to_its_end(clerk, head, completed):
    rated_at = MONDAY + dt.timedelta(hours=3)
    rating = ratings.record_rating(clerk, completed.serial, "非常不满意", channel=SCREEN, reasons=["态度", "多次跑"],
                                   text="跑了三次", at=rated_at)
    assert json.loads(rating.reasons) == ["态度", "多次跑"]
    item = rectification.get_rectification(completed.serial)
    assert item.due_date == dt.date(2026, 11, 9)  # five working days, never a Saturday
    assert [r.id for r in rectification.open_items()] == [item.id]
    assert (rectification.count_overdue(dt.date(2026, 11, 9)), rectification.count_overdue(dt.date(2026, 11, 10))) == (0, 1)
    before = snapshot()
    for call in (lambda who: rectification.record_visit(who, completed.serial, "居民反映等候太久"),
                 lambda who: rectification.close(who, completed.serial, "调整窗口", "满意"),
                 lambda who: ratings.appeal(who, completed.serial, "恶意评价")):
        with pytest.raises(DomainError, match="无权进行此操作，需要站长权限"):
            call(clerk)
    with pytest.raises(DomainError, match="请先回访居民"):
        rectification.close(head, completed.serial, "调整窗口", "满意")
    with pytest.raises(DomainError, match="请填写回访情况"):
        rectification.record_visit(head, completed.serial, "  ")
    assert snapshot() == before
    rectification.record_visit(head, completed.serial, "居民反映等候太久、材料说明不清")
    with pytest.raises(DomainError, match="只能是：满意、基本满意、不满意"):
        rectification.close(head, completed.serial, "增设导办", "非常满意")
    done = rectification.close(head, completed.serial, "增设导办，材料清单上墙", "基本满意",
                               at=dt.datetime(2026, 11, 5, 10, 0))
    assert (done.resident_view, done.closed_by_id) == ("基本满意", head.id)
    assert rectification.open_items() == []
    with pytest.raises(DomainError, match="已完成"):
        rectification.record_visit(head, completed.serial, "再次回访")
    assert actions(completed.serial)[-4:] == ["登记评价", "整改立项", "整改回访", "整改完成"]


def test_appeal_keeps_the_rating_counted_and_visible(clerk, head, completed):
    ratings.record_rating(clerk, completed.serial, "不满意", channel=CARD, reasons=["其他"], at=MONDAY + dt.timedelta(hours=2))
    with pytest.raises(DomainError, match="写明理由"):
        ratings.appeal(head, completed.serial, "")
    appealed = ratings.appeal(head, completed.serial, "居民误评：所办业务与评价内容无关")
    assert appealed.appealed_at is not None and appealed.level == "不满意"
    assert m.Rating.select().count() == 1
    with pytest.raises(DomainError, match="已申诉"):
        ratings.appeal(head, completed.serial, "再次申诉")
    assert actions(completed.serial)[-1] == "申诉"


def test_a_rectification_is_not_closed_without_the_residents_view(clerk, head, completed):
    """The resident is asked how the fix went: an empty view is refused by name, and nothing is stored."""
    ratings.record_rating(clerk, completed.serial, "不满意", channel=SCREEN, reasons=["态度"],
                          at=MONDAY + dt.timedelta(hours=3))
    rectification.record_visit(head, completed.serial, "居民反映等候太久")
    before = snapshot()
    with pytest.raises(DomainError, match="^请选择居民对整改的评价。$") as refused:
        rectification.close(head, completed.serial, "增设导办", "")
    assert refused.value.field == "resident_view" and snapshot() == before
