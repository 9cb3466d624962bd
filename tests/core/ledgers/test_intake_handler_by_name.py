"""An intake's 经办人 with no account at the importing station (someone who has left, another station's
ledger) is kept by name: shown, printed and exported as the intake's 经办人, never a reason to refuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import openpyxl

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import column_choices, ledger_export, ledger_import
from gridstation.core.station import accounts, catalog, roles, schema, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.reports.receipt import receipt_data
from tests.helpers import make_id

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def _station(path: Path) -> m.Staff:
    station.open_site(str(path))
    station.init_station("站", "admin", "secret123")
    return m.Staff.get(m.Staff.username == "admin")


def _version_3(path: Path, *statements: str) -> Path:
    """A station file as version 3 wrote it (the frozen fixture), with ``statements`` run on it."""
    conn = sqlite3.connect(path)
    conn.executescript((FIXTURES / "schema_v3.sql").read_text(encoding="utf-8"))
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()
    return path


def _handlers(out: Path) -> list[str]:
    sheet = openpyxl.load_workbook(out).active
    header = [c.value for c in sheet[1]]
    return [row[header.index("经办人")] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]]


def test_an_export_of_one_station_imports_into_a_new_one_keeping_the_handler_by_name(tmp_path):
    first, second, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "受理台账.xlsx"
    admin = _station(first)
    li = accounts.create_staff(admin, "lixia", "李霞", roles.CLERK, "secret123")
    for n in range(3):
        wang = residents.save_resident(li, residents.ResidentInput(name="王然", doc_number=make_id(seq=f"{n:03d}"), phone="13812345678"))
        intakes.create_intake(li, intakes.IntakeInput(wang.id, catalog.UNEMPLOYMENT, details={"docs_checked": True}))
    assert ledger_export.export_rows("intakes", None, out, True, actor=admin) == 3
    dbmod.close_database()

    admin = _station(second)
    try:
        report = ledger_import.run_import(column_choices.open_ledger(out, "intakes"), admin)
        assert report.written and report.created == 3, [p.line() for p in report.problems]
        intake = m.Intake.select().first()
        assert (intake.staff_id, intake.staff_name, intakes.handler_name(intake)) == (None, "李霞", "李霞")
        assert receipt_data(intake).staff_name == "李霞"
        again = tmp_path / "再导出.xlsx"
        ledger_export.export_rows("intakes", None, again, actor=admin)
        assert _handlers(again) == ["李霞"] * 3  # and so it round-trips
    finally:
        dbmod.close_database()


def test_a_handler_with_an_account_is_still_linked_to_it(db_path, admin, clerk, tmp_path):
    path = tmp_path / "台账.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["受理日期", "姓名", "身份证号", "业务类型", "经办人"])
    workbook.active.append(["2025-03-02", "张三", make_id(seq="001"), "失业证", clerk.display_name])
    workbook.active.append(["2025-03-02", "李四", make_id(seq="002"), "失业证", "王" * 41])
    workbook.save(path)
    report = ledger_import.run_import(column_choices.open_ledger(path, "intakes"), admin, ledger_import.ImportOptions(dry_run=True))
    assert [p.line()[:9] for p in report.problems] == ["第3行“经办人”列"]  # a name, at most 40 characters
    workbook.active.delete_rows(3)
    workbook.save(path)
    assert ledger_import.run_import(column_choices.open_ledger(path, "intakes"), admin).written
    intake = m.Intake.get()
    assert (intake.staff_id, intake.staff_name) == (clerk.id, "")


def test_a_version_3_station_gets_the_handlers_name_column(tmp_path):
    opened = station.open_site(str(_version_3(tmp_path / "v3.db")))
    try:
        assert opened.version_after == schema.LATEST >= 7
        assert "staff_name" in {c.name for c in dbmod.current().get_columns("intake")}
    finally:
        dbmod.close_database()


def test_rows_written_without_the_handlers_name_get_it_empty_new_and_upgraded(tmp_path, db_path, admin):
    """Bulk writers (the demo data) name only the columns they fill: the database supplies the default."""
    wang = residents.save_resident(admin, residents.ResidentInput(name="王然", doc_number=make_id(), phone=""))
    service = m.ServiceType.get(m.ServiceType.code == catalog.UNEMPLOYMENT)
    sql = ("INSERT INTO intake (serial, resident_id, service_id, status, received_at, due_date, workers,"
           " amount_owed_fen, amount_recovered_fen, updated_at, action, details, documents, result, forwarded_to)"
           " VALUES (?, ?, ?, '受理', '2025-01-01 09:00:00', '2025-01-16', 0, 0, 0, '2025-01-01 09:00:00',"
           " '', '{}', '', '', '')")
    dbmod.current().execute_sql(sql, ("SL1", wang.id, service.id))
    assert m.Intake.get(m.Intake.serial == "SL1").staff_name == ""
    dbmod.close_database()
    station.open_site(str(_version_3(
        tmp_path / "v3.db", "INSERT INTO resident VALUES (1, '王然', '居民身份证', '530111197001010011', '110010101079135',"
        " '男', '1970-01-01', '', '', '', '', '', '', NULL, 0, '', '2025-01-01 09:00:00', '2025-01-01 09:00:00')")))
    try:
        dbmod.current().execute_sql(sql, ("SL2", 1, 3))
        assert m.Intake.get(m.Intake.serial == "SL2").staff_name == ""
    finally:
        dbmod.close_database()
