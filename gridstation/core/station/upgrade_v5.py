"""Schema step 5: the services' 材料清单 and each intake's document check; the 好差评 tables.

``service_type.materials`` is added by ``playhouse.migrate`` (SQLite and PostgreSQL alike) and the
four built-in services get their default lists; the ``intake_materials`` table is defined here as
version 5 created it, frozen (the rule of step 3's ``_ToolPhotoV3``).
"""

from __future__ import annotations

import json

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from gridstation.core.rules.clock import now
from gridstation.core.station.frozen_tables import Frozen, Intake, ServiceType, Staff
from gridstation.core.station.material_defaults import DEFAULT_MATERIALS


class _IntakeMaterials(Frozen):
    intake = pw.ForeignKeyField(Intake, unique=True, on_delete="CASCADE")
    mode = pw.CharField(max_length=4)
    received = pw.TextField(default="[]")
    missing = pw.TextField(default="[]")
    deadline = pw.DateField(null=True, index=True)
    issued_at = pw.DateTimeField(default=now, index=True)
    supplied_at = pw.DateTimeField(null=True, index=True)
    staff = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "intake_materials"


class _Rating(Frozen):
    intake = pw.ForeignKeyField(Intake, unique=True, on_delete="CASCADE")
    service = pw.ForeignKeyField(ServiceType, on_delete="RESTRICT")
    staff = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    recorded_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    channel = pw.CharField(max_length=8)
    at = pw.DateTimeField(index=True)
    level = pw.CharField(max_length=6, index=True)
    reasons = pw.TextField(default="[]")
    text = pw.TextField(default="")
    appealed_at = pw.DateTimeField(null=True)
    appeal_reason = pw.TextField(default="")
    appealed_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "rating"


class _RatingVisit(Frozen):
    rating = pw.ForeignKeyField(_Rating, on_delete="CASCADE")
    at = pw.DateTimeField(default=now)
    staff = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")
    level = pw.CharField(max_length=6)
    text = pw.TextField(default="")

    class Meta:
        table_name = "rating_visit"


class _Rectification(Frozen):
    rating = pw.ForeignKeyField(_Rating, unique=True, on_delete="CASCADE")
    opened_at = pw.DateTimeField(index=True)
    due_date = pw.DateField(index=True)
    visited_at = pw.DateTimeField(null=True)
    finding = pw.TextField(default="")
    action_taken = pw.TextField(default="")
    resident_view = pw.CharField(max_length=6, default="")
    closed_at = pw.DateTimeField(null=True, index=True)
    closed_by = pw.ForeignKeyField(Staff, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        table_name = "rectification"


_TABLES = [_IntakeMaterials, _Rating, _RatingVisit, _Rectification]

TABLE_NAMES = [table._meta.table_name for table in _TABLES]  # what a version-5 database must hold


def upgrade_to_5(database: pw.Database) -> None:
    """Add the column (unless step 2 already made the table with it), seed the built-ins' lists, add the tables."""
    columns = {c.name for c in database.get_columns("service_type")}
    if "materials" not in columns:
        migrate(SchemaMigrator.from_database(database).add_column(
            "service_type", "materials", pw.TextField(default="[]")))
    services = pw.Table("service_type", ("id", "code", "materials")).bind(database)
    for code, materials in DEFAULT_MATERIALS.items():
        services.update(materials=json.dumps(materials, ensure_ascii=False)).where(
            (services.code == code) & ((services.materials == "[]") | services.materials.is_null())).execute()
    with database.bind_ctx([Staff, Intake, ServiceType, *_TABLES]):
        database.create_tables(_TABLES, safe=True)
