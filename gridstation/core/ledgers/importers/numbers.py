"""One rule for the numbers a ledger carries (受理编号, 事件编号, 借用单号, 资产编号): the ledger's own is kept.

A number is what people and other files outside the system hold: the resident's receipt, the
borrower's slip, the label on a tool, the 事件编号 on the district's sheets, the asset codes of a
loans ledger. A new number would leave each of them pointing at nothing, so an import never changes a
number: it is kept when no record has it (and when it is in the station's own format the counter
moves past it, so the counter never hands it out again); the same number on the same record means
the row was imported before (skipped); a number another record holds refuses the row, naming both,
for the user to check (two stations' ledgers merged: clear the cell and the row is numbered as at
the counter). A row without a number is numbered as at the counter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from gridstation.core.ledgers.importers.rows import AlreadyThere
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m

LONGEST = 32  # every stored number's column (Intake.serial, GridEvent.number, Loan.slip_no, ToolUnit.asset_code)


@dataclass(frozen=True)
class Numbering:
    """How one kind of record is numbered."""

    key: str  # the ledger column's key, e.g. serial
    label: str  # its header, e.g. 受理编号
    record: str  # what holds it, e.g. 受理
    holder: Callable[[str], Any]  # the stored record with this number, or None
    parse: Callable[[str], tuple[str, int] | None]  # (counter scope, sequence) of the station's own format

    def too_long(self, number: str) -> str:
        """The refusal of a number no record can hold, "" when it fits."""
        return f"{self.label}过长（最多{LONGEST}位）。" if len(number) > LONGEST else ""

    def kept(self, number: str, place: str, same: Callable[[Any], bool] | None = None) -> str:
        """``number`` when it is kept (the counter moved past it), "" when the counter must give one;
        AlreadyThere when the record holding it is this row's own (``same``; a kind that recognises a
        row taken in before by its content does so before asking), DomainError when it is another's."""
        if not number:
            return ""
        holder = self.holder(number)
        if holder is None:
            _reserve(self.parse(number))
            return number
        if same is not None and same(holder):
            raise AlreadyThere(f"{place}：{self.label} {number} 已在系统中，跳过。")
        raise DomainError(f"{self.label} {number} 已是系统中另一{self.record}的编号，导入不会改动编号。请核对；"
                          f"如确是另一{self.record}，清空此格即按本站规则自动编号。", field=self.key)


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
