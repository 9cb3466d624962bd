"""Lending: the borrower's standing, planning and recording a loan (借用单), its items, renewals."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from gridstation.core.intake.residents import get_resident
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound, PermissionDenied
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.toolbox.reservations import check_reservations
from gridstation.core.toolbox.tool_units import (
    AVAILABLE,
    CLOCK_SLACK,
    EARLIEST_LOAN,
    LOST,
    MAX_LOAN_DAYS,
    ON_LOAN,
    REPAIR,
    RES_ACTIVE,
    RES_COLLECTED,
    RESERVED,
    BorrowerOverdue,
    OverLimit,
    UnitNotAvailable,
    default_due_date,
    kind_by_name,
    next_slip_no,
    normalise_code,
    open_item_condition,
    overdue_condition,
    parts_of,
    unknown_code_message,
)


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
    on = on or clock.today()
    base = m.LoanItem.select().join(m.Loan).where((m.Loan.resident == resident_id) & open_item_condition())
    overdue = (m.Loan.select(m.Loan.slip_no).join(m.LoanItem)
               .where((m.Loan.resident == resident_id) & overdue_condition(on))
               .distinct().order_by(m.Loan.slip_no))
    return BorrowerStatus(base.count(), int(settings.get("loan_limit_units")), [r.slip_no for r in overdue])


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


def _open_item(unit: m.ToolUnit) -> m.LoanItem | None:
    """The unit's loan still out, with its slip."""
    return (m.LoanItem.select(m.LoanItem, m.Loan).join(m.Loan)
            .where((m.LoanItem.unit == unit) & open_item_condition()).first())


def _unit_refusal(unit: m.ToolUnit) -> DomainError:
    code, name = unit.asset_code, unit.kind.name
    if unit.state == ON_LOAN:
        item = _open_item(unit)
        where = f"，借用单 {item.loan.slip_no}，应还日期 {item.loan.due_date}" if item else ""
        return UnitNotAvailable(f"资产编号 {code}（{name}）已借出{where}。请先办理归还。")
    if unit.state == LOST:
        return UnitNotAvailable(f"资产编号 {code}（{name}）已登记遗失，不能借出。若已找回，请先在“工具”页改为在库。")
    if unit.state == REPAIR:
        return UnitNotAvailable(f"资产编号 {code}（{name}）正在维修，不能借出。")
    if unit.state == RESERVED:
        return UnitNotAvailable(f"资产编号 {code}（{name}）已为预约保留，不能借出。")
    return UnitNotAvailable(f"资产编号 {code}（{name}）当前状态为“{unit.state}”，不能借出。")


def _history_refusal(unit: m.ToolUnit, lent: dt.datetime, back: dt.datetime) -> DomainError | None:
    """A past loan (``lent`` to ``back``) of a unit is refused only when the unit's loan still out began
    before it came back: one unit is on one loan at a time. Whatever else became of it is later history."""
    item = _open_item(unit) if unit.state == ON_LOAN else None
    if item is None or back <= item.loan.lent_at:
        return None
    return DomainError(
        f"资产编号 {unit.asset_code}（{unit.kind.name}）在借用单 {item.loan.slip_no} 上自 "
        f"{item.loan.lent_at:%Y-%m-%d %H:%M} 借出未还，与本单 {lent:%Y-%m-%d} 至 {back:%Y-%m-%d %H:%M} "
        "的借用时间重叠。请核对借出日期和归还日期。", field="asset_code")


def plan_loan(actor: m.Staff | None, resident_id: int | None, asset_codes: Sequence[str], *,
              due_date: dt.date | None = None, deposit: str | Decimal | None = None,
              parts: dict[str, Sequence[str]] | None = None, override_reason: str = "",
              lent_at: dt.datetime | None = None, today: dt.date | None = None,
              returned: Mapping[str, dt.datetime] | None = None) -> LendPlan:
    """Check a loan against every rule and return what would be stored; raises the first refusal.

    ``resident_id`` may be None while the borrower is not chosen yet: then only the units are
    checked. ``deposit`` is yuan as typed (None: the kinds' deposits added up); ``parts`` maps an
    asset code to the parts handed out (missing: all the kind's parts).

    ``returned`` gives the units of a past loan (``lent_at``) that came back, with when, as a ledger
    brought in says: that is history, so what became of a unit since (维修, 遗失, 报废, its kind withdrawn,
    lent out again today) does not refuse it, only a loan still out that began before it came back
    (``_history_refusal``); and a loan wholly returned is not measured against the borrower's standing
    or the reservations of today.
    """
    today = today or clock.today()
    codes = [normalise_code(c) for c in asset_codes]
    if not codes or not all(codes):
        raise DomainError("请扫描或输入要借出的资产编号。", field="asset_code")
    repeated = [c for c, n in Counter(codes).items() if n > 1]
    if repeated:
        raise DomainError(f"资产编号 {repeated[0]} 已在本次借出清单中。", field="asset_code")
    found = {u.asset_code: u for u in m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind)
             .where(m.ToolUnit.asset_code.in_(codes))}
    units = []
    past = {normalise_code(c): at for c, at in (returned or {}).items()}
    lent = (lent_at or clock.now()).replace(microsecond=0)
    for code in codes:
        unit = found.get(code)
        if unit is None:
            raise NotFound(unknown_code_message(code), field="asset_code")
        if code in past:
            if refusal := _history_refusal(unit, lent, past[code]):
                raise refusal
            units.append(unit)
            continue
        if not unit.kind.active:
            raise UnitNotAvailable(f"“{unit.kind.name}”已停用，不能借出。", field="asset_code")
        if unit.state != AVAILABLE:
            raise _unit_refusal(unit)
        units.append(unit)
    history = set(past).issuperset(codes)
    if lent > clock.now() + CLOCK_SLACK:
        raise DomainError("借出时间不能晚于现在。", field="lent_at")
    if lent < EARLIEST_LOAN:
        raise DomainError(f"借出时间不能早于{EARLIEST_LOAN.year}年，请核对。", field="lent_at")
    lent_day = lent.date()
    resident = get_resident(resident_id) if resident_id is not None else None
    reason = clean_text(override_reason, "特批理由", 500)
    used_reason = ""
    if resident is not None and not history:
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
    if not history:
        check_reservations({kinds[k]: n for k, n in needed.items()}, max(lent_day, today), due,
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
         lent_at: dt.datetime | None = None, notes: str = "", slip_no: str = "",
         returned: Mapping[str, dt.datetime] | None = None) -> m.Loan:
    """Lend units to a resident on one 借用单; ``lent_at`` enters a paper loan with its real time,
    ``slip_no`` a ledger's own 借用单号 (kept on import when free; "" for the next number), ``returned``
    the units of that past loan already given back (see ``plan_loan``): they keep their state of today,
    and ``returns.return_unit`` then records their return.

    The rules are checked again inside the transaction, and each unit moves 在库 → 借出 with a
    conditional update, so two windows scanning the same unit cannot both lend it.
    """
    require(actor, CLERK)
    if resident_id is None:
        raise DomainError("请先查找并选择借用的居民。", field="resident")
    notes = clean_text(notes, "备注", 500)
    with write_transaction():
        plan = plan_loan(actor, resident_id, asset_codes, due_date=due_date, deposit=deposit, parts=parts,
                         override_reason=override_reason, lent_at=lent_at, returned=returned)
        loan = m.Loan.create(
            slip_no=slip_no or next_slip_no(plan.lent_at.date()), resident=plan.resident, staff=actor, lent_at=plan.lent_at,
            due_date=plan.due_date, deposit_fen=plan.deposit_fen, override_reason=plan.override_reason,
            notes=notes, entered_later=lent_at is not None)
        past = {normalise_code(c) for c in returned or {}}
        for p in plan.units:
            changed = 1 if p.unit.asset_code in past else m.ToolUnit.update(state=ON_LOAN).where(
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


def renew(actor: m.Staff | None, slip_no: str, *, due_date: dt.date | None = None,
          today: dt.date | None = None) -> m.Loan:
    """Extend a slip's due date (续借), at most ``loan_max_renewals`` times, never over a reservation."""
    require(actor, CLERK)
    today = today or clock.today()
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
        check_reservations({kinds[k]: n for k, n in needed.items()}, max(old_due, today) + dt.timedelta(days=1),
                            new_due, loan.resident_id, today)
        changed = m.Loan.update(due_date=new_due, renewals=m.Loan.renewals + 1).where(
            (m.Loan.id == loan.id) & (m.Loan.renewals == loan.renewals)).execute()
        if changed != 1:
            raise DomainError(f"借用单 {loan.slip_no} 刚被其他窗口续借，请刷新后重试。")
        audit.record(actor, "续借", "loan", loan.slip_no, before={"due_date": old_due},
                     after={"due_date": new_due, "renewals": loan.renewals + 1})
    return get_loan(loan.slip_no)
