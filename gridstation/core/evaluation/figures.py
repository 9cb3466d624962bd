"""The 好差评 figures of a period, carried by ``period_stats`` (core/stats.py).

Definitions (the README's statistics section and the reports' note say the same in Chinese):

* Period: calendar days ``start``..``end`` up to the end of the cut-off day (``end``, or today).
* 办结 (completed): intakes 办结 in the period. 已评价 (rated): of those, the ones rated by the end of
  the period. 评价率 = rated ÷ completed.
* 收到评价 (ratings received): ratings recorded in the period, whatever the intake's dates.
  满意率 = (非常满意 + 满意) ÷ ratings received. 差评 = 不满意 + 非常不满意 received; 申诉: of the ratings
  received, those marked 申诉 by the end of the period (they stay counted in every figure).
* 整改率 = bad ratings received whose 整改 was completed by the end of the period ÷ bad ratings received;
  按时整改率 = those completed on or before their deadline ÷ bad ratings received.
* By service and by staff member: each intake and rating under the intake's service and the staff
  member who received it. Rates are blank when their denominator is 0.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peewee import JOIN, fn

from gridstation.core.evaluation.rules import BAD, SATISFIED
from gridstation.core.intake.intakes import COMPLETED
from gridstation.core.rules import clock
from gridstation.core.rules.counters import Counters
from gridstation.core.rules.rates import percent
from gridstation.core.storage import models as m
from gridstation.core.storage.counting import count_if

NO_STAFF = "未登记人员"


@dataclass
class RatingTally(Counters):
    completed: int = 0
    rated: int = 0
    received: int = 0
    satisfied: int = 0
    bad: int = 0
    appealed: int = 0
    rectified: int = 0
    rectified_on_time: int = 0


    @staticmethod
    def _rate(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    @property
    def rating_rate(self) -> float | None:
        return self._rate(self.rated, self.completed)

    @property
    def satisfaction_rate(self) -> float | None:
        return self._rate(self.satisfied, self.received)

    @property
    def rectify_rate(self) -> float | None:
        return self._rate(self.rectified, self.bad)

    @property
    def on_time_rectify_rate(self) -> float | None:
        return self._rate(self.rectified_on_time, self.bad)


@dataclass
class RatingFigures:
    total: RatingTally = field(default_factory=RatingTally)
    by_service: dict[str, RatingTally] = field(default_factory=dict)
    by_staff: dict[str, RatingTally] = field(default_factory=dict)


def rating_figures(start: dt.date, end: dt.date, today: dt.date | None = None) -> RatingFigures:
    today = today or clock.today()
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(min(end, today) + dt.timedelta(days=1), dt.time())
    I, R, C = m.Intake, m.Rating, m.Rectification  # noqa: N806, E741 - the tables, as in SQL
    completed = (I.select(I.service, I.staff, fn.COUNT(I.id), count_if(R.at < hi))
                 .join(R, JOIN.LEFT_OUTER, on=(R.intake == I.id))
                 .where((I.status == COMPLETED) & (I.completed_at >= lo) & (I.completed_at < hi))
                 .group_by(I.service, I.staff))
    bad = R.level.in_(BAD)
    closed = C.closed_at < hi
    received = (R.select(R.service, R.staff, fn.COUNT(R.id), count_if(R.level.in_(SATISFIED)), count_if(bad),
                         count_if(R.appealed_at < hi), count_if(bad & closed),
                         count_if(bad & closed & (fn.date(C.closed_at) <= C.due_date)))
                .join(C, JOIN.LEFT_OUTER, on=(C.rating == R.id))
                .where((R.at >= lo) & (R.at < hi)).group_by(R.service, R.staff))
    services = {s.id: s.name for s in m.ServiceType.select(m.ServiceType.id, m.ServiceType.name)}
    staff = {s.id: s.display_name for s in m.Staff.select(m.Staff.id, m.Staff.display_name)}
    figures = RatingFigures()

    def add(service_id: int, staff_id: int | None, tally: RatingTally) -> None:
        figures.total.add(tally)
        figures.by_service.setdefault(services.get(service_id, ""), RatingTally()).add(tally)
        figures.by_staff.setdefault(staff.get(staff_id, NO_STAFF), RatingTally()).add(tally)

    for service_id, staff_id, n, rated in completed.tuples():
        add(service_id, staff_id, RatingTally(completed=int(n), rated=int(rated or 0)))
    for service_id, staff_id, *counts in received.tuples():
        add(service_id, staff_id, RatingTally(0, 0, *[int(c or 0) for c in counts]))
    return figures


def year_sentence(t: RatingTally) -> str:
    """The annual work summary's 好差评 sentence; empty when nothing was rated."""
    if not t.received:
        return ""
    sentence = f"收到群众评价{t.received}件，满意率{percent(t.satisfaction_rate)}"
    if t.bad:
        sentence += f"；差评{t.bad}件，整改率{percent(t.rectify_rate)}"
    return sentence + "。"
