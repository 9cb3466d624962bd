"""Backups by SQLite's online backup API, verified after writing, with daily/monthly retention."""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from gridstation.core import db as dbmod
from gridstation.core.errors import DatabaseProblem, DomainError

KEEP_DAILY, KEEP_MONTHLY = 30, 12
CORE_TABLES = ("schema_version", "staff", "resident", "intake")


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


def verify_file(path: Path) -> dict[str, int]:
    """Row counts of a database file that passes integrity_check and looks like ours, else DomainError."""
    if not path.is_file():
        raise DomainError(f"找不到文件：{path}。")
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            status = conn.execute("PRAGMA integrity_check").fetchone()[0]
            if status != "ok":
                raise DomainError(f"文件 {path.name} 已损坏（{status}），不能使用。")
            counts = row_counts(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DomainError(f"文件 {path.name} 不是有效的网格服务站数据库（{exc}）。") from None
    missing = [t for t in CORE_TABLES if t not in counts]
    if missing:
        raise DomainError(f"文件 {path.name} 不是网格服务站数据库（缺少数据表 {missing[0]}）。")
    return counts


def backup_sqlite(source: str, target_dir: Path, *, label: str = "") -> BackupResult:
    """Copy a live database consistently (other windows may keep writing) and check the copy."""
    if dbmod.is_url(source):
        raise DomainError("PostgreSQL 数据库请使用服务器的 pg_dump 备份。")
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    name = f"gridstation-{stamp}{('-' + label) if label else ''}.db"
    target = target_dir / name
    n = 1
    while target.exists():
        n += 1
        target = target_dir / name.replace(".db", f"-{n}.db")
    src = sqlite3.connect(source, timeout=15)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # A backup is a single self-contained file: no -wal/-shm beside it on a USB drive.
            dst.execute("PRAGMA journal_mode=DELETE")
            expected = row_counts(src)
        finally:
            dst.close()
    except sqlite3.DatabaseError as exc:
        target.unlink(missing_ok=True)
        raise DatabaseProblem(f"备份失败：{exc}") from None
    finally:
        src.close()
    got = verify_file(target)
    if got != expected:
        target.unlink(missing_ok=True)
        raise DatabaseProblem("备份校验失败：备份文件的记录数与数据库不一致，备份已删除，请重试。")
    return BackupResult(target, got)


def prune(target_dir: Path, today: dt.date | None = None) -> list[Path]:
    """Keep the newest backup of each of the last 30 days and of each of the last 12 months."""
    today = today or dt.date.today()
    files = sorted(target_dir.glob("gridstation-*.db"), reverse=True)
    keep: set[Path] = set()
    days: dict[str, Path] = {}
    months: dict[str, Path] = {}
    for f in files:
        stamp = f.name[len("gridstation-"):len("gridstation-") + 8]
        days.setdefault(stamp, f)
        months.setdefault(stamp[:6], f)
    keep.update(sorted(days.values(), reverse=True)[:KEEP_DAILY])
    keep.update(sorted(months.values(), reverse=True)[:KEEP_MONTHLY])
    removed = [f for f in files if f not in keep]
    for f in removed:
        f.unlink(missing_ok=True)
    return removed


def integrity_problems() -> list[str]:
    """Integrity and foreign-key problems of the open database, as Chinese lines (empty when sound)."""
    database = dbmod.current()
    if not dbmod.is_sqlite(database):
        database.execute_sql("SELECT 1")
        return []
    problems = []
    status = database.execute_sql("PRAGMA integrity_check").fetchone()[0]
    if status != "ok":
        problems.append(f"数据库完整性检查失败：{status}")
    bad = database.execute_sql("PRAGMA foreign_key_check").fetchall()
    if bad:
        problems.append(f"发现 {len(bad)} 条外键错误（首条：表 {bad[0][0]} 第 {bad[0][1]} 行）")
    return problems


def backup_dir_for(target: str) -> Path:
    """The backup folder setting (a USB drive or share) or the folder beside the database."""
    from gridstation.core import settings

    chosen = (settings.get("backup_dir") or "").strip()
    return Path(chosen) if chosen else default_backup_dir(target)


def backup_site(actor, target: str, to_dir: Path | None = None, *, label: str = "") -> BackupResult:
    """Back up the open site database, keep the retention rule, and audit it."""
    from gridstation.core import audit

    folder = to_dir or backup_dir_for(target)
    result = backup_sqlite(target, folder, label=label)
    prune(folder)
    with dbmod.write_transaction():
        audit.record(actor, "备份", "database", result.path.name, after={"rows": sum(result.rows.values())})
    return result


def has_backup_today(folder: Path, today: dt.date | None = None) -> bool:
    stamp = (today or dt.date.today()).strftime("%Y%m%d")
    return any(folder.glob(f"gridstation-{stamp}-*.db"))


def newest_good_backup(folder: Path) -> Path | None:
    """The most recent backup that passes the checks (used when the database will not open)."""
    for candidate in sorted(folder.glob("gridstation-*.db"), reverse=True):
        try:
            verify_file(candidate)
        except DomainError:
            continue
        return candidate
    return None


def restore_file(actor, target: str, source: Path) -> Path | None:
    """Replace the database with a verified backup; the replaced one is kept as a backup first.

    Returns the safety copy of the replaced database (None when there was none or it was unreadable,
    in which case the damaged file is moved aside, never deleted).
    """
    import os
    import shutil

    from gridstation.core import audit

    if dbmod.is_url(target):
        raise DomainError("PostgreSQL 数据库请使用服务器的 pg_restore 恢复。")
    source = Path(source)
    verify_file(source)
    target_path = Path(target)
    kept: Path | None = None
    if target_path.exists():
        try:
            kept = backup_sqlite(target, default_backup_dir(target), label="before-restore").path
        except (DomainError, DatabaseProblem):
            kept = target_path.with_name(f"{target_path.name}.damaged-{dt.datetime.now():%Y%m%d-%H%M%S}")
            shutil.move(str(target_path), kept)
    dbmod.close_database()
    target_path.parent.mkdir(parents=True, exist_ok=True)  # a new PC has no data folder yet
    staging = target_path.with_name(target_path.name + ".restoring")
    shutil.copyfile(source, staging)
    for suffix in ("-wal", "-shm"):
        Path(str(target_path) + suffix).unlink(missing_ok=True)
    os.replace(staging, target_path)
    from gridstation.core.station import open_site

    open_site(target)
    with dbmod.write_transaction():
        audit.record(actor, "恢复", "database", source.name, after={"replaced_copy": kept.name if kept else ""})
    return kept
