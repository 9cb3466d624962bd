"""The statistics: every figure of a period, computed once, by one function.

The monthly PDF, the annual PDF, the Excel export, the dashboard and the command line all read
``period_stats`` (or ``monthly_stats`` / ``annual_stats``, which call it for each period they
compare), so a figure can never differ between two of them. Counts come from SQL ``GROUP BY``
queries; Python only adds up the few grouped rows (services x actions x grids).

Definitions (printed in Chinese in every report's notes, see ``DEFINITIONS``):

* Period: calendar days ``start``..``end`` inclusive. The *cut-off day* is ``end``, or today while
  the period is still running; every figure counts up to the end of the cut-off day, and figures
  "at the end of the period" are taken then.
* Received (受理): intakes whose ``received_at`` lies in the period, whatever their status now.
* Completed (办结): intakes with status 办结 whose ``completed_at`` lies in the period, wherever they
  were received. Returned (退回) and forwarded (转办) close an intake too: they are counted by the
  day they were closed, in their own columns, and never as completed.
* In progress (在办): received up to the end of the period and not yet completed, returned or
  forwarded at its end (status 受理 or 办理中 at that moment).
* Overdue (逾期): in progress at the end of the period and past its promised date on the cut-off
  day (due date before the cut-off day) - the rule of ``intakes.overdue_condition``.
* Completion rate (办结率): of the intakes received in the period, the share completed (办结) by
  its end: ``completed-by-end / received``. Returned and forwarded intakes stay in the divisor;
  the rate is blank when nothing was received. Counting the period's own intakes keeps the rate
  between 0 and 100 % and makes a printed month reproducible.
* Average days to complete: mean of ``completed_at - received_at`` in days over the period's
  completed intakes.
* Wage claims: cases, workers and amount owed of the claims received; amount recovered of the
  claims completed in the period.
* Pension verification: pensioners are the residents flagged as pensioners now (the flag has no
  history, so an earlier period uses today's list too); certified are those of them with a
  verification for the period's year completed by the end of the period; coverage is
  certified / pensioners.
* Tool box: lent counts units lent in the period (one loan-slip line = one unit); returned counts
  units brought back in the period in any condition but lost; damaged / missing parts / lost count
  the returns in the period by their condition; overdue counts units out at the end of the period
  whose slip's due date is before the cut-off day; utilisation is the unit-days on loan within the
  period divided by (units in service x days of the period up to the cut-off day), units in
  service being the units not lost or scrapped now.
* Workload: per staff member, intakes they received, intakes they completed (the staff member on
  the 办结 step) and loan slips they issued; per grid, the intake figures above by the grid the
  resident belonged to when the intake was received.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import peewee
from peewee import JOIN, Case, fn

from gridstation.core.evaluation.figures import RatingFigures, rating_figures
from gridstation.core.events.figures import EventFigures, event_figures
from gridstation.core.grids.figures import GridFigures, grid_figures
from gridstation.core.intake.intakes import COMPLETED, FORWARDED, OPEN_STATUSES, RETURNED, overdue_condition
from gridstation.core.intake.material_figures import MaterialFigures, material_figures
from gridstation.core.residents.status import present_condition
from gridstation.core.rules import clock
from gridstation.core.rules.counters import Counters
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.pinyin_keys import sort_key
from gridstation.core.station import audit, catalog
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage.counting import count_if
from gridstation.core.storage.db import as_date, write_transaction
from gridstation.core.toolbox.tool_units import OUT_OF_SERVICE

# Return conditions of a LoanItem (set by the tool-box service when a unit comes back or is lost).
DAMAGED, MISSING_PARTS, LOST = "损坏", "缺件", "遗失"
NO_GRID, NO_STAFF = "未分网格", "未登记人员"
FAR_FUTURE = dt.datetime(9999, 12, 31)
TOP_KINDS = 10

DEFINITIONS: tuple[str, ...] = (
    "统计期间按自然日计算（含首尾两日）；期间尚未结束时只统计到今天，“期末”即今天结束时。",
    "受理：受理时间在统计期间内的件，不论现在的状态。",
    "办结：状态为“办结”且办结时间在统计期间内的件，不论何时受理。退回、转办的件按退回、转办的日期"
    "分别计数，不计入办结。",
    "在办：期末之前受理、到期末仍未办结、退回或转办的件（状态为受理或办理中）。",
    "逾期：期末在办、且承诺办结日期早于截止日的件，与受理列表的“逾期”规则一致。",
    "办结率＝本期受理的件中到期末已办结的件数÷本期受理件数；退回、转办的件计入分母。本期没有受理时不计算。",
    "平均办理天数：本期办结的件从受理到办结的平均天数（按时刻计算，保留一位小数）。",
    "讨薪：案件数、涉及人数、欠薪金额按本期受理的案件统计；追回金额按本期办结的案件统计。",
    "养老保险待遇资格认证：领取人员为居民档案中当前标记为养老金领取人员的居民（往期也按当前名单）；"
    "已认证为其中本年度（统计期间所在年度）到期末已办结认证的人数；覆盖率＝已认证÷领取人员。",
    "共享工具箱：借出、归还按件次（借用单上的每一件工具）计算；遗失不计入归还；损坏、缺件、遗失按本期"
    "归还登记的情况计数；逾期未还为期末仍借出且借用单应还日期早于截止日的件数；利用率＝期内借出件·天"
    "÷（在用工具件数×期内天数），在用工具为当前未遗失、未报废的工具。",
    "工作量：受理数按受理人，办结数按办结操作人，借用单按经办人统计；网格按受理时居民所属网格统计。",
)


@dataclass
class Tally(Counters):
    """The intake counters shared by a service row, a grid row and the totals."""

    received: int = 0
    completed: int = 0
    returned: int = 0
    forwarded: int = 0
    in_progress: int = 0
    overdue: int = 0
    received_completed: int = 0  # received in the period and 办结 by its end: 办结率's numerator
    days_total: float = 0.0  # sum of days to complete over ``completed``
    workers: int = 0
    owed_fen: int = 0
    recovered_fen: int = 0

    @property
    def completion_rate(self) -> float | None:
        """办结率 as a fraction (0..1); None when nothing was received."""
        return self.received_completed / self.received if self.received else None

    @property
    def avg_days(self) -> float | None:
        return self.days_total / self.completed if self.completed else None


@dataclass
class ServiceRow(Tally):
    service_id: int = 0
    code: str = ""
    name: str = ""
    received_by_action: dict[str, int] = field(default_factory=dict)
    completed_by_action: dict[str, int] = field(default_factory=dict)


@dataclass
class GridRow(Tally):
    grid_id: int | None = None
    name: str = ""


@dataclass
class WageStats:
    cases: int  # claims received in the period
    workers: int
    owed_fen: int
    completed: int
    recovered_fen: int  # recovered by the claims completed in the period
    forwarded: int


@dataclass
class PensionStats:
    year: int
    pensioners: int
    certified: int  # pensioners with a completed verification for ``year`` by the period's end
    certified_in_period: int  # verifications completed in the period (人次)

    @property
    def coverage(self) -> float | None:
        return self.certified / self.pensioners if self.pensioners else None


@dataclass
class ToolStats:
    slips: int  # loan slips issued
    lent: int  # units lent (件次)
    returned: int
    damaged: int
    missing_parts: int
    lost: int
    out_at_end: int
    overdue: int
    units_in_service: int
    unit_days_out: float
    days: int  # days of the period up to the cut-off day
    top_kinds: list[tuple[str, int]]

    @property
    def utilisation(self) -> float | None:
        capacity = self.units_in_service * self.days
        return self.unit_days_out / capacity if capacity else None


@dataclass
class StaffRow:
    staff_id: int | None
    name: str
    received: int = 0
    completed: int = 0
    loans: int = 0


@dataclass
class DayCount:
    day: dt.date
    received: int
    completed: int


@dataclass
class PeriodStats:
    start: dt.date
    end: dt.date
    cutoff: dt.date  # ``end``, or today while the period is running
    services: list[ServiceRow]
    total: Tally
    wage: WageStats
    pension: PensionStats
    tools: ToolStats
    staff: list[StaffRow]
    grids: list[GridRow]
    daily: list[DayCount]
    detailed: bool = True  # False: grids, staff, daily, actions and top kinds were not computed
    events: EventFigures = field(default_factory=EventFigures)  # grid events (core/events/figures.py)
    materials: MaterialFigures = field(default_factory=MaterialFigures)  # core/intake/material_figures.py
    ratings: RatingFigures = field(default_factory=RatingFigures)  # 好差评 (core/evaluation/figures.py)
    grid_register: GridFigures = field(default_factory=GridFigures)  # grids, buildings, people (core/grids/figures.py)

    @property
    def running(self) -> bool:
        return self.cutoff < self.end


@dataclass
class MonthlyStats:
    """A month beside the month before, the same month a year earlier and the year to date."""

    month: dt.date  # first day
    current: PeriodStats
    previous: PeriodStats
    last_year: PeriodStats
    year_to_date: PeriodStats


@dataclass
class AnnualStats:
    year: int
    total: PeriodStats
    previous: PeriodStats  # the year before, for comparison
    months: list[PeriodStats]  # January .. the last month begun


Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class _Window:
    """The period's bounds as the queries need them: [lo, hi) runs to the end of the cut-off day."""

    start: dt.date
    cutoff: dt.date
    lo: dt.datetime  # start of the first day
    hi: dt.datetime  # start of the day after the cut-off day

    @classmethod
    def of(cls, start: dt.date, end: dt.date, today: dt.date) -> _Window:
        cutoff = min(end, today)
        return cls(start, cutoff, dt.datetime.combine(start, dt.time()),
                   dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time()))

    @property
    def days(self) -> int:
        return (self.cutoff - self.start).days + 1


def month_end(first: dt.date) -> dt.date:
    following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def add_months(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _days_between(later: peewee.Node, earlier: peewee.Node) -> peewee.Node:
    """Fractional days between two timestamps, in the dialect of the open database."""
    if dbmod.is_sqlite():
        return fn.julianday(later) - fn.julianday(earlier)
    return fn.date_part("epoch", later - earlier) / 86400.0


def period_stats(start: dt.date, end: dt.date, today: dt.date | None = None, *, detail: bool = True) -> PeriodStats:
    """Every figure of the days ``start``..``end`` (see the module docstring for the definitions).

    ``detail=False`` leaves out the breakdowns (per grid, per action, per staff member, per day,
    most borrowed kinds), which a comparison column never prints; over a year of a busy station
    they are most of the work.
    """
    today = today or clock.today()
    if end < start:
        raise DomainError("统计期间的结束日期早于开始日期。")
    if start > today:
        raise DomainError(f"统计期间从 {start:%Y-%m-%d} 开始，还没有到，不能统计。")
    w = _Window.of(start, end, today)
    services, grids, total = _intake_tallies(w, detail)
    wage_row = next((row for row in services if row.code == catalog.WAGE), ServiceRow())
    pension_row = next((row for row in services if row.code == catalog.PENSION), ServiceRow())
    return PeriodStats(
        start=start, end=end, cutoff=w.cutoff, services=services, total=total,
        wage=WageStats(wage_row.received, wage_row.workers, wage_row.owed_fen, wage_row.completed,
                       wage_row.recovered_fen, wage_row.forwarded),
        pension=_pension(w, pension_row), tools=_tools(w, detail), staff=_staff(w) if detail else [],
        grids=grids, daily=_daily(w) if detail else [], detailed=detail,
        events=event_figures(start, end, today, detail=detail),
        materials=material_figures(start, end, today),
        ratings=rating_figures(start, end, today),
        grid_register=grid_figures(start, end, today, detail=detail),
    )


def monthly_stats(month: dt.date, today: dt.date | None = None, progress: Progress | None = None) -> MonthlyStats:
    """The month of ``month`` with its three comparisons; ``progress(done, 4)`` after each period."""
    today = today or clock.today()
    first = month.replace(day=1)
    periods = [(first, month_end(first)), (add_months(first, -1), first - dt.timedelta(days=1)),
               (add_months(first, -12), month_end(add_months(first, -12))), (first.replace(month=1), month_end(first))]
    results = []
    for index, (start, end) in enumerate(periods, start=1):
        results.append(period_stats(start, end, today, detail=index == 1))
        if progress:
            progress(index, len(periods))
    return MonthlyStats(first, *results)


def months_begun(year: int, today: dt.date) -> list[dt.date]:
    """First days of the months of ``year`` that have begun by ``today``."""
    return [dt.date(year, month, 1) for month in range(1, 13) if dt.date(year, month, 1) <= today]


def annual_stats(year: int, today: dt.date | None = None, progress: Progress | None = None) -> AnnualStats:
    """The year, the year before and each month begun so far; ``progress`` after each period."""
    today = today or clock.today()
    first = dt.date(year, 1, 1)
    if first > today:
        raise DomainError(f"{year}年还没有到，不能统计。")
    months = months_begun(year, today)
    steps = len(months) + 2
    done = 0

    def step(stats: PeriodStats) -> PeriodStats:
        nonlocal done
        done += 1
        if progress:
            progress(done, steps)
        return stats

    total = step(period_stats(first, dt.date(year, 12, 31), today))
    previous = step(period_stats(dt.date(year - 1, 1, 1), dt.date(year - 1, 12, 31), today, detail=False))
    return AnnualStats(year, total, previous,
                       [step(period_stats(mo, month_end(mo), today, detail=False)) for mo in months])


def record_report(actor: m.Staff | None, title: str, files: Sequence[Path]) -> None:
    """Put a generated report in the audit log (who produced which statistics, and where)."""
    require(actor, HEAD)  # the statistics are the station head's
    with write_transaction():
        audit.record(actor, "生成统计报表", "report", title, after={"files": [str(f) for f in files]})


def _intake_tallies(w: _Window, detail: bool) -> tuple[list[ServiceRow], list[GridRow], Tally]:
    """Per service (and with ``detail`` per action and grid) and total figures from grouped queries.

    Status is summed with CASE rather than grouped on: SQLite sorts every row of a GROUP BY, and
    each extra text key makes that sort markedly slower over a year of intakes.
    """
    I = m.Intake  # noqa: E741, N806 - the table, as in SQL
    keys = [I.service, I.action, I.grid] if detail else [I.service]
    services: dict[int, ServiceRow] = {}
    grids: dict[int | None, GridRow] = {}
    total = Tally()

    def rows_for(key: Sequence[object]) -> list[Tally]:
        service_id = int(key[0])  # type: ignore[arg-type]
        row = services.setdefault(service_id, ServiceRow(service_id=service_id))
        if not detail:
            return [row, total]
        grid_id = key[-1]
        grid = grids.setdefault(grid_id, GridRow(grid_id=grid_id))  # type: ignore[arg-type]
        return [row, grid, total]

    def count_by_action(counts: dict[str, int], key: Sequence[object], n: int) -> None:
        if detail and n:
            counts[str(key[1])] = counts.get(str(key[1]), 0) + n

    done = (I.status == COMPLETED) & (I.completed_at < w.hi)
    received = (I.select(*keys, fn.COUNT(I.id), count_if(done), fn.SUM(I.workers), fn.SUM(I.amount_owed_fen))
                .where((I.received_at >= w.lo) & (I.received_at < w.hi)).group_by(*keys).tuples())
    for *key, n, completed, workers, owed in received:
        for row in rows_for(key):
            row.received += n
            row.received_completed += completed or 0
            row.workers += workers or 0
            row.owed_fen += owed or 0
        count_by_action(services[int(key[0])].received_by_action, key, n)

    is_done = I.status == COMPLETED
    closed = (I.select(*keys, count_if(is_done), count_if(I.status == RETURNED), count_if(I.status == FORWARDED),
                       fn.SUM(Case(None, [(is_done, _days_between(I.completed_at, I.received_at))], 0)),
                       fn.SUM(Case(None, [(is_done, I.amount_recovered_fen)], 0)))
              .where((I.completed_at >= w.lo) & (I.completed_at < w.hi)).group_by(*keys).tuples())
    for *key, completed, returned, forwarded, days, recovered in closed:
        for row in rows_for(key):
            row.completed += completed or 0
            row.returned += returned or 0
            row.forwarded += forwarded or 0
            row.days_total += float(days or 0)
            row.recovered_fen += recovered or 0
        count_by_action(services[int(key[0])].completed_by_action, key, completed or 0)

    # Open at the end of the period = open now, plus closed since then (a closed intake always has
    # its completed_at). Two queries, each on an index (status, completed_at), instead of one OR
    # over every intake ever received. The far bound makes "closed since" a bounded range, which
    # SQLite's planner (it keeps no statistics) prefers to walking an index in GROUP BY order.
    open_keys = [I.service, I.grid] if detail else [I.service]
    open_now = I.status.in_(OPEN_STATUSES) & (I.received_at < w.hi)
    closed_since = (I.completed_at >= w.hi) & (I.completed_at < FAR_FUTURE) & (I.received_at < w.hi)
    for condition, overdue in ((open_now, overdue_condition(w.cutoff)), (closed_since, I.due_date < w.cutoff)):
        query = (I.select(*open_keys, fn.COUNT(I.id), count_if(overdue))
                 .where(condition).group_by(*open_keys).tuples())
        for *key, n, late in query:
            for row in rows_for(key):
                row.in_progress += n
                row.overdue += late or 0

    catalogue = {svc.id: svc for svc in catalog.all_services()}
    for svc in catalogue.values():
        if svc.active and svc.id not in services:
            services[svc.id] = ServiceRow(service_id=svc.id)
    for row in services.values():
        svc = catalogue[row.service_id]
        row.code, row.name = svc.code, svc.name
        order = {action: index for index, action in enumerate(catalog.actions_of(svc))}
        for counts in (row.received_by_action, row.completed_by_action):
            ranked = sorted(counts.items(), key=lambda item: (order.get(item[0], len(order)), item[0]))
            counts.clear()
            counts.update(ranked)
    ordered = sorted(services.values(), key=lambda r: (catalogue[r.service_id].sort_order, r.service_id))

    names = {g.id: g.name for g in m.Grid.select(m.Grid.id, m.Grid.name)}
    for grid in grids.values():
        grid.name = names.get(grid.grid_id, NO_GRID) if grid.grid_id is not None else NO_GRID
    grid_rows = sorted(grids.values(), key=lambda r: (r.grid_id is None, sort_key(r.name)))
    return ordered, grid_rows, total


def _pension(w: _Window, row: ServiceRow) -> PensionStats:
    """Pensioners present at the period's end, and those of them certified for the period's year by then.

    The pensioner test is an IN over the small pensioner list rather than a join, so each
    verification costs an index probe instead of reading the resident's row.
    """
    R, I = m.Resident, m.Intake  # noqa: E741, N806 - the tables, as in SQL
    year = w.start.year
    pensioners = R.select(R.id).where(R.is_pensioner & present_condition(w.cutoff))  # not those who died or left
    certified = (I.select(fn.COUNT(I.resident.distinct()))
                 .where((I.service == row.service_id) & (I.cert_year == year) & (I.status == COMPLETED)
                        & (I.completed_at < w.hi) & I.resident.in_(pensioners))
                 .scalar() or 0) if row.service_id else 0
    return PensionStats(year, pensioners.count(), certified, row.completed)


def _tools(w: _Window, detail: bool) -> ToolStats:
    L, LI, U, K = m.Loan, m.LoanItem, m.ToolUnit, m.ToolKind  # noqa: N806
    lent_in_period = (L.lent_at >= w.lo) & (L.lent_at < w.hi)
    slips, lent = (LI.select(fn.COUNT(LI.loan.distinct()), fn.COUNT(LI.id)).join(L)
                   .where(lent_in_period).tuples().get())

    by_condition = dict(LI.select(LI.return_condition, fn.COUNT(LI.id))
                        .where((LI.returned_at >= w.lo) & (LI.returned_at < w.hi))
                        .group_by(LI.return_condition).tuples())
    lost = by_condition.get(LOST, 0)

    out_at_end = (L.lent_at < w.hi) & (LI.returned_at.is_null() | (LI.returned_at >= w.hi))
    out, overdue = (LI.select(fn.COUNT(LI.id), count_if(L.due_date < w.cutoff)).join(L)
                    .where(out_at_end).tuples().get())

    # Unit-days on loan inside the period: each line's [lent, back) clipped to [lo, hi).
    back = Case(None, [(LI.returned_at.is_null() | (LI.returned_at > w.hi), w.hi)], LI.returned_at)
    since = Case(None, [(L.lent_at < w.lo, w.lo)], L.lent_at)
    unit_days = (LI.select(fn.SUM(_days_between(back, since))).join(L)
                 .where((L.lent_at < w.hi) & (LI.returned_at.is_null() | (LI.returned_at > w.lo)))
                 .scalar() or 0)
    units = U.select().where(U.state.not_in(OUT_OF_SERVICE)).count()

    top = list(K.select(K.name, fn.COUNT(LI.id).alias("n"))
               .join(U).join(LI).join(L)
               .where(lent_in_period).group_by(K.id, K.name)
               .order_by(fn.COUNT(LI.id).desc(), K.name).limit(TOP_KINDS).tuples()) if detail else []
    return ToolStats(slips=slips or 0, lent=lent or 0, returned=sum(by_condition.values()) - lost,
                     damaged=by_condition.get(DAMAGED, 0), missing_parts=by_condition.get(MISSING_PARTS, 0),
                     lost=lost, out_at_end=out or 0, overdue=overdue or 0, units_in_service=units,
                     unit_days_out=float(unit_days), days=w.days, top_kinds=top)


def _staff(w: _Window) -> list[StaffRow]:
    I, E, L = m.Intake, m.IntakeEvent, m.Loan  # noqa: E741, N806
    rows: dict[int | None, StaffRow] = defaultdict(lambda: StaffRow(None, ""))
    received = (I.select(I.staff, fn.COUNT(I.id)).where((I.received_at >= w.lo) & (I.received_at < w.hi))
                .group_by(I.staff).tuples())
    for staff_id, n in received:
        rows[staff_id].received = n
    # CROSS JOIN fixes the join order on SQLite (intakes closed in the period first, then their
    # events) instead of walking every event in staff order; PostgreSQL plans it as an inner join.
    completed = (I.select(E.staff, count_if(I.status == COMPLETED)).join(E, JOIN.CROSS)
                 .where((E.intake == I.id) & (I.completed_at >= w.lo) & (I.completed_at < w.hi)
                        & (E.to_status == COMPLETED))
                 .group_by(E.staff).tuples())
    for staff_id, n in completed:
        if n:
            rows[staff_id].completed = n
    loans = L.select(L.staff, fn.COUNT(L.id)).where((L.lent_at >= w.lo) & (L.lent_at < w.hi)).group_by(L.staff).tuples()
    for staff_id, n in loans:
        rows[staff_id].loans = n
    names = {s.id: s.display_name for s in m.Staff.select(m.Staff.id, m.Staff.display_name)
             .where(m.Staff.id.in_([k for k in rows if k is not None]))}
    for staff_id, row in rows.items():
        row.staff_id = staff_id
        row.name = names.get(staff_id, NO_STAFF) if staff_id is not None else NO_STAFF
    return sorted(rows.values(), key=lambda r: (-(r.received + r.completed + r.loans), r.name))


def _daily(w: _Window) -> list[DayCount]:
    """Intakes received and completed on each day up to the cut-off day (days without any: zero)."""
    I = m.Intake  # noqa: E741, N806 - the table, as in SQL
    received = dict((as_date(d), n) for d, n in
                    I.select(fn.date(I.received_at), fn.COUNT(I.id))
                    .where((I.received_at >= w.lo) & (I.received_at < w.hi))
                    .group_by(fn.date(I.received_at)).tuples())
    completed = dict((as_date(d), n) for d, n in
                     I.select(fn.date(I.completed_at), count_if(I.status == COMPLETED))
                     .where((I.completed_at >= w.lo) & (I.completed_at < w.hi))
                     .group_by(fn.date(I.completed_at)).tuples())
    days = (w.start + dt.timedelta(days=i) for i in range(w.days))
    return [DayCount(day, received.get(day, 0), completed.get(day, 0)) for day in days]
