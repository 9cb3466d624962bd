"""An event ledger as stations keep it: their own column names (办结日期), their own wording of a value
(上报街道平台) and a dispute's outcome (调解成功 / 调解不成), which an export carries and an import reads."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from gridstation.core.events import figures, rules
from gridstation.core.events.mediation import NOT_IN_LEDGER
from gridstation.core.ledgers import column_choices, ledger_export, ledger_import
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_import import xlsx

HEADERS = ["日期", "事件类型", "网格", "事件描述", "处理方式", "平台编号", "办结日期", "处理结果", "调解结果"]


@pytest.fixture
def grid(clerk):
    return m.Grid.create(name="第一网格", worker=clerk)


def test_a_stations_own_wording_is_read_and_the_year_counts_it(head, grid, tmp_path):
    path = xlsx(tmp_path / "事件.xlsx", [HEADERS,
        ["2025-03-02", "环境卫生", "第一网格", "楼道堆物", "网格自行处置", "", "2025-03-03", "已清理", ""],
        ["2025-03-04", "民生诉求", "第一网格", "停水", "上报街道平台", "JD-9", "2025-03-06", "已恢复", ""],
        ["2025-04-01", "矛盾纠纷", "第一网格", "邻里漏水", "", "", "2025-04-02", "赔偿500元", "调解成功"],
        ["2025-05-01", "矛盾纠纷", "第一网格", "噪音纠纷", "", "", "2025-05-03", "引导至法院", "不成功"],
    ])
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), head)
    assert report.written and report.created == 4, [p.line() for p in report.problems]
    by_text = {e.description: e for e in m.GridEvent.select()}
    assert by_text["楼道堆物"].route == rules.IN_GRID
    assert (by_text["停水"].route, by_text["停水"].platform_case_no) == (rules.REPORTED_UP, "JD-9")
    assert by_text["停水"].closed_at == dt.datetime(2025, 3, 6)
    leak, noise = by_text["邻里漏水"], by_text["噪音纠纷"]
    assert (leak.mediation_outcome, leak.agreement_terms, leak.status) == (rules.MEDIATION_SUCCESS, "赔偿500元", rules.CLOSED)
    assert (noise.mediation_outcome, noise.referred_to) == (rules.MEDIATION_FAILED, "引导至法院")
    year = figures.event_figures(dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2026, 1, 10)).total
    assert (year.closed, year.mediations, year.mediation_success) == (4, 2, 1)
    assert "成功1件" in figures.year_sentence(year) and "办结率达0" not in figures.year_sentence(year)


def test_an_outcome_needs_a_dispute_and_a_known_word(head, grid, tmp_path):
    path = xlsx(tmp_path / "事件.xlsx", [HEADERS,
        ["2025-03-02", "环境卫生", "第一网格", "楼道堆物", "", "", "", "", "调解成功"],
        ["2025-04-01", "矛盾纠纷", "第一网格", "邻里漏水", "", "", "", "", "和好"],
    ])
    report = ledger_import.run_import(column_choices.open_ledger(path, "events"), head, ledger_import.ImportOptions(dry_run=True))
    lines = [p.line() for p in report.problems]
    assert any(line.startswith("第2行“调解结果”列") and "不是矛盾纠纷" in line for line in lines), lines
    assert any(line.startswith("第3行“调解结果”列") and "只能是" in line for line in lines), lines


def test_an_export_of_mediations_imports_back_with_its_outcome(head, grid, tmp_path):
    path = xlsx(tmp_path / "事件.xlsx", [HEADERS,
        ["2025-04-01", "矛盾纠纷", "第一网格", "邻里漏水", "", "", "2025-04-02", "", "调解成功"]])
    assert ledger_import.run_import(column_choices.open_ledger(path, "events"), head).written
    assert m.GridEvent.get().agreement_terms == NOT_IN_LEDGER  # the ledger wrote none: said so, not lost
    out = tmp_path / "导出.xlsx"
    ledger_export.export_rows("events", None, out, actor=head)
    sheet = openpyxl.load_workbook(out).active
    cells = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=False))
    assert cells["调解结果"] == rules.MEDIATION_SUCCESS
    # So that the same file is no repeat of what is there, and its 事件编号 is free (an import keeps a
    # ledger's numbers and refuses one another event holds).
    m.GridEvent.update(description="改过", number="SJ202504019999").execute()
    back = ledger_import.run_import(column_choices.open_ledger(out, "events"), head)
    assert back.written and back.created == 1, [p.line() for p in back.problems]
    imported = m.GridEvent.get(m.GridEvent.description == "邻里漏水")
    assert imported.mediation_outcome == rules.MEDIATION_SUCCESS
