"""Counters that add up: the figures of a service, a grid, a worker or a station are summed into the
totals (and the district sums stations) field by field, so a new counter needs no new adding code."""

from __future__ import annotations

from dataclasses import fields
from typing import Self


class Counters:
    """Base of a dataclass whose fields are all counts.

    A row that subclasses such a class to carry labels as well (a service's code and name) still adds
    only the counts: the fields of the class that derives from ``Counters`` directly.
    """

    def add(self, other: Self) -> None:
        counted = next(cls for cls in type(self).__mro__ if Counters in cls.__bases__)
        for field in fields(counted):
            setattr(self, field.name, getattr(self, field.name) + getattr(other, field.name))
