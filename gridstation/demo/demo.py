"""Demo data: a believable, deterministic station to try the app on, take screenshots of and benchmark.

``generate`` fills an opened database (``station.open_site`` has run, the catalogue is installed)
with the grid register (demo_grids: grids by level, buildings, people), residents placed in their
building's grid, intakes of every active service over the last 24 months in every status, the tool
box and its loans. The same seed and the same ``as_of`` give the same rows, so a benchmark database
or a screenshot can be rebuilt exactly; dates are relative to ``as_of`` (by default the start of the
current hour), so a demo made today has activity up to today.

Accounts: every demo account signs in with the password ``demo1234`` — the station head
``zhouhong`` (站长), the clerks ``lixia``, ``wangfang``, ``zhangwei``, ``chenjing``, ``yangli`` and
``zhaolei`` (窗口人员), and ``admin`` when the database had no administrator yet (an existing
administrator and any existing account keep their password).

Running it twice: the second run is refused with a DomainError, as is a run on a database that
already holds residents, intakes, tools or loans. Appending would mix a second invented population
into the first (or into a station's real records); a fresh file is one ``--db`` away.

Speed: 100 000 residents, 250 000 intakes and 50 000 loans must take under two minutes, so rows are
built as plain tuples in stored form and written in chunks with the driver's ``executemany`` inside
one transaction: no per-row ORM save and no per-row audit entry (one entry records the whole run).
Values still come from the app's own rules wherever a rule is a function of its own: residents pass
``residents.clean_input`` (which fills doc_rev and phone_rev), pinyin keys come from ``name_keys``,
due dates from ``intakes.due_date_for`` and ``tool_units.default_due_date``, slip numbers and asset codes
and their counters from ``tool_units.slip_number``, ``tool_units.asset_code``, ``tool_units.slip_scope`` and
``tool_units.ASSET_SCOPE``, unit states after a return from ``tool_units.STATE_AFTER_RETURN``. A few rules live
inside service functions that write one row at a time (the serial's four-digit day sequence, the
wording of a history line, a returned unit's condition note); those are mirrored here, and
tests/demo/test_demo.py checks the numbering against the real functions by saving a real intake, loan
and unit on top of the demo data.
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from peewee import fn
from stdnum.cn import ric, uscc

from gridstation.core.intake import intakes as workflow
from gridstation.core.intake.residents import ResidentInput, clean_input
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.idcard import age_on
from gridstation.core.rules.pinyin_keys import name_keys
from gridstation.core.station import accounts, audit, catalog, roles
from gridstation.core.station.opening_days import station_calendar
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from gridstation.core.toolbox import tool_units
from gridstation.demo import demo_data as data
from gridstation.demo import demo_events, demo_grids, demo_ratings

DEMO_PASSWORD = "demo1234"
HISTORY_DAYS = 730
# Far above any station; a typo like --intakes 25000000 is refused instead of filling the disk.
MAX_COUNTS = {"residents": 1_000_000, "intakes": 2_000_000, "loans": 500_000}
COUNT_LABELS = {"residents": "居民", "intakes": "受理", "loans": "借用"}
CHUNK = 5000
# Office hours in seconds since midnight: 08:30-12:00 and 14:00-17:30.
OPEN_HOURS = ((8 * 3600 + 1800, 12 * 3600), (14 * 3600, 17 * 3600 + 1800))
# Relative numbers of intakes (and loans) by weekday, Monday first: Mondays are busiest at the
# counter, Saturdays for borrowing tools.
INTAKE_WEEKDAY_WEIGHT = (13, 10, 10, 10, 10, 6, 3)
LOAN_WEEKDAY_WEIGHT = (8, 8, 8, 8, 10, 15, 12)
SERVICE_WEIGHT = {catalog.PENSION: 25, catalog.UNEMPLOYMENT: 30, catalog.WAGE: 10, catalog.SUBSIDY_4050: 15}
STATION_SERVICE_WEIGHT = 8
MARKER_KEY = "demo_data"
FOREVER = dt.datetime.max


def generate(*, residents: int, intakes: int, loans: int, seed: int,
             progress: Callable[[str], None] | None = None, as_of: dt.datetime | None = None) -> dict[str, int]:
    """Fill the open database with demo data; returns the counts written ("residents", "intakes", "loans").

    ``as_of`` is the moment the invented history ends (default: the start of the current hour).
    Raises DomainError for negative or absurd counts and for a database that already holds data.
    """
    counts = {"residents": residents, "intakes": intakes, "loans": loans}
    check_counts(counts)
    now = clock.now()
    as_of = (as_of or now.replace(minute=0, second=0)).replace(microsecond=0)
    if as_of > now:
        raise DomainError("演示数据的截止时间不能晚于现在。")
    say = progress or (lambda _text: None)
    with dbmod.write_transaction():
        _refuse_if_filled()
        staff = _ensure_staff(as_of)
        grid_by_key = demo_grids.write_register(random.Random(f"{seed}:grids"), staff.clerks, as_of)
        _ensure_station()
        say(f"正在生成居民（{residents}）…")
        people = _write_residents(random.Random(f"{seed}:residents"), residents, grid_by_key, as_of)
        say(f"正在生成受理记录（{intakes}）…")
        written_intakes = _write_intakes(random.Random(f"{seed}:intakes"), intakes, people, staff, as_of)
        say(f"正在生成工具和借用记录（{loans}）…")
        written_loans = _write_tool_box(random.Random(f"{seed}:tools"), loans, people, staff, as_of)
        demo_events.write_events(random.Random(f"{seed}:events"), intakes // 10, staff.head, as_of)  # grid events
        demo_ratings.write_demo(random.Random(f"{seed}:ratings"), staff.head, as_of)  # 好差评, 告知, 容缺
        demo_grids.write_diary(random.Random(f"{seed}:diary"), as_of)  # 民情日志 of the grid workers' rounds
        result = {"residents": len(people.all), "intakes": written_intakes, "loans": written_loans}
        settings.put(MARKER_KEY, {"seed": seed, "as_of": as_of.isoformat(sep=" "), **result})
        audit.record(None, "生成演示数据", "demo", seed, after=result)
        _advance_sequences([m.Resident, m.Intake, m.ToolKind, m.ToolUnit, m.Loan, m.Building, m.Person])
    return result


def check_counts(counts: dict[str, int]) -> None:
    """DomainError for counts the demo cannot write; the command asks before it creates the file."""
    for key, value in counts.items():
        label = COUNT_LABELS[key]
        if value < 0:
            raise DomainError(f"{label}数量不能为负数。")
        if value > MAX_COUNTS[key]:
            raise DomainError(f"{label}数量最多为 {MAX_COUNTS[key]}（演示数据）。")
    if counts["residents"] == 0 and (counts["intakes"] or counts["loans"]):
        raise DomainError("没有居民就不能生成受理和借用记录，请把居民数量设为大于0。")


def _refuse_if_filled() -> None:
    marker = settings.get(MARKER_KEY)
    if marker:
        raise DomainError(
            f"数据库中已有演示数据（截至 {marker.get('as_of', '')}，种子 {marker.get('seed', '')}），不能再次生成。"
            "如需新的演示数据，请用 --db 指定一个新的数据库文件。")
    for model, label in ((m.Resident, "居民"), (m.Intake, "受理"), (m.ToolKind, "工具"), (m.Loan, "借用")):
        if model.select().exists():
            raise DomainError(f"数据库中已有{label}数据，演示数据只能填入新建的数据库。请用 --db 指定一个新的数据库文件。")


# ---------------------------------------------------------------- writing rows

class _Bulk:
    """Rows of one table in stored form (ISO text for dates and times, fen, bool), written in chunks.

    Written with ``db.bulk_insert`` (the driver's executemany). ``parent`` is flushed first, so a
    child row never reaches the database before the row it references.
    """

    def __init__(self, model: type[m.BaseModel], columns: list[str], parent: _Bulk | None = None) -> None:
        self.fields = [model._meta.fields[c] for c in columns]
        self.parent = parent
        self.rows: list[tuple] = []
        self.count = 0

    def add(self, *row: Any) -> None:
        self.rows.append(row)
        if len(self.rows) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.parent is not None:
            self.parent.flush()
        if self.rows:
            dbmod.bulk_insert(self.fields, self.rows)
            self.count += len(self.rows)
            self.rows = []


def _next_id(model: type[m.BaseModel]) -> int:
    """Ids are given explicitly so child rows can reference parents without reading them back."""
    return int(model.select(fn.MAX(model.id)).scalar() or 0) + 1


def _advance_sequences(models: list[type[m.BaseModel]]) -> None:
    """PostgreSQL's id sequences do not see explicit ids; move them past the rows just written."""
    database = dbmod.current()
    if dbmod.is_sqlite(database):
        return
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 1) FROM \"{table}\"))")


def _stamp(value: dt.datetime) -> str:
    return value.isoformat(sep=" ")


# ---------------------------------------------------------------- station, staff, grids

@dataclass
class _Staff:
    head: int
    clerks: list[int]

    def pick(self, rng: random.Random) -> int:
        """Clerks do most of the counter work; the head takes a turn now and then."""
        return self.head if rng.random() < 0.06 else rng.choice(self.clerks)


def _ensure_staff(as_of: dt.datetime) -> _Staff:
    """The demo accounts (password demo1234), hashed once: scrypt is deliberately slow."""
    hashed = ""
    ids: dict[str, int] = {}
    created = _stamp(as_of - dt.timedelta(days=HISTORY_DAYS + 30))
    wanted = list(data.STAFF)
    if not m.Staff.select().where(m.Staff.role == roles.ADMIN).exists():
        wanted.append(("admin", "管理员", roles.ADMIN))
    for username, display_name, role in wanted:
        row = m.Staff.get_or_none(m.Staff.username == username)
        if row is None:
            hashed = hashed or accounts.hash_password(DEMO_PASSWORD)
            row = m.Staff.create(username=username, display_name=display_name, role=role,
                                 password_hash=hashed, created_at=created)
        ids[username] = row.id
    head = next(ids[u] for u, _n, r in data.STAFF if r == roles.HEAD)
    return _Staff(head, [ids[u] for u, _n, r in data.STAFF if r == roles.CLERK])


def _ensure_station() -> None:
    """Name, address and phone for receipts, unless the station has set its own."""
    if settings.get("station_name") == settings.DEFAULTS["station_name"]:
        settings.put("station_name", data.STATION_NAME)
    if not settings.get("station_address"):
        settings.put("station_address", data.STATION_ADDRESS)
    if not settings.get("station_phone"):
        settings.put("station_phone", data.STATION_PHONE)


# ---------------------------------------------------------------- time

def _open_days(as_of: dt.datetime, weights: tuple[int, ...]) -> tuple[list[dt.date], list[float]]:
    """The station's open days (its calendar: weekdays, national holidays) in the history window, with
    cumulative weights."""
    calendar = station_calendar()
    first = as_of.date() - dt.timedelta(days=HISTORY_DAYS)
    days, cum, total = [], [], 0.0
    for offset in range(HISTORY_DAYS + 1):
        day = first + dt.timedelta(days=offset)
        if not calendar.is_open(day) or not _spans(day, as_of):
            continue
        total += weights[day.weekday()]
        days.append(day)
        cum.append(total)
    return days, cum


def _spans(day: dt.date, as_of: dt.datetime) -> list[tuple[int, int]]:
    """Office hours of ``day`` that lie before ``as_of``."""
    if day < as_of.date():
        return list(OPEN_HOURS)
    limit = as_of.hour * 3600 + as_of.minute * 60 + as_of.second
    return [(a, min(b, limit)) for a, b in OPEN_HOURS if a < limit]


def _times(rng: random.Random, day: dt.date, n: int, as_of: dt.datetime) -> list[dt.datetime]:
    """``n`` sorted moments within the office hours of ``day`` (and before ``as_of``)."""
    spans = _spans(day, as_of)
    total = sum(b - a for a, b in spans)
    midnight = dt.datetime.combine(day, dt.time())
    out = []
    for second in sorted(rng.randrange(total) for _ in range(n)):
        for a, b in spans:
            if second < b - a:
                out.append(midnight + dt.timedelta(seconds=a + second))
                break
            second -= b - a
    return out


def _per_day(rng: random.Random, n: int, as_of: dt.datetime, weights: tuple[int, ...]) -> Iterator[tuple[dt.date, list[dt.datetime]]]:
    """``n`` moments spread over the open days, day by day in order, each day's moments sorted."""
    days, cum = _open_days(as_of, weights)
    if not days:
        return
    counts = [0] * len(days)
    for index in rng.choices(range(len(days)), cum_weights=cum, k=n):
        counts[index] += 1
    for day, count in zip(days, counts, strict=False):
        if count:
            yield day, _times(rng, day, count, as_of)


def _office_time(rng: random.Random, day: dt.date) -> dt.datetime:
    a, b = OPEN_HOURS[rng.randrange(len(OPEN_HOURS))]
    return dt.datetime.combine(day, dt.time()) + dt.timedelta(seconds=rng.randrange(a, b))


def _later(rng: random.Random, start: dt.datetime, days: int) -> dt.datetime:
    """A moment ``days`` after ``start``: within the hour on the same day, office hours otherwise."""
    if days <= 0:
        return start + dt.timedelta(minutes=rng.randint(5, 90))
    return _office_time(rng, start.date() + dt.timedelta(days=days))


# ---------------------------------------------------------------- residents

@dataclass(slots=True)
class _Person:
    id: int
    gender: str
    birth: dt.date
    grid_id: int | None
    pensioner: bool


@dataclass
class _People:
    all: list[_Person] = field(default_factory=list)
    pensioners: list[_Person] = field(default_factory=list)
    subsidy_4050: list[_Person] = field(default_factory=list)
    working: list[_Person] = field(default_factory=list)
    adults: list[_Person] = field(default_factory=list)
    borrowers: list[_Person] = field(default_factory=list)

    def pool(self, code: str) -> list[_Person]:
        """Who comes for a service: pensioners certify, 4050 fits its age rule, the working age claim wages."""
        pools = {catalog.PENSION: self.pensioners, catalog.SUBSIDY_4050: self.subsidy_4050,
                 catalog.UNEMPLOYMENT: self.working, catalog.WAGE: self.working}
        return pools.get(code) or self.adults or self.all


class _Weighted:
    """rng.choices with the cumulative weights computed once."""

    def __init__(self, items: list[Any], weights: list[float]) -> None:
        self.items = items
        self.cum: list[float] = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)

    def pick(self, rng: random.Random) -> Any:
        return self.items[bisect.bisect(self.cum, rng.random() * self.cum[-1])]


SURNAMES = _Weighted([s for s, _w in data.SURNAMES], [w for _s, w in data.SURNAMES])
COMPOUNDS = _Weighted(list(range(len(data.COMPOUNDS))), [c[4] for c in data.COMPOUNDS])
# Region codes python-stdnum accepts for each birth year (tests check every pair).
REGIONS_BY_YEAR = {
    year: _Weighted([code for code, since, _w in data.REGIONS if since <= year],
                    [w for _code, since, w in data.REGIONS if since <= year])
    for year in range(data.BIRTH_FIRST, data.BIRTH_LAST + 1)
}


def _given_name(rng: random.Random, male: bool, year: int) -> str:
    if year < 1965 and rng.random() < 0.45:
        return rng.choice(data.GIVEN_OLD_MALE if male else data.GIVEN_OLD_FEMALE)
    pool = data.GIVEN_MALE if male else data.GIVEN_FEMALE
    first = rng.choice(pool)
    if rng.random() < 0.25:
        return first
    second = rng.choice(pool)
    return first + (second if second != first else rng.choice(pool))


def _birth(rng: random.Random, year: int) -> dt.date:
    start = dt.date(year, 1, 1)
    return start + dt.timedelta(days=rng.randrange((dt.date(year + 1, 1, 1) - start).days))


def _id_number(rng: random.Random, birth: dt.date, male: bool, taken: set[str]) -> str:
    """A unique 18-digit number: a region code valid for the birth year, odd sequence for men."""
    regions = REGIONS_BY_YEAR[birth.year]
    while True:
        seq = rng.randrange(500) * 2 + (1 if male else 0)
        body = f"{regions.pick(rng)}{birth.year:04d}{birth.month:02d}{birth.day:02d}{seq:03d}"
        number = body + ric.calc_check_digit(body + "0")
        if number not in taken:
            taken.add(number)
            return number


def _phone(rng: random.Random, taken: set[str]) -> str:
    """Mostly mobiles, some landlines, a few residents without a phone."""
    kind = rng.random()
    if kind < 0.03:
        return ""
    while True:
        if kind < 0.08:
            number = f"{data.LANDLINE_AREA}6{rng.randrange(10**7):07d}"
        else:
            number = f"{rng.choice(data.MOBILE_PREFIXES)}{rng.randrange(10**8):08d}"
        if number not in taken:
            taken.add(number)
            return number


@dataclass
class _Member:
    name: str
    male: bool
    birth: dt.date


def _household(rng: random.Random, as_of: dt.date) -> list[_Member]:
    """A household of one to five: a head, maybe a spouse, children sharing the father's surname, a parent."""
    age = rng.choices((rng.randint(20, 34), rng.randint(35, 49), rng.randint(50, 64), rng.randint(65, 90)),
                      weights=(25, 30, 25, 20))[0]
    head_year = min(max(as_of.year - age, data.BIRTH_FIRST), data.BIRTH_LAST - 3)
    head_male = rng.random() < 0.5
    size = rng.choices((1, 2, 3, 4, 5), weights=(20, 35, 28, 13, 4))[0]
    head_surname = SURNAMES.pick(rng)
    members = [_Member(head_surname + _given_name(rng, head_male, head_year), head_male, _birth(rng, head_year))]
    family_surname = head_surname
    if size >= 2:
        year = min(max(head_year + rng.randint(-6, 3) * (1 if head_male else -1), data.BIRTH_FIRST), data.BIRTH_LAST)
        surname = SURNAMES.pick(rng)
        members.append(_Member(surname + _given_name(rng, not head_male, year), not head_male, _birth(rng, year)))
        if not head_male:
            family_surname = surname
    for _ in range(min(size - 2, 2) if size >= 3 else 0):
        year = head_year + rng.randint(22, 36)
        if year <= data.BIRTH_LAST:
            male = rng.random() < 0.5
            members.append(_Member(family_surname + _given_name(rng, male, year), male, _birth(rng, year)))
    if size == 5:
        year = head_year - rng.randint(22, 34)
        if year >= data.BIRTH_FIRST:
            members.append(_Member(head_surname + _given_name(rng, True, year), True, _birth(rng, year)))
    return members


def _write_residents(rng: random.Random, count: int, grid_by_key: dict[str, int], as_of: dt.datetime) -> _People:
    """Residents by household, cleaned by the same function as the resident form, with pinyin keys;
    each in the grid of their building (``grid_by_key``: rules/address_keys keys, as the form places them)."""
    today = as_of.date()
    registered_from = today - dt.timedelta(days=HISTORY_DAYS + 1500)
    rows = _Bulk(m.Resident, ["id", "name", "doc_type", "doc_number", "doc_rev", "gender", "birth_date", "phone",
                              "phone_rev", "compound", "building", "unit", "room", "grid", "address_key", "unit_key",
                              "is_pensioner", "notes", "created_at", "updated_at"])
    keys = _Bulk(m.ResidentKey, ["resident", "key"], parent=rows)
    key_cache: dict[str, list[str]] = {}
    ids, phones = set(), set()
    people = _People()
    next_id = _next_id(m.Resident)
    while len(people.all) < count:
        ci = COMPOUNDS.pick(rng)
        compound, buildings, units, floors, _w = data.COMPOUNDS[ci]
        building = rng.randrange(buildings)
        address = {"compound": compound, "building": str(building + 1), "unit": str(rng.randint(1, units)),
                   "room": f"{rng.randint(1, floors)}{rng.randint(1, 4):02d}"}
        for member in _household(rng, today)[:count - len(people.all)]:
            age = age_on(member.birth, today)
            retired = age >= (60 if member.male else 55)
            pensioner = rng.random() < (0.92 if retired else 0.35 if (not member.male and age >= 50) else 0.0)
            notes = ""
            if age >= 75 and rng.random() < 0.12:
                notes = rng.choice(data.NOTES_ELDERLY)
            elif rng.random() < 0.025:
                notes = rng.choice(data.NOTES_ANY)
            values = clean_input(ResidentInput(
                name=member.name, doc_number=_id_number(rng, member.birth, member.male, ids),
                phone=_phone(rng, phones), is_pensioner=pensioner, notes=notes, **address))
            grid_id = grid_by_key.get(values["address_key"])
            created = _stamp(_office_time(rng, registered_from + dt.timedelta(days=rng.randrange(1500))))
            rows.add(next_id, values["name"], values["doc_type"], values["doc_number"], values["doc_rev"],
                     values["gender"], values["birth_date"].isoformat(), values["phone"], values["phone_rev"],
                     values["compound"], values["building"], values["unit"], values["room"], grid_id,
                     values["address_key"], values["unit_key"], values["is_pensioner"], values["notes"], created, created)
            name_key = key_cache.get(values["name"])
            if name_key is None:
                name_key = key_cache[values["name"]] = name_keys(values["name"])
            for key in name_key:
                keys.add(next_id, key)
            person = _Person(next_id, values["gender"], values["birth_date"], grid_id, pensioner)
            people.all.append(person)
            if age >= 18:
                people.adults.append(person)
                if rng.random() < 0.25:
                    people.borrowers.append(person)
            if pensioner:
                people.pensioners.append(person)
            elif age < 60:
                if workflow.meets_4050(person.gender, person.birth, today):
                    people.subsidy_4050.append(person)
                if age >= 18:
                    people.working.append(person)
            next_id += 1
    keys.flush()
    return people


# ---------------------------------------------------------------- intakes

@dataclass
class _Service:
    row: m.ServiceType
    fields: list[catalog.FieldDef]
    actions: list[str]
    stat_keys: dict[str, str]  # intake column -> the field that fills it


def _services() -> list[_Service]:
    """Active services with their fields parsed once (catalog.fields_of parses JSON on every call).

    Which field fills which statistics column is asked of ``catalog.stat_columns`` itself, by
    passing each field's key as its value, so that rule stays in the catalogue.
    """
    out = []
    for row in catalog.active_services():
        fields = catalog.fields_of(row)
        out.append(_Service(row, fields, catalog.actions_of(row),
                            catalog.stat_columns(row, {f.key: f.key for f in fields})))
    return out


def _employer_codes() -> dict[str, str]:
    """A valid 统一社会信用代码 per demo employer, the same on every run."""
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    codes = {}
    for name in data.EMPLOYERS:
        rng = random.Random(name)
        body = "91530111" + "".join(rng.choice(alphabet) for _ in range(9))
        codes[name] = body + uscc.calc_check_digit(body + "0")
    return codes


EMPLOYER_CODES = _employer_codes()
ACTION_WEIGHT = {"新办": 40, "年检": 35, "变更": 10, "注销": 15, "申请": 70, "续期": 30}
PENSION_WAY_WEIGHT = {"窗口": 55, "手机APP协助": 40, "上门": 5}
PENSION_WAY_WEIGHT_80 = {"窗口": 30, "手机APP协助": 20, "上门": 50}
PENSION_TYPE_WEIGHT = {"企业职工基本养老保险": 60, "城乡居民基本养老保险": 30, "机关事业单位养老保险": 10}
INSURANCE_WEIGHT = {"养老和医疗保险": 60, "养老保险": 25, "医疗保险": 15}
OUTCOME_WEIGHT = {"协商解决": 55, "转劳动监察": 25, "转仲裁": 12, "其他": 8}


def _weighted_choice(rng: random.Random, options: list[str] | tuple[str, ...], weights: dict[str, int]) -> str:
    """One of ``options`` (as the station configured them), favouring the known ones by weight."""
    return rng.choices(list(options), weights=[weights.get(o, 1) for o in options])[0]


def _months_later(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _wage_value(rng: random.Random, key: str, fdef: catalog.FieldDef, ctx: dict[str, Any]) -> Any:
    received: dt.datetime = ctx["received"]
    if key == "employer":
        ctx["employer"] = rng.choice(data.EMPLOYERS)
        return ctx["employer"]
    if key == "employer_uscc":
        return EMPLOYER_CODES[ctx["employer"]] if "employer" in ctx and rng.random() < 0.7 else None
    if key == "workers":
        ctx["workers"] = rng.choices((1, rng.randint(2, 5), rng.randint(6, 40)), weights=(50, 35, 15))[0]
        return ctx["workers"]
    if key == "amount_owed":
        fen = ctx.get("workers", 1) * rng.randint(30, 90) * 10_000 * rng.randint(1, 4)
        ctx["owed"] = fen + (rng.randint(1, 99) if rng.random() < 0.1 else 0)
        return ctx["owed"]
    if key == "period_owed":
        if rng.random() < 0.2:
            return None
        start = _months_later(received.date(), -rng.randint(2, 8))
        end = _months_later(start, rng.randint(0, 3))
        return f"{start.year}年{start.month}月至{end.year}年{end.month}月"
    if key == "outcome":
        return ctx["outcome"] if ctx["outcome"] in fdef.choices else rng.choice(fdef.choices)
    if key == "amount_recovered":
        owed = ctx.get("owed", 0)
        share = {"协商解决": rng.choice((1.0, 1.0, 1.0, rng.uniform(0.6, 0.95))),
                 "转劳动监察": rng.choice((0.0, rng.uniform(0.3, 1.0)))}.get(ctx["outcome"])
        return None if share is None else int(owed * share)
    return _generic_value(rng, fdef, ctx)


def _builtin_value(rng: random.Random, code: str, fdef: catalog.FieldDef, ctx: dict[str, Any]) -> Any:
    """Values for the built-in services' fields, as a clerk would enter them; None leaves a field empty."""
    received: dt.datetime = ctx["received"]
    key = fdef.key
    if code == catalog.WAGE:
        return _wage_value(rng, key, fdef, ctx)
    if code == catalog.UNEMPLOYMENT and key == "cert_no":
        if ctx["action"] == "新办" and rng.random() < 0.5:
            return None
        return f"5301{received.year}{rng.randrange(10**8):08d}"
    if code == catalog.UNEMPLOYMENT and key == "docs_checked":
        return True
    if code == catalog.PENSION and key == "cert_year":
        return received.year
    if code == catalog.PENSION and key == "way":
        old = age_on(ctx["person"].birth, received.date()) >= 80
        return _weighted_choice(rng, fdef.choices, PENSION_WAY_WEIGHT_80 if old else PENSION_WAY_WEIGHT)
    if code == catalog.PENSION and key == "pension_type":
        return _weighted_choice(rng, fdef.choices, PENSION_TYPE_WEIGHT) if rng.random() < 0.9 else None
    if code == catalog.SUBSIDY_4050 and key == "period":
        end = _months_later(received.date(), 11)
        return f"{received.year}年{received.month}月至{end.year}年{end.month}月"
    if code == catalog.SUBSIDY_4050 and key == "insurance_kinds":
        return _weighted_choice(rng, fdef.choices, INSURANCE_WEIGHT)
    return _generic_value(rng, fdef, ctx)


def _generic_value(rng: random.Random, fdef: catalog.FieldDef, ctx: dict[str, Any]) -> Any:
    """A valid value for a field a station defined itself, by type; optional ones are often empty."""
    if not fdef.required and rng.random() < 0.4:
        return None
    if fdef.type == "bool":
        return True if fdef.required else rng.random() < 0.5
    if fdef.type == "number":
        return rng.randint(1, 10)
    if fdef.type == "money":
        return rng.randint(1, 2000) * 100
    if fdef.type == "date":
        return ctx["received"].date().isoformat()
    if fdef.type == "choice":
        return rng.choice(fdef.choices)
    if fdef.type == "uscc":
        return EMPLOYER_CODES[rng.choice(data.EMPLOYERS)]
    return rng.choice(data.GENERIC_TEXT)


def _details(rng: random.Random, service: _Service, stage: str, ctx: dict[str, Any]) -> dict[str, Any]:
    """The fields of one stage in catalogue order, as catalog.check_details would store them."""
    out: dict[str, Any] = {}
    for fdef in service.fields:
        if fdef.stage == stage:
            value = _builtin_value(rng, service.row.code, fdef, ctx) if service.row.builtin else _generic_value(rng, fdef, ctx)
            if value is not None:
                out[fdef.key] = value
    return out


def _result_text(service: _Service, ctx: dict[str, Any]) -> str:
    result = data.RESULTS.get(service.row.code, data.GENERIC_RESULT)
    if isinstance(result, dict):
        return result.get(ctx["action"]) or result.get(ctx.get("outcome", ""), data.GENERIC_RESULT)
    return result


def _event_note(note: str, result: str = "", forwarded_to: str = "") -> str:
    """The history line as intakes.change_status writes it."""
    return "；".join(x for x in (note, result and f"结果：{result}", forwarded_to and f"转往：{forwarded_to}") if x)


def _write_intakes(rng: random.Random, count: int, people: _People, staff: _Staff, as_of: dt.datetime) -> int:
    """Intakes day by day, numbered per day as next_serial numbers them, each with its history."""
    if count == 0:
        return 0
    services = _services()
    if not services:
        raise DomainError("服务清单中没有启用的业务，无法生成受理演示数据。请先在设置中启用业务。")
    chooser = _Weighted(services, [SERVICE_WEIGHT.get(s.row.code, STATION_SERVICE_WEIGHT) for s in services])
    others = [s for s in services if s.row.code != catalog.PENSION] or services
    rows = _Bulk(m.Intake, ["id", "serial", "resident", "service", "action", "details", "documents", "status",
                            "received_at", "due_date", "completed_at", "result", "forwarded_to", "staff", "grid",
                            "workers", "amount_owed_fen", "amount_recovered_fen", "cert_year", "updated_at"])
    events = _Bulk(m.IntakeEvent, ["intake", "at", "staff", "from_status", "to_status", "note"], parent=rows)
    existing = {c.scope: c.last for c in m.SerialCounter.select()}
    counters: dict[str, int] = {}
    certified: set[tuple[int, int]] = set()
    first_of_each = list(reversed(services))  # every active service appears at least once
    intake_id = _next_id(m.Intake)
    for _day, moments in _per_day(rng, count, as_of, INTAKE_WEEKDAY_WEIGHT):
        scope = workflow.serial_scope(moments[0])
        last = existing.get(scope, 0)
        for received in moments:
            service = first_of_each.pop() if first_of_each else chooser.pick(rng)
            person = rng.choice(people.pool(service.row.code))
            if service.row.code == catalog.PENSION:
                for _attempt in range(8):
                    if (person.id, received.year) not in certified:
                        break
                    person = rng.choice(people.pool(service.row.code))
                else:  # everyone picked has certified this year: someone comes for something else
                    service = rng.choice(others)
                    person = rng.choice(people.pool(service.row.code))
                certified.add((person.id, received.year))
            last += 1
            _add_intake(rng, rows, events, intake_id, workflow.format_serial(scope, last), service, person, received, staff, as_of)
            intake_id += 1
        counters[scope] = last
    events.flush()
    _save_counters(counters, existing)
    return rows.count


def _add_intake(rng: random.Random, rows: _Bulk, events: _Bulk, intake_id: int, serial: str, service: _Service,
                person: _Person, received: dt.datetime, staff: _Staff, as_of: dt.datetime) -> None:
    """One intake and its history: received, maybe in progress, then completed, returned or forwarded.

    Older intakes are nearly all closed; a few stay open past their due date (overdue), and the
    recent ones whose planned completion lies after ``as_of`` are still open.
    """
    action = _weighted_choice(rng, service.actions, ACTION_WEIGHT) if service.actions else ""
    ctx: dict[str, Any] = {"received": received, "person": person, "action": action,
                           "outcome": _weighted_choice(rng, tuple(OUTCOME_WEIGHT), OUTCOME_WEIGHT)}
    details = _details(rng, service, "intake", ctx)
    promised = service.row.promised_days
    draw = rng.random()
    final = (workflow.COMPLETED if draw < 0.86 else workflow.RETURNED if draw < 0.93
             else workflow.FORWARDED if draw < 0.97 else "")
    final_at = None
    if final:
        if rng.random() < 0.08:
            days = promised + rng.randint(1, 12)
        elif promised <= 1:
            days = 0 if rng.random() < 0.85 else promised
        else:
            days = rng.randint(0, promised)
        final_at = _later(rng, received, days)
        if final_at > as_of:
            final, final_at = "", None
    progress_at = None
    if final_at is None:
        candidate = received + dt.timedelta(minutes=rng.randint(30, 3 * 24 * 60))
        if rng.random() < 0.6 and candidate <= as_of:
            progress_at = candidate
    elif final_at - received > dt.timedelta(hours=1) and rng.random() < 0.6:
        progress_at = (received + (final_at - received) * rng.uniform(0.1, 0.6)).replace(microsecond=0)
    clerk = staff.pick(rng)
    later_clerk = clerk if rng.random() < 0.7 else staff.pick(rng)
    history = [(_stamp(received), clerk, "", workflow.RECEIVED, "新建受理")]
    status = workflow.RECEIVED
    if progress_at is not None:
        history.append((_stamp(progress_at), later_clerk, workflow.RECEIVED, workflow.IN_PROGRESS,
                        rng.choice(data.PROGRESS_NOTES)))
        status = workflow.IN_PROGRESS
    result = forwarded_to = ""
    if final:
        if final == workflow.COMPLETED:
            details.update(_details(rng, service, "complete", ctx))
            result = _result_text(service, ctx)
            note = _event_note("", result)
        elif final == workflow.RETURNED:
            result = rng.choice(data.RETURN_REASONS)
            note = _event_note(result)
        else:
            forwarded_to = rng.choice(data.FORWARD_TARGETS)
            note = _event_note(rng.choice(data.FORWARD_NOTES), "", forwarded_to)
        history.append((_stamp(final_at), later_clerk, status, final, note))
        status = final
    stats = {column: details[key] for column, key in service.stat_keys.items() if key in details}
    documents = rng.choice(data.DOCUMENTS.get(service.row.code, ("身份证复印件",)))
    last_change = final_at or progress_at or received
    rows.add(intake_id, serial, person.id, service.row.id, action, json.dumps(details, ensure_ascii=False),
             documents, status, _stamp(received),
             workflow.due_date_for(received.date(), promised).isoformat(),
             _stamp(final_at) if final_at else None, result, forwarded_to, clerk, person.grid_id,
             stats.get("workers", 0), stats.get("amount_owed_fen", 0), stats.get("amount_recovered_fen", 0),
             stats.get("cert_year"), _stamp(last_change))
    for event in history:
        events.add(intake_id, *event)


def _save_counters(counters: dict[str, int], existing: dict[str, int]) -> None:
    """Leave every counter at its last number so the next real intake or loan continues the sequence."""
    new = _Bulk(m.SerialCounter, ["scope", "last"])
    for scope, last in counters.items():
        if scope in existing:
            m.SerialCounter.update(last=last).where(m.SerialCounter.scope == scope).execute()
        else:
            new.add(scope, last)
    new.flush()


# ---------------------------------------------------------------- tool box

@dataclass
class _Kind:
    id: int
    name: str
    loan_days: int
    deposit_fen: int
    parts: list[str]
    units: list[_Unit] = field(default_factory=list)


@dataclass
class _Unit:
    id: int
    code: str
    kind: _Kind
    purchased: dt.date
    created: str
    state: str = tool_units.AVAILABLE
    free_at: dt.datetime = dt.datetime.min
    notes: str = ""


class _ToolBox:
    """The units and their free times while loans are replayed in date order.

    A unit is lent only when free (back, repaired), so a unit out today has exactly one open
    LoanItem and a lost one never goes out again; when every unit of a kind is out, the station
    buys another, so busy kinds grow their fleet as a real station would.
    """

    def __init__(self, rng: random.Random, staff: _Staff, as_of: dt.datetime) -> None:
        self.rng, self.staff, self.as_of = rng, staff, as_of
        self.kinds: list[_Kind] = []
        self.unit_events: list[tuple] = []
        self.next_unit_id = _next_id(m.ToolUnit)
        self.asset_last = int(m.SerialCounter.select(m.SerialCounter.last)
                              .where(m.SerialCounter.scope == tool_units.ASSET_SCOPE).scalar() or 0)

    def buy(self, kind: _Kind, day: dt.date) -> _Unit:
        self.asset_last += 1
        created = _office_time(self.rng, day)
        unit = _Unit(self.next_unit_id, tool_units.asset_code(self.asset_last), kind, day, _stamp(created), free_at=created)
        self.next_unit_id += 1
        kind.units.append(unit)
        self.unit_events.append((unit.id, unit.created, self.staff.head, "", tool_units.AVAILABLE, "入库"))
        return unit

    def free_unit(self, kind: _Kind, at: dt.datetime) -> _Unit:
        for unit in kind.units:
            if unit.free_at <= at:
                return unit
        return self.buy(kind, at.date() - dt.timedelta(days=self.rng.randint(1, 10)))

    def move(self, unit: _Unit, at: dt.datetime, staff_id: int, to_state: str, note: str) -> None:
        self.unit_events.append((unit.id, _stamp(at), staff_id, unit.state, to_state, note))
        unit.state = to_state


def _write_tool_box(rng: random.Random, count: int, people: _People, staff: _Staff, as_of: dt.datetime) -> int:
    """The tool kinds, their units, and ``count`` loans replayed in date order."""
    box = _ToolBox(rng, staff, as_of)
    kind_rows = _Bulk(m.ToolKind, ["id", "name", "category", "loan_days", "deposit_fen", "safety_note", "parts",
                                   "photo", "active"])
    kind_id = _next_id(m.ToolKind)
    weights = []
    stocked = as_of.date() - dt.timedelta(days=HISTORY_DAYS + 60)
    for name, category, loan_days, deposit, weight, parts, note in data.TOOL_KINDS:
        kind = _Kind(kind_id, name, loan_days, deposit * 100, list(parts))
        kind_rows.add(kind_id, name, category, loan_days, deposit * 100, note, json.dumps(parts, ensure_ascii=False),
                      "", True)
        for _ in range(3 + (weight >= 5) + (weight >= 9)):
            box.buy(kind, stocked + dt.timedelta(days=rng.randrange(30)))
        box.kinds.append(kind)
        weights.append(weight)
        kind_id += 1
    kind_rows.flush()
    popular = _Weighted(box.kinds, weights)
    loans, items, calls = [], [], []
    counters: dict[str, int] = {}
    existing = {c.scope: c.last for c in m.SerialCounter.select()}
    busy_until: dict[int, dt.datetime] = {}
    due_cache: dict[tuple[dt.date, int], dt.date] = {}
    loan_id = _next_id(m.Loan)
    # The latest loans are still out (and, where the history is sparse, overdue), so the counter
    # always has returns to take and the overdue list is never empty.
    keep_out = min(count, max(3, count // 200))
    index = 0

    def due_after(day: dt.date, days: int) -> dt.date:
        """tool_units.default_due_date, asked once per day and period (it reads the opening-day settings)."""
        if (day, days) not in due_cache:
            due_cache[(day, days)] = tool_units.default_due_date(day, days)
        return due_cache[(day, days)]

    for day, moments in _per_day(rng, count, as_of, LOAN_WEEKDAY_WEIGHT):
        scope = tool_units.slip_scope(day)
        last = existing.get(scope, 0)
        for lent_at in moments:
            index += 1
            borrower = _free_borrower(rng, people, busy_until, lent_at)
            if borrower is None:
                continue
            kinds: list[_Kind] = []
            for _ in range(rng.choices((1, 2, 3), weights=(82, 14, 4))[0]):
                kind = popular.pick(rng)
                if kind not in kinds:
                    kinds.append(kind)
            last += 1
            slip = tool_units.slip_number(day, last)
            clerk = staff.pick(rng)
            loan_days = min(k.loan_days for k in kinds)
            due = due_after(day, loan_days)
            renewals = rng.choices((0, 1, 2), weights=(92, 6, 2))[0]
            for _ in range(renewals):
                due = due_after(due, loan_days)
            returned_at = None if index > count - keep_out else _return_time(rng, lent_at, due, as_of)
            units = [box.free_unit(kind, lent_at) for kind in kinds]
            deposit = sum(k.deposit_fen for k in kinds)
            refunded = 0
            return_clerk = staff.pick(rng)
            for unit in units:
                box.move(unit, lent_at, clerk, tool_units.ON_LOAN, f"借出，借用单 {slip}")
                parts = json.dumps(unit.kind.parts, ensure_ascii=False)
                if returned_at is None:
                    unit.free_at = FOREVER
                    items.append((loan_id, unit.id, parts, None, "", "", "[]", None))
                    continue
                condition, back, notes = _return_condition(rng, unit.kind)
                _after_return(box, unit, returned_at, return_clerk, condition, back, notes, slip)
                if condition == tool_units.GOOD:
                    refunded += unit.kind.deposit_fen
                items.append((loan_id, unit.id, parts, _stamp(returned_at), condition, notes,
                              json.dumps(back, ensure_ascii=False), return_clerk))
            busy_until[borrower.id] = returned_at or FOREVER
            calls.extend(_reminders(rng, loan_id, due, returned_at, as_of, staff))
            later = rng.random() < 0.01
            loans.append((loan_id, slip, borrower.id, clerk, _stamp(lent_at), due.isoformat(), deposit, refunded,
                          renewals, "", data.ENTERED_LATER_NOTE if later else "", later))
            loan_id += 1
        counters[scope] = last
    counters[tool_units.ASSET_SCOPE] = box.asset_last
    _write_units(box)
    loan_rows = _Bulk(m.Loan, ["id", "slip_no", "resident", "staff", "lent_at", "due_date", "deposit_fen",
                               "deposit_refunded_fen", "renewals", "override_reason", "notes", "entered_later"])
    item_rows = _Bulk(m.LoanItem, ["loan", "unit", "parts_out", "returned_at", "return_condition", "return_notes",
                                   "parts_back", "return_staff"], parent=loan_rows)
    call_rows = _Bulk(m.ReminderCall, ["loan", "at", "staff", "outcome"], parent=loan_rows)
    for row in loans:
        loan_rows.add(*row)
    for row in items:
        item_rows.add(*row)
    for row in calls:
        call_rows.add(*row)
    item_rows.flush()
    call_rows.flush()
    _save_counters(counters, existing)
    return loan_rows.count


def _free_borrower(rng: random.Random, people: _People, busy_until: dict[int, dt.datetime],
                   at: dt.datetime) -> _Person | None:
    """A regular borrower with nothing out (so never over the limit, never overdue), else anyone free."""
    for pool, tries in ((people.borrowers, 6), (people.adults or people.all, 20)):
        for _ in range(tries if pool else 0):
            person = rng.choice(pool)
            if busy_until.get(person.id, dt.datetime.min) <= at:
                return person
    return None


def _return_time(rng: random.Random, lent_at: dt.datetime, due: dt.date, as_of: dt.datetime) -> dt.datetime | None:
    """Mostly back by the due date, some late, a few very late or never; None while still out at ``as_of``."""
    draw = rng.random()
    lent_day = lent_at.date()
    if draw < 0.78:
        day = lent_day + dt.timedelta(days=rng.randint(0, max(0, (due - lent_day).days)))
    elif draw < 0.965:
        day = due + dt.timedelta(days=rng.randint(1, 10))
    elif draw < 0.997:
        day = due + dt.timedelta(days=rng.randint(11, 45))
    else:
        return None
    back = _later(rng, lent_at, (day - lent_day).days)
    return back if back <= as_of else None


def _return_condition(rng: random.Random, kind: _Kind) -> tuple[str, list[str], str]:
    """(condition, parts back, notes) as the return screen records them."""
    condition = rng.choices(tool_units.CONDITIONS, weights=(940, 30, 27, 3))[0]
    if condition == tool_units.MISSING_PARTS and not kind.parts:
        condition = tool_units.GOOD
    if condition == tool_units.GOOD:
        return condition, list(kind.parts), ""
    if condition == tool_units.DAMAGED:
        return condition, list(kind.parts), rng.choice(data.DAMAGE_NOTES)
    if condition == tool_units.MISSING_PARTS:
        missing = rng.choice(kind.parts)
        return condition, [p for p in kind.parts if p != missing], ""
    return condition, [], data.LOST_NOTE


def _after_return(box: _ToolBox, unit: _Unit, at: dt.datetime, staff_id: int, condition: str,
                  back: list[str], notes: str, slip: str) -> None:
    """The unit's state after return (tool_units.STATE_AFTER_RETURN); a repair is finished if it is due by as_of."""
    new_state = tool_units.STATE_AFTER_RETURN[condition]
    box.move(unit, at, staff_id, new_state, "；".join(x for x in (f"归还（{condition}），借用单 {slip}", notes) if x))
    if condition != tool_units.GOOD:
        missing = [p for p in unit.kind.parts if p not in back] if condition == tool_units.MISSING_PARTS else []
        unit.notes = "；".join(x for x in (condition, "缺少" + "、".join(missing) if missing else "", notes) if x)
    unit.free_at = at
    if new_state == tool_units.LOST:
        unit.free_at = FOREVER
    elif new_state == tool_units.REPAIR:
        repaired = _office_time(box.rng, at.date() + dt.timedelta(days=box.rng.randint(3, 30)))
        if repaired <= box.as_of:
            box.move(unit, repaired, box.staff.head, tool_units.AVAILABLE, "维修完成")
            unit.free_at = repaired
        else:
            unit.free_at = FOREVER


def _reminders(rng: random.Random, loan_id: int, due: dt.date, returned_at: dt.datetime | None,
               as_of: dt.datetime, staff: _Staff) -> list[tuple]:
    """Reminder calls (催还) a few days after the due date while the tools were still out."""
    until = min(returned_at or as_of, as_of)
    calls = []
    day = due + dt.timedelta(days=rng.randint(1, 3))
    while len(calls) < 3:
        at = _office_time(rng, day)
        if at >= until:
            break
        calls.append((loan_id, _stamp(at), staff.pick(rng), rng.choice(data.REMINDER_OUTCOMES)))
        day += dt.timedelta(days=7)
    return calls


def _write_units(box: _ToolBox) -> None:
    units = _Bulk(m.ToolUnit, ["id", "asset_code", "kind", "state", "purchase_date", "condition_notes", "created_at"])
    events = _Bulk(m.UnitEvent, ["unit", "at", "staff", "from_state", "to_state", "note"], parent=units)
    for kind in box.kinds:
        for unit in kind.units:
            units.add(unit.id, unit.code, kind.id, unit.state, unit.purchased.isoformat(), unit.notes, unit.created)
    units.flush()
    for row in sorted(box.unit_events, key=lambda r: (r[1], r[0])):
        events.add(*row)
    events.flush()
