"""差评整改 (head only): call the resident back, record the finding and what was done, the resident's view
of the fix, and close it; the open and overdue lists."""

from __future__ import annotations

import datetime as dt

import peewee

from gridstation.core.evaluation.rules import TEXT_LIMIT, VIEWS
from gridstation.core.intake import intakes
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit
from gridstation.core.station.accounts import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction


def get_rectification(serial: str) -> m.Rectification:
    intake = intakes.get_intake(serial)
    row = (m.Rectification.select().join(m.Rating).where(m.Rating.intake == intake).first())
    if row is None:
        raise NotFound(f"受理 {intake.serial} 没有差评整改。")
    return row


def overdue_condition(today: dt.date) -> peewee.Expression:
    return m.Rectification.closed_at.is_null() & (m.Rectification.due_date < today)


def overdue_on(due_date: dt.date, closed_at: dt.datetime | None, today: dt.date) -> bool:
    """The same rule for one rectification already read (the ratings ledger's 整改状态)."""
    return closed_at is None and due_date < today


def count_overdue(today: dt.date) -> int:
    """Open rectifications past their deadline: the dashboard's count."""
    return m.Rectification.select().where(overdue_condition(today)).count()


def open_items() -> list[m.Rectification]:
    """Open rectifications, the most urgent first (the head's list)."""
    return list(m.Rectification.select(m.Rectification, m.Rating, m.Intake)
                .join(m.Rating).join(m.Intake).where(m.Rectification.closed_at.is_null())
                .order_by(m.Rectification.due_date, m.Rectification.id))


def record_visit(actor: m.Staff | None, serial: str, finding: str, *, at: dt.datetime | None = None) -> m.Rectification:
    """回访 the resident: what the head found out."""
    require(actor, HEAD)
    row = get_rectification(serial)
    if row.closed_at is not None:
        raise DomainError(f"受理 {serial} 的差评整改已完成。")
    finding = clean_text(finding, "回访情况", TEXT_LIMIT, required=True, lines=True, field="text")
    at = (at or clock.now()).replace(microsecond=0)
    with write_transaction():
        m.Rectification.update(visited_at=at, finding=finding).where(m.Rectification.id == row.id).execute()
        audit.record(actor, "差评整改·回访", "intake", serial, after={"finding": finding})
    return m.Rectification.get_by_id(row.id)


def close(actor: m.Staff | None, serial: str, action_taken: str, resident_view: str, *,
          at: dt.datetime | None = None) -> m.Rectification:
    """What was done and the resident's view of it; the rectification is then complete."""
    require(actor, HEAD)
    row = get_rectification(serial)
    if row.closed_at is not None:
        raise DomainError(f"受理 {serial} 的差评整改已完成。")
    if row.visited_at is None:
        raise DomainError("请先回访居民，登记回访情况。")
    action_taken = clean_text(action_taken, "整改措施", TEXT_LIMIT, required=True, lines=True, field="text")
    if resident_view not in VIEWS:
        raise DomainError(f"居民对整改的评价只能是：{'、'.join(VIEWS)}。", field="resident_view")
    at = (at or clock.now()).replace(microsecond=0)
    with write_transaction():
        m.Rectification.update(action_taken=action_taken, resident_view=resident_view, closed_at=at,
                               closed_by=actor).where(m.Rectification.id == row.id).execute()
        audit.record(actor, "差评整改·完成", "intake", serial,
                     after={"action_taken": action_taken, "resident_view": resident_view})
    return m.Rectification.get_by_id(row.id)
