"""The care domain at the scale's residents: 5 % of them in care (5 000 of 100 000 in full), a tag or two
each, and a year of visits (60 000 in full), added to a copy of the demo database (the demo has no care
data yet).

- ``care_due_list_ms``: ``care.due.due_list`` for this month as the head sees it (every class), median of
  ``repeat`` rounds, beside the same reading as raw sqlite3 queries (the tags in force with their
  residents, each resident's last visit of each way since the half-year began). The counter's target is
  100 ms; the difference from raw SQL is the visibility check, the workers, the rules and the audited view.
- ``care_visit_save_ms``: ``care.visits.record_visit`` (one visit with its number and audit entry), median
  over 50 saves; the target is 16 ms.
"""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import time

from common import Context, Figure, median, ms_since, opened, time_ms

IN_CARE = 0.05
VISITS_PER_RESIDENT = 0.6  # a year of visits: 60 000 at 100 000 residents
SAVES = 50


def run(ctx: Context) -> list[Figure]:
    from gridstation.core.care import due, visits
    from gridstation.core.rules import clock
    from gridstation.core.station import accounts, roles

    copy = ctx.copy_db("care.db")
    today = clock.today()
    with opened(copy):
        visitor, in_care = _care_data(today, random.Random("bench:care"))
        head = accounts.create_staff(None, "benchhead", "站长", roles.HEAD, "bench-pass-1")
        rounds = [time_ms(lambda: due.due_list(head, today.year, today.month)) for _ in range(max(3, ctx.repeat))]
        saves = []
        for i in range(SAVES):
            data = visits.VisitInput(in_care[i % len(in_care)], today, visitor)
            start = time.perf_counter()
            visits.record_visit(None, data)
            saves.append(ms_since(start))
    raw = [_raw_due(copy, today) for _ in range(max(3, ctx.repeat))]
    return [Figure("care_due_list_ms", median(rounds), "ms", "raw_sqlite_care_due_list_ms", median(raw)),
            Figure("care_visit_save_ms", median(saves), "ms")]


def _care_data(today: dt.date, rnd: random.Random) -> tuple[int, list[int]]:
    """Tags for a share of the residents, a worker for every grid, a year of visits; returns a visitor's id
    and the residents in care."""
    from gridstation.core.storage import db as dbmod
    from gridstation.core.storage import models as m

    with dbmod.write_transaction():
        ids = [rid for (rid,) in m.Resident.select(m.Resident.id).tuples()]
        chosen = sorted(rnd.sample(ids, max(1, int(len(ids) * IN_CARE))))
        tag_ids = [t for (t,) in m.CareTag.select(m.CareTag.id).where(m.CareTag.frequency != "").tuples()]
        since = today - dt.timedelta(days=400)
        rows = [{"resident": rid, "tag": tag, "since": since, "source": "名单"}
                for rid in chosen for tag in rnd.sample(tag_ids, rnd.choice((1, 1, 2)))]
        for start in range(0, len(rows), 500):
            m.ResidentTag.insert_many(rows[start:start + 500]).execute()
        visitor = m.Person.create(name="张网格").id
        for (grid,) in m.Grid.select(m.Grid.id).tuples():
            m.PersonRole.create(person=visitor, role="专职网格员", grid=grid, started_on=since)
        visits = [{"number": f"ZFBENCH{n:07d}", "resident": rnd.choice(chosen), "visitor": visitor,
                   "visited_on": today - dt.timedelta(days=rnd.randrange(365)), "way": rnd.choice(("上门", "电话"))}
                  for n in range(int(len(ids) * VISITS_PER_RESIDENT))]
        for start in range(0, len(visits), 500):
            m.CareVisit.insert_many(visits[start:start + 500]).execute()
    return visitor, chosen


def _raw_due(path, today: dt.date) -> float:
    """The due list's reading as plain queries, fetched whole."""
    conn = sqlite3.connect(path)
    try:
        start = time.perf_counter()
        conn.execute("SELECT r.id, r.name, r.compound, r.building, r.unit, r.room, r.grid_id, r.birth_date, t.name,"
                     " t.frequency, t.ways, t.sensitive FROM resident_tag rt JOIN care_tag t ON t.id = rt.tag_id"
                     " JOIN resident r ON r.id = rt.resident_id WHERE rt.since <= ? AND (rt.until IS NULL OR"
                     " rt.until > ?) AND (r.status = '在册' OR r.status_on > ?)",
                     (today.isoformat(),) * 3).fetchall()
        since = min(dt.date(today.year, 1 if today.month <= 6 else 7, 1), today - dt.timedelta(days=today.weekday()))
        conn.execute("SELECT resident_id, MAX(CASE WHEN way = '上门' THEN visited_on END), MAX(CASE WHEN way = '电话'"
                     " THEN visited_on END), MAX(CASE WHEN way = '视频' THEN visited_on END) FROM care_visit"
                     " WHERE visited_on <= ? AND visited_on >= ? AND (resident_id IN (SELECT resident_id FROM"
                     " resident_tag WHERE until IS NULL OR until > ?) OR resident_id IN (SELECT resident_id FROM"
                     " care_change WHERE visit_id IS NULL)) GROUP BY resident_id",
                     (today.isoformat(), since.isoformat(), today.isoformat())).fetchall()
        return ms_since(start)
    finally:
        conn.close()
