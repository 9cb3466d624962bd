"""One way for a record that moves through steps (an intake, a grid event, a 差评整改, a rating's 申诉).

Each kind of record declares a ``Kind``: its states, and its steps with the states each starts from,
the state it leads to, the role it needs and the fields it reads. A service then

- asks ``check`` first, so a wrong state or role is refused before anything is typed into a form;
- validates its own fields;
- calls ``apply``, which inside one write transaction re-reads the record, refuses it when it is no
  longer the version the user saw or no longer in a state the step starts from, writes the changes
  (guarded by that version in the UPDATE itself), the history row and one audit entry named by the
  step (the step's Chinese name as action, the kind's entity), and returns what changed.

A screen asks ``available_steps`` which steps to offer and dispatches on their codes; the service
has the last word. History keeps the tables each kind already has (``IntakeEvent`` for 250 000
intakes, ``EventStep`` for events); ``HistoryEntry`` is the one shape they are read in.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import peewee

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, allows, require
from gridstation.core.storage.db import write_transaction

STALE = "刚被其他窗口修改，请刷新后重试。"  # after the record's title: 事件 SJ… 刚被其他窗口修改…

# What each field a step reads is called on screen (the text box's label follows the step's text field).
FIELD_LABELS = {
    "note": "说明", "result": "办理结果", "reason": "原因", "forwarded_to": "转往的部门或人员",
    "assignee": "分派给", "case_no": "平台编号", "answer": "街道答复", "close_result": "处置结果",
    "reopen_reason": "返工原因", "view": "居民意见", "progress": "处置进展", "party_name": "当事人姓名",
    "party_phone": "当事人电话", "address": "住址", "place": "调解地点", "mediators": "调解员",
    "notes": "调解情况", "terms": "协议内容", "referred_to": "引导去向", "photo": "照片",
    "finding": "回访情况", "action_taken": "整改措施", "resident_view": "居民评价", "appeal_reason": "申诉理由",
}


@dataclass(frozen=True)
class Step:
    """One step of a kind: where it may start, where it leads, who may take it, what it reads.

    ``name`` is what the history and the audit log call it; ``label`` what a button says when it
    differs (两个按钮 调解成功 / 调解不成 are one step 调解结果 in the history). ``to_state`` empty: the
    record stays in its state (a note, an answer). ``fields`` are read by the step, ``required`` must
    not be empty; ``text`` is the field a screen's one text box stands for. ``when`` adds a condition
    beyond the state (a 回访 needs a reporter): it returns the refusal, or "" when the step may be taken.
    ``done`` is the sentence a screen shows once the step is taken (已添加处置后照片。), written out in the
    table because 已 + the step's name does not always read as Chinese.
    """

    code: str
    name: str
    from_states: tuple[str, ...]
    to_state: str = ""
    role: str = CLERK
    fields: tuple[str, ...] = ()
    required: tuple[str, ...] = ()
    text: str = ""
    label: str = ""
    when: Callable[[Any], str] | None = None
    done: str = ""

    @property
    def shown(self) -> str:
        return self.label or self.name

    @property
    def text_label(self) -> str:
        return FIELD_LABELS.get(self.text, "说明")


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a record's history, whichever table keeps it."""

    at: dt.datetime
    staff: str
    action: str
    note: str = ""
    from_state: str = ""
    to_state: str = ""


@dataclass(frozen=True)
class Kind:
    """A kind of record that moves through steps.

    ``version`` are the columns whose values a user's view is compared on (the status and
    ``updated_at`` where the table has them; else the columns its steps write, which is the same
    guarantee). ``stamp`` is set to now by every step. ``state_of`` reads the state (``state_column``,
    or derived from dates where a table has none; only a column's state goes into the audit entry);
    ``key`` is the number the audit log names it by, ``title`` how a message names it (受理 SL…, 事件
    SJ…). ``wrong_state`` words the refusal of a step from a state it does not start from.
    ``write_history`` adds the history row (None: the record's own
    columns are its history).
    """

    entity: str
    model: type[peewee.Model]
    states: tuple[str, ...]
    steps: tuple[Step, ...]
    state_of: Callable[[Any], str]
    key: Callable[[Any], str]
    title: Callable[[Any], str]
    version: tuple[peewee.Field, ...]
    wrong_state: Callable[[Any, str, Step], str]
    stamp: peewee.Field | None = None
    state_column: peewee.Field | None = None
    write_history: Callable[[Any, Step, str, str, str, dt.datetime, Any], None] | None = None
    _by_code: dict[str, Step] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_code", {s.code: s for s in self.steps})
        unknown = {s for step in self.steps for s in (*step.from_states, step.to_state) if s} - set(self.states)
        if unknown or len(self._by_code) != len(self.steps):
            raise ValueError(f"{self.entity}: unknown states {unknown} or a step code twice")

    def step(self, code: str) -> Step:
        return self._by_code[code]


@dataclass(frozen=True)
class Applied:
    """What a step did: the record as it is now, the states before and after, the values written."""

    record: Any
    step: Step
    from_state: str
    to_state: str
    changes: Mapping[str, Any]


def version_of(kind: Kind, record: Any) -> tuple[Any, ...]:
    """The version of ``record`` a user sees; a screen keeps it and passes it back with the step."""
    return tuple(getattr(record, column.name) for column in kind.version)


def refusal(kind: Kind, record: Any, step: Step) -> str:
    """Why ``step`` cannot be taken on ``record`` as it is, or "" (the role is asked apart)."""
    state = kind.state_of(record)
    if state not in step.from_states:
        return kind.wrong_state(record, state, step)
    return step.when(record) if step.when is not None else ""


def check(actor: Any, kind: Kind, record: Any, code: str) -> Step:
    """The step, once the role, the state and its condition allow it; a refusal otherwise.

    A service asks this before validating its fields, so the first refusal is the one that matters.
    """
    step = kind.step(code)
    require(actor, step.role)
    reason = refusal(kind, record, step)
    if reason:
        raise DomainError(reason)
    return step


def available_steps(kind: Kind, record: Any, staff: Any) -> list[Step]:
    """The steps ``staff`` may take on ``record`` now, in the kind's order: what a screen offers."""
    return [s for s in kind.steps if allows(staff, s.role) and not refusal(kind, record, s)]


def _same(column: peewee.Field, value: Any) -> peewee.Expression:
    return column.is_null() if value is None else column == value


def apply(actor: Any, kind: Kind, record: Any, code: str, changes: Mapping[str, Any], *, at: dt.datetime,
          note: str = "", seen: Sequence[Any] | None = None, audit_after: Mapping[str, Any] | None = None) -> Applied:
    """Take step ``code`` on ``record``: the one guarded write every step goes through.

    ``seen``: the version the user saw (``version_of``); the record as read by the caller when not
    given. ``changes`` are the columns the step writes (the state column included where the kind has
    one). ``audit_after`` replaces the changes and note in the audit entry where a step words it itself.
    Call ``check`` first; the role is not asked again here.
    """
    step = kind.step(code)
    seen = tuple(version_of(kind, record) if seen is None else seen)
    model = kind.model
    with write_transaction():
        fresh = model.get_or_none(model.id == record.id)
        if fresh is None or version_of(kind, fresh) != seen:
            raise DomainError(f"{kind.title(record)} {STALE}")
        reason = refusal(kind, fresh, step)
        if reason:
            raise DomainError(reason)
        from_state = kind.state_of(fresh)
        to_state = step.to_state or from_state
        values = dict(changes)
        if kind.stamp is not None:
            values[kind.stamp.name] = clock.now()
        guard = reduce(operator.and_, (_same(c, v) for c, v in zip(kind.version, seen, strict=True)), model.id == fresh.id)
        if model.update(**values).where(guard).execute() != 1:
            raise DomainError(f"{kind.title(record)} {STALE}")
        if kind.write_history is not None:
            kind.write_history(fresh, step, from_state, to_state, note, at, actor)
        written = {k: v for k, v in changes.items() if kind.stamp is None or k != kind.stamp.name}
        after = dict(audit_after) if audit_after is not None else {**written, **({"note": note} if note else {})}
        before = {"status": from_state} if kind.state_column is not None else None
        audit.record(actor, step.name, kind.entity, kind.key(fresh), before=before, after=after)
        now = model.get_by_id(fresh.id)
    return Applied(now, step, from_state, to_state, written)
