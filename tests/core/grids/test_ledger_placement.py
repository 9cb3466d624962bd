"""The residents ledger and the grid register: rows are placed by their building, a grid the station lacks
is made from the ledger (audited as such), and a ledger imported again changes nothing."""

from __future__ import annotations

import pytest

from gridstation.core.grids import places, register
from gridstation.core.grids.register import GridInput
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_import import HEADERS, check, resident_row, xlsx
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends


def test_rows_are_placed_by_building_and_a_second_import_changes_nothing(admin, tmp_path):
    first = register.add_grid(admin, GridInput(name="第一网格"))
    places.add_building(admin, places.BuildingInput("星天地", "3号楼", first.code))
    path = xlsx(tmp_path / "r.xlsx", [
        HEADERS,
        resident_row("张三", make_id(seq="101"), 楼栋="三栋", 网格="第二网格"),  # the building wins over the column
        resident_row("李四", make_id(seq="102"), 楼栋="9栋", 网格="第二网格"),  # no building: the column's grid
        resident_row("王五", make_id(seq="103"), 楼栋="9栋", 网格="第一网格"),
    ])
    report = check(path)
    assert report.created == 3, [p.line() for p in report.problems]
    second = register.find_grid("第二网格")
    assert {r.name: r.grid_id for r in m.Resident.select()} == {"张三": first.id, "李四": second.id, "王五": first.id}
    made = m.AuditLog.get((m.AuditLog.action == "新增网格") & (m.AuditLog.entity_id == second.code))
    assert '"source": "台账"' in made.after
    again = check(path, update_existing=True)
    assert (again.created, again.updated, again.existing) == (0, 0, 3)
