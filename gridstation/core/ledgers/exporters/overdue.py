"""The overdue tools list (逾期未还工具): each overdue slip with the units still out, for chasing them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from gridstation.core.ledgers.exporters.sheet import PAGE, Col, id_mask, phone_mask
from gridstation.core.ledgers.ledger_columns import DATE, ID_NUMBER, MOMENT, PHONE
from gridstation.core.storage import models as m
from gridstation.core.toolbox import loan_lists, tool_units

# What --full-id (站长) shows unmasked.
FULL_SHOWS = "身份证号和电话号码"


def columns(full: bool) -> list[Col]:
    show, phone = id_mask(full), phone_mask(full)
    return [
        Col("借用单号", lambda r: r.row.loan.slip_no, width=16), Col("姓名", lambda r: r.row.loan.resident.name, width=10),
        Col("身份证号", lambda r: show(r.row.loan.resident.doc_number), ID_NUMBER, 22),
        Col("联系电话", lambda r: phone(r.row.loan.resident.phone), PHONE, 15),
        Col("未还工具", lambda r: "、".join(f"{kind}（{code}）" for kind, code in r.out), width=30),
        Col("借出日期", lambda r: r.row.loan.lent_at, MOMENT, 17), Col("应还日期", lambda r: r.row.loan.due_date, DATE, 12),
        Col("逾期天数", lambda r: r.row.days_overdue, width=9), Col("催还次数", lambda r: r.row.reminders, width=9),
        Col("最近催还", lambda r: r.row.last_reminder_at, MOMENT, 17),
        Col("催还结果", lambda r: r.row.last_outcome, width=20),
    ]


@dataclass
class _OverdueRecord:
    row: loan_lists.OverdueRow
    out: list[tuple[str, str]]  # (kind, asset code) of the units not yet back


def records(source: Any, _full: bool) -> Iterator[_OverdueRecord]:
    """Overdue slips with the units still out (a slip's returned units are not chased)."""
    if source is not None:
        pages: Iterable[list[loan_lists.OverdueRow]] = [list(source)]
    else:
        pages = _overdue_pages()
    for page in pages:
        out: dict[int, list[tuple[str, str]]] = {}
        for loan_id, kind, code in (m.LoanItem.select(m.LoanItem.loan, m.ToolKind.name, m.ToolUnit.asset_code)
                                    .join(m.ToolUnit).join(m.ToolKind)
                                    .where(m.LoanItem.loan.in_([r.loan.id for r in page]) & tool_units.open_item_condition())
                                    .order_by(m.LoanItem.id).tuples()):
            out.setdefault(loan_id, []).append((kind, code))
        yield from (_OverdueRecord(r, out.get(r.loan.id, [])) for r in page)


def _overdue_pages() -> Iterator[list[loan_lists.OverdueRow]]:
    offset = 0
    while True:
        page = loan_lists.overdue_rows(offset=offset, limit=PAGE)
        if page:
            yield page
        if len(page) < PAGE:
            return
        offset += PAGE
