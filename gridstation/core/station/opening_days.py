"""The days the station is open, asked in one place: due dates of tools, 整改 and ratings, events.

A day is open or closed by, in this order:

1. the station's own days (the head's corrections on the 开放日与节假日 screen): ``workdays`` open,
   ``holidays`` closed;
2. the national calendar, when the station follows it (``national_calendar``, on by default): public
   holidays closed, make-up working days (调休上班) open. A release ships it as
   ``resources/calendar/national.json`` (written by ``installer/national_calendar.py`` from the
   ``holidays`` package), so an offline PC knows the coming year; a year marked provisional is the
   rule-based one until the State Council's arrangement is in a release;
3. the station's open weekdays (``open_weekdays``, Monday to Friday unless the head sets others).

A due date that falls on a closed day moves to the next open day; working-day limits count open days.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m
from gridstation.core.storage import paths, settings
from gridstation.core.storage.db import write_transaction

# A station open on no day at all is a settings mistake; stop looking after a year rather than loop.
_SEARCH_DAYS = 366
WEEKDAY_NAMES = ("周一", "周二", "周三", "周四", "周五", "周六", "周日")
OPEN, CLOSED = "上班", "休息"
NATIONAL, STATION = "国家安排", "本站设定"


@dataclass(frozen=True)
class NationalYear:
    """One year of the shipped national calendar: closed days and make-up working days with their names."""

    closed: dict[dt.date, str] = field(default_factory=dict)
    opened: dict[dt.date, str] = field(default_factory=dict)
    provisional: bool = False
    known: bool = True


@lru_cache(maxsize=1)
def _national_file() -> dict:
    try:
        return json.loads(paths.resource("calendar", "national.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"years": {}}  # a damaged install still counts weekdays; the screen says the year is unknown


@lru_cache(maxsize=64)
def national_year(year: int) -> NationalYear:
    """The shipped national calendar of ``year``; ``known`` is false for a year the release does not carry."""
    found = _national_file()["years"].get(str(year))
    if found is None:
        return NationalYear(known=False)
    return NationalYear({dt.date.fromisoformat(d): n for d, n in found["closed"].items()},
                        {dt.date.fromisoformat(d): n for d, n in found["open"].items()}, bool(found["provisional"]))


@dataclass(frozen=True)
class Calendar:
    """Which days are open: the station's own days over the national calendar over the weekdays."""

    open_weekdays: frozenset[int]
    closed: frozenset[dt.date] = frozenset()
    opened: frozenset[dt.date] = frozenset()
    national: bool = False

    def is_open(self, day: dt.date) -> bool:
        if day in self.opened:
            return True
        if day in self.closed:
            return False
        if self.national:
            year = national_year(day.year)
            if day in year.opened:
                return True
            if day in year.closed:
                return False
        return day.weekday() in self.open_weekdays

    def next_open_day(self, day: dt.date) -> dt.date:
        """``day`` itself if the station is open then, else the first open day after it. With no open
        day in the coming year the day is returned unchanged, so a mistaken setting never blocks lending."""
        for offset in range(_SEARCH_DAYS):
            candidate = day + dt.timedelta(days=offset)
            if self.is_open(candidate):
                return candidate
        return day

    def add_working_days(self, day: dt.date, days: int) -> dt.date:
        """The ``days``-th open day after ``day`` (the day found does not count, as a working-day limit is read)."""
        for _ in range(days):
            day = self.next_open_day(day + dt.timedelta(days=1))
        return day


def _dates(values: Iterable[str | dt.date]) -> frozenset[dt.date]:
    return frozenset(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v)) for v in values)


def station_calendar() -> Calendar:
    """The station's calendar from its settings (read each time: another window may have changed them)."""
    return Calendar(frozenset(settings.get("open_weekdays") or []), _dates(settings.get("holidays") or []),
                    _dates(settings.get("workdays") or []), bool(settings.get("national_calendar")))


@dataclass(frozen=True)
class DayRow:
    """A day of the year that is not simply its weekday: what it is, its name, and who decided it."""

    day: dt.date
    state: str  # OPEN or CLOSED
    name: str
    source: str  # NATIONAL or STATION


def special_days(year: int) -> list[DayRow]:
    """The year's days that differ from the plain weeks, in date order, as the screen lists them: the
    national ones the station follows and the station's own corrections (which win)."""
    calendar = station_calendar()
    rows: dict[dt.date, DayRow] = {}
    if calendar.national:
        national = national_year(year)
        rows.update({d: DayRow(d, CLOSED, n, NATIONAL) for d, n in national.closed.items()})
        rows.update({d: DayRow(d, OPEN, n, NATIONAL) for d, n in national.opened.items()})
    for day in calendar.closed:
        if day.year == year:
            rows[day] = DayRow(day, CLOSED, "本站休息", STATION)
    for day in calendar.opened:
        if day.year == year:
            rows[day] = DayRow(day, OPEN, "本站开放", STATION)
    return [rows[d] for d in sorted(rows)]


def _save(actor: m.Staff | None, changes: dict[str, object], what: str) -> None:
    current = {key: settings.get(key) for key in changes}
    changed = {key: value for key, value in changes.items() if current[key] != value}
    if not changed:
        return
    with write_transaction():
        for key, value in changed.items():
            settings.put(key, value)
        audit.record(actor, "修改开放日", "setting", what, before={k: current[k] for k in changed}, after=changed)


def set_week(actor: m.Staff | None, open_weekdays: Iterable[int], national: bool) -> None:
    """The weekdays the station opens and whether it follows the national holidays (head)."""
    require(actor, HEAD)
    days = sorted({int(d) for d in open_weekdays})
    if not days or any(d < 0 or d > 6 for d in days):
        raise DomainError("每周至少要有一个开放日。", field="open_weekdays")
    _save(actor, {"open_weekdays": days, "national_calendar": bool(national)}, "每周开放日")


def set_day(actor: m.Staff | None, day: dt.date, state: str | None) -> None:
    """Mark ``day`` open or closed for this station, or (``None``) let the national calendar and the
    weekday decide it again (head). A day is in at most one of the station's two lists."""
    require(actor, HEAD)
    if state not in (OPEN, CLOSED, None):
        raise DomainError("只能设为上班或休息。", field="state")
    if not 2000 <= day.year <= 2100:
        raise DomainError("日期应在2000年至2100年之间。", field="day")
    iso = day.isoformat()
    closed = [d for d in settings.get("holidays") or [] if d != iso]
    opened = [d for d in settings.get("workdays") or [] if d != iso]
    (closed if state == CLOSED else opened if state == OPEN else []).append(iso)
    _save(actor, {"holidays": sorted(closed), "workdays": sorted(opened)}, iso)
