"""Recording a rating (clerk), a later 回访 (clerk) and a 申诉 (head); a bad rating opens its 整改.

申诉 is the rating's one step (``APPEAL``, core/station/steps.py): the table has no status column, so the
state and the version a user saw are read from ``appealed_at``. Entries are audited under "rating"
(those written before were under "intake"; both name the intake's serial).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from gridstation.core.evaluation.rules import BAD, CHANNELS, LEVELS, REASONS, TEXT_LIMIT, rating_deadline, rectify_due
from gridstation.core.intake import intakes
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit, steps
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


def _check_level(level: str, what: str) -> None:
    """A level nobody chose is refused as such: the forms start with none chosen, so an untouched key
    press stores nothing in the resident's name."""
    if not level:
        raise DomainError(f"请选择居民的{what}。", field="level")
    if level not in LEVELS:
        raise DomainError(f"{what}只能是：{'、'.join(LEVELS)}。", field="level")


def record_rating(actor: m.Staff | None, serial: str, level: str, *, channel: str,
                  reasons: Sequence[str] = (), text: str = "", at: dt.datetime | None = None) -> m.Rating:
    """The resident's rating of an intake, once: at the counter right after the save (the resident
    screen), or later from a paper card or a call back, up to the set working days after it was closed.

    A 待补正 request is not yet accepted and is not rated. 不满意 and 非常不满意 need at least one reason
    and open a 整改 for the head at once.
    """
    require(actor, CLERK)
    intake = intakes.get_intake(serial)
    at = (at or clock.now()).replace(microsecond=0)
    _check_level(level, "评价")
    if channel not in CHANNELS:
        raise DomainError(f"评价渠道只能是：{'、'.join(CHANNELS)}。", field="channel")
    reasons = list(dict.fromkeys(reasons))
    if any(r not in REASONS for r in reasons):
        raise DomainError(f"不满意原因只能是：{'、'.join(REASONS)}。", field="reasons")
    if level in BAD and not reasons:
        raise DomainError("不满意的评价请至少选择一项原因。", field="reasons")
    if level not in BAD and reasons:
        raise DomainError("只有不满意、非常不满意的评价才选择原因。", field="reasons")
    text = clean_text(text, "评价内容", TEXT_LIMIT, lines=True, field="text")
    if intake.status == intakes.PENDING_DOCS:
        raise DomainError(f"受理 {intake.serial} 还在待补正，正式受理后才能评价。")
    if at < intake.received_at:
        raise DomainError("评价时间不能早于受理时间。", field="at")
    if intake.completed_at is not None and at.date() > (last := rating_deadline(intake.completed_at.date())):
        raise DomainError(f"受理 {intake.serial} 办结已超过评价期限（{last:%Y-%m-%d}），不能再评价；可登记回访。")
    with write_transaction():
        if m.Rating.select().where(m.Rating.intake == intake).exists():
            raise DomainError(f"受理 {intake.serial} 已有评价，每件只评价一次；之后的回访请登记为回访。")
        rating = m.Rating.create(intake=intake, service=intake.service_id, staff=intake.staff_id, recorded_by=actor,
                                 channel=channel, at=at, level=level,
                                 reasons=json.dumps(reasons, ensure_ascii=False), text=text)
        audit.record(actor, "登记评价", "rating", intake.serial,
                     after={"level": level, "channel": channel, "reasons": reasons, "text": text})
        if level in BAD:
            m.Rectification.create(rating=rating, opened_at=at, due_date=rectify_due(at.date()))
            audit.record(actor, "整改立项", "rectification", intake.serial, after={"level": level})
    return rating


def rating_of(serial: str) -> m.Rating | None:
    return m.Rating.get_or_none(m.Rating.intake == intakes.get_intake(serial))


def _rating(serial: str) -> m.Rating:
    rating = rating_of(serial)
    if rating is None:
        raise NotFound(f"受理 {serial} 还没有评价。")
    return rating


def record_visit(actor: m.Staff | None, serial: str, level: str, text: str = "", *,
                 at: dt.datetime | None = None) -> m.RatingVisit:
    """A 回访 after the rating: the resident's view then, kept apart so the rating itself never changes."""
    require(actor, CLERK)
    rating = _rating(serial)
    at = (at or clock.now()).replace(microsecond=0)
    _check_level(level, "回访评价")
    text = clean_text(text, "回访内容", TEXT_LIMIT, lines=True, field="text")
    with write_transaction():
        visit = m.RatingVisit.create(rating=rating, staff=actor, level=level, text=text, at=at)
        audit.record(actor, "评价回访", "rating", serial, after={"level": level, "text": text})
    return visit


NOT_APPEALED, APPEALED = "未申诉", "已申诉"


def _serial(rating: m.Rating) -> str:
    return m.Intake.select(m.Intake.serial).where(m.Intake.id == rating.intake_id).scalar()


APPEAL = steps.Kind(
    entity="rating", model=m.Rating, states=(NOT_APPEALED, APPEALED),
    steps=(steps.Step("appeal", "申诉", (NOT_APPEALED,), APPEALED, HEAD, ("appeal_reason",), ("appeal_reason",),
                      "appeal_reason"),),
    state_of=lambda r: APPEALED if r.appealed_at is not None else NOT_APPEALED, key=_serial,
    title=lambda r: f"受理 {_serial(r)} 的评价", version=(m.Rating.appealed_at,),
    wrong_state=lambda r, _state, _step: f"受理 {_serial(r)} 的评价已申诉。",
)


def appeal(actor: m.Staff | None, serial: str, reason: str, *, at: dt.datetime | None = None,
           seen: Sequence[Any] | None = None) -> m.Rating:
    """申诉 (head): the rating is judged mistaken or malicious; it stays counted and visible."""
    at = (at or clock.now()).replace(microsecond=0)
    rating = _rating(serial)
    steps.check(actor, APPEAL, rating, "appeal")
    reason = clean_text(reason, "申诉理由", TEXT_LIMIT, lines=True, field="text")
    if not reason:
        raise DomainError("申诉需要写明理由。", field="reason")
    changes = {"appealed_at": at, "appeal_reason": reason, "appealed_by": actor.id if actor else None}
    return steps.apply(actor, APPEAL, rating, "appeal", changes, at=at, seen=seen, audit_after={"reason": reason}).record


def history(rating: m.Rating) -> list[steps.HistoryEntry]:
    """The rating's history from its own rows: the rating, each 回访 and the 申诉."""
    entries = [steps.HistoryEntry(rating.at, rating.recorded_by.display_name if rating.recorded_by_id else "",
                                  "登记评价", rating.level, "", NOT_APPEALED)]
    entries += [steps.HistoryEntry(v.at, v.staff.display_name if v.staff_id else "", "评价回访", v.level)
                for v in rating.visits.order_by(m.RatingVisit.at, m.RatingVisit.id)]
    if rating.appealed_at is not None:
        who = rating.appealed_by.display_name if rating.appealed_by_id else ""
        entries.append(steps.HistoryEntry(rating.appealed_at, who, "申诉", rating.appeal_reason, NOT_APPEALED, APPEALED))
    return sorted(entries, key=lambda e: e.at)
