"""An event ledger (网格事件台账) row taken in through the counter's own services.

A station that kept its events in Excel brings them in with the same importer as its other
ledgers (core/ledgers/importers/events.py reads the cells; this module owns what a row means). Each row is
registered (keeping the ledger's 事件编号: core/ledgers/importers/numbers.py), routed and, when the
ledger says so, closed at its recorded times. A row already taken in (same time found, grid and
description) is skipped, so a ledger imported twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

from gridstation.core.events import handling, lists, mediation, rules
from gridstation.core.events.register import EventInput, PartyInput, register_event
from gridstation.core.grids import register
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.storage import models as m


@dataclass
class LedgerEvent:
    row: int
    found_at: dt.datetime | None
    category: str
    level: str
    source: str
    grid: str
    place: str
    description: str
    found_by: str
    reporter: str
    reporter_phone: str
    route: str
    case_no: str
    reported_on: dt.date | None
    closed_at: dt.datetime | None
    result: str
    outcome: str = ""
    number: str = ""  # the ledger's 事件编号 to keep; "" for the next number
    assignee: str = ""  # 经办人: a person's name or a partner unit of the station's list

    def names(self, partners: set[str]) -> list[str]:
        """The people the row names (发现人, 经办人 unless a partner unit)."""
        return [n for n in (self.found_by, "" if self.assignee in partners else self.assignee) if n]


# Which rule a refusal concerns -> the ledger column to name in the report.
FIELD_COLUMNS = {"category": "category", "level": "level", "source": "source", "description": "description",
                 "found_at": "found_at", "reporter": "reporter", "phone": "reporter_phone", "name": "reporter",
                 "case_no": "case_no", "reported_on": "reported_on", "result": "result", "at": "closed_at",
                 "grid": "grid", "found_by": "found_by", "route": "route", "outcome": "outcome",
                 "terms": "result", "referred_to": "result", "assignee": "assignee", "finder": "found_by",
                 "partner": "assignee"}

# The words stations write for a value, beside the app's own (normalised: no spaces, full-width folded).
# A ledger says 上报街道平台 or 网格自行处置; the app keeps 上报街道 and 网格内处置.
ROUTE_FORMS = {rules.IN_GRID: ("网格处置", "网格内处理", "网格自行处置", "自行处置", "就地处置", "网格内解决"),
               rules.REPORTED_UP: ("上报街道平台", "上报平台", "街道平台", "上报街道处置", "上报处置")}
LEVEL_FORMS = {rules.NORMAL: ("普通",), rules.URGENT: ("紧急事件", "加急", "急")}
SOURCE_FORMS = {rules.PATROL: ("巡查", "网格员巡查", "日常巡查"), rules.RESIDENT_REPORT: ("群众反映", "居民上报", "来访"),
                rules.ASSIGNED_FROM_ABOVE: ("上级交办件", "交办", "街道交办"), rules.HOTLINE: ("12345热线", "市民热线", "热线")}
OUTCOME_FORMS = {rules.MEDIATION_SUCCESS: ("成功", "已调解", "达成协议", "调解完成"),
                 rules.MEDIATION_FAILED: ("不成功", "调解失败", "失败", "未达成协议", "调解未成功")}


def ledger_value(text: str, forms: dict[str, tuple[str, ...]]) -> str:
    """A ledger's wording of a value as the app's own word; the text itself when it is no known form
    (the rules then refuse it, naming what may be written)."""
    word = unicodedata.normalize("NFKC", text).replace(" ", "").strip()
    for value, others in forms.items():
        if word == value or word in others:
            return value
    return text.strip()


def check_row(item: LedgerEvent) -> list[tuple[str, str]]:
    """Problems a row shows by itself (column key, message), before anything is written."""
    problems = []
    if item.route and item.route not in (rules.IN_GRID, rules.REPORTED_UP):
        problems.append(("route", f"处置方式只能是“{rules.IN_GRID}”或“{rules.REPORTED_UP}”。"))
    if item.route == rules.REPORTED_UP and not item.case_no:
        problems.append(("case_no", "上报街道的事件请填写街道平台编号。"))
    if item.closed_at and item.found_at and item.closed_at < item.found_at:
        problems.append(("closed_at", "销号时间早于发现时间。"))
    if item.outcome and item.outcome not in (rules.MEDIATION_SUCCESS, rules.MEDIATION_FAILED):
        problems.append(("outcome", f"调解结果只能是“{rules.MEDIATION_SUCCESS}”或“{rules.MEDIATION_FAILED}”，或留空。"))
    return problems


def grid_of(item: LedgerEvent) -> m.Grid | None:
    """The grid a row names by code or unique name (a closed one too: an old event's grid); the import makes
    a grid the station lacks first (``rows.Job.grid``, listed in the dry run), so a name unknown here is refused."""
    if not item.grid:
        return None
    try:
        return register.find_grid(item.grid, include_closed=True)
    except NotFound:
        raise DomainError(f"没有名称或编号为“{item.grid}”的网格，请先在网格登记中添加，或改正网格名称。",
                          field="grid") from None


def taken_in_before(item: LedgerEvent) -> bool:
    """An event with the row's time found, grid and description is already here (a ledger imported again,
    whatever number either carries)."""
    grid = grid_of(item)
    return m.GridEvent.select().where((m.GridEvent.found_at == item.found_at) & (m.GridEvent.grid == grid)
                                      & (m.GridEvent.description == item.description.strip())).exists()


def write_row(actor: m.Staff | None, item: LedgerEvent, named: dict[str, m.Person]) -> m.GridEvent:
    """Register, route and close one row (one not ``taken_in_before``); ``named`` holds the people it names
    (``grids.people.people_named``), so 经办人 not among them is a partner unit."""
    grid = grid_of(item)
    finder = named[item.found_by] if item.found_by else None
    assignee = named.get(item.assignee) if item.assignee else None
    partner = item.assignee if item.assignee and assignee is None else ""
    reporter = PartyInput(name=item.reporter, phone=item.reporter_phone) if item.reporter or item.reporter_phone else None
    event = register_event(actor, EventInput(item.category, item.level or rules.NORMAL, item.description,
                                             item.source or rules.PATROL, grid_id=grid.id if grid else None,
                                             place=item.place, finder_id=finder.id if finder else None,
                                             assignee_id=assignee.id if assignee else None, partner=partner,
                                             found_at=item.found_at, reporter=reporter, number=item.number))
    if item.route == rules.REPORTED_UP:
        event = handling.report_up(actor, event.number, item.case_no, item.reported_on or item.found_at.date(),
                                   at=item.found_at)
    elif item.route == rules.IN_GRID or item.closed_at:
        event = handling.handle_in_grid(actor, event.number, at=item.found_at)
    if item.outcome:
        if not lists.category(item.category).mediation:
            raise DomainError(f"“{item.category}”类事件不是矛盾纠纷，不能填写调解结果。", field="outcome")
        event = mediation.record_outcome(actor, event.number, item.outcome, terms=item.result,
                                         referred_to=item.result, at=item.closed_at or item.found_at,
                                         from_ledger=True)
    if item.closed_at:
        event = handling.close(actor, event.number, item.result or "已销号", at=item.closed_at, from_ledger=True)
    return event
