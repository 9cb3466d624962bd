"""The statistics as labelled tables, built once for the PDF, the Excel file and the screen.

Each cell keeps its kind (a count, money in fen, a rate, days) rather than a formatted string,
so the PDF prints "¥1,234.50" and "33.3%" while Excel stores numbers with a number format; both
come from the same rows, and the work-summary paragraph reads the same ``PeriodStats``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from gridstation.core.rules.money import yuan
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.rules.rates import percent
from gridstation.core.statistics.stats import AnnualStats, MonthlyStats, PeriodStats, ServiceRow, Tally

TOTAL = "合计"


@dataclass(frozen=True)
class Money:
    fen: int

T = TypeVar("T")


@dataclass(frozen=True)
class Rate:
    """A fraction shown as a percentage; None when its divisor is zero."""

    value: float | None


@dataclass(frozen=True)
class Days:
    value: float | None


Cell = str | int | dt.date | Money | Rate | Days


def display(cell: Cell) -> str:
    """A cell as printed in the PDF and on screen; a missing rate or average prints as —."""
    if isinstance(cell, Money):
        return f"¥{yuan(cell.fen)}"
    if isinstance(cell, Rate):
        return percent(cell.value)
    if isinstance(cell, Days):
        return "—" if cell.value is None else f"{cell.value:.1f}"
    if isinstance(cell, dt.datetime):
        return f"{cell:%Y-%m-%d %H:%M}"
    if isinstance(cell, dt.date):
        return f"{cell:%Y-%m-%d}"
    return str(cell)


def count_axis(largest: float) -> tuple[int, int]:
    """A round top and step for a chart's count axis (about five gridlines), shared by the PDF
    charts and the dashboard so both scale the same figures the same way."""
    if largest <= 5:
        return 5, 1
    raw = largest / 5
    magnitude = 10 ** math.floor(math.log10(raw))
    step = max(1, round(next(s * magnitude for s in (1, 2, 2.5, 5, 10) if s * magnitude >= raw)))
    return math.ceil(largest / step) * step, step


@dataclass(frozen=True)
class Column:
    label: str
    width: float = 1.0  # relative; the PDF and Excel scale it to the page and to characters


@dataclass
class StatTable:
    key: str  # Excel sheet name (at most 31 characters)
    title: str
    columns: list[Column]
    rows: list[list[Cell]]
    has_total: bool = False  # the last row is a total and is set in bold
    note: str = ""


Measure = tuple[str, Callable[[Tally], Cell]]
RECEIVED: Measure = ("受理", lambda t: t.received)
COMPLETED: Measure = ("办结", lambda t: t.completed)
RATE: Measure = ("办结率", lambda t: Rate(t.completion_rate))
INTAKE_MEASURES: list[Measure] = [
    RECEIVED, COMPLETED, ("在办", lambda t: t.in_progress), ("退回", lambda t: t.returned),
    ("转办", lambda t: t.forwarded), ("逾期", lambda t: t.overdue), RATE,
    ("平均办理天数", lambda t: Days(t.avg_days)),
]


def service_table(stats: PeriodStats, key: str, title: str) -> StatTable:
    """Per service: received, completed, in progress, returned, forwarded, overdue, rate, days."""
    columns = [Column("业务", 2.6)] + [Column(label, 1.2 if len(label) > 3 else 1.0) for label, _ in INTAKE_MEASURES]
    rows: list[list[Cell]] = [[row.name] + [get(row) for _, get in INTAKE_MEASURES] for row in stats.services]
    rows.append([TOTAL] + [get(stats.total) for _, get in INTAKE_MEASURES])
    return StatTable(key, title, columns, rows, has_total=True)


def service_comparison(periods: Sequence[tuple[str, PeriodStats, Sequence[Measure]]], key: str,
                       title: str) -> StatTable:
    """Services down, (period x measure) across; a service missing from a period counts zero."""
    names: dict[int, str] = {}
    for _, stats, _ in periods:
        for row in stats.services:
            names.setdefault(row.service_id, row.name)
    columns = [Column("业务", 2.6)]
    for label, _, measures in periods:
        columns += [Column(f"{label}{m_label}", 1.1) for m_label, _ in measures]
    rows: list[list[Cell]] = []
    for service_id, name in names.items():
        row: list[Cell] = [name]
        for _, stats, measures in periods:
            found = next((r for r in stats.services if r.service_id == service_id), None)
            row += [get(found or ServiceRow()) for _, get in measures]
        rows.append(row)
    total: list[Cell] = [TOTAL]
    for _, stats, measures in periods:
        total += [get(stats.total) for _, get in measures]
    rows.append(total)
    return StatTable(key, title, columns, rows, has_total=True)


Item = tuple[str, Callable[[PeriodStats], Cell]]


def breakdown(rows: dict[str, T], total: T, measures: Sequence[tuple[str, Callable[[T], Cell]]], key: str,
              title: str, first: str, width: Callable[[str], float] = lambda label: 1.0) -> StatTable:
    """The current period by grid, worker, service or staff member: one row a name in the one Chinese
    order (第二网格 before 第十网格, 李 before 王), then the total; headings drop their unit."""
    body: list[list[Cell]] = [[name] + [get(t) for _, get in measures]
                              for name, t in sorted(rows.items(), key=lambda row: sort_key(row[0]))]
    body.append([TOTAL] + [get(total) for _, get in measures])
    columns = [Column(first, 2.0)] + [Column(label.split("（")[0], width(label)) for label, _ in measures]
    return StatTable(key, title, columns, body, has_total=True)


def comparison(periods: Sequence[tuple[str, PeriodStats]], items: Sequence[Item], key: str, title: str,
               note: str = "") -> StatTable:
    """Figures down, periods across: the wage, pension and tool-box tables."""
    columns = [Column("项目", 2.4)] + [Column(label, 1.3) for label, _ in periods]
    rows = [[label] + [get(stats) for _, stats in periods] for label, get in items]
    return StatTable(key, title, columns, rows, note=note)


WAGE_ITEMS: list[Item] = [
    ("受理案件（起）", lambda s: s.wage.cases),
    ("涉及人数（人）", lambda s: s.wage.workers),
    ("欠薪金额", lambda s: Money(s.wage.owed_fen)),
    ("办结案件（起）", lambda s: s.wage.completed),
    ("追回金额", lambda s: Money(s.wage.recovered_fen)),
    ("转办案件（起）", lambda s: s.wage.forwarded),
]
PENSION_ITEMS: list[Item] = [
    ("养老金领取人员（人）", lambda s: s.pension.pensioners),
    ("本年度已认证（人）", lambda s: s.pension.certified),
    ("认证覆盖率", lambda s: Rate(s.pension.coverage)),
    ("本期认证（人次）", lambda s: s.pension.certified_in_period),
]
TOOL_ITEMS: list[Item] = [
    ("借用单（张）", lambda s: s.tools.slips),
    ("借出（件次）", lambda s: s.tools.lent),
    ("归还（件次）", lambda s: s.tools.returned),
    ("归还时损坏（件）", lambda s: s.tools.damaged),
    ("归还时缺件（件）", lambda s: s.tools.missing_parts),
    ("遗失（件）", lambda s: s.tools.lost),
    ("期末借出未还（件）", lambda s: s.tools.out_at_end),
    ("期末逾期未还（件）", lambda s: s.tools.overdue),
    ("在用工具（件）", lambda s: s.tools.units_in_service),
    ("利用率", lambda s: Rate(s.tools.utilisation)),
]


def top_kinds_table(stats: PeriodStats, title: str) -> StatTable:
    rows: list[list[Cell]] = [[rank, name, n] for rank, (name, n) in enumerate(stats.tools.top_kinds, start=1)]
    return StatTable("常借工具", title, [Column("排名", 0.8), Column("工具", 3.0), Column("借出（件次）", 1.4)], rows)


def staff_table(stats: PeriodStats, title: str) -> StatTable:
    rows: list[list[Cell]] = [[r.name, r.received, r.completed, r.loans] for r in stats.staff]
    rows.append([TOTAL, sum(r.received for r in stats.staff), sum(r.completed for r in stats.staff),
                 sum(r.loans for r in stats.staff)])
    columns = [Column("人员", 2.4), Column("受理", 1.0), Column("办结", 1.0), Column("借用单", 1.0)]
    return StatTable("人员工作量", title, columns, rows, has_total=True)


GRID_MEASURES: list[Measure] = [RECEIVED, COMPLETED, ("在办", lambda t: t.in_progress),
                                ("逾期", lambda t: t.overdue), RATE]


def grid_table(stats: PeriodStats, title: str) -> StatTable:
    rows: list[list[Cell]] = [[g.name] + [get(g) for _, get in GRID_MEASURES] for g in stats.grids]
    rows.append([TOTAL] + [get(stats.total) for _, get in GRID_MEASURES])
    columns = [Column("网格", 2.4)] + [Column(label, 1.0) for label, _ in GRID_MEASURES]
    return StatTable("网格工作量", title, columns, rows, has_total=True)


def daily_table(stats: PeriodStats, title: str) -> StatTable:
    rows: list[list[Cell]] = [[d.day, d.received, d.completed] for d in stats.daily]
    rows.append([TOTAL, sum(d.received for d in stats.daily), sum(d.completed for d in stats.daily)])
    return StatTable("每日受理", title, [Column("日期", 1.6), Column("受理", 1.0), Column("办结", 1.0)], rows,
                     has_total=True)


def month_label(stats: PeriodStats) -> str:
    return f"{stats.start.year}年{stats.start.month}月"


def monthly_tables(ms: MonthlyStats) -> list[StatTable]:
    """Every table of the monthly report, in the order the PDF prints them."""
    c = ms.current
    periods = [("本月", c), ("上月", ms.previous), ("去年同月", ms.last_year), ("本年累计", ms.year_to_date)]
    pair = [RECEIVED, COMPLETED]
    return [
        service_table(c, "业务受理", "业务受理与办结"),
        service_comparison([("本月", c, pair), ("上月", ms.previous, pair), ("去年同月", ms.last_year, pair),
                            ("本年累计", ms.year_to_date, [RECEIVED, COMPLETED, RATE])],
                           "同期比较", f"同期比较（上月：{month_label(ms.previous)}；去年同月："
                           f"{month_label(ms.last_year)}；本年累计：{c.start.year}年1月至{c.start.month}月）"),
        comparison(periods, WAGE_ITEMS, "讨薪", "讨薪"),
        comparison(periods, PENSION_ITEMS, "养老认证", "养老保险待遇资格认证",
                   note="“本年度已认证”指统计期间所在年度；去年同月一列为上一年度。"),
        comparison(periods, TOOL_ITEMS, "共享工具箱", "共享工具箱"),
        top_kinds_table(c, f"借出最多的工具（本月前{len(c.tools.top_kinds) or 10}种）"),
        staff_table(c, "人员工作量（本月）"),
        grid_table(c, "网格工作量（本月）"),
        daily_table(c, "每日受理与办结（本月）"),
    ]


def annual_tables(annual: AnnualStats) -> list[StatTable]:
    """Every table of the annual report, in the order the PDF prints them."""
    year, prev = annual.total, annual.previous
    periods = [("本年", year), ("上年", prev)]
    triple = [RECEIVED, COMPLETED, RATE]
    month_items: list[tuple[str, Callable[[PeriodStats], Cell]]] = [
        ("受理", lambda s: s.total.received), ("办结", lambda s: s.total.completed),
        ("退回", lambda s: s.total.returned), ("转办", lambda s: s.total.forwarded),
        ("月末在办", lambda s: s.total.in_progress), ("月末逾期", lambda s: s.total.overdue),
        ("办结率", lambda s: Rate(s.total.completion_rate)), ("借出工具", lambda s: s.tools.lent),
    ]
    month_rows: list[list[Cell]] = [[f"{s.start.month}月"] + [get(s) for _, get in month_items] for s in annual.months]
    month_rows.append(["全年"] + [get(year) for _, get in month_items])
    by_month = StatTable("逐月统计", "逐月统计（全年一行的在办、逾期为年末数）",
                         [Column("月份", 1.2)] + [Column(label, 1.0) for label, _ in month_items], month_rows,
                         has_total=True)
    return [
        service_table(year, "业务受理", "业务受理与办结（全年）"),
        service_comparison([("本年", year, triple), ("上年", prev, triple)], "与上年比较",
                           f"与上年比较（{year.start.year - 1}年）"),
        by_month,
        comparison(periods, WAGE_ITEMS, "讨薪", "讨薪"),
        comparison(periods, PENSION_ITEMS, "养老认证", "养老保险待遇资格认证"),
        comparison(periods, TOOL_ITEMS, "共享工具箱", "共享工具箱"),
        top_kinds_table(year, f"借出最多的工具（全年前{len(year.tools.top_kinds) or 10}种）"),
        staff_table(year, "人员工作量（全年）"),
        grid_table(year, "网格工作量（全年）"),
    ]


def summary_sentence(stats: PeriodStats, label: str) -> str:
    """One line under a report's title: the period's headline figures."""
    t = stats.total
    return (f"{label}受理{t.received}件，办结{t.completed}件，办结率{display(Rate(t.completion_rate))}；"
            f"期末在办{t.in_progress}件，其中逾期{t.overdue}件；借出工具{stats.tools.lent}件次。")
