"""Schema step 8 (the grid register) on older stations: their grids keep going with a code and a level, a
grid's staff worker becomes its 专职网格员, and residents already in a grid are placed by their buildings."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gridstation.core.grids import people, places, register
from gridstation.core.intake import residents
from gridstation.core.station import schema, station, upgrade_care, upgrade_v8
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import FIXTURES, make_id, table_sql

REGISTER_TABLES = {model._meta.table_name for model in m.GRID_MODELS}
# Residents of the version-3 station: two in 3栋 (written two ways) of 第一网格, one in 5栋 mostly in 第一网格
# but whose unit 2 was put in 第二网格, one with no grid, one with no building.
RESIDENTS = [
    (1, "王然", "530111197001010011", "阳光小区", "3栋", "1", 1),
    (2, "李四", "530111197001010038", "阳光小区", "三号楼", "2", 1),
    (3, "赵六", "530111197001010054", "阳光小区", "5栋", "1", 1),
    (4, "钱七", "530111197001010070", "阳光小区", "5栋", "2", 2),
    (5, "孙八", "530111197001010097", "月光小区", "1栋", "1", None),
    (6, "周九", "530111197001010110", "阳光小区", "", "", 1),
]


def version_3_station(path: Path) -> None:
    """The frozen version-3 fixture, with a second grid and residents in both."""
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.execute("INSERT INTO grid VALUES (2, '第二网格', NULL)")
    for rid, name, number, compound, building, unit, grid in RESIDENTS:
        conn.execute("INSERT INTO resident VALUES (?, ?, '居民身份证', ?, ?, '', NULL, '', '', ?, ?, ?, '', ?, 0, '',"
                     " '2025-01-01 09:00:00', '2025-01-01 09:00:00')",
                     (rid, name, number, number[::-1], compound, building, unit, grid))
    conn.commit()
    conn.close()


def columns(table: str) -> dict[str, tuple]:
    return {c.name: (c.data_type.upper(), c.null) for c in dbmod.current().get_columns(table)}


def check_carried_over() -> None:
    """What every upgraded station must show, on either backend."""
    first, second = m.Grid.get(m.Grid.name == "第一网格"), m.Grid.get(m.Grid.name == "第二网格")
    assert (first.code, first.level, first.kind, first.closed_on) == ("WG001", upgrade_v8.LEVEL, "综合网格", None)
    assert register.find_grid("WG002").id == second.id and register.find_grid("第一网格").id == first.id
    worker = people.person_of_staff(m.Staff.get(m.Staff.username == "lixia"))
    assert [(p.id, r.role) for p, r in people.people_of(first)] == [(worker.id, "专职网格员")]
    assert {b.number: b.grid_id for b in m.Building.select()} == {"3栋": first.id, "5栋": first.id}
    assert places.grid_for_address("阳光小区", "5号楼", "二单元").id == second.id  # the unit kept its grid
    assert places.grid_for_address("阳光小区", "三栋").id == first.id
    assert {r.name for r in places.unplaced_residents()} == {"周九", "孙八"}
    assert {r.name: r.grid_id for r in m.Resident.select()} == {
        "王然": first.id, "李四": first.id, "赵六": first.id, "钱七": second.id, "孙八": None, "周九": first.id}
    assert {r.status for r in m.Resident.select()} == {"在册"}
    # a grid can be added under an old one, and a new resident of 3号楼 is placed without a choice
    register.add_grid(None, register.GridInput(name="第一网格", parent="第二网格", level="五级"))
    added = residents.save_resident(None, residents.ResidentInput(name="吴十", doc_number=make_id(seq="999"),
                                                                 compound="阳光小区", building="3号楼"))
    assert added.grid_id == first.id


def test_a_version_3_station_keeps_its_grids_workers_and_residents(tmp_path):
    old = tmp_path / "v3.db"
    version_3_station(old)
    opened = station.open_site(str(old))
    assert (opened.version_before, opened.version_after) == (3, schema.LATEST) and schema.LATEST >= 8
    try:
        check_carried_over()
        upgraded_grid, upgraded_resident = columns("grid"), columns("resident")
    finally:
        dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    try:
        assert columns("grid") == upgraded_grid and columns("resident") == upgraded_resident
    finally:
        dbmod.close_database()
    upgraded, new = table_sql(old, REGISTER_TABLES), table_sql(tmp_path / "new.db", REGISTER_TABLES)
    assert {name for name in new if name in REGISTER_TABLES} == REGISTER_TABLES
    assert upgraded == new
    assert station.open_site(str(old)).version_before == schema.LATEST  # again: nothing to do
    dbmod.close_database()


def as_version_8(database) -> None:
    """A server database put back to version 8: no care tables (a later step's, referring to the register),
    an event found by and assigned to staff accounts, a mediation session with no person (step 9 undone)."""
    for table in reversed(upgrade_care.TABLE_NAMES):
        database.execute_sql(f'DROP TABLE "{table}"')
    for table, column in (("grid_event", "finder_id"), ("grid_event", "assigned_to_id"),
                          ("mediation_session", "mediator_id")):
        database.execute_sql(f'ALTER TABLE "{table}" DROP COLUMN "{column}"')
    for column in ("found_by_id", "assignee_id"):
        database.execute_sql(f'ALTER TABLE grid_event ADD COLUMN "{column}" INTEGER REFERENCES staff (id) ON DELETE SET NULL')
        database.execute_sql(f'CREATE INDEX "grid_event_{column}" ON grid_event ("{column}")')
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (8, '2026-01-01 00:00:00')")


def as_version_7(database) -> None:
    """A server database put back to version 7: the register's tables and columns gone, the grid name
    unique again, as version 7 had it (the frozen SQLite fixtures cannot be loaded into PostgreSQL)."""
    as_version_8(database)
    for table in ("diary_entry", "person_role", "person", "unit", "building"):
        database.execute_sql(f'DROP TABLE "{table}"')
    for column in ("code", "level", "kind", "parent_id", "scope", "opened_on", "closed_on"):
        database.execute_sql(f'ALTER TABLE grid DROP COLUMN "{column}"')
    for column in ("address_key", "unit_key", "status", "status_on", "moved_to"):
        database.execute_sql(f'ALTER TABLE resident DROP COLUMN "{column}"')
    database.execute_sql('DROP INDEX "grid_name"')
    database.execute_sql('CREATE UNIQUE INDEX "grid_name" ON "grid" ("name")')
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql("INSERT INTO schema_version (version, applied_at) VALUES (7, '2026-01-01 00:00:00')")


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_version_7_server_database_is_upgraded_the_same_way(site_db):
    database = dbmod.current()
    before = {"grid": columns("grid"), "resident": columns("resident")}
    as_version_7(database)
    database.execute_sql("INSERT INTO staff (username, display_name, role, password_hash, active, failed_attempts,"
                         " created_at) VALUES ('lixia', '李霞', 'clerk', 'x', TRUE, 0, '2025-01-01 09:00:00')")
    lixia = m.Staff.get(m.Staff.username == "lixia").id
    database.execute_sql("INSERT INTO grid (id, name, worker_id) VALUES (1, '第一网格', %s), (2, '第二网格', NULL)",
                         (lixia,))
    for rid, name, number, compound, building, unit, grid in RESIDENTS:
        database.execute_sql(
            "INSERT INTO resident (id, name, doc_type, doc_number, doc_rev, gender, phone, phone_rev, compound,"
            " building, unit, room, grid_id, is_pensioner, notes, created_at, updated_at) VALUES (%s, %s, '居民身份证',"
            " %s, %s, '', '', '', %s, %s, %s, '', %s, FALSE, '', '2025-01-01 09:00:00', '2025-01-01 09:00:00')",
            (rid, name, number, number[::-1], compound, building, unit, grid))
    database.execute_sql("SELECT setval(pg_get_serial_sequence('grid', 'id'), 2)")
    database.execute_sql("SELECT setval(pg_get_serial_sequence('resident', 'id'), 6)")
    dbmod.close_database()
    opened = station.open_site(site_db)
    assert (opened.version_before, opened.version_after) == (7, schema.LATEST)
    check_carried_over()
    assert {"grid": columns("grid"), "resident": columns("resident")} == before
    indexes = {i.name: i.unique for i in dbmod.current().get_indexes("grid")}
    assert indexes["grid_name"] is False and indexes["grid_code"] is True
