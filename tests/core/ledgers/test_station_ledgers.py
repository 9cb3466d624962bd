"""A station's own ledgers as an outside tester brought them: a two-row header (住址 merged over
小区/楼栋/单元/室), a column named one way on one sheet and another way on the next, totals rows as
staff write them, the station's words for a phone, formulas written by a script, a workbook with an
open password. Each is read as the station meant it, or refused in words — never read as empty cells.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from gridstation.core.intake import residents
from gridstation.core.ledgers import column_choices, ledger_columns, ledger_import, ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules.errors import DomainError
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_layouts import workbook
from tests.helpers import make_id, snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ledgers"
HUANG, ZHOU = make_id("530102", "19520322", "871"), make_id("530102", "19741112", "840")
LI, WU = make_id("530102", "19790514", "558"), make_id("530102", "19820320", "366")
TOP = ["序号", "公民身份号码", "姓名", "手机", "住址", None, None, None, "所属网格", "备注"]
SUB = [None, None, None, None, "小区", "楼栋", "单元", "室", None, None]
FIRST_GRID = [
    [1, HUANG, "黄建国", "18240771082", "阳光花园", "12", "2", "1004", "第一网格", None],
    [2, ZHOU, "周桂兰", "13551413927", "幸福里", "5", "3", "902", "第一网格", None],
    [None] * 10,
    ["合计", "2人"] + [None] * 8,
]
SECOND_GRID = [
    ["姓名", "身份证号码", "联系电话", "小区", "楼栋", "单元", "室", "网格"],
    ["李桂兰", LI, "15145996662", "锦绣苑", "5", "1", "1601", "第二网格"],
    ["吴桂兰", WU, "13519941585", "阳光花园", "11", "3", "1803", "第二网格"],
    ["合计：2人", None, None, None, None, None, None, None],
]


def two_row_header_book() -> openpyxl.Workbook:
    """The 花名册 as stations keep it: a merged title, a two-row header on the first sheet (the other
    header cells merged down over both rows), a one-row header on the second. Also written as .xls and
    .ods by tests/fixtures/ledgers/make_ledgers.py."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = "一网格"
    for row in (["幸福社区居民花名册（第一网格）"], TOP, SUB, *FIRST_GRID):
        first.append(row)
    first.merge_cells("A1:J1")
    first.merge_cells("E2:H2")
    for column in "ABCDIJ":
        first.merge_cells(f"{column}2:{column}3")
    second = book.create_sheet("二网格")
    for row in SECOND_GRID:
        second.append(row)
    return book


def addresses() -> dict[str, tuple[str, str, str, str, str]]:
    return {r.name: (r.compound, r.building, r.unit, r.room, r.phone) for r in m.Resident.select()}


# ---------------------------------------------------------------- F2: a two-row header


@pytest.mark.parametrize("fmt", ["xlsx", "xls", "ods"])
def test_a_two_row_header_names_the_columns_under_its_merged_cell(site_db, admin, tmp_path, fmt):
    if fmt == "xlsx":
        path = tmp_path / "居民花名册.xlsx"
        two_row_header_book().save(path)
    else:
        path = FIXTURES / f"residents-two-row-header.{fmt}"
    ledger = column_choices.open_ledger(path, "residents")
    report = run_import(ledger, admin)
    assert report.written and report.created == 4 and not report.problems, [p.line() for p in report.problems]
    assert addresses() == {"黄建国": ("阳光花园", "12", "2", "1004", "18240771082"),
                           "周桂兰": ("幸福里", "5", "3", "902", "13551413927"),
                           "李桂兰": ("锦绣苑", "5", "1", "1601", "15145996662"),
                           "吴桂兰": ("阳光花园", "11", "3", "1803", "13519941585")}
    assert ledger.sheet.parts[0].header_row == 3  # the header's last row; row 4 is the first data row
    assert not any("合并单元格" in p.message for p in report.problems)


def test_a_two_row_header_without_merge_information_is_recognised_by_its_blank_cells(site_db, admin, tmp_path):
    path = tmp_path / "花名册.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([TOP, SUB, *FIRST_GRID])
    report = run_import(column_choices.open_ledger(path, "residents"), admin)
    assert report.written and report.created == 2, [p.line() for p in report.problems]
    assert addresses()["黄建国"] == ("阳光花园", "12", "2", "1004", "18240771082")


def test_a_merged_header_with_no_names_under_it_is_refused_not_read_as_empty(site_db, admin, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"台账": [
        ["姓名", "身份证号", "联系电话", None, "小区"],
        ["黄建国", HUANG, "18240771082", "0871-65123999", "阳光花园"]]}, {"台账": ["C1:D1"]})
    ledger = column_choices.open_ledger(path, "residents")
    assert "phone" not in ledger.mapping  # which of C and D holds the phone the file does not say
    report = run_import(ledger, admin, ImportOptions(dry_run=True))
    assert "表头“联系电话”合并了 C1:D1，下面没有各列的名称，这 2 列未导入" in "\n".join(report.notes)


# ---------------------------------------------------------------- F3: a column chosen for one sheet


def test_a_column_chosen_for_one_sheet_leaves_each_other_sheet_its_own_column(site_db, admin, tmp_path):
    path = workbook(tmp_path / "受理台账.xlsx", {
        "1月": [["序号", "受理日期", "姓名", "身份证号", "联系电话", "业务类型", "状态", "办结日期", "办理结果", "认证年度"],
                [1, "2025-01-08", "黄建国", HUANG, "18240771082", "养老认证", "办结", "2025-01-08", "已认证", 2024]],
        "2月": [["日期", "姓名", "身份证号", "本人电话", "业务", "状态", "办结日期", "办理结果", "年度"],
                ["2025-02-03", "李桂兰", LI, "15145996662", "养老认证", "办结", "2025-02-03", "已认证", 2025]]})
    ledger = column_choices.open_ledger(path, "intakes", [("本人电话", "联系电话"), ("年度", "认证年度")])
    lines = ledger_import.mapping_lines(ledger)
    assert "“本人电话”列 → 联系电话（工作表“2月”；本次指定）" in lines
    assert "“联系电话”列 → 联系电话（工作表“1月”）" in lines
    assert lines[-1] == "未导入的列：工作表“1月”的“序号”"
    report = run_import(ledger, admin)
    assert report.written and report.created == 2, [p.line() for p in report.problems]
    assert {r.name: r.phone for r in m.Resident.select()} == {"黄建国": "18240771082", "李桂兰": "15145996662"}
    assert sorted(i.cert_year for i in m.Intake.select()) == [2024, 2025]
    assert column_choices.remembered("intakes") == {"本人电话": "phone", "年度": "field:认证年度"}


def test_a_chosen_column_on_a_sheet_with_the_fields_own_column_is_left_unread_and_said(site_db, admin, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"台账": [["姓名", "身份证号", "联系电话", "本人电话"],
                                                 ["黄建国", HUANG, "18240771082", "13900000000"]]})
    ledger = column_choices.open_ledger(path, "residents", [("本人电话", "联系电话")])
    assert ledger_import.mapping_lines(ledger)[-1] == "未导入的列：本人电话"
    assert run_import(ledger, admin).written and residents.find_by_document(HUANG).phone == "18240771082"


# ---------------------------------------------------------------- F7: totals rows


@pytest.mark.parametrize("total", ["合计：15人", "合计 15 人", "总计：", "小计", "本页合计"])
def test_a_totals_row_is_recognised_by_its_first_text_cell(site_db, admin, tmp_path, total):
    path = workbook(tmp_path / "r.xlsx", {"台账": [["姓名", "身份证号", "联系电话"], ["黄建国", HUANG, None],
                                                 [total, None, 15]]})
    report = run_import(column_choices.open_ledger(path, "residents"), admin)
    assert report.written and report.created == 1 and not report.problems
    assert "第3行为合计或小计行，已跳过。" in report.notes


def test_a_person_whose_notes_mention_a_total_is_still_a_person(site_db, admin, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"台账": [["姓名", "身份证号", "备注"], ["黄建国", HUANG, "合计：3人同住"]]})
    assert run_import(column_choices.open_ledger(path, "residents"), admin).created == 1


# ---------------------------------------------------------------- F10: the station's own words


@pytest.mark.parametrize("kind", ledger_columns.KINDS)
def test_every_phone_column_answers_to_every_phone_wording(kind):
    phones = [c for c in ledger_columns.FIXED_COLUMNS[kind] if c.type == ledger_columns.PHONE]
    for spec in phones:
        assert {"手机", "手机号", "电话", "联系方式"} <= set(spec.names()), spec.header


def test_an_intake_ledger_reads_shouji_as_the_phone(site_db, admin, tmp_path):
    path = workbook(tmp_path / "r.xlsx", {"台账": [
        ["受理日期", "姓名", "身份证号", "手机", "业务类型", "状态", "办结日期", "办理结果", "认证年度"],
        ["2025-01-08", "黄建国", HUANG, "18240771082", "养老认证", "办结", "2025-01-08", "已认证", 2025]]})
    assert run_import(column_choices.open_ledger(path, "intakes"), admin).written
    assert residents.find_by_document(HUANG).phone == "18240771082"


def test_a_pension_ledger_without_a_year_column_takes_the_year_of_receipt_and_says_so(site_db, admin, tmp_path):
    path = workbook(tmp_path / "养老认证.xlsx", {"台账": [
        ["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"],
        ["2024-12-30", "黄建国", HUANG, "养老认证", "办结", "2024-12-30", "已认证"],
        ["2025-01-08", "周桂兰", ZHOU, "养老认证", "办结", "2025-01-08", "已认证"]]})
    dry = run_import(column_choices.open_ledger(path, "intakes"), admin, ImportOptions(dry_run=True))
    assert not dry.problems, [p.line() for p in dry.problems]
    assert "文件中没有“认证年度”列：养老保险待遇资格认证的 2 行按受理日期的年份计。" in dry.notes
    assert run_import(column_choices.open_ledger(path, "intakes"), admin).written
    assert sorted(i.cert_year for i in m.Intake.select()) == [2024, 2025]


def test_a_missing_column_a_row_needs_is_said_as_missing_not_as_a_bad_value(site_db, admin, tmp_path):
    path = workbook(tmp_path / "工具.xlsx", {"工具": [["名称", "分类", "押金"], ["人字梯", "登高", 100]]})
    report = run_import(column_choices.open_ledger(path, "tools"), admin, ImportOptions(dry_run=True))
    [problem] = report.problems
    assert problem.message.startswith("文件中没有“借用天数”列"), problem.line()

    path = workbook(tmp_path / "工具清单.xlsx", {"工具": [["名称", "分类", "押金", "可借天数"], ["人字梯", "登高", 100, 3]]})
    assert run_import(column_choices.open_ledger(path, "tools"), admin).written
    assert m.ToolKind.get().loan_days == 3


# ---------------------------------------------------------------- F14, F11: what a file holds that cannot be read


def test_a_formula_without_its_result_is_named_not_read_as_empty(site_db, admin, tmp_path):
    book = openpyxl.Workbook()  # openpyxl writes formulas without their results, as scripts do
    book.active.append(["姓名", "身份证号", "联系电话", "备注"])
    book.active.append(["黄建国", HUANG, "18240771082", None])
    book.active.append(["周桂兰", ZHOU, "=13800000000", "=1+1"])
    path = tmp_path / "公式.xlsx"
    book.save(path)
    before = snapshot()
    report = run_import(column_choices.open_ledger(path, "residents"), admin)
    assert not report.written and snapshot() == before
    assert [p.line() for p in report.problems] == [
        "第3行“联系电话”列：是公式，没有计算结果。请在 Excel 或 WPS 中打开并保存后再导入。",
        "第3行“备注”列：是公式，没有计算结果。请在 Excel 或 WPS 中打开并保存后再导入。"]


def test_a_workbook_with_an_open_password_is_said_to_have_one(site_db, tmp_path):
    with pytest.raises(DomainError) as refused:
        ledger_read.open_ledger(FIXTURES / "encrypted.xlsx", "residents")
    assert refused.value.message.startswith("文件 encrypted.xlsx 设置了打开密码")


def test_an_xls_workbook_named_xlsx_is_read_for_what_it_is(site_db, admin, tmp_path):
    path = tmp_path / "花名册.xlsx"
    shutil.copy(FIXTURES / "residents.xls", path)
    report = run_import(column_choices.open_ledger(path, "residents"), admin)
    assert report.written and report.created == 2

