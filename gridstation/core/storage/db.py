"""One place that opens the database: SQLite file by default, PostgreSQL by URL, same models."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import operator
import os
import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import peewee

from gridstation.core.rules.errors import DatabaseProblem, DomainError
from gridstation.core.storage import postgres
from gridstation.core.storage.output_files import ended_here

database_proxy = peewee.DatabaseProxy()
_opened = {"target": ""}  # what open_database was given: a path or a URL (the proxy knows neither)
_local = threading.local()  # per thread, like peewee's connections: actions waiting for a commit

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 15000,
    # FULL: a commit reported to the user survives a power cut, not only a process crash.
    "synchronous": "full",
    "cache_size": -32000,
}


def is_url(target: str) -> bool:
    return "://" in target


def describe(target: str) -> str:
    """The database location as shown in the status bar; a URL loses its password."""
    if not is_url(target):
        return str(Path(target))
    scheme, rest = target.split("://", 1)
    if "@" in rest:
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}@{host}"
    return target


def make_database(target: str, *, read_only: bool = False) -> peewee.Database:
    """A peewee database for a file path or a ``postgresql://`` URL (not yet connected).

    ``read_only`` (a SQLite file on a write-protected medium, for the commands that only read): the
    file is opened read-only, and immutable when its folder cannot hold SQLite's -shm file either,
    so nothing is ever written beside it."""
    if read_only and not is_url(target):
        return _SqliteDatabase(read_only_uri(Path(target)), uri=True, timeout=15,
                                     pragmas={"foreign_keys": 1, "busy_timeout": 15000})
    if is_url(target):
        from playhouse.db_url import connect

        if target.startswith("sqlite:///"):
            return make_database(target[len("sqlite:///"):])
        if postgres.is_postgres_url(target):
            return postgres.make_database(target)
        return connect(target, autorollback=True)
    return _SqliteDatabase(target, pragmas=SQLITE_PRAGMAS, timeout=15)


class _SqliteDatabase(peewee.SqliteDatabase):
    """SQLite whose text is read leniently: bytes that are not UTF-8 (written by another tool, a bit
    flipped on disk) become U+FFFD instead of failing the export or list that reads them for the
    whole station; ``check`` names such cells (``backup.undecodable_text``)."""

    def _add_conn_hooks(self, conn: sqlite3.Connection) -> None:
        super()._add_conn_hooks(conn)
        conn.text_factory = LENIENT_TEXT


LENIENT_TEXT = operator.methodcaller("decode", "utf-8", "replace")  # measured faster than partial(str, …)


def read_only_uri(path: Path) -> str:
    """A URI that reads a SQLite file without writing anything: read-only, and immutable when its
    folder cannot take SQLite's -shm file either (a write-protected medium), where a WAL file would
    otherwise not open at all."""
    path = path.resolve()
    immutable = "" if os.access(path.parent, os.W_OK) else "&immutable=1"
    return f"{path.as_uri()}?mode=ro{immutable}"


def open_database(target: str, *, create: bool = True, read_only: bool = False) -> peewee.Database:
    """Bind the models to ``target`` and connect; a clear Chinese message when the file is unusable.

    A missing file is only created when ``create`` is true, so a mistyped path in a command that
    reads data does not leave an empty database behind.
    """

    if not is_url(target):
        path = Path(target)
        if not path.exists() and not create:
            raise DatabaseProblem(f"数据库文件不存在：{path}。请检查路径，或先运行 gridstation init。")
        if path.exists() and path.is_dir():
            raise DatabaseProblem(f"{path} 是一个文件夹，不是数据库文件。")
        if not read_only:
            path.parent.mkdir(parents=True, exist_ok=True)
    db = make_database(target, read_only=read_only)
    close_database()
    database_proxy.initialize(db)
    _opened["target"] = target
    try:
        db.connect(reuse_if_open=True)
        db.execute_sql("SELECT 1 FROM sqlite_master LIMIT 1" if is_sqlite(db) else "SELECT 1")
    except (peewee.DatabaseError, sqlite3.DatabaseError) as exc:
        with contextlib.suppress(Exception):
            db.close()
        raise DatabaseProblem(explain_database_error(target, exc)) from exc
    except peewee.OperationalError as exc:  # pragma: no cover - depends on server state
        raise DatabaseProblem(explain_database_error(target, exc)) from exc
    if not is_sqlite(db):
        postgres.check_server(db, describe(target))
    return db


_FILE_TROUBLE = ("readonly", "read-only", "locked", "busy", "disk i/o", "disk is full")


def explain_database_error(target: str, exc: Exception) -> str:
    text = str(exc).lower()
    where = describe(target)
    if "disk is full" in text:
        return f"磁盘已满，未能保存：{where}。请清理磁盘空间后重试，刚才的操作没有保存。"
    if "not a database" in text or "malformed" in text or "encrypted" in text:
        return f"数据库文件已损坏或不是网格服务站的数据库：{where}。请从备份恢复（gridstation restore）。"
    if "locked" in text or "busy" in text:
        return f"数据库正被其他程序占用：{where}。请关闭其他窗口后重试。"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"无法写入数据库文件：{where}。请检查文件权限或磁盘空间。"
    if "could not connect" in text or "connection" in text:
        return f"无法连接数据库服务器：{where}。请检查网络和服务器设置。"
    return f"无法打开数据库：{where}（{exc}）。"


def close_database() -> None:
    obj = database_proxy.obj
    if obj is not None and not obj.is_closed():
        obj.close()


def current() -> peewee.Database:
    if database_proxy.obj is None:
        raise RuntimeError("database not opened")
    return database_proxy.obj


def current_target() -> str:
    """The path or URL the open database was opened with (files kept beside it are named from it)."""
    return _opened["target"]


def after_commit(action: Callable[[], None]) -> None:
    """Run ``action`` once the write under way has committed; never if it is undone.

    Outside ``write_transaction`` it runs at once, unless some other transaction is open, whose
    outcome is unknown here: then it is dropped (the next committed write runs it again).
    """
    pending = getattr(_local, "pending", None)
    if pending is not None:
        if action not in pending:
            pending.append(action)
    elif not current().in_transaction():
        action()


def as_date(value: dt.date | dt.datetime | str) -> dt.date:
    """A date read back from a query: SQLite's ``date(x)`` returns text, PostgreSQL a date, peewee's
    conversion sometimes a datetime."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def is_sqlite(db: peewee.Database | None = None) -> bool:
    return isinstance(db or current(), peewee.SqliteDatabase)


@contextlib.contextmanager
def write_transaction() -> Iterator[None]:
    """One write, all or nothing, serialised against other windows.

    SQLite takes the write lock at BEGIN (IMMEDIATE) so two windows cannot both read the same
    counter and then collide; PostgreSQL takes the station's advisory write lock first thing, the
    same rule (see core/storage/postgres.py). A lost server connection or a lock wait that timed out ends
    the save as a whole, reported as DatabaseProblem so the window shows a message, not a traceback;
    text longer than its column, which the server refuses and SQLite would have kept, is refused
    with a DomainError the same way.
    """
    if getattr(_local, "pending", None) is not None:  # nested: part of the write already under way
        with _write_transaction():
            yield
        return
    _local.pending = []
    try:
        with _write_transaction():
            yield
        done = _local.pending
    finally:
        _local.pending = None
    for action in done:
        after_commit(action)  # still inside someone's plain atomic(): not committed yet, so dropped


REPLACED_BY_RESTORE = "replaced_by_restore"  # a setting only a file a restore replaced holds
REPLACED_MESSAGE = ("数据库刚被另一个窗口从备份恢复，刚才的操作没有保存。请核对数据后重新操作"
                    "（再次操作时使用恢复后的数据）。")


class _ReplacedFile(Exception):
    """This connection's file was replaced by a restore: nothing written to it would be kept."""


def _refuse_replaced_file(db: peewee.SqliteDatabase) -> None:
    """Under the write lock: refuse a write into a file a restore has replaced.

    Another window keeps its connection to the old file after a restore swapped the new one in: its
    saves went into a file nobody would open again, each told "saved" (4 000 events written during
    a restore, 3 468 of them nowhere). The restore marks the old file (``REPLACED_BY_RESTORE``,
    committed under the same write lock, after its before-restore copy, naming the restoring
    process) just before the swap; a write finding the mark is refused, and the connection is
    closed so the next one opens the restored file. One indexed read per write, far below the cost
    of the commit itself. A mark left by a restore killed before its swap is taken off
    (``_restore_died``): the marked file is then still the station's.
    """
    row = db.execute_sql("SELECT value FROM setting WHERE key = ?", (REPLACED_BY_RESTORE,)).fetchone()
    if row is None:
        return
    if not _restore_died(db.database, row[0]):
        raise _ReplacedFile
    db.execute_sql("DELETE FROM setting WHERE key = ?", (REPLACED_BY_RESTORE,))


def _restore_died(path: str, mark: str) -> bool:
    """The mark's restore ended without its swap: its process (of this PC) is gone, and the file at
    the database's path is still the marked one (after a swap it holds the restored file, unmarked)."""
    try:
        if not ended_here(json.loads(mark).get("by", "")):
            return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            there = conn.execute("SELECT value FROM setting WHERE key = ?", (REPLACED_BY_RESTORE,)).fetchone()
        finally:
            conn.close()
    except (ValueError, AttributeError, sqlite3.Error):
        return False
    return there is not None and there[0] == mark


@contextlib.contextmanager
def _write_transaction() -> Iterator[None]:
    db = current()
    if isinstance(db, peewee.SqliteDatabase):
        try:
            with db.atomic("IMMEDIATE"):
                _refuse_replaced_file(db)
                yield
        except _ReplacedFile:
            db.close()
            raise DatabaseProblem(REPLACED_MESSAGE) from None
        except peewee.OperationalError as exc:
            # A file that turned read-only, a full disk, a lock held past the busy timeout: the
            # save is undone as a whole and the window says why instead of showing a traceback.
            if not any(word in str(exc).lower() for word in _FILE_TROUBLE):
                raise
            raise DatabaseProblem(explain_database_error(db.database, exc)) from exc
    else:

        try:
            with db.atomic():
                postgres.lock_writes(db)
                yield
        except postgres.CONNECTION_LOST as exc:
            raise DatabaseProblem(postgres.failure_message(exc)) from exc
        except peewee.DataError as exc:
            if not postgres.is_too_long(exc):
                raise
            raise DomainError(postgres.TOO_LONG) from exc


def insert_sql(fields: list[peewee.Field]) -> str:
    """An INSERT of these columns (all of one model) in the driver's own parameter style."""
    database = current()
    left, right = database.quote
    table = fields[0].model._meta.table_name
    columns = ", ".join(f"{left}{f.column_name}{right}" for f in fields)
    marks = ", ".join([database.param] * len(fields))
    return f"INSERT INTO {left}{table}{right} ({columns}) VALUES ({marks})"


def bulk_insert(fields: list[peewee.Field], rows: list[tuple]) -> None:
    """Rows already in stored form through the driver's executemany.

    Peewee's insert_many converts every value and builds a statement per chunk (about 25 µs a row);
    executemany with ready values takes about 4 µs, which decides whether 100 000 residents and
    their pinyin keys (demo data, ledger imports) load in seconds or in minutes. Call inside a
    transaction; nothing here checks the values.
    """
    if rows:
        with peewee.__exception_wrapper__:  # the driver's errors as peewee's, so write_transaction explains them
            current().cursor().executemany(insert_sql(fields), rows)
