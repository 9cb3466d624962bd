"""The care domain's words and rules, one function each: the calendar period of a frequency, the rule of a
resident with several tags, which ways count, and whether a period is visited, due or overdue.

No storage here: the services read the rows and ask these functions, so the due list, the figures and the
task sheet judge a resident the same way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.free_text import clean_text
from gridstation.core.station.upgrade_care import (
    CARE,
    HALF_YEARLY,
    MONTHLY,
    QUARTERLY,
    SUPERVISION,
    WEEKLY,
)

CLASSES = (CARE, SUPERVISION)
FREQUENCIES = (WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY)  # most frequent first
HOME, PHONE, VIDEO = "上门", "电话", "视频"
WAYS = (HOME, PHONE, VIDEO)
SOURCES = ("名单", "走访", "手工", "备注")  # a roster, a visit, by hand, moved from a resident's 备注
BY_HAND, FROM_NOTE = "手工", "备注"
# The visit's checklist: each item 正常 or 需关注, with a word.
CHECK_ITEMS = ("身体状况", "精神状态", "用水安全", "用电安全", "燃气安全", "取暖安全", "卫生状况", "住房状况", "家庭支持")
CHECK_STATES = ("正常", "需关注")
FOLLOW_UPS = ("无", "事件", "需求", "转介")
NO_FOLLOW_UP, EVENT_FOLLOW_UP = "无", "事件"
VISITED, DUE, OVERDUE = "已走访", "待走访", "逾期"
CHANGE_KINDS = ("住院", "丧偶/丧亲", "独居", "重病", "突发困难")  # examples; a station writes its own
TAG_NAME_LIMIT = 20


@dataclass(frozen=True)
class Rule:
    """How often a resident is visited and which ways count."""

    frequency: str
    ways: frozenset[str]


def period_of(frequency: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The calendar period of ``frequency`` containing ``day``, first and last day.

    Periods are calendar ones (a week from Monday, a month, a quarter, a half-year), not a count of days
    from the last visit: the policy's 月探访率 asks that a monthly resident be visited once in every calendar
    month, so a visit on 31 January does not cover February.
    """
    if frequency == WEEKLY:
        start = day - dt.timedelta(days=day.weekday())
        return start, start + dt.timedelta(days=6)
    months = {MONTHLY: 1, QUARTERLY: 3, HALF_YEARLY: 6}.get(frequency)
    if months is None:
        raise DomainError(f"走访频次应为{'、'.join(FREQUENCIES)}之一。", field="frequency")
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    after = dt.date(day.year + (first_month + months > 12), (first_month + months - 1) % 12 + 1, 1)
    return start, after - dt.timedelta(days=1)


def check_frequency(text: str) -> str:
    """One of FREQUENCIES, or "" for a tag that asks no visits by itself (most supervision tags)."""
    frequency = (text or "").strip()
    if frequency and frequency not in FREQUENCIES:
        raise DomainError(f"走访频次应为{'、'.join(FREQUENCIES)}之一，或留空。", field="frequency")
    return frequency


def check_ways(ways: Iterable[str]) -> str:
    """The ways that count, stored "、"-joined in WAYS order. 上门 always counts: it is the visit the other
    ways stand in for, and a rule no visit could meet would leave a resident due for ever."""
    chosen = set(ways)
    unknown = chosen - set(WAYS)
    if unknown:
        raise DomainError(f"走访方式应为{'、'.join(WAYS)}。", field="ways")
    return "、".join(way for way in WAYS if way in chosen | {HOME})


def ways_of(stored: str) -> frozenset[str]:
    return frozenset(w for w in stored.split("、") if w)


def check_tag_name(text: str) -> str:
    return clean_text(text, "标签名称", TAG_NAME_LIMIT, required=True, field="name")


def check_class(text: str) -> str:
    if text not in CLASSES:
        raise DomainError(f"标签类别应为{'、'.join(CLASSES)}。", field="klass")
    return text


def ruling_rule(rules: Iterable[Rule]) -> Rule | None:
    """The rule of a resident with several tags: the most frequent one, since visiting at that pace meets
    every slower rule too; where tags of that frequency disagree on the ways, only the ways every one of
    them accepts count (a 独居 tag asking 上门 is not met by a call another tag would accept). None when
    no tag asks visits."""
    asking = [rule for rule in rules if rule.frequency]
    if not asking:
        return None
    frequency = min((rule.frequency for rule in asking), key=FREQUENCIES.index)
    ways = frozenset(WAYS)
    for rule in asking:
        if rule.frequency == frequency:
            ways &= rule.ways
    return Rule(frequency, ways | {HOME})


def counts(way: str, rule: Rule) -> bool:
    """Whether a visit made this way meets the rule (a call meets a monthly contact, not a 上门 rule)."""
    return way in rule.ways


def period_state(period: tuple[dt.date, dt.date], last_counting_visit: dt.date | None, today: dt.date) -> str:
    """已走访 when a visit that counts fell in the period; else 逾期 once the period is over, 待走访 before."""
    start, end = period
    if last_counting_visit is not None and start <= last_counting_visit <= end:
        return VISITED
    return OVERDUE if end < today else DUE


def check_hours(value: object) -> int:
    """The hours a major change gives for a visit: 1 to 168 (a week)."""
    try:
        hours = int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        raise DomainError("重大变故后走访时限（小时）应为整数。", field="hours") from None
    if not 1 <= hours <= 168:
        raise DomainError("重大变故后走访时限应在1至168小时之间。", field="hours")
    return hours
