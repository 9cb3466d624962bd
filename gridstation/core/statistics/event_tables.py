"""The grid-event tables of the monthly and annual reports (PDF and Excel read the same tables):
the figures beside their comparison periods, and the current period by grid, worker and category."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from gridstation.core.events.figures import EventTally
from gridstation.core.statistics.stats import AnnualStats, MonthlyStats, PeriodStats
from gridstation.core.statistics.stats_tables import Cell, Rate, StatTable, breakdown, comparison

NOTE = ("发现：期间内发现的事件；网格内处置、上报街道平台：其中到期末已选定该处置方式的；销号：期间内销号且仍为已销号的；"
        "期末逾期：期末未销号且处置期限早于截止日的；办结率、按时办结率以本期到期的事件为分母（到期末已销号、"
        "在处置期限内销号的件数÷本期到期件数）；返工：期间内返工次数；调处矛盾纠纷：期间内发现的矛盾纠纷，"
        "成功为其中到期末调解成功的。")

Measure = tuple[str, Callable[[EventTally], Cell]]
MEASURES: list[Measure] = [
    ("发现问题（件）", lambda t: t.found), ("网格内处置（件）", lambda t: t.in_grid),
    ("上报街道平台（件）", lambda t: t.reported_up), ("销号（件）", lambda t: t.closed),
    ("期末逾期（件）", lambda t: t.overdue), ("本期到期（件）", lambda t: t.due),
    ("办结率", lambda t: Rate(t.completion_rate)), ("按时办结率", lambda t: Rate(t.on_time_rate)),
    ("返工（次）", lambda t: t.reopened), ("调处矛盾纠纷（件）", lambda t: t.mediations),
    ("调解成功（件）", lambda t: t.mediation_success),
]
# The breakdowns leave out the due count and the mediation successes to fit an A4 width.
BREAKDOWN: list[Measure] = [(label.split("（")[0], get) for label, get in MEASURES
                            if not label.startswith(("本期到期", "调解成功"))]


def _width(label: str) -> float:
    """Eight columns fit an A4 width when the longer headings get a little more room."""
    return 1.2 if len(label) > 3 else 1.0


def _item(get: Callable[[EventTally], Cell]) -> Callable[[PeriodStats], Cell]:
    return lambda s: get(s.events.total)


def monthly_event_tables(ms: MonthlyStats) -> list[StatTable]:
    return event_tables([("本月", ms.current), ("上月", ms.previous), ("去年同月", ms.last_year),
                         ("本年累计", ms.year_to_date)], "本月")


def annual_event_tables(annual: AnnualStats) -> list[StatTable]:
    return event_tables([("本年", annual.total), ("上年", annual.previous)], "全年")


def event_tables(periods: Sequence[tuple[str, PeriodStats]], suffix: str) -> list[StatTable]:
    """The figures across ``periods`` and the first period by grid, worker and category."""
    current = periods[0][1].events
    return [
        comparison(periods, [(label, _item(get)) for label, get in MEASURES], "网格事件", "网格事件", note=NOTE),
        breakdown(current.by_grid, current.total, BREAKDOWN, "网格事件·网格", f"网格事件·按网格（{suffix}）", "网格", _width),
        breakdown(current.by_worker, current.total, BREAKDOWN, "网格事件·网格员", f"网格事件·按网格员（{suffix}）", "网格员", _width),
        breakdown(current.by_category, current.total, BREAKDOWN, "网格事件·类别", f"网格事件·按类别（{suffix}）", "类别", _width),
    ]
