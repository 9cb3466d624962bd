"""gridstation migrate: a single-window station's file moves to the server whole, or not at all."""

from __future__ import annotations

import sqlite3

import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import audit, migrate, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, tool_units
from gridstation.demo import demo
from tests.conftest import PG_SKIP_REASON, PG_URL
from tests.helpers import make_id

pytestmark = pytest.mark.skipif(not PG_URL, reason=PG_SKIP_REASON)


@pytest.fixture
def station_file(db_path, admin, tmp_path):
    """A station with a few months of realistic work and a tool photo in its SQLite file (closed again)."""
    demo.generate(residents=300, intakes=800, loans=150, seed=3)
    picture = tmp_path / "照片.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))  # every byte value survives the copy
    tool_units.save_kind(admin, tool_units.KindInput("带照片的工具", photo=str(picture)))
    dbmod.close_database()
    return db_path


def every_row(target: str) -> dict[str, list[list[object]]]:
    """Every table's rows as the application reads them, ordered by primary key."""
    station.open_site(target, create=False)
    database = dbmod.current()
    rows = {}
    for model in m.ALL_MODELS:
        read = migrate._converted(model, database.execute_sql(migrate._select_sql(model, '"')))
        rows[model._meta.table_name] = [[bytes(v) if isinstance(v, memoryview) else v for v in row]  # psycopg2's bytea
                                        for row in read]
    dbmod.close_database()
    return rows


def test_round_trip_keeps_every_row_and_the_server_carries_on(station_file, pg_url, capsys):
    before = every_row(str(station_file))
    assert main(["migrate", "--from", str(station_file), "--to", pg_url]) == 0
    out = capsys.readouterr().out
    assert "不一致" not in out.replace("行数和校验值全部一致", "")
    for table in ("intake", "resident", "loan_item", "tool_photo", "audit_log"):
        assert any(line.startswith(table) and line.endswith("一致") for line in out.splitlines()), table
    assert every_row(pg_url) == before

    station.open_site(pg_url)
    assert audit.verify_chain() is None
    admin = m.Staff.get(m.Staff.username == "admin")
    newest = m.Intake.select().order_by(m.Intake.id.desc()).first()
    person = residents.save_resident(admin, residents.ResidentInput("新居民", make_id(seq="995")))
    intake = intakes.create_intake(admin, intakes.IntakeInput(person.id, "unemployment", details={"docs_checked": True}))
    assert intake.id > newest.id  # the id sequences moved past the copied rows
    today = [i.serial for i in m.Intake.select().where(m.Intake.serial.startswith(intake.serial[:-4]))]
    assert sorted(today)[-1] == intake.serial and len(set(today)) == len(today)
    free = m.ToolUnit.select().where(m.ToolUnit.state == tool_units.AVAILABLE).first()
    loan = lending.lend(admin, person.id, [free.asset_code])
    assert loan.id > 150
    dbmod.close_database()


def test_a_target_with_tables_is_refused_untouched(station_file, pg_url, capsys):
    assert main(["migrate", "--from", str(station_file), "--to", pg_url]) == 0
    counts = {t: r for t, r in ((t, len(v)) for t, v in every_row(pg_url).items())}
    capsys.readouterr()
    assert main(["migrate", "--from", str(station_file), "--to", pg_url]) == 2
    assert "目标数据库不是空的" in capsys.readouterr().err
    assert {t: len(v) for t, v in every_row(pg_url).items()} == counts


def test_a_row_the_server_refuses_cancels_everything(station_file, pg_url):
    conn = sqlite3.connect(station_file)
    conn.execute("UPDATE intake SET forwarded_to = ? WHERE id = 7", ("转" * 200,))  # SQLite never checked the length
    conn.commit()
    conn.close()
    with pytest.raises(DomainError, match="迁移已撤销，服务器上没有留下数据"):
        migrate.migrate_to_server(station_file, pg_url)
    assert dbmod.current().get_tables() == []
    dbmod.close_database()


@pytest.mark.parametrize("args, words", [
    (["--from", "nowhere.db"], "找不到要迁移的数据库文件"),
    (["--from", "{file}", "--to", "/tmp/other.db"], "postgresql://"),
])
def test_bad_arguments_exit_2(station_file, pg_url, capsys, args, words):
    args = [a.replace("{file}", str(station_file)) for a in args]
    if "--to" not in args:
        args += ["--to", pg_url]
    assert main(["migrate", *args]) == 2
    assert words in capsys.readouterr().err


def test_an_older_file_is_sent_to_be_upgraded_first(tmp_path, pg_url):
    from pathlib import Path

    old = tmp_path / "old.db"
    conn = sqlite3.connect(old)
    conn.executescript((Path(__file__).resolve().parents[2] / "fixtures" / "schema_v1.sql").read_text(encoding="utf-8"))
    conn.close()
    with pytest.raises(DomainError, match="check"):
        migrate.migrate_to_server(old, pg_url)
