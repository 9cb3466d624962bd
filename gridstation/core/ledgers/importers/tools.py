"""The tool ledger: kinds through ``tool_units.save_kind``, units through ``add_units`` (asset codes kept).

A row naming a kind already in the catalogue must agree with it (imports never edit the catalogue);
a unit already there under its asset code is skipped.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.importers.numbers import Numbering
from gridstation.core.ledgers.importers.rows import Importer, RowView, missing_column
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.money import parse_money, yuan
from gridstation.core.storage import models as m
from gridstation.core.toolbox import tool_units

# Generated codes skip any code in use (tool_units), so a kept code needs no counter to move.
CODES = Numbering("asset_code", "资产编号", "工具", lambda code: m.ToolUnit.get_or_none(m.ToolUnit.asset_code == code),
                  lambda _code: None)


@dataclass
class _ToolRow:
    row: int
    kind: str
    category: str
    asset_code: str
    loan_days: str
    deposit: object
    state: str
    purchase_date: dt.date | None
    notes: str
    has_days: bool  # the row's sheet has a 借用天数 column


class ToolImporter(Importer):
    def convert(self, row: RowView) -> _ToolRow | None:
        item = _ToolRow(row.number, row.text("kind"), row.text("category"), tool_units.normalise_code(row.text("asset_code")),
                        row.text("loan_days"), ledger_read.plain(row.raw("deposit")), row.text("state"),
                        row.date("purchase_date"), row.text("notes"), row.ledger.has_column("loan_days", row.number))
        row.check_required()
        return None if row.problems else item

    def write(self, items: list[_ToolRow]) -> None:
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda _i: {"name": "kind"})

    def _write(self, p: _ToolRow) -> None:
        actor = self.job.actor
        kind = m.ToolKind.get_or_none(m.ToolKind.name == " ".join(p.kind.split()))
        if kind is None:
            if not p.has_days:  # a new kind needs its loan days: the column is missing, not the value bad
                raise DomainError(missing_column(self.job.ledger.spec["loan_days"].header,
                                                 why=f"，新工具种类“{p.kind}”须填写借用天数"))
            kind = tool_units.save_kind(actor, tool_units.KindInput(name=p.kind, category=p.category, loan_days=p.loan_days,
                                                          deposit="" if p.deposit is None else p.deposit))
        else:
            _same_kind(kind, p)
        code = CODES.kept(p.asset_code, self.job.ledger.sheet.place(p.row), lambda held: held.kind_id == kind.id)
        unit = tool_units.add_units(actor, kind.id, codes=[code] if code else None,
                               purchase_date=p.purchase_date, notes=p.notes)[0]
        if p.state in (tool_units.ON_LOAN, tool_units.RESERVED):
            self.job.report.notes.append(
                f"{self.job.ledger.sheet.place(p.row)}：{unit.asset_code} 的状态“{p.state}”由借用台账或预约设置，现登记为{tool_units.AVAILABLE}。")
        elif p.state and p.state != tool_units.AVAILABLE:
            tool_units.set_unit_state(actor, unit.asset_code, p.state, "导入台账")
        self.job.report.created += 1


def _same_kind(kind: m.ToolKind, p: _ToolRow) -> None:
    """A row naming a kind already in the catalogue must not contradict it (the catalogue is not edited by imports)."""
    if p.category and p.category != kind.category:
        raise DomainError(f"类别“{p.category}”与工具清单中“{kind.name}”的类别“{kind.category}”不一致。", field="category")
    if p.loan_days and p.loan_days != str(kind.loan_days):
        raise DomainError(f"借用天数“{p.loan_days}”与工具清单中“{kind.name}”的 {kind.loan_days} 天不一致。",
                          field="loan_days")
    if p.deposit is not None:
        try:
            fen = parse_money(p.deposit, "押金")
        except DomainError as exc:
            raise DomainError(exc.message, field="deposit") from None
        if fen != kind.deposit_fen:
            raise DomainError(f"押金与工具清单中“{kind.name}”的押金 ¥{yuan(kind.deposit_fen)} 不一致。",
                              field="deposit")


