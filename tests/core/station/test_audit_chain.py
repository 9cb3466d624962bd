"""Cutting the newest entries off the audit log is found (issue 12 item 14): the chain's head is
kept beside the database and in every backup; restores and ordinary work raise no false alarm.
The next save does not hide the cut (issue 22 item 2): it records a finding that stays until acknowledged."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import audit, backup, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.conftest import BACKENDS, PASSWORD

ENTRIES = 600


@pytest.fixture
def long_log(db_path, admin) -> Path:
    with dbmod.write_transaction():
        for n in range(ENTRIES):
            audit.record(admin, "查看", "resident", n)
    dbmod.close_database()
    return db_path


def _delete_newest(path: Path, count: int | None) -> None:
    conn = sqlite3.connect(path)
    if count is None:
        conn.execute("DELETE FROM audit_log")
    else:
        conn.execute("DELETE FROM audit_log WHERE id > (SELECT MAX(id) FROM audit_log) - ?", (count,))
    conn.commit()
    conn.close()


def _verify(path: Path, capsys) -> tuple[int, str]:
    code = main(["--db", str(path), "audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.err + captured.out


@pytest.mark.parametrize("count", [1, 500, None], ids=["last-1", "last-500", "all"])
def test_deleting_the_newest_entries_is_found(long_log, capsys, count):
    assert _verify(long_log, capsys)[0] == 0
    _delete_newest(long_log, count)
    code, said = _verify(long_log, capsys)
    assert code == 1 and "最新的记录被删除" in said and "链头文件" in said


def test_a_backup_still_finds_it_when_the_head_file_is_deleted_too(long_log, capsys):
    assert main(["--db", str(long_log), "backup"]) == 0
    _delete_newest(long_log, 2)  # the backup's own entry and the last one it copied
    audit.anchor_path(str(long_log)).unlink()
    code, said = _verify(long_log, capsys)
    assert code == 1 and "备份 gridstation-" in said


def test_ordinary_work_backups_and_a_restore_raise_no_false_alarm(long_log, capsys, admin):
    assert main(["--db", str(long_log), "backup"]) == 0
    first = next((long_log.parent / "backups").glob("gridstation-*.db"))
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", "after the backup")
    dbmod.close_database()
    assert main(["--db", str(long_log), "restore", str(first)]) == 0  # the log goes back on purpose
    assert _verify(long_log, capsys)[0] == 0
    assert main(["--db", str(long_log), "backup"]) == 0
    capsys.readouterr()
    assert _verify(long_log, capsys) == (0, f"操作日志完整：共 {ENTRIES + 4} 条，哈希链校验通过。\n")


def test_a_write_that_is_undone_does_not_move_the_head(db_path, admin):
    before = audit.anchor_path(str(db_path)).read_text()
    with pytest.raises(RuntimeError), dbmod.write_transaction():
        audit.record(admin, "查看", "resident", 1)
        raise RuntimeError("refused after the entry")
    assert audit.anchor_path(str(db_path)).read_text() == before
    assert audit.verify_chain() is None


def test_backup_heads_skip_copies_made_before_the_last_restore(long_log, admin):
    dbmod.close_database()
    assert main(["--db", str(long_log), "backup"]) == 0
    assert len(backup.backup_heads(str(long_log))) == 1
    copy = next((long_log.parent / "backups").glob("gridstation-*.db"))
    station.restore_file(admin, str(long_log), copy)
    assert backup.backup_heads(str(long_log)) == []


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_either_backend_the_head_kept_outside_finds_a_deleted_newest_entry(site_db, admin):
    """On a server the head lives in this PC's data folder; the rule and the finding are the same."""
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", 1)
    assert audit.verify_chain() is None
    newest = dbmod.current().execute_sql("SELECT MAX(id) FROM audit_log").fetchone()[0]
    dbmod.current().execute_sql(f"DELETE FROM audit_log WHERE id = {int(newest)}")
    problem = audit.verify_chain()
    assert problem is not None and problem.entry_id == newest and "最新的记录被删除" in problem.reason


def test_a_new_database_where_an_old_one_was_deleted_starts_a_new_head(long_log, capsys, monkeypatch):
    long_log.unlink()
    monkeypatch.setenv("GRIDSTATION_ADMIN_PASSWORD", PASSWORD)
    assert main(["--db", str(long_log), "init", "--station", "新站"]) == 0
    assert _verify(long_log, capsys)[0] == 0


def _rehash_last(path: Path) -> None:
    """Replace the newest entry by one with other content and a hash that fits the chain."""
    conn = sqlite3.connect(path)
    row = conn.execute("SELECT id, prev_hash, at FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    fields = {"at": row[2], "username": "admin", "action": "查看", "entity": "resident", "entity_id": "0",
              "before": "", "after": ""}
    conn.execute("UPDATE audit_log SET username = 'admin', action = '查看', entity = 'resident', entity_id = '0', "
                 "before = '', after = '', hash = ? WHERE id = ?", (audit._digest(fields, row[1]), row[0]))
    conn.commit()
    conn.close()


@pytest.mark.parametrize("cut", ["last-1", "last-50", "re-hashed"])
def test_a_cut_log_is_still_found_after_the_next_save_until_an_admin_acknowledges_it(long_log, capsys, admin, cut):
    """Issue 22 item 2: the next ordinary save overwrote the head file, and verify said 完整."""
    if cut == "re-hashed":
        _rehash_last(long_log)
    else:
        _delete_newest(long_log, int(cut.split("-")[1]))
    for _ in range(2):  # one event registered the normal way, then another save
        assert main(["--db", str(long_log), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0
    code, said = _verify(long_log, capsys)
    assert code == 1 and "最新的记录被删除或替换" in said and "gridstation audit acknowledge" in said
    assert m.AuditLog.select().where(m.AuditLog.action == "发现篡改").count() == 1
    assert main(["--db", str(long_log), "audit", "acknowledge"]) == 0
    assert "已确认 1 次篡改发现" in capsys.readouterr().out
    assert _verify(long_log, capsys)[0] == 0
    acknowledged = m.AuditLog.select().where(m.AuditLog.action == "确认篡改发现").get()
    assert acknowledged.username == "系统" and "findings" in acknowledged.after
    assert main(["--db", str(long_log), "audit", "acknowledge"]) == 2  # nothing left to acknowledge


def test_only_an_administrator_acknowledges_a_finding(long_log, admin, head):
    _delete_newest(long_log, 1)
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", "the next save")
    with pytest.raises(PermissionDenied):
        audit.acknowledge_findings(head)
    assert audit.acknowledge_findings(admin) == 1
    assert audit.verify_chain() is None


@pytest.mark.parametrize("backend", BACKENDS)
def test_on_either_backend_the_next_save_records_a_cut_until_it_is_acknowledged(site_db, admin):
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", 1)
    newest = dbmod.current().execute_sql("SELECT MAX(id) FROM audit_log").fetchone()[0]
    dbmod.current().execute_sql(f"DELETE FROM audit_log WHERE id = {int(newest)}")
    for n in (2, 3):
        with dbmod.write_transaction():
            audit.record(admin, "查看", "resident", n)
    problem = audit.verify_chain()
    assert problem is not None and "最新的记录被删除或替换" in problem.reason
    assert [f.entity_id for f in audit.open_findings()] == [str(newest)]
    assert audit.acknowledge_findings(admin) == 1
    assert audit.verify_chain() is None


def test_backups_of_another_log_in_the_folder_raise_no_alarm(long_log, capsys, monkeypatch):
    """Issue 22 F8: a backup of the station before it was set up anew (or of another station sharing the
    folder) was compared with this log: a permanent alarm no administrator could acknowledge."""
    assert main(["--db", str(long_log), "backup"]) == 0
    other = long_log.with_name("other.db")
    shutil.copy(next((long_log.parent / "backups").glob("gridstation-*.db")), other)
    long_log.unlink()
    audit.anchor_path(str(long_log)).unlink()
    monkeypatch.setenv("GRIDSTATION_ADMIN_PASSWORD", PASSWORD)
    assert main(["--db", str(long_log), "init", "--station", "重新设置的站"]) == 0
    assert _verify(long_log, capsys)[0] == 0
    assert main(["--db", str(long_log), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0
    assert _verify(long_log, capsys)[0] == 0
    assert main(["--db", str(other), "backup", "--to", str(long_log.parent / "backups")]) == 0  # another station
    assert _verify(long_log, capsys)[0] == 0
    assert backup.backup_heads(str(long_log)) == []
    assert main(["--db", str(long_log), "backup"]) == 0  # this station's own backups still count
    assert len(backup.backup_heads(str(long_log))) == 1


def _append_well_hashed(path: Path, action: str, after: str) -> None:
    """An entry written by hand into the file, chained and hashed as the program would."""
    conn = sqlite3.connect(path)
    last_id, last_hash = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    row = {"at": "2026-03-02 09:30:00", "username": "admin", "action": action, "entity": "database",
           "entity_id": "x", "before": "", "after": after}
    conn.execute("INSERT INTO audit_log (id, at, username, action, entity, entity_id, before, after, prev_hash, hash) "
                 "VALUES (:id, :at, :username, :action, :entity, :entity_id, :before, :after, :prev, :hash)",
                 {**row, "id": last_id + 1, "prev": last_hash, "hash": audit._digest(row, last_hash)})
    conn.commit()
    conn.close()


@pytest.mark.parametrize("after", ["[1]", "7", '"text"', '{"replaced_heads": 5}', "not json"])
def test_a_malformed_restore_entry_is_a_finding_and_never_stops_a_save(long_log, capsys, after):
    """Issue 22 F19: a well-hashed 恢复 entry whose content was not an object made every later save a
    program fault (the check that reports tampering must not stop the station)."""
    _append_well_hashed(long_log, "恢复", after)
    audit.anchor_path(str(long_log)).write_text(f"{99999:012d} {'0' * 64}\n")
    assert main(["--db", str(long_log), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0
    code, said = _verify(long_log, capsys)
    assert code == 1 and "最新的记录被删除或替换" in said


def test_a_malformed_finding_is_still_reported(long_log, capsys):
    _append_well_hashed(long_log, "发现篡改", "[1]")
    code, said = _verify(long_log, capsys)
    assert code == 1 and "内容无法读取" in said


def test_an_acknowledgement_written_into_the_file_by_hand_does_not_silence_a_finding(long_log, capsys):
    """Issue 22 F5: the chain has no key, so whoever cut the log appended a well-hashed 确认篡改发现 and
    verify said 完整. An acknowledgement counts only when the head file names it."""
    _delete_newest(long_log, 3)
    assert main(["--db", str(long_log), "events", "add", "--category", "环境卫生", "--description", "垃圾堆放"]) == 0
    finding = m.AuditLog.select().where(m.AuditLog.action == "发现篡改").get()
    dbmod.close_database()
    _append_well_hashed(long_log, "确认篡改发现", f'{{"findings": [{finding.id}]}}')
    code, said = _verify(long_log, capsys)
    assert code == 1 and "gridstation audit acknowledge" in said
    assert main(["--db", str(long_log), "events", "add", "--category", "环境卫生", "--description", "再一件"]) == 0
    assert _verify(long_log, capsys)[0] == 1  # the next save does not adopt the forged one either
    assert main(["--db", str(long_log), "audit", "acknowledge"]) == 0
    assert _verify(long_log, capsys)[0] == 0


def test_acknowledgements_made_before_they_were_kept_in_the_head_file_still_count(long_log, capsys, admin):
    _delete_newest(long_log, 1)
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", "the next save")
    assert audit.acknowledge_findings(admin) == 1
    head = audit.anchor_path(str(long_log))
    head.write_text(" ".join(head.read_text().split()[:2]) + "\n")  # as an earlier version wrote it
    assert _verify(long_log, capsys)[0] == 0
    with dbmod.write_transaction():
        audit.record(admin, "查看", "resident", "a save adopts the log's acknowledgement")
    assert len(head.read_text().split()) == 3 and _verify(long_log, capsys)[0] == 0
