"""Backups by SQLite's online backup API, verified against the snapshot they copy, with retention.

Retention thins the automatic copies (daily, exit) to one a day for 30 days and one a month for 12
months. A labelled copy (before-restore, before-upgrade, manual) is never thinned with them: it was
made because someone was about to replace or change the data, so it is kept at least 90 days and
the newest of each label is kept for good.

Roles: any signed-in staff member may back up into the station's backup folder (the daily and exit
backups run for whoever is signed in, and a copy there adds nothing a clerk could not already see);
a copy into any other folder takes the whole register off the station, and a restore replaces
everyone's work, so both need an administrator.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import peewee

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DatabaseProblem, DomainError
from gridstation.core.station import audit, schema
from gridstation.core.station.roles import ADMIN, CLERK, require
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import settings, stored_text
from gridstation.core.storage.output_files import discard, partial_path, remove_stale_partials

KEEP_DAILY, KEEP_MONTHLY = 30, 12
KEEP_LABELLED_DAYS = 90
LABELLED = ("before-restore", "before-upgrade", "manual")
CORE_TABLES = ("schema_version", "staff", "resident", "intake")
# gridstation-YYYYMMDD-HHMMSS[-label][-n].db; n numbers two copies made within one second
_NAME = re.compile(r"gridstation-(\d{8})-(\d{6})(?:-([a-z][a-z-]*?))?(?:-\d+)?\.db")
STALE_AFTER = dt.timedelta(hours=24)
BACKED_UP, FAILED, RESTORED = "备份", "备份失败", audit.RESTORED


@dataclass(frozen=True)
class BackupResult:
    path: Path
    rows: dict[str, int]


def default_backup_dir(database_path: str) -> Path:
    return Path(database_path).resolve().parent / "backups"


def row_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}


def verify_file(path: Path, name: str = "") -> dict[str, int]:
    """Row counts of a database file that passes integrity_check and looks like ours, else DomainError.
    ``name`` is how messages call the file (a restore checks its staged copy under the backup's name)."""
    if not path.is_file():
        raise DomainError(f"找不到文件：{path}。")
    shown = name or path.name
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise DomainError(f"文件 {shown} 已损坏（{status}），不能使用。")
            counts = row_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"文件 {shown} 不是有效的网格服务站数据库（{exc}）。") from None
    missing = [t for t in CORE_TABLES if t not in counts]
    if missing:
        raise DomainError(f"文件 {shown} 不是网格服务站数据库（缺少数据表 {missing[0]}）。")
    return counts


def copy_whole(source: Path, target: Path) -> None:
    """``source`` with whatever its -wal still holds, written to ``target`` by SQLite's own backup: the
    restore checks and installs this copy, so what was checked is what is restored (a plain copy of
    the main file dropped the saves still in a -wal the check had read)."""
    if not source.is_file():
        raise DomainError(f"找不到文件：{source}。")
    try:
        reader = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            writer = sqlite3.connect(target)
            try:
                reader.backup(writer)
            finally:
                writer.close()
        finally:
            reader.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"文件 {source.name} 不是有效的网格服务站数据库（{exc}）。") from None


def foreign_objects(conn: sqlite3.Connection) -> list[str]:
    """Triggers and views in a station file: the program makes none, so one there was put in by hand
    (a trigger can rewrite every later save unseen, outside the audit log)."""
    return [f"{kind} {name}" for kind, name in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') ORDER BY name")]


def missing_columns(conn: sqlite3.Connection) -> list[str]:
    """Columns this program's tables have that the file's tables lack (``table.column``)."""
    missing = []
    for model in m.ALL_MODELS:
        table = model._meta.table_name
        present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
        if present:
            missing += [f"{table}.{f.column_name}" for f in model._meta.sorted_fields if f.column_name not in present]
    return missing


def check_restorable(path: Path, name: str = "") -> dict[str, int]:
    """Everything a restore relies on, checked in the file itself before anything is replaced.

    A restore used to swap the file in first and let the opening find out: a backup of a newer
    program (schema 99) or one without the audit log or the grid events replaced the live station
    and left it unusable. Now the backup must be sound (integrity_check), a station of a version
    this program knows (not newer), hold every table that version has, have no broken references,
    and an audit chain that verifies; else a Chinese refusal and the live station is not touched.
    Returns the row counts.
    """
    counts = verify_file(path, name)
    refuse_restore(path, counts, name)
    return counts


def refuse_restore(path: Path, counts: dict[str, int], name: str = "") -> None:
    """The checks of ``check_restorable`` after the file's integrity (``verify_file``) is known; a backup
    asks them of its own new copy too, so a station whose copies no restore would take hears it the day
    it backs up, not the day it needs one."""
    refuse = f"备份文件 {name or path.name} 不能用来恢复："
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if not isinstance(version, int) or version < 1:  # no version starts below 1; none recorded is none
                shown = "空" if version is None else str(version)[:20]
                raise DomainError(f"{refuse}其中的数据库版本号（{shown}）无法识别。")
            foreign = foreign_objects(conn)
            if foreign:
                raise DomainError(f"{refuse}其中有本程序不会建立的数据库对象（{foreign[0]}），可能被改动过。")
            absent = missing_columns(conn) if version == schema.LATEST else []
            if absent:
                raise DomainError(f"{refuse}文件不完整（数据表缺少字段 {absent[0]}）。")
            if version > schema.LATEST:
                raise DomainError(f"{refuse}它来自较新版本的程序（数据库版本 {version}，本程序支持到 "
                                  f"{schema.LATEST}），请先升级网格服务站程序。")
            missing = sorted(schema.tables_at(version) - set(counts))
            if missing:
                raise DomainError(f"{refuse}文件不完整（缺少数据表 {missing[0]}）。")
            bad = conn.execute("PRAGMA foreign_key_check").fetchall()
            if bad:
                raise DomainError(f"{refuse}有 {len(bad)} 条关联不完整的记录（首条：表 {bad[0][0]}）。")
            conn.row_factory = sqlite3.Row
            log = conn.execute("SELECT * FROM audit_log ORDER BY id") if "audit_log" in counts else []  # none before version 2
            broken = audit.first_break(dict(row) for row in log)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"{refuse}{exc}。") from None
    if broken is not None:
        raise DomainError(f"{refuse}其中的操作日志第 {broken.entry_id} 条{broken.reason}。")


def tables_of(path: Path) -> set[str]:
    """The table names in a SQLite file, read without writing to it or to its journal.

    An empty file is not opened at all, and anything else only read-only: closing a read-write
    connection to an unreadable or empty file deletes its -wal, which may hold the only copy of
    recent saves. Raises sqlite3.Error for a file that is not a SQLite database.
    """
    if path.stat().st_size == 0:
        return set()
    conn = sqlite3.connect(dbmod.read_only_uri(path), uri=True)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    finally:
        conn.close()


def check_backup_folder(folder: Path) -> None:
    """Refuse a backup folder no backup could use: a file, or a folder whose parent is missing.

    Only the last level is ever created: a chosen folder on a USB drive that is not plugged in must
    fail, not quietly fill the system disk under an empty mount point or drive letter. The first-run
    wizard asks this before it stores the folder, so the first daily backup does not fail unseen.
    """
    if folder.exists() and not folder.is_dir():
        raise DomainError(f"备份文件夹 {folder} 是一个文件，不是文件夹。请在“设置 → 备份与恢复”中另选备份文件夹。")
    if not folder.exists() and not folder.parent.is_dir():
        raise DomainError(f"备份文件夹不存在：{folder}。U 盘或移动硬盘是否已插好？")


def _usable_folder(folder: Path) -> None:
    """The folder exists (or is created inside one that does) and is a folder, else a Chinese refusal."""
    check_backup_folder(folder)
    if not folder.exists():
        try:
            folder.mkdir()
        except OSError as exc:
            raise DomainError(f"无法建立备份文件夹 {folder}：{exc.strerror or exc}。") from None


def _unwritable(folder: Path, exc: Exception) -> DomainError:
    return DomainError(f"备份文件夹不能写入：{folder}（{getattr(exc, 'strerror', None) or exc}）。"
                       "请检查 U 盘是否写保护、磁盘是否已满或文件夹权限。")


def _new_name(target_dir: Path, label: str, taken: set[str] = frozenset()) -> Path:
    """The first free name of this second: no file has it, and no audited backup was given it.

    A backup takes its real name only once it is complete, so two backups started in the same
    second (two windows, a script and a window) both saw the name free and the second overwrote
    the first: twenty audited backups, ten files. ``taken`` are the names the audit log has
    already handed out (``_audited_names``), read in the write transaction that records the new
    one, so the windows of a station are served one after another; ``_claim`` then takes the name
    in the folder, against other stations writing there.
    """
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")
    name = f"gridstation-{stamp}{('-' + label) if label else ''}.db"
    target = target_dir / name
    n = 1
    while target.exists() or target.name in taken:
        n += 1
        target = target_dir / name.replace(".db", f"-{n}.db")
    return target


def _claim(target_dir: Path, label: str, taken: set[str]) -> Path:
    """Take the first free name of this second (``_new_name``) in the folder itself: created empty and
    exclusively (O_EXCL works on a USB stick's FAT and on a share, where hard links may not), so two
    stations backing up into one shared folder never both get a name; the finished copy replaces the
    empty file. Names the audit log has handed out stay taken too."""
    while True:
        target = _new_name(target_dir, label, taken)
        try:
            os.close(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:
            taken = {*taken, target.name}
            continue
        return target


def _audited_names(label: str) -> set[str]:
    """The file names the audit log gave to backups of this second (see ``_new_name``)."""
    prefix = f"gridstation-{clock.now():%Y%m%d-%H%M%S}{('-' + label) if label else ''}"
    rows = m.AuditLog.select(m.AuditLog.entity_id).where(
        (m.AuditLog.action == BACKED_UP) & m.AuditLog.entity_id.startswith(prefix))
    return {row.entity_id for row in rows}


def _copy(source: str, partial: Path, target_dir: Path) -> dict[str, int]:
    """Copy the live database into ``partial`` in one read snapshot; the row counts of that snapshot.

    The row counts the copy is checked against are read in the same read transaction the copy is
    taken from, so saves other windows commit meanwhile do not make a sound copy look wrong.
    """
    src = sqlite3.connect(source, timeout=15)
    try:
        src.execute("BEGIN")  # one read snapshot for the counts and the copy
        expected = row_counts(src)
        try:
            dst = sqlite3.connect(partial)
        except sqlite3.Error as exc:
            raise _unwritable(target_dir, exc) from None
        try:
            src.backup(dst)
            # A backup is a single self-contained file: no -wal/-shm beside it on a USB drive.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except sqlite3.OperationalError as exc:
        if "unable to open" in str(exc) or "readonly" in str(exc) or "disk" in str(exc):
            raise _unwritable(target_dir, exc) from None
        raise DatabaseProblem(f"备份失败：{exc}") from None
    except sqlite3.DatabaseError as exc:
        raise DatabaseProblem(f"备份失败：{exc}") from None
    finally:
        src.close()
    return expected


def backup_sqlite(source: str, target_dir: Path, *, label: str = "",
                  before_publish: Callable[[Path, dict[str, int]], Path] | None = None) -> BackupResult:
    """Copy a live database consistently (other windows may keep writing) and check the copy.

    The copy is written under a hidden name (``output_files.partial_path``); ``before_publish(name,
    rows)`` (the audit entry) runs before it takes its real name, claims that name (``_claim``) and
    returns it, and if it fails no backup is left behind. Partial files that killed backups and restores left
    in this folder and beside the database are removed first.
    """
    if dbmod.is_url(source):
        raise DomainError("PostgreSQL 数据库请使用服务器的 pg_dump 备份。")
    _usable_folder(target_dir)
    for folder in {target_dir, Path(source).resolve().parent, default_backup_dir(source)}:
        remove_stale_partials(folder)
    target = _new_name(target_dir, label)
    partial = partial_path(target)
    try:
        expected = _copy(source, partial, target_dir)
        got = verify_file(partial)
        if got != expected:
            raise DatabaseProblem("备份校验失败：备份文件的记录数与数据库不一致，备份已删除，请重试。")
        target = before_publish(target, got) if before_publish else _claim(target_dir, label, set())
        os.replace(partial, target)
    except OSError as exc:  # a medium that refused the copy halfway (write-protected, full, pulled out)
        raise _unwritable(target_dir, exc) from None
    finally:
        discard(partial)
    return BackupResult(target, got)


def _parts(path: Path) -> tuple[str, str] | None:
    """(YYYYMMDD, label) of a backup's file name, None for a file that is not one of ours."""
    match = _NAME.fullmatch(path.name)
    return (match.group(1), match.group(3) or "") if match else None


def prune(target_dir: Path, today: dt.date | None = None) -> list[Path]:
    """Thin the automatic backups (see the module docstring); labelled copies follow their own rule."""
    today = today or clock.today()
    files = sorted((f for f in target_dir.glob("gridstation-*.db") if _parts(f)), reverse=True)
    keep: set[Path] = set()
    days: dict[str, Path] = {}
    months: dict[str, Path] = {}
    newest_of_label: dict[str, Path] = {}
    oldest_kept = f"{today - dt.timedelta(days=KEEP_LABELLED_DAYS):%Y%m%d}"
    for f in files:
        stamp, label = _parts(f)  # type: ignore[misc]
        if label in LABELLED:
            newest_of_label.setdefault(label, f)
            if stamp >= oldest_kept:
                keep.add(f)
            continue
        days.setdefault(stamp, f)
        months.setdefault(stamp[:6], f)
    keep.update(newest_of_label.values())
    keep.update(sorted(days.values(), reverse=True)[:KEEP_DAILY])
    keep.update(sorted(months.values(), reverse=True)[:KEEP_MONTHLY])
    removed = [f for f in files if f not in keep]
    for f in removed:
        f.unlink(missing_ok=True)
    return removed


def refuse_damaged() -> None:
    """DatabaseProblem when the open SQLite database has damaged pages (a failing disk, a bad copy).

    SQLite reads only the pages a query touches, so a damaged table elsewhere can sit unnoticed:
    ``audit verify`` said 「完整」 on such a file, and ``check`` stopped at the first unreadable page
    with a program fault. Both ask here first and refuse in Chinese, pointing at the restore.
    """
    database = dbmod.current()
    if not dbmod.is_sqlite(database):
        return
    try:
        status = database.execute_sql("PRAGMA integrity_check").fetchone()[0]
    except (sqlite3.DatabaseError, peewee.DatabaseError) as exc:
        status = str(exc)
    if status != "ok":
        raise DatabaseProblem(f"数据库文件已损坏（{status.splitlines()[0]}）：{database.database}。"
                              "请从备份恢复（gridstation restore），不要在它上面继续使用。")


def integrity_problems() -> list[str]:
    """Foreign-key problems and text that is not UTF-8 (``stored_text``) of the open database, as Chinese
    lines (empty when sound); damaged pages are refused first (``refuse_damaged``), since nothing read from them can be trusted."""
    database = dbmod.current()
    if not dbmod.is_sqlite(database):
        database.execute_sql("SELECT 1")
        return []
    refuse_damaged()
    bad = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    keys = [f"发现 {len(bad)} 条外键错误（首条：表 {bad[0][0]} 第 {bad[0][1]} 行）"] if bad else []
    return keys + stored_text.undecodable_text()


def backup_dir_for(target: str) -> Path:
    """The backup folder setting (a USB drive or share) or the folder beside the database."""
    chosen = (settings.get("backup_dir") or "").strip()
    return Path(chosen) if chosen else default_backup_dir(target)


def backup_site(actor: m.Staff | None, target: str, to_dir: Path | None = None, *,
                label: str = "manual") -> BackupResult:
    """Back up the open site database, audit it, then keep the retention rule.

    The copy exists only once its audit entry is committed. A failure is refused in Chinese and
    recorded as 备份失败 (when the database can still take the entry), which the status bar shows.
    """
    folder = to_dir or backup_dir_for(target)
    require(actor, CLERK if folder == backup_dir_for(target) else ADMIN)

    def _audit(path: Path, rows: dict[str, int]) -> Path:
        claimed: list[Path] = []
        try:
            with dbmod.write_transaction():
                claimed.append(_claim(path.parent, label, _audited_names(label)))
                audit.record(actor, BACKED_UP, "database", claimed[0].name, after={"rows": sum(rows.values())})
        except BaseException:
            for name in claimed:
                discard(name)  # the entry was not committed: the empty name is given up
            raise
        return claimed[0]

    try:
        result = backup_sqlite(target, folder, label=label, before_publish=_audit)
    except DomainError as exc:
        _record_failure(actor, folder, exc.message)
        raise
    try:
        refuse_restore(result.path, result.rows)
    except DomainError as exc:
        # The copy is kept (it holds the data), but it is no backup a restore would take: say so now,
        # and the status bar keeps warning, instead of 「已备份并校验」 until the day it is needed.
        reason = f"{exc.message}请运行 gridstation check 和 gridstation audit verify 查明原因，并联系管理员。"
        _record_failure(actor, folder, reason)
        raise DomainError(f"已写入 {result.path.name}，但{reason}") from None
    prune(folder)
    return result


def _record_failure(actor: m.Staff | None, folder: Path, reason: str) -> None:
    """A failed backup goes into the audit log, unless the database itself refuses the entry."""
    try:
        with dbmod.write_transaction():
            audit.record(actor, FAILED, "database", folder.name or str(folder),
                         after={"folder": str(folder), "reason": reason})
    except DomainError:
        pass  # the database is the problem (read-only, locked): the refusal already says so


@dataclass(frozen=True)
class BackupStatus:
    """What the status bar says about backups: the last good one, and whether to warn."""

    last_good: dt.datetime | None
    failure: str  # the reason of a failure newer than the last good backup, else ""
    warning: bool

    def line(self) -> str:
        """One line for the status bar: the reason's first sentence (the whole is in the audit log)."""
        when = f"{self.last_good:%Y-%m-%d %H:%M}" if self.last_good else "从未备份"
        if self.failure:
            return f"备份失败：{self.failure.split('。')[0]}（上次成功备份：{when}）"
        if self.warning:
            return f"24 小时内没有成功的备份（上次成功备份：{when}）"
        return f"上次备份：{when}"


def last_backup_status(now: dt.datetime | None = None) -> BackupStatus:
    """From the audit log, so every window of the station sees the same: two indexed look-ups."""
    now = now or clock.now()
    good = m.AuditLog.select(m.AuditLog.id, m.AuditLog.at).where(
        m.AuditLog.action == BACKED_UP).order_by(m.AuditLog.id.desc()).first()
    bad = m.AuditLog.select(m.AuditLog.id, m.AuditLog.after).where(
        m.AuditLog.action == FAILED).order_by(m.AuditLog.id.desc()).first()
    last_good = good.at if good else None
    failure = ""
    if bad is not None and (good is None or bad.id > good.id):
        failure = str(audit.entry_payload(bad.after).get("reason", "")) or "原因不明"
    if last_good is None:
        # A station set up today has had no day to back up yet: its first sign-in is no warning.
        first = m.AuditLog.select(m.AuditLog.at).order_by(m.AuditLog.id).first()
        stale = first is not None and now - first.at > STALE_AFTER
    else:
        stale = now - last_good > STALE_AFTER
    return BackupStatus(last_good, failure, bool(failure) or stale)


def has_backup_today(folder: Path, today: dt.date | None = None) -> bool:
    stamp = (today or clock.today()).strftime("%Y%m%d")
    return folder.is_dir() and any(folder.glob(f"gridstation-{stamp}-*.db"))


def newest_good_backup(folder: Path) -> Path | None:
    """The most recent backup a restore accepts (used when the database will not open)."""
    for candidate in sorted(folder.glob("gridstation-*.db"), reverse=True):
        try:
            check_restorable(candidate)
        except DomainError:
            continue
        return candidate
    return None


def backup_heads(target: str) -> list[audit.Head]:
    """The audit chain's last entry in each backup made since the last restore, for verify_chain.

    A backup on a USB drive keeps the head the chain had when it was made: entries deleted from
    the end of the log afterwards are missed even if the file beside the database is deleted too.
    Backups older than the last restore are left out, since a restore rewinds the log on purpose;
    so is a backup of another log (another station sharing the folder, or this station before it
    was set up anew): its head was never in this log, and comparing it raised a false alarm no
    administrator could acknowledge. A backup belongs to this log when its first entry is this
    log's first entry (``_first_hash``). Someone who rewrites the whole log from its first entry
    is therefore not caught by the backups; the head file still names the old head.
    """
    if dbmod.is_url(target):
        return []
    own = m.AuditLog.select(m.AuditLog.hash).order_by(m.AuditLog.id).first()
    restored = m.AuditLog.select(m.AuditLog.at).where(m.AuditLog.action == RESTORED).order_by(m.AuditLog.id.desc()).first()
    since = f"{restored.at:%Y%m%d-%H%M%S}" if restored else ""
    heads = []
    folders = {default_backup_dir(target), backup_dir_for(target)}
    for folder in folders:
        for path in sorted(folder.glob("gridstation-*.db")) if folder.is_dir() else []:
            if not _parts(path) or path.name[len("gridstation-"):len("gridstation-") + 15] <= since:
                continue
            try:
                conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
                try:
                    row = conn.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
                    first = _first_hash(conn)
                finally:
                    conn.close()
            except sqlite3.Error:
                continue  # not readable: newest_good_backup and restore refuse it on their own
            if row and (own is None or first == own.hash):
                heads.append(audit.Head(row[0], row[1], f"备份 {path.name}"))
    return heads


def _first_hash(conn: sqlite3.Connection) -> str | None:
    """The hash of a log's first entry: it names the log (it hashes the moment and the setup that
    wrote it), so two stations, or one station set up twice, never share it."""
    row = conn.execute("SELECT hash FROM audit_log ORDER BY id LIMIT 1").fetchone()
    return row[0] if row else None


def verify_log(target: str) -> audit.ChainProblem | None:
    """What 校验 and ``audit verify`` report: damaged pages are refused (DatabaseProblem) before the
    chain and every head kept outside it (the head file, the backups) are checked."""
    refuse_damaged()
    return audit.verify_chain(backup_heads(target))
