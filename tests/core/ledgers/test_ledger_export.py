"""Exports, templates and the command line: formatted sheets, masked IDs, the head's full export, round trips."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.grids import register
from gridstation.core.grids.register import GridInput
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import ledger_columns, ledger_export, ledger_read, sheet_layout
from gridstation.core.ledgers.exporters import intakes as exported_intakes
from gridstation.core.ledgers.exporters import sheet
from gridstation.core.ledgers.ledger_export import export_rows
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.ledgers.ledger_templates import write_template
from gridstation.core.rules import clock
from gridstation.core.rules.errors import PermissionDenied
from gridstation.core.station import catalog, station
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from gridstation.core.toolbox import lending, returns, tool_units
from tests.conftest import BACKENDS, PASSWORD, STATION
from tests.helpers import make_id, snapshot

ZHANG = make_id("110101", "19900307", "771")
LI = make_id("110105", "19650812", "042")
NOW = clock.now()


def sheet_rows(path: Path) -> list[tuple]:
    return list(openpyxl.load_workbook(path).worksheets[0].iter_rows(values_only=True))


def fill_station(admin: m.Staff) -> None:
    """A little of everything: residents, intakes in several statuses, tools, a returned and an open loan."""
    register.add_grid(admin, GridInput(name="第一网格"))  # the resident's grid box chooses, it never creates
    zhang = residents.save_resident(admin, residents.ResidentInput(
        name="张三", doc_number=ZHANG, phone="13812345678", compound="星天地", building="3", unit="2", room="501",
        grid="第一网格", is_pensioner=True, notes="独居老人"))
    li = residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=LI, phone="087167000000"))
    residents.save_resident(admin, residents.ResidentInput(name="Tom Lee", doc_number="E12345678", doc_type="外国人永久居留身份证",
                                                           gender="男", birth_date=dt.date(1980, 5, 1)))
    received = NOW - dt.timedelta(days=10)
    wage = intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.WAGE, details={
        "employer": "某某建筑公司", "workers": 3, "amount_owed": "12,345.50"}, received_at=received,
        documents="劳动合同复印件"))
    intakes.change_status(admin, wage.serial, intakes.COMPLETED, result="已追回",
                          completion={"amount_recovered": "12000", "outcome": "协商解决"}, at=received + dt.timedelta(days=3))
    intakes.create_intake(admin, intakes.IntakeInput(li.id, catalog.UNEMPLOYMENT, action="年检",
                                                     details={"docs_checked": True}, received_at=received))
    pension = intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.PENSION, details={
        "cert_year": NOW.year, "way": "窗口"}, received_at=received + dt.timedelta(hours=2)))
    intakes.change_status(admin, pension.serial, intakes.RETURNED, note="材料不全", at=received + dt.timedelta(hours=3))
    ladder = tool_units.save_kind(admin, tool_units.KindInput(name="人字梯", category="登高", loan_days=7, deposit="50"))
    drill = tool_units.save_kind(admin, tool_units.KindInput(name="电钻", category="电动", loan_days=3, deposit="100"))
    tool_units.add_units(admin, ladder.id, codes=["GJ-0001", "GJ-0002"], purchase_date=dt.date(2023, 5, 1))
    tool_units.add_units(admin, drill.id, codes=["GJ-0003"], notes="新购")
    lent = NOW - dt.timedelta(days=9)
    first = lending.lend(admin, zhang.id, ["GJ-0001", "GJ-0003"], lent_at=lent, due_date=(lent + dt.timedelta(days=3)).date())
    returns.return_unit(admin, "GJ-0001", tool_units.GOOD, returned_at=lent + dt.timedelta(days=2), deposit_refund="50")
    assert first.slip_no
    lending.lend(admin, li.id, ["GJ-0002"], lent_at=NOW - dt.timedelta(days=1))


def test_residents_export_is_formatted_and_masks_id_numbers(db_path, admin, tmp_path):
    fill_station(admin)
    out = tmp_path / "r.xlsx"
    assert export_rows("residents", None, out, actor=admin) == 3
    workbook = openpyxl.load_workbook(out)
    sheet = workbook.worksheets[0]
    assert [c.value for c in sheet[1]] == [c.header for c in ledger_columns.RESIDENT_COLUMNS]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width >= 18 * sheet_layout.LATIN  # as wide as an ID number
    assert sheet["B2"].value == "110101********7715" and sheet["F3"].value == "087****0000"  # phones masked too
    assert sheet["E2"].number_format == "yyyy-mm-dd" and sheet.column_dimensions["B"].number_format == "@"
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert (entry.action, entry.entity, entry.entity_id) == ("导出", "residents", "r.xlsx")
    assert json.loads(entry.after)["full_id"] is False


def test_a_full_id_export_needs_the_station_head_and_is_audited(db_path, admin, clerk, head, tmp_path):
    fill_station(admin)
    out = tmp_path / "full.xlsx"
    before = m.AuditLog.select().count()
    with pytest.raises(PermissionDenied, match="站长"):
        export_rows("residents", None, out, True, actor=clerk)
    assert not out.exists() and m.AuditLog.select().count() == before
    export_rows("residents", None, out, True, actor=head)
    assert sheet_rows(out)[1][1] == ZHANG
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert (entry.username, entry.action) == ("head", "导出完整证件号")


def test_list_rows_as_filtered_on_screen_and_money_cells(db_path, admin, tmp_path):
    fill_station(admin)
    out = tmp_path / "i.xlsx"
    assert export_rows("intakes", intakes.IntakeFilter(status=intakes.COMPLETED), out, actor=admin) == 1
    sheet = openpyxl.load_workbook(out).worksheets[0]
    headers = [c.value for c in sheet[1]]
    owed = headers.index("欠薪金额") + 1
    assert sheet.cell(2, owed).value == 12345.5 and sheet.cell(2, owed).number_format == "#,##0.00"
    assert export_rows("residents", residents.search("zs"), tmp_path / "zs.xlsx", actor=admin) == 1


def test_overdue_list_and_pension_roster(db_path, admin, tmp_path):
    fill_station(admin)
    overdue = sheet_rows(export_rows_to(tmp_path / "o.xlsx", "overdue", None, admin))
    assert overdue[0][:5] == ("借用单号", "姓名", "身份证号", "联系电话", "未还工具")
    assert [(r[1], r[4], r[7]) for r in overdue[1:]] == [("张三", "电钻（GJ-0003）", 6)]
    roster = sheet_rows(export_rows_to(tmp_path / "p.xlsx", "roster", NOW.year, admin))
    assert [(r[0], r[1], r[7]) for r in roster[1:]] == [("张三", "110101********7715", "未认证")]


def export_rows_to(out: Path, kind: str, source: object, actor: m.Staff) -> Path:
    export_rows(kind, source, out, actor=actor)
    return out


# ---------------------------------------------------------------- round trip


def records() -> dict[str, list[tuple]]:
    """What a station's records say, without database ids, in a stable order."""
    people = sorted((r.name, r.doc_type, r.doc_number, r.gender, r.birth_date, r.phone, r.compound, r.building, r.unit,
                     r.room, r.grid.name if r.grid_id else "", r.is_pensioner, r.notes) for r in m.Resident.select())
    cases = sorted((i.serial, i.resident.doc_number, i.service.code, i.action, i.details, i.documents, i.status,
                    i.received_at, i.due_date, i.completed_at, i.result, i.forwarded_to, i.workers, i.amount_owed_fen,
                    i.amount_recovered_fen, i.cert_year) for i in m.Intake.select())
    units = sorted((u.asset_code, u.kind.name, u.kind.category, u.kind.loan_days, u.kind.deposit_fen, u.state,
                    u.purchase_date, u.condition_notes) for u in m.ToolUnit.select())
    loans = sorted((i.loan.slip_no, i.loan.resident.doc_number, i.loan.lent_at, i.loan.due_date, i.loan.deposit_fen,
                    i.loan.deposit_refunded_fen, i.unit.asset_code, i.returned_at, i.return_condition)
                   for i in m.LoanItem.select())
    return {"residents": people, "intakes": cases, "tools": units, "loans": loans}


def test_export_then_import_into_a_new_database_gives_the_same_records(db_path, admin, tmp_path):
    fill_station(admin)
    expected = records()
    files = {kind: tmp_path / f"{kind}.xlsx" for kind in ledger_columns.KINDS}
    for kind, path in files.items():
        export_rows(kind, None, path, True, actor=admin)
    dbmod.close_database()
    station.open_site(str(tmp_path / "new.db"))
    new_admin = station.init_station(STATION, "admin", PASSWORD)
    for kind in ledger_columns.KINDS:
        report = run_import(ledger_read.open_ledger(files[kind], kind), new_admin)
        assert report.written and not report.problems, (kind, report.problems)
    assert records() == expected


# ---------------------------------------------------------------- templates and the command line


@pytest.mark.parametrize("kind", ledger_columns.KINDS)
def test_templates_have_headers_an_example_and_explanations(db_path, tmp_path, kind):
    out = write_template(kind, tmp_path / f"{kind}.xlsx")
    workbook = openpyxl.load_workbook(out)
    data, notes = workbook.worksheets
    headers = [c.value for c in data[1]]
    assert headers[:3] == [c.header for c in ledger_columns.columns_for(kind)][:3]
    assert notes.title == "填写说明" and notes["A2"].value == headers[0]
    if kind == "intakes":
        assert {"用人单位", "统一社会信用代码", "涉及人数", "欠薪金额", "追回金额", "认证年度"} <= set(headers)
    if kind == "residents":
        assert data["B3"].number_format == "@"  # typed ID numbers stay text
        report = run_import(ledger_read.open_ledger(out, kind), None, ImportOptions(dry_run=True))
        assert not report.problems  # the example row is itself valid


def cli(db: Path, *args: str) -> int:
    return main(["--db", str(db), *args])


def test_cli_import_dry_run_lists_rows_and_exits_2_without_writing(db_path, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号\n张三,{ZHANG}\n,{LI}\n", encoding="gbk")
    before = snapshot()
    assert cli(db_path, "import", "residents", str(path), "--dry-run") == 2
    out, err = capsys.readouterr()
    assert "第3行“姓名”列：请填写“姓名”。" in out
    assert len(err.strip().splitlines()) == 1 and "未写入任何数据" in err
    assert cli(db_path, "import", "residents", str(path)) == 2
    assert snapshot() == before


def test_cli_valid_only_needs_a_report_file_and_writes_it(db_path, tmp_path, capsys):
    path = tmp_path / "r.csv"
    path.write_text(f"姓名,身份证号\n张三,{ZHANG}\n,{LI}\n", encoding="utf-8-sig")
    assert cli(db_path, "import", "residents", str(path), "--valid-only") == 2
    assert "--skipped-report" in capsys.readouterr().err
    report = tmp_path / "skipped.xlsx"
    assert cli(db_path, "import", "residents", str(path), "--valid-only", "--skipped-report", str(report)) == 0
    assert "新增 1 条" in capsys.readouterr().out
    assert [r[0] for r in sheet_rows(report)[1:]] == [3]


def test_cli_export_and_template_refuse_bad_requests_without_writing(db_path, tmp_path, capsys):
    out = tmp_path / "x.xlsx"
    for args in (["export", "residents", "--out", str(out), "--from", "2024-01-01"],
                 ["export", "intakes", "--out", str(out), "--from", "2024-13-01"],
                 ["export", "intakes", "--out", str(out), "--from", "2024-02-01", "--to", "2024-01-01"],
                 ["export", "loans", "--out", str(tmp_path / "x.csv")],
                 ["template", "tools", "--out", str(tmp_path / "nosuch" / "t.xlsx")]):
        assert cli(db_path, *args) == 2, args
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err
    assert list(tmp_path.glob("*.xlsx")) == []
    assert cli(db_path, "export", "intakes", "--out", str(out), "--from", "2024-01-01", "--to", "2024-12-31") == 0
    assert cli(db_path, "template", "loans", "--out", str(tmp_path / "t.xlsx")) == 0
    assert cli(db_path, "export", "roster", "--year", "2024", "--out", str(out), "--full-id") == 0
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert entry.action == "导出完整证件号" and entry.username == "系统"



def test_full_id_names_what_it_shows_and_nothing_where_the_ledger_holds_no_personal_numbers(db_path, tmp_path,
                                                                                             capsys):
    """The tools ledger holds no ID or phone: --full-id there claims nothing and is audited as a plain export;
    the events ledger holds phones, not IDs, and says so; the loans ledger holds IDs."""
    assert cli(db_path, "export", "tools", "--full-id", "--out", str(tmp_path / "t.xlsx")) == 0
    out = capsys.readouterr().out
    assert "完整" not in out and "已导出工具台账" in out
    assert m.AuditLog.select().order_by(m.AuditLog.id.desc()).get().action == "导出"
    assert cli(db_path, "export", "events", "--full-id", "--out", str(tmp_path / "e.xlsx")) == 0
    out = capsys.readouterr().out
    assert "完整电话号码" in out and "身份证号" not in out
    assert cli(db_path, "export", "loans", "--full-id", "--out", str(tmp_path / "l.xlsx")) == 0
    assert "（完整身份证号，已记入操作日志）" in capsys.readouterr().out


def test_an_export_reports_progress_and_a_cancelled_one_leaves_nothing(db_path, admin, tmp_path, monkeypatch):
    fill_station(admin)
    monkeypatch.setattr(sheet, "PAGE", 2)  # several progress steps from a few rows
    seen: list[tuple[int, int]] = []
    out = tmp_path / "i.xlsx"
    assert export_rows("intakes", None, out, actor=admin, progress=lambda done, total: seen.append((done, total))) == 3
    assert seen == [(2, 3), (3, 3)]
    seen.clear()
    export_rows("residents", None, tmp_path / "r.xlsx", actor=admin, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(2, 3), (3, 3)]  # a query is counted first, so the bar knows its end
    entries = m.AuditLog.select().count()
    stopped = tmp_path / "stopped.xlsx"
    with pytest.raises(ledger_export.ExportCancelled, match="已取消导出"):
        export_rows("residents", None, stopped, actor=admin, cancelled=lambda: True)
    assert not stopped.exists() and list(tmp_path.glob(".gridstation-*")) == []
    assert m.AuditLog.select().count() == entries


def test_the_overdue_list_and_roster_mask_phones_unless_the_head_asks(db_path, admin, clerk, head, tmp_path):
    fill_station(admin)
    for kind in ("overdue", "roster"):
        masked, full = tmp_path / f"{kind}-masked.xlsx", tmp_path / f"{kind}-full.xlsx"
        export_rows(kind, None, masked, actor=clerk)
        phones = [r[3 if kind == "overdue" else 4] for r in sheet_rows(masked)[1:]]
        assert "138****5678" in phones and "13812345678" not in phones
        with pytest.raises(PermissionDenied):
            export_rows(kind, None, full, True, actor=clerk)
        export_rows(kind, None, full, True, actor=head)
        assert "13812345678" in [r[3 if kind == "overdue" else 4] for r in sheet_rows(full)[1:]]
        entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
        assert (entry.action, entry.entity, entry.username) == ("导出完整证件号", kind, "head")


def test_intakes_picked_on_screen_are_exported_like_the_filtered_list(db_path, admin, tmp_path):
    fill_station(admin)
    everything = sheet_rows(export_rows_to(tmp_path / "all.xlsx", "intakes", None, admin))
    picked = list(intakes.query_intakes(intakes.IntakeFilter()))  # newest first, as on screen
    assert export_rows("intakes", picked, tmp_path / "picked.xlsx", actor=admin) == 3
    assert sheet_rows(tmp_path / "picked.xlsx") == everything  # the same cells, oldest first
    staff, doc = everything[0].index("经办人"), everything[0].index("身份证号")
    assert [r[staff] for r in everything[1:]] == ["管理员"] * 3  # staff names from the one lookup
    assert everything[1][doc] == "110101********7715"


@pytest.mark.parametrize("backend", BACKENDS)
def test_intake_pages_continue_after_the_last_row_even_at_the_same_moment(site_db, admin, tmp_path, monkeypatch):
    """Pages follow (received_at, id): five intakes of one minute, two a page, each exported once."""
    monkeypatch.setattr(exported_intakes, "INTAKE_PAGE", 2)
    zhang = residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))
    moment = NOW - dt.timedelta(days=1)
    made = [intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT, received_at=moment,
                                                             details={"docs_checked": True})).serial
            for _ in range(5)]
    made.append(intakes.create_intake(admin, intakes.IntakeInput(zhang.id, catalog.UNEMPLOYMENT,
                                                                 details={"docs_checked": True})).serial)
    out = tmp_path / "pages.xlsx"
    assert export_rows("intakes", intakes.IntakeFilter(), out, actor=admin) == 6
    assert [r[0] for r in sheet_rows(out)[1:]] == made


def test_a_slips_deposit_is_written_once_however_many_tools_it_lends(db_path, admin, tmp_path):
    """Two tools on one slip: the 押金 column adds up to the deposits actually taken, and imports back."""
    fill_station(admin)
    out = export_rows_to(tmp_path / "loans.xlsx", "loans", None, admin)
    rows = sheet_rows(out)
    deposit, refunded = rows[0].index("押金（每单）"), rows[0].index("已退押金（每单）")
    taken = sum(loan.deposit_fen for loan in m.Loan.select())
    assert sum(r[deposit] or 0 for r in rows[1:]) * 100 == taken == 15000 + 5000
    slip = [r for r in rows[1:] if r[0] == rows[1][0]]
    assert len(slip) == 2 and slip[1][deposit] is None and slip[1][refunded] is None


def test_ratings_with_their_rectification_export_as_the_好差评台账(db_path, admin, head, tmp_path):
    """Ratings had no export: one row per rating, the 整改 of a bad one beside it, ID numbers masked."""
    from gridstation.core.evaluation import ratings, rectification

    fill_station(admin)
    done = m.Intake.get(m.Intake.status == intakes.COMPLETED)
    returned = m.Intake.get(m.Intake.status == intakes.RETURNED)
    at = done.completed_at + dt.timedelta(hours=1)
    ratings.record_rating(admin, done.serial, "满意", channel="纸质卡", at=at)
    ratings.record_rating(admin, returned.serial, "不满意", channel="电话回访", reasons=["效率", "多次跑"],
                          text="=跑了三次", at=returned.completed_at + dt.timedelta(hours=1))
    rectification.record_visit(head, returned.serial, "材料清单没讲清楚", at=NOW - dt.timedelta(hours=2))
    rectification.close(head, returned.serial, "窗口补充一次性告知", "满意", at=NOW - dt.timedelta(hours=1))
    rows = sheet_rows(export_rows_to(tmp_path / "ratings.xlsx", "ratings", None, admin))
    header = rows[0]
    got = {r[0]: dict(zip(header, r, strict=True)) for r in rows[1:]}
    assert set(got) == {done.serial, returned.serial}
    bad = got[returned.serial]
    assert (bad["评价"], bad["原因"], bad["意见"], bad["评价方式"]) == ("不满意", "效率、多次跑", "=跑了三次", "电话回访")
    assert (bad["核实情况"], bad["整改措施"], bad["居民对整改的意见"], bad["整改状态"]) == (
        "材料清单没讲清楚", "窗口补充一次性告知", "满意", "已完成")
    assert bad["身份证号"] == "110101********7715" and bad["居民姓名"] == "张三"
    good = got[done.serial]
    assert good["评价"] == "满意" and good["整改状态"] is None and good["被评价人员"] == "管理员"
    assert cli(db_path, "export", "ratings", "--out", str(tmp_path / "cli.xlsx")) == 0


@pytest.mark.parametrize("kind", ["residents", "intakes", "tools", "loans", "events"])
def test_every_template_is_written_by_the_command_in_its_own_process(kind, tmp_path):
    """In a fresh process (the station's database not yet open, as at a clerk's command line) every
    template is written, its footer naming the station; before, all but intakes failed unexpectedly."""
    db = tmp_path / "s.db"
    env = {**os.environ, "GRIDSTATION_DATA_DIR": str(tmp_path / "data"), "GRIDSTATION_ADMIN_PASSWORD": "secret-pass-1"}
    subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db), "init", "--station", "测试服务站",
                    "--admin", "admin"], check=True, env=env, capture_output=True)
    out = tmp_path / f"{kind}.xlsx"
    done = subprocess.run([sys.executable, "-m", "gridstation", "--db", str(db), "template", kind, "--out", str(out)],
                          env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "测试服务站" in openpyxl.load_workbook(out).active.oddFooter.left.text
