"""Stock-take (盘点): compare the units scanned on the shelf with what the records say.

One classification decides what a scanned code means, so the counter's live feedback while
scanning and the saved result always agree.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.rules.free_text import has_controls, shown
from gridstation.core.station import audit
from gridstation.core.station.roles import CLERK, require
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction
from gridstation.core.toolbox.tool_units import AVAILABLE, ON_LOAN, RESERVED, is_station_code, normalise_code

# Units that should be on the shelf when staff count it.
SHELF_STATES = (AVAILABLE, RESERVED)
MATCHED, ON_LOAN_FOUND, OTHER_STATE, UNKNOWN, FOREIGN, MISSING = (
    "matched", "on_loan", "other_state", "unknown", "foreign", "missing")
LABELS = {
    MATCHED: "在架",
    ON_LOAN_FOUND: "扫到但记录为借出",
    OTHER_STATE: "扫到但记录为维修/遗失/报废",
    UNKNOWN: "未登记的编号",
    FOREIGN: "非本站编号格式",
    MISSING: "应在架但未扫到",
}


def classify(code: str, unit: m.ToolUnit | None) -> str:
    """What one scanned code means: on the shelf as expected, or which discrepancy it is."""
    if unit is None:
        return UNKNOWN if is_station_code(code) else FOREIGN
    if unit.state in SHELF_STATES:
        return MATCHED
    if unit.state == ON_LOAN:
        return ON_LOAN_FOUND
    return OTHER_STATE


def scan_category(code: str) -> tuple[str, m.ToolUnit | None]:
    """Live feedback for one scan: its category and the unit it names (if any)."""
    code = normalise_code(code)
    unit = m.ToolUnit.get_or_none(m.ToolUnit.asset_code == code)
    return classify(code, unit), unit


@dataclass
class StockTakeResult:
    id: int
    at: dt.datetime
    scanned: int
    matched: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    on_loan: list[str] = field(default_factory=list)
    other_state: list[str] = field(default_factory=list)  # "GJ-0003（遗失）"
    unknown: list[str] = field(default_factory=list)
    foreign: list[str] = field(default_factory=list)
    staff_name: str = ""  # who counted; kept on the row itself (StockTake.staff), not in the JSON

    @property
    def clean(self) -> bool:
        return not (self.missing or self.on_loan or self.other_state or self.unknown or self.foreign)


def check_scan_list(name: str, scanned: Iterable[str]) -> None:
    """A file handed in as a scanner's list must name at least one asset code of this station (in its
    format, or a unit registered here): any other text file — a letter, a password file — is no stock-take."""
    codes = {c for c in (normalise_code(x) for x in scanned) if c}
    if not codes or any(is_station_code(c) for c in codes):
        return
    if not codes.isdisjoint(c for (c,) in m.ToolUnit.select(m.ToolUnit.asset_code).tuples()):
        return
    raise DomainError(f"文件 {shown(name)} 中没有本站的资产编号（如 GJ-0001），不像扫描枪导出的编号清单，盘点未保存。")


def stock_take(actor: m.Staff | None, scanned: Iterable[str]) -> StockTakeResult:
    """Compare ``scanned`` codes with the records and save the result; nothing else is changed.

    Fixing a discrepancy (a unit found that was recorded lost) is a separate, deliberate act on
    the unit, so a mis-scan can never change a unit's state.
    """
    require(actor, CLERK)
    scanned = list(scanned)
    for raw in scanned:  # a scanned file is an import: the one free-text rule, nothing saved when it fails
        if has_controls(raw.strip()):
            raise DomainError(f"扫描的编号“{shown(raw.strip())}”含有控制字符（看不见的特殊字符），盘点未保存；"
                              "请删除后重新扫描。")
    codes = list(dict.fromkeys(c for c in (normalise_code(x) for x in scanned) if c))
    if not codes:
        raise DomainError("还没有扫描任何资产编号。")
    with write_transaction():
        units = {u.asset_code: u for u in m.ToolUnit.select(m.ToolUnit.asset_code, m.ToolUnit.state)}
        result = StockTakeResult(0, clock.now(), len(codes), staff_name=actor.display_name if actor else "")
        buckets = {MATCHED: result.matched, ON_LOAN_FOUND: result.on_loan, OTHER_STATE: result.other_state,
                   UNKNOWN: result.unknown, FOREIGN: result.foreign}
        for code in codes:
            category = classify(code, units.get(code))
            buckets[category].append(f"{code}（{units[code].state}）" if category == OTHER_STATE else code)
        seen = set(codes)
        result.missing = sorted(c for c, u in units.items() if u.state in SHELF_STATES and c not in seen)
        payload = {k: v for k, v in asdict(result).items() if k not in ("id", "at", "staff_name")}
        row = m.StockTake.create(at=result.at, staff=actor, result=json.dumps(payload, ensure_ascii=False))
        result.id = row.id
        audit.record(actor, "盘点", "stock_take", row.id, after={k: len(v) if isinstance(v, list) else v
                                                              for k, v in payload.items()})
    return result


def get_stock_take(stock_take_id: int) -> StockTakeResult:
    """A saved stock-take, for printing or looking back."""
    row = m.row_or_none(m.StockTake, stock_take_id)
    if row is None:
        raise NotFound(f"找不到编号为 {stock_take_id} 的盘点记录。")
    return StockTakeResult(row.id, row.at, **json.loads(row.result),
                           staff_name=row.staff.display_name if row.staff_id else "")


def stock_take_rows(*, offset: int = 0, limit: int = 50) -> list[m.StockTake]:
    return list(m.StockTake.select().order_by(m.StockTake.at.desc(), m.StockTake.id.desc()).offset(offset).limit(limit))
