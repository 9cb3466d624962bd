"""Schema step 5: the services' 材料清单 and each intake's document check.

``service_type.materials`` is added by ``playhouse.migrate`` (SQLite and PostgreSQL alike) and the
four built-in services get their default lists; the ``intake_materials`` table is defined here as
version 5 created it, frozen (the rule of step 3's ``_ToolPhotoV3``).
"""

from __future__ import annotations

import json

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from gridstation.core.frozen_tables import Frozen, Intake, Staff, now
from gridstation.core.intake_materials.defaults import DEFAULT_MATERIALS


class _IntakeMaterials(Frozen):
    intake = pw.ForeignKeyField(Intake, unique=True, on_delete="CASCADE")
    mode = pw.CharField(max_length=4)
    received = pw.TextField(default="[]")
    missing = pw.TextField(default="[]")
    deadline = pw.DateField(null=True, index=True)
    issued_at = pw.DateTimeField(default=now, index=True)
    supplied_at = pw.DateTimeField(null=True, index=True)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "intake_materials"


def upgrade_to_5(database: pw.Database) -> None:
    """Add the column (unless step 2 already made the table with it), seed the built-ins' lists, add the table."""
    columns = {c.name for c in database.get_columns("service_type")}
    if "materials" not in columns:
        migrate(SchemaMigrator.from_database(database).add_column(
            "service_type", "materials", pw.TextField(default="[]")))
    services = pw.Table("service_type", ("id", "code", "materials")).bind(database)
    for code, materials in DEFAULT_MATERIALS.items():
        services.update(materials=json.dumps(materials, ensure_ascii=False)).where(
            (services.code == code) & ((services.materials == "[]") | services.materials.is_null())).execute()
    with database.bind_ctx([Staff, Intake, _IntakeMaterials]):
        database.create_tables([_IntakeMaterials], safe=True)
