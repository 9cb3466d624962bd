"""The 一次性告知/容缺受理 table of the monthly and annual reports (PDF and Excel read the same table)."""

from __future__ import annotations

from collections.abc import Sequence

from gridstation.core.statistics.stats import AnnualStats, MonthlyStats, PeriodStats
from gridstation.core.statistics.stats_tables import Item, StatTable, comparison

NOTE = ("一次性告知单：期间内因材料不全出具告知单、登记为待补正的件数；补正完成：期间内材料补齐、转为正式受理的件数"
        "（承诺时限自补齐之日起算）；容缺受理：期间内缺少可后补材料而先行受理的件数；容缺补齐：期间内补齐容缺材料的件数；"
        "期末容缺逾期未补齐：截止日仍在办、材料未补齐且补齐期限早于截止日的件数。")

ITEMS: list[Item] = [
    ("出具一次性告知单（件）", lambda s: s.materials.notices),
    ("补正完成（件）", lambda s: s.materials.supplemented),
    ("容缺受理（件）", lambda s: s.materials.deferred),
    ("容缺补齐（件）", lambda s: s.materials.deferred_supplied),
    ("期末容缺逾期未补齐（件）", lambda s: s.materials.deferred_overdue),
]


def material_table(periods: Sequence[tuple[str, PeriodStats]]) -> StatTable:
    return comparison(periods, ITEMS, "一次性告知与容缺受理", "一次性告知与容缺受理", note=NOTE)


def monthly_material_tables(ms: MonthlyStats) -> list[StatTable]:
    return [material_table([("本月", ms.current), ("上月", ms.previous), ("去年同月", ms.last_year),
                            ("本年累计", ms.year_to_date)])]


def annual_material_tables(annual: AnnualStats) -> list[StatTable]:
    return [material_table([("本年", annual.total), ("上年", annual.previous)])]
