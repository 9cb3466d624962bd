"""The care rules without storage: calendar periods, several tags, the ways that count, a period's state."""

from __future__ import annotations

import datetime as dt

import pytest

from gridstation.core.care import rules
from gridstation.core.rules.errors import DomainError

D = dt.date


@pytest.mark.parametrize(("frequency", "day", "period"), [
    ("每月", D(2026, 1, 31), (D(2026, 1, 1), D(2026, 1, 31))),
    ("每月", D(2026, 2, 1), (D(2026, 2, 1), D(2026, 2, 28))),
    ("每月", D(2028, 2, 29), (D(2028, 2, 1), D(2028, 2, 29))),
    ("每月", D(2026, 12, 31), (D(2026, 12, 1), D(2026, 12, 31))),
    ("每周", D(2026, 12, 31), (D(2026, 12, 28), D(2027, 1, 3))),  # a week across the year's end
    ("每周", D(2027, 1, 3), (D(2026, 12, 28), D(2027, 1, 3))),
    ("每季度", D(2026, 3, 31), (D(2026, 1, 1), D(2026, 3, 31))),
    ("每季度", D(2026, 4, 1), (D(2026, 4, 1), D(2026, 6, 30))),
    ("每季度", D(2026, 11, 15), (D(2026, 10, 1), D(2026, 12, 31))),
    ("每半年", D(2026, 6, 30), (D(2026, 1, 1), D(2026, 6, 30))),
    ("每半年", D(2026, 7, 1), (D(2026, 7, 1), D(2026, 12, 31))),
])
def test_a_period_is_the_calendar_one_containing_the_day(frequency, day, period):
    assert rules.period_of(frequency, day) == period


def test_a_visit_at_the_end_of_january_does_not_cover_february():
    january_visit = D(2026, 1, 31)
    assert rules.period_state(rules.period_of("每月", D(2026, 2, 10)), january_visit, D(2026, 2, 10)) == rules.DUE
    assert rules.period_state(rules.period_of("每月", D(2026, 2, 28)), january_visit, D(2026, 3, 1)) == rules.OVERDUE
    assert rules.period_state(rules.period_of("每月", D(2026, 1, 5)), january_visit, D(2026, 2, 1)) == rules.VISITED


def test_several_tags_take_the_most_frequent_rule_and_only_the_ways_all_of_its_tags_accept():
    monthly_home = rules.Rule("每月", frozenset({"上门"}))
    monthly_any = rules.Rule("每月", frozenset({"上门", "电话", "视频"}))
    quarterly_any = rules.Rule("每季度", frozenset({"上门", "电话", "视频"}))
    weekly_phone = rules.Rule("每周", frozenset({"上门", "电话"}))
    assert rules.ruling_rule([quarterly_any, monthly_any]) == monthly_any
    assert rules.ruling_rule([monthly_any, monthly_home, quarterly_any]) == monthly_home
    assert rules.ruling_rule([monthly_home, weekly_phone]) == weekly_phone
    assert rules.ruling_rule([rules.Rule("", frozenset({"上门"}))]) is None  # a tag that asks no visits


def test_which_ways_count():
    home_only = rules.Rule("每月", rules.ways_of(rules.check_ways(["上门"])))
    any_way = rules.Rule("每月", rules.ways_of(rules.check_ways(["电话", "视频"])))
    assert not rules.counts("电话", home_only) and rules.counts("上门", home_only)
    assert rules.counts("电话", any_way) and rules.counts("上门", any_way)  # 上门 always counts


def test_bad_words_are_refused_in_chinese():
    with pytest.raises(DomainError, match="走访频次"):
        rules.check_frequency("每天")
    with pytest.raises(DomainError, match="走访方式"):
        rules.check_ways(["写信"])
    with pytest.raises(DomainError, match="1至168"):
        rules.check_hours(0)
    with pytest.raises(DomainError, match="标签类别"):
        rules.check_class("其他")
