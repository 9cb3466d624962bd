"""The 好差评 tables of the monthly and annual reports (PDF and Excel read the same tables): the figures
beside their comparison periods, and the current period by service and by staff member."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gridstation.core.evaluation.figures import RatingTally
from gridstation.core.statistics.stats import AnnualStats, MonthlyStats, PeriodStats
from gridstation.core.statistics.stats_tables import Cell, Rate, StatTable, breakdown, comparison

NOTE = ("办结：期间内办结的件；已评价：其中到期末已有评价的件；评价率＝已评价÷办结；收到评价：期间内登记的评价；"
        "满意率＝（非常满意＋满意）÷收到评价；差评：收到评价中的不满意和非常不满意；申诉：收到评价中到期末已申诉的"
        "（申诉的评价仍计入各项数字）；整改率＝差评中到期末已完成整改的÷差评；按时整改率＝差评中在整改期限当天或之前"
        "完成整改的÷差评。按业务、按受理人员分别统计。")

Measure = tuple[str, Callable[[RatingTally], Cell]]
MEASURES: list[Measure] = [
    ("办结（件）", lambda t: t.completed), ("已评价（件）", lambda t: t.rated),
    ("评价率", lambda t: Rate(t.rating_rate)), ("收到评价（件）", lambda t: t.received),
    ("满意率", lambda t: Rate(t.satisfaction_rate)), ("差评（件）", lambda t: t.bad),
    ("申诉（件）", lambda t: t.appealed), ("整改率", lambda t: Rate(t.rectify_rate)),
    ("按时整改率", lambda t: Rate(t.on_time_rectify_rate)),
]


def rating_tables(periods: Sequence[tuple[str, PeriodStats]], suffix: str) -> list[StatTable]:
    current = periods[0][1].ratings
    items = [(label, lambda s, get=get: get(s.ratings.total)) for label, get in MEASURES]
    return [
        comparison(periods, items, "好差评", "好差评", note=NOTE),
        breakdown(current.by_service, current.total, MEASURES, "好差评·业务", f"好差评·按业务（{suffix}）", "业务"),
        breakdown(current.by_staff, current.total, MEASURES, "好差评·人员", f"好差评·按受理人员（{suffix}）", "人员"),
    ]


def monthly_rating_tables(ms: MonthlyStats) -> list[StatTable]:
    return rating_tables([("本月", ms.current), ("上月", ms.previous), ("去年同月", ms.last_year),
                          ("本年累计", ms.year_to_date)], "本月")


def annual_rating_tables(annual: AnnualStats) -> list[StatTable]:
    return rating_tables([("本年", annual.total), ("上年", annual.previous)], "全年")
