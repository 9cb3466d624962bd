"""The station's open days: weekdays, the shipped national calendar (holidays and 调休), the head's own days."""

from __future__ import annotations

import datetime as dt
import json
import sys

import pytest

from gridstation.core.evaluation import rules as rating_rules
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.station import opening_days
from gridstation.core.station.opening_days import CLOSED, NATIONAL, OPEN, STATION, Calendar
from gridstation.core.storage import models as m
from gridstation.core.storage import paths
from gridstation.core.toolbox import tool_units
from tests.helpers import ROOT, snapshot

pytestmark = pytest.mark.both_backends


def test_the_national_calendar_closes_holidays_and_opens_make_up_days(site_db):
    calendar = opening_days.station_calendar()
    assert calendar.open_weekdays == frozenset({0, 1, 2, 3, 4}) and calendar.national  # the default
    assert not calendar.is_open(dt.date(2026, 10, 1))  # 国庆节, a Thursday
    assert calendar.is_open(dt.date(2026, 10, 10))  # a Saturday worked for the National Day holiday
    assert not calendar.is_open(dt.date(2026, 10, 17))  # an ordinary Saturday
    # 差评整改: five working days from Tue 29 Sep: 30 Sep, 8, 9, 10 (Sat, 调休) and 12 Oct.
    assert rating_rules.rectify_due(dt.date(2026, 9, 29)) == dt.date(2026, 10, 12)
    # A tool lent on Friday 4 Dec for 8 days is due on Monday 14 Dec, not on Saturday 12 Dec.
    assert tool_units.default_due_date(dt.date(2026, 12, 4), 8) == dt.date(2026, 12, 14)


def test_the_head_corrects_single_days_and_the_week(site_db, head, clerk):
    opening_days.set_day(head, dt.date(2026, 10, 8), CLOSED)  # the station stays closed one more day
    opening_days.set_day(head, dt.date(2026, 10, 10), CLOSED)  # and does not work the make-up Saturday
    opening_days.set_day(head, dt.date(2026, 10, 7), OPEN)  # but opens on the last day of the holiday
    calendar = opening_days.station_calendar()
    assert [calendar.is_open(dt.date(2026, 10, d)) for d in (7, 8, 9, 10)] == [True, False, True, False]
    rows = {r.day: r for r in opening_days.special_days(2026)}
    assert (rows[dt.date(2026, 10, 1)].state, rows[dt.date(2026, 10, 1)].source) == (CLOSED, NATIONAL)
    assert (rows[dt.date(2026, 10, 7)].state, rows[dt.date(2026, 10, 7)].source) == (OPEN, STATION)
    assert (rows[dt.date(2026, 10, 10)].state, rows[dt.date(2026, 10, 10)].source) == (CLOSED, STATION)
    opening_days.set_day(head, dt.date(2026, 10, 10), None)  # back to the national arrangement
    assert opening_days.station_calendar().is_open(dt.date(2026, 10, 10))
    opening_days.set_week(head, [0, 1, 2, 3, 4, 5], national=False)
    calendar = opening_days.station_calendar()
    assert calendar.is_open(dt.date(2026, 10, 1)) and calendar.is_open(dt.date(2026, 10, 17))
    actions = [e.action for e in m.AuditLog.select().where(m.AuditLog.action == "修改开放日")]
    assert len(actions) == 5
    before = snapshot()
    with pytest.raises(PermissionDenied):
        opening_days.set_day(clerk, dt.date(2026, 10, 9), CLOSED)
    with pytest.raises(PermissionDenied):
        opening_days.set_week(clerk, [0, 1, 2, 3, 4], national=True)
    with pytest.raises(DomainError, match="至少要有一个开放日"):
        opening_days.set_week(head, [], national=True)
    with pytest.raises(DomainError, match="2000年至2100年"):
        opening_days.set_day(head, dt.date(1899, 12, 31), CLOSED)
    assert snapshot() == before


def test_a_year_the_release_does_not_carry_counts_weeks_only():
    year = opening_days.national_year(2099)
    assert not year.known and not year.closed
    calendar = Calendar(frozenset({0, 1, 2, 3, 4}), national=True)
    assert calendar.is_open(dt.date(2099, 10, 1))  # a Thursday, no national data: open


def test_the_shipped_calendar_is_the_holidays_package_data():
    """resources/calendar/national.json is what installer/national_calendar.py writes from the pinned
    ``holidays`` package; a changed file or package version shows here."""
    sys.path.insert(0, str(ROOT / "installer"))
    try:
        import national_calendar
    finally:
        sys.path.remove(str(ROOT / "installer"))
    shipped = json.loads(paths.resource("calendar", "national.json").read_text(encoding="utf-8"))
    last = max(int(y) for y in shipped["years"])
    assert shipped == national_calendar.build(last)
    assert shipped["years"]["2026"]["open"]["2026-10-10"] == "调休上班"
    assert shipped["years"]["2026"]["closed"]["2026-10-01"] == "国庆节"
    assert not shipped["years"]["2026"]["provisional"]
