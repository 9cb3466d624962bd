"""The loans ledger export: one row per tool of a slip, the slip's deposit on its first row."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols, id_mask, pages_of, yuan_value
from gridstation.core.storage import models as m
from gridstation.core.toolbox import loan_lists


@dataclass(frozen=True)
class _LoanLine:
    """One tool of a slip; the slip's deposit is written on its first line only, so the column adds up."""

    item: m.LoanItem
    first: bool


# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号"


def columns(full: bool) -> list[Col]:
    show = id_mask(full)

    def once(fen: Callable[[m.Loan], int | None]) -> Callable[[_LoanLine], Decimal | None]:
        return lambda line: yuan_value(fen(line.item.loan)) if line.first else None

    return cols(ledger_columns.LOAN_COLUMNS, {
        "slip_no": lambda r: r.item.loan.slip_no, "asset_code": lambda r: r.item.unit.asset_code,
        "kind": lambda r: r.item.unit.kind.name, "doc_number": lambda r: show(r.item.loan.resident.doc_number),
        "name": lambda r: r.item.loan.resident.name, "lent_at": lambda r: r.item.loan.lent_at,
        "due_date": lambda r: r.item.loan.due_date, "returned_at": lambda r: r.item.returned_at,
        "condition": lambda r: r.item.return_condition, "deposit": once(lambda loan: loan.deposit_fen),
        "refunded": once(lambda loan: loan.deposit_refunded_fen),
    })


def records(source: Any, _full: bool) -> Iterator[_LoanLine]:
    """Every unit of the chosen loans, oldest loan first (the order an import lends them again)."""
    if source is None or isinstance(source, loan_lists.LoanFilter):
        source = loan_lists.query_loans(source or loan_lists.LoanFilter())
    for loans in pages_of(source, (m.Loan.lent_at, m.Loan.id)):
        previous = None
        for item in (m.LoanItem.select(m.LoanItem, m.Loan, m.Resident, m.ToolUnit, m.ToolKind)
                     .join(m.Loan).join(m.Resident).switch(m.LoanItem).join(m.ToolUnit).join(m.ToolKind)
                     .where(m.LoanItem.loan.in_([loan.id for loan in loans]))
                     .order_by(m.Loan.lent_at, m.Loan.id, m.LoanItem.id)):
            yield _LoanLine(item, item.loan_id != previous)
            previous = item.loan_id


