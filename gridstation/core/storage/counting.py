"""How a figure is counted in SQL: one conditional count, shared by every figure query (intakes,
materials, tools, events, ratings), so each figure is one ``GROUP BY`` pass over its table.

It sits in ``storage`` beside the tables it counts: ``rules`` stays free of SQL, and the figures of
each domain (``events/figures.py``, ``evaluation/figures.py`` …) are built on it from their own
packages.
"""

from __future__ import annotations

import peewee
from peewee import Case, fn


def count_if(condition: peewee.Expression) -> peewee.Expression:
    """The number of rows of the group for which ``condition`` holds (0, never NULL, for rows that
    exist; a ``NULL`` condition does not count)."""
    return fn.SUM(Case(None, [(condition, 1)], 0))
