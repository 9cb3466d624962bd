"""Schema step 9 on a version-8 station: each event's 发现人 and 经办人 become the people their accounts are
(a person made for an account the register lacked), the account columns go, and the tables end up as a new
station's."""

from __future__ import annotations

from pathlib import Path

import pytest

from gridstation.core.grids import people
from gridstation.core.station import catalog, schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.core.grids.test_grid_upgrade import as_version_8, version_3_station

EVENT_TABLES = {"grid_event", "mediation_session"}
EVENT_SQL = ("INSERT INTO grid_event (id, number, category, level, grid_id, place, description, source, found_by_id,"
             " found_at, registered_by_id, registered_at, due_date, status, route, platform_case_no, street_answer,"
             " assignee_id, result, reopen_count, visit_view, mediation_outcome, agreement_terms, referred_to,"
             " updated_at) VALUES (?, ?, ?, '一般', 1, '', ?, '巡查发现', ?, '2026-03-02 09:00:00', 1,"
             " '2026-03-02 09:00:00', '2026-03-09', ?, ?, '', '', ?, '', 0, '', '', '', '', '2026-03-02 09:00:00')")


def shape(table: str) -> tuple[set, set, set]:
    """A table's columns, indexes and foreign keys, order aside (SQLite appends an added column)."""
    database = dbmod.current()
    return ({(c.name, c.data_type.upper(), c.null) for c in database.get_columns(table)},
            {(i.name, tuple(i.columns), i.unique) for i in database.get_indexes(table)},
            {(k.column, k.dest_table) for k in database.get_foreign_keys(table)})


def version_8_station(path: Path) -> None:
    """The version-3 fixture brought to version 8 (the code of step 9 and later held back), then given a clerk
    with no person of the register and three events: found and assigned by accounts, and found by nobody."""
    version_3_station(path)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(schema, "UPGRADES", {step: run for step, run in schema.UPGRADES.items() if step <= 8})
        patch.setattr(schema, "LATEST", 8)
        patch.setattr(station, "_seed_builtin", catalog.install_builtin)  # a version-8 station knew no care tags
        assert station.open_site(str(path)).version_after == 8
        dbmod.close_database()
    import sqlite3

    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO staff VALUES (3, 'wangfang', '王芳', 'clerk', 'x', 1, 0, NULL, '2026-01-01 09:00:00')")
    conn.execute(EVENT_SQL, (1, "SJ202603020001", "环境卫生", "垃圾堆放", 2, "处置中", "网格内处置", 3))
    conn.execute(EVENT_SQL, (2, "SJ202603020002", "矛盾纠纷", "邻里噪音", 3, "处置中", "网格内处置", 3))
    conn.execute(EVENT_SQL, (3, "SJ202603020003", "设施损坏", "路灯不亮", None, "登记", "", None))
    conn.execute("INSERT INTO mediation_session (event_id, at, place, mediators, notes, staff_id) VALUES"
                 " (2, '2026-03-03 10:00:00', '调解室', '王芳、张律师', '双方各让一步', 3)")
    conn.commit()
    conn.close()


def test_a_version_8_station_keeps_who_found_and_handles_its_events(tmp_path):
    old = tmp_path / "v8.db"
    version_8_station(old)
    opened = station.open_site(str(old))
    try:
        assert (opened.version_before, opened.version_after) == (8, schema.LATEST)
        lixia = people.person_of_staff(m.Staff.get(m.Staff.username == "lixia"))
        wangfang = people.person_of_staff(m.Staff.get(m.Staff.username == "wangfang"))
        assert lixia is not None and wangfang is not None and wangfang.name == "王芳"
        assert m.Person.select().where(m.Person.staff.is_null(False)).count() == 2  # one person per account
        found = {e.number: (e.finder_id, e.assigned_to_id) for e in m.GridEvent.select()}
        assert found == {"SJ202603020001": (lixia.id, wangfang.id), "SJ202603020002": (wangfang.id, wangfang.id),
                         "SJ202603020003": (None, None)}
        assert {e.registered_by_id for e in m.GridEvent.select()} == {1}  # who recorded them stays
        session = m.MediationSession.get()
        assert (session.mediators, session.mediator_id, session.staff_id) == ("王芳、张律师", None, 3)
        assert dbmod.current().execute_sql("PRAGMA foreign_key_check").fetchall() == []
        upgraded = {table: shape(table) for table in EVENT_TABLES}
    finally:
        dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    try:
        assert {table: shape(table) for table in EVENT_TABLES} == upgraded
    finally:
        dbmod.close_database()


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_version_8_server_database_is_upgraded_the_same_way(site_db):
    database = dbmod.current()
    before = {table: shape(table) for table in EVENT_TABLES}
    as_version_8(database)
    run = database.execute_sql
    run("INSERT INTO staff (id, username, display_name, role, password_hash, active, failed_attempts, created_at)"
        " VALUES (2, 'lixia', '李霞', 'clerk', 'x', TRUE, 0, '2026-01-01 09:00:00'),"
        " (3, 'wangfang', '王芳', 'clerk', 'x', TRUE, 0, '2026-01-01 09:00:00')")
    run("INSERT INTO person (id, name, phone, phone_public, staff_id, note) VALUES (1, '李霞', '', FALSE, 2, '')")
    run("SELECT setval(pg_get_serial_sequence('person', 'id'), 1)")
    run("INSERT INTO grid (id, name, code, level, kind, scope) VALUES (1, '第一网格', 'WG001', '四级', '综合网格', '')")
    for event_id, number, found_by, assignee in ((1, "SJ202603020001", 2, 3), (2, "SJ202603020002", None, None)):
        run(EVENT_SQL.replace("?", "%s"), (event_id, number, "环境卫生", "垃圾堆放", found_by, "处置中", "网格内处置",
                                           assignee))
    dbmod.close_database()
    opened = station.open_site(site_db)
    assert (opened.version_before, opened.version_after) == (8, schema.LATEST)
    wangfang = people.person_of_staff(m.Staff.get(m.Staff.username == "wangfang"))
    found = {e.number: (e.finder_id, e.assigned_to_id) for e in m.GridEvent.select()}
    assert found == {"SJ202603020001": (1, wangfang.id), "SJ202603020002": (None, None)}
    assert {table: shape(table) for table in EVENT_TABLES} == before
