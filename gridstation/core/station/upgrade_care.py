"""Schema step (number: ``schema.CARE_STEP``): residents who need care and the visits that reach them —
the station's tag list, residents' tags, visits and major changes.

The tables are defined here as this step created them, frozen (the rule of ``upgrade_v6``), so a later
change to ``core/storage/models.py`` never changes what the step did. The step also seeds the tag list
the issue names (``DEFAULT_TAGS``); a new database gets the same list from ``seed_tags``.
"""

from __future__ import annotations

import peewee as pw

from gridstation.core.rules import clock
from gridstation.core.station.frozen_tables import Frozen, GridEvent, Resident, Staff

CARE, SUPERVISION = "关爱", "监管"
WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY = "每周", "每月", "每季度", "每半年"
ANY_WAY, HOME_ONLY = "上门、电话、视频", "上门"

# (name, class, frequency, ways that count, sensitive): the list, with the frequencies local rules
# set (the special-difficulty older residents monthly, 上门 where a call cannot see the home); the head
# changes them. Health, disability, supervision and children's tags are sensitive (PIPL art. 28).
DEFAULT_TAGS: tuple[tuple[str, str, str, str, bool], ...] = (
    ("独居老人", CARE, MONTHLY, HOME_ONLY, False),
    ("空巢老人", CARE, MONTHLY, ANY_WAY, False),
    ("高龄老人", CARE, MONTHLY, ANY_WAY, False),
    ("失能/半失能", CARE, MONTHLY, HOME_ONLY, True),
    ("重度残疾", CARE, MONTHLY, HOME_ONLY, True),
    ("残疾人", CARE, QUARTERLY, ANY_WAY, True),
    ("计划生育特殊家庭", CARE, MONTHLY, HOME_ONLY, True),
    ("低保", CARE, QUARTERLY, ANY_WAY, False),
    ("低保边缘", CARE, HALF_YEARLY, ANY_WAY, False),
    ("特困", CARE, MONTHLY, HOME_ONLY, False),
    ("困境儿童", CARE, MONTHLY, HOME_ONLY, True),
    ("退役军人", CARE, HALF_YEARLY, ANY_WAY, False),
    ("优抚对象", CARE, QUARTERLY, ANY_WAY, False),
    ("流动人口", CARE, HALF_YEARLY, ANY_WAY, False),
    ("社区矫正", SUPERVISION, "", HOME_ONLY, True),
    ("刑满释放", SUPERVISION, "", HOME_ONLY, True),
    ("社区戒毒", SUPERVISION, "", HOME_ONLY, True),
    ("严重精神障碍", SUPERVISION, QUARTERLY, HOME_ONLY, True),
    ("信访", SUPERVISION, "", HOME_ONLY, True),
)


class _CareTag(Frozen):
    name = pw.CharField(max_length=20, unique=True)
    klass = pw.CharField(max_length=4)
    frequency = pw.CharField(max_length=4, default="")
    ways = pw.CharField(max_length=20, default="上门")
    sensitive = pw.BooleanField(default=False)
    builtin = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)

    class Meta:
        table_name = "care_tag"


class _Person(Frozen):
    class Meta:
        table_name = "person"


class _ResidentTag(Frozen):
    resident = pw.ForeignKeyField(Resident, on_delete="CASCADE")
    tag = pw.ForeignKeyField(_CareTag, on_delete="RESTRICT")
    since = pw.DateField()
    until = pw.DateField(null=True, index=True)
    source = pw.CharField(max_length=4)
    source_note = pw.CharField(max_length=60, default="")
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    entered_at = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "resident_tag"


class _CareVisit(Frozen):
    number = pw.CharField(max_length=24, unique=True)
    resident = pw.ForeignKeyField(Resident, on_delete="RESTRICT")
    visited_on = pw.DateField(index=True)
    visitor = pw.ForeignKeyField(_Person, on_delete="RESTRICT")
    way = pw.CharField(max_length=2)
    seen = pw.BooleanField(default=True)
    checklist = pw.TextField(default="{}")
    found = pw.TextField(default="")
    done = pw.TextField(default="")
    services = pw.TextField(default="[]")
    follow_up = pw.CharField(max_length=4, default="无")
    follow_up_note = pw.CharField(max_length=200, default="")
    event = pw.ForeignKeyField(GridEvent, null=True, on_delete="SET NULL")
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    entered_at = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "care_visit"
        indexes = ((("resident", "visited_on", "way"), False),)


class _CareChange(Frozen):
    resident = pw.ForeignKeyField(Resident, on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    note = pw.CharField(max_length=200, default="")
    noted_at = pw.DateTimeField()
    due_at = pw.DateTimeField()
    visit = pw.ForeignKeyField(_CareVisit, null=True, on_delete="SET NULL", index=True)
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        table_name = "care_change"


_TABLES: list[type[pw.Model]] = [_CareTag, _ResidentTag, _CareVisit, _CareChange]
TABLE_NAMES = [table._meta.table_name for table in _TABLES]  # what a database of this step must hold


def seed_tags(database: pw.Database) -> None:
    """The default tag list, into a station that has none (a station never empties its list: tags in use
    are kept, so this never brings back a tag the station stopped using)."""
    if database.execute_sql("SELECT 1 FROM care_tag LIMIT 1").fetchone() is not None:
        return
    tags = pw.Table("care_tag", ("name", "klass", "frequency", "ways", "sensitive", "builtin", "active"))
    tags = tags.bind(database)
    tags.insert([(name, klass, frequency, ways, sensitive, True, True)
                 for name, klass, frequency, ways, sensitive in DEFAULT_TAGS]).execute()


def upgrade(database: pw.Database) -> None:
    """The care tables, and the default tag list."""
    with database.bind_ctx([Staff, Resident, GridEvent, _Person, *_TABLES]):
        database.create_tables(_TABLES, safe=True)
    seed_tags(database)
