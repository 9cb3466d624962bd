"""What an import makes besides its own rows — grids, buildings, people — so the dry run lists it by name.

A grid named with a typo in a residents ledger would otherwise become a grid of its own; listed as
「将新增网格2个：第一网格、第一网各」 before anything is written, the typo is seen and mended first.
The importers record each grid, building and person as they make it (``rows.Job.made``): in a dry
run they make it too and the transaction is rolled back, so the list is exactly what the import
would make. The command line and the import wizard's preview both show ``Created.lines``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

GRIDS, BUILDINGS, PEOPLE = "网格", "楼栋", "人员"
# A level or a role the station has not used yet: allowed (a station names its own), but listed, so a
# typo (六级, 专职网格圆) is seen before it becomes one.
LEVELS, ROLES = "层级", "岗位"
LISTED = 20  # names a line lists; the rest are counted


@dataclass
class Created:
    """The things made, by what they are: key (a grid's code, a building's address key, a person's id)
    -> the name staff know it by."""

    made: dict[str, dict[object, str]] = field(
        default_factory=lambda: {GRIDS: {}, BUILDINGS: {}, PEOPLE: {}, LEVELS: {}, ROLES: {}})

    def add(self, what: str, key: object, name: str) -> None:
        self.made[what].setdefault(key, name)

    def merge(self, other: Created) -> None:
        for what, names in other.made.items():
            for key, name in names.items():
                self.add(what, key, name)

    def count(self, what: str) -> int:
        return len(self.made[what])

    def lines(self, *, dry_run: bool) -> list[str]:
        """「将新增网格6个：一网格、二网格、…」 for each of grids, buildings, people, levels and roles made:
        the first twenty names, then 「等N个」."""
        verb = "将新增" if dry_run else "新增了"
        out = []
        for what, names in self.made.items():
            if names:
                shown = list(names.values())
                more = f"等{len(shown)}个" if len(shown) > LISTED else ""
                out.append(f"{verb}{what}{len(shown)}个：{'、'.join(shown[:LISTED])}{more}")
        return out
