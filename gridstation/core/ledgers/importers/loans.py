"""The loans ledger: the rows of one 借用单 lent again through ``lending.lend`` and returned through
``returns.return_unit``, in the order they were lent, so the borrowing rules apply as they did then.

A tool given back (归还日期 filled) is history: it comes in whatever its state today (维修, 遗失 — the
tools ledger's — or lent out again on a slip that began after it came back), which it keeps; only a
tool still out must be lendable now. ``lending.plan_loan`` owns that rule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.importers.numbers import Numbering
from gridstation.core.ledgers.importers.rows import AlreadyThere, Importer, RowView, resident_for
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.money import parse_money
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, returns, tool_units


@dataclass
class _LoanRow:
    row: int
    slip_no: str
    asset_code: str
    kind: str
    doc_number: str
    name: str
    lent_at: dt.datetime
    due_date: dt.date | None
    returned_at: dt.datetime | None
    condition: str
    deposit: object
    refunded: object


@dataclass
class _Slip:
    rows: list[_LoanRow]

    @property
    def numbers(self) -> list[int]:
        return [r.row for r in self.rows]


NUMBERS = Numbering("slip_no", "借用单号", "借用单", lambda slip_no: m.Loan.get_or_none(m.Loan.slip_no == slip_no),
                    tool_units.parse_slip_no)
SLIP_SHARED = (("doc_number", "身份证号"), ("name", "姓名"), ("lent_at", "借出日期"), ("due_date", "应还日期"))
# The slip's money: written on its first row by the export, repeated on every row by older files and some
# stations; the rows that fill it must agree, the blank ones take it.
SLIP_ONCE = (("deposit", "押金"), ("refunded", "已退押金"))


def _slip_problem(slip: _Slip) -> tuple[str, str] | None:
    """(column key, message) when the rows of one slip disagree; else None, the slip's money on its first row."""
    first = slip.rows[0]
    for attr, label in SLIP_SHARED:
        odd = [r for r in slip.rows if getattr(r, attr) != getattr(first, attr)]
        if odd:
            return attr, f"借用单 {first.slip_no} 各行的“{label}”不一致（见第{first.row}行和第{odd[0].row}行）。"
    for attr, label in SLIP_ONCE:
        filled = [r for r in slip.rows if getattr(r, attr) is not None]
        odd = [r for r in filled if getattr(r, attr) != getattr(filled[0], attr)]
        if odd:
            return attr, (f"借用单 {first.slip_no} 的“{label}”前后不一致（见第{filled[0].row}行和第{odd[0].row}行）："
                          "一张借用单只有一笔押金，填在第一行即可。")
        if filled:
            setattr(first, attr, getattr(filled[0], attr))
    return None


class LoanImporter(Importer):
    def convert(self, row: RowView) -> _LoanRow | None:
        item = _LoanRow(row.number, tool_units.normalise_code(row.text("slip_no")), tool_units.normalise_code(row.text("asset_code")),
                        row.text("kind"), row.id_number("doc_number"), row.text("name"), row.moment("lent_at"),
                        row.date("due_date"), row.moment("returned_at"), row.text("condition"),
                        ledger_read.plain(row.raw("deposit")), ledger_read.plain(row.raw("refunded")))
        row.check_required()
        if problem := NUMBERS.too_long(item.slip_no):
            row.fail("slip_no", problem)
        if item.condition and item.returned_at is None:
            row.fail("returned_at", "填写了归还状况，但没有归还日期。")
        return None if row.problems else item

    def group(self, items: list[_LoanRow]) -> list[_Slip]:
        """Rows of one 借用单 become one loan, lent in date order so the borrowing rules apply as they did then."""
        slips: dict[str, _Slip] = {}
        for item in items:
            slips.setdefault(item.slip_no or f"#{item.row}", _Slip([])).rows.append(item)
        out = []
        for slip in slips.values():
            problem = _slip_problem(slip)
            if problem:
                self.job.fail(slip.numbers, *problem)
            else:
                out.append(slip)
        return sorted(out, key=lambda s: s.rows[0].lent_at)

    def write(self, items: list[_Slip]) -> None:
        self.job.each_in_savepoint(items, self._write, lambda s: s.numbers,
                                   lambda _s: {"asset_code": "asset_code", "resident": "doc_number"})

    def _write(self, slip: _Slip) -> None:
        actor = self.job.actor
        first = slip.rows[0]
        place = self.job.ledger.sheet.place(first.row)
        resident = resident_for(first.doc_number, first.name)
        if _lent_before(resident, first.lent_at, [r.asset_code for r in slip.rows]):
            raise AlreadyThere(f"{place}：借用单 {first.slip_no} 已在系统中（同一借用人、借出时间和工具），跳过。")
        kept = NUMBERS.kept(first.slip_no, place)
        for r in slip.rows:
            if r.kind and tool_units.get_unit(r.asset_code).kind.name != r.kind:
                raise DomainError(f"资产编号 {r.asset_code} 是“{tool_units.get_unit(r.asset_code).kind.name}”，不是“{r.kind}”。",
                                  field="kind")
        back = sorted((r for r in slip.rows if r.returned_at is not None), key=lambda r: r.returned_at)
        try:
            loan = lending.lend(actor, resident.id, [r.asset_code for r in slip.rows], due_date=first.due_date,
                                deposit=first.deposit, lent_at=first.lent_at, slip_no=kept,
                                returned={r.asset_code: r.returned_at for r in back})
        except tool_units.UnitNotAvailable as exc:  # only a tool still out (no 归还日期) is lent as of today
            raise tool_units.UnitNotAvailable(
                f"借用单 {first.slip_no or '（无单号）'} 还有工具未归还（没有归还日期），要按现在借出办理：{exc.message}"
                "已归还的借用单不受工具现在状态的限制。", field="asset_code") from None
        if first.refunded is not None and not back and parse_money(first.refunded, "已退押金"):
            raise DomainError("工具都未归还，不应有已退押金。", field="refunded")
        for i, r in enumerate(back):
            refund = None if first.refunded is None else (first.refunded if i == len(back) - 1 else 0)
            returns.return_unit(actor, r.asset_code, r.condition or tool_units.GOOD, deposit_refund=refund,
                                returned_at=r.returned_at, slip_no=loan.slip_no)
        self.job.report.created += 1


def _lent_before(resident: m.Resident, lent_at: dt.datetime, codes: list[str]) -> bool:
    """A slip already taken in: the same borrower, at the same moment, the same tools (a ledger's slips may
    have no number, or a number another slip here holds, so the number alone cannot tell)."""
    for loan in m.Loan.select().where((m.Loan.resident == resident) & (m.Loan.lent_at == lent_at)):
        lent = (m.LoanItem.select(m.ToolUnit.asset_code).join(m.ToolUnit).where(m.LoanItem.loan == loan).tuples())
        if sorted(code for (code,) in lent) == sorted(codes):
            return True
    return False


