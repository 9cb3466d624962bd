"""The tables. Rules about them live in the service modules, not here.

Money is stored in fen (integer) so sums are exact on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from typing import TypeVar

import peewee as pw

from gridstation.core.rules import clock
from gridstation.core.storage.db import database_proxy


class BaseModel(pw.Model):
    class Meta:
        database = database_proxy
        legacy_table_names = False


ModelT = TypeVar("ModelT", bound=BaseModel)


def row_or_none(model: type[ModelT], row_id: int) -> ModelT | None:
    """The row with this id, or None; an id beyond a 64-bit column (a typo, a hostile import) names no row.

    SQLite raises OverflowError and PostgreSQL a DataError for such a number, which would reach
    staff as a crash instead of "not found".
    """
    if isinstance(row_id, int) and not -2**63 <= row_id < 2**63:
        return None
    return model.get_or_none(model.id == row_id)


class SchemaVersion(BaseModel):
    version = pw.IntegerField()
    applied_at = pw.DateTimeField(default=clock.now)


class Setting(BaseModel):
    """Station-wide settings as JSON values (name, address, serial prefix, receipt size, ...)."""

    key = pw.CharField(primary_key=True, max_length=64)
    value = pw.TextField()


class Staff(BaseModel):
    username = pw.CharField(unique=True, max_length=40)
    display_name = pw.CharField(max_length=40)
    role = pw.CharField(max_length=16)  # clerk / head / admin
    password_hash = pw.CharField(max_length=255)
    active = pw.BooleanField(default=True)
    failed_attempts = pw.IntegerField(default=0)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=clock.now)


class Grid(BaseModel):
    """A grid or micro-grid of the community (the rules: core/grids/). Names repeat under different
    parents, so the code names a grid; one open grid per (parent, name), checked by the service."""

    name = pw.CharField(max_length=40, index=True)
    worker = pw.ForeignKeyField(Staff, null=True, backref="grids", on_delete="SET NULL")  # before the register
    code = pw.CharField(max_length=20, null=True, unique=True)  # null only for a grid no service made
    level = pw.CharField(max_length=10, default="")  # 三级 / 四级 / 五级, as the station names them
    kind = pw.CharField(max_length=6, default="综合网格")  # 综合网格 / 专属网格
    parent = pw.ForeignKeyField("self", null=True, backref="children", on_delete="RESTRICT")
    scope = pw.TextField(default="")
    opened_on = pw.DateField(null=True)
    closed_on = pw.DateField(null=True, index=True)


class Resident(BaseModel):
    name = pw.CharField(max_length=60, index=True)
    doc_type = pw.CharField(max_length=16, default="居民身份证")
    doc_number = pw.CharField(max_length=40, unique=True)
    # Reversed copies so "last 4-6 digits" is an indexed prefix range, not a full scan.
    doc_rev = pw.CharField(max_length=40, index=True)
    gender = pw.CharField(max_length=2, default="")
    birth_date = pw.DateField(null=True)
    phone = pw.CharField(max_length=20, default="", index=True)
    phone_rev = pw.CharField(max_length=20, default="", index=True)
    compound = pw.CharField(max_length=60, default="")
    building = pw.CharField(max_length=20, default="")
    unit = pw.CharField(max_length=20, default="")
    room = pw.CharField(max_length=20, default="")
    grid = pw.ForeignKeyField(Grid, null=True, backref="residents", on_delete="SET NULL")
    # rules/address_keys: the building the address names, compared by index with Building.key
    # (the database's own defaults too: bulk writers — ledger imports, the demo data — name only what they fill)
    address_key = pw.CharField(max_length=90, default="", index=True, constraints=[pw.SQL("DEFAULT ''")])
    unit_key = pw.CharField(max_length=20, default="", constraints=[pw.SQL("DEFAULT ''")])
    status = pw.CharField(max_length=4, default="在册", index=True,  # 在册 / 迁出 / 死亡 (core/residents/status.py)
                          constraints=[pw.SQL("DEFAULT '在册'")])
    status_on = pw.DateField(null=True)  # the day of the move or the death
    moved_to = pw.CharField(max_length=100, default="", constraints=[pw.SQL("DEFAULT ''")])
    is_pensioner = pw.BooleanField(default=False, index=True)
    notes = pw.TextField(default="")
    created_at = pw.DateTimeField(default=clock.now)
    updated_at = pw.DateTimeField(default=clock.now)


class ResidentKey(BaseModel):
    """Pinyin search keys (full and initials, every reading of a polyphonic surname)."""

    resident = pw.ForeignKeyField(Resident, backref="keys", on_delete="CASCADE")
    key = pw.CharField(max_length=80, index=True)


class ServiceType(BaseModel):
    code = pw.CharField(unique=True, max_length=32)
    name = pw.CharField(max_length=60)
    category = pw.CharField(max_length=30, default="")
    actions = pw.TextField(default="[]")  # JSON list of 办理事项, e.g. 新办/年检
    promised_days = pw.IntegerField(default=5)
    fields = pw.TextField(default="[]")  # JSON list of field definitions
    aliases = pw.TextField(default="[]")  # JSON list of what staff write for it in ledgers (4050, 失业登记 ...)
    active = pw.BooleanField(default=True)
    builtin = pw.BooleanField(default=False)
    sort_order = pw.IntegerField(default=100)
    materials = pw.TextField(default="[]")  # JSON 材料清单 (core/station/material_list.py)


class Intake(BaseModel):
    serial = pw.CharField(unique=True, max_length=32)
    resident = pw.ForeignKeyField(Resident, backref="intakes", on_delete="RESTRICT")
    service = pw.ForeignKeyField(ServiceType, backref="intakes", on_delete="RESTRICT")
    action = pw.CharField(max_length=30, default="")
    details = pw.TextField(default="{}")
    documents = pw.TextField(default="")
    status = pw.CharField(max_length=8, index=True)
    received_at = pw.DateTimeField(index=True)
    due_date = pw.DateField(index=True)
    completed_at = pw.DateTimeField(null=True, index=True)
    result = pw.TextField(default="")
    forwarded_to = pw.CharField(max_length=80, default="")
    staff = pw.ForeignKeyField(Staff, null=True, backref="intakes", on_delete="SET NULL")
    # 经办人 with no account here (someone who has left, a ledger from another station), kept by name:
    # set only when ``staff`` is empty; intakes.handler_name shows whichever there is. The database's own
    # default too: bulk writers (the demo data) name only the columns they fill.
    staff_name = pw.CharField(max_length=40, default="", constraints=[pw.SQL("DEFAULT ''")])
    grid = pw.ForeignKeyField(Grid, null=True, backref="intakes", on_delete="SET NULL")
    # Figures the statistics sum, kept as columns so reports need no JSON parsing.
    workers = pw.IntegerField(default=0)
    amount_owed_fen = pw.BigIntegerField(default=0)
    amount_recovered_fen = pw.BigIntegerField(default=0)
    cert_year = pw.IntegerField(null=True, index=True)
    updated_at = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("service", "received_at"), False), (("status", "due_date"), False))


class IntakeEvent(BaseModel):
    intake = pw.ForeignKeyField(Intake, backref="events", on_delete="CASCADE")
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    from_status = pw.CharField(max_length=8, default="")
    to_status = pw.CharField(max_length=8)
    note = pw.TextField(default="")


class SerialCounter(BaseModel):
    """Last number used per serial prefix and day; incremented inside the intake's transaction."""

    scope = pw.CharField(primary_key=True, max_length=40)
    last = pw.IntegerField(default=0)


class ToolKind(BaseModel):
    name = pw.CharField(unique=True, max_length=40)
    category = pw.CharField(max_length=30, default="")
    loan_days = pw.IntegerField(default=7)
    deposit_fen = pw.IntegerField(default=0)
    safety_note = pw.TextField(default="")
    parts = pw.TextField(default="[]")  # JSON list of part names
    photo = pw.CharField(max_length=255, default="")  # a Photo digest, or "" for none
    active = pw.BooleanField(default=True)


class Photo(BaseModel):
    """A picture kept in the database (a tool kind's, an event's), so backups and every window of a server
    station have it; the rules are in ``storage/photos.py``.

    Keyed by the SHA-256 of the bytes: the same picture chosen for several records is stored once. The
    table keeps the name version 3 gave it when only tool kinds had photos: renaming it would be a schema
    step on both backends, and the restore check and the v3 upgrade name it, for nothing staff see.
    """

    digest = pw.CharField(primary_key=True, max_length=64)
    data = pw.BlobField()
    mime = pw.CharField(max_length=20)
    created_at = pw.DateTimeField(default=clock.now)

    class Meta:
        table_name = "tool_photo"


class ToolUnit(BaseModel):
    asset_code = pw.CharField(unique=True, max_length=32)
    kind = pw.ForeignKeyField(ToolKind, backref="units", on_delete="RESTRICT")
    state = pw.CharField(max_length=4, index=True)  # 在库 借出 预约 维修 遗失 报废
    purchase_date = pw.DateField(null=True)
    condition_notes = pw.TextField(default="")
    created_at = pw.DateTimeField(default=clock.now)


class UnitEvent(BaseModel):
    unit = pw.ForeignKeyField(ToolUnit, backref="events", on_delete="CASCADE")
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    from_state = pw.CharField(max_length=4, default="")
    to_state = pw.CharField(max_length=4)
    note = pw.TextField(default="")


class Loan(BaseModel):
    """One loan slip (借用单); its units are LoanItems."""

    slip_no = pw.CharField(unique=True, max_length=32)
    resident = pw.ForeignKeyField(Resident, backref="loans", on_delete="RESTRICT")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    lent_at = pw.DateTimeField(index=True)
    due_date = pw.DateField(index=True)
    deposit_fen = pw.IntegerField(default=0)
    deposit_refunded_fen = pw.IntegerField(default=0)
    renewals = pw.IntegerField(default=0)
    override_reason = pw.TextField(default="")
    notes = pw.TextField(default="")
    entered_later = pw.BooleanField(default=False)


class LoanItem(BaseModel):
    loan = pw.ForeignKeyField(Loan, backref="items", on_delete="CASCADE")
    unit = pw.ForeignKeyField(ToolUnit, backref="loan_items", on_delete="RESTRICT")
    parts_out = pw.TextField(default="[]")
    returned_at = pw.DateTimeField(null=True, index=True)
    return_condition = pw.CharField(max_length=4, default="")  # 完好 损坏 缺件 遗失
    return_notes = pw.TextField(default="")
    parts_back = pw.TextField(default="[]")
    return_staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")

    class Meta:
        indexes = ((("unit", "returned_at"), False),)


class ReminderCall(BaseModel):
    loan = pw.ForeignKeyField(Loan, backref="reminders", on_delete="CASCADE")
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    outcome = pw.TextField(default="")


class Reservation(BaseModel):
    kind = pw.ForeignKeyField(ToolKind, backref="reservations", on_delete="RESTRICT")
    resident = pw.ForeignKeyField(Resident, backref="reservations", on_delete="RESTRICT")
    start_date = pw.DateField()
    end_date = pw.DateField()
    status = pw.CharField(max_length=6, default="有效")  # 有效 已取用 已取消 已过期
    created_at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


class StockTake(BaseModel):
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    result = pw.TextField(default="{}")


class AuditLog(BaseModel):
    """Append-only; each row's hash covers the previous row's hash (tamper-evident chain)."""

    at = pw.DateTimeField(default=clock.now, index=True)
    username = pw.CharField(max_length=40, default="")
    action = pw.CharField(max_length=40, index=True)
    entity = pw.CharField(max_length=40, default="")
    entity_id = pw.CharField(max_length=40, default="")
    before = pw.TextField(default="")
    after = pw.TextField(default="")
    prev_hash = pw.CharField(max_length=64, default="")
    hash = pw.CharField(max_length=64, default="")


ALL_MODELS: list[type[BaseModel]] = [
    SchemaVersion, Setting, Staff, Grid, Resident, ResidentKey, ServiceType, Intake, IntakeEvent,
    SerialCounter, ToolKind, Photo, ToolUnit, UnitEvent, Loan, LoanItem, ReminderCall, Reservation,
    StockTake, AuditLog,
]


# The grid register's people (core/grids/people.py) come before the events, which they find, handle
# and mediate; the rest of the register is below.


class Person(BaseModel):
    """Someone of the grid's people (网格力量): many have no login; linked to an account or a resident
    where they are the same human."""

    name = pw.CharField(max_length=30, index=True)
    phone = pw.CharField(max_length=20, default="")  # the phone they give for the role
    phone_public = pw.BooleanField(default=False)  # agreed to have it printed on a notice board
    phone_public_on = pw.DateField(null=True)  # the day they agreed
    staff = pw.ForeignKeyField(Staff, null=True, unique=True, backref="person", on_delete="SET NULL")
    resident = pw.ForeignKeyField(Resident, null=True, backref="person", on_delete="SET NULL")
    note = pw.TextField(default="")


# Grid events (网格事件): problems grid workers find or residents report, tracked to 销号.
# The rules live in gridstation/core/events/.


class EventCategory(BaseModel):
    """A category of the station's own list; with no rows the built-in list applies (core/events/lists.py)."""

    name = pw.CharField(unique=True, max_length=20)
    normal_days = pw.IntegerField(default=5)  # working days for 一般
    urgent_days = pw.IntegerField(default=1)  # working days for 紧急
    after_photo = pw.BooleanField(default=False)  # 销号 needs a photo after
    mediation = pw.BooleanField(default=False)  # 矛盾纠纷: parties, sessions, outcome, a month for 一般
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=100)


class EventPartner(BaseModel):
    """Who an event can be assigned to besides staff (物业, 城管, 派出所, 社区律师 …)."""

    name = pw.CharField(unique=True, max_length=40)
    active = pw.BooleanField(default=True)
    sort_order = pw.IntegerField(default=100)


class GridEvent(BaseModel):
    number = pw.CharField(unique=True, max_length=32)
    category = pw.CharField(max_length=20, index=True)  # the name, so a renamed category keeps history
    level = pw.CharField(max_length=4)  # 一般 / 紧急
    grid = pw.ForeignKeyField(Grid, null=True, backref="events", on_delete="SET NULL")
    place = pw.CharField(max_length=200, default="")
    description = pw.TextField(default="")
    source = pw.CharField(max_length=8)  # 巡查发现 居民反映 上级交办 12345
    finder = pw.ForeignKeyField(Person, null=True, backref="found_events", on_delete="SET NULL")  # 发现人
    found_at = pw.DateTimeField(index=True)
    registered_by = pw.ForeignKeyField(Staff, null=True, backref="registered_events", on_delete="SET NULL")
    registered_at = pw.DateTimeField(default=clock.now)
    due_date = pw.DateField(index=True)
    status = pw.CharField(max_length=4, index=True)  # 登记 处置中 已销号
    route = pw.CharField(max_length=8, default="")  # "" / 网格内处置 / 上报街道
    routed_at = pw.DateTimeField(null=True)
    platform_case_no = pw.CharField(max_length=40, default="")
    reported_on = pw.DateField(null=True)
    street_answer = pw.TextField(default="")
    assigned_to = pw.ForeignKeyField(Person, null=True, backref="assigned_events", on_delete="SET NULL")  # 经办人
    partner = pw.ForeignKeyField(EventPartner, null=True, backref="events", on_delete="SET NULL")
    result = pw.TextField(default="")
    closed_at = pw.DateTimeField(null=True, index=True)
    closed_by = pw.ForeignKeyField(Staff, null=True, backref="closed_events", on_delete="SET NULL")
    reopen_count = pw.IntegerField(default=0)
    visited_at = pw.DateTimeField(null=True)
    visit_view = pw.TextField(default="")
    mediation_outcome = pw.CharField(max_length=4, default="")  # "" / 调解成功 / 调解不成
    outcome_at = pw.DateTimeField(null=True)
    agreement_terms = pw.TextField(default="")
    referred_to = pw.CharField(max_length=80, default="")
    updated_at = pw.DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("status", "due_date"), False), (("grid", "status"), False))


class EventStep(BaseModel):
    """The event's history: every transition and progress note, with time and author."""

    event = pw.ForeignKeyField(GridEvent, backref="steps", on_delete="CASCADE")
    at = pw.DateTimeField(default=clock.now, index=True)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    action = pw.CharField(max_length=8, index=True)
    note = pw.TextField(default="")


class EventPhoto(BaseModel):
    """A photo of an event; the picture itself is a ``Photo`` row named by its digest."""

    event = pw.ForeignKeyField(GridEvent, backref="photos", on_delete="CASCADE")
    digest = pw.CharField(max_length=64)
    stage = pw.CharField(max_length=4)  # 处置前 / 处置后
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


class EventParty(BaseModel):
    """A person in an event: the resident who reported it, residents involved, a dispute's parties."""

    event = pw.ForeignKeyField(GridEvent, backref="parties", on_delete="CASCADE")
    resident = pw.ForeignKeyField(Resident, null=True, backref="event_parts", on_delete="SET NULL")
    role = pw.CharField(max_length=4)  # 反映人 / 涉及 / 当事人
    name = pw.CharField(max_length=60)
    doc_number = pw.CharField(max_length=40, default="")
    phone = pw.CharField(max_length=20, default="")
    address = pw.CharField(max_length=120, default="")


class MediationSession(BaseModel):
    event = pw.ForeignKeyField(GridEvent, backref="sessions", on_delete="CASCADE")
    at = pw.DateTimeField()
    place = pw.CharField(max_length=100, default="")
    mediators = pw.CharField(max_length=100, default="")  # as written (several names, outsiders)
    mediator = pw.ForeignKeyField(Person, null=True, backref="mediations", on_delete="SET NULL")  # the register's 调解员
    notes = pw.TextField(default="")
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


EVENT_MODELS: list[type[BaseModel]] = [
    EventCategory, EventPartner, GridEvent, EventStep, EventPhoto, EventParty, MediationSession,
]
ALL_MODELS += EVENT_MODELS


class IntakeMaterials(BaseModel):
    """An intake's document check: what was brought, what is missing, and the 告知/容缺 deadline.

    ``mode`` is 齐全 / 告知 (一次性告知, the intake waits as 待补正) / 容缺 (accepted, documents to follow);
    ``supplied_at`` is set when the missing documents came. Rules: core/intake/material_rules.py and material_check.py.
    """

    intake = pw.ForeignKeyField(Intake, backref="material_check", unique=True, on_delete="CASCADE")
    mode = pw.CharField(max_length=4)
    received = pw.TextField(default="[]")  # JSON list of document names
    missing = pw.TextField(default="[]")
    deadline = pw.DateField(null=True, index=True)  # 告知: the date to bring them; 容缺: the 补齐 deadline
    issued_at = pw.DateTimeField(default=clock.now, index=True)
    supplied_at = pw.DateTimeField(null=True, index=True)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


ALL_MODELS.append(IntakeMaterials)


# 好差评: the resident's rating of a completed intake, and the head's 整改 of a bad one.
# The rules live in gridstation/core/evaluation/.


class Rating(BaseModel):
    """One rating per intake; a later call-back's view is a ``RatingVisit``, kept apart."""

    intake = pw.ForeignKeyField(Intake, backref="rating", unique=True, on_delete="CASCADE")
    service = pw.ForeignKeyField(ServiceType, backref="ratings", on_delete="RESTRICT")
    staff = pw.ForeignKeyField(Staff, null=True, backref="ratings", on_delete="SET NULL")  # who was rated
    recorded_by = pw.ForeignKeyField(Staff, null=True, backref="recorded_ratings", on_delete="SET NULL")
    channel = pw.CharField(max_length=8)  # 评价器 / 纸质卡 / 电话回访
    at = pw.DateTimeField(index=True)
    level = pw.CharField(max_length=6, index=True)  # 非常满意 满意 基本满意 不满意 非常不满意
    reasons = pw.TextField(default="[]")  # JSON list: 态度 效率 材料要求不清 多次跑 其他
    text = pw.TextField(default="")
    appealed_at = pw.DateTimeField(null=True)  # 申诉: the head judged it mistaken or malicious; still counted
    appeal_reason = pw.TextField(default="")
    appealed_by = pw.ForeignKeyField(Staff, null=True, backref="appeals", on_delete="SET NULL")


class RatingVisit(BaseModel):
    """A 回访 of a rated intake after its rating (a call back), kept apart from the rating itself."""

    rating = pw.ForeignKeyField(Rating, backref="visits", on_delete="CASCADE")
    at = pw.DateTimeField(default=clock.now)
    staff = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    level = pw.CharField(max_length=6)
    text = pw.TextField(default="")


class Rectification(BaseModel):
    """差评整改: opened by a 不满意/非常不满意 rating, handled by the head by a working-day deadline."""

    rating = pw.ForeignKeyField(Rating, backref="rectification", unique=True, on_delete="CASCADE")
    opened_at = pw.DateTimeField(index=True)
    due_date = pw.DateField(index=True)
    visited_at = pw.DateTimeField(null=True)  # 回访 the resident
    finding = pw.TextField(default="")
    action_taken = pw.TextField(default="")
    resident_view = pw.CharField(max_length=6, default="")  # 满意 基本满意 不满意
    closed_at = pw.DateTimeField(null=True, index=True)
    closed_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


ALL_MODELS += [Rating, RatingVisit, Rectification]


# The grid register (网格、楼栋与网格力量); the rules live in gridstation/core/grids/.


class Building(BaseModel):
    """A building (楼栋) of a compound, in one grid; ``key`` is rules/address_keys.address_key."""

    compound = pw.CharField(max_length=60)
    number = pw.CharField(max_length=20)  # as the station writes it (3号楼)
    key = pw.CharField(max_length=90, unique=True)
    grid = pw.ForeignKeyField(Grid, backref="buildings", on_delete="RESTRICT")
    households = pw.IntegerField(default=0)
    property_company = pw.CharField(max_length=60, default="")
    property_contact = pw.CharField(max_length=60, default="")


class Unit(BaseModel):
    """A unit (单元) of a building; ``grid`` set only where the unit is a micro-grid of its own."""

    building = pw.ForeignKeyField(Building, backref="units", on_delete="CASCADE")
    number = pw.CharField(max_length=20)
    key = pw.CharField(max_length=20)
    grid = pw.ForeignKeyField(Grid, null=True, backref="units", on_delete="RESTRICT")

    class Meta:
        indexes = ((("building", "key"), True),)


class PersonRole(BaseModel):
    """A person serving a grid, building or unit in a role, from a day to a day (ended_on null: now)."""

    person = pw.ForeignKeyField(Person, backref="roles", on_delete="CASCADE")
    role = pw.CharField(max_length=12, index=True)
    grid = pw.ForeignKeyField(Grid, null=True, backref="person_roles", on_delete="RESTRICT")
    building = pw.ForeignKeyField(Building, null=True, backref="person_roles", on_delete="RESTRICT")
    unit = pw.ForeignKeyField(Unit, null=True, backref="person_roles", on_delete="RESTRICT")
    started_on = pw.DateField()
    ended_on = pw.DateField(null=True, index=True)


class DiaryEntry(BaseModel):
    """民情日志: what a person of the register saw or heard on a day, and what was done."""

    on = pw.DateField(index=True)
    person = pw.ForeignKeyField(Person, backref="diary", on_delete="RESTRICT")
    grid = pw.ForeignKeyField(Grid, null=True, backref="diary", on_delete="RESTRICT")
    seen = pw.TextField()
    resident = pw.ForeignKeyField(Resident, null=True, backref="diary_mentions", on_delete="SET NULL")
    done = pw.TextField(default="")
    event = pw.ForeignKeyField(GridEvent, null=True, backref="diary", on_delete="SET NULL")
    written_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    written_at = pw.DateTimeField(default=clock.now)


GRID_MODELS: list[type[BaseModel]] = [Building, Unit, Person, PersonRole, DiaryEntry]
ALL_MODELS += GRID_MODELS


# Residents who need care and the visits that reach them (关爱对象与入户走访); the rules: core/care/.


class CareTag(BaseModel):
    """A tag of the station's list (独居老人, 低保, 社区矫正 …): its class (关爱 / 监管, who sees it is a
    setting of the class), how often a resident with it is visited and which ways count."""

    name = pw.CharField(max_length=20, unique=True)
    klass = pw.CharField(max_length=4)  # 关爱 / 监管
    frequency = pw.CharField(max_length=4, default="")  # 每周 / 每月 / 每季度 / 每半年; "" no visits asked
    ways = pw.CharField(max_length=20, default="上门")  # the ways that count, "、"-joined (上门 always)
    sensitive = pw.BooleanField(default=False)  # health, disability, supervision (PIPL art. 28)
    builtin = pw.BooleanField(default=False)
    active = pw.BooleanField(default=True)


class ResidentTag(BaseModel):
    """A resident carries a tag from a day to a day (until null: still), with where it came from."""

    resident = pw.ForeignKeyField(Resident, backref="care_tags", on_delete="CASCADE")
    tag = pw.ForeignKeyField(CareTag, on_delete="RESTRICT")
    since = pw.DateField()
    until = pw.DateField(null=True, index=True)
    source = pw.CharField(max_length=4)  # 名单 / 走访 / 手工 / 备注
    source_note = pw.CharField(max_length=60, default="")  # the roster's name, the visit's number
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    entered_at = pw.DateTimeField(default=clock.now)


class CareVisit(BaseModel):
    """A visit to a resident (入户走访, or a call): who went, how, what was checked, found and done."""

    number = pw.CharField(max_length=24, unique=True)  # ZF + day + sequence
    resident = pw.ForeignKeyField(Resident, backref="care_visits", on_delete="RESTRICT")
    visited_on = pw.DateField(index=True)
    visitor = pw.ForeignKeyField(Person, on_delete="RESTRICT")
    way = pw.CharField(max_length=2)  # 上门 / 电话 / 视频
    seen = pw.BooleanField(default=True)  # the resident seen in person
    checklist = pw.TextField(default="{}")  # JSON: item -> [正常 / 需关注, a word]
    found = pw.TextField(default="")
    done = pw.TextField(default="")
    services = pw.TextField(default="[]")  # JSON list of services given on the spot
    follow_up = pw.CharField(max_length=4, default="无")  # 事件 / 需求 / 转介 / 无
    follow_up_note = pw.CharField(max_length=200, default="")
    event = pw.ForeignKeyField(GridEvent, null=True, on_delete="SET NULL")
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")
    entered_at = pw.DateTimeField(default=clock.now)

    class Meta:  # covering the due list's last visit of each way (core/care/due.py)
        indexes = ((("resident", "visited_on", "way"), False),)


class CareChange(BaseModel):
    """A major change in a resident's life (住院, 丧偶 …) that asks a visit by ``due_at``; ``visit`` answers it."""

    resident = pw.ForeignKeyField(Resident, backref="care_changes", on_delete="CASCADE")
    kind = pw.CharField(max_length=20)
    note = pw.CharField(max_length=200, default="")
    noted_at = pw.DateTimeField()
    due_at = pw.DateTimeField()
    visit = pw.ForeignKeyField(CareVisit, null=True, on_delete="SET NULL", index=True)
    entered_by = pw.ForeignKeyField(Staff, null=True, on_delete="SET NULL")


CARE_MODELS: list[type[BaseModel]] = [CareTag, ResidentTag, CareVisit, CareChange]
ALL_MODELS += CARE_MODELS
