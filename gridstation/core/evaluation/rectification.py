"""差评整改 (head only): call the resident back, record the finding and what was done, the resident's view
of the fix, and close it; the open and overdue lists.

Its steps are a table (``RECTIFICATION``, core/station/steps.py). The table has no status column: the
state is read from its dates, and the version a user saw is the columns the steps write. Its history
is those columns (opened, visited, closed, with who closed it) and the audit entries; a history table
would only repeat them (see ``history``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import peewee

from gridstation.core.evaluation.rules import TEXT_LIMIT, VIEWS
from gridstation.core.intake import intakes
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import steps
from gridstation.core.station.roles import HEAD
from gridstation.core.storage import models as m

TO_VISIT, VISITED, DONE = "待回访", "已回访", "已完成"


def state_of(row: m.Rectification) -> str:
    return DONE if row.closed_at is not None else VISITED if row.visited_at is not None else TO_VISIT


def _serial(row: m.Rectification) -> str:
    return m.Intake.select(m.Intake.serial).join(m.Rating).where(m.Rating.id == row.rating_id).scalar()


def _wrong_state(row: m.Rectification, state: str, _step: steps.Step) -> str:
    return f"受理 {_serial(row)} 的差评整改已完成。" if state == DONE else "请先回访居民，登记回访情况。"


RECTIFICATION = steps.Kind(
    entity="rectification", model=m.Rectification, states=(TO_VISIT, VISITED, DONE),
    steps=(steps.Step("visit", "整改回访", (TO_VISIT, VISITED), VISITED, HEAD, ("finding",), ("finding",), "finding"),
           steps.Step("close", "整改完成", (VISITED,), DONE, HEAD, ("action_taken", "resident_view"),
                      ("action_taken", "resident_view"), "action_taken")),
    state_of=state_of, key=_serial, title=lambda row: f"受理 {_serial(row)} 的差评整改",
    version=(m.Rectification.visited_at, m.Rectification.finding, m.Rectification.closed_at),
    wrong_state=_wrong_state,
)


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


def record_visit(actor: m.Staff | None, serial: str, finding: str, *, at: dt.datetime | None = None,
                 seen: Sequence[Any] | None = None) -> m.Rectification:
    """回访 the resident: what the head found out."""
    row = get_rectification(serial)
    steps.check(actor, RECTIFICATION, row, "visit")
    finding = clean_text(finding, "回访情况", TEXT_LIMIT, required=True, lines=True, field="text")
    at = (at or clock.now()).replace(microsecond=0)
    return steps.apply(actor, RECTIFICATION, row, "visit", {"visited_at": at, "finding": finding}, at=at,
                       seen=seen, audit_after={"finding": finding}).record


def close(actor: m.Staff | None, serial: str, action_taken: str, resident_view: str, *,
          at: dt.datetime | None = None, seen: Sequence[Any] | None = None) -> m.Rectification:
    """What was done and the resident's view of it; the rectification is then complete."""
    row = get_rectification(serial)
    steps.check(actor, RECTIFICATION, row, "close")
    action_taken = clean_text(action_taken, "整改措施", TEXT_LIMIT, required=True, lines=True, field="text")
    if not resident_view:  # never a level nobody chose: the resident is asked
        raise DomainError("请选择居民对整改的评价。", field="resident_view")
    if resident_view not in VIEWS:
        raise DomainError(f"居民对整改的评价只能是：{'、'.join(VIEWS)}。", field="resident_view")
    at = (at or clock.now()).replace(microsecond=0)
    changes = {"action_taken": action_taken, "resident_view": resident_view, "closed_at": at,
               "closed_by": actor.id if actor else None}
    return steps.apply(actor, RECTIFICATION, row, "close", changes, at=at, seen=seen,
                       audit_after={"action_taken": action_taken, "resident_view": resident_view}).record


def history(row: m.Rectification) -> list[steps.HistoryEntry]:
    """The rectification's steps, read from its own columns (who visited is in the audit log only)."""
    entries = [steps.HistoryEntry(row.opened_at, "", "整改立项", to_state=TO_VISIT)]
    if row.visited_at is not None:
        entries.append(steps.HistoryEntry(row.visited_at, "", "整改回访", row.finding, TO_VISIT, VISITED))
    if row.closed_at is not None:
        who = row.closed_by.display_name if row.closed_by_id else ""
        entries.append(steps.HistoryEntry(row.closed_at, who, "整改完成", f"{row.action_taken}（居民：{row.resident_view}）",
                                          VISITED, DONE))
    return entries
