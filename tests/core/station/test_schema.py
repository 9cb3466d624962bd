import hashlib
import sqlite3

import pytest

from gridstation.core.intake import intakes, residents
from gridstation.core.rules.errors import DatabaseProblem
from gridstation.core.station import schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import FIXTURES


def test_new_database_has_every_table_and_the_latest_version(tmp_path):
    station.open_site(str(tmp_path / "new.db"))
    database = dbmod.current()
    assert set(database.get_tables()) >= {model._meta.table_name for model in m.ALL_MODELS}
    assert schema.stored_version() == schema.LATEST
    assert database.execute_sql("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert database.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    assert database.execute_sql("PRAGMA busy_timeout").fetchone()[0] >= 5000
    dbmod.close_database()


def test_version_1_database_is_backed_up_then_upgraded_keeping_its_data(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v1.sql").read_text(encoding="utf-8"))
    conn.close()
    opened = station.open_site(str(path))
    assert (opened.version_before, opened.version_after) == (1, schema.LATEST)
    backups = list((tmp_path / "backups").glob("gridstation-*-before-upgrade.db"))
    assert len(backups) == 1
    check = sqlite3.connect(backups[0])
    assert check.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 1
    check.close()
    # The old resident is still there and the new tables work.
    zhao = residents.search("zl")[0]
    assert zhao.name == "赵六"
    assert "tool_unit" in dbmod.current().get_tables()
    intake = intakes.create_intake(None, intakes.IntakeInput(zhao.id, "unemployment", details={"docs_checked": True}))
    assert intake.serial.startswith("SL")
    # Opening again is a no-op.
    assert station.open_site(str(path)).version_before == schema.LATEST
    dbmod.close_database()


def test_version_2_photo_files_move_into_the_database(tmp_path, monkeypatch):
    """梯子's photo file is on this PC and is read in; 电钻's file is gone, so 电钻 is left without a photo."""
    from gridstation.core.storage import photos
    from gridstation.core.toolbox import tool_units

    data = tmp_path / "data"
    monkeypatch.setenv("GRIDSTATION_DATA_DIR", str(data))
    picture = b"\x89PNG\r\n\x1a\n" + bytes(range(40))
    (data / "photos" / "tools").mkdir(parents=True)
    (data / "photos" / "tools" / "0123456789abcdef.png").write_bytes(picture)
    path = tmp_path / "v2.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v2.sql").read_text(encoding="utf-8"))
    conn.close()
    opened = station.open_site(str(path))
    assert (opened.version_before, opened.version_after) == (2, schema.LATEST)
    assert len(list((tmp_path / "backups").glob("gridstation-*-before-upgrade.db"))) == 1
    ladder, drill, spanner = (tool_units.kind_by_name(name) for name in ("梯子", "电钻", "扳手"))
    assert photos.photo_bytes(ladder.photo) == picture and ladder.photo == hashlib.sha256(picture).hexdigest()
    assert m.Photo.get_by_id(ladder.photo).mime == "image/png"
    assert (drill.photo, spanner.photo) == ("", "")
    assert m.Photo.select().count() == 1 and tool_units.get_unit("GJ-0001").kind_id == ladder.id
    dbmod.close_database()


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    station.open_site(str(path))
    m.SchemaVersion.create(version=schema.LATEST + 1)
    dbmod.close_database()
    with pytest.raises(DatabaseProblem, match="请升级网格服务站程序"):
        station.open_site(str(path))
    dbmod.close_database()


def test_corrupt_file_gets_a_clear_message_and_is_not_touched(tmp_path):
    path = tmp_path / "broken.db"
    garbage = b"this is not a database" * 200
    path.write_bytes(garbage)
    with pytest.raises(DatabaseProblem, match="已损坏"):
        station.open_site(str(path))
    assert path.read_bytes() == garbage


def test_missing_file_is_not_created_when_reading(tmp_path):
    path = tmp_path / "nowhere.db"
    with pytest.raises(DatabaseProblem, match="不存在"):
        station.open_site(str(path), create=False)
    assert not path.exists()


def test_a_database_that_became_read_only_refuses_the_save_in_chinese(db_path, admin):
    from gridstation.core.rules.errors import DatabaseProblem
    from tests.helpers import make_id, snapshot

    before = snapshot()
    dbmod.current().execute_sql("PRAGMA query_only = 1")  # as a file whose permissions changed under us
    try:
        with pytest.raises(DatabaseProblem, match="无法写入数据库文件"):
            residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    finally:
        dbmod.current().execute_sql("PRAGMA query_only = 0")
    assert snapshot() == before


def test_a_version_3_station_with_intakes_is_upgraded_to_the_latest(tmp_path):
    """A real station's service_type is referenced by its intakes: SQLite rebuilds a table to add a NOT
    NULL column, which must not trip over those foreign keys (it did: 「FOREIGN KEY constraint failed」)."""
    path = tmp_path / "v3.db"
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    conn.execute("INSERT INTO resident VALUES (1, '王然', '居民身份证', '530111197001010011', '110010101079135', '男',"
                 " '1970-01-01', '', '', '', '', '', '', NULL, 0, '', '2025-01-01 09:00:00', '2025-01-01 09:00:00')")
    conn.execute("INSERT INTO intake VALUES (1, 'SL202501010001', 1, 3, '欠薪投诉', '{}', '', '受理',"
                 " '2025-01-01 09:00:00', '2025-01-16', NULL, '', '', NULL, NULL, 3, 900000, 0, NULL,"
                 " '2025-01-01 09:00:00')")
    conn.commit()
    conn.close()
    opened = station.open_site(str(path))
    try:
        assert (opened.version_before, opened.version_after) == (3, schema.LATEST)
        intake = intakes.get_intake("SL202501010001")
        assert intake.service.code == "wage_claim" and intake.resident.name == "王然"
        assert dbmod.current().execute_sql("PRAGMA foreign_key_check").fetchall() == []
        assert dbmod.current().execute_sql("PRAGMA foreign_keys").fetchone() == (1,)
    finally:
        dbmod.close_database()
