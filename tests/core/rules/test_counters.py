"""Counters add field by field; a labelled row adds only the counts of its counting base."""

from __future__ import annotations

from dataclasses import dataclass, field

from gridstation.core.rules.counters import Counters


@dataclass
class Counts(Counters):
    found: int = 0
    closed: int = 0


@dataclass
class LabelledRow(Counts):
    name: str = ""
    by_action: dict[str, int] = field(default_factory=dict)


def test_counts_add_field_by_field():
    total = Counts(1, 2)
    total.add(Counts(10, 20))
    assert total == Counts(11, 22)


def test_a_labelled_row_adds_only_the_counts_and_keeps_its_labels():
    row = LabelledRow(1, 1, name="讨薪", by_action={"欠薪投诉": 1})
    row.add(LabelledRow(2, 3, name="别的", by_action={"欠薪投诉": 5}))
    assert (row.found, row.closed, row.name, row.by_action) == (3, 4, "讨薪", {"欠薪投诉": 1})
