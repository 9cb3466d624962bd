"""盘点结果: the signed record of a stock-take, kept with the station's asset papers.

It lists every discrepancy by asset code and kind so whoever checks it (复核人) can walk the
shelf with the sheet in hand. Like the loan slip it renders from plain ``StockTakeSheet`` data,
so ``selftest`` can print a sample on a site that has never counted its tools.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.core.toolbox import tool_stocktake as stock
from gridstation.reports.blocks import (
    StationInfo,
    grid_table,
    header,
    key_values,
    label_width,
    section,
    signature_lines,
)
from gridstation.reports.cn_dates import cn_datetime
from gridstation.reports.pdf_build import build_pdf
from gridstation.reports.styles import Styles, styles, text

TITLE = "工具盘点结果"
SIGNATURES = ("盘点人：", "复核人：")
_OTHER_STATE = re.compile(r"(.+)（(.+)）")  # how tool_stocktake stores a unit in another state: GJ-0003（遗失）


@dataclass(frozen=True)
class StockLine:
    code: str
    kind: str
    recorded: str  # what the records say about the code, in words


@dataclass(frozen=True)
class StockTakeSheet:
    """What a stock-take sheet shows: the counts and one list per kind of discrepancy."""

    station: StationInfo
    number: int
    at: dt.datetime
    staff_name: str
    scanned: int
    matched: int
    sections: list[tuple[str, list[StockLine]]]  # (heading, lines), in the order they are checked
    sample: bool = False

    @property
    def clean(self) -> bool:
        return not any(lines for _, lines in self.sections)


def stocktake_sheet(result: stock.StockTakeResult, *, kinds: dict[str, str] | None = None,
                    sample: bool = False) -> StockTakeSheet:
    """The sheet of a stock-take; ``kinds`` maps asset code to kind name (None: looked up, one query)."""
    if kinds is None:
        kinds = dict(m.ToolUnit.select(m.ToolUnit.asset_code, m.ToolKind.name).join(m.ToolKind).tuples())

    def lines(codes: list[str], recorded: str) -> list[StockLine]:
        return [StockLine(code, kinds.get(code, "—"), recorded) for code in codes]

    other = []
    for entry in result.other_state:
        found = _OTHER_STATE.fullmatch(entry)
        code, state = found.groups() if found else (entry, "")
        other.append(StockLine(code, kinds.get(code, "—"), state))
    sections = [
        (stock.LABELS[stock.MISSING], lines(result.missing, "应在架")),
        (stock.LABELS[stock.ON_LOAN_FOUND], lines(result.on_loan, "借出")),
        (stock.LABELS[stock.OTHER_STATE], other),
        (stock.LABELS[stock.UNKNOWN], lines(result.unknown, "未登记")),
        (stock.LABELS[stock.FOREIGN], lines(result.foreign, "非本站编号")),
    ]
    return StockTakeSheet(StationInfo.current(), result.id, result.at, result.staff_name, result.scanned,
                          len(result.matched), sections, sample)


def write_stocktake(stock_take_id: int, out: Path) -> Path:
    """The result of saved stock-take ``stock_take_id`` on A4; NotFound if there is none."""
    return render_stocktake(stocktake_sheet(stock.get_stock_take(stock_take_id)), out)


def render_stocktake(data: StockTakeSheet, out: Path) -> Path:
    st = styles(10)
    width = A4[0] - 2 * 15 * mm
    return build_pdf(out, _story(data, st, width), pagesize=A4, margin=15 * mm, bottom=14 * mm,
                     footer=f"盘点编号 {data.number}　打印于 {cn_datetime(clock.now())}",
                     title=f"{TITLE} 第{data.number}号", author=data.station.name)


def _story(data: StockTakeSheet, st: Styles, width: float) -> list[Flowable]:
    differences = sum(len(lines) for _, lines in data.sections)
    verdict = "账实相符" if data.clean else f"有差异 {differences} 项，见下列清单"
    facts = [("盘点编号", text(str(data.number), st.strong)), ("盘点时间", cn_datetime(data.at)),
             ("盘点人", data.staff_name or "—"), ("扫描件数", f"{data.scanned} 件"),
             ("在架相符", f"{data.matched} 件"), ("结论", verdict)]
    label_w = label_width([f[0] for f in facts], st, maximum=30 * mm)
    counts = grid_table(["项目", "件数"], [[heading, str(len(lines))] for heading, lines in data.sections],
                        [width - 30 * mm, 30 * mm], st, aligns=["left", "right"])
    story = header(data.station, TITLE, st, width, sample=data.sample)
    story += [key_values(facts, width, st, label_width=label_w, columns=2), *section("差异汇总", st), counts]
    widths = [12 * mm, 60 * mm, width - 102 * mm, 30 * mm]
    for heading, lines in data.sections:
        story += section(f"{heading}（{len(lines)}）", st)
        if lines:
            story.append(grid_table(["序号", "资产编号", "工具种类", "记录状态"],
                                    [[str(n), line.code, line.kind, line.recorded]
                                     for n, line in enumerate(lines, start=1)],
                                    widths, st, aligns=["center", "left", "left", "center"]))
        else:
            story.append(text("无", st.small))
    story.append(signature_lines(SIGNATURES, width, st))
    return story
