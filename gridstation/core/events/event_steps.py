"""The steps of a grid event after 登记, as one table (core/station/steps.py): who may take each, from
which states, and what it reads. handling.py and mediation.py take them; the event's detail offers them.

A clerk handles; the head assigns, reports up and reopens. 添加当事人 and 处置后照片 add to the event
without moving it (their services write their own rows) but are offered from the same table.
"""

from __future__ import annotations

import datetime as dt

from gridstation.core.events import lists, rules
from gridstation.core.events.register import history, parties_of
from gridstation.core.station import steps
from gridstation.core.station.roles import HEAD
from gridstation.core.storage import models as m

OPEN, ANY = rules.OPEN_STATUSES, rules.STATUSES


def _dispute(event: m.GridEvent) -> str:
    if lists.category(event.category).mediation:
        return ""
    return f"事件 {event.number} 是“{event.category}”类，不是矛盾纠纷，不能办理调解。"


def _not_reported(event: m.GridEvent) -> str:
    return f"事件 {event.number} 已上报街道（平台编号 {event.platform_case_no}）。" if event.route == rules.REPORTED_UP else ""


def _reported(event: m.GridEvent) -> str:
    return "" if event.route == rules.REPORTED_UP else f"事件 {event.number} 没有上报街道，不能登记街道答复。"


def _visit_due(event: m.GridEvent) -> str:
    if not parties_of(event, rules.REPORTER):
        return f"事件 {event.number} 不是居民反映的，没有需要回访的反映人。"
    if event.visited_at is not None:
        return f"事件 {event.number} 已于 {event.visited_at:%Y-%m-%d} 回访。"
    return ""


def _wrong_state(event: m.GridEvent, state: str, step: steps.Step) -> str:
    if state == rules.CLOSED:
        return f"事件 {event.number} 已销号，不能{step.shown}；需要时请站长先返工。"
    if step.code == "in_grid":
        return f"事件 {event.number} 已在处置中或已销号，不能再选择网格内处置。"
    if step.code == "reopen":
        return f"事件 {event.number} 还没有销号，不需要返工。"
    return f"事件 {event.number} 还没有销号，销号后再{step.shown}。"


def _history(event: m.GridEvent, step: steps.Step, _from: str, _to: str, note: str, at: dt.datetime,
             actor: m.Staff | None) -> None:
    m.EventStep.create(event=event, at=at, staff=actor, action=step.name, note=note)


S = steps.Step
EVENT = steps.Kind(
    entity="grid_event", model=m.GridEvent, states=rules.STATUSES,
    steps=(
        S("in_grid", rules.STEP_IN_GRID, (rules.REGISTERED,), rules.HANDLING, fields=("note",), text="note",
          done="已选择网格内处置。"),
        S("party", rules.STEP_PARTY, OPEN, fields=("party_name", "party_phone", "address"), text="address",
          label="添加当事人", when=_dispute, done="已添加当事人。"),
        S("session", rules.STEP_SESSION, OPEN, rules.HANDLING, fields=("place", "mediators", "notes"),
          required=("notes",), text="notes", when=_dispute, done="已登记调解情况。"),
        S("success", rules.STEP_OUTCOME, OPEN, rules.HANDLING, fields=("terms",), required=("terms",), text="terms",
          label=rules.MEDIATION_SUCCESS, when=_dispute, done="已登记调解成功。"),
        S("failed", rules.STEP_OUTCOME, OPEN, rules.HANDLING, fields=("referred_to",), required=("referred_to",),
          text="referred_to", label=rules.MEDIATION_FAILED, when=_dispute, done="已登记调解不成。"),
        S("assign", rules.STEP_ASSIGN, OPEN, rules.HANDLING, HEAD, ("assignee", "note"), ("assignee",), "note",
          done="已分派。"),
        S("report", rules.STEP_REPORT, OPEN, rules.HANDLING, HEAD, ("case_no", "note"), ("case_no",), "note",
          when=_not_reported, done="已上报街道。"),
        S("answer", rules.STEP_ANSWER, ANY, fields=("answer",), required=("answer",), text="answer", when=_reported,
          done="已登记街道答复。"),
        S("note", rules.STEP_NOTE, OPEN, rules.HANDLING, fields=("progress",), required=("progress",), text="progress",
          done="已登记处置进展。"),
        S("photo", rules.STEP_PHOTO, OPEN, fields=("photo", "note"), text="note", label="处置后照片", done="已添加处置后照片。"),
        S("close", rules.STEP_CLOSE, OPEN, rules.CLOSED, fields=("close_result",), required=("close_result",),
          text="close_result", done="已销号。"),
        S("visit", rules.STEP_VISIT, (rules.CLOSED,), fields=("view",), required=("view",), text="view",
          when=_visit_due, done="已登记回访。"),
        S("reopen", rules.STEP_REOPEN, (rules.CLOSED,), rules.HANDLING, HEAD, ("reopen_reason",), ("reopen_reason",),
          "reopen_reason", done="已返工。"),
    ),
    state_of=lambda e: e.status, key=lambda e: e.number, title=lambda e: f"事件 {e.number}",
    version=(m.GridEvent.status, m.GridEvent.updated_at), stamp=m.GridEvent.updated_at,
    state_column=m.GridEvent.status, wrong_state=_wrong_state, write_history=_history,
)
CODE_OF_NAME = {s.name: s.code for s in EVENT.steps if s.code not in ("failed",)}  # 调解结果 is "success" or "failed"


def available(event: m.GridEvent, staff: m.Staff | None) -> list[steps.Step]:
    """The steps the event's detail offers ``staff`` now."""
    return steps.available_steps(EVENT, event, staff)


def history_of(event: m.GridEvent) -> list[steps.HistoryEntry]:
    """The event's history in the one shape every kind's is read in (its ``EventStep`` rows)."""
    return [steps.HistoryEntry(s.at, s.staff.display_name if s.staff_id else "", s.action, s.note)
            for s in history(event)]
