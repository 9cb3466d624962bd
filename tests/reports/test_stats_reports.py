"""The monthly and annual PDFs, the Excel workbook and the ``report`` command against the hand count."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.rules import clock
from gridstation.core.statistics.stats import DEFINITIONS, add_months
from gridstation.core.storage import models as m
from gridstation.reports.annual import write_annual
from gridstation.reports.monthly import write_monthly
from tests.conftest import STATION, pdf_text
from tests.core.statistics.test_stats import (
    FEB,
    FEB_DAILY_COMPLETED,
    FEB_DAILY_RECEIVED,
    FEB_GRIDS,
    FEB_SERVICES,
    FEB_STAFF,
    FEB_TOP_KINDS,
    FEB_TOTAL,
    JAN_SERVICES,
    LAST_YEAR_SERVICES,
    PENSION,
    TOOLS,
    WAGE,
    YTD_SERVICES,
    known,  # noqa: F401 - a fixture: the tests name it as a parameter
)

pytestmark = pytest.mark.both_backends

PERIODS = ["本月", "上月", "去年同月", "本年累计"]
WAGE_LABELS = ["受理案件（起）", "涉及人数（人）", "欠薪金额", "办结案件（起）", "追回金额", "转办案件（起）"]
PENSION_LABELS = ["养老金领取人员（人）", "本年度已认证（人）", "认证覆盖率", "本期认证（人次）"]
TOOL_LABELS = ["借用单（张）", "借出（件次）", "归还（件次）", "归还时损坏（件）", "归还时缺件（件）", "遗失（件）",
               "期末借出未还（件）", "期末逾期未还（件）", "在用工具（件）", "利用率"]
# Tool figures of February 2024 and of January-February 2025, counted from the loans in test_stats.
TOOLS_MORE = {"去年同月": (1, 1, 1, 0, 0, 0, 0, 0, 4, "1.7%"), "本年累计": (3, 5, 3, 1, 0, 1, 2, 1, 4, "40.1%")}


def rows_of(text: str) -> list[list[str]]:
    """Each line of ``pdftotext -layout`` output as its whitespace-separated cells."""
    return [line.split() for line in text.splitlines() if line.strip()]


def has_row(rows: list[list[str]], *cells: object) -> bool:
    return [str(c) for c in cells] in rows


def flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def figure_rows(table: dict[str, tuple]) -> list[list[str]]:
    return [[label, *map(str, values)] for label, values in table.items()]


def transpose(labels: list[str], by_period: dict[str, tuple]) -> list[list[str]]:
    """Figures-down tables: one row per label, one column per period."""
    return [[label, *(str(by_period[p][i]) for p in PERIODS)] for i, label in enumerate(labels)]


def expected_month_rows() -> list[list[str]]:
    """Every table row of the February 2025 report, as printed."""
    rows = figure_rows(FEB_SERVICES) + [["合计", *map(str, FEB_TOTAL)]]
    for name in FEB_SERVICES:
        ytd = YTD_SERVICES[name]
        rows.append([name, FEB_SERVICES[name][0], FEB_SERVICES[name][1], *JAN_SERVICES[name],
                     *LAST_YEAR_SERVICES[name], *ytd])
    rows.append(["合计", 9, 6, 4, 1, 2, 2, 13, 7, "46.2%"])
    rows += transpose(WAGE_LABELS, WAGE) + transpose(PENSION_LABELS, PENSION)
    rows += transpose(TOOL_LABELS, {**TOOLS, **TOOLS_MORE})
    rows += [[rank, name, n] for rank, (name, n) in enumerate(FEB_TOP_KINDS, start=1)]
    rows += figure_rows(FEB_STAFF) + [["合计", 9, 6, 2]]
    rows += figure_rows(FEB_GRIDS) + [["合计", 9, 6, 5, 2, "33.3%"]]
    return [[str(c) for c in row] for row in rows]


def test_monthly_pdf_and_excel_print_every_figure(known, tmp_path):
    pdf, xlsx = tmp_path / "m.pdf", tmp_path / "m.xlsx"
    assert write_monthly(FEB, pdf, xlsx) == pdf
    text = pdf_text(pdf)
    rows = rows_of(text)
    for row in expected_month_rows():
        assert row in rows, row
    assert STATION in text and "2025年2月 月度统计" in text
    assert "本月受理9件，办结6件，办结率33.3%；期末在办5件，其中逾期2件；借出工具3件次。" in flat(text)
    assert "统计期间：2025年2月1日至2025年2月28日" in text and "生成时间" in text
    pages = int(re.search(r"第1页／共(\d+)页", text).group(1))
    assert pages >= 2 and all(f"第{n}页／共{pages}页" in text for n in range(1, pages + 1))
    assert "站长签字" in text and "统计口径说明" in text
    assert all(flat(line)[:20] in flat(text) for line in DEFINITIONS)

    book = openpyxl.load_workbook(xlsx)
    assert book.sheetnames == ["业务受理", "同期比较", "讨薪", "养老认证", "共享工具箱", "常借工具", "人员工作量",
                               "网格工作量", "每日受理", "网格事件", "网格事件·网格", "网格事件·网格员",
                               "网格事件·类别", "网格与网格力量", "网格设置", "各网格", "一次性告知与容缺受理",
                               "好差评", "好差评·业务", "好差评·人员", "说明"]
    services = book["业务受理"]
    assert [c.value for c in services[3]] == ["业务", "受理", "办结", "在办", "退回", "转办", "逾期", "办结率",
                                              "平均办理天数"]
    assert services["A3"].font.b and services.freeze_panes == "B4"
    by_name = {row[0].value: row for row in services.iter_rows(min_row=4)}
    for name, expected in {**FEB_SERVICES, "合计": FEB_TOTAL}.items():
        row = by_name[name]
        assert [c.value for c in row[1:7]] == list(expected[:6]), name
        rate = row[7]
        assert rate.number_format == "0.0%" and f"{rate.value * 100:.1f}%" == expected[6]
        assert (row[8].value is None and expected[7] == "—") or f"{row[8].value:.1f}" == expected[7]
    assert by_name["合计"][0].font.b
    wage = {row[0].value: [c.value for c in row[1:]] for row in book["讨薪"].iter_rows(min_row=4)}
    assert wage["欠薪金额"] == [35000, 13000.5, 0, 48000.5] and wage["受理案件（起）"] == [2, 2, 0, 4]
    assert book["讨薪"]["B6"].number_format == '"¥"#,##0.00'
    tools = {row[0].value: [c.value for c in row[1:]] for row in book["共享工具箱"].iter_rows(min_row=4)}
    assert tools["借出（件次）"] == [3, 2, 1, 5] and round(tools["利用率"][0], 3) == 0.539
    assert [[c.value for c in r] for r in book["常借工具"].iter_rows(min_row=4)] == [[1, "梯子", 2], [2, "开锁工具", 1]]
    staff = {r[0].value: [c.value for c in r[1:]] for r in book["人员工作量"].iter_rows(min_row=4)}
    assert staff == {**{k: list(v) for k, v in FEB_STAFF.items()}, "合计": [9, 6, 2]}
    daily = {r[0].value: (r[1].value, r[2].value) for r in book["每日受理"].iter_rows(min_row=4, max_row=31)}
    assert daily[dt.datetime(2025, 2, 3)] == (FEB_DAILY_RECEIVED[3], FEB_DAILY_COMPLETED[3])
    assert sum(v[0] for v in daily.values()) == 9 and sum(v[1] for v in daily.values()) == 6
    notes = [c.value for c in book["说明"]["A"] if c.value]
    assert DEFINITIONS[5] in " ".join(notes)


def test_annual_pdf_has_the_month_table_and_the_work_summary(known, tmp_path):
    pdf = tmp_path / "a.pdf"
    write_annual(2025, pdf)
    text = pdf_text(pdf)
    rows = rows_of(text)
    assert "2025年 年度统计" in text
    paragraph = ("2025年社区承接并完成了讨薪1起（追回欠薪8,000.00元），失业证新办2本、年检1人次、注销1人次，"
                 "协助完成养老保险待遇资格认证2人次，矛盾纠纷调处1件，借出共享工具5次。全年共受理群众办事14件，"
                 "办结8件，办结率50.0%。养老保险待遇资格认证覆盖2人，占领取养老金人员的66.7%。")
    assert paragraph in flat(text)
    for row in (["1月", 4, 1, 0, 0, 4, 2, "25.0%", 2], ["2月", 9, 6, 1, 1, 5, 2, "33.3%", 3],
                ["3月", 1, 1, 0, 0, 5, 5, "0.0%", 0], ["4月", 0, 0, 0, 0, 5, 5, "—", 0],
                ["全年", 14, 8, 1, 1, 5, 5, "50.0%", 5], ["合计", 14, 8, 5, 1, 1, 5, "50.0%", "11.1"],
                ["失业证", 6, 4, "50.0%", 1, 0, "0.0%"], ["合计", 14, 8, "50.0%", 4, 3, "75.0%"]):
        assert has_row(rows, *row), row
    assert "站长签字" in text and "第1页／共" in text


def test_empty_month_gives_a_report_of_zeros(admin, tmp_path):
    pdf, xlsx = tmp_path / "empty.pdf", tmp_path / "empty.xlsx"
    write_monthly(FEB, pdf, xlsx)
    rows = rows_of(pdf_text(pdf))
    assert has_row(rows, "失业证", 0, 0, 0, 0, 0, 0, "—", "—")
    assert has_row(rows, "合计", 0, 0, 0, 0, 0, 0, "—", "—")
    assert has_row(rows, "欠薪金额", "¥0.00", "¥0.00", "¥0.00", "¥0.00")
    assert has_row(rows, "利用率", "—", "—", "—", "—")
    assert "本期没有受理" in pdf_text(pdf)
    assert openpyxl.load_workbook(xlsx)["业务受理"]["B4"].value == 0
    write_annual(2025, tmp_path / "empty-year.pdf")
    assert "2025年社区暂无办结的业务" in flat(pdf_text(tmp_path / "empty-year.pdf"))


def test_a_running_month_says_so(admin, tmp_path):
    today = clock.today()
    write_monthly(today.replace(day=1), tmp_path / "now.pdf")
    text = pdf_text(tmp_path / "now.pdf")
    if today.day < (add_months(today.replace(day=1), 1) - dt.timedelta(days=1)).day:
        assert "尚未结束" in text


def cli(db: Path, *args: str) -> int:
    try:
        return main(["--db", str(db), *args])
    except SystemExit as exc:  # argparse usage errors
        return int(exc.code)


def test_report_commands_write_the_files_and_audit_them(known, db_path, tmp_path, capsys):
    pdf, xlsx, year = tmp_path / "m.pdf", tmp_path / "m.xlsx", tmp_path / "y.pdf"
    assert cli(db_path, "report", "monthly", "--month", "2025-02", "--out", str(pdf), "--xlsx", str(xlsx)) == 0
    assert cli(db_path, "report", "annual", "--year", "2025", "--out", str(year)) == 0
    assert "已生成2025年2月 月度统计" in capsys.readouterr().out
    assert pdf.stat().st_size > 10_000 and xlsx.exists() and year.exists()
    assert has_row(rows_of(pdf_text(pdf)), "合计", *FEB_TOTAL)
    logged = [a.entity_id for a in m.AuditLog.select().where(m.AuditLog.action == "生成统计报表")]
    assert logged == ["2025年2月 月度统计", "2025年 年度统计"]


@pytest.mark.parametrize("args, message", [
    (["monthly", "--month", "2025-13"], "格式不正确"),
    (["monthly", "--month", "202502"], "格式不正确"),
    (["monthly", "--month", "next"], "格式不正确"),
    (["monthly", "--month", f"{add_months(clock.today().replace(day=1), 1):%Y-%m}"], "还没有到"),
    (["annual", "--year", "25"], "格式不正确"),
    (["annual", "--year", str(clock.today().year + 1)], "还没有到"),
])
def test_bad_or_future_period_exits_2_and_writes_nothing(db_path, tmp_path, capsys, args, message):
    folder = tmp_path / "out"
    folder.mkdir()
    extra = ["--xlsx", str(folder / "r.xlsx")] if args[0] == "monthly" else []
    assert cli(db_path, "report", *args, "--out", str(folder / "r.pdf"), *extra) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1
    assert not list(folder.iterdir())


def test_the_annual_report_writes_its_tables_to_excel_too(known, db_path, tmp_path, capsys):
    """`report annual` had no Excel: --xlsx writes the PDF's tables, the year's months as rows."""
    pdf, xlsx = tmp_path / "y.pdf", tmp_path / "y.xlsx"
    assert cli(db_path, "report", "annual", "--year", "2025", "--out", str(pdf), "--xlsx", str(xlsx)) == 0
    assert f"Excel：{xlsx}" in capsys.readouterr().out
    book = openpyxl.load_workbook(xlsx)
    months = {row[0]: row for row in book["逐月统计"].iter_rows(min_row=4, values_only=True)}
    assert months["2月"][1] == FEB_TOTAL[0]  # February's intakes, as in the monthly report
    entry = m.AuditLog.select().where(m.AuditLog.action == "生成统计报表").get()
    assert entry.entity_id == "2025年 年度统计" and "y.xlsx" in entry.after
    assert cli(db_path, "report", "annual", "--year", "2025", "--out", str(pdf), "--xlsx", str(pdf)) == 2
