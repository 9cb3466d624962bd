"""The grid register's tables of the monthly and annual reports (PDF and Excel read the same tables): the
figures beside their comparison periods, the grids by level and kind, and each grid's buildings,
households, residents and people on the period's cut-off day (definitions: core/grids/figures.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gridstation.core.grids import rules
from gridstation.core.grids.figures import GridFigures, GridTally
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.statistics.stats import AnnualStats, MonthlyStats, PeriodStats
from gridstation.core.statistics.stats_tables import TOTAL, Cell, Column, Days, StatTable, comparison

NOTE = ("网格、楼栋、户数、居民、专职网格员、楼栋长均为期末（截止日）数：网格为当日未撤销的（社区本身不计入）；居民为当日在册的"
        "（当日以前已迁出、死亡的不计）；户数为楼栋登记的户数，未登记的按有在册居民的房间计；专职网格员、楼栋长为当日在岗的人数"
        "（一人多岗计一人）；户/网格员＝户数÷专职网格员。民情日志为日期在期间内的条数，转为事件为其中已转为网格事件的。")
ROWS_NOTE = ("各网格的数字含其下级网格；楼栋、居民、人员和民情日志按其现在所属网格统计，所属网格在截止日尚未设立或没有网格的"
             "计入“未分网格”。")

Measure = tuple[str, Callable[[GridTally], Cell]]
MEASURES: list[Measure] = [
    ("网格（个）", lambda t: t.grids), ("其中专属网格（个）", lambda t: t.dedicated),
    ("楼栋（栋）", lambda t: t.buildings), ("户数（户）", lambda t: t.households),
    ("在册居民（人）", lambda t: t.residents), ("专职网格员（名）", lambda t: t.workers),
    ("楼栋长（名）", lambda t: t.building_heads),
    ("每名网格员联系户数", lambda t: Days(t.households_per_worker)),  # one decimal, — with no 网格员
    ("民情日志（条）", lambda t: t.diary_entries), ("民情日志转为事件（条）", lambda t: t.diary_events),
]
# A grid's row: its level says what the grid counts would, and shorter headings fit an A4 width.
ROW_MEASURES: list[Measure] = [
    ("楼栋", lambda t: t.buildings), ("户数", lambda t: t.households), ("在册居民", lambda t: t.residents),
    ("专职网格员", lambda t: t.workers), ("户/网格员", lambda t: Days(t.households_per_worker)),
    ("民情日志", lambda t: t.diary_entries), ("转为事件", lambda t: t.diary_events),
]
INDENT = "\u00a0" * 3  # per level under the community: no-break spaces, which a PDF cell keeps at a line's start


def _item(get: Callable[[GridTally], Cell]) -> Callable[[PeriodStats], Cell]:
    return lambda s: get(s.grid_register.total)


ITEMS = [(label, _item(get)) for label, get in MEASURES]


def monthly_grid_tables(ms: MonthlyStats) -> list[StatTable]:
    return grid_tables([("本月", ms.current), ("上月", ms.previous), ("去年同月", ms.last_year),
                        ("本年累计", ms.year_to_date)], "本月")


def annual_grid_tables(annual: AnnualStats) -> list[StatTable]:
    return grid_tables([("本年", annual.total), ("上年", annual.previous)], "年末")


def grid_tables(periods: Sequence[tuple[str, PeriodStats]], suffix: str) -> list[StatTable]:
    """The figures across ``periods``, then the first period's grids by level and kind and grid by grid."""
    current = periods[0][1].grid_register
    return [
        comparison(periods, ITEMS, "网格与网格力量", "网格、楼栋与网格力量", note=NOTE),
        levels_table(current, f"网格设置（按层级和类型，{suffix}）"),
        rows_table(current, f"各网格楼栋、住户与网格力量（{suffix}）"),
    ]


def levels_table(figures: GridFigures, title: str) -> StatTable:
    """One row a level (三级, 四级, 五级, then the station's own), its 综合 and 专属 grids, and the total."""
    order = {level: i for i, level in enumerate(rules.LEVELS)}
    levels = sorted(figures.levels, key=lambda level: (order.get(level, len(order)), sort_key(level)))
    rows: list[list[Cell]] = []
    for level in levels:
        kinds = figures.levels[level]
        rows.append([level or "未写层级"] + [kinds.get(kind, 0) for kind in rules.KINDS] + [sum(kinds.values())])
    rows.append([TOTAL] + [sum(figures.levels[lv].get(kind, 0) for lv in levels) for kind in rules.KINDS]
                + [figures.total.grids])
    columns = [Column("层级", 1.6)] + [Column(kind, 1.2) for kind in rules.KINDS] + [Column("合计", 1.0)]
    return StatTable("网格设置", title, columns, rows, has_total=True)


def rows_table(figures: GridFigures, title: str) -> StatTable:
    """Each grid open on the cut-off day in tree order (indented under its parent), then the total."""
    body: list[list[Cell]] = [[INDENT * row.depth + row.name, row.code, row.level]
                              + [get(row.tally) for _, get in ROW_MEASURES] for row in figures.rows]
    body.append([TOTAL, "", ""] + [get(figures.total) for _, get in ROW_MEASURES])
    # the code beside the name: names repeat under different parents, and a sheet is looked up by code
    columns = ([Column("网格", 2.4), Column("编码", 0.9), Column("层级", 0.8)]
               + [Column(label, 1.0) for label, _ in ROW_MEASURES])
    return StatTable("各网格", title, columns, body, has_total=True, note=ROWS_NOTE)
