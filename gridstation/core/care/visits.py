"""Visits (入户走访) and major changes (重大变故): a visit records who went, how, the checklist, what was found
and done, the services given on the spot and a follow-up; a major change asks a visit within the hours the
head sets (``care_change_hours``), and the first 上门 visit after it answers it.

A visit is recorded after it happened (a worker keys in a round at the counter), so it is one write, not a
record moving through steps. Numbers: ZF + the day visited + a sequence (ZF202612070001), counted by
``serials.next_number`` in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from gridstation.core.care import rules
from gridstation.core.residents.status import is_present
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import write_transaction
from gridstation.core.storage.serials import next_number

PREFIX = "ZF"
WORD_LIMIT, TEXT_LIMIT, NOTE_LIMIT = 50, 1000, 200


@dataclass
class VisitInput:
    """A visit as the page or a ledger row gives it. ``checklist``: item → (正常 / 需关注, a word);
    ``event_number``: the grid event a follow-up 事件 opened (事件编号)."""

    resident_id: int
    visited_on: dt.date
    visitor_id: int
    way: str = rules.HOME
    seen: bool = True
    checklist: dict[str, tuple[str, str]] = field(default_factory=dict)
    found: str = ""
    done: str = ""
    services: list[str] = field(default_factory=list)
    follow_up: str = rules.NO_FOLLOW_UP
    follow_up_note: str = ""
    event_number: str = ""


def format_number(day: dt.date, sequence: int) -> str:
    return f"{PREFIX}{day:%Y%m%d}{sequence:04d}"


def _checklist(items: dict[str, tuple[str, str]]) -> str:
    """Each item of CHECK_ITEMS at most once, 正常 or 需关注, with a short word; stored as JSON."""
    clean = {}
    for item, (state, word) in items.items():
        if item not in rules.CHECK_ITEMS:
            raise DomainError(f"走访检查项应为{'、'.join(rules.CHECK_ITEMS)}。", field="checklist")
        if state not in rules.CHECK_STATES:
            raise DomainError(f"“{item}”应为{'或'.join(rules.CHECK_STATES)}。", field="checklist")
        clean[item] = [state, clean_text(word, item, WORD_LIMIT, field="checklist")]
    return json.dumps(clean, ensure_ascii=False)


def _services(names: list[str]) -> str:
    """Services from the station's list (``care_services``), each once."""
    offered = list(settings.get("care_services"))
    unknown = [name for name in names if name not in offered]
    if unknown:
        raise DomainError(f"服务项目“{unknown[0]}”不在本站的服务清单中。", field="services")
    return json.dumps(list(dict.fromkeys(names)), ensure_ascii=False)


def _follow_up(data: VisitInput) -> tuple[str, str, int | None]:
    """The follow-up: none, a grid event (by its number, in the events' register), a need or a referral
    (described in words until the lists that take them exist)."""
    if data.follow_up not in rules.FOLLOW_UPS:
        raise DomainError(f"后续处理应为{'、'.join(rules.FOLLOW_UPS)}之一。", field="follow_up")
    note = clean_text(data.follow_up_note, "后续说明", NOTE_LIMIT, field="follow_up_note")
    if data.follow_up == rules.EVENT_FOLLOW_UP:
        number = clean_text(data.event_number, "事件编号", 32, required=True, field="event").upper()
        event = m.GridEvent.get_or_none(m.GridEvent.number == number)
        if event is None:
            raise NotFound(f"找不到编号为 {number} 的网格事件。")
        return data.follow_up, note, event.id
    if data.follow_up != rules.NO_FOLLOW_UP and not note:
        raise DomainError(f"请说明{data.follow_up}的内容。", field="follow_up_note")
    return data.follow_up, note, None


def _values(data: VisitInput, today: dt.date) -> dict:
    if data.way not in rules.WAYS:
        raise DomainError(f"走访方式应为{'、'.join(rules.WAYS)}之一。", field="way")
    if data.seen and data.way != rules.HOME:
        raise DomainError(f"{data.way}走访不能算作见到本人，请取消“见到本人”。", field="seen")
    if data.visited_on > today:
        raise DomainError("走访日期不能晚于今天。", field="visited_on")
    follow_up, note, event = _follow_up(data)
    return {"visited_on": data.visited_on, "way": data.way, "seen": bool(data.seen),
            "checklist": _checklist(data.checklist),
            "found": clean_text(data.found, "发现情况", TEXT_LIMIT, lines=True, field="found"),
            "done": clean_text(data.done, "处理情况", TEXT_LIMIT, lines=True, field="done"),
            "services": _services(data.services), "follow_up": follow_up, "follow_up_note": note, "event": event}


def record_visit(actor: m.Staff | None, data: VisitInput, *, at: dt.datetime | None = None) -> m.CareVisit:
    """Record a visit made (any clerk keys in a worker's round). The resident must have been present that
    day; the visitor is a person of the grid register. The first 上门 visit after a major change answers it."""
    require(actor, CLERK)
    moment = at or clock.now()
    values = _values(data, moment.date())
    with write_transaction():
        resident = m.row_or_none(m.Resident, data.resident_id)
        if resident is None:
            raise NotFound(f"找不到编号为 {data.resident_id} 的居民。")
        if not is_present(resident, data.visited_on):
            raise DomainError(f"居民“{resident.name}”在{data.visited_on:%Y-%m-%d}已{resident.status}。", field="resident")
        visitor = m.row_or_none(m.Person, data.visitor_id)
        if visitor is None:
            raise NotFound(f"找不到编号为 {data.visitor_id} 的走访人员。")
        number = format_number(data.visited_on, next_number(f"care_visit:{PREFIX}{data.visited_on:%Y%m%d}"))
        visit = m.CareVisit.create(number=number, resident=resident, visitor=visitor, entered_by=actor,
                                   entered_at=moment, **values)
        if visit.way == rules.HOME:
            answered = m.CareChange.update(visit=visit).where(
                (m.CareChange.resident == resident) & m.CareChange.visit.is_null()
                & (m.CareChange.noted_at < dt.datetime.combine(data.visited_on + dt.timedelta(days=1), dt.time())))
            answered.execute()
        audit.record(actor, "入户走访", "care_visit", number,
                     after={"resident": resident.id, "visited_on": data.visited_on, "way": visit.way,
                            "visitor": visitor.name, "follow_up": visit.follow_up})
    return visit


def record_change(actor: m.Staff | None, resident_id: int, kind: str, note: str = "", *,
                  at: dt.datetime | None = None) -> m.CareChange:
    """A major change in a resident's life (住院, 丧偶/丧亲, 独居 from now on …): a visit is asked within
    ``care_change_hours`` (default 24) of when the station heard of it."""
    require(actor, CLERK)
    moment = at or clock.now()
    what = clean_text(kind, "变故类型", 20, required=True, field="kind")
    words = clean_text(note, "变故说明", NOTE_LIMIT, field="note")
    hours = rules.check_hours(settings.get("care_change_hours"))
    with write_transaction():
        resident = m.row_or_none(m.Resident, resident_id)
        if resident is None:
            raise NotFound(f"找不到编号为 {resident_id} 的居民。")
        if not is_present(resident, moment.date()):
            raise DomainError(f"居民“{resident.name}”已{resident.status}。", field="resident")
        change = m.CareChange.create(resident=resident, kind=what, note=words, noted_at=moment,
                                     due_at=moment + dt.timedelta(hours=hours), entered_by=actor)
        audit.record(actor, "登记重大变故", "care_change", change.id,
                     after={"resident": resident.id, "due_at": change.due_at})
    return change
