"""The lists of loans and the overdue follow-up: filters, rows, reminder calls, revealing a phone."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass

import peewee
from peewee import fn

from gridstation.core.intake.residents import reveal_phone as reveal_resident_phone
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.rules.idcard import mask_phone
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.toolbox.lending import get_loan
from gridstation.core.toolbox.tool_units import CLOCK_SLACK, normalise_code, open_loan_ids

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
    today = today or clock.today()
    query = m.Loan.select(m.Loan, m.Resident).join(m.Resident)
    if flt.resident_id is not None:
        query = query.where(m.Loan.resident == flt.resident_id)
    if flt.asset_code:
        with_unit = (m.LoanItem.select(m.LoanItem.loan).join(m.ToolUnit)
                     .where(m.ToolUnit.asset_code == normalise_code(flt.asset_code)))
        query = query.where(m.Loan.id.in_(with_unit))
    if flt.status == OPEN:
        query = query.where(m.Loan.id.in_(open_loan_ids()))
    elif flt.status == CLOSED:
        query = query.where(m.Loan.id.not_in(open_loan_ids()))
    elif flt.status == OVERDUE:
        query = query.where(m.Loan.id.in_(open_loan_ids()) & (m.Loan.due_date < today))
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
    today = today or clock.today()
    return _rows_for(list(query_loans(flt, today=today).offset(offset).limit(limit)), today)


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
    today = today or clock.today()
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
    outcome = clean_text(outcome, "催还结果", 200, required=True)
    at = (at or clock.now()).replace(microsecond=0)
    if at > clock.now() + CLOCK_SLACK:
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
