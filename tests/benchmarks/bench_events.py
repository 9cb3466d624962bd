"""Grid events at 100 000 events (a tenth with --quick; the scale's residents at a smaller --scale).

- ``event_register_ms``: events.register.register_event (number, due date from the open days,
  reporter, history, audit entry, durable commit), median after the first, on a copy of the demo
  database topped up to the target number of events with the demo generator.
- ``event_grid_open_list_p95_ms``: the first page (200 rows) of one grid's open events with their
  reporters, as the events page loads it, p95 over every grid; beside the same page read with a raw
  sqlite3 query.
- ``event_month_figures_ms``: the grid-event figures of last month with the breakdowns by grid,
  worker and category (what ``period_stats`` adds to a monthly report), median of the rounds.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3

from common import Context, Figure, median, ms_since, opened, p95, time_ms

from gridstation.core.rules import clock

ROUNDS = 30
FULL = 100_000
PAGE = 200


def target_events(ctx: Context) -> int:
    if ctx.quick:
        return max(ctx.scale.residents // 10, 100)
    return FULL


def run(ctx: Context) -> list[Figure]:
    import time

    from gridstation.core.events import queries, rules
    from gridstation.core.events.figures import event_figures
    from gridstation.core.events.register import EventInput, PartyInput, register_event
    from gridstation.core.station.roles import HEAD
    from gridstation.core.statistics.stats import month_end
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m
    from gridstation.demo.demo_events import write_events

    copy = ctx.copy_db("events.db")
    with opened(copy):
        head = m.Staff.select().where(m.Staff.role == HEAD).first()
        missing = target_events(ctx) - m.GridEvent.select().count()
        with dbmod.write_transaction():
            write_events(random.Random("bench:events"), missing, head.id, clock.now() - dt.timedelta(hours=1))
        grids = [g.id for g in m.Grid.select()]
        register = [time_ms(lambda i=i: register_event(head, EventInput(
            "设施损坏", rules.NORMAL, f"路灯不亮 {i}", rules.RESIDENT_REPORT, grid_id=grids[i % len(grids)],
            reporter=PartyInput(name="张三", phone="13812345678")))) for i in range(ROUNDS)]
        lists = []
        for grid_id in grids * max(1, ctx.repeat):
            start = time.perf_counter()
            rows = list(queries.query_events(queries.EventFilter(which=queries.OPEN, grid_id=grid_id)).limit(PAGE))
            queries.reporters([e.id for e in rows])
            lists.append(ms_since(start))
        first = (clock.today().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
        month = [time_ms(lambda: event_figures(first, month_end(first))) for _ in range(max(1, ctx.repeat))]
    raw = _raw_lists(copy, grids * max(1, ctx.repeat))
    return [Figure("event_register_ms", median(register[1:]), "ms", None, None),
            Figure("event_grid_open_list_p95_ms", p95(lists), "ms", "raw_sqlite_grid_open_list_p95_ms", p95(raw)),
            Figure("event_month_figures_ms", median(month), "ms", None, None)]


def _raw_lists(path, grids: list[int]) -> list[float]:
    import time

    conn = sqlite3.connect(path)
    try:
        out = []
        for grid_id in grids:
            start = time.perf_counter()
            rows = conn.execute("SELECT * FROM grid_event WHERE grid_id = ? AND status IN ('登记', '处置中') "
                                "ORDER BY due_date, id LIMIT ?", (grid_id, PAGE)).fetchall()
            ids = [r[0] for r in rows]
            conn.execute(f"SELECT * FROM event_party WHERE role = '反映人' AND event_id IN ({','.join('?' * len(ids))})",
                         ids).fetchall()
            out.append(ms_since(start))
        return out
    finally:
        conn.close()
