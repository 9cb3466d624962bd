"""Opening, initialising and signing in to a station: no half states, no silent changes, no hints.

Issue 12 items 4, 15, 16 and 17.
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from pathlib import Path

import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DatabaseProblem, DomainError
from gridstation.core.station import accounts, audit, catalog, schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.helpers import make_id

READ_COMMANDS = [["check"], ["audit", "verify"], ["backup"], ["selftest"], ["tools", "overdue"]]


def _foreign(path: Path) -> Path:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.execute("INSERT INTO notes VALUES ('别的程序的数据')")
    conn.commit()
    conn.close()
    return path


@pytest.mark.parametrize("command", READ_COMMANDS, ids=" ".join)
@pytest.mark.parametrize("kind", ["empty", "foreign"])
def test_an_empty_or_foreign_file_is_refused_by_every_command_and_left_as_it_was(tmp_path, capsys, command, kind):
    path = tmp_path / "gridstation.db"
    if kind == "empty":
        path.touch()
    else:
        _foreign(path)
    before = path.read_bytes()
    assert main(["--db", str(path), *command]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("数据库文件") and ("空的" if kind == "empty" else "不是网格服务站") in err
    assert "restore" in err and "Traceback" not in err
    assert path.read_bytes() == before  # no schema written into it
    assert not (tmp_path / "backups").exists()


def test_init_still_creates_a_new_database_and_may_use_an_empty_file(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GRIDSTATION_ADMIN_PASSWORD", PASSWORD)
    empty = tmp_path / "empty.db"
    empty.touch()
    for path in (tmp_path / "new.db", empty):
        assert main(["--db", str(path), "init", "--station", "测试站"]) == 0
        assert main(["--db", str(path), "check"]) == 0
    foreign = _foreign(tmp_path / "foreign.db")
    assert main(["--db", str(foreign), "init", "--station", "测试站"]) == 2
    assert "不是网格服务站" in capsys.readouterr().err


def test_init_that_renames_a_station_and_adds_an_admin_is_audited(site_db, monkeypatch):
    monkeypatch.setenv("GRIDSTATION_ADMIN_PASSWORD", PASSWORD)
    dbmod.close_database()
    assert main(["--db", site_db, "init", "--station", "改名后的服务站", "--admin", "boss"]) == 0
    renamed = m.AuditLog.select().where(m.AuditLog.action == "初始化服务站").order_by(m.AuditLog.id.desc()).get()
    assert "改名后的服务站" in renamed.after and "新亚洲体育城" in renamed.before
    added = m.AuditLog.get(m.AuditLog.action == "新增人员", m.AuditLog.after.contains('"boss"'))
    assert '"admin"' in added.after  # the role
    assert audit.verify_chain() is None
    count = m.AuditLog.select().count()
    assert main(["--db", site_db, "init", "--station", "改名后的服务站", "--admin", "boss"]) == 0
    assert m.AuditLog.select().count() == count  # nothing changed, nothing recorded


def test_unknown_login_costs_the_same_hashing_as_a_wrong_password(clerk, monkeypatch):
    calls: list[int] = []
    real = hashlib.scrypt

    def counting(*args, **kwargs):
        calls.append(kwargs["n"])
        return real(*args, **kwargs)

    monkeypatch.setattr(accounts.hashlib, "scrypt", counting)
    with pytest.raises(DomainError, match="登录名或密码错误"):
        accounts.sign_in("clerk", "wrong-password")
    wrong_password = list(calls)
    calls.clear()
    with pytest.raises(DomainError, match="登录名或密码错误"):
        accounts.sign_in("nobody-by-this-name", "wrong-password")
    assert wrong_password == calls == [2**14]


def test_certifying_twice_at_once_saves_one_certification(admin, monkeypatch):
    """Another window certifies the same pensioner just before this one takes the write lock:
    the check must see it, which it only can when it runs under the lock."""
    pensioner = residents.save_resident(admin, residents.ResidentInput(
        name="李四", doc_number=make_id("530111", "19500101", "033"), is_pensioner=True))
    year = clock.today().year
    locked = intakes.write_transaction
    other_window_saved: list[bool] = []

    @contextlib.contextmanager
    def other_window_first():
        if not other_window_saved:
            other_window_saved.append(True)
            intakes.record_certification(admin, pensioner.id, year, "上门")
        with locked():
            yield

    monkeypatch.setattr(intakes, "write_transaction", other_window_first)
    with pytest.raises(DomainError, match="已完成认证"):
        intakes.record_certification(admin, pensioner.id, year, "窗口")
    service = catalog.get_service(catalog.PENSION)
    assert m.Intake.select().where((m.Intake.resident == pensioner.id) & (m.Intake.service == service)).count() == 1


def test_a_crash_between_schema_and_services_leaves_no_half_station(tmp_path, monkeypatch):
    path = tmp_path / "gridstation.db"

    def crash() -> None:
        m.ServiceType.create(code="half", name="半个服务", category="x", promised_days=1, sort_order=1,
                             actions="[]", fields="[]")
        raise RuntimeError("power cut")

    monkeypatch.setattr(catalog, "install_builtin", crash)
    with pytest.raises(RuntimeError):
        station.open_site(str(path))
    dbmod.close_database()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall() == []
    conn.close()
    monkeypatch.undo()
    station.open_site(str(path))  # the next start creates the whole station
    assert schema.stored_version() == schema.LATEST
    assert catalog.get_service(catalog.PENSION) is not None
    dbmod.close_database()


def test_a_read_command_refuses_an_uninitialised_server_database(tmp_path):
    """The URL form goes through the same rule; a sqlite:/// URL stands in for a server here."""
    path = tmp_path / "empty.db"
    with pytest.raises(DatabaseProblem, match="还没有建立"):
        station.open_site(f"sqlite:///{path}", create=False)
    dbmod.close_database()


def test_the_gui_offers_the_newest_good_backup_for_an_empty_file_and_keeps_the_file(qtbot, db_path, admin,
                                                                                      monkeypatch):
    from types import SimpleNamespace

    from PySide6.QtWidgets import QMessageBox

    from gridstation import app
    from gridstation.core.station import backup

    good = backup.backup_site(admin, str(db_path), label="daily").path
    dbmod.close_database()
    db_path.write_bytes(b"")  # the file a full disk or a crash left behind
    asked: list[str] = []

    def answer_yes(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")  # as on a desktop, where the question is asked
    monkeypatch.setattr(QMessageBox, "question", answer_yes)
    assert app._open_database(SimpleNamespace(ctx=SimpleNamespace(target=str(db_path)))) is None
    assert "空的" in asked[0] and good.name in asked[0]
    assert station.is_initialised()  # restored and open
    kept = list(db_path.parent.glob("station.db.damaged-*"))
    assert len(kept) == 1 and kept[0].stat().st_size == 0  # the empty file is kept aside, never deleted
    dbmod.close_database()


def test_an_empty_file_with_a_journal_beside_it_is_refused_and_the_journal_left_alone(tmp_path, capsys):
    """A 0-byte main file can have its saves in the -wal; reading it must not delete that."""
    path = tmp_path / "gridstation.db"
    path.touch()
    wal = Path(f"{path}-wal")
    wal.write_bytes(b"the only copy of the last saves")
    assert main(["--db", str(path), "check"]) == 2
    assert wal.read_bytes() == b"the only copy of the last saves"
