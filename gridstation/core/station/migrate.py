"""Moving a single-window station from its SQLite file to a PostgreSQL server, provably whole.

``gridstation migrate --from FILE --to postgresql://...`` calls ``migrate_to_server``. The rules:

* The source must be a sound GridStation file (integrity check, our tables) at this program's
  schema version; an older file is upgraded first by opening it once (which backs it up).
* The target must be empty: no tables at all in its schema. Migration never merges into or
  overwrites a station's data.
* Everything happens in one server transaction: tables created, every row copied with its id,
  id sequences moved past the copied ids, then verified. If any check fails nothing is committed
  and the server is left as empty as it was.
* Verification, per table: the row count and a SHA-256 checksum over every row (ordered by primary
  key, each value in a canonical text form after the same type conversion the application uses),
  computed on the source inside one read snapshot and on the target inside the copying transaction.
  The audit log's hash chain is verified on the target too.

The source is read in one snapshot, so a window left open on the file cannot make the copy
inconsistent; its later saves would not be on the server, which is why the station stops using
the file once it has moved.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import peewee

from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit, backup, schema
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import postgres

BATCH = 2000

Progress = Callable[[str], None]


@dataclass(frozen=True)
class TableCheck:
    table: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


def canonical(value: object) -> str:
    """One text form per value, the same whichever database it came from."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value.normalize())
    if isinstance(value, (int, str)):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):  # a photo: bytes from SQLite, memoryview from psycopg2
        return bytes(value).hex()
    return repr(value)


class Checksum:
    """Row count and SHA-256 over rows in canonical form (fields separated by 0x1f, rows by 0x1e)."""

    def __init__(self) -> None:
        self.rows = 0
        self._hash = hashlib.sha256()

    def add(self, row: Sequence[object]) -> None:
        self.rows += 1
        self._hash.update("\x1f".join(canonical(v) for v in row).encode("utf-8") + b"\x1e")

    @property
    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _columns(model: type[m.BaseModel]) -> list[peewee.Field]:
    return list(model._meta.sorted_fields)


def _select_sql(model: type[m.BaseModel], quote: str) -> str:
    cols = ", ".join(f"{quote}{f.column_name}{quote}" for f in _columns(model))
    pk = model._meta.primary_key.column_name
    return f"SELECT {cols} FROM {quote}{model._meta.table_name}{quote} ORDER BY {quote}{pk}{quote}"


def _converted(model: type[m.BaseModel], rows: Iterable[Sequence[object]]) -> Iterator[list[object]]:
    """Rows as the application sees them (dates, booleans, ids), whatever the driver returned."""
    fields = _columns(model)
    for row in rows:
        yield [field.python_value(value) for field, value in zip(fields, row, strict=False)]


def _batches(cursor, size: int = BATCH) -> Iterator[list[tuple]]:
    while batch := cursor.fetchmany(size):
        yield batch


def check_source(path: Path) -> dict[str, int]:
    """Row counts of a sound GridStation file at this schema version, else a refusal saying what to do."""
    counts = backup.verify_file(path)
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        version = conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0
    finally:
        conn.close()
    if version != schema.LATEST:
        if version > schema.LATEST:
            raise DomainError(f"文件 {path.name} 的数据库版本（{version}）比本程序新，请先升级网格服务站程序。")
        raise DomainError(f"文件 {path.name} 的数据库版本是 {version}，需要先升级到 {schema.LATEST}："
                          f"请先运行 gridstation --db {path} check（会先自动备份），再迁移。")
    return counts


def check_target_empty(database: peewee.Database) -> None:
    tables = database.get_tables()
    if tables:
        shown = "、".join(tables[:3]) + ("等" if len(tables) > 3 else "")
        raise DomainError(f"目标数据库不是空的（已有 {len(tables)} 个数据表：{shown}）。"
                          "迁移只迁入新建的空数据库，不会覆盖或合并已有数据；请新建一个数据库后再迁移。")


def migrate_to_server(source: Path, target: str, progress: Progress | None = None) -> list[TableCheck]:
    """Copy every table of ``source`` into the empty server database ``target``; the checks, all passed.

    Leaves ``target`` open as the current database. Raises DomainError (nothing committed) when the
    source or target is refused, a row does not fit the server's column types, or a check fails.
    """
    check_source(source)
    if not postgres.is_postgres_url(target):
        raise DomainError("迁移的目标应为 postgresql:// 开头的服务器数据库地址。")
    import psycopg2  # the server's driver: needed only once a server is the target

    database = dbmod.open_database(target)
    check_target_empty(database)
    note = progress or (lambda _text: None)
    models = peewee.sort_models(m.ALL_MODELS)
    source_conn = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        source_conn.execute("BEGIN")  # one read snapshot for the copy and the source checksums
        with database.atomic():
            database.create_tables(models)
            for model in models:
                note(f"复制 {model._meta.table_name} ……")
                _copy_table(model, source_conn, database)
            _move_sequences(database, models)
            checks = [_check_table(model, source_conn, database) for model in models]
            bad = [c for c in checks if not c.ok]
            if bad:
                raise DomainError(f"迁移后校验不一致：表 {bad[0].table}（源 {bad[0].source_rows} 行，"
                                  f"目标 {bad[0].target_rows} 行）。迁移已撤销，服务器上没有留下数据。")
            problem = audit.verify_chain()
            if problem is not None:
                raise DomainError(f"迁移后操作日志第 {problem.entry_id} 条校验失败（{problem.reason}）。"
                                  "迁移已撤销，请先用 gridstation audit verify 检查源文件。")
    except (peewee.DataError, psycopg2.DataError) as exc:
        raise DomainError(f"有数据不符合服务器数据库的字段要求（{str(exc).strip()}）。迁移已撤销，服务器上没有留下数据。") from exc
    except (peewee.IntegrityError, psycopg2.IntegrityError) as exc:
        raise DomainError(f"源文件中有关联错误的数据（{str(exc).strip()}）。迁移已撤销，服务器上没有留下数据；"
                          f"请先运行 gridstation --db {source} check 检查源文件。") from exc
    finally:
        source_conn.close()
    for model in models:  # planner statistics now, not when autovacuum gets round to a table
        database.execute_sql(f'ANALYZE "{model._meta.table_name}"')
    audit.reset_anchor()  # a new log on the server: a head kept for an earlier database at this address is not its head
    return checks


def _copy_table(model: type[m.BaseModel], source: sqlite3.Connection, database: peewee.Database) -> None:
    """Rows as the application would store them, sent a page of a thousand rows per statement.

    psycopg2's execute_values rather than peewee's insert_many, which builds the SQL value by value:
    a station of 100 000 residents moves in about a third of the time.
    """
    from psycopg2.extras import execute_values

    fields = _columns(model)
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    statement = f'INSERT INTO "{model._meta.table_name}" ({columns}) VALUES %s'
    cursor = database.cursor()
    for batch in _batches(source.execute(_select_sql(model, '"'))):
        rows = [[f.db_value(v) for f, v in zip(fields, values, strict=False)] for values in _converted(model, batch)]
        execute_values(cursor, statement, rows, page_size=1000)


def _move_sequences(database: peewee.Database, models: Sequence[type[m.BaseModel]]) -> None:
    """New rows on the server must not take ids the copied rows already use."""
    for model in models:
        pk = model._meta.primary_key
        if isinstance(pk, peewee.AutoField):
            table = model._meta.table_name
            database.execute_sql(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{pk.column_name}"), 1), '
                f'MAX("{pk.column_name}") IS NOT NULL) FROM "{table}"', (f'"{table}"', pk.column_name))


def _check_table(model: type[m.BaseModel], source: sqlite3.Connection, database: peewee.Database) -> TableCheck:
    before, after = Checksum(), Checksum()
    for batch in _batches(source.execute(_select_sql(model, '"'))):
        for row in _converted(model, batch):
            before.add(row)
    for batch in _batches(database.execute_sql(_select_sql(model, '"'))):
        for row in _converted(model, batch):
            after.add(row)
    return TableCheck(model._meta.table_name, before.rows, after.rows, before.hexdigest, after.hexdigest)
