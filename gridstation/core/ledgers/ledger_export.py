"""Exports to Excel: the seven ledgers (in the import columns, so an export imports back), the 好差评
ledger, the overdue tool list and the pension roster.

Each export is one module of ``exporters`` (its columns and its records); ``exporters.sheet`` writes
the sheet. ID numbers and phone numbers are masked (110101********1234, 138****5678) unless the
station head asks for the full numbers (``full_id``), in every export that holds them. Either way
the export is recorded in the audit log once the file is complete.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from pathlib import Path
from typing import Any

import peewee

from gridstation.core.ledgers.exporters import (
    events,
    gridpeople,
    grids,
    intakes,
    loans,
    overdue,
    ratings,
    residents,
    roster,
    tools,
)
from gridstation.core.ledgers.exporters.sheet import Cancelled, Counted, ExportCancelled, Progress, write_sheet
from gridstation.core.ledgers.ledger_columns import EVENTS, GRID_PEOPLE, GRIDS, INTAKES, LOANS, RESIDENTS, TOOLS
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction
from gridstation.core.storage.output_files import staged

# What the command line, the lists' export buttons and the audit wording use.
__all__ = ["EXPORTS", "EXPORT_KINDS", "EXPORT_NAMES", "ExportCancelled", "export_rows"]

OVERDUE, ROSTER, RATINGS = "overdue", "roster", "ratings"
EXPORT_KINDS = (RESIDENTS, INTAKES, TOOLS, LOANS, OVERDUE, ROSTER, EVENTS, RATINGS, GRIDS, GRID_PEOPLE)
EXPORT_NAMES = {RESIDENTS: "居民台账", INTAKES: "受理台账", TOOLS: "工具台账", LOANS: "借用台账",
                OVERDUE: "逾期未还工具", ROSTER: "养老金领取人员认证名单", EVENTS: "网格事件台账",
                RATINGS: "好差评台账", GRIDS: "网格划分表", GRID_PEOPLE: "网格力量花名册"}
# kind -> the module that says what it holds: columns(full_id), records(what to export, full_id)
EXPORTS = {RESIDENTS: residents, INTAKES: intakes, TOOLS: tools, LOANS: loans, OVERDUE: overdue,
           ROSTER: roster, EVENTS: events, RATINGS: ratings, GRIDS: grids, GRID_PEOPLE: gridpeople}


def export_rows(kind: str, rows_or_filter: Any, out: Path | str, full_id: bool = False, *,
                actor: m.Staff | None, progress: Progress | None = None,
                cancelled: Cancelled | None = None) -> int:
    """Write ``kind`` to ``out`` (.xlsx) and record the export; returns the number of rows.

    ``rows_or_filter`` is what a list on screen shows: the records themselves (a list or a query),
    the list's filter (``IntakeFilter``, ``LoanFilter``), the roster's year, or None for everything.
    Full ID numbers (and the full phones of the overdue list and the roster) need the station head
    (站长) or an administrator. ``progress``/``cancelled`` let a background worker report and stop
    the export (see ``write_sheet``); a cancelled export writes no file and no audit entry.
    """
    if kind not in EXPORTS:
        raise DomainError(f"不能导出“{kind}”，可导出：{'、'.join(EXPORT_KINDS)}。")
    export = EXPORTS[kind]
    full_id = full_id and bool(export.FULL_SHOWS)  # a ledger without ID or phone numbers has nothing to unmask
    require(actor, HEAD if full_id else CLERK)
    path = Path(out)
    if path.suffix.lower() != ".xlsx":
        raise DomainError(f"导出文件应以 .xlsx 结尾：{path.name}。")
    records = export.records(rows_or_filter, full_id)
    total = records.total if isinstance(records, Counted) else len(records) if isinstance(records, list) else None
    with staged(path) as partial:  # the file exists only if its audit entry does
        count = write_sheet(partial, EXPORT_NAMES[kind], export.columns(full_id), records, total=total,
                            progress=progress, cancelled=cancelled)
        with write_transaction():
            audit.record(actor, "导出完整证件号" if full_id else "导出", kind, path.name,
                         after={"rows": count, "full_id": full_id, "filter": _describe(rows_or_filter)})
    return count


def _describe(source: Any) -> object:
    """What was exported, for the audit log: the filter's values, the year, or the number of rows picked."""
    if source is None or isinstance(source, int):
        return source
    if is_dataclass(source) and not isinstance(source, type):
        return {k: v for k, v in asdict(source).items() if v not in (None, "")}
    if isinstance(source, peewee.ModelSelect):
        return "查询"
    return f"所选 {len(source)} 条" if hasattr(source, "__len__") else "所选记录"
