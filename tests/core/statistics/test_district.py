"""District roll-up: each station exports its month, the street office adds them up.

The summary of the hand-counted station of test_stats carries exactly its report's figures (on
both backends); the report of three stations is checked against the sum of their files, in the
PDF's text and in the workbook.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from gridstation.cli import main
from gridstation.core.intake.intakes import IntakeInput, create_intake
from gridstation.core.station import station
from gridstation.core.statistics import district
from gridstation.core.storage import db as dbmod
from gridstation.core.storage import models as m
from tests.conftest import PASSWORD, pdf_text
from tests.core.statistics.test_stats import FEB_TOTAL, PENSION, TOOLS, WAGE, build_known_data

pytestmark = pytest.mark.both_backends

FEB = dt.date(2025, 2, 1)
ADDITIVE = ["received", "completed", "in_progress", "returned", "forwarded", "overdue"]


def cli(target, *args: str) -> int:
    return main(["--db", str(target), *args])


def test_summary_carries_the_monthly_report_figures(site_db, admin, tmp_path, capsys):
    build_known_data(admin)
    out = tmp_path / "summary.json"
    assert cli(site_db, "report", "monthly", "--month", "2025-02", "--out", str(tmp_path / "m.pdf"),
               "--export-summary", str(out)) == 0
    assert "汇总数据" in capsys.readouterr().out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (data["format"], data["version"], data["month"]) == (district.FORMAT, district.VERSION, "2025-02")
    assert data["station"]["name"] == "新亚洲体育城社区为民服务站"
    assert [data["intakes"][k] for k in ADDITIVE] == list(FEB_TOTAL[:6])
    assert (data["wage"]["cases"], data["wage"]["workers"], data["wage"]["owed_fen"], data["wage"]["recovered_fen"]) == (
        WAGE["本月"][0], WAGE["本月"][1], 3_500_000, 800_000)
    assert (data["pension"]["pensioners"], data["pension"]["certified"]) == PENSION["本月"][:2]
    assert (data["tools"]["slips"], data["tools"]["lent"]) == TOOLS["本月"][:2]
    assert all(type(v) is int for k, v in data["intakes"].items() if k != "days_total")
    back = district.read_summary(out)
    assert back.stats.total.completion_rate == pytest.approx(3 / 9)
    assert m.AuditLog.select().where(m.AuditLog.action == "生成统计报表").first().after.count("summary.json") == 1


def make_station(folder: Path, number: int, extra: int) -> Path:
    """The hand-counted station plus ``extra`` open February intakes, exported as a summary file."""
    path = folder / f"station{number}.db"
    station.open_site(str(path))
    station.init_station(f"第{number}社区为民服务站", "admin", PASSWORD, address=f"幸福路{number}号")
    admin = m.Staff.get(m.Staff.username == "admin")
    build_known_data(admin)
    zhang = m.Resident.get(m.Resident.name == "张三")
    for day in range(extra):
        create_intake(admin, IntakeInput(zhang.id, "unemployment", "新办", {"docs_checked": True},
                                         received_at=dt.datetime(2025, 2, 20 + day, 9)))
    dbmod.close_database()
    summary = folder / f"station{number}.json"
    assert cli(path, "report", "monthly", "--month", "2025-02", "--out", str(folder / f"m{number}.pdf"),
               "--export-summary", str(summary)) == 0
    return summary


@pytest.fixture
def three(tmp_path) -> list[Path]:
    return [make_station(tmp_path, number, extra) for number, extra in ((1, 0), (2, 3), (3, 5))]


def totals_line(text: str, index: int) -> list[str]:
    """The figures of the ``index``-th 合计 row in the PDF's text."""
    return [x for x in re.findall(r"^\s*合计\s+(.*)$", text, re.M)[index].split()]


def test_district_report_is_the_sum_of_the_stations(three, tmp_path, capsys):
    pdf, xlsx = tmp_path / "district.pdf", tmp_path / "district.xlsx"
    assert main(["district", "--month", "2025-02", *map(str, three), "--out", str(pdf), "--xlsx", str(xlsx),
                 "--office", "关上街道办事处"]) == 0
    assert "3个服务站" in capsys.readouterr().out
    files = [json.loads(p.read_text(encoding="utf-8")) for p in three]
    total = {k: sum(f["intakes"][k] for f in files) for k in [*ADDITIVE, "received_completed"]}
    assert total["received"] == 3 * FEB_TOTAL[0] + 8  # the three stations really differ
    rate = f"{total['received_completed'] / total['received'] * 100:.1f}%"
    owed = sum(f["wage"]["owed_fen"] for f in files)
    lent = sum(f["tools"]["lent"] for f in files)

    text = pdf_text(pdf)
    assert "关上街道办事处" in text and "2025年2月 各服务站月度统计汇总" in text
    for number in (1, 2, 3):
        assert f"第{number}社区为民服务站" in text
    assert totals_line(text, 0)[:7] == [str(total[k]) for k in ADDITIVE] + [rate]
    assert f"¥{Decimal(owed) / 100:,.2f}" in totals_line(text, 1)
    assert totals_line(text, 3)[1] == str(lent)

    book = openpyxl.load_workbook(xlsx)
    sheet = book["各站受理"]
    header = [c.value for c in sheet[3]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True)}
    assert list(rows) == ["第1社区为民服务站", "第2社区为民服务站", "第3社区为民服务站", "合计"]
    for key, label in zip(ADDITIVE, ["受理", "办结", "在办", "退回", "转办", "逾期"], strict=False):
        col = header.index(label)
        assert [rows[f"第{n}社区为民服务站"][col] for n in (1, 2, 3)] == [f["intakes"][key] for f in files]
        assert rows["合计"][col] == total[key]
    assert rows["合计"][header.index("办结率")] == pytest.approx(total["received_completed"] / total["received"])
    wage = {r[0]: r for r in book["讨薪"].iter_rows(min_row=4, values_only=True)}
    assert wage["合计"][3] == Decimal(owed) / 100


def test_files_that_do_not_add_up_are_refused_and_nothing_is_written(three, tmp_path, capsys):
    data = json.loads(three[0].read_text(encoding="utf-8"))
    variants = {
        "march.json": {**data, "month": "2025-03", "period": {"start": "2025-03-01", "end": "2025-03-31",
                                                             "cutoff": "2025-03-31"}},
        "early.json": {**data, "station": {"name": "早导出站"}, "period": {**data["period"], "cutoff": "2025-02-20"}},
        "v3.json": {**data, "version": 3},
        "broken.json": {**data, "intakes": {**data["intakes"], "received": -1}},
        "huge.json": {**data, "grids": {**data["grids"], "households": 10**30}},
        "level.json": {**data, "grids": {**data["grids"], "levels": {"=1+1": {"综合网格": 3}}}},
        "kind.json": {**data, "grids": {**data["grids"], "levels": {"四级": {"=cmd|' /C calc'!A0": 2}}}},
        "bell.json": {**data, "grids": {**data["grids"], "levels": {"四级\u0007\n": {"综合网格": 2}}}},
    }
    for name, content in variants.items():
        (tmp_path / name).write_text(json.dumps(content, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "other.json").write_text('{"hello": 1}', encoding="utf-8")
    cases = [
        ([three[0], tmp_path / "march.json"], "不是2025年2月的"),
        ([three[0], three[0]], "出现了两次"),
        ([three[1], tmp_path / "early.json"], "截止日不同"),
        ([tmp_path / "v3.json"], "版本"),
        ([tmp_path / "broken.json"], "broken.json 的内容不完整或有误"),
        ([tmp_path / "huge.json"], "超出了一个服务站可能的数目"),  # 10^30 households spilled over the PDF
        ([tmp_path / "level.json"], "不是网格层级的名称"),
        ([tmp_path / "kind.json"], "应为综合网格、专属网格之一"),
        ([tmp_path / "bell.json"], "不是网格层级的名称"),
        ([tmp_path / "other.json"], "不是网格服务站的月度汇总文件"),
        ([tmp_path / "missing.json"], "找不到汇总文件"),
    ]
    pdf = tmp_path / "out.pdf"
    for files, words in cases:
        assert main(["district", "--month", "2025-02", *map(str, files), "--out", str(pdf)]) == 2, words
        assert words in capsys.readouterr().err
        assert not pdf.exists()


def test_summary_path_may_not_be_the_report_itself(site_db, tmp_path, capsys):
    """The summary is a .json file: the report's own .pdf (or its .xlsx) is refused before any work."""
    pdf = tmp_path / "m.pdf"
    assert cli(site_db, "report", "monthly", "--month", "2025-02", "--out", str(pdf), "--export-summary", str(pdf)) == 2
    assert "输出文件应以 .json 结尾：m.pdf" in capsys.readouterr().err
    assert not pdf.exists()


def test_a_file_from_before_the_grid_figures_counts_zero_beside_a_new_one(three, tmp_path, capsys):
    new = json.loads(three[0].read_text(encoding="utf-8"))
    assert new["version"] == district.VERSION == 2 and new["grids"]["buildings"] == 0
    new["grids"] = {**new["grids"], "grids": 3, "buildings": 20, "households": 900, "residents": 2100, "workers": 2,
                    "building_heads": 18, "diary_entries": 40, "diary_events": 5, "levels": {"四级": {"综合网格": 3}}}
    three[0].write_text(json.dumps(new, ensure_ascii=False), encoding="utf-8")
    old = json.loads(three[1].read_text(encoding="utf-8"))
    del old["grids"], old["events"]
    old["version"] = 1  # as the previous release wrote it
    three[1].write_text(json.dumps(old, ensure_ascii=False), encoding="utf-8")
    assert district.read_summary(three[1]).stats.grid_register.total.households == 0

    pdf, xlsx = tmp_path / "district.pdf", tmp_path / "district.xlsx"
    assert main(["district", "--month", "2025-02", *map(str, three[:2]), "--out", str(pdf), "--xlsx", str(xlsx)]) == 0
    book = openpyxl.load_workbook(xlsx)
    sheet = book["网格与网格力量"]
    header = [c.value for c in sheet[3]]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0]}
    column = {label: header.index(label) for label in ("楼栋（栋）", "户数（户）", "专职网格员（名）", "每名网格员联系户数")}
    assert [rows["第1社区为民服务站"][column[k]] for k in column] == [20, 900, 2, 450]
    assert [rows["第2社区为民服务站"][column[k]] for k in column][:3] == [0, 0, 0]
    assert [rows["合计"][column[k]] for k in column] == [20, 900, 2, 450]
    levels = {r[0]: r for r in book["网格设置"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert levels["四级"][1:] == (3, 0, 3)
    text = pdf_text(pdf)
    assert "网格、楼栋与网格力量" in text
    assert "第2社区为民服务站的汇总文件为升级前的版本1" in text.replace("\n", "")
