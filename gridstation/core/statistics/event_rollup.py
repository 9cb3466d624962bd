"""The grid-event part of a station's monthly summary file and of the district roll-up.

In the summary file (see core/statistics/district.py) the key ``events`` holds the month's totals, the fields
of ``EventTally`` as non-negative integers. A file written before stations kept events has no such
key and counts as zero. The district recomputes both rates from the summed counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import fields
from typing import Any

from gridstation.core.events.figures import EventFigures, EventTally
from gridstation.core.statistics.event_tables import MEASURES
from gridstation.core.statistics.stats import PeriodStats
from gridstation.core.statistics.stats_tables import Item

KEYS = [f.name for f in fields(EventTally)]
KEY = "events"
ITEMS: list[Item] = [(label, lambda s, get=get: get(s.events.total)) for label, get in MEASURES]


def summary_part(stats: PeriodStats) -> dict[str, int]:
    return {key: int(getattr(stats.events.total, key)) for key in KEYS}


def parse_part(data: dict[str, Any]) -> EventFigures:
    """The events of a summary file; ValueError for a figure that is not a non-negative integer."""
    raw = data.get(KEY, {})
    if not isinstance(raw, dict):
        raise TypeError(f"{KEY} 应为对象")
    values = {}
    for key in KEYS:
        value = raw.get(key, 0)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(f"{KEY}.{key} 应为非负整数，而不是 {value!r}")
        values[key] = value
    return EventFigures(total=EventTally(**values))


def combined(stations: Iterable[PeriodStats]) -> EventFigures:
    total = EventTally()
    for stats in stations:
        total.add(stats.events.total)
    return EventFigures(total=total)
