"""Schema step 8: the grid register — grids as a tree, buildings and units, the grid's people, 民情日志,
and each resident's status and address key.

New tables are defined here as version 8 created them, frozen (the rule of ``upgrade_v6``); columns
are added with ``playhouse.migrate`` on SQLite and PostgreSQL alike. What a station had is kept:

- every grid gets a code (``WG`` and its number: WG001) and the level 四级, and stays open;
- the grid name is no longer unique by itself (names repeat under different parents);
- each resident's address is given its key (``rules/address_keys``), so the same building written
  3栋 or 三号楼 is one; buildings are created from the addresses of residents already in a grid
  (each in the grid most of its residents were in, a unit whose residents were mostly in another grid
  becomes that grid's unit), so nothing a station chose is lost; residents with no grid or no building
  stay unplaced, listed for the head to place;
- a grid's old staff ``worker`` becomes a person linked to that account, 专职网格员 of the grid.
"""

from __future__ import annotations

from collections import Counter, defaultdict

import peewee as pw
from playhouse.migrate import SchemaMigrator, migrate

from gridstation.core.rules import clock
from gridstation.core.rules.address_keys import address_key, unit_key
from gridstation.core.station.frozen_tables import Frozen, Grid, GridEvent, Resident, Staff

LEVEL = "四级"
WORKER_ROLE = "专职网格员"
CODE_PREFIX = "WG"


class _Building(Frozen):
    compound = pw.CharField(max_length=60)
    number = pw.CharField(max_length=20)
    key = pw.CharField(max_length=90, unique=True)
    grid = pw.ForeignKeyField(Grid, on_delete="RESTRICT")
    households = pw.IntegerField(default=0)
    property_company = pw.CharField(max_length=60, default="")
    property_contact = pw.CharField(max_length=60, default="")

    class Meta:
        table_name = "building"


class _Unit(Frozen):
    building = pw.ForeignKeyField(_Building, on_delete="CASCADE")
    number = pw.CharField(max_length=20)
    key = pw.CharField(max_length=20)
    grid = pw.ForeignKeyField(Grid, null=True, on_delete="RESTRICT")

    class Meta:
        table_name = "unit"
        indexes = ((("building", "key"), True),)


class _Person(Frozen):
    name = pw.CharField(max_length=30, index=True)
    phone = pw.CharField(max_length=20, default="")
    phone_public = pw.BooleanField(default=False)
    phone_public_on = pw.DateField(null=True)
    staff = pw.ForeignKeyField(Staff, null=True, unique=True, on_delete="SET NULL")
    resident = pw.ForeignKeyField(Resident, null=True, on_delete="SET NULL")
    note = pw.TextField(default="")

    class Meta:
        table_name = "person"


class _PersonRole(Frozen):
    person = pw.ForeignKeyField(_Person, on_delete="CASCADE")
    role = pw.CharField(max_length=12, index=True)
    grid = pw.ForeignKeyField(Grid, null=True, on_delete="RESTRICT")
    building = pw.ForeignKeyField(_Building, null=True, on_delete="RESTRICT")
    unit = pw.ForeignKeyField(_Unit, null=True, on_delete="RESTRICT")
    started_on = pw.DateField()
    ended_on = pw.DateField(null=True, index=True)

    class Meta:
        table_name = "person_role"


class _DiaryEntry(Frozen):
    on = pw.DateField(index=True)
    person = pw.ForeignKeyField(_Person, on_delete="RESTRICT")
    grid = pw.ForeignKeyField(Grid, null=True, on_delete="RESTRICT")
    seen = pw.TextField()
    resident = pw.ForeignKeyField(Resident, null=True, on_delete="SET NULL")
    done = pw.TextField(default="")
    event = pw.ForeignKeyField(GridEvent, null=True, on_delete="SET NULL")
    written_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    written_at = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "diary_entry"


_TABLES: list[type[pw.Model]] = [_Building, _Unit, _Person, _PersonRole, _DiaryEntry]
TABLE_NAMES = [table._meta.table_name for table in _TABLES]  # what a version-8 database must hold


def _grid_columns(database: pw.Database) -> list:
    """The grid's new columns and its name made non-unique, as playhouse.migrate operations."""
    migrator = SchemaMigrator.from_database(database)
    have = {c.name for c in database.get_columns("grid")}
    parent = pw.ForeignKeyField(Grid, null=True, field=Grid.id, on_delete="RESTRICT")
    wanted = {"code": pw.CharField(max_length=20, null=True), "level": pw.CharField(max_length=10, default=""),
              "kind": pw.CharField(max_length=6, default="综合网格"), "parent_id": parent,
              "scope": pw.TextField(default=""), "opened_on": pw.DateField(null=True),
              "closed_on": pw.DateField(null=True)}
    operations = [migrator.add_column("grid", name, field) for name, field in wanted.items() if name not in have]
    if "code" not in have:
        operations += [migrator.drop_index("grid", "grid_name"), migrator.add_index("grid", ("name",), False),
                       migrator.add_index("grid", ("code",), True),
                       migrator.add_index("grid", ("closed_on",), False)]
    return operations


def _resident_columns(database: pw.Database) -> list:
    migrator = SchemaMigrator.from_database(database)
    have = {c.name for c in database.get_columns("resident")}
    empty = [pw.SQL("DEFAULT ''")]
    wanted = {"address_key": pw.CharField(max_length=90, default="", constraints=empty),
              "unit_key": pw.CharField(max_length=20, default="", constraints=empty),
              "status": pw.CharField(max_length=4, default="在册", constraints=[pw.SQL("DEFAULT '在册'")]),
              "status_on": pw.DateField(null=True), "moved_to": pw.CharField(max_length=100, default="", constraints=empty)}
    operations = [migrator.add_column("resident", name, field) for name, field in wanted.items() if name not in have]
    if "address_key" not in have:
        operations += [migrator.add_index("resident", ("address_key",), False),
                       migrator.add_index("resident", ("status",), False)]
    return operations


def _codes(database: pw.Database) -> None:
    grids = pw.Table("grid", ("id", "code", "level")).bind(database)
    for (grid_id,) in grids.select(grids.id).where(grids.code.is_null()).tuples():
        grids.update(code=f"{CODE_PREFIX}{grid_id:03d}", level=LEVEL).where(grids.id == grid_id).execute()


def _address_keys(database: pw.Database) -> list[tuple[int, str, str, str, str, int | None]]:
    """Each resident's keys, written in groups (one UPDATE per key pair); returns the residents read."""
    residents = pw.Table("resident", ("id", "compound", "building", "unit", "grid_id", "address_key", "unit_key"))
    residents = residents.bind(database)
    rows = list(residents.select(residents.id, residents.compound, residents.building, residents.unit,
                                 residents.grid_id).tuples())
    keyed = [(rid, compound, building, address_key(compound, building), unit_key(unit), grid)
             for rid, compound, building, unit, grid in rows]
    groups: dict[tuple[str, str], list[int]] = defaultdict(list)
    for rid, _c, _b, key, unit, _g in keyed:
        if key or unit:
            groups[(key, unit)].append(rid)
    for (key, unit), ids in groups.items():
        for start in range(0, len(ids), 500):
            residents.update(address_key=key, unit_key=unit).where(residents.id.in_(ids[start:start + 500])).execute()
    return keyed


def _buildings(keyed: list[tuple[int, str, str, str, str, int | None]]) -> None:
    """Buildings from the addresses of residents in a grid: each in the grid most of them were in."""
    votes: dict[str, Counter] = defaultdict(Counter)
    unit_votes: dict[tuple[str, str], Counter] = defaultdict(Counter)
    written: dict[str, tuple[str, str]] = {}
    for _rid, compound, building, key, unit, grid in keyed:
        if key and grid is not None:
            votes[key][grid] += 1
            written.setdefault(key, (compound.strip(), building.strip()))
            if unit:
                unit_votes[(key, unit)][grid] += 1
    for key in sorted(votes):
        grid = _winner(votes[key])
        compound, number = written[key]
        building = _Building.create(compound=compound[:60], number=number[:20], key=key, grid=grid)
        for (unit_of, unit), counts in unit_votes.items():
            if unit_of == key and _winner(counts) != grid:
                _Unit.create(building=building, number=unit, key=unit, grid=_winner(counts))


def _winner(counts: Counter) -> int:
    """The grid most residents were in; the older grid on a tie, so the result never depends on order."""
    return min(counts, key=lambda grid: (-counts[grid], grid))


def _workers(database: pw.Database) -> None:
    """Each grid's old staff worker as a person of the register, 专职网格员 of that grid."""
    grids = pw.Table("grid", ("id", "worker_id")).bind(database)
    staff = pw.Table("staff", ("id", "display_name", "username")).bind(database)
    people: dict[int, int] = {}
    today = clock.today()
    for grid_id, worker in grids.select(grids.id, grids.worker_id).where(grids.worker_id.is_null(False)).tuples():
        if worker not in people:
            name, login = staff.select(staff.display_name, staff.username).where(staff.id == worker).tuples().get()
            people[worker] = _Person.create(name=(name or login)[:30], staff=worker).id
        _PersonRole.create(person=people[worker], role=WORKER_ROLE, grid=grid_id, started_on=today)


def upgrade_to_8(database: pw.Database) -> None:
    """The register's tables and columns; existing grids, workers and residents carried into it."""
    with database.bind_ctx([Staff, Grid, Resident, GridEvent, *_TABLES]):
        migrate(*_grid_columns(database), *_resident_columns(database))
        database.create_tables(_TABLES, safe=True)
        _codes(database)
        _buildings(_address_keys(database))
        _workers(database)
