"""Several windows on one PostgreSQL server: schema, serials, lending races, lost connections.

Needs a server (GRIDSTATION_TEST_PG, see conftest.py); every test here is skipped without one.
The windows are separate processes, as at a real counter.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import psycopg2
import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules.errors import DatabaseProblem, DomainError
from gridstation.core.station import audit, schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.storage.db import write_transaction
from gridstation.core.toolbox import tool_units
from tests.conftest import PASSWORD, PG_SKIP_REASON, PG_URL, STATION, pg_admin_connection
from tests.helpers import make_id, snapshot
from tests.netcut import Cable

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)

ROOT = Path(__file__).resolve().parents[3]
SAVE_INTAKES = [sys.executable, "-m", "tests.workers.save_intakes"]
NEXT_NUMBERS = [sys.executable, "-m", "tests.workers.next_numbers"]


@pytest.fixture
def backend() -> str:
    return "postgresql"


@pytest.fixture
def resident_id(admin) -> int:
    return residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=make_id())).id


def run_windows(command: list[str], count: int) -> list[list[str]]:
    """Start ``count`` windows at once; each one's printed lines, after all succeeded."""
    procs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(count)]
    outputs = [p.communicate(timeout=600) for p in procs]
    for proc, (_out, err) in zip(procs, outputs, strict=False):
        assert proc.returncode == 0, err
    return [out.split() for out, _err in outputs]


def stored_serial_numbers() -> list[int]:
    return sorted(int(i.serial[-4:]) for i in m.Intake.select(m.Intake.serial))


def assert_gap_free(numbers: list[int]) -> None:
    assert len(numbers) == len(set(numbers)), "duplicate number"
    assert sorted(numbers) == list(range(1, len(numbers) + 1)), "gap in numbers"


def test_init_creates_the_schema_on_the_server_and_hides_the_password(pg_url, capsys, monkeypatch):
    monkeypatch.setenv("GRIDSTATION_ADMIN_PASSWORD", PASSWORD)
    url = pg_url.replace("gridstation@", "gridstation:not-needed@", 1)  # trust login ignores it
    assert main(["--db", url, "init", "--station", STATION]) == 0
    out = capsys.readouterr().out
    assert f"结构版本 {schema.LATEST}" in out and "已创建" in out and "not-needed" not in out
    assert set(dbmod.current().get_tables()) >= {model._meta.table_name for model in m.ALL_MODELS}
    assert main(["--db", url, "init", "--station", STATION]) == 0
    assert "已检查" in capsys.readouterr().out
    dbmod.close_database()


def test_version_1_database_on_the_server_is_upgraded_keeping_its_data(pg_url):
    dbmod.open_database(pg_url)
    dbmod.current().create_tables(schema.V1_MODELS)
    m.SchemaVersion.create(version=1)
    m.Resident.create(name="赵六", doc_number=make_id(seq="775"), doc_rev=make_id(seq="775")[::-1])
    dbmod.close_database()
    opened = station.open_site(pg_url)
    assert (opened.version_before, opened.version_after) == (1, schema.LATEST)
    assert "tool_unit" in dbmod.current().get_tables()
    zhao = m.Resident.get(m.Resident.name == "赵六")
    intake = intakes.create_intake(None, intakes.IntakeInput(zhao.id, "unemployment", details={"docs_checked": True}))
    assert intake.serial.startswith("SL")
    assert station.open_site(pg_url).version_before == schema.LATEST
    dbmod.close_database()


def test_database_that_compares_by_language_rules_is_refused():
    """Resident search needs byte order; a database that says C but compares with ICU is caught too."""
    name = f"t_icu_{uuid.uuid4().hex[:12]}"
    conn = pg_admin_connection()
    try:
        with conn.cursor() as cur:
            try:
                cur.execute(f"CREATE DATABASE {name} TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER icu "
                            "ICU_LOCALE 'en-US' LC_COLLATE 'C' LC_CTYPE 'C'")
            except psycopg2.Error as exc:
                pytest.skip(f"this server cannot create an ICU database: {exc}")
        url = PG_URL.split("?", 1)[0].rsplit("/", 1)[0] + "/" + name
        with pytest.raises(DatabaseProblem, match="createdb --template=template0"):
            station.open_site(url)
        with conn.cursor() as cur:
            cur.execute(f"DROP DATABASE {name}")
    finally:
        conn.close()


def test_counter_upsert_alone_keeps_numbers_unique_and_gap_free(site_db):
    """Four windows, 250 numbers each, in plain transactions without the station's write lock."""
    outputs = run_windows([*NEXT_NUMBERS, site_db, "250", "proof"], 4)
    numbers = [int(n) for out in outputs for n in out]
    assert len(numbers) == 1000
    assert_gap_free(numbers)
    # The windows really interleaved: no window drew one unbroken block.
    assert any(sorted(map(int, out)) != list(range(int(min(out, key=int)), int(min(out, key=int)) + 250))
               for out in outputs)


@pytest.mark.slow
def test_four_windows_saving_at_once_get_1000_distinct_gap_free_serials(site_db, resident_id):
    outputs = run_windows([*SAVE_INTAKES, site_db, "250", str(resident_id)], 4)
    reported = [s for out in outputs for s in out]
    assert len(reported) == 1000 and len(set(reported)) == 1000
    assert_gap_free(stored_serial_numbers())
    assert m.IntakeEvent.select().count() == 1000
    assert audit.verify_chain() is None  # the write lock kept the hash chain from forking


@pytest.mark.slow
def test_two_windows_racing_to_lend_the_same_unit_one_wins_each_time(site_db, admin):
    kind = tool_units.save_kind(admin, tool_units.KindInput("电钻", "电动工具", 7, "0"))
    codes = [u.asset_code for u in tool_units.add_units(admin, kind.id, 100)]
    people = [residents.save_resident(admin, residents.ResidentInput(f"居民{i}", make_id(seq=f"{i:03d}"))).id
              for i in range(100)]
    rounds = list(zip(codes, people, strict=False))
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    from tests.workers.lend_race import race

    windows = [ctx.Process(target=race, args=(site_db, name, rounds, barrier, results)) for name in ("一号窗口", "二号窗口")]
    for window in windows:
        window.start()
    outcomes = [results.get(timeout=300) for _ in range(200)]
    for window in windows:
        window.join(timeout=60)
        assert window.exitcode == 0
    winners = Counter(code for code, _name, outcome in outcomes if outcome == "won")
    assert winners == Counter(codes), "every unit lent exactly once"
    assert all("借出" in outcome for _code, _name, outcome in outcomes if outcome != "won")
    assert {name for _code, name, outcome in outcomes if outcome == "won"} == {"一号窗口", "二号窗口"}
    assert m.LoanItem.select().count() == 100
    assert m.ToolUnit.select().where(m.ToolUnit.state == tool_units.ON_LOAN).count() == 100


def test_connection_killed_mid_save_leaves_nothing(site_db, admin, resident_id, monkeypatch):
    """The server ends the session after the intake, its history and its serial are written."""
    real_record = audit.record
    admin_conn = pg_admin_connection()

    def killed_before_the_audit_entry(*args, **kwargs):
        pid = dbmod.current().connection().get_backend_pid()
        with admin_conn.cursor() as cur:
            cur.execute("SELECT pg_terminate_backend(%s)", (pid,))
        return real_record(*args, **kwargs)

    before = snapshot()
    monkeypatch.setattr(audit, "record", killed_before_the_audit_entry)
    with pytest.raises(DatabaseProblem, match="本次操作没有完成"):
        intakes.create_intake(admin, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
    monkeypatch.setattr(audit, "record", real_record)
    admin_conn.close()
    assert snapshot() == before  # the window reconnected by itself for this read
    intake = intakes.create_intake(admin, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
    assert intake.serial.endswith("0001")


@pytest.mark.slow
def test_windows_killed_at_random_moments_lose_nothing_committed(site_db, resident_id):
    dbmod.close_database()
    rng = random.Random(11)
    reported: set[str] = set()
    for _ in range(8):
        proc = subprocess.Popen([*SAVE_INTAKES, site_db, "100000", str(resident_id)], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(rng.uniform(1.0, 2.0))
        proc.send_signal(signal.SIGKILL)
        out, err = proc.communicate()
        assert proc.returncode == -signal.SIGKILL, err
        reported.update(out.split())
    dbmod.open_database(site_db)
    assert reported, "no window committed anything before being killed"
    assert reported <= {i.serial for i in m.Intake.select(m.Intake.serial)}
    assert_gap_free(stored_serial_numbers())
    assert audit.verify_chain() is None


def test_a_cut_cable_fails_the_save_whole_and_the_window_reconnects(site_db, admin, resident_id):
    cable = Cable(site_db)
    try:
        station.open_site(cable.url)
        staff = m.Staff.get(m.Staff.username == "admin")
        first = intakes.create_intake(staff, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
        cable.cut()
        with pytest.raises(DatabaseProblem, match="连接"):
            intakes.create_intake(staff, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
        cable.mend()
        second = intakes.create_intake(staff, intakes.IntakeInput(resident_id, "unemployment", details={"docs_checked": True}))
        assert [first.serial[-4:], second.serial[-4:]] == ["0001", "0002"]
        assert m.Intake.select().count() == 2
    finally:
        dbmod.close_database()
        cable.close()


def test_audit_entries_fit_their_columns(site_db, admin):
    """Several settings saved at once, a login name typed at length: the entry is clipped, the change is not lost."""
    from gridstation.core.station import accounts

    changed = station.update_settings(admin, {"station_name": "测试站二", "station_address": "某路1号",
                                              "station_phone": "0871-1234567", "receipt_notice": "请保管", "loan_limit_units": 4})
    assert len(changed) == 5
    with pytest.raises(DomainError, match="登录名或密码错误"):
        accounts.sign_in("某" * 60, "wrong-password")
    assert audit.verify_chain() is None


def test_text_longer_than_its_column_is_refused_in_chinese_and_nothing_is_stored(site_db, admin):
    # Every service checks its own lengths; this is the net under them, for a column one forgets.
    before = snapshot()
    with pytest.raises(DomainError, match="输入的内容过长"):
        with write_transaction():
            m.Resident.create(**residents.clean_input(residents.ResidentInput("王五", make_id(seq="777"))))
            m.Grid.create(name="网" * 50)
    assert snapshot() == before
