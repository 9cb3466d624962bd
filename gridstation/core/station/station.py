"""Opening a site's database: connect, create or upgrade the schema (after a backup), seed the catalogue."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import peewee

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DatabaseProblem, DomainError
from gridstation.core.rules.free_text import refuse_controls
from gridstation.core.station import accounts, audit, backup, catalog, roles, schema, upgrade_care
from gridstation.core.station.roles import ADMIN, require, require_as_signed_in
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import paths, settings
from gridstation.core.storage.output_files import discard, partial_path, this_process

RESTORE_WAITS_S = 15  # for another window's save to end before a restore gives up, as a save waits for another


@dataclass(frozen=True)
class Opened:
    target: str
    version_before: int
    version_after: int


def open_site(target: str, *, create: bool = True, read_only: bool = False) -> Opened:
    """Open the station's database, creating or upgrading its schema.

    Only a file that does not exist yet (or, with ``create``, one with no tables at all, as a
    first run cut short leaves it) is ever given a new schema; an existing file that is not a
    GridStation database, empty or not, is refused like a corrupt one, so a read command never
    turns a damaged or foreign file into an empty station.
    """
    _refuse_foreign_file(target, create)
    if read_only and _write_protected(target):
        return _open_read_only(target)
    dbmod.open_database(target, create=create)
    if not create and dbmod.is_url(target) and schema.stored_version() == 0:
        raise DatabaseProblem(f"服务器上的数据库还没有建立：请先运行 gridstation --db {dbmod.describe(target)} init。")

    def _backup() -> None:
        # A server database has no file to copy: its upgrade relies on the server's own backups
        # (pg_dump, WAL archiving); ``gridstation init`` reminds whoever upgrades it.
        if not dbmod.is_url(target):
            backup.backup_sqlite(target, backup.default_backup_dir(target), label="before-upgrade")

    before, after = schema.ensure_schema(backup=_backup, seed=_seed_builtin)
    if before == 0:
        audit.reset_anchor()  # a new log: a head file left by a deleted database is not its head
    return Opened(target, before, after)


def _seed_builtin() -> None:
    """What a new station starts with, and what the last upgrade step fills in where it is missing: the
    built-in services and the default care tags."""
    catalog.install_builtin()
    upgrade_care.seed_tags(dbmod.current())


def _write_protected(target: str) -> bool:
    """A SQLite file that cannot be written (a write-protected stick, a read-only share)."""
    path = Path(target)
    return not dbmod.is_url(target) and path.is_file() and not os.access(path, os.W_OK)


def _open_read_only(target: str) -> Opened:
    """For ``check`` and ``audit verify`` on a write-protected file: they only read, so they open it
    read-only and report, instead of refusing that it cannot be written. A file that would need
    an upgrade cannot be read as it is, so it is refused in Chinese."""
    dbmod.open_database(target, create=False, read_only=True)
    version = schema.stored_version()
    if version != schema.LATEST:
        raise DatabaseProblem(f"数据库文件 {target} 是写保护的，而它来自另一版本的程序（数据库版本 {version}），"
                              "需要升级后才能读取：请把它复制到可写的位置再检查。")
    return Opened(target, version, version)


def _refuse_foreign_file(target: str, create: bool) -> None:
    """DatabaseProblem unless an existing file holds a GridStation schema (or, with ``create``, nothing)."""
    path = Path(target)
    if dbmod.is_url(target) or not path.is_file():
        return
    try:
        tables = backup.tables_of(path)
    except sqlite3.Error as exc:
        raise DatabaseProblem(dbmod.explain_database_error(target, exc)) from None
    if m.SchemaVersion._meta.table_name in tables or (create and not tables):
        return
    what = "是空的（0 字节）" if path.stat().st_size == 0 else "不是网格服务站的数据库"
    raise DatabaseProblem(f"数据库文件{what}：{path}。请从备份恢复（gridstation restore），"
                          "不要在它上面继续使用。")


def is_initialised() -> bool:
    return m.Staff.select().where(m.Staff.role == roles.ADMIN).exists()


def create_site(target: str, station_name: str, admin: str, password: str, *, address: str = "",
                phone: str = "", serial_prefix: str | None = None, admin_name: str = "",
                more_settings: dict[str, object] | None = None) -> tuple[Opened, m.Staff]:
    """A new (or re-initialised) site: the one road of ``gridstation init`` and the first-run wizard.

    The answers are checked before the database is touched, so a refused password or name leaves no
    file behind; then the schema, the station's details, the first administrator and any further
    settings (the wizard's backup folder and receipt size), each audited.
    """
    if not station_name.strip():
        raise DomainError("请输入服务站名称。")
    if serial_prefix:
        check_setting("serial_prefix", serial_prefix)
    accounts.check_password_rules(password)
    opened = open_site(target, create=True)
    staff = init_station(station_name, admin, password, address=address, phone=phone, serial_prefix=serial_prefix,
                         admin_name=admin_name)
    if more_settings:
        update_settings(staff, more_settings)
    return opened, staff


def init_station(station_name: str, admin: str, password: str, *, address: str = "",
                 phone: str = "", serial_prefix: str | None = None, admin_name: str = "") -> m.Staff:
    """First-run set-up: station details and the first administrator (or a password reset is refused).

    ``admin_name`` is the person's own name, printed as 经办人 on what they hand out; without one (a
    script's ``init``) the account is called 「管理员」 until it is corrected in 人员与密码."""
    station_name = station_name.strip()
    if not station_name:
        raise DomainError("请输入服务站名称。")
    if serial_prefix:
        serial_prefix = str(check_setting("serial_prefix", serial_prefix))
    accounts.check_password_rules(password)
    wanted = {"station_name": station_name, "station_address": address, "station_phone": phone,
              "serial_prefix": serial_prefix}
    with dbmod.write_transaction():
        current = settings.get_all()
        changed = {k: v for k, v in wanted.items() if v and current.get(k) != v}
        for key, value in changed.items():
            settings.put(key, value)
        if changed:
            # Run again on a working station, init renames it: that is a change like any other.
            audit.record(None, "初始化服务站", "setting", ",".join(changed),
                         before={k: current.get(k) for k in changed}, after=changed)
        existing = m.Staff.get_or_none(m.Staff.username == admin)
        if existing is None:
            staff = accounts.create_staff(None, admin, admin_name.strip() or "管理员", roles.ADMIN, password)
        else:
            staff = existing
    return staff


def check_setting(key: str, value: object) -> object:
    """The stored form of one setting, or a refusal naming it."""
    if isinstance(value, str):
        refuse_controls(value, "内容", lines=key == "receipt_notice")
    if key in ("station_name",):
        text = str(value).strip()
        if not text or len(text) > 60:
            raise DomainError("服务站名称不能为空，最多60个字。")
        return text
    if key in ("station_address", "station_phone", "supervision_phone", "receipt_notice", "backup_dir"):
        text = str(value).strip()
        if len(text) > 300:
            raise DomainError("内容过长（最多300个字）。")
        return text
    if key == "serial_prefix":
        text = str(value).strip().upper()
        if not (text.isascii() and text.isalnum() and 1 <= len(text) <= 6):
            raise DomainError("受理编号前缀应为1至6位字母或数字。")
        return text
    if key == "receipt_size":
        if value not in ("A5", "80mm"):
            raise DomainError("回执尺寸只能是 A5 或 80mm。")
        return value
    if key == "label_layout":
        if value not in ("3x8", "4x10"):
            raise DomainError("标签版式只能是 3x8 或 4x10。")
        return value
    limits = {"idle_lock_minutes": (1, 240, "自动锁定时间（分钟）"), "loan_limit_units": (1, 50, "每人同时可借件数"),
              "loan_max_renewals": (0, 10, "续借次数上限"),
              "rating_window_days": (1, 30, "办结后可评价的工作日"), "rectify_days": (1, 30, "差评整改期限（工作日）")}
    if key in limits:
        low, high, label = limits[key]
        try:
            number = int(value)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            raise DomainError(f"{label}应为整数。") from None
        if not low <= number <= high:
            raise DomainError(f"{label}应在{low}至{high}之间。")
        return number
    if key == "open_weekdays":
        days = sorted({int(d) for d in value})  # type: ignore[union-attr]
        if not days or any(d < 0 or d > 6 for d in days):
            raise DomainError("每周至少要有一个开放日。")
        return days
    if key == "national_calendar":
        return bool(value)
    if key in ("holidays", "workdays"):
        try:
            return sorted({dt.date.fromisoformat(str(d)).isoformat() for d in value})  # type: ignore[union-attr]
        except ValueError:
            raise DomainError("节假日应为日期，如 2025-10-01。") from None
    raise DomainError(f"未知的设置项：{key}。")


def update_settings(actor: m.Staff | None, values: dict[str, object]) -> dict[str, object]:
    """Change station settings (admin); all values are checked before any is written."""
    require(actor, ADMIN)
    clean = {key: check_setting(key, value) for key, value in values.items()}
    current = settings.get_all()
    changed = {k: v for k, v in clean.items() if current.get(k) != v}
    if changed:
        with dbmod.write_transaction():
            for key, value in changed.items():
                settings.put(key, value)
            audit.record(actor, "修改设置", "setting", ",".join(changed),
                         before={k: current.get(k) for k in changed}, after=changed)
    return changed


def choose_database(actor: m.Staff | None, target: str) -> str:
    """Point this PC at another GridStation database from the next start (admin).

    The choice is per PC (the data folder's location file, like first-run setup), not a setting in
    the database: the database being left cannot say where its successor is. The new one must
    already exist and be a GridStation database, so a typo never starts the station empty.
    """
    require(actor, ADMIN)
    target = target.strip()
    if not target:
        raise DomainError("请输入数据库文件路径或 postgresql:// 地址。")
    if dbmod.is_url(target):
        database = dbmod.make_database(target)
        try:
            database.connect()
            if "schema_version" not in database.get_tables():
                raise DomainError(f"服务器上的数据库还没有建立：请先运行 gridstation --db {dbmod.describe(target)} init。")
        except DomainError:
            raise
        except Exception as exc:  # noqa: BLE001 - any driver error becomes one clear message
            raise DomainError(dbmod.explain_database_error(target, exc)) from None
        finally:
            with contextlib.suppress(Exception):
                database.close()
    else:
        backup.verify_file(Path(target))
    paths.remember_database(target)
    with dbmod.write_transaction():
        audit.record(actor, "更改数据库位置", "database", dbmod.describe(target))
    return target


def restore_file(actor: m.Staff | None, target: str, source: Path) -> Path | None:
    """Replace the database with a checked backup (administrator); the replaced one is kept first.

    Returns the safety copy of the replaced database (None when there was none or it was unreadable,
    in which case the damaged file is moved aside, never deleted).

    Nothing is replaced before the backup is checked whole (``backup.check_restorable``). The copy
    is then prepared beside the database under a hidden name — upgraded to this program's schema
    and given its 恢复 entry — while the restore holds the live station for itself
    (``_live_station_taken``): other windows' saves wait, the before-restore copy holds every save
    made until then, and the old file is marked so that no later save goes into it
    (``db.write_transaction`` refuses them). Only then does the prepared file take the database's
    name, so a window that opens it sees a whole station with its 恢复 entry already in it.
    """
    _require_restorer(actor)
    if dbmod.is_url(target):
        raise DomainError("PostgreSQL 数据库请使用服务器的 pg_restore 恢复。")
    source = Path(source)
    target_path = Path(target)
    target_path.parent.mkdir(parents=True, exist_ok=True)  # a new PC has no data folder yet
    staging = partial_path(target_path)
    try:
        # What is checked is what is installed: the backup with its -wal, copied whole, then checked;
        # a refused backup leaves the station open as it was.
        backup.copy_whole(source, staging)
        backup.check_restorable(staging, source.name)
    except BaseException:
        discard(staging)
        raise
    dbmod.close_database()
    try:
        _unmark(staging)
        with _live_station_taken(target_path) as (kept, replaced_heads):
            open_site(str(staging))
            with dbmod.write_transaction():
                audit.record(actor, backup.RESTORED, "database", source.name,
                             after={"replaced_copy": kept.name if kept else "", "replaced_heads": replaced_heads})
            dbmod.close_database()
        try:
            for suffix in ("-wal", "-shm"):  # the old file's journal must not be read as the new one's
                Path(f"{target_path}{suffix}").unlink(missing_ok=True)
            os.replace(staging, target_path)
        except OSError as exc:  # Windows: another window still has the file open
            _unmark(target_path)
            raise DomainError(f"恢复没有完成：数据库文件正被其他窗口或程序打开，不能替换（{exc.strerror or exc}）。"
                              "数据库保持原样；请关闭其他窗口后再恢复。") from None
        audit.move_anchor(str(staging), target)
    finally:
        dbmod.close_database()
        discard(staging)
        discard(audit.anchor_path(str(staging)))
    open_site(target)
    return kept


def _require_restorer(actor: m.Staff | None) -> None:
    """An administrator now: the account as the live database holds it (a removed administrator's open
    window must not restore a backup from before the removal, which would also bring the account back).
    Only when the live database is not open (the command line, or a station that would not open) or
    cannot be read — the reason for many a restore — do the rights the window signed in with stand in:
    opening a damaged file to read the account could discard the journal the restore keeps."""
    database = dbmod.database_proxy.obj
    if database is None or database.is_closed():
        require_as_signed_in(actor, ADMIN)
        return
    try:
        require(actor, ADMIN)
    except (peewee.DatabaseError, peewee.InterfaceError, sqlite3.DatabaseError):
        require_as_signed_in(actor, ADMIN)


@contextlib.contextmanager
def _live_station_taken(target_path: Path) -> Iterator[tuple[Path | None, list[str]]]:
    """Hold the live database's write lock while the restore prepares its file; yield the safety copy
    and the audit heads the restore replaces (so the next save does not take them for a cut log).

    On leaving without an error the old file is marked as replaced (see ``db.write_transaction``),
    in the transaction that held the lock; on an error it is left exactly as it was. An unreadable
    file cannot be locked or copied: it is moved aside with its journal, never deleted.
    """
    target = str(target_path)
    conn = None
    try:
        readable = target_path.exists() and m.SchemaVersion._meta.table_name in backup.tables_of(target_path)
    except sqlite3.Error:
        readable = False
    if readable:
        conn = sqlite3.connect(target, timeout=RESTORE_WAITS_S, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            # Two restores at once: the second got the lock of the file the first has just replaced.
            replaced = conn.execute("SELECT 1 FROM setting WHERE key = ?", (dbmod.REPLACED_BY_RESTORE,)).fetchone()
        except sqlite3.OperationalError:
            conn.close()
            raise DomainError("另一个窗口或程序正在保存数据，恢复没有开始，数据库保持原样。"
                              "请等它完成（或关闭其他窗口）后再恢复。") from None
        if replaced:
            conn.close()
            raise DomainError("另一个窗口刚刚完成了一次恢复，这次恢复没有开始。请核对当前数据后再决定是否恢复。")
    kept = None
    try:
        if conn is not None:
            try:
                kept = backup.backup_sqlite(target, backup.default_backup_dir(target), label="before-restore").path
            except DomainError:
                pass  # no usable backup folder: the file is moved aside instead, as an unreadable one
        if kept is None:
            aside = _aside_name(target_path)
            yield aside, []
            if conn is not None:  # readable, but no copy could be made: moved aside, so marked too
                _mark(conn)
                conn.close()  # a file cannot be moved while it is open (Windows)
                conn = None
            _move_aside(target_path, aside)
            return
        heads = [audit.head_record(*row) for row in conn.execute(
            "SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1")]
        anchored = audit.anchored_record(target)
        yield kept, sorted({*heads, *([anchored] if anchored else [])})
        _mark(conn)
    finally:
        if conn is not None:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            conn.close()


def _mark(conn: sqlite3.Connection) -> None:
    """Mark the old file as replaced (``db.REPLACED_BY_RESTORE``, naming this process) and commit,
    which ends the restore's hold: from here on every window's save into it is refused."""
    conn.execute("INSERT OR REPLACE INTO setting (key, value) VALUES (?, ?)", (dbmod.REPLACED_BY_RESTORE, json.dumps(
        {"by": this_process(), "at": f"{clock.now():%Y-%m-%d %H:%M:%S}"})))
    conn.execute("COMMIT")
    # The mark into the file itself: the journal is deleted before the swap, and a window opening
    # the old file in that instant must still find it.
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _unmark(target_path: Path) -> None:
    """Take a restore's mark off: the swap failed, so the old file stays the station's; or the file
    to restore is a copy of a marked one (a file moved aside), which must not refuse every save."""
    with contextlib.suppress(sqlite3.Error):
        conn = sqlite3.connect(target_path, timeout=RESTORE_WAITS_S)
        try:
            conn.execute("DELETE FROM setting WHERE key = ?", (dbmod.REPLACED_BY_RESTORE,))
            conn.commit()
        finally:
            conn.close()


def _aside_name(target_path: Path) -> Path | None:
    return target_path.with_name(f"{target_path.name}.damaged-{clock.now():%Y%m%d-%H%M%S}") \
        if target_path.exists() else None


def _move_aside(target_path: Path, kept: Path | None) -> None:
    """A database file that cannot be read is kept under another name with its journal (which may hold
    committed saves), never deleted."""
    if kept is None:
        return
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{target_path}{suffix}").exists():
            shutil.move(f"{target_path}{suffix}", f"{kept}{suffix}")
