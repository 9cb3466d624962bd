"""Returns: the unit's condition, where it goes next, the refund of the deposit."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.toolbox.lending import item_parts
from gridstation.core.toolbox.tool_units import (
    CLOCK_SLACK,
    CONDITIONS,
    GOOD,
    MISSING_PARTS,
    ON_LOAN,
    STATE_AFTER_RETURN,
    NotOnLoan,
    get_unit,
    open_item_condition,
)


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


def open_item(code: str, *, today: dt.date | None = None, slip_no: str = "") -> OpenItem:
    """The open loan of a scanned unit; NotFound for an unknown code, NotOnLoan if it is not out.

    ``slip_no`` names the slip when the unit is on two for a moment: a ledger's past loan, being
    entered, of a unit lent out again today.
    """
    today = today or clock.today()
    unit = get_unit(code)
    condition = (m.LoanItem.unit == unit) & open_item_condition()
    if slip_no:
        condition &= m.Loan.slip_no == slip_no
    item = (m.LoanItem.select(m.LoanItem, m.Loan, m.Resident).join(m.Loan).join(m.Resident)
            .where(condition).first())
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
                returned_at: dt.datetime | None = None, slip_no: str = "") -> m.LoanItem:
    """Take a unit back: record its condition and parts, refund deposit, move the unit on.

    A damaged or incomplete unit goes to 维修, a lost one to 遗失, a good one back to 在库.
    ``deposit_refund`` is yuan as typed (None: the suggested refund). A unit of a past loan brought in
    from a ledger (lent with ``returned``, so never 借出 by it; ``slip_no`` names that loan) keeps its
    state and notes of today: its return is history, also when the unit is out again on today's slip.
    """
    require(actor, CLERK)
    if condition not in CONDITIONS:
        raise DomainError(f"归还情况只能是：{'、'.join(CONDITIONS)}。", field="condition")
    notes = clean_text(notes, "归还说明", 500)
    with write_transaction():
        info = open_item(asset_code, slip_no=slip_no)
        at = (returned_at or clock.now()).replace(microsecond=0)
        if at > clock.now() + CLOCK_SLACK:
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
        out_again = m.LoanItem.select().where((m.LoanItem.unit == info.unit) & (m.LoanItem.id != info.item.id)
                                              & open_item_condition()).exists()
        if info.unit.state == ON_LOAN and not out_again:
            m.ToolUnit.update(**unit_changes).where(m.ToolUnit.id == info.unit.id).execute()
        m.UnitEvent.create(unit=info.unit, at=at, staff=actor, from_state=ON_LOAN, to_state=new_state,
                           note="；".join(x for x in (f"归还（{condition}），借用单 {info.loan.slip_no}", notes) if x))
        if refund:
            m.Loan.update(deposit_refunded_fen=m.Loan.deposit_refunded_fen + refund).where(
                m.Loan.id == info.loan.id).execute()
        kept = None if not info.is_last else info.deposit_remaining_fen - refund
        audit.record(actor, "归还", "loan", info.loan.slip_no, after={
            "unit": info.unit.asset_code, "condition": condition, "notes": notes, "missing_parts": missing,
            "deposit_refund": yuan(refund), "deposit_kept": yuan(kept) if kept is not None else ""})
    return m.LoanItem.get_by_id(info.item.id)
