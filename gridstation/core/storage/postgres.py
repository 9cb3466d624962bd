"""PostgreSQL as the database of a station with several windows: connection, checks, write lock.

``core/storage/db.py`` stays the one place that opens a database; it hands ``postgresql://`` URLs to this
module, which knows what only the server needs:

* **Connection settings** chosen for a counter PC on a LAN: give up connecting after 5 s, notice a
  dead server within about 10 s instead of TCP's quarter of an hour, wait at most 15 s for another
  window's lock (SQLite's busy timeout), and let the server end a session that sits in an open
  transaction for a minute (a PC switched off mid-save must not hold locks for ever). A URL can
  override any of them (``?connect_timeout=10``).
* **Reconnecting**: after the server restarts or the network comes back, the next statement outside
  a transaction reconnects by itself. Inside a transaction it never does: the save fails as a whole
  and the user is told to do it again.
* **Byte-wise collation**: resident search is an indexed prefix range (``col >= p AND col < p'``),
  which only finds every match when strings compare byte by byte, as they do in SQLite. A database
  created with a linguistic collation (en_US.UTF-8, zh_CN.UTF-8) is refused with the command that
  creates a right one.
* **One writer at a time**: every write transaction first takes a transaction-level advisory lock,
  the server's counterpart of SQLite's ``BEGIN IMMEDIATE``. The service code was written against that
  model (read a counter, then write; read the audit chain's last hash, then append), so both
  databases behave the same, and a write transaction can never deadlock on another one. Serial
  numbers would stay unique and gap-free under row locks alone (the counter upsert locks its row;
  ``tests/core/storage/test_postgres.py`` checks that without this lock), but the audit chain needs the whole
  read-then-append serialised, and row locks taken in different orders by different services could
  deadlock. Reads never wait for it.
"""

from __future__ import annotations

from typing import Any

import peewee
from playhouse.db_url import parse
from playhouse.shortcuts import ReconnectMixin

from gridstation.core.rules.errors import DatabaseProblem

SCHEMES = ("postgresql://", "postgres://")

# pg_advisory_xact_lock key of the station's write lock ("GRDS" in ASCII). Advisory locks are per
# database, so two stations on one server do not wait for each other.
WRITE_LOCK_KEY = 0x47524453

CONNECT_DEFAULTS: dict[str, Any] = {
    "connect_timeout": 5,
    "application_name": "gridstation",
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 3,
    "keepalives_count": 3,
    "tcp_user_timeout": 10000,
}
SESSION_OPTIONS = "-c lock_timeout=15s -c idle_in_transaction_session_timeout=60s"

BYTEWISE_COLLATIONS = ("C", "POSIX", "C.UTF-8", "C.utf8")


def is_postgres_url(target: str) -> bool:
    return target.startswith(SCHEMES)


# What psycopg2 says when the line to the server is gone (lower case, as matched).
LOST_FRAGMENTS = (
    "server closed the connection", "terminating connection", "could not receive data",
    "could not send data", "ssl connection has been closed", "no connection to the server",
    "connection timed out", "connection already closed", "connection to server", "could not connect",
    "timeout expired",
)


class StationDatabase(ReconnectMixin, peewee.PostgresqlDatabase):
    """PostgreSQL that reconnects by itself outside a transaction after the connection was lost.

    When reconnecting fails too (the server is still unreachable) the statement raises
    DatabaseProblem with a Chinese message, so a window that calls a service shows it like any
    other refusal instead of a traceback.
    """

    reconnect_errors = tuple((kind, fragment) for kind in (peewee.OperationalError, peewee.InterfaceError)
                             for fragment in LOST_FRAGMENTS[:8])

    def execute_sql(self, sql: str, params: Any = None) -> Any:
        try:
            return super().execute_sql(sql, params)
        except CONNECTION_LOST as exc:
            if is_connection_lost(exc):
                raise DatabaseProblem(failure_message(exc)) from exc
            raise


def make_database(url: str) -> StationDatabase:
    """A not yet connected database for a ``postgresql://user:password@host:port/name`` URL."""
    params = parse(url if url.startswith("postgresql://") else "postgresql://" + url.split("://", 1)[1])
    name = params.pop("database")
    options = " ".join(x for x in (str(params.pop("options", "") or ""), SESSION_OPTIONS) if x)
    return StationDatabase(name, **{**CONNECT_DEFAULTS, **params, "options": options})


def check_server(database: peewee.Database, where: str) -> None:
    """Refuse (and disconnect from) a database whose collation would make resident search miss people.

    Both the catalogue's word and the comparison itself are checked: a database can say ``C`` and
    still compare with ICU rules (PostgreSQL 15's locale provider).
    """
    name, collation = database.execute_sql(
        "SELECT datname, datcollate FROM pg_database WHERE datname = current_database()").fetchone()
    bytewise = database.execute_sql("SELECT 'B' < 'a' AND 'a-' < 'aB'").fetchone()[0]
    if collation not in BYTEWISE_COLLATIONS or not bytewise:
        database.close()
        raise DatabaseProblem(
            f"数据库 {name}（{where}）不按字节比较文字（排序规则 {collation}{'' if bytewise else '，实际按语言规则'}），"
            "居民查找会漏人，网格服务站需要 C 排序规则。"
            f"请这样新建数据库：createdb --template=template0 --encoding=UTF8 --lc-collate=C --lc-ctype=C {name}")


def lock_writes(database: peewee.Database) -> None:
    """Wait for this station's write lock; it is released when the transaction ends."""
    database.execute_sql("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))


CONNECTION_LOST = (peewee.OperationalError, peewee.InterfaceError)


def is_connection_lost(exc: BaseException) -> bool:
    return isinstance(exc, peewee.InterfaceError) or any(f in str(exc).lower() for f in LOST_FRAGMENTS)


def failure_message(exc: BaseException) -> str:
    """What the user reads when the server failed a statement for a reason outside their input."""
    text = str(exc).lower()
    if "lock timeout" in text:
        return "其他窗口正在保存，等待超时，本次操作没有保存。请稍后重试。"
    if "deadlock" in text or "could not serialize" in text:
        return "与其他窗口的保存冲突，本次操作没有保存。请重试。"
    return "与数据库服务器的连接中断，本次操作没有完成（不会留下半条记录）。请在连接恢复后重新操作。"


TOO_LONG = "输入的内容过长，超出了该项允许的长度，本次没有保存。请缩短后重试。"


def is_too_long(exc: peewee.DataError) -> bool:
    """Text the server will not store in its column (SQLite would have kept it).

    The services limit what people type to each column's length; this is the net under a field
    that slipped through, so the user reads Chinese and the save is undone as a whole.
    """
    return "value too long" in str(exc).lower()
