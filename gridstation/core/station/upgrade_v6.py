"""Schema step 6: the grid-event tables.

The tables are defined here as version 6 created them, frozen, so later changes to the models in
``core/storage/models.py`` cannot change what this step does to a version-5 database (the same rule as
step 3's ``_ToolPhotoV3``). Older tables they refer to appear as bare stand-ins with only an id.
"""

from __future__ import annotations

import peewee as pw

from gridstation.core.rules.clock import now as _now
from gridstation.core.station.frozen_tables import Frozen as _Frozen
from gridstation.core.station.frozen_tables import Grid as _Grid
from gridstation.core.station.frozen_tables import Resident as _Resident
from gridstation.core.station.frozen_tables import Staff as _Staff


class _EventCategory(_Frozen):
    name = pw.CharField(unique=True, max_length=20)
    normal_days = pw.IntegerField(default=5)
    urgent_days = pw.IntegerField(default=1)
    after_photo = pw.BooleanField(default=False)
    mediation = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=100)

    class Meta:
        table_name = "event_category"


class _EventPartner(_Frozen):
    name = pw.CharField(unique=True, max_length=40)
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=100)

    class Meta:
        table_name = "event_partner"


class _GridEvent(_Frozen):
    number = pw.CharField(unique=True, max_length=32)
    category = pw.CharField(max_length=20, index=True)
    level = pw.CharField(max_length=4)
    grid = pw.ForeignKeyField(_Grid, null=True, on_delete="SET NULL")
    place = pw.CharField(max_length=200, default="")
    description = pw.TextField(default="")
    source = pw.CharField(max_length=8)
    found_by = pw.ForeignKeyField(_Staff, null=True, backref="found_events", on_delete="SET NULL")
    found_at = pw.DateTimeField(index=True)
    registered_by = pw.ForeignKeyField(_Staff, null=True, backref="registered_events", on_delete="SET NULL")
    registered_at = pw.DateTimeField(default=_now)
    due_date = pw.DateField(index=True)
    status = pw.CharField(max_length=4, index=True)
    route = pw.CharField(max_length=8, default="")
    routed_at = pw.DateTimeField(null=True)
    platform_case_no = pw.CharField(max_length=40, default="")
    reported_on = pw.DateField(null=True)
    street_answer = pw.TextField(default="")
    assignee = pw.ForeignKeyField(_Staff, null=True, backref="assigned_events", on_delete="SET NULL")
    partner = pw.ForeignKeyField(_EventPartner, null=True, on_delete="SET NULL")
    result = pw.TextField(default="")
    closed_at = pw.DateTimeField(null=True, index=True)
    closed_by = pw.ForeignKeyField(_Staff, null=True, backref="closed_events", on_delete="SET NULL")
    reopen_count = pw.IntegerField(default=0)
    visited_at = pw.DateTimeField(null=True)
    visit_view = pw.TextField(default="")
    mediation_outcome = pw.CharField(max_length=4, default="")
    outcome_at = pw.DateTimeField(null=True)
    agreement_terms = pw.TextField(default="")
    referred_to = pw.CharField(max_length=80, default="")
    updated_at = pw.DateTimeField(default=_now)

    class Meta:
        table_name = "grid_event"
        indexes = ((("status", "due_date"), False), (("grid", "status"), False))


class _EventStep(_Frozen):
    event = pw.ForeignKeyField(_GridEvent, on_delete="CASCADE")
    at = pw.DateTimeField(default=_now, index=True)
    staff = pw.ForeignKeyField(_Staff, null=True, on_delete="SET NULL")
    action = pw.CharField(max_length=8, index=True)
    note = pw.TextField(default="")

    class Meta:
        table_name = "event_step"


class _EventPhoto(_Frozen):
    event = pw.ForeignKeyField(_GridEvent, on_delete="CASCADE")
    digest = pw.CharField(max_length=64)
    stage = pw.CharField(max_length=4)
    at = pw.DateTimeField(default=_now)
    staff = pw.ForeignKeyField(_Staff, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "event_photo"


class _EventParty(_Frozen):
    event = pw.ForeignKeyField(_GridEvent, on_delete="CASCADE")
    resident = pw.ForeignKeyField(_Resident, null=True, on_delete="SET NULL")
    role = pw.CharField(max_length=4)
    name = pw.CharField(max_length=60)
    doc_number = pw.CharField(max_length=40, default="")
    phone = pw.CharField(max_length=20, default="")
    address = pw.CharField(max_length=120, default="")

    class Meta:
        table_name = "event_party"


class _MediationSession(_Frozen):
    event = pw.ForeignKeyField(_GridEvent, on_delete="CASCADE")
    at = pw.DateTimeField()
    place = pw.CharField(max_length=100, default="")
    mediators = pw.CharField(max_length=100, default="")
    notes = pw.TextField(default="")
    staff = pw.ForeignKeyField(_Staff, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "mediation_session"


_TABLES: list[type[pw.Model]] = [_EventCategory, _EventPartner, _GridEvent, _EventStep, _EventPhoto,
                                 _EventParty, _MediationSession]

TABLE_NAMES = [table._meta.table_name for table in _TABLES]  # what a version-6 database must hold


def upgrade_to_6(database: pw.Database) -> None:
    """Create the grid-event tables (empty: the station's lists start as the built-in ones)."""
    with database.bind_ctx([_Staff, _Grid, _Resident, *_TABLES]):
        database.create_tables(_TABLES, safe=True)
