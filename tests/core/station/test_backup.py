"""Backups keep what they promise (issue 12 items 1, 2, 3, 7): labelled copies survive retention,
a backup succeeds while another window saves, an unusable folder is one Chinese line and an audit
entry, and no output file exists without its audit entry."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import backup, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from tests.helpers import make_id

ROOT = Path(__file__).resolve().parents[3]
UNWRITABLE = Path("/sys/fs")  # not writable even by root, so the test also means something in CI containers


def _intakes(admin, resident, n: int) -> None:
    for _ in range(n):
        intakes.create_intake(admin, intakes.IntakeInput(resident.id, "unemployment", details={"docs_checked": True}))


def _intake_count(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM intake").fetchone()[0]
    finally:
        conn.close()


def test_a_restores_safety_copy_survives_the_next_backup(db_path, admin, capsys):
    """The issue's reproduction: backup; 50 intakes; restore; backup again."""
    resident = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    dbmod.close_database()
    assert main(["--db", str(db_path), "backup"]) == 0
    first = next((db_path.parent / "backups").glob("gridstation-*.db"))
    station.open_site(str(db_path))
    _intakes(admin, resident, 50)
    dbmod.close_database()
    assert main(["--db", str(db_path), "restore", str(first)]) == 0
    assert "before-restore" in capsys.readouterr().out
    assert main(["--db", str(db_path), "backup"]) == 0
    kept = list((db_path.parent / "backups").glob("gridstation-*-before-restore*.db"))
    assert len(kept) == 1 and _intake_count(kept[0]) == 50  # the 50 intakes still exist somewhere


def test_retention_keeps_labelled_copies_90_days_and_the_newest_of_each_for_good(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    today = dt.date(2026, 6, 30)
    names = []
    for days_ago in (0, 1, 89, 91, 200, 400):
        day = today - dt.timedelta(days=days_ago)
        for label in ("daily", "before-restore", "manual"):
            names.append(f"gridstation-{day:%Y%m%d}-1{days_ago % 10}0000-{label}.db")
    old_upgrade = f"gridstation-{today - dt.timedelta(days=500):%Y%m%d}-080000-before-upgrade.db"
    for name in [*names, old_upgrade, "gridstation-20260630-120000-manual-2.db"]:
        (folder / name).write_bytes(b"x")
    backup.prune(folder, today=today)
    left = {f.name for f in folder.glob("*.db")}
    for label in ("before-restore", "manual"):
        kept_days = {n[12:20] for n in left if n.endswith(f"-{label}.db")}
        assert kept_days == {f"{today - dt.timedelta(days=d):%Y%m%d}" for d in (0, 1, 89)}
    assert old_upgrade in left  # the only before-upgrade copy: the newest of its label
    assert "gridstation-20260630-120000-manual-2.db" in left
    # a labelled copy does not take the place of its day's automatic one in the daily/monthly rule
    assert len([n for n in left if n.endswith("-daily.db")]) == 6


def test_the_newest_labelled_copy_is_kept_however_old(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "gridstation-20200101-080000-before-restore.db").write_bytes(b"x")
    (folder / "gridstation-20190101-080000-before-restore.db").write_bytes(b"x")
    backup.prune(folder, today=dt.date(2026, 1, 1))
    assert [f.name for f in folder.iterdir()] == ["gridstation-20200101-080000-before-restore.db"]


def test_backups_succeed_while_another_process_keeps_saving(db_path, admin, tmp_path):
    resident = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    dbmod.close_database()
    worker = subprocess.Popen([sys.executable, "-m", "tests.workers.save_intakes", str(db_path), "100000",
                               str(resident.id)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert worker.stdout.readline().strip(), "the saving process did not start"
        results = []
        for _ in range(6):
            proc = subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db_path), "backup",
                                   "--to", str(tmp_path / "usb")], cwd=ROOT, capture_output=True, text=True, check=False)
            results.append((proc.returncode, proc.stderr.strip()))
        assert worker.poll() is None, "the saving process stopped during the backups"
    finally:
        worker.kill()
        worker.communicate()
    assert results == [(0, "")] * 6
    counts = sorted(_intake_count(p) for p in (tmp_path / "usb").glob("gridstation-*.db"))
    assert len(set(counts)) > 1, "the saves did not run during the backups"


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "not-a-folder"
    path.write_text("x")
    return path


@pytest.mark.parametrize("folder, words", [
    (lambda tmp: tmp / "unplugged-drive" / "backups", "不存在"),
    (_file, "是一个文件"),
    pytest.param(lambda tmp: UNWRITABLE, "不能写入", marks=pytest.mark.skipif(not UNWRITABLE.is_dir(), reason="Linux only")),
], ids=["missing", "a-file", "not-writable"])
def test_an_unusable_backup_folder_is_one_chinese_line_exit_2_and_audited(db_path, tmp_path, capsys, folder, words):
    chosen = folder(tmp_path)
    dbmod.close_database()
    assert main(["--db", str(db_path), "backup", "--to", str(chosen)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and "Traceback" not in err
    assert not (tmp_path / "unplugged-drive").exists()
    failure = m.AuditLog.select().where(m.AuditLog.action == "备份失败").get()
    assert words in failure.after
    status = backup.last_backup_status()
    assert status.warning and words in status.line() and status.line().startswith("备份失败")


def test_status_says_when_the_last_good_backup_was_and_warns_after_24_hours(db_path, admin, tmp_path):
    # A station set up just now has had no day to back up yet: no warning at its first sign-in.
    assert not backup.last_backup_status().warning
    never = backup.last_backup_status(now=clock.now() + dt.timedelta(hours=25))
    assert never.line() == "24 小时内没有成功的备份（上次成功备份：从未备份）"
    backup.backup_site(admin, str(db_path), label="daily")
    status = backup.last_backup_status()
    assert not status.warning and status.line().startswith("上次备份：")
    later = backup.last_backup_status(now=clock.now() + dt.timedelta(hours=25))
    assert later.warning and later.line().startswith("24 小时内没有成功的备份")


def _read_only(monkeypatch) -> None:
    """The database file refuses writes (as a read-only file does): the audit entry cannot be written."""
    monkeypatch.setitem(dbmod.SQLITE_PRAGMAS, "query_only", 1)


def _outputs(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture
def made(db_path, admin):
    resident = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    intake = intakes.create_intake(admin, intakes.IntakeInput(resident.id, "unemployment", details={"docs_checked": True}))
    drill = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "50", "戴护目镜", ["钻头"]))
    unit = tool_units.add_units(admin, drill.id, 2)[0]  # something to print labels for, and a loan slip
    loan = lending.lend(admin, resident.id, [unit.asset_code])
    dbmod.close_database()
    return {"serial": intake.serial, "slip": loan.slip_no}


MONTH = f"{clock.today():%Y-%m}"


@pytest.mark.parametrize("command, files", [
    (lambda made, out: ["receipt", made["serial"], "--out", str(out / "回执.pdf")], 1),
    (lambda made, out: ["slip", made["slip"], "--out", str(out / "借用单.pdf")], 1),
    (lambda made, out: ["export", "residents", "--out", str(out / "居民.xlsx")], 1),
    (lambda made, out: ["labels", "--out", str(out / "标签.pdf")], 1),
    (lambda made, out: ["report", "monthly", "--month", MONTH, "--out", str(out / "月.pdf"), "--xlsx",
                        str(out / "月.xlsx"), "--export-summary", str(out / "月.json")], 3),
    (lambda made, out: ["report", "annual", "--year", MONTH[:4], "--out", str(out / "年.pdf")], 1),
    (lambda made, out: ["backup", "--to", str(out)], 1),
], ids=["receipt", "slip", "export", "labels", "report-monthly", "report-annual", "backup"])
def test_no_output_file_without_its_audit_entry(db_path, made, tmp_path, capsys, monkeypatch, command, files):
    out = tmp_path / "out"
    out.mkdir()
    entries = _audit_count(db_path)
    _read_only(monkeypatch)
    assert main(["--db", str(db_path), *command(made, out)]) == 2
    assert "无法写入数据库文件" in capsys.readouterr().err
    assert _outputs(out) == []  # neither the file nor a half-written one
    assert _audit_count(db_path) == entries
    monkeypatch.undo()
    assert main(["--db", str(db_path), *command(made, out)]) == 0
    assert len(_outputs(out)) == files and _audit_count(db_path) == entries + 1


def _audit_count(path: Path) -> int:
    dbmod.close_database()
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    finally:
        conn.close()


def test_a_backup_that_cannot_be_audited_leaves_no_file_and_the_old_ones_stay(db_path, admin, tmp_path, monkeypatch):
    folder = tmp_path / "usb"
    first = backup.backup_site(admin, str(db_path), folder).path

    def refuse(*_args, **_kwargs):
        raise DomainError("数据库正被其他程序占用")

    monkeypatch.setattr(backup.audit, "record", refuse)
    with pytest.raises(DomainError, match="占用"):
        backup.backup_site(admin, str(db_path), folder)
    assert _outputs(folder) == [first.name]  # the refused copy never took a name, the first one stays


def test_restoring_over_an_unreadable_database_keeps_it_and_its_journal(db_path, admin, tmp_path):
    good = backup.backup_site(admin, str(db_path), tmp_path / "usb").path
    dbmod.close_database()
    db_path.write_bytes(b"\x00garbage" * 512)
    Path(f"{db_path}-wal").write_bytes(b"saves not yet checkpointed")
    kept = station.restore_file(admin, str(db_path), good)
    assert kept is not None and kept.name.startswith("station.db.damaged-")
    assert kept.read_bytes() == b"\x00garbage" * 512
    assert Path(f"{kept}-wal").read_bytes() == b"saves not yet checkpointed"
    assert backup.integrity_problems() == []
