"""One rule for the numbers a ledger carries (受理编号, 事件编号, 借用单号): the ledger's own number is kept.

A number is what people outside the system hold: the resident's receipt, the borrower's slip, the
事件编号 on the district's sheets and in the station's old files. Renumbering would make each of
them point at nothing, so a row's number is kept whenever no other record has it, and when it is in
the station's own format the station's counter moves past it, so the counter never hands it out
again. The same number on the same record means the row was imported before (skipped); on a
different record (two stations' ledgers merged) the row is numbered as at the counter and the report
names the old and the new number. A row without a number is numbered as at the counter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridstation.core.ledgers.importers.rows import AlreadyThere
from gridstation.core.storage import models as m

LONGEST = 32  # every stored number's column (Intake.serial, GridEvent.number, Loan.slip_no)


@dataclass(frozen=True)
class Numbering:
    """How one kind of record is numbered."""

    label: str  # the column, e.g. 受理编号
    record: str  # what holds it, e.g. 受理
    holder: Callable[[str], Any]  # the stored record with this number, or None
    parse: Callable[[str], tuple[str, int] | None]  # (counter scope, sequence) of the station's own format

    def too_long(self, number: str) -> str:
        """The refusal of a number no record can hold, "" when it fits."""
        return f"{self.label}过长（最多{LONGEST}位）。" if len(number) > LONGEST else ""

    def kept(self, number: str, same: Callable[[Any], bool], place: str) -> str:
        """``number`` when it is kept (the counter moved past it), "" when the counter must give one;
        AlreadyThere when the record holding it is this row's own (``same``)."""
        if not number:
            return ""
        holder = self.holder(number)
        if holder is None:
            _reserve(self.parse(number))
            return number
        if same(holder):
            raise AlreadyThere(f"{place}：{self.label} {number} 已在系统中，跳过。")
        return ""

    def renumbered(self, place: str, old: str, new: str) -> str:
        """The report's line when a row's number was taken by another record; "" when it was kept."""
        if not old or old == new:
            return ""
        return f"{place}：{self.label} {old} 已被其他{self.record}使用，已重新编号为 {new}。"


def _reserve(parsed: tuple[str, int] | None) -> None:
    """Keep the station's counter past a kept number of its own format, so a later record never takes it."""
    if parsed is None:
        return
    scope, seq = parsed
    counter = m.SerialCounter.get_or_none(m.SerialCounter.scope == scope)
    if counter is None:
        m.SerialCounter.create(scope=scope, last=seq)
    elif counter.last < seq:
        m.SerialCounter.update(last=seq).where(m.SerialCounter.scope == scope).execute()
