"""A restore checks the whole backup before it replaces anything, and takes the station for itself
while it runs (issue 22 items 3 and 4)."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import ROOT, make_id, snapshot


@pytest.fixture
def good_backup(db_path, admin, tmp_path) -> Path:
    resident = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intakes.create_intake(admin, intakes.IntakeInput(resident.id, "unemployment", details={"docs_checked": True}))
    dbmod.close_database()
    assert main(["--db", str(db_path), "backup", "--to", str(tmp_path / "usb")]) == 0
    return next((tmp_path / "usb").glob("gridstation-*.db"))


def _spoiled(copy: Path, *statements: str) -> None:
    conn = sqlite3.connect(copy)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


SPOILERS: dict[str, tuple[Callable[..., None], str]] = {
    "newer-schema": (lambda c: _spoiled(c, "INSERT INTO schema_version (version, applied_at) VALUES (99, '2030-01-01')"),
                     "较新版本"),
    "no-audit-log": (lambda c: _spoiled(c, "DROP TABLE audit_log"), "缺少数据表 audit_log"),
    "no-grid-event": (lambda c: _spoiled(c, "DROP TABLE grid_event"), "缺少数据表 grid_event"),
    "broken-references": (lambda c: _spoiled(c, "DELETE FROM resident"), "关联不完整"),
    "edited-audit-entry": (lambda c: _spoiled(c, "UPDATE audit_log SET after = '{}' WHERE id = 2"), "操作日志第 2 条"),
}


@pytest.mark.parametrize("spoil", SPOILERS, ids=list(SPOILERS))
def test_a_backup_that_would_break_the_station_is_refused_before_anything_is_replaced(
        db_path, good_backup, tmp_path, capsys, spoil):
    bad = tmp_path / "bad" / good_backup.name
    bad.parent.mkdir()
    shutil.copyfile(good_backup, bad)
    spoiler, words = SPOILERS[spoil]
    spoiler(bad)
    station.open_site(str(db_path))
    before, entries = snapshot(), m.AuditLog.select().count()
    dbmod.close_database()
    capsys.readouterr()
    assert main(["--db", str(db_path), "restore", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "不能用来恢复" in err
    station.open_site(str(db_path))
    assert snapshot() == before and m.AuditLog.select().count() == entries  # the live station as it was
    assert not (db_path.parent / "backups").exists()  # not even a before-restore copy was needed
    assert main(["--db", str(db_path), "audit", "verify"]) == 0


def _doc_numbers(path: Path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT doc_number FROM resident")}
    finally:
        conn.close()


class _Lines:
    """A child's output lines as they come, read on a thread so the child never blocks on its pipe."""

    def __init__(self, process: subprocess.Popen) -> None:
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process,), daemon=True)
        self._thread.start()

    def _read(self, process: subprocess.Popen) -> None:
        for line in process.stdout:
            with self._changed:
                self.lines.append(line.strip())
                self._changed.notify_all()

    def wait_for(self, count: int) -> None:
        with self._changed:
            assert self._changed.wait_for(lambda: len(self.lines) >= count, timeout=120), self.lines[-3:]

    def join(self) -> list[str]:
        self._thread.join(timeout=120)
        return self.lines


def test_a_save_told_saved_during_a_restore_is_never_lost(db_path, good_backup, tmp_path, capsys):
    """Issue 22 item 3: 4 000 events written during a restore, 3 468 of them in no file at all."""
    stop = tmp_path / "stop"
    writer = subprocess.Popen([sys.executable, "-m", "tests.workers.save_through_restore", str(db_path), str(stop)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    lines = _Lines(writer)
    try:
        lines.wait_for(30)
        restore = subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db_path), "restore", str(good_backup)],
                                 cwd=ROOT, capture_output=True, text=True, check=False)
        done = len(lines.lines)
        lines.wait_for(done + 30)  # the window goes on saving after the restore
    finally:
        stop.touch()
        writer.wait(timeout=120)
    saved = {line for line in lines.join() if not line.startswith("refused")}
    assert restore.returncode == 0, restore.stderr
    assert writer.returncode == 0, writer.stderr.read()
    writer.stderr.close()
    kept = next((db_path.parent / "backups").glob("gridstation-*-before-restore.db"))
    lost = saved - _doc_numbers(kept) - _doc_numbers(db_path)
    assert not lost, f"{len(lost)} of {len(saved)} saves told 'saved' are in no file"
    refusals = [line for line in lines.lines if line.startswith("refused")]
    assert refusals and all("从备份恢复" in line or "占用" in line for line in refusals)  # the window was told
    capsys.readouterr()
    assert main(["--db", str(db_path), "audit", "verify"]) == 0, capsys.readouterr().err


def test_a_restore_does_not_start_while_another_window_keeps_saving(db_path, good_backup, monkeypatch):
    """A save that holds the station longer than a restore waits: the restore refuses, the file stays
    in place (it used to be taken for unreadable and moved aside under the saving window)."""
    monkeypatch.setattr(station, "RESTORE_WAITS_S", 0.2)
    station.open_site(str(db_path))
    before = snapshot()
    dbmod.close_database()
    saving = sqlite3.connect(db_path, isolation_level=None)
    saving.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DomainError, match="正在保存数据，恢复没有开始"):
            station.restore_file(None, str(db_path), good_backup)
    finally:
        saving.execute("ROLLBACK")
        saving.close()
    assert not list(db_path.parent.glob("station.db.damaged-*"))
    station.open_site(str(db_path))
    assert snapshot() == before


@pytest.mark.parametrize("version", [1, 2, 3])
def test_a_backup_of_an_older_version_is_restored_and_upgraded(db_path, tmp_path, version):
    """An older station has fewer tables (version 1 had no audit log): what its version lacks is no fault."""
    from gridstation.core.station import schema
    from tests.helpers import FIXTURES

    old = tmp_path / f"gridstation-v{version}.db"
    conn = sqlite3.connect(old)
    conn.executescript((FIXTURES / f"schema_v{version}.sql").read_text(encoding="utf-8"))
    conn.commit()
    conn.close()
    dbmod.close_database()
    assert main(["--db", str(db_path), "restore", str(old)]) == 0
    assert schema.stored_version() == schema.LATEST
    assert main(["--db", str(db_path), "audit", "verify"]) == 0


def test_a_copy_of_a_marked_file_restores_to_a_station_that_saves(db_path, good_backup, tmp_path, capsys):
    """A file a restore marked as replaced (one moved aside, or copied by hand before the swap) keeps
    its mark: restored, it must not refuse every save."""
    marked = tmp_path / "marked.db"
    shutil.copyfile(good_backup, marked)
    _spoiled(marked, """INSERT INTO setting (key, value) VALUES ('replaced_by_restore', '{"by": "otherpc-1"}')""")
    assert main(["--db", str(db_path), "restore", str(marked)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db_path), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0, \
        capsys.readouterr().err
