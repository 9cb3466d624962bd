import datetime as dt
import sqlite3

import pytest

from gridstation.cli import main
from gridstation.core.intake import residents
from gridstation.core.rules.errors import DomainError, PermissionDenied
from gridstation.core.station import accounts, audit, backup, catalog, roles, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD
from tests.helpers import make_id, snapshot

pytestmark = pytest.mark.both_backends


def test_password_is_stored_only_as_a_salted_slow_hash(admin):
    assert PASSWORD not in admin.password_hash and admin.password_hash.startswith("scrypt$")
    other = accounts.hash_password(PASSWORD)
    assert other != admin.password_hash and accounts.verify_password(PASSWORD, other)


def test_five_failures_lock_the_account_for_five_minutes(clerk):
    now = dt.datetime(2026, 1, 5, 9, 0)
    for _ in range(5):
        with pytest.raises(DomainError, match="登录名或密码错误"):
            accounts.sign_in("clerk", "wrong-one", now=now)
    with pytest.raises(DomainError, match="已锁定"):
        accounts.sign_in("clerk", PASSWORD, now=now + dt.timedelta(minutes=4))
    assert accounts.sign_in("clerk", PASSWORD, now=now + dt.timedelta(minutes=6)).username == "clerk"
    failures = m.AuditLog.select().where(m.AuditLog.action == "登录失败").count()
    assert failures == 6


def test_deactivated_staff_cannot_sign_in_but_keep_history(admin, clerk):
    accounts.set_active(admin, clerk.id, False)
    with pytest.raises(DomainError, match="已停用"):
        accounts.sign_in("clerk", PASSWORD)
    assert m.Staff.get_by_id(clerk.id).username == "clerk"


def test_last_admin_cannot_be_deactivated(admin, head):
    with pytest.raises(DomainError):
        accounts.set_active(head, admin.id, False)
    with pytest.raises(DomainError, match="不能停用自己"):
        accounts.set_active(admin, admin.id, False)


def test_change_own_password_and_admin_reset(admin, clerk):
    with pytest.raises(DomainError, match="原密码不正确"):
        accounts.change_own_password(clerk, "nope", "newpass1")
    accounts.change_own_password(clerk, PASSWORD, "newpass1")
    assert accounts.sign_in("clerk", "newpass1").id == clerk.id
    accounts.reset_password(admin, clerk.id, "another1")
    assert accounts.sign_in("clerk", "another1").id == clerk.id
    with pytest.raises(DomainError, match="至少需要"):
        accounts.reset_password(admin, clerk.id, "123")


@pytest.mark.parametrize("call", [
    lambda a: accounts.create_staff(a, "x1", "x", roles.CLERK, "secret99"),
    lambda a: accounts.reset_password(a, 1, "secret99"),
    lambda a: accounts.set_active(a, 1, False),
    lambda a: station.update_settings(a, {"station_name": "改名"}),
    lambda a: catalog.save_service(a, code="x1", name="x", promised_days=1, actions=[], fields=[]),
    lambda a: audit.query_entries(a),
])
def test_clerk_is_refused_by_the_service_itself(clerk, call):
    before = snapshot()
    with pytest.raises(PermissionDenied, match="无权"):
        call(clerk)
    assert snapshot() == before


def test_head_may_edit_catalogue_but_not_settings(head):
    catalog.save_service(head, code="dispute", name="矛盾纠纷调处", promised_days=10, actions=["调解"], fields=[])
    with pytest.raises(PermissionDenied):
        station.update_settings(head, {"station_name": "改名"})


def test_every_change_is_audited_with_before_and_after(admin):
    r = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    residents.save_resident(admin, residents.ResidentInput(name="张三丰", doc_number=r.doc_number), r.id)
    station.update_settings(admin, {"station_phone": "0871-67001234"})
    entries = {e.action: e for e in m.AuditLog.select()}
    assert {"新增居民", "修改居民", "修改设置"} <= set(entries)
    assert "张三" in entries["修改居民"].before and "张三丰" in entries["修改居民"].after
    assert r.doc_number not in entries["新增居民"].after  # the log is masked too


def _tamper(db_path, sql: str) -> None:
    dbmod.close_database()
    conn = sqlite3.connect(db_path)
    conn.execute(sql)
    conn.commit()
    conn.close()
    station.open_site(str(db_path))


@pytest.mark.parametrize("sql, words", [
    ("UPDATE audit_log SET username = 'mallory' WHERE id = 2", "被修改"),
    ("DELETE FROM audit_log WHERE id = 2", "删除或插入"),
    ("INSERT INTO audit_log (at, username, action, entity, entity_id, before, after, prev_hash, hash) "
     "SELECT at, username, action, entity, entity_id, before, after, 'x', 'y' FROM audit_log WHERE id = 2", "删除或插入"),
])
def test_audit_chain_detects_edit_delete_and_insert(db_path, admin, capsys, sql, words):
    for name in ("甲", "乙", "丙"):
        residents.save_resident(admin, residents.ResidentInput(name=name, doc_number=make_id(seq=f"{ord(name) % 1000:03d}")))
    assert audit.verify_chain() is None
    assert main(["--db", str(db_path), "audit", "verify"]) == 0
    _tamper(db_path, sql)
    problem = audit.verify_chain()
    assert problem is not None and words in problem.reason
    assert main(["--db", str(db_path), "audit", "verify"]) == 1
    assert words in capsys.readouterr().err


def test_backup_restore_round_trip(db_path, admin, tmp_path):
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id()))
    saved = snapshot()
    result = backup.backup_site(admin, str(db_path), tmp_path / "usb")
    assert result.path.exists() and result.rows["resident"] == 1
    residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=make_id(seq="123")))
    kept = station.restore_file(admin, str(db_path), result.path)
    assert kept is not None and kept.exists()
    restored = snapshot()
    assert restored == saved
    assert audit.verify_chain() is None


def test_restore_refuses_a_file_that_is_not_ours(db_path, admin, tmp_path):
    bogus = tmp_path / "other.db"
    conn = sqlite3.connect(bogus)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    before = snapshot()
    with pytest.raises(DomainError, match="不是网格服务站数据库"):
        station.restore_file(admin, str(db_path), bogus)
    assert snapshot() == before


def test_retention_keeps_30_daily_and_12_monthly(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = dt.date(2025, 1, 1)
    for i in range(400):
        day = start + dt.timedelta(days=i)
        (folder / f"gridstation-{day:%Y%m%d}-120000.db").write_bytes(b"x")
    backup.prune(folder, today=start + dt.timedelta(days=399))
    left = sorted(f.name[12:20] for f in folder.glob("*.db"))
    last_day = start + dt.timedelta(days=399)  # 2026-02-04
    daily = {f"{last_day - dt.timedelta(days=i):%Y%m%d}" for i in range(30)}
    assert daily <= set(left)
    months = sorted({d[:6] for d in left})
    assert months == [f"2025{m:02d}" for m in range(3, 13)] + ["202601", "202602"]
    # each older month keeps only its newest copy (its last day)
    assert "20250331" in left and "20250330" not in left
    assert len(left) == 30 + 10


def test_cli_backup_then_check(db_path, tmp_path, capsys):
    assert main(["--db", str(db_path), "backup", "--to", str(tmp_path / "usb")]) == 0
    assert "已备份并校验" in capsys.readouterr().out
    assert len(list((tmp_path / "usb").glob("gridstation-*.db"))) == 1
    assert main(["--db", str(db_path), "check"]) == 0


def test_roles_change_but_the_last_admin_stays(admin, clerk):
    accounts.set_role(admin, clerk.id, roles.HEAD)
    assert m.Staff.get_by_id(clerk.id).role == roles.HEAD
    with pytest.raises(DomainError, match="至少要保留一个"):
        accounts.set_role(admin, admin.id, roles.CLERK)
    with pytest.raises(PermissionDenied):
        accounts.set_role(m.Staff.get_by_id(clerk.id), admin.id, roles.CLERK)


def test_staff_tab_adds_an_account_and_changes_its_role(qtbot, db_path, admin):
    from PySide6.QtCore import Qt

    from gridstation.ui.common.context import AppContext
    from gridstation.ui.station.settings_tabs import StaffTab
    from tests.helpers import type_text

    tab = StaffTab(AppContext(target=str(db_path), staff=admin))
    qtbot.addWidget(tab)
    tab.show()
    type_text(qtbot, tab.ui.usernameEdit, "wangli")
    type_text(qtbot, tab.ui.displayNameEdit, "王丽")
    type_text(qtbot, tab.ui.passwordEdit, "short")
    qtbot.mouseClick(tab.ui.addButton, Qt.MouseButton.LeftButton)
    assert "至少需要" in tab.ui.messageLabel.text() and not m.Staff.select().where(m.Staff.username == "wangli").exists()
    type_text(qtbot, tab.ui.passwordEdit, "secret99")
    qtbot.mouseClick(tab.ui.addButton, Qt.MouseButton.LeftButton)
    new = m.Staff.get(m.Staff.username == "wangli")
    assert new.role == roles.CLERK
    tab.ui.staffTable.selectRow([s.id for s in tab.staff].index(new.id))
    tab.ui.roleCombo.setCurrentIndex(tab.ui.roleCombo.findData(roles.HEAD))
    qtbot.mouseClick(tab.ui.roleButton, Qt.MouseButton.LeftButton)
    assert m.Staff.get_by_id(new.id).role == roles.HEAD
