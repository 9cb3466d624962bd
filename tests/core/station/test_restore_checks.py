"""What a restore checks before it replaces the station, found from outside: a backup with a trigger put
in by hand, a table without a column, a version that is no number, saves still in the backup's -wal, and
an administrator removed while a window stayed open."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.station import accounts, backup, roles, station
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.helpers import make_id, snapshot


@pytest.fixture
def saved(db_path, admin, tmp_path) -> Path:
    """A genuine backup of a station with one resident, and the live station unchanged since."""
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    return backup.backup_site(admin, str(db_path), tmp_path / "usb").path


def altered(backup_file: Path, folder: Path, *statements: str) -> Path:
    copy = folder / "altered.db"
    copy.write_bytes(backup_file.read_bytes())
    with sqlite3.connect(copy) as conn:
        for statement in statements:
            conn.execute(statement)
    return copy


@pytest.mark.parametrize(("statements", "words"), [
    (["CREATE TRIGGER evil AFTER INSERT ON grid_event BEGIN UPDATE resident SET name = '被改'; END"],
     "本程序不会建立的数据库对象（trigger evil）"),
    (["CREATE VIEW everyone AS SELECT * FROM resident"], "本程序不会建立的数据库对象（view everyone）"),
    (["ALTER TABLE grid_event DROP COLUMN place"], "数据表缺少字段 grid_event.place"),
    (["UPDATE schema_version SET version = '6x'"], "数据库版本号（6x）无法识别"),
])
def test_a_backup_not_exactly_a_station_of_its_version_is_refused(db_path, admin, saved, tmp_path, statements, words):
    bad = altered(saved, tmp_path, *statements)
    before = snapshot()
    with pytest.raises(DomainError, match=words):
        station.restore_file(admin, str(db_path), bad)
    assert snapshot() == before  # and the station is still open for this window
    assert [p.name for p in db_path.parent.iterdir() if p.name.startswith(".")] == []  # no staging left


WAL_WRITER = """
import os, sqlite3, sys
conn = sqlite3.connect(sys.argv[1])
conn.execute("PRAGMA journal_mode=wal")
conn.execute("PRAGMA wal_autocheckpoint=0")
conn.execute("UPDATE resident SET name = '李四'")
conn.commit()
os._exit(0)  # as a window killed with its last save still in the -wal
"""


def test_saves_still_in_the_backups_wal_are_restored_as_they_were_checked(db_path, admin, saved, tmp_path):
    copied = tmp_path / "copied" / "gridstation.db"
    copied.parent.mkdir()
    copied.write_bytes(saved.read_bytes())
    subprocess.run([sys.executable, "-c", WAL_WRITER, str(copied)], check=True, timeout=60)
    assert Path(f"{copied}-wal").stat().st_size > 0
    station.restore_file(admin, str(db_path), copied)
    assert [r.name for r in m.Resident.select()] == ["李四"]


def test_a_removed_administrators_open_window_cannot_restore(db_path, admin, saved):
    other = accounts.create_staff(admin, "adm2", "钱七", roles.ADMIN, PASSWORD)
    signed_in = accounts.sign_in("adm2", PASSWORD)
    accounts.set_active(admin, other.id, False)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="已停用"):
        station.restore_file(signed_in, str(db_path), saved)
    assert snapshot() == before


def test_a_backup_no_restore_would_take_says_so_the_day_it_is_made(db_path, admin, saved, tmp_path):
    """An edited audit entry (or a row whose reference is gone) made every later backup unrestorable while
    each said 「已备份并校验」: the copy is kept, but the backup is refused in Chinese and the status warns."""
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE audit_log SET after = '{}' WHERE id = 2")
    with pytest.raises(DomainError, match="不能用来恢复：其中的操作日志第 2 条") as refused:
        backup.backup_site(admin, str(db_path), tmp_path / "usb")
    assert "gridstation check" in refused.value.message
    status = backup.last_backup_status()
    assert status.warning and status.line().startswith("备份失败")
    assert len(list((tmp_path / "usb").glob("gridstation-*.db"))) == 2  # the copy is kept all the same


def test_a_deactivated_account_cannot_change_its_own_password(admin, clerk):
    accounts.set_active(admin, clerk.id, False)
    before = snapshot()
    with pytest.raises(PermissionDenied, match="已停用"):
        accounts.change_own_password(clerk, PASSWORD, "another123")
    assert snapshot() == before
