"""Updating registered residents from a ledger: only the columns the file has, never by an empty cell."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridstation.core.grids import register as grid_register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import residents
from gridstation.core.ledgers import ledger_import, ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_import import write_csv
from tests.helpers import make_id

pytestmark = pytest.mark.both_backends

ZHOU = make_id("530102", "19741112", "840")
HUANG = make_id("530102", "19600101", "013")


def update(path: Path, **options: bool) -> ledger_import.ImportReport:
    return run_import(ledger_read.open_ledger(path, "residents"), None,
                      ImportOptions(update_existing=True, **options))


def register(admin, name: str, number: str, **fields: object) -> m.Resident:
    if not m.Grid.select().where(m.Grid.name == "第一网格").exists():
        grid_register.add_grid(admin, GridInput(name="第一网格"))  # the resident's grid box chooses, never creates
    data = residents.ResidentInput(name=name, doc_number=number, phone="13551413927", compound="阳光花园",
                                   building="5", unit="3", room="902", grid="第一网格", notes="独居")
    for key, value in fields.items():
        setattr(data, key, value)
    return residents.save_resident(admin, data)


def stored(number: str) -> tuple:
    r = residents.find_by_document(number)
    return (r.name, r.phone, r.compound, r.building, r.unit, r.room, r.grid.name if r.grid_id else "",
            r.is_pensioner, r.notes)


def test_a_list_with_fewer_columns_changes_only_its_own_columns(site_db, admin, tmp_path):
    register(admin, "周桂兰", ZHOU)
    before = stored(ZHOU)
    path = write_csv(tmp_path / "pension.csv", [["姓名", "身份证号", "养老金领取人员"], ["周桂兰", ZHOU, "是"]], "utf-8")
    dry = update(path, dry_run=True)
    assert dry.updated == 1
    assert "周桂兰：养老金领取人员 否→是" in dry.notes
    assert stored(ZHOU) == before
    done = update(path)
    assert done.updated == 1
    assert stored(ZHOU) == (*before[:7], True, before[8])
    entry = m.AuditLog.select().where(m.AuditLog.action == "修改居民").get()
    assert "13551413927" in entry.after  # the audit's after is the resident as now stored


def test_an_empty_cell_never_clears_a_stored_value(site_db, admin, tmp_path):
    register(admin, "黄建国", HUANG)
    before = stored(HUANG)
    path = write_csv(tmp_path / "upd.csv", [["姓名", "身份证号", "联系电话", "小区", "备注"],
                                            ["黄建国", HUANG, "", "", ""]], "utf-8")
    report = update(path)
    assert (report.updated, report.existing) == (0, 1)
    assert stored(HUANG) == before
    path = write_csv(tmp_path / "upd2.csv", [["姓名", "身份证号", "联系电话", "小区", "网格"],
                                             ["黄建国", HUANG, "13900001111", "", "第二网格"]], "utf-8")
    dry = update(path, dry_run=True)
    assert "黄建国：联系电话 135****3927→139****1111，网格 第一网格→第二网格" in dry.notes
    update(path)
    assert stored(HUANG) == (before[0], "13900001111", *before[2:6], "第二网格", *before[7:])


def test_the_dry_run_lists_a_sane_number_of_changes(site_db, admin, tmp_path):
    numbers = [make_id("530102", "19700101", f"{i:03d}") for i in range(30)]
    for i, number in enumerate(numbers):
        register(admin, f"居民{i}", number)
    rows = [["姓名", "身份证号", "养老金领取人员"], *([f"居民{i}", n, "是"] for i, n in enumerate(numbers))]
    dry = update(write_csv(tmp_path / "many.csv", rows, "utf-8"), dry_run=True)
    changes = [n for n in dry.notes if "否→是" in n]
    assert dry.updated == 30 and 0 < len(changes) < 30
    assert f"另有 {30 - len(changes)} 位居民的更改未列出。" in dry.notes
