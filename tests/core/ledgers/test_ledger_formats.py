"""Ledgers as older offices keep them: Excel 97-2003 (.xls) and LibreOffice (.ods) files, made once by
tests/fixtures/ledgers/make_ledgers.py, import like .xlsx (merged title, ID numbers, dates, amounts);
an ID the old format stored as a number is refused by name; and a workbook whose sheets name the
same column differently reads that column on every sheet.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gridstation.core.intake import residents
from gridstation.core.ledgers import column_choices, ledger_import
from gridstation.core.statistics.stats import period_stats
from gridstation.core.storage import models as m
from tests.core.ledgers.test_ledger_layouts import YEAR, lines, run, workbook
from tests.helpers import make_id, snapshot

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "ledgers"
ZHANG, LI = make_id("110101", "19900307", "771"), make_id("110105", "19650812", "042")
FORMATS = ("xls", "ods")


@pytest.mark.parametrize("fmt", FORMATS)
def test_a_residents_ledger_keeps_ids_dates_phones_and_leading_zeros(site_db, admin, fmt):
    report = ledger_import.run_import(column_choices.open_ledger(FIXTURES / f"residents.{fmt}", "residents"), admin)
    assert report.written and report.created == 2 and not report.problems, report.problems
    zhang, li = residents.find_by_document(ZHANG), residents.find_by_document(LI)
    assert (zhang.birth_date, zhang.phone, zhang.room) == (dt.date(1990, 3, 7), "13812345678", "0501")
    assert (li.birth_date, li.phone, li.room, li.gender) == (dt.date(1965, 8, 12), "0871-1234567", "0102", "女")  # a landline keeps its area-code dash


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_intakes_ledger_keeps_dates_times_and_amounts(site_db, admin, fmt):
    report = ledger_import.run_import(column_choices.open_ledger(FIXTURES / f"intakes.{fmt}", "intakes"), admin)
    assert report.written and report.created == 2 and not report.problems, report.problems
    wage = period_stats(*YEAR).wage
    assert (wage.cases, wage.workers, wage.owed_fen) == (1, 3, 1_200_050)
    received = sorted(i.received_at for i in m.Intake.select())
    assert received == [dt.datetime(2025, 3, 5, 9, 30), dt.datetime(2025, 3, 6)]


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_events_ledger_keeps_its_times(site_db, admin, fmt):
    report = ledger_import.run_import(column_choices.open_ledger(FIXTURES / f"events.{fmt}", "events"), admin)
    assert report.written and report.created == 2 and not report.problems, report.problems
    found = [(e.found_at, e.place) for e in m.GridEvent.select().order_by(m.GridEvent.found_at)]
    assert found == [(dt.datetime(2025, 4, 1, 8, 15), "3栋"), (dt.datetime(2025, 4, 2), "5栋")]


def test_an_id_the_old_format_stored_as_a_number_is_refused_by_name(site_db, admin):
    before = snapshot()
    report = ledger_import.run_import(column_choices.open_ledger(FIXTURES / "residents-id-as-number.xls", "residents"), admin)
    assert not report.written and snapshot() == before
    [problem] = report.problems
    assert (problem.place, problem.column) == ("第3行", "身份证号")
    assert "被Excel存成了数字（显示为 1.10101E+17）" in problem.message


# ---------------------------------------------------------------- item: one column, named differently per sheet


def test_sheets_that_name_a_column_differently_are_each_read_by_their_own_header(site_db, admin, tmp_path):
    path = workbook(tmp_path / "两张表.xlsx", {
        "上半年": [["受理日期", "姓名", "身份证号", "业务类型", "状态", "办结日期", "办理结果"],
                   ["2025-03-03", "张三", ZHANG, "失业登记", "办结", "2025-03-04", "已发证"]],
        "下半年": [["业务", "日期", "姓名", "身份证号码", "状态", "办结日期", "办理结果"],
                   ["失业登记", "2025-08-03", "李四", LI, "办结", "2025-08-04", "已发证"]],
    })
    report = run(path)
    assert report.written and report.created == 2, lines(report)
    assert not any("未导入的列" in note for note in report.notes), report.notes
    intakes = sorted((i.received_at.date(), i.resident.doc_number) for i in m.Intake.select())
    assert intakes == [(dt.date(2025, 3, 3), ZHANG), (dt.date(2025, 8, 3), LI)]
