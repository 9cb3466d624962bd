"""The words and rules of a grid event: statuses, levels, sources, its time limit and the overdue rule.

One place for each, so the lists, the figures and the documents agree.
"""

from __future__ import annotations

import calendar
import datetime as dt

import peewee

from gridstation.core.rules import clock
from gridstation.core.station.opening_days import Calendar, station_calendar
from gridstation.core.storage import models as m

REGISTERED, HANDLING, CLOSED = "登记", "处置中", "已销号"
STATUSES = (REGISTERED, HANDLING, CLOSED)
OPEN_STATUSES = (REGISTERED, HANDLING)
OVERDUE = "逾期"

NORMAL, URGENT = "一般", "紧急"
LEVELS = (NORMAL, URGENT)

PATROL, RESIDENT_REPORT, ASSIGNED_FROM_ABOVE, HOTLINE = "巡查发现", "居民反映", "上级交办", "12345"
SOURCES = (PATROL, RESIDENT_REPORT, ASSIGNED_FROM_ABOVE, HOTLINE)

IN_GRID, REPORTED_UP = "网格内处置", "上报街道"

REPORTER, INVOLVED, PARTY = "反映人", "涉及", "当事人"

MEDIATION_SUCCESS, MEDIATION_FAILED = "调解成功", "调解不成"

BEFORE, AFTER = "处置前", "处置后"

# Step names in the history (EventStep.action); the figures count 返工 steps.
STEP_REGISTER, STEP_IN_GRID, STEP_REPORT, STEP_ANSWER, STEP_ASSIGN = "登记", "网格内处置", "上报街道", "街道答复", "分派"
STEP_NOTE, STEP_CLOSE, STEP_REOPEN, STEP_VISIT, STEP_PHOTO = "进展", "销号", "返工", "回访", "照片"
STEP_PARTY, STEP_SESSION, STEP_OUTCOME = "当事人", "调解", "调解结果"


def add_one_month(day: dt.date) -> dt.date:
    """The same day next month (the month's last day when the next month is shorter)."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date_for(found: dt.date, level: str, category: m.EventCategory, *,
                 calendar: Calendar | None = None) -> dt.date:
    """The event's time limit: the category's working days for its level, counted on the station's
    open days. A dispute (a mediation category) of level 一般 has a month instead, moved to the next
    open day, because people's mediation is normally concluded within a month (人民调解工作若干规定).

    The open days are the station's calendar unless one is given (demo data reads it once).
    """
    calendar = calendar or station_calendar()
    if category.mediation and level == NORMAL:
        return calendar.next_open_day(add_one_month(found))
    days = category.urgent_days if level == URGENT else category.normal_days
    return calendar.add_working_days(found, days)


def overdue_condition(today: dt.date) -> peewee.Expression:
    """The overdue rule as a query: not yet closed and its due date before today."""
    return m.GridEvent.status.in_(OPEN_STATUSES) & (m.GridEvent.due_date < today)


def is_overdue(event: m.GridEvent, today: dt.date | None = None) -> bool:
    return event.status in OPEN_STATUSES and event.due_date < (today or clock.today())
