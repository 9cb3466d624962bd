"""Backups and checks on hostile media and damaged files (issue 22 items 6 and 10): a write-protected
USB stick is one Chinese line and an audited failure; damaged pages are reported, never called sound;
what killed backups and restores leave is cleared; backups of one second are each their own file."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import residents
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


def test_backups_started_in_the_same_second_are_each_their_own_file(db_path, tmp_path):
    dbmod.close_database()
    usb = tmp_path / "usb"
    usb.mkdir()
    workers = [subprocess.Popen([sys.executable, "-m", "tests.workers.backup_at", str(db_path), str(usb)], cwd=ROOT,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(4)]
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
    assert results == [(0, "")] * 4
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
