"""The grid register's part of a station's monthly summary file and of the district roll-up.

In the summary file (see core/statistics/district.py, version 2) the key ``grids`` holds the month's
totals, the fields of ``GridTally`` as non-negative integers, and ``levels``: the grids open on the
cut-off day by level and kind ({"四级": {"综合网格": 6}}). A version-1 file, written before the register
had figures, has no such key and counts as zero. The district recomputes 户/网格员 from the summed counts.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from typing import Any

from gridstation.core.grids import rules as grid_rules
from gridstation.core.grids.figures import GridFigures, GridTally
from gridstation.core.rules.person_names import has_invisible
from gridstation.core.statistics import grid_tables
from gridstation.core.statistics.stats import PeriodStats
from gridstation.core.statistics.stats_tables import Item
from gridstation.core.statistics.summary_values import checked_count

KEYS = [f.name for f in fields(GridTally)]
KEY = "grids"
ITEMS: list[Item] = grid_tables.ITEMS


def summary_part(stats: PeriodStats) -> dict[str, Any]:
    figures = stats.grid_register
    return {**{key: int(getattr(figures.total, key)) for key in KEYS},
            "levels": {level: {kind: int(n) for kind, n in kinds.items()} for level, kinds in figures.levels.items()}}


def _count(value: object, where: str) -> int:
    return int(checked_count(value, where))


def _word(value: object, known: Sequence[str], where: str) -> str:
    """A level or a kind of a summary file: a station's own level is a short plain word, a kind one of KINDS."""
    word = str(value)
    if known and word not in known:
        raise ValueError(f"{where} 应为{'、'.join(known)}之一，而不是 {word!r}")
    if not word or len(word) > grid_rules.LEVEL_LIMIT or has_invisible(word) or word[0] in "=+-@":
        raise ValueError(f"{where} 不是网格层级的名称：{word!r}")
    return word


def parse_part(data: dict[str, Any]) -> GridFigures:
    """The grid figures of a summary file (zero where the file has none); ValueError for a figure that is
    not a non-negative integer."""
    raw = data.get(KEY, {})
    if not isinstance(raw, dict):
        raise TypeError(f"{KEY} 应为对象")
    levels = raw.get("levels", {})
    if not isinstance(levels, dict) or not all(isinstance(kinds, dict) for kinds in levels.values()):
        raise TypeError(f"{KEY}.levels 应为对象")
    return GridFigures(
        total=GridTally(**{key: _count(raw.get(key, 0), f"{KEY}.{key}") for key in KEYS}),
        levels={_word(level, (), f"{KEY}.levels"): {_word(kind, grid_rules.KINDS, f"{KEY}.levels.{level}"):
                                                        _count(n, f"{KEY}.levels.{level}") for kind, n in kinds.items()}
                for level, kinds in levels.items()})


def combined(stations: Iterable[PeriodStats]) -> GridFigures:
    """The stations' grids added up (each station's people are its own, so their counts add too)."""
    figures = GridFigures()
    for stats in stations:
        figures.total.add(stats.grid_register.total)
        for level, kinds in stats.grid_register.levels.items():
            into = figures.levels.setdefault(level, {})
            for kind, n in kinds.items():
                into[kind] = into.get(kind, 0) + n
    return figures
