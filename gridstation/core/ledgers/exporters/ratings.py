"""What the 好差评台账 export holds: one row per rating, with its 申诉 and its 差评整改.

The station keeps this ledger for the 政务服务 好差评 checks: who was rated, how, why, and what was
done about a bad rating (回访, 整改, the resident's view). ``ledger_export`` writes it like every other
export (masked ID numbers unless the head asks, formula-safe text, widths, page setup).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

import peewee

from gridstation.core.evaluation import rectification
from gridstation.core.ledgers.exporters.sheet import Col, counted, id_mask
from gridstation.core.ledgers.ledger_columns import DATE, ID_NUMBER, MOMENT, TEXT
from gridstation.core.rules import clock
from gridstation.core.storage import models as m

Getter = Callable[[m.Rating], object]


def _cells(show_id: Callable[[str], str]) -> list[tuple[str, Getter, str]]:
    """(header, value of a rating, cell type) of each column."""
    def fix(get: Callable[[m.Rectification], object]) -> Getter:
        return lambda r: get(r.fix) if getattr(r, "fix", None) is not None and r.fix.id else None

    return [
        ("受理编号", lambda r: r.intake.serial, TEXT), ("业务", lambda r: r.service.name, TEXT),
        ("居民姓名", lambda r: r.intake.resident.name, TEXT),
        ("身份证号", lambda r: show_id(r.intake.resident.doc_number), ID_NUMBER),
        ("被评价人员", lambda r: r.staff.display_name if r.staff_id else "", TEXT),
        ("评价方式", lambda r: r.channel, TEXT), ("评价时间", lambda r: r.at, MOMENT),
        ("评价", lambda r: r.level, TEXT), ("原因", lambda r: "、".join(json.loads(r.reasons or "[]")), TEXT),
        ("意见", lambda r: r.text, TEXT),
        ("申诉", lambda r: f"已申诉：{r.appeal_reason}" if r.appealed_at else "", TEXT),
        ("整改期限", fix(lambda x: x.due_date), DATE), ("整改回访", fix(lambda x: x.visited_at), MOMENT),
        ("核实情况", fix(lambda x: x.finding), TEXT), ("整改措施", fix(lambda x: x.action_taken), TEXT),
        ("居民对整改的意见", fix(lambda x: x.resident_view), TEXT), ("整改完成", fix(lambda x: x.closed_at), MOMENT),
        ("整改状态", fix(_state), TEXT),
    ]


def _state(fix: m.Rectification) -> str:
    if fix.closed_at:
        return "已完成"
    return "逾期" if rectification.overdue_on(fix.due_date, fix.closed_at, clock.today()) else "整改中"


def query() -> peewee.ModelSelect:
    """Every rating with its intake, resident, service, rated staff and rectification, in one query."""
    fix = m.Rectification.alias()
    return (m.Rating.select(m.Rating, m.Intake, m.Resident, m.ServiceType, m.Staff, fix)
            .join(m.Intake).join(m.Resident).switch(m.Rating).join(m.ServiceType)
            .switch(m.Rating).join(m.Staff, peewee.JOIN.LEFT_OUTER, on=(m.Rating.staff == m.Staff.id))
            .switch(m.Rating).join(fix, peewee.JOIN.LEFT_OUTER, on=(fix.rating == m.Rating.id), attr="fix")
            .order_by(m.Rating.at, m.Rating.id))


# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号"


def columns(full: bool) -> list[Col]:
    return [Col(header, get, kind) for header, get, kind in _cells(id_mask(full))]


def records(source: Any, _full: bool) -> Iterable[m.Rating]:
    return counted(query() if source is None else source)
