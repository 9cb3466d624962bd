"""Demo data: every row passes the app's own rules, the same seed gives the same rows, and real work
continues on top of it (serials, slip numbers and asset codes do not collide)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import sqlite3
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from stdnum.cn import ric

from gridstation.cli import main
from gridstation.core.grids import keepers, people
from gridstation.core.grids import rules as grid_rules
from gridstation.core.intake import intakes
from gridstation.core.rules import address_keys, clock, idcard
from gridstation.core.rules.errors import DomainError
from gridstation.core.rules.pinyin_keys import name_keys
from gridstation.core.station import catalog, roles, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, loan_lists, tool_units
from gridstation.demo import demo, demo_data, demo_grids
from tests.helpers import make_id

# Tests that take ``site_db`` (not ``db_path``) also run on PostgreSQL when a test server is set.
pytestmark = pytest.mark.both_backends

SIZE = {"residents": 300, "intakes": 800, "loans": 150}
SEED = 7
# One fixed end of history for every database in this module, so determinism is not at the
# mercy of the clock ticking between two generations.
AS_OF = (clock.now() - dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
COMPARED_TABLES = ["grid", "building", "person", "person_role", "resident", "resident_key", "service_type", "intake",
                   "intake_event", "serial_counter", "tool_kind", "tool_unit", "unit_event", "loan", "loan_item",
                   "reminder_call"]


def build(path: Path, seed: int = SEED) -> dict[str, int]:
    station.open_site(str(path))
    station.init_station("测试服务站", "admin", "secret123")
    try:
        return demo.generate(**SIZE, seed=seed, as_of=AS_OF)
    finally:
        dbmod.close_database()


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory) -> tuple[Path, dict[str, int]]:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    return path, build(path)


@pytest.fixture
def demo_db(demo_file):
    """The module's demo database, opened read-mostly; tests that write use ``demo_copy``."""
    station.open_site(str(demo_file[0]), create=False)
    yield demo_file[1]
    dbmod.close_database()


@pytest.fixture
def demo_copy(demo_file, tmp_path):
    path = tmp_path / "copy.db"
    shutil.copy(demo_file[0], path)
    station.open_site(str(path), create=False)
    yield path
    dbmod.close_database()


def dump(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as conn:
        return {t: conn.execute(f'SELECT * FROM "{t}" ORDER BY rowid').fetchall() for t in COMPARED_TABLES}


def test_region_codes_are_accepted_by_stdnum_for_every_birth_year_they_are_used_for():
    for code, since, _weight in demo_data.REGIONS:
        for year in range(max(since, demo_data.BIRTH_FIRST), demo_data.BIRTH_LAST + 1):
            number = make_id(code, f"{year}0101", "123")
            assert ric.get_birth_place(number), (code, year)
            assert idcard.check_id(number).region_warning == "", (code, year)
    for year in range(demo_data.BIRTH_FIRST, demo_data.BIRTH_LAST + 1):
        assert demo.REGIONS_BY_YEAR[year].items, year


def test_counts_are_what_was_asked(demo_db):
    assert demo_db == SIZE
    assert m.Resident.select().count() == SIZE["residents"]
    assert m.Intake.select().count() == SIZE["intakes"]
    assert m.Loan.select().count() == SIZE["loans"]


def test_every_resident_passes_the_resident_rules(demo_db):
    keys = defaultdict(set)
    for row in m.ResidentKey.select():
        keys[row.resident_id].add(row.key)
    phones = Counter()
    for r in m.Resident.select():
        info = idcard.check_id(r.doc_number)
        assert info.region_warning == "", r.doc_number
        assert (info.gender, info.birth_date) == (r.gender, r.birth_date)
        assert demo_data.BIRTH_FIRST <= r.birth_date.year <= demo_data.BIRTH_LAST
        assert r.doc_rev == r.doc_number[::-1] and r.phone_rev == r.phone[::-1]
        assert idcard.check_phone(r.phone) == r.phone
        assert 1 <= len(r.name) <= 4 and r.compound and r.building and r.unit and r.room and r.grid_id
        assert keys[r.id] == set(name_keys(r.name))
        if r.is_pensioner:
            assert idcard.age_on(r.birth_date, AS_OF.date()) >= 50
        phones[r.phone] += bool(r.phone)
    assert max(phones.values()) == 1
    assert m.Grid.select().count() == 1 + len(demo_grids.GRID_NAMES) + sum(demo_grids.MICRO_PER_GRID)
    assert m.Resident.select().where(m.Resident.is_pensioner).count() > 20


def test_grids_are_seed_001s_tree_with_buildings_and_people(demo_db):
    """「将辖区划分为6个四级网格、9个五级网格」 under the community, 「网格长+联络员+网格员」 in each 四级 grid."""
    grids = list(m.Grid.select())
    roots = [g for g in grids if g.parent_id is None]
    assert len(roots) == 1 and all(g.code for g in grids)
    fourth = [g for g in grids if g.parent_id == roots[0].id]
    assert len(fourth) == 6 and {g.level for g in fourth} == {"四级"}
    fifth = [g for g in grids if g.parent_id in {f.id for f in fourth}]
    assert len(fifth) == 9 and {g.level for g in fifth} == {"五级"} and len(grids) == 16
    grid_of_key = {b.key: b.grid_id for b in m.Building.select()}
    placed = 0
    for r in m.Resident.select():
        assert r.address_key == address_keys.address_key(r.compound, r.building)
        assert r.unit_key == address_keys.unit_key(r.unit)
        if r.address_key in grid_of_key:
            assert r.grid_id == grid_of_key[r.address_key], r.address_key
            placed += 1
    assert placed == m.Resident.select().count()
    for grid in fourth:
        held = {role.role for _person, role in people.people_of(grid)}
        assert {grid_rules.GRID_HEAD, grid_rules.FULL_TIME, grid_rules.LIAISON} <= held, grid.name
    for grid in fifth:  # 「微网格长由楼院长担任」 (seed 002); its 网格员 are the 四级 grid's
        heads = [(p, r.role) for p, r in people.people_of(grid) if r.role == grid_rules.MICRO_HEAD]
        held = {r.role for r in people.current_roles().where(m.PersonRole.person == heads[0][0].id)} if heads else set()
        assert len(heads) == 1 and grid_rules.BUILDING_HEAD in held, grid.name
        assert keepers.keepers_of(grid)[0].role == grid_rules.FULL_TIME
    workers = {r.person_id for r in people.current_roles().where(m.PersonRole.role == grid_rules.FULL_TIME)}
    assert {e.person_id for e in m.DiaryEntry.select()} == workers  # a few weeks of 民情日志 each
    assert m.DiaryEntry.select().where(m.DiaryEntry.resident.is_null(False)).exists()
    assert m.Building.select().where(m.Building.property_company != "").exists()
    clerks = {s.id for s in m.Staff.select().where(m.Staff.role == roles.CLERK)}
    assert {p.staff_id for p in m.Person.select().where(m.Person.staff.is_null(False))} == clerks
    assert m.Person.select().where(m.Person.phone_public & m.Person.phone_public_on.is_null(False)).exists()


def test_the_demo_events_places_are_buildings_of_their_grids(demo_db):
    """So 登记事件's suggestion works on the demo's own events, as a head trying it would expect."""
    from gridstation.core.grids.choices import grid_for_place

    above = dict(m.Grid.select(m.Grid.id, m.Grid.parent).tuples())

    def line(grid_id):  # the grid and every grid above it
        while grid_id is not None:
            yield grid_id
            grid_id = above.get(grid_id)

    sample = list(m.GridEvent.select().where(m.GridEvent.grid.is_null(False)).order_by(m.GridEvent.id).limit(40))
    placed = [grid_for_place(e.place) for e in sample]
    assert sample and all(g is not None and e.grid_id in line(g.id) for e, g in zip(sample, placed, strict=True))


def test_polyphonic_surnames_are_found_by_every_reading(demo_db):
    from gridstation.core.intake.residents import search

    readings = {"曾": "zc", "单": "sd", "解": "xj", "仇": "qc"}
    found = [r for r in m.Resident.select() if r.name[0] in readings]
    assert found, "the demo population should include polyphonic surnames"
    for resident in found:
        rest = "".join(k for k in name_keys(resident.name) if len(k) == len(resident.name))[1:len(resident.name)]
        for initial in readings[resident.name[0]]:
            assert resident in search(initial + rest), (resident.name, initial + rest)


def test_every_intake_is_valid_for_its_service_and_history(demo_db):
    services = {s.id: s for s in catalog.all_services()}
    resident_ids = {r.id for r in m.Resident.select(m.Resident.id)}
    history = defaultdict(list)
    for event in m.IntakeEvent.select().order_by(m.IntakeEvent.at, m.IntakeEvent.id):
        history[event.intake_id].append(event)
    certified = Counter()
    noticed = {c.intake_id for c in m.IntakeMaterials.select().where(m.IntakeMaterials.mode == "告知")}
    for intake in m.Intake.select():
        service = services[intake.service_id]
        assert intake.resident_id in resident_ids
        assert intake.received_at <= AS_OF
        assert intake.due_date == intakes.due_date_for(intake.received_at.date(), service.promised_days)
        details = json.loads(intake.details)
        for stage in ("intake", "complete"):
            fields = {f.key: f for f in catalog.fields_of(service) if f.stage == stage}
            stored = {k: v for k, v in details.items() if k in fields}
            # What a clerk would type: money in yuan (stored in fen).
            typed = {k: Decimal(v) / 100 if fields[k].type == "money" else v for k, v in stored.items()}
            if stage == "intake" or intake.status == intakes.COMPLETED:
                assert catalog.check_details(service, typed, stage) == stored, intake.serial
        assert set(details) <= {f.key for f in catalog.fields_of(service)}
        stats = catalog.stat_columns(service, details)
        assert intake.workers == stats.get("workers", 0)
        assert intake.amount_owed_fen == stats.get("amount_owed_fen", 0)
        assert intake.amount_recovered_fen == stats.get("amount_recovered_fen", 0)
        assert intake.cert_year == stats.get("cert_year")
        if service.actions != "[]":
            assert intake.action in catalog.actions_of(service)
        events = history[intake.id]
        # A request given a one-time notice starts as 待补正 (core/evaluation/demo_data.py).
        first = intakes.PENDING_DOCS if intake.id in noticed else intakes.RECEIVED
        assert (events[0].from_status, events[0].to_status, events[0].at) == ("", first, intake.received_at)
        for before, after in zip(events, events[1:], strict=False):
            assert after.from_status == before.to_status
            assert after.to_status in intakes.TRANSITIONS[before.to_status]
        assert events[-1].to_status == intake.status
        closed = intake.status not in (*intakes.OPEN_STATUSES, intakes.PENDING_DOCS)
        assert (intake.completed_at is not None) == closed
        assert intake.updated_at == events[-1].at
        if closed:
            assert intake.completed_at == events[-1].at
        if intake.status == intakes.COMPLETED:
            assert intake.result
        if intake.status == intakes.RETURNED:
            assert intake.result == events[-1].note
        if intake.status == intakes.FORWARDED:
            assert intake.forwarded_to and intake.forwarded_to in events[-1].note
        if service.code == catalog.PENSION and intake.status == intakes.COMPLETED:
            certified[(intake.resident_id, intake.cert_year)] += 1
    assert not certified or max(certified.values()) == 1


def test_statuses_services_and_overdue_are_all_represented(demo_db):
    statuses = {row.status for row in m.Intake.select(m.Intake.status).distinct()}
    assert statuses == set(intakes.STATUSES)
    used = {row.service_id for row in m.Intake.select(m.Intake.service).distinct()}
    assert used == {s.id for s in catalog.active_services()}
    assert m.Intake.select().where(intakes.overdue_condition(AS_OF.date())).count() > 0
    oldest = m.Intake.select(m.Intake.received_at).order_by(m.Intake.received_at).first().received_at
    assert (AS_OF - oldest).days > 600


def test_serials_follow_the_format_and_counters_match(demo_db):
    per_scope = Counter()
    for intake in m.Intake.select(m.Intake.serial, m.Intake.received_at).order_by(m.Intake.id):
        scope = intakes.serial_scope(intake.received_at)
        assert intake.serial.startswith(scope) and len(intake.serial) == len(scope) + 4
        per_scope[scope] += 1
        assert int(intake.serial[-4:]) == per_scope[scope]
    counters = {c.scope: c.last for c in m.SerialCounter.select()}
    assert all(counters[scope] == n for scope, n in per_scope.items())


def test_tool_box_units_are_consistent_with_open_loans(demo_db):
    assert m.ToolKind.select().count() >= 30
    open_items = Counter(i.unit_id for i in m.LoanItem.select().where(m.LoanItem.returned_at.is_null()))
    last_event = {}
    for event in m.UnitEvent.select().order_by(m.UnitEvent.at, m.UnitEvent.id):
        last_event[event.unit_id] = event
    for unit in m.ToolUnit.select():
        assert tool_units.is_station_code(unit.asset_code)
        assert open_items[unit.id] == (1 if unit.state == tool_units.ON_LOAN else 0), unit.asset_code
        assert last_event[unit.id].to_state == unit.state
    for kind in m.ToolKind.select():
        assert kind.units.count() >= 3
        assert isinstance(json.loads(kind.parts), list)
    states = {u.state for u in m.ToolUnit.select(m.ToolUnit.state).distinct()}
    assert tool_units.ON_LOAN in states and tool_units.AVAILABLE in states


def test_loans_are_consistent(demo_db):
    slips = Counter()
    for loan in m.Loan.select():
        slips[loan.slip_no] += 1
        assert loan.slip_no == tool_units.slip_number(loan.lent_at.date(), int(loan.slip_no[-4:]))
        assert loan.due_date >= loan.lent_at.date() and loan.lent_at <= AS_OF
        items = list(loan.items)
        assert 1 <= len(items) <= 3
        assert loan.deposit_fen == sum(i.unit.kind.deposit_fen for i in items)
        returned = [i for i in items if i.returned_at is not None]
        assert len(returned) in (0, len(items))
        good = sum(i.unit.kind.deposit_fen for i in returned if i.return_condition == tool_units.GOOD)
        assert loan.deposit_refunded_fen == good
        for item in returned:
            assert loan.lent_at <= item.returned_at <= AS_OF
            assert item.return_condition in tool_units.CONDITIONS
    assert max(slips.values()) == 1
    assert loan_lists.count_overdue(today=AS_OF.date()) > 0


def test_same_seed_gives_the_same_rows(demo_file, tmp_path):
    again = tmp_path / "again.db"
    assert build(again) == demo_file[1]
    first, second = dump(demo_file[0]), dump(again)
    for table in COMPARED_TABLES:
        assert first[table] == second[table], table
    other = tmp_path / "other.db"
    build(other, seed=SEED + 1)
    assert dump(other)["resident"] != first["resident"]


def test_real_work_after_demo_gets_fresh_numbers(demo_copy):
    admin = m.Staff.get(m.Staff.username == "admin")
    busiest = (m.SerialCounter.select().where(m.SerialCounter.scope.startswith("SL"))
               .order_by(m.SerialCounter.last.desc()).first())
    day = dt.datetime.strptime(busiest.scope[2:], "%Y%m%d")
    received = min(day.replace(hour=17, minute=50), clock.now())
    intake = intakes.create_intake(admin, intakes.IntakeInput(
        resident_id=1, service=catalog.UNEMPLOYMENT, action="年检", details={"docs_checked": True},
        received_at=received))
    assert intake.serial == f"{busiest.scope}{busiest.last + 1:04d}"
    today = intakes.create_intake(admin, intakes.IntakeInput(
        resident_id=1, service=catalog.UNEMPLOYMENT, details={"docs_checked": True}))
    assert m.Intake.select().where(m.Intake.serial.in_([intake.serial, today.serial])).count() == 2

    free = m.ToolUnit.select().where(m.ToolUnit.state == tool_units.AVAILABLE).first()
    idle = (m.Resident.select().where(m.Resident.id.not_in(m.Loan.select(m.Loan.resident)))
            .order_by(m.Resident.id).first())
    lent_day = Counter(loan.lent_at.date() for loan in m.Loan.select(m.Loan.lent_at)).most_common(1)[0][0]
    last = m.SerialCounter.get(m.SerialCounter.scope == tool_units.slip_scope(lent_day)).last
    lent_at = min(dt.datetime.combine(lent_day, dt.time(17)), clock.now())
    loan = lending.lend(admin, idle.id, [free.asset_code], lent_at=lent_at)
    assert loan.slip_no == tool_units.slip_number(lent_day, last + 1)
    units = m.ToolUnit.select().count()
    added = tool_units.add_units(admin, free.kind_id, 2)
    assert [u.asset_code for u in added] == [tool_units.asset_code(units + 1), tool_units.asset_code(units + 2)]


def test_demo_then_real_work_on_either_backend(site_db, admin):
    """Explicit ids and bulk rows must leave PostgreSQL's id sequences and the counters ready for real saves."""
    counts = demo.generate(residents=60, intakes=150, loans=30, seed=5, as_of=AS_OF)
    assert counts == {"residents": 60, "intakes": 150, "loans": 30}
    assert m.Intake.select().count() == 150 and m.IntakeEvent.select().count() >= 150
    intake = intakes.create_intake(admin, intakes.IntakeInput(
        resident_id=1, service=catalog.PENSION, details={"cert_year": 2020, "way": "窗口"}))
    assert intake.id == 151
    free = m.ToolUnit.select().where(m.ToolUnit.state == tool_units.AVAILABLE).order_by(m.ToolUnit.id).first()
    idle = (m.Resident.select().where(m.Resident.id.not_in(m.Loan.select(m.Loan.resident)))
            .order_by(m.Resident.id).first())
    loan = lending.lend(admin, idle.id, [free.asset_code])
    assert loan.id == 31
    units = m.ToolUnit.select().count()
    assert tool_units.add_units(admin, free.kind_id, 1)[0].id == units + 1
    resident = m.Resident.create(name="新居民", doc_number=make_id(seq="999"), doc_rev="x")
    assert resident.id == 61


def test_demo_accounts_sign_in_with_the_documented_password(demo_db):
    from gridstation.core.station import accounts

    for username, _name, role in demo_data.STAFF:
        staff = accounts.sign_in(username, demo.DEMO_PASSWORD)
        assert staff.role == role
    assert accounts.sign_in("admin", "secret123").role == roles.ADMIN  # init's admin is kept


def test_a_second_run_is_refused_and_writes_nothing(demo_copy):
    from tests.helpers import snapshot

    before = snapshot()
    with pytest.raises(DomainError, match="已有演示数据"):
        demo.generate(residents=10, intakes=10, loans=1, seed=1)
    assert snapshot() == before


def test_a_database_with_real_residents_is_refused(db_path, admin):
    from gridstation.core.intake.residents import ResidentInput, save_resident

    save_resident(admin, ResidentInput(name="张三", doc_number=make_id()))
    with pytest.raises(DomainError, match="已有居民数据"):
        demo.generate(residents=10, intakes=10, loans=1, seed=1)


@pytest.mark.parametrize("counts, words", [
    ({"residents": -1, "intakes": 0, "loans": 0}, "居民数量不能为负数"),
    ({"residents": 10, "intakes": 10, "loans": 10**7}, "借用数量最多"),
    ({"residents": 0, "intakes": 5, "loans": 0}, "没有居民"),
])
def test_bad_counts_are_refused(db_path, counts, words):
    with pytest.raises(DomainError, match=words):
        demo.generate(**counts, seed=1)


def test_an_empty_database_without_admin_gets_the_demo_admin(tmp_path):
    from gridstation.core.station import accounts

    station.open_site(str(tmp_path / "bare.db"))
    try:
        demo.generate(residents=20, intakes=30, loans=5, seed=3)
        assert accounts.sign_in("admin", demo.DEMO_PASSWORD).role == roles.ADMIN
        from gridstation.core.storage import settings

        assert settings.get("station_name") == demo_data.STATION_NAME
    finally:
        dbmod.close_database()


def test_cli_demo_refuses_a_negative_count_with_exit_2(tmp_path, capsys):
    db = tmp_path / "cli.db"
    assert main(["--db", str(db), "demo", "--residents", "-5"]) == 2
    err = capsys.readouterr().err
    assert "--residents 不能为负数" in err and len(err.strip().splitlines()) == 1
    assert not db.exists()


def test_cli_demo_fills_a_database_then_refuses_to_repeat(tmp_path, capsys):
    db = tmp_path / "cli.db"
    args = ["--db", str(db), "demo", "--residents", "40", "--intakes", "60", "--loans", "10", "--seed", "2"]
    try:
        assert main(args) == 0
        assert "演示数据已生成：居民 40，受理 60，借用 10" in capsys.readouterr().out
        assert main(args) == 2
        assert "已存在" in capsys.readouterr().err  # any existing file: demo data goes only into a new one
    finally:
        dbmod.close_database()


def test_cli_demo_refuses_a_real_station_and_changes_nothing(db_path, admin, capsys):
    """A station's own database (here only its admin, no residents yet) never gets the demo's accounts."""
    dbmod.close_database()
    before = db_path.read_bytes()
    assert main(["--db", str(db_path), "demo", "--residents", "10", "--intakes", "10", "--loans", "1"]) == 2
    err = capsys.readouterr().err
    assert "可能是服务站自己的数据" in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert db_path.read_bytes() == before
    station.open_site(str(db_path), create=False)
    assert m.Staff.select().count() == 1  # no demo account with the published password


def test_cli_demo_refuses_a_0_byte_file(tmp_path, capsys):
    empty = tmp_path / "station.db"
    empty.touch()
    assert main(["--db", str(empty), "demo", "--residents", "10", "--intakes", "10", "--loans", "1"]) == 2
    err = capsys.readouterr().err
    assert "空文件（0 字节）" in err and len(err.strip().splitlines()) == 1
    assert empty.stat().st_size == 0


def test_cli_demo_refuses_a_server_database_that_has_tables(pg_url, capsys):
    station.open_site(pg_url)
    station.init_station("真实服务站", "admin", "secret123")
    dbmod.close_database()
    assert main(["--db", pg_url, "demo", "--residents", "10", "--intakes", "10", "--loans", "1"]) == 2
    assert "已有数据表" in capsys.readouterr().err
    station.open_site(pg_url, create=False)
    try:
        assert m.Staff.select().count() == 1
    finally:
        dbmod.close_database()
