"""Schema step 9: an event's 发现人 and 经办人, and a mediation's 调解员, are people of the grid register.

Until version 8 an event was found by and assigned to a login account (``grid_event.found_by_id``,
``assignee_id``), so a grid worker without a login could neither find nor handle one. The step adds
``finder_id`` and ``assigned_to_id`` (the register's ``person``) and ``mediation_session.mediator_id``,
then drops the two account columns: the account that *recorded* each step stays where it was
(``registered_by``, ``closed_by``, each history step's ``staff``). What a station had is kept:

- an account linked to a person gives that person;
- an account with no person gets one made, named as the account is shown (as step 8 did for a grid's
  worker), with no role: the head places them in the register;
- a session's mediators stay as they were written (several names, outsiders among them); its person is
  chosen from now on.

The columns are added through ``playhouse.migrate`` and filled on both backends. PostgreSQL then drops
the account columns in place. SQLite drops a column with an index or a foreign key only by rebuilding the
table, so both tables are rebuilt from their frozen version-9 definitions below (SQLite's own procedure:
the old table renamed aside without touching the tables that refer to it, the new one created, the rows
copied, the old one dropped, inside the step's keys-off window in ``schema``): a station upgraded has
the very tables a new one gets.
"""

from __future__ import annotations

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from gridstation.core.rules import clock
from gridstation.core.station.frozen_tables import Frozen, Grid, GridEvent, Resident, Staff, stand_in
from gridstation.core.station.upgrade_v8 import _Person

EventPartner = stand_in("event_partner")

# (table, new person column, the account column it replaces or None)
PERSON_COLUMNS = (("grid_event", "finder_id", "found_by_id"), ("grid_event", "assigned_to_id", "assignee_id"),
                  ("mediation_session", "mediator_id", None))


class _GridEvent(Frozen):
    number = pw.CharField(unique=True, max_length=32)
    category = pw.CharField(max_length=20, index=True)
    level = pw.CharField(max_length=4)
    grid = pw.ForeignKeyField(Grid, null=True, on_delete="SET NULL")
    place = pw.CharField(max_length=200, default="")
    description = pw.TextField(default="")
    source = pw.CharField(max_length=8)
    finder = pw.ForeignKeyField(_Person, null=True, on_delete="SET NULL")
    found_at = pw.DateTimeField(index=True)
    registered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    registered_at = pw.DateTimeField(default=clock.now)
    due_date = pw.DateField(index=True)
    status = pw.CharField(max_length=4, index=True)
    route = pw.CharField(max_length=8, default="")
    routed_at = pw.DateTimeField(null=True)
    platform_case_no = pw.CharField(max_length=40, default="")
    reported_on = pw.DateField(null=True)
    street_answer = pw.TextField(default="")
    assigned_to = pw.ForeignKeyField(_Person, null=True, on_delete="SET NULL")
    partner = pw.ForeignKeyField(EventPartner, null=True, on_delete="SET NULL")
    result = pw.TextField(default="")
    closed_at = pw.DateTimeField(null=True, index=True)
    closed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    reopen_count = pw.IntegerField(default=0)
    visited_at = pw.DateTimeField(null=True)
    visit_view = pw.TextField(default="")
    mediation_outcome = pw.CharField(max_length=4, default="")
    outcome_at = pw.DateTimeField(null=True)
    agreement_terms = pw.TextField(default="")
    referred_to = pw.CharField(max_length=80, default="")
    updated_at = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "grid_event"
        indexes = ((("status", "due_date"), False), (("grid", "status"), False))


class _MediationSession(Frozen):
    event = pw.ForeignKeyField(GridEvent, on_delete="CASCADE")
    at = pw.DateTimeField()
    place = pw.CharField(max_length=100, default="")
    mediators = pw.CharField(max_length=100, default="")
    mediator = pw.ForeignKeyField(_Person, null=True, on_delete="SET NULL")
    notes = pw.TextField(default="")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "mediation_session"


def _add_columns(database: pw.Database) -> None:
    migrator = SchemaMigrator.from_database(database)
    operations = []
    for table, column, _old in PERSON_COLUMNS:
        if column not in {c.name for c in database.get_columns(table)}:
            link = pw.ForeignKeyField(_Person, null=True, field=_Person.id, on_delete="SET NULL")
            operations.append(migrator.add_column(table, column, link))
    migrate(*operations)


def _person_of_account(staff_id: int, made: dict[int, int]) -> int:
    """The person an account is; one made (no role) when the register has none."""
    if staff_id not in made:
        person = _Person.get_or_none(_Person.staff == staff_id)
        if person is None:
            accounts = pw.Table("staff", ("id", "display_name", "username")).bind(_Person._meta.database)
            name, login = (accounts.select(accounts.display_name, accounts.username)
                           .where(accounts.id == staff_id).tuples().get())
            person = _Person.create(name=(name or login)[:30], staff=staff_id)
        made[staff_id] = person.id
    return made[staff_id]


def _carry_accounts(database: pw.Database) -> None:
    """Each event's account columns as the people those accounts are, one UPDATE per account."""
    made: dict[int, int] = {}
    for table, column, old in PERSON_COLUMNS:
        if old is None or old not in {c.name for c in database.get_columns(table)}:
            continue
        rows = pw.Table(table, ("id", column, old)).bind(database)
        account, person = getattr(rows, old), getattr(rows, column)
        accounts = [a for (a,) in rows.select(account).where(account.is_null(False)).distinct().tuples()]
        for staff_id in sorted(accounts):
            rows.update({person: _person_of_account(staff_id, made)}).where(account == staff_id).execute()


def _drop_accounts(database: pw.Database) -> None:
    """PostgreSQL drops the account columns in place."""
    migrator = SchemaMigrator.from_database(database)
    have = {c.name for c in database.get_columns("grid_event")}
    migrate(*[migrator.drop_column(table, old) for table, _c, old in PERSON_COLUMNS if old is not None and old in have])


def _rebuild(database: pw.Database, model: type[Frozen]) -> None:
    """SQLite: the table as ``model`` defines it, its rows copied (columns it no longer has left behind)."""
    table = model._meta.table_name
    aside = f"_{table}_v8"
    for index in database.get_indexes(table):
        database.execute_sql(f'DROP INDEX "{index.name}"')
    database.execute_sql("PRAGMA legacy_alter_table = ON")  # the tables referring to it keep its name
    try:
        database.execute_sql(f'ALTER TABLE "{table}" RENAME TO "{aside}"')
    finally:
        database.execute_sql("PRAGMA legacy_alter_table = OFF")
    database.create_tables([model])
    columns = ", ".join(f'"{field.column_name}"' for field in model._meta.sorted_fields)
    database.execute_sql(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM "{aside}"')
    database.execute_sql(f'DROP TABLE "{aside}"')


def upgrade_to_9(database: pw.Database) -> None:
    """The person columns, filled from the account columns, which then go."""
    with database.bind_ctx([Staff, Grid, Resident, GridEvent, EventPartner, _Person, _GridEvent, _MediationSession]):
        _add_columns(database)
        _carry_accounts(database)
        if isinstance(database, pw.SqliteDatabase):
            _rebuild(database, _GridEvent)
            _rebuild(database, _MediationSession)
        else:
            _drop_accounts(database)
