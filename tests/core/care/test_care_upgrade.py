"""The care schema step on a station of the step before it (the grid register's, version 8), on SQLite and
PostgreSQL: the tables as a new station gets them, the default tag list seeded once, nothing else touched."""

from __future__ import annotations

import pytest

from gridstation.core.station import schema, station, upgrade_care
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.core.care.world import resident
from tests.helpers import table_sql

pytestmark = pytest.mark.both_backends
CARE_TABLES = {model._meta.table_name for model in m.CARE_MODELS}


def as_step_before_care(database) -> None:
    """The database put back to the step before the care step: its tables gone, its version the one before."""
    for table in ("care_change", "care_visit", "resident_tag", "care_tag"):
        database.execute_sql(f'DROP TABLE "{table}"')
    database.execute_sql("DELETE FROM schema_version")
    database.execute_sql(f"INSERT INTO schema_version (version, applied_at) VALUES ({schema.CARE_STEP - 1},"
                         " '2026-01-01 00:00:00')")


def test_a_station_of_the_step_before_gets_the_care_tables_and_the_default_tags(site_db, backend, tmp_path):
    kept = resident("王一", "011", grid="", notes="独居老人")
    as_step_before_care(dbmod.current())
    assert schema.stored_version() == schema.CARE_STEP - 1 and "care_tag" not in dbmod.current().get_tables()
    dbmod.close_database()
    opened = station.open_site(site_db)
    try:
        assert (opened.version_before, opened.version_after) == (schema.CARE_STEP - 1, schema.LATEST)
        assert CARE_TABLES <= set(dbmod.current().get_tables()) and CARE_TABLES <= schema.tables_at(schema.CARE_STEP)
        assert [(t.name, t.klass, t.frequency, t.ways, t.sensitive) for t in m.CareTag.select().order_by(m.CareTag.id)] \
            == list(upgrade_care.DEFAULT_TAGS)
        assert m.Resident.get_by_id(kept.id).notes == "独居老人"  # the assistant moves it, not the upgrade
    finally:
        dbmod.close_database()
    assert station.open_site(site_db).version_before == schema.LATEST  # again: nothing to do, no second list
    try:
        assert m.CareTag.select().count() == len(upgrade_care.DEFAULT_TAGS)
    finally:
        dbmod.close_database()
    if backend == "sqlite":
        station.open_site(str(tmp_path / "new.db"))
        dbmod.close_database()
        assert table_sql(tmp_path / "new.db", CARE_TABLES) == table_sql(site_db, CARE_TABLES)
