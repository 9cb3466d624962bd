"""Schema step 6 (grid events) on a version-3 database: the tables appear, exactly as a new database
has them, and the old data works with them."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from gridstation.core.events import handling, rules
from gridstation.core.events.register import EventInput, register_event
from gridstation.core.station import schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import FIXTURES, table_sql

EVENT_TABLES = {model._meta.table_name for model in m.EVENT_MODELS}


def version_3_database(path: Path) -> None:
    """The frozen version-3 fixture written to ``path``."""
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.close()


def test_version_3_database_gets_the_event_tables_of_a_new_database(tmp_path):
    old = tmp_path / "v3.db"
    version_3_database(old)
    opened = station.open_site(str(old))
    assert (opened.version_before, opened.version_after) == (3, schema.LATEST)
    assert schema.LATEST >= 6
    assert len(list((tmp_path / "backups").glob("gridstation-*-before-upgrade.db"))) == 1
    # The grid and the clerk of version 3 work with the new tables.
    clerk = m.Staff.get(m.Staff.username == "lixia")
    grid = m.Grid.get(m.Grid.name == "第一网格")
    event = register_event(clerk, EventInput("环境卫生", rules.NORMAL, "楼道堆放杂物", rules.PATROL, grid_id=grid.id))
    assert handling.handle_in_grid(clerk, event.number).route == rules.IN_GRID
    dbmod.close_database()

    station.open_site(str(tmp_path / "new.db"))
    dbmod.close_database()
    upgraded, new = table_sql(old, EVENT_TABLES), table_sql(tmp_path / "new.db", EVENT_TABLES)
    assert {name for name in new if name in EVENT_TABLES} == EVENT_TABLES
    assert upgraded == new


def test_opening_the_upgraded_database_again_changes_nothing(tmp_path):
    path = tmp_path / "v3.db"
    version_3_database(path)
    station.open_site(str(path))
    dbmod.close_database()
    assert station.open_site(str(path)).version_before == schema.LATEST
    dbmod.close_database()
