"""Backups and checks on hostile media and damaged files (issue 22 items 6 and 10): a write-protected
USB stick is one Chinese line and an audited failure; damaged pages are reported, never called sound;
what killed backups and restores leave is cleared; backups of one second are each their own file."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import residents
from gridstation.core.rules import clock
from gridstation.core.station import audit
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.helpers import ROOT, make_id


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare (user and mount namespaces) to mount a read-only medium")
def test_a_backup_onto_a_write_protected_medium_is_one_chinese_line_exit_2_and_audited(db_path, tmp_path):
    """A read-only tmpfs stands for the write-protected stick: even removing a file there is refused."""
    stick = tmp_path / "usb"
    stick.mkdir()
    dbmod.close_database()
    script = 'mount -t tmpfs -o ro tmpfs "$1" && exec "$2" -m gridstation --db "$3" backup --to "$1"'
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(stick), sys.executable, str(db_path)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.count("\n") == 1 and "不能写入" in proc.stderr and "写保护" in proc.stderr
    failure = m.AuditLog.select().where(m.AuditLog.action == "备份失败").get()
    assert str(stick) in failure.after


def _on_write_protected_medium(db_path: Path, medium: Path, *command: str) -> subprocess.CompletedProcess:
    """``gridstation --db medium/<db> command`` with ``medium`` (a copy of the station and its head
    file) mounted read-only, as a write-protected stick is."""
    medium.mkdir()
    for path in (db_path, audit.anchor_path(str(db_path))):
        shutil.copy(path, medium / path.name)
    script = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && shift && exec "$@"'
    return subprocess.run(["unshare", "-rm", "sh", "-c", script, "sh", str(medium), sys.executable, "-m", "gridstation",
                           "--db", str(medium / db_path.name), *command], cwd=ROOT, capture_output=True, text=True,
                          check=False)


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare (user and mount namespaces) to mount a read-only medium")
@pytest.mark.parametrize(("command", "words"), [(["check"], "数据库检查通过"), (["audit", "verify"], "操作日志完整")],
                         ids=["check", "verify"])
def test_check_and_verify_read_a_station_on_a_write_protected_medium(db_path, tmp_path, command, words):
    """Issue 22 F6: both refused with 「无法写入数据库文件」 although they only read."""
    dbmod.close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    proc = _on_write_protected_medium(db_path, tmp_path / "stick", *command)
    assert proc.returncode == 0 and words in proc.stdout, proc.stderr


@pytest.mark.skipif(not _unshare_works(), reason="needs unshare (user and mount namespaces) to mount a read-only medium")
def test_verify_on_a_write_protected_medium_still_finds_a_cut_log(db_path, tmp_path):
    dbmod.close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("DELETE FROM audit_log WHERE id = (SELECT MAX(id) FROM audit_log)")
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    proc = _on_write_protected_medium(db_path, tmp_path / "stick", "audit", "verify")
    assert proc.returncode == 1 and "最新的记录被删除" in proc.stderr, proc.stderr


@pytest.fixture
def damaged(db_path, admin) -> Path:
    """A station whose resident pages were overwritten in the middle (a failing disk, a bad sector)."""
    for n in range(400):
        residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id(seq=f"{n:03d}")))
    dbmod.close_database()
    conn = sqlite3.connect(db_path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    root, pages = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'resident'").fetchone()[0], \
        conn.execute("PRAGMA page_count").fetchone()[0]
    size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert pages > root + 4
    with db_path.open("r+b") as file:
        file.seek(root * size)  # the pages right after the table's root
        file.write(b"\xa5" * size * 3)
    return db_path


@pytest.mark.parametrize("command", [["check"], ["audit", "verify"]], ids=" ".join)
def test_damaged_pages_are_reported_in_chinese_exit_2_never_called_sound(damaged, capsys, command):
    code = main(["--db", str(damaged), *command])
    captured = capsys.readouterr()
    assert code == 2, captured
    assert captured.err.count("\n") == 1 and "损坏" in captured.err and "restore" in captured.err
    assert "完整" not in captured.out and "意外" not in captured.err


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".")) if folder.is_dir() else []


def test_the_next_backup_removes_what_killed_backups_and_restores_left(db_path, tmp_path):
    dbmod.close_database()
    usb, good = tmp_path / "usb", tmp_path / "good"
    assert main(["--db", str(db_path), "backup", "--to", str(good)]) == 0
    copy = next(good.glob("gridstation-*.db"))
    for what, other in (("backup", usb), ("restore", copy)):
        killed = subprocess.run([sys.executable, "-m", "tests.workers.killed_backup", what, str(db_path), str(other)],
                                cwd=ROOT, capture_output=True, text=True, check=False)
        assert killed.returncode == -9, killed.stderr
    assert len(_hidden(usb)) == 1 and len(_hidden(tmp_path)) == 1  # what the kills left
    assert main(["--db", str(db_path), "backup", "--to", str(usb)]) == 0
    assert _hidden(usb) == [] and _hidden(tmp_path) == []
    assert len(list(usb.glob("gridstation-*.db"))) == 1


def _backups_in_one_second(databases: list[Path], usb: Path) -> list[tuple[int, str]]:
    """One ``gridstation backup --to usb`` per entry of ``databases``, all released in the same second."""
    workers = [subprocess.Popen([sys.executable, "-m", "tests.workers.backup_at", str(db), str(usb)], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for db in databases]
    for worker in workers:
        assert worker.stdout.readline().strip() == "ready"
    for worker in workers:
        worker.stdin.write("\n")
        worker.stdin.flush()
    results = [(worker.wait(timeout=120), worker.stderr.read()) for worker in workers]
    for worker in workers:
        worker.stdin.close()
        worker.stdout.close()
        worker.stderr.close()
    return results


def test_backups_started_in_the_same_second_are_each_their_own_file(db_path, tmp_path):
    dbmod.close_database()
    usb = tmp_path / "usb"
    usb.mkdir()
    assert _backups_in_one_second([db_path] * 4, usb) == [(0, "")] * 4
    audited = {e.entity_id for e in m.AuditLog.select().where(m.AuditLog.action == "备份")}
    files = {p.name for p in usb.glob("gridstation-*.db")}
    assert len(audited) == 4 and files == audited


def test_a_restore_killed_just_before_its_swap_leaves_the_station_working(db_path, tmp_path, capsys):
    """The old file was already marked as replaced: a save into it must not be refused for ever."""
    dbmod.close_database()
    assert main(["--db", str(db_path), "backup", "--to", str(tmp_path / "good")]) == 0
    copy = next((tmp_path / "good").glob("gridstation-*.db"))
    killed = subprocess.run([sys.executable, "-m", "tests.workers.killed_backup", "restore-at-swap", str(db_path), str(copy)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert killed.returncode == -9, killed.stderr
    capsys.readouterr()
    assert main(["--db", str(db_path), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0
    assert main(["--db", str(db_path), "audit", "verify"]) == 0, capsys.readouterr().err
    assert main(["--db", str(db_path), "backup"]) == 0
    assert _hidden(tmp_path) == []


def test_two_stations_backing_up_into_one_shared_folder_in_one_second_never_share_a_file(db_path, tmp_path, monkeypatch):
    """Issue 22 F10: names were reserved through each station's own audit log, so another station
    backing up into the same share in the same second took the same name, and one copy overwrote the
    other under a name both logs claimed. Here the other station backs up while this one records."""
    dbmod.close_database()
    one, two = tmp_path / "one.db", tmp_path / "two.db"
    for station in (one, two):
        shutil.copy(db_path, station)
    share = tmp_path / "share"
    share.mkdir()
    second = dt.datetime(2026, 3, 2, 9, 30, 0)  # the second tests.workers.backup_at stops its clock at
    monkeypatch.setattr(clock, "now", lambda: second)
    monkeypatch.setattr(clock, "today", second.date)
    record = audit.record

    def other_station_meanwhile(actor, action, *args, **kwargs):
        if action == "备份":
            assert _backups_in_one_second([two], share) == [(0, "")]
        return record(actor, action, *args, **kwargs)

    monkeypatch.setattr(audit, "record", other_station_meanwhile)
    assert main(["--db", str(one), "backup", "--to", str(share)]) == 0
    logged = []
    for station in (one, two):
        conn = sqlite3.connect(station)
        logged += [row[0] for row in conn.execute("SELECT entity_id FROM audit_log WHERE action = '备份'")]
        conn.close()
    assert len(set(logged)) == 2 and set(logged) == {p.name for p in share.glob("gridstation-*.db")}
