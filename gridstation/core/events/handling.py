"""The transitions of a grid event after 登记: handle in the grid or report up, assign, progress notes,
销号, 返工 and 回访, as the table in ``event_steps`` declares them (who may take each, from which states).

Each function asks ``steps.check`` first (role, state, the step's condition), validates its own fields,
then takes the step through ``steps.apply``: one guarded update (refused when another window moved the
event since the user saw it), one history step and one audit entry, in one write transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from gridstation.core.events import lists, rules
from gridstation.core.events.event_steps import CODE_OF_NAME, EVENT
from gridstation.core.events.register import get_event, person_or_none, photos_of
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import NOTE_LIMIT, clean_text
from gridstation.core.station import steps
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction

Seen = Sequence[Any] | None  # the version of the event the user saw (steps.version_of); None: as read now


def checked_time(event: m.GridEvent, at: dt.datetime | None) -> dt.datetime:
    at = (at or clock.now()).replace(microsecond=0)
    if at < event.found_at:
        raise DomainError("处置时间不能早于发现时间。", field="at")
    return at


def take(actor: m.Staff | None, event: m.GridEvent, code: str, note: str, changes: dict[str, Any],
         at: dt.datetime, seen: Seen = None) -> m.GridEvent:
    """Take step ``code`` (checked already): the changes, the history step and the audit entry."""
    return steps.apply(actor, EVENT, event, code, changes, at=at, note=note, seen=seen,
                       audit_after={**changes, "note": note}).record


def apply_change(actor: m.Staff | None, event: m.GridEvent, step: str, note: str, changes: dict[str, Any],
                 at: dt.datetime) -> m.GridEvent:
    """The step named ``step`` (its history name, e.g. ``rules.STEP_NOTE``) on ``event`` as read."""
    return take(actor, event, CODE_OF_NAME[step], note, changes, at)


def handle_in_grid(actor: m.Staff | None, number: str, note: str = "", *, at: dt.datetime | None = None,
                   seen: Seen = None) -> m.GridEvent:
    """网格内处置: the grid worker takes it on (a registered event only)."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "in_grid")
    at = checked_time(event, at)
    return take(actor, event, "in_grid", clean_text(note, "说明", NOTE_LIMIT, lines=True, field="note"),
                {"status": rules.HANDLING, "route": rules.IN_GRID, "routed_at": at}, at, seen)


def report_up(actor: m.Staff | None, number: str, case_no: str, reported_on: dt.date, note: str = "", *,
              at: dt.datetime | None = None, seen: Seen = None) -> m.GridEvent:
    """上报街道平台 (head): the platform's case number and the day it was reported."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "report")
    case_no = clean_text(case_no, "街道平台的案件编号", 40, required=True, field="case_no")
    if not (event.found_at.date() <= reported_on <= clock.today()):
        raise DomainError("上报日期应在发现日期和今天之间。", field="reported_on")
    at = checked_time(event, at)
    text = "；".join(x for x in (f"平台编号 {case_no}", clean_text(note, "说明", NOTE_LIMIT, lines=True, field="note")) if x)
    return take(actor, event, "report", text,
                {"status": rules.HANDLING, "route": rules.REPORTED_UP, "routed_at": at,
                 "platform_case_no": case_no, "reported_on": reported_on}, at, seen)


def record_street_answer(actor: m.Staff | None, number: str, answer: str, *,
                         at: dt.datetime | None = None, seen: Seen = None) -> m.GridEvent:
    """The street's answer to an event reported up, when it comes."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "answer")
    answer = clean_text(answer, "街道的答复", NOTE_LIMIT, required=True, lines=True, field="answer")
    at = checked_time(event, at)
    return take(actor, event, "answer", answer, {"street_answer": answer}, at, seen)


def assign(actor: m.Staff | None, number: str, *, person_id: int | None = None, partner: str = "",
           note: str = "", at: dt.datetime | None = None, seen: Seen = None) -> m.GridEvent:
    """分派 (head) to a person of the register (a login is not needed) or a partner on the station's list.
    A registered event assigned before any route was chosen is handled in the grid by whoever it is given to."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "assign")
    if (person_id is None) == (not partner.strip()):
        raise DomainError("请选择一位经办人或一个协作单位（二选一）。", field="assignee")
    changes: dict[str, Any] = {"status": rules.HANDLING}
    at = checked_time(event, at)
    if event.route == "":
        changes.update(route=rules.IN_GRID, routed_at=at)
    person = person_or_none(person_id, "assignee")
    with write_transaction():  # one transaction: the built-in partner list is stored on first use
        if person is not None:
            changes.update(assigned_to=person.id, partner=None)
            who = person.name
        else:
            row = lists.partner_by_name(partner)
            changes.update(assigned_to=None, partner=row.id)
            who = row.name
        text = "；".join(x for x in (f"分派给{who}", clean_text(note, "说明", NOTE_LIMIT, lines=True, field="note")) if x)
        return take(actor, event, "assign", text, changes, at, seen)


def add_note(actor: m.Staff | None, number: str, note: str, *, at: dt.datetime | None = None,
             seen: Seen = None) -> m.GridEvent:
    """A progress note (进展) with its time and author."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "note")
    note = clean_text(note, "处置进展", NOTE_LIMIT, required=True, lines=True, field="note")
    at = checked_time(event, at)
    return take(actor, event, "note", note, {"status": rules.HANDLING}, at, seen)


def close(actor: m.Staff | None, number: str, result: str, *, at: dt.datetime | None = None,
          from_ledger: bool = False, seen: Seen = None) -> m.GridEvent:
    """销号 with the result. A category that asks for it needs a photo after handling first; a dispute
    needs its mediation outcome first. An event closed before the station used the app, taken in from
    its ledger (``from_ledger``), is closed as the ledger records it: there is no photo and no
    recorded mediation to ask for."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "close")
    result = clean_text(result, "处置结果", NOTE_LIMIT, required=True, lines=True, field="result")
    category = lists.category(event.category)
    if category.after_photo and not from_ledger and not any(p.stage == rules.AFTER for p in photos_of(event)):
        raise DomainError(f"“{event.category}”类事件销号前请先添加处置后的照片。", field="photo")
    if category.mediation and not from_ledger and not event.mediation_outcome:
        raise DomainError("矛盾纠纷事件销号前请先登记调解结果（调解成功或调解不成）。", field="outcome")
    at = checked_time(event, at)
    return take(actor, event, "close", result,
                {"status": rules.CLOSED, "result": result, "closed_at": at, "closed_by": actor.id if actor else None},
                at, seen)


def reopen(actor: m.Staff | None, number: str, reason: str, *, at: dt.datetime | None = None,
           seen: Seen = None) -> m.GridEvent:
    """返工 (head): a closed event is handled again; its 回访 is asked again after the next 销号."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "reopen")
    reason = clean_text(reason, "返工原因", NOTE_LIMIT, required=True, lines=True, field="reason")
    at = checked_time(event, at)
    if at < event.closed_at:
        raise DomainError("返工时间不能早于销号时间。", field="at")
    return take(actor, event, "reopen", reason,
                {"status": rules.HANDLING, "closed_at": None, "closed_by": None, "result": "",
                 "reopen_count": event.reopen_count + 1, "visited_at": None, "visit_view": ""}, at, seen)


def visit(actor: m.Staff | None, number: str, view: str, *, at: dt.datetime | None = None,
          seen: Seen = None) -> m.GridEvent:
    """回访: the reporting resident's view of a closed event, once per closing."""
    event = get_event(number)
    steps.check(actor, EVENT, event, "visit")
    view = clean_text(view, "居民的意见", NOTE_LIMIT, required=True, lines=True, field="view")
    at = checked_time(event, at)
    if at < event.closed_at:
        raise DomainError("回访时间不能早于销号时间。", field="at")
    return take(actor, event, "visit", view, {"visited_at": at, "visit_view": view}, at, seen)
