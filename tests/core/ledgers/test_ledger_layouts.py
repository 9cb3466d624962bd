"""Ledgers as stations really keep them, built in code: each imports exactly the rows it should,
period_stats counts them, and a refused row changes nothing.

Title rows and merged titles above the header, a 序号 column, 合计/小计 rows, blank rows, one sheet
per month or per service, dates as 2025.3.5 / 2025年3月5日 / 2025/03/05 / Excel dates, amounts in
元 and 万元, yes/no as √/×/有/无, phones and ID numbers with spaces or dashes, services as staff
write them (4050, 失业登记, 养老认证, 欠薪 ...), values the catalogue does not know mapped once and
remembered, historical rows without the fields only the counter asks, residents registered from
the rows.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import column_choices, ledger_columns, ledger_import, ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules import clock
from gridstation.core.station import audit, catalog
from gridstation.core.statistics.stats import period_stats
from gridstation.core.storage import models as m
from gridstation.core.storage import settings
from tests.helpers import make_id, snapshot

ZHANG = make_id("110101", "19900307", "771")
LI = make_id("110105", "19650812", "042")
WANG = make_id("530102", "19480101", "015")
ZHAO = make_id("530102", "19700505", "033")
YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))
pytestmark = pytest.mark.both_backends


def workbook(path: Path, sheets: dict[str, list[list[object]]], merges: dict[str, list[str]] | None = None) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for area in (merges or {}).get(name, []):
            sheet.merge_cells(area)
    book.save(path)
    return path


def ledger(path: Path) -> ledger_read.Ledger:
    return ledger_read.open_ledger(path, "intakes")


def run(path_or_ledger: Path | ledger_read.Ledger, **options: bool) -> ledger_import.ImportReport:
    target = path_or_ledger if isinstance(path_or_ledger, ledger_read.Ledger) else ledger(path_or_ledger)
    return run_import(target, None, ImportOptions(**options))


def service_row(code: str, start: dt.date = YEAR[0], end: dt.date = YEAR[1]):
    return next(row for row in period_stats(start, end).services if row.code == code)


def refused_changes_nothing(path: Path) -> ledger_import.ImportReport:
    """An all-or-nothing import of a ledger with a bad row writes nothing; returns its report."""
    before = snapshot()
    report = run(path)
    assert report.problems and not report.written and snapshot() == before
    return report


def lines(report: ledger_import.ImportReport) -> list[str]:
    return [p.line() for p in report.problems]


# ---------------------------------------------------------------- 1. a wage ledger with everything around the table


def test_a_wage_ledger_with_title_rows_serial_numbers_totals_and_amounts_in_wan(site_db, admin, tmp_path):
    header = ["序号", "受理日期", "申请人", "身份证号码", "联系电话", "业务类型", "用人单位", "涉及人数", "欠薪金额",
              "状态", "办结日期", "办理结果", "追回金额", "转往部门"]
    path = workbook(tmp_path / "讨薪台账.xlsx", {"讨薪台账": [
        ["星天地社区2025年讨薪台账"],
        ["填报单位：星天地社区为民服务站"],
        header,
        [1, "2025.3.5", "张三", ZHANG, "138 1234 5678", "欠薪", "某建筑公司", 3, "1.2万元", "办结", "2025年3月20日",
         "已追回", "12000元"],
        [2, "2025/03/09", "李四", LI, "139-1234-5678", "讨要工资", "某餐馆", 1, "3,500元", "转办", "2025/03/12", None,
         None, "劳动监察大队"],
        [None] * len(header),
        [3, dt.datetime(2025, 4, 1, 9, 30), "王五", WANG, None, "讨薪", "某物流公司", 5, "2.5万", "办理中"],
        [4],  # numbered in advance, never filled
        [5],
        ["合计", None, None, None, None, None, None, 9, "4.05万元"],
    ]}, {"讨薪台账": ["A1:N1", "A2:N2"]})
    report = run(path)
    assert report.written and report.created == 3 and report.registered == 3, lines(report)
    assert report.notes == ["第6行为空行，已跳过。", "第10行为合计或小计行，已跳过。"]  # 8, 9: numbered, never filled
    wage = period_stats(*YEAR).wage
    assert (wage.cases, wage.workers, wage.owed_fen) == (3, 9, 4_050_000)
    assert (wage.completed, wage.recovered_fen, wage.forwarded) == (1, 1_200_000, 1)
    assert residents.find_by_document(LI).phone == "13912345678"


# ---------------------------------------------------------------- 2. one sheet per month, services as staff write them


def test_one_sheet_per_month_every_sheet_with_a_header_is_read_and_aliases_match(site_db, admin, tmp_path):
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果", "认证年度"]
    march = ["业务类型", "受理日期", "身份证号", "姓名", "认证年度", "状态", "办结日期", "办理结果"]  # columns moved
    path = workbook(tmp_path / "2025年受理台账.xlsx", {
        "说明": [["本台账按月分表，每月一张。"]],
        "1月": [header, ["2025-01-06", "张三", ZHANG, "4050", "办结", "2025-01-15", "已办理"],
                ["2025-01-07", "李四", LI, "失业登记", "办结", "2025-01-08", "已发证"]],
        "2月": [["2025年2月"], header, ["2025-02-03", "王五", WANG, "养老认证", "办结", "2025-02-03", "已认证", 2025]],
        "3月": [march, ["就业失业登记证", "2025-03-03", ZHANG, "张三", None, "办结", "2025-03-04", "已年检"],
                ["生存认证", "2025-03-04", ZHAO, "赵六", 2025, "办结", "2025-03-04", "已认证"],
                ["“4050”社保补贴", "2025-03-05", LI, "李四", None, "受理"]],
    })
    report = run(path)
    assert report.written and report.created == 6 and report.registered == 4, lines(report)
    assert report.notes[0] == "读取了工作表：“1月”（2行）、“2月”（1行）、“3月”（3行）；没有表头未读取：“说明”。"
    assert (service_row(catalog.SUBSIDY_4050).received, service_row(catalog.UNEMPLOYMENT).received,
            service_row(catalog.PENSION).received) == (2, 2, 2)
    assert service_row(catalog.PENSION, dt.date(2025, 3, 1), dt.date(2025, 3, 31)).completed == 1


# ---------------------------------------------------------------- 3. one sheet per service, no service column


def test_one_sheet_per_service_the_sheet_name_is_the_service(site_db, admin, tmp_path):
    path = workbook(tmp_path / "分业务台账.xlsx", {
        "讨薪": [["受理日期", "姓名", "身份证号", "用人单位", "涉及人数", "欠薪金额（万元）"],
                 ["2025-05-06", "张三", ZHANG, "某公司", 2, 0.8]],
        "养老认证": [["受理日期", "姓名", "身份证号", "认证年度", "状态", "办结日期", "办理结果"],
                     ["2025-05-07", "李四", LI, 2025, "办结", "2025-05-07", "已认证"],
                     ["2025-05-08", "王五", WANG, 2025, "办结", "2025-05-08", "已认证"]],
    })
    report = run(path)
    assert report.written and report.created == 3, lines(report)
    wage = period_stats(*YEAR).wage
    assert (wage.cases, wage.workers, wage.owed_fen) == (1, 2, 800_000)
    assert service_row(catalog.PENSION).completed == 2


# ---------------------------------------------------------------- 4. unknown services: mapped once, remembered


def test_a_value_the_catalogue_does_not_know_is_mapped_and_remembered_for_the_next_import(site_db, admin, tmp_path):
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"]
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [
        header,
        ["2025-06-02", "张三", ZHANG, "办证", "办结", "2025-06-03", "已发证"],
        ["2025-06-02", "李四", LI, "办证", "办结", "2025-06-04", "已发证"],
        ["2025-06-03", "王五", WANG, "法律咨询", "办结", "2025-06-03", "已解答"],
    ]})
    first = ledger(path)
    found = {match.value: match for match in ledger_import.match_services(first)}
    assert found["办证"].service is None and found["法律咨询"].service is None
    report = refused_changes_nothing(path)
    assert report.bad_rows == [2, 3, 4] and "--map 办证=业务名称" in report.problems[0].message

    ledger_import.choose_service(first, "办证", "失业证")
    report = run(first, valid_only=True)
    assert report.written and report.created == 2 and report.bad_rows == [4]
    assert settings.get(ledger_import.SERVICE_MAP_SETTING) == {"办证": catalog.UNEMPLOYMENT}
    entry = m.AuditLog.select().where(m.AuditLog.action == "记住业务对应").get()
    assert entry.entity_id == ledger_import.SERVICE_MAP_SETTING and audit.verify_chain() is None

    again = workbook(tmp_path / "下月.xlsx", {"Sheet1": [header, ["2025-07-01", "赵六", ZHAO, "办证", "办结", "2025-07-02",
                                                                   "已发证"]]})
    match = ledger_import.match_services(ledger(again))[0]
    assert (match.service.code, match.how) == (catalog.UNEMPLOYMENT, column_choices.HOW_REMEMBERED)
    assert run(again).created == 1
    assert service_row(catalog.UNEMPLOYMENT).received == 3


# ---------------------------------------------------------------- 5. history is not a new intake


def test_historical_rows_need_no_counter_only_fields_but_a_new_intake_does(site_db, admin, tmp_path):
    today = dt.datetime.combine(clock.today(), dt.time())
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果", "认证年度", "涉及人数", "欠薪金额",
              "用人单位"]
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [
        header,
        ["2025-08-01", "张三", ZHANG, "失业证", "办结", "2025-08-02", "已发证"],  # no 材料已核验
        ["2025-08-01", "李四", LI, "养老认证", "受理", None, None, 2025],  # open, but received long ago: no 认证方式
        ["2025-08-02", "王五", WANG, "欠薪", "办结", "2025-08-20", "已协调", None, 4, "6000"],  # no 处理方式, no 用人单位
        [today, "赵六", ZHAO, "失业证", "受理"],  # a new intake today: 材料已核验 must be confirmed
    ]})
    report = refused_changes_nothing(path)
    assert lines(report) == ["第5行“材料已核验”列：请确认“材料已核验”。"]
    report = run(path, valid_only=True)
    assert report.created == 3
    imported = intakes.get_intake(intakes.query_intakes(intakes.IntakeFilter(status="受理")).get().serial)
    assert intakes.history(imported)[0].note == ledger_columns.IMPORT_NOTE
    assert (service_row(catalog.UNEMPLOYMENT).completed, service_row(catalog.PENSION).received) == (1, 1)
    assert period_stats(*YEAR).wage.owed_fen == 600_000


def test_what_the_statistics_need_is_still_checked_on_historical_rows(site_db, admin, tmp_path):
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果", "认证年度", "涉及人数", "欠薪金额"]
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [
        header,
        ["2025-09-01", "张三", ZHANG, "讨薪", "办结", "2025-09-05", "已追回", None, 2],  # no 欠薪金额
        ["2025-09-01", "张三", ZHANG, "讨薪", "办结", "2025-09-05", "已追回", None, None, 500],  # no 涉及人数
        ["2025-09-02", "李四", LI, "养老认证", "办结", "2025-09-02", "已认证"],  # no 认证年度
        ["2025-09-03", "王五", WANG, "讨薪", "办结", "2025-09-09", None, None, 1, 800],  # no 办理结果
        ["2025-09-04", "赵六", ZHAO, "讨薪", "办结", "2025-09-09", "已追回", None, 1, 800],
    ]})
    report = refused_changes_nothing(path)
    assert [(p.row, p.column) for p in report.problems] == [(2, "欠薪金额"), (3, "涉及人数"), (4, "认证年度"),
                                                            (5, "办理结果")]
    report = run(path, valid_only=True)
    assert report.created == 1
    wage = period_stats(*YEAR).wage
    assert (wage.cases, wage.workers, wage.owed_fen, wage.completed) == (1, 1, 80_000, 1)


# ---------------------------------------------------------------- 6. the forms dates, money and yes/no take


def test_dates_in_every_form_stations_write(site_db, admin, tmp_path):
    serial_day = (dt.date(2025, 3, 9) - dt.date(1899, 12, 30)).days  # a date cell that lost its format
    cells = ["2025.3.5", "2025年3月6日", "2025/03/07", dt.datetime(2025, 3, 8), serial_day, "2025-3-10 14:30"]
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"]
    rows = [[cell, "张三", ZHANG, "失业登记", "办结", "2025年3月31日", "已办"] for cell in cells]
    report = run(workbook(tmp_path / "台账.xlsx", {"Sheet1": [header, *rows]}))
    assert report.created == 6, lines(report)
    received = sorted(i.received_at for i in m.Intake.select())
    assert received == [dt.datetime(2025, 3, d) for d in range(5, 10)] + [dt.datetime(2025, 3, 10, 14, 30)]
    assert service_row(catalog.UNEMPLOYMENT, dt.date(2025, 3, 1), dt.date(2025, 3, 31)).completed == 6


def test_yes_and_no_as_ticks_crosses_and_you_wu(site_db, admin, tmp_path):
    today = dt.datetime.combine(clock.today(), dt.time())
    marks = ["√", "有", "是", "×", "无", "否", "也许"]
    people = [make_id("110101", f"1980010{1 + i}", "011") for i in range(len(marks))]
    rows = [[today, f"居民{i}", people[i], "失业证", mark] for i, mark in enumerate(marks)]
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [["受理日期", "姓名", "身份证号", "业务类型", "材料已核验"], *rows]})
    report = refused_changes_nothing(path)
    assert report.bad_rows == [5, 6, 7, 8]
    assert report.problems_of(8)[0].message == "“材料已核验”应为“是”或“否”。"
    assert report.problems_of(5)[0].message == "请确认“材料已核验”。"
    assert run(path, valid_only=True).created == 3
    assert service_row(catalog.UNEMPLOYMENT, clock.today(), clock.today()).received == 3


# ---------------------------------------------------------------- 7. a ledger is enough


def test_residents_are_registered_from_the_rows_and_registered_ones_matched_by_id(site_db, admin, tmp_path):
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG))
    spaced = f"{ZHANG[:6]} {ZHANG[6:14]} {ZHANG[14:]}"
    dashed = f"{WANG[:6]}-{WANG[6:14]}-{WANG[14:]}"
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [
        ["受理日期", "姓名", "身份证号", "电话", "业务类型", "状态", "办结日期", "办理结果"],
        ["2025-10-08", "张三", spaced, None, "失业登记", "办结", "2025-10-09", "已办"],
        ["2025-10-08", "李四", LI, "139-1234-5678", "失业登记", "办结", "2025-10-09", "已办"],
        ["2025-10-09", "王五", dashed, "0871 6700 0000", "失业登记", "办结", "2025-10-10", "已办"],
        ["2025-10-10", "王五", WANG, None, "4050", "办结", "2025-10-20", "已办"],
        ["2025-10-11", "张叁", ZHANG, None, "失业登记", "办结", "2025-10-12", "已办"],  # not the registered name
        ["2025-10-11", None, ZHAO, None, "失业登记", "办结", "2025-10-12", "已办"],  # not registered, no name
        ["2099-01-01", "赵六", ZHAO, None, "失业登记"],  # registered, then refused (a date to come): the registration is undone too
    ]})
    before = snapshot()
    dry = run(path, dry_run=True)
    assert (dry.created, dry.registered, dry.bad_rows) == (4, 2, [6, 7, 8])
    assert "新登记居民 2 人" in dry.summary() and snapshot() == before
    report = run(path, valid_only=True)
    assert (report.created, report.registered) == (4, 2)
    assert m.Resident.select().count() == 3 and residents.find_by_document(ZHAO) is None
    assert residents.find_by_document(WANG).phone == "0871-67000000"
    assert residents.find_by_document(LI).name == "李四"
    assert "尚未登记" in report.problems_of(7)[0].message and report.problems_of(6)[0].column == "姓名"
    assert service_row(catalog.UNEMPLOYMENT).received == 3


# ---------------------------------------------------------------- 8. what cannot be read is named


def test_what_cannot_be_read_is_named_with_sheet_row_and_column(site_db, admin, tmp_path):
    header = ["受理日期", "姓名", "身份证号", "业务类型", "用人单位", "涉及人数", "欠薪金额"]
    path = workbook(tmp_path / "台账.xlsx", {
        "1月": [header, ["2025-01-03", "张三", ZHANG, "讨薪", "某公司", 2, "5000"]],
        "2月": [["2025年2月讨薪台账"], header, ["2025-02-30", "李四", LI, "讨薪", "某公司", 1, "100"],
                ["2025-02-03", "王五", WANG, "讨薪", "某公司", 1, "很多"]],
    }, {"2月": ["A1:G1"]})
    refused_changes_nothing(path)
    assert lines(run(path, dry_run=True)) == [
        "工作表“2月”第3行“受理日期”列：“2025-02-30”不是有效的日期，可写作 2024-01-05、2024/1/5、2024年1月5日 或 20240105。",
        "工作表“2月”第4行“欠薪金额”列：欠薪金额“很多”不是有效的数字。",
    ]
    assert run(path, valid_only=True).created == 1
    assert period_stats(*YEAR).wage.owed_fen == 500_000


# ---------------------------------------------------------------- 9. a CSV ledger in GBK with the same habits


def test_a_gbk_csv_ledger_with_a_title_numbering_and_a_subtotal(site_db, admin, tmp_path):
    path = tmp_path / "4050台账.csv"
    with path.open("w", encoding="gbk", newline="") as handle:
        csv.writer(handle).writerows([
            ["2025年“4050”补贴台账"],
            ["序号", "受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"],
            ["1", "2025年11月3日", "张三", ZHANG, "4050补贴", "办结", "2025年11月10日", "已审核"],
            ["2", "2025.11.4", "李四", LI, "社保补贴", "退回", "2025.11.5", "材料不全"],
            ["", "小计", "", "", "", "", "", ""],
        ])
    report = run(path)
    assert report.written and report.created == 2, lines(report)
    assert any("第5行为合计或小计行" in n for n in report.notes)
    row = service_row(catalog.SUBSIDY_4050)
    assert (row.received, row.completed, row.returned) == (2, 1, 1)


# ---------------------------------------------------------------- 10. merged cells in the data are still refused


def test_merged_cells_inside_a_later_sheet_are_named_there(site_db, admin, tmp_path):
    header = ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"]
    path = workbook(tmp_path / "台账.xlsx", {
        "上半年": [header, ["2025-03-03", "张三", ZHANG, "失业登记", "办结", "2025-03-04", "已办"]],
        "下半年": [header, ["2025-08-03", "李四", LI, "失业登记", "办结", "2025-08-04", "已办"],
                   ["2025-08-04", "王五", WANG, None, "办结", "2025-08-05", "已办"]],
    }, {"下半年": ["D2:D3"]})
    report = refused_changes_nothing(path)
    assert [(p.place, p.column) for p in report.problems] == [("工作表“下半年”第2行", "业务类型"),
                                                              ("工作表“下半年”第3行", "业务类型")]
    assert "合并单元格 D2:D3" in report.problems[0].message


@pytest.mark.parametrize("alias, code", [("4050", catalog.SUBSIDY_4050), ("失业登记", catalog.UNEMPLOYMENT),
                                         ("就业失业登记证", catalog.UNEMPLOYMENT), ("养老认证", catalog.PENSION),
                                         ("生存认证", catalog.PENSION), ("资格认证", catalog.PENSION),
                                         ("欠薪", catalog.WAGE), ("讨要工资", catalog.WAGE),
                                         ("“4050”社保补贴", catalog.SUBSIDY_4050), ("pension_cert", catalog.PENSION),
                                         ("４０５０", catalog.SUBSIDY_4050)])
def test_the_built_in_services_answer_to_what_staff_write(site_db, alias, code):
    assert catalog.match_service(alias).code == code


# ---------------------------------------------------------------- the command line


def cli(site_db: str, *args: str) -> int:
    return main(["--db", site_db, *args])


def test_the_cli_dry_run_prints_the_column_and_service_mapping_and_map_is_remembered(site_db, admin, tmp_path, capsys):
    path = workbook(tmp_path / "台账.xlsx", {"Sheet1": [
        ["序号", "登记日期", "申请人", "身份证", "业务", "状态", "办结日期", "办理结果"],
        [1, "2025-04-01", "张三", ZHANG, "4050", "办结", "2025-04-03", "已办"],
        [2, "2025-04-02", "李四", LI, "办证", "办结", "2025-04-03", "已办"],
    ]})
    before = snapshot()
    assert cli(site_db, "import", "intakes", str(path), "--dry-run") == 2  # a row is refused: the unknown service
    out = capsys.readouterr().out
    assert "列的对应：\n  “登记日期”列 → 受理日期\n  “申请人”列 → 姓名\n  “身份证”列 → 身份证号\n  “业务”列 → 业务类型\n" in out
    assert "  未导入的列：序号\n" in out
    assert "业务的对应：\n  “4050”（1行）→ “4050”社保补贴（简称）\n  “办证”（1行）→ 服务清单中没有，请指定对应的业务\n" in out
    assert cli(site_db, "import", "intakes", str(path)) == 2
    err = capsys.readouterr().err
    assert err.strip() == "“业务类型”列中有服务清单没有的写法：“办证”。请用 --map 办证=业务名称 指定对应的业务（导入后会记住）。"
    assert cli(site_db, "import", "intakes", str(path), "--map", "办证=法律援助") == 2
    assert "服务清单中没有“法律援助”这项业务" in capsys.readouterr().err
    assert cli(site_db, "import", "intakes", str(path), "--map", "办证") == 2
    assert "--map 应写作 值=业务" in capsys.readouterr().err
    assert snapshot() == before

    assert cli(site_db, "import", "intakes", str(path), "--map", "办证=失业登记") == 0
    assert "新增 2 条" in capsys.readouterr().out
    assert cli(site_db, "import", "intakes", str(path), "--dry-run", "--valid-only") == 0
    assert "“办证”（1行）→ 失业证（上次导入时指定）" in capsys.readouterr().out
    assert service_row(catalog.UNEMPLOYMENT).received == 1 and service_row(catalog.SUBSIDY_4050).received == 1


def test_the_template_states_per_service_what_the_importer_requires(site_db, tmp_path):
    from gridstation.core.ledgers.ledger_templates import write_template

    notes = openpyxl.load_workbook(write_template("intakes", tmp_path / "模板.xlsx"))["填写说明"]
    said = {row[0]: row[3] for row in notes.iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert said["材料已核验"].endswith("失业证：新受理必填；已办结或今天以前受理的历史记录可不填")
    assert said["处理方式"].endswith("讨薪：在窗口办结时必填；已办结的历史记录可不填")
    assert said["欠薪金额"].startswith("金额（元），可写 1,234.50、¥500、1.2万元")
    assert said["欠薪金额"].endswith("讨薪：必填（统计用）")
    for service in catalog.all_services():
        for fdef in catalog.fields_of(service):
            assert f"{service.name}：{fdef.requirement()}" in said[fdef.label]
            assert fdef.required_for(False) == fdef.required and fdef.required_for(True) == (fdef.required and bool(fdef.stat))


def test_the_issues_trial_a_year_typed_as_staff_write_it_into_the_stations_own_template(site_db, admin, tmp_path):
    """280 rows of 2025 in GridStation's own intake template, services as staff write them and the
    counter-only fields left empty: 277 of them used to be refused and nothing was imported."""
    from gridstation.core.ledgers.ledger_templates import write_template

    path = write_template("intakes", tmp_path / "受理台账.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    headers = [c.value for c in sheet[1]]
    sheet.delete_rows(2)  # the example row
    written = {"4050": 0, "失业登记": 0, "养老认证": 0, "欠薪": 0}
    for i in range(280):
        service = list(written)[i % 4]
        written[service] += 1
        day = dt.date(2025, 1, 1) + dt.timedelta(days=i)
        cells = {"受理日期": day.strftime("%Y.%-m.%-d"), "姓名": f"居民{i}", "身份证号": make_id("530102", "19600101",
                 f"{i:03d}"), "业务类型": service, "状态": "办结", "办结日期": day + dt.timedelta(days=2),
                 "办理结果": "已办结"}
        if service == "养老认证":
            cells["认证年度"] = 2025
        if service == "欠薪":
            cells |= {"涉及人数": 2, "欠薪金额": "5000元", "追回金额": "5000元"}
        sheet.append([cells.get(h) for h in headers])
    book.save(path)
    report = run(path)
    assert report.written and report.created == 280 and report.registered == 280, lines(report)[:3]
    stats = period_stats(*YEAR)
    assert stats.total.received == 280 and stats.total.completed == 280
    assert (stats.wage.cases, stats.wage.workers, stats.wage.owed_fen, stats.wage.recovered_fen) == (70, 140, 35_000_000,
                                                                                                     35_000_000)
    assert all(row.received == 70 for row in stats.services if row.code in catalog.BUILTIN_ALIASES)
