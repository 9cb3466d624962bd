"""The shared tool box (共享工具箱): catalogue, lending, returns, renewals, reservations and overdue.

Every rule of the tool box is decided here, once: the GUI, the command line, imports and the
statistics call these functions and never write the tables themselves. Every refusal is a
``DomainError`` (or a subclass below, so the counter can show each kind of refusal differently)
raised before anything is stored.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import peewee
from peewee import fn

from gridstation.core.intake.residents import get_resident
from gridstation.core.intake.residents import reveal_phone as reveal_resident_phone
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.rules.idcard import mask_phone
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.station import audit
from gridstation.core.station.accounts import CLERK, HEAD, require
from gridstation.core.station.opening_days import station_next_open_day
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.storage.serials import next_number
from gridstation.core.toolbox import tool_photos

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
_CLOCK_SLACK = dt.timedelta(minutes=5)
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


# ---------------------------------------------------------------- codes and numbers

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


def is_slip_no(text: str) -> bool:
    """Whether a scan is a 借用单号 (the slip's QR code) rather than an asset code."""
    return SLIP_RE.fullmatch(normalise_code(text)) is not None


def slip_scope(day: dt.date) -> str:
    """The counter (SerialCounter.scope) of one day's slips; its own namespace, so a station whose
    intake prefix happened to be "JY" still gets gap-free slip numbers."""
    return f"loan:{day:%Y%m%d}"


ASSET_SCOPE = f"asset:{ASSET_PREFIX}"


def _next_slip_no(day: dt.date) -> str:
    return slip_number(day, next_number(slip_scope(day)))


def _next_asset_code() -> str:
    """The next free generated code; codes entered by hand may already use some numbers."""
    while True:
        code = asset_code(next_number(ASSET_SCOPE))
        if not m.ToolUnit.select().where(m.ToolUnit.asset_code == code).exists():
            return code


# ---------------------------------------------------------------- catalogue: kinds

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


def _text(value: str, label: str, limit: int, *, required: bool = False, multiline: bool = False) -> str:
    """A cleaned text field; one-line fields lose stray spaces and line breaks a paste brings in."""
    value = (value or "").strip() if multiline else " ".join((value or "").split())
    if required and not value:
        raise DomainError(f"请输入{label}。")
    if len(value) > limit:
        raise DomainError(f"{label}过长（最多{limit}个字）。")
    return value


def _clean_kind(data: KindInput) -> dict:
    name = _text(data.name, "工具名称", 40, required=True)
    try:
        loan_days = int(str(data.loan_days).strip())
    except ValueError:
        raise DomainError(f"借用天数“{data.loan_days}”不是整数。") from None
    if not 1 <= loan_days <= MAX_LOAN_DAYS:
        raise DomainError(f"借用天数应在1至{MAX_LOAN_DAYS}天之间。")
    deposit_text = data.deposit if str(data.deposit).strip() else "0"
    parts: list[str] = []
    for raw in data.parts:
        part = _text(raw, "配件名称", 30)
        if part and part not in parts:
            parts.append(part)
    if len(parts) > MAX_PARTS:
        raise DomainError(f"配件最多{MAX_PARTS}项。")
    return {
        "name": name,
        "category": _text(data.category, "类别", 30),
        "loan_days": loan_days,
        "deposit_fen": parse_money(deposit_text, "押金"),
        "safety_note": _text(data.safety_note, "安全须知", 1000, multiline=True),
        "parts": json.dumps(parts, ensure_ascii=False),
        "photo": (data.photo or "").strip(),
        "active": bool(data.active),
    }


def save_kind(actor: m.Staff | None, data: KindInput, kind_id: int | None = None) -> m.ToolKind:
    """Add or edit a tool kind (站长): what it is, how long it is lent, its deposit, parts and photo.

    A newly chosen photo is read and checked before the transaction (``tool_photos``) and stored in
    the database inside it, so a kind refused for any reason stores no picture.
    """
    require(actor, HEAD)
    values = _clean_kind(data)
    chosen: tool_photos.Photo | None = None
    if values["photo"] and not tool_photos.is_stored(values["photo"]):
        chosen = tool_photos.read_photo(values["photo"])
    with write_transaction():
        clash = m.ToolKind.get_or_none(m.ToolKind.name == values["name"])
        if clash is not None and clash.id != kind_id:
            raise DomainError(f"工具种类“{values['name']}”已存在。", field="name")
        if chosen is not None:
            values["photo"] = tool_photos.store_photo(chosen)
        elif values["photo"]:
            tool_photos.require_stored(values["photo"])
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
        raise NotFound(f"工具清单中没有“{name}”。")
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
    """Every kind with its number of units in each state (one grouped query for all kinds)."""
    query = m.ToolKind.select().order_by(m.ToolKind.category, m.ToolKind.name)
    if not include_retired:
        query = query.where(m.ToolKind.active)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for kind_id, state, n in (m.ToolUnit.select(m.ToolUnit.kind, m.ToolUnit.state, fn.COUNT(m.ToolUnit.id))
                              .group_by(m.ToolUnit.kind, m.ToolUnit.state).tuples()):
        counts[kind_id][state] = n
    return [KindRow(kind, {s: counts[kind.id].get(s, 0) for s in UNIT_STATES}) for kind in query]


# ---------------------------------------------------------------- catalogue: units

def get_unit(code: str) -> m.ToolUnit:
    code = normalise_code(code)
    unit = (m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
            .where(m.ToolUnit.asset_code == code).first())
    if unit is None:
        raise NotFound(_unknown_code_message(code))
    return unit


def _unknown_code_message(code: str) -> str:
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
    if purchase_date and purchase_date > dt.date.today():
        raise DomainError("购置日期不能晚于今天。")
    notes = _text(notes, "备注", 500)
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
    note = _text(note, "说明", 500)
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


# ---------------------------------------------------------------- overdue rule

def open_item_condition() -> peewee.Expression:
    return m.LoanItem.returned_at.is_null()


def overdue_condition(today: dt.date) -> peewee.Expression:
    """The overdue rule, on LoanItem joined to Loan: not yet returned and due before today."""
    return open_item_condition() & (m.Loan.due_date < today)


def _open_loan_ids() -> peewee.ModelSelect:
    # Few items are out at any time; the index on returned_at makes this a short range scan.
    return m.LoanItem.select(m.LoanItem.loan).where(open_item_condition())


def default_due_date(lent: dt.date, loan_days: int) -> dt.date:
    """The kind's loan period from the day of lending, moved to the next day the station is open."""
    return station_next_open_day(lent + dt.timedelta(days=loan_days))


# ---------------------------------------------------------------- availability and reservations

@dataclass(frozen=True)
class DayCount:
    """Units of one kind on one day: usable in all, out on loan, held for reservations, and free."""

    day: dt.date
    total: int
    lent: int
    reserved: int

    @property
    def free(self) -> int:
        return max(0, self.total - self.lent - self.reserved)


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def _daily_counts(kind_ids: Iterable[int], first: dt.date, last: dt.date, today: dt.date,
                  *, exclude_resident: int | None = None) -> dict[int, list[DayCount]]:
    """Per kind and day from ``first`` to ``last``: three small queries, then counting in Python.

    A unit out on loan counts as lent until its due date, and an overdue one until today: after
    that it is expected back, so reservations can be made on it.
    """
    ids = list(kind_ids)
    totals = dict(m.ToolUnit.select(m.ToolUnit.kind, fn.COUNT(m.ToolUnit.id))
                  .where(m.ToolUnit.kind.in_(ids) & m.ToolUnit.state.in_(USABLE_STATES))
                  .group_by(m.ToolUnit.kind).tuples())
    out_rows: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind_id, lent_at, due in (m.LoanItem.select(m.ToolUnit.kind, m.Loan.lent_at, m.Loan.due_date)
                                  .join(m.ToolUnit).switch(m.LoanItem).join(m.Loan)
                                  .where(open_item_condition() & m.ToolUnit.kind.in_(ids)).tuples()):
        out_rows[kind_id].append((as_date(lent_at), max(as_date(due), today)))
    held = (m.Reservation.select(m.Reservation.kind, m.Reservation.start_date, m.Reservation.end_date)
            .where(m.Reservation.kind.in_(ids) & (m.Reservation.status == RES_ACTIVE)
                   & (m.Reservation.start_date <= last) & (m.Reservation.end_date >= first)
                   & (m.Reservation.end_date >= today)))
    if exclude_resident is not None:
        held = held.where(m.Reservation.resident != exclude_resident)
    held_rows: dict[int, list[tuple[dt.date, dt.date]]] = defaultdict(list)
    for kind_id, start, end in held.tuples():
        held_rows[kind_id].append((as_date(start), as_date(end)))
    return {
        kind_id: [DayCount(day, totals.get(kind_id, 0),
                           sum(1 for a, b in out_rows[kind_id] if a <= day <= b),
                           sum(1 for a, b in held_rows[kind_id] if a <= day <= b))
                  for day in _days(first, last)]
        for kind_id in ids
    }


def availability(start: dt.date | None = None, days: int = 14, *, kind_ids: Sequence[int] | None = None,
                 today: dt.date | None = None) -> dict[int, list[DayCount]]:
    """Per active kind and day: units free, lent and reserved (the 预约 page's grid)."""
    today = today or dt.date.today()
    start = start or today
    if kind_ids is None:
        kind_ids = [k.id for k in m.ToolKind.select(m.ToolKind.id).where(m.ToolKind.active)]
    return _daily_counts(kind_ids, start, start + dt.timedelta(days=max(1, days) - 1), today)


def _check_reservations(needed: dict[m.ToolKind, int], first: dt.date, last: dt.date,
                        resident_id: int | None, today: dt.date) -> None:
    """Refuse if taking ``needed`` units out from ``first`` to ``last`` leaves a reservation short."""
    if last < first:
        return
    counts = _daily_counts([k.id for k in needed], first, last, today, exclude_resident=resident_id)
    for kind, n in needed.items():
        for day in counts[kind.id]:
            if day.total - day.lent - day.reserved < n:
                raise ReservedByOther(
                    f"“{kind.name}”在{day.day:%Y-%m-%d}已被其他居民预约（共 {day.total} 件，预约 {day.reserved} 件），"
                    f"借出会占用预约的工具。请把应还日期提前到{day.day - dt.timedelta(days=1):%Y-%m-%d}之前，或改借其他工具。")


def reserve(actor: m.Staff | None, resident_id: int, kind_id: int, start: dt.date, end: dt.date,
            *, today: dt.date | None = None) -> m.Reservation:
    """Hold one unit of a kind for a resident over a date range, if one is free every day of it."""
    require(actor, CLERK)
    today = today or dt.date.today()
    if start < today:
        raise DomainError("预约开始日期不能早于今天。", field="start_date")
    if end < start:
        raise DomainError("预约结束日期不能早于开始日期。", field="end_date")
    if (end - start).days >= MAX_RESERVATION_DAYS:
        raise DomainError(f"一次预约最长{MAX_RESERVATION_DAYS}天。", field="end_date")
    resident = get_resident(resident_id)
    with write_transaction():
        kind = get_kind(kind_id)
        if not kind.active:
            raise UnitNotAvailable(f"“{kind.name}”已停用，不能预约。")
        same = m.Reservation.select().where(
            (m.Reservation.resident == resident) & (m.Reservation.kind == kind)
            & (m.Reservation.status == RES_ACTIVE) & (m.Reservation.start_date <= end)
            & (m.Reservation.end_date >= start)).exists()
        if same:
            raise DomainError(f"居民{resident.name}在这段时间已预约了“{kind.name}”。")
        for day in _daily_counts([kind.id], start, end, today)[kind.id]:
            if day.free < 1:
                raise ReservedByOther(
                    f"“{kind.name}”在{day.day:%Y-%m-%d}没有空闲的可预约（共 {day.total} 件，借出 {day.lent} 件，"
                    f"已预约 {day.reserved} 件）。请换一个日期。")
        reservation = m.Reservation.create(kind=kind, resident=resident, start_date=start, end_date=end,
                                           status=RES_ACTIVE, staff=actor)
        audit.record(actor, "预约", "reservation", reservation.id,
                     after={"kind": kind.name, "resident": resident.id, "start": start, "end": end})
    return reservation


def cancel_reservation(actor: m.Staff | None, reservation_id: int) -> None:
    require(actor, CLERK)
    with write_transaction():
        changed = m.Reservation.update(status=RES_CANCELLED).where(
            (m.Reservation.id == reservation_id) & (m.Reservation.status == RES_ACTIVE)).execute()
        if changed != 1:
            raise DomainError("该预约已取用、取消或过期，不能再取消。")
        audit.record(actor, "取消预约", "reservation", reservation_id)


def expire_reservations(actor: m.Staff | None = None, *, today: dt.date | None = None) -> int:
    """Mark reservations whose period has passed uncollected as 已过期; returns how many.

    Availability already ignores them, so this only keeps the list honest; it is safe to run at
    every refresh.
    """
    require(actor, CLERK)
    today = today or dt.date.today()
    stale = m.Reservation.select().where((m.Reservation.status == RES_ACTIVE) & (m.Reservation.end_date < today))
    if not stale.exists():
        return 0
    with write_transaction():
        ids = [r.id for r in stale]
        m.Reservation.update(status=RES_EXPIRED).where(m.Reservation.id.in_(ids)).execute()
        audit.record(actor, "预约过期", "reservation", "", after={"ids": ids})
    return len(ids)


def reservation_rows(*, status: str = RES_ACTIVE, offset: int = 0, limit: int = 200) -> list[m.Reservation]:
    query = (m.Reservation.select(m.Reservation, m.ToolKind, m.Resident).join(m.ToolKind)
             .switch(m.Reservation).join(m.Resident))
    if status:
        query = query.where(m.Reservation.status == status)
    return list(query.order_by(m.Reservation.start_date, m.Reservation.id).offset(offset).limit(limit))


# ---------------------------------------------------------------- borrowers

@dataclass
class BorrowerStatus:
    units_out: int
    limit: int
    overdue_slips: list[str]

    @property
    def can_take(self) -> int:
        return max(0, self.limit - self.units_out)


def borrower_status(resident_id: int, *, on: dt.date | None = None) -> BorrowerStatus:
    """What the counter shows when a borrower is chosen: units out, the limit, overdue slips."""
    on = on or dt.date.today()
    base = m.LoanItem.select().join(m.Loan).where((m.Loan.resident == resident_id) & open_item_condition())
    overdue = (m.Loan.select(m.Loan.slip_no).join(m.LoanItem)
               .where((m.Loan.resident == resident_id) & overdue_condition(on))
               .distinct().order_by(m.Loan.slip_no))
    return BorrowerStatus(base.count(), int(settings.get("loan_limit_units")), [r.slip_no for r in overdue])


# ---------------------------------------------------------------- lending

@dataclass
class PlannedUnit:
    unit: m.ToolUnit
    kind: m.ToolKind
    parts: list[str]


@dataclass
class LendPlan:
    """A loan checked against every rule but not stored: the counter previews it after each scan."""

    resident: m.Resident | None
    units: list[PlannedUnit]
    lent_at: dt.datetime
    due_date: dt.date
    default_due_date: dt.date
    deposit_fen: int
    default_deposit_fen: int
    override_reason: str


def _unit_refusal(unit: m.ToolUnit) -> DomainError:
    code, name = unit.asset_code, unit.kind.name
    if unit.state == ON_LOAN:
        item = (m.LoanItem.select(m.LoanItem, m.Loan).join(m.Loan)
                .where((m.LoanItem.unit == unit) & open_item_condition()).first())
        where = f"，借用单 {item.loan.slip_no}，应还日期 {item.loan.due_date}" if item else ""
        return UnitNotAvailable(f"资产编号 {code}（{name}）已借出{where}。请先办理归还。")
    if unit.state == LOST:
        return UnitNotAvailable(f"资产编号 {code}（{name}）已登记遗失，不能借出。若已找回，请先在“工具”页改为在库。")
    if unit.state == REPAIR:
        return UnitNotAvailable(f"资产编号 {code}（{name}）正在维修，不能借出。")
    if unit.state == RESERVED:
        return UnitNotAvailable(f"资产编号 {code}（{name}）已为预约保留，不能借出。")
    return UnitNotAvailable(f"资产编号 {code}（{name}）当前状态为“{unit.state}”，不能借出。")


def plan_loan(actor: m.Staff | None, resident_id: int | None, asset_codes: Sequence[str], *,
              due_date: dt.date | None = None, deposit: str | Decimal | None = None,
              parts: dict[str, Sequence[str]] | None = None, override_reason: str = "",
              lent_at: dt.datetime | None = None, today: dt.date | None = None) -> LendPlan:
    """Check a loan against every rule and return what would be stored; raises the first refusal.

    ``resident_id`` may be None while the borrower is not chosen yet: then only the units are
    checked. ``deposit`` is yuan as typed (None: the kinds' deposits added up); ``parts`` maps an
    asset code to the parts handed out (missing: all the kind's parts).
    """
    today = today or dt.date.today()
    codes = [normalise_code(c) for c in asset_codes]
    if not codes or not all(codes):
        raise DomainError("请扫描或输入要借出的资产编号。", field="asset_code")
    repeated = [c for c, n in Counter(codes).items() if n > 1]
    if repeated:
        raise DomainError(f"资产编号 {repeated[0]} 已在本次借出清单中。", field="asset_code")
    found = {u.asset_code: u for u in m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
             .where(m.ToolUnit.asset_code.in_(codes))}
    units = []
    for code in codes:
        unit = found.get(code)
        if unit is None:
            raise NotFound(_unknown_code_message(code), field="asset_code")
        if not unit.kind.active:
            raise UnitNotAvailable(f"“{unit.kind.name}”已停用，不能借出。", field="asset_code")
        if unit.state != AVAILABLE:
            raise _unit_refusal(unit)
        units.append(unit)
    lent = (lent_at or m.now()).replace(microsecond=0)
    if lent > m.now() + _CLOCK_SLACK:
        raise DomainError("借出时间不能晚于现在。", field="lent_at")
    if lent < EARLIEST_LOAN:
        raise DomainError(f"借出时间不能早于{EARLIEST_LOAN.year}年，请核对。", field="lent_at")
    lent_day = lent.date()
    resident = get_resident(resident_id) if resident_id is not None else None
    reason = _text(override_reason, "特批理由", 500)
    used_reason = ""
    if resident is not None:
        status = borrower_status(resident.id, on=lent_day)
        if status.units_out + len(units) > status.limit:
            raise OverLimit(
                f"居民{resident.name}已借 {status.units_out} 件未还，本站每人同时最多借 {status.limit} 件，"
                f"本次最多还能借 {status.can_take} 件。")
        if status.overdue_slips:
            if not reason:
                raise BorrowerOverdue(
                    f"居民{resident.name}有逾期未还的工具（借用单 {'、'.join(status.overdue_slips)}），请先归还。"
                    "确需借出的，由站长填写特批理由后办理。")
            try:
                require(actor, HEAD)
            except PermissionDenied:
                raise PermissionDenied("该居民有逾期未还的工具，特批借出需要站长或管理员办理。") from None
            used_reason = reason
    kinds = {u.kind.id: u.kind for u in units}
    default_due = default_due_date(lent_day, min(k.loan_days for k in kinds.values()))
    due = due_date or default_due
    if due < lent_day:
        raise DomainError(f"应还日期不能早于借出日期（{lent_day}）。", field="due_date")
    if (due - lent_day).days > MAX_LOAN_DAYS:
        raise DomainError(f"借期最长{MAX_LOAN_DAYS}天。", field="due_date")
    needed = Counter(u.kind.id for u in units)
    _check_reservations({kinds[k]: n for k, n in needed.items()}, max(lent_day, today), due,
                        resident.id if resident else None, today)
    planned = []
    chosen = {normalise_code(k): list(v) for k, v in (parts or {}).items()}
    for unit in units:
        allowed = parts_of(unit.kind)
        handed = chosen.get(unit.asset_code, allowed)
        unknown = [p for p in handed if p not in allowed]
        if unknown:
            raise DomainError(f"“{unit.kind.name}”没有配件“{unknown[0]}”。", field="parts")
        planned.append(PlannedUnit(unit, unit.kind, [p for p in allowed if p in handed]))
    default_deposit = sum(u.kind.deposit_fen for u in units)
    deposit_fen = default_deposit if deposit is None or str(deposit).strip() == "" else parse_money(deposit, "押金")
    return LendPlan(resident, planned, lent, due, default_due, deposit_fen, default_deposit, used_reason)


def lend(actor: m.Staff | None, resident_id: int, asset_codes: Sequence[str], *,
         due_date: dt.date | None = None, deposit: str | Decimal | None = None,
         parts: dict[str, Sequence[str]] | None = None, override_reason: str = "",
         lent_at: dt.datetime | None = None, notes: str = "") -> m.Loan:
    """Lend units to a resident on one 借用单; ``lent_at`` enters a paper loan with its real time.

    The rules are checked again inside the transaction, and each unit moves 在库 → 借出 with a
    conditional update, so two windows scanning the same unit cannot both lend it.
    """
    require(actor, CLERK)
    if resident_id is None:
        raise DomainError("请先查找并选择借用的居民。", field="resident")
    notes = _text(notes, "备注", 500)
    with write_transaction():
        plan = plan_loan(actor, resident_id, asset_codes, due_date=due_date, deposit=deposit, parts=parts,
                         override_reason=override_reason, lent_at=lent_at)
        loan = m.Loan.create(
            slip_no=_next_slip_no(plan.lent_at.date()), resident=plan.resident, staff=actor, lent_at=plan.lent_at,
            due_date=plan.due_date, deposit_fen=plan.deposit_fen, override_reason=plan.override_reason,
            notes=notes, entered_later=lent_at is not None)
        for p in plan.units:
            changed = m.ToolUnit.update(state=ON_LOAN).where(
                (m.ToolUnit.id == p.unit.id) & (m.ToolUnit.state == AVAILABLE)).execute()
            if changed != 1:
                raise UnitNotAvailable(f"资产编号 {p.unit.asset_code} 刚被其他窗口借出，请重新扫描。")
            m.LoanItem.create(loan=loan, unit=p.unit, parts_out=json.dumps(p.parts, ensure_ascii=False))
            m.UnitEvent.create(unit=p.unit, at=plan.lent_at, staff=actor, from_state=AVAILABLE, to_state=ON_LOAN,
                               note=f"借出，借用单 {loan.slip_no}")
        collected = _collect_reservations(plan)
        audit.record(actor, "借出", "loan", loan.slip_no, after={
            "resident": plan.resident.id, "units": [p.unit.asset_code for p in plan.units],
            "lent_at": plan.lent_at, "due_date": plan.due_date, "deposit": yuan(plan.deposit_fen),
            "override_reason": plan.override_reason, "entered_later": loan.entered_later,
            "reservations_collected": collected})
    return get_loan(loan.slip_no)


def _collect_reservations(plan: LendPlan) -> list[int]:
    """The borrower's own reservations this loan fulfils become 已取用 (one per unit lent)."""
    ids: list[int] = []
    for kind_id, n in Counter(p.kind.id for p in plan.units).items():
        mine = (m.Reservation.select(m.Reservation.id)
                .where((m.Reservation.resident == plan.resident) & (m.Reservation.kind == kind_id)
                       & (m.Reservation.status == RES_ACTIVE) & (m.Reservation.start_date <= plan.due_date)
                       & (m.Reservation.end_date >= plan.lent_at.date()))
                .order_by(m.Reservation.start_date).limit(n))
        ids.extend(r.id for r in mine)
    if ids:
        m.Reservation.update(status=RES_COLLECTED).where(m.Reservation.id.in_(ids)).execute()
    return ids


def pick_unit(kind_name: str, *, exclude: Sequence[str] = ()) -> m.ToolUnit:
    """An available unit of a kind, for lending by kind name instead of by scanning a label.

    The lowest asset code first, so the counter hands out units in a predictable order; units
    already on this loan (``exclude``) are skipped.
    """
    kind = kind_by_name(kind_name)
    if not kind.active:
        raise UnitNotAvailable(f"“{kind.name}”已停用，不能借出。")
    unit = (m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
            .where((m.ToolUnit.kind == kind) & (m.ToolUnit.state == AVAILABLE)
                   & m.ToolUnit.asset_code.not_in([normalise_code(c) for c in exclude]))
            .order_by(m.ToolUnit.asset_code).first())
    if unit is None:
        raise UnitNotAvailable(f"“{kind.name}”目前没有在库可借的工具。")
    return unit


def get_loan(slip_no: str) -> m.Loan:
    loan = (m.Loan.select(m.Loan, m.Resident).join(m.Resident)
            .where(m.Loan.slip_no == normalise_code(slip_no)).first())
    if loan is None:
        raise NotFound(f"找不到借用单“{slip_no}”，请核对借用单上的编号。")
    return loan


def loan_items(loan: m.Loan) -> list[m.LoanItem]:
    """The units of a slip, with unit and kind loaded (the loan slip and the return screen)."""
    return list(m.LoanItem.select(m.LoanItem, m.ToolUnit, m.ToolKind).join(m.ToolUnit).join(m.ToolKind)
                .where(m.LoanItem.loan == loan).order_by(m.LoanItem.id))


def item_parts(item: m.LoanItem, *, back: bool = False) -> list[str]:
    return list(json.loads((item.parts_back if back else item.parts_out) or "[]"))


def deposit_kept_fen(loan: m.Loan) -> int | None:
    """The deposit the station kept, once every unit is back; None while units are still out."""
    if m.LoanItem.select().where((m.LoanItem.loan == loan) & open_item_condition()).exists():
        return None
    return loan.deposit_fen - loan.deposit_refunded_fen


# ---------------------------------------------------------------- renewals

def renew(actor: m.Staff | None, slip_no: str, *, due_date: dt.date | None = None,
          today: dt.date | None = None) -> m.Loan:
    """Extend a slip's due date (续借), at most ``loan_max_renewals`` times, never over a reservation."""
    require(actor, CLERK)
    today = today or dt.date.today()
    with write_transaction():
        loan = get_loan(slip_no)
        out = [i for i in loan_items(loan) if i.returned_at is None]
        if not out:
            raise DomainError(f"借用单 {loan.slip_no} 的工具已全部归还，无需续借。")
        limit = int(settings.get("loan_max_renewals"))
        if loan.renewals >= limit:
            raise DomainError(f"借用单 {loan.slip_no} 已续借 {loan.renewals} 次，本站最多续借 {limit} 次，请归还后重新借出。")
        kinds = {i.unit.kind.id: i.unit.kind for i in out}
        old_due = as_date(loan.due_date)
        new_due = due_date or default_due_date(max(today, old_due), min(k.loan_days for k in kinds.values()))
        if new_due <= old_due:
            raise DomainError(f"续借后的应还日期应晚于原应还日期（{old_due}）。", field="due_date")
        if (new_due - today).days > MAX_LOAN_DAYS:
            raise DomainError(f"续借最长到{today + dt.timedelta(days=MAX_LOAN_DAYS)}。", field="due_date")
        needed = Counter(i.unit.kind.id for i in out)
        _check_reservations({kinds[k]: n for k, n in needed.items()}, max(old_due, today) + dt.timedelta(days=1),
                            new_due, loan.resident_id, today)
        changed = m.Loan.update(due_date=new_due, renewals=m.Loan.renewals + 1).where(
            (m.Loan.id == loan.id) & (m.Loan.renewals == loan.renewals)).execute()
        if changed != 1:
            raise DomainError(f"借用单 {loan.slip_no} 刚被其他窗口续借，请刷新后重试。")
        audit.record(actor, "续借", "loan", loan.slip_no, before={"due_date": old_due},
                     after={"due_date": new_due, "renewals": loan.renewals + 1})
    return get_loan(loan.slip_no)


# ---------------------------------------------------------------- returns

@dataclass
class OpenItem:
    """What the return screen shows after a scan: the open loan of that unit."""

    item: m.LoanItem
    loan: m.Loan
    unit: m.ToolUnit
    kind: m.ToolKind
    resident: m.Resident
    parts_out: list[str]
    days_overdue: int
    deposit_remaining_fen: int
    still_out: list[str]  # asset codes of this slip not yet returned, this one included

    @property
    def is_last(self) -> bool:
        return self.still_out == [self.unit.asset_code]


def open_item(code: str, *, today: dt.date | None = None) -> OpenItem:
    """The open loan of a scanned unit; NotFound for an unknown code, NotOnLoan if it is not out."""
    today = today or dt.date.today()
    unit = get_unit(code)
    item = (m.LoanItem.select(m.LoanItem, m.Loan, m.Resident).join(m.Loan).join(m.Resident)
            .where((m.LoanItem.unit == unit) & open_item_condition()).first())
    if item is None:
        raise NotOnLoan(f"资产编号 {unit.asset_code}（{unit.kind.name}）没有借出（当前状态：{unit.state}），不能归还。")
    loan = item.loan
    still_out = [c for (c,) in m.LoanItem.select(m.ToolUnit.asset_code).join(m.ToolUnit)
                 .where((m.LoanItem.loan == loan) & open_item_condition()).order_by(m.LoanItem.id).tuples()]
    return OpenItem(item, loan, unit, unit.kind, loan.resident, item_parts(item),
                    max(0, (today - as_date(loan.due_date)).days),
                    loan.deposit_fen - loan.deposit_refunded_fen, still_out)


def suggested_refund(info: OpenItem, condition: str) -> int:
    """The refund the return screen proposes (staff may change it).

    Nothing for a unit not back in good order. For a good one: its kind's deposit, or, when it is
    the slip's last unit and every earlier unit came back good, whatever of the deposit is left.
    """
    if condition != GOOD:
        return 0
    if info.is_last:
        bad = m.LoanItem.select().where((m.LoanItem.loan == info.loan) & m.LoanItem.returned_at.is_null(False)
                                        & (m.LoanItem.return_condition != GOOD)).exists()
        if not bad:
            return info.deposit_remaining_fen
    return min(info.kind.deposit_fen, info.deposit_remaining_fen)


def return_unit(actor: m.Staff | None, asset_code: str, condition: str = GOOD, *, notes: str = "",
                deposit_refund: str | Decimal | None = None, parts_back: Sequence[str] | None = None,
                returned_at: dt.datetime | None = None) -> m.LoanItem:
    """Take a unit back: record its condition and parts, refund deposit, move the unit on.

    A damaged or incomplete unit goes to 维修, a lost one to 遗失, a good one back to 在库.
    ``deposit_refund`` is yuan as typed (None: the suggested refund).
    """
    require(actor, CLERK)
    if condition not in CONDITIONS:
        raise DomainError(f"归还情况只能是：{'、'.join(CONDITIONS)}。", field="condition")
    notes = _text(notes, "归还说明", 500)
    with write_transaction():
        info = open_item(asset_code)
        at = (returned_at or m.now()).replace(microsecond=0)
        if at > m.now() + _CLOCK_SLACK:
            raise DomainError("归还时间不能晚于现在。", field="returned_at")
        if at < info.loan.lent_at:
            raise DomainError(f"归还时间不能早于借出时间（{info.loan.lent_at:%Y-%m-%d %H:%M}）。", field="returned_at")
        back = info.parts_out if parts_back is None else [p for p in info.parts_out if p in parts_back]
        strange = [p for p in (parts_back or []) if p not in info.parts_out]
        if strange:
            raise DomainError(f"配件“{strange[0]}”不在这件工具借出时的配件中。", field="parts")
        missing = [p for p in info.parts_out if p not in back]
        if missing and condition == GOOD:
            raise DomainError(f"缺少配件：{'、'.join(missing)}。请把归还情况选为“{MISSING_PARTS}”。", field="condition")
        if deposit_refund is None or str(deposit_refund).strip() == "":
            refund = suggested_refund(info, condition)
        else:
            refund = parse_money(deposit_refund, "退还押金")
        if refund > info.deposit_remaining_fen:
            raise DomainError(f"退还押金不能超过未退押金 ¥{yuan(info.deposit_remaining_fen)}。", field="deposit_refund")
        changed = m.LoanItem.update(
            returned_at=at, return_condition=condition, return_notes=notes,
            parts_back=json.dumps(back, ensure_ascii=False), return_staff=actor,
        ).where((m.LoanItem.id == info.item.id) & open_item_condition()).execute()
        if changed != 1:
            raise NotOnLoan(f"资产编号 {info.unit.asset_code} 刚被其他窗口办理了归还。")
        new_state = STATE_AFTER_RETURN[condition]
        unit_changes: dict = {"state": new_state}
        if condition != GOOD:
            lacking = "缺少" + "、".join(missing) if missing else ""
            unit_changes["condition_notes"] = "；".join(x for x in (condition, lacking, notes) if x)
        m.ToolUnit.update(**unit_changes).where(m.ToolUnit.id == info.unit.id).execute()
        m.UnitEvent.create(unit=info.unit, at=at, staff=actor, from_state=info.unit.state, to_state=new_state,
                           note="；".join(x for x in (f"归还（{condition}），借用单 {info.loan.slip_no}", notes) if x))
        if refund:
            m.Loan.update(deposit_refunded_fen=m.Loan.deposit_refunded_fen + refund).where(
                m.Loan.id == info.loan.id).execute()
        kept = None if not info.is_last else info.deposit_remaining_fen - refund
        audit.record(actor, "归还", "loan", info.loan.slip_no, after={
            "unit": info.unit.asset_code, "condition": condition, "notes": notes, "missing_parts": missing,
            "deposit_refund": yuan(refund), "deposit_kept": yuan(kept) if kept is not None else ""})
    return m.LoanItem.get_by_id(info.item.id)


# ---------------------------------------------------------------- loan lists

OPEN, CLOSED, OVERDUE = "open", "closed", "overdue"


@dataclass
class LoanFilter:
    resident_id: int | None = None
    asset_code: str = ""
    status: str = ""  # "", OPEN, CLOSED, OVERDUE
    date_from: dt.date | None = None
    date_to: dt.date | None = None


def query_loans(flt: LoanFilter, *, today: dt.date | None = None) -> peewee.ModelSelect:
    """The filtered loan list the tool-box page, histories and exports read, newest first."""
    today = today or dt.date.today()
    query = m.Loan.select(m.Loan, m.Resident).join(m.Resident)
    if flt.resident_id is not None:
        query = query.where(m.Loan.resident == flt.resident_id)
    if flt.asset_code:
        with_unit = (m.LoanItem.select(m.LoanItem.loan).join(m.ToolUnit)
                     .where(m.ToolUnit.asset_code == normalise_code(flt.asset_code)))
        query = query.where(m.Loan.id.in_(with_unit))
    if flt.status == OPEN:
        query = query.where(m.Loan.id.in_(_open_loan_ids()))
    elif flt.status == CLOSED:
        query = query.where(m.Loan.id.not_in(_open_loan_ids()))
    elif flt.status == OVERDUE:
        query = query.where(m.Loan.id.in_(_open_loan_ids()) & (m.Loan.due_date < today))
    if flt.date_from:
        query = query.where(m.Loan.lent_at >= dt.datetime.combine(flt.date_from, dt.time()))
    if flt.date_to:
        query = query.where(m.Loan.lent_at < dt.datetime.combine(flt.date_to + dt.timedelta(days=1), dt.time()))
    return query.order_by(m.Loan.lent_at.desc(), m.Loan.id.desc())


@dataclass
class LoanRow:
    loan: m.Loan
    tools: list[tuple[str, str]]  # (kind name, asset code)
    open_count: int
    days_overdue: int

    @property
    def status(self) -> str:
        if not self.open_count:
            return "已归还"
        if self.days_overdue:
            return f"逾期{self.days_overdue}天"
        return "借出中"


def _rows_for(loans: list[m.Loan], today: dt.date) -> list[LoanRow]:
    """Loans with their tools, by one extra query for the whole page (not one per loan)."""
    tools: dict[int, list[tuple[str, str]]] = defaultdict(list)
    out: Counter[int] = Counter()
    if loans:
        rows = (m.LoanItem.select(m.LoanItem.loan, m.ToolKind.name, m.ToolUnit.asset_code, m.LoanItem.returned_at)
                .join(m.ToolUnit).join(m.ToolKind).where(m.LoanItem.loan.in_([loan.id for loan in loans]))
                .order_by(m.LoanItem.id).tuples())
        for loan_id, kind_name, code, returned in rows:
            tools[loan_id].append((kind_name, code))
            out[loan_id] += returned is None
    return [LoanRow(loan, tools[loan.id], out[loan.id],
                    max(0, (today - as_date(loan.due_date)).days) if out[loan.id] else 0)
            for loan in loans]


def loan_rows(flt: LoanFilter, *, offset: int = 0, limit: int = 200, today: dt.date | None = None) -> list[LoanRow]:
    """One page of ``query_loans`` with each slip's tools, for lists that scroll through 50 000 loans."""
    today = today or dt.date.today()
    return _rows_for(list(query_loans(flt, today=today).offset(offset).limit(limit)), today)


# ---------------------------------------------------------------- overdue and reminder calls

@dataclass
class OverdueRow:
    loan: m.Loan
    tools: list[tuple[str, str]]
    days_overdue: int
    reminders: int
    last_reminder_at: dt.datetime | None
    last_outcome: str

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.loan.resident.phone) if self.loan.resident.phone else "无电话"


def overdue_rows(*, offset: int = 0, limit: int = 200, today: dt.date | None = None) -> list[OverdueRow]:
    """Overdue slips, longest overdue first, with the borrower, tools and reminder calls so far."""
    today = today or dt.date.today()
    loans = list(query_loans(LoanFilter(status=OVERDUE), today=today)
                 .order_by(m.Loan.due_date, m.Loan.id).offset(offset).limit(limit))
    rows = _rows_for(loans, today)
    calls: dict[int, tuple[int, dt.datetime | None]] = {}
    last_outcome: dict[int, str] = {}
    if loans:
        ids = [loan.id for loan in loans]
        for loan_id, n, last in (m.ReminderCall.select(m.ReminderCall.loan, fn.COUNT(m.ReminderCall.id),
                                                       fn.MAX(m.ReminderCall.id))
                                 .where(m.ReminderCall.loan.in_(ids)).group_by(m.ReminderCall.loan).tuples()):
            calls[loan_id] = (n, last)
        latest = {c.loan_id: c for c in m.ReminderCall.select().where(
            m.ReminderCall.id.in_([last for _n, last in calls.values()]))}
        for loan_id, call in latest.items():
            last_outcome[loan_id] = call.outcome
            calls[loan_id] = (calls[loan_id][0], call.at)
    return [OverdueRow(r.loan, r.tools, r.days_overdue, calls.get(r.loan.id, (0, None))[0],
                       calls.get(r.loan.id, (0, None))[1], last_outcome.get(r.loan.id, "")) for r in rows]


def count_overdue(*, today: dt.date | None = None) -> int:
    """Overdue slips now: the figure in the status bar and the statistics."""
    return query_loans(LoanFilter(status=OVERDUE), today=today).count()


def record_reminder(actor: m.Staff | None, slip_no: str, outcome: str, *,
                    at: dt.datetime | None = None) -> m.ReminderCall:
    """One reminder call (催还): when, who, and what the borrower said."""
    require(actor, CLERK)
    outcome = _text(outcome, "催还结果", 200, required=True)
    at = (at or m.now()).replace(microsecond=0)
    if at > m.now() + _CLOCK_SLACK:
        raise DomainError("催还时间不能晚于现在。")
    with write_transaction():
        loan = get_loan(slip_no)
        if at < loan.lent_at:
            raise DomainError(f"催还时间不能早于借出时间（{loan.lent_at:%Y-%m-%d %H:%M}）。")
        call = m.ReminderCall.create(loan=loan, at=at, staff=actor, outcome=outcome)
        audit.record(actor, "催还", "loan", loan.slip_no, after={"outcome": outcome, "at": at})
    return call


def reveal_phone(actor: m.Staff | None, slip_no: str) -> str:
    """The borrower's full phone number for a reminder call; looking it up is audited."""
    loan = get_loan(slip_no)
    return reveal_resident_phone(actor, loan.resident_id, why={"slip_no": loan.slip_no})
