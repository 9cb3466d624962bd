"""The tool ledger export: one row per unit, with its kind's loan days and deposit."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from gridstation.core.ledgers import ledger_columns
from gridstation.core.ledgers.exporters.sheet import Col, cols, counted, yuan_value
from gridstation.core.storage import models as m

# What --full-id shows unmasked: nothing, the ledger holds no ID or phone number.
FULL_SHOWS = ""


def columns(_full: bool) -> list[Col]:
    return cols(ledger_columns.TOOL_COLUMNS, {
        "kind": lambda u: u.kind.name, "category": lambda u: u.kind.category, "asset_code": lambda u: u.asset_code,
        "loan_days": lambda u: u.kind.loan_days, "deposit": lambda u: yuan_value(u.kind.deposit_fen),
        "state": lambda u: u.state, "purchase_date": lambda u: u.purchase_date,
        "notes": lambda u: u.condition_notes,
    })


def records(source: Any, _full: bool) -> Iterable[m.ToolUnit]:
    if source is None:
        source = m.ToolUnit.select(m.ToolUnit, m.ToolKind).join(m.ToolKind).order_by(m.ToolUnit.id)
    return counted(source)
