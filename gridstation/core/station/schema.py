"""Schema version and upgrades. A new database gets every table at once; an older one is backed up
and then upgraded step by step. Each later change adds one step to ``UPGRADES``.

Step 2 creates its tables from today's models, so a step that later adds a column to one of them
must check that the column is missing first (a version-1 database upgraded today already has it).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from collections.abc import Callable, Iterator

import peewee
from playhouse.migrate import SchemaMigrator, migrate

from gridstation.core.rules import clock
from gridstation.core.rules.errors import DatabaseProblem
from gridstation.core.station import catalog, upgrade_care, upgrade_v5, upgrade_v6, upgrade_v8, upgrade_v9
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import paths

# Tables as they stood at version 1 (intake only); version 2 added the tool box and the audit log,
# version 3 the tool photos (``_ToolPhotoV3``), version 4 the services' aliases, version 5 the 材料清单
# (core/station/upgrade_v5.py), version 6 the grid events (core/station/upgrade_v6.py), version 8 the grid
# register (core/station/upgrade_v8.py), version 9 the register's people on the events
# (core/station/upgrade_v9.py), version ``CARE_STEP`` the care tags and visits (core/station/upgrade_care.py).
V1_MODELS: list[type[m.BaseModel]] = [
    m.SchemaVersion, m.Setting, m.Staff, m.Grid, m.Resident, m.ResidentKey, m.ServiceType,
    m.Intake, m.IntakeEvent, m.SerialCounter,
]
V2_MODELS: list[type[m.BaseModel]] = [
    m.ToolKind, m.ToolUnit, m.UnitEvent, m.Loan, m.LoanItem, m.ReminderCall, m.Reservation,
    m.StockTake, m.AuditLog,
]


def _upgrade_to_2(database: peewee.Database) -> None:
    database.create_tables(V2_MODELS, safe=True)


class _ToolPhotoV3(peewee.Model):
    """The tool_photo table as version 3 created it, frozen here so later changes to
    ``models.Photo`` cannot change what this step does to a version-2 database."""

    digest = peewee.CharField(primary_key=True, max_length=64)
    data = peewee.BlobField()
    mime = peewee.CharField(max_length=20)
    created_at = peewee.DateTimeField(default=clock.now)

    class Meta:
        table_name = "tool_photo"


# How version 2 named a kind's photo: a file under the data folder, named by the start of its SHA-256.
_V2_PHOTO = re.compile(r"photos/tools/[0-9a-f]{16}\.(png|jpg|gif|bmp|webp)")
_V2_MIME = {"png": "image/png", "jpg": "image/jpeg", "gif": "image/gif", "bmp": "image/bmp", "webp": "image/webp"}


def _upgrade_to_3(database: peewee.Database) -> None:
    """Tool photos move from this PC's data folder into the database, so backups and every window
    of a server station have them.

    Each kind's file is read in and the kind then names its digest. A kind whose file is not on this
    PC (deleted, or only ever copied to another PC) is left with no photo rather than stopping the
    upgrade: staff can choose the picture again. The files themselves are left where they are.
    """
    with database.bind_ctx([_ToolPhotoV3]):
        database.create_tables([_ToolPhotoV3], safe=True)
        kinds = peewee.Table("tool_kind", ("id", "photo")).bind(database)
        for row in list(kinds.select(kinds.id, kinds.photo).where(kinds.photo != "")):
            match = _V2_PHOTO.fullmatch(row["photo"])
            try:
                data = (paths.data_dir() / row["photo"]).read_bytes() if match else b""
            except OSError:
                data = b""
            digest = hashlib.sha256(data).hexdigest() if data else ""
            if data:
                mime = _V2_MIME[match.group(1)]
                _ToolPhotoV3.insert(digest=digest, data=data, mime=mime).on_conflict_ignore().execute()
            kinds.update(photo=digest).where(kinds.id == row["id"]).execute()


def _upgrade_to_4(database: peewee.Database) -> None:
    """Services get the names staff write for them in ledgers (``service_type.aliases``, a JSON list).

    The built-in services receive the aliases they carry today (``catalog.BUILTIN_ALIASES``), looked up
    by their code, which a station cannot change; a service the station added starts with none.
    """
    if "aliases" not in {c.name for c in database.get_columns("service_type")}:
        migrate(SchemaMigrator.from_database(database).add_column(
            "service_type", "aliases", peewee.TextField(default="[]")))
    services = peewee.Table("service_type", ("id", "code", "aliases")).bind(database)
    for code, aliases in catalog.BUILTIN_ALIASES.items():
        services.update(aliases=json.dumps(aliases, ensure_ascii=False)).where(
            (services.code == code) & (services.aliases == "[]")).execute()


def _upgrade_to_7(database: peewee.Database) -> None:
    """An intake keeps its 经办人 by name when no account of the station is that person
    (``intake.staff_name``, empty for every intake so far: they all name an account or nobody)."""
    if "staff_name" not in {c.name for c in database.get_columns("intake")}:
        migrate(SchemaMigrator.from_database(database).add_column(
            "intake", "staff_name", peewee.CharField(max_length=40, default="", constraints=[peewee.SQL("DEFAULT ''")])))


CARE_STEP = 10  # the care step's number, named once: UPGRADES and tables_at read it
UPGRADES: dict[int, Callable[[peewee.Database], None]] = {
    2: _upgrade_to_2, 3: _upgrade_to_3, 4: _upgrade_to_4, 5: upgrade_v5.upgrade_to_5, 6: upgrade_v6.upgrade_to_6,
    7: _upgrade_to_7, 8: upgrade_v8.upgrade_to_8, 9: upgrade_v9.upgrade_to_9, CARE_STEP: upgrade_care.upgrade,
}
LATEST = max(UPGRADES)


def tables_at(version: int) -> set[str]:
    """The tables a database of ``version`` holds: a file missing one (the audit log, the grid events)
    is not a whole station, and a restore of it left the station unusable."""
    added = {1: [t._meta.table_name for t in V1_MODELS], 2: [t._meta.table_name for t in V2_MODELS],
             3: [_ToolPhotoV3._meta.table_name], 5: upgrade_v5.TABLE_NAMES, 6: upgrade_v6.TABLE_NAMES,
             8: upgrade_v8.TABLE_NAMES, CARE_STEP: upgrade_care.TABLE_NAMES}
    return {name for step, names in added.items() if step <= version for name in names}


def stored_version() -> int:
    """0 for an empty database (no version table)."""
    database = dbmod.current()
    if not database.table_exists(m.SchemaVersion._meta.table_name):
        return 0
    row = m.SchemaVersion.select(peewee.fn.MAX(m.SchemaVersion.version)).scalar()
    return int(row or 0)


def ensure_schema(*, backup: Callable[[], object] | None = None,
                  seed: Callable[[], object] | None = None) -> tuple[int, int]:
    """Create or upgrade the schema; returns (version before, version after).

    ``backup`` runs before any upgrade of an existing database, so a failed upgrade can be undone.
    ``seed`` (the built-in services) runs in the same transaction as the creation or the last
    upgrade step, so a crash in between never leaves a station at the new version without them.
    """

    database = dbmod.current()
    before = stored_version()
    if before > LATEST:
        raise DatabaseProblem(
            f"数据库版本（{before}）比本程序支持的版本（{LATEST}）新，请升级网格服务站程序。"
        )
    if before == LATEST:
        return before, before
    if before == 0:
        with database.atomic():
            database.create_tables(m.ALL_MODELS, safe=True)
            m.SchemaVersion.create(version=LATEST)
            if seed is not None:
                seed()
        return 0, LATEST
    if backup is not None:
        backup()
    with _foreign_keys_deferred_to_each_step(database):
        for version in sorted(v for v in UPGRADES if v > before):
            with database.atomic():
                UPGRADES[version](database)
                _check_foreign_keys(database)
                m.SchemaVersion.create(version=version)
                if seed is not None and version == LATEST:
                    seed()
    return before, LATEST


@contextlib.contextmanager
def _foreign_keys_deferred_to_each_step(database: peewee.Database) -> Iterator[None]:
    """SQLite adds a NOT NULL column by rebuilding the table (playhouse.migrate copies it, drops the old
    one and renames the copy), which a referenced table such as service_type cannot survive with
    foreign keys enforced. SQLite's own procedure for such changes: keys off for the change (the
    pragma cannot change inside a transaction), checked by ``_check_foreign_keys`` before each step
    commits, back on afterwards. PostgreSQL alters columns in place and keeps its keys on."""
    sqlite = dbmod.is_sqlite(database)
    if sqlite:
        database.execute_sql("PRAGMA foreign_keys = OFF")
    try:
        yield
    finally:
        if sqlite:
            database.execute_sql("PRAGMA foreign_keys = ON")


def _check_foreign_keys(database: peewee.Database) -> None:
    if dbmod.is_sqlite(database) and database.execute_sql("PRAGMA foreign_key_check").fetchall():
        raise DatabaseProblem("数据库升级后发现关联不完整的记录，升级已撤销，数据库保持原样；请联系技术支持。")
