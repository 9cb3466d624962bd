"""Demo grid events: every state present, the app's own rules hold (numbers, due dates, history),
the same seed gives the same events, and real work continues on top of them."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from gridstation.core.events import figures, handling, lists, rules
from gridstation.core.events.numbering import NUMBER_RE
from gridstation.core.events.register import EventInput, add_photo, register_event
from gridstation.core.rules import clock
from gridstation.core.station import station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.demo import demo

AS_OF = (clock.now() - dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
TABLES = ["grid_event", "event_step", "event_party", "mediation_session", "event_partner"]


def build(path: Path, seed: int = 3) -> None:
    station.open_site(str(path))
    station.init_station("测试服务站", "admin", "secret123")
    try:
        demo.generate(residents=400, intakes=3000, loans=50, seed=seed, as_of=AS_OF)
    finally:
        dbmod.close_database()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("events-demo") / "demo.db"
    build(path)
    return path


def rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY 1').fetchall() for t in TABLES}
    finally:
        conn.close()


def test_the_events_follow_the_apps_rules(demo_file, tmp_path):
    station.open_site(str(demo_file))
    try:
        events = list(m.GridEvent.select())
        assert len(events) == 300  # one event for every ten intakes
        assert {e.status for e in events} == {rules.HANDLING, rules.CLOSED}
        assert {e.route for e in events} >= {rules.IN_GRID, rules.REPORTED_UP}
        assert {e.category for e in events} == {c.name for c in lists.categories()}
        # found by the grid's people of the register (the demo's 网格长 and 网格员), logins or not
        assert all(e.finder_id is not None for e in events)
        assert {e.assigned_to_id for e in events if e.partner_id is None and e.routed_at} <= {e.finder_id for e in events}
        categories = {c.name: c for c in lists.categories()}
        for e in events:
            assert NUMBER_RE.fullmatch(e.number) and e.number[2:10] == f"{e.found_at:%Y%m%d}"
            assert e.due_date == rules.due_date_for(e.found_at.date(), e.level, categories[e.category])
            assert e.found_at <= AS_OF and (e.closed_at is None or e.found_at <= e.closed_at <= AS_OF)
            assert (e.status == rules.CLOSED) == (e.closed_at is not None)
            if categories[e.category].mediation and e.status == rules.CLOSED:
                assert e.mediation_outcome in (rules.MEDIATION_SUCCESS, rules.MEDIATION_FAILED)
            if e.visited_at is not None:
                assert e.source == rules.RESIDENT_REPORT and e.visit_view
        closes = m.EventStep.select().where(m.EventStep.action == rules.STEP_CLOSE).count()
        reopens = m.EventStep.select().where(m.EventStep.action == rules.STEP_REOPEN).count()
        assert closes == sum(e.status == rules.CLOSED for e in events) + reopens
        year = figures.event_figures(AS_OF.date() - dt.timedelta(days=364), AS_OF.date())
        assert year.total.found == 300 and 0.5 < year.total.completion_rate <= 1
        assert year.total.mediations > 0 and year.total.overdue > 0
        # Real work continues the day's numbering and the demo events move on as any other.
        clerk = m.Staff.get(m.Staff.username == "lixia")
        last = m.GridEvent.select().order_by(m.GridEvent.found_at.desc()).first()
        new = register_event(clerk, EventInput("其他", rules.NORMAL, "新发现", rules.PATROL, found_at=last.found_at))
        assert int(new.number[-4:]) == int(last.number[-4:]) + 1
        open_one = m.GridEvent.get(m.GridEvent.status == rules.HANDLING, m.GridEvent.category != "矛盾纠纷")
        if categories[open_one.category].after_photo:
            picture = tmp_path / "after.png"
            picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(40)))
            add_photo(clerk, open_one.number, picture, rules.AFTER)
        assert handling.close(clerk, open_one.number, "已处理").status == rules.CLOSED
    finally:
        dbmod.close_database()


def test_same_seed_same_events(tmp_path):
    first, again = tmp_path / "first.db", tmp_path / "again.db"
    build(first)
    build(again)
    assert rows(again) == rows(first)
