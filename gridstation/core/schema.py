"""Schema version and upgrades. A new database gets every table at once; an older one is backed up
and then upgraded step by step. Each later change adds one step to ``UPGRADES``."""

from __future__ import annotations

from collections.abc import Callable

import peewee

from gridstation.core import db as dbmod
from gridstation.core import models as m

# Tables as they stood at version 1 (intake only); version 2 added the tool box and the audit log.
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


UPGRADES: dict[int, Callable[[peewee.Database], None]] = {2: _upgrade_to_2}
LATEST = max(UPGRADES)


def stored_version() -> int:
    """0 for an empty database (no version table)."""
    database = dbmod.current()
    if not database.table_exists(m.SchemaVersion._meta.table_name):
        return 0
    row = m.SchemaVersion.select(peewee.fn.MAX(m.SchemaVersion.version)).scalar()
    return int(row or 0)


def ensure_schema(*, backup: Callable[[], object] | None = None) -> tuple[int, int]:
    """Create or upgrade the schema; returns (version before, version after).

    ``backup`` runs before any upgrade of an existing database, so a failed upgrade can be undone.
    """
    from gridstation.core.errors import DatabaseProblem

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
        return 0, LATEST
    if backup is not None:
        backup()
    for version in range(before + 1, LATEST + 1):
        with database.atomic():
            UPGRADES[version](database)
            m.SchemaVersion.create(version=version)
    return before, LATEST
