"""The grid ledger (网格划分表): grids and their buildings, one row a grid or a building, one sheet a grid.

A grid is found by its code, else by its name under its parent (names repeat under different
parents); one the station lacks is made through ``register.add_from_ledger`` and a building through
``places.add_building``, each listed in the dry run. Known grids and buildings are matched, never
edited: a ledger imported again changes nothing. Rows are written parents first, so a ledger may
list a grid before the grid above it; a ledger whose 上级网格 go round in a circle is refused whole.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from gridstation.core.grids import places, register
from gridstation.core.grids import rules as grid_rules
from gridstation.core.ledgers import ledger_read
from gridstation.core.ledgers.importers.created import BUILDINGS, GRIDS, LEVELS
from gridstation.core.ledgers.importers.rows import Importer, Job, RowView
from gridstation.core.rules.address_keys import address_key, unit_key
from gridstation.core.rules.errors import DomainError, NotFound
from gridstation.core.station.roles import HEAD, require
from gridstation.core.storage import models as m

# Which rule a refusal concerns -> the ledger column to name in the report.
FIELDS = {"name": "grid", "code": "code", "level": "level", "kind": "kind", "parent": "parent", "scope": "scope",
          "number": "building", "households": "households"}


@dataclass
class GridRow:
    row: int
    code: str
    name: str
    level: str
    kind: str
    parent: str
    scope: str
    opened_on: dt.date | None
    compound: str
    building: str
    unit: str
    households: int
    property_company: str
    property_contact: str

    def ref(self) -> str:
        """The grid the row is about, among the ledger's own rows: its code, else its name under its parent."""
        return self.code or f"{self.parent}/{self.name}"


class GridImporter(Importer):
    def __init__(self, job: Job) -> None:
        super().__init__(job)
        # The grids the ledger defines (a row with its code, level or parent): a building row naming one whose
        # own row was refused is refused too, rather than making a bare grid of the name (with --valid-only).
        self.defined: set[str] = set()

    def convert(self, row: RowView) -> GridRow | None:
        if not row.text("building") and (row.text("code") or row.text("level") or row.text("parent")):
            self.defined.add(row.text("grid"))
        households = ledger_read.plain(row.raw("households"))
        if isinstance(households, str) and households.isdigit():
            households = int(households)
        if households is not None and not isinstance(households, int):
            row.fail("households", "户数应为整数。")
        try:
            code = grid_rules.check_code(row.text("code"))
        except DomainError as exc:
            row.refuse(exc, FIELDS)
            code = ""
        item = GridRow(row.number, code, row.text("grid"), row.text("level"), row.text("kind"), row.text("parent"),
                       row.text("scope"), row.date("opened_on"), row.text("compound"), row.text("building"), row.text("unit"),
                       households or 0, row.text("property_company"), row.text("property_contact"))
        row.check_required()
        if item.building and not item.compound:
            row.fail("compound", "填写楼栋时请填写小区。")
        if item.unit and not item.building:
            row.fail("building", "填写单元时请填写它所在的楼栋。")
        return None if row.problems else item

    def group(self, items: list[GridRow]) -> list[GridRow]:
        """Parents first (a stable order otherwise), refusing a ledger whose 上级网格 go round in a circle."""
        rows_of: dict[str, list[str]] = {}  # a code or a name -> the refs of the rows naming that grid
        for item in items:
            for said in {item.code, item.name} - {""}:
                rows_of.setdefault(said, []).append(item.ref())
        for item in items:
            if item.code and item.parent.upper() == item.code:
                raise DomainError(f"网格划分表中的上级网格形成循环：{item.code}→{item.code}（网格不能是自己的上级）。"
                                  "请改正上级网格后再导入，未写入任何数据。")
        parents = {item.ref(): set(rows_of.get(item.parent, ())) - {item.ref()} for item in items if item.parent}
        depth: dict[str, int] = {}

        def depth_of(ref: str, line: list[str]) -> int:
            if ref in line:
                names = "→".join(r.rsplit("/", 1)[-1] for r in [*line[line.index(ref):], ref])
                raise DomainError(f"网格划分表中的上级网格形成循环：{names}。请改正上级网格后再导入，未写入任何数据。")
            if ref not in depth:
                depth[ref] = 1 + max((depth_of(p, [*line, ref]) for p in parents.get(ref, ())), default=-1)
            return depth[ref]

        def order(item: GridRow) -> tuple[int, bool]:
            """A building row naming its grid by name alone comes after the row that places that grid."""
            if item.parent or item.code:
                return depth_of(item.ref(), []), False
            return max(depth_of(ref, []) for ref in rows_of[item.name]), True

        return sorted(items, key=order)

    def write(self, items: list[GridRow]) -> None:
        require(self.job.actor, HEAD)  # grids and buildings are the head's to make
        self.job.each_in_savepoint(items, self._write, lambda i: [i.row], lambda _i: FIELDS)

    def _write(self, item: GridRow) -> None:
        grid, made = self._grid(item)
        if item.building:
            made = self._building(item, grid) or made
        if made:
            self.job.report.created += 1
        else:
            self.job.report.existing += 1

    def _grid(self, item: GridRow) -> tuple[m.Grid, bool]:
        """The row's grid, by its code, its name under its parent, or (no parent written) its unique name;
        made when the station has none."""
        found = m.Grid.get_or_none(m.Grid.code == item.code) if item.code else None
        if found is not None:
            if found.name != item.name:
                raise DomainError(f"编码 {item.code} 是网格“{found.name}”，与本行的名称“{item.name}”不一致。", field="code")
            if found.closed_on is not None:
                raise DomainError(f"网格“{found.name}”（{found.code}）已于 {found.closed_on:%Y-%m-%d} 撤销。", field="code")
            above = found.parent if found.parent_id else None
            if item.parent and (above is None or item.parent.strip().upper() not in (above.code, above.name.upper())):
                self.job.report.notes.append(
                    f"{self.job.ledger.sheet.place(item.row)}：{found.code} 在本站属"
                    f"{register.grid_label(above) if above else '社区'}，表中写的上级“{item.parent}”不采用（移动网格请在网格页操作）。")
            return found, False
        if not item.parent and not item.code:  # a building row naming only its grid: a name several share is refused
            try:
                return register.find_grid(item.name), False
            except NotFound:
                if item.building and item.name in self.defined:  # its own row, written before this one, was refused
                    raise DomainError(f"网格“{item.name}”在本表中的那一行没有导入，本行不导入。", field="grid") from None
        parent = self._parent(item.parent)
        top = register.community() if parent is None else None
        level = item.level or "四级"
        if top is not None and level in grid_rules.LEVELS and top.level in grid_rules.LEVELS \
                and grid_rules.LEVELS.index(level) > grid_rules.LEVELS.index(top.level):
            parent = top  # 上级网格 left empty: one of the grids the community is divided into, not a second top
        if not item.code:
            same = (m.Grid.select().where((m.Grid.name == item.name) & register.open_condition()
                                          & (m.Grid.parent.is_null() if parent is None else m.Grid.parent == parent))
                    .first())
            if same is not None:
                return same, False
        if level not in grid_rules.LEVELS and not m.Grid.select().where(m.Grid.level == level).exists():
            self.job.made(LEVELS, level, level)
        grid = register.add_from_ledger(self.job.actor, register.GridInput(
            name=item.name, level=item.level or "四级", kind=item.kind, parent=parent.code if parent else "",
            code=item.code, scope=item.scope, opened_on=item.opened_on))
        self.job.made(GRIDS, grid.code, grid.name)
        return grid, True

    def _parent(self, text: str) -> m.Grid | None:
        """The grid above, by code or unique name; a closed one is refused, one the station lacks is made."""
        if not text:
            return None
        try:
            return register.find_grid(text)
        except NotFound:
            pass
        try:
            closed = register.find_grid(text, include_closed=True)
        except NotFound:
            return self.job.grid(text)
        raise DomainError(f"上级网格“{closed.name}”已于 {closed.closed_on:%Y-%m-%d} 撤销。", field="parent")

    def _building(self, item: GridRow, grid: m.Grid) -> bool:
        """The row's building (and unit) in the row's grid; whether anything was made."""
        building = m.Building.get_or_none(m.Building.key == address_key(item.compound, item.building))
        made = building is None
        if building is None:
            building = places.add_building(self.job.actor, places.BuildingInput(
                item.compound, item.building, grid.code, item.households, item.property_company, item.property_contact))
            self.job.made(BUILDINGS, building.key, places.building_label(building))
        elif not item.unit and building.grid_id != grid.id:
            raise DomainError(f"“{places.building_label(building)}”已登记在网格“{register.grid_label(building.grid)}”中；"
                              "移动楼栋请在网格登记中操作。", field="number")
        if not item.unit:
            return made
        unit = m.Unit.get_or_none((m.Unit.building == building) & (m.Unit.key == unit_key(item.unit)))
        if unit is not None and (unit.grid_id or building.grid_id) == grid.id:
            return made
        places.set_unit(self.job.actor, building.id, item.unit, grid.code if grid.id != building.grid_id else "")
        return True
