"""Ledger import: every file format, every kind of Excel damage, the dry-run report, all-or-nothing."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from gridstation.core.intake import intakes, residents
from gridstation.core.ledgers import ledger_import, ledger_read
from gridstation.core.ledgers.ledger_import import ImportOptions, run_import
from gridstation.core.rules import clock
from gridstation.core.rules.errors import DomainError
from gridstation.core.station import catalog
from gridstation.core.storage import models as m
from gridstation.core.toolbox import tool_units
from tests.helpers import make_id, snapshot

HEADERS = ["姓名", "身份证号", "性别", "出生日期", "联系电话", "小区", "楼栋", "单元", "室", "网格", "备注"]
ZHANG = make_id("110101", "19900307", "771")  # 男
LI = make_id("110105", "19650812", "042")  # 女
WANG = make_id("530102", "19480101", "015")
X_ID = next(make_id("110101", "19700101", f"{s:03d}") for s in range(1000)
            if make_id("110101", "19700101", f"{s:03d}").endswith("X"))


def xlsx(path: Path, rows: list[list[object]], *, merge: str = "", title: str = "") -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if title:
        sheet.append([title])
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    workbook.save(path)
    return path


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        csv.writer(handle).writerows(rows)
    return path


def resident_row(name: str, number: str, **cells: object) -> list[object]:
    row: dict[str, object] = {"姓名": name, "身份证号": number, "联系电话": "13812345678", "小区": "星天地"}
    row.update(cells)
    return [row.get(h, "") for h in HEADERS]


def check(path: Path, kind: str = "residents", **options: bool) -> ledger_import.ImportReport:
    return run_import(ledger_read.open_ledger(path, kind), None, ImportOptions(**options))


def where(report: ledger_import.ImportReport) -> list[tuple[int, str]]:
    return [(p.row, p.column) for p in report.problems]


# ---------------------------------------------------------------- formats


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_writes(db_path, tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [HEADERS, resident_row("张三", ZHANG, 网格="第一网格"),
                                          resident_row("李四", LI)], encoding)
    report = check(path)
    assert report.written and report.created == 2, report.problems
    zhang = residents.find_by_document(ZHANG)
    assert (zhang.name, zhang.gender, zhang.compound, zhang.grid.name) == ("张三", "男", "星天地", "第一网格")
    assert residents.search("zs")[0].id == zhang.id  # pinyin keys written with the rows


def test_header_variants_a_title_row_and_column_order_are_recognised(db_path, tmp_path):
    headers = ["手机号", "公民身份号码", "居民姓名", "小区名称", "房号", "所属网格", "出生年月日"]
    path = xlsx(tmp_path / "r.xlsx", [headers, ["13812345678", ZHANG, "张三", "星天地", "501", "二网格", None]],
                title="星天地社区居民台账", merge="A1:G1")
    ledger = ledger_read.open_ledger(path, "residents")
    assert ledger.sheet.header_row == 2
    assert {k: ledger.sheet.headers[i] for k, i in ledger.mapping.items()} == {
        "phone": "手机号", "doc_number": "公民身份号码", "name": "居民姓名", "compound": "小区名称",
        "room": "房号", "grid": "所属网格", "birth_date": "出生年月日"}
    report = run_import(ledger, None)
    assert report.written and residents.find_by_document(ZHANG).room == "501"


@pytest.mark.parametrize("cell", [dt.datetime(1990, 3, 7), dt.date(1990, 3, 7), "1990-03-07", "1990/3/7",
                                  "1990年3月7日", "19900307", 19900307, "1990.3.7"])
def test_dates_in_every_form(db_path, tmp_path, cell):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 出生日期=cell)])
    report = check(path)
    assert report.written, report.problems


def test_a_birth_date_that_contradicts_the_id_number_is_reported(db_path, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 出生日期="1990-03-08", 性别="女")])
    report = check(path, dry_run=True)
    assert where(report) == [(2, "性别"), (2, "出生日期")]


def test_an_unreadable_date_names_its_column(db_path, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 出生日期="三月七日")])
    report = check(path, dry_run=True)
    assert where(report) == [(2, "出生日期")] and "不是有效的日期" in report.problems[0].message


# ---------------------------------------------------------------- Excel's damage


DAMAGE = [
    (110101199003077000, "被Excel存成了数字"),  # an xlsx number cell: 15 significant digits kept
    (1.10101199003077e17, "被Excel存成了数字"),
    ("1.10101E+17", "科学计数法"),  # the same number after a CSV round trip
    (ZHANG[:15] + "000", "末三位为000"),
    (X_ID[:17], "缺少最后一位X"),
    (ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1"), "校验位错误"),
    ("110101********7715", "已打码"),
]


@pytest.mark.parametrize("cell, words", DAMAGE)
def test_damaged_id_numbers_are_caught_not_imported(db_path, tmp_path, cell, words):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("李四", LI), resident_row("张三", cell)])
    report = check(path, dry_run=True)
    assert where(report) == [(3, "身份证号")]
    assert words in report.problems[0].message


@pytest.mark.parametrize("cell, words", [(13812345678.5, "小数"), ("13812345678.0", "小数"),
                                         ("1.38123E+10", "科学计数法"), (87167000000, "开头的0")])
def test_phone_numbers_damaged_by_excel_are_caught(db_path, tmp_path, cell, words):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 联系电话=cell)])
    report = check(path, dry_run=True)
    assert where(report) == [(2, "联系电话")] and words in report.problems[0].message


def test_a_mobile_number_stored_as_a_whole_number_is_intact_and_accepted(db_path, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 联系电话=13812345678)])
    assert check(path).written
    assert residents.find_by_document(ZHANG).phone == "13812345678"


def test_merged_cells_and_blank_rows(db_path, tmp_path):
    rows = [HEADERS, resident_row("张三", ZHANG, 小区="星天地"), resident_row("李四", LI, 小区=None),
            [None] * len(HEADERS), resident_row("王五", WANG)]
    path = xlsx(tmp_path / "r.xlsx", rows, merge="F2:F3")
    report = check(path, dry_run=True)
    assert where(report) == [(2, "小区"), (3, "小区")]
    assert "合并单元格 F2:F3" in report.problems[0].message
    assert report.notes == ["第4行为空行，已跳过。"]
    assert report.rows == 3


# ---------------------------------------------------------------- the dry run and the two import modes


def bad_file(tmp_path: Path) -> Path:
    return xlsx(tmp_path / "mixed.xlsx", [
        HEADERS,
        resident_row("张三", ZHANG),
        resident_row("", LI),  # row 3: no name
        resident_row("王五", WANG, 联系电话="12345"),  # row 4: bad phone
        resident_row("张三丰", ZHANG),  # row 5: same ID as row 2
    ])


def test_the_dry_run_lists_every_bad_row_and_column_and_writes_nothing(db_path, tmp_path):
    before = snapshot()
    audit_rows = m.AuditLog.select().count()
    report = check(bad_file(tmp_path), dry_run=True)
    assert where(report) == [(3, "姓名"), (4, "联系电话"), (5, "身份证号")]
    assert report.problems[1].message.startswith("联系电话“12345”格式不正确")
    assert "与第2行的证件号码相同" in report.problems[2].message
    assert report.problems[0].line() == "第3行“姓名”列：请填写“姓名”。"
    assert snapshot() == before and m.AuditLog.select().count() == audit_rows
    assert not report.written and "未写入任何数据" in report.summary()


def test_all_or_nothing_with_one_bad_row_leaves_the_database_unchanged(db_path, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG), resident_row("李四", LI),
                                      resident_row("王五", WANG, 联系电话="12345")])
    before = snapshot()
    report = check(path)
    assert not report.written and report.bad_rows == [4]
    assert snapshot() == before
    entry = m.AuditLog.select().order_by(m.AuditLog.id.desc()).get()
    assert (entry.action, entry.entity_id) == ("导入未完成", "r.xlsx")


def test_valid_only_imports_the_good_rows_and_writes_the_skipped_report(db_path, tmp_path):
    path = bad_file(tmp_path)
    ledger = ledger_read.open_ledger(path, "residents")
    report = run_import(ledger, None, ImportOptions(valid_only=True))
    assert report.written and report.created == 1 and report.bad_rows == [3, 4, 5]
    assert [r.name for r in m.Resident.select()] == ["张三"]
    out = ledger_import.write_skipped_report(report, ledger, tmp_path / "skipped.xlsx")
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("行号", "问题说明", "姓名", "身份证号")
    assert [r[0] for r in rows[1:]] == [3, 4, 5]
    assert "联系电话“12345”格式不正确" in rows[2][1] and rows[2][2] == "王五"
    # The report is itself a ledger: fixed, it imports again.
    assert ledger_read.open_ledger(out, "residents").mapping["name"] == 2
    entry = m.AuditLog.select().where(m.AuditLog.action == "导入").get()
    assert '"created": 1' in entry.after and '"bad_rows": 3' in entry.after


def test_registered_residents_are_skipped_or_updated_as_the_user_chooses(db_path, admin, tmp_path):
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG, compound="旧小区"))
    path = xlsx(tmp_path / "r.xlsx", [HEADERS, resident_row("张三", ZHANG, 小区="新小区"), resident_row("李四", LI)])
    skipped = check(path)
    assert (skipped.created, skipped.existing, skipped.updated) == (1, 1, 0)
    assert residents.find_by_document(ZHANG).compound == "旧小区"
    assert check(path, update_existing=True, dry_run=True).updated == 1
    updated = check(path, update_existing=True)
    assert (updated.created, updated.existing, updated.updated) == (0, 1, 1)
    assert residents.find_by_document(ZHANG).compound == "新小区"
    assert m.AuditLog.select().where(m.AuditLog.action == "修改居民").count() == 1


def test_a_cancelled_import_writes_nothing(db_path, tmp_path):
    rows = [HEADERS] + [resident_row(f"居民{i}", make_id("110101", "19800101", f"{i:03d}")) for i in range(600)]
    path = xlsx(tmp_path / "r.xlsx", rows)
    before = snapshot()
    seen: list[tuple[int, int]] = []

    def cancel() -> bool:  # polled before each progress report: stop once every row was checked
        return bool(seen) and seen[-1][0] * 2 >= seen[-1][1]

    with pytest.raises(ledger_import.ImportCancelled, match="没有写入任何数据"):
        run_import(ledger_read.open_ledger(path, "residents"), None,
                   progress=lambda done, total: seen.append((done, total)), cancel=cancel)
    assert seen[-1] == (600, 1200)  # it was writing when it stopped
    assert snapshot() == before


def test_a_file_without_a_required_column_is_refused_as_a_whole(db_path, tmp_path):
    path = xlsx(tmp_path / "r.xlsx", [["姓名", "小区"], ["张三", "星天地"]])
    with pytest.raises(DomainError, match="身份证号"):
        check(path)


def test_unsupported_files_are_refused_with_a_reason(db_path, tmp_path):
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf")
    with pytest.raises(DomainError, match="另存为"):
        ledger_read.open_ledger(tmp_path / "old.xls", "residents")
    (tmp_path / "bad.csv").write_bytes("姓名,身份证号\n".encode("utf-16"))
    with pytest.raises(DomainError, match="文字编码|找不到表头"):
        ledger_read.open_ledger(tmp_path / "bad.csv", "residents")


# ---------------------------------------------------------------- intakes, tools, loans


INTAKE_HEADERS = ["受理编号", "受理日期", "姓名", "身份证号", "业务类型", "办理事项", "状态", "办结日期", "办理结果",
                  "用人单位", "涉及人数", "欠薪金额", "追回金额", "处理方式", "认证年度", "认证方式", "材料已核验", "备注"]


def intake_row(**cells: object) -> list[object]:
    return [cells.get(h) for h in INTAKE_HEADERS]


@pytest.fixture
def people(admin):
    residents.save_resident(admin, residents.ResidentInput(name="张三", doc_number=ZHANG, is_pensioner=True))
    residents.save_resident(admin, residents.ResidentInput(name="李四", doc_number=LI))


def test_intakes_keep_their_serial_find_resident_and_service_and_reach_their_status(db_path, admin, people, tmp_path):
    path = xlsx(tmp_path / "i.xlsx", [
        INTAKE_HEADERS,
        intake_row(受理编号="SL202401050003", 受理日期="2024/1/5 09:30", 姓名="张三", 身份证号=ZHANG, 业务类型="讨薪",
                   状态="办结", 办结日期="2024年1月20日", 办理结果="已追回", 用人单位="某某建筑公司", 涉及人数=3,
                   欠薪金额="¥12,345.50", 追回金额="12,000", 处理方式="协商解决", 备注="电话预约"),
        intake_row(受理日期=dt.datetime(2024, 1, 5, 10, 0), 身份证号=LI, 业务类型=catalog.UNEMPLOYMENT,
                   办理事项="年检", 材料已核验="是"),
        intake_row(受理日期="20240106", 身份证号=ZHANG, 业务类型="养老保险待遇资格认证", 状态="办理中",
                   认证年度=2024, 认证方式="窗口"),
    ])
    report = check(path, "intakes")
    assert report.written and report.created == 3, report.problems
    wage = intakes.get_intake("SL202401050003")
    assert (wage.status, wage.amount_owed_fen, wage.amount_recovered_fen, wage.workers) == ("办结", 1234550, 1200000, 3)
    assert wage.completed_at == dt.datetime(2024, 1, 20) and wage.result == "已追回"
    assert intakes.history(wage)[0].note == "导入台账：电话预约"
    # Assigned numbers continue after the kept one, so no later intake can take it.
    assigned = intakes.query_intakes(intakes.IntakeFilter(resident_id=residents.find_by_document(LI).id)).get()
    assert assigned.serial == "SL202401050004" and assigned.action == "年检"
    pension = intakes.query_intakes(intakes.IntakeFilter(status="办理中")).get()
    assert pension.cert_year == 2024 and pension.received_at == dt.datetime(2024, 1, 6)
    again = check(path, "intakes", valid_only=True)
    # The kept serial was imported before; the unnumbered rows equal stored intakes in every field
    # (issue 22 item 11: they came in again before).
    assert again.existing == 3 and again.created == 0
    assert "SL202401050003 已在系统中" in " ".join(again.notes) and "SL202401050004 各项都相同" in " ".join(again.notes)


def test_intake_rows_refused_by_the_counters_rules_name_their_column(db_path, admin, people, tmp_path):
    path = xlsx(tmp_path / "i.xlsx", [
        INTAKE_HEADERS,
        intake_row(受理日期="2024-01-05", 身份证号=WANG, 业务类型="讨薪"),
        intake_row(受理日期="2024-01-05", 姓名="张叁", 身份证号=ZHANG, 业务类型=catalog.UNEMPLOYMENT, 材料已核验="是"),
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型="办证"),
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型="讨薪", 用人单位="某公司", 涉及人数="三人",
                   欠薪金额=100),
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型=catalog.UNEMPLOYMENT, 材料已核验="是", 用人单位="某公司"),
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型=catalog.UNEMPLOYMENT, 办理事项="补办", 材料已核验="是"),
        # A completed case needs its 办理结果 (the 处理结果 choice is asked only at the counter: see test_ledger_layouts).
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型="讨薪", 用人单位="某公司", 涉及人数=2, 欠薪金额=100,
                   状态="办结", 办结日期="2024-01-09", 处理结果="协商解决"),
        intake_row(受理日期="2024-01-05", 身份证号=ZHANG, 业务类型="讨薪", 状态="已完成"),
    ])
    before = snapshot()
    report = check(path, "intakes", dry_run=True)
    assert where(report) == [(2, "身份证号"), (3, "姓名"), (4, "业务类型"), (5, "涉及人数"), (6, "用人单位"),
                             (7, "办理事项"), (8, "办理结果"), (9, "状态")]
    assert "尚未登记" in report.problems[0].message
    assert snapshot() == before


def test_tools_and_loans_go_through_the_tool_box_rules(db_path, admin, people, tmp_path):
    tool_file = xlsx(tmp_path / "t.xlsx", [
        ["工具名称", "类别", "资产编号", "借用天数", "押金", "状态"],
        ["人字梯", "登高", "GJ-0101", 7, "¥50", "在库"],
        ["人字梯", "登高", "GJ-0102", 7, 50, "维修"],
        ["电钻", "电动", "", 3, "1,000.00", ""],
        ["电钻", "电动", "GJ-0103", 5, 1000, ""],  # contradicts the kind made two rows above
    ])
    report = check(tool_file, "tools", valid_only=True)
    assert report.created == 3 and where(report) == [(5, "借用天数")]
    assert tool_units.get_unit("GJ-0102").state == tool_units.REPAIR
    drill = m.ToolUnit.select().join(m.ToolKind).where(m.ToolKind.name == "电钻").get()
    assert drill.kind.deposit_fen == 100000

    lent = clock.now() - dt.timedelta(days=20)
    loan_file = xlsx(tmp_path / "l.xlsx", [
        ["借用单号", "资产编号", "身份证号", "姓名", "借出日期", "应还日期", "归还日期", "归还状况", "押金", "已退押金"],
        ["A1", "GJ-0101", ZHANG, "张三", lent, (lent + dt.timedelta(days=7)).date(), lent + dt.timedelta(days=6),
         "完好", 1050, 1050],
        ["A1", drill.asset_code, ZHANG, "张三", lent, (lent + dt.timedelta(days=7)).date(), None, None, 1050, 1050],
        ["", "GJ-0102", LI, "李四", lent, None, None, None, None, None],  # in repair: cannot be lent
    ])
    report = check(loan_file, "loans", valid_only=True)
    assert report.created == 1 and where(report) == [(4, "资产编号")] and "维修" in report.problems[0].message
    loan = m.Loan.get()
    assert (loan.deposit_fen, loan.deposit_refunded_fen, loan.entered_later) == (105000, 105000, True)
    assert tool_units.get_unit("GJ-0101").state == tool_units.AVAILABLE and tool_units.get_unit(drill.asset_code).state == tool_units.ON_LOAN


def test_a_clerk_cannot_create_tool_kinds_by_import(db_path, clerk, tmp_path):
    path = xlsx(tmp_path / "t.xlsx", [["工具名称", "借用天数", "押金"], ["人字梯", 7, 50]])
    report = run_import(ledger_read.open_ledger(path, "tools"), clerk, ImportOptions(dry_run=True))
    assert report.bad_rows == [2] and "站长" in report.problems[0].message


def test_a_slips_deposit_on_its_first_row_or_on_every_row_but_never_two_amounts(db_path, admin, people, tmp_path):
    """One deposit per 借用单: written once (as the export does) or repeated (older files) it is the same
    ¥80; two different amounts on one slip are refused, naming the column."""
    kind = tool_units.save_kind(admin, tool_units.KindInput(name="人字梯", loan_days=7, deposit="40"))
    tool_units.add_units(admin, kind.id, codes=["GJ-0201", "GJ-0202", "GJ-0203", "GJ-0204"])
    lent = clock.now() - dt.timedelta(days=2)
    path = xlsx(tmp_path / "l.xlsx", [
        ["借用单号", "资产编号", "身份证号", "姓名", "借出日期", "押金（每单）"],
        ["A1", "GJ-0201", ZHANG, "张三", lent, 80], ["A1", "GJ-0202", ZHANG, "张三", lent, None],
        ["B1", "GJ-0203", LI, "李四", lent, 80], ["B1", "GJ-0204", LI, "李四", lent, 40],
    ])
    report = check(path, "loans", valid_only=True)
    assert report.created == 1 and where(report) == [(4, "押金（每单）"), (5, "押金（每单）")]
    assert "一张借用单只有一笔押金" in report.problems[0].message
    assert [loan.deposit_fen for loan in m.Loan.select()] == [8000]


def test_a_residents_status_is_read_and_written_so_the_dead_stay_off_the_roster(db_path, admin, tmp_path):
    """状态, 状态日期, 迁往: a ledger's 迁出 and 死亡 are kept, an update records them through the counter's
    service (audited), a bad one is refused with its column, and the export writes them back."""
    from gridstation.core.ledgers.ledger_export import export_rows
    from gridstation.core.residents import status as st

    residents.save_resident(admin, residents.ResidentInput(name="王五", doc_number=WANG, is_pensioner=True))
    headers = [*HEADERS, "状态", "死亡日期", "迁往"]

    def row(name, number, *more):
        return [*resident_row(name, number), *more]

    bad = xlsx(tmp_path / "bad.xlsx", [headers, row("张三", ZHANG, "迁出", "2026-01-05", "")])
    assert where(check(bad, dry_run=True)) == [(2, "迁往")]
    future = xlsx(tmp_path / "future.xlsx", [headers, row("张三", ZHANG, "死亡", "2999-01-05", "")])
    assert where(check(future, dry_run=True)) == [(2, "死亡日期")]
    good = xlsx(tmp_path / "good.xlsx", [headers, row("张三", ZHANG, "迁出", "2026-01-05", "昆明市盘龙区"),
                                          row("李四", LI, "", "", ""), row("王五", WANG, "死亡", "2026-02-01", "")])
    report = check(good, update_existing=True)
    assert (report.created, report.updated) == (2, 1) and any("状态 在册→死亡（2026-02-01）" in n for n in report.notes)
    found = {r.name: (r.status, r.status_on, r.moved_to) for r in m.Resident.select()}
    assert found == {"张三": (st.MOVED_OUT, dt.date(2026, 1, 5), "昆明市盘龙区"), "李四": (st.PRESENT, None, ""),
                     "王五": (st.DECEASED, dt.date(2026, 2, 1), "")}
    assert m.AuditLog.select().where(m.AuditLog.action == "变更居民状态").count() == 1
    out = tmp_path / "out.xlsx"
    export_rows("residents", None, out, full_id=True, actor=admin)
    sheet = openpyxl.load_workbook(out).active
    rows = [[c.value for c in r] for r in sheet.iter_rows()]
    head = next(r for r in rows if r and "状态" in r)
    by_name = {r[head.index("姓名")]: r for r in rows[rows.index(head) + 1:] if r and r[0]}
    assert by_name["王五"][head.index("状态")] == "死亡" and by_name["张三"][head.index("迁往")] == "昆明市盘龙区"
    again = xlsx(tmp_path / "again.xlsx", [headers, row("王五", WANG, "迁出", "2026-03-01", "昆明市")])
    check(again, update_existing=True)  # only the status changes: no empty 修改居民 entry beside it
    from gridstation.core.ledgers import audit_text
    assert not any("没有变化" in line for line in audit_text.sentences(list(m.AuditLog.select())))
