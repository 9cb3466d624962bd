"""The tool box's kinds and units: their states and codes, the catalogue of kinds, adding units and
changing their state, and the rule of what is out on loan and overdue."""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import peewee
from peewee import fn

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.money import parse_money
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.station import audit
from gridstation.core.station.opening_days import station_calendar
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage import photos
from gridstation.core.storage.db import write_transaction
from gridstation.core.storage.serials import dated_number, next_number

# Unit states (ToolUnit.state).
AVAILABLE, ON_LOAN, RESERVED, REPAIR, LOST, SCRAPPED = "在库", "借出", "预约", "维修", "遗失", "报废"


UNIT_STATES = (AVAILABLE, ON_LOAN, RESERVED, REPAIR, LOST, SCRAPPED)


# States staff set by hand; 借出 comes only from lending and leaves only by a return.
MANUAL_STATES = (AVAILABLE, REPAIR, LOST, SCRAPPED)


# Units the station can plan with when it counts what is free on a day.
USABLE_STATES = (AVAILABLE, ON_LOAN, RESERVED)


# Units no longer on the shelf: the figures do not count them in service, and they get no new sticker.
OUT_OF_SERVICE = (LOST, SCRAPPED)


# Conditions recorded at return, and where each sends the unit: a unit missing parts cannot go
# out again with a wrong parts list, so it goes to repair like a damaged one.
GOOD, DAMAGED, MISSING_PARTS, LOST_ON_LOAN = "完好", "损坏", "缺件", "遗失"


CONDITIONS = (GOOD, DAMAGED, MISSING_PARTS, LOST_ON_LOAN)


STATE_AFTER_RETURN = {GOOD: AVAILABLE, DAMAGED: REPAIR, MISSING_PARTS: REPAIR, LOST_ON_LOAN: LOST}


# Reservation statuses (Reservation.status).
RES_ACTIVE, RES_COLLECTED, RES_CANCELLED, RES_EXPIRED = "有效", "已取用", "已取消", "已过期"


ASSET_PREFIX = "GJ"


ASSET_CODE_RE = re.compile(rf"{ASSET_PREFIX}-\d{{4,}}")


ENTERED_CODE_RE = re.compile(r"[A-Z0-9][A-Z0-9\-]{1,31}")


SLIP_PREFIX = "JY"


SLIP_RE = re.compile(rf"{SLIP_PREFIX}\d{{12}}")


MAX_LOAN_DAYS = 365


MAX_RESERVATION_DAYS = 60


MAX_UNITS_PER_ADD = 200


MAX_PARTS = 20


# A paper loan or return may be entered afterwards, but never with a time in the future.
CLOCK_SLACK = dt.timedelta(minutes=5)


# Nor before 2000: a 借用单号 carries a four-digit year (JY + YYYYMMDD), and an older year is a typo.
EARLIEST_LOAN = dt.datetime(2000, 1, 1)


class UnitNotAvailable(DomainError):
    """The unit is lent, in repair, lost, retired, held, or its kind is no longer lent."""


class ReservedByOther(DomainError):
    """Lending (or renewing) would leave another resident's reservation without a unit."""


class OverLimit(DomainError):
    """The borrower would hold more units at once than the station allows."""


class BorrowerOverdue(DomainError):
    """The borrower has tools past their due date; only the station head may lend anyway."""


class NotOnLoan(DomainError):
    """A unit scanned for return has no open loan."""


def normalise_code(text: str) -> str:
    """The stored form of a scanned or typed code: a pinyin IME in full-width mode types ＧＪ－０００１."""
    return unicodedata.normalize("NFKC", text or "").strip().upper()


def asset_code(number: int) -> str:
    """The one place that decides the look of a generated asset code: GJ-0001."""
    return f"{ASSET_PREFIX}-{number:04d}"


def is_station_code(code: str) -> bool:
    """Whether ``code`` has this station's asset-code format (a stock-take tells foreign labels apart)."""
    return ASSET_CODE_RE.fullmatch(normalise_code(code)) is not None


def slip_number(day: dt.date, seq: int) -> str:
    """借用单号: JY + lending date + 4-digit sequence of that day, e.g. JY202501030007."""
    return f"{SLIP_PREFIX}{day:%Y%m%d}{seq:04d}"


def parse_slip_no(slip_no: str) -> tuple[str, int] | None:
    """The (counter scope, sequence) of a 借用单号 in this station's format; None for one from elsewhere."""
    dated = dated_number(slip_no, SLIP_PREFIX) if SLIP_RE.fullmatch(slip_no) else None
    return (slip_scope(dated[0]), dated[1]) if dated else None


def is_slip_no(text: str) -> bool:
    """Whether a scan is a 借用单号 (the slip's QR code) rather than an asset code."""
    return SLIP_RE.fullmatch(normalise_code(text)) is not None


def slip_scope(day: dt.date) -> str:
    """The counter (SerialCounter.scope) of one day's slips; its own namespace, so a station whose
    intake prefix happened to be "JY" still gets gap-free slip numbers."""
    return f"loan:{day:%Y%m%d}"


ASSET_SCOPE = f"asset:{ASSET_PREFIX}"


def next_slip_no(day: dt.date) -> str:
    return slip_number(day, next_number(slip_scope(day)))


def _next_asset_code() -> str:
    """The next free generated code; codes entered by hand may already use some numbers."""
    while True:
        code = asset_code(next_number(ASSET_SCOPE))
        if not m.ToolUnit.select().where(m.ToolUnit.asset_code == code).exists():
            return code


@dataclass
class KindInput:
    """A tool kind as the form or an import row supplies it; the deposit is in yuan as typed."""

    name: str
    category: str = ""
    loan_days: int | str = 7
    deposit: str | Decimal | int = "0"
    safety_note: str = ""
    parts: Sequence[str] = field(default_factory=list)
    photo: str = ""  # a chosen image file (stored on save) or the digest of one already stored
    active: bool = True


def parts_of(kind: m.ToolKind) -> list[str]:
    return list(json.loads(kind.parts or "[]"))


def _clean_kind(data: KindInput) -> dict:
    name = clean_text(data.name, "工具名称", 40, required=True)
    try:
        loan_days = int(str(data.loan_days).strip())
    except ValueError:
        raise DomainError(f"借用天数“{data.loan_days}”不是整数。") from None
    if not 1 <= loan_days <= MAX_LOAN_DAYS:
        raise DomainError(f"借用天数应在1至{MAX_LOAN_DAYS}天之间。")
    deposit_text = data.deposit if str(data.deposit).strip() else "0"
    parts: list[str] = []
    for raw in data.parts:
        part = clean_text(raw, "配件名称", 30)
        if part and part not in parts:
            parts.append(part)
    if len(parts) > MAX_PARTS:
        raise DomainError(f"配件最多{MAX_PARTS}项。")
    return {
        "name": name,
        "category": clean_text(data.category, "类别", 30),
        "loan_days": loan_days,
        "deposit_fen": parse_money(deposit_text, "押金"),
        "safety_note": clean_text(data.safety_note, "安全须知", 1000, lines=True),
        "parts": json.dumps(parts, ensure_ascii=False),
        "photo": (data.photo or "").strip(),
        "active": bool(data.active),
    }


def save_kind(actor: m.Staff | None, data: KindInput, kind_id: int | None = None) -> m.ToolKind:
    """Add or edit a tool kind (站长): what it is, how long it is lent, its deposit, parts and photo.

    A newly chosen photo is read and checked before the transaction (``storage/photos.py``) and stored in
    the database inside it, so a kind refused for any reason stores no picture.
    """
    require(actor, HEAD)
    values = _clean_kind(data)
    chosen: photos.ChosenPhoto | None = None
    if values["photo"] and not photos.is_stored(values["photo"]):
        chosen = photos.read_photo(values["photo"])
    with write_transaction():
        clash = m.ToolKind.get_or_none(m.ToolKind.name == values["name"])
        if clash is not None and clash.id != kind_id:
            raise DomainError(f"工具种类“{values['name']}”已存在。", field="name")
        if chosen is not None:
            values["photo"] = photos.store_photo(chosen)
        elif values["photo"]:
            photos.require_stored(values["photo"])
        if kind_id is None:
            kind = m.ToolKind.create(**values)
            audit.record(actor, "新增工具种类", "tool_kind", kind.id, after=values)
        else:
            kind = get_kind(kind_id)
            before = {k: getattr(kind, k) for k in values}
            m.ToolKind.update(**values).where(m.ToolKind.id == kind.id).execute()
            audit.record(actor, "修改工具种类", "tool_kind", kind.id, before=before, after=values)
    return get_kind(kind.id)


def get_kind(kind_id: int) -> m.ToolKind:
    kind = m.row_or_none(m.ToolKind, kind_id)
    if kind is None:
        raise NotFound(f"找不到编号为 {kind_id} 的工具种类。")
    return kind


def kind_by_name(name: str) -> m.ToolKind:
    kind = m.ToolKind.get_or_none(m.ToolKind.name == " ".join((name or "").split()))
    if kind is None:
        # A new station meets this first: an empty list says where tools come from.
        where = "" if m.ToolKind.select().exists() else "工具由站长在“工具箱”页的“工具 (F8)”中新建种类后添加。"
        raise NotFound(f"工具清单中没有“{name}”。{where}")
    return kind


def delete_kind(actor: m.Staff | None, kind_id: int) -> None:
    """Remove a kind entered by mistake; one with any loan or reservation is retired instead."""
    require(actor, HEAD)
    with write_transaction():
        kind = get_kind(kind_id)
        units = m.ToolUnit.select(m.ToolUnit.id).where(m.ToolUnit.kind == kind)
        lent = m.ToolUnit.select().where((m.ToolUnit.kind == kind) & (m.ToolUnit.state == ON_LOAN)).count()
        if lent:
            raise DomainError(f"“{kind.name}”有 {lent} 件正在借出，不能删除。请先办理归还。")
        has_loans = m.LoanItem.select().where(m.LoanItem.unit.in_(units)).exists()
        has_reservations = m.Reservation.select().where(m.Reservation.kind == kind).exists()
        if has_loans or has_reservations:
            raise DomainError(f"“{kind.name}”已有借用或预约记录，不能删除（记录需要保留）。请改为停用。")
        codes = [u.asset_code for u in m.ToolUnit.select(m.ToolUnit.asset_code).where(m.ToolUnit.kind == kind)]
        m.ToolUnit.delete().where(m.ToolUnit.kind == kind).execute()
        m.ToolKind.delete().where(m.ToolKind.id == kind.id).execute()
        audit.record(actor, "删除工具种类", "tool_kind", kind.id, before={"name": kind.name, "units": codes})


@dataclass
class KindRow:
    kind: m.ToolKind
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def kind_rows(*, include_retired: bool = True) -> list[KindRow]:
    """Every kind with its number of units in each state (one grouped query for all kinds), by
    category and then name in the one Chinese order (``pinyin_keys.sort_key``), as every tool-box list:
    the database's order is the characters' code points (万用表, 人字梯, 伸缩梯 … before 扳手)."""
    query = m.ToolKind.select()
    if not include_retired:
        query = query.where(m.ToolKind.active)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for kind_id, state, n in (m.ToolUnit.select(m.ToolUnit.kind, m.ToolUnit.state, fn.COUNT(m.ToolUnit.id))
                              .group_by(m.ToolUnit.kind, m.ToolUnit.state).tuples()):
        counts[kind_id][state] = n
    return [KindRow(kind, {s: counts[kind.id].get(s, 0) for s in UNIT_STATES}) for kind in sorted(query, key=lambda k: (sort_key(k.category), sort_key(k.name)))]


def get_unit(code: str) -> m.ToolUnit:
    code = normalise_code(code)
    unit = (m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
            .where(m.ToolUnit.asset_code == code).first())
    if unit is None:
        raise NotFound(unknown_code_message(code))
    return unit


def unknown_code_message(code: str) -> str:
    if not code:
        return "请扫描或输入资产编号。"
    if not is_station_code(code):
        return f"资产编号“{code}”不是本站的编号格式（本站为 {asset_code(1)} 这样的编号），请核对资产标签。"
    return f"资产编号“{code}”不存在，请核对资产标签。"


def add_units(actor: m.Staff | None, kind_id: int, count: int = 1, *, codes: Sequence[str] | None = None,
              purchase_date: dt.date | None = None, notes: str = "") -> list[m.ToolUnit]:
    """New units of a kind, in 在库: generated codes (``count`` of them) or the codes given.

    Entered codes keep labels a station already stuck on its tools; generated codes come from the
    station's counter so two windows adding units never collide.
    """
    require(actor, CLERK)
    entered = [normalise_code(c) for c in (codes or []) if normalise_code(c)]
    if codes is not None and not entered:
        raise DomainError("请输入资产编号。")
    if entered:
        for code in entered:
            if not ENTERED_CODE_RE.fullmatch(code):
                raise DomainError(f"资产编号“{code}”应为2至32位字母、数字或短横线。")
        dupes = [c for c, n in Counter(entered).items() if n > 1]
        if dupes:
            raise DomainError(f"资产编号“{dupes[0]}”输入了不止一次。")
        count = len(entered)
    if not 1 <= count <= MAX_UNITS_PER_ADD:
        raise DomainError(f"一次可添加1至{MAX_UNITS_PER_ADD}件。")
    if purchase_date and purchase_date > clock.today():
        raise DomainError("购置日期不能晚于今天。")
    notes = clean_text(notes, "备注", 500)
    with write_transaction():
        kind = get_kind(kind_id)
        if not kind.active:
            raise DomainError(f"“{kind.name}”已停用，不能添加工具。")
        taken = [u.asset_code for u in
                 m.ToolUnit.select(m.ToolUnit.asset_code).where(m.ToolUnit.asset_code.in_(entered))]
        if taken:
            raise DomainError(f"资产编号“{taken[0]}”已被使用。")
        units = []
        for code in entered or [_next_asset_code() for _ in range(count)]:
            unit = m.ToolUnit.create(asset_code=code, kind=kind, state=AVAILABLE, purchase_date=purchase_date,
                                     condition_notes=notes)
            m.UnitEvent.create(unit=unit, staff=actor, to_state=AVAILABLE, note="入库")
            units.append(unit)
        audit.record(actor, "新增工具", "tool_kind", kind.id, after={"codes": [u.asset_code for u in units]})
    return units


def set_unit_state(actor: m.Staff | None, code: str, state: str, note: str = "") -> m.ToolUnit:
    """Send a unit to repair, mark it lost or found, or retire it (报废 needs the station head)."""
    require(actor, HEAD if state == SCRAPPED else CLERK)
    if state not in MANUAL_STATES:
        raise DomainError(f"工具状态只能改为：{'、'.join(MANUAL_STATES)}。")
    note = clean_text(note, "说明", 500)
    with write_transaction():
        unit = get_unit(code)
        if unit.state == ON_LOAN:
            raise UnitNotAvailable(f"资产编号 {unit.asset_code} 正在借出，请通过“归还”登记它的情况。")
        if unit.state == state:
            raise DomainError(f"资产编号 {unit.asset_code} 已经是“{state}”。")
        changed = m.ToolUnit.update(state=state).where(
            (m.ToolUnit.id == unit.id) & (m.ToolUnit.state == unit.state)).execute()
        if changed != 1:
            raise DomainError(f"资产编号 {unit.asset_code} 刚被其他窗口修改，请刷新后重试。")
        m.UnitEvent.create(unit=unit, staff=actor, from_state=unit.state, to_state=state, note=note)
        audit.record(actor, "工具状态变更", "tool_unit", unit.asset_code,
                     before={"state": unit.state}, after={"state": state, "note": note})
    return get_unit(unit.asset_code)


def query_units(kind_id: int | None = None, *, state: str = "") -> peewee.ModelSelect:
    """The units list of the 工具 tab, by asset code; its pages and its export read the same query."""
    query = m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
    if kind_id is not None:
        query = query.where(m.ToolUnit.kind == kind_id)
    if state:
        query = query.where(m.ToolUnit.state == state)
    return query.order_by(m.ToolUnit.asset_code)


def unit_rows(kind_id: int | None = None, *, state: str = "", offset: int = 0, limit: int = 200) -> list[m.ToolUnit]:
    return list(query_units(kind_id, state=state).offset(offset).limit(limit))


def unit_history(code: str, *, offset: int = 0, limit: int = 200) -> list[m.UnitEvent]:
    """Every state change of a unit, newest first; lending and returns are state changes too."""
    unit = get_unit(code)
    return list(m.UnitEvent.select(m.UnitEvent, m.Staff).join(m.Staff, peewee.JOIN.LEFT_OUTER)
                .where(m.UnitEvent.unit == unit)
                .order_by(m.UnitEvent.at.desc(), m.UnitEvent.id.desc()).offset(offset).limit(limit))


def open_item_condition() -> peewee.Expression:
    return m.LoanItem.returned_at.is_null()


def overdue_condition(today: dt.date) -> peewee.Expression:
    """The overdue rule, on LoanItem joined to Loan: not yet returned and due before today."""
    return open_item_condition() & (m.Loan.due_date < today)


def open_loan_ids() -> peewee.ModelSelect:
    # Few items are out at any time; the index on returned_at makes this a short range scan.
    return m.LoanItem.select(m.LoanItem.loan).where(open_item_condition())


def default_due_date(lent: dt.date, loan_days: int) -> dt.date:
    """The kind's loan period from the day of lending, moved to the next day the station is open."""
    return station_calendar().next_open_day(lent + dt.timedelta(days=loan_days))
