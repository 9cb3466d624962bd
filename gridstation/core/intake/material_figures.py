"""The document-check figures of a period, carried by ``period_stats`` (core/stats.py).

Definitions (the README's statistics section and the reports' note say the same in Chinese):

* 出具一次性告知单: requests saved as 待补正 (a notice printed) in the period.
* 补正完成: of all notices, those whose documents came in the period (the request then became an intake).
* 容缺受理: intakes accepted with documents to follow in the period.
* 容缺补齐: of all 容缺 intakes, those whose documents came in the period.
* 容缺逾期未补齐: at the end of the cut-off day, 容缺 intakes still open whose documents have not come
  and whose 补齐 deadline was before the cut-off day (the rule of ``rules.missing_overdue_condition``).

The period runs from the first day to the end of the cut-off day (``end``, or today while it runs).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.intake.intakes import OPEN_STATUSES
from gridstation.core.intake.material_rules import COMPLETE, DEFERRED, NOTICE
from gridstation.core.rules import clock
from gridstation.core.storage import models as m
from gridstation.core.storage.counting import count_if


@dataclass
class MaterialFigures:
    notices: int = 0
    supplemented: int = 0
    deferred: int = 0
    deferred_supplied: int = 0
    deferred_overdue: int = 0


def material_figures(start: dt.date, end: dt.date, today: dt.date | None = None) -> MaterialFigures:
    today = today or clock.today()
    cutoff = min(end, today)
    lo = dt.datetime.combine(start, dt.time())
    hi = dt.datetime.combine(cutoff + dt.timedelta(days=1), dt.time())
    C, I = m.IntakeMaterials, m.Intake  # noqa: N806, E741 - the tables, as in SQL
    issued = (C.issued_at >= lo) & (C.issued_at < hi)
    supplied = (C.supplied_at >= lo) & (C.supplied_at < hi)
    missing_at_end = C.supplied_at.is_null() | (C.supplied_at >= hi)
    open_at_end = I.status.in_(OPEN_STATUSES) | (I.completed_at >= hi)
    row = (C.select(count_if((C.mode == NOTICE) & issued), count_if((C.mode == NOTICE) & supplied),
                    count_if((C.mode == DEFERRED) & issued), count_if((C.mode == DEFERRED) & supplied),
                    count_if((C.mode == DEFERRED) & (C.issued_at < hi) & missing_at_end & open_at_end
                              & (C.deadline < cutoff)))
           .join(I).where((C.mode != COMPLETE) & (C.issued_at < hi)  # only rows the period can count
                          & ((C.issued_at >= lo) | (C.supplied_at >= lo) | C.supplied_at.is_null()))
           .tuples().first())
    return MaterialFigures(*[int(n or 0) for n in row]) if row else MaterialFigures()
